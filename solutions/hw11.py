"""hw11 reference: the landscape of deep nets (notes 3.1-3.3).

The deep rank lemma (Lemma 3, Nguyen & Hein) and where it fails, the critical
points of deep linear nets (Theorem 3, Propositions 3-4), the rescaling
symmetry of ReLU nets (3.52) and Lemma 5's constant-loss paths. Every loss is
1/2 ||Y - f(X)||_F^2 summed over the m points, as in (3.3).
"""
import math

import numpy as np
from scipy.special import erf, expit

_LEAK = 0.1


def _leaky_inverse(x):
    return np.where(x >= 0, x, x / _LEAK)


# name -> phi; all act elementwise on float64 arrays
_ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "erf": erf,
    "sigmoid": expit,
    "square": lambda z: z * z,
    "leaky_relu": lambda z: np.where(z >= 0, z, _LEAK * z),
    "asinh": np.arcsinh,
}

# the activations with phi(R) = R, strictly increasing: name -> phi^{-1}
_INVERSES = {"linear": lambda x: x, "leaky_relu": _leaky_inverse, "asinh": np.sinh}


def _activation(name):
    """phi of a named activation; ValueError if unknown."""
    if name not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(_ACTIVATIONS)}")
    return _ACTIVATIONS[name]


def _as_matrix(a, name):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array, got shape {a.shape}")
    return a


def _as_weights(weights):
    ws = [_as_matrix(w, f"W_{l}") for l, w in enumerate(weights)]
    if not ws:
        raise ValueError("weights must hold at least one matrix")
    for l in range(len(ws) - 1):
        if ws[l + 1].shape[1] != ws[l].shape[0]:
            raise ValueError(f"W_{l + 1} has {ws[l + 1].shape[1]} columns but W_{l} has "
                             f"{ws[l].shape[0]} rows")
    return ws


def _check_data(ws, X, Y):
    X = _as_matrix(X, "X")
    Y = _as_matrix(Y, "Y")
    if ws[0].shape[1] != X.shape[0] or ws[-1].shape[0] != Y.shape[0] or X.shape[1] != Y.shape[1]:
        raise ValueError(f"shapes do not chain: W_0 {ws[0].shape}, W_L {ws[-1].shape}, "
                         f"X {X.shape}, Y {Y.shape}")
    return X, Y


def _product(ws):
    """W_k ... W_j for the list ws = [W_j, ..., W_k] (identity of the right size if empty)."""
    out = None
    for w in ws:
        out = w if out is None else w @ out
    return out


def _eig_desc(X, Y):
    """Eigenvalues (descending) and eigenvectors of Y X^T (X X^T)^{-1} X Y^T, and A* = Y X^T (X X^T)^{-1}."""
    if np.linalg.matrix_rank(X) < X.shape[0]:
        raise ValueError("X must have full row rank (X X^T invertible)")
    a_star = np.linalg.solve(X @ X.T, X @ Y.T).T
    lam, u = np.linalg.eigh(a_star @ X @ Y.T)
    return lam[::-1], u[:, ::-1], a_star


def _right_inverse(w):
    return w.T @ np.linalg.inv(w @ w.T)


def _forward_lemma5(ws, X, activation):
    """H_{L+1} of the net W_0..W_L with activation phi (3.5)."""
    phi = _activation(activation)
    h = ws[0] @ X
    for w in ws[1:]:
        h = w @ phi(h)
    return h


