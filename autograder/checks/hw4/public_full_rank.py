"""hw4's public checks of full_rank_probability (notes 3.1, Lemma 1): the rank of phi(W0 X)
is m in every draw, or in none, where theory forces it; relu is compared with exact
probabilities and with the reference at other seeds."""
import math

from autograder.api import (Case, check, expect_reproducible, expect_scalar, expect_seed_used, fail, rejects,
                            stats)

EDGE_TRIALS = 40
EDGE_CASES = [
    Case("tanh_n1_eq_m", 4, 10, 10, "tanh"),
    Case("erf_wide", 4, 16, 10, "erf"),
    Case("square_m_above_n0n0p1_2", 4, 30, 11, "square"),
    Case("linear_n0_below_m", 5, 30, 6, "linear"),
    Case("tanh_n1_below_m", 4, 9, 10, "tanh"),
]


# Theory forces 0 or 1 in every draw; numerically, over 10^4 draws per case
# the m-th singular value stayed >= 1.2e4 times NumPy's tolerance where the
# rank is m (sigmoid, n0 = 3, m = 20 is the closest; the others >= 5e7), and
# the round-off singular values <= 0.06 times it where the rank must be
# lower. For a near-square random matrix P(sigma_m < eps * typical) is
# about eps, which puts the chance of a wrong rank in 40 trials below 1e-6.
@check("full_rank_probability", points=0.5, cases=EDGE_CASES, stochastic=True, ffp=1e-6, aspect="edges")
def test_full_rank_probability_edges(student, ref, case, grader_seed):
    n0, n1, m, act = case.args
    want = ref.slipgen.lemma1_prediction(n0, n1, m, act)   # Lemma 1's forced 0 or 1 (slipgen.py)
    got = float(expect_scalar(student.full_rank_probability(n0, n1, m, act, EDGE_TRIALS, grader_seed),
                              "the probability"))
    if got == want:
        return
    why = {
        (0.0, "n1"): f"with n1 = {n1} < m = {m} the n1 x m matrix has rank <= n1 < m. \"Full rank\" "
                     "here means rank m (one column per point), not rank min(n1, m).",
        (0.0, "linear"): f"linear features W0 X have rank <= n0 = {n0} < m = {m}.",
        (0.0, "square"): f"(w.x)^2 = <w w^T, x x^T> spans at most n0(n0+1)/2 = {n0 * (n0 + 1) // 2} "
                         f"dimensions < m = {m}: no W0 gives rank m.",
        (0.0, "relu"): "relu(w x) with scalar x is w relu(x) or |w| relu(-x): rank <= 2.",
        (1.0, None): f"Lemma 1: {act} with n1 = {n1} >= m = {m} (and n0(n0+1)/2 >= m for square, "
                     "n0 >= m for linear) has rank m in every draw.",
    }
    key = (1.0, None) if want == 1.0 else (0.0, "n1" if n1 < m else act)
    fail(f"full_rank_probability({n0}, {n1}, {m}, {act!r}, {EDGE_TRIALS}, seed) returned {got:.6g}, "
         f"theory says exactly {want:g}: {why.get(key, '')} Next: compute the rank of "
         "phi(W0 X) of shape (n1, m) and compare it with m.")


RELU_TRIALS = 400
RELU_REF_TRIALS = 4000


# relu is not analytic: the probability is strictly between 0 and 1. The
# m = 1 and m = 2 cases have closed forms (exact binomial test, ffp 1e-6);
# m = 10 is compared with the reference at other seeds (two-sample test,
# |z| <= 5: ffp 5.7e-7 with the normal approximation, n p > 60 here).
@check("full_rank_probability", points=0.5, stochastic=True, ffp=1e-6, aspect="relu", cases=[
    Case("relu_one_point", 3, 2, 1),
    Case("relu_two_points", 3, 3, 2),
])
def test_full_rank_probability_relu(student, ref, case, grader_seed):
    n0, n1, m = case.args
    got = float(expect_scalar(student.full_rank_probability(n0, n1, m, "relu", RELU_TRIALS, grader_seed),
                              "the probability"))
    k = got * RELU_TRIALS
    if not (0.0 <= got <= 1.0) or abs(k - round(k)) > 1e-6:
        fail(f"returned {got!r} with n_trials = {RELU_TRIALS}: a fraction of trials is a multiple "
             f"of 1/{RELU_TRIALS} in [0, 1]. Next: return (number of full-rank draws) / n_trials.")
    if m == 1:
        stats.binomial_check(round(k), RELU_TRIALS, ref.slipgen.relu_one_point_probability(n1), 1e-6, what="the full-rank count",
                             hint="With one point, rank 1 fails only when every unit is off: "
                                  "probability 2^-n1.")
    elif m == 2:
        stats.binomial_check(round(k), RELU_TRIALS, ref.slipgen.relu_two_point_probability(n0, n1), 1e-6,
                             what="the full-rank count",
                             hint="Next: draw X and W0 afresh in every trial, with N(0,1) and N(0,1/n0) entries.")
    else:
        p_ref = ref.full_rank_probability(n0, n1, m, "relu", RELU_REF_TRIALS, grader_seed + stats.REF_SEED_OFFSET)
        pbar = (got * RELU_TRIALS + p_ref * RELU_REF_TRIALS) / (RELU_TRIALS + RELU_REF_TRIALS)
        se = math.sqrt(max(pbar * (1 - pbar), 1e-12) * (1 / RELU_TRIALS + 1 / RELU_REF_TRIALS))
        z = (got - p_ref) / se
        if not abs(z) <= 5.0:
            fail(f"the full-rank fraction is {got:.4f} over {RELU_TRIALS} trials; the reference gives "
                 f"{p_ref:.4f} over {RELU_REF_TRIALS} trials at other seeds, {abs(z):.1f} standard errors "
                 "away (the check allows 5; a correct solution fails with probability 5.7e-7). "
                 "Next: use NumPy's default rank tolerance and fresh X and W0 in every trial.")


SEED_TRIALS, SEED_CALLS = 100, 8


# Same seed, same value; 8 seeds all equal has probability
# theory.equal_binomials_probability(100, 0.17, 8) = 5.4e-8 for a correct solution
# (p = 0.17 at relu, n0 = 2, n1 = m = 10).
@check("full_rank_probability", points=0.5, stochastic=True, ffp=1e-7, aspect="seed",
       cases=[Case("relu_n0_2_m10", 2, 10, 10, "relu")])
def test_full_rank_probability_seed(student, ref, case, grader_seed):
    vals = [float(expect_scalar(student.full_rank_probability(*case.args, SEED_TRIALS, grader_seed + k),
                                "the probability")) for k in range(SEED_CALLS)]
    again = float(student.full_rank_probability(*case.args, SEED_TRIALS, grader_seed))
    expect_reproducible(vals[0], again, "fractions", advice="Next: draw only from np.random.default_rng(seed).")
    expect_seed_used([vals[0]] * (SEED_CALLS - 1), vals[1:], "fractions",
                     message=f"{SEED_CALLS} different seeds all gave {vals[0]}: the seed is ignored (a correct "
                             f"solution does this with probability < 1e-7).")


test_full_rank_probability_rejects_unknown = rejects("full_rank_probability", ValueError, points=0.25, cases=[
    Case("unknown_activation", 2, 3, 3, "softsign", 5, 0),
])
