"""hw8's public checks of the bounds of chapter 4's second half: spectral_complexity,
neyshabur_bound, mcallester_bound, kl_diag_gaussians, dziugaite_roy_bound.

Compared with the reference on grader-supplied inputs to float64 round-off; the
slips are named by hidden helpers (``ref.slipgen``), see ``public.py``.
"""
import math

import numpy as np

from autograder.api import Case, Slip, check, close, fail, rejects
from autograder.checks.hw8.diagnosis import two_numbers
from autograder.checks.hw8.public import ATOL_KL, ATOL_RISK, RTOL_EXACT


# ================================================================ spectral_complexity
def _random_net(widths, seed):
    """Weights W_l with iid N(0, 1 / widths[l]) entries."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(b, a)) / math.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


SPEC_CASES = [
    Case("identity_L3_n4", [np.eye(4)] * 3, "bartlett"),
    Case("identity_L3_n4_neyshabur", [np.eye(4)] * 3, "neyshabur"),
    Case("net_7_3_1", _random_net([7, 3, 1], 84), "bartlett"),
    Case("net_7_3_1_neyshabur", _random_net([7, 3, 1], 84), "neyshabur"),
    Case("net_2_9_4_1_reference", _random_net([2, 9, 4, 1], 85), "bartlett", _random_net([2, 9, 4, 1], 86)),
]


@check("spectral_complexity", points=0.5, cases=SPEC_CASES)
def test_spectral_complexity(student, ref, case):
    Ws, kind = case.args[:2]
    M = case.args[2] if len(case.args) > 2 else None
    got = student.spectral_complexity(Ws, kind, M)
    want = ref.spectral_complexity(Ws, kind, M)
    if kind == "neyshabur":
        slips = [Slip("sum ||W_l||_F / ||W_l||_2 without squares (the text dump's (4.115)); (4.87) squares both",
                      ref.slipgen.spectral(Ws, "neyshabur", neyshabur_square=False)),
                 Slip("the spectral norm replaced by the Frobenius norm",
                      ref.slipgen.frobenius_product(Ws))]
    else:
        slips = [Slip("||W^T||_{2,1} taken as the sum of the column norms of W; it sums the row norms",
                      ref.slipgen.spectral(Ws, M=M, norms="columns")),
                 Slip("the exponents 2 and 1/2 printed in (4.90); (4.31) has 2/3 and 3/2",
                      ref.slipgen.spectral(Ws, M=M, p=2.0)),
                 Slip("the Frobenius norm in place of ||(W - M)^T||_{2,1}", ref.slipgen.spectral(Ws, M=M, norms="frobenius"))]
        if M is not None:
            slips.append(Slip("the reference matrices M_l ignored", ref.slipgen.spectral(Ws)))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


test_spectral_complexity_errors = rejects("spectral_complexity", ValueError, points=0.5, cases=[
    Case("unknown_kind", _random_net([3, 2, 1], 90), "frobenius", None),
    Case("neyshabur_with_reference", _random_net([3, 2, 1], 90), "neyshabur", _random_net([3, 2, 1], 91)),
])


# ================================================================ neyshabur_bound
def _ney_inputs(ref, Ws, X, y=None, noise=None, gamma=None, delta=0.05, B=None):
    """The arguments of neyshabur_bound: labels y = sign(f(X) + noise) when y is None (a
    net's own labels, flipped by noise), and gamma = the margin of point 0 when None."""
    f = ref.slipgen.forward(Ws, X)
    if y is None:
        y = np.sign(f + noise)
        y[y == 0] = 1.0
    if gamma is None:
        gamma = float(y[0] * f[0])
    return Ws, X, y, gamma, delta, B


def _ney_case(cid, widths, B=None):
    """A random net of ``widths`` on 60 Gaussian points, labelled by its own sign plus noise."""
    rng = np.random.default_rng(94)
    X = rng.normal(size=(widths[0], 60))
    return Case(cid, _random_net(widths, 95), X, noise=0.3 * rng.normal(size=60), gamma=0.2, delta=0.05, B=B)


# W1, W2, X with dyadic entries: the margin of point 0, 1.0625, is attained exactly, so
# gamma equal to it tests the strict y f(x) < gamma of the margin loss
DYADIC = Case("dyadic_margin_equals_gamma",
              [np.array([[1.0, -0.5], [0.25, 1.0], [-1.0, 0.5]]), np.array([[0.5, 1.0, -0.25]])],
              np.array([[1.0, 2.0, 0.5, -1.0], [0.5, 1.0, 0.25, 1.0]]),
              y=np.array([1.0, 1.0, -1.0, 1.0]), delta=0.1, B=None)


@check("neyshabur_bound", points=0.5, cases=[
    DYADIC,
    _ney_case("input_widest_9_3_2_1", [9, 3, 2, 1]),
])
def test_neyshabur_bound(student, ref, case):
    Ws, X, y, gamma, delta, B = _ney_inputs(ref, *case.args, **case.kwargs)
    risk, bound = two_numbers(student.neyshabur_bound(Ws, X, y, gamma, delta, B), "(margin_risk, bound)")
    want = ref.neyshabur_bound(Ws, X, y, gamma, delta, B)
    leq = ref.slipgen.ney(Ws, X, y, gamma, delta, B, strict=False)
    close(risk, want[0], rtol=RTOL_EXACT, name="margin_risk", slips=[
        Slip("y f(x) <= gamma counted as a margin error; the margin loss needs y f(x) < gamma (strict)", leq[0]),
        Slip("the 0/1 risk (margin 0) instead of the margin risk", ref.slipgen.zero_one_risk(Ws, X, y)),
        Slip("the fraction of correct margins, 1 - R̂_gamma", 1 - want[0])])
    slips = [Slip("n without the input dimension: n = max_l n_l counts every W_l's dimensions",
                  ref.slipgen.ney(Ws, X, y, gamma, delta, B, n_mode="outputs")[1]),
             Slip("L - 1 (hidden layers) for L; in chapter 4 L counts weight matrices",
                  ref.slipgen.ney(Ws, X, y, gamma, delta, B, L_shift=-1)[1] if len(Ws) > 1 else float("nan")),
             Slip("y f(x) <= gamma counted as a margin error", leq[1])]
    if B is None:
        slips.append(Slip("B = ||X||_F; B bounds each point: max_i ||x_i||_2",
                          ref.slipgen.ney(Ws, X, y, gamma, delta, None, B_mode="frobenius")[1]))
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
    slips = [Slip(t, v) for t, v in zip(("2m under the root; Theorem 11 has 2m - 1", "log(1/delta) for log(4m/delta)"),
                                        ref.slipgen.mcallester_slips(e, kl, m, delta))]
    if e > 0:
        slips.append(Slip("the empirical risk left out", want - e))
    close(got, want, rtol=RTOL_EXACT, slips=slips)


test_mcallester_bound_errors = rejects("mcallester_bound", ValueError, points=0.25, cases=[
    Case("negative_kl", 0.1, -1e-3, 100, 0.05), Case("delta_0", 0.1, 1.0, 100, 0.0),
    Case("delta_1", 0.1, 1.0, 100, 1.0)])


# ================================================================ kl_diag_gaussians
def _kl_args(kind):
    """(mu, lam, mu_p, lam_p) of the given kind (from one fixed generator)."""
    rng = np.random.default_rng(98)
    mu, lam = rng.normal(size=4), rng.normal(size=4)
    if kind == "q_equals_p":
        return mu, lam, mu.copy(), lam.copy()
    if kind == "scalar_prior_4_77":
        return np.array([1.0, -2.0, 0.5, 3.0]), np.array([0.5, -1.0, 1.5, 0.0]), 0.0, -0.5
    if kind == "sigma2_4_82":
        return mu, np.full(4, math.log(0.37)), 0.0, math.log(0.37)
    if kind == "array_prior":
        return mu, lam, rng.normal(size=4), rng.normal(size=4)
    if kind == "near_equal":
        return mu, lam, mu + 1e-4, lam + 1e-3
    return rng.normal(size=50), rng.normal(size=50) - 3, 0.2, -1.0     # "d50_scalar_prior"


@check("kl_diag_gaussians", points=0.5, cases=[
    Case(kind, *_kl_args(kind)) for kind in ("q_equals_p", "scalar_prior_4_77", "sigma2_4_82")])
def test_kl_diag_gaussians(student, ref, case):
    args = case.args
    got = student.kl_diag_gaussians(*args)
    want = ref.kl_diag_gaussians(*args)
    close(got, want, rtol=RTOL_EXACT, atol=ATOL_KL, slips=[
        Slip("the printed (4.77), ending in '- 1.mu'; the Gaussian KL needs '- 1.lam' (sum of log-variances)",
             ref.slipgen.kl_slip(*args, "printed")),
        Slip("KL(P || Q) instead of KL(Q || P)", ref.slipgen.kl_slip(*args, "reversed")),
        Slip("lam read as a log standard deviation; (4.76) makes it the log-variance", ref.slipgen.kl_slip(*args, "logstd")),
        Slip("lam read as the variance itself; it is the log-variance (4.76)", ref.slipgen.kl_slip(*args, "variance"))])


# ================================================================ dziugaite_roy_bound
def _dr_data(seed, d=5, m=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(d, m))
    y = np.sign(rng.normal(size=d) @ X + 0.5 * rng.normal(size=m))
    y[y == 0] = 1.0
    mu, lam = rng.normal(size=d), rng.normal(size=d) - 1.0
    return mu, lam, X, y


DR_DATA = _dr_data(99)   # (mu, lam, X, y) of most cases


DETERMINISTIC_LAM = -30.0   # posterior log-variances below it: w ~ Q is mu up to e^-15


@check("dziugaite_roy_bound", points=0.5, cases=[
    Case("defaults", *DR_DATA, 0.0, -3.0), Case("integer_j7", *DR_DATA, 0.1, math.log(0.1) - 7 / 100)])
def test_dziugaite_roy_bound(student, ref, case):
    args, kw = case.args, case.kwargs
    mu, lam, X, y, mu_p, lam_p = args
    gibbs, bound = two_numbers(student.dziugaite_roy_bound(*args, **kw), "(gibbs_risk, bound)")
    want = ref.dziugaite_roy_bound(*args, **kw)
    if np.all(lam <= DETERMINISTIC_LAM):
        det = ref.slipgen.linear_zero_one_risk(mu, X, y)
        if not abs(gibbs - det) <= ATOL_RISK:
            fail(f"with posterior log-variances lam = -60 the Gibbs risk must equal the 0/1 risk of mu, "
                 f"{det:.6g}; yours is {gibbs:.10g}. Next: use the exact Gaussian formula with the "
                 "standard deviation sqrt(sum_k e^lam_k x_ki^2).")
    err = abs(float(gibbs) - want[0])
    if 1e-9 < err < 0.05 and not any(abs(float(gibbs) - v) <= 1e-9 for v in (
            ref.slipgen.gibbs(mu, lam, X, y, 1.0), ref.slipgen.gibbs(mu, lam, X, y, 4.0))):
        fail(f"gibbs_risk = {float(gibbs):.10g}, exact value {want[0]:.10g} (off by {err:.2g}). This looks "
             "like a sampled (Monte Carlo) Gibbs risk, or a slightly wrong variance: w^T x_i is Gaussian, so "
             "R̂_m(Q) = mean_i Phi(-y_i mu^T x_i / sqrt(sum_k e^lam_k x_ki^2)) exactly. Next: use "
             "scipy.special.ndtr (or scipy.stats.norm.cdf), no sampling.")
    close(gibbs, want[0], rtol=RTOL_EXACT, atol=ATOL_RISK, name="gibbs_risk", slips=[
        Slip("e^lam used as the standard deviation; lam is the log-variance (4.76)", ref.slipgen.gibbs(mu, lam, X, y, 4.0)),
        Slip("e^(lam/2) squared twice, i.e. sqrt(e^lam) used as the variance", ref.slipgen.gibbs(mu, lam, X, y, 1.0)),
        Slip("Phi(+y mu^T x / s): the risk is the probability of a negative margin", ref.slipgen.gibbs(mu, lam, X, y, sign=-1.0))])
    kw_b = {k: kw[k] for k in ("delta", "b", "c") if k in kw}
    printed_kl = ref.slipgen.kl_slip(mu, lam, mu_p, lam_p, "printed")
    delta = kw.get("delta", 0.025)
    close(bound, want[1], rtol=RTOL_EXACT, name="bound", slips=[
        Slip("j instead of j^2 in (4.80): delta_j = 6 delta/(pi^2 j^2) puts j^2 inside the log",
             ref.slipgen.dr_bound(want[0], mu, lam, X, mu_p, lam_p, jpow=1, **kw_b)),
        Slip("the printed (4.77) KL, ending in '- 1.mu'",
             ref.slipgen.dr_bound(want[0], mu, lam, X, mu_p, lam_p, kl=printed_kl, **kw_b)),
        Slip("McAllester at delta, without the union bound over the prior grid (delta_j)",
             ref.slipgen.mcallester_at(want[0], ref.kl_diag_gaussians(mu, lam, mu_p, lam_p), X.shape[1], delta))])
    # lam_p on the default grid (4.80): (j, the root of McAllester (4.74) at the grid point's delta_j)
    grid = ref.slipgen.grid_term(lam_p, ref.kl_diag_gaussians(mu, lam, mu_p, lam_p), X.shape[1]) if not kw else None
    if isinstance(grid, (tuple, list)):
        j, root = grid
        mc = float(gibbs) + root
        if not math.isclose(bound, mc, rel_tol=1e-11):
            fail(f"at the grid point j = {j} your bound {bound:.12g} should equal McAllester's bound at "
                 f"delta_j = 6 delta/(pi^2 j^2), {mc:.12g}.")


test_dziugaite_roy_bound_errors = rejects("dziugaite_roy_bound", ValueError, points=0.25, cases=[
    Case("j_0", *DR_DATA, 0.0, math.log(0.1) + 0.0), Case("j_0.5", *DR_DATA, 0.0, math.log(0.1) - 0.005)])


# The grader samples 20000 weight vectors w ~ Q at the grader seed and averages
# their empirical 0/1 risks; the student's exact Gibbs risk must lie within
# 4.5 standard errors of that mean (two-sided, ffp 6.8e-6).
MC_DRAWS = 20000
