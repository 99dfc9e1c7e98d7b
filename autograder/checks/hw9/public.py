"""hw9's public checks: the NTK at finite width (notes 5.1.3, 5.2, 5.3).

Deterministic functions (layer kernels on grader weights, the power-law fit,
the tensors O_s and the kernel velocity of a two-layer net, Isserlis'
theorem, the linear net's correlation functions, H^inf and y^T (H^inf)^{-1} y)
are compared with the reference elementwise, and with what the grader
computes another way (finite differences of the student's own kernel,
closed forms). Random functions are judged by statistics: means against
exact expectations (depth-1 ReLU kernels, linear-net corrections), samples
against the reference's at other seeds (Mann-Whitney), and slopes fitted
over the widths against the theory's exponents, with standard errors from
the seeds. The exact expectations and the known slips' values are the grader's
hidden helpers (``slipgen.py``, reached as ``ref.slipgen``), recorded into the
public fixtures on the public cases.

Device profiles: `course check hw9 --device cuda` passes device="cuda" to
the three random width sweeps and multiplies their widths (kernel and
correction sweeps x 64, up to 2^16; training x 16, up to 2^16).

This file holds the assignment's settings and the checks of layer_kernels,
kernel_width_sweep and fit_power_law; ``public_tensors.py`` (O_s and the 1/n
corrections), ``public_moments.py`` (Isserlis, linear nets) and
``public_du.py`` (H^inf, Du et al.'s training) the others; ``diagnosis.py`` the hints'
wording, ``common.py`` the inputs.
"""
import math

import numpy as np

from autograder.api import (Case, Slip, case_input, check, close, expect_array, expect_reproducible,
                            expect_scalar, expect_seed_used, expect_sequence, fail, rejects, stats)

from autograder.checks.hw9.common import (grader_inputs, grader_weights, loglog_slope,
                                         sd_and_log_se)
from autograder.checks.hw9.diagnosis import named_by_mean

TITLE = "The NTK at finite width: parameterisations, 1/n corrections, Du et al."
FUNCTIONS = ["layer_kernels", "kernel_width_sweep", "fit_power_law", "tangent_tensors",
             "ntk_time_derivative", "correction_sweep", "isserlis_moment", "monte_carlo_moment",
             "linear_net_correlation", "gram_infinity", "label_complexity", "train_two_layer_relu"]
CALL_TIMEOUT = 20.0    # CPU seconds per call; the largest CPU call needs well under 2 s

#: graded functions each one calls (as the reference does)
DEPENDS = {
    "kernel_width_sweep": ("layer_kernels",),
    "ntk_time_derivative": ("tangent_tensors",),
    "correction_sweep": ("tangent_tensors", "ntk_time_derivative"),
    "label_complexity": ("gram_infinity",),
}

RTOL_KERNEL = 1e-9      # products of a few matrices of size <= 9: float64 round-off
RTOL_FIT = 1e-10        # least squares on <= 8 points
RTOL_TENSOR = 1e-8      # autodiff in another order, or closed forms, on nets of width <= 40
RTOL_FD = 1e-5          # central differences of the student's own kernel, step 1e-5
RTOL_ISSERLIS = 1e-12   # sums of <= 105 products of covariances
RTOL_GRAM = 1e-7        # arccos of a rounded cosine loses ~1e-8 in the angle near 0 and pi (the
ATOL_GRAM = 1e-7        # reference uses atan2); atol times max |H|: entries that vanish at angle pi
RTOL_SOLVE = 1e-4       # H^inf to 1e-8 (arccos) times its condition number (<= 5e3 here)

FFP_CASE = 1e-4         # every stochastic case
GPU_SWEEP_FACTOR = 64   # --device cuda: kernel and correction sweeps, widths x 64
GPU_TRAIN_FACTOR = 16   # --device cuda: training widths x 16

#: what a seeded sweep's determinism check advises
SEEDED_ADVICE = ("Next: draw every weight from torch.Generator(device).manual_seed(seed) (or "
                 "np.random.default_rng(seed)), never from the global random state.")


