"""hw6 reference: the neural tangent kernel, its convergence with width (notes 5).

Closed-form NNGP and NTK recursions (5.26), (5.32), (5.46) vectorised over
Gram matrices; the empirical NTK of NTK-parameterised torch networks (5.38)
by torch.func autodiff and by the per-layer sums (5.35)-(5.36); its distance
to the limit as the width grows; gradient descent of the net against its
linearisation (5.5), (5.12); Du et al.'s Gram matrix (5.148) and the
kernel-alignment residuals (5.149)-(5.151).

Network: widths [n_0, n, ..., n, 1] with `depth` = L hidden layers of width n,
h_1 = sigma_w/sqrt(n_0) W_0 x, h_{l+1} = sigma_w/sqrt(n_l) W_l phi(h_l),
f(x) = h_{L+1}, W_l ~ N(0, 1), no biases (5.38)-(5.39).
"""
import contextlib
import math

import numpy as np
import scipy.linalg
import torch
from torch.func import functional_call, jacrev, vmap

_ACTIVATIONS = ("linear", "relu", "tanh", "erf")
# tanh has no closed form: a tensor trapezoidal rule in z ~ N(0, 1). It
# converges geometrically for integrands analytic in a strip; the poles of
# tanh(sqrt(q) z) sit at distance pi/(2 sqrt(q)), so the step shrinks like
# 1/sqrt(q) (Gauss-Hermite would need O(q) nodes for the same accuracy).
_TRAP_STEP = 0.2  # step in z at q <= 1; relative error < 1e-12 (tested)
_TRAP_HALF_WIDTH = 8.6  # |z| <= 8.6: the Gaussian weight left out is < 1e-16
_CHUNK = 2**22  # float64 entries per quadrature block (32 MiB)
_JACOBIAN_BUDGET = 2**25  # entries of the full Jacobian before switching to (5.36)
_ONE_THREAD_WORK = 2**24  # below this many multiply-adds per product, one CPU thread is faster


def _check_activation(activation):
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {activation!r}")
    return activation


def _check_depth(depth):
    if int(depth) != depth or depth < 0:
        raise ValueError(f"depth must be an integer >= 0, got {depth!r}")
    return int(depth)


def _check_inputs(X1, X2):
    X1 = np.asarray(X1, dtype=np.float64)
    X2 = np.asarray(X2, dtype=np.float64)
    if X1.ndim != 2 or X2.ndim != 2 or X1.shape[0] != X2.shape[0]:
        raise ValueError(
            f"X1 and X2 must have shapes (n_0, m1) and (n_0, m2), got {X1.shape} and {X2.shape}")
    return X1, X2


def _trapezoid_nodes(qmax):
    """Nodes and weights of the trapezoidal rule for E g(z), z ~ N(0, 1)."""
    step = _TRAP_STEP / math.sqrt(max(float(qmax), 1.0))
    half = int(math.ceil(_TRAP_HALF_WIDTH / step))
    z = step * np.arange(-half, half + 1)
    return z, step * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


def _tanh_diagonal(a):
    """(E tanh(u)^2, E tanh'(u)^2) for u ~ N(0, a), a an array."""
    a = np.asarray(a, dtype=np.float64)
    z, w = _trapezoid_nodes(a.max(initial=0.0))
    t = np.tanh(np.sqrt(a)[..., None] * z)
    return (t * t) @ w, ((1.0 - t * t) ** 2) @ w


