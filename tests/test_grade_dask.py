"""Does `course grade --scheduler ADDR` grade through a real dask.distributed cluster
(a scheduler and two worker processes on 127.0.0.1), hostile submissions included?"""
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import main
from conftest import known_file

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
STUB = "\n".join(f"def {f}(*args, **kwargs):\n    raise NotImplementedError\n"
                 for f in ("init_variance", "init_weights", "forward_variances", "backward_variances",
                           "predicted_variances", "simulate_variances"))


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as c:
        yield c


def test_grading_through_a_dask_cluster(cluster, tmp_path):
    sub = tmp_path / "submitted"
    files = {"ann": STUB, "ben": "import os\nos._exit(1)\n" + STUB,
             "cat": known_file("hw1", "wrong_he_without_2").read_text()}
    for student, text in files.items():
        (sub / student / "hw1").mkdir(parents=True)
        (sub / student / "hw1" / "hw1.py").write_text(text)
    res = CliRunner().invoke(main, ["grade", "hw1", str(sub), "--scheduler", cluster.scheduler_address,
                                    "--no-progress"])
    assert res.exit_code == 0, res.output
    db = sqlite3.connect(tmp_path / "grades" / "hw1" / "results.sqlite")
    recs = {s: json.loads(r) for s, r in db.execute("SELECT student, record FROM verdicts")}
    assert sorted(recs) == sorted(files)
    with distributed.Client(cluster) as client:
        worker_pids = set(client.run(os.getpid).values())
    pids = {int(r["worker"].rsplit(":", 1)[1]) for r in recs.values()}
    assert pids <= worker_pids and os.getpid() not in pids     # graded on the cluster, not here
    assert all(t["status"] == "not attempted" for t in recs["ann"]["report"]["tests"])
    assert all(t["status"] == "not loaded" for t in recs["ben"]["report"]["tests"])
    cat = recs["cat"]
    assert cat["status"] == "graded" and 0 < cat["score"] < cat["max_score"]
    assert any("factor 2" in t["message"] for t in cat["report"]["tests"] if not t["passed"])
    # the cluster is still healthy: both workers alive after the crash
    assert len(cluster.scheduler_info["workers"]) == 2
