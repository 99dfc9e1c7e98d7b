"""hw4's public checks: wide nets have no bad local minima (notes 3.1-3.2).

Deterministic functions are compared with the reference on grader-chosen
inputs. The three random functions (full_rank_probability, train_two_layer,
deep_linear_gap) are judged by what every correct submission shares whatever
its order of draws: exact answers that theory forces (rank 0 or m, loss
bounds, the same init for the same seed), statistics compared with theory
or with reference samples drawn at other seeds, and convergence in every seed
where the theorems promise it.

The hidden cases of these checks are in ``hidden.py`` (not shipped to students).
This file holds the checks of hidden_features, numerical_rank and
output_layer_optimum and the grader's data helpers; full_rank_probability's are
in ``public_full_rank.py``, train_two_layer's in ``public_training.py`` and
deep_linear_gap's in ``public_deep_linear.py``. ``theory.py`` holds the closed
forms they compare with, ``diagnosis.py`` the two-sample verdicts and slip
names, ``plot.py`` the plot. The hidden cases of these checks are in
``hidden.py`` (not shipped to students).
"""
import math

import numpy as np
from numpy.random import default_rng

from autograder.api import Case, Slip, check, close, expect_array, expect_int, expect_sequence, fail, rejects

TITLE = "Wide nets have no bad local minima: Yu & Chen, Laurent & Brecht"
FUNCTIONS = ["hidden_features", "numerical_rank", "full_rank_probability",
             "output_layer_optimum", "train_two_layer", "deep_linear_gap"]

RTOL_FEATURES = 1e-12    # one matrix product and an elementwise function: round-off only
ATOL_FEATURES = 1e-14    # entries near 0 (tanh, erf of tiny arguments)
RTOL_LSTSQ = 1e-8        # least squares on matrices with condition numbers up to ~1e3
RTOL_LOSS = 1e-8         # the optimal loss: a difference of sums, same conditioning
BOUND_SLACK = 1e-9       # relative round-off allowed below an exact lower bound on a loss
ALPHA = 1e-6             # per rank / KS test of a sample against reference samples

ACTIVATIONS = ["linear", "relu", "tanh", "erf", "sigmoid", "square"]
ANALYTIC = ("tanh", "erf", "sigmoid")


def gaussian_data(n0, m, n2, seed, scale=1.0):
    """Inputs X (n0, m), N(0, scale^2) entries, and targets Y (n2, m), N(0, 1): the grader's data."""
    rng = default_rng(seed)
    return scale * rng.standard_normal((n0, m)), rng.standard_normal((n2, m))


# ---------------------------------------------------------------- hidden_features
_W0_F, _X_F = default_rng(401).standard_normal((4, 3)), 1.5 * default_rng(402).standard_normal((3, 6))


@check("hidden_features", points=0.25, cases=[
    *(Case(act, _W0_F, _X_F, act) for act in ACTIVATIONS),
])
def test_hidden_features(student, ref, case):
    W0, X, act = case.args
    got = student.hidden_features(W0, X, act)
    want = ref.hidden_features(W0, X, act)
    slips = [Slip("phi applied to W0 before the product: phi(W0) @ X instead of phi(W0 @ X)",
                  ref.slipgen.phi_before_product(act, W0, X))]
    if act == "sigmoid":
        slips.append(Slip("1/(1 + exp(z)): the sign in the sigmoid's exponent", ref.slipgen.sigmoid_sign_slip(W0, X)))
    if act == "square":
        slips.append(Slip("|z| instead of z^2", ref.slipgen.abs_features(W0, X)))
    close(got, want, rtol=RTOL_FEATURES, atol=ATOL_FEATURES, slips=slips, name="X_1")


test_hidden_features_rejects_unknown = rejects("hidden_features", ValueError, points=0.25, cases=[
    Case("unknown_softplus", np.eye(2), np.eye(2), "softplus"),
])


# ---------------------------------------------------------------- numerical_rank
def with_singular_values(sv, shape, seed):
    """A matrix U diag(sv) V^T with Haar-random orthonormal U, V (exact zeros give round-off)."""
    rng = default_rng(seed)
    u = np.linalg.qr(rng.standard_normal((shape[0], shape[0])))[0][:, :len(sv)]
    v = np.linalg.qr(rng.standard_normal((shape[1], shape[1])))[0][:, :len(sv)]
    return (u * np.asarray(sv, dtype=np.float64)) @ v.T


