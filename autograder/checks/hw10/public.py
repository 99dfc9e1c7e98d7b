"""hw10's public checks: free probability behind the spectra (notes 2.2, (2.44)-(2.85)).

Deterministic functions are compared with the reference on grader-supplied
inputs; identities (R(G(z)) + 1/G(z) = z, moments of a density, closed-form
S-transforms) are checked on the student's own values. Simulations are
compared by statistics: column means against exact expectations (t-tests
with the student's own sample variance), spectra against the reference's
draws at other seeds (exact Mann-Whitney tests of per-seed Kolmogorov
distances). Known slips are recomputed here, independently of the reference.

The hidden cases of these checks are in ``hidden.py`` (not shipped to students).
"""
import math

import numpy as np
from scipy import stats as st
from scipy.special import erf

from autograder.api import (Case, Slip, check, close, expect_array, expect_raises, expect_scalar,
                            expect_sequence, fail, stats)

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


def _rng(seed):
    return np.random.default_rng(seed)


def _complex(got, shape, what):
    """A complex128 array of ``shape``."""
    __tracebackhide__ = True
    got = expect_array(got, shape, what, dtype=None)
    if got.dtype.kind != "c":
        fail(f"{what} has dtype {got.dtype}, expected complex128: G(z) is complex off the real "
             "axis. Next: compute with complex z (np.asarray(z, dtype=complex)).")
    if got.dtype != np.complex128:
        fail(f"{what} has dtype {got.dtype}, expected complex128 (double precision).")
    return got


def _close_complex(got, want, rtol, atol, slips=(), what="G(z)"):
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
def _exact_moments(kx, ky, n):
    """E [tau(X^2), tau(Y^2), tau(X^2 Y^2), tau(XYXY)] at size n (see the contract)."""
    e2 = {"wigner": 1.0, "wishart": 1.0 + 1.0 / n}
    xyxy = 1.0 / n + {0: 0.0, 1: 1.0, 2: 3.0}[(kx == "wishart") + (ky == "wishart")] / n**2
    return np.array([e2[kx], e2[ky], e2[kx] * e2[ky], xyxy])


def _moment_slips(kind, n):
    """tau(X^2) under known slips of drawing X."""
    if kind == "wigner":
        return [("GOE's variance 2/n on the diagonal: the convention of (2.60) is N(0, 1/n) "
                 "for every entry on and above the diagonal", 1.0 + 1.0 / n),
                ("X = (G + G^T)/2: that halves the off-diagonal variance; copy the upper "
                 "triangle (diagonal included) into the lower one instead", (n + 1) / (2.0 * n))]
    return [("the Wishart matrix is not centred: X = W W^T - I", 2.0 + 1.0 / n)]


def _free_moments_hint(got, kx, ky, n, want, se):
    m = got.mean(axis=0)
    if np.allclose(got[:, 0], got[:, 1]) and np.allclose(got[:, 2], got[:, 3]):
        return ("X and Y are the same matrix in every draw (tau(XYXY) = tau(X^2 Y^2) = tau(X^4)): "
                "draw Y after X from the same generator, not from a second generator with the same "
                "seed. ")
    if np.all(np.abs(m - n * want) <= Z_HINT * se + 1e-12):
        return "Every mean is n times the expected one: tau(A) = tr(A)/n, the 1/n is missing. "
    for col, kind in ((0, kx), (1, ky)):
        for text, value in _moment_slips(kind, n):
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
    again = np.asarray(student.free_moments(kx, ky, n, draws, seed))
    if again.shape != got.shape or not np.allclose(again, got, rtol=1e-12, atol=1e-14):
        fail(f"two calls with seed {seed} gave different moments. Next: draw only from "
             "np.random.default_rng(seed).")
    other = np.asarray(student.free_moments(kx, ky, n, draws, seed + 1))
    if other.shape == got.shape and np.allclose(other, got):
        fail("seeds seed and seed + 1 gave the same moments: the seed is ignored.")
    sd = got.std(axis=0, ddof=1)
    if np.any(sd == 0):
        fail("a column of your moments is the same in every draw: nothing is random.")
    theirs = np.asarray(ref.free_moments(kx, ky, n, draws, seed + stats.REF_SEED_OFFSET))
    want = _exact_moments(kx, ky, n)
    se = sd / math.sqrt(draws)
    names = ["tau(X^2)", "tau(Y^2)", "tau(X^2 Y^2)", "tau(XYXY)"]
    for col in range(4):
        p = st.mannwhitneyu(got[:, col], theirs[:, col], alternative="two-sided",
                            method="asymptotic").pvalue
        if p > ALPHA_COLUMN:
            continue
        fail(f"{names[col]} over your {draws} draws ({kx} X, {ky} Y, n = {n}) has mean "
             f"{got[:, col].mean():.5g} +- {se[col]:.2g}; its exact expectation is {want[col]:.5g}, "
             f"and the reference's draws at other seeds have mean {theirs[:, col].mean():.5g}. "
             f"Mann-Whitney p = {p:.1e}; the check fails below {ALPHA_COLUMN:.1e} (a correct solution "
             f"fails this case with probability <= {FFP_CASE:.0e}). "
             + _free_moments_hint(got, kx, ky, n, want, se)
             + "Next: compare your matrices with the conventions of the task (2.60).")


