"""hw2 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

The Gaussian expectations come from the Gauss-Hermite helpers copied from
``autograder/checks/hw2.py`` as the student wheel ships it (see
wheel_attack.py); the glue is the formulas' outer arithmetic.

While the wheel shipped these helpers this scored 3.5 of 27.75 with the hidden
checks (2.25 of it on hidden ones; the bias-free edge alone is the answer of the
two hidden edge_of_chaos cases without bias); raising everywhere scores 0.75.
"""
import numpy as np

COPY = ["_GH_NODES", "_GH_WEIGHTS", "_PHI", "_DPHI", "_gh", "_gh2", "_BIAS_FREE_EDGE", "_bias_free_edge"]
#: helpers of COPY that the wheel still ships: none (the checks' tuple of smooth activations,
#: once also named _PHI, is now SMOOTH)
KEPT = []


def length_map(q, sigma_w2, sigma_b2, activation="tanh"):
    f = _PHI[activation]  # noqa: F821
    out = np.array([sigma_w2 * _gh(lambda u: f(u) ** 2, float(x)) + sigma_b2  # noqa: F821
                    for x in np.ravel(q)])
    return out.reshape(np.shape(q)) if np.ndim(q) else float(out[0])


def length_fixed_point(sigma_w2, sigma_b2, activation="tanh", tol=1e-12, max_iter=100000):
    raise ValueError("no helper computes it")


def chi1(sigma_w2, sigma_b2, activation="tanh"):
    raise ValueError("no helper computes it")


def correlation_map(c, sigma_w2, sigma_b2, activation="tanh"):
    raise ValueError("no helper computes it")


def edge_of_chaos(sigma_b2, activation="tanh"):
    # the slip "the bias-free edge" is the answer at sigma_b2 = 0
    return _bias_free_edge(activation)  # noqa: F821


def simulate_lengths(sigma_w2, sigma_b2, activation, width, depth, q1, seed):
    raise ValueError("no helper computes it")
