"""hw8 reference: generalization bounds (notes, chapter 4).

Uniform bounds for finite classes (4.6)-(4.9), VC dimension and Sauer's lemma
(4.13)-(4.21), Rademacher complexities (4.15)-(4.18), spectral complexities
(4.31) and (4.87), the bound of Neyshabur et al. (4.86), McAllester's
PAC-Bayes bound (4.55)/(4.74) and the Dziugaite & Roy bound (4.76)-(4.80).

In this chapter L counts weight matrices: ``weights = [W_1, ..., W_L]``, W_l of
shape (n_{l+1}, n_l), scalar output. Points are the columns of ``X``.
Where the notes misprint a formula ((4.77), (4.80), (4.90)) the corrected
form of ``ASSIGNMENTS.md`` is used; no bound is clipped at 1.
"""
import math

import numpy as np
from scipy.special import ndtr

_CHUNK = 1 << 20  # sign-matrix entries drawn at a time (bounds memory use)


def _check_delta(delta):
    """Raise ValueError unless 0 < delta < 1."""
    if not (0.0 < float(delta) < 1.0):
        raise ValueError(f"delta must lie in (0, 1), got {delta}")


def _signs(rng, n, m):
    """An (n, m) float64 matrix of iid Rademacher signs, each +1 or -1 w.p. 1/2."""
    return 2.0 * rng.integers(0, 2, size=(n, m)) - 1.0


