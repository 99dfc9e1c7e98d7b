"""hw3's theory (autograder/checks/hw3/theory.py) against independent computations:
adaptive quadrature of the Marchenko-Pastur density written out here, a closed-form CDF at
ratio 1, scipy's Kolmogorov-Smirnov statistic, sampled spectra and polynomial exactness."""
import math

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import kstest, norm

from autograder.checks.hw3.slipgen import edge_wrong, fuss_catalan_wrong, pw_edge, relu_edge_wrong
from autograder.checks.hw3.theory import gauss_legendre_01, ks_distance, mp_cdf, mp_edges, mp_moments


def mp_density_here(x, ratio):
    """(2.52) at ratio n/m, written out for these tests."""
    a, b = (1 - math.sqrt(ratio)) ** 2, (1 + math.sqrt(ratio)) ** 2
    return math.sqrt(max((b - x) * (x - a), 0.0)) / (2 * math.pi * ratio * x) if a < x < b else 0.0


def test_mp_edges_known_value_and_formula():
    assert mp_edges(1.0) == (0.0, 4.0)                          # (2.52): support [0, 4]
    a, b = mp_edges(0.25)
    assert (a, b) == pytest.approx((0.25, 2.25), rel=1e-15)     # (1 -+ 1/2)^2


def test_mp_edges_bound_a_sampled_spectrum():
    # n = 400, m = 800: the extreme eigenvalues sit within ~n^(-2/3) = 0.02 of the edges
    n, m = 400, 800
    w = np.random.default_rng(0).standard_normal((n, m)) / math.sqrt(m)
    eig = np.linalg.eigvalsh(w @ w.T)
    a, b = mp_edges(n / m)
    assert abs(eig.min() - a) < 0.05 and abs(eig.max() - b) < 0.1


@pytest.mark.parametrize("ratio", [0.1, 0.3, 0.7])
def test_mp_moments_by_quadrature(ratio):
    a, b = mp_edges(ratio)
    got = [integrate.quad(lambda x, k=k: x**k * mp_density_here(x, ratio), a, b, epsabs=1e-13)[0]
           for k in range(3)]
    np.testing.assert_allclose(got, mp_moments(ratio), rtol=1e-8)


@pytest.mark.parametrize("ratio", [0.1, 0.5, 0.9])
def test_mp_cdf_by_quadrature(ratio):
    a, b = mp_edges(ratio)
    cdf = mp_cdf(ratio)
    for t in a + (b - a) * np.array([0.05, 0.3, 0.5, 0.8, 0.99]):
        want = integrate.quad(lambda x: mp_density_here(x, ratio), a, t, epsabs=1e-13, limit=200)[0]
        assert float(cdf(t)) == pytest.approx(want, abs=1e-6)   # trapezoid on 4000 panels: ~1e-7
    assert float(cdf(a - 1.0)) == 0.0 and float(cdf(b + 1.0)) == 1.0


def test_mp_cdf_at_ratio_one_closed_form():
    # x = u^2 turns rho dx into sqrt(4 - u^2) / pi du: F(t) = (u sqrt(4 - u^2) / 2 + 2 asin(u / 2)) / pi
    cdf = mp_cdf(1.0)
    for t in (0.01, 0.5, 1.0, 2.0, 3.9):
        u = math.sqrt(t)
        want = (u * math.sqrt(4 - u * u) / 2 + 2 * math.asin(u / 2)) / math.pi
        assert float(cdf(t)) == pytest.approx(want, abs=1e-5)    # the 1/sqrt(x) end costs accuracy


def test_ks_distance_is_scipys_statistic():
    sample = np.random.default_rng(1).standard_normal(137)
    assert ks_distance(sample, norm.cdf) == pytest.approx(kstest(sample, norm.cdf).statistic, rel=1e-12)


def test_ks_distance_of_a_sample_on_its_own_grid():
    # points at the midpoints (i - 1/2)/n of a uniform law: distance exactly 1/(2n)
    n = 10
    sample = (np.arange(1, n + 1) - 0.5) / n
    assert ks_distance(sample, lambda x: np.clip(x, 0, 1)) == pytest.approx(1 / (2 * n), rel=1e-12)


@pytest.mark.parametrize("L", [1, 2, 3, 6])
def test_pw_edge_is_the_curve_at_phi_to_zero(L):
    # lam(phi) of (2.95), written out: sin^(L+1)((L+1) phi) / (sin(phi) sin^L(L phi)) -> edge as phi -> 0
    phi = 1e-6
    lam = math.sin((L + 1) * phi) ** (L + 1) / (math.sin(phi) * math.sin(L * phi) ** L)
    assert pw_edge(L) == pytest.approx(lam, rel=1e-9)


def test_pw_edge_of_depth_one_is_marchenko_pastur():
    assert pw_edge(1) == mp_edges(1.0)[1] == 4.0


def test_edge_slips_known_values():
    # the hidden helpers behind the edge checks' hints (autograder/checks/hw3/slipgen.py)
    assert edge_wrong(2, "exponent") == pytest.approx(9 / 4, rel=1e-15)
    assert edge_wrong(3, "shallower") == pytest.approx(pw_edge(2), rel=1e-15)
    assert edge_wrong(1, "large_L") == pytest.approx(2 * math.e, rel=1e-15)
    assert relu_edge_wrong(2, "exponent") == pytest.approx(8.0, rel=1e-15)
    assert relu_edge_wrong(3, "large_L") == pytest.approx(3 * math.e, rel=1e-15)
    with pytest.raises(ValueError):
        edge_wrong(2, "other")


def test_fuss_catalan_slips_known_values():
    # k = 3: binom(6, 3)/4 = 5 (the Catalan number), no depth 0, binom(9, 3)/7 = 12
    assert fuss_catalan_wrong(1, 3) == [5, None, 12]
    # depth 2, k = 2: binom(6, 2)/3 = 5, binom(4, 2)/3 = 2 (Catalan), binom(8, 2)/7 = 4
    assert fuss_catalan_wrong(2, 2) == [5, 2, 4]
    # a slip that is no integer is None: depth 2, k = 1 gives binom(3, 1)/2 = 3/2
    assert fuss_catalan_wrong(2, 1)[0] is None


@pytest.mark.parametrize("nodes", [1, 5, 40])
def test_gauss_legendre_01_is_exact_to_degree_2n_minus_1(nodes):
    t, w = gauss_legendre_01(nodes)
    assert np.all((t > 0) & (t < 1)) and np.sum(w) == pytest.approx(1.0, rel=1e-14)
    for k in (0, nodes, 2 * nodes - 1):
        assert np.sum(w * t**k) == pytest.approx(1 / (k + 1), rel=1e-12)
    if nodes <= 5:   # not exact beyond (at 40 nodes the error at degree 80 is below round-off)
        assert abs(np.sum(w * t ** (2 * nodes)) - 1 / (2 * nodes + 1)) > 1e-7
