"""hw5 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Nothing here differentiates or runs GD itself: each graded function calls
helpers copied from ``autograder/checks/hw5.py`` as the student wheel ships it
(see wheel_attack.py), plus glue (a 2x2 matrix from its entries, a seeded
binomial draw at the theory's probability).

Given the hidden helpers as if the wheel shipped them, it scores 17 of 21.5 with the
hidden checks (11.8 of it on hidden ones); raising everywhere scores 0.2.
"""
import numpy as np

COPY = ["NEAR", "_grad", "_hess_entries", "_box_max", "_spectral", "_gd_local", "_linear_attraction_p",
        "_first_crossing", "_predicted_slips"]
#: helpers of COPY that the wheel still ships: they compute no graded function
KEPT = ['NEAR']


def gradient(name, theta):
    return _grad(name, float(theta[0]), float(theta[1]))  # noqa: F821


def hessian(name, theta):
    a, b, d = _hess_entries(name, float(theta[0]), float(theta[1]))  # noqa: F821
    return np.array([[a, b], [b, d]], dtype=float)


def classify_critical_point(H, tol=1e-8):
    raise ValueError("no helper computes it")


def gd(name, theta0, lr, steps):
    return _gd_local(name, theta0, lr, steps)  # noqa: F821


def lipschitz_constant(name, radius):
    def spec(x, y):
        a, b, d = np.broadcast_arrays(*_hess_entries(name, x, y))  # noqa: F821
        return _spectral(a, b, d)  # noqa: F821
    if radius == 0:
        return float(spec(np.zeros(1), np.zeros(1))[0])
    return _box_max(spec, radius)  # noqa: F821


def saddle_attraction_rate(name, lr, n_inits, radius, steps, seed):
    p = _linear_attraction_p(name, lr, radius, steps)  # noqa: F821
    return np.random.default_rng(seed).binomial(n_inits, min(max(p, 0.0), 1.0)) / n_inits


def escape_steps(name, theta0, lr, threshold, max_steps=100000):
    lam, vec = np.linalg.eigh(hessian(name, np.zeros(2)))
    if lam[0] >= 0:
        raise ValueError("not a strict saddle")
    with np.errstate(all="ignore"):
        k = _first_crossing(_gd_local(name, theta0, lr, min(max_steps, 5000)), vec[:, 0],  # noqa: F821
                            threshold)
    if k is None:
        raise RuntimeError("no escape")
    return k


def predicted_escape_steps(name, dist0, lr, threshold):
    if name == "monkey":
        raise ValueError("not a strict saddle")
    return 0 if dist0 >= threshold else _predicted_slips(dist0, lr, threshold)[-1]  # noqa: F821
