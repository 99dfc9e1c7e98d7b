"""hw10's hidden cases: other sizes, laws, parameters and inputs than the public ones.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``). A hidden case carries its
own inputs (the data itself, where a public case names a row of a public
table), so nothing here changes the public modules.
"""
import numpy as np

from autograder.api import Case, hidden_cases

from autograder.checks.hw10 import public as P
from autograder.checks.hw10 import public_laws as L
from autograder.checks.hw10 import public_series as S
from autograder.checks.hw10.slipgen import fuss_catalan, mp_moments, mp_s_coefficients


def _mp50():
    """The spectrum of W W^T, W of shape (50, 100) with N(0, 1/100) entries (the generator of seed 11)."""
    w = np.random.default_rng(11).standard_normal((50, 100)) / 10.0
    return np.linalg.eigvalsh(w @ w.T)


MP50 = _mp50()
# Marchenko-Pastur of ratio 0.5 scaled by 4: moments 4^k m_k, S-transform S_MP(w)/4
SCALED_MP = (4.0 ** np.arange(1.0, 7.0) * mp_moments(0.5, 6), mp_s_coefficients(0.5, 6) / 4.0)

# ---------------------------------------------------------------- free_moments
test_free_moments = hidden_cases(P.test_free_moments, [
    Case("wishart_wigner_n40", "wishart", "wigner", 40, 80),
    Case("wigner_wigner_n48", "wigner", "wigner", 48, 80),
])
test_free_moments_errors = hidden_cases(P.test_free_moments_errors, [
    Case("kind_gaussian", "wigner", "gaussian", 4, 3, 0)])

# ------------------------------------------------- stieltjes_transform, inversion
test_stieltjes_transform = hidden_cases(P.test_stieltjes_transform, [Case("mp50", MP50)])
test_stieltjes_inversion = hidden_cases(P.test_stieltjes_inversion, [Case("mp50_eta0.005", MP50, 0.005)])
test_stieltjes_inversion_errors = hidden_cases(P.test_stieltjes_inversion_errors, [
    Case("eta_negative", np.array([0.0, 1.0]), np.array([0.5]), -0.1)])

# --------------------------------------------------------------- law_stieltjes
test_law_stieltjes = hidden_cases(L.test_law_stieltjes, [
    Case("semicircle_4", "semicircle", 4.0), Case("mp_0.7", "mp", 0.7)])
test_law_stieltjes_decay = hidden_cases(L.test_law_stieltjes_decay, [Case("mp_0.5", "mp", 0.5)])
test_law_stieltjes_errors = hidden_cases(L.test_law_stieltjes_errors, [
    Case("mp_1.5", "mp", L.LAW_ERROR_Z, 1.5)])

# ----------------------------------------------------------------- r_transform
test_r_transform = hidden_cases(L.test_r_transform, [
    Case("semicircle_complex", "semicircle", 2.0, True), Case("mp_0.2_real", "mp", 0.2, False)])
test_r_transform_inverts_G = hidden_cases(L.test_r_transform_inverts_G, [Case("mp_1", "mp", 1.0)])

# ---------------------------------------------------- free_convolution_density
test_free_convolution_density = hidden_cases(L.test_free_convolution_density, [
    Case("var2_ratio0.3", 2.0, 0.3), Case("var0.02_ratio0.9", 0.02, 0.9)])
test_free_convolution_moments = hidden_cases(L.test_free_convolution_moments, [
    Case("var1_ratio0.25", 1.0, 0.25)])
test_free_convolution_errors = hidden_cases(L.test_free_convolution_errors, [
    Case("variance_negative", L.FC_ERROR_X, -1.0, 0.5)])

# -------------------------------------------------------- free_sum_eigenvalues
test_free_sum_eigenvalues = hidden_cases(L.test_free_sum_eigenvalues, [
    Case("n60_m240_var2", 60, 240, 2.0)])

# ---------------------------------------------------- s_transform_coefficients
test_s_transform_coefficients = hidden_cases(S.test_s_transform_coefficients, [
    Case("scaled_mp_K6", SCALED_MP, 6), Case("discrete_K7", (S.discrete_moments(7), None), 7)])
test_s_transform_errors = hidden_cases(S.test_s_transform_errors, [Case("empty", np.array([], dtype=float))])

# -------------------------------------------------------- free_product_moments
test_free_product_moments = hidden_cases(S.test_free_product_moments, [
    Case("fuss2_mp1_K6", (fuss_catalan(2, 6), mp_moments(1.0, 6), None), 6),
    Case("discrete_mp0.5_K6", (S.discrete_moments(6), mp_moments(0.5, 6), None), 6)])

# ---------------------------------------------------- mean_jacobian_eigenvalue
test_mean_jacobian_eigenvalue = hidden_cases(S.test_mean_jacobian_eigenvalue, [
    Case("tanh_4_0.3_L8", 4.0, 0.3, 8, "tanh"), Case("erf_1_0_L2", 1.0, 0.0, 2, "erf")])
test_mean_jacobian_errors = hidden_cases(S.test_mean_jacobian_errors, [
    Case("depth_0", 1.0, 0.0, 0, "tanh")])

# ---------------------------------------------------- leaky_relu_spectral_sums
test_leaky_relu_spectral_sums = hidden_cases(S.test_leaky_relu_spectral_sums, [
    Case("w6_8_8_8_3_slope0.1", [6, 8, 8, 8, 3], 0.1)])
