# A correct solution written another way, in NumPy only: gradients as explicit
# outer-product matrices per input pair, O_3 and O_4 by the product rule with
# the Hessian and third-derivative tensors of each neuron, Isserlis over all
# permutations divided by 2^k k!, the cycles of a Feynman diagram by walking
# them, angles by atan2, and the descent drawn from np.random.default_rng.
# EXPECT: pass all
import itertools
import math

import numpy as np


def _act(name):
    if name == "tanh":
        return np.tanh, lambda h: 1.0 / np.cosh(h) ** 2
    if name == "relu":
        return (lambda h: np.where(h > 0, h, 0.0)), (lambda h: np.where(h > 0, 1.0, 0.0))
    if name == "linear":
        return (lambda h: h), (lambda h: np.ones_like(h))
    raise ValueError("unknown activation " + repr(name))


def _grads(Ws, x, act, s2):
    """d f / d V_l for one input, V_l = sqrt(s2/n_l) W_l, as matrices."""
    phi, dphi = _act(act)
    xs, hs = [x], []
    for W in Ws[:-1]:
        h = math.sqrt(s2 / W.shape[1]) * W.dot(xs[-1])
        hs.append(h)
        xs.append(phi(h))
    grads = [None] * len(Ws)
    B = np.ones(1)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = np.outer(B, xs[l])
        if l > 0:
            W = Ws[l]
            B = dphi(hs[l - 1]) * (math.sqrt(s2 / W.shape[1]) * W.T.dot(B))
    return grads


def layer_kernels(weights, X1, X2, parameterisation, activation="tanh", sigma_w2=1.0):
    if parameterisation not in ("standard", "ntk"):
        raise ValueError("parameterisation must be 'standard' or 'ntk'")
    _act(activation)
    Ws = [np.array(W, dtype=float) for W in weights]
    X1, X2 = np.array(X1, dtype=float), np.array(X2, dtype=float)
    G1 = [_grads(Ws, X1[:, i], activation, sigma_w2) for i in range(X1.shape[1])]
    G2 = [_grads(Ws, X2[:, j], activation, sigma_w2) for j in range(X2.shape[1])]
    out = np.zeros((len(Ws), X1.shape[1], X2.shape[1]))
    for l in range(len(Ws)):
        factor = sigma_w2 / Ws[l].shape[1] if parameterisation == "ntk" else 1.0
        for i in range(X1.shape[1]):
            for j in range(X2.shape[1]):
                out[l, i, j] = factor * np.sum(G1[i][l] * G2[j][l])
    return out


def kernel_width_sweep(X, widths, depth, parameterisation, n_seeds, seed, activation="tanh",
                       sigma_w2=1.0, device="cpu"):
    if parameterisation not in ("standard", "ntk"):
        raise ValueError("parameterisation must be 'standard' or 'ntk'")
    if device != "cpu":
        raise RuntimeError("this solution runs on the CPU only")
    rng = np.random.default_rng(seed)
    X = np.array(X, dtype=float)
    res = np.zeros((len(widths), n_seeds, X.shape[1], X.shape[1]))
    for a, n in enumerate(widths):
        sizes = [X.shape[0]] + [int(n)] * depth + [1]
        for b in range(n_seeds):
            Ws = [rng.normal(size=(sizes[k + 1], sizes[k])) for k in range(len(sizes) - 1)]
            res[a, b] = layer_kernels(Ws, X, X, parameterisation, activation, sigma_w2).sum(axis=0)
    return res


def fit_power_law(x, y):
    x, y = list(map(float, x)), list(map(float, y))
    if len(x) != len(y) or len(x) < 3 or min(x) <= 0 or min(y) <= 0:
        raise ValueError("need >= 3 positive points")
    lx, ly = [math.log(v) for v in x], [math.log(v) for v in y]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    sxy = sum((a - mx) * (b - my) for a, b in zip(lx, ly))
    slope = sxy / sxx
    rss = sum((b - my - slope * (a - mx)) ** 2 for a, b in zip(lx, ly))
    return slope, math.sqrt(rss / (len(x) - 2) / sxx)


