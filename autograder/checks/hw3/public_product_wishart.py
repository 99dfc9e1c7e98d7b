"""hw3's public checks of the product Wishart law (notes (2.90)-(2.95)), the Fuss-Catalan
numbers and the edge of a ReLU net with orthogonal weights ((2.105), (2.121))."""
import numpy as np

from autograder.api import Case, Slip, check, close, expect_array, expect_int, expect_scalar, expect_sequence, fail
from autograder.checks.hw3.public import RTOL_CURVE, RTOL_EXACT, RTOL_MOMENT, RTOL_ROOT
from autograder.checks.hw3.theory import gauss_legendre_01
from autograder.reference import UNRECORDED


# -------------------------------------------------------- product_wishart_curve
def curve_angles(L):
    return np.pi / (L + 1) * np.array([0.005, 0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95, 0.99])


@check("product_wishart_curve", points=0.5, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_4", 4),
])
def test_product_wishart_curve(student, ref, case):
    (L,) = case.args
    phi = curve_angles(L)
    got = expect_sequence(student.product_wishart_curve(L, phi), 2, "(lam, rho)")
    lam, rho = ref.product_wishart_curve(L, phi)
    lam_slips, rho_slips = [], []
    for wrong_L, text in ((L + 1, "L + 1 layers used where the depth is L"),
                          (L - 1, "L - 1 layers used where the depth is L")):
        if wrong_L >= 1:
            wl, wr = ref.slipgen.pw_curve(wrong_L, phi)
            lam_slips.append(Slip(text, wl))
            rho_slips.append(Slip(text, wr))
    if matches_pair(got, (rho, lam)):
        fail("you returned (rho, lam); the contract's order is (lam, rho).")
    close(got[0], lam, rtol=RTOL_CURVE, slips=lam_slips, name="lam(phi)")
    rho_slips.append(Slip("the 1/pi of (2.95) is missing", rho * np.pi))
    rho_slips.append(Slip("the notes' (2.94) before the substitution phi -> -phi: a minus sign", -rho))
    close(got[1], rho, rtol=RTOL_CURVE, slips=rho_slips, name="rho(lam(phi))")


def matches_pair(got, want):
    try:
        return all(np.allclose(np.asarray(g, float), np.asarray(w, float), rtol=1e-8)
                   for g, w in zip(got, want))
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------ product_wishart_density
def density_grid(ref, L):
    """Abscissae inside and around the support (0, edge) of the law of depth L; the edge is
    product_wishart_edge's answer, a hidden helper's value (recorded on the public cases)."""
    e = ref.slipgen.pw_edge(L)
    inside = e * np.array([1e-4, 0.003, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.9999])
    return np.concatenate([[-1.0, 0.0], inside, [e * (1 + 1e-9), 1.5 * e]])  # not e itself: see public.mp_grid


@check("product_wishart_density", points=0.5, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_3", 3),
])
def test_product_wishart_density(student, ref, case):
    (L,) = case.args
    x = density_grid(ref, L)
    got = student.product_wishart_density(x, L)
    want = ref.product_wishart_density(x, L)
    slips = []
    for wrong_L, text in ((L + 1, "the density of depth L + 1"), (L - 1, "the density of depth L - 1")):
        if wrong_L >= 1:
            slips.append(Slip(text, ref.product_wishart_density(x, wrong_L)))
    g = np.asarray(got, dtype=np.float64) if isinstance(got, np.ndarray) else None
    if g is not None and g.shape == want.shape and np.all(np.isfinite(g)) and \
            np.allclose(g, want, rtol=1e-3, atol=1e-12) and not np.allclose(g, want, rtol=RTOL_ROOT, atol=1e-300):
        err = np.max(np.abs(g - want) / np.maximum(np.abs(want), 1e-300))
        fail(f"rho(x) at depth {L} is close to the reference but not accurate: max relative error "
             f"{err:.2g}, the check allows {RTOL_ROOT:g}. This looks like interpolation on a grid of "
             "angles (or a loose root-finder tolerance). Next: solve lam(phi) = x for each x to "
             "machine precision (bisection or scipy.optimize.brentq on (0, pi/(L+1))).")
    close(got, want, rtol=RTOL_ROOT, atol=1e-300, slips=slips, name="rho(x)")


@check("product_wishart_density", points=0.5, aspect="moments", cases=[
    Case("depth_2", 2)])
