"""hw10 reference: free probability behind the spectra (notes 2.2, (2.44)-(2.85)).

Freeness of independent random matrices (2.56)-(2.60), the Stieltjes
transform and its inversion (2.63)-(2.65), (2.84)-(2.85), the R-transform and
free additive convolution (2.66)-(2.77), the S-transform and free products
(2.53)-(2.55), (2.78)-(2.80), and the mean Jacobian eigenvalue chi_1^L with the
spectral sums of a homogeneous net (2.44)-(2.49).
"""
import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import erf

_KINDS = ("wigner", "wishart")
_LAWS = ("semicircle", "mp")
_JACOBIAN_ACTIVATIONS = ("tanh", "erf", "relu", "linear")
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)  # nodes per quadrature panel
_ZMAX = 9.0            # P(|z| > 9) = 2e-19: the Gaussian tail left out
_NEWTON_STEPS = 3      # polishing steps on the cubic's roots (quadratic convergence)


def _check_positive_int(value, name):
    if int(value) != value or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def _wigner(n, rng, batch=()):
    """Symmetric n x n, entries N(0, 1/n) on and above the diagonal (notes before (2.60));
    a stack of them with leading shape `batch`."""
    g = rng.standard_normal((*batch, n, n)) / math.sqrt(n)
    return np.triu(g) + np.swapaxes(np.triu(g, 1), -1, -2)


def _centred_wishart(n, rng, batch=()):
    """W W^T - I with W of shape (n, n) and N(0, 1/n) entries (a stack: leading shape `batch`)."""
    w = rng.standard_normal((*batch, n, n)) / math.sqrt(n)
    return w @ np.swapaxes(w, -1, -2) - np.eye(n)


def _check_law(kind, param):
    if kind not in _LAWS:
        raise ValueError(f"kind must be one of {_LAWS}, got {kind!r}")
    if kind == "semicircle" and not (np.isfinite(param) and param > 0):
        raise ValueError(f"the semicircle's variance must be > 0, got {param!r}")
    if kind == "mp" and not 0.0 < param <= 1.0:
        raise ValueError(f"the Marchenko-Pastur ratio must lie in (0, 1], got {param!r}")


def _series_reversion(coeffs):
    """Compositional inverse of f(t) = sum_{k>=1} coeffs[k-1] t^k to the same order.

    Order by order: the coefficient of w^j in f(g(w)) must be 1 for j = 1 and
    0 beyond, and it is f_1 g_j plus terms in g_1, ..., g_{j-1} only.
    """
    f = np.asarray(coeffs, dtype=np.float64)
    K = f.size
    g = np.zeros(K + 1)                       # g[j] = coefficient of w^j, g[0] = 0
    for j in range(1, K + 1):
        comp = np.zeros(K + 1)                # f(g) truncated at w^K, with g_j = 0 for now
        power = np.zeros(K + 1)
        power[0] = 1.0
        for k in range(1, K + 1):
            power = np.convolve(power, g)[:K + 1]
            comp += f[k - 1] * power
        g[j] = ((1.0 if j == 1 else 0.0) - comp[j]) / f[0]
    return g[1:]


def _s_from_moments(moments):
    m = np.asarray(moments, dtype=np.float64).ravel()
    if m.size == 0 or m[0] == 0 or not np.all(np.isfinite(m)):
        raise ValueError("moments must be finite, non-empty and have m_1 != 0")
    chi = np.concatenate([[0.0], _series_reversion(m)])  # chi[j]: coefficient of w^j in psi^{-1}
    return chi[1:] + chi[:-1]                           # (1 + w) chi(w) / w


def _moments_from_s(s):
    """Inverse of _s_from_moments: chi(w) = w S(w)/(1 + w), then psi = chi^{-1}."""
    K = s.size
    alt = (-1.0) ** np.arange(K)
    chi = np.convolve(s, alt)[:K]            # coefficients of w^1 .. w^K of w S(w)/(1+w)
    return _series_reversion(chi)


