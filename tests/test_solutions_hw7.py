"""Does the hw7 reference (solutions/hw7.py) agree with independent computations?

Closed forms (2.133), (2.141), (2.151) against quadrature of their ODEs, the
exact flow time of (2.140) against mpmath, the discrete dynamics (2.138)
against an explicit L+1-factor simulation and the flow, (2.145) against the
Hessian computed by torch, the errata (2.141), (2.145)-(2.147), (2.149) by
their numbers, and gradient descent on real matrices (2.136) against autograd
and against the decoupled modes (2.137).
"""
import math

import numpy as np
import pytest
import torch
from scipy import integrate

from solutions import hw7

Z_STAT = 4.5  # two-sided normal tail 6.8e-6: the false-failure probability of each sampling test


def _quad(f, a, b):
    return integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-12, limit=200)[0]


# --- flow times: closed forms against quadrature of their ODEs -------------------

FLOW_CASES = [  # (s, eta, u0, uf): up from small u0, short hops, down from above s
    (1.0, 1.0, 0.01, 0.99),
    (2.5, 0.3, 0.2, 2.4),
    (0.7, 2.0, 0.35, 0.36),
    (3.0, 0.1, 5.0, 3.2),
    (1.0, 1.0, 1e-4, 1.0 - 1e-6),
]


@pytest.mark.parametrize("s, eta, u0, uf", FLOW_CASES)
def test_shallow_time_is_the_integral_of_2_132(s, eta, u0, uf):
    """Is (2.133) the time the ODE u' = 2 eta u (s - u) needs from u0 to uf?"""
    want = _quad(lambda u: 1.0 / (2.0 * eta * u * (s - u)), u0, uf)
    assert hw7.shallow_mode_time(s, eta, u0, uf) == pytest.approx(want, rel=1e-9)


def test_shallow_time_matches_2_134():
    """From eps to s - eps, is the time ln(s/eps - 1)/(s eta) as (2.134) says?"""
    s, eta, eps = 2.0, 0.5, 2.0 ** -np.array([3, 10, 20])  # s - eps exact in float64
    got = hw7.shallow_mode_time(s, eta, eps, s - eps)
    np.testing.assert_allclose(got, np.log(s / eps - 1.0) / (s * eta), rtol=1e-12)


@pytest.mark.parametrize("depth", [1, 4, 17])
@pytest.mark.parametrize("s, eta, u0, uf", FLOW_CASES)
def test_deep_time_is_the_integral_of_the_approximate_ode(s, eta, u0, uf, depth):
    """Is (2.141) the time of u' = eta (L+1) u^2 (s - u)?"""
    want = _quad(lambda u: 1.0 / (eta * (depth + 1) * u * u * (s - u)), u0, uf)
    assert hw7.deep_mode_time(s, eta, u0, uf, depth) == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("depth", [1, 2, 7, 40])
@pytest.mark.parametrize("s, eta, u0, uf", FLOW_CASES)
def test_exact_time_matches_mpmath(s, eta, u0, uf, depth):
    """Is exact_mode_time the integral of (2.140) to 1e-11, as 30-digit mpmath says?"""
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(30):
        p = mpmath.mpf(2 * depth) / (depth + 1)
        s_, u0_, uf_ = mpmath.mpf(s), mpmath.mpf(u0), mpmath.mpf(uf)
        # split at the middle so both ends keep their own near-singular behaviour
        mid = (u0_ + uf_) / 2
        f = lambda u: 1 / (u**p * (s_ - u))  # noqa: E731
        want = float((mpmath.quad(f, [u0_, mid]) + mpmath.quad(f, [mid, uf_])) / (eta * (depth + 1)))
    assert hw7.exact_mode_time(s, eta, u0, uf, depth) == pytest.approx(want, rel=1e-11)


def test_exact_time_at_one_hidden_layer_is_2_133():
    """At L = 1, 2L/(L+1) = 1 and (2.140) is (2.132): same time?"""
    s, eta, u0, uf = (np.array(c) for c in zip(*FLOW_CASES))
    np.testing.assert_allclose(hw7.exact_mode_time(s, eta, u0, uf, 1),
                               hw7.shallow_mode_time(s, eta, u0, uf), rtol=1e-12)


