"""hw7's public checks: deep linear nets train in depth-independent time (notes 2.3).

The hidden cases of these checks are in ``hidden.py`` (not shipped to students).
"""
import math
import warnings

import numpy as np
from scipy import integrate
from scipy.stats import ortho_group

from autograder.api import (Case, Slip, check, close, expect_array, expect_raises,
                            expect_scalar, expect_sequence, fail, stats)

TITLE = "Deep linear nets train in depth-independent time: Saxe et al."
FUNCTIONS = ["shallow_mode_time", "deep_mode_time", "exact_mode_time", "simulate_mode",
             "top_hessian_eigenvalue", "optimal_steps", "orthogonal_weights", "deep_linear_gd"]

RTOL_CLOSED = 1e-10   # closed forms (2.133), (2.141), (2.151): logs and a few divisions
RTOL_HESS = 1e-12     # a polynomial in a: round-off only
RTOL_QUAD = 1e-7      # exact flow time: quadrature asked to 1e-9, margin for quad's defaults
RTOL_SIM = 1e-9       # <= 150 GD steps of a stable map: round-off grows slowly
RTOL_GD = 1e-9        # <= 40 GD steps on small matrices, any order of the products
ATOL_ORTHO = 1e-10    # W^T W = I up to round-off of a QR / SVD


def _arr(x):
    return np.asarray(x, dtype=np.float64)


def _unwrap_scalar(got, want):
    """For scalar inputs accept a 0-d array (np.vectorize returns one). The
    sandbox's transport turns 0-d arrays into shape (1,), so a size-1 array is
    taken as the number it holds when the reference returned a number."""
    if not isinstance(want, np.ndarray) and isinstance(got, np.ndarray) and got.size == 1:
        return got.reshape(())[()]
    return got


# ------------------------------------------------------------- flow-time helpers
def _why_unreachable(s, u0, uf):
    if u0 < 0 or uf < 0:
        return "a negative u is not a state of a balanced mode"
    if u0 == 0:
        return "u0 = 0 is a fixed point: the mode never leaves it"
    if u0 == s:
        return "u0 = s is the fixed point (the minimum): the mode stays there"
    if u0 < s:
        return ("below s the flow only increases u" if uf < u0
                else "the flow never crosses the fixed point s")
    return "above s the flow only decreases u" if uf > u0 else "the flow never crosses the fixed point s"


def compare_times(got, want, s, u0, uf, rtol, slips=(), name="t"):
    """Flow times: NaN where uf is unreachable, 0 at uf == u0, inf (or NaN) at
    uf == s, then an elementwise comparison, with a pointed message for each."""
    __tracebackhide__ = True
    w = _arr(want)
    got = _unwrap_scalar(got, want)
    if isinstance(want, np.ndarray):
        g = expect_array(got, w.shape, name).astype(np.float64).copy()
    else:
        g = np.array(float(expect_scalar(got, name)))
    S, U0, UF = (np.broadcast_to(_arr(x), w.shape) for x in (s, u0, uf))
    at = lambda mask: tuple(int(i) for i in np.argwhere(mask)[0])  # noqa: E731
    where = lambda i: f"s={S[i]:.6g}, u0={U0[i]:.6g}, uf={UF[i]:.6g}"  # noqa: E731
    bad = np.isnan(w) & ~np.isnan(g)
    if bad.any():
        i = at(bad)
        fail(f"{name} at {where(i)} is {g[i]:.6g}, but uf is not reachable from u0: "
             f"{_why_unreachable(S[i], U0[i], UF[i])}. Next: return nan when uf does not lie "
             "between u0 and s (see 'Which end points can a mode reach?').")
    limit = np.isposinf(w)
    bad = limit & ~(np.isposinf(g) | np.isnan(g))
    if bad.any():
        i = at(bad)
        fail(f"{name} at {where(i)} is {g[i]:.6g}: uf = s is approached only as t -> infinity. "
             "Next: return inf there (nan is accepted too).")
    g[limit] = np.inf
    bad = (w == 0) & (g != 0)
    if bad.any():
        i = at(bad)
        fail(f"{name} at {where(i)} is {g[i]:.6g}, expected 0.0: going from u0 to uf = u0 takes no "
             "time" + (" (0/0 at u0 = 0 or u0 = s gives nan: treat uf == u0 first)"
                       if np.isnan(g[i]) else "") + ".")
    close(g if isinstance(want, np.ndarray) else float(g), want, rtol=rtol, slips=slips, name=name)


