"""``course grade``'s engine: discover, skip what is graded, grade the rest, export.

:func:`grade_class` is the Python API the CLI delegates to. Verdicts are
committed to the store one by one as they arrive; exports are rebuilt from
the store at the end of every run (so a rerun after a kill writes complete
files even when it has nothing left to grade).
"""
from __future__ import annotations

import fcntl
import importlib
import importlib.util
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from . import exports
from .discover import find_submissions, sha256_bytes
from .executors import DaskPool, LocalPool
from .gradebook import write_gradebook
from .records import make_record, no_submission_record
from .store import Store

DEFAULT_TIMEOUT = 600.0   # seconds per submission, on top of the sandbox's per-call limits


class GradeError(Exception):
    """A usage or setup problem (exit code 2)."""


@dataclass
class Options:
    assignment: str
    submitted: Path
    out: Path | None = None
    gradebook: str | None = "default"     # path or URL; None: do not write one
    workers: int | None = None
    scheduler: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    students: tuple = ()
    regrade: bool = False                  # grade everything again
    retry_timeouts: bool = False           # grade timed-out submissions again
    progress: bool = True
    grader_seed: int = 0


@dataclass
class Summary:
    run_id: str = ""
    executor: str = ""
    total: int = 0
    skipped: int = 0                       # already graded, unchanged
    committed: int = 0                     # verdicts stored by this run
    lost: list = field(default_factory=list)    # (student, error): nothing stored, rerun
    statuses: Counter = field(default_factory=Counter)
    below_full: int = 0
    outputs: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def complete(self):
        return not self.lost and not self.statuses.get("error")


class RateColumn(ProgressColumn):
    def render(self, task):
        speed = task.finished_speed or task.speed
        return Text("-/min" if not speed else f"{speed * 60:.1f}/min", style="cyan")


def _python_dirs():
    return {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}


def mask_paths(course_dir: Path, out: Path, gradebook: Path | None):
    """What student code must not see: the course folder (submitted/, source/,
    the gradebook) and our outputs; the folder's parts only when it holds the
    Python installation itself."""
    course = os.path.realpath(course_dir)
    if any(p == course or p.startswith(course + os.sep) for p in _python_dirs()):
        parts = [course_dir / d for d in ("submitted", "source", "release", "autograded", "feedback")]
        masks = {os.path.realpath(p) for p in parts if p.exists()}
    else:
        masks = {course}
    masks.add(os.path.realpath(out))
    if gradebook is not None:
        masks.add(os.path.realpath(gradebook))
    return sorted(masks)


def _lock(out: Path):
    out.mkdir(parents=True, exist_ok=True)
    fh = open(out / ".lock", "w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise GradeError(f"another `course grade` is writing to {out}; wait for it to finish "
                         "(a killed run releases the lock by itself)") from None
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


def _dask_pool(address):
    try:
        return DaskPool(address)
    except (RuntimeError, OSError, TimeoutError) as exc:
        raise GradeError(f"cannot grade on the Dask scheduler {address}: {exc}") from None


