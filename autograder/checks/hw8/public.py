"""hw8 checks: generalization bounds (notes, chapter 4).

Deterministic functions are compared with the reference on grader-supplied
inputs to float64 round-off. The Monte Carlo Rademacher estimates are compared
as statistics over seeds with an exact enumeration over all 2^m sign vectors
(a hidden helper, see below); the bounds that must hold are checked by simulation. Known
slips are recomputed independently of the reference, to name them, by the
hidden helpers in ``slipgen.py`` (``ref.slipgen``), which the student
wheel leaves out.

The checks of spectral_complexity, neyshabur_bound, mcallester_bound,
kl_diag_gaussians and dziugaite_roy_bound are in ``public_bounds.py``; the
closed forms the checks use in ``theory.py``; the helpers both check modules
share in ``diagnosis.py``.
"""
import math

import numpy as np
from scipy import stats as st

from autograder.api import (Case, Slip, check, close, expect_int, expect_reproducible, expect_scalar,
                            expect_seed_used, fail, rejects)
from autograder.checks.hw8.diagnosis import N_MC, N_SEEDS_MC, mc_verdict, two_numbers
from autograder.checks.hw8.theory import spread_band, threshold_risk

TITLE = "Generalization bounds: VC, Rademacher, spectral complexity, PAC-Bayes"
FUNCTIONS = ["finite_class_bound", "sauer_bound", "vc_bound", "rademacher_linear",
             "rademacher_finite", "spectral_complexity", "neyshabur_bound", "mcallester_bound",
             "kl_diag_gaussians", "dziugaite_roy_bound"]

#: graded functions each one calls (as the reference does): a failing one is
#: named as the likely cause of its callers' failures (plugin.py)
DEPENDS = {
    "neyshabur_bound": ("spectral_complexity",),
    "dziugaite_roy_bound": ("kl_diag_gaussians",),
}


RTOL_EXACT = 1e-12   # closed forms on grader-supplied inputs: float64 round-off only
RTOL_STRUCT = 1e-10  # a property relating two of your own values (rescaled nets: SVDs of other matrices)
ATOL_KL = 1e-12      # KL near 0: e^t - 1 - t evaluated directly loses ~1e-16 per coordinate
ATOL_RISK = 1e-12    # a Gibbs risk is a mean of Phi values, each exact to ~1e-16


# ================================================================ finite_class_bound
@check("finite_class_bound", points=0.5, cases=[
    Case("one_hypothesis_m100", 100, 0.05),
    Case("F50_m1000", 1000, 0.01, 50),
])
def test_finite_class_bound(student, ref, case):
    got = student.finite_class_bound(*case.args, **case.kwargs)
    want = ref.finite_class_bound(*case.args, **case.kwargs)
    m, delta, n = (list(case.args) + [case.kwargs[k] for k in ("m", "delta", "n_hypotheses")
                                      if k in case.kwargs] + [1])[:3]
    texts = ["the 2 of 2m dropped: Hoeffding (4.5) has exp(-2 m eps^2)",
             "log|F| left out: the union bound (4.8) multiplies the tail by |F|",
             "|F| where log|F| belongs (4.9)"]
    slips = [Slip(t, v) for t, v in zip(texts, ref.slipgen.finite_slips(m, delta, n))]
    close(got, want, rtol=RTOL_EXACT, slips=slips)


test_finite_class_bound_errors = rejects("finite_class_bound", ValueError, points=0.25, cases=[
    Case("delta_0", 10, 0.0), Case("delta_1", 10, 1.0), Case("m_0", 0, 0.1),
])


# x ~ U[0, 1], y = sign(x - 1/2), f_t(x) = sign(x - t) for 20 thresholds t:
# R(f_t) = |t - 1/2| and R̂(f_t) is the fraction of points between t and 1/2.
# Over 2000 samples the count of sup_t (R - R̂) >= bound must not exceed the
# (1 - 1e-6) quantile of Binomial(2000, delta): for a valid bound (failure
# rate <= delta) the false-failure probability is <= 1e-6.
HOLD_REPS, HOLD_M, HOLD_DELTA, HOLD_T = 2000, 40, 0.1, np.linspace(0.0, 1.0, 20)


