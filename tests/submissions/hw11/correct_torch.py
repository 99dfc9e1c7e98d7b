# A correct solution that lets torch (float64) differentiate: autograd for every
# gradient, torch.func.hessian for the Hessian; eigenvectors with flipped signs,
# np.linalg.pinv for every inverse, and a constant-loss path run at speed t^2.
# EXPECT: pass all
import math

import numpy as np
import torch
from scipy.special import erf, expit


def _phi_np(name):
    table = {
        "linear": lambda z: z, "relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "erf": erf,
        "sigmoid": expit, "square": np.square, "leaky_relu": lambda z: np.maximum(z, 0.1 * z),
        "asinh": np.arcsinh,
    }
    if name not in table:
        raise ValueError(f"unknown activation {name}")
    return table[name]


def _phi_inv(name):
    table = {"linear": lambda x: x, "leaky_relu": lambda x: np.minimum(x, 10.0 * x), "asinh": np.sinh}
    _phi_np(name)
    if name not in table:
        raise ValueError(f"{name} is not onto R")
    return table[name]


def feature_ranks(weights, X, activation, biases=None):
    phi = _phi_np(activation)
    if biases is not None and len(biases) != len(weights):
        raise ValueError("one bias per layer")
    out, x = [], np.asarray(X, float)
    for i, W in enumerate(weights):
        h = np.asarray(W, float) @ x
        if biases is not None:
            h = h + np.asarray(biases[i], float).reshape(-1, 1)
        x = phi(h)
        s = np.linalg.svd(x, compute_uv=False)
        tol = s.max(initial=0.0) * max(x.shape) * np.finfo(float).eps
        out.append(int((s > tol).sum()))
    return out


def polynomial_feature_dim(n0, degree):
    if n0 < 1 or degree < 0:
        raise ValueError("n0 >= 1, degree >= 0")
    return math.factorial(n0 + degree - 1) // (math.factorial(degree) * math.factorial(n0 - 1))


def _torch_loss(shapes, X, Y, act="linear"):
    Xt, Yt = torch.tensor(np.asarray(X, float)), torch.tensor(np.asarray(Y, float))

    def loss(theta):
        i, h = 0, Xt
        for k, (a, b) in enumerate(shapes):
            W = theta[i:i + a * b].reshape(a, b)
            i += a * b
            if k > 0 and act == "relu":
                h = torch.relu(h)
            h = W @ h
        return 0.5 * ((h - Yt) ** 2).sum()
    return loss


def _theta(weights):
    return torch.tensor(np.concatenate([np.asarray(w, float).ravel() for w in weights]), requires_grad=True)


def _split(vec, weights):
    out, i = [], 0
    for w in weights:
        w = np.asarray(w)
        out.append(vec[i:i + w.size].reshape(w.shape))
        i += w.size
    return out


def _loss_grads(weights, X, Y, act):
    shapes = [np.asarray(w).shape for w in weights]
    theta = _theta(weights)
    loss = _torch_loss(shapes, X, Y, act)(theta)
    (g,) = torch.autograd.grad(loss, theta)
    return float(loss.detach()), _split(g.numpy(), weights)


def deep_linear_loss_grads(weights, X, Y):
    return _loss_grads(weights, X, Y, "linear")


def deep_linear_hessian(weights, X, Y):
    shapes = [np.asarray(w).shape for w in weights]
    theta = _theta(weights).detach()
    return torch.func.hessian(_torch_loss(shapes, X, Y))(theta).numpy()


def hessian_inertia(H, tol=1e-8):
    H = np.asarray(H, float)
    ev = np.linalg.eigvalsh((H + H.T) / 2)
    neg = sum(1 for v in ev if v < -tol)
    pos = sum(1 for v in ev if v > tol)
    return neg, len(ev) - neg - pos, pos


def _sigma(X, Y):
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    if np.linalg.matrix_rank(X) < X.shape[0]:
        raise ValueError("X needs full row rank")
    a_star = Y @ np.linalg.pinv(X)
    lam, u = np.linalg.eigh(a_star @ X @ Y.T)
    order = np.argsort(-lam)
    return lam[order], -u[:, order], a_star          # flipped signs are as good


