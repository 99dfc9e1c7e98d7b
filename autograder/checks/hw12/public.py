"""hw12's public checks: generalization beyond the uniform bounds (notes 4.1-4.2).

Every function but ``tropp_tail`` is deterministic and compared with the
reference on grader-chosen inputs; slips are reproduced here on the same
inputs and named only when the submission's values match them. ``tropp_tail``
is a simulation: its fraction over several seeds is tested against the exact
probability of series whose norm law is known (diagonal and scalar series).

The hidden cases of these checks are in ``hidden.py`` (not shipped to students).
"""
import math

import numpy as np
from scipy.special import betainc
from scipy.stats import binom, norm

from autograder.api import (Case, Slip, check, close, expect_array, expect_int, expect_raises,
                            expect_scalar, expect_sequence, fail)

TITLE = "Beyond the uniform bounds: covering numbers, failure of uniform convergence, compression, PAC-Bayes tools, Tropp"
FUNCTIONS = ["covering_number", "rademacher_exact", "dudley_bound", "sphere_errors", "prune_quantize",
             "compression_bound", "dv_objective", "dv_maximiser", "relu_perturbation", "perturbation_bound",
             "mcdiarmid_bound", "mcdiarmid_coins", "tropp_bound", "tropp_tail"]

DEPENDS = {"dudley_bound": ("covering_number",), "perturbation_bound": ("relu_perturbation",)}

CALL_TIMEOUT = 10

RTOL = 1e-10           # closed forms and short sums of O(1) terms: round-off only
RTOL_ERR = 1e-9        # betainc at D of a few thousand, products of norms of 10 x 10 matrices
FFP_CASE = 1e-4        # every stochastic case
K_SEEDS = 5            # seeds of the student's simulation per case
N_DRAWS = 2000         # draws per seed


def _rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- finite classes
def _dist(H):
    d = H[:, None, :] - H[None, :, :]
    return np.sqrt(np.sum(d * d, axis=2))


def _greedy(D, eps, strict=True):
    covered = np.zeros(D.shape[0], dtype=bool)
    n = 0
    for i in range(D.shape[0]):
        if not covered[i]:
            n += 1
            covered |= (D[i] < eps) if strict else (D[i] <= eps)
    return n


def _thresholds(m, seed):
    """The class {z -> sign(z - theta)} on m sorted points, one threshold per gap (m + 1 rows)."""
    z = np.sort(_rng(seed).uniform(-1, 1, m))
    cuts = np.concatenate([[-2.0], 0.5 * (z[1:] + z[:-1]), [2.0]])
    return np.where(z[None, :] > cuts[:, None], 1.0, -1.0)


def _pm_class(n, m, seed):
    return np.where(_rng(seed).standard_normal((n, m)) > 0, 1.0, -1.0)


def _soft_class(n, m, seed):
    return np.tanh(_rng(seed).standard_normal((n, m)))


_H_THR = _thresholds(10, 1201)
_H_PM = _pm_class(24, 10, 1202)
_H_SOFT = _soft_class(30, 8, 1203)
_H_INT = np.vstack([_H_PM[:6], _H_PM[:6]])          # repeated rows: distance 0 and exact integer distances


def _dudley(H, eps, top=None, scale=1.0, front=None):
    m = H.shape[1]
    top = math.sqrt(m) / 2 if top is None else top
    D = _dist(H) * scale
    out = 4 * eps / math.sqrt(m)
    if eps >= top:
        return out
    cuts = np.unique(D[(D > eps) & (D < top)])
    grid = np.concatenate([[eps], cuts, [top]])
    integral = sum((hi - lo) * math.sqrt(math.log(_greedy(D, 0.5 * (lo + hi)))) for lo, hi in zip(grid[:-1], grid[1:]))
    return out + (12 / m if front is None else front) * integral


def _signs(m):
    return np.array(np.meshgrid(*[[-1.0, 1.0]] * m, indexing="ij")).reshape(m, -1).T


