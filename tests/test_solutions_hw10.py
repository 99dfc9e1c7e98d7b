"""Does the hw10 reference (free probability, notes 2.2) agree with theory and simulation?

Each function is checked another way: exact expectations against long
simulations, closed-form Stieltjes transforms against quadrature of the
density, free convolutions against their free cumulants and against large
random matrices, S-transforms against known laws, chi_1^L against hw2's chi_1
and the ERRATA numbers.
"""
import math

import numpy as np
import pytest
from scipy import integrate, stats

from solutions import hw10, hw2

pytestmark = pytest.mark.hw10


def _narayana(c, K):
    return np.array([sum(math.comb(k, j) * math.comb(k, j - 1) / k * c ** (j - 1) for j in range(1, k + 1))
                     for k in range(1, K + 1)])


def _fuss(L, K):
    return np.array([math.comb((L + 1) * k, k) / (L * k + 1) for k in range(1, K + 1)])


# ------------------------------------------------------------------ freeness
@pytest.mark.parametrize("kx,ky,n", [("wigner", "wigner", 5), ("wishart", "wishart", 5),
                                     ("wigner", "wishart", 7), ("wishart", "wigner", 12)])
def test_free_moments_match_exact_expectations(kx, ky, n):
    """Is each column mean within 4.5 standard errors of its exact Wick value?"""
    r = hw10.free_moments(kx, ky, n, 3000, 17)
    e2 = {"wigner": 1.0, "wishart": 1.0 + 1.0 / n}
    extra = {0: 0, 1: 1, 2: 3}[(kx == "wishart") + (ky == "wishart")]
    want = [e2[kx], e2[ky], e2[kx] * e2[ky], 1 / n + extra / n**2]
    se = r.std(axis=0, ddof=1) / math.sqrt(len(r))
    assert np.all(np.abs(r.mean(axis=0) - want) <= 4.5 * se), (r.mean(axis=0), want, se)


def test_free_moments_xyxy_vanishes_while_x2y2_stays():
    """Does tau(XYXY) fall like 1/n (2.60) while tau(X^2 Y^2) stays at 1?"""
    means = {}
    for n, draws in ((4, 2000), (64, 100)):
        r = hw10.free_moments("wigner", "wigner", n, draws, 0)
        m, se = r.mean(axis=0), r.std(axis=0, ddof=1) / math.sqrt(draws)
        assert abs(m[3] - 1 / n) <= 4.5 * se[3] and abs(m[2] - 1) <= 4.5 * se[2]
        means[n] = m
    assert means[64][3] < means[4][3] / 4


def test_free_moments_seeded_and_validated():
    a = hw10.free_moments("wigner", "wishart", 6, 5, 3)
    assert a.shape == (5, 4) and np.array_equal(a, hw10.free_moments("wigner", "wishart", 6, 5, 3))
    assert not np.allclose(a, hw10.free_moments("wigner", "wishart", 6, 5, 4))
    with pytest.raises(ValueError):
        hw10.free_moments("goe", "wigner", 6, 5, 3)


# ------------------------------------------------------------------ Stieltjes
def test_stieltjes_transform_is_the_mean_resolvent():
    eigs = np.array([-1.0, 0.0, 0.5, 2.0])
    z = np.array([[1 + 1j, -2 - 0.5j]])
    want = np.array([[np.mean(1 / (zz - eigs)) for zz in row] for row in z])
    got = hw10.stieltjes_transform(eigs, z)
    assert got.dtype == np.complex128 and got.shape == z.shape
    np.testing.assert_allclose(got, want, rtol=1e-14)
    # G(z) = tau((z - X)^{-1}) for a symmetric matrix with these eigenvalues (2.63)
    q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((4, 4)))
    x = q @ np.diag(eigs) @ q.T
    assert np.isclose(np.trace(np.linalg.inv((1 + 1j) * np.eye(4) - x)) / 4, got[0, 0], rtol=1e-12)


