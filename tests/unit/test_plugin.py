"""autograder.plugin: which checks a run collects, the twin gate, and failure -> status."""
import pytest

from autograder import catalog
from autograder.compare import CheckFailure
from autograder.options import RunOptions
from autograder.plugin import CoursePlugin, Result, describe_failure, twin_gate
from autograder.reference import GraderSetupError
from autograder.runner import run
from autograder.sandbox.errors import Missing, TimedOut
from autograder.status import Status

REF = "solutions.hw1"


def _run(**kw):
    return run(RunOptions("hw1", trusted=REF, **kw))


def _cases(function, hidden=None, stochastic=None):
    info = catalog.get("hw1")
    return [r.label for c in info.checks if c.function == function
            and (stochastic is None or c.stochastic == stochastic)
            for r in c.resolved if hidden is None or r.hidden == hidden]


def test_functions_filter_keeps_only_their_checks():
    rep = _run(functions=("init_variance", "forward_variances"))
    assert {r.function for r in rep.results} == {"init_variance", "forward_variances"}
    assert [r.case for r in rep.results if r.function == "init_variance"] == _cases("init_variance")


def test_hidden_checks_are_reported_not_run_unless_asked():
    public = _run(functions=("init_variance",))
    assert {r.case for r in public.results if r.status is Status.NOT_RUN} == set(_cases("init_variance", True))
    assert all(r.hidden for r in public.not_run) and public.max_score == \
        sum(r.max_points for r in public.results if not r.hidden)
    both = _run(functions=("init_variance",), hidden=True)
    assert not both.not_run and len(both.results) == len(public.results)


def test_hidden_only_runs_only_the_hidden_checks():
    rep = _run(functions=("init_variance",), hidden_only=True)
    assert rep.results and all(r.hidden and r.status is Status.PASSED for r in rep.results)
    assert [r.case for r in rep.results] == _cases("init_variance", True)


def test_stochastic_only_keeps_the_statistical_checks():
    rep = _run(functions=("init_weights",), stochastic_only=True)
    assert {r.case for r in rep.ran} == set(_cases("init_weights", False, True))
    assert set(_cases("init_weights", None, False)).isdisjoint(r.case for r in rep.results)


def test_grader_seeds_run_each_seeded_check_once_per_seed():
    one = _run(functions=("init_weights",), stochastic_only=True, keyword="he_4layers")
    three = _run(functions=("init_weights",), stochastic_only=True, keyword="he_4layers", grader_seeds=(0, 3))
    assert one.ran and len(three.ran) == 3 * len(one.ran)
    assert sorted({r.case for r in three.ran}) == sorted({r.case for r in one.ran})


def test_keyword_selects_cases_by_name():
    case = _cases("init_variance", False)[0]
    rep = _run(functions=("init_variance",), keyword=case)
    assert [r.case for r in rep.results] == [case]


def _res(case, hidden, passed, check="test_x", status=None, function="f"):
    return Result(id=f"hw0::{function}::{case}", function=function, case=case, passed=passed,
                  points=1.0 if passed else 0.0, max_points=1.0,
                  status=status or (Status.PASSED if passed else Status.FAILED), hidden=hidden, check=check)


def test_twin_gate_withdraws_a_public_pass_when_every_hidden_twin_fails():
    pub, h1, h2 = _res("p", False, True), _res("h1", True, False), _res("h2", True, False)
    gated = twin_gate([pub, h1, h2])
    assert gated == [pub] and pub.points == 0.0 and pub.status is Status.FAILED and not pub.passed
    assert "all 2 of its hidden inputs" in pub.message and "Next:" in pub.message


def test_twin_gate_keeps_points_when_one_hidden_twin_passes_or_none_judged():
    pub = _res("p", False, True)
    assert twin_gate([pub, _res("h1", True, False), _res("h2", True, True)]) == [] and pub.points == 1.0
    # hidden twins that said nothing of the code (not run, skipped, grader's fault) gate nothing
    for status in (Status.NOT_RUN, Status.SKIPPED, Status.GRADER_ERROR, Status.SETUP_ERROR):
        assert twin_gate([pub, _res("h", True, False, status=status)]) == [] and pub.passed
    # another check, or another function, is no twin
    assert twin_gate([pub, _res("h", True, False, check="test_other")]) == []
    assert twin_gate([pub, _res("h", True, False, function="g")]) == []


def test_twin_gate_message_can_be_explained_further():
    pub = _res("p", False, True)
    twin_gate([pub, _res("h", True, False)], explain=lambda r, text: text + " MORE")
    assert pub.message.endswith(" MORE") and "its hidden input" in pub.message


@pytest.mark.parametrize("exc, status", [
    (CheckFailure("wrong value"), Status.FAILED),
    (AssertionError("x"), Status.FAILED),
    (Missing("no function `f`"), Status.MISSING),
    (TimedOut("too slow"), Status.TIMEOUT),
    (GraderSetupError("stale fixtures /a/b/hw1.json"), Status.SETUP_ERROR),
    (ZeroDivisionError("oops"), Status.GRADER_ERROR),
])
def test_failures_map_to_statuses(exc, status):
    got, message = describe_failure(exc)
    assert got is status and isinstance(got, Status)
    assert "/a/b/" not in message


def test_a_result_reads_a_status_word_and_writes_it_back():
    r = Result(id="a", function="f", case="c", passed=False, points=0.0, max_points=1.0, status="timeout")
    assert r.status is Status.TIMEOUT and r.to_json()["status"] == "timeout"
    hidden = Result(id="a", function="f", case="c", passed=None, points=0.0, max_points=1.0,
                    status="not run", hidden=True, call="f(1)")
    assert "call" not in hidden.to_json()


def test_the_plugin_holds_its_options_and_starts_empty():
    o = RunOptions("hw1", trusted=REF)
    p = CoursePlugin(o)
    assert p.options is o and p.results == [] and p.sandbox is None and p.student_output == ""
