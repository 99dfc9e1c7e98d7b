"""hw12's hidden helpers: the grader's own covers, Dudley integrals, Rademacher
averages, hypersphere errors, pruning and quantisation, compression,
Donsker-Varadhan, ReLU-perturbation and Tropp bounds, each with the known
slips, for slip values. Check code calls them as ``ref.slipgen.name(...)``;
the student wheel leaves this file out and replays their values on the public
cases from the public fixtures (autograder/reference.py).
"""
import math

import numpy as np
from scipy.special import betainc


def dist(H):
    d = H[:, None, :] - H[None, :, :]
    return np.sqrt(np.sum(d * d, axis=2))


def greedy(D, eps, strict=True):
    covered = np.zeros(D.shape[0], dtype=bool)
    n = 0
    for i in range(D.shape[0]):
        if not covered[i]:
            n += 1
            covered |= (D[i] < eps) if strict else (D[i] <= eps)
    return n


def dudley(H, eps, top=None, scale=1.0, front=None):
    m = H.shape[1]
    top = math.sqrt(m) / 2 if top is None else top
    D = dist(H) * scale
    out = 4 * eps / math.sqrt(m)
    if eps >= top:
        return out
    cuts = np.unique(D[(D > eps) & (D < top)])
    grid = np.concatenate([[eps], cuts, [top]])
    integral = sum((hi - lo) * math.sqrt(math.log(greedy(D, 0.5 * (lo + hi)))) for lo, hi in zip(grid[:-1], grid[1:]))
    return out + (12 / m if front is None else front) * integral


def signs(m):
    return np.array(np.meshgrid(*[[-1.0, 1.0]] * m, indexing="ij")).reshape(m, -1).T


def pq(ws, k, r, signed=False, book_all=False, quantise=True):
    theta = np.concatenate([np.asarray(w).ravel() for w in ws])
    keep = np.argsort(-(theta if signed else np.abs(theta)), kind="stable")[:k]
    vals = theta[keep]
    src = theta if book_all else vals
    book = np.linspace(src.min(), src.max(), r)
    out = np.zeros_like(theta)
    out[keep] = book[np.argmin(np.abs(vals[:, None] - book[None, :]), axis=1)] if quantise else vals
    return out


def cb(err, m, n, k, r, delta, natural_log=False, ceil=True, kraft=True, two=2.0):
    log = math.log if natural_log else math.log2
    f = math.ceil if ceil else (lambda x: x)
    bits = k * (f(log(n)) + f(log(r))) + 32 * r
    kl = bits * math.log(2) + (math.log(bits * (bits + 1)) if kraft else 0.0)
    return [bits, err + math.sqrt((kl + math.log(1 / delta)) / (two * m))]


def kl(mq, vq, mp, vp):
    return 0.5 * (vq / vp + (mq - mp) ** 2 / vp - 1 + math.log(vp / vq))


def dv(a, b, mq, vq, mp, vp, mean_q=True, half_log=True):
    eq = a * (vq + (mq * mq if mean_q else 0.0)) + b * mq
    d = 1 - 2 * a * vp
    return eq - ((-0.5 * math.log(d) if half_log else 0.0) + (a * mp * mp + b * mp + 0.5 * b * b * vp) / d)


def relu(ws, X, last_relu=False):
    h = X
    for w in ws[:-1]:
        h = np.maximum(w @ h, 0)
    out = ws[-1] @ h
    return (np.maximum(out, 0) if last_relu else out).ravel()


def pbound(ws, us, B, ord_=2, e=math.e, divide=True):
    sw = [np.linalg.norm(w, ord_) for w in ws]
    su = [np.linalg.norm(u, ord_) for u in us]
    return e * B * math.prod(sw) * sum(u / s if divide else u for u, s in zip(su, sw))


def tb(A, t, factor, sigma2):
    return factor * A.shape[1] * math.exp(-t * t / (2 * sigma2))



def covering_variants(H, eps):
    """Greedy covers with the slips: distances / sqrt(m), <= eps, squared distances."""
    m = H.shape[1]
    D = dist(H)
    return [float(greedy(D / math.sqrt(m), eps)), float(greedy(D, eps, strict=False)), float(greedy(D * D, eps))]


def rademacher_variants(H):
    """(4.15) without the absolute value, and divided by sqrt(m) instead of m."""
    S = signs(H.shape[1])
    m = H.shape[1]
    return [float(np.mean(np.max(S @ H.T, axis=1)) / m),
            float(np.mean(np.max(np.abs(S @ H.T), axis=1)) / math.sqrt(m))]


def sphere_slip_values(Z, y, mu):
    """(train, test, neg) errors of the hypersphere example under three slips."""
    m, D = Z.shape
    r = float(np.mean(np.linalg.norm(Z, axis=1)))
    w2 = (y[:, None] * Z).mean(axis=0)
    s = y * (Z @ w2)
    train, neg = float(np.mean(mu * mu + s <= 0)), float(np.mean(mu * mu - s <= 0))

    def test(c):
        return 0.0 if c >= 1 else 0.5 * (1 - float(betainc(0.5, 0.5 * (D - 1), c * c)))
    c = mu * mu / (r * float(np.linalg.norm(w2)))
    return [[train, test(c), train], [train, test(mu / (r * np.linalg.norm(w2))), neg],
            [train, min(1.0, 2 * test(c)), neg]]


def relu_perturbation_variants(ws, us, X):
    """The largest output change with a ReLU on the output too, the mean instead of the
    maximum, and the perturbation run as a net of its own."""
    wu = [w + u for w, u in zip(ws, us)]
    return [float(np.max(np.abs(relu(wu, X, True) - relu(ws, X, True)))),
            float(np.mean(np.abs(relu(wu, X) - relu(ws, X)))),
            float(np.max(np.abs(relu(us, X))))]


def tropp_variants(A, t, tail):
    """(4.97) with sigma^2 = sum_k ||A_k^2||, and with the prefactor n (one tail)."""
    s2 = float(np.linalg.norm(np.einsum("kij,kjl->il", A, A), 2))
    s2_sum = float(sum(np.linalg.norm(a @ a, 2) for a in A))
    f = 2 if tail == "norm" else 1
    return [tb(A, t, f, s2_sum), tb(A, t, 1, s2)]
