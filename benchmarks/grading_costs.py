"""Where the time of one graded submission goes (the test suite's and a class's unit of work).

    python benchmarks/grading_costs.py                  # one correct submission per assignment
    python benchmarks/grading_costs.py hw9 hw6          # some assignments
    python benchmarks/grading_costs.py --all-known hw9  # every known submission of hw9

1. The sandbox's start alone: a child with an empty cell, one that imports numpy,
   one that imports torch (a submission that imports torch pays about a second).
2. Each submission graded as tests/test_known_submissions.py grades it
   (`run_checks(..., hidden=True)` on the functions its header names), once cold
   and once warm; the warm run split into: the sandbox's start (with the
   submission's imports), the calls into the child (the student's code and the
   plain-data round trip), the reference's calls (`solutions`, in-process), the
   garbage collector (`gc.collect`: pytest's unraisable-exception plugin runs five
   full collections at the end of every session), and the rest (pytest's
   collection and bookkeeping, the check bodies, comparisons, messages).
3. The collector's share, side by side in one run on the same submissions, in a
   process whose heap is as large as a test worker's after collecting the suite
   (about 455,000 objects; --own-heap keeps this process's): as is; with
   `-p no:unraisableexception` in the grading session's pytest arguments (a change
   of autograder/runner.py); with the heap frozen (`gc.freeze()`, what
   tests/conftest.py does after collection). CPU seconds of this process (the
   sandbox child's are not in them), then wall seconds.
4. The reference's values computed by every grading, against shared by the
   gradings of the process (autograder/reference.py): the same submissions
   graded again, each grading after all the others have run.

Wall time on a shared machine grows with the load average, which is printed;
this process's CPU time much less. Not a test.
"""
from __future__ import annotations

import gc
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

from autograder import reference as _reference  # noqa: E402
from autograder.runner import run_checks  # noqa: E402
from autograder.sandbox import runner as _sandbox  # noqa: E402

TIMES: dict = defaultdict(float)
_DEPTH = [0]


def _timed(cls, name, key):
    orig = getattr(cls, name)

    def wrapper(*a, **k):
        outer = _DEPTH[0] == 0
        _DEPTH[0] += 1
        t0 = time.perf_counter()
        try:
            return orig(*a, **k)
        finally:
            _DEPTH[0] -= 1
            if outer:
                TIMES[key] += time.perf_counter() - t0

    setattr(cls, name, wrapper)
    return orig


# a lazy start inside a call is counted as a start, not as a call
_start = _timed(_sandbox.Sandbox, "start", "start")
_call_orig = _sandbox.Sandbox.call


def _call(self, fn, *a, **k):
    before = TIMES["start"]
    t0 = time.perf_counter()
    try:
        return _call_orig(self, fn, *a, **k)
    finally:
        TIMES["call"] += time.perf_counter() - t0 - (TIMES["start"] - before)


_sandbox.Sandbox.call = _call
_timed(_reference.Reference, "call", "ref")
_collect = gc.collect


def _gc_collect(*a, **k):
    t0 = time.perf_counter()
    try:
        return _collect(*a, **k)
    finally:
        TIMES["gc"] += time.perf_counter() - t0


gc.collect = _gc_collect
_pytest_main = pytest.main
_EXTRA_ARGS: list = []


def _main(args=None, plugins=None):
    if args is not None and _EXTRA_ARGS:
        args = [*args, *_EXTRA_ARGS]
    return _pytest_main(args, plugins)


pytest.main = _main