def _tanh_pairs(a, b, q12):
    """(E tanh(u) tanh(v), E tanh'(u) tanh'(v)) for (u, v) ~ N(0, [[a, q12], [q12, b]]),
    elementwise over broadcast arrays, by the 2-D trapezoidal rule with
    u = sqrt(a) z1, v = sqrt(b) (c z1 + sqrt(1 - c^2) z2)."""
    a, b, q12 = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, q12)))
    shape = q12.shape
    a, b, q12 = a.ravel(), b.ravel(), q12.ravel()
    z, w = _trapezoid_nodes(max(a.max(initial=0.0), b.max(initial=0.0)))
    sa, sb = np.sqrt(a), np.sqrt(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(sa * sb > 0, q12 / (sa * sb), 0.0)
    c = np.clip(c, -1.0, 1.0)
    s = np.sqrt(1.0 - c * c)
    eff = np.empty_like(q12)
    edd = np.empty_like(q12)
    block = max(1, _CHUNK // (z.size * z.size))
    for lo in range(0, q12.size, block):
        sl = slice(lo, lo + block)
        tu = np.tanh(sa[sl, None] * z)  # (p, N): depends on z1 only
        v = sb[sl, None, None] * (c[sl, None, None] * z[:, None] + s[sl, None, None] * z)
        tv = np.tanh(v)  # (p, N1, N2)
        eff[sl] = np.einsum("pi,pi->p", tu * w, tv @ w)
        edd[sl] = np.einsum("pi,pi->p", (1.0 - tu * tu) * w, (1.0 - tv * tv) @ w)
    return eff.reshape(shape), edd.reshape(shape)


def _pair_expectations(activation, a, b, q12):
    """(E phi(u) phi(v), E phi'(u) phi'(v)) for (u, v) ~ N(0, [[a, q12], [q12, b]]):
    the two Gaussian integrals of (5.26) and (5.32), elementwise."""
    if activation == "linear":
        return q12, np.ones_like(q12)
    if activation == "relu":
        # arc-cosine kernels (Cho & Saul) in atan2 form: exact on the diagonal,
        # where arccos(q12 / sqrt(a b)) would lose half the digits.
        root = np.array(a * b, dtype=np.float64)
        root -= q12 * q12
        np.sqrt(np.maximum(root, 0.0, out=root), out=root)  # sqrt(det Sigma) = sqrt(ab) sin(angle)
        gap = np.subtract(np.pi, np.arctan2(root, q12))  # pi - angle
        root += gap * q12
        root /= 2 * np.pi
        gap /= 2 * np.pi
        return root, gap
    if activation == "erf":
        # Williams (1997): E erf(u) erf(v) = (2/pi) arcsin(2 q12 / sqrt((1+2a)(1+2b)));
        # erf'(z) = (2/sqrt(pi)) exp(-z^2) and E exp(-u^2 - v^2) = det(I + 2 Sigma)^(-1/2).
        prod = (1.0 + 2.0 * a) * (1.0 + 2.0 * b)
        ratio = np.clip(2.0 * q12 / np.sqrt(prod), -1.0, 1.0)
        return (2 / np.pi) * np.arcsin(ratio), (4 / np.pi) / np.sqrt(prod - 4.0 * q12 * q12)
    return _tanh_pairs(a, b, q12)


def _diagonal_expectation(activation, a):
    """E phi(u)^2 for u ~ N(0, a): the diagonal of (5.26)."""
    if activation == "tanh":
        return _tanh_diagonal(a)[0]
    return _pair_expectations(activation, a, a, a)[0]


def _kernel_layers(X1, X2, depth, activation, sigma_w2):
    """Lists (q_1..q_{L+1}, chi_1..chi_L) of (m1, m2) Gram matrices, (5.26) and (5.32)."""
    _check_activation(activation)
    depth = _check_depth(depth)
    if not sigma_w2 > 0:
        raise ValueError(f"sigma_w2 must be > 0, got {sigma_w2!r}")
    same = X1 is X2
    X1, X2 = _check_inputs(X1, X2)
    same = same or (X1.shape == X2.shape and np.array_equal(X1, X2))
    n0 = X1.shape[0]
    q12 = sigma_w2 / n0 * (X1.T @ X2)
    if same:  # one source for the diagonal: q12[i, i] == a[i] bit for bit
        a = b = np.diagonal(q12).copy()
    else:
        a = sigma_w2 / n0 * np.einsum("ij,ij->j", X1, X1)
        b = sigma_w2 / n0 * np.einsum("ij,ij->j", X2, X2)
    qs, chis = [q12], []
    for _ in range(depth):
        eff, edd = _pair_expectations(activation, a[:, None], b[None, :], q12)
        chis.append(sigma_w2 * edd)
        q12 = sigma_w2 * eff
        a = sigma_w2 * _diagonal_expectation(activation, a)
        b = a if same else sigma_w2 * _diagonal_expectation(activation, b)
        qs.append(q12)
    return qs, chis


def _limit_ntk(qs, chis):
    """Theta = sum_l q_l prod_{l' >= l} chi_l' (5.46), by Theta_{l+1} = chi_l Theta_l + q_{l+1}."""
    theta = qs[0]
    for q, chi in zip(qs[1:], chis):
        theta = chi * theta + q
    return theta


def _torch_device(device):
    """torch.device for "cpu" or "cuda"; a clear error when CUDA is asked but absent."""
    name = str(device)
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"device={name!r} was asked for, but torch.cuda.is_available() is False on this "
                "machine (no GPU, or a CPU-only build of torch); pass device='cpu' or run on a "
                "machine with a CUDA build of torch")
        return torch.device(name)
    raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")


@contextlib.contextmanager
def _small_on_one_thread(device, work):
    """Run small CPU problems on one torch thread: for products of a few million
    multiply-adds, OpenMP start-up and contention for shared cores cost more
    than a second thread gains (20x slower on a loaded 2-core machine)."""
    if device.type != "cpu" or work >= _ONE_THREAD_WORK:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _largest_product(widths, m):
    return max(a * b for a, b in zip(widths[:-1], widths[1:])) * m


def _phi_torch(activation):
    return {"linear": lambda h: h, "relu": torch.relu, "tanh": torch.tanh,
            "erf": torch.special.erf}[_check_activation(activation)]


def _dphi_torch(activation):
    return {"linear": torch.ones_like,
            "relu": lambda h: (h > 0).to(h.dtype),
            "tanh": lambda h: 1.0 - torch.tanh(h) ** 2,
            "erf": lambda h: (2.0 / math.sqrt(math.pi)) * torch.exp(-h * h)}[activation]


def _as_tensor(x, device):
    if isinstance(x, torch.Tensor):
        return x.detach().to(device=device, dtype=torch.float64)
    return torch.as_tensor(np.asarray(x, dtype=np.float64), device=device)


def _draw_weights(widths, generator, device):
    """Standard-normal W_l of shape (n_{l+1}, n_l) (5.39), in float64 on `device`."""
    return [torch.randn(n_out, n_in, generator=generator, dtype=torch.float64, device=device)
            for n_in, n_out in zip(widths[:-1], widths[1:])]


def _features(weights, X, activation, sigma_w2):
    """Forward (5.38) and backward (5.41) pass on a batch X of shape (n_0, m).

    Returns (f, xs, bs): f(X) of shape (m,), xs[l] = x_l = phi(h_l) with
    x_0 = X, and bs[l] = B_{l+1} = df/dh_{l+1} of shape (n_{l+1}, m), l = 0..L.
    """
    phi, dphi = _phi_torch(activation), _dphi_torch(activation)
    sigma_w = math.sqrt(sigma_w2)
    xs, hs, x = [X], [], X
    for l, W in enumerate(weights):
        h = (sigma_w / math.sqrt(W.shape[1])) * (W @ x)
        if l < len(weights) - 1:
            hs.append(h)
            x = phi(h)
            xs.append(x)
    B = torch.ones_like(h)
    bs = [B]
    for l in range(len(weights) - 1, 0, -1):  # B_l = sigma_w/sqrt(n_l) D_l W_l^T B_{l+1}
        W = weights[l]
        B = (sigma_w / math.sqrt(W.shape[1])) * dphi(hs[l - 1]) * (W.T @ B)
        bs.insert(0, B)
    return h[0], xs, bs


def _ntk_layerwise(weights, X1, X2, activation, sigma_w2):
    """Empirical NTK as the sum over layers (5.35) of (5.36) in NTK parameterisation:
    Theta_l(x, x') = (sigma_w^2 / n_l) (x_l^T x_l') (B_{l+1}^T B_{l+1}'), never forming
    the m x P Jacobian (memory O(m n L))."""
    _, xs1, bs1 = _features(weights, X1, activation, sigma_w2)
    xs2, bs2 = (xs1, bs1) if X2 is X1 else _features(weights, X2, activation, sigma_w2)[1:]
    theta = 0.0
    for l, W in enumerate(weights):
        theta = theta + (sigma_w2 / W.shape[1]) * (xs1[l].T @ xs2[l]) * (bs1[l].T @ bs2[l])
    return theta


class _NTKNet(torch.nn.Module):
    """The scalar NTK-parameterised net (5.38) as a module, for torch.func.functional_call."""

    def __init__(self, weights, activation, sigma_w2):
        super().__init__()
        self.layers = torch.nn.ParameterList(torch.nn.Parameter(W) for W in weights)
        self.phi = _phi_torch(activation)
        self.sigma_w = math.sqrt(sigma_w2)

    def forward(self, x):  # one input x of shape (n_0,)
        for l, W in enumerate(self.layers):
            if l > 0:
                x = self.phi(x)
            x = (self.sigma_w / math.sqrt(W.shape[1])) * (W @ x)
        return x[0]


def _ntk_jacobian(weights, X1, X2, activation, sigma_w2):
    """Empirical NTK J(X1) J(X2)^T from per-example Jacobians (vmap of jacrev
    over functional_call); materialises the m x P Jacobian."""
    net = _NTKNet(weights, activation, sigma_w2)
    params = {k: v.detach() for k, v in net.named_parameters()}

    def f(p, x):
        return functional_call(net, p, (x,))

    def jac(X):
        J = vmap(jacrev(f), in_dims=(None, 1))(params, X)
        return torch.cat([J[k].reshape(X.shape[1], -1) for k in params], dim=1)

    J1 = jac(X1)
    J2 = J1 if X2 is X1 else jac(X2)
    return J1 @ J2.T


def _check_weights(weights, n0):
    if len(weights) < 1 or any(W.ndim != 2 for W in weights):
        raise ValueError("weights must be a non-empty list of 2-D arrays")
    widths = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    if any(W.shape[1] != n for W, n in zip(weights, widths[:-1])) or widths[-1] != 1:
        raise ValueError(f"weights do not chain into a scalar-output net: "
                         f"shapes {[tuple(W.shape) for W in weights]}")
    if widths[0] != n0:
        raise ValueError(f"inputs have n_0 = {n0} rows but W_0 has {widths[0]} columns")


def _gd_coefficients(evals, lr, m, steps=None, t=None):
    """Spectral factor of K^{-1} (I - (I - lr K/m)^steps) (discrete) or
    K^{-1} (I - exp(-lr K t/m)) (continuous), stable as an eigenvalue -> 0."""
    a = lr / m
    if t is not None:
        x = a * t * evals
        with np.errstate(invalid="ignore", divide="ignore"):
            out = -np.expm1(-x) / evals
        return np.where(np.abs(x) < 1e-300, a * t, out)
    r = a * evals
    safe = np.where(r < 1.0, r, 0.0)  # log1p branch only where 1 - r > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(r < 1.0, -np.expm1(steps * np.log1p(-safe)),
                       1.0 - (1.0 - r) ** steps) / evals
    return np.where(np.abs(r) < 1e-300, a * steps, out)


