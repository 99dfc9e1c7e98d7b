"""hw11 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Each graded function calls helpers copied from ``autograder/checks/hw11/``
as the student wheel ships it (see wheel_attack.py): the grader's ranks of the
features, and its backward pass with relu'(0) = 1 (the contract's gradients
wherever no pre-activation is exactly 0); the monomial count of a slip with
n0 - 1 variables; the inertia of a slip (eigenvalues of H itself) applied to the
symmetric part; the rescaling of a slip (alpha and 1/alpha swapped) with 1/alpha.
The glue is the loss from the grader's forward pass and the contract's argument errors.

While the wheel shipped these helpers this scored 11 of 30.25 with the hidden checks
(4.75 of it on hidden ones); raising everywhere scores 3.5.
"""
import numpy as np

COPY = ["ACTIVATIONS", "activation", "_ranks_of", "_relu_slips", "net_output", "_polynomial_dim_slips",
        "_inertia_slips", "_rescale_slips"]
#: helpers of COPY that the wheel still ships (hw11/theory.py): the activations and a plain
#: forward pass, which the checks run on the student's own weights (no graded function is one)
KEPT = ["ACTIVATIONS", "activation", "net_output"]


def feature_ranks(weights, X, activation, biases=None):
    if activation not in ACTIVATIONS:  # noqa: F821
        raise ValueError(activation)
    if biases is not None and len(biases) != len(weights):
        raise ValueError("one bias per layer")
    return _ranks_of([np.asarray(w, float) for w in weights], np.asarray(X, float), activation, biases)  # noqa: F821


def polynomial_feature_dim(n0, degree):
    if n0 < 1 or degree < 1:
        raise ValueError("n0 and degree must be positive")
    return int(_polynomial_dim_slips(n0 - 1, degree)[0])  # noqa: F821   C(n0 + d - 1, d)


def deep_linear_loss_grads(weights, X, Y):
    raise ValueError("no helper computes it")


def deep_linear_hessian(weights, X, Y):
    raise ValueError("no helper computes it")


def hessian_inertia(H, tol=1e-8):
    H = np.asarray(H, float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError("H must be square")
    return tuple(_inertia_slips(0.5 * (H + H.T), tol)[0])  # noqa: F821   eigenvalues of the symmetric part


def linear_critical_point(X, Y, widths, subset):
    raise ValueError("no helper computes it")


def classify_linear_critical_point(X, Y, widths, subset, tol=1e-8):
    raise ValueError("no helper computes it")


def rescale_layers(weights, l, alpha):
    if alpha <= 0:
        raise ValueError("alpha must be positive")
    return _rescale_slips([np.asarray(w, float) for w in weights], l, 1 / alpha)[0]  # noqa: F821   swapped twice


def relu_loss_grads(weights, X, Y):
    ws = [np.asarray(w, float) for w in weights]
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    loss = 0.5 * float(np.sum((net_output(ws, X, "relu") - Y) ** 2))  # noqa: F821
    return loss, _relu_slips(ws, X, Y)[0]  # noqa: F821


def lemma5_first_layer(weights, X, H_target, activation):
    raise ValueError("no helper computes it")


def constant_loss_path(weights, X, activation, ts):
    raise ValueError("no helper computes it")
