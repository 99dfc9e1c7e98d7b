"""hw5 checks: gradient descent escapes strict saddles (notes 3.3, Lee et al.)."""
import math

import numpy as np
from scipy import integrate

from autograder.api import (Case, Raised, Slip, check, close, expect_int, expect_raises,
                            expect_scalar, fail, name_slips, stats)

TITLE = "Gradient descent escapes strict saddles: Lee et al."
FUNCTIONS = ["gradient", "hessian", "classify_critical_point", "gd", "lipschitz_constant",
             "saddle_attraction_rate", "escape_steps", "predicted_escape_steps"]

RTOL_DERIV = 1e-11   # polynomials of degree <= 3: float64 round-off of any algebraic form
ATOL_DERIV = 1e-12   # entries that cancel to ~0 (y^3 - y at y = 1) carry absolute round-off
RTOL_GD = 1e-10      # <= 200 steps; round-off grows at most like (1 + lr)^k ~ 1e4 in these cases
ATOL_GD = 1e-12      # coordinates that decay to ~0 along the stable direction
RTOL_LIP = 1e-4      # the contract's accuracy, so a fine search (not only a closed form) passes
ATOL_LIP = 1e-12     # radius 0 of the monkey: L = 0
NEAR = 1e-3          # "within 1e-3 of the saddle" (contract)

STRICT = ("quartic", "factorization")


# ---------------------------------------------------------------- local formulas
# Used only to build wrong answers (slips) and theory values; every verdict on a
# deterministic function compares with the reference.

def _grad(name, x, y):
    if name == "quartic":
        return np.stack([x, y ** 3 - y], -1)
    if name == "factorization":
        return np.stack([-(1 - x * y) * y, -(1 - x * y) * x], -1)
    return np.stack([3 * x * x - 3 * y * y, -6 * x * y], -1)


def _hess_entries(name, x, y):
    if name == "quartic":
        return np.ones_like(x), np.zeros_like(x), 3 * y * y - 1
    if name == "factorization":
        return y * y, 2 * x * y - 1, x * x
    return 6 * x, -6 * y, -6 * x


def _box_max(fun, r, n=201, rounds=30):
    """max of fun(x, y) (vectorised) over [-r, r]^2: a grid, then repeated zooming."""
    g = np.linspace(-r, r, n)
    X, Y = np.meshgrid(g, g)
    v = fun(X, Y)
    i = np.unravel_index(np.argmax(v), v.shape)
    best, bx, by = v[i], X[i], Y[i]
    half = 2 * r / (n - 1)
    for _ in range(rounds):
        gx = np.clip(bx + np.linspace(-half, half, 11), -r, r)
        gy = np.clip(by + np.linspace(-half, half, 11), -r, r)
        X, Y = np.meshgrid(gx, gy)
        v = fun(X, Y)
        i = np.unravel_index(np.argmax(v), v.shape)
        if v[i] >= best:
            best, bx, by = v[i], X[i], Y[i]
        half /= 3
    return float(best)


def _spectral(a, b, d):
    """Largest |eigenvalue| of [[a, b], [b, d]] (elementwise over arrays)."""
    m, s = (a + d) / 2, np.sqrt(((a - d) / 2) ** 2 + b * b)
    return np.maximum(np.abs(m + s), np.abs(m - s))


def _number(got, name, integer=False):
    """A returned scalar: a Python or NumPy number (np.float64 from np.mean, np.int64 from
    np.argmax) or a one-element array (earlier sandbox codecs delivered NumPy scalars with
    shape (1,)). With ``integer``, a float with an integer value (np.ceil's result) is
    accepted as that integer."""
    if isinstance(got, np.ndarray) and got.shape in ((), (1,)) and got.dtype.kind in "biuf":
        got = got.reshape(())[()]
    if not integer:
        return expect_scalar(got, name)
    got = expect_scalar(got, name)
    if isinstance(got, (float, np.floating)) and math.isfinite(got) and float(got).is_integer():
        got = int(got)  # a count computed with np.ceil is still the right count
    return expect_int(got, name)


