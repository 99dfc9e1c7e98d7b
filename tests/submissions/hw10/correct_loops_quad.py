# A correct solution written another way: entries filled in loops, np.roots
# point by point, the textbook forms of G, the S-transform by fixed-point
# iteration on power series, chi_1 by scipy's quad, and the spectral sums from
# the singular value decomposition of J.
# EXPECT: pass all
import math

import numpy as np
from scipy import integrate, optimize


def _sym(n, rng):
    x = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            x[i, j] = x[j, i] = rng.normal(0.0, 1.0 / math.sqrt(n))
    return x


def _wish(n, rng):
    w = rng.normal(0.0, 1.0 / math.sqrt(n), size=(n, n))
    return w @ w.T - np.eye(n)


def free_moments(kind_x, kind_y, n, n_draws, seed):
    makers = {"wigner": _sym, "wishart": _wish}
    if kind_x not in makers or kind_y not in makers:
        raise ValueError("kind must be 'wigner' or 'wishart'")
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_draws):
        y = makers[kind_y](n, rng)          # Y first: the order of draws is ours
        x = makers[kind_x](n, rng)
        rows.append([np.trace(x @ x) / n, np.trace(y @ y) / n,
                     np.trace(x @ x @ y @ y) / n, np.trace(x @ y @ x @ y) / n])
    return np.array(rows, dtype=np.float64)


def stieltjes_transform(eigs, z):
    z = np.asarray(z, dtype=complex)
    out = np.zeros(z.shape, dtype=complex)
    for idx in np.ndindex(z.shape):
        out[idx] = sum(1.0 / (z[idx] - lam) for lam in eigs) / len(eigs)
    return out


def stieltjes_inversion(eigs, x, eta):
    if not eta > 0:
        raise ValueError("eta must be positive")
    x = np.asarray(x, dtype=float)
    return -stieltjes_transform(eigs, x + 1j * eta).imag / math.pi


def law_stieltjes(kind, z, param):
    z = np.asarray(z, dtype=complex)
    if kind == "semicircle":
        if not param > 0:
            raise ValueError("variance must be > 0")
        r = 2 * math.sqrt(param)
        return (z - np.sqrt(z - r) * np.sqrt(z + r)) / (2 * param)
    if kind == "mp":
        if not 0 < param <= 1:
            raise ValueError("ratio must be in (0, 1]")
        a, b = (1 - math.sqrt(param)) ** 2, (1 + math.sqrt(param)) ** 2
        return (z - 1 + param - np.sqrt(z - a) * np.sqrt(z - b)) / (2 * param * z)
    raise ValueError(f"unknown law {kind}")


def r_transform(kind, w, param):
    law_stieltjes(kind, np.array([1j]), param)        # validates kind and param
    w = np.asarray(w)
    w = w.astype(complex) if np.iscomplexobj(w) else w.astype(float)
    return param * w if kind == "semicircle" else 1 / (1 - param * w)


def free_convolution_density(x, variance, ratio):
    if variance < 0 or not 0 < ratio <= 1:
        raise ValueError("need variance >= 0 and ratio in (0, 1]")
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    out = np.zeros(xs.shape)
    for idx in np.ndindex(xs.shape):
        z = xs[idx]
        if variance == 0:
            roots = np.roots([ratio * z, -(z - 1 + ratio), 1.0]) if z != 0 else np.array([0.0])
        else:
            roots = np.roots([ratio * variance, -(ratio * z + variance), z - 1 + ratio, -1.0])
        out[idx] = max(0.0, -np.min(np.imag(roots))) / math.pi
    return float(out[0]) if np.ndim(x) == 0 else out.reshape(np.shape(x))


def free_sum_eigenvalues(n, m, variance, seed):
    rng = np.random.default_rng(seed)
    x = _sym(n, rng)
    w = rng.normal(0.0, 1.0 / math.sqrt(m), size=(n, m))
    return np.linalg.eigh(w @ w.T + math.sqrt(variance) * x)[0]


