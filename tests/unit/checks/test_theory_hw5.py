"""hw5's closed forms (autograder/checks/hw5/theory.py; the attraction fractions and exact powers
of slipgen.py) against independent computations."""
import math

import numpy as np
import pytest

from autograder.checks.hw5 import slipgen, theory

# the landscapes, written here from the task's formulas (not from solutions/)
LANDSCAPE = {
    "quartic": lambda x, y: x ** 2 / 2 + y ** 4 / 4 - y ** 2 / 2,
    "factorization": lambda x, y: (1 - x * y) ** 2 / 2,
}


def _hessian_fd(f, h=1e-4):
    """Central second differences of f at 0 (exact up to O(h^2) for these polynomials)."""
    def d2(ex, ey):
        return (f(h * (ex[0] + ey[0]), h * (ex[1] + ey[1])) - f(h * (ex[0] - ey[0]), h * (ex[1] - ey[1]))
                - f(h * (ey[0] - ex[0]), h * (ey[1] - ex[1])) + f(-h * (ex[0] + ey[0]), -h * (ex[1] + ey[1]))) / (4 * h * h)
    e = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    return np.array([[d2(e[i], e[j]) for j in range(2)] for i in range(2)])


@pytest.mark.parametrize("name", ["quartic", "factorization"])
def test_saddle_directions_are_the_hessians_eigenvectors(name):
    H = _hessian_fd(LANDSCAPE[name])
    v, w = theory.saddle_directions(name)
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-15)
    assert np.linalg.norm(w) == pytest.approx(1.0, abs=1e-15)
    # H v = -v (escape direction, lambda_min = -1) and H w = +w, to the O(h^2) of the differences
    np.testing.assert_allclose(H @ v, -v, atol=1e-6)
    np.testing.assert_allclose(H @ w, w, atol=1e-6)


def test_saddle_directions_rejects_the_monkey():
    with pytest.raises(ValueError, match="no strict saddle"):
        theory.saddle_directions("monkey")


@pytest.mark.parametrize("near, radius", [(1e-3, 3e-3), (0.5, 1.0)])
def test_fractions_by_monte_carlo(near, radius):
    # 2e6 uniform points: the binomial standard error is <= 3.6e-4; 6 se bounds the
    # false-failure probability by 2e-9 (the seed is fixed, so the test is deterministic)
    n = 2_000_000
    pts = np.random.default_rng(5).uniform(-radius, radius, size=(n, 2))
    for got, inside in ((slipgen.disk_fraction(near, radius), np.hypot(pts[:, 0], pts[:, 1]) < near),
                        (slipgen.max_norm_fraction(near, radius), np.abs(pts).max(axis=1) < near)):
        p = inside.mean()
        assert abs(got - p) <= 6 * math.sqrt(max(got * (1 - got), 1e-12) / n)


def test_max_norm_fraction_is_capped():
    assert slipgen.max_norm_fraction(2.0, 1.0) == 1.0


@pytest.mark.parametrize("lam, angle", [((1.0, 2.5), 0.4), ((-1.0, 0.0), 0.7), ((-5e-9, 1.0), 0.3)])
def test_with_eigenvalues(lam, angle):
    H = theory.with_eigenvalues(lam, angle)
    np.testing.assert_allclose(H, H.T, atol=0)
    np.testing.assert_allclose(np.linalg.eigvalsh(H), sorted(lam), atol=1e-15)
    # the eigenvector of lam[0] is the first axis rotated by angle
    u = np.array([math.cos(angle), math.sin(angle)])
    np.testing.assert_allclose(H @ u, lam[0] * u, atol=1e-15)


@pytest.mark.parametrize("dist0, lr, thr, exact", [
    (0.5 / 1.25 ** 7, 0.25, 0.5, True), (2.0 ** -10, 1.0, 1.0, True), (1e-3, 0.5, 1e-3 * 1.5 ** 3, True),
    (1e-6, 0.1, 0.5, False), (0.5, 0.1, 0.5, False), (0.9, 0.1, 0.5, False)])
def test_is_exact_power(dist0, lr, thr, exact):
    # independently: count the factors (1 + lr) between dist0 and thr
    k, d = 0, dist0
    while d * (1 + lr) <= thr * (1 + 1e-12):
        d, k = d * (1 + lr), k + 1
    assert (k > 0 and math.isclose(d, thr, rel_tol=1e-12)) == exact
    assert slipgen.is_exact_power(dist0, lr, thr) == exact
