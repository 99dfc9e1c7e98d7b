"""The class page and the student feedback pages that `course grade` writes.

One small hw1 class is graded once (module fixture): a correct submission
(with nbgrader's submission_secret.txt), one with a named slip (fan_in and
fan_out swapped, whose secret is a symbolic link that must not be read), a
disguised copy of it, a wrong one without a named slip, an empty folder, and
one whose returned value is markup. The page's numbers are compared with the CSV's.
"""
import csv
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import catalog
from autograder.report import redact
from course.cli import main
from course.grading import Options, grade_class
from course.grading.classpage import class_stats, slips_of
from course.grading.store import Store
from conftest import known_file

ROOT = Path(__file__).resolve().parent.parent
KNOWN = ROOT / "tests" / "submissions" / "hw1"
FNS = list(catalog.get("hw1").functions)
MARKUP = "<script>alert(1)</script>"


def _disguised(source):
    """A copy with its helpers' and locals' names changed, comments rewritten and blank lines added."""
    for a, b in (("_phi", "_act_fn"), ("_dphi", "_act_deriv"), ("activation", "nonlin"), ("_SCHEMES", "KINDS")):
        source = re.sub(rf"\b{a}\b", b, source)
    lines = [line + "   # mine" if line.strip().startswith("return") else line for line in source.splitlines()]
    return "# my own work\n" + "\n\n".join(lines) + "\n"


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    sub = course / "submitted"
    correct = (KNOWN / "correct_loops.py").read_text()
    _write(sub / "ann" / "hw1", "hw1.py", correct)
    _write(sub / "ann" / "hw1", "submission_secret.txt", "a1b2c3d4e5f6\n")
    _write(sub / "bob" / "hw1", "hw1.py", known_file("hw1", "wrong_fans_swapped").read_text())
    _write(course, "instructor_secret.txt", "INSTRUCTOR-ONLY")
    os.symlink(course / "instructor_secret.txt", sub / "bob" / "hw1" / "submission_secret.txt")
    _write(sub / "cat" / "hw1", "hw1.py", known_file("hw1", "wrong_variance_as_std").read_text())
    (sub / "dan" / "hw1").mkdir(parents=True)
    _write(sub / "eve" / "hw1", "hw1.py", correct + (
        f"\n\ndef init_variance(fan_in, fan_out, scheme):\n    return {MARKUP!r}\n"))
    _write(sub / "fay" / "hw1", "hw1.py", _disguised(known_file("hw1", "wrong_fans_swapped").read_text()))
    summary = grade_class(Options("hw1", sub, workers=2, timeout=60, progress=False, gradebook=None))
    out = course / "grades" / "hw1"
    with open(out / "hw1.csv", newline="") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    with Store(out / "results.sqlite") as st:
        recs = {r["student"]: r for r in st.current_records("hw1")}
    return {"course": course, "out": out, "summary": summary, "rows": rows, "recs": recs,
            "page": (out / "hw1-class.html").read_text()}


