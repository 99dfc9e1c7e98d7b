"""The grader's side of the sandbox: start, call, time out, clean up.

A :class:`Sandbox` holds one child process that has loaded one submission.
The child runs with rlimits (CPU, address space, file size, processes), a
scrubbed environment, a scratch working directory and, where possible:

* as root: its own PID, mount and network namespaces (``unshare``), with
  the grader's files (the reference, the checks, the gradebook, other
  students' submissions) covered by empty read-only mounts and a private
  ``/tmp``, then an unprivileged uid of its own (``setpriv``);
* always, where the kernel has it: Landlock, so the child reads only the
  Python installation and writes only its scratch folder.

When a call times out or the child dies, the whole process tree is killed
and the next call starts a fresh child (the submission is loaded again), so
one broken function cannot hide the others.
"""
from __future__ import annotations

import glob
import json
import os
import secrets
import select
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import codec
from .errors import (Crashed, LoadFailed, Missing, NotAttempted, Raised, SandboxError,
                     StudentError, TimedOut)

CHILD = Path(__file__).with_name("child.py")
OUTPUT_CAP = 20_000  # bytes of the student's prints kept for the report
MAX_REPLY = 512 << 20


@dataclass
class Limits:
    call_timeout: float = 20.0      # CPU seconds per call (wall: 3x that, at least +10 s)
    load_timeout: float = 60.0      # wall seconds to execute the submission's cells
    cpu_s: int = 600                # CPU seconds per child (all calls together)
    memory_mb: int = 6144           # address space of the child
    fsize_mb: int = 256             # largest file the child may write
    nproc: int = 64                 # processes of the sandbox uid (root mode)
    threads: int = 1                # BLAS / OpenMP / torch threads


@dataclass
class LoadReport:
    notes: list = field(default_factory=list)
    defined: list = field(default_factory=list)
    confine: str = ""
    isolation: str = ""


def _needs_overlay(paths):
    """For each path a dropped uid cannot reach, the ancestor that blocks it."""
    pairs = []
    for p in paths:
        p = Path(p).resolve()
        for anc in [*reversed(p.parents), p]:
            try:
                mode = anc.stat().st_mode
            except OSError:
                break
            if not mode & 0o001:
                pairs.append((str(anc), str(p)))
                break
    return pairs


_NS_OK = None


def namespaces_available() -> bool:
    """Can we (root) make PID/mount/net namespaces here? Probed once."""
    global _NS_OK
    if _NS_OK is None:
        _NS_OK = False
        if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("setpriv") \
                and os.environ.get("COURSE_SANDBOX_NO_NS") != "1":
            try:
                r = subprocess.run(["unshare", "--pid", "--fork", "--mount", "--net", "--mount-proc",
                                    "--propagation", "private", "true"],
                                   capture_output=True, timeout=20)
                _NS_OK = r.returncode == 0
            except (OSError, subprocess.SubprocessError):
                _NS_OK = False
    return _NS_OK


