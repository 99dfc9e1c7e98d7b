# A correct solution written another way: GOE-style symmetrisation with the
# diagonal put back, G from both roots of the quadratic (the one decaying
# at infinity), numpy.polynomial's roots, Lagrange inversion in exact
# fractions for the S-transform, chi_1 by the trapezoid rule on a Gaussian
# weight, and the Jacobian of the leaky-ReLU net by torch autodiff.
# EXPECT: pass all
import math
from fractions import Fraction

import numpy as np
import torch
from numpy.polynomial import polynomial as P
from scipy import linalg


def _wigner(n, rng):
    g = rng.standard_normal((n, n)) / math.sqrt(n)
    x = (g + g.T) / math.sqrt(2.0)           # off-diagonal variance 1/n
    np.fill_diagonal(x, np.diag(g))          # diagonal variance 1/n, as in (2.60)
    return x


def free_moments(kind_x, kind_y, n, n_draws, seed):
    def draw(kind, rng):
        if kind == "wigner":
            return _wigner(n, rng)
        if kind == "wishart":
            w = rng.standard_normal((n, n)) / math.sqrt(n)
            return w @ w.T - np.eye(n)
        raise ValueError(kind)
    if kind_x not in ("wigner", "wishart") or kind_y not in ("wigner", "wishart"):
        raise ValueError("unknown kind")
    rng = np.random.default_rng(seed)
    pairs = [(draw(kind_x, rng), draw(kind_y, rng)) for _ in range(n_draws)]
    tau = lambda a: np.trace(a) / n
    return np.array([[tau(x @ x), tau(y @ y), tau(x @ x @ y @ y), tau(x @ y @ x @ y)] for x, y in pairs])


def stieltjes_transform(eigs, z):
    z = np.asarray(z, dtype=np.complex128)
    return (1.0 / np.subtract.outer(z, np.asarray(eigs, float))).mean(axis=-1)


def stieltjes_inversion(eigs, x, eta):
    if eta <= 0:
        raise ValueError("eta must be > 0")
    d = np.subtract.outer(np.asarray(x, float), np.asarray(eigs, float))
    return (eta / np.pi / (d**2 + eta**2)).mean(axis=-1)


def law_stieltjes(kind, z, param):
    """Both roots of the quadratic; keep the one with Im G of the sign opposite to Im z,
    or (on the real axis) the one of smaller modulus, which decays at infinity."""
    z = np.asarray(z, dtype=np.complex128)
    if kind == "semicircle" and param > 0:
        a2, a1, a0 = param * np.ones_like(z), -z, np.ones_like(z)
    elif kind == "mp" and 0 < param <= 1:
        a2, a1, a0 = param * z, -(z - 1 + param), np.ones_like(z)
    else:
        raise ValueError("bad kind or parameter")
    root = np.sqrt(a1 * a1 - 4 * a2 * a0)
    g1 = 2 * a0 / (-a1 + root)               # the two roots, in the cancellation-free form
    g2 = 2 * a0 / (-a1 - root)
    off = z.imag != 0
    pick1 = np.where(off, g1.imag * z.imag < 0, np.abs(g1) < np.abs(g2))
    return np.where(pick1, g1, g2)


def r_transform(kind, w, param):
    if kind not in ("semicircle", "mp") or (kind == "semicircle" and param <= 0) or \
            (kind == "mp" and not 0 < param <= 1):
        raise ValueError("bad kind or parameter")
    w = np.asarray(w)
    w = w.astype(np.complex128) if np.iscomplexobj(w) else w.astype(np.float64)
    return param * w if kind == "semicircle" else 1.0 / (1.0 - param * w)


def free_convolution_density(x, variance, ratio):
    if variance < 0 or ratio <= 0 or ratio > 1:
        raise ValueError("bad variance or ratio")
    xs = np.asarray(x, dtype=float)
    vals = []
    for z in xs.ravel():
        if variance > 0:
            r = P.polyroots([-1.0, z - 1 + ratio, -(ratio * z + variance), ratio * variance])
        else:
            r = P.polyroots([1.0, -(z - 1 + ratio), ratio * z]) if z != 0 else np.zeros(1)
        vals.append(max(0.0, float(np.max(-np.imag(r)))) / np.pi)
    out = np.array(vals).reshape(xs.shape)
    return float(out) if xs.ndim == 0 else out


