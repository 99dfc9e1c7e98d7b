"""hw3 reference: spectra of random matrices and input-output Jacobians (notes 2.2).

Marchenko-Pastur (2.52), the product Wishart ensemble through its S-transform
(2.81) and parametric curve (2.95), its moments (Fuss-Catalan numbers), the
ReLU + scaled orthogonal spectral edge (2.105)/(2.121), and simulated spectra
of J J^T for the Jacobian (2.44).
"""
import math

import numpy as np

_BISECTION_STEPS = 64  # halves pi/(L+1) down to below float64 resolution
_SIGMA_W2 = {"linear": 1.0, "relu": 2.0}  # sigma_w^2 that preserves lengths


def _as_output(values, like):
    """Return a float for scalar input, else an array of the input's shape."""
    values = np.asarray(values, dtype=np.float64)
    return float(values) if np.ndim(like) == 0 else values


def _check_depth(depth):
    if int(depth) != depth or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
    return int(depth)


def _haar_orthogonal(n, rng):
    """Haar-distributed orthogonal n x n matrix: QR of a Gaussian matrix with the
    signs of diag(R) moved into Q, so that the factorisation is unique."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def _activation_derivative(activation):
    if activation == "linear":
        return lambda h: np.ones_like(h)
    if activation == "relu":
        return lambda h: (h > 0).astype(np.float64)
    raise ValueError(f"activation must be 'linear' or 'relu', got {activation!r}")


def _activation(activation):
    if activation == "linear":
        return lambda h: h
    if activation == "relu":
        return lambda h: np.maximum(h, 0.0)
    raise ValueError(f"activation must be 'linear' or 'relu', got {activation!r}")


def mp_density(x: float | np.ndarray, ratio: float = 1.0) -> float | np.ndarray:
    """Marchenko-Pastur density of the eigenvalues of W W^T, W of shape (n, m)
    with N(0, 1/m) entries, ratio = n/m in (0, 1]:

        rho(x) = sqrt((b - x)(x - a)) / (2 pi ratio x)  on (a, b),
        a, b = (1 -+ sqrt(ratio))^2,

    and 0 elsewhere, x = 0 included. At ratio = 1 this is the notes' (2.52),
    (1/2pi) sqrt(4/x - 1) on (0, 4).
    """
    if not 0.0 < ratio <= 1.0:
        raise ValueError(f"ratio must lie in (0, 1], got {ratio!r}")
    xs = np.asarray(x, dtype=np.float64)
    a, b = (1.0 - math.sqrt(ratio)) ** 2, (1.0 + math.sqrt(ratio)) ** 2
    inside = (xs > a) & (xs < b) & (xs > 0.0)
    safe = np.where(inside, xs, 1.0)
    rho = np.sqrt(np.clip((b - safe) * (safe - a), 0.0, None)) / (2.0 * np.pi * ratio * safe)
    return _as_output(np.where(inside, rho, 0.0), x)


def wishart_eigenvalues(n: int, m: int, seed: int) -> np.ndarray:
    """The n eigenvalues (ascending) of W W^T for one W of shape (n, m) with
    iid N(0, 1/m) entries; their histogram approaches mp_density(., n/m) (2.52)."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n, m)) / math.sqrt(m)
    return np.linalg.eigvalsh(w @ w.T)