def test_stieltjes_inversion_is_a_probability_density_that_sharpens():
    """Does the Cauchy-smoothed density integrate to 1 and approach the semicircle as eta -> 0?"""
    eigs = np.array([0.3, 1.0, 1.7])
    mass = integrate.quad(lambda t: hw10.stieltjes_inversion(eigs, np.array([t]), 0.05)[0], -np.inf, np.inf,
                          points=None, limit=400)[0]
    assert mass == pytest.approx(1.0, abs=1e-6)
    n = 4000
    u = (np.arange(n) + 0.5) / n
    theta = np.array([_semicircle_quantile(p) for p in u])
    x = np.array([-1.5, -0.5, 0.0, 0.8, 1.6])
    truth = np.sqrt(4 - x**2) / (2 * np.pi)
    err = [np.max(np.abs(hw10.stieltjes_inversion(theta, x, eta) - truth)) for eta in (0.2, 0.05, 0.01)]
    assert err[0] > err[1] > err[2] and err[2] < 4e-3
    with pytest.raises(ValueError):
        hw10.stieltjes_inversion(eigs, x, 0.0)


def _semicircle_quantile(p):
    cdf = lambda t: 0.5 + (t * math.sqrt(4 - t * t) / 4 + math.asin(t / 2)) / math.pi
    lo, hi = -2.0, 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("kind,param", [("semicircle", 1.0), ("semicircle", 0.3), ("mp", 1.0), ("mp", 0.25)])
def test_law_stieltjes_matches_quadrature_of_the_density(kind, param):
    """Is the closed form the integral of rho(t)/(z - t) in both half planes and outside the support?"""
    if kind == "semicircle":
        r = 2 * math.sqrt(param)
        lo, hi = -r, r
        rho = lambda t: math.sqrt(max(4 * param - t * t, 0.0)) / (2 * math.pi * param)
    else:
        lo, hi = (1 - math.sqrt(param)) ** 2, (1 + math.sqrt(param)) ** 2
        rho = lambda t: math.sqrt(max((hi - t) * (t - lo), 0.0)) / (2 * math.pi * param * t) if t > 0 else 0.0
    # t = c - d cos(theta) removes the square-root edges
    c, d = 0.5 * (lo + hi), 0.5 * (hi - lo)
    for z in [0.5 + 1j, -1.5 + 0.2j, 3 - 0.5j, -0.3 - 2j, hi + 0.7, lo - 0.4, 12 + 15j]:
        f = lambda th, part: part(rho(c - d * math.cos(th)) * d * math.sin(th) / (z - (c - d * math.cos(th))))
        want = (integrate.quad(f, 0, math.pi, args=(np.real,), limit=200, epsabs=1e-13)[0]
                + 1j * integrate.quad(f, 0, math.pi, args=(np.imag,), limit=200, epsabs=1e-13)[0])
        got = complex(hw10.law_stieltjes(kind, np.array([z]), param)[0])
        assert abs(got - want) <= 1e-8 * abs(want), (z, got, want)


@pytest.mark.parametrize("kind,param", [("semicircle", 0.6), ("mp", 0.4), ("mp", 1.0)])
def test_r_transform_inverts_G(kind, param):
    """(2.77): R(G(z)) + 1/G(z) = z."""
    z = np.array([0.5 + 1j, -1 + 0.5j, 2 - 0.3j, 40 + 1j, -3 - 1j])
    g = hw10.law_stieltjes(kind, z, param)
    np.testing.assert_allclose(hw10.r_transform(kind, g, param) + 1 / g, z, rtol=1e-12)
    assert hw10.r_transform(kind, np.array([0.1]), param).dtype == np.float64
    with pytest.raises(ValueError):
        hw10.r_transform("gaussian", z, param)
    with pytest.raises(ValueError):
        hw10.law_stieltjes("mp", z, 1.5)


# ------------------------------------------------------- free additive convolution
@pytest.mark.parametrize("s,c", [(0.5, 0.5), (1.0, 1.0), (0.1, 0.2), (2.0, 0.3)])
def test_free_convolution_has_the_free_cumulants(s, c):
    """Mass 1, mean 1, variance c + s, third central moment c^2 (free cumulants add:
    MP's are c^(k-1), the semicircle's vanish beyond the second)."""
    lo, hi = -2 * math.sqrt(s) - 0.2, (1 + math.sqrt(c)) ** 2 + 2 * math.sqrt(s) + 0.2
    x = np.linspace(lo, hi, 20001)
    rho = hw10.free_convolution_density(x, s, c)
    trap = lambda f: float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(x)))
    assert trap(rho) == pytest.approx(1.0, abs=2e-4)
    assert trap(x * rho) == pytest.approx(1.0, abs=2e-4)
    assert trap((x - 1) ** 2 * rho) == pytest.approx(c + s, abs=5e-4)
    assert trap((x - 1) ** 3 * rho) == pytest.approx(c * c, abs=2e-3)


