"""hw7 reference: deep linear nets train in depth-independent time (notes 2.3).

Saxe et al.'s mode picture: with whitened inputs and an orthogonal
initialisation aligned with the task, gradient descent on a deep linear net
decouples into one scalar problem per singular value s of the input-output
correlation (2.137)-(2.139). The balanced mode u = a^{L+1} follows
u' = eta (L+1) u^{2L/(L+1)} (s - u) (2.140); the notes integrate its shallow
case (2.133), its large-L approximation (2.141), bound the learning rate by the
top Hessian eigenvalue (2.145)-(2.150) and conclude that the number of steps
(2.151) does not grow with depth. Here also: the exact flow time of (2.140), the
discrete dynamics (2.138), Haar orthogonal weights and gradient descent on a
real deep linear net (2.136), for the experiment.

Scalar inputs give Python floats, array inputs arrays of the broadcast shape.
"""
import numpy as np
from scipy import integrate

_QUAD_EPSREL = 1e-13  # quad's relative target for the exact flow time
_QUAD_LIMIT = 200  # subintervals quad may use (the integrand is smooth)


def _as_output(values, *inputs):
    """A float when every input is a scalar, else an array of the broadcast shape."""
    values = np.asarray(values, dtype=np.float64)
    if all(np.ndim(x) == 0 for x in inputs):
        return float(values)
    return values


def _reachability(s, eta, u0, uf):
    """Masks of the balanced-mode flow started at u0 (u = a^2 or a^{L+1} >= 0).

    The flow moves monotonically from u0 towards the fixed point s and never
    crosses it; u = 0 and u = s are fixed points. Returns (finite, same, limit):
    uf reached in a finite time t > 0, uf == u0 (t = 0), and uf == s approached
    only as t -> infinity. Everything else (wrong side, beyond s, u < 0, s <= 0 or
    eta <= 0) is unreachable.
    """
    ok = (s > 0) & (eta > 0) & (u0 >= 0) & (uf >= 0)
    same = ok & (uf == u0)
    up = ok & (u0 > 0) & (u0 < uf) & (uf < s)
    down = ok & (s < uf) & (uf < u0)
    limit = ok & (uf == s) & (u0 > 0) & (u0 != s)
    return up | down, same, limit


def _mode_log(s, u0, uf):
    """ln(uf (u0 - s) / (u0 (uf - s))) of (2.133), written with log1p so that it
    keeps its relative accuracy when uf is close to u0."""
    return np.log1p((uf - u0) / u0) + np.log1p((u0 - uf) / (uf - s))


def _finish(values, finite, same, limit):
    out = np.where(finite, values, np.nan)
    out = np.where(same, 0.0, out)
    return np.where(limit, np.inf, out)


def _safe_inputs(s, u0, uf, finite):
    """Replace inputs outside `finite` by harmless values (u0 = 1, uf = 2, s = 3)."""
    return np.where(finite, s, 3.0), np.where(finite, u0, 1.0), np.where(finite, uf, 2.0)


def _softplus(w):
    """ln(1 + e^w) without overflow."""
    return np.logaddexp(0.0, w)


def _exact_scaled_time(p, s, u0, uf):
    """integral_{u0}^{uf} du / (u^p (s - u)) for one finite, reachable case.

    Below s the substitution u = s / (1 + e^{-w}) turns the integrand into
    s^{-p} (1 + e^{-w})^{p-1}; above s, u = s (1 + e^{-w}) gives
    s^{-p} (1 + e^{-w})^{-p}. The constant 1 of either is integrated exactly
    (it is the log of (2.133)); the smooth remainder is left to quad.
    """
    if uf < s:
        w0, w1 = np.log(u0 / (s - u0)), np.log(uf / (s - uf))
        rest = lambda w: np.expm1((p - 1.0) * _softplus(-w))  # noqa: E731
    else:
        w0, w1 = np.log(s / (u0 - s)), np.log(s / (uf - s))
        rest = lambda w: np.expm1(-p * _softplus(-w))  # noqa: E731
    tail, _ = integrate.quad(rest, w0, w1, epsabs=0.0, epsrel=_QUAD_EPSREL, limit=_QUAD_LIMIT)
    return s ** (-p) * ((w1 - w0) + tail)


def _check_depth(depth):
    if int(depth) != depth or depth < 0:
        raise ValueError(f"depth must be an integer >= 0, got {depth!r}")
    return int(depth)


