"""hw1's hidden helpers: the grader's own forward and backward passes with known
slips, the grader's net (He-scaled weights, what init_weights(widths, "he", seed)
returns) and the value of init_variance's "mean, not harmonic form" slip. Check code calls them as ``ref.slipgen.name(...)``; the student wheel
leaves this file out and replays their values on the public cases from the
public fixtures (autograder/reference.py).
"""
import numpy as np


def phi(h, act):
    from scipy.special import erf
    return {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
            "erf": erf}[act](h)


def dphi(h, act):
    return {"linear": lambda z: np.ones_like(z), "relu": lambda z: (z > 0) * 1.0,
            "tanh": lambda z: 1 - np.tanh(z) ** 2,
            "erf": lambda z: 2 / np.sqrt(np.pi) * np.exp(-z * z)}[act](h)


def wrong_forward(Ws, X, act, kind):
    h, out = Ws[0] @ X, []
    for l, W in enumerate(Ws):
        if l:
            h = W @ phi(h, act)
        if kind == "post":
            out.append(np.mean(phi(h, act) ** 2))
        elif kind == "sum":
            out.append(np.sum(h * h) / h.shape[0])
    return np.array(out)


def backward_post(Ws, X, act, G):
    """D_l taken at the post-activations x_l = phi(h_l) instead of h_l."""
    hs = [Ws[0] @ X]
    for W in Ws[1:]:
        hs.append(W @ phi(hs[-1], act))
    g, out = G, [np.mean(G * G)]
    for l in range(len(Ws) - 1, 0, -1):
        g = dphi(phi(hs[l - 1], act), act) * (Ws[l].T @ g)
        out.append(np.mean(g * g))
    return np.array(out[::-1])



def grader_weights(widths, seed):
    """He-scaled Gaussian weights W_l of shape (n_{l+1}, n_l): the grader's own net (the
    reference's init_weights(widths, "he", seed), draw for draw)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(0, np.sqrt(2.0 / a), size=(b, a)) for a, b in zip(widths[:-1], widths[1:])]


def glorot_arithmetic_mean(fan_in, fan_out):
    """(1/fan_in + 1/fan_out) / 2: Glorot's variance with the mean of 1/fan_in and 1/fan_out
    in place of the harmonic form 2/(fan_in + fan_out) (2.14)."""
    return (1 / fan_in + 1 / fan_out) / 2