@check("free_moments", points=0.25, aspect="errors", cases=[
    Case("kind_goe", "goe", "wigner")])
def test_free_moments_errors(student, ref, case):
    expect_raises(student.free_moments, ValueError, *case.args, 4, 3, 0)


# ========================================================= stieltjes_transform
#: spectra by name, drawn from a generator (hidden.py adds those of its cases)
EIGS = {
    "normal30": lambda r: r.standard_normal(30),
    "hand": lambda r: np.array([-1.0, 0.0, 0.5, 0.5, 2.0]),
}


def _eigs(kind, seed):
    return EIGS[kind](_rng(seed))


_Z = np.array([[1 + 1j, -2 + 0.3j, 0.1 + 0.01j],
               [3 - 2j, -0.5 - 0.05j, 10 + 10j]])


@check("stieltjes_transform", points=0.5, cases=[
    Case("normal30", "normal30"), Case("by_hand_5", "hand")])
def test_stieltjes_transform(student, ref, case):
    eigs = _eigs(case.args[0], 11)
    got = _complex(student.stieltjes_transform(eigs, _Z), _Z.shape, "G(z)")
    want = ref.stieltjes_transform(eigs, _Z)
    direct = np.array([[np.mean(1 / (z - eigs)) for z in row] for row in _Z])
    _close_complex(got, want, RTOL_EXACT, 1e-15, slips=[
        ("mean of 1/(lambda - z): (2.63) is tau((z - X)^{-1}), the sign is flipped", -direct),
        ("the sum over eigenvalues without the 1/n of (2.50)", direct * eigs.size),
        ("the conjugate of G: Im G(z) must have the sign opposite to Im z", np.conj(direct))])


# ========================================================= stieltjes_inversion
INV_X = np.array([-3.0, -1.0, -0.2, 0.0, 0.3, 0.5, 1.7, 4.0])


@check("stieltjes_inversion", points=0.5, cases=[
    Case("normal30_eta0.1", "normal30", 0.1), Case("hand_eta0.02", "hand", 0.02)])
def test_stieltjes_inversion(student, ref, case):
    kind, eta = case.args
    eigs = _eigs(kind, 11)
    x = INV_X.reshape(2, 4)
    want = ref.stieltjes_inversion(eigs, x, eta)
    got = student.stieltjes_inversion(eigs, x, eta)
    d = x[..., None] - eigs
    cauchy = np.mean(eta / (d * d + eta * eta), axis=-1)
    close(got, want, rtol=RTOL_EXACT, atol=1e-300, name="-Im G(x + i eta)/pi", slips=[
        Slip("the 1/pi of (2.84) is missing", cauchy),
        Slip("-Re G/pi instead of -Im G/pi", -np.mean(d / (d * d + eta * eta), axis=-1) / np.pi),
        Slip("the sum over eigenvalues without the 1/n", cauchy / np.pi * eigs.size)])


@check("stieltjes_inversion", points=0.25, aspect="errors", cases=[
    Case("eta_0", 0.0)])
def test_stieltjes_inversion_errors(student, ref, case):
    expect_raises(student.stieltjes_inversion, ValueError, np.array([0.0, 1.0]), np.array([0.5]),
                  case.args[0])


# =============================================================== law_stieltjes
def _law_points(kind, param):
    """Points in both half planes and on the real axis outside the support, |z| <= 20."""
    if kind == "semicircle":
        r = 2 * math.sqrt(param)
        real = [-r - 1.0, -r * 1.001, r * 1.5, 20.0]
    else:
        a, b = (1 - math.sqrt(param)) ** 2, (1 + math.sqrt(param)) ** 2
        real = [-1.0, b + 0.5, 15.0] + ([a / 2] if a > 1e-3 else [-0.01])
    return np.array([0.5 + 1j, -1.5 + 0.2j, 1.0 + 0.01j, 3 - 0.5j, -0.3 - 2j, 0.2 - 0.01j,
                     12 + 15j, -7 - 0.1j] + real, dtype=complex).reshape(3, 4)


