"""Does the hw9 reference (the NTK at finite width, notes 5.1.3, 5.2, 5.3) agree with theory?

Each function is checked another way: layer kernels against torch autodiff
of the whole net, and their expectations against the closed forms of a
depth-1 ReLU net; O_3 and the kernel velocity against finite differences of
the kernel; the linear net's moments against (5.97)-(5.98) and their
closed forms; Isserlis against (5.93) and Monte Carlo; H^inf against a Monte
Carlo of its defining expectation; gradient descent against the linearised
dynamics of Theorem 20.
"""
import math

import numpy as np
import pytest
import torch

from solutions import hw9

pytestmark = pytest.mark.hw9


def _weights(sizes, seed):
    r = np.random.default_rng(seed)
    return [r.standard_normal((b, a)) for a, b in zip(sizes[:-1], sizes[1:])]


def _autodiff_layers(Ws, X, s2, act, ntk):
    """Layer kernels by torch autodiff of f with respect to each layer's parameters."""
    phi = {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda h: h}[act]
    params = [torch.tensor(W if ntk else math.sqrt(s2 / W.shape[1]) * W, requires_grad=True) for W in Ws]
    grads = []
    for k in range(X.shape[1]):
        h = torch.tensor(X[:, k])
        for l, P in enumerate(params):
            scale = math.sqrt(s2 / P.shape[1]) if ntk else 1.0
            h = scale * (P @ (h if l == 0 else phi(h)))
        grads.append([g.detach().numpy().ravel() for g in torch.autograd.grad(h.sum(), params)])
    m = X.shape[1]
    return np.array([[[grads[i][l] @ grads[j][l] for j in range(m)] for i in range(m)]
                     for l in range(len(Ws))])


@pytest.mark.parametrize("sizes,act,param", [([3, 7, 1], "tanh", "ntk"), ([4, 6, 5, 1], "relu", "standard"),
                                             ([2, 5, 4, 6, 1], "linear", "ntk"), ([3, 8, 8, 1], "tanh", "standard")])
def test_layer_kernels_match_autodiff(sizes, act, param):
    """Are (5.35)-(5.36) by the backward vectors B_l the gradients' inner products?"""
    Ws = _weights(sizes, 1)
    X = np.random.default_rng(2).standard_normal((sizes[0], 3))
    got = hw9.layer_kernels(Ws, X, X, param, act, 1.7)
    want = _autodiff_layers(Ws, X, 1.7, act, param == "ntk")
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_parameterisations_differ_by_width_over_sigma2():
    Ws = _weights([3, 9, 5, 1], 4)
    X = np.random.default_rng(5).standard_normal((3, 2))
    std = hw9.layer_kernels(Ws, X, X, "standard", "tanh", 1.3)
    ntk = hw9.layer_kernels(Ws, X, X, "ntk", "tanh", 1.3)
    for l, n_l in enumerate([3, 9, 5]):
        np.testing.assert_allclose(std[l], n_l / 1.3 * ntk[l], rtol=1e-12)


def _relu_expected(x1, x2, n, s2, n0, param):
    """E Theta-hat(x1, x2) of a depth-1 ReLU net at width n (exact at every width)."""
    c = x1 @ x2 / math.sqrt((x1 @ x1) * (x2 @ x2))
    th = math.acos(max(-1.0, min(1.0, c)))
    k1 = s2 / n0 * math.sqrt((x1 @ x1) * (x2 @ x2)) / (2 * math.pi) * (math.sin(th) + (math.pi - th) * c)
    k0 = (math.pi - th) / (2 * math.pi)
    if param == "ntk":
        return s2 * k1 + s2 / n0 * (x1 @ x2) * s2 * k0
    return n * k1 + (x1 @ x2) * s2 * k0


@pytest.mark.parametrize("param", ["ntk", "standard"])
def test_width_sweep_means_match_closed_forms(param):
    """(5.37): standard grows like n, NTK stays put; both exact for a depth-1 ReLU net."""
    X = np.array([[1.0, 0.3], [0.5, -1.0], [-0.2, 0.8]])
    widths = [16, 256]
    out = hw9.kernel_width_sweep(X, widths, 1, param, 600, 3, "relu", 2.0)
    assert out.shape == (2, 600, 2, 2)
    for i, n in enumerate(widths):
        for a, b in ((0, 0), (0, 1)):
            want = _relu_expected(X[:, a], X[:, b], n, 2.0, 3, param)
            vals = out[i, :, a, b]
            assert abs(vals.mean() - want) <= 4.5 * vals.std(ddof=1) / math.sqrt(len(vals)), (n, a, b)


