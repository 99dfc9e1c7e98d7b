"""Does `course grade` hold against a hostile class folder, and do its exports hide and escape
what they must?

One class is built here and graded once (module fixture): an honest student,
links to another student's notebook, to the instructor's source notebook, to
/proc/self/mem and /dev/zero, a FIFO, a sparse 10 GiB file, linked student
and assignment folders, a timestamp.txt that links to a secret file or holds
"not a date", folders named with a newline, non-UTF-8 bytes or a leading
dash, return values a check cannot digest (10**400, deep nesting, complex and
extended-precision arrays, an object whose comparison raises) and a notebook
nested 50,000 levels deep. Each gets its own honest verdict, the run
completes, other students' gradebook rows stay as they were, and the store
and exports are the grader's only. The tests after the fixture need no
grading (exports, codec, discovery units) or only a rerun that grades nothing.
"""
import csv
import json
import os
import sqlite3
import stat
from pathlib import Path
from xml.etree import ElementTree as ET

import nbformat
import numpy as np
import pytest
from click.testing import CliRunner

from autograder import catalog
from autograder.plugin import Result, describe_failure
from autograder.report import print_report, redact
from autograder.runner import Report
from autograder.sandbox import codec
from autograder.submission import SubmissionError, load_submission
from course.cli import main
from course.grading import Options, grade_class
from course.grading import exports
from course.grading.discover import Submission, parse_timestamp, read_regular
from course.grading.gradebook import write_gradebook
from course.grading.records import make_record
from course.grading.store import Store

ROOT = Path(__file__).resolve().parent.parent
KNOWN = ROOT / "tests" / "submissions" / "hw1"
MAX = catalog.get("hw1").points
SECRET = "root:$6$SECRET-HASH-7f3a:19000:0:99999:7:::"

ODD_VALUES = '''
import numpy as np

def init_variance(fan_in, fan_out, scheme):
    return 10**400

def init_weights(widths, scheme, seed):
    x = [1.0]
    for _ in range(60):
        x = [x]
    return x

class Weird:
    def __eq__(self, other):
        raise RuntimeError("no comparing me")
    __lt__ = __gt__ = __le__ = __ge__ = __eq__
    def __float__(self):
        raise RuntimeError("no converting me")

def forward_variances(weights, X, activation):
    return Weird()

def backward_variances(weights, X, activation, G):
    return np.ones(len(weights) + 1, dtype=np.complex128) * 1e308j

def predicted_variances(widths, scheme, activation, x_norm2, delta_out):
    return np.ones(len(widths), dtype=np.longdouble) * np.longdouble(1e4000)

def simulate_variances(widths, scheme, activation, n_trials, seed):
    return float("1e308") * 10, [[[[[[[[[[1]]]]]]]]]]
'''


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _notebook(source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb)


