"""Does the hw6 reference (the neural tangent kernel, notes chapter 5) agree with theory?

Each test compares the reference with an independent computation: 1-D
adaptive quadrature or 2-D Gauss-Hermite quadrature of the Gaussian integrals
(5.26)/(5.32) evaluated pair by pair, exact special cases, autodiff against
manual backprop, matrix exponentials, Sheppard's orthant formula, or a
simulation whose false-failure probability is stated beside it. Simulations
use fixed seeds, so each test is deterministic; the stated probability is the
chance that a fixed seed lands in the failing tail.
"""
import math

import numpy as np
import pytest
import scipy.linalg
import torch
from scipy import integrate
from scipy.special import erf, ndtr, roots_hermitenorm, roots_legendre

from solutions import hw6

pytestmark = pytest.mark.hw6

RTOL_QUAD = 1e-10  # the contract's accuracy for Gaussian expectations
RTOL_EXACT = 1e-12  # closed forms and identities: float64 round-off only
RTOL_AUTODIFF = 1e-10  # two float64 orders of summation of the same gradients


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """Small float64 products run faster on one thread when cores are shared."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _sphere(n0, m, seed, radius=None):
    """m columns on the sphere of radius sqrt(n0) (so q_1 = sigma_w2), not parallel."""
    X = np.random.default_rng(seed).standard_normal((n0, m))
    return X * ((radius or math.sqrt(n0)) / np.linalg.norm(X, axis=0))


# ------------------------------------------------- independent Gaussian integrals

def _gh2(f, g, a, b, q12, nodes=300):
    """E f(u) g(v), (u, v) ~ N(0, [[a, q12], [q12, b]]), by 2-D Gauss-Hermite."""
    z, w = roots_hermitenorm(nodes)
    w = w / math.sqrt(2 * math.pi)
    c = q12 / math.sqrt(a * b)
    s = math.sqrt(max(1 - c * c, 0.0))
    u = math.sqrt(a) * z[:, None]
    v = math.sqrt(b) * (c * z[:, None] + s * z[None, :])
    return float(w @ (f(u) * g(v)) @ w)


def _npdf(z):
    return math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _relu_quad(a, b, q12):
    """(E relu(u) relu(v), P(u > 0, v > 0)) by 1-D adaptive quadrature over z1 > 0,
    with the inner Gaussian integral over z2 in closed form."""
    c = q12 / math.sqrt(a * b)
    s = math.sqrt(1 - c * c)
    sb = math.sqrt(b)

    def inner(z1):  # E relu(mu + sd z2) = mu Phi(mu/sd) + sd phi(mu/sd)
        mu, sd = sb * c * z1, sb * s
        return mu * ndtr(mu / sd) + sd * _npdf(mu / sd)

    kw = dict(epsabs=0.0, epsrel=1e-13, limit=200)
    eff = integrate.quad(lambda z: math.sqrt(a) * z * inner(z) * _npdf(z), 0, np.inf, **kw)[0]
    edd = integrate.quad(lambda z: ndtr(c * z / s) * _npdf(z), 0, np.inf, **kw)[0]
    return eff, edd


def _dtanh(x):
    return 1.0 - np.tanh(x) ** 2


def _derf(x):
    return 2 / math.sqrt(math.pi) * np.exp(-x * x)


def _expectations(activation, a, b, q12):
    """(E phi phi, E phi' phi') computed independently of the reference."""
    if activation == "linear":
        return q12, 1.0
    if activation == "relu":
        if abs(q12) >= math.sqrt(a * b) * (1 - 1e-15):  # parallel: closed form of the diagonal
            return (a / 2, 0.5) if q12 > 0 else (0.0, 0.0)
        return _relu_quad(a, b, q12)
    f, df = {"tanh": (np.tanh, _dtanh), "erf": (erf, _derf)}[activation]
    return _gh2(f, f, a, b, q12), _gh2(df, df, a, b, q12)


def _kernels_pairwise(X1, X2, depth, activation, sigma_w2):
    """NNGP and NTK pair by pair: (5.26), (5.32) and the sum (5.46) as printed."""
    n0 = X1.shape[0]
    nngp = np.empty((X1.shape[1], X2.shape[1]))
    ntk = np.empty_like(nngp)
    for i in range(X1.shape[1]):
        for j in range(X2.shape[1]):
            x, xp = X1[:, i], X2[:, j]
            a, b, q12 = (sigma_w2 / n0 * float(u @ v) for u, v in [(x, x), (xp, xp), (x, xp)])
            qs, chis = [q12], []
            for _ in range(depth):
                eff, edd = _expectations(activation, a, b, q12)
                chis.append(sigma_w2 * edd)
                a = sigma_w2 * _expectations(activation, a, a, a)[0]
                b = sigma_w2 * _expectations(activation, b, b, b)[0]
                q12 = sigma_w2 * eff
                qs.append(q12)
            nngp[i, j] = qs[-1]
            ntk[i, j] = sum(qs[l] * math.prod(chis[l:]) for l in range(depth + 1))
    return nngp, ntk


# ------------------------------------------------------------- (5.26), (5.32)

@pytest.mark.parametrize("a,b,c", [(1.0, 1.0, 0.3), (2.0, 0.5, -0.7), (0.3, 3.0, 0.95),
                                   (1.5, 1.5, 0.999), (4.0, 2.0, -0.999)])
def test_relu_arc_cosine_matches_quadrature(a, b, c):
    """Do the arc-cosine formulas equal 1-D adaptive quadrature of (5.26), (5.32)?"""
    q12 = c * math.sqrt(a * b)
    eff, edd = hw6._pair_expectations("relu", np.array(a), np.array(b), np.array(q12))
    want = _relu_quad(a, b, q12)
    assert eff == pytest.approx(want[0], rel=RTOL_QUAD)
    assert edd == pytest.approx(want[1], rel=RTOL_QUAD)


@pytest.mark.parametrize("activation", ["erf", "tanh"])
@pytest.mark.parametrize("a,b,c", [(1.0, 1.0, 0.3), (2.0, 0.5, -0.7), (0.3, 1.7, 0.95),
                                   (1.5, 1.5, 0.999), (0.05, 2.0, -0.5)])
def test_smooth_expectations_match_gauss_hermite(activation, a, b, c):
    """Do erf's arcsin formula and tanh's trapezoidal rule equal 2-D Gauss-Hermite (300^2 nodes)?"""
    q12 = c * math.sqrt(a * b)
    eff, edd = hw6._pair_expectations(activation, np.array(a), np.array(b), np.array(q12))
    want = _expectations(activation, a, b, q12)
    assert eff == pytest.approx(want[0], rel=RTOL_QUAD)
    assert edd == pytest.approx(want[1], rel=RTOL_QUAD)


@pytest.mark.parametrize("q", [8.0, 30.0])
def test_tanh_at_large_variance_matches_gauss_legendre(q):
    """Where Gauss-Hermite fails (q >> 1), does the trapezoidal rule match 2-D Gauss-Legendre
    with 1500^2 nodes on [-9, 9]^2 (the poles of tanh sit pi/(2 sqrt q) off the axis)?"""
    c = 0.6
    eff, edd = hw6._pair_expectations("tanh", np.array(q), np.array(q), np.array(c * q))
    x, w = roots_legendre(1500)
    z, w = 9 * x, 9 * w * np.exp(-40.5 * x * x) / math.sqrt(2 * math.pi)
    u = math.sqrt(q) * z[:, None]
    v = math.sqrt(q) * (c * z[:, None] + math.sqrt(1 - c * c) * z[None, :])
    assert eff == pytest.approx(w @ (np.tanh(u) * np.tanh(v)) @ w, rel=1e-11)
    assert edd == pytest.approx(w @ (_dtanh(u) * _dtanh(v)) @ w, rel=1e-11)


def test_tanh_trapezoid_is_converged():
    """Does halving the trapezoidal step change the tanh expectations by < 1e-12?"""
    a = np.array([0.2, 1.0, 3.0, 12.0])[:, None]
    b = np.array([0.5, 2.0, 9.0])[None, :]
    q12 = 0.8 * np.sqrt(a * b)
    coarse = hw6._tanh_pairs(a, b, q12)
    step = hw6._TRAP_STEP
    try:
        hw6._TRAP_STEP = step / 2
        fine = hw6._tanh_pairs(a, b, q12)
    finally:
        hw6._TRAP_STEP = step
    for got, want in zip(coarse, fine):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("activation,sigma_w2", [("relu", 2.0), ("relu", 1.3), ("erf", 1.7),
                                                 ("tanh", 1.5), ("linear", 0.9)])
def test_kernels_match_pairwise_recursion(activation, sigma_w2):
    """Do the vectorised NNGP (5.26) and NTK (5.46) equal a pair-by-pair evaluation with
    independent quadrature and the printed sum over layers?"""
    # norms^2 in [0.3, 1.4] n0, so that q_1 <= 2.4 where 300 Gauss-Hermite nodes suffice
    X1 = _sphere(3, 4, 3) * np.sqrt([0.3, 0.7, 1.0, 1.4])
    X2 = np.concatenate([X1[:, :1], _sphere(3, 2, 4) * np.sqrt([0.5, 1.2])], axis=1)  # one shared
    depth = 3
    nngp, ntk = _kernels_pairwise(X1, X2, depth, activation, sigma_w2)
    np.testing.assert_allclose(hw6.nngp_kernel(X1, X2, depth, activation, sigma_w2), nngp,
                               rtol=1e-9, atol=0)
    np.testing.assert_allclose(hw6.ntk_kernel(X1, X2, depth, activation, sigma_w2), ntk,
                               rtol=1e-9, atol=0)


def test_relu_he_diagonal_is_exact():
    """With sigma_w2 = 2 (He), is q_l(x, x) = 2|x|^2/n0 and Theta(x, x) = (L+1) q_1 to round-off?"""
    X = np.random.default_rng(4).standard_normal((7, 30))
    q1 = 2.0 * np.sum(X * X, axis=0) / 7
    for depth in [1, 4, 9]:
        np.testing.assert_allclose(np.diag(hw6.nngp_kernel(X, X, depth)), q1, rtol=RTOL_EXACT)
        np.testing.assert_allclose(np.diag(hw6.ntk_kernel(X, X, depth)), (depth + 1) * q1,
                                   rtol=RTOL_EXACT)


def test_linear_kernels_in_closed_form():
    """For phi(z) = z: q_{L+1} = s^{L+1} x^T x'/n0 and Theta = (L+1) s^{L+1} x^T x'/n0?"""
    rng = np.random.default_rng(5)
    X1, X2 = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    s, depth = 1.3, 3
    gram = X1.T @ X2 / 4
    np.testing.assert_allclose(hw6.nngp_kernel(X1, X2, depth, "linear", s), s ** 4 * gram,
                               rtol=RTOL_EXACT)
    np.testing.assert_allclose(hw6.ntk_kernel(X1, X2, depth, "linear", s), 4 * s ** 4 * gram,
                               rtol=RTOL_EXACT)


def test_depth_zero_is_the_input_kernel():
    """With no hidden layer, are NNGP and NTK both q_1 = sigma_w2 x^T x'/n0 (5.26)?"""
    X = np.random.default_rng(6).standard_normal((3, 4))
    for activation in ["relu", "tanh", "erf", "linear"]:
        for fn in (hw6.nngp_kernel, hw6.ntk_kernel):
            np.testing.assert_allclose(fn(X, X, 0, activation, 1.7), 1.7 * X.T @ X / 3,
                                       rtol=RTOL_EXACT)


