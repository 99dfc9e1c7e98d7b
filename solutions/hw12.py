"""hw12 reference: generalization beyond the uniform bounds (notes 4.1-4.2).

Covering numbers and Dudley's entropy integral (Theorem 9, (4.23)-(4.26)),
the hypersphere example where uniform convergence fails ((4.45)-(4.48),
Nagarajan & Kolter), the compression bound ((4.71)-(4.73) with (4.50)-(4.53)),
Donsker-Varadhan (Lemma 9), the perturbation bound of Lemma 11 ((4.96)),
McDiarmid's inequality (4.11) by simulation, and Tropp's bound for matrix Gaussian series (Theorem 16, (4.97)).
"""
import itertools
import math

import numpy as np
from scipy.special import betainc

_MAX_M_EXACT = 20


def _as_class(H):
    H = np.atleast_2d(np.asarray(H, dtype=np.float64))
    if H.ndim != 2 or H.size == 0:
        raise ValueError(f"H must be a non-empty 2-d array (N hypotheses, m points), got shape {H.shape}")
    return H


def _check_positive(eps, name="eps"):
    if not eps > 0:
        raise ValueError(f"{name} must be > 0, got {eps}")


def _greedy_cover(D, eps):
    """Number of centres of the greedy internal cover, given the pairwise distance matrix D."""
    covered = np.zeros(D.shape[0], dtype=bool)
    n = 0
    for i in range(D.shape[0]):
        if not covered[i]:
            n += 1
            covered |= D[i] < eps
    return n


def _distances(H):
    diff = H[:, None, :] - H[None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=2))


def _as_weights(weights):
    ws = [np.atleast_2d(np.asarray(w, dtype=np.float64)) for w in weights]
    if not ws:
        raise ValueError("weights must hold at least one matrix")
    for l in range(len(ws) - 1):
        if ws[l + 1].shape[1] != ws[l].shape[0]:
            raise ValueError(f"W_{l + 2} has {ws[l + 1].shape[1]} columns but W_{l + 1} has {ws[l].shape[0]} rows")
    return ws


def _relu_net(ws, X):
    h = X
    for w in ws[:-1]:
        h = np.maximum(w @ h, 0.0)
    return (ws[-1] @ h).ravel()


def _as_series(A):
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 3 or A.shape[1] != A.shape[2]:
        raise ValueError(f"A must have shape (m, n, n), got {A.shape}")
    if not np.allclose(A, np.transpose(A, (0, 2, 1)), rtol=1e-12, atol=1e-12):
        raise ValueError("every A_k must be symmetric (Theorem 16 as stated needs A_k^2 = A_k A_k^T)")
    return A


def covering_number(H: np.ndarray, eps: float) -> int:
    """Size of the greedy internal eps-cover of a finite class, an upper bound on N_2 of (4.23).

    Rows of H are hypotheses on S_m; distances are the unnormalised l2 distances
    of (4.23) with p = 2 and the strict '<'. Rows are scanned in order and an
    uncovered row becomes a centre covering every row closer than eps.
    """
    H = _as_class(H)
    _check_positive(eps)
    return _greedy_cover(_distances(H), eps)


def rademacher_exact(H: np.ndarray) -> float:
    """Rad(H|S_m) of (4.15), absolute value kept, by enumerating all 2^m sign vectors."""
    H = _as_class(H)
    m = H.shape[1]
    if m > _MAX_M_EXACT:
        raise ValueError(f"exact enumeration needs m <= {_MAX_M_EXACT}, got m = {m}")
    S = np.array(list(itertools.product((-1.0, 1.0), repeat=m)))
    return float(np.mean(np.max(np.abs(S @ H.T), axis=1)) / m)


def dudley_bound(H: np.ndarray, eps: float) -> float:
    """Dudley's entropy integral (4.26): 4 eps/sqrt(m) + (12/m) int_eps^{sqrt(m)/2} sqrt(log N_2(t)) dt.

    N_2(t) is the greedy cover size; it only changes where t crosses a pairwise
    distance of the rows, so the integral is a finite sum over those intervals.
    """
    H = _as_class(H)
    _check_positive(eps)
    if np.any(np.abs(H) > 1.0):
        raise ValueError("Theorem 9 needs hypotheses with values in [-1, 1]")
    m = H.shape[1]
    top = math.sqrt(m) / 2.0
    first = 4.0 * eps / math.sqrt(m)
    if eps >= top:
        return first
    D = _distances(H)
    cuts = np.unique(D[(D > eps) & (D < top)])
    grid = np.concatenate([[eps], cuts, [top]])
    integral = 0.0
    for lo, hi in zip(grid[:-1], grid[1:]):
        n = _greedy_cover(D, 0.5 * (lo + hi))     # constant on (lo, hi]
        integral += (hi - lo) * math.sqrt(math.log(n))
    return first + 12.0 / m * integral