@check("covering_number", points=0.25, cases=[
    Case("thresholds_eps1.5", _H_THR, 1.5),
    Case("pm_eps3", _H_PM, 3.0),
    Case("soft_eps1", _H_SOFT, 1.0),
    Case("integer_distance_eps_sqrt8", _H_INT, math.sqrt(8.0)),
    Case("tiny_eps_counts_distinct_rows", _H_INT, 1e-9),
])
def test_covering_number(student, ref, case):
    H, eps = case.args
    got = expect_int(student.covering_number(H, eps), "the covering number")
    want = ref.covering_number(H, eps)
    m = H.shape[1]
    D = _dist(H)
    close(float(got), float(want), rtol=0, atol=0, name="the covering number", slips=[
        Slip("distances normalised by sqrt(m) (root mean square); (4.23) sums without 1/m", float(_greedy(D / math.sqrt(m), eps))),
        Slip("a row at distance exactly eps counted as covered (<=); (4.23) has a strict <", float(_greedy(D, eps, strict=False))),
        Slip("squared distances compared with eps", float(_greedy(D * D, eps))),
    ])


@check("covering_number", points=0.25, aspect="errors", cases=[Case("eps_zero", _H_PM, 0.0)])
def test_covering_number_errors(student, ref, case):
    expect_raises(student.covering_number, ValueError, *case.args)


@check("rademacher_exact", points=0.25, cases=[
    Case("thresholds", _H_THR),
    Case("pm", _H_PM),
])
def test_rademacher_exact(student, ref, case):
    (H,) = case.args
    got = expect_scalar(student.rademacher_exact(H), "Rad(H|S_m)")
    want = ref.rademacher_exact(H)
    S = _signs(H.shape[1])
    m = H.shape[1]
    close(got, want, rtol=RTOL, name="Rad(H|S_m)", slips=[
        Slip("the absolute value of (4.15) is dropped (max_k sigma.H[k] instead of max_k |sigma.H[k]|)",
             float(np.mean(np.max(S @ H.T, axis=1)) / m)),
        Slip("divided by sqrt(m) instead of m", float(np.mean(np.max(np.abs(S @ H.T), axis=1)) / math.sqrt(m))),
    ])


@check("dudley_bound", points=0.25, cases=[
    Case("thresholds_eps0.1", _H_THR, 0.1),
    Case("pm_eps0.5", _H_PM, 0.5),
    Case("soft_eps0.2", _H_SOFT, 0.2),
    Case("eps_above_top", _H_THR, 2.0),
])
def test_dudley_bound(student, ref, case):
    H, eps = case.args
    got = expect_scalar(student.dudley_bound(H, eps), "Dudley's bound")
    want = ref.dudley_bound(H, eps)
    m = H.shape[1]
    close(got, want, rtol=RTOL, name="Dudley's bound", slips=[
        Slip("the integral runs up to sqrt(m); (4.26) stops at sqrt(m)/2", _dudley(H, eps, top=math.sqrt(m))),
        Slip("12/sqrt(m) in front of the integral instead of 12/m", _dudley(H, eps, front=12 / math.sqrt(m))),
        Slip("distances normalised by sqrt(m) in the covering numbers", _dudley(H, eps, scale=1 / math.sqrt(m))),
    ])


