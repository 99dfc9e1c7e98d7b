"""hw4's public checks of train_two_layer (notes 3.1, (3.3)-(3.8)): exact properties of
gradient descent, statistics of the initial loss and of the first step against the
reference at other seeds, an exact scalar trajectory, Yu & Chen's convergence, and a
least-squares lower bound."""
import math

import numpy as np
from numpy.random import default_rng

from autograder.api import Case, check, expect_array, expect_reproducible, expect_seed_used, fail, rejects, stats
from autograder.checks.hw4.diagnosis import init_slip_hint, same_law, shifted_sample_check
from autograder.checks.hw4.public import BOUND_SLACK, gaussian_data
from autograder.checks.hw4.theory import quadratic_features, scalar_trajectory_error
from autograder.reference import UNRECORDED


_X_S, _Y_S = gaussian_data(3, 5, 2, 441)


@check("train_two_layer", points=0.5, aspect="basics", cases=[
    Case("tanh", _X_S, _Y_S, 4, "tanh", 0.05),
])
def test_train_two_layer_basics(student, ref, case, grader_seed):
    """Exact properties of any correct GD: length, finiteness, the seed fixes the init."""
    X, Y, n1, act, lr = case.args
    s = grader_seed
    a = expect_array(student.train_two_layer(X, Y, n1, act, lr, 6, s), (7,), "the losses (steps = 6)")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        fail(f"the losses must be finite and >= 0, got {a}.")
    b = expect_array(student.train_two_layer(X, Y, n1, act, lr, 6, s), (7,), "the losses")
    expect_reproducible(a, b, "losses", advice="Next: draw the weights only from np.random.default_rng(seed).")
    short = expect_array(student.train_two_layer(X, Y, n1, act, lr, 2, s), (3,), "the losses (steps = 2)")
    if not np.allclose(short, a[:3], rtol=1e-12, atol=0):
        fail(f"with the same seed, 2 steps gave {short} but the first 3 losses of 6 steps are {a[:3]}: "
             "the initial weights must depend on the seed only, and losses[k] is the loss after k "
             "steps (losses[0] before any step).")
    other_lr = expect_array(student.train_two_layer(X, Y, n1, act, 2 * lr, 0, s), (1,), "the losses (steps = 0)")
    if not math.isclose(float(other_lr[0]), float(a[0]), rel_tol=1e-12):
        fail("losses[0] changed with lr at the same seed: it is the loss at the initial weights, "
             "before any step.")
    c = student.train_two_layer(X, Y, n1, act, lr, 0, s + 1)
    expect_seed_used(a[:1], np.asarray(c), "initial losses",
                     message="seeds s and s + 1 gave the same initial loss: the seed is ignored.")


INIT_SEEDS, INIT_REF_SEEDS = 60, 400
# n1 = 4 n0 and small targets: the W1 term dominates the initial loss, so
# variance slips in either layer move it by a large factor.
_X_I = default_rng(442).standard_normal((3, 6))
_Y_I = 0.3 * default_rng(447).standard_normal((2, 6))


# The initial loss of 60 seeds against the reference's at 400 other seeds:
# Mann-Whitney rank test and Kolmogorov-Smirnov test at ALPHA = 1e-6 each
# (distribution-free: ffp <= 2e-6; diagnosis.shifted_sample_check). The law is
# skewed (skewness 1-3), so a z-test of the mean against theory would not have
# a trustworthy ffp at this size; theory's mean E L0 = 1/2 ||Y||^2 + (n2/2)
# sum_i E phi(s_i z)^2 is reported and used to name the slip.
@check("train_two_layer", points=1.0, stochastic=True, ffp=2e-6, aspect="initial_loss", cases=[
    Case("tanh", _X_I, _Y_I, 12, "tanh"),
])
def test_train_two_layer_initial_loss(student, ref, case, grader_seed):
    X, Y, n1, act = case.args
    got = []
    for k in range(INIT_SEEDS):
        out = expect_array(student.train_two_layer(X, Y, n1, act, 0.01, 0, grader_seed + k), (1,),
                           "the losses with steps = 0")
        got.append(float(out[0]))
    got = np.array(got)
    if not np.all(np.isfinite(got)):
        fail(f"initial losses are not finite: {got[:5]}...")
    refs = np.array([ref.train_two_layer(X, Y, n1, act, 0.01, 0, grader_seed + stats.REF_SEED_OFFSET + k)[0]
                     for k in range(INIT_REF_SEEDS)])
    mu = ref.slipgen.expected_initial_loss(X, Y, n1, act)
    hint = init_slip_hint(ref, X, Y, n1, act, got)
    shifted_sample_check(got, refs, f"the initial losses of {INIT_SEEDS} seeds", hint, theory=mu)


