"""hw2's public checks of simulate_lengths (notes 2.1.3): a random net's q_l against the
reference's at other seeds and the iterated length map (2.21)."""
import numpy as np

from autograder.api import Case, check, expect_array, expect_reproducible, expect_seed_used, fail, stats
from autograder.checks.hw2.diagnosis import simulation_slip
from autograder.checks.hw2.theory import iterated_map

SIM_CASES = [
    Case("tanh_bias", 2.0, 0.5, "tanh", 40, 6, 0.5),
]
SIM_RUNS = 100        # student runs (seeds grader_seed + k) and reference runs (other seeds)
SIM_Z = 4.42          # two-sample z-test of the means: ffp_of_z(4.42) = 1e-5 per layer
SIM_KS_ALPHA = 1e-6   # two-sample Kolmogorov-Smirnov test per layer (distribution-free)


@check("simulate_lengths", points=0.25, aspect="contract", cases=SIM_CASES)
def test_simulate_lengths_contract(student, ref, case, grader_seed):
    sw, sb, act, width, depth, q1 = case.args
    a = expect_array(student.simulate_lengths(*case.args, grader_seed), (depth,), "q")
    if not abs(a[0] - q1) <= 1e-12 * q1:
        fail(f"q_1 = {a[0]:.10g}, expected q1 = {q1} exactly: scale x (or h_1 = W_0 x) to the norm "
             "sqrt(width * q1) before the first layer.")
    b = student.simulate_lengths(*case.args, grader_seed)
    expect_reproducible(a, b, "q_l", advice="Next: draw only from np.random.default_rng(seed), never from "
                                            "the global np.random state.")
    c = student.simulate_lengths(*case.args, grader_seed + 1)
    expect_seed_used(a, c, "q_l")


# The student's q_l over SIM_RUNS seeds against the reference's over as many
# other seeds (fixed ones, REF_SEED_OFFSET + k: disjoint from the student's
# for grader seeds < 1e6, computed once per session and recorded in the
# public fixtures, so `course check --seed N` works for any N), layer by layer: a z-test of the difference of the means (the
# difference of two means of iid runs is symmetric and, with 100 runs each,
# close to normal: over 500 replicates of the reference against itself, relu
# case, P(|z| > 3) = 0.002, expected 0.0027) and a two-sample KS test, exact
# and distribution-free, which catches a wrong spread or a constant output.
# ffp per case <= (depth - 1) x (1e-5 + 1e-6) <= 6e-5.
@check("simulate_lengths", points=0.5, aspect="distribution", cases=SIM_CASES, stochastic=True,
       ffp=6e-5, timeout=60)
def test_simulate_lengths_distribution(student, ref, case, grader_seed):
    sw, sb, act, width, depth, q1 = case.args
    runs = np.array([expect_array(student.simulate_lengths(*case.args, grader_seed + k), (depth,), "q")
                     for k in range(SIM_RUNS)])
    if not np.all(np.isfinite(runs)):
        fail("your simulated q_l contain NaN or inf.")
    refs = np.array([ref.simulate_lengths(*case.args, stats.REF_SEED_OFFSET + k) for k in range(SIM_RUNS)])
    theory = iterated_map(lambda q: ref.length_map(q, sw, sb, act), q1, depth)
    nxt = simulation_slip(ref, runs, case.args) + \
        ("Next: W_l ~ N(0, sigma_w2/width) (scale sqrt(sigma_w2/width)), b_l ~ N(0, sigma_b2) "
         "(scale sqrt(sigma_b2)), h_{l+1} = W_l phi(h_l) + b_l, q_l = |h_l|^2 / width.")
    for l in range(1, depth):
        s, r = runs[:, l], refs[:, l]
        if s.var() == 0:
            fail(f"q_{l + 1} is the same in all {SIM_RUNS} runs (seeds {grader_seed}, {grader_seed + 1}, "
                 "...): a random net gives a different q_l every time. Next: draw W_l and b_l "
                 "from np.random.default_rng(seed).")
        se = np.sqrt((s.var(ddof=1) + r.var(ddof=1)) / SIM_RUNS)
        dev = abs(s.mean() - r.mean())
        if not dev <= SIM_Z * se:
            fail(f"the mean of q_{l + 1} over {SIM_RUNS} seeds (width {width}) is {s.mean():.4g}; the "
                 f"reference simulation over {SIM_RUNS} other seeds gives {r.mean():.4g} (mean-field "
                 f"length map: {theory[l]:.4g}). They are {dev / se:.1f} standard errors apart; the "
                 f"check allows {SIM_Z} (a correct simulation fails with probability "
                 f"{stats.ffp_of_z(SIM_Z):.0e}). " + nxt)
        stats.ks_check(s, r, SIM_KS_ALPHA, what=f"your q_{l + 1} over {SIM_RUNS} seeds",
                       hint=f"(compared with the reference's q_{l + 1} over other seeds: mean "
                            f"{r.mean():.4g}, sd {r.std():.3g}; yours: mean {s.mean():.4g}, sd "
                            f"{s.std():.3g}.) " + nxt)
