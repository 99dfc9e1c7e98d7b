"""Statistical checks with a stated false-failure probability (ffp).

A correct submission draws its random numbers in its own order, so its
outputs are compared with theory (or with reference samples drawn at other
seeds) by statistics. Each helper's threshold follows from the sample size
and the ffp, never from the machine.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .compare import fail


class _LazyStats:
    """scipy.stats, imported on first use (it costs ~0.5 s at start-up)."""

    def __getattr__(self, name):
        from scipy import stats

        return getattr(stats, name)


_st = _LazyStats()

#: Reference samples that a check compares with are drawn at
#: ``seed + REF_SEED_OFFSET``, so a reference run as the student never
#: compares a sample with itself.
REF_SEED_OFFSET = 1_000_003


def ffp_of_z(z: float) -> float:
    """Two-sided false-failure probability of a |Z| <= z test (Z standard normal)."""
    return float(2 * _st.norm.sf(z))


def z_of_ffp(ffp: float) -> float:
    return float(_st.norm.isf(ffp / 2))


def z_check(value: float, mean: float, se: float, z: float, what: str = "the statistic", hint: str = "",
            against: str = "theory says") -> None:
    """Fail unless |value - mean| <= z * se (two-sided; ffp = ffp_of_z(z)).

    ``against`` names where ``mean`` comes from, e.g. "the reference's sample gives".
    """
    __tracebackhide__ = True
    value, mean, se = float(value), float(mean), float(se)
    if not np.isfinite(value):
        fail(f"{what} is {value}, expected about {mean:.6g}.")
    dev = abs(value - mean)
    if dev <= z * se:
        return
    fail(f"{what} is {value:.6g}; {against} {mean:.6g} with sampling error {se:.3g}. "
         f"It is {dev / se:.1f} standard errors away (the check allows {z:.1f}; a correct "
         f"solution fails this with probability {ffp_of_z(z):.1e}).", advice=hint)


def ks_check(sample: Any, reference: Callable[..., Any] | Any, alpha: float, what: str = "your sample",
             hint: str = "") -> Any:
    """Kolmogorov-Smirnov test of ``sample`` against a cdf or a reference sample.

    Fails when the p-value is below ``alpha``: for iid draws from a continuous
    law that is the false-failure probability.
    """
    __tracebackhide__ = True
    x = np.asarray(sample, dtype=np.float64).ravel()
    if not np.all(np.isfinite(x)):
        fail(f"{what} contains NaN or inf.")
    if callable(reference):
        res = _st.kstest(x, reference)
    else:
        res = _st.ks_2samp(x, np.asarray(reference, dtype=np.float64).ravel())
    if res.pvalue >= alpha:
        return res
    fail(f"{what} does not follow the expected distribution: Kolmogorov-Smirnov distance "
         f"{res.statistic:.4f}, p-value {res.pvalue:.2e} (the check fails below {alpha:.0e}).",
         advice=hint)


def binomial_check(successes: int, n: int, p: float, ffp: float, what: str = "the fraction",
                   hint: str = "") -> None:
    """Fail when ``successes`` out of ``n`` is outside the two-sided (1 - ffp) range of Bin(n, p)."""
    __tracebackhide__ = True
    lo, hi = _st.binom.ppf(ffp / 2, n, p), _st.binom.isf(ffp / 2, n, p)
    if lo <= successes <= hi:
        return
    fail(f"{what} is {successes}/{n}; with probability {p:.4g} per trial a correct solution "
         f"gives between {int(lo)} and {int(hi)} (false-failure probability {ffp:.0e}).", advice=hint)
