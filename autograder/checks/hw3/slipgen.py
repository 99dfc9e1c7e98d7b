"""hw3's hidden helpers: the grader's own Marchenko-Pastur densities with known
slips, the product Wishart curve (2.95) and the table of its CDF, the edge of
that law (product_wishart_edge's answer) and the values of the edge and
Fuss-Catalan slips. Check code
calls them as ``ref.slipgen.name(...)``; the student wheel leaves this file out
and replays their values on the public cases from the public fixtures
(autograder/reference.py).
"""
import math

import numpy as np

from autograder.checks.hw3.theory import mp_edges


def pw_curve(L, phi):
    """(2.95) written out here, independent of any submission."""
    s0, s1, sL = np.sin(phi), np.sin((L + 1) * phi), np.sin(L * phi)
    return s1 ** (L + 1) / (s0 * sL**L), s0**2 * sL ** (L - 1) / (np.pi * s1**L)


def pw_cdf_table(L):
    """CDF of the product Wishart law: dF = rho |dlam/dphi| dphi along (2.95), as a table
    (x increasing, F(x)) for linear interpolation."""
    phi = np.linspace(0.0, np.pi / (L + 1), 8001)[1:-1]
    lam, rho = pw_curve(L, phi)
    dlam = lam * ((L + 1) ** 2 / np.tan((L + 1) * phi) - 1 / np.tan(phi) - L**2 / np.tan(L * phi))
    f = rho * np.abs(dlam)
    tail = np.concatenate([np.cumsum((0.5 * (f[1:] + f[:-1]) * np.diff(phi))[::-1])[::-1], [0.0]])
    cdf = tail / tail[0]
    return lam[::-1], cdf[::-1]


def mp_wrong(x, ratio, kind):
    x = np.asarray(x, dtype=float)
    a, b = mp_edges(ratio)
    if kind == "edges_without_sqrt":
        a, b = (1 - ratio) ** 2, (1 + ratio) ** 2
    if kind == "inverted":                  # m/n where n/m belongs, everywhere
        a, b = (1 - math.sqrt(1 / ratio)) ** 2, (1 + math.sqrt(1 / ratio)) ** 2
    with np.errstate(all="ignore"):
        r = np.sqrt(np.clip((b - x) * (x - a), 0, None)) / (2 * np.pi * x)
        if kind == "ratio_on_top":
            r = r * ratio
        elif kind == "inverted":
            r = r * ratio
        elif kind != "no_ratio":
            r = r / ratio
    return np.where((x > a) & (x < b) & (x > 0), r, 0.0)



def pw_edge(L):
    """The right edge (L + 1)^(L + 1) / L^L of the product Wishart law of depth L: lam(phi -> 0)
    in (2.95), product_wishart_edge's answer (the density checks' grids end there)."""
    return (L + 1) ** (L + 1) / L**L


def pw_plot_grid(L):
    """The plot's abscissae for the density of depth L, up to just beyond the edge, and the
    bins of its histogram."""
    e = pw_edge(L)
    return np.linspace(e * 1e-3, e * 1.02, 400), np.linspace(0, 1.05 * e, 60)


def edge_wrong(L, kind):
    """product_wishart_edge's slips: "exponent" (L+1)^L / L^L, "shallower" the edge of depth
    L - 1 (L^L / (L-1)^(L-1), L > 1; also relu_orthogonal_edge's answer), "large_L" e (L+1)."""
    if kind == "exponent":
        return (L + 1) ** L / L**L
    if kind == "shallower":
        return L**L / (L - 1) ** (L - 1)
    if kind == "large_L":
        return math.e * (L + 1)
    raise ValueError(kind)


def relu_edge_wrong(L, kind):
    """relu_orthogonal_edge's slips: "large_L" e L, "exponent" L (L/(L-1))^L (L > 1)."""
    if kind == "large_L":
        return math.e * L
    if kind == "exponent":
        return L * (L / (L - 1)) ** L
    raise ValueError(kind)


def fuss_catalan_wrong(L, k):
    """fuss_catalan's slips at (L, k), each as an int, or None where it is no integer (a
    submission's int never equals it): [binom((L+1)k, k)/(k+1) (the Catalan denominator),
    the number of depth L - 1 (None at L = 1), the number of depth L + 1]."""
    from fractions import Fraction

    def as_int(f):
        return int(f) if f is not None and f.denominator == 1 else None

    return [as_int(Fraction(math.comb((L + 1) * k, k), k + 1)),
            as_int(Fraction(math.comb(L * k, k), (L - 1) * k + 1) if L > 1 else None),
            as_int(Fraction(math.comb((L + 2) * k, k), (L + 1) * k + 1))]