def _law_wrong(kind, z, p, how):
    """G(z) with the square root of the product, or the other root of the quadratic."""
    if kind == "semicircle":
        u, disc, den = z, z * z - 4 * p, 2 * p
    else:
        u, disc, den = z - 1 + p, (z - 1 + p) ** 2 - 4 * p * z, 2 * p * z
    if how == "principal":
        return (u - np.sqrt(disc)) / den
    a, b = ((-2 * math.sqrt(p), 2 * math.sqrt(p)) if kind == "semicircle"
            else ((1 - math.sqrt(p)) ** 2, (1 + math.sqrt(p)) ** 2))
    return (u + np.sqrt(z - a) * np.sqrt(z - b)) / den


LAW_CASES = [Case("semicircle_1", "semicircle", 1.0), Case("semicircle_0.3", "semicircle", 0.3),
             Case("mp_1", "mp", 1.0), Case("mp_0.25", "mp", 0.25)]


@check("law_stieltjes", points=0.5, cases=LAW_CASES)
def test_law_stieltjes(student, ref, case):
    kind, p = case.args
    z = _law_points(kind, p)
    got = _complex(student.law_stieltjes(kind, z, p), z.shape, "G(z)")
    want = ref.law_stieltjes(kind, z, p)
    _close_complex(got, want, RTOL_LAW, 1e-14, slips=[
        ("sqrt of the product (z - a)(z - b) (principal branch): its cut is not the support, so "
         "G jumps to the wrong root in part of the plane. Use sqrt(z - a) * sqrt(z - b)",
         _law_wrong(kind, z, p, "principal")),
        ("the other root of the quadratic (+ sqrt): G must decay like 1/z at infinity",
         _law_wrong(kind, z, p, "plus"))])


@check("law_stieltjes", points=0.25, aspect="asymptotics", cases=[
    Case("semicircle_2", "semicircle", 2.0)])
def test_law_stieltjes_decay(student, ref, case):
    """z G(z) -> 1 at infinity (the law has mass 1), in every direction."""
    kind, p = case.args
    z = 1e4 * np.exp(1j * np.array([0.3, 1.5, 2.5, -0.2, -1.6, -3.0]))
    got = _complex(student.law_stieltjes(kind, z, p), z.shape, "G(z)")
    bad = np.abs(z * got - 1) > 1e-3
    if bad.any():
        k = int(np.argmax(bad))
        fail(f"z G(z) at z = {z[k]:.4g} is {z[k] * got[k]:.4g}; a probability law has G(z) ~ 1/z "
             f"in every direction. Next: pick the branch of the square root with "
             f"sqrt(z - a) * sqrt(z - b) ~ z at infinity.")


@check("law_stieltjes", points=0.25, aspect="errors", cases=[
    Case("kind_gaussian", "gaussian", 1.0), Case("semicircle_0", "semicircle", 0.0)])
def test_law_stieltjes_errors(student, ref, case):
    kind, p = case.args
    expect_raises(student.law_stieltjes, ValueError, kind, np.array([1 + 1j]), p)


# ================================================================= r_transform
R_W = np.array([-0.8, -0.1, 0.0, 0.3, 0.45])


@check("r_transform", points=0.5, cases=[
    Case("semicircle_real", "semicircle", 0.7, False), Case("mp_real", "mp", 0.5, False),
    Case("mp_complex", "mp", 1.0, True)])
def test_r_transform(student, ref, case):
    kind, p, cplx = case.args
    w = R_W + (0.2j * np.arange(5) - 0.3j if cplx else 0.0)
    want = ref.r_transform(kind, w, p)
    got = student.r_transform(kind, w, p)
    slips = ([("R(w) = sqrt(s) w: s is a variance", math.sqrt(p) * w),
              ("R(w) = s w^2", p * w * w)] if kind == "semicircle" else
             [("1/(1 + c w): the sign in the denominator", 1 / (1 + p * w)),
              ("c/(1 - c w): the R-transform of c times a free Poisson law, whose mean is c, not 1",
               p / (1 - p * w)),
              ("z(w) = R(w) + 1/w returned instead of R(w) (2.76)", 1 / (1 - p * w) + 1 / w)])
    if cplx:
        got = _complex(got, w.shape, "R(w)")
        _close_complex(got, want, RTOL_EXACT, 1e-15, slips=slips, what="R(w)")
    else:
        close(got, want, rtol=RTOL_EXACT, atol=1e-15, name="R(w)",
              slips=[Slip(t, np.real(v)) for t, v in slips])


@check("r_transform", points=0.5, aspect="inverts_G", cases=[
    Case("semicircle_0.6", "semicircle", 0.6), Case("mp_0.4", "mp", 0.4)])
