"""hw4's hidden helpers: the grader's own activations and their derivatives, the
expected initial loss of a two-layer net, the exact rank probabilities of relu
features at one and two points, first-step rates of slipped gradients, the
least-squares optimum (output_layer_optimum's loss), the reduced-rank floor and
the expected initial gap of a deep linear net (3.28), and the values of the
hidden_features and numerical_rank slips, for slip values and theory. Check code calls them as ``ref.slipgen.name(...)``; the
student wheel leaves this file out and replays their values on the public
cases from the public fixtures (autograder/reference.py).
"""
import math

import numpy as np
from scipy.special import erf, expit

from .public import ANALYTIC


def phi(act, z):
    return {"linear": lambda t: t, "relu": lambda t: np.maximum(t, 0.0), "tanh": np.tanh,
            "erf": erf, "sigmoid": expit, "square": lambda t: t * t}[act](z)


def mean_sq(act, s):
    """E phi(s z)^2, z ~ N(0, 1): closed forms, or the trapezoid rule on [-40, 40].

    For tanh and sigmoid, analytic in a strip of half-width pi/(2 s), the rule's
    error is ~exp(-pi^2 / (s h)) with h = 0.01: far below 1e-12 for s < 10
    (cross-checked against adaptive quadrature in tests/test_solutions_hw4.py).
    """
    if act == "linear":
        return s * s
    if act == "relu":
        return s * s / 2
    if act == "square":
        return 3 * s ** 4
    if act == "erf":
        return 2 / math.pi * math.asin(2 * s * s / (1 + 2 * s * s))
    z = np.arange(-40.0, 40.005, 0.01)
    return float(0.01 * np.sum(phi(act, s * z) ** 2 * np.exp(-z * z / 2)) / math.sqrt(2 * math.pi))


def relu_two_point_probability(n0, n1):
    """P(rank relu(W0 X) = 2) for m = 2 (see tests/test_solutions_hw4.py for the derivation).

    Given the angle t between the two inputs, rows are (+,+) or (0,0) with
    probability q = (pi - t)/(2 pi) each, (+,0) or (0,+) with t/(2 pi) each;
    rank < 2 iff the nonzero rows are all (+,0), all (0,+), or a single (+,+).
    The angle between two iid Gaussian vectors has density prop. to sin^(n0-2) t.
    """
    from scipy import integrate

    def deficient(t):
        q = (math.pi - t) / (2 * math.pi)
        return 2.0 ** (1 - n1) - q ** n1 + n1 * q ** n1

    dens = lambda t: math.sin(t) ** (n0 - 2)  # noqa: E731
    norm = integrate.quad(dens, 0, math.pi)[0]
    return 1 - integrate.quad(lambda t: deficient(t) * dens(t), 0, math.pi, epsabs=1e-13)[0] / norm


def dphi(act, z):
    return {"linear": np.ones_like, "relu": lambda t: (t > 0) * 1.0,
            "tanh": lambda t: 1 - np.tanh(t) ** 2, "erf": lambda t: 2 / math.sqrt(math.pi) * np.exp(-t * t),
            "sigmoid": lambda t: expit(t) * (1 - expit(t)), "square": lambda t: 2 * t}[act](z)


def slip_rates(X, Y, n1, act, n, seed):
    """First-step rates <grad L, d> of GD with a slipped direction d, at n inits of the contract.

    To first order in lr a step W <- W - lr d lowers the loss by lr <grad L, d>:
    the rate of a correct step is ||grad L||^2; a slip changes d. Returns
    {description: n rates}, the inits drawn here (W0 ~ N(0, 1/n0), W1 ~ N(0, 1/n1)).
    """
    rng = np.random.default_rng(seed)
    n0, n2 = X.shape[0], Y.shape[0]
    out = {}
    names = {
        "no_dphi": "phi'(H1) missing from W0's gradient (3.6)",
        "w0_frozen": "W0 not updated (only the output layer W1 moves)",
        "dphi_of_z": "the derivative written in terms of z where it is in terms of s = phi(z) "
                     "(e.g. sigmoid' = z (1 - z) instead of s (1 - s))",
    }
    for key in names:
        out[names[key]] = []
    for _ in range(n):
        W0 = rng.standard_normal((n1, n0)) / math.sqrt(n0)
        W1 = rng.standard_normal((n2, n1)) / math.sqrt(n1)
        H1 = W0 @ X
        X1 = phi(act, H1)
        E = W1 @ X1 - Y
        g1 = E @ X1.T
        back = W1.T @ E
        g0 = (dphi(act, H1) * back) @ X.T
        base = float(np.sum(g1 * g1))
        out[names["no_dphi"]].append(base + float(np.sum(g0 * (back @ X.T))))
        out[names["w0_frozen"]].append(base)
        out[names["dphi_of_z"]].append(base + float(np.sum(g0 * ((H1 * (1 - H1) * back) @ X.T))))
    if act != "sigmoid":
        out.pop(names["dphi_of_z"])
    if act == "linear":
        out.pop(names["no_dphi"])
    return {k: np.array(v) for k, v in out.items()}


