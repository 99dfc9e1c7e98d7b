"""hw7's public checks of orthogonal_weights and deep_linear_gd (notes 2.3, (2.123)-(2.137))."""
import math

import numpy as np
from scipy.stats import ortho_group

from autograder.api import (Case, Slip, check, close, expect_array, expect_reproducible, expect_seed_used,
                            expect_sequence, fail, rejects, stats)

from autograder.checks.hw7.inputs import gaussian_weights, whitened_inputs
from autograder.checks.hw7.public import ATOL_ORTHO, RTOL_GD
from autograder.checks.hw7.theory import bernstein_radius, haar_trace_variance


# ------------------------------------------------------------- orthogonal_weights
def _expect_layer_shapes(ws, widths, name="the weights"):
    __tracebackhide__ = True
    expect_sequence(ws, len(widths) - 1, name)
    for l, w in enumerate(ws):
        expect_array(w, (widths[l + 1], widths[l]), f"W_{l}")
    return ws


@check("orthogonal_weights", points=1.0, aspect="shapes", cases=[Case("mixed_widths", [5, 8, 8, 3, 6])])
def test_orthogonal_weights_shapes(student, ref, case, grader_seed):
    (widths,) = case.args
    ws = _expect_layer_shapes(student.orthogonal_weights(widths, grader_seed), widths)
    for l, w in enumerate(ws):
        tall = w.shape[0] >= w.shape[1]
        gram = w.T @ w if tall else w @ w.T
        err = float(np.max(np.abs(gram - np.eye(min(w.shape)))))
        if not err <= ATOL_ORTHO:
            fail(f"W_{l} (shape {w.shape}) does not have orthonormal {'columns' if tall else 'rows'}: "
                 f"max |{'W^T W' if tall else 'W W^T'} - I| = {err:.2e}. Next: orthonormalise "
                 "(QR of a Gaussian matrix), and for a wide matrix transpose a tall one.")
    expect_reproducible(ws, student.orthogonal_weights(widths, grader_seed), "weights",
                        advice="Next: draw only from np.random.default_rng(seed).")
    other = student.orthogonal_weights(widths, grader_seed + 1)
    for a, b in zip(ws, other):  # one identical layer is enough to show the seed is ignored
        expect_seed_used(a, b, message="two different seeds gave an identical matrix: the seed is ignored.")


test_orthogonal_weights_errors = rejects("orthogonal_weights", ValueError, points=0.5, cases=[
    Case("one_width", [4], 0)])


HAAR_SEEDS = 6          # calls per case, each with 20 matrices
HAAR_REF_DRAWS = 400    # Haar matrices drawn by scipy.stats.ortho_group for the KS test
HAAR_FFP_EACH = 2e-5    # per statistic; three statistics: ffp <= 6e-5 per case


