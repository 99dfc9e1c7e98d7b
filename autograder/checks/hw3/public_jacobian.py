"""hw3's public checks of jacobian_eigenvalues (notes (2.44)-(2.121)): the spectrum of
J J^T for Gaussian and orthogonal weights, linear and ReLU nets, against the reference's
at other seeds."""
import math

import numpy as np

from autograder.api import Case, check, fail, rejects, stats
from autograder.checks.hw3.public import (FFP_CASE, K_REF, K_STUDENT, expect_spectrum, fail_mann_whitney,
                                          seeded_spectra)
from autograder.checks.hw3.theory import ks_distance
from autograder.reference import UNRECORDED


def pw_cdf_or_none(ref, L):
    """CDF of the product Wishart law of depth L (a hidden helper's table), or None where
    the public fixtures do not hold it (a hint computed only for a failing answer)."""
    table = ref.slipgen.pw_cdf_table(L)
    if table is UNRECORDED:
        return None
    lam, cdf = table
    return lambda t: np.interp(t, lam, cdf, left=0.0, right=1.0)


def log_floored(x):
    """log(x), with x floored at 1e-300 (a spectrum of a deep net may round to 0)."""
    return math.log(max(float(x), 1e-300))


FEATURES = {
    "log_m1": ("log of the mean eigenvalue tr(J J^T)/n", lambda e, ctx: log_floored(np.mean(e))),
    "log_m2": ("log of the second moment tr((J J^T)^2)/n", lambda e, ctx: log_floored(np.mean(e * e))),
    "log_top": ("log of the largest eigenvalue", lambda e, ctx: log_floored(np.max(e))),
    "ks_law": ("the Kolmogorov distance of each draw's eigenvalues to the product Wishart law (2.95)",
               lambda e, ctx: ks_distance(e, ctx["cdf"])),
}


def jacobian_hint(ref, init, act, L, draws, ref_draws):
    """Name the likely slip from the student's spectra next to the reference's."""
    tips = []
    log_m1 = np.median([log_floored(d.mean()) for d in draws])
    ref_log_m1 = np.median([log_floored(r.mean()) for r in ref_draws])
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
        cdfs = {d: pw_cdf_or_none(ref, d) for d in (L - 1, L, L + 1) if d >= 1}
        dist = {d: ks_distance(pooled, cdf) for d, cdf in cdfs.items() if cdf is not None}
        best = min(dist, key=dist.get) if L in dist else L
        if best != L and dist[best] < 0.5 * dist[L]:
            tips.append(f"Your pooled spectrum fits the product Wishart law of depth {best} "
                        f"(distance {dist[best]:.3f}, against {dist[L]:.3f} for depth {L}): "
                        f"J = W_L D_L ... W_1 D_1 has L factors; W_0 only makes h_1.")
    return " ".join(tips) + (" " if tips else "") + "Next: J = W_L D_L ... W_1 D_1 with " \
        "D_l = diag(phi'(h_l)), h_1 = W_0 x, h_{l+1} = W_l phi(h_l); sigma_w^2 = 1 (linear) or 2 (relu)."


def jacobian_case(student, ref, grader_seed, n, L, init, act, features, k_student, k_ref):
    seeds = [grader_seed + k for k in range(k_student)]
    draws = seeded_spectra(lambda *a: student.jacobian_eigenvalues(*a), (n, L, init, act), seeds, n,
                           "eigenvalues of J J^T")
    if act == "linear" and init == "gaussian":
        # the laws of depth L -+ 1 that _jacobian_hint compares with, asked before any verdict
        # so that the public fixtures hold them for a student's install
        for d in (L - 1, L + 1):
            if d >= 1:
                ref.slipgen.pw_cdf_table(d)
    ctx = {"cdf": pw_cdf_or_none(ref, L)} if "ks_law" in features else {}
    refs = [ref.jacobian_eigenvalues(n, L, init, act, grader_seed + stats.REF_SEED_OFFSET + k)
            for k in range(k_ref)]
    alpha = FFP_CASE / len(features)
    for f in features:
        label, fn = FEATURES[f]
        mine, theirs = [fn(d, ctx) for d in draws], [fn(r, ctx) for r in refs]
        p = stats.two_sample(mine, theirs, "mann-whitney", method="exact")
        if p <= alpha:
            fail_mann_whitney(label, mine, theirs, p, alpha, jacobian_hint(ref, init, act, L, draws, refs))


@check("jacobian_eigenvalues", points=1.0, aspect="isometry", cases=[
    Case("linear_orthogonal_L3", 50, 3)])
def test_jacobian_linear_orthogonal(student, ref, case, grader_seed):
    """Orthogonal weights make a linear net an isometry: every eigenvalue is exactly 1."""
    n, L = case.args
    for seed in (grader_seed, grader_seed + 1):
        got = expect_spectrum(student.jacobian_eigenvalues(n, L, "orthogonal", "linear", seed), n,
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
    jacobian_case(student, ref, grader_seed, n, L, init, act, features, K_STUDENT, K_REF)


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
    jacobian_case(student, ref, grader_seed + 500, n, L, "orthogonal", "relu", ["log_m1"], *K_HAAR)


# unknown activations and inits are refused (at seed 0)
test_jacobian_rejects_unknown = rejects("jacobian_eigenvalues", ValueError, points=0.5, cases=[
    Case("tanh", 10, 2, "gaussian", "tanh", 0), Case("uniform_init", 10, 2, "uniform", "relu", 0),
])
