# A correct solution written another way: torch autograd of the whole net.
# Every kernel is a Gram matrix of per-point gradients that autograd takes of the
# net's output (a batch of independent nets at once in the sweeps); the tangent
# tensors by reverse mode on one copy of the parameters per entry; the descent of
# Du et al. steps along autograd's gradient of the summed loss and takes H(t) as
# J J^T of its Jacobian; Isserlis by dynamic programming over subsets, the cycles
# of a Feynman diagram as connected components (scipy), the draws in other orders
# (a before W, the last layer first).
# EXPECT: pass all
import itertools
import math

import numpy as np
import torch

F64 = torch.float64
NONLINEARITIES = {"linear": lambda t: t, "relu": torch.relu, "tanh": torch.tanh}


def as_tensor(a, dev="cpu"):
    return torch.as_tensor(np.asarray(a, dtype=np.float64), dtype=F64, device=dev)


def pick_device(device):
    if device == "cpu":
        return torch.device("cpu")
    if isinstance(device, str) and device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RuntimeError("CUDA is not available here: call with device='cpu'")
        return torch.device(device)
    raise ValueError(f"unknown device {device!r} (use 'cpu' or 'cuda')")


def nonlinearity(name, allowed=tuple(NONLINEARITIES)):
    if name not in allowed:
        raise ValueError(f"activation {name!r} is not one of {allowed}")
    return NONLINEARITIES[name]


def count(value, what):
    if isinstance(value, bool) or value != int(value) or int(value) < 1:
        raise ValueError(f"{what} must be a positive integer, not {value!r}")
    return int(value)


# --------------------------------------------------------------- deep nets
def net_output(params, X, act, gains):
    """f on the columns of X for a batch of nets: params[l] has shape (B, n_{l+1}, n_l);
    layer l multiplies by gains[l] * params[l] (gains 1 when the params are the V_l)."""
    z = X.unsqueeze(0).expand(params[0].shape[0], -1, -1)
    for l, (P, g) in enumerate(zip(params, gains)):
        z = g * (P @ (z if l == 0 else act(z)))
    return z[:, 0, :]                                   # (B, m)


def gradients(params, X, act, gains):
    """For each layer, the gradient of f(x_k) in its parameters, per net and per point:
    a list of (B, m, size of layer l). The nets of a batch are independent, so the
    gradient of the sum over the batch is each net's own gradient."""
    leaves = [P.detach().requires_grad_(True) for P in params]
    out = net_output(leaves, X, act, gains)
    per_point = []
    for k in range(X.shape[1]):
        g = torch.autograd.grad(out[:, k].sum(), leaves, retain_graph=k + 1 < X.shape[1])
        per_point.append([t.reshape(t.shape[0], -1) for t in g])
    return [torch.stack([pp[l] for pp in per_point], 1) for l in range(len(params))]


def parameters(Ws, parameterisation, sigma_w2):
    """What the gradient is taken in, and the factor each layer still multiplies by:
    "ntk" differentiates in W_l (the net multiplies by sigma_w/sqrt(n_l)), "standard" in
    V_l = sigma_w/sqrt(n_l) W_l (the net uses V_l as it is)."""
    if parameterisation not in ("standard", "ntk"):
        raise ValueError(f"parameterisation {parameterisation!r}: use 'standard' or 'ntk'")
    scale = [math.sqrt(sigma_w2 / W.shape[-1]) for W in Ws]
    if parameterisation == "ntk":
        return list(Ws), scale
    return [c * W for c, W in zip(scale, Ws)], [1.0] * len(Ws)


def layer_kernels(weights, X1, X2, parameterisation, activation="tanh", sigma_w2=1.0):
    act = nonlinearity(activation)
    Ws = [as_tensor(W) for W in weights]
    if len(Ws) < 2 or any(W.dim() != 2 for W in Ws) or Ws[-1].shape[0] != 1:
        raise ValueError("weights: [W_0, ..., W_L], matrices, W_L with a single row")
    for lower, upper in zip(Ws, Ws[1:]):
        if upper.shape[1] != lower.shape[0]:
            raise ValueError("the weight matrices do not chain")
    params, gains = parameters([W[None] for W in Ws], parameterisation, sigma_w2)
    A = gradients(params, as_tensor(X1), act, gains)
    B = gradients(params, as_tensor(X2), act, gains)
    # Theta_l(x, x') = <grad_l f(x), grad_l f(x')> (5.35)
    return torch.stack([a[0] @ b[0].T for a, b in zip(A, B)]).numpy()


