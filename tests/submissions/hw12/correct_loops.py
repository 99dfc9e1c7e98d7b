# A correct solution written with explicit loops: distances pair by pair, the
# Rademacher sum over sign vectors built from the bits of an integer, Dudley's
# integral over the sorted distinct distances, the test error from the
# survival function of the Beta law, a quantiser by bisection of the codebook,
# and the Tropp simulation draw by draw with eigenvalues instead of an SVD.
# EXPECT: pass all
import math

import numpy as np
from scipy.stats import beta


def _pair_distances(H):
    n = len(H)
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            D[i, j] = D[j, i] = math.sqrt(sum((a - b) ** 2 for a, b in zip(H[i], H[j])))
    return D


def _cover(D, eps):
    centres = []
    for i in range(len(D)):
        if not any(D[i, c] < eps for c in centres):
            centres.append(i)
    return len(centres)


def _forward(ws, x):
    h = x
    for w in ws[:-1]:
        h = np.maximum(w @ h, 0.0)
    return ws[-1] @ h


def covering_number(H, eps):
    if eps <= 0:
        raise ValueError("eps must be positive")
    H = np.asarray(H, dtype=float)
    return int(_cover(_pair_distances(H), eps))


def rademacher_exact(H):
    H = np.asarray(H, dtype=float)
    n, m = H.shape
    if m > 20:
        raise ValueError("too many points to enumerate")
    total = 0.0
    for code in range(2 ** m):
        sigma = np.array([1.0 if (code >> k) & 1 else -1.0 for k in range(m)])
        total += max(abs(float(sigma @ H[i])) for i in range(n))
    return total / 2 ** m / m


def dudley_bound(H, eps):
    if eps <= 0:
        raise ValueError("eps must be positive")
    H = np.asarray(H, dtype=float)
    if np.max(np.abs(H)) > 1:
        raise ValueError("values must lie in [-1, 1]")
    m = H.shape[1]
    upper = math.sqrt(m) / 2
    value = 4 * eps / math.sqrt(m)
    if eps >= upper:
        return value
    D = _pair_distances(H)
    points = sorted({eps, upper} | {float(d) for d in D.ravel() if eps < d < upper})
    acc = 0.0
    for lo, hi in zip(points, points[1:]):
        acc += (hi - lo) * math.sqrt(math.log(_cover(D, (lo + hi) / 2)))
    return value + 12 / m * acc


def sphere_errors(Z, y, mu):
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y, dtype=float)
    m, D = Z.shape
    X = np.hstack([mu * y[:, None], Z])
    w = (y[:, None] * X).sum(axis=0) / m
    Xneg = np.hstack([mu * y[:, None], -Z])
    train = float(np.mean(y * (X @ w) <= 0))
    neg = float(np.mean(y * (Xneg @ w) <= 0))
    r = float(np.mean(np.sqrt((Z ** 2).sum(axis=1))))
    c = w[0] * mu / (r * math.sqrt(float(w[1:] @ w[1:])))
    test = 0.0 if c >= 1 else 0.5 * float(beta.sf(c * c, 0.5, (D - 1) / 2))
    return train, test, neg


def prune_quantize(weights, k, r):
    flat = np.concatenate([np.ravel(w) for w in weights]).astype(float)
    if k < 1 or k > flat.size or r < 2:
        raise ValueError("need 1 <= k <= number of weights and r >= 2")
    order = sorted(range(flat.size), key=lambda i: (-abs(flat[i]), i))[:k]
    lo, hi = min(flat[i] for i in order), max(flat[i] for i in order)
    book = [lo + (hi - lo) * j / (r - 1) for j in range(r)]
    book[-1] = hi
    out = np.zeros_like(flat)
    for i in order:
        dists = [abs(flat[i] - c) for c in book]
        out[i] = book[dists.index(min(dists))]
    res, pos = [], 0
    for w in weights:
        shape = np.shape(w)
        size = int(np.prod(shape))
        res.append(out[pos:pos + size].reshape(shape))
        pos += size
    return res


