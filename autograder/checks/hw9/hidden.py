"""hw9's hidden cases: other nets, widths, parameters, data sets and inputs at the edges.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``). A hidden case carries its
own inputs (the data itself, where a public case names a row of a public
table), so nothing here changes the public modules.
"""
import numpy as np

from autograder.api import Case, hidden_cases

from autograder.checks.hw9 import public as P
from autograder.checks.hw9 import public_du as D
from autograder.checks.hw9 import public_moments as M
from autograder.checks.hw9 import public_tensors as T
from autograder.checks.hw9.common import grader_inputs, random_cov, unit_columns


def _noisy_8pts():
    """A power law with exponent 1.7 and log-normal noise at 8 points (the generator of seed 5)."""
    r = np.random.default_rng(5)
    return np.arange(1.0, 9.0), np.exp(r.normal(0, 0.3, 8)) * np.arange(1.0, 9.0) ** 1.7


def _asymmetric_cov():
    cov = random_cov(3)
    cov[0, 1] += 0.5
    return cov


def _antipodal_and_parallel():
    """Columns x, -x (angle pi) and 2x' next to x' (angle 0): where arccos loses digits."""
    X = grader_inputs(4, 6, 111) * np.array([1.0, 0.5, 2.0, 1.3, 0.8, 3.0])
    X[:, 1] = -X[:, 0]
    X[:, 2] = 2.0 * X[:, 3]
    return X


def _sign_data():
    X = unit_columns(3, 5, 154)                        # lambda_0 = 0.265
    return X, 0.5 * np.sign(X[1])


_LK_WS, _LK_X = P.LK_ERROR_NET

# ---------------------------------------------------------------- layer kernels
test_layer_kernels = hidden_cases(P.test_layer_kernels, [
    Case("tanh_ntk_3_9_9_1_s1.7", [3, 9, 9, 1], "ntk", "tanh", 1.7),
    Case("relu_ntk_5_9_1", [5, 9, 1], "ntk", "relu", 2.0)])
test_layer_kernels_errors = hidden_cases(P.test_layer_kernels_errors, [
    Case("act_sigmoid", _LK_WS, _LK_X, _LK_X, "ntk", "sigmoid")])
test_kernel_width_sweep = hidden_cases(P.test_kernel_width_sweep, [
    Case("ntk_relu_s1.3", "ntk", 1.3), Case("standard_relu_s0.7", "standard", 0.7)])

# ---------------------------------------------------------------- power law
test_fit_power_law = hidden_cases(P.test_fit_power_law, [Case("noisy_8pts", _noisy_8pts())])
test_fit_power_law_errors = hidden_cases(P.test_fit_power_law_errors, [
    Case("negative_y", np.array([1.0, 2.0, 3.0]), np.array([1.0, -2.0, 3.0]))])

# ---------------------------------------------------------------- tensors and 1/n
test_tangent_tensors = hidden_cases(T.test_tangent_tensors, [Case("tanh_n40_m2", 4, 40, 2, "tanh")])
test_ntk_time_derivative = hidden_cases(T.test_ntk_time_derivative, [Case("tanh_lr2_n30", 3, 30, 3, "tanh", 2.0)])
test_correction_sweep_linear = hidden_cases(T.test_correction_sweep_linear, [Case("linear_y0_lr0.5", "linear", 0.5)])
test_correction_sweep_tanh = hidden_cases(T.test_correction_sweep_tanh, [Case("tanh_y_lr2", "tanh", 2.0)])

# ---------------------------------------------------------------- Isserlis, linear nets
test_isserlis_moment = hidden_cases(M.test_isserlis_moment, [
    Case("eight", [0, 1, 1, 2, 3, 3, 0, 2]), Case("odd_5", [0, 0, 1, 2, 3])])
test_isserlis_moment_errors = hidden_cases(M.test_isserlis_moment_errors, [
    Case("not_symmetric", _asymmetric_cov(), [0, 1])])
test_monte_carlo_moment = hidden_cases(M.test_monte_carlo_moment, [Case("fourth_power", [0, 0, 0, 0])])
test_linear_net_correlation = hidden_cases(M.test_linear_net_correlation, [
    Case("random_m2_n7", "random", 2, 7), Case("random_m6_n1", "random", 6, 1)])

# ---------------------------------------------------------------- Du et al.
test_gram_infinity = hidden_cases(D.test_gram_infinity, [Case("antipodal_and_parallel", _antipodal_and_parallel())])
test_label_complexity = hidden_cases(D.test_label_complexity, [Case("true_labels_m30", "true", 30)])
test_train_two_layer_relu = hidden_cases(D.test_train_two_layer_relu, [Case("sign_labels", _sign_data())])
