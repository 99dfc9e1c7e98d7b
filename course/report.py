"""``course report``: the class page of an assignment, rebuilt from the results store.

``course grade`` writes the same page at the end of every run; this command
rebuilds it (e.g. with another threshold, or after manual grading in
formgrader) without grading anything. See docs/grading.md.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def load_current(out: Path, assignment: str, gradebook=None):
    """The records the last ``course grade`` exported, with the gradebook's manual scores."""
    from course.grading import exports
    from course.grading.gradebook import read_manual
    from course.grading.store import Store

    store_path = out / "results.sqlite"
    if not store_path.is_file():
        raise click.ClickException(f"no results store at {store_path}. Next: run `course grade {assignment}` "
                                   "first, or give --out the folder it wrote to.")
    from course.grading.deadlines import with_late

    with Store(store_path) as st:
        records = st.current_records(assignment)
        policy, seen = st.setting(assignment, "deadline"), st.first_seen(assignment)
        overrides = st.overrides(assignment)
    if not records:
        raise click.ClickException(f"the store {store_path} holds no exported verdict of {assignment}. "
                                   f"Next: run `course grade {assignment}` (it writes them).")
    manual = {}
    if gradebook is None and overrides:      # as `course grade --no-gradebook` exports them
        from course.grading.overrides import manual_from_overrides

        manual = manual_from_overrides(records, overrides)
        for m in manual.values():
            m["source"] = "course override"
    elif gradebook is not None:
        try:
            manual = read_manual(gradebook, assignment)
        except ImportError:
            manual = {}
    return [with_late(exports.with_manual(r, manual.get(r["student"])), policy, seen.get((r["student"], r["sha256"])))
            for r in records]


def default_paths(assignment, out, gradebook, no_gradebook):
    out = Path(out) if out else Path("grades") / assignment
    if no_gradebook:
        gb = None
    elif gradebook:
        gb = gradebook
    else:
        # COURSE/grades/hwN -> COURSE/gradebook.db, as `course grade` writes it
        gb = out.resolve().parent.parent / "gradebook.db"
        gb = gb if gb.is_file() else None
    return out, gb


@click.command("report")
@click.argument("assignment")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder `course grade` wrote (results.sqlite) [default: ./grades/ASSIGNMENT].")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.6, show_default=True,
              help="List the students below this fraction of the maximum.")
@click.option("--gradebook", default=None, metavar="PATH|URL",
              help="nbgrader gradebook whose manual scores to show [default: COURSE/gradebook.db if present].")
@click.option("--no-gradebook", is_flag=True, help="Show the autograder's scores only.")
@click.option("--submitted", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The class folder, for the similarity section [default: COURSE/submitted].")
@click.option("--similarity", type=click.FloatRange(0, 1), default=0.7, show_default=True,
              help="List the pairs of submissions at least this similar.")
def report(**kwargs):
    """Write OUT/ASSIGNMENT-class.html: the class page (scores, failure rates, slips)."""
    sys.exit(write_class_page(**kwargs))


def write_class_page(*, assignment, out, threshold, gradebook, no_gradebook, submitted, similarity) -> int:
    """`course report` (see :func:`report`); returns the exit status."""
    from autograder import catalog
    from course.grading.classpage import export_class_page

    if assignment not in catalog.ids():
        raise click.UsageError(f"unknown assignment {assignment!r}; known: {', '.join(catalog.ids())}")
    out, gb = default_paths(assignment, out, gradebook, no_gradebook)
    records = load_current(out, assignment, gb)
    old = os.umask(0o077)
    try:
        path = export_class_page(records, out / f"{assignment}-class.html", assignment, threshold,
                                 similarity_html=_similarity(records, out, assignment, submitted, similarity))
    finally:
        os.umask(old)
    click.echo(f"class page: {path}")
    click.echo(f"{len(records)} students; open it in a browser (it needs no network).", err=True)
    return 0


def _similarity(records, out, assignment, submitted, threshold):
    from course.grading.batch import similarity_section
    from course.grading.discover import find_submissions

    submitted = Path(submitted) if submitted else out.resolve().parent.parent / "submitted"
    try:
        subs = find_submissions(submitted, assignment)
    except (OSError, ValueError):
        import html

        return (f"<h2>Similar submissions</h2><p>Not computed: no class folder at {html.escape(str(submitted))}; "
                "give --submitted.</p>")
    return similarity_section(records, subs, threshold)
