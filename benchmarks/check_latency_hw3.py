"""How long does `course check hw3` take on the reference notebook?

Prints, in one run: the wall and CPU time of `course check hw3 <notebook> --all`
and of the public checks alone (as a student runs them), with BLAS at its
default thread count and with one thread, the same checks in-process with the
reference trusted (no sandbox), the slowest checks, and the machine's load
average (wall times on a shared machine grow with the load; CPU time much less,
except that multithreaded BLAS spins on a loaded machine). Target (issue 3):
under 5 s on a 2-core machine.
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

NOTEBOOK = ROOT / "assignments" / "hw3" / "hw3.ipynb"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def timed(cmd, n=3, env=None):
    """Median wall time and median CPU time (user + sys of the child) over n runs."""
    walls, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT,
                       env={**os.environ, **(env or {})})
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main():
    base = [sys.executable, "-m", "course.cli", "check", "hw3", str(NOTEBOOK), "--json"]
    load = os.getloadavg()[0]
    full_wall, full_cpu = timed(base + ["--all"])
    pub_wall, pub_cpu = timed(base)
    one_wall, one_cpu = timed(base + ["--all"], env=ONE_THREAD)
    t0 = time.perf_counter()
    rep = run_checks("hw3", trusted="solutions.hw3", hidden=True)
    trusted = time.perf_counter() - t0
    slow = sorted(rep.ran, key=lambda r: -r.duration)[:5]
    print(f"load average at start: {load:.1f} (on {os.cpu_count()} cores)")
    print(f"course check hw3 notebook --all (wall / CPU, median of 3):  {full_wall:6.2f} s / {full_cpu:5.2f} s   [target < 5 s]")
    print(f"course check hw3 notebook, public only (wall / CPU):       {pub_wall:6.2f} s / {pub_cpu:5.2f} s")
    print(f"  the same --all with one BLAS thread (wall / CPU):        {one_wall:6.2f} s / {one_cpu:5.2f} s")
    print(f"run_checks in-process, reference trusted (wall):           {trusted:6.2f} s  ({len(rep.ran)} checks)")
    for r in slow:
        print(f"  slowest (trusted): {r.id:60s} {r.duration:6.3f} s")


if __name__ == "__main__":
    main()
