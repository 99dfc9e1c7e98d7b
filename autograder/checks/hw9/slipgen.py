"""hw9's hidden helpers: the grader's own layer kernels, power-law fits, O_3 terms, H^inf
and Isserlis pairing sums with their known slips, and the exact expectations that the
statistical checks compare the student's samples with. Check code calls them as
``ref.slipgen.name(...)``; the student wheel leaves this file out and replays their values
on the public cases from the public fixtures (autograder/reference.py).

The closed forms are exact expectations at every width (not only as n -> infinity), which
is what lets a check test a mean at width 16 as sharply as at width 4096. The tests in
``tests/unit/checks/test_theory_hw9.py`` check each one against a Monte Carlo or a known
special value.
"""

import math
from collections.abc import Iterator
from typing import Any

import numpy as np


# ------------------------------------------------------------------ slip values
def _activation(act: str, h: np.ndarray) -> np.ndarray:
    """phi(h) for "tanh", "relu", "linear"."""
    return {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0), "linear": lambda v: v}[act](h)


def _activation_derivative(act: str, h: np.ndarray) -> np.ndarray:
    """phi'(h) for "tanh", "relu" (0 at 0), "linear"."""
    return {"tanh": lambda v: 1.0 - np.tanh(v) ** 2, "relu": lambda v: (v > 0).astype(float),
            "linear": np.ones_like}[act](h)


def layer_kernels_slip(Ws: list[np.ndarray], X1: np.ndarray, X2: np.ndarray, ntk: bool, act: str,
                       s2: float, slip: str | None = None) -> np.ndarray:
    """Layer kernels (5.35)-(5.36) with one known slip: "pre" (h_l for phi(h_l) in the
    forward factor), "no_D" (D_l left out of B_l), "no_sigma" (1/n_l without sigma_w^2), or
    the other parameterisation when ``ntk`` is the wrong one."""
    def passes(X):
        xs, hs = [X], []
        for W in Ws[:-1]:
            hs.append(math.sqrt(s2 / W.shape[1]) * W @ xs[-1])
            xs.append(hs[-1] if slip == "pre" else _activation(act, hs[-1]))
        B = np.ones((1, X.shape[1]))
        Bs = [B]
        for W, h in zip(Ws[:0:-1], hs[::-1]):
            d = 1.0 if slip == "no_D" else _activation_derivative(act, h)
            B = d * (math.sqrt(s2 / W.shape[1]) * W.T @ B)
            Bs.append(B)
        return xs, Bs[::-1]

    a, b = passes(X1), passes(X2)
    out = []
    for l, W in enumerate(Ws):
        k = (a[0][l].T @ b[0][l]) * (a[1][l].T @ b[1][l])
        if ntk:
            k = k * ((1.0 if slip == "no_sigma" else s2) / W.shape[1])
        out.append(k)
    return np.array(out)


def fit_slip(x: np.ndarray, y: np.ndarray, dof_loss: int = 2, kind: str = "slope") -> tuple[float, float]:
    """(slope, stderr) of the log-log fit with a wrong standard error: the residual variance
    divided by k - ``dof_loss``; kind "intercept" (the intercept's standard error) or
    "no_sxx" (S_xx left out)."""
    lx, ly = np.log(x), np.log(y)
    dx = lx - lx.mean()
    sxx = dx @ dx
    slope = dx @ (ly - ly.mean()) / sxx
    rss = np.sum((ly - ly.mean() - slope * dx) ** 2)
    if kind == "intercept":
        return slope, math.sqrt(rss / (x.size - 2) * (1 / x.size + lx.mean() ** 2 / sxx))
    if kind == "no_sxx":
        return slope, math.sqrt(rss / (x.size - 2))
    return slope, math.sqrt(rss / (x.size - dof_loss) / sxx)


def slope_on_x(x: np.ndarray, y: np.ndarray) -> float:
    """The slope of log y on x (not on log x)."""
    return float(np.polyfit(x, np.log(y), 1)[0])


def o3_first_term_only(Ws: list[np.ndarray], X: np.ndarray) -> np.ndarray:
    """n^{-3/2} sum_i v_k^T H_i v_j only: the product rule's first term of
    grad Theta(x_i, x_j) . grad f(x_k) for a tanh two-layer net."""
    W0, a = Ws[0], Ws[1][0]
    n0 = X.shape[0]
    n = W0.shape[0]
    U = X / math.sqrt(n0)
    C = U.T @ U
    s = W0 @ U
    p, d1, d2 = np.tanh(s), 1 - np.tanh(s) ** 2, -2 * np.tanh(s) * (1 - np.tanh(s) ** 2)
    m = X.shape[1]
    out = np.zeros((m, m, m))
    for i in range(m):
        for j in range(m):
            for k in range(m):
                # v_k^T H_i v_j with v = (phi, a phi' u), H_i = [[0, phi'_i u_i^T], [phi'_i u_i, a phi''_i u_i u_i^T]]
                t = (p[:, k] * d1[:, i] * a * d1[:, j] * C[i, j] + a * d1[:, k] * C[k, i] * d1[:, i] * p[:, j]
                     + a**3 * d1[:, k] * d2[:, i] * d1[:, j] * C[k, i] * C[i, j])
                out[i, j, k] = t.sum() / n**1.5
    return out


