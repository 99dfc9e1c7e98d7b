"""Does the hw11 reference agree with theory computed independently?

Independent routes: torch autograd (float64) for the gradients and the
Hessian; a symbolic count of monomials for polynomial_feature_dim; SymPy's
polynomial span for the rank caps of square features; the closed-form loss
of the critical points; the defining identities (3.23) and (3.52); and a
direct check that Lemma 5's curve keeps the output. Nothing here is random
beyond fixed seeds, so no test has a false-failure probability.
"""
import itertools
import math

import numpy as np
import pytest
import torch

from solutions import hw11


def _rng(seed):
    return np.random.default_rng(seed)


def _torch_loss(ws, X, Y, relu=False):
    shapes = [w.shape for w in ws]
    Xt, Yt = torch.tensor(X), torch.tensor(Y)

    def f(theta):
        i, h = 0, Xt
        for k, s in enumerate(shapes):
            W = theta[i:i + s[0] * s[1]].reshape(s)
            i += s[0] * s[1]
            h = W @ (torch.relu(h) if (relu and k > 0) else h)
        return 0.5 * ((h - Yt) ** 2).sum()
    theta = torch.tensor(np.concatenate([w.ravel() for w in ws]))
    return f, theta


@pytest.mark.parametrize("widths", [[3, 4, 2], [2, 3, 3, 2], [3, 2, 4, 3, 2]])
def test_linear_grads_and_hessian_match_autograd(widths):
    rng = _rng(sum(widths))
    ws = [rng.standard_normal((widths[l + 1], widths[l])) for l in range(len(widths) - 1)]
    X, Y = rng.standard_normal((widths[0], 5)), rng.standard_normal((widths[-1], 5))
    f, theta = _torch_loss(ws, X, Y)
    loss, grads = hw11.deep_linear_loss_grads(ws, X, Y)
    assert abs(loss - float(f(theta))) <= 1e-12 * abs(loss)
    g = torch.func.grad(f)(theta).numpy()
    assert np.allclose(np.concatenate([q.ravel() for q in grads]), g, rtol=1e-11, atol=1e-12)
    H = hw11.deep_linear_hessian(ws, X, Y)
    Ht = torch.func.hessian(f)(theta).numpy()
    assert np.allclose(H, Ht, rtol=1e-11, atol=1e-11 * np.abs(Ht).max())


def test_relu_grads_match_autograd():
    rng = _rng(7)
    ws = [rng.standard_normal(s) for s in [(5, 3), (4, 5), (2, 4)]]
    X, Y = rng.standard_normal((3, 6)), rng.standard_normal((2, 6))
    f, theta = _torch_loss(ws, X, Y, relu=True)
    loss, grads = hw11.relu_loss_grads(ws, X, Y)
    assert abs(loss - float(f(theta))) <= 1e-12 * loss
    g = torch.func.grad(f)(theta).numpy()
    assert np.allclose(np.concatenate([q.ravel() for q in grads]), g, rtol=1e-11, atol=1e-12)


def test_relu_rescaling_law_3_52():
    """Loss kept; grad_{l+1} times alpha, grad_l over alpha, the rest unchanged."""
    rng = _rng(8)
    ws = [rng.standard_normal(s) for s in [(5, 3), (4, 5), (3, 4), (2, 3)]]
    X, Y = rng.standard_normal((3, 6)), rng.standard_normal((2, 6))
    loss, g = hw11.relu_loss_grads(ws, X, Y)
    for l, alpha in [(0, 0.3), (1, 5.0), (2, 2.0)]:
        loss_a, g_a = hw11.relu_loss_grads(hw11.rescale_layers(ws, l, alpha), X, Y)
        assert abs(loss_a - loss) <= 1e-12 * loss
        for k in range(len(ws)):
            factor = alpha if k == l + 1 else (1 / alpha if k == l else 1.0)
            assert np.allclose(g_a[k], factor * g[k], rtol=1e-10, atol=1e-13)


def test_monomial_count():
    """C(n0 + d - 1, d) against an explicit enumeration of exponent vectors."""
    for n0 in range(1, 5):
        for d in range(6):
            count = sum(1 for e in itertools.product(range(d + 1), repeat=n0) if sum(e) == d)
            assert hw11.polynomial_feature_dim(n0, d) == count
    assert hw11.polynomial_feature_dim(30, 20) == math.comb(49, 20)
    with pytest.raises(ValueError):
        hw11.polynomial_feature_dim(0, 2)


