"""hw9 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Each graded function calls helpers copied from ``autograder/checks/hw9/`` as the
student wheel ships it (see wheel_attack.py): the layer kernels with a "slip" that is
none, the log-log fit with the right degrees of freedom, the Isserlis pairing sum, the
arc-cosine Gram matrix one factor away from H^inf, and normal draws around the exact
means of the width sweeps.

While the wheel shipped these helpers (diagnosis.py and theory.py) this scored 17.5 of 33
with the hidden checks (6.25 of it on hidden ones); raising everywhere scores 2.25.
"""
import math

import numpy as np

COPY = ["_activation", "_activation_derivative", "_layer_kernels_slip", "_fit_slip", "_isserlis_pairings",
        "_pairing_sum", "_gram_slip", "_angle", "_arccos_kernel_1", "_arccos_kernel_0", "_relu_ntk_line",
        "_relu_ntk_mean", "_tangent_directions", "_flow_direction"]
#: helpers of COPY that the wheel still ships
KEPT = []

_PARAMS = ("ntk", "standard")


def layer_kernels(weights, X1, X2, parameterisation, activation="relu", sigma_w2=2.0):
    if parameterisation not in _PARAMS or activation not in ("tanh", "relu", "linear"):
        raise ValueError("unknown parameterisation or activation")
    Ws = [np.asarray(w, float) for w in weights]
    return _layer_kernels_slip(Ws, np.asarray(X1, float), np.asarray(X2, float),  # noqa: F821
                               parameterisation == "ntk", activation, sigma_w2)


def kernel_width_sweep(X, widths, depth, parameterisation, n_seeds, seed, activation="relu", sigma_w2=2.0,
                       device="cpu"):
    if parameterisation not in _PARAMS:
        raise ValueError("unknown parameterisation")
    X = np.asarray(X, float)
    m = X.shape[1]
    r = np.random.default_rng(seed)
    out = np.empty((len(widths), n_seeds, m, m))
    for i, n in enumerate(widths):
        mean = np.array([[_relu_ntk_mean(X, n, sigma_w2, parameterisation, a, b)  # noqa: F821
                          for b in range(m)] for a in range(m)])
        noise = r.standard_normal((n_seeds, 1, 1)) * np.abs(mean) / math.sqrt(n)
        out[i] = mean + noise
    return out


def fit_power_law(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 3 or np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("bad data")
    slope, se = _fit_slip(x, y)  # noqa: F821
    return float(slope), float(se)


def tangent_tensors(weights, X, activation="tanh"):
    raise ValueError("no helper computes it")


def ntk_time_derivative(weights, X, y, lr=1.0, activation="tanh"):
    raise ValueError("no helper computes it")


def correction_sweep(X, y, widths, n_seeds, seed, activation="tanh", lr=1.0, device="cpu"):
    raise ValueError("no helper computes it")


def isserlis_moment(cov, indices):
    cov = np.asarray(cov, float)
    if not np.allclose(cov, cov.T) or any(not 0 <= i < cov.shape[0] for i in indices):
        raise ValueError("bad covariance or index")
    return float(_pairing_sum(cov, list(indices))) if len(indices) % 2 == 0 else 0.0  # noqa: F821


def monte_carlo_moment(cov, indices, n_samples, seed):
    raise ValueError("no helper computes it")


def linear_net_correlation(X, n):
    raise ValueError("no helper computes it")


def gram_infinity(X):
    X = np.asarray(X, float)
    if np.any(np.linalg.norm(X, axis=0) == 0):
        raise ValueError("zero column")
    return (X.T @ X) * _gram_slip(X, "noinner")  # noqa: F821


def label_complexity(X, y):
    y = np.asarray(y, float)
    return float(y @ np.linalg.solve(gram_infinity(X), y))


def train_two_layer_relu(X, y, width, lr, steps, seed, device="cpu"):
    raise ValueError("no helper computes it")