class Tables(HTMLParser):
    """Every <table id=...> of a page as rows of cell texts, and every data-stat value."""

    def __init__(self):
        super().__init__()
        self.tables, self.stats, self._table, self._row, self._cell = {}, {}, None, None, None
        self._stat = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "id" in a:
            self._table = self.tables.setdefault(a["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "b" and "data-stat" in a:
            self._stat = a["data-stat"]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._stat:
            self.stats[self._stat] = data
            self._stat = None


def parse(page):
    p = Tables()
    p.feed(page)
    return p


def _students_table(page):
    rows = parse(page).tables["students"]
    head = rows[0]
    return {r[0]: dict(zip(head, r)) for r in rows[1:]}


def test_class_page_numbers_equal_the_csv(graded):
    """Does the class page show every student with the CSV's status, score, maximum and function points?"""
    page, rows = graded["page"], graded["rows"]
    shown = _students_table(page)
    assert sorted(shown) == sorted(rows) == ["ann", "bob", "cat", "dan", "eve", "fay"]
    for student, row in rows.items():
        s = shown[student]
        assert s["status"] == row["status"]
        assert float(s["score"]) == pytest.approx(float(row["score"]), abs=1e-9)
        assert float(s["max"]) == pytest.approx(float(row["max_score"]), abs=1e-9)
        for f in FNS:
            assert float(s[f]) == pytest.approx(float(row[f]), abs=1e-9), (student, f)
    scores = sorted(float(r["score"]) for r in rows.values())
    stats = parse(page).stats
    assert float(stats["mean"]) == pytest.approx(sum(scores) / len(scores), abs=0.005)
    assert float(stats["median"]) == pytest.approx(scores[len(scores) // 2], abs=1e-9)


def test_function_failure_rates_equal_the_csv(graded):
    """Is each function's 'lost points' count the number of graded CSV rows below that function's full marks?"""
    rows = graded["rows"]
    full = {f: float(rows["ann"][f]) for f in FNS}          # ann's submission is correct
    table = {r[0]: r[1] for r in parse(graded["page"]).tables["functions"][1:]}
    graded_rows = [r for r in rows.values() if r["status"] == "graded"]
    for f in FNS:
        lost = sum(1 for r in graded_rows if float(r[f]) < full[f] - 1e-9)
        assert table[f] == f"{lost} / {len(graded_rows)}", f
    assert table["init_variance"] != f"0 / {len(graded_rows)}"    # bob and eve lose points there


def test_named_slips_and_students_below_threshold(graded):
    """Does the page name bob's slip, and list exactly the students below 60% of the maximum?"""
    slips = {r[0]: r for r in parse(graded["page"]).tables["slips"][1:]}
    assert "fan_in and fan_out swapped" in slips
    assert "bob" in slips["fan_in and fan_out swapped"][2]
    below = {s for s, r in graded["rows"].items() if float(r["score"]) < 0.6 * float(r["max_score"])}
    listed = set(re.findall(r'<li><a href="#student-([^"]+)">', graded["page"].split('id="attention"')[1]
                            .split("<h2>")[0]))
    assert listed == below and "dan" in below


def test_class_page_shows_confinement_and_is_offline_and_escaped(graded):
    """Does the page carry the stored isolation, load nothing from elsewhere, and escape student markup?"""
    page = graded["page"]
    iso = {r[0]: r[1] for r in parse(page).tables["isolation"][1:]}
    stored = [r["report"]["isolation"] for r in graded["recs"].values() if r["status"] == "graded"]
    assert stored and stored[0] in iso and int(iso[stored[0]]) == stored.count(stored[0])
    assert "<svg" in page and MARKUP not in page
    assert not re.search(r"<(script|link|img|iframe)\b", page, re.I)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:|//)", page, re.I) and "@import" not in page
    mode = stat.S_IMODE(os.stat(graded["out"] / "hw1-class.html").st_mode)
    assert mode == 0o600


def test_course_report_rebuilds_the_page_from_the_store(graded, tmp_path):
    """Does `course report` rebuild the same student table from the store, with its own threshold?"""
    out = graded["out"]
    (out / "hw1-class.html").rename(tmp_path / "before.html")
    res = CliRunner().invoke(main, ["report", "hw1", "--out", str(out), "--threshold", "0.9",
                                    "--no-gradebook"])
    assert res.exit_code == 0, res.output
    page = (out / "hw1-class.html").read_text()
    assert _students_table(page) == _students_table(graded["page"])
    assert "Students below 90% of the maximum" in page
    res = CliRunner().invoke(main, ["report", "hw1", "--out", str(tmp_path / "nothing")])
    assert res.exit_code != 0 and "course grade hw1" in res.output


def test_class_stats_unit():
    """Does a failed check count once per student, with its slip, and only for graded submissions?"""
    def rec(student, status, passed, msg):
        t = {"id": "hw1::init_variance::a", "function": "init_variance", "case": "a", "passed": passed,
             "points": 1.0 if passed else 0.0, "max_points": 1.0, "status": "passed" if passed else "failed",
             "message": msg, "hidden": False}
        return {"student": student, "status": status, "score": t["points"], "max_score": 1.0,
                "report": {"tests": [t], "isolation": "x"}}
    recs = [rec("a", "graded", True, ""), rec("b", "graded", False, "bad\nThis looks like: a slip."),
            rec("c", "timeout", False, "This looks like: other.")]
    st = class_stats(recs, "hw1", threshold=0.5)
    assert st["checks"][0]["failed"] == 1 and st["checks"][0]["ran"] == 2
    assert st["slips"] == [("a slip", 1, ["b"])]
    assert [r["student"] for r in st["below"]] == ["b", "c"]
    assert slips_of("x\nThis looks like: fan_in and fan_out swapped.\n") == ["fan_in and fan_out swapped"]


# ------------------------------------------------------------------ feedback in nbgrader's layout
def test_feedback_in_nbgrader_layout(graded):
    """Is each student's page where `nbgrader release_feedback` looks, with its timestamp and secret?"""
    fb = graded["course"] / "feedback"
    for student in graded["rows"]:
        folder = fb / student / "hw1"
        for name in ("hw1.html", "timestamp.txt", "submission_secret.txt"):
            p = folder / name
            assert p.is_file() and stat.S_IMODE(p.stat().st_mode) == 0o600, p
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} UTC", (folder / "timestamp.txt").read_text())
    assert (fb / "ann" / "hw1" / "submission_secret.txt").read_text() == "a1b2c3d4e5f6"
    bob_secret = (fb / "bob" / "hw1" / "submission_secret.txt").read_text()
    assert "INSTRUCTOR" not in bob_secret and re.fullmatch(r"[0-9a-f]{32}", bob_secret)


def test_feedback_page_says_what_failed_why_and_the_slip_without_hidden_values(graded):
    """Does bob's page list his failed checks with the slip highlighted, and hide hidden checks' values?"""
    page = (graded["course"] / "feedback" / "bob" / "hw1" / "hw1.html").read_text()
    assert "What failed and why" in page and '<span class="slip">fan_in and fan_out swapped</span>' in page
    rec = graded["recs"]["bob"]
    hidden = [t for t in rec["report"]["tests"] if t.get("hidden") and not t["passed"]]
    public = [t for t in rec["report"]["tests"] if not t.get("hidden") and not t["passed"]]
    assert hidden and public
    for t in hidden:
        for line in t["message"].splitlines():
            if "expected" in line and line.strip() not in redact(t["message"]):
                assert line.strip() not in page, line
        if t.get("call"):
            assert t["call"] not in page
    assert any("expected" in line for t in public for line in t["message"].splitlines())
    ann = (graded["course"] / "feedback" / "ann" / "hw1" / "hw1.html").read_text()
    assert "Every check passed." in ann
    eve = (graded["course"] / "feedback" / "eve" / "hw1" / "hw1.html").read_text()
    assert MARKUP not in eve and "&lt;script&gt;" in eve


# ------------------------------------------------------------------ course override
def _copy(graded, tmp_path):
    import shutil

    course = tmp_path / "course"
    shutil.copytree(graded["course"], course, symlinks=True)
    return course, course / "grades" / "hw1"


def _csv(out):
    with open(out / "hw1.csv", newline="") as fh:
        return {r["student"]: r for r in csv.DictReader(fh)}


def test_override_without_gradebook_reaches_every_export(graded, tmp_path):
    """Does an override kept in the store alone change the CSV, Gradescope, JUnit, feedback and class page,
    and survive the next `course grade`?"""
    import json
    from xml.etree import ElementTree as ET

    course, out = _copy(graded, tmp_path)
    auto = graded["rows"]["bob"]
    res = CliRunner().invoke(main, ["override", "hw1", "bob", "init_variance", "4", "--comment",
                                    "<b>partial credit</b>", "--out", str(out), "--no-gradebook"])
    assert res.exit_code == 0, res.output
    want = float(auto["score"]) - float(auto["init_variance"]) + 4
    for _ in range(2):            # after the override, and after a later `course grade` (nothing to grade)
        row = _csv(out)["bob"]
        assert float(row["score"]) == pytest.approx(want) and float(row["init_variance"]) == 4
        assert float(row["auto_score"]) == pytest.approx(float(auto["score"]))
        assert "course override" in row["score_source"]
        gs = json.loads((out / "gradescope" / "bob" / "results.json").read_text())
        assert gs["score"] == pytest.approx(want)
        suite = [s for s in ET.parse(out / "junit.xml").getroot() if "bob" in s.get("name")][0]
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert float(props["score"]) == pytest.approx(want)
        page = (course / "feedback" / "bob" / "hw1" / "hw1.html").read_text()
        assert "&lt;b&gt;partial credit&lt;/b&gt;" in page and "<b>partial credit</b>" not in page
        shown = _students_table((out / "hw1-class.html").read_text())["bob"]
        assert float(shown["score"]) == pytest.approx(want) and float(shown["init_variance"]) == 4
        assert _csv(out)["ann"] == graded["rows"]["ann"] | {"graded_at": _csv(out)["ann"]["graded_at"]}
        s = grade_class(Options("hw1", course / "submitted", workers=1, progress=False, gradebook=None))
        assert s.committed == 0


def test_override_is_a_manual_grade_in_the_gradebook(graded, tmp_path):
    """Does an override land as nbgrader manual scores and a comment, and does a later formgrader edit win?"""
    from nbgrader.api import Gradebook

    course, out = _copy(graded, tmp_path)
    gb_path = course / "gradebook.db"
    res = CliRunner().invoke(main, ["override", "hw1", "bob", "init_variance", "4", "--comment", "ok",
                                    "--out", str(out), "--gradebook", str(gb_path)])
    assert res.exit_code == 0, res.output
    with Gradebook(f"sqlite:///{gb_path}") as gb:
        g_pub = gb.find_grade("check_init_variance", "hw1", "hw1", "bob")
        g_hid = gb.find_grade("hidden_init_variance", "hw1", "hw1", "bob")
        assert g_pub.manual_score + g_hid.manual_score == pytest.approx(4)
        assert gb.find_submission("hw1", "bob").score == pytest.approx(float(_csv(out)["bob"]["score"]))
        g_hid.manual_score = 0.0              # the instructor changes it again in formgrader
        gb.db.commit()
        final = gb.find_submission("hw1", "bob").score
    res = CliRunner().invoke(main, ["report", "hw1", "--out", str(out), "--gradebook", str(gb_path)])
    assert res.exit_code == 0, res.output
    shown = _students_table((out / "hw1-class.html").read_text())["bob"]
    assert float(shown["score"]) == pytest.approx(final)
    bad = CliRunner().invoke(main, ["override", "hw1", "bob", "init_variance", "99", "--comment", "x",
                                    "--out", str(out), "--no-gradebook"])
    assert bad.exit_code == 2 and "0 to" in bad.output


# ------------------------------------------------------------------ deadlines
def test_deadlines_flag_late_students_in_every_export(graded, tmp_path):
    """Are late flags and the penalty, from nbgrader's timestamp or the collection time, in the CSV,
    Gradescope, feedback and class page, and kept by `course report`?"""
    import json

    from course.grading.deadlines import make_policy, parse_when

    course, out = _copy(graded, tmp_path)
    sub = course / "submitted"
    (sub / "ann" / "hw1" / "timestamp.txt").write_text("2026-01-10 09:00:00.000000 UTC")   # on time
    (sub / "cat" / "hw1" / "timestamp.txt").write_text("2026-01-12 09:00:00 UTC")  # late, but extended
    (sub / "eve" / "hw1" / "timestamp.txt").write_text("2026-01-11 01:00:00+00:00")  # 1 h late
    (sub / "bob" / "hw1" / "timestamp.txt").write_text("2999-01-01 00:00:00 UTC")   # future: a note
    due = parse_when("2026-01-11T00:00:00Z")
    policy = make_policy(due, {"cat": "2026-01-13T00:00:00+00:00"}, late_penalty=10)
    s = grade_class(Options("hw1", sub, workers=1, progress=False, gradebook=None, deadline=policy))
    assert s.committed == 0                          # nothing graded again: only the exports change
    rows = _csv(out)
    assert rows["ann"]["late"] == "no" and rows["cat"]["late"] == "no"
    assert rows["eve"]["late"] == "yes" and rows["eve"]["late_penalty_pct"] == "10"
    assert float(rows["eve"]["score"]) == pytest.approx(0.9 * float(rows["eve"]["auto_score"]))
    assert rows["cat"]["due"].startswith("2026-01-13")
    # bob's timestamp is refused (future): the collection time is used, long after the due date
    assert rows["bob"]["late"] == "yes" and float(rows["bob"]["late_penalty_pct"]) == 100
    assert float(rows["bob"]["score"]) == 0
    gs = json.loads((out / "gradescope" / "eve" / "results.json").read_text())
    assert gs["score"] == pytest.approx(float(rows["eve"]["score"])) and "late by 1 h" in gs["output"]
    fb = (course / "feedback" / "bob" / "hw1" / "hw1.html").read_text()
    assert "date in the future" in fb and "collection time" in fb
    page = (out / "hw1-class.html").read_text()
    shown = _students_table(page)
    for st, row in rows.items():
        assert float(shown[st]["score"]) == pytest.approx(float(row["score"]))
        assert shown[st]["late"].startswith("late") == (row["late"] == "yes")
    assert parse(page).stats["late"] == str(sum(r["late"] == "yes" for r in rows.values()))
    res = CliRunner().invoke(main, ["report", "hw1", "--out", str(out), "--no-gradebook"])
    assert res.exit_code == 0, res.output
    assert _students_table((out / "hw1-class.html").read_text()) == shown


def test_deadline_inputs_are_checked():
    """Do a bad due date, extensions file or penalty get a clear error, and extensions in days work?"""
    from course.grading.deadlines import DeadlineError, lateness, make_policy, parse_when, read_extensions

    due = parse_when("2026-01-11T00:00:00+01:00")
    assert due.isoformat() == "2026-01-10T23:00:00+00:00"
    assert read_extensions(b"student,days\nann,1.5\n", due) == {"ann": "2026-01-12T11:00:00+00:00"}
    for bad in (b"name,days\nann,1\n", b"student,days\nann,-1\n", b"student,due\nann,tomorrow\n"):
        with pytest.raises(DeadlineError, match="Next|--due|line"):
            read_extensions(bad, due)
    with pytest.raises(DeadlineError):
        parse_when("2026-13-40")
    with pytest.raises(DeadlineError):
        make_policy(None, {}, late_penalty=5)
    pol = make_policy(due, {}, late_penalty=25)
    rec = {"student": "x", "status": "graded", "timestamp": "2026-01-12 23:30:00.000000",
           "graded_at": "2026-01-20T00:00:00+00:00"}
    late = lateness(rec, pol)
    assert late["days_late"] == 3 and late["penalty_pct"] == 75 and late["source"] == "nbgrader timestamp"
    rec["graded_at"] = "2026-01-11T00:00:00+00:00"     # a timestamp later than collection is not trusted
    late = lateness(rec, pol)
    assert late["source"] == "collection time" and late["days_late"] == 1 and late["notes"]
    res = CliRunner().invoke(main, ["grade", "hw1", "nowhere", "--due", "soon"])
    assert res.exit_code == 2 and "ISO 8601" in res.output


# ------------------------------------------------------------------ LMS and Gradescope
def test_canvas_and_moodle_csvs_carry_the_class_csv_scores(graded, tmp_path):
    """Are the Canvas and Moodle files in their importers' layouts, with the class CSV's scores,
    the roster's ids, and no spreadsheet formula from a roster cell?"""
    course, out = _copy(graded, tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,Name,ID,SIS User ID,SIS Login ID,Section,ID number\n"
                      "ann,=HYPERLINK(\"x\"),1001,S-ann,ann@uni,Sec A,77\n")
    rows = _csv(out)
    res = CliRunner().invoke(main, ["export", "hw1", "--to", "canvas", "--out", str(out), "--roster", str(roster),
                                    "--column", "Homework 1 (42)"])
    assert res.exit_code == 0, res.output
    with open(out / "hw1-canvas.csv", newline="") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 1 (42)"]
    assert canvas[1][0].strip() == "Points Possible" and float(canvas[1][5]) == float(rows["ann"]["max_score"])
    body = {r[2]: r for r in canvas[2:]}
    assert body["S-ann"][:5] == ["'=HYPERLINK(\"x\")", "1001", "S-ann", "ann@uni", "Sec A"]
    assert set(body) == {"S-ann", "bob", "cat", "dan", "eve", "fay"}
    for st, row in rows.items():
        assert float(body["S-ann" if st == "ann" else st][5]) == pytest.approx(float(row["score"]))
    res = CliRunner().invoke(main, ["export", "hw1", "--to", "moodle", "--out", str(out), "--roster", str(roster)])
    assert res.exit_code == 0, res.output
    with open(out / "hw1-moodle.csv", newline="") as fh:
        moodle = list(csv.reader(fh))
    assert moodle[0] == ["ID number", "hw1", "Feedback"]
    got = {r[0]: float(r[1]) for r in moodle[1:]}
    assert got == {("77" if st == "ann" else st): float(r["score"]) for st, r in rows.items()}
    assert stat.S_IMODE(os.stat(out / "hw1-moodle.csv").st_mode) == 0o600


def test_gradescope_bundle_runs_on_a_fake_gradescope_layout(graded, tmp_path):
    """Does the bundle's run_autograder grade /autograder/submission (moved by env vars) as `course grade`
    did, writing Gradescope's results.json with hidden checks redacted?"""
    import json
    import subprocess
    import sys
    import zipfile

    wheel = tmp_path / "dltheory_course-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK\x05\x06" + b"\0" * 18)           # stands for the course wheel setup.sh installs
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["export", "hw1", "--to", "gradescope-bundle", "--out", str(out),
                                    "--wheel", str(wheel)])
    assert res.exit_code == 0, res.output
    ag = tmp_path / "autograder"
    with zipfile.ZipFile(out / "hw1-gradescope-autograder.zip") as zf:
        assert sorted(zf.namelist()) == sorted(["setup.sh", "run_autograder", wheel.name])
        for name in ("setup.sh", "run_autograder"):
            assert (zf.getinfo(name).external_attr >> 16) & 0o111
        zf.extractall(ag / "source")
    setup = (ag / "source" / "setup.sh").read_text()
    assert f"/autograder/source/{wheel.name}" in setup and "download.pytorch.org/whl/cpu" in setup
    run = ag / "source" / "run_autograder"
    run.chmod(0o755)

    def grade(files):
        sub, results = ag / "submission", ag / "results"
        import shutil
        shutil.rmtree(sub, ignore_errors=True)
        sub.mkdir(parents=True)
        for name, text in files.items():
            (sub / name).write_text(text)
        env = dict(os.environ, GRADESCOPE_SUBMISSION_DIR=str(sub), GRADESCOPE_RESULTS_DIR=str(results),
                   COURSE_PYTHON=sys.executable)
        proc = subprocess.run([str(run)], env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return json.loads((results / "results.json").read_text())

    got = grade({"hw1.py": known_file("hw1", "wrong_fans_swapped").read_text(), "notes.txt": "x"})
    assert got["score"] == pytest.approx(float(graded["rows"]["bob"]["auto_score"]))
    assert sum(t["score"] for t in got["tests"]) == pytest.approx(got["score"])
    hidden = [t for t in got["tests"] if t["visibility"] == "after_due_date"]
    public = [t for t in got["tests"] if t["visibility"] == "visible"]
    assert hidden and public
    failed_hidden = [t for t in hidden if t["status"] == "failed"]
    assert failed_hidden and not any("inputs:" in t["output"] or "expected:" in t["output"] for t in failed_hidden)
    assert any("expected:" in t["output"] for t in public if t["status"] == "failed")
    empty = grade({"readme.txt": "nothing"})
    assert empty["score"] == 0 and "no .ipynb or .py file in your submission" in empty["output"]


# ------------------------------------------------------------------ similarity
def test_similarity_finds_the_disguised_copy_on_the_class_page(graded):
    """Does the class page list bob and fay's renamed, re-commented copy with the shared lines marked?"""
    page = graded["page"]
    pairs = {tuple(r[:2]): r for r in parse(page).tables["similar-pairs"][1:]}
    assert ("bob", "fay") in pairs and int(pairs[("bob", "fay")][2].rstrip("%")) >= 90
    section = page.split('id="similarity"')[1]
    assert "<mark>" in section and "_act_fn" in section and MARKUP not in section


def test_similarity_scores_copies_high_and_independent_work_low():
    """Is a renamed, reformatted copy scored near 1, and two independent correct solutions low?"""
    from course.grading.similarity import class_similarity, fingerprints, student_code

    loops = (KNOWN / "correct_loops.py").read_bytes()
    torch_ = (KNOWN / "correct_torch.py").read_bytes()
    copy = _disguised(torch_.decode()).encode()
    pairs, _ = class_similarity([("a", "hw1.py", torch_), ("b", "hw1.py", copy), ("c", "hw1.py", loops)],
                                    threshold=0.0)
    score = {(a, b): sc for sc, a, b, _ in pairs}
    assert score[("a", "b")] >= 0.9
    assert score.get(("a", "c"), 0.0) < 0.3 and score.get(("b", "c"), 0.0) < 0.3
    # a notebook: only the nbgrader solution cells count; a broken notebook or file gives no fingerprint
    nb = {"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}},
                    {"cell_type": "code", "source": ["def f(a):\n", "    return a + 1\n"],
                     "metadata": {"nbgrader": {"solution": True}}}]}
    assert student_code(json_bytes(nb), "hw1.ipynb") == "def f(a):\n    return a + 1\n"
    assert student_code(b"{not json", "hw1.ipynb") == "" and fingerprints("def (((") == {}


def json_bytes(obj):
    import json
    return json.dumps(obj).encode()


# ------------------------------------------------------------------ in a real headless browser
def _browser_or_skip():
    """Playwright's Python API and a Chromium (Debian's chromium-headless-shell, COURSE_CHROMIUM, or
    Playwright's own); the test is skipped, saying which is missing, when there is none."""
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    candidates = [os.environ.get("COURSE_CHROMIUM"), shutil.which("chromium-headless-shell"),
                  "/usr/lib/chromium/chromium-headless-shell", shutil.which("chromium")]
    exe = next((c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)), None)
    return sync_playwright, exe


