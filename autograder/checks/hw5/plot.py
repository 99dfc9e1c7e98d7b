"""hw5's plot: escape time against the initial distance (``course check hw5 --plots DIR``)."""
import numpy as np

from autograder.api import figure

from autograder.checks.hw5.theory import saddle_directions


def plot(student, ref, outdir):
    """Escape time against the initial distance: the student's two functions over the reference's."""
    d0 = np.geomspace(1e-10, 0.3, 25)
    lr, thr = 0.1, 0.5
    paths = []
    with figure(outdir, "hw5_escape.png", ncols=2, figsize=(11, 4), paths=paths) as (fig, (ax, ax2)):
        for name, c in (("quartic", "C0"), ("factorization", "C1")):
            v = saddle_directions(name)[0]
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
    return paths
