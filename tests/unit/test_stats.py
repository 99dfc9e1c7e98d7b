"""autograder.stats: each helper fails a correct sample with the false-failure
probability it states (verified by simulation), and names what is off."""
import numpy as np
import pytest
from scipy import stats as sps

from autograder.compare import CheckFailure
from autograder.stats import (REF_SEED_OFFSET, binomial_check, ffp_of_z, ks_check, two_sample, two_sample_check,
                              z_check, z_of_ffp)


def fails(fn, *args, **kwargs) -> bool:
    try:
        fn(*args, **kwargs)
    except CheckFailure:
        return True
    return False


def within_binomial(k, n, p, tail=1e-6):
    """k failures in n trials is consistent with rate p (two-sided, tail 1e-6)."""
    lo, hi = sps.binom.ppf(tail, n, p), sps.binom.isf(tail, n, p)
    return lo <= k <= hi


# ---------------------------------------------------------------- ffp <-> z
@pytest.mark.parametrize("z, ffp", [(1.959964, 0.05), (4.0, 6.334e-5), (5.0, 5.733e-7)])
def test_ffp_of_z_is_the_two_sided_normal_tail(z, ffp):
    assert ffp_of_z(z) == pytest.approx(ffp, rel=1e-3)
    assert z_of_ffp(ffp) == pytest.approx(z, rel=1e-4)


def test_z_of_ffp_inverts_ffp_of_z():
    for z in (0.5, 2.0, 4.5, 6.0):
        assert z_of_ffp(ffp_of_z(z)) == pytest.approx(z, rel=1e-9)


def test_reference_seed_offset_is_far_from_grader_seeds():
    assert REF_SEED_OFFSET > 10**6


# ---------------------------------------------------------------- z_check
def test_z_check_accepts_within_and_rejects_beyond_z_standard_errors():
    z_check(1.0 + 3.9 * 0.1, 1.0, 0.1, 4.0)
    z_check(1.0 - 3.9 * 0.1, 1.0, 0.1, 4.0)
    with pytest.raises(CheckFailure) as info:
        z_check(1.5, 1.0, 0.1, 4.0, what="the mean of the weights", hint="Next: use 2/fan_in.",
                against="the reference's sample gives")
    msg = info.value.message
    assert msg.startswith("the mean of the weights is 1.5; the reference's sample gives 1 with sampling error 0.1.")
    assert "5.0 standard errors away (the check allows 4.0" in msg
    assert "probability 6.3e-05" in msg
    assert info.value.advice == "Next: use 2/fan_in."


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_z_check_rejects_a_non_finite_statistic(value):
    with pytest.raises(CheckFailure, match="expected about 1"):
        z_check(value, 1.0, 0.1, 4.0)


def test_z_check_false_failure_rate_is_the_stated_ffp():
    """At z = 2 the stated ffp is 4.55%: count the failures of 20,000 exact N(mean, se) values."""
    rng = np.random.default_rng(7)
    values = rng.normal(3.0, 0.2, size=20_000)
    k = sum(fails(z_check, v, 3.0, 0.2, 2.0) for v in values)
    assert within_binomial(k, values.size, ffp_of_z(2.0)), k


# ---------------------------------------------------------------- ks_check
def test_ks_check_accepts_draws_from_the_law_and_rejects_another():
    rng = np.random.default_rng(3)
    x = rng.normal(size=2000)
    res = ks_check(x, sps.norm.cdf, alpha=1e-4)
    assert res.pvalue >= 1e-4
    ks_check(x, rng.normal(size=2000), alpha=1e-4)
    with pytest.raises(CheckFailure) as info:
        ks_check(1.2 * x, sps.norm.cdf, alpha=1e-4, what="the weights", hint="Next: the variance.")
    assert info.value.message.startswith("the weights does not follow the expected distribution")
    assert "the check fails below 1e-04" in info.value.message
    assert info.value.advice == "Next: the variance."


def test_ks_check_rejects_nan():
    with pytest.raises(CheckFailure, match="contains NaN or inf"):
        ks_check([0.1, np.nan, 0.3], sps.norm.cdf, alpha=1e-4)


