"""Does the nbgrader path work end to end, from release to feedback?

For each assignment of CANDIDATES (below): `course release` into a temp
course folder, fill the student release notebook with a correct and with a
known-wrong submission, `nbgrader autograde`, read the gradebook with
nbgrader's API, and `nbgrader generate_feedback`. The gradebook must agree
with `course check --all` on the same code: full marks for the correct one,
the same lost points for the wrong one. Feedback must show our messages and
neither hidden checks' code nor tracebacks.
"""
import json
import os
import shutil
from pathlib import Path

import pytest

from autograder import catalog
from autograder.runner import run_checks
from course.build import notebook_text
from course.release import nbgrader, release_assignment

from conftest import known_file, known_submissions

ROOT = Path(__file__).resolve().parent.parent
#: One nbgrader round trip (release, autograde, feedback) costs 1-2 minutes on
#: 2 cores, and the plumbing is the same for every assignment: by default hw1
#: (the example class), hw3 (cells that use functions defined further down) and
#: hw6 (torch); COURSE_E2E_ALL=1 runs every assignment. That each known
#: submission's check cells add up to `course grade`'s score is asserted for
#: every assignment in tests/test_known_submissions.py.
_ALL = catalog.ids()
_DEFAULT = ("hw1", "hw3", "hw6")
CANDIDATES = [h for h in (_ALL if os.environ.get("COURSE_E2E_ALL") == "1" else _DEFAULT)
              if h in catalog.ids() and (ROOT / "assignments" / h / f"{h}.md").exists()]

pytestmark = pytest.mark.slow


def pick(hw, prefix):
    """The first known submission of ``hw`` named ``prefix_*``: a file, or a slip written out."""
    stems = sorted(p.id.split("/", 1)[1] for p in known_submissions()
                   if p.values[0] == hw and p.id.split("/", 1)[1].startswith(prefix + "_"))
    assert stems, f"no known {prefix}_* submission for {hw}"
    return known_file(hw, stems[0])


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


# --------------------------------------------------------------------------
# One released course for the tests below: hw1 (alice, bob and hostile
# notebooks) and hw3 (its reference notebook), autograded with the course's
# nbgrader_config.py. Autograde runs no kernel on this path, so it is quick.

HOSTILE = {
    # the check cells import check_cell afresh; replace it where they find it
    "x_noop": "import autograder.notebook as _nb\n_nb.check_cell = lambda *a, **k: None\n",
    # the check cells' return values (their points) would not be displayed
    "x_quiet": "get_ipython().ast_node_interactivity = 'none'\n",
    # the check cells graded the input history: feed them the reference
    "x_history": "import inspect\nimport solutions.hw1 as _ref\nIn.append(inspect.getsource(_ref))\n",
}
GRADEBOOK_ATTACK = '''\
import sqlite3
for _p in ["../../../gradebook.db", {path!r}]:
    try:
        _con = sqlite3.connect(_p)
        _con.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
        _con.commit()
    except Exception:
        pass
'''


def hostile_notebook(release_nb: Path, attack: str, out: Path):
    """The untouched release notebook (stubs only) with one added cell after the imports."""
    nb = json.loads(release_nb.read_text())
    cell = {"cell_type": "code", "metadata": {}, "source": attack, "outputs": [], "execution_count": None,
            "id": "attack"}
    nb["cells"].insert(2, cell)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(nb))


def reference_notebook(course: Path, hw: str, out: Path):
    """The release notebook with each solution cell filled from the source notebook (the reference)."""
    src = {c["metadata"]["nbgrader"]["grade_id"]: c for c in
           json.loads((course / "source" / hw / f"{hw}.ipynb").read_text())["cells"]
           if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = json.loads((course / "release" / hw / f"{hw}.ipynb").read_text())
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            text = "".join(src[meta["grade_id"]]["source"])
            cell["source"] = "\n".join(ln for ln in text.splitlines() if "### BEGIN SOLUTION" not in ln
                                       and "### END SOLUTION" not in ln)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(nb))