def test_r_transform_inverts_G(student, ref, case):
    """(2.77) with the student's own two functions: R(G(z)) + 1/G(z) = z."""
    kind, p = case.args
    z = np.array([0.5 + 1j, -1 + 0.5j, 2 - 0.3j, 4 + 4j, -3 - 1j])
    g = _complex(student.law_stieltjes(kind, z, p), z.shape, "G(z)")
    r = _complex(student.r_transform(kind, g, p), z.shape, "R(G(z))")
    err = np.abs(r + 1 / g - z) / np.abs(z)
    if np.all(err <= TOL_RG):
        return
    k = int(np.argmax(err))
    fail(f"R(G(z)) + 1/G(z) should equal z (2.77); at z = {z[k]:.4g} your two functions give "
         f"{r[k] + 1 / g[k]:.6g}. Next: check law_stieltjes and r_transform on the same law "
         "and parameter; one of them is off.")


# ==================================================== free_convolution_density
def _cubic_density(x, s, c, zeta_shift=1.0):
    """-Im G/pi from z = s G + 1/(1 - cG) + zeta_shift/G by np.roots, point by point."""
    out = np.zeros_like(x)
    for i, z in enumerate(x):
        roots = np.roots([s * c, -(c * z + s), z - zeta_shift + c * zeta_shift, -zeta_shift])
        out[i] = max(0.0, float(np.max(-roots.imag))) / np.pi
    return out


def _fc_grid(s, c):
    lo = -2 * math.sqrt(s) - 0.5
    hi = (1 + math.sqrt(c)) ** 2 + 2 * math.sqrt(s) + 0.5
    return np.linspace(lo, hi, 23)[1:-1]


FC_CASES = [Case("var0.5_ratio0.5", 0.5, 0.5), Case("var1_ratio1", 1.0, 1.0),
            Case("var0.1_ratio0.2", 0.1, 0.2), Case("var0_ratio0.5_mp", 0.0, 0.5)]


@check("free_convolution_density", points=0.5, cases=FC_CASES)
def test_free_convolution_density(student, ref, case):
    s, c = case.args
    x = _fc_grid(s, c)
    want = ref.free_convolution_density(x, s, c)
    got = student.free_convolution_density(x, s, c)
    slips = []
    if s > 0:
        a, b = (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2
        with np.errstate(all="ignore"):
            mp = np.where((x > a) & (x < b), np.sqrt(np.clip((b - x) * (x - a), 0, None)) / (2 * np.pi * c * x), 0)
        sc = np.sqrt(np.clip(4 * s - x * x, 0, None)) / (2 * np.pi * s)
        slips = [Slip("the two densities added: free convolution adds R-transforms (2.76), not "
                      "densities", mp + sc),
                 Slip("z_X + z_Y without the -1/G of (2.75): the R-transforms must add, not the "
                      "inverses of G", _cubic_density(x, s, c, 2.0)),
                 Slip("sqrt(variance) used as the semicircle's variance",
                      ref.free_convolution_density(x, math.sqrt(s), c)),
                 Slip("the 1/pi of (2.84) is missing", want * np.pi)]
    close(got, want, rtol=RTOL_DENSITY, atol=ATOL_DENSITY, slips=slips, name="rho(x)")


@check("free_convolution_density", points=0.5, aspect="moments", cases=[
    Case("var0.5_ratio0.5", 0.5, 0.5)])
def test_free_convolution_moments(student, ref, case):
    """Mass 1, mean 1, variance ratio + variance (free cumulants add), on the student's density."""
    s, c = case.args
    lo, hi = -2 * math.sqrt(s) - 0.5, (1 + math.sqrt(c)) ** 2 + 2 * math.sqrt(s) + 0.5
    x = np.linspace(lo, hi, 6001)
    rho = expect_array(student.free_convolution_density(x, s, c), x.shape, "rho(x)")
    trap = lambda f: float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(x)))
    mass, mean, var = trap(rho), trap(x * rho), trap((x - 1) ** 2 * rho)
    for what, got, want in (("mass", mass, 1.0), ("mean", mean, 1.0), ("variance", var, s + c)):
        if not abs(got - want) <= TOL_MASS * max(1.0, want):
            fail(f"the {what} of your density (variance {s}, ratio {c}) is {got:.5g}; the free "
                 f"convolution has {want:.5g} (mass 1, mean 1 + 0, variance ratio + variance: "
                 "free cumulants add). Next: plot your density against a histogram of "
                 "free_sum_eigenvalues.")


@check("free_convolution_density", points=0.25, aspect="errors", cases=[
    Case("ratio_0", 1.0, 0.0), Case("ratio_1.5", 1.0, 1.5)])
def test_free_convolution_errors(student, ref, case):
    s, c = case.args
    expect_raises(student.free_convolution_density, ValueError, np.array([0.5, 1.0]), s, c)


# ======================================================== free_sum_eigenvalues
def _ks_distance(sample, grid, cdf):
    x = np.sort(np.asarray(sample, dtype=np.float64))
    f = np.interp(x, grid, cdf, left=0.0, right=1.0)
    i = np.arange(1, len(x) + 1)
    return float(max(np.max(i / len(x) - f), np.max(f - (i - 1) / len(x))))


