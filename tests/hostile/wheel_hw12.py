"""hw12 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Each graded function calls helpers copied from ``autograder/checks/hw12/``
as the student wheel ships it (see wheel_attack.py): a greedy cover, Dudley's
integral, pruning and quantisation, the compression and perturbation bounds,
the DV objective, a ReLU net's outputs, the DV maximiser's "Q and P swapped" slip
(negated), McDiarmid's "sum of c_i" slip (on c_i^2), and the exact probabilities the
simulations estimate (returned in place of a simulation); the glue is the
contract's argument errors, a maximum, and Tropp's sigma^2.

While the wheel shipped these helpers this scored 18.75 of 20.5 with the hidden checks
(6.25 of it on hidden ones); raising everywhere scores 2.
"""
import math

import numpy as np

COPY = ["_dist", "_greedy", "_dudley", "_signs", "_pq", "_cb", "_dv", "_relu", "_pbound", "_tb",
        "_dv_maximiser_slips", "_mcdiarmid_variants", "TAILS", "_coin_tail", "_diagonal_series_tail",
        "_scalar_series_tail", "_series_tails"]
#: helpers of COPY that the wheel still ships
KEPT = []


def covering_number(H, eps):
    if eps <= 0:
        raise ValueError("eps must be positive")
    return int(_greedy(_dist(np.asarray(H, float)), eps))  # noqa: F821


def rademacher_exact(H):
    H = np.asarray(H, float)
    return float(np.mean(np.max(np.abs(_signs(H.shape[1]) @ H.T), axis=1)) / H.shape[1])  # noqa: F821


def dudley_bound(H, eps):
    return float(_dudley(np.asarray(H, float), eps))  # noqa: F821


def sphere_errors(Z, y, mu):
    raise ValueError("no helper computes it")


def prune_quantize(weights, k, r):
    if k < 1 or r < 2:
        raise ValueError("k >= 1 and r >= 2")
    flat = _pq([np.asarray(w, float) for w in weights], k, r)  # noqa: F821
    out, i = [], 0
    for w in weights:
        n = np.size(w)
        out.append(flat[i:i + n].reshape(np.shape(w)))
        i += n
    return out


def compression_bound(train_error, m, n_params, k, r, delta):
    bits, bound = _cb(train_error, m, n_params, k, r, delta)  # noqa: F821
    return int(bits), float(bound)


def dv_objective(a, b, mu_q, var_q, mu_p, var_p):
    if 1 - 2 * a * var_p <= 0:
        return -math.inf
    return _dv(a, b, mu_q, var_q, mu_p, var_p)  # noqa: F821


def dv_maximiser(mu_q, var_q, mu_p, var_p):
    a, b = _dv_maximiser_slips(mu_q, var_q, mu_p, var_p)[0]  # noqa: F821   Q and P swapped, negated
    return -float(a), -float(b)


def relu_perturbation(weights, perturbations, X):
    ws = [np.asarray(w, float) for w in weights]
    wu = [w + np.asarray(u, float) for w, u in zip(ws, perturbations)]
    return float(np.max(np.abs(_relu(wu, np.asarray(X, float)) - _relu(ws, np.asarray(X, float)))))  # noqa: F821


def perturbation_bound(weights, perturbations, B):
    ws = [np.asarray(w, float) for w in weights]
    us = [np.asarray(u, float) for u in perturbations]
    if any(np.linalg.norm(u, 2) > np.linalg.norm(w, 2) / len(ws) for u, w in zip(us, ws)):
        raise ValueError("perturbation too large")
    return float(_pbound(ws, us, B))  # noqa: F821


def mcdiarmid_bound(c, eps):
    c = np.asarray(c, float)
    if eps <= 0 or np.any(c < 0):
        raise ValueError("eps > 0 and c_i >= 0")
    return float(_mcdiarmid_variants(c * c, eps)[0])  # noqa: F821   the "sum of c_i" slip on c_i^2


def mcdiarmid_coins(m, eps, n_draws, seed):
    return float(_coin_tail(m, eps))  # noqa: F821   the exact probability, no simulation


def tropp_bound(A, t, tail="norm"):
    A = np.asarray(A, float)
    if tail not in ("norm", "max") or not np.allclose(A, np.transpose(A, (0, 2, 1))):
        raise ValueError("symmetric A and tail 'norm' or 'max'")
    s2 = float(np.linalg.norm(np.einsum("kij,kjl->il", A, A), 2))
    return float(_tb(A, t, 2 if tail == "norm" else 1, s2))  # noqa: F821


def tropp_tail(A, t, n_draws, seed):
    return float(_series_tails(A, t)[0])  # noqa: F821   the exact probability, no simulation
