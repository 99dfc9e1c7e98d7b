# A correct solution written differently from the reference: explicit loops
# over np.ndindex, the exact flow time in closed form through the
# hypergeometric function 2F1, the mode iterated on Python floats, Haar
# matrices as the polar factor U V^T of a Gaussian matrix, and the gradients
# of (2.136) from prefix and suffix products instead of a backward pass.
# EXPECT: pass all
import math

import numpy as np
from scipy.special import hyp2f1


def _elementwise(fn, *args):
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args))
    out = np.empty(arrays[0].shape)
    for idx in np.ndindex(out.shape):
        out[idx] = fn(*(float(a[idx]) for a in arrays))
    if all(np.ndim(a) == 0 for a in args):
        return float(out)
    return out


def _status(s, u0, uf):
    if uf == u0 and u0 >= 0:
        return 0.0
    if s <= 0 or u0 <= 0 or uf < 0 or u0 == s:
        return math.nan
    if uf == s:
        return math.inf
    going_up = u0 < s
    if (going_up and u0 < uf < s) or (not going_up and s < uf < u0):
        return None  # finite: compute it
    return math.nan


def _log_ratio(s, u0, uf):
    return math.log(uf * (u0 - s) / (u0 * (uf - s)))


def shallow_mode_time(s, eta, u0, uf):
    def one(s, eta, u0, uf):
        st = _status(s, u0, uf) if eta > 0 else math.nan
        return st if st is not None else _log_ratio(s, u0, uf) / (2 * s * eta)
    return _elementwise(one, s, eta, u0, uf)


def deep_mode_time(s, eta, u0, uf, depth):
    def one(s, eta, u0, uf, L):
        st = _status(s, u0, uf) if eta > 0 else math.nan
        if st is not None:
            return st
        return (1 / u0 - 1 / uf + _log_ratio(s, u0, uf) / s) / ((L + 1) * s * eta)
    return _elementwise(one, s, eta, u0, uf, depth)


def _antiderivative(s, p, u):
    """An antiderivative of u^-p / (s - u) in u (below s) or, above s, of the
    same integrand written in w = s/u."""
    if u < s:
        v = u / s
        if p == 1.0:
            return math.log(v / (1 - v)) / s
        return s ** (-p) * v ** (1 - p) / (1 - p) * hyp2f1(1.0, 1 - p, 2 - p, v)
    w = s / u
    return s ** (-p) * w**p / p * hyp2f1(1.0, p, p + 1, w)


def exact_mode_time(s, eta, u0, uf, depth):
    def one(s, eta, u0, uf, L):
        st = _status(s, u0, uf) if eta > 0 else math.nan
        if st is not None:
            return st
        p = 2 * L / (L + 1)
        return (_antiderivative(s, p, uf) - _antiderivative(s, p, u0)) / (eta * (L + 1))
    return _elementwise(one, s, eta, u0, uf, depth)


def simulate_mode(s, lr, depth, u0, steps):
    if u0 < 0:
        raise ValueError("negative u0")
    s, lr, u0 = float(s), float(lr), float(u0)
    n = depth + 1
    a = u0 ** (1 / n)
    us = [u0]
    for _ in range(steps):
        try:
            a += lr * (s - a**n) * a**depth
            us.append(a**n)
        except OverflowError:
            a = math.inf
            us.append(math.inf)
    return np.array(us)


def top_hessian_eigenvalue(s, a, depth):
    def one(s, a, L):
        diag = a ** (2 * L)
        off = 2 * a ** (2 * L) - (s * a ** (L - 1) if L > 0 else 0.0)
        return diag + L * off
    return _elementwise(one, s, a, depth)


def optimal_steps(s, depth, u0, uf):
    def one(s, L, u0, uf):
        eta = 1 / ((L + 1) * s ** (2 * L / (L + 1)))
        st = _status(s, u0, uf)
        if st is not None:
            return st
        return (1 / u0 - 1 / uf + _log_ratio(s, u0, uf) / s) / ((L + 1) * s * eta)
    return _elementwise(one, s, depth, u0, uf)


def orthogonal_weights(widths, seed):
    if len(widths) < 2 or any(w < 1 for w in widths):
        raise ValueError("widths")
    rng = np.random.default_rng(seed)
    out = []
    for l in range(len(widths) - 1):
        g = rng.normal(size=(widths[l + 1], widths[l]))
        u, _, vt = np.linalg.svd(g, full_matrices=False)
        out.append(u @ vt)  # polar factor of a Gaussian matrix: Haar
    return out


def deep_linear_gd(weights, X, Y, lr, steps):
    ws = [np.array(w, dtype=float) for w in weights]
    if any(a.shape[0] != b.shape[1] for a, b in zip(ws[:-1], ws[1:])) or \
            ws[0].shape[1] != X.shape[0] or ws[-1].shape[0] != Y.shape[0]:
        raise ValueError("the shapes do not chain")
    B = X.shape[1]
    Sxx, Syx = X @ X.T / B, Y @ X.T / B
    losses = []
    for t in range(steps + 1):
        W = ws[0]
        for w in ws[1:]:
            W = w @ W
        R = Y - W @ X
        losses.append(float(np.sum(R * R)) / (2 * B))
        if t == steps:
            break
        E = Syx - W @ Sxx  # E (y - W x) x^T over the batch
        grads = []
        for l in range(len(ws)):
            above = np.eye(ws[-1].shape[0])
            for w in ws[l + 1:][::-1]:
                above = above @ w
            below = np.eye(X.shape[0])
            for w in ws[:l]:
                below = w @ below
            grads.append(-above.T @ E @ below.T)
        ws = [w - lr * g for w, g in zip(ws, grads)]
    return np.array(losses)
