"""Public reference values: recorded from ``solutions`` for students' machines.

``course fixtures hwN`` runs the public checks with the reference as the
student and records every value the checks ask of the reference into
``autograder/fixtures/hwN.json``. A student's ``course check`` replays them
when ``solutions`` is not installed; the freshness test re-records and
compares, so a changed reference cannot ship with stale values.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from autograder.reference import fixture_path
from autograder.runner import run_checks


def build_fixtures(assignment, path=None):
    path = Path(path or fixture_path(assignment))
    rep = run_checks(assignment, trusted=f"solutions.{assignment}", ref_mode="record",
                     record_to=path)
    bad = [r for r in rep.ran if not r.passed]
    if bad:
        raise RuntimeError(f"the reference fails its own public checks: {[r.id for r in bad]}")
    data = json.loads(path.read_text())
    data["entries"].update(_plot_entries(assignment))
    data["entries"] = dict(sorted(data["entries"].items()))
    path.write_text(json.dumps(data, indent=0, sort_keys=True, allow_nan=True) + "\n")
    return path, len(data["entries"])


def _plot_entries(assignment):
    """Reference values that `course check --plots` asks for."""
    import importlib

    from autograder.reference import Reference
    from autograder.student import TrustedStudent

    mod = importlib.import_module(f"autograder.checks.{assignment}")
    plot = getattr(mod, "plot", None)
    if plot is None:
        return {}
    ref = Reference(assignment, "record")
    with tempfile.TemporaryDirectory() as d:
        plot(TrustedStudent(importlib.import_module(f"solutions.{assignment}")), ref, d)
    return ref.recorded


def fixtures_are_fresh(assignment) -> tuple[bool, str]:
    current = fixture_path(assignment)
    if not current.exists():
        return False, f"{current.name} is missing"
    with tempfile.TemporaryDirectory() as d:
        fresh, _ = build_fixtures(assignment, Path(d) / "fresh.json")
        new = json.loads(fresh.read_text())["entries"]
    old = json.loads(current.read_text())["entries"]
    if old.keys() != new.keys():
        return False, (f"{len(set(new) - set(old))} reference calls missing, "
                       f"{len(set(old) - set(new))} no longer used")
    changed = [k for k in new if new[k] != old[k]]
    if changed:
        return False, f"{len(changed)} reference values changed (e.g. {new[changed[0]]['fn']})"
    return True, ""
