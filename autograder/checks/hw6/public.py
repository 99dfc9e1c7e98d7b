"""hw6's public checks: the neural tangent kernel, its convergence with width (notes 5).

Deterministic functions (kernels, the empirical NTK on grader-given weights,
the linearised prediction, H^inf, the alignment residuals) are compared with
the reference elementwise. The two random functions (ntk_deviation,
train_vs_linearized) are judged by what every correct submission shares
whatever its order of draws: the same value for the same seed, other values
for other seeds, exact values that theory forces (no training step: no
difference), and the law of log-values compared with reference runs at fixed
other seeds by a two-sample t-test.

Device profiles: `course check hw6 --device cuda` passes device="cuda" to
the random functions and multiplies their widths by 64 (CPU: 64-512 units,
GPU: 4096-32768), where the decay with width is unmistakable.

The checks of the two random functions are in ``public_random.py``, the fixed
inputs in ``inputs.py``, the plot in ``plot.py``. The hidden cases of these
checks are in ``hidden.py`` (not shipped to students).
"""
import math

import numpy as np
from autograder.api import Case, CheckFailure, Slip, check, close, fail, rejects
from autograder.checks.hw6.inputs import gaussian_weights, scaled_inputs, spd_matrix, unit_columns

TITLE = "The neural tangent kernel: convergence with width, on the GPU"
FUNCTIONS = ["nngp_kernel", "ntk_kernel", "empirical_ntk", "ntk_deviation",
             "linearized_prediction", "train_vs_linearized", "du_gram_matrix",
             "alignment_residuals"]

#: graded functions each one calls (as the reference does, or as a student's
#: natural solution does): when one of these fails its own checks, the engine
#: names it as the likely cause instead of slip hints for the caller (plugin.py)
DEPENDS = {
    "ntk_kernel": ("nngp_kernel",),
    "ntk_deviation": ("ntk_kernel", "empirical_ntk"),
    "train_vs_linearized": ("empirical_ntk", "linearized_prediction"),
}


RTOL_KERNEL = 1e-7      # arccos(c) at c = 1 - ulp loses ~1e-8 per layer (ASSIGNMENTS.md)
ATOL_KERNEL = 1e-12     # times max |K|: entries that cancel to ~0 (anti-correlated inputs)
RTOL_AUTODIFF = 1e-8    # float64 gradients summed in another order (contract: ~1e-8)
ATOL_AUTODIFF = 1e-11   # times max |Theta-hat|
RTOL_LINEAR = 1e-8      # eigh or expm + solve on kernels with condition number <= 1e4
ATOL_LINEAR = 1e-10     # predictions of size ~1 that cancel
RTOL_RESID = 1e-9       # eigh vs expm of a well-conditioned 6 x 6 Gram matrix
ZERO_STEP_TOL = 1e-10   # no training step: f_0 and f_lin,0 agree up to round-off
P_DEV = 2e-6            # the deviation's t-test on log-values; its ffp is stated below
P_TRAIN = 1e-6          # each of train_vs_linearized's two t-tests; ffp below
GPU_WIDTH_FACTOR = 64   # --device cuda: widths x 64

SIGMA_W2 = {"relu": 2.0, "tanh": 1.5, "erf": 1.5, "linear": 0.8}



# ------------------------------------------------- kernels: slips from slipgen.py (ref.slipgen)
def _close_kernel(got, want, act, slips, name):
    """close() with a kernel's tolerance and, for tanh, a quadrature hint."""
    __tracebackhide__ = True
    scale = float(np.max(np.abs(want))) if np.size(want) else 1.0
    try:
        close(got, want, rtol=RTOL_KERNEL, atol=ATOL_KERNEL * scale, slips=slips, name=name)
    except CheckFailure as exc:
        g = np.asarray(got, dtype=float) if isinstance(got, np.ndarray) else None
        if act == "tanh" and g is not None and g.shape == np.shape(want) and \
                np.all(np.abs(g - want) <= 1e-4 * np.abs(want) + 1e-12):
            fail(exc.message + "\n  The error is small (< 1e-4): it looks like quadrature error. "
                 "Next: tanh has no closed form; Gauss-Hermite needs >= 150 nodes per dimension "
                 "at q ~ 2 (relative error 3e-10; 100 nodes leave 3.6e-8, too close to rtol 1e-7), "
                 "more as q grows, or use a finer rule.")
        raise


