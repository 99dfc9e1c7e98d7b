"""autograder.sandbox.codec: what the grader sends comes back as it was (types kept:
tuples stay tuples, huge ints stay exact), and nothing a submission sends can make
the decoder raise or unpickle."""
import base64
import io
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.sandbox.codec import MAX_DEPTH, MAX_ITEMS, Opaque, decode, encode


def wire(value):
    """encode, through JSON as the pipe carries it, and back."""
    return decode(json.loads(json.dumps(encode(value), allow_nan=True)))


def same(a, b) -> bool:
    """Equal with types, NaN equal to NaN, arrays equal in dtype, shape and values."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and (a == b or (np.isnan(a) and np.isnan(b)))
    if isinstance(a, float):
        return a == b or (a != a and b != b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2**53 - 1, -(2**53 - 1), 2**53, -(2**53), 10**100, -(3**500),
    0.0, -0.0, 1.5, 1e308, 5e-324, float("inf"), float("-inf"), float("nan"),
    "", "text with ünïcödé and \n newlines",
])
def test_scalars_round_trip(value):
    assert same(wire(value), value)


def test_ints_beyond_float_precision_stay_exact():
    assert encode(2**53) == {"__int__": str(2**53)}
    assert encode(2**53 - 1) == 2**53 - 1
    assert wire(2**200 + 1) == 2**200 + 1
    assert wire(-(2**200) - 1) == -(2**200) - 1


@pytest.mark.parametrize("arr", [
    np.arange(6, dtype=np.float64).reshape(2, 3),
    np.array([np.nan, np.inf, -np.inf, 0.0]),
    np.zeros((0, 3)),
    np.array(3.5),
    np.arange(5, dtype=np.int64),
    np.array([True, False]),
    np.array([1 + 2j, 3 - 4j]),
    np.ones(4, dtype=np.float32),
    np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    np.arange(20.0)[::3],
])
def test_arrays_round_trip_with_dtype_and_shape(arr):
    back = wire(arr)
    assert same(back, np.require(arr, requirements="C"))


@pytest.mark.parametrize("scalar", [np.float32(1.25), np.float16(0.5), np.int64(-3), np.bool_(True)])
def test_numpy_scalars_come_back_as_numpy_scalars(scalar):
    back = wire(scalar)
    assert isinstance(back, np.generic) and back.dtype == scalar.dtype and back == scalar


def test_a_float64_scalar_is_a_float():
    back = wire(np.float64(2.5))
    assert type(back) is float and back == 2.5


def test_containers_keep_their_types_nested():
    value = {"weights": [np.eye(2), np.ones(3)], "shape": (2, (3, [4, 5])), "meta": {"seed": 7, "ok": None}}
    back = wire(value)
    assert same(back, value)
    assert isinstance(back["shape"], tuple) and isinstance(back["shape"][1][1], list)


def test_dict_keys_become_strings():
    assert wire({1: "a", "b": 2}) == {"1": "a", "b": 2}


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", 1j, np.float64])
def test_encode_refuses_what_the_sandbox_cannot_take(value):
    with pytest.raises(TypeError, match="cannot send a"):
        encode(value)


# ---------------------------------------------------------------- property
leaves = (st.none() | st.booleans() | st.integers(min_value=-(10**60), max_value=10**60)
          | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8)
          | hnp.arrays(st.sampled_from([np.float64, np.int32, np.bool_]), hnp.array_shapes(min_dims=0, max_dims=3,
                                                                                              max_side=4)))
values = st.recursive(leaves, lambda inner: (st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
                                             | st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                      max_leaves=20)


@settings(max_examples=80, deadline=None)
@given(values)
def test_any_plain_value_round_trips(value):
    assert same(wire(value), value)


# ---------------------------------------------------------------- hostile input
def _nested(depth):
    v = 1
    for _ in range(depth):
        v = {"__list__": [v]}
    return v


def _contains_opaque(v):
    if isinstance(v, Opaque):
        return True
    if isinstance(v, (list, tuple)):
        return any(_contains_opaque(x) for x in v)
    if isinstance(v, dict):
        return any(_contains_opaque(x) for x in v.values())
    return False


def test_nesting_up_to_the_limit_decodes_and_beyond_is_opaque():
    assert not _contains_opaque(decode(_nested(MAX_DEPTH)))
    deep = decode(_nested(50))
    assert _contains_opaque(deep)
    assert decode(_nested(5000)) is not None  # no RecursionError


def test_too_many_items_become_opaque():
    assert not _contains_opaque(decode({"__list__": list(range(1000))}))
    assert _contains_opaque(decode({"__list__": list(range(MAX_ITEMS + 10))}))


def _npy_bytes(arr, **kwargs):
    buf = io.BytesIO()
    np.save(buf, arr, **kwargs)
    return base64.b64encode(buf.getvalue()).decode("ascii")


@pytest.mark.parametrize("payload, type_name", [
    ({"__nd__": "not base64 !!"}, "unreadable array"),
    ({"__nd__": base64.b64encode(b"\x93NUMPY garbage").decode()}, "unreadable array"),
    ({"__nd__": _npy_bytes(np.array([object()], dtype=object), allow_pickle=True)}, "unreadable array"),
    ({"__nd__": _npy_bytes(np.array(["a", "b"]))}, "array of dtype <U1"),
    ({"__tuple__": "x"}, "tuple"),
    ({"__list__": {"a": 1}}, "list"),
    ({"__dict__": [1]}, "dict"),
    ({"__int__": "12x"}, "int"),
    ({"__int__": 12}, "int"),
    ({"__int__": "9" * 4001}, "int"),
    ({"__opaque__": "Net", "repr": "Net()"}, "Net"),
    ({"something": "else"}, "dict"),
])
def test_malformed_payloads_arrive_as_opaque(payload, type_name):
    back = decode(payload)
    assert isinstance(back, Opaque)
    assert back.type_name == type_name


def test_opaque_repr_and_type_are_truncated():
    back = decode({"__opaque__": "T" * 1000, "repr": "r" * 1000})
    assert len(back.type_name) == 200 and len(back.repr) == 200
    assert str(Opaque("Net")) == "<object of type Net>"


def test_a_top_level_non_json_value_is_opaque():
    assert decode({1, 2}) == Opaque("set")
