"""hw11's public checks: the landscape of deep nets (notes 3.1-3.3).

No hw11 function is random, so every check is deterministic: values are
compared with the reference on grader-chosen inputs, and where the contract
leaves a choice (the sign of an eigenvector, which constant-loss curve) the
check tests the properties every correct answer shares: zero gradients, the
product of the layers, a constant output, the end points and continuity.
Calls on ``ref`` use grader-chosen inputs only, so public cases replay from
the fixtures; checks that feed a student's output to the reference are hidden.

This file holds the checks of feature_ranks, polynomial_feature_dim,
deep_linear_loss_grads, deep_linear_hessian and hessian_inertia;
``public_critical.py`` those of the critical points of linear nets,
``public_symmetries.py`` those of rescaling, ReLU nets and Lemma 5. The
closed forms they compare with are in ``theory.py``, the inputs in
``inputs.py``; the hidden cases and checks are in ``hidden.py`` (not shipped
to students).
"""

import numpy as np

from autograder.api import Case, Slip, check, close, expect_array, expect_int, expect_sequence, fail, rejects
from autograder.reference import UNRECORDED

from autograder.checks.hw11.inputs import (X7, X8, X8_WITH_NEGATIVES, critical_case, random_biases, random_layers,
                                           regression_data, symmetric_with_eigenvalues)
from autograder.checks.hw11.theory import rescaling_tangent

TITLE = "The landscape of deep nets: rank, saddles, symmetries, constant-loss paths"
FUNCTIONS = ["feature_ranks", "polynomial_feature_dim", "deep_linear_loss_grads", "deep_linear_hessian",
             "hessian_inertia", "linear_critical_point", "classify_linear_critical_point",
             "rescale_layers", "relu_loss_grads", "lemma5_first_layer", "constant_loss_path"]

CALL_TIMEOUT = 10

RTOL_LOSS = 1e-12      # a sum of squares of a few matrix products: round-off only
RTOL_GRAD = 1e-10      # products of up to 5 matrices with entries O(1)
ATOL_GRAD = 1e-11      # entries that cancel to ~0 carry absolute round-off
RTOL_HESS = 1e-9       # the contract's accuracy for an exact Hessian (autodiff or closed form)
ATOL_HESS = 1e-10
ZERO_GRAD = 1e-9       # |grad| at a constructed critical point, relative to ||Y|| ||X||


def expect_weights(got, shapes, name="the weights"):
    """A list of len(shapes) arrays of the given shapes (a net's layers), or a failure."""
    got = expect_sequence(got, len(shapes), name)
    return [expect_array(w, s, f"{name}[{l}]") for l, (w, s) in enumerate(zip(got, shapes))]


# ---------------------------------------------------------------- feature_ranks
RANK_CASES = [
    Case("tanh_biases_wide", random_layers([3, 9, 10], 1111), X8, "tanh", random_biases([3, 9, 10], 1112)),
    Case("tanh_no_bias_x_and_minus_x", random_layers([3, 9, 10], 1113), X8_WITH_NEGATIVES, "tanh"),
    Case("square_two_layers", random_layers([2, 6, 8], 1114), X7, "square"),
    Case("linear_deep", random_layers([3, 10, 10, 10], 1115), X8, "linear"),
    Case("tanh_narrow_then_wide", random_layers([3, 5, 12], 1116), X8, "tanh", random_biases([3, 5, 12], 1117)),
    Case("tanh_biases_x_and_minus_x", random_layers([3, 9, 10], 1118), X8_WITH_NEGATIVES, "tanh",
         random_biases([3, 9, 10], 1119)),
]


@check("feature_ranks", points=0.25, cases=RANK_CASES)
def test_feature_ranks(student, ref, case):
    ws, X, act = case.args[:3]
    biases = case.args[3] if len(case.args) > 3 else None
    got = expect_sequence(student.feature_ranks(ws, X, act, biases), len(ws), "the list of ranks")
    got = np.array([float(expect_int(r, f"rank of X_{l + 1}")) for l, r in enumerate(got)])
    want = np.array(ref.feature_ranks(ws, X, act, biases), dtype=np.float64)
    slips = [Slip("ranks of the pre-activations H_l instead of the features X_l = phi(H_l)",
                  ref.slipgen.ranks_of(ws, X, act, biases, pre=True)),
             Slip("singular values counted with s > 0, without NumPy's tolerance",
                  ref.slipgen.ranks_of(ws, X, act, biases, tol=0.0))]
    if biases is not None:
        slips.insert(0, Slip("the biases are not added (H_{l+1} = W_l X_l + b_l)", ref.slipgen.ranks_of(ws, X, act)))
    close(got, want, rtol=0, atol=0, slips=slips, name="the ranks")


