# A correct solution that lets torch autograd do every derivative: the empirical
# NTK from per-input torch.autograd.grad calls, training with torch.optim.SGD
# on an nn.Module, weights drawn with NumPy's generator, the kernels by the
# recursion Theta <- chi Theta + q with a vectorised 200-node Gauss-Hermite
# rule for tanh, and results returned as CPU tensors where arrays are due.
# EXPECT: pass all
import numpy as np
import torch
from scipy.special import roots_hermitenorm

_NODES, _W = roots_hermitenorm(200)
_W = _W / np.sqrt(2 * np.pi)


def _gauss(f, g, a, b, q):
    c = np.clip(q / np.sqrt(a * b), -1, 1)
    z1 = _NODES[:, None]
    z2 = _NODES[None, :]
    u = np.sqrt(a)[..., None, None] * z1
    v = np.sqrt(b)[..., None, None] * (c[..., None, None] * z1 + np.sqrt(1 - c * c)[..., None, None] * z2)
    return np.einsum("i,j,...ij->...", _W, _W, f(u) * g(v))


def _layer(activation, a, b, q):
    """(E phi phi, E phi' phi') over N(0, [[a, q], [q, b]])."""
    if activation == "linear":
        return q, np.ones_like(q)
    if activation == "relu":
        c = np.clip(q / np.sqrt(a * b), -1, 1)
        th = np.arccos(c)
        return np.sqrt(a * b) * (np.sqrt(1 - c * c) + (np.pi - th) * c) / (2 * np.pi), 1 / 2 - th / (2 * np.pi)
    if activation == "erf":
        den = np.sqrt((1 + 2 * a) * (1 + 2 * b))
        return np.arcsin(2 * q / den) * 2 / np.pi, 4 / (np.pi * np.sqrt(den ** 2 - 4 * q ** 2))
    if activation == "tanh":
        sech2 = lambda z: 1 - np.tanh(z) ** 2  # noqa: E731
        return _gauss(np.tanh, np.tanh, a, b, q), _gauss(sech2, sech2, a, b, q)
    raise ValueError(f"activation {activation!r} is not one of linear, relu, tanh, erf")


def _recursion(X1, X2, depth, activation, sigma_w2):
    if activation not in ("linear", "relu", "tanh", "erf"):
        raise ValueError(activation)
    X1, X2 = np.asarray(X1, float), np.asarray(X2, float)
    n0 = X1.shape[0]
    q = sigma_w2 / n0 * np.einsum("ki,kj->ij", X1, X2)
    a = np.broadcast_to(sigma_w2 / n0 * np.einsum("ki,ki->i", X1, X1)[:, None], q.shape)
    b = np.broadcast_to(sigma_w2 / n0 * np.einsum("kj,kj->j", X2, X2)[None, :], q.shape)
    theta = q
    for _ in range(depth):
        e, d = _layer(activation, a, b, q)
        q = sigma_w2 * e
        theta = sigma_w2 * d * theta + q
        a = sigma_w2 * _layer(activation, a, a, a)[0]
        b = sigma_w2 * _layer(activation, b, b, b)[0]
    return q, theta


def nngp_kernel(X1, X2, depth, activation="relu", sigma_w2=2.0):
    return _recursion(X1, X2, depth, activation, sigma_w2)[0]


def ntk_kernel(X1, X2, depth, activation="relu", sigma_w2=2.0):
    return _recursion(X1, X2, depth, activation, sigma_w2)[1]


class Net(torch.nn.Module):
    def __init__(self, weights, activation, sigma_w2):
        super().__init__()
        self.ws = torch.nn.ParameterList([torch.nn.Parameter(torch.as_tensor(w).double().clone())
                                          for w in weights])
        self.act = {"linear": torch.nn.Identity(), "relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh(),
                    "erf": torch.special.erf}[activation]
        self.s2 = sigma_w2

    def forward(self, X):  # X: (n0, m)
        h = X
        for l, w in enumerate(self.ws):
            if l:
                h = self.act(h)
            h = (self.s2 / w.shape[1]) ** 0.5 * (w @ h)
        return h[0]


