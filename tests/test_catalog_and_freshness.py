"""Are the generated artefacts fresh, and is the catalog consistent?

The source notebooks are generated from assignments/hwN/hwN.md and
solutions/hwN.py; the public fixtures from solutions/hwN.py. Both must be
rebuilt when their sources change: these tests fail otherwise.
"""
import importlib
import inspect
import json
import tempfile
from pathlib import Path

import numpy as np
import pytest

from autograder import catalog
from course.build import notebook_is_fresh, template_path
from course.fixtures import fixtures_are_fresh

IDS = list(catalog.ids())


def test_catalog_lists_assignments():
    assert "hw1" in IDS


@pytest.mark.parametrize("hw", IDS)
def test_every_graded_function_has_a_reference_and_checks(hw):
    info = catalog.get(hw)
    sol = importlib.import_module(f"solutions.{hw}")
    checked = {c.function for c in info.checks}
    for fn in info.functions:
        assert callable(getattr(sol, fn, None)), f"solutions.{hw} lacks {fn}"
        assert fn in checked, f"no check of {hw}.{fn}"
        doc = inspect.getdoc(getattr(sol, fn)) or ""
        assert "(" in doc and any(ch.isdigit() for ch in doc), f"{hw}.{fn}: docstring cites no equation"
    labels = [(c.function, lab) for c in info.checks for *_, lab in c.resolved]
    assert len(labels) == len(set(labels)), "duplicate check ids"
    assert info.points > info.public_points > 0


@pytest.mark.parametrize("hw", [h for h in IDS if template_path(h).exists()])
def test_source_notebook_is_fresh(hw):
    """Is assignments/hwN/hwN.ipynb what `course build hwN` makes now?"""
    assert notebook_is_fresh(hw), f"run `course build {hw}`"


@pytest.mark.parametrize("hw", IDS)
def test_public_fixtures_are_fresh(hw):
    """Do the recorded public reference values match the reference now?"""
    ok, why = fixtures_are_fresh(hw)
    assert ok, why


# ------------------------------------------- the freshness tolerance, both ways

def _entries(hw):
    from autograder.reference import fixture_path
    return json.loads(fixture_path(hw).read_text())["entries"]


def _edit(entries, fn, change, pick=lambda value: True):
    """A deep copy of `entries` with `change(decoded value)` applied to the first entry of `fn`
    (in key order) whose value satisfies `pick`."""
    import copy

    from autograder.sandbox import codec
    out = copy.deepcopy(entries)
    key = next(k for k in sorted(out) if out[k]["fn"] == fn and pick(codec.decode(out[k]["value"])))
    out[key]["value"] = codec.encode(change(codec.decode(out[key]["value"])))
    return out


def _scaled(factor, index=0):
    """Multiply one number of a value (a float, a tuple's element or an array's element) by factor."""
    def change(v):
        if isinstance(v, tuple):
            return tuple(_scaled(factor, index)(x) if i == 0 else x for i, x in enumerate(v))
        if isinstance(v, np.ndarray):
            v = v.copy()
            v.flat[index] *= factor
            return v
        return v * factor
    return change


ROUND_OFF = [  # what another CPU or BLAS build may give: must pass
    ("hw6", "train_vs_linearized", _scaled(1 + 4.5e-13)),   # the largest seen across CPUs
    ("hw6", "train_vs_linearized", _scaled(1 + 1e-10)),
    ("hw6", "ntk_deviation", _scaled(1 - 5.6e-16)),
    ("hw6", "ntk_kernel", _scaled(1 + 1e-11, index=3)),
    ("hw3", "jacobian_eigenvalues", lambda v: np.where(np.abs(v) < 1e-100, 0.0, v)),  # round-off zeros
    ("hw4", "output_layer_optimum", lambda v: (v[0], 0.0)),       # a residual 7e-30 at the optimum
    ("hw7", "deep_linear_gd", lambda v: v * (1 + 1e-12)),         # NaN or inf where it was recorded
]

REAL_CHANGES = [  # a changed reference: must fail
    ("hw6", "train_vs_linearized", _scaled(1 + 1e-6)),
    ("hw6", "ntk_deviation", _scaled(1 - 1e-6)),
    ("hw6", "ntk_kernel", _scaled(1 + 1e-6, index=3)),
    ("hw8", "kl_diag_gaussians", _scaled(1 + 1e-6)),
    ("hw8", "sauer_bound", lambda v: v + 1),                      # an int beyond 2**53
    ("hw5", "escape_steps", lambda v: v + 1),
    ("hw3", "fuss_catalan", float),
    ("hw5", "classify_critical_point", lambda v: v + "!"),
    ("hw6", "ntk_kernel", lambda v: v[:, :-1]),                   # a shape
    ("hw6", "ntk_kernel", lambda v: v.astype(np.float32)),        # a dtype
    ("hw6", "train_vs_linearized", list),                        # a tuple became a list
    ("hw7", "deep_linear_gd", lambda v: np.nan_to_num(v, nan=1.0, posinf=1e300, neginf=-1e300)),
    ("hw6", "ntk_kernel", lambda v: np.where(np.arange(v.size).reshape(v.shape) == 0, np.nan, v)),
]


