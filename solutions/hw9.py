"""hw9 reference: the NTK at finite width (notes 5.1.3, 5.2, 5.3).

The per-layer tangent kernels of a net in standard and in NTK
parameterisation (5.27)-(5.38) and how they scale with width; the tensors
O_s of the finite-width expansion (5.62) for a two-layer net, the kernel's
velocity at initialisation (5.57), (5.68) and the 1/n scaling of
(5.63)-(5.70); Isserlis' theorem (Theorem 18, (5.90)-(5.93)) and the exact
correlation functions of a shallow linear net (5.89), (5.94)-(5.97); the
gradient descent of Du et al.'s two-layer ReLU net (Theorem 19, (5.110)-(5.114),
(5.146)) and its Gram matrix H^inf (5.148) against the linearised dynamics
(Theorem 20, (5.147)-(5.152)).

Network of the course: weights [W_0, ..., W_L], W_l of shape (n_{l+1}, n_l)
with standard-normal entries, no biases, scalar output (n_{L+1} = 1);
h_1 = sigma_w/sqrt(n_0) W_0 x, h_{l+1} = sigma_w/sqrt(n_l) W_l phi(h_l),
f(x) = h_{L+1}.
"""
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


def layer_kernels(weights: list[np.ndarray], X1: np.ndarray, X2: np.ndarray, parameterisation: str,
                  activation: str = "tanh", sigma_w2: float = 1.0) -> np.ndarray:
    """The layer kernels Theta-hat_l(x, x') = tr(grad_{W_l} f(x)^T grad_{W_l} f(x')), l = 0..L,
    (5.35)-(5.36), of the net with the given standard-normal weights, as an array of shape
    (L+1, m1, m2); their sum over l is the empirical NTK (5.34).
    "standard": the parameters are V_l = sigma_w/sqrt(n_l) W_l, (5.27)-(5.37), so
    Theta-hat_l = (phi(h_l)^T phi(h_l')) (B_{l+1}^T B_{l+1}'), which grows like n_l (5.37);
    "ntk": the parameters are the W_l themselves (5.38)-(5.39), so each layer kernel
    carries sigma_w^2/n_l and converges as the widths grow."""
    if parameterisation not in _PARAMETERISATIONS:
        raise ValueError(f"parameterisation must be one of {_PARAMETERISATIONS}, got {parameterisation!r}")
    _check_activation(activation)
    Ws = _as_weights(weights)
    A = torch.as_tensor(np.asarray(X1, dtype=np.float64))
    B = torch.as_tensor(np.asarray(X2, dtype=np.float64))
    if A.ndim != 2 or B.ndim != 2 or A.shape[0] != Ws[0].shape[1] or B.shape[0] != Ws[0].shape[1]:
        raise ValueError(f"X1 and X2 must have shape (n_0, m) with n_0 = {Ws[0].shape[1]}")
    with _one_thread(A.device):
        return _kernels_torch(Ws, A, B, parameterisation == "ntk", activation, sigma_w2).numpy()


def kernel_width_sweep(X: np.ndarray, widths: list[int], depth: int, parameterisation: str, n_seeds: int,
                       seed: int, activation: str = "tanh", sigma_w2: float = 1.0,
                       device: str = "cpu") -> np.ndarray:
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


