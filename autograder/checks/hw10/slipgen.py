"""hw10's hidden helpers: the grader's own exact moments, Stieltjes transforms,
R-transforms and free convolutions with the known slips, power-series reversion for
the S transform, Gauss-Hermite chi_1, the spectral sums of leaky-ReLU nets, and the
closed forms of the laws (moments, densities, S-transforms), for slip values, theory
and the moment inputs of the series checks. Check code calls them as
``ref.slipgen.name(...)``; the student wheel leaves this file out and replays their
values on the public cases from the public fixtures (autograder/reference.py).

Conventions of the closed forms: the Marchenko-Pastur law of ratio c is the limit of the
spectrum of W W^T with W of shape (n, m), N(0, 1/m) entries and c = n/m (mean 1,
as (2.52) for c = 1); the semicircle of variance s has support [-2 sqrt(s), 2 sqrt(s)].
S-transforms are power series in w, S(w) = sum_j s_j w^j, as in (2.53) and (2.80).
The tests in ``tests/unit/checks/test_theory_hw10.py`` check each closed form against
quadrature, a Monte Carlo, series composition or known values.
"""
import math

import numpy as np
from scipy.special import erf

_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(160)
_GH_W = _GH_W / math.sqrt(2 * math.pi)


def exact_moments(kx, ky, n):
    """E [tau(X^2), tau(Y^2), tau(X^2 Y^2), tau(XYXY)] at size n (see the contract)."""
    e2 = {"wigner": 1.0, "wishart": 1.0 + 1.0 / n}
    xyxy = 1.0 / n + {0: 0.0, 1: 1.0, 2: 3.0}[(kx == "wishart") + (ky == "wishart")] / n**2
    return np.array([e2[kx], e2[ky], e2[kx] * e2[ky], xyxy])


def law_wrong(kind, z, p, how):
    """G(z) with the square root of the product, or the other root of the quadratic."""
    if kind == "semicircle":
        u, disc, den = z, z * z - 4 * p, 2 * p
    else:
        u, disc, den = z - 1 + p, (z - 1 + p) ** 2 - 4 * p * z, 2 * p * z
    if how == "principal":
        return (u - np.sqrt(disc)) / den
    a, b = ((-2 * math.sqrt(p), 2 * math.sqrt(p)) if kind == "semicircle"
            else ((1 - math.sqrt(p)) ** 2, (1 + math.sqrt(p)) ** 2))
    return (u + np.sqrt(z - a) * np.sqrt(z - b)) / den


def cubic_density(x, s, c, zeta_shift=1.0):
    """-Im G/pi from z = s G + 1/(1 - cG) + zeta_shift/G by np.roots, point by point."""
    out = np.zeros_like(x)
    for i, z in enumerate(x):
        roots = np.roots([s * c, -(c * z + s), z - zeta_shift + c * zeta_shift, -zeta_shift])
        out[i] = max(0.0, float(np.max(-roots.imag))) / np.pi
    return out


def reversion(f):
    """Compositional inverse of sum_k f[k-1] t^k, by Newton's iteration on power series."""
    K = len(f)
    g = np.zeros(K + 1)
    g[1] = 1.0 / f[0]
    for _ in range(K + 1):
        comp, dcomp, power = np.zeros(K + 1), np.zeros(K + 1), np.zeros(K + 1)
        power[0] = 1.0
        for k in range(1, K + 1):
            dcomp += k * f[k - 1] * power     # f'(g) accumulates k f_k g^(k-1)
            power = np.convolve(power, g)[:K + 1]
            comp += f[k - 1] * power
        resid = comp.copy()
        resid[1] -= 1.0
        inv = np.zeros(K + 1)                  # 1/f'(g) as a series
        inv[0] = 1.0 / dcomp[0]
        for j in range(1, K + 1):
            inv[j] = -np.dot(dcomp[1:j + 1], inv[j - 1::-1]) / dcomp[0]
        g = g - np.convolve(resid, inv)[:K + 1]
    return g[1:]


def s_of(moments):
    chi = np.concatenate([[0.0], reversion(np.asarray(moments, float))])
    return chi[1:] + chi[:-1]