def test_errata_2_141_ratios():
    """Do the ratios (2.141)/(2.140) at s = eta = 1, eps = 0.01 match ERRATA
    (11.8, 2.9, 1.83, 1.14 at L = 1, 5, 10, 50), and tend to 1 for L >> 2 ln(1/eps)?"""
    depth = np.array([1, 5, 10, 50, 5000])
    ratio = hw7.deep_mode_time(1.0, 1.0, 0.01, 0.99, depth) / hw7.exact_mode_time(1.0, 1.0, 0.01, 0.99, depth)
    np.testing.assert_allclose(ratio[:4], [11.8, 2.9, 1.83, 1.14], rtol=0.005)  # ERRATA rounds
    assert abs(ratio[4] - 1.0) < 0.01
    assert np.all(np.diff(ratio) < 0)


def test_exact_time_is_not_monotone_in_depth():
    """ERRATA (2.141): the exact time first grows with L, then falls like 1/L."""
    t = hw7.exact_mode_time(1.0, 1.0, 0.01, 0.99, np.arange(1, 60))
    peak = int(np.argmax(t))
    assert 0 < peak < len(t) - 1
    assert np.all(np.diff(t[: peak + 1]) > 0) and np.all(np.diff(t[peak:]) < 0)


REACH = [  # (u0, uf, what): s = 1
    (0.3, 0.3, "zero"), (1.0, 1.0, "zero"), (0.0, 0.0, "zero"), (2.0, 2.0, "zero"),
    (0.3, 1.0, "inf"), (2.0, 1.0, "inf"),
    (0.3, 0.2, "nan"), (0.3, 1.5, "nan"), (2.0, 0.5, "nan"), (2.0, 2.5, "nan"),
    (0.0, 0.5, "nan"), (1.0, 0.5, "nan"), (-0.5, -0.6, "nan"), (0.5, -0.1, "nan"),
]


@pytest.mark.parametrize("fn", ["shallow", "deep", "exact", "optimal"])
def test_reachability_conventions(fn):
    """0 for uf == u0, inf for uf == s, NaN when the flow never passes uf?"""
    u0, uf, what = (np.array(c) for c in zip(*REACH))
    call = {"shallow": lambda: hw7.shallow_mode_time(1.0, 0.5, u0, uf),
            "deep": lambda: hw7.deep_mode_time(1.0, 0.5, u0, uf, 3),
            "exact": lambda: hw7.exact_mode_time(1.0, 0.5, u0, uf, 3),
            "optimal": lambda: hw7.optimal_steps(1.0, 3, u0, uf)}[fn]
    t = call()
    assert np.all(t[what == "zero"] == 0.0)
    assert np.all(np.isposinf(t[what == "inf"]))
    assert np.all(np.isnan(t[what == "nan"]))


def test_scalar_in_float_out_and_broadcasting():
    """Scalars give floats; arrays broadcast elementwise?"""
    assert isinstance(hw7.shallow_mode_time(1.0, 1.0, 0.1, 0.5), float)
    assert isinstance(hw7.deep_mode_time(1.0, 1.0, 0.1, 0.5, 3), float)
    assert isinstance(hw7.exact_mode_time(1.0, 1.0, 0.1, 0.5, 3), float)
    assert isinstance(hw7.top_hessian_eigenvalue(1.0, 0.5, 3), float)
    assert isinstance(hw7.optimal_steps(1.0, 3, 0.1, 0.5), float)
    s = np.array([[1.0], [2.0]])
    depth = np.array([1, 2, 3])
    for got, one in [
        (hw7.deep_mode_time(s, 0.5, 0.1, 0.5, depth), lambda i, j: hw7.deep_mode_time(s[i, 0], 0.5, 0.1, 0.5, depth[j])),
        (hw7.exact_mode_time(s, 0.5, 0.1, 0.5, depth), lambda i, j: hw7.exact_mode_time(s[i, 0], 0.5, 0.1, 0.5, depth[j])),
        (hw7.optimal_steps(s, depth, 0.1, 0.5), lambda i, j: hw7.optimal_steps(s[i, 0], depth[j], 0.1, 0.5)),
        (hw7.top_hessian_eigenvalue(s, 0.7, depth), lambda i, j: hw7.top_hessian_eigenvalue(s[i, 0], 0.7, depth[j])),
    ]:
        assert got.shape == (2, 3)
        for i in range(2):
            for j in range(3):
                assert got[i, j] == one(i, j)


# --- discrete dynamics (2.138) ---------------------------------------------------

def _factor_gd(s, lr, depth, u0, steps):
    """GD on E = (s - prod a)^2/2 with L+1 separate factors, gradient (2.142)."""
    a = np.full(depth + 1, u0 ** (1.0 / (depth + 1)))
    us = [np.prod(a)]
    for _ in range(steps):
        others = np.array([np.prod(np.delete(a, i)) for i in range(depth + 1)])
        a = a + lr * (s - np.prod(a)) * others
        us.append(np.prod(a))
    return np.array(us)