def test_square_feature_ranks_reach_the_polynomial_cap():
    """Wide square layers: rank = min(m, cap) with cap = C(n0 + 2^l - 1, 2^l), the notebook's numbers."""
    rng = _rng(0)
    n0, widths, m = 2, [6, 8, 12], 12
    ws, n_in = [], n0
    for n in widths:
        ws.append(rng.standard_normal((n, n_in)) / np.sqrt(n_in))
        n_in = n
    X = rng.standard_normal((n0, m))
    assert hw11.feature_ranks(ws, X, "square") == [3, 5, 9]
    assert [hw11.polynomial_feature_dim(n0, 2 ** l) for l in (1, 2, 3)] == [3, 5, 9]
    assert hw11.feature_ranks(ws, X, "tanh") == [6, 8, 12]       # analytic, not polynomial: rank min(n_l, m)


def test_odd_activation_antipodal_inputs():
    rng = _rng(11)
    X = rng.standard_normal((3, 10))
    X[:, 5:] = -X[:, :5]
    ws = [rng.standard_normal((12, 3)), rng.standard_normal((12, 12)) / 3]
    b = [0.5 * rng.standard_normal(12), 0.5 * rng.standard_normal(12)]
    assert hw11.feature_ranks(ws, X, "tanh") == [5, 5]
    assert hw11.feature_ranks(ws, X, "erf") == [5, 5]
    assert hw11.feature_ranks(ws, X, "tanh", b) == [10, 10]
    assert hw11.feature_ranks(ws, X, "sigmoid")[0] == 6          # sigma(-z) = 1 - sigma(z)


@pytest.mark.parametrize("widths", [[3, 3, 3], [3, 4, 4, 3], [3, 3, 5, 4, 3], [4, 2, 4]])
def test_critical_points_have_zero_gradient_and_the_closed_form_loss(widths):
    rng = _rng(len(widths) * 10 + widths[1])
    X, Y = rng.standard_normal((widths[0], 9)), rng.standard_normal((widths[-1], 9))
    a_star = Y @ np.linalg.pinv(X)                        # an independent route to A*
    lam = np.sort(np.linalg.eigvalsh(a_star @ X @ Y.T))[::-1]
    kmax = min(widths[1:-1])
    for k in range(kmax + 1):
        for S in itertools.combinations(range(widths[-1]), k):
            ws = hw11.linear_critical_point(X, Y, widths, list(S))
            loss, grads = hw11.deep_linear_loss_grads(ws, X, Y)
            assert max(float(np.abs(g).max()) for g in grads) <= 1e-12 * np.linalg.norm(X) * np.linalg.norm(Y) * 10
            assert abs(loss - 0.5 * (np.sum(Y * Y) - lam[list(S)].sum())) <= 1e-10 * np.sum(Y * Y)


def test_two_layer_saddles_are_strict_and_deep_top_k_are_not():
    rng = _rng(3)
    X, Y = rng.standard_normal((3, 9)), rng.standard_normal((3, 9))
    for k in range(3):
        for S in itertools.combinations(range(3), k):
            assert hw11.classify_linear_critical_point(X, Y, [3, 3, 3], list(S)) == "strict_saddle"
    assert hw11.classify_linear_critical_point(X, Y, [3, 3, 3], [0, 1, 2]) == "global_minimum"
    deep = [3, 4, 4, 3]
    assert hw11.classify_linear_critical_point(X, Y, deep, []) == "non_strict_saddle"
    assert hw11.classify_linear_critical_point(X, Y, deep, [0]) == "non_strict_saddle"
    assert hw11.classify_linear_critical_point(X, Y, deep, [0, 1]) == "non_strict_saddle"
    assert hw11.classify_linear_critical_point(X, Y, deep, [1]) == "strict_saddle"
    # the origin of a net with L >= 2 has a zero Hessian
    ws = hw11.linear_critical_point(X, Y, deep, [])
    assert np.abs(hw11.deep_linear_hessian(ws, X, Y)).max() == 0.0


