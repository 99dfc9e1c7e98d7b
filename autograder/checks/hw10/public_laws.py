"""hw10's public checks of the laws (notes (2.61)-(2.77), (2.84)): law_stieltjes, r_transform,
free_convolution_density and free_sum_eigenvalues."""
import math

import numpy as np

from autograder.api import (Case, Slip, check, close, expect_array, expect_reproducible, expect_seed_used, fail,
                            rejects, stats)

from autograder.checks.hw10.public import (ATOL_DENSITY, FFP_CASE, K_REF, K_STUDENT, RTOL_DENSITY, RTOL_EXACT,
                                           RTOL_LAW, SEED_ADVICE, TOL_MASS, TOL_RG, Z_TRACE, close_complex,
                                           expect_complex)


# =============================================================== law_stieltjes
def law_points(kind, param):
    """Points in both half planes and on the real axis outside the support, |z| <= 20."""
    if kind == "semicircle":
        r = 2 * math.sqrt(param)
        real = [-r - 1.0, -r * 1.001, r * 1.5, 20.0]
    else:
        a, b = (1 - math.sqrt(param)) ** 2, (1 + math.sqrt(param)) ** 2
        real = [-1.0, b + 0.5, 15.0] + ([a / 2] if a > 1e-3 else [-0.01])
    return np.array([0.5 + 1j, -1.5 + 0.2j, 1.0 + 0.01j, 3 - 0.5j, -0.3 - 2j, 0.2 - 0.01j,
                     12 + 15j, -7 - 0.1j] + real, dtype=complex).reshape(3, 4)


LAW_CASES = [Case("semicircle_1", "semicircle", 1.0), Case("semicircle_0.3", "semicircle", 0.3),
             Case("mp_1", "mp", 1.0), Case("mp_0.25", "mp", 0.25)]


@check("law_stieltjes", points=0.5, cases=LAW_CASES)
def test_law_stieltjes(student, ref, case):
    kind, p = case.args
    z = law_points(kind, p)
    got = expect_complex(student.law_stieltjes(kind, z, p), z.shape, "G(z)")
    want = ref.law_stieltjes(kind, z, p)
    close_complex(got, want, RTOL_LAW, 1e-14, slips=[
        ("sqrt of the product (z - a)(z - b) (principal branch): its cut is not the support, so "
         "G jumps to the wrong root in part of the plane. Use sqrt(z - a) * sqrt(z - b)",
         ref.slipgen.law_wrong(kind, z, p, "principal")),
        ("the other root of the quadratic (+ sqrt): G must decay like 1/z at infinity",
         ref.slipgen.law_wrong(kind, z, p, "plus"))])


@check("law_stieltjes", points=0.25, aspect="asymptotics", cases=[
    Case("semicircle_2", "semicircle", 2.0)])
def test_law_stieltjes_decay(student, ref, case):
    """z G(z) -> 1 at infinity (the law has mass 1), in every direction."""
    kind, p = case.args
    z = 1e4 * np.exp(1j * np.array([0.3, 1.5, 2.5, -0.2, -1.6, -3.0]))
    got = expect_complex(student.law_stieltjes(kind, z, p), z.shape, "G(z)")
    bad = np.abs(z * got - 1) > 1e-3
    if bad.any():
        k = int(np.argmax(bad))
        fail(f"z G(z) at z = {z[k]:.4g} is {z[k] * got[k]:.4g}; a probability law has G(z) ~ 1/z "
             f"in every direction. Next: pick the branch of the square root with "
             f"sqrt(z - a) * sqrt(z - b) ~ z at infinity.")


# law_stieltjes(kind, z, param): an unknown law, a parameter outside its range
LAW_ERROR_Z = np.array([1 + 1j])
test_law_stieltjes_errors = rejects("law_stieltjes", ValueError, points=0.25, cases=[
    Case("kind_gaussian", "gaussian", LAW_ERROR_Z, 1.0), Case("semicircle_0", "semicircle", LAW_ERROR_Z, 0.0)])


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
    texts = (["R(w) = sqrt(s) w: s is a variance", "R(w) = s w^2"] if kind == "semicircle" else
             ["1/(1 + c w): the sign in the denominator",
              "c/(1 - c w): the R-transform of c times a free Poisson law, whose mean is c, not 1",
              "z(w) = R(w) + 1/w returned instead of R(w) (2.76)"])
    slips = list(zip(texts, ref.slipgen.r_slips(kind, w, p)))
    if cplx:
        got = expect_complex(got, w.shape, "R(w)")
        close_complex(got, want, RTOL_EXACT, 1e-15, slips=slips, what="R(w)")
    else:
        close(got, want, rtol=RTOL_EXACT, atol=1e-15, name="R(w)",
              slips=[Slip(t, np.real(v)) for t, v in slips])


