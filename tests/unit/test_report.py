"""autograder.report: redaction shows no values of hidden checks, clean_text makes
any student text safe for XML/JSON, plural agrees, JUnit counts what ran."""
import json
import re
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.plugin import Result
from autograder.report import clean_text, plural, redact, to_json, to_junit
from autograder.runner import Report

# ---------------------------------------------------------------- redact
CLOSE_FAILURE = """result differs from the reference beyond rtol=1e-10, atol=0.
  expected: [0.5, 0.25, 0.125]
  got:      [1.0, 0.5, 0.25]
  mismatch in 3 of 3 entries; max abs error 0.5 at index (0,), max rel error 1
  This looks like: fan_in and fan_out swapped."""


def test_redact_keeps_the_kind_and_the_hint_and_drops_every_value():
    out = redact(CLOSE_FAILURE)
    assert out.splitlines() == ["result differs from the reference beyond rtol=1e-10, atol=0.",
                                "This looks like: fan_in and fan_out swapped."]
    assert "0.25" not in out and "0.5" not in out


@pytest.mark.parametrize("first, kept", [
    ("result has shape (3,), expected (4,).", "result has shape (3,) (values of hidden checks are not shown)."),
    ("result contains NaN (1 entries, first at index (2,)), where the reference is finite (0.3). "
     "Next: look for 0/0.", "result contains NaN (1 entries, first at index (2,)) (values of hidden checks are "
     "not shown). Next: look for 0/0."),
    ("the mean is 0.7; theory says 0.5 with sampling error 0.01.", "the mean is 0.7"),
    ("expected ValueError to be raised, but it returned 0.5.", " (values of hidden checks are not shown)."),
    ("got -1.2: the reference value is 3.", "got -1.2 (values of hidden checks are not shown)."),
])
def test_redact_cuts_the_first_line_where_values_start(first, kept):
    assert redact(first).splitlines()[0] == kept


def test_redact_keeps_the_students_own_frames_and_value_free_lines():
    msg = ("your function raised ZeroDivisionError: division by zero\n"
           "  inputs were x = 3\n"
           "  Your matrix is the transpose of the expected one.\n"
           "  Your values are the reference times a constant 3.5: a missing factor?\n"
           "  Next: guard against n = 0.\n"
           "Your code, innermost call last:\n"
           '  File "submission.py", line 4, in f\n'
           "    return 1 / (n - 3)")
    out = redact(msg).splitlines()
    assert out[0] == "your function raised ZeroDivisionError (values of hidden checks are not shown)."
    assert "Your matrix is the transpose of the expected one." in out
    assert not any("3.5" in line or "x = 3" in line for line in out)
    assert "Next: guard against n = 0." in out
    assert out[-3:] == ["Your code, innermost call last:", '  File "submission.py", line 4, in f',
                        "    return 1 / (n - 3)"]


def test_redact_of_a_message_without_values_keeps_it():
    assert redact("init_variance is missing from your submission.") == \
        "init_variance is missing from your submission."


# ---------------------------------------------------------------- clean_text
def test_clean_text_strips_terminal_escapes_and_control_characters():
    assert clean_text("\x1b[31mred\x1b[0m text") == "red text"
    assert clean_text("\x1b]0;title\x07after") == "after"
    assert clean_text("a\x00b\x07c\x7fd") == "a\ufffdb\ufffdc\ufffdd"
    assert clean_text("line1\r\nline2\rline3\ttab") == "line1\nline2\nline3\ttab"
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean_text(3.5) == "3.5"


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xFFFF), max_size=40))
def test_clean_text_is_always_valid_in_xml_and_json(text):
    out = clean_text(text)
    assert not _XML_BAD.search(out)
    assert "\r" not in out
    el = ET.Element("m")
    el.text = out
    assert ET.fromstring(ET.tostring(el, encoding="unicode")).text in (out, None if out == "" else out)
    assert json.loads(json.dumps(out)) == out


# ---------------------------------------------------------------- plural
@pytest.mark.parametrize("n, args, text", [
    (0, ("check",), "0 checks"), (1, ("check",), "1 check"), (2, ("check",), "2 checks"),
    (1, ("hidden check",), "1 hidden check"), (3, ("entry", "entries"), "3 entries"),
    (1, ("entry", "entries"), "1 entry"),
])
def test_plural(n, args, text):
    assert plural(n, *args) == text


# ---------------------------------------------------------------- to_junit / to_json
def _report():
    rep = Report("hw1", "sub.py", seconds=1.25)
    rep.results = [
        Result("hw1::f::a", "f", "a", True, 1.0, 1.0, "passed", duration=0.5),
        Result("hw1::f::b", "f", "b", False, 0.0, 2.0, "failed", message="got 3\x1b[31m\x00 <&>", duration=0.1),
        Result("hw1::g::h", "g", "h", None, 0.0, 1.5, "not run", hidden=True, call="secret input"),
    ]
    return rep


def test_to_junit_counts_and_cleans():
    root = ET.fromstring(to_junit([_report()], properties=[{"student": "bob\x01"}]))
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "hw1:sub.py"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("time")) == ("2", "1", "1",
                                                                                                      "1.250")
    assert suite.find("properties/property").attrib == {"name": "student", "value": "bob\ufffd"}
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [("hw1.f", "a"), ("hw1.f", "b"), ("hw1.g", "h")]
    assert cases[0].find("properties/property").get("value") == "1/1"
    assert cases[0].find("failure") is None and cases[0].find("skipped") is None
    assert cases[1].find("failure").get("message") == "failed"
    assert cases[1].find("failure").text == "got 3\ufffd <&>"
    assert cases[2].find("skipped").get("message") == "hidden check: runs at grading time"
    assert "secret input" not in to_junit([_report()])


def test_to_junit_of_several_reports_without_properties():
    root = ET.fromstring(to_junit([_report(), _report()]))
    assert len(root.findall("testsuite")) == 2
    assert root.find("testsuite/properties") is None


def test_to_json_hides_the_inputs_of_a_hidden_check_not_run():
    data = json.loads(to_json(_report()))
    assert data["score"] == 1.0 and data["max_score"] == 3.0 and data["hidden_not_run"] == 1
    assert "call" not in data["tests"][2]
    assert data["tests"][1]["message"].startswith("got 3")
