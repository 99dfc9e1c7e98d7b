"""hw1's public checks: preserving the variance (notes 2.1.1-2.1.2).

The hidden cases of these checks are in ``hidden.py`` (not shipped to students).
"""
import numpy as np

from autograder.api import (Case, Slip, check, close, expect_array, expect_raises,
                            expect_sequence, fail, stats)

TITLE = "Preserving the variance: LeCun, Glorot, He"
FUNCTIONS = ["init_variance", "init_weights", "forward_variances", "backward_variances",
             "predicted_variances", "simulate_variances"]

#: graded functions each one calls (as the reference does): when one of these
#: fails its own checks, the engine names it as the likely cause instead of
#: giving slip hints for the caller (plugin.py)
DEPENDS = {
    "init_weights": ("init_variance",),
    "predicted_variances": ("init_variance",),
    "simulate_variances": ("init_weights", "forward_variances", "backward_variances"),
}


CALL_TIMEOUT = 5.0    # CPU seconds per call: every hw1 call needs milliseconds
RTOL_EXACT = 1e-12    # closed-form formulas: float64 round-off only
RTOL_PROP = 1e-10     # a few matrix products on grader-supplied weights

SCHEMES = ["forward", "backward", "glorot", "he", "he_backward"]


# ---------------------------------------------------------------- init_variance
@check("init_variance", points=0.5, cases=[Case(f"{s}_3_7", 3, 7, s) for s in SCHEMES])
def test_init_variance(student, ref, case):
    fan_in, fan_out, scheme = case.args
    got = student.init_variance(*case.args)
    want = ref.init_variance(*case.args)
    slips = [Slip("fan_in and fan_out swapped", ref.init_variance(fan_out, fan_in, scheme))]
    if scheme.startswith("he"):
        slips.append(Slip("the factor 2 of He's ReLU correction (2.16) is missing", want / 2))
    if scheme == "glorot":
        slips.append(Slip("1/(fan_in + fan_out): Glorot's numerator is 2 (2.14)", want / 2))
        slips.append(Slip("the mean of 1/fan_in and 1/fan_out, not the harmonic form (2.14)",
                          (1 / fan_in + 1 / fan_out) / 2))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


@check("init_variance", points=0.5, aspect="errors", cases=[Case("unknown_scheme", 3, 7, "lecun_uniform")])
def test_init_variance_rejects_unknown(student, ref, case):
    expect_raises(student.init_variance, ValueError, *case.args)


# ---------------------------------------------------------------- init_weights
WEIGHT_CASES = [
    Case("he_4layers", [30, 50, 20, 10], "he"),
    Case("glorot_wide_narrow", [60, 15, 40], "glorot"),
]
N_SEEDS_W = 4
Z_W = 5.0  # per z-test; see the ffp below


@check("init_weights", points=1.0, cases=WEIGHT_CASES, aspect="shapes")
def test_init_weights_shapes_and_seed(student, ref, case, grader_seed):
    widths, scheme = case.args
    a = student.init_weights(widths, scheme, grader_seed)
    expect_sequence(a, len(widths) - 1, "the list of weights")
    for l, W in enumerate(a):
        expect_array(W, (widths[l + 1], widths[l]), f"W_{l}")
    b = student.init_weights(widths, scheme, grader_seed)
    if not all(np.array_equal(x, y) for x, y in zip(a, b)):
        fail("two calls with the same seed gave different weights. Next: draw only from "
             "np.random.default_rng(seed), never from the global np.random state.")
    c = student.init_weights(widths, scheme, grader_seed + 1)
    if all(np.array_equal(x, y) for x, y in zip(a, c)):
        fail("seeds 0 and 1 gave identical weights: the seed is ignored.")


# Each layer gets a z-test of its mean square against v_l, one of its mean
# against 0, and a Kolmogorov-Smirnov test of W / sqrt(v_l) against N(0, 1).
# ffp: 2 * ffp_of_z(5) * layers + alpha * layers <= 4 * (1.1e-6 + 1e-6) < 1e-5.
@check("init_weights", points=1.0, cases=WEIGHT_CASES, stochastic=True, ffp=1e-5,
       aspect="distribution")