def nngp_kernel(X1: np.ndarray, X2: np.ndarray, depth: int, activation: str = "relu",
                sigma_w2: float = 2.0) -> np.ndarray:
    """NNGP kernel q_{L+1}(x, x') of the recursion (5.26), on all pairs of columns.

    q_1(x, x') = sigma_w2 x^T x' / n_0 and q_{l+1} = sigma_w2 E phi(u) phi(v) with
    (u, v) ~ N(0, Sigma_l(x, x')) (5.25), Sigma_l built from q_l(x, x), q_l(x, x'),
    q_l(x', x'). Closed forms: arc-cosine for relu, arcsin for erf; tanh by a
    2-D trapezoidal rule (relative error < 1e-12). X1: (n_0, m1), X2: (n_0, m2);
    returns (m1, m2). Unknown activation: ValueError.
    """
    qs, _ = _kernel_layers(X1, X2, depth, activation, sigma_w2)
    return qs[-1]


def ntk_kernel(X1: np.ndarray, X2: np.ndarray, depth: int, activation: str = "relu",
               sigma_w2: float = 2.0) -> np.ndarray:
    """Limit NTK Theta(x, x') = sum_{l=1}^{L+1} q_l(x, x') prod_{l'=l}^{L} chi_l'(x, x')
    of (5.46)-(5.47), with q_l from (5.26) and chi_l = sigma_w2 E phi'(u) phi'(v)
    from (5.32) (beta_l of (5.33)); the term l = L+1 (last layer) is q_{L+1}.
    X1: (n_0, m1), X2: (n_0, m2); returns (m1, m2). Unknown activation: ValueError.
    """
    qs, chis = _kernel_layers(X1, X2, depth, activation, sigma_w2)
    return _limit_ntk(qs, chis)


