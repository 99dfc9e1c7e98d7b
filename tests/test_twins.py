"""Every public check has a hidden twin, or a stated reason why it needs none.

The twin gate (docs/grading.md, "Public points need a hidden twin") withdraws a
public case's points when every hidden case of the same check fails; a check
with no hidden case is not gated. That is safe only where copying what the
student package ships earns nothing: a check of a property of the student's own
output (a seed, a convergence, a finite difference, an exact identity), whose
verdict no recorded reference value decides, and "raises on bad input" checks
(aspect "errors"), whose points raising everywhere earns anyway (the attacks'
baseline). This test keeps that list explicit: a new public check without a
hidden case fails here until it gets one (hidden.py, ``hidden_cases``) or a
line below saying why it needs none.
"""
from collections import defaultdict

from autograder import catalog

#: (assignment, graded function, aspect) -> why its public points need no hidden twin
UNGATED = {
    ("hw1", "simulate_variances", "fresh_draws"):
        "the spread of the student's draws at the grader's seeds against the reference's at other seeds",
    ("hw3", "mp_density", "normalised"): "moments of the student's own density (mass 1, mean 1, second moment 1 + ratio)",
    ("hw3", "jacobian_eigenvalues", "haar"): "the student's draws at the grader's seeds against the reference's at other seeds (two-sample)",
    ("hw4", "deep_linear_gap", "update_rule"):
        "the student's losses are those of gradient descent from some init (closed form, no reference value)",
    ("hw4", "deep_linear_gap", "converges"): "every seed of the student's own run closes the gap",
    ("hw4", "full_rank_probability", "seed"): "the student's estimate depends on the seed",
    ("hw4", "train_two_layer", "update_rule"):
        "the student's losses are those of gradient descent from some init (closed form, no reference value)",
    ("hw4", "train_two_layer", "wide_converges"): "every seed of the student's own run converges",
    ("hw7", "orthogonal_weights", "shapes"): "shapes and orthogonality of the student's own draws",
    ("hw8", "finite_class_bound", "holds"): "the student's bound holds on simulated classes",
    ("hw9", "label_complexity", "true_below_random"): "an inequality between two of the student's values",
    ("hw9", "train_two_layer_relu", "no_steps"): "with 0 steps the student's max_move is exactly 0 and u has the contract's shape",
    ("hw9", "tangent_tensors", "finite_difference"): "the student's tensors against finite differences of its own f",
    ("hw9", "tangent_tensors", "theta_is_the_ntk"): "an identity between two of the student's outputs",
    ("hw9", "ntk_time_derivative", "finite_difference"):
        "the student's derivative against finite differences of its own kernel",
    ("hw10", "free_product_moments", "symmetric"): "the student's moments are symmetric in the two laws",
}


def ungated_checks():
    """(assignment, function, aspect) of public checks with no hidden case, error checks aside."""
    out = set()
    for a in catalog.ids():
        cases = defaultdict(lambda: [0, 0])
        for spec in catalog.get(a).checks:
            for r in spec.resolved:
                cases[(spec.function, spec.aspect)][r.hidden] += 1
        out |= {(a, f, aspect) for (f, aspect), (public, hidden) in cases.items()
                if public and not hidden and aspect != "errors"}
    return out


def test_every_public_check_has_a_hidden_twin_or_a_reason():
    found = ungated_checks()
    new = sorted(found - set(UNGATED))
    assert not new, ("public checks with no hidden case: add one in the assignment's hidden.py "
                     f"(hidden_cases(...)), or say in UNGATED why copying earns nothing there: {new}")
    stale = sorted(set(UNGATED) - found)
    assert not stale, f"these have a hidden twin now (or are gone): remove them from UNGATED: {stale}"


def test_every_reason_is_said():
    assert all(isinstance(why, str) and len(why) > 20 for why in UNGATED.values())
