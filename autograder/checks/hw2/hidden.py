"""hw2's hidden cases: other activations, phases and biases than the public ones, and two hidden checks.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``).
"""
import numpy as np

from autograder.api import Case, check, expect_array, hidden_cases, rejects, stats

from . import public as P
from . import public_chaos as PC
from . import public_simulation as PS
from .public import Q
from .public_chaos import C9, C_GRID, H_LENGTH_SLOPE
from .theory import slope

# tanh_large_q: test_length_map names a quadrature that loses accuracy as q grows
Q_LARGE = np.array([0.3, 1.0, 4.0, 10.0, 25.0])

test_length_map = hidden_cases(P.test_length_map, [
    Case("tanh_bias_scalar", 0.8, 2.5, 0.4, "tanh"),
    Case("erf_scalar_zero", 0.0, 1.3, 0.0, "erf"),
    Case("tanh_large_q", Q_LARGE, 3.0, 0.2, "tanh"),
])


test_length_map_rejects_unknown = rejects("length_map", ValueError, points=0.25, hidden=True, cases=[
    Case("unknown_activation", Q, 1.0, 0.0, "softplus"),
])


test_length_fixed_point = hidden_cases(P.test_length_fixed_point, [
    Case("tanh_bias", 4.0, 1.0, "tanh"),
    Case("tanh_near_edge", 1.1, 0.0, "tanh"),
    Case("tanh_at_edge", 1.0, 0.0, "tanh"),
    Case("erf_between_pi4_and_1", 0.9, 0.0, "erf"),
    Case("erf_ordered", 0.7, 0.0, "erf"),
    Case("tanh_small_bias_ordered", 0.5, 0.2, "tanh"),
    Case("tanh_other_q0", 1.5, 0.3, "tanh", 0.01),
])

test_length_fixed_point_is_fixed_and_stable = hidden_cases(P.test_length_fixed_point_is_fixed_and_stable, [
    Case("erf_chaotic", 3.0, 0.0, "erf"),
])

test_length_fixed_point_rejects_unbounded = hidden_cases(P.test_length_fixed_point_rejects_unbounded, [
    Case("linear_rejected", 0.5, 0.1, "linear"),
])

test_chi1 = hidden_cases(PC.test_chi1, [
    Case("tanh_bias", 1.5, 0.3, "tanh"),
    Case("tanh_ordered", 0.8, 0.0, "tanh"),
    Case("erf_ordered", 0.5, 0.0, "erf"),
    Case("linear", 0.7, 0.4, "linear"),
    Case("erf_chaotic", 2.5, 0.0, "erf"),
])

test_correlation_map = hidden_cases(PC.test_correlation_map, [
    Case("tanh_chaotic_no_bias", C_GRID, 2.5, 0.0, "tanh"),
    Case("tanh_ordered_bias", C9, 1.2, 0.5, "tanh"),
    Case("erf_ordered_q0", C9, 0.6, 0.0, "erf"),
    Case("tanh_scalar", 0.37, 1.8, 0.05, "tanh"),
])

test_correlation_map_slope_at_one = hidden_cases(PC.test_correlation_map_slope_at_one, [
    Case("erf_chaotic", 2.0, 0.0, "erf"),
    Case("tanh_ordered_bias", 1.2, 0.5, "tanh"),
])

test_edge_of_chaos = hidden_cases(PC.test_edge_of_chaos, [
    Case("tanh_no_bias", 0.0, "tanh"),
    Case("erf_no_bias", 0.0, "erf"),
    Case("tanh_tiny_bias", 1e-6, "tanh"),
    Case("tanh_0.5", 0.5, "tanh"),
    Case("linear", 0.2, "linear"),
    Case("erf_small_bias", 1e-3, "erf"),
])

test_edge_is_where_chi1_is_one = hidden_cases(PC.test_edge_is_where_chi1_is_one, [
    Case("erf_0.02", 0.02, "erf"),
])

# simulate_lengths: the contract check takes the first of these, the distribution check all
SIM_CASES = [
    Case("relu_bias", 1.6, 0.4, "relu", 40, 6, 1.5),
    Case("erf_no_bias", 3.0, 0.0, "erf", 40, 6, 2.0),
    Case("linear_bias", 0.8, 1.0, "linear", 30, 5, 0.3),
]
test_simulate_lengths_contract = hidden_cases(PS.test_simulate_lengths_contract, SIM_CASES[:1])
test_simulate_lengths_distribution = hidden_cases(PS.test_simulate_lengths_distribution, SIM_CASES)


# A single wide net follows the iterated map: the mean of a few runs of
# width 400 against V^(l-1)(q1), with a conservative (upper-bound) variance
# from the delta method, var s_{l+1} <= V'(s_l)^2 var s_l + sigma_w2 (V(s_l) -
# sigma_b2) / width (phi^4 <= phi^2 for |phi| <= 1), var q_l = var s_l +
# 2 s_l^2 / width. ffp <= 5 layers x ffp_of_z(4.6) = 2e-5; the O(1/width)
# bias of the mean is < 0.1 of its standard error here. (Over 100 replicates of
# the reference, the z of this test has sd 0.5-0.8 < 1: the bound is conservative.)
@check("simulate_lengths", points=0.5, aspect="follows_length_map", stochastic=True, ffp=2e-5,
       timeout=60, hidden=True, cases=[Case("tanh_wide", 2.5, 0.1, "tanh", 400, 6, 0.2)])
def test_simulate_lengths_follow_map(student, ref, case, grader_seed):
    sw, sb, act, width, depth, q1 = case.args
    n_runs = 4
    runs = np.array([expect_array(student.simulate_lengths(*case.args, grader_seed + 7919 * k), (depth,), "q")
                     for k in range(n_runs)])
    mean, var_s = [q1], [0.0]
    for _ in range(depth - 1):
        s = mean[-1]
        v = float(ref.length_map(s, sw, sb, act))
        v_slope = slope(lambda x: ref.length_map(x, sw, sb, act), s, H_LENGTH_SLOPE)
        var_s.append(v_slope ** 2 * var_s[-1] + sw * (v - sb) / width)
        mean.append(v)
    for l in range(1, depth):
        se = np.sqrt((var_s[l] + 2 * mean[l] ** 2 / width) / n_runs)
        stats.z_check(runs[:, l].mean(), mean[l], se, 4.6,
                      what=f"the mean of q_{l + 1} over {n_runs} nets of width {width}",
                      hint="A wide net must follow the iterated length map (2.21).")