def test_init_weights_distribution(student, ref, case, grader_seed):
    widths, scheme = case.args
    draws = [student.init_weights(widths, scheme, grader_seed + 17 * k) for k in range(N_SEEDS_W)]
    for l in range(len(widths) - 1):
        for d in draws:
            expect_array(d[l], (widths[l + 1], widths[l]), f"W_{l}")
        w = np.concatenate([d[l].ravel() for d in draws])
        v = ref.init_variance(widths[l], widths[l + 1], scheme)
        n = w.size
        swapped = ref.init_variance(widths[l + 1], widths[l], scheme)
        hint = ""
        if not np.isclose(swapped, v) and abs(np.mean(w * w) - swapped) < Z_W * swapped * np.sqrt(2 / n):
            hint = "Its variance matches fan_in and fan_out swapped."
        stats.z_check(np.mean(w * w), v, v * np.sqrt(2.0 / n), Z_W,
                      what=f"the mean square of W_{l}'s entries (v_{l})",
                      hint=hint or "Next: use the standard deviation sqrt(init_variance(...)), "
                                   "not the variance, as the scale of the normal draws.")
        stats.z_check(np.mean(w), 0.0, np.sqrt(v / n), Z_W, what=f"the mean of W_{l}'s entries")
        from scipy.stats import norm
        stats.ks_check(w / np.sqrt(v), norm.cdf, 1e-6, what=f"the entries of W_{l} / sqrt(v_{l})",
                       hint="The entries must be Gaussian, not uniform.")


# ---------------------------------------------------------------- forward / backward
def _net(widths, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0, scale * np.sqrt(2.0 / a), size=(b, a)) for a, b in zip(widths[:-1], widths[1:])]
    return Ws


def _inputs(n0, batch, seed):
    return np.random.default_rng(seed).normal(size=(n0, batch))


PROP_CASES = [
    Case("linear", "linear", [6, 9, 5, 4], 7),
    Case("relu", "relu", [6, 9, 5, 4], 7),
    Case("tanh", "tanh", [5, 8, 8, 3], 3),
]


def _phi(h, act):
    from scipy.special import erf
    return {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
            "erf": erf}[act](h)


def _wrong_forward(Ws, X, act, kind):
    h, out = Ws[0] @ X, []
    for l, W in enumerate(Ws):
        if l:
            h = W @ _phi(h, act)
        if kind == "post":
            out.append(np.mean(_phi(h, act) ** 2))
        elif kind == "sum":
            out.append(np.sum(h * h) / h.shape[0])
    return np.array(out)


@check("forward_variances", points=1.0, cases=PROP_CASES)
def test_forward_variances(student, ref, case):
    act, widths, batch = case.args
    Ws, X = _net(widths, 11), _inputs(widths[0], batch, 12)
    got = student.forward_variances(Ws, X, act)
    want = ref.forward_variances(Ws, X, act)
    slips = [Slip("the variance of the post-activations x_l = phi(h_l) instead of h_l",
                  _wrong_forward(Ws, X, act, "post"))]
    if batch > 1:
        slips.append(Slip("a sum over the batch instead of the mean", _wrong_forward(Ws, X, act, "sum")))
    close(got, want, rtol=RTOL_PROP, slips=slips, name="q")


def _dphi(h, act):
    return {"linear": lambda z: np.ones_like(z), "relu": lambda z: (z > 0) * 1.0,
            "tanh": lambda z: 1 - np.tanh(z) ** 2,
            "erf": lambda z: 2 / np.sqrt(np.pi) * np.exp(-z * z)}[act](h)


def _backward_post(Ws, X, act, G):
    """D_l taken at the post-activations x_l = phi(h_l) instead of h_l."""
    hs = [Ws[0] @ X]
    for W in Ws[1:]:
        hs.append(W @ _phi(hs[-1], act))
    g, out = G, [np.mean(G * G)]
    for l in range(len(Ws) - 1, 0, -1):
        g = _dphi(_phi(hs[l - 1], act), act) * (Ws[l].T @ g)
        out.append(np.mean(g * g))
    return np.array(out[::-1])


@check("backward_variances", points=1.0, cases=PROP_CASES)
def test_backward_variances(student, ref, case):
    act, widths, batch = case.args
    Ws, X = _net(widths, 21), _inputs(widths[0], batch, 22)
    G = _inputs(widths[-1], batch, 23)
    got = student.backward_variances(Ws, X, act, G)
    want = ref.backward_variances(Ws, X, act, G)
    slips = []
    if act != "linear":
        slips.append(Slip("D_l = diag(phi'(h_l)) is missing from the backward pass (2.4)",
                          ref.backward_variances(Ws, X, "linear", G)))
    if act in ("tanh", "erf"):
        slips.append(Slip("phi' evaluated at the post-activation x_l = phi(h_l) instead of h_l",
                          _backward_post(Ws, X, act, G)))
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


