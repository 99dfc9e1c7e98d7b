# A correct solution written differently from the reference: distances from
# the Gram matrix, the sign vectors from a binary table, the test error from
# the complementary incomplete beta I_{1-c^2}((D-1)/2, 1/2), pruning by
# np.lexsort, the DV objective as a Gaussian log-partition difference, and
# the Tropp simulation from batched eigenvalues (largest |lambda|).
# EXPECT: pass all
import math

import numpy as np
from scipy.special import betainc


def _gram_distances(H):
    sq = np.sum(H * H, axis=1)
    D2 = sq[:, None] + sq[None, :] - 2.0 * H @ H.T
    return np.sqrt(np.maximum(D2, 0.0))


def _greedy(D, eps):
    left = np.ones(len(D), dtype=bool)
    count = 0
    while left.any():
        i = int(np.argmax(left))
        count += 1
        left &= ~(D[i] < eps)
    return count


def covering_number(H, eps):
    if not eps > 0:
        raise ValueError("eps must be > 0")
    return _greedy(_gram_distances(np.atleast_2d(np.asarray(H, dtype=np.float64))), eps)


def rademacher_exact(H):
    H = np.atleast_2d(np.asarray(H, dtype=np.float64))
    m = H.shape[1]
    if m > 20:
        raise ValueError("m must be at most 20")
    bits = (np.arange(2 ** m)[:, None] >> np.arange(m)[None, :]) & 1
    sigma = 2.0 * bits - 1.0
    return float(np.abs(sigma @ H.T).max(axis=1).sum() / (2 ** m * m))


def dudley_bound(H, eps):
    H = np.atleast_2d(np.asarray(H, dtype=np.float64))
    if not eps > 0 or np.abs(H).max() > 1:
        raise ValueError("need eps > 0 and values in [-1, 1]")
    m = H.shape[1]
    top = 0.5 * math.sqrt(m)
    if eps >= top:
        return 4.0 * eps / math.sqrt(m)
    D = _gram_distances(H)
    d = np.unique(D)
    knots = np.concatenate([[eps], d[(d > eps) & (d < top)], [top]])
    mids = 0.5 * (knots[1:] + knots[:-1])
    heights = np.sqrt(np.log([_greedy(D, t) for t in mids]))
    return 4.0 * eps / math.sqrt(m) + 12.0 / m * float(np.dot(np.diff(knots), heights))


def sphere_errors(Z, y, mu):
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    D = Z.shape[1]
    w_noise = Z.T @ y / len(y)
    signal = mu * mu
    proj = y * (Z @ w_noise)
    radius = np.linalg.norm(Z, axis=1).mean()
    c = signal / (radius * np.linalg.norm(w_noise))
    test = 0.5 * float(betainc(0.5 * (D - 1), 0.5, 1.0 - c * c)) if c < 1 else 0.0
    return float((signal + proj <= 0).mean()), test, float((signal - proj <= 0).mean())


def prune_quantize(weights, k, r):
    shapes = [np.shape(w) for w in weights]
    theta = np.concatenate([np.asarray(w, dtype=np.float64).reshape(-1) for w in weights])
    if k < 1 or k > theta.size or r < 2:
        raise ValueError("need 1 <= k <= dim and r >= 2")
    idx = np.arange(theta.size)
    keep = np.lexsort((idx, -np.abs(theta)))[:k]
    v = theta[keep]
    codebook = np.linspace(v.min(), v.max(), r)
    pos = np.searchsorted(codebook, v)
    lo = np.clip(pos - 1, 0, r - 1)
    hi = np.clip(pos, 0, r - 1)
    pick = np.where(np.abs(v - codebook[lo]) <= np.abs(v - codebook[hi]), lo, hi)
    new = np.zeros(theta.size)
    new[keep] = codebook[pick]
    parts = np.split(new, np.cumsum([int(np.prod(s)) for s in shapes])[:-1])
    return [p.reshape(s) for p, s in zip(parts, shapes)]