def feature_ranks(weights: list[np.ndarray], X: np.ndarray, activation: str,
                  biases: list[np.ndarray] | None = None) -> list[int]:
    """Ranks of the hidden features X_1, ..., X_L of (3.5), optionally with biases.

    H_1 = W_0 X + b_0, X_l = phi(H_l), H_{l+1} = W_l X_l + b_l; ``weights`` are
    [W_0, ..., W_{L-1}] and the result is the list of rk X_l (NumPy's default
    SVD tolerance) as Python ints. Lemma 3 says rk X_l = m almost surely when
    phi is non-zero real analytic and n_l >= m - but polynomial phi (square,
    linear) caps the rank by polynomial_feature_dim, and odd phi without
    biases maps inputs x and -x to opposite features.
    """
    phi = _activation(activation)
    ws = _as_weights(weights)
    x = _as_matrix(X, "X")
    if ws[0].shape[1] != x.shape[0]:
        raise ValueError(f"W_0 has {ws[0].shape[1]} columns but X has {x.shape[0]} rows")
    if biases is not None and len(biases) != len(ws):
        raise ValueError(f"need one bias per weight matrix: {len(ws)} weights, {len(biases)} biases")
    ranks = []
    for l, w in enumerate(ws):
        h = w @ x
        if biases is not None:
            b = np.asarray(biases[l], dtype=np.float64).reshape(-1)
            if b.shape != (w.shape[0],):
                raise ValueError(f"b_{l} must have shape ({w.shape[0]},), got {b.shape}")
            h = h + b[:, None]
        x = phi(h)
        ranks.append(int(np.linalg.matrix_rank(x)))
    return ranks


def polynomial_feature_dim(n0: int, degree: int) -> int:
    """dim of the homogeneous polynomials of ``degree`` in n0 variables: C(n0 + degree - 1, degree).

    Without biases, square features of layer l are such polynomials of
    degree 2^l in x (linear ones of degree 1), so rk X_l can never exceed
    this number: the rank lemmas (Lemmas 1-3) need a non-polynomial phi.
    """
    if int(n0) != n0 or int(degree) != degree or n0 < 1 or degree < 0:
        raise ValueError(f"need integers n0 >= 1 and degree >= 0, got {n0}, {degree}")
    return math.comb(int(n0) + int(degree) - 1, int(degree))