def shallow_mode_time(s: float | np.ndarray, eta: float | np.ndarray, u0: float | np.ndarray,
                      uf: float | np.ndarray) -> float | np.ndarray:
    """Gradient-flow time of one mode of a shallow linear net, (2.133).

    With a = b the mode u = ab obeys u' = 2 eta u (s - u) (2.132), so

        t = ln(uf (u0 - s) / (u0 (uf - s))) / (2 s eta).

    u moves monotonically from u0 towards s: t is finite for uf between u0 and
    s (s excluded), 0 for uf == u0, +inf for uf == s (reached only as
    t -> infinity), and NaN when uf is not reachable from u0 (wrong side of u0,
    beyond s, u0 = 0 with uf != 0, negative u0 or uf, s <= 0, eta <= 0).
    """
    s, eta, u0, uf = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (s, eta, u0, uf)))
    finite, same, limit = _reachability(s, eta, u0, uf)
    ss, a0, af = _safe_inputs(s, u0, uf, finite)
    ee = np.where(finite, eta, 1.0)
    t = _mode_log(ss, a0, af) / (2.0 * ss * ee)
    return _as_output(_finish(t, finite, same, limit), s, eta, u0, uf)


def deep_mode_time(s: float | np.ndarray, eta: float | np.ndarray, u0: float | np.ndarray, uf: float | np.ndarray,
                   depth: int | np.ndarray) -> float | np.ndarray:
    """Time of the large-L approximation of the deep mode dynamics, (2.141).

    Replacing u^{2L/(L+1)} by u^2 in (2.140) gives u' = eta (L+1) u^2 (s - u),
    whose flow time is

        t = (1/u0 - 1/uf + ln(uf (u0 - s) / (u0 (uf - s))) / s) / ((L+1) s eta).

    Taken literally at every depth (at small L it is far from the exact time of
    (2.140), see exact_mode_time). Same conventions as shallow_mode_time:
    0 for uf == u0, +inf for uf == s, NaN when uf is not reachable from u0.
    """
    s, eta, u0, uf, L = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (s, eta, u0, uf, depth)))
    finite, same, limit = _reachability(s, eta, u0, uf)
    finite = finite & (L > -1)
    ss, a0, af = _safe_inputs(s, u0, uf, finite)
    ee = np.where(finite, eta, 1.0)
    LL = np.where(finite, L, 1.0)
    bracket = (af - a0) / (a0 * af) + _mode_log(ss, a0, af) / ss
    t = bracket / ((LL + 1.0) * ss * ee)
    return _as_output(_finish(t, finite, same, limit), s, eta, u0, uf, depth)


def exact_mode_time(s: float | np.ndarray, eta: float | np.ndarray, u0: float | np.ndarray, uf: float | np.ndarray,
                    depth: int | np.ndarray) -> float | np.ndarray:
    """Exact gradient-flow time of the balanced deep mode, (2.140) integrated:

        t = integral_{u0}^{uf} du / (eta (L+1) u^{2L/(L+1)} (s - u)).

    No large-L approximation: at L = 1 it equals (2.133) (shallow_mode_time),
    and for large L it approaches (2.141) (deep_mode_time). Computed to ~1e-12
    relative accuracy by a change of variables that leaves a smooth integrand
    (see _exact_scaled_time). Same conventions as shallow_mode_time: 0 for
    uf == u0, +inf for uf == s, NaN when uf is not reachable from u0.
    """
    s, eta, u0, uf, L = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (s, eta, u0, uf, depth)))
    finite, same, limit = _reachability(s, eta, u0, uf)
    finite = finite & (L > -1)
    t = np.full(s.shape, np.nan)
    for idx in np.ndindex(s.shape):
        if not finite[idx]:
            continue
        p = 2.0 * L[idx] / (L[idx] + 1.0)
        t[idx] = _exact_scaled_time(p, s[idx], u0[idx], uf[idx]) / (eta[idx] * (L[idx] + 1.0))
    return _as_output(_finish(t, finite, same, limit), s, eta, u0, uf, depth)


def simulate_mode(s: float | np.ndarray, lr: float | np.ndarray, depth: int | np.ndarray, u0: float | np.ndarray,
                  steps: int) -> np.ndarray:
    """Discrete gradient descent on one deep mode, (2.138)-(2.139).

    E(a_0..a_L) = (s - prod_l a_l)^2 / 2 over the L+1 = depth+1 factors, all
    updated at once, a_l <- a_l + lr (s - prod a) prod_{l' != l} a_l', from
    equal factors a_l = u0^{1/(L+1)}. The factors stay equal, so each step is
    a <- a + lr (s - a^{L+1}) a^L. Returns the steps + 1 values of u = a^{L+1}
    (u at step 0 first), of shape (steps + 1,) + the broadcast shape of the
    inputs. ValueError for u0 < 0 (no real equal factors for even L+1), for a
    negative or non-integer depth or steps. A learning rate beyond
    2 / lambda_1 (see top_hessian_eigenvalue) makes u oscillate or diverge;
    the overflow is returned as it comes (inf or nan).
    """
    if np.any(np.asarray(u0) < 0):
        raise ValueError(f"u0 must be >= 0 (u0^(1/(L+1)) is the initial factor), got {u0!r}")
    depth = _check_depth(depth)
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    s, lr, u0 = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (s, lr, u0)))
    k = depth + 1
    u = np.empty((int(steps) + 1,) + s.shape)
    a = u0 ** (1.0 / k)
    u[0] = u0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, int(steps) + 1):
            a = a + lr * (s - a**k) * a**depth
            u[t] = a**k
    return u


