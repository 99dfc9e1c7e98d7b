"""hw11's hidden helpers: the grader's own feature ranks, monomial counts, gradients,
Hessians, inertias, critical points, rescalings and Lemma 5 inverses with the known
slips, for slip values.
Check code calls them as ``ref.slipgen.name(...)``; the student wheel leaves
this file out and replays their values on the public cases from the public
fixtures (autograder/reference.py).
"""
import math

import numpy as np

from autograder.checks.hw11.theory import ACTIVATIONS, layer_product


def ranks_of(ws, X, act, biases=None, pre=False, tol=None):
    """Ranks of hidden features by the grader's forward pass (slips: pre-activations, no tolerance)."""
    ranks, x = [], X
    for l, w in enumerate(ws):
        h = w @ x + (0.0 if biases is None else np.asarray(biases[l])[:, None])
        x = ACTIVATIONS[act](h)
        m = h if pre else x
        if tol is None:
            ranks.append(int(np.linalg.matrix_rank(m)))
        else:
            ranks.append(int(np.sum(np.linalg.svd(m, compute_uv=False) > tol)))
    return ranks


def polynomial_dim_slips(n0, d):
    """The monomial counts of the slips: C(n0 + d, d) (degree <= d), n0^d (ordered products),
    n0 (n0 + 1)/2 (the degree-2 count whatever d)."""
    return [float(math.comb(n0 + d, d)), float(n0 ** d), float(n0 * (n0 + 1) // 2)]


def inertia_slips(H, tol):
    """(n_neg, n_zero, n_pos) under the slips: eigenvalues of H itself, a tolerance relative to
    the largest eigenvalue, no tolerance."""
    ev = np.linalg.eigvals(H).real
    evs = np.linalg.eigvalsh(0.5 * (H + H.T))
    scale = max(1.0, float(np.abs(evs).max()))
    return [[int(np.sum(ev < -tol)), int(np.sum(np.abs(ev) <= tol)), int(np.sum(ev > tol))],
            [int(np.sum(evs < -tol * scale)), int(np.sum(np.abs(evs) <= tol * scale)),
             int(np.sum(evs > tol * scale))],
            [int(np.sum(evs < 0)), int(np.sum(evs == 0)), int(np.sum(evs > 0))]]


def linear_grads_untransposed(ws, X, Y):
    g = (layer_product(ws) @ X - Y) @ X.T
    out = []
    for l in range(len(ws)):
        left = layer_product(ws[l + 1:]) if l + 1 < len(ws) else np.eye(g.shape[0])
        right = layer_product(ws[:l]) if l > 0 else np.eye(g.shape[1])
        if left.shape[1] != g.shape[0] or g.shape[1] != right.shape[0]:
            return None
        out.append(left @ g @ right)
    return out


def gauss_newton(ws, X):
    """J^T J with J the Jacobian of vec(A X): the Hessian without its second-order term."""
    def prod(part, n):
        return layer_product(part) if part else np.eye(n)
    cols = []
    for l, w in enumerate(ws):
        left, right = prod(ws[l + 1:], w.shape[0]), prod(ws[:l], w.shape[1]) @ X
        for i in range(w.size):
            d = np.zeros(w.size)
            d[i] = 1.0
            cols.append((left @ d.reshape(w.shape) @ right).ravel())
    J = np.array(cols).T
    return J.T @ J


def critical_product_slips(X, Y, subset):
    """(max |A*|, the products W_L ... W_0 of the slips): eigenvalues in ascending order,
    A* = Y X^T without (X X^T)^{-1} (with the eigenvectors of Y X^T X Y^T, and with those of
    Sigma), eigenvectors of Y Y^T."""
    a_star = np.linalg.solve(X @ X.T, X @ Y.T).T
    u_asc = np.linalg.eigh(a_star @ X @ Y.T)[1]
    u_nox = np.linalg.eigh(Y @ X.T @ X @ Y.T)[1][:, ::-1]
    u_yy = np.linalg.eigh(Y @ Y.T)[1][:, ::-1]

    def proj(u):
        return u[:, subset] @ u[:, subset].T
    return (float(np.abs(a_star).max()),
            [proj(u_asc) @ a_star, proj(u_nox) @ Y @ X.T, proj(u_asc[:, ::-1]) @ Y @ X.T, proj(u_yy) @ a_star])


def rescale_slips(ws, l, alpha):
    """The layers under the slips of (3.52): alpha and 1/alpha swapped; layers l - 1 and l
    rescaled instead of l and l + 1 (unchanged when l = 0)."""
    swapped = [w.copy() for w in ws]
    swapped[l + 1], swapped[l] = ws[l + 1] * alpha, ws[l] / alpha
    shifted = [w.copy() for w in ws]
    if l > 0:
        shifted[l], shifted[l - 1] = ws[l] / alpha, ws[l - 1] * alpha
    return [swapped, shifted]


def relu_slips(ws, X, Y):
    """Gradients with relu'(0) = 1 and with H_l in place of X_l (grader's own backprop, for hints)."""
    def run(step_at_zero, use_pre):
        xs, hs = [X], []
        for w in ws[:-1]:
            hs.append(w @ xs[-1])
            xs.append(np.maximum(hs[-1], 0.0))
        g, out = ws[-1] @ xs[-1] - Y, [None] * len(ws)
        for l in range(len(ws) - 1, -1, -1):
            out[l] = g @ ((hs[l - 1] if use_pre and l > 0 else xs[l]).T)
            if l > 0:
                mask = (hs[l - 1] >= 0) if step_at_zero else (hs[l - 1] > 0)
                g = mask * (ws[l].T @ g)
        return out
    return run(True, False), run(False, True)


def lemma5_slips(ws, X, H, act):
    inv = {"linear": lambda x: x, "leaky_relu": lambda x: np.where(x >= 0, x, x / 0.1), "asinh": np.sinh}[act]
    def run(winv, xinv, phi_inv):
        h = H
        for w in reversed(ws):
            h = phi_inv(winv(w) @ h)
        return h @ xinv
    good_w = lambda w: w.T @ np.linalg.inv(w @ w.T)  # noqa: E731
    xpinv = np.linalg.solve(X.T @ X, X.T)
    # X^+ without (X^T X)^{-1}; W_l^+ without (W_l W_l^T)^{-1}; phi where phi^{-1} belongs
    return [run(good_w, X.T, inv), run(lambda w: w.T, xpinv, inv), run(good_w, xpinv, ACTIVATIONS[act])]

