"""hw3 checks: spectra of random matrices and Jacobians (notes 2.2, (2.44)-(2.121))."""
import math
from fractions import Fraction

import numpy as np
from scipy import stats as st

from autograder.api import (Case, Slip, check, close, expect_array, expect_int, expect_raises,
                            expect_scalar, expect_sequence, fail, stats)

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
Z_TRACE = stats.z_of_ffp(1e-5)   # Wishart trace against its exact mean and sd


# ---------------------------------------------------------------- theory helpers
def _mp_edges(ratio):
    return (1 - math.sqrt(ratio)) ** 2, (1 + math.sqrt(ratio)) ** 2


def _mp_cdf(ratio):
    """Marchenko-Pastur CDF: x = c - d cos(theta) makes rho dx = d^2 sin^2 / (2 pi ratio x) dtheta
    smooth, so the trapezoid rule is accurate to ~1e-7 on 4000 panels."""
    a, b = _mp_edges(ratio)
    c, d = 0.5 * (a + b), 0.5 * (b - a)
    theta = np.linspace(0.0, np.pi, 4001)[1:]
    x = c - d * np.cos(theta)
    f = (d * np.sin(theta)) ** 2 / (2 * np.pi * ratio * x)
    x = np.concatenate([[a], x])
    f = np.concatenate([[d / (np.pi * ratio) if a == 0 else 0.0], f])
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * (np.pi / 4000))])
    cdf /= cdf[-1]
    return lambda t: np.interp(t, x, cdf, left=0.0, right=1.0)


def _pw_curve(L, phi):
    """(2.95) written out here, independent of any submission."""
    s0, s1, sL = np.sin(phi), np.sin((L + 1) * phi), np.sin(L * phi)
    return s1 ** (L + 1) / (s0 * sL**L), s0**2 * sL ** (L - 1) / (np.pi * s1**L)


def _pw_cdf(L):
    """CDF of the product Wishart law: dF = rho |dlam/dphi| dphi along (2.95)."""
    phi = np.linspace(0.0, np.pi / (L + 1), 8001)[1:-1]
    lam, rho = _pw_curve(L, phi)
    dlam = lam * ((L + 1) ** 2 / np.tan((L + 1) * phi) - 1 / np.tan(phi) - L**2 / np.tan(L * phi))
    f = rho * np.abs(dlam)
    tail = np.concatenate([np.cumsum((0.5 * (f[1:] + f[:-1]) * np.diff(phi))[::-1])[::-1], [0.0]])
    cdf = tail / tail[0]
    return lambda t: np.interp(t, lam[::-1], cdf[::-1], left=0.0, right=1.0)


def _ks_distance(sample, cdf):
    x = np.sort(np.asarray(sample, dtype=np.float64))
    f = cdf(x)
    i = np.arange(1, len(x) + 1)
    return float(max(np.max(i / len(x) - f), np.max(f - (i - 1) / len(x))))


def _pw_edge(L):
    return (L + 1) ** (L + 1) / L**L


def _gauss_legendre_01(nodes=400):
    t, w = np.polynomial.legendre.leggauss(nodes)
    return 0.5 * (t + 1), 0.5 * w


# ------------------------------------------------------------------ mp_density
def _mp_grid(ratio):
    a, b = _mp_edges(ratio)
    inside = a + (b - a) * np.array([0.001, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 0.999])
    # the edges themselves are left out: a submission whose b differs by an ulp returns
    # sqrt(ulp) ~ 1e-8 there, which is right; just outside the density must be 0
    return np.concatenate([[-1.0, 0.0], [a / 2, a * (1 - 1e-9)] if a > 0 else [],
                           inside, [b * (1 + 1e-9), b + 0.5, 10.0]])