def _spectrum(got, n):
    got = expect_array(got, (n,), "eigenvalues")
    if not np.all(np.isfinite(got)):
        fail("your eigenvalues contain NaN or inf.")
    return got


SUM_CASES = [Case("n100_m200_var0.5", 100, 200, 0.5), Case("n80_m80_var1", 80, 80, 1.0)]


# The mean eigenvalue tr(A)/n has mean 1 and variance 2/(n m) + variance/n^2
# per draw, exactly; its mean over K seeds is z-tested (ffp 1e-5). The per-seed
# Kolmogorov distance to the free convolution is compared with the
# reference's at other seeds by an exact Mann-Whitney test (alpha 9e-5).
# ffp <= 1e-4 per case.
@check("free_sum_eigenvalues", points=1.0, cases=SUM_CASES, stochastic=True, ffp=FFP_CASE)
def test_free_sum_eigenvalues(student, ref, case, grader_seed):
    n, m, s = case.args
    seeds = [grader_seed + k for k in range(K_STUDENT)]
    draws = [_spectrum(student.free_sum_eigenvalues(n, m, s, sd), n) for sd in seeds]
    again = _spectrum(student.free_sum_eigenvalues(n, m, s, seeds[0]), n)
    if not np.allclose(np.sort(again), np.sort(draws[0]), rtol=1e-10, atol=1e-12):
        fail(f"two calls with seed {seeds[0]} gave different eigenvalues. Next: draw only from "
             "np.random.default_rng(seed).")
    if all(np.allclose(np.sort(d), np.sort(draws[0])) for d in draws[1:]):
        fail("every seed gave the same eigenvalues: the seed is ignored.")
    m1 = np.array([d.mean() for d in draws])
    m2 = np.mean([np.mean(d * d) for d in draws])
    hint = ""
    mp2 = (m + n + 1) / m
    if abs(m2 - (mp2 + s * s)) < 0.3 * abs(s - s * s) and abs(s - s * s) > 0.1:
        hint = "The second moment fits X scaled by the variance: scale it by sqrt(variance). "
    elif n != m and abs(m2 - (2 + s)) < 0.3 * abs(2 - mp2):
        hint = "The second moment fits a square W: W has shape (n, m). "
    elif abs(m1.mean() - m / n) < 0.05 * m / n and n != m:
        hint = "The mean is m/n: W's entries have variance 1/n instead of 1/m. "
    stats.z_check(m1.mean(), 1.0, math.sqrt((2.0 / (n * m) + s / n**2) / K_STUDENT), Z_TRACE,
                  what="the mean eigenvalue tr(A)/n over your seeds", hint=hint
                  + "Next: A = W W^T + sqrt(variance) X with W of shape (n, m), N(0, 1/m) entries.")
    grid = np.linspace(-2 * math.sqrt(s) - 0.5, (1 + math.sqrt(n / m)) ** 2 + 2 * math.sqrt(s) + 0.5, 3001)
    dens = ref.free_convolution_density(grid, s, n / m)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(grid))])
    cdf /= cdf[-1]
    mine = [_ks_distance(d, grid, cdf) for d in draws]
    theirs = [_ks_distance(ref.free_sum_eigenvalues(n, m, s, grader_seed + stats.REF_SEED_OFFSET + k),
                           grid, cdf) for k in range(K_REF)]
    p = st.mannwhitneyu(mine, theirs, alternative="two-sided", method="exact").pvalue
    if p <= 0.9 * FFP_CASE:
        fail(f"the Kolmogorov distance of each draw's eigenvalues to MP({n / m:g}) boxplus "
             f"semicircle({s:g}): median {np.median(mine):.4g} over your seeds, "
             f"{np.median(theirs):.4g} over the reference's draws at other seeds; Mann-Whitney "
             f"p = {p:.1e}, the check fails below {0.9 * FFP_CASE:.1e} (ffp <= {FFP_CASE:.0e}). "
             + hint + "Next: X is Wigner with N(0, 1/n) entries on and above the diagonal, "
             "independent of W.")


# ==================================================== s_transform_coefficients
def _narayana_moments(c, K):
    """Moments of Marchenko-Pastur of ratio c: sum_j N(k, j) c^(j-1), Narayana numbers."""
    return np.array([sum(math.comb(k, j) * math.comb(k, j - 1) / k * c ** (j - 1)
                         for j in range(1, k + 1)) for k in range(1, K + 1)])


def _fuss(L, K):
    return np.array([math.comb((L + 1) * k, k) / (L * k + 1) for k in range(1, K + 1)], dtype=float)


def _discrete_moments(K):
    atoms, weights = np.array([0.5, 1.0, 3.0]), np.array([0.2, 0.5, 0.3])
    return np.array([weights @ atoms**k for k in range(1, K + 1)])


