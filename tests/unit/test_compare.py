"""autograder.compare: the comparison primitives accept right values and reject wrong ones,
each rejection naming the slip (type, shape, dtype, NaN/inf, size, known slip)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.compare import (CheckFailure, close, expect_array, expect_int, expect_raises, expect_reproducible,
                                expect_scalar, expect_seed_used, expect_sequence, fail)
from autograder.hints import Slip
from autograder.sandbox.codec import Opaque
from autograder.sandbox.errors import Raised, TimedOut


def failure(fn, *args, **kwargs) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        fn(*args, **kwargs)
    return info.value


# ---------------------------------------------------------------- fail / CheckFailure
def test_fail_joins_message_and_advice_and_splits_them_back():
    err = failure(fail, "result is 3.", "This looks like: a slip. Next: fix it.")
    assert err.message == "result is 3. This looks like: a slip. Next: fix it."
    assert err.advice == "This looks like: a slip. Next: fix it."
    assert err.body == "result is 3."


def test_fail_with_multiline_advice_keeps_the_newline():
    err = failure(fail, "facts", "\n  Next: do this.")
    assert err.message == "facts\n  Next: do this."
    assert err.body == "facts"


def test_body_without_marked_advice_cuts_at_the_hint():
    err = CheckFailure("wrong value 2.0. This looks like: x. Next: y.")
    assert err.advice == ""
    assert err.body == "wrong value 2.0."
    assert CheckFailure("only facts").body == "only facts"


def test_advice_that_is_not_the_tail_is_dropped():
    assert CheckFailure("facts", advice="unrelated").advice == ""


def test_check_failure_is_an_assertion_error():
    assert issubclass(CheckFailure, AssertionError)


# ---------------------------------------------------------------- close: accepting
def test_close_accepts_values_within_tolerance():
    want = np.array([1.0, -2.0, 3e-5])
    got = want * (1 + 5e-11)
    assert close(got, want, rtol=1e-10) is got
    close(1.0 + 1e-9, 1.0, rtol=0.0, atol=2e-9)
    close(np.float64(2.0), 2.0)
    close(2, 2.0)  # an int for a float is a number


def test_close_accepts_nan_where_the_reference_is_nan_and_matching_infinities():
    want = np.array([np.nan, np.inf, -np.inf, 1.0])
    close(want.copy(), want)


def test_close_broadcasts_only_when_shape_is_not_strict():
    close(np.array([1.0, 1.0]), np.ones((3, 2)), shape_strict=False)
    err = failure(close, np.array([1.0, 1.0, 1.0]), np.ones((3, 2)), shape_strict=False)
    assert "has shape (3,), expected (3, 2)" in err.message


# ---------------------------------------------------------------- close: rejecting
def test_close_rejects_a_value_outside_tolerance_with_expected_got_and_error():
    err = failure(close, 1.001, 1.0, rtol=1e-6)
    assert "differs from the reference beyond rtol=1e-06" in err.message
    assert "expected: 1" in err.message and "got:      1.001" in err.message
    assert "max abs error 0.001" in err.message
    assert "Next:" in err.message


def test_close_names_where_the_array_is_off():
    want = np.zeros(5)
    got = want.copy()
    got[3] = 0.5
    err = failure(close, got, want, rtol=1e-10, atol=1e-12)
    assert "mismatch in 1 of 5 entries" in err.message
    assert "at index (3,)" in err.message


def test_close_shows_a_long_array_around_its_largest_error():
    want = np.zeros(100)
    got = want.copy()
    got[40] = 7.0
    err = failure(close, got, want, rtol=1e-10)
    assert "around the largest error at index 40" in err.message
    assert "7" in err.message.splitlines()[2]


def test_close_shows_a_large_matrix_around_its_largest_error():
    want = np.zeros((10, 10))
    got = want.copy()
    got[6, 2] = 1.0
    err = failure(close, got, want, rtol=1e-10)
    assert "row 6 of 10" in err.message and "index (6, 2)" in err.message


@pytest.mark.parametrize("bad, word", [(np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "inf")])
def test_close_rejects_nan_or_inf_where_the_reference_is_finite(bad, word):
    want = np.array([1.0, 2.0, 3.0])
    got = want.copy()
    got[1] = bad
    err = failure(close, got, want)
    assert f"contains {word} (1 entries, first at index (1,))" in err.message
    assert "the reference is finite" in err.message
    assert "Next: look for 0/0" in err.message


@pytest.mark.parametrize("got", [-np.inf, 1.0, 1e308, np.nan])
def test_close_rejects_anything_but_the_same_infinity_where_the_reference_is_infinite(got):
    err = failure(close, np.array([2.0, got]), np.array([2.0, np.inf]))
    assert "mismatch in 1 of 2 entries" in err.message or "contains NaN" in err.message
    err = failure(close, got, np.inf, rtol=1e-3, atol=1.0)
    assert "differs from the reference" in err.message or "contains NaN" in err.message


def test_close_rejects_a_scalar_nan():
    err = failure(close, float("nan"), 1.0)
    assert "contains NaN" in err.message


def test_close_rejects_a_list_for_an_array():
    err = failure(close, [1.0, 2.0], np.array([1.0, 2.0]))
    assert "is a list, expected a NumPy array" in err.message
    assert "np.asarray" in err.message


def test_close_rejects_an_opaque_object():
    err = failure(close, Opaque("Net"), np.array([1.0]))
    assert "an object of type Net" in err.message


@pytest.mark.parametrize("got, want, text", [
    (np.zeros(3), np.zeros(4), "Off by one"),
    (np.zeros((3, 2)), np.zeros((2, 3)), "It looks transposed"),
    (np.zeros((6, 1)), np.zeros(6), "reshape or squeeze"),
    (np.zeros(9), np.zeros(4), "has shape (9,), expected (4,)"),
])
def test_close_names_a_shape_mismatch(got, want, text):
    assert text in failure(close, got, want).message


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_close_rejects_single_precision(dtype):
    err = failure(close, np.ones(3, dtype=dtype), np.ones(3))
    assert f"dtype {np.dtype(dtype)}" in err.message and "single precision" in err.message


def test_close_rejects_complex_and_non_numeric_arrays():
    assert "complex" in failure(close, np.ones(2, dtype=complex), np.ones(2)).message
    assert "expected float64 numbers" in failure(close, np.array(["a", "b"]), np.ones(2)).message


def test_close_rejects_an_array_for_a_number():
    assert "expected a single number" in failure(close, np.ones(3), 1.0).message
    assert "return float(" in failure(close, np.ones(1), 1.0).message


def test_close_rejects_a_huge_int_without_converting_it():
    err = failure(close, 10**400, 1.0)
    assert "about 401 digits" in err.message and "too large for a float64" in err.message


def test_close_names_a_matching_slip_and_only_a_matching_one():
    want = np.array([1.0, 2.0, 3.0])
    slips = [Slip("fan_in and fan_out swapped", np.array([3.0, 2.0, 1.0])),
             Slip("another slip", np.array([9.0, 9.0, 9.0]))]
    err = failure(close, np.array([3.0, 2.0, 1.0]), want, slips=slips)
    assert "This looks like: fan_in and fan_out swapped." in err.advice
    assert "another slip" not in err.message
    err = failure(close, np.array([5.0, 5.0, 5.0]), want, slips=slips)
    assert "This looks like" not in err.message
    assert "Next: test your function on a small case" in err.message


def test_close_falls_back_to_a_generic_hint():
    want = np.array([1.0, 2.0, 3.0])
    err = failure(close, 2 * want, want)
    assert "exactly twice the reference" in err.advice


def test_close_uses_the_name_given():
    assert failure(close, 2.0, 1.0, name="the loss").message.startswith("the loss differs")


# ---------------------------------------------------------------- expect_*
def test_expect_array_checks_shape_and_dtype():
    a = np.zeros((2, 3))
    assert expect_array(a, (2, 3)) is a
    expect_array(np.zeros(3, dtype=np.int64), dtype=None)
    assert "expected a NumPy array of shape (2,)" in failure(expect_array, 1.0, (2,)).message
    assert "dtype object" in failure(expect_array, np.array([None, 1])).message


@pytest.mark.skipif(np.dtype(np.longdouble).itemsize <= 8, reason="long double is float64 on this platform")
def test_expect_array_rejects_extended_precision():
    assert "extended precision" in failure(expect_array, np.zeros(2, dtype=np.longdouble)).message


def test_expect_scalar_accepts_numbers_and_zero_d_arrays():
    assert expect_scalar(np.array(2.5)) == 2.5
    assert expect_scalar(3) == 3
    assert expect_scalar(np.float64(1.5)) == 1.5


@pytest.mark.parametrize("got, text", [
    (True, "is a bool (True), expected a number"),
    (np.float32(1.0), "is float32, expected float64"),
    ("1.0", "is a str, expected a number"),
    (None, "is a NoneType, expected a number"),
    (np.zeros((2, 2)), "expected a single number"),
])
def test_expect_scalar_rejects(got, text):
    assert text in failure(expect_scalar, got).message


def test_expect_int():
    assert expect_int(7) == 7
    assert expect_int(np.int64(7)) == 7
    assert "expected an int" in failure(expect_int, 7.0).message
    assert "exact Python int" in failure(expect_int, np.int64(7), python_int=True).message
    assert expect_int(10**400, python_int=True) == 10**400  # exact ints may be huge


def test_expect_sequence():
    assert expect_sequence((1, 2), 2) == (1, 2)
    assert expect_sequence([1, 2], 2) == [1, 2]
    assert "has 3 items, expected 2" in failure(expect_sequence, (1, 2, 3), 2).message
    assert "expected a tuple of 2 items" in failure(expect_sequence, np.zeros(2), 2).message


def _raises(exc):
    def call(*args, **kwargs):
        raise exc
    return call


def test_expect_raises_accepts_the_named_exception():
    expect_raises(_raises(Raised("bad scheme", exc_type="ValueError")), ValueError, "x")
    expect_raises(_raises(Raised("bad scheme", exc_type="ValueError")), "ValueError")


def test_expect_raises_rejects_another_exception_or_a_value():
    err = failure(expect_raises, _raises(Raised("oops", exc_type="KeyError")), ValueError)
    assert "expected ValueError, but your code raised KeyError: oops" in err.message
    err = failure(expect_raises, lambda *a: 0.5, ValueError, 1)
    assert "expected ValueError to be raised, but it returned 0.5" in err.message
    assert "raise ValueError(" in err.message


def test_expect_raises_names_a_slip_the_returned_value_matches():
    err = failure(expect_raises, lambda: 0.5, ValueError, slips=[Slip("the default scheme was used", 0.5)])
    assert "This looks like: the default scheme was used." in err.message


def test_expect_raises_lets_a_timeout_through():
    with pytest.raises(TimedOut):
        expect_raises(_raises(TimedOut("too slow")), ValueError)


# ---------------------------------------------------------------- properties
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e100, max_value=1e100)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite))
def test_close_accepts_any_array_against_itself(x):
    close(x.copy(), x, rtol=0.0, atol=0.0)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=6),
                  elements=st.floats(min_value=1e-3, max_value=1e3)),
       st.sampled_from([1e-12, 1e-8, 1e-4]))
def test_close_rejects_any_array_off_by_more_than_rtol(x, rtol):
    got = x * (1 + 3 * rtol)
    err = failure(close, got, x, rtol=rtol)
    assert f"mismatch in {x.size} of {x.size} entries" in err.message
    close(x * (1 + 0.5 * rtol), x, rtol=rtol)


# ---------------------------------------------------------------- seeded functions
def test_expect_reproducible_accepts_equal_draws_through_nested_lists():
    a = [np.arange(3.0), np.ones((2, 2))]
    expect_reproducible(a, [x.copy() for x in a], "weights")
    expect_reproducible((1, np.array([2.0])), (1, np.array([2.0])))
    expect_reproducible(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-13]), rtol=1e-10)


@pytest.mark.parametrize("again", [
    [np.arange(3.0), np.ones((2, 2)) * 1.0000001],   # one value differs
    [np.arange(3.0)],                                 # one array missing
    [np.arange(4.0), np.ones((2, 2))],                # another shape
])
def test_expect_reproducible_names_what_differs_with_its_advice(again):
    with pytest.raises(CheckFailure) as err:
        expect_reproducible([np.arange(3.0), np.ones((2, 2))], again, "weights", advice="Next: seed it.")
    assert err.value.message.startswith("two calls with the same seed gave different weights.")
    assert err.value.advice == "Next: seed it."


def test_expect_reproducible_default_advice_names_the_generator():
    with pytest.raises(CheckFailure) as err:
        expect_reproducible(np.zeros(2), np.ones(2))
    assert "default_rng(seed)" in str(err.value)


def test_expect_seed_used_fails_only_on_identical_values():
    expect_seed_used(np.zeros(3), np.array([0.0, 0.0, 1e-9]), "q_l")
    with pytest.raises(CheckFailure, match="seeds differing by 1 gave identical q_l: the seed is ignored"):
        expect_seed_used(np.zeros(3), np.zeros(3), "q_l")
    expect_seed_used(np.full(3, np.nan), np.full(3, np.nan), "q_l")   # NaN is for other checks to name
    expect_reproducible(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    with pytest.raises(CheckFailure, match="^every seed gave the same spectrum"):
        expect_seed_used([1.0, 2.0], [1.0, 2.0], message="every seed gave the same spectrum.")