def series_inverse(a):
    out = np.zeros_like(a)
    out[0] = 1.0 / a[0]
    for j in range(1, len(a)):
        out[j] = -np.dot(a[1:j + 1], out[j - 1::-1]) / a[0]
    return out


def moments_of_s(s):
    K = len(s)
    chi = np.convolve(s, (-1.0) ** np.arange(K))[:K]
    return reversion(chi)


def fixed_point_gh(sw, sb, act):
    """q* by bisection on V(q) - q with Gauss-Hermite (accurate to ~1e-9 for q <= 5):
    used only to name slips."""
    phi = np.tanh if act == "tanh" else erf
    V = lambda q: sw * float(phi(math.sqrt(q) * _GH_Z) ** 2 @ _GH_W) + sb
    slope0 = sw * (1.0 if act == "tanh" else 4 / math.pi)
    if sb == 0 and slope0 <= 1:
        return 0.0
    lo, hi = 1e-12, sw + sb
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if V(mid) > mid else (lo, mid)
    return 0.5 * (lo + hi)


def mean_dphi(q, act, power):
    u = math.sqrt(q) * _GH_Z
    d = 1 / np.cosh(u) ** 2 if act == "tanh" else 2 / math.sqrt(math.pi) * np.exp(-u * u)
    return float(d**power @ _GH_W)


def sums_slip(ws, x, g, slope, how):
    """(q_forward, q_spectral, delta_backward, delta_spectral) with one slip reproduced."""
    act = (lambda h: np.where(h > 0, h, slope * h))
    dact = ((lambda h: (h > 0).astype(float)) if how == "relu_D" else
            (lambda h: np.where(h > 0, 1.0, slope)))
    h = ws[0] @ x
    h1 = h
    jac = ws[0] if how == "with_W0" else np.eye(h.size)
    ds = []
    for w in ws[1:]:
        ds.append(dact(h))
        jac = w @ (ds[-1][:, None] * jac)
        h = w @ act(h)
    back = g
    for w, d in zip(ws[:0:-1], ds[::-1]):
        back = d * (w.T @ back)
    lam, v = np.linalg.eigh(jac.T @ jac)
    mu, u = np.linalg.eigh(jac @ jac.T)
    n_out, n_in = jac.shape
    start = x if how == "with_W0" else h1
    qs = lam @ (v.T @ start) ** 2 / n_out
    ds_ = mu @ (u.T @ g) ** 2 / n_in
    if how == "no_projection":                 # (v_i^T h_1)^2 replaced by its mean |h_1|^2 / n_1
        qs = lam.sum() * (start @ start) / n_in / n_out
        ds_ = mu.sum() * (g @ g) / n_out / n_in
    return np.array([h @ h / n_out, qs, back @ back / n_in, ds_])



def free_product_slips(a, b):
    """tau((AB)^k) with the S-transforms added, and with S_A / S_B."""
    K = len(a)
    return [moments_of_s(s_of(a) + s_of(b)),
            moments_of_s(np.convolve(s_of(a), series_inverse(s_of(b)))[:K])]


def chi1_slips(sw, sb, act):
    """chi_1 as the printed (2.47), sigma_w^2 E phi'(sqrt(q*) z), and at q = 1 instead of q*."""
    q = fixed_point_gh(sw, sb, act)
    return [sw * mean_dphi(q, act, 1), sw * mean_dphi(1.0, act, 2)]


def moment_slips(kind, n):
    """E tau(X^2) at size n under the known slips of drawing X, in the order of the hint texts
    of public.py: Wigner (GOE's diagonal variance 2/n, (G + G^T)/2), Wishart (not centred)."""
    if kind == "wigner":
        return [1.0 + 1.0 / n, (n + 1) / (2.0 * n)]
    return [2.0 + 1.0 / n]


def stieltjes_slips(eigs, z):
    """G(z) = mean 1/(z - lambda) with a slip: the sign flipped, the 1/n left out, conjugated."""
    direct = np.array([[np.mean(1 / (zz - eigs)) for zz in row] for row in z])
    return [-direct, direct * eigs.size, np.conj(direct)]


