"""hw12's public checks of McDiarmid's and Tropp's inequalities (notes 4.1, 4.2).

The bounds (4.11) and (4.97) are compared with the reference; the two
simulations, mcdiarmid_coins and tropp_tail, with the exact probabilities they
estimate (a binomial tail for fair coins; Gaussian probabilities for diagonal
and scalar matrix series), which come from the grader's hidden helpers
(``ref.slipgen``, recorded for the public cases): the student's fraction over
K_SEEDS seeds of N_DRAWS draws is a Bin(K_SEEDS N_DRAWS, p) count, accepted in
its central 1 - FFP_CASE range.
The hidden cases are in ``hidden.py``.
"""

import numpy as np
from scipy.stats import binom

from autograder.api import Case, Slip, check, close, expect_reproducible, expect_scalar, fail, rejects
from autograder.checks.hw12.inputs import diagonal_series, gaussian, scalar_series, symmetric_series
from autograder.checks.hw12.public import RTOL

FFP_CASE = 1e-4        # every stochastic case
K_SEEDS = 5            # seeds of the student's simulation per case
N_DRAWS = 2000         # draws per seed


def binomial_range(n: int, p: float) -> tuple[float, float]:
    """The central range of Bin(n, p) that holds a count with probability >= 1 - FFP_CASE."""
    return binom.ppf(FFP_CASE / 2, n, p), binom.isf(FFP_CASE / 2, n, p)


# ---------------------------------------------------------------- McDiarmid
@check("mcdiarmid_bound", points=0.25, cases=[
    Case("mean_m50", np.full(50, 1 / 50), 0.13),
    Case("uneven", np.array([0.5, 0.1, 0.1, 0.3, 0.05]), 0.4),
])
def test_mcdiarmid_bound(student, ref, case):
    c, eps = case.args
    got = expect_scalar(student.mcdiarmid_bound(c, eps), "McDiarmid's bound")
    want = ref.mcdiarmid_bound(c, eps)
    sum_c, gaussian_constants = ref.slipgen.mcdiarmid_variants(c, eps)
    close(got, want, rtol=RTOL, name="McDiarmid's bound", slips=[
        Slip("sum of c_i instead of sum of c_i^2 in (4.11)", sum_c),
        Slip("exp(-eps^2 / (2 sum c_i^2)): Gaussian-style constants instead of (4.11)'s 2 eps^2",
             gaussian_constants),
    ])


test_mcdiarmid_bound_errors = rejects("mcdiarmid_bound", ValueError, points=0.25,
                                      cases=[Case("eps_zero", np.full(3, 0.1), 0.0)])


# thresholds m (1/2 + eps) sit half-way between integers, so >= and > agree and round-off cannot matter
COIN_CASES = [Case("m50_eps0.13", 50, 0.13), Case("m20_eps0.175", 20, 0.175)]


@check("mcdiarmid_coins", points=0.5, cases=COIN_CASES, stochastic=True, ffp=FFP_CASE)
def test_mcdiarmid_coins(student, ref, case, grader_seed):
    m, eps = case.args
    p = ref.slipgen.coin_tail(m, eps)     # the exact binomial tail the fraction estimates
    seeds = [1000 * grader_seed + 500 + k for k in range(K_SEEDS)]
    fr = [expect_scalar(student.mcdiarmid_coins(m, eps, N_DRAWS, s), "the fraction") for s in seeds]
    again = expect_scalar(student.mcdiarmid_coins(m, eps, N_DRAWS, seeds[0]), "the fraction")
    expect_reproducible(fr[0], again, "fractions")
    succ = int(round(sum(fr) * N_DRAWS))
    n = K_SEEDS * N_DRAWS
    lo, hi = binomial_range(n, p)
    if lo <= succ <= hi:
        return
    hint = ""
    lo2, hi2 = binomial_range(n, 2 * p)
    if lo2 <= succ <= hi2:
        hint = "This looks like: both tails counted (|mean - 1/2| >= eps); (4.11) is one-sided. "
    fail(f"over {K_SEEDS} seeds of {N_DRAWS} draws your fraction is {succ}/{n} = {succ / n:.4g}; the exact "
         f"binomial tail is {p:.4g}, and a correct simulation lands in [{int(lo)}, {int(hi)}] "
         f"(false-failure probability {FFP_CASE:.0e}).",
         advice=hint + "Next: count the draws whose mean minus 1/2 is >= eps.")


