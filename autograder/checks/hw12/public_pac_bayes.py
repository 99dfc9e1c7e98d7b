"""hw12's public checks of compression, Donsker-Varadhan and Lemma 11 (notes 4.2).

prune_quantize, compression_bound, dv_objective, dv_maximiser,
relu_perturbation and perturbation_bound are compared with the reference on
grader-chosen inputs, and with what the theory guarantees: the DV objective
stays below KL(Q||P) (Lemma 9) and reaches it at the maximiser, and the
output change of a perturbed ReLU net stays below the bound (4.96). The
hidden cases are in ``hidden.py``.
"""
import math

import numpy as np

from autograder.api import (Case, Slip, check, close, expect_array, expect_int, expect_scalar, expect_sequence,
                            fail, rejects)
from autograder.checks.hw12.inputs import gaussian, perturbation, random_net
from autograder.checks.hw12.public import RTOL, RTOL_ERR
from autograder.reference import UNRECORDED


# ---------------------------------------------------------------- compression
@check("prune_quantize", points=0.25, cases=[
    Case("k10_r4", random_net([4, 6, 1], 1221), 10, 4),
    Case("k3_r2", random_net([3, 5, 1], 1222), 3, 2),
    Case("k40_r8", random_net([5, 8, 8, 1], 1223), 40, 8),
    Case("kept_all_positive", [np.array([[3.0, -0.5, 2.0], [0.25, -1.0, 1.5]]), np.array([[2.5, -0.75]])], 3, 3),
])
def test_prune_quantize(student, ref, case):
    ws, k, r = case.args
    got = expect_sequence(student.prune_quantize(ws, k, r), len(ws), "the compressed weights")
    got = np.concatenate([expect_array(g, w.shape, f"compressed W_{l + 1}").ravel()
                          for l, (g, w) in enumerate(zip(got, ws))])
    want = np.concatenate([np.asarray(w).ravel() for w in ref.prune_quantize(ws, k, r)])
    close(got, want, rtol=RTOL, atol=1e-15, name="the compressed weights (flattened)", slips=[
        Slip("the k largest signed values kept instead of the k largest |theta_i|",
             ref.slipgen.pq(ws, k, r, signed=True)),
        Slip("the codebook spans all weights instead of the kept ones", ref.slipgen.pq(ws, k, r, book_all=True)),
        Slip("pruned but not quantised", ref.slipgen.pq(ws, k, r, quantise=False)),
    ])


test_prune_quantize_errors = rejects("prune_quantize", ValueError, points=0.25, cases=[
    Case("k_zero", random_net([2, 3, 1], 1225), 0, 4)])


@check("compression_bound", points=0.25, cases=[
    Case("m10000_k50_r4", 0.02, 10000, 300, 50, 4, 0.05),
    Case("m60000_k1000_r16", 0.01, 60000, 100000, 1000, 16, 0.01),
    Case("m5000_k20_r3", 0.1, 5000, 37, 20, 3, 0.1),
])
def test_compression_bound(student, ref, case):
    got = expect_sequence(student.compression_bound(*case.args), 2, "(bits, bound)")
    bits = expect_int(got[0], "bits")
    bound = expect_scalar(got[1], "bound")
    want = ref.compression_bound(*case.args)
    a = case.args
    close(np.array([float(bits), bound]), np.array([float(want[0]), want[1]]), rtol=RTOL, name="(bits, bound)", slips=[
        Slip("natural logarithms in the code length (4.73); bits need log2", ref.slipgen.cb(*a, natural_log=True)),
        Slip("log2 not rounded up: a code length is a whole number of bits", ref.slipgen.cb(*a, ceil=False)),
        Slip("the prior's -log q(bits) = log(bits(bits+1)) is left out of the KL (4.72)",
             ref.slipgen.cb(*a, kraft=False)),
        Slip("sqrt(.../m) without the 2 of (4.50)", ref.slipgen.cb(*a, two=1.0)),
    ])


# ---------------------------------------------------------------- Donsker-Varadhan
DV_CASES = [Case("quadratic", 0.2, -0.5, 0.5, 2.0, -0.3, 0.7), Case("linear_only", 0.0, 1.3, 1.0, 1.0, 0.0, 1.0),
            Case("negative_a", -0.4, 0.7, -1.0, 0.5, 0.5, 3.0), Case("near_edge", 0.7, 0.1, 0.2, 1.5, 0.1, 0.7)]


@check("dv_objective", points=0.25, cases=DV_CASES)
def test_dv_objective(student, ref, case):
    got = expect_scalar(student.dv_objective(*case.args), "the DV objective")
    want = ref.dv_objective(*case.args)
    close(got, want, rtol=RTOL, atol=1e-13, name="the DV objective", slips=[
        Slip("E_Q x^2 taken as var_q (the mean's square mu_q^2 is missing)", ref.slipgen.dv(*case.args, mean_q=False)),
        Slip("the factor (1 - 2a var_p)^{-1/2} of E_P e^h is missing", ref.slipgen.dv(*case.args, half_log=False)),
    ])


@check("dv_objective", points=0.25, aspect="infinite", cases=[
    Case("a_too_large", 1.0, 0.0, 0.0, 1.0, 0.0, 1.0)])
def test_dv_objective_infinite(student, ref, case):
    got = expect_scalar(student.dv_objective(*case.args), "the DV objective")
    if not got == -math.inf:
        fail(f"got {got!r}; with 1 - 2a var_p <= 0, E_P e^h is infinite and the objective is -inf.",
             advice="Next: return -math.inf when 1 - 2 a var_p <= 0.")


