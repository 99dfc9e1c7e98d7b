"""Closed forms that hw7's checks use (notes 2.3: deep linear modes, (2.132)-(2.151)).

Pure functions of numbers; none of them is a graded function. Each is tested
against an independent computation in ``tests/unit/checks/test_theory_hw7.py``.
"""
import math


def unreachable_reason(s: float, u0: float, uf: float) -> str:
    """Why a balanced mode's flow u' = c u^p (s - u), c, p > 0 ((2.132), (2.140)), never
    goes from u0 to uf, for a pair (u0, uf) it cannot connect.

    The flow has the fixed points u = 0 and u = s > 0 and is monotone in between
    and above: u increases on (0, s) and decreases on (s, inf), and never crosses
    s. So uf is reachable from u0 (in finite time, uf != s) exactly when
    0 < u0 <= uf < s or s < uf <= u0; for any other pair this names the reason.
    """
    if u0 < 0 or uf < 0:
        return "a negative u is not a state of a balanced mode"
    if u0 == 0:
        return "u0 = 0 is a fixed point: the mode never leaves it"
    if u0 == s:
        return "u0 = s is the fixed point (the minimum): the mode stays there"
    if u0 < s:
        return ("below s the flow only increases u" if uf < u0
                else "the flow never crosses the fixed point s")
    return "above s the flow only decreases u" if uf > u0 else "the flow never crosses the fixed point s"


def bernstein_radius(n: int, var: float, bound: float, ffp: float) -> float:
    """The t with 2 exp(-t^2 / (2 (n var + bound t / 3))) = ffp.

    Bernstein's inequality: a sum of n independent mean-0 terms of variance var
    with |term| <= bound exceeds t in absolute value with probability <= ffp
    (also for a martingale difference sequence with these conditional moments:
    Freedman's inequality). The positive root of t^2 = 2c (n var + bound t / 3),
    c = log(2 / ffp).
    """
    c = math.log(2.0 / ffp)
    b = 2.0 * c * bound / 3.0
    return (b + math.sqrt(b * b + 8.0 * c * n * var)) / 2.0


def haar_trace_variance(m: int, k: int) -> float:
    """Variance k/m of the trace of the top k x k block of a Haar orthogonal m x k matrix.

    The trace has mean 0 (flipping the sign of a column leaves the law unchanged)
    and E W_ii^2 = 1/m (a column is uniform on the unit sphere of R^m); so has
    sum(W * W') for two independent Haar matrices W, W' of one shape.
    """
    return k / m