def scores(course: Path, hw: str):
    """{student: score} and {student: {cell: auto_score}} of ``hw`` in the gradebook."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        total, cells = {}, {}
        for sub in gb.assignment_submissions(hw):
            total[sub.student.id] = sub.score
            cells[sub.student.id] = {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades}
    return total, cells


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("class")
    release_nb = release_assignment("hw1", course, fixtures=False)
    for student in ("alice", "bob"):
        shutil.copytree(ROOT / "examples" / "submitted" / student, course / "submitted" / student)
    proc = nbgrader(course, "autograde", "hw1")
    before = scores(course, "hw1")
    for student, attack in HOSTILE.items():
        hostile_notebook(release_nb, attack, course / "submitted" / student / "hw1" / "hw1.ipynb")
    hostile_notebook(release_nb, GRADEBOOK_ATTACK.format(path=str(course / "gradebook.db")),
                     course / "submitted" / "x_gradebook" / "hw1" / "hw1.ipynb")
    proc2 = nbgrader(course, "autograde", "hw1", "--student=x_*")
    # a locked check cell edited to print full marks: nbgrader restores it, and says so
    nb = json.loads(release_nb.read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "check_init_variance":
            cell["source"] = "31.5"
    edited = course / "submitted" / "y_edit" / "hw1" / "hw1.ipynb"
    edited.parent.mkdir(parents=True)
    edited.write_text(json.dumps(nb))
    proc3 = nbgrader(course, "autograde", "hw1", "--student=y_edit")
    release_assignment("hw3", course, fixtures=False)
    reference_notebook(course, "hw3", course / "submitted" / "ref" / "hw3" / "hw3.ipynb")
    nbgrader(course, "autograde", "hw3")
    return {"course": course, "before": before, "log": proc.stdout + proc.stderr + proc2.stdout + proc2.stderr,
            "edit_log": proc3.stdout + proc3.stderr}


def course_grade_score(course, student, hw):
    """What `course grade` gives the notebook (the same engine call as its worker)."""
    path = course / "submitted" / student / hw / f"{hw}.ipynb"
    return run_checks(hw, path, hidden=True, mask=[str(course)]).score


class TestHostileNotebooks:
    """Each attack on the kernel path, graded by nbgrader with the course config, scores what
    `course grade` gives it (0: the notebook holds only the release's stubs)."""

    @pytest.mark.parametrize("student", [*HOSTILE, "x_gradebook"])
    def test_scores_what_course_grade_gives(self, graded_class, student):
        course = graded_class["course"]
        total, _ = scores(course, "hw1")
        assert total[student] == pytest.approx(course_grade_score(course, student, "hw1"), abs=1e-9)
        assert total[student] == 0, f"{student}: stubs only, yet {total[student]} points"

    def test_an_edited_locked_cell_is_restored_with_a_warning(self, graded_class):
        total, _ = scores(graded_class["course"], "hw1")
        assert total["y_edit"] == 0
        changed = [ln for ln in graded_class["edit_log"].splitlines() if "has changed" in ln]
        assert len(changed) == 1 and "check_init_variance" in changed[0], changed

    def test_other_students_rows_unchanged(self, graded_class):
        total, cells = scores(graded_class["course"], "hw1")
        before_total, before_cells = graded_class["before"]
        for student in ("alice", "bob"):
            assert total[student] == before_total[student] > 0
            assert cells[student] == before_cells[student]
            assert all(v is not None for v in cells[student].values())

    def test_no_kernel_and_no_checksum_warnings(self, graded_class):
        log = graded_class["log"]
        assert "graded in the sandbox" in log
        assert "Executing notebook" not in log          # nbgrader's Execute step never ran
        assert "has changed" not in log                 # nbgrader #1961: untouched hidden cells
        assert "x_gradebook/hw1 graded in the sandbox: 0 / 31.5" in log

    def test_feedback_hides_hidden_checks(self, graded_class):
        course = graded_class["course"]
        nbgrader(course, "generate_feedback", "hw1", "--student=x_*")
        for student in [*HOSTILE, "x_gradebook"]:
            html = (course / "feedback" / student / "hw1" / "hw1.html").read_text()
            assert "BEGIN HIDDEN TESTS" not in html and "hidden=True" not in html
            assert "Traceback (most recent call last)" not in html
            assert "FAIL" in html
        nb = json.loads((course / "autograded" / "x_noop" / "hw1" / "hw1.ipynb").read_text())
        hidden = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {})
                  .get("grade_id", "").startswith("hidden_")]
        assert hidden
        for c in hidden:
            text = "".join("".join(o.get("text", "")) for o in c["outputs"])
            assert "FAIL" in text and "expected" not in text and "got:" not in text


