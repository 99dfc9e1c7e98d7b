"""hw10's public checks: free probability behind the spectra (notes 2.2, (2.44)-(2.85)).

Deterministic functions are compared with the reference on grader-supplied
inputs; identities (R(G(z)) + 1/G(z) = z, moments of a density, closed-form
S-transforms) are checked on the student's own values. Simulations are
compared by statistics: column means against exact expectations (t-tests
with the student's own sample variance), spectra against the reference's
draws at other seeds (exact Mann-Whitney tests of per-seed Kolmogorov
distances). The closed forms and the known slips' values are the grader's hidden
helpers (``slipgen.py``, reached as ``ref.slipgen``), recorded into the public
fixtures on the public cases.

This file holds the assignment's settings and the checks of free_moments and the
Stieltjes transform of a spectrum; ``public_laws.py`` those of the laws (G, R, the
free convolution and its simulation), ``public_series.py`` those of the S-transform,
free products and the Jacobian's spectrum; ``plot.py`` the plot. The hidden cases of these checks are in ``hidden.py`` (not
shipped to students).
"""
import math

import numpy as np

from autograder.api import (Case, Slip, case_input, check, close, expect_array, expect_reproducible, expect_seed_used,
                            fail, rejects, stats)

TITLE = "Free probability: freeness, Stieltjes, R- and S-transforms, chi_1^L"
FUNCTIONS = ["free_moments", "stieltjes_transform", "stieltjes_inversion", "law_stieltjes",
             "r_transform", "free_convolution_density", "free_sum_eigenvalues",
             "s_transform_coefficients", "free_product_moments", "mean_jacobian_eigenvalue",
             "leaky_relu_spectral_sums"]
CALL_TIMEOUT = 10.0    # CPU seconds per call: every hw10 call needs well under a second

RTOL_EXACT = 1e-12     # sums of 1/(z - lambda): float64 round-off only
RTOL_LAW = 1e-10       # closed-form G written with or without the cancellation-free form, |z| <= 20
RTOL_DENSITY = 1e-8    # a root of a cubic, by companion matrix, np.roots or Newton
ATOL_DENSITY = 1e-7    # near the edges the density ~ sqrt(distance) amplifies root errors
RTOL_SERIES = 1e-9     # series reversion in float64: a few hundred operations on numbers ~1e3
RTOL_CHI = 1e-9        # chi_1 by quadrature (Gauss-Hermite, Gauss-Legendre) and a root-finder
RTOL_SUMS = 1e-9       # eigh of J^T J versus the forward pass: round-off of n^3 operations
TOL_RG = 1e-9          # |R(G(z)) + 1/G(z) - z| / |z| with the student's own two functions
TOL_MASS = 2e-3        # moments of a density by the trapezoid rule on 6001 points (sqrt edges)

FFP_CASE = 1e-4        # every stochastic case
Z_HINT = 5.0           # a slip is named when the student's means fit it within 5 standard errors
K_STUDENT = 10         # seeds of the student's spectra per case
K_REF = 14             # seeds of the reference's spectra (2/binom(24, 10) = 1e-6 smallest p)
Z_TRACE = stats.z_of_ffp(1e-5)

#: what a seeded simulation's determinism check advises
SEED_ADVICE = "Next: draw only from np.random.default_rng(seed)."


def expect_complex(got, shape, what):
    """A complex128 array of ``shape``."""
    __tracebackhide__ = True
    got = expect_array(got, shape, what, dtype=None)
    if got.dtype.kind != "c":
        fail(f"{what} has dtype {got.dtype}, expected complex128: G(z) is complex off the real "
             "axis. Next: compute with complex z (np.asarray(z, dtype=complex)).")
    if got.dtype != np.complex128:
        fail(f"{what} has dtype {got.dtype}, expected complex128 (double precision).")
    return got


def close_complex(got, want, rtol, atol, slips=(), what="G(z)"):
    """Real and imaginary parts within ``atol + rtol |want|``; complex slips named."""
    __tracebackhide__ = True
    err = np.abs(got - want)
    if np.all(err <= atol + rtol * np.abs(want)):
        return
    for text, value in slips:
        if np.all(np.abs(got - value) <= atol + max(rtol, 1e-8) * np.abs(value)):
            fail(f"{what} differs from the reference (max abs error {err.max():.3g}). This looks "
                 f"like: {text}. Next: compare with (2.63)-(2.64) on a case you can do by hand.")
    close(got.real, want.real, rtol=rtol, atol=atol + rtol * float(np.abs(want).max()),
          name=f"Re {what}")
    close(got.imag, want.imag, rtol=rtol, atol=atol + rtol * float(np.abs(want).max()),
          name=f"Im {what}")
