"""hw12's public checks: generalization beyond the uniform bounds (notes 4.1-4.2).

Every function but ``mcdiarmid_coins`` and ``tropp_tail`` is deterministic and
compared with the reference on grader-chosen inputs; slips are reproduced by the
grader's hidden helpers on the same inputs and named only when the submission's
values match them. ``mcdiarmid_coins`` and ``tropp_tail`` are simulations: their
fraction over several seeds is tested against the exact probability (fair coins;
series whose norm law is known, diagonal and scalar series).

This file holds the checks of the finite classes (covering_number,
rademacher_exact, dudley_bound) and of the hypersphere example;
``public_pac_bayes.py`` those of compression, Donsker-Varadhan and Lemma 11;
``public_concentration.py`` those of McDiarmid's and Tropp's inequalities.
The slip values and the exact probabilities the simulations are tested
against come from the grader's hidden helpers (``slipgen.py``, reached as
``ref.slipgen``); the inputs are in ``inputs.py``; the hidden cases are in
``hidden.py`` (not shipped to students).
"""
import math

import numpy as np

from autograder.api import (Case, Slip, check, close, expect_int, expect_scalar, expect_sequence, fail,
                            rejects)
from autograder.checks.hw12.inputs import H_REPEATED, H_SIGNS, H_SOFT, H_THRESHOLDS, sphere_data

TITLE = ("Beyond the uniform bounds: covering numbers, failure of uniform convergence, compression, "
         "PAC-Bayes tools, Tropp")
FUNCTIONS = ["covering_number", "rademacher_exact", "dudley_bound", "sphere_errors", "prune_quantize",
             "compression_bound", "dv_objective", "dv_maximiser", "relu_perturbation", "perturbation_bound",
             "mcdiarmid_bound", "mcdiarmid_coins", "tropp_bound", "tropp_tail"]

DEPENDS = {"dudley_bound": ("covering_number",), "perturbation_bound": ("relu_perturbation",)}

CALL_TIMEOUT = 10

RTOL = 1e-10           # closed forms and short sums of O(1) terms: round-off only
RTOL_ERR = 1e-9        # betainc at D of a few thousand, products of norms of 10 x 10 matrices


# ---------------------------------------------------------------- finite classes
@check("covering_number", points=0.25, cases=[
    Case("thresholds_eps1.5", H_THRESHOLDS, 1.5),
    Case("pm_eps3", H_SIGNS, 3.0),
    Case("soft_eps1", H_SOFT, 1.0),
    Case("integer_distance_eps_sqrt8", H_REPEATED, math.sqrt(8.0)),
    Case("tiny_eps_counts_distinct_rows", H_REPEATED, 1e-9),
])
def test_covering_number(student, ref, case):
    H, eps = case.args
    got = expect_int(student.covering_number(H, eps), "the covering number")
    want = ref.covering_number(H, eps)
    rms, closed, squared = ref.slipgen.covering_variants(H, eps)
    close(float(got), float(want), rtol=0, atol=0, name="the covering number", slips=[
        Slip("distances normalised by sqrt(m) (root mean square); (4.23) sums without 1/m", rms),
        Slip("a row at distance exactly eps counted as covered (<=); (4.23) has a strict <", closed),
        Slip("squared distances compared with eps", squared),
    ])


test_covering_number_errors = rejects("covering_number", ValueError, points=0.25,
                                      cases=[Case("eps_zero", H_SIGNS, 0.0)])


@check("rademacher_exact", points=0.25, cases=[
    Case("thresholds", H_THRESHOLDS),
    Case("pm", H_SIGNS),
])
def test_rademacher_exact(student, ref, case):
    (H,) = case.args
    got = expect_scalar(student.rademacher_exact(H), "Rad(H|S_m)")
    want = ref.rademacher_exact(H)
    no_abs, root_m = ref.slipgen.rademacher_variants(H)
    close(got, want, rtol=RTOL, name="Rad(H|S_m)", slips=[
        Slip("the absolute value of (4.15) is dropped (max_k sigma.H[k] instead of max_k |sigma.H[k]|)", no_abs),
        Slip("divided by sqrt(m) instead of m", root_m),
    ])


@check("dudley_bound", points=0.25, cases=[
    Case("thresholds_eps0.1", H_THRESHOLDS, 0.1),
    Case("pm_eps0.5", H_SIGNS, 0.5),
    Case("soft_eps0.2", H_SOFT, 0.2),
    Case("eps_above_top", H_THRESHOLDS, 2.0),
])
def test_dudley_bound(student, ref, case):
    H, eps = case.args
    got = expect_scalar(student.dudley_bound(H, eps), "Dudley's bound")
    want = ref.dudley_bound(H, eps)
    m = H.shape[1]
    close(got, want, rtol=RTOL, name="Dudley's bound", slips=[
        Slip("the integral runs up to sqrt(m); (4.26) stops at sqrt(m)/2",
             ref.slipgen.dudley(H, eps, top=math.sqrt(m))),
        Slip("12/sqrt(m) in front of the integral instead of 12/m",
             ref.slipgen.dudley(H, eps, front=12 / math.sqrt(m))),
        Slip("distances normalised by sqrt(m) in the covering numbers",
             ref.slipgen.dudley(H, eps, scale=1 / math.sqrt(m))),
    ])


@check("dudley_bound", points=0.25, aspect="above_rad", cases=[
    Case("thresholds", H_THRESHOLDS, [0.05, 0.3, 1.0]),
    Case("pm", H_SIGNS, [0.05, 0.5, 1.2]),
])
def test_dudley_above_rad(student, ref, case):
    H, epss = case.args
    rad = ref.rademacher_exact(H)
    for eps in epss:
        b = expect_scalar(student.dudley_bound(H, eps), f"dudley_bound(H, {eps})")
        if not b >= rad * (1 - 1e-12):
            fail(f"dudley_bound(H, {eps}) = {b:.6g} is below the exact Rad(H|S_m) = {rad:.6g}; Theorem 9 "
                 "bounds Rad from above.", advice="Next: check the covering numbers and the limits of the integral.")


# ---------------------------------------------------------------- hypersphere example
_SPHERE_SLIPS = (
    "z_i not flipped on not(S): the error on not(S) equals the training error",
    "c = mu/(r ||w_2||): w_1 = mu is left out of the margin mu^2",
    "the test error counts both tails, P(u^2 > c^2) without the 1/2")


_SPH1 = sphere_data(40, 4000, math.sqrt(80), 1211)
_SPH2 = sphere_data(30, 2000, math.sqrt(45), 1212)
_SPH3 = sphere_data(40, 400, 4.0, 1213)


@check("sphere_errors", points=0.25, cases=[
    Case("m40_D4000", *_SPH1, 1.0),
    Case("m30_D2000", *_SPH2, 1.0),
    Case("low_dim_D400", *_SPH3, 0.8),
])
def test_sphere_errors(student, ref, case):
    Z, y, mu = case.args
    got = expect_sequence(student.sphere_errors(Z, y, mu), 3, "(train_error, test_error, neg_error)")
    got = [expect_scalar(v, n) for v, n in zip(got, ("train_error", "test_error", "neg_error"))]
    want = list(ref.sphere_errors(Z, y, mu))
    close(np.array(got), np.array(want), rtol=RTOL_ERR, atol=1e-14, name="(train_error, test_error, neg_error)",
          slips=[Slip(text, np.array(value)) for text, value in
                 zip(_SPHERE_SLIPS, ref.slipgen.sphere_slip_values(Z, y, mu))])
