"""Do the notebooks' claims point at checks that exist, and do the errata's numbers hold?

Pointer rule (docs/adding-an-assignment.md): a sentence of an assignment's
prose that says what the grader or the tests check carries a pointer in
backticks, either to a grader check as `course check` names it,
`check: hw2::length_map::tanh_q_grid` (assignment, graded function, case id
with its aspect), or to a test of this repository as pytest names it,
`test: tests/test_solutions_hw2.py::test_name[param]`. The tests below
parse every ``assignments/hwN/hwN.md`` and fail when a pointer names a check
or test that no longer exists, or when a paragraph claims a check and names
none.

Errata (docs/errata.md): every number the notebooks give for an error of
the notes is recomputed here from the reference with the inputs the doc
states, within the doc's tolerance.
"""
import math
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from autograder import catalog

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = [a.id for a in catalog.all_assignments()]

POINTER = re.compile(r"`(check|test):\s*([^`]*)`")
CHECK_ID = re.compile(r"^(hw\d+)::([A-Za-z_]\w*)::([\w./-]+)$")
TEST_ID = re.compile(r"^(tests/[\w/]+\.py)::(\w+)(\[[^\]\s]+\])?$")
# a paragraph (or list item) that says what the grader or the tests do
CLAIM = re.compile(r"\b(the\s+grader|the\s+checks?|the\s+tests?(?!\s+(points?|set|inputs?|data))|"
                   r"(is|are)\s+checked|checked\s+by)\b", re.I)
NOT_A_CLAIM = re.compile(r"\bthe\s+check\s+cells?\b", re.I)   # "check your work ... with the check cells"


def _template(hw):
    return (ROOT / "assignments" / hw / f"{hw}.md").read_text()


def _prose_units(text):
    """Paragraphs and list items of the markdown, code blocks and directives left out."""
    text = re.sub(r"^```python\n.*?^```$", "", text, flags=re.S | re.M)
    text = re.sub(r"^<!--.*?-->$", "", text, flags=re.M)
    units = []
    for para in re.split(r"\n\s*\n", text):
        units += [u for u in re.split(r"\n(?=\s*[-*] )", para) if u.strip()]
    return units


def pointers(text):
    """[(kind, target)] of every pointer in the text."""
    return [(m.group(1), m.group(2).strip()) for m in POINTER.finditer(text)]


@lru_cache(maxsize=None)
def check_ids(hw):
    """Every check of the assignment as `course check` names it: hwN::function::case."""
    return frozenset(f"{hw}::{c.function}::{label}"
                     for c in catalog.get(hw).checks for _, _, _, label in c.resolved)


@lru_cache(maxsize=None)
def _collected_node_ids(path):
    """pytest's node ids of one test file of this repository (collection only)."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", path],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    ids = frozenset(line.strip() for line in out.stdout.splitlines() if "::" in line)
    assert ids, f"collecting {path} found no tests:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}"
    return ids


def stale_pointers(hw, text):
    """Pointers of the text that are malformed or name nothing that exists."""
    bad = []
    for kind, target in pointers(text):
        if kind == "check":
            m = CHECK_ID.match(target)
            if not m:
                bad.append(f"`check: {target}` is not hwN::function::case")
            elif m.group(1) != hw:
                bad.append(f"`check: {target}` points outside {hw}")
            elif target not in check_ids(hw):
                bad.append(f"`check: {target}`: {hw} has no such check")
        else:
            m = TEST_ID.match(target)
            if not m:
                bad.append(f"`test: {target}` is not tests/FILE.py::test_name[param]")
            elif not (ROOT / m.group(1)).is_file():
                bad.append(f"`test: {target}`: no file {m.group(1)}")
            elif target not in _collected_node_ids(m.group(1)):
                bad.append(f"`test: {target}`: pytest collects no such test")
    return bad


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_pointer_names_an_existing_check(hw):
    bad = stale_pointers(hw, _template(hw))
    assert not bad, (f"assignments/{hw}/{hw}.md: " + "; ".join(bad) +
                     ". Next: point at the check that now holds the claim (`course check "
                     f"{hw} --all` lists them), or correct the sentence.")


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_claim_about_the_checks_carries_a_pointer(hw):
    missing = [u.strip()[:160] for u in _prose_units(_template(hw))
               if CLAIM.search(NOT_A_CLAIM.sub("", u)) and not pointers(u)]
    assert not missing, (f"assignments/{hw}/{hw}.md claims what the grader or the tests do without "
                         "naming the check:\n  " + "\n  ".join(missing) +
                         "\nNext: add `check: hwN::function::case` (or `test: tests/FILE.py::name[param]`).")


def test_a_stale_or_malformed_pointer_is_caught():
    """The rule bites: unknown cases, unknown tests, other assignments and bad syntax are reported."""
    assert stale_pointers("hw1", "(`check: hw1::init_variance::forward_3_7`)") == []
    text = ("`check: hw1::init_variance::no_such_case` `check: hw2::length_map::tanh` "
            "`check: init_variance` `test: tests/test_solutions_hw2.py::test_no_such_test` "
            "`test: tests/no_such_file.py::test_x`")
    assert len(stale_pointers("hw1", text)) == 5
    units = _prose_units("The grader compares your draws.\n\nCheck your work with the check cells.\n")
    assert [u for u in units if CLAIM.search(NOT_A_CLAIM.sub("", u)) and not pointers(u)] == \
        ["The grader compares your draws."]
