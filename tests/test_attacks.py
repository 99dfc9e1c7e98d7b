"""What a submission built only from what students receive scores at grading time.

The public fixtures (autograder/fixtures/hwN.json) ship with the student
package: a file that returns their recorded values (tests/hostile/attacks.py,
"fixture replay") passes the public cases while implementing nothing. The
twin gate (autograder.plugin.twin_gate) gives a public case its points only
when a hidden case of the same check passes too, so with the hidden checks
the replay scores at most what raising everywhere scores plus 5% of the
total, and a correct submission still gets full marks (every correct known
submission of every assignment, tests/test_known_submissions.py). Default run: a few
assignments; COURSE_ATTACKS_ALL=1 runs every one. The figures of all
assignments: benchmarks/attacks.py.

The second half: the fixtures hold nothing of the hidden cases (no recorded
call that a hidden case makes on the submission, no hidden reference value
that only the --plots entries record): course.fixtures.hidden_leaks.
"""
import math
import os
import sys
from pathlib import Path

import pytest

from autograder import catalog
from autograder.plugin import Result, twin_gate
from autograder.runner import run_checks

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
from conftest import one_score_on_every_path  # noqa: E402
import attacks  # noqa: E402

SHARE = 0.05
DEFAULT = ("hw1", "hw2", "hw11")
ASSIGNMENTS = catalog.ids() if os.environ.get("COURSE_ATTACKS_ALL") == "1" else \
    tuple(h for h in DEFAULT if h in catalog.ids())


@pytest.mark.parametrize("exception", ["NotImplementedError", "ValueError"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_fixture_replay_scores_no_more_than_raising(assignment, exception, tmp_path):
    """ValueError: both also pass the checks that a function rejects bad input."""
    raising = run_checks(assignment, attacks.write(assignment, "raise_everywhere", tmp_path, exception),
                         hidden=True)
    replay = run_checks(assignment, attacks.write(assignment, "fixture_replay", tmp_path, exception),
                        hidden=True)
    total = catalog.get(assignment).points
    assert abs(replay.max_score - total) < 1e-9
    assert replay.score <= raising.score + SHARE * total + 1e-9, \
        [(r.id, r.points) for r in replay.ran if r.points]
    one_score_on_every_path(assignment, replay)
    assert abs(sum(t["points"] for t in replay.to_json()["tests"] if t["status"] != "not run") - replay.score) < 1e-9
    gated = [r for r in replay.ran if "passes on the published input" in r.message]
    assert gated and all(r.status == "failed" and r.points == 0 and not r.hidden for r in gated)
    assert all("Next: " in r.message.splitlines()[-1] for r in gated)   # ends with what to do


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_fixture_replay_passes_public_checks_without_hidden(assignment, tmp_path):
    """Without the hidden checks (a student's `course check`) the gate changes nothing: the
    replay really returns the recorded values, so it passes public cases and keeps their points."""
    rep = run_checks(assignment, attacks.write(assignment, "fixture_replay", tmp_path), ref_mode="fixtures")
    passed = [r for r in rep.ran if r.passed]
    assert passed and all(r.points == r.max_points > 0 for r in passed)
    assert not any("passes on the published input" in r.message for r in rep.ran)


# ------------------------------------------------------------------ the gate alone
def _r(case, passed, hidden, check="test_f", status=None, function="f"):
    return Result(id=f"hw0::{function}::{case}", function=function, case=case, passed=passed,
                  points=1.0 if passed else 0.0, max_points=1.0,
                  status=status or ("passed" if passed else "failed"), hidden=hidden, check=check)


def test_gate_withdraws_public_points_when_every_hidden_twin_fails():
    res = [_r("pub", True, False), _r("pub2", False, False), _r("h1", False, True),
           _r("h2", None, True, status="not attempted")]
    gated = twin_gate(res)
    assert [r.case for r in gated] == ["pub"]
    assert (res[0].passed, res[0].points, res[0].status) == (False, 0.0, "failed")
    assert "all 2 of its hidden inputs" in res[0].message and "Next:" in res[0].message
    assert res[1].message == "" and res[2].points == 0.0


@pytest.mark.parametrize("twins", [
    [],                                                               # no hidden case in the check
    [_r("h1", False, True), _r("h2", True, True)],                   # one hidden twin passes
    [_r("h1", None, True, status="not run")],                        # hidden cases did not run
    [_r("h1", False, True, status="grader error"), _r("h2", None, True, status="skipped")],
    [_r("h1", False, True, check="test_other")],                     # another check's hidden case
    [_r("h1", False, True, function="g")],                           # another function's
], ids=["no_hidden", "one_passes", "not_run", "not_judged", "other_check", "other_function"])
def test_gate_keeps_public_points(twins):
    res = [_r("pub", True, False), *twins]
    assert twin_gate(res) == []
    assert (res[0].passed, res[0].points, res[0].status) == (True, 1.0, "passed")


def test_gate_is_not_in_the_report_json():
    r = _r("pub", True, False)
    assert "check" not in r.to_json()


# ------------------------------------------------------------ fixtures and hidden cases
#: leaks a check module's hidden cases make, to be removed there (a hidden case
#: that asks the submission for a call a public case records): {assignment: functions}
KNOWN_LEAKS: dict[str, set[str]] = {}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", catalog.ids())
def test_fixtures_hold_nothing_of_hidden_cases(assignment):
    from course.fixtures import hidden_leaks

    leaks = hidden_leaks(assignment)
    known = KNOWN_LEAKS.get(assignment, set())
    new = [line for line in leaks if line.split(" ", 1)[0] not in known]
    assert not new, "\n".join(new)


def test_a_leak_is_found():
    """Entries keyed by a hidden case's call to the submission, by a hidden reference value
    that no public case asks for (what hw2's plot once recorded), or holding a hidden case's
    answer under another key (a hint's value), are reported."""
    import json

    from autograder.reference import call_key, fixture_path
    from course.fixtures import hidden_leaks

    entries = json.loads(fixture_path("hw2").read_text())["entries"]
    # the hidden edge_of_chaos case tanh_no_bias; q* for the hidden chi1 case tanh_bias
    planted = {call_key("edge_of_chaos", (0.0, "tanh"), {}): "asks the submission",
               call_key("length_fixed_point", (1.5, 0.3, "tanh"), {}): "no public case makes this call"}
    fn = {k: "edge_of_chaos" if "submission" in why else "length_fixed_point" for k, why in planted.items()}
    planted_entries = {k: {"fn": fn[k], "value": 0.0} for k in planted}
    # a hint's value under its own key that is the answer of the hidden case erf_no_bias (pi/4)
    slip_key = call_key("slipgen.planted_edge", ("erf",), {})
    planted_entries[slip_key] = {"fn": "slipgen.planted_edge", "value": math.pi / 4}
    planted[slip_key] = "its value is the answer of a hidden case, edge_of_chaos"
    leaks = hidden_leaks("hw2", {**entries, **planted_entries})
    assert len(leaks) == 3
    for k, why in planted.items():
        assert any(k in line and why in line for line in leaks), leaks
