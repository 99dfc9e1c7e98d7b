"""`course check` and `course list` as a student meets them, driven in-process.

Which file is graded (one rule with `course grade`), usage errors (exit 2,
a clear message, no table and no traceback), messages that locate a broken
or misnamed function, and the student package's totals and commands.
"""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from autograder import catalog
from autograder.runner import run_checks
from autograder.submission import SubmissionError, choose_file, load_submission
from course import cli
from course.student_dist import student_assignment

from conftest import SUBMISSIONS

CORRECT = SUBMISSIONS / "hw1" / "correct_loops.py"


def invoke(*args):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def as_notebook(source, counts=None):
    """A notebook with one code cell per top-level function of ``source``."""
    parts = source.split("\n\n\ndef ")
    cells = [parts[0]] + ["def " + p for p in parts[1:]]
    counts = counts or list(range(1, len(cells) + 1))
    return {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c,
                       "execution_count": n} for c, n in zip(cells, counts)],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


# ------------------------------------------------------------------ which file
def test_check_grades_the_only_notebook_as_grade_would(tmp_path, monkeypatch):
    (tmp_path / "my_hw1.ipynb").write_text(json.dumps(as_notebook(CORRECT.read_text())))
    monkeypatch.chdir(tmp_path)
    res = invoke("check", "hw1", "-k", "init_variance", "--json")
    assert res.exit_code == 0, res.output
    assert "grading my_hw1.ipynb (the only notebook here)" in res.stderr
    rep = json.loads(res.stdout)
    assert rep["score"] == rep["max_score"] > 0


@pytest.mark.parametrize("files, fragment", [
    ((), "no .ipynb or .py file in this folder"),
    (("a.ipynb", "b.ipynb"), "several .ipynb files in this folder (a.ipynb, b.ipynb) and none named hw1.ipynb"),
    (("hw2.ipynb",), "only hw2.ipynb, named for another assignment"),
])
def test_check_without_a_file_it_can_choose_says_so(tmp_path, monkeypatch, files, fragment):
    for f in files:
        (tmp_path / f).write_text(json.dumps(as_notebook("x = 1\n")))
    monkeypatch.chdir(tmp_path)
    res = invoke("check", "hw1")
    assert res.exit_code == 2
    assert fragment in res.stderr and "course check hw1 PATH" in res.stderr


def test_choose_file_order_of_preference(tmp_path):
    for f in ("notes.py", "my_hw3.ipynb", "hw1.ipynb", ".hidden.ipynb"):
        (tmp_path / f).write_text("")
    assert choose_file(tmp_path, "hw3").file.name == "my_hw3.ipynb"
    assert choose_file(tmp_path, "hw1").file.name == "hw1.ipynb"
    (tmp_path / "hw3.py").write_text("")
    assert choose_file(tmp_path, "hw3").file.name == "hw3.py"
    (tmp_path / "hw3.ipynb").write_text("")
    assert choose_file(tmp_path, "hw3").file.name == "hw3.ipynb"
    (tmp_path / "other.ipynb").write_text("")
    c = choose_file(tmp_path, "hw4")
    assert c.file is None and [p.name for p in c.clash] == ["my_hw3.ipynb", "other.ipynb"]


def test_keyword_matching_nothing_is_an_error_before_any_table(tmp_path, monkeypatch):
    res = invoke("check", "hw1", str(CORRECT), "-k", "nosuchthing")
    assert res.exit_code == 2
    assert "-k 'nosuchthing' matches no check of hw1" in res.stderr
    assert "Score" not in res.stdout and "check" not in res.stdout and res.stdout.strip() == ""
    bad = invoke("check", "hw1", str(CORRECT), "-k", "init and")
    assert bad.exit_code == 2 and "is not a valid expression" in bad.stderr
    assert "Score" not in bad.stdout


