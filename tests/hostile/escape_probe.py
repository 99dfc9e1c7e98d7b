"""A hostile submission that tries every way out of the sandbox and reports
what worked (tests/test_confinement.py). Each probe returns "blocked" or a
string that says what got through."""
import os


def _try(fn):
    try:
        out = fn()
    except Exception as exc:  # noqa: BLE001
        return f"blocked ({type(exc).__name__})"
    return out


def unix_socket(path):
    import socket

    def go():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return "connected"
        finally:
            s.close()
    return _try(go)


def inet_socket():
    import socket

    def go():
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        return "created"
    return _try(go)


def sysv_shm(key):
    import ctypes

    def go():
        libc = ctypes.CDLL(None, use_errno=True)
        shmid = libc.shmget(int(key), 1 << 20, 0o1666)  # IPC_CREAT | 0666
        if shmid < 0:
            raise OSError(ctypes.get_errno(), "shmget")
        libc.shmctl(shmid, 0, None)  # IPC_RMID: leave nothing behind even when it worked
        return f"segment {shmid}"
    return _try(go)


def posix_mq():
    import ctypes

    def go():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.mq_open(b"/course-probe", 0o102, 0o666, None)  # O_RDWR | O_CREAT
        if fd < 0:
            raise OSError(ctypes.get_errno(), "mq_open")
        libc.mq_unlink(b"/course-probe")
        return "queue opened"
    return _try(go)


def read_file(path):
    def go():
        with open(path, "rb") as f:
            return f"read {len(f.read(100))} bytes"
    return _try(go)


def write_file(path):
    def go():
        with open(path, "w") as f:
            f.write("x")
        return "written"
    return _try(go)


def signal_pid(pid):
    import signal

    def go():
        os.kill(int(pid), signal.SIGCONT)
        return "signal delivered"
    return _try(go)


def ptrace_pid(pid):
    import ctypes

    def go():
        libc = ctypes.CDLL(None, use_errno=True)
        # PTRACE_SEIZE attaches without stopping the target (the grader must go on)
        if libc.ptrace(0x4206, int(pid), None, None) != 0:
            raise OSError(ctypes.get_errno(), "ptrace")
        return "attached"
    return _try(go)


def new_session():
    """setsid() in a forked child (the sandbox's first process may lead a
    session already, where setsid fails whatever the filter)."""
    def go():
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                os._exit(0)
            except BaseException:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            return "new session"
        raise PermissionError("setsid")
    return _try(go)


def new_userns():
    import ctypes

    def go():
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
            raise OSError(ctypes.get_errno(), "unshare")
        return "new user namespace"
    return _try(go)


def fill_scratch(mb):
    def go():
        chunk = b"\0" * (1 << 20)
        done = 0
        for i in range(int(mb)):
            with open(f"fill-{i}.bin", "wb") as f:
                f.write(chunk)
            done += 1
        return f"wrote {done} MiB"
    return _try(go)


def whoami():
    return {"uid": os.getuid(), "pid": os.getpid(), "cwd": os.getcwd()}


def list_dir(path):
    return _try(lambda: sorted(os.listdir(path))[:50])


def forkserver_sockets():
    """Every path socket this process can see (/proc/net/unix), and whether
    connecting to it worked: the way into a multiprocessing forkserver."""
    import socket

    def go():
        with open("/proc/net/unix") as f:
            paths = [ln.split()[-1] for ln in f.read().splitlines()[1:]
                     if len(ln.split()) >= 8 and ln.split()[-1].startswith("/")]
        for p in paths:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(p)
                return f"connected to {p}"
            except OSError:
                pass
            finally:
                s.close()
        return f"blocked (none of {len(paths)} sockets)"
    return _try(go)
