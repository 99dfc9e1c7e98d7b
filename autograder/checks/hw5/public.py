"""hw5 checks: gradient descent escapes strict saddles (notes 3.3, Lee et al.)."""
import math

import numpy as np

from autograder.api import Case, Slip, check, close, fail

from autograder.checks.hw5.diagnosis import returned_number
from autograder.checks.hw5.theory import with_eigenvalues

TITLE = "Gradient descent escapes strict saddles: Lee et al."
FUNCTIONS = ["gradient", "hessian", "classify_critical_point", "gd", "lipschitz_constant",
             "saddle_attraction_rate", "escape_steps", "predicted_escape_steps"]

RTOL_DERIV = 1e-11   # polynomials of degree <= 3: float64 round-off of any algebraic form
ATOL_DERIV = 1e-12   # entries that cancel to ~0 (y^3 - y at y = 1) carry absolute round-off
RTOL_GD = 1e-10      # <= 200 steps; round-off grows at most like (1 + lr)^k ~ 1e4 in these cases
ATOL_GD = 1e-12      # coordinates that decay to ~0 along the stable direction
RTOL_LIP = 1e-4      # the contract's accuracy, so a fine search (not only a closed form) passes
ATOL_LIP = 1e-12     # radius 0 of the monkey: L = 0
NEAR = 1e-3          # "within 1e-3 of the saddle" (contract)

STRICT = ("quartic", "factorization")

# The checks of saddle_attraction_rate, escape_steps and predicted_escape_steps are in
# public_escape.py, the closed forms they use in theory.py, the plot in plot.py. The
# grader's own gradients, Hessians and GD (wrong answers and theory values) are hidden
# helpers in slipgen.py, called as ref.slipgen.name(...); every verdict on a
# deterministic function compares with the reference.

# ---------------------------------------------------------------- gradient / hessian
POINTS_PUBLIC = [(0.3, -0.7), (-1.25, 0.5)]
LANDSCAPES = ("quartic", "factorization", "monkey")


def _point_cases(points=POINTS_PUBLIC, tag="p"):
    return [Case(f"{name}_{tag}{k}", name, np.array(p)) for name in LANDSCAPES for k, p in enumerate(points)]


@check("gradient", points=0.125, cases=_point_cases())
def test_gradient(student, ref, case):
    name, theta = case.args
    got = student.gradient(name, theta)
    want = ref.gradient(name, theta)
    texts = {"quartic": ["d/dy (y^4/4 - y^2/2) = y^3 - y, with this sign",
                         "y^3/3 - y or similar: the power rule on y^4/4 gives y^3"],
             "factorization": ["the chain rule's minus sign is missing: d(1 - xy)/dx = -y",
                               "the components are swapped: df/dx = -(1 - xy) y, df/dy = -(1 - xy) x"],
             "monkey": ["df/dy = -6xy (d/dy of -3 x y^2)", "the components are swapped"]}[name]
    slips = [Slip(t, v) for t, v in zip(texts, ref.slipgen.gradient_slips(name, *theta))]
    close(got, want, rtol=RTOL_DERIV, atol=ATOL_DERIV, slips=slips, name="gradient")


@check("hessian", points=0.125, cases=_point_cases())
def test_hessian(student, ref, case):
    name, theta = case.args
    got = student.hessian(name, theta)
    want = ref.hessian(name, theta)
    texts = {"quartic": ["d^2/dy^2 (y^4/4 - y^2/2) = 3y^2 - 1"],
             "factorization": ["the off-diagonal entry has the wrong sign: d^2f/dxdy = 2xy - 1, not 1 - 2xy",
                               "d^2f/dxdy misses a term of the product rule: d/dy[-(1 - xy) y] = 2xy - 1",
                               "d^2f/dxdy misses the -(1 - xy) term of the product rule",
                               "the diagonal entries are swapped: d^2f/dx^2 = y^2, d^2f/dy^2 = x^2"],
             "monkey": ["the off-diagonal entries have the wrong sign: d^2f/dxdy = -6y",
                        "d^2f/dy^2 = -6x, not +6x"]}[name]
    slips = [Slip(t, v) for t, v in zip(texts, ref.slipgen.hessian_slips(name, *theta))]
    close(got, want, rtol=RTOL_DERIV, atol=ATOL_DERIV, slips=slips, name="Hessian")


# ---------------------------------------------------------------- classification
# (id, eigenvalues, rotation angle, tol or None for the default).
# Eigenvalues near +-tol sit at 0.5 tol or 2 tol: eigvalsh's round-off (~1e-16)
# cannot move them across the boundary.
CLASSIFY = [
    ("minimum", (1.0, 2.5), 0.4, None),
    ("saddle", (-1.0, 1.0), 0.0, None),
    ("saddle_with_zero", (-1.0, 0.0), 0.7, None),
    ("degenerate_small_negative", (-5e-9, 1.0), 0.3, None),
]
_CLASSIFY_HINTS = {
    ("degenerate", "strict_saddle"): "an eigenvalue in [-tol, 0) counts as zero: the test for a "
                                     "strict saddle is lambda_min < -tol, not lambda_min < 0",
    ("degenerate", "minimum"): "an eigenvalue in [0, tol] counts as zero: a minimum needs every "
                               "eigenvalue > tol, not >= 0",
    ("strict_saddle", "degenerate"): "one eigenvalue < -tol makes a strict saddle (3.45) even when "
                                     "another is (nearly) zero: test lambda_min < -tol before "
                                     "looking for zero eigenvalues",
    ("maximum", "strict_saddle"): "every eigenvalue < -tol is a maximum: test for a maximum "
                                  "before testing for a strict saddle",
    ("strict_saddle", "maximum"): "a maximum needs every eigenvalue < -tol; an eigenvalue in "
                                  "[-tol, 0) is zero, so this is a strict saddle",
    ("strict_saddle", "minimum"): "the sign is flipped somewhere (eigenvalues of -H?)",
    ("minimum", "maximum"): "the sign is flipped somewhere (eigenvalues of -H?)",
    ("maximum", "minimum"): "the sign is flipped somewhere (eigenvalues of -H?)",
}
_LABELS = ("minimum", "maximum", "strict_saddle", "degenerate")


