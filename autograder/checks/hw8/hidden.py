"""hw8's hidden cases: graded by `course grade` and the nbgrader release, never shipped.

The student package leaves this file out (``course student-dist``); the checks
themselves, and the reasons for their tolerances, are in ``public.py`` and
``public_bounds.py``.
"""
import math

import numpy as np

from autograder.api import Case, check, expect_int, expect_scalar, fail, hidden_cases, stats

from . import public as P
from . import public_bounds as PB
from .diagnosis import Z_MC, two_numbers
from .public import RTOL_STRUCT, _loss_matrix
from .public_bounds import DR_DATA, MC_DRAWS, _dr_data, _kl_args, _ney_case, _random_net
from .theory import sauer_log_bound


# brute force: the labelings of m points on a line realised by a class (Sauer's lemma is tight)
def _count_labelings(labelings):
    return len(labelings)


def _threshold_labelings(m):
    x = np.arange(m, dtype=float)
    return {tuple(x > c) for c in np.arange(-0.5, m, 1.0)}


def _interval_labelings(m):
    x, cuts = np.arange(m, dtype=float), np.arange(-0.5, m, 1.0)
    return {tuple((x > a) & (x < b)) for a in cuts for b in cuts}



LIN_CASES = [
    Case("correlated_4x8_B0.3", "correlated", (4, 8), 0.3),
    Case("gauss_6x5_B4", "gauss", (6, 5), 4.0),
]

FIN_CASES = [Case(kind, _loss_matrix(kind, 82)) for kind in ("losses01_5x12", "uniform_3x8")]

SPEC_CASES = [
    # not the public case's weights (seed 85): its "M ignored" slip is their complexity with M = 0
    Case("net_2_9_4_1", _random_net([2, 9, 4, 1], 81), "bartlett"),
    Case("net_2_9_4_1_neyshabur", _random_net([2, 9, 4, 1], 85), "neyshabur"),
    Case("reference_equals_weights", _random_net([5, 6, 1], 87), "bartlett", _random_net([5, 6, 1], 87)),
    Case("single_1x6", _random_net([6, 1], 88), "bartlett"),
    Case("deep_3_8_8_8_8_1", _random_net([3, 8, 8, 8, 8, 1], 89), "bartlett"),
]

test_finite_class_bound = hidden_cases(P.test_finite_class_bound, [Case("m1_delta_half", 1, 0.5, 1), Case("F1e6_m7", 7, 0.2, 10**6), Case("keywords", m=20, delta=0.1, n_hypotheses=3)])

test_finite_class_bound_errors = hidden_cases(P.test_finite_class_bound_errors, [Case("no_hypotheses", 10, 0.1, 0)])

test_sauer_bound = hidden_cases(P.test_sauer_bound, [Case("m5_d5", 5, 5), Case("m0_d0", 0, 0), Case("m7_d0", 7, 0), Case("m200_d199", 200, 199), Case("m64_d2", 64, 2)])


LINE_CLASSES = {"thresholds": _threshold_labelings, "intervals": _interval_labelings}


@check("sauer_bound", points=0.5, aspect="tight", hidden=True, cases=[
    Case("thresholds_d1", "thresholds", 1), Case("intervals_d2", "intervals", 2)])
def test_sauer_bound_is_tight_on_the_line(student, ref, case):
    name, d = case.args
    family = LINE_CLASSES[name]
    for m in range(1, 9):
        got = expect_int(student.sauer_bound(m, d), python_int=True)
        brute = _count_labelings(family(m))
        if got != brute:
            fail(f"sauer_bound({m}, {d}) = {got}, but {name} on the line realise "
                 f"exactly {brute} labelings of {m} points (Sauer's lemma is tight here). "
                 "Next: sum binom(m, k) for k = 0..min(d, m).")


