"""Does the hw8 reference (generalization bounds, notes chapter 4) agree with theory?

Each test checks the reference against an independent computation: exact
binomial tails, brute-force growth functions, exact enumeration over all sign
vectors, quadrature, SVD, or a simulation whose false-failure probability is
stated beside it.
"""
import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import comb

from solutions import hw8

RTOL = 1e-12


def _all_signs(m):
    """All 2^m sign vectors as rows."""
    return np.array(list(itertools.product([-1.0, 1.0], repeat=m)))


# --------------------------------------------------------------------- (4.6)-(4.9)

def test_finite_class_bound_inverts_the_union_tail():
    """Does |F| exp(-2 m eps^2) equal delta at eps = bound (4.8)-(4.9)?"""
    for m, delta, n in [(1, 0.5, 1), (10, 0.05, 1), (100, 0.01, 7), (5000, 1e-6, 10**6)]:
        eps = hw8.finite_class_bound(m, delta, n)
        assert n * math.exp(-2 * m * eps**2) == pytest.approx(delta, rel=1e-12)
    assert hw8.finite_class_bound(10, 0.05) == hw8.finite_class_bound(10, 0.05, 1)


def test_finite_class_bound_holds_for_one_hypothesis_exactly():
    """Is P(R - R̂ >= bound) <= delta, from the exact binomial law of m R̂ (4.6)?"""
    for m in [5, 20, 100, 1000]:
        for risk in [0.05, 0.3, 0.5, 0.9]:
            for delta in [0.01, 0.1, 0.5]:
                eps = hw8.finite_class_bound(m, delta)
                # R - R̂ >= eps  <=>  count <= m (R - eps)
                p_fail = stats.binom.cdf(math.floor(m * (risk - eps) + 1e-9), m, risk)
                assert p_fail <= delta


def test_finite_class_bound_holds_for_thresholds_over_seeds():
    """For 50 thresholds on U[0,1], is sup_f (R - R̂) >= bound at most a delta-fraction of the time?

    x ~ U[0,1], y = sign(x - 1/2), f_t(x) = sign(x - t): R(f_t) = |t - 1/2| and
    R̂(f_t) is the fraction of points between t and 1/2. 4000 samples of size
    m = 50; the test fails if the count exceeds the binomial(4000, delta)
    quantile of level 1 - 1e-6, so its false-failure probability is <= 1e-6
    whenever the true failure rate is <= delta.
    """
    m, delta, reps = 50, 0.1, 4000
    t = np.linspace(0.0, 1.0, 50)
    x = np.random.default_rng(8).random((reps, m))
    lo, hi = np.minimum(t, 0.5), np.maximum(t, 0.5)
    emp = np.mean((x[:, :, None] > lo) & (x[:, :, None] < hi), axis=1)        # (reps, |F|)
    sup_gap = np.max(np.abs(t - 0.5) - emp, axis=1)
    fails = int(np.sum(sup_gap >= hw8.finite_class_bound(m, delta, len(t))))
    assert fails <= stats.binom.ppf(1 - 1e-6, reps, delta)
    # McAllester (4.55) with a uniform prior and Q = the point mass at the ERM: KL = log|F|
    erm = np.argmin(emp, axis=1)
    true_risk = np.abs(t - 0.5)[erm]
    bound = hw8.mcallester_bound(emp[np.arange(reps), erm], math.log(len(t)), m, delta)
    assert np.sum(true_risk > bound) <= stats.binom.ppf(1 - 1e-6, reps, delta)


@pytest.mark.parametrize("args", [(10, 0.0), (10, 1.0), (10, -0.1), (0, 0.1), (10, 0.1, 0)])
def test_finite_class_bound_rejects_bad_arguments(args):
    """Is a ValueError raised unless 0 < delta < 1, m >= 1 and |F| >= 1?"""
    with pytest.raises(ValueError):
        hw8.finite_class_bound(*args)


# --------------------------------------------------------------------- Sauer, (4.18)-(4.21)

