"""Tests of the hw5 reference (notes 3.3) against independent computations.

Derivatives are checked against torch autograd on the losses written afresh;
Lipschitz constants against a grid plus a bounded optimiser; escape times
against the scalar dynamics in eigen-coordinates; attraction rates against the
area of the linearised attraction region, within binomial sampling error.
"""
import math

import numpy as np
import pytest
import torch
from scipy import integrate, optimize, stats

from solutions import hw5

NAMES = ("quartic", "factorization", "monkey")
STRICT = ("quartic", "factorization")
RADIUS_NEAR = 1e-3  # the "within 1e-3 of the saddle" of the contract


def _f_torch(name, th):
    """The loss written independently of the reference, for autograd."""
    x, y = th[0], th[1]
    if name == "quartic":
        return x ** 2 / 2 + y ** 4 / 4 - y ** 2 / 2
    if name == "factorization":
        return (1 - x * y) ** 2 / 2
    return x ** 3 - 3 * x * y ** 2


def _autograd(name, theta):
    th = torch.tensor(np.asarray(theta, dtype=np.float64))
    g = torch.func.grad(lambda t: _f_torch(name, t))(th)
    H = torch.func.hessian(lambda t: _f_torch(name, t))(th)
    return g.numpy(), H.numpy()


POINTS = np.array([[0.0, 0.0], [0.3, -0.7], [-1.25, 0.5], [2.0, 1.5], [1e-3, -2e-4], [0.0, 1.0]])


# ---------------------------------------------------------------- derivatives