def top_hessian_eigenvalue(s: float | np.ndarray, a: float | np.ndarray, depth: int | np.ndarray) -> float | np.ndarray:
    """lambda_1 = (1 + 2L) a^{2L} - s L a^{L-1}, (2.145): the Hessian of
    E = (s - prod a_l)^2 / 2 at a_0 = ... = a_L = a along (1, ..., 1).

    The other L eigenvalues are s a^{L-1} - a^{2L}, and
    lambda_1 - lambda_i = (L+1) a^{L-1} (2 a^{L+1} - s): lambda_1 is the largest
    only when u = a^{L+1} >= s/2, at every depth (the notes' claim that it is
    for large L "irrespective of a" is false). At L = 0 it is 1.
    """
    s, a, L = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (s, a, depth)))
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = np.where(L == 0, 0.0, s * L * a ** (L - 1.0))
    lam = (1.0 + 2.0 * L) * a ** (2.0 * L) - cross
    return _as_output(lam, s, a, depth)


def optimal_steps(s: float | np.ndarray, depth: int | np.ndarray, u0: float | np.ndarray,
                  uf: float | np.ndarray) -> float | np.ndarray:
    """t_opt of (2.151): the time (2.141) at the learning rate (2.150),
    eta_opt = 1 / max lambda_1 = 1 / ((L+1) s^{2L/(L+1)}) (proportionality
    constant 1), which gives

        t_opt = s^{(L-1)/(L+1)} (1/u0 - 1/uf + ln(uf (u0 - s) / (u0 (uf - s))) / s).

    Same conventions as shallow_mode_time: 0 for uf == u0, +inf for uf == s,
    NaN when uf is not reachable from u0.
    """
    s, L, u0, uf = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (s, depth, u0, uf)))
    finite, same, limit = _reachability(s, np.ones_like(s), u0, uf)
    finite = finite & (L > -1)
    ss, a0, af = _safe_inputs(s, u0, uf, finite)
    LL = np.where(finite, L, 1.0)
    bracket = (af - a0) / (a0 * af) + _mode_log(ss, a0, af) / ss
    t = ss ** ((LL - 1.0) / (LL + 1.0)) * bracket
    return _as_output(_finish(t, finite, same, limit), s, depth, u0, uf)


def orthogonal_weights(widths: list[int], seed: int) -> list[np.ndarray]:
    """Haar-random orthogonal initialisation of a deep linear net (2.135)-(2.137).

    Returns L+1 independent matrices W_l of shape (n_{l+1}, n_l): square ones
    Haar-distributed on O(n), rectangular ones with orthonormal columns (tall)
    or rows (wide), uniformly distributed (the first columns/rows of a Haar
    matrix). Built by QR of a Gaussian matrix with the signs of diag(R) moved
    into Q; without that step Q is not Haar. ValueError for fewer than two
    widths or a width < 1.
    """
    widths = [int(n) for n in widths]
    if len(widths) < 2 or min(widths) < 1:
        raise ValueError(f"widths must list at least two positive sizes, got {widths!r}")
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        q, r = np.linalg.qr(rng.standard_normal((max(n_in, n_out), min(n_in, n_out))))
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        weights.append(q if n_out >= n_in else q.T)
    return weights


def deep_linear_gd(weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Full-batch gradient descent on a deep linear net f(x) = W_L ... W_0 x, (2.136).

    Loss (2.123) with the expectation over the batch: L = ||Y - W_L...W_0 X||_F^2
    / (2 batch), X of shape (n_0, batch), Y of shape (n_{L+1}, batch). Every
    W_l takes the step W_l <- W_l - lr dL/dW_l at the same time, with
    dL/dW_l = (W_L..W_{l+1})^T (W X - Y) X^T (W_{l-1}..W_0)^T / batch.
    Returns the steps + 1 losses, before the first step first. The input list is
    not modified. ValueError when the shapes do not chain.
    """
    ws = [np.array(w, dtype=np.float64) for w in weights]
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if not ws or X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError("need a non-empty list of weights, X (n_0, batch) and Y (n_out, batch)")
    n = X.shape[0]
    for w in ws:
        if w.ndim != 2 or w.shape[1] != n:
            raise ValueError(f"weight of shape {w.shape} does not take inputs of size {n}")
        n = w.shape[0]
    if n != Y.shape[0]:
        raise ValueError(f"the net outputs size {n}, Y has {Y.shape[0]} rows")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    batch = X.shape[1]
    losses = np.empty(int(steps) + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(int(steps) + 1):
            hs = [X]
            for w in ws:
                hs.append(w @ hs[-1])
            resid = hs[-1] - Y
            losses[t] = np.sum(resid**2) / (2.0 * batch)
            if t == steps:
                break
            g = resid / batch
            grads = []
            for w, h in zip(reversed(ws), reversed(hs[:-1])):
                grads.append(g @ h.T)
                g = w.T @ g
            for w, dw in zip(ws, reversed(grads)):
                w -= lr * dw
    return losses
