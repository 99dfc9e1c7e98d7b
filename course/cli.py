"""The ``course`` command: parses arguments and delegates.

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


def _default_submission(hw):
    """The file ``course check hw`` grades when none is given: the rule ``course grade`` follows."""
    from autograder.submission import choose_file

    choice = choose_file(Path.cwd(), hw)
    if choice.file is None:
        raise click.UsageError(f"{choice.problem(hw, 'in this folder')}; give the file: "
                               f"course check {hw} PATH")
    if choice.reason:
        err.print(f"grading {choice.file.name} ({choice.reason})", soft_wrap=True)
    return Path(choice.file.name)


#: pytest's exit status for a usage error (ExitCode.USAGE_ERROR), e.g. a malformed -k expression
_PYTEST_USAGE_ERROR = 4

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
    from rich.table import Table

    t = Table("id", "title", "functions", "points (public + hidden)")
    for a in catalog.all_assignments():
        t.add_row(a.id, a.title, str(len(a.functions)),
                  f"{a.points:g} ({a.public_points:g} + {a.points - a.public_points:g})")
    Console().print(t)


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
def check(assignment, path, hidden, as_json, plots, keyword, device, junit, grader_seed, verbose):
    """Grade one submission (PATH: .ipynb or .py; default: ASSIGNMENT.ipynb, ASSIGNMENT.py,
    or the only notebook or .py file here, as `course grade` chooses)."""
    from autograder.reference import solutions_available
    from autograder.report import print_report, to_json, to_junit
    from autograder.runner import run_checks
    from autograder.submission import SubmissionError, load_submission

    path = path or _default_submission(assignment)
    try:
        load_submission(path)
    except SubmissionError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(2)
    if hidden and not solutions_available(assignment):
        err.print(f"[red]error:[/red] --all runs the hidden checks, which need the reference "
                  f"(`solutions.{assignment}`); it is not installed here. Run without --all.")
        sys.exit(2)
    if device == "cuda":
        try:
            import torch
            ok = torch.cuda.is_available()
        except ImportError:
            ok = False
        if not ok:
            err.print("[red]error:[/red] --device cuda asked, but no CUDA device is available here.")
            sys.exit(2)
    report = run_checks(assignment, path, hidden=hidden, keyword=keyword, grader_seed=grader_seed,
                        device=device)
    if not report.results:
        # nothing selected: say so before any table or score ("Score: 0 / 0" reads like a grade)
        if not keyword:
            err.print(f"[red]error:[/red] no check of {assignment} could be collected (pytest exit "
                      f"status {report.exit_status}): the grader's installation is broken; "
                      "reinstall the course package, or tell the course staff.", soft_wrap=True)
            sys.exit(2)
        names = ", ".join(catalog.get(assignment).functions)
        what = f"-k {keyword!r} is not a valid expression" if report.exit_status == _PYTEST_USAGE_ERROR \
            else f"-k {keyword!r} matches no check of {assignment}"
        err.print(f"[red]error:[/red] {what}; -k takes a function or case name, or an expression "
                  f"of them (functions: {names}).", soft_wrap=True)
        sys.exit(2)
    if junit:
        junit.write_text(to_junit([report]))
    from autograder.status import Status

    setup = [r for r in report.results if r.status == Status.SETUP_ERROR]
    if as_json:
        click.echo(to_json(report))
    else:
        print_report(report, verbose=verbose)
    if plots:
        from course.plots import draw

        files = draw(assignment, path, plots)
        if not as_json:
            for f in files:
                click.echo(f"plot: {f}")
    if setup:
        sys.exit(2)
    sys.exit(0 if report.all_passed or (not report.ran and report.results) else 1)


@main.command()
@click.argument("assignment", callback=_assignment)
@click.option("--plots", type=click.Path(file_okay=False, path_type=Path), help="Draw the reference's curves into DIR.")
def solve(assignment, plots):
    """Run the reference on the check inputs and print the results."""
    from autograder.report import print_report
    from autograder.runner import run_checks

    report = run_checks(assignment, trusted=f"solutions.{assignment}", hidden=True)
    print_report(report)
    if plots:
        from course.plots import draw

        for f in draw(assignment, None, plots):
            click.echo(f"plot: {f}")
    sys.exit(0 if report.all_passed else 1)


@main.command()
@click.argument("assignment", callback=_assignment, required=False)
@click.option("--all", "every", is_flag=True, help="Every assignment.")
def fixtures(assignment, every):
    """Record the public reference values students' checks replay."""
    from course.fixtures import build_fixtures

    todo = catalog.ids() if every else [assignment]
    if not todo or todo == [None]:
        raise click.UsageError("give an assignment or --all")
    for a in todo:
        path, n = build_fixtures(a)
        click.echo(f"{a}: {n} reference values -> {path}")


@main.command()
@click.argument("assignment", callback=_assignment, required=False)
@click.option("--all", "every", is_flag=True, help="Every assignment.")
@click.option("--check", "check_only", is_flag=True, help="Only report whether the notebook is up to date.")
def build(assignment, every, check_only):
    """Generate assignments/hwN/hwN.ipynb from hwN.md and solutions/hwN.py."""
    from course.build import build_notebook, notebook_is_fresh

    todo = catalog.ids() if every else [assignment]
    if not todo or todo == [None]:
        raise click.UsageError("give an assignment or --all")
    stale = []
    for a in todo:
        if check_only:
            if not notebook_is_fresh(a):
                stale.append(a)
        else:
            click.echo(f"{a}: {build_notebook(a)}")
    if stale:
        click.echo(f"stale notebooks: {', '.join(stale)} (run `course build --all`)")
        sys.exit(1)


@main.command()
@click.argument("assignment", callback=_assignment, required=False)
@click.option("--all", "every", is_flag=True, help="Every assignment.")
@click.option("--seeds", default=200, show_default=True, help="Number of grader seeds.")
def calibrate(assignment, every, seeds):
    """Run the statistical checks on the reference over many seeds; count failures."""
    import time

    from course.calibrate import calibrate as run

    todo = catalog.ids() if every else [assignment]
    if not todo or todo == [None]:
        raise click.UsageError("give an assignment or --all")
    total_fail = 0
    for a in todo:
        t0 = time.perf_counter()
        runs, fails, bad = run(a, seeds)
        for key in sorted(runs):
            click.echo(f"{a} {key}: {fails[key]} failures in {runs[key]} seeds")
        for r in bad[:5]:
            click.echo(f"  {r.id}: {r.message.splitlines()[0][:200]}")
        total_fail += sum(fails.values())
        click.echo(f"{a}: {sum(runs.values())} runs, {sum(fails.values())} failures, "
                   f"{time.perf_counter() - t0:.1f} s")
    sys.exit(1 if total_fail else 0)


#: commands registered only in the instructor's install (below)
INSTRUCTOR_COMMANDS = ("release", "grade", "student-dist", "report", "override", "export")


if __name__ == "__main__":
    main()
