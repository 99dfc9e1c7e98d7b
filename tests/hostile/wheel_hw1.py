"""hw1 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Nothing here runs a forward or backward pass itself: each graded function calls
a helper copied from ``autograder/checks/hw1.py`` as the student wheel ships it
(see wheel_attack.py), plus glue (a sum over the batch divided by its size).
For ReLU and linear nets the "post-activation" slip is the backward pass
itself (phi'(phi(h)) = phi'(h) there).

While the wheel shipped these helpers this scored 12 of 31.5 with the hidden
checks (4 of it on hidden ones; the grader's He-scaled net alone, returned by
init_weights for every scheme, passes every shapes-and-seed case); raising
everywhere scores 1.
"""
import numpy as np

COPY = ["_phi", "_dphi", "_wrong_forward", "_backward_post", "_grader_weights"]
#: helpers of COPY that the wheel still ships: they compute no graded function
KEPT = []


def init_variance(fan_in, fan_out, scheme):
    raise ValueError("no helper computes it")


def init_weights(widths, scheme, seed):
    # the grader's net is He-scaled: right shapes and seed use for every scheme
    return _grader_weights(widths, seed)  # noqa: F821


def forward_variances(weights, X, activation):
    X = np.asarray(X, dtype=float)
    return _wrong_forward(weights, X, activation, "sum") / X.shape[1]  # noqa: F821


def backward_variances(weights, X, activation, G):
    return _backward_post(weights, np.asarray(X, float), activation, np.asarray(G, float))  # noqa: F821


def predicted_variances(widths, scheme, activation, x_norm2, delta_out):
    raise ValueError("no helper computes it")


def simulate_variances(widths, scheme, activation, n_trials, seed):
    raise ValueError("no helper computes it")
