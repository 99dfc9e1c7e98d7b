"""docs/adding-an-assignment.md runs as written.

Its code blocks that name a file (```python file=PATH) make up a toy
assignment: the reference, the check package (public and hidden), a correct
submission and a slip descriptor. They are copied into a temporary tree as
hw90 (the doc's `hwN`), found by the catalog like a real assignment, their
public fixtures recorded as `course fixtures` does, the slip written out as
the known-submission test does, and both submissions graded through the
sandbox: each verdict must be what its `# EXPECT:` header says.
"""
import importlib
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

import autograder.checks
import solutions
from autograder import catalog, reference
from autograder.runner import run_checks
from autograder.spec import REGISTRY
from conftest import ROOT, parse_expect

DOC = ROOT / "docs" / "adding-an-assignment.md"
HW = "hw90"


def doc_files() -> dict[str, str]:
    """PATH -> code of the doc's ```python file=PATH blocks, hwN replaced by hw90."""
    blocks = re.findall(r"^```python file=(\S+)\n(.*?)^```$", DOC.read_text(), flags=re.S | re.M)
    return {path.replace("hwN", HW): code.replace("hwN", HW) for path, code in blocks}


def test_the_doc_names_a_reference_checks_and_both_kinds_of_submission():
    files = doc_files()
    assert f"solutions/{HW}.py" in files
    assert {f"autograder/checks/{HW}/{f}.py" for f in ("__init__", "public", "hidden", "plot")} <= set(files)
    assert "hidden=True" not in files[f"autograder/checks/{HW}/public.py"]
    subs = [Path(p).name for p in files if p.startswith(f"tests/submissions/{HW}/")]
    assert any(s.startswith("correct_") for s in subs), subs
    assert f"tests/slips/{HW}.py" in files


@pytest.fixture
def toy_assignment(tmp_path, monkeypatch):
    """The doc's assignment installed as hw90 in a temporary tree; removed afterwards."""
    files = doc_files()
    for rel, code in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
    checks_dir = tmp_path / "autograder" / "checks"
    # pytest (run by the engine on the check module) names the module by its
    # package: the same `autograder.checks.hw90` the catalog imports
    (tmp_path / "autograder" / "__init__.py").write_text("")
    (checks_dir / "__init__.py").write_text("")
    shutil.copy(Path(autograder.checks.__file__).with_name("pytest.ini"), checks_dir / "pytest.ini")
    monkeypatch.setattr(autograder.checks, "__path__", [*autograder.checks.__path__, str(checks_dir)])
    monkeypatch.setattr(solutions, "__path__", [*solutions.__path__, str(tmp_path / "solutions")])
    monkeypatch.setattr(reference, "FIXTURES", tmp_path / "fixtures")
    monkeypatch.setattr(sys, "path", list(sys.path))
    catalog.ids.cache_clear()
    catalog.get.cache_clear()
    yield tmp_path, files
    pkg = f"autograder.checks.{HW}"
    for name in (pkg, f"{pkg}.public", f"{pkg}.hidden", f"{pkg}.plot", f"solutions.{HW}"):
        sys.modules.pop(name, None)
        REGISTRY.pop(name, None)
    catalog.ids.cache_clear()
    catalog.get.cache_clear()