def test_width_sweep_ntk_spread_falls_like_inverse_sqrt_width():
    X = np.array([[1.0], [0.5], [-0.2]])
    widths = [16, 64, 256, 1024]
    out = hw9.kernel_width_sweep(X, widths, 1, "ntk", 300, 8, "relu", 2.0)
    sd = out[:, :, 0, 0].std(axis=1, ddof=1)
    slope, se = hw9.fit_power_law(widths, sd)
    assert abs(slope + 0.5) <= 0.1, (slope, se)


def test_fit_power_law_exact_line_and_stderr():
    x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    slope, se = hw9.fit_power_law(x, 3.0 * x**-0.5)
    assert abs(slope + 0.5) < 1e-12 and se < 1e-12
    r = np.random.default_rng(0)
    y = np.exp(0.7 * np.log(x) + r.normal(0, 0.1, x.size))
    slope, se = hw9.fit_power_law(x, y)
    b = np.polyfit(np.log(x), np.log(y), 1, cov=True)
    assert abs(slope - b[0][0]) < 1e-12 and abs(se - math.sqrt(b[1][0, 0])) < 1e-12
    for bad in ((x[:2], y[:2]), (x, -y), (x, y[:4])):
        with pytest.raises(ValueError):
            hw9.fit_power_law(*bad)


