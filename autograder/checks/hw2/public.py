"""hw2's public checks: the length map, its fixed point and the edge of chaos (notes 2.1.3).

This file holds the checks of length_map and length_fixed_point; those of
chi1, correlation_map and edge_of_chaos are in ``public_chaos.py``, those of
simulate_lengths in ``public_simulation.py``. ``theory.py`` holds the slopes
and the iterated map they compare with, ``diagnosis.py`` the near-miss and
slip messages, ``plot.py`` the plot. The hidden cases of these checks, and
the hidden checks, are in ``hidden.py`` (not shipped to students).
"""
import numpy as np

from autograder.api import Case, Slip, check, close, expect_scalar, fail, rejects
from autograder.checks.hw2.diagnosis import close_or_near_miss
from autograder.checks.hw2.theory import slope

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


# ------------------------------------------------------------------ length_map
Q = np.array([0.0, 0.1, 0.5, 1.0, 2.0])
# From about q = 10 on, tanh(sqrt(q) z) has poles at z = +-i pi/(2 sqrt(q)) close to the real
# line, and a quadrature with a fixed number of nodes loses accuracy: a V(q) right at the
# smallest q of a case but wrong at its largest gets a message that says so.
LARGE_Q = 10.0


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
    if act == "tanh" and np.ndim(q) == 1 and np.max(q) >= LARGE_Q:
        g = np.asarray(got, dtype=float) if isinstance(got, np.ndarray) else None
        if g is not None and g.shape == want.shape and np.all(np.isfinite(g)):
            err = np.abs(g - want) > RTOL_V * np.abs(want)
            if err[-1] and not err[0]:                  # right at small q, wrong at large q
                fail(f"V(q) is right at q = {q[0]} but off at q = {q[err].tolist()} (got "
                     f"{g[err].tolist()}, expected {want[err].tolist()}). Your quadrature loses "
                     "accuracy as q grows: tanh(sqrt(q) z) has poles at z = +-i pi/(2 sqrt(q)), so "
                     "Gauss-Hermite needs ever more nodes. Next: use panels of width ~1/sqrt(q) "
                     "near 0 (see section 1 and the helpers), or many more nodes.")
    close_or_near_miss(got, want, rtol=RTOL_V, atol=ATOL_V, slips=slips, name="V(q)")


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
    close_or_near_miss(got, want, rtol=RTOL_FP, atol=ATOL_FP, slips=slips, name="q*")


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
    v_slope = slope(lambda x: float(student.length_map(x, sw, sb, act)), qs, h)
    if not v_slope < 1:
        fail(f"V'(q*) = {v_slope:.4g} >= 1 at your q* = {qs:.6g}: this fixed point is unstable, the "
             "iterates of V from q0 > 0 move away from it. Next: return the stable fixed point.")


# relu and linear maps have no finite stable fixed point with q* > 0 to return
test_length_fixed_point_rejects_unbounded = rejects("length_fixed_point", ValueError, points=0.25, cases=[
    Case("relu_rejected", 2.0, 0.1, "relu"),
])