# ================================================================ free_moments
#: the known slips of drawing X, by law; their E tau(X^2) come from ref.slipgen.moment_slips(kind, n)
MOMENT_SLIPS = {
    "wigner": ["GOE's variance 2/n on the diagonal: the convention of (2.60) is N(0, 1/n) "
               "for every entry on and above the diagonal",
               "X = (G + G^T)/2: that halves the off-diagonal variance; copy the upper "
               "triangle (diagonal included) into the lower one instead"],
    "wishart": ["the Wishart matrix is not centred: X = W W^T - I"],
}


def _free_moments_hint(got, kx, ky, n, want, se, slip_means):
    m = got.mean(axis=0)
    if np.allclose(got[:, 0], got[:, 1]) and np.allclose(got[:, 2], got[:, 3]):
        return ("X and Y are the same matrix in every draw (tau(XYXY) = tau(X^2 Y^2) = tau(X^4)): "
                "draw Y after X from the same generator, not from a second generator with the same "
                "seed. ")
    if np.all(np.abs(m - n * want) <= Z_HINT * se + 1e-12):
        return "Every mean is n times the expected one: tau(A) = tr(A)/n, the 1/n is missing. "
    for col, kind in ((0, kx), (1, ky)):
        for text, value in zip(MOMENT_SLIPS[kind], slip_means[kind]):
            if abs(m[col] - value) <= Z_HINT * se[col] < abs(value - want[col]):
                return f"This looks like: {text}. "
    if abs(m[3] - m[2]) <= Z_HINT * math.hypot(se[2], se[3]):
        return ("tau(XYXY) equals tau(X^2 Y^2), as if X and Y commuted (2.58): multiply the "
                "matrices with @, not elementwise, and do not reorder the product. ")
    return ""


FREE_CASES = [
    Case("wigner_wigner_n6", "wigner", "wigner", 6, 400),
    Case("wishart_wishart_n6", "wishart", "wishart", 6, 400),
    Case("wigner_wishart_n24", "wigner", "wishart", 24, 150),
]


# Per column, the student's draws are compared with as many reference draws
# at other seeds by a two-sided Mann-Whitney test (normal approximation of U,
# >= 80 draws a side) at level 2.5e-5; four columns: ffp <= 1e-4 per case.
# The test is distribution-free: the tau-statistics are skewed at small n,
# which makes a t-test against the exact means fail far more often than its
# nominal level (reference, Wishart pairs at n = 16, 2500 seeds: P(|t| > 4) =
# 4e-4, six times the normal tail). The exact means name the slip.
ALPHA_COLUMN = FFP_CASE / 4


@check("free_moments", points=1.0, cases=FREE_CASES, stochastic=True, ffp=FFP_CASE)
def test_free_moments(student, ref, case, grader_seed):
    kx, ky, n, draws = case.args
    seed = 7919 * grader_seed + n
    got = expect_array(student.free_moments(kx, ky, n, draws, seed), (draws, 4),
                       "free_moments(...) (one row [tau(X^2), tau(Y^2), tau(X^2 Y^2), tau(XYXY)] per draw)")
    if not np.all(np.isfinite(got)):
        fail("your moments contain NaN or inf.")
    expect_reproducible(got, np.asarray(student.free_moments(kx, ky, n, draws, seed)), "moments",
                        advice=SEED_ADVICE, rtol=1e-12)
    expect_seed_used(got, np.asarray(student.free_moments(kx, ky, n, draws, seed + 1)), rtol=1e-5,
                     message="seeds seed and seed + 1 gave the same moments: the seed is ignored.")
    sd = got.std(axis=0, ddof=1)
    if np.any(sd == 0):
        fail("a column of your moments is the same in every draw: nothing is random.")
    theirs = np.asarray(ref.free_moments(kx, ky, n, draws, seed + stats.REF_SEED_OFFSET))
    want = ref.slipgen.exact_moments(kx, ky, n)
    slip_means = {kind: ref.slipgen.moment_slips(kind, n) for kind in (kx, ky)}
    se = sd / math.sqrt(draws)
    names = ["tau(X^2)", "tau(Y^2)", "tau(X^2 Y^2)", "tau(XYXY)"]
    for col in range(4):
        p = stats.two_sample(got[:, col], theirs[:, col], "mann-whitney", method="asymptotic")
        if p > ALPHA_COLUMN:
            continue
        fail(f"{names[col]} over your {draws} draws ({kx} X, {ky} Y, n = {n}) has mean "
             f"{got[:, col].mean():.5g} +- {se[col]:.2g}; its exact expectation is {want[col]:.5g}, "
             f"and the reference's draws at other seeds have mean {theirs[:, col].mean():.5g}. "
             f"Mann-Whitney p = {p:.1e}; the check fails below {ALPHA_COLUMN:.1e} (a correct solution "
             f"fails this case with probability <= {FFP_CASE:.0e}). "
             + _free_moments_hint(got, kx, ky, n, want, se, slip_means)
             + "Next: compare your matrices with the conventions of the task (2.60).")