@pytest.mark.parametrize("s, lr, depth, u0", [(1.0, 0.05, 3, 0.01), (2.0, 0.02, 1, 0.5),
                                              (0.5, 0.1, 6, 2.0), (1.5, 0.01, 0, 0.2)])
def test_simulate_mode_follows_the_factor_dynamics(s, lr, depth, u0):
    """Is simulate_mode GD on the L+1 factors of (2.139), all updated at once?"""
    got = hw7.simulate_mode(s, lr, depth, u0, 60)
    assert got.shape == (61,)
    np.testing.assert_allclose(got, _factor_gd(s, lr, depth, u0, 60), rtol=1e-11)


@pytest.mark.parametrize("s, depth, u0, uf", [(1.0, 3, 0.01, 0.9), (2.0, 8, 0.05, 1.9), (1.0, 1, 0.1, 0.95),
                                              (1.0, 4, 3.0, 1.1)])
def test_small_steps_follow_the_exact_flow(s, depth, u0, uf):
    """At a small learning rate, is the number of GD steps from u0 to uf the
    exact flow time of (2.140) divided by lr, to within O(lr)?"""
    lr = 1e-3 / hw7.top_hessian_eigenvalue(s, s ** (1.0 / (depth + 1)), depth)
    t = hw7.exact_mode_time(s, lr, u0, uf, depth)
    u = hw7.simulate_mode(s, lr, depth, u0, int(2 * t) + 10)
    crossed = (u >= uf) if uf > u0 else (u <= uf)
    assert crossed.any()
    steps = int(np.argmax(crossed))
    assert abs(steps - t) <= 0.01 * t + 1


def test_simulate_mode_broadcasts_and_rejects_negative_u0():
    """Arrays of s, lr, u0 give (steps+1, ...) trajectories; u0 < 0 raises ValueError?"""
    s = np.array([1.0, 2.0, 3.0])
    got = hw7.simulate_mode(s, 0.01, 2, 0.1, 5)
    assert got.shape == (6, 3)
    for i in range(3):
        np.testing.assert_allclose(got[:, i], hw7.simulate_mode(s[i], 0.01, 2, 0.1, 5), rtol=1e-15)
    with pytest.raises(ValueError):
        hw7.simulate_mode(1.0, 0.1, 2, -0.1, 5)
    np.testing.assert_array_equal(hw7.simulate_mode(1.0, 0.1, 2, 0.0, 5), 0.0)  # a saddle


@pytest.mark.parametrize("depth", [1, 3, 10])
def test_learning_rate_limit_2_over_lambda1(depth):
    """Near the minimum u = s, does GD converge below lr = 2/lambda_1(s^{1/(L+1)})
    and diverge above it, as (2.150) presumes?"""
    s = 1.3
    lam = hw7.top_hessian_eigenvalue(s, s ** (1.0 / (depth + 1)), depth)
    assert lam == pytest.approx((depth + 1) * s ** (2 * depth / (depth + 1)), rel=1e-12)
    near = s * 1.001
    stable = hw7.simulate_mode(s, 1.9 / lam, depth, near, 400)
    unstable = hw7.simulate_mode(s, 2.1 / lam, depth, near, 400)
    assert abs(stable[-1] - s) < 1e-8
    assert not abs(unstable[-1] - s) < 1e-2


# --- Hessian (2.143)-(2.149) -----------------------------------------------------

def _torch_hessian(s, a, depth):
    def energy(x):
        return 0.5 * (s - torch.prod(x)) ** 2
    x = torch.full((depth + 1,), float(a), dtype=torch.float64)
    return torch.autograd.functional.hessian(energy, x).numpy()


@pytest.mark.parametrize("depth", [1, 2, 5, 12])
@pytest.mark.parametrize("s, a", [(1.0, 0.3), (1.0, 0.95), (2.0, 1.1), (0.5, -0.8), (1.0, 0.0)])
def test_hessian_eigenvalues_2_145(s, a, depth):
    """Is lambda_1 the Hessian's eigenvalue along (1,...,1), and are the others
    s a^{L-1} - a^{2L}, with lambda_1 - lambda_i = (L+1) a^{L-1} (2 a^{L+1} - s)?"""
    h = _torch_hessian(s, a, depth)
    ones = np.ones(depth + 1)
    lam1 = hw7.top_hessian_eigenvalue(s, a, depth)
    np.testing.assert_allclose(h @ ones, lam1 * ones, rtol=1e-12, atol=1e-12)
    lam_i = s * a ** (depth - 1) - a ** (2 * depth)
    eig = np.sort(np.linalg.eigvalsh(h))
    np.testing.assert_allclose(eig, np.sort([lam1] + [lam_i] * depth), atol=1e-12)
    assert lam1 - lam_i == pytest.approx((depth + 1) * a ** (depth - 1) * (2 * a ** (depth + 1) - s), abs=1e-12)