# ------------------------------------------------------------------ malformed notebooks
MALFORMED = [
    '{"cells": 5}',
    '[1, 2]',
    '{"nbformat": 4}',
    '{"cells": [5]}',
    '{"cells": [{"cell_type": "code", "source": 5}]}',
    '{"cells": [{"cell_type": "code", "source": ["a", 1]}]}',
    '{"cells": [{"cell_type": "code", "source": "x = 1", "metadata": []}]}',
    '{"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {"tags": "skip"}}]}',
    '{"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {"nbgrader": 5}}]}',
    '{"cells": [',
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_notebook_is_a_usage_error(tmp_path, text):
    nb = tmp_path / "hw1.ipynb"
    nb.write_text(text)
    with pytest.raises(SubmissionError, match="not a valid Jupyter notebook"):
        load_submission(nb)
    res = invoke("check", "hw1", str(nb))
    assert res.exit_code == 2, res.output
    assert "not a valid Jupyter notebook" in res.stderr and "save it again" in res.stderr
    assert "Traceback" not in res.output


def test_malformed_notebook_graded_in_batch_is_a_verdict_not_a_grader_bug(tmp_path):
    nb = tmp_path / "hw1.ipynb"
    nb.write_text('{"cells": 5}')
    rep = run_checks("hw1", nb, functions=["init_variance"])
    assert rep.results and {r.status for r in rep.ran} == {"not loaded"}
    assert all("not a valid Jupyter notebook" in r.message and "bug in the grader" not in r.message
               for r in rep.ran)


# ------------------------------------------------------------------ locating errors
def test_syntax_error_and_misspelt_name_are_located(tmp_path):
    nb = as_notebook(CORRECT.read_text())
    for c in nb["cells"]:
        if c["source"].startswith("def init_weights"):
            c["source"] = c["source"].replace("):", "):\n    x = (1,", 1)
            c["execution_count"] = 17
        if c["source"].startswith("def forward_variances"):
            c["source"] = c["source"].replace("def forward_variances", "def foward_variances", 1)
    path = tmp_path / "hw1.ipynb"
    path.write_text(json.dumps(nb))
    rep = run_checks("hw1", path, functions=["init_weights", "forward_variances"])
    by_fn = {r.function: r.message for r in rep.ran if not r.passed}
    msg = by_fn["init_weights"]
    assert "syntax error" in msg and "In [17] `def init_weights(widths, scheme, seed):`" in msg
    assert "line 2" in msg and "x = (1," in msg
    assert "Did you mean `foward_variances`?" in by_fn["forward_variances"]
    notes = "\n".join(rep.notes)
    assert "In [17]" in notes and "syntax error" in notes and "[cell" not in notes


def test_cell_labels_are_what_jupyter_shows(tmp_path):
    nb = as_notebook("a = 1\n\n\ndef f():\n    return 1\n\n\ndef f():\n    return 2\n", counts=[3, None, None])
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    labels = [c["filename"] for c in load_submission(path).cells]
    assert labels[0] == "x.ipynb, In [3] `a = 1`"
    assert labels[1] == "x.ipynb, code cell 2 `def f():`"
    assert len(set(labels)) == 3 and "code cell 3" in labels[2]


# ------------------------------------------------------------------ the student package
def _student_catalog(monkeypatch):
    """This process seen as the student package: stripped check modules and its mark."""
    student = {}
    for hw in catalog.ids():
        student[hw] = student_assignment(hw)
    monkeypatch.setattr(catalog, "get", lambda hw: student[hw])
    monkeypatch.setattr(catalog, "distribution", lambda: {"kind": "student"})
    return student


def test_student_totals_are_the_course_totals(monkeypatch):
    full = {hw: catalog.get(hw) for hw in catalog.ids()}
    student = _student_catalog(monkeypatch)
    for hw, a in student.items():
        assert not any(h for c in a.checks for _, _, h, _ in c.resolved)  # really stripped
        assert a.hidden_cut, hw
        assert a.points == pytest.approx(full[hw].points, abs=1e-9)
        assert a.public_points == pytest.approx(full[hw].public_points, abs=1e-9)
    res = invoke("list")
    assert res.exit_code == 0
    a = full["hw1"]
    assert f"{a.points:g} ({a.public_points:g} + {a.points - a.public_points:g})" in res.stdout
    assert a.points > a.public_points


def test_student_cli_offers_only_what_works_there(monkeypatch):
    _student_catalog(monkeypatch)
    helptext = invoke("--help").stdout
    listed = {ln.split()[0] for ln in helptext.split("Commands:")[1].splitlines() if ln.strip()}
    assert listed == set(cli.STUDENT_COMMANDS)
    for name in ("build", "release", "fixtures", "solve", "calibrate", "grade", "student-dist"):
        res = invoke(name, "hw1", "--all")
        assert res.exit_code == 2, (name, res.output)
        assert f"`course {name}` is an instructor command" in res.stderr
        assert "course check" in res.stderr and "Traceback" not in res.output


def test_instructor_cli_lists_every_command():
    names = set(cli.main.list_commands(None))
    assert {"check", "list", "build", "fixtures", "solve", "calibrate", "release", "grade"} <= names


def test_a_cell_that_stops_before_its_def_is_named(tmp_path):
    nb = as_notebook(CORRECT.read_text())
    for c in nb["cells"]:
        if c["source"].startswith("def init_variance"):
            c["source"] = "raise ValueError('stopped early')\n\n\n" + c["source"]
            c["execution_count"] = 4
    path = tmp_path / "hw1.ipynb"
    path.write_text(json.dumps(nb))
    rep = run_checks("hw1", path, functions=["init_variance"])
    msg = next(r.message for r in rep.ran if not r.passed)
    assert msg.startswith("`init_variance` is not defined: the cell that defines it stopped with an error")
    assert "In [4]" in msg and "ValueError: stopped early" in msg and "Next:" in msg


def test_course_check_imports_nothing_of_grading_or_release():
    """A student's `course check` loads the engine only: not the class grader, the
    nbgrader release, the notebook builder or their dependencies (in a fresh process)."""
    code = ("import sys\n"
            "from click.testing import CliRunner\n"
            "from course.cli import main\n"
            f"r = CliRunner().invoke(main, ['check', 'hw1', {str(CORRECT)!r}, '-k', 'init_variance'])\n"
            "assert r.exit_code == 0, r.output\n"
            "heavy = ('course.grading', 'course.release', 'course.build', 'course.student_dist',\n"
            "         'course.export_cmd', 'nbgrader', 'dask', 'distributed', 'nbclient')\n"
            "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]", out.stdout
