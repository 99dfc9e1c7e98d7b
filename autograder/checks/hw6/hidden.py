"""hw6's hidden cases: deeper nets, other activations and widths, inputs at the edges.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``).
"""
import numpy as np

from autograder.api import Case, hidden_cases

from . import public as P
from . import public_random as R
from .inputs import scaled_inputs, unit_columns
from .public import _align_case, _emp_case, _kernel_case, _lin_case
from .public_random import _dev_case, _train_case
from .slipgen import h_inf


def _parallel_columns(n0, m, seed):
    """Columns x, 2x, -x and others: c = +-1 exactly off the diagonal."""
    X = scaled_inputs(n0, m, seed, 0.5, 1.2)
    X[:, 1] = 2.0 * X[:, 0]
    X[:, 2] = -X[:, 0]
    return X


KERNEL_CASES = [
    Case("relu_deep_parallel_inputs", _parallel_columns(4, 6, 606), _parallel_columns(4, 6, 606), 6,
         "relu", 1.4),
    _kernel_case("erf_large_inputs", 3, 4, 4, 3, "erf", 607, lo=3.0, hi=12.0, s2=3.0),
    _kernel_case("tanh_depth3_gram", 4, 5, 5, 3, "tanh", 608, same=True, s2=1.2),
    _kernel_case("relu_one_pair", 6, 1, 1, 2, "relu", 609, s2=2.5),
]
test_nngp_kernel = hidden_cases(P.test_nngp_kernel, KERNEL_CASES)
test_ntk_kernel = hidden_cases(P.test_ntk_kernel, KERNEL_CASES)

test_ntk_kernel_errors = hidden_cases(P.test_ntk_kernel_errors, [
    Case("capitalised_ReLU", np.eye(2), np.eye(2), 1, "ReLU", 2.0)])

EMP_CASES = [
    _emp_case("linear_unequal_widths", [4, 10, 12, 8, 1], 3, 4, "linear", 614),
    _emp_case("relu_deep", [3, 16, 16, 16, 16, 1], 4, 2, "relu", 615),
    _emp_case("tanh_wide_gram", [6, 300, 1], 6, 6, "tanh", 616, same=True, s2=1.1),
]
test_empirical_ntk = hidden_cases(P.test_empirical_ntk, EMP_CASES)

DEV_CASES = [
    _dev_case("tanh_depth2_width128", 5, 4, 2, 128, "tanh", 623),
    _dev_case("linear_depth3_width64", 3, 5, 3, 64, "linear", 624),
    _dev_case("relu_depth1_width512", 6, 8, 1, 512, "relu", 625),
]
test_ntk_deviation = hidden_cases(R.test_ntk_deviation, DEV_CASES)

LIN_CASES = [
    _lin_case("ill_conditioned", 8, 3, 2.0, 5.0, 635, cond=1e4),
    _lin_case("one_training_point", 1, 2, 0.3, 4.0, 636),
]
test_linearized_prediction = hidden_cases(P.test_linearized_prediction, LIN_CASES)

TRAIN_CASES = [
    _train_case("erf_depth1_width512", 3, 5, 3, 512, 1, 0.5, 40, "erf", 643),
    _train_case("relu_depth2_width128", 5, 6, 3, 128, 2, 0.3, 30, "relu", 644),
]
test_train_vs_linearized = hidden_cases(R.test_train_vs_linearized, TRAIN_CASES)

test_train_vs_linearized_without_steps = hidden_cases(R.test_train_vs_linearized_without_steps, [
    _train_case("no_step_tanh", 4, 3, 3, 48, 1, 0.5, 0, "tanh", 646),
])


def _du_parallel(n0, m, seed):
    X = unit_columns(n0, m, seed)
    X[:, 1] = X[:, 0]
    X[:, 2] = -X[:, 0]
    return X


test_du_gram_matrix = hidden_cases(P.test_du_gram_matrix, [
    Case("parallel_and_opposite", _du_parallel(4, 5, 652)),
    Case("many_points", unit_columns(10, 40, 653)),
])

test_alignment_residuals = hidden_cases(P.test_alignment_residuals, [
    _align_case("twelve_points", h_inf(unit_columns(5, 12, 662)), unit_columns(5, 12, 662), 662, "true"),
])