def _phi(u, activation):
    if activation == "tanh":
        return np.tanh(u)
    if activation == "erf":
        return erf(u)
    if activation == "relu":
        return np.maximum(u, 0.0)
    return u


def _dphi(u, activation):
    if activation == "tanh":
        e = np.exp(-2.0 * np.abs(u))          # sech^2 without overflow
        return 4.0 * e / (1.0 + e) ** 2
    if activation == "erf":
        return 2.0 / math.sqrt(math.pi) * np.exp(-u * u)
    if activation == "relu":
        return (u > 0).astype(np.float64)
    return np.ones_like(u)


def _gauss_expect(g, q):
    """E_{z~N(0,1)} g(sqrt(q) z) by composite Gauss-Legendre on [-9, 9], with
    panels narrow enough (1/(4 sqrt(q)), at most 1/4) for tanh's poles at
    z = i pi / (2 sqrt(q)): ~1e-14 relative."""
    a = math.sqrt(q)
    panels = int(math.ceil(2 * _ZMAX * 4 * max(a, 1.0)))
    breaks = np.linspace(-_ZMAX, _ZMAX, panels + 1)
    lo, hi = breaks[:-1, None], breaks[1:, None]
    z = (0.5 * (hi - lo) * _GL_X + 0.5 * (hi + lo)).ravel()
    w = (0.5 * (hi - lo) * _GL_W).ravel() * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return float(g(a * z) @ w)


def _fixed_point(sigma_w2, sigma_b2, activation):
    """The stable fixed point q* of V(q) = sigma_w2 E phi(sqrt(q) z)^2 + sigma_b2 (2.21),
    reached from q0 = 1, for bounded phi (tanh, erf): 0 in the ordered phase
    without biases, else the root found by Brent's method (iteration converges
    only like 1/l near the edge of chaos)."""
    phi2 = lambda q: _gauss_expect(lambda u: _phi(u, activation) ** 2, q)
    slope0 = sigma_w2 * (1.0 if activation == "tanh" else 4.0 / math.pi)   # V'(0)
    hi = sigma_w2 + sigma_b2
    if sigma_b2 == 0.0:
        if slope0 <= 1.0:
            return 0.0
        gap = lambda q: sigma_w2 * phi2(q) / q - 1.0
        lo = hi
        while gap(lo) < 0.0:
            lo *= 0.5
    else:
        gap = lambda q: sigma_w2 * phi2(q) + sigma_b2 - q
        lo = 0.0
    return float(brentq(gap, lo, hi, xtol=1e-300, rtol=1e-14, maxiter=500))


def _leaky(h, slope):
    return np.where(h > 0, h, slope * h)


def _leaky_prime(h, slope):
    return np.where(h > 0, 1.0, slope)


def free_moments(kind_x: str, kind_y: str, n: int, n_draws: int, seed: int) -> np.ndarray:
    """Mixed moments of two independent n x n random matrices, one row per draw:
    [tau(X^2), tau(Y^2), tau(X^2 Y^2), tau(X Y X Y)], tau(A) = tr(A)/n.

    Kinds: "wigner" (symmetric, N(0, 1/n) on and above the diagonal, the
    convention of (2.60)) and "wishart" (W W^T - I, W of shape (n, n) with
    N(0, 1/n) entries). E tau(XYXY) = (n^2 + (3 - C) n)/n^3 (2.60), with C = 3
    for this diagonal (1/n for Wigner pairs; the GOE has C = 0), so it
    vanishes as n grows: X and Y become free (2.59),
    while tau(X^2 Y^2) = tau(X^2) tau(Y^2). Commuting independent variables
    would give tau(XYXY) = tau(X^2) tau(Y^2) instead (2.58).
    """
    draw = {"wigner": _wigner, "wishart": _centred_wishart}
    for kind in (kind_x, kind_y):
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
    n = _check_positive_int(n, "n")
    n_draws = _check_positive_int(n_draws, "n_draws")
    rng = np.random.default_rng(seed)
    x = draw[kind_x](n, rng, (n_draws,))          # all draws at once: stacks of matrices
    y = draw[kind_y](n, rng, (n_draws,))
    x2, y2, xy = x @ x, y @ y, x @ y
    tr = lambda a: np.trace(a, axis1=-2, axis2=-1) / n
    # tr(X^2 Y^2) = sum_ij (X^2)_ij (Y^2)_ji and Y^2 is symmetric; tr(XYXY) = sum_ij (XY)_ij (XY)_ji
    return np.stack([tr(x2), tr(y2), np.sum(x2 * y2, axis=(-2, -1)) / n,
                     np.sum(xy * np.swapaxes(xy, -1, -2), axis=(-2, -1)) / n], axis=1)