def compression_bound(train_error, m, n_params, k, r, delta):
    if delta <= 0 or delta >= 1:
        raise ValueError("delta must lie in (0, 1)")
    bits = k * (int(np.ceil(np.log2(n_params))) + int(np.ceil(np.log2(r)))) + 32 * r
    kl = math.log(2.0 ** bits) if bits < 1000 else bits * math.log(2.0)
    kl += math.log(bits) + math.log(bits + 1)
    return int(bits), float(train_error + math.sqrt((kl + math.log(1 / delta)) / (2 * m)))


def _log_partition(eta1, eta2):
    # log of the integral of exp(eta1 x + eta2 x^2), eta2 < 0
    return -eta1 ** 2 / (4 * eta2) + 0.5 * math.log(math.pi / -eta2)


def dv_objective(a, b, mu_q, var_q, mu_p, var_p):
    e1, e2 = mu_p / var_p, -0.5 / var_p
    if e2 + a >= 0:
        return -math.inf
    log_ep = _log_partition(e1 + b, e2 + a) - _log_partition(e1, e2)
    return a * var_q + a * mu_q ** 2 + b * mu_q - log_ep


def dv_maximiser(mu_q, var_q, mu_p, var_p):
    return (1 / var_p - 1 / var_q) / 2, mu_q / var_q - mu_p / var_p


def _net(ws, X):
    h = np.asarray(X, dtype=np.float64)
    for i, w in enumerate(ws):
        h = np.asarray(w) @ h
        if i < len(ws) - 1:
            h = np.where(h > 0, h, 0.0)
    return h[0]


def relu_perturbation(weights, perturbations, X):
    moved = [np.add(w, u) for w, u in zip(weights, perturbations)]
    return float(np.abs(_net(moved, X) - _net(weights, X)).max())


def perturbation_bound(weights, perturbations, B):
    L = len(weights)
    nw = np.array([np.linalg.norm(w, 2) for w in weights])
    nu = np.array([np.linalg.norm(u, 2) for u in perturbations])
    if np.any(L * nu > nw * (1 + 1e-12)):
        raise ValueError("Lemma 11: ||U_l|| must be at most ||W_l|| / L")
    return float(np.e * B * np.exp(np.sum(np.log(nw))) * np.sum(nu / nw))


def tropp_bound(A, t, tail="norm"):
    A = np.asarray(A, dtype=np.float64)
    if tail == "norm":
        factor = 2
    elif tail == "max":
        factor = 1
    else:
        raise ValueError("unknown tail")
    if np.max(np.abs(A - A.transpose(0, 2, 1))) > 1e-12:
        raise ValueError("non-symmetric A_k")
    sigma2 = np.linalg.eigvalsh(np.sum(A @ A, axis=0)).max()
    return float(factor * A.shape[1] * np.exp(-t * t / (2 * sigma2)))


def tropp_tail(A, t, n_draws, seed):
    A = np.asarray(A, dtype=np.float64)
    xi = np.random.default_rng(seed).normal(size=(A.shape[0], n_draws))
    S = np.tensordot(xi.T, A, axes=(1, 0))
    return float((np.abs(np.linalg.eigvalsh(S)).max(axis=1) >= t).mean())


def mcdiarmid_bound(c, eps):
    c = np.atleast_1d(np.asarray(c, dtype=np.float64))
    if not eps > 0 or c.size == 0 or (c < 0).any():
        raise ValueError("need eps > 0 and bounded differences c >= 0")
    return float(np.exp(-2 * eps ** 2 / np.dot(c, c)))


def mcdiarmid_coins(m, eps, n_draws, seed):
    heads = np.random.default_rng(seed).binomial(m, 0.5, size=n_draws)
    return float(np.count_nonzero(heads / m - 0.5 >= eps) / n_draws)
