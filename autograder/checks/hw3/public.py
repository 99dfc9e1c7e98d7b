"""hw3 checks: spectra of random matrices and Jacobians (notes 2.2, (2.44)-(2.121)).

This file holds the checks of mp_density and wishart_eigenvalues and what the
stochastic checks share; those of the product Wishart law, the Fuss-Catalan
numbers and the ReLU-orthogonal edge are in ``public_product_wishart.py``,
those of jacobian_eigenvalues in ``public_jacobian.py``. ``theory.py`` holds
the laws they compare with, ``plot.py`` the plots. The hidden cases are in
``hidden.py`` (not shipped to students).
"""
import math

import numpy as np

from autograder.api import Case, Slip, check, close, expect_array, expect_seed_used, fail, rejects, stats
from autograder.checks.hw3.theory import gauss_legendre_01, ks_distance, mp_cdf, mp_edges, mp_moments

TITLE = "Spectra: Marchenko-Pastur, product Wishart, orthogonal init"
FUNCTIONS = ["mp_density", "wishart_eigenvalues", "product_wishart_curve",
             "product_wishart_density", "product_wishart_edge", "fuss_catalan",
             "jacobian_eigenvalues", "relu_orthogonal_edge"]

#: graded functions each one calls (as the reference does): a failing one is
#: named as the likely cause of its callers' failures (plugin.py)
DEPENDS = {
    "product_wishart_density": ("product_wishart_curve", "product_wishart_edge"),
}


RTOL_EXACT = 1e-12     # closed forms: float64 round-off only
RTOL_CURVE = 1e-10     # (2.95): products of sines, written in other orders or through logs
RTOL_ROOT = 1e-8       # rho(x) after solving lam(phi) = x: brentq's default xtol (2e-12 on phi)
                       # moves rho by <= 1e-10 relative on the grids below; 100x margin
RTOL_MOMENT = 1e-7     # moments of the student's density by 400-node Gauss-Legendre (1e-10 on
                       # the reference) plus RTOL_ROOT-sized errors integrated
EIG_NEG_TOL = 1e-10    # the contract allows round-off negatives down to -1e-10
EIG_NEG_REL = 1e-12    # plus eigvalsh's round-off relative to the largest eigenvalue (deep nets)

# Stochastic checks. A correct submission draws in its own order, so its
# spectra are compared with the reference's at other seeds through per-seed
# statistics (features) and an exact two-sided Mann-Whitney test per feature:
# under a correct submission the student's and the reference's per-seed
# features are iid from one continuous law, so P(p <= alpha) <= alpha exactly,
# whatever the dependence between eigenvalues of one draw. A case with F
# features tests each at alpha = FFP_CASE / F (Bonferroni): ffp <= FFP_CASE.
FFP_CASE = 1e-4
K_STUDENT = 10         # seeds of the student's draws per case
K_REF = 14             # seeds of the reference's draws: 2/binom(24, 10) = 1.0e-6 is the smallest
                       # p-value, so a clean separation is rejected even at alpha = 2.5e-5
FFP_TRACE = 1e-5   # Wishart trace against its exact mean and sd: a z-test at stats.z_of_ffp(1e-5)


# ------------------------------------------------------------------ mp_density
def mp_grid(ratio):
    a, b = mp_edges(ratio)
    inside = a + (b - a) * np.array([0.001, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 0.999])
    # the edges themselves are left out: a submission whose b differs by an ulp returns
    # sqrt(ulp) ~ 1e-8 there, which is right; just outside the density must be 0
    return np.concatenate([[-1.0, 0.0], [a / 2, a * (1 - 1e-9)] if a > 0 else [],
                           inside, [b * (1 + 1e-9), b + 0.5, 10.0]])


