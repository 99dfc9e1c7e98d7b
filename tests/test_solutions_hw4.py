"""Does the hw4 reference agree with theory computed independently?

Independent routes: explicit formulas and scipy/math for the activations,
matrices of known rank for numerical_rank, closed-form probabilities for
relu features with m = 1 and m = 2, scipy's pseudo-inverse for the output
layer, torch autograd for the gradient-descent steps, Gauss-Hermite
quadrature (cross-checked against closed forms) for the expected initial
loss, and the reduced-rank regression bound for deep linear nets.

Every statistical test states its false-failure probability (ffp).
"""
import math

import numpy as np
import pytest
import scipy.linalg
from scipy import integrate
from scipy.stats import norm

import solutions.hw4 as hw4

ACTS = ["linear", "relu", "tanh", "erf", "sigmoid", "square"]
ANALYTIC = ["tanh", "erf", "sigmoid"]
Z_CRIT = 5.0          # two-sided normal ffp 5.7e-7 per test


def _phi_explicit(name, z):
    """The activations written out one value at a time, with math's functions."""
    f = {"linear": lambda t: t, "relu": lambda t: max(t, 0.0), "tanh": math.tanh,
         "erf": math.erf, "sigmoid": lambda t: 1.0 / (1.0 + math.exp(-t)),
         "square": lambda t: t * t}[name]
    return np.vectorize(f)(z)


def _gauss_expect(g, h=0.01, zmax=40.0):
    """E g(z), z ~ N(0, 1), by the trapezoid rule on a grid through 0.

    For integrands analytic in a strip |Im z| < d the error is about
    exp(-2 pi d / h) (tanh(s z): d = pi / (2 s)), far below 1e-12 here, and
    Gauss-Hermite converges slowly for tanh at large s (5e-10 with 200
    nodes at s = 1.7). For relu^2 all odd derivatives of z^2 pdf(z) vanish
    at the kink, so the rule stays exact to round-off there too.
    """
    z = np.arange(-zmax, zmax + h / 2, h)
    return float(h * np.sum(g(z) * np.exp(-z * z / 2)) / math.sqrt(2 * math.pi))


def _mean_sq_activation(name, s):
    """E phi(s z)^2 by quadrature (closed forms are tested against it below)."""
    phi, _ = hw4._activation(name)
    return _gauss_expect(lambda z: phi(s * z) ** 2)


def _expected_initial_loss(X, Y, activation):
    """E over the init of 1/2 ||Y - W1 phi(W0 X)||^2, W0 ~ N(0, 1/n0), W1 ~ N(0, 1/n1).

    W1 is independent of W0 with mean zero, so the cross term vanishes and
    E ||W1 X1||^2 = (n2 / n1) E ||X1||_F^2; each entry of row j of X1 is
    phi(s_i z) with s_i = ||x_i|| / sqrt(n0).
    """
    n0, n2 = X.shape[0], Y.shape[0]
    s = np.linalg.norm(X, axis=0) / math.sqrt(n0)
    return 0.5 * np.sum(Y ** 2) + 0.5 * n2 * sum(_mean_sq_activation(activation, si) for si in s)


# ---------------------------------------------------------------- activations

