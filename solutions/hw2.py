"""hw2 reference: the length map, its fixed point and the edge of chaos (notes 2.1.3).

Mean-field signal propagation through a deep net with weights of variance
sigma_w2 / n and biases of variance sigma_b2 (Poole et al. 2016; the notes take
sigma_b2 = 0). Every Gaussian expectation is computed to ~1e-12 either by a
closed form (linear, relu, erf) or by the composite Gauss-Legendre rule of
the helpers (tanh), never by Monte Carlo; only `simulate_lengths` draws.

Why not plain Gauss-Hermite: E tanh(sqrt(q) z)^2 has poles at
z = i pi / (2 sqrt(q)), so Gauss-Hermite with 200 nodes is off by 1e-8 at
q = 4 and by 1e-5 at q = 10. The composite rule puts panels of width
~1/sqrt(q) near z = 0 and doubles them outwards, and stays at ~1e-13 for any q.
"""
import numpy as np
from scipy.optimize import brentq
from scipy.special import erf

_ACTIVATIONS = ("linear", "relu", "tanh", "erf")
_BOUNDED = ("tanh", "erf")
_PHI_PRIME0_SQ = {"tanh": 1.0, "erf": 4.0 / np.pi}     # phi'(0)^2
_GL_X, _GL_W = np.polynomial.legendre.leggauss(10)    # nodes per panel
_ZMAX = 9.0            # P(|z| > 9) = 2e-19: the Gaussian tail left out
_FP_TOL = 1e-14        # xtol of the root-finders (relative, on q* or sigma_w2)


def _check_activation(activation, allowed=_ACTIVATIONS):
    if activation not in allowed:
        raise ValueError(f"activation must be one of {allowed}, got {activation!r}")


def _check_variances(sigma_w2, sigma_b2):
    if not (np.isfinite(sigma_w2) and sigma_w2 >= 0):
        raise ValueError(f"sigma_w2 must be finite and >= 0, got {sigma_w2!r}")
    if not (np.isfinite(sigma_b2) and sigma_b2 >= 0):
        raise ValueError(f"sigma_b2 must be finite and >= 0, got {sigma_b2!r}")


def _phi(u, activation):
    if activation == "linear":
        return u
    if activation == "relu":
        return np.maximum(u, 0.0)
    if activation == "tanh":
        return np.tanh(u)
    return erf(u)


def _sech(u):
    """1/cosh(u) without overflow."""
    e = np.exp(-np.abs(u))
    return 2.0 * e / (1.0 + e * e)


def _gl_rule(breaks):
    """Composite Gauss-Legendre nodes and weights on the panels `breaks`."""
    lo, hi = breaks[:-1, None], breaks[1:, None]
    x = (0.5 * (hi - lo) * _GL_X + 0.5 * (hi + lo)).ravel()
    w = (0.5 * (hi - lo) * _GL_W).ravel()
    return x, w


def _gauss_rule(scale):
    """Nodes z and weights w with sum(w * g(scale * z)) = E_{z~N(0,1)} g(scale z).

    Panels on [0, _ZMAX] start at width min(1, 1/scale) (the width of the
    feature of g(scale z) at z = 0: tanh has poles at z = i pi/(2 scale)),
    double outwards up to width 1, then stay at 1; mirrored to [-_ZMAX, 0].
    """
    h0 = 1.0 if scale <= 1.0 else 1.0 / scale
    breaks = [0.0]
    while breaks[-1] < _ZMAX:
        breaks.append(min(breaks[-1] + min(1.0, max(h0, breaks[-1])), _ZMAX))
    x, w = _gl_rule(np.asarray(breaks))
    w = w * np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)
    return np.concatenate([-x[::-1], x]), np.concatenate([w[::-1], w])


def _uniform_gauss_rule(width):
    """Rule for E_{z~N(0,1)} g(z) with panels of `width` (<= 1) on [-_ZMAX, _ZMAX]."""
    n = int(np.ceil(2.0 * _ZMAX / width))
    x, w = _gl_rule(np.linspace(-_ZMAX, _ZMAX, n + 1))
    return x, w * np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)


