"""hw8 checks: generalization bounds (notes, chapter 4).

Deterministic functions are compared with the reference on grader-supplied
inputs to float64 round-off. The Monte Carlo Rademacher estimates are compared
as statistics over seeds with an exact enumeration over all 2^m sign vectors,
computed here; the bounds that must hold are checked by simulation. Known
slips are recomputed here, independently of the reference, to name them.
"""
import itertools
import math

import numpy as np
from scipy import stats as st

from autograder.api import (Case, Slip, check, close, expect_int, expect_raises, expect_scalar,
                            expect_sequence, fail, stats)

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
Z_MC = 4.5           # two-sided z-test of a Monte Carlo mean: ffp_of_z(4.5) = 6.8e-6
N_SEEDS_MC = 10      # seeds of the student's estimator per comparison with the exact value
N_MC = 1000          # sign vectors per seed in those comparisons


def _rng(seed):
    return np.random.default_rng(seed)


def _all_signs(m, values=(-1.0, 1.0)):
    """All |values|^m vectors with entries in ``values``, as rows."""
    return np.array(list(itertools.product(values, repeat=m)))


def _pair(got, what):
    """A (estimate, bound)-like tuple of two numbers."""
    __tracebackhide__ = True
    expect_sequence(got, 2, what)
    return expect_scalar(got[0], what.split(",")[0].strip("( ")), expect_scalar(got[1], what.split(",")[1].strip(" )"))


def _mc_verdict(value, mean, se, what, slips=()):
    """z-test of a mean of Monte Carlo estimates against the exact ``mean``.

    ``slips`` are (description, exact mean under the slip); the first one the
    value agrees with (same z) is named in the message.
    """
    __tracebackhide__ = True
    if abs(float(value) - mean) <= Z_MC * se:
        return
    hint = ""
    for description, slip_mean in slips:
        if abs(float(value) - slip_mean) <= Z_MC * max(se, 1e-12) and not abs(slip_mean - mean) <= Z_MC * se:
            hint = f"This looks like: {description}. "
            break
    stats.z_check(value, mean, se, Z_MC, what=what,
                  hint=hint + "Next: average your statistic over n_samples independent sign vectors "
                              "sigma with P(sigma_i = 1) = P(sigma_i = -1) = 1/2.")


def _same_seed_same_value(call, seed, first):
    __tracebackhide__ = True
    again = call(seed)
    if tuple(np.asarray(again, dtype=float)) != tuple(np.asarray(first, dtype=float)):
        fail("two calls with the same seed gave different results: the seed is ignored. "
             "Next: draw only from np.random.default_rng(seed), never from np.random's global "
             "state or an unseeded generator.")


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
    slips = [Slip("the 2 of 2m dropped: Hoeffding (4.5) has exp(-2 m eps^2)",
                  math.sqrt((math.log(1 / delta) + math.log(n)) / m))]
    if n > 1:
        slips += [Slip("log|F| left out: the union bound (4.8) multiplies the tail by |F|",
                       math.sqrt(math.log(1 / delta) / (2 * m))),
                  Slip("|F| where log|F| belongs (4.9)", math.sqrt((math.log(1 / delta) + n) / (2 * m)))]
    close(got, want, rtol=RTOL_EXACT, slips=slips)


@check("finite_class_bound", points=0.25, aspect="errors", cases=[
    Case("delta_0", 10, 0.0), Case("delta_1", 10, 1.0), Case("m_0", 0, 0.1),
])
def test_finite_class_bound_errors(student, ref, case):
    expect_raises(student.finite_class_bound, ValueError, *case.args)


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
    x = _rng(grader_seed).random((HOLD_REPS, HOLD_M))
    lo, hi = np.minimum(HOLD_T, 0.5), np.maximum(HOLD_T, 0.5)
    emp = np.mean((x[:, :, None] > lo) & (x[:, :, None] < hi), axis=1)
    gap = np.max(np.abs(HOLD_T - 0.5) - emp, axis=1)
    fails = int(np.sum(gap >= eps))
    limit = st.binom.isf(1e-6, HOLD_REPS, HOLD_DELTA)
    if fails > limit:
        fail(f"your bound {eps:.4g} (m={HOLD_M}, delta={HOLD_DELTA}, |F|={len(HOLD_T)}) failed on "
             f"{fails} of {HOLD_REPS} simulated samples of 20 thresholds on [0, 1]; a valid bound fails "
             f"on at most a fraction delta (here at most {int(limit)} allowing for chance, false-failure "
             "probability 1e-6). Your bound is too small. Next: compare with (4.9).")


