"""Do the notebook's check cells agree with `course check`, and are they safe for nbgrader?"""
import pytest

from autograder import catalog
from autograder.notebook import check_cell, redact
from autograder.runner import run_checks
from conftest import SUBMISSIONS, known_file

WRONG = known_file("hw1", "wrong_missing_D")
CORRECT = SUBMISSIONS / "hw1" / "correct_loops.py"


def kernel(path, extra=""):
    """A namespace as IPython leaves it: the cells run so far in `In`."""
    return {"In": ["", "import numpy as np", path.read_text() + extra, "check_cell('hw1', 'x')"]}


def test_check_cells_give_the_same_public_score_as_course_check(capsys):
    ns = kernel(WRONG)
    total = sum(check_cell("hw1", fn, namespace=ns) for fn in catalog.get("hw1").functions)
    assert total == pytest.approx(run_checks("hw1", WRONG).score)
    out = capsys.readouterr()
    assert "FAIL backward_variances" in out.out and "D_l" in out.out
    assert out.err == ""


def test_passing_cell_says_public_checks_passed_and_writes_no_stderr(capsys):
    """A warning in the student's code must not reach the cell's stderr (nbgrader would score 0)."""
    ns = kernel(CORRECT, "\nimport warnings\nwarnings.warn('harmless')\n"
                         "_old = init_variance\n"
                         "def init_variance(a, b, s):\n"
                         "    warnings.warn('also harmless', RuntimeWarning)\n"
                         "    return _old(a, b, s)\n")
    pts = check_cell("hw1", "init_variance", namespace=ns)
    info = catalog.get("hw1")
    public = sum(p for c in info.checks if c.function == "init_variance"
                 for _, p, h, _ in c.resolved if not h)
    assert pts == pytest.approx(public)
    out = capsys.readouterr()
    assert "public checks of init_variance passed" in out.out
    assert "hidden checks run at grading time" in out.out
    assert "all passed" not in out.out
    assert out.err == ""


def test_hidden_cell_shows_no_inputs_or_expected_values(capsys):
    pts = check_cell("hw1", "backward_variances", namespace=kernel(WRONG), hidden=True)
    out = capsys.readouterr().out
    assert pts < sum(p for c in catalog.get("hw1").checks if c.function == "backward_variances"
                     for _, p, h, _ in c.resolved if h)
    assert "FAIL" in out and "D_l" in out
    assert "expected:" not in out and "got:" not in out and "inputs:" not in out


def test_redact_keeps_the_kind_and_the_hint():
    msg = ("delta differs from the reference beyond rtol=1e-10, atol=0.\n  expected: [1, 2]\n"
           "  got:      [3, 4]\n  mismatch in 2 of 2 entries\n  This looks like: D_l missing.")
    r = redact(msg)
    assert "expected" not in r and "[3, 4]" not in r and "This looks like: D_l missing." in r