def test_free_convolution_tends_to_marchenko_pastur_and_agrees_with_inversion():
    x = np.linspace(0.05, 2.8, 40)
    mp = hw10.free_convolution_density(x, 0.0, 0.5)
    np.testing.assert_allclose(hw10.free_convolution_density(x, 1e-7, 0.5), mp, atol=2e-3)
    # -Im G / pi slightly above the axis, G from the cubic solved by np.roots with Im G < 0
    z = 1.3 + 1e-10j
    roots = np.roots([0.5 * 0.5, -(0.5 * z + 0.5), z - 0.5, -1])
    assert hw10.free_convolution_density(1.3, 0.5, 0.5) == pytest.approx(-roots.imag.min() / np.pi, rel=1e-8)
    assert isinstance(hw10.free_convolution_density(1.3, 0.5, 0.5), float)
    with pytest.raises(ValueError):
        hw10.free_convolution_density(x, -0.1, 0.5)


def test_free_sum_eigenvalues_follow_the_free_convolution():
    """Kolmogorov-Smirnov of 4 x 400 eigenvalues against the density's CDF (distance < 0.03)."""
    n, m, s = 400, 800, 0.5
    eigs = np.concatenate([hw10.free_sum_eigenvalues(n, m, s, seed) for seed in range(4)])
    grid = np.linspace(-2, 4.5, 6001)
    dens = hw10.free_convolution_density(grid, s, n / m)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(grid))])
    dist = stats.kstest(eigs, lambda t: np.interp(t, grid, cdf / cdf[-1])).statistic
    assert dist < 0.03
    # the classical convolution (independent commuting variables) is far
    sc = np.sqrt(np.clip(4 * s - grid**2, 0, None)) / (2 * np.pi * s)
    mp = hw10.free_convolution_density(grid, 0.0, n / m)
    classical = np.convolve(mp, sc, mode="same") * (grid[1] - grid[0])
    ccdf = np.cumsum(classical) / np.sum(classical)
    assert stats.kstest(eigs, lambda t: np.interp(t, grid, ccdf)).statistic > 0.05