# ---------------------------------------------------------------- Tropp
@check("tropp_bound", points=0.25, cases=[
    Case("diag4_t2.5", diagonal_series(4, [1, 1, 1, 1]), 2.5),
    Case("scalar3_t2", scalar_series(3, [0.5, 1.0, -0.7]), 2.0),
    Case("random_sym_max", symmetric_series(6, 5, 1271), 6.0, "max"),
])
def test_tropp_bound(student, ref, case):
    A, t = case.args[:2]
    tail = case.args[2] if len(case.args) > 2 else "norm"
    got = expect_scalar(student.tropp_bound(A, t, tail), "Tropp's bound")
    want = ref.tropp_bound(A, t, tail)
    sum_of_norms, one_tail = ref.slipgen.tropp_variants(A, t, tail)
    slips = [Slip("sigma^2 = sum_k ||A_k^2|| instead of ||sum_k A_k^2||", sum_of_norms)]
    if tail == "norm":
        slips.insert(0, Slip("the prefactor n of (4.97) as printed; the norm takes both tails, 2n", one_tail))
    close(got, want, rtol=RTOL, name="Tropp's bound", slips=slips)


test_tropp_bound_errors = rejects("tropp_bound", ValueError, points=0.25, cases=[
    Case("non_symmetric", gaussian((3, 4, 4), 1273), 1.0)])


# each case: a series whose norm law is known (diagonal or scalar) and t
TAIL_CASES = [
    Case("diag4_t2", diagonal_series(4, [1, 1, 1, 1]), 2.0),
    Case("scalar3_t1.5", scalar_series(3, [0.5, 1.0, -0.7]), 1.5),     # sum_k c_k^2 = 1.74
]


@check("tropp_tail", points=0.5, cases=TAIL_CASES, stochastic=True, ffp=FFP_CASE)
def test_tropp_tail(student, ref, case, grader_seed):
    A, t = case.args
    # the exact P(||sum xi_k A_k|| >= t) and P(lambda_max >= t)
    p, p_max = ref.slipgen.series_tails(A, t)
    seeds = [1000 * grader_seed + k for k in range(K_SEEDS)]
    fr = [expect_scalar(student.tropp_tail(A, t, N_DRAWS, s), "the fraction") for s in seeds]
    again = expect_scalar(student.tropp_tail(A, t, N_DRAWS, seeds[0]), "the fraction")
    expect_reproducible(fr[0], again, "fractions", advice=f"Seed {seeds[0]} gave {fr[0]}, then {again}. "
                        "Next: draw only from np.random.default_rng(seed).")
    succ = int(round(sum(fr) * N_DRAWS))
    n = K_SEEDS * N_DRAWS
    lo, hi = binomial_range(n, p)
    if lo <= succ <= hi:
        return
    hint = None
    lo_max, hi_max = binomial_range(n, p_max)
    if lo_max <= succ <= hi_max:
        hint = "This looks like: the upper tail lambda_max >= t only; the norm also counts lambda_min <= -t."
    fail(f"over {K_SEEDS} seeds of {N_DRAWS} draws your fraction is {succ}/{n} = {succ / n:.4g}; the exact "
         f"P(||sum xi_k A_k|| >= t) = {p:.4g}, and a correct simulation lands in [{int(lo)}, {int(hi)}] "
         f"(false-failure probability {FFP_CASE:.0e}).",
         advice=(hint + " " if hint else "") + "Next: use the spectral norm of each sum and count >= t.")
