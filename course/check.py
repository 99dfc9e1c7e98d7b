"""``course check``, ``course solve`` and ``course list``: what a student runs.

Each is a keyword-only function that returns the command's exit status; the
click commands in :mod:`course.cli` only parse arguments and call them. This
module imports the engine only (never grading, release or the notebook
builder): a student's ``course check`` stays fast.

Exit codes of ``course check``: 0 every selected check passed, 1 some check
failed, 2 a usage or setup error.
"""
from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from autograder import catalog
from autograder.options import Device

err = Console(stderr=True)

#: pytest's exit status for a usage error (ExitCode.USAGE_ERROR), e.g. a malformed -k expression
PYTEST_USAGE_ERROR = 4


def default_submission(assignment: str, folder: Path | None = None) -> Path:
    """The file ``course check hw`` grades when none is given: the rule ``course grade`` follows."""
    from autograder.submission import choose_file

    choice = choose_file(folder or Path.cwd(), assignment)
    if choice.file is None:
        raise click.UsageError(f"{choice.problem(assignment, 'in this folder')}; give the file: "
                               f"course check {assignment} PATH")
    if choice.reason:
        err.print(f"grading {choice.file.name} ({choice.reason})", soft_wrap=True)
    return Path(choice.file.name)


def list_assignments() -> int:
    """Print the assignments, their titles and points."""
    from rich.table import Table

    t = Table("id", "title", "functions", "points (public + hidden)")
    for a in catalog.all_assignments():
        t.add_row(a.id, a.title, str(len(a.functions)),
                  f"{a.points:g} ({a.public_points:g} + {a.points - a.public_points:g})")
    Console().print(t)
    return 0


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def check(*, assignment: str, path: Path | None = None, hidden: bool = False, as_json: bool = False,
          plots: Path | None = None, keyword: str | None = None, device: Device = "cpu",
          junit: Path | None = None, grader_seed: int = 0, verbose: bool = False) -> int:
    """Grade one submission and show the report; returns the exit status (0, 1 or 2)."""
    from autograder.reference import solutions_available
    from autograder.report import print_report, to_json, to_junit
    from autograder.runner import run_checks
    from autograder.submission import SubmissionError, load_submission

    path = path or default_submission(assignment)
    try:
        load_submission(path)
    except SubmissionError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 2
    if hidden and not solutions_available(assignment):
        err.print(f"[red]error:[/red] --all runs the hidden checks, which need the reference "
                  f"(`solutions.{assignment}`); it is not installed here. Run without --all.")
        return 2
    if device == "cuda" and not _cuda_available():
        err.print("[red]error:[/red] --device cuda asked, but no CUDA device is available here. "
                  "Run without --device cuda.")
        return 2
    report = run_checks(assignment, path, hidden=hidden, keyword=keyword, grader_seed=grader_seed,
                        device=device)
    if not report.results:
        # nothing selected: say so before any table or score ("Score: 0 / 0" reads like a grade)
        if not keyword:
            err.print(f"[red]error:[/red] no check of {assignment} could be collected (pytest exit "
                      f"status {report.exit_status}): the grader's installation is broken; "
                      "reinstall the course package, or tell the course staff.", soft_wrap=True)
            return 2
        names = ", ".join(catalog.get(assignment).functions)
        what = f"-k {keyword!r} is not a valid expression" if report.exit_status == PYTEST_USAGE_ERROR \
            else f"-k {keyword!r} matches no check of {assignment}"
        err.print(f"[red]error:[/red] {what}; -k takes a function or case name, or an expression "
                  f"of them (functions: {names}).", soft_wrap=True)
        return 2
    if junit:
        junit.write_text(to_junit([report]))
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
    if report.setup_errors:
        return 2
    return 0 if report.all_passed or (not report.ran and report.results) else 1


def solve(*, assignment: str, plots: Path | None = None) -> int:
    """Run the reference on the check inputs and print the results; 0 when it passes them all."""
    from autograder.report import print_report
    from autograder.runner import run_checks

    report = run_checks(assignment, trusted=f"solutions.{assignment}", hidden=True)
    print_report(report)
    if plots:
        from course.plots import draw

        for f in draw(assignment, None, plots):
            click.echo(f"plot: {f}")
    return 0 if report.all_passed else 1