def sphere_errors(Z: np.ndarray, y: np.ndarray, mu: float) -> tuple[float, float, float]:
    """Train, test and flipped-sample errors in the hypersphere example ((4.45)-(4.48)).

    x_i = (mu y_i, z_i), w = (1/m) sum_i y_i x_i, error when y w.x <= 0. The
    test error is exact for z uniform on the sphere of radius r = ||z_i||:
    y w.x = mu^2 + y w_2.z, and w_2.z/(r ||w_2||) is a coordinate u of a uniform
    point of S^{D-1}, u^2 ~ Beta(1/2, (D-1)/2). On not(S) (every z_i flipped) the
    same w errs on nearly every point, so the two-sample supremum (4.48) is ~1.
    """
    Z = np.atleast_2d(np.asarray(Z, dtype=np.float64))
    y = np.asarray(y, dtype=np.float64).ravel()
    m, D = Z.shape
    if y.shape[0] != m:
        raise ValueError(f"y has {y.shape[0]} labels but Z has {m} rows")
    r = float(np.mean(np.linalg.norm(Z, axis=1)))
    w2 = (y[:, None] * Z).mean(axis=0)
    margins = mu * mu + y * (Z @ w2)
    neg_margins = mu * mu - y * (Z @ w2)
    c = mu * mu / (r * float(np.linalg.norm(w2)))
    test = 0.0 if c >= 1.0 else 0.5 * (1.0 - float(betainc(0.5, 0.5 * (D - 1), c * c)))
    return float(np.mean(margins <= 0)), test, float(np.mean(neg_margins <= 0))


def prune_quantize(weights: list[np.ndarray], k: int, r: int) -> list[np.ndarray]:
    """The compressed model (S, Q, C) of (4.73): keep the k largest |theta_i|, quantise to r levels.

    The codebook is np.linspace(min, max, r) of the kept values; each kept value
    goes to its nearest codebook point (ties: the lower point), the rest to 0.
    """
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    theta = np.concatenate([w.ravel() for w in ws])
    if not 1 <= k <= theta.size or r < 2:
        raise ValueError(f"need 1 <= k <= {theta.size} and r >= 2, got k = {k}, r = {r}")
    keep = np.argsort(-np.abs(theta), kind="stable")[:k]
    vals = theta[keep]
    book = np.linspace(vals.min(), vals.max(), r)
    out = np.zeros_like(theta)
    out[keep] = book[np.argmin(np.abs(vals[:, None] - book[None, :]), axis=1)]
    res, start = [], 0
    for w in ws:
        res.append(out[start:start + w.size].reshape(w.shape))
        start += w.size
    return res


def compression_bound(train_error: float, m: int, n_params: int, k: int, r: int, delta: float) -> tuple[int, float]:
    """Code length (4.73) in whole bits and the Occam bound it gives.

    bits = k(ceil(log2 n_params) + ceil(log2 r)) + 32 r. The prior (4.71) with
    q(b) = 1/(b(b+1)) and Z <= 1 gives KL (4.72) <= bits log 2 + log(bits(bits+1));
    the countable bound (4.50)-(4.53), solved exactly for eps(f), is
    train_error + sqrt((KL + log(1/delta))/(2m)).
    """
    if not 0 < delta < 1:
        raise ValueError(f"delta must lie in (0, 1), got {delta}")
    bits = int(k * (math.ceil(math.log2(n_params)) + math.ceil(math.log2(r))) + 32 * r)
    kl = bits * math.log(2.0) + math.log(bits * (bits + 1.0))
    return bits, float(train_error + math.sqrt((kl + math.log(1.0 / delta)) / (2.0 * m)))


def dv_objective(a: float, b: float, mu_q: float, var_q: float, mu_p: float, var_p: float) -> float:
    """Donsker-Varadhan objective (Lemma 9) E_Q h - log E_P e^h for h(x) = a x^2 + b x, closed form.

    For X ~ N(mu, s): E e^{aX^2 + bX} = (1 - 2as)^{-1/2} exp((a mu^2 + b mu + b^2 s/2)/(1 - 2as))
    when 1 - 2as > 0, and +inf otherwise (the objective is then -inf).
    """
    e_q = a * (var_q + mu_q * mu_q) + b * mu_q
    d = 1.0 - 2.0 * a * var_p
    if d <= 0:
        return -math.inf
    log_e_p = -0.5 * math.log(d) + (a * mu_p * mu_p + b * mu_p + 0.5 * b * b * var_p) / d
    return float(e_q - log_e_p)