# For Haar matrices of shape m x k (or k x m), k <= m: the trace T of the top
# k x k block has mean 0 and variance k/m (flipping the sign of one column
# leaves the law unchanged, so E W_ii W_jj = 0 for i != j, and E W_ii^2 = 1/m);
# so has the overlap sum(W_l * W_(l+2)) of two independent layers of one shape.
# Both are bounded by k. The traces are independent, so Bernstein's inequality
# bounds the false-failure probability of their sum test by HAAR_FFP_EACH with
# no normal approximation; the overlaps share matrices, but given the earlier
# layers each has mean 0 and variance exactly k/m (a martingale difference
# sequence), so Freedman's inequality gives the same bound.
# The sum of fourth powers (delocalisation: 3k/(m+2) for Haar, k for a signed
# permutation) is compared by a two-sample KS test with scipy's Haar sampler
# at level HAAR_FFP_EACH. Total ffp <= 3 * 2e-5 = 6e-5.
@check("orthogonal_weights", points=1.5, aspect="haar", stochastic=True, ffp=6e-5, cases=[
    Case("square_6", [6] * 21),
])
def test_orthogonal_weights_haar(student, ref, case, grader_seed):
    (widths,) = case.args
    draws = [_expect_layer_shapes(student.orthogonal_weights(widths, grader_seed + 1009 * k), widths)
             for k in range(HAAR_SEEDS)]
    for d in draws[1:]:
        expect_seed_used(draws[0][0], d[0], message="different seeds gave the same first matrix: the seed is ignored.")
    m, k = max(widths[:2]), min(widths[:2])
    tall = [w if w.shape[0] >= w.shape[1] else w.T for d in draws for w in d]
    n = len(tall)
    for w in tall:
        if not np.allclose(w.T @ w, np.eye(k), atol=ATOL_ORTHO, rtol=0):
            fail("a matrix is not orthonormal (see the 'shapes' check).")
    trace = sum(float(np.trace(w[:k, :k])) for w in tall)
    t_max = bernstein_radius(n, haar_trace_variance(m, k), k, HAAR_FFP_EACH)
    if abs(trace) > t_max:
        fail(f"the traces of your {n} matrices (top {k}x{k} block) sum to {trace:.1f}; for Haar "
             f"matrices the sum has mean 0 and standard deviation {math.sqrt(n * k / m):.1f}, and "
             f"|sum| > {t_max:.1f} has probability < {HAAR_FFP_EACH:g}. This looks like: the QR "
             "factor Q used without fixing the signs of diag(R), which biases the diagonal. "
             "Next: Q = Q * np.sign(np.diag(R)).")
    pairs = [(d[l], d[l + 2]) for d in draws for l in range(len(d) - 2)]
    overlap = sum(float(np.sum(a * b)) for a, b in pairs)
    o_max = bernstein_radius(len(pairs), haar_trace_variance(m, k), k, HAAR_FFP_EACH)  # pairs two apart share a law
    if abs(overlap) > o_max:
        fail(f"layers of the same shape are correlated: sum over pairs of tr(W_l^T W_(l+2)) is "
             f"{overlap:.1f}, where independent Haar layers give mean 0 and standard deviation "
             f"{math.sqrt(len(pairs) * k / m):.1f} (allowed: {o_max:.1f}). This looks like: the "
             "same random generator state (or seed) reused for every layer. Next: create one "
             "np.random.default_rng(seed) and draw all layers from it.")
    rng_seed = grader_seed + stats.REF_SEED_OFFSET
    ref_q = ortho_group.rvs(m, size=HAAR_REF_DRAWS, random_state=rng_seed)[:, :, :k]
    stats.ks_check([np.sum(w**4) for w in tall], np.sum(ref_q**4, axis=(1, 2)), HAAR_FFP_EACH,
                   what="the sum of fourth powers of the entries (how spread out they are)",
                   hint="Haar matrices spread each column over all coordinates; yours are too "
                        "concentrated or too uniform (a permutation or a fixed pattern?). Next: "
                        "orthonormalise a Gaussian matrix.")


# ------------------------------------------------------------- deep_linear_gd
#: six fixed 4 x 4 orthogonal matrices (QR factors of Gaussian matrices from the seeds 10..15,
#: column signs fixed), built here once: the wheel holds no sampler of orthogonal matrices
_SQUARE_WEIGHTS = [q * np.sign(np.diag(r))
                   for q, r in (np.linalg.qr(np.random.default_rng(10 + l).standard_normal((4, 4))) for l in range(6))]
GD_CASES = [
    Case("small_net", gaussian_weights([3, 5, 4, 2], 1), np.random.default_rng(2).standard_normal((3, 7)),
         np.random.default_rng(3).standard_normal((2, 7)), 0.05, 30),
    Case("deep_square_L5", _SQUARE_WEIGHTS,
         whitened_inputs(4, 8, 4), np.random.default_rng(5).standard_normal((4, 4)) @ whitened_inputs(4, 8, 4),
         0.05, 40),
]


@check("deep_linear_gd", points=0.5, cases=GD_CASES)
def test_deep_linear_gd(student, ref, case):
    ws, X, Y, lr, steps = case.args
    got = student.deep_linear_gd(*case.args)
    want = ref.deep_linear_gd(*case.args)
    B = X.shape[1]
    slips = [Slip("a sum over the batch where (2.123) takes the mean", B * ref.deep_linear_gd(ws, X, Y, lr * B, steps)),
             Slip("the 1/2 of the square loss (2.123) is missing", 2 * ref.deep_linear_gd(ws, X, Y, 2 * lr, steps)),
             Slip("the layers are updated one after the other; (2.136) moves them all at once",
                  ref.slipgen.gd_variant(ws, X, Y, lr, steps, "sequential"))]
    close(got, want, rtol=RTOL_GD, atol=1e-14, slips=slips, name="losses")


test_deep_linear_gd_errors = rejects("deep_linear_gd", ValueError, points=0.5, cases=[
    Case("shapes_do_not_chain", gaussian_weights([3, 4, 2], 1), np.ones((5, 6)), np.ones((2, 6)), 0.1, 3)])
