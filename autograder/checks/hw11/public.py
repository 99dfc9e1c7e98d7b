"""hw11's public checks: the landscape of deep nets (notes 3.1-3.3).

No hw11 function is random, so every check is deterministic: values are
compared with the reference on grader-chosen inputs, and where the contract
leaves a choice (the sign of an eigenvector, which constant-loss curve) the
check tests the properties every correct answer shares: zero gradients, the
product of the layers, a constant output, the end points and continuity.
Calls on ``ref`` use grader-chosen inputs only, so public cases replay from
the fixtures; checks that feed a student's output to the reference are hidden.

The hidden cases and checks are in ``hidden.py`` (not shipped to students).
"""
import math

import numpy as np
from scipy.special import erf, expit

from autograder.api import (Case, Slip, check, close, expect_array, expect_int, expect_raises,
                            expect_scalar, expect_sequence, fail)

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
RTOL_LEMMA5 = 1e-9     # (3.22): inverses of matrices with condition numbers below ~1e2
PATH_OUTPUT = 1e-9     # the output along the path, relative to its size
PATH_END = 1e-8        # the end points of the path, relative to the weights' size
REFINE = 0.6           # a 4 times finer grid must shrink a continuous curve's largest step
                       # (the reference: 0.25-0.29 on these cases; a jump: 1)


def _rng(seed):
    return np.random.default_rng(seed)


_PHI = {"linear": lambda t: t, "relu": lambda t: np.maximum(t, 0.0), "tanh": np.tanh, "erf": erf,
        "sigmoid": expit, "square": lambda t: t * t, "leaky_relu": lambda t: np.where(t >= 0, t, 0.1 * t),
        "asinh": np.arcsinh}


def _flat(ws):
    return np.concatenate([np.asarray(w, dtype=np.float64).ravel() for w in ws])


def _expect_weights(got, shapes, name="the weights"):
    got = expect_sequence(got, len(shapes), name)
    return [expect_array(w, s, f"{name}[{l}]") for l, (w, s) in enumerate(zip(got, shapes))]


def _chain(ws):
    out = ws[0]
    for w in ws[1:]:
        out = w @ out
    return out


# ---------------------------------------------------------------- feature_ranks
def _ranks_of(ws, X, act, biases=None, pre=False, tol=None):
    """Ranks of hidden features by the grader's forward pass (slips: pre-activations, no tolerance)."""
    ranks, x = [], X
    for l, w in enumerate(ws):
        h = w @ x + (0.0 if biases is None else np.asarray(biases[l])[:, None])
        x = _PHI[act](h)
        m = h if pre else x
        if tol is None:
            ranks.append(int(np.linalg.matrix_rank(m)))
        else:
            ranks.append(int(np.sum(np.linalg.svd(m, compute_uv=False) > tol)))
    return ranks


def _pm_inputs(n0, m, pairs, seed):
    """m distinct inputs, the last ``pairs`` of them the negatives of the first ``pairs``."""
    X = _rng(seed).standard_normal((n0, m))
    X[:, m - pairs:] = -X[:, :pairs]
    return X


def _ws(widths, seed, scale=1.0):
    rng = _rng(seed)
    return [scale * rng.standard_normal((widths[l + 1], widths[l])) / math.sqrt(widths[l])
            for l in range(len(widths) - 1)]


def _bs(widths, seed):
    rng = _rng(seed)
    return [0.5 * rng.standard_normal(n) for n in widths[1:]]


_X8 = _rng(1101).standard_normal((3, 8))
_XPM = _pm_inputs(3, 8, 3, 1102)
_X7 = _rng(1103).standard_normal((2, 7))
RANK_CASES = [
    Case("tanh_biases_wide", _ws([3, 9, 10], 1111), _X8, "tanh", _bs([3, 9, 10], 1112)),
    Case("tanh_no_bias_x_and_minus_x", _ws([3, 9, 10], 1113), _XPM, "tanh"),
    Case("square_two_layers", _ws([2, 6, 8], 1114), _X7, "square"),
    Case("linear_deep", _ws([3, 10, 10, 10], 1115), _X8, "linear"),
    Case("tanh_narrow_then_wide", _ws([3, 5, 12], 1116), _X8, "tanh", _bs([3, 5, 12], 1117)),
    Case("tanh_biases_x_and_minus_x", _ws([3, 9, 10], 1118), _XPM, "tanh", _bs([3, 9, 10], 1119)),
]