def test_product_wishart_density_moments(student, ref, case):
    """int x^k rho(x) dx = Fuss-Catalan(L, k), k = 0..3, on the student's density.

    Gauss-Legendre in t with x = u^(L+1), u = U (1 - t^2), U = edge^(1/(L+1)):
    smooth at both ends; 1e-10 on the reference."""
    (L,) = case.args
    t, w = gauss_legendre_01(400)
    big_u = ref.slipgen.pw_edge(L) ** (1 / (L + 1))
    u = big_u * (1 - t**2)
    x = u ** (L + 1)
    rho = expect_array(student.product_wishart_density(x, L), x.shape, "rho(x)")
    if not np.all(np.isfinite(rho)):
        fail("your density has NaN or inf inside the support (0, edge).")
    jac = (L + 1) * u**L * 2 * big_u * t
    for k in range(4):
        got = float(np.sum(w * rho * x**k * jac))
        want = float(ref.fuss_catalan(L, k))   # the Fuss-Catalan number, exact
        if not abs(got - want) <= RTOL_MOMENT * want:
            fail(f"the moment int x^{k} rho(x) dx of your density at depth {L} is {got:.10g}; the "
                 f"Fuss-Catalan number is {want:g}. Next: plot your density against the curve "
                 f"(2.95), and check that solving lam(phi) = x picks phi in (0, pi/(L+1)).")


# --------------------------------------------------------- product_wishart_edge
@check("product_wishart_edge", points=0.25, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_5", 5),
])
def test_product_wishart_edge(student, ref, case):
    (L,) = case.args
    got = student.product_wishart_edge(L)
    close(got, ref.product_wishart_edge(L), rtol=RTOL_EXACT, slips=[
        Slip("(L+1)^L / L^L: the exponent L+1 of the numerator is off by one",
             ref.slipgen.edge_wrong(L, "exponent")),
        Slip("the edge of depth L - 1 (L^L/(L-1)^(L-1)): L and L+1 swapped",
             ref.slipgen.edge_wrong(L, "shallower") if L > 1 else float("nan")),
        Slip("the large-L approximation e (L+1), not the exact edge", ref.slipgen.edge_wrong(L, "large_L")),
    ], name="edge")


# ----------------------------------------------------------------- fuss_catalan
FC_CASES = [
    Case("catalan_0_to_9", 1, list(range(10))),
    Case("depth_2_k_0_to_6", 2, list(range(7))),
    Case("depth_3_k_12", 3, [12]),
    Case("depth_5_k_40_beyond_int64", 5, [40]),
]


@check("fuss_catalan", points=0.25, cases=FC_CASES)
def test_fuss_catalan(student, ref, case):
    L, ks = case.args
    for k in ks:
        got = student.fuss_catalan(L, k)
        want = ref.fuss_catalan(L, k)
        expect_int(got, f"fuss_catalan({L}, {k})", python_int=True)
        # the slips' values (ints, or None where no integer): asked before the verdict so that
        # the public fixtures hold them for a student's install
        wrong = ref.slipgen.fuss_catalan_wrong(L, k)
        if got == want:
            continue
        if wrong is UNRECORDED:
            wrong = [None, None, None]
        hints = dict(zip(wrong, ["binom((L+1)k, k)/(k+1): the Catalan denominator k+1 where Lk+1 belongs",
                                 "the number of depth L - 1 (L and L+1 swapped)",
                                 "the number of depth L + 1"]))
        hint = next((text for value, text in hints.items() if value is not None and value == got), "")
        if not hint and abs(got - want) <= 1e-12 * want:
            hint = "it is off in the last digits only: float arithmetic rounded it"
        fail(f"fuss_catalan({L}, {k}) is {got}, expected {want}."
             + (f" This looks like: {hint}." if hint else "")
             + " Next: binom((L+1)k, k) // (Lk + 1) with math.comb, in exact integers.")


# ---------------------------------------------------------- relu_orthogonal_edge
@check("relu_orthogonal_edge", points=0.5, cases=[
    Case("depth_1", 1), Case("depth_2", 2), Case("depth_3", 3), Case("depth_5", 5),
])
def test_relu_orthogonal_edge(student, ref, case):
    (L,) = case.args
    got = student.relu_orthogonal_edge(L)
    want = ref.relu_orthogonal_edge(L)
    slips = [Slip("the edge of a Gaussian *linear* net, (L+1)^(L+1)/L^L, not the ReLU + orthogonal "
                  "one of (2.105)", ref.slipgen.pw_edge(L)),
             Slip("the large-L form e L, not the exact edge", ref.slipgen.relu_edge_wrong(L, "large_L"))]
    if L == 1:
        got = expect_scalar(got, "edge")
        if np.isclose(float(got), 1.0) or not np.isfinite(float(got)):
            fail(f"relu_orthogonal_edge(1) is {got}: that is (2.121) at L = 1, where it reads "
                 "1 (1/0)^0 and means nothing. With one layer J J^T = 2 O D_1 O^T has eigenvalues "
                 "0 and 2 only (law (delta_0 + delta_2)/2), and inf M^{-1} of (2.105) is 2. "
                 "Next: treat L = 1 on its own.")
    else:
        slips.append(Slip("L (L/(L-1))^L: the exponent of (2.121) is L - 1",
                          ref.slipgen.relu_edge_wrong(L, "exponent")))
    close(got, want, rtol=RTOL_EXACT, slips=slips, name="edge")