def test_sauer_bound_is_an_exact_int():
    """Is Sauer's sum an exact int: 176 at (10, 3), 85 digits at (1000, 50), 2^m for d >= m?"""
    assert hw8.sauer_bound(10, 3) == 176
    big = hw8.sauer_bound(1000, 50)
    assert type(big) is int and len(str(big)) == 85
    assert big == sum(comb(1000, k, exact=True) for k in range(51))
    for m, d in [(0, 0), (0, 3), (1, 0), (5, 5), (7, 12), (64, 64)]:
        assert hw8.sauer_bound(m, d) == (2**m if d >= m else 1)
        assert type(hw8.sauer_bound(m, d)) is int


def _growth(labelings_of, m):
    """Number of distinct labelings of m distinct points on the line."""
    return len(set(labelings_of(np.arange(m, dtype=float))))


def _thresholds(x):
    cuts = np.concatenate(([x[0] - 1], (x[:-1] + x[1:]) / 2, [x[-1] + 1]))
    return {tuple(x > c) for c in cuts}


def _intervals(x):
    cuts = np.concatenate(([x[0] - 1], (x[:-1] + x[1:]) / 2, [x[-1] + 1]))
    return {tuple((x > a) & (x < b)) for a in cuts for b in cuts}


@pytest.mark.parametrize("m", range(1, 9))
def test_sauer_bound_is_tight_for_thresholds_and_intervals(m):
    """Does Sauer's sum equal the brute-force growth function of thresholds (d=1) and intervals (d=2)?"""
    assert hw8.sauer_bound(m, 1) == _growth(_thresholds, m)
    assert hw8.sauer_bound(m, 2) == _growth(_intervals, m)


def test_log_sauer_is_below_the_bound_of_4_20():
    """Is log Pi <= d (1 + log m - log d) for every 1 <= d < m < 200 (4.20)?"""
    for m in range(2, 200):
        for d in range(1, m):
            assert math.log(hw8.sauer_bound(m, d)) <= d * (1 + math.log(m) - math.log(d)) + 1e-12


def test_vc_bound_against_sauer():
    """Does G equal log Pi = m log 2 for m <= d, 0 for d = 0, and exceed log(Sauer) for m > d?"""
    def with_log_growth(m, log_growth, delta):
        return 2 * math.sqrt(2 / m * (math.log(2) + log_growth)) + math.sqrt(math.log(1 / delta) / (2 * m))

    for m, d, delta in [(1, 1, 0.1), (5, 5, 0.05), (8, 30, 0.01), (10, 0, 0.05), (1000, 0, 0.5)]:
        exact = with_log_growth(m, math.log(hw8.sauer_bound(m, d)), delta)
        assert hw8.vc_bound(m, d, delta) == pytest.approx(exact, rel=RTOL)
    for m, d in [(10, 3), (100, 1), (1000, 50), (10**6, 100)]:
        vc = hw8.vc_bound(m, d, 0.05)
        assert vc >= with_log_growth(m, math.log(hw8.sauer_bound(m, d)), 0.05)
        expected = with_log_growth(m, d * (1 + math.log(m / d)), 0.05)    # (4.21) with the factor 2
        assert vc == pytest.approx(expected, rel=RTOL)
    assert hw8.vc_bound(10, 3, 0.05) > 1.0          # vacuous, and not clipped


# --------------------------------------------------------------------- Rademacher (4.15)

def _exact_linear(X, B):
    norms = B * np.linalg.norm(X @ _all_signs(X.shape[1]).T, axis=0) / X.shape[1]
    return norms.mean(), norms.std()


def _exact_finite(H):
    vals = np.max(np.abs(_all_signs(H.shape[1]) @ H.T), axis=1) / H.shape[1]
    return vals.mean(), vals.std()


# z = 4.5 two-sided: false-failure probability 6.8e-6 per comparison (CLT for a
# mean of >= 10^4 bounded draws).
Z_MEAN = 4.5


