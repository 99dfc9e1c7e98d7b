# A correct solution written with explicit loops: ranks from Gram-matrix
# eigenvalues, binomials by a product, gradients by a stored forward pass,
# the Hessian entry by entry from the second derivative of the product, the
# inverses by linear solves, and a constant-loss path at speed (1 - cos(pi t))/2.
# EXPECT: pass all
import math

import numpy as np
from scipy.special import erf


def _phi(name, z):
    if name == "linear":
        return z
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    if name == "erf":
        return erf(z)
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    if name == "square":
        return z * z
    if name == "leaky_relu":
        return np.where(z >= 0, z, 0.1 * z)
    if name == "asinh":
        return np.arcsinh(z)
    raise ValueError("unknown activation: " + str(name))


def _phi_inverse(name, x):
    _phi(name, np.zeros(1))
    if name == "linear":
        return x
    if name == "leaky_relu":
        return np.where(x >= 0, x, 10.0 * x)
    if name == "asinh":
        return np.sinh(x)
    raise ValueError(name + " does not map R onto R; Lemma 5 does not apply")


def feature_ranks(weights, X, activation, biases=None):
    if biases is not None and len(biases) != len(weights):
        raise ValueError("biases and weights differ in number")
    ranks = []
    cur = np.array(X, dtype=float)
    for i in range(len(weights)):
        pre = np.array(weights[i], dtype=float) @ cur
        if biases is not None:
            pre += np.array(biases[i], dtype=float)[:, np.newaxis]
        cur = _phi(activation, pre)
        ranks.append(int(np.linalg.matrix_rank(cur)))
    return ranks


def polynomial_feature_dim(n0, degree):
    if n0 < 1 or degree < 0:
        raise ValueError("need n0 >= 1 and degree >= 0")
    num, den = 1, 1
    for j in range(1, degree + 1):
        num *= n0 - 1 + j
        den *= j
    return num // den


def _prod(mats, n):
    out = np.eye(n)
    for M in mats:
        out = M @ out
    return out


def deep_linear_loss_grads(weights, X, Y):
    W = [np.array(w, dtype=float) for w in weights]
    X, Y = np.array(X, dtype=float), np.array(Y, dtype=float)
    below = [np.eye(X.shape[0])]                 # below[l] = W_{l-1} ... W_0
    for w in W:
        below.append(w @ below[-1])
    E = below[-1] @ X - Y
    G = E @ X.T
    grads = []
    for l in range(len(W)):
        above = _prod(W[l + 1:], W[l].shape[0])    # W_L ... W_{l+1}
        grads.append(above.T @ G @ below[l].T)
    return 0.5 * float((E ** 2).sum()), grads


def deep_linear_hessian(weights, X, Y):
    W = [np.array(w, dtype=float) for w in weights]
    X, Y = np.array(X, dtype=float), np.array(Y, dtype=float)
    L1 = len(W)
    R = _prod(W, X.shape[0]) @ X - Y
    index = [(l, a, b) for l in range(L1) for a in range(W[l].shape[0]) for b in range(W[l].shape[1])]
    # first derivative of A X along each coordinate
    dAX = []
    for (l, a, b) in index:
        D = np.zeros_like(W[l])
        D[a, b] = 1.0
        dAX.append(_prod(W[l + 1:], W[l].shape[0]) @ D @ _prod(W[:l], X.shape[0]) @ X)
    P = len(index)
    H = np.zeros((P, P))
    for i in range(P):
        for j in range(i, P):
            v = float((dAX[i] * dAX[j]).sum())
            (l, a, b), (k, c, d) = index[i], index[j]
            if k != l:
                if k < l:
                    (l, a, b), (k, c, d) = (k, c, d), (l, a, b)
                # now l < k: d^2 (A X) = W_{k+1..} E_k W_{k-1..l+1} E_l W_{l-1..} X
                Dl = np.zeros_like(W[l])
                Dl[a, b] = 1.0
                Dk = np.zeros_like(W[k])
                Dk[c, d] = 1.0
                sec = (_prod(W[k + 1:], W[k].shape[0]) @ Dk @ _prod(W[l + 1:k], W[l].shape[0]) @ Dl
                       @ _prod(W[:l], X.shape[0]) @ X)
                v += float((R * sec).sum())
            H[i, j] = H[j, i] = v
    return H


def hessian_inertia(H, tol=1e-8):
    H = np.array(H, dtype=float)
    ev = np.linalg.eigvalsh(H + H.T) / 2
    return int((ev < -tol).sum()), int((abs(ev) <= tol).sum()), int((ev > tol).sum())


def _eig(X, Y):
    X, Y = np.array(X, dtype=float), np.array(Y, dtype=float)
    if np.linalg.matrix_rank(X) != X.shape[0]:
        raise ValueError("X X^T is singular")
    A = np.linalg.solve(X @ X.T, X @ Y.T).T
    lam, U = np.linalg.eigh(A @ X @ Y.T)
    return lam[::-1], U[:, ::-1], A


