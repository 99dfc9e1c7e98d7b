"""hw9's public checks of the tensors O_s (notes 5.2): tangent_tensors, ntk_time_derivative
and correction_sweep (the 1/n corrections of a two-layer net)."""
import math

import numpy as np

from autograder.api import Case, Slip, check, close, expect_array, expect_sequence, fail, rejects, stats

from autograder.checks.hw9.common import grader_inputs, grader_weights, loglog_slope
from autograder.checks.hw9.public import FFP_CASE, GPU_SWEEP_FACTOR, RTOL_FD, RTOL_TENSOR, expect_seeded

# ============================================================== tangent_tensors
TT_CASES = [Case("tanh_n16_m3", 3, 16, 3, "tanh"), Case("linear_n10_m3", 2, 10, 3, "linear")]


@check("tangent_tensors", points=0.5, cases=TT_CASES)
def test_tangent_tensors(student, ref, case):
    n0, n, m, act = case.args
    Ws = grader_weights([n0, n, 1], 50 + n)
    X = grader_inputs(n0, m, 51)
    got = expect_sequence(student.tangent_tensors(Ws, X, act), 4, "(f, theta, o3, o4)")
    want = ref.tangent_tensors(Ws, X, act)
    names = ["f", "theta", "o3", "o4"]
    for s in range(4):
        g = expect_array(got[s], (m,) * (s + 1), names[s])
        slips = [Slip(f"{names[s]} without its normalisation: O_s carries n^(-s/2), here n^(-{s + 1}/2)",
                      want[s] * n ** ((s + 1) / 2)),
                 Slip(f"{names[s]} normalised by n^(-{s}/2) instead of n^(-{s + 1}/2)", want[s] * math.sqrt(n))]
        if s == 2 and act == "tanh":
            slips.append(Slip("only one term of the product rule: grad Theta(x_i, x_j) has a Hessian of f at "
                              "x_i and one at x_j", ref.slipgen.o3_first_term_only(Ws, X)))
        close(g, want[s], rtol=RTOL_TENSOR, atol=1e-12 * float(np.abs(want[s]).max()), slips=slips,
              name=names[s])


@check("tangent_tensors", points=0.25, aspect="finite_difference", cases=[Case("tanh_n12")])
def test_tangent_tensors_fd(student, ref, case):
    """o3[:, :, k] is the derivative of the student's own theta along grad f(x_k) (5.62)."""
    Ws = grader_weights([3, 12, 1], 61)
    X = grader_inputs(3, 3, 62)
    f, th, o3, _ = (np.asarray(v) for v in expect_sequence(student.tangent_tensors(Ws, X, "tanh"), 4,
                                                           "(f, theta, o3, o4)"))
    eps = 1e-5
    for k, (gw, g0) in enumerate(ref.slipgen.tangent_directions(Ws, X)):
        plus = student.tangent_tensors([Ws[0] + eps * gw, Ws[1] + eps * g0], X, "tanh")[1]
        minus = student.tangent_tensors([Ws[0] - eps * gw, Ws[1] - eps * g0], X, "tanh")[1]
        fd = (np.asarray(plus) - np.asarray(minus)) / (2 * eps)
        close(np.asarray(o3[:, :, k]), fd, rtol=RTOL_FD, atol=1e-9, name=f"o3[:, :, {k}] against the "
              f"central difference of your theta along grad f(x_{k + 1})")


@check("tangent_tensors", points=0.25, aspect="theta_is_the_ntk", cases=[Case("tanh_n9")])
def test_tangent_theta_is_layer_kernel_sum(student, ref, case):
    Ws = grader_weights([2, 9, 1], 71)
    X = grader_inputs(2, 3, 72)
    th = np.asarray(expect_sequence(student.tangent_tensors(Ws, X, "tanh"), 4, "(f, theta, o3, o4)")[1])
    lk = np.asarray(student.layer_kernels(Ws, X, X, "ntk", "tanh", 1.0)).sum(axis=0)
    close(th, lk, rtol=RTOL_TENSOR, atol=1e-13, name="theta against the sum of your layer_kernels(..., 'ntk', "
          "'tanh', 1.0)")


# =========================================================== ntk_time_derivative
@check("ntk_time_derivative", points=0.5, cases=[
    Case("tanh_lr1", 3, 16, 4, "tanh", 1.0), Case("linear_lr0.5", 2, 8, 3, "linear", 0.5)])
