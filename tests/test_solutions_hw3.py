"""Does the hw3 reference (solutions/hw3.py) agree with theory computed another way?

Independent routes: closed forms and the parametric curve against quadrature,
moments against Lagrange inversion of the S-transforms (2.81) and (2.105),
the Stieltjes transform against (2.83), and simulations against the limits.
Simulations use fixed seeds, so each test is deterministic; where a bound is
statistical, the comment states the probability that it would fail for a
correct implementation at other seeds.
"""
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, optimize

from solutions import hw3

DEPTHS = [1, 2, 3, 4, 5]


# ---------------------------------------------------------------- helpers
def _neg_binom(a, i):
    """Coefficient of w^i in (1 + w)^(-a), a >= 0 an integer."""
    if a == 0:
        return int(i == 0)
    return (-1) ** i * math.comb(a + i - 1, i)


def _relu_orthogonal_moment(L, k):
    """k-th moment of the ReLU + scaled-orthogonal limit law, exactly, by Lagrange
    inversion of t = 1/M^{-1}(w) = w (1 + w)^{L-1} / (1 + 2w)^L from (2.105):
    w = t phi(w), phi = (1 + 2w)^L (1 + w)^{-(L-1)}, m_k = [w^{k-1}] phi^k / k."""
    a = k * (L - 1)
    s = sum(math.comb(k * L, j) * 2**j * _neg_binom(a, k - 1 - j) for j in range(k))
    return Fraction(s, k)


def _mp_cdf(ratio):
    """CDF of Marchenko-Pastur, integrating mp_density on x = c - d cos(theta),
    which makes the integrand smooth (trapezoid is spectrally accurate); at
    theta = 0 the integrand's limit is d / (pi ratio) when a = 0, else 0."""
    a, b = (1 - math.sqrt(ratio)) ** 2, (1 + math.sqrt(ratio)) ** 2
    c, d = 0.5 * (a + b), 0.5 * (b - a)
    theta = np.linspace(0.0, np.pi, 4001)
    x = c - d * np.cos(theta)
    f = hw3.mp_density(x, ratio) * d * np.sin(theta)
    f[0] = d / (np.pi * ratio) if a == 0 else 0.0
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(theta))])
    assert abs(cdf[-1] - 1) < 1e-6
    return lambda t: np.interp(t, x, cdf, left=0.0, right=1.0)


def _pw_dlam(L, phi):
    """d lam / d phi of (2.95), by differentiating log lam analytically."""
    lam, _ = hw3.product_wishart_curve(L, phi)
    return lam * ((L + 1) ** 2 / np.tan((L + 1) * phi) - 1 / np.tan(phi) - L**2 / np.tan(L * phi))


def _pw_cdf(L):
    """CDF of the product Wishart law from the curve (2.95): dF = rho |dlam/dphi| dphi."""
    phi = np.linspace(0.0, np.pi / (L + 1), 20001)[1:-1]
    lam, rho = hw3.product_wishart_curve(L, phi)
    f = rho * np.abs(_pw_dlam(L, phi))
    tail = np.concatenate([np.cumsum((0.5 * (f[1:] + f[:-1]) * np.diff(phi))[::-1])[::-1], [0.0]])
    cdf = tail / tail[0]  # cdf at lam[i] = mass on (0, lam[i]), lam decreasing in phi
    return lambda t: np.interp(t, lam[::-1], cdf[::-1], left=0.0, right=1.0)


def _ks(sample, cdf):
    x = np.sort(np.asarray(sample))
    f = cdf(x)
    i = np.arange(1, len(x) + 1)
    return max(np.max(i / len(x) - f), np.max(f - (i - 1) / len(x)))


# ------------------------------------------------------------- mp_density
def test_mp_density_ratio_one_is_the_notes_formula():
    """Is mp_density(x, 1) the notes' (2.52), (1/2pi) sqrt(4/x - 1) on (0, 4)?"""
    x = np.linspace(0.01, 3.99, 101)
    np.testing.assert_allclose(hw3.mp_density(x), np.sqrt(4 / x - 1) / (2 * np.pi), rtol=1e-13)


