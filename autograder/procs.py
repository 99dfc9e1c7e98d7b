"""Processes the grader starts: dying with their parent, and killing a whole tree.

Used by the sandbox (:mod:`autograder.sandbox.runner`: the child that runs
a submission) and by the class grader's worker
(:mod:`course.grading.worker`: the process that grades one submission).
Linux only; elsewhere :func:`prctl` does nothing and the killer falls back
to the one process it was given.

(The sandbox's child script, ``autograder/sandbox/child.py``, asks for
``PR_SET_PDEATHSIG`` once more itself: it runs by path inside the sandbox,
where this package cannot be imported, and a uid change clears the setting.)
"""
from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Iterable

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def prctl(option: int, value: int) -> bool:
    """``prctl(option, value)``; False where it is not available (not Linux) or refused."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return False


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """In a child (e.g. as ``preexec_fn``): have the kernel send ``sig`` when its parent dies."""
    return prctl(PR_SET_PDEATHSIG, int(sig))


def become_subreaper() -> bool:
    """Orphans among this process's descendants are re-parented to it, not to init,
    so :func:`kill_tree` on it still finds them."""
    return prctl(PR_SET_CHILD_SUBREAPER, 1)


def _table() -> dict[int, tuple[int, int, int, bool]]:
    """{pid: (parent pid, process group, owner uid, zombie)} of every process visible in /proc."""
    out = {}
    try:
        names = os.listdir("/proc")
    except OSError:  # pragma: no cover - no /proc
        return out
    for d in names:
        if not d.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{d}").st_uid
            with open(f"/proc/{d}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            out[int(d)] = (int(fields[1]), int(fields[2]), uid, fields[0] == b"Z")
        except (OSError, IndexError, ValueError):
            continue
    return out


def _descendants(table: dict[int, tuple[int, int, int, bool]], root: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for pid, (ppid, *_) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = set(), [root]
    while todo:
        for k in kids.get(todo.pop(), ()):
            if k not in out and k != root:
                out.add(k)
                todo.append(k)
    return out


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    """Collect a dead process that was handed to us (we are its parent or subreaper)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def kill_tree(root: int | None, *, group: bool = False, uid: int | None = None,
              also: Iterable[int | None] = (), patience: float = 5.0) -> None:
    """Kill ``root`` and everything it started, then ``root`` itself.

    ``root`` is stopped first (SIGSTOP: it can start nothing new), then every
    descendant is killed (found while ``root`` still holds them together), and with ``group`` every member of ``root``'s process group, with ``uid`` every process of that (private) uid, and the pids of
    ``also`` (e.g. a PID namespace's init). A fork bomb keeps making processes
    while we kill: the sweep repeats until none is left or ``patience``
    seconds have passed. Dead ones among them that are our children (orphans
    handed to a subreaper) are reaped, so a process started with ``subprocess``
    must be ``root`` (never reaped here) for its ``Popen.wait`` to see how it
    ended. Never raises for a process that is already gone. ``root=None``: only the sweep
    by ``uid`` (and ``also``).
    """
    if root is not None:
        _signal(root, signal.SIGSTOP)
    for pid in also:
        if pid:
            _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + patience
    while True:
        table = _table()
        targets = _descendants(table, root) if root is not None else set()
        for pid, (_, pgrp, owner, _) in table.items():
            if (uid is not None and owner == uid) or (group and root is not None and pgrp == root):
                targets.add(pid)
        targets.discard(root)  # type: ignore[arg-type]
        targets.discard(os.getpid())
        alive = False
        for pid in targets:
            if table[pid][3]:          # a zombie: dead already; reap it if it is ours
                _reap(pid)
                continue
            alive = True
            _signal(pid, signal.SIGKILL)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if root is not None:
        _signal(root, signal.SIGKILL)
