"""The reference side of a check: ``solutions`` live, or recorded fixtures.

Instructors and CI have ``solutions`` installed: the reference runs in the
grader's own process (it is trusted code). Students do not: their public
checks replay reference values recorded by ``course fixtures hwN`` into
``autograder/fixtures/hwN.json``. Values are keyed by a hash of the call
(function, arguments), so a stale fixture is detected, never silently used.
"""
from __future__ import annotations

import copy
import hashlib
import importlib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .sandbox import codec

FIXTURES = Path(__file__).with_name("fixtures")
FORMAT = 1


class GraderSetupError(Exception):
    """The grader cannot run as asked (missing reference, stale fixtures): exit 2."""


def call_key(fn: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    blob = json.dumps([fn, codec.encode(list(args)), codec.encode(dict(kwargs))],
                      sort_keys=True, allow_nan=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def normalize(value: Any) -> Any:
    """Give reference values the same types as values coming from the sandbox."""
    torch = sys.modules.get("torch")  # a tensor implies torch is imported already
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, tuple):
        return tuple(normalize(v) for v in value)
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def solutions_available(assignment: str) -> bool:
    try:
        importlib.import_module(f"solutions.{assignment}")
        return True
    except ImportError:
        return False


def fixture_path(assignment: str) -> Path:
    return FIXTURES / f"{assignment}.json"


class Reference:
    """``ref.fn(*args)``: the reference value, from ``solutions`` or fixtures.

    mode: "solutions" (import and call), "fixtures" (replay only),
    "record" (call ``solutions`` and remember every value for ``save``) or
    "verify" (as "record", but where the call is in the fixtures, return the
    recorded value: a check that feeds a reference value back into the
    reference then makes the recorded calls even where this machine's
    round-off differs from the recording machine's; the freshness check
    compares the values remembered with the recorded ones).
    """

    def __init__(self, assignment: str, mode: str = "auto") -> None:
        self.assignment = assignment
        if mode == "auto":
            mode = "solutions" if solutions_available(assignment) else "fixtures"
        self.mode = mode
        self._cache: dict = {}
        self.recorded: dict = {}
        self._module = None
        self._fixtures = None
        if mode in ("solutions", "record", "verify"):
            try:
                self._module = importlib.import_module(f"solutions.{assignment}")
            except ImportError as exc:
                raise GraderSetupError(
                    f"the reference `solutions.{assignment}` is not importable ({exc}); hidden "
                    "checks need the instructor's installation") from None
        if mode == "verify":
            path = fixture_path(assignment)
            self._fixtures = json.loads(path.read_text()).get("entries", {}) if path.exists() else {}
        elif mode not in ("solutions", "record"):
            path = fixture_path(assignment)
            if not path.exists():
                raise GraderSetupError(
                    f"no public reference values for {assignment} ({path.name} is missing). "
                    f"Next: the instructor runs `course fixtures {assignment}`.")
            data = json.loads(path.read_text())
            self._fixtures = data.get("entries", {})

    def call(self, fn: str, *args: Any, **kwargs: Any) -> Any:
        key = call_key(fn, args, kwargs)
        if key in self._cache:
            return normalize(self._cache[key])
        if self._module is not None:
            func = getattr(self._module, fn)
            value = normalize(func(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
            if self.mode in ("record", "verify"):
                self.recorded[key] = {"fn": fn, "value": codec.encode(value)}
            if self.mode == "verify" and key in self._fixtures:
                value = codec.decode(self._fixtures[key]["value"])
        else:
            entry = self._fixtures.get(key)
            if entry is None:
                raise GraderSetupError(
                    f"the public reference values of {self.assignment} do not cover "
                    f"{fn}{tuple(args)!r:.80}: the fixtures are stale. Next: the instructor runs "
                    f"`course fixtures {self.assignment}` (students: update the course package).")
            value = codec.decode(entry["value"])
        self._cache[key] = value
        return normalize(value)

    def __getattr__(self, fn: str) -> Callable[..., Any]:
        if fn.startswith("_"):
            raise AttributeError(fn)
        return lambda *a, **k: self.call(fn, *a, **k)

    def save(self, path: str | Path | None = None) -> Path:
        path = Path(path or fixture_path(self.assignment))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "assignment": self.assignment,
                "entries": dict(sorted(self.recorded.items()))}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=0, sort_keys=True, allow_nan=True) + "\n")
        tmp.replace(path)
        return path
