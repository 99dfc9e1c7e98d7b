"""The assignment catalog: one registry read from the check modules.

Each ``autograder/checks/hwN.py`` declares ``TITLE``, ``FUNCTIONS`` and its
checks; points, the list of graded functions and markers all come from
there, so nothing is typed twice.

In the student package (``course student-dist``) the hidden cases are cut out
of the check modules; what was cut is recorded at build time in each module's
``HIDDEN_CASES`` (function, case, points), so the totals stay those of the
course. The build also writes ``autograder/distribution.json``
(``{"kind": "student", ...}``), which tells the CLI it runs without the
instructor's parts.
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from . import checks as _checks_pkg
from .spec import REGISTRY, CheckSpec

#: written by ``course student-dist`` into the student package only
DISTRIBUTION = Path(__file__).with_name("distribution.json")


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    functions: tuple[str, ...]
    checks: tuple[CheckSpec, ...]
    #: (function, case, points) of hidden cases cut out of a student copy of the checks
    hidden_cut: tuple[tuple[str, str, float], ...] = ()

    @property
    def points(self) -> float:
        return sum(p for c in self.checks for _, p, _, _ in c.resolved) + self.hidden_cut_points

    @property
    def hidden_cut_points(self) -> float:
        return sum(p for _, _, p in self.hidden_cut)

    @property
    def public_points(self) -> float:
        return sum(p for c in self.checks for _, p, h, _ in c.resolved if not h)

    @property
    def stochastic(self) -> list[CheckSpec]:
        return [c for c in self.checks if c.stochastic]


def _key(name):
    return int(re.sub(r"\D", "", name) or 0)


@lru_cache(maxsize=None)
def ids() -> tuple[str, ...]:
    found = [m.name for m in pkgutil.iter_modules(_checks_pkg.__path__) if re.fullmatch(r"hw\d+", m.name)]
    return tuple(sorted(found, key=_key))


@lru_cache(maxsize=None)
def get(assignment: str) -> Assignment:
    if assignment not in ids():
        raise KeyError(assignment)
    mod = importlib.import_module(f"autograder.checks.{assignment}")
    return from_module(assignment, mod, REGISTRY.get(mod.__name__, ()))


def from_module(assignment: str, mod: ModuleType, specs: Iterable[CheckSpec]) -> Assignment:
    """The :class:`Assignment` of a check module ``mod`` whose registered checks are ``specs``."""
    specs = tuple(specs)
    functions = tuple(getattr(mod, "FUNCTIONS", ())) or tuple(dict.fromkeys(s.function for s in specs))
    cut = tuple((str(f), str(c), float(p)) for f, c, p in getattr(mod, "HIDDEN_CASES", ()))
    return Assignment(assignment, getattr(mod, "TITLE", assignment), functions, specs, cut)


def all_assignments() -> list[Assignment]:
    return [get(a) for a in ids()]


@lru_cache(maxsize=None)
def distribution() -> dict:
    """What ``course student-dist`` recorded about this install ({} in the instructor's checkout)."""
    try:
        data = json.loads(DISTRIBUTION.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_student_install() -> bool:
    """True in the student package: no reference solutions, no hidden checks, no templates."""
    return distribution().get("kind") == "student"