# ================================================================ sauer_bound
def _sauer_to(m, top):
    return sum(math.comb(m, k) for k in range(0, max(min(top, m), -1) + 1))


@check("sauer_bound", points=0.5, cases=[
    Case("m10_d3", 10, 3),
    Case("m1000_d50", 1000, 50),
    Case("m8_d12_m_below_d", 8, 12),
])
def test_sauer_bound(student, ref, case):
    m, d = case.args
    got = expect_int(student.sauer_bound(m, d), python_int=True)
    want = ref.sauer_bound(m, d)
    if got == want:
        return
    slips = [("the sum stops at k = d - 1 (Lemma 7 sums k = 0..d)", _sauer_to(m, d - 1)),
             ("the sum runs to k = d + 1", _sauer_to(m, d + 1)),
             ("2^m whatever d", 2**m),
             ("binom(m, d) alone, not the sum over k <= d", math.comb(m, min(d, m)))]
    hint = next((f"This looks like: {text}. " for text, v in slips if v == got and v != want), "")
    fail(f"sauer_bound({m}, {d}) = {got}, expected {want} (exact). "
         + hint + "Next: add binom(m, k) for k = 0..min(d, m) with math.comb.")


def _growth(labelings):
    return len(labelings)


def _thresholds(m):
    x = np.arange(m, dtype=float)
    return {tuple(x > c) for c in np.arange(-0.5, m, 1.0)}


def _intervals(m):
    x, cuts = np.arange(m, dtype=float), np.arange(-0.5, m, 1.0)
    return {tuple((x > a) & (x < b)) for a in cuts for b in cuts}


# ================================================================ vc_bound
def _vc_G(m, d, small_m=True):
    if d == 0:
        return 0.0
    if m <= d and small_m:
        return m * math.log(2)
    return d * (1 + math.log(m) - math.log(d))


def _vc(m, d, delta, factor=2.0, small_m=True, log2=True, G=None):
    if G is None:
        G = _vc_G(m, d, small_m)
    rad = math.sqrt(2 / m * ((math.log(2) if log2 else 0.0) + G))
    return factor * rad + math.sqrt(math.log(1 / delta) / (2 * m))


@check("vc_bound", points=0.5, cases=[
    Case("m1000_d10", 1000, 10, 0.05),
    Case("m10_d3_vacuous", 10, 3, 0.05),
    Case("m10_d20_m_below_d", 10, 20, 0.05),
])
def test_vc_bound(student, ref, case):
    m, d, delta = case.args
    got = student.vc_bound(m, d, delta)
    want = ref.vc_bound(m, d, delta)
    slips = [Slip("the factor 2 of symmetrization (4.14) dropped", _vc(m, d, delta, factor=1.0)),
             Slip("log 2 of (4.18) dropped: the chain (4.16) bounds log(2|F_S|), not log|F_S|",
                  _vc(m, d, delta, log2=False)),
             Slip("G = log of Sauer's sum instead of the closed form (4.20)",
                  _vc(m, d, delta, G=math.log(_sauer_to(m, d)))),
             Slip("the log of the growth function taken in bits (log2) while the rest of the bound "
                  "uses natural logs: G must be the natural log of Pi_F(m)",
                  _vc(m, d, delta, G=_vc_G(m, d) / math.log(2)))]
    if 0 < d and m <= d:
        slips.insert(0, Slip("(4.20) used for m <= d: it needs m > d; there Pi = 2^m, G = m log 2",
                             _vc(m, d, delta, small_m=False)))
    if want > 1:
        slips.append(Slip("the bound clipped at 1 (the contract keeps it unclipped)", 1.0))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


# ================================================================ rademacher_linear
def _matrix(kind, shape, seed):
    rng = _rng(seed)
    X = rng.normal(size=shape)
    if kind == "correlated":       # columns near one direction: E||X sigma|| far below ||X||_F
        X = np.outer(rng.normal(size=shape[0]), np.ones(shape[1])) + 0.2 * X
    return X


LIN_CASES = [
    Case("gauss_3x10_B1", "gauss", (3, 10), 1.0),
    Case("line_1x12_B2.5", "gauss", (1, 12), 2.5),
]


