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


#: the two-sample tests a check may name, and how its message names each
TWO_SAMPLE_TESTS = {"mann-whitney": "Mann-Whitney", "t": "two-sample t-test", "ks": "Kolmogorov-Smirnov"}


def two_sample(mine: Any, theirs: Any, test: str = "mann-whitney", *, alternative: str = "two-sided",
               method: str = "auto") -> float:
    """p-value of a two-sample test of ``mine`` (the student's draws) against ``theirs``.

    ``theirs`` are the reference's draws at other seeds (``REF_SEED_OFFSET``):
    under a correct submission both are iid from one law, so a check that
    fails below ``alpha`` has false-failure probability ``alpha`` (exactly
    for "mann-whitney" with ``method="exact"`` and for "ks", approximately
    for the asymptotic Mann-Whitney and for "t", which also assumes
    normal-ish means). ``alternative`` is "two-sided", "greater" (``mine``
    larger) or "less"; ``method`` is the Mann-Whitney method of scipy.
    """
    a = np.asarray(mine, dtype=np.float64).ravel()
    b = np.asarray(theirs, dtype=np.float64).ravel()
    if test == "mann-whitney":
        return float(_st.mannwhitneyu(a, b, alternative=alternative, method=method).pvalue)
    if test == "t":
        return float(_st.ttest_ind(a, b, alternative=alternative).pvalue)
    if test == "ks":
        return float(_st.ks_2samp(a, b, alternative=alternative).pvalue)
    raise ValueError(f"unknown two-sample test {test!r}; one of {sorted(TWO_SAMPLE_TESTS)}")


def two_sample_check(mine: Any, theirs: Any, alpha: float, what: str, *, test: str = "mann-whitney",
                     ffp: float | None = None, hint: str = "", alternative: str = "two-sided",
                     method: str = "auto") -> float:
    """Fail when :func:`two_sample` rejects at ``alpha``; return its p-value otherwise.

    The message gives both samples' medians and ranges, the test's p-value,
    the threshold and the false-failure probability (``ffp``, default
    ``alpha``): "{what}: over your 30 seeds it has median ...".
    """
    __tracebackhide__ = True
    a = np.asarray(mine, dtype=np.float64).ravel()
    b = np.asarray(theirs, dtype=np.float64).ravel()
    if not np.all(np.isfinite(a)):
        fail(f"{what}: some of your values are NaN or inf.")
    p = two_sample(a, b, test, alternative=alternative, method=method)
    if p >= alpha:
        return p
    fail(f"{what}: over your {a.size} seeds it has median {np.median(a):.4g} (range {a.min():.4g} "
         f"to {a.max():.4g}); the reference's {b.size} draws at other seeds have median "
         f"{np.median(b):.4g} (range {b.min():.4g} to {b.max():.4g}). {TWO_SAMPLE_TESTS[test]} "
         f"p = {p:.1e}; the check fails below {alpha:.1e} (a correct solution fails it with "
         f"probability <= {alpha if ffp is None else ffp:.0e}).", advice=hint)


def binomial_check(successes: int, n: int, p: float, ffp: float, what: str = "the fraction",
                   hint: str = "") -> None:
    """Fail when ``successes`` out of ``n`` is outside the two-sided (1 - ffp) range of Bin(n, p)."""
    __tracebackhide__ = True
    lo, hi = _st.binom.ppf(ffp / 2, n, p), _st.binom.isf(ffp / 2, n, p)
    if lo <= successes <= hi:
        return
    fail(f"{what} is {successes}/{n}; with probability {p:.4g} per trial a correct solution "
         f"gives between {int(lo)} and {int(hi)} (false-failure probability {ffp:.0e}).", advice=hint)
