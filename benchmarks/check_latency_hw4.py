"""How long does `course check hw4` take on the reference notebook?

Prints the wall and CPU time (user + sys of the CLI and its sandbox child) of
`course check hw4 <notebook>` (public checks, what a student runs) and with
`--all`, median of 3, the same checks in-process with the reference trusted
(no sandbox), and the slowest checks. The load average is printed: on a
shared machine wall time grows with it, CPU time much less.
Target (issue 4): under 10 s on a 2-core machine.
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

NOTEBOOK = ROOT / "assignments" / "hw4" / "hw4.ipynb"


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
    base = [sys.executable, "-m", "course.cli", "check", "hw4", str(NOTEBOOK), "--json"]
    load = os.getloadavg()[0]
    pub_wall, pub_cpu = timed(base)
    full_wall, full_cpu = timed(base + ["--all"])
    t0 = time.perf_counter()
    rep = run_checks("hw4", trusted="solutions.hw4", hidden=True)
    trusted = time.perf_counter() - t0
    inside = sum(r.duration for r in rep.ran)
    print(f"load average at start: {load:.1f} (on {os.cpu_count()} cores)")
    print(f"course check hw4 notebook, public (wall / CPU, median of 3): {pub_wall:6.2f} s / {pub_cpu:5.2f} s   [target < 10 s]")
    print(f"course check hw4 notebook --all (wall / CPU):               {full_wall:6.2f} s / {full_cpu:5.2f} s   [target < 10 s]")
    print(f"run_checks in-process, reference trusted (wall):            {trusted:6.2f} s  ({len(rep.ran)} checks, "
          f"{inside:.2f} s inside them)")
    for r in sorted(rep.ran, key=lambda r: -r.duration)[:5]:
        print(f"  slowest (trusted): {r.id:60s} {r.duration:6.3f} s")


if __name__ == "__main__":
    main()