def expect_seeded(first, again, other, what):
    """Same seed, same values (to 1e-10); another seed, other values."""
    __tracebackhide__ = True
    first = np.asarray(first)
    expect_reproducible(first, np.asarray(again), f"values of {what}", advice=SEEDED_ADVICE, rtol=1e-10)
    expect_seed_used(first, np.asarray(other), rtol=1e-5, message=(
        f"{what} gave the same values for seeds seed and seed + 1: the seed is ignored. "
        "Next: create the generator from the seed argument."))


# ================================================================ layer_kernels
LK_CASES = [
    Case("tanh_ntk_3_6_1", [3, 6, 1], "ntk", "tanh", 1.0),
    Case("relu_standard_4_5_7_1", [4, 5, 7, 1], "standard", "relu", 2.0),
    Case("linear_ntk_2_4_3_5_1", [2, 4, 3, 5, 1], "ntk", "linear", 0.8),
    Case("tanh_standard_3_8_1_s1.5", [3, 8, 1], "standard", "tanh", 1.5),
]


@check("layer_kernels", points=0.5, cases=LK_CASES)
def test_layer_kernels(student, ref, case):
    sizes, param, act, s2 = case.args
    Ws = grader_weights(sizes, 31 + len(sizes))
    X1, X2 = grader_inputs(sizes[0], 3, 41), grader_inputs(sizes[0], 2, 42)
    got = student.layer_kernels(Ws, X1, X2, param, act, s2)
    want = ref.layer_kernels(Ws, X1, X2, param, act, s2)
    ntk = param == "ntk"
    slips = [Slip("the other parameterisation: 'standard' differentiates in V_l = sigma_w/sqrt(n_l) W_l "
                  "(no sigma_w^2/n_l factor), 'ntk' in W_l (with it), (5.27) against (5.38)",
                  ref.slipgen.layer_kernels_slip(Ws, X1, X2, not ntk, act, s2)),
              Slip("phi(h_l) replaced by h_l in the forward factor of (5.36)",
                   ref.slipgen.layer_kernels_slip(Ws, X1, X2, ntk, act, s2, "pre"))]
    if act != "linear":
        slips.append(Slip("D_l = diag(phi'(h_l)) missing from B_l = D_l V_l^T B_{l+1} (5.28)",
                          ref.slipgen.layer_kernels_slip(Ws, X1, X2, ntk, act, s2, "no_D")))
    if ntk and s2 != 1.0:
        slips.append(Slip("the layer factor 1/n_l without sigma_w^2 (5.38)",
                          ref.slipgen.layer_kernels_slip(Ws, X1, X2, ntk, act, s2, "no_sigma")))
    close(got, want, rtol=RTOL_KERNEL, atol=1e-12 * float(np.abs(want).max()), slips=slips,
          name="the layer kernels (L+1, m1, m2)")


#: the net and inputs of the error cases: layer_kernels(Ws, X, X, parameterisation, activation)
LK_ERROR_NET = (grader_weights([2, 3, 1], 1), grader_inputs(2, 2, 2))

test_layer_kernels_errors = rejects("layer_kernels", ValueError, points=0.25, cases=[
    Case("param_mean_field", LK_ERROR_NET[0], LK_ERROR_NET[1], LK_ERROR_NET[1], "mean_field", "tanh")])


# =========================================================== kernel_width_sweep
SWEEP_X = np.array([[1.0, 0.3], [0.5, -1.0], [-0.2, 0.8]])
SWEEP_WIDTHS = [16, 64, 256, 1024]
SWEEP_SEEDS = 60
Z_SWEEP = stats.z_of_ffp(FFP_CASE / 10)   # 8 means and two slopes per case


@check("kernel_width_sweep", points=1.0, stochastic=True, ffp=FFP_CASE, timeout=60, cases=[
    Case("ntk_relu_s2", "ntk", 2.0), Case("standard_relu_s2", "standard", 2.0)])
