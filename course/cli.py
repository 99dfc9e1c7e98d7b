"""The ``course`` command: parses arguments and delegates.

Every command is thin: click parses the arguments and calls one keyword-only
function that does the work and returns the exit status (``course.check.check``
for ``course check``); the function's module is imported only when the
command runs, so ``course check`` imports nothing of grading or release.

Exit codes of ``course check``: 0 every selected check passed, 1 some check
failed, 2 a usage or setup error.
"""
from __future__ import annotations

import os

# One BLAS/OpenMP thread unless the user says otherwise: checks do many small
# linear-algebra calls, where extra threads only contend (on a busy 2-core
# machine they made them tens of times slower).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402
from rich.console import Console  # noqa: E402

from autograder import catalog  # noqa: E402

err = Console(stderr=True)


def _assignment(ctx, param, value):
    if value is None:
        return value
    if value not in catalog.ids():
        raise click.BadParameter(f"unknown assignment {value!r}; known: {', '.join(catalog.ids())}")
    return value


def _todo(assignment: str | None, every: bool) -> list[str]:
    """The assignments a command with ``[ASSIGNMENT] [--all]`` acts on."""
    todo = catalog.ids() if every else [assignment]
    if not todo or todo == [None]:
        raise click.UsageError("give an assignment or --all")
    return todo


#: what the student package offers; every other command needs the instructor's parts
STUDENT_COMMANDS = ("check", "list", "submit")


def _instructor_only(name):
    """Stands in for an instructor command in the student package: says so, exit 2."""

    @click.command(name, hidden=True, context_settings={"ignore_unknown_options": True,
                                                        "allow_extra_args": True,
                                                        "help_option_names": []})
    def stand_in():
        err.print(f"[red]error:[/red] `course {name}` is an instructor command: it needs the course's "
                  "own checkout (the reference `solutions`, the hidden checks and the notebook "
                  "templates), which the student package leaves out. Here you can run: "
                  + ", ".join(f"`course {c}`" for c in STUDENT_COMMANDS)
                  + " (see `course --help`).", soft_wrap=True)
        sys.exit(2)

    return stand_in


#: commands in modules of their own, imported only when run (or listed by
#: --help): `course check` imports nothing of grading or release
LAZY = {"release": "course.release:release", "grade": "course.grade:grade",
        "student-dist": "course.student_dist:student_dist", "report": "course.report:report",
        "override": "course.override:override", "export": "course.export_cmd:export",
        "submit": "course.submit:submit"}


class _CourseGroup(click.Group):
    """The student package lists and runs only :data:`STUDENT_COMMANDS`;
    the instructor's commands of :data:`LAZY` load on first use."""

    def list_commands(self, ctx):
        names = set(super().list_commands(ctx)) | {n for n in LAZY if self._lazy(n) is not None}
        if catalog.is_student_install():
            names = {n for n in names if n in STUDENT_COMMANDS}
        return sorted(names)

    def _lazy(self, name):
        import importlib

        module, attr = LAZY[name].split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except ImportError:  # an instructor-only dependency is missing
            return None

    def get_command(self, ctx, name):
        if catalog.is_student_install() and name not in STUDENT_COMMANDS and \
                (name in self.commands or name in INSTRUCTOR_COMMANDS or name in LAZY):
            return _instructor_only(name)
        if name in LAZY and name not in self.commands:
            return self._lazy(name)
        return super().get_command(ctx, name)


@click.group(cls=_CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Homework and autograder for the deep-learning theory course."""


@main.command("list")
def list_cmd():
    """Assignments, titles and points."""
    from course.check import list_assignments

    sys.exit(list_assignments())


@main.command()
@click.argument("assignment", callback=_assignment)
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all", "hidden", is_flag=True, help="Also run the hidden checks (needs `solutions`).")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object on stdout.")
@click.option("--plots", type=click.Path(file_okay=False, path_type=Path), help="Draw your curves over the reference's into DIR.")
@click.option("-k", "keyword", help="Only checks matching this pytest -k expression (function or case names).")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), help="Also write a JUnit XML report.")
@click.option("--seed", "grader_seed", type=int, default=0, show_default=True, help="Base seed of the statistical checks.")
@click.option("-v", "--verbose", is_flag=True, help="Also show what your code printed.")
def check(**kwargs):
    """Grade one submission (PATH: .ipynb or .py; default: ASSIGNMENT.ipynb, ASSIGNMENT.py,
    or the only notebook or .py file here, as `course grade` chooses)."""
    from course.check import check as run

    sys.exit(run(**kwargs))


@main.command()
@click.argument("assignment", callback=_assignment)
@click.option("--plots", type=click.Path(file_okay=False, path_type=Path), help="Draw the reference's curves into DIR.")
def solve(**kwargs):
    """Run the reference on the check inputs and print the results."""
    from course.check import solve as run

    sys.exit(run(**kwargs))


@main.command()
@click.argument("assignment", callback=_assignment, required=False)
@click.option("--all", "every", is_flag=True, help="Every assignment.")
def fixtures(assignment, every):
    """Record the public reference values students' checks replay."""
    from course.fixtures import record_fixtures

    sys.exit(record_fixtures(assignments=_todo(assignment, every)))


@main.command()
@click.argument("assignment", callback=_assignment, required=False)
@click.option("--all", "every", is_flag=True, help="Every assignment.")
@click.option("--check", "check_only", is_flag=True, help="Only report whether the notebook is up to date.")
def build(assignment, every, check_only):
    """Generate assignments/hwN/hwN.ipynb from hwN.md and solutions/hwN.py."""
    from course.build import build_notebooks

    sys.exit(build_notebooks(assignments=_todo(assignment, every), check_only=check_only))


@main.command()
@click.argument("assignment", callback=_assignment, required=False)
@click.option("--all", "every", is_flag=True, help="Every assignment.")
@click.option("--seeds", default=200, show_default=True, help="Number of grader seeds.")
def calibrate(assignment, every, seeds):
    """Run the statistical checks on the reference over many seeds; count failures."""
    from course.calibrate import calibrate_all

    sys.exit(calibrate_all(assignments=_todo(assignment, every), seeds=seeds))


#: commands registered only in the instructor's install (below)
INSTRUCTOR_COMMANDS = ("release", "grade", "student-dist", "report", "override", "export")


if __name__ == "__main__":
    main()
