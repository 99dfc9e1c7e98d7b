# ntk_deviation compares with a limit kernel of its own that drops the chi
# products of (5.46): Theta = sum_l q_l (ntk_kernel itself is right).
# EXPECT: fail ntk_deviation
# EXPECT: pass nngp_kernel, ntk_kernel, empirical_ntk, linearized_prediction
# EXPECT: hint "chi"
import math

import numpy as np
import scipy.linalg
import torch
from scipy.special import erf, roots_hermitenorm

ACTS = ("linear", "relu", "tanh", "erf")
Z, WZ = roots_hermitenorm(160)
WZ = WZ / math.sqrt(2 * math.pi)


def phi(a, z):
    if a == "linear":
        return z
    if a == "relu":
        return np.maximum(z, 0)
    if a == "tanh":
        return np.tanh(z)
    return erf(z)


def dphi(a, z):
    if a == "linear":
        return np.ones_like(z)
    if a == "relu":
        return (z > 0) * 1.0
    if a == "tanh":
        return 1 / np.cosh(z) ** 2
    return 2 / math.sqrt(math.pi) * np.exp(-z ** 2)


def expectations(a, q11, q22, q12):
    """E phi(u) phi(v) and E phi'(u) phi'(v), elementwise."""
    c = np.clip(q12 / np.sqrt(q11 * q22), -1.0, 1.0)
    if a == "linear":
        return q12, np.ones_like(q12)
    if a == "relu":
        t = np.arccos(c)
        return np.sqrt(q11 * q22) * (np.sin(t) + (np.pi - t) * c) / (2 * np.pi), (np.pi - t) / (2 * np.pi)
    if a == "erf":
        d = np.sqrt((1 + 2 * q11) * (1 + 2 * q22))
        return 2 / np.pi * np.arcsin(2 * q12 / d), 4 / np.pi / np.sqrt(d * d - 4 * q12 ** 2)
    s = np.sqrt(1 - c * c)
    out1, out2 = np.zeros_like(q12), np.zeros_like(q12)
    for i, zi in enumerate(Z):  # u = sqrt(q11) z1, v = sqrt(q22)(c z1 + s z2)
        u = np.sqrt(q11) * zi
        v = np.sqrt(q22)[..., None] * (c[..., None] * zi + s[..., None] * Z)
        out1 += WZ[i] * np.tanh(u) * (np.tanh(v) @ WZ)
        out2 += WZ[i] * dphi("tanh", u) * (dphi("tanh", v) @ WZ)
    return out1, out2


def kernels(X1, X2, depth, a, s2):
    if a not in ACTS:
        raise ValueError("unknown activation " + str(a))
    X1, X2 = np.asarray(X1, float), np.asarray(X2, float)
    n0 = X1.shape[0]
    q12 = s2 * X1.T @ X2 / n0
    q11 = s2 * (X1 ** 2).sum(0)[:, None] / n0 + 0 * q12
    q22 = s2 * (X2 ** 2).sum(0)[None, :] / n0 + 0 * q12
    qs, chis = [q12], []
    for _ in range(depth):
        e, d = expectations(a, q11, q22, q12)
        chis.append(s2 * d)
        q12 = s2 * e
        q11 = s2 * expectations(a, q11, q11, q11)[0]
        q22 = s2 * expectations(a, q22, q22, q22)[0]
        qs.append(q12)
    return qs, chis


def nngp_kernel(X1, X2, depth, activation="relu", sigma_w2=2.0):
    return kernels(X1, X2, depth, activation, sigma_w2)[0][-1]


def ntk_kernel(X1, X2, depth, activation="relu", sigma_w2=2.0):
    qs, chis = kernels(X1, X2, depth, activation, sigma_w2)
    total = 0
    for l in range(depth + 1):
        term = qs[l]
        for chi in chis[l:]:
            term = term * chi
        total = total + term
    return total


def tphi(a, h):
    return {"linear": lambda z: z, "relu": torch.relu, "tanh": torch.tanh, "erf": torch.erf}[a](h)


def tdphi(a, h):
    if a == "linear":
        return torch.ones_like(h)
    if a == "relu":
        return (h > 0).double()
    if a == "tanh":
        return 1 - torch.tanh(h) ** 2
    return 2 / math.sqrt(math.pi) * torch.exp(-h * h)