def stieltjes_transform(eigs: np.ndarray, z: complex | np.ndarray) -> np.ndarray:
    """G(z) = (1/n) sum_i 1/(z - lambda_i): the Stieltjes transform (2.63)-(2.64)
    of the empirical spectral density (2.50) of `eigs`, at every point of the
    complex array `z` (complex128 of z's shape)."""
    lam = np.asarray(eigs, dtype=np.float64).ravel()
    zz = np.asarray(z, dtype=np.complex128)
    return np.mean(1.0 / (zz[..., None] - lam), axis=-1)


def stieltjes_inversion(eigs: np.ndarray, x: float | np.ndarray, eta: float) -> np.ndarray:
    """-(1/pi) Im G(x + i eta) (2.84) at finite eta > 0: the empirical density
    of `eigs` smoothed by the Cauchy kernel eta / (pi ((x - lambda)^2 + eta^2)),
    which tends to the density as eta -> 0 (2.85). float64 of x's shape."""
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be > 0, got {eta!r}")
    lam = np.asarray(eigs, dtype=np.float64).ravel()
    xs = np.asarray(x, dtype=np.float64)
    d = xs[..., None] - lam
    return np.mean(eta / (d * d + eta * eta), axis=-1) / np.pi


def law_stieltjes(kind: str, z: complex | np.ndarray, param: float) -> np.ndarray:
    """G(z) in closed form: "semicircle" of variance s = param,
    (z - sqrt(z^2 - 4s))/(2s), and "mp" (Marchenko-Pastur of ratio c = param),
    (z - 1 + c - sqrt((z - a)(z - b)))/(2cz), a, b = (1 -+ sqrt(c))^2: the roots
    of (2.77) with R(w) = s w and 1/(1 - c w). The square root is the product
    sqrt(z - a) sqrt(z - b) of principal roots, whose cut is [a, b] only, so
    that G(z) ~ 1/z at infinity and Im G has the sign opposite to Im z. Written
    as 2/(u + sqrt(...)) (u = z or z - 1 + c) to avoid cancellation."""
    _check_law(kind, param)
    zz = np.asarray(z, dtype=np.complex128)
    if kind == "semicircle":
        r = 2.0 * math.sqrt(param)
        return 2.0 / (zz + np.sqrt(zz - r) * np.sqrt(zz + r))
    a, b = (1.0 - math.sqrt(param)) ** 2, (1.0 + math.sqrt(param)) ** 2
    return 2.0 / (zz - 1.0 + param + np.sqrt(zz - a) * np.sqrt(zz - b))


def r_transform(kind: str, w: float | complex | np.ndarray, param: float) -> np.ndarray:
    """R(w) = z(w) - 1/w (2.76)-(2.77): "semicircle" s w, "mp" 1/(1 - c w).
    Complex w gives complex128, real w float64, of w's shape."""
    _check_law(kind, param)
    ww = np.asarray(w)
    ww = ww.astype(np.complex128 if np.iscomplexobj(ww) else np.float64)
    if kind == "semicircle":
        return param * ww
    return 1.0 / (1.0 - param * ww)