def _lin_exact(X, B, values=(-1.0, 1.0)):
    vals = B * np.linalg.norm(X @ _all_signs(X.shape[1], values).T, axis=0) / X.shape[1]
    return vals.mean(), vals.std()


@check("rademacher_linear", points=0.5, aspect="bound", cases=LIN_CASES)
def test_rademacher_linear_bound(student, ref, case):
    kind, shape, B = case.args
    X = _matrix(kind, shape, 81)
    est, bound = _pair(student.rademacher_linear(X, B, 50, 3), "(estimate, bound)")
    want = ref.rademacher_linear(X, B, 50, 3)[1]
    m = shape[1]
    close(bound, want, rtol=RTOL_EXACT, name="bound", slips=[
        Slip("B max_i ||x_i|| / sqrt(m): true, but the contract's bound is Jensen's B ||X||_F / m",
             B * np.max(np.linalg.norm(X, axis=0)) / math.sqrt(m)),
        Slip("B left out of the bound", np.linalg.norm(X) / m),
        Slip("||X||_F / sqrt(m) without B", np.linalg.norm(X) / math.sqrt(m))])


@check("rademacher_linear", points=1.0, aspect="mean", cases=LIN_CASES, stochastic=True, ffp=6.8e-6)
def test_rademacher_linear_mean(student, ref, case, grader_seed):
    kind, shape, B = case.args
    X = _matrix(kind, shape, 81)
    seeds = [1000 * grader_seed + k for k in range(N_SEEDS_MC)]   # disjoint across grader seeds
    calls = [_pair(student.rademacher_linear(X, B, N_MC, s), "(estimate, bound)") for s in seeds]
    _same_seed_same_value(lambda s: student.rademacher_linear(X, B, N_MC, s), seeds[0], calls[0])
    est = np.array([c[0] for c in calls], dtype=float)
    if np.all(est == est[0]):
        fail(f"{N_SEEDS_MC} different seeds gave the same estimate {est[0]:.6g}: the seed is ignored "
             "(or nothing is random). Next: draw the signs from np.random.default_rng(seed).")
    mean, sd = _lin_exact(X, B)
    m = shape[1]
    _mc_verdict(est.mean(), mean, sd / math.sqrt(N_SEEDS_MC * N_MC),
                f"your mean estimate over {N_SEEDS_MC} seeds (n_samples={N_MC})", slips=[
                    ("sigma drawn from {0, 1}: Rademacher signs are -1 or +1",
                     _lin_exact(X, B, (0.0, 1.0))[0]),
                    ("the 1/m of (4.15) left out", mean * m),
                    ("B left out", mean / B),
                    ("the mean of ||X sigma||^2, not of ||X sigma||", B * np.sum(X**2) / m)])


# Over K seeds, (K-1) s^2 / (sd^2 / n) is chi-square with K-1 degrees of freedom
# for a mean of n iid draws (nearly normal at n >= 100). The band is the central
# 1 - 2e-6 of that law, widened by 10% for the normal approximation; two sample
# sizes: ffp <= 4e-6 (+ approximation; the calibration measures it).
SPREAD_K, SPREAD_N = 30, (100, 1600)


def _spread_band():
    k = SPREAD_K - 1
    return st.chi2.ppf(1e-6, k) / 1.1, st.chi2.isf(1e-6, k) * 1.1


def _check_spread(call, sd, grader_seed, fn):
    __tracebackhide__ = True
    lo, hi = _spread_band()
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
    Case("gauss_3x10")])
def test_rademacher_linear_spread(student, ref, case, grader_seed):
    X = _matrix("gauss", (3, 10), 81) if case.id == "gauss_3x10" else _matrix("correlated", (4, 8), 81)
    _, sd = _lin_exact(X, 1.0)
    _check_spread(lambda n, s: _pair(student.rademacher_linear(X, 1.0, n, s), "(estimate, bound)"),
                  sd, grader_seed, "rademacher_linear")


# ================================================================ rademacher_finite
def _H(kind, seed):
    rng = _rng(seed)
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


FIN_CASES = [Case("pm1_6x10"), Case("single_row_9"), Case("duplicates_7x8")]


def _fin_exact(H, values=(-1.0, 1.0), absolute=True):
    S = _all_signs(H.shape[1], values) @ H.T
    vals = np.max(np.abs(S) if absolute else S, axis=1) / H.shape[1]
    return vals.mean(), vals.std()