def python_dirs():
    dirs = {sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            dirs.add(sysconfig.get_paths()[key])
        except KeyError:
            pass
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:
        pass
    return sorted(d for d in dirs if d and os.path.isdir(d))


def grader_paths():
    """Folders of our own packages: never readable from the sandbox."""
    import importlib.util

    out = set()
    for name in ("solutions", "autograder", "course"):
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            for loc in spec.submodule_search_locations:
                out.add(os.path.realpath(loc))
    return out


def read_allowlist(hidden):
    """Everything the child may read under Landlock: system and Python dirs,
    site-packages entries except the grader's packages."""
    allow = {"/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys",
             "/dev", "/opt"}
    hidden = {os.path.realpath(h) for h in hidden}
    for d in python_dirs():
        if any(d.startswith(h + os.sep) or d == h for h in hidden):
            continue
        if "site-packages" in d or "dist-packages" in d:
            try:
                entries = os.listdir(d)
            except OSError:
                continue
            for e in entries:
                full = os.path.realpath(os.path.join(d, e))
                if full in hidden or any(full.startswith(h + os.sep) for h in hidden):
                    continue
                if e.startswith("__editable__") or e.endswith(".pth") and "course" in e:
                    continue
                allow.add(os.path.join(d, e))
        else:
            allow.add(d)
    return sorted(a for a in allow if os.path.exists(a))


class Sandbox:
    """One submission loaded in a confined child process."""

    def __init__(self, cells, *, limits: Limits | None = None, mask=(), name="submission",
                 isolate: str = "auto"):
        self.cells = cells
        self.limits = limits or Limits()
        self.mask = sorted({os.path.realpath(m) for m in mask} | grader_paths())
        self.name = name
        self.isolate = isolate
        self.proc = None
        self.load_report: LoadReport | None = None
        self.output = bytearray()
        self.output_dropped = 0
        self.restarts = 0
        self._next_id = 1
        self._buf = b""
        self._base = None
        self._uid = None
        self._pid1 = None
        self._load_error: StudentError | None = None
        self.timed_out: set = set()

    # ------------------------------------------------------------------ start
    def _scratch_root(self):
        if os.geteuid() == 0 and os.path.isdir("/run") and os.access("/run", os.W_OK):
            root = Path("/run/course-sandbox")
            root.mkdir(mode=0o711, exist_ok=True)
            os.chmod(root, 0o711)
            return root
        return Path(tempfile.gettempdir())

    def _env(self, scratch):
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(scratch),
            "TMPDIR": str(scratch),
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(scratch / ".mpl"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONUNBUFFERED": "1",
        }
        t = str(self.limits.threads)
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[k] = t
        for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "CUDA_VISIBLE_DEVICES",
                  "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
            if k in os.environ:
                env[k] = os.environ[k]
        return env

    def start(self):
        self.stop()
        root = self._scratch_root()
        self._base = Path(tempfile.mkdtemp(prefix="sbx-", dir=root))
        scratch = self._base / "work"
        scratch.mkdir()
        (scratch / ".mpl").mkdir()
        child = scratch / ".child.py"
        shutil.copyfile(CHILD, child)
        cells_file = scratch / ".cells.json"
        cells_file.write_text(json.dumps(self.cells), encoding="utf-8")

        use_ns = self.isolate in ("auto", "namespaces") and namespaces_available()
        if use_ns:
            self._uid = 100_000 + secrets.randbelow(60_000)
            for p in (scratch, scratch / ".mpl", child, cells_file):
                os.chown(p, self._uid, self._uid)
            os.chmod(self._base, 0o711)
            os.chmod(scratch, 0o700)

        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        cfg = {
            "req_fd": req_r, "resp_fd": resp_w, "cells": str(cells_file),
            "cpu_s": self.limits.cpu_s, "memory_bytes": self.limits.memory_mb << 20,
            "fsize_bytes": self.limits.fsize_mb << 20,
            "nproc": self.limits.nproc if use_ns else None,
            "landlock": self.isolate != "none",
            "read_dirs": read_allowlist(self.mask) + [str(scratch)],
            # GPU device files must be writable for CUDA (hw6 with --device cuda)
            "write_dirs": [str(scratch), "/dev/null", *sorted(glob.glob("/dev/nvidia*"))],
        }
        py = [sys.executable, "-I", str(child), json.dumps(cfg)]
        if use_ns:
            script = self._ns_script(scratch)
            argv = ["unshare", "--pid", "--fork", "--kill-child", "--mount", "--net",
                    "--mount-proc", "--propagation", "private", "--", "/bin/sh", "-c", script,
                    "sh", str(self._uid), *py]
            self.isolation = "namespaces+uid+landlock"
        else:
            argv = py
            self.isolation = "rlimits+landlock"
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            cwd=scratch, env=self._env(scratch), pass_fds=(req_r, resp_w),
            start_new_session=True, preexec_fn=_die_with_parent)
        os.close(req_r)
        os.close(resp_w)
        self._req = req_w
        self._resp = resp_r
        self._buf = b""
        self._drain = threading.Thread(target=self._drain_output, args=(self.proc.stdout,),
                                       daemon=True)
        self._drain.start()
        try:
            ready = self._read_reply(0, self.limits.load_timeout)
        except TimedOut:
            self.stop()
            self._load_error = LoadFailed(
                f"your file did not finish loading within {self.limits.load_timeout:g} s "
                "(is a slow experiment or an infinite loop running at import? put experiments "
                "in cells the grader skips, or under `if __name__ == '__main__':`)")
            raise self._load_error
        except Crashed as exc:
            self.stop()
            self._load_error = LoadFailed(
                "your file stopped the Python process while loading "
                f"({exc.message}); nothing in it could be graded")
            raise self._load_error
        self.load_report = LoadReport(ready.get("notes", []), ready.get("defined", []),
                                      ready.get("confine", ""), self.isolation)
        self._find_pid1()

    def _ns_script(self, scratch):
        """Shell run as root inside the new namespaces, before dropping to the uid.

        It covers what the child must not see (the grader's folders, /tmp and
        friends, folders the uid cannot traverse such as /root) with fresh
        mounts, after staging the Python installation's folders that lie
        under one of them, and binds those back on top.
        """
        lines = ["set -e", "mount --make-rprivate /"]
        covers = []  # (path, mount command)
        for anc, _ in _needs_overlay(python_dirs()):
            covers.append((anc, f"mount -t tmpfs -o mode=0755,size=64k tmpfs '{anc}'"))
        for m in self.mask:
            if os.path.isdir(m):
                covers.append((m, f"mount -t tmpfs -o ro,mode=0755,size=4k tmpfs '{m}'"))
            elif os.path.exists(m):
                covers.append((m, f"mount --bind /dev/null '{m}'"))
        for t in ("/tmp", "/var/tmp", "/dev/shm"):
            if os.path.isdir(t):
                covers.append((t, f"mount -t tmpfs -o mode=1777,size=256m tmpfs '{t}'"))

        def under(p, c):
            return p == c or p.startswith(c.rstrip("/") + "/")

        needed = [os.path.realpath(d) for d in python_dirs()]
        needed = sorted({d for d in needed if any(under(d, c) for c, _ in covers)
                         and not any(under(d, c) for c in self.mask)})
        top = [d for d in needed if not any(d != e and under(d, e) for e in needed)]
        stage = self._base / "stage"
        for i, need in enumerate(top):
            (stage / str(i)).mkdir(parents=True, exist_ok=True)
            lines.append(f"mount --bind '{need}' '{stage / str(i)}'")
        seen = set()
        for path, cmd in covers:
            if path not in seen:
                seen.add(path)
                lines.append(f"[ -e '{path}' ] && {cmd} || true")
        for i, need in enumerate(top):
            lines.append(f"mkdir -p '{need}' && mount --move '{stage / str(i)}' '{need}'")
        lines.append('uid="$1"; shift')
        lines.append('exec setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs -- "$@"')
        return "\n".join(lines)

    def _find_pid1(self):
        try:
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            self._pid1 = int(kids[0]) if kids else None
        except (OSError, ValueError):
            self._pid1 = None

    def _drain_output(self, stream):
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                break
            room = OUTPUT_CAP - len(self.output)
            if room > 0:
                self.output += chunk[:room]
            self.output_dropped += max(0, len(chunk) - max(room, 0))

    # ------------------------------------------------------------------- stop
    def stop(self):
        proc, self.proc = self.proc, None
        if proc is not None:
            for fd in (getattr(self, "_req", None), getattr(self, "_resp", None)):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            self._req = self._resp = None
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if self._pid1:
                try:
                    os.kill(self._pid1, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            if self._uid is not None:
                _kill_uid(self._uid)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            if self._uid is not None:
                _kill_uid(self._uid)
        if self._base is not None:
            shutil.rmtree(self._base, ignore_errors=True)
            self._base = None
        self._pid1 = None

    close = stop

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------- call
    def _cpu_seconds(self):
        """CPU time of the child process (all its threads), or None if unknown."""
        if self._uid and not self._pid1 and self.proc is not None:
            self._find_pid1()  # not known yet at start: look again
        pid = self._pid1 or (self.proc.pid if self.proc and not self._uid else None)
        if not pid:
            return None
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) \
                / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def _read_reply(self, want_id, timeout, cpu_limit=None):
        """The reply to request ``want_id``: within ``timeout`` wall seconds and, if
        given, ``cpu_limit`` CPU seconds of the child (fair on a loaded machine)."""
        deadline = time.monotonic() + timeout
        cpu0 = self._cpu_seconds() if cpu_limit else None
        while True:
            nl = self._buf.find(b"\n")
            if nl >= 0:
                line, self._buf = self._buf[:nl], self._buf[nl + 1:]
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue  # garbage on the reply pipe: ignore it
                if not isinstance(msg, dict) or msg.get("id") != want_id:
                    continue
                return msg
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimedOut(f"no answer within {timeout:g} s")
            r, _, _ = select.select([self._resp], [], [], min(left, 0.25) if cpu0 is not None else left)
            if not r:
                if cpu0 is not None:
                    used = self._cpu_seconds()
                    if used is not None and used - cpu0 > cpu_limit:
                        raise TimedOut(f"more than {cpu_limit:g} s of CPU time")
                continue
            chunk = os.read(self._resp, 1 << 20)
            if not chunk:
                code = self.proc.poll() if self.proc else None
                if code is None and self.proc:
                    try:
                        code = self.proc.wait(timeout=2)
                    except subprocess.TimeoutExpired:
                        code = None
                raise Crashed(_exit_text(code))
            self._buf += chunk
            if len(self._buf) > MAX_REPLY:
                raise Crashed("the reply was larger than the grader accepts")

    def call(self, fn, *args, timeout=None, **kwargs):
        """Call ``fn`` in the child; returns decoded plain data or raises StudentError."""
        if self._load_error is not None:
            raise self._load_error.with_traceback(None)
        if fn in self.timed_out:
            # one endless loop costs one time-out, not one per case
            raise TimedOut(f"`{fn}` was not called again: it did not return in time on an "
                           "earlier case (infinite loop, or far too slow?)")
        if self.proc is None:
            self.start()
        payload = {"id": self._next_id, "fn": fn, "args": codec.encode(list(args)),
                   "kwargs": codec.encode(dict(kwargs))}
        # codec.encode wraps lists/dicts; the child decodes the tagged forms.
        msg_id = self._next_id
        self._next_id += 1
        t = self.limits.call_timeout if timeout is None else timeout
        wall = max(3 * t, t + 10)
        try:
            os.write(self._req, (json.dumps(payload) + "\n").encode())
            reply = self._read_reply(msg_id, wall, cpu_limit=t)
        except BrokenPipeError:
            self._restart_later()
            raise Crashed("the process running your code had already stopped")
        except TimedOut:
            self._restart_later()
            self.timed_out.add(fn)
            raise TimedOut(f"`{fn}` did not return within {t:g} s of CPU time ({wall:g} s wall) "
                           "(infinite loop, or far too slow?)")
        except Crashed as exc:
            self._restart_later()
            raise Crashed(f"`{fn}` stopped the Python process: {exc.message}")
        if reply.get("ok"):
            return codec.decode(reply.get("value"))
        err = reply.get("error") or {}
        etype = str(err.get("type", "Error"))
        text = str(err.get("message", ""))
        tb = [str(x) for x in err.get("traceback", [])][:30]
        if etype == "Missing":
            raise Missing(f"no function `{fn}` is defined in your file")
        if err.get("stub"):
            raise NotAttempted(f"`{fn}` still raises NotImplementedError (not attempted)")
        raise Raised(f"`{fn}` raised {etype}: {text}", exc_type=etype, traceback=tb)

    def _restart_later(self):
        self.restarts += 1
        self.stop()

    def student_output(self) -> str:
        text = self.output.decode("utf-8", "replace")
        if self.output_dropped:
            text += f"\n... ({self.output_dropped} more bytes of output dropped)"
        return text


