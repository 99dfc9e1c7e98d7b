"""autograder.procs: die-with-parent and the one process-tree killer."""
import os
import signal
import subprocess
import sys
import time

import pytest

from autograder import procs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process control")


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.02)
    return [p for p in pids if _alive(p)]


#: a process that starts a child, which starts a grandchild in a session of its own
#: (out of the process group), and prints the three pids
TREE = """
import os, subprocess, sys, time
kid = subprocess.Popen([sys.executable, "-c", '''
import subprocess, sys, time
g = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
print(g.pid, flush=True)
time.sleep(60)
'''], stdout=subprocess.PIPE, text=True)
grandkid = kid.stdout.readline().strip()
print(os.getpid(), kid.pid, grandkid, flush=True)
time.sleep(60)
"""


def test_kill_tree_kills_descendants_also_outside_the_group():
    root = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    pids = [int(p) for p in root.stdout.readline().split()]
    assert len(pids) == 3 and all(_alive(p) for p in pids)
    procs.kill_tree(root.pid, group=True)
    root.wait(10)
    assert _wait_gone(pids) == []


def test_kill_tree_of_a_process_already_gone_does_not_raise():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait(10)
    procs.kill_tree(p.pid)                 # reaped already: nothing to kill, no error
    procs.kill_tree(None, uid=None)        # nothing asked: nothing done


def test_kill_tree_leaves_the_caller_and_its_other_children_alone():
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    target = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        procs.kill_tree(target.pid, group=True)
        assert target.wait(10) == -signal.SIGKILL
        assert bystander.poll() is None and _alive(os.getpid())
    finally:
        bystander.kill()
        bystander.wait(10)


def test_a_child_dies_with_its_parent():
    code = ("import subprocess, sys, time\n"
            "from autograder import procs\n"
            "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
            " preexec_fn=procs.die_with_parent)\n"
            "print(c.pid, flush=True)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()
    parent.wait(10)
    assert _wait_gone([child]) == [], "the child outlived its parent"


def test_prctl_reports_success_and_refusal():
    assert procs.prctl(procs.PR_SET_PDEATHSIG, 0) is True      # clear it: allowed
    assert procs.prctl(procs.PR_SET_PDEATHSIG, 1000) is False  # not a signal: refused


@pytest.mark.skipif(os.geteuid() != 0 or not __import__("shutil").which("setpriv"),
                    reason="needs root and setpriv to start processes under another uid")
def test_kill_tree_sweeps_every_process_of_a_private_uid():
    uid = 54329
    escapee = subprocess.Popen(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                                sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and os.stat(f"/proc/{escapee.pid}").st_uid != uid:
            time.sleep(0.02)                  # setpriv has switched to the uid and exec'd python
        procs.kill_tree(None, uid=uid)        # no root: only the sweep by uid
        # (the sweep reaps dead children of ours, so Popen may not see the signal: ask /proc)
        assert _wait_gone([escapee.pid], 2.0) == []
    finally:
        if escapee.poll() is None:
            escapee.kill()
            escapee.wait(10)
