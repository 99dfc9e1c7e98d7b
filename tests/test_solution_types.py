"""Every graded reference function is annotated (docs/assignments.md's contract in
types), and the values it returned when the fixtures were recorded have those types."""
import inspect
import json
import types
import typing

import numpy as np
import pytest

from autograder import catalog
from autograder.reference import fixture_path
from autograder.sandbox import codec

ASSIGNMENTS = catalog.ids()


def conforms(value, annotation) -> bool:
    """``value`` (as the codec returns it) is of ``annotation`` (np.ndarray, float, int, str,
    list[...], tuple[...], unions); a float annotation takes NumPy floats and ints too."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, a) for a in args)
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))
    if annotation is int:
        return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if annotation is complex:
        return isinstance(value, (complex, float, np.complexfloating))
    if origin is list:
        return isinstance(value, list) and all(conforms(v, args[0]) for v in value)
    if origin is tuple:
        return isinstance(value, tuple) and len(value) == len(args) and all(map(conforms, value, args))
    return isinstance(value, annotation)


def test_conforms_tells_types_apart():
    assert conforms(np.ones(2), np.ndarray) and not conforms([1.0], np.ndarray)
    assert conforms((np.ones(1), 2.0), tuple[np.ndarray, float])
    assert not conforms((np.ones(1), 2.0, 3.0), tuple[np.ndarray, float])
    assert conforms([1, 2], list[int]) and not conforms([1, 2.5], list[int])
    assert conforms(2.0, float | np.ndarray) and not conforms("x", float | np.ndarray)
    assert not conforms(True, int) and not conforms(1.5, int)


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_graded_reference_function_is_annotated(hw):
    module = pytest.importorskip(f"solutions.{hw}")
    for name in catalog.get(hw).functions:
        sig = inspect.signature(getattr(module, name))
        missing = [p for p, param in sig.parameters.items() if param.annotation is inspect.Parameter.empty]
        assert not missing, f"solutions/{hw}.py: {name} has parameters without a type: {missing}"
        assert sig.return_annotation is not inspect.Signature.empty, f"solutions/{hw}.py: {name} has no return type"


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_recorded_reference_values_have_the_annotated_types(hw):
    module = pytest.importorskip(f"solutions.{hw}")
    hints = {name: typing.get_type_hints(getattr(module, name))["return"] for name in catalog.get(hw).functions}
    entries = json.loads(fixture_path(hw).read_text())["entries"]
    seen = set()
    for entry in entries.values():
        fn = entry["fn"]
        if fn not in hints:
            continue
        value = codec.decode(entry["value"])
        assert conforms(value, hints[fn]), (f"solutions/{hw}.py: {fn} returned {type(value).__name__} "
                                            f"({value!r:.80}), annotated {hints[fn]}")
        seen.add(fn)
    assert seen, f"no recorded value of {hw}'s graded functions"