@check("rademacher_finite", points=0.5, aspect="bound", cases=FIN_CASES)
def test_rademacher_finite_bound(student, ref, case):
    H = _H(case.id, 82)
    est, bound = _pair(student.rademacher_finite(H, 50, 3), "(estimate, bound)")
    want = ref.rademacher_finite(H, 50, 3)[1]
    N, m = H.shape
    n_distinct = len({tuple(r) for r in H.tolist()})
    top = np.max(np.linalg.norm(H, axis=1))
    slips = [Slip("N counts all rows; Massart's N' = |F_S| counts distinct rows",
                  top * math.sqrt(2 * math.log(2 * N)) / m),
             Slip("log N' instead of log(2N'): the 2 covers the absolute value (F and -F)",
                  top * math.sqrt(2 * math.log(max(n_distinct, 1))) / m)]
    if not np.all(np.abs(H) == 1):
        slips.append(Slip("(4.18), sqrt(2 log(2N')/m), which assumes |h_i| <= 1 and bounds sum h_i^2 by m",
                          math.sqrt(2 * math.log(2 * n_distinct) / m)))
    close(bound, want, rtol=RTOL_EXACT, name="bound", slips=slips)


@check("rademacher_finite", points=1.0, aspect="mean", cases=FIN_CASES, stochastic=True, ffp=6.8e-6)
def test_rademacher_finite_mean(student, ref, case, grader_seed):
    H = _H(case.id, 82)
    seeds = [1000 * grader_seed + k for k in range(N_SEEDS_MC)]   # disjoint across grader seeds
    calls = [_pair(student.rademacher_finite(H, N_MC, s), "(estimate, bound)") for s in seeds]
    _same_seed_same_value(lambda s: student.rademacher_finite(H, N_MC, s), seeds[0], calls[0])
    est = np.array([c[0] for c in calls], dtype=float)
    if np.all(est == est[0]):
        fail(f"{N_SEEDS_MC} different seeds gave the same estimate {est[0]:.6g}: the seed is ignored "
             "(or nothing is random). Next: draw the signs from np.random.default_rng(seed).")
    mean, sd = _fin_exact(H)
    _mc_verdict(est.mean(), mean, sd / math.sqrt(N_SEEDS_MC * N_MC),
                f"your mean estimate over {N_SEEDS_MC} seeds (n_samples={N_MC})", slips=[
                    ("no absolute value in (4.15): max_k sigma.H[k] instead of max_k |sigma.H[k]|",
                     _fin_exact(H, absolute=False)[0]),
                    ("sigma drawn from {0, 1}: Rademacher signs are -1 or +1",
                     _fin_exact(H, (0.0, 1.0))[0]),
                    ("the 1/m of (4.15) left out", mean * H.shape[1])])


@check("rademacher_finite", points=1.0, aspect="spread", stochastic=True, ffp=4e-6, cases=[
    Case("uniform_4x10")])
def test_rademacher_finite_spread(student, ref, case, grader_seed):
    H = _rng(83).normal(size=(4, 10)) if case.id == "uniform_4x10" else _H("pm1_6x10", 82)
    _, sd = _fin_exact(H)
    _check_spread(lambda n, s: _pair(student.rademacher_finite(H, n, s), "(estimate, bound)"),
                  sd, grader_seed, "rademacher_finite")