def _submissions(tmp):
    """The doc's known submissions as files: the whole ones, and each slip written out."""
    import slips

    out = sorted((tmp / "tests" / "submissions" / HW).glob("*.py"))
    spec = importlib.util.spec_from_file_location(f"_doc_slips_{HW}", tmp / "tests" / "slips" / f"{HW}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.SLIPS and all(isinstance(x, slips.KnownSlip) for x in mod.SLIPS)
    (tmp / "generated").mkdir(exist_ok=True)
    return out + [x.write(HW, tmp / "generated", root=tmp) for x in mod.SLIPS]


def _verdicts(report):
    by_fn: dict[str, list] = {}
    for r in report.ran:
        by_fn.setdefault(r.function, []).append(r)
    return by_fn


@pytest.mark.slow
def test_the_docs_toy_assignment_grades_its_submissions_as_their_headers_say(toy_assignment):
    from course.fixtures import build_fixtures

    tmp, files = toy_assignment
    info = catalog.get(HW)
    assert HW in catalog.ids() and info.functions == ("init_variance", "init_weights")
    assert info.points == 0.5 * 3 + 0.25 + 1.0 and info.public_points == 0.5 * 2 + 0.25 + 1.0
    assert [c.function for c in info.stochastic] == ["init_weights"]

    # `course fixtures hwN`: the reference passes its own public checks, and its values are recorded
    path, n_entries = build_fixtures(HW)
    assert path == tmp / "fixtures" / f"{HW}.json" and n_entries >= 4

    subs = _submissions(tmp)
    assert any(p.name.startswith("wrong_") for p in subs) and any(p.name.startswith("correct_") for p in subs)
    for rel in subs:
        fail, pas, hints = parse_expect(tmp / rel)
        rep = run_checks(HW, tmp / rel, hidden=True)
        assert not rep.grader_errors, [r.message for r in rep.grader_errors]
        by_fn = _verdicts(rep)
        assert set(by_fn) == set(info.functions), rel
        for fn in fail:
            assert any(not r.passed for r in by_fn[fn]), f"{rel}: {fn} should fail"
        for fn in (info.functions if pas == {"all"} else pas):
            assert all(r.passed for r in by_fn[fn]), (rel, fn, [r.message for r in by_fn[fn] if not r.passed])
        if pas == {"all"}:
            assert rep.score == rep.max_score == info.points, rel
        messages = "\n".join(r.message for r in rep.ran if not r.passed)
        for hint in hints:
            assert hint in messages, f"{rel}: no failing message says {hint!r}:\n{messages}"

        # a student without `solutions`: the public checks replay the recorded fixtures, with the
        # verdicts the reference gives them live (the graded run above also gates public cases)
        public = run_checks(HW, tmp / rel, ref_mode="fixtures")
        live = run_checks(HW, tmp / rel, ref_mode="solutions")
        assert {r.id: r.passed for r in public.ran} == {r.id: r.passed for r in live.ran}, rel
        assert len(public.not_run) == 1 and public.not_run[0].case == "forward_250_40"


@pytest.mark.slow
def test_the_wrong_submission_is_told_its_slip(toy_assignment):
    tmp, files = toy_assignment
    (wrong,) = [p for p in _submissions(tmp) if p.name.startswith("wrong_")]
    rep = run_checks(HW, wrong, hidden=True)
    by_id = {r.id: r for r in rep.ran}
    assert not by_id[f"{HW}::init_variance::he_3_5"].passed
    assert "This looks like: fan_in and fan_out are swapped." in by_id[f"{HW}::init_variance::he_3_5"].message
    # Glorot is symmetric in the fans: right on the published input, but its check fails on the
    # hidden input, so the twin gate withholds its points (docs/grading.md)
    glorot = by_id[f"{HW}::init_variance::glorot_7_2"]
    assert not glorot.passed and glorot.points == 0 and "published input" in glorot.message
    public_only = {r.id: r for r in run_checks(HW, wrong).ran}
    assert public_only[f"{HW}::init_variance::glorot_7_2"].passed
    assert by_id[f"{HW}::init_variance::errors/unknown_scheme"].passed
    weights = by_id[f"{HW}::init_weights::he_3_layers"]
    assert not weights.passed and "init_variance" in weights.message  # the failing dependency is named


def test_the_docs_plot_draws_the_reference(toy_assignment, tmp_path):
    from autograder.reference import Reference
    from autograder.student import TrustedStudent

    plot = catalog.plot_function(HW)
    assert plot is not None and plot.__module__ == f"autograder.checks.{HW}.plot"
    paths = plot(TrustedStudent(importlib.import_module(f"solutions.{HW}")), Reference(HW), str(tmp_path))
    assert [Path(p).name for p in paths] == [f"{HW}_variance.png"] and Path(paths[0]).stat().st_size > 1000
