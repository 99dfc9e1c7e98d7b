"""hw10's closed forms (hidden helpers of autograder/checks/hw10/slipgen.py) against independent computations:
known integer sequences, quadrature of the densities, and the defining relation of the
S-transform evaluated with truncated moment series. Everything is deterministic; the
tolerances are those of the quadrature and of the truncated series."""
import math

import numpy as np
import pytest
from scipy import integrate

from autograder.checks.hw10 import slipgen as theory

CATALAN = [1, 2, 5, 14, 42, 132, 429]
FUSS_CATALAN_2 = [1, 3, 12, 55, 273, 1428]      # C(3k, k)/(2k + 1)


def _moment(density, lo, hi, k, points=()):
    value, err = integrate.quad(lambda x: x**k * float(density(np.array([x]))[0]), lo, hi, limit=200,
                                points=points or None, epsabs=1e-12, epsrel=1e-11)
    return value


def test_mp_moments_at_ratio_1_are_catalan_numbers():
    np.testing.assert_allclose(theory.mp_moments(1.0, 7), CATALAN, rtol=1e-14)


@pytest.mark.parametrize("c", [0.3, 0.75])
def test_mp_moments_are_the_moments_of_the_mp_density(c):
    a, b = (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2
    got = [_moment(lambda x: theory.mp_density(x, c), a, b, k) for k in range(0, 6)]
    assert got[0] == pytest.approx(1.0, abs=1e-8)                        # mass 1
    np.testing.assert_allclose(got[1:], theory.mp_moments(c, 5), rtol=1e-8)
    # mean 1 and variance c, as the task's conventions say
    assert got[1] == pytest.approx(1.0, abs=1e-8) and got[2] - got[1] ** 2 == pytest.approx(c, abs=1e-8)


def test_mp_density_vanishes_outside_its_support():
    x = np.array([-1.0, 0.0, 0.05, 3.0, 10.0])
    np.testing.assert_array_equal(theory.mp_density(x, 0.25), np.zeros(5))   # support [0.25, 2.25]


@pytest.mark.parametrize("s", [0.3, 2.0])
def test_semicircle_density_moments(s):
    r = 2 * math.sqrt(s)
    got = [_moment(lambda x: theory.semicircle_density(x, s), -r, r, k) for k in range(5)]
    # mass 1, odd moments 0, m_2 = s, m_4 = 2 s^2 (Catalan numbers times s^k)
    np.testing.assert_allclose(got, [1.0, 0.0, s, 0.0, 2 * s * s], atol=1e-9)


def test_fuss_catalan_numbers():
    np.testing.assert_allclose(theory.fuss_catalan(1, 7), CATALAN, rtol=1e-14)
    np.testing.assert_allclose(theory.fuss_catalan(2, 6), FUSS_CATALAN_2, rtol=1e-14)


def _psi(moments, z):
    """psi(z) = sum_k m_k z^k, truncated."""
    return sum(m * z ** (k + 1) for k, m in enumerate(moments))


def _s_of_w(coefficients, w):
    return sum(s * w**j for j, s in enumerate(coefficients))


@pytest.mark.parametrize("moments, coefficients", [
    (theory.mp_moments(1.0, 60), theory.mp_s_coefficients(1.0, 60)),
    (theory.mp_moments(0.3, 60), theory.mp_s_coefficients(0.3, 60)),
    (theory.fuss_catalan(3, 60), theory.fuss_catalan_s_coefficients(3, 60)),
    (theory.fuss_catalan(2, 60), theory.fuss_catalan_s_coefficients(2, 60)),
    (2.5 ** np.arange(1.0, 61), theory.point_mass_s_coefficients(2.5, 60)),
], ids=["mp1", "mp0.3", "fuss3", "fuss2", "point2.5"])
def test_s_coefficients_invert_the_moment_series(moments, coefficients):
    """(2.53), (2.80): S(w) w/(1 + w) = psi^{-1}(w), i.e. psi(S(w) w/(1 + w)) = w for small w."""
    for w in (0.01, 0.03, -0.02):
        z = _s_of_w(coefficients, w) * w / (1 + w)
        assert _psi(moments, z) == pytest.approx(w, rel=1e-10)


def test_s_coefficients_of_a_product_multiply():
    """S of MP(1) x MP(1) (free, (2.54)) is S_MP^2: the coefficients of (1 + w)^-2."""
    square = np.convolve(theory.mp_s_coefficients(1.0, 8), theory.mp_s_coefficients(1.0, 8))[:8]
    np.testing.assert_allclose(square, theory.fuss_catalan_s_coefficients(2, 8), rtol=1e-14)