def test_rademacher_linear_matches_exact_enumeration():
    """Is the mean estimate over 10 seeds within 4.5 standard errors of E over all 2^m signs?"""
    rng = np.random.default_rng(0)
    for n0, m, B in [(3, 10, 1.0), (1, 12, 2.5), (5, 6, 0.3)]:
        X = rng.normal(size=(n0, m))
        mean, sd = _exact_linear(X, B)
        n = 2000
        est = [hw8.rademacher_linear(X, B, n, seed)[0] for seed in range(10)]
        assert abs(np.mean(est) - mean) <= Z_MEAN * sd / math.sqrt(10 * n)
        bound = hw8.rademacher_linear(X, B, n, 0)[1]
        assert bound == pytest.approx(B * math.sqrt(np.sum(X**2)) / m, rel=RTOL)
        assert mean < bound <= B * np.max(np.linalg.norm(X, axis=0)) / math.sqrt(m) * (1 + RTOL)


def test_rademacher_linear_is_exact_for_orthogonal_points():
    """For orthogonal points ||X sigma|| is the same for every sigma: is estimate == bound?"""
    X = np.diag([1.0, 2.0, 0.5, 3.0])
    est, bound = hw8.rademacher_linear(X, 1.5, 7, 3)
    assert est == pytest.approx(bound, rel=RTOL)


def test_rademacher_linear_seed_and_scale():
    """Same seed same value, other seed other value, linear in B at a fixed seed?"""
    X = np.random.default_rng(1).normal(size=(2, 9))
    a = hw8.rademacher_linear(X, 1.0, 500, 11)
    assert a == hw8.rademacher_linear(X, 1.0, 500, 11)
    assert a[0] != hw8.rademacher_linear(X, 1.0, 500, 12)[0]
    b = hw8.rademacher_linear(X, 3.0, 500, 11)
    assert b[0] == pytest.approx(3 * a[0], rel=RTOL) and b[1] == pytest.approx(3 * a[1], rel=RTOL)


@pytest.mark.parametrize("fn, arg", [("rademacher_linear", "X"), ("rademacher_finite", "H")])
def test_rademacher_spread_scales_like_inverse_sqrt_n(fn, arg):
    """Is the variance over 40 seeds sd^2/n at n = 100 and n = 1600 (chi-square, two-sided 2e-6)?

    The estimate is a mean of n iid draws, nearly normal; (k-1) s^2 / (sd^2/n) is
    then chi-square with k - 1 = 39 degrees of freedom. The acceptance band is
    the central 1 - 2e-6 of that law, widened by 10% for the normal approximation.
    """
    rng = np.random.default_rng(2)
    if arg == "X":
        X = rng.normal(size=(3, 10))
        _, sd = _exact_linear(X, 1.0)
        call = lambda n, s: hw8.rademacher_linear(X, 1.0, n, s)[0]
    else:
        H = rng.normal(size=(4, 10))
        _, sd = _exact_finite(H)
        call = lambda n, s: hw8.rademacher_finite(H, n, s)[0]
    k = 40
    lo, hi = stats.chi2.ppf(1e-6, k - 1) / 1.1, stats.chi2.ppf(1 - 1e-6, k - 1) * 1.1
    for n in [100, 1600]:
        var = np.var([call(n, 1000 + s) for s in range(k)], ddof=1)
        assert lo <= (k - 1) * var / (sd**2 / n) <= hi


def test_rademacher_finite_matches_exact_enumeration_and_massart():
    """Is the estimate within 4.5 SE of the exact value, and the exact value below Massart?"""
    rng = np.random.default_rng(3)
    cases = [np.sign(rng.normal(size=(6, 10))),               # +-1 rows: (4.18)
             (rng.random((5, 12)) < 0.3).astype(float),         # 0/1 losses
             rng.uniform(-1, 1, size=(3, 8)),
             np.ones((1, 7))]
    for H in cases:
        mean, sd = _exact_finite(H)
        n = 2000
        est = [hw8.rademacher_finite(H, n, seed)[0] for seed in range(10)]
        assert abs(np.mean(est) - mean) <= Z_MEAN * sd / math.sqrt(10 * n)
        m, n_distinct = H.shape[1], len({tuple(r) for r in H})
        bound = hw8.rademacher_finite(H, n, 0)[1]
        massart = max(math.sqrt(sum(v * v for v in r)) for r in H) * math.sqrt(2 * math.log(2 * n_distinct)) / m
        assert bound == pytest.approx(massart, rel=RTOL)
        assert mean <= bound


