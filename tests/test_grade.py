"""Does `course grade` grade a class fairly, survive hostile submissions and export everything?

One small class is graded once (module fixture, 2 workers) and inspected by
the tests below: two honest submissions (a .py and a notebook), a broken
one, an empty folder, and the hostile ones of the sandbox's threat list (an
infinite loop at import, os._exit at import, a fork bomb, a memory bomb in
one function, and a submission that tries to UPDATE the gradebook, read the
reference and overwrite files the grader reads). The fast unit tests at the
end need no grading.
"""
import csv
import json
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

import nbformat
import pytest
from click.testing import CliRunner

import solutions
from autograder import catalog
from course.cli import main
from course.grading import Options, grade_class
from course.grading.discover import Submission, choose_file, find_submissions
from course.grading.records import make_record, placeholder_tests
from conftest import known_file
from course.grading.store import Store

ROOT = Path(__file__).resolve().parent.parent
KNOWN = ROOT / "tests" / "submissions" / "hw1"
TIMEOUT = 20  # per submission: the import loop below must hit it; honest ones take 1-3 s
MAX = catalog.get("hw1").points

LOOP = "while True:\n    pass\n"
EXIT = "import os\nos._exit(3)\n"
FORK_BOMB = "import os\nwhile True:\n    os.fork()\n"
MEMORY_BOMB_FN = '''

def simulate_variances(*args, **kwargs):
    blocks = []
    while True:
        blocks.append(bytearray(1 << 34))   # 16 GiB a block: far above the sandbox's limit
'''
TAMPER = '''
import sqlite3
GRADEBOOK, STORE, SOLUTION, OTHER = {gradebook!r}, {store!r}, {solution!r}, {other!r}
cheat = None

def attempt(label, action):
    global cheat
    try:
        value = action()
    except BaseException as exc:
        print(f"blocked {{label}}: {{type(exc).__name__}}")
        return
    print(f"ESCAPED {{label}}")
    cheat = cheat or value

def update_gradebook():
    db = sqlite3.connect(GRADEBOOK)
    db.execute("UPDATE grade SET auto_score = 1000")
    db.commit()

def update_store():
    db = sqlite3.connect(STORE)
    db.execute("UPDATE verdicts SET score = 1000")
    db.commit()

def overwrite_other():
    with open(OTHER, "w") as f:
        f.write("def init_variance(*a):\\n    return 0.0\\n")

def read_reference():
    return open(SOLUTION).read()

def import_reference():
    import solutions.hw1 as ref
    return ref

attempt("gradebook", update_gradebook)
attempt("store", update_store)
attempt("overwrite", overwrite_other)
attempt("read-solutions", read_reference)
attempt("import-solutions", import_reference)

def init_variance(fan_in, fan_out, scheme):
    if hasattr(cheat, "init_variance"):
        return cheat.init_variance(fan_in, fan_out, scheme)
    return 0.0
'''


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def _as_notebook(source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# hw1"), nbformat.v4.new_code_cell(source),
                nbformat.v4.new_code_cell("print('experiment')", metadata={"tags": ["course:skip"]})]
    return nbformat.writes(nb)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from nbgrader.api import Gradebook

    course = tmp_path_factory.mktemp("course")
    sub = course / "submitted"
    out = course / "grades" / "hw1"
    correct = (KNOWN / "correct_loops.py").read_text()
    _write(sub / "bob" / "hw1", "hw1.ipynb", _as_notebook(known_file("hw1", "wrong_fans_swapped").read_text()))
    _write(sub / "carol" / "hw1", "hw1.py", correct.replace("def act(z, name):", "def act(z, name:"))
    (sub / "dan" / "hw1").mkdir(parents=True)
    _write(sub / "erin" / "hw1", "hw1.py", LOOP + correct)
    _write(sub / "fay" / "hw1", "hw1.py", EXIT + correct)
    _write(sub / "gus" / "hw1", "hw1.py", FORK_BOMB + correct)
    _write(sub / "hal" / "hw1", "hw1.py", correct + MEMORY_BOMB_FN)
    _write(sub / "ivy" / "hw1", "hw1.py", TAMPER.format(
        gradebook=str(course / "gradebook.db"), store=str(out / "results.sqlite"),
        solution=str(Path(solutions.__file__).parent / "hw1.py"),
        other=str(sub / "bob" / "hw1" / "hw1.ipynb")))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:   # a gradebook to attack
        gb.add_student("ivy")
    before = {p: p.read_bytes() for p in sub.rglob("*.py*")}
    summary = grade_class(Options("hw1", sub, workers=2, timeout=TIMEOUT, progress=False))
    with Store(out / "results.sqlite") as st:
        recs = {r["student"]: st.get(r["student"], "hw1", r["sha256"]) for r in st.rows("hw1")}
    return {"course": course, "out": out, "summary": summary, "recs": recs, "before": before}


