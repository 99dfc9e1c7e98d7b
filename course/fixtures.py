"""Public reference values: recorded from ``solutions`` for students' machines.

``course fixtures hwN`` runs the public checks with the reference as the
student and records every value the checks ask of the reference into
``autograder/fixtures/hwN.json``. A student's ``course check`` replays them
when ``solutions`` is not installed; the freshness test re-records and
compares up to round-off (``compare_entries``), so a changed reference cannot
ship with stale values, while another CPU or numpy build can re-record it.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click
import numpy as np

from autograder.reference import fixture_path
from autograder.runner import run_checks


def build_fixtures(assignment, path=None, mode="record"):
    """Record the public reference values into `path` (default: the package's fixture file).

    mode "verify" records them too, but feeds the checks the values already recorded
    where a call is recorded (see `autograder.reference.Reference`): what the
    freshness check compares.
    """
    path = Path(path or fixture_path(assignment))
    rep = run_checks(assignment, trusted=f"solutions.{assignment}", ref_mode=mode,
                     record_to=path)
    bad = [r for r in rep.ran if not r.passed]
    if bad:
        raise RuntimeError(f"the reference fails its own public checks: {[r.id for r in bad]}")
    data = json.loads(path.read_text())
    data["entries"].update(_plot_entries(assignment, mode))
    data["entries"] = dict(sorted(data["entries"].items()))
    path.write_text(json.dumps(data, indent=0, sort_keys=True, allow_nan=True) + "\n")
    return path, len(data["entries"])


def _plot_entries(assignment, mode="record"):
    """Reference values that `course check --plots` asks for."""
    import importlib

    from autograder.reference import Reference
    from autograder.student import TrustedStudent

    from autograder import catalog

    plot = catalog.plot_function(assignment)
    if plot is None:
        return {}
    ref = Reference(assignment, mode)
    with tempfile.TemporaryDirectory() as d:
        plot(TrustedStudent(importlib.import_module(f"solutions.{assignment}")), ref, d)
    return ref.recorded


# Freshness tolerance. The recorded values are compared with what the
# reference computes now, perhaps on another CPU or BLAS build; the two differ
# by round-off (seen: up to 4.5e-13 relative, about 2000 ulps, after hw6's
# gradient-descent runs; 1e-16 elsewhere). RTOL leaves a factor of 2000 above
# that and still catches any real change of the reference (1e-6 relative and
# up; tests/test_catalog_and_freshness.py shows both). ATOL is the floor for
# values that are round-off themselves (an eigenvalue 1e-228 of a singular
# matrix, a residual 7e-30 at an optimum): relative to the largest magnitude
# of the same array, or 1 (the scale of the course's inputs) if that is less.
RTOL = 1e-9
ATOL = 1e-12


def _leaf_mismatch(old, new):
    """None if two decoded recorded values agree up to round-off, else why not."""
    import numpy as np

    if isinstance(old, (tuple, list)) or isinstance(new, (tuple, list)):
        if type(old) is not type(new):
            return f"a {type(new).__name__} where a {type(old).__name__} was recorded"
        if len(old) != len(new):
            return f"length {len(new)} where {len(old)} was recorded"
        for i, (a, b) in enumerate(zip(old, new)):
            why = _leaf_mismatch(a, b)
            if why:
                return f"[{i}]: {why}"
        return None
    if isinstance(old, dict) or isinstance(new, dict):
        if not (isinstance(old, dict) and isinstance(new, dict)) or old.keys() != new.keys():
            return "other keys than recorded"
        for k in old:
            why = _leaf_mismatch(old[k], new[k])
            if why:
                return f"[{k!r}]: {why}"
        return None
    if isinstance(old, (str, bool)) or isinstance(new, (str, bool)) or old is None or new is None:
        return None if (type(old) is type(new) and old == new) else f"{new!r} where {old!r} was recorded"
    if isinstance(old, int) or isinstance(new, int):  # Python ints may exceed any dtype
        return None if (type(old) is type(new) and old == new) else f"{new!r:.60} where {old!r:.60} was recorded"
    old_a, new_a = np.asarray(old), np.asarray(new)
    if old_a.dtype.kind not in "biufc" or new_a.dtype.kind not in "biufc":
        return f"{new!r} where {old!r} was recorded"
    if isinstance(old, np.ndarray) != isinstance(new, np.ndarray) or old_a.shape != new_a.shape:
        return f"shape {new_a.shape} where {old_a.shape} was recorded"
    if old_a.dtype != new_a.dtype or type(old) is not type(new):
        return f"a {new_a.dtype} where a {old_a.dtype} was recorded"
    if old_a.dtype.kind in "biu":  # integers and booleans: exactly
        return None if np.array_equal(old_a, new_a) else f"{new!r:.60} where {old!r:.60} was recorded"
    # NaN where NaN was recorded, +-inf where the same inf was recorded
    if not np.array_equal(np.isnan(old_a), np.isnan(new_a)):
        return "NaN where a number was recorded, or the reverse"
    inf = np.isinf(old_a) | np.isinf(new_a)
    if not np.array_equal(old_a[inf], new_a[inf]):
        return "an infinity where a number (or the other infinity) was recorded"
    finite = np.isfinite(old_a) & np.isfinite(new_a)
    a, b = old_a[finite], new_a[finite]
    if a.size == 0:
        return None
    scale = max(1.0, float(np.abs(a).max()), float(np.abs(b).max()))
    err = np.abs(a - b)
    allowed = RTOL * np.maximum(np.abs(a), np.abs(b)) + ATOL * scale
    if (err <= allowed).all():
        return None
    i = int(np.argmax(err - allowed))
    rel = err[i] / max(abs(a[i]), abs(b[i]))
    where = "" if old_a.ndim == 0 else f" (element {np.unravel_index(np.flatnonzero(finite)[i], old_a.shape)})"
    return f"{b[i]:.17g} where {a[i]:.17g} was recorded{where}, relative difference {rel:.1e}"


def compare_entries(old: dict, new: dict) -> list[str]:
    """Differences between recorded fixture entries `old` and fresh ones `new`.

    Same keys (one per reference call the checks make); each value equal up to
    round-off: floats within RTOL relative or ATOL of their array's scale,
    NaN where NaN, the same infinities, integers, strings, shapes, dtypes and
    containers exactly. Returns one line per difference (empty: fresh).
    """
    from autograder.sandbox import codec

    out = []
    added, removed = sorted(set(new) - set(old)), sorted(set(old) - set(new))
    if added:
        out.append(f"{len(added)} reference calls not recorded (e.g. {new[added[0]]['fn']})")
    if removed:
        out.append(f"{len(removed)} recorded reference calls no longer made (e.g. {old[removed[0]]['fn']})")
    for k in sorted(set(old) & set(new)):
        if old[k].get("fn") != new[k].get("fn"):
            out.append(f"{k}: recorded for {old[k].get('fn')}, now made by {new[k].get('fn')}")
            continue
        why = _leaf_mismatch(codec.decode(old[k]["value"]), codec.decode(new[k]["value"]))
        if why:
            out.append(f"{new[k]['fn']} ({k}): {why}")
    return out


def fixtures_are_fresh(assignment) -> tuple[bool, str]:
    """Does autograder/fixtures/hwN.json hold what `course fixtures hwN` records now
    (up to round-off, see `compare_entries`)? (ok, why not, ending in what to do)."""
    current = fixture_path(assignment)
    fix = f"Next: run `course fixtures {assignment}` and commit {current.name}."
    if not current.exists():
        return False, f"{current.name} is missing. {fix}"
    with tempfile.TemporaryDirectory() as d:
        fresh, _ = build_fixtures(assignment, Path(d) / "fresh.json", mode="verify")
        new = json.loads(fresh.read_text())["entries"]
    old = json.loads(current.read_text())["entries"]
    diffs = compare_entries(old, new)
    if diffs:
        changed = [d for d in diffs if "reference calls" not in d]
        head = (f"{current.name} is stale: " + "; ".join(d for d in diffs if "reference calls" in d)
                + ("; " if len(changed) < len(diffs) and changed else "")
                + (f"{len(changed)} reference values changed beyond round-off (relative "
                   f"{RTOL:g}), e.g. {changed[0]}" if changed else ""))
        return False, f"{head}. {fix}"
    return True, ""


# ------------------------------------------------------------- hidden leaks
def calls_of(assignment, hidden: bool, answers: dict | None = None) -> dict:
    """{call key: {(role, fn), ...}} of every call the public or the hidden cases make.

    The cases are run on the reference, as the student too, through a wrapper
    that notes the key (``autograder.reference.call_key``) of each call; role
    is "student" (an input the checks give the submission) or "reference" (a
    value they compare with). ``hidden``: the hidden cases alone
    (``hidden_only``), else the public ones. ``answers``, when given, gets
    {call key: the reference's answer} of every call on the submission.
    """
    import importlib
    import sys
    import types
    import uuid

    from autograder.reference import call_key

    sol = importlib.import_module(f"solutions.{assignment}")
    keys: dict = {}
    wrapper = types.ModuleType(f"_course_calls_{uuid.uuid4().hex}")

    def wrap(fn, func):
        def call(*args, **kwargs):
            key = call_key(fn, args, kwargs)
            keys.setdefault(key, set()).add(("student", fn))
            value = func(*args, **kwargs)
            if answers is not None:
                answers.setdefault(key, (fn, value))
            return value
        return call

    for name in dir(sol):
        func = getattr(sol, name)
        if not name.startswith("_") and callable(func):
            setattr(wrapper, name, wrap(name, func))
    sys.modules[wrapper.__name__] = wrapper
    try:
        with tempfile.TemporaryDirectory() as d:
            # ref_mode "record" writes every reference call the run makes to record_to
            rep = run_checks(assignment, trusted=wrapper.__name__, ref_mode="record", hidden_only=hidden,
                             record_to=Path(d) / "calls.json")
            recorded = json.loads((Path(d) / "calls.json").read_text())["entries"]
    finally:
        sys.modules.pop(wrapper.__name__, None)
    bad = [r.id for r in rep.ran if not r.passed]
    if bad:
        raise RuntimeError(f"the reference fails its own checks: {bad}")
    for k, entry in recorded.items():
        keys.setdefault(k, set()).add(("reference", entry["fn"]))
    return keys


def _number_parts(value, depth: int = 0) -> list:
    """The float arrays a value is made of (an array, a number, a list of numbers: one part;
    a tuple or list of mixed things: the parts of each), integral ones left out: an integer
    answer (a count, a small constant) meets other integers by coincidence."""
    if depth > 6 or isinstance(value, (str, bytes, bool)) or value is None or callable(value):
        return []
    try:
        arr = np.asarray(value)
        if arr.dtype.kind == "c":
            arr = np.stack([arr.real, arr.imag])
        arr = arr.astype(np.float64) if arr.dtype.kind in "biuf" else None
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.size:
        finite = arr[np.isfinite(arr)]
        return [arr] if finite.size and not np.all(finite == np.round(finite)) else []
    if isinstance(value, (list, tuple)):
        return [part for v in value for part in _number_parts(v, depth + 1)]
    if isinstance(value, dict):
        return [part for v in value.values() for part in _number_parts(v, depth + 1)]
    return []


def _same_parts(a, b) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-12, atol=0.0, equal_nan=True))


def hidden_leaks(assignment, entries=None) -> list[str]:
    """What the public fixtures (default: the package's ``hwN.json``) give away of the hidden cases.

    Three kinds of entry leak, one line each:

    - a call the hidden cases make on the submission: its recorded value is
      the hidden answer, which a file that replays the fixtures returns;
    - a call the hidden cases make on the reference, recorded although no
      public case makes it (by the ``--plots`` entries): a hidden expected
      value. (A reference call that public cases make too is public anyway.)
    - an entry under another key whose value is a hidden answer (a slip's
      value or a grid recorded by a public case that happens to be the answer
      of a hidden case): the number is there for the reading. Integral values
      are not compared (they meet by coincidence), nor a hidden answer that a
      public case asks for too.

    Empty: the fixtures hold nothing of the hidden cases.
    """
    from autograder.sandbox import codec

    if entries is None:
        entries = json.loads(fixture_path(assignment).read_text())["entries"]
    hidden_answers: dict = {}
    public_answers: dict = {}
    hidden = calls_of(assignment, hidden=True, answers=hidden_answers)
    public = calls_of(assignment, hidden=False, answers=public_answers)
    out = []
    for k in sorted(set(entries) & set(hidden)):
        roles = {role for role, _ in hidden[k]}
        if "student" in roles and any(role == "student" for role, _ in public.get(k, ())):
            continue   # a public case asks the submission for it too: the answer is public anyway
        if "student" in roles:
            out.append(f"{entries[k]['fn']} ({k}): a hidden case asks the submission for it")
        elif not any(role == "reference" for role, _ in public.get(k, ())):
            out.append(f"{entries[k]['fn']} ({k}): a hidden case's reference value, and no public "
                       "case makes this call")
    from autograder import catalog

    # what a student has anyway: the public answers and the public cases' inputs
    published = [p for _, v in public_answers.values() for p in _number_parts(v)]
    published += [p for spec in catalog.get(assignment).checks for r in spec.resolved if not r.hidden
                  for p in _number_parts([list(r.case.args), dict(r.case.kwargs)])]
    secret = [(fn, key, p) for key, (fn, v) in hidden_answers.items() if key not in public_answers
              for p in _number_parts(v) if not any(_same_parts(p, q) for q in published)]
    for k in sorted(set(entries) - set(hidden)):
        parts = _number_parts(codec.decode(entries[k]["value"]))
        named = sorted({f"{fn} ({key})" for fn, key, p in secret if any(_same_parts(p, q) for q in parts)})
        if named:
            out.append(f"{entries[k]['fn']} ({k}): its value is the answer of a hidden case, "
                       f"{', '.join(named)}")
    return out


def record_fixtures(*, assignments: Sequence[str]) -> int:
    """``course fixtures``: record each assignment's public reference values; exit status 0."""
    for a in assignments:
        path, n = build_fixtures(a)
        click.echo(f"{a}: {n} reference values -> {path}")
    return 0