def empirical_ntk(weights: list[np.ndarray], X1: np.ndarray, X2: np.ndarray, activation: str,
                  sigma_w2: float) -> np.ndarray:
    """Empirical NTK Theta-hat(x, x') = grad_theta f(x)^T grad_theta f(x') (5.3), (5.34)
    of the NTK-parameterised net (5.38) with the given standard-normal weights
    W_l of shape (n_{l+1}, n_l), in float64.

    Autodiff with torch.func (vmap of jacrev over functional_call); when the
    full Jacobian would exceed _JACOBIAN_BUDGET entries, the per-layer sums
    (5.35)-(5.36), which give the same matrix without forming it. Runs on the
    weights' device when they are torch tensors, else on the CPU.
    Returns a (m1, m2) NumPy array.
    """
    _check_activation(activation)
    X1n, X2n = _check_inputs(X1, X2)
    device = weights[0].device if isinstance(weights[0], torch.Tensor) else torch.device("cpu")
    Ws = [_as_tensor(W, device) for W in weights]
    _check_weights(Ws, X1n.shape[0])
    A = _as_tensor(X1n, device)
    B = A if (X1n.shape == X2n.shape and np.array_equal(X1n, X2n)) else _as_tensor(X2n, device)
    n_params = sum(W.numel() for W in Ws)
    m = X1n.shape[1] + X2n.shape[1]
    with _small_on_one_thread(device, max(W.numel() for W in Ws) * m):
        if n_params * m <= _JACOBIAN_BUDGET:
            theta = _ntk_jacobian(Ws, A, B, activation, sigma_w2)
        else:
            theta = _ntk_layerwise(Ws, A, B, activation, sigma_w2)
    return theta.cpu().numpy()


