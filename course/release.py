"""``course release``: from the single source of truth to nbgrader's release.

For each assignment: regenerate the source notebook (``course build``),
record the public fixtures (``course fixtures``), copy the notebook into
the nbgrader course folder's ``source/``, write the course's
``nbgrader_config.py`` if there is none, and run nbgrader's own
``generate_assignment``, which strips the solutions and the hidden checks
into ``release/hwN/hwN.ipynb``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from autograder import catalog

CONFIG = '''\
# nbgrader configuration of the course (written by `course release`).
c = get_config()

c.CourseDirectory.course_id = "dltheory"

# One stub form in every release notebook.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}

# Check cells run the sandboxed grader; give them time.
c.Execute.timeout = 900

# nbgrader scores a graded cell 0 when it writes anything to stderr. Our check
# cells never do (they catch warnings and stderr), and as a second line of
# defence warnings are dropped from graded cells before they are scored.
c.IgnorePattern.pattern = r"(?s).*Warning.*"

# Feedback shows our messages, never the hidden checks' code or tracebacks.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from autograder.nbgrader_ext import RedactHiddenTests  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, RedactHiddenTests, CSSHTMLHeaderPreprocessor]

# The optional Helpers cell is released without the stub's `raise`, so Run All goes past it.
from autograder.nbgrader_ext import generate_assignment_preprocessors  # noqa: E402

c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
'''


def write_config(course_dir: Path, force=False) -> Path:
    path = course_dir / "nbgrader_config.py"
    if force or not path.exists():
        path.write_text(CONFIG)
    return path


def nbgrader(course_dir, *args, timeout=1800):
    """Run an nbgrader command in the course folder; raise with its output on failure."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=course_dir, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise click.ClickException(f"`nbgrader {' '.join(args)}` failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def release_assignment(hw, course_dir: Path, fixtures=True) -> Path:
    from course.build import build_notebook
    from course.fixtures import build_fixtures

    src_nb = build_notebook(hw)
    if fixtures:
        build_fixtures(hw)
    course_dir.mkdir(parents=True, exist_ok=True)
    write_config(course_dir)
    dest = course_dir / "source" / hw
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src_nb, dest / f"{hw}.ipynb")
    nbgrader(course_dir, "generate_assignment", hw, "--force")
    out = course_dir / "release" / hw / f"{hw}.ipynb"
    if not out.exists():
        raise click.ClickException(f"nbgrader did not produce {out}")
    return out


@click.command()
@click.argument("assignment", required=False)
@click.option("--all", "every", is_flag=True, help="Every assignment.")
@click.option("--course-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The nbgrader course folder.")
@click.option("--no-fixtures", is_flag=True, help="Do not re-record the public fixtures.")
def release(assignment, every, course_dir, no_fixtures):
    """Build the source notebook and nbgrader's student release."""
    todo = list(catalog.ids()) if every else [assignment]
    if not every and assignment not in catalog.ids():
        raise click.UsageError(f"give an assignment ({', '.join(catalog.ids())}) or --all")
    for hw in todo:
        out = release_assignment(hw, course_dir.resolve(), fixtures=not no_fixtures)
        click.echo(f"{hw}: released {out}")
    click.echo("Next: students fill release/<hw>/<hw>.ipynb; collect them into "
               "submitted/<student>/<hw>/ and run `course grade <hw> submitted` "
               "(or `nbgrader autograde <hw>`).")