def mp_slips(ref, x, ratio):
    return [Slip("the 1/ratio in front of the density is missing: the density must integrate to 1",
                 ref.slipgen.mp_wrong(x, ratio, "no_ratio")),
            Slip("ratio / (2 pi x) in front where (2.52) generalises to 1 / (2 pi ratio x): your values "
                 "are the reference's times ratio^2", ref.slipgen.mp_wrong(x, ratio, "ratio_on_top")),
            Slip("the ratio inverted (m/n where ratio = n/m): edges (1 -+ sqrt(1/ratio))^2 and "
                 "prefactor ratio / (2 pi x)", ref.slipgen.mp_wrong(x, ratio, "inverted")),
            Slip("the edges (1 -+ ratio)^2 instead of (1 -+ sqrt(ratio))^2",
                 ref.slipgen.mp_wrong(x, ratio, "edges_without_sqrt"))]


@check("mp_density", points=0.5, cases=[
    Case("ratio_1", mp_grid(1.0), 1.0),
    Case("ratio_0.25", mp_grid(0.25), 0.25),
    Case("ratio_0.5", mp_grid(0.5), 0.5),
])
def test_mp_density(student, ref, case):
    x, ratio = case.args
    got = student.mp_density(x, ratio)
    want = ref.mp_density(x, ratio)
    close(got, want, rtol=RTOL_CURVE, atol=1e-14, slips=mp_slips(ref, x, ratio), name="rho(x)")


@check("mp_density", points=0.5, aspect="normalised", cases=[Case("ratio_0.3", 0.3), Case("ratio_1", 1.0)])
def test_mp_density_moments(student, ref, case):
    """int rho = 1, int x rho = 1, int x^2 rho = 1 + ratio (Narayana), on the student's density."""
    (ratio,) = case.args
    a, b = mp_edges(ratio)
    t, w = gauss_legendre_01(200)
    theta = np.pi * t
    x = 0.5 * (a + b) - 0.5 * (b - a) * np.cos(theta)  # smooth integrand in theta
    rho = expect_array(student.mp_density(x, ratio), x.shape, "rho(x)")
    jac = np.pi * 0.5 * (b - a) * np.sin(theta)
    for k, want in enumerate(mp_moments(ratio)):
        got = float(np.sum(w * rho * x**k * jac))
        if not abs(got - want) <= 1e-8 * want:
            extra = ""
            if k == 0 and abs(got - ratio) < 1e-6:
                extra = " It integrates to the ratio: the 1/ratio factor is missing."
            elif k == 0 and abs(got - ratio ** 2) < 1e-6:
                extra = (" It integrates to ratio^2: ratio / (2 pi x) in front where 1 / (2 pi ratio x) "
                         "belongs.")
            fail(f"the moment int x^{k} rho(x) dx of your density at ratio {ratio} is {got:.10g}; "
                 f"Marchenko-Pastur has {want:.10g}.{extra} Next: compare your formula with "
                 f"(2.52) at ratio 1 and check that it integrates to 1.")


# the ratio n/m must lie in (0, 1]; the density is asked at two fixed points
test_mp_density_rejects_bad_ratio = rejects("mp_density", ValueError, points=0.5, cases=[
    Case("ratio_0", np.array([0.5, 1.0]), 0.0), Case("ratio_1.5", np.array([0.5, 1.0]), 1.5),
])


# ----------------------------------------------------------- spectrum helpers
def expect_spectrum(got, n, what):
    got = expect_array(got, (n,), what)
    if not np.all(np.isfinite(got)):
        fail(f"your {what} contain NaN or inf.")
    if got.min() < -EIG_NEG_TOL - EIG_NEG_REL * np.max(np.abs(got)):
        fail(f"your {what} include a negative value {got.min():.3g}; J J^T and W W^T are positive "
             f"semi-definite (round-off down to -1e-10 is allowed). Next: use np.linalg.eigvalsh "
             f"on the symmetric matrix, or the squared singular values.")
    return got


