"""hw11's hidden cases: other nets, data and activations than the public ones,
and the check that feeds a student's critical point to the reference.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``).
"""
import numpy as np

from autograder.api import Case, check, fail, hidden_cases

from autograder.checks.hw11 import public as P
from autograder.checks.hw11 import public_critical as C
from autograder.checks.hw11 import public_symmetries as S
from autograder.checks.hw11.inputs import (X5, X8, X8_WITH_NEGATIVES, W_RESCALE, critical_case, full_row_rank_layers,
                                           gaussian, random_biases, random_layers, regression_data,
                                           symmetric_with_eigenvalues)
from autograder.checks.hw11.public import ZERO_GRAD, expect_weights

# ---------------------------------------------------------------- feature_ranks
test_feature_ranks = hidden_cases(P.test_feature_ranks, [
    Case("erf_three_layers", random_layers([3, 8, 9, 8], 1120), X8, "erf", random_biases([3, 8, 9, 8], 1121)),
    Case("sigmoid_no_bias", random_layers([3, 8, 8], 1122), X8_WITH_NEGATIVES, "sigmoid"),
    Case("square_three_layers", random_layers([2, 4, 6, 12], 1123), gaussian((2, 12), 1124), "square"),
    Case("relu_wide", random_layers([3, 20, 20], 1125), X8, "relu", random_biases([3, 20, 20], 1126)),
])
test_feature_ranks_errors = hidden_cases(P.test_feature_ranks_errors, [
    Case("one_bias_missing", [np.eye(2), np.eye(2)], np.eye(2), "tanh", [np.zeros(2)]),
])

# ---------------------------------------------------------------- polynomial_feature_dim
test_polynomial_feature_dim = hidden_cases(P.test_polynomial_feature_dim, [
    Case("degree_0", 4, 0), Case("large", 12, 16),
])
test_polynomial_feature_dim_errors = hidden_cases(P.test_polynomial_feature_dim_errors, [
    Case("negative_degree", 3, -1)])

# ---------------------------------------------------------------- deep_linear_loss_grads
test_deep_linear_loss_grads = hidden_cases(P.test_deep_linear_loss_grads, [
    Case("four_layers", random_layers([2, 5, 3, 4, 3], 1135), *regression_data(2, 3, 7, 1136)),
    Case("one_point", random_layers([4, 2, 3], 1137), *regression_data(4, 3, 1, 1138)),
])
test_deep_linear_grads_vanish_when_rescaled = hidden_cases(P.test_deep_linear_grads_vanish_when_rescaled, [
    Case("two_layers_l0", *critical_case([3, 3, 3], [1], 1142, (0, 0.3))),
])

# ---------------------------------------------------------------- deep_linear_hessian
test_deep_linear_hessian = hidden_cases(P.test_deep_linear_hessian, [
    Case("four_layers", random_layers([2, 2, 3, 2, 2], 1155, 1.3), *regression_data(2, 2, 4, 1156)),
])
test_deep_linear_hessian_orbit = hidden_cases(P.test_deep_linear_hessian_orbit, [
    Case("two_layers_l0", *critical_case([3, 3, 3], [1], 1162, (0, 1.0))),
])

# ---------------------------------------------------------------- hessian_inertia
test_hessian_inertia = hidden_cases(P.test_hessian_inertia, [
    Case("custom_tol", symmetric_with_eigenvalues([-0.05, 0.05, 1.0], 1173), 0.1),
    Case("large_scale", symmetric_with_eigenvalues([1e6, 1e-3, -3.0], 1174)),
])

# ---------------------------------------------------------------- linear_critical_point
test_linear_critical_point_product = hidden_cases(C.test_linear_critical_point_product, [
    Case("four_layers_last", *critical_case([3, 3, 5, 4, 3], [2], 1184)[:4]),
    Case("bottleneck_1_2", *critical_case([4, 2, 4], [1, 2], 1185)[:4]),
])


