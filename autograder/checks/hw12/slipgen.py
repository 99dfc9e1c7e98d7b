"""hw12's hidden helpers: the grader's own covers, Dudley integrals, Rademacher
averages, hypersphere errors, pruning and quantisation, compression,
Donsker-Varadhan, ReLU-perturbation, McDiarmid and Tropp bounds, each with the
known slips, for slip values; and the exact probabilities that the simulations
mcdiarmid_coins and tropp_tail estimate (the expected value of a correct
answer). Check code calls them as ``ref.slipgen.name(...)``; the student wheel
leaves this file out and replays their values on the public cases from the
public fixtures (autograder/reference.py). The exact probabilities are tested
against independent computations in ``tests/unit/checks/test_theory_hw12.py``.
"""
import math
from collections.abc import Sequence

import numpy as np
from scipy.special import betainc
from scipy.stats import binom, norm


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


def dv_maximiser_slips(mq, vq, mp, vp):
    """(a, b) of h = a x^2 + b x under the slips: Q and P swapped (log dP/dQ); standard
    deviations where the variances go."""
    return [np.array([0.5 / vq - 0.5 / vp, mp / vp - mq / vq]),
            np.array([0.5 / vp ** 2 - 0.5 / vq ** 2, mq / vq ** 2 - mp / vp ** 2])]


def mcdiarmid_variants(c, eps):
    """(4.11) with sum c_i for sum c_i^2, and with Gaussian-style constants exp(-eps^2 / (2 sum c_i^2))."""
    return [math.exp(-2 * eps * eps / float(np.sum(c))), math.exp(-eps * eps / (2 * float(np.sum(c * c))))]


# ---------------------------------------------------------------- exact probabilities
TAILS = ("norm", "max")


def coin_tail(m: int, eps: float) -> float:
    """P(mean of m fair 0/1 coins - 1/2 >= eps), the probability (4.11) bounds by e^{-2 m eps^2}.

    The count of heads S ~ Bin(m, 1/2) must reach m (1/2 + eps): P(S >= ceil(m (1/2 + eps))).
    Choose eps so that m (1/2 + eps) is half-way between integers: then round-off in
    forming it cannot move the threshold.
    """
    k = math.ceil(m * (0.5 + eps))
    return binom.sf(k - 1, m, 0.5)


def diagonal_series_tail(scales: Sequence[float], t: float, tail: str = "norm") -> float:
    """P(||sum_k xi_k A_k|| >= t) (``tail="norm"``) or P(lambda_max >= t) (``"max"``), xi ~ N(0, I),
    for the diagonal series A_k = s_k e_k e_k^T of (4.97).

    The sum is diag(s_k xi_k): its norm is max_k |s_k xi_k|, its largest eigenvalue max_k s_k xi_k,
    with independent coordinates, so P(< t) is a product of Gaussian probabilities.
    """
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}")
    sides = 2 if tail == "norm" else 1
    return 1 - float(np.prod([1 - sides * norm.sf(t / abs(s)) for s in scales]))


def scalar_series_tail(variance: float, t: float, tail: str = "norm") -> float:
    """The probabilities of ``diagonal_series_tail`` for the scalar series A_k = c_k I of (4.97),
    with ``variance`` = sum_k c_k^2 (then sigma^2 = ||sum_k A_k^2|| of (4.97) is ``variance`` too).

    The sum is (sum_k c_k xi_k) I, a N(0, variance) multiple of I: its norm is |g| and its
    largest eigenvalue g, g ~ N(0, variance).
    """
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}")
    sides = 2 if tail == "norm" else 1
    return sides * norm.sf(t / math.sqrt(variance))


def series_tails(A, t):
    """(P(||sum_k xi_k A_k|| >= t), P(lambda_max >= t)) for a series whose norm law is known:
    a diagonal series (A_k = s_k e_k e_k^T, ``diagonal_series_tail``) or a scalar one
    (A_k = c_k I, ``scalar_series_tail``)."""
    A = np.asarray(A, dtype=np.float64)
    m, n = A.shape[0], A.shape[1]
    eye = np.eye(n)
    if all(np.array_equal(a, a[0, 0] * eye) for a in A):
        variance = float(sum(a[0, 0] * a[0, 0] for a in A))
        return [scalar_series_tail(variance, t), scalar_series_tail(variance, t, "max")]
    if m == n:
        scales = [float(A[k, k, k]) for k in range(n)]
        diagonal = np.zeros_like(A)
        for k in range(n):
            diagonal[k, k, k] = scales[k]
        if np.array_equal(A, diagonal):
            return [diagonal_series_tail(scales, t), diagonal_series_tail(scales, t, "max")]
    raise ValueError("no exact tail for this series: use A_k = s_k e_k e_k^T or A_k = c_k I")
