"""``course release``: from the single source of truth to nbgrader's release.

For each assignment: build the source notebook (as ``course build`` does,
from ``hwN.md`` and ``solutions/hwN.py``, both installed with the
instructor package) straight into the nbgrader course folder's ``source/``,
check that the public fixtures the student package ships are fresh, write
the course's ``nbgrader_config.py`` if there is none, and run nbgrader's own
``generate_assignment``, which strips the solutions and the hidden checks
into ``release/hwN/hwN.ipynb``. Nothing is written outside the course
folder, so a checkout stays clean and a regular install works.

The config makes ``nbgrader autograde`` grade in the sandbox, never in a
kernel (:mod:`autograder.nbgrader_ext`).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from autograder import catalog

#: a line of CONFIG that older course configs lack (they autograde in a kernel)
CONFIG_MARK = "SandboxAutograde"

CONFIG = '''\
# nbgrader configuration of the course (written by `course release`).
c = get_config()

c.CourseDirectory.course_id = "dltheory"

# One stub form in every release notebook.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,  # noqa: E402
                                    DeduplicateIds, GetGrades, IgnorePattern, LimitOutput,
                                    OverwriteKernelspec, SaveAutoGrades)

from autograder.nbgrader_ext import QuietOverwriteCells, RedactHiddenTests, SandboxAutograde  # noqa: E402

# `nbgrader autograde` runs no student code in a kernel: SandboxAutograde takes
# the place of nbgrader's Execute step, grades the notebook once as a whole
# exactly as `course grade` does (in the sandbox, the course folder and the
# gradebook out of reach) and writes each check cell's verdicts and points,
# which SaveAutoGrades, generate_feedback, export and formgrader read as usual.
c.Autograde.autograde_preprocessors = [SandboxAutograde, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
# seconds per notebook in all (as `course grade --timeout`); then it scores 0
c.SandboxAutograde.timeout = 600

# Hidden-check cells left as released differ from the source by their hidden
# block, so nbgrader 0.9 warns "checksum has changed" for each (nbgrader issue
# #1961) although nothing changed; this OverwriteCells is silent for exactly
# those cells, and still restores and warns about any edited locked cell.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      QuietOverwriteCells, CheckCellMetadata]
# a deleted check cell comes back (and is scored), as `course grade` scores
# every function whatever became of its check cells
c.OverwriteCells.add_missing_cells = True

# `nbgrader validate` (and any kernel run of the notebook) runs the check cells
# in a kernel; they call the sandboxed grader: give them time.
c.Execute.timeout = 900

# nbgrader scores a graded cell 0 when it writes anything to stderr. Our check
# cells never do (they catch warnings and stderr), and as a second line of
# defence warnings are dropped from graded cells before they are scored.
c.IgnorePattern.pattern = r"(?s).*Warning.*"

# Feedback shows our messages, never the hidden checks' code or tracebacks.
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


def config_is_current(course_dir: Path) -> bool:
    path = course_dir / "nbgrader_config.py"
    return path.exists() and CONFIG_MARK in path.read_text()


def nbgrader(course_dir, *args, timeout=1800):
    """Run an nbgrader command in the course folder; raise with its output on failure."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=course_dir, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        # nbgrader logs the traceback of a failed submission before its summary lines, and
        # SQLAlchemy's warnings in between; keep the traceback in view, not the warnings
        err = "\n".join(line for line in proc.stderr.splitlines()
                         if "SAWarning" not in line and not line.startswith("  for notebook in"))
        raise click.ClickException(f"`nbgrader {' '.join(args)}` failed:\n{proc.stdout[-3000:]}\n{err[-12000:]}")
    return proc


def release_assignment(hw, course_dir: Path, fixtures=True, force_config=False) -> Path:
    """Build, write and release ``hw`` in ``course_dir``; returns the student notebook's path."""
    from course.build import TemplateError, notebook_text, template_path

    try:
        text = notebook_text(hw)
    except FileNotFoundError as exc:
        raise click.ClickException(
            f"cannot build {hw}'s notebook: {exc.filename} is missing. Next: install the instructor "
            f"package (with its assignments/{hw}/{hw}.md and solutions), or run from the course's checkout"
        ) from None
    except TemplateError as exc:
        raise click.ClickException(f"{template_path(hw)}: {exc}") from None
    if fixtures:
        from course.fixtures import fixtures_are_fresh

        fresh, why = fixtures_are_fresh(hw)
        if not fresh:
            click.echo(f"warning: the public fixtures of {hw} are stale ({why}); students' `course check` "
                       f"would compare against old values. Next: run `course fixtures {hw}` in the course's "
                       "checkout and rebuild the student package.", err=True)
    course_dir.mkdir(parents=True, exist_ok=True)
    write_config(course_dir, force=force_config)
    if not config_is_current(course_dir):
        click.echo(f"warning: {course_dir / 'nbgrader_config.py'} predates the sandboxed autograde step, so "
                   "`nbgrader autograde` would run student code in a kernel. Next: run `course release` "
                   "again with --force-config (or merge the course's settings into it by hand).", err=True)
    dest = course_dir / "source" / hw
    dest.mkdir(parents=True, exist_ok=True)
    (dest / f"{hw}.ipynb").write_text(text)
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
@click.option("--no-fixtures", is_flag=True, help="Do not check that the public fixtures are fresh.")
@click.option("--force-config", is_flag=True, help="Overwrite the course folder's nbgrader_config.py.")
def release(**kwargs):
    """Build the source notebook and nbgrader's student release."""
    sys.exit(release_assignments(**kwargs))


def release_assignments(*, assignment, every, course_dir, no_fixtures, force_config) -> int:
    """`course release` (see :func:`release`); returns the exit status."""
    todo = list(catalog.ids()) if every else [assignment]
    if not every and assignment not in catalog.ids():
        raise click.UsageError(f"give an assignment ({', '.join(catalog.ids())}) or --all")
    for hw in todo:
        out = release_assignment(hw, course_dir.resolve(), fixtures=not no_fixtures,
                                 force_config=force_config)
        click.echo(f"{hw}: released {out}")
    click.echo("Next: students fill release/<hw>/<hw>.ipynb; collect them into "
               "submitted/<student>/<hw>/ and run `course grade <hw> submitted` "
               "(or `nbgrader autograde <hw>`).")
    return 0
