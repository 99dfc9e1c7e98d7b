"""hw5's hidden cases: graded by `course grade` and the nbgrader release, never shipped.

The student package leaves this file out (``course student-dist``); the checks
themselves, and the reasons for their tolerances, are in ``public.py`` and
``public_escape.py``.
"""
import numpy as np
from scipy import stats as st

from autograder.api import Case, check, close, expect_array, fail, hidden_cases, stats

from . import public as P
from . import public_escape as E
from .diagnosis import returned_number
from .public import ATOL_GD
from .public_escape import MONKEY_ALPHA, MONKEY_N, MONKEY_REF_N, MONKEY_REF_SEEDS, MONKEY_SEEDS, _counts, _seed_used


# the critical points themselves, and points near and far from them
POINTS_HIDDEN = [(0.0, 0.0), (0.0, 1.0), (2.0, 0.5), (1e-3, -2e-4), (-0.8, -1.6), (1.5, 2.25)]
test_gradient = hidden_cases(P.test_gradient, P._point_cases(POINTS_HIDDEN, "h"))
test_hessian = hidden_cases(P.test_hessian, P._point_cases(POINTS_HIDDEN, "h"))

# (id, eigenvalues, rotation angle, tol or None): eigenvalues at 0.5 tol or 2 tol
# of the boundaries, where a strict test and a non-strict one disagree
CLASSIFY = [
    ("maximum", (-3.0, -1.0), 1.1, None),
    ("minimum_just_above_tol", (2e-8, 1.0), 0.9, None),
    ("degenerate_just_below_tol", (5e-9, 1.0), 0.2, None),
    ("saddle_just_below_minus_tol", (-2e-8, 1.0), 0.5, None),
    ("saddle_negative_and_tiny_negative", (-1.0, -5e-9), 1.3, None),
    ("saddle_negative_and_tiny_positive", (-1.0, 5e-9), 0.6, None),
    ("maximum_just_below_minus_tol", (-1.0, -2e-8), 0.1, None),
    ("degenerate_zero", (0.0, 0.0), 0.0, None),
    ("degenerate_large_tol", (0.05, 1.0), 0.8, 0.1),
    ("degenerate_large_tol_negative", (-0.05, 1.0), 0.8, 0.1),
    ("saddle_large_tol", (-0.2, 1.0), 0.8, 0.1),
    ("minimum_tol_zero", (1e-12, 1.0), 0.0, 0.0),
]
test_classify_critical_point = hidden_cases(P.test_classify_critical_point, P._classify_cases(CLASSIFY))

GD_CASES = [
    Case("monkey", "monkey", np.array([0.3, -0.2]), 0.05, 20),
    Case("quartic_near_stable_manifold", "quartic", np.array([1.0, 1e-8]), 0.2, 120),
    Case("factorization_to_minima", "factorization", np.array([-0.4, 0.9]), 0.2, 200),
    Case("zero_steps", "factorization", np.array([0.3, 0.1]), 0.1, 0),
    Case("one_step", "monkey", np.array([-0.7, 0.4]), 0.1, 1),
]

LIP_CASES = [
    Case("quartic_r0.5_interior", "quartic", 0.5),
    Case("quartic_r0.8_interior", "quartic", 0.8),
    Case("quartic_r2", "quartic", 2.0),
    Case("factorization_r0.3", "factorization", 0.3),
    Case("factorization_r1.7", "factorization", 1.7),
    Case("monkey_r0.7", "monkey", 0.7),
    Case("monkey_r2.5", "monkey", 2.5),
    Case("quartic_r0", "quartic", 0.0),
    Case("monkey_r0", "monkey", 0.0),
]

SAT_THEORY = [
    Case("factorization_linear_regime", "factorization", 0.3, 2e-3, 6),
]

ESCAPE_CASES = [
    Case("quartic_negative_side", "quartic", np.array([-0.2, -3e-5]), 0.25, 0.4),
    Case("quartic_large_x", "quartic", np.array([0.9, 1e-3]), 0.1, 0.5),
    Case("quartic_already_out", "quartic", np.array([0.0, 0.7]), 0.1, 0.5),
    Case("factorization_off_axis", "factorization", np.array([0.3, -0.2]), 0.1, 0.6),
    Case("factorization_large_lr", "factorization", np.array([1e-7, 0.05]), 0.4, 0.5),
    Case("quartic_enough_max_steps", "quartic", np.array([0.0, 1e-9]), 0.1, 0.5, max_steps=300),
]

PRED_CASES = [
    Case("beyond_threshold", "factorization", 0.9, 0.1, 0.5),
    Case("tiny_lr", "quartic", 1e-3, 1e-4, 0.1),
    Case("large_lr", "factorization", 1e-8, 2.5, 1.0),
    Case("exact_power_quartic", "quartic", 0.5 / 1.25 ** 7, 0.25, 0.5),
    Case("exact_power_factorization", "factorization", 2.0 ** -10, 1.0, 1.0),
]

test_gd = hidden_cases(P.test_gd, GD_CASES)


@check("gd", points=0.25, aspect="overflow", hidden=True, cases=[
    Case("monkey_diverges", "monkey", np.array([-0.5, 0.1]), 0.1, 40)])
