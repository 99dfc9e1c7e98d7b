"""hw9's closed forms (the hidden helpers of autograder/checks/hw9/slipgen.py) against independent computations.

Monte Carlo comparisons draw from fixed seeds and allow Z = 5 standard errors
of the sample mean; for a correct formula each such assertion fails with
probability about 6e-7 (two-sided normal tail), and the seeds are fixed, so a
pass is reproducible.
"""
import math

import numpy as np
import pytest

from autograder.checks.hw9 import slipgen as theory

Z = 5.0
X3 = np.array([[1.0, 0.3, -0.4], [0.5, -1.0, 0.9], [-0.2, 0.8, 0.1]])


def _within(sample, exact, z=Z):
    sample = np.asarray(sample, dtype=float)
    se = sample.std(ddof=1) / math.sqrt(sample.size)
    assert abs(sample.mean() - exact) <= z * se, (sample.mean(), exact, se)


@pytest.mark.parametrize("a, b", [(0, 0), (0, 1), (1, 2)])
def test_arccos_kernels_match_monte_carlo(a, b):
    s2 = 1.7
    w = np.random.default_rng(1).standard_normal((400_000, 3))
    h = math.sqrt(s2 / 3) * w @ X3
    _within(np.maximum(h[:, a], 0) * np.maximum(h[:, b], 0), theory.arccos_kernel_1(X3, s2, a, b))
    _within((h[:, a] > 0) * (h[:, b] > 0), theory.arccos_kernel_0(X3, a, b))


def test_arccos_kernels_special_values():
    X = np.array([[1.0, -1.0, 2.0], [2.0, -2.0, 4.0]])     # x, -x, 2x
    # same direction: E [h]_+ [h']_+ = E h h' / 2, P(both > 0) = 1/2; opposite: both vanish
    assert theory.arccos_kernel_1(X, 2.0, 0, 2) == pytest.approx(2.0 / 2 * (X[:, 0] @ X[:, 2]) / 2, rel=1e-12)
    assert theory.arccos_kernel_0(X, 0, 2) == pytest.approx(0.5, rel=1e-12)
    assert theory.arccos_kernel_1(X, 2.0, 0, 1) == pytest.approx(0.0, abs=1e-12)
    assert theory.arccos_kernel_0(X, 0, 1) == pytest.approx(0.0, abs=1e-12)


def _depth1_relu_ntk(X, n, s2, param, a, b, draws, seed):
    """Theta-hat(x_a, x_b) of f = v_1 relu(V_0 x) for `draws` nets, the gradient by central
    differences over every parameter (exact: f is piecewise linear in each weight)."""
    n0 = X.shape[0]
    r = np.random.default_rng(seed)
    W0, W1 = r.standard_normal((draws, n, n0)), r.standard_normal((draws, n))
    # "ntk": differentiate in the standard-normal W_l (5.38); "standard": in V_l = sigma_w W_l / sqrt(n_l)
    c0, c1 = math.sqrt(s2 / n0), math.sqrt(s2 / n)
    m0, m1 = (c0, c1) if param == "ntk" else (1.0, 1.0)      # V_l = m_l P_l
    P0, P1 = (W0, W1) if param == "ntk" else (c0 * W0, c1 * W1)

    def f(p0, p1, x):
        return np.einsum("di,di->d", m1 * p1, np.maximum(np.einsum("dij,j->di", m0 * p0, x), 0))

    eps = 1e-6
    grads = {k: [] for k in (a, b)}
    for k in grads:
        x = X[:, k]
        for i in range(n):
            for j in range(n0):
                d = np.zeros((n, n0))
                d[i, j] = eps
                grads[k].append((f(P0 + d, P1, x) - f(P0 - d, P1, x)) / (2 * eps))
            d = np.zeros(n)
            d[i] = eps
            grads[k].append((f(P0, P1 + d, x) - f(P0, P1 - d, x)) / (2 * eps))
    return np.sum(np.array(grads[a]) * np.array(grads[b]), axis=0)