@check("predicted_variances", points=0.5, aspect="errors", cases=[Case("tanh_rejected", [4, 4, 4], "he", "tanh", 4.0, 1.0)])
def test_predicted_variances_rejects_tanh(student, ref, case):
    expect_raises(student.predicted_variances, ValueError, *case.args)


# ---------------------------------------------------------------- simulation
SIM_CASES = [
    Case("relu_he", [20, 40, 30, 10], "he", "relu"),
    Case("linear_glorot", [20, 40, 30, 10], "glorot", "linear"),
]
SIM_TRIALS = 40
SIM_SEEDS = 6        # seeds of the student's simulation
SIM_REF_SEEDS = 10   # seeds of the reference simulation it is compared with
SIM_ALPHA = 1e-6     # per two-sample t-test; 2(L+1) <= 10 tests per case: ffp <= 1e-5


# The student's seed-means and the reference's (at other seeds) are compared
# layer by layer by a two-sample t-test: each seed-mean averages SIM_TRIALS
# independent draws, so it is close to normal whatever the law of one draw.
@check("simulate_variances", points=1.0, cases=SIM_CASES, stochastic=True, ffp=1e-5, timeout=30)
def test_simulate_variances(student, ref, case, grader_seed):
    widths, scheme, act = case.args
    runs = [expect_sequence(student.simulate_variances(widths, scheme, act, SIM_TRIALS, grader_seed + k),
                            2, "(q, delta)") for k in range(SIM_SEEDS)]
    L1 = len(widths) - 1
    for r in runs:
        expect_array(r[0], (L1,), "q")
        expect_array(r[1], (L1,), "delta")
    if all(np.array_equal(runs[0][0], r[0]) for r in runs[1:]):
        fail("every seed gave the same simulated q: the seed is ignored (or nothing is random).")
    again = student.simulate_variances(widths, scheme, act, SIM_TRIALS, grader_seed)
    if not (np.array_equal(np.asarray(again[0]), runs[0][0]) and np.array_equal(np.asarray(again[1]), runs[0][1])):
        fail("two calls with the same seed gave different results. Next: draw only from "
             "np.random.default_rng(seed), never from the global state or an unseeded generator.")
    refs = [ref.simulate_variances(widths, scheme, act, SIM_TRIALS, grader_seed + stats.REF_SEED_OFFSET + k)
            for k in range(SIM_REF_SEEDS)]
    pred = ref.predicted_variances(widths, scheme, act, float(widths[0]), 1.0)
    from scipy.stats import ttest_ind
    for part, name in ((0, "q"), (1, "delta")):
        s = np.array([r[part] for r in runs])
        t = np.array([r[part] for r in refs])
        for l in range(L1):
            p = ttest_ind(s[:, l], t[:, l]).pvalue
            if not p >= SIM_ALPHA:
                fail(f"your simulated {name}_{l + 1} averages {s[:, l].mean():.4g} over "
                     f"{SIM_SEEDS} seeds; the reference simulation averages {t[:, l].mean():.4g} "
                     f"(mean-field prediction {pred[part][l]:.4g}); two-sample t-test p = {p:.1e} "
                     f"(fails below {SIM_ALPHA:g}; a correct simulation fails with probability "
                     f"<= 1e-5).", advice="Next: draw x ~ N(0, I) and g ~ N(0, I) afresh in every "
                     "trial and average the per-draw q_l and delta_l.")


# Fresh draws in every trial. With n_0 = 1 the input's squared norm ||x||^2
# is chi^2_1, and q_1 = v_0 ||x||^2 chi^2_{n_1}/n_1 per trial (whatever the
# activation). A call that draws x once, outside the trial loop, averages
# over the weights only, conditional on that x: its q_1 spreads like
# v_0 chi^2_1 around the prediction v_0 n_0, while a correct call's spreads
# like a mean of n_trials draws (relative sd sqrt(((1 + 2/n_0)(1 + 2/n_1) - 1)
# / n_trials) = 0.23 here, against sqrt(2) for x drawn once). Likewise for
# delta_{L+1} with n_{L+1} = 1 and g drawn once. The distances of per-call
# values from the prediction, |q_1 - v_0 n_0| and |delta_{L+1} - 1|, are iid
# for the student's calls and the reference's (at other seeds) when the
# student is correct, so a one-sided Mann-Whitney test (student larger) at
# FRESH_ALPHA each has level FRESH_ALPHA exactly: ffp <= 2 * 5e-6 = 1e-5.
# Over 10 grader seeds a simulation drawing x and g once per call gave
# p <= 1.2e-6 on the worse part and <= 1.2e-8 on the better one.
FRESH_WIDTHS = [1, 30, 30, 1]
FRESH_TRIALS, FRESH_SEEDS, FRESH_REF_SEEDS = 40, 30, 120
FRESH_ALPHA = 5e-6


