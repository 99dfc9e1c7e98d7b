"""Closed forms of hw10's laws: moments, densities and S-transforms that the checks compare
the reference and the student with.

Conventions of the task: the Marchenko-Pastur law of ratio c is the limit of the
spectrum of W W^T with W of shape (n, m), N(0, 1/m) entries and c = n/m (mean 1,
as (2.52) for c = 1); the semicircle of variance s has support [-2 sqrt(s), 2 sqrt(s)].
S-transforms are power series in w, S(w) = sum_j s_j w^j, as in (2.53) and (2.80).
The tests in ``tests/unit/checks/test_theory_hw10.py`` check each function against
quadrature, a Monte Carlo, series composition or known values.
"""

import math

import numpy as np


def mp_moments(c: float, K: int) -> np.ndarray:
    """m_1..m_K of Marchenko-Pastur of ratio c: m_k = sum_j N(k, j) c^(j - 1) with the
    Narayana numbers N(k, j) = C(k, j) C(k, j - 1)/k (for c = 1 the Catalan numbers,
    the moments of (2.52))."""
    return np.array([sum(math.comb(k, j) * math.comb(k, j - 1) / k * c ** (j - 1)
                         for j in range(1, k + 1)) for k in range(1, K + 1)])


def fuss_catalan(L: int, K: int) -> np.ndarray:
    """m_1..m_K = C((L + 1) k, k)/(L k + 1), the Fuss-Catalan numbers: the moments of the
    product of L free Marchenko-Pastur laws of ratio 1 (the spectrum of J J^T in (2.81)-(2.83)
    for a deep linear net)."""
    return np.array([math.comb((L + 1) * k, k) / (L * k + 1) for k in range(1, K + 1)], dtype=float)


def mp_density(x: np.ndarray, c: float) -> np.ndarray:
    """The density of Marchenko-Pastur of ratio 0 < c <= 1, sqrt((b - x)(x - a))/(2 pi c x) on
    [a, b] = [(1 - sqrt c)^2, (1 + sqrt c)^2] (for c = 1, (2.52)), 0 elsewhere."""
    a, b = (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2
    with np.errstate(all="ignore"):
        return np.where((x > a) & (x < b), np.sqrt(np.clip((b - x) * (x - a), 0, None)) / (2 * np.pi * c * x), 0)


def semicircle_density(x: np.ndarray, s: float) -> np.ndarray:
    """The semicircle density of variance s, sqrt(4 s - x^2)/(2 pi s) on [-2 sqrt s, 2 sqrt s]."""
    return np.sqrt(np.clip(4 * s - x * x, 0, None)) / (2 * np.pi * s)


def mp_s_coefficients(c: float, K: int) -> np.ndarray:
    """s_0..s_{K-1} of the S-transform of Marchenko-Pastur of ratio c, S(w) = 1/(1 + c w):
    s_j = (-c)^j (for c = 1, (2.55) with one factor)."""
    return (-float(c)) ** np.arange(K)


def fuss_catalan_s_coefficients(L: int, K: int) -> np.ndarray:
    """s_0..s_{K-1} of S(w) = (1 + w)^(-L), the S-transform of a product of L free
    Marchenko-Pastur laws of ratio 1 (S-transforms multiply, (2.54)):
    s_j = (-1)^j C(j + L - 1, L - 1)."""
    return np.array([(-1.0) ** j * math.comb(j + L - 1, L - 1) for j in range(K)])


def point_mass_s_coefficients(a: float, K: int) -> np.ndarray:
    """s_0..s_{K-1} of the S-transform of the point mass at a > 0, S(w) = 1/a."""
    return np.where(np.arange(K) == 0, 1.0 / a, 0.0)
