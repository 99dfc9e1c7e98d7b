"""How long does `course check hw8` take on the reference notebook?

Prints the wall and CPU time (user + sys of the CLI and its sandbox child) of
`course check hw8 <notebook> --all` and of the public checks alone, the same
checks in-process with the reference trusted (no sandbox), the number of
calls the checks make into the student's code, the slowest checks, and the
load average (wall time on a shared machine grows with the load, CPU time
much less). Target (issue 9): under 5 s on a 2-core machine.
"""
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.runner import run_checks  # noqa: E402

NOTEBOOK = ROOT / "assignments" / "hw8" / "hw8.ipynb"


def timed(cmd, n=3):
    """Median wall time and median CPU time of the child processes over n runs."""
    walls, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def count_calls():
    """Calls into the student's code made by all hw8 checks (reference trusted, counted)."""
    import solutions.hw8 as ref
    counts = {}

    class Counting:
        def __getattr__(self, name):
            fn = getattr(ref, name)

            def wrapped(*a, **k):
                counts[name] = counts.get(name, 0) + 1
                return fn(*a, **k)
            return wrapped
    sys.modules["hw8_counting"] = Counting()
    run_checks("hw8", trusted="hw8_counting", hidden=True)
    return sum(counts.values())


def main():
    base = [sys.executable, "-m", "course.cli", "check", "hw8", str(NOTEBOOK), "--json"]
    load = os.getloadavg()[0]
    full_wall, full_cpu = timed(base + ["--all"])
    pub_wall, pub_cpu = timed(base)
    t0 = time.perf_counter()
    rep = run_checks("hw8", trusted="solutions.hw8", hidden=True)
    trusted = time.perf_counter() - t0
    slow = sorted(rep.ran, key=lambda r: -r.duration)[:5]
    print(f"load average at start: {load:.1f} (on {os.cpu_count()} cores)")
    print(f"course check hw8 notebook --all (wall / CPU, median of 3):  {full_wall:6.2f} s / {full_cpu:5.2f} s   [target < 5 s]")
    print(f"course check hw8 notebook, public only (wall / CPU):       {pub_wall:6.2f} s / {pub_cpu:5.2f} s")
    print(f"run_checks in-process, reference trusted (wall):           {trusted:6.2f} s  ({len(rep.ran)} checks)")
    print(f"calls into the submission per --all run:                   {count_calls()}")
    for r in slow:
        print(f"  slowest (trusted): {r.id:60s} {r.duration:6.3f} s")


if __name__ == "__main__":
    main()