# ---------------------------------------------------------------- gradient / hessian
POINTS_PUBLIC = [(0.3, -0.7), (-1.25, 0.5)]
LANDSCAPES = ("quartic", "factorization", "monkey")


def _point_cases(points=POINTS_PUBLIC, tag="p"):
    return [Case(f"{name}_{tag}{k}", name, np.array(p)) for name in LANDSCAPES for k, p in enumerate(points)]


@check("gradient", points=0.125, cases=_point_cases())
def test_gradient(student, ref, case):
    name, theta = case.args
    got = student.gradient(name, theta)
    want = ref.gradient(name, theta)
    x, y = theta
    slips = []
    if name == "quartic":
        slips.append(Slip("d/dy (y^4/4 - y^2/2) = y^3 - y, with this sign", np.array([x, y - y ** 3])))
        slips.append(Slip("y^3/3 - y or similar: the power rule on y^4/4 gives y^3", np.array([x, y ** 3 / 3 - y])))
    elif name == "factorization":
        r = 1 - x * y
        slips.append(Slip("the chain rule's minus sign is missing: d(1 - xy)/dx = -y", np.array([r * y, r * x])))
        slips.append(Slip("the components are swapped: df/dx = -(1 - xy) y, df/dy = -(1 - xy) x",
                          np.array([-r * x, -r * y])))
    else:
        slips.append(Slip("df/dy = -6xy (d/dy of -3 x y^2)", np.array([3 * x * x - 3 * y * y, -3 * x * y])))
        slips.append(Slip("the components are swapped", np.array([-6 * x * y, 3 * x * x - 3 * y * y])))
    close(got, want, rtol=RTOL_DERIV, atol=ATOL_DERIV, slips=slips, name="gradient")


@check("hessian", points=0.125, cases=_point_cases())
def test_hessian(student, ref, case):
    name, theta = case.args
    got = student.hessian(name, theta)
    want = ref.hessian(name, theta)
    x, y = theta
    slips = []
    if name == "quartic":
        slips.append(Slip("d^2/dy^2 (y^4/4 - y^2/2) = 3y^2 - 1", np.diag([1.0, y * y - 1])))
    elif name == "factorization":
        for desc, off in (("the off-diagonal entry has the wrong sign: d^2f/dxdy = 2xy - 1, not 1 - 2xy", 1 - 2 * x * y),
                          ("d^2f/dxdy misses a term of the product rule: d/dy[-(1 - xy) y] = 2xy - 1", x * y - 1),
                          ("d^2f/dxdy misses the -(1 - xy) term of the product rule", x * y)):
            slips.append(Slip(desc, np.array([[y * y, off], [off, x * x]])))
        slips.append(Slip("the diagonal entries are swapped: d^2f/dx^2 = y^2, d^2f/dy^2 = x^2",
                          np.array([[x * x, 2 * x * y - 1], [2 * x * y - 1, y * y]])))
    else:
        slips.append(Slip("the off-diagonal entries have the wrong sign: d^2f/dxdy = -6y",
                          np.array([[6 * x, 6 * y], [6 * y, -6 * x]])))
        slips.append(Slip("d^2f/dy^2 = -6x, not +6x", np.array([[6 * x, -6 * y], [-6 * y, 6 * x]])))
    close(got, want, rtol=RTOL_DERIV, atol=ATOL_DERIV, slips=slips, name="Hessian")


# ---------------------------------------------------------------- classification
def _rot(lam, angle):
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag(lam) @ R.T