@check("simulate_variances", points=1.5, aspect="fresh_draws", stochastic=True, ffp=1e-5, timeout=30,
       cases=[Case("he_relu_n0_1", FRESH_WIDTHS, "he", "relu")])
def test_simulate_variances_fresh_draws(student, ref, case, grader_seed):
    widths, scheme, act = case.args
    L1 = len(widths) - 1
    runs = []
    for k in range(FRESH_SEEDS):
        r = expect_sequence(student.simulate_variances(widths, scheme, act, FRESH_TRIALS, grader_seed + k),
                            2, "(q, delta)")
        runs.append((expect_array(r[0], (L1,), "q"), expect_array(r[1], (L1,), "delta")))
    refs = [ref.simulate_variances(widths, scheme, act, FRESH_TRIALS, grader_seed + stats.REF_SEED_OFFSET + k)
            for k in range(FRESH_REF_SEEDS)]
    pred = ref.predicted_variances(widths, scheme, act, float(widths[0]), 1.0)
    from scipy.stats import mannwhitneyu
    for part, l, name, what in ((0, 0, "q_1", "x ~ N(0, I)"), (1, L1 - 1, f"delta_{L1}", "g ~ N(0, I)")):
        mu = pred[part][l]
        s = np.array([r[part][l] for r in runs])
        t = np.array([r[part][l] for r in refs])
        if not np.all(np.isfinite(s)):
            fail(f"your simulated {name} is not finite in some calls: {s[:5]}.")
        p = mannwhitneyu(np.abs(s - mu), np.abs(t - mu), alternative="greater").pvalue
        if not p >= FRESH_ALPHA:
            # the advice names the slip only when the spread itself is too wide
            # (scale-free: interquartile range of the logs, against the reference's)
            with np.errstate(all="ignore"):
                spread = np.subtract(*np.percentile(np.log(s), [75, 25])) / \
                    np.subtract(*np.percentile(np.log(t), [75, 25]))
            if not spread > 2.0:
                fail(f"your {name} over {FRESH_SEEDS} calls (seeds, {FRESH_TRIALS} trials each) is "
                     f"centred at {np.median(s):.4g} (median), where the prediction is {mu:.4g} and "
                     f"the reference's calls give {np.median(t):.4g} (one-sided Mann-Whitney test of "
                     f"the distances from the prediction: p = {p:.1e}, fails below {FRESH_ALPHA:g}).",
                     advice=f"Next: compare your simulation with predicted_variances({widths}, "
                     f"{scheme!r}, {act!r}, {widths[0]}.0, 1.0): the variances or the propagation differ.")
            fail(f"with n_0 = n_{L1} = 1 and {FRESH_TRIALS} trials per call, your {name} over "
                 f"{FRESH_SEEDS} calls (seeds) spreads far more around the prediction {mu:.4g} than a "
                 f"correct simulation's: median distance {np.median(np.abs(s - mu)):.3g}, against "
                 f"{np.median(np.abs(t - mu)):.3g} for the reference at other seeds (one-sided "
                 f"Mann-Whitney p = {p:.1e}, fails below {FRESH_ALPHA:g}; a correct simulation fails "
                 f"with probability <= 1e-5).", advice=f"Each call looks like an average conditional "
                 f"on one draw. Next: draw {what} afresh in every trial, inside the loop, together "
                 f"with the weights.")


def plot(student, ref, outdir):
    """q_l and delta_l against depth: the student's simulation over the prediction."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    widths = [50] * 9
    files = []
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for act, scheme, color in (("linear", "forward", "C0"), ("relu", "he", "C1"), ("relu", "forward", "C2")):
        q, d = ref.predicted_variances(widths, scheme, act, float(widths[0]), 1.0)
        sq, sd = student.simulate_variances(widths, scheme, act, 40, 0)
        layers = np.arange(1, len(q) + 1)
        for ax, pred, sim in ((axes[0], q, sq), (axes[1], d, sd)):
            ax.plot(layers, pred, "-", color=color, label=f"{act}/{scheme} prediction")
            ax.plot(layers, np.asarray(sim), "o", color=color, label=f"{act}/{scheme} yours")
    for ax, title in zip(axes, ("forward: q_l", "backward: delta_l")):
        ax.set_yscale("log")
        ax.set_xlabel("layer l")
        ax.set_title(title)
        ax.legend(fontsize=7)
    path = f"{outdir}/hw1_variances.png"
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    files.append(path)
    return files