@check("dudley_bound", points=0.25, aspect="above_rad", cases=[
    Case("thresholds", _H_THR, [0.05, 0.3, 1.0]),
    Case("pm", _H_PM, [0.05, 0.5, 1.2]),
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
def _sphere_data(m, D, r, seed):
    rng = _rng(seed)
    Z = rng.standard_normal((m, D))
    Z *= r / np.linalg.norm(Z, axis=1)[:, None]
    return Z, np.where(rng.standard_normal(m) > 0, 1.0, -1.0)


def _sphere_slips(Z, y, mu):
    m, D = Z.shape
    r = float(np.mean(np.linalg.norm(Z, axis=1)))
    w2 = (y[:, None] * Z).mean(axis=0)
    s = y * (Z @ w2)
    train, neg = float(np.mean(mu * mu + s <= 0)), float(np.mean(mu * mu - s <= 0))

    def test(c):
        return 0.0 if c >= 1 else 0.5 * (1 - float(betainc(0.5, 0.5 * (D - 1), c * c)))
    c = mu * mu / (r * float(np.linalg.norm(w2)))
    return [Slip("z_i not flipped on not(S): the error on not(S) equals the training error",
                 [train, test(c), train]),
            Slip("c = mu/(r ||w_2||): w_1 = mu is left out of the margin mu^2", [train, test(mu / (r * np.linalg.norm(w2))), neg]),
            Slip("the test error counts both tails, P(u^2 > c^2) without the 1/2", [train, min(1.0, 2 * test(c)), neg])]


_SPH1 = _sphere_data(40, 4000, math.sqrt(80), 1211)
_SPH2 = _sphere_data(30, 2000, math.sqrt(45), 1212)
_SPH3 = _sphere_data(40, 400, 4.0, 1213)


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
          slips=[Slip(s.description, np.array(s.value)) for s in _sphere_slips(Z, y, mu)])


# ---------------------------------------------------------------- compression
def _net(widths, seed):
    rng = _rng(seed)
    return [rng.standard_normal((widths[l + 1], widths[l])) / math.sqrt(widths[l]) for l in range(len(widths) - 1)]


def _pq(ws, k, r, signed=False, book_all=False, quantise=True):
    theta = np.concatenate([np.asarray(w).ravel() for w in ws])
    keep = np.argsort(-(theta if signed else np.abs(theta)), kind="stable")[:k]
    vals = theta[keep]
    src = theta if book_all else vals
    book = np.linspace(src.min(), src.max(), r)
    out = np.zeros_like(theta)
    out[keep] = book[np.argmin(np.abs(vals[:, None] - book[None, :]), axis=1)] if quantise else vals
    return out


@check("prune_quantize", points=0.25, cases=[
    Case("k10_r4", _net([4, 6, 1], 1221), 10, 4),
    Case("k3_r2", _net([3, 5, 1], 1222), 3, 2),
    Case("k40_r8", _net([5, 8, 8, 1], 1223), 40, 8),
    Case("kept_all_positive", [np.array([[3.0, -0.5, 2.0], [0.25, -1.0, 1.5]]), np.array([[2.5, -0.75]])], 3, 3),
])
def test_prune_quantize(student, ref, case):
    ws, k, r = case.args
    got = expect_sequence(student.prune_quantize(ws, k, r), len(ws), "the compressed weights")
    got = np.concatenate([expect_array(g, w.shape, f"compressed W_{l + 1}").ravel() for l, (g, w) in enumerate(zip(got, ws))])
    want = np.concatenate([np.asarray(w).ravel() for w in ref.prune_quantize(ws, k, r)])
    close(got, want, rtol=RTOL, atol=1e-15, name="the compressed weights (flattened)", slips=[
        Slip("the k largest signed values kept instead of the k largest |theta_i|", _pq(ws, k, r, signed=True)),
        Slip("the codebook spans all weights instead of the kept ones", _pq(ws, k, r, book_all=True)),
        Slip("pruned but not quantised", _pq(ws, k, r, quantise=False)),
    ])


@check("prune_quantize", points=0.25, aspect="errors", cases=[
    Case("k_zero", _net([2, 3, 1], 1225), 0, 4)])
def test_prune_quantize_errors(student, ref, case):
    expect_raises(student.prune_quantize, ValueError, *case.args)


def _cb(err, m, n, k, r, delta, log=math.log2, ceil=True, kraft=True, two=2.0):
    f = math.ceil if ceil else (lambda x: x)
    bits = k * (f(log(n)) + f(log(r))) + 32 * r
    kl = bits * math.log(2) + (math.log(bits * (bits + 1)) if kraft else 0.0)
    return [bits, err + math.sqrt((kl + math.log(1 / delta)) / (two * m))]


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
        Slip("natural logarithms in the code length (4.73); bits need log2", _cb(*a, log=math.log)),
        Slip("log2 not rounded up: a code length is a whole number of bits", _cb(*a, ceil=False)),
        Slip("the prior's -log q(bits) = log(bits(bits+1)) is left out of the KL (4.72)", _cb(*a, kraft=False)),
        Slip("sqrt(.../m) without the 2 of (4.50)", _cb(*a, two=1.0)),
    ])