# ---------------------------------------------------------------- nngp / ntk kernels
def _kernel_case(cid, n0, m1, m2, depth, act, seed, same=False, lo=0.4, hi=1.5, s2=None):
    X1 = scaled_inputs(n0, m1, seed, lo, hi)
    X2 = X1 if same else scaled_inputs(n0, m2, seed + 7, lo, hi)
    return Case(cid, X1, X2, depth, act, SIGMA_W2[act] if s2 is None else s2)


KERNEL_CASES = [
    _kernel_case("relu_depth1", 5, 6, 4, 1, "relu", 601),
    _kernel_case("relu_depth3_gram", 4, 7, 7, 3, "relu", 602, same=True),
    _kernel_case("erf_depth2", 3, 5, 3, 2, "erf", 603),
    _kernel_case("tanh_depth2", 3, 4, 3, 2, "tanh", 604),
    _kernel_case("linear_depth2", 4, 3, 5, 2, "linear", 605),
]


def _input_scaled(ref_fn, X1, X2, depth, act, s2, factor):
    return ref_fn(X1 * factor, X2 * factor, depth, act, s2)


@check("nngp_kernel", points=0.5, cases=KERNEL_CASES)
def test_nngp_kernel(student, ref, case):
    X1, X2, depth, act, s2 = case.args
    n0 = X1.shape[0]
    got = student.nngp_kernel(*case.args)
    want = ref.nngp_kernel(*case.args)
    slips = [
        Slip("q_1 = x^T x' without the factor sigma_w2/n_0 of (5.26)",
             _input_scaled(ref.nngp_kernel, X1, X2, depth, act, s2, math.sqrt(n0 / s2))),
        Slip("q_1 = x^T x'/n_0 without sigma_w2 (5.26)",
             _input_scaled(ref.nngp_kernel, X1, X2, depth, act, s2, math.sqrt(1 / s2))),
        Slip("one layer too many: depth + 1 steps of (5.26)", ref.nngp_kernel(X1, X2, depth + 1, act, s2)),
        Slip("the NTK (5.46) instead of the NNGP kernel q_{L+1}", ref.ntk_kernel(*case.args)),
    ]
    if depth >= 1:
        slips.append(Slip("one layer too few: q_L instead of q_{L+1}",
                          ref.nngp_kernel(X1, X2, depth - 1, act, s2)))
        if act != "linear":
            slips.append(Slip("sigma_w2 left out of the recursion q_{l+1} = sigma_w2 E phi(u) phi(v)",
                              ref.slipgen.np_no_s2(X1, X2, depth, act, s2)))
    _close_kernel(got, want, act, slips, "q_{L+1}")


@check("ntk_kernel", points=0.5, cases=KERNEL_CASES)
def test_ntk_kernel(student, ref, case):
    X1, X2, depth, act, s2 = case.args
    n0 = X1.shape[0]
    got = student.ntk_kernel(*case.args)
    want = ref.ntk_kernel(*case.args)
    nngp = ref.nngp_kernel(*case.args)
    slips = [
        Slip("the last layer's term q_{L+1} of (5.46) is missing", want - nngp),
        Slip("the NNGP kernel q_{L+1} instead of the NTK", nngp),
        Slip("q_1 = x^T x' without the factor sigma_w2/n_0 of (5.26)",
             _input_scaled(ref.ntk_kernel, X1, X2, depth, act, s2, math.sqrt(n0 / s2))),
    ]
    if depth >= 1:
        slips += [
            Slip("chi_l computed with phi instead of phi' (5.32)",
                 ref.slipgen.ntk_variant(X1, X2, depth, act, s2, chi_from_phi=True)),
            Slip("the first layer's term q_1 chi_1 ... chi_L of (5.46) is missing", ref.slipgen.ntk_variant(X1, X2, depth, act, s2, first=1)),
            Slip("beta_l without chi_l: the product in (5.46) starts one layer late", ref.slipgen.ntk_variant(X1, X2, depth, act, s2, shift=1)),
            Slip("the chi products of (5.46) are dropped: the sum of q_1..q_{L+1}",
                 ref.slipgen.q_sum(X1, X2, depth, act, s2)),
            Slip("one layer too many: depth + 1 hidden layers", ref.ntk_kernel(X1, X2, depth + 1, act, s2)),
        ]
        if act != "linear":
            slips.append(Slip("chi_l = E phi'(u) phi'(v) without sigma_w2 (5.32)",
                              ref.slipgen.ntk_variant(X1, X2, depth, act, s2, s2_in_chi=False)))
    _close_kernel(got, want, act, slips, "Theta")


test_nngp_kernel_errors = rejects("nngp_kernel", ValueError, points=0.25, cases=[
    Case("unknown_softplus", np.eye(2), np.eye(2), 1, "softplus", 1.0)])