def product_wishart_curve(depth: int, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The limiting spectrum of J J^T, J a product of L = depth iid square
    Gaussian matrices of variance 1/n, as the parametric curve (2.95):

        lam(phi) = sin^{L+1}((L+1)phi) / (sin(phi) sin^L(L phi)),
        rho(lam(phi)) = sin^2(phi) sin^{L-1}(L phi) / (pi sin^L((L+1)phi)),

    for phi in (0, pi/(L+1)). Returns the tuple (lam, rho).
    """
    L = _check_depth(depth)
    phi = np.asarray(phi, dtype=np.float64)
    s0, s1, sL = np.sin(phi), np.sin((L + 1) * phi), np.sin(L * phi)
    lam = s1 ** (L + 1) / (s0 * sL**L)
    rho = s0**2 * sL ** (L - 1) / (np.pi * s1**L)
    return lam, rho


def product_wishart_density(x: float | np.ndarray, depth: int) -> float | np.ndarray:
    """rho(x) of the product Wishart spectrum (2.95) at arbitrary x: lam(phi)
    decreases from the edge (L+1)^{L+1}/L^L at phi -> 0 to 0 at phi -> pi/(L+1),
    so phi(x) is found by bisection (vectorised over x) and rho read off the
    curve. 0 outside (0, edge)."""
    L = _check_depth(depth)
    xs = np.asarray(x, dtype=np.float64)
    inside = (xs > 0.0) & (xs < product_wishart_edge(L))
    target = np.where(inside, xs, 1.0)
    lo = np.zeros_like(target)  # lam(lo) >= target
    hi = np.full_like(target, np.pi / (L + 1))  # lam(hi) <= target
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        lam_mid, _ = product_wishart_curve(L, mid)
        above = lam_mid > target
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    _, rho = product_wishart_curve(L, 0.5 * (lo + hi))
    return _as_output(np.where(inside, rho, 0.0), x)


def product_wishart_edge(depth: int) -> float:
    """Right edge of the product Wishart spectrum, lam(phi -> 0) in (2.95):
    (L+1)^{L+1} / L^L."""
    L = _check_depth(depth)
    return float((L + 1) ** (L + 1) / L**L)


def fuss_catalan(depth: int, k: int) -> int:
    """k-th moment of the product Wishart spectrum (2.95), the Fuss-Catalan
    number binom((L+1)k, k) / (Lk + 1), as an exact Python int. It is the
    coefficient read off the moment generating function fixed by (2.81)-(2.83)."""
    L = _check_depth(depth)
    if int(k) != k or k < 0:
        raise ValueError(f"k must be an integer >= 0, got {k!r}")
    k = int(k)
    return math.comb((L + 1) * k, k) // (L * k + 1)


def relu_orthogonal_edge(depth: int) -> float:
    """Right edge of the limiting spectrum of J J^T for a ReLU net with scaled
    orthogonal weights (sigma_w^2 = 2, (2.99)). From the S-transform,
    M^{-1}(z) = (2z + 1)^L / (z (z + 1)^{L-1}) (2.105), and the edge is its
    infimum over z > 0: the minimum at z = 1/(L-2) for L >= 3, the limit
    z -> infinity for L = 2 and L = 1. This gives L^L/(L-1)^{L-1} for L >= 2,
    the value (2.121) states (its derivation divides by L - 2 at (2.119)),
    and 2 for L = 1, where the spectrum is (delta_0 + delta_2)/2."""
    L = _check_depth(depth)
    if L == 1:
        return 2.0
    return float(L**L / (L - 1) ** (L - 1))


def jacobian_eigenvalues(n: int, depth: int, init: str, activation: str, seed: int) -> np.ndarray:
    """The n eigenvalues of J J^T, J = W_L D_L ... W_1 D_1 (2.44), for one
    square net of width n: x ~ N(0, I_n), h_1 = W_0 x, D_l = diag(phi'(h_l)),
    h_{l+1} = W_l phi(h_l). Weights are sigma_w times a Haar orthogonal matrix
    ("orthogonal", (2.97)-(2.99)) or N(0, sigma_w^2/n) ("gaussian"), with
    sigma_w^2 = 1 (linear) or 2 (relu). Computed as squared singular values of J."""
    L = _check_depth(depth)
    phi, dphi = _activation(activation), _activation_derivative(activation)
    sigma_w = math.sqrt(_SIGMA_W2[activation])
    if init not in ("gaussian", "orthogonal"):
        raise ValueError(f"init must be 'gaussian' or 'orthogonal', got {init!r}")
    rng = np.random.default_rng(seed)
    if init == "gaussian":
        weights = [sigma_w * rng.standard_normal((n, n)) / math.sqrt(n) for _ in range(L + 1)]
    else:
        weights = [sigma_w * _haar_orthogonal(n, rng) for _ in range(L + 1)]
    h = weights[0] @ rng.standard_normal(n)
    jac = np.eye(n)
    for w in weights[1:]:
        jac = w @ (dphi(h)[:, None] * jac)  # J <- W_l D_l J
        h = w @ phi(h)
    return np.linalg.svd(jac, compute_uv=False) ** 2