def _gradebook_rows(path, student):
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT b.name, g.auto_score, g.manual_score FROM grade g "
        "JOIN submitted_notebook n ON g.notebook_id = n.id "
        "JOIN submitted_assignment a ON n.assignment_id = a.id "
        "JOIN base_cell b ON b.id = g.cell_id WHERE a.student_id = ? ORDER BY b.name", (student,)).fetchall()
    db.close()
    return rows


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from nbgrader.api import Gradebook

    course = tmp_path_factory.mktemp("course")
    sub = course / "submitted"
    out = course / "grades" / "hw1"
    correct = (KNOWN / "correct_loops.py").read_text()
    _write(sub / "alice" / "hw1" / "hw1.py", correct)
    _write(sub / "alice" / "hw1" / "timestamp.txt", "2026-01-05 10:00:00.000000 UTC\n")
    _write(course / "source" / "hw1" / "hw1.ipynb", _notebook(correct))
    secret = _write(course / "shadow", SECRET + "\n")
    os.chmod(secret, 0o600)
    links = {"linker": "../../alice/hw1/hw1.py", "source": "../../../source/hw1/hw1.ipynb",
             "mem": "/proc/self/mem", "zero": "/dev/zero"}
    for student, target in links.items():
        (sub / student / "hw1").mkdir(parents=True)
        name = "hw1.ipynb" if target.endswith(".ipynb") else "hw1.py"
        os.symlink(target, sub / student / "hw1" / name)
    (sub / "fifo" / "hw1").mkdir(parents=True)
    os.mkfifo(sub / "fifo" / "hw1" / "hw1.py")
    (sub / "huge" / "hw1").mkdir(parents=True)
    with open(sub / "huge" / "hw1" / "hw1.py", "wb") as fh:
        fh.truncate(10 << 30)                                  # sparse: 10 GiB that take no disk
    os.symlink("alice", sub / "eve")
    (sub / "frank").mkdir()
    os.symlink("../alice/hw1", sub / "frank" / "hw1")
    _write(sub / "stamp" / "hw1" / "hw1.py", "x = 1\n")
    os.symlink(secret, sub / "stamp" / "hw1" / "timestamp.txt")
    _write(sub / "notadate" / "hw1" / "hw1.py", "x = 1\n")
    _write(sub / "notadate" / "hw1" / "timestamp.txt", "not a date")
    _write(sub / "odd" / "hw1" / "hw1.py", ODD_VALUES)
    _write(sub / "deep" / "hw1" / "hw1.ipynb", '{"cells": ' + "[" * 50_000 + "]" * 50_000 + "}")
    for bad in (b"-rf", b"new\nline", b"bad\xff\xfe"):
        os.makedirs(os.fsencode(sub) + b"/" + bad + b"/hw1")
        with open(os.fsencode(sub) + b"/" + bad + b"/hw1/hw1.py", "w") as fh:
            fh.write("x = 1\n")

    gb_path = course / "gradebook.db"
    with Gradebook(f"sqlite:///{gb_path}") as gb:           # another student, graded by hand earlier
        gb.add_assignment("hw1")
        gb.add_notebook("hw1", "hw1")
        gb.add_grade_cell("check_init_variance", "hw1", "hw1", max_score=5.5, cell_type="code")
        gb.add_student("zed")
        gb.add_submission("hw1", "zed")
        grade = gb.find_grade("check_init_variance", "hw1", "hw1", "zed")
        grade.manual_score = 3.0
        gb.db.commit()
    zed_before = _gradebook_rows(gb_path, "zed")
    summary = grade_class(Options("hw1", sub, workers=2, timeout=60, progress=False))
    with Store(out / "results.sqlite") as st:
        recs = {r["student"]: st.get(r["student"], "hw1", r["sha256"]) for r in st.rows("hw1")}
    return {"course": course, "sub": sub, "out": out, "summary": summary, "recs": recs,
            "gradebook": gb_path, "zed_before": zed_before}


def test_the_run_completes_with_one_verdict_each(hostile):
    """Does every folder, however hostile, get one verdict, with nothing lost and exit status 0?"""
    s, recs = hostile["summary"], hostile["recs"]
    assert s.complete and not s.lost and not s.gradebook_errors
    named = {"alice", "linker", "source", "mem", "zero", "fifo", "huge", "eve", "frank", "stamp",
             "notadate", "odd", "deep"}
    assert named <= set(recs)
    assert len([k for k in recs if k.startswith("invalid-folder-")]) == 3
    assert s.total == len(recs) == len(named) + 3
    assert not s.statuses.get("error")
    assert recs["alice"]["score"] == MAX


def test_links_fifos_devices_and_huge_files_are_not_read(hostile):
    """Is a link to another student's file, to the instructor's notebook or to /proc/self/mem graded? (No.)"""
    recs = hostile["recs"]
    for student in ("linker", "source", "mem", "zero", "eve", "frank"):
        rec = recs[student]
        assert rec["status"] == "no submission" and rec["score"] == 0, student
        assert "symbolic link" in rec["message"], (student, rec["message"])
        assert "Next:" in rec["message"]
    assert "FIFO" in recs["fifo"]["message"] and recs["fifo"]["score"] == 0
    assert "MiB" in recs["huge"]["message"] and recs["huge"]["score"] == 0
    with pytest.raises(Exception, match="symbolic link"):
        read_regular(hostile["sub"] / "linker" / "hw1" / "hw1.py")