def compression_bound(train_error, m, n_params, k, r, delta):
    if not 0 < delta < 1:
        raise ValueError("delta must lie in (0, 1)")
    bits = k * (math.ceil(math.log2(n_params)) + math.ceil(math.log2(r))) + 32 * r
    log_inv_prior = bits * math.log(2) - math.log(1.0 / (bits * (bits + 1)))
    return int(bits), train_error + math.sqrt((log_inv_prior - math.log(delta)) / (2 * m))


def dv_objective(a, b, mu_q, var_q, mu_p, var_p):
    if 2 * a * var_p >= 1:
        return -math.inf
    # complete the square: a x^2 + b x under N(mu_p, var_p)
    prec = 1 / var_p - 2 * a
    mean = (mu_p / var_p + b) / prec
    log_mgf = 0.5 * math.log(1 / (var_p * prec)) + 0.5 * prec * mean ** 2 - 0.5 * mu_p ** 2 / var_p
    return a * (mu_q ** 2 + var_q) + b * mu_q - log_mgf


def dv_maximiser(mu_q, var_q, mu_p, var_p):
    return (var_q - var_p) / (2 * var_p * var_q), (mu_q * var_p - mu_p * var_q) / (var_p * var_q)


def relu_perturbation(weights, perturbations, X):
    X = np.asarray(X, dtype=float)
    moved = [np.asarray(w) + np.asarray(u) for w, u in zip(weights, perturbations)]
    worst = 0.0
    for j in range(X.shape[1]):
        x = X[:, j]
        worst = max(worst, abs(float((_forward(moved, x) - _forward(weights, x))[0])))
    return worst


def perturbation_bound(weights, perturbations, B):
    L = len(weights)
    s = [float(np.linalg.svd(np.asarray(w), compute_uv=False)[0]) for w in weights]
    t = [float(np.linalg.svd(np.asarray(u), compute_uv=False)[0]) for u in perturbations]
    for sl, tl in zip(s, t):
        if tl * L > sl * (1 + 1e-12):
            raise ValueError("Lemma 11 needs ||U_l|| <= ||W_l|| / L")
    prod = 1.0
    for sl in s:
        prod *= sl
    return math.e * B * prod * sum(tl / sl for sl, tl in zip(s, t))


def tropp_bound(A, t, tail="norm"):
    if tail not in ("norm", "max"):
        raise ValueError("tail must be 'norm' or 'max'")
    A = np.asarray(A, dtype=float)
    for a in A:
        if not np.allclose(a, a.T, atol=1e-12):
            raise ValueError("A_k must be symmetric")
    S = sum(a @ a for a in A)
    sigma2 = float(np.max(np.abs(np.linalg.eigvalsh(S))))
    n = A.shape[1]
    return (2 * n if tail == "norm" else n) * math.exp(-t ** 2 / (2 * sigma2))


def tropp_tail(A, t, n_draws, seed):
    rng = np.random.default_rng(seed)
    A = np.asarray(A, dtype=float)
    hits = 0
    for _ in range(n_draws):
        xi = rng.standard_normal(A.shape[0])
        M = np.tensordot(xi, A, axes=1)
        hits += float(np.max(np.abs(np.linalg.eigvalsh(M)))) >= t
    return hits / n_draws


def mcdiarmid_bound(c, eps):
    c = [float(x) for x in np.ravel(c)]
    if eps <= 0 or not c or min(c) < 0:
        raise ValueError("need eps > 0 and a non-empty c >= 0")
    return math.exp(-2 * eps ** 2 / sum(x * x for x in c))


def mcdiarmid_coins(m, eps, n_draws, seed):
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_draws):
        heads = int(np.sum(rng.random(m) < 0.5))
        hits += heads >= m * (0.5 + eps)
    return hits / n_draws
