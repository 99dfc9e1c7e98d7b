"""hw4's verdicts on samples of a random function: the two-sample tests against the
reference's draws at other seeds, and the init slip that a sample of initial losses matches."""
import numpy as np

from autograder.api import fail, name_by_mean, stats
from autograder.checks.hw4.public import ALPHA


def init_slip_hint(ref, X, Y, n1, act, got):
    """Names the init/loss slips whose mean initial loss matches the sample ``got`` (name_by_mean)."""
    n0, m = X.shape
    cands = [
        ("the loss divided by m (the 1/(2m) misprint after (3.4))",
         ref.slipgen.expected_initial_loss(X, Y, n1, act) / m),
        ("a loss without the factor 1/2", 2 * ref.slipgen.expected_initial_loss(X, Y, n1, act)),
        ("W1 drawn with variance 1/n0 instead of 1/n1", ref.slipgen.expected_initial_loss(X, Y, n1, act, var1=1.0 / n0)),
        ("W0 drawn with variance 1/n1 instead of 1/n0", ref.slipgen.expected_initial_loss(X, Y, n1, act, var0=1.0 / n1)),
        ("standard deviation 1/n instead of 1/sqrt(n) in both layers (the variance passed where "
         "NumPy's normal(loc, scale) expects the standard deviation)",
         ref.slipgen.expected_initial_loss(X, Y, n1, act, var0=1.0 / n0 ** 2, var1=1.0 / n1 ** 2)),
    ]
    return name_by_mean(got, cands) or (
        "Next: draw W0 ~ N(0, 1/n0) of shape (n1, n0) and W1 ~ N(0, 1/n1) of shape (n2, n1), "
        "and return 1/2 ||Y - W1 phi(W0 X)||_F^2 summed over the points.")


def shifted_sample_check(got, refs, what, hint, theory=None):
    """Mann-Whitney and Kolmogorov-Smirnov tests of got against reference draws, ALPHA each."""
    __tracebackhide__ = True
    extra = f"; theory says mean {theory:.6g}" if theory is not None else ""
    what = (f"{what} (your mean {np.mean(got):.6g}, median {np.median(got):.6g}; reference "
            f"mean {np.mean(refs):.6g}, median {np.median(refs):.6g} over {len(refs)} other seeds{extra})")
    p = stats.two_sample(got, refs, "mann-whitney")
    if not p >= ALPHA:
        fail(f"{what} are shifted: Mann-Whitney p = {p:.2e} (the check fails below {ALPHA:g}; a "
             f"correct solution fails it with probability {ALPHA:g}).", advice=hint)
    stats.ks_check(got, refs, ALPHA, what=what, hint=hint)


def same_law(a, b):
    """Both tests of shifted_sample_check pass at ALPHA: sample a may come from the law of sample b."""
    return stats.two_sample(a, b, "mann-whitney") >= ALPHA and stats.two_sample(a, b, "ks") >= ALPHA