@check("dv_objective", points=0.25, aspect="below_kl", cases=[
    Case("grid", 0.5, 2.0, -0.3, 0.7)])
def test_dv_below_kl(student, ref, case):
    mq, vq, mp, vp = case.args
    kl = ref.slipgen.kl(mq, vq, mp, vp)
    for a in np.linspace(-1.0, 0.49 / vp, 7):
        for b in np.linspace(-2.0, 2.0, 5):
            v = expect_scalar(student.dv_objective(float(a), float(b), mq, vq, mp, vp), "the DV objective")
            if v > kl + 1e-12:
                fail(f"dv_objective({a:.4g}, {b:.4g}, ...) = {v:.10g} exceeds KL(Q||P) = {kl:.10g}; Lemma 9 "
                     "says no h does.", advice="Next: recheck E_Q h and log E_P e^h.")


@check("dv_maximiser", points=0.25, cases=[
    Case("wider_q", 0.5, 2.0, -0.3, 0.7), Case("same_var", 1.0, 1.0, 0.0, 1.0), Case("narrow_q", -1.0, 0.5, 0.5, 3.0)])
def test_dv_maximiser(student, ref, case):
    mq, vq, mp, vp = case.args
    got = expect_sequence(student.dv_maximiser(*case.args), 2, "(a, b)")
    got = np.array([expect_scalar(v, n) for v, n in zip(got, "ab")])
    want = np.array(ref.dv_maximiser(*case.args))
    swapped, deviations = ref.slipgen.dv_maximiser_slips(*case.args)
    close(got, want, rtol=RTOL, atol=1e-14, name="(a, b)", slips=[
        Slip("Q and P swapped: this is log dP/dQ", swapped),
        Slip("standard deviations used where the notes' variances go", deviations),
    ])
    kl = ref.slipgen.kl(mq, vq, mp, vp)
    # (the objective at the student's own (a, b): a student install holds it only where the
    # reference's (a, b) were recorded; there the check above already compared (a, b))
    val = ref.slipgen.dv(float(got[0]), float(got[1]), *case.args) if 1 - 2 * got[0] * vp > 0 else -math.inf
    if val is not UNRECORDED and not abs(val - kl) <= 1e-10 * max(1.0, kl):
        fail(f"the DV objective at your (a, b) is {val:.10g}, not KL(Q||P) = {kl:.10g}.",
             advice="Next: h* = log q(x) - log p(x); expand both Gaussian log densities.")


# ---------------------------------------------------------------- Lemma 11
_NET3 = random_net([5, 10, 10, 1], 1231)
_NET2 = random_net([3, 20, 1], 1232)
_X_NET3 = gaussian((5, 25), 1234)
_X_NET2 = gaussian((3, 25), 1235)


@check("relu_perturbation", points=0.25, cases=[
    Case("L3", _NET3, perturbation(_NET3, 0.5, 1241), _X_NET3),
    Case("L2", _NET2, perturbation(_NET2, 1.0, 1242), _X_NET2),
])
def test_relu_perturbation(student, ref, case):
    ws, us, X = case.args
    got = expect_scalar(student.relu_perturbation(ws, us, X), "the largest output change")
    want = ref.relu_perturbation(ws, us, X)
    last_relu, mean, output = ref.slipgen.relu_perturbation_variants(ws, us, X)
    close(got, want, rtol=RTOL_ERR, name="the largest output change", slips=[
        Slip("a ReLU on the output layer too", last_relu),
        Slip("the mean over the points instead of the maximum", mean),
        Slip("the perturbation added to the output of the net instead of the weights",
             output),
    ])


@check("perturbation_bound", points=0.25, cases=[
    Case("L3", _NET3, perturbation(_NET3, 0.5, 1241), 3.0),
    Case("L2", _NET2, perturbation(_NET2, 1.0, 1242), 2.5),
])
def test_perturbation_bound(student, ref, case):
    ws, us, B = case.args
    got = expect_scalar(student.perturbation_bound(ws, us, B), "the bound (4.96)")
    want = ref.perturbation_bound(ws, us, B)
    close(got, want, rtol=RTOL_ERR, name="the bound (4.96)", slips=[
        Slip("Frobenius norms instead of spectral norms", ref.slipgen.pbound(ws, us, B, ord_="fro")),
        Slip("the factor e is missing", ref.slipgen.pbound(ws, us, B, e=1.0)),
        Slip("sum of ||U_l||_2 not divided by ||W_l||_2", ref.slipgen.pbound(ws, us, B, divide=False)),
    ])


test_perturbation_bound_errors = rejects("perturbation_bound", ValueError, points=0.25, cases=[
    Case("too_large", _NET3, perturbation(_NET3, 1.5, 1244), 3.0)])


@check("perturbation_bound", points=0.25, aspect="holds", cases=[
    Case("random_nets_L3", [5, 10, 10, 1], 1250)])
def test_perturbation_bound_holds(student, ref, case):
    widths, seed = case.args
    for j in range(4):
        ws = random_net(widths, seed + j)
        us = perturbation(ws, 1.0, seed + 100 + j)
        X = gaussian((widths[0], 30), seed + 200 + j)
        B = float(np.max(np.linalg.norm(X, axis=0)))
        gap = expect_scalar(student.relu_perturbation(ws, us, X), "relu_perturbation")
        bound = expect_scalar(student.perturbation_bound(ws, us, B), "perturbation_bound")
        if not gap <= bound:
            fail(f"on a random net (widths {widths}, ||U_l|| = ||W_l||/L) the output changes by {gap:.6g}, "
                 f"more than your bound {bound:.6g}; Lemma 11 says it cannot.",
                 advice="Next: recheck both functions against (4.96).")