def ntk_deviation(X: np.ndarray, depth: int, width: int, activation: str, sigma_w2: float, n_seeds: int, seed: int,
                  device: str = "cpu") -> float:
    """Mean over `n_seeds` independent inits of ||Theta-hat - Theta||_F / ||Theta||_F on
    X x X: the empirical NTK (5.35)-(5.36) of a net with `depth` hidden layers of
    `width` units against its limit (5.46). It decays like width^(-1/2) (5.44)-(5.45).

    Weights are drawn with torch.Generator(device).manual_seed(seed), one net
    after the other, on `device` ("cpu" or "cuda"; RuntimeError when CUDA is
    asked for but absent). Returns a float.
    """
    depth = _check_depth(depth)
    if int(n_seeds) != n_seeds or n_seeds < 1:
        raise ValueError(f"n_seeds must be an integer >= 1, got {n_seeds!r}")
    if int(width) != width or width < 1:
        raise ValueError(f"width must be an integer >= 1, got {width!r}")
    X = np.asarray(X, dtype=np.float64)
    dev = _torch_device(device)
    limit = _as_tensor(ntk_kernel(X, X, depth, activation, sigma_w2), dev)
    Xt = _as_tensor(X, dev)
    widths = [X.shape[0]] + [int(width)] * depth + [1]
    gen = torch.Generator(device=dev).manual_seed(int(seed))
    total = 0.0
    with _small_on_one_thread(dev, _largest_product(widths, X.shape[1])):
        for _ in range(int(n_seeds)):
            weights = _draw_weights(widths, gen, dev)
            theta = _ntk_layerwise(weights, Xt, Xt, activation, sigma_w2)
            total += float(torch.linalg.norm(theta - limit) / torch.linalg.norm(limit))
    return total / int(n_seeds)


