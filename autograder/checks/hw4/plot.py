"""hw4's plot (``course check --plots DIR``): the student's full-rank probabilities over Lemma 1."""
import numpy as np

from autograder.api import figure
from autograder.checks.hw4.public import ACTIVATIONS


def plot(student, ref, outdir):
    """Rank probability against width for each activation, the student's over the theory."""
    n0, m = 3, 8
    n1s = list(range(2, 17))
    paths = []
    with figure(outdir, "hw4_full_rank.png", figsize=(7, 4), paths=paths) as (fig, ax):
        for i, act in enumerate(ACTIVATIONS):
            p = [float(student.full_rank_probability(n0, n1, m, act, 60, n1)) for n1 in n1s]
            line, = ax.plot(n1s, p, ".-", label=f"{act} (yours)")
            theory = [ref.slipgen.lemma1_prediction(n0, n1, m, act) for n1 in n1s]
            ax.plot(n1s, [np.nan if t is None else t + 0.012 * (i - 2.5) for t in theory], "x",
                    color=line.get_color(), ms=4,
                    label="x: theory, 0 or 1 (offset to stay visible)" if i == 0 else None)
        ax.axvline(m, color="k", lw=0.8, ls="--")
        ax.set_xlabel("hidden width n1")
        ax.set_ylabel(f"P(rank = m), n0 = {n0}, m = {m}")
        ax.legend(fontsize=7)
    return paths