@pytest.mark.parametrize("act", ACTS)
def test_hidden_features_match_explicit_formulas(act):
    """Is X_1 = phi(W_0 X) entry by entry, for every activation?"""
    rng = np.random.default_rng(0)
    W0, X = rng.standard_normal((4, 3)), 2 * rng.standard_normal((3, 6))
    H = np.array([[sum(W0[j, k] * X[k, i] for k in range(3)) for i in range(6)] for j in range(4)])
    got = hw4.hidden_features(W0, X, act)
    assert got.shape == (4, 6) and got.dtype == np.float64
    np.testing.assert_allclose(got, _phi_explicit(act, H), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("fn, args", [
    (hw4.hidden_features, (np.eye(2), np.eye(2), "softplus")),
    (hw4.full_rank_probability, (2, 3, 3, "Tanh", 5, 0)),
    (hw4.train_two_layer, (np.eye(2), np.eye(2), 3, "gelu", 0.1, 2, 0)),
])
def test_unknown_activation_raises(fn, args):
    """Is an unknown activation name a ValueError?"""
    with pytest.raises(ValueError):
        fn(*args)


@pytest.mark.parametrize("act", ACTS)
def test_derivatives_match_finite_differences(act):
    """Is each phi' (used by the W_0 gradient, (3.6)) the derivative of phi?"""
    phi, dphi = hw4._activation(act)
    z = np.linspace(-3, 3, 13) + 0.05          # avoid the relu kink at 0
    h = 1e-6
    np.testing.assert_allclose(dphi(z), (phi(z + h) - phi(z - h)) / (2 * h), rtol=1e-7, atol=1e-8)


def test_quadrature_matches_closed_forms():
    """Does the quadrature used below reproduce the closed forms of E phi(s z)^2?"""
    for s in [0.3, 1.0, 1.7]:
        assert _mean_sq_activation("linear", s) == pytest.approx(s * s, rel=1e-12)
        assert _mean_sq_activation("square", s) == pytest.approx(3 * s ** 4, rel=1e-12)
        assert _mean_sq_activation("relu", s) == pytest.approx(s * s / 2, rel=1e-12)
        # erf: E erf(sz)^2 = (2/pi) arcsin(2 s^2 / (1 + 2 s^2))
        assert _mean_sq_activation("erf", s) == pytest.approx(
            2 / math.pi * math.asin(2 * s * s / (1 + 2 * s * s)), rel=1e-10)
        for act in ["tanh", "sigmoid"]:       # no closed form: adaptive quadrature
            phi, _ = hw4._activation(act)
            q = integrate.quad(lambda z: phi(s * z) ** 2 * norm.pdf(z), -40, 40, points=[0],
                               epsabs=1e-15, epsrel=1e-12, limit=200)[0]
            assert _mean_sq_activation(act, s) == pytest.approx(q, rel=1e-11)


# ---------------------------------------------------------------- ranks

def _matrix_with_singular_values(s, shape, seed):
    rng = np.random.default_rng(seed)
    u = scipy.linalg.qr(rng.standard_normal((shape[0], shape[0])))[0][:, :len(s)]
    v = scipy.linalg.qr(rng.standard_normal((shape[1], shape[1])))[0][:, :len(s)]
    return (u * s) @ v.T


@pytest.mark.parametrize("s, shape, rank", [
    ([3.0, 2.0, 1.0], (5, 4), 3),
    ([1.0, 1.0, 1.0, 1.0], (4, 7), 4),
    ([1.0, 1e-9], (3, 3), 2),          # far above the default tolerance 3 eps
    ([1.0, 1e-13], (6, 6), 2),         # 1e-13 > 6 eps = 1.3e-15: still counted
    ([1.0, 0.0], (6, 6), 1),           # round-off of the exact zero stays below tol
])
def test_numerical_rank_of_constructed_matrices(s, shape, rank):
    """Is the rank that of a matrix built from known singular values?"""
    got = hw4.numerical_rank(_matrix_with_singular_values(np.array(s), shape, seed=1))
    assert got == rank and type(got) is int


def test_numerical_rank_zero_and_duplicate_rows():
    """Is the zero matrix rank 0, and a repeated row not counted twice?"""
    assert hw4.numerical_rank(np.zeros((3, 4))) == 0
    a = np.random.default_rng(2).standard_normal((3, 5))
    assert hw4.numerical_rank(np.vstack([a, a[:1]])) == 3


def test_odd_activation_loses_rank_on_antipodal_inputs():
    """Do x and -x give dependent columns for odd phi (tanh) and equal ones for square?

    Lemma 1 asks only x_i != x_j; without biases that is not enough.
    """
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 4))
    X = np.hstack([X, -X[:, :1]])                      # 5 inputs, one antipodal pair
    W0 = rng.standard_normal((10, 3)) / math.sqrt(3)
    assert hw4.numerical_rank(hw4.hidden_features(W0, X, "tanh")) == 4
    assert hw4.numerical_rank(hw4.hidden_features(W0, X, "square")) == 4
    assert hw4.numerical_rank(hw4.hidden_features(W0, X, "sigmoid")) == 5


