"""Declaring checks: cases as data records, one decorator per graded function."""
from __future__ import annotations

import sys
import types
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pytest

#: module name -> list of CheckSpec, in declaration order (the catalog reads it)
REGISTRY: dict[str, list[CheckSpec]] = defaultdict(list)

_F = TypeVar("_F", bound=Callable[..., Any])


class Case:
    """One input of a check: an id (readable, used by ``-k``), arguments and options."""

    def __init__(self, id: object, *args: Any, hidden: bool | None = None, points: float | None = None,
                 **kwargs: Any) -> None:
        self.id = str(id)
        self.args = args
        self.kwargs = kwargs
        self.hidden = hidden
        self.points = points

    def __getitem__(self, key: str) -> Any:
        return self.kwargs[key]

    def describe(self, function: str) -> str:
        parts = [_short(a) for a in self.args] + [f"{k}={_short(v)}" for k, v in self.kwargs.items()]
        text = ", ".join(parts)
        return text if len(text) < 300 else text[:297] + "..."

    def __repr__(self) -> str:
        return f"Case({self.id!r})"


def _short(v):
    if isinstance(v, np.ndarray):
        if v.ndim == 1 and 0 < v.size <= 24 and v.dtype.kind in "biuf":
            return np.array2string(v, precision=4, separator=", ", max_line_width=10**6,
                                   threshold=10**6).replace("\n", "")
        return f"<array {'x'.join(map(str, v.shape))} {v.dtype}>"
    if isinstance(v, (list, tuple)) and any(isinstance(x, np.ndarray) for x in v):
        return f"<{type(v).__name__} of {len(v)} arrays>"
    if isinstance(v, float):
        return f"{v:.6g}"
    r = repr(v)
    return r if len(r) < 60 else r[:57] + "..."


class Resolved(NamedTuple):
    """One case of a check as graded: its points and visibility settled, its label as reported."""

    case: Case
    points: float
    hidden: bool
    label: str


@dataclass
class CheckSpec:
    function: str
    test_name: str
    module: str
    cases: list[Case]
    points: float
    hidden: bool
    stochastic: bool
    ffp: float | None
    timeout: float | None
    resolved: list[Resolved] = field(default_factory=list)
    fn: Callable[..., Any] | None = None  # the check function itself (the engine re-runs it to probe a dependency)
    aspect: str | None = None


def check(function: str, points: float = 1.0, cases: Iterable[Case] | None = None, hidden: bool = False,
          stochastic: bool = False, ffp: float | None = None, timeout: float | None = None,
          aspect: str | None = None) -> Callable[[_F], _F]:
    """Declare a check of graded ``function``, parametrised over ``cases``.

    ``points`` and ``hidden`` are per case unless a Case overrides them.
    Stochastic checks must state their false-failure probability ``ffp``.
    ``timeout`` is the wall-time limit of each call into the student's code.
    ``aspect`` names what this check looks at when a function has several
    checks (its case ids become ``aspect/case``).
    """
    if stochastic and ffp is None:
        raise ValueError(f"stochastic check of {function} must state its ffp")
    cases = list(cases) if cases is not None else [Case("default")]
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate case ids in check of {function}: {ids}")

    def deco(fn: _F) -> _F:
        spec = CheckSpec(function, fn.__name__, fn.__module__, cases, points, hidden,
                         stochastic, ffp, timeout, aspect=aspect)
        params = []
        for c in cases:
            label = f"{aspect}/{c.id}" if aspect else c.id
            pts = c.points if c.points is not None else points
            hid = c.hidden if c.hidden is not None else hidden
            spec.resolved.append(Resolved(c, float(pts), bool(hid), label))
            params.append(pytest.param(c, id=label, marks=[pytest.mark.graded(
                function=function, case=label, points=float(pts), hidden=bool(hid),
                stochastic=stochastic, ffp=ffp, timeout=timeout, call=c.describe(function))]))
        spec.fn = fn
        REGISTRY[fn.__module__].append(spec)
        fn._course_check = spec
        return pytest.mark.parametrize("case", params)(fn)

    return deco


def rejects(function: str, exc_type: type[BaseException] | str = ValueError, *, points: float,
            cases: Iterable[Case], hidden: bool = False, aspect: str = "errors", slips: Any = (),
            timeout: float | None = None) -> Callable[..., Any]:
    """A check that ``function`` raises ``exc_type`` on each case's arguments, as one declaration.

    ``test_init_variance_errors = rejects("init_variance", ValueError, points=0.5,
    cases=[Case("unknown_scheme", 3, 7, "lecun_uniform")])`` calls
    ``student.init_variance(3, 7, "lecun_uniform")`` and passes when it raises
    ValueError (by name: the call runs in the sandbox). ``slips`` (hints.Slip
    records, or a function of the case that returns them) name a value
    returned instead. Assign it to a ``test_...`` name of the check module.
    """
    from .compare import expect_raises

    module = sys._getframe(1).f_globals.get("__name__", __name__)

    def body(student, ref, case):
        __tracebackhide__ = True
        named = slips(case) if callable(slips) else slips
        expect_raises(getattr(student, function), exc_type, *case.args, slips=named, **case.kwargs)

    body.__name__ = body.__qualname__ = f"test_{function}_{aspect}"
    body.__module__ = module
    body.__doc__ = f"{function} raises {getattr(exc_type, '__name__', exc_type)} on invalid input."
    return check(function, points=points, cases=cases, hidden=hidden, timeout=timeout, aspect=aspect)(body)


def case_input(table: Mapping[str, Callable[..., Any]], spec: Any, *args: Any) -> Any:
    """A case's input given either way: a public case names a builder of ``table`` (called
    with ``args``), a hidden case carries its input itself (hidden.py adds nothing to a
    public table)."""
    return table[spec](*args) if isinstance(spec, str) else spec


def hidden_cases(test, cases):
    """More cases of a public check, declared in the assignment's ``hidden.py``.

    ``test_forward_variances = hidden_cases(public.test_forward_variances, [Case(...), ...])``
    runs the same check body, with the same points per case, options and
    aspect, on ``cases``, all hidden. Assign it to the same ``test_...`` name
    in ``hidden.py``: the student package leaves that file out, and nothing
    else changes.
    """
    spec = getattr(test, "_course_check", None)
    if spec is None:
        raise TypeError(f"hidden_cases() extends a function declared with @check, not {test!r}")
    cases = list(cases)
    public = [c for c in cases if c.hidden is False]
    if public:
        raise ValueError(f"hidden_cases() of {spec.test_name}: {[c.id for c in public]} say hidden=False")
    fn = spec.fn
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    copy.__doc__ = fn.__doc__
    copy.__qualname__ = fn.__qualname__
    copy.__module__ = sys._getframe(1).f_globals.get("__name__", fn.__module__)
    return check(spec.function, points=spec.points, cases=cases, hidden=True,
                 stochastic=spec.stochastic, ffp=spec.ffp, timeout=spec.timeout,
                 aspect=spec.aspect)(copy)