def test_kernels_transpose_and_relu_homogeneity():
    """Is K(X2, X1) = K(X1, X2)^T, and for relu K(c X1, X2) = c K(X1, X2), c > 0?"""
    rng = np.random.default_rng(7)
    X1, X2 = rng.standard_normal((5, 6)), rng.standard_normal((5, 4))
    for activation in ["relu", "erf", "tanh"]:
        for fn in (hw6.nngp_kernel, hw6.ntk_kernel):
            np.testing.assert_allclose(fn(X2, X1, 2, activation, 1.4),
                                       fn(X1, X2, 2, activation, 1.4).T, rtol=1e-12)
    for fn in (hw6.nngp_kernel, hw6.ntk_kernel):
        np.testing.assert_allclose(fn(2.5 * X1, X2, 3), 2.5 * fn(X1, X2, 3), rtol=1e-12)


def test_depth_one_relu_ntk_contains_du_gram_matrix():
    """For depth 1, relu, sigma_w2 = 2: is Theta - q_2 (the first-layer term q_1 chi_1)
    equal to (4/n0) H^inf (5.148)?"""
    X = _sphere(6, 8, 8, radius=1.0)
    first_layer = hw6.ntk_kernel(X, X, 1) - hw6.nngp_kernel(X, X, 1)
    np.testing.assert_allclose(first_layer, 4 / 6 * hw6.du_gram_matrix(X), rtol=1e-12, atol=1e-15)


