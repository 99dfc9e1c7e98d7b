"""carol's hw1: half done, one syntax slip, one endless loop."""
import numpy as np


def init_variance(fan_in, fan_out, scheme):
    if scheme == "forward":
        return 1.0 / fan_in
    if scheme == "he":
        return 2.0 / fan_in
    raise NotImplementedError("the other schemes")


def init_weights(widths, scheme, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(0, np.sqrt(init_variance(a, b, scheme)), size=(b, a))
            for a, b in zip(widths[:-1], widths[1:])]


def forward_variances(weights, X, activation):
    qs = []
    h = weights[0] @ X
    while len(qs) < len(weights):
        qs.append(np.mean(h ** 2))
        # forgot to move on to the next layer: loops forever after the first
        if len(qs) == 1:
            qs = []
    return np.array(qs)


def backward_variances(weights, X, activation, G):
    raise NotImplementedError()