def linear_critical_point(X, Y, widths, subset):
    subset = list(subset)
    if len(set(subset)) < len(subset) or any(i < 0 or i >= widths[-1] for i in subset):
        raise ValueError("bad subset")
    if len(subset) > min(widths[1:-1]):
        raise ValueError("too many directions for the hidden widths")
    u, a_star = _sigma(X, Y)[1:]
    k = len(subset)
    Us = u[:, subset]
    out = []
    for l in range(len(widths) - 1):
        W = np.zeros((widths[l + 1], widths[l]))
        if l == 0:
            W[:k, :] = Us.T @ a_star
        elif l == len(widths) - 2:
            W[:, :k] = Us
        else:
            W[range(k), range(k)] = 1.0
        out.append(W)
    return out


def classify_linear_critical_point(X, Y, widths, subset, tol=1e-8):
    ws = linear_critical_point(X, Y, widths, subset)
    lam, _, _ = _sigma(X, Y)
    Y = np.asarray(Y, float)
    best = 0.5 * (np.sum(Y ** 2) - np.sum(lam[:min(widths)]))
    loss, _ = deep_linear_loss_grads(ws, X, Y)
    if abs(loss - best) <= 1e-9 * np.sum(Y ** 2):
        return "global_minimum"
    ev = np.linalg.eigvalsh(deep_linear_hessian(ws, X, Y))
    return "strict_saddle" if ev[0] < -tol * max(1.0, np.abs(ev).max()) else "non_strict_saddle"


def rescale_layers(weights, l, alpha):
    if not (0 <= l < len(weights) - 1) or not alpha > 0:
        raise ValueError("need 0 <= l < L and alpha > 0")
    return [np.asarray(w, float) * (alpha if k == l else 1 / alpha if k == l + 1 else 1.0)
            for k, w in enumerate(weights)]


def relu_loss_grads(weights, X, Y):
    # torch.relu has derivative 0 at 0, as the contract asks
    return _loss_grads(weights, X, Y, "relu")


def lemma5_first_layer(weights, X, H_target, activation):
    inv = _phi_inv(activation)
    X = np.asarray(X, float)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError("rank X < m")
    h = np.asarray(H_target, float)
    for W in weights[::-1]:
        W = np.asarray(W, float)
        if W.shape[0] >= W.shape[1] or np.linalg.matrix_rank(W) < W.shape[0]:
            raise ValueError("W_l must be wide and of full row rank")
        h = inv(np.linalg.pinv(W) @ h)
    return h @ np.linalg.pinv(X)


def constant_loss_path(weights, X, activation, ts):
    phi, inv = _phi_np(activation), _phi_inv(activation)
    X = np.asarray(X, float)
    ws = [np.asarray(w, float) for w in weights]
    hs = [ws[0] @ X]
    for W in ws[1:]:
        hs.append(W @ phi(hs[-1]))
    end = lemma5_first_layer(ws[1:], X, hs[-1], activation)
    # the end features X~_l, top down
    ends, h = {}, hs[-1]
    for l in range(len(ws) - 1, 0, -1):
        ends[l] = np.linalg.pinv(ws[l]) @ h
        h = inv(ends[l])
    Xp = np.linalg.pinv(X)
    path = []
    for t in np.asarray(ts, float):
        s = t * t                                     # another speed, the same curve
        h_up = hs[-1]
        for l in range(len(ws) - 1, 0, -1):
            Wp = np.linalg.pinv(ws[l])
            x_l = phi(hs[l - 1])
            x_t = x_l + Wp @ (h_up - hs[l]) + s * (ends[l] - x_l - Wp @ ws[l] @ (ends[l] - x_l))
            h_up = inv(x_t)
        path.append(h_up @ Xp + (1 - s) * ws[0] @ (np.eye(X.shape[0]) - X @ Xp))
    if not np.allclose(path[-1] if len(ts) and ts[-1] == 1 else end, end, atol=1e-6):
        raise RuntimeError("the curve does not end at h(W_1:L, H)")
    return np.array(path)
