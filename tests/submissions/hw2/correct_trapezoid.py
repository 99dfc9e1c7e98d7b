# EXPECT: pass all
"""hw2, written differently from the reference: every Gaussian expectation by
the trapezoidal rule on a uniform grid (spectrally accurate for integrands
analytic in a strip), q* by Newton's method from the right, the edge of chaos
by bisection, and another order of draws in the simulation."""
import numpy as np
from scipy.special import erf

H1 = 0.01                     # 1-d grid step: error ~ exp(-2 pi d / h), d = pi / (2 sqrt(q))
Z1 = np.arange(-12.0, 12.0 + H1 / 2, H1)
W1 = H1 * np.exp(-Z1 ** 2 / 2) / np.sqrt(2 * np.pi)
H2 = 0.04                     # 2-d grid step (correlation map, q* <= ~4)
Z2 = np.arange(-9.0, 9.0 + H2 / 2, H2)
W2 = H2 * np.exp(-Z2 ** 2 / 2) / np.sqrt(2 * np.pi)


def phi_of(name):
    table = {
        "linear": (lambda u: u, lambda u: np.ones_like(u), lambda u: np.zeros_like(u)),
        "relu": (lambda u: np.maximum(u, 0.0), lambda u: (u > 0) * 1.0, lambda u: np.zeros_like(u)),
        "tanh": (np.tanh, lambda u: 1 / np.cosh(np.clip(u, -300, 300)) ** 2,
                 lambda u: -2 * np.tanh(u) / np.cosh(np.clip(u, -300, 300)) ** 2),
        "erf": (erf, lambda u: 2 / np.sqrt(np.pi) * np.exp(-u * u),
                lambda u: -4 * u / np.sqrt(np.pi) * np.exp(-u * u)),
    }
    if name not in table:
        raise ValueError(f"unknown activation {name}")
    return table[name]


def gauss_mean(f, q):
    q = np.asarray(q, dtype=float)
    return f(np.sqrt(q)[..., None] * Z1) @ W1


def mean_phi2(q, act):
    if act == "linear":
        return np.asarray(q, dtype=float) * 1.0
    if act == "relu":
        return np.asarray(q, dtype=float) / 2
    phi = phi_of(act)[0]
    return gauss_mean(lambda u: phi(u) ** 2, q)


def mean_dphi2(q, act):
    if act in ("linear", "relu"):
        return {"linear": 1.0, "relu": 0.5}[act]
    d = phi_of(act)[1]
    return float(gauss_mean(lambda u: d(u) ** 2, q))


def length_map(q, sigma_w2, sigma_b2=0.0, activation="tanh"):
    phi_of(activation)
    out = sigma_w2 * mean_phi2(q, activation) + sigma_b2
    return float(out) if np.ndim(q) == 0 else out


def length_fixed_point(sigma_w2, sigma_b2=0.0, activation="tanh", q0=1.0):
    if activation not in ("tanh", "erf"):
        raise ValueError("only bounded activations have a finite fixed point")
    phi, dphi, ddphi = phi_of(activation)
    if sigma_b2 == 0 and sigma_w2 * float(dphi(np.array(0.0))) ** 2 <= 1:
        return 0.0
    q = sigma_w2 + sigma_b2          # right of q*: Newton on the concave V(q) - q goes down to q*
    for _ in range(200):
        a = np.sqrt(q)
        F = sigma_w2 * float(gauss_mean(lambda u: phi(u) ** 2, q)) + sigma_b2 - q
        dV = sigma_w2 * float(gauss_mean(lambda u: dphi(u) ** 2 + phi(u) * ddphi(u), q))  # (2.23)
        step = F / (dV - 1)
        q -= step
        if abs(step) <= 1e-15 * q:
            break
    return float(q)


def chi1(sigma_w2, sigma_b2=0.0, activation="tanh"):
    phi_of(activation)
    if activation in ("linear", "relu"):
        return sigma_w2 * mean_dphi2(0.0, activation)
    return sigma_w2 * mean_dphi2(length_fixed_point(sigma_w2, sigma_b2, activation), activation)


def correlation_map(c, sigma_w2, sigma_b2=0.0, activation="tanh"):
    phi = phi_of(activation)[0]
    if activation not in ("tanh", "erf"):
        raise ValueError("only tanh and erf here")
    q = length_fixed_point(sigma_w2, sigma_b2, activation)
    c_arr = np.array(c, dtype=float)
    if q == 0:
        return float(c_arr) if c_arr.ndim == 0 else c_arr
    a = np.sqrt(q)
    out = np.empty(c_arr.size)
    for i, ci in enumerate(c_arr.ravel()):
        s = np.sqrt(max(1 - ci * ci, 0.0))
        grid = phi(a * Z2)[:, None] * phi(a * (ci * Z2[:, None] + s * Z2[None, :]))
        out[i] = (sigma_w2 * (W2 @ grid @ W2) + sigma_b2) / q
    out = out.reshape(c_arr.shape)
    return float(out) if c_arr.ndim == 0 else out


def edge_of_chaos(sigma_b2, activation="tanh"):
    phi_of(activation)
    if activation == "relu":
        return 2.0
    if activation == "linear":
        return 1.0
    base = 1.0 if activation == "tanh" else np.pi / 4
    if sigma_b2 == 0:
        return base
    lo, hi = base, 2 * base
    while chi1(hi, sigma_b2, activation) < 1:
        lo, hi = hi, 2 * hi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if chi1(mid, sigma_b2, activation) < 1:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def simulate_lengths(sigma_w2, sigma_b2, activation, width, depth, q1, seed):
    phi = phi_of(activation)[0]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=width)
    W0 = rng.normal(size=(width, width))
    h = W0 @ x
    h *= np.sqrt(q1 * width) / np.linalg.norm(h)
    qs = [float(h @ h) / width]
    for _ in range(depth - 1):
        b = rng.normal(0.0, np.sqrt(sigma_b2), size=width)
        W = rng.normal(0.0, np.sqrt(sigma_w2 / width), size=(width, width))
        h = W @ phi(h) + b
        qs.append(float(np.mean(h ** 2)))
    return np.array(qs)