class TestBothPathsAgree:
    def test_example_class(self, graded_class):
        course = graded_class["course"]
        total, _ = scores(course, "hw1")
        assert total["alice"] == pytest.approx(31.5) and total["bob"] == pytest.approx(23.5)
        for student in ("alice", "bob"):
            assert total[student] == pytest.approx(course_grade_score(course, student, "hw1"), abs=1e-9)

    def test_hw3_reference_notebook_full_marks(self, graded_class):
        """product_wishart_density calls product_wishart_edge, defined a section later."""
        course = graded_class["course"]
        total, _ = scores(course, "hw3")
        assert total["ref"] == pytest.approx(catalog.get("hw3").points)
        assert course_grade_score(course, "ref", "hw3") == pytest.approx(catalog.get("hw3").points)


def _snapshot(root: Path):
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_release_from_a_regular_install_writes_only_the_course_folder(tmp_path):
    """`course release` from the packages as installed (setuptools' build of this checkout, with
    its package data), run elsewhere: it works and writes nothing outside the course folder."""
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for pkg in ("course", "autograder", "solutions", "assignments"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.ipynb"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                    "--build-lib", str(site)], cwd=src, check=True, capture_output=True, timeout=300)
    assert (site / "assignments" / "hw1" / "hw1.md").exists()      # package data of the install
    assert not (site / "assignments" / "hw1" / "hw1.ipynb").exists()
    before = _snapshot(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import course, autograder; print(course.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    assert where.startswith(str(site)), where
    course = tmp_path / "myclass"
    r = subprocess.run([sys.executable, "-m", "course.cli", "release", "hw1", "--course-dir", str(course)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert (course / "release" / "hw1" / "hw1.ipynb").exists()
    assert (course / "source" / "hw1" / "hw1.ipynb").read_text() == notebook_text("hw1")
    assert "stale" not in r.stderr
    assert _snapshot(site) == before, "release wrote into the installed packages"


def test_a_notebook_over_its_time_scores_0_with_the_reason(graded_class):
    """SandboxAutograde's deadline is course grade's --timeout: past it, 0 points and a clear note."""
    import nbformat
    from nbgrader.utils import determine_grade
    from traitlets.config import Config

    from autograder.nbgrader_ext import SandboxAutograde

    course = graded_class["course"]
    nb = nbformat.read(course / "release" / "hw1" / "hw1.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass\n"))
    cfg = Config()
    cfg.CourseDirectory.root = str(course)
    pre = SandboxAutograde(config=cfg, timeout=5)
    resources = {"nbgrader": {"assignment": "hw1", "student": "slow", "notebook": "hw1",
                              "db_url": f"sqlite:///{course / 'gradebook.db'}"}}
    nb, _ = pre.preprocess(nb, resources)
    graded = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    assert graded and all(determine_grade(c)[0] == 0 for c in graded)
    first = "".join(o.get("text", "") for o in graded[0].outputs)
    assert "longer than 5 s" in first and "Next:" in first


def test_a_grader_failure_is_graded_once_more_then_reported(tmp_path, monkeypatch):
    """A grader-side error (the grading process lost) is graded a second time, as `course grade`
    does on its next run; a second error stops autograde with the grader's message."""
    import nbformat
    from traitlets.config import Config

    import course.grading.worker as worker
    from autograder.nbgrader_ext import GradingError, SandboxAutograde

    lost = {"status": "error", "message": "the grading process stopped without an answer (exit code -9)",
            "seconds": 0.1, "worker": "w", "sha256": ""}
    replies = []

    def fake(task):
        replies.append(task["student"])
        return dict(lost, sha256=task["sha256"])

    monkeypatch.setattr(worker, "grade_task", fake)
    cfg = Config()
    cfg.CourseDirectory.root = str(tmp_path)
    pre = SandboxAutograde(config=cfg)
    resources = {"nbgrader": {"assignment": "hw1", "student": "s", "notebook": "hw1", "db_url": ""}}
    with pytest.raises(GradingError, match="stopped without an answer"):
        pre.grade(nbformat.v4.new_notebook(), resources)
    assert replies == ["s", "s"]
