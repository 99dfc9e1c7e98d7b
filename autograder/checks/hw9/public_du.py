"""hw9's public checks of Du et al.'s analysis (notes 5.3): gram_infinity, label_complexity and
train_two_layer_relu (a wide two-layer ReLU net trained by gradient descent)."""
import math

import numpy as np
from scipy import stats as st

from autograder.api import (Case, Slip, case_input, check, close, expect_array, expect_scalar, expect_sequence, fail,
                            rejects, stats)

from autograder.checks.hw9.common import grader_inputs, loglog_slope, unit_columns
from autograder.checks.hw9.public import ATOL_GRAM, FFP_CASE, GPU_TRAIN_FACTOR, RTOL_GRAM, RTOL_SOLVE, expect_seeded

# ================================================================ gram_infinity
#: inputs of the public gram_infinity cases, by name
GRAM_DATA = {
    "unit5": lambda: unit_columns(3, 5, 110),
    "mixed": lambda: grader_inputs(4, 6, 111) * np.array([1.0, 0.5, 2.0, 1.3, 0.8, 3.0]),
}


@check("gram_infinity", points=0.5, cases=[Case("unit_norm_5", "unit5"), Case("mixed_norms_6", "mixed")])
def test_gram_infinity(student, ref, case):
    X = case_input(GRAM_DATA, case.args[0])
    want = ref.gram_infinity(X)
    slips = [Slip("the angle from arccos(x_k^T x_l) without dividing by the norms (the unit-norm formula "
                  "on columns of other lengths)", ref.slipgen.gram_slip(X, "unnormalised")),
             Slip("angle/(2 pi) instead of (pi - angle)/(2 pi): E[w^T x > 0][w^T x' > 0] = (pi - angle)/(2 pi)",
                  ref.slipgen.gram_slip(X, "angle")),
             Slip("the factor x_k^T x_l of (5.148) left out", ref.slipgen.gram_slip(X, "noinner"))]
    if np.allclose(np.linalg.norm(X, axis=0), 1.0):
        slips = slips[1:]      # on unit columns the unit-norm formula is right
    close(student.gram_infinity(X), want, rtol=RTOL_GRAM, atol=ATOL_GRAM * float(np.abs(want).max()),
          slips=slips, name="H^inf")


def _with_zero_column():
    X = grader_inputs(3, 3, 5)
    X[:, 1] = 0.0
    return X


test_gram_infinity_errors = rejects("gram_infinity", ValueError, points=0.25, cases=[
    Case("zero_column", _with_zero_column())])


# ============================================================== label_complexity
def grader_labels(kind, X):
    """"true" labels sign(x_1 + 0.3), or random signs at a fixed seed."""
    if kind == "true":
        return np.sign(X[0] + 0.3)
    return np.random.default_rng(121).choice([-1.0, 1.0], X.shape[1])


@check("label_complexity", points=0.5, cases=[Case("true_labels", "true"), Case("random_labels", "random")])
def test_label_complexity(student, ref, case):
    kind = case.args[0]
    m = case.args[1] if len(case.args) > 1 else 20
    X = unit_columns(2, m, 120 + m)
    y = grader_labels(kind, X)
    want = ref.label_complexity(X, y)
    H = ref.gram_infinity(X)
    close(expect_scalar(student.label_complexity(X, y), "y^T (H^inf)^-1 y"), want, rtol=RTOL_SOLVE, atol=0.0,
          name="y^T (H^inf)^-1 y", slips=[
              Slip("y^T H^inf y: the inverse is missing", float(y @ H @ y)),
              Slip("divided by m", want / m),
              Slip("sqrt(y^T (H^inf)^-1 y)", math.sqrt(want))])


@check("label_complexity", points=0.25, aspect="true_below_random", cases=[Case("m20")])
def test_label_complexity_order(student, ref, case):
    X = unit_columns(2, 20, 140)
    true = float(expect_scalar(student.label_complexity(X, np.sign(X[0] + 0.3)), "true labels"))
    r = np.random.default_rng(141)
    rand = [float(student.label_complexity(X, r.choice([-1.0, 1.0], 20))) for _ in range(8)]
    if not true < min(rand):
        fail(f"true labels y = sign(x_1 + 0.3) give {true:.4g}, not below all of 8 random labelings "
             f"(smallest {min(rand):.4g}): labels that follow the inputs align with the top eigenvectors of "
             "H^inf (5.151), random ones do not.",
             advice="Next: compute y^T (H^inf)^{-1} y with np.linalg.solve(H, y).")