# (id, eigenvalues, rotation angle, tol or None for the default).
# Eigenvalues near +-tol sit at 0.5 tol or 2 tol: eigvalsh's round-off (~1e-16)
# cannot move them across the boundary.
CLASSIFY = [
    ("minimum", (1.0, 2.5), 0.4, None),
    ("saddle", (-1.0, 1.0), 0.0, None),
    ("saddle_with_zero", (-1.0, 0.0), 0.7, None),
    ("degenerate_small_negative", (-5e-9, 1.0), 0.3, None),
]
_CLASSIFY_HINTS = {
    ("degenerate", "strict_saddle"): "an eigenvalue in [-tol, 0) counts as zero: the test for a "
                                     "strict saddle is lambda_min < -tol, not lambda_min < 0",
    ("degenerate", "minimum"): "an eigenvalue in [0, tol] counts as zero: a minimum needs every "
                               "eigenvalue > tol, not >= 0",
    ("strict_saddle", "degenerate"): "one eigenvalue < -tol makes a strict saddle (3.45) even when "
                                     "another is (nearly) zero: test lambda_min < -tol before "
                                     "looking for zero eigenvalues",
    ("maximum", "strict_saddle"): "every eigenvalue < -tol is a maximum: test for a maximum "
                                  "before testing for a strict saddle",
    ("strict_saddle", "maximum"): "a maximum needs every eigenvalue < -tol; an eigenvalue in "
                                  "[-tol, 0) is zero, so this is a strict saddle",
    ("strict_saddle", "minimum"): "the sign is flipped somewhere (eigenvalues of -H?)",
    ("minimum", "maximum"): "the sign is flipped somewhere (eigenvalues of -H?)",
    ("maximum", "minimum"): "the sign is flipped somewhere (eigenvalues of -H?)",
}
_LABELS = ("minimum", "maximum", "strict_saddle", "degenerate")


def _classify_cases(table=CLASSIFY):
    return [Case(cid, _rot(lam, angle), **({} if tol is None else {"tol": tol}))
            for cid, lam, angle, tol in table]


@check("classify_critical_point", points=0.25, cases=_classify_cases())
def test_classify_critical_point(student, ref, case):
    got = student.classify_critical_point(*case.args, **case.kwargs)
    want = ref.classify_critical_point(*case.args, **case.kwargs)
    if not isinstance(got, str):
        fail(f"returned {got!r} of type {type(got).__name__}; expected one of the strings {_LABELS}.")
    if got == want:
        return
    lam = np.linalg.eigvalsh(case.args[0])
    tol = case.kwargs.get("tol", 1e-8)
    msg = (f"H has eigenvalues {lam[0]:.3g} and {lam[1]:.3g} (tol = {tol:g}): expected "
           f"{want!r}, got {got!r}.")
    if got not in _LABELS:
        msg += f" The answer must be one of {_LABELS}, spelled exactly."
    elif (want, got) in _CLASSIFY_HINTS:
        msg += " This looks like: " + _CLASSIFY_HINTS[(want, got)] + "."
    fail(msg + " Next: apply the four rules in the order of the task to the eigenvalues.")


# ---------------------------------------------------------------- gd
GD_CASES = [
    Case("quartic", "quartic", np.array([0.5, 0.2]), 0.1, 30),
    Case("factorization", "factorization", np.array([0.3, 0.1]), 0.1, 25),
]


def _gd_local(name, theta0, lr, steps, sign=-1.0):
    out = [np.asarray(theta0, dtype=float)]
    for _ in range(steps):
        th = out[-1]
        out.append(th + sign * lr * _grad(name, th[0], th[1]))
    return np.array(out)


@check("gd", points=0.25, cases=GD_CASES)
def test_gd(student, ref, case):
    name, theta0, lr, steps = case.args
    got = student.gd(*case.args)
    want = ref.gd(*case.args)
    if isinstance(got, np.ndarray) and got.shape == (steps, 2) and steps > 0:
        fail(f"the trajectory has {steps} rows; it must have steps + 1 = {steps + 1}: row 0 is "
             "theta0 itself, followed by `steps` updates. Next: start the array with theta0.")
    if isinstance(got, np.ndarray) and got.shape == (steps + 2, 2):
        fail(f"the trajectory has {steps + 2} rows, expected steps + 1 = {steps + 1}: one update "
             "too many.")
    with np.errstate(all="ignore"):
        slips = [Slip("row 0 must be theta0 itself: your rows are theta_1 ... theta_{steps+1}",
                      ref.gd(name, theta0, lr, steps + 1)[1:]),
                 Slip("theta + lr * gradient: that is gradient ascent", _gd_local(name, theta0, lr, steps, +1.0))]
    close(got, want, rtol=RTOL_GD, atol=ATOL_GD, slips=slips, name="trajectory")


