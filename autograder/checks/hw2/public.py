"""hw2's public checks: the length map, its fixed point and the edge of chaos (notes 2.1.3).

The hidden cases of these checks, and the hidden checks, are in ``hidden.py``
(not shipped to students).
"""
import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import erf

from autograder.api import (Case, Slip, check, close, expect_array, expect_raises, expect_scalar,
                            fail, stats)

TITLE = "The length map, its fixed point and the edge of chaos"
FUNCTIONS = ["length_map", "length_fixed_point", "chi1", "correlation_map", "edge_of_chaos",
             "simulate_lengths"]

#: graded functions each one calls (as the reference does): a failing one is
#: named as the likely cause of its callers' failures (plugin.py)
DEPENDS = {
    "chi1": ("length_fixed_point",),
    "correlation_map": ("length_fixed_point",),
    "edge_of_chaos": ("length_fixed_point",),
}


# The contract asks for Gaussian expectations to ~1e-10; the tolerances leave a
# factor >= 100 for a student's own rule (Gauss-Hermite with 150+ nodes at the
# q used below), and every known slip is off by more than 1e-3.
RTOL_V = 1e-8          # V(q): one expectation (closed form or quadrature)
ATOL_V = 1e-12         # V(0) = sigma_b2 may be 0
RTOL_FP = 1e-7         # q*: a root of V(q) - q; iterating with |q_{l+1} - q_l| < 1e-10
                       # stops within 1e-10 / (1 - V'(q*)) <= 1e-9 of q* >= 0.05 here
ATOL_FP = 1e-10        # the contract's atol (q* = 0 in the ordered phase)
RTOL_CHI = 1e-7        # chi_1: an expectation at q*, inherits q*'s error
ATOL_C = 1e-8          # correlation map: a 2-d expectation, values in [-1, 1]
RTOL_EDGE = 1e-7       # edge: contract 1e-8, plus chi_1's error / d chi_1/d sigma_w2 (>= 0.017)
RTOL_SLOPE = 1e-4      # slope at c -> 1 from c'(1-h), h = 1e-3, 5e-4 by Richardson: O(h^2) + ATOL_C/h


# --------------------------------------------------------------- slip helpers
# Known wrong answers that the reference's functions cannot produce are
# computed here by Gauss-Hermite with 200 nodes: at q <= 2 it is good to 1e-9,
# enough to name a slip (never used to pass or fail).
_Z, _W = hermegauss(200)
_W = _W / np.sqrt(2 * np.pi)
_PHI = {"tanh": np.tanh, "erf": erf}
_DPHI = {"tanh": lambda u: 1 - np.tanh(u) ** 2, "erf": lambda u: 2 / np.sqrt(np.pi) * np.exp(-u * u)}


def _gh(g, q):
    return float(_W @ g(np.sqrt(q) * _Z))


def _gh2(phi, c, q, sqrt_missing=False):
    """E phi(u1) phi(u2) (u2 with 1 - c^2 for sqrt(1 - c^2) when sqrt_missing)."""
    c = np.asarray(c, dtype=float)
    s = (1 - c * c) if sqrt_missing else np.sqrt(np.clip(1 - c * c, 0, None))
    a = np.sqrt(q)
    inner = phi(a * (c[..., None, None] * _Z[:, None] + s[..., None, None] * _Z[None, :]))
    return np.einsum("...ij,i,j->...", inner, _W * phi(a * _Z), _W)


NEAR_MISS = 1e-4      # all entries within this relative error, none a known slip: an accuracy problem
NEAR_MISS_EDGE = 1e-3  # the edge divides chi_1's error by d chi_1 / d sigma_w2 ~ 0.2


