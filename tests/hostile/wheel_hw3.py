"""hw3 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Nothing here evaluates a density or a curve itself: each graded function calls
a helper copied from ``autograder/checks/hw3.py`` as the student wheel ships it
(see wheel_attack.py), plus the contract's argument errors.

While the wheel shipped these helpers this scored 10.75 of 30.25 with the hidden
checks (4 of it on hidden ones); raising everywhere scores 3.
"""
import numpy as np

COPY = ["mp_edges", "_mp_wrong", "_pw_curve", "pw_edge"]
#: helpers of COPY that the wheel still ships (in theory.py): mp_edges computes no graded function;
#: pw_edge is product_wishart_edge's one-line formula, which the plot and the public
#: density grid (whose last points are edge * (1 + 1e-9)) need; 1.25 of 30.25 points
KEPT = ['mp_edges', 'pw_edge']


def mp_density(x, ratio=1.0):
    if not 0 < ratio <= 1:
        raise ValueError("ratio must be in (0, 1]")
    return _mp_wrong(x, ratio, "none of the slips")  # noqa: F821  (the last branch divides by ratio)


def wishart_eigenvalues(n, m, seed):
    raise ValueError("no helper computes it")


def product_wishart_curve(depth, phi):
    return _pw_curve(depth, np.asarray(phi, dtype=float))  # noqa: F821


def product_wishart_density(x, depth):
    raise ValueError("no helper computes it")


def product_wishart_edge(depth):
    return pw_edge(depth)  # noqa: F821


def fuss_catalan(depth, k):
    raise ValueError("no helper computes it")


def relu_orthogonal_edge(depth):
    raise ValueError("no helper computes it")


def jacobian_eigenvalues(n, depth, init, activation, seed):
    raise ValueError("no helper computes it")