def test_theorem_17_positive_definite_unless_parallel():
    """Are the limit NTK and H^inf positive definite for non-parallel inputs (Theorem 17),
    and singular when one input is a positive multiple of another?"""
    X = _sphere(5, 10, 9, radius=1.0)
    assert np.linalg.eigvalsh(hw6.du_gram_matrix(X)).min() > 1e-3
    assert np.linalg.eigvalsh(hw6.ntk_kernel(X, X, 2)).min() > 1e-3
    Xp = X.copy()
    Xp[:, 1] = 3.0 * Xp[:, 0]
    assert abs(np.linalg.eigvalsh(hw6.du_gram_matrix(Xp)).min()) < 1e-12
    assert abs(np.linalg.eigvalsh(hw6.ntk_kernel(Xp, Xp, 2)).min()) < 1e-11


def test_closed_forms_handle_thousands_of_inputs():
    """On 2000 x 2000 pairs, are the depth-3 relu NTK and erf NNGP finite, symmetric, and equal
    to the same kernels computed pair by pair on a sample of pairs? (Their speed:
    benchmarks/hw6_kernels.py.)"""
    X = np.random.default_rng(10).standard_normal((10, 2000))
    K = hw6.ntk_kernel(X, X, 3)
    G = hw6.nngp_kernel(X, X, 3, "erf", 1.5)
    for M in (K, G):
        assert M.shape == (2000, 2000) and np.isfinite(M).all()
        np.testing.assert_allclose(M, M.T, rtol=RTOL_EXACT, atol=0)
    idx = np.random.default_rng(11).integers(0, 2000, size=(20, 2))
    for i, j in idx:
        pair = X[:, [i, j]]
        np.testing.assert_allclose(hw6.ntk_kernel(pair, pair, 3)[0, 1], K[i, j], rtol=RTOL_EXACT)
        np.testing.assert_allclose(hw6.nngp_kernel(pair, pair, 3, "erf", 1.5)[0, 1], G[i, j], rtol=RTOL_EXACT)