def test_rademacher_finite_bound_is_4_18_and_counts_distinct_rows():
    """For +-1 rows, is bound = sqrt(2 log(2 N')/m) with N' the number of distinct rows?"""
    rows = np.sign(np.random.default_rng(4).normal(size=(4, 9)))
    H = np.vstack([rows, rows[:2], rows[:1]])                # 7 rows, 4 distinct
    assert hw8.rademacher_finite(H, 10, 0)[1] == pytest.approx(math.sqrt(2 * math.log(8) / 9), rel=RTOL)
    assert hw8.rademacher_finite(H, 10, 0)[1] == hw8.rademacher_finite(rows, 10, 0)[1]


def test_rademacher_rejects_no_samples():
    """Is n_samples = 0 a ValueError?"""
    with pytest.raises(ValueError):
        hw8.rademacher_linear(np.eye(2), 1.0, 0, 0)
    with pytest.raises(ValueError):
        hw8.rademacher_finite(np.eye(2), 0, 0)


# --------------------------------------------------------------------- spectral complexity

def _random_net(rng, widths):
    return [rng.normal(size=(widths[i + 1], widths[i])) / math.sqrt(widths[i]) for i in range(len(widths) - 1)]


def _direct(weights, kind, reference=None):
    """(4.31) / (4.87) in their product form, with SVD and explicit loops over rows."""
    s = [np.linalg.svd(W, compute_uv=False)[0] for W in weights]
    if kind == "neyshabur":
        return math.prod(s) * math.sqrt(sum(np.sum(W * W) / si**2 for W, si in zip(weights, s)))
    refs = reference if reference is not None else [np.zeros_like(W) for W in weights]
    b = [sum(math.sqrt(sum(v * v for v in row)) for row in (W - M)) for W, M in zip(weights, refs)]
    return math.prod(s) * sum((bi / si) ** (2 / 3) for bi, si in zip(b, s)) ** 1.5


def test_spectral_complexity_on_identities():
    """On L copies of I_n, is Bartlett L^{3/2} n and Neyshabur sqrt(L n)?"""
    for L, n in [(1, 1), (1, 5), (3, 4), (6, 2)]:
        eye = [np.eye(n)] * L
        assert hw8.spectral_complexity(eye) == pytest.approx(L**1.5 * n, rel=RTOL)
        assert hw8.spectral_complexity(eye, "neyshabur") == pytest.approx(math.sqrt(L * n), rel=RTOL)


def test_spectral_complexity_matches_svd_and_row_norms():
    """On non-square matrices (where rows and columns differ), does it match SVD and row-norm sums?"""
    rng = np.random.default_rng(5)
    for widths in [[7, 3, 1], [2, 9, 4, 1], [5, 1]]:
        Ws = _random_net(rng, widths)
        for kind in ["bartlett", "neyshabur"]:
            assert hw8.spectral_complexity(Ws, kind) == pytest.approx(_direct(Ws, kind), rel=RTOL)
        Ms = _random_net(rng, widths)
        assert hw8.spectral_complexity(Ws, reference=Ms) == pytest.approx(_direct(Ws, "bartlett", Ms), rel=RTOL)
        assert hw8.spectral_complexity(Ws, reference=Ws) == 0.0
        column_version = _direct([W.T for W in Ws], "bartlett")   # what summing columns would give
        assert abs(hw8.spectral_complexity(Ws) - column_version) > 1e-3 * column_version


def test_spectral_complexity_structure():
    """Degree-1 homogeneity per layer, invariance under balanced rescaling (4.91), Bartlett >= Neyshabur?"""
    rng = np.random.default_rng(6)
    Ws = _random_net(rng, [6, 5, 4, 1])
    for kind in ["bartlett", "neyshabur"]:
        base = hw8.spectral_complexity(Ws, kind)
        for layer in range(3):
            scaled = [W * (2.7 if i == layer else 1.0) for i, W in enumerate(Ws)]
            assert hw8.spectral_complexity(scaled, kind) == pytest.approx(2.7 * base, rel=RTOL)
        a = np.array([3.0, 0.2, 1 / 0.6])
        assert hw8.spectral_complexity([ai * W for ai, W in zip(a, Ws)], kind) == pytest.approx(base, rel=RTOL)
    for _ in range(20):
        widths = list(rng.integers(1, 8, size=rng.integers(2, 6))) + [1]
        Ws = _random_net(rng, widths)
        assert hw8.spectral_complexity(Ws) >= hw8.spectral_complexity(Ws, "neyshabur") * (1 - RTOL)


