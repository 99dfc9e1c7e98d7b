"""Plain-data codec between the grader and the sandbox child.

Encoding mirrors ``child.encode``; decoding never unpickles anything:
arrays go through ``np.load(..., allow_pickle=False)`` and anything the child
could not turn into plain data arrives as an :class:`Opaque` description.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Opaque:
    """A returned value that is not plain data (e.g. a custom object)."""

    type_name: str
    repr: str = ""

    def __str__(self) -> str:
        return f"<object of type {self.type_name}>"


@dataclass(frozen=True)
class FromTorch:
    """Marks an array that was a torch tensor in the student's code."""

    dtype: str


def _npy(arr: np.ndarray) -> str:
    buf = io.BytesIO()
    np.save(buf, np.require(arr, requirements='C'), allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def encode(value):
    """Grader -> child: inputs are numbers, strings, arrays, lists, tuples."""
    if value is None or isinstance(value, (bool, str, float)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"__int__": str(value)}
    if isinstance(value, np.ndarray):
        return {"__nd__": _npy(value)}
    if isinstance(value, np.generic):
        return {"__nd__": _npy(np.asarray(value)), "scalar": True}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return {"__list__": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": {str(k): encode(v) for k, v in value.items()}}
    raise TypeError(f"cannot send a {type(value).__name__} to the sandbox")


#: the child's encoder stops at this depth and count (child.MAX_DEPTH, MAX_ITEMS); the
#: decoder enforces them again, since a submission can write its own replies
MAX_DEPTH = 8
MAX_ITEMS = 100_000


def decode(value):
    """Child -> grader. Returns ndarrays, numbers, str, list, tuple, dict, Opaque.

    Never raises for what a submission sends: nesting deeper than
    :data:`MAX_DEPTH`, more than :data:`MAX_ITEMS` values, an unreadable
    array or an integer too long to parse arrive as :class:`Opaque`.
    """
    try:
        return _decode(value, 0, [MAX_ITEMS])
    except (RecursionError, MemoryError):
        return Opaque("too large or too deeply nested")


def _decode(value, depth, budget):
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH + 1:
        return Opaque("too large or too deeply nested")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):  # only inside our own tagged containers
        return [_decode(v, depth + 1, budget) for v in value]
    if not isinstance(value, dict):
        return Opaque(type(value).__name__)
    if "__nd__" in value:
        try:
            arr = np.load(io.BytesIO(base64.b64decode(value["__nd__"])), allow_pickle=False)
        except Exception as exc:  # malformed payload
            return Opaque("unreadable array", str(exc)[:200])
        if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biufc":
            return Opaque(f"array of dtype {getattr(arr, 'dtype', '?')}")
        if value.get("scalar"):
            return arr[()]
        return arr
    if "__tuple__" in value:
        items = value["__tuple__"]
        if not isinstance(items, list):
            return Opaque("tuple", "malformed")
        return tuple(_decode(v, depth + 1, budget) for v in items)
    if "__list__" in value:
        items = value["__list__"]
        if not isinstance(items, list):
            return Opaque("list", "malformed")
        return [_decode(v, depth + 1, budget) for v in items]
    if "__dict__" in value:
        items = value["__dict__"]
        if not isinstance(items, dict):
            return Opaque("dict", "malformed")
        return {str(k): _decode(v, depth + 1, budget) for k, v in items.items()}
    if "__int__" in value:
        text = value["__int__"]
        if not isinstance(text, str) or len(text) > 4000:
            return Opaque("int", "an integer of more than 4000 digits")
        try:
            return int(text)
        except (TypeError, ValueError):
            return Opaque("int", "unreadable")
    if "__opaque__" in value:
        return Opaque(str(value["__opaque__"])[:200], str(value.get("repr", ""))[:200])
    return Opaque("dict")
