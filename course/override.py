"""``course override``: the instructor's points for one function of one student.

Recorded in the results store (with the comment, the file's sha256 and the
time) and in nbgrader's gradebook as the manual score of the function's
grade cells; then every export (CSV, JUnit, Gradescope, feedback, the class
page) is rewritten from the store, showing the new score and saying where it
came from. See :mod:`course.grading.overrides` and docs/grading.md.
"""
from __future__ import annotations

import sys

import difflib
import os
from pathlib import Path

import click


@click.command("override")
@click.argument("assignment")
@click.argument("student")
@click.argument("function")
@click.argument("points", type=float)
@click.option("--comment", required=True, help="Why: shown to the student in the feedback, kept in the store.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder `course grade` wrote (results.sqlite) [default: ./grades/ASSIGNMENT].")
@click.option("--gradebook", default=None, metavar="PATH|URL",
              help="nbgrader gradebook [default: COURSE/gradebook.db if present].")
@click.option("--no-gradebook", is_flag=True, help="Record the override in the store only.")
@click.option("--reveal-hidden", is_flag=True, help="Rewritten feedback shows hidden checks' values.")
def override(**kwargs):
    """Give STUDENT POINTS for FUNCTION of ASSIGNMENT, replacing the autograder's points."""
    sys.exit(set_override(**kwargs))


def set_override(*, assignment, student, function, points, comment, out, gradebook, no_gradebook,
                 reveal_hidden) -> int:
    """`course override` (see :func:`override`); returns the exit status."""
    from autograder import catalog
    from course.grading.batch import GradeError, _lock, export_all
    from course.grading.overrides import function_max, write_override
    from course.grading.store import Store
    from course.report import default_paths

    if assignment not in catalog.ids():
        raise click.UsageError(f"unknown assignment {assignment!r}; known: {', '.join(catalog.ids())}")
    fns = list(catalog.get(assignment).functions)
    if function not in fns:
        close = difflib.get_close_matches(function, fns, n=2)
        raise click.UsageError(f"{function!r} is not a graded function of {assignment}"
                               + (f" (did you mean {', '.join(close)}?)" if close else "")
                               + f"; its functions: {', '.join(fns)}")
    out, gb = default_paths(assignment, out, gradebook, no_gradebook)
    if not (out / "results.sqlite").is_file():
        raise click.ClickException(f"no results store at {out / 'results.sqlite'}. Next: run "
                                   f"`course grade {assignment}` first, or give --out the folder it wrote to.")
    try:
        lock = _lock(out)
    except GradeError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with Store(out / "results.sqlite") as st:
            records = st.current_records(assignment)
            by = {r["student"]: r for r in records}
            if student not in by:
                close = difflib.get_close_matches(student, list(by), n=3)
                raise click.UsageError(f"no graded submission of {assignment} by {student!r}"
                                       + (f" (did you mean {', '.join(close)}?)" if close else "")
                                       + ". Next: give a student of the class, as `course grade` listed them.")
            rec = by[student]
            top = function_max(rec, function)
            if not (0.0 <= points <= top + 1e-9):
                raise click.UsageError(f"{function} is worth 0 to {top:g} points; {points:g} is outside. "
                                       "Next: give points within that range.")
            if rec.get("invalid_id") and gb is not None:
                raise click.UsageError(f"{student!r} is not a student id; it is kept out of the gradebook. "
                                       "Next: rename the folder and grade again.")
            st.add_override(student, assignment, function, points, comment, rec["sha256"])
            old = os.umask(0o077)
            try:
                if gb is not None:
                    try:
                        write_override(gb, assignment, rec, function, points, comment)
                    except LookupError:
                        from course.grading.gradebook import write_gradebook

                        write_gradebook(records, gb, assignment)
                        write_override(gb, assignment, rec, function, points, comment)
                course_dir = out.resolve().parent.parent
                outputs, errors = export_all(records, out, assignment, gb, reveal_hidden=reveal_hidden,
                                             feedback_root=course_dir / "feedback", secrets={},
                                             overrides=st.overrides(assignment),
                                             policy=st.setting(assignment, "deadline"),
                                             first_seen=st.first_seen(assignment))
            finally:
                os.umask(old)
    finally:
        lock.close()
    for who, why in errors:
        click.echo(f"not in the gradebook: {who}: {why}", err=True)
    import csv

    with open(outputs["csv"], newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["student"].lstrip("'") == student)
    click.echo(f"{student}: {function} = {points:g}; score {row['score']} / {row['max_score']} "
               f"(autograder: {row['auto_score']}; {row['score_source']})")
    for k, v in outputs.items():
        click.echo(f"{k}: {v}")
    return 0
