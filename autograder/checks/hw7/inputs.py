"""Fixed inputs of hw7's deep_linear_gd cases: weights and whitened data from fixed seeds."""
import math

import numpy as np


def gaussian_weights(widths, seed):
    """W_l with iid N(0, 1 / width_l) entries, for the layer widths ``widths``."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((b, a)) / math.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


def whitened_inputs(n, batch, seed):
    """An n x batch matrix X with X X^T / batch = I (whitened inputs, as in (2.136))."""
    q = np.linalg.qr(np.random.default_rng(seed).standard_normal((batch, n)))[0]
    return math.sqrt(batch) * q.T

