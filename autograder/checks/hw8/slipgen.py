"""hw8's hidden helpers: the grader's own closed forms of generalization bounds
and of their known misreadings (slip values), and the exact Rademacher means by
enumeration. Check code calls them as ``ref.slipgen.name(...)``; the student
wheel leaves this file out and replays their values on the public cases from
the public fixtures (autograder/reference.py).
"""
import itertools
import math

import numpy as np
from scipy import stats as st


def all_signs(m, values=(-1.0, 1.0)):
    """All |values|^m vectors with entries in ``values``, as rows."""
    return np.array(list(itertools.product(values, repeat=m)))


def sauer_to(m, top):
    return sum(math.comb(m, k) for k in range(0, max(min(top, m), -1) + 1))


def vc_G(m, d, small_m=True):
    if d == 0:
        return 0.0
    if m <= d and small_m:
        return m * math.log(2)
    return d * (1 + math.log(m) - math.log(d))


def vc(m, d, delta, factor=2.0, small_m=True, log2=True, G=None):
    if G is None:
        G = vc_G(m, d, small_m)
    rad = math.sqrt(2 / m * ((math.log(2) if log2 else 0.0) + G))
    return factor * rad + math.sqrt(math.log(1 / delta) / (2 * m))


def lin_exact(X, B, values=(-1.0, 1.0)):
    vals = B * np.linalg.norm(X @ all_signs(X.shape[1], values).T, axis=0) / X.shape[1]
    return vals.mean(), vals.std()


def fin_exact(H, values=(-1.0, 1.0), absolute=True):
    S = all_signs(H.shape[1], values) @ H.T
    vals = np.max(np.abs(S) if absolute else S, axis=1) / H.shape[1]
    return vals.mean(), vals.std()


def spectral(Ws, kind="bartlett", M=None, p=2 / 3, norms="rows", neyshabur_square=True):
    """Independent evaluation of (4.31) / (4.87) and of their known misreadings."""
    s = np.array([np.linalg.svd(W, compute_uv=False)[0] for W in Ws])
    if kind == "neyshabur":
        f = np.array([np.linalg.norm(W) for W in Ws])
        terms = (f / s) ** 2 if neyshabur_square else f / s
        return float(np.prod(s) * math.sqrt(np.sum(terms)))
    D = [W - (0 if M is None else Mi) for W, Mi in zip(Ws, M if M is not None else Ws)]
    if norms == "rows":
        b = [np.sum(np.linalg.norm(A, axis=1)) for A in D]
    elif norms == "columns":
        b = [np.sum(np.linalg.norm(A, axis=0)) for A in D]
    else:
        b = [np.linalg.norm(A) for A in D]
    return float(np.prod(s) * np.sum((np.array(b) / s) ** p) ** (1 / p))


def forward(Ws, X):
    h = X
    for W in Ws[:-1]:
        h = np.maximum(W @ h, 0.0)
    return (Ws[-1] @ h).ravel()


def ney(Ws, X, y, gamma, delta, B=None, strict=True, n_mode="all", L_shift=0, B_mode="max"):
    out = y * forward(Ws, X)
    risk = float(np.mean(out < gamma if strict else out <= gamma))
    if B is None:
        B = float(np.max(np.linalg.norm(X, axis=0))) if B_mode == "max" else float(np.linalg.norm(X))
    m, L = X.shape[1], len(Ws) + L_shift
    n = max(max(W.shape) for W in Ws) if n_mode == "all" else max(W.shape[0] for W in Ws)
    R = spectral(Ws, "neyshabur")
    inner = (math.log(8 * L * m / delta) + math.log(m) / (2 * L)
             + 8 * math.e**4 * (B * R / gamma) ** 2 * L**2 * n * math.log(2 * L * n))
    return risk, risk + math.sqrt(inner / (2 * m - 1))


def kl_slip(mu, lam, mu_p, lam_p, kind):
    mu_p, lam_p = np.broadcast_to(mu_p, mu.shape), np.broadcast_to(lam_p, lam.shape)
    if kind == "printed":
        terms = np.exp(lam - lam_p) + (mu - mu_p) ** 2 * np.exp(-lam_p) + lam_p - 1 - mu
    elif kind == "variance":      # lam taken as the variance itself
        with np.errstate(all="ignore"):
            terms = lam / lam_p + (mu - mu_p) ** 2 / lam_p + np.log(lam_p / lam) - 1
    elif kind == "reversed":      # KL(P || Q)
        terms = np.exp(lam_p - lam) + (mu - mu_p) ** 2 * np.exp(-lam) + lam - lam_p - 1
    else:                         # log standard deviations
        terms = np.exp(2 * (lam - lam_p)) + (mu - mu_p) ** 2 * np.exp(-2 * lam_p) + 2 * (lam_p - lam) - 1
    return 0.5 * float(np.sum(terms))


