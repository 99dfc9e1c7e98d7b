"""The student distribution: a wheel without `solutions` and without the hidden checks.

The fast tests check the AST transform (course/student_dist.py) on every check
module and on the patterns it knows. The slow test builds the wheel, installs
it into a fresh venv that cannot see the developer install, and runs the
venv's own `course check` there as a student would.
"""
import ast
import json
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder import catalog
from autograder.runner import run_checks
from course.student_dist import (StudentDistError, _check_wheel, build_student_wheel, hidden_files, is_hidden_file,
                                 package_manifest, student_assignment)

from conftest import ROOT, SUBMISSIONS, known_file

HW1 = SUBMISSIONS / "hw1"


@pytest.mark.parametrize("hw", catalog.ids())
def test_every_assignment_ships_its_public_checks_and_a_complete_manifest(hw):
    """The student copy of every assignment: public.py declares no hidden case, the
    manifest HIDDEN_CASES lists every case of hidden.py, and the totals are the course's."""
    text, hidden = package_manifest(hw)
    want = [(s.function, r.label, r.points) for s in catalog.get(hw).checks for r in s.resolved if r.hidden]
    assert sorted(hidden) == sorted(want) and want
    assert all(s.module.endswith(".hidden") for s in catalog.get(hw).checks if any(r.hidden for r in s.resolved))
    assert "hidden=True" not in (ROOT / "autograder" / "checks" / hw / "public.py").read_text()
    tree = ast.parse(text)
    recorded = [n for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "HIDDEN_CASES"]
    assert len(recorded) == 1 and ast.literal_eval(recorded[0].value) == hidden
    student = student_assignment(hw)
    assert not any(r.hidden for c in student.checks for r in c.resolved)
    assert student.points == pytest.approx(catalog.get(hw).points, abs=1e-9)
    assert student.public_points == pytest.approx(catalog.get(hw).public_points, abs=1e-9)


def test_a_single_module_or_a_public_hidden_case_is_refused(monkeypatch):
    import types

    from autograder.spec import Case, Resolved

    flat = types.ModuleType("autograder.checks.hw1")
    monkeypatch.setitem(sys.modules, "autograder.checks.hw1", flat)
    with pytest.raises(StudentDistError, match="single module"):
        package_manifest("hw1")
    monkeypatch.undo()
    spec = catalog.get("hw1").checks[0]
    assert spec.module.endswith(".public")
    monkeypatch.setattr(spec, "resolved", [*spec.resolved, Resolved(Case("leak"), 1.0, True, "leak")])
    with pytest.raises(StudentDistError, match="declares hidden cases"):
        package_manifest("hw1")


def test_hidden_files_are_listed_and_refused(tmp_path):
    """Each check package's hidden.py and slipgen.py (the grader's hidden helpers) are left
    out of the wheel: listed, and a wheel that holds one of them is refused."""
    files = hidden_files()
    assert {f"autograder/checks/{hw}/{name}" for hw in ("hw1", "hw3", "hw5", "hw8")
            for name in ("hidden.py", "slipgen.py")} <= set(files)
    assert all(is_hidden_file(n) for n in ("hidden.py", "hidden_training.py", "slipgen.py"))
    assert not any(is_hidden_file(n) for n in ("public.py", "public_training.py", "theory.py", "plot.py"))
    assert all(is_hidden_file(f.rsplit("/", 1)[-1]) for f in files)
    needed = ["autograder/checks/pytest.ini", "autograder/distribution.json", "autograder/checks/hw8/public.py"]
    for extra, refused in (([], False), (["autograder/checks/hw8/slipgen.py"], True),
                           (["autograder/checks/hw8/hidden.py"], True)):
        whl = tmp_path / f"w{len(extra)}{refused}{'_'.join(extra).replace('/', '_')}.whl"
        with zipfile.ZipFile(whl, "w") as z:
            for n in needed + extra:
                z.writestr(n, "x = 1\n")
        if refused:
            with pytest.raises(StudentDistError, match="hw8/(slipgen|hidden)"):
                _check_wheel(whl)
        else:
            _check_wheel(whl)


