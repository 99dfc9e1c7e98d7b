"""``course grade``: grade a whole class (nbgrader layout) in parallel.

The command parses and delegates to :func:`course.grading.grade_class`; see
docs/grading.md. Exit codes: 0 every submission has its verdict (whatever the
students scored: a broken or hostile file is that student's verdict), 1 some
could not be graded, or a gradebook write failed, because of the grader or
the machine (rerun to retry them), 2 a usage or setup error (an unknown
``--student`` too).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from course.grading import DEFAULT_TIMEOUT, GradeError, Options, grade_class


@click.command("grade")
@click.argument("assignment")
@click.argument("submitted", required=False, default="submitted",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Submissions graded at once on this machine [default: the core count].")
@click.option("--scheduler", metavar="ADDR", default=None,
              help="Grade on a dask.distributed cluster (e.g. tcp://10.0.0.5:8786) instead.")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds one submission may take in all; then it is stopped and scores 0.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results store and exports [default: COURSE/grades/ASSIGNMENT].")
@click.option("--gradebook", default="default", metavar="PATH|URL",
              help="nbgrader gradebook to fill [default: COURSE/gradebook.db].")
@click.option("--no-gradebook", is_flag=True, help="Do not write nbgrader's gradebook.")
@click.option("--student", "students", multiple=True, help="Only this student (repeatable).")
@click.option("--regrade", is_flag=True, help="Grade every submission again, even unchanged ones.")
@click.option("--retry-timeouts", is_flag=True, help="Grade timed-out submissions again.")
@click.option("--no-progress", is_flag=True, help="No progress bar (none is drawn when stderr is not a terminal).")
@click.option("--reveal-hidden", is_flag=True,
              help="Feedback, JUnit and Gradescope files show hidden checks' inputs and expected values "
                   "(e.g. after the deadline); by default they show only what failed and the hint.")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True,
              help="Check profile; with cuda the submissions share this machine's GPU, --workers "
                   "at a time (or go to Dask workers started with --resources GPU=1).")
@click.option("--allow-weak-sandbox", is_flag=True,
              help="Grade even where the sandbox is below the floor (no namespaces and no seccomp "
                   "filter, or no Landlock on a kernel that has it); every verdict says so.")
@click.option("--due", metavar="ISO", default=None,
              help="Due date and time (ISO 8601); late submissions are flagged in every export "
                   "('none' drops a saved one; given once, later runs keep it).")
@click.option("--extensions", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="CSV of per-student extensions: student, then due (ISO) or hours or days.")
@click.option("--late-penalty", type=float, default=None, metavar="PCT",
              help="Percent of the score taken off per started day late (capped at 100).")
def grade(**kwargs):
    """Grade every SUBMITTED/<student>/ASSIGNMENT/ (default SUBMITTED: ./submitted).

    Same verdicts as `course check ASSIGNMENT FILE --all`; each verdict is
    stored as it arrives, so an interrupted run resumes where it stopped.
    """
    sys.exit(grade_class_command(**kwargs))


def grade_class_command(*, assignment, submitted, workers, scheduler, timeout, out, gradebook, no_gradebook,
                        students, regrade, retry_timeouts, no_progress, reveal_hidden, device,
                        allow_weak_sandbox, due, extensions, late_penalty) -> int:
    """`course grade` (see :func:`grade`); returns the exit status."""
    err = Console(stderr=True)
    if not err.is_terminal:       # a file or a pipe: no terminal width to guess, no live display
        err = Console(stderr=True, width=200, no_color=True, highlight=False)
    if workers and scheduler:
        raise click.UsageError("--workers sets the local pool; with --scheduler the cluster decides")
    if device == "cuda" and not scheduler:
        try:
            import torch
            has_gpu = torch.cuda.is_available()
        except ImportError:
            has_gpu = False
        if not has_gpu:
            err.print("[red]error:[/red] --device cuda asked, but no CUDA device is available here. "
                      "Grade on a GPU machine, or send the work to Dask workers that have one "
                      "(--scheduler, workers started with --resources GPU=1).")
            return 2
        workers = workers or 1
    from course.grading.deadlines import DeadlineError, policy_from_cli
    try:
        deadline = policy_from_cli(due, extensions, late_penalty)
    except DeadlineError as exc:
        raise click.UsageError(str(exc)) from None
    _check_confinement(err, allow_weak_sandbox, device="cpu" if scheduler else device)
    opts = Options(assignment, submitted, out=out, gradebook=None if no_gradebook else gradebook,
                   workers=workers, scheduler=scheduler, timeout=timeout, students=tuple(students),
                   regrade=regrade, retry_timeouts=retry_timeouts, progress=not no_progress,
                   reveal_hidden=reveal_hidden, device=device, deadline=deadline)
    try:
        s = grade_class(opts, console=err)
    except GradeError as exc:
        err.print(Text.assemble(("error: ", "red"), str(exc)), soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/yellow]: every verdict so far is stored; run the same "
                  "command again to grade the rest.")
        return 130
    t = Table(title=f"{assignment}: {s.total} submission{'s' * (s.total != 1)} ({s.executor})",
              title_justify="left", show_lines=False)
    t.add_column("", no_wrap=True)
    t.add_column("count", justify="right", no_wrap=True)
    t.add_row("graded in this run", str(s.committed))
    for status, n in sorted(s.statuses.items()):
        t.add_row(f"  {status}", str(n))
    t.add_row("unchanged since an earlier run (kept)", str(s.skipped))
    t.add_row("could not be graded (nothing stored)", str(len(s.lost)))
    t.add_row(f"below full marks (of {s.exported} current verdicts)", str(s.below_full))
    err.print(t)
    for student, why in s.lost[:10]:
        err.print(Text.assemble(("not graded: ", "red"), f"{student}: {why}"), soft_wrap=True)
    for student, why in s.gradebook_errors[:10]:
        err.print(Text.assemble(("not in the gradebook: ", "red"), f"{student}: {why}"), soft_wrap=True)
    errors = s.statuses.get("error", 0)
    if errors:
        err.print(f"{errors} submission{'s' * (errors != 1)} met a fault of the grader (status error); "
                  "their verdicts are graded again on the next run.", soft_wrap=True)
    for k, v in s.outputs.items():
        click.echo(f"{k}: {v}")
    err.print(f"{s.seconds:.1f} s")
    if not s.complete:
        err.print("Next: run the same command again; it grades only what has no verdict yet "
                  "(and writes the gradebook again).", soft_wrap=True)
        return 1
    return 0


def _check_confinement(err, allow_weak, device="cpu"):
    """Refuse to grade a class below the sandbox's floor unless told to."""
    from autograder.sandbox import probe_confinement
    from autograder.sandbox.modes import ModeUnavailable

    try:
        conf = probe_confinement(device)
    except ModeUnavailable as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the sandbox cannot start at all
        err.print(f"[red]error:[/red] the sandbox could not start here: {type(exc).__name__}: {exc}")
        sys.exit(2)
    if conf.meets_floor:
        err.print(f"sandbox: {conf.label}")
        return
    why = "; ".join(conf.weaknesses)
    if not allow_weak:
        err.print(f"[red]error:[/red] the sandbox here is below the floor for grading a class "
                  f"({conf.label}): {why}. Grade on a machine with user namespaces or seccomp and "
                  "Landlock (see docs/security.md), or pass --allow-weak-sandbox to grade anyway "
                  "(every verdict then records it).")
        sys.exit(2)
    err.print(f"[yellow]warning:[/yellow] grading below the sandbox's floor ({conf.label}): {why}")