def test_kernel_width_sweep(student, ref, case, grader_seed, device):
    param, s2 = case.args
    widths = [w * (GPU_SWEEP_FACTOR if device == "cuda" else 1) for w in SWEEP_WIDTHS]
    seed = 7919 * grader_seed + 17
    shape = (len(widths), SWEEP_SEEDS, 2, 2)
    got = expect_array(student.kernel_width_sweep(SWEEP_X, widths, 1, param, SWEEP_SEEDS, seed, "relu", s2,
                                                  device=device), shape, "the sweep (widths, n_seeds, m, m)")
    if not np.all(np.isfinite(got)):
        fail("your kernels contain NaN or inf.", advice="Next: run one net of the smallest width and look for an overflow or a 0/0.")
    # the same arguments again (the order of draws across widths and nets is the student's choice)
    expect_seeded(got, student.kernel_width_sweep(SWEEP_X, widths, 1, param, SWEEP_SEEDS, seed, "relu", s2,
                                                  device=device),
                  student.kernel_width_sweep(SWEEP_X, widths, 1, param, SWEEP_SEEDS, seed + 1, "relu", s2,
                                             device=device), "kernel_width_sweep")
    for i, n in enumerate(widths):
        if np.ptp(got[i, :, 0, 0]) == 0.0:
            fail(f"at width {n} all {SWEEP_SEEDS} nets give the same Theta-hat(x_1, x_1) = {got[i, 0, 0, 0]:.6g}: "
                 "every net is the same draw.", advice="This looks like: a generator re-created from the seed for "
                 "every net. Next: create one generator per call and keep drawing from it.")
    other = "standard" if param == "ntk" else "ntk"
    # the exact mean of Theta-hat(x_a, x_b) and of its slips is a line in the width n: (slope, intercept)
    # of each, asked for every case (so a hint's lines are recorded too) and at any width
    lines = {(a, b): [ref.slipgen.relu_ntk_line(SWEEP_X, s2, param, a, b),
                      ref.slipgen.relu_ntk_line(SWEEP_X, s2, other, a, b),
                      ref.slipgen.relu_ntk_line(SWEEP_X, 1.0, param, a, b),
                      ref.slipgen.relu_ntk_line(SWEEP_X, s2, param, a, b, last_layer_only=True)]
             for a, b in ((0, 0), (0, 1))}

    def mean_at(line, n):
        return line[0] * n + line[1]

    for i, n in enumerate(widths):
        for a, b in ((0, 0), (0, 1)):
            vals = got[i, :, a, b]
            exact, other_param, no_sigma, last_only = lines[a, b]
            want = mean_at(exact, n)
            se = vals.std(ddof=1) / math.sqrt(vals.size)
            if abs(vals.mean() - want) <= Z_SWEEP * se:
                continue
            hint = named_by_mean(vals, [
                (f"the {other} parameterisation", mean_at(other_param, n)),
                ("sigma_w^2 left out (taken as 1)", mean_at(no_sigma, n)),
                ("the kernel of the last layer only (Theta-hat_1; Theta-hat_0 of W_0 left out)",
                 mean_at(last_only, n))])
            fail(f"at width {n} your Theta-hat(x_{a + 1}, x_{b + 1}) averages {vals.mean():.6g} +- {se:.2g} over "
                 f"{vals.size} nets; its exact expectation for a depth-1 ReLU net in {param} "
                 f"parameterisation is {want:.6g} ({abs(vals.mean() - want) / se:.1f} standard errors off; "
                 f"the check allows {Z_SWEEP:.1f}, ffp <= {FFP_CASE:.0e} per case).",
                 advice=hint + "Next: Theta-hat is the sum over l of layer_kernels(W, X, X, parameterisation, "
                 "...) for standard-normal W_l of shapes (width, n_0) and (1, width).")
    means = got[:, :, 0, 0].mean(axis=1)
    ses = got[:, :, 0, 0].std(axis=1, ddof=1) / math.sqrt(SWEEP_SEEDS)
    slope, se = loglog_slope(widths, means, ses)
    exact = [mean_at(lines[0, 0][0], n) for n in widths]
    theory, _ = loglog_slope(widths, exact, np.ones(len(widths)))
    if abs(slope - theory) > Z_SWEEP * se:
        fail(f"the mean of Theta-hat(x_1, x_1) grows with fitted slope {slope:.3f} +- {se:.2g} in log-log over "
             f"widths {widths}; (5.37) gives {theory:.3f} at these widths ({'1 as n grows' if param == 'standard' else '0'}). "
             f"The check allows {Z_SWEEP:.1f} standard errors.",
             advice="Next: compare your standard/NTK factors with (5.36)-(5.38).")
    if param == "ntk":
        sd, sd_se = zip(*(sd_and_log_se(got[i, :, 0, 0]) for i in range(len(widths))))
        slope, se = loglog_slope(widths, np.array(sd), np.array(sd_se) * np.array(sd))
        if abs(slope + 0.5) > Z_SWEEP * se:
            fail(f"the spread (sd over nets) of your NTK-parameterised Theta-hat(x_1, x_1) falls with fitted "
                 f"slope {slope:.3f} +- {se:.2g} over widths {widths}; an average of n iid neuron terms has "
                 f"sd proportional to n^(-1/2). The check allows {Z_SWEEP:.1f} standard errors.",
                 advice="Next: draw new weights for every net and every width; do not reuse one draw.")


