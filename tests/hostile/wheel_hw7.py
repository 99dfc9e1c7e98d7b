"""hw7 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

The flow times come from helpers copied from ``autograder/checks/hw7.py`` as
the student wheel ships it (see wheel_attack.py): the log of the shallow flow
and the quadrature of a mode's ODE at the exponent 2L/(L+1); the glue is the
prefactor and the end points (0 at uf = u0, inf at uf = s).

Given the hidden helpers as if the wheel shipped them, it scores 9 of 30.5 with the
hidden checks (4 of it on hidden ones); raising everywhere scores 1.5.
"""
import numpy as np

COPY = ["_arr", "_mode_log", "_power_time", "_haar_orthogonal"]
#: helpers of COPY that the wheel still ships: they compute no graded function
KEPT = ['_arr']


def _ends(t, s, u0, uf):
    s, u0, uf = np.broadcast_arrays(*(np.asarray(x, float) for x in (s, u0, uf)))
    t = np.array(t, dtype=float) * np.ones(s.shape)
    t[uf == u0] = 0.0
    t[(uf == s) & (u0 != s)] = np.inf
    return t if t.ndim else float(t)


def shallow_mode_time(s, eta, u0, uf):
    with np.errstate(all="ignore"):
        return _ends(_mode_log(s, u0, uf) / (2 * np.asarray(s, float) * eta), s, u0, uf)  # noqa: F821


def deep_mode_time(s, eta, u0, uf, depth):
    raise ValueError("no helper computes it")


def exact_mode_time(s, eta, u0, uf, depth):
    L = np.asarray(depth, float)
    return _ends(_power_time(s, eta, u0, uf, depth, 2 * L / (L + 1)), s, u0, uf)  # noqa: F821


def simulate_mode(s, lr, depth, u0, steps):
    raise ValueError("no helper computes it")


def top_hessian_eigenvalue(s, a, depth):
    raise ValueError("no helper computes it")


def optimal_steps(s, depth, u0, uf):
    raise ValueError("no helper computes it")


def orthogonal_weights(widths, seed):
    if len(widths) < 2:
        raise ValueError("at least two widths")
    rng = np.random.default_rng(seed)
    out = []
    for a, b in zip(widths[:-1], widths[1:]):
        q = _haar_orthogonal(max(a, b), rng)[:, :min(a, b)]  # noqa: F821
        out.append(q if b >= a else q.T)
    return out


def deep_linear_gd(weights, X, Y, lr, steps):
    raise ValueError("no helper computes it")