def seeded_spectra(student_fn, args, seeds, n, what):
    """Call a seeded function at ``seeds`` (seed last); check determinism and seed use."""
    draws = [expect_spectrum(student_fn(*args, s), n, what) for s in seeds]
    again = expect_spectrum(student_fn(*args, seeds[0]), n, what)
    scale = max(float(np.max(np.abs(draws[0]))), 1e-300)  # spectra of deep nets can be tiny
    # same seed, same spectrum to round-off: an absolute tolerance for the zero modes, which
    # expect_reproducible (relative only) does not take; the message names the seed
    if not np.allclose(np.sort(again), np.sort(draws[0]), rtol=1e-10, atol=1e-12 * scale):
        fail(f"two calls with seed {seeds[0]} gave different {what}. Next: draw only from "
             "np.random.default_rng(seed), never from the global state or an unseeded generator.")
    first = np.sort(draws[0])
    expect_seed_used([first] * (len(draws) - 1), [np.sort(d) for d in draws[1:]], what, rtol=1e-12,
                     message=f"every seed gave the same {what}: the seed is ignored (or nothing is random).")
    return draws


def fail_mann_whitney(name, mine, theirs, p, alpha, hint=""):
    """The verdict of an exact Mann-Whitney test of per-seed features that rejected at ``alpha``."""
    __tracebackhide__ = True
    mine, theirs = np.asarray(mine, float), np.asarray(theirs, float)
    fail(f"{name}: over your {len(mine)} seeds it has median {np.median(mine):.4g} "
         f"(range {mine.min():.4g} to {mine.max():.4g}); the reference's {len(theirs)} draws at "
         f"other seeds have median {np.median(theirs):.4g} (range {theirs.min():.4g} to "
         f"{theirs.max():.4g}). Mann-Whitney p = {p:.1e}, the check fails below {alpha:.1e} "
         f"(a correct solution fails this case with probability <= {FFP_CASE:.0e}). "
         + (hint or "Next: compare your construction step by step with the task."))


# ------------------------------------------------------------ wishart_eigenvalues
WISHART_CASES = [
    Case("n100_m200", 100, 200),
    Case("n80_m80", 80, 80),
]


# The trace tr(W W^T)/n is (1/(n m)) times a chi-square with n m degrees of
# freedom: mean 1 and sd sqrt(2/(n m)) per draw, exactly. The K-seed mean is
# z-tested (ffp 1e-5); the per-seed Kolmogorov distance to the Marchenko-Pastur
# law is compared with the reference's by Mann-Whitney (alpha 9e-5). ffp <= 1e-4.
@check("wishart_eigenvalues", points=1.0, cases=WISHART_CASES, stochastic=True, ffp=FFP_CASE)
def test_wishart_eigenvalues(student, ref, case, grader_seed):
    n, m = case.args
    seeds = [grader_seed + k for k in range(K_STUDENT)]
    draws = seeded_spectra(student.wishart_eigenvalues, (n, m), seeds, n, "eigenvalues of W W^T")
    m1 = np.array([d.mean() for d in draws])
    hint = ""
    if abs(m1.mean() - m / n) < 0.05 * m / n and n != m:
        hint = "Its mean is m/n: the entries have variance 1/n instead of 1/m. "
    elif m1.mean() < 0.95 and abs(np.mean([np.mean(d**2) for d in draws]) - 1) < 0.05:
        hint = "These look like singular values of W: the eigenvalues of W W^T are their squares. "
    stats.z_check(m1.mean(), 1.0, math.sqrt(2.0 / (n * m * K_STUDENT)), stats.z_of_ffp(FFP_TRACE),
                  what="the mean eigenvalue tr(W W^T)/n over your seeds",
                  hint=hint + "Next: W has shape (n, m) and N(0, 1/m) entries.")
    cdf = mp_cdf(n / m)
    mine = [ks_distance(d, cdf) for d in draws]
    theirs = [ks_distance(ref.wishart_eigenvalues(n, m, grader_seed + stats.REF_SEED_OFFSET + k), cdf)
              for k in range(K_REF)]
    alpha = 0.9 * FFP_CASE
    p = stats.two_sample(mine, theirs, "mann-whitney", method="exact")
    if p <= alpha:
        fail_mann_whitney("the Kolmogorov distance of each draw's eigenvalues to Marchenko-Pastur "
                          f"(ratio {n / m:g})", mine, theirs, p, alpha,
                          "Next: W must have shape (n, m), not (n, n) or (m, m); return the n eigenvalues "
                          "of W W^T.")
