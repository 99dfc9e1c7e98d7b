"""hw4's theory (autograder/checks/hw4/theory.py) against independent computations:
gradient descent run step by step, QR projections, alternating least squares, sampling.

Monte Carlo tests use fixed seeds (deterministic) and tolerances of 5 standard errors
of the estimate (another seed fails with probability < 1e-6)."""
import math

import numpy as np
import pytest

from autograder.checks.hw4.slipgen import (abs_features, expected_initial_gap, least_squares_loss, rank_wrong,
                                           reduced_rank_gap, relu_one_point_probability)
from autograder.checks.hw4.theory import equal_binomials_probability, quadratic_features, scalar_trajectory_error


def gd_losses(w0, w1, lr, steps, y=1.0, sequential=False):
    """GD on 1/2 (w1 w0 - y)^2, one step at a time (both weights from the old ones, or one after the other)."""
    out = []
    for _ in range(steps + 1):
        e = w1 * w0 - y
        out.append(0.5 * e * e)
        if sequential:
            w0 = w0 - lr * e * w1
            w1 = w1 - lr * (w1 * w0 - y) * w0
        else:
            w0, w1 = w0 - lr * e * w1, w1 - lr * e * w0
    return np.array(out)


def test_scalar_trajectory_error_explains_gd_from_any_init():
    rng = np.random.default_rng(0)
    for _ in range(50):
        w0, w1 = rng.standard_normal(2)
        assert scalar_trajectory_error(gd_losses(w0, w1, 0.1, 6), 0.1) <= 1e-9


@pytest.mark.parametrize("w0,w1", [(0.3, -1.2), (1.5, 0.4), (-0.7, -0.9)])
def test_scalar_trajectory_error_explains_gd_towards_other_targets(w0, w1):
    # the (a, S) recursion inside it against GD run step by step, target y = 2, eight steps
    assert scalar_trajectory_error(gd_losses(w0, w1, 0.1, 8, y=2.0), 0.1, y=2.0) <= 1e-9
    assert scalar_trajectory_error(gd_losses(w0, w1, 0.1, 8, y=2.0), 0.1, y=1.0) > 1e-6


def test_scalar_trajectory_error_rejects_other_updates():
    # a doubled learning rate is explained by 2 lr only; updating the layers one after
    # the other is explained by neither
    doubled = gd_losses(0.3, -1.2, 0.2, 6)
    assert scalar_trajectory_error(doubled, 0.1) > 1e-3
    assert scalar_trajectory_error(doubled, 0.2) <= 1e-9
    assert scalar_trajectory_error(gd_losses(0.3, -1.2, 0.1, 6, sequential=True), 0.1) > 1e-4


def test_quadratic_features_span_a_square_net():
    # (w.x)^2 = sum_a w_a^2 x_a^2 + sum_{a<b} 2 w_a w_b x_a x_b: linear in the features
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 9))
    F = quadratic_features(X)
    assert F.shape == (6, 9)
    out = (rng.standard_normal((5, 3)) @ X) ** 2           # five square units
    coef = np.linalg.lstsq(F.T, out.T, rcond=None)[0]
    np.testing.assert_allclose(F.T @ coef, out.T, atol=1e-10)


def test_least_squares_loss_is_the_residual_of_a_projection():
    # the optimal A F projects Y onto the row space of F: loss = 1/2 (||Y||^2 - ||Y Q||^2), Q from QR
    rng = np.random.default_rng(2)
    F, Y = rng.standard_normal((4, 11)), rng.standard_normal((2, 11))
    Q = np.linalg.qr(F.T)[0]
    want = 0.5 * (np.sum(Y * Y) - np.sum((Y @ Q) ** 2))
    assert least_squares_loss(F, Y) == pytest.approx(want, rel=1e-12)
    assert least_squares_loss(np.eye(11), Y) == pytest.approx(0.0, abs=1e-20)  # interpolation


def rank_r_loss_by_alternating_least_squares(X, Y, r, iterations=2000):
    """min over U (n2 x r), V (r x n0) of 1/2 ||Y - U V X||^2, by alternating exact minimisations."""
    rng = np.random.default_rng(3)
    V = rng.standard_normal((r, X.shape[0]))
    for _ in range(iterations):
        U = np.linalg.lstsq((V @ X).T, Y.T, rcond=None)[0].T
        V = np.linalg.pinv(U) @ Y @ np.linalg.pinv(X)
    return 0.5 * float(np.sum((Y - U @ V @ X) ** 2))


