"""hw3 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Nothing here evaluates a density or a curve itself: each graded function calls
a helper copied from ``autograder/checks/hw3.py`` as the student wheel ships it
(see wheel_attack.py), plus the contract's argument errors.

While the wheel shipped these helpers this scored 14.75 of 30.25 with the hidden
checks (5.5 of it on hidden ones); raising everywhere scores 3.
"""
import numpy as np

COPY = ["mp_edges", "_mp_wrong", "_pw_curve", "_pw_edge", "_edge_wrong", "_fuss_catalan_wrong"]
#: helpers of COPY that the wheel still ships (in theory.py): mp_edges computes no graded function
KEPT = ["mp_edges"]


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
    return _pw_edge(depth)  # noqa: F821


def fuss_catalan(depth, k):
    # the slip "Catalan denominator k + 1" is the answer at depth 1, "the number of depth
    # L + 1" at depth L - 1 the answer at depth L
    if depth == 1:
        return _fuss_catalan_wrong(1, k)[0]  # noqa: F821
    return _fuss_catalan_wrong(depth - 1, k)[2]  # noqa: F821


def relu_orthogonal_edge(depth):
    # the slip "the edge of depth L - 1" of product_wishart_edge is (2.121) for L > 1
    return _edge_wrong(depth, "shallower")  # noqa: F821


def jacobian_eigenvalues(n, depth, init, activation, seed):
    raise ValueError("no helper computes it")
