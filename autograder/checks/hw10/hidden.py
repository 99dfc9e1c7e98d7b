"""hw10's hidden cases: other sizes, laws, parameters and inputs than the public ones.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``). The inputs named by hidden
cases are added here to the public tables (``EIGS``, ``S_INPUTS``,
``S_CLOSED``, ``P_INPUTS``), which the check bodies read.
"""
import numpy as np

from autograder.api import Case, hidden_cases

from . import public as P
from .public import _discrete_moments, _fuss, _narayana_moments


def _mp50(r):
    w = r.standard_normal((50, 100)) / 10.0
    return np.linalg.eigvalsh(w @ w.T)


P.EIGS["mp50"] = _mp50
P.S_INPUTS.update({
    "scaled_mp_x4": lambda K: 4.0 ** np.arange(1.0, K + 1) * _narayana_moments(0.5, K),
    "discrete_3_atoms": _discrete_moments,
})
P.S_CLOSED["scaled_mp_x4"] = lambda j: (-0.5) ** j / 4.0
P.P_INPUTS.update({
    "fuss2_mp1": (lambda K: _fuss(2, K), lambda K: _narayana_moments(1.0, K)),
    "discrete_mp0.5": (_discrete_moments, lambda K: _narayana_moments(0.5, K)),
})

# ---------------------------------------------------------------- free_moments
test_free_moments = hidden_cases(P.test_free_moments, [
    Case("wishart_wigner_n40", "wishart", "wigner", 40, 80),
    Case("wigner_wigner_n48", "wigner", "wigner", 48, 80),
])
test_free_moments_errors = hidden_cases(P.test_free_moments_errors, [
    Case("kind_gaussian", "wigner", "gaussian")])

# ------------------------------------------------- stieltjes_transform, inversion
test_stieltjes_transform = hidden_cases(P.test_stieltjes_transform, [Case("mp50", "mp50")])
test_stieltjes_inversion = hidden_cases(P.test_stieltjes_inversion, [
    Case("mp50_eta0.005", "mp50", 0.005)])
test_stieltjes_inversion_errors = hidden_cases(P.test_stieltjes_inversion_errors, [
    Case("eta_negative", -0.1)])

# --------------------------------------------------------------- law_stieltjes
test_law_stieltjes = hidden_cases(P.test_law_stieltjes, [
    Case("semicircle_4", "semicircle", 4.0), Case("mp_0.7", "mp", 0.7)])
test_law_stieltjes_decay = hidden_cases(P.test_law_stieltjes_decay, [Case("mp_0.5", "mp", 0.5)])
test_law_stieltjes_errors = hidden_cases(P.test_law_stieltjes_errors, [Case("mp_1.5", "mp", 1.5)])

# ----------------------------------------------------------------- r_transform
test_r_transform = hidden_cases(P.test_r_transform, [
    Case("semicircle_complex", "semicircle", 2.0, True), Case("mp_0.2_real", "mp", 0.2, False)])
test_r_transform_inverts_G = hidden_cases(P.test_r_transform_inverts_G, [Case("mp_1", "mp", 1.0)])

# ---------------------------------------------------- free_convolution_density
test_free_convolution_density = hidden_cases(P.test_free_convolution_density, [
    Case("var2_ratio0.3", 2.0, 0.3), Case("var0.02_ratio0.9", 0.02, 0.9)])
test_free_convolution_moments = hidden_cases(P.test_free_convolution_moments, [
    Case("var1_ratio0.25", 1.0, 0.25)])
test_free_convolution_errors = hidden_cases(P.test_free_convolution_errors, [
    Case("variance_negative", -1.0, 0.5)])

# -------------------------------------------------------- free_sum_eigenvalues
test_free_sum_eigenvalues = hidden_cases(P.test_free_sum_eigenvalues, [
    Case("n60_m240_var2", 60, 240, 2.0)])

# ---------------------------------------------------- s_transform_coefficients
test_s_transform_coefficients = hidden_cases(P.test_s_transform_coefficients, [
    Case("scaled_mp_K6", "scaled_mp_x4", 6), Case("discrete_K7", "discrete_3_atoms", 7)])
test_s_transform_errors = hidden_cases(P.test_s_transform_errors, [Case("empty", [])])

# -------------------------------------------------------- free_product_moments
test_free_product_moments = hidden_cases(P.test_free_product_moments, [
    Case("fuss2_mp1_K6", "fuss2_mp1", 6), Case("discrete_mp0.5_K6", "discrete_mp0.5", 6)])

# ---------------------------------------------------- mean_jacobian_eigenvalue
test_mean_jacobian_eigenvalue = hidden_cases(P.test_mean_jacobian_eigenvalue, [
    Case("tanh_4_0.3_L8", 4.0, 0.3, 8, "tanh"), Case("erf_1_0_L2", 1.0, 0.0, 2, "erf")])
test_mean_jacobian_errors = hidden_cases(P.test_mean_jacobian_errors, [
    Case("depth_0", 1.0, 0.0, 0, "tanh")])

# ---------------------------------------------------- leaky_relu_spectral_sums
test_leaky_relu_spectral_sums = hidden_cases(P.test_leaky_relu_spectral_sums, [
    Case("w6_8_8_8_3_slope0.1", [6, 8, 8, 8, 3], 0.1)])