def test_timestamps_are_validated_and_never_read_through_a_link(hostile):
    """Does a bad or linked timestamp.txt become a note, and does the secret it points to stay out?"""
    recs = hostile["recs"]
    assert recs["notadate"]["status"] == "graded" and recs["notadate"]["timestamp"] is None
    assert any("not a date" in n for n in recs["notadate"]["report"]["notes"])
    assert recs["stamp"]["timestamp"] is None
    assert any("symbolic link" in n for n in recs["stamp"]["report"]["notes"])
    assert recs["alice"]["timestamp"].startswith("2026-01-05 10:00:00")
    secret_part = SECRET.split(":")[1]
    for path in [*hostile["out"].rglob("*"), hostile["gradebook"]]:
        if path.is_file():
            assert secret_part.encode() not in path.read_bytes(), path
    db = sqlite3.connect(hostile["gradebook"])
    stamps = dict(db.execute("SELECT student_id, timestamp FROM submitted_assignment"))
    assert stamps["alice"].startswith("2026-01-05 10:00:00") and stamps["notadate"] is None


def test_oddly_named_folders_get_a_verdict_under_a_safe_label(hostile):
    """Do folders named with a newline, non-UTF-8 bytes or a leading dash get a clear verdict,
    stay out of the gradebook and out of file names?"""
    recs = hostile["recs"]
    odd = {k: v for k, v in recs.items() if k.startswith("invalid-folder-")}
    messages = " ".join(v["message"] for v in odd.values())
    assert "-rf" in messages and "new\\nline" in messages and "bad\\xff\\xfe" in messages
    assert all(v["status"] == "no submission" and v["score"] == 0 for v in odd.values())
    db = sqlite3.connect(hostile["gradebook"])
    students = {r[0] for r in db.execute("SELECT id FROM student")}
    assert not any(s.startswith(("invalid", "-")) or "\n" in s for s in students)
    for k in odd:
        assert (hostile["out"] / "feedback" / k / "hw1.md").is_file()


def test_values_a_check_cannot_digest_fail_the_students_check(hostile):
    """Do 10**400, deep nesting, complex and float128 arrays and a raising object cost the
    student's checks (status failed, a clear message), never a grader error or a traceback?"""
    rec = hostile["recs"]["odd"]
    assert rec["status"] == "graded" and rec["score"] == 0
    tests = rec["report"]["tests"]
    assert not [t for t in tests if t["status"] == "grader error"]
    by_fn = {}
    for t in tests:
        by_fn.setdefault(t["function"], set()).add(t["status"])
    assert by_fn["init_variance"] <= {"failed"}
    text = json.dumps(tests)
    assert "digits, too large for a float64" in text
    for leak in ("Traceback", "site-packages", "/autograder/", "bug in the grader"):
        assert leak not in text, leak


def test_a_notebook_nested_50000_levels_is_the_students_verdict(hostile):
    """Is a notebook nested 50,000 levels deep 'not loaded' with a clear message (not a grader error)?"""
    rec = hostile["recs"]["deep"]
    assert rec["status"] == "graded" and rec["score"] == 0
    assert {t["status"] for t in rec["report"]["tests"]} == {"not loaded"}
    assert "nested far too deeply" in rec["report"]["tests"][0]["message"]


def test_store_and_exports_are_private(hostile):
    """Are results.sqlite, the CSV, JUnit, feedback, Gradescope files and a new gradebook 0600 (folders 0700)?"""
    out = hostile["out"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.rglob("*"):
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    for name in ("results.sqlite", "hw1.csv", "junit.xml"):
        assert (out / name).exists()


def test_other_students_gradebook_rows_are_untouched(hostile):
    """Does grading a hostile class leave a student graded by hand earlier exactly as they were?"""
    assert _gradebook_rows(hostile["gradebook"], "zed") == hostile["zed_before"]
    alice = dict((n, a) for n, a, _ in _gradebook_rows(hostile["gradebook"], "alice"))
    assert sum(alice.values()) == pytest.approx(MAX)


def test_rerun_exit_code_output_and_manual_grades(hostile):
    """Does a rerun (nothing to grade) exit 0, print a readable summary to a non-terminal, and
    carry a manual grade set in the gradebook into the CSV, Gradescope and feedback?"""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hostile['gradebook']}") as gb:
        grade = gb.find_grade("check_init_variance", "hw1", "hw1", "alice")
        grade.manual_score = 1.0
        gb.db.commit()
    auto = grade_cells_points(hostile["recs"]["alice"], "check_init_variance")
    res = CliRunner().invoke(main, ["grade", "hw1", str(hostile["sub"]), "--workers", "1"])
    assert res.exit_code == 0, res.output
    text = res.output
    assert "graded in this run" in text and "unchanged since an earlier run (kept)" in text
    n = len(hostile["recs"])
    line = next(ln for ln in text.splitlines() if "below full marks" in ln)
    assert f"(of {n} current verdicts)" in line and line.rstrip(" │").endswith(str(n - 1))
    assert "\x1b[" not in text
    want = MAX - auto + 1.0
    rows = {r["student"]: r for r in csv.DictReader(open(hostile["out"] / "hw1.csv"))}
    assert float(rows["alice"]["score"]) == pytest.approx(want)
    assert float(rows["alice"]["auto_score"]) == pytest.approx(MAX)
    assert "manual" in rows["alice"]["score_source"]
    gs = json.loads((hostile["out"] / "gradescope" / "alice" / "results.json").read_text())
    assert gs["score"] == pytest.approx(want)
    md = (hostile["out"] / "feedback" / "alice" / "hw1.md").read_text()
    assert f"{want:g} / {MAX:g}" in md and "manual" in md


