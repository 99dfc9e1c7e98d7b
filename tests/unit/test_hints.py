"""autograder.hints: a slip is named only when the values match it; generic hints
recognise a constant factor, a sign, a transpose and a shift, and nothing else."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.hints import Slip, generic_hints, matches, name_by_mean, name_slips


# ---------------------------------------------------------------- matches
def test_matches_within_tolerance_only():
    assert matches([1.0, 2.0], [1.0, 2.0 + 1e-9], rtol=1e-8)
    assert not matches([1.0, 2.0], [1.0, 2.1], rtol=1e-8)
    assert matches(1.0, 1.5, rtol=0.0, atol=0.5)
    assert not matches(1.0, 1.5, rtol=0.0, atol=0.4)


def test_matches_needs_the_same_shape():
    assert not matches(np.ones(3), np.ones(4))
    assert not matches(np.ones((2, 3)), np.ones((3, 2)))
    assert not matches(np.ones(1), 1.0)


def test_matches_nan_with_nan_and_infinity_with_the_same_infinity_only():
    assert matches([np.nan, 1.0], [np.nan, 1.0])
    assert not matches([np.nan, 1.0], [0.0, 1.0])
    assert matches([np.inf, -np.inf], [np.inf, -np.inf])
    assert not matches(1e308, np.inf)
    assert not matches(-np.inf, np.inf)


def test_matches_is_false_for_values_that_are_not_numbers():
    assert not matches("abc", 1.0)
    assert not matches(object(), np.ones(2))
    assert not matches([1.0, [2.0, 3.0]], [1.0, 2.0])


# ---------------------------------------------------------------- name_slips
def test_name_slips_names_the_matching_slip():
    slips = [Slip("factor 2 missing", 0.5), Slip("fan_in and fan_out swapped", 0.75)]
    assert name_slips(0.75, slips) == "This looks like: fan_in and fan_out swapped."
    assert name_slips(0.6, slips) is None
    assert name_slips(0.6, []) is None


def test_name_slips_names_every_slip_that_gives_the_same_values():
    slips = [Slip("A", np.array([1.0, 2.0])), Slip("B", np.array([1.0, 2.0])), Slip("A", np.array([1.0, 2.0])),
             Slip("C", np.array([0.0, 2.0]))]
    hint = name_slips(np.array([1.0, 2.0]), slips)
    assert hint == ("This looks like one of these slips (they give the same values here): (1) A; (2) B.")


def test_name_slips_uses_the_callers_tolerance():
    slips = [Slip("off", 1.001)]
    assert name_slips(1.0, slips, rtol=1e-8) is None
    assert name_slips(1.0, slips, rtol=1e-2) == "This looks like: off."


# ---------------------------------------------------------------- name_by_mean
def test_name_by_mean_names_the_candidate_whose_mean_the_sample_has():
    rng = np.random.default_rng(0)
    sample = rng.normal(2.0, 1.0, size=400)
    hint = name_by_mean(sample, [("variance halved", 1.0), ("variance doubled", 2.0)])
    assert hint == "This looks like: variance doubled (that would give mean 2)."


def test_name_by_mean_names_nothing_far_off_and_all_that_agree():
    rng = np.random.default_rng(1)
    sample = rng.normal(0.0, 1.0, size=400)
    assert name_by_mean(sample, [("far", 5.0), ("infinite", np.inf), ("nan", np.nan)]) is None
    hint = name_by_mean(sample, [("a", 0.0), ("b", 0.001)])
    assert hint.startswith("This looks like one of these slips (their means agree with yours): (1) a")
    assert "(2) b" in hint


def test_name_by_mean_refuses_a_sample_it_cannot_judge():
    assert name_by_mean([1.0], [("x", 1.0)]) is None
    assert name_by_mean([1.0, np.nan, 2.0], [("x", 1.5)]) is None


def test_name_by_mean_names_a_slip_with_the_stated_probability():
    """The docstring: a submission with the slip goes unnamed with probability
    about 2 norm.sf(z), 6e-5 at z = 4. At z = 2 that is 4.6%: count it."""
    rng = np.random.default_rng(2026)
    trials, n = 3000, 200
    samples = rng.normal(1.0, 3.0, size=(trials, n))
    missed = sum(name_by_mean(s, [("slip", 1.0)], z=2.0) is None for s in samples)
    # Binomial(3000, 0.0455) has mean 137 and sd 11.4; the t-correction at n = 200 adds ~1%
    assert 90 <= missed <= 190, missed
    missed = sum(name_by_mean(s, [("slip", 1.0)], z=4.0) is None for s in samples)
    assert missed <= 3, missed


# ---------------------------------------------------------------- generic_hints
W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]])


@pytest.mark.parametrize("factor, text", [
    (2.0, "exactly twice the reference"),
    (0.5, "exactly half the reference"),
    (-1.0, "wrong sign"),
    (4.0, "4 times the reference"),
    (0.25, "a quarter of the reference"),
    (np.sqrt(2), "sqrt(2) times the reference"),
    (1 / np.sqrt(2), "1/sqrt(2) times the reference"),
    (3.5, "the reference times a constant 3.5"),
])
def test_generic_hints_name_a_constant_factor(factor, text):
    assert text in generic_hints(factor * W, W)


def test_generic_hints_a_single_number_is_not_a_constant_factor_unless_a_known_one():
    assert generic_hints(3.5, 1.0) is None
    assert "twice" in generic_hints(2.0, 1.0)


def test_generic_hints_transpose_and_shift():
    assert generic_hints(W.T, W) == "Your matrix is the transpose of the expected one."
    seq = np.array([1.0, 3.0, 7.0, 15.0, 31.0])
    shifted = np.array([0.0, 1.0, 3.0, 7.0, 15.0])
    assert "shifted by one place" in generic_hints(shifted, seq)
    assert "shifted by one place" in generic_hints(np.append(seq[1:], 63.0), seq)


def test_generic_hints_stay_silent_on_unrelated_values():
    assert generic_hints(W + np.eye(3), W) is None
    assert generic_hints(np.ones(4), np.ones(5)) is None
    assert generic_hints(np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 3.0])) is None
    assert generic_hints(W * (1 + 1e-6 * np.arange(9).reshape(3, 3)), W) is None


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, st.integers(2, 8), elements=st.floats(0.1, 100.0)),
       st.floats(0.01, 100.0).filter(lambda c: abs(c - 1) > 1e-3))
def test_generic_hints_find_any_constant_factor(w, c):
    hint = generic_hints(c * w, w)
    assert hint is not None and ("times" in hint or "twice" in hint or "half" in hint or "quarter" in hint)