def _die_with_parent():
    """In the forked child: SIGKILL it when the grader dies (PR_SET_PDEATHSIG)."""
    import ctypes

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _exit_text(code):
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        hint = {"SIGKILL": " (out of memory or over the CPU-time limit?)",
                "SIGXCPU": " (over the CPU-time limit)",
                "SIGSEGV": " (a crash in native code)"}.get(name, "")
        return f"killed by {name}{hint}"
    if code == 137:
        return "killed (out of memory or over a limit?)"
    return f"it exited with status {code} (os._exit or a crash?)"


def _is_zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _kill_uid(uid, patience=5.0):
    """Kill every process owned by ``uid`` (the sandbox's private uid).

    A fork bomb keeps making processes while we kill, and a dying PID
    namespace takes a moment to reap thousands of them: repeat until none
    is left or ``patience`` seconds have passed.
    """
    deadline = time.monotonic() + patience
    while True:
        found = False
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                st = os.stat(f"/proc/{d}")
            except OSError:
                continue
            if st.st_uid == uid:
                if _is_zombie(d):  # dead already; reap it if it was handed to us
                    try:
                        os.waitpid(int(d), os.WNOHANG)
                    except ChildProcessError:
                        pass
                    continue
                found = True
                try:
                    os.kill(int(d), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if not found or time.monotonic() > deadline:
            return
        time.sleep(0.05)
