"""hw11's public checks of the weight-space symmetries and Lemma 5 (notes 3.2-3.3).

rescale_layers and relu_loss_grads are compared with the reference, and
relu_loss_grads also with itself under the rescaling (3.52);
lemma5_first_layer and constant_loss_path with what every correct answer
shares: the net's output H_{L+1} (3.5), the end points of the path and its
continuity. The hidden cases are in ``hidden.py``.
"""
import numpy as np

from autograder.api import Case, Slip, check, close, expect_array, expect_scalar, expect_sequence, fail, rejects

from autograder.checks.hw11.inputs import (X5, W_RESCALE, full_row_rank_layers, gaussian, random_layers,
                                           regression_data)
from autograder.checks.hw11.public import ATOL_GRAD, RTOL_GRAD, RTOL_LOSS, expect_weights
from autograder.checks.hw11.theory import net_output, rescaled_gradient_factor

RTOL_LEMMA5 = 1e-9     # (3.22): inverses of matrices with condition numbers below ~1e2
PATH_OUTPUT = 1e-9     # the output along the path, relative to its size
PATH_END = 1e-8        # the end points of the path, relative to the weights' size
REFINE = 0.6           # a 4 times finer grid must shrink a continuous curve's largest step
                       # (the reference: 0.25-0.29 on these cases; a jump: 1)


# ---------------------------------------------------------------- rescale_layers
@check("rescale_layers", points=0.25, cases=[
    Case("middle_alpha_3", W_RESCALE, 1, 3.0),
    Case("first_alpha_0_4", W_RESCALE, 0, 0.4),
])
def test_rescale_layers(student, ref, case):
    ws, l, alpha = case.args
    got = expect_weights(student.rescale_layers(ws, l, alpha), [w.shape for w in ws], "the rescaled weights")
    want = ref.rescale_layers(ws, l, alpha)
    swapped, shifted = ref.slipgen.rescale_slips(ws, l, alpha)
    for k, (g, w) in enumerate(zip(got, want)):
        close(g, w, rtol=1e-14, atol=0.0, name=f"W_{k}", slips=[
            Slip("alpha and 1/alpha swapped: (3.52) divides W_{l+1} and multiplies W_l", swapped[k]),
            Slip("layers l - 1 and l rescaled instead of l and l + 1", shifted[k])])


test_rescale_layers_errors = rejects("rescale_layers", ValueError, points=0.25, cases=[
    Case("negative_alpha", W_RESCALE, 0, -2.0)])


# ---------------------------------------------------------------- relu_loss_grads
_X_AT_KINK, _Y_AT_KINK = regression_data(3, 2, 6, 1211)
_X_AT_KINK[:, 2] = [1.5, 1.5, -0.75]  # with the first row of W_0 below: a pre-activation exactly 0 (exact products)
_W_AT_KINK = random_layers([3, 5, 4, 2], 1214)
_W_AT_KINK[0][0] = [0.5, -0.5, 0.0]
RELU_CASES = [
    Case("three_layers", random_layers([3, 5, 4, 2], 1212), *regression_data(3, 2, 7, 1213)),
    Case("zero_preactivation", _W_AT_KINK, _X_AT_KINK, _Y_AT_KINK),
]


@check("relu_loss_grads", points=0.5, cases=RELU_CASES)
def test_relu_loss_grads(student, ref, case):
    ws, X, Y = case.args
    got = expect_sequence(student.relu_loss_grads(ws, X, Y), 2, "(loss, grads)")
    loss_w, grads_w = ref.relu_loss_grads(ws, X, Y)
    close(got[0], loss_w, rtol=RTOL_LOSS, atol=0.0, name="the loss", slips=[
        Slip("the loss divided by m; hw11 sums over the points", loss_w / X.shape[1])])
    at_zero, pre = ref.slipgen.relu_slips(ws, X, Y)
    for l, (g, w) in enumerate(zip(expect_sequence(got[1], len(ws), "the list of gradients"), grads_w)):
        close(g, w, rtol=RTOL_GRAD, atol=ATOL_GRAD * max(1.0, float(np.abs(w).max())), name=f"grad_{l}", slips=[
            Slip("relu'(0) taken as 1; the contract says relu'(0) = 0", at_zero[l]),
            Slip("grad_l = G_{l+1} H_l^T with the pre-activations; it is G_{l+1} X_l^T, X_l = relu(H_l)",
                 pre[l])])


