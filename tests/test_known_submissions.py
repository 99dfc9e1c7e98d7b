"""Does every known submission get the verdict its EXPECT header states?

Wrong submissions (one realistic slip each) must fail a check of the
function they break, with a message naming the slip; correct ones written
differently from the reference must pass everything, hidden checks included.
A wrong submission is graded on the functions its header names (the one it
breaks, and those that must still pass), hidden checks included: what the
other functions score is not part of its expectation, and grading them too
took five times as long (hw6).
"""
import pytest

import verdicts
from autograder import catalog
from autograder.runner import run_checks
from conftest import known_submissions, materialise, one_score_on_every_path, parse_expect


@pytest.mark.parametrize("assignment,source", known_submissions())
def test_known_submission(assignment, source, tmp_path):
    path = materialise(assignment, source, tmp_path)
    expect_fail, expect_pass, hints = parse_expect(path)
    assert expect_fail or expect_pass, f"{path.name} has no EXPECT header"
    named = () if "all" in expect_pass else tuple(sorted(expect_fail | expect_pass))
    rep = run_checks(assignment, path, hidden=True, functions=named)
    assert not rep.grader_errors, [r.message for r in rep.grader_errors]
    key = f"{assignment}/{path.stem}"
    if verdicts.WRITE:
        verdicts.record(key, rep)
    elif not verdicts.varies(source):
        # every verdict, point and message as recorded (tests/verdicts.py)
        diff = verdicts.differences(key, rep)
        assert not diff, "\n".join(diff)
    one_score_on_every_path(assignment, rep)
    by_fn = {}
    for r in rep.ran:
        by_fn.setdefault(r.function, []).append(r)
    if "all" in expect_pass:
        bad = [f"{r.id}: {r.message}" for r in rep.ran if not r.passed]
        assert not bad, "\n".join(bad)
        # full marks: the assignment's whole total, so the twin gate (test_attacks.py)
        # withdraws nothing from a correct submission
        assert rep.score == rep.max_score > 0
        assert rep.max_score == pytest.approx(catalog.get(assignment).points)
        return
    for fn in expect_fail:
        assert fn in by_fn, f"no check of {fn} ran"
        assert any(not r.passed for r in by_fn[fn]), f"{path.name}: every check of {fn} passed"
    for fn in expect_pass:
        bad = [f"{r.id}: {r.message}" for r in by_fn.get(fn, []) if not r.passed]
        assert fn in by_fn and not bad, "\n".join(bad) or f"no check of {fn} ran"
    messages = "\n".join(r.message for r in rep.ran if not r.passed)
    for h in hints:
        assert h.lower() in messages.lower(), f"hint {h!r} not in:\n{messages}"
    assert rep.score < rep.max_score