def _mode_log(s, u0, uf):
    with np.errstate(all="ignore"):
        return np.log(_arr(uf) * (_arr(u0) - s) / (_arr(u0) * (_arr(uf) - s)))


def _power_time(s, eta, u0, uf, depth, p, factor=None):
    """int_{u0}^{uf} du / (factor * eta * u^p * (s - u)), factor = L+1 by default;
    the flow time of a slip's ODE, by quadrature (finite cases only)."""
    s, eta, u0, uf, L = np.broadcast_arrays(*(_arr(x) for x in (s, eta, u0, uf, depth)))
    P = np.broadcast_to(_arr(p), s.shape)
    F = np.broadcast_to(_arr(L + 1.0 if factor is None else factor), s.shape)
    out = np.full(s.shape, np.nan)
    for i in np.ndindex(s.shape):
        if 0 < u0[i] < uf[i] < s[i] or s[i] < uf[i] < u0[i]:
            f = lambda u, i=i: 1.0 / (F[i] * eta[i] * u ** P[i] * (s[i] - u))  # noqa: E731
            with warnings.catch_warnings():  # a slip's integral may be huge: only its value matters
                warnings.simplefilter("ignore")
                out[i] = integrate.quad(f, u0[i], uf[i], epsabs=0.0, epsrel=1e-11, limit=200)[0]
    return out if out.ndim else float(out)


# ------------------------------------------------------------- shallow_mode_time
SHALLOW_CASES = [
    Case("small_to_near_s", 1.0, 1.0, 0.01, 0.99),
    Case("strong_modes_array", _arr([0.5, 1.0, 2.0, 4.0]), 0.1,
         _arr([0.025, 0.05, 0.1, 0.2]), _arr([0.45, 0.9, 1.8, 3.6])),
    Case("down_from_above", 2.0, 0.5, 3.0, 2.2),
]


@check("shallow_mode_time", points=0.5, cases=SHALLOW_CASES)
def test_shallow_mode_time(student, ref, case):
    s, eta, u0, uf = case.args
    got = student.shallow_mode_time(*case.args)
    want = ref.shallow_mode_time(*case.args)
    log = _mode_log(s, u0, uf)
    with np.errstate(all="ignore"):
        slips = [
            Slip("the factor 2 of u' = 2 eta u (s - u) (2.132) is missing", _arr(want) * 2),
            Slip("only ln(uf/u0): the 1/(s - u) part of the partial fractions in (2.133) is missing",
                 np.log(_arr(uf) / u0) / (2 * _arr(s) * eta)),
            Slip("eta multiplies the log instead of dividing it", log * _arr(eta) / (2 * _arr(s))),
            Slip("1/(2 s eta) written as 1/2*s*eta", log * _arr(s) * eta / 2),
        ]
    compare_times(got, want, s, u0, uf, RTOL_CLOSED, slips)


# ------------------------------------------------------------- deep_mode_time
DEEP_CASES = [
    Case("errata_point_L5", 1.0, 1.0, 0.01, 0.99, 5),
    Case("depths_array", 1.0, 1.0, 0.01, 0.99, _arr([1, 2, 5, 10, 50])),
    Case("down_from_above", 2.0, 0.3, 3.5, 2.1, 3),
]


@check("deep_mode_time", points=0.5, cases=DEEP_CASES)
def test_deep_mode_time(student, ref, case):
    s, eta, u0, uf, L = case.args
    got = student.deep_mode_time(*case.args)
    want = ref.deep_mode_time(*case.args)
    L1 = _arr(L) + 1.0
    with np.errstate(all="ignore"):
        inv = 1.0 / _arr(u0) - 1.0 / _arr(uf)
        slips = [
            Slip("the exact flow time of (2.140); deep_mode_time is the approximation (2.141) "
                 "taken literally", ref.exact_mode_time(*case.args)),
            Slip("the factor L+1 of (2.141) is missing", _arr(want) * L1),
            Slip("L where (2.141) has L+1", _arr(want) * L1 / _arr(L)),
            Slip("the log term of (2.141) lacks its 1/s", (inv + _mode_log(s, u0, uf)) / (L1 * _arr(s) * eta)),
            Slip("the log term of (2.141) is missing", inv / (L1 * _arr(s) * eta)),
        ]
    compare_times(got, want, s, u0, uf, RTOL_CLOSED, slips)


