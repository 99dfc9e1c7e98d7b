# A correct solution written another way: scipy's brentq point by point, Haar
# matrices from scipy.stats.ortho_group, eigvalsh of J J^T, Fractions for the
# Fuss-Catalan numbers, the input drawn before the weights.
# EXPECT: pass all
import math
from fractions import Fraction

import numpy as np
from scipy import optimize, stats


def mp_density(x, ratio=1.0):
    if ratio <= 0 or ratio > 1:
        raise ValueError("ratio must be in (0, 1]")
    lo = (1 - math.sqrt(ratio)) ** 2
    hi = (1 + math.sqrt(ratio)) ** 2
    arr = np.atleast_1d(np.asarray(x, dtype=float))
    out = np.zeros(arr.shape)
    for idx, v in np.ndenumerate(arr):
        if lo < v < hi and v > 0:
            out[idx] = math.sqrt((hi - v) * (v - lo)) / (2 * math.pi * ratio * v)
    return out.reshape(np.shape(x)) if np.ndim(x) else float(out[0])


def wishart_eigenvalues(n, m, seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 1.0 / math.sqrt(m), size=(n, m))
    s = np.linalg.svd(w, compute_uv=False)  # n <= m: n singular values
    eig = np.zeros(n)
    eig[: len(s)] = s**2
    return eig


def product_wishart_curve(depth, phi):
    L = depth
    phi = np.asarray(phi, dtype=float)
    log_lam = ((L + 1) * np.log(np.sin((L + 1) * phi)) - np.log(np.sin(phi))
               - L * np.log(np.sin(L * phi)))
    log_rho = (2 * np.log(np.sin(phi)) + (L - 1) * np.log(np.sin(L * phi))
               - L * np.log(np.sin((L + 1) * phi)) - math.log(math.pi))
    return np.exp(log_lam), np.exp(log_rho)


def _lam(L, p):
    return math.sin((L + 1) * p) ** (L + 1) / (math.sin(p) * math.sin(L * p) ** L)


def product_wishart_density(x, depth):
    L = depth
    edge = product_wishart_edge(L)
    arr = np.asarray(x, dtype=float)
    flat = arr.ravel()
    out = np.zeros_like(flat)
    top = math.pi / (L + 1)
    for i, v in enumerate(flat):
        if 0 < v < edge:
            p = optimize.brentq(lambda t: _lam(L, t) - v, 1e-12, top * (1 - 1e-16),
                                xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
            out[i] = (math.sin(p) ** 2 * math.sin(L * p) ** (L - 1)
                      / (math.pi * math.sin((L + 1) * p) ** L))
    return out.reshape(arr.shape) if arr.ndim else float(out[0])


def product_wishart_edge(depth):
    return math.exp((depth + 1) * math.log(depth + 1) - depth * math.log(depth))


def fuss_catalan(depth, k):
    value = Fraction(1, depth * k + 1)
    for j in range(1, k + 1):  # binom((L+1)k, k) = prod_j ((L+1)k - k + j) / j
        value *= Fraction(depth * k + j, j)
    assert value.denominator == 1
    return int(value.numerator)


def relu_orthogonal_edge(depth):
    if depth < 1:
        raise ValueError("depth >= 1")
    if depth == 1:
        return 2.0
    return math.exp(depth * math.log(depth) - (depth - 1) * math.log(depth - 1))


def jacobian_eigenvalues(n, depth, init, activation, seed):
    if activation == "linear":
        gain, act, slope = 1.0, (lambda h: h), (lambda h: np.ones(len(h)))
    elif activation == "relu":
        gain, act, slope = 2.0, (lambda h: np.where(h > 0, h, 0.0)), (lambda h: (h > 0) * 1.0)
    else:
        raise ValueError(activation)
    if init not in ("gaussian", "orthogonal"):
        raise ValueError(init)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)

    def draw():
        if init == "gaussian":
            return rng.normal(0.0, math.sqrt(gain / n), size=(n, n))
        return math.sqrt(gain) * stats.ortho_group.rvs(n, random_state=rng)

    h = draw() @ x
    J = np.eye(n)
    for _ in range(depth):
        W = draw()
        J = W @ np.diag(slope(h)) @ J
        h = W @ act(h)
    return np.linalg.eigvalsh(J @ J.T)
