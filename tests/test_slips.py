"""The slip descriptors of tests/slips/ themselves: each applies to its base,
names graded functions that exist, and reads back as the header the
known-submission test parses (the grading of each one is that test's)."""
import ast

import pytest

import slips
from autograder import catalog
from conftest import SUBMISSIONS, known_submissions, parse_expect

ALL = [(hw, s) for hw in slips.assignments() for s in slips.load(hw)]


@pytest.mark.parametrize("hw,s", ALL, ids=[f"{hw}/{s.id}" for hw, s in ALL])
def test_slip_applies_and_names_real_functions(hw, s, tmp_path):
    functions = set(catalog.get(hw).functions)
    assert s.fail, f"{s.id}: a known-wrong submission must fail something"
    assert set(s.fail) <= functions and set(s.passes) - {"all"} <= functions, (s.fail, s.passes)
    assert not set(s.fail) & set(s.passes)
    assert s.what and "\n" not in s.what
    path = s.write(hw, tmp_path)
    text = path.read_text()
    ast.parse(text)                                     # still Python
    assert text != s.base_path(hw).read_text()          # an edit, not the base
    fail, passes, hints = parse_expect(path)
    assert (fail, passes, hints) == (set(s.fail), set(s.passes), list(s.hints))


def test_edit_that_no_longer_applies_is_reported(tmp_path):
    bad = slips.slip("gone", "An edit of text the base does not hold.", fail="init_variance",
                     edits=[("this text is not in the reference", "x")])
    with pytest.raises(slips.SlipError, match="occurs 0 times"):
        bad.write("hw1", tmp_path)
    twice = slips.slip("twice", "An ambiguous edit.", fail="init_variance", edits=[("return", "return")])
    with pytest.raises(slips.SlipError, match="must be once"):
        twice.write("hw1", tmp_path)


def test_every_assignment_has_known_wrong_and_correct_submissions():
    params = known_submissions()
    ids = {p.id for p in params}
    for hw in catalog.ids():
        wrong = [i for i in ids if i.startswith(f"{hw}/wrong_")]
        correct = [i for i in ids if i.startswith(f"{hw}/correct_")]
        assert len(wrong) >= 10 and len(correct) >= 2, (hw, len(wrong), len(correct))
    # whole files stay only for correct alternatives and hostile or many-place rewrites
    whole = sorted(p.name for p in SUBMISSIONS.glob("hw*/wrong_*.py"))
    assert len(whole) <= 6, whole