def inversion_slips(eigs, x, eta):
    """-Im G(x + i eta)/pi with a slip: the 1/pi left out, Re for Im, the 1/n left out."""
    d = x[..., None] - eigs
    cauchy = np.mean(eta / (d * d + eta * eta), axis=-1)
    return [cauchy, -np.mean(d / (d * d + eta * eta), axis=-1) / np.pi, cauchy / np.pi * eigs.size]


def r_slips(kind, w, p):
    """R(w) with the known slips, in the order of the hint texts of public_laws.py."""
    if kind == "semicircle":
        return [math.sqrt(p) * w, p * w * w]
    return [1 / (1 + p * w), p / (1 - p * w), 1 / (1 - p * w) + 1 / w]


def densities_added(x, s, c):
    """The Marchenko-Pastur density of ratio c plus the semicircle's of variance s."""
    return mp_density(x, c) + semicircle_density(x, s)


def chi1_power_slip(sw, L, act):
    """chi_1^L with relu's chi_1 taken as sigma_w^2 (relu) or sigma_w^2 / 2 (linear)."""
    return sw**L if act == "relu" else (sw / 2) ** L


def mp_moments(c: float, K: int) -> np.ndarray:
    """m_1..m_K of Marchenko-Pastur of ratio c: m_k = sum_j N(k, j) c^(j - 1) with the
    Narayana numbers N(k, j) = C(k, j) C(k, j - 1)/k (for c = 1 the Catalan numbers,
    the moments of (2.52))."""
    return np.array([sum(math.comb(k, j) * math.comb(k, j - 1) / k * c ** (j - 1)
                         for j in range(1, k + 1)) for k in range(1, K + 1)])


def fuss_catalan(L: int, K: int) -> np.ndarray:
    """m_1..m_K = C((L + 1) k, k)/(L k + 1), the Fuss-Catalan numbers: the moments of the
    product of L free Marchenko-Pastur laws of ratio 1 (the spectrum of J J^T in (2.81)-(2.83)
    for a deep linear net)."""
    return np.array([math.comb((L + 1) * k, k) / (L * k + 1) for k in range(1, K + 1)], dtype=float)


def mp_density(x: np.ndarray, c: float) -> np.ndarray:
    """The density of Marchenko-Pastur of ratio 0 < c <= 1, sqrt((b - x)(x - a))/(2 pi c x) on
    [a, b] = [(1 - sqrt c)^2, (1 + sqrt c)^2] (for c = 1, (2.52)), 0 elsewhere."""
    a, b = (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2
    with np.errstate(all="ignore"):
        return np.where((x > a) & (x < b), np.sqrt(np.clip((b - x) * (x - a), 0, None)) / (2 * np.pi * c * x), 0)


def semicircle_density(x: np.ndarray, s: float) -> np.ndarray:
    """The semicircle density of variance s, sqrt(4 s - x^2)/(2 pi s) on [-2 sqrt s, 2 sqrt s]."""
    return np.sqrt(np.clip(4 * s - x * x, 0, None)) / (2 * np.pi * s)


def mp_s_coefficients(c: float, K: int) -> np.ndarray:
    """s_0..s_{K-1} of the S-transform of Marchenko-Pastur of ratio c, S(w) = 1/(1 + c w):
    s_j = (-c)^j (for c = 1, (2.55) with one factor)."""
    return (-float(c)) ** np.arange(K)


def fuss_catalan_s_coefficients(L: int, K: int) -> np.ndarray:
    """s_0..s_{K-1} of S(w) = (1 + w)^(-L), the S-transform of a product of L free
    Marchenko-Pastur laws of ratio 1 (S-transforms multiply, (2.54)):
    s_j = (-1)^j C(j + L - 1, L - 1)."""
    return np.array([(-1.0) ** j * math.comb(j + L - 1, L - 1) for j in range(K)])


def point_mass_s_coefficients(a: float, K: int) -> np.ndarray:
    """s_0..s_{K-1} of the S-transform of the point mass at a > 0, S(w) = 1/a."""
    return np.where(np.arange(K) == 0, 1.0 / a, 0.0)
