"""hw10's public checks of moment series and the Jacobian's spectrum (notes (2.44)-(2.55),
(2.78)-(2.83)): s_transform_coefficients, free_product_moments, mean_jacobian_eigenvalue and
leaky_relu_spectral_sums."""
import math

import numpy as np

from autograder.api import (Case, Slip, case_input, check, close, expect_array, expect_scalar, expect_sequence,
                            fail, rejects)

from autograder.checks.hw10.public import RTOL_CHI, RTOL_SERIES, RTOL_SUMS


def discrete_moments(K):
    """m_1..m_K of the law with atoms 0.5, 1, 3 of weights 0.2, 0.5, 0.3."""
    atoms, weights = np.array([0.5, 1.0, 3.0]), np.array([0.2, 0.5, 0.3])
    return np.array([weights @ atoms**k for k in range(1, K + 1)])


# ==================================================== s_transform_coefficients
#: the public cases' moments m_1..m_K by name, with the closed-form S coefficients s_0..s_{K-1}
#: (both closed forms of the grader's hidden helpers: ``g`` is ``ref.slipgen``)
S_INPUTS = {
    "mp_ratio1": lambda g, K: (g.mp_moments(1.0, K), g.mp_s_coefficients(1.0, K)),
    "mp_ratio0.3": lambda g, K: (g.mp_moments(0.3, K), g.mp_s_coefficients(0.3, K)),
    "fuss_catalan_L3": lambda g, K: (g.fuss_catalan(3, K), g.fuss_catalan_s_coefficients(3, K)),
    "point_mass_2.5": lambda g, K: (2.5 ** np.arange(1.0, K + 1), g.point_mass_s_coefficients(2.5, K)),
}


@check("s_transform_coefficients", points=0.5, cases=[
    Case("mp_ratio1_K8", "mp_ratio1", 8), Case("mp_ratio0.3_K6", "mp_ratio0.3", 6),
    Case("fuss_catalan_L3_K6", "fuss_catalan_L3", 6), Case("point_mass_K5", "point_mass_2.5", 5)])
def test_s_transform_coefficients(student, ref, case):
    spec, K = case.args
    moments, closed = case_input(S_INPUTS, spec, ref.slipgen, K)     # closed: None where no closed form is known
    got = student.s_transform_coefficients(moments)
    want = ref.s_transform_coefficients(moments)
    if closed is not None and not np.allclose(want, closed, rtol=1e-9, atol=1e-9):
        fail("grader error: the reference disagrees with the closed form.")
    chi = np.concatenate([[0.0], ref.slipgen.reversion(moments)])
    scale = float(np.max(np.abs(want)))
    close(got, want, rtol=RTOL_SERIES, atol=RTOL_SERIES * scale, name="S coefficients", slips=[
        Slip("the factor (1 + w) of (2.80) is missing: these are the coefficients of "
             "psi^{-1}(w)/w", chi[1:]),
        Slip("the coefficients of w M^{-1}(w)/(1 + w) = 1/S(w), (2.80) upside down",
             ref.slipgen.series_inverse(want)),
        Slip("shifted by one: s_0 must be 1/m_1", np.concatenate([[0.0], want[:-1]]))])


# s_transform_coefficients(moments) with m_1 = 0
test_s_transform_errors = rejects("s_transform_coefficients", ValueError, points=0.25, cases=[
    Case("m1_zero", np.array([0.0, 1.0, 2.0]))])


# ========================================================= free_product_moments
#: the public cases' moments of A and of B by name, with tau((AB)^k) in closed form where known
#: (``g`` is ``ref.slipgen``)
P_INPUTS = {
    "mp1_mp1": lambda g, K: (g.mp_moments(1.0, K), g.mp_moments(1.0, K), g.fuss_catalan(2, K)),
    "mp0.5_mp0.25": lambda g, K: (g.mp_moments(0.5, K), g.mp_moments(0.25, K), None),
    "point2_mp1": lambda g, K: (2.0 ** np.arange(1.0, K + 1), g.mp_moments(1.0, K), None),
}