@pytest.mark.parametrize("ratio", [0.1, 0.25, 0.5, 0.9, 1.0])
def test_mp_density_integrates_to_one_with_narayana_moments(ratio):
    """Does MP integrate to 1 and have moments 1, 1 + r, 1 + 3r + r^2 (Narayana)?"""
    a, b = (1 - math.sqrt(ratio)) ** 2, (1 + math.sqrt(ratio)) ** 2
    want = [1.0, 1.0, 1.0 + ratio, 1.0 + 3 * ratio + ratio**2]
    for k, w in enumerate(want):
        # x = c - d cos(theta) removes the square-root edges
        f = lambda t: (lambda x: hw3.mp_density(x, ratio) * x**k)(
            0.5 * (a + b) - 0.5 * (b - a) * math.cos(t)) * 0.5 * (b - a) * math.sin(t)
        got, _ = integrate.quad(f, 0.0, math.pi, epsabs=1e-13, epsrel=1e-12, limit=200)
        assert got == pytest.approx(w, rel=1e-10), (ratio, k)


def test_mp_density_zero_outside_support_and_at_zero():
    """Is the density 0 at x = 0, below a, above b, and at negative x?"""
    assert hw3.mp_density(0.0) == 0.0
    assert hw3.mp_density(0.0, 0.3) == 0.0
    a, b = (1 - math.sqrt(0.3)) ** 2, (1 + math.sqrt(0.3)) ** 2
    np.testing.assert_array_equal(hw3.mp_density(np.array([-1.0, 0.5 * a, b, 1.1 * b]), 0.3), 0.0)
    assert np.all(hw3.mp_density(np.linspace(a, b, 50)[1:-1], 0.3) > 0)


def test_mp_density_keeps_shape_and_scalar():
    """Does an array keep its shape and a scalar give a float?"""
    assert hw3.mp_density(np.ones((3, 4))).shape == (3, 4)
    assert isinstance(hw3.mp_density(1.0), float)


@pytest.mark.parametrize("ratio", [0.0, -0.5, 1.5])
def test_mp_density_rejects_bad_ratio(ratio):
    """Is a ratio outside (0, 1] a ValueError?"""
    with pytest.raises(ValueError):
        hw3.mp_density(1.0, ratio)


# ----------------------------------------------------- wishart_eigenvalues
@pytest.mark.parametrize("n,m", [(200, 200), (100, 400)])
def test_wishart_eigenvalues_follow_marchenko_pastur(n, m):
    """Do pooled simulated eigenvalues follow MP (KS distance) with the right mean?

    5 seeds pooled. For iid draws, DKW gives P(KS > 0.05) <= 2 exp(-2 N 0.05^2)
    = 2e-4 at N = n * 5 >= 500... eigenvalues repel, so their empirical CDF
    fluctuates far less than iid (observed KS ~ 0.01); the bound is generous.
    The mean eigenvalue tr(W W^T)/n has mean 1 exactly and sd sqrt(2/(n m)) per
    draw: |mean - 1| < 5 sd fails with probability 6e-7."""
    eig = np.concatenate([hw3.wishart_eigenvalues(n, m, s) for s in range(5)])
    assert eig.shape == (5 * n,)
    assert _ks(eig, _mp_cdf(n / m)) < 0.05
    assert abs(eig.mean() - 1) < 5 * math.sqrt(2 / (n * m * 5))


def test_wishart_eigenvalues_are_seeded():
    """Same seed, same eigenvalues; another seed, others?"""
    np.testing.assert_array_equal(hw3.wishart_eigenvalues(30, 40, 7), hw3.wishart_eigenvalues(30, 40, 7))
    assert not np.allclose(hw3.wishart_eigenvalues(30, 40, 7), hw3.wishart_eigenvalues(30, 40, 8))


# -------------------------------------------------- product Wishart curve
def test_product_wishart_curve_at_depth_one_is_marchenko_pastur():
    """Does (2.95) at L = 1 reduce to (2.96): lam = 4 cos^2 phi, rho = MP(lam)?"""
    phi = np.linspace(0.01, np.pi / 2 - 0.01, 57)
    lam, rho = hw3.product_wishart_curve(1, phi)
    np.testing.assert_allclose(lam, 4 * np.cos(phi) ** 2, rtol=1e-13)
    np.testing.assert_allclose(rho, np.tan(phi) / (2 * np.pi), rtol=1e-13)
    np.testing.assert_allclose(rho, hw3.mp_density(lam), rtol=1e-12)