def gram_slip(X: np.ndarray, how: str) -> np.ndarray:
    """H^inf of (5.148) with a known slip: "unnormalised" (arccos of x_k^T x_l without the
    norms), "angle" (angle/(2 pi) for (pi - angle)/(2 pi)), else the factor x_k^T x_l left out."""
    nrm = np.linalg.norm(X, axis=0)
    G = X.T @ X
    cos = np.clip(G / np.outer(nrm, nrm), -1, 1)
    if how == "unnormalised":
        return G * (np.pi - np.arccos(np.clip(G, -1, 1))) / (2 * np.pi)
    if how == "angle":
        return G * np.arccos(cos) / (2 * np.pi)
    return (np.pi - np.arccos(cos)) / (2 * np.pi)


# ------------------------------------------------------------- Isserlis sums
def isserlis_pairings(items: list[Any]) -> Iterator[list[tuple[Any, Any]]]:
    """Every partition of ``items`` (an even number) into pairs, the sum of (5.90)-(5.91):
    (k - 1)!! = k!/(2^(k/2) (k/2)!) of them for k items; none for an odd number."""
    if not items:
        yield []
        return
    for j in range(1, len(items)):
        for tail in isserlis_pairings(items[1:j] + items[j + 1:]):
            yield [(items[0], items[j])] + tail


def pairing_sum(cov: np.ndarray, idx: list[int]) -> float:
    """sum over the pairings of ``idx`` of prod cov[a, b] (5.90): E z_{i_1} ... z_{i_k} for
    z ~ N(0, cov), k even."""
    return sum(math.prod(cov[a, b] for a, b in p) for p in isserlis_pairings(list(idx)))


