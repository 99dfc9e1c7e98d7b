# A correct solution that lets torch autograd do the backward pass, in float64.
# EXPECT: pass all
import numpy as np
import torch

_V = {"forward": lambda i, o: 1.0 / i, "backward": lambda i, o: 1.0 / o,
      "glorot": lambda i, o: 2.0 / (i + o), "he": lambda i, o: 2.0 / i,
      "he_backward": lambda i, o: 2.0 / o}
_ACT = {"linear": lambda z: z, "relu": torch.relu, "tanh": torch.tanh, "erf": torch.erf}


def init_variance(fan_in, fan_out, scheme):
    try:
        return _V[scheme](fan_in, fan_out)
    except KeyError:
        raise ValueError(f"unknown scheme {scheme}") from None


def init_weights(widths, scheme, seed):
    gen = torch.Generator().manual_seed(int(seed))
    return [torch.randn(o, i, generator=gen, dtype=torch.float64) * init_variance(i, o, scheme) ** 0.5
            for i, o in zip(widths[:-1], widths[1:])]


def _forward(weights, X, activation, h1_grad=False):
    if activation not in _ACT:
        raise ValueError(activation)
    phi = _ACT[activation]
    Ws = [torch.as_tensor(np.asarray(W), dtype=torch.float64) for W in weights]
    x = torch.as_tensor(np.asarray(X), dtype=torch.float64)
    hs = [(Ws[0] @ x).requires_grad_(h1_grad)]
    for W in Ws[1:]:
        hs.append(W @ phi(hs[-1]))
    return hs


def forward_variances(weights, X, activation):
    return np.array([float((h.detach() ** 2).mean()) for h in _forward(weights, X, activation)])


def backward_variances(weights, X, activation, G):
    hs = _forward(weights, X, activation, h1_grad=True)
    Gt = torch.as_tensor(np.asarray(G), dtype=torch.float64)
    grads = torch.autograd.grad((hs[-1] * Gt).sum(), hs[:-1]) if len(hs) > 1 else ()
    return np.array([float((g ** 2).mean()) for g in grads] + [float((Gt ** 2).mean())])


def predicted_variances(widths, scheme, activation, x_norm2, delta_out):
    factor = {"linear": 1.0, "relu": 0.5}.get(activation)
    if factor is None:
        raise ValueError("linear or relu only")
    v = [init_variance(a, b, scheme) for a, b in zip(widths[:-1], widths[1:])]
    q = [v[0] * x_norm2]
    for l in range(1, len(v)):
        q.append(q[-1] * factor * widths[l] * v[l])
    d = [delta_out]
    for l in range(len(v) - 1, 0, -1):
        d.insert(0, d[0] * factor * widths[l + 1] * v[l])
    return np.array(q, dtype=float), np.array(d, dtype=float)


def simulate_variances(widths, scheme, activation, n_trials, seed):
    gen = torch.Generator().manual_seed(int(seed))
    q = np.zeros(len(widths) - 1)
    d = np.zeros(len(widths) - 1)
    for _ in range(n_trials):
        Ws = [torch.randn(o, i, generator=gen, dtype=torch.float64) * init_variance(i, o, scheme) ** 0.5
              for i, o in zip(widths[:-1], widths[1:])]
        x = torch.randn(widths[0], 1, generator=gen, dtype=torch.float64).numpy()
        g = torch.randn(widths[-1], 1, generator=gen, dtype=torch.float64).numpy()
        Wn = [W.numpy() for W in Ws]
        q += forward_variances(Wn, x, activation)
        d += backward_variances(Wn, x, activation, g)
    return q / n_trials, d / n_trials