def _classify_cases(table=CLASSIFY):
    return [Case(cid, with_eigenvalues(lam, angle), **({} if tol is None else {"tol": tol}))
            for cid, lam, angle, tol in table]


@check("classify_critical_point", points=0.25, cases=_classify_cases())
def test_classify_critical_point(student, ref, case):
    got = student.classify_critical_point(*case.args, **case.kwargs)
    want = ref.classify_critical_point(*case.args, **case.kwargs)
    if not isinstance(got, str):
        fail(f"returned {got!r} of type {type(got).__name__}; expected one of the strings {_LABELS}.")
    if got == want:
        return
    lam = np.linalg.eigvalsh(case.args[0])
    tol = case.kwargs.get("tol", 1e-8)
    msg = (f"H has eigenvalues {lam[0]:.3g} and {lam[1]:.3g} (tol = {tol:g}): expected "
           f"{want!r}, got {got!r}.")
    if got not in _LABELS:
        msg += f" The answer must be one of {_LABELS}, spelled exactly."
    elif (want, got) in _CLASSIFY_HINTS:
        msg += " This looks like: " + _CLASSIFY_HINTS[(want, got)] + "."
    fail(msg + " Next: apply the four rules in the order of the task to the eigenvalues.")


# ---------------------------------------------------------------- gd
GD_CASES = [
    Case("quartic", "quartic", np.array([0.5, 0.2]), 0.1, 30),
    Case("factorization", "factorization", np.array([0.3, 0.1]), 0.1, 25),
]


@check("gd", points=0.25, cases=GD_CASES)
def test_gd(student, ref, case):
    name, theta0, lr, steps = case.args
    got = student.gd(*case.args)
    want = ref.gd(*case.args)
    if isinstance(got, np.ndarray) and got.shape == (steps, 2) and steps > 0:
        fail(f"the trajectory has {steps} rows; it must have steps + 1 = {steps + 1}: row 0 is "
             "theta0 itself, followed by `steps` updates. Next: start the array with theta0.")
    if isinstance(got, np.ndarray) and got.shape == (steps + 2, 2):
        fail(f"the trajectory has {steps + 2} rows, expected steps + 1 = {steps + 1}: one update "
             "too many.")
    with np.errstate(all="ignore"):
        slips = [Slip("row 0 must be theta0 itself: your rows are theta_1 ... theta_{steps+1}",
                      ref.gd(name, theta0, lr, steps + 1)[1:]),
                 Slip("theta + lr * gradient: that is gradient ascent", ref.slipgen.gd_local(name, theta0, lr, steps, +1.0))]
    close(got, want, rtol=RTOL_GD, atol=ATOL_GD, slips=slips, name="trajectory")


# ---------------------------------------------------------------- lipschitz_constant
LIP_CASES = [
    Case("quartic_r1", "quartic", 1.0),
    Case("factorization_r1", "factorization", 1.0),
]
_ARGMAX = {"quartic": "on the line y = 0 inside the box when radius < sqrt(2/3), else on the edges y = +-radius",
           "factorization": "at the corners x = -y = +-radius",
           "monkey": "at the corners"}


_LIPSCHITZ_SLIPS = (
    "the maximum of the gradient norm ||grad f||: the Lipschitz constant of the gradient is the "
    "maximum of the Hessian's spectral norm",
    "the maximum of the Hessian's Frobenius norm: use the spectral norm (largest |eigenvalue|)",
    "the Hessian's norm at the corner (radius, radius) only: the maximum is elsewhere",
    "the Hessian's norm at the saddle 0 only, not its maximum over the box")


def _lipschitz_slips(ref, name, r):
    """Wrong Lipschitz constants that a realistic slip produces (values: ``ref.slipgen``)."""
    return [Slip(text, value) for text, value in zip(_LIPSCHITZ_SLIPS, ref.slipgen.lipschitz_slips(name, r))]


@check("lipschitz_constant", points=0.2, cases=LIP_CASES)
def test_lipschitz_constant(student, ref, case):
    name, r = case.args
    got = returned_number(student.lipschitz_constant(name, r), "L")
    want = ref.lipschitz_constant(name, r)
    slips = _lipschitz_slips(ref, name, r)
    got = float(got)
    if math.isfinite(got) and abs(got - want) <= ATOL_LIP + RTOL_LIP * abs(want):
        return
    msg = (f"L = {got:.10g}, expected {want:.10g} (relative error "
           f"{abs(got - want) / max(abs(want), 1e-300):.3g}; the check allows {RTOL_LIP:g}).")
    hint = next((sl.description for sl in slips
                 if abs(got - sl.value) <= ATOL_LIP + RTOL_LIP * abs(sl.value) and
                 abs(sl.value - want) > ATOL_LIP + RTOL_LIP * abs(want)), None)
    if hint:
        msg += f" This looks like: {hint}."
    elif got < want:
        msg += (f" Your value is below the maximum: for {name} the maximum of ||H||_2 over the "
                f"box lies {_ARGMAX[name]}; a grid that leaves out the edges (np.arange stops "
                "before radius) or a random search misses it and underestimates L.")
    fail(msg + " Next: derive from your Hessian where ||H||_2 is largest on the box.")
