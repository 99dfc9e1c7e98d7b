"""Does the hw2 reference (solutions/hw2.py) agree with theory?

Every check below recomputes a result of notes 2.1.3 another way: adaptive
QUADPACK integration instead of the reference's composite Gauss-Legendre
rule, closed forms (erf, relu) instead of quadrature, a small-q Taylor
expansion, Price's theorem, and finite-width simulation against the iterated
length map within its sampling error.
"""
import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import erf

from solutions import hw2

pytestmark = pytest.mark.hw2

BOUNDED = ["tanh", "erf"]
ALL = ["linear", "relu", "tanh", "erf"]
TOL_QUAD = 1e-12        # reference quadrature vs QUADPACK / closed forms
TOL_FP = 1e-10          # the contract's accuracy for q* and edge_of_chaos


# --------------------------------------------------------------- helpers

def _quadpack_expect(g, q):
    """E_{z~N(0,1)} g(sqrt(q) z) by adaptive quadrature, split where g(sqrt(q) z) bends."""
    a = np.sqrt(q)
    f = lambda z: g(a * z) * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    pts = sorted({0.0, 1.0, 2.0, 4.0, 8.0, 12.0} | {k / a for k in (0.5, 1, 2, 4) if k / a < 12})
    total = sum(quad(f, lo, hi, epsabs=0.0, epsrel=1e-13, limit=200)[0]
                for lo, hi in zip(pts[:-1], pts[1:]))
    return 2.0 * total                      # g even in all uses below


def _quadpack_expect2(phi, c, q):
    """E phi(u1) phi(u2), u1 = sqrt(q) z1, u2 = sqrt(q)(c z1 + s z2), nested adaptive quadrature."""
    a, s = np.sqrt(q), np.sqrt(1 - c * c)
    dens = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    inner = lambda z1: quad(lambda z2: phi(a * (c * z1 + s * z2)) * dens(z2), -12, 12,
                            points=[-c * z1 / s], epsabs=1e-14, epsrel=1e-12, limit=200)[0]
    return quad(lambda z1: phi(a * z1) * dens(z1) * inner(z1), -12, 12, points=[0.0],
                epsabs=1e-14, epsrel=1e-12, limit=200)[0]


def _dV(q, sigma_w2, sigma_b2, activation, h=1e-5):
    """V'(q) by a central difference (error O(h^2) ~ 1e-10)."""
    return (hw2.length_map(q + h, sigma_w2, sigma_b2, activation)
            - hw2.length_map(q - h, sigma_w2, sigma_b2, activation)) / (2 * h)


# ------------------------------------------------------------ quadrature

@pytest.mark.parametrize("q", [1e-8, 1e-3, 0.3, 1.0, 4.0, 25.0, 1e4])
def test_gaussian_expectations_match_quadpack_and_closed_forms(q):
    """Is the reference rule accurate to 1e-12 for small and very large q?"""
    tanh2 = lambda u: np.tanh(u) ** 2
    sech4 = lambda u: np.cosh(u) ** -4.0
    assert hw2._expect(tanh2, q) == pytest.approx(_quadpack_expect(tanh2, q), rel=TOL_QUAD)
    with np.errstate(over="ignore"):
        want = _quadpack_expect(sech4, q)
    assert hw2._expect(lambda u: hw2._sech(u) ** 4, q) == pytest.approx(want, rel=TOL_QUAD)
    # erf through the same rule against the closed forms the reference uses
    assert hw2._expect(lambda u: erf(u) ** 2, q) == pytest.approx(
        2 / np.pi * np.arcsin(2 * q / (1 + 2 * q)), rel=TOL_QUAD)
    assert hw2._expect(lambda u: 4 / np.pi * np.exp(-2 * u * u), q) == pytest.approx(
        4 / np.pi / np.sqrt(1 + 4 * q), rel=TOL_QUAD)