# ---------------------------------------------------------------- lipschitz_constant
LIP_CASES = [
    Case("quartic_r1", "quartic", 1.0),
    Case("factorization_r1", "factorization", 1.0),
]
_ARGMAX = {"quartic": "on the line y = 0 inside the box when radius < sqrt(2/3), else on the edges y = +-radius",
           "factorization": "at the corners x = -y = +-radius",
           "monkey": "at the corners"}


def _lipschitz_slips(name, r):
    """Wrong Lipschitz constants that a realistic slip produces."""
    def frob(x, y):
        a, b, d = np.broadcast_arrays(*_hess_entries(name, x, y))
        return np.sqrt(a * a + 2 * b * b + d * d)

    def spec(x, y):
        a, b, d = np.broadcast_arrays(*_hess_entries(name, np.asarray(x, float), np.asarray(y, float)))
        return float(_spectral(a, b, d))

    gnorm = lambda x, y: np.linalg.norm(_grad(name, x, y), axis=-1)  # noqa: E731
    box = (lambda fun: _box_max(fun, r)) if r > 0 else (lambda fun: float(fun(np.zeros(1), np.zeros(1))[0]))
    return [Slip("the maximum of the gradient norm ||grad f||: the Lipschitz constant of the "
                 "gradient is the maximum of the Hessian's spectral norm", box(gnorm)),
            Slip("the maximum of the Hessian's Frobenius norm: use the spectral norm (largest "
                 "|eigenvalue|)", box(frob)),
            Slip("the Hessian's norm at the corner (radius, radius) only: the maximum is elsewhere",
                 spec(r, r)),
            Slip("the Hessian's norm at the saddle 0 only, not its maximum over the box", spec(0.0, 0.0))]


@check("lipschitz_constant", points=0.2, cases=LIP_CASES)
def test_lipschitz_constant(student, ref, case):
    name, r = case.args
    got = _number(student.lipschitz_constant(name, r), "L")
    want = ref.lipschitz_constant(name, r)
    slips = _lipschitz_slips(name, r)
    got = float(got)
    if math.isfinite(got) and abs(got - want) <= ATOL_LIP + RTOL_LIP * abs(want):
        return
    msg = (f"L = {got:.10g}, expected {want:.10g} (relative error "
           f"{abs(got - want) / max(abs(want), 1e-300):.3g}; the check allows {RTOL_LIP:g}).")
    hint = next((sl.description for sl in slips
                 if abs(got - sl.value) <= ATOL_LIP + RTOL_LIP * abs(sl.value) and
                 abs(sl.value - want) > ATOL_LIP + RTOL_LIP * abs(want)), None)
    if hint:
        msg += f" This looks like: {hint}."
    elif got < want:
        msg += (f" Your value is below the maximum: for {name} the maximum of ||H||_2 over the "
                f"box lies {_ARGMAX[name]}; a grid that leaves out the edges (np.arange stops "
                "before radius) or a random search misses it and underestimates L.")
    fail(msg + " Next: derive from your Hessian where ||H||_2 is largest on the box.")


# ---------------------------------------------------------------- saddle_attraction_rate
def _linear_attraction_p(name, lr, r, steps):
    """P(|theta_steps| < NEAR) for uniform inits in [-r, r]^2 under the map linearised at 0.

    In eigen-coordinates (u unstable, v stable) u is multiplied by b = (1 + lr)^steps and
    v by a = (1 - lr)^steps: the region is the ellipse (b u)^2 + (a v)^2 < NEAR^2 inside the
    box, which allows |v| <= r (quartic) or |v| <= sqrt(2) r - |u| (factorization: the box
    is a square turned by 45 degrees in (u, v)). Near the saddle (r = 2e-3) the cubic terms
    move the boundary by a relative ~lr r^2 steps < 1e-5.
    """
    c, a, b = NEAR, (1 - lr) ** steps, (1 + lr) ** steps
    h = (lambda u: r) if name == "quartic" else (lambda u: math.sqrt(2) * r - abs(u))
    u_end = min(r if name == "quartic" else math.sqrt(2) * r, c / b)

    def width(u):
        return 2.0 * max(0.0, min(math.sqrt(max(0.0, c * c - (b * u) ** 2)) / a, h(u)))

    area, _ = integrate.quad(width, -u_end, u_end, limit=200, epsabs=1e-16, epsrel=1e-12)
    return area / (4 * r * r)


