"""How fast are hw6's closed-form kernels on thousands of inputs?

    python benchmarks/hw6_kernels.py                 # m = 500, 1000, 2000, 4000
    python benchmarks/hw6_kernels.py 2000 8000       # other numbers of inputs

For m inputs in R^10 (all m x m pairs): the CPU time of the depth-3 relu
NTK (`ntk_kernel`, arc-cosine recursion (5.26)-(5.27)) and of the depth-3
erf NNGP with sigma_w^2 = 1.5 (`nngp_kernel`), best of 3, beside the time of
one m x m Gram matrix plus one elementwise arccos on it (the least any
closed form over m^2 pairs must do). The ratios to that yardstick are what
to compare between machines (about 5-8 on the development machine). The
target keeps the kernels usable on a whole data set on a laptop: depth-3
relu NTK and erf NNGP on 2000 x 2000 pairs under 1.5 s of CPU together, on
one core (run with OMP_NUM_THREADS=1 to see that). The load average is
printed: on a shared machine CPU time grows with it much less than wall
time.
"""
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from solutions import hw6  # noqa: E402

TARGET_CPU_S_AT_2000 = 1.5  # relu NTK + erf NNGP, depth 3, 2000 x 2000 pairs


def best_cpu(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def yardstick(X):
    G = X.T @ X
    n = np.sqrt(np.diag(G))
    return np.arccos(np.clip(G / np.outer(n, n), -1.0, 1.0))


def main(argv):
    ms = [int(a) for a in argv] or [500, 1000, 2000, 4000]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    print(f"{'m':>6} {'yardstick s':>12} {'relu NTK s':>11} {'erf NNGP s':>11} "
          f"{'NTK/yard':>9} {'NNGP/yard':>10} {'NTK+NNGP s':>11}")
    for m in ms:
        X = np.random.default_rng(10).standard_normal((10, m))
        base = best_cpu(lambda: yardstick(X))
        ntk = best_cpu(lambda: hw6.ntk_kernel(X, X, 3))
        nngp = best_cpu(lambda: hw6.nngp_kernel(X, X, 3, "erf", 1.5))
        note = ""
        if m == 2000:
            note = f"  target {TARGET_CPU_S_AT_2000} s: {'ok' if ntk + nngp < TARGET_CPU_S_AT_2000 else 'OVER'}"
        print(f"{m:>6} {base:12.4f} {ntk:11.4f} {nngp:11.4f} {ntk / base:9.1f} {nngp / base:10.1f} "
              f"{ntk + nngp:11.4f}{note}")


if __name__ == "__main__":
    main(sys.argv[1:])