# ---------------------------------------------------------------- Donsker-Varadhan
def _kl(mq, vq, mp, vp):
    return 0.5 * (vq / vp + (mq - mp) ** 2 / vp - 1 + math.log(vp / vq))


def _dv(a, b, mq, vq, mp, vp, mean_q=True, half_log=True):
    eq = a * (vq + (mq * mq if mean_q else 0.0)) + b * mq
    d = 1 - 2 * a * vp
    return eq - ((-0.5 * math.log(d) if half_log else 0.0) + (a * mp * mp + b * mp + 0.5 * b * b * vp) / d)


DV_CASES = [Case("quadratic", 0.2, -0.5, 0.5, 2.0, -0.3, 0.7), Case("linear_only", 0.0, 1.3, 1.0, 1.0, 0.0, 1.0),
            Case("negative_a", -0.4, 0.7, -1.0, 0.5, 0.5, 3.0), Case("near_edge", 0.7, 0.1, 0.2, 1.5, 0.1, 0.7)]


@check("dv_objective", points=0.25, cases=DV_CASES)
def test_dv_objective(student, ref, case):
    got = expect_scalar(student.dv_objective(*case.args), "the DV objective")
    want = ref.dv_objective(*case.args)
    close(got, want, rtol=RTOL, atol=1e-13, name="the DV objective", slips=[
        Slip("E_Q x^2 taken as var_q (the mean's square mu_q^2 is missing)", _dv(*case.args, mean_q=False)),
        Slip("the factor (1 - 2a var_p)^{-1/2} of E_P e^h is missing", _dv(*case.args, half_log=False)),
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
    kl = _kl(mq, vq, mp, vp)
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
    close(got, want, rtol=RTOL, atol=1e-14, name="(a, b)", slips=[
        Slip("Q and P swapped: this is log dP/dQ", np.array([0.5 / vq - 0.5 / vp, mp / vp - mq / vq])),
        Slip("standard deviations used where the notes' variances go", np.array(
            [0.5 / vp ** 2 - 0.5 / vq ** 2, mq / vq ** 2 - mp / vp ** 2])),
    ])
    kl = _kl(mq, vq, mp, vp)
    val = _dv(float(got[0]), float(got[1]), *case.args) if 1 - 2 * got[0] * vp > 0 else -math.inf
    if not abs(val - kl) <= 1e-10 * max(1.0, kl):
        fail(f"the DV objective at your (a, b) is {val:.10g}, not KL(Q||P) = {kl:.10g}.",
             advice="Next: h* = log q(x) - log p(x); expand both Gaussian log densities.")


# ---------------------------------------------------------------- Lemma 11
def _relu(ws, X, last_relu=False):
    h = X
    for w in ws[:-1]:
        h = np.maximum(w @ h, 0)
    out = ws[-1] @ h
    return (np.maximum(out, 0) if last_relu else out).ravel()


def _perturb(ws, scale, seed, L=None):
    rng = _rng(seed)
    L = len(ws) if L is None else L
    us = []
    for w in ws:
        u = rng.standard_normal(w.shape)
        us.append(u * scale * np.linalg.norm(w, 2) / (L * np.linalg.norm(u, 2)))
    return us


_NET3 = _net([5, 10, 10, 1], 1231)
_NET2 = _net([3, 20, 1], 1232)
_XP5 = _rng(1234).standard_normal((5, 25))
_XP3 = _rng(1235).standard_normal((3, 25))


@check("relu_perturbation", points=0.25, cases=[
    Case("L3", _NET3, _perturb(_NET3, 0.5, 1241), _XP5),
    Case("L2", _NET2, _perturb(_NET2, 1.0, 1242), _XP3),
])
def test_relu_perturbation(student, ref, case):
    ws, us, X = case.args
    got = expect_scalar(student.relu_perturbation(ws, us, X), "the largest output change")
    want = ref.relu_perturbation(ws, us, X)
    wu = [w + u for w, u in zip(ws, us)]
    close(got, want, rtol=RTOL_ERR, name="the largest output change", slips=[
        Slip("a ReLU on the output layer too", float(np.max(np.abs(_relu(wu, X, True) - _relu(ws, X, True))))),
        Slip("the mean over the points instead of the maximum", float(np.mean(np.abs(_relu(wu, X) - _relu(ws, X))))),
        Slip("the perturbation added to the output of the net instead of the weights",
             float(np.max(np.abs(_relu(us, X))))),
    ])


def _pbound(ws, us, B, ord_=2, e=math.e, divide=True):
    sw = [np.linalg.norm(w, ord_) for w in ws]
    su = [np.linalg.norm(u, ord_) for u in us]
    return e * B * math.prod(sw) * sum(u / s if divide else u for u, s in zip(su, sw))


@check("perturbation_bound", points=0.25, cases=[
    Case("L3", _NET3, _perturb(_NET3, 0.5, 1241), 3.0),
    Case("L2", _NET2, _perturb(_NET2, 1.0, 1242), 2.5),
])
def test_perturbation_bound(student, ref, case):
    ws, us, B = case.args
    got = expect_scalar(student.perturbation_bound(ws, us, B), "the bound (4.96)")
    want = ref.perturbation_bound(ws, us, B)
    close(got, want, rtol=RTOL_ERR, name="the bound (4.96)", slips=[
        Slip("Frobenius norms instead of spectral norms", _pbound(ws, us, B, ord_="fro")),
        Slip("the factor e is missing", _pbound(ws, us, B, e=1.0)),
        Slip("sum of ||U_l||_2 not divided by ||W_l||_2", _pbound(ws, us, B, divide=False)),
    ])


@check("perturbation_bound", points=0.25, aspect="errors", cases=[
    Case("too_large", _NET3, _perturb(_NET3, 1.5, 1244), 3.0)])
def test_perturbation_bound_errors(student, ref, case):
    expect_raises(student.perturbation_bound, ValueError, *case.args)


@check("perturbation_bound", points=0.25, aspect="holds", cases=[
    Case("random_nets_L3", [5, 10, 10, 1], 1250)])
def test_perturbation_bound_holds(student, ref, case):
    widths, seed = case.args
    for j in range(4):
        ws = _net(widths, seed + j)
        us = _perturb(ws, 1.0, seed + 100 + j)
        X = _rng(seed + 200 + j).standard_normal((widths[0], 30))
        B = float(np.max(np.linalg.norm(X, axis=0)))
        gap = expect_scalar(student.relu_perturbation(ws, us, X), "relu_perturbation")
        bound = expect_scalar(student.perturbation_bound(ws, us, B), "perturbation_bound")
        if not gap <= bound:
            fail(f"on a random net (widths {widths}, ||U_l|| = ||W_l||/L) the output changes by {gap:.6g}, "
                 f"more than your bound {bound:.6g}; Lemma 11 says it cannot.",
                 advice="Next: recheck both functions against (4.96).")


# ---------------------------------------------------------------- McDiarmid
@check("mcdiarmid_bound", points=0.25, cases=[
    Case("mean_m50", np.full(50, 1 / 50), 0.13),
    Case("uneven", np.array([0.5, 0.1, 0.1, 0.3, 0.05]), 0.4),
])
def test_mcdiarmid_bound(student, ref, case):
    c, eps = case.args
    got = expect_scalar(student.mcdiarmid_bound(c, eps), "McDiarmid's bound")
    want = ref.mcdiarmid_bound(c, eps)
    close(got, want, rtol=RTOL, name="McDiarmid's bound", slips=[
        Slip("sum of c_i instead of sum of c_i^2 in (4.11)", math.exp(-2 * eps * eps / float(np.sum(c)))),
        Slip("exp(-eps^2 / (2 sum c_i^2)): Gaussian-style constants instead of (4.11)'s 2 eps^2",
             math.exp(-eps * eps / (2 * float(np.sum(c * c))))),
    ])


@check("mcdiarmid_bound", points=0.25, aspect="errors", cases=[Case("eps_zero", np.full(3, 0.1), 0.0)])
def test_mcdiarmid_bound_errors(student, ref, case):
    expect_raises(student.mcdiarmid_bound, ValueError, *case.args)


# thresholds m (1/2 + eps) sit half-way between integers, so >= and > agree and round-off cannot matter
COIN_CASES = [Case("m50_eps0.13", 50, 0.13, binom.sf(31, 50, 0.5)),
              Case("m20_eps0.175", 20, 0.175, binom.sf(13, 20, 0.5))]


@check("mcdiarmid_coins", points=0.5, cases=COIN_CASES, stochastic=True, ffp=FFP_CASE)
def test_mcdiarmid_coins(student, ref, case, grader_seed):
    m, eps, p = case.args
    seeds = [1000 * grader_seed + 500 + k for k in range(K_SEEDS)]
    fr = [expect_scalar(student.mcdiarmid_coins(m, eps, N_DRAWS, s), "the fraction") for s in seeds]
    if expect_scalar(student.mcdiarmid_coins(m, eps, N_DRAWS, seeds[0]), "the fraction") != fr[0]:
        fail(f"two calls with seed {seeds[0]} gave different fractions.",
             advice="Next: draw only from np.random.default_rng(seed).")
    succ = int(round(sum(fr) * N_DRAWS))
    n = K_SEEDS * N_DRAWS
    lo, hi = binom.ppf(FFP_CASE / 2, n, p), binom.isf(FFP_CASE / 2, n, p)
    if lo <= succ <= hi:
        return
    p2 = 2 * p
    hint = ""
    if binom.ppf(FFP_CASE / 2, n, p2) <= succ <= binom.isf(FFP_CASE / 2, n, p2):
        hint = "This looks like: both tails counted (|mean - 1/2| >= eps); (4.11) is one-sided. "
    fail(f"over {K_SEEDS} seeds of {N_DRAWS} draws your fraction is {succ}/{n} = {succ / n:.4g}; the exact "
         f"binomial tail is {p:.4g}, and a correct simulation lands in [{int(lo)}, {int(hi)}] "
         f"(false-failure probability {FFP_CASE:.0e}).",
         advice=hint + "Next: count the draws whose mean minus 1/2 is >= eps.")


# ---------------------------------------------------------------- Tropp
def _diag_series(n, scales):
    A = np.zeros((n, n, n))
    for k in range(n):
        A[k, k, k] = scales[k]
    return A


def _scalar_series(n, c):
    return np.stack([ck * np.eye(n) for ck in c])


def _sym_series(m, n, seed):
    G = _rng(seed).standard_normal((m, n, n))
    return 0.5 * (G + np.transpose(G, (0, 2, 1)))


def _tb(A, t, factor, sigma2):
    return factor * A.shape[1] * math.exp(-t * t / (2 * sigma2))


@check("tropp_bound", points=0.25, cases=[
    Case("diag4_t2.5", _diag_series(4, [1, 1, 1, 1]), 2.5),
    Case("scalar3_t2", _scalar_series(3, [0.5, 1.0, -0.7]), 2.0),
    Case("random_sym_max", _sym_series(6, 5, 1271), 6.0, "max"),
])
def test_tropp_bound(student, ref, case):
    A, t = case.args[:2]
    tail = case.args[2] if len(case.args) > 2 else "norm"
    got = expect_scalar(student.tropp_bound(A, t, tail), "Tropp's bound")
    want = ref.tropp_bound(A, t, tail)
    s2 = float(np.linalg.norm(np.einsum("kij,kjl->il", A, A), 2))
    s2_sum = float(sum(np.linalg.norm(a @ a, 2) for a in A))
    f = 2 if tail == "norm" else 1
    slips = [Slip("sigma^2 = sum_k ||A_k^2|| instead of ||sum_k A_k^2||", _tb(A, t, f, s2_sum))]
    if tail == "norm":
        slips.insert(0, Slip("the prefactor n of (4.97) as printed; the norm takes both tails, 2n", _tb(A, t, 1, s2)))
    close(got, want, rtol=RTOL, name="Tropp's bound", slips=slips)


@check("tropp_bound", points=0.25, aspect="errors", cases=[
    Case("non_symmetric", _rng(1273).standard_normal((3, 4, 4)), 1.0)])
def test_tropp_bound_errors(student, ref, case):
    expect_raises(student.tropp_bound, ValueError, *case.args)


def _p_norm_diag(scales, t):
    return 1 - float(np.prod([1 - 2 * norm.sf(t / abs(s)) for s in scales]))


def _p_max_diag(scales, t):
    return 1 - float(np.prod([1 - norm.sf(t / abs(s)) for s in scales]))


TAIL_CASES = [
    Case("diag4_t2", _diag_series(4, [1, 1, 1, 1]), 2.0, _p_norm_diag([1] * 4, 2.0), _p_max_diag([1] * 4, 2.0)),
    Case("scalar3_t1.5", _scalar_series(3, [0.5, 1.0, -0.7]), 1.5, 2 * norm.sf(1.5 / math.sqrt(1.74)),
         norm.sf(1.5 / math.sqrt(1.74))),
]


@check("tropp_tail", points=0.5, cases=TAIL_CASES, stochastic=True, ffp=FFP_CASE)
def test_tropp_tail(student, ref, case, grader_seed):
    A, t, p, p_max = case.args
    seeds = [1000 * grader_seed + k for k in range(K_SEEDS)]
    fr = [expect_scalar(student.tropp_tail(A, t, N_DRAWS, s), "the fraction") for s in seeds]
    again = expect_scalar(student.tropp_tail(A, t, N_DRAWS, seeds[0]), "the fraction")
    if again != fr[0]:
        fail(f"two calls with seed {seeds[0]} gave {fr[0]} and {again}.",
             advice="Next: draw only from np.random.default_rng(seed).")
    succ = int(round(sum(fr) * N_DRAWS))
    n = K_SEEDS * N_DRAWS
    lo, hi = binom.ppf(FFP_CASE / 2, n, p), binom.isf(FFP_CASE / 2, n, p)
    if lo <= succ <= hi:
        return
    hint = None
    if binom.ppf(FFP_CASE / 2, n, p_max) <= succ <= binom.isf(FFP_CASE / 2, n, p_max):
        hint = "This looks like: the upper tail lambda_max >= t only; the norm also counts lambda_min <= -t."
    fail(f"over {K_SEEDS} seeds of {N_DRAWS} draws your fraction is {succ}/{n} = {succ / n:.4g}; the exact "
         f"P(||sum xi_k A_k|| >= t) = {p:.4g}, and a correct simulation lands in [{int(lo)}, {int(hi)}] "
         f"(false-failure probability {FFP_CASE:.0e}).",
         advice=(hint + " " if hint else "") + "Next: use the spectral norm of each sum and count >= t.")
