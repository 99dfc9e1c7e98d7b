"""hw10's plot (``course check hw10 --plots DIR``): free convolutions of Marchenko-Pastur and
the semicircle, the student's eigenvalues, density and Stieltjes inversion over the reference's
density."""
import math

import numpy as np

from autograder.api import figure


def plot(student, ref, outdir):
    """Free convolutions: your eigenvalues, your density and your Stieltjes inversion over the reference's density."""
    paths = []
    with figure(outdir, "hw10_free_convolution.png", ncols=3, figsize=(14, 3.6), paths=paths) as (fig, axes):
        for ax, (n, m, s) in zip(axes, [(200, 400, 0.2), (200, 200, 1.0), (150, 600, 2.0)]):
            c = n / m
            eig = np.concatenate([np.asarray(student.free_sum_eigenvalues(n, m, s, k)) for k in range(3)])
            x = np.linspace(-2 * math.sqrt(s) - 0.5, (1 + math.sqrt(c)) ** 2 + 2 * math.sqrt(s) + 0.5, 500)
            ax.hist(eig, bins=60, density=True, alpha=0.35, label="your eigenvalues")
            ax.plot(x, ref.free_convolution_density(x, s, c), "k-", label="reference density")
            ax.plot(x, np.asarray(student.free_convolution_density(x, s, c)), "r--", label="your density")
            ax.plot(x, np.asarray(student.stieltjes_inversion(eig, x, 0.05)), "g:", label="your inversion, eta 0.05")
            ax.set_title(f"MP({c:g}) boxplus semicircle({s:g})")
        axes[0].legend(fontsize=7)
    return paths