@pytest.fixture(scope="module")
def browser():
    sync_playwright, exe = _browser_or_skip()
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe) if exe else p.chromium.launch()
        except Exception as exc:  # noqa: BLE001 - no usable browser binary here
            pytest.skip(f"no Chromium could be started ({type(exc).__name__}: {str(exc)[:200]}); "
                        "install it: apt-get install -y chromium-headless-shell")
        yield b
        b.close()


def _open_offline(browser, path):
    """The page at ``path`` with every request that is not file:// blocked and recorded."""
    page = browser.new_page()
    blocked, errors = [], []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
               else (blocked.append(route.request.url), route.abort()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(Path(path).resolve().as_uri(), wait_until="load")
    return page, blocked, errors


def test_class_page_in_a_headless_browser(graded, browser):
    """In Chromium, offline: does the class page load with nothing fetched, draw its histogram, show every
    student, and show the CSV's numbers?"""
    page, blocked, errors = _open_offline(browser, graded["out"] / "hw1-class.html")
    try:
        assert not blocked and not errors
        width = page.evaluate("document.querySelector('#histogram svg').getBoundingClientRect().width")
        assert width > 100
        shown = page.evaluate("""() => Array.from(document.querySelectorAll('#students tr[data-student]')).map(
            tr => [tr.dataset.student, ...Array.from(tr.querySelectorAll('td[data-col]')).map(
                td => [td.dataset.col, td.innerText.trim()])])""")
        rows = graded["rows"]
        assert sorted(s[0] for s in shown) == sorted(rows)
        for student, *cells in shown:
            for col, text in cells:
                assert float(text) == pytest.approx(float(rows[student][col])), (student, col)
        visible = page.evaluate("document.body.innerText")
        assert all(s in visible for s in rows)
        assert page.evaluate("document.querySelectorAll('script').length") == 0
    finally:
        page.close()


def test_feedback_page_in_a_headless_browser(graded, browser):
    """In Chromium, offline: does bob's feedback page load, name him, and show the CSV's score and his slip?"""
    page, blocked, errors = _open_offline(browser, graded["course"] / "feedback" / "bob" / "hw1" / "hw1.html")
    try:
        assert not blocked and not errors
        text = page.evaluate("document.body.innerText")
        row = graded["rows"]["bob"]
        assert "hw1: feedback for bob" in text
        assert f"{float(row['score']):g} / {float(row['max_score']):g}" in text
        assert page.evaluate("document.querySelector('span.slip').innerText") == "fan_in and fan_out swapped"
        assert page.evaluate("document.querySelectorAll('script').length") == 0
    finally:
        page.close()


def test_similarity_section_escapes_student_code_and_names():
    """Is a copied file full of markup shown as text in the similarity section?"""
    from course.grading.similarity import class_similarity

    code = (f"def init_variance(a, b, s):\n    x = {MARKUP!r}\n    y = '</pre></details><script>'\n"
            "    for i in range(10):\n        x = x + str(i) * 2\n    return x\n").encode()
    pairs, section = class_similarity([("a", "hw1.py", code), ("b", "hw1.py", code)], threshold=0.5)
    assert pairs and pairs[0][:3] == (1.0, "a", "b")
    assert "<script>" not in section and "</pre></details><script>" not in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section and "<mark>" in section


def test_nbgrader_release_feedback_returns_the_pages(graded, tmp_path):
    """Does `nbgrader release_feedback` (its Python API) publish each page under the hash a student's
    `fetch_feedback` looks for (from the secret collected with the submission)?"""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.utils import notebook_hash
    from traitlets.config import Config

    course, _ = _copy(graded, tmp_path)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    c = Config()
    c.CourseDirectory.root = str(course)
    c.CourseDirectory.course_id = "dlt"
    c.Exchange.root = str(exchange)
    result = NbGraderAPI(config=c).release_feedback("hw1")
    assert result["success"], result.get("log")
    released = exchange / "dlt" / "feedback" / f"{notebook_hash(secret='a1b2c3d4e5f6', notebook_id='hw1')}.html"
    assert released.read_text() == (course / "feedback" / "ann" / "hw1" / "hw1.html").read_text()
    assert len(list((exchange / "dlt" / "feedback").glob("*.html"))) == len(graded["rows"])
