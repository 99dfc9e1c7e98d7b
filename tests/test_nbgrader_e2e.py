"""Does the nbgrader path work end to end, from release to feedback?

For each assignment (hw1-hw6 and hw11 where present): `course release` into a temp
course folder, fill the student release notebook with a correct and with a
known-wrong submission, `nbgrader autograde`, read the gradebook with
nbgrader's API, and `nbgrader generate_feedback`. The gradebook must agree
with `course check --all` on the same code: full marks for the correct one,
the same lost points for the wrong one. Feedback must show our messages and
neither hidden checks' code nor tracebacks.
"""
import json
import shutil
from pathlib import Path

import pytest

from autograder import catalog
from autograder.runner import run_checks
from course.release import nbgrader, release_assignment

ROOT = Path(__file__).resolve().parent.parent
SUBS = ROOT / "tests" / "submissions"
CANDIDATES = [h for h in ("hw1", "hw2", "hw3", "hw4", "hw5", "hw6", "hw11")
              if h in catalog.ids() and (ROOT / "assignments" / h / f"{h}.md").exists()]

pytestmark = pytest.mark.slow


def pick(hw, prefix):
    files = sorted((SUBS / hw).glob(f"{prefix}_*.py"))
    if not files:
        pytest.skip(f"no {prefix}_*.py submission for {hw}")
    return files[0]


def fill(release_nb: Path, code: str, out: Path, extra_first_cell=""):
    """A student's notebook: every solution cell replaced by `code`."""
    nb = json.loads(release_nb.read_text())
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution"):
            cell["source"] = extra_first_cell + code
        elif "course:skip" in cell.get("metadata", {}).get("tags", []):
            # experiments (plots at full size) are not graded; keep CI fast
            cell["source"] = "pass"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("course")


@pytest.mark.parametrize("hw", CANDIDATES)
def test_release_autograde_feedback(hw, course_dir):
    release_nb = release_assignment(hw, course_dir, fixtures=False)
    text = release_nb.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "hidden=True" not in text

    correct, wrong = pick(hw, "correct"), pick(hw, "wrong")
    warn = "import warnings\nwarnings.warn('a harmless warning from student code')\n"
    fill(release_nb, correct.read_text(), course_dir / "submitted" / "good" / hw / f"{hw}.ipynb",
         extra_first_cell=warn)
    fill(release_nb, wrong.read_text(), course_dir / "submitted" / "bad" / hw / f"{hw}.ipynb")
    nbgrader(course_dir, "autograde", hw, "--force")

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        good = gb.find_submission(hw, "good")
        bad = gb.find_submission(hw, "bad")
        max_score = good.max_score
        good_score, bad_score = good.score, bad.score
    info = catalog.get(hw)
    assert max_score == pytest.approx(info.points)
    assert good_score == pytest.approx(max_score), "a correct submission (with a warning) lost points"
    expected = run_checks(hw, wrong, hidden=True).score
    assert bad_score == pytest.approx(expected), "nbgrader and course check disagree"
    assert bad_score < max_score

    nbgrader(course_dir, "generate_feedback", hw, "--force")
    html = (course_dir / "feedback" / "bad" / hw / f"{hw}.html").read_text()
    assert "BEGIN HIDDEN TESTS" not in html
    assert "hidden=True" not in html, "feedback shows the hidden checks' code"
    assert "Traceback (most recent call last)" not in html
    assert "FAIL" in html  # our verdict lines are there
    shutil.rmtree(course_dir / "feedback", ignore_errors=True)