def _mp_wrong(x, ratio, kind):
    x = np.asarray(x, dtype=float)
    a, b = _mp_edges(ratio)
    if kind == "edges_without_sqrt":
        a, b = (1 - ratio) ** 2, (1 + ratio) ** 2
    if kind == "inverted":                  # m/n where n/m belongs, everywhere
        a, b = (1 - math.sqrt(1 / ratio)) ** 2, (1 + math.sqrt(1 / ratio)) ** 2
    with np.errstate(all="ignore"):
        r = np.sqrt(np.clip((b - x) * (x - a), 0, None)) / (2 * np.pi * x)
        if kind == "ratio_on_top":
            r = r * ratio
        elif kind == "inverted":
            r = r * ratio
        elif kind != "no_ratio":
            r = r / ratio
    return np.where((x > a) & (x < b) & (x > 0), r, 0.0)


def _mp_slips(x, ratio):
    return [Slip("the 1/ratio in front of the density is missing: the density must integrate to 1",
                 _mp_wrong(x, ratio, "no_ratio")),
            Slip("ratio / (2 pi x) in front where (2.52) generalises to 1 / (2 pi ratio x): your values "
                 "are the reference's times ratio^2", _mp_wrong(x, ratio, "ratio_on_top")),
            Slip("the ratio inverted (m/n where ratio = n/m): edges (1 -+ sqrt(1/ratio))^2 and "
                 "prefactor ratio / (2 pi x)", _mp_wrong(x, ratio, "inverted")),
            Slip("the edges (1 -+ ratio)^2 instead of (1 -+ sqrt(ratio))^2",
                 _mp_wrong(x, ratio, "edges_without_sqrt"))]


@check("mp_density", points=0.5, cases=[
    Case("ratio_1", _mp_grid(1.0), 1.0),
    Case("ratio_0.25", _mp_grid(0.25), 0.25),
    Case("ratio_0.5", _mp_grid(0.5), 0.5),
])
def test_mp_density(student, ref, case):
    x, ratio = case.args
    got = student.mp_density(x, ratio)
    want = ref.mp_density(x, ratio)
    close(got, want, rtol=RTOL_CURVE, atol=1e-14, slips=_mp_slips(x, ratio), name="rho(x)")


@check("mp_density", points=0.5, aspect="normalised", cases=[Case("ratio_0.3", 0.3), Case("ratio_1", 1.0)])
def test_mp_density_moments(student, ref, case):
    """int rho = 1, int x rho = 1, int x^2 rho = 1 + ratio (Narayana), on the student's density."""
    (ratio,) = case.args
    a, b = _mp_edges(ratio)
    t, w = _gauss_legendre_01(200)
    theta = np.pi * t
    x = 0.5 * (a + b) - 0.5 * (b - a) * np.cos(theta)  # smooth integrand in theta
    rho = expect_array(student.mp_density(x, ratio), x.shape, "rho(x)")
    jac = np.pi * 0.5 * (b - a) * np.sin(theta)
    for k, want in enumerate([1.0, 1.0, 1.0 + ratio]):
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


@check("mp_density", points=0.5, aspect="errors", cases=[
    Case("ratio_0", 0.0), Case("ratio_1.5", 1.5)])
def test_mp_density_rejects_bad_ratio(student, ref, case):
    expect_raises(student.mp_density, ValueError, np.array([0.5, 1.0]), case.args[0])


# ----------------------------------------------------------- spectrum helpers
def _expect_spectrum(got, n, what):
    got = expect_array(got, (n,), what)
    if not np.all(np.isfinite(got)):
        fail(f"your {what} contain NaN or inf.")
    if got.min() < -EIG_NEG_TOL - EIG_NEG_REL * np.max(np.abs(got)):
        fail(f"your {what} include a negative value {got.min():.3g}; J J^T and W W^T are positive "
             f"semi-definite (round-off down to -1e-10 is allowed). Next: use np.linalg.eigvalsh "
             f"on the symmetric matrix, or the squared singular values.")
    return got