def test_course_grade_without_the_venv_on_path(hostile, tmp_path, monkeypatch):
    """Does `course grade` fill a new gradebook when the venv's bin/ (and `alembic`) is not on PATH?"""
    gb = tmp_path / "fresh-gradebook.db"
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    res = CliRunner().invoke(main, ["grade", "hw1", str(hostile["sub"]), "--workers", "1", "--gradebook", str(gb)])
    assert res.exit_code == 0, res.output
    assert "alembic" not in res.output
    db = sqlite3.connect(gb)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert "alice" in {row[0] for row in db.execute("SELECT id FROM student")}


def grade_cells_points(rec, cell):
    from course.grading.gradebook import cell_points

    return cell_points(rec)[cell][0]


def test_unknown_student_is_a_usage_error(hostile):
    """Is `course grade --student alicee` (no such student) exit 2, naming the closest student?"""
    res = CliRunner().invoke(main, ["grade", "hw1", str(hostile["sub"]), "--student", "alicee",
                                    "--no-gradebook"])
    assert res.exit_code == 2, res.output
    assert "did you mean alice" in res.output and "Known students" in res.output


# ------------------------------------------------------------------ no grading below
def _record(output=""):
    tests = [
        Result(id="hw1::init_variance::pub", function="init_variance", case="pub", passed=False, points=0.0,
               max_points=1.0, status="failed", hidden=False, call="3, 7, 'forward'",
               message="result differs from the reference beyond rtol=1e-10, atol=0.\n  expected: 0.1\n"
                       "  got:      0.2\n  This looks like: fans swapped."),
        Result(id="hw1::init_variance::secret", function="init_variance", case="secret", passed=False,
               points=0.0, max_points=2.0, status="failed", hidden=True, call="HIDDEN_INPUT_4242",
               message="result differs from the reference beyond rtol=1e-10, atol=0.\n  expected: 0.987654321\n"
                       "  got:      0.5\n  This looks like: fans swapped."),
        Result(id="hw1::init_variance::ok", function="init_variance", case="ok", passed=True, points=1.0,
               max_points=1.0, status="passed", hidden=True, call="HIDDEN_INPUT_77"),
    ]
    rep = Report("hw1", "x", results=tests, output=output)
    sub = Submission("mallory", "hw1", Path("."), Path("hw1.py"), sha256="ab" * 32)
    result = {"status": "graded", "report": rep.to_json(), "output": output, "exit_status": 1}
    return make_record(sub, {"sha256": sub.sha256}, result)


INJECT = ("```\n~~~\n</code></pre><script>alert(1)</script>\n# Score: 31.5 / 31.5\n"
          "- score: **31.5 / 31.5**\n\x1b[2J\x00\x07]]>&<tag attr=\"x\">")


def _exports(tmp_path, reveal=False):
    rec = exports.redact_record(exports.with_manual(_record(INJECT)), reveal=reveal)
    exports.export_feedback([rec], tmp_path / "fb")
    exports.export_gradescope([rec], tmp_path / "gs")
    exports.export_junit([rec], tmp_path / "junit.xml")
    return {"md": (tmp_path / "fb" / "mallory" / "hw1.md").read_text(),
            "html": (tmp_path / "fb" / "mallory" / "hw1.html").read_text(),
            "gs": (tmp_path / "gs" / "mallory" / "results.json").read_text(),
            "junit": (tmp_path / "junit.xml").read_text()}