# ----------------------------------------------------------------- S-transform
@pytest.mark.parametrize("c", [1.0, 0.3, 0.75])
def test_s_transform_of_marchenko_pastur(c):
    """(2.53) at c = 1; 1/(1 + c w) in general."""
    np.testing.assert_allclose(hw10.s_transform_coefficients(_narayana(c, 8)), (-c) ** np.arange(8),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("L", [2, 3, 5])
def test_s_transform_of_product_wishart_is_a_power(L):
    """(2.55): S = (1 + w)^(-L) for the Fuss-Catalan moments of hw3."""
    want = [(-1) ** j * math.comb(j + L - 1, L - 1) for j in range(6)]
    np.testing.assert_allclose(hw10.s_transform_coefficients(_fuss(L, 6)), want, rtol=1e-10)


def test_s_transform_point_mass_and_scaling():
    np.testing.assert_allclose(hw10.s_transform_coefficients(2.5 ** np.arange(1, 6)), [0.4, 0, 0, 0, 0], atol=1e-13)
    m = _narayana(0.5, 6)
    scaled = 3.0 ** np.arange(1, 7) * m
    np.testing.assert_allclose(hw10.s_transform_coefficients(scaled), hw10.s_transform_coefficients(m) / 3,
                               rtol=1e-10, atol=1e-13)
    for bad in ([0.0, 1.0], []):
        with pytest.raises(ValueError):
            hw10.s_transform_coefficients(np.array(bad))


@pytest.mark.parametrize("L", [2, 3, 4])
def test_free_product_of_wisharts_gives_fuss_catalan(L):
    """Multiplying L Marchenko-Pastur laws by S-transforms gives hw3's Fuss-Catalan numbers."""
    m = _narayana(1.0, 7)
    prod = m
    for _ in range(L - 1):
        prod = hw10.free_product_moments(prod, m)
    np.testing.assert_allclose(prod, _fuss(L, 7), rtol=1e-9)


def test_free_product_moments_against_simulated_wishart_products():
    """tau((AB)^k) of independent Wisharts within 4% of the free prediction, far from m_k(A) m_k(B)."""
    rng = np.random.default_rng(5)
    n = 400
    sims = []
    for _ in range(3):
        w1 = rng.standard_normal((n, 2 * n)) / math.sqrt(2 * n)
        w2 = rng.standard_normal((n, 4 * n)) / math.sqrt(4 * n)
        ab = (w1 @ w1.T) @ (w2 @ w2.T)
        p, sim = np.eye(n), []
        for _k in range(4):
            p = p @ ab
            sim.append(np.trace(p) / n)
        sims.append(sim)
    sim = np.mean(sims, axis=0)
    ma, mb = _narayana(0.5, 4), _narayana(0.25, 4)
    free = hw10.free_product_moments(ma, mb)
    np.testing.assert_allclose(sim, free, rtol=0.04)
    assert abs(sim[3] - ma[3] * mb[3]) > 0.1 * sim[3]
    with pytest.raises(ValueError):
        hw10.free_product_moments(ma, mb[:3])


# ------------------------------------------------------------------ Jacobian
def test_mean_jacobian_eigenvalue_errata_numbers():
    """ERRATA (2.47): tanh, sigma_w2 = 2, L = 5: chi_1^L = 1.651393, not 5.041916."""
    assert hw10.mean_jacobian_eigenvalue(2.0, 0.0, 5, "tanh") == pytest.approx(1.651393, abs=5e-7)
    assert hw10._fixed_point(2.0, 0.0, "tanh") == pytest.approx(0.617965, abs=5e-7)


@pytest.mark.parametrize("sw,sb,act", [(2.0, 0.0, "tanh"), (1.5, 0.1, "tanh"), (0.8, 0.0, "tanh"),
                                       (4.0, 0.3, "tanh"), (2.0, 0.05, "erf"), (1.0, 0.0, "erf"),
                                       (2.0, 0.0, "relu"), (1.1, 0.0, "linear")])
def test_mean_jacobian_eigenvalue_is_hw2_chi1_to_the_depth(sw, sb, act):
    """The same chi_1 as hw2's independent quadrature, to 1e-10."""
    for L in (1, 4):
        assert hw10.mean_jacobian_eigenvalue(sw, sb, L, act) == pytest.approx(hw2.chi1(sw, sb, act) ** L, rel=1e-10)


def test_mean_jacobian_eigenvalue_against_a_simulated_tanh_net():
    """(1/n) tr(J^T J) of width-150 tanh nets at q*: mean within 4.5 se (+ 2% for finite width)."""
    sw2, L, n = 2.0, 4, 150
    q = hw10._fixed_point(sw2, 0.0, "tanh")
    rng = np.random.default_rng(0)
    vals = []
    for _ in range(60):
        x = rng.standard_normal(n)
        h = x * math.sqrt(q * n) / np.linalg.norm(x)
        jac = np.eye(n)
        for _ in range(L):
            w = rng.standard_normal((n, n)) * math.sqrt(sw2 / n)
            jac = w @ ((1 / np.cosh(h) ** 2)[:, None] * jac)
            h = w @ np.tanh(h)
        vals.append(np.sum(jac**2) / n)
    want = hw10.mean_jacobian_eigenvalue(sw2, 0.0, L, "tanh")
    se = np.std(vals, ddof=1) / math.sqrt(len(vals))
    assert abs(np.mean(vals) - want) <= 4.5 * se + 0.02 * want
    with pytest.raises(ValueError):
        hw10.mean_jacobian_eigenvalue(1.0, 0.0, 3, "sigmoid")
    with pytest.raises(ValueError):
        hw10.mean_jacobian_eigenvalue(1.0, 0.0, 0, "tanh")


@pytest.mark.parametrize("slope", [0.0, 0.2, -0.5, 1.0])
def test_spectral_sums_agree_with_the_passes(slope):
    """(2.48)-(2.49) hold draw by draw for a homogeneous activation; slope 1 is the linear net."""
    rng = np.random.default_rng(11)
    widths = [5, 7, 6, 4]
    ws = [rng.standard_normal((widths[l + 1], widths[l])) for l in range(3)]
    x, g = rng.standard_normal(5), rng.standard_normal(4)
    qf, qs, db, ds = hw10.leaky_relu_spectral_sums(ws, x, g, slope)
    assert qs == pytest.approx(qf, rel=1e-10) and ds == pytest.approx(db, rel=1e-10)
    if slope == 1.0:
        prod = ws[2] @ ws[1] @ ws[0]
        assert qf == pytest.approx(np.sum((prod @ x) ** 2) / 4, rel=1e-12)
        assert db == pytest.approx(np.sum(((ws[2] @ ws[1]).T @ g) ** 2) / 7, rel=1e-12)
