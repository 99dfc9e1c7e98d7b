"""``course export``: the class's grades for an LMS, or Gradescope's autograder bundle.

    course export hw1 --to canvas   [--roster roster.csv] [--column "Homework 1 (1234)"]
    course export hw1 --to moodle   [--id-column "ID number"]
    course export hw1 --to gradescope-bundle [--wheel dist/dltheory_course-*.whl]

The CSVs are rebuilt from the results store (the verdicts of the last
``course grade``, with the gradebook's manual grades, overrides and the late
penalty: the scores of the class CSV). See course/grading/lms.py.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click


def _build_wheel(dest: Path) -> Path:
    """The course's own wheel (with solutions: the bundle runs the hidden checks)."""
    import course

    root = Path(course.__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        raise click.ClickException("this installation is not a source checkout, so no wheel can be built "
                                   "here. Next: pass --wheel with the instructor's wheel.")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(dest), str(root)], capture_output=True, text=True)
    wheels = sorted(dest.glob("dltheory_course-*.whl"))
    if proc.returncode or not wheels:
        raise click.ClickException(f"building the course wheel failed: {proc.stderr.strip()[-300:]}. "
                                   "Next: pass --wheel with a wheel built by `pip wheel --no-deps .`.")
    return wheels[-1]


@click.command("export")
@click.argument("assignment")
@click.option("--to", "to", type=click.Choice(["canvas", "moodle", "gradescope-bundle"]), required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder `course grade` wrote [default: ./grades/ASSIGNMENT]; the file goes there.")
@click.option("--roster", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="CSV with a `student` column (nbgrader id) and Name, ID, SIS User ID, SIS Login ID, "
                   "Section (Canvas) or the Moodle identifier column.")
@click.option("--column", default=None, help="The grade column's name [default: ASSIGNMENT]; for Canvas, "
                                              "its gradebook header, e.g. 'Homework 1 (1234)'.")
@click.option("--id-column", default="ID number", show_default=True, help="Moodle's identifier column.")
@click.option("--wheel", "wheels", multiple=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Wheel(s) the bundle installs [default: build the course's own].")
@click.option("--gradebook", default=None, metavar="PATH|URL",
              help="nbgrader gradebook with manual grades [default: COURSE/gradebook.db if present].")
@click.option("--no-gradebook", is_flag=True, help="Ignore the gradebook (store overrides still count).")
@click.option("--reveal-hidden", is_flag=True, help="The bundle's results show hidden checks' values.")
def export(**kwargs):
    """Write ASSIGNMENT's grades for Canvas or Moodle, or Gradescope's autograder.zip."""
    sys.exit(export_grades(**kwargs))


def export_grades(*, assignment, to, out, roster, column, id_column, wheels, gradebook, no_gradebook,
                  reveal_hidden) -> int:
    """`course export` (see :func:`export`); returns the exit status."""
    from autograder import catalog
    from course.grading import lms
    from course.report import default_paths, load_current

    if assignment not in catalog.ids():
        raise click.UsageError(f"unknown assignment {assignment!r}; known: {', '.join(catalog.ids())}")
    out, gb = default_paths(assignment, out, gradebook, no_gradebook)
    old = os.umask(0o077)
    try:
        if to == "gradescope-bundle":
            with tempfile.TemporaryDirectory() as tmp:
                files = list(wheels) or [_build_wheel(Path(tmp))]
                path = lms.gradescope_bundle(out / f"{assignment}-gradescope-autograder.zip", assignment, files,
                                             reveal_hidden=reveal_hidden)
            click.echo(f"gradescope bundle: {path}")
            click.echo("Next: upload it as the assignment's autograder (Configure Autograder > Zip file).",
                       err=True)
            return
        records = load_current(out, assignment, gb)
        ros = {}
        if roster is not None:
            try:
                ros = lms.read_roster(roster.read_bytes())
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None
        kw = {"column": column, "roster": ros}
        if to == "moodle":
            kw["id_column"] = id_column
        path = lms.export_lms(records, out, assignment, to, **kw)
    finally:
        os.umask(old)
    missing = sorted(r["student"] for r in records if ros and r["student"] not in ros)
    if missing:
        click.echo(f"not in the roster (written with their nbgrader id): {', '.join(missing[:20])}", err=True)
    click.echo(f"{to}: {path}")
    click.echo(f"{len(records)} students. Next: import it in {to.capitalize()}'s gradebook.", err=True)
    return 0
