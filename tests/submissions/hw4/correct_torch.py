# A correct solution that lets torch autograd compute every gradient (float64),
# draws W1 before W0 from a torch generator, and writes the rank and the
# minimum-norm solution through its own SVD.
# EXPECT: pass all
import math

import numpy as np
import torch

_ACT = {"linear": lambda z: z, "relu": torch.relu, "tanh": torch.tanh, "erf": torch.erf,
        "sigmoid": torch.sigmoid, "square": lambda z: z ** 2}


def _act(name):
    if name not in _ACT:
        raise ValueError(f"activation {name} is not supported")
    return _ACT[name]


def hidden_features(W0, X, activation):
    phi = _act(activation)
    return phi(torch.as_tensor(W0, dtype=torch.float64) @ torch.as_tensor(X, dtype=torch.float64)).numpy()


def numerical_rank(A):
    A = np.asarray(A, dtype=float)
    if A.size == 0:
        return 0
    s = np.linalg.svd(A, compute_uv=False)
    return int((s > s[0] * max(A.shape) * np.finfo(float).eps).sum())


def full_rank_probability(n0, n1, m, activation, n_trials, seed):
    phi = _act(activation)
    g = torch.Generator().manual_seed(seed)
    hits = 0
    for _ in range(n_trials):
        W0 = torch.randn(n1, n0, generator=g, dtype=torch.float64) / math.sqrt(n0)
        X = torch.randn(n0, m, generator=g, dtype=torch.float64)
        hits += numerical_rank(phi(W0 @ X).numpy()) == m
    return hits / n_trials


def output_layer_optimum(X1, Y):
    X1, Y = np.asarray(X1, float), np.asarray(Y, float)
    U, s, Vt = np.linalg.svd(X1, full_matrices=False)
    keep = s > (s.max() if s.size else 0.0) * max(X1.shape) * np.finfo(float).eps
    inv = np.zeros_like(s)
    inv[keep] = 1.0 / s[keep]
    W1 = ((Y @ Vt.T) * inv) @ U.T           # Y X1^+
    R = Y - W1 @ X1
    return W1, 0.5 * float((R ** 2).sum())


def train_two_layer(X, Y, n1, activation, lr, steps, seed):
    phi = _act(activation)
    X = torch.as_tensor(X, dtype=torch.float64)
    Y = torch.as_tensor(Y, dtype=torch.float64)
    g = torch.Generator().manual_seed(seed)
    W1 = (torch.randn(Y.shape[0], n1, generator=g, dtype=torch.float64) / math.sqrt(n1)).requires_grad_()
    W0 = (torch.randn(n1, X.shape[0], generator=g, dtype=torch.float64) / math.sqrt(X.shape[0])).requires_grad_()
    out = []
    for k in range(steps + 1):
        loss = 0.5 * ((Y - W1 @ phi(W0 @ X)) ** 2).sum()
        out.append(loss.item())
        if k == steps:
            break
        g0, g1 = torch.autograd.grad(loss, [W0, W1])
        with torch.no_grad():
            W0 -= lr * g0
            W1 -= lr * g1
    return np.array(out)


def deep_linear_gap(widths, X, Y, lr, steps, seed):
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    if widths[0] != X.shape[0] or widths[-1] != Y.shape[0]:
        raise ValueError("widths do not match the data")
    g = torch.Generator().manual_seed(seed)
    Ws = [(torch.randn(b, a, generator=g, dtype=torch.float64) / math.sqrt(a)).requires_grad_()
          for a, b in zip(widths[:-1], widths[1:])]
    Xt, Yt = torch.as_tensor(X), torch.as_tensor(Y)

    def loss_of(Ws):
        A = Ws[0]
        for W in Ws[1:]:
            A = W @ A
        return 0.5 * ((Yt - A @ Xt) ** 2).sum()

    for _ in range(steps):
        grads = torch.autograd.grad(loss_of(Ws), Ws)
        with torch.no_grad():
            for W, gr in zip(Ws, grads):
                W -= lr * gr
    with torch.no_grad():
        final = loss_of(Ws).item()
    _, best = output_layer_optimum(X, Y)
    return final - best
