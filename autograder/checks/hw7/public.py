"""hw7's public checks: deep linear nets train in depth-independent time (notes 2.3).

The checks of orthogonal_weights and deep_linear_gd are in ``public_weights.py``;
the comparison of flow times in ``diagnosis.py``; the plot in ``plot.py``. The
hidden cases of these checks are in ``hidden.py`` (not shipped to students).
"""
import numpy as np

from autograder.api import Case, Slip, check, close, rejects

from autograder.checks.hw7.diagnosis import _arr, compare_times, unwrap_scalar

TITLE = "Deep linear nets train in depth-independent time: Saxe et al."
FUNCTIONS = ["shallow_mode_time", "deep_mode_time", "exact_mode_time", "simulate_mode",
             "top_hessian_eigenvalue", "optimal_steps", "orthogonal_weights", "deep_linear_gd"]

RTOL_CLOSED = 1e-10   # closed forms (2.133), (2.141), (2.151): logs and a few divisions
RTOL_HESS = 1e-12     # a polynomial in a: round-off only
RTOL_QUAD = 1e-7      # exact flow time: quadrature asked to 1e-9, margin for quad's defaults
RTOL_SIM = 1e-9       # <= 150 GD steps of a stable map: round-off grows slowly
RTOL_GD = 1e-9        # <= 40 GD steps on small matrices, any order of the products
ATOL_ORTHO = 1e-10    # W^T W = I up to round-off of a QR / SVD

# ------------------------------------------------------------- shallow_mode_time
SHALLOW_CASES = [
    Case("small_to_near_s", 1.0, 1.0, 0.01, 0.99),
    Case("strong_modes_array", _arr([0.5, 1.0, 2.0, 4.0]), 0.1,
         _arr([0.025, 0.05, 0.1, 0.2]), _arr([0.45, 0.9, 1.8, 3.6])),
    Case("down_from_above", 2.0, 0.5, 3.0, 2.2),
]


@check("shallow_mode_time", points=0.5, cases=SHALLOW_CASES)
def test_shallow_mode_time(student, ref, case):
    s, eta, u0, uf = case.args
    got = student.shallow_mode_time(*case.args)
    want = ref.shallow_mode_time(*case.args)
    texts = ["only ln(uf/u0): the 1/(s - u) part of the partial fractions in (2.133) is missing",
             "eta multiplies the log instead of dividing it", "1/(2 s eta) written as 1/2*s*eta"]
    with np.errstate(all="ignore"):
        slips = [Slip("the factor 2 of u' = 2 eta u (s - u) (2.132) is missing", _arr(want) * 2)]
    slips += [Slip(t, v) for t, v in zip(texts, ref.slipgen.shallow_slips(s, eta, u0, uf))]
    compare_times(got, want, s, u0, uf, RTOL_CLOSED, slips)


# ------------------------------------------------------------- deep_mode_time
DEEP_CASES = [
    Case("errata_point_L5", 1.0, 1.0, 0.01, 0.99, 5),
    Case("depths_array", 1.0, 1.0, 0.01, 0.99, _arr([1, 2, 5, 10, 50])),
    Case("down_from_above", 2.0, 0.3, 3.5, 2.1, 3),
]


@check("deep_mode_time", points=0.5, cases=DEEP_CASES)
def test_deep_mode_time(student, ref, case):
    s, eta, u0, uf, L = case.args
    got = student.deep_mode_time(*case.args)
    want = ref.deep_mode_time(*case.args)
    L1 = _arr(L) + 1.0
    lacks, missing = ref.slipgen.deep_slips(s, eta, u0, uf, L)
    with np.errstate(all="ignore"):
        slips = [
            Slip("the exact flow time of (2.140); deep_mode_time is the approximation (2.141) "
                 "taken literally", ref.exact_mode_time(*case.args)),
            Slip("the factor L+1 of (2.141) is missing", _arr(want) * L1),
            Slip("L where (2.141) has L+1", _arr(want) * L1 / _arr(L)),
            Slip("the log term of (2.141) lacks its 1/s", lacks),
            Slip("the log term of (2.141) is missing", missing),
        ]
    compare_times(got, want, s, u0, uf, RTOL_CLOSED, slips)


# ------------------------------------------------------------- exact_mode_time
EXACT_CASES = [
    Case("errata_point_L5", 1.0, 1.0, 0.01, 0.99, 5),
    Case("depths_array", 1.0, 1.0, 0.01, 0.99, _arr([1, 2, 3, 5, 10, 50, 200])),
    Case("down_from_above", 2.0, 0.3, 3.5, 2.1, 3),
]


