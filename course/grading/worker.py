"""One submission, graded in a process of its own, under a deadline.

:func:`grade_task` is what a worker runs, locally (one thread per worker
slot supervising one process) or on a Dask worker. It forks a grading process
from a warm ``multiprocessing`` forkserver (the engine, pytest, numpy and the
assignment's checks and reference, with whatever they import, are imported
once, so a fork costs milliseconds), and that process calls :func:`autograder.runner.run_checks`
exactly as ``course check --all`` does, plus ``mask=`` for the course folder.

Isolation on top of the sandbox's own limits: the grading process is a child
subreaper, so everything the sandbox starts stays in its process tree; if it
has not answered within the per-submission timeout it is stopped (SIGSTOP,
so it cannot start anything new), every descendant is killed, then the
process itself. One hostile submission (an infinite loop at import, a memory
or fork bomb, ``os._exit``) therefore costs its own verdict and one worker
slot for at most the timeout; a grading process that dies becomes an
``error`` verdict, which the next run grades again.
"""
from __future__ import annotations

import ctypes
import gc
import json
import multiprocessing as mp
import os
import signal
import socket
import tempfile
import time
import traceback
from pathlib import Path

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

#: modules the forkserver imports once; a missing one is skipped
PRELOAD = ["numpy", "scipy", "scipy.special", "scipy.stats", "pytest", "_pytest.python",
           "_pytest.main", "autograder.runner", "autograder.plugin", "course.grading.worker"]

_CTX = None


def _context(assignment):
    """The forkserver context of this process, preloaded for ``assignment``."""
    global _CTX
    if _CTX is None:
        ctx = mp.get_context("forkserver")
        from autograder import catalog

        ctx.set_forkserver_preload(PRELOAD + [m.__name__ for m in catalog.check_modules(assignment)]
                                   + [f"solutions.{assignment}"])
        _CTX = ctx
    return _CTX


def _prctl(option, value):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _native_tracebacks():
    """Have pytest format failures with the cheap "native" style in this process.

    The plugin replaces every failure's text by its own message, so pytest's
    long-style report is computed only to be thrown away: with the terminal
    plugin off there is no ``--tb`` option and pytest falls back to "long",
    which re-parses the source of every frame (seconds per broken
    submission). Verdict-neutral; ``tests/test_grade.py`` compares the
    verdicts with ``course check``'s. Remove once the engine sets it itself.
    """
    from autograder import plugin

    configure = plugin.pytest_configure

    def pytest_configure(config):
        configure(config)
        config.option.tbstyle = "native"

    plugin.pytest_configure = pytest_configure


def _grading_process(task, conn):
    """Body of the forked grading process: grade, send one JSON reply, exit."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)      # the forkserver died: so do we
    _prctl(PR_SET_CHILD_SUBREAPER, 1)             # orphans of the sandbox stay ours
    gc.freeze()                                   # the warm heap is not collected again
    try:
        from autograder.runner import run_checks

        _native_tracebacks()

        with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
            os.chmod(tmp, 0o700)
            path = Path(tmp) / Path(task["filename"]).name
            path.write_bytes(task["content"])
            rep = run_checks(task["assignment"], path, hidden=True, threads=1,
                             mask=[*task.get("mask", ()), tmp], grader_seed=task.get("grader_seed", 0),
                             device=task.get("device", "cpu"),
                             gpu_memory_fraction=task.get("gpu_memory_fraction"))
        payload = {"report": rep.to_json(), "output": rep.output, "exit_status": rep.exit_status}
    except BaseException as exc:  # noqa: BLE001 - reported as a grader error
        payload = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-4000:]}
    conn.send_bytes(json.dumps(payload, allow_nan=True).encode())
    conn.close()


def kill_tree(root):
    """Stop ``root`` (a psutil.Process), kill all its descendants, then it."""
    import psutil

    try:
        root.suspend()
    except psutil.Error:
        pass
    for _ in range(200):
        try:
            kids = root.children(recursive=True)
        except psutil.Error:
            break
        alive = []
        for k in kids:
            try:
                if k.status() != psutil.STATUS_ZOMBIE:
                    k.kill()
                    alive.append(k)
            except psutil.Error:
                pass
        if not alive:
            break
        psutil.wait_procs(alive, timeout=0.2)
    try:
        root.kill()
    except psutil.Error:
        pass


def grade_task(task: dict) -> dict:
    """Grade one submission; returns a plain dict, never raises for the student's sake.

    ``task``: assignment, student, filename, content (bytes), sha256, timeout
    (seconds for the whole submission), mask (paths hidden from student
    code), grader_seed.
    """
    import psutil

    me = mp.current_process()
    if me.daemon:
        # Dask's nanny starts workers as daemonic processes, which
        # multiprocessing forbids to have children. Ours are supervised here
        # and killed below, so nothing outlives the task.
        me.daemon = False
    ctx = _context(task["assignment"])
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_grading_process, args=(task, send), name=f"grade-{task['student']}")
    proc.start()      # returns once the forkserver is up: its warm-up is not the submission's time
    t0 = time.monotonic()
    send.close()
    try:
        root = psutil.Process(proc.pid)
    except psutil.Error:
        root = None
    data, why = None, "crashed"
    try:
        if recv.poll(task["timeout"]):
            try:
                data = recv.recv_bytes()
            except EOFError:
                pass
        else:
            why = "timeout"
    finally:
        if root is not None:
            kill_tree(root)
        proc.join(10)
        recv.close()
    out = {"worker": f"{socket.gethostname()}:{os.getpid()}", "seconds": round(time.monotonic() - t0, 3),
           "sha256": task["sha256"]}
    if data is not None:
        payload = json.loads(data)
        if "error" in payload:
            out.update(status="error", message=f"the grader failed on this submission: {payload['error']}",
                       traceback=payload.get("traceback", ""))
        else:
            out.update(payload, status="graded")
    elif why == "timeout":
        out.update(status="timeout", message=(
            f"grading this submission took longer than {task['timeout']:g} s, so it was stopped and "
            "scores 0 (an infinite loop or a very slow function?). Next: run `course check "
            f"{task['assignment']} --all` on your file to see which function hangs."))
    else:
        out.update(status="error", message=(
            f"the grading process stopped without an answer (exit code {proc.exitcode}); this is "
            "a problem of the grader, not of the submission, and the next run grades it again"))
    return out
