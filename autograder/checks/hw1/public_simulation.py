"""hw1's public checks of simulate_variances (notes 2.1.1-2.1.2): stochastic, the
student's simulation against the reference's at other seeds."""
import numpy as np

from autograder.api import (Case, check, expect_array, expect_reproducible, expect_seed_used,
                            expect_sequence, fail, stats)

SIM_CASES = [
    Case("relu_he", [20, 40, 30, 10], "he", "relu"),
    Case("linear_glorot", [20, 40, 30, 10], "glorot", "linear"),
]
SIM_TRIALS = 40
SIM_SEEDS = 6        # seeds of the student's simulation
SIM_REF_SEEDS = 10   # seeds of the reference simulation it is compared with
SIM_ALPHA = 1e-6     # per two-sample t-test; 2(L+1) <= 10 tests per case: ffp <= 1e-5


# The student's seed-means and the reference's (at other seeds) are compared
# layer by layer by a two-sample t-test: each seed-mean averages SIM_TRIALS
# independent draws, so it is close to normal whatever the law of one draw.
@check("simulate_variances", points=1.0, cases=SIM_CASES, stochastic=True, ffp=1e-5, timeout=30)
def test_simulate_variances(student, ref, case, grader_seed):
    widths, scheme, act = case.args
    runs = [expect_sequence(student.simulate_variances(widths, scheme, act, SIM_TRIALS, grader_seed + k),
                            2, "(q, delta)") for k in range(SIM_SEEDS)]
    L1 = len(widths) - 1
    for r in runs:
        expect_array(r[0], (L1,), "q")
        expect_array(r[1], (L1,), "delta")
    # every seed's q equal to the first seed's: the seed is ignored
    expect_seed_used([runs[0][0]] * (SIM_SEEDS - 1), [r[0] for r in runs[1:]], "simulated q",
                     message="every seed gave the same simulated q: the seed is ignored (or nothing "
                             "is random).")
    again = student.simulate_variances(widths, scheme, act, SIM_TRIALS, grader_seed)
    expect_reproducible(runs[0], again, "results")
    refs = [ref.simulate_variances(widths, scheme, act, SIM_TRIALS, grader_seed + stats.REF_SEED_OFFSET + k)
            for k in range(SIM_REF_SEEDS)]
    pred = ref.predicted_variances(widths, scheme, act, float(widths[0]), 1.0)
    for part, name in ((0, "q"), (1, "delta")):
        s = np.array([r[part] for r in runs])
        t = np.array([r[part] for r in refs])
        for l in range(L1):
            p = stats.two_sample(s[:, l], t[:, l], "t")
            if not p >= SIM_ALPHA:
                fail(f"your simulated {name}_{l + 1} averages {s[:, l].mean():.4g} over "
                     f"{SIM_SEEDS} seeds; the reference simulation averages {t[:, l].mean():.4g} "
                     f"(mean-field prediction {pred[part][l]:.4g}); two-sample t-test p = {p:.1e} "
                     f"(fails below {SIM_ALPHA:g}; a correct simulation fails with probability "
                     f"<= 1e-5).", advice="Next: draw x ~ N(0, I) and g ~ N(0, I) afresh in every "
                     "trial and average the per-draw q_l and delta_l.")


# Fresh draws in every trial. With n_0 = 1 the input's squared norm ||x||^2
# is chi^2_1, and q_1 = v_0 ||x||^2 chi^2_{n_1}/n_1 per trial (whatever the
# activation). A call that draws x once, outside the trial loop, averages
# over the weights only, conditional on that x: its q_1 spreads like
# v_0 chi^2_1 around the prediction v_0 n_0, while a correct call's spreads
# like a mean of n_trials draws (relative sd sqrt(((1 + 2/n_0)(1 + 2/n_1) - 1)
# / n_trials) = 0.23 here, theory.relative_sd_of_first_layer_variance, against
# sqrt(2) for x drawn once). Likewise for delta_{L+1} with n_{L+1} = 1 and g
# drawn once. The distances of per-call values from the prediction,
# |q_1 - v_0 n_0| and |delta_{L+1} - 1|, are iid for the student's calls and
# the reference's (at other seeds) when the student is correct, so a one-sided
# Mann-Whitney test (student larger) at FRESH_ALPHA each has level FRESH_ALPHA
# exactly: ffp <= 2 * 5e-6 = 1e-5. Over 10 grader seeds a simulation drawing x
# and g once per call gave p <= 1.2e-6 on the worse part and <= 1.2e-8 on the
# better one.
FRESH_WIDTHS = [1, 30, 30, 1]
FRESH_TRIALS, FRESH_SEEDS, FRESH_REF_SEEDS = 40, 30, 120
FRESH_ALPHA = 5e-6