def linearized_prediction(K_test_train: np.ndarray, K_train_train: np.ndarray, f0_test: np.ndarray,
                          f0_train: np.ndarray, y_train: np.ndarray, lr: float, t: float) -> np.ndarray:
    """Prediction of the linearised model (5.5) trained in continuous time by
    gradient flow on the mean square loss, (5.12):

        f_lin,t = f0_test - K_test_train K^{-1} (I - exp(-lr K t / m)) (f0_train - y_train),

    K = K_train_train, m = number of training points. For symmetric K the
    matrix function is applied through its eigendecomposition, where
    (1 - exp(-lr lam t/m)) / lam -> lr t/m as lam -> 0. Returns shape (m_test,).
    """
    K = np.asarray(K_train_train, dtype=np.float64)
    Ks = np.atleast_2d(np.asarray(K_test_train, dtype=np.float64))
    r = np.asarray(f0_train, dtype=np.float64) - np.asarray(y_train, dtype=np.float64)
    f0_test = np.asarray(f0_test, dtype=np.float64)
    m = K.shape[0]
    if K.shape != (m, m) or Ks.shape[1] != m or r.shape != (m,):
        raise ValueError(f"inconsistent shapes: K_train_train {K.shape}, "
                         f"K_test_train {Ks.shape}, f0_train - y_train {r.shape}")
    if np.allclose(K, K.T, rtol=1e-12, atol=0.0):
        lam, V = np.linalg.eigh(0.5 * (K + K.T))
        step = V @ (_gd_coefficients(lam, lr, m, t=t) * (V.T @ r))
    else:
        step = np.linalg.solve(K, (np.eye(m) - scipy.linalg.expm(-lr * t / m * K)) @ r)
    return f0_test - Ks @ step