# ========================================================= train_two_layer_relu
TRAIN_WIDTHS = [256, 1024, 4096]
TRAIN_RUNS = 8
TRAIN_STEPS = 60
TRAIN_LR = 1.0
Z_TRAIN = stats.z_of_ffp(FFP_CASE / 4)
# The theory's exponent -1/2 is asymptotic. On the reference over 150 grader seeds
# (sin_labels, widths 256-4096) the fitted slopes of max_move and of the gap to the
# linearised dynamics averaged -0.508 and -0.493 with sd 0.053 and 0.108, matching their
# mean delta-method standard errors 0.056 and 0.109 (largest |z| 2.9 and 3.5), and
# min_t lambda_min(H(t)) stayed above 0.84 lambda_0. The allowance covers a finite-width
# bias of that size; a wrong scaling (0 or -1) is far outside.
SLOPE_ALLOWANCE = 0.05


def _sin_data():
    X = unit_columns(3, 5, 150)                        # lambda_0 = 0.150
    return X, 0.8 * np.sin(2 * X[0])


#: training sets of the public train_two_layer_relu cases, by name: (X, y)
TRAIN_DATA = {"sin": _sin_data}
@check("train_two_layer_relu", points=1.5, stochastic=True, ffp=FFP_CASE, timeout=60, cases=[
    Case("sin_labels", "sin")])
