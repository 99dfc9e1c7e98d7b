"""Does a `course grade` killed midway (SIGKILL of its process group) lose nothing, and does a
rerun grade only what is missing or changed, never a stored verdict twice?"""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from course.grading import Options, grade_class
from course.grading.discover import find_submissions
from course.grading.store import Store

FUNCTIONS = ["init_variance", "init_weights", "forward_variances", "backward_variances",
             "predicted_variances", "simulate_variances"]
N = 6


def stub(k):
    """A quick-to-grade submission (every function not attempted); k makes the bytes unique."""
    body = "\n".join(f"def {f}(*args, **kwargs):\n    raise NotImplementedError\n" for f in FUNCTIONS)
    return f"# student {k}\n{body}"


def committed(store_path):
    if not store_path.exists():
        return []
    try:
        db = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True, timeout=5)
        rows = db.execute("SELECT student, sha256, run_id, graded_at FROM verdicts").fetchall()
        db.close()
        return rows
    except sqlite3.OperationalError:   # the schema is not there yet
        return []


def test_kill_and_resume(tmp_path):
    sub = tmp_path / "submitted"
    for k in range(N):
        (sub / f"s{k}" / "hw1").mkdir(parents=True)
        (sub / f"s{k}" / "hw1" / "hw1.py").write_text(stub(k))
    out = tmp_path / "grades"
    store_path = out / "results.sqlite"
    cmd = [sys.executable, "-m", "course.cli", "grade", "hw1", str(sub), "--workers", "1",
           "--out", str(out), "--no-progress", "--no-gradebook"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not committed(store_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)            # the whole group: CLI, forkserver, grading processes
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]
    first = committed(store_path)
    assert 1 <= len(first) < N, f"kill came too late or too early: {len(first)} of {N} verdicts"

    # One already graded file changes: it must be graded again; the others not.
    changed = first[0][0]
    (sub / changed / "hw1" / "hw1.py").write_text(stub(f"{changed} resubmitted"))
    summary = grade_class(Options("hw1", sub, out=out, workers=2, gradebook=None, progress=False))

    assert summary.skipped == len(first) - 1
    assert summary.committed == N - len(first) + 1 and not summary.lost
    after = committed(store_path)
    for row in first:                               # stored verdicts untouched (same run, same time)
        assert row in after
    current = {s.student: s.sha256 for s in find_submissions(sub, "hw1")}
    with Store(store_path) as st:
        for student, sha in current.items():
            rec = st.get(student, "hw1", sha)
            assert rec is not None and rec["status"] == "graded" and rec["score"] == 0, student
            assert all(t["status"] == "not attempted" for t in rec["report"]["tests"])
        runs = st.db.execute("SELECT run_id, committed FROM runs ORDER BY started_at").fetchall()
    assert [c for _, c in runs] == [len(first), N - len(first) + 1]
    assert len(after) == N + 1                      # the old verdict of the changed file is kept

    # A third run has nothing left to grade, and still writes complete exports.
    again = grade_class(Options("hw1", sub, out=out, workers=2, gradebook=None, progress=False))
    assert again.committed == 0 and again.skipped == N
    assert len((out / "hw1.csv").read_text().splitlines()) == N + 1


def test_a_second_run_on_the_same_folder_is_refused(tmp_path):
    """Is a concurrent run on the same results folder refused (exit 2) instead of grading twice?"""
    import fcntl

    from click.testing import CliRunner

    from course.cli import main

    (tmp_path / "submitted" / "a" / "hw1").mkdir(parents=True)
    (tmp_path / "submitted" / "a" / "hw1" / "hw1.py").write_text(stub(0))
    out = tmp_path / "grades"
    out.mkdir()
    with open(out / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        res = CliRunner().invoke(main, ["grade", "hw1", str(tmp_path / "submitted"), "--out", str(out),
                                        "--no-progress"])
    assert res.exit_code == 2 and "another `course grade`" in res.output
    assert not Path(out / "results.sqlite").exists()
