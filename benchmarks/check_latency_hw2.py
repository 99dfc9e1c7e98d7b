"""How long does `course check hw2` take on the reference notebook?

Prints the wall and CPU time (user + sys of the CLI and its sandbox child) of
`course check hw2 <notebook>` (public checks, what a student runs) and with
`--all`, the same checks in-process with the reference trusted (no sandbox),
the time spent inside the checks themselves, the slowest checks, and the
load average (on a shared machine wall time grows with the load, CPU time
much less). Target (issue 3): under 5 s on a 2-core machine.
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

NOTEBOOK = ROOT / "assignments" / "hw2" / "hw2.ipynb"


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


def main():
    base = [sys.executable, "-m", "course.cli", "check", "hw2", str(NOTEBOOK), "--json"]
    load = os.getloadavg()[0]
    pub_wall, pub_cpu = timed(base)
    full_wall, full_cpu = timed(base + ["--all"])
    t0 = time.perf_counter()
    rep = run_checks("hw2", trusted="solutions.hw2", hidden=True)
    trusted = time.perf_counter() - t0
    inside = sum(r.duration for r in rep.ran)
    print(f"load average at start: {load:.1f} (on {os.cpu_count()} cores)")
    print(f"course check hw2 notebook, public (wall / CPU, median of 3): {pub_wall:6.2f} s / {pub_cpu:5.2f} s   [target < 5 s]")
    print(f"course check hw2 notebook --all (wall / CPU):               {full_wall:6.2f} s / {full_cpu:5.2f} s")
    print(f"run_checks in-process, reference trusted (wall):            {trusted:6.2f} s  ({len(rep.ran)} checks, "
          f"{inside:.2f} s inside them)")
    for r in sorted(rep.ran, key=lambda r: -r.duration)[:5]:
        print(f"  slowest (trusted): {r.id:60s} {r.duration:6.3f} s")


if __name__ == "__main__":
    main()