def gibbs(mu, lam, X, y, var_scale=2.0, sign=1.0):
    sd = np.sqrt(np.exp(var_scale / 2 * lam) @ X**2)
    return float(np.mean(st.norm.cdf(-sign * y * (mu @ X) / sd)))


def dr_bound(gibbs, mu, lam, X, mu_p, lam_p, delta=0.025, b=100.0, c=0.1, jpow=2, kl=None):
    m = X.shape[1]
    j = b * (math.log(c) - lam_p)
    if kl is None:
        kl = 0.5 * float(np.sum(np.exp(lam - lam_p) + (mu - mu_p) ** 2 * np.exp(-lam_p) + lam_p - lam - 1))
    return gibbs + math.sqrt((math.log(2 * math.pi**2 * m * j**jpow / (3 * delta)) + kl) / (2 * m - 1))



def finite_slips(m, delta, n):
    """finite_class_bound's slips, in the check's order: the 2 of 2m dropped; with |F| > 1,
    log|F| left out and |F| where log|F| belongs."""
    out = [math.sqrt((math.log(1 / delta) + math.log(n)) / m)]
    if n > 1:
        out += [math.sqrt(math.log(1 / delta) / (2 * m)), math.sqrt((math.log(1 / delta) + n) / (2 * m))]
    return out


def sauer_slips(m, d):
    """sauer_bound's slips: the sum to d - 1, to d + 1, 2^m whatever d, binom(m, d) alone."""
    return [sauer_to(m, d - 1), sauer_to(m, d + 1), 2**m, math.comb(m, min(d, m))]


def lin_bound_slips(X, B):
    """rademacher_linear's bound misread: B max_i ||x_i|| / sqrt(m), B left out, ||X||_F / sqrt(m)."""
    m = X.shape[1]
    return [B * np.max(np.linalg.norm(X, axis=0)) / math.sqrt(m), np.linalg.norm(X) / m,
            np.linalg.norm(X) / math.sqrt(m)]


def lin_square_mean(X, B):
    """The mean of B ||X sigma||^2 / m over Rademacher sigma: B ||X||_F^2 / m."""
    return B * np.sum(X**2) / X.shape[1]


def fin_bound_slips(H):
    """Massart's bound misread: N for N', log N' for log 2N', and (for entries not +-1) (4.18)."""
    N, m = H.shape
    n_distinct = len({tuple(r) for r in H.tolist()})
    top = np.max(np.linalg.norm(H, axis=1))
    out = [top * math.sqrt(2 * math.log(2 * N)) / m, top * math.sqrt(2 * math.log(max(n_distinct, 1))) / m]
    if not np.all(np.abs(H) == 1):
        out.append(math.sqrt(2 * math.log(2 * n_distinct) / m))
    return out


def frobenius_product(Ws):
    """(4.87) with every spectral norm replaced by the Frobenius norm."""
    return float(np.prod([np.linalg.norm(W) for W in Ws]) * math.sqrt(len(Ws)))


def zero_one_risk(Ws, X, y):
    """The 0/1 risk (margin 0) of the net ``Ws`` on (X, y)."""
    return float(np.mean(y * forward(Ws, X) < 0))


def linear_zero_one_risk(mu, X, y):
    """The 0/1 risk of the linear classifier mu: the Gibbs risk of a posterior of variance 0."""
    return float(np.mean(y * (mu @ X) < 0))


def mcallester_slips(e, kl, m, delta):
    """mcallester_bound's slips: 2m for 2m - 1 under the root; log(1/delta) for log(4m/delta)."""
    return [e + math.sqrt((math.log(4 * m / delta) + kl) / (2 * m)),
            e + math.sqrt((math.log(1 / delta) + kl) / (2 * m - 1))]


def mcallester_at(e, kl, m, delta):
    """McAllester's bound (4.74) at confidence ``delta``."""
    return e + math.sqrt((math.log(4 * m / delta) + kl) / (2 * m - 1))


def prior_grid_index(lam_p, b=100.0, c=0.1):
    """j = b (log c - lam_p): the index of the prior log-variance lam_p on the grid
    lam_j = log c - j / b of (4.80) (an integer j >= 1 exactly on the grid)."""
    return b * (math.log(c) - lam_p)


def grid_delta(delta, j):
    """delta_j = 6 delta / (pi^2 j^2): the confidence of grid point j, so that the union
    bound over j >= 1 spends sum_j delta_j = delta (sum 1/j^2 = pi^2 / 6), as in (4.80)."""
    return 6 * delta / (math.pi ** 2 * j ** 2)


def grid_term(lam_p, kl, m):
    """With lam_p on the default grid of (4.80) (b = 100, c = 0.1, delta = 0.025): (j, the
    root of McAllester's bound (4.74) at delta_j); else None."""
    j = prior_grid_index(lam_p)
    if not (j >= 1 and abs(j - round(j)) < 1e-6):
        return None
    j = round(j)
    return j, math.sqrt((math.log(4 * m / grid_delta(0.025, j)) + kl) / (2 * m - 1))