def _seeded(student_fn, args, seeds, n, what):
    """Call a seeded function at ``seeds`` (seed last); check determinism and seed use."""
    draws = [_expect_spectrum(student_fn(*args, s), n, what) for s in seeds]
    again = _expect_spectrum(student_fn(*args, seeds[0]), n, what)
    scale = max(float(np.max(np.abs(draws[0]))), 1e-300)  # spectra of deep nets can be tiny
    if not np.allclose(np.sort(again), np.sort(draws[0]), rtol=1e-10, atol=1e-12 * scale):
        fail(f"two calls with seed {seeds[0]} gave different {what}. Next: draw only from "
             "np.random.default_rng(seed), never from the global state or an unseeded generator.")
    first = np.sort(draws[0])
    if all(np.allclose(np.sort(d), first, rtol=1e-12, atol=1e-14 * scale) for d in draws[1:]):
        fail(f"every seed gave the same {what}: the seed is ignored (or nothing is random).")
    return draws


def _mann_whitney(name, mine, theirs, alpha, hint=""):
    """Exact two-sided Mann-Whitney test of per-seed features; fail when p <= alpha."""
    __tracebackhide__ = True
    mine, theirs = np.asarray(mine, float), np.asarray(theirs, float)
    p = st.mannwhitneyu(mine, theirs, alternative="two-sided", method="exact").pvalue
    if p > alpha:
        return
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
    draws = _seeded(student.wishart_eigenvalues, (n, m), seeds, n, "eigenvalues of W W^T")
    m1 = np.array([d.mean() for d in draws])
    hint = ""
    if abs(m1.mean() - m / n) < 0.05 * m / n and n != m:
        hint = "Its mean is m/n: the entries have variance 1/n instead of 1/m. "
    elif m1.mean() < 0.95 and abs(np.mean([np.mean(d**2) for d in draws]) - 1) < 0.05:
        hint = "These look like singular values of W: the eigenvalues of W W^T are their squares. "
    stats.z_check(m1.mean(), 1.0, math.sqrt(2.0 / (n * m * K_STUDENT)), Z_TRACE,
                  what="the mean eigenvalue tr(W W^T)/n over your seeds",
                  hint=hint + "Next: W has shape (n, m) and N(0, 1/m) entries.")
    cdf = _mp_cdf(n / m)
    mine = [_ks_distance(d, cdf) for d in draws]
    theirs = [_ks_distance(ref.wishart_eigenvalues(n, m, grader_seed + stats.REF_SEED_OFFSET + k), cdf)
              for k in range(K_REF)]
    _mann_whitney("the Kolmogorov distance of each draw's eigenvalues to Marchenko-Pastur "
                  f"(ratio {n / m:g})", mine, theirs, 0.9 * FFP_CASE,
                  "Next: W must have shape (n, m), not (n, n) or (m, m); return the n eigenvalues "
                  "of W W^T.")


# -------------------------------------------------------- product_wishart_curve
def _phi_grid(L):
    return np.pi / (L + 1) * np.array([0.005, 0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95, 0.99])


@check("product_wishart_curve", points=0.5, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_4", 4),
])
def test_product_wishart_curve(student, ref, case):
    (L,) = case.args
    phi = _phi_grid(L)
    got = expect_sequence(student.product_wishart_curve(L, phi), 2, "(lam, rho)")
    lam, rho = ref.product_wishart_curve(L, phi)
    lam_slips, rho_slips = [], []
    for wrong_L, text in ((L + 1, "L + 1 layers used where the depth is L"),
                          (L - 1, "L - 1 layers used where the depth is L")):
        if wrong_L >= 1:
            wl, wr = _pw_curve(wrong_L, phi)
            lam_slips.append(Slip(text, wl))
            rho_slips.append(Slip(text, wr))
    if _matches_pair(got, (rho, lam)):
        fail("you returned (rho, lam); the contract's order is (lam, rho).")
    close(got[0], lam, rtol=RTOL_CURVE, slips=lam_slips, name="lam(phi)")
    rho_slips.append(Slip("the 1/pi of (2.95) is missing", rho * np.pi))
    rho_slips.append(Slip("the notes' (2.94) before the substitution phi -> -phi: a minus sign", -rho))
    close(got[1], rho, rtol=RTOL_CURVE, slips=rho_slips, name="rho(lam(phi))")


