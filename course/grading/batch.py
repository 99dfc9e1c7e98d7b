"""``course grade``'s engine: discover, skip what is graded, grade the rest, export.

:func:`grade_class` is the Python API the CLI delegates to. Verdicts are
committed to the store one by one as they arrive; exports are rebuilt from
the store at the end of every run (so a rerun after a kill writes complete
files even when it has nothing left to grade).
"""
from __future__ import annotations

import difflib
import fcntl
import importlib
import importlib.util
import os
import re
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

from . import classpage, exports
from .discover import Unreadable, find_submissions, read_regular, sha256_bytes, shown, student_folders
from .executors import DaskPool, LocalPool
from .gradebook import write_gradebook
from .deadlines import with_late
from .overrides import manual_from_overrides
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
    device: str = "cpu"                    # "cuda": GPU profile, submissions share the GPU

    @property
    def gpu_memory_fraction(self) -> float:
        """Each concurrent submission's share of the GPU's memory."""
        return min(0.5, 0.9 / max(1, self.workers or 1))
    reveal_hidden: bool = False            # exports show hidden checks' inputs and expected values
    deadline: dict | None = None           # deadlines.make_policy(); None: keep the stored one, {}: clear


@dataclass
class Summary:
    run_id: str = ""
    executor: str = ""
    total: int = 0
    skipped: int = 0                       # already graded, unchanged
    committed: int = 0                     # verdicts stored by this run
    lost: list = field(default_factory=list)    # (student, error): nothing stored, rerun
    statuses: Counter = field(default_factory=Counter)
    below_full: int = 0                    # of the current verdicts (this run's and earlier ones)
    exported: int = 0                      # current verdicts in the exports
    gradebook_errors: list = field(default_factory=list)   # (student, why): not in the gradebook
    outputs: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def complete(self):
        return not self.lost and not self.statuses.get("error") and not self.gradebook_errors


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
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    fh = os.fdopen(os.open(out / ".lock", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w")
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
        everyone = find_submissions(submitted, hw)
    except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        raise GradeError(str(exc)) from None
    subs = [s for s in everyone if s.student in opts.students] if opts.students else everyone
    if opts.students:
        _check_students(submitted, hw, opts.students, subs)
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
    return _grade_locked(opts, hw, subs, out, gb_target, mask, console, t0, everyone)


def _check_students(submitted, hw, wanted, subs):
    """``--student NAME`` that matches no submission folder is a usage error, not an empty run."""
    found = {s.student for s in subs}
    missing = [w for w in wanted if w not in found]
    if not missing:
        return
    known = sorted(shown(n) for n, _ in student_folders(submitted))
    parts = []
    for w in missing:
        if w in known:
            parts.append(f"{w!r} has no folder {submitted}/{w}/{hw}/")
            continue
        close = difflib.get_close_matches(w, known, n=3, cutoff=0.6)
        parts.append(f"no student {w!r} in {submitted}/" + (f" (did you mean {', '.join(close)}?)" if close else ""))
    listing = ", ".join(known[:20]) + (f" and {len(known) - 20} more" if len(known) > 20 else "")
    raise GradeError("; ".join(parts) + f". Known students: {listing or 'none'}. "
                     "Next: give --student one of them, or leave it out to grade everyone.")


def _private(path: Path):
    """Make an existing store or export private to the grader (earlier runs wrote 0644)."""
    try:
        if path.is_symlink():
            return
        if path.is_dir():
            os.chmod(path, 0o700)
        elif path.exists():
            os.chmod(path, 0o600)
    except OSError:
        pass


def _grade_locked(opts, hw, subs, out, gb_target, mask, console, t0, everyone):
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    _private(out)
    for p in out.iterdir():
        _private(p)
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
            records = []      # exports list the whole class, also when --student graded a few
            for s in everyone:
                rec = fresh.get(s.student) or store.get(s.student, hw, s.sha256)
                if rec is not None:      # nbgrader's timestamp.txt as it is now (it may change alone)
                    said = set(rec["report"].get("notes", []))
                    records.append(dict(rec, timestamp=s.timestamp,
                                        folder_notes=[n for n in s.notes if n not in said]))
            store.set_current(hw, records)
            if opts.deadline is not None:       # saved: later exports apply the same policy
                store.set_setting(hw, "deadline", opts.deadline or None)
            policy = store.setting(hw, "deadline")
            old_umask = os.umask(0o077)   # what the exports (and a new gradebook) create is private
            try:
                summary.outputs, summary.gradebook_errors = export_all(
                    records, out, hw, gb_target, reveal_hidden=opts.reveal_hidden,
                    feedback_root=Path(opts.submitted).resolve().parent / "feedback",
                    secrets=submission_secrets(everyone), overrides=store.overrides(hw),
                    policy=policy, first_seen=store.first_seen(hw),
                    similarity_html=similarity_section(records, everyone))
            finally:
                os.umask(old_umask)
            summary.exported = len(records)
            summary.below_full = sum(1 for r in records if r["score"] < r["max_score"])
    finally:
        lock.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _grade(todo, pool, store, opts, mask, summary, fresh, console):
    hw = opts.assignment

    def make_task(sub):
        data = sub.content()      # read again without following links, bounded (it may have changed)
        return {"assignment": hw, "student": sub.student, "filename": sub.file.name, "content": data,
                "sha256": sha256_bytes(data), "timeout": float(opts.timeout), "mask": mask,
                "grader_seed": opts.grader_seed, "device": opts.device,
                "gpu_memory_fraction": opts.gpu_memory_fraction}

    def commit(rec):
        store.commit(rec)
        fresh[rec["student"]] = rec
        summary.committed += 1
        summary.statuses[rec["status"]] += 1
        below[0] += rec["score"] < rec["max_score"]

    below = [0]
    progress = Progress(TextColumn("[bold]grading {task.description}"), BarColumn(), MofNCompleteColumn(),
                        RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                        TextColumn("{task.fields[failed]} below full marks,"),
                        TextColumn("{task.fields[errors]} not graded"),
                        console=console, disable=not opts.progress or not console.is_terminal)
    with progress:
        bar = progress.add_task(hw, total=len(todo), failed=0, errors=0)
        for sub in [s for s in todo if not s.gradable]:
            commit(no_submission_record(sub))
            progress.update(bar, advance=1, failed=below[0])
        gradable = [s for s in todo if s.gradable]
        for sub, result, error in pool.run(gradable, make_task, summary.run_id):
            if isinstance(error, Unreadable):       # changed into a link, a FIFO... since discovery
                sub.file, sub.problem = None, f"{error}; it was not graded"
                commit(no_submission_record(sub))
            elif error is not None:
                summary.lost.append((sub.student, f"{type(error).__name__}: {error}"))
            else:
                task_sha = result.pop("sha256", None)
                rec = make_record(sub, {"sha256": task_sha or sub.sha256}, result)
                commit(rec)
            progress.update(bar, advance=1, failed=below[0],
                            errors=len(summary.lost) + summary.statuses.get("error", 0))


def graded_files(records, subs):
    """[(student, file name, bytes)] of the files the records graded (read again without
    following links; a file that changed since it was graded is left out)."""
    by = {r["student"]: r for r in records if r["status"] == "graded"}
    out = []
    for sub in subs:
        rec = by.get(sub.student)
        if rec is None or not sub.gradable:
            continue
        try:
            data = sub.content()
        except (Unreadable, OSError):
            continue
        if sha256_bytes(data) == rec["sha256"]:
            out.append((sub.student, sub.file.name, data))
    return out


def similarity_section(records, subs, threshold=None):
    """The class page's similarity section (never stops the exports: a failure is said there)."""
    from . import similarity

    try:
        _, section = similarity.class_similarity(graded_files(records, subs),
                                                 threshold or similarity.DEFAULT_THRESHOLD)
    except Exception as exc:  # noqa: BLE001 - the page is written without it
        return f"<h2>Similar submissions</h2><p>Not computed: {type(exc).__name__}.</p>"
    return section


_SECRET = re.compile(r"^[A-Za-z0-9+/=_-]{1,128}$")


def submission_secrets(subs):
    """{student: the ``submission_secret.txt`` nbgrader collected with the submission},
    read without following links and bounded; one that is not a plain token is ignored."""
    out = {}
    for sub in subs:
        if not getattr(sub, "valid_id", True):
            continue
        try:
            raw = read_regular(Path(sub.folder) / "submission_secret.txt", limit=256)
        except (Unreadable, OSError):
            continue
        text = raw.decode("ascii", "replace").strip()
        if _SECRET.match(text):
            out[sub.student] = text
    return out


def export_all(records, out: Path, hw, gradebook_target, reveal_hidden=False, feedback_root=None,
               secrets=None, overrides=None, policy=None, first_seen=None, similarity_html=""):
    """Write the gradebook (first: its manual grades reach every export), then the exports.

    Returns (outputs, gradebook errors). Hidden checks' inputs and expected
    values are left out of the feedback, JUnit and Gradescope files unless
    ``reveal_hidden``.
    """
    outputs, gb_errors, manual = {}, [], {}
    if gradebook_target is not None and records:
        outputs["gradebook"], gb_errors, manual = write_gradebook(records, gradebook_target, hw)
    elif overrides:          # no gradebook: the store's overrides are the manual grades
        manual = manual_from_overrides(records, overrides)
        for m in manual.values():
            m["source"] = "course override"
    seen = first_seen or {}
    records = [with_late(exports.with_manual(r, manual.get(r["student"])), policy,
                         seen.get((r["student"], r["sha256"]))) for r in records]
    shown = [exports.redact_record(r, reveal=reveal_hidden) for r in records]
    outputs.update({
        "csv": exports.export_csv(records, out / f"{hw}.csv", hw),
        "junit": exports.export_junit(shown, out / "junit.xml"),
        "gradescope": out / "gradescope",
        "feedback": out / "feedback",
        "store": out / "results.sqlite",
    })
    exports.export_gradescope(shown, out / "gradescope")
    exports.export_feedback(shown, out / "feedback", nbgrader_root=feedback_root, secrets=secrets)
    if feedback_root is not None:
        outputs["nbgrader feedback"] = feedback_root
    outputs["class page"] = classpage.export_class_page(records, out / f"{hw}-class.html", hw,
                                                        similarity_html=similarity_html)
    return outputs, gb_errors