def expected_initial_loss(X, Y, n1, act, var0=None, var1=None):
    """E over the init of 1/2 ||Y - W1 phi(W0 X)||^2 with W0 ~ N(0, var0), W1 ~ N(0, var1).

    W1 has mean zero and is independent of W0: the cross term vanishes, and
    E ||W1 X1||^2 = n2 var1 sum_i E ||phi(W0 x_i)||^2 = n2 var1 n1 sum_i E phi(s_i z)^2
    with s_i = sqrt(var0) ||x_i||. Defaults: var0 = 1/n0, var1 = 1/n1.
    """
    n0, n2 = X.shape[0], Y.shape[0]
    var0 = 1.0 / n0 if var0 is None else var0
    var1 = 1.0 / n1 if var1 is None else var1
    s = np.sqrt(var0) * np.linalg.norm(X, axis=0)
    return 0.5 * float(np.sum(Y * Y)) + 0.5 * n2 * var1 * n1 * sum(mean_sq(act, si) for si in s)


def phi_before_product(act, W0, X):
    """phi(W0) @ X: the activation applied to the weights."""
    return phi(act, W0) @ X


def sigmoid_sign_slip(W0, X):
    """1/(1 + exp(z)): the sign of the sigmoid's exponent flipped."""
    return expit(-(W0 @ X))


def lemma1_prediction(n0, n1, m, act):
    """1 or 0 where theory forces the answer for every draw, else None.

    rank phi(W0 X) <= n1; linear features have rank <= n0; square features
    lie in the n0 (n0 + 1) / 2 dimensional span of x x^T; relu(w x) with
    n0 = 1 is w relu(x) or |w| relu(-x), rank <= 2. Lemma 1: analytic
    non-polynomial phi with n1 >= m gives rank m almost surely.
    """
    cap = {"linear": n0, "square": n0 * (n0 + 1) // 2}.get(act, 2 if (act == "relu" and n0 == 1) else m)
    if min(n1, cap) < m:
        return 0.0
    if act in ANALYTIC or act in ("linear", "square"):
        return 1.0
    return None


def abs_features(W0, X):
    """|W0 X|: the slip "|z| instead of z^2" of the square activation."""
    return np.abs(np.asarray(W0, dtype=np.float64) @ np.asarray(X, dtype=np.float64))


def rank_wrong(A, kind):
    """numerical_rank's slips: "no_tolerance" (singular values s > 0), "fixed_tolerance"
    (s > 1e-10) or "shape" (min(shape))."""
    A = np.asarray(A, dtype=np.float64)
    if kind == "shape":
        return min(A.shape)
    s = np.linalg.svd(A, compute_uv=False)
    if kind == "no_tolerance":
        return int(np.sum(s > 0))
    if kind == "fixed_tolerance":
        return int(np.sum(s > 1e-10))
    raise ValueError(kind)


def relu_one_point_probability(n1):
    """P(rank relu(W0 x) = 1) for one point: 1 - 2^-n1 (rank 0 only when every unit is off)."""
    return 1 - 2.0 ** -n1


def least_squares_loss(F: np.ndarray, Y: np.ndarray) -> float:
    """min_A 1/2 ||Y - A F||_F^2, summed over the points (the loss of (3.3), no 1/m)."""
    A = np.linalg.lstsq(F.T, Y.T, rcond=None)[0].T
    return 0.5 * float(np.sum((Y - A @ F) ** 2))


def reduced_rank_gap(X: np.ndarray, Y: np.ndarray, r: int) -> float:
    """min over rank-r A of 1/2 ||Y - A X||^2, minus the unconstrained minimum (Eckart-Young):
    half the squared singular values of the least-squares fit beyond the r-th. A linear net
    (3.28) through a layer of width r computes such an A."""
    A = np.linalg.lstsq(X.T, Y.T, rcond=None)[0].T
    sv = np.linalg.svd(A @ X, compute_uv=False)
    return 0.5 * float(np.sum(sv[r:] ** 2))


def expected_initial_gap(widths: list[int], X: np.ndarray, Y: np.ndarray,
                         var: list[float] | None = None) -> float:
    """E gap at steps = 0 of the linear net (3.28): 1/2 ||Y||^2 + 1/2 prod_l (n_{l+1} var_l) ||X||_F^2 - opt.

    E ||W v||^2 = n_{l+1} var_l ||v||^2 for iid N(0, var_l) entries, layer by
    layer; with var_l = 1/n_l the product telescopes to n_{L+1}/n_0. The cross
    term vanishes: the weights have mean 0.
    """
    var = [1.0 / n for n in widths[:-1]] if var is None else var
    gain = float(np.prod([widths[l + 1] * var[l] for l in range(len(widths) - 1)]))
    return 0.5 * float(np.sum(Y * Y)) + 0.5 * gain * float(np.sum(X * X)) - least_squares_loss(X, Y)