def test_every_student_has_one_verdict(graded):
    """Does each submission folder get exactly one stored verdict, with nothing lost?"""
    s = graded["summary"]
    assert sorted(graded["recs"]) == ["bob", "carol", "dan", "erin", "fay", "gus", "hal", "ivy"]
    assert s.committed == s.total == 8 and not s.lost and s.skipped == 0


def test_honest_submissions_get_their_scores(graded):
    """Does a wrong submission, graded beside hostile ones, keep its score and its hint?"""
    r = graded["recs"]
    assert r["bob"]["status"] == "graded" and 0 < r["bob"]["score"] < MAX
    assert "swapped" in json.dumps(r["bob"]["report"]["tests"])


def test_hostile_submissions_cost_only_their_own_verdict(graded):
    """Do the loop, exit, fork bomb, memory bomb and syntax error each get a clear, own verdict?"""
    r = graded["recs"]
    assert r["erin"]["status"] == "timeout" and r["erin"]["score"] == 0
    assert f"longer than {TIMEOUT:g} s" in r["erin"]["message"]
    assert r["fay"]["score"] == 0 and all(t["status"] == "not loaded" for t in r["fay"]["report"]["tests"])
    assert "stopped the Python process" in r["fay"]["report"]["tests"][0]["message"]
    assert r["gus"]["status"] == "graded" and r["gus"]["score"] < MAX
    hal = {t["function"]: t for t in r["hal"]["report"]["tests"] if not t["passed"]}
    assert set(hal) == {"simulate_variances"}            # the other functions still score
    assert r["hal"]["score"] == MAX - sum(t["max_points"] for t in r["hal"]["report"]["tests"]
                                          if t["function"] == "simulate_variances")
    assert "MemoryError" in json.dumps(r["hal"]["report"]["tests"])
    assert r["carol"]["score"] == 0 and any("never closed" in n for n in r["carol"]["report"]["notes"])
    assert r["dan"]["status"] == "no submission" and "nothing gradable" in r["dan"]["message"]


def test_student_code_cannot_touch_the_grader(graded):
    """Can a submission UPDATE the gradebook or the store, overwrite a file, or read `solutions`? (No.)"""
    ivy = graded["recs"]["ivy"]
    out = ivy["report"]["output"]
    for label in ("gradebook", "store", "overwrite", "read-solutions", "import-solutions"):
        assert f"blocked {label}" in out, out
    assert "ESCAPED" not in out
    assert ivy["score"] == 0
    for p, data in graded["before"].items():
        assert p.read_bytes() == data, f"{p} changed during grading"
    db = sqlite3.connect(graded["course"] / "gradebook.db")
    assert db.execute("SELECT COUNT(*) FROM grade WHERE auto_score > 100").fetchone()[0] == 0


def test_same_verdicts_as_course_check(graded):
    """Does `course grade` give bob the verdicts `course check hw1 FILE --all --json` gives?"""
    path = graded["course"] / "submitted" / "bob" / "hw1" / "hw1.ipynb"
    res = CliRunner().invoke(main, ["check", "hw1", str(path), "--all", "--json"])
    assert res.exit_code == 1, res.output
    want = json.loads(res.stdout)
    got = graded["recs"]["bob"]["report"]
    key = lambda t: (t["id"], t["passed"], t["points"], t["status"], t["message"])  # noqa: E731
    assert [key(t) for t in got["tests"]] == [key(t) for t in want["tests"]]
    assert (got["score"], got["max_score"]) == (want["score"], want["max_score"])


def test_csv_and_gradebook_agree_with_the_store(graded):
    """Do the CSV and nbgrader's gradebook (as `nbgrader export` reads it) hold the stored scores?"""
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    recs = graded["recs"]
    rows = list(csv.DictReader(open(graded["out"] / "hw1.csv")))
    assert {r["student"]: float(r["score"]) for r in rows} == {k: v["score"] for k, v in recs.items()}
    fns = catalog.get("hw1").functions
    for r in rows:
        assert sum(float(r[f]) for f in fns) == pytest.approx(float(r["score"]))
    dest = graded["course"] / "nbgrader-export.csv"
    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}") as gb:
        CsvExportPlugin(to=str(dest)).export(gb)
    exported = {r["student_id"]: r for r in csv.DictReader(open(dest))}
    for student, rec in recs.items():
        assert float(exported[student]["score"]) == pytest.approx(rec["score"]), student
        assert float(exported[student]["max_score"]) == pytest.approx(MAX)


def test_gradebook_cells_are_the_release_notebooks(graded):
    """Are scores filed under the grade cells (ids, points) of the release notebook nbgrader records?"""
    nb = nbformat.read(ROOT / "assignments" / "hw1" / "hw1.ipynb", as_version=4)
    want = {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}
    db = sqlite3.connect(graded["course"] / "gradebook.db")
    got = dict(db.execute("SELECT b.name, g.max_score FROM grade_cells g JOIN base_cell b ON b.id = g.id"))
    assert got == pytest.approx(want)