def test_exports_redact_hidden_checks_by_default(tmp_path):
    """Do feedback, JUnit and Gradescope files leave out hidden inputs and expected values (and
    show public inputs), and show them only with reveal?"""
    files = _exports(tmp_path)
    for kind, text in files.items():
        assert "HIDDEN_INPUT" not in text and "0.987654321" not in text, kind
    assert "inputs: 3, 7, 'forward'" in files["md"] and "expected: 0.1" in files["md"]
    assert "This looks like: fans swapped." in files["gs"]
    shown = _exports(tmp_path / "reveal", reveal=True)
    assert "0.987654321" in shown["md"] and "0.987654321" in shown["junit"] and "HIDDEN_INPUT_4242" in shown["gs"]


def test_student_output_is_escaped_in_every_format(tmp_path):
    """Can printed output close the .md fence, inject a score line, a script or break the XML? (No.)"""
    files = _exports(tmp_path)
    md = files["md"].splitlines()
    fence = next(ln for ln in md if ln.startswith("```"))
    opening = md.index(fence)
    marker = fence.rstrip("text")
    assert len(marker) > 3 and md[-1] == marker and marker not in md[opening + 1:-1]
    assert [ln for ln in md[:opening] if "score" in ln.lower()] == ["- score: **1 / 4**"]
    assert all("31.5" not in ln or ln.lstrip().startswith("│") for ln in md[opening:])
    assert "<script>" not in files["html"] and "&lt;script&gt;" in files["html"]
    assert files["html"].count("<title>") == 1 and "mallory" in files["html"].split("</title>")[0]
    assert "ab" * 32 in files["html"]                          # the file hash
    root = ET.fromstring(files["junit"])                       # well-formed despite \x00 and ]]>
    assert root.find("testsuite") is not None and "\x00" not in files["junit"]
    gs = json.loads(files["gs"])
    assert gs["output_format"] == "text" and all(t["output_format"] == "text" for t in gs["tests"])
    assert "run the same command again" not in files["md"]
    assert "course check hw1 hw1.py" in files["md"]


def test_feedback_wraps_long_lines(tmp_path):
    """Are the feedback's lines at most WIDTH characters (wrapped, not cut)?"""
    rec = exports.redact_record(exports.with_manual(_record("word " * 200)))
    text, _ = exports.render_feedback(rec)
    assert max(len(ln) for ln in text.splitlines()) <= exports.WIDTH
    assert text.count("word") == 200


def test_one_redaction_for_every_path():
    """Is the check cells' redaction the exports' (one function), and does it hide values in a first line?"""
    from autograder import notebook

    assert notebook.redact is redact
    assert "4.0" not in redact("result is 3.2, expected 4.0") and "expected" not in redact("x: expected 4")


def test_print_report_plural_and_hidden_not_run(capsys):
    """'1 hidden check' (not 'checks'), and a hidden case NOT RUN says it is hidden."""
    from rich.console import Console

    r = [Result(id="hw1::f::a", function="f", case="a", passed=True, points=1, max_points=1, status="passed"),
         Result(id="hw1::f::h", function="f", case="h", passed=None, points=0, max_points=1, status="not run",
                hidden=True)]
    con = Console(width=100, record=True, file=open(os.devnull, "w"))
    print_report(Report("hw1", "x", results=r), console=con)
    text = con.export_text()
    assert "1 hidden check run at grading time" in text and "NOT RUN (hidden)" in text


def test_gradebook_writes_are_isolated_and_need_no_alembic_on_path(tmp_path, monkeypatch):
    """Does one student's unwritable record leave the others written, with no `alembic` on PATH?"""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    good, bad = _record(), _record()
    good["student"], bad["student"] = "good", "bad"
    bad["timestamp"] = "not a date"                            # as an older version stored it
    url, errors, manual = write_gradebook([bad, good], tmp_path / "gradebook.db", "hw1")
    assert [s for s, _ in errors] == ["bad"] and not manual
    assert stat.S_IMODE((tmp_path / "gradebook.db").stat().st_mode) == 0o600
    rows = dict((n, a) for n, a, _ in _gradebook_rows(tmp_path / "gradebook.db", "good"))
    assert sum(rows.values()) == pytest.approx(good["score"])


