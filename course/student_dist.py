"""``course student-dist``: the wheel students install.

It holds ``course`` and ``autograder`` with the public fixtures, and nothing
a student must not read: no ``solutions``, no tests or known submissions, and
no hidden checks. Every assignment is a package ``autograder/checks/hwN/``
that keeps its hidden cases in ``hidden.py``: the wheel is the tree without
those files (comments intact, nothing rewritten), and the package's
``__init__.py`` gets the manifest of what was left out,
``HIDDEN_CASES = [(function, case_label, points), ...]``, which the pytest
plugin reports as "not run" and the catalog counts in the total. The build
refuses an assignment whose public module declares a hidden case or that is
not a package, and checks that the points add up without ``hidden.py``.

Two files of each package are left out whole (``HIDDEN_FILES``): ``hidden.py``
and ``slipgen.py``, the grader's helpers that compute the reference or values
one edit away from it (slip values, exact means); a student install replays
their values on the public cases from the public fixtures (``ref.slipgen``).
``autograder/distribution.json`` lists the files left out, and the built wheel
is checked to hold none of them.
"""
from __future__ import annotations

import fnmatch
import importlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import types
import zipfile
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("course", "autograder")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", "test_*.py", "*_test.py",
                                 "conftest.py", "submissions", "tests", ".*")
_VERIFY_PREFIX = "_course_student_dist_verify"
#: folders and files (relative to the checkout) that the student wheel leaves out whole
#: files of every check package that the student package leaves out
#: (glob patterns: a large assignment's hidden checks may be split by topic, hidden_<topic>.py)
HIDDEN_FILES = ("hidden.py", "hidden_*.py", "slipgen.py")
_HIDDEN_RE = re.compile(r"autograder/checks/hw\d+/(hidden(_[^/]*)?|slipgen)\.py")


def is_hidden_file(name: str) -> bool:
    """True for the file name of a hidden file of a check package (``HIDDEN_FILES``)."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in HIDDEN_FILES)


def hidden_files() -> list[str]:
    """Every hidden file of the check packages in this checkout (relative paths, sorted)."""
    checks = ROOT / "autograder" / "checks"
    return sorted({p.relative_to(ROOT).as_posix() for pattern in HIDDEN_FILES for p in checks.glob(f"hw*/{pattern}")})


class StudentDistError(click.ClickException):
    """The student distribution cannot be built safely."""


# ----------------------------------------------------------------- the manifest
def package_manifest(hw: str) -> tuple[str, list]:
    """The student ``__init__.py`` of package ``hw`` (with HIDDEN_CASES) and the hidden cases."""
    from autograder import catalog

    pkg = importlib.import_module(f"autograder.checks.{hw}")
    if not hasattr(pkg, "__path__"):
        raise StudentDistError(f"autograder/checks/{hw}.py is a single module: make it a package "
                               f"autograder/checks/{hw}/ with public.py and hidden.py "
                               "(docs/adding-an-assignment.md)")
    if hasattr(pkg, "HIDDEN_CASES"):
        raise StudentDistError(f"autograder/checks/{hw}/ is a student copy already (HIDDEN_CASES): "
                               "build the student wheel from the instructor's checkout")
    full = catalog.get(hw)
    public_files = {full.files[0]}
    leaked = [f"{s.function}::{r.label}" for s in full.checks for r in s.resolved
              if r.hidden and not catalog.is_hidden_module(s.module)]
    if leaked or not public_files:
        raise StudentDistError(f"autograder/checks/{hw}/public.py declares hidden cases ({leaked[:8]}): "
                               "move them to hidden.py (hidden_cases(...) or @check(..., hidden=True))")
    hidden = [(s.function, r.label, r.points) for s in full.checks for r in s.resolved if r.hidden]
    public_pts = sum(r.points for s in full.checks for r in s.resolved if not r.hidden)
    if abs(public_pts + sum(p for *_, p in hidden) - full.points) > 1e-9:
        raise StudentDistError(f"the points of {hw} do not add up without hidden.py")
    text = Path(pkg.__file__).read_text()
    rows = "".join(f"    ({f!r}, {label!r}, {pts!r}),\n" for f, label, pts in hidden)
    text += ("\n# Hidden cases of hidden.py, which this student copy leaves out; the plugin\n"
             "# reports them as not run, and the catalog counts their points in the total.\n"
             f"HIDDEN_CASES = [\n{rows}]\n")
    return text, hidden


def student_assignment(hw: str):
    """The catalog entry of ``hw`` as the student package will see it (verified)."""
    from autograder import catalog
    from autograder.spec import REGISTRY

    text, _ = package_manifest(hw)
    manifest = types.ModuleType(f"{_VERIFY_PREFIX}.{hw}")
    exec(compile(text, f"autograder/checks/{hw}/__init__.py", "exec"), manifest.__dict__)
    public = [m for m in catalog.check_modules(hw) if not catalog.is_hidden_module(m.__name__)]
    return catalog.from_module(hw, public[0], [s for m in public for s in REGISTRY.get(m.__name__, ())],
                               package=manifest, files=tuple(m.__file__ for m in public))


# ----------------------------------------------------------------- the wheel
def _pyproject(meta: dict) -> str:
    project = meta["project"]
    deps = ",\n".join(f"    {json.dumps(d)}" for d in project.get("dependencies", []))
    return f'''[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = {json.dumps(project["name"])}
version = {json.dumps(project["version"])}
description = "Student distribution: the public checks, without reference solutions or hidden checks"
requires-python = {json.dumps(project.get("requires-python", ">=3.10"))}
dependencies = [
{deps}
]

[project.scripts]
course = "course.cli:main"

[tool.setuptools.packages.find]
include = ["course*", "autograder*"]

[tool.setuptools.package-data]
autograder = ["fixtures/*.json", "fixtures/*.npz", "checks/pytest.ini", "distribution.json"]
'''


def _check_wheel(whl: Path) -> None:
    names = zipfile.ZipFile(whl).namelist()
    bad = [n for n in names if n.split("/")[0] in ("solutions", "tests", "assignments")
           or "/submissions/" in n or re.search(r"(^|/)(test_[^/]*|conftest)\.py$", n)
           or _HIDDEN_RE.fullmatch(n)]
    with zipfile.ZipFile(whl) as z:
        bad += [n for n in names if re.fullmatch(r"autograder/checks/hw\d+(\.py|/public(_[^/]*)?\.py)", n)
                and "hidden=True" in z.read(n).decode()]
    for need in ("autograder/checks/pytest.ini", "autograder/distribution.json"):
        if need not in names:
            bad.append(f"(missing) {need}")
    if bad:
        raise StudentDistError(f"the student wheel {whl.name} holds what it must not: {bad[:10]}")


def _load_toml(text: str) -> dict:
    """tomllib from Python 3.11 on; tomli (a dependency on 3.10) before."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib.loads(text)


