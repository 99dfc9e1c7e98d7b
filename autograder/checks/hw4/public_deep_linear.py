"""hw4's public checks of deep_linear_gap (notes 3.2, (3.28)-(3.29)): Laurent & Brecht's
deep linear nets: bounds the architecture sets, the initial gap and the first step against
the reference at other seeds, an exact scalar trajectory, and convergence without a bottleneck."""
import numpy as np
from numpy.random import default_rng

from autograder.api import (Case, check, expect_reproducible, expect_scalar, expect_seed_used, fail,
                            name_by_mean, rejects, stats)
from autograder.checks.hw4.diagnosis import same_law, shifted_sample_check
from autograder.checks.hw4.public import BOUND_SLACK, gaussian_data
from autograder.checks.hw4.public_training import (_X_1, _Y_1, FIRST_REF_SEEDS, FIRST_SEEDS, SCALAR_LR,
                                                   SCALAR_RTOL, SCALAR_SEEDS, SCALAR_STEPS)
from autograder.checks.hw4.theory import scalar_trajectory_error
from autograder.reference import UNRECORDED

_X_D, _Y_D = gaussian_data(4, 10, 3, 451, scale=0.5)
NO_BOTTLENECK = [4, 6, 5, 3]


@check("deep_linear_gap", points=0.5, aspect="basics", cases=[
    Case("no_bottleneck", NO_BOTTLENECK, 0.02),
])
def test_deep_linear_gap_basics(student, ref, case, grader_seed):
    """A number, fixed by the seed, never below what the architecture can reach."""
    widths, lr = case.args
    r = min(widths)
    floor = ref.slipgen.reduced_rank_gap(_X_D, _Y_D, r) if r < min(widths[0], widths[-1]) else 0.0
    scale = 0.5 * float(np.sum(_Y_D ** 2))
    vals = []
    for k, steps in enumerate((0, 3, 50)):
        g = float(expect_scalar(student.deep_linear_gap(widths, _X_D, _Y_D, lr, steps, grader_seed + k),
                                "the gap"))
        vals.append(g)
        if not g >= floor * (1 - BOUND_SLACK) - 1e-12 * scale:
            fail(f"the gap after {steps} steps is {g:.6g}, below {floor:.6g}, which no product of "
                 f"these widths can reach (a product through width {r} has rank <= {r}). Next: "
                 "return the final loss minus min_A 1/2 ||Y - A X||_F^2, both summed over the points.")
    again = float(student.deep_linear_gap(widths, _X_D, _Y_D, lr, 0, grader_seed))
    expect_reproducible(vals[0], again, "gaps", advice="Next: draw only from np.random.default_rng(seed).")
    other = float(student.deep_linear_gap(widths, _X_D, _Y_D, lr, 0, grader_seed + 1))
    expect_seed_used(vals[0], other, "initial gaps",
                     message="seeds s and s + 1 gave the same initial gap: the seed is ignored.")


test_deep_linear_gap_rejects_mismatch = rejects("deep_linear_gap", ValueError, points=0.25, cases=[
    Case("input_width_mismatch", [3, 6, 3], _X_D, _Y_D, 0.01, 1, 0),
])


GAP_SEEDS, GAP_REF_SEEDS = 40, 400


# steps = 0: the initial gaps of 40 seeds against the reference's at 400
# other seeds (Mann-Whitney and KS, ALPHA = 1e-6 each: ffp <= 2e-6); theory's
# mean (expected_initial_gap) is reported and names the slip.
_X_G = default_rng(452).standard_normal((2, 8))            # n_out / n0 = 3: fan-in and fan-out
_Y_G = 0.3 * default_rng(453).standard_normal((6, 8))      # variances give gains 3 and 1


@check("deep_linear_gap", points=1.0, stochastic=True, ffp=2e-6, aspect="initial", cases=[
    Case("expanding", [2, 8, 8, 6], 0.02),
])
def test_deep_linear_gap_initial(student, ref, case, grader_seed):
    widths, lr = case.args
    X, Y = _X_G, _Y_G
    got = np.array([float(expect_scalar(student.deep_linear_gap(widths, X, Y, lr, 0, grader_seed + k),
                                        "the gap")) for k in range(GAP_SEEDS)])
    if not np.all(np.isfinite(got)):
        fail(f"initial gaps are not finite: {got[:5]}...")
    refs = np.array([ref.deep_linear_gap(widths, X, Y, lr, 0, grader_seed + stats.REF_SEED_OFFSET + k)
                     for k in range(GAP_REF_SEEDS)])
    mu = ref.slipgen.expected_initial_gap(widths, X, Y)   # theory's mean and the slips' (slipgen.py)
    opt, m = ref.slipgen.least_squares_loss(X, Y), X.shape[1]
    cands = [("the least-squares optimum is not subtracted", mu + opt),
             ("W_l drawn with variance 1/n_{l+1} (fan-out) instead of 1/n_l",
              ref.slipgen.expected_initial_gap(widths, X, Y, var=[1.0 / n for n in widths[1:]])),
             ("losses divided by m (the 1/(2m) misprint after (3.4))", mu / m),
             ("one gradient step too many: steps = 0 must return the gap at the initial weights",
              float(np.mean([ref.deep_linear_gap(widths, X, Y, lr, 1, grader_seed + stats.REF_SEED_OFFSET + k)
                             for k in range(GAP_SEEDS)])))]
    hint = name_by_mean(got, cands) or "Next: draw W_l ~ N(0, 1/n_l) of shape (n_{l+1}, n_l)."
    shifted_sample_check(got, refs, f"the initial gaps of {GAP_SEEDS} seeds", hint, theory=mu)


DL_FIRST_LR = 1e-5