def _matches_pair(got, want):
    try:
        return all(np.allclose(np.asarray(g, float), np.asarray(w, float), rtol=1e-8)
                   for g, w in zip(got, want))
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------ product_wishart_density
def _density_grid(L):
    e = _pw_edge(L)
    inside = e * np.array([1e-4, 0.003, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.9999])
    return np.concatenate([[-1.0, 0.0], inside, [e * (1 + 1e-9), 1.5 * e]])  # not e itself: see _mp_grid


@check("product_wishart_density", points=0.5, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_3", 3),
])
def test_product_wishart_density(student, ref, case):
    (L,) = case.args
    x = _density_grid(L)
    got = student.product_wishart_density(x, L)
    want = ref.product_wishart_density(x, L)
    slips = []
    for wrong_L, text in ((L + 1, "the density of depth L + 1"), (L - 1, "the density of depth L - 1")):
        if wrong_L >= 1:
            slips.append(Slip(text, ref.product_wishart_density(x, wrong_L)))
    g = np.asarray(got, dtype=np.float64) if isinstance(got, np.ndarray) else None
    if g is not None and g.shape == want.shape and np.all(np.isfinite(g)) and \
            np.allclose(g, want, rtol=1e-3, atol=1e-12) and not np.allclose(g, want, rtol=RTOL_ROOT, atol=1e-300):
        err = np.max(np.abs(g - want) / np.maximum(np.abs(want), 1e-300))
        fail(f"rho(x) at depth {L} is close to the reference but not accurate: max relative error "
             f"{err:.2g}, the check allows {RTOL_ROOT:g}. This looks like interpolation on a grid of "
             "angles (or a loose root-finder tolerance). Next: solve lam(phi) = x for each x to "
             "machine precision (bisection or scipy.optimize.brentq on (0, pi/(L+1))).")
    close(got, want, rtol=RTOL_ROOT, atol=1e-300, slips=slips, name="rho(x)")


@check("product_wishart_density", points=0.5, aspect="moments", cases=[
    Case("depth_2", 2)])
def test_product_wishart_density_moments(student, ref, case):
    """int x^k rho(x) dx = Fuss-Catalan(L, k), k = 0..3, on the student's density.

    Gauss-Legendre in t with x = u^(L+1), u = U (1 - t^2), U = edge^(1/(L+1)):
    smooth at both ends; 1e-10 on the reference."""
    (L,) = case.args
    t, w = _gauss_legendre_01(400)
    big_u = _pw_edge(L) ** (1 / (L + 1))
    u = big_u * (1 - t**2)
    x = u ** (L + 1)
    rho = expect_array(student.product_wishart_density(x, L), x.shape, "rho(x)")
    if not np.all(np.isfinite(rho)):
        fail("your density has NaN or inf inside the support (0, edge).")
    jac = (L + 1) * u**L * 2 * big_u * t
    for k in range(4):
        got = float(np.sum(w * rho * x**k * jac))
        want = math.comb((L + 1) * k, k) / (L * k + 1)
        if not abs(got - want) <= RTOL_MOMENT * want:
            fail(f"the moment int x^{k} rho(x) dx of your density at depth {L} is {got:.10g}; the "
                 f"Fuss-Catalan number is {want:g}. Next: plot your density against the curve "
                 f"(2.95), and check that solving lam(phi) = x picks phi in (0, pi/(L+1)).")