def log_spread_ratio(mine, theirs):
    """Interquartile range of log(mine) over that of log(theirs): scale-free, > 1 when mine spread more."""
    with np.errstate(all="ignore"):
        return np.subtract(*np.percentile(np.log(mine), [75, 25])) / \
            np.subtract(*np.percentile(np.log(theirs), [75, 25]))


@check("simulate_variances", points=1.5, aspect="fresh_draws", stochastic=True, ffp=1e-5, timeout=30,
       cases=[Case("he_relu_n0_1", FRESH_WIDTHS, "he", "relu")])
def test_simulate_variances_fresh_draws(student, ref, case, grader_seed):
    widths, scheme, act = case.args
    L1 = len(widths) - 1
    runs = []
    for k in range(FRESH_SEEDS):
        r = expect_sequence(student.simulate_variances(widths, scheme, act, FRESH_TRIALS, grader_seed + k),
                            2, "(q, delta)")
        runs.append((expect_array(r[0], (L1,), "q"), expect_array(r[1], (L1,), "delta")))
    refs = [ref.simulate_variances(widths, scheme, act, FRESH_TRIALS, grader_seed + stats.REF_SEED_OFFSET + k)
            for k in range(FRESH_REF_SEEDS)]
    pred = ref.predicted_variances(widths, scheme, act, float(widths[0]), 1.0)
    for part, l, name, what in ((0, 0, "q_1", "x ~ N(0, I)"), (1, L1 - 1, f"delta_{L1}", "g ~ N(0, I)")):
        mu = pred[part][l]
        s = np.array([r[part][l] for r in runs])
        t = np.array([r[part][l] for r in refs])
        if not np.all(np.isfinite(s)):
            fail(f"your simulated {name} is not finite in some calls: {s[:5]}.")
        p = stats.two_sample(np.abs(s - mu), np.abs(t - mu), "mann-whitney", alternative="greater")
        if not p >= FRESH_ALPHA:
            # the advice names the slip only when the spread itself is too wide
            if not log_spread_ratio(s, t) > 2.0:
                fail(f"your {name} over {FRESH_SEEDS} calls (seeds, {FRESH_TRIALS} trials each) is "
                     f"centred at {np.median(s):.4g} (median), where the prediction is {mu:.4g} and "
                     f"the reference's calls give {np.median(t):.4g} (one-sided Mann-Whitney test of "
                     f"the distances from the prediction: p = {p:.1e}, fails below {FRESH_ALPHA:g}).",
                     advice=f"Next: compare your simulation with predicted_variances({widths}, "
                     f"{scheme!r}, {act!r}, {widths[0]}.0, 1.0): the variances or the propagation differ.")
            fail(f"with n_0 = n_{L1} = 1 and {FRESH_TRIALS} trials per call, your {name} over "
                 f"{FRESH_SEEDS} calls (seeds) spreads far more around the prediction {mu:.4g} than a "
                 f"correct simulation's: median distance {np.median(np.abs(s - mu)):.3g}, against "
                 f"{np.median(np.abs(t - mu)):.3g} for the reference at other seeds (one-sided "
                 f"Mann-Whitney p = {p:.1e}, fails below {FRESH_ALPHA:g}; a correct simulation fails "
                 f"with probability <= 1e-5).", advice=f"Each call looks like an average conditional "
                 f"on one draw. Next: draw {what} afresh in every trial, inside the loop, together "
                 f"with the weights.")