def _close(got, want, rtol, atol, slips=(), name="result", near=NEAR_MISS):
    """close(), but a near miss gets its own message instead of a guessed factor."""
    __tracebackhide__ = True
    w = np.asarray(want, dtype=float)
    same_kind = isinstance(got, np.ndarray) if isinstance(want, np.ndarray) else \
        isinstance(got, (int, float, np.floating, np.integer)) and not isinstance(got, bool)
    if same_kind:
        g = np.asarray(got, dtype=float)
        if g.shape == w.shape and np.all(np.isfinite(g)):
            err = np.abs(g - w)
            bad = err > atol + rtol * np.abs(w)
            is_slip = any(s.value is not None and np.shape(s.value) == w.shape
                          and np.allclose(g, s.value, rtol=max(rtol, 1e-8), atol=atol) for s in slips)
            if bad.any() and not is_slip and np.all(err <= near * np.abs(w) + atol):
                i = int(np.argmax(np.where(bad, err / np.maximum(np.abs(w), 1e-300), 0)))
                fail(f"{name} is close to the reference but not within rtol={rtol:g}, atol={atol:g}: "
                     f"expected {w.ravel()[i]:.12g}, got {g.ravel()[i]:.12g} (relative error "
                     f"{err.ravel()[i] / abs(w.ravel()[i]):.2g}; {int(bad.sum())} of {bad.size} entries "
                     "off). Errors this small come from a Gaussian expectation that is not accurate "
                     "enough (the contract asks ~1e-10: for tanh, Gauss-Hermite needs more and more "
                     "nodes as q grows, see section 1) or from a loose stopping tolerance. Next: "
                     "compare your expectations with a closed form (erf) or with scipy.integrate.quad.")
    close(got, want, rtol=rtol, atol=atol, slips=slips, name=name)


def _vprime(ref, q, sw, sb, act, h=1e-6):
    lo = max(q - h, 0.0)
    return (ref.length_map(q + h, sw, sb, act) - ref.length_map(lo, sw, sb, act)) / (q + h - lo)


# ------------------------------------------------------------------ length_map
Q = np.array([0.0, 0.1, 0.5, 1.0, 2.0])


@check("length_map", points=0.5, cases=[
    Case("tanh", Q, 1.5, 0.0, "tanh"),
    Case("erf_bias", Q, 2.0, 0.3, "erf"),
    Case("relu_closed_form_2d", Q.reshape(1, 5) * np.array([[1.0], [3.0]]), 2.0, 0.1, "relu"),
    Case("linear", Q, 0.7, 0.2, "linear"),
])
def test_length_map(student, ref, case):
    q, sw, sb, act = case.args
    got = student.length_map(*case.args)
    want = ref.length_map(*case.args)
    slips = [Slip("V(q) evaluated with phi(q z) instead of phi(sqrt(q) z)",
                  ref.length_map(np.square(q), sw, sb, act)),
             Slip("Gauss-Hermite nodes of hermgauss (weight exp(-x^2)) used without the factor "
                  "sqrt(2): that computes E phi(sqrt(q/2) z)^2", ref.length_map(q / 2, sw, sb, act)),
             Slip("sigma_b2 is left out of V (2.21) (Poole et al.'s bias term)",
                  ref.length_map(q, sw, 0.0, act)),
             Slip("sigma_b2 multiplied by sigma_w2: the bias is added after the weights, "
                  "V = sigma_w2 E phi^2 + sigma_b2", np.asarray(ref.length_map(q, sw, 0.0, act)) + sw * sb)]
    if act == "relu":
        slips.insert(0, Slip("the factor 1/2 of relu is missing: E relu(sqrt(q) z)^2 = q/2",
                             ref.length_map(q, sw, sb, "linear")))
    if case.id == "tanh_large_q":
        g = np.asarray(got, dtype=float) if isinstance(got, np.ndarray) else None
        if g is not None and g.shape == want.shape and np.all(np.isfinite(g)):
            err = np.abs(g - want) > RTOL_V * np.abs(want)
            if err[-1] and not err[0]:                  # right at small q, wrong at large q
                fail(f"V(q) is right at q = {q[0]} but off at q = {q[err].tolist()} (got "
                     f"{g[err].tolist()}, expected {want[err].tolist()}). Your quadrature loses "
                     "accuracy as q grows: tanh(sqrt(q) z) has poles at z = +-i pi/(2 sqrt(q)), so "
                     "Gauss-Hermite needs ever more nodes. Next: use panels of width ~1/sqrt(q) "
                     "near 0 (see section 1 and the helpers), or many more nodes.")
    _close(got, want, rtol=RTOL_V, atol=ATOL_V, slips=slips, name="V(q)")


