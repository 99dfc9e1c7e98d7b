"""Does the sandbox hold in every mode this machine allows, as root and not?

The escape probes (tests/hostile/escape_probe.py) are run in each mode; a
control run with the confinement switched off shows that each probe does
detect the way out it tries, so a "blocked" below is a real result.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox import Limits, Sandbox, modes, seccomp
from autograder.sandbox.runner import Confinement

ROOT = Path(__file__).resolve().parents[1]
PROBES = ROOT / "tests" / "hostile" / "run_probes.py"
UNPRIV = ROOT / "tests" / "run_unprivileged.py"

BLOCKED = ("unix_socket", "forkserver", "inet_socket", "sysv_shm", "posix_mq", "read_secret",
           "read_reference", "read_shadow", "read_raw_disk", "write_tmp", "signal_grader", "ptrace_grader", "setsid", "userns")


def _probe(mode, unprivileged=False):
    env = dict(os.environ, COURSE_SANDBOX_MODE=mode)
    argv = [sys.executable, str(PROBES)]
    if unprivileged:
        argv = [sys.executable, str(UNPRIV), "--", "env", f"COURSE_SANDBOX_MODE={mode}", *argv]
    r = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    if unprivileged and r.returncode == 77:
        pytest.skip(r.stdout.strip())
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def _root_modes():
    if os.geteuid() != 0:
        return [m for m in modes.available() if m != "root-ns"]
    return [m for m in modes.available() if m in ("root-ns", "plain")]


# ------------------------------------------------------------------ seccomp
@pytest.mark.parametrize("arch", sorted(seccomp.ARCHES))
def test_seccomp_program_denies_what_it_lists_and_allows_the_rest(arch):
    a = seccomp.ARCHES[arch]
    machine = arch
    flt = seccomp.build(machine=machine)
    deny = seccomp._RET_ERRNO | seccomp.EPERM
    for name, nr in a["deny"].items():
        assert seccomp.run(flt, nr, a["audit"]) == deny, name
    assert seccomp.run(flt, a["socket"], a["audit"], (seccomp.AF_UNIX,)) == deny
    assert seccomp.run(flt, a["socket"], a["audit"], (2,)) == deny          # AF_INET
    assert seccomp.run(flt, a["clone3"], a["audit"]) == seccomp._RET_ERRNO | seccomp.ENOSYS
    assert seccomp.run(flt, a["clone"], a["audit"], (0x10000000,)) == deny  # CLONE_NEWUSER
    assert seccomp.run(flt, a["clone"], a["audit"], (0x01200011,)) == seccomp.RET_ALLOW  # fork()
    for nr in (0, 1, 3, 9, 60):  # read/write/close/mmap-ish numbers: untouched
        if nr not in a["deny"].values() and nr not in (a["socket"], a["clone"]):
            assert seccomp.run(flt, nr, a["audit"]) == seccomp.RET_ALLOW
    assert seccomp.run(flt, 0, 0x40000003) == deny  # i386 ABI
    if a["x32"]:
        assert seccomp.run(flt, a["x32"] | 0, a["audit"]) == deny


def test_seccomp_unix_sockets_only_when_asked():
    a = seccomp.ARCHES["x86_64"]
    flt = seccomp.build(allow_unix_sockets=True, machine="x86_64")
    assert seccomp.run(flt, a["socket"], a["audit"], (seccomp.AF_UNIX,)) == seccomp.RET_ALLOW
    assert seccomp.run(flt, a["socket"], a["audit"], (2,)) != seccomp.RET_ALLOW
    assert seccomp.build(machine="riscv64") is None


# --------------------------------------------------------------- GPU policy
def _config(device, mode, monkeypatch, tmp_path):
    from autograder.sandbox import runner

    monkeypatch.setattr(runner, "gpu_device_files", lambda: ["/dev/nvidia0", "/dev/nvidiactl",
                                                             "/dev/nvidia-uvm"])
    sb = Sandbox([], limits=Limits(memory_mb=4096), device=device)
    cfg = sb.child_config(mode, tmp_path / "work", tmp_path / "in", private_uid=True)
    return sb, cfg


@pytest.mark.parametrize("mode", ["root-ns", "userns", "plain"])
def test_gpu_run_policy(mode, monkeypatch, tmp_path):
    """A GPU run: no address-space limit (CUDA reserves a huge virtual range),
    host memory bounded by the data segment instead, the device files and the
    child's own /proc entry writable (CUDA's driver writes there), a cap on the
    device's memory, and a user name for torch's compile path."""
    sb, cfg = _config("cuda", mode, monkeypatch, tmp_path)
    assert cfg["memory_bytes"] is None
    assert cfg["data_bytes"] == 4096 << 20
    for dev in ("/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm", "/proc/self"):
        assert dev in cfg["write_dirs"]
    assert 0 < cfg["gpu_memory_fraction"] <= 1
    assert cfg["seccomp"], "the filter applies to GPU runs too"
    flt = __import__("base64").b64decode(cfg["seccomp"])
    a = seccomp.ARCHES.get(seccomp.arch_name() or "", seccomp.ARCHES["x86_64"])
    unix = seccomp.run(flt, a["socket"], a["audit"], (seccomp.AF_UNIX,))
    # AF_UNIX stays open for the CUDA driver only where namespaces hide the host's sockets
    assert (unix == seccomp.RET_ALLOW) == (mode in ("root-ns", "userns"))
    env = sb._env(tmp_path)
    assert env["USER"] and env["LOGNAME"]
    assert "CUDA_VISIBLE_DEVICES" not in env or env["CUDA_VISIBLE_DEVICES"] != ""


def test_cpu_run_policy(monkeypatch, tmp_path):
    sb, cfg = _config("cpu", "root-ns", monkeypatch, tmp_path)
    assert cfg["memory_bytes"] == 4096 << 20 and cfg["data_bytes"] is None
    assert not any(d.startswith("/dev/nvidia") or d == "/proc/self" for d in cfg["write_dirs"])
    assert cfg["gpu_memory_fraction"] is None
    assert sb._env(tmp_path)["CUDA_VISIBLE_DEVICES"] == ""


def test_bwrap_argv_hides_tmp_run_and_the_grader(tmp_path):
    if not modes.bwrap_path():
        pytest.skip("no bwrap binary here")
    sb = Sandbox([], mask=[str(tmp_path / "course")])
    (tmp_path / "course").mkdir()
    argv = sb._bwrap_argv(tmp_path / "work", tmp_path / "in")
    joined = " ".join(argv)
    for flag in ("--unshare-all", "--die-with-parent", "--tmpfs /tmp", "--tmpfs /run",
                 f"--tmpfs {tmp_path / 'course'}", "--size"):
        assert flag in joined
    assert argv.index("--size") < argv.index(str(tmp_path / "work"))


# ------------------------------------------------------------ floor, labels
def test_confinement_floor():
    full = Confinement("root-ns", ("pid", "mount", "net", "ipc"), "private", 7, 7, True, "tmpfs 1 MiB")
    assert full.meets_floor and not full.weaknesses
    plain = Confinement("plain", (), "grader", 7, 7, True, "disk")
    assert plain.meets_floor and "no namespaces" in plain.weaknesses[0]
    assert not Confinement("plain", (), "grader", 7, 7, False, "disk").meets_floor
    assert not Confinement("plain", (), "grader", 0, 7, True, "disk").meets_floor  # Landlock failed
    assert Confinement("plain", (), "grader", 0, 0, True, "disk").meets_floor      # kernel has none
    assert not Confinement("none", (), "root", 0, 7, False, "disk").meets_floor
    assert "NO seccomp" in Confinement("none", (), "root", 0, 7, False, "disk").label


# ------------------------------------------------------------------ probes
def _assert_holds(r, mode):
    conf = r["confinement"]
    assert conf["mode"] == mode and conf["meets_floor"], conf
    assert conf["seccomp"] is True and conf["landlock"] == modes.landlock_abi()
    for k in BLOCKED:
        assert str(r[k]).startswith("blocked"), (k, r[k], conf["label"])
    if conf["namespaces"]:
        assert conf["scratch"].startswith("tmpfs") and r["fill_scratch"].startswith("blocked")
    if conf["uid"] == "private":
        assert r["whoami"]["uid"] != r["grader_uid"]
    assert r["left_behind"] == {"scratch": False, "tmp_file": False}


@pytest.mark.parametrize("mode", _root_modes())
def test_escapes_blocked(mode):
    _assert_holds(_probe(mode), mode)


@pytest.mark.parametrize("mode", ["userns", "plain"])
def test_escapes_blocked_as_unprivileged_user(mode):
    if os.geteuid() != 0:
        if mode not in modes.available():
            pytest.skip(f"{mode} is not available here")
        _assert_holds(_probe(mode), mode)
        return
    _assert_holds(_probe(mode, unprivileged=True), mode)


def test_control_run_without_confinement_is_caught_by_the_probes():
    """With the confinement off (a mode the grader refuses for a class), the
    same probes get through: they can fail."""
    r = _probe("none")
    assert not r["confinement"]["meets_floor"]
    for k in ("unix_socket", "inet_socket", "sysv_shm", "read_secret", "read_reference", "setsid",
              *(("read_shadow",) if os.geteuid() == 0 else ())):
        assert not str(r[k]).startswith("blocked"), (k, r[k])
    assert r["left_behind"]["scratch"] is False


def test_nothing_left_behind_after_a_fork_bomb_and_a_daemon():
    src = (
        "import os, time\n"
        "def spawn(n):\n"
        "    for _ in range(int(n)):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(600)\n"
        "            os._exit(0)\n"
        "    return os.getpid()\n")
    sb = Sandbox([{"filename": "d.py", "source": src}], limits=Limits(call_timeout=5))
    sb.start()
    sb.call("spawn", 20)
    base, uid = sb._base, sb._uid
    sb.stop()
    assert not base.exists()
    if uid is not None:
        owned = [d for d in os.listdir("/proc") if d.isdigit() and _uid_of(d) == uid
                 and not _zombie(d)]
        assert owned == []
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(base) not in out


def _zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _uid_of(pid):
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


# ---------------------------------------------------------- course grade
def test_course_grade_refuses_below_the_floor(tmp_path):
    from click.testing import CliRunner

    from course.cli import main

    sub = tmp_path / "submitted" / "ann" / "hw1"
    sub.mkdir(parents=True)
    (sub / "hw1.py").write_text("def init_variance(fan_in, fan_out, scheme):\n    return 1.0\n")
    env = {"COURSE_SANDBOX_MODE": "none"}
    r = CliRunner().invoke(main, ["grade", "hw1", str(tmp_path / "submitted"), "--out",
                                  str(tmp_path / "out"), "--no-gradebook", "--no-progress"], env=env)
    assert r.exit_code == 2, r.output
    assert "below the floor" in r.output and "--allow-weak-sandbox" in r.output
    assert not (tmp_path / "out").exists()