@check("exact_mode_time", points=0.5, cases=EXACT_CASES, timeout=30)
def test_exact_mode_time(student, ref, case):
    s, eta, u0, uf, L = case.args
    got = student.exact_mode_time(*case.args)
    want = ref.exact_mode_time(*case.args)
    Lf = _arr(L)
    slips = [
        Slip("the large-L approximation (2.141): integrate (2.140) with u^(2L/(L+1))",
             ref.deep_mode_time(*case.args)),
        Slip("the factor L+1 of (2.140) is missing", _arr(want) * (Lf + 1)),
        Slip("the exponent written 2*L/L+1, which Python reads as (2L/L)+1 = 3",
             ref.slipgen.power_time(s, eta, u0, uf, L, 3.0)),
        Slip("the exponent L/(L+1) instead of 2L/(L+1)", ref.slipgen.power_time(s, eta, u0, uf, L, Lf / (Lf + 1))),
    ]
    compare_times(got, want, s, u0, uf, RTOL_QUAD, slips)


# ------------------------------------------------------------- simulate_mode
SIM_CASES = [
    Case("small_start_L3", 1.0, 0.05, 3, 0.01, 120),
    Case("shallow_L1", 2.0, 0.02, 1, 0.5, 60),
]


@check("simulate_mode", points=0.5, cases=SIM_CASES)
def test_simulate_mode(student, ref, case):
    s, lr, L, u0, steps = case.args
    got = student.simulate_mode(*case.args)
    want = ref.simulate_mode(*case.args)
    slips = [Slip("the factors are updated one after the other; (2.138) moves them all at once",
                  ref.slipgen.factor_variants(s, lr, L, u0, steps, "sequential")),
             Slip("an Euler step of the flow (2.140) for u, not gradient descent on the factors a_l",
                  ref.slipgen.factor_variants(s, lr, L, u0, steps, "euler_u")),
             Slip("every factor starts at u0 instead of u0^(1/(L+1))",
                  ref.slipgen.factor_variants(s, lr, L, u0, steps, "u0_as_factor")),
             Slip("the factor a = u^(1/(L+1)) is returned instead of u = a^(L+1)",
                  want ** (1.0 / (L + 1)))]
    close(got, want, rtol=RTOL_SIM, atol=1e-300, slips=slips, name="u")


test_simulate_mode_errors = rejects("simulate_mode", ValueError, points=0.5, cases=[
    Case("negative_u0", 1.0, 0.1, 2, -0.1, 5)])


# ------------------------------------------------------------- top_hessian_eigenvalue
HESS_CASES = [
    Case("L3_scalar", 1.0, 0.5, 3),
    Case("path_L5", 2.0, np.linspace(0.0, 2.0 ** (1 / 6), 9), 5),
]


@check("top_hessian_eigenvalue", points=0.5, cases=HESS_CASES)
def test_top_hessian_eigenvalue(student, ref, case):
    s, a, L = case.args
    got = student.top_hessian_eigenvalue(*case.args)
    want = ref.top_hessian_eigenvalue(*case.args)
    texts = ["the other eigenvalue s a^(L-1) - a^(2L), along e_1 - e_i",
             "L+1 off-diagonal entries in the row sum; there are L (2.145)",
             "the off-diagonal entry counted once: diagonal + off-diagonal"]
    slips = [Slip(t, v) for t, v in zip(texts, ref.slipgen.hessian_slips(s, a, L))]
    if np.ndim(want) == 0:
        slips = [Slip(sl.description, float(sl.value)) for sl in slips]
    close(unwrap_scalar(got, want), want, rtol=RTOL_HESS, atol=1e-14, slips=slips, name="lambda_1")


# ------------------------------------------------------------- optimal_steps
OPT_CASES = [
    Case("s2_L5", 2.0, 5, 0.02, 1.9),
    Case("depths_array", 3.0, _arr([1, 2, 4, 8, 16, 32, 64]), 0.05, 2.9),
]


@check("optimal_steps", points=0.5, cases=OPT_CASES)
def test_optimal_steps(student, ref, case):
    s, L, u0, uf = case.args
    got = student.optimal_steps(*case.args)
    want = ref.optimal_steps(*case.args)
    L_, s_ = _arr(L), _arr(s)
    slips = [
        Slip("(2.141) at eta = 1: the learning rate (2.150) is not substituted",
             ref.deep_mode_time(s, 1.0, u0, uf, L)),
        Slip("eta_opt = 1/(L+1) without the s^(-2L/(L+1)) of (2.150)",
             ref.deep_mode_time(s, 1.0 / (L_ + 1), u0, uf, L)),
        Slip("the exponent of s in (2.151) is 2L/(L+1) (that of eta_opt), not (L-1)/(L+1)",
             _arr(want) * s_),
    ]
    if np.ndim(want) == 0:
        slips = [Slip(sl.description, float(np.asarray(sl.value))) for sl in slips]
    compare_times(got, want, s, u0, uf, RTOL_CLOSED, slips)
