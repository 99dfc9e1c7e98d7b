"""hw6's hidden helpers: the grader's own limit kernels (5.26), (5.32), (5.46),
empirical NTK terms (5.36) and linearised predictions (5.12), each with the
known slips, for slip values. Check code calls them as ``ref.slipgen.name(...)``;
the student wheel leaves this file out and replays their values on the public
cases from the public fixtures (autograder/reference.py).
"""
import math

import numpy as np
import scipy.linalg
from scipy.special import erf, roots_hermitenorm

from autograder import stats


def phi(act, z):
    return {"linear": lambda t: t, "relu": lambda t: np.maximum(t, 0.0), "tanh": np.tanh,
            "erf": erf}[act](z)


def dphi(act, z):
    return {"linear": np.ones_like, "relu": lambda t: (t > 0).astype(float),
            "tanh": lambda t: 1.0 - np.tanh(t) ** 2,
            "erf": lambda t: 2 / math.sqrt(math.pi) * np.exp(-t * t)}[act](z)


def pair(act, a, b, q12):
    """(E phi phi, E phi' phi') for (u, v) ~ N(0, [[a, q12], [q12, b]]), for slip values."""
    if act == "linear":
        return q12, np.ones_like(q12)
    if act == "relu":
        root = np.sqrt(np.maximum(a * b - q12 * q12, 0.0))
        th = np.arctan2(root, q12)
        return (root + (np.pi - th) * q12) / (2 * np.pi), (np.pi - th) / (2 * np.pi)
    if act == "erf":
        p = (1 + 2 * a) * (1 + 2 * b)
        return 2 / np.pi * np.arcsin(2 * q12 / np.sqrt(p)), 4 / np.pi / np.sqrt(p - 4 * q12 * q12)
    z, w = roots_hermitenorm(160)  # tanh at q <= 2.5: Gauss-Hermite error < 1e-11
    w = w / math.sqrt(2 * math.pi)
    a, b, q12 = np.broadcast_arrays(a, b, q12)
    c = np.clip(q12 / np.sqrt(a * b), -1, 1)
    u = np.sqrt(a)[..., None, None] * z[:, None]
    v = np.sqrt(b)[..., None, None] * (c[..., None, None] * z[:, None]
                                       + np.sqrt(1 - c * c)[..., None, None] * z)
    W = np.outer(w, w)
    return (np.sum(W * np.tanh(u) * np.tanh(v), axis=(-2, -1)),
            np.sum(W * dphi("tanh", u) * dphi("tanh", v), axis=(-2, -1)))


def layers(X1, X2, depth, act, s2, chi_from_phi=False, s2_in_chi=True):
    """q_1..q_{L+1} (5.26) and chi_1..chi_L (5.32), with optional slips."""
    n0 = X1.shape[0]
    q = s2 / n0 * X1.T @ X2
    a, b = s2 / n0 * np.sum(X1 * X1, 0), s2 / n0 * np.sum(X2 * X2, 0)
    qs, chis = [q], []
    for _ in range(depth):
        eff, edd = pair(act, a[:, None], b[None, :], q)
        chis.append((s2 if s2_in_chi else 1.0) * (eff if chi_from_phi else edd))
        q = s2 * eff
        a = s2 * pair(act, a, a, a)[0]
        b = s2 * pair(act, b, b, b)[0]
        qs.append(q)
    return qs, chis


def ntk_sum(qs, chis, first=0, shift=0):
    """sum_{l >= first} q_l prod_{l' >= l + shift} chi_l' ((5.46) is first = shift = 0)."""
    L = len(chis)
    return sum(qs[l] * np.prod(chis[l + shift:], axis=0) if l + shift < L else qs[l]
               for l in range(first, L + 1))


def emp_terms(weights, X1, X2, act, s2, scaled_forward=True, dphi_post=False, no_dphi=False):
    """Per-layer terms (5.36) of the empirical NTK of the net (5.38), numpy."""
    L = len(weights) - 1

    def passes(X):
        xs, hs, x = [X], [], X
        for l, W in enumerate(weights):
            c = math.sqrt(s2 / W.shape[1]) if scaled_forward else 1.0
            h = c * (W @ x)
            if l < L:
                hs.append(h)
                x = phi(act, h)
                xs.append(x)
        B, bs = np.ones((1, X.shape[1])), []
        bs.append(B)
        for l in range(L, 0, -1):
            c = math.sqrt(s2 / weights[l].shape[1]) if scaled_forward else 1.0
            at = phi(act, hs[l - 1]) if dphi_post else hs[l - 1]
            B = c * (1.0 if no_dphi else dphi(act, at)) * (weights[l].T @ B)
            bs.insert(0, B)
        return xs, bs

    (x1, b1), (x2, b2) = passes(X1), passes(X2)
    return [(s2 / W.shape[1] if scaled_forward else 1.0) * (x1[l].T @ x2[l]) * (b1[l].T @ b2[l])
            for l, W in enumerate(weights)]


