"""hw1's public checks of the forward and backward passes and of the mean-field
predictions (notes 2.1.1-2.1.2): deterministic, on weights and inputs the grader draws."""
import numpy as np

from autograder.api import Case, Slip, check, close, expect_sequence, rejects

from autograder.checks.hw1.public import RTOL_EXACT, RTOL_PROP


def grader_gaussian(rows, cols, seed):
    """A (rows, cols) matrix of iid N(0, 1) entries: inputs X or output gradients G."""
    return np.random.default_rng(seed).normal(size=(rows, cols))


# ---------------------------------------------------------------- forward / backward
PROP_CASES = [
    Case("linear", "linear", [6, 9, 5, 4], 7),
    Case("relu", "relu", [6, 9, 5, 4], 7),
    Case("tanh", "tanh", [5, 8, 8, 3], 3),
]


@check("forward_variances", points=1.0, cases=PROP_CASES)
def test_forward_variances(student, ref, case):
    act, widths, batch = case.args
    # the grader's own net: He-scaled Gaussian weights, a hidden helper's (they are what
    # init_weights(widths, "he", seed) returns, so nothing shipped draws them)
    Ws, X = ref.slipgen.grader_weights(widths, 11), grader_gaussian(widths[0], batch, 12)
    got = student.forward_variances(Ws, X, act)
    want = ref.forward_variances(Ws, X, act)
    slips = [Slip("the variance of the post-activations x_l = phi(h_l) instead of h_l",
                  ref.slipgen.wrong_forward(Ws, X, act, "post"))]
    if batch > 1:
        slips.append(Slip("a sum over the batch instead of the mean", ref.slipgen.wrong_forward(Ws, X, act, "sum")))
    close(got, want, rtol=RTOL_PROP, slips=slips, name="q")


@check("backward_variances", points=1.0, cases=PROP_CASES)
def test_backward_variances(student, ref, case):
    act, widths, batch = case.args
    Ws, X = ref.slipgen.grader_weights(widths, 21), grader_gaussian(widths[0], batch, 22)
    G = grader_gaussian(widths[-1], batch, 23)
    got = student.backward_variances(Ws, X, act, G)
    want = ref.backward_variances(Ws, X, act, G)
    slips = []
    if act != "linear":
        slips.append(Slip("D_l = diag(phi'(h_l)) is missing from the backward pass (2.4)",
                          ref.backward_variances(Ws, X, "linear", G)))
    if act in ("tanh", "erf"):
        slips.append(Slip("phi' evaluated at the post-activation x_l = phi(h_l) instead of h_l",
                          ref.slipgen.backward_post(Ws, X, act, G)))
    close(got, want, rtol=RTOL_PROP, slips=slips, name="delta")


# ---------------------------------------------------------------- predictions
PRED_CASES = [
    Case("linear_forward", [8, 16, 4, 12], "forward", "linear", 8.0, 1.0),
    Case("relu_he", [8, 16, 4, 12], "he", "relu", 3.0, 2.0),
    Case("relu_glorot", [5, 20, 10, 40, 3], "glorot", "relu", 5.0, 0.5),
]


@check("predicted_variances", points=1.0, cases=PRED_CASES)
def test_predicted_variances(student, ref, case):
    widths, scheme, act, xn2, dout = case.args
    got = expect_sequence(student.predicted_variances(*case.args), 2, "(q, delta)")
    want = ref.predicted_variances(*case.args)
    q_slips, d_slips = [], []
    if act == "relu":
        lin = ref.predicted_variances(widths, scheme, "linear", xn2, dout)
        q_slips.append(Slip("the ReLU factor 1/2 of (2.15) is missing", lin[0]))
        d_slips.append(Slip("the ReLU factor 1/2 of (2.17) is missing", lin[1]))
    close(got[0], want[0], rtol=RTOL_EXACT, slips=q_slips, name="q")
    close(got[1], want[1], rtol=RTOL_EXACT, slips=d_slips, name="delta")


# the predictions hold for linear and ReLU nets only: tanh must be refused
test_predicted_variances_rejects_tanh = rejects("predicted_variances", ValueError, points=0.5, cases=[
    Case("tanh_rejected", [4, 4, 4], "he", "tanh", 4.0, 1.0),
])