test_ntk_kernel_errors = rejects("ntk_kernel", ValueError, points=0.25, cases=[
    Case("unknown_softplus", np.eye(2), np.eye(2), 1, "softplus", 1.0)])


# ---------------------------------------------------------------- empirical NTK
def _emp_case(cid, widths, m1, m2, act, seed, same=False, s2=None):
    W = gaussian_weights(widths, seed)
    X1 = scaled_inputs(widths[0], m1, seed + 1)
    X2 = X1 if same else scaled_inputs(widths[0], m2, seed + 2)
    return Case(cid, W, X1, X2, act, SIGMA_W2[act] if s2 is None else s2)


EMP_CASES = [
    _emp_case("relu_4_32_16_1", [4, 32, 16, 1], 5, 3, "relu", 611),
    _emp_case("tanh_gram_3_24_24_1", [3, 24, 24, 1], 4, 4, "tanh", 612, same=True),
    _emp_case("erf_5_40_1", [5, 40, 1], 3, 2, "erf", 613),
]


@check("empirical_ntk", points=1.0, cases=EMP_CASES)
def test_empirical_ntk(student, ref, case):
    W, X1, X2, act, s2 = case.args
    got = student.empirical_ntk(*case.args)
    want = ref.empirical_ntk(*case.args)
    terms = ref.slipgen.emp_terms(W, X1, X2, act, s2)
    n = [w.shape[1] for w in W]
    slips = [
        Slip("derivatives with respect to the scaled weights sigma_w W_l / sqrt(n_l) (standard "
             "parameterisation) instead of the standard-normal W_l of (5.38)-(5.39)",
             sum(t * n[l] / s2 for l, t in enumerate(terms))),
        Slip("the forward pass without the factors sigma_w / sqrt(n_l) of (5.38)",
             sum(ref.slipgen.emp_terms(W, X1, X2, act, s2, scaled_forward=False))),
        Slip("the last layer's term (the gradient with respect to W_L) is missing", sum(terms[:-1])),
        Slip("the first layer's term (the gradient with respect to W_0) is missing", sum(terms[1:])),
        Slip("sigma_w / n_l where (5.42) squares to sigma_w^2 / n_l",
             sum(t / math.sqrt(s2) for t in terms)),
    ]
    if act in ("tanh", "erf"):
        slips.append(Slip("phi' evaluated at the post-activation phi(h_l) instead of h_l",
                          sum(ref.slipgen.emp_terms(W, X1, X2, act, s2, dphi_post=True))))
    if act != "linear":
        slips.append(Slip("the backward pass without the factor phi'(h_l) (the diagonal D_l of (5.36)): "
                          "the gradient through a hidden layer is W_{l+1}^T B times phi'(h_l)",
                          sum(ref.slipgen.emp_terms(W, X1, X2, act, s2, no_dphi=True))))
    scale = float(np.max(np.abs(want)))
    close(got, want, rtol=RTOL_AUTODIFF, atol=ATOL_AUTODIFF * scale, slips=slips, name="Theta-hat")


test_empirical_ntk_errors = rejects("empirical_ntk", ValueError, points=0.25, cases=[
    Case("unknown_gelu", gaussian_weights([2, 3, 1], 617), np.eye(2), np.eye(2), "gelu", 2.0)])


# ---------------------------------------------------------------- linearized_prediction
def _lin_case(cid, m, mt, lr, t, seed, cond=None, train_as_test=False):
    rng = np.random.default_rng(seed + 1)
    K = spd_matrix(m, seed, cond)
    f0, y = rng.standard_normal(m), np.sign(rng.standard_normal(m))
    if train_as_test:
        Ks, f0t = K.copy(), f0.copy()
    else:
        Ks, f0t = rng.standard_normal((mt, m)) / math.sqrt(m), rng.standard_normal(mt)
    return Case(cid, Ks, K, f0t, f0, y, lr, t)


LIN_CASES = [
    _lin_case("m5_t2", 5, 3, 1.0, 2.0, 631),
    _lin_case("time_zero", 4, 2, 0.7, 0.0, 632),
    _lin_case("train_points_5_9", 6, 6, 0.5, 3.0, 633, train_as_test=True),
    _lin_case("long_time", 5, 4, 1.0, 1e4, 634),
]


