"""hw1 - Preserving the variance: LeCun, Glorot and He initialisation (notes 2.1.1-2.1.2).

Network of (2.1)-(2.2): h_1 = W_0 x, x_l = phi(h_l), h_{l+1} = W_l x_l,
weights W_l of shape (n_{l+1}, n_l), no biases. A batch X has shape
(n_0, batch), one input per column.
"""
import numpy as np
from scipy.special import erf

_SCHEMES = ("forward", "backward", "glorot", "he", "he_backward")


def _phi(h, activation):
    if activation == "linear":
        return h
    if activation == "relu":
        return np.maximum(h, 0.0)
    if activation == "tanh":
        return np.tanh(h)
    if activation == "erf":
        return erf(h)
    raise ValueError(f"unknown activation {activation!r}")


def _dphi(h, activation):
    if activation == "linear":
        return np.ones_like(h)
    if activation == "relu":
        return (h > 0).astype(np.float64)
    if activation == "tanh":
        return 1.0 - np.tanh(h) ** 2
    if activation == "erf":
        return 2.0 / np.sqrt(np.pi) * np.exp(-h * h)
    raise ValueError(f"unknown activation {activation!r}")


def _preactivations(weights, X, activation):
    """[h_1, ..., h_{L+1}] for the batch X."""
    hs = [weights[0] @ X]
    for W in weights[1:]:
        hs.append(W @ _phi(hs[-1], activation))
    return hs


def init_variance(fan_in: int, fan_out: int, scheme: str) -> float:
    """The weight variance v_l of an initialisation scheme.

    "forward" 1/fan_in keeps the forward pass (2.11); "backward" 1/fan_out
    keeps the backward pass (2.12); "glorot" 2/(fan_in + fan_out) is their
    compromise (2.14); "he" 2/fan_in is the ReLU forward condition (2.16) and
    "he_backward" 2/fan_out its backward twin (2.17)-(2.18).
    """
    if fan_in <= 0 or fan_out <= 0:
        raise ValueError("fan_in and fan_out must be positive")
    if scheme == "forward":
        return 1.0 / fan_in
    if scheme == "backward":
        return 1.0 / fan_out
    if scheme == "glorot":
        return 2.0 / (fan_in + fan_out)
    if scheme == "he":
        return 2.0 / fan_in
    if scheme == "he_backward":
        return 2.0 / fan_out
    raise ValueError(f"unknown scheme {scheme!r}; expected one of {_SCHEMES}")


def init_weights(widths: list[int], scheme: str, seed: int) -> list[np.ndarray]:
    """L+1 iid Gaussian weight matrices W_l ~ N(0, v_l), shape (n_{l+1}, n_l)."""
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        std = np.sqrt(init_variance(n_in, n_out, scheme))
        out.append(rng.normal(0.0, std, size=(n_out, n_in)))
    return out


def forward_variances(weights: list[np.ndarray], X: np.ndarray, activation: str) -> np.ndarray:
    """q_l = batch mean of ||h_l||^2 / n_l for l = 1..L+1 (the quantity of (2.8))."""
    X = np.asarray(X, dtype=np.float64)
    return np.array([np.mean(h * h) for h in _preactivations(weights, X, activation)])


def backward_variances(weights: list[np.ndarray], X: np.ndarray, activation: str, G: np.ndarray) -> np.ndarray:
    """delta_l = batch mean of ||g_l||^2 / n_l for l = 1..L+1.

    g_{L+1} = G and g_l = D_l W_l^T g_{l+1} with D_l = diag(phi'(h_l)), the
    backward recursion (2.4).
    """
    X = np.asarray(X, dtype=np.float64)
    hs = _preactivations(weights, X, activation)
    g = np.asarray(G, dtype=np.float64)
    deltas = [np.mean(g * g)]
    for l in range(len(weights) - 1, 0, -1):  # g_l from g_{l+1}, l = L..1
        g = _dphi(hs[l - 1], activation) * (weights[l].T @ g)
        deltas.append(np.mean(g * g))
    return np.array(deltas[::-1])


def predicted_variances(widths: list[int], scheme: str, activation: str, x_norm2: float,
                        delta_out: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean-field predictions (q, delta), each of length L+1.

    q_1 = v_0 ||x||^2; q_{l+1} = n_l v_l q_l (linear, (2.11)) or n_l v_l q_l / 2
    (ReLU, (2.15)-(2.16)); delta_{L+1} = delta_out, delta_l = n_{l+1} v_l
    delta_{l+1} (linear, (2.12)-(2.13)) or with a factor 1/2 (ReLU,
    (2.17)-(2.18)).
    """
    if activation not in ("linear", "relu"):
        raise ValueError(f"mean-field predictions are for 'linear' and 'relu', not {activation!r}")
    gain = 1.0 if activation == "linear" else 0.5
    n = list(widths)
    v = [init_variance(a, b, scheme) for a, b in zip(n[:-1], n[1:])]
    q = [v[0] * x_norm2]
    for l in range(1, len(v)):
        q.append(gain * n[l] * v[l] * q[-1])
    delta = [float(delta_out)]
    for l in range(len(v) - 1, 0, -1):
        delta.append(gain * n[l + 1] * v[l] * delta[-1])
    return np.array(q, dtype=np.float64), np.array(delta[::-1], dtype=np.float64)


def simulate_variances(widths: list[int], scheme: str, activation: str, n_trials: int,
                       seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Averages over n_trials draws of (weights, x ~ N(0, I), g_{L+1} ~ N(0, I)) of q_l and delta_l."""
    rng = np.random.default_rng(seed)
    q = np.zeros(len(widths) - 1)
    d = np.zeros(len(widths) - 1)
    for _ in range(n_trials):
        weights = init_weights(widths, scheme, rng.integers(2**63))
        x = rng.standard_normal((widths[0], 1))
        g = rng.standard_normal((widths[-1], 1))
        q += forward_variances(weights, x, activation)
        d += backward_variances(weights, x, activation, g)
    return q / n_trials, d / n_trials
