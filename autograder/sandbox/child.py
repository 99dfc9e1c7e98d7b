"""The sandbox's child: runs one student submission and serves calls on it.

This file is executed by path (``python -I child.py ...``) inside the
sandbox and imports nothing from the course's packages, which are not
readable there. It talks to the grader over two inherited pipes:

* requests, one JSON object per line: ``{"id": n, "fn": name, "args": [...],
  "kwargs": {...}}`` (arrays as base64 ``.npy``);
* replies, one JSON object per line: ``{"id": n, "ok": true, "value": ...}``
  or ``{"id": n, "ok": false, "error": {...}}``.

Only plain data crosses: ndarrays (``np.save``, never pickled), numbers,
strings, lists, tuples and dicts of those. Anything else is described, not
sent. What the student's code prints goes to stdout/stderr, which the grader
drains separately, so printing can neither fake nor corrupt a reply.
"""
import base64
import io
import json
import linecache
import os
import resource
import sys
import traceback
import types

MAX_DEPTH = 8
MAX_ITEMS = 100_000


# --------------------------------------------------------------------------
# Limits and confinement (applied before any student code runs)
# --------------------------------------------------------------------------
def apply_limits(cfg):
    def lim(what, value):
        if value is None:
            return
        try:
            soft, hard = resource.getrlimit(what)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(what, (value, value))
        except (ValueError, OSError):
            pass

    lim(resource.RLIMIT_CPU, cfg.get("cpu_s"))
    lim(resource.RLIMIT_AS, cfg.get("memory_bytes"))
    lim(resource.RLIMIT_DATA, cfg.get("data_bytes"))
    lim(resource.RLIMIT_FSIZE, cfg.get("fsize_bytes"))
    lim(resource.RLIMIT_CORE, 0)
    if cfg.get("nproc"):
        lim(resource.RLIMIT_NPROC, cfg["nproc"])


