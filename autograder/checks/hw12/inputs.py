"""hw12's grader-chosen inputs: finite classes, hypersphere data, nets, perturbations and
matrix series from fixed seeds.

The public and hidden check modules build their cases with these, so a case's
inputs are the same on every machine.
"""
import math

import numpy as np


def gaussian(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """An array of iid N(0, 1) entries from ``default_rng(seed)``."""
    return np.random.default_rng(seed).standard_normal(shape)


# ---------------------------------------------------------------- finite classes
def threshold_class(m: int, seed: int) -> np.ndarray:
    """The class {z -> sign(z - theta)} on m sorted points, one threshold per gap (m + 1 rows)."""
    z = np.sort(np.random.default_rng(seed).uniform(-1, 1, m))
    cuts = np.concatenate([[-2.0], 0.5 * (z[1:] + z[:-1]), [2.0]])
    return np.where(z[None, :] > cuts[:, None], 1.0, -1.0)


def sign_class(n: int, m: int, seed: int) -> np.ndarray:
    """n random +-1 rows of length m."""
    return np.where(gaussian((n, m), seed) > 0, 1.0, -1.0)


def soft_class(n: int, m: int, seed: int) -> np.ndarray:
    """n rows of tanh of N(0, 1) entries: real values in (-1, 1)."""
    return np.tanh(gaussian((n, m), seed))


H_THRESHOLDS = threshold_class(10, 1201)
H_SIGNS = sign_class(24, 10, 1202)
H_SOFT = soft_class(30, 8, 1203)
H_REPEATED = np.vstack([H_SIGNS[:6], H_SIGNS[:6]])   # repeated rows: distance 0 and exact integer distances


# ---------------------------------------------------------------- hypersphere example
def sphere_data(m: int, D: int, r: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """m points uniform on the sphere of radius r in R^D, with random +-1 labels."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((m, D))
    Z *= r / np.linalg.norm(Z, axis=1)[:, None]
    return Z, np.where(rng.standard_normal(m) > 0, 1.0, -1.0)


# ---------------------------------------------------------------- nets and perturbations
def random_net(widths: list[int], seed: int) -> list[np.ndarray]:
    """W_l of shape (n_{l+1}, n_l) with iid N(0, 1/n_l) entries."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((widths[l + 1], widths[l])) / math.sqrt(widths[l]) for l in range(len(widths) - 1)]


def perturbation(ws: list[np.ndarray], scale: float, seed: int, L: int | None = None) -> list[np.ndarray]:
    """Random U_l with ||U_l||_2 = scale ||W_l||_2 / L (L: the number of layers by default)."""
    rng = np.random.default_rng(seed)
    L = len(ws) if L is None else L
    us = []
    for w in ws:
        u = rng.standard_normal(w.shape)
        us.append(u * scale * np.linalg.norm(w, 2) / (L * np.linalg.norm(u, 2)))
    return us


# ---------------------------------------------------------------- matrix series
def diagonal_series(n: int, scales: list[float]) -> np.ndarray:
    """A_k = scales[k] e_k e_k^T, k < n, stacked as an (n, n, n) array."""
    A = np.zeros((n, n, n))
    for k in range(n):
        A[k, k, k] = scales[k]
    return A


def scalar_series(n: int, c: list[float]) -> np.ndarray:
    """A_k = c_k I_n, stacked as a (len(c), n, n) array."""
    return np.stack([ck * np.eye(n) for ck in c])


def symmetric_series(m: int, n: int, seed: int) -> np.ndarray:
    """m random symmetric n x n matrices (G + G^T)/2, G with N(0, 1) entries."""
    G = gaussian((m, n, n), seed)
    return 0.5 * (G + np.transpose(G, (0, 2, 1)))