def free_convolution_density(x: float | np.ndarray, variance: float, ratio: float) -> float | np.ndarray:
    """Density of MP(ratio) boxplus semicircle(variance), the limiting spectrum of
    W W^T + sqrt(variance) X. R-transforms add (2.76): R(w) = variance w +
    1/(1 - ratio w), so (2.77) makes G(z) a root of
        ratio variance G^3 - (ratio z + variance) G^2 + (z - 1 + ratio) G - 1 = 0.
    At real x the density is -Im G / pi (2.84) from the root with Im G < 0, and
    0 where all roots are real. Roots from the companion matrices (vectorised),
    polished by Newton steps. variance = 0 is Marchenko-Pastur (a quadratic)."""
    if not (np.isfinite(variance) and variance >= 0):
        raise ValueError(f"variance must be >= 0, got {variance!r}")
    if not 0.0 < ratio <= 1.0:
        raise ValueError(f"ratio must lie in (0, 1], got {ratio!r}")
    xs = np.asarray(x, dtype=np.float64)
    flat = xs.ravel()
    if variance == 0.0:
        a, b = (1.0 - math.sqrt(ratio)) ** 2, (1.0 + math.sqrt(ratio)) ** 2
        inside = (flat > a) & (flat < b) & (flat > 0)
        safe = np.where(inside, flat, 1.0)
        rho = np.sqrt(np.clip((b - safe) * (safe - a), 0, None)) / (2 * np.pi * ratio * safe)
        rho = np.where(inside, rho, 0.0)
    else:
        c3 = ratio * variance
        coeffs = np.stack([np.full_like(flat, c3), -(ratio * flat + variance),
                           flat - 1.0 + ratio, -np.ones_like(flat)], axis=-1) / c3
        comp = np.zeros((flat.size, 3, 3))
        comp[:, 0, :] = -coeffs[:, 1:]
        comp[:, 1, 0] = comp[:, 2, 1] = 1.0
        roots = np.linalg.eigvals(comp)
        for _ in range(_NEWTON_STEPS):
            p = ((coeffs[:, :1] * roots + coeffs[:, 1:2]) * roots + coeffs[:, 2:3]) * roots + coeffs[:, 3:]
            dp = (3 * coeffs[:, :1] * roots + 2 * coeffs[:, 1:2]) * roots + coeffs[:, 2:3]
            roots = roots - np.where(dp != 0, p / np.where(dp != 0, dp, 1.0), 0.0)
        rho = np.max(-roots.imag, axis=1) / np.pi
        rho = np.where(rho > 0, rho, 0.0)
    rho = rho.reshape(xs.shape)
    return float(rho) if np.ndim(x) == 0 else rho


def free_sum_eigenvalues(n: int, m: int, variance: float, seed: int) -> np.ndarray:
    """The n eigenvalues (ascending) of W W^T + sqrt(variance) X for one draw:
    W of shape (n, m) with N(0, 1/m) entries, X an independent n x n Wigner
    matrix. As n, m grow at ratio n/m their law tends to
    free_convolution_density(., variance, n/m), by freeness (2.59), (2.76)."""
    n = _check_positive_int(n, "n")
    m = _check_positive_int(m, "m")
    if not (np.isfinite(variance) and variance >= 0):
        raise ValueError(f"variance must be >= 0, got {variance!r}")
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n, m)) / math.sqrt(m)
    x = _wigner(n, rng)
    return np.linalg.eigvalsh(w @ w.T + math.sqrt(variance) * x)


def s_transform_coefficients(moments: np.ndarray) -> np.ndarray:
    """The coefficients s_0, ..., s_{K-1} of the S-transform (2.80),
    S(w) = (1 + w)/(w M^{-1}(w)), from the moments m_1, ..., m_K (2.79).
    With psi(t) = M(1/t) = sum_k m_k t^k (2.78), M^{-1}(w) = 1/psi^{-1}(w), so
    S(w) = (1 + w) psi^{-1}(w)/w: a series reversion to order K. Marchenko-
    Pastur of ratio c gives 1/(1 + c w), (2.53) at c = 1."""
    return _s_from_moments(moments)


