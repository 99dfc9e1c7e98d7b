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

import gc
import json
import multiprocessing as mp
import os
import socket
import tempfile
import time
import traceback
from pathlib import Path

from autograder import procs
from autograder.sandbox import codec

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


def _grading_process(task, conn):
    """Body of the forked grading process: grade, send one JSON reply, exit."""
    procs.die_with_parent()                       # the forkserver died: so do we
    procs.become_subreaper()                      # orphans of the sandbox stay ours
    gc.freeze()                                   # the warm heap is not collected again
    try:
        from autograder.runner import run_checks

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
    conn.send_bytes(_encode(payload))
    conn.close()


def _encode(payload: dict) -> bytes:
    """The grading process's reply, in the sandbox's plain-data codec (one wire format);
    a report the codec cannot carry becomes the grader's error, never a silent crash."""
    try:
        return json.dumps(codec.encode(payload), allow_nan=True).encode()
    except (TypeError, ValueError) as exc:
        return json.dumps(codec.encode({"error": f"the report could not be sent back ({exc})"})).encode()


def _decode(data: bytes) -> dict:
    """A reply of :func:`_encode`; one that does not read back as a dict is the grader's failure."""
    try:
        payload = codec.decode(json.loads(data))
    except ValueError as exc:
        return {"error": f"unreadable reply of the grading process ({exc})"}
    return payload if isinstance(payload, dict) else \
        {"error": f"unreadable reply of the grading process ({payload})"}


def grade_task(task: dict) -> dict:
    """Grade one submission; returns a plain dict, never raises for the student's sake.

    ``task``: assignment, student, filename, content (bytes), sha256, timeout
    (seconds for the whole submission), mask (paths hidden from student
    code), grader_seed.
    """
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
        if proc.pid is not None:
            procs.kill_tree(proc.pid, patience=10.0)
        proc.join(10)
        recv.close()
    out = {"worker": f"{socket.gethostname()}:{os.getpid()}", "seconds": round(time.monotonic() - t0, 3),
           "sha256": task["sha256"]}
    if data is not None:
        payload = _decode(data)
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