def fit_power_law(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares fit of log y = c + slope log x: returns (slope, standard error of the slope),
    the error from the residual variance with k - 2 degrees of freedom (k >= 3 points)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.size != y.size or x.size < 3:
        raise ValueError(f"x and y need the same length >= 3, got {x.size} and {y.size}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a power law is fitted on logs: every x and y must be > 0")
    lx, ly = np.log(x), np.log(y)
    dx = lx - lx.mean()
    sxx = dx @ dx
    slope = dx @ (ly - ly.mean()) / sxx
    resid = ly - ly.mean() - slope * dx
    return float(slope), float(math.sqrt(resid @ resid / (x.size - 2) / sxx))


def tangent_tensors(weights: list[np.ndarray], X: np.ndarray,
                    activation: str = "tanh") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(f, Theta, O_3, O_4) at the columns of X for the two-layer NTK-parameterised net
    f(x) = n^{-1/2} W_1 phi(W_0 x / sqrt(n_0)) (sigma_w = 1), weights [W_0 (n, n_0), W_1 (1, n)]:
    O_1 = f, O_s(x_1..x_s) = grad_theta O_{s-1}(x_1..x_{s-1})^T grad_theta f(x_s) (5.62), so
    Theta = O_2 is the empirical NTK. Shapes (m,), (m, m), (m, m, m), (m, m, m, m)."""
    _check_activation(activation, _SMOOTH)
    W0, a, Xt = _two_layer(weights, X)
    n, m = W0.shape[0], Xt.shape[1]
    with _one_thread(Xt.device):
        terms = _neuron_terms(W0, a, Xt, activation, 4)
    outs = []
    for s in range(1, 5):
        T = np.empty((m,) * s)
        for idx in np.ndindex(*T.shape):
            T[idx] = float(terms[idx].detach().sum()) / n ** (s / 2)
        outs.append(T)
    return tuple(outs)


def ntk_time_derivative(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray, lr: float = 1.0,
                        activation: str = "tanh") -> np.ndarray:
    """d Theta_t(x_i, x_j)/dt at t = 0 for gradient flow theta' = -lr grad (1/2m) sum_k (y_k - f(x_k))^2
    on the training set (X, y) of m points: (5.57) with E_{x,y} the mean over the set, i.e. (5.68)
    (lr/m) sum_k (y_k - f(x_k)) O_3(x_i, x_j, x_k); shape (m, m)."""
    f, _, O3, _ = tangent_tensors(weights, X, activation)
    r = np.asarray(y, dtype=np.float64).ravel() - f
    if r.size != f.size:
        raise ValueError(f"y must have one entry per column of X ({f.size}), got {r.size}")
    return lr / f.size * (O3 @ r)


def correction_sweep(X: np.ndarray, y: np.ndarray, widths: list[int], n_seeds: int, seed: int,
                     activation: str = "tanh", lr: float = 1.0, device: str = "cpu") -> np.ndarray:
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
            W0 = torch.randn(n_seeds, n, n0, generator=gen, dtype=torch.float64, device=dev)
            a = torch.randn(n_seeds, n, generator=gen, dtype=torch.float64, device=dev)
            terms = _neuron_terms(W0, a, Xt, activation, 4, wanted)
            f = torch.stack([terms[(k,)].sum(-1) for k in range(m)], -1) / math.sqrt(n)
            o3 = torch.stack([terms[(0, 0, k)].sum(-1) for k in range(m)], -1) / n**1.5
            dtheta = lr / m * ((yt - f) * o3).sum(-1)
            o4 = terms[(0, 0, 0, 0)].sum(-1) / n**2
            out[i] = torch.stack([dtheta, o3[:, 0], o4], -1).detach().cpu().numpy()
    return out


def isserlis_moment(cov: np.ndarray, indices: list[int]) -> float:
    """E z_{i_1} ... z_{i_k} for z ~ N(0, cov) by Isserlis' theorem (Theorem 18, (5.90)-(5.92)):
    the sum over the pairings of the indices of the products of covariances; 0 for odd k."""
    c = np.asarray(cov, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or not np.allclose(c, c.T):
        raise ValueError("cov must be a symmetric square matrix")
    idx = [int(i) for i in indices]
    if any(i < 0 or i >= c.shape[0] for i in idx):
        raise ValueError(f"indices must lie in [0, {c.shape[0]}), got {idx}")
    if len(idx) % 2:
        return 0.0
    return float(sum(math.prod(c[i, j] for i, j in p) for p in _pairings(idx)))


def monte_carlo_moment(cov: np.ndarray, indices: list[int], n_samples: int, seed: int) -> tuple[float, float]:
    """(estimate, standard error) of E z_{i_1} ... z_{i_k}, z ~ N(0, cov), from n_samples draws of
    np.random.default_rng(seed): the sample mean of the product and its sample sd / sqrt(n_samples)."""
    c = np.asarray(cov, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or not np.allclose(c, c.T):
        raise ValueError("cov must be a symmetric square matrix")
    n_samples = _check_positive_int(n_samples, "n_samples")
    if n_samples < 2:
        raise ValueError("n_samples must be >= 2 for a standard error")
    idx = [int(i) for i in indices]
    if any(i < 0 or i >= c.shape[0] for i in idx):
        raise ValueError(f"indices must lie in [0, {c.shape[0]}), got {idx}")
    lam, vec = np.linalg.eigh(c)
    root = vec * np.sqrt(np.clip(lam, 0.0, None))     # cov = root root^T, PSD allowed
    rng = np.random.default_rng(seed)
    total = total2 = 0.0
    done = 0
    while done < n_samples:
        k = min(_MC_CHUNK, n_samples - done)
        z = rng.standard_normal((k, c.shape[0])) @ root.T
        prod = np.prod(z[:, idx], axis=1)
        total += prod.sum()
        total2 += prod @ prod
        done += k
    mean = total / n_samples
    var = max(total2 - n_samples * mean * mean, 0.0) / (n_samples - 1)
    return float(mean), float(math.sqrt(var / n_samples))


def linear_net_correlation(X: np.ndarray, n: int) -> float:
    """E f(x_1) ... f(x_m) exactly for the shallow linear net f(x) = a^T W x / sqrt(n) (5.89),
    a ~ N(0, I_n), W of shape (n, n_0) with N(0, 1) entries, over the columns of X:
    by Isserlis for a and for W separately (5.94), a sum over pairs of pairings (p_a, p_w) of
    n^{l - m/2} prod_{(j, k) in p_w} x_j^T x_k, l the number of cycles of p_a u p_w (5.95); 0 for odd m."""
    X = np.asarray(X, dtype=np.float64)
    n = _check_positive_int(n, "n")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n_0, m), got {X.shape}")
    m = X.shape[1]
    if m % 2:
        return 0.0
    G = X.T @ X
    P = list(_pairings(list(range(m))))
    weight = {p_idx: math.prod(G[i, j] for i, j in pw) for p_idx, pw in enumerate(P)}
    total = 0.0
    for pa in P:
        for k, pw in enumerate(P):
            total += float(n) ** (_cycles(pa, pw, m) - m / 2) * weight[k]
    return float(total)


def gram_infinity(X: np.ndarray) -> np.ndarray:
    """H^inf of (5.148) for the columns x_k of X (any nonzero norms):
    E_{w ~ N(0, I)} [w^T x_k > 0][w^T x_l > 0] x_k^T x_l = x_k^T x_l (pi - angle(x_k, x_l)) / (2 pi)."""
    return _relu_gram(X)


def label_complexity(X: np.ndarray, y: np.ndarray) -> float:
    """y^T (H^inf)^{-1} y with H^inf = gram_infinity(X): the quantity behind Theorem 20's
    comparison of true and random labels (small when y aligns with the top eigenvectors)."""
    H = gram_infinity(X)
    y = np.asarray(y, dtype=np.float64).ravel()
    if y.size != H.shape[0]:
        raise ValueError(f"y must have one entry per column of X ({H.shape[0]}), got {y.size}")
    return float(y @ np.linalg.solve(H, y))


def train_two_layer_relu(X: np.ndarray, y: np.ndarray, width: int, lr: float, steps: int, seed: int,
                         device: str = "cpu") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    W = torch.randn(width, Xt.shape[0], generator=gen, dtype=torch.float64, device=dev)
    a = torch.randint(0, 2, (width,), generator=gen, device=dev).to(torch.float64) * 2 - 1
    W0 = W.clone()
    G = Xt.T @ Xt
    us, moves, lams = [], [], []
    with _one_thread(dev):
        _descend(W, W0, a, Xt, yt, G, width, lr, steps, us, moves, lams)
    return (torch.stack(us).cpu().numpy(), torch.stack(moves).cpu().numpy(),
            torch.stack(lams).cpu().numpy())