@pytest.mark.parametrize("r", [1, 2])
def test_reduced_rank_gap_by_alternating_least_squares(r):
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((4, 10)), rng.standard_normal((3, 10))
    want = rank_r_loss_by_alternating_least_squares(X, Y, r) - least_squares_loss(X, Y)
    assert reduced_rank_gap(X, Y, r) == pytest.approx(want, rel=1e-6)


def test_reduced_rank_gap_special_values():
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((4, 10)), rng.standard_normal((3, 10))
    assert reduced_rank_gap(X, Y, 3) == pytest.approx(0.0, abs=1e-12)      # rank 3 reaches the optimum
    # rank 0: A = 0, the gap is 1/2 ||Y||^2 - opt
    assert reduced_rank_gap(X, Y, 0) == pytest.approx(0.5 * np.sum(Y * Y) - least_squares_loss(X, Y), rel=1e-12)


@pytest.mark.parametrize("widths,fan_out", [([2, 8, 8, 6], False), ([3, 5, 4], False), ([2, 8, 8, 6], True)])
def test_expected_initial_gap_by_sampling(widths, fan_out):
    rng = np.random.default_rng(6)
    X, Y = rng.standard_normal((widths[0], 8)), 0.3 * rng.standard_normal((widths[-1], 8))
    var = [1.0 / n for n in widths[1:]] if fan_out else [1.0 / n for n in widths[:-1]]
    draws = 20_000
    A = np.broadcast_to(np.eye(widths[0]), (draws, widths[0], widths[0]))
    for l in range(len(widths) - 1):
        A = rng.normal(0.0, math.sqrt(var[l]), size=(draws, widths[l + 1], widths[l])) @ A
    gaps = 0.5 * np.sum((Y - A @ X) ** 2, axis=(1, 2)) - least_squares_loss(X, Y)
    se = np.std(gaps, ddof=1) / math.sqrt(draws)
    assert abs(np.mean(gaps) - expected_initial_gap(widths, X, Y, var=var if fan_out else None)) <= 5 * se


def test_equal_binomials_probability_by_sampling():
    n, p, k, draws = 10, 0.3, 3, 200_000
    b = np.random.default_rng(7).binomial(n, p, size=(draws, k))
    frac = np.mean(np.all(b == b[:, :1], axis=1))
    want = equal_binomials_probability(n, p, k)
    assert abs(frac - want) <= 5 * math.sqrt(want * (1 - want) / draws)


def test_equal_binomials_probability_special_values():
    assert equal_binomials_probability(10, 0.3, 1) == pytest.approx(1.0, rel=1e-12)   # one draw ties itself
    assert equal_binomials_probability(10, 0.0, 5) == 1.0                              # every draw is 0
    assert equal_binomials_probability(1, 0.5, 2) == pytest.approx(0.5, rel=1e-12)     # two fair coins


def test_rank_slips_known_values():
    # the hidden helpers behind numerical_rank's hints (autograder/checks/hw4/slipgen.py): singular
    # values 1, 1e-20 and 0 on a 3 x 4 matrix; NumPy's tolerance 1 * 4 * eps counts one of them
    A = np.zeros((3, 4))
    A[0, 0], A[1, 1] = 1.0, 1e-20
    assert np.linalg.matrix_rank(A) == 1
    assert rank_wrong(A, "no_tolerance") == 2
    assert rank_wrong(A, "fixed_tolerance") == 1
    assert rank_wrong(A, "shape") == 3
    with pytest.raises(ValueError):
        rank_wrong(A, "other")


def test_abs_features_and_relu_one_point_probability():
    W0, X = np.array([[1.0, -2.0]]), np.array([[1.0, 0.0], [1.0, 1.0]])
    assert np.array_equal(abs_features(W0, X), np.array([[1.0, 2.0]]))
    # one point: rank 0 iff all n1 units are off, each with probability 1/2 (sampled: 5 standard errors)
    rng = np.random.default_rng(7)
    n1, n = 3, 200_000
    on = np.any(rng.standard_normal((n, n1)) > 0, axis=1).mean()
    p = relu_one_point_probability(n1)
    assert p == pytest.approx(7 / 8, rel=1e-15)
    assert abs(on - p) <= 5 * math.sqrt(p * (1 - p) / n)
