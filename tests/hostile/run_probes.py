"""Load tests/hostile/escape_probe.py in the sandbox the way the grader does
and print, as one JSON object, what each escape attempt achieved.

The grader side holds the things a hostile submission wants: a listening
path socket (as a multiprocessing forkserver has), a private file, the
reference. Run by tests/test_confinement.py as root and, through
tests/run_unprivileged.py, as a plain user; COURSE_SANDBOX_MODE picks the mode.
"""
import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from autograder.sandbox import Limits, Sandbox  # noqa: E402
from autograder.sandbox.runner import grader_paths  # noqa: E402


def main():
    src = (HERE / "escape_probe.py").read_text()
    work = Path(tempfile.mkdtemp(prefix="pymp-"))
    sock = work / "listener"
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(str(sock))
    srv.listen(8)
    secret = work / "gradebook.db"
    secret.write_text("grades")
    os.chmod(work, 0o700)
    ref = Path(sorted(p for p in grader_paths() if p.endswith("solutions"))[0]) / "hw1.py"
    sb = Sandbox([{"filename": "probe.py", "source": src}], limits=Limits(scratch_mb=16),
                 mask=[str(work)])
    r = {}
    try:
        sb.start()
        r["confinement"] = sb.confinement.to_json()
        r["whoami"] = sb.call("whoami")
        r["unix_socket"] = sb.call("unix_socket", str(sock))
        r["forkserver"] = sb.call("forkserver_sockets")
        r["inet_socket"] = sb.call("inet_socket")
        r["sysv_shm"] = sb.call("sysv_shm", 0x5C0FF)
        r["posix_mq"] = sb.call("posix_mq")
        r["read_secret"] = sb.call("read_file", str(secret))
        r["read_reference"] = sb.call("read_file", str(ref))
        r["read_shadow"] = sb.call("read_file", "/etc/shadow")
        disks = sorted(p for p in os.listdir("/dev") if p.startswith(("sd", "vd", "nvme", "xvd")))
        r["read_raw_disk"] = sb.call("read_file", f"/dev/{disks[0]}") if disks else "blocked (no disk)"
        r["write_tmp"] = sb.call("write_file", f"/tmp/course-probe-{os.getpid()}")
        r["signal_grader"] = sb.call("signal_pid", os.getpid())
        r["ptrace_grader"] = sb.call("ptrace_pid", os.getpid())
        r["setsid"] = sb.call("new_session")
        r["userns"] = sb.call("new_userns")
        r["fill_scratch"] = sb.call("fill_scratch", 40)
        r["grader_uid"] = os.getuid()
        base = sb._base
    finally:
        sb.stop()
        srv.close()
        shutil.rmtree(work, ignore_errors=True)
    tmp_file = f"/tmp/course-probe-{os.getpid()}"
    r["left_behind"] = {"scratch": base is not None and base.exists(),
                        "tmp_file": os.path.exists(tmp_file)}
    if os.path.exists(tmp_file):  # only the unconfined control run can write it
        os.remove(tmp_file)
    print(json.dumps(r))


if __name__ == "__main__":
    main()