def gap_rates(fn, widths, seeds):
    return np.array([(fn(widths, _X_D, _Y_D, DL_FIRST_LR, 0, s) - fn(widths, _X_D, _Y_D, DL_FIRST_LR, 1, s))
                     / DL_FIRST_LR for s in seeds])


# First tiny step: (gap0 - gap1)/lr = ||grad||^2 (3.29) + O(lr); Mann-Whitney
# and KS against the reference at 400 other seeds, ALPHA = 1e-6 each: ffp <= 2e-6.
@check("deep_linear_gap", points=1.0, stochastic=True, ffp=2e-6, aspect="gradient", cases=[
    Case("equal_widths", [4, 4, 4, 3]),
])
def test_deep_linear_gap_gradient(student, ref, case, grader_seed):
    (widths,) = case.args
    got = gap_rates(student.deep_linear_gap, widths, [grader_seed + k for k in range(FIRST_SEEDS)])
    refs = gap_rates(ref.deep_linear_gap, widths,
                     [grader_seed + stats.REF_SEED_OFFSET + k for k in range(FIRST_REF_SEEDS)])
    if not np.all(np.isfinite(got)):
        fail("a tiny step (lr = 1e-5) gave a non-finite gap.")
    hint = ("This looks like: a step along the gradient instead of against it. " if same_law(got, -refs) else
            "This looks like: a gradient twice too large. " if same_law(got, 2 * refs) else "")
    hint += ("Next: the gradient of layer l is W_{l+1}^T...W_L^T (A X - Y) X^T W_0^T...W_{l-1}^T (3.29); "
             "update all layers from the same old weights.")
    shifted_sample_check(got, refs, f"the first-step decreases (gap0 - gap1)/lr of {FIRST_SEEDS} seeds", hint)


# The same closed form for deep_linear_gap with widths [1, 1, 1]: the gap of
# f(x) = w1 w0 x on x = 1, y = 1 is the loss itself (the optimum is 0), and
# steps = 0..6 at one seed trace the trajectory.
@check("deep_linear_gap", points=1.0, aspect="update_rule", cases=[
    Case("two_scalar_layers", [1, 1, 1], SCALAR_LR, SCALAR_STEPS),
])
def test_deep_linear_gap_update_rule(student, ref, case, grader_seed):
    widths, lr, steps = case.args
    for k in range(SCALAR_SEEDS):
        gaps = np.array([float(expect_scalar(student.deep_linear_gap(widths, _X_1, _Y_1, lr, t, grader_seed + k),
                                             "the gap")) for t in range(steps + 1)])
        if not (np.all(np.isfinite(gaps)) and gaps[0] > 0):
            fail(f"seed {grader_seed + k}: gaps {gaps} for f(x) = w1 w0 x on one point (x = 1, y = 1).")
        err = scalar_trajectory_error(gaps, lr)
        if not err <= SCALAR_RTOL:
            twice = scalar_trajectory_error(gaps, 2 * lr) <= SCALAR_RTOL
            fail(f"seed {grader_seed + k}: the gaps after 0..{steps} steps, "
                 f"{np.array2string(gaps, precision=6)}, for f(x) = w1 w0 x (x = 1, y = 1, lr = {lr}) "
                 f"are not those of gradient descent from any init (off by {err:.2g} relative). "
                 + ("They match lr doubled: a gradient twice too large?" if twice else
                    "Next: (3.29) for each layer, all layers updated at once from the old weights; "
                    "the same seed must give the same initial weights for every number of steps."))


CONV_SEEDS = 4
GAP_TOL = 1e-8          # absolute, on losses of order 10: convergence, not round-off


# Laurent & Brecht: without a bottleneck GD closes the gap in every seed.
# The reference at these settings (lr = 0.02, 2500 steps) over 10^4 seeds:
# worst gap 1.4e-11, 99.9 % quantile at round-off (5e-15); at 1500 steps the
# worst of 3000 seeds was 1.3e-8, so the tail falls by > 3 decades per 1000
# steps: ffp < 1e-5 for 4 seeds. (With a width-1 bottleneck GD also reaches
# the reduced-rank value, but seeds that start near a saddle take far
# longer - worst of 3000 seeds 2e-5 relative after 3000 steps - so that is
# shown in the notebook, not graded.)
@check("deep_linear_gap", points=1.0, stochastic=True, ffp=1e-5, aspect="converges", timeout=60, cases=[
    Case("no_bottleneck", NO_BOTTLENECK, 0.02, 2500),
])
def test_deep_linear_gap_converges(student, ref, case, grader_seed):
    widths, lr, steps = case.args
    if ref.recording:   # the hint's optimum, recorded for a student's install
        ref.slipgen.least_squares_loss(_X_D, _Y_D)
    for k in range(CONV_SEEDS):
        g = float(expect_scalar(student.deep_linear_gap(widths, _X_D, _Y_D, lr, steps, grader_seed + k),
                                "the gap"))
        if not abs(g) <= GAP_TOL:
            opt = ref.slipgen.least_squares_loss(_X_D, _Y_D)
            why = (f" It equals the least-squares optimum {opt:.6g} itself: the optimum is not subtracted."
                   if opt is not UNRECORDED and abs(g - opt) <= 1e-6 * opt else
                   " Next: check the gradient (3.29) and that you subtract min_A 1/2 ||Y - A X||^2 "
                   "over all matrices A.")
            fail(f"seed {grader_seed + k}: after {steps} steps the gap is {g:.6g}; without a "
                 f"bottleneck (widths {widths}) gradient descent must close it (|gap| <= {GAP_TOL:g}) "
                 f"in every seed (Laurent & Brecht).{why}")