def free_sum_eigenvalues(n, m, variance, seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n, m)) / math.sqrt(m)
    return linalg.eigvalsh(w @ w.T + math.sqrt(variance) * _wigner(n, rng))


def _lagrange(coeffs):
    """[w^j] f^{-1}(w) = (1/j) [t^{j-1}] (t/f(t))^j, exactly in fractions."""
    f = [Fraction(c) for c in coeffs]
    K = len(f)
    inv = [Fraction(0)] * K                  # t/f(t) = 1/(f_1 + f_2 t + ...)
    inv[0] = 1 / f[0]
    for j in range(1, K):
        inv[j] = -sum(f[i] * inv[j - i] for i in range(1, j + 1)) / f[0]
    out, power = [], [Fraction(1)] + [Fraction(0)] * (K - 1)
    for j in range(1, K + 1):
        power = [sum(power[i] * inv[k - i] for i in range(k + 1)) for k in range(K)]
        out.append(power[j - 1] / j)
    return out


def s_transform_coefficients(moments):
    m = list(np.ravel(moments))
    if not m or m[0] == 0:
        raise ValueError("m_1 must be non-zero")
    chi = [Fraction(0)] + _lagrange(m)
    return np.array([float(chi[j + 1] + chi[j]) for j in range(len(m))])


def free_product_moments(moments_a, moments_b):
    K = len(moments_a)
    if len(moments_b) != K:
        raise ValueError("same number of moments needed")
    sa, sb = s_transform_coefficients(moments_a), s_transform_coefficients(moments_b)
    s = [sum(Fraction(sa[i]) * Fraction(sb[j - i]) for i in range(j + 1)) for j in range(K)]
    chi = [sum(s[i] * (-1) ** (j - i) for i in range(j + 1)) for j in range(K)]
    return np.array([float(v) for v in _lagrange(chi)])


_Z = np.linspace(-12, 12, 6001)
_WZ = np.exp(-_Z**2 / 2) / math.sqrt(2 * math.pi) * (_Z[1] - _Z[0])


def mean_jacobian_eigenvalue(sigma_w2, sigma_b2, depth, activation):
    if depth < 1:
        raise ValueError("depth >= 1")
    if activation == "relu":
        return (0.5 * sigma_w2) ** depth
    if activation == "linear":
        return sigma_w2 ** float(depth)
    if activation == "tanh":
        phi, dphi = np.tanh, lambda u: 1 / np.cosh(u) ** 2
    elif activation == "erf":
        from scipy.special import erf
        phi, dphi = erf, lambda u: 2 / math.sqrt(math.pi) * np.exp(-u * u)
    else:
        raise ValueError(activation)
    q = 1.0
    for _ in range(200000):                  # iterate the length map (2.21)
        new = sigma_w2 * np.sum(_WZ * phi(math.sqrt(q) * _Z) ** 2) + sigma_b2
        if abs(new - q) <= 1e-16 + 1e-15 * q:
            q = new
            break
        q = new
    return float((sigma_w2 * np.sum(_WZ * dphi(math.sqrt(q) * _Z) ** 2)) ** depth)


def leaky_relu_spectral_sums(weights, x, g, slope):
    Ws = [torch.as_tensor(np.asarray(w), dtype=torch.float64) for w in weights]
    h1 = Ws[0] @ torch.as_tensor(np.asarray(x), dtype=torch.float64)

    def f(h):
        for W in Ws[1:]:
            h = W @ torch.nn.functional.leaky_relu(h, slope)
        return h

    J = torch.autograd.functional.jacobian(f, h1)
    out = f(h1)
    gt = torch.as_tensor(np.asarray(g), dtype=torch.float64)
    hh = h1.clone().requires_grad_(True)
    (g1,) = torch.autograd.grad(f(hh), hh, grad_outputs=gt)
    lam, V = torch.linalg.eigh(J.T @ J)
    mu, U = torch.linalg.eigh(J @ J.T)
    n_out, n_in = J.shape
    return (float(out @ out) / n_out, float(lam @ (V.T @ h1) ** 2) / n_out,
            float(g1 @ g1) / n_in, float(mu @ (U.T @ gt) ** 2) / n_in)