# ------------------------------------------------------------- exact_mode_time
EXACT_CASES = [
    Case("errata_point_L5", 1.0, 1.0, 0.01, 0.99, 5),
    Case("depths_array", 1.0, 1.0, 0.01, 0.99, _arr([1, 2, 3, 5, 10, 50, 200])),
    Case("down_from_above", 2.0, 0.3, 3.5, 2.1, 3),
]


@check("exact_mode_time", points=0.5, cases=EXACT_CASES, timeout=30)
def test_exact_mode_time(student, ref, case):
    s, eta, u0, uf, L = case.args
    got = student.exact_mode_time(*case.args)
    want = ref.exact_mode_time(*case.args)
    Lf = _arr(L)
    slips = [
        Slip("the large-L approximation (2.141): integrate (2.140) with u^(2L/(L+1))",
             ref.deep_mode_time(*case.args)),
        Slip("the factor L+1 of (2.140) is missing", _arr(want) * (Lf + 1)),
        Slip("the exponent written 2*L/L+1, which Python reads as (2L/L)+1 = 3",
             _power_time(s, eta, u0, uf, L, 3.0)),
        Slip("the exponent L/(L+1) instead of 2L/(L+1)", _power_time(s, eta, u0, uf, L, Lf / (Lf + 1))),
    ]
    compare_times(got, want, s, u0, uf, RTOL_QUAD, slips)


# ------------------------------------------------------------- simulate_mode
def _factor_variants(s, lr, depth, u0, steps, kind):
    """Known wrong versions of the discrete dynamics (2.138)."""
    k = depth + 1
    a = np.full(k, u0 ** (1.0 / k))
    u = np.float64(u0)  # a negative base gives nan, not a complex number
    out = [u0]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            if kind == "sequential":  # each factor sees the already-updated ones
                for i in range(k):
                    others = np.prod(np.delete(a, i))
                    a[i] = a[i] + lr * (s - others * a[i]) * others
                out.append(np.prod(a))
            elif kind == "euler_u":  # Euler on the flow (2.140) for u
                u = u + lr * k * u ** (2.0 * depth / k) * (s - u)
                out.append(u)
            elif kind == "u0_as_factor":  # a_l = u0, not u0^(1/(L+1))
                u = u + lr * (s - u**k) * u**depth
                out.append(u**k)
    return np.array(out)


SIM_CASES = [
    Case("small_start_L3", 1.0, 0.05, 3, 0.01, 120),
    Case("shallow_L1", 2.0, 0.02, 1, 0.5, 60),
]


@check("simulate_mode", points=0.5, cases=SIM_CASES)
def test_simulate_mode(student, ref, case):
    s, lr, L, u0, steps = case.args
    got = student.simulate_mode(*case.args)
    want = ref.simulate_mode(*case.args)
    slips = [Slip("the factors are updated one after the other; (2.138) moves them all at once",
                  _factor_variants(s, lr, L, u0, steps, "sequential")),
             Slip("an Euler step of the flow (2.140) for u, not gradient descent on the factors a_l",
                  _factor_variants(s, lr, L, u0, steps, "euler_u")),
             Slip("every factor starts at u0 instead of u0^(1/(L+1))",
                  _factor_variants(s, lr, L, u0, steps, "u0_as_factor")),
             Slip("the factor a = u^(1/(L+1)) is returned instead of u = a^(L+1)",
                  want ** (1.0 / (L + 1)))]
    close(got, want, rtol=RTOL_SIM, atol=1e-300, slips=slips, name="u")


@check("simulate_mode", points=0.5, aspect="errors", cases=[Case("negative_u0", 1.0, 0.1, 2, -0.1, 5)])
def test_simulate_mode_rejects_negative_u0(student, ref, case):
    expect_raises(student.simulate_mode, ValueError, *case.args)


# ------------------------------------------------------------- top_hessian_eigenvalue
HESS_CASES = [
    Case("L3_scalar", 1.0, 0.5, 3),
    Case("path_L5", 2.0, np.linspace(0.0, 2.0 ** (1 / 6), 9), 5),
]


