"""hw1's plot (``course check --plots DIR``): the student's simulated variances over the prediction."""
import numpy as np

from autograder.api import figure


def plot(student, ref, outdir):
    """q_l and delta_l against depth: the student's simulation over the prediction."""
    widths = [50] * 9
    paths = []
    with figure(outdir, "hw1_variances.png", ncols=2, figsize=(10, 4), paths=paths) as (fig, axes):
        for act, scheme, color in (("linear", "forward", "C0"), ("relu", "he", "C1"), ("relu", "forward", "C2")):
            q, d = ref.predicted_variances(widths, scheme, act, float(widths[0]), 1.0)
            sq, sd = student.simulate_variances(widths, scheme, act, 40, 0)
            layers = np.arange(1, len(q) + 1)
            for ax, pred, sim in ((axes[0], q, sq), (axes[1], d, sd)):
                ax.plot(layers, pred, "-", color=color, label=f"{act}/{scheme} prediction")
                ax.plot(layers, np.asarray(sim), "o", color=color, label=f"{act}/{scheme} yours")
        for ax, title in zip(axes, ("forward: q_l", "backward: delta_l")):
            ax.set_yscale("log")
            ax.set_xlabel("layer l")
            ax.set_title(title)
            ax.legend(fontsize=7)
    return paths
