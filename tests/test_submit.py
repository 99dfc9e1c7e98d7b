"""`course submit`: the checks from a fresh process, and a zip of the file with its check log."""
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from course.cli import main
from conftest import known_file

KNOWN = Path(__file__).resolve().parent / "submissions" / "hw1"


def test_submit_zips_the_file_with_the_log_of_a_fresh_check(tmp_path):
    """Does the zip hold the exact bytes, a log and JSON whose score is the fresh check's, and a manifest?"""
    src = tmp_path / "hw1.py"
    src.write_bytes(known_file("hw1", "wrong_fans_swapped").read_bytes())
    res = CliRunner().invoke(main, ["submit", "hw1", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(tmp_path / "out" / "hw1-submission.zip") as zf:
        assert sorted(zf.namelist()) == ["MANIFEST.json", "check-log.txt", "check.json", "hw1.py"]
        assert zf.read("hw1.py") == src.read_bytes()
        report = json.loads(zf.read("check.json"))
        log = zf.read("check-log.txt").decode()
        manifest = json.loads(zf.read("MANIFEST.json"))
    ran = [t for t in report["tests"] if t["status"] != "not run"]
    assert report["score"] == sum(t["points"] for t in ran) < report["max_score"]
    assert not any(t["hidden"] for t in ran)               # the student's run: public checks only
    assert f"Score: {report['score']:g} / {report['max_score']:g}" in log
    assert "This looks like: fan_in and fan_out swapped." in log
    import hashlib
    assert manifest["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert manifest["score"] == report["score"] and manifest["python"]


def test_submit_without_a_file_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["submit", "hw1"])
    assert res.exit_code == 2 and "course check hw1 PATH" in res.output
    res = CliRunner().invoke(main, ["submit", "hw1", str(tmp_path / "missing.ipynb")])
    assert res.exit_code == 2 and "Next:" in res.output


def test_submit_warns_when_the_saved_outputs_came_from_out_of_order_runs(tmp_path):
    """Does submitting a notebook whose cells ran out of order warn (and record it), but not a clean one?"""
    import nbformat

    from course.submit import kernel_order_notes

    code = (KNOWN / "correct_loops.py").read_text()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("x = 1")])
    nb.cells[0].execution_count, nb.cells[1].execution_count = 5, 2
    path = tmp_path / "hw1.ipynb"
    path.write_text(nbformat.writes(nb))
    res = CliRunner().invoke(main, ["submit", "hw1", str(path)])
    assert res.exit_code == 0, res.output
    assert "out of order" in res.stderr and "Restart & Run All" in res.stderr
    with zipfile.ZipFile(tmp_path / "hw1-submission.zip") as zf:
        assert any("out of order" in n for n in json.loads(zf.read("MANIFEST.json"))["notes"])
    nb.cells[0].execution_count, nb.cells[1].execution_count = 1, 2
    assert kernel_order_notes(nbformat.writes(nb).encode(), "hw1.ipynb") == []
    nb.cells[0].execution_count = None
    assert kernel_order_notes(nbformat.writes(nb).encode(), "hw1.ipynb")
    assert kernel_order_notes(b"{broken", "hw1.ipynb") == [] and kernel_order_notes(b"x", "hw1.py") == []