@pytest.mark.parametrize("fn", ["nngp_kernel", "ntk_kernel"])
def test_kernel_errors(fn):
    """Unknown activations, mismatched input dimensions and negative depths raise ValueError?"""
    X = np.ones((3, 2))
    with pytest.raises(ValueError):
        getattr(hw6, fn)(X, X, 2, "softplus")
    with pytest.raises(ValueError):
        getattr(hw6, fn)(X, np.ones((4, 2)), 2)
    with pytest.raises(ValueError):
        getattr(hw6, fn)(X, X, -1)


# ------------------------------------------------------ empirical NTK (5.34)-(5.36)

def _net(widths, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n_out, n_in)) for n_in, n_out in zip(widths[:-1], widths[1:])]


@pytest.mark.parametrize("activation", ["relu", "tanh", "erf", "linear"])
def test_jacobian_and_layerwise_methods_agree(activation):
    """Do torch.func Jacobians and the per-layer sums (5.35)-(5.36) give the same kernel?"""
    weights = [torch.tensor(W) for W in _net([4, 32, 16, 24, 1], 11)]
    X1 = torch.tensor(np.random.default_rng(12).standard_normal((4, 5)))
    X2 = torch.tensor(np.random.default_rng(13).standard_normal((4, 3)))
    jac = hw6._ntk_jacobian(weights, X1, X2, activation, 1.6).numpy()
    lay = hw6._ntk_layerwise(weights, X1, X2, activation, 1.6).numpy()
    np.testing.assert_allclose(lay, jac, rtol=RTOL_AUTODIFF, atol=1e-14 * np.abs(jac).max())


def test_empirical_ntk_of_a_deep_linear_net_in_closed_form():
    """For f = s/sqrt(n0 n1) W1 W0 x: Theta-hat = s^2/(n0 n1) (|W1|^2 x^T x' + x^T W0^T W0 x')?"""
    s = 1.7
    W0, W1 = _net([3, 20, 1], 14)
    X = np.random.default_rng(15).standard_normal((3, 4))
    want = s * s / 60 * (np.sum(W1 ** 2) * X.T @ X + (W0 @ X).T @ (W0 @ X))
    got = hw6.empirical_ntk([W0, W1], X, X, "linear", s)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_empirical_ntk_without_hidden_layer_ignores_the_weights():
    """For f = s/sqrt(n0) W0 x, is Theta-hat = s x^T x'/n0 whatever W0 is?"""
    X1, X2 = np.random.default_rng(16).standard_normal((2, 5, 3))
    got = hw6.empirical_ntk(_net([5, 1], 17), X1, X2, "relu", 2.0)
    np.testing.assert_allclose(got, 2.0 * X1.T @ X2 / 5, rtol=1e-12)


