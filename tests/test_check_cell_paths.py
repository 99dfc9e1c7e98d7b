"""Which code does a check cell grade in Jupyter, and how often?

When Jupyter names the notebook's file (``__session__``) and the saved file
defines what the kernel ran the same way, a check cell grades the saved
notebook as a whole, once for all check cells until the file changes: a
function defined in a later cell counts (hw3's product_wishart_density calls
product_wishart_edge, defined a section later), and a slow cell costs once,
not once per check cell. Otherwise it grades the cells run so far.
"""
import json

import pytest

import autograder.notebook as notebook
from autograder import catalog
from autograder.notebook import SAVE_NOTE, check_cell
from autograder.runner import run_checks
from autograder.submission import is_check_cell
from course.build import notebook_text


def reference_notebook(hw, path, extra_cell=None):
    """The source notebook without the solution markers: the reference, as a student's notebook."""
    nb = json.loads(notebook_text(hw))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            src = "".join(cell["source"])
            cell["source"] = "\n".join(ln for ln in src.splitlines() if "### " not in ln)
    if extra_cell:
        nb["cells"].insert(2, {"cell_type": "code", "metadata": {}, "source": extra_cell,
                               "outputs": [], "execution_count": None, "id": "extra"})
    path.write_text(json.dumps(nb))
    return nb


def run_in_order(nb, ns, until=None):
    """Run the notebook's cells as a kernel would (only recording them in `In`); the points of
    every check cell, in order, until the check cell of ``until``."""
    points = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        ns["In"].append(src)
        if is_check_cell(cell):
            fn = cell["metadata"]["nbgrader"]["grade_id"].split("_", 1)[1]
            hidden = "hidden=True" in src
            points[(fn, hidden)] = check_cell(catalog.get(nb["metadata"]["course"]["assignment"]).id, fn,
                                              namespace=ns, hidden=hidden)
            if fn == until and not hidden:
                break
    return points


def public_points(hw, fn):
    return sum(p for c in catalog.get(hw).checks if c.function == fn for _, p, h, _ in c.resolved if not h)


@pytest.fixture(autouse=True)
def fresh_cache():
    notebook._CACHE.clear()
    yield
    notebook._CACHE.clear()


def test_a_function_defined_later_counts_when_the_notebook_is_saved(tmp_path, capsys):
    path = tmp_path / "hw3.ipynb"
    nb = reference_notebook("hw3", path)
    pts = run_in_order(nb, {"In": [""], "__session__": str(path)}, until="product_wishart_density")
    assert pts[("product_wishart_density", False)] == pytest.approx(public_points("hw3", "product_wishart_density"))
    assert SAVE_NOTE not in capsys.readouterr().out


def test_without_the_file_the_cells_run_so_far_are_graded(tmp_path, capsys):
    """No Jupyter (or another notebook): the history, where product_wishart_edge is not yet defined."""
    path = tmp_path / "hw3.ipynb"
    nb = reference_notebook("hw3", path)
    pts = run_in_order(nb, {"In": [""]}, until="product_wishart_density")
    assert pts[("product_wishart_density", False)] < public_points("hw3", "product_wishart_density")
    assert "NameError" in capsys.readouterr().out


def test_unsaved_edits_are_graded_and_the_student_is_told(tmp_path, capsys):
    """The kernel ran a wrong init_variance that the saved (correct) file does not hold."""
    path = tmp_path / "hw1.ipynb"
    nb = reference_notebook("hw1", path)
    ns = {"In": [""], "__session__": str(path)}
    run_in_order(nb, ns, until="init_variance")
    ns["In"].append("def init_variance(fan_in, fan_out, scheme):\n    return 1.0\n")
    pts = check_cell("hw1", "init_variance", namespace=ns)
    out = capsys.readouterr().out
    assert pts < public_points("hw1", "init_variance")
    assert SAVE_NOTE in out and "FAIL init_variance" in out


def test_one_grading_run_for_all_check_cells(tmp_path, monkeypatch, capsys):
    """A slow exploratory cell is run once per notebook, not once per check cell."""
    path = tmp_path / "hw1.ipynb"
    nb = reference_notebook("hw1", path, extra_cell="import time\ntime.sleep(0.5)\n")
    calls = []

    def counting(*args, **kwargs):
        calls.append(kwargs.get("functions"))
        return run_checks(*args, **kwargs)

    monkeypatch.setattr(notebook, "run_checks", counting)
    pts = run_in_order(nb, {"In": [""], "__session__": str(path)})
    assert len(pts) == sum(1 for c in nb["cells"] if is_check_cell(c)) > 2
    assert sum(pts.values()) == pytest.approx(catalog.get("hw1").points)
    assert calls == [()], "the saved notebook should be graded once, as a whole"
    # the same cells without the file: one run per function (the history grows between them)
    notebook._CACHE.clear()
    calls.clear()
    pts = run_in_order(nb, {"In": [""]})
    assert sum(pts.values()) == pytest.approx(catalog.get("hw1").points)
    assert len(calls) == len(catalog.get("hw1").functions)


def test_a_file_of_another_assignment_is_ignored(tmp_path, capsys):
    other = tmp_path / "hw3.ipynb"
    reference_notebook("hw3", other)
    path = tmp_path / "hw1.ipynb"
    nb = reference_notebook("hw1", path)
    pts = run_in_order(nb, {"In": [""], "__session__": str(other)}, until="init_variance")
    assert pts[("init_variance", False)] == pytest.approx(public_points("hw1", "init_variance"))
    assert SAVE_NOTE not in capsys.readouterr().out