def _jacobian(net, X):
    rows = []
    for i in range(X.shape[1]):
        out = net(X[:, i:i + 1])[0]
        rows.append(torch.cat([g.reshape(-1) for g in torch.autograd.grad(out, list(net.parameters()))]))
    return torch.stack(rows)


def empirical_ntk(weights, X1, X2, activation, sigma_w2):
    if activation not in ("linear", "relu", "tanh", "erf"):
        raise ValueError(activation)
    net = Net(weights, activation, sigma_w2)
    A = torch.as_tensor(np.asarray(X1, float))
    B = torch.as_tensor(np.asarray(X2, float))
    return (_jacobian(net, A) @ _jacobian(net, B).T).detach()


def _net(widths, rng, activation, sigma_w2, device):
    ws = [rng.standard_normal((o, i)) for i, o in zip(widths[:-1], widths[1:])]
    return Net(ws, activation, sigma_w2).to(device)


def ntk_deviation(X, depth, width, activation, sigma_w2, n_seeds, seed, device="cpu"):
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device='cuda' but CUDA is not available")
    limit = torch.as_tensor(ntk_kernel(X, X, depth, activation, sigma_w2), device=device)
    rng = np.random.default_rng(seed)
    Xt = torch.as_tensor(np.asarray(X, float), device=device)
    devs = []
    for _ in range(n_seeds):
        net = _net([Xt.shape[0]] + [width] * depth + [1], rng, activation, sigma_w2, device)
        J = _jacobian(net, Xt)
        devs.append(float(torch.linalg.norm(J @ J.T - limit) / torch.linalg.norm(limit)))
    return sum(devs) / len(devs)


def linearized_prediction(K_test_train, K_train_train, f0_test, f0_train, y_train, lr, t):
    lam, V = np.linalg.eigh(np.asarray(K_train_train, float))
    m = len(lam)
    coef = np.where(lam != 0, -np.expm1(-lr * t * lam / m) / np.where(lam != 0, lam, 1), lr * t / m)
    r = np.asarray(f0_train, float) - np.asarray(y_train, float)
    return np.asarray(f0_test, float) - np.asarray(K_test_train, float) @ (V @ (coef * (V.T @ r)))


def train_vs_linearized(X_train, y_train, X_test, width, depth, lr, steps, seed,
                        activation="relu", sigma_w2=2.0, device="cpu"):
    Xtr = torch.as_tensor(np.asarray(X_train, float), device=device)
    Xte = torch.as_tensor(np.asarray(X_test, float), device=device)
    y = torch.as_tensor(np.asarray(y_train, float), device=device)
    m = Xtr.shape[1]
    net = _net([Xtr.shape[0]] + [width] * depth + [1], np.random.default_rng(seed), activation,
               sigma_w2, device)
    J0, Jte = _jacobian(net, Xtr), _jacobian(net, Xte)
    K0 = J0 @ J0.T
    with torch.no_grad():
        f0, f0te = net(Xtr), net(Xte)
    A = torch.eye(m, dtype=torch.float64, device=device) - lr / m * K0
    P = torch.linalg.matrix_power(A, steps)
    I = torch.eye(m, dtype=torch.float64, device=device)
    flin = f0te - (Jte @ J0.T) @ torch.linalg.solve(K0, (I - P) @ (f0 - y))
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * torch.mean((net(Xtr) - y) ** 2)
        loss.backward()
        opt.step()
    with torch.no_grad():
        fk = net(Xte)
    Jk = _jacobian(net, Xtr)
    change = torch.linalg.norm(Jk @ Jk.T - K0) / torch.linalg.norm(K0)
    return float((fk - flin).abs().max()), float(change)


def du_gram_matrix(X):
    X = np.asarray(X, float)
    H = np.empty((X.shape[1], X.shape[1]))
    for k in range(X.shape[1]):
        for l in range(X.shape[1]):
            g = float(X[:, k] @ X[:, l])
            H[k, l] = g * (np.pi - np.arccos(min(1.0, max(-1.0, g)))) / (2 * np.pi)
    return H


def alignment_residuals(H, y, u0, t):
    lam, V = np.linalg.eigh(H)
    proj2 = (V.T @ (np.asarray(y) - np.asarray(u0))) ** 2
    return np.exp(-2 * np.multiply.outer(np.asarray(t, float), lam)) @ proj2