@check("finite_class_bound", points=1.0, aspect="holds", stochastic=True, ffp=1e-6,
       cases=[Case("thresholds_m40")])
def test_finite_class_bound_holds(student, ref, case, grader_seed):
    eps = expect_scalar(student.finite_class_bound(HOLD_M, HOLD_DELTA, len(HOLD_T)))
    x = np.random.default_rng(grader_seed).random((HOLD_REPS, HOLD_M))
    lo, hi = np.minimum(HOLD_T, 0.5), np.maximum(HOLD_T, 0.5)
    emp = np.mean((x[:, :, None] > lo) & (x[:, :, None] < hi), axis=1)
    gap = np.max(threshold_risk(HOLD_T) - emp, axis=1)
    fails = int(np.sum(gap >= eps))
    limit = st.binom.isf(1e-6, HOLD_REPS, HOLD_DELTA)
    if fails > limit:
        fail(f"your bound {eps:.4g} (m={HOLD_M}, delta={HOLD_DELTA}, |F|={len(HOLD_T)}) failed on "
             f"{fails} of {HOLD_REPS} simulated samples of 20 thresholds on [0, 1]; a valid bound fails "
             f"on at most a fraction delta (here at most {int(limit)} allowing for chance, false-failure "
             "probability 1e-6). Your bound is too small. Next: compare with (4.9).")


# ================================================================ sauer_bound
@check("sauer_bound", points=0.5, cases=[
    Case("m10_d3", 10, 3),
    Case("m1000_d50", 1000, 50),
    Case("m8_d12_m_below_d", 8, 12),
])
def test_sauer_bound(student, ref, case):
    m, d = case.args
    got = expect_int(student.sauer_bound(m, d), python_int=True)
    want = ref.sauer_bound(m, d)
    # computed before the verdict, so that public fixtures record them
    slips = list(zip(("the sum stops at k = d - 1 (Lemma 7 sums k = 0..d)", "the sum runs to k = d + 1",
                      "2^m whatever d", "binom(m, d) alone, not the sum over k <= d"),
                     ref.slipgen.sauer_slips(m, d)))
    if got == want:
        return
    hint = next((f"This looks like: {text}. " for text, v in slips if v == got and v != want), "")
    fail(f"sauer_bound({m}, {d}) = {got}, expected {want} (exact). "
         + hint + "Next: add binom(m, k) for k = 0..min(d, m) with math.comb.")


# ================================================================ vc_bound
@check("vc_bound", points=0.5, cases=[
    Case("m1000_d10", 1000, 10, 0.05),
    Case("m10_d3_vacuous", 10, 3, 0.05),
    Case("m10_d20_m_below_d", 10, 20, 0.05),
])
def test_vc_bound(student, ref, case):
    m, d, delta = case.args
    got = student.vc_bound(m, d, delta)
    want = ref.vc_bound(m, d, delta)
    slips = [Slip("the factor 2 of symmetrization (4.14) dropped", ref.slipgen.vc(m, d, delta, factor=1.0)),
             Slip("log 2 of (4.18) dropped: the chain (4.16) bounds log(2|F_S|), not log|F_S|",
                  ref.slipgen.vc(m, d, delta, log2=False)),
             Slip("G = log of Sauer's sum instead of the closed form (4.20)",
                  ref.slipgen.vc(m, d, delta, G=math.log(ref.slipgen.sauer_to(m, d)))),
             Slip("the log of the growth function taken in bits (log2) while the rest of the bound "
                  "uses natural logs: G must be the natural log of Pi_F(m)",
                  ref.slipgen.vc(m, d, delta, G=ref.slipgen.vc_G(m, d) / math.log(2)))]
    if 0 < d and m <= d:
        slips.insert(0, Slip("(4.20) used for m <= d: it needs m > d; there Pi = 2^m, G = m log 2",
                             ref.slipgen.vc(m, d, delta, small_m=False)))
    if want > 1:
        slips.append(Slip("the bound clipped at 1 (the contract keeps it unclipped)", 1.0))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


# ================================================================ rademacher_linear
def _matrix(kind, shape, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape)
    if kind == "correlated":       # columns near one direction: E||X sigma|| far below ||X||_F
        X = np.outer(rng.normal(size=shape[0]), np.ones(shape[1])) + 0.2 * X
    return X