# ---------------------------------------------------------- length_fixed_point
@check("length_fixed_point", points=0.5, cases=[
    Case("tanh_chaotic", 2.0, 0.0, "tanh"),
    Case("erf_bias", 2.0, 0.3, "erf"),
    Case("tanh_ordered", 0.9, 0.0, "tanh"),
])
def test_length_fixed_point(student, ref, case):
    sw, sb, act = case.args[:3]
    got = student.length_fixed_point(*case.args)
    want = ref.length_fixed_point(*case.args)
    if want == 0.0:
        g = float(expect_scalar(got, "q*"))
        if not abs(g) <= ATOL_FP:
            fail(f"q* = {g:.6g}, expected 0.0. Without bias and with V'(0) = sigma_w2 phi'(0)^2 <= 1 "
                 "(2.24) (tanh: sigma_w2 <= 1, erf: sigma_w2 <= pi/4) the iterates fall to 0, but "
                 "only like 1/(2l) at the threshold, so an iteration stops far from 0. Next: return "
                 "0.0 directly in that case.")
        return
    slips = []
    if sb == 0.0:
        slips.append(Slip("q = 0 is a fixed point too, but unstable here (V'(0) = "
                          "sigma_w2 phi'(0)^2 > 1, (2.24)); return the stable one reached from q0 > 0"
                          + (" (for erf phi'(0)^2 = 4/pi, so the threshold is sigma_w2 = pi/4, not 1)"
                             if act == "erf" else ""), 0.0))
    _close(got, want, rtol=RTOL_FP, atol=ATOL_FP, slips=slips, name="q*")


@check("length_fixed_point", points=0.5, aspect="is_stable_fixed_point", cases=[
    Case("tanh_bias", 2.5, 0.1, "tanh"),
])
def test_length_fixed_point_is_fixed_and_stable(student, ref, case):
    """V(q*) = q* with the student's own V, and V'(q*) < 1: generalises to any algorithm."""
    sw, sb, act = case.args
    qs = float(student.length_fixed_point(*case.args))
    v = student.length_map(qs, sw, sb, act)
    close(v, qs, rtol=RTOL_FP, atol=ATOL_FP, name=f"your length_map at your q* = {qs:.10g}")
    h = 1e-5 * max(qs, 1e-3)
    slope = (float(student.length_map(qs + h, sw, sb, act)) - float(student.length_map(max(qs - h, 0), sw, sb, act))) \
        / (qs + h - max(qs - h, 0))
    if not slope < 1:
        fail(f"V'(q*) = {slope:.4g} >= 1 at your q* = {qs:.6g}: this fixed point is unstable, the "
             "iterates of V from q0 > 0 move away from it. Next: return the stable fixed point.")


@check("length_fixed_point", points=0.25, aspect="errors", cases=[
    Case("relu_rejected", 2.0, 0.1, "relu"),
])
def test_length_fixed_point_rejects_unbounded(student, ref, case):
    expect_raises(student.length_fixed_point, ValueError, *case.args)


