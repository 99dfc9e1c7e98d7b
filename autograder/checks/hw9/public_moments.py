"""hw9's public checks of Gaussian moments and the linear net's correlation functions (notes
5.2.3): isserlis_moment, monte_carlo_moment, linear_net_correlation."""
import math

import numpy as np

from autograder.api import Case, Slip, check, close, expect_scalar, expect_sequence, fail, rejects, stats

from autograder.checks.hw9.common import grader_inputs, random_cov
from autograder.checks.hw9.public import FFP_CASE, RTOL_ISSERLIS, expect_seeded

# ============================================================== isserlis_moment
ISS_CASES = [Case("four_distinct", [0, 1, 2, 3]), Case("repeated_6", [0, 0, 1, 1, 2, 2]),
             Case("odd_3", [0, 1, 2]), Case("fourth_power", [2, 2, 2, 2])]


@check("isserlis_moment", points=0.5, cases=ISS_CASES)
def test_isserlis_moment(student, ref, case):
    idx = case.args[0]
    cov = random_cov(3)
    got = expect_scalar(student.isserlis_moment(cov, idx), "E z_{i_1} ... z_{i_k}")
    want = ref.isserlis_moment(cov, idx)
    k = len(idx)
    slips = []
    if k % 2 == 0:
        exact = ref.slipgen.pairing_sum(cov, idx)
        if not math.isclose(exact, want, rel_tol=1e-10, abs_tol=1e-14):
            fail("grader error: the reference disagrees with the pairing sum.", advice="Next: tell the instructor; this is not your mistake.")
        slips = [Slip("the sum over all (2k)! permutations without the 1/(2^k k!) of (5.90)",
                      exact * 2 ** (k // 2) * math.factorial(k // 2)),
                 Slip("a single pairing (i_1 i_2)(i_3 i_4)...: (5.90) sums over all of them",
                      ref.slipgen.single_pairing(cov, idx)),
                 Slip("the product of the variances, as if the z_i were independent",
                      ref.slipgen.independent_moment(cov, idx))]
    close(float(got), float(want), rtol=RTOL_ISSERLIS, atol=1e-15, slips=slips, name="the moment")


# isserlis_moment(cov, indices) with an index outside the covariance
test_isserlis_moment_errors = rejects("isserlis_moment", ValueError, points=0.25, cases=[
    Case("index_out_of_range", random_cov(3), [0, 4])])


# =========================================================== monte_carlo_moment
MC_SAMPLES = 20000
Z_MC = stats.z_of_ffp(FFP_CASE / 2)
SE_TOL = 0.35           # |se / exact se - 1|: the sample sd of a product of Gaussians at 20000 draws


@check("monte_carlo_moment", points=0.5, stochastic=True, ffp=FFP_CASE, cases=[
    Case("four_mixed", [0, 1, 2, 2]), Case("pair", [1, 3])])
def test_monte_carlo_moment(student, ref, case, grader_seed):
    idx = case.args[0]
    cov = random_cov(7)
    seed = 7919 * grader_seed + 3
    got = expect_sequence(student.monte_carlo_moment(cov, idx, MC_SAMPLES, seed), 2, "(estimate, stderr)")
    est, se = float(expect_scalar(got[0], "estimate")), float(expect_scalar(got[1], "stderr"))
    again = student.monte_carlo_moment(cov, idx, MC_SAMPLES, seed)
    other = student.monte_carlo_moment(cov, idx, MC_SAMPLES, seed + 1)
    expect_seeded(np.array([est, se]), np.array(again, dtype=float), np.array(other, dtype=float),
                  "monte_carlo_moment")
    exact = ref.isserlis_moment(cov, idx)
    second = ref.isserlis_moment(cov, list(idx) * 2)
    se_exact = math.sqrt((second - exact**2) / MC_SAMPLES)
    if not (se > 0 and abs(se / se_exact - 1) <= SE_TOL):
        hint = ""
        if abs(se / (se_exact * math.sqrt(MC_SAMPLES)) - 1) <= SE_TOL:
            hint = "This looks like: the sample sd without the 1/sqrt(n_samples) of a standard error. "
        elif abs(se / math.sqrt(second / MC_SAMPLES) - 1) <= 0.1 * SE_TOL and abs(exact) > 0.5 * math.sqrt(second):
            hint = "This looks like: the root mean square of the product, not its sd (the mean not subtracted). "
        fail(f"your standard error is {se:.4g}; the exact one is sqrt((E P^2 - (E P)^2)/n_samples) = {se_exact:.4g} "
             f"(E P^2 by Isserlis on the doubled indices). The check allows {SE_TOL:.0%} for the sampling error "
             "of a sample sd.", advice=hint + "Next: return np.std(products, ddof=1) / sqrt(n_samples).")
    stats.z_check(est, exact, se, Z_MC, what=f"your estimate of E prod z_i over indices {idx}",
                  against="Isserlis' theorem gives",
                  hint="Next: draw z = L g with cov = L L^T (Cholesky or eigh) and average the product of the "
                       "indexed coordinates.")


# ======================================================= linear_net_correlation
LN_CASES = [Case("equal_inputs_m4_n10", "equal", 4, 10), Case("random_m4_n3", "random", 4, 3),
            Case("random_m6_n5", "random", 6, 5), Case("odd_m3", "random", 3, 4)]


@check("linear_net_correlation", points=0.5, cases=LN_CASES)
def test_linear_net_correlation(student, ref, case):
    kind, m, n = case.args
    X = np.repeat(np.array([[0.6], [0.8]]), m, axis=1) if kind == "equal" else grader_inputs(3, m, 100 + m)
    got = expect_scalar(student.linear_net_correlation(X, n), "E f(x_1)...f(x_m)")
    want = ref.linear_net_correlation(X, n)
    if kind == "equal" and not math.isclose(want, ref.slipgen.equal_inputs_correlation(n), rel_tol=1e-12):
        fail("grader error: the reference disagrees with (5.97).", advice="Next: tell the instructor; this is not your mistake.")
    G = X.T @ X
    slips = []
    if m % 2 == 0:
        gauss = ref.slipgen.pairing_sum(G, list(range(m)))
        slips = [Slip("the infinite-width (Gaussian) limit: the weights n^(l - m/2) of (5.95) left out "
                      "(only p_a = p_w counted)", gauss),
                 Slip("n^l without the n^(-m/2) of f's normalisation (5.94)", want * n ** (m / 2))]
    close(float(got), float(want), rtol=RTOL_ISSERLIS * 10, atol=1e-14, slips=slips, name="the correlation")