def _counts(student, args, seeds, n):
    """The student's rates at ``seeds`` for (name, lr, radius, steps) = args, as counts out of ``n``."""
    name, lr, r, steps = args
    out = []
    for s in seeds:
        rate = float(_number(student.saddle_attraction_rate(name, lr, n, r, steps, s), "rate"))
        if not 0.0 <= rate <= 1.0:
            fail(f"the rate is {rate}: a fraction of the inits must lie in [0, 1].")
        k = round(rate * n)
        if abs(rate * n - k) > 1e-6:
            fail(f"the rate {rate!r} is not a count divided by n_inits = {n}. Next: return the "
                 "fraction of the inits (np.mean of a boolean array).")
        out.append(k)
    return out


def _seed_used(counts, n):
    """Fail if every seed gave the same count strictly between 0 and n. For a correct solution
    the counts are independent Binomial(n, p); all m equal has probability
    <= max_k P(K = k)^(m - 1) < 1e-15 at the sizes below. (All 0 or all n is left to the
    distribution test, which names the likelier slip.)"""
    if len(set(counts)) == 1 and 0 < counts[0] < n:
        fail(f"every seed gave the same rate {counts[0]}/{n}: the seed is ignored (or the inits "
             "are not random). Next: draw the inits from np.random.default_rng(seed).")


THEORY_N, THEORY_SEEDS = 4000, 10
THEORY_FFP = 5e-5    # exact binomial quantiles; the seed test adds < 1e-15
SAT_THEORY = [
    # id, name, lr, radius, steps
    Case("quartic_zero_steps", "quartic", 0.3, 3e-3, 0),
    Case("quartic_linear_regime", "quartic", 0.3, 2e-3, 6),
]


# The sum of the counts over THEORY_SEEDS seeds is Binomial(THEORY_N * THEORY_SEEDS, p) for any
# correct code (uniform inits, whatever the order of draws); p is the area of the linearised
# attraction region (steps = 0: the disk, pi NEAR^2 / (4 r^2)). ffp = THEORY_FFP + P(seeds all
# equal) < 1e-4.
@check("saddle_attraction_rate", points=0.5, aspect="theory", cases=SAT_THEORY, stochastic=True,
       ffp=1e-4, timeout=30)
def test_saddle_attraction_rate_theory(student, ref, case, grader_seed):
    name, lr, r, steps = case.args
    p = _linear_attraction_p(name, lr, r, steps)
    counts = _counts(student, (name, lr, r, steps), [grader_seed + k for k in range(THEORY_SEEDS)],
                     THEORY_N)
    _seed_used(counts, THEORY_N)
    total, n = sum(counts), THEORY_N * THEORY_SEEDS
    hint = ("Next: draw the inits uniformly in [-radius, radius]^2, run exactly `steps` GD steps, "
            "and count the final iterates at Euclidean distance < 1e-3 from 0.")
    if steps > 0:
        prev, nxt = (_linear_attraction_p(name, lr, r, steps + d) for d in (-1, 1))
        for q, what in ((prev, "steps - 1 GD steps"), (nxt, "steps + 1 GD steps"),
                        (math.pi * NEAR ** 2 / (4 * r * r), "no GD step at all")):
            if abs(total / n - q) < 4 * math.sqrt(q * (1 - q) / n) < abs(p - q):
                hint = f"Your fraction matches {what}. " + hint
                break
    if abs(total / n - min(1.0, 4 * NEAR ** 2 / (4 * r * r))) < 1e-2 and steps == 0:
        hint = "Your fraction matches a square |x|, |y| < 1e-3 (max-norm), not a disk. " + hint
    if total == n:
        hint = "Every init counts as attracted: is the distance compared squared (|theta|^2 < 1e-3)? " + hint
    stats.binomial_check(total, n, p, THEORY_FFP,
                         what=f"the number of attracted inits over {THEORY_SEEDS} seeds", hint=hint)