# ================================================================ spectral_complexity
def _net(widths, seed):
    rng = _rng(seed)
    return [rng.normal(size=(b, a)) / math.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


def _spectral(Ws, kind="bartlett", M=None, p=2 / 3, norms="rows", neyshabur_square=True):
    """Independent evaluation of (4.31) / (4.87) and of their known misreadings."""
    s = np.array([np.linalg.svd(W, compute_uv=False)[0] for W in Ws])
    if kind == "neyshabur":
        f = np.array([np.linalg.norm(W) for W in Ws])
        terms = (f / s) ** 2 if neyshabur_square else f / s
        return float(np.prod(s) * math.sqrt(np.sum(terms)))
    D = [W - (0 if M is None else Mi) for W, Mi in zip(Ws, M if M is not None else Ws)]
    if norms == "rows":
        b = [np.sum(np.linalg.norm(A, axis=1)) for A in D]
    elif norms == "columns":
        b = [np.sum(np.linalg.norm(A, axis=0)) for A in D]
    else:
        b = [np.linalg.norm(A) for A in D]
    return float(np.prod(s) * np.sum((np.array(b) / s) ** p) ** (1 / p))


SPEC_CASES = [
    Case("identity_L3_n4", [np.eye(4)] * 3, "bartlett"),
    Case("identity_L3_n4_neyshabur", [np.eye(4)] * 3, "neyshabur"),
    Case("net_7_3_1", _net([7, 3, 1], 84), "bartlett"),
    Case("net_7_3_1_neyshabur", _net([7, 3, 1], 84), "neyshabur"),
    Case("net_2_9_4_1_reference", _net([2, 9, 4, 1], 85), "bartlett", _net([2, 9, 4, 1], 86)),
]


@check("spectral_complexity", points=0.5, cases=SPEC_CASES)
def test_spectral_complexity(student, ref, case):
    Ws, kind = case.args[:2]
    M = case.args[2] if len(case.args) > 2 else None
    got = student.spectral_complexity(Ws, kind, M)
    want = ref.spectral_complexity(Ws, kind, M)
    if kind == "neyshabur":
        slips = [Slip("sum ||W_l||_F / ||W_l||_2 without squares (the text dump's (4.115)); (4.87) squares both",
                      _spectral(Ws, "neyshabur", neyshabur_square=False)),
                 Slip("the spectral norm replaced by the Frobenius norm",
                      float(np.prod([np.linalg.norm(W) for W in Ws]) * math.sqrt(len(Ws))))]
    else:
        slips = [Slip("||W^T||_{2,1} taken as the sum of the column norms of W; it sums the row norms",
                      _spectral(Ws, M=M, norms="columns")),
                 Slip("the exponents 2 and 1/2 printed in (4.90); (4.31) has 2/3 and 3/2",
                      _spectral(Ws, M=M, p=2.0)),
                 Slip("the Frobenius norm in place of ||(W - M)^T||_{2,1}", _spectral(Ws, M=M, norms="frobenius"))]
        if M is not None:
            slips.append(Slip("the reference matrices M_l ignored", _spectral(Ws)))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


@check("spectral_complexity", points=0.5, aspect="errors", cases=[
    Case("unknown_kind", _net([3, 2, 1], 90), "frobenius", None),
    Case("neyshabur_with_reference", _net([3, 2, 1], 90), "neyshabur", _net([3, 2, 1], 91)),
])
def test_spectral_complexity_errors(student, ref, case):
    expect_raises(student.spectral_complexity, ValueError, *case.args)


# ================================================================ neyshabur_bound
def _dyadic():
    W1 = np.array([[1.0, -0.5], [0.25, 1.0], [-1.0, 0.5]])
    W2 = np.array([[0.5, 1.0, -0.25]])
    X = np.array([[1.0, 2.0, 0.5, -1.0], [0.5, 1.0, 0.25, 1.0]])
    y = np.array([1.0, 1.0, -1.0, 1.0])
    gamma = float(y[0] * _forward([W1, W2], X)[0])    # 1.0625, attained exactly by point 0
    return [W1, W2], X, y, gamma


def _forward(Ws, X):
    h = X
    for W in Ws[:-1]:
        h = np.maximum(W @ h, 0.0)
    return (Ws[-1] @ h).ravel()


def _ney(Ws, X, y, gamma, delta, B=None, strict=True, n_mode="all", L_shift=0, B_mode="max"):
    out = y * _forward(Ws, X)
    risk = float(np.mean(out < gamma if strict else out <= gamma))
    if B is None:
        B = float(np.max(np.linalg.norm(X, axis=0))) if B_mode == "max" else float(np.linalg.norm(X))
    m, L = X.shape[1], len(Ws) + L_shift
    n = max(max(W.shape) for W in Ws) if n_mode == "all" else max(W.shape[0] for W in Ws)
    R = _spectral(Ws, "neyshabur")
    inner = (math.log(8 * L * m / delta) + math.log(m) / (2 * L)
             + 8 * math.e**4 * (B * R / gamma) ** 2 * L**2 * n * math.log(2 * L * n))
    return risk, risk + math.sqrt(inner / (2 * m - 1))


def _ney_case(cid):
    if cid == "dyadic_margin_equals_gamma":
        Ws, X, y, gamma = _dyadic()
        return Ws, X, y, gamma, 0.1, None
    rng = _rng(94)
    widths = {"input_widest_9_3_2_1": [9, 3, 2, 1], "hidden_widest_4_12_6_1": [4, 12, 6, 1],
              "explicit_B": [5, 7, 1]}[cid]
    Ws = _net(widths, 95)
    X = rng.normal(size=(widths[0], 60))
    y = np.sign(_forward(Ws, X) + 0.3 * rng.normal(size=60))
    y[y == 0] = 1.0
    return Ws, X, y, 0.2, 0.05, (10.0 if cid == "explicit_B" else None)


@check("neyshabur_bound", points=0.5, cases=[
    Case("dyadic_margin_equals_gamma"),
    Case("input_widest_9_3_2_1"),
])
def test_neyshabur_bound(student, ref, case):
    Ws, X, y, gamma, delta, B = _ney_case(case.id)
    risk, bound = _pair(student.neyshabur_bound(Ws, X, y, gamma, delta, B), "(margin_risk, bound)")
    want = ref.neyshabur_bound(Ws, X, y, gamma, delta, B)
    leq = _ney(Ws, X, y, gamma, delta, B, strict=False)
    close(risk, want[0], rtol=RTOL_EXACT, name="margin_risk", slips=[
        Slip("y f(x) <= gamma counted as a margin error; the margin loss needs y f(x) < gamma (strict)", leq[0]),
        Slip("the 0/1 risk (margin 0) instead of the margin risk", float(np.mean(y * _forward(Ws, X) < 0))),
        Slip("the fraction of correct margins, 1 - R̂_gamma", 1 - want[0])])
    slips = [Slip("n without the input dimension: n = max_l n_l counts every W_l's dimensions",
                  _ney(Ws, X, y, gamma, delta, B, n_mode="outputs")[1]),
             Slip("L - 1 (hidden layers) for L; in chapter 4 L counts weight matrices",
                  _ney(Ws, X, y, gamma, delta, B, L_shift=-1)[1] if len(Ws) > 1 else float("nan")),
             Slip("y f(x) <= gamma counted as a margin error", leq[1])]
    if B is None:
        slips.append(Slip("B = ||X||_F; B bounds each point: max_i ||x_i||_2",
                          _ney(Ws, X, y, gamma, delta, None, B_mode="frobenius")[1]))
    close(bound, want[1], rtol=RTOL_EXACT, name="bound", slips=slips)


# ================================================================ mcallester_bound
@check("mcallester_bound", points=0.5, cases=[
    Case("m100", 0.1, 2.0, 100, 0.05),
    Case("zero_kl_m1", 0.0, 0.0, 1, 0.5),
])
def test_mcallester_bound(student, ref, case):
    e, kl, m, delta = case.args
    got = student.mcallester_bound(*case.args)
    want = ref.mcallester_bound(*case.args)
    slips = [Slip("2m under the root; Theorem 11 has 2m - 1", e + math.sqrt((math.log(4 * m / delta) + kl) / (2 * m))),
             Slip("log(1/delta) for log(4m/delta)", e + math.sqrt((math.log(1 / delta) + kl) / (2 * m - 1)))]
    if e > 0:
        slips.append(Slip("the empirical risk left out", want - e))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


@check("mcallester_bound", points=0.25, aspect="errors", cases=[
    Case("negative_kl", 0.1, -1e-3, 100, 0.05), Case("delta_0", 0.1, 1.0, 100, 0.0),
    Case("delta_1", 0.1, 1.0, 100, 1.0)])
def test_mcallester_bound_errors(student, ref, case):
    expect_raises(student.mcallester_bound, ValueError, *case.args)


# ================================================================ kl_diag_gaussians
def _kl_args(cid):
    rng = _rng(98)
    mu, lam = rng.normal(size=4), rng.normal(size=4)
    if cid == "q_equals_p":
        return mu, lam, mu.copy(), lam.copy()
    if cid == "scalar_prior_4_77":
        return np.array([1.0, -2.0, 0.5, 3.0]), np.array([0.5, -1.0, 1.5, 0.0]), 0.0, -0.5
    if cid == "sigma2_4_82":
        return mu, np.full(4, math.log(0.37)), 0.0, math.log(0.37)
    if cid == "array_prior":
        return mu, lam, rng.normal(size=4), rng.normal(size=4)
    if cid == "near_equal":
        return mu, lam, mu + 1e-4, lam + 1e-3
    return rng.normal(size=50), rng.normal(size=50) - 3, 0.2, -1.0     # "d50_scalar_prior"


def _kl_slip(mu, lam, mu_p, lam_p, kind):
    mu_p, lam_p = np.broadcast_to(mu_p, mu.shape), np.broadcast_to(lam_p, lam.shape)
    if kind == "printed":
        terms = np.exp(lam - lam_p) + (mu - mu_p) ** 2 * np.exp(-lam_p) + lam_p - 1 - mu
    elif kind == "variance":      # lam taken as the variance itself
        with np.errstate(all="ignore"):
            terms = lam / lam_p + (mu - mu_p) ** 2 / lam_p + np.log(lam_p / lam) - 1
    elif kind == "reversed":      # KL(P || Q)
        terms = np.exp(lam_p - lam) + (mu - mu_p) ** 2 * np.exp(-lam) + lam - lam_p - 1
    else:                         # log standard deviations
        terms = np.exp(2 * (lam - lam_p)) + (mu - mu_p) ** 2 * np.exp(-2 * lam_p) + 2 * (lam_p - lam) - 1
    return 0.5 * float(np.sum(terms))


@check("kl_diag_gaussians", points=0.5, cases=[
    Case("q_equals_p"), Case("scalar_prior_4_77"), Case("sigma2_4_82")])
def test_kl_diag_gaussians(student, ref, case):
    args = _kl_args(case.id)
    got = student.kl_diag_gaussians(*args)
    want = ref.kl_diag_gaussians(*args)
    close(got, want, rtol=RTOL_EXACT, atol=ATOL_KL, slips=[
        Slip("the printed (4.77), ending in '- 1.mu'; the Gaussian KL needs '- 1.lam' (sum of log-variances)",
             _kl_slip(*args, "printed")),
        Slip("KL(P || Q) instead of KL(Q || P)", _kl_slip(*args, "reversed")),
        Slip("lam read as a log standard deviation; (4.76) makes it the log-variance", _kl_slip(*args, "logstd")),
        Slip("lam read as the variance itself; it is the log-variance (4.76)", _kl_slip(*args, "variance"))])


# ================================================================ dziugaite_roy_bound
def _dr_data(seed, d=5, m=40):
    rng = _rng(seed)
    X = rng.normal(size=(d, m))
    y = np.sign(rng.normal(size=d) @ X + 0.5 * rng.normal(size=m))
    y[y == 0] = 1.0
    mu, lam = rng.normal(size=d), rng.normal(size=d) - 1.0
    return mu, lam, X, y


def _dr_case(cid):
    mu, lam, X, y = _dr_data(99)
    if cid == "defaults":
        return (mu, lam, X, y, 0.0, -3.0), {}
    if cid == "integer_j7":
        return (mu, lam, X, y, 0.1, math.log(0.1) - 7 / 100), {}
    if cid == "j_equals_1":
        return (mu, lam, X, y, 0.0, math.log(0.1) - 1 / 100), {}
    if cid == "delta_b_c":
        return (mu, lam, X, y, 0.3, -2.0), dict(delta=0.05, b=50.0, c=1.0)
    if cid == "deterministic_limit":
        return (mu, np.full(5, -60.0), X, y, 0.0, -3.0), {}
    return (*_dr_data(100, d=12, m=300), 0.0, -4.0), {}               # "d12_m300"


def _gibbs(mu, lam, X, y, var_scale=2.0, sign=1.0):
    sd = np.sqrt(np.exp(var_scale / 2 * lam) @ X**2)
    return float(np.mean(st.norm.cdf(-sign * y * (mu @ X) / sd)))


def _dr_bound(gibbs, mu, lam, X, mu_p, lam_p, delta=0.025, b=100.0, c=0.1, jpow=2, kl=None):
    m = X.shape[1]
    j = b * (math.log(c) - lam_p)
    if kl is None:
        kl = 0.5 * float(np.sum(np.exp(lam - lam_p) + (mu - mu_p) ** 2 * np.exp(-lam_p) + lam_p - lam - 1))
    return gibbs + math.sqrt((math.log(2 * math.pi**2 * m * j**jpow / (3 * delta)) + kl) / (2 * m - 1))


@check("dziugaite_roy_bound", points=0.5, cases=[
    Case("defaults"), Case("integer_j7")])
def test_dziugaite_roy_bound(student, ref, case):
    args, kw = _dr_case(case.id)
    mu, lam, X, y, mu_p, lam_p = args
    gibbs, bound = _pair(student.dziugaite_roy_bound(*args, **kw), "(gibbs_risk, bound)")
    want = ref.dziugaite_roy_bound(*args, **kw)
    if case.id == "deterministic_limit":
        det = float(np.mean(y * (mu @ X) < 0))
        if not abs(gibbs - det) <= ATOL_RISK:
            fail(f"with posterior log-variances lam = -60 the Gibbs risk must equal the 0/1 risk of mu, "
                 f"{det:.6g}; yours is {gibbs:.10g}. Next: use the exact Gaussian formula with the "
                 "standard deviation sqrt(sum_k e^lam_k x_ki^2).")
    err = abs(float(gibbs) - want[0])
    if 1e-9 < err < 0.05 and not any(abs(float(gibbs) - v) <= 1e-9 for v in (
            _gibbs(mu, lam, X, y, 1.0), _gibbs(mu, lam, X, y, 4.0))):
        fail(f"gibbs_risk = {float(gibbs):.10g}, exact value {want[0]:.10g} (off by {err:.2g}). This looks "
             "like a sampled (Monte Carlo) Gibbs risk, or a slightly wrong variance: w^T x_i is Gaussian, so "
             "R̂_m(Q) = mean_i Phi(-y_i mu^T x_i / sqrt(sum_k e^lam_k x_ki^2)) exactly. Next: use "
             "scipy.special.ndtr (or scipy.stats.norm.cdf), no sampling.")
    close(gibbs, want[0], rtol=RTOL_EXACT, atol=ATOL_RISK, name="gibbs_risk", slips=[
        Slip("e^lam used as the standard deviation; lam is the log-variance (4.76)", _gibbs(mu, lam, X, y, 4.0)),
        Slip("e^(lam/2) squared twice, i.e. sqrt(e^lam) used as the variance", _gibbs(mu, lam, X, y, 1.0)),
        Slip("Phi(+y mu^T x / s): the risk is the probability of a negative margin", _gibbs(mu, lam, X, y, sign=-1.0))])
    kw_b = {k: kw[k] for k in ("delta", "b", "c") if k in kw}
    printed_kl = _kl_slip(mu, lam, mu_p, lam_p, "printed")
    delta = kw.get("delta", 0.025)
    close(bound, want[1], rtol=RTOL_EXACT, name="bound", slips=[
        Slip("j instead of j^2 in (4.80): delta_j = 6 delta/(pi^2 j^2) puts j^2 inside the log",
             _dr_bound(want[0], mu, lam, X, mu_p, lam_p, jpow=1, **kw_b)),
        Slip("the printed (4.77) KL, ending in '- 1.mu'",
             _dr_bound(want[0], mu, lam, X, mu_p, lam_p, kl=printed_kl, **kw_b)),
        Slip("McAllester at delta, without the union bound over the prior grid (delta_j)",
             want[0] + math.sqrt((math.log(4 * X.shape[1] / delta)
                                  + ref.kl_diag_gaussians(mu, lam, mu_p, lam_p)) / (2 * X.shape[1] - 1)))])
    if case.id in ("integer_j7", "j_equals_1"):
        j, m = round(100 * (math.log(0.1) - lam_p)), X.shape[1]
        delta_j = 6 * 0.025 / (math.pi**2 * j**2)      # McAllester (4.74) at the grid point's delta_j
        mc = float(gibbs) + math.sqrt((math.log(4 * m / delta_j) + ref.kl_diag_gaussians(mu, lam, mu_p, lam_p))
                                      / (2 * m - 1))
        if not math.isclose(bound, mc, rel_tol=1e-11):
            fail(f"at the grid point j = {j} your bound {bound:.12g} should equal McAllester's bound at "
                 f"delta_j = 6 delta/(pi^2 j^2), {mc:.12g}.")


@check("dziugaite_roy_bound", points=0.25, aspect="errors", cases=[
    Case("j_0", 0.0), Case("j_0.5", -0.005)])
def test_dziugaite_roy_bound_errors(student, ref, case):
    mu, lam, X, y = _dr_data(99)
    expect_raises(student.dziugaite_roy_bound, ValueError, mu, lam, X, y, 0.0, math.log(0.1) + case.args[0])


# The grader samples 20000 weight vectors w ~ Q at the grader seed and averages
# their empirical 0/1 risks; the student's exact Gibbs risk must lie within
# 4.5 standard errors of that mean (two-sided, ffp 6.8e-6).
MC_DRAWS = 20000