def train_vs_linearized(X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, width: int, depth: int, lr: float,
                        steps: int, seed: int, activation: str = "relu", sigma_w2: float = 2.0,
                        device: str = "cpu") -> tuple[float, float]:
    """Train the NTK-parameterised net (5.38) and its linearisation at init (5.5)
    by `steps` full-batch gradient descent steps of rate `lr` on the mean loss
    (1/2m)||y - f(X_train)||^2; returns (max_abs_diff, kernel_change).

    The linearised model has the discrete-time counterpart of (5.12):
    f_lin,k(X_test) = f0(X_test) - Theta0(test, train) Theta0^{-1}
    (I - (I - lr Theta0/m)^k) (f0(X_train) - y), Theta0 = the empirical NTK at init.
    max_abs_diff = max over test points of |f_k - f_lin,k|; kernel_change =
    ||Theta-hat_k - Theta-hat_0||_F / ||Theta-hat_0||_F on train x train. Both shrink
    with width. Weights drawn by torch.Generator(device).manual_seed(seed);
    gradients by manual backprop (5.29), (5.41)-(5.42). Returns a tuple of floats.
    """
    depth = _check_depth(depth)
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    if int(width) != width or width < 1:
        raise ValueError(f"width must be an integer >= 1, got {width!r}")
    Xtr, Xte = _check_inputs(X_train, X_test)
    y = np.asarray(y_train, dtype=np.float64).reshape(-1)
    m = Xtr.shape[1]
    if y.shape != (m,):
        raise ValueError(f"y_train must have shape ({m},), got {np.shape(y_train)}")
    _check_activation(activation)
    dev = _torch_device(device)
    Xtr_t, Xte_t, y_t = (_as_tensor(v, dev) for v in (Xtr, Xte, y))
    widths = [Xtr.shape[0]] + [int(width)] * depth + [1]
    with _small_on_one_thread(dev, _largest_product(widths, m + Xte.shape[1])):
        weights = _draw_weights(widths, torch.Generator(device=dev).manual_seed(int(seed)), dev)

        f0_train = _features(weights, Xtr_t, activation, sigma_w2)[0]
        f0_test = _features(weights, Xte_t, activation, sigma_w2)[0]
        K0 = _ntk_layerwise(weights, Xtr_t, Xtr_t, activation, sigma_w2)
        K0_test = _ntk_layerwise(weights, Xte_t, Xtr_t, activation, sigma_w2)
        lam, V = np.linalg.eigh(0.5 * (K0 + K0.T).cpu().numpy())
        r0 = (f0_train - y_t).cpu().numpy()
        step = V @ (_gd_coefficients(lam, lr, m, steps=int(steps)) * (V.T @ r0))
        f_lin = f0_test.cpu().numpy() - K0_test.cpu().numpy() @ step

        sigma_w = math.sqrt(sigma_w2)
        for _ in range(int(steps)):  # grad_{W_l} of (1/2m)||f - y||^2, by (5.42)
            f, xs, bs = _features(weights, Xtr_t, activation, sigma_w2)
            resid = (f - y_t) / m
            weights = [W - lr * (sigma_w / math.sqrt(W.shape[1])) * ((bs[l] * resid) @ xs[l].T)
                       for l, W in enumerate(weights)]
        f_test = _features(weights, Xte_t, activation, sigma_w2)[0].cpu().numpy()
        K = _ntk_layerwise(weights, Xtr_t, Xtr_t, activation, sigma_w2)
        change = float(torch.linalg.norm(K - K0) / torch.linalg.norm(K0))
    return float(np.max(np.abs(f_test - f_lin))), change


def du_gram_matrix(X: np.ndarray) -> np.ndarray:
    """Du et al.'s Gram matrix H^inf (5.148): E_w [w^T x_k >= 0][w^T x_l >= 0] x_k^T x_l
    = x_k^T x_l (pi - angle(x_k, x_l)) / (2 pi); for unit-norm columns the angle is
    arccos(x_k^T x_l). Computed in atan2 form (exact diagonal ||x_k||^2 / 2).
    X: (n_0, m); returns (m, m). Positive definite when no two columns are
    parallel (Theorem 17).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n_0, m), got {X.shape}")
    G = X.T @ X
    norms = np.diagonal(G)
    root = np.sqrt(np.maximum(np.outer(norms, norms) - G * G, 0.0))
    return G * (np.pi - np.arctan2(root, G)) / (2 * np.pi)


def alignment_residuals(H: np.ndarray, y: np.ndarray, u0: np.ndarray, t: np.ndarray) -> np.ndarray:
    """||u'(t) - y||^2 = sum_k exp(-2 lam_k t) (v_k^T (y - u(0)))^2 (5.151) for the
    linearised dynamics du'/dt = H (y - u') (5.147), solved by (5.149)-(5.150),
    with H = sum_k lam_k v_k v_k^T symmetric. Returns an array of t's shape.
    """
    H = np.asarray(H, dtype=np.float64)
    lam, V = np.linalg.eigh(0.5 * (H + H.T))
    proj = V.T @ (np.asarray(y, dtype=np.float64) - np.asarray(u0, dtype=np.float64))
    t = np.asarray(t, dtype=np.float64)
    return np.exp(-2.0 * np.multiply.outer(t, lam)) @ (proj * proj)