def kernel_width_sweep(X, widths, depth, parameterisation, n_seeds, seed, activation="tanh",
                       sigma_w2=1.0, device="cpu"):
    act = nonlinearity(activation)
    if parameterisation not in ("standard", "ntk"):
        raise ValueError(f"parameterisation {parameterisation!r}: use 'standard' or 'ntk'")
    depth, n_seeds = count(depth, "depth"), count(n_seeds, "n_seeds")
    widths = [count(w, "width") for w in np.ravel(widths)]
    dev = pick_device(device)
    Xt = as_tensor(X, dev)
    gen = torch.Generator(device=dev)
    gen.manual_seed(int(seed))
    result = []
    for n in widths:
        sizes = [Xt.shape[0]] + [n] * depth + [1]
        # all n_seeds nets of this width in one batch, the last layer drawn first
        Ws = [torch.randn(n_seeds, sizes[l + 1], sizes[l], generator=gen, dtype=F64, device=dev)
              for l in reversed(range(len(sizes) - 1))][::-1]
        params, gains = parameters(Ws, parameterisation, sigma_w2)
        grads = gradients(params, Xt, act, gains)
        result.append(sum(g @ g.transpose(1, 2) for g in grads))    # (n_seeds, m, m)
    return torch.stack(result).cpu().numpy()