@check("top_hessian_eigenvalue", points=0.5, cases=HESS_CASES)
def test_top_hessian_eigenvalue(student, ref, case):
    s, a, L = case.args
    got = student.top_hessian_eigenvalue(*case.args)
    want = ref.top_hessian_eigenvalue(*case.args)
    a_, L_ = _arr(a), _arr(L)
    with np.errstate(all="ignore"):
        diag, off = a_ ** (2 * L_), 2 * a_ ** (2 * L_) - s * a_ ** (L_ - 1)
        slips = [Slip("the other eigenvalue s a^(L-1) - a^(2L), along e_1 - e_i", diag - off),
                 Slip("L+1 off-diagonal entries in the row sum; there are L (2.145)",
                      diag + (L_ + 1) * off),
                 Slip("the off-diagonal entry counted once: diagonal + off-diagonal", diag + off)]
        if np.ndim(want) == 0:
            slips = [Slip(sl.description, float(sl.value)) for sl in slips]
    close(_unwrap_scalar(got, want), want, rtol=RTOL_HESS, atol=1e-14, slips=slips, name="lambda_1")


# ------------------------------------------------------------- optimal_steps
OPT_CASES = [
    Case("s2_L5", 2.0, 5, 0.02, 1.9),
    Case("depths_array", 3.0, _arr([1, 2, 4, 8, 16, 32, 64]), 0.05, 2.9),
]


@check("optimal_steps", points=0.5, cases=OPT_CASES)
def test_optimal_steps(student, ref, case):
    s, L, u0, uf = case.args
    got = student.optimal_steps(*case.args)
    want = ref.optimal_steps(*case.args)
    L_, s_ = _arr(L), _arr(s)
    slips = [
        Slip("(2.141) at eta = 1: the learning rate (2.150) is not substituted",
             ref.deep_mode_time(s, 1.0, u0, uf, L)),
        Slip("eta_opt = 1/(L+1) without the s^(-2L/(L+1)) of (2.150)",
             ref.deep_mode_time(s, 1.0 / (L_ + 1), u0, uf, L)),
        Slip("the exponent of s in (2.151) is 2L/(L+1) (that of eta_opt), not (L-1)/(L+1)",
             _arr(want) * s_),
    ]
    if np.ndim(want) == 0:
        slips = [Slip(sl.description, float(np.asarray(sl.value))) for sl in slips]
    compare_times(got, want, s, u0, uf, RTOL_CLOSED, slips)


# ------------------------------------------------------------- orthogonal_weights
def _expect_weights(ws, widths, name="the weights"):
    __tracebackhide__ = True
    expect_sequence(ws, len(widths) - 1, name)
    for l, w in enumerate(ws):
        expect_array(w, (widths[l + 1], widths[l]), f"W_{l}")
    return ws


@check("orthogonal_weights", points=1.0, aspect="shapes", cases=[Case("mixed_widths", [5, 8, 8, 3, 6])])
def test_orthogonal_weights_shapes(student, ref, case, grader_seed):
    (widths,) = case.args
    ws = _expect_weights(student.orthogonal_weights(widths, grader_seed), widths)
    for l, w in enumerate(ws):
        tall = w.shape[0] >= w.shape[1]
        gram = w.T @ w if tall else w @ w.T
        err = float(np.max(np.abs(gram - np.eye(min(w.shape)))))
        if not err <= ATOL_ORTHO:
            fail(f"W_{l} (shape {w.shape}) does not have orthonormal {'columns' if tall else 'rows'}: "
                 f"max |{'W^T W' if tall else 'W W^T'} - I| = {err:.2e}. Next: orthonormalise "
                 "(QR of a Gaussian matrix), and for a wide matrix transpose a tall one.")
    again = student.orthogonal_weights(widths, grader_seed)
    if not all(np.array_equal(a, b) for a, b in zip(ws, again)):
        fail("two calls with the same seed gave different weights. Next: draw only from "
             "np.random.default_rng(seed).")
    other = student.orthogonal_weights(widths, grader_seed + 1)
    if any(np.array_equal(a, b) for a, b in zip(ws, other)):
        fail("two different seeds gave an identical matrix: the seed is ignored.")


@check("orthogonal_weights", points=0.5, aspect="errors", cases=[Case("one_width", [4])])
def test_orthogonal_weights_errors(student, ref, case):
    expect_raises(student.orthogonal_weights, ValueError, *case.args, 0)


HAAR_SEEDS = 6          # calls per case, each with 20 matrices
HAAR_REF_DRAWS = 400    # Haar matrices drawn by scipy.stats.ortho_group for the KS test
HAAR_FFP_EACH = 2e-5    # per statistic; three statistics: ffp <= 6e-5 per case