def test_ntk_time_derivative(student, ref, case):
    n0, n, m, act, lr = case.args
    Ws = grader_weights([n0, n, 1], 80 + n)
    X = grader_inputs(n0, m, 81)
    y = np.random.default_rng(82).standard_normal(m)
    got = student.ntk_time_derivative(Ws, X, y, lr, act)
    want = ref.ntk_time_derivative(Ws, X, y, lr, act)
    f, _, O3, _ = ref.tangent_tensors(Ws, X, act)
    r = y - np.asarray(f)
    O3 = np.asarray(O3)
    close(got, want, rtol=RTOL_TENSOR, atol=1e-12 * float(np.abs(want).max()), name="dTheta/dt", slips=[
        Slip("the sum over the training set without 1/m (the loss is the mean, (1/2m) sum_k)", want * m),
        Slip("the residual y_k - f(x_k) left out (O_3 summed alone)", lr / m * O3.sum(axis=2)),
        Slip("O_3 with the training point first, O_3(x_k, x_i, x_j): (5.68) puts it last",
             lr / m * np.einsum("kij,k->ij", O3, r))])


@check("ntk_time_derivative", points=0.25, aspect="finite_difference", cases=[Case("tanh_n10")])
def test_ntk_time_derivative_fd(student, ref, case):
    """dTheta/dt against a central difference of the student's layer kernels along the gradient flow."""
    Ws = grader_weights([2, 10, 1], 91)
    X = grader_inputs(2, 4, 92)
    y = np.array([0.5, -1.0, 0.2, 0.9])
    lr = 0.7
    dt = 1e-5
    move = ref.slipgen.flow_direction(Ws, X, y, lr)
    plus = np.asarray(student.layer_kernels([w + dt * d for w, d in zip(Ws, move)], X, X, "ntk", "tanh", 1.0)).sum(0)
    minus = np.asarray(student.layer_kernels([w - dt * d for w, d in zip(Ws, move)], X, X, "ntk", "tanh", 1.0)).sum(0)
    got = student.ntk_time_derivative(Ws, X, y, lr, "tanh")
    close(got, (plus - minus) / (2 * dt), rtol=RTOL_FD, atol=1e-9,
          name="dTheta/dt against the central difference of your layer_kernels along the flow")


# ============================================================== correction_sweep
CORR_X = np.array([[1.0, 0.4, -0.7], [0.3, 1.2, 0.5]])
CORR_WIDTHS = [16, 64, 256]
CORR_SEEDS = 200
N_CORR_TESTS = 12
Z_CORR = stats.z_of_ffp(FFP_CASE / N_CORR_TESTS)
ALPHA_CORR = FFP_CASE / N_CORR_TESTS
COLS = ["n dTheta/dt(x_1, x_1)", "n O_3(x_1, x_1, x_1)", "n O_4(x_1, x_1, x_1, x_1)"]


def corr_widths(device):
    return [w * (GPU_SWEEP_FACTOR if device == "cuda" else 1) for w in CORR_WIDTHS]


def corr_stats(vals, widths):
    """Per width: the three statistics (n mean dTheta, n^2 mean O_3^2, n mean O_4) and their standard errors."""
    out, ses = [], []
    for i, n in enumerate(widths):
        d, o3, o4 = vals[i].T
        cols = [n * d, (n * o3) ** 2, n * o4]
        out.append([c.mean() for c in cols])
        ses.append([c.std(ddof=1) / math.sqrt(c.size) for c in cols])
    return np.array(out), np.array(ses)


def corr_slopes(widths, means, ses):
    """Slopes against -1 for |mean dTheta/dt|, RMS O_3 and |mean O_4| (the stats are n-scaled: unscale)."""
    w = np.asarray(widths, dtype=float)
    raw = [(means[:, 0] / w, ses[:, 0] / w), (np.sqrt(means[:, 1]) / w, ses[:, 1] / (2 * np.sqrt(means[:, 1])) / w),
           (means[:, 2] / w, ses[:, 2] / w)]
    return [loglog_slope(widths, m, s) for m, s in raw]


def student_sweep(student, y, widths, seed, act, lr, device):
    """The student's correction_sweep on CORR_X: its shape (widths, n_seeds, 3), finite."""
    __tracebackhide__ = True
    got = expect_array(student.correction_sweep(CORR_X, y, widths, CORR_SEEDS, seed, act, lr, device=device),
                       (len(widths), CORR_SEEDS, 3), "the sweep (widths, n_seeds, 3)")
    if not np.all(np.isfinite(got)):
        fail("your sweep contains NaN or inf.", advice="Next: call tangent_tensors on one net of the smallest width and look for an overflow or a 0/0.")
    return got


@check("correction_sweep", points=1.0, stochastic=True, ffp=FFP_CASE, timeout=60, cases=[
    Case("linear_y0", "linear", 1.0)])