def grads(Ws, X, a, s2):
    """Per-example gradients of f with respect to every W_l, flattened: (m, P), and f."""
    xs, hs = [X], []
    for l, W in enumerate(Ws):
        h = math.sqrt(s2 / W.shape[1]) * W @ xs[-1]
        hs.append(h)
        if l < len(Ws) - 1:
            xs.append(tphi(a, h))
    B = torch.ones_like(hs[-1])
    rows = []
    for l in range(len(Ws) - 1, -1, -1):
        c = math.sqrt(s2 / Ws[l].shape[1])
        rows.insert(0, c * torch.einsum("im,jm->mij", B, xs[l]).reshape(X.shape[1], -1))
        if l > 0:
            B = c * tdphi(a, hs[l - 1]) * (Ws[l].T @ B)
    return torch.cat(rows, dim=1), hs[-1][0]


def empirical_ntk(weights, X1, X2, activation, sigma_w2):
    if activation not in ACTS:
        raise ValueError(activation)
    Ws = [torch.as_tensor(np.asarray(W), dtype=torch.float64) for W in weights]
    J1 = grads(Ws, torch.as_tensor(np.asarray(X1, float)), activation, sigma_w2)[0]
    J2 = grads(Ws, torch.as_tensor(np.asarray(X2, float)), activation, sigma_w2)[0]
    return (J1 @ J2.T).numpy()


def draw(widths, seed, device):
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("no CUDA device here: use device='cpu'")
    g = torch.Generator(device=device).manual_seed(seed)
    return [torch.randn(b, a, generator=g, device=device, dtype=torch.float64)
            for a, b in zip(widths[:-1], widths[1:])]


def ntk_deviation(X, depth, width, activation, sigma_w2, n_seeds, seed, device="cpu"):
    qs, _ = kernels(X, X, depth, activation, sigma_w2)
    theta = sum(qs)   # the limit kernel: one q_l per layer
    Xt = torch.as_tensor(np.asarray(X, float), device=device)
    out = []
    for k in range(n_seeds):
        Ws = draw([X.shape[0]] + [width] * depth + [1], seed * 1000 + k, device)
        J = grads(Ws, Xt, activation, sigma_w2)[0]
        emp = (J @ J.T).cpu().numpy()
        out.append(np.linalg.norm(emp - theta) / np.linalg.norm(theta))
    return float(np.mean(out))


def linearized_prediction(K_test_train, K_train_train, f0_test, f0_train, y_train, lr, t):
    K = np.asarray(K_train_train, float)
    m = K.shape[0]
    E = scipy.linalg.expm(-lr * t / m * K)
    r = np.asarray(f0_train, float) - np.asarray(y_train, float)
    return np.asarray(f0_test, float) - np.asarray(K_test_train) @ np.linalg.solve(K, r - E @ r)


def train_vs_linearized(X_train, y_train, X_test, width, depth, lr, steps, seed,
                        activation="relu", sigma_w2=2.0, device="cpu"):
    Xtr = torch.as_tensor(np.asarray(X_train, float), device=device)
    Xte = torch.as_tensor(np.asarray(X_test, float), device=device)
    y = torch.as_tensor(np.asarray(y_train, float), device=device)
    m = Xtr.shape[1]
    Ws = draw([Xtr.shape[0]] + [width] * depth + [1], seed, device)
    J0, f0 = grads(Ws, Xtr, activation, sigma_w2)
    Jt, ft = grads(Ws, Xte, activation, sigma_w2)
    K0 = J0 @ J0.T
    # the linearised model: f_lin(X) moves by -lr/m K0 (f_lin - y) per step
    flin_tr, flin_te = f0.clone(), ft.clone()
    for _ in range(steps):
        r = flin_tr - y
        flin_te = flin_te - lr / m * (Jt @ J0.T) @ r
        flin_tr = flin_tr - lr / m * K0 @ r
    for _ in range(steps):
        J, f = grads(Ws, Xtr, activation, sigma_w2)
        g = J.T @ (f - y) / m
        sizes = [W.numel() for W in Ws]
        Ws = [W - lr * gi.reshape(W.shape) for W, gi in zip(Ws, torch.split(g, sizes))]
    Jk, _ = grads(Ws, Xtr, activation, sigma_w2)
    fk = grads(Ws, Xte, activation, sigma_w2)[1]
    Kk = Jk @ Jk.T
    return (float(torch.max(torch.abs(fk - flin_te))),
            float(torch.linalg.norm(Kk - K0) / torch.linalg.norm(K0)))


def du_gram_matrix(X):
    G = np.asarray(X, float).T @ np.asarray(X, float)
    return G * (np.pi - np.arccos(np.clip(G, -1, 1))) / (2 * np.pi)


def alignment_residuals(H, y, u0, t):
    lam, V = np.linalg.eigh(np.asarray(H, float))
    p = V.T @ (np.asarray(y, float) - np.asarray(u0, float))
    return np.array([np.sum(np.exp(-2 * lam * s) * p ** 2) for s in np.asarray(t, float)])