def free_product_moments(moments_a: np.ndarray, moments_b: np.ndarray) -> np.ndarray:
    """tau((AB)^k), k = 1..K, for free A and B with the given K moments each:
    S_AB = S_A S_B (2.54) as power series truncated at w^{K-1}, then the
    moments back from S by the inverse of (2.80). Two Marchenko-Pastur laws of
    ratio 1 give the Fuss-Catalan numbers of depth 2, as (2.55) predicts."""
    a = np.asarray(moments_a, dtype=np.float64).ravel()
    b = np.asarray(moments_b, dtype=np.float64).ravel()
    if a.size != b.size:
        raise ValueError(f"moments_a and moments_b must have the same length, got {a.size} and {b.size}")
    s = np.convolve(_s_from_moments(a), _s_from_moments(b))[:a.size]
    return _moments_from_s(s)


def mean_jacobian_eigenvalue(sigma_w2: float, sigma_b2: float, depth: int, activation: str) -> float:
    """chi_1^L: the mean eigenvalue (1/n_1) E tr(J^T J) of the Jacobian (2.44),
    by (2.45)-(2.47) with the square inside the expectation (the notes print
    (E phi')^L; (2.29) has it right): chi_1 = sigma_w2 E phi'(sqrt(q*) z)^2 at
    the stable fixed point q* of the length map (2.21). relu: sigma_w2/2,
    linear: sigma_w2, whatever q."""
    if activation not in _JACOBIAN_ACTIVATIONS:
        raise ValueError(f"activation must be one of {_JACOBIAN_ACTIVATIONS}, got {activation!r}")
    for name, v in (("sigma_w2", sigma_w2), ("sigma_b2", sigma_b2)):
        if not (np.isfinite(v) and v >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {v!r}")
    L = _check_positive_int(depth, "depth")
    if activation == "relu":
        chi1 = 0.5 * sigma_w2
    elif activation == "linear":
        chi1 = float(sigma_w2)
    else:
        q = _fixed_point(sigma_w2, sigma_b2, activation)
        if activation == "erf":
            chi1 = sigma_w2 * 4.0 / math.pi / math.sqrt(1.0 + 4.0 * q)
        else:
            chi1 = sigma_w2 * _gauss_expect(lambda u: _dphi(u, "tanh") ** 2, q)
    return float(chi1**L)


def leaky_relu_spectral_sums(weights: list[np.ndarray], x: np.ndarray, g: np.ndarray,
                             slope: float) -> tuple[float, float, float, float]:
    """Both sides of (2.48) and (2.49) for one leaky-ReLU net (positively
    homogeneous, so h_{L+1} = J h_1 exactly): returns
    (q_forward, q_spectral, delta_backward, delta_spectral) with
    q_forward = |h_{L+1}|^2 / n_{L+1} by the forward pass,
    q_spectral = (1/n_{L+1}) sum_i lambda_i (v_i^T h_1)^2 over the eigenpairs of J^T J,
    delta_backward = |g_1|^2 / n_1 with g_l = D_l W_l^T g_{l+1} (2.4), g_{L+1} = g,
    delta_spectral = (1/n_1) sum_i mu_i (u_i^T g)^2 over the eigenpairs of J J^T.
    J = W_L D_L ... W_1 D_1 (2.44), h_1 = W_0 x, D_l = diag(phi'(h_l))."""
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    h = ws[0] @ np.asarray(x, dtype=np.float64)
    h1 = h
    jac = np.eye(h.size)
    ds = []
    for w in ws[1:]:
        d = _leaky_prime(h, slope)
        ds.append(d)
        jac = w @ (d[:, None] * jac)
        h = w @ _leaky(h, slope)
    gout = np.asarray(g, dtype=np.float64)
    back = gout
    for w, d in zip(ws[:0:-1], ds[::-1]):
        back = d * (w.T @ back)
    lam, v = np.linalg.eigh(jac.T @ jac)
    mu, u = np.linalg.eigh(jac @ jac.T)
    n_out, n_1 = jac.shape
    return (float(h @ h / n_out), float(lam @ (v.T @ h1) ** 2 / n_out),
            float(back @ back / n_1), float(mu @ (u.T @ gout) ** 2 / n_1))