@pytest.mark.parametrize("L", DEPTHS)
def test_product_wishart_curve_is_monotone_from_edge_to_zero(L):
    """Does lam(phi) fall from the edge to 0 across (0, pi/(L+1)) with rho >= 0?"""
    phi = np.linspace(1e-7, np.pi / (L + 1) - 1e-7, 100001)
    lam, rho = hw3.product_wishart_curve(L, phi)
    assert np.all(np.diff(lam) < 0) and np.all(rho >= 0)
    assert lam[0] == pytest.approx(hw3.product_wishart_edge(L), rel=1e-9)
    assert lam[-1] < 1e-10


@pytest.mark.parametrize("L", DEPTHS)
def test_product_wishart_curve_moments_are_fuss_catalan(L):
    """Do the moments of the curve's law, integrated in phi, equal fuss_catalan?"""
    for k in range(5):
        f = lambda p: float(np.prod(hw3.product_wishart_curve(L, p)) *
                            hw3.product_wishart_curve(L, p)[0] ** (k - 1) * abs(_pw_dlam(L, p)))
        got, _ = integrate.quad(f, 0.0, np.pi / (L + 1), epsabs=0, epsrel=1e-12, limit=200)
        assert got == pytest.approx(hw3.fuss_catalan(L, k), rel=1e-9), (L, k)


def _pw_integral(L, g, nodes=400):
    """int_0^edge rho(x) g(x) dx with the root-found density, by Gauss-Legendre in t,
    x = u^(L+1), u = U (1 - t^2), U = edge^(1/(L+1)): the first substitution removes
    the x^(-L/(L+1)) singularity at 0, the second the square root at the edge."""
    t, w = np.polynomial.legendre.leggauss(nodes)
    t, w = 0.5 * (t + 1), 0.5 * w
    big_u = hw3.product_wishart_edge(L) ** (1 / (L + 1))
    u = big_u * (1 - t**2)
    x = u ** (L + 1)
    jac = (L + 1) * u**L * 2 * big_u * t
    return float(np.sum(w * hw3.product_wishart_density(x, L) * g(x) * jac))


@pytest.mark.parametrize("L", DEPTHS)
def test_product_wishart_density_moments_by_quadrature_in_x(L):
    """Does the root-found density integrate to 1 with Fuss-Catalan moments?"""
    for k in range(5):
        got = _pw_integral(L, lambda x: x**k)
        assert got == pytest.approx(hw3.fuss_catalan(L, k), rel=1e-9), (L, k)


@pytest.mark.parametrize("L", DEPTHS)
def test_product_wishart_density_matches_curve_and_is_zero_outside(L):
    """Is rho(lam(phi)) read back at the curve's points, and 0 outside (0, edge)?"""
    phi = np.linspace(0.02, np.pi / (L + 1) - 0.02, 41)
    lam, rho = hw3.product_wishart_curve(L, phi)
    np.testing.assert_allclose(hw3.product_wishart_density(lam, L), rho, rtol=1e-10)
    edge = hw3.product_wishart_edge(L)
    np.testing.assert_array_equal(hw3.product_wishart_density(np.array([-1.0, 0.0, edge, edge + 1]), L), 0.0)


@pytest.mark.parametrize("L", [1, 2, 3, 5])
def test_product_wishart_density_solves_the_stieltjes_equation(L):
    """Does G(z) = int rho(t)/(z - t) dt satisfy (2.83), z G - 1 = z^L G^(L+1), for z > edge?"""
    edge = hw3.product_wishart_edge(L)
    for z in [1.05 * edge, 2 * edge, 10 * edge]:
        g = _pw_integral(L, lambda x: 1 / (z - x))
        assert z * g - 1 == pytest.approx(z**L * g ** (L + 1), rel=1e-9), (L, z)


def test_product_wishart_density_at_depth_one_is_mp():
    """Does product_wishart_density(., 1) equal mp_density(., 1)?"""
    x = np.linspace(-0.5, 4.5, 201)
    np.testing.assert_allclose(hw3.product_wishart_density(x, 1), hw3.mp_density(x), rtol=1e-10, atol=0)