def test_gd_overflow(student, ref, case):
    """The monkey runs to -infinity along a valley: the array keeps its shape and fills with inf/nan."""
    name, theta0, lr, steps = case.args
    got = expect_array(student.gd(*case.args), (steps + 1, 2), "trajectory")
    want = ref.gd(*case.args)
    with np.errstate(all="ignore"):
        ok_rows = np.all(np.isfinite(want) & (np.abs(want) < 1e3), axis=1)
    k = int(np.argmin(ok_rows)) if not ok_rows.all() else len(ok_rows)
    close(got[:k], want[:k], rtol=1e-8, atol=ATOL_GD, name=f"trajectory rows 0..{k - 1} (before it blows up)")
    last = got[-1]
    with np.errstate(all="ignore"):
        if np.all(np.isfinite(last)) and np.abs(last).max() < 1e100:
            fail(f"the last row is {last}, but this run diverges (the reference overflows to "
                 "inf/nan): do not clip, stop early or replace non-finite values.")

test_lipschitz_constant = hidden_cases(P.test_lipschitz_constant, LIP_CASES)

test_saddle_attraction_rate_theory = hidden_cases(E.test_saddle_attraction_rate_theory, SAT_THEORY)


# lr = 0.1 < 1/L = 1/2 (quartic) and 1/4 (factorization) on the box of radius 1, which the
# iterates do not leave. An init ends within 1e-3 after 300 steps only if its unstable component
# is below 1e-3 / 1.0999^300 ~ 4e-16: P(any of 3 x 2000) < 1e-11 = ffp.
@check("saddle_attraction_rate", points=0.25, aspect="theorem4", hidden=True, stochastic=True,
       ffp=1e-11, timeout=30, cases=[Case("quartic", "quartic"), Case("factorization", "factorization")])
def test_saddle_attraction_rate_theorem4(student, ref, case, grader_seed):
    name = case.args[0]
    for k in range(3):
        rate = float(returned_number(student.saddle_attraction_rate(name, 0.1, 2000, 1.0, 300,
                                                            grader_seed + k), "rate"))
        if rate != 0.0:
            fail(f"{rate} of the inits end within 1e-3 of the strict saddle after 300 steps with "
                 "lr = 0.1 < 1/L; Theorem 4 says the attracted set has measure zero and here it "
                 "is < 1e-15 of the box. Next: check the GD update and the distance test.")


# No closed form for the degenerate saddle: the student's total count is compared with the
# reference's at other seeds by the exact conditional test (given the total of both, the
# student's count is hypergeometric when both share p): ffp <= MONKEY_ALPHA, plus < 1e-10 for
# the seed test.
@check("saddle_attraction_rate", points=0.5, aspect="degenerate", hidden=True, stochastic=True,
       ffp=1e-4, timeout=60, cases=[Case("monkey", "monkey", 1.0, 2e-3, 300)])
def test_saddle_attraction_rate_monkey(student, ref, case, grader_seed):
    name, lr, r, steps = case.args
    counts = _counts(student, case.args, [grader_seed + k for k in range(MONKEY_SEEDS)], MONKEY_N)
    ref_rates = [ref.saddle_attraction_rate(name, lr, MONKEY_REF_N, r, steps,
                                            grader_seed + stats.REF_SEED_OFFSET + k)
                 for k in range(MONKEY_REF_SEEDS)]
    k_ref = int(round(sum(ref_rates) * MONKEY_REF_N))
    n_s, n_r = MONKEY_N * MONKEY_SEEDS, MONKEY_REF_N * MONKEY_REF_SEEDS
    _seed_used(counts, MONKEY_N)
    k_s = sum(counts)
    law = st.hypergeom(n_s + n_r, k_s + k_ref, n_s)
    lo, hi = law.ppf(MONKEY_ALPHA / 2), law.isf(MONKEY_ALPHA / 2)
    if lo <= k_s <= hi:
        return
    hint = ""
    if k_s / n_s > 0.99:
        hint = " Every init counts as attracted: is the distance compared squared?"
    fail(f"{k_s} of {n_s} inits end within 1e-3 of the monkey saddle ({k_s / n_s:.4f}); the "
         f"reference gives {k_ref / n_r:.4f} at other seeds, and a correct solution lands between "
         f"{int(lo)} and {int(hi)} (false-failure probability {MONKEY_ALPHA:g})." + hint +
         " Next: the inits must fill the whole box [-radius, radius]^2 (the monkey is not "
         "symmetric under x -> -x), and the GD steps and distance test must be as in the task.")

test_escape_steps = hidden_cases(E.test_escape_steps, ESCAPE_CASES)

test_escape_steps_errors = hidden_cases(E.test_escape_steps_errors, [Case("factorization_stable_manifold", "factorization", np.array([0.4, -0.4]), 0.1, 0.5), Case("quartic_too_few_steps", "quartic", np.array([0.0, 1e-9]), 0.1, 0.5, max_steps=100)])

test_predicted_escape_steps = hidden_cases(E.test_predicted_escape_steps, PRED_CASES)
