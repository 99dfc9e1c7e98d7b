"""Helpers of hw8's check modules: reading a returned pair, judging a Monte Carlo mean."""
from autograder.api import expect_scalar, expect_sequence, stats

Z_MC = 4.5           # two-sided z-test of a Monte Carlo mean: ffp_of_z(4.5) = 6.8e-6
N_SEEDS_MC = 10      # seeds of the student's estimator per comparison with the exact value
N_MC = 1000          # sign vectors per seed in those comparisons


def two_numbers(got, what):
    """A (estimate, bound)-like tuple of two numbers; ``what`` names both, "(first, second)"."""
    __tracebackhide__ = True
    expect_sequence(got, 2, what)
    return expect_scalar(got[0], what.split(",")[0].strip("( ")), expect_scalar(got[1], what.split(",")[1].strip(" )"))


def mc_verdict(value, mean, se, what, slips=()):
    """z-test of a mean of Monte Carlo estimates against the exact ``mean``.

    ``slips`` are (description, exact mean under the slip); the first one the
    value agrees with (same z) is named in the message.
    """
    __tracebackhide__ = True
    if abs(float(value) - mean) <= Z_MC * se:
        return
    hint = ""
    for description, slip_mean in slips:
        if abs(float(value) - slip_mean) <= Z_MC * max(se, 1e-12) and not abs(slip_mean - mean) <= Z_MC * se:
            hint = f"This looks like: {description}. "
            break
    stats.z_check(value, mean, se, Z_MC, what=what,
                  hint=hint + "Next: average your statistic over n_samples independent sign vectors "
                              "sigma with P(sigma_i = 1) = P(sigma_i = -1) = 1/2.")
