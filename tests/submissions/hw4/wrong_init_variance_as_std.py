# Draws the initial weights with the variance 1/n passed where NumPy's
# normal(loc, scale) expects the standard deviation: W ~ N(0, 1/n^2).
# EXPECT: fail train_two_layer
# EXPECT: pass hidden_features, numerical_rank, full_rank_probability, output_layer_optimum, deep_linear_gap
# EXPECT: hint "standard deviation 1/n instead of 1/sqrt(n)"
import numpy as np
import scipy.linalg
from scipy.special import erf


def _phi_and_derivative(name):
    if name == "linear":
        return (lambda z: z), (lambda z: np.ones_like(z))
    if name == "relu":
        return (lambda z: np.where(z > 0, z, 0.0)), (lambda z: np.where(z > 0, 1.0, 0.0))
    if name == "tanh":
        return np.tanh, (lambda z: 1.0 / np.cosh(z) ** 2)
    if name == "erf":
        return erf, (lambda z: 2.0 / np.sqrt(np.pi) * np.exp(-z ** 2))
    if name == "sigmoid":
        sig = lambda z: 0.5 * (1.0 + np.tanh(z / 2.0))  # noqa: E731
        return sig, (lambda z: sig(z) * sig(-z))
    if name == "square":
        return (lambda z: z ** 2), (lambda z: 2.0 * z)
    raise ValueError("unknown activation: " + repr(name))


def hidden_features(W0, X, activation):
    phi, _ = _phi_and_derivative(activation)
    return phi(np.dot(W0, X))


def numerical_rank(A):
    return int(np.linalg.matrix_rank(A))


def full_rank_probability(n0, n1, m, activation, n_trials, seed):
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(n_trials):
        X = rng.normal(0.0, 1.0, size=(n0, m))
        W0 = rng.normal(0.0, np.sqrt(1.0 / n0), size=(n1, n0))
        if numerical_rank(hidden_features(W0, X, activation)) == m:
            count += 1
    return float(count) / n_trials


def output_layer_optimum(X1, Y):
    sol = scipy.linalg.lstsq(np.transpose(X1), np.transpose(Y), lapack_driver="gelsd")[0]
    W1 = np.transpose(sol)
    loss = 0.0
    for i in range(Y.shape[1]):
        r = Y[:, i] - W1 @ X1[:, i]
        loss += 0.5 * float(r @ r)
    return (W1, loss)


def train_two_layer(X, Y, n1, activation, lr, steps, seed):
    phi, dphi = _phi_and_derivative(activation)
    rng = np.random.default_rng(seed)
    n0, n2 = X.shape[0], Y.shape[0]
    W0 = rng.normal(0.0, 1.0 / n0, size=(n1, n0))   # N(0, 1/n0)
    W1 = rng.normal(0.0, 1.0 / n1, size=(n2, n1))   # N(0, 1/n1)
    losses = []
    for step in range(steps + 1):
        H = W0 @ X
        F = phi(H)
        E = W1 @ F - Y
        losses.append(0.5 * np.sum(E ** 2))
        if step < steps:
            grad1 = E @ F.T
            grad0 = (dphi(H) * (W1.T @ E)) @ X.T
            W0 = W0 - lr * grad0
            W1 = W1 - lr * grad1
    return np.array(losses, dtype=np.float64)


def _prod(mats, n):
    out = np.eye(n)
    for M in mats:
        out = M @ out
    return out


def deep_linear_gap(widths, X, Y, lr, steps, seed):
    if len(widths) < 2 or widths[0] != X.shape[0] or widths[-1] != Y.shape[0]:
        raise ValueError("widths must start with X's rows and end with Y's rows")
    rng = np.random.default_rng(seed)
    Ws = [rng.standard_normal((widths[l + 1], widths[l])) / np.sqrt(widths[l]) for l in range(len(widths) - 1)]
    for _ in range(steps):
        A = _prod(Ws, widths[0])
        G = (A @ X - Y) @ X.T                         # grad of L~ at A
        new = []
        for l in range(len(Ws)):
            left = _prod(Ws[l + 1:], widths[l + 1])   # W_L ... W_{l+1}
            right = _prod(Ws[:l], widths[0])          # W_{l-1} ... W_0
            new.append(Ws[l] - lr * (left.T @ G @ right.T))
        Ws = new
    final = 0.5 * np.sum((Y - _prod(Ws, widths[0]) @ X) ** 2)
    A_ls = np.linalg.lstsq(X.T, Y.T, rcond=None)[0].T
    return float(final - 0.5 * np.sum((Y - A_ls @ X) ** 2))