@check("linearized_prediction", points=0.5, cases=LIN_CASES)
def test_linearized_prediction(student, ref, case):
    got = student.linearized_prediction(*case.args)
    want = ref.linearized_prediction(*case.args)
    slips = [Slip(text, ref.slipgen.lin_variant(*case.args, kind)) for kind, text in [
        ("no_1_over_m", "exp(-lr K t) without the 1/m of (5.12) (the loss is a mean over m points)"),
        ("elementwise", "np.exp of the matrix (elementwise) instead of the matrix exponential"),
        ("sign", "the correction has the wrong sign: (y - f0) for (f0 - y), or + for -"),
        ("no_inverse", "Theta(x, X) (I - e^{...}) (f0 - y) without Theta(X, X)^{-1} (5.12)"),
    ]]
    if float(case.args[6]).is_integer() and case.args[6] > 0:
        slips.append(Slip("(I - lr K/m)^t: discrete gradient steps instead of the flow's exponential",
                          ref.slipgen.lin_variant(*case.args, "discrete")))
    close(got, want, rtol=RTOL_LINEAR, atol=ATOL_LINEAR, slips=slips, name="f_lin,t(test)")



# ---------------------------------------------------------------- du_gram_matrix
_ANGLES = np.array([0.1, 1.0, 2.5, 4.0])

DU_CASES = [
    Case("unit_5x6", unit_columns(5, 6, 651)),
    Case("circle_points", np.array([np.cos(_ANGLES), np.sin(_ANGLES)])),
]


@check("du_gram_matrix", points=0.5, cases=DU_CASES)
def test_du_gram_matrix(student, ref, case):
    (X,) = case.args
    got = student.du_gram_matrix(X)
    want = ref.du_gram_matrix(X)
    texts = ["the orthant probability (pi - arccos)/(2 pi) without the factor x_k^T x_l of (5.148)",
             "pi + arccos instead of pi - arccos",
             "arccos(x_k^T x_l) / (2 pi) times x_k^T x_l: the angle where pi - angle belongs"]
    slips = [Slip(t, v) for t, v in zip(texts, ref.slipgen.du_gram_slips(X))]
    close(got, want, rtol=RTOL_KERNEL, atol=ATOL_KERNEL, slips=slips, name="H^inf")



# ---------------------------------------------------------------- alignment_residuals
def _align_case(cid, H, X, seed, labels):
    """Residuals of the kernel H (m x m) from u0 = 0.1 N(0, I) to labels y: the sign of the first
    coordinate of the inputs X (shifted) for "true", random signs otherwise."""
    m = H.shape[0]
    rng = np.random.default_rng(seed + 1)
    y = np.sign(X[0] + 0.2) if labels == "true" else np.sign(rng.standard_normal(m))
    u0 = 0.1 * rng.standard_normal(m)
    return Case(cid, H, y, u0, np.array([0.0, 0.3, 1.0, 4.0, 20.0]))


def _symmetric(upper, diagonal, m):
    """The symmetric m x m matrix with ``upper`` above the diagonal (row by row) and ``diagonal`` on it."""
    H = np.full((m, m), diagonal)
    iu = np.triu_indices(m, 1)
    H[iu] = upper
    H.T[iu] = upper
    return H


#: the public cases' kernel, stored by value (entries above the diagonal, row by row): the
#: H^inf of (5.148) of the six unit columns unit_columns(3, 6, 661), so that the checks never
#: compute H^inf themselves
ALIGN_H = _symmetric([
    -0.048378556514517466, -0.07247132519925331, -0.0877778947191563, -0.05793881566068341,
    0.06529293717094714, 0.12832978278944893, 0.1751365639862211, 0.08709979906492575,
    -0.046762642277264, 0.22467617053221958, 0.4773652542171748, -0.03204262384715712,
    0.20781969238427603, -0.08848090471273683, -0.014670021144419577,
], 0.5, 6)
ALIGN_CASES = [
    _align_case("true_labels", ALIGN_H, unit_columns(3, 6, 661), 661, "true"),
    _align_case("random_labels", ALIGN_H, unit_columns(3, 6, 661), 661, "random"),
]


@check("alignment_residuals", points=0.5, cases=ALIGN_CASES)
def test_alignment_residuals(student, ref, case):
    H, y, u0, t = case.args
    got = student.alignment_residuals(*case.args)
    want = ref.alignment_residuals(*case.args)
    texts = ["exp(-lam_k t) where (5.151) has exp(-2 lam_k t)",
             "projections on the rows of the eigenvector matrix, V @ r, instead of V^T r",
             "the projections v_k^T (y - u0) are not squared", "the norm ||u'(t) - y|| instead of its square"]
    slips = [Slip(text, v) for text, v in zip(texts, ref.slipgen.alignment_slips(*case.args))]
    close(got, want, rtol=RTOL_RESID, atol=1e-14, slips=slips, name="||u'(t) - y||^2")