def test_correction_sweep_linear(student, ref, case, grader_seed, device):
    """Linear net: the n-scaled moments against their closed forms at every width, and the slopes."""
    act, lr = case.args
    widths = corr_widths(device)
    seed = 7919 * grader_seed + 29
    y = np.zeros(CORR_X.shape[1])
    got = student_sweep(student, y, widths, seed, act, lr, device)
    means, ses = corr_stats(got, widths)
    theory = ref.slipgen.linear_net_corrections(CORR_X, lr)
    names = ["n E dTheta/dt(x_1, x_1)", "n^2 E O_3(x_1, x_1, x_1)^2", "n E O_4(x_1, x_1, x_1, x_1)"]
    for i, n in enumerate(widths):
        for c in range(3):
            dev = abs(means[i, c] - theory[c])
            if dev <= Z_CORR * ses[i, c]:
                continue
            ratio = means[i, c] / theory[c]
            hint = ""
            if abs(ratio - n ** 0.5) < 0.2 * n ** 0.5 or abs(ratio - n) < 0.2 * n:
                hint = (f"Your value is about {ratio:.3g} times the exact one at width {n}: a power of n in the "
                        "normalisation (O_s carries n^(-s/2)). ")
            elif c == 0 and abs(means[i, c] + theory[c]) <= Z_CORR * ses[i, c]:
                hint = ("This looks like: the sign of the residual flipped: (5.68) weights O_3 by y - f(x), "
                        "not f(x) - y. ")
            fail(f"at width {n}, {names[c]} over your {CORR_SEEDS} nets is {means[i, c]:.5g} +- {ses[i, c]:.2g}; "
                 f"for the linear net it is exactly {theory[c]:.5g} at every width (iid neurons). "
                 f"{dev / ses[i, c]:.1f} standard errors off; the check allows {Z_CORR:.1f} "
                 f"(ffp <= {FFP_CASE:.0e} per case).",
                 advice=hint + "Next: check tangent_tensors and ntk_time_derivative on one net first, then "
                 "that each width and seed draws a new net.")
    expect_corr_slopes(widths, means, ses)


def expect_corr_slopes(widths, means, ses):
    __tracebackhide__ = True
    labels = ["|mean dTheta/dt(x_1, x_1)|", "the RMS of O_3(x_1, x_1, x_1)", "|mean O_4(x_1, x_1, x_1, x_1)|"]
    for label, (slope, se) in zip(labels, corr_slopes(widths, means, ses)):
        if abs(slope + 1.0) > Z_CORR * se:
            hint = ""
            if abs(slope + 0.5) <= Z_CORR * se:
                hint = "A slope of -1/2 is a factor sqrt(n) too much in the normalisation. "
            fail(f"{label} falls with fitted slope {slope:.3f} +- {se:.2g} in log-log over widths {widths}; "
                 f"the finite-width expansion gives -1 ((5.64)-(5.66), exact here since the neurons are iid). "
                 f"The check allows {Z_CORR:.1f} standard errors.",
                 advice=hint + "Next: O_s carries n^(-s/2); compare one width with tangent_tensors.")


@check("correction_sweep", points=1.0, stochastic=True, ffp=FFP_CASE, timeout=60, cases=[
    Case("tanh_y", "tanh", 1.0)])
def test_correction_sweep_tanh(student, ref, case, grader_seed, device):
    """tanh: each n-scaled column against the reference's nets at other seeds, and the slopes."""
    act, lr = case.args
    widths = corr_widths(device)
    seed = 7919 * grader_seed + 31
    y = np.array([0.5, -0.3, 0.8])
    got = student_sweep(student, y, widths, seed, act, lr, device)
    expect_seeded(got, student.correction_sweep(CORR_X, y, widths, CORR_SEEDS, seed, act, lr, device=device),
                  student.correction_sweep(CORR_X, y, widths, CORR_SEEDS, seed + 1, act, lr, device=device),
                  "correction_sweep")
    theirs = np.asarray(ref.correction_sweep(CORR_X, y, widths, CORR_SEEDS, seed + stats.REF_SEED_OFFSET, act, lr,
                                             device=device))
    for i, n in enumerate(widths):
        for c in range(3):
            p = stats.two_sample(n * got[i, :, c], n * theirs[i, :, c], "mann-whitney", method="asymptotic")
            if p > ALPHA_CORR:
                continue
            fail(f"at width {n}, {COLS[c]} over your {CORR_SEEDS} nets has mean {n * got[i, :, c].mean():.5g}; the "
                 f"reference's nets at other seeds give {n * theirs[i, :, c].mean():.5g}. Mann-Whitney p = {p:.1e}; "
                 f"the check fails below {ALPHA_CORR:.1e} (ffp <= {FFP_CASE:.0e} per case).",
                 advice="Next: the net is f(x) = n^(-1/2) W_1 tanh(W_0 x / sqrt(n_0)) with standard-normal W_0, W_1; "
                 "O_3 and O_4 by (5.62), dTheta/dt by (5.68) with the mean over (X, y).")
    means, ses = corr_stats(got, widths)
    expect_corr_slopes(widths, means, ses)


# correction_sweep(X, y, widths, n_seeds, seed, activation)
test_correction_sweep_errors = rejects("correction_sweep", ValueError, points=0.25, cases=[
    Case("act_relu", CORR_X, np.zeros(3), [4], 2, 0, "relu")])