@pytest.mark.parametrize("n0, n1, m, act, want", [
    (4, 10, 10, "tanh", 1.0), (4, 10, 10, "erf", 1.0), (4, 10, 10, "sigmoid", 1.0),
    (3, 20, 20, "tanh", 1.0), (3, 20, 20, "sigmoid", 1.0),
    (4, 12, 10, "square", 1.0),        # m = n0 (n0 + 1) / 2: still full rank
    (4, 30, 11, "square", 0.0),        # m > n0 (n0 + 1) / 2: never
    (5, 30, 6, "linear", 0.0),         # n0 < m: never
    (6, 30, 6, "linear", 1.0),         # n0 >= m: always
    (4, 9, 10, "tanh", 0.0),           # n1 < m: never
    (1, 30, 3, "relu", 0.0),           # n0 = 1: relu(w x) has rank <= 2
])
def test_full_rank_probability_edges_of_lemma_1(n0, n1, m, act, want):
    """Are the sure cases of Lemma 1 and its failures exactly 1 or 0?"""
    assert hw4.full_rank_probability(n0, n1, m, act, 300, seed=5) == want


def test_square_feature_dimension_is_n0_n0p1_over_2():
    """Is the rank of square features min(n1, m, n0 (n0 + 1) / 2)?"""
    rng = np.random.default_rng(6)
    for n0 in [2, 3, 4, 5]:
        X = rng.standard_normal((n0, 25))
        W0 = rng.standard_normal((40, n0)) / math.sqrt(n0)
        assert hw4.numerical_rank(hw4.hidden_features(W0, X, "square")) == n0 * (n0 + 1) // 2


def _binomial_z(p_hat, p, n):
    return (p_hat - p) / math.sqrt(p * (1 - p) / n)


def test_relu_single_point_probability():
    """With m = 1, is P(rank 1) = 1 - 2^-n1 (some unit active)? ffp 5.7e-7."""
    n = 20000
    for n1 in [1, 2, 3]:
        p_hat = hw4.full_rank_probability(3, n1, 1, "relu", n, seed=7 + n1)
        assert abs(_binomial_z(p_hat, 1 - 2.0 ** -n1, n)) < Z_CRIT


def test_relu_two_point_probability():
    """With m = 2, does P(rank 2) match its closed form? ffp 5.7e-7.

    Given the angle t between x_1 and x_2, a row of relu(W0 X) is
    (+,+) or (0,0) with probability q = (pi - t)/(2 pi) each and (+,0) or
    (0,+) with t/(2 pi) each. The rank is < 2 iff the nonzero rows are all
    (+,0), all (0,+), or exactly one (+,+): probability
    2^(1-n1) - q^n1 + n1 q^n1. For n0 = 3 the angle has density sin(t)/2.
    """
    n1, n = 3, 20000

    def p_deficient(t):
        q = (math.pi - t) / (2 * math.pi)
        return 2.0 ** (1 - n1) - q ** n1 + n1 * q ** n1

    p = 1 - integrate.quad(lambda t: p_deficient(t) * math.sin(t) / 2, 0, math.pi, epsabs=1e-13)[0]
    p_hat = hw4.full_rank_probability(3, n1, 2, "relu", n, seed=11)
    assert 0.3 < p < 0.9 and abs(_binomial_z(p_hat, p, n)) < Z_CRIT


def test_full_rank_probability_is_a_seeded_fraction():
    """Same seed, same value; a multiple of 1/n_trials in [0, 1]."""
    a = hw4.full_rank_probability(2, 6, 6, "relu", 37, seed=3)
    assert a == hw4.full_rank_probability(2, 6, 6, "relu", 37, seed=3)
    assert 0 < a < 1 and abs(a * 37 - round(a * 37)) < 1e-9


