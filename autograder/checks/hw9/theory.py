"""Closed forms that hw9's statistical checks compare the student's samples with.

Each is an exact expectation at every width (not only as n -> infinity), which is
what lets a check test a mean at width 16 as sharply as at width 4096. The
tests in ``tests/unit/checks/test_theory_hw9.py`` check each one against a
Monte Carlo or a known special value.
"""

import math
from collections.abc import Iterator
from typing import Any

import numpy as np


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
    x1, x2 = X[:, a], X[:, b]
    n0 = X.shape[0]
    k1 = arccos_kernel_1(X, s2, a, b)
    k0 = arccos_kernel_0(X, a, b)
    if param == "ntk":
        return s2 * k1 + s2 / n0 * (x1 @ x2) * s2 * k0
    return n * k1 + (x1 @ x2) * s2 * k0


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


def isserlis_pairings(items: list[Any]) -> Iterator[list[tuple[Any, Any]]]:
    """Every partition of ``items`` (an even number) into pairs, the sum of (5.90)-(5.91):
    (k - 1)!! = k!/(2^(k/2) (k/2)!) of them for k items; none for an odd number."""
    if not items:
        yield []
        return
    for j in range(1, len(items)):
        for tail in isserlis_pairings(items[1:j] + items[j + 1:]):
            yield [(items[0], items[j])] + tail