def test_tangent_tensors_against_finite_differences():
    """O_3(x1, x2, x3) is the derivative of Theta(x1, x2) along grad f(x3) (5.62); O_4 likewise."""
    Ws = _weights([3, 12, 1], 7)
    X = np.random.default_rng(8).standard_normal((3, 3))
    f, th, o3, o4 = hw9.tangent_tensors(Ws, X, "tanh")
    np.testing.assert_allclose(th, hw9.layer_kernels(Ws, X, X, "ntk", "tanh", 1.0).sum(0), rtol=1e-12)

    def grad_f(W, k):
        t = [torch.tensor(w, requires_grad=True) for w in W]
        out = t[1] @ torch.tanh(t[0] @ torch.tensor(X[:, k]) / math.sqrt(3)) / math.sqrt(12)
        return [g.numpy() for g in torch.autograd.grad(out.sum(), t)]

    eps = 1e-5
    for k in range(3):
        v = grad_f(Ws, k)
        plus = hw9.tangent_tensors([w + eps * g for w, g in zip(Ws, v)], X, "tanh")
        minus = hw9.tangent_tensors([w - eps * g for w, g in zip(Ws, v)], X, "tanh")
        np.testing.assert_allclose((plus[1] - minus[1]) / (2 * eps), o3[:, :, k], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose((plus[2] - minus[2]) / (2 * eps), o4[:, :, :, k], rtol=1e-5, atol=1e-9)
        np.testing.assert_allclose((plus[0] - minus[0]) / (2 * eps), th[:, k], rtol=1e-7)


def test_time_derivative_is_the_kernel_along_the_gradient_flow():
    Ws = _weights([2, 10, 1], 9)
    X = np.random.default_rng(10).standard_normal((2, 4))
    y = np.array([0.5, -1.0, 0.2, 0.9])
    f, th, _, _ = hw9.tangent_tensors(Ws, X, "tanh")
    # theta' = (lr/m) sum_k r_k grad f(x_k): a small Euler step of the flow
    t = [torch.tensor(w, requires_grad=True) for w in Ws]
    out = (t[1] @ torch.tanh(t[0] @ torch.tensor(X) / math.sqrt(2)) / math.sqrt(10)).ravel()
    lr, dt = 0.7, 1e-5
    step = torch.autograd.grad(out @ torch.tensor(y - f), t)
    move = [lr / 4 * g.numpy() for g in step]
    plus = hw9.layer_kernels([w + dt * d for w, d in zip(Ws, move)], X, X, "ntk", "tanh").sum(0)
    minus = hw9.layer_kernels([w - dt * d for w, d in zip(Ws, move)], X, X, "ntk", "tanh").sum(0)
    np.testing.assert_allclose(hw9.ntk_time_derivative(Ws, X, y, lr, "tanh"), (plus - minus) / (2 * dt),
                               rtol=1e-6, atol=1e-10)


def test_linear_net_corrections_match_closed_forms():
    """n E O_4 = 8 c^2, n^2 E O_3^2 = 16 c^3, n E dTheta/dt = -(2/m) sum_k (c11 ckk + c1k^2) at y = 0."""
    X = np.array([[1.0, 0.4, -0.7], [0.3, 1.2, 0.5]])
    C = X.T @ X / 2
    widths = [8, 64, 512]
    out = hw9.correction_sweep(X, np.zeros(3), widths, 4000, 11, "linear", 1.0)
    want = [-(2 / 3) * sum(C[0, 0] * C[k, k] + C[0, k] ** 2 for k in range(3)), 16 * C[0, 0] ** 3, 8 * C[0, 0] ** 2]
    for i, n in enumerate(widths):
        d, o3, o4 = out[i].T
        assert abs(n * d.mean() - want[0]) <= 4.5 * n * d.std(ddof=1) / math.sqrt(len(d))
        sq = (n * o3) ** 2
        assert abs(sq.mean() - want[1]) <= 4.5 * sq.std(ddof=1) / math.sqrt(len(sq))
        assert abs(n * o4.mean() - want[2]) <= 4.5 * n * o4.std(ddof=1) / math.sqrt(len(o4))


def test_tanh_corrections_scale_like_inverse_width():
    X = np.array([[1.0, 0.4], [0.3, -1.2]])
    widths = [16, 64, 256, 1024]
    out = hw9.correction_sweep(X, np.zeros(2), widths, 400, 12, "tanh")
    rms3 = np.sqrt((out[:, :, 1] ** 2).mean(axis=1))
    mean4 = out[:, :, 2].mean(axis=1)
    assert np.all(mean4 > 0) or np.all(mean4 < 0)
    assert abs(hw9.fit_power_law(widths, rms3)[0] + 1) < 0.06
    assert abs(hw9.fit_power_law(widths, np.abs(mean4))[0] + 1) < 0.06


def test_isserlis_against_the_four_point_formula_and_monte_carlo():
    r = np.random.default_rng(3)
    A = r.standard_normal((4, 4))
    cov = A @ A.T
    i, j, k, l = 0, 1, 2, 3
    want = cov[i, j] * cov[k, l] + cov[i, k] * cov[j, l] + cov[i, l] * cov[j, k]  # (5.93)
    assert math.isclose(hw9.isserlis_moment(cov, [i, j, k, l]), want, rel_tol=1e-12)
    assert math.isclose(hw9.isserlis_moment(cov, [2] * 6), 15 * cov[2, 2] ** 3, rel_tol=1e-12)
    assert hw9.isserlis_moment(cov, [0, 1, 2]) == 0.0
    est, se = hw9.monte_carlo_moment(cov, [0, 0, 1, 3], 400_000, 5)
    assert abs(est - hw9.isserlis_moment(cov, [0, 0, 1, 3])) <= 4.5 * se
    with pytest.raises(ValueError):
        hw9.isserlis_moment(cov, [0, 4])
    with pytest.raises(ValueError):
        hw9.isserlis_moment(A, [0, 1])


def test_linear_net_correlation_matches_notes_and_simulation():
    x = np.array([[0.6], [0.8]])
    X4 = np.repeat(x, 4, axis=1)
    for n in (1, 3, 50):
        assert math.isclose(hw9.linear_net_correlation(X4, n), 3 + 6 / n, rel_tol=1e-12)   # (5.97)
    assert hw9.linear_net_correlation(np.repeat(x, 3, axis=1), 5) == 0.0
    r = np.random.default_rng(6)
    X = r.standard_normal((2, 4))
    n, draws = 3, 400_000
    a = r.standard_normal((draws, n))
    W = r.standard_normal((draws, n, 2))
    f = np.einsum("dn,dnk,km->dm", a, W, X) / math.sqrt(n)
    prod = f.prod(axis=1)
    assert abs(prod.mean() - hw9.linear_net_correlation(X, n)) <= 4.5 * prod.std() / math.sqrt(draws)


def test_gram_infinity_is_its_expectation():
    r = np.random.default_rng(2)
    X = r.standard_normal((3, 4)) * np.array([1.0, 0.5, 2.0, 1.3])
    w = r.standard_normal((400_000, 3))
    on = (w @ X > 0).astype(float)
    mc = (on.T @ on) / len(w) * (X.T @ X)
    np.testing.assert_allclose(hw9.gram_infinity(X), mc, atol=5e-3 * np.abs(X.T @ X).max())


def test_label_complexity_true_below_random():
    r = np.random.default_rng(4)
    X = r.standard_normal((2, 20))
    X /= np.linalg.norm(X, axis=0)
    y_true = np.sign(X[0] + 0.3)
    rand = [hw9.label_complexity(X, r.choice([-1.0, 1.0], 20)) for _ in range(10)]
    assert hw9.label_complexity(X, y_true) < min(rand)


def test_du_training_converges_and_stays_linear():
    """Theorem 19: lambda_min(H(t)) >= lambda_0/2, loss -> 0; Theorem 20: u(t) near u'(t)."""
    r = np.random.default_rng(5)
    X = r.standard_normal((3, 5))
    X /= np.linalg.norm(X, axis=0)
    y = 0.8 * np.sin(2 * X[0])
    H = hw9.gram_infinity(X)
    lam0 = np.linalg.eigvalsh(H)[0]
    gaps, moves = [], []
    for n in (1024, 16384):
        u, mv, lam = hw9.train_two_layer_relu(X, y, n, 1.0, 60, 3)
        assert u.shape == (61, 5) and mv.shape == lam.shape == (61,)
        assert lam.min() >= lam0 / 2 and mv[0] == 0.0
        assert np.linalg.norm(y - u[-1]) < 0.05 * np.linalg.norm(y - u[0])
        lin = [u[0]]
        for _ in range(60):
            lin.append(y + (np.eye(5) - H) @ (lin[-1] - y))
        gaps.append(np.abs(u - np.array(lin)).max())
        moves.append(mv[-1])
    assert gaps[1] < gaps[0] and moves[1] < moves[0] / 2


@pytest.mark.skipif(torch.cuda.is_available(), reason="a machine without CUDA")
def test_cuda_asked_without_a_gpu_is_a_clear_error():
    X = np.ones((2, 2))
    with pytest.raises(RuntimeError, match="cuda"):
        hw9.kernel_width_sweep(X, [4], 1, "ntk", 2, 0, device="cuda")
    with pytest.raises(RuntimeError, match="cuda"):
        hw9.train_two_layer_relu(X, np.zeros(2), 4, 1.0, 1, 0, device="cuda")
    with pytest.raises(ValueError, match="device"):
        hw9.correction_sweep(X, np.zeros(2), [4], 2, 0, device="tpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA (the GPU profile; run by benchmarks/gpu_check.sh)")
def test_cuda_profile_agrees_with_theory():
    """The GPU profile's widths (x 64) on CUDA: exact means, the 1/n closed forms, Theorem 19's bound."""
    X = np.array([[1.0, 0.3], [0.5, -1.0], [-0.2, 0.8]])
    widths = [1024, 65536]
    out = hw9.kernel_width_sweep(X, widths, 1, "ntk", 200, 3, "relu", 2.0, device="cuda")
    for i, n in enumerate(widths):
        vals = out[i, :, 0, 1]
        want = _relu_expected(X[:, 0], X[:, 1], n, 2.0, 3, "ntk")
        assert abs(vals.mean() - want) <= 4.5 * vals.std(ddof=1) / math.sqrt(len(vals))
    Xl = np.array([[1.0, 0.4, -0.7], [0.3, 1.2, 0.5]])
    C = Xl.T @ Xl / 2
    S = hw9.correction_sweep(Xl, np.zeros(3), [1024, 16384], 400, 5, "linear", device="cuda")
    for i, n in enumerate([1024, 16384]):
        o4 = n * S[i, :, 2]
        assert abs(o4.mean() - 8 * C[0, 0] ** 2) <= 4.5 * o4.std(ddof=1) / math.sqrt(len(o4))
    Xu = X / np.linalg.norm(X, axis=0)
    Xu = np.concatenate([Xu, np.array([[0.0], [1.0], [0.0]])], axis=1)
    lam0 = np.linalg.eigvalsh(hw9.gram_infinity(Xu))[0]
    u, mv, lam = hw9.train_two_layer_relu(Xu, np.array([0.5, -0.5, 0.2]), 65536, 1.0, 40, 1, device="cuda")
    assert isinstance(u, np.ndarray) and lam.min() >= lam0 / 2 and mv[-1] < 0.1