# ------------------------------------------------------------------------ chi1
@check("chi1", points=0.5, cases=[
    Case("tanh_chaotic", 2.0, 0.0, "tanh"),
    Case("erf_bias", 1.5, 0.3, "erf"),
    Case("relu", 3.0, 0.5, "relu"),
])
def test_chi1(student, ref, case):
    sw, sb, act = case.args
    got = student.chi1(*case.args)
    want = ref.chi1(*case.args)
    slips = []
    if act in _PHI:
        qs = ref.length_fixed_point(sw, sb, act)
        if qs > 0:
            slips += [
                Slip("phi instead of phi' in (2.29): that is V(q*) - sigma_b2", qs - sb),
                Slip("the square is outside the expectation, sigma_w2 (E phi')^2; (2.29) has E phi'^2",
                     sw * _gh(_DPHI[act], qs) ** 2),
                Slip("no square at all, sigma_w2 E phi' (as misprinted in (2.47)); (2.29) has E phi'^2",
                     sw * _gh(_DPHI[act], qs)),
                Slip("V'(q*) (2.23), the slope of the length map; chi_1 (2.29) is sigma_w2 E phi'^2 "
                     "without the phi phi'' term", _vprime(ref, qs, sw, sb, act)),
                Slip("E phi'^2 taken at q = 1 instead of at the fixed point q*",
                     sw * _gh(lambda u: _DPHI[act](u) ** 2, 1.0)),
            ]
    _close(got, want, rtol=RTOL_CHI, atol=0.0, slips=slips, name="chi_1")


# ------------------------------------------------------------- correlation_map
C9 = np.linspace(-1.0, 1.0, 9)
C_GRID = np.array([[-0.9, -0.3, 0.0], [0.4, 0.95, 1.0]])


@check("correlation_map", points=0.5, cases=[
    Case("tanh_bias", C9, 2.0, 0.1, "tanh"),
    Case("erf_bias", C9, 1.5, 0.2, "erf"),
    Case("tanh_ordered_q0", C_GRID, 0.8, 0.0, "tanh"),
])
def test_correlation_map(student, ref, case):
    c, sw, sb, act = case.args
    got = student.correlation_map(*case.args)
    want = ref.correlation_map(*case.args)
    qs = ref.length_fixed_point(sw, sb, act)
    if qs == 0.0:
        g = np.asarray(got, dtype=float) if isinstance(got, (np.ndarray, float, int, np.floating)) else None
        if g is not None and g.shape == np.shape(want) and not np.all(np.isfinite(g)):
            fail("your correlation map returned NaN/inf where q* = 0 (no bias, ordered phase): "
                 "the ratio is 0/0 there. Next: return its limit as q -> 0, which is c itself.")
        slips = [Slip("zeros where q* = 0: the 0/0 limit of the ratio is c itself, not 0",
                      np.zeros_like(want)),
                 Slip("sigma_w2 c: your q* is tiny but not 0, and sigma_w2 E phi phi / q* tends to "
                      "sigma_w2 c; in the ordered phase without bias q* = 0 exactly and the map "
                      "is c itself", sw * np.asarray(want))]
    else:
        slips = [Slip("sigma_b2 is left out of the numerator of (2.35); then c = 1 is not fixed",
                      np.asarray(want) - sb / qs),
                 Slip("the covariance is not divided by q* (2.35)", np.asarray(want) * qs),
                 Slip("u2 = sqrt(q*)(c z1 + (1 - c^2) z2): the square root of 1 - c^2 is missing",
                      (sw * _gh2(_PHI[act], c, qs, sqrt_missing=True) + sb) / qs)]
    _close(got, want, rtol=0.0, atol=ATOL_C, slips=slips, name="c_(l+1)")


@check("correlation_map", points=0.5, aspect="slope_at_one", cases=[
    Case("tanh_bias", 2.0, 0.1, "tanh"),
])
def test_correlation_map_slope_at_one(student, ref, case):
    """c = 1 is fixed (2.36) and the slope there is chi_1 (2.43)."""
    sw, sb, act = case.args
    h = 1e-3
    c = np.array([1 - h, 1 - h / 2, 1.0])
    got = expect_array(student.correlation_map(c, sw, sb, act), (3,), "c_(l+1) at c = [1-h, 1-h/2, 1]")
    if not np.all(np.isfinite(got)):
        fail(f"your correlation map near c = 1 is {got}: not finite.")
    if abs(got[2] - 1) > ATOL_C:
        fail(f"c = 1 must be a fixed point of the correlation map (2.36): yours maps it to "
             f"{got[2]:.10g}. At c = 1, u1 = u2 and the numerator is V(q*) = q*. Next: check the "
             "bias term and the normalisation by q*.")
    d1, d2 = (1 - got[0]) / h, (1 - got[1]) / (h / 2)
    slope = 2 * d2 - d1
    want = ref.chi1(sw, sb, act)
    if not abs(slope - want) <= RTOL_SLOPE * abs(want) + 2 * ATOL_C / h:
        fail(f"the slope of your correlation map at c -> 1 is {slope:.6g} (by Richardson "
             f"extrapolation from c = 1 - {h:g}, 1 - {h / 2:g}); (2.43) says it equals "
             f"chi_1 = {want:.6g}. Next: check u2 = sqrt(q*)(c z1 + sqrt(1 - c^2) z2) and that "
             "q* is the fixed point of the length map.")