def fit_power_law(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-d and of one length")
    if len(x) < 3:
        raise ValueError("a slope and its standard error need at least 3 points")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a power law is fitted to positive values only")
    lx, ly = np.log(x), np.log(y)
    dx, dy = lx - lx.mean(), ly - ly.mean()
    sxx = float(dx @ dx)
    slope = float(dx @ dy) / sxx
    resid = dy - slope * dx
    return slope, math.sqrt(float(resid @ resid) / (len(x) - 2) / sxx)


# ------------------------------------------------------- the two-layer net
def two_layer(weights, X, activation):
    """f(Theta) at every column of X, for parameter vectors Theta of shape (..., P)
    (W_0 flattened, then W_1), and the parameters of `weights` as one such vector."""
    act = nonlinearity(activation, ("linear", "tanh"))
    if len(weights) != 2:
        raise ValueError("the two-layer net takes weights [W_0, W_1]")
    W0, W1 = as_tensor(weights[0]), as_tensor(weights[1])
    Xt = as_tensor(X)
    if W0.dim() != 2 or W1.shape != (1, W0.shape[0]) or Xt.dim() != 2 or Xt.shape[0] != W0.shape[1]:
        raise ValueError("shapes: W_0 (n, n_0), W_1 (1, n), X (n_0, m)")
    n, n0 = W0.shape

    def f(theta):
        W = theta[..., :n * n0].reshape(*theta.shape[:-1], n, n0)
        v = theta[..., n * n0:]
        return (v.unsqueeze(-1) * act(W @ Xt / math.sqrt(n0))).sum(-2) / math.sqrt(n)

    return f, torch.cat([W0.reshape(-1), W1.reshape(-1)]), Xt.shape[1]


def tangent(f, m, s, theta):
    """O_s at each parameter vector of the batch theta (..., P): (..., m**s), entries in
    row-major order of (i_1, ..., i_s). O_1 = f; O_{s+1}(i, l) = grad O_s(i) . grad f(x_l)
    (5.62). A gradient of one entry is taken on a copy of the parameters of its own, so a
    single backward pass gives the gradients of all the entries (create_graph keeps them
    differentiable for the next order)."""
    if s == 1:
        return f(theta)

    def grads_of_entries(order, count):
        copies = theta.unsqueeze(-2).repeat_interleave(count, dim=-2)    # (..., count, P)
        values = tangent(f, m, order, copies)                            # (..., count, count)
        own = values.diagonal(dim1=-2, dim2=-1)
        return torch.autograd.grad(own.sum(), copies, create_graph=True)[0]

    lower = grads_of_entries(s - 1, m ** (s - 1))           # grad O_{s-1}(i): (..., m^(s-1), P)
    G = lower if s == 2 else grads_of_entries(1, m)         # grad f(x_l):     (..., m, P)
    return (lower.unsqueeze(-2) * G.unsqueeze(-3)).sum(-1).flatten(-2)


def tangent_tensors(weights, X, activation="tanh"):
    f, theta, m = two_layer(weights, X, activation)
    theta = theta.requires_grad_(True)
    return tuple(tangent(f, m, s, theta).detach().reshape((m,) * s).numpy() for s in (1, 2, 3, 4))


def ntk_time_derivative(weights, X, y, lr=1.0, activation="tanh"):
    f, theta, m = two_layer(weights, X, activation)
    theta = theta.requires_grad_(True)
    r = as_tensor(y).reshape(-1)
    if r.numel() != m:
        raise ValueError("y needs one label per column of X")
    r = r - f(theta).detach()
    O3 = tangent(f, m, 3, theta).detach().reshape(m, m, m)
    # (5.68): theta' = (lr/m) sum_k r_k grad f(x_k), so dTheta(i, j)/dt = (lr/m) sum_k r_k O_3(i, j, k)
    return (lr * (O3 @ r) / m).numpy()


def correction_sweep(X, y, widths, n_seeds, seed, activation="tanh", lr=1.0, device="cpu"):
    act = nonlinearity(activation, ("linear", "tanh"))
    n_seeds = count(n_seeds, "n_seeds")
    widths = [count(w, "width") for w in np.ravel(widths)]
    dev = pick_device(device)
    Xt = as_tensor(X, dev)
    yt = as_tensor(y, dev).reshape(-1)
    n0, m = Xt.shape
    if yt.numel() != m:
        raise ValueError("y needs one label per column of X")
    gen = torch.Generator(device=dev)
    gen.manual_seed(int(seed))
    rows = []
    for n in widths:
        # a batch of n_seeds nets; the nets are independent, so the gradient of a sum over the
        # batch is each net's own gradient, and dot products are taken per net
        v = torch.randn(n_seeds, n, generator=gen, dtype=F64, device=dev).requires_grad_(True)
        W = torch.randn(n_seeds, n, n0, generator=gen, dtype=F64, device=dev).requires_grad_(True)
        out = torch.einsum("bi,bik->bk", v, act(W @ Xt / math.sqrt(n0))) / math.sqrt(n)

        def grad(scalars):
            gv, gW = torch.autograd.grad(scalars.sum(), (v, W), create_graph=True)
            return gv, gW

        def dot(g, h):
            return (g[0] * h[0]).sum(1) + (g[1] * h[1]).sum((1, 2))

        G = [grad(out[:, k]) for k in range(m)]
        theta11 = dot(G[0], G[0])
        D = grad(theta11)
        o3 = torch.stack([dot(D, G[k]) for k in range(m)], 1)      # O_3(x_1, x_1, x_k)
        o4 = dot(grad(o3[:, 0]), G[0])
        dtheta = lr * ((yt - out) * o3).sum(1) / m
        rows.append(torch.stack([dtheta, o3[:, 0], o4], 1).detach())
    return torch.stack(rows).cpu().numpy()


# ------------------------------------------------------------ Gaussian moments
def covariance_and_indices(cov, indices):
    C = np.asarray(cov, dtype=np.float64)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or not np.allclose(C, C.T, rtol=0, atol=1e-12):
        raise ValueError("cov must be a symmetric square matrix")
    idx = [int(i) for i in indices]
    if any(not 0 <= i < len(C) for i in idx):
        raise ValueError(f"an index of {idx} is outside 0..{len(C) - 1}")
    return C, idx


def isserlis_moment(cov, indices):
    C, idx = covariance_and_indices(cov, indices)
    k = len(idx)
    if k % 2:
        return 0.0
    # total[S]: the sum over the pairings of the positions in the set S (a bit mask); the
    # lowest position of S is paired with each other one in turn (Theorem 18)
    total = {0: 1.0}
    for size in range(2, k + 1, 2):
        for chosen in itertools.combinations(range(k), size):
            S = sum(1 << p for p in chosen)
            low = chosen[0]
            total[S] = sum(C[idx[low], idx[p]] * total[S & ~(1 << low) & ~(1 << p)] for p in chosen[1:])
    return float(total[(1 << k) - 1])


def monte_carlo_moment(cov, indices, n_samples, seed):
    C, idx = covariance_and_indices(cov, indices)
    if int(n_samples) < 2:
        raise ValueError("n_samples must be at least 2")
    vals, vecs = np.linalg.eigh(C)
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))            # root @ root.T = C
    g = np.random.default_rng(seed).standard_normal((int(n_samples), len(C)))
    z = g @ root.T
    prods = np.ones(int(n_samples))
    for i in idx:
        prods = prods * z[:, i]
    return float(prods.mean()), float(prods.std(ddof=1) / math.sqrt(int(n_samples)))