def _mul(a, b, K):
    return np.convolve(a, b)[:K]


def _revert(m):
    """g = psi^{-1} by the fixed point g = (w - sum_{k>=2} m_k g^k) / m_1 (one order per sweep)."""
    K = len(m)
    w = np.zeros(K + 1)
    w[1] = 1.0
    g = np.zeros(K + 1)
    for _ in range(K + 1):
        rest, p = np.zeros(K + 1), _mul(g, g, K + 1)
        for k in range(2, K + 1):
            rest += m[k - 1] * p
            p = _mul(p, g, K + 1)
        g = (w - rest) / m[0]
    return g


def s_transform_coefficients(moments):
    m = [float(v) for v in np.ravel(moments)]
    if len(m) == 0 or m[0] == 0:
        raise ValueError("need m_1 != 0")
    g = _revert(m)
    return np.array([g[j + 1] + g[j] for j in range(len(m))])


def free_product_moments(moments_a, moments_b):
    if len(moments_a) != len(moments_b):
        raise ValueError("different numbers of moments")
    K = len(moments_a)
    s = _mul(s_transform_coefficients(moments_a), s_transform_coefficients(moments_b), K)
    chi = np.zeros(K)                        # chi(w) = w S(w) / (1 + w), coefficients of w^1..w^K
    for j in range(K):
        chi[j] = sum(s[i] * (-1) ** (j - i) for i in range(j + 1))
    return _revert(list(chi))[1:]


def _E(f, q):
    s = math.sqrt(q)
    g = lambda z: f(s * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    return integrate.quad(g, -12, 12, epsabs=1e-15, epsrel=1e-13, limit=400, points=[0.0])[0]


def mean_jacobian_eigenvalue(sigma_w2, sigma_b2, depth, activation):
    if activation not in ("tanh", "erf", "relu", "linear") or depth < 1:
        raise ValueError("bad activation or depth")
    if activation == "relu":
        return (sigma_w2 / 2) ** depth
    if activation == "linear":
        return float(sigma_w2) ** depth
    phi = math.tanh if activation == "tanh" else math.erf
    dphi = (lambda u: 1 / math.cosh(u) ** 2) if activation == "tanh" else \
        (lambda u: 2 / math.sqrt(math.pi) * math.exp(-u * u))
    V = lambda q: sigma_w2 * _E(lambda u: phi(u) ** 2, q) + sigma_b2
    slope0 = sigma_w2 * dphi(0.0) ** 2
    if sigma_b2 == 0 and slope0 <= 1:
        q = 0.0
    elif sigma_b2 == 0:
        q = optimize.brentq(lambda t: V(t) / t - 1, 1e-8, sigma_w2, xtol=1e-15, rtol=1e-15)
    else:
        q = optimize.brentq(lambda t: V(t) - t, 0.0, sigma_w2 + sigma_b2, xtol=1e-15, rtol=1e-15)
    return (sigma_w2 * _E(lambda u: dphi(u) ** 2, q)) ** depth


def leaky_relu_spectral_sums(weights, x, g, slope):
    h = weights[0] @ x
    h1 = h.copy()
    J = np.eye(len(h))
    masks = []
    for W in weights[1:]:
        d = np.where(h > 0, 1.0, slope)
        masks.append(d)
        J = W @ np.diag(d) @ J
        h = W @ (d * h)                      # phi(h) = phi'(h) h for leaky ReLU
    grad = np.array(g, dtype=float)
    for W, d in zip(reversed(weights[1:]), reversed(masks)):
        grad = d * (W.T @ grad)
    U, sv, Vt = np.linalg.svd(J)
    n_out, n_in = J.shape
    q_spec = np.sum(sv**2 * (Vt[: len(sv)] @ h1) ** 2) / n_out
    d_spec = np.sum(sv**2 * (U[:, : len(sv)].T @ g) ** 2) / n_in
    return (float(np.sum(h**2) / n_out), float(q_spec), float(np.sum(grad**2) / n_in), float(d_spec))
