"""Closed forms that hw8's checks use (notes, chapter 4: generalization bounds).

Pure functions of numbers; none of them is a graded function. Each is tested
against an independent computation in ``tests/unit/checks/test_theory_hw8.py``.
"""
import math

import numpy as np
from scipy import stats as st


def threshold_risk(t):
    """True risk |t - 1/2| of f_t(x) = sign(x - t) when x ~ U[0, 1] and y = sign(x - 1/2).

    f_t errs exactly on the points between t and 1/2, an interval of length
    |t - 1/2|: the R(f) of the finite class of thresholds whose bound (4.9)
    the "holds" check simulates. Elementwise on arrays.
    """
    return np.abs(np.asarray(t, dtype=float) - 0.5)


def spread_band(dof: int, ffp_each: float, widen: float) -> tuple[float, float]:
    """The central band of a chi-square law with ``dof`` degrees of freedom, widened.

    Over K = dof + 1 seeds, (K - 1) s^2 / (sd^2 / n) is chi-square with K - 1
    degrees of freedom for a mean of n iid normal draws: it falls below the
    ``ffp_each`` quantile or above the 1 - ``ffp_each`` one with probability
    2 ``ffp_each``. The ends are divided and multiplied by ``widen`` for the
    normal approximation of a mean of non-normal draws.
    """
    return st.chi2.ppf(ffp_each, dof) / widen, st.chi2.isf(ffp_each, dof) * widen


def sauer_log_bound(m: int, d: int) -> float:
    """d (1 + log m - log d): the log of (e m / d)^d, which bounds the growth function
    sum_{k <= d} binom(m, k) for m > d >= 1 (4.20)."""
    return d * (1 + math.log(m) - math.log(d))