@pytest.mark.parametrize("param", ["ntk", "standard"])
@pytest.mark.parametrize("n", [1, 4])
def test_relu_ntk_mean_matches_monte_carlo(param, n):
    X = X3[:, :2]
    for a, b in ((0, 0), (0, 1)):
        sample = _depth1_relu_ntk(X, n, 1.3, param, a, b, draws=40_000, seed=10 + n)
        _within(sample, theory.relu_ntk_mean(X, n, 1.3, param, a, b))


def test_relu_feature_cov_matches_monte_carlo():
    X = X3 * np.array([1.0, 2.0, 0.5])
    w = np.random.default_rng(2).standard_normal((400_000, 3))
    feats = np.maximum(w @ X, 0)
    K = theory.relu_feature_cov(X)
    for k in range(3):
        for l in range(3):
            _within(feats[:, k] * feats[:, l], K[k, l], z=5.5)   # 9 entries: 5.5 standard errors each
    np.testing.assert_allclose(np.diag(K), np.sum(X * X, axis=0) / 2, rtol=1e-12)


def _linear_net_stats(X, lr, n, draws, seed):
    """Per draw of f(x) = n^(-1/2) a^T W x / sqrt(n0) at y = 0: (n dTheta/dt(x_1, x_1), n^2 O_3^2,
    n O_4), the derivatives along the flow and along grad f(x_1) by central differences (exact
    for the polynomials of degree 2 in the weights that these are)."""
    n0, m = X.shape
    r = np.random.default_rng(seed)
    a, W = r.standard_normal((draws, n)), r.standard_normal((draws, n, n0))
    s = 1.0 / math.sqrt(n * n0)

    def f(a, W, x):
        return s * np.einsum("di,dij,j->d", a, W, x)

    def grad(a, W, x):
        return s * np.einsum("dij,j->di", W, x), s * a[:, :, None] * x[None, None, :]

    def theta(a, W):
        ga, gW = grad(a, W, X[:, 0])
        return np.sum(ga * ga, axis=1) + np.sum(gW * gW, axis=(1, 2))

    def along(fun, a, W, da, dW, h=1.0):
        return (fun(a + h * da, W + h * dW) - fun(a - h * da, W - h * dW)) / (2 * h)

    def o3(a, W):
        return along(theta, a, W, *grad(a, W, X[:, 0]))

    flow_a, flow_W = np.zeros_like(a), np.zeros_like(W)
    for k in range(m):
        ga, gW = grad(a, W, X[:, k])
        fk = f(a, W, X[:, k])
        flow_a -= lr / m * fk[:, None] * ga          # dtheta/dt = lr/m sum_k (y_k - f_k) grad f_k
        flow_W -= lr / m * fk[:, None, None] * gW
    dtheta = along(theta, a, W, flow_a, flow_W)
    return n * dtheta, (n * o3(a, W)) ** 2, n * along(o3, a, W, *grad(a, W, X[:, 0]))


@pytest.mark.parametrize("n", [2, 5])
def test_linear_net_corrections_match_monte_carlo(n):
    X = np.array([[1.0, 0.4, -0.7], [0.3, 1.2, 0.5]])
    lr = 0.8
    samples = _linear_net_stats(X, lr, n, draws=200_000, seed=20 + n)
    for sample, exact in zip(samples, theory.linear_net_corrections(X, lr)):
        _within(sample, exact)


@pytest.mark.parametrize("k, count", [(2, 1), (4, 3), (6, 15), (8, 105), (3, 0), (5, 0)])
def test_isserlis_pairings_are_the_perfect_matchings(k, count):
    found = list(theory.isserlis_pairings(list(range(k))))
    assert len(found) == count
    assert len({frozenset(frozenset(p) for p in m) for m in found}) == count     # all distinct
    for m in found:
        assert sorted(i for p in m for i in p) == list(range(k))                # each a partition


