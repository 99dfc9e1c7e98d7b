"""hw11's closed forms (autograder/checks/hw11/theory.py) against independent computations:
scalar math-module values, explicit loops over neurons and finite differences."""
import math

import numpy as np
import pytest

from autograder.checks.hw11 import theory

SCALAR = {
    "linear": lambda t: t,
    "relu": lambda t: max(t, 0.0),
    "tanh": math.tanh,
    "erf": math.erf,
    "sigmoid": lambda t: 1.0 / (1.0 + math.exp(-t)),
    "square": lambda t: t * t,
    "leaky_relu": lambda t: t if t >= 0 else 0.1 * t,
    "asinh": math.asinh,
}


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_activation_matches_the_scalar_function(name):
    t = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0])
    got = theory.activation(name)(t)
    want = np.array([SCALAR[name](float(x)) for x in t])
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)   # float64 round-off only


def test_activation_names_and_special_values():
    assert set(theory.ACTIVATIONS) == set(SCALAR)
    assert theory.activation("sigmoid")(np.array(0.0)) == 0.5
    assert theory.activation("leaky_relu")(np.array(-1.0)) == pytest.approx(-0.1, abs=1e-16)
    assert theory.activation("asinh")(np.array(math.sinh(1.5))) == pytest.approx(1.5, rel=1e-15)
    with pytest.raises(ValueError, match="softplus"):
        theory.activation("softplus")


def test_layer_product_is_the_linear_net():
    """(3.28): A x equals the layers applied one after the other."""
    rng = np.random.default_rng(0)
    widths = [3, 5, 4, 2]
    ws = [rng.standard_normal((widths[l + 1], widths[l])) for l in range(3)]
    A = theory.layer_product(ws)
    assert A.shape == (2, 3)
    for _ in range(3):
        x = rng.standard_normal(3)
        h = x
        for w in ws:
            h = np.array([sum(w[i, j] * h[j] for j in range(w.shape[1])) for i in range(w.shape[0])])
        np.testing.assert_allclose(A @ x, h, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(theory.layer_product(ws[:1]), ws[0])


@pytest.mark.parametrize("act", ["tanh", "relu", "asinh"])
def test_net_output_by_loops_over_neurons(act):
    """(3.5) written out neuron by neuron for a net of three layers."""
    rng = np.random.default_rng(1)
    widths = [3, 4, 3, 2]
    ws = [rng.standard_normal((widths[l + 1], widths[l])) for l in range(3)]
    X = rng.standard_normal((3, 5))
    phi = SCALAR[act]
    want = np.zeros((2, 5))
    for j in range(5):
        h = [sum(ws[0][i, a] * X[a, j] for a in range(3)) for i in range(4)]
        for w in ws[1:]:
            h = [sum(w[i, a] * phi(h[a]) for a in range(w.shape[1])) for i in range(w.shape[0])]
        want[:, j] = h
    np.testing.assert_allclose(theory.net_output(ws, X, act), want, rtol=1e-12, atol=1e-12)


def test_rescaling_tangent_is_the_orbit_derivative():
    """Central differences of alpha -> (W_{l+1}/alpha, alpha W_l) at alpha = 1 (3.52)."""
    rng = np.random.default_rng(2)
    widths = [3, 4, 4, 2]
    ws = [rng.standard_normal((widths[k + 1], widths[k])) for k in range(3)]
    h = 1e-5

    def orbit(alpha, l):
        out = [w.copy() for w in ws]
        out[l + 1], out[l] = ws[l + 1] / alpha, alpha * ws[l]
        return out
    for l in range(2):
        fd = [(a - b) / (2 * h) for a, b in zip(orbit(1 + h, l), orbit(1 - h, l))]
        for t, d in zip(theory.rescaling_tangent(ws, l), fd):
            np.testing.assert_allclose(t, d, rtol=0, atol=1e-8)   # O(h^2) truncation, entries O(1)


def _relu_loss(ws, X, Y):
    h = X
    for w in ws[:-1]:
        h = np.maximum(w @ h, 0.0)
    return 0.5 * float(np.sum((ws[-1] @ h - Y) ** 2))


def _finite_difference_grads(ws, X, Y, h=1e-6):
    grads = []
    for k, w in enumerate(ws):
        g = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            up = [v.copy() for v in ws]
            down = [v.copy() for v in ws]
            up[k][idx] += h
            down[k][idx] -= h
            g[idx] = (_relu_loss(up, X, Y) - _relu_loss(down, X, Y)) / (2 * h)
        grads.append(g)
    return grads


@pytest.mark.parametrize("l,alpha", [(0, 0.5), (1, 3.0)])
def test_rescaled_gradient_factor_by_finite_differences(l, alpha):
    """Gradients of a ReLU net's loss at the rescaled point, by finite differences, are the
    factors times those at the original point."""
    rng = np.random.default_rng(3)
    widths = [3, 5, 4, 2]
    ws = [rng.standard_normal((widths[k + 1], widths[k])) for k in range(3)]
    X, Y = rng.standard_normal((3, 6)), rng.standard_normal((2, 6))
    moved = [w.copy() for w in ws]
    moved[l + 1], moved[l] = ws[l + 1] / alpha, alpha * ws[l]
    assert _relu_loss(moved, X, Y) == pytest.approx(_relu_loss(ws, X, Y), rel=1e-12)
    before, after = _finite_difference_grads(ws, X, Y), _finite_difference_grads(moved, X, Y)
    for k in range(3):
        factor = theory.rescaled_gradient_factor(k, l, alpha)
        scale = max(1.0, float(np.abs(before[k]).max()))
        # central differences: truncation O(h^2) and round-off O(1e-16 / h), both far below 1e-6
        np.testing.assert_allclose(after[k], factor * before[k], rtol=0, atol=1e-6 * scale * max(alpha, 1 / alpha))
    assert theory.rescaled_gradient_factor(2, 0, alpha) == 1.0
