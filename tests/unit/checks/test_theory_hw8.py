"""hw8's closed forms (autograder/checks/hw8/theory.py, and the grid of (4.80) in slipgen.py)
against independent computations."""
import math

import numpy as np
import pytest

from autograder.checks.hw8 import slipgen, theory


def test_threshold_risk_by_monte_carlo():
    # 10^6 uniform points: the binomial standard error of each risk is <= 5e-4; 6 of them
    # bound the false-failure probability by 2e-9 per threshold (the seed is fixed)
    x = np.random.default_rng(1).random(1_000_000)
    y = np.sign(x - 0.5)
    t = np.linspace(0.0, 1.0, 20)
    risk = np.array([np.mean(np.sign(x - ti) != y) for ti in t])
    np.testing.assert_allclose(theory.threshold_risk(t), risk, atol=6 * 5e-4)


@pytest.mark.parametrize("dof, ffp", [(29, 1e-6), (5, 1e-3)])
def test_spread_band_quantiles_by_integration(dof, ffp):
    lo, hi = theory.spread_band(dof, ffp, 1.0)
    # the chi-square density integrated by the trapezoid rule on a fine grid
    x = np.linspace(1e-9, hi, 400_001)
    dens = np.exp((dof / 2 - 1) * np.log(x) - x / 2 - (dof / 2) * math.log(2) - math.lgamma(dof / 2))
    cdf = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(x))])
    assert np.interp(lo, x, cdf) == pytest.approx(ffp, rel=1e-3)
    assert 1 - cdf[-1] == pytest.approx(ffp, rel=1e-2, abs=1e-9)


def test_spread_band_widens():
    lo, hi = theory.spread_band(29, 1e-6, 1.0)
    lo2, hi2 = theory.spread_band(29, 1e-6, 1.1)
    assert lo2 == pytest.approx(lo / 1.1) and hi2 == pytest.approx(hi * 1.1)


@pytest.mark.parametrize("m, d", [(10, 3), (57, 28), (199, 198), (64, 2)])
def test_sauer_log_bound_dominates_the_sum(m, d):
    total = sum(math.comb(m, k) for k in range(d + 1))
    assert math.log(total) <= theory.sauer_log_bound(m, d)
    assert theory.sauer_log_bound(m, d) == pytest.approx(d * math.log(math.e * m / d), rel=1e-12)


def test_prior_grid_index_and_delta():
    for j in (1, 7, 250):
        lam = math.log(0.1) - j / 100
        assert slipgen.prior_grid_index(lam) == pytest.approx(j, abs=1e-9)
    assert slipgen.prior_grid_index(-3.0, b=50.0, c=1.0) == pytest.approx(150.0)
    # the deltas of the grid points sum to delta (sum 1/j^2 = pi^2/6): the partial sum up
    # to 10^6 misses about 6 delta / (pi^2 10^6)
    partial = sum(slipgen.grid_delta(0.025, j) for j in range(1, 1_000_001))
    assert partial == pytest.approx(0.025, rel=1e-6)
    assert slipgen.grid_delta(0.025, 1.0) == pytest.approx(6 * 0.025 / math.pi ** 2, rel=1e-15)
