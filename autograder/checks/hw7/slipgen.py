"""hw7's hidden helpers: the grader's own flow times and discrete dynamics of
deep linear modes with the known slips, for slip values. Check code calls them
as ``ref.slipgen.name(...)``; the student wheel leaves this file out and
replays their values on the public cases from the public fixtures
(autograder/reference.py).
"""
import warnings

import numpy as np
from scipy import integrate


def _arr(x):
    return np.asarray(x, dtype=np.float64)


def mode_log(s, u0, uf):
    with np.errstate(all="ignore"):
        return np.log(_arr(uf) * (_arr(u0) - s) / (_arr(u0) * (_arr(uf) - s)))


def power_time(s, eta, u0, uf, depth, p, factor=None):
    """int_{u0}^{uf} du / (factor * eta * u^p * (s - u)), factor = L+1 by default;
    the flow time of a slip's ODE, by quadrature (finite cases only)."""
    s, eta, u0, uf, L = np.broadcast_arrays(*(_arr(x) for x in (s, eta, u0, uf, depth)))
    P = np.broadcast_to(_arr(p), s.shape)
    F = np.broadcast_to(_arr(L + 1.0 if factor is None else factor), s.shape)
    out = np.full(s.shape, np.nan)
    for i in np.ndindex(s.shape):
        if 0 < u0[i] < uf[i] < s[i] or s[i] < uf[i] < u0[i]:
            f = lambda u, i=i: 1.0 / (F[i] * eta[i] * u ** P[i] * (s[i] - u))  # noqa: E731
            with warnings.catch_warnings():  # a slip's integral may be huge: only its value matters
                warnings.simplefilter("ignore")
                out[i] = integrate.quad(f, u0[i], uf[i], epsabs=0.0, epsrel=1e-11, limit=200)[0]
    return out if out.ndim else float(out)


def factor_variants(s, lr, depth, u0, steps, kind):
    """Known wrong versions of the discrete dynamics (2.138)."""
    k = depth + 1
    a = np.full(k, u0 ** (1.0 / k))
    u = np.float64(u0)  # a negative base gives nan, not a complex number
    out = [u0]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            if kind == "sequential":  # each factor sees the already-updated ones
                for i in range(k):
                    others = np.prod(np.delete(a, i))
                    a[i] = a[i] + lr * (s - others * a[i]) * others
                out.append(np.prod(a))
            elif kind == "euler_u":  # Euler on the flow (2.140) for u
                u = u + lr * k * u ** (2.0 * depth / k) * (s - u)
                out.append(u)
            elif kind == "u0_as_factor":  # a_l = u0, not u0^(1/(L+1))
                u = u + lr * (s - u**k) * u**depth
                out.append(u**k)
    return np.array(out)


def gd_variant(weights, X, Y, lr, steps, kind):
    """Known wrong versions of gradient descent (2.136)."""
    ws = [np.array(w, dtype=np.float64) for w in weights]
    B = X.shape[1]
    out = []
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            def forward():
                hs = [X]
                for w in ws:
                    hs.append(w @ hs[-1])
                return hs
            hs = forward()
            out.append(np.sum((hs[-1] - Y) ** 2) / (2 * B))
            if t == steps:
                break
            if kind == "sequential":  # layer l sees layers 0..l-1 already updated
                for l in range(len(ws)):
                    hs = forward()
                    g = (hs[-1] - Y) / B
                    for j in range(len(ws) - 1, l, -1):
                        g = ws[j].T @ g
                    ws[l] = ws[l] - lr * g @ hs[l].T
    return np.array(out)



def shallow_slips(s, eta, u0, uf):
    """Wrong shallow flow times (2.133): only ln(uf/u0); eta multiplying the log; 1/2*s*eta."""
    log = mode_log(s, u0, uf)
    with np.errstate(all="ignore"):
        return [np.log(_arr(uf) / u0) / (2 * _arr(s) * eta), log * _arr(eta) / (2 * _arr(s)),
                log * _arr(s) * eta / 2]


def deep_slips(s, eta, u0, uf, depth):
    """Wrong deep flow times (2.141): the log term without its 1/s; the log term missing."""
    L1 = _arr(depth) + 1.0
    with np.errstate(all="ignore"):
        inv = 1.0 / _arr(u0) - 1.0 / _arr(uf)
        return [(inv + mode_log(s, u0, uf)) / (L1 * _arr(s) * eta), inv / (L1 * _arr(s) * eta)]


def hessian_slips(s, a, depth):
    """Wrong top eigenvalues of the Hessian (2.145): the other eigenvalue, L+1 off-diagonal
    entries in the row sum, the off-diagonal entry counted once."""
    a_, L_ = _arr(a), _arr(depth)
    with np.errstate(all="ignore"):
        diag, off = a_ ** (2 * L_), 2 * a_ ** (2 * L_) - s * a_ ** (L_ - 1)
        return [diag - off, diag + (L_ + 1) * off, diag + off]


def haar_orthogonal(n, rng):
    """A Haar-distributed n x n orthogonal matrix (QR with the signs of diag(R) fixed): the
    sampler of orthogonal_weights, for the hidden cases' aligned nets (2.137)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))
