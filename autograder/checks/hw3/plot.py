"""hw3's plots (``course check --plots DIR``): the student's spectra and densities over the reference's."""
import numpy as np

from autograder.api import figure
from autograder.checks.hw3.theory import mp_edges


def plot(student, ref, outdir):
    """MP histograms, product Wishart densities, and four Jacobian spectra: yours over the reference."""
    paths = []
    with figure(outdir, "hw3_marchenko_pastur.png", ncols=3, figsize=(13, 3.5), paths=paths) as (fig, axes):
        for ax, ratio in zip(axes, (0.25, 0.5, 1.0)):
            n = 200
            m = int(n / ratio)
            eig = np.concatenate([np.asarray(student.wishart_eigenvalues(n, m, s)) for s in range(3)])
            x = np.linspace(1e-3, mp_edges(ratio)[1] * 1.05, 400)
            ax.hist(eig, bins=60, density=True, alpha=0.4, label="your eigenvalues")
            ax.plot(x, ref.mp_density(x, ratio), "k-", label="reference density")
            ax.plot(x, np.asarray(student.mp_density(x, ratio)), "r--", label="your density")
            ax.set_ylim(0, 1.3 * ref.mp_density(x, ratio)[x > 0.05].max())
            ax.set_title(f"Marchenko-Pastur, n/m = {ratio}")
        axes[0].legend(fontsize=7)

    with figure(outdir, "hw3_product_wishart.png", ncols=5, figsize=(20, 3.5), paths=paths) as (fig, axes):
        for ax, L in zip(axes, range(1, 6)):
            x, bins = ref.slipgen.pw_plot_grid(L)   # up to the edge: a hidden helper's value
            eig = np.concatenate([np.asarray(student.jacobian_eigenvalues(200, L, "gaussian", "linear", s))
                                  for s in range(3)])
            ax.hist(eig, bins=bins, density=True, alpha=0.4, label="your J J^T")
            ax.plot(x, ref.product_wishart_density(x, L), "k-", label="reference")
            ax.plot(x, np.asarray(student.product_wishart_density(x, L)), "r--", label="your density")
            ax.set_ylim(0, 1.0)
            ax.set_title(f"product Wishart, L = {L}")
        axes[0].legend(fontsize=7)

    with figure(outdir, "hw3_jacobian_spectra.png", ncols=4, figsize=(17, 3.5), paths=paths) as (fig, axes):
        for ax, (act, init) in zip(axes, [("linear", "gaussian"), ("linear", "orthogonal"),
                                          ("relu", "gaussian"), ("relu", "orthogonal")]):
            mine = np.concatenate([np.asarray(student.jacobian_eigenvalues(150, 4, init, act, s))
                                   for s in range(3)])
            theirs = np.concatenate([ref.jacobian_eigenvalues(150, 4, init, act, 10_000 + s) for s in range(3)])
            top = max(2.0, 1.05 * max(mine.max(), theirs.max()))
            bins = np.linspace(0, top, 60)
            ax.hist(theirs[theirs > 1e-8], bins=bins, density=True, histtype="step", color="k",
                    label="reference")
            ax.hist(mine[mine > 1e-8], bins=bins, density=True, alpha=0.4, label="yours")
            ax.set_title(f"{act}, {init}, L = 4 (nonzero eigenvalues)")
        axes[0].legend(fontsize=7)
    return paths
