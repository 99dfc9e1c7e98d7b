"""hw3's theory that the checks compare with (notes 2.2): the Marchenko-Pastur law (2.52)
generalised to a ratio n/m, and the quadrature and distance the checks measure densities and spectra with.

Pure functions; ``tests/unit/checks/test_theory_hw3.py`` checks each one against an
independent computation (sampling, adaptive quadrature, known moments).
"""
import math
from collections.abc import Callable

import numpy as np


def mp_edges(ratio: float) -> tuple[float, float]:
    """The support [(1 - sqrt(ratio))^2, (1 + sqrt(ratio))^2] of Marchenko-Pastur at ratio n/m ((2.52): [0, 4])."""
    return (1 - math.sqrt(ratio)) ** 2, (1 + math.sqrt(ratio)) ** 2


def mp_moments(ratio: float) -> list[float]:
    """int x^k rho(x) dx for k = 0, 1, 2 under Marchenko-Pastur at ratio n/m: 1, 1, 1 + ratio (Narayana).

    The density integrates to 1, the mean eigenvalue of W W^T is tr/n = 1 for
    N(0, 1/m) entries, and E tr (W W^T)^2 / n = 1 + n/m.
    """
    return [1.0, 1.0, 1.0 + ratio]


def mp_cdf(ratio: float) -> Callable[[np.ndarray], np.ndarray]:
    """The Marchenko-Pastur CDF at ratio n/m, as a function.

    x = c - d cos(theta) makes rho dx = d^2 sin^2 / (2 pi ratio x) dtheta
    smooth, so the trapezoid rule is accurate to ~1e-7 on 4000 panels.
    """
    a, b = mp_edges(ratio)
    c, d = 0.5 * (a + b), 0.5 * (b - a)
    theta = np.linspace(0.0, np.pi, 4001)[1:]
    x = c - d * np.cos(theta)
    f = (d * np.sin(theta)) ** 2 / (2 * np.pi * ratio * x)
    x = np.concatenate([[a], x])
    f = np.concatenate([[d / (np.pi * ratio) if a == 0 else 0.0], f])
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * (np.pi / 4000))])
    cdf /= cdf[-1]
    return lambda t: np.interp(t, x, cdf, left=0.0, right=1.0)


def ks_distance(sample: np.ndarray, cdf: Callable[[np.ndarray], np.ndarray]) -> float:
    """Kolmogorov distance sup_x |F_n(x) - F(x)| of a sample's empirical CDF to ``cdf``: how far a
    drawn spectrum is from the law of (2.52) or (2.95)."""
    x = np.sort(np.asarray(sample, dtype=np.float64))
    f = cdf(x)
    i = np.arange(1, len(x) + 1)
    return float(max(np.max(i / len(x) - f), np.max(f - (i - 1) / len(x))))


def gauss_legendre_01(nodes: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1]: exact for polynomials of degree < 2 nodes (the
    checks integrate x^k rho(x) of (2.52) and (2.95) with it, after a change of variables)."""
    t, w = np.polynomial.legendre.leggauss(nodes)
    return 0.5 * (t + 1), 0.5 * w
