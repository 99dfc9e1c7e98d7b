# Takes the escape direction as the eigenvector of the largest eigenvalue of
# H(0) (eigh sorts them ascending; vec[:, -1] is the positive-curvature one).
# EXPECT: fail escape_steps
# EXPECT: pass gradient, hessian, gd, lipschitz_constant, predicted_escape_steps
# EXPECT: hint "largest eigenvalue"
import math

import numpy as np
import torch
from scipy.optimize import minimize

torch.set_default_dtype(torch.float64)


def _loss(name):
    if name == "quartic":
        return lambda x, y: x ** 2 / 2 + y ** 4 / 4 - y ** 2 / 2
    if name == "factorization":
        return lambda x, y: (1 - x * y) ** 2 / 2
    if name == "monkey":
        return lambda x, y: x ** 3 - 3 * x * y ** 2
    raise ValueError(name)


def _f(name):
    f = _loss(name)
    return lambda t: f(t[..., 0], t[..., 1])


def gradient(name, theta):
    g = torch.func.grad(_f(name))(torch.as_tensor(np.asarray(theta, dtype=float)))
    return g.numpy()


def hessian(name, theta):
    H = torch.func.hessian(_f(name))(torch.as_tensor(np.asarray(theta, dtype=float)))
    return H.numpy()


def classify_critical_point(H, tol=1e-8):
    lam = np.sort(np.linalg.eigvals(np.asarray(H, dtype=float)).real)
    if (lam > tol).all():
        return "minimum"
    if (lam < -tol).all():
        return "maximum"
    return "strict_saddle" if lam.min() < -tol else "degenerate"


def _batch_grad(name, th):
    th = th.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(_f(name)(th).sum(), th)
    return g


def gd(name, theta0, lr, steps):
    _loss(name)
    th = torch.as_tensor(np.asarray(theta0, dtype=float)).reshape(1, 2)
    out = [th[0].clone()]
    for _ in range(steps):
        th = th - lr * _batch_grad(name, th)
        out.append(th[0].detach().clone())
    return torch.stack(out).numpy()


def lipschitz_constant(name, radius):
    f = _f(name)
    H = torch.func.vmap(torch.func.hessian(f))

    def norms(pts):
        return np.abs(np.linalg.eigvalsh(H(torch.as_tensor(pts)).numpy())).max(axis=-1)

    if radius == 0:
        return float(norms(np.zeros((1, 2)))[0])
    g = np.linspace(-radius, radius, 81)
    pts = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    vals = norms(pts)
    best = float(vals.max())
    for i in np.argsort(vals)[-3:]:
        res = minimize(lambda p: -norms(p.reshape(1, 2))[0], pts[i], method="L-BFGS-B",
                       bounds=[(-radius, radius)] * 2)
        best = max(best, float(-res.fun))
    return best


def saddle_attraction_rate(name, lr, n_inits, radius, steps, seed):
    _loss(name)
    gen = torch.Generator().manual_seed(seed)
    th = (torch.rand(n_inits, 2, generator=gen) * 2 - 1) * radius
    for _ in range(steps):
        th = (th - lr * _batch_grad(name, th)).detach()
    near = torch.linalg.vector_norm(th, dim=1) < 1e-3
    return near.double().mean().item()


def _escape(name):
    """The escape direction from eigh of H(0) (and |lambda_min| for the rate)."""
    lam, vec = np.linalg.eigh(hessian(name, np.zeros(2)))
    return vec[:, -1], abs(lam[0])


_ESCAPE = {"quartic": _escape("quartic"), "factorization": _escape("factorization")}


def escape_steps(name, theta0, lr, threshold, max_steps=100000):
    if name not in _ESCAPE:
        _loss(name)
        raise ValueError("the saddle of %s is not strict" % name)
    v, _ = _ESCAPE[name]
    chunk, start = 256, np.asarray(theta0, dtype=float)
    done = 0
    while done <= max_steps:
        n = min(chunk, max_steps - done)
        traj = gd(name, start, lr, n)
        comp = np.abs(traj @ v)
        hit = np.nonzero(comp >= threshold)[0]
        if hit.size:
            return done + hit[0]  # np.int64
        if n == 0 or not np.all(np.isfinite(traj[-1])):
            break
        done, start = done + n, traj[-1]
        if np.array_equal(traj[-1], traj[-2]):
            break
    raise RuntimeError("no escape")


def predicted_escape_steps(name, dist0, lr, threshold):
    if name not in _ESCAPE:
        _loss(name)
        raise ValueError("the saddle of %s is not strict" % name)
    if dist0 >= threshold:
        return 0
    return np.ceil(np.log(threshold / dist0) / np.log1p(lr * _ESCAPE[name][1]))  # a float64 count
