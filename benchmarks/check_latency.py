"""How long does `course check` take, and what does the sandbox cost?

    python benchmarks/check_latency.py            # every assignment
    python benchmarks/check_latency.py hw1 hw6    # some

For each assignment, on its source notebook (a complete correct submission):
wall and CPU time (the CLI and its sandbox child) of `course check hwN
<notebook> --all --json` as a student would run it, median of 3; the same
checks in-process with the reference trusted (no sandbox) for the ratio; and
the target of its issue. Then, for hw1, the sandbox start-up and the round
trip of one call. The load average is printed: wall time on a shared
machine grows with it, CPU time much less.
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from autograder import catalog  # noqa: E402
from autograder.runner import run_checks  # noqa: E402

TARGET_S = {"hw1": 3, "hw2": 5, "hw3": 5, "hw4": 10, "hw5": 10, "hw6": 30, "hw7": 5, "hw8": 5, "hw9": 30, "hw10": 5, "hw11": 5, "hw12": 5}


def timed(cmd, n=3):
    walls, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def sandbox_overhead():
    """Sandbox start and call round trips (benchmarks/sandbox_modes.py measures them per mode)."""
    from sandbox_modes import measure

    r = measure(n_start=1)
    return r["start"], r["scalar"], r["arrays"], r["label"]


def main(argv):
    todo = argv or [a for a in catalog.ids() if (ROOT / "assignments" / a / f"{a}.ipynb").exists()]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'':5} {'wall s':>7} {'cpu s':>6} {'target':>7} {'trusted s':>10} {'sandboxed/trusted':>18}")
    for hw in todo:
        nb = ROOT / "assignments" / hw / f"{hw}.ipynb"
        wall, cpu = timed([sys.executable, "-m", "course.cli", "check", hw, str(nb), "--all", "--json"])
        t0 = time.perf_counter()
        run_checks(hw, trusted=f"solutions.{hw}", hidden=True)
        trusted = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_checks(hw, nb, hidden=True)
        sandboxed = time.perf_counter() - t0
        ok = "ok" if wall <= TARGET_S.get(hw, 10) else "OVER"
        print(f"{hw:5} {wall:7.2f} {cpu:6.2f} {TARGET_S.get(hw, 10):>5} s {trusted:10.2f} "
              f"{sandboxed / trusted:17.2f}x  {ok}")
    start, scalar, arrays, isolation = sandbox_overhead()
    print(f"sandbox ({isolation}): start {start * 1e3:.0f} ms, one call with scalar args "
          f"{scalar * 1e3:.2f} ms, with three 10x10 arrays {arrays * 1e3:.2f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