@pytest.mark.parametrize("q", [0.05, 1.0, 4.0, 20.0])
def test_bivariate_rule_matches_williams_closed_form_for_erf(q):
    """Does the 2-d rule used for tanh reproduce (2/pi) arcsin(2qc/(1+2q)) for erf?"""
    c = np.array([-1.0, -0.6, 0.0, 0.3, 0.9, 1 - 1e-6, 1.0])
    got = hw2._expect2(erf, c, q)
    np.testing.assert_allclose(got, 2 / np.pi * np.arcsin(2 * q * c / (1 + 2 * q)),
                               rtol=0, atol=TOL_QUAD)


@pytest.mark.parametrize("q,c", [(0.7, 0.4), (2.5, -0.8)])
def test_bivariate_rule_matches_nested_quadpack_for_tanh(q, c):
    """Does the tanh correlation integral agree with nested adaptive quadrature?"""
    assert hw2._expect2(np.tanh, c, q) == pytest.approx(
        _quadpack_expect2(np.tanh, c, q), rel=1e-10, abs=1e-12)


# ------------------------------------------------------------ length map

@pytest.mark.parametrize("sigma_w2,sigma_b2", [(0.5, 0.0), (2.0, 0.0), (2.0, 0.3), (3.0, 1.0)])
def test_relu_and_linear_length_maps_are_the_closed_forms(sigma_w2, sigma_b2):
    """Is V(q) = sigma_w2 q/2 + sigma_b2 (relu) and sigma_w2 q + sigma_b2 (linear)?"""
    q = np.linspace(0, 5, 11)
    np.testing.assert_allclose(hw2.length_map(q, sigma_w2, sigma_b2, "relu"),
                               sigma_w2 * q / 2 + sigma_b2, rtol=1e-15, atol=0)
    np.testing.assert_allclose(hw2.length_map(q, sigma_w2, sigma_b2, "linear"),
                               sigma_w2 * q + sigma_b2, rtol=1e-15, atol=0)
    relu2 = lambda u: np.maximum(u, 0.0) ** 2
    for qq in (0.3, 2.0):   # the relu closed form against quadrature of (2.21)
        f = lambda z: relu2(np.sqrt(qq) * z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi)
        mean = quad(f, 0, 12, epsabs=0, epsrel=1e-13)[0]
        assert hw2.length_map(qq, sigma_w2, sigma_b2, "relu") == pytest.approx(
            sigma_w2 * mean + sigma_b2, rel=1e-12)


def test_length_map_shapes_and_small_q_expansion():
    """Same shape out as in, float for a scalar, and V(q) = s(q - 2q^2 + 17q^3/3) + b for tanh?"""
    q = np.array([[0.0, 1e-3], [2e-3, 4e-3]])
    out = hw2.length_map(q, 1.7, 0.2)
    assert isinstance(out, np.ndarray) and out.shape == (2, 2) and out.dtype == np.float64
    assert isinstance(hw2.length_map(0.5, 1.7), float)
    taylor = 1.7 * (q - 2 * q ** 2 + 17 / 3 * q ** 3) + 0.2     # phi = u - u^3/3 + 2u^5/15
    np.testing.assert_allclose(out, taylor, rtol=0, atol=1.7 * 80 * q.max() ** 4)
    assert hw2.length_map(0.0, 1.7, 0.2) == 0.2                # V(0) = sigma_b2
    assert _dV(1e-4, 1.7, 0.0, "tanh", h=1e-6) == pytest.approx(1.7, rel=1e-3)   # (2.24)


@pytest.mark.parametrize("activation", BOUNDED)
def test_length_map_curvature_at_zero_is_the_corrected_2_25(activation):
    """Is V''(0) = 2 sigma_w2 phi'(0) phi'''(0) (ERRATA: the notes print 4)?"""
    sigma_w2, h = 1.0, 1e-4       # stencil error 22 h^2 |V(4)(0)| / 24 ~ 1e-6
    v = lambda q: hw2.length_map(q, sigma_w2, 0.0, activation)
    second = (2 * v(0.0) - 5 * v(h) + 4 * v(2 * h) - v(3 * h)) / h ** 2   # one-sided O(h^2)
    d1, d3 = (1.0, -2.0) if activation == "tanh" else (2 / np.sqrt(np.pi), -4 / np.sqrt(np.pi))
    assert second == pytest.approx(2 * sigma_w2 * d1 * d3, rel=1e-5)
    assert second != pytest.approx(4 * sigma_w2 * d1 * d3, rel=0.1)


