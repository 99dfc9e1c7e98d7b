"""hw6's plot: the NTK deviation against width and the alignment residuals (``--plots DIR``)."""
import numpy as np

from autograder.api import figure
from autograder.checks.hw6.inputs import scaled_inputs
from autograder.checks.hw6.public import ALIGN_CASES
from autograder.checks.hw6.theory import width_scaling


def plot(student, ref, outdir):
    """The deviation against width (log-log) and the alignment residuals."""
    X = scaled_inputs(4, 6, 621, 0.6, 1.2)
    widths = [2 ** k for k in range(5, 11)]
    paths = []
    with figure(outdir, "hw6_ntk.png", ncols=2, figsize=(11, 4), paths=paths) as (fig, axes):
        ax = axes[0]
        ax.loglog(widths, [ref.ntk_deviation(X, 2, w, "relu", 2.0, 4, 0) for w in widths], "-", label="reference")
        ax.loglog(widths, [float(student.ntk_deviation(X, 2, w, "relu", 2.0, 4, 1)) for w in widths], "o",
                  label="yours")
        ax.loglog(widths, [width_scaling(ref.ntk_deviation(X, 2, 64, "relu", 2.0, 4, 0), 64, w) for w in widths],
                  ":", label="slope -1/2")
        ax.set_xlabel("width n")
        ax.set_ylabel("||Theta-hat - Theta||_F / ||Theta||_F")
        ax.legend(fontsize=8)
        ax = axes[1]
        for c, case in enumerate(ALIGN_CASES[:2]):
            H, y, u0, _ = case.args
            t = np.linspace(0, 10, 50)
            ax.semilogy(t, ref.alignment_residuals(H, y, u0, t), "-", color=f"C{c}", label=f"{case.id} reference")
            ax.semilogy(t, np.asarray(student.alignment_residuals(H, y, u0, t)), "o", ms=3, color=f"C{c}",
                        label=f"{case.id} yours")
        ax.set_xlabel("t")
        ax.set_ylabel("||u'(t) - y||^2 (5.151)")
        ax.legend(fontsize=8)
    return paths
