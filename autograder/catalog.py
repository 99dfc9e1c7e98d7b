"""The assignment catalog: one registry read from the check modules.

An assignment is a package ``autograder/checks/hwN/``: ``public.py``
declares ``TITLE``, ``FUNCTIONS``, ``DEPENDS`` and the public checks,
``hidden.py`` the hidden cases (more cases of public checks, through
``hidden_cases``, and whole hidden checks). Points, the list of graded
functions and markers all come from there, so nothing is typed twice. (A
single module ``autograder/checks/hwN.py`` with hidden cases marked
``hidden=True`` in place is still read, for assignments not yet split.)

The student package (``course student-dist``) leaves every ``hidden.py``
out; what it left out is recorded at build time in the package's
``__init__.py`` as ``HIDDEN_CASES`` (function, case, points), so the totals
stay those of the course. The build also writes ``autograder/distribution.json``
(``{"kind": "student", ...}``), which tells the CLI it runs without the
instructor's parts.
"""
from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from . import checks as _checks_pkg
from .spec import REGISTRY, CheckSpec

#: written by ``course student-dist`` into the student package only
DISTRIBUTION = Path(__file__).with_name("distribution.json")


class HiddenCase(NamedTuple):
    """A hidden case that a student copy of the checks leaves out: what the plugin reports as not run."""

    function: str
    case: str
    points: float


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    functions: tuple[str, ...]
    checks: tuple[CheckSpec, ...]
    #: (function, case, points) of hidden cases cut out of a student copy of the checks
    hidden_cut: tuple[HiddenCase, ...] = ()
    #: graded function -> the graded functions it calls, as the reference does
    depends: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: CPU seconds per call into the student's code, unless a check says otherwise
    call_timeout: float | None = None
    #: the files pytest runs (public first)
    files: tuple[str, ...] = ()
    #: the module that holds ``plot`` (None: no plot)
    plot_module: str | None = None

    @property
    def points(self) -> float:
        return sum(r.points for c in self.checks for r in c.resolved) + self.hidden_cut_points

    @property
    def hidden_cut_points(self) -> float:
        return sum(h.points for h in self.hidden_cut)

    @property
    def public_points(self) -> float:
        return sum(r.points for c in self.checks for r in c.resolved if not r.hidden)

    @property
    def stochastic(self) -> list[CheckSpec]:
        return [c for c in self.checks if c.stochastic]


def _key(name):
    return int(re.sub(r"\D", "", name) or 0)


@lru_cache(maxsize=None)
def ids() -> tuple[str, ...]:
    found = [m.name for m in pkgutil.iter_modules(_checks_pkg.__path__) if re.fullmatch(r"hw\d+", m.name)]
    return tuple(sorted(found, key=_key))


#: the check modules of a package, in the order pytest runs them: ``public.py``, then
#: ``public_<topic>.py`` (sorted), then the hidden ones likewise (absent from the student package)
PUBLIC, HIDDEN = "public", "hidden"


def _module_names(pkg: ModuleType, stem: str) -> list[str]:
    topics = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name.startswith(stem + "_"))
    return [stem, *topics]


def is_hidden_module(name: str) -> bool:
    """True for the name of a hidden check module (``...hwN.hidden`` or ``...hwN.hidden_<topic>``)."""
    last = name.rsplit(".", 1)[-1]
    return last == HIDDEN or last.startswith(HIDDEN + "_")


def check_modules(assignment) -> list:
    """The imported check modules of ``assignment``: ``public.py`` and ``public_*.py``, then,
    where present, ``hidden.py`` and ``hidden_*.py``.

    An assignment too large for one file splits its checks by topic, e.g.
    ``public_training.py`` beside ``public.py``; ``public.py`` keeps ``TITLE``,
    ``FUNCTIONS``, ``DEPENDS`` and ``CALL_TIMEOUT``.
    """
    pkg = importlib.import_module(f"autograder.checks.{assignment}")
    if not hasattr(pkg, "__path__"):
        return [pkg]
    mods = [importlib.import_module(f"{pkg.__name__}.{name}") for name in _module_names(pkg, PUBLIC)]
    for name in _module_names(pkg, HIDDEN):
        try:
            mods.append(importlib.import_module(f"{pkg.__name__}.{name}"))
        except ModuleNotFoundError as exc:   # the student package has no hidden.py
            if exc.name != f"{pkg.__name__}.{name}":
                raise
    return mods


@lru_cache(maxsize=None)
def get(assignment: str) -> Assignment:
    if assignment not in ids():
        raise KeyError(assignment)
    mods = check_modules(assignment)
    pkg = importlib.import_module(f"autograder.checks.{assignment}")
    specs = [s for m in mods for s in REGISTRY.get(m.__name__, ())]
    info = from_module(assignment, mods[0], specs, package=pkg,
                       files=tuple(str(m.__file__) for m in mods))
    if info.plot_module is None and hasattr(pkg, "__path__") and importlib.util.find_spec(f"{pkg.__name__}.plot") is not None:
        # the plot in a file of its own: ``autograder/checks/hwN/plot.py``
        info = dataclasses.replace(info, plot_module=f"{pkg.__name__}.plot")
    return info


def from_module(assignment: str, mod: ModuleType, specs: Iterable[CheckSpec],
                package: ModuleType | None = None, files: Iterable[str] = ()) -> Assignment:
    """The :class:`Assignment` of check module ``mod`` (the public one) whose checks are ``specs``."""
    specs = tuple(specs)
    functions = tuple(getattr(mod, "FUNCTIONS", ())) or tuple(dict.fromkeys(s.function for s in specs))
    cut = tuple(HiddenCase(str(f), str(c), float(p))
                for f, c, p in getattr(package, "HIDDEN_CASES", None) or getattr(mod, "HIDDEN_CASES", ()))
    depends = tuple((k, tuple(v)) for k, v in (getattr(mod, "DEPENDS", None) or {}).items())
    return Assignment(assignment, getattr(mod, "TITLE", assignment), functions, specs, cut,
                      depends=depends, call_timeout=getattr(mod, "CALL_TIMEOUT", None),
                      files=tuple(files) or (str(getattr(mod, "__file__", "")),),
                      plot_module=mod.__name__ if hasattr(mod, "plot") else None)


def plot_function(assignment):
    """``plot(student, ref, outdir)`` of an assignment, or None."""
    name = get(assignment).plot_module
    return getattr(importlib.import_module(name), "plot") if name else None


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