def test_empirical_ntk_is_a_gram_matrix():
    """Is Theta-hat(X, X) symmetric positive semi-definite with rank <= number of parameters?"""
    X = np.random.default_rng(18).standard_normal((3, 12))
    K = hw6.empirical_ntk(_net([3, 2, 1], 19), X, X, "tanh", 1.0)  # 8 parameters
    np.testing.assert_allclose(K, K.T, rtol=1e-13)
    lam = np.linalg.eigvalsh(K)
    assert lam.min() > -1e-12 * lam.max()
    assert np.sum(lam > 1e-10 * lam.max()) <= 8


def test_empirical_ntk_at_width_4096_is_within_a_few_percent_of_the_limit():
    """Is ||Theta-hat - Theta||_F/||Theta||_F < 0.12 at width 4096, depth 2 (5.45)-(5.46)?
    It also exercises the switch to the per-layer method (the Jacobian would not fit
    the budget). Over 30 draws the error had mean 0.042, sd 0.014, max 0.080; 0.12 is
    5.6 sd above the mean."""
    X = _sphere(4, 6, 20)
    weights = _net([4, 4096, 4096, 1], 21)
    got = hw6.empirical_ntk(weights, X, X, "relu", 2.0)
    want = hw6.ntk_kernel(X, X, 2, "relu", 2.0)
    assert np.linalg.norm(got - want) / np.linalg.norm(want) < 0.12


def test_empirical_ntk_errors():
    """Do an unknown activation and weights that do not fit the inputs raise ValueError?"""
    X = np.ones((3, 2))
    with pytest.raises(ValueError):
        hw6.empirical_ntk(_net([3, 4, 1], 0), X, X, "gelu", 2.0)
    with pytest.raises(ValueError):
        hw6.empirical_ntk(_net([5, 4, 1], 0), X, X, "relu", 2.0)


# ---------------------------------------------------------------- ntk_deviation

def test_deviation_decays_like_inverse_square_root_of_width():
    """Is the log-log slope of the mean deviation over widths 2^6..2^12 (depth 1, relu,
    16 inits per width) within 0.15 of -1/2? Over 60 seeds the slope had mean -0.498,
    sd 0.030, range [-0.565, -0.434]: 0.15 is 5 sd (false-failure probability ~ 1e-6)."""
    X = _sphere(4, 6, 1)
    widths = 2 ** np.arange(6, 13)
    dev = [hw6.ntk_deviation(X, 1, int(n), "relu", 2.0, 16, 0) for n in widths]
    slope = np.polyfit(np.log(widths), np.log(dev), 1)[0]
    assert abs(slope + 0.5) < 0.15


@pytest.mark.slow
def test_deviation_decays_at_depth_two():
    """At depth 2 (tanh and relu), does the mean deviation over widths 2^6..2^10 also have a
    slope within 0.2 of -1/2? (3 seeds per activation gave slopes -0.46..-0.54 at relu.)"""
    X = _sphere(4, 6, 1)
    widths = 2 ** np.arange(6, 11)
    for activation, s2 in [("relu", 2.0), ("tanh", 1.5)]:
        dev = [hw6.ntk_deviation(X, 2, int(n), activation, s2, 8, 1) for n in widths]
        assert abs(np.polyfit(np.log(widths), np.log(dev), 1)[0] + 0.5) < 0.2


def test_deviation_is_a_function_of_the_seed():
    """Same seed, same value; another seed, another value; device='cpu' is the default?"""
    X = _sphere(3, 4, 2)
    a = hw6.ntk_deviation(X, 2, 64, "erf", 1.5, 3, 7)
    assert a == hw6.ntk_deviation(X, 2, 64, "erf", 1.5, 3, 7, device="cpu")
    assert a != hw6.ntk_deviation(X, 2, 64, "erf", 1.5, 3, 8)
    assert isinstance(a, float) and a > 0


def test_deviation_of_one_init_is_the_empirical_ntk_error():
    """With n_seeds = 1, is the deviation ||Theta-hat - Theta||_F/||Theta||_F of the net drawn
    by torch.Generator().manual_seed(seed) in layer order?"""
    X = _sphere(3, 5, 3)
    gen = torch.Generator().manual_seed(5)
    weights = [torch.randn(o, i, generator=gen, dtype=torch.float64).numpy()
               for i, o in [(3, 50), (50, 50), (50, 1)]]
    want = hw6.ntk_kernel(X, X, 2, "tanh", 1.2)
    got = hw6.empirical_ntk(weights, X, X, "tanh", 1.2)
    dev = np.linalg.norm(got - want) / np.linalg.norm(want)
    assert hw6.ntk_deviation(X, 2, 50, "tanh", 1.2, 1, 5) == pytest.approx(dev, rel=1e-10)


