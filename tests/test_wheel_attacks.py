"""Nothing the student receives computes the reference.

Each ``tests/hostile/wheel_hwN.py`` is a submission built only by copying
helpers out of the student wheel's check module and calling them
(tests/hostile/wheel_attack.py assembles it from the module as
``course student-dist`` ships it). Graded with the hidden checks it must score
no more than a submission that raises everywhere plus 5% of the assignment's
total, and the helpers that computed the reference (now hidden helpers in
``autograder/checks/hwN/slipgen.py``, reached through ``ref.slipgen``) must
not be in the wheel's module at all.
"""
import importlib
import runpy
import sys
import types
from pathlib import Path

import pytest

from autograder.catalog import get
from autograder.reference import UNRECORDED, Reference

HOSTILE = Path(__file__).resolve().parent / "hostile"
sys.path.insert(0, str(HOSTILE))
import wheel_attack  # noqa: E402

ATTACKS = sorted(p.stem.removeprefix("wheel_") for p in HOSTILE.glob("wheel_hw*.py"))
MARGIN = 0.05   # of the assignment's total
#: attacks that still beat the bound, and why: strict, so that closing the gap fails here
#: until the mark goes
KNOWN_GAPS: dict[str, str] = {}


def _with_gaps(hws):
    return [pytest.param(hw, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[hw]))
            if hw in KNOWN_GAPS else hw for hw in hws]


_BASELINE: dict = {}


def _raise_everywhere_score(hw, tmp_path):
    if hw not in _BASELINE:
        raises = tmp_path / "raises.py"
        wheel_attack.raise_everywhere(hw, raises)
        _BASELINE[hw] = wheel_attack.score(hw, raises)[0]
    return _BASELINE[hw]


def test_every_module_with_hidden_helpers_has_an_attack():
    hidden = {p.parent.name for p in (Path(importlib.import_module("autograder.checks").__file__).parent
                                      ).glob("hw*/slipgen.py")}
    assert hidden and hidden <= set(ATTACKS), sorted(hidden - set(ATTACKS))


@pytest.mark.parametrize("hw", ATTACKS)
def test_wheel_holds_none_of_the_moved_helpers(hw):
    spec = runpy.run_path(str(wheel_attack.attack_path(hw)), run_name="_wheel_attack_names")
    moved = [n for n in spec["COPY"] if n not in spec["KEPT"]]
    assert moved
    source = wheel_attack.wheel_source(hw)
    mod = types.ModuleType(f"_wheel_{hw}")
    exec(compile(source, f"<wheel {hw}>", "exec"), mod.__dict__)
    assert [n for n in moved if hasattr(mod, n)] == []
    # ... and so the assembled attack lacks exactly them
    _, missing = wheel_attack.copied(hw, source)
    assert sorted(missing) == sorted(moved)
    # the grader still has them, hidden: every moved helper lives on in hwN/slipgen.py
    hidden = importlib.import_module(f"autograder.checks.{hw}.slipgen")
    lost = [n for n in moved if not hasattr(hidden, n.lstrip("_")) and not hasattr(hidden, n)
            and not any(n.lstrip("_") in name for name in dir(hidden))]
    assert lost == [], f"moved helpers with no hidden counterpart: {lost}"


@pytest.mark.parametrize("hw", _with_gaps(ATTACKS))
def test_wheel_attack_scores_no_more_than_raising(hw, tmp_path):
    attack = tmp_path / "attack.py"
    wheel_attack.assemble(hw, attack)
    got, _, total = wheel_attack.score(hw, attack)
    base = _raise_everywhere_score(hw, tmp_path)
    assert total == pytest.approx(get(hw).points)
    assert got <= base + MARGIN * total + 1e-9, (
        f"{hw}: a submission that only calls the wheel's helpers scored {got:g} of {total:g}; "
        f"raising everywhere scores {base:g} (allowed: +{MARGIN * total:g})")


@pytest.mark.slow
@pytest.mark.parametrize("hw", ATTACKS)
def test_the_attack_really_attacks(hw, tmp_path):
    """Positive control: given the hidden helpers under their old names, as the wheel used to
    ship them, the attack scores above the bound of the test above (slow: a second grading of
    every attack)."""
    attack = tmp_path / "attack.py"
    assert wheel_attack.assemble(hw, attack, wheel_attack.as_if_shipped(hw)) == []
    got, _, total = wheel_attack.score(hw, attack)
    base = _raise_everywhere_score(hw, tmp_path)
    assert got > base + MARGIN * total, (hw, got, base, total)


def test_slipgen_replays_recorded_values_and_marks_the_rest(tmp_path, monkeypatch):
    """A student install (fixtures mode) gets the recorded hidden-helper values of the public
    cases, and UNRECORDED (matching no answer) for any other call, never an error."""
    live = Reference("hw8", "record")
    value = live.slipgen.vc(1000, 10, 0.05, factor=1.0)
    path = tmp_path / "hw8.json"
    live.save(path)
    monkeypatch.setattr("autograder.reference.fixture_path", lambda a: path)
    replay = Reference("hw8", "fixtures")
    assert replay.slipgen.vc(1000, 10, 0.05, factor=1.0) == value
    assert replay.slipgen.vc(1000, 10, 0.05, factor=3.0) is UNRECORDED
    from autograder.hints import matches
    assert not matches(value, UNRECORDED) and not matches(float("nan"), UNRECORDED)
    with pytest.raises(AttributeError):
        replay.slipgen._private
