"""Statuses: a closed set that knows which are the grader's fault."""
import json

from click.testing import CliRunner

from autograder import reference
from autograder.runner import run_checks
from autograder.status import Status
from conftest import SUBMISSIONS
from course.cli import main

CORRECT = SUBMISSIONS / "hw1" / "correct_loops.py"


def test_status_words_and_meaning():
    assert Status.PASSED == "passed" and json.dumps([Status.GRADER_ERROR]) == '["grader error"]'
    assert Status.SETUP_ERROR.grader_side and Status.GRADER_ERROR.grader_side
    assert not any(s.grader_side for s in Status if s not in (Status.SETUP_ERROR, Status.GRADER_ERROR))
    assert Status.of("no such word") is Status.ERROR and Status.of("not run") is Status.NOT_RUN


def _stale_fixtures(tmp_path, monkeypatch):
    stale = tmp_path / "hw1.json"
    stale.write_text(json.dumps({"format": reference.FORMAT, "assignment": "hw1", "entries": {}}))
    monkeypatch.setattr(reference, "fixture_path", lambda assignment: stale)


def test_stale_fixtures_are_a_setup_error_not_the_students(tmp_path, monkeypatch):
    _stale_fixtures(tmp_path, monkeypatch)
    rep = run_checks("hw1", CORRECT, ref_mode="fixtures", functions=["init_variance"])
    setup = [r for r in rep.results if r.status == Status.SETUP_ERROR]
    assert setup and all("stale" in r.message for r in setup)
    assert rep.grader_errors == [r for r in rep.results if Status.of(r.status).grader_side]
    assert all(r in rep.grader_errors for r in setup)


def test_course_check_exits_2_on_a_setup_error(tmp_path, monkeypatch):
    _stale_fixtures(tmp_path, monkeypatch)
    monkeypatch.setattr(reference, "solutions_available", lambda assignment: False)
    res = CliRunner().invoke(main, ["check", "hw1", str(CORRECT), "-k", "init_variance", "--json"])
    assert res.exit_code == 2, res.output
    assert json.loads(res.output)["tests"][0]["status"] == "setup error"
