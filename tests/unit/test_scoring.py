"""autograder.scoring: one sum of points for every path."""
from autograder import scoring
from autograder.plugin import Result


def _r(status, points, max_points, hidden=False):
    return Result(id=f"hw0::f::{status}", function="f", case=status, passed=status == "passed",
                  points=points, max_points=max_points, status=status, hidden=hidden)


def test_only_cases_that_ran_count_in_score_and_maximum():
    results = [_r("passed", 1.0, 1.0), _r("failed", 0.0, 0.5), _r("not run", 0.0, 2.0, hidden=True),
               _r("grader error", 0.0, 0.25)]
    assert scoring.score(results) == 1.0
    assert scoring.max_score(results) == 1.75
    assert [r.case for r in scoring.ran(results)] == ["passed", "failed", "grader error"]


def test_objects_and_their_json_give_the_same_numbers():
    results = [_r("passed", 0.1, 0.1)] * 3 + [_r("timeout", 0.0, 0.2), _r("not run", 0.0, 9.0)]
    as_json = [r.to_json() for r in results]
    assert scoring.score(results) == scoring.score(as_json) == 0.3       # rounded: not 0.30000000000000004
    assert scoring.max_score(results) == scoring.max_score(as_json) == 0.5
    assert scoring.score([]) == scoring.max_score([]) == 0.0