def landlock(read_dirs, write_dirs):
    """Restrict this process (and its children) with Landlock, if available.

    Reads are allowed only below ``read_dirs`` and writes only below
    ``write_dirs``: the reference and the grader's files are outside both.
    Returns the Landlock ABI applied (0: none, or it failed).
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        SYS_create, SYS_add, SYS_restrict = 444, 445, 446
        abi = libc.syscall(SYS_create, None, 0, 1)
        if abi < 1:
            return 0
        EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1, 2, 4, 8
        REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 16, 32, 64, 128
        MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 256, 512, 1024, 2048, 4096
        REFER, TRUNCATE = 8192, 16384
        read = EXECUTE | READ_FILE | READ_DIR
        write = (WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_CHAR | MAKE_DIR | MAKE_REG
                 | MAKE_SOCK | MAKE_FIFO | MAKE_BLOCK | MAKE_SYM)
        if abi >= 2:
            write |= REFER
        if abi >= 3:
            write |= TRUNCATE
        handled = read | write

        class RulesetAttr(ctypes.Structure):
            _fields_ = [("handled_access_fs", ctypes.c_uint64)]

        class RulesetAttrScoped(ctypes.Structure):
            _fields_ = [("handled_access_fs", ctypes.c_uint64),
                        ("handled_access_net", ctypes.c_uint64),
                        ("scoped", ctypes.c_uint64)]

        class PathBeneath(ctypes.Structure):
            _pack_ = 1
            _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

        if abi >= 6:
            # also: no signals to, and no abstract sockets of, processes outside the sandbox
            attr = RulesetAttrScoped(handled, 0, 1 | 2)
        else:
            attr = RulesetAttr(handled)
        fd = libc.syscall(SYS_create, ctypes.byref(attr), ctypes.sizeof(attr), 0)
        if fd < 0:
            return 0
        file_ok = EXECUTE | READ_FILE | WRITE_FILE | (TRUNCATE if abi >= 3 else 0)

        def allow(path, access):
            try:
                pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return
            try:
                if not os.path.isdir(path):
                    access &= file_ok
                rule = PathBeneath(access & handled, pfd)
                libc.syscall(SYS_add, fd, 1, ctypes.byref(rule), 0)
            finally:
                os.close(pfd)

        for p in read_dirs:
            allow(p, read)
        for p in write_dirs:
            allow(p, read | write)
        PR_SET_NO_NEW_PRIVS = 38
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if libc.syscall(SYS_restrict, fd, 0) != 0:
            os.close(fd)
            return 0
        os.close(fd)
        return int(abi)
    except Exception:  # pragma: no cover - depends on the kernel
        return 0


def install_seccomp(filter_b64):
    """Install the grader's seccomp program (built by ``seccomp.py``); True if it
    is in force (``/proc/self/status`` says so)."""
    import ctypes

    prog = base64.b64decode(filter_b64)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        buf = ctypes.create_string_buffer(prog, len(prog))

        class SockFprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        fprog = SockFprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
        libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
        if libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:  # PR_SET_SECCOMP, FILTER
            return False
    except Exception:  # pragma: no cover - depends on the kernel
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return any(ln.split() == ["Seccomp:", "2"] for ln in f)
    except OSError:
        return True


def drop_capabilities():
    """Running as uid 0 without namespaces: give up every capability, so uid 0
    is only a number (Landlock still confines its files)."""
    import ctypes
    import platform

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    nr = {"x86_64": 126, "aarch64": 91}.get(platform.machine())
    if nr is not None:
        libc.syscall(nr, header, data)


def cap_gpu_memory(fraction):
    """A per-process cap on the GPU's memory (torch's caching allocator)."""
    try:
        import torch

        if not torch.cuda.is_available():
            return "no CUDA device visible"
        for i in range(torch.cuda.device_count()):
            torch.cuda.set_per_process_memory_fraction(float(fraction), i)
        return f"GPU memory capped at {fraction:g} of the device"
    except Exception as exc:  # noqa: BLE001 - reported, never fatal
        return f"GPU memory cap not applied: {type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------
# Plain-data codec (the grader's autograder/sandbox/codec.py decodes it)
# --------------------------------------------------------------------------
def _npy(arr):
    import numpy as np

    arr = np.asarray(arr)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"array of dtype {arr.dtype}")
    buf = io.BytesIO()
    np.save(buf, np.require(arr, requirements='C').view(np.ndarray), allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def encode(value, depth=0, budget=None):
    if budget is None:
        budget = [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        return {"__opaque__": "too large or too deeply nested", "repr": ""}
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        if abs(value) < 2**53:
            return value
        if value.bit_length() > 13000:  # str() refuses past 4300 digits
            return {"__opaque__": "int", "repr": f"an integer of about {int(value.bit_length() * 0.30103)} digits"}
        return {"__int__": str(value)}
    if type(value) is float:
        return value
    np = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        try:
            t = value.detach().cpu()
            if t.dtype == torch.bfloat16:
                t = t.float()
            return {"__nd__": _npy(t.numpy()), "torch": str(value.dtype)}
        except Exception as exc:
            return {"__opaque__": "torch.Tensor", "repr": f"cannot convert: {exc}"}
    if np is not None:
        if type(value) is np.ndarray or (isinstance(value, np.ndarray) and value.dtype.kind in "biufc"):
            try:
                return {"__nd__": _npy(value)}
            except TypeError as exc:
                return {"__opaque__": "numpy.ndarray", "repr": str(exc)}
        if isinstance(value, np.generic) and value.dtype.kind in "biufc":
            return {"__nd__": _npy(np.asarray(value)), "scalar": True}
    if type(value) in (list, tuple):
        items = [encode(v, depth + 1, budget) for v in value]
        return {"__list__": items} if type(value) is list else {"__tuple__": items}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: encode(v, depth + 1, budget) for k, v in value.items()}}
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    try:
        text = object.__repr__(value)
    except Exception:
        text = ""
    return {"__opaque__": name, "repr": text[:200]}


def decode(value):
    """Inputs from the grader (plain JSON, arrays as .npy)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__nd__" in value:
            import numpy as np

            arr = np.load(io.BytesIO(base64.b64decode(value["__nd__"])), allow_pickle=False)
            return arr[()] if value.get("scalar") else arr
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        if "__list__" in value:
            return [decode(v) for v in value["__list__"]]
        if "__int__" in value:
            return int(value["__int__"])
        if "__dict__" in value:
            return {k: decode(v) for k, v in value["__dict__"].items()}
        return {k: decode(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------
# Loading the submission
# --------------------------------------------------------------------------
def student_frames(tb, filenames):
    """The traceback lines of the student's own code, innermost last."""
    lines = []
    for fs in traceback.extract_tb(tb):
        if fs.filename in filenames:
            lines.append(f'  {fs.filename}, line {fs.lineno}, in {fs.name}')
            if fs.line:
                lines.append(f"    {fs.line.strip()}")
    return lines[-12:]


def describe_exception(exc, filenames):
    try:
        text = str(exc)
    except Exception:
        text = "<unprintable>"
    return {
        "type": type(exc).__name__,
        "message": text[:2000],
        "traceback": student_frames(exc.__traceback__, filenames),
        "stub": isinstance(exc, NotImplementedError),
    }


def load(cells):
    """Execute the submission's code cells in one namespace.

    A cell that raises is reported and does not stop the later cells.
    """
    module = types.ModuleType("submission")
    module.__file__ = cells[0]["filename"] if cells else "submission.py"
    sys.modules["submission"] = module
    ns = module.__dict__
    notes, filenames = [], set()
    for cell in cells:
        name, source = cell["filename"], cell["source"]
        filenames.add(name)
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        try:
            code = compile(source, name, "exec")
        except SyntaxError as exc:
            notes.append({"kind": "syntax", "cell": name, "line": exc.lineno,
                          "message": f"{exc.msg} ({name}, line {exc.lineno})",
                          "text": (exc.text or "").rstrip()})
            continue
        try:
            exec(code, ns)
        except SystemExit as exc:
            notes.append({"kind": "exit", "cell": name,
                          "message": f"the code called exit({exc.code!r}) while loading; ignored"})
        except BaseException as exc:  # noqa: BLE001 - we report, and go on with the next cell
            d = describe_exception(exc, filenames)
            kind = "stub" if d["stub"] else "raised"
            notes.append({"kind": kind, "cell": name, "message": f"{d['type']}: {d['message']}",
                          "traceback": d["traceback"]})
    return ns, notes, filenames


def main():
    # die with our parent (the grader, or unshare in front of it): after the
    # uid change the inherited setting is gone, so set it again here
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    cfg = json.loads(sys.argv[1])
    req = os.fdopen(cfg["req_fd"], "r", encoding="utf-8")
    resp = os.fdopen(cfg["resp_fd"], "w", encoding="utf-8")
    os.set_inheritable(cfg["req_fd"], False)
    os.set_inheritable(cfg["resp_fd"], False)

    def reply(obj):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        resp.write(json.dumps(obj, allow_nan=True) + "\n")
        resp.flush()

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True, write_through=True)
        except (AttributeError, ValueError):
            pass
    apply_limits(cfg)
    confine = {"landlock": 0, "seccomp": False, "uid": os.geteuid()}
    if cfg.get("drop_caps"):
        drop_capabilities()
    if cfg.get("landlock"):
        confine["landlock"] = landlock(cfg.get("read_dirs", []), cfg.get("write_dirs", []))
    if cfg.get("seccomp"):
        confine["seccomp"] = install_seccomp(cfg["seccomp"])
    if cfg.get("gpu_memory_fraction"):
        confine["gpu"] = cap_gpu_memory(cfg["gpu_memory_fraction"])
    with open(cfg["cells"], encoding="utf-8") as f:
        cells = json.load(f)
    # Student code sees a plain interpreter: no grader paths, cwd = scratch.
    sys.argv = ["submission"]
    ns, notes, filenames = load(cells)
    defined = sorted(k for k, v in ns.items() if callable(v) and not k.startswith("__"))
    reply({"id": 0, "ok": True, "ready": True, "notes": notes, "defined": defined,
           "confine": confine})
    for line in req:
        msg = json.loads(line)
        fn = ns.get(msg["fn"])
        if fn is None or not callable(fn):
            reply({"id": msg["id"], "ok": False,
                   "error": {"type": "Missing", "message": msg["fn"], "traceback": [], "stub": False}})
            continue
        try:
            args = decode(msg.get("args", []))
            kwargs = decode(msg.get("kwargs", {}))
            value = fn(*args, **kwargs)
            out = {"id": msg["id"], "ok": True, "value": encode(value)}
        except SystemExit as exc:
            out = {"id": msg["id"], "ok": False,
                   "error": {"type": "SystemExit", "message": f"exit({exc.code!r}) called",
                             "traceback": student_frames(exc.__traceback__, filenames), "stub": False}}
        except BaseException as exc:  # noqa: BLE001
            out = {"id": msg["id"], "ok": False, "error": describe_exception(exc, filenames)}
        reply(out)


if __name__ == "__main__":
    main()
