"""hw6's closed forms (autograder/checks/hw6/theory.py) against independent computations."""
import numpy as np
import pytest

from autograder.checks.hw6 import theory


def test_width_scaling_matches_an_average_of_iid_terms():
    # the relative Frobenius deviation of an average of n iid rank-one terms u u^T
    # (u standard normal in R^4, mean I) from its mean: the same O(n^-1/2) law as the
    # empirical NTK. 400 repetitions per width: the ratio of the mean deviations at
    # n and 16 n is within 5% of width_scaling's (standard error ~1.5%)
    rng = np.random.default_rng(7)

    def mean_deviation(n, reps=400):
        u = rng.standard_normal((reps, n, 4))
        avg = np.einsum("rni,rnj->rij", u, u) / n
        return np.mean(np.linalg.norm(avg - np.eye(4), axis=(1, 2)) / 2.0)

    d64, d1024 = mean_deviation(64), mean_deviation(1024)
    assert d1024 == pytest.approx(theory.width_scaling(d64, 64, 1024), rel=0.05)


def test_width_scaling_special_values():
    assert theory.width_scaling(0.3, 64, 64) == 0.3
    assert theory.width_scaling(1.0, 1, 4) == pytest.approx(0.5, rel=1e-15)


def test_device_width():
    assert theory.device_width(128, "cpu", 64) == 128
    assert theory.device_width(128, "cuda", 64) == 8192
