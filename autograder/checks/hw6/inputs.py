"""Fixed inputs of hw6's cases, drawn from fixed seeds."""
import numpy as np


def scaled_inputs(n0, m, seed, lo=0.4, hi=1.5):
    """m columns with |x|^2 / n0 spread over [lo, hi] (tanh stays at q_1 <= 2.3)."""
    X = np.random.default_rng(seed).standard_normal((n0, m))
    r = np.linspace(lo, hi, m)[np.random.default_rng(seed + 1).permutation(m)]
    return X * np.sqrt(r * n0) / np.linalg.norm(X, axis=0)


def unit_columns(n0, m, seed):
    """m Gaussian directions in R^n0, as unit columns."""
    X = np.random.default_rng(seed).standard_normal((n0, m))
    return X / np.linalg.norm(X, axis=0)


def gaussian_weights(widths, seed):
    """Standard-normal W_l of shapes (widths[l + 1], widths[l]) (the NTK parameterisation (5.38))."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((b, a)) for a, b in zip(widths[:-1], widths[1:])]


def spd_matrix(m, seed, cond=None):
    """A symmetric positive definite m x m kernel matrix; with ``cond``, of that condition number."""
    A = np.random.default_rng(seed).standard_normal((m, m))
    if cond is None:
        return A @ A.T / m + 0.5 * np.eye(m)
    Q = np.linalg.qr(A)[0]
    return (Q * np.geomspace(1.0, 1.0 / cond, m)) @ Q.T
