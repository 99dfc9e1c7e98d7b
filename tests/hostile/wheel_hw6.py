"""hw6 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Nothing here computes a kernel itself: each graded function calls helpers
copied from ``autograder/checks/hw6.py`` as the student wheel ships it (see
wheel_attack.py), plus the contract's argument errors. The linearised
prediction is the slip generator with a kind that is no slip.

Given the hidden helpers as if the wheel shipped them, it scores 21.25 of 33.75 with the
hidden checks (9.25 of it on hidden ones); raising everywhere scores 1.25.
"""
import numpy as np

COPY = ["_phi", "_dphi", "_pair", "_layers", "_ntk_sum", "_emp_terms", "_lin_variant", "_h_inf"]
#: helpers of COPY that the wheel still ships: they compute no graded function
KEPT = []

_KNOWN = ("relu", "tanh", "erf", "linear")


def nngp_kernel(X1, X2, depth, activation="relu", sigma_w2=2.0):
    if activation not in _KNOWN:
        raise ValueError(activation)
    return _layers(np.asarray(X1, float), np.asarray(X2, float), depth, activation, sigma_w2)[0][-1]  # noqa: F821


def ntk_kernel(X1, X2, depth, activation="relu", sigma_w2=2.0):
    if activation not in _KNOWN:
        raise ValueError(activation)
    return _ntk_sum(*_layers(np.asarray(X1, float), np.asarray(X2, float), depth, activation, sigma_w2))  # noqa: F821


def empirical_ntk(weights, X1, X2, activation, sigma_w2):
    if activation not in _KNOWN:
        raise ValueError(activation)
    return sum(_emp_terms([np.asarray(w, float) for w in weights], np.asarray(X1, float),  # noqa: F821
                          np.asarray(X2, float), activation, sigma_w2))


def ntk_deviation(X, depth, width, activation, sigma_w2, n_seeds, seed, device="cpu"):
    raise ValueError("no helper computes it")


def linearized_prediction(K_test_train, K_train_train, f0_test, f0_train, y_train, lr, t):
    return _lin_variant(*(np.asarray(a, float) for a in (K_test_train, K_train_train, f0_test, f0_train,  # noqa: F821
                                                         y_train)), lr, t, "none of the slips")


def train_vs_linearized(X_train, y_train, X_test, width, depth, lr, steps, seed, activation="relu",
                        sigma_w2=2.0, device="cpu"):
    raise ValueError("no helper computes it")


def du_gram_matrix(X):
    return _h_inf(np.asarray(X, float))  # noqa: F821


def alignment_residuals(H, y, u0, t):
    raise ValueError("no helper computes it")
