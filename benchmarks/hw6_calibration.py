"""False-failure probability of hw6's statistical checks, given their fixed reference runs.

    python benchmarks/hw6_calibration.py [--pool 600] [--boot 2000000]

The checks of ntk_deviation and train_vs_linearized compare the logs of a
submission's runs with reference runs at fixed seeds by a pooled two-sample
t-test. `course calibrate hw6 --seeds 200` shows that the reference passes
over 200 grader seeds; this script estimates the rate itself. For every
case it draws a pool of reference runs at fresh seeds (the law of a correct
submission's runs, without assuming normality), resamples from it the
student's K runs `--boot` times, and counts how often the t-test against
the check's own fixed reference sample fails. CPU profile.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from autograder.checks.hw6 import hidden  # noqa: E402
from autograder.checks.hw6 import public as checks  # noqa: E402
from solutions import hw6  # noqa: E402

POOL_SEED = 50_000_000  # far from grader seeds and from the checks' reference seeds


def failure_rate(pool, ref, k, alpha, boot, rng):
    """P(pooled t-test of k draws against `ref` has p < alpha): the larger of two estimates,
    resampling the pool, and normal draws with the pool's mean and sd (for the far tail,
    which 600 values cannot show)."""
    pool, ref = np.log(pool), np.log(ref)
    return max(_rate(lambda n: pool[rng.integers(0, len(pool), size=(n, k))], ref, k, alpha, boot),
               _rate(lambda n: rng.normal(pool.mean(), pool.std(ddof=1), size=(n, k)), ref, k, alpha, boot))


def _rate(draw, ref, k, alpha, boot):
    r = len(ref)
    tcrit = stats.t.isf(alpha / 2, k + r - 2)
    mb, ssb = ref.mean(), ((ref - ref.mean()) ** 2).sum()
    fails = 0
    for lo in range(0, boot, 200_000):
        a = draw(min(200_000, boot - lo))
        ma = a.mean(axis=1)
        sp = np.sqrt((((a - ma[:, None]) ** 2).sum(axis=1) + ssb) / (k + r - 2))
        fails += int(np.sum(np.abs(ma - mb) > tcrit * sp * np.sqrt(1 / k + 1 / r)))
    return fails / boot


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pool", type=int, default=600)
    p.add_argument("--boot", type=int, default=2_000_000)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    print(f"{'check':<48} {'fail rate':>10} {'stated ffp':>10}  (pool {a.pool}, {a.boot} resamples)")
    for case in [*checks.DEV_CASES, *hidden.DEV_CASES]:
        start = time.time()
        X, depth, width, act, s2 = case.args
        args = (X, depth, width, act, s2, checks.DEV_INITS)
        ref = [hw6.ntk_deviation(*args, checks.DEV_REF_SEED + 7919 * j) for j in range(checks.DEV_REF_RUNS)]
        pool = [hw6.ntk_deviation(*args, POOL_SEED + j) for j in range(a.pool)]
        rate = failure_rate(np.array(pool), np.array(ref), checks.DEV_RUNS, checks.P_DEV, a.boot, rng)
        print(f"{'ntk_deviation::' + case.id:<48} {rate:10.1e} {1e-4:10.0e}  {time.time() - start:5.0f} s",
              flush=True)
    for case in [*checks.TRAIN_CASES, *hidden.TRAIN_CASES]:
        start = time.time()
        args = checks._train_args(case, "cpu")
        ref = np.array([hw6.train_vs_linearized(*args, checks.TRAIN_REF_SEED + 7919 * j, **case.kwargs)
                        for j in range(checks.TRAIN_REF_RUNS)])
        pool = np.array([hw6.train_vs_linearized(*args, POOL_SEED + j, **case.kwargs) for j in range(a.pool)])
        rates = [failure_rate(pool[:, i], ref[:, i], checks.TRAIN_RUNS, checks.P_TRAIN, a.boot, rng)
                 for i in range(2)]
        print(f"{'train_vs_linearized::' + case.id:<48} {sum(rates):10.1e} {1e-4:10.0e}  "
              f"(diff {rates[0]:.1e}, kernel {rates[1]:.1e}) {time.time() - start:5.0f} s", flush=True)


if __name__ == "__main__":
    main()
