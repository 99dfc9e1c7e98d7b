"""hw12's exact probabilities (hidden helpers in autograder/checks/hw12/slipgen.py) against independent
computations: exact enumeration of coin flips, Monte Carlo draws of the matrix series
with a stated false-failure probability, and known special values."""
import math
from fractions import Fraction

import numpy as np
import pytest

from autograder.checks.hw12 import slipgen as theory
from autograder.checks.hw12.inputs import diagonal_series, scalar_series, symmetric_series


def _coin_tail_by_counting(m, eps):
    """Exact P(S/m - 1/2 >= eps), S ~ Bin(m, 1/2), summing C(m, k) / 2^m in rational arithmetic."""
    e = Fraction(eps)
    return float(sum(Fraction(math.comb(m, k), 2 ** m) for k in range(m + 1) if Fraction(k, m) - Fraction(1, 2) >= e))


@pytest.mark.parametrize("m,eps", [(50, 0.13), (20, 0.175), (100, 0.055), (7, 0.2), (1, 0.3)])
def test_coin_tail_by_counting(m, eps):
    assert theory.coin_tail(m, eps) == pytest.approx(_coin_tail_by_counting(m, eps), rel=1e-12, abs=1e-300)


def test_coin_tail_special_values():
    assert theory.coin_tail(1, 0.25) == pytest.approx(0.5, rel=1e-15)        # one head
    assert theory.coin_tail(10, 0.45) == pytest.approx(2.0 ** -10, rel=1e-12)  # all ten heads
    assert theory.coin_tail(10, 0.55) == 0.0


N_MC = 200_000
# A Monte Carlo estimate off by more than Z = 5 of its standard errors: probability < 6e-7 per
# comparison, < 5e-6 for the 8 comparisons below (the draws are seeded, so a run is repeatable; the
# figure is the chance that some seed fails a correct formula).
Z = 5.0


def _series_sum_draws(A, n, seed):
    xi = np.random.default_rng(seed).standard_normal((n, A.shape[0]))
    return np.einsum("dk,kij->dij", xi, A)


def _assert_monte_carlo(estimate, p, n):
    se = math.sqrt(max(p * (1 - p), 1.0 / n) / n)
    assert abs(estimate - p) <= Z * se, (estimate, p, se)


@pytest.mark.parametrize("scales,t", [([1, 1, 1, 1], 2.0), ([0.5, 1.0, 2.0], 2.5), ([-1.5, 0.3], 1.0)])
def test_diagonal_series_tail_by_monte_carlo(scales, t):
    n = len(scales)
    A = np.zeros((n, n, n))
    for k, s in enumerate(scales):
        A[k, k, k] = s
    S = _series_sum_draws(A, N_MC, 7)
    norms = np.linalg.norm(S, ord=2, axis=(1, 2))
    lam_max = np.linalg.eigvalsh(S)[:, -1]
    _assert_monte_carlo(np.mean(norms >= t), theory.diagonal_series_tail(scales, t), N_MC)
    _assert_monte_carlo(np.mean(lam_max >= t), theory.diagonal_series_tail(scales, t, "max"), N_MC)


def test_scalar_series_tail_by_monte_carlo():
    c = [0.5, 1.0, -0.7]
    A = np.stack([ck * np.eye(3) for ck in c])
    S = _series_sum_draws(A, N_MC, 8)
    norms = np.linalg.norm(S, ord=2, axis=(1, 2))
    lam_max = np.linalg.eigvalsh(S)[:, -1]
    variance = sum(ck * ck for ck in c)
    _assert_monte_carlo(np.mean(norms >= 1.5), theory.scalar_series_tail(variance, 1.5), N_MC)
    _assert_monte_carlo(np.mean(lam_max >= 1.5), theory.scalar_series_tail(variance, 1.5, "max"), N_MC)


def test_series_tails_special_values():
    # one coordinate of scale 1: P(|g| >= 1.96) = 0.0500 to 4 digits, P(g >= 0) = 1/2
    assert theory.diagonal_series_tail([1.0], 1.959963984540054) == pytest.approx(0.05, rel=1e-12)
    assert theory.diagonal_series_tail([2.0, 3.0], 0.0, "max") == pytest.approx(0.75, rel=1e-15)
    assert theory.scalar_series_tail(4.0, 0.0) == pytest.approx(1.0, rel=1e-15)
    assert theory.scalar_series_tail(1.0, 1.959963984540054, "max") == pytest.approx(0.025, rel=1e-12)
    with pytest.raises(ValueError, match="min"):
        theory.diagonal_series_tail([1.0], 1.0, "min")
    with pytest.raises(ValueError, match="min"):
        theory.scalar_series_tail(1.0, 1.0, "min")


def test_series_tails_names_the_law_of_the_series():
    """The check's dispatch: a diagonal series gets diagonal_series_tail, a scalar one
    scalar_series_tail (variance sum_k c_k^2), anything else a clear error."""
    assert theory.series_tails(diagonal_series(3, [0.5, 1.0, 2.0]), 2.5) == [
        theory.diagonal_series_tail([0.5, 1.0, 2.0], 2.5), theory.diagonal_series_tail([0.5, 1.0, 2.0], 2.5, "max")]
    p, p_max = theory.series_tails(scalar_series(3, [0.5, 1.0, -0.7]), 1.5)
    assert p == pytest.approx(theory.scalar_series_tail(1.74, 1.5), rel=1e-14)
    assert p_max == pytest.approx(theory.scalar_series_tail(1.74, 1.5, "max"), rel=1e-14)
    with pytest.raises(ValueError, match="no exact tail"):
        theory.series_tails(symmetric_series(3, 3, 5), 1.0)
