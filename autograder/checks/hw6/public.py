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

The hidden cases of these checks are in ``hidden.py`` (not shipped to students).
"""
import math

import numpy as np
import scipy.linalg
from scipy import stats as st
from scipy.special import erf, roots_hermitenorm

from autograder.api import (Case, CheckFailure, Slip, check, close, expect_raises,
                            expect_scalar, expect_sequence, fail, stats)

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


def _rng(seed):
    return np.random.default_rng(seed)


def _inputs(n0, m, seed, lo=0.4, hi=1.5):
    """m columns with |x|^2 / n0 spread over [lo, hi] (tanh stays at q_1 <= 2.3)."""
    X = _rng(seed).standard_normal((n0, m))
    r = np.linspace(lo, hi, m)[_rng(seed + 1).permutation(m)]
    return X * np.sqrt(r * n0) / np.linalg.norm(X, axis=0)


def _unit(n0, m, seed):
    X = _rng(seed).standard_normal((n0, m))
    return X / np.linalg.norm(X, axis=0)


def _weights(widths, seed):
    rng = _rng(seed)
    return [rng.standard_normal((b, a)) for a, b in zip(widths[:-1], widths[1:])]


# ------------------------------------------------- independent kernels for slips
def _phi(act, z):
    return {"linear": lambda t: t, "relu": lambda t: np.maximum(t, 0.0), "tanh": np.tanh,
            "erf": erf}[act](z)


def _dphi(act, z):
    return {"linear": np.ones_like, "relu": lambda t: (t > 0).astype(float),
            "tanh": lambda t: 1.0 - np.tanh(t) ** 2,
            "erf": lambda t: 2 / math.sqrt(math.pi) * np.exp(-t * t)}[act](z)


def _pair(act, a, b, q12):
    """(E phi phi, E phi' phi') for (u, v) ~ N(0, [[a, q12], [q12, b]]), for slip values."""
    if act == "linear":
        return q12, np.ones_like(q12)
    if act == "relu":
        root = np.sqrt(np.maximum(a * b - q12 * q12, 0.0))
        th = np.arctan2(root, q12)
        return (root + (np.pi - th) * q12) / (2 * np.pi), (np.pi - th) / (2 * np.pi)
    if act == "erf":
        p = (1 + 2 * a) * (1 + 2 * b)
        return 2 / np.pi * np.arcsin(2 * q12 / np.sqrt(p)), 4 / np.pi / np.sqrt(p - 4 * q12 * q12)
    z, w = roots_hermitenorm(160)  # tanh at q <= 2.5: Gauss-Hermite error < 1e-11
    w = w / math.sqrt(2 * math.pi)
    a, b, q12 = np.broadcast_arrays(a, b, q12)
    c = np.clip(q12 / np.sqrt(a * b), -1, 1)
    u = np.sqrt(a)[..., None, None] * z[:, None]
    v = np.sqrt(b)[..., None, None] * (c[..., None, None] * z[:, None]
                                       + np.sqrt(1 - c * c)[..., None, None] * z)
    W = np.outer(w, w)
    return (np.sum(W * np.tanh(u) * np.tanh(v), axis=(-2, -1)),
            np.sum(W * _dphi("tanh", u) * _dphi("tanh", v), axis=(-2, -1)))


def _layers(X1, X2, depth, act, s2, chi_from_phi=False, s2_in_chi=True):
    """q_1..q_{L+1} (5.26) and chi_1..chi_L (5.32), with optional slips."""
    n0 = X1.shape[0]
    q = s2 / n0 * X1.T @ X2
    a, b = s2 / n0 * np.sum(X1 * X1, 0), s2 / n0 * np.sum(X2 * X2, 0)
    qs, chis = [q], []
    for _ in range(depth):
        eff, edd = _pair(act, a[:, None], b[None, :], q)
        chis.append((s2 if s2_in_chi else 1.0) * (eff if chi_from_phi else edd))
        q = s2 * eff
        a = s2 * _pair(act, a, a, a)[0]
        b = s2 * _pair(act, b, b, b)[0]
        qs.append(q)
    return qs, chis


def _ntk_sum(qs, chis, first=0, shift=0):
    """sum_{l >= first} q_l prod_{l' >= l + shift} chi_l' ((5.46) is first = shift = 0)."""
    L = len(chis)
    return sum(qs[l] * np.prod(chis[l + shift:], axis=0) if l + shift < L else qs[l]
               for l in range(first, L + 1))


def _emp_terms(weights, X1, X2, act, s2, scaled_forward=True, dphi_post=False, no_dphi=False):
    """Per-layer terms (5.36) of the empirical NTK of the net (5.38), numpy."""
    L = len(weights) - 1

    def passes(X):
        xs, hs, x = [X], [], X
        for l, W in enumerate(weights):
            c = math.sqrt(s2 / W.shape[1]) if scaled_forward else 1.0
            h = c * (W @ x)
            if l < L:
                hs.append(h)
                x = _phi(act, h)
                xs.append(x)
        B, bs = np.ones((1, X.shape[1])), []
        bs.append(B)
        for l in range(L, 0, -1):
            c = math.sqrt(s2 / weights[l].shape[1]) if scaled_forward else 1.0
            at = _phi(act, hs[l - 1]) if dphi_post else hs[l - 1]
            B = c * (1.0 if no_dphi else _dphi(act, at)) * (weights[l].T @ B)
            bs.insert(0, B)
        return xs, bs

    (x1, b1), (x2, b2) = passes(X1), passes(X2)
    return [(s2 / W.shape[1] if scaled_forward else 1.0) * (x1[l].T @ x2[l]) * (b1[l].T @ b2[l])
            for l, W in enumerate(weights)]


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
    X1 = _inputs(n0, m1, seed, lo, hi)
    X2 = X1 if same else _inputs(n0, m2, seed + 7, lo, hi)
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


def _np_no_s2(X1, X2, depth, act, s2):
    """q_{l+1} = E phi phi (sigma_w2 only in q_1)."""
    n0 = X1.shape[0]
    q = s2 / n0 * X1.T @ X2
    a, b = s2 / n0 * np.sum(X1 * X1, 0), s2 / n0 * np.sum(X2 * X2, 0)
    for _ in range(depth):
        q = _pair(act, a[:, None], b[None, :], q)[0]
        a, b = _pair(act, a, a, a)[0], _pair(act, b, b, b)[0]
    return q


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
                              _np_no_s2(X1, X2, depth, act, s2)))
    _close_kernel(got, want, act, slips, "q_{L+1}")


@check("ntk_kernel", points=0.5, cases=KERNEL_CASES)
def test_ntk_kernel(student, ref, case):
    X1, X2, depth, act, s2 = case.args
    n0 = X1.shape[0]
    got = student.ntk_kernel(*case.args)
    want = ref.ntk_kernel(*case.args)
    nngp = ref.nngp_kernel(*case.args)
    qs, chis = _layers(X1, X2, depth, act, s2)
    slips = [
        Slip("the last layer's term q_{L+1} of (5.46) is missing", want - nngp),
        Slip("the NNGP kernel q_{L+1} instead of the NTK", nngp),
        Slip("q_1 = x^T x' without the factor sigma_w2/n_0 of (5.26)",
             _input_scaled(ref.ntk_kernel, X1, X2, depth, act, s2, math.sqrt(n0 / s2))),
    ]
    if depth >= 1:
        slips += [
            Slip("chi_l computed with phi instead of phi' (5.32)",
                 _ntk_sum(*_layers(X1, X2, depth, act, s2, chi_from_phi=True))),
            Slip("the first layer's term q_1 chi_1 ... chi_L of (5.46) is missing", _ntk_sum(qs, chis, first=1)),
            Slip("beta_l without chi_l: the product in (5.46) starts one layer late", _ntk_sum(qs, chis, shift=1)),
            Slip("the chi products of (5.46) are dropped: the sum of q_1..q_{L+1}", sum(qs)),
            Slip("one layer too many: depth + 1 hidden layers", ref.ntk_kernel(X1, X2, depth + 1, act, s2)),
        ]
        if act != "linear":
            slips.append(Slip("chi_l = E phi'(u) phi'(v) without sigma_w2 (5.32)",
                              _ntk_sum(*_layers(X1, X2, depth, act, s2, s2_in_chi=False))))
    _close_kernel(got, want, act, slips, "Theta")


@check("nngp_kernel", points=0.25, aspect="errors", cases=[
    Case("unknown_softplus", np.eye(2), np.eye(2), 1, "softplus", 1.0)])
def test_nngp_rejects_unknown(student, ref, case):
    expect_raises(student.nngp_kernel, ValueError, *case.args)


@check("ntk_kernel", points=0.25, aspect="errors", cases=[
    Case("unknown_softplus", np.eye(2), np.eye(2), 1, "softplus", 1.0)])
def test_ntk_rejects_unknown(student, ref, case):
    expect_raises(student.ntk_kernel, ValueError, *case.args)


# ---------------------------------------------------------------- empirical NTK
def _emp_case(cid, widths, m1, m2, act, seed, same=False, s2=None):
    W = _weights(widths, seed)
    X1 = _inputs(widths[0], m1, seed + 1)
    X2 = X1 if same else _inputs(widths[0], m2, seed + 2)
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
    terms = _emp_terms(W, X1, X2, act, s2)
    n = [w.shape[1] for w in W]
    slips = [
        Slip("derivatives with respect to the scaled weights sigma_w W_l / sqrt(n_l) (standard "
             "parameterisation) instead of the standard-normal W_l of (5.38)-(5.39)",
             sum(t * n[l] / s2 for l, t in enumerate(terms))),
        Slip("the forward pass without the factors sigma_w / sqrt(n_l) of (5.38)",
             sum(_emp_terms(W, X1, X2, act, s2, scaled_forward=False))),
        Slip("the last layer's term (the gradient with respect to W_L) is missing", sum(terms[:-1])),
        Slip("the first layer's term (the gradient with respect to W_0) is missing", sum(terms[1:])),
        Slip("sigma_w / n_l where (5.42) squares to sigma_w^2 / n_l",
             sum(t / math.sqrt(s2) for t in terms)),
    ]
    if act in ("tanh", "erf"):
        slips.append(Slip("phi' evaluated at the post-activation phi(h_l) instead of h_l",
                          sum(_emp_terms(W, X1, X2, act, s2, dphi_post=True))))
    if act != "linear":
        slips.append(Slip("the backward pass without the factor phi'(h_l) (the diagonal D_l of (5.36)): "
                          "the gradient through a hidden layer is W_{l+1}^T B times phi'(h_l)",
                          sum(_emp_terms(W, X1, X2, act, s2, no_dphi=True))))
    scale = float(np.max(np.abs(want)))
    close(got, want, rtol=RTOL_AUTODIFF, atol=ATOL_AUTODIFF * scale, slips=slips, name="Theta-hat")


@check("empirical_ntk", points=0.25, aspect="errors", cases=[
    Case("unknown_gelu", _weights([2, 3, 1], 617), np.eye(2), np.eye(2), "gelu", 2.0)])
def test_empirical_ntk_rejects_unknown(student, ref, case):
    expect_raises(student.empirical_ntk, ValueError, *case.args)


# ---------------------------------------------------------------- ntk_deviation
# The student's runs (seeds grader_seed + k) and reference runs at fixed other
# seeds are iid under a correct submission: each value is a mean over DEV_INITS
# inits. Their logs are compared by a pooled two-sample t-test, which is exact
# for normal data; the log of a mean of 6 skewed deviations has skewness < 0.5.
# The reference runs are the same for every grader seed (so that public
# fixtures replay them and a calibration over 200 seeds stays cheap): given
# them, a t-test at P_DEV = 2e-6 fails a correct submission with probability
# <= 1e-4 for 300 of 300 simulated reference samples of 64 (99% of them:
# <= 3.3e-5); over both, 2e-6. Determinism and seed checks cannot fail a
# correct submission. ffp per case: 1e-4.
DEV_INITS = 6
DEV_RUNS = 4
DEV_REF_RUNS = 64
DEV_REF_SEED = stats.REF_SEED_OFFSET + 600_000


def _dev_case(cid, n0, m, depth, width, act, seed):
    return Case(cid, _inputs(n0, m, seed, 0.6, 1.2), depth, width, act, SIGMA_W2[act])


def _antipodal_case(cid, n0, m, depth, width, act, seed):
    """Half the inputs are the other half negated (and rescaled): for relu the
    off-diagonal chi_l of (5.32) are then far below 1, so a limit kernel
    without the chi products of (5.46) is far from the right one."""
    X = _inputs(n0, m, seed, 0.6, 1.2)
    h = m // 2
    X[:, h:2 * h] = -X[:, :h] * np.linspace(0.8, 1.2, h)
    return Case(cid, X, depth, width, act, SIGMA_W2[act])


DEV_CASES = [
    _dev_case("relu_depth2_width64", 4, 6, 2, 64, "relu", 621),
    _antipodal_case("relu_antipodal_depth2_width256", 4, 6, 2, 256, "relu", 626),
    _dev_case("erf_depth1_width128", 3, 5, 1, 128, "erf", 622),
]


def _width(width, device):
    return width * GPU_WIDTH_FACTOR if device == "cuda" else width


def _two_sample(theirs, refs, alpha, ffp, what, hint):
    """Pooled two-sample t-test of log-values; fails below alpha."""
    __tracebackhide__ = True
    a, b = np.log(theirs), np.log(refs)
    p = st.ttest_ind(a, b).pvalue
    if not p >= alpha:
        fail(f"{what}: yours average {np.exp(a.mean()):.4g} (geometric mean over {len(a)} seeds), "
             f"the reference {np.exp(b.mean()):.4g} over {len(b)} other seeds (spread x"
             f"{np.exp(b.std(ddof=1)):.2f} per run). Two-sample t-test on the logs: p = {p:.1e}; "
             f"the check fails below {alpha:g}, which a correct submission does with probability "
             f"<= {ffp:g}.", advice=hint)


def _deviation_slip(vals, X, depth, width, act, s2, seed, runs=12):
    """Names a limit kernel without the chi products when the student's values match it.

    Deviations from Theta = sum_l q_l (chi_l set to 1 in (5.46)) are drawn
    here (numpy nets, DEV_INITS inits per run, at most width 512 on the CPU)
    and compared with the student's by the same t-test on the logs.
    """
    if width > 512:
        return ""
    qs, chis = _layers(X, X, depth, act, s2)
    chiless = sum(qs)
    if np.allclose(chiless, _ntk_sum(qs, chis), rtol=1e-3):
        return ""
    rng = _rng(seed + 7 * stats.REF_SEED_OFFSET)
    widths = [X.shape[0]] + [width] * depth + [1]
    slip = []
    for _ in range(runs):
        d = 0.0
        for _ in range(DEV_INITS):
            W = [rng.standard_normal((b, a)) for a, b in zip(widths[:-1], widths[1:])]
            d += np.linalg.norm(sum(_emp_terms(W, X, X, act, s2)) - chiless) / np.linalg.norm(chiless)
        slip.append(d / DEV_INITS)
    if st.ttest_ind(np.log(vals), np.log(slip)).pvalue >= P_DEV:
        return ("This looks like: a limit kernel without the chi_l products of (5.46) "
                "(Theta = sum_l q_l, where each q_l is multiplied by chi_l ... chi_L). ")
    return ""


@check("ntk_deviation", points=1.0, cases=DEV_CASES, stochastic=True, ffp=1e-4, timeout=60)
def test_ntk_deviation(student, ref, case, grader_seed, device):
    X, depth, width, act, s2 = case.args
    width = _width(width, device)
    args = (X, depth, width, act, s2, DEV_INITS)
    runs = [expect_scalar(student.ntk_deviation(*args, grader_seed + k, device=device),
                          "the deviation") for k in range(DEV_RUNS)]
    vals = np.array([float(r) for r in runs])
    if not np.all(np.isfinite(vals)) or not np.all(vals > 0):
        fail(f"the deviations {vals} are not all positive and finite: a relative Frobenius "
             "distance ||Theta-hat - Theta||_F / ||Theta||_F of a random net is > 0.")
    again = float(student.ntk_deviation(*args, grader_seed, device=device))
    if again != vals[0]:
        fail("two calls with the same seed gave different deviations. Next: draw every weight "
             "from torch.Generator(device).manual_seed(seed) (or np.random.default_rng(seed)), "
             "never from the global random state.")
    if len(set(vals.tolist())) < DEV_RUNS:
        fail(f"different seeds gave the same deviation ({vals[0]:.6g}): the seed is ignored "
             "(or nothing is random).")
    refs = np.array([ref.ntk_deviation(*args, DEV_REF_SEED + 7919 * j, device=device)
                     for j in range(DEV_REF_RUNS)])
    limit = ref.ntk_kernel(X, X, depth, act, s2)
    a, b = np.log(vals), np.log(refs)
    if st.ttest_ind(a, b).pvalue >= P_DEV:
        return
    hint = _deviation_slip(vals, X, depth, width, act, s2, grader_seed)
    _two_sample(vals, refs, P_DEV, 1e-4, f"the mean deviation at width {width}",
                hint + f"Next: compare Theta-hat = empirical_ntk(W, X, X, ...) of nets with standard-normal "
                f"W_l of widths [n_0] + [width] * depth + [1] with the limit ntk_kernel(X, X, depth, "
                f"...) (||Theta||_F = {np.linalg.norm(limit):.4g} here), by the relative Frobenius "
                f"norm, averaged over n_seeds inits.")


@check("ntk_deviation", points=0.25, aspect="errors", cases=[
    Case("unknown_swish", np.eye(2), 1, 8, "swish", 1.0)])
def test_ntk_deviation_rejects_unknown(student, ref, case):
    X, depth, width, act, s2 = case.args
    expect_raises(student.ntk_deviation, ValueError, X, depth, width, act, s2, 1, 0)


# ---------------------------------------------------------------- linearized_prediction
def _spd(m, seed, cond=None):
    A = _rng(seed).standard_normal((m, m))
    if cond is None:
        return A @ A.T / m + 0.5 * np.eye(m)
    Q = np.linalg.qr(A)[0]
    return (Q * np.geomspace(1.0, 1.0 / cond, m)) @ Q.T


def _lin_case(cid, m, mt, lr, t, seed, cond=None, train_as_test=False):
    rng = _rng(seed + 1)
    K = _spd(m, seed, cond)
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


def _lin_variant(Ks, K, f0t, f0, y, lr, t, kind):
    m = K.shape[0]
    r = f0 - y
    a = lr * t / m
    if kind == "no_1_over_m":
        a = lr * t
    E = np.exp(-a * K) if kind == "elementwise" else scipy.linalg.expm(-a * K)
    if kind == "discrete":
        E = np.linalg.matrix_power(np.eye(m) - lr / m * K, int(round(t)))
    step = (np.eye(m) - E) @ r
    if kind == "no_inverse":
        return f0t - Ks @ step
    corr = Ks @ np.linalg.solve(K, step)
    return f0t + corr if kind == "sign" else f0t - corr


@check("linearized_prediction", points=0.5, cases=LIN_CASES)
def test_linearized_prediction(student, ref, case):
    got = student.linearized_prediction(*case.args)
    want = ref.linearized_prediction(*case.args)
    slips = [Slip(text, _lin_variant(*case.args, kind)) for kind, text in [
        ("no_1_over_m", "exp(-lr K t) without the 1/m of (5.12) (the loss is a mean over m points)"),
        ("elementwise", "np.exp of the matrix (elementwise) instead of the matrix exponential"),
        ("sign", "the correction has the wrong sign: (y - f0) for (f0 - y), or + for -"),
        ("no_inverse", "Theta(x, X) (I - e^{...}) (f0 - y) without Theta(X, X)^{-1} (5.12)"),
    ]]
    if float(case.args[6]).is_integer() and case.args[6] > 0:
        slips.append(Slip("(I - lr K/m)^t: discrete gradient steps instead of the flow's exponential",
                          _lin_variant(*case.args, "discrete")))
    close(got, want, rtol=RTOL_LINEAR, atol=ATOL_LINEAR, slips=slips, name="f_lin,t(test)")


# ---------------------------------------------------------------- train_vs_linearized
# Each run trains one net; the logs of max_abs_diff and kernel_change of the
# student's TRAIN_RUNS seeds and of TRAIN_REF_RUNS fixed reference seeds are
# iid under a correct submission (measured skewness |.| < 0.6, excess kurtosis
# < 1.3 over 300 seeds). Two t-tests at P_TRAIN = 1e-6: given the fixed
# reference sample, each fails a correct submission with probability <= 2.3e-5
# for 99% of simulated reference samples (all: <= 1.5e-4); ffp per case 1e-4.
TRAIN_RUNS = 8
TRAIN_REF_RUNS = 64
TRAIN_REF_SEED = stats.REF_SEED_OFFSET + 700_000


def _train_case(cid, n0, m, mt, width, depth, lr, steps, act, seed):
    Xtr = _inputs(n0, m, seed, 0.8, 1.2)
    Xte = _inputs(n0, mt, seed + 3, 0.8, 1.2)
    y = np.sin(1.5 * Xtr[0]) + 0.3 * Xtr[-1]
    return Case(cid, Xtr, y, Xte, width, depth, lr, steps, activation=act,
                sigma_w2=SIGMA_W2[act])


TRAIN_CASES = [
    _train_case("relu_depth1_width128", 4, 6, 4, 128, 1, 0.5, 40, "relu", 641),
    _train_case("tanh_depth2_width64", 4, 6, 4, 64, 2, 0.3, 30, "tanh", 642),
]


def _train_args(case, device):
    Xtr, y, Xte, width, depth, lr, steps = case.args
    return (Xtr, y, Xte, _width(width, device), depth, lr, steps)


@check("train_vs_linearized", points=1.0, cases=TRAIN_CASES, stochastic=True, ffp=1e-4, timeout=60)
def test_train_vs_linearized(student, ref, case, grader_seed, device):
    args = _train_args(case, device)
    kw = dict(case.kwargs, device=device)
    runs = []
    for k in range(TRAIN_RUNS):
        r = expect_sequence(student.train_vs_linearized(*args, grader_seed + k, **kw), 2,
                            "(max_abs_diff, kernel_change)")
        runs.append([float(expect_scalar(r[0], "max_abs_diff")), float(expect_scalar(r[1], "kernel_change"))])
    runs = np.array(runs)
    if not (np.all(np.isfinite(runs)) and np.all(runs > 0)):
        fail(f"(max_abs_diff, kernel_change) over seeds: {runs.tolist()}; after {args[6]} steps both "
             "must be positive and finite. Next: check the step size and the 1/m of the mean loss.")
    if len({tuple(r) for r in runs.tolist()}) < TRAIN_RUNS:
        fail("different seeds gave the same (max_abs_diff, kernel_change): the seed is ignored.")
    refs = np.array([ref.train_vs_linearized(*args, TRAIN_REF_SEED + 7919 * j, **kw)
                     for j in range(TRAIN_REF_RUNS)])
    width = args[3]
    _two_sample(runs[:, 0], refs[:, 0], P_TRAIN, 5e-5, f"max |f_k - f_lin,k| on the test points at width {width}",
                "Next: train the net by full-batch GD on (1/2m)||y - f||^2 and its linearisation by "
                "the same discrete steps, f_lin,k = f0 - Theta0(test, train) Theta0^{-1} "
                "(I - (I - lr Theta0/m)^k) (f0 - y), with Theta0 the empirical NTK at init.")
    _two_sample(runs[:, 1], refs[:, 1], P_TRAIN, 5e-5, f"the kernel change ||Theta_k - Theta_0||_F / ||Theta_0||_F at width {width}",
                "Next: compare the empirical NTK on train x train after the last step with the one "
                "at init, both of the same net.")


@check("train_vs_linearized", points=0.5, aspect="exact", cases=[
    _train_case("no_step", 3, 4, 2, 32, 2, 0.5, 0, "relu", 645),
])
def test_train_vs_linearized_without_steps(student, ref, case, grader_seed, device):
    args = _train_args(case, device)
    kw = dict(case.kwargs, device=device)
    r = expect_sequence(student.train_vs_linearized(*args, grader_seed, **kw), 2,
                        "(max_abs_diff, kernel_change)")
    diff, change = float(expect_scalar(r[0], "max_abs_diff")), float(expect_scalar(r[1], "kernel_change"))
    if not (abs(diff) <= ZERO_STEP_TOL and abs(change) <= ZERO_STEP_TOL):
        fail(f"with steps = 0 the net is its own linearisation at init: expected (0, 0) up to "
             f"round-off, got ({diff:.3g}, {change:.3g}). Next: f_lin,0 = f_0 (the factor "
             "I - (I - lr Theta0/m)^0 vanishes) and Theta_0 - Theta_0 = 0.")
    again = student.train_vs_linearized(*_train_args(case, device)[:6], 5, grader_seed, **kw)
    a1, b1 = float(again[0]), float(again[1])
    if not (np.isfinite(a1) and np.isfinite(b1) and a1 > 0):
        fail(f"after 5 steps (max_abs_diff, kernel_change) = ({a1}, {b1}): expected a positive "
             "finite difference between the trained net and its linearisation.")


# ---------------------------------------------------------------- du_gram_matrix
_ANGLES = np.array([0.1, 1.0, 2.5, 4.0])

DU_CASES = [
    Case("unit_5x6", _unit(5, 6, 651)),
    Case("circle_points", np.array([np.cos(_ANGLES), np.sin(_ANGLES)])),
]


@check("du_gram_matrix", points=0.5, cases=DU_CASES)
def test_du_gram_matrix(student, ref, case):
    (X,) = case.args
    got = student.du_gram_matrix(X)
    want = ref.du_gram_matrix(X)
    G = X.T @ X
    th = np.arccos(np.clip(G, -1, 1))
    slips = [
        Slip("the orthant probability (pi - arccos)/(2 pi) without the factor x_k^T x_l of (5.148)",
             (np.pi - th) / (2 * np.pi)),
        Slip("pi + arccos instead of pi - arccos", G * (np.pi + th) / (2 * np.pi)),
        Slip("arccos(x_k^T x_l) / (2 pi) times x_k^T x_l: the angle where pi - angle belongs",
             G * th / (2 * np.pi)),
    ]
    close(got, want, rtol=RTOL_KERNEL, atol=ATOL_KERNEL, slips=slips, name="H^inf")


# ---------------------------------------------------------------- alignment_residuals
def _align_case(cid, n0, m, seed, labels):
    X = _unit(n0, m, seed)
    G = X.T @ X
    H = G * (np.pi - np.arccos(np.clip(G, -1, 1))) / (2 * np.pi)
    np.fill_diagonal(H, 0.5)
    rng = _rng(seed + 1)
    y = np.sign(X[0] + 0.2) if labels == "true" else np.sign(rng.standard_normal(m))
    u0 = 0.1 * rng.standard_normal(m)
    return Case(cid, H, y, u0, np.array([0.0, 0.3, 1.0, 4.0, 20.0]))


ALIGN_CASES = [
    _align_case("true_labels", 3, 6, 661, "true"),
    _align_case("random_labels", 3, 6, 661, "random"),
]


@check("alignment_residuals", points=0.5, cases=ALIGN_CASES)
def test_alignment_residuals(student, ref, case):
    H, y, u0, t = case.args
    got = student.alignment_residuals(*case.args)
    want = ref.alignment_residuals(*case.args)
    lam, V = np.linalg.eigh(H)
    p = V.T @ (y - u0)
    decay = np.exp(-2 * np.outer(t, lam))
    slips = [
        Slip("exp(-lam_k t) where (5.151) has exp(-2 lam_k t)", np.exp(-np.outer(t, lam)) @ (p * p)),
        Slip("projections on the rows of the eigenvector matrix, V @ r, instead of V^T r",
             decay @ ((V @ (y - u0)) ** 2)),
        Slip("the projections v_k^T (y - u0) are not squared", decay @ p),
        Slip("the norm ||u'(t) - y|| instead of its square", np.sqrt(decay @ (p * p))),
    ]
    close(got, want, rtol=RTOL_RESID, atol=1e-14, slips=slips, name="||u'(t) - y||^2")


# ---------------------------------------------------------------- plots
def plot(student, ref, outdir):
    """The deviation against width (log-log) and the alignment residuals."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = _inputs(4, 6, 621, 0.6, 1.2)
    widths = [2 ** k for k in range(5, 11)]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax = axes[0]
    ax.loglog(widths, [ref.ntk_deviation(X, 2, w, "relu", 2.0, 4, 0) for w in widths], "-", label="reference")
    ax.loglog(widths, [float(student.ntk_deviation(X, 2, w, "relu", 2.0, 4, 1)) for w in widths], "o",
              label="yours")
    ax.loglog(widths, [ref.ntk_deviation(X, 2, 64, "relu", 2.0, 4, 0) * math.sqrt(64 / w) for w in widths],
              ":", label="slope -1/2")
    ax.set_xlabel("width n")
    ax.set_ylabel("||Theta-hat - Theta||_F / ||Theta||_F")
    ax.legend(fontsize=8)
    ax = axes[1]
    for c, case in enumerate(ALIGN_CASES[:2]):
        H, y, u0, _ = case.args
        t = np.linspace(0, 10, 50)
        ax.semilogy(t, ref.alignment_residuals(H, y, u0, t), "-", color=f"C{c}", label=f"{case.id} reference")
        ax.semilogy(t, np.asarray(student.alignment_residuals(H, y, u0, t)), "o", ms=3, color=f"C{c}",
                    label=f"{case.id} yours")
    ax.set_xlabel("t")
    ax.set_ylabel("||u'(t) - y||^2 (5.151)")
    ax.legend(fontsize=8)
    path = f"{outdir}/hw6_ntk.png"
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [path]