def test_isserlis_pairing_sum_matches_monte_carlo():
    A = np.random.default_rng(3).standard_normal((4, 4))
    cov = A @ A.T / 4 + 0.3 * np.eye(4)
    z = np.random.default_rng(4).multivariate_normal(np.zeros(4), cov, size=400_000)
    for idx in ([0, 1, 2, 3], [0, 0, 1, 2], [2, 2, 2, 2]):
        exact = sum(math.prod(cov[i, j] for i, j in p) for p in theory.isserlis_pairings(idx))
        _within(np.prod(z[:, idx], axis=1), exact)
    # the fourth moment of a standard normal is 3
    assert sum(1 for _ in theory.isserlis_pairings([0, 0, 0, 0])) == 3


@pytest.mark.parametrize("param", ["ntk", "standard"])
def test_relu_ntk_line_last_layer_matches_monte_carlo(param):
    """The last layer's kernel alone: (s2/n or 1) sum_i relu(h_i(x_a)) relu(h_i(x_b)), h = sqrt(s2/n0) W_0 x."""
    X, s2, n = X3[:, :2], 1.3, 4
    r = np.random.default_rng(7)
    h = math.sqrt(s2 / 3) * np.einsum("dij,jk->dik", r.standard_normal((100_000, n, 3)), X)
    feats = np.maximum(h, 0)
    for a, b in ((0, 0), (0, 1)):
        sample = (s2 / n if param == "ntk" else 1.0) * np.sum(feats[:, :, a] * feats[:, :, b], axis=1)
        slope, intercept = theory.relu_ntk_line(X, s2, param, a, b, last_layer_only=True)
        _within(sample, slope * n + intercept)
        # and the whole kernel's line is relu_ntk_mean at every width
        slope, intercept = theory.relu_ntk_line(X, s2, param, a, b)
        assert slope * 7 + intercept == pytest.approx(theory.relu_ntk_mean(X, 7, s2, param, a, b), rel=1e-14)


def _tanh_net(W0, W1, x):
    return float(W1[0] @ np.tanh(W0 @ x / math.sqrt(W0.shape[1])) / math.sqrt(W0.shape[0]))


def _numeric_grad(fun, Ws, eps=1e-6):
    out = []
    for l, W in enumerate(Ws):
        g = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            plus = [w.copy() for w in Ws]
            minus = [w.copy() for w in Ws]
            plus[l][idx] += eps
            minus[l][idx] -= eps
            g[idx] = (fun(*plus) - fun(*minus)) / (2 * eps)
        out.append(g)
    return out


def test_tangent_directions_and_flow_are_gradients():
    """grad f(x_k) and the gradient-flow velocity -lr grad (1/2m) sum_k (y_k - f(x_k))^2, against
    central differences (step 1e-6: error ~1e-10 on these O(1) smooth functions)."""
    r = np.random.default_rng(3)
    Ws = [r.standard_normal((5, 3)), r.standard_normal((1, 5))]
    X, y, lr = r.standard_normal((3, 4)), r.standard_normal(4), 0.7
    for k, (g0, g1) in enumerate(theory.tangent_directions(Ws, X)):
        n0, n1 = _numeric_grad(lambda W0, W1: _tanh_net(W0, W1, X[:, k]), Ws)
        np.testing.assert_allclose(g0, n0, atol=1e-8)
        np.testing.assert_allclose(g1, n1, atol=1e-8)
    loss = lambda W0, W1: sum((y[k] - _tanh_net(W0, W1, X[:, k])) ** 2 for k in range(4)) / 8
    n0, n1 = _numeric_grad(loss, Ws)
    d0, d1 = theory.flow_direction(Ws, X, y, lr)
    np.testing.assert_allclose(d0, -lr * n0, atol=1e-8)
    np.testing.assert_allclose(d1, -lr * n1, atol=1e-8)
