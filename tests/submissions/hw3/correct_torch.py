# A correct solution with torch: the Jacobian by autodiff (torch.func.jacrev) of
# the map h_1 -> h_{L+1}, Haar matrices from torch's QR with the sign fix, a
# vectorised Newton-bisection for the density.
# EXPECT: pass all
import math

import numpy as np
import torch


def mp_density(x, ratio=1.0):
    if not (0.0 < ratio <= 1.0):
        raise ValueError(f"bad ratio {ratio}")
    x = np.asarray(x, dtype=np.float64)
    a, b = (1 - ratio**0.5) ** 2, (1 + ratio**0.5) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.sqrt((b - x) * (x - a)) / (2 * np.pi * ratio * x)
    val = np.where((x > max(a, 0.0)) & (x < b), val, 0.0)
    return val if val.ndim else float(val)


def wishart_eigenvalues(n, m, seed):
    g = torch.Generator().manual_seed(int(seed))
    w = torch.randn(n, m, generator=g, dtype=torch.float64) / math.sqrt(m)
    return torch.linalg.eigvalsh(w @ w.T).numpy()


def product_wishart_curve(depth, phi):
    p = torch.as_tensor(np.asarray(phi, dtype=np.float64))
    L = depth
    lam = torch.sin((L + 1) * p) ** (L + 1) / torch.sin(p) / torch.sin(L * p) ** L
    rho = torch.sin(p) ** 2 * torch.sin(L * p) ** (L - 1) / torch.sin((L + 1) * p) ** L / math.pi
    return lam.numpy(), rho.numpy()


def product_wishart_density(x, depth):
    L = depth
    x = np.asarray(x, dtype=np.float64)
    edge = (L + 1) ** (L + 1) / L**L
    ok = (x > 0) & (x < edge)
    t = np.where(ok, x, 1.0)
    lo, hi = np.zeros_like(t), np.full_like(t, np.pi / (L + 1))
    p = 0.5 * (lo + hi)
    for _ in range(200):
        lam, _ = product_wishart_curve(L, p)
        lo = np.where(lam > t, p, lo)
        hi = np.where(lam > t, hi, p)
        # Newton step on log(lam) - log(t), kept inside the bracket
        dlog = ((L + 1) ** 2 / np.tan((L + 1) * p) - 1 / np.tan(p) - L**2 / np.tan(L * p))
        step = p - (np.log(lam) - np.log(t)) / dlog
        inside = (step > lo) & (step < hi) & np.isfinite(step)
        new = np.where(inside, step, 0.5 * (lo + hi))
        if np.all(np.abs(new - p) <= 1e-16 * np.abs(p)):
            p = new
            break
        p = new
    _, rho = product_wishart_curve(L, p)
    out = np.where(ok, rho, 0.0)
    return out if out.ndim else float(out)


def product_wishart_edge(depth):
    return float(((depth + 1) / depth) ** depth * (depth + 1))


def fuss_catalan(depth, k):
    return math.factorial((depth + 1) * k) // (math.factorial(k) * math.factorial(depth * k + 1))


def relu_orthogonal_edge(depth):
    L = int(depth)
    if L < 1:
        raise ValueError("depth")
    return 2.0 if L == 1 else float(L * (L / (L - 1)) ** (L - 1))


def _haar(n, g):
    q, r = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=torch.float64))
    return q * torch.sign(torch.diagonal(r))


def jacobian_eigenvalues(n, depth, init, activation, seed):
    acts = {"linear": (lambda h: h, 1.0), "relu": (torch.relu, 2.0)}
    if activation not in acts or init not in ("gaussian", "orthogonal"):
        raise ValueError(f"unsupported {init}/{activation}")
    phi, s2 = acts[activation]
    g = torch.Generator().manual_seed(int(seed))
    if init == "gaussian":
        Ws = [torch.randn(n, n, generator=g, dtype=torch.float64) * math.sqrt(s2 / n)
              for _ in range(depth + 1)]
    else:
        Ws = [math.sqrt(s2) * _haar(n, g) for _ in range(depth + 1)]
    x = torch.randn(n, generator=g, dtype=torch.float64)
    h1 = Ws[0] @ x

    def net(h):  # h_1 -> h_{L+1}
        for W in Ws[1:]:
            h = W @ phi(h)
        return h

    J = torch.func.jacrev(net)(h1)
    return (torch.linalg.svdvals(J) ** 2).numpy()