FIRST_SEEDS, FIRST_REF_SEEDS, FIRST_LR = 60, 400, 1e-5
_X_N, _Y_N = gaussian_data(20, 10, 1, 443)            # narrow nets, n0 large: W0's gradient matters


def first_step_rates(fn, X, Y, n1, act, seeds):
    rates, initial = [], []
    for s in seeds:
        losses = np.asarray(fn(X, Y, n1, act, FIRST_LR, 1, s), dtype=np.float64)
        rates.append((losses[0] - losses[-1]) / FIRST_LR)
        initial.append(losses[0])
    return np.array(rates), np.array(initial)


def initial_losses_match(student, ref, grader_seed):
    """The initial_loss check's public case, as a yes/no (its reference draws are cached)."""
    X, Y, n1, act = _X_I, _Y_I, 12, "tanh"
    got = []
    for k in range(INIT_SEEDS):
        out = np.asarray(student.train_two_layer(X, Y, n1, act, 0.01, 0, grader_seed + k), dtype=np.float64)
        if out.shape != (1,):
            return False        # the initial_loss check says what is wrong with the shape
        got.append(float(out[0]))
    got = np.array(got)
    refs = np.array([ref.train_two_layer(X, Y, n1, act, 0.01, 0, grader_seed + stats.REF_SEED_OFFSET + k)[0]
                     for k in range(INIT_REF_SEEDS)])
    return bool(np.all(np.isfinite(got))) and same_law(got, refs)


# One step of size 1e-5 lowers the loss by lr <grad L, d> (+ O(lr^2), here
# < 1e-4 relative), d the step's direction: ||grad L||^2 for GD. The rates
# (L0 - L1)/lr over 60 seeds are compared with the reference's over 400
# other seeds (Mann-Whitney and KS, ALPHA = 1e-6 each): ffp <= 2e-6. Square
# (phi' = 2z, far from 1) exposes a missing phi'(H1); sigmoid exposes a wrong
# sigmoid'; erf and square expose a W0 that is not updated. A slip is named
# only when the rates match it: the slipped rates of 400 inits drawn here
# pass the same Mann-Whitney test against the student's (and the initial
# losses of the same runs match the reference's; if they do not, the
# initialisation is named as the likely cause).
@check("train_two_layer", points=1.0, stochastic=True, ffp=2e-6, aspect="gradient", cases=[
    Case("narrow_square", _X_N / 2, _Y_N, 2, "square"),
    Case("narrow_sigmoid", _X_N, _Y_N, 2, "sigmoid"),
])
def test_train_two_layer_gradient(student, ref, case, grader_seed):
    X, Y, n1, act = case.args
    got, got_l0 = first_step_rates(student.train_two_layer, X, Y, n1, act,
                                   [grader_seed + k for k in range(FIRST_SEEDS)])
    if not np.all(np.isfinite(got)):
        fail("a tiny step (lr = 1e-5) gave a non-finite loss.")
    refs, ref_l0 = first_step_rates(ref.train_two_layer, X, Y, n1, act,
                                    [grader_seed + stats.REF_SEED_OFFSET + k for k in range(FIRST_REF_SEEDS)])
    if ref.recording:   # the hint's slipped rates, recorded for a student's install
        ref.slipgen.slip_rates(X, Y, n1, act, FIRST_REF_SEEDS, grader_seed + 2 * stats.REF_SEED_OFFSET)
    if same_law(got, refs):
        return
    hint = ""
    if not (same_law(got_l0, ref_l0) and initial_losses_match(student, ref, grader_seed)):
        hint = ("Your initial losses (before any step) differ from the reference's as well: the "
                "initialisation or the loss, not the gradient, is the likely cause (see the "
                "initial_loss check). Next: fix that first.")
    else:
        rates = ref.slipgen.slip_rates(X, Y, n1, act, FIRST_REF_SEEDS, grader_seed + 2 * stats.REF_SEED_OFFSET)
        cands = {} if rates is UNRECORDED else dict(rates)
        cands["a gradient twice too large (the derivative of 1/2 ||E||^2 is E, no factor 2)"] = 2 * refs
        cands["a step along the gradient instead of against it (W <- W + lr * grad)"] = -refs
        found = [text for text, sample in cands.items() if same_law(got, sample)]
        if len(found) == 1:
            hint = f"This looks like: {found[0]}."
        elif found:
            hint = ("This looks like one of these slips (their rates agree with yours): "
                    + "; ".join(f"({i}) {t}" for i, t in enumerate(found, 1)) + ".")
        elif np.median(got) <= 0:
            hint = "Most of your tiny steps increase the loss."
    if "Next:" not in hint:
        hint = (hint + " Next: compute both gradients from the same old weights, grad W1 = E X1^T and "
                "grad W0 = (phi'(H1) * (W1^T E)) X^T (3.6)-(3.8), and update both layers.").strip()
    shifted_sample_check(got, refs, f"the first-step decreases (L0 - L1)/lr of {FIRST_SEEDS} seeds", hint)


