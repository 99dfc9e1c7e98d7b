"""hw9's grader inputs and the log-log slope statistics that several checks share.

Every input a check builds comes from a fixed seed here, so a student's
failing case can be rebuilt by hand.
"""

import math
from typing import Any

import numpy as np


def grader_weights(sizes: list[int], seed: int) -> list[np.ndarray]:
    """Standard-normal weights W_l of shape (sizes[l + 1], sizes[l]), drawn at ``seed``."""
    r = np.random.default_rng(seed)
    return [r.standard_normal((b, a)) for a, b in zip(sizes[:-1], sizes[1:])]


def grader_inputs(n0: int, m: int, seed: int) -> np.ndarray:
    """m standard-normal inputs of dimension n0, as the columns of an (n0, m) array."""
    return np.random.default_rng(seed).standard_normal((n0, m))


def unit_columns(n0: int, m: int, seed: int) -> np.ndarray:
    """:func:`grader_inputs` with every column scaled to unit norm."""
    X = grader_inputs(n0, m, seed)
    return X / np.linalg.norm(X, axis=0)


def random_cov(seed: int, k: int = 4) -> np.ndarray:
    """A well-conditioned k x k covariance A A^T / k + 0.3 I, A standard normal at ``seed``."""
    A = np.random.default_rng(seed).standard_normal((k, k))
    return A @ A.T / k + 0.3 * np.eye(k)


def loglog_slope(widths: Any, means: Any, ses: Any) -> tuple[float, float]:
    """Least-squares slope of log mean on log width and its standard error by the delta method
    (var log mean = (se/mean)^2, independent widths)."""
    lx = np.log(np.asarray(widths, dtype=float))
    c = (lx - lx.mean()) / np.sum((lx - lx.mean()) ** 2)
    ly = np.log(np.abs(means))
    return float(c @ ly), float(math.sqrt(np.sum((c * np.asarray(ses) / np.abs(means)) ** 2)))


def sd_and_log_se(x: Any) -> tuple[float, float]:
    """sd of the sample and the standard error of its log (delta method with the sample kurtosis)."""
    x = np.asarray(x, dtype=float)
    k = x.size
    s2 = x.var(ddof=1)
    m4 = np.mean((x - x.mean()) ** 4)
    var_s2 = max((m4 - s2 * s2 * (k - 3) / (k - 1)) / k, 2 * s2 * s2 / (k - 1))
    return math.sqrt(s2), math.sqrt(var_s2) / (2 * s2)