@check("feature_ranks", points=0.25, cases=RANK_CASES)
def test_feature_ranks(student, ref, case):
    ws, X, act = case.args[:3]
    biases = case.args[3] if len(case.args) > 3 else None
    got = expect_sequence(student.feature_ranks(ws, X, act, biases), len(ws), "the list of ranks")
    got = np.array([float(expect_int(r, f"rank of X_{l + 1}")) for l, r in enumerate(got)])
    want = np.array(ref.feature_ranks(ws, X, act, biases), dtype=np.float64)
    slips = [Slip("ranks of the pre-activations H_l instead of the features X_l = phi(H_l)",
                  _ranks_of(ws, X, act, biases, pre=True)),
             Slip("singular values counted with s > 0, without NumPy's tolerance",
                  _ranks_of(ws, X, act, biases, tol=0.0))]
    if biases is not None:
        slips.insert(0, Slip("the biases are not added (H_{l+1} = W_l X_l + b_l)", _ranks_of(ws, X, act)))
    close(got, want, rtol=0, atol=0, slips=slips, name="the ranks")


@check("feature_ranks", points=0.25, aspect="errors", cases=[
    Case("unknown_activation", [np.eye(2)], np.eye(2), "softplus"),
])
def test_feature_ranks_errors(student, ref, case):
    expect_raises(student.feature_ranks, ValueError, *case.args)


