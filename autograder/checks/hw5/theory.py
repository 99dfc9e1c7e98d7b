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


def with_eigenvalues(lam: tuple[float, float], angle: float) -> np.ndarray:
    """The symmetric 2x2 matrix R diag(lam) R^T, R the rotation by ``angle``.

    A Hessian whose eigenvalues are exactly ``lam`` (up to round-off), for the
    classification of critical points by the signs of its eigenvalues (3.45).
    """
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag(lam) @ R.T