def dv_maximiser(mu_q: float, var_q: float, mu_p: float, var_p: float) -> tuple[float, float]:
    """(a, b) of h* = log dQ/dP up to a constant: the maximiser in Lemma 9, where the objective is KL(Q||P)."""
    return 0.5 / var_p - 0.5 / var_q, mu_q / var_q - mu_p / var_p


def relu_perturbation(weights: list[np.ndarray], perturbations: list[np.ndarray], X: np.ndarray) -> float:
    """max over the columns x of X of |f_{theta+xi}(x) - f_theta(x)|, f the bias-free ReLU net (Lemma 11)."""
    ws = _as_weights(weights)
    us = _as_weights(perturbations)
    if len(us) != len(ws) or any(u.shape != w.shape for u, w in zip(us, ws)):
        raise ValueError("perturbations must have the shapes of the weights")
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    diff = _relu_net([w + u for w, u in zip(ws, us)], X) - _relu_net(ws, X)
    return float(np.max(np.abs(diff)))


def perturbation_bound(weights: list[np.ndarray], perturbations: list[np.ndarray], B: float) -> float:
    """Lemma 11 (4.96): e B (prod_l ||W_l||_2) sum_l ||U_l||_2/||W_l||_2, when ||U_l||_2 <= ||W_l||_2 / L."""
    ws = _as_weights(weights)
    us = _as_weights(perturbations)
    L = len(ws)
    sw = [np.linalg.norm(w, 2) for w in ws]
    su = [np.linalg.norm(u, 2) for u in us]
    if any(u > s / L * (1 + 1e-12) for u, s in zip(su, sw)):
        raise ValueError("Lemma 11 needs ||U_l||_2 <= ||W_l||_2 / L for every l")
    return float(math.e * B * math.prod(sw) * sum(u / s for u, s in zip(su, sw)))


def mcdiarmid_bound(c: np.ndarray, eps: float) -> float:
    """McDiarmid's inequality (4.11): P(g - E g >= eps) <= exp(-2 eps^2 / sum_i c_i^2)."""
    c = np.atleast_1d(np.asarray(c, dtype=np.float64))
    _check_positive(eps)
    if c.size == 0 or np.any(c < 0):
        raise ValueError("c must be a non-empty array of bounded differences >= 0")
    return float(math.exp(-2.0 * eps * eps / float(np.sum(c * c))))


def mcdiarmid_coins(m: int, eps: float, n_draws: int, seed: int) -> float:
    """Monte Carlo P(mean of m fair 0/1 coins - 1/2 >= eps): (4.11) with g the mean, c_i = 1/m."""
    heads = np.random.default_rng(seed).integers(0, 2, size=(n_draws, m))
    return float(np.mean(heads.mean(axis=1) - 0.5 >= eps))


def tropp_bound(A: np.ndarray, t: float, tail: str = "norm") -> float:
    """Theorem 16 (4.97) with sigma^2 = ||sum_k A_k^2||_2: 2n e^{-t^2/(2 sigma^2)} for the norm, n for lambda_max.

    Tropp's theorem bounds the upper tail of lambda_max by n e^{...}; the norm
    is max(lambda_max, -lambda_min), and the lower tail is the upper tail of
    -sum xi_k A_k, so the union bound gives 2n (the notes print n).
    """
    if tail not in ("norm", "max"):
        raise ValueError(f"tail must be 'norm' or 'max', got {tail!r}")
    A = _as_series(A)
    n = A.shape[1]
    sigma2 = float(np.linalg.norm(np.einsum("kij,kjl->il", A, A), 2))
    return float((2 * n if tail == "norm" else n) * math.exp(-t * t / (2.0 * sigma2)))


def tropp_tail(A: np.ndarray, t: float, n_draws: int, seed: int) -> float:
    """Monte Carlo P(||sum_k xi_k A_k||_2 >= t), xi ~ N(0, I_m) from default_rng(seed)."""
    A = np.asarray(A, dtype=np.float64)
    xi = np.random.default_rng(seed).standard_normal((n_draws, A.shape[0]))
    S = np.einsum("dk,kij->dij", xi, A)
    norms = np.linalg.norm(S, ord=2, axis=(1, 2))
    return float(np.mean(norms >= t))