def deep_linear_loss_grads(weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> tuple[float, list[np.ndarray]]:
    """Loss 1/2 ||Y - W_L...W_0 X||_F^2 of the deep linear net (3.28) and its gradients (3.29).

    grad_l = W_{l+1,+}^T grad L~(A) W_{l-1,-}^T with A = W_L...W_0 and
    grad L~(A) = (A X - Y) X^T; returns (loss, [grad_0, ..., grad_L]).
    """
    ws = _as_weights(weights)
    X, Y = _check_data(ws, X, Y)
    r = _product(ws) @ X - Y
    g = r @ X.T
    grads = []
    for l in range(len(ws)):
        left = _product(ws[l + 1:])
        right = _product(ws[:l])
        gl = g if left is None else left.T @ g
        grads.append(gl if right is None else gl @ right.T)
    return 0.5 * float(np.sum(r * r)), grads


def deep_linear_hessian(weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Exact Hessian of 1/2 ||Y - W_L...W_0 X||_F^2 in the flat order W_0.ravel(), ..., W_L.ravel().

    Second derivative of (3.28)'s loss: the Gauss-Newton part J^T J with
    J the Jacobian of vec(A X), plus for each pair of layers k < l the term
    <R X^T, W_{l+1,+} D_l W_{l-1}...W_{k+1} D_k W_{k-1,-}> (R = A X - Y) that
    (3.29) differentiated once more gives; with D_l = e_a e_b^T and
    D_k = e_c e_d^T it is (W_{l+1,+}^T R X^T W_{k-1,-}^T)_{ad} (W_{l-1}...W_{k+1})_{bc}.
    """
    ws = _as_weights(weights)
    X, Y = _check_data(ws, X, Y)
    n_layers = len(ws)
    r = _product(ws) @ X - Y
    g = r @ X.T
    eye = lambda n: np.eye(n)  # noqa: E731
    lefts = [_product(ws[l + 1:]) if l + 1 < n_layers else eye(ws[-1].shape[0]) for l in range(n_layers)]
    rights = [_product(ws[:l]) if l > 0 else eye(ws[0].shape[1]) for l in range(n_layers)]
    # d vec(A X) / d vec(W_l) = left_l (x) (right_l X)^T in row-major order
    jac = [np.kron(lefts[l], (rights[l] @ X).T) for l in range(n_layers)]
    sizes = [w.size for w in ws]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    H = np.zeros((offs[-1], offs[-1]))
    for l in range(n_layers):
        for k in range(n_layers):
            H[offs[l]:offs[l + 1], offs[k]:offs[k + 1]] = jac[l].T @ jac[k]
    for l in range(n_layers):
        for k in range(l):
            mid = _product(ws[k + 1:l]) if l > k + 1 else eye(ws[k].shape[0])
            outer = lefts[l].T @ g @ rights[k].T                    # (n_{l+1}, n_k)
            block = np.einsum("ad,bc->abcd", outer, mid).reshape(sizes[l], sizes[k])
            H[offs[l]:offs[l + 1], offs[k]:offs[k + 1]] += block
            H[offs[k]:offs[k + 1], offs[l]:offs[l + 1]] += block.T
    return H


def hessian_inertia(H: np.ndarray, tol: float = 1e-8) -> tuple[int, int, int]:
    """(n_neg, n_zero, n_pos): the inertia of the symmetric part of H with absolute tolerance tol.

    A critical point with n_neg > 0 is a strict saddle (3.45); one with
    n_neg = 0 and n_zero > 0 is degenerate: second-order information alone
    cannot tell a minimum from a non-strict saddle.
    """
    H = _as_matrix(H, "H")
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be square, got shape {H.shape}")
    lam = np.linalg.eigvalsh(0.5 * (H + H.T))
    return int(np.sum(lam < -tol)), int(np.sum(np.abs(lam) <= tol)), int(np.sum(lam > tol))


def linear_critical_point(X: np.ndarray, Y: np.ndarray, widths: list[int], subset: list[int]) -> list[np.ndarray]:
    """A critical point of the deep linear net (3.28) whose product projects onto eigenvectors of Sigma.

    Sigma = Y X^T (X X^T)^{-1} X Y^T, u_i its eigenvectors (eigenvalues
    descending), U_S = [u_i, i in subset], A* = Y X^T (X X^T)^{-1}. The
    weights W_L[:, :k] = U_S, W_l[:k, :k] = I_k (0 < l < L), W_0[:k] = U_S^T A*
    (zeros elsewhere) have product U_S U_S^T A*, and every gradient (3.29)
    vanishes because (A X - Y) X^T = (U_S U_S^T - I) Y X^T is killed by
    U_S^T on the left and by Sigma U_S = U_S Lambda_S on the right. Only the
    top min-width eigenvectors give a minimum (Theorem 3): the others are
    the saddles of Propositions 3-4.
    """
    X = _as_matrix(X, "X")
    Y = _as_matrix(Y, "Y")
    widths = [int(n) for n in widths]
    if len(widths) < 3:
        raise ValueError("widths must list n_0, at least one hidden width and n_{L+1}")
    if widths[0] != X.shape[0] or widths[-1] != Y.shape[0] or X.shape[1] != Y.shape[1]:
        raise ValueError(f"widths {widths} do not fit X {X.shape} and Y {Y.shape}")
    subset = [int(i) for i in subset]
    k = len(subset)
    if len(set(subset)) != k or any(not 0 <= i < widths[-1] for i in subset):
        raise ValueError(f"subset {subset} must hold distinct indices in [0, {widths[-1]})")
    if k > min(widths[1:-1]):
        raise ValueError(f"{k} directions do not fit through hidden width {min(widths[1:-1])}")
    _, u, a_star = _eig_desc(X, Y)
    us = u[:, subset]
    ws = [np.zeros((widths[l + 1], widths[l])) for l in range(len(widths) - 1)]
    ws[0][:k] = us.T @ a_star
    for w in ws[1:-1]:
        w[:k, :k] = np.eye(k)
    ws[-1][:, :k] = us
    return ws


def classify_linear_critical_point(X: np.ndarray, Y: np.ndarray, widths: list[int], subset: list[int],
                                   tol: float = 1e-8) -> str:
    """"global_minimum", "strict_saddle" or "non_strict_saddle" for linear_critical_point(X, Y, widths, subset).

    Global when its loss equals 1/2 (||Y||^2 - sum of the r largest
    eigenvalues), r the narrowest width; otherwise Theorem 3 says it is no
    local minimum, and the Hessian decides whether it is strict (3.45): an
    eigenvalue below -tol * max(1, max |eigenvalue|).
    """
    ws = linear_critical_point(X, Y, widths, subset)
    X = _as_matrix(X, "X")
    Y = _as_matrix(Y, "Y")
    lam, _, _ = _eig_desc(X, Y)
    r = min(widths)
    best = 0.5 * (float(np.sum(Y * Y)) - float(np.sum(lam[:r])))
    loss, _ = deep_linear_loss_grads(ws, X, Y)
    if abs(loss - best) <= 1e-9 * max(abs(best), float(np.sum(Y * Y))):
        return "global_minimum"
    ev = np.linalg.eigvalsh(deep_linear_hessian(ws, X, Y))
    if ev.min() < -tol * max(1.0, float(np.abs(ev).max())):
        return "strict_saddle"
    return "non_strict_saddle"


def rescale_layers(weights: list[np.ndarray], l: int, alpha: float) -> list[np.ndarray]:
    """(W_{l+1}/alpha, alpha W_l) in place of (W_{l+1}, W_l): the symmetry of (3.52).

    relu (and linear) are positively homogeneous, so x_{l+1} scales by alpha
    and W_{l+1} x_{l+1} is unchanged: the output, the loss and - up to the
    factors alpha and 1/alpha - the gradients are kept. Returns a new list.
    """
    ws = _as_weights(weights)
    if int(l) != l or not 0 <= l < len(ws) - 1:
        raise ValueError(f"l must be an integer in [0, {len(ws) - 1}), got {l}")
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be positive and finite, got {alpha}")
    out = [w.copy() for w in ws]
    out[l + 1] = ws[l + 1] / alpha
    out[l] = alpha * ws[l]
    return out


def relu_loss_grads(weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> tuple[float, list[np.ndarray]]:
    """Loss 1/2 ||Y - W_L relu(... relu(W_0 X))||_F^2 and its gradients by backprop (3.5)-(3.6).

    G_{L+1} = f - Y, G_l = relu'(H_l) * (W_l^T G_{l+1}) with relu'(0) = 0,
    grad_l = G_{l+1} X_l^T (X_0 = X); returns (loss, [grad_0, ..., grad_L]).
    """
    ws = _as_weights(weights)
    X, Y = _check_data(ws, X, Y)
    xs, hs = [X], []
    for w in ws[:-1]:
        hs.append(w @ xs[-1])
        xs.append(np.maximum(hs[-1], 0.0))
    r = ws[-1] @ xs[-1] - Y
    grads = [None] * len(ws)
    g = r
    for l in range(len(ws) - 1, -1, -1):
        grads[l] = g @ xs[l].T
        if l > 0:
            g = (hs[l - 1] > 0) * (ws[l].T @ g)
    return 0.5 * float(np.sum(r * r)), grads


def lemma5_first_layer(weights: list[np.ndarray], X: np.ndarray, H_target: np.ndarray, activation: str) -> np.ndarray:
    """W~_0 = h(W_{1:L}, H~) of Lemma 5 by the recursion (3.22).

    X~_l = W_l^+ H~_{l+1} with the right inverse W_l^+ = W_l^T (W_l W_l^T)^{-1},
    H~_l = phi^{-1}(X~_l), W~_0 = H~_1 X^+ with the left inverse
    X^+ = (X^T X)^{-1} X^T; then W~_0 X = H~_1 and W_l phi(H~_l) = H~_{l+1}
    (3.23), so the net outputs H~ exactly. ``weights`` = [W_1, ..., W_L].
    """
    _activation(activation)
    if activation not in _INVERSES:
        raise ValueError(f"Lemma 5 needs phi(R) = R and phi strictly monotone; {activation!r} is not "
                         f"onto R. Use one of {sorted(_INVERSES)}")
    ws = _as_weights(weights)
    X = _as_matrix(X, "X")
    H = _as_matrix(H_target, "H_target")
    if H.shape != (ws[-1].shape[0], X.shape[1]):
        raise ValueError(f"H_target must have shape {(ws[-1].shape[0], X.shape[1])}, got {H.shape}")
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError("rank X must equal m (Lemma 5, condition 2)")
    for l, w in enumerate(ws, start=1):
        if not w.shape[0] < w.shape[1] or np.linalg.matrix_rank(w) < w.shape[0]:
            raise ValueError(f"W_{l} of shape {w.shape} must have n_{l} > n_{l + 1} and full row rank")
    inv = _INVERSES[activation]
    h = H
    for w in reversed(ws):
        h = inv(_right_inverse(w) @ h)
    return h @ np.linalg.solve(X.T @ X, X.T)


def constant_loss_path(weights: list[np.ndarray], X: np.ndarray, activation: str, ts: np.ndarray) -> np.ndarray:
    """W_0(t) along a curve of constant output from W_0 to h(W_{1:L}, H_{L+1}) (Lemma 5, statement 2).

    The notes omit this proof. One curve, top-down: X_L(t) = X_L + t (I - P_L)(X~_L - X_L),
    and for l < L, X_l(t) = X_l + W_l^+ (H_{l+1}(t) - H_{l+1}) + t (I - P_l)(X~_l - X_l)
    with H_{l+1}(t) = phi^{-1}(X_{l+1}(t)) and P_l = W_l^+ W_l, keep
    W_l X_l(t) = H_{l+1}(t); finally
    W_0(t) = W_0 + (H_1(t) - H_1) X^+ - t W_0 (I - X X^+) gives W_0(t) X = H_1(t).
    At t = 1 every X_l(t) is the X~_l of (3.22), so W_0(1) = W~_0.
    """
    ws = _as_weights(weights)
    X = _as_matrix(X, "X")
    ts = np.asarray(ts, dtype=np.float64).reshape(-1)
    if len(ws) < 2:
        raise ValueError("need W_0 and at least one more layer")
    target = _forward_lemma5(ws, X, activation)
    lemma5_first_layer(ws[1:], X, target, activation)             # validates phi, shapes, ranks
    phi, inv = _ACTIVATIONS[activation], _INVERSES[activation]
    n_hidden = len(ws) - 1
    # features along the net (X_1..X_L) at the start and at the end
    hs = [ws[0] @ X]
    xs = []
    for w in ws[1:]:
        xs.append(phi(hs[-1]))
        hs.append(w @ xs[-1])
    xs_end = []
    h = target
    for w in reversed(ws[1:]):
        xs_end.insert(0, _right_inverse(w) @ h)
        h = inv(xs_end[0])
    x_pinv = np.linalg.solve(X.T @ X, X.T)
    out = np.empty((len(ts), *ws[0].shape))
    for i, t in enumerate(ts):
        h_next = hs[-1]                                           # H_{L+1}(t) = H_{L+1}
        for l in range(n_hidden, 0, -1):
            w = ws[l]
            wp = _right_inverse(w)
            proj_perp = np.eye(w.shape[1]) - wp @ w
            x_t = xs[l - 1] + wp @ (h_next - hs[l]) + t * proj_perp @ (xs_end[l - 1] - xs[l - 1])
            h_next = inv(x_t)                                     # H_l(t)
        out[i] = ws[0] + (h_next - hs[0]) @ x_pinv - t * ws[0] @ (np.eye(X.shape[0]) - X @ x_pinv)
    return out