def test_non_strict_saddle_descends_at_third_order():
    """At the deep top-1 saddle the loss drops along eps (u_1 paths through every layer) like eps^3."""
    rng = _rng(3)
    X, Y = rng.standard_normal((3, 9)), rng.standard_normal((3, 9))
    widths = [3, 4, 4, 3]
    ws = hw11.linear_critical_point(X, Y, widths, [0])
    u, a_star = hw11._eig_desc(X, Y)[1:]
    loss0, _ = hw11.deep_linear_loss_grads(ws, X, Y)
    drops = []
    for eps in (1e-2, 5e-3):
        p = [w.copy() for w in ws]
        p[0][1] += eps * (u[:, 1] @ a_star) / np.linalg.norm(u[:, 1] @ a_star)
        p[1][1, 1] += eps
        p[2][:, 1] += eps * u[:, 1]
        drops.append(loss0 - hw11.deep_linear_loss_grads(p, X, Y)[0])
    assert drops[0] > 0 and drops[1] > 0
    assert 6 < drops[0] / drops[1] < 10                   # ~ 2^3: third order


def test_rescaling_tangent_is_a_zero_curvature_direction_and_inertia_is_kept():
    rng = _rng(4)
    X, Y = rng.standard_normal((3, 9)), rng.standard_normal((3, 9))
    ws = hw11.linear_critical_point(X, Y, [3, 3, 3], [1])
    H = hw11.deep_linear_hessian(ws, X, Y)
    v = np.concatenate([ws[0].ravel(), -ws[1].ravel()])
    assert np.linalg.norm(H @ v) <= 1e-12 * np.abs(H).max() * np.linalg.norm(v)
    base = hw11.hessian_inertia(H)
    for alpha in (0.25, 4.0):
        H_a = hw11.deep_linear_hessian(hw11.rescale_layers(ws, 0, alpha), X, Y)
        assert hw11.hessian_inertia(H_a) == base           # Sylvester's law of inertia
        assert not np.allclose(np.linalg.eigvalsh(H_a), np.linalg.eigvalsh(H))


@pytest.mark.parametrize("act", ["linear", "leaky_relu", "asinh"])
def test_lemma5_reaches_the_target_and_the_path_keeps_the_output(act):
    rng = _rng(5)
    X = rng.standard_normal((6, 4))
    ws = [rng.standard_normal(s) / np.sqrt(s[1]) * 1.5 for s in [(5, 6), (4, 5), (2, 4)]]
    phi = hw11._ACTIVATIONS[act]
    H_t = rng.standard_normal((2, 4))
    W0 = hw11.lemma5_first_layer(ws[1:], X, H_t, act)
    assert np.allclose(ws[2] @ phi(ws[1] @ phi(W0 @ X)), H_t, rtol=1e-10, atol=1e-10)     # (3.23)
    H = ws[2] @ phi(ws[1] @ phi(ws[0] @ X))
    ts = np.linspace(0, 1, 41)
    path = hw11.constant_loss_path(ws, X, act, ts)
    assert np.allclose(path[0], ws[0], atol=1e-12)
    assert np.allclose(path[-1], hw11.lemma5_first_layer(ws[1:], X, H, act), atol=1e-10)
    for P in path:
        assert np.allclose(ws[2] @ phi(ws[1] @ phi(P @ X)), H, rtol=1e-11, atol=1e-11)


def test_straight_line_does_not_keep_the_output_for_nonlinear_phi():
    rng = _rng(7)
    X = rng.standard_normal((6, 4))
    ws = [rng.standard_normal((5, 6)) / np.sqrt(6), rng.standard_normal((3, 5)) / np.sqrt(5)]
    H = ws[1] @ np.arcsinh(ws[0] @ X)
    end = hw11.lemma5_first_layer(ws[1:], X, H, "asinh")
    mid = ws[1] @ np.arcsinh((0.5 * ws[0] + 0.5 * end) @ X)
    assert np.abs(mid - H).max() > 1e-3


@pytest.mark.parametrize("call", [
    lambda: hw11.feature_ranks([np.eye(2)], np.eye(2), "softplus"),
    lambda: hw11.lemma5_first_layer([np.ones((2, 3))], np.eye(3), np.zeros((2, 3)), "tanh"),
    lambda: hw11.lemma5_first_layer([np.ones((3, 3))], np.eye(3), np.zeros((3, 3)), "linear"),
    lambda: hw11.rescale_layers([np.eye(2), np.eye(2)], 1, 2.0),
    lambda: hw11.rescale_layers([np.eye(2), np.eye(2)], 0, -1.0),
    lambda: hw11.linear_critical_point(np.eye(3), np.eye(3), [3, 2, 3], [0, 1, 2]),
    lambda: hw11.linear_critical_point(np.eye(3), np.eye(3), [3, 3, 3], [1, 1]),
])
def test_contract_errors(call):
    with pytest.raises(ValueError):
        call()
