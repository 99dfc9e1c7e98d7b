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


def decode(value):
    """Child -> grader. Returns ndarrays, numbers, str, list, tuple, dict, Opaque."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):  # only inside our own tagged containers
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return Opaque(type(value).__name__)
    if "__nd__" in value:
        try:
            arr = np.load(io.BytesIO(base64.b64decode(value["__nd__"])), allow_pickle=False)
        except Exception as exc:  # malformed payload
            return Opaque("unreadable array", str(exc)[:200])
        if arr.dtype.kind not in "biufc":
            return Opaque(f"array of dtype {arr.dtype}")
        if value.get("scalar"):
            return arr[()]
        return arr
    if "__tuple__" in value:
        return tuple(decode(v) for v in value["__tuple__"])
    if "__list__" in value:
        return [decode(v) for v in value["__list__"]]
    if "__dict__" in value:
        return {str(k): decode(v) for k, v in value["__dict__"].items()}
    if "__int__" in value:
        try:
            return int(value["__int__"])
        except (TypeError, ValueError):
            return Opaque("int", "unreadable")
    if "__opaque__" in value:
        return Opaque(str(value["__opaque__"]), str(value.get("repr", ""))[:200])
    return Opaque("dict")
