"""hw2's public checks of chi1, correlation_map and edge_of_chaos (notes 2.1.3, (2.29)-(2.43))."""
import numpy as np

from autograder.api import Case, Slip, check, close, expect_array, fail
from autograder.checks.hw2.diagnosis import NEAR_MISS_EDGE, close_or_near_miss
from autograder.checks.hw2.public import ATOL_C, RTOL_CHI, RTOL_EDGE, RTOL_SLOPE
from autograder.checks.hw2.theory import slope, slope_at_one
from autograder.reference import UNRECORDED

# Known wrong answers that the reference's functions cannot produce are
# computed by the hidden helpers of slipgen.py (ref.slipgen), Gauss-Hermite
# with 200 nodes: at q <= 2 it is good to 1e-9, enough to name a slip (never
# used to pass or fail).
SMOOTH = ("tanh", "erf")   # the smooth activations
H_LENGTH_SLOPE = 1e-6      # central difference for V'(q*) (2.23), a slip's value only


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
    if act in SMOOTH:
        qs = ref.length_fixed_point(sw, sb, act)
        if qs > 0:
            slips += [
                Slip("phi instead of phi' in (2.29): that is V(q*) - sigma_b2", qs - sb),
                Slip("the square is outside the expectation, sigma_w2 (E phi')^2; (2.29) has E phi'^2",
                     sw * ref.slipgen.mean_dphi(act, qs) ** 2),
                Slip("no square at all, sigma_w2 E phi' (as misprinted in (2.47)); (2.29) has E phi'^2",
                     sw * ref.slipgen.mean_dphi(act, qs)),
                Slip("V'(q*) (2.23), the slope of the length map; chi_1 (2.29) is sigma_w2 E phi'^2 "
                     "without the phi phi'' term",
                     slope(lambda x: ref.length_map(x, sw, sb, act), qs, H_LENGTH_SLOPE)),
                Slip("E phi'^2 taken at q = 1 instead of at the fixed point q*",
                     sw * ref.slipgen.mean_dphi_sq(act, 1.0)),
            ]
    close_or_near_miss(got, want, rtol=RTOL_CHI, atol=0.0, slips=slips, name="chi_1")


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
                      (sw * ref.slipgen.covariance_sqrt_missing(act, c, qs) + sb) / qs)]
    close_or_near_miss(got, want, rtol=0.0, atol=ATOL_C, slips=slips, name="c_(l+1)")


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
    got_slope = slope_at_one(got[0], got[1], h)
    want = ref.chi1(sw, sb, act)
    if not abs(got_slope - want) <= RTOL_SLOPE * abs(want) + 2 * ATOL_C / h:
        fail(f"the slope of your correlation map at c -> 1 is {got_slope:.6g} (by Richardson "
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
    base = ref.slipgen.bias_free_edge(act) if act in SMOOTH and sb > 0 else UNRECORDED
    if base is not UNRECORDED:   # the answer at sigma_b2 = 0: a hidden helper's value
        slips.append(Slip(f"the bias-free edge {base:.6g}; with sigma_b2 > 0 the edge moves right "
                          "(tanh: about 1 + 2 (3 sigma_b2 / 4)^(1/3) for small sigma_b2). Near "
                          "sigma_b2 = 0, chi_1 - 1 is tiny right of the root: bracket from "
                          "1/phi'(0)^2 and widen to the right", base))
    if act == "erf" and sb == 0:
        slips.append(Slip("the tanh value 1: for erf phi'(0)^2 = 4/pi, so the edge is pi/4", 1.0))
    if act == "relu":
        slips.append(Slip("the linear value 1: relu halves the variance, chi_1 = sigma_w2 / 2", 1.0))
    close_or_near_miss(got, want, rtol=RTOL_EDGE, atol=0.0, slips=slips, name="sigma_w2 at the edge",
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
