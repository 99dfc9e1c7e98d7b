"""hw8 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Nothing here computes a bound: each graded function calls a helper copied
from ``autograder/checks/hw8.py`` as the student wheel ships it (see
wheel_attack.py), plus glue. 

Given the hidden helpers as if the wheel shipped them, it scores 41.75 of 51.25 with the
hidden checks (22.5 of it on hidden ones); raising everywhere scores 3.75.
"""
import math

import numpy as np

COPY = ["_all_signs", "_sauer_to", "_vc_G", "_vc", "_lin_exact", "_fin_exact", "_spectral",
        "_forward", "_ney", "_kl_slip", "_gibbs", "_dr_bound", "_mcallester_at"]
#: helpers of COPY that the wheel still ships: they compute no graded function
KEPT = []


def finite_class_bound(m, delta, n_hypotheses=1):
    raise ValueError("no helper computes it")


def sauer_bound(m, vc_dim):
    return _sauer_to(m, vc_dim)  # noqa: F821


def vc_bound(m, vc_dim, delta):
    return _vc(m, vc_dim, delta)  # noqa: F821


def _around(mean, sd, n, seed):
    return float(mean + sd / math.sqrt(n) * np.random.default_rng(seed).standard_normal())


def rademacher_linear(X, B, n_samples, seed):
    mean, sd = _lin_exact(np.asarray(X, float), B)  # noqa: F821
    return _around(mean, sd, n_samples, seed), float("nan")


def rademacher_finite(H, n_samples, seed):
    mean, sd = _fin_exact(np.asarray(H, float))  # noqa: F821
    return _around(mean, sd, n_samples, seed), float("nan")


def spectral_complexity(weights, kind="bartlett", reference=None):
    if kind == "neyshabur" and reference is None:
        return _spectral(weights, "neyshabur")  # noqa: F821
    if kind != "bartlett":
        raise ValueError(kind)
    return _spectral(weights, M=reference)  # noqa: F821


def neyshabur_bound(weights, X, y, gamma, delta, B=None):
    return _ney(weights, X, y, gamma, delta, B)  # noqa: F821


def mcallester_bound(emp_risk, kl, m, delta):
    return _mcallester_at(emp_risk, kl, m, delta)  # noqa: F821


def kl_diag_gaussians(mu, lam, mu_prior, lam_prior):
    mu, lam = np.asarray(mu, float), np.asarray(lam, float)
    mu_p, lam_p = np.broadcast_to(mu_prior, mu.shape), np.broadcast_to(lam_prior, lam.shape)
    return _kl_slip(mu_p, lam_p, mu, lam, "reversed")  # noqa: F821  (KL(P||Q) with P and Q swapped)


def dziugaite_roy_bound(mu, lam, X, y, mu_prior, lam_prior, delta=0.025, b=100.0, c=0.1):
    if b * (math.log(c) - lam_prior) < 1:
        raise ValueError("j < 1")
    gibbs = _gibbs(mu, lam, X, y)  # noqa: F821
    return gibbs, _dr_bound(gibbs, mu, lam, X, mu_prior, lam_prior, delta, b, c)  # noqa: F821