LIN_CASES = [
    Case("gauss_3x10_B1", "gauss", (3, 10), 1.0),
    Case("line_1x12_B2.5", "gauss", (1, 12), 2.5),
]


@check("rademacher_linear", points=0.5, aspect="bound", cases=LIN_CASES)
def test_rademacher_linear_bound(student, ref, case):
    kind, shape, B = case.args
    X = _matrix(kind, shape, 81)
    est, bound = two_numbers(student.rademacher_linear(X, B, 50, 3), "(estimate, bound)")
    want = ref.rademacher_linear(X, B, 50, 3)[1]
    texts = ["B max_i ||x_i|| / sqrt(m): true, but the contract's bound is Jensen's B ||X||_F / m",
             "B left out of the bound", "||X||_F / sqrt(m) without B"]
    close(bound, want, rtol=RTOL_EXACT, name="bound",
          slips=[Slip(t, v) for t, v in zip(texts, ref.slipgen.lin_bound_slips(X, B))])


def seeded_estimates(draw, grader_seed):
    """The estimates of ``draw(seed) -> (estimate, bound)`` at N_SEEDS_MC seeds, after checking
    that the same seed gives the same pair and that the seeds do not all give one estimate."""
    __tracebackhide__ = True
    seeds = [1000 * grader_seed + k for k in range(N_SEEDS_MC)]   # disjoint across grader seeds
    calls = [two_numbers(draw(s), "(estimate, bound)") for s in seeds]
    expect_reproducible(tuple(np.asarray(calls[0], dtype=float)), tuple(np.asarray(draw(seeds[0]), dtype=float)),
                        "results: the seed is ignored",
                        advice="Next: draw only from np.random.default_rng(seed), never from np.random's "
                               "global state or an unseeded generator.")
    est = np.array([c[0] for c in calls], dtype=float)
    expect_seed_used(est, np.full_like(est, est[0]),   # every seed alike
                     message=f"{N_SEEDS_MC} different seeds gave the same estimate {est[0]:.6g}: the seed is "
                             "ignored (or nothing is random). Next: draw the signs from np.random.default_rng(seed).")
    return est


@check("rademacher_linear", points=1.0, aspect="mean", cases=LIN_CASES, stochastic=True, ffp=6.8e-6)
def test_rademacher_linear_mean(student, ref, case, grader_seed):
    kind, shape, B = case.args
    X = _matrix(kind, shape, 81)
    est = seeded_estimates(lambda s: student.rademacher_linear(X, B, N_MC, s), grader_seed)
    mean, sd = ref.slipgen.lin_exact(X, B)
    m = shape[1]
    mc_verdict(est.mean(), mean, sd / math.sqrt(N_SEEDS_MC * N_MC),
                f"your mean estimate over {N_SEEDS_MC} seeds (n_samples={N_MC})", slips=[
                    ("sigma drawn from {0, 1}: Rademacher signs are -1 or +1",
                     ref.slipgen.lin_exact(X, B, (0.0, 1.0))[0]),
                    ("the 1/m of (4.15) left out", mean * m),
                    ("B left out", mean / B),
                    ("the mean of ||X sigma||^2, not of ||X sigma||", ref.slipgen.lin_square_mean(X, B))])


# Over K seeds, (K-1) s^2 / (sd^2 / n) is chi-square with K-1 degrees of freedom
# for a mean of n iid draws (nearly normal at n >= 100). The band is the central
# 1 - 2e-6 of that law, widened by 10% for the normal approximation; two sample
# sizes: ffp <= 4e-6 (+ approximation; the calibration measures it).
SPREAD_K, SPREAD_N = 30, (100, 1600)


def _check_spread(call, sd, grader_seed, fn):
    __tracebackhide__ = True
    lo, hi = spread_band(SPREAD_K - 1, 1e-6, 1.1)
    for n in SPREAD_N:
        est = [expect_scalar(call(n, grader_seed + 7919 * k)[0], "estimate") for k in range(SPREAD_K)]
        var = float(np.var(est, ddof=1))
        ratio = (SPREAD_K - 1) * var / (sd**2 / n)
        if not lo <= ratio <= hi:
            fail(f"the spread of your {fn} estimate over {SPREAD_K} seeds at n_samples={n} is "
                 f"{math.sqrt(var):.3g}; a mean of {n} independent draws has standard deviation "
                 f"{sd / math.sqrt(n):.3g} (chi-square test, false-failure probability 4e-6). "
                 "Next: average exactly n_samples independent sign vectors, no more, no fewer.")