@pytest.mark.parametrize("depth", [1, 2, 5, 50])
def test_lambda1_is_largest_only_when_u_above_s_over_2(depth):
    """ERRATA (2.145)-(2.147): is lambda_1 the top eigenvalue exactly when u >= s/2, at every depth?"""
    s = 1.0
    u = np.linspace(0.005, 0.995, 100)  # steps over u = s/2, where round-off decides
    a = u ** (1.0 / (depth + 1))
    lam1 = hw7.top_hessian_eigenvalue(s, a, depth)
    lam_i = s * a ** (depth - 1) - a ** (2 * depth)
    np.testing.assert_array_equal(lam1 >= lam_i, u >= s / 2)


@pytest.mark.parametrize("depth", [2, 3, 6, 20])
def test_errata_2_149_minimum_of_lambda1(depth):
    """Is a* of (2.147) where lambda_1 is smallest on [0, s^{1/(L+1)}], its value
    (L+1)/2 times the notes' (2.149) (L = 3: -0.756, not -0.378), and the largest
    value the end point (L+1) s^{2L/(L+1)} of (2.148)?"""
    s, L = 1.7, depth
    ratio = (L - 1) / (2 * (1 + 2 * L))
    a_star = (s * ratio) ** (1 / (L + 1))
    printed = -s ** (2 * L / (L + 1)) * ratio ** ((L - 1) / (L + 1))
    grid = np.linspace(0.0, s ** (1 / (L + 1)), 20001)
    lam = hw7.top_hessian_eigenvalue(s, grid, L)
    assert grid[np.argmin(lam)] == pytest.approx(a_star, abs=2 * grid[1])
    assert hw7.top_hessian_eigenvalue(s, a_star, L) == pytest.approx((L + 1) / 2 * printed, rel=1e-12)
    assert lam.max() == pytest.approx((L + 1) * s ** (2 * L / (L + 1)), rel=1e-12)
    if L == 3:
        assert hw7.top_hessian_eigenvalue(1.0, (1.0 * ratio) ** 0.25, 3) == pytest.approx(-0.756, abs=5e-4)


def test_optimal_steps_is_2_141_at_the_rate_2_150():
    """Is t_opt of (2.151) the time (2.141) at eta = 1/((L+1) s^{2L/(L+1)})?"""
    s, depth = np.array([0.5, 1.0, 3.0]), np.array([[1], [4], [30]])
    eta = 1.0 / ((depth + 1) * s ** (2 * depth / (depth + 1)))
    np.testing.assert_allclose(hw7.optimal_steps(s, depth, 0.05 * s, 0.9 * s),
                               hw7.deep_mode_time(s, eta, 0.05 * s, 0.9 * s, depth), rtol=1e-12)


def test_optimal_steps_depend_on_depth_only_through_s_power():
    """(2.151): t_opt(L) / t_opt(1) = s^{(L-1)/(L+1)}, bounded by s as L grows?"""
    s, depth = 2.0, np.arange(1, 40)
    t = hw7.optimal_steps(s, depth, 0.01, 1.9)
    np.testing.assert_allclose(t / t[0], s ** ((depth - 1) / (depth + 1)), rtol=1e-12)


# --- real nets: orthogonal init and GD on matrices (2.136)-(2.137) ---------------

def test_orthogonal_weights_shapes_orthonormality_seed():
    """Right shapes, orthonormal columns (tall) or rows (wide), same seed same draw?"""
    widths = [3, 5, 5, 2, 4]
    ws = hw7.orthogonal_weights(widths, 7)
    assert [w.shape for w in ws] == [(5, 3), (5, 5), (2, 5), (4, 2)]
    for w in ws:
        gram = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
        np.testing.assert_allclose(gram, np.eye(min(w.shape)), atol=1e-13)
    for a, b in zip(ws, hw7.orthogonal_weights(widths, 7)):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(ws[1], hw7.orthogonal_weights(widths, 8)[1])
    with pytest.raises(ValueError):
        hw7.orthogonal_weights([4], 0)