def test_ks_check_false_failure_rate_is_alpha():
    """For iid draws from a continuous law the p-value is uniform: at alpha = 0.05, 5% fail."""
    rng = np.random.default_rng(11)
    n_rep = 800
    k = sum(fails(ks_check, rng.uniform(size=60), sps.uniform.cdf, 0.05) for _ in range(n_rep))
    assert within_binomial(k, n_rep, 0.05), k
    k2 = sum(fails(ks_check, rng.normal(size=40), rng.normal(size=40), 0.05) for _ in range(300))
    # the two-sample test is exact but discrete: its rate is at most alpha
    assert k2 <= sps.binom.isf(1e-6, 300, 0.05), k2


# ---------------------------------------------------------------- binomial_check
def test_binomial_check_accepts_the_central_range_and_names_it_when_failing():
    binomial_check(50, 100, 0.5, ffp=1e-4)
    with pytest.raises(CheckFailure) as info:
        binomial_check(80, 100, 0.5, ffp=1e-4, what="the fraction of active units")
    msg = info.value.message
    lo, hi = int(sps.binom.ppf(5e-5, 100, 0.5)), int(sps.binom.isf(5e-5, 100, 0.5))
    assert f"the fraction of active units is 80/100; with probability 0.5 per trial a correct " \
           f"solution gives between {lo} and {hi}" in msg
    assert "(false-failure probability 1e-04)" in msg


def test_binomial_check_false_failure_rate_is_at_most_ffp():
    rng = np.random.default_rng(5)
    n_rep, ffp = 20_000, 0.02
    counts = rng.binomial(400, 0.3, size=n_rep)
    lo, hi = sps.binom.ppf(ffp / 2, 400, 0.3), sps.binom.isf(ffp / 2, 400, 0.3)
    k = int(np.sum((counts < lo) | (counts > hi)))
    assert k <= sps.binom.isf(1e-6, n_rep, ffp), k
    # the same count through the check itself, on the first 500
    assert sum(fails(binomial_check, int(c), 400, 0.3, ffp) for c in counts[:500]) == \
        int(np.sum((counts[:500] < lo) | (counts[:500] > hi)))


# ---------------------------------------------------------------- two-sample tests
@pytest.mark.parametrize("test,scipy_p", [
    ("mann-whitney", lambda a, b: sps.mannwhitneyu(a, b, alternative="two-sided").pvalue),
    ("t", lambda a, b: sps.ttest_ind(a, b).pvalue),
    ("ks", lambda a, b: sps.ks_2samp(a, b).pvalue),
])
def test_two_sample_is_the_named_scipy_test(test, scipy_p):
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=40), rng.normal(0.3, size=60)
    assert two_sample(a, b, test) == pytest.approx(scipy_p(a, b), rel=1e-12)


def test_two_sample_passes_the_method_and_the_side():
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=12), rng.normal(size=14)
    assert two_sample(a, b, method="exact") == pytest.approx(
        sps.mannwhitneyu(a, b, alternative="two-sided", method="exact").pvalue, rel=1e-12)
    assert two_sample(a + 5, b, alternative="greater") < 1e-4 < two_sample(a + 5, b, alternative="less")
    with pytest.raises(ValueError, match="unknown two-sample test 'welch'"):
        two_sample(a, b, "welch")


def test_two_sample_check_false_failure_rate_is_alpha():
    """Same law on both sides: the check fails in about alpha of the seeds (400 seeds, alpha 0.05)."""
    fails = 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        try:
            two_sample_check(rng.exponential(size=30), rng.exponential(size=60), 0.05, "x")
        except CheckFailure:
            fails += 1
    # Bin(400, 0.05): mean 20, sd 4.4; 5..40 holds with probability > 1 - 1e-4
    assert 5 <= fails <= 40


def test_two_sample_check_message_gives_both_samples_and_the_threshold():
    rng = np.random.default_rng(5)
    with pytest.raises(CheckFailure) as err:
        two_sample_check(rng.normal(3, size=30), rng.normal(size=90), 1e-6, "the loss at step 10",
                         test="t", ffp=2e-6, hint="Next: check the learning rate.")
    msg = err.value.message
    assert msg.startswith("the loss at step 10: over your 30 seeds it has median ")
    assert "the reference's 90 draws at other seeds" in msg and "two-sample t-test p = " in msg
    assert "fails below 1.0e-06" in msg and "probability <= 2e-06" in msg
    assert err.value.advice == "Next: check the learning rate."
    with pytest.raises(CheckFailure, match="NaN or inf"):
        two_sample_check([1.0, np.nan], [1.0, 2.0], 0.01, "x")