@pytest.mark.parametrize("name", NAMES)
def test_does_gradient_and_hessian_match_autograd(name):
    for p in POINTS:
        g_ad, H_ad = _autograd(name, p)
        np.testing.assert_allclose(hw5.gradient(name, p), g_ad, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(hw5.hessian(name, p), H_ad, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_are_stacked_points_handled_like_single_ones(name):
    G, H = hw5.gradient(name, POINTS), hw5.hessian(name, POINTS)
    assert G.shape == (len(POINTS), 2) and H.shape == (len(POINTS), 2, 2)
    for p, g, h in zip(POINTS, G, H):
        np.testing.assert_array_equal(g, hw5.gradient(name, p))
        np.testing.assert_array_equal(h, hw5.hessian(name, p))


def test_is_the_origin_critical_with_the_stated_curvature():
    for name in NAMES:
        np.testing.assert_array_equal(hw5.gradient(name, [0.0, 0.0]), [0.0, 0.0])
    lam_q = np.linalg.eigvalsh(hw5.hessian("quartic", [0, 0]))
    lam_f = np.linalg.eigvalsh(hw5.hessian("factorization", [0, 0]))
    np.testing.assert_allclose(lam_q, [-1.0, 1.0])
    np.testing.assert_allclose(lam_f, [-1.0, 1.0])
    np.testing.assert_array_equal(hw5.hessian("monkey", [0, 0]), np.zeros((2, 2)))


def test_are_unknown_names_rejected():
    for fn in (lambda: hw5.gradient("rosenbrock", [0, 0]), lambda: hw5.hessian("x", [0, 0]),
               lambda: hw5.gd("x", [0, 0], 0.1, 3), lambda: hw5.lipschitz_constant("x", 1.0)):
        with pytest.raises(ValueError):
            fn()


# ------------------------------------------------------------ classification

def _rot(lam, angle):
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag(lam) @ R.T


@pytest.mark.parametrize("lam, tol, want", [
    ((1.0, 2.0), 1e-8, "minimum"),
    ((2e-8, 1.0), 1e-8, "minimum"),
    ((5e-9, 1.0), 1e-8, "degenerate"),
    ((0.0, 0.0), 1e-8, "degenerate"),
    ((-5e-9, 1.0), 1e-8, "degenerate"),
    ((-2e-8, 1.0), 1e-8, "strict_saddle"),
    ((-1.0, 0.0), 1e-8, "strict_saddle"),   # the (3.45) example of the contract
    ((-1.0, 5e-9), 1e-8, "strict_saddle"),
    ((-1.0, -5e-9), 1e-8, "strict_saddle"),
    ((-1.0, -2e-8), 1e-8, "maximum"),
    ((-3.0, -1.0), 1e-8, "maximum"),
    ((0.05, 1.0), 0.1, "degenerate"),
    ((-0.05, 1.0), 0.1, "degenerate"),
    ((1e-12, 1.0), 0.0, "minimum"),
])
def test_does_classification_follow_the_eigenvalue_rule(lam, tol, want):
    for angle in (0.0, 0.3, 1.1):
        assert hw5.classify_critical_point(_rot(lam, angle), tol=tol) == want


def test_are_the_named_critical_points_classified():
    assert hw5.classify_critical_point(hw5.hessian("quartic", [0, 0])) == "strict_saddle"
    assert hw5.classify_critical_point(hw5.hessian("quartic", [0, 1])) == "minimum"
    assert hw5.classify_critical_point(hw5.hessian("factorization", [0, 0])) == "strict_saddle"
    # the minima x y = 1 form a curve: the Hessian is singular along it
    assert hw5.classify_critical_point(hw5.hessian("factorization", [2.0, 0.5])) == "degenerate"
    assert hw5.classify_critical_point(hw5.hessian("monkey", [0, 0])) == "degenerate"


# ------------------------------------------------------------------------ GD

@pytest.mark.parametrize("name", NAMES)
def test_does_gd_follow_its_recurrence(name):
    lr, steps = 0.05, 40
    traj = hw5.gd(name, [0.4, -0.3], lr, steps)
    assert traj.shape == (steps + 1, 2) and traj.dtype == np.float64
    np.testing.assert_array_equal(traj[0], [0.4, -0.3])
    for k in range(steps):
        g_ad, _ = _autograd(name, traj[k])
        np.testing.assert_allclose(traj[k + 1], traj[k] - lr * g_ad, rtol=1e-13, atol=1e-15)
    assert hw5.gd(name, [0.4, -0.3], lr, 0).shape == (1, 2)


def test_does_gd_reach_the_minima_and_stay_on_the_stable_manifold():
    np.testing.assert_allclose(hw5.gd("quartic", [0.5, 0.2], 0.1, 400)[-1], [0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(hw5.gd("quartic", [0.5, -0.2], 0.1, 400)[-1], [0.0, -1.0], atol=1e-12)
    end = hw5.gd("factorization", [0.3, 0.1], 0.1, 2000)[-1]
    assert abs(end[0] * end[1] - 1.0) < 1e-12
    # on the stable manifolds the iterates converge to the saddle (measure zero, Theorem 4)
    assert np.abs(hw5.gd("quartic", [0.7, 0.0], 0.1, 400)[-1]).max() < 1e-17
    assert np.abs(hw5.gd("factorization", [0.7, -0.7], 0.1, 400)[-1]).max() < 1e-17


def test_does_a_diverging_run_fill_with_nonfinite_values_without_raising():
    traj = hw5.gd("monkey", [-1.0, 0.0], 0.5, 40)
    assert not np.all(np.isfinite(traj[-1]))


# ---------------------------------------------------------- Lipschitz constant

def _hess_norms_torch(name, pts):
    """||H||_2 at each row of pts, Hessians by torch autograd (vectorised with vmap)."""
    H = torch.func.vmap(torch.func.hessian(lambda t: _f_torch(name, t)))(torch.tensor(pts))
    return np.abs(np.linalg.eigvalsh(H.numpy())).max(axis=-1)


def _max_hess_norm(name, r):
    """max over [-r, r]^2 of ||H||_2: a 61x61 grid, then 25 rounds of zooming a 21x21 grid
    (clipped to the box) around the best point found so far."""
    g = np.linspace(-r, r, 61)
    pts = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    vals = _hess_norms_torch(name, pts)
    best_val, best = vals.max(), pts[vals.argmax()]
    half = 2 * r / 60
    for _ in range(25):
        gx = np.clip(best[0] + np.linspace(-half, half, 21), -r, r)
        gy = np.clip(best[1] + np.linspace(-half, half, 21), -r, r)
        pts = np.stack(np.meshgrid(gx, gy), -1).reshape(-1, 2)
        vals = _hess_norms_torch(name, pts)
        if vals.max() >= best_val:
            best_val, best = vals.max(), pts[vals.argmax()]
        half /= 4
    return best_val


@pytest.mark.parametrize("name, r", [("quartic", 0.5), ("quartic", 0.8), ("quartic", 1.0),
                                     ("quartic", 2.0), ("factorization", 0.3),
                                     ("factorization", 1.5), ("monkey", 0.7)])
def test_is_the_lipschitz_constant_the_max_hessian_norm(name, r):
    np.testing.assert_allclose(hw5.lipschitz_constant(name, r), _max_hess_norm(name, r), rtol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_does_the_lipschitz_constant_bound_gradient_differences_tightly(name):
    r = 1.3
    L = hw5.lipschitz_constant(name, r)
    rng = np.random.default_rng(5)
    a, b = rng.uniform(-r, r, (2, 20000, 2))
    ratio = (np.linalg.norm(hw5.gradient(name, a) - hw5.gradient(name, b), axis=1)
             / np.linalg.norm(a - b, axis=1))
    assert ratio.max() <= L * (1 + 1e-12)
    # tight: a short segment at the maximiser, along the top eigenvector, attains ~L
    top = {"quartic": (0.0, r), "factorization": (r, -r), "monkey": (r, r)}[name]
    p = np.asarray(top) * (1 - 1e-7)
    lam, vec = np.linalg.eigh(hw5.hessian(name, p))
    v = vec[:, np.argmax(np.abs(lam))]
    q = min((p + 1e-6 * v, p - 1e-6 * v), key=lambda t: np.abs(t).max())  # the end inside the box
    assert np.abs(q).max() <= r
    ratio = np.linalg.norm(hw5.gradient(name, p) - hw5.gradient(name, q)) / np.linalg.norm(p - q)
    assert ratio >= L * (1 - 1e-4)


def test_does_lipschitz_constant_handle_the_edges():
    assert hw5.lipschitz_constant("quartic", 0.0) == 1.0
    assert hw5.lipschitz_constant("monkey", 0.0) == 0.0
    with pytest.raises(ValueError):
        hw5.lipschitz_constant("quartic", -1.0)


def test_is_g_injective_below_one_over_L_and_not_above():
    """Proposition 5: det(I - lr H) > 0 on the box when lr < 1/L; for lr > 1/L two points share an image."""
    r = 1.2
    L = hw5.lipschitz_constant("quartic", r)
    grid = np.stack(np.meshgrid(np.linspace(-r, r, 101), np.linspace(-r, r, 101)), -1).reshape(-1, 2)
    J = np.eye(2) - 0.99 / L * hw5.hessian("quartic", grid)
    assert np.linalg.det(J).min() > 0
    lr = 1.5 / L  # the y-map (1 + lr) y - lr y^3 has its maximum inside the box
    y_star = math.sqrt((1 + lr) / (3 * lr))
    assert y_star < r
    y1 = y_star + 0.05
    # the other root of phi(y) = phi(y1) below y_star
    phi = lambda y: (1 + lr) * y - lr * y ** 3
    y2 = optimize.brentq(lambda y: phi(y) - phi(y1), 0.0, y_star)
    g1 = hw5.gd("quartic", [0.1, y1], lr, 1)[1]
    g2 = hw5.gd("quartic", [0.1, y2], lr, 1)[1]
    np.testing.assert_allclose(g1, g2, rtol=1e-12)
    assert abs(y1 - y2) > 0.05


# ------------------------------------------------------------ attraction rate

def _linear_attraction_probability(name, lr, r, steps):
    """P(|theta_steps| < 1e-3) for uniform inits in [-r, r]^2 under the linearised map.

    In the eigen-coordinates (u unstable, v stable) the linear map multiplies
    u by b = (1 + lr)^steps and v by a = (1 - lr)^steps, so the region is the
    ellipse (b u)^2 + (a v)^2 < c^2 intersected with the box; for each u the
    box allows |v| <= h(u) (r for the quartic, sqrt(2) r - |u| for the
    factorization, whose box is a square rotated by 45 degrees in (u, v)).
    """
    c, a, b = RADIUS_NEAR, (1 - lr) ** steps, (1 + lr) ** steps
    if name == "quartic":
        h, u_max = (lambda u: r), r
    else:
        h, u_max = (lambda u: math.sqrt(2) * r - abs(u)), math.sqrt(2) * r

    def width(u):
        w = math.sqrt(max(0.0, c * c - (b * u) ** 2)) / a
        return 2.0 * max(0.0, min(w, h(u)))

    u_end = min(u_max, c / b)
    area, _ = integrate.quad(width, -u_end, u_end, limit=200, epsabs=1e-16, epsrel=1e-12)
    return area / (4 * r * r)


ALPHA = 1e-5  # false-failure probability of each binomial test below (exact binomial quantiles)


@pytest.mark.parametrize("name", STRICT)
def test_does_the_attraction_rate_match_the_linearised_region(name):
    """Near the saddle (r = 2e-3) the cubic terms change the region by ~lr r^2 steps ~ 1e-6
    relative, far below the sampling error; the count is Binomial(n, p) for any correct code."""
    lr, r, steps, n = 0.1, 2e-3, 5, 200000
    p = _linear_attraction_probability(name, lr, r, steps)
    assert 0.05 < p < 0.5
    lo, hi = stats.binom.interval(1 - ALPHA, n, p)
    count = round(hw5.saddle_attraction_rate(name, lr, n, r, steps, seed=11) * n)
    assert lo <= count <= hi, (count / n, p)


def test_is_the_rate_at_zero_steps_the_disk_fraction():
    n, r = 200000, 3e-3
    p = math.pi * RADIUS_NEAR ** 2 / (4 * r * r)
    lo, hi = stats.binom.interval(1 - ALPHA, n, p)
    for name in NAMES:
        count = round(hw5.saddle_attraction_rate(name, 0.1, n, r, 0, seed=3) * n)
        assert lo <= count <= hi


@pytest.mark.parametrize("name", STRICT)
def test_is_a_strict_saddle_never_attracted_below_one_over_L(name):
    """Theorem 4. With lr = 0.1 < 1/L(box radius 1) and 300 steps an init ends within 1e-3 only if
    its unstable component is < 1e-3 / 1.0999^300 ~ 4e-16: P(any of 20000) < 1e-11."""
    assert 0.1 < 1.0 / hw5.lipschitz_constant(name, 1.0)
    for seed in range(2):
        assert hw5.saddle_attraction_rate(name, 0.1, 10000, 1.0, 300, seed=seed) == 0.0


def test_is_the_rate_reproducible_and_seed_dependent():
    args = ("monkey", 1.0, 5000, 2e-3, 300)
    a = hw5.saddle_attraction_rate(*args, seed=1)
    assert a == hw5.saddle_attraction_rate(*args, seed=1)
    # different seeds give independent Binomial(5000, p ~ 0.16) counts; P(5 all equal) < 1e-6
    assert len({hw5.saddle_attraction_rate(*args, seed=s) for s in range(1, 6)}) > 1


def test_does_the_degenerate_saddle_attract_slowly_and_less_over_time():
    """The monkey saddle's stable set is the three rays theta = 0, +-2 pi/3 (measure zero, although
    Theorem 4 does not apply), approached like 1/k: the fraction decays polynomially, not at once.
    Counts from 100000 inits: binomial standard errors < 1.3e-3 against differences > 0.03."""
    rates = [hw5.saddle_attraction_rate("monkey", 1.0, 100000, 2e-3, s, seed=7) for s in (0, 300, 1000)]
    assert rates[0] - rates[1] > 0.02 and rates[1] - rates[2] > 0.05 and rates[2] > 0.02


# -------------------------------------------------------------------- escape

def _escape_quartic(y0, lr, threshold):
    """Escape time of the quartic from the scalar map y -> y + lr (y - y^3) (x decouples)."""
    y, k = y0, 0
    while abs(y) < threshold:
        y, k = y + lr * (y - y ** 3), k + 1
    return k


def _escape_factorization(u0, v0, lr, threshold):
    """In u = (x + y)/sqrt 2, v = (x - y)/sqrt 2 the loss is (1 - (u^2 - v^2)/2)^2 / 2 and GD is
    u -> u (1 + lr s), v -> v (1 - lr s), s = 1 - (u^2 - v^2)/2."""
    u, v, k = u0, v0, 0
    while abs(u) < threshold:
        s = 1 - (u * u - v * v) / 2
        u, v, k = u * (1 + lr * s), v * (1 - lr * s), k + 1
    return k


@pytest.mark.parametrize("d", [3e-1, 1e-2, 1e-5, 1e-9])
@pytest.mark.parametrize("lr", [0.05, 0.3])
def test_do_escape_times_match_the_eigen_coordinate_dynamics(d, lr):
    assert hw5.escape_steps("quartic", [0.8, d], lr, 0.5) == _escape_quartic(d, lr, 0.5)
    s = 1 / math.sqrt(2)
    u0, v0 = d, 0.2
    theta0 = [s * (u0 + v0), s * (u0 - v0)]
    assert hw5.escape_steps("factorization", theta0, lr, 0.5) == _escape_factorization(u0, v0, lr, 0.5)


@pytest.mark.parametrize("name", STRICT)
def test_does_the_linearised_prediction_agree_for_small_distances(name):
    """The cubic terms slow the escape by ~lr threshold^2 / (2 - ...) in log units: < 1 step here."""
    lr, threshold = 0.1, 0.05
    v = {"quartic": (0.0, 1.0), "factorization": (1 / math.sqrt(2),) * 2}[name]
    for d in np.geomspace(1e-10, 1e-2, 17):
        got = hw5.escape_steps(name, d * np.asarray(v), lr, threshold)
        pred = hw5.predicted_escape_steps(name, d, lr, threshold)
        assert 0 <= got - pred <= 1, (d, got, pred)
        # the prediction itself is the linear count (1 + lr)^k d >= threshold, computed directly
        k = 0
        while d * (1 + lr) ** k < threshold * (1 - 1e-12):
            k += 1
        assert abs(pred - k) <= 1


def test_do_escape_edges_behave():
    assert hw5.escape_steps("quartic", [0.0, 0.7], 0.1, 0.5) == 0
    with pytest.raises(RuntimeError):
        hw5.escape_steps("quartic", [0.9, 0.0], 0.1, 0.5)          # on the stable manifold y = 0
    with pytest.raises(RuntimeError):
        hw5.escape_steps("factorization", [0.4, -0.4], 0.1, 0.5)   # on x = -y
    with pytest.raises(RuntimeError):                              # escapes, but too late
        hw5.escape_steps("quartic", [0.0, 1e-9], 0.1, 0.5, max_steps=100)
    assert hw5.escape_steps("quartic", [0.0, 1e-9], 0.1, 0.5, max_steps=300) > 100
    with pytest.raises(ValueError):
        hw5.escape_steps("monkey", [0.1, 0.1], 0.1, 0.5)
    with pytest.raises(ValueError):
        hw5.predicted_escape_steps("monkey", 1e-3, 0.1, 0.5)


def test_is_the_prediction_an_int_zero_beyond_threshold_and_monotone():
    assert hw5.predicted_escape_steps("quartic", 0.5, 0.1, 0.5) == 0
    assert hw5.predicted_escape_steps("factorization", 0.9, 0.1, 0.5) == 0
    preds = [hw5.predicted_escape_steps("quartic", d, 0.1, 0.5) for d in np.geomspace(1e-12, 0.4, 50)]
    assert all(isinstance(p, int) for p in preds)
    assert all(a >= b for a, b in zip(preds, preds[1:]))
    # at an exact power (1 + lr)^n the ratio's log is n up to round-off
    for n in (1, 7, 40):
        p = hw5.predicted_escape_steps("quartic", 0.5 / 1.25 ** n, 0.25, 0.5)
        assert abs(p - n) <= 1
