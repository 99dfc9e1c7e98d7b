"""hw12's hidden cases: other classes, radii, nets and parameters than the public ones.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``).
"""
import math

import numpy as np

from autograder.api import Case, hidden_cases
from autograder.checks.hw12 import public as P
from autograder.checks.hw12 import public_concentration as C
from autograder.checks.hw12 import public_pac_bayes as B
from autograder.checks.hw12.inputs import (H_REPEATED, H_SOFT, H_THRESHOLDS, diagonal_series, gaussian, perturbation,
                                           random_net, sphere_data, symmetric_series)

# ---------------------------------------------------------------- finite classes
test_covering_number = hidden_cases(P.test_covering_number, [
    Case("integer_distance_eps_sqrt12", H_REPEATED, math.sqrt(12.0)),
    Case("thresholds_eps2.5", H_THRESHOLDS, 2.5),
    Case("soft_eps2", H_SOFT, 2.0),
    Case("above_diameter", H_SOFT, 100.0),
])
test_rademacher_exact = hidden_cases(P.test_rademacher_exact, [Case("soft", H_SOFT)])
test_dudley_bound = hidden_cases(P.test_dudley_bound, [
    Case("thresholds_eps1", H_THRESHOLDS, 1.0),
    Case("integer_distances_eps0.3", H_REPEATED, 0.3),
])
test_dudley_above_rad = hidden_cases(P.test_dudley_above_rad, [Case("soft", H_SOFT, [0.05, 0.4, 1.0])])

# ---------------------------------------------------------------- hypersphere example
test_sphere_errors = hidden_cases(P.test_sphere_errors, [
    Case("m60_D3000", *sphere_data(60, 3000, math.sqrt(120), 1214), 1.0),
])

# ---------------------------------------------------------------- compression
test_prune_quantize = hidden_cases(B.test_prune_quantize, [Case("keep_all_r16", random_net([2, 3, 1], 1224), 9, 16)])
test_prune_quantize_errors = hidden_cases(B.test_prune_quantize_errors, [
    Case("r_one", random_net([2, 3, 1], 1225), 3, 1)])
test_compression_bound = hidden_cases(B.test_compression_bound, [
    Case("m1e6_k5000_r2", 0.0, 10 ** 6, 3 * 10 ** 6, 5000, 2, 0.001),
])

# ---------------------------------------------------------------- Donsker-Varadhan
test_dv_objective = hidden_cases(B.test_dv_objective, [Case("hidden_mix", -1.1, -0.3, 2.0, 0.3, -1.0, 2.5)])
test_dv_objective_infinite = hidden_cases(B.test_dv_objective_infinite, [
    Case("edge", 0.25, 1.0, 0.0, 1.0, 0.0, 2.0)])
test_dv_below_kl = hidden_cases(B.test_dv_below_kl, [Case("grid_shifted", -1.0, 0.5, 0.5, 3.0)])
test_dv_maximiser = hidden_cases(B.test_dv_maximiser, [Case("hidden", 2.0, 0.3, -1.0, 2.5)])

# ---------------------------------------------------------------- Lemma 11
_NET4 = random_net([4, 8, 8, 8, 1], 1233)
_X_NET4 = gaussian((4, 25), 1236)

test_relu_perturbation = hidden_cases(B.test_relu_perturbation, [
    Case("L4_small", _NET4, perturbation(_NET4, 0.1, 1243), _X_NET4),
])
test_perturbation_bound = hidden_cases(B.test_perturbation_bound, [
    Case("L4", _NET4, perturbation(_NET4, 0.1, 1243), 1.0),
])
test_perturbation_bound_holds = hidden_cases(B.test_perturbation_bound_holds, [
    Case("random_nets_L4", [4, 8, 8, 8, 1], 1260)])

# ---------------------------------------------------------------- McDiarmid
test_mcdiarmid_bound = hidden_cases(C.test_mcdiarmid_bound, [
    Case("sup_deviation_m200", np.full(200, 1 / 200), 0.1),
])
test_mcdiarmid_bound_errors = hidden_cases(C.test_mcdiarmid_bound_errors, [
    Case("negative_c", np.array([0.1, -0.1]), 0.1)])
# the threshold m (1/2 + eps) sits half-way between integers, as in the public cases
test_mcdiarmid_coins = hidden_cases(C.test_mcdiarmid_coins, [
    Case("m100_eps0.055", 100, 0.055)])

# ---------------------------------------------------------------- Tropp
test_tropp_bound = hidden_cases(C.test_tropp_bound, [
    Case("random_sym_norm", symmetric_series(6, 5, 1272), 6.0, "norm"),
])
test_tropp_bound_errors = hidden_cases(C.test_tropp_bound_errors, [
    Case("unknown_tail", diagonal_series(3, [1, 1, 1]), 1.0, "min")])
test_tropp_tail = hidden_cases(C.test_tropp_tail, [
    Case("diag3_scaled", diagonal_series(3, [0.5, 1.0, 2.0]), 2.5),
])