@pytest.mark.parametrize("n_in, n_out", [(4, 4), (3, 6), (6, 3)])
def test_orthogonal_weights_are_haar(n_in, n_out):
    """Over 600 draws: partial trace mean 0 and variance min/max, sum of fourth
    powers 3 min/(max+2), consecutive layers uncorrelated, each within Z_STAT
    standard errors (ffp 6.8e-6 per statistic, by the central limit theorem)."""
    k, m = min(n_in, n_out), max(n_in, n_out)
    ws = [w for seed in range(100) for w in hw7.orthogonal_weights([n_in, n_out, n_in, n_out, n_in, n_out, n_in], seed)]
    tall = [w if w.shape[0] >= w.shape[1] else w.T for w in ws]
    tr = np.array([np.trace(w[:k, :k]) for w in tall])
    q4 = np.array([np.sum(w**4) for w in tall])
    for sample, mean in [(tr, 0.0), (tr**2, k / m), (q4, 3 * k / (m + 2))]:
        assert abs(sample.mean() - mean) < Z_STAT * sample.std(ddof=1) / math.sqrt(len(sample))
    cross = np.array([np.sum(a * b) for a, b in zip(ws[:-2], ws[2:])])  # same shapes two apart
    assert abs(cross.mean()) < Z_STAT * cross.std(ddof=1) / math.sqrt(len(cross))


def test_unsigned_qr_is_caught_by_the_trace_statistic():
    """Is the trace statistic able to see the classic slip (QR without the signs of diag R)?"""
    rng = np.random.default_rng(0)
    tr = np.array([np.trace(np.linalg.qr(rng.standard_normal((4, 4)))[0]) for _ in range(600)])
    assert abs(tr.mean()) > 3 * Z_STAT / math.sqrt(len(tr))  # Haar: standard error 1/sqrt(600)


def _torch_gd(weights, X, Y, lr, steps):
    ws = [torch.tensor(w, requires_grad=True) for w in weights]
    X, Y = torch.tensor(X), torch.tensor(Y)
    losses = []
    for t in range(steps + 1):
        out = X
        for w in ws:
            out = w @ out
        loss = 0.5 * torch.sum((Y - out) ** 2) / X.shape[1]
        losses.append(loss.item())
        if t == steps:
            break
        grads = torch.autograd.grad(loss, ws)
        with torch.no_grad():
            for w, g in zip(ws, grads):
                w -= lr * g
    return np.array(losses)


def test_deep_linear_gd_matches_autograd():
    """Is deep_linear_gd GD on loss (2.123) with the gradients (2.136), all layers at once?"""
    rng = np.random.default_rng(3)
    widths = [3, 5, 4, 2]
    ws = [rng.standard_normal((b, a)) / math.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]
    X, Y = rng.standard_normal((3, 11)), rng.standard_normal((2, 11))
    copy = [w.copy() for w in ws]
    got = hw7.deep_linear_gd(ws, X, Y, 0.07, 40)
    np.testing.assert_allclose(got, _torch_gd(ws, X, Y, 0.07, 40), rtol=1e-11)
    for a, b in zip(ws, copy):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        hw7.deep_linear_gd(ws, X[:2], Y, 0.1, 3)


@pytest.mark.parametrize("depth", [1, 3, 8])
def test_aligned_net_decouples_into_modes(depth):
    """With whitened inputs and W_l = R_{l+1} D_l R_l^T (2.137), is the loss of GD
    on the matrices sum_r (s_r - u_r)^2 / 2 with every u_r following simulate_mode?"""
    rng = np.random.default_rng(depth)
    n, lr, steps = 4, 0.05, 80
    s = np.array([2.0, 1.3, 0.8, 0.4])
    u0 = np.array([0.02, 0.1, 0.5, 1.2])
    rs = [np.linalg.qr(rng.standard_normal((n, n)))[0] for _ in range(depth + 2)]  # R_0 = V, R_{L+1} = U
    a = u0 ** (1.0 / (depth + 1))
    ws = [rs[l + 1] @ np.diag(a) @ rs[l].T for l in range(depth + 1)]
    X = math.sqrt(2 * n) * np.linalg.qr(rng.standard_normal((2 * n, n)))[0].T  # X X^T / batch = I
    Y = (rs[-1] @ np.diag(s) @ rs[0].T) @ X
    np.testing.assert_allclose(X @ X.T / X.shape[1], np.eye(n), atol=1e-13)
    u = hw7.simulate_mode(s, lr, depth, u0, steps)
    want = 0.5 * np.sum((s - u) ** 2, axis=1)
    np.testing.assert_allclose(hw7.deep_linear_gd(ws, X, Y, lr, steps), want, rtol=1e-9, atol=1e-14)
