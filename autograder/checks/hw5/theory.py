"""Closed forms that hw5's checks compare with (notes 3.3: strict saddles, (3.43)-(3.46)).

Pure functions of the landscapes' names and of numbers; none of them is a graded
function, and the checks call them for the geometry a diagnosis or a probability
needs. Each is tested against an independent computation in
``tests/unit/checks/test_theory_hw5.py``.
"""
import math

import numpy as np

#: 1/sqrt(2): the entries of the factorization saddle's eigenvectors
INV_SQRT2 = 1 / math.sqrt(2)


def saddle_directions(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Unit eigenvectors ``(v, w)`` of the Hessian at the strict saddle 0 of ``name``.

    ``v`` belongs to lambda_min = -1 < 0, the escape direction of the strict
    saddle (3.45); ``w`` to the eigenvalue +1, along which GD (3.44) contracts.
    The quartic x^2/2 + y^4/4 - y^2/2 has H(0) = diag(1, -1); the factorization
    (1 - xy)^2 / 2 has H(0) = [[0, -1], [-1, 0]].
    """
    if name == "quartic":
        return np.array([0.0, 1.0]), np.array([1.0, 0.0])
    if name == "factorization":
        return np.array([INV_SQRT2, INV_SQRT2]), np.array([INV_SQRT2, -INV_SQRT2])
    raise ValueError(f"{name!r} has no strict saddle at 0; one of 'quartic', 'factorization'")


def disk_fraction(near: float, radius: float) -> float:
    """Fraction of the box [-radius, radius]^2 within Euclidean distance ``near`` of 0.

    pi near^2 / (2 radius)^2, for near <= radius: the probability that a uniform
    init is already "within near of the saddle" (the attracted fraction after 0
    GD steps, the measure of (3.46) at k = 0).
    """
    return math.pi * near ** 2 / (4 * radius * radius)


def max_norm_fraction(near: float, radius: float) -> float:
    """Fraction of the box [-radius, radius]^2 within max-norm distance ``near`` of 0.

    (2 near)^2 / (2 radius)^2, capped at 1: what a square |x|, |y| < near
    (instead of the disk of :func:`disk_fraction`) counts.
    """
    return min(1.0, 4 * near ** 2 / (4 * radius * radius))


def with_eigenvalues(lam: tuple[float, float], angle: float) -> np.ndarray:
    """The symmetric 2x2 matrix R diag(lam) R^T, R the rotation by ``angle``.

    A Hessian whose eigenvalues are exactly ``lam`` (up to round-off), for the
    classification of critical points by the signs of its eigenvalues (3.45).
    """
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag(lam) @ R.T


def is_exact_power(dist0: float, lr: float, threshold: float) -> bool:
    """Whether log(threshold / dist0) / log(1 + lr) is a positive integer (to 1e-9).

    Then threshold = dist0 (1 + lr)^k exactly, and the ceiling of the predicted
    escape step (growth factor 1 + lr |lambda_min|, lambda_min = -1, of GD (3.44)
    along the escape direction) is k or k + 1 by round-off alone.
    """
    x = math.log(threshold / dist0) / math.log1p(lr)
    return x > 0.5 and abs(x - round(x)) < 1e-9