def _V2_independent(q, activation):
    """V''(q) for sigma_w2 = 1, without the reference.

    d/dq E g(sqrt(q) z) = E g''(sqrt(q) z) / 2 (Gaussian integration by
    parts), so V'' = E (phi^2)''''(sqrt(q) z) / 4. For tanh, with t = tanh u,
    (t^2)'''' = -16 + 136 t^2 - 240 t^4 + 120 t^6 (integrated by QUADPACK); for
    erf, V = (2/pi) arcsin(2q/(1+2q)) differentiated twice by hand.
    """
    if activation == "erf":
        return -(8 / np.pi) * (1 + 4 * q + 1 + 2 * q) / ((1 + 2 * q) ** 2 * (1 + 4 * q) ** 1.5)
    t2 = lambda u: np.tanh(u) ** 2
    return _quadpack_expect(lambda u: -16 + 136 * t2(u) - 240 * t2(u) ** 2 + 120 * t2(u) ** 3, q) / 4


# QUADPACK warns of round-off at large q, where E (tanh^2)'''' is ~1e-7 of its
# integrand's size; the comparison with the reference at rel 1e-3 bounds that error.
@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("activation", BOUNDED)
def test_length_map_is_concave_on_the_q_grid(activation):
    """Is V'' < 0 for q in [1e-3, 200] (hw2.md: hence one positive fixed point)?

    The reference's second divided differences on 400 log-spaced q are all
    negative, beyond their round-off (1e-12 |V| / h^2); on every 20th q they
    agree with the independent V'' within the stencil's O(r^2) error.
    """
    qs, r = np.geomspace(1e-3, 200.0, 400), 1e-2
    h = r * qs
    v = lambda q: np.asarray(hw2.length_map(q, 1.0, 0.0, activation))
    dd = (v(qs + h) - 2 * v(qs) + v(qs - h)) / h ** 2    # = V''(xi) for some xi within h of q
    noise = 4e-12 * v(qs + h) / h ** 2
    assert np.all(dd < -noise), qs[dd >= -noise]
    for q, d in zip(qs[::20], dd[::20]):
        want = _V2_independent(q, activation)
        assert want < 0
        assert d == pytest.approx(want, rel=1e-3)


# ------------------------------------------------------------ fixed point

@pytest.mark.parametrize("activation", BOUNDED)
@pytest.mark.parametrize("sigma_w2,sigma_b2", [(1.5, 0.0), (2.0, 0.0), (4.0, 0.0), (0.5, 0.2),
                                              (1.0, 0.05), (2.5, 1.0), (8.0, 3.0)])
def test_fixed_point_is_fixed_and_stable(activation, sigma_w2, sigma_b2):
    """Is V(q*) = q* > 0 with 0 < V'(q*) < 1, and do the iterates from q0 = 1 end there?"""
    qs = hw2.length_fixed_point(sigma_w2, sigma_b2, activation)
    assert isinstance(qs, float) and qs > 0
    assert hw2.length_map(qs, sigma_w2, sigma_b2, activation) == pytest.approx(qs, rel=1e-13)
    assert 0 < _dV(qs, sigma_w2, sigma_b2, activation) < 1
    q = 1.0
    for _ in range(3000):                   # far from the edge: geometric convergence
        q = hw2.length_map(q, sigma_w2, sigma_b2, activation)
    assert q == pytest.approx(qs, rel=TOL_FP)
    # the same fixed point from another start, and it is the only one on (0, inf)
    assert hw2.length_fixed_point(sigma_w2, sigma_b2, activation, q0=37.0) == qs
    grid = np.linspace(1e-6, sigma_w2 + sigma_b2, 400)
    sign = np.sign(hw2.length_map(grid, sigma_w2, sigma_b2, activation) - grid)
    assert np.count_nonzero(np.diff(sign)) == 1