# ---------------------------------------------------------------- polynomial_feature_dim
@check("polynomial_feature_dim", points=0.25, cases=[
    Case("quadratics_in_3", 3, 2), Case("quartics_in_2", 2, 4), Case("linear_in_5", 5, 1),
])
def test_polynomial_feature_dim(student, ref, case):
    n0, d = case.args
    got = expect_int(student.polynomial_feature_dim(n0, d), "the dimension", python_int=True)
    want = ref.polynomial_feature_dim(n0, d)
    close(float(got), float(want), rtol=0, atol=0, name="the dimension", slips=[
        Slip("C(n0 + degree, degree): all monomials of degree <= d, but features without biases are "
             "homogeneous of degree exactly d", float(math.comb(n0 + d, d))),
        Slip("n0^degree counts ordered products; x1 x2 = x2 x1", float(n0 ** d)),
        Slip("n0 (n0 + 1)/2 is the degree-2 count; degree d needs C(n0 + d - 1, d)", float(n0 * (n0 + 1) // 2)),
    ])
    if got != want:     # integers of any size: exact
        fail(f"got {got}, expected {want}.")


@check("polynomial_feature_dim", points=0.25, aspect="errors", cases=[
    Case("no_variables", 0, 2)])
def test_polynomial_feature_dim_errors(student, ref, case):
    expect_raises(student.polynomial_feature_dim, ValueError, *case.args)


# ---------------------------------------------------------------- deep_linear_loss_grads
def _data(n0, nout, m, seed):
    rng = _rng(seed)
    return rng.standard_normal((n0, m)), rng.standard_normal((nout, m))


_SQ = _ws([3, 3, 3, 3], 1131, scale=1.3)
_XS, _YS = _data(3, 3, 3, 1132)
LIN_CASES = [
    Case("two_layers", _ws([3, 4, 2], 1133), *_data(3, 2, 6, 1134)),
    Case("square_widths", _SQ, _XS, _YS),
]


def _linear_grads_untransposed(ws, X, Y):
    g = (_chain(ws) @ X - Y) @ X.T
    out = []
    for l in range(len(ws)):
        left = _chain(ws[l + 1:]) if l + 1 < len(ws) else np.eye(g.shape[0])
        right = _chain(ws[:l]) if l > 0 else np.eye(g.shape[1])
        if left.shape[1] != g.shape[0] or g.shape[1] != right.shape[0]:
            return None
        out.append(left @ g @ right)
    return out


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
    wrong = _linear_grads_untransposed(ws, X, Y)
    for l, (g, w) in enumerate(zip(grads, grads_w)):
        slips = [Slip("grad L~(A) = (A X - Y) X^T divided by m", w / m)]
        if wrong is not None:
            slips.append(Slip("W_{l+1,+} and W_{l-1,-} are not transposed in (3.29)", wrong[l]))
        close(g, w, rtol=RTOL_GRAD, atol=ATOL_GRAD * max(1.0, float(np.abs(w).max())),
              name=f"grad_{l}", slips=slips)


# Scaling (W_{l+1}, W_l) to (W_{l+1}/alpha, alpha W_l) keeps A, so a critical
# point stays critical (3.52): the student's gradients there must vanish.
def _critical_case(widths, subset, seed, alpha_l=(0, 2.5)):
    X, Y = _data(widths[0], widths[-1], 9, seed)
    return (X, Y, list(widths), list(subset), *alpha_l)


@check("deep_linear_loss_grads", points=0.5, aspect="rescaled_critical", cases=[
    Case("three_layers_l0", *_critical_case([3, 4, 4, 3], [0, 2], 1141, (0, 2.5))),
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
def _fortran_permutation(shapes):
    idx, off = [], 0
    for s in shapes:
        idx.append(off + np.arange(s[0] * s[1]).reshape(s).ravel(order="F"))
        off += s[0] * s[1]
    return np.concatenate(idx)


def _gauss_newton(ws, X):
    """J^T J with J the Jacobian of vec(A X): the Hessian without its second-order term."""
    def prod(part, n):
        return _chain(part) if part else np.eye(n)
    cols = []
    for l, w in enumerate(ws):
        left, right = prod(ws[l + 1:], w.shape[0]), prod(ws[:l], w.shape[1]) @ X
        for i in range(w.size):
            d = np.zeros(w.size)
            d[i] = 1.0
            cols.append((left @ d.reshape(w.shape) @ right).ravel())
    J = np.array(cols).T
    return J.T @ J


HESS_CASES = [
    Case("three_layers", _ws([2, 3, 3, 2], 1151, 1.2), *_data(2, 2, 5, 1152)),
    Case("two_layers", _ws([3, 2, 2], 1153, 1.2), *_data(3, 2, 6, 1154)),
]


@check("deep_linear_hessian", points=0.5, cases=HESS_CASES)
def test_deep_linear_hessian(student, ref, case):
    ws, X, Y = case.args
    want = ref.deep_linear_hessian(ws, X, Y)
    got = student.deep_linear_hessian(ws, X, Y)
    perm = _fortran_permutation([w.shape for w in ws])
    close(got, want, rtol=RTOL_HESS, atol=ATOL_HESS * float(np.abs(want).max()), name="the Hessian", slips=[
        Slip("the Gauss-Newton part J^T J alone: the second-order term <A X - Y, d^2(A) X> of the "
             "product is missing", _gauss_newton(ws, X)),
        Slip("each W_l flattened column by column (order='F'); the contract uses W_l.ravel()",
             want[np.ix_(perm, perm)])])


# At a critical point the rescaling orbit alpha -> (W_{l+1}/alpha, alpha W_l)
# stays critical with the same loss, so its tangent (-W_{l+1}, W_l) is a
# zero-curvature direction: H v = 0. Critical points are not isolated
# (assumption 5 of 3.3.1).
@check("deep_linear_hessian", points=0.5, aspect="orbit", cases=[
    Case("three_layers_l1", *_critical_case([3, 4, 4, 3], [0, 2], 1161, (1, 1.0))),
])
def test_deep_linear_hessian_orbit(student, ref, case):
    X, Y, widths, subset, l, _ = case.args
    ws = ref.linear_critical_point(X, Y, widths, subset)
    P = sum(w.size for w in ws)
    H = expect_array(student.deep_linear_hessian(ws, X, Y), (P, P), "the Hessian")
    v = [np.zeros_like(w) for w in ws]
    v[l + 1], v[l] = -ws[l + 1], ws[l]
    v = _flat(v)
    hv = H @ v
    if not np.linalg.norm(hv) <= 1e-8 * np.abs(H).max() * np.linalg.norm(v):
        fail(f"at a critical point, H v = {np.linalg.norm(hv):.3g} (norm) along v = (-W_{l + 1}, W_{l}), the "
             "tangent of the rescaling orbit (3.52), on which the loss is constant: H v must vanish. "
             "Next: check the mixed blocks d^2 L / dW_l dW_k of your Hessian.")


# ---------------------------------------------------------------- hessian_inertia
def _sym_with_eigs(eigs, seed):
    q = np.linalg.qr(_rng(seed).standard_normal((len(eigs), len(eigs))))[0]
    return (q * np.asarray(eigs, dtype=np.float64)) @ q.T


_NONSYM = np.array([[1.0, 4.0], [0.0, 1.0]])           # eigenvalues 1, 1; symmetric part -1, 3
INERTIA_CASES = [
    Case("diag", np.diag([-1.0, 0.0, 2.0, 3.0])),
    Case("rotated", _sym_with_eigs([-2.0, -5e-8, 0.0, 0.5, 40.0], 1171)),
    Case("non_symmetric", _NONSYM),
    Case("below_tol_counts_zero", _sym_with_eigs([5e-9, -5e-9, 1.0, 1e3], 1172), 1e-8),
]


@check("hessian_inertia", points=0.25, cases=INERTIA_CASES)
def test_hessian_inertia(student, ref, case):
    H = case.args[0]
    tol = case.args[1] if len(case.args) > 1 else 1e-8
    got = expect_sequence(student.hessian_inertia(H, tol), 3, "(n_neg, n_zero, n_pos)")
    got = np.array([float(expect_int(c, "a count")) for c in got])
    want = np.array(ref.hessian_inertia(H, tol), dtype=np.float64)
    ev = np.linalg.eigvals(H).real
    evs = np.linalg.eigvalsh(0.5 * (H + H.T))
    scale = max(1.0, float(np.abs(evs).max()))
    close(got, want, rtol=0, atol=0, name="the inertia", slips=[
        Slip("eigenvalues of H itself, not of its symmetric part (H + H^T)/2",
             [np.sum(ev < -tol), np.sum(np.abs(ev) <= tol), np.sum(ev > tol)]),
        Slip("a tolerance relative to the largest eigenvalue; the contract's tol is absolute",
             [np.sum(evs < -tol * scale), np.sum(np.abs(evs) <= tol * scale), np.sum(evs > tol * scale)]),
        Slip("no tolerance: round-off decides the sign of the zero eigenvalues",
             [np.sum(evs < 0), np.sum(evs == 0), np.sum(evs > 0)])])


# ---------------------------------------------------------------- linear_critical_point
CRIT_CASES = [
    Case("two_layers_second", *_critical_case([3, 3, 3], [1], 1181)[:4]),
    Case("three_layers_0_2", *_critical_case([3, 4, 4, 3], [0, 2], 1182)[:4]),
    Case("empty_subset", *_critical_case([2, 3, 2], [], 1183)[:4]),
]


def _a_star_variants(X, Y):
    """A* and the eigenvectors of the slips: ascending order, no (X X^T)^{-1}, Y Y^T."""
    a_star = np.linalg.solve(X @ X.T, X @ Y.T).T
    u = np.linalg.eigh(a_star @ X @ Y.T)[1]
    u2 = np.linalg.eigh(Y @ X.T @ X @ Y.T)[1]
    u3 = np.linalg.eigh(Y @ Y.T)[1]
    return a_star, u, u2[:, ::-1], u3[:, ::-1]


@check("linear_critical_point", points=0.5, cases=CRIT_CASES)
def test_linear_critical_point_product(student, ref, case):
    """The product of the layers (sign-free), the shapes and the loss."""
    X, Y, widths, subset = case.args
    shapes = [(widths[l + 1], widths[l]) for l in range(len(widths) - 1)]
    ws = _expect_weights(student.linear_critical_point(X, Y, widths, subset), shapes)
    want = _chain(ref.linear_critical_point(X, Y, widths, subset))
    a_star, u_asc, u_nox, u_yy = _a_star_variants(X, Y)
    proj = lambda u: u[:, subset] @ u[:, subset].T  # noqa: E731
    close(_chain(ws), want, rtol=1e-9, atol=1e-10 * float(np.abs(a_star).max()), name="W_L ... W_0", slips=[
        Slip("the eigenvalues taken in ascending order; index 0 is the largest", proj(u_asc) @ a_star),
        Slip("A* = Y X^T without (X X^T)^{-1}", proj(u_nox) @ Y @ X.T),
        Slip("A* = Y X^T without (X X^T)^{-1} (eigenvectors of Sigma, but the inverse is missing in W_0)",
             proj(u_asc[:, ::-1]) @ Y @ X.T),
        Slip("eigenvectors of Y Y^T instead of Sigma = Y X^T (X X^T)^{-1} X Y^T", proj(u_yy) @ a_star)])


@check("linear_critical_point", points=0.25, aspect="errors", cases=[
    Case("too_many_directions", *_critical_case([3, 2, 3], [0, 1, 2], 1186)[:4]),
])
def test_linear_critical_point_errors(student, ref, case):
    expect_raises(student.linear_critical_point, ValueError, *case.args)


# ---------------------------------------------------------------- classify_linear_critical_point
# Two layers: every non-global critical point is a strict saddle. Three or
# more: a point whose product is the best of lower rank is a saddle with a
# positive semi-definite Hessian (moving in a new direction must pass through
# every zero block of the middle layers, which is of order >= 3 in the step).
CLASS_CASES = [
    Case("two_layers_top1", *_critical_case([3, 3, 3], [0], 1191)[:4]),
    Case("two_layers_all", *_critical_case([3, 3, 3], [0, 1, 2], 1191)[:4]),
    Case("three_layers_top1", *_critical_case([3, 4, 4, 3], [0], 1192)[:4]),
    Case("three_layers_skip", *_critical_case([3, 4, 4, 3], [0, 2], 1192)[:4]),
    Case("three_layers_origin", *_critical_case([3, 4, 4, 3], [], 1192)[:4]),
]


@check("classify_linear_critical_point", points=0.25, cases=CLASS_CASES)
def test_classify_linear_critical_point(student, ref, case):
    X, Y, widths, subset = case.args
    got = student.classify_linear_critical_point(X, Y, widths, subset)
    want = ref.classify_linear_critical_point(X, Y, widths, subset)
    if got == want:
        return
    depth = len(widths) - 1
    r = min(widths)
    why = {
        ("strict_saddle", "non_strict_saddle"):
            f"with {depth} layers this saddle's Hessian has no negative eigenvalue (smallest >= -1e-8): "
            "every escape direction passes through zero blocks of at least two layers, so the loss "
            "changes at third order. Not every saddle is strict (assumption 4 of 3.3.1).",
        ("global_minimum", "non_strict_saddle"):
            f"its loss is the best of rank {len(subset)}, but these widths allow rank {r}: compare with "
            f"1/2 (||Y||^2 - sum of the {r} largest eigenvalues).",
        ("non_strict_saddle", "strict_saddle"):
            "its Hessian has a negative eigenvalue: look at the eigenvalues of the full Hessian with a "
            "tolerance relative to the largest one.",
        ("global_minimum", "strict_saddle"):
            f"its loss is above 1/2 (||Y||^2 - sum of the {r} largest eigenvalues), reached by the top {r} "
            "eigenvectors.",
        ("strict_saddle", "global_minimum"): "its loss is the global minimum: compare the loss first.",
        ("non_strict_saddle", "global_minimum"): "its loss is the global minimum: compare the loss first.",
    }.get((got, want), "")
    fail(f"returned {got!r}, expected {want!r} for widths {widths}, subset {subset}: {why} Next: compute "
         "the loss at linear_critical_point, compare it with the global minimum, then the Hessian's "
         "smallest eigenvalue.")


# ---------------------------------------------------------------- rescale_layers
_WR = _ws([3, 4, 5, 2], 1201)


@check("rescale_layers", points=0.25, cases=[
    Case("middle_alpha_3", _WR, 1, 3.0),
    Case("first_alpha_0_4", _WR, 0, 0.4),
])
def test_rescale_layers(student, ref, case):
    ws, l, alpha = case.args
    got = _expect_weights(student.rescale_layers(ws, l, alpha), [w.shape for w in ws], "the rescaled weights")
    want = ref.rescale_layers(ws, l, alpha)
    swapped = [w.copy() for w in ws]
    swapped[l + 1], swapped[l] = ws[l + 1] * alpha, ws[l] / alpha
    shifted = [w.copy() for w in ws]
    if l > 0:
        shifted[l], shifted[l - 1] = ws[l] / alpha, ws[l - 1] * alpha
    for k, (g, w) in enumerate(zip(got, want)):
        close(g, w, rtol=1e-14, atol=0.0, name=f"W_{k}", slips=[
            Slip("alpha and 1/alpha swapped: (3.52) divides W_{l+1} and multiplies W_l", swapped[k]),
            Slip("layers l - 1 and l rescaled instead of l and l + 1", shifted[k])])


@check("rescale_layers", points=0.25, aspect="errors", cases=[
    Case("negative_alpha", _WR, 0, -2.0)])
def test_rescale_layers_errors(student, ref, case):
    expect_raises(student.rescale_layers, ValueError, *case.args)


# ---------------------------------------------------------------- relu_loss_grads
def _relu_slips(ws, X, Y):
    """Gradients with relu'(0) = 1 and with H_l in place of X_l (grader's own backprop, for hints)."""
    def run(step_at_zero, use_pre):
        xs, hs = [X], []
        for w in ws[:-1]:
            hs.append(w @ xs[-1])
            xs.append(np.maximum(hs[-1], 0.0))
        g, out = ws[-1] @ xs[-1] - Y, [None] * len(ws)
        for l in range(len(ws) - 1, -1, -1):
            out[l] = g @ ((hs[l - 1] if use_pre and l > 0 else xs[l]).T)
            if l > 0:
                mask = (hs[l - 1] >= 0) if step_at_zero else (hs[l - 1] > 0)
                g = mask * (ws[l].T @ g)
        return out
    return run(True, False), run(False, True)


_XZ, _YZ = _data(3, 2, 6, 1211)
_XZ[:, 2] = [1.5, 1.5, -0.75]        # with the first row of W_0 below: a pre-activation exactly 0 (exact products)
_WZ = _ws([3, 5, 4, 2], 1214)
_WZ[0][0] = [0.5, -0.5, 0.0]
RELU_CASES = [
    Case("three_layers", _ws([3, 5, 4, 2], 1212), *_data(3, 2, 7, 1213)),
    Case("zero_preactivation", _WZ, _XZ, _YZ),
]


@check("relu_loss_grads", points=0.5, cases=RELU_CASES)
def test_relu_loss_grads(student, ref, case):
    ws, X, Y = case.args
    got = expect_sequence(student.relu_loss_grads(ws, X, Y), 2, "(loss, grads)")
    loss_w, grads_w = ref.relu_loss_grads(ws, X, Y)
    close(got[0], loss_w, rtol=RTOL_LOSS, atol=0.0, name="the loss", slips=[
        Slip("the loss divided by m; hw11 sums over the points", loss_w / X.shape[1])])
    at_zero, pre = _relu_slips(ws, X, Y)
    for l, (g, w) in enumerate(zip(expect_sequence(got[1], len(ws), "the list of gradients"), grads_w)):
        close(g, w, rtol=RTOL_GRAD, atol=ATOL_GRAD * max(1.0, float(np.abs(w).max())), name=f"grad_{l}", slips=[
            Slip("relu'(0) taken as 1; the contract says relu'(0) = 0", at_zero[l]),
            Slip("grad_l = G_{l+1} H_l^T with the pre-activations; it is G_{l+1} X_l^T, X_l = relu(H_l)",
                 pre[l])])


# (3.52): at the rescaled point the gradients of layers l + 1 and l are
# alpha grad_{l+1} and grad_l / alpha, the others unchanged; the loss is kept.
@check("relu_loss_grads", points=0.5, aspect="rescaling", cases=[
    Case("middle_alpha_3", _ws([3, 5, 4, 2], 1221), *_data(3, 2, 7, 1222), 1, 3.0),
])
def test_relu_gradients_under_rescaling(student, ref, case):
    ws, X, Y, l, alpha = case.args
    base = expect_sequence(student.relu_loss_grads(ws, X, Y), 2, "(loss, grads)")
    moved = expect_sequence(student.relu_loss_grads(ref.rescale_layers(ws, l, alpha), X, Y), 2, "(loss, grads)")
    l0, l1 = float(expect_scalar(base[0], "the loss")), float(expect_scalar(moved[0], "the loss"))
    if not abs(l1 - l0) <= 1e-12 * max(abs(l0), 1.0):
        fail(f"your loss changes from {l0:.12g} to {l1:.12g} when (W_{l + 1}, W_{l}) -> "
             f"(W_{l + 1}/{alpha}, {alpha} W_{l}); relu(alpha z) = alpha relu(z) for alpha > 0 makes it equal.")
    g0 = expect_sequence(base[1], len(ws), "the list of gradients")
    g1 = expect_sequence(moved[1], len(ws), "the list of gradients")
    for k in range(len(ws)):
        factor = alpha if k == l + 1 else (1 / alpha if k == l else 1.0)
        a, b = expect_array(g1[k], ws[k].shape, f"grad_{k}"), expect_array(g0[k], ws[k].shape, f"grad_{k}")
        if not np.allclose(a, factor * b, rtol=1e-9, atol=1e-12 * max(1.0, float(np.abs(b).max()))):
            fail(f"after rescaling, your grad_{k} is not {factor:g} times the old one, as (3.52) requires "
                 "(x_{l+1} scales by alpha, the backpropagated G_{l+1} by 1/alpha). Next: build the "
                 "backward pass (3.6) from the stored pre-activations of this call.")


# ---------------------------------------------------------------- lemma5_first_layer
def _full_row_rank(widths, seed):
    return [w for w in _ws(widths, seed, 1.5)]


def _forward(ws, X, act):
    h = ws[0] @ X
    for w in ws[1:]:
        h = w @ _PHI[act](h)
    return h


_X5 = _rng(1231).standard_normal((6, 4))
LEMMA5_CASES = [
    Case("linear", _full_row_rank([5, 3, 2], 1232), _X5, _rng(1233).standard_normal((2, 4)), "linear"),
    Case("leaky_relu", _full_row_rank([5, 4, 2], 1234), _X5, _rng(1235).standard_normal((2, 4)), "leaky_relu"),
    Case("asinh", _full_row_rank([5, 3], 1236), _X5, _rng(1237).standard_normal((3, 4)), "asinh"),
]


def _lemma5_slips(ws, X, H, act):
    inv = {"linear": lambda x: x, "leaky_relu": lambda x: np.where(x >= 0, x, x / 0.1), "asinh": np.sinh}[act]
    def run(winv, xinv, phi_inv):
        h = H
        for w in reversed(ws):
            h = phi_inv(winv(w) @ h)
        return h @ xinv
    good_w = lambda w: w.T @ np.linalg.inv(w @ w.T)  # noqa: E731
    xpinv = np.linalg.solve(X.T @ X, X.T)
    out = [("X^+ = X^T without (X^T X)^{-1}: X^T X is not the identity", run(good_w, X.T, inv)),
           ("W_l^+ = W_l^T without (W_l W_l^T)^{-1}", run(lambda w: w.T, xpinv, inv)),
           (("phi applied where (3.22) needs phi^{-1} (for leaky_relu: negatives multiplied by 0.1 "
             "instead of divided)"), run(good_w, xpinv, _PHI[act]))]
    return [Slip(d, v) for d, v in out]


@check("lemma5_first_layer", points=0.5, cases=LEMMA5_CASES)
def test_lemma5_first_layer(student, ref, case):
    ws, X, H, act = case.args
    want = ref.lemma5_first_layer(ws, X, H, act)
    got = expect_array(student.lemma5_first_layer(ws, X, H, act), want.shape, "W~_0")
    out = _forward([got, *ws], X, act)
    scale = max(1.0, float(np.abs(H).max()))
    reproduces = bool(np.all(np.isfinite(out)) and np.abs(out - H).max() <= RTOL_LEMMA5 * scale)
    if reproduces and not np.allclose(got, want, rtol=RTOL_LEMMA5, atol=RTOL_LEMMA5 * float(np.abs(want).max())):
        fail("your W~_0 reproduces the target output, but it is not the contract's W~_0 = H~_1 X^+ with "
             "X^+ = (X^T X)^{-1} X^T: with n_0 > m, X has many left inverses (and W_l many right "
             "inverses). Next: use the Moore-Penrose ones, W_l^+ = W_l^T (W_l W_l^T)^{-1}.")
    close(got, want, rtol=RTOL_LEMMA5, atol=RTOL_LEMMA5 * float(np.abs(want).max()), name="W~_0",
          slips=_lemma5_slips(ws, X, H, act))


@check("lemma5_first_layer", points=0.25, aspect="errors", cases=[
    Case("tanh_not_onto", _full_row_rank([5, 3], 1243), _X5, np.zeros((3, 4)), "tanh"),
])
def test_lemma5_first_layer_errors(student, ref, case):
    expect_raises(student.lemma5_first_layer, ValueError, *case.args)


# ---------------------------------------------------------------- constant_loss_path
PATH_CASES = [
    Case("asinh_two_layers", _ws([6, 5, 3], 1251, 1.5), _X5, "asinh"),
    Case("leaky_three_layers", _ws([6, 5, 4, 2], 1252, 1.5), _X5, "leaky_relu"),
    Case("linear", _ws([6, 5, 3], 1253, 1.5), _X5, "linear"),
]
TS_COARSE, TS_FINE = np.linspace(0.0, 1.0, 21), np.linspace(0.0, 1.0, 81)


@check("constant_loss_path", points=1.0, cases=PATH_CASES)
def test_constant_loss_path(student, ref, case):
    ws, X, act = case.args
    H = _forward(ws, X, act)
    end = ref.lemma5_first_layer(ws[1:], X, H, act)
    path = expect_array(student.constant_loss_path(ws, X, act, TS_COARSE), (len(TS_COARSE), *ws[0].shape),
                        "the path")
    size = max(float(np.abs(ws[0]).max()), float(np.abs(end).max()))
    if not np.all(np.isfinite(path)):
        fail("the path has non-finite entries. Next: phi^{-1} must be defined on every feature the path visits.")
    if not np.abs(path[0] - ws[0]).max() <= PATH_END * size:
        fail("W_0(0) is not the given W_0: the curve must start at the net's own first layer.")
    if not np.abs(path[-1] - end).max() <= PATH_END * size:
        fail("W_0(1) is not h(W_{1:L}, H_{L+1}) of (3.22) (the lemma5_first_layer of the net's own output). "
             "Next: end the curve where Lemma 5 says.")
    drift = max(float(np.abs(_forward([p, *ws[1:]], X, act) - H).max()) for p in path)
    if not drift <= PATH_OUTPUT * max(1.0, float(np.abs(H).max())):
        line = (1 - TS_COARSE)[:, None, None] * ws[0] + TS_COARSE[:, None, None] * end
        straight = np.abs(path - line).max() <= PATH_END * size
        fail(f"the output H_{{L+1}} moves by up to {drift:.3g} along your path, so the loss is not constant. "
             + ("This looks like: the straight line from W_0 to W~_0, which keeps the output only for a "
                "linear phi. " if straight else "")
             + "Next: move the features X_l(t) inside the set where W_l X_l(t) = H_{l+1}(t), from the top "
               "layer down, and solve W_0(t) X = H_1(t).")
    fine = expect_array(student.constant_loss_path(ws, X, act, TS_FINE), (len(TS_FINE), *ws[0].shape), "the path")
    step_c = float(np.abs(np.diff(path, axis=0)).max())
    step_f = float(np.abs(np.diff(fine, axis=0)).max())
    if step_c > 1e-9 * size and not step_f <= REFINE * step_c:
        fail(f"a 4 times finer grid of t leaves the largest step of W_0(t) at {step_f:.3g} (it was {step_c:.3g}): "
             "the curve jumps. Next: make W_0(t) a continuous function of t.")


@check("constant_loss_path", points=0.25, aspect="errors", cases=[
    Case("tanh_not_onto", _ws([6, 5, 3], 1255), _X5, "tanh", TS_COARSE)])
def test_constant_loss_path_errors(student, ref, case):
    expect_raises(student.constant_loss_path, ValueError, *case.args)