def test_spectral_complexity_edges_and_errors():
    """Does a zero matrix give 0, and are an unknown kind and a Neyshabur reference ValueErrors?"""
    Ws = [np.ones((2, 3)), np.zeros((1, 2))]
    assert hw8.spectral_complexity(Ws) == 0.0 and hw8.spectral_complexity(Ws, "neyshabur") == 0.0
    with pytest.raises(ValueError):
        hw8.spectral_complexity(Ws, "frobenius")
    with pytest.raises(ValueError):
        hw8.spectral_complexity(Ws, "neyshabur", reference=Ws)


# --------------------------------------------------------------------- Neyshabur et al. (4.86)

def test_neyshabur_margin_is_strict_on_dyadic_data():
    """Is a point whose margin is exactly gamma not an error, and one just below it an error?"""
    W1 = np.array([[1.0, -0.5], [0.25, 1.0], [-1.0, 0.5]])
    W2 = np.array([[0.5, 1.0, -0.25]])
    X = np.array([[1.0, 2.0, 0.5, -1.0], [0.5, 1.0, 0.25, 1.0]])
    f = np.array([(W2 @ np.maximum(W1 @ X[:, i], 0))[0] for i in range(4)])
    y = np.array([1.0, 1.0, -1.0, 1.0])
    gamma = float(y[0] * f[0])                                  # exactly attained by point 0
    assert gamma > 0
    expected = np.mean([yi * fi < gamma for yi, fi in zip(y, f)])
    risk, bound = hw8.neyshabur_bound([W1, W2], X, y, gamma, 0.1)
    assert risk == expected and risk < 1
    assert hw8.neyshabur_bound([W1, W2], X, y, gamma + 2.0**-20, 0.1)[0] == expected + 0.25
    # the bound with L = 2, n = 3 (largest dimension), B = largest column norm
    m, L, n, B = 4, 2, 3, max(np.linalg.norm(X, axis=0))
    R = hw8.spectral_complexity([W1, W2], "neyshabur")
    inner = math.log(8 * L * m / 0.1) + math.log(m) / (2 * L) + 8 * math.e**4 * (B * R / gamma) ** 2 * L**2 * n * math.log(2 * L * n)
    assert bound == pytest.approx(risk + math.sqrt(inner / (2 * m - 1)), rel=RTOL)


def test_neyshabur_bound_counts_the_input_dimension_and_B():
    """Does n include the input dimension, and does B default to max_i ||x_i||?"""
    rng = np.random.default_rng(7)
    Ws = _random_net(rng, [9, 3, 2, 1])                        # n = 9 is the input dimension
    X, y = rng.normal(size=(9, 30)), np.sign(rng.normal(size=30))
    r, b = hw8.neyshabur_bound(Ws, X, y, 0.5, 0.05)
    B = max(np.linalg.norm(X, axis=0))
    assert (r, b) == hw8.neyshabur_bound(Ws, X, y, 0.5, 0.05, B=B)
    R = hw8.spectral_complexity(Ws, "neyshabur")
    gap = lambda n: math.sqrt((math.log(8 * 3 * 30 / 0.05) + math.log(30) / 6
                               + 8 * math.e**4 * (B * R / 0.5) ** 2 * 9 * n * math.log(6 * n)) / 59)
    assert b - r == pytest.approx(gap(9), rel=RTOL)
    assert b > 1                                                # vacuous, not clipped