# --------------------------------------------------------- product_wishart_edge
@check("product_wishart_edge", points=0.25, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_5", 5),
])
def test_product_wishart_edge(student, ref, case):
    (L,) = case.args
    got = student.product_wishart_edge(L)
    close(got, ref.product_wishart_edge(L), rtol=RTOL_EXACT, slips=[
        Slip("(L+1)^L / L^L: the exponent L+1 of the numerator is off by one", (L + 1) ** L / L**L),
        Slip("the edge of depth L - 1 (L^L/(L-1)^(L-1)): L and L+1 swapped",
             L**L / (L - 1) ** (L - 1) if L > 1 else float("nan")),
        Slip("the large-L approximation e (L+1), not the exact edge", math.e * (L + 1)),
    ], name="edge")


# ----------------------------------------------------------------- fuss_catalan
FC_CASES = [
    Case("catalan_0_to_9", 1, list(range(10))),
    Case("depth_2_k_0_to_6", 2, list(range(7))),
    Case("depth_3_k_12", 3, [12]),
    Case("depth_5_k_40_beyond_int64", 5, [40]),
]


@check("fuss_catalan", points=0.25, cases=FC_CASES)
def test_fuss_catalan(student, ref, case):
    L, ks = case.args
    for k in ks:
        got = student.fuss_catalan(L, k)
        want = ref.fuss_catalan(L, k)
        expect_int(got, f"fuss_catalan({L}, {k})", python_int=True)
        if got == want:
            continue
        hints = {Fraction(math.comb((L + 1) * k, k), k + 1): "binom((L+1)k, k)/(k+1): the Catalan "
                 "denominator k+1 where Lk+1 belongs",
                 Fraction(math.comb(L * k, k), (L - 1) * k + 1) if L > 1 else None:
                     "the number of depth L - 1 (L and L+1 swapped)",
                 Fraction(math.comb((L + 2) * k, k), (L + 1) * k + 1): "the number of depth L + 1"}
        hint = next((text for value, text in hints.items() if value is not None and value == got), "")
        if not hint and abs(got - want) <= 1e-12 * want:
            hint = "it is off in the last digits only: float arithmetic rounded it"
        fail(f"fuss_catalan({L}, {k}) is {got}, expected {want}."
             + (f" This looks like: {hint}." if hint else "")
             + " Next: binom((L+1)k, k) // (Lk + 1) with math.comb, in exact integers.")


# ---------------------------------------------------------- relu_orthogonal_edge
@check("relu_orthogonal_edge", points=0.5, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_3", 3), Case("depth_5", 5),
])
def test_relu_orthogonal_edge(student, ref, case):
    (L,) = case.args
    got = student.relu_orthogonal_edge(L)
    want = ref.relu_orthogonal_edge(L)
    slips = [Slip("the edge of a Gaussian *linear* net, (L+1)^(L+1)/L^L, not the ReLU + orthogonal "
                  "one of (2.105)", _pw_edge(L)),
             Slip("the large-L form e L, not the exact edge", math.e * L)]
    if L == 1:
        got = expect_scalar(got, "edge")
        if np.isclose(float(got), 1.0) or not np.isfinite(float(got)):
            fail(f"relu_orthogonal_edge(1) is {got}: that is (2.121) at L = 1, where it reads "
                 "1 (1/0)^0 and means nothing. With one layer J J^T = 2 O D_1 O^T has eigenvalues "
                 "0 and 2 only (law (delta_0 + delta_2)/2), and inf M^{-1} of (2.105) is 2. "
                 "Next: treat L = 1 on its own.")
    else:
        slips.append(Slip("L (L/(L-1))^L: the exponent of (2.121) is L - 1", L * (L / (L - 1)) ** L))
    close(got, want, rtol=RTOL_EXACT, slips=slips, name="edge")


# ----------------------------------------------------------- jacobian_eigenvalues
def _log(x):
    return math.log(max(float(x), 1e-300))