RANK_CASES = [
    Case("full_5x4", with_singular_values([3, 2, 1, 0.5], (5, 4), 412)),
    Case("rank3_of_6x6", with_singular_values([4, 2, 1, 0, 0, 0], (6, 6), 413)),
    Case("wide_rank2", with_singular_values([1, 0.3, 0], (3, 7), 414)),
    Case("zero_matrix", np.zeros((3, 4))),
]


@check("numerical_rank", points=0.25, cases=RANK_CASES)
def test_numerical_rank(student, ref, case):
    (A,) = case.args
    got = expect_int(student.numerical_rank(A), "the rank")
    want = ref.numerical_rank(A)
    slips = [Slip("singular values counted with s > 0, without NumPy's tolerance "
                  "sigma_max * max(shape) * eps", ref.slipgen.rank_wrong(A, "no_tolerance")),
             Slip("a fixed absolute tolerance (1e-10) instead of NumPy's relative one",
                  ref.slipgen.rank_wrong(A, "fixed_tolerance")),
             Slip("min(shape): the shape is not the rank", ref.slipgen.rank_wrong(A, "shape"))]
    close(got, want, rtol=0, atol=0, slips=slips, name="the rank")


# ---------------------------------------------------------------- output_layer_optimum
def low_rank_matrix(shape, r, seed):
    rng = default_rng(seed)
    return rng.standard_normal((shape[0], r)) @ rng.standard_normal((r, shape[1]))


_XF = default_rng(421).standard_normal((3, 6))
OPT_CASES = [
    Case("full_row_rank", default_rng(422).standard_normal((4, 9)), default_rng(423).standard_normal((2, 9))),
    Case("wide_rank_m", np.tanh(default_rng(424).standard_normal((12, 3)) @ _XF), default_rng(425).standard_normal((1, 6))),
    Case("rank_deficient", low_rank_matrix((5, 9), 2, 426), default_rng(427).standard_normal((2, 9))),
    Case("zero_features", np.zeros((4, 3)), np.array([[1.0, -2.0, 0.5]])),
]


@check("output_layer_optimum", points=0.5, cases=OPT_CASES)
def test_output_layer_optimum(student, ref, case):
    X1, Y = case.args
    got = expect_sequence(student.output_layer_optimum(X1, Y), 2, "(W1, loss)")
    W1w, loss_w = ref.output_layer_optimum(X1, Y)
    m = X1.shape[1]
    W1 = expect_array(got[0], W1w.shape, "W1")
    scale = 0.5 * float(np.sum(Y * Y))
    close(got[1], loss_w, rtol=RTOL_LOSS, atol=1e-12 * scale, name="the loss", slips=[
        Slip("the loss divided by m: 1/(2m) is a misprint after (3.4); the loss is 1/2 ||.||_F^2 "
             "summed over the points", loss_w / m),
        Slip("||Y - W1 X1||_F without the square and the 1/2", math.sqrt(2 * loss_w))])
    if not np.all(np.isfinite(W1)):
        fail("W1 contains NaN or inf. Next: X1 X1^T can be singular; use the pseudo-inverse "
             "(np.linalg.pinv or np.linalg.lstsq), not an inverse.")
    atol_w = 1e-10 * max(1.0, float(np.max(np.abs(W1w))))
    if np.allclose(W1, W1w, rtol=RTOL_LSTSQ, atol=atol_w):
        return
    fitted_ok = np.allclose(W1 @ X1, W1w @ X1, rtol=1e-7, atol=1e-9 * math.sqrt(2 * scale + 1))
    if fitted_ok:
        fail(f"W1 fits the data as well as the reference (same W1 X1), but it is not the "
             f"minimum-norm minimiser: ||W1||_F = {np.linalg.norm(W1):.6g} > "
             f"{np.linalg.norm(W1w):.6g}. Its rows have a component in the null space of X1^T. "
             "Next: W1 = Y X1^+ (np.linalg.pinv, or np.linalg.lstsq(X1.T, Y.T)).")
    close(W1, W1w, rtol=RTOL_LSTSQ, atol=atol_w, name="W1")
