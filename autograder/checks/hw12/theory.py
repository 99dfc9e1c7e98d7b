"""hw12's closed forms: the exact probabilities the simulations are tested against.

McDiarmid's inequality (4.11) and Tropp's (4.97) bound tail probabilities;
the checks of ``mcdiarmid_coins`` and ``tropp_tail`` need the probabilities
themselves, which are known exactly for fair coins (a binomial tail) and for
Gaussian matrix series whose norm law is one-dimensional (diagonal and
scalar series). None is a graded function. Each is tested against an
independent computation in ``tests/unit/checks/test_theory_hw12.py``.
"""
import math
from collections.abc import Sequence

import numpy as np
from scipy.stats import binom, norm

TAILS = ("norm", "max")


def coin_tail(m: int, eps: float) -> float:
    """P(mean of m fair 0/1 coins - 1/2 >= eps), the probability (4.11) bounds by e^{-2 m eps^2}.

    The count of heads S ~ Bin(m, 1/2) must reach m (1/2 + eps): P(S >= ceil(m (1/2 + eps))).
    Choose eps so that m (1/2 + eps) is half-way between integers: then round-off in
    forming it cannot move the threshold.
    """
    k = math.ceil(m * (0.5 + eps))
    return binom.sf(k - 1, m, 0.5)


def diagonal_series_tail(scales: Sequence[float], t: float, tail: str = "norm") -> float:
    """P(||sum_k xi_k A_k|| >= t) (``tail="norm"``) or P(lambda_max >= t) (``"max"``), xi ~ N(0, I),
    for the diagonal series A_k = s_k e_k e_k^T of (4.97).

    The sum is diag(s_k xi_k): its norm is max_k |s_k xi_k|, its largest eigenvalue max_k s_k xi_k,
    with independent coordinates, so P(< t) is a product of Gaussian probabilities.
    """
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}")
    sides = 2 if tail == "norm" else 1
    return 1 - float(np.prod([1 - sides * norm.sf(t / abs(s)) for s in scales]))


def scalar_series_tail(variance: float, t: float, tail: str = "norm") -> float:
    """The probabilities of ``diagonal_series_tail`` for the scalar series A_k = c_k I of (4.97),
    with ``variance`` = sum_k c_k^2 (then sigma^2 = ||sum_k A_k^2|| of (4.97) is ``variance`` too).

    The sum is (sum_k c_k xi_k) I, a N(0, variance) multiple of I: its norm is |g| and its
    largest eigenvalue g, g ~ N(0, variance).
    """
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}")
    sides = 2 if tail == "norm" else 1
    return sides * norm.sf(t / math.sqrt(variance))