FEATURES = {
    "log_m1": ("log of the mean eigenvalue tr(J J^T)/n", lambda e, ctx: _log(np.mean(e))),
    "log_m2": ("log of the second moment tr((J J^T)^2)/n", lambda e, ctx: _log(np.mean(e * e))),
    "log_top": ("log of the largest eigenvalue", lambda e, ctx: _log(np.max(e))),
    "ks_law": ("the Kolmogorov distance of each draw's eigenvalues to the product Wishart law (2.95)",
               lambda e, ctx: _ks_distance(e, ctx["cdf"])),
}


def _jacobian_hint(init, act, L, draws, ref_draws):
    """Name the likely slip from the student's spectra next to the reference's."""
    tips = []
    log_m1 = np.median([_log(d.mean()) for d in draws])
    ref_log_m1 = np.median([_log(r.mean()) for r in ref_draws])
    zero_frac = np.median([np.mean(d <= 1e-8 * max(d.max(), 1e-300)) for d in draws])
    slack = 0.35 * L ** 0.5
    if act == "relu" and abs(log_m1 - ref_log_m1 + L * math.log(2)) < slack:
        tips.append("The mean eigenvalue is about 2^-L times the reference's: sigma_w^2 = 1 with "
                    "ReLU; it must be 2 (He's factor) so that chi_1 = 1.")
    elif act == "relu" and abs(log_m1 - ref_log_m1 - L * math.log(2)) < slack and zero_frac < 0.2:
        tips.append("The mean eigenvalue is about 2^L times the reference's and J has full rank: the "
                    "D_l = diag(phi'(h_l)) factors are missing.")
    elif act == "relu" and abs(log_m1 - ref_log_m1 - L * math.log(2)) < slack:
        tips.append("The mean eigenvalue is about 2^L times the reference's although J has ReLU's "
                    "zero modes: D_l must be diag(phi'(h_l)), 0 or 1, not the post-activation "
                    "phi(h_l) = relu(h_l).")
    elif act == "relu" and abs(log_m1 - ref_log_m1 - math.log(2)) < 0.35:
        tips.append("The mean eigenvalue is about twice the reference's: one factor sigma_w^2 too "
                    "many. Is W_0 multiplied into J? It only makes h_1.")
    elif act == "relu" and init == "orthogonal" and ref_log_m1 - 15 < log_m1 < ref_log_m1 - 1.0:
        tips.append("The mean eigenvalue falls faster with depth than with Haar orthogonal weights "
                    "(for Haar weights E tr(J J^T)/n = 1 exactly at every depth): your orthogonal "
                    "matrices are not Haar distributed. Plain np.linalg.qr returns a Q whose "
                    "diagonal is biased negative; multiply column j of Q by sign(R[j, j]) "
                    "(or use scipy.stats.ortho_group).")
    if act == "linear" and init == "gaussian":
        pooled = np.concatenate(draws)
        dist = {d: _ks_distance(pooled, _pw_cdf(d)) for d in (L - 1, L, L + 1) if d >= 1}
        best = min(dist, key=dist.get)
        if best != L and dist[best] < 0.5 * dist[L]:
            tips.append(f"Your pooled spectrum fits the product Wishart law of depth {best} "
                        f"(distance {dist[best]:.3f}, against {dist[L]:.3f} for depth {L}): "
                        f"J = W_L D_L ... W_1 D_1 has L factors; W_0 only makes h_1.")
    return " ".join(tips) + (" " if tips else "") + "Next: J = W_L D_L ... W_1 D_1 with " \
        "D_l = diag(phi'(h_l)), h_1 = W_0 x, h_{l+1} = W_l phi(h_l); sigma_w^2 = 1 (linear) or 2 (relu)."