def _expect(g, q):
    """E_{z~N(0,1)} g(sqrt(q) z) for an array q >= 0 (same shape out)."""
    q = np.asarray(q, dtype=float)
    a = np.sqrt(q)
    z, w = _gauss_rule(float(a.max()) if a.size else 0.0)
    return g(a[..., None] * z) @ w


def _mean_phi2(q, activation):
    """E phi(sqrt(q) z)^2 (the length map without sigma_w2 and sigma_b2)."""
    q = np.asarray(q, dtype=float)
    if activation == "linear":
        return q.copy()
    if activation == "relu":
        return 0.5 * q
    if activation == "erf":                       # E erf(u)^2, u ~ N(0, q)
        return 2.0 / np.pi * np.arcsin(2.0 * q / (1.0 + 2.0 * q))
    return _expect(lambda u: np.tanh(u) ** 2, q)


def _mean_dphi2(q, activation):
    """E phi'(sqrt(q) z)^2."""
    q = np.asarray(q, dtype=float)
    if activation == "linear":
        return np.ones_like(q)
    if activation == "relu":
        return np.full_like(q, 0.5)
    if activation == "erf":                       # phi' = 2/sqrt(pi) exp(-u^2)
        return 4.0 / np.pi / np.sqrt(1.0 + 4.0 * q)
    return _expect(lambda u: _sech(u) ** 4, q)


def _mean_phi_phi(c, q, activation):
    """E phi(u1) phi(u2), (u1, u2) centred Gaussian, variances q, correlation c."""
    c = np.asarray(c, dtype=float)
    if activation == "linear":
        return q * c
    if activation == "relu":                      # arc-cosine kernel of degree 1
        s = np.sqrt(np.clip(1.0 - c * c, 0.0, None))
        return q / (2.0 * np.pi) * (s + (np.pi - np.arccos(c)) * c)
    if activation == "erf":                       # Williams (1997)
        return 2.0 / np.pi * np.arcsin(2.0 * q * c / (1.0 + 2.0 * q))
    return _expect2(np.tanh, c, q)


