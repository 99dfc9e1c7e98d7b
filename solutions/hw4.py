"""hw4 reference: wide nets have no bad local minima (Yu & Chen; notes 3.1-3.2).

Every loss here is 1/2 ||.||_F^2 summed over the m training points, as in
(3.3)-(3.4); the 1/(2m) printed in the line after (3.4) is a typo.
"""
import numpy as np
from scipy.special import erf, expit

_ERF_SLOPE = 2.0 / np.sqrt(np.pi)


def _sigmoid_prime(z):
    s = expit(z)
    return s * (1.0 - s)


# name -> (phi, phi'); all act elementwise on float64 arrays
_ACTIVATIONS = {
    "linear": (lambda z: z, np.ones_like),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "erf": (erf, lambda z: _ERF_SLOPE * np.exp(-z * z)),
    "sigmoid": (expit, _sigmoid_prime),
    "square": (lambda z: z * z, lambda z: 2.0 * z),
}


def _activation(name):
    """The pair (phi, phi') of a named activation; ValueError if unknown."""
    if name not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(_ACTIVATIONS)}")
    return _ACTIVATIONS[name]


def _as_matrix(a, name):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array, got shape {a.shape}")
    return a


def _half_sq(r):
    """1/2 ||r||_F^2, the loss of (3.3)."""
    return 0.5 * float(np.sum(r * r))


def _check_steps(lr, steps):
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be positive, got {lr}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps}")


def _least_squares_loss(X, Y):
    """min_A 1/2 ||Y - A X||_F^2 over all matrices A, via the row space of X."""
    # Y minus its projection on the row space of X; the projector comes from
    # an SVD with NumPy's rank tolerance, as in numerical_rank.
    u, s, vt = np.linalg.svd(X, full_matrices=False)
    tol = s.max(initial=0.0) * max(X.shape) * np.finfo(np.float64).eps
    v = vt[s > tol]
    return _half_sq(Y - (Y @ v.T) @ v)


def hidden_features(W0: np.ndarray, X: np.ndarray, activation: str) -> np.ndarray:
    """The hidden features X_1 = phi(W_0 X) of the two-layer net (3.2)-(3.3).

    W0 has shape (n1, n0), X has shape (n0, m) (columns are inputs); the
    result has shape (n1, m). Its rank decides whether the output layer alone
    can fit any targets (the argument after (3.4) and Lemma 1).
    """
    phi, _ = _activation(activation)
    return phi(_as_matrix(W0, "W0") @ _as_matrix(X, "X"))


def numerical_rank(A: np.ndarray) -> int:
    """rk A by SVD with NumPy's default tolerance sigma_max * max(shape) * eps.

    The rank condition rk X_1 = m of Lemma 1 (notes 3.1), as a Python int.
    """
    return int(np.linalg.matrix_rank(np.asarray(A, dtype=np.float64)))


def full_rank_probability(n0: int, n1: int, m: int, activation: str, n_trials: int, seed: int) -> float:
    """Fraction of draws with rk phi(W_0 X) = m (Lemma 1, notes 3.1).

    Each trial draws X of shape (n0, m) with iid N(0, 1) entries and W0 of
    shape (n1, n0) with iid N(0, 1/n0) entries. Lemma 1 says the fraction is
    1 for non-zero analytic phi when n1 >= m; it is 0 whenever the features
    live in a space of dimension < m (n1 < m; "linear" with n0 < m;
    "square" with n0 (n0 + 1) / 2 < m).
    """
    phi, _ = _activation(activation)
    if min(n0, n1, m) < 1 or n_trials < 1:
        raise ValueError("n0, n1, m and n_trials must be positive")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_trials, n0, m))
    W0 = rng.standard_normal((n_trials, n1, n0)) / np.sqrt(n0)
    ranks = np.linalg.matrix_rank(phi(W0 @ X))   # batched SVDs, default tol
    return float(np.mean(ranks == m))


