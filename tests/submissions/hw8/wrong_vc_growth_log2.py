# Takes the log of the growth function in bits (log2) while the rest of the
# bound stays in natural logs.
# EXPECT: fail vc_bound
# EXPECT: pass finite_class_bound, sauer_bound, rademacher_linear, mcallester_bound
# EXPECT: hint "log2"
"""hw8, written with plain loops: one sign vector at a time, math.comb, eigvalsh."""
import math

import numpy as np
from scipy.stats import norm


def finite_class_bound(m, delta, n_hypotheses=1):
    if delta <= 0 or delta >= 1 or m < 1 or n_hypotheses < 1:
        raise ValueError("need 0 < delta < 1, m >= 1, n_hypotheses >= 1")
    return math.sqrt(math.log(n_hypotheses / delta) / (2 * m))


def sauer_bound(m, vc_dim):
    return sum(math.comb(m, k) for k in range(0, min(m, vc_dim) + 1))


def vc_bound(m, vc_dim, delta):
    d = vc_dim
    # log of the growth function, in bits
    if d == 0:
        log_growth = 0.0
    elif m > d:
        log_growth = d * math.log2(math.e * m / d)
    else:
        log_growth = m * math.log2(2)
    rad = math.sqrt(2 * (math.log(2) + log_growth) / m)
    return 2 * rad + math.sqrt(math.log(1 / delta) / (2 * m))


def rademacher_linear(X, B, n_samples, seed):
    rng = np.random.default_rng(seed)
    X = np.asarray(X, dtype=float)
    m = X.shape[1]
    total = 0.0
    for _ in range(n_samples):
        sigma = rng.choice([-1.0, 1.0], size=m)
        total += np.linalg.norm(X @ sigma)
    estimate = float(B * total / n_samples / m)
    bound = B * math.sqrt(float(np.sum(X * X))) / m
    return (estimate, bound)


def rademacher_finite(H, n_samples, seed):
    rng = np.random.default_rng(seed)
    H = np.asarray(H, dtype=float)
    N, m = H.shape
    total = 0.0
    for _ in range(n_samples):
        sigma = rng.choice([-1.0, 1.0], size=m)
        total += max(abs(float(sigma @ H[k])) for k in range(N))
    distinct = {tuple(row) for row in H.tolist()}
    largest = max(math.sqrt(float(row @ row)) for row in H)
    return (total / n_samples / m, largest * math.sqrt(2 * math.log(2 * len(distinct))) / m)


def _spec(W):
    return math.sqrt(max(np.linalg.eigvalsh(W.T @ W)))


def spectral_complexity(weights, kind="bartlett", reference=None):
    weights = [np.asarray(W, dtype=float) for W in weights]
    if kind == "neyshabur":
        if reference is not None:
            raise ValueError("no reference for neyshabur")
        prod, total = 1.0, 0.0
        for W in weights:
            s = _spec(W)
            prod *= s
            total += np.sum(W ** 2) / s ** 2
        return float(prod * math.sqrt(total))
    if kind != "bartlett":
        raise ValueError("unknown kind " + str(kind))
    if reference is None:
        reference = [np.zeros_like(W) for W in weights]
    prod, total = 1.0, 0.0
    for W, M in zip(weights, reference):
        s = _spec(W)
        prod *= s
        rows = 0.0
        for i in range(W.shape[0]):
            rows += np.linalg.norm(W[i, :] - np.asarray(M, dtype=float)[i, :])
        total += (rows / s) ** (2 / 3)
    return float(prod * total ** 1.5)


def neyshabur_bound(weights, X, y, gamma, delta, B=None):
    X = np.asarray(X, dtype=float)
    m = X.shape[1]
    L = len(weights)
    errors = 0
    for i in range(m):
        h = X[:, i]
        for l, W in enumerate(weights):
            h = np.asarray(W) @ h
            if l < L - 1:
                h = np.maximum(h, 0)
        if y[i] * float(h[0]) < gamma:
            errors += 1
    margin_risk = errors / m
    if B is None:
        B = max(np.linalg.norm(X[:, i]) for i in range(m))
    n = max(max(np.shape(W)) for W in weights)
    R = spectral_complexity(weights, "neyshabur")
    inner = (math.log(8 * L * m / delta) + math.log(m) / (2 * L)
             + 8 * math.exp(4) * (B * R / gamma) ** 2 * L ** 2 * n * math.log(2 * L * n))
    return (margin_risk, margin_risk + math.sqrt(inner / (2 * m - 1)))


def mcallester_bound(emp_risk, kl, m, delta):
    if kl < 0 or not 0 < delta < 1:
        raise ValueError("kl must be >= 0 and delta in (0, 1)")
    return emp_risk + math.sqrt((math.log(4 * m / delta) + kl) / (2 * m - 1))


def kl_diag_gaussians(mu, lam, mu_prior, lam_prior):
    mu, lam = np.asarray(mu, dtype=float), np.asarray(lam, dtype=float)
    mu_prior = np.broadcast_to(mu_prior, mu.shape)
    lam_prior = np.broadcast_to(lam_prior, lam.shape)
    total = 0.0
    for i in range(mu.size):
        total += (math.exp(lam[i] - lam_prior[i]) + (mu[i] - mu_prior[i]) ** 2 * math.exp(-lam_prior[i])
                  + lam_prior[i] - lam[i] - 1)
    return float(0.5 * total)


def dziugaite_roy_bound(mu, lam, X, y, mu_prior, lam_prior, delta=0.025, b=100.0, c=0.1):
    j = b * (math.log(c) - lam_prior)
    if j < 1 - 1e-9:
        raise ValueError("j must be >= 1")
    X = np.asarray(X, dtype=float)
    m = X.shape[1]
    risk = 0.0
    for i in range(m):
        mean = float(np.dot(mu, X[:, i]))
        sd = math.sqrt(float(np.dot(np.exp(lam), X[:, i] ** 2)))
        risk += float(norm.cdf(-y[i] * mean / sd)) if sd > 0 else float(y[i] * mean < 0)
    risk /= m
    kl = kl_diag_gaussians(mu, lam, mu_prior, lam_prior)
    bound = risk + math.sqrt((math.log(2 * math.pi ** 2 * m * j ** 2 / (3 * delta)) + kl) / (2 * m - 1))
    return (risk, bound)