# (3.52): at the rescaled point the gradients of layers l + 1 and l are
# alpha grad_{l+1} and grad_l / alpha, the others unchanged; the loss is kept.
@check("relu_loss_grads", points=0.5, aspect="rescaling", cases=[
    Case("middle_alpha_3", random_layers([3, 5, 4, 2], 1221), *regression_data(3, 2, 7, 1222), 1, 3.0),
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
        factor = rescaled_gradient_factor(k, l, alpha)
        a, b = expect_array(g1[k], ws[k].shape, f"grad_{k}"), expect_array(g0[k], ws[k].shape, f"grad_{k}")
        if not np.allclose(a, factor * b, rtol=1e-9, atol=1e-12 * max(1.0, float(np.abs(b).max()))):
            fail(f"after rescaling, your grad_{k} is not {factor:g} times the old one, as (3.52) requires "
                 "(x_{l+1} scales by alpha, the backpropagated G_{l+1} by 1/alpha). Next: build the "
                 "backward pass (3.6) from the stored pre-activations of this call.")


# ---------------------------------------------------------------- lemma5_first_layer
LEMMA5_CASES = [
    Case("linear", full_row_rank_layers([5, 3, 2], 1232), X5, gaussian((2, 4), 1233), "linear"),
    Case("leaky_relu", full_row_rank_layers([5, 4, 2], 1234), X5, gaussian((2, 4), 1235), "leaky_relu"),
    Case("asinh", full_row_rank_layers([5, 3], 1236), X5, gaussian((3, 4), 1237), "asinh"),
]


_LEMMA5_SLIPS = (
    "X^+ = X^T without (X^T X)^{-1}: X^T X is not the identity",
    "W_l^+ = W_l^T without (W_l W_l^T)^{-1}",
    "phi applied where (3.22) needs phi^{-1} (for leaky_relu: negatives multiplied by 0.1 instead of divided)")


@check("lemma5_first_layer", points=0.5, cases=LEMMA5_CASES)
def test_lemma5_first_layer(student, ref, case):
    ws, X, H, act = case.args
    want = ref.lemma5_first_layer(ws, X, H, act)
    got = expect_array(student.lemma5_first_layer(ws, X, H, act), want.shape, "W~_0")
    out = net_output([got, *ws], X, act)
    scale = max(1.0, float(np.abs(H).max()))
    reproduces = bool(np.all(np.isfinite(out)) and np.abs(out - H).max() <= RTOL_LEMMA5 * scale)
    if reproduces and not np.allclose(got, want, rtol=RTOL_LEMMA5, atol=RTOL_LEMMA5 * float(np.abs(want).max())):
        fail("your W~_0 reproduces the target output, but it is not the contract's W~_0 = H~_1 X^+ with "
             "X^+ = (X^T X)^{-1} X^T: with n_0 > m, X has many left inverses (and W_l many right "
             "inverses). Next: use the Moore-Penrose ones, W_l^+ = W_l^T (W_l W_l^T)^{-1}.")
    close(got, want, rtol=RTOL_LEMMA5, atol=RTOL_LEMMA5 * float(np.abs(want).max()), name="W~_0",
          slips=[Slip(text, value) for text, value in zip(_LEMMA5_SLIPS, ref.slipgen.lemma5_slips(ws, X, H, act))])


test_lemma5_first_layer_errors = rejects("lemma5_first_layer", ValueError, points=0.25, cases=[
    Case("tanh_not_onto", full_row_rank_layers([5, 3], 1243), X5, np.zeros((3, 4)), "tanh"),
])


# ---------------------------------------------------------------- constant_loss_path
PATH_CASES = [
    Case("asinh_two_layers", random_layers([6, 5, 3], 1251, 1.5), X5, "asinh"),
    Case("leaky_three_layers", random_layers([6, 5, 4, 2], 1252, 1.5), X5, "leaky_relu"),
    Case("linear", random_layers([6, 5, 3], 1253, 1.5), X5, "linear"),
]
TS_COARSE, TS_FINE = np.linspace(0.0, 1.0, 21), np.linspace(0.0, 1.0, 81)


@check("constant_loss_path", points=1.0, cases=PATH_CASES)
def test_constant_loss_path(student, ref, case):
    ws, X, act = case.args
    H = net_output(ws, X, act)
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
    drift = max(float(np.abs(net_output([p, *ws[1:]], X, act) - H).max()) for p in path)
    if not drift <= PATH_OUTPUT * max(1.0, float(np.abs(H).max())):
        # the straight line between the path's own end points (checked above to be W_0 and W~_0)
        line = (1 - TS_COARSE)[:, None, None] * path[0] + TS_COARSE[:, None, None] * path[-1]
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


test_constant_loss_path_errors = rejects("constant_loss_path", ValueError, points=0.25, cases=[
    Case("tanh_not_onto", random_layers([6, 5, 3], 1255), X5, "tanh", TS_COARSE)])