def linear_critical_point(X, Y, widths, subset):
    k = len(subset)
    if k != len(set(subset)) or min(list(subset) + [0]) < 0 or max(list(subset) + [0]) >= widths[-1]:
        raise ValueError("subset indices must be distinct and in range")
    if any(k > n for n in widths[1:-1]):
        raise ValueError("subset larger than a hidden width")
    U, A = _eig(X, Y)[1:]
    ws = []
    for l in range(len(widths) - 1):
        ws.append(np.zeros((widths[l + 1], widths[l])))
    for j, i in enumerate(subset):
        ws[-1][:, j] = U[:, i]
        ws[0][j, :] = U[:, i] @ A
        for l in range(1, len(widths) - 2):
            ws[l][j, j] = 1.0
    return ws


def classify_linear_critical_point(X, Y, widths, subset, tol=1e-8):
    ws = linear_critical_point(X, Y, widths, subset)
    lam = _eig(X, Y)[0]
    total = float((np.array(Y, dtype=float) ** 2).sum())
    loss = deep_linear_loss_grads(ws, X, Y)[0]
    if abs(loss - 0.5 * (total - lam[:min(widths)].sum())) <= 1e-9 * total:
        return "global_minimum"
    ev = np.linalg.eigvalsh(deep_linear_hessian(ws, X, Y))
    if ev.min() < -tol * max(1.0, abs(ev).max()):
        return "strict_saddle"
    return "non_strict_saddle"


def rescale_layers(weights, l, alpha):
    if alpha <= 0 or l < 0 or l >= len(weights) - 1:
        raise ValueError("need alpha > 0 and 0 <= l < L")
    new = [np.array(w, dtype=float) for w in weights]
    new[l] = new[l] * alpha
    new[l + 1] = new[l + 1] / alpha
    return new


def relu_loss_grads(weights, X, Y):
    W = [np.array(w, dtype=float) for w in weights]
    acts, pres = [np.array(X, dtype=float)], []
    for w in W[:-1]:
        pres.append(w @ acts[-1])
        acts.append(np.where(pres[-1] > 0, pres[-1], 0.0))
    E = W[-1] @ acts[-1] - np.array(Y, dtype=float)
    delta = E
    grads = [None] * len(W)
    for l in reversed(range(len(W))):
        grads[l] = delta @ acts[l].T
        if l:
            delta = (W[l].T @ delta) * (pres[l - 1] > 0)
    return 0.5 * float((E ** 2).sum()), grads


def _right_solve(W, H):
    return W.T @ np.linalg.solve(W @ W.T, H)


def lemma5_first_layer(weights, X, H_target, activation):
    _phi_inverse(activation, np.zeros(1))
    X = np.array(X, dtype=float)
    if np.linalg.matrix_rank(X) != X.shape[1]:
        raise ValueError("X must have rank m")
    H = np.array(H_target, dtype=float)
    for W in reversed(weights):
        W = np.array(W, dtype=float)
        if W.shape[0] >= W.shape[1] or np.linalg.matrix_rank(W) != W.shape[0]:
            raise ValueError("each W_l must be of full row rank with n_l > n_{l+1}")
        H = _phi_inverse(activation, _right_solve(W, H))
    return (X @ np.linalg.solve(X.T @ X, H.T)).T          # H (X^T X)^{-1} X^T


def constant_loss_path(weights, X, activation, ts):
    W = [np.array(w, dtype=float) for w in weights]
    X = np.array(X, dtype=float)
    pre = [W[0] @ X]
    for w in W[1:]:
        pre.append(w @ _phi(activation, pre[-1]))
    lemma5_first_layer(W[1:], X, pre[-1], activation)     # validates phi, shapes and ranks
    feats_end = [None] * len(W)
    h = pre[-1]
    for l in range(len(W) - 1, 0, -1):
        feats_end[l] = _right_solve(W[l], h)
        h = _phi_inverse(activation, feats_end[l])
    XtX_inv_Xt = np.linalg.solve(X.T @ X, X.T)
    result = []
    for t in ts:
        s = 0.5 * (1.0 - math.cos(math.pi * t))
        h = pre[-1]
        for l in range(len(W) - 1, 0, -1):
            x0 = _phi(activation, pre[l - 1])
            gap = feats_end[l] - x0
            x = x0 + _right_solve(W[l], h - pre[l]) + s * (gap - _right_solve(W[l], W[l] @ gap))
            h = _phi_inverse(activation, x)
        W0 = W[0] + (h - pre[0]) @ XtX_inv_Xt
        W0 = W0 - s * (W[0] - W[0] @ X @ XtX_inv_Xt)
        result.append(W0)
    return np.array(result)