def test_codec_and_failures_digest_hostile_values():
    """Does the decoder turn deep nesting and giant ints into opaque values, and does a check
    that overflows on a student's value fail the check without a grader traceback?"""
    deep = {"__list__": [1.0]}
    for _ in range(50):
        deep = {"__list__": [deep]}
    assert "nested" in str(codec.decode(deep).__class__.__name__ + repr(codec.decode(deep)))
    assert isinstance(codec.decode({"__int__": "9" * 5000}), codec.Opaque)
    assert codec.decode({"__int__": "1" + "0" * 400}) == 10**400
    try:
        float(10**400)
    except OverflowError as exc:
        status, message = describe_failure(exc, None, [("f", 10**400)])
    assert status == "failed" and "401 digits" in message
    try:
        np.zeros(2) @ np.zeros(3)
    except ValueError as exc:
        status, message = describe_failure(exc, None, [("f", np.zeros(2))])
    assert status == "grader error" and "site-packages" not in message and "Traceback" not in message


def test_submission_reader_rejects_absurd_notebooks(tmp_path):
    """Is a notebook nested 50,000 levels, or with 'cells': 5, a clean SubmissionError?"""
    p = tmp_path / "hw1.ipynb"
    p.write_text('{"cells": ' + "[" * 50_000 + "]" * 50_000 + "}")
    with pytest.raises(SubmissionError, match="nested"):
        load_submission(p)
    p.write_text('{"cells": 5}')
    with pytest.raises(SubmissionError, match="not a list"):
        load_submission(p)


@pytest.mark.parametrize("text,ok", [
    ("2026-01-05 10:00:00.000000 UTC", "2026-01-05 10:00:00"),
    ("2026-01-05T11:00:00+01:00", "2026-01-05 10:00:00"),
    ("2026-01-05 10:00:00 +0100", "2026-01-05 09:00:00"),
    ("not a date", None), ("2999-01-01 00:00:00", None), ("1970-01-01", None), ("", None),
    ("2026-01-05\n2026-01-06", None)])
def test_parse_timestamp(text, ok):
    """Is a timestamp normalised to UTC, and a bad, future or absurd one refused with a note?"""
    value, note = parse_timestamp(text)
    if ok is None:
        assert value is None and note
    else:
        assert value.startswith(ok) and not note


def test_an_unreadable_reply_is_the_students_failure():
    """Does a reply the grader cannot even parse (RecursionError) fail the student's check, and is
    each returned value remembered for the failure's description?"""
    from autograder.plugin import Undigestible, _Watched

    class Item:
        pass

    class Inner:
        timeout = 1.0

        def call(self, fn, *a, **k):
            if fn == "deep":
                raise RecursionError("maximum recursion depth exceeded")
            return 10**400

    item = Item()
    student = _Watched(Inner(), item)
    with pytest.raises(Undigestible, match="nested too deeply"):
        student.deep()
    assert student.big(1) == 10**400 and item._course_values == [("big", 10**400)]
    status, message = describe_failure(Undigestible("x"), None)
    assert status == "failed"


def test_exit_code_reports_the_grading_not_a_students_file(tmp_path, monkeypatch):
    """Is a class of only broken folders exit 0 (each has its verdict), and a failed gradebook write exit 1?"""
    from course.grading import batch

    sub = tmp_path / "submitted"
    (sub / "amy" / "hw1").mkdir(parents=True)
    os.symlink("/proc/self/mem", sub / "amy" / "hw1" / "hw1.py")
    (sub / "ben" / "hw1").mkdir(parents=True)
    os.mkfifo(sub / "ben" / "hw1" / "hw1.ipynb")
    res = CliRunner().invoke(main, ["grade", "hw1", str(sub), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "not in the gradebook" not in res.output

    def failing(records, target, assignment):
        return "sqlite:///x", [("amy", "OperationalError: database is locked")], {}

    monkeypatch.setattr(batch, "write_gradebook", failing)
    res = CliRunner().invoke(main, ["grade", "hw1", str(sub), "--workers", "1"])
    assert res.exit_code == 1, res.output
    assert "not in the gradebook: amy: OperationalError" in res.output
