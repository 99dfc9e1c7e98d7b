"""hw1's theory that the checks compare with: the sampling errors of Gaussian weights and
of a simulated variance (notes 2.1.1-2.1.2).

Pure functions of the sizes and variances; ``tests/unit/checks/test_theory_hw1.py``
checks each one against a Monte Carlo estimate.
"""
import numpy as np


def mean_square_standard_error(variance: float, n: int) -> float:
    """Standard error of the mean of W^2 over n iid N(0, v) entries: v sqrt(2/n).

    W^2 / v is chi^2_1, of variance 2, so Var W^2 = 2 v^2; v is the weight
    variance v_l of (2.7) that the mean square estimates.
    """
    return variance * np.sqrt(2.0 / n)


def mean_standard_error(variance: float, n: int) -> float:
    """Standard error of the mean of n iid N(0, v) entries (the zero mean of (2.7)): sqrt(v/n)."""
    return np.sqrt(variance / n)


def relative_sd_of_first_layer_variance(n0: int, n1: int, n_trials: int) -> float:
    """Relative standard deviation of the simulated q_1 averaged over ``n_trials`` fresh draws.

    With x ~ N(0, I_{n0}) and W_0 ~ N(0, v_0) entries, one draw of
    q_1 = |W_0 x|^2 / n_1 is v_0 |x|^2 chi^2_{n1} / n_1, of mean v_0 n_0 (2.11)
    and relative variance (1 + 2/n0)(1 + 2/n1) - 1; an average over
    ``n_trials`` independent draws divides that variance by ``n_trials``.
    """
    return float(np.sqrt(((1 + 2 / n0) * (1 + 2 / n1) - 1) / n_trials))
