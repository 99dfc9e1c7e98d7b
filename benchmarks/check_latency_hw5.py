"""How long does `course check hw5` take on the reference notebook?

Prints, in one run: the wall and CPU time of `course check hw5 <notebook> --all`
and of the public checks alone (as a student runs them), the same checks
in-process with the reference trusted (no sandbox), the slowest checks, and the
machine's load average (wall times on a shared machine grow with the load; the
CPU time does not). Target (issue 4): under 10 s on a 2-core machine.
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

NOTEBOOK = ROOT / "assignments" / "hw5" / "hw5.ipynb"


def timed(cmd, n=3):
    """Median wall time and median CPU time (user + sys of the child) over n runs."""
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
    base = [sys.executable, "-m", "course.cli", "check", "hw5", str(NOTEBOOK), "--json"]
    load = os.getloadavg()[0]
    full_wall, full_cpu = timed(base + ["--all"])
    pub_wall, pub_cpu = timed(base)
    t0 = time.perf_counter()
    rep = run_checks("hw5", trusted="solutions.hw5", hidden=True)
    trusted = time.perf_counter() - t0
    slow = sorted(rep.ran, key=lambda r: -r.duration)[:5]
    print(f"load average at start: {load:.1f} (on {os.cpu_count()} cores)")
    print(f"course check hw5 notebook --all (wall / CPU, median of 3): {full_wall:6.2f} s / {full_cpu:5.2f} s   [target < 10 s]")
    print(f"course check hw5 notebook, public only (wall / CPU):      {pub_wall:6.2f} s / {pub_cpu:5.2f} s")
    print(f"run_checks in-process, reference trusted (wall):          {trusted:6.2f} s  ({len(rep.ran)} checks)")
    for r in slow:
        print(f"  {r.duration:6.3f} s  {r.id}")


if __name__ == "__main__":
    main()