def pairings(m):
    """Every perfect matching of 0..m-1, from the orderings in which pairs and their
    first elements both increase."""
    found = []
    for order in itertools.permutations(range(m)):
        firsts = order[0::2]
        if all(a < b for a, b in zip(order[0::2], order[1::2])) and list(firsts) == sorted(firsts):
            found.append(list(zip(order[0::2], order[1::2])))
    return found


def linear_net_correlation(X, n):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    Xa = np.asarray(X, dtype=np.float64)
    m = Xa.shape[1]
    if m % 2:
        return 0.0
    inner = Xa.T @ Xa
    all_p = pairings(m)
    result = 0.0
    for pa in all_p:
        for pw in all_p:
            edges = np.array(pa + pw)
            graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(m, m))
            loops, _ = connected_components(graph, directed=False)
            # (5.95): the Feynman diagram of (p_a, p_w) weighs n^(loops - m/2) prod over p_w
            result += float(n) ** (loops - m / 2) * np.prod([inner[j, k] for j, k in pw])
    return float(result)


# ------------------------------------------------------------- Du et al.
def gram_infinity(X):
    Xt = as_tensor(X)
    length = Xt.norm(dim=0)
    if bool((length == 0).any()):
        raise ValueError("X has a zero column: its angle to the others is undefined")
    dots = Xt.T @ Xt
    angle = torch.arccos((dots / torch.outer(length, length)).clamp(-1.0, 1.0))
    return (dots * (math.pi - angle) / (2 * math.pi)).numpy()


def label_complexity(X, y):
    H = torch.as_tensor(gram_infinity(X))
    yt = as_tensor(y).reshape(-1)
    return float(yt @ torch.linalg.solve(H, yt))


def train_two_layer_relu(X, y, width, lr, steps, seed, device="cpu"):
    n = count(width, "width")
    steps = int(steps)
    if steps < 0:
        raise ValueError("steps cannot be negative")
    dev = pick_device(device)
    Xt, yt = as_tensor(X, dev), as_tensor(y, dev).reshape(-1)
    if Xt.dim() != 2 or yt.numel() != Xt.shape[1]:
        raise ValueError("X has shape (n_0, m) and y one label per column")
    gen = torch.Generator(device=dev)
    gen.manual_seed(int(seed))
    signs = 2.0 * torch.randint(0, 2, (n,), generator=gen, device=dev).to(F64) - 1.0
    W = torch.randn(n, Xt.shape[0], generator=gen, dtype=F64, device=dev)
    start = W.clone()

    def outputs(copies):
        """u_k = f(x_k) (5.110) with the k-th copy of the weights, for each point k."""
        return torch.relu((copies * Xt.T.unsqueeze(1)).sum(-1)) @ signs / math.sqrt(n)

    m = yt.numel()
    us, moves, lams = [], [], []
    for t in range(steps + 1):
        # one copy of the weights per training point: a single backward pass gives the
        # Jacobian J[k] = du_k/dW of the outputs
        copies = W.expand(m, *W.shape).clone().requires_grad_(True)
        u = outputs(copies)
        J = torch.autograd.grad(u.sum(), copies)[0].reshape(m, -1)
        u = u.detach()
        us.append(u)
        moves.append((W - start).norm(dim=1).max())
        lams.append(torch.linalg.eigvalsh(J @ J.T)[0])              # H(t) = J J^T (5.146)
        if t < steps:
            # the gradient of the summed loss (1/2) sum_k (y_k - u_k)^2 is -J^T (y - u): (5.111)
            W = W + lr * (J.T @ (yt - u)).reshape(W.shape)
    return torch.stack(us).cpu().numpy(), torch.stack(moves).cpu().numpy(), torch.stack(lams).cpu().numpy()