@pytest.mark.parametrize("activation,edge", [("tanh", 1.0), ("erf", np.pi / 4)])
def test_ordered_phase_without_bias_has_zero_fixed_point(activation, edge):
    """Is q* = 0 for sigma_w2 phi'(0)^2 <= 1 and sigma_b2 = 0, and positive just above?"""
    for sigma_w2 in (0.2 * edge, edge):
        assert hw2.length_fixed_point(sigma_w2, 0.0, activation) == 0.0
    assert hw2.length_fixed_point(1.001 * edge, 0.0, activation) > 0


def test_fixed_point_near_the_edge_follows_the_small_q_expansion():
    """For tanh, sigma_b2 = 0: is q* = (s-1)/(2s) + O((s-1)^2), from 1 = s(1 - 2q + 17q^2/3)?"""
    for eps in (1e-2, 1e-4, 1e-6):
        s = 1 + eps
        q = hw2.length_fixed_point(s, 0.0, "tanh")
        # exact root of the cubic truncation, error O(q^3) relative to q
        q_taylor = (2 - np.sqrt(4 - 4 * 17 / 3 * (1 - 1 / s))) / (2 * 17 / 3)
        assert q == pytest.approx(q_taylor, rel=200 * q_taylor ** 2)


@pytest.mark.parametrize("activation", ["relu", "linear", "sigmoid"])
def test_fixed_point_refuses_unbounded_activations(activation):
    """Does length_fixed_point raise ValueError for relu, linear and unknown names?"""
    with pytest.raises(ValueError):
        hw2.length_fixed_point(2.0, 0.1, activation)


@pytest.mark.parametrize("fn,args", [
    (hw2.length_map, (1.0, 2.0, 0.0, "softplus")), (hw2.chi1, (2.0, 0.0, "Tanh")),
    (hw2.correlation_map, (0.5, 2.0, 0.0, "gelu")), (hw2.edge_of_chaos, (0.1, "sigmoid")),
    (hw2.simulate_lengths, (2.0, 0.0, "elu", 10, 3, 1.0, 0))])
def test_unknown_activation_raises(fn, args):
    """Is an unknown activation name a ValueError in every graded function?"""
    with pytest.raises(ValueError):
        fn(*args)


# ------------------------------------------------------------------ chi_1

def test_chi1_closed_forms():
    """relu sigma_w2/2, linear sigma_w2; tanh/erf with q* = 0 give sigma_w2 phi'(0)^2; erf's (4/pi)/sqrt(1+4q*)?"""
    assert hw2.chi1(3.0, 0.7, "relu") == 1.5 and hw2.chi1(3.0, 0.7, "linear") == 3.0
    assert hw2.chi1(0.8, 0.0, "tanh") == pytest.approx(0.8, rel=1e-15)
    assert hw2.chi1(0.5, 0.0, "erf") == pytest.approx(0.5 * 4 / np.pi, rel=1e-15)
    qs = hw2.length_fixed_point(2.0, 0.5, "erf")
    assert hw2.chi1(2.0, 0.5, "erf") == pytest.approx(2.0 * 4 / np.pi / np.sqrt(1 + 4 * qs), rel=1e-13)
    qs = hw2.length_fixed_point(2.0, 0.5, "tanh")
    with np.errstate(over="ignore"):
        want = 2.0 * _quadpack_expect(lambda u: np.cosh(u) ** -4.0, qs)
    assert hw2.chi1(2.0, 0.5, "tanh") == pytest.approx(want, rel=1e-12)


def test_chi1_without_bias_touches_one_quadratically():
    """tanh, sigma_b2 = 0: chi_1 = s < 1 below s = 1 and 1 + (s-1)^2/3 + O((s-1)^3) above?"""
    assert hw2.chi1(0.9) == pytest.approx(0.9, rel=1e-15)
    for d in (1e-1, 1e-2, 1e-3):
        assert hw2.chi1(1 + d) - 1 == pytest.approx(d * d / 3, rel=3 * d)


# ----------------------------------------------------------- edge of chaos

