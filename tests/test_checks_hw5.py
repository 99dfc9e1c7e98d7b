"""Are the hw5 checks' own inputs and theory values sound?

The checks compare integers exactly (escape steps), classify matrices near
the tolerance, and compare attraction counts with a linearised theory. These
tests make sure a correct solution written with other algebra cannot land on
the other side of a boundary, and that the theory the checks use agrees with
the reference's simulation.
"""
import math

import numpy as np
import pytest
from scipy import stats

from autograder.checks.hw5 import hidden as H
from autograder.checks.hw5 import public as C
from autograder.checks.hw5 import public_escape as E   # the escape checks' tables
from autograder.checks.hw5 import slipgen as G   # the checks' hidden helpers
from solutions import hw5 as R


@pytest.mark.parametrize("case", (E.ESCAPE_CASES + H.ESCAPE_CASES), ids=lambda c: c.id)
def test_is_every_escape_case_far_from_the_threshold(case):
    """At the escape step the component exceeds the threshold, and one step earlier it falls
    short, by a relative margin >= 1e-6: round-off of other algebra (~1e-13) cannot move k."""
    name, theta0, lr, thr = case.args
    k = R.escape_steps(*case.args, **case.kwargs)
    traj = R.gd(name, theta0, lr, k)
    v = np.array([0.0, 1.0]) if name == "quartic" else np.array([1.0, 1.0]) / math.sqrt(2)
    comp = np.abs(traj @ v)
    assert comp[k] >= thr * (1 + 1e-6)
    if k > 0:
        assert comp[:k].max() <= thr * (1 - 1e-6)


@pytest.mark.parametrize("row", C.CLASSIFY + H.CLASSIFY, ids=lambda r: r[0])
def test_are_classification_eigenvalues_clear_of_the_tolerance(row):
    """Every eigenvalue is 0 exactly or at least a factor 2 away from +-tol."""
    _, lam, _, tol = row
    tol = 1e-8 if tol is None else tol
    for v in lam:
        if v != 0.0 and tol > 0:
            assert abs(abs(v) / tol - 1) >= 0.5


@pytest.mark.parametrize("case", (E.PRED_CASES + H.PRED_CASES), ids=lambda c: c.id)
def test_are_generic_prediction_cases_away_from_integers(case):
    """Outside the exact-power cases, log(thr/d)/log1p(lr) is >= 1e-6 from an integer,
    so ceil is the same for every correct formula."""
    name, d, lr, thr = case.args
    if case.id.startswith("exact_power") or d >= thr:
        return
    x = math.log(thr / d) / math.log1p(lr)
    assert abs(x - round(x)) > 1e-6


@pytest.mark.parametrize("case", (E.SAT_THEORY + H.SAT_THEORY), ids=lambda c: c.id)
def test_does_the_linearised_attraction_theory_match_the_simulation(case):
    """The p that the theory check uses, against 400000 reference inits (binomial, ffp 1e-6)."""
    name, lr, r, steps = case.args
    p = G.linear_attraction_p(name, lr, r, steps)
    n = 400000
    count = round(R.saddle_attraction_rate(name, lr, n, r, steps, seed=2024) * n)
    lo, hi = stats.binom.interval(1 - 1e-6, n, p)
    assert lo <= count <= hi, (count / n, p)


def test_do_off_by_one_steps_move_the_theory_far_outside_the_acceptance_range():
    """The theory check's power: steps +- 1 shifts p by > 8 standard errors of the checked count."""
    n = E.THEORY_N * E.THEORY_SEEDS
    for case in (E.SAT_THEORY + H.SAT_THEORY):
        name, lr, r, steps = case.args
        if steps == 0:
            continue
        p = G.linear_attraction_p(name, lr, r, steps)
        se = math.sqrt(p * (1 - p) / n)
        for d in (-1, 1):
            assert abs(G.linear_attraction_p(name, lr, r, steps + d) - p) > 8 * se


def test_are_lipschitz_slips_distinct_from_the_answer_where_they_are_tested():
    """Each wrong-answer hint of lipschitz_constant differs from the right value on some case."""
    for k in range(4):
        assert any(abs(G.lipschitz_slips(c.args[0], c.args[1])[k]
                       - R.lipschitz_constant(*c.args)) > 1e-3 for c in (C.LIP_CASES + H.LIP_CASES))
