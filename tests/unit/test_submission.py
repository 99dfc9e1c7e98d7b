"""autograder.submission: a .py or .ipynb read into the cells the sandbox runs."""
import json

import pytest

from autograder import submission
from autograder.submission import EXPERIMENT_MARK, SubmissionError, choose_file, is_check_cell, load_submission


def _nb(path, cells):
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def _code(src, count=None, **meta):
    return {"cell_type": "code", "source": src, "metadata": meta, "execution_count": count, "outputs": []}


def test_a_py_file_is_one_cell_named_after_it(tmp_path):
    p = tmp_path / "hw1.py"
    p.write_text("def f():\n    return 1\n")
    sub = load_submission(p)
    assert sub.cells == [{"filename": "hw1.py", "source": "def f():\n    return 1\n"}] and sub.notes == []


def test_a_notebook_keeps_the_code_the_grader_runs(tmp_path):
    p = _nb(tmp_path / "hw1.ipynb", [
        {"cell_type": "markdown", "source": "# text", "metadata": {}},
        _code(["def f():\n", "    return 1\n"], 3),
        _code("plot()", 4, tags=["course:skip"]),
        _code(EXPERIMENT_MARK + "\nrun_long()\n", 5),
        _code("check_cell('hw1', 'f')", 6, nbgrader={"grade": True, "solution": False, "points": 1}),
        _code("   \n", 7),
        _code("%matplotlib inline\nx = 1\n!pip install foo\n", None),
    ])
    sub = load_submission(p)
    assert [c["source"] for c in sub.cells][0] == "def f():\n    return 1\n"
    assert sub.cells[0]["filename"] == "hw1.ipynb, In [3] `def f():`"
    assert len(sub.cells) == 2 and sub.cells[1]["filename"].startswith("hw1.ipynb, code cell 6")
    magic = sub.cells[1]["source"].splitlines()
    assert magic[0].startswith("pass  # skipped by the grader") and magic[1] == "x = 1"
    assert len(sub.notes) == 2 and all("skipped" in n for n in sub.notes)


def test_a_cell_magic_skips_the_whole_cell(tmp_path):
    sub = load_submission(_nb(tmp_path / "a.ipynb", [_code("%%time\nx = 1\n", 1)]))
    assert sub.cells[0]["source"] == "" and "cell magic" in sub.notes[0]


def test_cells_with_the_same_first_line_get_distinct_names(tmp_path):
    sub = load_submission(_nb(tmp_path / "a.ipynb", [_code("x = 1", None), _code("x = 1", None)]))
    names = [c["filename"] for c in sub.cells]
    assert len(set(names)) == 2


def test_check_cells_are_told_from_solution_cells():
    assert is_check_cell({"metadata": {"nbgrader": {"grade": True, "solution": False}}})
    assert not is_check_cell({"metadata": {"nbgrader": {"grade": True, "solution": True}}})
    assert not is_check_cell({"metadata": "junk"}) and not is_check_cell({})


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing.py", "no such file"),
    (lambda d: d, "is a folder"),
    (lambda d: (d / "a.txt", (d / "a.txt").write_text("x"))[0], "expected a .py or .ipynb file"),
    (lambda d: (d / "a.py", (d / "a.py").write_bytes(b"\xff\xfe"))[0], "not a UTF-8 text file"),
    (lambda d: (d / "a.ipynb", (d / "a.ipynb").write_text("{"))[0], "it is not JSON"),
    (lambda d: (d / "a.ipynb", (d / "a.ipynb").write_text("[1]"))[0], "it holds a list"),
    (lambda d: (d / "a.ipynb", (d / "a.ipynb").write_text('{"cells": 3}'))[0], "'cells' is a number"),
    (lambda d: (d / "a.ipynb", (d / "a.ipynb").write_text('{"cells": [{"source": 3}]}'))[0],
     "neither text nor a list of lines"),
])
def test_unreadable_files_are_a_submission_error_that_says_what_to_do(tmp_path, make, words):
    with pytest.raises(SubmissionError) as info:
        load_submission(make(tmp_path))
    assert words in str(info.value)


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_BYTES", 10)
    p = tmp_path / "hw1.py"
    p.write_text("x = 1\n" * 5)
    with pytest.raises(SubmissionError, match="Clear All Outputs"):
        load_submission(p)


def test_choose_file_takes_the_assignments_name_and_never_guesses(tmp_path):
    (tmp_path / "notes.py").write_text("")
    assert choose_file(tmp_path, "hw2").file.name == "notes.py"
    assert choose_file(tmp_path, "hw2").reason == "the only .py file here"
    (tmp_path / "other.py").write_text("")
    c = choose_file(tmp_path, "hw2")
    assert c.file is None and [p.name for p in c.clash] == ["notes.py", "other.py"]
    assert "none named hw2.py" in c.problem("hw2", "here")
    (tmp_path / "hw2.py").write_text("")
    assert choose_file(tmp_path, "hw2").file.name == "hw2.py" and choose_file(tmp_path, "hw2").reason == ""