# other draws than the public cases of the same ids: the public fixtures must hold no
# input of a hidden case (tests/test_attacks.py)
@check("linear_critical_point", points=0.5, aspect="critical", hidden=True, cases=[
    Case("two_layers_second", *critical_case([3, 3, 3], [1], 1191)[:4]),
    Case("three_layers_0_2", *critical_case([3, 4, 4, 3], [0, 2], 1192)[:4]),
    Case("four_layers_last", *critical_case([3, 3, 5, 4, 3], [2], 1184)[:4]),
])
def test_linear_critical_point_is_critical(student, ref, case):
    """Every gradient (3.29) vanishes at the student's point (eigenvector signs are free)."""
    X, Y, widths, subset = case.args
    shapes = [(widths[l + 1], widths[l]) for l in range(len(widths) - 1)]
    ws = expect_weights(student.linear_critical_point(X, Y, widths, subset), shapes)
    _, grads = ref.deep_linear_loss_grads(ws, X, Y)
    worst = max(float(np.abs(g).max()) for g in grads)
    scale = float(np.linalg.norm(Y) * np.linalg.norm(X)) * max(1.0, max(float(np.abs(w).max()) for w in ws)) ** 2
    if not worst <= ZERO_GRAD * scale:
        fail(f"a gradient (3.29) at your point has max |entry| {worst:.3g}: it is not a critical point. "
             "Next: W_L[:, :k] = U_S, the middle layers I_k on their first k rows and columns, "
             "W_0[:k] = U_S^T Y X^T (X X^T)^{-1}, zeros elsewhere.")


test_linear_critical_point_errors = hidden_cases(C.test_linear_critical_point_errors, [
    Case("repeated_index", *critical_case([3, 3, 3], [1, 1], 1187)[:4]),
    Case("index_out_of_range", *critical_case([3, 3, 3], [3], 1188)[:4]),
])

# ---------------------------------------------------------------- classify_linear_critical_point
test_classify_linear_critical_point = hidden_cases(C.test_classify_linear_critical_point, [
    Case("two_layers_origin", *critical_case([3, 3, 3], [], 1193)[:4]),
    Case("bottleneck_top2", *critical_case([3, 2, 3], [0, 1], 1194)[:4]),
    Case("four_layers_top2", *critical_case([3, 3, 3, 3, 3], [0, 1], 1195)[:4]),
    Case("four_layers_last", *critical_case([3, 3, 3, 3, 3], [2], 1195)[:4]),
])

# ---------------------------------------------------------------- rescale_layers
test_rescale_layers = hidden_cases(S.test_rescale_layers, [Case("alpha_1", W_RESCALE, 1, 1.0)])
test_rescale_layers_errors = hidden_cases(S.test_rescale_layers_errors, [
    Case("last_layer", W_RESCALE, 2, 2.0), Case("zero_alpha", W_RESCALE, 1, 0.0)])

# ---------------------------------------------------------------- relu_loss_grads
test_relu_loss_grads = hidden_cases(S.test_relu_loss_grads, [
    Case("two_layers", random_layers([4, 6, 3], 1215), *regression_data(4, 3, 5, 1216)),
])
test_relu_gradients_under_rescaling = hidden_cases(S.test_relu_gradients_under_rescaling, [
    Case("first_alpha_0_2", random_layers([3, 6, 2], 1223), *regression_data(3, 2, 5, 1224), 0, 0.2),
])

# ---------------------------------------------------------------- lemma5_first_layer
test_lemma5_first_layer = hidden_cases(S.test_lemma5_first_layer, [
    Case("asinh_three", full_row_rank_layers([6, 5, 4, 1], 1238), X5, gaussian((1, 4), 1239), "asinh"),
    Case("leaky_square_X", full_row_rank_layers([4, 2], 1240), gaussian((4, 4), 1241),
         gaussian((2, 4), 1242), "leaky_relu"),
])
test_lemma5_first_layer_errors = hidden_cases(S.test_lemma5_first_layer_errors, [
    Case("widening_layer", full_row_rank_layers([5, 6], 1244), X5, np.zeros((6, 4)), "linear"),
    Case("rank_X_below_m", full_row_rank_layers([5, 3], 1245), np.ones((6, 4)), np.zeros((3, 4)), "asinh"),
])

# ---------------------------------------------------------------- constant_loss_path
test_constant_loss_path = hidden_cases(S.test_constant_loss_path, [
    Case("asinh_four_layers", random_layers([6, 7, 5, 3, 2], 1254, 2.0), X5, "asinh"),
])
