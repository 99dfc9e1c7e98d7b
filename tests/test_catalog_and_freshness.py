"""Are the generated artefacts fresh, and is the catalog consistent?

The source notebooks are generated from assignments/hwN/hwN.md and
solutions/hwN.py; the public fixtures from solutions/hwN.py. Both must be
rebuilt when their sources change: these tests fail otherwise.
"""
import importlib
import inspect

import pytest

from autograder import catalog
from course.build import notebook_is_fresh, template_path
from course.fixtures import fixtures_are_fresh

IDS = list(catalog.ids())


def test_catalog_lists_assignments():
    assert "hw1" in IDS


@pytest.mark.parametrize("hw", IDS)
def test_every_graded_function_has_a_reference_and_checks(hw):
    info = catalog.get(hw)
    sol = importlib.import_module(f"solutions.{hw}")
    checked = {c.function for c in info.checks}
    for fn in info.functions:
        assert callable(getattr(sol, fn, None)), f"solutions.{hw} lacks {fn}"
        assert fn in checked, f"no check of {hw}.{fn}"
        doc = inspect.getdoc(getattr(sol, fn)) or ""
        assert "(" in doc and any(ch.isdigit() for ch in doc), f"{hw}.{fn}: docstring cites no equation"
    labels = [(c.function, lab) for c in info.checks for *_, lab in c.resolved]
    assert len(labels) == len(set(labels)), "duplicate check ids"
    assert info.points > info.public_points > 0


@pytest.mark.parametrize("hw", [h for h in IDS if template_path(h).exists()])
def test_source_notebook_is_fresh(hw):
    """Is assignments/hwN/hwN.ipynb what `course build hwN` makes now?"""
    assert notebook_is_fresh(hw), f"run `course build {hw}`"


@pytest.mark.parametrize("hw", IDS)
def test_public_fixtures_are_fresh(hw):
    """Do the recorded public reference values match the reference now?"""
    ok, why = fixtures_are_fresh(hw)
    assert ok, f"{why}: run `course fixtures {hw}`"
