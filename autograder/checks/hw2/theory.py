"""hw2's theory that the checks compare with (notes 2.1.3): slopes of the length and
correlation maps, and the iterated length map. (The bias-free edge of chaos, edge_of_chaos's
answer at sigma_b2 = 0, is a hidden helper in ``slipgen.py``.)

Pure functions; the maps they act on are passed in (the reference's or the
student's). ``tests/unit/checks/test_theory_hw2.py`` checks each one against
an independent computation.
"""
from collections.abc import Callable

import numpy as np


def slope(f: Callable[[float], float], q: float, h: float) -> float:
    """f'(q) by a central difference of half-width h, one-sided where q - h < 0 (a length q >= 0).

    Applied to the length map it is V'(q) (2.23), whose value at q* decides
    the stability of the fixed point.
    """
    lo = max(q - h, 0.0)
    return (f(q + h) - f(lo)) / (q + h - lo)


def iterated_map(f: Callable[[float], float], q1: float, depth: int) -> np.ndarray:
    """q_1, V(q_1), V(V(q_1)), ...: ``depth`` lengths of the mean-field recursion (2.21)."""
    out = [q1]
    for _ in range(depth - 1):
        out.append(float(f(out[-1])))
    return np.array(out)


def slope_at_one(c_at_1_minus_h: float, c_at_1_minus_half_h: float, h: float) -> float:
    """The slope of a map with c(1) = 1 at c -> 1, by Richardson extrapolation.

    The one-sided differences (1 - c(1 - h)) / h and (1 - c(1 - h/2)) / (h/2)
    have errors a h + O(h^2) and a h/2 + O(h^2); twice the second minus the
    first cancels the O(h) term. For the correlation map the slope is chi_1 (2.43).
    """
    d1, d2 = (1 - c_at_1_minus_h) / h, (1 - c_at_1_minus_half_h) / (h / 2)
    return 2 * d2 - d1
