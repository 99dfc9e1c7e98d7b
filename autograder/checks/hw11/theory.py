"""hw11's closed forms: what the checks compare a submission with (notes 3.1-3.3).

Pure functions of the grader's inputs, none of them a graded function: the
activations, the product of a linear net's layers, the output of a net, and
the rescaling symmetry (3.52) with what it does to the gradients. Each is
tested against an independent computation in
``tests/unit/checks/test_theory_hw11.py``.
"""
from collections.abc import Callable, Sequence

import numpy as np
from scipy.special import erf, expit

#: the activations phi the contract names, elementwise on arrays
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda t: t,
    "relu": lambda t: np.maximum(t, 0.0),
    "tanh": np.tanh,
    "erf": erf,
    "sigmoid": expit,
    "square": lambda t: t * t,
    "leaky_relu": lambda t: np.where(t >= 0, t, 0.1 * t),
    "asinh": np.arcsinh,
}


def activation(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The activation phi called ``name`` (leaky_relu: slope 0.1 below 0), as in (3.5)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: use one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def layer_product(ws: Sequence[np.ndarray]) -> np.ndarray:
    """A = W_L ... W_1 W_0, the linear net of (3.28) as one matrix (``ws`` from W_0 up)."""
    out = ws[0]
    for w in ws[1:]:
        out = w @ out
    return out


def net_output(ws: Sequence[np.ndarray], X: np.ndarray, act: str) -> np.ndarray:
    """H_{L+1} of (3.5): H_1 = W_0 X, X_l = phi(H_l), H_{l+1} = W_l X_l; no biases."""
    phi = activation(act)
    h = ws[0] @ X
    for w in ws[1:]:
        h = w @ phi(h)
    return h


def rescaling_tangent(ws: Sequence[np.ndarray], l: int) -> list[np.ndarray]:
    """d/d(alpha) at alpha = 1 of the orbit (W_{l+1}/alpha, alpha W_l) of (3.52).

    The tangent is -W_{l+1} in layer l + 1, W_l in layer l and zero elsewhere;
    the orbit keeps the net's function (positive homogeneity of ReLU, or any
    linear net), so the loss is constant along this direction.
    """
    v = [np.zeros_like(np.asarray(w, dtype=np.float64)) for w in ws]
    v[l + 1], v[l] = -np.asarray(ws[l + 1], dtype=np.float64), np.asarray(ws[l], dtype=np.float64)
    return v


def rescaled_gradient_factor(k: int, l: int, alpha: float) -> float:
    """How the gradient of layer k scales when (W_{l+1}, W_l) -> (W_{l+1}/alpha, alpha W_l).

    (3.52): the features x_{l+1} scale by alpha and the backpropagated
    G_{l+1} by 1/alpha, so grad_{l+1} is multiplied by alpha, grad_l by
    1/alpha and every other gradient is unchanged.
    """
    if k == l + 1:
        return alpha
    if k == l:
        return 1 / alpha
    return 1.0