def _bernstein(n, var, bound, ffp):
    """t with P(|sum of n iid mean-0 terms, variance var, |term| <= bound| >= t) <= ffp
    (Bernstein's inequality: 2 exp(-t^2 / (2 (n var + bound t / 3))))."""
    c = math.log(2.0 / ffp)
    b = 2.0 * c * bound / 3.0
    return (b + math.sqrt(b * b + 8.0 * c * n * var)) / 2.0


# For Haar matrices of shape m x k (or k x m), k <= m: the trace T of the top
# k x k block has mean 0 and variance k/m (flipping the sign of one column
# leaves the law unchanged, so E W_ii W_jj = 0 for i != j, and E W_ii^2 = 1/m);
# so has the overlap sum(W_l * W_(l+2)) of two independent layers of one shape.
# Both are bounded by k. The traces are independent, so Bernstein's inequality
# bounds the false-failure probability of their sum test by HAAR_FFP_EACH with
# no normal approximation; the overlaps share matrices, but given the earlier
# layers each has mean 0 and variance exactly k/m (a martingale difference
# sequence), so Freedman's inequality gives the same bound.
# The sum of fourth powers (delocalisation: 3k/(m+2) for Haar, k for a signed
# permutation) is compared by a two-sample KS test with scipy's Haar sampler
# at level HAAR_FFP_EACH. Total ffp <= 3 * 2e-5 = 6e-5.
@check("orthogonal_weights", points=1.5, aspect="haar", stochastic=True, ffp=6e-5, cases=[
    Case("square_6", [6] * 21),
])
def test_orthogonal_weights_haar(student, ref, case, grader_seed):
    (widths,) = case.args
    draws = [_expect_weights(student.orthogonal_weights(widths, grader_seed + 1009 * k), widths)
             for k in range(HAAR_SEEDS)]
    if any(np.array_equal(draws[0][0], d[0]) for d in draws[1:]):
        fail("different seeds gave the same first matrix: the seed is ignored.")
    m, k = max(widths[:2]), min(widths[:2])
    tall = [w if w.shape[0] >= w.shape[1] else w.T for d in draws for w in d]
    n = len(tall)
    for w in tall:
        if not np.allclose(w.T @ w, np.eye(k), atol=ATOL_ORTHO, rtol=0):
            fail("a matrix is not orthonormal (see the 'shapes' check).")
    trace = sum(float(np.trace(w[:k, :k])) for w in tall)
    t_max = _bernstein(n, k / m, k, HAAR_FFP_EACH)
    if abs(trace) > t_max:
        fail(f"the traces of your {n} matrices (top {k}x{k} block) sum to {trace:.1f}; for Haar "
             f"matrices the sum has mean 0 and standard deviation {math.sqrt(n * k / m):.1f}, and "
             f"|sum| > {t_max:.1f} has probability < {HAAR_FFP_EACH:g}. This looks like: the QR "
             "factor Q used without fixing the signs of diag(R), which biases the diagonal. "
             "Next: Q = Q * np.sign(np.diag(R)).")
    pairs = [(d[l], d[l + 2]) for d in draws for l in range(len(d) - 2)]
    overlap = sum(float(np.sum(a * b)) for a, b in pairs)
    o_max = _bernstein(len(pairs), k / m, k, HAAR_FFP_EACH)  # pairs two apart share a law
    if abs(overlap) > o_max:
        fail(f"layers of the same shape are correlated: sum over pairs of tr(W_l^T W_(l+2)) is "
             f"{overlap:.1f}, where independent Haar layers give mean 0 and standard deviation "
             f"{math.sqrt(len(pairs) * k / m):.1f} (allowed: {o_max:.1f}). This looks like: the "
             "same random generator state (or seed) reused for every layer. Next: create one "
             "np.random.default_rng(seed) and draw all layers from it.")
    rng_seed = grader_seed + stats.REF_SEED_OFFSET
    ref_q = ortho_group.rvs(m, size=HAAR_REF_DRAWS, random_state=rng_seed)[:, :, :k]
    stats.ks_check([np.sum(w**4) for w in tall], np.sum(ref_q**4, axis=(1, 2)), HAAR_FFP_EACH,
                   what="the sum of fourth powers of the entries (how spread out they are)",
                   hint="Haar matrices spread each column over all coordinates; yours are too "
                        "concentrated or too uniform (a permutation or a fixed pattern?). Next: "
                        "orthonormalise a Gaussian matrix.")