# --------------------------------------------------- edge and Fuss-Catalan
def test_product_wishart_edge_values():
    """Is the edge (L+1)^(L+1)/L^L: 4, 27/4, 256/27?"""
    assert [hw3.product_wishart_edge(L) for L in (1, 2, 3)] == pytest.approx([4.0, 6.75, 256 / 27], rel=1e-15)


def test_fuss_catalan_known_sequences():
    """Catalan at L = 1 and the ternary numbers at L = 2 (OEIS A000108, A001764)?"""
    assert [hw3.fuss_catalan(1, k) for k in range(8)] == [1, 1, 2, 5, 14, 42, 132, 429]
    assert [hw3.fuss_catalan(2, k) for k in range(7)] == [1, 1, 3, 12, 55, 273, 1428]


@pytest.mark.parametrize("L", DEPTHS)
def test_fuss_catalan_is_lagrange_inversion_of_the_s_transform(L):
    """From (2.81), w = t (1 + w)^(L+1): m_k = binom((L+1)k, k-1)/k. Same ints?"""
    for k in range(1, 30):
        got = hw3.fuss_catalan(L, k)
        assert type(got) is int
        assert Fraction(math.comb((L + 1) * k, k - 1), k) == got


def test_fuss_catalan_exact_beyond_int64():
    """Is a value above 2^63 exact (a Python int, not a wrapped int64)?"""
    got = hw3.fuss_catalan(5, 40)
    assert type(got) is int and got > 2**63
    assert got * (5 * 40 + 1) == math.comb(6 * 40, 40)