# --------------------------------------------------------------- edge_of_chaos
@check("edge_of_chaos", points=0.5, cases=[
    Case("tanh_0.05", 0.05, "tanh"),
    Case("relu", 0.1, "relu"),
    Case("erf_0.3", 0.3, "erf"),
])
def test_edge_of_chaos(student, ref, case):
    sb, act = case.args
    got = student.edge_of_chaos(*case.args)
    want = ref.edge_of_chaos(*case.args)
    slips = []
    if act in _PHI and sb > 0:
        base = 1.0 if act == "tanh" else np.pi / 4
        slips.append(Slip(f"the bias-free edge {base:.6g}; with sigma_b2 > 0 the edge moves right "
                          "(tanh: about 1 + 2 (3 sigma_b2 / 4)^(1/3) for small sigma_b2). Near "
                          "sigma_b2 = 0, chi_1 - 1 is tiny right of the root: bracket from "
                          "1/phi'(0)^2 and widen to the right", base))
    if act == "erf" and sb == 0:
        slips.append(Slip("the tanh value 1: for erf phi'(0)^2 = 4/pi, so the edge is pi/4", 1.0))
    if act == "relu":
        slips.append(Slip("the linear value 1: relu halves the variance, chi_1 = sigma_w2 / 2", 1.0))
    _close(got, want, rtol=RTOL_EDGE, atol=0.0, slips=slips, name="sigma_w2 at the edge",
           near=NEAR_MISS_EDGE)


@check("edge_of_chaos", points=0.5, aspect="chi1_is_one", cases=[
    Case("tanh_0.1", 0.1, "tanh"),
])
def test_edge_is_where_chi1_is_one(student, ref, case):
    """chi_1(edge) = 1 with the student's own chi1 (consistency of two functions)."""
    sb, act = case.args
    s = float(student.edge_of_chaos(sb, act))
    x = student.chi1(s, sb, act)
    close(x, 1.0, rtol=RTOL_CHI, atol=0.0, name=f"your chi1 at your edge sigma_w2 = {s:.10g}")


# ------------------------------------------------------------ simulate_lengths
SIM_CASES = [
    Case("tanh_bias", 2.0, 0.5, "tanh", 40, 6, 0.5),
]
SIM_RUNS = 100        # student runs (seeds grader_seed + k) and reference runs (other seeds)
SIM_Z = 4.42          # two-sample z-test of the means: ffp_of_z(4.42) = 1e-5 per layer
SIM_KS_ALPHA = 1e-6   # two-sample Kolmogorov-Smirnov test per layer (distribution-free)


@check("simulate_lengths", points=0.25, aspect="contract", cases=SIM_CASES)
def test_simulate_lengths_contract(student, ref, case, grader_seed):
    sw, sb, act, width, depth, q1 = case.args
    a = expect_array(student.simulate_lengths(*case.args, grader_seed), (depth,), "q")
    if not abs(a[0] - q1) <= 1e-12 * q1:
        fail(f"q_1 = {a[0]:.10g}, expected q1 = {q1} exactly: scale x (or h_1 = W_0 x) to the norm "
             "sqrt(width * q1) before the first layer.")
    b = student.simulate_lengths(*case.args, grader_seed)
    if not np.array_equal(a, b):
        fail("two calls with the same seed gave different q_l. Next: draw only from "
             "np.random.default_rng(seed), never from the global np.random state.")
    c = student.simulate_lengths(*case.args, grader_seed + 1)
    if np.array_equal(a, c):
        fail("seeds differing by 1 gave identical q_l: the seed is ignored (or nothing is random).")