# ------------------------------------------------------------- deep_linear_gd
def _gaussian(widths, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((b, a)) / math.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


def _whitened(n, batch, seed):
    q = np.linalg.qr(np.random.default_rng(seed).standard_normal((batch, n)))[0]
    return math.sqrt(batch) * q.T


def _haar(n, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def _gd_variant(weights, X, Y, lr, steps, kind):
    """Known wrong versions of gradient descent (2.136)."""
    ws = [np.array(w, dtype=np.float64) for w in weights]
    B = X.shape[1]
    out = []
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            def forward():
                hs = [X]
                for w in ws:
                    hs.append(w @ hs[-1])
                return hs
            hs = forward()
            out.append(np.sum((hs[-1] - Y) ** 2) / (2 * B))
            if t == steps:
                break
            if kind == "sequential":  # layer l sees layers 0..l-1 already updated
                for l in range(len(ws)):
                    hs = forward()
                    g = (hs[-1] - Y) / B
                    for j in range(len(ws) - 1, l, -1):
                        g = ws[j].T @ g
                    ws[l] = ws[l] - lr * g @ hs[l].T
    return np.array(out)


GD_CASES = [
    Case("small_net", _gaussian([3, 5, 4, 2], 1), np.random.default_rng(2).standard_normal((3, 7)),
         np.random.default_rng(3).standard_normal((2, 7)), 0.05, 30),
    Case("deep_square_L5", [_haar(4, np.random.default_rng(10 + l)) for l in range(6)],
         _whitened(4, 8, 4), np.random.default_rng(5).standard_normal((4, 4)) @ _whitened(4, 8, 4),
         0.05, 40),
]


@check("deep_linear_gd", points=0.5, cases=GD_CASES)
def test_deep_linear_gd(student, ref, case):
    ws, X, Y, lr, steps = case.args
    got = student.deep_linear_gd(*case.args)
    want = ref.deep_linear_gd(*case.args)
    B = X.shape[1]
    slips = [Slip("a sum over the batch where (2.123) takes the mean", B * ref.deep_linear_gd(ws, X, Y, lr * B, steps)),
             Slip("the 1/2 of the square loss (2.123) is missing", 2 * ref.deep_linear_gd(ws, X, Y, 2 * lr, steps)),
             Slip("the layers are updated one after the other; (2.136) moves them all at once",
                  _gd_variant(ws, X, Y, lr, steps, "sequential"))]
    close(got, want, rtol=RTOL_GD, atol=1e-14, slips=slips, name="losses")


@check("deep_linear_gd", points=0.5, aspect="errors", cases=[
    Case("shapes_do_not_chain", _gaussian([3, 4, 2], 1), np.ones((5, 6)), np.ones((2, 6)), 0.1, 3)])
def test_deep_linear_gd_errors(student, ref, case):
    expect_raises(student.deep_linear_gd, ValueError, *case.args)


# ------------------------------------------------------------- plots
def plot(student, ref, outdir):
    """Flow times against depth (exact and (2.141)), and one mode's GD trajectory."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    depths = _arr(np.arange(1, 65))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax = axes[0]
    ax.loglog(depths, ref.exact_mode_time(1.0, 1.0, 0.01, 0.99, depths), "-", color="C0", label="exact (2.140), reference")
    ax.loglog(depths, _arr(student.exact_mode_time(1.0, 1.0, 0.01, 0.99, depths)), "o", ms=3, color="C0", label="exact, yours")
    ax.loglog(depths, ref.deep_mode_time(1.0, 1.0, 0.01, 0.99, depths), "-", color="C1", label="(2.141), reference")
    ax.loglog(depths, _arr(student.deep_mode_time(1.0, 1.0, 0.01, 0.99, depths)), "o", ms=3, color="C1", label="(2.141), yours")
    ax.set_xlabel("depth L")
    ax.set_ylabel("flow time, s = eta = 1, u: 0.01 -> 0.99")
    ax.legend(fontsize=7)
    ax = axes[1]
    for c, L in enumerate([1, 4, 16]):
        lr = 1.0 / (L + 1)
        ax.plot(ref.simulate_mode(1.0, lr, L, 0.01, 150), "-", color=f"C{c}", label=f"L={L} reference")
        ax.plot(_arr(student.simulate_mode(1.0, lr, L, 0.01, 150)), "o", ms=2, color=f"C{c}", label=f"L={L} yours")
    ax.set_xlabel("GD step at lr = 1/(L+1)")
    ax.set_ylabel("u")
    ax.legend(fontsize=7)
    path = f"{outdir}/hw7_modes.png"
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [path]