def _neuron_pieces(weights, X, activation):
    if activation not in ("tanh", "linear"):
        raise ValueError("activation must be 'tanh' or 'linear'")
    W0 = np.array(weights[0], dtype=float)
    a = np.array(weights[1], dtype=float).ravel()
    X = np.array(X, dtype=float)
    n, n0 = W0.shape
    U = X / math.sqrt(n0)
    s = W0.dot(U)
    if activation == "tanh":
        t = np.tanh(s)
        d = [t, 1 - t**2, -2 * t * (1 - t**2), (-2 + 6 * t**2) * (1 - t**2)]
    else:
        d = [s, np.ones_like(s), np.zeros_like(s), np.zeros_like(s)]
    m = X.shape[1]
    p = n0 + 1
    # per neuron, parameters (a_i, w_i): v_k = grad t_1(x_k), H_k its Hessian, T_k[v] its third derivative along v
    v = np.zeros((m, n, p))
    H = np.zeros((m, n, p, p))
    for k in range(m):
        v[k, :, 0] = d[0][:, k]
        v[k, :, 1:] = (a * d[1][:, k])[:, None] * U[:, k]
        H[k, :, 0, 1:] = d[1][:, k][:, None] * U[:, k]
        H[k, :, 1:, 0] = H[k, :, 0, 1:]
        H[k, :, 1:, 1:] = (a * d[2][:, k])[:, None, None] * np.outer(U[:, k], U[:, k])
    C = U.T.dot(U)

    def third(k, l):
        """d/de H_k(theta + e v_l), per neuron."""
        T = np.zeros((n, p, p))
        dw = a * d[1][:, l] * C[l, k]                 # (w-part of v_l) . u_k
        T[:, 0, 1:] = (d[2][:, k] * dw)[:, None] * U[:, k]
        T[:, 1:, 0] = T[:, 0, 1:]
        T[:, 1:, 1:] = (d[0][:, l] * d[2][:, k] + a * d[3][:, k] * dw)[:, None, None] * np.outer(U[:, k], U[:, k])
        return T

    return n, m, a, d, v, H, third


def _quad(x, M, y):
    return np.einsum("np,npq,nq->n", x, M, y)


def _o3(P, i, j, k):
    n, m, a, d, v, H, third = P
    return np.sum(_quad(v[k], H[i], v[j]) + _quad(v[i], H[j], v[k])) / n**1.5


def _o4(P, i, j, k, l):
    """D_l of v_k^T H_i v_j + v_i^T H_j v_k, by the product rule (D_l v_k = H_k v_l)."""
    n, m, a, d, v, H, third = P
    Hv = lambda r, q: np.einsum("npq,nq->np", H[r], v[q])
    tot = (np.sum(Hv(k, l) * Hv(i, j)) + np.sum(_quad(v[k], third(i, l), v[j])) + np.sum(Hv(i, k) * Hv(j, l))
           + np.sum(Hv(i, l) * Hv(j, k)) + np.sum(_quad(v[i], third(j, l), v[k])) + np.sum(Hv(j, i) * Hv(k, l)))
    return tot / n**2


def tangent_tensors(weights, X, activation="tanh"):
    P = _neuron_pieces(weights, X, activation)
    n, m, a, d, v, H, third = P
    f = np.array([np.sum(a * d[0][:, k]) for k in range(m)]) / math.sqrt(n)
    th = np.zeros((m, m))
    o3 = np.zeros((m, m, m))
    o4 = np.zeros((m, m, m, m))
    for i in range(m):
        for j in range(m):
            th[i, j] = np.sum(v[i] * v[j]) / n
            for k in range(m):
                o3[i, j, k] = _o3(P, i, j, k)
                for l in range(m):
                    o4[i, j, k, l] = _o4(P, i, j, k, l)
    return f, th, o3, o4


def ntk_time_derivative(weights, X, y, lr=1.0, activation="tanh"):
    f, th, o3, o4 = tangent_tensors(weights, X, activation)
    m = len(f)
    out = np.zeros((m, m))
    for i in range(m):
        for j in range(m):
            out[i, j] = lr / m * sum((y[k] - f[k]) * o3[i, j, k] for k in range(m))
    return out


def correction_sweep(X, y, widths, n_seeds, seed, activation="tanh", lr=1.0, device="cpu"):
    if activation not in ("tanh", "linear"):
        raise ValueError("activation must be 'tanh' or 'linear'")
    if device != "cpu":
        raise RuntimeError("this solution runs on the CPU only")
    X = np.array(X, dtype=float)
    rng = np.random.default_rng(seed)
    out = np.zeros((len(widths), n_seeds, 3))
    for a, n in enumerate(widths):
        for b in range(n_seeds):
            Ws = [rng.normal(size=(int(n), X.shape[0])), rng.normal(size=(1, int(n)))]
            P = _neuron_pieces(Ws, X, activation)
            m = X.shape[1]
            f = [np.sum(P[2] * P[3][0][:, k]) / math.sqrt(n) for k in range(m)]
            o3 = [_o3(P, 0, 0, k) for k in range(m)]
            out[a, b, 0] = lr / m * sum((y[k] - f[k]) * o3[k] for k in range(m))
            out[a, b, 1] = o3[0]
            out[a, b, 2] = _o4(P, 0, 0, 0, 0)
    return out


