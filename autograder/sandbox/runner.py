"""The grader's side of the sandbox: start, call, time out, clean up.

A :class:`Sandbox` holds one child process that has loaded one submission.
How the child is confined depends on what the machine allows
(:mod:`.modes`): its own PID, mount, network and IPC namespaces with a
private uid (as root, ``unshare`` + ``setpriv``) or through an unprivileged
user namespace (``bwrap``), a size-capped tmpfs for scratch, and empty
mounts over the grader's files; in every mode rlimits, Landlock (reads only
the Python installation, writes only the scratch folder) and a seccomp filter
(:mod:`.seccomp`: no sockets, no SysV IPC, no ptrace, ...). What actually
applied is recorded in :class:`Confinement`, which every report states.

When a call times out or the child dies, the whole process tree is killed
and the next call starts a fresh child (the submission is loaded again), so
one broken function cannot hide the others.
"""
from __future__ import annotations

import base64
import functools
import glob
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import procs
from . import codec, modes
from . import seccomp as _seccomp
from .errors import (Crashed, LoadFailed, Missing, NotAttempted, Raised, StudentError, TimedOut)

CHILD = Path(__file__).with_name("child.py")
OUTPUT_CAP = 20_000  # bytes of the student's prints kept for the report
MAX_REPLY = 512 << 20
#: the name the child's processes have in USER/LOGNAME (getpass.getuser()
#: looks there before the password database, which has no private uid)
SANDBOX_USER = "student"


@dataclass
class Limits:
    call_timeout: float = 20.0      # CPU seconds per call (wall: 3x that, at least +10 s)
    load_timeout: float = 60.0      # wall seconds to execute the submission's cells
    cpu_s: int = 600                # CPU seconds per child (all calls together)
    memory_mb: int = 6144           # host memory of the child (address space; data on a GPU)
    fsize_mb: int = 256             # largest file the child may write
    scratch_mb: int = 512           # size of the scratch tmpfs (where namespaces allow one)
    nproc: int = 64                 # processes of the sandbox uid (private-uid modes)
    threads: int = 1                # BLAS / OpenMP / torch threads
    gpu_memory_fraction: float = 0.5  # of the device's memory, for a GPU run


@dataclass
class LoadReport:
    notes: list = field(default_factory=list)
    defined: list = field(default_factory=list)
    confine: dict = field(default_factory=dict)
    isolation: str = ""


@dataclass
class Confinement:
    """What confined one child, as it actually applied (the child checks)."""
    mode: str = "none"               # root-ns | userns | plain | none
    namespaces: tuple = ()           # e.g. ("pid", "mount", "net", "ipc")
    uid: str = "grader"              # private | grader | root-without-capabilities
    landlock: int = 0                # ABI applied (0: not applied)
    landlock_kernel: int = 0         # ABI the kernel offers
    seccomp: bool = False
    scratch: str = "disk"            # "tmpfs N MiB" or "disk"
    device: str = "cpu"

    @property
    def meets_floor(self) -> bool:
        """Namespaces or the seccomp filter, plus Landlock where the kernel has it."""
        landlock_ok = self.landlock > 0 or self.landlock_kernel == 0
        return bool(self.namespaces or self.seccomp) and landlock_ok and self.mode != "none"

    @property
    def label(self) -> str:
        parts = []
        if self.namespaces:
            parts.append(f"{self.mode}({','.join(self.namespaces)})")
        else:
            parts.append(self.mode)
        parts.append({"private": "private uid", "grader": "grader's uid", "root": "uid 0",
                      "root-without-capabilities": "uid 0 without capabilities"}.get(self.uid, self.uid))
        if self.landlock:
            parts.append(f"landlock v{self.landlock}")
        elif self.landlock_kernel:
            parts.append("NO landlock (" + ("off" if self.mode == "none" else "failed") + ")")
        else:
            parts.append("no landlock (kernel)")
        parts.append("seccomp" if self.seccomp else "NO seccomp")
        parts.append(f"scratch {self.scratch}")
        return ", ".join(parts)

    @property
    def weaknesses(self) -> list:
        out = []
        if not self.namespaces:
            out.append("no namespaces (the child sees the grader's processes and sockets' names)")
        if self.uid != "private":
            out.append("the child runs as " + {"grader": "the grader's user", "root": "root",
                                               }.get(self.uid, "uid 0 without capabilities"))
        if not self.landlock:
            out.append("no Landlock (file reads and writes are not confined)")
        if not self.seccomp:
            out.append("no seccomp filter (sockets, SysV IPC and ptrace are open)")
        if self.scratch == "disk":
            out.append("scratch on disk with a per-file cap only")
        return out

    def to_json(self) -> dict:
        return {"mode": self.mode, "namespaces": list(self.namespaces), "uid": self.uid,
                "landlock": self.landlock, "landlock_kernel": self.landlock_kernel,
                "seccomp": self.seccomp, "scratch": self.scratch, "device": self.device,
                "meets_floor": self.meets_floor, "label": self.label}


