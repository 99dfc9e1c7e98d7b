"""hw11's public checks of the critical points of deep linear nets (notes 3.3).

linear_critical_point is compared through the product of its layers (the
signs of the eigenvectors are free); classify_linear_critical_point with the
reference's verdict, and a wrong verdict is explained by what tells the
kinds apart. The hidden cases, and the check that feeds a student's point to
the reference, are in ``hidden.py``.
"""

from autograder.api import Case, Slip, check, close, fail, rejects

from autograder.checks.hw11.inputs import critical_case
from autograder.checks.hw11.public import expect_weights
from autograder.checks.hw11.theory import layer_product

# ---------------------------------------------------------------- linear_critical_point
CRIT_CASES = [
    Case("two_layers_second", *critical_case([3, 3, 3], [1], 1181)[:4]),
    Case("three_layers_0_2", *critical_case([3, 4, 4, 3], [0, 2], 1182)[:4]),
    Case("empty_subset", *critical_case([2, 3, 2], [], 1183)[:4]),
]


@check("linear_critical_point", points=0.5, cases=CRIT_CASES)
def test_linear_critical_point_product(student, ref, case):
    """The product of the layers (sign-free), the shapes and the loss."""
    X, Y, widths, subset = case.args
    shapes = [(widths[l + 1], widths[l]) for l in range(len(widths) - 1)]
    ws = expect_weights(student.linear_critical_point(X, Y, widths, subset), shapes)
    want = layer_product(ref.linear_critical_point(X, Y, widths, subset))
    a_scale, (ascending, no_inverse, no_inverse_sigma, yy) = ref.slipgen.critical_product_slips(X, Y, subset)
    close(layer_product(ws), want, rtol=1e-9, atol=1e-10 * a_scale, name="W_L ... W_0", slips=[
        Slip("the eigenvalues taken in ascending order; index 0 is the largest", ascending),
        Slip("A* = Y X^T without (X X^T)^{-1}", no_inverse),
        Slip("A* = Y X^T without (X X^T)^{-1} (eigenvectors of Sigma, but the inverse is missing in W_0)",
             no_inverse_sigma),
        Slip("eigenvectors of Y Y^T instead of Sigma = Y X^T (X X^T)^{-1} X Y^T", yy)])


test_linear_critical_point_errors = rejects("linear_critical_point", ValueError, points=0.25, cases=[
    Case("too_many_directions", *critical_case([3, 2, 3], [0, 1, 2], 1186)[:4]),
])


# ---------------------------------------------------------------- classify_linear_critical_point
# Two layers: every non-global critical point is a strict saddle. Three or
# more: a point whose product is the best of lower rank is a saddle with a
# positive semi-definite Hessian (moving in a new direction must pass through
# every zero block of the middle layers, which is of order >= 3 in the step).
CLASS_CASES = [
    Case("two_layers_top1", *critical_case([3, 3, 3], [0], 1191)[:4]),
    Case("two_layers_all", *critical_case([3, 3, 3], [0, 1, 2], 1191)[:4]),
    Case("three_layers_top1", *critical_case([3, 4, 4, 3], [0], 1192)[:4]),
    Case("three_layers_skip", *critical_case([3, 4, 4, 3], [0, 2], 1192)[:4]),
    Case("three_layers_origin", *critical_case([3, 4, 4, 3], [], 1192)[:4]),
]


@check("classify_linear_critical_point", points=0.25, cases=CLASS_CASES)
def test_classify_linear_critical_point(student, ref, case):
    X, Y, widths, subset = case.args
    got = student.classify_linear_critical_point(X, Y, widths, subset)
    want = ref.classify_linear_critical_point(X, Y, widths, subset)
    if got == want:
        return
    depth = len(widths) - 1
    r = min(widths)
    why = {
        ("strict_saddle", "non_strict_saddle"):
            f"with {depth} layers this saddle's Hessian has no negative eigenvalue (smallest >= -1e-8): "
            "every escape direction passes through zero blocks of at least two layers, so the loss "
            "changes at third order. Not every saddle is strict (assumption 4 of 3.3.1).",
        ("global_minimum", "non_strict_saddle"):
            f"its loss is the best of rank {len(subset)}, but these widths allow rank {r}: compare with "
            f"1/2 (||Y||^2 - sum of the {r} largest eigenvalues).",
        ("non_strict_saddle", "strict_saddle"):
            "its Hessian has a negative eigenvalue: look at the eigenvalues of the full Hessian with a "
            "tolerance relative to the largest one.",
        ("global_minimum", "strict_saddle"):
            f"its loss is above 1/2 (||Y||^2 - sum of the {r} largest eigenvalues), reached by the top {r} "
            "eigenvectors.",
        ("strict_saddle", "global_minimum"): "its loss is the global minimum: compare the loss first.",
        ("non_strict_saddle", "global_minimum"): "its loss is the global minimum: compare the loss first.",
    }.get((got, want), "")
    fail(f"returned {got!r}, expected {want!r} for widths {widths}, subset {subset}: {why} Next: compute "
         "the loss at linear_critical_point, compare it with the global minimum, then the Hessian's "
         "smallest eigenvalue.")
