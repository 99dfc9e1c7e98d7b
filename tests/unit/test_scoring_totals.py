"""autograder.scoring's totals by group: the one sum behind the gradebook's cells and the
per-function points of the exports."""
from autograder import scoring
from autograder.plugin import Result
from autograder.status import Status


def _r(function, status, points, max_points, hidden=False):
    return Result(id=f"hw0::{function}::{status}", function=function, case=str(status),
                  passed=status == "passed", points=points, max_points=max_points, status=status, hidden=hidden)


RESULTS = [_r("f", "passed", 0.1, 0.1), _r("g", "failed", 0.0, 0.5), _r("f", "passed", 0.2, 0.2),
           _r("f", "not run", 0.0, 2.0, hidden=True), _r("g", "grader error", 0.0, 0.25)]


def test_total_is_score_and_max_score():
    assert scoring.total(RESULTS) == (scoring.score(RESULTS), scoring.max_score(RESULTS)) == (0.3, 1.05)
    points, max_points = scoring.total(r.to_json() for r in RESULTS)
    assert (points, max_points) == (0.3, 1.05)


def test_subtotals_group_in_order_of_first_appearance_and_round_once():
    by_fn = scoring.subtotals(RESULTS, lambda r: r.function)
    assert list(by_fn) == ["f", "g"]
    assert by_fn["f"] == scoring.Total(0.3, 0.3) and by_fn["f"].points == 0.3   # 0.1 + 0.2, rounded
    assert by_fn["g"] == (0.0, 0.75)
    assert sum(t.points for t in by_fn.values()) == scoring.score(RESULTS)


def test_subtotals_max_of_all_counts_cases_that_did_not_run():
    by_fn = scoring.subtotals([r.to_json() for r in RESULTS], lambda t: t["function"], max_of_all=True)
    assert by_fn["f"] == (0.3, 2.3) and by_fn["g"] == (0.0, 0.75)


def test_record_statuses_are_statuses_that_count_as_run():
    r = _r("f", "no submission", 0.0, 1.0)
    assert r.status is Status.NO_SUBMISSION and r.to_json()["status"] == "no submission"
    assert scoring.total([r]) == (0.0, 1.0) and not r.status.grader_side
    assert not Status.SKIPPED.judged and not Status.NOT_RUN.judged and not Status.GRADER_ERROR.judged
    assert Status.FAILED.judged and Status.TIMEOUT.judged and Status.SKIPPED.ran
