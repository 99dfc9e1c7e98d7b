"""hw3's hidden cases: graded by `course grade` and the nbgrader release, never shipped.

The student package leaves this file out (``course student-dist``); the checks
themselves, and the reasons for their tolerances, are in ``public.py``.
"""
import numpy as np

from autograder.api import Case, check, close, hidden_cases

from . import public as P
from . import public_jacobian as PJ
from . import public_product_wishart as PW
from .public import RTOL_CURVE, RTOL_ROOT, mp_grid, mp_slips


WISHART_CASES = [
    Case("n60_m240", 60, 240),
]

FC_CASES = [
    Case("depth_7_k_25", 7, [0, 1, 25]),
    Case("depth_4_k_60", 4, [60]),
]

JACOBIAN_CASES = [
    Case("relu_orthogonal_L4", 100, 4, "orthogonal", "relu", ["log_m1", "log_m2", "log_top"]),
    Case("linear_gaussian_L5", 80, 5, "gaussian", "linear", ["log_m1", "ks_law"]),
    Case("relu_orthogonal_L2", 80, 2, "orthogonal", "relu", ["log_m1", "log_m2", "log_top"]),
]

test_mp_density = hidden_cases(P.test_mp_density, [Case("ratio_0.1", mp_grid(0.1), 0.1), Case("ratio_0.9", mp_grid(0.9), 0.9)])


@check("mp_density", points=0.5, aspect="shape", cases=[Case("matrix_input", 0.5)], hidden=True)
def test_mp_density_keeps_shape(student, ref, case):
    (ratio,) = case.args
    x = np.linspace(-0.5, 3.5, 12).reshape(3, 4)
    close(student.mp_density(x, ratio), ref.mp_density(x, ratio), rtol=RTOL_CURVE, atol=1e-14,
          slips=mp_slips(ref, x, ratio), name="rho(x) for x of shape (3, 4)")


test_mp_density_rejects_bad_ratio = hidden_cases(P.test_mp_density_rejects_bad_ratio, [Case("ratio_negative", np.array([0.5, 1.0]), -0.2)])

test_wishart_eigenvalues = hidden_cases(P.test_wishart_eigenvalues, WISHART_CASES)

test_product_wishart_curve = hidden_cases(PW.test_product_wishart_curve, [Case("depth_3", 3), Case("depth_7", 7)])

test_product_wishart_density = hidden_cases(PW.test_product_wishart_density, [Case("depth_5", 5), Case("depth_8", 8)])


@check("product_wishart_density", points=0.5, aspect="scalar", cases=[Case("depth_2_x_1.5", 1.5, 2)], hidden=True)
def test_product_wishart_density_scalar(student, ref, case):
    close(student.product_wishart_density(*case.args), ref.product_wishart_density(*case.args),
          rtol=RTOL_ROOT, name="rho(1.5)")


test_product_wishart_density_moments = hidden_cases(PW.test_product_wishart_density_moments, [Case("depth_4", 4)])

# depths whose edges no public case records: relu_orthogonal_edge(L + 1) = product_wishart_edge(L)
# = (L + 1)^(L + 1) / L^L, and the public density grids record the edge of depths 1 to 5
test_product_wishart_edge = hidden_cases(PW.test_product_wishart_edge, [Case("depth_7", 7), Case("depth_12", 12)])

test_fuss_catalan = hidden_cases(PW.test_fuss_catalan, FC_CASES)

test_relu_orthogonal_edge = hidden_cases(PW.test_relu_orthogonal_edge, [Case("depth_8", 8), Case("depth_10", 10)])

test_jacobian_linear_orthogonal = hidden_cases(PJ.test_jacobian_linear_orthogonal, [Case("linear_orthogonal_L7", 40, 7)])

test_jacobian_spectrum = hidden_cases(PJ.test_jacobian_spectrum, JACOBIAN_CASES)

test_jacobian_rejects_unknown = hidden_cases(PJ.test_jacobian_rejects_unknown, [Case("erf", 10, 2, "orthogonal", "erf", 0)])