def grade_class(opts: Options, console: Console | None = None) -> Summary:
    from autograder import catalog
    from autograder.reference import solutions_available

    console = console or Console(stderr=True)
    hw = opts.assignment
    if hw not in catalog.ids():
        raise GradeError(f"unknown assignment {hw!r}; known: {', '.join(catalog.ids())}")
    if not solutions_available(hw):
        raise GradeError(f"grading runs the hidden checks, which need `solutions.{hw}`; it is not "
                         "importable here. Next: install the course package with its solutions.")
    submitted = Path(opts.submitted)
    try:
        subs = find_submissions(submitted, hw, opts.students)
    except FileNotFoundError as exc:
        raise GradeError(str(exc)) from None
    course_dir = submitted.resolve().parent
    out = Path(opts.out) if opts.out else course_dir / "grades" / hw
    gb_target = None
    if opts.gradebook:
        gb_target = course_dir / "gradebook.db" if opts.gradebook == "default" else opts.gradebook
    if gb_target is not None and importlib.util.find_spec("nbgrader") is None:
        raise GradeError("writing the gradebook needs nbgrader (pip install 'dltheory-course[instructor]'); "
                         "or pass --no-gradebook")
    gb_file = Path(gb_target) if gb_target is not None and "://" not in str(gb_target) else None
    mask = mask_paths(course_dir, out, gb_file)

    t0 = time.perf_counter()
    lock = _lock(out)
    if gb_target is not None:
        # nbgrader takes seconds to import (it pulls in jupyter_server): do it while grading runs
        warm = threading.Thread(target=importlib.import_module, args=("nbgrader.api",), daemon=True)
        warm.start()
    summary = Summary(total=len(subs))
    try:
        with Store(out / "results.sqlite") as store:
            retry = {"timeout"} if opts.retry_timeouts else set()
            todo = [s for s in subs if opts.regrade or store.needs_grading(s.student, hw, s.sha256, retry)]
            summary.skipped = len(subs) - len(todo)
            pool = _dask_pool(opts.scheduler) if opts.scheduler else LocalPool(opts.workers)
            summary.executor = pool.label
            summary.run_id = store.start_run(hw, pool.label, len(todo))
            fresh = {}
            try:
                _grade(todo, pool, store, opts, mask, summary, fresh, console)
            finally:
                if opts.scheduler:
                    pool.close()
                store.finish_run()
            records = []
            for s in subs:
                rec = fresh.get(s.student) or store.get(s.student, hw, s.sha256)
                if rec is not None:
                    records.append(rec)
            summary.outputs = export_all(records, out, hw, gb_target)
    finally:
        lock.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _grade(todo, pool, store, opts, mask, summary, fresh, console):
    hw = opts.assignment

    def make_task(sub):
        data = sub.content()
        return {"assignment": hw, "student": sub.student, "filename": sub.file.name, "content": data,
                "sha256": sha256_bytes(data), "timeout": float(opts.timeout), "mask": mask,
                "grader_seed": opts.grader_seed}

    def commit(rec):
        store.commit(rec)
        fresh[rec["student"]] = rec
        summary.committed += 1
        summary.statuses[rec["status"]] += 1
        summary.below_full += rec["score"] < rec["max_score"]

    progress = Progress(TextColumn("[bold]grading {task.description}"), BarColumn(), MofNCompleteColumn(),
                        RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                        TextColumn("{task.fields[failed]} below full marks,"),
                        TextColumn("{task.fields[errors]} not graded"),
                        console=console, disable=not opts.progress)
    with progress:
        bar = progress.add_task(hw, total=len(todo), failed=0, errors=0)
        for sub in [s for s in todo if not s.gradable]:
            commit(no_submission_record(sub))
            progress.update(bar, advance=1, failed=summary.below_full)
        gradable = [s for s in todo if s.gradable]
        for sub, result, error in pool.run(gradable, make_task, summary.run_id):
            if error is not None:
                summary.lost.append((sub.student, f"{type(error).__name__}: {error}"))
            else:
                task_sha = result.pop("sha256", None)
                rec = make_record(sub, {"sha256": task_sha or sub.sha256}, result)
                commit(rec)
            progress.update(bar, advance=1, failed=summary.below_full,
                            errors=len(summary.lost) + summary.statuses.get("error", 0))


def export_all(records, out: Path, hw, gradebook_target):
    outputs = {
        "csv": exports.export_csv(records, out / f"{hw}.csv", hw),
        "junit": exports.export_junit(records, out / "junit.xml"),
        "gradescope": out / "gradescope",
        "feedback": out / "feedback",
        "store": out / "results.sqlite",
    }
    exports.export_gradescope(records, out / "gradescope")
    exports.export_feedback(records, out / "feedback")
    if gradebook_target is not None and records:
        outputs["gradebook"] = write_gradebook(records, gradebook_target, hw)
    return outputs