@check("free_product_moments", points=0.5, cases=[
    Case("mp1_mp1_fuss_catalan_K7", "mp1_mp1", 7), Case("mp0.5_mp0.25_K6", "mp0.5_mp0.25", 6),
    Case("point2_mp1_K6", "point2_mp1", 6)])
def test_free_product_moments(student, ref, case):
    spec, K = case.args
    a, b, closed = case_input(P_INPUTS, spec, ref.slipgen, K)
    got = student.free_product_moments(a, b)
    want = ref.free_product_moments(a, b)
    if closed is not None and not np.allclose(want, closed, rtol=1e-9):
        fail("grader error: the reference's MP x MP is not Fuss-Catalan.")
    added, divided = ref.slipgen.free_product_slips(a, b)
    close(got, want, rtol=RTOL_SERIES, atol=0.0, name="tau((AB)^k)", slips=[
        Slip("the moments multiplied termwise, m_k(A) m_k(B): that is classical independence of "
             "commuting variables, not freeness (2.54)", a * b),
        Slip("the S-transforms added instead of multiplied (2.54)", added),
        Slip("S_A / S_B instead of S_A S_B", divided)])


@check("free_product_moments", points=0.25, aspect="symmetric", cases=[Case("discrete_mp0.3_K5")])
def test_free_product_symmetric(student, ref, case):
    """tau((AB)^k) = tau((BA)^k): the order of free factors does not matter."""
    a, b = discrete_moments(5), ref.slipgen.mp_moments(0.3, 5)
    ab = expect_array(student.free_product_moments(a, b), (5,), "tau((AB)^k)")
    ba = expect_array(student.free_product_moments(b, a), (5,), "tau((BA)^k)")
    close(ba, ab, rtol=RTOL_SERIES, atol=0.0, name="tau((BA)^k) against your tau((AB)^k)")


# free_product_moments(moments_a, moments_b) of different lengths
test_free_product_errors = rejects("free_product_moments", ValueError, points=0.25, cases=[
    Case("lengths_3_4", np.array([1.0, 2.0, 5.0]), np.array([1.0, 2.0, 5.0, 14.0]))])


# ===================================================== mean_jacobian_eigenvalue
JAC_CASES = [Case("tanh_2_0_L5_errata", 2.0, 0.0, 5, "tanh"), Case("tanh_1.5_0.1_L3", 1.5, 0.1, 3, "tanh"),
             Case("tanh_ordered_0.8_L4", 0.8, 0.0, 4, "tanh"), Case("erf_2_0.05_L6", 2.0, 0.05, 6, "erf"),
             Case("relu_2_L10", 2.0, 0.0, 10, "relu"), Case("linear_1.1_L3", 1.1, 0.0, 3, "linear")]


@check("mean_jacobian_eigenvalue", points=0.5, cases=JAC_CASES)
def test_mean_jacobian_eigenvalue(student, ref, case):
    sw, sb, L, act = case.args
    want = ref.mean_jacobian_eigenvalue(sw, sb, L, act)
    got = student.mean_jacobian_eigenvalue(sw, sb, L, act)
    slips = []
    if act in ("tanh", "erf"):
        printed, at_q1 = ref.slipgen.chi1_slips(sw, sb, act)
        slips.append(Slip("the notes' printed (2.47), sigma_w^2L (E phi'(sqrt(q) z))^L: the square "
                          "belongs inside the expectation (ERRATA; (2.29) has it right)",
                          printed ** L))
        slips.append(Slip("chi_1 taken at q = 1 instead of the fixed point q*",
                          at_q1 ** L))
    else:
        slips.append(Slip("chi_1 of relu is sigma_w^2 / 2 (E 1[z > 0] = 1/2)", ref.slipgen.chi1_power_slip(sw, L, act)))
    chi1 = want ** (1.0 / L)
    slips += [Slip("chi_1^(L+1): the Jacobian (2.44) has L factors W_l D_l", chi1 ** (L + 1)),
              Slip("chi_1^(L-1): the Jacobian (2.44) has L factors W_l D_l", chi1 ** (L - 1)),
              Slip("chi_1 itself, not raised to the depth L", chi1)]
    close(expect_scalar(got, "chi_1^L"), want, rtol=RTOL_CHI, atol=0.0, slips=slips, name="chi_1^L")


