"""hw4's theory that the checks compare with (notes 3.1-3.2): exact trajectories of gradient
descent on one scalar factorisation, the quadratic features a square net's output is linear
in, and the chance that binomial draws tie. (The least-squares optimum, output_layer_optimum's
loss, and the expected initial gap of (3.28) are hidden helpers in ``slipgen.py``.)

Pure functions; ``tests/unit/checks/test_theory_hw4.py`` checks each one against an
independent computation (plain gradient descent, sampling, other solvers).
"""
import math

import numpy as np


def scalar_trajectory_error(losses: np.ndarray, lr: float, y: float = 1.0) -> float:
    """Distance of these losses from those of exact GD from the best-matching init (closed form).

    GD on L = 1/2 (w1 w0 - y)^2 (x = 1), the loss (3.3) of one linear unit on
    one point with both layers updated at once as in (3.6)-(3.8), moves the pair
    a = w0 w1, S = w0^2 + w1^2 on its own: with e = a - y,
    a <- a - lr e S + lr^2 e^2 a and S <- S (1 + lr^2 e^2) - 4 lr e a.
    L0 = e0^2 / 2 gives a0 = y +- sqrt(2 L0); L1 gives a1 likewise; the
    update of a then gives S0. Every later loss is a prediction; the result
    is the largest prediction error relative to the largest loss (inf when no
    init explains the first two losses). (The trajectory from an init is
    computed here only, never returned: train_two_layer and deep_linear_gap on
    this one-unit net are graded functions.)
    """
    def predicted(a, S, steps):
        out = []
        for _ in range(steps + 1):
            e = a - y
            out.append(0.5 * e * e)
            a, S = a - lr * e * S + lr * lr * e * e * a, S * (1 + lr * lr * e * e) - 4 * lr * e * a
        return np.array(out)

    L = np.asarray(losses, dtype=np.float64)
    scale = max(float(np.max(L)), 1e-300)
    best = math.inf
    with np.errstate(all="ignore"):
        for s0 in (1.0, -1.0):
            e0 = s0 * math.sqrt(2 * L[0])
            if e0 == 0.0:
                continue
            for s1 in (1.0, -1.0):
                a0, a1 = y + e0, y + s1 * math.sqrt(2 * L[1])
                S0 = (a0 - a1 + lr * lr * e0 * e0 * a0) / (lr * e0)
                if not S0 >= 2 * abs(a0) * (1 - 1e-9):      # S = w0^2 + w1^2 >= 2 |w0 w1|
                    continue
                err = float(np.max(np.abs(predicted(a0, S0, len(L) - 1) - L)) / scale)
                if err == err:
                    best = min(best, err)
    return best


def quadratic_features(X: np.ndarray) -> np.ndarray:
    """The products x_a x_b (a <= b) of each column of X: the output of (3.2) with phi(z) = z^2
    is linear in them, whatever the weights."""
    n0 = X.shape[0]
    return np.array([X[a] * X[b] for a in range(n0) for b in range(a, n0)])


def equal_binomials_probability(n: int, p: float, k: int) -> float:
    """P(k iid Bin(n, p) draws all equal): sum_j P(Bin = j)^k. No equation of the notes: the
    chance that a correct full_rank_probability gives one value at k seeds."""
    from scipy.stats import binom   # imported here: scipy.stats costs ~0.5 s at start-up

    pmf = binom.pmf(np.arange(n + 1), n, p)
    return float(np.sum(pmf ** k))