test_feature_ranks_errors = rejects("feature_ranks", ValueError, points=0.25, cases=[
    Case("unknown_activation", [np.eye(2)], np.eye(2), "softplus"),
])


# ---------------------------------------------------------------- polynomial_feature_dim
@check("polynomial_feature_dim", points=0.25, cases=[
    Case("quadratics_in_3", 3, 2), Case("quartics_in_2", 2, 4), Case("linear_in_5", 5, 1),
])
def test_polynomial_feature_dim(student, ref, case):
    n0, d = case.args
    got = expect_int(student.polynomial_feature_dim(n0, d), "the dimension", python_int=True)
    want = ref.polynomial_feature_dim(n0, d)
    all_degrees, ordered, quadratic = ref.slipgen.polynomial_dim_slips(n0, d)
    close(float(got), float(want), rtol=0, atol=0, name="the dimension", slips=[
        Slip("C(n0 + degree, degree): all monomials of degree <= d, but features without biases are "
             "homogeneous of degree exactly d", all_degrees),
        Slip("n0^degree counts ordered products; x1 x2 = x2 x1", ordered),
        Slip("n0 (n0 + 1)/2 is the degree-2 count; degree d needs C(n0 + d - 1, d)", quadratic),
    ])
    if got != want:     # integers of any size: exact
        fail(f"got {got}, expected {want}.")


test_polynomial_feature_dim_errors = rejects("polynomial_feature_dim", ValueError, points=0.25, cases=[
    Case("no_variables", 0, 2)])


# ---------------------------------------------------------------- deep_linear_loss_grads
LIN_CASES = [
    Case("two_layers", random_layers([3, 4, 2], 1133), *regression_data(3, 2, 6, 1134)),
    Case("square_widths", random_layers([3, 3, 3, 3], 1131, scale=1.3), *regression_data(3, 3, 3, 1132)),
]


@check("deep_linear_loss_grads", points=0.5, cases=LIN_CASES)
def test_deep_linear_loss_grads(student, ref, case):
    ws, X, Y = case.args
    got = expect_sequence(student.deep_linear_loss_grads(ws, X, Y), 2, "(loss, grads)")
    loss_w, grads_w = ref.deep_linear_loss_grads(ws, X, Y)
    m = X.shape[1]
    close(got[0], loss_w, rtol=RTOL_LOSS, atol=0.0, name="the loss", slips=[
        Slip("the loss divided by m; hw11 sums over the points as in (3.3)", loss_w / m),
        Slip("the factor 1/2 is missing", 2 * loss_w)])
    grads = expect_sequence(got[1], len(ws), "the list of gradients")
    wrong = ref.slipgen.linear_grads_untransposed(ws, X, Y)
    for l, (g, w) in enumerate(zip(grads, grads_w)):
        slips = [Slip("grad L~(A) = (A X - Y) X^T divided by m", w / m)]
        if wrong is not None and wrong is not UNRECORDED:
            slips.append(Slip("W_{l+1,+} and W_{l-1,-} are not transposed in (3.29)", wrong[l]))
        close(g, w, rtol=RTOL_GRAD, atol=ATOL_GRAD * max(1.0, float(np.abs(w).max())),
              name=f"grad_{l}", slips=slips)


# Scaling (W_{l+1}, W_l) to (W_{l+1}/alpha, alpha W_l) keeps A, so a critical
# point stays critical (3.52): the student's gradients there must vanish.
@check("deep_linear_loss_grads", points=0.5, aspect="rescaled_critical", cases=[
    Case("three_layers_l0", *critical_case([3, 4, 4, 3], [0, 2], 1141, (0, 2.5))),
])
def test_deep_linear_grads_vanish_when_rescaled(student, ref, case):
    X, Y, widths, subset, l, alpha = case.args
    ws = ref.rescale_layers(ref.linear_critical_point(X, Y, widths, subset), l, alpha)
    got = expect_sequence(student.deep_linear_loss_grads(ws, X, Y), 2, "(loss, grads)")
    scale = float(np.linalg.norm(Y) * np.linalg.norm(X)) * max(alpha, 1 / alpha)
    for k, g in enumerate(expect_sequence(got[1], len(ws), "the list of gradients")):
        g = expect_array(g, ws[k].shape, f"grad_{k}")
        if not np.abs(g).max() <= ZERO_GRAD * scale:
            fail(f"at a critical point rescaled by alpha = {alpha} in layers {l}, {l + 1} (3.52) your "
                 f"grad_{k} has max |entry| {np.abs(g).max():.3g}; it must vanish (the product A and "
                 "(A X - Y) X^T are unchanged and (3.29) multiplies them by the other layers). "
                 "Next: compare your gradients with finite differences of your loss.")


