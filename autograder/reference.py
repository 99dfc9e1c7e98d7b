"""The reference side of a check: ``solutions`` live, or recorded fixtures.

Instructors and CI have ``solutions`` installed: the reference runs in the
grader's own process (it is trusted code). Students do not: their public
checks replay reference values recorded by ``course fixtures hwN`` into
``autograder/fixtures/hwN.json``. Values are keyed by a hash of the call
(function, arguments), so a stale fixture is detected, never silently used.

``ref.slipgen.name(...)`` is the same for the grader's own helpers that
compute the reference or one edit away from it (a slip's value, the exact mean
of a Monte Carlo estimate): they live in the hidden module
``autograder/checks/hwN/slipgen.py``, which the student wheel leaves out, so
that nothing a student receives computes the reference. Their values on the
public cases are recorded with the reference's (a check asks for a hint's
values that it computes only on a failure while ``ref.recording``); a value
the fixtures do not hold replays as :data:`UNRECORDED`, which matches no
answer, so that hint is not given.
"""
from __future__ import annotations

import copy
import hashlib
import importlib
import json
import sys
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .sandbox import codec

FIXTURES = Path(__file__).with_name("fixtures")
FORMAT = 1
SLIPGEN = "slipgen."   # the prefix of a hidden helper's name in a call key


class _Unrecorded:
    """A hidden helper's value that the public fixtures do not hold: it equals nothing
    and is no number, so a slip with this value is never named."""

    def __repr__(self):
        return "UNRECORDED"



UNRECORDED = _Unrecorded()


#: the values of "solutions" mode, shared by every Reference of this process: a reference
#: function is a pure function of its arguments (the seeds are arguments), so a process that
#: grades many submissions (the test suite, a benchmark, `course calibrate` after `solve`)
#: computes each value once. Keyed by the function object itself, so a replaced function
#: (a test's monkeypatch, another assignment's module) never meets an old value. "record"
#: and "verify" modes always call, since they remember what each call returned.
_SHARED: OrderedDict = OrderedDict()
_SHARED_BYTES = [0]
#: the most the shared values may hold; the least recently used go first
SHARED_LIMIT = 256 << 20


def _size(value, depth=0) -> int:
    """About how many bytes ``value`` holds (arrays by their data)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 112
    if depth < 8 and isinstance(value, (list, tuple)):
        return 56 + sum(_size(v, depth + 1) for v in value)
    if depth < 8 and isinstance(value, dict):
        return 232 + sum(_size(v, depth + 1) for v in value.values())
    return 64


def _share(skey, value) -> None:
    size = _size(value)
    if size > SHARED_LIMIT // 4:
        return
    _SHARED[skey] = (value, size)
    _SHARED_BYTES[0] += size
    while _SHARED_BYTES[0] > SHARED_LIMIT:
        _, (_, old) = _SHARED.popitem(last=False)
        _SHARED_BYTES[0] -= old


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
        self._slipgen = None
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

    def _function(self, fn):
        if not fn.startswith(SLIPGEN):
            return getattr(self._module, fn)
        if self._slipgen is None:
            name = f"autograder.checks.{self.assignment}.slipgen"
            try:
                self._slipgen = importlib.import_module(name)
            except ImportError as exc:
                raise GraderSetupError(
                    f"the grader's hidden helpers `{name}` are not importable ({exc}); they come "
                    "with the instructor's checkout, not with the student package") from None
        return getattr(self._slipgen, fn[len(SLIPGEN):])

    @property
    def recording(self) -> bool:
        """Whether the values asked now go into the public fixtures (``course fixtures`` and its
        freshness check): a check asks there for a hint's values that it computes only on a
        failure otherwise, so that a student's install can give that hint too."""
        return self.mode in ("record", "verify")

    @property
    def slipgen(self):
        """``ref.slipgen.name(*args)``: a hidden helper's value (see the module's doc)."""
        return _Slipgen(self)

    def call(self, fn: str, *args: Any, **kwargs: Any) -> Any:
        key = call_key(fn, args, kwargs)
        if key in self._cache:
            return normalize(self._cache[key])
        if self._module is not None:
            func = self._function(fn)
            skey = (func, key) if self.mode == "solutions" else None
            if skey is not None and skey in _SHARED:
                _SHARED.move_to_end(skey)
                value = _SHARED[skey][0]
                self._cache[key] = value
                return normalize(value)
            value = normalize(func(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
            if skey is not None:
                _share(skey, value)
            if self.mode in ("record", "verify"):
                self.recorded[key] = {"fn": fn, "value": codec.encode(value)}
            if self.mode == "verify" and key in self._fixtures:
                value = codec.decode(self._fixtures[key]["value"])
        else:
            entry = self._fixtures.get(key)
            if entry is None and fn.startswith(SLIPGEN):
                return UNRECORDED
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


class _Slipgen:
    def __init__(self, ref):
        self._ref = ref

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *a, **k: self._ref.call(SLIPGEN + name, *a, **k)