def _reversion(f):
    """Compositional inverse of sum_k f[k-1] t^k, by Newton's iteration on power series."""
    K = len(f)
    g = np.zeros(K + 1)
    g[1] = 1.0 / f[0]
    for _ in range(K + 1):
        comp, dcomp, power = np.zeros(K + 1), np.zeros(K + 1), np.zeros(K + 1)
        power[0] = 1.0
        for k in range(1, K + 1):
            dcomp += k * f[k - 1] * power     # f'(g) accumulates k f_k g^(k-1)
            power = np.convolve(power, g)[:K + 1]
            comp += f[k - 1] * power
        resid = comp.copy()
        resid[1] -= 1.0
        inv = np.zeros(K + 1)                  # 1/f'(g) as a series
        inv[0] = 1.0 / dcomp[0]
        for j in range(1, K + 1):
            inv[j] = -np.dot(dcomp[1:j + 1], inv[j - 1::-1]) / dcomp[0]
        g = g - np.convolve(resid, inv)[:K + 1]
    return g[1:]


def _s_of(moments):
    chi = np.concatenate([[0.0], _reversion(np.asarray(moments, float))])
    return chi[1:] + chi[:-1]


#: moments m_1..m_K by name (hidden.py adds those of its cases)
S_INPUTS = {
    "mp_ratio1": lambda K: _narayana_moments(1.0, K),
    "mp_ratio0.3": lambda K: _narayana_moments(0.3, K),
    "fuss_catalan_L3": lambda K: _fuss(3, K),
    "point_mass_2.5": lambda K: 2.5 ** np.arange(1.0, K + 1),
}

#: closed-form S coefficients s_j (j = 0..K-1) of some S_INPUTS (hidden.py adds its own)
S_CLOSED = {
    "mp_ratio1": lambda j: (-1.0) ** j,
    "mp_ratio0.3": lambda j: (-0.3) ** j,
    "fuss_catalan_L3": lambda j: np.array([(-1.0) ** i * math.comb(i + 2, 2) for i in j]),
    "point_mass_2.5": lambda j: np.where(j == 0, 0.4, 0.0),
}


def _s_closed(name, K):
    closed = S_CLOSED.get(name)
    return None if closed is None else closed(np.arange(K))


@check("s_transform_coefficients", points=0.5, cases=[
    Case("mp_ratio1_K8", "mp_ratio1", 8), Case("mp_ratio0.3_K6", "mp_ratio0.3", 6),
    Case("fuss_catalan_L3_K6", "fuss_catalan_L3", 6), Case("point_mass_K5", "point_mass_2.5", 5)])
def test_s_transform_coefficients(student, ref, case):
    name, K = case.args
    moments = S_INPUTS[name](K)
    got = student.s_transform_coefficients(moments)
    want = ref.s_transform_coefficients(moments)
    closed = _s_closed(name, K)
    if closed is not None and not np.allclose(want, closed, rtol=1e-9, atol=1e-9):
        fail("grader error: the reference disagrees with the closed form.")
    chi = np.concatenate([[0.0], _reversion(moments)])
    scale = float(np.max(np.abs(want)))
    close(got, want, rtol=RTOL_SERIES, atol=RTOL_SERIES * scale, name="S coefficients", slips=[
        Slip("the factor (1 + w) of (2.80) is missing: these are the coefficients of "
             "psi^{-1}(w)/w", chi[1:]),
        Slip("the coefficients of w M^{-1}(w)/(1 + w) = 1/S(w), (2.80) upside down",
             _series_inverse(want)),
        Slip("shifted by one: s_0 must be 1/m_1", np.concatenate([[0.0], want[:-1]]))])


def _series_inverse(a):
    out = np.zeros_like(a)
    out[0] = 1.0 / a[0]
    for j in range(1, len(a)):
        out[j] = -np.dot(a[1:j + 1], out[j - 1::-1]) / a[0]
    return out


@check("s_transform_coefficients", points=0.25, aspect="errors", cases=[
    Case("m1_zero", [0.0, 1.0, 2.0])])
def test_s_transform_errors(student, ref, case):
    expect_raises(student.s_transform_coefficients, ValueError, np.array(case.args[0], dtype=float))


# ========================================================= free_product_moments
#: moments of A and of B by name (hidden.py adds those of its cases)
P_INPUTS = {
    "mp1_mp1": (lambda K: _narayana_moments(1.0, K), lambda K: _narayana_moments(1.0, K)),
    "mp0.5_mp0.25": (lambda K: _narayana_moments(0.5, K), lambda K: _narayana_moments(0.25, K)),
    "point2_mp1": (lambda K: 2.0 ** np.arange(1.0, K + 1), lambda K: _narayana_moments(1.0, K)),
}


def _moments_of_s(s):
    K = len(s)
    chi = np.convolve(s, (-1.0) ** np.arange(K))[:K]
    return _reversion(chi)


