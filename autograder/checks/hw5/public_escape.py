"""hw5 checks of the escape from strict saddles: saddle_attraction_rate, escape_steps,
predicted_escape_steps (notes 3.3, (3.44)-(3.46))."""
import math

import numpy as np

from autograder.api import Case, Raised, Slip, check, expect_raises, fail, name_slips, rejects, stats

from autograder.checks.hw5.diagnosis import returned_number
from autograder.checks.hw5.public import NEAR
from autograder.checks.hw5.theory import INV_SQRT2, saddle_directions

# ---------------------------------------------------------------- saddle_attraction_rate
def _counts(student, args, seeds, n):
    """The student's rates at ``seeds`` for (name, lr, radius, steps) = args, as counts out of ``n``."""
    name, lr, r, steps = args
    out = []
    for s in seeds:
        rate = float(returned_number(student.saddle_attraction_rate(name, lr, n, r, steps, s), "rate"))
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
    p = ref.slipgen.linear_attraction_p(name, lr, r, steps)
    counts = _counts(student, (name, lr, r, steps), [grader_seed + k for k in range(THEORY_SEEDS)],
                     THEORY_N)
    _seed_used(counts, THEORY_N)
    total, n = sum(counts), THEORY_N * THEORY_SEEDS
    hint = ("Next: draw the inits uniformly in [-radius, radius]^2, run exactly `steps` GD steps, "
            "and count the final iterates at Euclidean distance < 1e-3 from 0.")
    if steps > 0:
        prev, nxt = (ref.slipgen.linear_attraction_p(name, lr, r, steps + d) for d in (-1, 1))
        for q, what in ((prev, "steps - 1 GD steps"), (nxt, "steps + 1 GD steps"),
                        (ref.slipgen.disk_fraction(NEAR, r), "no GD step at all")):
            if abs(total / n - q) < 4 * math.sqrt(q * (1 - q) / n) < abs(p - q):
                hint = f"Your fraction matches {what}. " + hint
                break
    if abs(total / n - ref.slipgen.max_norm_fraction(NEAR, r)) < 1e-2 and steps == 0:
        hint = "Your fraction matches a square |x|, |y| < 1e-3 (max-norm), not a disk. " + hint
    if total == n:
        hint = "Every init counts as attracted: is the distance compared squared (|theta|^2 < 1e-3)? " + hint
    stats.binomial_check(total, n, p, THEORY_FFP,
                         what=f"the number of attracted inits over {THEORY_SEEDS} seeds", hint=hint)


MONKEY_N, MONKEY_SEEDS = 2000, 5
MONKEY_REF_N, MONKEY_REF_SEEDS = 50000, 2
MONKEY_ALPHA = 1e-4


# ---------------------------------------------------------------- escape_steps
ESCAPE_CASES = [
    Case("quartic", "quartic", np.array([0.3, 1e-6]), 0.1, 0.5),
    Case("factorization", "factorization", np.array([INV_SQRT2 * (1e-4 + 0.2), INV_SQRT2 * (1e-4 - 0.2)]), 0.05, 0.3),
]


@check("escape_steps", points=0.25, cases=ESCAPE_CASES)
def test_escape_steps(student, ref, case):
    name, theta0, lr, thr = case.args
    want = ref.escape_steps(*case.args, **case.kwargs)
    v, w = saddle_directions(name)   # w: positive curvature
    # computed before the student's call, so that public fixtures record them
    long = ref.gd(name, theta0, lr, 5 * (want + 2) + 100)
    traj = long[:want + 3]
    positive = ref.slipgen.first_crossing(traj, w, thr)
    never = ref.slipgen.first_crossing(long, w, thr) is None
    slips = [Slip("off by one: k counts GD steps and k = 0 (theta0 itself) is a candidate", want + 1),
             Slip("off by one: you return the index of the last iterate below the threshold; "
                  "theta_k is the iterate after k GD steps", want - 1)]
    norm = ref.slipgen.first_crossing(traj, v, thr, norm=True)
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
        got = int(returned_number(student.escape_steps(*case.args, **case.kwargs), "the escape step", integer=True))
    except Raised as err:
        # GD shrinks the positive-curvature component: measured along it, the
        # iterates never escape (the slip's "value" is the RuntimeError).
        if err.exc_type == "RuntimeError" and never:
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
        w = saddle_directions(name)[1]
        for text, k in (("the norm |theta_k| was compared with the threshold, not the component along "
                         "the negative-curvature eigenvector", ref.slipgen.first_crossing(traj, w, thr, norm=True)),
                        ("the component along the eigenvector of the largest eigenvalue of H(0) (positive "
                         "curvature) was compared with the threshold", ref.slipgen.first_crossing(traj, w, thr))):
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
    got = int(returned_number(student.predicted_escape_steps(*case.args), "the predicted number of steps",
                                  integer=True))
    want = ref.predicted_escape_steps(*case.args)
    slack = 1 if ref.slipgen.is_exact_power(d, lr, thr) is True else 0  # ceil of an integer up to round-off
    # asked before the verdict, so that public fixtures record them
    slips = dict(zip(("floor instead of ceil", "round instead of ceil",
                      "log(1 + lr) replaced by lr (its first-order expansion)",
                      "log(1 - lr |lambda_min|): the unstable factor is 1 + lr |lambda_min| > 1",
                      "the case dist0 >= threshold must give 0"),
                     ref.slipgen.predicted_slips(d, lr, thr)))
    if abs(got - want) <= slack:
        return
    hint = next((k for k, v in slips.items() if v == got and v != want), None)
    fail(f"predicted_escape_steps{case.args} returned {got}, expected {want}"
         + (f" (up to {slack} for round-off at an exact power)" if slack else "") + "."
         + (f" This looks like: {hint}." if hint else "")
         + " Next: compute ceil(log(threshold / dist0) / log1p(lr * |lambda_min|)), and 0 when "
           "dist0 >= threshold.")


test_predicted_escape_steps_errors = rejects("predicted_escape_steps", ValueError, points=0.2, cases=[
    Case("monkey_not_strict", "monkey", 1e-3, 0.1, 0.5)])
