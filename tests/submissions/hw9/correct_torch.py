# A correct solution written another way, with torch autodiff of the whole net:
# layer kernels from torch.autograd gradients per layer, O_3 and O_4 by nested
# autograd on the flattened parameter vector, Isserlis by the recursion on the
# first index, the cycles of a Feynman diagram from the permutation
# sigma_a sigma_w, scipy's linregress and Cholesky solve, and other orders of
# draws (W_1 before W_0, a before W).
# EXPECT: pass all
import contextlib
import math

import numpy as np
import torch

_ACTIVATIONS = ("linear", "relu", "tanh")
_SMOOTH = ("linear", "tanh")
_PARAMETERISATIONS = ("standard", "ntk")
_MC_CHUNK = 2**20          # samples per block of monte_carlo_moment (memory, not accuracy)


def _check_activation(activation, allowed=_ACTIVATIONS):
    if activation not in allowed:
        raise ValueError(f"activation must be one of {allowed}, got {activation!r}")
    return activation


def _check_positive_int(value, name):
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def _torch_device(device):
    """torch.device for "cpu" or "cuda"; a clear error when CUDA is asked but absent."""
    name = str(device)
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"device={name!r} was asked for, but torch.cuda.is_available() is False on this "
                "machine; pass device='cpu' or run on a machine with a CUDA build of torch")
        return torch.device(name)
    raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")


@contextlib.contextmanager
def _one_thread(device):
    """The CPU problems here are small: OpenMP start-up and contention for shared cores cost
    far more than a second thread gains (50x slower on a loaded 2-core machine)."""
    if device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _phi(activation):
    return {"linear": lambda h: h, "relu": torch.relu, "tanh": torch.tanh}[activation]


def _dphi(activation):
    """phi' written with differentiable torch operations (autograd goes through it)."""
    return {"linear": torch.ones_like,
            "relu": lambda h: (h > 0).to(h.dtype),
            "tanh": lambda h: 1.0 - torch.tanh(h) ** 2}[activation]


def _kernels_torch(Ws, X1, X2, ntk, activation, sigma_w2):
    """Stack of the layer kernels Theta_l(X1, X2), l = 0..L, (5.35)-(5.36):
    (x_l^T x_l')(B_{l+1}^T B_{l+1}') with B_{L+1} = 1, B_l = D_l V_l^T B_{l+1} (5.28),
    V_l = sigma_w/sqrt(n_l) W_l; times sigma_w^2/n_l in NTK parameterisation."""
    phi, dphi = _phi(activation), _dphi(activation)

    def passes(X):
        xs, hs = [X], []
        for W in Ws[:-1]:
            hs.append(math.sqrt(sigma_w2 / W.shape[1]) * (W @ xs[-1]))
            xs.append(phi(hs[-1]))
        B = torch.ones((1, X.shape[1]), dtype=X.dtype, device=X.device)
        Bs = [B]                                    # B_{L+1}, B_L, ..., B_1
        for W, h in zip(Ws[:0:-1], hs[::-1]):
            B = dphi(h) * (math.sqrt(sigma_w2 / W.shape[1]) * (W.T @ B))
            Bs.append(B)
        return xs, Bs[::-1]                         # Bs[l] = B_{l+1}

    xs1, Bs1 = passes(X1)
    xs2, Bs2 = (xs1, Bs1) if X2 is X1 else passes(X2)
    out = []
    for l, W in enumerate(Ws):
        k = (xs1[l].T @ xs2[l]) * (Bs1[l].T @ Bs2[l])
        out.append(k * (sigma_w2 / W.shape[1]) if ntk else k)
    return torch.stack(out)


def _as_weights(weights, device=torch.device("cpu")):
    Ws = [torch.as_tensor(np.asarray(W, dtype=np.float64), device=device) for W in weights]
    if len(Ws) < 2 or any(W.ndim != 2 for W in Ws):
        raise ValueError("weights must be a list [W_0, ..., W_L] of at least two 2-d arrays")
    for a, b in zip(Ws[:-1], Ws[1:]):
        if b.shape[1] != a.shape[0]:
            raise ValueError(f"weight shapes {tuple(a.shape)} and {tuple(b.shape)} do not chain")
    if Ws[-1].shape[0] != 1:
        raise ValueError(f"the net has a scalar output: W_L must have one row, got {tuple(Ws[-1].shape)}")
    return Ws