def _expect2(phi, c, q):
    """E phi(u1) phi(u2) by quadrature, u1 = a z1, u2 = a (c z1 + s z2), a = sqrt(q).

    Outer rule in z1 as in _gauss_rule; the inner expectation over z2 uses
    uniform panels of width min(1, 1/a), fine enough for the feature of
    phi(a c z1 + a s z2) at any z2 = -c z1 / s (phi smooth, features of width 1).
    """
    c = np.asarray(c, dtype=float)
    a = np.sqrt(q)
    z1, w1 = _gauss_rule(a)
    z2, w2 = _uniform_gauss_rule(1.0 if a <= 1.0 else 1.0 / a)
    outer = w1 * phi(a * z1)
    flat = c.ravel()
    out = np.empty_like(flat)
    chunk = max(1, 4_000_000 // (z1.size * z2.size))
    for i in range(0, flat.size, chunk):
        cc = flat[i:i + chunk, None, None]
        ss = np.sqrt(np.clip(1.0 - cc * cc, 0.0, None))
        out[i:i + chunk] = (phi(a * (cc * z1[:, None] + ss * z2)) @ w2) @ outer
    return out.reshape(c.shape)


def _as_output(x, like):
    """A float for a scalar input, else an ndarray of the input's shape."""
    return float(x) if np.ndim(like) == 0 else np.asarray(x, dtype=float)


def length_map(q: float | np.ndarray, sigma_w2: float, sigma_b2: float = 0.0,
               activation: str = "tanh") -> float | np.ndarray:
    """The length map V(q) = sigma_w2 E_{z~N(0,1)} phi(sqrt(q) z)^2 + sigma_b2, (2.21).

    Vectorised over `q >= 0` (a scalar gives a float, an array an array of
    the same shape). Closed forms for linear (sigma_w2 q), relu
    (sigma_w2 q / 2) and erf ((2/pi) arcsin(2q/(1+2q))); tanh by quadrature.
    """
    _check_activation(activation)
    _check_variances(sigma_w2, sigma_b2)
    qa = np.asarray(q, dtype=float)
    if np.any(~np.isfinite(qa)) or np.any(qa < 0):
        raise ValueError("q must be finite and >= 0")
    v = sigma_w2 * _mean_phi2(qa, activation) + sigma_b2
    return _as_output(v, q)


def length_fixed_point(sigma_w2: float, sigma_b2: float = 0.0, activation: str = "tanh", q0: float = 1.0) -> float:
    """The stable fixed point q* = V(q*) reached by iterating (2.21) from q0 > 0.

    For bounded phi, V is increasing and bounded by sigma_w2 + sigma_b2, so the
    iterates from q0 > 0 converge to the largest fixed point. With
    sigma_b2 = 0, q = 0 is fixed and stable iff V'(0) = sigma_w2 phi'(0)^2 <= 1,
    (2.24); then q* = 0 (tanh: sigma_w2 <= 1, erf: sigma_w2 <= pi/4). Otherwise
    q* > 0 is the root of V(q)/q - 1 (sigma_b2 = 0) or V(q) - q, found by Brent's
    method on (0, sigma_w2 + sigma_b2] instead of by iteration, which near the
    edge converges only like 1/l. Unbounded activations raise ValueError.
    """
    _check_activation(activation, _BOUNDED)
    _check_variances(sigma_w2, sigma_b2)
    if not (np.isfinite(q0) and q0 >= 0):
        raise ValueError(f"q0 must be finite and > 0, got {q0!r}")
    slope0 = sigma_w2 * _PHI_PRIME0_SQ[activation]          # V'(0), (2.24)
    if sigma_b2 == 0.0 and (slope0 <= 1.0 or q0 == 0.0):
        return 0.0
    hi = sigma_w2 + sigma_b2                                # V < sup V = hi
    if sigma_b2 == 0.0:
        gap = lambda q: sigma_w2 * float(_mean_phi2(q, activation)) / q - 1.0
        lo = hi
        while gap(lo) < 0.0:                                # q* < lo, shrink
            lo *= 0.5
    else:
        gap = lambda q: sigma_w2 * float(_mean_phi2(q, activation)) + sigma_b2 - q
        lo = 0.0
    return float(brentq(gap, lo, hi, xtol=1e-300, rtol=_FP_TOL, maxiter=500))


def chi1(sigma_w2: float, sigma_b2: float = 0.0, activation: str = "tanh") -> float:
    """chi_1 = sigma_w2 E_{z~N(0,1)} phi'(sqrt(q*) z)^2 at the fixed point q*, (2.29).

    For relu and linear chi_1 does not depend on q: sigma_w2 / 2 and sigma_w2.
    chi_1 is the growth factor of the backward variances (2.30) and the slope
    of the correlation map at c = 1 (2.43).
    """
    _check_activation(activation)
    _check_variances(sigma_w2, sigma_b2)
    if activation in ("linear", "relu"):
        return float(sigma_w2 * _mean_dphi2(0.0, activation))
    q = length_fixed_point(sigma_w2, sigma_b2, activation)
    return float(sigma_w2 * _mean_dphi2(q, activation))


def correlation_map(c: float | np.ndarray, sigma_w2: float, sigma_b2: float = 0.0,
                    activation: str = "tanh") -> float | np.ndarray:
    """The correlation map c -> (sigma_w2 E phi(u1) phi(u2) + sigma_b2) / q*, (2.34)-(2.35).

    u1 = sqrt(q*) z1, u2 = sqrt(q*)(c z1 + sqrt(1-c^2) z2), z1, z2 iid N(0,1),
    q* = length_fixed_point(...). Vectorised over c in [-1, 1] (same shape out).
    It fixes c = 1 (2.36) with slope chi_1 there (2.43). When q* = 0 (no bias,
    ordered phase) the ratio is 0/0 and its limit q -> 0 is c itself.
    relu and linear (no finite q* in general) are accepted when the map is
    defined: sigma_b2 = 0 (the ratio does not depend on q; relu gives the
    arc-cosine map) or a finite fixed point q* = sigma_b2 / (1 - V'(q)).
    """
    _check_activation(activation)
    _check_variances(sigma_w2, sigma_b2)
    ca = np.asarray(c, dtype=float)
    if np.any(~np.isfinite(ca)) or np.any(np.abs(ca) > 1.0 + 1e-12):
        raise ValueError("c must lie in [-1, 1]")
    ca = np.clip(ca, -1.0, 1.0)
    if activation in _BOUNDED:
        q = length_fixed_point(sigma_w2, sigma_b2, activation)
        if q == 0.0:                                # limit q -> 0: identity
            return _as_output(ca.copy(), c)
    else:                                           # V(q) = slope q + sigma_b2
        slope = sigma_w2 * float(_mean_dphi2(0.0, activation))
        if sigma_b2 == 0.0:                         # ratio independent of q
            if slope == 0.0:
                return _as_output(ca.copy(), c)
            return _as_output(sigma_w2 * _mean_phi_phi(ca, 1.0, activation) / slope, c)
        if slope >= 1.0:
            raise ValueError(f"{activation} with sigma_w2 = {sigma_w2} and sigma_b2 > 0 "
                             "has no finite fixed point")
        q = sigma_b2 / (1.0 - slope)
    out = (sigma_w2 * _mean_phi_phi(ca, q, activation) + sigma_b2) / q
    return _as_output(out, c)


def edge_of_chaos(sigma_b2: float, activation: str = "tanh") -> float:
    """The sigma_w2 at which chi_1 = 1, (2.29) and (2.43), to 1e-8.

    relu: 2, linear: 1 (for every sigma_b2). For bounded phi with sigma_b2 = 0
    it is 1/phi'(0)^2 (tanh: 1, erf: pi/4). For sigma_b2 > 0, chi_1 - 1 < 0 at
    sigma_w2 = 1/phi'(0)^2 and grows with sigma_w2; the root is bracketed by
    doubling and found by Brent's method. Near sigma_b2 = 0, chi_1 - 1 is tiny
    on the chaotic side (it touches 0 quadratically at sigma_b2 = 0, where
    chi_1 - 1 ~ (sigma_w2 - 1)^2 / 3 for tanh), so the bracket must start at
    1/phi'(0)^2, not to the right of the root.
    """
    _check_activation(activation)
    _check_variances(1.0, sigma_b2)
    if activation == "relu":
        return 2.0
    if activation == "linear":
        return 1.0
    lo = 1.0 / _PHI_PRIME0_SQ[activation]
    if sigma_b2 == 0.0:
        return float(lo)

    def gap(sigma_w2):                              # chi_1 - 1
        q = length_fixed_point(sigma_w2, sigma_b2, activation)
        return sigma_w2 * float(_mean_dphi2(q, activation)) - 1.0

    hi = 2.0 * lo
    while gap(hi) < 0.0:
        lo, hi = hi, 2.0 * hi
        if hi > 1e12:
            raise ValueError(f"no edge of chaos found for sigma_b2 = {sigma_b2}")
    return float(brentq(gap, lo, hi, xtol=1e-300, rtol=_FP_TOL, maxiter=500))


def simulate_lengths(sigma_w2: float, sigma_b2: float, activation: str, width: int, depth: int, q1: float,
                     seed: int) -> np.ndarray:
    """Empirical q_l = |h_l|^2 / width, l = 1..depth, of one random net, cf. (2.20)-(2.21).

    Constant width; h_1 has q_1 = q1 exactly (W_0 x for a Gaussian W_0 points
    in a uniformly random direction, so h_1 is that direction scaled); then
    h_{l+1} = W_l phi(h_l) + b_l, W_l ~ N(0, sigma_w2 / width), b_l ~ N(0, sigma_b2).
    At large width the q_l follow the iterated length map V from q1.
    """
    _check_activation(activation)
    _check_variances(sigma_w2, sigma_b2)
    if width < 1 or depth < 1 or not (np.isfinite(q1) and q1 >= 0):
        raise ValueError("need width >= 1, depth >= 1 and q1 >= 0")
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(width)
    h = g * np.sqrt(width * q1) / np.linalg.norm(g)
    q = np.empty(depth)
    q[0] = q1
    for l in range(1, depth):
        W = rng.standard_normal((width, width)) * np.sqrt(sigma_w2 / width)
        b = rng.standard_normal(width) * np.sqrt(sigma_b2)
        h = W @ _phi(h, activation) + b
        q[l] = h @ h / width
    return q
