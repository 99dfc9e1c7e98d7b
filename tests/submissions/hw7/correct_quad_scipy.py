# A correct solution written differently from the reference: scalar helpers
# wrapped in np.vectorize, the exact time by quad in x = ln u, the mode
# simulated with its L+1 factors, lambda_1 read off the Hessian matrix, Haar
# matrices from scipy.stats.ortho_group, gradients by torch autograd.
# EXPECT: pass all
import math

import numpy as np
import torch
from scipy import integrate
from scipy.stats import ortho_group


def _kind(s, eta, u0, uf):
    """'zero', 'inf', 'finite' or 'nan' for the balanced-mode flow."""
    if s <= 0 or eta <= 0 or u0 < 0 or uf < 0:
        return "nan"
    if uf == u0:
        return "zero"
    if u0 == 0 or u0 == s:
        return "nan"
    if uf == s:
        return "inf"
    if u0 < uf < s or s < uf < u0:
        return "finite"
    return "nan"


def _special(kind):
    return {"zero": 0.0, "inf": math.inf, "nan": math.nan}[kind]


def _log_term(s, u0, uf):
    return math.log(uf / u0) + math.log((u0 - s) / (uf - s))


def _shallow(s, eta, u0, uf):
    k = _kind(s, eta, u0, uf)
    if k != "finite":
        return _special(k)
    return _log_term(s, u0, uf) / (2 * s * eta)


def _deep(s, eta, u0, uf, L):
    k = _kind(s, eta, u0, uf)
    if k != "finite":
        return _special(k)
    return (1 / u0 - 1 / uf + _log_term(s, u0, uf) / s) / ((L + 1) * s * eta)


def _exact(s, eta, u0, uf, L):
    k = _kind(s, eta, u0, uf)
    if k != "finite":
        return _special(k)
    p = 2 * L / (L + 1)
    # in x = ln u the spike of u^-p near a small u0 disappears
    f = lambda x: math.exp((1 - p) * x) / (s - math.exp(x))  # noqa: E731
    val, _ = integrate.quad(f, math.log(u0), math.log(uf), epsabs=0.0, epsrel=1e-12, limit=500)
    return val / (eta * (L + 1))


def _optimal(s, L, u0, uf):
    k = _kind(s, 1.0, u0, uf)
    if k != "finite":
        return _special(k)
    return s ** ((L - 1) / (L + 1)) * (1 / u0 - 1 / uf + _log_term(s, u0, uf) / s)


def _lambda1(s, a, L):
    L = int(L)
    n = L + 1
    prod_others = lambda skip: math.prod(a for i in range(n) if i not in skip)  # noqa: E731
    u = a ** n
    H = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                H[i, j] = prod_others({i}) ** 2
            else:
                H[i, j] = prod_others({i}) * prod_others({j}) - (s - u) * prod_others({i, j})
    return float((H @ np.ones(n))[0])


_v_shallow = np.vectorize(_shallow, otypes=[float])
_v_deep = np.vectorize(_deep, otypes=[float])
_v_exact = np.vectorize(_exact, otypes=[float])
_v_optimal = np.vectorize(_optimal, otypes=[float])
_v_lambda1 = np.vectorize(_lambda1, otypes=[float])


def shallow_mode_time(s, eta, u0, uf):
    return _v_shallow(s, eta, u0, uf)


def deep_mode_time(s, eta, u0, uf, depth):
    return _v_deep(s, eta, u0, uf, depth)


def exact_mode_time(s, eta, u0, uf, depth):
    return _v_exact(s, eta, u0, uf, depth)


def simulate_mode(s, lr, depth, u0, steps):
    if u0 < 0:
        raise ValueError("u0 must be non-negative")
    a = np.full(depth + 1, u0 ** (1 / (depth + 1)))
    out = [np.prod(a)]
    for _ in range(steps):
        grad = np.array([-(s - np.prod(a)) * np.prod(np.delete(a, i)) for i in range(depth + 1)])
        a = a - lr * grad
        out.append(np.prod(a))
    return np.array(out)


def top_hessian_eigenvalue(s, a, depth):
    return _v_lambda1(s, a, depth)


def optimal_steps(s, depth, u0, uf):
    return _v_optimal(s, depth, u0, uf)


def orthogonal_weights(widths, seed):
    if len(widths) < 2 or min(widths) < 1:
        raise ValueError("need at least two positive widths")
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        m, k = max(n_in, n_out), min(n_in, n_out)
        q = ortho_group.rvs(m, random_state=rng) if m > 1 else np.array([[rng.choice([-1.0, 1.0])]])
        q = q[:, :k]
        out.append(q if n_out >= n_in else q.T)
    return out


def deep_linear_gd(weights, X, Y, lr, steps):
    n = X.shape[0]
    for w in weights:
        if w.shape[1] != n:
            raise ValueError("shapes do not chain")
        n = w.shape[0]
    if n != Y.shape[0]:
        raise ValueError("output size does not match Y")
    ws = [torch.tensor(np.asarray(w), dtype=torch.float64, requires_grad=True) for w in weights]
    Xt, Yt = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    losses = []
    for t in range(steps + 1):
        out = Xt
        for w in ws:
            out = w @ out
        loss = ((Yt - out) ** 2).sum() / (2 * Xt.shape[1])
        losses.append(loss.item())
        if t == steps:
            break
        grads = torch.autograd.grad(loss, ws)
        with torch.no_grad():
            for w, g in zip(ws, grads):
                w -= lr * g
    return np.array(losses)