SCALAR_LR, SCALAR_STEPS, SCALAR_SEEDS = 0.1, 6, 4
SCALAR_RTOL = 1e-9       # reference over 2e4 seeds: worst 1.2e-12 (two square roots, six steps)
_X_1, _Y_1 = np.array([[1.0]]), np.array([[1.0]])


# One linear unit, one point x = 1 with target y = 1 (the factorization loss
# 1/2 (w1 w0 - 1)^2): two losses determine the state (w0 w1, w0^2 + w1^2) up
# to signs, and the rest of the trajectory follows in closed form
# (theory.scalar_trajectory_error). Any correct GD, whatever its draws,
# passes exactly (round-off only); a gradient twice too large, a layer that is
# not updated, or layers updated one after the other do not.
@check("train_two_layer", points=1.0, aspect="update_rule", cases=[
    Case("one_linear_unit", _X_1, _Y_1, 1, "linear", SCALAR_LR, SCALAR_STEPS),
])
def test_train_two_layer_update_rule(student, ref, case, grader_seed):
    X, Y, n1, act, lr, steps = case.args
    for k in range(SCALAR_SEEDS):
        losses = expect_array(student.train_two_layer(X, Y, n1, act, lr, steps, grader_seed + k),
                              (steps + 1,), "the losses")
        if not (np.all(np.isfinite(losses)) and losses[0] > 0):
            fail(f"seed {grader_seed + k}: losses {losses} for f(x) = w1 w0 x on one point (x = 1, y = 1): "
                 "they must be finite and the initial one positive.")
        err = scalar_trajectory_error(losses, lr)
        if not err <= SCALAR_RTOL:
            twice = scalar_trajectory_error(losses, 2 * lr) <= SCALAR_RTOL
            fail(f"seed {grader_seed + k}: the losses {np.array2string(losses, precision=6)} of f(x) = w1 w0 x "
                 f"(x = 1, y = 1, lr = {lr}) are not those of gradient descent from any init (off by "
                 f"{err:.2g} relative). "
                 + ("They are exactly those of gradient descent with lr doubled: a gradient twice too "
                    "large (the derivative of 1/2 e^2 is e, no factor 2)." if twice else
                    "Update both layers at once from the old weights: W1 -= lr E X1^T and "
                    "W0 -= lr (phi'(H1) * (W1^T E)) X^T."))