# kernel_width_sweep(X, widths, depth, parameterisation, n_seeds, seed)
test_kernel_width_sweep_errors = rejects("kernel_width_sweep", ValueError, points=0.25, cases=[
    Case("param_other", SWEEP_X, [4], 1, "other", 2, 0)])


# ================================================================ fit_power_law
_FIT_X = np.array([16.0, 64.0, 256.0, 1024.0, 4096.0])
#: data sets of the public fit_power_law cases, by name: (x, y) from a generator (seed 5)
FIT_DATA = {
    "exact": lambda r: (_FIT_X[:3], 2.5 * _FIT_X[:3] ** -0.5),
    "noisy5": lambda r: (_FIT_X, 0.3 * _FIT_X**-1.0 * np.exp(r.normal(0, 0.2, 5))),
    "noisy4": lambda r: (_FIT_X[:4] / 4, 7.0 * (_FIT_X[:4] / 4) ** 0.9 * np.exp(r.normal(0, 0.05, 4))),
}


@check("fit_power_law", points=0.5, cases=[Case("exact_3pts", "exact"), Case("noisy_5pts", "noisy5"),
                                           Case("noisy_4pts", "noisy4")])
def test_fit_power_law(student, ref, case):
    x, y = case_input(FIT_DATA, case.args[0], np.random.default_rng(5))
    got = expect_sequence(student.fit_power_law(x, y), 2, "(slope, stderr)")
    got = np.array([float(expect_scalar(got[0], "slope")), float(expect_scalar(got[1], "stderr"))])
    want = np.array(ref.fit_power_law(x, y), dtype=float)
    slips = [Slip("the slope of log y on x (not on log x)",
                  np.array([ref.slipgen.slope_on_x(x, y), want[1]]))]
    if want[1] > 1e-12 or ref.recording:
        # (an exact power law has standard error 0, and so has every wrong formula for it)
        wrong = [Slip("the residual variance divided by k - 1 (the fit has two parameters: k - 2)",
                      np.array(ref.slipgen.fit_slip(x, y, 1))),
                 Slip("the residual variance divided by k (the fit has two parameters: k - 2)",
                      np.array(ref.slipgen.fit_slip(x, y, 0))),
                 Slip("the standard error of the intercept, not of the slope",
                      np.array(ref.slipgen.fit_slip(x, y, kind="intercept"))),
                 Slip("sqrt(RSS/(k - 2)) without dividing by S_xx = sum (log x - mean)^2",
                      np.array(ref.slipgen.fit_slip(x, y, kind="no_sxx")))]
        if want[1] > 1e-12:
            slips += wrong
    close(got, want, rtol=RTOL_FIT, atol=1e-13, slips=slips, name="(slope, stderr)")


test_fit_power_law_errors = rejects("fit_power_law", ValueError, points=0.25, cases=[
    Case("two_points", np.array([1.0, 2.0]), np.array([1.0, 2.0]))])