@pytest.mark.parametrize("activation", BOUNDED)
@pytest.mark.parametrize("sigma_b2", [1e-10, 1e-6, 1e-3, 0.05, 0.5, 2.0])
def test_chi1_is_one_at_the_edge(activation, sigma_b2):
    """Is chi_1(edge_of_chaos(b), b) = 1, with ordered below and chaotic above?"""
    s = hw2.edge_of_chaos(sigma_b2, activation)
    assert hw2.chi1(s, sigma_b2, activation) == pytest.approx(1.0, abs=1e-12)
    assert hw2.chi1(s * (1 - 1e-3), sigma_b2, activation) < 1 < hw2.chi1(s * (1 + 1e-3), sigma_b2, activation)


def test_edge_values_without_bias_and_small_bias_asymptotics():
    """tanh 1, erf pi/4, relu 2, linear 1 at b = 0; tanh edge 1 + 2(3b/4)^(1/3) as b -> 0?"""
    assert hw2.edge_of_chaos(0.0, "tanh") == 1.0
    assert hw2.edge_of_chaos(0.0, "erf") == pytest.approx(np.pi / 4, rel=1e-15)
    for b in (0.0, 0.3):
        assert hw2.edge_of_chaos(b, "relu") == 2.0 and hw2.edge_of_chaos(b, "linear") == 1.0
    for b in (1e-12, 1e-9, 1e-6):           # from q*^3 (4/3) = b, sigma_w2 = 1 + 2 q* + O(q*^2)
        q = (0.75 * b) ** (1 / 3)
        assert hw2.edge_of_chaos(b) - 1 == pytest.approx(2 * q, rel=5 * q)


def test_edge_is_continuous_and_increasing_in_the_bias():
    """Does the chi_1 = 1 curve rise continuously from (1, 0), as in Poole et al.'s phase diagram?"""
    b = np.array([0.0, 1e-4, 1e-3, 0.01, 0.05, 0.1, 0.3, 1.0, 2.0])
    s = np.array([hw2.edge_of_chaos(x) for x in b])
    assert np.all(np.diff(s) > 0)
    assert 1.6 < hw2.edge_of_chaos(0.05) < 1.9     # rough value from Poole et al. (2016), Fig. 2


# ----------------------------------------------------------- correlation map

@pytest.mark.parametrize("activation", BOUNDED)
@pytest.mark.parametrize("sigma_w2,sigma_b2", [(1.5, 0.0), (2.5, 0.1), (1.2, 0.5), (4.0, 1.0)])
def test_correlation_map_fixes_one_with_slope_chi1(activation, sigma_w2, sigma_b2):
    """c = 1 is fixed (2.36), the slope at c -> 1 is chi_1 (2.43), c'(0) = sigma_b2 / q*?"""
    cmap = lambda c: hw2.correlation_map(c, sigma_w2, sigma_b2, activation)
    assert cmap(1.0) == pytest.approx(1.0, abs=1e-12)
    # Richardson on the one-sided slope D(h) = (1 - c'(1-h))/h = chi_1 - C''(1) h / 2 + O(h^2)
    h = 1e-3
    d = lambda h: (1 - cmap(1 - h)) / h
    slope = 2 * d(h / 2) - d(h)
    assert slope == pytest.approx(hw2.chi1(sigma_w2, sigma_b2, activation), rel=1e-5)
    qs = hw2.length_fixed_point(sigma_w2, sigma_b2, activation)
    assert cmap(0.0) == pytest.approx(sigma_b2 / qs, abs=1e-12)


@pytest.mark.parametrize("sigma_w2,sigma_b2", [(2.0, 0.0), (1.5, 0.3)])
def test_correlation_map_slope_at_zero_by_prices_theorem(sigma_w2, sigma_b2):
    """Is dc'/dc at c = 0 equal to sigma_w2 (E phi'(sqrt(q*) z))^2, a 1-d integral (Price's theorem)?"""
    qs = hw2.length_fixed_point(sigma_w2, sigma_b2, "tanh")
    h = 1e-4
    slope = (hw2.correlation_map(h, sigma_w2, sigma_b2) - hw2.correlation_map(-h, sigma_w2, sigma_b2)) / (2 * h)
    mean_dphi = _quadpack_expect(lambda u: 1 - np.tanh(u) ** 2, qs)
    assert slope == pytest.approx(sigma_w2 * mean_dphi ** 2, rel=1e-8)