def build_student_wheel(outdir) -> Path:
    """Build the student wheel into ``outdir``; return its path."""
    from autograder import catalog

    outdir = Path(outdir).resolve()
    pyproject = ROOT / "pyproject.toml"
    if not pyproject.exists() or not (ROOT / "autograder" / "checks").is_dir():
        raise StudentDistError(f"no course checkout at {ROOT}: build the student wheel from the "
                               "instructor's checkout")
    meta = _load_toml(pyproject.read_text())
    with tempfile.TemporaryDirectory(prefix="course-student-dist-") as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        src.mkdir()
        for pkg in PACKAGES:
            shutil.copytree(ROOT / pkg, src / pkg, ignore=_IGNORE)
        left_out = hidden_files()
        for rel in left_out:
            (src / rel).unlink()
        for hw in catalog.ids():
            pkg_dir = src / "autograder" / "checks" / hw
            text, _ = package_manifest(hw)
            (pkg_dir / "__init__.py").write_text(text)
        # the mark of a student install: the CLI offers only what works without the
        # instructor's parts (see autograder.catalog.is_student_install)
        (src / "autograder" / "distribution.json").write_text(json.dumps(
            {"kind": "student", "version": meta["project"]["version"], "left_out": left_out},
            indent=1) + "\n")
        (src / "pyproject.toml").write_text(_pyproject(meta))
        wheels = tmp / "wheels"
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                               "--no-index", "-q", "-w", str(wheels), str(src)],
                              capture_output=True, text=True, cwd=tmp)
        built = sorted(wheels.glob("*.whl"))
        if proc.returncode != 0 or len(built) != 1:
            raise StudentDistError(f"pip wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
        _check_wheel(built[0])
        outdir.mkdir(parents=True, exist_ok=True)
        dest = outdir / built[0].name
        shutil.copyfile(built[0], dest)
    return dest


@click.command("student-dist")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def student_dist(**kwargs):
    """Build the student wheel into OUTDIR: course + autograder + public fixtures,
    without `solutions` and without the hidden checks."""
    sys.exit(build_student_dist(**kwargs))


def build_student_dist(*, outdir) -> int:
    """`course student-dist` (see :func:`student_dist`); returns the exit status."""
    from autograder import catalog
    from autograder.reference import fixture_path

    whl = build_student_wheel(outdir)
    for hw in catalog.ids():
        n_hidden = sum(1 for s in catalog.get(hw).checks for r in s.resolved if r.hidden)
        note = "" if fixture_path(hw).exists() else \
            f"  (no public fixtures: students cannot run its checks; run `course fixtures {hw}`)"
        click.echo(f"{hw}: {n_hidden} hidden cases removed{note}")
    click.echo(f"student wheel: {whl}")
    click.echo(f"Students: pip install {whl.name}, then `course check hwN` beside their notebook.")
    return 0
