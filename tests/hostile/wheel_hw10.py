"""hw10 built only from the student wheel's check helpers (tests/test_wheel_attacks.py).

Each graded function calls helpers copied from ``autograder/checks/hw10/``
as the student wheel ships it (see wheel_attack.py): the cubic for the free
convolution, power-series reversion for the S transform, the Gauss-Hermite
fixed point and chi_1, the spectral sums with a "slip" that is none, and the Stieltjes,
inversion and R-transform slips undone by glue (a sign, a factor, 1/pi).

While the wheel shipped these helpers this scored 23 of 38.5 with the hidden checks
(7.5 of it on hidden ones); raising everywhere scores 3.75.
"""
import numpy as np

COPY = ["_GH_Z", "_GH_W", "_cubic_density", "_reversion", "_s_of", "_moments_of_s", "_fixed_point_gh",
        "_mean_dphi", "_sums_slip", "_mp_density", "_semicircle_density", "_mp_moments", "_fuss_catalan",
        "_mp_s_coefficients", "_fuss_catalan_s_coefficients", "_point_mass_s_coefficients",
        "_stieltjes_slips", "_inversion_slips", "_r_slips"]
#: helpers of COPY that the wheel still ships
KEPT = []


def free_moments(kind_x, kind_y, n, n_draws, seed):
    raise ValueError("no helper computes it")


def stieltjes_transform(eigs, z):
    z = np.asarray(z, complex)
    flipped = _stieltjes_slips(np.asarray(eigs, float), z.reshape(1, -1))[0]  # noqa: F821
    return -flipped.reshape(z.shape)


def stieltjes_inversion(eigs, x, eta):
    if eta <= 0:
        raise ValueError("eta must be > 0")
    return _inversion_slips(np.asarray(eigs, float), np.asarray(x, float), eta)[0] / np.pi  # noqa: F821


def law_stieltjes(kind, z, param):
    raise ValueError("no helper computes it")


def r_transform(kind, w, param):
    if kind not in ("semicircle", "mp"):
        raise ValueError("unknown law")
    first = _r_slips(kind, w, param)[0]  # noqa: F821
    return first * np.sqrt(param) if kind == "semicircle" else 1 / (2 - 1 / first)


def free_convolution_density(x, variance, ratio):
    if not 0 < ratio <= 1 or variance < 0:
        raise ValueError("bad ratio or variance")
    if variance == 0:
        return _mp_density(np.asarray(x, float), ratio)  # noqa: F821
    return _cubic_density(np.asarray(x, float), variance, ratio)  # noqa: F821


def free_sum_eigenvalues(n, m, variance, seed):
    raise ValueError("no helper computes it")


def s_transform_coefficients(moments):
    return _s_of(np.asarray(moments, float))  # noqa: F821


def free_product_moments(moments_a, moments_b):
    a, b = np.asarray(moments_a, float), np.asarray(moments_b, float)
    if len(a) != len(b):
        raise ValueError("lengths differ")
    return _moments_of_s(np.convolve(_s_of(a), _s_of(b))[:len(a)])  # noqa: F821


def mean_jacobian_eigenvalue(sigma_w2, sigma_b2, depth, activation):
    if activation not in ("tanh", "erf"):
        raise ValueError("no helper computes it")
    q = _fixed_point_gh(sigma_w2, sigma_b2, activation)  # noqa: F821
    return (sigma_w2 * _mean_dphi(q, activation, 2)) ** depth  # noqa: F821


def leaky_relu_spectral_sums(weights, x, g, slope):
    ws = [np.asarray(w, float) for w in weights]
    return tuple(_sums_slip(ws, np.asarray(x, float), np.asarray(g, float), slope, "none"))  # noqa: F821
