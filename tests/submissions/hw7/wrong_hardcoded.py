# A hostile submission: it returns the values the public checks print for
# their first case, whatever the input, identity matrices for the "random"
# orthogonal weights, and a made-up loss curve.
# EXPECT: fail shallow_mode_time, deep_mode_time, exact_mode_time, simulate_mode
# EXPECT: fail top_hessian_eigenvalue, optimal_steps, orthogonal_weights, deep_linear_gd
import numpy as np


def shallow_mode_time(s, eta, u0, uf):
    return 4.595119850134589 + 0 * np.asarray(s + eta + u0 + uf, dtype=float)


def deep_mode_time(s, eta, u0, uf, depth):
    return 18.030023115028026 + 0 * np.asarray(s + eta + u0 + uf + depth, dtype=float)


def exact_mode_time(s, eta, u0, uf, depth):
    return 6.218629071501806 + 0 * np.asarray(s + eta + u0 + uf + depth, dtype=float)


def simulate_mode(s, lr, depth, u0, steps):
    if u0 < 0:
        raise ValueError("u0 < 0")
    return np.linspace(u0, s, steps + 1)


def top_hessian_eigenvalue(s, a, depth):
    return -0.640625 + 0 * np.asarray(s + a + depth, dtype=float)


def optimal_steps(s, depth, u0, uf):
    return 84.51873016903626 + 0 * np.asarray(s + depth + u0 + uf, dtype=float)


def orthogonal_weights(widths, seed):
    if len(widths) < 2:
        raise ValueError("widths")
    return [np.eye(b, a) for a, b in zip(widths[:-1], widths[1:])]


def deep_linear_gd(weights, X, Y, lr, steps):
    if X.shape[0] != weights[0].shape[1]:
        raise ValueError("shapes")
    return np.exp(-lr * np.arange(steps + 1))