def test_device_errors():
    """Is an unknown device a ValueError, and CUDA without a GPU a RuntimeError naming the fix?"""
    X = _sphere(3, 4, 2)
    with pytest.raises(ValueError):
        hw6.ntk_deviation(X, 1, 8, "relu", 2.0, 1, 0, device="tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="device='cpu'"):
            hw6.ntk_deviation(X, 1, 8, "relu", 2.0, 1, 0, device="cuda")
        with pytest.raises(RuntimeError, match="cuda"):
            hw6.train_vs_linearized(X, np.ones(4), X, 8, 1, 0.1, 1, 0, device="cuda")
    with pytest.raises(ValueError):
        hw6.ntk_deviation(X, 1, 8, "relu", 2.0, 0, 0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_deviation_on_cuda():
    """On a GPU: does the mean deviation at width 2^10 agree with the CPU's, and fall by
    a factor ~4 from width 2^10 to 2^14 (depth 2)? Each mean over 32 inits has a log sd
    of about 0.07, so a log ratio has sd ~0.1 and the bounds +-0.5 are 5 sd."""
    X = _sphere(4, 6, 1)
    small = hw6.ntk_deviation(X, 2, 2 ** 10, "relu", 2.0, 32, 0, device="cuda")
    cpu = hw6.ntk_deviation(X, 2, 2 ** 10, "relu", 2.0, 32, 1)
    large = hw6.ntk_deviation(X, 2, 2 ** 14, "relu", 2.0, 32, 2, device="cuda")
    assert abs(math.log(small / cpu)) < 0.5
    assert abs(math.log(large / small) - math.log(0.25)) < 0.5


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_empirical_ntk_methods_agree_on_cuda():
    """On a GPU, do the Jacobian and per-layer methods agree at width 2^12, depth 2?"""
    gen = torch.Generator(device="cuda").manual_seed(0)
    weights = hw6._draw_weights([4, 4096, 4096, 1], gen, torch.device("cuda"))
    X = torch.randn(4, 6, generator=gen, dtype=torch.float64, device="cuda")
    jac = hw6._ntk_jacobian(weights, X, X, "relu", 2.0)
    lay = hw6._ntk_layerwise(weights, X, X, "relu", 2.0)
    assert float(torch.max(torch.abs(jac - lay)) / torch.max(torch.abs(lay))) < 1e-10


# ---------------------------------------------------- linearised dynamics (5.5)-(5.12)

def _spd(m, seed, spread=1.0):
    A = np.random.default_rng(seed).standard_normal((m, m))
    return A @ A.T / m + spread * np.eye(m)


def test_linearized_prediction_matches_expm():
    """Does (5.12) agree with scipy's expm and a linear solve?"""
    rng = np.random.default_rng(30)
    m, mt = 6, 4
    K = _spd(m, 31)
    Ks = rng.standard_normal((mt, m))
    f0t, f0, y = rng.standard_normal(mt), rng.standard_normal(m), rng.standard_normal(m)
    for lr, t in [(0.5, 0.0), (0.5, 3.0), (2.0, 40.0)]:
        want = f0t - Ks @ np.linalg.solve(K, (np.eye(m) - scipy.linalg.expm(-lr * t / m * K)) @ (f0 - y))
        got = hw6.linearized_prediction(Ks, K, f0t, f0, y, lr, t)
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-13)


def test_linearized_prediction_on_the_training_set_is_5_9():
    """With test = train, is f_lin,t = y + exp(-lr K t/m)(f0 - y) (5.9), reaching y as t -> oo?"""
    rng = np.random.default_rng(32)
    K = _spd(5, 33)
    f0, y = rng.standard_normal(5), rng.standard_normal(5)
    for t in [0.0, 1.0, 7.0]:
        want = y + scipy.linalg.expm(-0.3 * t / 5 * K) @ (f0 - y)
        np.testing.assert_allclose(hw6.linearized_prediction(K, K, f0, f0, y, 0.3, t), want,
                                   rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(hw6.linearized_prediction(K, K, f0, f0, y, 0.3, 1e6), y, rtol=1e-10)


def test_linearized_prediction_with_a_singular_kernel_stays_finite():
    """With a zero eigenvalue, does K^{-1}(I - e^{-lr K t/m}) take its limit lr t/m on it
    (compared with a slightly regularised kernel)?"""
    rng = np.random.default_rng(34)
    A = rng.standard_normal((4, 2))
    K = A @ A.T  # rank 2
    Ks = rng.standard_normal((3, 4))
    f0t, f0, y = rng.standard_normal(3), rng.standard_normal(4), rng.standard_normal(4)
    got = hw6.linearized_prediction(Ks, K, f0t, f0, y, 1.0, 2.0)
    near = hw6.linearized_prediction(Ks, K + 1e-9 * np.eye(4), f0t, f0, y, 1.0, 2.0)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, near, rtol=1e-7, atol=1e-8)


def test_discrete_gd_factor():
    """Is the spectral factor (1 - (1 - lr lam/m)^k)/lam exact, with limit k lr/m at lam = 0,
    also past the stability threshold lr lam/m > 1?"""
    lam = np.array([0.0, 1e-12, 0.3, 2.0, 9.0])
    got = hw6._gd_coefficients(lam, 1.0, 4, steps=7)
    with np.errstate(invalid="ignore", divide="ignore"):
        want = (1 - (1 - lam / 4) ** 7) / lam
    want[:2] = 7 / 4  # the limit; the direct formula loses 4 digits at lam = 1e-12
    np.testing.assert_allclose(got, want, rtol=1e-10)


def _train_with_autograd(Xtr, y, Xte, width, depth, lr, steps, seed, activation, sigma_w2):
    """An independent (f_k(test), f_lin,k(test), Theta_0, Theta_k): torch autograd for the
    gradients, Jacobians for the kernels, a matrix power and a solve for the linear model."""
    gen = torch.Generator().manual_seed(seed)
    widths = [Xtr.shape[0]] + [width] * depth + [1]
    params = [torch.randn(o, i, generator=gen, dtype=torch.float64).requires_grad_()
              for i, o in zip(widths[:-1], widths[1:])]
    phi = hw6._phi_torch(activation)
    s = math.sqrt(sigma_w2)

    def f(ps, X):
        x = torch.tensor(X)
        for l, W in enumerate(ps):
            x = s / math.sqrt(W.shape[1]) * (W @ (phi(x) if l else x))
        return x[0]

    def kernel(ps, X1, X2):
        def jac(X):
            rows = []
            for i in range(X.shape[1]):
                g = torch.autograd.grad(f(ps, X[:, i:i + 1])[0], ps)
                rows.append(torch.cat([gi.reshape(-1) for gi in g]))
            return torch.stack(rows)
        return (jac(X1) @ jac(X2).T).detach().numpy()

    m = Xtr.shape[1]
    K0, K0s = kernel(params, Xtr, Xtr), kernel(params, Xte, Xtr)
    f0, f0t = f(params, Xtr).detach().numpy(), f(params, Xte).detach().numpy()
    A = np.eye(m) - np.linalg.matrix_power(np.eye(m) - lr / m * K0, steps)
    flin = f0t - K0s @ np.linalg.solve(K0, A @ (f0 - y))
    yt = torch.tensor(y)
    for _ in range(steps):
        loss = 0.5 / m * torch.sum((f(params, Xtr) - yt) ** 2)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for W, g in zip(params, grads):
                W -= lr * g
    return f(params, Xte).detach().numpy(), flin, K0, kernel(params, Xtr, Xtr)


@pytest.mark.parametrize("activation,sigma_w2,depth", [("relu", 2.0, 2), ("tanh", 1.5, 1)])
def test_train_vs_linearized_matches_autograd_training(activation, sigma_w2, depth):
    """Do max |f_k - f_lin,k| and the kernel change equal an independent computation
    with autograd, Jacobians, a matrix power and a solve?"""
    Xtr, Xte = _sphere(3, 5, 40), _sphere(3, 3, 41)
    y = np.sin(2 * Xtr[0])
    fk, flin, K0, Kk = _train_with_autograd(Xtr, y, Xte, 24, depth, 0.3, 25, 9, activation, sigma_w2)
    diff, change = hw6.train_vs_linearized(Xtr, y, Xte, 24, depth, 0.3, 25, 9, activation, sigma_w2)
    assert diff == pytest.approx(np.max(np.abs(fk - flin)), rel=1e-8)
    assert change == pytest.approx(np.linalg.norm(Kk - K0) / np.linalg.norm(K0), rel=1e-8)


def test_train_vs_linearized_at_step_zero():
    """With no step, do the net and its linearisation coincide, with an unchanged kernel?"""
    Xtr, Xte = _sphere(3, 4, 42), _sphere(3, 2, 43)
    assert hw6.train_vs_linearized(Xtr, np.ones(4), Xte, 16, 2, 0.5, 0, 1) == (0.0, 0.0)


def test_trained_and_linearised_nets_agree_better_as_width_grows():
    """Do the geometric means over 6 seeds of max |f_k - f_lin,k| and of the kernel change
    fall by more than a factor 2 from each width to the next (64, 512, 4096; depth 1, relu)?
    Measured: both fall by ~4-5x per factor 8 of width, and the log of one run has sd ~0.5,
    so the mean of 6 has sd ~0.2 and a factor 2 (log 0.69) leaves > 4 sd of room."""
    Xtr, Xte = _sphere(4, 6, 44), _sphere(4, 4, 45)
    y = np.sin(Xtr[0])
    logs = []
    for width in [64, 512, 4096]:
        runs = np.array([hw6.train_vs_linearized(Xtr, y, Xte, width, 1, 0.5, 100, s)
                         for s in range(6)])
        logs.append(np.log(runs).mean(axis=0))
    logs = np.array(logs)
    assert (np.diff(logs, axis=0) < -math.log(2)).all(), np.exp(logs)


# ------------------------------------------------------------ (5.148)-(5.151)

def test_du_gram_matches_sheppards_formula():
    """Is H^inf_kl = x_k^T x_l P(w^T x_k >= 0, w^T x_l >= 0), with the orthant probability
    1/4 + arcsin(x_k^T x_l)/(2 pi) (Sheppard), for unit columns?"""
    X = _sphere(6, 7, 50, radius=1.0)
    G = X.T @ X
    want = G * (0.25 + np.arcsin(np.clip(G, -1, 1)) / (2 * np.pi))
    H = hw6.du_gram_matrix(X)
    off = ~np.eye(7, dtype=bool)  # arcsin loses half the digits at G_kk = 1 - ulp
    np.testing.assert_allclose(H[off], want[off], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.diag(H), 0.5, rtol=RTOL_EXACT)


def test_du_gram_matches_simulation():
    """Is the width-n average H(0) of (5.146) within 5 standard errors of H^inf in every
    entry? (4.5 sd two-sided per entry: 6.8e-6, 28 distinct entries: ffp < 2e-4.)"""
    X = _sphere(4, 7, 51, radius=1.0)
    W = np.random.default_rng(52).standard_normal((200_000, 4))
    act = (W @ X >= 0).astype(float)
    terms = (act[:, :, None] * act[:, None, :]) * (X.T @ X)
    mean, se = terms.mean(axis=0), terms.std(axis=0) / math.sqrt(len(W))
    H = hw6.du_gram_matrix(X)
    assert (np.abs(mean - H) <= 4.5 * se + 1e-15).all()


def test_alignment_residuals_match_the_ode_solution():
    """Is (5.151) the squared norm of u'(t) - y with u'(t) = y + e^{-H t}(u0 - y) (5.149)?"""
    X = _sphere(5, 6, 53, radius=1.0)
    H = hw6.du_gram_matrix(X)
    rng = np.random.default_rng(54)
    y, u0 = np.sign(rng.standard_normal(6)), 0.1 * rng.standard_normal(6)
    t = np.array([0.0, 0.5, 3.0, 20.0])
    want = [np.sum((scipy.linalg.expm(-H * s) @ (u0 - y)) ** 2) for s in t]
    got = hw6.alignment_residuals(H, y, u0, t)
    assert got.shape == t.shape
    np.testing.assert_allclose(got, want, rtol=1e-11)
    assert got[0] == pytest.approx(np.sum((y - u0) ** 2), rel=1e-13)
    assert (np.diff(got) < 0).all()


def test_alignment_with_eigenvector_labels():
    """With y - u0 along the top eigenvector of H, is the residual |y - u0|^2 e^{-2 lam_1 t}?"""
    H = _spd(5, 55)
    lam, V = np.linalg.eigh(H)
    t = np.linspace(0, 2, 5)
    got = hw6.alignment_residuals(H, 2 * V[:, -1], np.zeros(5), t)
    np.testing.assert_allclose(got, 4 * np.exp(-2 * lam[-1] * t), rtol=1e-11)