def _check_cov(cov, indices):
    cov = np.array(cov, dtype=float)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or np.max(np.abs(cov - cov.T)) > 1e-12 * np.max(np.abs(cov)):
        raise ValueError("cov must be symmetric")
    for i in indices:
        if not 0 <= i < cov.shape[0]:
            raise ValueError("index out of range")
    return cov


def isserlis_moment(cov, indices):
    cov = _check_cov(cov, indices)
    k = len(indices)
    if k % 2:
        return 0.0
    total = 0.0
    for perm in itertools.permutations(range(k)):
        prod = 1.0
        for r in range(0, k, 2):
            prod *= cov[indices[perm[r]], indices[perm[r + 1]]]
        total += prod
    return total / (2 ** (k // 2) * math.factorial(k // 2))


def monte_carlo_moment(cov, indices, n_samples, seed):
    cov = _check_cov(cov, indices)
    if n_samples < 2:
        raise ValueError("need at least 2 samples")
    L = np.linalg.cholesky(cov)
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n_samples, cov.shape[0])).dot(L.T)
    prod = np.ones(n_samples)
    for i in indices:
        prod = prod * z[:, i]
    return float(prod.mean()), float(prod.std(ddof=1) / math.sqrt(n_samples))


def _all_pairings(m):
    seen = set()
    for perm in itertools.permutations(range(m)):
        p = tuple(sorted(tuple(sorted(perm[r:r + 2])) for r in range(0, m, 2)))
        seen.add(p)
    return sorted(seen)


def linear_net_correlation(X, n):
    X = np.array(X, dtype=float)
    m = X.shape[1]
    if m % 2:
        return 0.0
    G = X.T.dot(X)
    total = 0.0
    for pa in _all_pairings(m):
        amate = {}
        for i, j in pa:
            amate[i], amate[j] = j, i
        for pw in _all_pairings(m):
            wmate = {}
            for i, j in pw:
                wmate[i], wmate[j] = j, i
            seen, cycles = set(), 0
            for start in range(m):
                if start in seen:
                    continue
                cycles += 1
                v, use_a = start, True
                while True:
                    seen.add(v)
                    v = amate[v] if use_a else wmate[v]
                    use_a = not use_a
                    if v == start and use_a:
                        break
            prod = 1.0
            for i, j in pw:
                prod *= G[i, j]
            total += n ** (cycles - m / 2) * prod
    return total


def gram_infinity(X):
    X = np.array(X, dtype=float)
    m = X.shape[1]
    H = np.zeros((m, m))
    for k in range(m):
        for l in range(m):
            nk, nl = np.linalg.norm(X[:, k]), np.linalg.norm(X[:, l])
            if nk == 0 or nl == 0:
                raise ValueError("zero column")
            dot = X[:, k].dot(X[:, l])
            cross = math.sqrt(max(nk * nk * nl * nl - dot * dot, 0.0))
            angle = math.atan2(cross, dot)
            H[k, l] = dot * (math.pi - angle) / (2 * math.pi)
    return H


def label_complexity(X, y):
    y = np.array(y, dtype=float)
    return float(y.dot(np.linalg.inv(gram_infinity(X))).dot(y))


def train_two_layer_relu(X, y, width, lr, steps, seed, device="cpu"):
    if device != "cpu":
        raise RuntimeError("this solution runs on the CPU only")
    X, y = np.array(X, dtype=float), np.array(y, dtype=float)
    rng = np.random.default_rng(seed)
    a = rng.choice([-1.0, 1.0], size=width)
    W = rng.normal(size=(width, X.shape[0]))
    W0 = W.copy()
    us, moves, lams = [], [], []
    for t in range(steps + 1):
        pre = W.dot(X)
        on = (pre > 0).astype(float)
        u = a.dot(pre * on) / math.sqrt(width)
        H = on.T.dot(on) / width * X.T.dot(X)
        us.append(u)
        moves.append(np.sqrt(((W - W0) ** 2).sum(axis=1)).max())
        lams.append(np.linalg.eigvalsh(H).min())
        if t < steps:
            r = y - u
            W = W + lr / math.sqrt(width) * (a[:, None] * (on * r).dot(X.T))
    return np.array(us), np.array(moves), np.array(lams)