@check("free_product_moments", points=0.5, cases=[
    Case("mp1_mp1_fuss_catalan_K7", "mp1_mp1", 7), Case("mp0.5_mp0.25_K6", "mp0.5_mp0.25", 6),
    Case("point2_mp1_K6", "point2_mp1", 6)])
def test_free_product_moments(student, ref, case):
    name, K = case.args
    a, b = (f(K) for f in P_INPUTS[name])
    got = student.free_product_moments(a, b)
    want = ref.free_product_moments(a, b)
    if name == "mp1_mp1" and not np.allclose(want, _fuss(2, K), rtol=1e-9):
        fail("grader error: the reference's MP x MP is not Fuss-Catalan.")
    close(got, want, rtol=RTOL_SERIES, atol=0.0, name="tau((AB)^k)", slips=[
        Slip("the moments multiplied termwise, m_k(A) m_k(B): that is classical independence of "
             "commuting variables, not freeness (2.54)", a * b),
        Slip("the S-transforms added instead of multiplied (2.54)", _moments_of_s(_s_of(a) + _s_of(b))),
        Slip("S_A / S_B instead of S_A S_B",
             _moments_of_s(np.convolve(_s_of(a), _series_inverse(_s_of(b)))[:K]))])


@check("free_product_moments", points=0.25, aspect="symmetric", cases=[Case("discrete_mp0.3_K5")])
def test_free_product_symmetric(student, ref, case):
    """tau((AB)^k) = tau((BA)^k): the order of free factors does not matter."""
    a, b = _discrete_moments(5), _narayana_moments(0.3, 5)
    ab = expect_array(student.free_product_moments(a, b), (5,), "tau((AB)^k)")
    ba = expect_array(student.free_product_moments(b, a), (5,), "tau((BA)^k)")
    close(ba, ab, rtol=RTOL_SERIES, atol=0.0, name="tau((BA)^k) against your tau((AB)^k)")


@check("free_product_moments", points=0.25, aspect="errors", cases=[Case("lengths_3_4")])
def test_free_product_errors(student, ref, case):
    expect_raises(student.free_product_moments, ValueError, np.array([1.0, 2.0, 5.0]),
                  np.array([1.0, 2.0, 5.0, 14.0]))


# ===================================================== mean_jacobian_eigenvalue
_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(160)
_GH_W = _GH_W / math.sqrt(2 * math.pi)


def _fixed_point_gh(sw, sb, act):
    """q* by bisection on V(q) - q with Gauss-Hermite (accurate to ~1e-9 for q <= 5):
    used only to name slips."""
    phi = np.tanh if act == "tanh" else erf
    V = lambda q: sw * float(phi(math.sqrt(q) * _GH_Z) ** 2 @ _GH_W) + sb
    slope0 = sw * (1.0 if act == "tanh" else 4 / math.pi)
    if sb == 0 and slope0 <= 1:
        return 0.0
    lo, hi = 1e-12, sw + sb
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if V(mid) > mid else (lo, mid)
    return 0.5 * (lo + hi)


def _mean_dphi(q, act, power):
    u = math.sqrt(q) * _GH_Z
    d = 1 / np.cosh(u) ** 2 if act == "tanh" else 2 / math.sqrt(math.pi) * np.exp(-u * u)
    return float(d**power @ _GH_W)


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
        q = _fixed_point_gh(sw, sb, act)
        slips.append(Slip("the notes' printed (2.47), sigma_w^2L (E phi'(sqrt(q) z))^L: the square "
                          "belongs inside the expectation (ERRATA; (2.29) has it right)",
                          (sw * _mean_dphi(q, act, 1)) ** L))
        slips.append(Slip("chi_1 taken at q = 1 instead of the fixed point q*",
                          (sw * _mean_dphi(1.0, act, 2)) ** L))
    else:
        slips.append(Slip("chi_1 of relu is sigma_w^2 / 2 (E 1[z > 0] = 1/2)", sw**L if act == "relu" else (sw / 2) ** L))
    chi1 = want ** (1.0 / L)
    slips += [Slip("chi_1^(L+1): the Jacobian (2.44) has L factors W_l D_l", chi1 ** (L + 1)),
              Slip("chi_1^(L-1): the Jacobian (2.44) has L factors W_l D_l", chi1 ** (L - 1)),
              Slip("chi_1 itself, not raised to the depth L", chi1)]
    close(expect_scalar(got, "chi_1^L"), want, rtol=RTOL_CHI, atol=0.0, slips=slips, name="chi_1^L")


@check("mean_jacobian_eigenvalue", points=0.25, aspect="errors", cases=[
    Case("sigmoid", 1.0, 0.0, 3, "sigmoid")])
def test_mean_jacobian_errors(student, ref, case):
    expect_raises(student.mean_jacobian_eigenvalue, ValueError, *case.args)


