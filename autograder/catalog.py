"""The assignment catalog: one registry read from the check modules.

Each ``autograder/checks/hwN.py`` declares ``TITLE``, ``FUNCTIONS`` and its
checks; points, the list of graded functions and markers all come from
there, so nothing is typed twice.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import lru_cache

from . import checks as _checks_pkg
from .spec import REGISTRY


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    functions: tuple
    checks: tuple

    @property
    def points(self):
        return sum(p for c in self.checks for _, p, _, _ in c.resolved)

    @property
    def public_points(self):
        return sum(p for c in self.checks for _, p, h, _ in c.resolved if not h)

    @property
    def stochastic(self):
        return [c for c in self.checks if c.stochastic]


def _key(name):
    return int(re.sub(r"\D", "", name) or 0)


@lru_cache(maxsize=None)
def ids():
    found = [m.name for m in pkgutil.iter_modules(_checks_pkg.__path__) if re.fullmatch(r"hw\d+", m.name)]
    return tuple(sorted(found, key=_key))


@lru_cache(maxsize=None)
def get(assignment) -> Assignment:
    if assignment not in ids():
        raise KeyError(assignment)
    mod = importlib.import_module(f"autograder.checks.{assignment}")
    specs = tuple(REGISTRY.get(mod.__name__, ()))
    functions = tuple(getattr(mod, "FUNCTIONS", ())) or tuple(dict.fromkeys(s.function for s in specs))
    return Assignment(assignment, getattr(mod, "TITLE", assignment), functions, specs)


def all_assignments():
    return [get(a) for a in ids()]