def test_correlation_map_is_identity_when_q_star_is_zero():
    """With sigma_b2 = 0 in the ordered phase, is the 0/0 limit the identity, exactly?"""
    c = np.linspace(-1, 1, 9).reshape(3, 3)
    for activation, s in (("tanh", 0.7), ("tanh", 1.0), ("erf", 0.5)):
        out = hw2.correlation_map(c, s, 0.0, activation)
        assert out.shape == (3, 3)
        np.testing.assert_array_equal(out, c)
    # and it is the limit: just above the edge q* is small and the map is close to c
    near = hw2.correlation_map(c, 1.0001, 0.0, "tanh")
    np.testing.assert_allclose(near, c, atol=1e-3)


def test_correlation_map_shape_symmetry_and_monotonicity():
    """Same shape out, odd in c without bias, increasing, and inside [-1, 1]?"""
    c = np.linspace(-1, 1, 41)
    out = hw2.correlation_map(c, 2.5, 0.0)
    assert out.shape == c.shape and isinstance(hw2.correlation_map(0.3, 2.5), float)
    np.testing.assert_allclose(out, -out[::-1], atol=1e-13)
    assert np.all(np.diff(out) > 0) and np.all(np.abs(out) <= 1 + 1e-13)
    with pytest.raises(ValueError):
        hw2.correlation_map(1.5, 2.5, 0.0)


def test_relu_correlation_map_is_the_arc_cosine_map():
    """relu without bias: c' = (sqrt(1-c^2) + (pi - arccos c) c)/pi, checked by nested quadrature?"""
    relu = lambda u: np.maximum(u, 0.0)
    for c in (-0.5, 0.6):
        want = _quadpack_expect2(relu, c, 1.0) / 0.5       # normalised by E relu(z)^2 = 1/2
        assert hw2.correlation_map(c, 2.0, 0.0, "relu") == pytest.approx(want, rel=1e-9)
    # with bias, q* = b / (1 - sigma_w2/2) is fixed and c = 1 stays fixed
    assert hw2.correlation_map(1.0, 1.0, 0.5, "relu") == pytest.approx(1.0, rel=1e-14)
    with pytest.raises(ValueError):
        hw2.correlation_map(0.5, 2.5, 0.1, "relu")        # V has no fixed point


def test_correlation_trajectories_converge_to_the_phase_fixed_point():
    """Ordered phase: c_l -> 1; chaotic phase (b > 0): c_l -> c* < 1 with c'(c*) = c*."""
    c = np.array([0.0, 0.5, 0.9])
    for _ in range(80):                                     # 1 - c shrinks by chi_1 = 0.67
        c = hw2.correlation_map(c, 1.5, 0.5)
    assert hw2.chi1(1.5, 0.5) < 1
    np.testing.assert_allclose(c, 1.0, atol=1e-8)
    c = np.array([0.0, 0.99])
    for _ in range(160):                                    # c'(c*) = 0.86 at c* = 0.285
        c = hw2.correlation_map(c, 4.0, 0.1)
    assert hw2.chi1(4.0, 0.1) > 1
    assert np.ptp(c) < 1e-8 and c[0] < 0.9  # both inputs forget where they started
    assert hw2.correlation_map(c[0], 4.0, 0.1) == pytest.approx(c[0], abs=1e-10)


# ------------------------------------------------------------- simulation

def test_simulate_lengths_contract():
    """Length depth, q_1 = q1 exactly, same seed same output, other seed other output?"""
    a = hw2.simulate_lengths(2.0, 0.1, "tanh", 50, 7, 0.8, seed=3)
    assert a.shape == (7,) and a.dtype == np.float64 and a[0] == pytest.approx(0.8, rel=1e-14)
    np.testing.assert_array_equal(a, hw2.simulate_lengths(2.0, 0.1, "tanh", 50, 7, 0.8, seed=3))
    assert not np.array_equal(a, hw2.simulate_lengths(2.0, 0.1, "tanh", 50, 7, 0.8, seed=4))
    assert hw2.simulate_lengths(1.0, 0.0, "relu", 5, 1, 2.0, 0).tolist() == [2.0]