# free_moments(kind_x, kind_y, n, n_draws, seed)
test_free_moments_errors = rejects("free_moments", ValueError, points=0.25, cases=[
    Case("kind_goe", "goe", "wigner", 4, 3, 0)])


# ========================================================= stieltjes_transform
#: spectra of the public cases by name, drawn from a generator (seed 11)
EIGS = {
    "normal30": lambda r: r.standard_normal(30),
    "hand": lambda r: np.array([-1.0, 0.0, 0.5, 0.5, 2.0]),
}


STIELTJES_Z = np.array([[1 + 1j, -2 + 0.3j, 0.1 + 0.01j],
               [3 - 2j, -0.5 - 0.05j, 10 + 10j]])


@check("stieltjes_transform", points=0.5, cases=[
    Case("normal30", "normal30"), Case("by_hand_5", "hand")])
def test_stieltjes_transform(student, ref, case):
    eigs = case_input(EIGS, case.args[0], np.random.default_rng(11))
    got = expect_complex(student.stieltjes_transform(eigs, STIELTJES_Z), STIELTJES_Z.shape, "G(z)")
    want = ref.stieltjes_transform(eigs, STIELTJES_Z)
    flipped, summed, conjugate = ref.slipgen.stieltjes_slips(eigs, STIELTJES_Z)
    close_complex(got, want, RTOL_EXACT, 1e-15, slips=[
        ("mean of 1/(lambda - z): (2.63) is tau((z - X)^{-1}), the sign is flipped", flipped),
        ("the sum over eigenvalues without the 1/n of (2.50)", summed),
        ("the conjugate of G: Im G(z) must have the sign opposite to Im z", conjugate)])


# ========================================================= stieltjes_inversion
INV_X = np.array([-3.0, -1.0, -0.2, 0.0, 0.3, 0.5, 1.7, 4.0])


@check("stieltjes_inversion", points=0.5, cases=[
    Case("normal30_eta0.1", "normal30", 0.1), Case("hand_eta0.02", "hand", 0.02)])
def test_stieltjes_inversion(student, ref, case):
    kind, eta = case.args
    eigs = case_input(EIGS, kind, np.random.default_rng(11))
    x = INV_X.reshape(2, 4)
    want = ref.stieltjes_inversion(eigs, x, eta)
    got = student.stieltjes_inversion(eigs, x, eta)
    no_pi, real_part, summed = ref.slipgen.inversion_slips(eigs, x, eta)
    close(got, want, rtol=RTOL_EXACT, atol=1e-300, name="-Im G(x + i eta)/pi", slips=[
        Slip("the 1/pi of (2.84) is missing", no_pi),
        Slip("-Re G/pi instead of -Im G/pi", real_part),
        Slip("the sum over eigenvalues without the 1/n", summed)])


# stieltjes_inversion(eigs, x, eta) at eta <= 0
test_stieltjes_inversion_errors = rejects("stieltjes_inversion", ValueError, points=0.25, cases=[
    Case("eta_0", np.array([0.0, 1.0]), np.array([0.5]), 0.0)])