# mean_jacobian_eigenvalue(sigma_w2, sigma_b2, depth, activation)
test_mean_jacobian_errors = rejects("mean_jacobian_eigenvalue", ValueError, points=0.25, cases=[
    Case("sigmoid", 1.0, 0.0, 3, "sigmoid")])


# ===================================================== leaky_relu_spectral_sums
def grader_net(widths, seed):
    """He-initialised weights W_l (variance 2/n_l), an input x and an output gradient g, at ``seed``."""
    r = np.random.default_rng(seed)
    ws = [r.standard_normal((widths[l + 1], widths[l])) * math.sqrt(2.0 / widths[l])
          for l in range(len(widths) - 1)]
    return ws, r.standard_normal(widths[0]), r.standard_normal(widths[-1])


SUM_NETS = [Case("w5_7_6_4_slope0.2", [5, 7, 6, 4], 0.2), Case("w6_6_6_relu", [6, 6, 6], 0.0),
            Case("w4_8_5_3_slope-0.5", [4, 8, 5, 3], -0.5), Case("w5_5_5_5_linear", [5, 5, 5, 5], 1.0)]


@check("leaky_relu_spectral_sums", points=0.5, cases=SUM_NETS)
def test_leaky_relu_spectral_sums(student, ref, case):
    widths, slope = case.args
    ws, x, g = grader_net(widths, 101 + len(widths))
    got = expect_sequence(student.leaky_relu_spectral_sums(ws, x, g, slope), 4,
                          "(q_forward, q_spectral, delta_backward, delta_spectral)")
    got = np.array([float(expect_scalar(v, n)) for v, n in zip(got, ["q_forward", "q_spectral",
                                                                      "delta_backward", "delta_spectral"])])
    want = np.array(ref.leaky_relu_spectral_sums(ws, x, g, slope), dtype=float)
    slips = [Slip("J includes W_0: (2.44) starts at W_1 D_1, with h_1 = W_0 x as its input",
                  ref.slipgen.sums_slip(ws, x, g, slope, "with_W0")),
             Slip("eigenvalues without their projections: (2.48)-(2.49) weight lambda_i by "
                  "(v_i^T h_1)^2", ref.slipgen.sums_slip(ws, x, g, slope, "no_projection"))]
    if slope != 0.0:
        slips.insert(0, Slip("ReLU's D_l (0 for h <= 0) with a leaky slope: phi'(h) = slope there",
                             ref.slipgen.sums_slip(ws, x, g, slope, "relu_D")))
    names = ["q_forward", "q_spectral", "delta_backward", "delta_spectral"]
    bad = [k for k in range(4) if not abs(got[k] - want[k]) <= RTOL_SUMS * abs(want[k])]
    if not bad:
        return
    for slip in slips:       # a slip is named when it explains every wrong entry
        if all(np.isclose(got[k], slip.value[k], rtol=1e-8, atol=0) for k in bad):
            fail(f"{', '.join(names[k] for k in bad)} {'differs' if len(bad) == 1 else 'differ'} from the reference: got "
                 f"{', '.join(f'{got[k]:.10g}' for k in bad)}, expected "
                 f"{', '.join(f'{want[k]:.10g}' for k in bad)}. This looks like: {slip.description}. "
                 "Next: compare your J with (2.44) and the sums with (2.48)-(2.49).")
    k = bad[0]
    close(got[k], want[k], rtol=RTOL_SUMS, atol=0.0, name=names[k])
