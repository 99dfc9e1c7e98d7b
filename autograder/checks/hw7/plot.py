"""hw7's plot: flow times against depth, and one mode's GD trajectory (``--plots DIR``)."""
import numpy as np

from autograder.api import figure

from autograder.checks.hw7.diagnosis import _arr


def plot(student, ref, outdir):
    """Flow times against depth (exact and (2.141)), and one mode's GD trajectory."""
    depths = _arr(np.arange(1, 65))
    paths = []
    with figure(outdir, "hw7_modes.png", ncols=2, figsize=(11, 4), paths=paths) as (fig, axes):
        ax = axes[0]
        ax.loglog(depths, ref.exact_mode_time(1.0, 1.0, 0.01, 0.99, depths), "-", color="C0", label="exact (2.140), reference")
        ax.loglog(depths, _arr(student.exact_mode_time(1.0, 1.0, 0.01, 0.99, depths)), "o", ms=3, color="C0", label="exact, yours")
        ax.loglog(depths, ref.deep_mode_time(1.0, 1.0, 0.01, 0.99, depths), "-", color="C1", label="(2.141), reference")
        ax.loglog(depths, _arr(student.deep_mode_time(1.0, 1.0, 0.01, 0.99, depths)), "o", ms=3, color="C1", label="(2.141), yours")
        ax.set_xlabel("depth L")
        ax.set_ylabel("flow time, s = eta = 1, u: 0.01 -> 0.99")
        ax.legend(fontsize=7)
        ax = axes[1]
        for c, L in enumerate([1, 4, 16]):
            lr = 1.0 / (L + 1)
            ax.plot(ref.simulate_mode(1.0, lr, L, 0.01, 150), "-", color=f"C{c}", label=f"L={L} reference")
            ax.plot(_arr(student.simulate_mode(1.0, lr, L, 0.01, 150)), "o", ms=2, color=f"C{c}", label=f"L={L} yours")
        ax.set_xlabel("GD step at lr = 1/(L+1)")
        ax.set_ylabel("u")
        ax.legend(fontsize=7)
    return paths
