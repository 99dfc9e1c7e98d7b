"""How long does `course check hw1` take, and what does the sandbox cost per call?

Prints, side by side in one run (ratios, since machines are noisy):
- wall time of `course check hw1 <reference> --all` as a student runs it;
- the same checks in-process with the reference trusted (no sandbox);
- sandbox start-up, and the round trip of one call (sandbox vs in-process).
Target (issue 2): `course check hw1` under 3 s on a 2-core machine.
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.runner import run_checks  # noqa: E402
from autograder.sandbox import Sandbox  # noqa: E402


def wall(cmd, n=3):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    ref = ROOT / "solutions" / "hw1.py"
    cli = wall([sys.executable, "-m", "course.cli", "check", "hw1", str(ref), "--all", "--json"])
    cli_pub = wall([sys.executable, "-m", "course.cli", "check", "hw1", str(ref), "--json"])
    t0 = time.perf_counter()
    rep = run_checks("hw1", ref, hidden=True)
    sandboxed = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_checks("hw1", trusted="solutions.hw1", hidden=True)
    trusted = time.perf_counter() - t0

    src = ref.read_text()
    t0 = time.perf_counter()
    sb = Sandbox([{"filename": "hw1.py", "source": src}])
    sb.start()
    start = time.perf_counter() - t0
    X = np.ones((10, 10))
    n = 200
    t0 = time.perf_counter()
    for _ in range(n):
        sb.call("init_variance", 3, 7, "he")
    per_call = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(n):
        sb.call("forward_variances", [X, X], X, "relu")
    per_call_arr = (time.perf_counter() - t0) / n
    sb.stop()
    import solutions.hw1 as s
    t0 = time.perf_counter()
    for _ in range(n):
        s.init_variance(3, 7, "he")
    direct = (time.perf_counter() - t0) / n

    print(f"course check hw1 --all (CLI, wall, median of 3): {cli:6.2f} s   [target < 3 s]")
    print(f"course check hw1 public only (CLI, wall):         {cli_pub:6.2f} s")
    print(f"run_checks in-process, sandboxed:                  {sandboxed:6.2f} s  ({len(rep.ran)} checks, {rep.isolation})")
    print(f"run_checks in-process, reference trusted:          {trusted:6.2f} s  (sandbox share {sandboxed - trusted:+.2f} s, ratio {sandboxed / trusted:.2f})")
    print(f"sandbox start (namespaces, uid, landlock, numpy):  {start * 1000:6.0f} ms")
    print(f"one call, scalar args (sandbox):                   {per_call * 1e3:6.2f} ms  (in-process {direct * 1e6:.1f} us)")
    print(f"one call, three 10x10 arrays (sandbox):            {per_call_arr * 1e3:6.2f} ms")


if __name__ == "__main__":
    main()