@check("rademacher_linear", points=1.0, aspect="spread", stochastic=True, ffp=4e-6, cases=[
    Case("gauss_3x10", "gauss", (3, 10))])
def test_rademacher_linear_spread(student, ref, case, grader_seed):
    kind, shape = case.args
    X = _matrix(kind, shape, 81)
    _, sd = ref.slipgen.lin_exact(X, 1.0)
    _check_spread(lambda n, s: two_numbers(student.rademacher_linear(X, 1.0, n, s), "(estimate, bound)"),
                  sd, grader_seed, "rademacher_linear")


# ================================================================ rademacher_finite
def _loss_matrix(kind, seed):
    """An N x m matrix of N hypotheses' values on m points, of the given kind."""
    rng = np.random.default_rng(seed)
    if kind == "pm1_6x10":
        return np.sign(rng.normal(size=(6, 10)))
    if kind == "single_row_9":
        return rng.normal(size=(1, 9))
    if kind == "duplicates_7x8":
        rows = np.sign(rng.normal(size=(4, 8)))
        return np.vstack([rows, rows[:2], rows[3:]])
    if kind == "losses01_5x12":
        return (rng.random((5, 12)) < 0.3).astype(float)
    return rng.uniform(-1, 1, size=(3, 8))


FIN_CASES = [Case(kind, _loss_matrix(kind, 82)) for kind in ("pm1_6x10", "single_row_9", "duplicates_7x8")]


@check("rademacher_finite", points=0.5, aspect="bound", cases=FIN_CASES)
def test_rademacher_finite_bound(student, ref, case):
    (H,) = case.args
    est, bound = two_numbers(student.rademacher_finite(H, 50, 3), "(estimate, bound)")
    want = ref.rademacher_finite(H, 50, 3)[1]
    texts = ["N counts all rows; Massart's N' = |F_S| counts distinct rows",
             "log N' instead of log(2N'): the 2 covers the absolute value (F and -F)",
             "(4.18), sqrt(2 log(2N')/m), which assumes |h_i| <= 1 and bounds sum h_i^2 by m"]
    slips = [Slip(t, v) for t, v in zip(texts, ref.slipgen.fin_bound_slips(H))]
    close(bound, want, rtol=RTOL_EXACT, name="bound", slips=slips)


@check("rademacher_finite", points=1.0, aspect="mean", cases=FIN_CASES, stochastic=True, ffp=6.8e-6)
def test_rademacher_finite_mean(student, ref, case, grader_seed):
    (H,) = case.args
    est = seeded_estimates(lambda s: student.rademacher_finite(H, N_MC, s), grader_seed)
    mean, sd = ref.slipgen.fin_exact(H)
    mc_verdict(est.mean(), mean, sd / math.sqrt(N_SEEDS_MC * N_MC),
                f"your mean estimate over {N_SEEDS_MC} seeds (n_samples={N_MC})", slips=[
                    ("no absolute value in (4.15): max_k sigma.H[k] instead of max_k |sigma.H[k]|",
                     ref.slipgen.fin_exact(H, absolute=False)[0]),
                    ("sigma drawn from {0, 1}: Rademacher signs are -1 or +1",
                     ref.slipgen.fin_exact(H, (0.0, 1.0))[0]),
                    ("the 1/m of (4.15) left out", mean * H.shape[1])])


@check("rademacher_finite", points=1.0, aspect="spread", stochastic=True, ffp=4e-6, cases=[
    Case("uniform_4x10", np.random.default_rng(83).normal(size=(4, 10)))])
def test_rademacher_finite_spread(student, ref, case, grader_seed):
    (H,) = case.args
    _, sd = ref.slipgen.fin_exact(H)
    _check_spread(lambda n, s: two_numbers(student.rademacher_finite(H, n, s), "(estimate, bound)"),
                  sd, grader_seed, "rademacher_finite")