# ===================================================== leaky_relu_spectral_sums
def _net(widths, seed):
    r = _rng(seed)
    ws = [r.standard_normal((widths[l + 1], widths[l])) * math.sqrt(2.0 / widths[l])
          for l in range(len(widths) - 1)]
    return ws, r.standard_normal(widths[0]), r.standard_normal(widths[-1])


def _sums_slip(ws, x, g, slope, how):
    """(q_forward, q_spectral, delta_backward, delta_spectral) with one slip reproduced."""
    act = (lambda h: np.where(h > 0, h, slope * h))
    dact = ((lambda h: (h > 0).astype(float)) if how == "relu_D" else
            (lambda h: np.where(h > 0, 1.0, slope)))
    h = ws[0] @ x
    h1 = h
    jac = ws[0] if how == "with_W0" else np.eye(h.size)
    ds = []
    for w in ws[1:]:
        ds.append(dact(h))
        jac = w @ (ds[-1][:, None] * jac)
        h = w @ act(h)
    back = g
    for w, d in zip(ws[:0:-1], ds[::-1]):
        back = d * (w.T @ back)
    lam, v = np.linalg.eigh(jac.T @ jac)
    mu, u = np.linalg.eigh(jac @ jac.T)
    n_out, n_in = jac.shape
    start = x if how == "with_W0" else h1
    qs = lam @ (v.T @ start) ** 2 / n_out
    ds_ = mu @ (u.T @ g) ** 2 / n_in
    if how == "no_projection":                 # (v_i^T h_1)^2 replaced by its mean |h_1|^2 / n_1
        qs = lam.sum() * (start @ start) / n_in / n_out
        ds_ = mu.sum() * (g @ g) / n_out / n_in
    return np.array([h @ h / n_out, qs, back @ back / n_in, ds_])


SUM_NETS = [Case("w5_7_6_4_slope0.2", [5, 7, 6, 4], 0.2), Case("w6_6_6_relu", [6, 6, 6], 0.0),
            Case("w4_8_5_3_slope-0.5", [4, 8, 5, 3], -0.5), Case("w5_5_5_5_linear", [5, 5, 5, 5], 1.0)]


@check("leaky_relu_spectral_sums", points=0.5, cases=SUM_NETS)
def test_leaky_relu_spectral_sums(student, ref, case):
    widths, slope = case.args
    ws, x, g = _net(widths, 101 + len(widths))
    got = expect_sequence(student.leaky_relu_spectral_sums(ws, x, g, slope), 4,
                          "(q_forward, q_spectral, delta_backward, delta_spectral)")
    got = np.array([float(expect_scalar(v, n)) for v, n in zip(got, ["q_forward", "q_spectral",
                                                                      "delta_backward", "delta_spectral"])])
    want = np.array(ref.leaky_relu_spectral_sums(ws, x, g, slope), dtype=float)
    slips = [Slip("J includes W_0: (2.44) starts at W_1 D_1, with h_1 = W_0 x as its input",
                  _sums_slip(ws, x, g, slope, "with_W0")),
             Slip("eigenvalues without their projections: (2.48)-(2.49) weight lambda_i by "
                  "(v_i^T h_1)^2", _sums_slip(ws, x, g, slope, "no_projection"))]
    if slope != 0.0:
        slips.insert(0, Slip("ReLU's D_l (0 for h <= 0) with a leaky slope: phi'(h) = slope there",
                             _sums_slip(ws, x, g, slope, "relu_D")))
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


# ----------------------------------------------------------------------- plots
def plot(student, ref, outdir):
    """Free convolutions: your eigenvalues, your density and your Stieltjes inversion over the reference's density."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
    for ax, (n, m, s) in zip(axes, [(200, 400, 0.2), (200, 200, 1.0), (150, 600, 2.0)]):
        c = n / m
        eig = np.concatenate([np.asarray(student.free_sum_eigenvalues(n, m, s, k)) for k in range(3)])
        x = np.linspace(-2 * math.sqrt(s) - 0.5, (1 + math.sqrt(c)) ** 2 + 2 * math.sqrt(s) + 0.5, 500)
        ax.hist(eig, bins=60, density=True, alpha=0.35, label="your eigenvalues")
        ax.plot(x, ref.free_convolution_density(x, s, c), "k-", label="reference density")
        ax.plot(x, np.asarray(student.free_convolution_density(x, s, c)), "r--", label="your density")
        ax.plot(x, np.asarray(student.stieltjes_inversion(eig, x, 0.05)), "g:", label="your inversion, eta 0.05")
        ax.set_title(f"MP({c:g}) boxplus semicircle({s:g})")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    files = [f"{outdir}/hw10_free_convolution.png"]
    fig.savefig(files[0], dpi=90)
    plt.close(fig)
    return files