def start_alone(source, n=3):
    """Median wall seconds of starting (and stopping) one sandbox on ``source``."""
    walls = []
    for _ in range(n):
        sb = _sandbox.Sandbox([{"filename": "x.py", "source": source}])
        t0 = time.perf_counter()
        _start(sb)
        walls.append(time.perf_counter() - t0)
        sb.stop()
    return sorted(walls)[len(walls) // 2]


def pick(hws, every):
    from conftest import known_submissions

    out = []
    for p in known_submissions():
        hw, source = p.values
        if hws and hw not in hws:
            continue
        stem = p.id.split("/", 1)[1]
        if not every and not stem.startswith("correct_"):
            continue
        out.append((hw, stem, source))
    if not every:  # the first correct one of each assignment
        seen, first = set(), []
        for hw, stem, source in out:
            if hw not in seen:
                seen.add(hw)
                first.append((hw, stem, source))
        out = first
    return out


def _grade(hw, path, named):
    cpu, t0 = time.process_time(), time.perf_counter()
    run_checks(hw, path, hidden=True, functions=named)
    return time.perf_counter() - t0, time.process_time() - cpu


#: objects in a test worker's heap after collecting the suite (pytest --collect-only)
SUITE_HEAP = 455_000


def main(argv):
    import tempfile

    from conftest import materialise, parse_expect

    every = "--all-known" in argv
    hws = [a for a in argv if not a.startswith("--")]
    print(f"load average {os.getloadavg()[0]:.2f}, sandbox mode {_sandbox.modes.choose()}")
    base = {"empty cell": start_alone("pass\n"), "import numpy": start_alone("import numpy\n"),
            "import torch": start_alone("import torch\n")}
    print("1. sandbox start alone (s): " + ", ".join(f"{k} {v:.2f}" for k, v in base.items()))
    print(f"2. {'submission':<39}{'cold':>6}{'warm':>6}{'start':>7}{'calls':>7}{'ref':>7}{'gc':>7}{'rest':>7}"
          "   shares start/calls/ref/gc/rest")
    keys = ("start", "call", "ref", "gc")
    total = defaultdict(float)
    tmp = tempfile.TemporaryDirectory()
    chosen = []
    for hw, stem, source in pick(hws, every):
        path = materialise(hw, source, Path(tmp.name))
        fail, pas, _ = parse_expect(path)
        chosen.append((hw, stem, path, () if "all" in pas else tuple(sorted(fail | pas))))
    for hw, stem, path, named in chosen:
        cold, _ = _grade(hw, path, named)
        TIMES.clear()
        _reference._SHARED.clear()   # the reference's own cost, not another grading's values
        _reference._SHARED_BYTES[0] = 0
        warm, _ = _grade(hw, path, named)
        parts = {k: TIMES[k] for k in keys}
        parts["rest"] = warm - sum(parts.values())
        for k, v in parts.items():
            total[k] += v
        total["warm"] += warm
        share = "/".join(f"{100 * v / warm:.0f}" for v in parts.values())
        print(f"   {hw + '/' + stem:<39}{cold:6.2f}{warm:6.2f}" + "".join(f"{v:7.2f}" for v in parts.values())
              + f"   {share} %")
    if total["warm"]:
        print(f"   {'total':<39}{'':>6}{total['warm']:6.2f}"
              + "".join(f"{total[k]:7.2f}" for k in (*keys, "rest")) + "   "
              + "/".join(f"{100 * total[k] / total['warm']:.0f}" for k in (*keys, "rest")) + " %")

    pad = []
    if "--own-heap" not in argv:
        pad = [[i] for i in range(max(0, SUITE_HEAP - len(gc.get_objects())))]
    print(f"3. the collector, over a heap of {len(gc.get_objects())} objects: CPU s (wall s) of this process "
          "per grading, summed over the submissions above")
    rows = {}
    for label, extra, freeze in (("as is", [], False),
                                 ("-p no:unraisableexception", ["-p", "no:unraisableexception"], False),
                                 ("gc.freeze() of the heap", [], True)):
        _EXTRA_ARGS[:] = extra
        if freeze:
            gc.freeze()
        wall = cpu = 0.0
        for hw, stem, path, named in chosen:
            w, c = _grade(hw, path, named)
            wall, cpu = wall + w, cpu + c
        if freeze:
            gc.unfreeze()
        rows[label] = (cpu, wall)
    _EXTRA_ARGS[:] = []
    first = rows["as is"]
    for label, (cpu, wall) in rows.items():
        print(f"   {label:<28}{cpu:8.2f} ({wall:6.2f})   x{cpu / first[0]:.2f} CPU, x{wall / first[1]:.2f} wall")
    del pad

    print("4. the reference's values shared by the gradings of one process (autograder/reference.py), "
          "the heap frozen: CPU s (wall s) of all the gradings above")
    gc.freeze()
    rows = {}
    for label, shared in (("computed by every grading", False), ("shared", True)):
        if shared:   # every other grading has run once already
            for hw, stem, path, named in chosen:
                _grade(hw, path, named)
        wall = cpu = 0.0
        for hw, stem, path, named in chosen:
            if not shared:
                _reference._SHARED.clear()
                _reference._SHARED_BYTES[0] = 0
            w, c = _grade(hw, path, named)
            wall, cpu = wall + w, cpu + c
        rows[label] = (cpu, wall)
    gc.unfreeze()
    first = rows["computed by every grading"]
    for label, (cpu, wall) in rows.items():
        print(f"   {label:<28}{cpu:8.2f} ({wall:6.2f})   x{cpu / first[0]:.2f} CPU, x{wall / first[1]:.2f} wall")
    tmp.cleanup()


if __name__ == "__main__":
    main(sys.argv[1:])
