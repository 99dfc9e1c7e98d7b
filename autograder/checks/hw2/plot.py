"""hw2's plot (``course check --plots DIR``): the student's maps, edge and simulation over the reference's."""
import numpy as np

from autograder.api import figure
from autograder.checks.hw2.theory import iterated_map


def plot(student, ref, outdir):
    """The student's length map, correlation map, edge of chaos and simulation over the reference's."""
    paths = []
    with figure(outdir, "hw2_length_map.png", nrows=2, ncols=2, figsize=(11, 8), paths=paths) as (fig, axes):
        q = np.linspace(0.0, 3.0, 61)
        ax = axes[0, 0]
        for k, sw in enumerate((0.8, 1.5, 3.0)):
            ax.plot(q, ref.length_map(q, sw, 0.1, "tanh"), color=f"C{k}", label=f"reference, sigma_w2={sw}")
            ax.plot(q, np.asarray(student.length_map(q, sw, 0.1, "tanh")), "o", ms=3, color=f"C{k}",
                    label="yours")
        ax.plot(q, q, "k--", lw=0.7)
        ax.set(title="length map V(q), tanh, sigma_b2 = 0.1 (2.21)", xlabel="q", ylabel="V(q)")
        ax.legend(fontsize=7)

        c = np.linspace(-1.0, 1.0, 41)
        ax = axes[0, 1]
        for k, (sw, sb) in enumerate(((1.5, 0.5), (4.0, 0.1))):
            ax.plot(c, ref.correlation_map(c, sw, sb, "tanh"), color=f"C{k}",
                    label=f"reference, sigma_w2={sw}, sigma_b2={sb}")
            ax.plot(c, np.asarray(student.correlation_map(c, sw, sb, "tanh")), "o", ms=3, color=f"C{k}",
                    label="yours")
        ax.plot(c, c, "k--", lw=0.7)
        ax.set(title="correlation map, tanh (2.35)", xlabel="c_l", ylabel="c_(l+1)")
        ax.legend(fontsize=7)

        # inputs of the plot are none of the hidden cases' (their reference values
        # would ship in the public fixtures): the curve starts at sigma_b2 = 0.002,
        # next to the bias-free edge 1, not at 0
        b = np.array([0.002, 0.01, 0.05, 0.1, 0.3, 0.6, 1.0])
        ax = axes[1, 0]
        ax.plot([ref.edge_of_chaos(x, "tanh") for x in b], b, "C0", label="reference")
        ax.plot([float(student.edge_of_chaos(float(x), "tanh")) for x in b], b, "o", color="C0", label="yours")
        ax.set(title="edge of chaos chi_1 = 1, tanh: ordered left, chaotic right", xlabel="sigma_w2",
               ylabel="sigma_b2")
        ax.legend(fontsize=7)

        ax = axes[1, 1]
        sw, sb, q1, depth = 2.2, 0.15, 0.3, 12
        mean = iterated_map(lambda x: ref.length_map(x, sw, sb, "tanh"), q1, depth)
        ax.plot(range(1, depth + 1), mean, "k-", label="iterated length map (reference)")
        for seed in range(3):
            ax.plot(range(1, depth + 1), np.asarray(student.simulate_lengths(sw, sb, "tanh", 500, depth, q1, seed)),
                    "o", ms=3, color="C3", label="your simulation, width 500" if seed == 0 else None)
        ax.set(title=f"simulated q_l, tanh, sigma_w2={sw}, sigma_b2={sb}", xlabel="layer l", ylabel="q_l")
        ax.legend(fontsize=7)
    return paths