MONKEY_N, MONKEY_SEEDS = 2000, 5
MONKEY_REF_N, MONKEY_REF_SEEDS = 50000, 2
MONKEY_ALPHA = 1e-4


# ---------------------------------------------------------------- escape_steps
_S = 1 / math.sqrt(2)
ESCAPE_CASES = [
    Case("quartic", "quartic", np.array([0.3, 1e-6]), 0.1, 0.5),
    Case("factorization", "factorization", np.array([_S * (1e-4 + 0.2), _S * (1e-4 - 0.2)]), 0.05, 0.3),
]


def _first_crossing(traj, v, thr, norm=False):
    with np.errstate(all="ignore"):
        comp = np.linalg.norm(traj, axis=1) if norm else np.abs(traj @ v)
    idx = np.nonzero(comp >= thr)[0]
    return int(idx[0]) if idx.size else None


@check("escape_steps", points=0.25, cases=ESCAPE_CASES)
def test_escape_steps(student, ref, case):
    name, theta0, lr, thr = case.args
    want = ref.escape_steps(*case.args, **case.kwargs)
    v = np.array([0.0, 1.0]) if name == "quartic" else np.array([_S, _S])
    w = np.array([1.0, 0.0]) if name == "quartic" else np.array([_S, -_S])   # positive curvature
    # computed before the student's call, so that public fixtures record them
    long = ref.gd(name, theta0, lr, 5 * (want + 2) + 100)
    traj = long[:want + 3]
    positive = _first_crossing(traj, w, thr)
    slips = [Slip("off by one: k counts GD steps and k = 0 (theta0 itself) is a candidate", want + 1),
             Slip("off by one: you return the index of the last iterate below the threshold; "
                  "theta_k is the iterate after k GD steps", want - 1)]
    norm = _first_crossing(traj, v, thr, norm=True)
    if norm is not None:
        slips.append(Slip("the norm |theta_k| was compared with the threshold; the task asks for the "
                          "component along the negative-curvature eigenvector of H(0)", norm))
    largest = ("the component along the eigenvector of the largest eigenvalue of H(0) "
               f"({'(1, 0)' if name == 'quartic' else '(1, -1)/sqrt(2)'}, positive curvature); the "
               "escape direction is the eigenvector of the most negative eigenvalue")
    if positive is not None:
        slips.append(Slip(largest, positive))
    call = f"escape_steps({name!r}, ({theta0[0]:.6g}, {theta0[1]:.6g}), {lr:g}, {thr:g})"
    try:
        got = int(_number(student.escape_steps(*case.args, **case.kwargs), "the escape step", integer=True))
    except Raised as err:
        # GD shrinks the positive-curvature component: measured along it, the
        # iterates never escape (the slip's "value" is the RuntimeError).
        if err.exc_type == "RuntimeError" and _first_crossing(long, w, thr) is None:
            fail(f"{call} raised RuntimeError, but GD escapes at step {want}. This looks like: "
                 f"{largest} (GD shrinks that component, so it never reaches the threshold). "
                 "Next: measure |<theta_k, v>| with v the eigenvector of lambda_min < 0.")
        raise
    if got == want:
        return
    hint = name_slips(got, slips)
    fail(f"{call} returned {got}, expected {want}."
         + (f" {hint}" if hint else "")
         + " Next: follow theta_k by GD and stop at the first k with |<theta_k, v>| >= threshold.")


@check("escape_steps", points=0.25, aspect="errors", cases=[
    Case("quartic_stable_manifold", "quartic", np.array([0.9, 0.0]), 0.1, 0.5, max_steps=20000),
    Case("monkey_not_strict", "monkey", np.array([0.1, 0.1]), 0.1, 0.5, exc="ValueError"),
], timeout=30)
def test_escape_steps_errors(student, ref, case):
    kwargs = dict(case.kwargs)
    exc = kwargs.pop("exc", "RuntimeError")
    slips = []
    name, theta0, lr, thr = case.args
    if name != "monkey":
        traj = ref.gd(name, theta0, lr, 200)
        w = np.array([1.0, 0.0]) if name == "quartic" else np.array([_S, -_S])
        for text, k in (("the norm |theta_k| was compared with the threshold, not the component along "
                         "the negative-curvature eigenvector", _first_crossing(traj, w, thr, norm=True)),
                        ("the component along the eigenvector of the largest eigenvalue of H(0) (positive "
                         "curvature) was compared with the threshold", _first_crossing(traj, w, thr))):
            if k is not None:
                slips.append(Slip(text, k))
    expect_raises(student.escape_steps, exc, *case.args, slips=slips, **kwargs)