def _directional(F, a, s, C, k, activation):
    """D_k F = grad_theta F . grad_theta t_1(x_k), neuron by neuron: with s_j = w^T x_j/sqrt(n_0),
    grad t_1(x_k) = (phi(s_k), a phi'(s_k) x_k/sqrt(n_0)), so
    D_k F = dF/da phi(s_k) + a phi'(s_k) sum_j dF/ds_j C_jk, C = X^T X / n_0."""
    ga, gs = torch.autograd.grad(F.sum(), (a, s), create_graph=True, allow_unused=True)
    sk = s[..., k]
    out = torch.zeros_like(F)
    if ga is not None:
        out = out + ga * _phi(activation)(sk)
    if gs is not None:
        out = out + a * _dphi(activation)(sk) * (gs @ C[:, k])
    return out


def _neuron_terms(W0, a, X, activation, order, wanted=None):
    """Per-neuron terms t_s(x_{i_1}, ..., x_{i_s}) of the two-layer net f = n^{-1/2} sum_i t_1,i,
    O_s = n^{-s/2} sum_i t_s,i, by t_{s+1} = D_{i_{s+1}} t_s (5.62); a dict from index tuples.
    W0 has shape (..., n, n_0), a shape (..., n): leading axes are independent nets."""
    n0, m = X.shape
    C = (X.T @ X) / n0
    s = (W0 @ X) / math.sqrt(n0)
    a = a.detach().requires_grad_(True)
    s = s.detach().requires_grad_(True)
    terms = {(k,): a * _phi(activation)(s[..., k]) for k in range(m)}
    layer = list(terms)
    for _ in range(order - 1):
        nxt = []
        for idx in layer:
            for k in range(m):
                key = idx + (k,)
                if wanted is not None and not any(w[:len(key)] == key for w in wanted):
                    continue
                terms[key] = _directional(terms[idx], a, s, C, k, activation)
                nxt.append(key)
        layer = nxt
    return terms


def _two_layer(weights, X):
    Ws = _as_weights(weights)
    if len(Ws) != 2:
        raise ValueError(f"a two-layer net has weights [W_0, W_1], got {len(Ws)} matrices")
    Xt = torch.as_tensor(np.asarray(X, dtype=np.float64))
    if Xt.ndim != 2 or Xt.shape[0] != Ws[0].shape[1]:
        raise ValueError(f"X must have shape (n_0, m) with n_0 = {Ws[0].shape[1]}, got {tuple(Xt.shape)}")
    return Ws[0], Ws[1][0], Xt