def test_train_two_layer_relu(student, ref, case, grader_seed, device):
    X, y = case_input(TRAIN_DATA, case.args[0])
    m = X.shape[1]
    factor = GPU_TRAIN_FACTOR if device == "cuda" else 1
    widths = [w * factor for w in TRAIN_WIDTHS]
    H = ref.gram_infinity(X)
    lam0 = float(np.linalg.eigvalsh(H)[0])
    A = np.eye(m) - TRAIN_LR * H
    K = ref.slipgen.relu_feature_cov(X)
    moves = np.empty((len(widths), TRAIN_RUNS))
    gaps = np.empty_like(moves)
    u0 = []
    for i, n in enumerate(widths):
        for r in range(TRAIN_RUNS):
            seed = 7919 * grader_seed + 1000 * i + r
            out = expect_sequence(student.train_two_layer_relu(X, y, n, TRAIN_LR, TRAIN_STEPS, seed, device=device),
                                  3, "(u, max_move, lam_min)")
            u = expect_array(out[0], (TRAIN_STEPS + 1, m), "u")
            mv = expect_array(out[1], (TRAIN_STEPS + 1,), "max_move")
            lam = expect_array(out[2], (TRAIN_STEPS + 1,), "lam_min")
            if not (np.all(np.isfinite(u)) and np.all(np.isfinite(mv)) and np.all(np.isfinite(lam))):
                fail("your outputs contain NaN or inf.", advice="Next: a learning rate times n^(-1/2) keeps the step small; check the step of (5.111).")
            if i == 0 and r == 0:
                again = student.train_two_layer_relu(X, y, n, TRAIN_LR, TRAIN_STEPS, seed, device=device)
                other = student.train_two_layer_relu(X, y, n, TRAIN_LR, TRAIN_STEPS, seed + 1, device=device)
                expect_seeded(u, np.asarray(again[0]), np.asarray(other[0]), "train_two_layer_relu")
            if mv[0] != 0.0:
                fail(f"max_move[0] is {mv[0]:.3g}: before the first step no weight has moved.",
                     advice="Next: record the three quantities before each step and once after the last.")
            if i > 0 and lam.min() < lam0 / 2:
                fail(f"at width {n}, lambda_min(H(t)) drops to {lam.min():.4g} < lambda_0/2 = {lam0 / 2:.4g} "
                     f"(lambda_0 = lambda_min(H^inf) of (5.148)); Theorem 19 keeps it above for wide nets.",
                     advice="Next: H_kl(t) = (1/n) sum_i [w_i^T x_k > 0][w_i^T x_l > 0] x_k^T x_l (5.146), "
                     "with the current weights w_i(t).")
            if not np.linalg.norm(y - u[-1]) < 0.05 * np.linalg.norm(y - u[0]):
                slow = np.linalg.matrix_power(np.eye(m) - TRAIN_LR / math.sqrt(n) * H, TRAIN_STEPS) @ (u[0] - y)
                hint = ""
                if abs(np.linalg.norm(y - u[-1]) / np.linalg.norm(slow) - 1) < 0.2:
                    hint = ("This looks like: a step lr/n instead of lr n^(-1/2): your residual decays as the "
                            "linearised dynamics with the learning rate divided by sqrt(n). ")
                fail(f"at width {n} the residual ||y - u|| goes from {np.linalg.norm(y - u[0]):.4g} to only "
                     f"{np.linalg.norm(y - u[-1]):.4g} in {TRAIN_STEPS} steps of lr {TRAIN_LR}; (5.114) gives a "
                     f"factor about exp(-lambda_0 t) = {math.exp(-lam0 * TRAIN_STEPS):.1e}.",
                     advice=hint + "Next: the step is w_i += lr n^(-1/2) sum_k (y_k - u_k) a_i [w_i^T x_k > 0] x_k "
                     "(5.111).")
            lin = [u[0]]
            for _ in range(TRAIN_STEPS):
                lin.append(y + A @ (lin[-1] - y))
            gaps[i, r] = np.abs(u - np.array(lin)).max()
            moves[i, r] = mv[-1]
            u0.append(float(u[0] @ np.linalg.solve(K, u[0])))
    # Cov u(0) = K exactly at every width; u(0) is a sum of n iid vectors / sqrt(n), so the sum of
    # the quadratic forms over the runs is chi^2 with m * runs degrees of freedom up to O(1/n) in its
    # variance (a two-sided test on the sum; a z-test on the mean of a skewed statistic with its
    # own sample sd failed 2 in 400 calibration runs)
    dof = m * len(u0)
    total = float(np.sum(u0))
    lo, hi = st.chi2.ppf(FFP_CASE / 8, dof), st.chi2.isf(FFP_CASE / 8, dof)
    if not lo <= total <= hi:
        ratio = total / dof
        hint = ""
        for text, factor in (("f without the n^(-1/2) of (5.110)", np.mean(widths)),
                             ("f with n^(-1) instead of n^(-1/2)", 1.0 / np.mean(widths))):
            if 0.5 * factor <= ratio <= 2.0 * factor:
                hint = f"This looks like: {text}. "
        fail(f"u(0) over your {len(u0)} runs: sum of u(0)^T K^(-1) u(0) = {total:.4g}, where K_kl = "
             f"E [w^T x_k]_+ [w^T x_l]_+ is the exact covariance of u(0) at every width; for a correct net it "
             f"is about chi^2 with {dof} degrees of freedom, within [{lo:.4g}, {hi:.4g}] with probability "
             f"1 - {FFP_CASE / 4:.1e}.",
             advice=hint + "Next: check the 1/sqrt(n) of (5.110), w_i(0) ~ N(0, I) and a_i = +-1.")
    for what, vals, law in (("max_i ||w_i(T) - w_i(0)||", moves, "Lemma 17, (5.153): R' ~ n^(-1/2)"),
                            ("max_t ||u(t) - u'(t)|| (u' the linearised dynamics with H^inf)", gaps,
                             "Theorem 20, (5.152): eps ~ n^(-1/2)")):
        slope, se = loglog_slope(widths, vals.mean(axis=1), vals.std(axis=1, ddof=1) / math.sqrt(TRAIN_RUNS))
        if abs(slope + 0.5) > Z_TRAIN * se + SLOPE_ALLOWANCE:
            hint = ""
            if abs(slope) <= Z_TRAIN * se + SLOPE_ALLOWANCE:
                hint = ("A slope near 0 is a step without the n^(-1/2) of (5.111) (or of f): every weight then "
                        "moves as much at every width. ")
            fail(f"{what} scales with fitted slope {slope:.3f} +- {se:.2g} over widths {widths}; {law}. The check "
                 f"allows {Z_TRAIN:.1f} standard errors plus {SLOPE_ALLOWANCE} for the finite widths.",
                 advice=hint + "Next: compare one step of your descent with (5.111).")


@check("train_two_layer_relu", points=0.25, aspect="no_steps", cases=[Case("steps0")])
def test_train_no_steps(student, ref, case):
    X, y = _sin_data()
    out = expect_sequence(student.train_two_layer_relu(X, y, 64, 1.0, 0, 3), 3, "(u, max_move, lam_min)")
    expect_array(out[0], (1, X.shape[1]), "u with steps = 0")
    close(np.asarray(out[1]), np.zeros(1), rtol=0, atol=0, name="max_move with steps = 0")