def _jacobian_case(student, ref, grader_seed, n, L, init, act, features, k_student, k_ref):
    seeds = [grader_seed + k for k in range(k_student)]
    draws = _seeded(lambda *a: student.jacobian_eigenvalues(*a), (n, L, init, act), seeds, n,
                    "eigenvalues of J J^T")
    ctx = {"cdf": _pw_cdf(L)} if "ks_law" in features else {}
    refs = [ref.jacobian_eigenvalues(n, L, init, act, grader_seed + stats.REF_SEED_OFFSET + k)
            for k in range(k_ref)]
    alpha = FFP_CASE / len(features)
    for f in features:
        label, fn = FEATURES[f]
        mine, theirs = [fn(d, ctx) for d in draws], [fn(r, ctx) for r in refs]
        p = st.mannwhitneyu(mine, theirs, alternative="two-sided", method="exact").pvalue
        if p <= alpha:
            _mann_whitney(label, mine, theirs, alpha, _jacobian_hint(init, act, L, draws, refs))


@check("jacobian_eigenvalues", points=1.0, aspect="isometry", cases=[
    Case("linear_orthogonal_L3", 50, 3)])
def test_jacobian_linear_orthogonal(student, ref, case, grader_seed):
    """Orthogonal weights make a linear net an isometry: every eigenvalue is exactly 1."""
    n, L = case.args
    for seed in (grader_seed, grader_seed + 1):
        got = _expect_spectrum(student.jacobian_eigenvalues(n, L, "orthogonal", "linear", seed), n,
                               "eigenvalues of J J^T")
        if np.allclose(got, 1.0, rtol=0, atol=1e-8):
            continue
        hint = ""
        if np.allclose(got, 2.0**L, rtol=1e-6):
            hint = " They are all 2^L: sigma_w^2 = 2 is for ReLU; a linear net takes 1."
        elif abs(np.mean(got) - 1) < 0.5:
            hint = (" They average about 1 but spread out: either the weights are not orthogonal, "
                    "or J picks up factors other than the W_l (for a linear net D_l = I, since "
                    "phi' = 1; phi(h) = h does not belong in J).")
        fail(f"with orthogonal weights a linear J is a product of orthogonal matrices, so every "
             f"eigenvalue of J J^T is 1; yours range from {got.min():.6g} to {got.max():.6g} "
             f"(seed {seed}).{hint} Next: sigma_w times a Haar orthogonal matrix, sigma_w = 1.")


# Per case: exact Mann-Whitney per feature at alpha = 1e-4 / (number of
# features), student seeds vs reference seeds: ffp <= 1e-4 per case.
JACOBIAN_CASES = [
    Case("linear_gaussian_L3", 100, 3, "gaussian", "linear", ["log_m1", "ks_law"]),
    Case("relu_gaussian_L3", 100, 3, "gaussian", "relu", ["log_m1", "log_m2", "log_top"]),
]


@check("jacobian_eigenvalues", points=1.0, aspect="spectrum", cases=JACOBIAN_CASES,
       stochastic=True, ffp=FFP_CASE, timeout=30)
def test_jacobian_spectrum(student, ref, case, grader_seed):
    n, L, init, act, features = case.args
    _jacobian_case(student, ref, grader_seed, n, L, init, act, features, K_STUDENT, K_REF)


# Haar or not: a deep narrow ReLU net with scaled orthogonal weights. For Haar
# weights E tr(J J^T)/n = 1 exactly at any width (flipping the sign of a row of
# W_l keeps its law and swaps D on that unit); plain Householder QR (no sign
# fix) makes it fall with depth: at n = 16, L = 64 the per-seed log m1 is
# ~ -10 +- 3.6 against ~ -5 +- 3.3 for Haar. The exact Mann-Whitney test of 18
# student draws against 36 reference draws at alpha = 1e-4 rejects plain QR
# with probability ~0.99 (0.975 at 16 v 32 and 1.0 at 20 v 40, over 400
# resamples of 400 draws each), and a correct solution with <= 1e-4.
K_HAAR = (18, 36)


@check("jacobian_eigenvalues", points=1.0, aspect="haar", cases=[Case("relu_orthogonal_n16_L64", 16, 64)],
       stochastic=True, ffp=FFP_CASE, timeout=30)