def single_pairing(cov: np.ndarray, idx: list[int]) -> float:
    """The pairing (i_1 i_2)(i_3 i_4)... alone."""
    return math.prod(cov[idx[2 * j], idx[2 * j + 1]] for j in range(len(idx) // 2))


def independent_moment(cov: np.ndarray, idx: list[int]) -> float:
    """The product of the standard deviations times (k - 1)!!, as if the z_i were independent."""
    k = len(idx)
    return math.prod(math.sqrt(cov[i, i]) for i in idx) * (math.prod(range(k - 1, 0, -2)))


def equal_inputs_correlation(n: int) -> float:
    """E f(x)^4 of the linear net at width n with four equal unit inputs: 3 + 6/n (5.97)."""
    return 3 + 6 / n


# --------------------------------------------- exact expectations of the sweeps
def _angle(x1: np.ndarray, x2: np.ndarray) -> tuple[float, float, float]:
    """(|x1| |x2|, cos, angle) of two inputs, the cosine clipped to [-1, 1]."""
    nrm = math.sqrt((x1 @ x1) * (x2 @ x2))
    c = max(-1.0, min(1.0, (x1 @ x2) / nrm))
    return nrm, c, math.acos(c)


def arccos_kernel_1(X: np.ndarray, s2: float, a: int, b: int) -> float:
    """E [h(x_a)]_+ [h(x_b)]_+ for one neuron h(x) = sqrt(s2/n0) w^T x, w ~ N(0, I): the
    arc-cosine kernel of degree 1, s2/n0 |x_a| |x_b| (sin t + (pi - t) cos t) / (2 pi) with t the
    angle between the inputs. It is the expected forward factor of (5.36) per hidden neuron
    of a ReLU layer."""
    x1, x2 = X[:, a], X[:, b]
    nrm, c, th = _angle(x1, x2)
    return s2 / X.shape[0] * nrm / (2 * math.pi) * (math.sin(th) + (math.pi - th) * c)


def arccos_kernel_0(X: np.ndarray, a: int, b: int) -> float:
    """P(w^T x_a > 0 and w^T x_b > 0) = (pi - t)/(2 pi) for w ~ N(0, I): the expected product of
    ReLU derivatives in the backward factor of (5.36)."""
    _, _, th = _angle(X[:, a], X[:, b])
    return (math.pi - th) / (2 * math.pi)


def relu_ntk_mean(X: np.ndarray, n: int, s2: float, param: str, a: int, b: int) -> float:
    """E Theta-hat(x_a, x_b) of a depth-1 ReLU net of width n with standard-normal weights, the
    sum of its two layer kernels (5.35)-(5.36): "ntk" parameterisation (5.38) gives
    s2 k1 + s2^2/n0 x_a^T x_b k0, independent of n; "standard" (the kernel in V_l, (5.37))
    gives n k1 + s2 x_a^T x_b k0, growing linearly in n (k1, k0: the arc-cosine kernels)."""
    slope, intercept = relu_ntk_line(X, s2, param, a, b)
    return slope * n + intercept


def relu_ntk_line(X: np.ndarray, s2: float, param: str, a: int, b: int,
                  last_layer_only: bool = False) -> tuple[float, float]:
    """(slope, intercept) of :func:`relu_ntk_mean` as a function of the width n (exactly
    linear in n), or of the last layer's kernel alone (Theta-hat_1: s2 k1 in "ntk", n k1 in
    "standard") when ``last_layer_only``."""
    x1, x2 = X[:, a], X[:, b]
    n0 = X.shape[0]
    k1 = arccos_kernel_1(X, s2, a, b)
    if last_layer_only:
        return (0.0, s2 * k1) if param == "ntk" else (k1, 0.0)
    k0 = arccos_kernel_0(X, a, b)
    if param == "ntk":
        return 0.0, s2 * k1 + s2 / n0 * (x1 @ x2) * s2 * k0
    return k1, (x1 @ x2) * s2 * k0


def linear_net_corrections(X: np.ndarray, lr: float) -> tuple[float, float, float]:
    """For the linear two-layer net f(x) = n^(-1/2) a^T W x / sqrt(n0) with standard-normal a, W,
    at targets y = 0 and C = X^T X / n0: (n E dTheta/dt(x_1, x_1) of (5.68) with the mean
    over the m points, n^2 E O_3(x_1, x_1, x_1)^2, n E O_4(x_1, x_1, x_1, x_1)) =
    (-(2 lr/m) sum_k (C_11 C_kk + C_1k^2), 16 C_11^3, 8 C_11^2), exact at every width n
    since the neurons are iid (the 1/n scaling of (5.64)-(5.66))."""
    C = X.T @ X / X.shape[0]
    m = X.shape[1]
    return (-(2 * lr / m) * sum(C[0, 0] * C[k, k] + C[0, k] ** 2 for k in range(m)),
            16 * C[0, 0] ** 3, 8 * C[0, 0] ** 2)


def relu_feature_cov(X: np.ndarray) -> np.ndarray:
    """K_kl = E [w^T x_k]_+ [w^T x_l]_+ for w ~ N(0, I) (the arc-cosine kernel of degree 1 of
    the columns of X): the exact covariance of u(0) = f(x; a, w(0)) of (5.110) at every width,
    since a_i = +-1 is independent of w_i."""
    nrm = np.linalg.norm(X, axis=0)
    c = np.clip(X.T @ X / np.outer(nrm, nrm), -1.0, 1.0)
    th = np.arccos(c)
    return np.outer(nrm, nrm) / (2 * np.pi) * (np.sin(th) + (np.pi - th) * c)


# ------------------------------------------------ directions of the finite differences
def tangent_directions(Ws: list[np.ndarray], X: np.ndarray) -> list[list[np.ndarray]]:
    """Per input x_k, grad f(x_k) of the tanh two-layer net f(x) = n^(-1/2) W_1 tanh(W_0 x / sqrt(n0))
    as [d f/d W_0, d f/d W_1]: the direction along which a check differentiates theta (5.62)."""
    n0, n = X.shape[0], Ws[0].shape[0]
    s = Ws[0] @ X / math.sqrt(n0)
    a = Ws[1][0]
    return [[(a * (1 - np.tanh(s[:, k]) ** 2))[:, None] * X[:, k][None, :] / math.sqrt(n0 * n),
             np.tanh(s[:, k])[None, :] / math.sqrt(n)] for k in range(X.shape[1])]


def flow_direction(Ws: list[np.ndarray], X: np.ndarray, y: np.ndarray, lr: float) -> list[np.ndarray]:
    """The weights' velocity under gradient flow on the mean squared loss (1/2m) sum_k (y_k - f(x_k))^2
    of the tanh two-layer net, [dW_0/dt, dW_1/dt] = (lr/m) sum_k r_k grad f(x_k)."""
    n0, n, m = X.shape[0], Ws[0].shape[0], X.shape[1]
    s = Ws[0] @ X / math.sqrt(n0)
    a = Ws[1][0]
    f = a @ np.tanh(s) / math.sqrt(n)
    r = y - f
    g1 = (np.tanh(s) @ r)[None, :] / math.sqrt(n)                         # sum_k r_k d f(x_k)/d W_1
    g0 = ((a[:, None] * (1 - np.tanh(s) ** 2) * r) @ X.T) / math.sqrt(n0 * n)  # sum_k r_k d f(x_k)/d W_0
    return [lr / m * g0, lr / m * g1]