@check("r_transform", points=0.5, aspect="inverts_G", cases=[
    Case("semicircle_0.6", "semicircle", 0.6), Case("mp_0.4", "mp", 0.4)])
def test_r_transform_inverts_G(student, ref, case):
    """(2.77) with the student's own two functions: R(G(z)) + 1/G(z) = z."""
    kind, p = case.args
    z = np.array([0.5 + 1j, -1 + 0.5j, 2 - 0.3j, 4 + 4j, -3 - 1j])
    g = expect_complex(student.law_stieltjes(kind, z, p), z.shape, "G(z)")
    r = expect_complex(student.r_transform(kind, g, p), z.shape, "R(G(z))")
    err = np.abs(r + 1 / g - z) / np.abs(z)
    if np.all(err <= TOL_RG):
        return
    k = int(np.argmax(err))
    fail(f"R(G(z)) + 1/G(z) should equal z (2.77); at z = {z[k]:.4g} your two functions give "
         f"{r[k] + 1 / g[k]:.6g}. Next: check law_stieltjes and r_transform on the same law "
         "and parameter; one of them is off.")


# ==================================================== free_convolution_density
def density_grid(s, c):
    lo = -2 * math.sqrt(s) - 0.5
    hi = (1 + math.sqrt(c)) ** 2 + 2 * math.sqrt(s) + 0.5
    return np.linspace(lo, hi, 23)[1:-1]


FC_CASES = [Case("var0.5_ratio0.5", 0.5, 0.5), Case("var1_ratio1", 1.0, 1.0),
            Case("var0.1_ratio0.2", 0.1, 0.2), Case("var0_ratio0.5_mp", 0.0, 0.5)]


@check("free_convolution_density", points=0.5, cases=FC_CASES)
def test_free_convolution_density(student, ref, case):
    s, c = case.args
    x = density_grid(s, c)
    want = ref.free_convolution_density(x, s, c)
    got = student.free_convolution_density(x, s, c)
    slips = []
    if s > 0:
        slips = [Slip("the two densities added: free convolution adds R-transforms (2.76), not "
                      "densities", ref.slipgen.densities_added(x, s, c)),
                 Slip("z_X + z_Y without the -1/G of (2.75): the R-transforms must add, not the "
                      "inverses of G", ref.slipgen.cubic_density(x, s, c, 2.0)),
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


# free_convolution_density(x, variance, ratio) outside 0 < ratio <= 1, variance >= 0
FC_ERROR_X = np.array([0.5, 1.0])
test_free_convolution_errors = rejects("free_convolution_density", ValueError, points=0.25, cases=[
    Case("ratio_0", FC_ERROR_X, 1.0, 0.0), Case("ratio_1.5", FC_ERROR_X, 1.0, 1.5)])


# ======================================================== free_sum_eigenvalues
def ks_distance(sample, grid, cdf):
    """Kolmogorov distance of a sample's empirical cdf to ``cdf`` tabulated on ``grid``."""
    x = np.sort(np.asarray(sample, dtype=np.float64))
    f = np.interp(x, grid, cdf, left=0.0, right=1.0)
    i = np.arange(1, len(x) + 1)
    return float(max(np.max(i / len(x) - f), np.max(f - (i - 1) / len(x))))


def expect_spectrum(got, n):
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
    draws = [expect_spectrum(student.free_sum_eigenvalues(n, m, s, sd), n) for sd in seeds]
    again = expect_spectrum(student.free_sum_eigenvalues(n, m, s, seeds[0]), n)
    expect_reproducible(np.sort(draws[0]), np.sort(again), "eigenvalues", advice=SEED_ADVICE, rtol=1e-10)
    expect_seed_used([np.sort(d) for d in draws[1:]], [np.sort(draws[0])] * (len(draws) - 1), rtol=1e-5,
                     message="every seed gave the same eigenvalues: the seed is ignored.")
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
    mine = [ks_distance(d, grid, cdf) for d in draws]
    theirs = [ks_distance(ref.free_sum_eigenvalues(n, m, s, grader_seed + stats.REF_SEED_OFFSET + k),
                           grid, cdf) for k in range(K_REF)]
    p = stats.two_sample(mine, theirs, "mann-whitney", method="exact")
    if p <= 0.9 * FFP_CASE:
        fail(f"the Kolmogorov distance of each draw's eigenvalues to MP({n / m:g}) boxplus "
             f"semicircle({s:g}): median {np.median(mine):.4g} over your seeds, "
             f"{np.median(theirs):.4g} over the reference's draws at other seeds; Mann-Whitney "
             f"p = {p:.1e}, the check fails below {0.9 * FFP_CASE:.1e} (ffp <= {FFP_CASE:.0e}). "
             + hint + "Next: X is Wigner with N(0, 1/n) entries on and above the diagonal, "
             "independent of W.")