def test_jacobian_haar(student, ref, case, grader_seed):
    n, L = case.args
    _jacobian_case(student, ref, grader_seed + 500, n, L, "orthogonal", "relu", ["log_m1"], *K_HAAR)


@check("jacobian_eigenvalues", points=0.5, aspect="errors", cases=[
    Case("tanh", 10, 2, "gaussian", "tanh"), Case("uniform_init", 10, 2, "uniform", "relu")])
def test_jacobian_rejects_unknown(student, ref, case):
    expect_raises(student.jacobian_eigenvalues, ValueError, *case.args, 0)


# ----------------------------------------------------------------------- plots
def plot(student, ref, outdir):
    """MP histograms, product Wishart densities, and four Jacobian spectra: yours over the reference."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.5))
    for ax, ratio in zip(axes, (0.25, 0.5, 1.0)):
        n = 200
        m = int(n / ratio)
        eig = np.concatenate([np.asarray(student.wishart_eigenvalues(n, m, s)) for s in range(3)])
        x = np.linspace(1e-3, _mp_edges(ratio)[1] * 1.05, 400)
        ax.hist(eig, bins=60, density=True, alpha=0.4, label="your eigenvalues")
        ax.plot(x, ref.mp_density(x, ratio), "k-", label="reference density")
        ax.plot(x, np.asarray(student.mp_density(x, ratio)), "r--", label="your density")
        ax.set_ylim(0, 1.3 * ref.mp_density(x, ratio)[x > 0.05].max())
        ax.set_title(f"Marchenko-Pastur, n/m = {ratio}")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    files.append(f"{outdir}/hw3_marchenko_pastur.png")
    fig.savefig(files[-1], dpi=90)
    plt.close(fig)

    fig, axes = plt.subplots(1, 5, figsize=(20, 3.5))
    for ax, L in zip(axes, range(1, 6)):
        e = _pw_edge(L)
        x = np.linspace(e * 1e-3, e * 1.02, 400)
        eig = np.concatenate([np.asarray(student.jacobian_eigenvalues(200, L, "gaussian", "linear", s))
                              for s in range(3)])
        ax.hist(eig, bins=np.linspace(0, 1.05 * e, 60), density=True, alpha=0.4, label="your J J^T")
        ax.plot(x, ref.product_wishart_density(x, L), "k-", label="reference")
        ax.plot(x, np.asarray(student.product_wishart_density(x, L)), "r--", label="your density")
        ax.set_ylim(0, 1.0)
        ax.set_title(f"product Wishart, L = {L}")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    files.append(f"{outdir}/hw3_product_wishart.png")
    fig.savefig(files[-1], dpi=90)
    plt.close(fig)

    fig, axes = plt.subplots(1, 4, figsize=(17, 3.5))
    for ax, (act, init) in zip(axes, [("linear", "gaussian"), ("linear", "orthogonal"),
                                      ("relu", "gaussian"), ("relu", "orthogonal")]):
        mine = np.concatenate([np.asarray(student.jacobian_eigenvalues(150, 4, init, act, s)) for s in range(3)])
        theirs = np.concatenate([ref.jacobian_eigenvalues(150, 4, init, act, 10_000 + s) for s in range(3)])
        top = max(2.0, 1.05 * max(mine.max(), theirs.max()))
        bins = np.linspace(0, top, 60)
        ax.hist(theirs[theirs > 1e-8], bins=bins, density=True, histtype="step", color="k", label="reference")
        ax.hist(mine[mine > 1e-8], bins=bins, density=True, alpha=0.4, label="yours")
        ax.set_title(f"{act}, {init}, L = 4 (nonzero eigenvalues)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    files.append(f"{outdir}/hw3_jacobian_spectra.png")
    fig.savefig(files[-1], dpi=90)
    plt.close(fig)
    return files
