"""hw1's theory (autograder/checks/hw1/theory.py) against Monte Carlo estimates and special values.

Each Monte Carlo estimate uses a fixed seed, so the tests are deterministic;
the tolerances are at least 5 standard errors of the estimate they bound
(stated beside each), so another seed would fail with probability < 1e-6.
"""
import numpy as np
import pytest

from autograder.checks.hw1.theory import (mean_square_standard_error, mean_standard_error,
                                          relative_sd_of_first_layer_variance)

REPLICATES = 20_000
# the sample sd of R replicates has relative standard error about sqrt((kurtosis - 1) / (4 R));
# the replicate means below are near-Gaussian (kurtosis ~3): 0.007 at R = 2e4, 5 se = 0.035
SD_RTOL = 0.035


@pytest.mark.parametrize("v,n", [(0.5, 40), (2.0, 300)])
def test_mean_square_standard_error_is_the_spread_of_the_mean_square(v, n):
    w = np.random.default_rng(1).normal(0.0, np.sqrt(v), size=(REPLICATES, n))
    sd = np.std(np.mean(w * w, axis=1), ddof=1)
    assert sd == pytest.approx(mean_square_standard_error(v, n), rel=SD_RTOL)


@pytest.mark.parametrize("v,n", [(0.5, 40), (2.0, 300)])
def test_mean_standard_error_is_the_spread_of_the_mean(v, n):
    w = np.random.default_rng(2).normal(0.0, np.sqrt(v), size=(REPLICATES, n))
    assert np.std(np.mean(w, axis=1), ddof=1) == pytest.approx(mean_standard_error(v, n), rel=SD_RTOL)


def test_mean_square_standard_error_special_value():
    # one entry of N(0, 1): W^2 is chi^2_1, of standard deviation sqrt(2)
    assert mean_square_standard_error(1.0, 1) == pytest.approx(np.sqrt(2.0), rel=1e-15)


@pytest.mark.parametrize("n0,n1,trials", [(1, 30, 40), (3, 5, 10)])
def test_relative_sd_of_first_layer_variance_by_simulation(n0, n1, trials):
    """q_1 = |W_0 x|^2 / n_1 with x ~ N(0, I) and W_0 ~ N(0, v_0), averaged over fresh draws."""
    rng = np.random.default_rng(3)
    v0, replicates = 1.0 / n0, 5000
    x = rng.standard_normal((replicates, trials, n0, 1))
    w = rng.normal(0.0, np.sqrt(v0), size=(replicates, trials, n1, n0))
    q1 = np.mean(np.sum((w @ x) ** 2, axis=(2, 3)) / n1, axis=1)
    # (2.11): E q_1 = v_0 n_0; the relative se of the mean is <= 0.37 / sqrt(5000) = 0.0052
    assert np.mean(q1) == pytest.approx(v0 * n0, rel=0.03)
    # the relative sd's own relative se, measured over 20 seeds: 0.013 (kurtosis of q_1 up to 5.4)
    assert np.std(q1, ddof=1) / np.mean(q1) == pytest.approx(
        relative_sd_of_first_layer_variance(n0, n1, trials), rel=0.07)


def test_relative_sd_of_first_layer_variance_special_values():
    # one trial, n0 = n1 = 1: q_1 = v_0 z1^2 z2^2, E = v_0, E q_1^2 = 9 v_0^2: relative sd sqrt(8)
    assert relative_sd_of_first_layer_variance(1, 1, 1) == pytest.approx(np.sqrt(8.0), rel=1e-15)
    # wide layers: the chi^2 factors concentrate and the relative sd vanishes
    assert relative_sd_of_first_layer_variance(10**9, 10**9, 1) < 1e-4
