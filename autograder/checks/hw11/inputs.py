"""hw11's grader-chosen inputs: random nets, data and matrices from fixed seeds.

The public and hidden check modules build their cases with these, so a case's
inputs are the same on every machine.
"""
import math

import numpy as np


def gaussian(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """An array of iid N(0, 1) entries from ``default_rng(seed)``."""
    return np.random.default_rng(seed).standard_normal(shape)


def inputs_with_negatives(n0: int, m: int, pairs: int, seed: int) -> np.ndarray:
    """m distinct inputs, the last ``pairs`` of them the negatives of the first ``pairs``."""
    X = gaussian((n0, m), seed)
    X[:, m - pairs:] = -X[:, :pairs]
    return X


def random_layers(widths: list[int], seed: int, scale: float = 1.0) -> list[np.ndarray]:
    """W_l of shape (n_{l+1}, n_l) with iid N(0, scale^2 / n_l) entries."""
    rng = np.random.default_rng(seed)
    return [scale * rng.standard_normal((widths[l + 1], widths[l])) / math.sqrt(widths[l])
            for l in range(len(widths) - 1)]


def random_biases(widths: list[int], seed: int) -> list[np.ndarray]:
    """b_l of length n_{l+1} with iid N(0, 1/4) entries."""
    rng = np.random.default_rng(seed)
    return [0.5 * rng.standard_normal(n) for n in widths[1:]]


def regression_data(n0: int, nout: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y) of shapes (n0, m) and (nout, m), iid N(0, 1) entries."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n0, m)), rng.standard_normal((nout, m))


def critical_case(widths: list[int], subset: list[int], seed: int, alpha_l: tuple = (0, 2.5)) -> tuple:
    """(X, Y, widths, subset, l, alpha): a critical point's data (9 points) and a rescaling."""
    X, Y = regression_data(widths[0], widths[-1], 9, seed)
    return (X, Y, list(widths), list(subset), *alpha_l)


def symmetric_with_eigenvalues(eigs: list[float], seed: int) -> np.ndarray:
    """Q diag(eigs) Q^T with Q a random orthogonal matrix."""
    q = np.linalg.qr(gaussian((len(eigs), len(eigs)), seed))[0]
    return (q * np.asarray(eigs, dtype=np.float64)) @ q.T


def full_row_rank_layers(widths: list[int], seed: int) -> list[np.ndarray]:
    """Random layers (scale 1.5) that narrow or keep the width: of full row rank almost surely."""
    return random_layers(widths, seed, 1.5)


# inputs shared by several checks, public and hidden
X8 = gaussian((3, 8), 1101)
X8_WITH_NEGATIVES = inputs_with_negatives(3, 8, 3, 1102)
X7 = gaussian((2, 7), 1103)
X5 = gaussian((6, 4), 1231)           # n_0 = 6 > m = 4: X has many left inverses
W_RESCALE = random_layers([3, 4, 5, 2], 1201)
