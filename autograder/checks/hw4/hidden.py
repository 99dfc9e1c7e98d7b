"""hw4's hidden cases: other inputs, shapes, activations and widths than the public ones.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``).
"""
import numpy as np
from numpy.random import default_rng

from autograder.api import Case, hidden_cases

from . import public as P
from . import public_deep_linear as PD
from . import public_full_rank as PF
from . import public_training as PT
from .public import _W0_F, _X_F, _XF, with_singular_values
from .public_deep_linear import _X_D, _Y_D, NO_BOTTLENECK
from .public_training import _X_B, _X_I, _X_N, _X_S, _Y_B, _Y_I, _Y_N, _Y_S

# ---------------------------------------------------------------- hidden_features
_X_F0 = _X_F.copy()
_X_F0[:, 2] = 0.0                         # an input at the origin: relu(0), square(0), sigmoid(0) = 1/2

test_hidden_features = hidden_cases(P.test_hidden_features, [
    *(Case(f"{act}_zero_input", _W0_F, _X_F0, act) for act in ("relu", "sigmoid", "square")),
    Case("one_unit_one_point", np.array([[-0.7, 0.2, 1.1]]), np.array([[0.3], [-1.2], [0.9]]), "tanh"),
])

test_hidden_features_rejects_unknown = hidden_cases(P.test_hidden_features_rejects_unknown, [
    Case("capitalised_Tanh", np.eye(2), np.eye(2), "Tanh"),
])

# ---------------------------------------------------------------- numerical_rank
_dup = default_rng(411).standard_normal((3, 5))
test_numerical_rank = hidden_cases(P.test_numerical_rank, [
    Case("tiny_but_counted", with_singular_values([1, 1e-13], (6, 6), 415)),
    Case("below_tolerance", with_singular_values([1, 1, 1e-17], (8, 8), 416)),
    Case("large_scale", 1e8 * with_singular_values([1, 1e-6, 0], (5, 5), 417)),
    Case("repeated_row", np.vstack([_dup, _dup[:1]])),
])

# ---------------------------------------------------------------- full_rank_probability
test_full_rank_probability_edges = hidden_cases(PF.test_full_rank_probability_edges, [
    Case("sigmoid_n0_3_m20", 3, 20, 20, "sigmoid"),
    Case("square_m_eq_n0n0p1_2", 4, 12, 10, "square"),
    Case("linear_n0_eq_m", 6, 8, 6, "linear"),
    Case("relu_scalar_inputs", 1, 30, 3, "relu"),
    Case("erf_n1_below_m", 6, 5, 6, "erf"),
])

test_full_rank_probability_relu = hidden_cases(PF.test_full_rank_probability_relu, [
    Case("relu_n0_2_m10", 2, 10, 10),
    Case("relu_n0_3_m10", 3, 10, 10),
])

# ---------------------------------------------------------------- output_layer_optimum
test_output_layer_optimum = hidden_cases(P.test_output_layer_optimum, [
    Case("square_features", (default_rng(428).standard_normal((10, 2)) @ default_rng(429).standard_normal((2, 8))) ** 2,
         default_rng(430).standard_normal((3, 8))),
    Case("repeated_rows", np.vstack([_XF, _XF[:2]]), default_rng(431).standard_normal((2, 6))),
    Case("one_point", np.array([[0.5], [-1.0], [2.0]]), np.array([[3.0]])),
])

# ---------------------------------------------------------------- train_two_layer
test_train_two_layer_basics = hidden_cases(PT.test_train_two_layer_basics, [
    Case("relu", _X_S, _Y_S, 7, "relu", 0.05),
])

test_train_two_layer_initial_loss = hidden_cases(PT.test_train_two_layer_initial_loss, [
    Case("relu", _X_I, _Y_I, 12, "relu"),
    Case("sigmoid", _X_I, _Y_I, 12, "sigmoid"),
])

test_train_two_layer_gradient = hidden_cases(PT.test_train_two_layer_gradient, [
    Case("narrow_erf", _X_N, _Y_N, 2, "erf"),
])

test_train_two_layer_lower_bound = hidden_cases(PT.test_train_two_layer_lower_bound, [
    Case("linear_least_squares", _X_B, _Y_B, 10, "linear", 0.01, 100),
])

# ---------------------------------------------------------------- deep_linear_gap
BOTTLENECK = [4, 6, 1, 3]

test_deep_linear_gap_basics = hidden_cases(PD.test_deep_linear_gap_basics, [
    Case("bottleneck_1", BOTTLENECK, 0.02),
])

test_deep_linear_gap_rejects_mismatch = hidden_cases(PD.test_deep_linear_gap_rejects_mismatch, [
    Case("output_width_mismatch", [4, 6, 2], _X_D, _Y_D, 0.01, 1, 0),
])

test_deep_linear_gap_initial = hidden_cases(PD.test_deep_linear_gap_initial, [
    Case("deeper", [2, 5, 9, 4, 6], 0.02),
])

test_deep_linear_gap_gradient = hidden_cases(PD.test_deep_linear_gap_gradient, [
    Case("no_bottleneck", NO_BOTTLENECK),
])
