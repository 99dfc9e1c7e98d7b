"""Grading a class on GPUs, as far as a machine without one can tell.

The GPU run itself is `benchmarks/gpu_check.sh` on a GPU machine; here: the
command refuses clearly without a GPU, submissions share one GPU's memory by
the concurrency the instructor sets, and on Dask a GPU task goes only to
workers that declare a GPU resource.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from course.cli import main
from course.grading import executors
from course.grading.batch import Options


def _has_cuda():
    try:
        import torch
        return torch.cuda.is_available()
    except ImportError:
        return False


@pytest.mark.skipif(_has_cuda(), reason="this machine has a GPU")
def test_grade_with_cuda_and_no_gpu_is_a_usage_error(tmp_path):
    (tmp_path / "submitted" / "ann" / "hw6").mkdir(parents=True)
    r = CliRunner().invoke(main, ["grade", "hw6", str(tmp_path / "submitted"), "--device", "cuda",
                                  "--out", str(tmp_path / "out"), "--no-gradebook"])
    assert r.exit_code == 2
    assert "no CUDA device" in r.output and "--resources GPU=1" in r.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("workers, share", [(None, 0.5), (1, 0.5), (2, 0.45), (4, 0.225)])
def test_concurrent_submissions_share_the_gpu_memory(workers, share, tmp_path):
    opts = Options("hw6", tmp_path, workers=workers, device="cuda")
    assert opts.gpu_memory_fraction == pytest.approx(share)
    assert opts.gpu_memory_fraction * (workers or 1) <= 0.9 + 1e-12


class _Future:
    def __init__(self, key, value):
        self.key, self._value = key, value

    def result(self):
        return self._value

    def release(self):
        pass


class _Client:
    def __init__(self):
        self.calls = []

    def submit(self, fn, task, key, pure, **kw):
        self.calls.append((task, kw))
        return _Future(key, {"status": "graded", "task": task["student"]})


@pytest.mark.parametrize("device, resources", [("cuda", {"GPU": 1}), ("cpu", None)])
def test_dask_sends_gpu_tasks_to_gpu_workers_only(device, resources, monkeypatch):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(distributed, "as_completed", lambda futs: _AsCompleted(futs))
    pool = object.__new__(executors.DaskPool)
    pool.client, pool.threads = _Client(), 1
    items = ["ann", "bob", "cy"]
    tasks = {s: {"student": s, "sha256": "0" * 64, "device": device} for s in items}
    out = list(pool.run(items, lambda s: tasks[s], run_id="t"))
    assert sorted(i for i, _, _ in out) == items
    for _, kw in pool.client.calls:
        assert kw.get("resources") == resources


class _AsCompleted:
    def __init__(self, futs):
        self.todo = list(futs)

    def __iter__(self):
        while self.todo:
            yield self.todo.pop(0)

    def add(self, fut):
        self.todo.append(fut)