def _mean_over_signs(stat, m, n_samples, seed):
    """Mean of stat(sigma) over n_samples iid sign vectors sigma in {-1, 1}^m.

    ``stat`` maps an (k, m) block of sign vectors to k values; blocks keep the
    memory bounded.
    """
    n_samples = int(n_samples)
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    rng = np.random.default_rng(seed)
    per_block = max(1, _CHUNK // max(m, 1))
    total, done = 0.0, 0
    while done < n_samples:
        k = min(per_block, n_samples - done)
        total += float(np.sum(stat(_signs(rng, k, m))))
        done += k
    return total / n_samples


def _as_weights(weights):
    """The weight matrices as a list of 2-d float64 arrays."""
    mats = [np.atleast_2d(np.asarray(W, dtype=np.float64)) for W in weights]
    if len(mats) == 0:
        raise ValueError("weights must contain at least one matrix")
    return mats


def _leave_one_out_products(s):
    """Array whose l-th entry is prod_{l' != l} s[l'] (no division, so s may hold zeros)."""
    s = np.asarray(s, dtype=np.float64)
    left = np.concatenate(([1.0], np.cumprod(s[:-1])))
    right = np.concatenate((np.cumprod(s[::-1][:-1])[::-1], [1.0]))
    return left * right


def _relu_net(weights, X):
    """Outputs f(x_i) = W_L relu(... relu(W_1 x_i)) for the columns of X, shape (m,)."""
    h = np.asarray(X, dtype=np.float64)
    for W in weights[:-1]:
        h = np.maximum(W @ h, 0.0)
    return (weights[-1] @ h).reshape(-1)


def finite_class_bound(m: int, delta: float, n_hypotheses: int = 1) -> float:
    """Hoeffding plus union bound for a finite class, (4.6) and (4.9).

    With probability >= 1 - delta over S_m,
    sup_f (R(f) - R̂_m(f)) <= sqrt((log(1/delta) + log|F|) / (2m)),
    from (4.5) and the union bound (4.8); |F| = 1 gives (4.6).
    Raises ValueError unless 0 < delta < 1, m >= 1 and |F| >= 1.
    """
    _check_delta(delta)
    if not m >= 1:
        raise ValueError(f"m must be >= 1, got {m}")
    if not n_hypotheses >= 1:
        raise ValueError(f"n_hypotheses must be >= 1, got {n_hypotheses}")
    return math.sqrt((math.log(1.0 / delta) + math.log(n_hypotheses)) / (2.0 * m))


def sauer_bound(m: int, vc_dim: int) -> int:
    """Sauer's lemma (Lemma 7): Pi_F(m) <= sum_{k=0}^{min(d, m)} binom(m, k).

    Returned as an exact Python int; it equals 2^m when d >= m.
    """
    m, d = int(m), int(vc_dim)
    if m < 0 or d < 0:
        raise ValueError(f"m and vc_dim must be >= 0, got m={m}, vc_dim={d}")
    term, total = 1, 1                      # binom(m, 0)
    for k in range(1, min(d, m) + 1):
        term = term * (m - k + 1) // k      # binom(m, k), exact
        total += term
    return total


def vc_bound(m: int, vc_dim: int, delta: float) -> float:
    """Uniform bound for the 0/1 risk of a class of VC dimension d, (4.13)-(4.21).

    Returns 2 Rad + sqrt(log(1/delta) / (2m)), the factor 2 being the
    symmetrization of (4.14), with Rad = sqrt((2/m)(log 2 + G)) from (4.18)
    and G a bound on log Pi_F(m): d (1 + log m - log d) for m > d >= 1
    ((4.20), giving (4.21)), m log 2 for m <= d, 0 for d = 0. Not clipped at 1.
    """
    _check_delta(delta)
    m, d = int(m), int(vc_dim)
    if m < 1 or d < 0:
        raise ValueError(f"need m >= 1 and vc_dim >= 0, got m={m}, vc_dim={d}")
    if d == 0:
        G = 0.0
    elif m <= d:
        G = m * math.log(2.0)
    else:
        G = d * (1.0 + math.log(m) - math.log(d))
    rad = math.sqrt(2.0 / m * (math.log(2.0) + G))
    return 2.0 * rad + math.sqrt(math.log(1.0 / delta) / (2.0 * m))


def rademacher_linear(X: np.ndarray, B: float, n_samples: int, seed: int) -> tuple[float, float]:
    """Rademacher complexity (4.15) of {x -> w^T x : ||w||_2 <= B} on the columns of X.

    For a sign vector sigma, sup_w |(1/m) sum_i sigma_i w^T x_i| = (B/m) ||X sigma||_2
    (Cauchy-Schwarz, attained at w parallel to X sigma), so
    ``estimate`` = (B/m) * mean of ||X sigma||_2 over n_samples iid sigma, and
    ``bound`` = B ||X||_F / m (Jensen: E||X sigma|| <= sqrt(E||X sigma||^2)).
    Returns the tuple (estimate, bound).
    """
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    m = X.shape[1]
    mean_norm = _mean_over_signs(lambda S: np.linalg.norm(X @ S.T, axis=0), m, n_samples, seed)
    return B * mean_norm / m, B * float(np.linalg.norm(X)) / m


def rademacher_finite(H: np.ndarray, n_samples: int, seed: int) -> tuple[float, float]:
    """Rademacher complexity (4.15), absolute value kept, of a finite class.

    Row H[k] holds (h_k(z_1), ..., h_k(z_m)). ``estimate`` = mean over n_samples
    iid sigma of max_k |sigma . H[k]| / m. ``bound`` is Massart's lemma in the
    form of the chain (4.16) with sum_i h_i^2 kept:
    max_k ||H[k]||_2 sqrt(2 log(2 N')) / m, N' the number of distinct rows
    (|F_{S_m}|); for rows of +-1 it is (4.18). Returns (estimate, bound).
    """
    H = np.atleast_2d(np.asarray(H, dtype=np.float64))
    m = H.shape[1]
    est = _mean_over_signs(lambda S: np.max(np.abs(S @ H.T), axis=1), m, n_samples, seed) / m
    n_distinct = np.unique(H, axis=0).shape[0]
    bound = float(np.max(np.linalg.norm(H, axis=1))) * math.sqrt(2.0 * math.log(2.0 * n_distinct)) / m
    return est, bound


def spectral_complexity(weights: list[np.ndarray], kind: str = "bartlett",
                        reference: list[np.ndarray] | None = None) -> float:
    """Spectral complexity of a net, (4.31) (kind "bartlett") or (4.87) (kind "neyshabur").

    bartlett:  (prod_l ||W_l||_2) (sum_l (||(W_l - M_l)^T||_{2,1} / ||W_l||_2)^{2/3})^{3/2},
               (4.31) at s_l = ||W_l||_2, b_l = ||(W_l - M_l)^T||_{2,1}, the right side
               of (4.43); M_l = reference[l], zeros by default. The notes' (4.90)
               misprints the exponents 2/3 and 3/2 as squares and a square root.
    neyshabur: (prod_l ||W_l||_2) sqrt(sum_l ||W_l||_F^2 / ||W_l||_2^2), (4.87);
               ``reference`` must then be None.
    ||.||_2 is the spectral norm; ||W^T||_{2,1} = sum_i ||W[i, :]||_2, the row norms of W.
    Both are evaluated in the division-free form of (4.31),
    (sum_l (b_l prod_{l' != l} s_l')^p)^{1/p}, so a zero matrix gives 0.
    Raises ValueError for another kind, or a reference with kind "neyshabur".
    """
    Ws = _as_weights(weights)
    s = np.array([np.linalg.norm(W, 2) for W in Ws])
    others = _leave_one_out_products(s)
    if kind == "bartlett":
        if reference is None:
            Ms = [np.zeros_like(W) for W in Ws]
        else:
            Ms = _as_weights(reference)
            if len(Ms) != len(Ws) or any(M.shape != W.shape for M, W in zip(Ms, Ws)):
                raise ValueError("reference must hold one matrix of the same shape per weight")
        b = np.array([np.sum(np.linalg.norm(W - M, axis=1)) for W, M in zip(Ws, Ms)])
        return float(np.sum((b * others) ** (2.0 / 3.0)) ** 1.5)
    if kind == "neyshabur":
        if reference is not None:
            raise ValueError('kind="neyshabur" takes no reference matrices')
        f = np.array([np.linalg.norm(W) for W in Ws])
        return float(math.sqrt(np.sum((f * others) ** 2)))
    raise ValueError(f'unknown kind {kind!r}: use "bartlett" or "neyshabur"')


def neyshabur_bound(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray, gamma: float, delta: float,
                    B: float | None = None) -> tuple[float, float]:
    """Margin risk and the PAC-Bayes spectral bound of Neyshabur et al., Theorem 13 (4.86).

    For f(x) = W_L relu(... relu(W_1 x)): ``margin_risk`` = mean_i [y_i f(x_i) < gamma]
    (strict, the hard r_gamma of 4.1.2), and
    ``bound`` = margin_risk + sqrt((log(8 L m / delta) + log(m) / (2L)
                 + 8 e^4 (B R / gamma)^2 L^2 n log(2 L n)) / (2m - 1)),
    L = len(weights), n the largest dimension of any W_l (input included),
    R = spectral_complexity(weights, "neyshabur") (4.87), B = max_i ||x_i||_2 by
    default. Not clipped. Returns (margin_risk, bound).
    """
    _check_delta(delta)
    if not gamma > 0:
        raise ValueError(f"gamma must be > 0, got {gamma}")
    Ws = _as_weights(weights)
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    m, L = X.shape[1], len(Ws)
    margin_risk = float(np.mean(y * _relu_net(Ws, X) < gamma))
    if B is None:
        B = float(np.max(np.linalg.norm(X, axis=0)))
    n = max(max(W.shape) for W in Ws)
    R = spectral_complexity(Ws, "neyshabur")
    inside = (math.log(8.0 * L * m / delta) + math.log(m) / (2.0 * L)
              + 8.0 * math.e ** 4 * (B * R / gamma) ** 2 * L ** 2 * n * math.log(2.0 * L * n))
    return margin_risk, margin_risk + math.sqrt(inside / (2.0 * m - 1.0))


def mcallester_bound(emp_risk: float | np.ndarray, kl: float | np.ndarray, m: int, delta: float) -> float | np.ndarray:
    """McAllester's PAC-Bayes bound, Theorem 11 (4.55) in the form (4.74).

    R(Q) <= R̂_m(Q) + sqrt((log(4m/delta) + KL(Q||P)) / (2m - 1)).
    Raises ValueError if kl < 0 or delta is not in (0, 1).
    """
    _check_delta(delta)
    if np.any(np.asarray(kl) < 0):
        raise ValueError(f"kl must be >= 0, got {kl}")
    out = emp_risk + np.sqrt((np.log(4.0 * m / delta) + kl) / (2.0 * m - 1.0))
    return float(out) if np.ndim(out) == 0 else out


def kl_diag_gaussians(mu: np.ndarray, lam: np.ndarray, mu_prior: float | np.ndarray,
                      lam_prior: float | np.ndarray) -> float:
    """KL(N(mu, diag e^lam) || N(mu*, diag e^lam*)), lam the log-variance as in (4.76).

    = 1/2 sum_i (e^{lam_i - lam*_i} + (mu_i - mu*_i)^2 e^{-lam*_i} + lam*_i - lam_i - 1).
    A scalar lam* gives (4.77) corrected: the notes' "- 1 . mu" must read "- 1 . lam".
    mu_prior and lam_prior broadcast. e^t - 1 - t is evaluated as expm1(t) - t,
    so that KL(Q||Q) = 0 exactly.
    """
    mu, lam = np.asarray(mu, dtype=np.float64), np.asarray(lam, dtype=np.float64)
    mu_p, lam_p = np.asarray(mu_prior, dtype=np.float64), np.asarray(lam_prior, dtype=np.float64)
    t = lam - lam_p
    terms = (np.expm1(t) - t) + (mu - mu_p) ** 2 * np.exp(-lam_p)
    return 0.5 * float(np.sum(terms))


def dziugaite_roy_bound(mu: np.ndarray, lam: np.ndarray, X: np.ndarray, y: np.ndarray, mu_prior: float | np.ndarray,
                        lam_prior: float, delta: float = 0.025, b: float = 100.0,
                        c: float = 0.1) -> tuple[float, float]:
    """Exact Gibbs risk and the Dziugaite & Roy bound (4.80) for a linear classifier.

    Q = N(mu, diag e^lam) over w, P = N(mu*, e^{lam*} I), lam* a scalar, f_w(x) = w^T x.
    ``gibbs_risk`` = (1/m) sum_i Phi(-y_i mu^T x_i / sqrt(sum_k e^{lam_k} x_ki^2)),
    exact because w^T x_i is Gaussian (no sampling; a point x_i = 0 has risk 0,
    as r_{0/1}(y, 0) = [0 < 0] = 0).
    ``bound`` = gibbs_risk + sqrt((log(2 pi^2 m j^2 / (3 delta)) + KL(Q||P)) / (2m - 1)),
    j = b (log c - lam*) real. The notes' (4.80) drops the square on j: with
    delta_j = 6 delta / (pi^2 j^2), log(4m/delta_j) = log(2 pi^2 m j^2 / (3 delta)).
    Raises ValueError if j < 1 (up to 1e-9) or lam_prior is not a scalar.
    """
    _check_delta(delta)
    if np.ndim(lam_prior) != 0:
        raise ValueError("lam_prior must be a scalar (the prior is N(mu*, e^lam* I))")
    j = b * (math.log(c) - float(lam_prior))
    if j < 1.0 - 1e-9:
        raise ValueError(f"j = b (log c - lam_prior) = {j} must be >= 1")
    mu = np.asarray(mu, dtype=np.float64).reshape(-1)
    lam = np.asarray(lam, dtype=np.float64).reshape(-1)
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    m = X.shape[1]
    mean = y * (mu @ X)
    sd = np.sqrt(np.exp(lam) @ X ** 2)
    # sd = 0 (x_i = 0, or e^lam underflowing): w^T x_i = mu^T x_i surely, risk [y_i mu^T x_i < 0]
    risks = np.where(sd > 0, ndtr(-mean / np.where(sd > 0, sd, 1.0)), (mean < 0).astype(np.float64))
    gibbs = float(np.mean(risks))
    kl = kl_diag_gaussians(mu, lam, mu_prior, lam_prior)
    return gibbs, gibbs + math.sqrt((math.log(2.0 * math.pi ** 2 * m * j ** 2 / (3.0 * delta)) + kl)
                                    / (2.0 * m - 1.0))
