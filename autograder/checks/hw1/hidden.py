"""hw1's hidden cases: other widths, schemes and activations than the public ones.

Graded by ``course grade`` and the nbgrader release; the student package
leaves this file out (``course student-dist``).
"""
from autograder.api import Case, hidden_cases

from . import public as P
from . import public_propagation as PP
from . import public_simulation as PS

test_init_variance = hidden_cases(P.test_init_variance,
                                  [Case(f"{s}_250_40", 250, 40, s) for s in P.SCHEMES])

WEIGHT_CASES = [Case("backward_3layers", [10, 40, 25, 5], "backward")]
test_init_weights_shapes_and_seed = hidden_cases(P.test_init_weights_shapes_and_seed, WEIGHT_CASES)
test_init_weights_distribution = hidden_cases(P.test_init_weights_distribution, WEIGHT_CASES)

PROP_CASES = [
    Case("erf", "erf", [5, 8, 8, 3], 3),
    Case("relu_deep_batch1", "relu", [4, 12, 7, 9, 6, 2], 1),
]
test_forward_variances = hidden_cases(PP.test_forward_variances, PROP_CASES)
test_backward_variances = hidden_cases(PP.test_backward_variances, PROP_CASES)

test_predicted_variances = hidden_cases(PP.test_predicted_variances, [
    Case("linear_backward", [7, 3, 9, 2], "backward", "linear", 2.0, 3.0),
    Case("relu_he_backward", [7, 3, 9, 2], "he_backward", "relu", 7.0, 1.5),
])

test_simulate_variances = hidden_cases(PS.test_simulate_variances, [
    Case("relu_forward", [10, 30, 30, 30, 5], "forward", "relu"),
])