WIDE_SEEDS = 6
WIDE_RATIO = 1e-6
_X_W, _Y_W = gaussian_data(5, 10, 1, 445)


# Yu & Chen: n1 >= m with an analytic phi: every seed must reach 1e-6 of its
# initial loss. The reference over 10^4 seeds at these settings: worst ratio
# 7e-11, 99.9 % quantile 1.3e-12, 99 % quantile 1.6e-14 (about two decades
# of ratio per decade of probability), which extrapolates to P(ratio > 1e-6)
# ~ 5e-7 per seed: ffp <= 1e-5 for 6 seeds. At init lr * lambda_max of the
# tangent kernel stays <= 1.49 < 2 over 2e4 seeds, so GD is stable.
@check("train_two_layer", points=1.0, stochastic=True, ffp=1e-5, aspect="wide_converges", timeout=60,
       cases=[Case("erf_n1_20_m10", _X_W, _Y_W, 20, "erf", 0.02, 1500)])
def test_train_two_layer_wide(student, ref, case, grader_seed):
    X, Y, n1, act, lr, steps = case.args
    for k in range(WIDE_SEEDS):
        losses = expect_array(student.train_two_layer(X, Y, n1, act, lr, steps, grader_seed + k),
                              (steps + 1,), "the losses")
        if not np.all(np.isfinite(losses)):
            fail(f"seed {grader_seed + k}: the losses become non-finite; with lr = {lr} gradient "
                 "descent is stable for the correct gradient.")
        r = losses[-1] / losses[0]
        if not r <= WIDE_RATIO:
            fail(f"seed {grader_seed + k}: after {steps} steps the loss is {losses[-1]:.3g}, "
                 f"{r:.2g} of the initial {losses[0]:.3g}; a wide net (n1 = {n1} >= m = {X.shape[1]}) "
                 f"must reach below {WIDE_RATIO:g} of it in every seed (Yu & Chen). Next: check "
                 "that both layers follow the exact gradient and that W1 ~ N(0, 1/n1).")


_X_B, _Y_B = gaussian_data(2, 6, 1, 446)


# Exact lower bounds: a square net computes a quadratic form, a linear net a
# linear map, whatever the weights; no correct loss can fall below the
# least-squares fit by those (up to round-off); only finite losses are
# compared, so the check is exact. GD at these settings ends within a factor
# 1.85 of the bound in every one of 2e4 seeds, so a loss divided by m = 6
# falls below it.
@check("train_two_layer", points=0.5, aspect="lower_bound", timeout=60, cases=[
    Case("square_quadratic_forms", _X_B, _Y_B, 20, "square", 0.001, 300),
])
def test_train_two_layer_lower_bound(student, ref, case, grader_seed):
    X, Y, n1, act, lr, steps = case.args
    feats = quadratic_features(X) if act == "square" else X
    bound = ref.slipgen.least_squares_loss(feats, Y)   # the least-squares optimum (slipgen.py)
    for k in range(2):
        losses = expect_array(student.train_two_layer(X, Y, n1, act, lr, steps, grader_seed + k),
                              (steps + 1,), "the losses")
        finite = losses[np.isfinite(losses)]
        low = float(np.min(finite)) if finite.size else math.inf
        if not low >= bound * (1 - BOUND_SLACK):
            m = X.shape[1]
            extra = (" It is about the bound divided by m: the 1/(2m) of the line after (3.4) is a "
                     "misprint; sum over the points." if low * m >= bound * 0.9 else "")
            fail(f"a loss of {low:.6g} is below {bound:.6g}, the least-squares fit by "
                 f"{'quadratic forms x^T Q x' if act == 'square' else 'linear maps A x'}, which "
                 f"no {act} net can beat.{extra} Next: return 1/2 ||Y - W1 phi(W0 X)||_F^2.")


test_train_two_layer_rejects_unknown = rejects("train_two_layer", ValueError, points=0.25, cases=[
    Case("unknown_activation", _X_S, _Y_S, 3, "swish", 0.1, 2, 0),
])