def test_neyshabur_bound_is_invariant_under_balanced_rescaling():
    """Do margin risk and bound stay put under W_l -> a_l W_l, prod a_l = 1 (4.91)?"""
    rng = np.random.default_rng(9)
    Ws = _random_net(rng, [4, 6, 5, 1])
    X, y = rng.normal(size=(4, 50)), np.sign(rng.normal(size=50))
    base = hw8.neyshabur_bound(Ws, X, y, 0.3, 0.05)
    a = [4.0, 0.125, 2.0]
    scaled = hw8.neyshabur_bound([ai * W for ai, W in zip(a, Ws)], X, y, 0.3, 0.05)
    assert scaled[0] == base[0] and scaled[1] == pytest.approx(base[1], rel=RTOL)


# --------------------------------------------------------------------- PAC-Bayes

def test_mcallester_bound():
    """Is it emp_risk + sqrt((log(4m/delta) + KL)/(2m-1)) > emp_risk, with the named ValueErrors?"""
    assert hw8.mcallester_bound(0.1, 2.0, 100, 0.05) == pytest.approx(
        0.1 + math.sqrt((math.log(400 / 0.05) + 2) / 199), rel=RTOL)
    assert hw8.mcallester_bound(0.0, 0.0, 1, 0.5) > 0.0
    for bad in [(0.1, -1e-3, 100, 0.05), (0.1, 1.0, 100, 0.0), (0.1, 1.0, 100, 1.0)]:
        with pytest.raises(ValueError):
            hw8.mcallester_bound(*bad)


def _kl_quadrature_1d(mu, lam, mu_p, lam_p):
    q = stats.norm(mu, math.exp(lam / 2))
    p = stats.norm(mu_p, math.exp(lam_p / 2))
    sd = math.exp(lam / 2)
    val, _ = integrate.quad(lambda w: q.pdf(w) * (q.logpdf(w) - p.logpdf(w)), mu - 30 * sd, mu + 30 * sd,
                            epsabs=1e-13, epsrel=1e-12, limit=200)
    return val


def test_kl_diag_gaussians_against_quadrature():
    """Does the closed form match the sum of 1-d integrals of q log(q/p) to 1e-9?"""
    rng = np.random.default_rng(10)
    mu, lam = rng.normal(size=4), rng.normal(size=4)
    mu_p, lam_p = rng.normal(size=4), rng.normal(size=4)
    quad = sum(_kl_quadrature_1d(*args) for args in zip(mu, lam, mu_p, lam_p))
    assert hw8.kl_diag_gaussians(mu, lam, mu_p, lam_p) == pytest.approx(quad, rel=1e-9)
    # scalar prior (4.77) broadcasts like the array prior
    assert hw8.kl_diag_gaussians(mu, lam, 0.3, -1.0) == pytest.approx(
        hw8.kl_diag_gaussians(mu, lam, np.full(4, 0.3), np.full(4, -1.0)), rel=RTOL)


def test_kl_diag_gaussians_special_cases_and_printed_4_77():
    """KL(Q||Q) = 0, (4.82) at lam = lam* = log sigma^2, and is the printed (4.77) off by (1.lam - 1.mu)/2?"""
    rng = np.random.default_rng(11)
    mu, lam = rng.normal(size=6), rng.normal(size=6)
    assert hw8.kl_diag_gaussians(mu, lam, mu, lam) == 0.0
    sigma2 = 0.37
    assert hw8.kl_diag_gaussians(mu, np.full(6, math.log(sigma2)), 0.0, math.log(sigma2)) == pytest.approx(
        np.sum(mu**2) / (2 * sigma2), rel=RTOL)
    lam_p = -0.4
    printed = 0.5 * (math.exp(-lam_p) * (np.sum(np.exp(lam)) + np.sum((mu - 0.2) ** 2)) + 6 * (lam_p - 1) - np.sum(mu))
    right = hw8.kl_diag_gaussians(mu, lam, 0.2, lam_p)
    assert right == pytest.approx(printed + 0.5 * (np.sum(mu) - np.sum(lam)), rel=1e-12)
    assert hw8.kl_diag_gaussians(mu, lam, 0.2, lam_p) > 0