PICK = {  # the entry to edit, where the first of its function would not show the point
    "output_layer_optimum": lambda v: v[1] < 1e-20,
    "jacobian_eigenvalues": lambda v: (np.abs(v) < 1e-100).any(),
    "deep_linear_gd": lambda v: not np.isfinite(v).all(),
    "kl_diag_gaussians": lambda v: v > 0,
    "sauer_bound": lambda v: v > 2**53,
}


@pytest.mark.parametrize("hw, fn, change", ROUND_OFF, ids=[f"{h}-{f}-{i}" for i, (h, f, _) in enumerate(ROUND_OFF)])
def test_freshness_tolerates_round_off(hw, fn, change):
    from course.fixtures import compare_entries
    old = _entries(hw)
    new = _edit(old, fn, change, PICK.get(fn, lambda v: True))
    assert new != old
    assert compare_entries(old, new) == []


@pytest.mark.parametrize("hw, fn, change", REAL_CHANGES,
                         ids=[f"{h}-{f}-{i}" for i, (h, f, _) in enumerate(REAL_CHANGES)])
def test_freshness_catches_a_changed_reference(hw, fn, change):
    from course.fixtures import compare_entries
    old = _entries(hw)
    diffs = compare_entries(old, _edit(old, fn, change, PICK.get(fn, lambda v: True)))
    assert len(diffs) == 1 and diffs[0].startswith(fn), diffs


def test_freshness_catches_added_and_removed_calls():
    from course.fixtures import compare_entries
    old = _entries("hw6")
    fewer = dict(old)
    gone = sorted(fewer)[0]
    del fewer[gone]
    assert compare_entries(old, fewer) == [f"1 recorded reference calls no longer made (e.g. {old[gone]['fn']})"]
    more = dict(old, **{"0" * 32: {"fn": "ntk_kernel", "value": 1.0}})
    assert compare_entries(old, more) == ["1 reference calls not recorded (e.g. ntk_kernel)"]


@pytest.mark.parametrize("factor, fresh", [(1 + 1e-12, True), (1 + 1e-6, False)])
def test_fixtures_are_fresh_end_to_end(tmp_path, monkeypatch, factor, fresh):
    """The whole path on hw5 (the cheapest to record): a recorded file off by round-off is
    fresh; off by 1e-6 in one value it is stale, and the message says how to regenerate."""
    import json

    import autograder.reference
    import course.fixtures
    from autograder.reference import fixture_path
    data = json.loads(fixture_path("hw5").read_text())
    data["entries"] = _edit(data["entries"], "lipschitz_constant", _scaled(factor))
    recorded = tmp_path / "hw5.json"
    recorded.write_text(json.dumps(data))
    for module in (course.fixtures, autograder.reference):
        monkeypatch.setattr(module, "fixture_path", lambda hw: recorded)
    ok, why = course.fixtures.fixtures_are_fresh("hw5")
    assert ok is fresh, why
    if not fresh:
        assert "lipschitz_constant" in why and "relative difference 1.0e-06" in why
        assert why.endswith("Next: run `course fixtures hw5` and commit hw5.json.")


def test_freshness_holds_where_round_off_feeds_the_reference_again(monkeypatch):
    """hw2's checks feed reference outputs back into the reference (V'(q*) at the recorded
    q*, iterated length maps), so on a machine whose round-off differs the calls themselves
    differ. Here the reference's q* moves by 1e-13 relative, as on another numpy build:
    recording afresh makes other calls, yet the freshness check, which feeds the checks
    the recorded values, finds the fixtures fresh."""
    import course.fixtures
    import solutions.hw2
    exact = solutions.hw2.length_fixed_point
    monkeypatch.setattr(solutions.hw2, "length_fixed_point", lambda *a, **k: exact(*a, **k) * (1 + 1e-13))
    ok, why = course.fixtures.fixtures_are_fresh("hw2")
    assert ok, why
    with tempfile.TemporaryDirectory() as d:   # what comparing a plain re-recording would see
        fresh, _ = course.fixtures.build_fixtures("hw2", Path(d) / "hw2.json")
        diffs = course.fixtures.compare_entries(_entries("hw2"), json.loads(fresh.read_text())["entries"])
    assert any("reference calls not recorded" in d for d in diffs), diffs