@check("sauer_bound", points=0.5, aspect="polynomial", hidden=True, cases=[Case("d_below_m_below_200")])
def test_sauer_bound_below_4_20(student, ref, case):
    for m in (2, 3, 10, 57, 199):
        for d in sorted({1, 2, 3, m // 2, m - 1} - {0}):
            if d >= m:
                continue
            got = expect_int(student.sauer_bound(m, d), python_int=True)
            if got < 1 or math.log(got) > sauer_log_bound(m, d) + 1e-9:
                fail(f"sauer_bound({m}, {d}) = {got} exceeds exp(d (1 + log m - log d)) of (4.20). "
                     "Next: sum binom(m, k) for k = 0..d only.")

test_vc_bound = hidden_cases(P.test_vc_bound, [Case("m7_d7", 7, 7, 0.1), Case("m50_d0", 50, 0, 0.1), Case("m1_d1", 1, 1, 0.5), Case("m1e6_d100", 10**6, 100, 0.001)])

test_rademacher_linear_bound = hidden_cases(P.test_rademacher_linear_bound, LIN_CASES)

test_rademacher_linear_mean = hidden_cases(P.test_rademacher_linear_mean, LIN_CASES)

test_rademacher_linear_spread = hidden_cases(P.test_rademacher_linear_spread, [Case("correlated_4x8", "correlated", (4, 8))])

test_rademacher_finite_bound = hidden_cases(P.test_rademacher_finite_bound, FIN_CASES)

test_rademacher_finite_mean = hidden_cases(P.test_rademacher_finite_mean, FIN_CASES)

test_rademacher_finite_spread = hidden_cases(P.test_rademacher_finite_spread, [
    Case("pm1_6x10", _loss_matrix("pm1_6x10", 82))])

test_spectral_complexity = hidden_cases(PB.test_spectral_complexity, SPEC_CASES)


def _homogeneous(student, Ws, kind, base):
    for layer in range(3):
        scaled = [W * (2.7 if i == layer else 1.0) for i, W in enumerate(Ws)]
        got = expect_scalar(student.spectral_complexity(scaled, kind, None))
        if not math.isclose(got, 2.7 * base, rel_tol=RTOL_STRUCT):
            fail(f"{kind}: scaling W_{layer + 1} by 2.7 multiplied your complexity by "
                 f"{got / base:.6g}, not 2.7 (it is homogeneous of degree 1 in each W_l).")


def _balanced_rescaling(student, Ws, kind, base):
    a = [3.0, 0.2, 1 / 0.6]
    got = expect_scalar(student.spectral_complexity([ai * W for ai, W in zip(a, Ws)], kind, None))
    if not math.isclose(got, base, rel_tol=RTOL_STRUCT):
        fail(f"{kind}: W_l -> a_l W_l with prod a_l = 1 changed your complexity from {base:.6g} "
             f"to {got:.6g}; (4.91) says it must not change.")


def _bartlett_above_neyshabur(student):
    for seed in range(93, 98):
        Ws = _random_net([int(w) for w in np.random.default_rng(seed).integers(1, 8, size=4)] + [1], seed)
        b = expect_scalar(student.spectral_complexity(Ws, "bartlett", None))
        n = expect_scalar(student.spectral_complexity(Ws, "neyshabur", None))
        if not b >= n * (1 - RTOL_STRUCT):
            fail(f"Bartlett's complexity {b:.6g} is below Neyshabur's {n:.6g}; with M = 0 it never "
                 "is (an l_2/3 sum dominates an l_2 sum, and a sum of row norms the Frobenius norm).")


# each case names a property: of each kind's complexity under a change of the weights, or
# a comparison of the two kinds
PER_KIND = {"homogeneous": _homogeneous, "balanced_rescaling": _balanced_rescaling}
ACROSS_KINDS = {"bartlett_above_neyshabur": _bartlett_above_neyshabur}


@check("spectral_complexity", points=0.5, aspect="structure", hidden=True, cases=[
    Case(prop, prop) for prop in ("homogeneous", "balanced_rescaling", "bartlett_above_neyshabur")])
def test_spectral_complexity_structure(student, ref, case):
    per_kind, across_kinds = PER_KIND.get(case.args[0]), ACROSS_KINDS.get(case.args[0])
    Ws = _random_net([6, 5, 4, 1], 92)
    for kind in ("bartlett", "neyshabur"):
        base = expect_scalar(student.spectral_complexity(Ws, kind, None))
        if per_kind is not None:
            per_kind(student, Ws, kind, base)
    if across_kinds is not None:
        across_kinds(student)

test_neyshabur_bound = hidden_cases(PB.test_neyshabur_bound, [
    _ney_case("hidden_widest_4_12_6_1", [4, 12, 6, 1]), _ney_case("explicit_B", [5, 7, 1], B=10.0)])


@check("neyshabur_bound", points=0.5, aspect="rescaling", hidden=True, cases=[Case("balanced_4_6_5_1")])
def test_neyshabur_bound_rescaling(student, ref, case):
    Ws = _random_net([4, 6, 5, 1], 96)
    rng = np.random.default_rng(97)
    X = rng.normal(size=(4, 50))
    y = np.where(rng.random(50) < 0.5, -1.0, 1.0)
    base = two_numbers(student.neyshabur_bound(Ws, X, y, 0.3, 0.05, None), "(margin_risk, bound)")
    got = two_numbers(student.neyshabur_bound([a * W for a, W in zip([4.0, 0.125, 2.0], Ws)], X, y, 0.3, 0.05, None),
                "(margin_risk, bound)")
    if got[0] != base[0] or not math.isclose(got[1], base[1], rel_tol=RTOL_STRUCT):
        fail(f"W_l -> a_l W_l with prod a_l = 1 (a ReLU net is unchanged, (4.91)) changed your "
             f"(margin_risk, bound) from {base} to {got}.")

test_mcallester_bound = hidden_cases(PB.test_mcallester_bound, [Case("big_kl", 0.02, 150.0, 5000, 0.01), Case("m60000", 0.5, 0.3, 60000, 0.025)])

test_mcallester_bound_errors = hidden_cases(PB.test_mcallester_bound_errors, [Case("delta_1.5", 0.1, 1.0, 100, 1.5)])

test_kl_diag_gaussians = hidden_cases(PB.test_kl_diag_gaussians, [
    Case(kind, *_kl_args(kind)) for kind in ("array_prior", "near_equal", "d50_scalar_prior")])

test_dziugaite_roy_bound = hidden_cases(PB.test_dziugaite_roy_bound, [
    Case("j_equals_1", *DR_DATA, 0.0, math.log(0.1) - 1 / 100),
    Case("delta_b_c", *DR_DATA, 0.3, -2.0, delta=0.05, b=50.0, c=1.0),
    Case("deterministic_limit", DR_DATA[0], np.full(5, -60.0), *DR_DATA[2:], 0.0, -3.0),
    Case("d12_m300", *_dr_data(100, d=12, m=300), 0.0, -4.0)])

test_dziugaite_roy_bound_errors = hidden_cases(PB.test_dziugaite_roy_bound_errors, [
    Case("j_negative", *DR_DATA, 0.0, math.log(0.1) + 0.5)])


@check("dziugaite_roy_bound", points=0.5, aspect="sampling", hidden=True, stochastic=True, ffp=6.8e-6,
       cases=[Case("d5_m40")])
def test_dziugaite_roy_gibbs_against_sampling(student, ref, case, grader_seed):
    mu, lam, X, y = _dr_data(101)
    gibbs, _ = two_numbers(student.dziugaite_roy_bound(mu, lam, X, y, 0.0, -3.0), "(gibbs_risk, bound)")
    w = mu + np.exp(lam / 2) * np.random.default_rng(grader_seed + stats.REF_SEED_OFFSET).standard_normal((MC_DRAWS, mu.size))
    per_draw = np.mean(y * (w @ X) < 0, axis=1)
    stats.z_check(gibbs, per_draw.mean(), per_draw.std(ddof=1) / math.sqrt(MC_DRAWS), Z_MC,
                  what="your gibbs_risk compared with the grader's Monte Carlo average over w ~ Q",
                  hint="Next: R̂_m(Q) = mean_i Phi(-y_i mu^T x_i / sqrt(sum_k e^lam_k x_ki^2)).")