# ----------------------------------------------------- relu_orthogonal_edge
def test_relu_orthogonal_moments_from_s_transform():
    """Sanity of the series used below: m_1 = 1, m_2 = L + 1, and at L = 1 the
    moments 2^(k-1) of (delta_0 + delta_2)/2, at L = 2 binom(2k, k)/2 (half an
    arcsine law on [0, 4])."""
    for L in DEPTHS:
        assert _relu_orthogonal_moment(L, 1) == 1 and _relu_orthogonal_moment(L, 2) == L + 1
    assert [_relu_orthogonal_moment(1, k) for k in range(1, 8)] == [2 ** (k - 1) for k in range(1, 8)]
    assert [_relu_orthogonal_moment(2, k) for k in range(1, 8)] == [math.comb(2 * k, k) // 2 for k in range(1, 8)]


@pytest.mark.parametrize("L", DEPTHS + [8])
def test_relu_orthogonal_edge_is_the_growth_rate_of_the_moments(L):
    """Is the edge lim m_(k+1)/m_k of the moments of (2.105)? With r_k = m_(k+1)/m_k
    = E (1 - alpha/k + O(1/k^2)) whatever the edge exponent alpha,
    (k+1) r_(k+1) - k r_k = E + O(1/k^2)."""
    k = 300
    m = [_relu_orthogonal_moment(L, j) for j in (k, k + 1, k + 2)]
    estimate = float((k + 1) * m[2] / m[1] - k * m[1] / m[0])
    assert estimate == pytest.approx(hw3.relu_orthogonal_edge(L), rel=2e-4)


@pytest.mark.parametrize("L", [1, 2, 3, 4, 6, 10])
def test_relu_orthogonal_edge_is_the_infimum_of_the_inverse_mgf(L):
    """Is the edge inf_(z>0) M^(-1)(z) = (2z+1)^L / (z (z+1)^(L-1)) of (2.105),
    minimised numerically? For L >= 3 the minimum sits at z = 1/(L-2) (which
    (2.119) encodes as lam r = (L-1)/(L-2)); for L <= 2 M^(-1) decreases for all
    z and the infimum is the limit z -> infinity: 2^L, i.e. 2 and 4."""
    log_minv = lambda s: L * math.log(2 * math.exp(s) + 1) - s - (L - 1) * math.log(math.exp(s) + 1)
    if L >= 3:
        res = optimize.minimize_scalar(log_minv, bracket=(-5.0, 0.0, 5.0), tol=1e-12)
        assert math.exp(res.x) == pytest.approx(1 / (L - 2), rel=1e-5)
        assert math.exp(res.fun) == pytest.approx(hw3.relu_orthogonal_edge(L), rel=1e-10)
        assert hw3.relu_orthogonal_edge(L) == pytest.approx(L * (L / (L - 1)) ** (L - 1), rel=1e-14)
    else:
        values = [math.exp(log_minv(s)) for s in np.linspace(-5, 10, 200)]
        assert np.all(np.diff(values) < 0)
        assert math.exp(log_minv(30.0)) == pytest.approx(hw3.relu_orthogonal_edge(L), rel=1e-10)
        assert hw3.relu_orthogonal_edge(L) == 2.0**L


@pytest.mark.slow
@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_relu_orthogonal_edge_by_simulation(L):
    """Does the simulated spectrum (n = 300, 16 seeds) reach the predicted edge and
    have the moments m_2 = L + 1 and m_3 of (2.105)?

    L = 1: J J^T = 2 O D O^T, eigenvalues exactly 0 and 2. L = 2: the limit is
    half an arcsine law, whose density blows up at 4, so each draw's top
    eigenvalue sits within 1% below 4. L >= 3: the top eigenvalue of one draw
    fluctuates a lot (sd <= 0.075 x edge at n = 300, from the O(n^-1/2)
    spread of the number of active units) and sits ~2% low; the 16-draw mean
    in [0.9, 1.06] x edge is a window of > 3.9 se (false failure < 1e-4 for
    Gaussian means) that still rejects the product-Wishart edge (1.29 x at
    L = 4) and e L (1.15 x). The pooled moments: per-draw sd ~0.4 (m_2) and
    ~3 (m_3) at L = 4; the 16-draw windows of 15% and 25% are > 4 se."""
    n, seeds = 300, range(16)
    eig = np.array([hw3.jacobian_eigenvalues(n, L, "orthogonal", "relu", s) for s in seeds])
    edge = hw3.relu_orthogonal_edge(L)
    top = eig.max(axis=1) / edge
    if L == 1:
        np.testing.assert_allclose(np.where(eig > 1, eig - 2, eig), 0.0, atol=1e-9)
    elif L == 2:
        assert np.all((top > 0.99) & (top < 1 + 1e-9)), top
    else:
        assert 0.9 < top.mean() < 1.06, top
    for k, rel in ((2, 0.15), (3, 0.25)):
        want = float(_relu_orthogonal_moment(L, k))
        assert np.mean(eig**k) == pytest.approx(want, rel=rel), (L, k)


def test_relu_orthogonal_edge_rejects_bad_depth():
    """Is a depth below 1 a ValueError?"""
    with pytest.raises(ValueError):
        hw3.relu_orthogonal_edge(0)


# ----------------------------------------------------- jacobian_eigenvalues
@pytest.mark.parametrize("L", [1, 3, 6])
def test_linear_orthogonal_jacobian_is_an_isometry(L):
    """A product of orthogonal matrices: are all eigenvalues of J J^T equal to 1?"""
    np.testing.assert_allclose(hw3.jacobian_eigenvalues(64, L, "orthogonal", "linear", 3), 1.0, atol=1e-12)


@pytest.mark.parametrize("L", [1, 2, 3])
def test_linear_gaussian_jacobian_follows_product_wishart(L):
    """Are pooled eigenvalues (n = 200, 5 seeds) within KS 0.05 of the product
    Wishart law (2.95), and their mean within 5 se of 1 (E J J^T = I exactly)?

    Observed KS at these sizes: ~0.01. The per-draw sd of tr(J J^T)/n is
    sqrt(2L)/n to leading order, so 5 se of the 5-draw mean is
    5 sqrt(2L/5)/n: false failure 6e-7 under the Gaussian limit of linear
    spectral statistics. A net one layer deeper is far from the law: the
    test also asserts that the L+1 law is rejected by the same distance."""
    n = 200
    eig = np.concatenate([hw3.jacobian_eigenvalues(n, L, "gaussian", "linear", s) for s in range(5)])
    assert np.all(eig > -1e-10)
    assert _ks(eig, _pw_cdf(L)) < 0.05
    assert _ks(eig, _pw_cdf(L + 1)) > 0.06
    assert abs(eig.mean() - 1) < 5 * math.sqrt(2 * L / 5) / n


@pytest.mark.parametrize("init", ["gaussian", "orthogonal"])
def test_relu_jacobian_mean_eigenvalue_is_one(init):
    """Is E tr(J J^T)/n = 1 for relu with sigma_w^2 = 2 (chi_1^L = 1, (2.47))?

    Exact at any n: flipping the sign of a row of W_l keeps its law and swaps
    D on that unit, so E W^T D W = W^T W / 2 in expectation. 40 draws at
    n = 64, L = 3: per-draw sd ~0.2, z < 4.5 fails with probability 7e-6."""
    m1 = np.array([hw3.jacobian_eigenvalues(64, 3, init, "relu", s).mean() for s in range(40)])
    assert abs(m1.mean() - 1) < 4.5 * m1.std(ddof=1) / math.sqrt(len(m1))
    assert m1.std() > 0  # seeded draws do differ


def test_relu_jacobian_rank_is_at_most_half():
    """Does D_1 kill about half the directions (zero eigenvalues >= #inactive units)?"""
    eig = hw3.jacobian_eigenvalues(100, 2, "gaussian", "relu", 5)
    assert 0.35 < np.mean(eig < 1e-8) < 0.75


def test_jacobian_eigenvalues_rejects_bad_names():
    """Is an unknown activation or init a ValueError?"""
    with pytest.raises(ValueError):
        hw3.jacobian_eigenvalues(10, 2, "gaussian", "tanh", 0)
    with pytest.raises(ValueError):
        hw3.jacobian_eigenvalues(10, 2, "uniform", "relu", 0)


def test_haar_helper_is_haar_not_plain_qr():
    """Is the diagonal of the orthogonal factor unbiased (Haar) rather than
    negative as in plain Householder QR? Mean of 200 x 64 diagonal entries of a
    Haar matrix: 0 with sd 1/sqrt(64 * 12800) ~ 0.0011; plain QR gives ~ -0.05."""
    rng = np.random.default_rng(0)
    d = np.concatenate([np.diag(hw3._haar_orthogonal(64, rng)) for _ in range(200)])
    assert abs(d.mean()) < 5 / math.sqrt(64 * len(d))
    q = hw3._haar_orthogonal(64, rng)
    np.testing.assert_allclose(q @ q.T, np.eye(64), atol=1e-12)


# ------------------------------------------------------ erratum (2.47)
def _gauss_hermite_mean(f, q, nodes=120):
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    return float(np.sum(w * f(math.sqrt(q) * z)) / math.sqrt(2 * math.pi))


def test_erratum_2_47_mean_eigenvalue_is_chi1_power_for_tanh():
    """For tanh, sigma_w^2 = 2, L = 5 (width 100, 40 draws), started at the fixed
    point q*: is the mean eigenvalue of J^T J close to chi_1^L (phi'^2 inside the
    expectation, (2.29)) and far from the printed (sigma_w^2 E phi')^L of (2.47)?

    chi_1^5 = 1.651, printed 5.042. One draw has sd ~0.34 at this width (400
    draws: mean 1.662, finite-width bias < 1%), so the 40-draw mean is within
    4.5 of its standard errors of chi_1^5 except with probability ~1e-5, and
    the printed value is > 50 standard errors away."""
    sw2, L, n = 2.0, 5, 100
    q = 1.0
    for _ in range(500):
        q = sw2 * _gauss_hermite_mean(lambda u: np.tanh(u) ** 2, q)
    dtanh = lambda u: 1 / np.cosh(u) ** 2
    chi1 = sw2 * _gauss_hermite_mean(lambda u: dtanh(u) ** 2, q)
    printed = (sw2 * _gauss_hermite_mean(dtanh, q)) ** L
    means = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(n)
        h = x * math.sqrt(q * n) / np.linalg.norm(x)  # q_1 = q* exactly
        jac = np.eye(n)
        for _ in range(L):
            w = rng.standard_normal((n, n)) * math.sqrt(sw2 / n)
            jac = w @ (dtanh(h)[:, None] * jac)
            h = w @ np.tanh(h)
        means.append(np.sum(jac**2) / n)
    se = np.std(means, ddof=1) / math.sqrt(len(means))
    assert abs(np.mean(means) - chi1**L) < 4.5 * se
    assert abs(np.mean(means) - printed) > 50 * se
    assert chi1**L == pytest.approx(1.6514, abs=1e-4) and printed == pytest.approx(5.0419, abs=1e-4)