# ---------------------------------------------------------------- output layer

@pytest.mark.parametrize("n1, m, n2, rank", [(3, 8, 2, 3), (8, 5, 1, 5), (6, 6, 3, 4), (5, 9, 2, 2)])
def test_output_layer_optimum_is_pinv_solution(n1, m, n2, rank):
    """Is W1 = Y X1^+ (min-norm) and the loss 1/2 ||Y (I - P)||^2, P the row-space projector?"""
    rng = np.random.default_rng(n1 * 100 + m)
    X1 = rng.standard_normal((n1, rank)) @ rng.standard_normal((rank, m))
    Y = rng.standard_normal((n2, m))
    W1, loss = hw4.output_layer_optimum(X1, Y)
    np.testing.assert_allclose(W1, Y @ scipy.linalg.pinv(X1), rtol=1e-9, atol=1e-11)
    Q = scipy.linalg.orth(X1.T)                        # orthonormal basis of the row space
    want = 0.5 * np.sum((Y - Y @ Q @ Q.T) ** 2)
    assert isinstance(loss, float) and loss == pytest.approx(want, rel=1e-10, abs=1e-12)
    if rank == m:
        assert loss < 1e-20                            # rk X1 = m fits any Y
    # minimum norm: W1's rows lie in the column space of X1
    Pc = scipy.linalg.orth(X1)
    np.testing.assert_allclose(W1 @ Pc @ Pc.T, W1, atol=1e-11)


def test_output_layer_optimum_full_row_rank_normal_equations():
    """With rk X1 = n1 is W1 the unique solution Y X1^T (X1 X1^T)^-1?"""
    rng = np.random.default_rng(4)
    X1, Y = rng.standard_normal((4, 9)), rng.standard_normal((2, 9))
    W1, _ = hw4.output_layer_optimum(X1, Y)
    np.testing.assert_allclose(W1, scipy.linalg.solve(X1 @ X1.T, X1 @ Y.T).T, rtol=1e-11)


def test_output_layer_optimum_zero_features():
    """X1 = 0: W1 = 0 and the loss is 1/2 ||Y||^2."""
    Y = np.array([[1.0, -2.0, 0.5]])
    W1, loss = hw4.output_layer_optimum(np.zeros((4, 3)), Y)
    assert np.all(W1 == 0) and W1.shape == (1, 4) and loss == 0.5 * 5.25


# ---------------------------------------------------------------- two-layer GD

def _torch_two_layer_losses(W0, W1, X, Y, act, lr, steps):
    import torch
    phi = {"tanh": torch.tanh, "erf": torch.erf, "sigmoid": torch.sigmoid,
           "relu": torch.relu, "square": lambda z: z * z, "linear": lambda z: z}[act]
    W0 = torch.tensor(W0, requires_grad=True)
    W1 = torch.tensor(W1, requires_grad=True)
    X, Y = torch.tensor(X), torch.tensor(Y)
    out = []
    for k in range(steps + 1):
        loss = 0.5 * ((Y - W1 @ phi(W0 @ X)) ** 2).sum()
        out.append(loss.item())
        if k == steps:
            break
        g0, g1 = torch.autograd.grad(loss, (W0, W1))
        with torch.no_grad():
            W0 = (W0 - lr * g0).requires_grad_()
            W1 = (W1 - lr * g1).requires_grad_()
    return np.array(out)


@pytest.mark.parametrize("act", ACTS)
def test_train_two_layer_matches_autograd(act):
    """Does the trajectory equal autograd GD from the same init (gradients (3.6)-(3.8))?"""
    rng = np.random.default_rng(8)
    X, Y = rng.standard_normal((3, 7)), rng.standard_normal((2, 7))
    n1, seed = 5, 21
    init = np.random.default_rng(seed)                 # the reference's draw order
    W0 = init.standard_normal((n1, 3)) / math.sqrt(3)
    W1 = init.standard_normal((2, n1)) / math.sqrt(n1)
    got = hw4.train_two_layer(X, Y, n1, act, 0.01, 6, seed)
    assert got.shape == (7,)
    np.testing.assert_allclose(got, _torch_two_layer_losses(W0, W1, X, Y, act, 0.01, 6), rtol=1e-12)


