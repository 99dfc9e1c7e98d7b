"""hw7's hidden cases: broadcasting, end points at the edges, other depths and shapes.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``).
"""
import numpy as np

from autograder.api import Case, hidden_cases

from . import public as P
from . import public_weights as W
from .diagnosis import _arr
from .inputs import gaussian_weights, whitened_inputs
from .slipgen import haar_orthogonal


def _edge_cases(fn_args):
    """Edge cases for the three flow times (s = 1): unreachable, uf == u0, uf == s."""
    return [
        Case("unreachable", *fn_args(1.0, _arr([0.3, 0.3, 2.0, 2.0, 0.0, 1.0]),
                                     _arr([0.2, 1.5, 0.5, 2.5, 0.4, 0.5]))),
        Case("uf_equals_u0", *fn_args(1.0, _arr([0.3, 1.0, 0.0, 2.0]), _arr([0.3, 1.0, 0.0, 2.0]))),
        Case("uf_equals_s", *fn_args(1.0, _arr([0.3, 2.0]), _arr([1.0, 1.0]))),
    ]


test_shallow_mode_time = hidden_cases(P.test_shallow_mode_time, [
    Case("broadcast_2d", _arr([[0.7], [1.5], [3.0]]), _arr([0.2, 1.0]), 0.1, 0.6),
    Case("close_to_s", 1.5, 0.7, 1e-6, 1.5 - 1e-9),
    *_edge_cases(lambda s, u0, uf: (s, 0.5, u0, uf)),
])

test_deep_mode_time = hidden_cases(P.test_deep_mode_time, [
    Case("broadcast_2d", _arr([[0.5], [2.0]]), 0.4, 0.05, 0.45, _arr([1, 4, 16])),
    *_edge_cases(lambda s, u0, uf: (s, 0.5, u0, uf, 4)),
])

test_exact_mode_time = hidden_cases(P.test_exact_mode_time, [
    Case("tiny_start", 2.0, 0.05, 1e-6, 1.99, 7),
    Case("near_s", 0.8, 1.0, 0.4, 0.8 - 1e-8, 2),
    Case("broadcast_2d", _arr([[0.5], [2.0]]), 0.4, 0.05, 0.45, _arr([1, 4, 16])),
    *_edge_cases(lambda s, u0, uf: (s, 0.5, u0, uf, 4)),
])

test_simulate_mode = hidden_cases(P.test_simulate_mode, [
    Case("down_from_above_L6", 0.5, 0.1, 6, 2.0, 80),
    Case("single_factor_L0", 1.5, 0.3, 0, 0.2, 30),
    Case("saddle_u0_zero", 1.0, 0.1, 3, 0.0, 10),
    Case("oscillating_near_s", 1.2, 1.8 / (5 * 1.2 ** 1.6), 4, 0.9, 60),
])

test_top_hessian_eigenvalue = hidden_cases(P.test_top_hessian_eigenvalue, [
    Case("broadcast_2d", 1.3, _arr([[0.2], [0.7], [1.05]]), _arr([1, 2, 8, 30])),
    Case("a_zero_L1", 1.5, 0.0, 1),
    Case("negative_a", 1.0, _arr([-0.9, -0.4]), _arr([2, 3])),
    Case("depth_zero", 1.0, 0.7, 0),
])

test_optimal_steps = hidden_cases(P.test_optimal_steps, [
    Case("weak_mode", 0.3, _arr([2, 7]), 0.01, 0.25),
    Case("down_from_above", 1.5, 4, 2.5, 1.6),
    Case("broadcast_2d", _arr([[0.5], [4.0]]), _arr([1, 3, 9]), _arr([[0.05], [0.4]]),
         _arr([[0.45], [3.6]])),
    *_edge_cases(lambda s, u0, uf: (s, 4, u0, uf)),
])

test_orthogonal_weights_haar = hidden_cases(W.test_orthogonal_weights_haar, [
    Case("tall_and_wide_9x4", [4, 9] * 10 + [4]),
])


def _aligned(depth, s, u0, seed):
    """W_l = R_(l+1) D_l R_l^T (2.137), whitened X, Y = U S V^T X."""
    rng = np.random.default_rng(seed)
    n = len(s)
    rs = [haar_orthogonal(n, rng) for _ in range(depth + 2)]
    a = np.asarray(u0) ** (1.0 / (depth + 1))
    ws = [rs[l + 1] @ np.diag(a) @ rs[l].T for l in range(depth + 1)]
    X = whitened_inputs(n, 2 * n, seed + 1)
    return ws, X, rs[-1] @ np.diag(s) @ rs[0].T @ X


test_deep_linear_gd = hidden_cases(W.test_deep_linear_gd, [
    Case("aligned_modes_L4", *_aligned(4, [2.0, 1.3, 0.8, 0.4], [0.02, 0.1, 0.5, 1.2], 6), 0.05, 40),
    Case("steps_zero", gaussian_weights([3, 4, 2], 7), np.ones((3, 2)), np.zeros((2, 2)), 0.1, 0),
    Case("batch_one", gaussian_weights([2, 6, 3], 8), _arr([[1.0], [-2.0]]), _arr([[0.5], [0.1], [-1.0]]),
         0.02, 25),
    Case("one_matrix", gaussian_weights([5, 3], 9), whitened_inputs(5, 10, 9), np.ones((3, 10)), 0.3, 20),
])
