"""hw1's public checks: preserving the variance (notes 2.1.1-2.1.2).

This file holds the checks of init_variance and init_weights; those of the
forward and backward passes and of the predictions are in
``public_propagation.py``, those of the simulation in ``public_simulation.py``,
the sampling errors they use in ``theory.py`` and the plot in ``plot.py``.
The hidden cases of these checks are in ``hidden.py`` (not shipped to students).
"""
import numpy as np

from autograder.api import (Case, Slip, check, close, expect_array, expect_reproducible, expect_seed_used,
                            expect_sequence, rejects, stats)

from autograder.checks.hw1.theory import mean_square_standard_error, mean_standard_error

TITLE = "Preserving the variance: LeCun, Glorot, He"
FUNCTIONS = ["init_variance", "init_weights", "forward_variances", "backward_variances",
             "predicted_variances", "simulate_variances"]

#: graded functions each one calls (as the reference does): when one of these
#: fails its own checks, the engine names it as the likely cause instead of
#: giving slip hints for the caller (plugin.py)
DEPENDS = {
    "init_weights": ("init_variance",),
    "predicted_variances": ("init_variance",),
    "simulate_variances": ("init_weights", "forward_variances", "backward_variances"),
}


CALL_TIMEOUT = 5.0    # CPU seconds per call: every hw1 call needs milliseconds
RTOL_EXACT = 1e-12    # closed-form formulas: float64 round-off only
RTOL_PROP = 1e-10     # a few matrix products on grader-supplied weights

SCHEMES = ["forward", "backward", "glorot", "he", "he_backward"]


# ---------------------------------------------------------------- init_variance
@check("init_variance", points=0.5, cases=[Case(f"{s}_3_7", 3, 7, s) for s in SCHEMES])
def test_init_variance(student, ref, case):
    fan_in, fan_out, scheme = case.args
    got = student.init_variance(*case.args)
    want = ref.init_variance(*case.args)
    slips = [Slip("fan_in and fan_out swapped", ref.init_variance(fan_out, fan_in, scheme))]
    if scheme.startswith("he"):
        slips.append(Slip("the factor 2 of He's ReLU correction (2.16) is missing", want / 2))
    if scheme == "glorot":
        slips.append(Slip("1/(fan_in + fan_out): Glorot's numerator is 2 (2.14)", want / 2))
        slips.append(Slip("the mean of 1/fan_in and 1/fan_out, not the harmonic form (2.14)",
                          ref.slipgen.glorot_arithmetic_mean(fan_in, fan_out)))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


test_init_variance_rejects_unknown = rejects("init_variance", ValueError, points=0.5, cases=[
    Case("unknown_scheme", 3, 7, "lecun_uniform"),
])


# ---------------------------------------------------------------- init_weights
WEIGHT_CASES = [
    Case("he_4layers", [30, 50, 20, 10], "he"),
    Case("glorot_wide_narrow", [60, 15, 40], "glorot"),
]
N_SEEDS_W = 4
Z_W = 5.0  # per z-test; see the ffp below


@check("init_weights", points=1.0, cases=WEIGHT_CASES, aspect="shapes")
def test_init_weights_shapes_and_seed(student, ref, case, grader_seed):
    widths, scheme = case.args
    a = student.init_weights(widths, scheme, grader_seed)
    expect_sequence(a, len(widths) - 1, "the list of weights")
    for l, W in enumerate(a):
        expect_array(W, (widths[l + 1], widths[l]), f"W_{l}")
    b = student.init_weights(widths, scheme, grader_seed)
    expect_reproducible(a, b, "weights", advice="Next: draw only from np.random.default_rng(seed), "
                                                "never from the global np.random state.")
    c = student.init_weights(widths, scheme, grader_seed + 1)
    expect_seed_used(a, c, "weights", message="seeds 0 and 1 gave identical weights: the seed is ignored.")


# Each layer gets a z-test of its mean square against v_l, one of its mean
# against 0, and a Kolmogorov-Smirnov test of W / sqrt(v_l) against N(0, 1).
# ffp: 2 * ffp_of_z(5) * layers + alpha * layers <= 4 * (1.1e-6 + 1e-6) < 1e-5.
@check("init_weights", points=1.0, cases=WEIGHT_CASES, stochastic=True, ffp=1e-5,
       aspect="distribution")
def test_init_weights_distribution(student, ref, case, grader_seed):
    widths, scheme = case.args
    draws = [student.init_weights(widths, scheme, grader_seed + 17 * k) for k in range(N_SEEDS_W)]
    for l in range(len(widths) - 1):
        for d in draws:
            expect_array(d[l], (widths[l + 1], widths[l]), f"W_{l}")
        w = np.concatenate([d[l].ravel() for d in draws])
        v = ref.init_variance(widths[l], widths[l + 1], scheme)
        n = w.size
        swapped = ref.init_variance(widths[l + 1], widths[l], scheme)
        hint = ""
        if not np.isclose(swapped, v) and \
                abs(np.mean(w * w) - swapped) < Z_W * mean_square_standard_error(swapped, n):
            hint = "Its variance matches fan_in and fan_out swapped."
        stats.z_check(np.mean(w * w), v, mean_square_standard_error(v, n), Z_W,
                      what=f"the mean square of W_{l}'s entries (v_{l})",
                      hint=hint or "Next: use the standard deviation sqrt(init_variance(...)), "
                                   "not the variance, as the scale of the normal draws.")
        stats.z_check(np.mean(w), 0.0, mean_standard_error(v, n), Z_W, what=f"the mean of W_{l}'s entries")
        from scipy.stats import norm  # imported here: scipy.stats costs ~0.5 s at start-up
        stats.ks_check(w / np.sqrt(v), norm.cdf, 1e-6, what=f"the entries of W_{l} / sqrt(v_{l})",
                       hint="The entries must be Gaussian, not uniform.")
