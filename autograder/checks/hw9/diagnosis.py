"""Known wrong answers of hw9, recomputed from the case's inputs, so that a failing check
can say which slip the student's values match (hints only: nothing here is graded)."""

import math
from collections.abc import Sequence

import numpy as np

from autograder.api import name_by_mean


def activation(act: str, h: np.ndarray) -> np.ndarray:
    """phi(h) for "tanh", "relu", "linear"."""
    return {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0), "linear": lambda v: v}[act](h)


def activation_derivative(act: str, h: np.ndarray) -> np.ndarray:
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
            xs.append(hs[-1] if slip == "pre" else activation(act, hs[-1]))
        B = np.ones((1, X.shape[1]))
        Bs = [B]
        for W, h in zip(Ws[:0:-1], hs[::-1]):
            d = 1.0 if slip == "no_D" else activation_derivative(act, h)
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


def named_by_mean(sample: np.ndarray, candidates: Sequence[tuple[str, float]]) -> str:
    """"This looks like: ... " (with a trailing space) when the sample's mean fits one of the
    candidates' means within 5 standard errors, else ""."""
    text = name_by_mean(sample, candidates, z=5.0)
    return (text + " ") if text else ""


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
