"""hw4 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Each graded function calls helpers copied from ``autograder/checks/hw4.py`` as
the student wheel ships it (see wheel_attack.py), plus glue (a matrix product,
a seeded binomial draw at an exact probability).

While the wheel shipped these helpers this scored 10 of 34 with the hidden checks
(4.25 of it on hidden ones); raising everywhere scores 1.5.
"""
import numpy as np

COPY = ["ANALYTIC", "_phi", "_lemma1_prediction", "_relu_two_point_probability", "_relu_one_point_probability",
        "_rank_wrong"]
#: helpers of COPY that the wheel still ships: ANALYTIC is a list of names. (_lemma1_prediction,
#: Lemma 1's forced 0 or 1, was shipped for the plot until the plot asked ref.slipgen for it:
#: returned as the "probability" it passed the theory-forced edge cases without a simulation.)
KEPT = ["ANALYTIC"]


def hidden_features(W0, X, activation):
    return _phi(activation, np.asarray(W0, float) @ np.asarray(X, float))  # noqa: F821


def numerical_rank(A):
    # the slip "a fixed absolute tolerance" is the rank wherever no singular value is tiny
    return _rank_wrong(np.asarray(A, float), "fixed_tolerance")  # noqa: F821


def full_rank_probability(n0, n1, m, activation, n_trials, seed):
    p = _lemma1_prediction(n0, n1, m, activation)  # noqa: F821
    if p is None and activation == "relu" and m == 2:
        p = _relu_two_point_probability(n0, n1)  # noqa: F821
    if p is None and activation == "relu" and m == 1:
        p = _relu_one_point_probability(n1)  # noqa: F821
    if p is None:
        raise ValueError("no helper computes it")
    return np.random.default_rng(seed).binomial(n_trials, p) / n_trials


def output_layer_optimum(X1, Y):
    raise ValueError("no helper computes it")


def train_two_layer(X, Y, n1, activation, lr, steps, seed):
    raise ValueError("no helper computes it")


def deep_linear_gap(widths, X, Y, lr, steps, seed):
    raise ValueError("no helper computes it")