def test_train_two_layer_initial_loss_mean():
    """Is the mean initial loss 1/2 ||Y||^2 + (n2/2) sum_i E phi(s_i z)^2? ffp 5.7e-7 (CLT)."""
    rng = np.random.default_rng(9)
    X, Y = 1.5 * rng.standard_normal((4, 6)), rng.standard_normal((2, 6))
    for act in ["tanh", "sigmoid", "relu"]:
        l0 = np.array([hw4.train_two_layer(X, Y, 7, act, 0.1, 0, s)[0] for s in range(3000)])
        want = _expected_initial_loss(X, Y, act)
        assert abs(l0.mean() - want) < Z_CRIT * l0.std(ddof=1) / math.sqrt(len(l0))


def test_wide_net_reaches_zero_loss_in_every_seed():
    """n1 >= m, tanh: does every seed reach 1e-6 of its initial loss (Yu & Chen)?

    Deterministic given the seeds; over 1000 seeds the worst ratio at these
    settings was 8e-10 (the graded check uses erf, calibrated over 10^4 seeds).
    """
    rng = np.random.default_rng(123)
    X, Y = rng.standard_normal((5, 10)), rng.standard_normal((1, 10))
    for seed in range(10):
        losses = hw4.train_two_layer(X, Y, 20, "tanh", 0.02, 1500, seed)
        assert losses[-1] <= 1e-6 * losses[0]
        assert np.all(np.diff(losses) <= 1e-12 * losses[0])


def _quadratic_features(X):
    """The n0 (n0 + 1) / 2 monomials x_a x_b (a <= b) of each column."""
    n0 = X.shape[0]
    return np.array([X[a] * X[b] for a in range(n0) for b in range(a, n0)])


def test_square_net_cannot_beat_quadratic_least_squares():
    """Square activation: is every loss >= the least-squares fit by quadratic forms?

    W1 (W0 x)^2 = x^T (W0^T diag(W1) W0) x is a quadratic form, so no width
    fits m > n0 (n0 + 1) / 2 generic targets.
    """
    rng = np.random.default_rng(10)
    X, Y = rng.standard_normal((2, 6)), rng.standard_normal((1, 6))
    bound = hw4.output_layer_optimum(_quadratic_features(X), Y)[1]
    assert bound > 0.05
    for seed in range(5):
        losses = hw4.train_two_layer(X, Y, 50, "square", 0.002, 3000, seed)
        assert losses.min() >= bound * (1 - 1e-9)
        assert losses[-1] <= bound * 1.01           # and GD gets there


def test_linear_net_cannot_beat_linear_least_squares():
    """Linear activation, n0 < m: is every loss >= min_A 1/2 ||Y - A X||^2?"""
    rng = np.random.default_rng(12)
    X, Y = rng.standard_normal((2, 6)), rng.standard_normal((2, 6))
    bound = hw4._least_squares_loss(X, Y)
    for seed in range(3):
        losses = hw4.train_two_layer(X, Y, 30, "linear", 0.01, 800, seed)
        assert losses.min() >= bound * (1 - 1e-9) and losses[-1] <= bound * (1 + 1e-6)


# ---------------------------------------------------------------- deep linear nets

def _reference_init(widths, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((widths[l + 1], widths[l])) / math.sqrt(widths[l])
            for l in range(len(widths) - 1)]