def _under(p: str, c: str) -> bool:
    return p == c or p.startswith(c.rstrip("/") + "/")


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


def namespaces_available() -> bool:
    """Does this machine give the child namespaces (as root, or through bwrap)?"""
    try:
        return modes.choose() in ("root-ns", "userns")
    except modes.ModeUnavailable:
        return False


@functools.lru_cache(maxsize=None)
def _child_sys_path() -> tuple:
    """What ``python -I`` (the child's interpreter) has on ``sys.path``: the
    standard library, site-packages and whatever their ``.pth`` files add
    (a venv that borrows another's packages, a user's extra folder)."""
    try:
        out = subprocess.run([sys.executable, "-I", "-c", "import sys, json; print(json.dumps(sys.path))"],
                             capture_output=True, text=True, timeout=30, env={"PATH": os.defpath})
        paths = json.loads(out.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        paths = list(sys.path)
    return tuple(p for p in paths if p)


def python_dirs():
    """Folders the child's interpreter reads: its prefix, its binary's folder,
    and every folder (or zip) on its ``sys.path``."""
    import site
    import sysconfig

    dirs = {sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable)),
            os.path.dirname(sys.executable)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        dirs.add(sysconfig.get_paths().get(key, ""))
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:
        pass
    dirs.update(_child_sys_path())
    return sorted(d for d in dirs if d and os.path.exists(d))


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


#: what of /etc and /dev the child may read: never all of them, since a child
#: that keeps uid 0 (no namespaces, interpreter out of a private uid's reach)
#: would read /etc/shadow or a raw disk through owner permissions
SAFE_ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
            "/etc/timezone", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/hosts",
            "/etc/host.conf", "/etc/os-release", "/etc/mime.types", "/etc/ssl/certs",
            "/etc/alternatives", "/etc/matplotlibrc", "/etc/fonts", "/etc/gai.conf")
SAFE_DEV = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/fd")


def read_allowlist(hidden):
    """Everything the child may read under Landlock: system and Python dirs,
    entries of package folders except the grader's packages."""
    allow = {"/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/proc", "/sys",
             *SAFE_ETC, *SAFE_DEV}
    for d in os.environ.get("LD_LIBRARY_PATH", "").split(":"):
        if d and os.path.isabs(d):
            allow.add(d)
    hidden = {os.path.realpath(h) for h in hidden}

    def is_hidden(path):
        return any(_under(path, h) for h in hidden)

    for d in python_dirs():
        real = os.path.realpath(d)
        if is_hidden(real):
            continue
        holds_grader = os.path.isdir(real) and any(_under(h, real) and h != real for h in hidden)
        if holds_grader or "site-packages" in d or "dist-packages" in d:
            try:
                entries = os.listdir(real)
            except OSError:
                continue
            for e in entries:
                full = os.path.realpath(os.path.join(real, e))
                if is_hidden(full) or any(_under(h, full) for h in hidden):
                    continue
                if e.startswith("__editable__") or (e.endswith(".pth") and "course" in e):
                    continue
                allow.add(os.path.join(real, e))
        else:
            allow.add(real)
    return sorted(a for a in allow if os.path.exists(a))


