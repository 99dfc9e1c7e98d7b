"""Does the hw12 reference agree with theory computed independently?

Independent routes: a brute-force minimum cover for tiny classes; hw8's
Monte Carlo Rademacher estimate and Massart's bound; a fine midpoint rule for
Dudley's integral; Monte Carlo on the sphere for the exact test error; the
countable bound (4.50) solved for delta; numerical quadrature and
optimisation for Donsker-Varadhan; random nets for Lemma 11; exact normal
tails for Tropp. Every random input comes from a fixed seed, so the
outcomes are fixed; the Monte Carlo comparisons allow 5 standard errors.
"""
import itertools
import math

import numpy as np
import pytest
from scipy import integrate, optimize
from scipy.stats import norm

from solutions import hw8, hw12


def _rng(seed):
    return np.random.default_rng(seed)


def _dist(H):
    return np.linalg.norm(H[:, None, :] - H[None, :, :], axis=2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_greedy_cover_is_a_cover_and_not_below_the_minimum(seed):
    H = np.tanh(_rng(seed).standard_normal((8, 5)))
    D = _dist(H)
    for eps in [0.5, 1.0, 1.5, 2.5]:
        n = hw12.covering_number(H, eps)
        best = next(k for k in range(1, 9) for c in itertools.combinations(range(8), k)
                    if np.all(np.min(D[list(c)], axis=0) < eps))
        assert best <= n <= 8


def test_covering_number_limits():
    H = np.where(_rng(3).standard_normal((12, 6)) > 0, 1.0, -1.0)
    assert hw12.covering_number(H, 1e-9) == len(np.unique(H, axis=0))
    assert hw12.covering_number(H, 2 * math.sqrt(6) + 1e-9) == 1
    with pytest.raises(ValueError):
        hw12.covering_number(H, 0.0)


@pytest.mark.parametrize("seed", [4, 5])
def test_rademacher_exact_against_hw8_monte_carlo_and_massart(seed):
    H = np.where(_rng(seed).standard_normal((15, 9)) > 0, 1.0, -1.0)
    exact = hw12.rademacher_exact(H)
    est, massart = hw8.rademacher_finite(H, 40000, seed)
    se = 1.0 / math.sqrt(40000)          # max_k |sigma.H[k]|/m lies in [0, 1]
    assert abs(est - exact) < 5 * se
    assert exact <= massart


@pytest.mark.parametrize("seed", [6, 7])
def test_dudley_against_a_midpoint_rule_and_above_rad(seed):
    H = np.tanh(2 * _rng(seed).standard_normal((10, 8)))
    m = 8
    for eps in [0.05, 0.4, 1.0]:
        t = np.linspace(eps, math.sqrt(m) / 2, 4001)
        mid = 0.5 * (t[1:] + t[:-1])
        vals = np.sqrt(np.log([hw12.covering_number(H, s) for s in mid]))
        approx = 4 * eps / math.sqrt(m) + 12 / m * float(np.sum(np.diff(t) * vals))
        assert hw12.dudley_bound(H, eps) == pytest.approx(approx, abs=5e-3)
        assert hw12.dudley_bound(H, eps) >= hw12.rademacher_exact(H)


def test_sphere_test_error_against_monte_carlo():
    rng = _rng(8)
    m, D, r, mu = 20, 50, 3.0, 0.7        # a case with a test error of a few percent
    Z = rng.standard_normal((m, D))
    Z *= r / np.linalg.norm(Z, axis=1)[:, None]
    y = np.where(rng.standard_normal(m) > 0, 1.0, -1.0)
    train, test, neg = hw12.sphere_errors(Z, y, mu)
    w2 = (y[:, None] * Z).mean(axis=0)
    n = 200000
    z = rng.standard_normal((n, D))
    z *= r / np.linalg.norm(z, axis=1)[:, None]
    yt = np.where(rng.standard_normal(n) > 0, 1.0, -1.0)
    mc = np.mean(mu * mu + yt * (z @ w2) <= 0)
    assert 0.005 < test < 0.5
    assert abs(mc - test) < 5 * math.sqrt(test * (1 - test) / n)
    assert 0 <= train <= 1 and 0 <= neg <= 1


def test_sphere_uniform_convergence_fails_in_high_dimension():
    rng = _rng(9)
    m, D = 40, 4000
    Z = rng.standard_normal((m, D))
    Z *= math.sqrt(2 * m) / np.linalg.norm(Z, axis=1)[:, None]
    y = np.where(rng.standard_normal(m) > 0, 1.0, -1.0)
    train, test, neg = hw12.sphere_errors(Z, y, 1.0)
    assert train == 0.0 and test < 1e-4 and neg > 0.95


def test_prune_quantize_structure():
    ws = [_rng(10).standard_normal((6, 4)), _rng(11).standard_normal((1, 6))]
    theta = np.concatenate([w.ravel() for w in ws])
    for k, r in [(5, 2), (12, 4), (30, 7)]:
        out = np.concatenate([w.ravel() for w in hw12.prune_quantize(ws, k, r)])
        kept = np.argsort(-np.abs(theta))[:k]
        assert np.all(out[np.setdiff1d(np.arange(30), kept)] == 0)
        book = np.linspace(theta[kept].min(), theta[kept].max(), r)
        assert np.all(np.min(np.abs(out[kept][:, None] - book[None, :]), axis=1) < 1e-12)
        assert np.max(np.abs(out[kept] - theta[kept])) <= (book[1] - book[0]) / 2 + 1e-12
    fine = np.concatenate([w.ravel() for w in hw12.prune_quantize(ws, 30, 2 ** 20)])
    assert np.max(np.abs(fine - theta)) < np.ptp(theta) / 2 ** 20


@pytest.mark.parametrize("args", [(0.02, 10000, 300, 50, 4, 0.05), (0.0, 60000, 10 ** 5, 1000, 16, 0.01)])
def test_compression_bound_solves_the_countable_bound(args):
    err, m, n, k, r, delta = args
    bits, bound = hw12.compression_bound(*args)
    assert isinstance(bits, int)
    assert bits == k * (math.ceil(math.log2(n)) + math.ceil(math.log2(r))) + 32 * r
    log_prior = -bits * math.log(2) - math.log(bits * (bits + 1))     # log P(f), Z = 1
    # (4.50): P(R - R_hat >= eps(f)) <= exp(-2 m eps(f)^2) = delta P(f)
    assert -2 * m * (bound - err) ** 2 == pytest.approx(math.log(delta) + log_prior, rel=1e-12)
    assert sum(1 / (b * (b + 1)) for b in range(1, 10 ** 5)) < 1


@pytest.mark.parametrize("q,p", [((0.5, 2.0), (-0.3, 0.7)), ((-1.0, 0.5), (0.5, 3.0)), ((1.0, 1.0), (0.0, 1.0))])
def test_donsker_varadhan_by_quadrature_and_optimisation(q, p):
    (mq, vq), (mp, vp) = q, p
    kl = hw8.kl_diag_gaussians(np.array([mq]), np.array([math.log(vq)]), mp, math.log(vp))
    a, b = hw12.dv_maximiser(mq, vq, mp, vp)
    assert hw12.dv_objective(a, b, mq, vq, mp, vp) == pytest.approx(kl, rel=1e-12, abs=1e-14)
    for aa, bb in [(0.1, 0.3), (-0.5, -1.0), (0.2, 0.0)]:
        if 1 - 2 * aa * vp <= 0:
            continue
        eq = integrate.quad(lambda x: (aa * x * x + bb * x) * norm.pdf(x, mq, math.sqrt(vq)), -40, 40)[0]
        ep = integrate.quad(lambda x: math.exp(aa * x * x + bb * x + norm.logpdf(x, mp, math.sqrt(vp))), -40, 40)[0]
        assert hw12.dv_objective(aa, bb, mq, vq, mp, vp) == pytest.approx(eq - math.log(ep), rel=1e-7, abs=1e-9)
    res = optimize.minimize(lambda ab: -hw12.dv_objective(ab[0], ab[1], mq, vq, mp, vp)
                            if 1 - 2 * ab[0] * vp > 0 else 1e9, x0=[0.0, 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    assert -res.fun == pytest.approx(kl, abs=1e-8)
    assert hw12.dv_objective(1.0 / vp, 0.0, mq, vq, mp, vp) == -math.inf


def test_lemma11_holds_on_random_relu_nets():
    rng = _rng(12)
    worst = 0.0
    for _ in range(30):
        widths = [4] + list(rng.integers(3, 12, size=rng.integers(1, 4))) + [1]
        ws = [rng.standard_normal((widths[i + 1], widths[i])) for i in range(len(widths) - 1)]
        L = len(ws)
        us = []
        for w in ws:
            u = rng.standard_normal(w.shape)
            us.append(u * np.linalg.norm(w, 2) / (L * np.linalg.norm(u, 2)))
        X = rng.standard_normal((4, 40))
        B = float(np.max(np.linalg.norm(X, axis=0)))
        gap, bound = hw12.relu_perturbation(ws, us, X), hw12.perturbation_bound(ws, us, B)
        # the gap by a separate loop over points
        def f(wl, x):
            h = x
            for w in wl[:-1]:
                h = np.maximum(w @ h, 0)
            return float((wl[-1] @ h)[0])
        gap2 = max(abs(f([w + u for w, u in zip(ws, us)], x) - f(ws, x)) for x in X.T)
        assert gap == pytest.approx(gap2, rel=1e-12)
        assert gap <= bound
        worst = max(worst, gap / bound)
    assert worst < 1


def test_tropp_tail_against_exact_normal_tails():
    A = np.stack([np.diag(np.eye(4)[k]) for k in range(4)])
    n = 40000
    for t in [1.5, 2.5]:
        p = 1 - (1 - 2 * norm.sf(t)) ** 4
        got = hw12.tropp_tail(A, t, n, 13)
        assert abs(got - p) < 5 * math.sqrt(p * (1 - p) / n)
        assert got <= hw12.tropp_bound(A, t)


def test_tropp_bounds_dominate_simulation_on_random_series():
    G = _rng(14).standard_normal((6, 5, 5))
    A = 0.5 * (G + np.transpose(G, (0, 2, 1)))
    sigma = math.sqrt(np.linalg.norm(sum(a @ a for a in A), 2))
    xi = _rng(15).standard_normal((20000, 6))
    S = np.einsum("dk,kij->dij", xi, A)
    ev = np.linalg.eigvalsh(S)
    for t in [1.5 * sigma, 2.5 * sigma, 3.0 * sigma]:
        assert np.mean(ev[:, -1] >= t) <= hw12.tropp_bound(A, t, "max")
        assert np.mean(np.abs(ev).max(axis=1) >= t) <= hw12.tropp_bound(A, t, "norm")
    assert hw12.tropp_bound(A, 2.0, "norm") == pytest.approx(2 * hw12.tropp_bound(A, 2.0, "max"), rel=1e-15)
    with pytest.raises(ValueError):
        hw12.tropp_bound(G, 1.0)


def test_mcdiarmid_simulation_against_the_binomial_tail_and_below_the_bound():
    from scipy.stats import binom
    for m, eps in [(50, 0.13), (20, 0.175), (100, 0.055)]:
        k = math.floor(m * (0.5 + eps))          # m (1/2 + eps) is never an integer here
        p = binom.sf(k, m, 0.5)
        got = hw12.mcdiarmid_coins(m, eps, 40000, 16)
        assert abs(got - p) < 5 * math.sqrt(p * (1 - p) / 40000)
        assert p <= hw12.mcdiarmid_bound(np.full(m, 1 / m), eps)
    for m in [5, 30, 200]:                       # (4.11) for the mean: the exact tail never exceeds it
        for eps in np.linspace(0.01, 0.49, 25):
            assert binom.sf(math.ceil(m * (0.5 + eps)) - 1, m, 0.5) <= hw12.mcdiarmid_bound(np.full(m, 1 / m), eps)
    with pytest.raises(ValueError):
        hw12.mcdiarmid_bound(np.full(3, 0.1), 0.0)