def test_kl_diag_gaussians_against_monte_carlo():
    """Is E_Q[log q - log p] from 2*10^5 draws within 4.5 SE of the closed form (ffp 6.8e-6)?"""
    rng = np.random.default_rng(12)
    mu, lam, mu_p, lam_p = np.array([1.0, -0.5, 2.0, 0.0]), np.array([0.5, -1.0, 0.0, 1.0]), 0.0, -0.5
    w = mu + np.exp(lam / 2) * rng.standard_normal((200_000, 4))
    log_ratio = np.sum(stats.norm.logpdf(w, mu, np.exp(lam / 2)) - stats.norm.logpdf(w, mu_p, np.exp(lam_p / 2)), axis=1)
    se = log_ratio.std(ddof=1) / math.sqrt(len(log_ratio))
    assert abs(log_ratio.mean() - hw8.kl_diag_gaussians(mu, lam, mu_p, lam_p)) <= Z_MEAN * se


def _linear_data(rng, d=5, m=40):
    X = rng.normal(size=(d, m))
    y = np.sign(rng.normal(size=d) @ X + 0.5 * rng.normal(size=m))
    return X, y


def test_dziugaite_roy_gibbs_risk_against_sampling():
    """Is the exact Gibbs risk within 4.5 SE of the mean 0/1 risk of 4*10^4 sampled w (ffp 6.8e-6)?"""
    rng = np.random.default_rng(13)
    X, y = _linear_data(rng)
    mu, lam = rng.normal(size=5), rng.normal(size=5) - 1
    gibbs, _ = hw8.dziugaite_roy_bound(mu, lam, X, y, 0.0, -3.0)
    w = mu + np.exp(lam / 2) * rng.standard_normal((40_000, 5))
    per_draw = np.mean(y * (w @ X) < 0, axis=1)
    se = per_draw.std(ddof=1) / math.sqrt(len(per_draw))
    assert abs(per_draw.mean() - gibbs) <= Z_MEAN * se


def test_dziugaite_roy_deterministic_limit_and_zero_point():
    """As lam -> -inf, does the Gibbs risk tend to the 0/1 risk of mu (also under underflow)?"""
    rng = np.random.default_rng(14)
    X, y = _linear_data(rng)
    mu = rng.normal(size=5)
    det = np.mean(y * (mu @ X) < 0)
    for lam in [-80.0, -2000.0]:
        assert hw8.dziugaite_roy_bound(mu, np.full(5, lam), X, y, 0.0, -3.0)[0] == pytest.approx(det, abs=1e-12)
    X0 = np.hstack([X, np.zeros((5, 1))])                       # w^T 0 = 0 is never a 0/1 error
    g0 = hw8.dziugaite_roy_bound(mu, np.zeros(5), X0, np.append(y, 1.0), 0.0, -3.0)[0]
    g = hw8.dziugaite_roy_bound(mu, np.zeros(5), X, y, 0.0, -3.0)[0]
    assert g0 == pytest.approx(g * 40 / 41, rel=RTOL)


def test_dziugaite_roy_bound_is_mcallester_at_integer_j():
    """At lam* = log c - j/b with integer j, is the bound McAllester at delta_j = 6 delta/(pi^2 j^2)?"""
    rng = np.random.default_rng(15)
    X, y = _linear_data(rng)
    mu, lam = rng.normal(size=5), rng.normal(size=5) - 2
    for j, delta, b, c in [(1, 0.025, 100.0, 0.1), (7, 0.025, 100.0, 0.1), (300, 0.05, 50.0, 1.0)]:
        lam_p = math.log(c) - j / b
        gibbs, bound = hw8.dziugaite_roy_bound(mu, lam, X, y, 0.1, lam_p, delta, b, c)
        kl = hw8.kl_diag_gaussians(mu, lam, 0.1, lam_p)
        assert bound == pytest.approx(hw8.mcallester_bound(gibbs, kl, 40, 6 * delta / (math.pi**2 * j**2)), rel=1e-11)
        assert bound > gibbs
    with pytest.raises(ValueError):                              # j = 0.5 < 1
        hw8.dziugaite_roy_bound(mu, lam, X, y, 0.0, math.log(0.1) - 0.005)
    hw8.dziugaite_roy_bound(mu, lam, X, y, 0.0, math.log(0.1) - 0.01)   # j = 1 (up to round-off) is allowed
