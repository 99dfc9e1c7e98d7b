# EXPECT: pass all
"""hw8, vectorised differently: signs as (m, n) from uniforms, SVD norms, erfc, lists of floats."""
import math
from fractions import Fraction

import numpy as np
from scipy.special import erfc


def finite_class_bound(m, delta, n_hypotheses=1):
    if not (0 < delta < 1) or not (m >= 1) or not (n_hypotheses >= 1):
        raise ValueError("bad arguments")
    return float(np.sqrt((np.log(1 / delta) + np.log(n_hypotheses)) / 2 / m))


def sauer_bound(m, vc_dim):
    # binom(m, k) from binom(m, k - 1) with exact rationals
    term, total = Fraction(1), Fraction(1)
    for k in range(1, min(m, vc_dim) + 1):
        term = term * (m - k + 1) / k
        total += term
    return int(total)


def vc_bound(m, vc_dim, delta):
    if vc_dim >= m:
        G = m * np.log(2)
    elif vc_dim == 0:
        G = 0.0
    else:
        G = vc_dim * (1 + np.log(m) - np.log(vc_dim))
    return float(2 * np.sqrt(2 / m * (np.log(2) + G)) + np.sqrt(np.log(1 / delta) / 2 / m))


def _signs(seed, m, n):
    u = np.random.default_rng(seed).random((m, n))
    return np.where(u < 0.5, -1.0, 1.0)             # column k is the k-th sign vector


def rademacher_linear(X, B, n_samples, seed):
    X = np.array(X, dtype=np.float64)
    m = X.shape[1]
    S = _signs(seed, m, n_samples)
    norms = np.sqrt(np.einsum("ik,ik->k", X @ S, X @ S))
    return float(B * norms.mean() / m), float(B * np.sqrt(np.einsum("ij,ij->", X, X)) / m)


def rademacher_finite(H, n_samples, seed):
    H = np.array(H, dtype=np.float64)
    m = H.shape[1]
    S = _signs(seed, m, n_samples)
    est = np.abs(H @ S).max(axis=0).mean() / m
    n_distinct = len(np.unique(H, axis=0))
    return float(est), float(np.sqrt((H ** 2).sum(axis=1)).max() * np.sqrt(2 * np.log(2 * n_distinct)) / m)


def spectral_complexity(weights, kind="bartlett", reference=None):
    if kind not in ("bartlett", "neyshabur"):
        raise ValueError(f"kind {kind!r}")
    if kind == "neyshabur" and reference is not None:
        raise ValueError("neyshabur takes no reference")
    Ws = [np.array(W, dtype=np.float64) for W in weights]
    spec = np.array([np.linalg.svd(W, compute_uv=False).max() for W in Ws])
    if kind == "neyshabur":
        fro2 = np.array([np.linalg.norm(W, "fro") ** 2 for W in Ws])
        return float(np.prod(spec) * np.sqrt(np.sum(fro2 / spec ** 2)))
    Ms = [np.zeros_like(W) for W in Ws] if reference is None else [np.array(M, dtype=np.float64) for M in reference]
    b = np.array([np.sqrt(((W - M) ** 2).sum(axis=1)).sum() for W, M in zip(Ws, Ms)])
    return float(np.prod(spec) * np.sum(np.cbrt((b / spec) ** 2)) ** 1.5)


def neyshabur_bound(weights, X, y, gamma, delta, B=None):
    X = np.array(X, dtype=np.float64)
    y = np.array(y, dtype=np.float64)
    h = X.T                                           # rows are points
    for W in weights[:-1]:
        h = np.clip(h @ np.array(W).T, 0, None)
    out = (h @ np.array(weights[-1]).T)[:, 0]
    risk = float(np.count_nonzero(y * out < gamma)) / len(y)
    B = np.sqrt((X ** 2).sum(axis=0)).max() if B is None else B
    L, m = len(weights), X.shape[1]
    n = max(max(np.array(W).shape) for W in weights)
    R = spectral_complexity(weights, kind="neyshabur")
    extra = np.log(8 * L * m / delta) + np.log(m) / (2 * L) + 8 * np.e ** 4 * (B * R / gamma) ** 2 * L * L * n * np.log(2 * L * n)
    return risk, float(risk + np.sqrt(extra / (2 * m - 1)))


def mcallester_bound(emp_risk, kl, m, delta):
    if kl < 0:
        raise ValueError("negative KL")
    if delta <= 0 or delta >= 1:
        raise ValueError("delta outside (0, 1)")
    return float(emp_risk + np.sqrt((np.log(4 * m) - np.log(delta) + kl) / (2 * m - 1)))


def kl_diag_gaussians(mu, lam, mu_prior, lam_prior):
    mu, lam = np.asarray(mu, np.float64), np.asarray(lam, np.float64)
    ratio = np.exp(lam - lam_prior)
    return float(0.5 * np.sum(ratio - 1 - np.log(ratio) + (mu - mu_prior) ** 2 / np.exp(lam_prior)))


def dziugaite_roy_bound(mu, lam, X, y, mu_prior, lam_prior, delta=0.025, b=100.0, c=0.1):
    j = b * (np.log(c) - lam_prior)
    if j < 1 - 1e-9:
        raise ValueError(f"j = {j} < 1")
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64)
    m = X.shape[1]
    z = y * (np.asarray(mu) @ X)
    var = np.exp(lam) @ (X * X)
    safe = np.where(var > 0, var, 1.0)
    risk = np.where(var > 0, 0.5 * erfc(z / np.sqrt(2 * safe)), (z < 0) * 1.0).mean()
    kl = kl_diag_gaussians(mu, lam, mu_prior, lam_prior)
    return float(risk), float(risk + np.sqrt((np.log(2 * np.pi ** 2 * m / (3 * delta)) + 2 * np.log(j) + kl) / (2 * m - 1)))