def test_relu_simulation_is_unbiased_for_the_iterated_map():
    """relu: E q_{l+1} = sigma_w2 E q_l / 2 + sigma_b2 at any width; is the mean over runs within 4.5 se?

    With m = 40 runs the t statistic of each layer has ~39 degrees of freedom;
    P(|t_39| > 4.5) = 6e-5, so with 5 layers tested the false-failure
    probability is < 3e-4 (the seeds are fixed, so the test is deterministic).
    """
    sigma_w2, sigma_b2, width, depth, q1 = 1.6, 0.4, 60, 6, 1.5
    runs = np.array([hw2.simulate_lengths(sigma_w2, sigma_b2, "relu", width, depth, q1, seed=s)
                     for s in range(40)])
    q, want = q1, [q1]
    for _ in range(depth - 1):
        q = sigma_w2 * q / 2 + sigma_b2
        want.append(q)
    se = runs.std(axis=0, ddof=1)[1:] / np.sqrt(len(runs))
    t = (runs.mean(axis=0)[1:] - np.array(want)[1:]) / se
    assert np.all(np.abs(t) < 4.5), t


@pytest.mark.parametrize("sigma_w2,sigma_b2,q1", [(2.5, 0.1, 0.2), (1.2, 0.5, 3.0)])
def test_wide_tanh_simulation_follows_the_iterated_length_map(sigma_w2, sigma_b2, q1):
    """Width 500: is the mean of q_l over 10 runs within 4.5 sd of V^(l-1)(q1)?

    The sd comes from theory, not from the runs: with s_l the variance of the
    coordinates of h_l, s_{l+1} = V(s_l) + e_l with Var e_l = sigma_w2^2
    Var[phi(sqrt(s_l) z)^2] / width (an upper bound at l = 1, where |h_1| is
    fixed), and q_l = s_l chi2_width / width. Linearised (delta method):
    Var s_{l+1} = V'(s_l)^2 Var s_l + Var e_l, Var q_l = Var s_l + 2 s_l^2/width.
    The mean of 10 runs is close to normal; P(|z| > 4.5) = 6.8e-6 per layer,
    so the false-failure probability over 7 layers is < 5e-5. The O(1/width)
    bias of the mean is ~1e-3 q_l, a tenth of the sd of the mean.
    """
    width, depth, runs = 500, 8, 10
    sims = np.array([hw2.simulate_lengths(sigma_w2, sigma_b2, "tanh", width, depth, q1, seed=100 + s)
                     for s in range(runs)])
    mean, var_s = [q1], [0.0]
    for _ in range(depth - 1):
        s = mean[-1]
        m2 = _quadpack_expect(lambda u: np.tanh(u) ** 2, s)
        m4 = _quadpack_expect(lambda u: np.tanh(u) ** 4, s)
        var_s.append(_dV(s, sigma_w2, sigma_b2, "tanh") ** 2 * var_s[-1]
                     + sigma_w2 ** 2 * (m4 - m2 ** 2) / width)
        mean.append(sigma_w2 * m2 + sigma_b2)
    mean, var_q = np.array(mean), np.array(var_s) + 2 * np.array(mean) ** 2 / width
    np.testing.assert_allclose(mean, [q1] + [hw2.length_map(m, sigma_w2, sigma_b2) for m in mean[:-1]],
                               rtol=1e-12)
    z = (sims.mean(axis=0)[1:] - mean[1:]) / np.sqrt(var_q[1:] / runs)
    assert np.all(np.abs(z) < 4.5), z
    # and the simulated spread is the predicted one: P(chi2_9/9 outside [0.05, 4]) = 6e-5 per layer
    ratio = sims[:, 1:].var(axis=0, ddof=1) / var_q[1:]
    assert np.all((ratio > 0.05) & (ratio < 4.0)), ratio
