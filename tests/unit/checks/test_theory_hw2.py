"""hw2's theory (autograder/checks/hw2/theory.py) against independent computations:
finite differences of the activations, closed forms of affine and polynomial maps."""
import math

import numpy as np
import pytest
from scipy.special import erf

from autograder.checks.hw2.slipgen import bias_free_edge
from autograder.checks.hw2.theory import iterated_map, slope, slope_at_one


@pytest.mark.parametrize("act,phi", [("tanh", np.tanh), ("erf", erf)])
def test_bias_free_edge_is_one_over_the_squared_slope_at_zero(act, phi):
    # phi'(0) by a central difference: error ~ h^2 phi'''(0) / 6 ~ 1e-12 at h = 1e-6
    h = 1e-6
    dphi0 = (phi(h) - phi(-h)) / (2 * h)
    assert bias_free_edge(act) == pytest.approx(1.0 / dphi0**2, rel=1e-8)


def test_bias_free_edge_known_values():
    assert bias_free_edge("tanh") == 1.0                         # tanh'(0) = 1
    assert bias_free_edge("erf") == pytest.approx(math.pi / 4, rel=1e-15)   # erf'(0) = 2/sqrt(pi)


def test_slope_central_difference_of_a_cubic():
    # (f(q+h) - f(q-h)) / 2h = f'(q) + h^2 f'''/6 exactly for a cubic: 3 + 1e-8 here
    assert slope(lambda q: q**3, 1.0, 1e-4) == pytest.approx(3.0, abs=2e-8)


def test_slope_is_one_sided_at_zero():
    # f(q) = q^2 + 2q at q = 0: only q >= 0 is evaluated, (f(h) - f(0)) / h = 2 + h
    seen = []

    def f(q):
        seen.append(q)
        return q * q + 2 * q

    assert slope(f, 0.0, 1e-6) == pytest.approx(2.0, abs=2e-6)
    assert min(seen) == 0.0


def test_iterated_map_of_an_affine_map_is_a_geometric_series():
    a, b, q1, depth = 0.7, 0.3, 2.0, 8
    got = iterated_map(lambda q: a * q + b, q1, depth)
    l = np.arange(depth)
    want = a**l * q1 + b * (1 - a**l) / (1 - a)
    assert got.shape == (depth,)
    np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize("k", [0.5, 1.0, 2.5])
def test_slope_at_one_cancels_the_first_order_error(k):
    # c(x) = exp(k (x - 1)) fixes 1 with slope k; Richardson leaves an O(h^2) error
    # (k^3 h^2 / 12 to leading order), the one-sided difference an O(h) one (k^2 h / 2)
    h = 1e-3
    c = lambda x: math.exp(k * (x - 1))  # noqa: E731
    got = slope_at_one(c(1 - h), c(1 - h / 2), h)
    assert abs(got - k) <= k**3 * h**2 / 6
    assert abs((1 - c(1 - h)) / h - k) > 100 * abs(got - k)


def test_slope_at_one_of_a_cubic_exactly():
    # c(x) = x^3: the two differences are 3 - 3h + h^2 and 3 - 3h/2 + h^2/4; Richardson gives 3 - h^2/2
    h = 1e-2
    assert slope_at_one((1 - h) ** 3, (1 - h / 2) ** 3, h) == pytest.approx(3 - h**2 / 2, rel=1e-12)