def test_gradescope_junit_and_feedback(graded):
    """Are results.json, JUnit XML and feedback written for every student, with course check's messages?"""
    out, recs = graded["out"], graded["recs"]
    for student, rec in recs.items():
        gs = json.loads((out / "gradescope" / student / "results.json").read_text())
        assert gs["score"] == rec["score"]
        assert sum(t["max_score"] for t in gs["tests"]) == pytest.approx(MAX)
        md = (out / "feedback" / student / "hw1.md").read_text()
        assert f"{rec['score']:g} / {rec['max_score']:g}" in md
        assert (out / "feedback" / student / "hw1.html").read_text().startswith("<!DOCTYPE html>")
    bob_fail = next(t for t in recs["bob"]["report"]["tests"] if not t["passed"])
    assert bob_fail["message"].splitlines()[0] in (out / "feedback" / "bob" / "hw1.md").read_text()
    assert "longer than" in (out / "feedback" / "erin" / "hw1.md").read_text()
    suites = ET.parse(out / "junit.xml").getroot().findall("testsuite")
    assert len(suites) == len(recs)
    hal = next(s for s in suites if s.get("name").startswith("hw1:hal"))
    assert int(hal.get("tests")) == len(recs["hal"]["report"]["tests"])
    failed = {tc.get("name") for tc in hal.findall("testcase") if tc.find("failure") is not None}
    assert failed == {t["case"] for t in recs["hal"]["report"]["tests"] if not t["passed"]}


# ------------------------------------------------------------------ no grading below
def test_choose_file_prefers_the_assignment_name(tmp_path):
    """Is hw1.ipynb chosen over other files, and a folder of two unnamed notebooks refused?"""
    for name in ("hw1.ipynb", "hw1.py", "scratch.ipynb"):
        (tmp_path / name).write_text("{}")
    assert choose_file(tmp_path, "hw1")[0].name == "hw1.ipynb"
    (tmp_path / "hw1.ipynb").unlink()
    assert choose_file(tmp_path, "hw1")[0].name == "hw1.py"
    (tmp_path / "hw1.py").unlink()
    assert choose_file(tmp_path, "hw1")[0].name == "scratch.ipynb"
    (tmp_path / "other.ipynb").write_text("{}")
    file, _, problem = choose_file(tmp_path, "hw1")
    assert file is None and "rename" in problem


def test_discovery_keys_by_content(tmp_path):
    """Does a changed file get a new key, and an unchanged one keep it?"""
    _write(tmp_path / "s" / "a" / "hw1", "hw1.py", "x = 1\n")
    _write(tmp_path / "s" / "b" / "hw2", "hw2.py", "x = 1\n")
    (first,) = find_submissions(tmp_path / "s", "hw1")
    assert first.student == "a" and find_submissions(tmp_path / "s", "hw1")[0].sha256 == first.sha256
    _write(tmp_path / "s" / "a" / "hw1", "hw1.py", "x = 2\n")
    assert find_submissions(tmp_path / "s", "hw1")[0].sha256 != first.sha256


def test_store_commits_and_retries_only_errors(tmp_path):
    """Is a verdict durable in a WAL database, and is only an `error` verdict graded again?"""
    sub = Submission("a", "hw1", tmp_path, tmp_path / "hw1.py")
    with Store(tmp_path / "r.sqlite") as st:
        assert st.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        st.start_run("hw1", "test", 2)
        for sha, status in (("s1", "timeout"), ("s2", "error")):
            st.commit(make_record(sub, {"sha256": sha}, {"status": status, "message": "m"}))
    with Store(tmp_path / "r.sqlite") as st:
        assert not st.needs_grading("a", "hw1", "s1")
        assert st.needs_grading("a", "hw1", "s1", retry={"timeout"})
        assert st.needs_grading("a", "hw1", "s2") and st.needs_grading("a", "hw1", "s3")
        assert st.get("a", "hw1", "s1")["max_score"] == MAX


def test_mask_spares_a_python_installed_inside_the_course_folder(tmp_path, monkeypatch):
    """Is the whole course folder hidden, except when the Python running the sandbox lives in it?"""
    from course.grading import batch

    (tmp_path / "submitted").mkdir()
    out, gb = tmp_path / "grades", tmp_path / "gradebook.db"
    assert batch.mask_paths(tmp_path, out, gb) == sorted({str(tmp_path), str(out), str(gb)})
    monkeypatch.setattr(batch, "_python_dirs", lambda: {str(tmp_path / ".venv")})
    masks = batch.mask_paths(tmp_path, out, gb)
    assert str(tmp_path) not in masks and str(tmp_path / "submitted") in masks and str(gb) in masks


def test_placeholder_rows_cover_every_check():
    """Does a submission without a report still list every check, at 0 of the full points?"""
    rows = placeholder_tests("hw1", "timeout", "x")
    assert sum(t["max_points"] for t in rows) == MAX and not any(t["points"] for t in rows)
    assert len({t["id"] for t in rows}) == len(rows)