def output_layer_optimum(X1: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float]:
    """Minimum-norm minimiser of L(W_1) = 1/2 ||Y - W_1 X_1||_F^2 (3.4), and its loss.

    X1 has shape (n1, m), Y shape (n2, m); returns (W1, loss) with W1 of
    shape (n2, n1): W1 = Y X1^+ (Moore-Penrose pseudo-inverse). The loss is
    0 exactly when rk X1 = m, the first step of the proof after (3.4).
    """
    X1 = _as_matrix(X1, "X1")
    Y = _as_matrix(Y, "Y")
    if X1.shape[1] != Y.shape[1]:
        raise ValueError(f"X1 and Y must have the same number of columns, got {X1.shape} and {Y.shape}")
    # min-norm least squares for W1 X1 = Y, i.e. X1^T W1^T = Y^T
    W1 = np.linalg.lstsq(X1.T, Y.T, rcond=None)[0].T
    return W1, _half_sq(Y - W1 @ X1)


def train_two_layer(X: np.ndarray, Y: np.ndarray, n1: int, activation: str, lr: float, steps: int,
                    seed: int) -> np.ndarray:
    """Losses 1/2 ||Y - W_1 phi(W_0 X)||_F^2 (3.3) of full-batch GD on both layers.

    Starts from W0 ~ N(0, 1/n0) of shape (n1, n0) and W1 ~ N(0, 1/n1) of
    shape (n2, n1); each step updates both layers at once with the gradients
    of (3.6)-(3.8): E = W1 X1 - Y, dL/dW1 = E X1^T,
    dL/dW0 = (phi'(H1) * (W1^T E)) X^T. Returns the steps + 1 losses,
    before the first step and after each one.
    """
    phi, dphi = _activation(activation)
    X = _as_matrix(X, "X")
    Y = _as_matrix(Y, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got {X.shape} and {Y.shape}")
    _check_steps(lr, steps)
    n0, n2 = X.shape[0], Y.shape[0]
    rng = np.random.default_rng(seed)
    W0 = rng.standard_normal((n1, n0)) / np.sqrt(n0)
    W1 = rng.standard_normal((n2, n1)) / np.sqrt(n1)
    losses = np.empty(steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            H1 = W0 @ X
            X1 = phi(H1)
            E = W1 @ X1 - Y                      # G_2 of (3.7)
            losses[k] = _half_sq(E)
            if k == steps:
                break
            G1 = dphi(H1) * (W1.T @ E)           # (3.6)
            W1, W0 = W1 - lr * (E @ X1.T), W0 - lr * (G1 @ X.T)   # (3.8)
    return losses


def deep_linear_gap(widths: list[int], X: np.ndarray, Y: np.ndarray, lr: float, steps: int, seed: int) -> float:
    """Final loss of GD on the deep linear net (3.28) minus the least-squares optimum.

    widths = [n0, ..., n_{L+1}]; W_l ~ N(0, 1/n_l) of shape (n_{l+1}, n_l).
    After `steps` full-batch GD steps on L(W_{0:L}) = 1/2 ||Y - W_L...W_0 X||_F^2
    (gradients (3.29)), returns L minus min_A 1/2 ||Y - A X||_F^2 over all
    n_{L+1} x n_0 matrices A. Laurent & Brecht (Theorem 2) say every local
    minimum is global without a bottleneck (min widths = min(n0, n_{L+1})),
    so the gap tends to 0 then.
    """
    X = _as_matrix(X, "X")
    Y = _as_matrix(Y, "Y")
    widths = [int(n) for n in widths]
    if len(widths) < 2 or min(widths) < 1:
        raise ValueError(f"widths must list at least two positive widths, got {widths}")
    if widths[0] != X.shape[0] or widths[-1] != Y.shape[0] or X.shape[1] != Y.shape[1]:
        raise ValueError(f"widths {widths} do not match X {X.shape} and Y {Y.shape}")
    _check_steps(lr, steps)
    rng = np.random.default_rng(seed)
    Ws = [rng.standard_normal((widths[l + 1], widths[l])) / np.sqrt(widths[l])
          for l in range(len(widths) - 1)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            # forward products F_l = W_{l-1} ... W_0 X (F_0 = X)
            F = [X]
            for W in Ws:
                F.append(W @ F[-1])
            B = F[-1] - Y                          # dL/d(output)
            grads = [None] * len(Ws)
            for l in range(len(Ws) - 1, -1, -1):   # backward: B <- W_l^T B
                grads[l] = B @ F[l].T
                B = Ws[l].T @ B
            Ws = [W - lr * g for W, g in zip(Ws, grads)]
        out = X
        for W in Ws:
            out = W @ out
        final = _half_sq(Y - out)
    return final - _least_squares_loss(X, Y)