# ---------------------------------------------------------------- deep_linear_hessian
def column_major_permutation(shapes):
    """The indices that reorder row-major (W_l.ravel()) parameters as column-major (order='F') ones."""
    idx, off = [], 0
    for s in shapes:
        idx.append(off + np.arange(s[0] * s[1]).reshape(s).ravel(order="F"))
        off += s[0] * s[1]
    return np.concatenate(idx)


HESS_CASES = [
    Case("three_layers", random_layers([2, 3, 3, 2], 1151, 1.2), *regression_data(2, 2, 5, 1152)),
    Case("two_layers", random_layers([3, 2, 2], 1153, 1.2), *regression_data(3, 2, 6, 1154)),
]


@check("deep_linear_hessian", points=0.5, cases=HESS_CASES)
def test_deep_linear_hessian(student, ref, case):
    ws, X, Y = case.args
    want = ref.deep_linear_hessian(ws, X, Y)
    got = student.deep_linear_hessian(ws, X, Y)
    perm = column_major_permutation([w.shape for w in ws])
    close(got, want, rtol=RTOL_HESS, atol=ATOL_HESS * float(np.abs(want).max()), name="the Hessian", slips=[
        Slip("the Gauss-Newton part J^T J alone: the second-order term <A X - Y, d^2(A) X> of the "
             "product is missing", ref.slipgen.gauss_newton(ws, X)),
        Slip("each W_l flattened column by column (order='F'); the contract uses W_l.ravel()",
             want[np.ix_(perm, perm)])])


# At a critical point the rescaling orbit alpha -> (W_{l+1}/alpha, alpha W_l)
# stays critical with the same loss, so its tangent (-W_{l+1}, W_l) is a
# zero-curvature direction: H v = 0. Critical points are not isolated
# (assumption 5 of 3.3.1).
@check("deep_linear_hessian", points=0.5, aspect="orbit", cases=[
    Case("three_layers_l1", *critical_case([3, 4, 4, 3], [0, 2], 1161, (1, 1.0))),
])
def test_deep_linear_hessian_orbit(student, ref, case):
    X, Y, widths, subset, l, _ = case.args
    ws = ref.linear_critical_point(X, Y, widths, subset)
    P = sum(w.size for w in ws)
    H = expect_array(student.deep_linear_hessian(ws, X, Y), (P, P), "the Hessian")
    v = np.concatenate([t.ravel() for t in rescaling_tangent(ws, l)])
    hv = H @ v
    if not np.linalg.norm(hv) <= 1e-8 * np.abs(H).max() * np.linalg.norm(v):
        fail(f"at a critical point, H v = {np.linalg.norm(hv):.3g} (norm) along v = (-W_{l + 1}, W_{l}), the "
             "tangent of the rescaling orbit (3.52), on which the loss is constant: H v must vanish. "
             "Next: check the mixed blocks d^2 L / dW_l dW_k of your Hessian.")


# ---------------------------------------------------------------- hessian_inertia
_NONSYM = np.array([[1.0, 4.0], [0.0, 1.0]])           # eigenvalues 1, 1; symmetric part -1, 3
INERTIA_CASES = [
    Case("diag", np.diag([-1.0, 0.0, 2.0, 3.0])),
    Case("rotated", symmetric_with_eigenvalues([-2.0, -5e-8, 0.0, 0.5, 40.0], 1171)),
    Case("non_symmetric", _NONSYM),
    Case("below_tol_counts_zero", symmetric_with_eigenvalues([5e-9, -5e-9, 1.0, 1e3], 1172), 1e-8),
]


@check("hessian_inertia", points=0.25, cases=INERTIA_CASES)
def test_hessian_inertia(student, ref, case):
    H = case.args[0]
    tol = case.args[1] if len(case.args) > 1 else 1e-8
    got = expect_sequence(student.hessian_inertia(H, tol), 3, "(n_neg, n_zero, n_pos)")
    got = np.array([float(expect_int(c, "a count")) for c in got])
    want = np.array(ref.hessian_inertia(H, tol), dtype=np.float64)
    of_h, relative, untolerant = ref.slipgen.inertia_slips(H, tol)
    close(got, want, rtol=0, atol=0, name="the inertia", slips=[
        Slip("eigenvalues of H itself, not of its symmetric part (H + H^T)/2", of_h),
        Slip("a tolerance relative to the largest eigenvalue; the contract's tol is absolute", relative),
        Slip("no tolerance: round-off decides the sign of the zero eigenvalues", untolerant)])