def test_deep_linear_gap_matches_autograd_and_lstsq():
    """Is the gap autograd GD's final loss minus scipy's least-squares loss?"""
    import torch
    rng = np.random.default_rng(13)
    widths = [3, 5, 4, 2]
    X, Y = rng.standard_normal((3, 8)), rng.standard_normal((2, 8))
    Ws = [torch.tensor(W, requires_grad=True) for W in _reference_init(widths, 17)]
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    for _ in range(5):
        out = Xt
        for W in Ws:
            out = W @ out
        loss = 0.5 * ((Yt - out) ** 2).sum()
        grads = torch.autograd.grad(loss, Ws)
        Ws = [(W - 0.01 * g).detach().requires_grad_() for W, g in zip(Ws, grads)]
    out = Xt
    for W in Ws:
        out = W @ out
    final = 0.5 * ((Yt - out) ** 2).sum().item()
    A = scipy.linalg.lstsq(X.T, Y.T)[0].T
    opt = 0.5 * np.sum((Y - A @ X) ** 2)
    assert hw4.deep_linear_gap(widths, X, Y, 0.01, 5, 17) == pytest.approx(final - opt, rel=1e-11)


def test_deep_linear_gap_initial_mean():
    """steps = 0: is E gap = 1/2 ||Y||^2 + (n_out / n0) ||X||^2 / 2 - opt? ffp 5.7e-7 (CLT)."""
    rng = np.random.default_rng(14)
    widths = [4, 6, 3, 2]
    X, Y = rng.standard_normal((4, 7)), rng.standard_normal((2, 7))
    opt = hw4._least_squares_loss(X, Y)
    want = 0.5 * np.sum(Y ** 2) + 0.5 * widths[-1] / widths[0] * np.sum(X ** 2) - opt
    g = np.array([hw4.deep_linear_gap(widths, X, Y, 0.05, 0, s) for s in range(3000)])
    assert abs(g.mean() - want) < Z_CRIT * g.std(ddof=1) / math.sqrt(len(g))


def test_deep_linear_gap_vanishes_without_bottleneck():
    """No bottleneck (Laurent & Brecht, Theorem 2): does GD close the gap in every seed?"""
    rng = np.random.default_rng(15)
    widths = [4, 6, 5, 3]
    X, Y = rng.standard_normal((4, 10)) / 2, rng.standard_normal((3, 10))
    for seed in range(5):
        gap = hw4.deep_linear_gap(widths, X, Y, 0.02, 3000, seed)
        assert -1e-10 <= gap <= 1e-8


def test_deep_linear_gap_with_bottleneck_is_reduced_rank_bound():
    """Bottleneck of width r: is the gap >= half the tail sum of squared singular values of the fit, and reached?

    ||Y - A X||^2 = ||Y - Yhat||^2 + ||Yhat - A X||^2 with Yhat the
    least-squares fit; a rank-r product can at best remove the top r
    singular values of Yhat (Eckart-Young).
    """
    rng = np.random.default_rng(16)
    widths = [4, 6, 1, 3]
    X, Y = rng.standard_normal((4, 10)) / 2, rng.standard_normal((3, 10))
    A = scipy.linalg.lstsq(X.T, Y.T)[0].T
    sv = np.linalg.svd(A @ X, compute_uv=False)
    bound = 0.5 * np.sum(sv[1:] ** 2)
    for seed in range(5):
        gap = hw4.deep_linear_gap(widths, X, Y, 0.02, 3000, seed)
        assert bound * (1 - 1e-9) <= gap <= bound * (1 + 1e-6)


@pytest.mark.parametrize("widths", [[3, 4, 2], [4, 4, 2], [3, 5, 4, 3]])
def test_deep_linear_gap_shape_errors(widths):
    """Do widths that do not match X and Y raise ValueError?"""
    X, Y = np.ones((3, 5)), np.ones((2, 5))
    if widths[0] == 3 and widths[-1] == 2:
        assert np.isfinite(hw4.deep_linear_gap(widths, X, Y, 0.01, 1, 0))
    else:
        with pytest.raises(ValueError):
            hw4.deep_linear_gap(widths, X, Y, 0.01, 1, 0)