def _venv(tmp_path, wheel):
    """A venv that sees the system's third-party packages but not the developer install."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    # pip from here installs into the venv (and writes its `course` script) while the venv still
    # sees nothing but the standard library.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                    "--no-index", "-q", str(wheel)], check=True, capture_output=True)
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # numpy, torch, ... from the system site-packages, listed in a .pth: .pth files *inside* that
    # folder are not processed, so the developer's editable finder (and `solutions`) stays out.
    system = [p for p in site.getsitepackages() + [sysconfig.get_paths()["purelib"]] if os.path.isdir(p)]
    (Path(purelib) / "_system_site.pth").write_text("\n".join(dict.fromkeys(system)) + "\n")
    return venv, purelib


@pytest.mark.slow
def test_student_wheel_in_a_fresh_venv(tmp_path):
    wheel = build_student_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"course", "autograder"} and len(top) == 3
    assert not [n for n in names if "submissions" in n or os.path.basename(n).startswith("test_")]
    assert "autograder/checks/pytest.ini" in names and "autograder/fixtures/hw1.json" in names
    # the grader's hidden helpers are left out, and listed as left out
    assert not [n for n in names if is_hidden_file(n.rsplit("/", 1)[-1])]
    dist = json.loads(zipfile.ZipFile(wheel).read("autograder/distribution.json"))
    assert dist["kind"] == "student" and dist["left_out"] == hidden_files() and dist["left_out"]

    venv, purelib = _venv(tmp_path, wheel)
    cwd = tmp_path / "student"
    cwd.mkdir()
    # A student's machine: not root, so the sandbox has no namespaces (as root they would mount
    # a fresh /tmp over this venv).
    env = {**os.environ, "COURSE_SANDBOX_NO_NS": "1"}
    for k in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"):
        env.pop(k, None)

    def run(*args):
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)

    py, course = str(venv / "bin" / "python"), str(venv / "bin" / "course")
    probe = run(py, "-c", "import autograder, course, numpy, torch, click, rich, nbformat, pytest; "
                          "print(autograder.__file__); import solutions")
    assert probe.returncode == 1 and "No module named 'solutions'" in probe.stderr, probe.stderr
    assert probe.stdout.strip().startswith(purelib)

    installed = Path(purelib) / "autograder" / "checks"
    checks = sorted(installed.glob("hw*.py"))
    packages = sorted(p for p in installed.glob("hw*") if p.is_dir())
    assert len(checks) + len(packages) == len(catalog.ids())
    assert not [p.name for p in checks if "hidden=True" in p.read_text()]
    assert all("HIDDEN_CASES = [" in p.read_text() for p in checks)
    assert not [p for p in installed.rglob("hidden.py")]
    assert all("HIDDEN_CASES = [" in (p / "__init__.py").read_text() for p in packages)
    for p in packages:   # the public file is shipped as written, comments and all
        assert (p / "public.py").read_text() == (ROOT / "autograder" / "checks" / p.name / "public.py").read_text()

    dev = run_checks("hw1", HW1 / "correct_loops.py")
    dev_public = sorted(r.id for r in dev.ran)
    dev_hidden = sorted(r.id for r in dev.not_run)

    good = run(course, "check", "hw1", str(HW1 / "correct_loops.py"), "--json")
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr[-2000:]
    rep = json.loads(good.stdout)
    ran = [t for t in rep["tests"] if t["status"] != "not run"]
    assert sorted(t["id"] for t in ran) == dev_public and all(t["passed"] for t in ran)
    assert rep["score"] == rep["max_score"] == dev.max_score
    assert rep["hidden_not_run"] == len(dev_hidden) > 0
    not_run = [t for t in rep["tests"] if t["status"] == "not run"]
    assert sorted(t["id"] for t in not_run) == dev_hidden
    assert all(t["hidden"] and t["passed"] is None and t["points"] == 0 for t in not_run)

    only = run(course, "check", "hw1", str(HW1 / "correct_loops.py"), "--json", "-k", "init_variance")
    assert only.returncode == 0, only.stderr[-2000:]
    rep = json.loads(only.stdout)
    assert {t["function"] for t in rep["tests"]} == {"init_variance"}
    assert rep["hidden_not_run"] == sum(1 for h in dev_hidden if "::init_variance::" in h) > 0

    # hw8's public checks call the hidden helpers through ref.slipgen: replayed from the
    # public fixtures, they pass a correct file and still name a known slip
    hidden_import = run(py, "-c", "import autograder.checks.hw8.slipgen")
    assert hidden_import.returncode == 1 and "No module named" in hidden_import.stderr
    for name, ok in (("correct_loops", True), ("wrong_vc_no_symmetrization_2", False)):
        r = run(course, "check", "hw8", str(known_file("hw8", name)), "--json")
        assert r.returncode == (0 if ok else 1), r.stdout[-2000:] + r.stderr[-2000:]
        ran = [t for t in json.loads(r.stdout)["tests"] if t["status"] != "not run"]
        assert ran and all(t["passed"] for t in ran) == ok
        if not ok:
            assert any("symmetrization" in (t.get("message") or "") for t in ran if not t["passed"])

    bad = run(course, "check", "hw1", str(known_file("hw1", "wrong_missing_D")), "--json")
    assert bad.returncode == 1, bad.stderr[-2000:]
    assert any(not t["passed"] and t["status"] != "not run" for t in json.loads(bad.stdout)["tests"])

    every = run(course, "check", "hw1", str(HW1 / "correct_loops.py"), "--all")
    assert every.returncode == 2
    assert "--all" in every.stderr and "solutions" in every.stderr and "not installed" in every.stderr

    # The totals are the course's, hidden points included.
    listing = run(course, "list")
    assert listing.returncode == 0, listing.stderr
    for a in catalog.all_assignments():
        hidden = a.points - a.public_points
        assert f"{a.points:g} ({a.public_points:g} + {hidden:g})" in listing.stdout, (a.id, listing.stdout)

    # Every command the student CLI lists works there: its help, and a run that ends in a
    # result (0) or a clear usage message (2), never a traceback.
    helptext = run(course, "--help")
    assert helptext.returncode == 0
    listed = [ln.split()[0] for ln in helptext.stdout.split("Commands:")[1].splitlines() if ln.strip()]
    from course.cli import STUDENT_COMMANDS
    assert sorted(listed) == sorted(STUDENT_COMMANDS), helptext.stdout
    tries = {"check": [("hw1",), ("hw1", "-k", "nosuchthing", str(HW1 / "correct_loops.py")),
                       ("hw99",)],
             "list": [()],
             "submit": [("hw1", str(HW1 / "correct_loops.py"), "--out", str(tmp_path / "zips")),
                        ("hw99",)]}
    for name in listed:
        h = run(course, name, "--help")
        assert h.returncode == 0 and "Usage:" in h.stdout, (name, h.stderr)
        for args in tries[name]:
            r = run(course, name, *args)
            assert r.returncode in (0, 2), (name, args, r.stdout[-1000:], r.stderr[-1000:])
            assert "Traceback" not in r.stdout + r.stderr and "bug in the grader" not in r.stdout + r.stderr
            if r.returncode == 2:
                assert "error" in r.stderr.lower() and len(r.stderr.strip()) > 20, (name, args, r.stderr)
    # The instructor's commands are not listed; asked for anyway, they say what is missing.
    for name in ("build", "release", "fixtures", "solve", "calibrate", "grade", "student-dist"):
        r = run(course, name, "hw1")
        assert r.returncode == 2, (name, r.stdout[-1000:], r.stderr[-1000:])
        assert f"`course {name}` is an instructor command" in r.stderr and "Traceback" not in r.stderr
