"""What a student gets from `course release`: a notebook that runs from top to
bottom, and experiments that do not give the graded code away.

The fast tests apply the course's own nbgrader configuration (the CONFIG that
`course release` writes) to the source notebooks in-process; the slow one
runs nbgrader's `generate_assignment` itself.
"""
import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograder import catalog
from autograder.nbgrader_ext import OptionalSolutionStubs, RAISE_STUB
from course.build import notebook_path
from course.release import CONFIG

HWS = [hw for hw in catalog.ids() if notebook_path(hw).exists()]


def course_config() -> Config:
    ns = {"get_config": Config}
    exec(compile(CONFIG, "nbgrader_config.py", "exec"), ns)
    return ns["c"]


def released(hw):
    """The source notebook through the configured ClearSolutions and what follows it."""
    from nbgrader.preprocessors import ClearSolutions

    c = course_config()
    steps = list(c.GenerateAssignment.preprocessors)
    i = steps.index(ClearSolutions)
    assert steps[i + 1] is OptionalSolutionStubs, "optional stubs must be fixed before checksums"
    nb = nbformat.read(notebook_path(hw), as_version=4)
    resources = {"language": "python"}
    for step in steps[i:i + 2]:
        nb, resources = step(config=c).preprocess(nb, resources)
    return nb


def is_check(cell):
    return cell.metadata.get("nbgrader", {}).get("grade", False)


def is_experiment(cell):
    return "course:skip" in cell.metadata.get("tags", [])


@pytest.mark.parametrize("hw", HWS)
def test_release_runs_past_the_optional_helpers_cell(hw):
    nb = released(hw)
    code = [c for c in nb.cells if c.cell_type == "code"]
    helpers = [c for c in code if c.metadata.get("course", {}).get("optional")]
    assert len(helpers) == 1 and "YOUR CODE HERE" in helpers[0].source
    assert RAISE_STUB not in helpers[0].source
    # every graded function is still a stub that says "not attempted"
    stubs = [c for c in code if c.metadata.get("nbgrader", {}).get("solution") and c not in helpers]
    assert stubs and all(RAISE_STUB in c.source for c in stubs)
    # "Run All" up to the first experiment or check (those call the student's functions)
    ns = {}
    for cell in code:
        if is_check(cell) or is_experiment(cell):
            continue
        exec(compile(cell.source, f"{hw} cell", "exec"), ns)
    for fn in catalog.get(hw).functions:
        assert callable(ns[fn])
        with pytest.raises(NotImplementedError):
            _call_stub(ns[fn])


def _call_stub(fn):
    """Call a released stub with placeholder arguments: its body raises first."""
    n = fn.__code__.co_argcount - len(fn.__defaults__ or ())
    return fn(*([None] * n))


def test_source_notebooks_mark_only_the_helpers_cell_optional():
    for hw in HWS:
        nb = json.loads(notebook_path(hw).read_text())
        optional = [c for c in nb["cells"] if c.get("metadata", {}).get("course", {}).get("optional")]
        assert len(optional) == 1, hw
        assert "### BEGIN SOLUTION" in "".join(optional[0]["source"])


# ------------------------------------------------------------------ hw3's experiments
def _experiments(hw):
    nb = json.loads(notebook_path(hw).read_text())
    return ["".join(c["source"]) for c in nb["cells"]
            if c["cell_type"] == "code" and "course:skip" in c.get("metadata", {}).get("tags", [])]


def test_hw3_experiments_do_not_build_the_jacobian():
    """`jacobian_eigenvalues` (9.5 points) accumulates J = W_l D_l J over the layers: no
    experiment may show that loop; they call the student's function or use forward passes."""
    exps = _experiments("hw3")
    assert exps
    for src in exps:
        tree = ast.parse(src)
        for node in ast.walk(tree):
            # no product of a weight matrix with a D-scaled matrix assigned back in a loop
            if isinstance(node, (ast.For, ast.While)):
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Assign) and isinstance(sub.value, ast.BinOp) \
                            and isinstance(sub.value.op, ast.MatMult):
                        targets = {t.id for t in sub.targets if isinstance(t, ast.Name)}
                        used = {n.id for n in ast.walk(sub.value) if isinstance(n, ast.Name)}
                        assert not targets & used or targets == {"h"}, \
                            f"an experiment accumulates a matrix product:\n{ast.unparse(sub)}"
        assert "np.eye(" not in src, "an experiment starts a Jacobian from the identity"
    qr = next(s for s in exps if "plain" in s and "qr" in s)
    assert "jacobian_eigenvalues(" in qr
    assert not re.search(r"^\s*J\s*=", "\n".join(exps), re.M)


@pytest.mark.slow
def test_nbgrader_release_keeps_the_helpers_cell_runnable(tmp_path):
    from course.release import release_assignment

    out = release_assignment("hw1", tmp_path / "course", fixtures=False)
    nb = json.loads(Path(out).read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    helpers = [c for c in code if c["metadata"].get("course", {}).get("optional")]
    assert len(helpers) == 1
    src = "".join(helpers[0]["source"])
    assert "YOUR CODE HERE" in src and RAISE_STUB not in src and "BEGIN SOLUTION" not in src
    exec(compile(src, "helpers", "exec"), {})
    stubs = [c for c in code if c["metadata"].get("nbgrader", {}).get("solution") and c not in helpers]
    assert stubs and all(RAISE_STUB in "".join(c["source"]) for c in stubs)