def _iterated_map(ref, q1, sw, sb, act, depth):
    out = [q1]
    for _ in range(depth - 1):
        out.append(float(ref.length_map(out[-1], sw, sb, act)))
    return np.array(out)


def _sim_slip(ref, runs, args):
    """Name a slip whose mean-field prediction the student's mean q_l follow (hint only).

    Every reference call is made whatever the outcome, so that the public
    fixtures, recorded on the reference, cover them.
    """
    sw, sb, act, width, depth, q1 = args
    alternatives = [
        ("b_l drawn with standard deviation sigma_b2, i.e. variance sigma_b2^2", (sw, sb * sb)),
        ("W_l drawn with standard deviation sigma_w2/sqrt(width), i.e. variance sigma_w2^2/width",
         (sw * sw, sb)),
        ("no bias b_l added", (sw, 0.0)),
        ("W_l drawn with variance sigma_w2 (not sigma_w2/width)", (sw * width, sb)),
    ]
    maps = [(text, _iterated_map(ref, q1, w2, b2, act, depth)[1:]) for text, (w2, b2) in alternatives
            if (w2, b2) != (sw, sb)]
    mean = runs.mean(axis=0)[1:]
    tol = np.maximum(4 * runs.std(axis=0, ddof=1)[1:] / np.sqrt(len(runs)), 0.05 * np.abs(mean))
    if np.all(np.abs(mean - _iterated_map(ref, q1, sw, sb, act, depth)[1:]) <= tol):
        return ""
    for text, alt in maps:
        if np.all(np.abs(mean - alt) <= tol):
            return f"Your mean q_l follow the length map of a slip: {text}. "
    return ""


# The student's q_l over SIM_RUNS seeds against the reference's over as many
# other seeds (fixed ones, REF_SEED_OFFSET + k: disjoint from the student's
# for grader seeds < 1e6, computed once per session and recorded in the
# public fixtures, so `course check --seed N` works for any N), layer by layer: a z-test of the difference of the means (the
# difference of two means of iid runs is symmetric and, with 100 runs each,
# close to normal: over 500 replicates of the reference against itself, relu
# case, P(|z| > 3) = 0.002, expected 0.0027) and a two-sample KS test, exact
# and distribution-free, which catches a wrong spread or a constant output.
# ffp per case <= (depth - 1) x (1e-5 + 1e-6) <= 6e-5.
@check("simulate_lengths", points=0.5, aspect="distribution", cases=SIM_CASES, stochastic=True,
       ffp=6e-5, timeout=60)
def test_simulate_lengths_distribution(student, ref, case, grader_seed):
    sw, sb, act, width, depth, q1 = case.args
    runs = np.array([expect_array(student.simulate_lengths(*case.args, grader_seed + k), (depth,), "q")
                     for k in range(SIM_RUNS)])
    if not np.all(np.isfinite(runs)):
        fail("your simulated q_l contain NaN or inf.")
    refs = np.array([ref.simulate_lengths(*case.args, stats.REF_SEED_OFFSET + k) for k in range(SIM_RUNS)])
    theory = _iterated_map(ref, q1, sw, sb, act, depth)
    nxt = _sim_slip(ref, runs, case.args) + \
        ("Next: W_l ~ N(0, sigma_w2/width) (scale sqrt(sigma_w2/width)), b_l ~ N(0, sigma_b2) "
         "(scale sqrt(sigma_b2)), h_{l+1} = W_l phi(h_l) + b_l, q_l = |h_l|^2 / width.")
    for l in range(1, depth):
        s, r = runs[:, l], refs[:, l]
        if s.var() == 0:
            fail(f"q_{l + 1} is the same in all {SIM_RUNS} runs (seeds {grader_seed}, {grader_seed + 1}, "
                 "...): a random net gives a different q_l every time. Next: draw W_l and b_l "
                 "from np.random.default_rng(seed).")
        se = np.sqrt((s.var(ddof=1) + r.var(ddof=1)) / SIM_RUNS)
        dev = abs(s.mean() - r.mean())
        if not dev <= SIM_Z * se:
            fail(f"the mean of q_{l + 1} over {SIM_RUNS} seeds (width {width}) is {s.mean():.4g}; the "
                 f"reference simulation over {SIM_RUNS} other seeds gives {r.mean():.4g} (mean-field "
                 f"length map: {theory[l]:.4g}). They are {dev / se:.1f} standard errors apart; the "
                 f"check allows {SIM_Z} (a correct simulation fails with probability "
                 f"{stats.ffp_of_z(SIM_Z):.0e}). " + nxt)
        stats.ks_check(s, r, SIM_KS_ALPHA, what=f"your q_{l + 1} over {SIM_RUNS} seeds",
                       hint=f"(compared with the reference's q_{l + 1} over other seeds: mean "
                            f"{r.mean():.4g}, sd {r.std():.3g}; yours: mean {s.mean():.4g}, sd "
                            f"{s.std():.3g}.) " + nxt)