def gpu_device_files():
    return sorted(glob.glob("/dev/nvidia*")) + sorted(glob.glob("/dev/dri/renderD*"))


class Sandbox:
    """One submission loaded in a confined child process."""

    def __init__(self, cells, *, limits: Limits | None = None, mask=(), name="submission",
                 isolate: str = "auto", device: str = "cpu"):
        self.cells = cells
        self.limits = limits or Limits()
        self.mask = sorted({os.path.realpath(m) for m in mask} | grader_paths())
        self.name = name
        self.isolate = isolate
        self.device = device
        self.proc = None
        self.load_report: LoadReport | None = None
        self.confinement = Confinement()
        self.isolation = ""
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
    def _mode(self) -> str:
        if self.isolate == "none":
            return "none"
        return modes.choose()

    def _scratch_root(self, mode):
        if mode == "root-ns" and os.path.isdir("/run") and os.access("/run", os.W_OK):
            root = Path("/run/course-sandbox")
            root.mkdir(mode=0o711, exist_ok=True)
            os.chmod(root, 0o711)
            return root
        if os.geteuid() == 0:
            # a private uid must be able to reach its scratch folder
            root = Path(tempfile.gettempdir()) / "course-sandbox"
            root.mkdir(mode=0o711, exist_ok=True)
            os.chmod(root, 0o711)
            return root
        return Path(tempfile.gettempdir())

    def _env(self, scratch):
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(scratch),
            "TMPDIR": str(scratch),
            "USER": SANDBOX_USER,
            "LOGNAME": SANDBOX_USER,
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
        for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LD_LIBRARY_PATH"):
            if k in os.environ:
                env[k] = os.environ[k]
        if self.device == "cuda":
            for k in ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"):
                if k in os.environ:
                    env[k] = os.environ[k]
            # torch's compile cache would otherwise go under a HOME it cannot keep
            env["TORCHINDUCTOR_CACHE_DIR"] = str(scratch / ".inductor")
            env["TRITON_CACHE_DIR"] = str(scratch / ".triton")
        else:
            env["CUDA_VISIBLE_DEVICES"] = ""
        return env

    def child_config(self, mode, scratch, inbox, *, private_uid):
        """The child's settings (limits, Landlock rules, seccomp program): the
        policy of one run, a pure function of the mode and the device."""
        gpu = self.device == "cuda"
        ns = mode in ("root-ns", "userns")
        flt = _seccomp.build(allow_unix_sockets=gpu and ns) if mode != "none" else None
        write = [str(scratch), "/dev/null"]
        if gpu:
            # CUDA writes to the device files and, through the driver, under its
            # own /proc entry (the child opens /proc/self itself: its own pid)
            write += gpu_device_files() + ["/proc/self"]
        return {
            "cells": str(inbox / "cells.json"),
            "cpu_s": self.limits.cpu_s,
            # CUDA reserves a huge virtual range: a GPU run bounds its host memory by
            # its data segment instead of its address space
            "memory_bytes": None if gpu else self.limits.memory_mb << 20,
            "data_bytes": self.limits.memory_mb << 20 if gpu else None,
            "fsize_bytes": self.limits.fsize_mb << 20,
            "nproc": self.limits.nproc if private_uid else None,
            "landlock": mode != "none",
            "read_dirs": read_allowlist(self.mask) + [str(scratch), str(inbox)]
            + (gpu_device_files() if gpu else []),
            "write_dirs": write,
            "seccomp": base64.b64encode(flt).decode("ascii") if flt else None,
            "drop_caps": os.geteuid() == 0 and not private_uid and mode != "none",
            "gpu_memory_fraction": self.limits.gpu_memory_fraction if gpu else None,
        }

    def start(self):
        self.stop()
        mode = self._mode()
        root = self._scratch_root(mode)
        self._base = Path(tempfile.mkdtemp(prefix="sbx-", dir=root))
        scratch = self._base / "work"
        inbox = self._base / "in"
        scratch.mkdir()
        inbox.mkdir()
        for sub in (".mpl", ".inductor", ".triton"):
            (scratch / sub).mkdir()
        child = inbox / "child.py"
        shutil.copyfile(CHILD, child)
        (inbox / "cells.json").write_text(json.dumps(self.cells), encoding="utf-8")

        private_uid = False
        if mode == "root-ns" or (mode == "plain" and os.geteuid() == 0 and self._uid_can_run()):
            private_uid = True
            self._uid = 100_000 + secrets.randbelow(60_000)
            for p in (scratch, *scratch.iterdir()):
                os.chown(p, self._uid, self._uid)
            os.chmod(self._base, 0o711)
            os.chmod(scratch, 0o700)
            os.chmod(inbox, 0o755)
            for f in inbox.iterdir():
                os.chmod(f, 0o644)
        else:
            self._uid = None

        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        cfg = self.child_config(mode, scratch, inbox, private_uid=private_uid)
        cfg.update(req_fd=req_r, resp_fd=resp_w)
        py = [sys.executable, "-I", str(child), json.dumps(cfg)]
        env = self._env(scratch)
        if mode == "root-ns":
            argv = ["unshare", "--pid", "--fork", "--kill-child", "--mount", "--net", "--ipc",
                    "--mount-proc", "--propagation", "private", "--", "/bin/sh", "-c",
                    self._ns_script(scratch), "sh", str(self._uid), *py]
        elif mode == "userns":
            argv = self._bwrap_argv(scratch, inbox) + py
        elif private_uid:
            argv = ["setpriv", f"--reuid={self._uid}", f"--regid={self._uid}", "--clear-groups",
                    "--no-new-privs", "--", *py]
        else:
            argv = py
        self.confinement = Confinement(
            mode=mode,
            namespaces=("pid", "mount", "net", "ipc") if mode in ("root-ns", "userns") else (),
            uid=("private" if private_uid else "grader" if os.geteuid() != 0
                 else "root" if mode == "none" else "root-without-capabilities"),
            landlock_kernel=modes.landlock_abi(),
            scratch=f"tmpfs {self.limits.scratch_mb} MiB" if mode in ("root-ns", "userns") else "disk",
            device=self.device)
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            cwd=scratch, env=env, pass_fds=(req_r, resp_w),
            start_new_session=True, preexec_fn=procs.die_with_parent)
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
        confine = ready.get("confine") if isinstance(ready.get("confine"), dict) else {}
        self.confinement.landlock = int(confine.get("landlock") or 0)
        self.confinement.seccomp = bool(confine.get("seccomp"))
        self.isolation = self.confinement.label
        self.load_report = LoadReport(ready.get("notes", []), ready.get("defined", []),
                                      confine, self.isolation)
        self._find_pid1()

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def _uid_can_run() -> bool:
        """Can a private uid (no namespaces to re-mount with) reach the interpreter?"""
        return not _needs_overlay(python_dirs() + [str(CHILD.parent)])

    def _bwrap_argv(self, scratch, inbox):
        """bwrap: new user, PID, mount, network, IPC and UTS namespaces over a
        read-only view of the host, with /tmp, /run and the grader's files
        covered, and a size-capped tmpfs for scratch."""
        a = [modes.bwrap_path(), "--unshare-all", "--die-with-parent",
             "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        for t in ("/tmp", "/var/tmp", "/run", "/dev/shm"):
            if os.path.isdir(t) or t == "/dev/shm":
                a += ["--tmpfs", t]
        for dev in (gpu_device_files() if self.device == "cuda" else []):
            a += ["--dev-bind", dev, dev]
        for m in self.mask:
            if os.path.isdir(m):
                a += ["--tmpfs", m, "--remount-ro", m]
            elif os.path.exists(m):
                a += ["--ro-bind", "/dev/null", m]
        covered = ["/tmp", "/var/tmp", "/run", *self.mask]
        for d in python_dirs():
            real = os.path.realpath(d)
            if any(_under(real, c) for c in covered) and not any(_under(real, m) for m in self.mask):
                a += ["--ro-bind", real, real]
        a += ["--ro-bind", str(inbox), str(inbox),
              "--size", str(self.limits.scratch_mb << 20), "--tmpfs", str(scratch)]
        for sub in (".mpl", ".inductor", ".triton"):
            a += ["--dir", str(scratch / sub)]
        a += ["--chdir", str(scratch), "--"]
        return a

    def _ns_script(self, scratch):
        """Shell run as root inside the new namespaces, before dropping to the uid.

        It covers what the child must not see (the grader's folders, /tmp and
        friends, folders the uid cannot traverse such as /root) with fresh
        mounts, after staging the Python installation's folders that lie
        under one of them, and binds those back on top; the scratch folder
        becomes a tmpfs of its own, capped in size.
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
                covers.append((t, f"mount -t tmpfs -o mode=1777,size=64m tmpfs '{t}'"))

        needed = [os.path.realpath(d) for d in python_dirs()]
        needed = sorted({d for d in needed if any(_under(d, c) for c, _ in covers)
                         and not any(_under(d, c) for c in self.mask)})
        top = [d for d in needed if not any(d != e and _under(d, e) for e in needed)]
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
        size = self.limits.scratch_mb << 20
        lines.append(f"mount -t tmpfs -o size={size},mode=0700,uid=$uid,gid=$uid tmpfs '{scratch}'")
        lines.append(f"cd '{scratch}' && mkdir .mpl .inductor .triton && chown $uid:$uid .mpl .inductor .triton")
        lines.append('exec setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs -- "$@"')
        return "\n".join(lines)

    def _find_pid1(self):
        """The pid of the Python process that runs the child (below unshare,
        sh, setpriv or bwrap), found by its command line."""
        self._pid1 = None
        if self.proc is None:
            return
        todo, seen = [self.proc.pid], set()
        while todo:
            pid = todo.pop(0)
            if pid in seen:
                continue
            seen.add(pid)
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                cmd = b""
            if b"child.py" in cmd and b"-I" in cmd and not cmd.startswith((b"unshare", b"setpriv")) \
                    and b"bwrap" not in cmd.split(b"\0")[0]:
                self._pid1 = pid
                return
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    todo += [int(k) for k in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
            except (OSError, ValueError):
                pass

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
            # the child's process group, its descendants, the PID namespace's init, and
            # every process of its private uid (a setsid escapee keeps the uid)
            procs.kill_tree(proc.pid, group=True, uid=self._uid, also=(self._pid1,))
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            if self._uid is not None:    # what a fork bomb started while we swept
                procs.kill_tree(None, uid=self._uid)
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
        if not self._pid1 and self.proc is not None:
            self._find_pid1()  # not known yet at start: look again
        direct = self.proc is not None and self.confinement.mode in ("plain", "none") and not self._uid
        pid = self._pid1 or (self.proc.pid if direct else None)
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
                except (ValueError, RecursionError):
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


def probe_confinement(device: str = "cpu") -> Confinement:
    """The confinement a submission gets here, measured on an empty child."""
    sb = Sandbox([], limits=Limits(load_timeout=60), device=device)
    try:
        sb.start()
        return sb.confinement
    finally:
        sb.stop()
