"""Submissions that implement nothing, for measuring what the grader gives away.

``raise_everywhere(hw)``: every graded function raises NotImplementedError
(the baseline: what an empty notebook scores).

``fixture_replay(hw)``: every graded function looks its own call up in the
public fixtures (``autograder/fixtures/hwN.json``, which ship with the student
package) by the grader's call key (``autograder.reference.call_key``) and
returns the recorded reference value; a call that is not recorded raises
NotImplementedError. The file is self-contained: it embeds the fixture
entries and a copy of the key function and of the decoder it needs, since it
runs in the sandbox, where the grader's package is not importable.

Both return the text of a ``.py`` submission; ``write(hw, kind, directory)``
writes one to a file. ``exception`` changes what they raise: with
``ValueError`` both also pass the checks that a function rejects bad input.
Used by tests/test_attacks.py and benchmarks/attacks.py.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

KINDS = ("raise_everywhere", "fixture_replay")


def _functions(hw):
    from autograder import catalog

    return list(catalog.get(hw).functions)


def raise_everywhere(hw, exception="NotImplementedError") -> str:
    """Every graded function raises ``exception`` (a builtin's name)."""
    lines = [f'"""{hw}: nothing implemented (every graded function raises)."""', ""]
    for fn in _functions(hw):
        lines += ["", f"def {fn}(*args, **kwargs):", f"    raise {exception}", ""]
    return "\n".join(lines)


# The replay's own copy of the grader's call key (autograder.reference.call_key
# over autograder.sandbox.codec.encode) and of the codec's decoder: the
# sandboxed file cannot import the grader.
_REPLAY_RUNTIME = r'''
import base64
import hashlib
import io
import json

import numpy as np


def _npy(arr):
    buf = io.BytesIO()
    np.save(buf, np.require(arr, requirements="C"), allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _encode(value):
    if value is None or isinstance(value, (bool, str, float)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"__int__": str(value)}
    if isinstance(value, np.ndarray):
        return {"__nd__": _npy(value)}
    if isinstance(value, np.generic):
        return {"__nd__": _npy(np.asarray(value)), "scalar": True}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return {"__list__": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": {str(k): _encode(v) for k, v in value.items()}}
    raise TypeError(type(value).__name__)


def _key(fn, args, kwargs):
    blob = json.dumps([fn, _encode(list(args)), _encode(dict(kwargs))], sort_keys=True, allow_nan=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "__nd__" in value:
            arr = np.load(io.BytesIO(base64.b64decode(value["__nd__"])), allow_pickle=False)
            return arr[()] if value.get("scalar") else arr
        if "__tuple__" in value:
            return tuple(_decode(v) for v in value["__tuple__"])
        if "__list__" in value:
            return [_decode(v) for v in value["__list__"]]
        if "__int__" in value:
            return int(value["__int__"])
        if "__dict__" in value:
            return {k: _decode(v) for k, v in value["__dict__"].items()}
    return value


_ENTRIES = json.loads(_FIXTURES)


def _replay(fn, args, kwargs):
    entry = _ENTRIES.get(_key(fn, args, kwargs))
    if entry is None or entry.get("fn") != fn:
        raise _FALLBACK(f"{fn}: no recorded value for this call")
    return _decode(entry["value"])
'''


def fixture_replay(hw, fixtures=None, exception="NotImplementedError") -> str:
    """The replay submission of ``hw`` (``fixtures``: a fixture file, default the package's);
    a call that is not recorded raises ``exception`` (a builtin's name)."""
    from autograder.reference import fixture_path

    path = Path(fixtures or fixture_path(hw))
    entries = json.loads(path.read_text())["entries"]
    blob = json.dumps(entries, sort_keys=True, allow_nan=True)
    lines = [f'"""{hw}: nothing implemented; returns the public fixtures\' recorded reference values."""',
             "", f"_FIXTURES = {blob!r}", f"_FALLBACK = {exception}", _REPLAY_RUNTIME]
    for fn in _functions(hw):
        lines += ["", f"def {fn}(*args, **kwargs):", f"    return _replay({fn!r}, args, kwargs)", ""]
    return "\n".join(lines)


def text(hw, kind, exception="NotImplementedError") -> str:
    if kind == "raise_everywhere":
        return raise_everywhere(hw, exception)
    if kind == "fixture_replay":
        return fixture_replay(hw, exception=exception)
    raise ValueError(f"unknown attack {kind!r}: one of {KINDS}")


def write(hw, kind, directory, exception="NotImplementedError") -> Path:
    path = Path(directory) / f"{hw}_{kind}_{exception}.py"
    path.write_text(text(hw, kind, exception))
    return path


def correct_submission(hw) -> Path:
    """A known submission of ``hw`` that passes every check (``# EXPECT: pass all``)."""
    for path in sorted((ROOT / "tests" / "submissions" / hw).glob("correct*.py")):
        head = path.read_text().splitlines()[:15]
        if any(line.strip().replace(" ", "") == "#EXPECT:passall" for line in head):
            return path
    raise LookupError(f"no correct known submission of {hw}")