def np_no_s2(X1, X2, depth, act, s2):
    """q_{l+1} = E phi phi (sigma_w2 only in q_1)."""
    n0 = X1.shape[0]
    q = s2 / n0 * X1.T @ X2
    a, b = s2 / n0 * np.sum(X1 * X1, 0), s2 / n0 * np.sum(X2 * X2, 0)
    for _ in range(depth):
        q = pair(act, a[:, None], b[None, :], q)[0]
        a, b = pair(act, a, a, a)[0], pair(act, b, b, b)[0]
    return q


def lin_variant(Ks, K, f0t, f0, y, lr, t, kind):
    m = K.shape[0]
    r = f0 - y
    a = lr * t / m
    if kind == "no_1_over_m":
        a = lr * t
    E = np.exp(-a * K) if kind == "elementwise" else scipy.linalg.expm(-a * K)
    if kind == "discrete":
        E = np.linalg.matrix_power(np.eye(m) - lr / m * K, int(round(t)))
    step = (np.eye(m) - E) @ r
    if kind == "no_inverse":
        return f0t - Ks @ step
    corr = Ks @ np.linalg.solve(K, step)
    return f0t + corr if kind == "sign" else f0t - corr



def ntk_variant(X1, X2, depth, act, s2, first=0, shift=0, chi_from_phi=False, s2_in_chi=True):
    """(5.46) from the q_l and chi_l of ``layers``, with the slips of both."""
    return ntk_sum(*layers(X1, X2, depth, act, s2, chi_from_phi=chi_from_phi, s2_in_chi=s2_in_chi),
                   first=first, shift=shift)


def q_sum(X1, X2, depth, act, s2):
    """The chi products of (5.46) dropped: q_1 + ... + q_{L+1}."""
    qs, _ = layers(X1, X2, depth, act, s2)
    return sum(qs)


def chiless_deviations(X, depth, width, act, s2, seed, inits, runs):
    """Mean relative deviations of the empirical NTKs of `runs` x `inits` numpy nets from
    the chi-less kernel sum_l q_l, or None where that kernel is within 1e-3 of (5.46)."""
    qs, chis = layers(X, X, depth, act, s2)
    chiless = sum(qs)
    if np.allclose(chiless, ntk_sum(qs, chis), rtol=1e-3):
        return None
    rng = np.random.default_rng(seed + 7 * stats.REF_SEED_OFFSET)
    widths = [X.shape[0]] + [width] * depth + [1]
    slip = []
    for _ in range(runs):
        d = 0.0
        for _ in range(inits):
            W = [rng.standard_normal((b, a)) for a, b in zip(widths[:-1], widths[1:])]
            d += np.linalg.norm(sum(emp_terms(W, X, X, act, s2)) - chiless) / np.linalg.norm(chiless)
        slip.append(d / inits)
    return slip


def h_inf(X):
    """H^inf of (5.148) for unit columns X: x_k^T x_l (pi - arccos(x_k^T x_l)) / (2 pi), diagonal 1/2."""
    G = X.T @ X
    H = G * (np.pi - np.arccos(np.clip(G, -1, 1))) / (2 * np.pi)
    np.fill_diagonal(H, 0.5)
    return H


def du_gram_slips(X):
    """Wrong H^inf, in the check's order: without the factor x_k^T x_l; pi + arccos; the angle
    where pi - angle belongs."""
    G = X.T @ X
    th = np.arccos(np.clip(G, -1, 1))
    return [(np.pi - th) / (2 * np.pi), G * (np.pi + th) / (2 * np.pi), G * th / (2 * np.pi)]


def alignment_slips(H, y, u0, t):
    """Wrong residuals ||u'(t) - y||^2 of (5.151), in the check's order: exp(-lam t); V @ r for
    V^T r; the projections not squared; the norm instead of its square."""
    lam, V = np.linalg.eigh(H)
    p = V.T @ (y - u0)
    decay = np.exp(-2 * np.outer(t, lam))
    return [np.exp(-np.outer(t, lam)) @ (p * p), decay @ ((V @ (y - u0)) ** 2), decay @ p,
            np.sqrt(decay @ (p * p))]