# ---------------------------------------------------------------- predicted_escape_steps
PRED_CASES = [
    Case("quartic", "quartic", 1e-6, 0.1, 0.5),
    Case("factorization", "factorization", 3e-4, 0.05, 0.2),
    Case("at_threshold", "quartic", 0.5, 0.1, 0.5),
]


@check("predicted_escape_steps", points=0.2, cases=PRED_CASES)
def test_predicted_escape_steps(student, ref, case):
    name, d, lr, thr = case.args
    got = int(_number(student.predicted_escape_steps(*case.args), "the predicted number of steps",
                        integer=True))
    want = ref.predicted_escape_steps(*case.args)
    slack = 1 if case.id.startswith("exact_power") else 0  # ceil of an integer up to round-off
    if abs(got - want) <= slack:
        return
    x = math.log(thr / d)
    slips = {"floor instead of ceil": math.floor(x / math.log1p(lr)),
             "round instead of ceil": round(x / math.log1p(lr)),
             "log(1 + lr) replaced by lr (its first-order expansion)": math.ceil(x / lr),
             "log(1 - lr |lambda_min|): the unstable factor is 1 + lr |lambda_min| > 1":
                 math.ceil(x / math.log1p(-lr)) if lr < 1 else None,
             "the case dist0 >= threshold must give 0": math.ceil(x / math.log1p(lr))}
    hint = next((k for k, v in slips.items() if v == got and v != want), None)
    fail(f"predicted_escape_steps{case.args} returned {got}, expected {want}"
         + (f" (up to {slack} for round-off at an exact power)" if slack else "") + "."
         + (f" This looks like: {hint}." if hint else "")
         + " Next: compute ceil(log(threshold / dist0) / log1p(lr * |lambda_min|)), and 0 when "
           "dist0 >= threshold.")


@check("predicted_escape_steps", points=0.2, aspect="errors", cases=[
    Case("monkey_not_strict", "monkey", 1e-3, 0.1, 0.5)])
def test_predicted_escape_steps_monkey(student, ref, case):
    expect_raises(student.predicted_escape_steps, ValueError, *case.args)


# ---------------------------------------------------------------- plots
def plot(student, ref, outdir):
    """Escape time against the initial distance: the student's two functions over the reference's."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d0 = np.geomspace(1e-10, 0.3, 25)
    lr, thr = 0.1, 0.5
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for name, v, c in (("quartic", np.array([0.0, 1.0]), "C0"), ("factorization", np.array([_S, _S]), "C1")):
        perp = 0.3 * np.array([v[1], -v[0]])
        want = [ref.escape_steps(name, d * v + perp, lr, thr) for d in d0]
        got = [student.escape_steps(name, d * v + perp, lr, thr) for d in d0]
        ax.plot(d0, want, "-", color=c, label=f"{name}: reference")
        ax.plot(d0, got, "o", color=c, ms=4, label=f"{name}: yours")
        ax2.plot(d0, np.asarray(got, float) - np.asarray(want, float), "o-", color=c, ms=4, label=name)
    ax.plot(d0, [student.predicted_escape_steps("quartic", d, lr, thr) for d in d0], "k--",
            label="your predicted_escape_steps")
    ax.set(xscale="log", xlabel="dist0", ylabel="escape step", title=f"lr = {lr}, threshold = {thr}")
    ax.legend(fontsize=7)
    ax2.axhline(0.0, color="k", lw=0.8)
    ax2.set(xscale="log", xlabel="dist0", ylabel="yours - reference", title="escape_steps: difference")
    ax2.legend(fontsize=7)
    path = f"{outdir}/hw5_escape.png"
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [path]