# ------------------------------------------------------------------------ plot
def plot(student, ref, outdir):
    """The student's length map, correlation map, edge of chaos and simulation over the reference's."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    q = np.linspace(0.0, 3.0, 61)
    ax = axes[0, 0]
    for k, sw in enumerate((0.8, 1.5, 3.0)):
        ax.plot(q, ref.length_map(q, sw, 0.1, "tanh"), color=f"C{k}", label=f"reference, sigma_w2={sw}")
        ax.plot(q, np.asarray(student.length_map(q, sw, 0.1, "tanh")), "o", ms=3, color=f"C{k}",
                label="yours")
    ax.plot(q, q, "k--", lw=0.7)
    ax.set(title="length map V(q), tanh, sigma_b2 = 0.1 (2.21)", xlabel="q", ylabel="V(q)")
    ax.legend(fontsize=7)

    c = np.linspace(-1.0, 1.0, 41)
    ax = axes[0, 1]
    for k, (sw, sb) in enumerate(((1.5, 0.5), (4.0, 0.1))):
        ax.plot(c, ref.correlation_map(c, sw, sb, "tanh"), color=f"C{k}",
                label=f"reference, sigma_w2={sw}, sigma_b2={sb}")
        ax.plot(c, np.asarray(student.correlation_map(c, sw, sb, "tanh")), "o", ms=3, color=f"C{k}",
                label="yours")
    ax.plot(c, c, "k--", lw=0.7)
    ax.set(title="correlation map, tanh (2.35)", xlabel="c_l", ylabel="c_(l+1)")
    ax.legend(fontsize=7)

    b = np.array([0.0, 0.01, 0.05, 0.1, 0.3, 0.6, 1.0])
    ax = axes[1, 0]
    ax.plot([ref.edge_of_chaos(x, "tanh") for x in b], b, "C0", label="reference")
    ax.plot([float(student.edge_of_chaos(float(x), "tanh")) for x in b], b, "o", color="C0", label="yours")
    ax.set(title="edge of chaos chi_1 = 1, tanh: ordered left, chaotic right", xlabel="sigma_w2",
           ylabel="sigma_b2")
    ax.legend(fontsize=7)

    ax = axes[1, 1]
    sw, sb, q1, depth = 2.5, 0.1, 0.2, 12
    mean = _iterated_map(ref, q1, sw, sb, "tanh", depth)
    ax.plot(range(1, depth + 1), mean, "k-", label="iterated length map (reference)")
    for seed in range(3):
        ax.plot(range(1, depth + 1), np.asarray(student.simulate_lengths(sw, sb, "tanh", 500, depth, q1, seed)),
                "o", ms=3, color="C3", label="your simulation, width 500" if seed == 0 else None)
    ax.set(title=f"simulated q_l, tanh, sigma_w2={sw}, sigma_b2={sb}", xlabel="layer l", ylabel="q_l")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = f"{outdir}/hw2_length_map.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [path]
