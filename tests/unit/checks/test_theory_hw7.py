"""hw7's closed forms (autograder/checks/hw7/theory.py) against independent computations."""
import math

import numpy as np
import pytest
from scipy.stats import ortho_group

from autograder.checks.hw7 import theory


def _flow_reaches(s, u0, uf, L=2, dt=1e-3, t_max=200.0):
    """Euler steps of the balanced flow u' = (L + 1) u^(2L/(L+1)) (s - u) (2.140) from u0:
    does u pass uf (or sit on it) before t_max?"""
    u, p = u0, 2 * L / (L + 1)
    if u == uf:
        return True
    for _ in range(int(t_max / dt)):
        nxt = u + dt * (L + 1) * max(u, 0.0) ** p * (s - u)
        if min(u, nxt) <= uf <= max(u, nxt):
            return True
        u = nxt
    return False


# (s, u0, uf): reachable pairs and every kind of unreachable one
PAIRS = [(1.0, 0.3, 0.2), (1.0, 0.3, 1.5), (1.0, 2.0, 0.5), (1.0, 2.0, 2.5), (1.0, 0.0, 0.4),
         (1.0, 1.0, 0.5), (1.0, -0.1, 0.5), (1.0, 0.3, -0.2),
         (1.0, 0.3, 0.9), (1.0, 2.0, 1.2), (2.0, 0.05, 1.5)]


@pytest.mark.parametrize("s, u0, uf", PAIRS)
def test_unreachable_reason_names_exactly_the_unreachable_pairs(s, u0, uf):
    reachable = u0 >= 0 and uf >= 0 and _flow_reaches(s, u0, uf)
    # the reason is a sentence whenever the flow does not connect u0 to uf; pairs it
    # connects (0 < u0 <= uf < s or s < uf <= u0) are not asked about by the checks
    if not reachable:
        assert isinstance(theory.unreachable_reason(s, u0, uf), str)
    assert reachable == (0 < u0 <= uf < s or s < uf <= u0)


@pytest.mark.parametrize("s, u0, uf, words", [
    (1.0, 0.3, 0.2, "only increases"), (1.0, 2.0, 2.5, "only decreases"),
    (1.0, 0.3, 1.5, "never crosses"), (1.0, 2.0, 0.5, "never crosses"),
    (1.0, 0.0, 0.4, "fixed point"), (1.0, 1.0, 0.5, "fixed point"), (1.0, -0.1, 0.5, "negative")])
def test_unreachable_reason_wording(s, u0, uf, words):
    assert words in theory.unreachable_reason(s, u0, uf)


@pytest.mark.parametrize("n, var, bound, ffp", [(120, 1.0, 6.0, 2e-5), (10, 0.25, 1.0, 1e-3), (1, 2.0, 3.0, 0.5)])
def test_bernstein_radius_solves_the_tail_bound(n, var, bound, ffp):
    t = theory.bernstein_radius(n, var, bound, ffp)
    assert t > 0
    assert 2 * math.exp(-t * t / (2 * (n * var + bound * t / 3))) == pytest.approx(ffp, rel=1e-10)


def test_bernstein_radius_bounds_a_simulated_sum():
    # sums of n Rademacher terms (var 1, bound 1): the fraction beyond t is at most ffp = 0.05;
    # 20000 sums give a binomial standard error of 1.5e-3, and the bound is far from tight
    rng = np.random.default_rng(3)
    n, ffp = 50, 0.05
    t = theory.bernstein_radius(n, 1.0, 1.0, ffp)
    sums = rng.choice([-1.0, 1.0], size=(20000, n)).sum(axis=1)
    assert np.mean(np.abs(sums) >= t) <= ffp


@pytest.mark.parametrize("m, k", [(6, 6), (9, 4)])
def test_haar_trace_variance_by_monte_carlo(m, k):
    # 4000 Haar draws: the sample variance of the trace has relative standard error
    # sqrt(2 / 4000) ~ 0.022 (the trace is close to normal); 0.12 is > 5 of them
    q = ortho_group.rvs(m, size=4000, random_state=11)[:, :, :k]
    traces = np.trace(q[:, :k, :k], axis1=1, axis2=2)
    assert abs(traces.mean()) < 5 * math.sqrt(k / m / 4000)
    assert traces.var() == pytest.approx(theory.haar_trace_variance(m, k), rel=0.12)