def _pairings(items):
    """All perfect matchings of the list `items` (lists of pairs); none for an odd length."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for j in range(len(rest)):
        for tail in _pairings(rest[:j] + rest[j + 1:]):
            yield [(first, rest[j])] + tail


def _cycles(pa, pw, m):
    """Number of cycles of the graph on m vertices whose edges are the pairs of pa and pw."""
    parent = list(range(m))

    def root(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for i, j in pa + pw:
        parent[root(i)] = root(j)
    return len({root(v) for v in range(m)})


def _relu_gram(X):
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=0)
    if np.any(norms == 0):
        raise ValueError("every column of X must be nonzero (the angle to it is undefined)")
    G = X.T @ X
    U = X / norms
    # angle = 2 atan2(|u - v|, |u + v|) for unit u, v: accurate at 0 and pi, where arccos of a
    # rounded cosine loses half the digits (1e-8 instead of 1e-16)
    diff = np.linalg.norm(U[:, :, None] - U[:, None, :], axis=0)
    summ = np.linalg.norm(U[:, :, None] + U[:, None, :], axis=0)
    return G * (np.pi - 2.0 * np.arctan2(diff, summ)) / (2.0 * np.pi)


def _descend(W, W0, a, X, y, G, width, lr, steps, us, moves, lams):
    """The Euler steps of (5.111), recording u, max_i ||w_i - w_i(0)|| and lambda_min(H) (5.146)."""
    for t in range(steps + 1):
        pre = W @ X
        on = (pre > 0).to(torch.float64)
        u = a @ (pre * on) / math.sqrt(width)
        us.append(u)
        moves.append(torch.linalg.vector_norm(W - W0, dim=1).max())
        lams.append(torch.linalg.eigvalsh((on.T @ on) / width * G)[0])
        if t < steps:
            W = W + lr / math.sqrt(width) * a[:, None] * ((on * (y - u)) @ X.T)


def layer_kernels(weights, X1, X2, parameterisation, activation="tanh", sigma_w2=1.0):
    if parameterisation not in _PARAMETERISATIONS:
        raise ValueError(f"unknown parameterisation {parameterisation!r}")
    phi = _phi(_check_activation(activation))
    Ws = _as_weights(weights)
    ntk = parameterisation == "ntk"
    scales = [math.sqrt(sigma_w2 / W.shape[1]) for W in Ws]
    params = [(W if ntk else s * W).clone().requires_grad_(True) for W, s in zip(Ws, scales)]

    def grads(X):
        X = torch.as_tensor(np.asarray(X, dtype=np.float64))
        out = []
        for k in range(X.shape[1]):
            h = X[:, k]
            for l, P in enumerate(params):
                h = (scales[l] if ntk else 1.0) * (P @ (h if l == 0 else phi(h)))
            out.append([g.detach().reshape(-1) for g in torch.autograd.grad(h.sum(), params)])
        return out

    g1, g2 = grads(X1), grads(X2)
    res = np.zeros((len(Ws), len(g1), len(g2)))
    for l in range(len(Ws)):
        for i, a in enumerate(g1):
            for j, b in enumerate(g2):
                res[l, i, j] = float(a[l] @ b[l])
    return res


def kernel_width_sweep(X, widths, depth, parameterisation, n_seeds, seed, activation="tanh",
                       sigma_w2=1.0, device="cpu"):
    """The empirical NTK Theta-hat(X, X) (the sum of layer_kernels over l) of n_seeds independent
    nets for each width in `widths` (all `depth` hidden layers of that width, standard-normal
    weights drawn from torch.Generator(device).manual_seed(seed)): an array of shape
    (len(widths), n_seeds, m, m). Standard parameterisation: the mean grows like the width (5.37);
    NTK parameterisation: it converges, and its spread shrinks like width^{-1/2}."""
    if parameterisation not in _PARAMETERISATIONS:
        raise ValueError(f"parameterisation must be one of {_PARAMETERISATIONS}, got {parameterisation!r}")
    _check_activation(activation)
    depth = _check_positive_int(depth, "depth")
    n_seeds = _check_positive_int(n_seeds, "n_seeds")
    widths = [_check_positive_int(w, "width") for w in np.ravel(widths)]
    dev = _torch_device(device)
    Xt = torch.as_tensor(np.asarray(X, dtype=np.float64), device=dev)
    gen = torch.Generator(device=dev).manual_seed(int(seed))
    out = np.empty((len(widths), n_seeds, Xt.shape[1], Xt.shape[1]))
    with _one_thread(dev):
        for i, n in enumerate(widths):
            sizes = [Xt.shape[0]] + [n] * depth + [1]
            for j in range(n_seeds):
                Ws = [torch.randn(b, a, generator=gen, dtype=torch.float64, device=dev)
                      for a, b in zip(sizes[:-1], sizes[1:])]
                K = _kernels_torch(Ws, Xt, Xt, parameterisation == "ntk", activation, sigma_w2)
                out[i, j] = K.sum(0).cpu().numpy()
    return out


def fit_power_law(x, y):
    from scipy.stats import linregress
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.size < 3 or (x <= 0).any() or (y <= 0).any():
        raise ValueError("need >= 3 pairs of positive numbers")
    r = linregress(np.log(x), np.log(y))
    return float(r.slope), float(r.stderr)


def tangent_tensors(weights, X, activation="tanh"):
    _check_activation(activation, _SMOOTH)
    W0, a, Xt = _two_layer(weights, X)
    n, n0 = W0.shape
    m = Xt.shape[1]
    theta = torch.cat([W0.reshape(-1), a]).clone().requires_grad_(True)
    phi = _phi(activation)

    def f(k):
        w, out = theta[:n * n0].reshape(n, n0), theta[n * n0:]
        return out @ phi(w @ Xt[:, k] / math.sqrt(n0)) / math.sqrt(n)

    grad = [torch.autograd.grad(f(k), theta, create_graph=True)[0] for k in range(m)]
    fv = np.array([float(f(k).detach()) for k in range(m)])
    th, o3, o4 = np.zeros((m, m)), np.zeros((m, m, m)), np.zeros((m, m, m, m))
    for i in range(m):
        for j in range(m):
            t2 = grad[i] @ grad[j]
            th[i, j] = float(t2.detach())
            g2 = torch.autograd.grad(t2, theta, create_graph=True)[0]
            for k in range(m):
                t3 = g2 @ grad[k]
                o3[i, j, k] = float(t3.detach())
                g3 = torch.autograd.grad(t3, theta, create_graph=True)[0]
                for l in range(m):
                    o4[i, j, k, l] = float((g3 @ grad[l]).detach())
    return fv, th, o3, o4


def ntk_time_derivative(weights, X, y, lr=1.0, activation="tanh"):
    """d Theta_t(x_i, x_j)/dt at t = 0 for gradient flow theta' = -lr grad (1/2m) sum_k (y_k - f(x_k))^2
    on the training set (X, y) of m points: (5.57) with E_{x,y} the mean over the set, i.e. (5.68)
    (lr/m) sum_k (y_k - f(x_k)) O_3(x_i, x_j, x_k); shape (m, m)."""
    f, _, O3, _ = tangent_tensors(weights, X, activation)
    r = np.asarray(y, dtype=np.float64).ravel() - f
    if r.size != f.size:
        raise ValueError(f"y must have one entry per column of X ({f.size}), got {r.size}")
    return lr / f.size * (O3 @ r)


def correction_sweep(X, y, widths, n_seeds, seed, activation="tanh", lr=1.0, device="cpu"):
    """For each width n and n_seeds two-layer nets (standard-normal weights from
    torch.Generator(device).manual_seed(seed)), the row
    [dTheta/dt(x_1, x_1) at t = 0 (ntk_time_derivative on (X, y)), O_3(x_1, x_1, x_1), O_4(x_1, x_1, x_1, x_1)]:
    shape (len(widths), n_seeds, 3). Per neuron the terms are iid, so n E dTheta/dt, n E O_4 and
    n^2 E O_3^2 do not depend on n: the 1/n of (5.64)-(5.66) exactly (Conjecture 1 for deeper nets)."""
    _check_activation(activation, _SMOOTH)
    n_seeds = _check_positive_int(n_seeds, "n_seeds")
    widths = [_check_positive_int(w, "width") for w in np.ravel(widths)]
    dev = _torch_device(device)
    Xt = torch.as_tensor(np.asarray(X, dtype=np.float64), device=dev)
    yt = torch.as_tensor(np.asarray(y, dtype=np.float64), device=dev).ravel()
    n0, m = Xt.shape
    if yt.numel() != m:
        raise ValueError(f"y must have one entry per column of X ({m}), got {yt.numel()}")
    gen = torch.Generator(device=dev).manual_seed(int(seed))
    wanted = [(0, 0, k) for k in range(m)] + [(0, 0, 0, 0)]
    out = np.empty((len(widths), n_seeds, 3))
    with _one_thread(dev):
        for i, n in enumerate(widths):
            a = torch.randn(n_seeds, n, generator=gen, dtype=torch.float64, device=dev)
            W0 = torch.randn(n_seeds, n, n0, generator=gen, dtype=torch.float64, device=dev)
            terms = _neuron_terms(W0, a, Xt, activation, 4, wanted)
            f = torch.stack([terms[(k,)].sum(-1) for k in range(m)], -1) / math.sqrt(n)
            o3 = torch.stack([terms[(0, 0, k)].sum(-1) for k in range(m)], -1) / n**1.5
            dtheta = lr / m * ((yt - f) * o3).sum(-1)
            o4 = terms[(0, 0, 0, 0)].sum(-1) / n**2
            out[i] = torch.stack([dtheta, o3[:, 0], o4], -1).detach().cpu().numpy()
    return out


def isserlis_moment(cov, indices):
    c = np.asarray(cov, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or not np.allclose(c, c.T):
        raise ValueError("cov must be a symmetric square matrix")
    idx = tuple(int(i) for i in indices)
    if any(i < 0 or i >= c.shape[0] for i in idx):
        raise ValueError("index out of range")

    def rec(rest):
        if not rest:
            return 1.0
        if len(rest) % 2:
            return 0.0
        return sum(c[rest[0], rest[j]] * rec(rest[1:j] + rest[j + 1:]) for j in range(1, len(rest)))

    return float(rec(idx))


def monte_carlo_moment(cov, indices, n_samples, seed):
    c = np.asarray(cov, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or not np.allclose(c, c.T):
        raise ValueError("cov must be a symmetric square matrix")
    if any(int(i) < 0 or int(i) >= c.shape[0] for i in indices):
        raise ValueError("index out of range")
    if n_samples < 2:
        raise ValueError("n_samples must be >= 2")
    z = np.random.default_rng(seed).multivariate_normal(np.zeros(c.shape[0]), c, size=int(n_samples))
    p = np.prod(z[:, list(indices)], axis=1)
    return float(np.mean(p)), float(np.std(p, ddof=1) / math.sqrt(n_samples))


def linear_net_correlation(X, n):
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    if m % 2:
        return 0.0
    G = X.T @ X
    P = list(_pairings(list(range(m))))

    def involution(p):
        s = [0] * m
        for i, j in p:
            s[i], s[j] = j, i
        return s

    total = 0.0
    for pa in P:
        sa = involution(pa)
        for pw in P:
            sw = involution(pw)
            seen, cyc = [False] * m, 0
            for v in range(m):
                if not seen[v]:
                    cyc += 1
                    while not seen[v]:
                        seen[v] = True
                        v = sa[sw[v]]
            # each cycle of the diagram is two cycles of sigma_a sigma_w
            total += n ** (cyc / 2 - m / 2) * math.prod(G[i, j] for i, j in pw)
    return float(total)


def gram_infinity(X):
    X = np.asarray(X, dtype=np.float64)
    norms = np.sqrt(np.sum(X * X, axis=0))
    if (norms == 0).any():
        raise ValueError("zero column")
    G = X.T @ X
    return G * (1.0 - np.arccos(np.clip(G / np.outer(norms, norms), -1, 1)) / np.pi) / 2.0


def label_complexity(X, y):
    import scipy.linalg
    y = np.asarray(y, dtype=np.float64)
    return float(y @ scipy.linalg.cho_solve(scipy.linalg.cho_factor(gram_infinity(X)), y))


def train_two_layer_relu(X, y, width, lr, steps, seed, device="cpu"):
    """Gradient descent (5.111) on the input weights of f(x) = n^{-1/2} sum_i a_i [w_i^T x]_+ (5.110):
    w_i <- w_i + lr n^{-1/2} sum_k (y_k - u_k) a_i [w_i^T x_k > 0] x_k, with w_i(0) ~ N(0, I_{n_0}),
    a_i uniform on {-1, 1} and fixed, drawn from torch.Generator(device).manual_seed(seed).
    Returns (u, max_move, lam_min), each recorded before every step and after the last
    (steps + 1 rows): u[t] = f(x_k) on the training points (shape (steps+1, m)),
    max_move[t] = max_i ||w_i(t) - w_i(0)|| and lam_min[t] = lambda_min(H(t)) of (5.146)."""
    width = _check_positive_int(width, "width")
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    dev = _torch_device(device)
    Xt = torch.as_tensor(np.asarray(X, dtype=np.float64), device=dev)
    yt = torch.as_tensor(np.asarray(y, dtype=np.float64), device=dev).ravel()
    if Xt.ndim != 2 or yt.numel() != Xt.shape[1]:
        raise ValueError("X must have shape (n_0, m) and y shape (m,)")
    gen = torch.Generator(device=dev).manual_seed(int(seed))
    a = torch.where(torch.rand(width, generator=gen, dtype=torch.float64, device=dev) < 0.5, -1.0, 1.0).to(torch.float64)
    W = torch.randn(width, Xt.shape[0], generator=gen, dtype=torch.float64, device=dev)
    W0 = W.clone()
    G = Xt.T @ Xt
    us, moves, lams = [], [], []
    with _one_thread(dev):
        _descend(W, W0, a, Xt, yt, G, width, lr, steps, us, moves, lams)
    return (torch.stack(us).cpu().numpy(), torch.stack(moves).cpu().numpy(),
            torch.stack(lams).cpu().numpy())

