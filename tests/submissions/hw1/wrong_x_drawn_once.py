# Draws the input x and the output gradient g once per call, outside the
# trial loop: each call averages over the weights only, conditional on one x.
# EXPECT: fail simulate_variances
# EXPECT: pass init_variance, init_weights, forward_variances, backward_variances, predicted_variances
# EXPECT: hint "afresh in every trial"
import math

import numpy as np
from scipy import special


def init_variance(fan_in, fan_out, scheme):
    table = {
        "forward": lambda a, b: 1 / a,
        "backward": lambda a, b: 1 / b,
        "glorot": lambda a, b: 2 / (a + b),
        "he": lambda a, b: 2 / a,
        "he_backward": lambda a, b: 2 / b,
    }
    if scheme not in table:
        raise ValueError("bad scheme " + str(scheme))
    return float(table[scheme](fan_in, fan_out))


def init_weights(widths, scheme, seed):
    rng = np.random.default_rng(seed)
    Ws = []
    for l in range(len(widths) - 1):
        v = init_variance(widths[l], widths[l + 1], scheme)
        Ws.append(math.sqrt(v) * rng.standard_normal((widths[l + 1], widths[l])))
    return tuple(Ws)


def act(z, name):
    if name == "linear":
        return z.copy()
    if name == "relu":
        return z * (z > 0)
    if name == "tanh":
        return np.tanh(z)
    if name == "erf":
        return special.erf(z)
    raise ValueError(name)


def dact(z, name):
    if name == "linear":
        return np.ones(z.shape)
    if name == "relu":
        return np.where(z > 0, 1.0, 0.0)
    if name == "tanh":
        return 1 / np.cosh(z) ** 2
    if name == "erf":
        return 2 * np.exp(-z ** 2) / math.sqrt(math.pi)
    raise ValueError(name)


def forward_variances(weights, X, activation):
    out = []
    h = None
    for l, W in enumerate(weights):
        h = W @ (X if l == 0 else act(h, activation))
        out.append(np.sum(h ** 2, axis=0).mean() / h.shape[0])
    return np.array(out)


def backward_variances(weights, X, activation, G):
    hs = []
    h = None
    for l, W in enumerate(weights):
        h = W @ (X if l == 0 else act(h, activation))
        hs.append(h)
    g = G
    out = [np.sum(g ** 2, axis=0).mean() / g.shape[0]]
    for l in reversed(range(1, len(weights))):
        g = dact(hs[l - 1], activation) * (weights[l].T @ g)
        out.insert(0, np.sum(g ** 2, axis=0).mean() / g.shape[0])
    return np.array(out)


def predicted_variances(widths, scheme, activation, x_norm2, delta_out):
    if activation == "linear":
        c = 1.0
    elif activation == "relu":
        c = 0.5
    else:
        raise ValueError("only linear and relu")
    L1 = len(widths) - 1
    v = [init_variance(widths[l], widths[l + 1], scheme) for l in range(L1)]
    q = np.empty(L1)
    q[0] = v[0] * x_norm2
    for l in range(1, L1):
        q[l] = c * widths[l] * v[l] * q[l - 1]
    d = np.empty(L1)
    d[-1] = delta_out
    for l in range(L1 - 2, -1, -1):
        d[l] = c * widths[l + 2] * v[l + 1] * d[l + 1]
    return q, d


def simulate_variances(widths, scheme, activation, n_trials, seed):
    rng = np.random.default_rng([seed, 12345])
    qs, ds = [], []
    g = rng.standard_normal((widths[-1], 1))
    x = rng.standard_normal((widths[0], 1))
    for _ in range(n_trials):
        Ws = [np.sqrt(init_variance(a, b, scheme)) * rng.standard_normal((b, a))
              for a, b in zip(widths[:-1], widths[1:])]
        qs.append(forward_variances(Ws, x, activation))
        ds.append(backward_variances(Ws, x, activation, g))
    return np.mean(qs, axis=0), np.mean(ds, axis=0)
