"""``course student-dist``: the wheel students install.

It holds ``course`` and ``autograder`` with the public fixtures, and nothing
a student must not read: no ``solutions``, no tests or known submissions, and
no hidden checks. An assignment that is a package ``autograder/checks/hwN/``
keeps its hidden cases in ``hidden.py``: the wheel is the tree without that
file (comments intact), and the package's ``__init__.py`` gets the manifest
of what was left out, ``HIDDEN_CASES = [(function, case_label, points), ...]``,
which the pytest plugin reports as "not run" and the catalog counts in the
total. The build checks that the public module declares no hidden case.

A single check module ``autograder/checks/hwN.py`` (an assignment not yet
split) has its hidden cases cut out by an AST transform instead:

- every call with the keyword ``hidden=True`` (``Case(...)`` or a case
  factory) is removed from list and tuple literals, starred generators and
  comprehensions, and ``cases.append(<such a call>)`` statements;
- a call of a module-level factory whose ``hidden`` parameter defaults to
  True, without a ``hidden=`` argument, is removed the same way;
- rows of a module-level table whose ``hidden`` column is True are removed,
  when a loop or comprehension over the table passes that column as
  ``hidden=`` (``for cid, ..., hidden in TABLE: Case(cid, ..., hidden=hidden)``);
- every test function decorated with ``@check(..., hidden=True)``, and every
  check left without a case, is removed;
- module-level names that only the removed code used (``POINTS_HIDDEN``, a
  factory of hidden cases) are removed.

The transform is then verified, not trusted: the stripped module is executed
and its registered checks must be exactly the original's public cases (same
test, function, label, points and inputs) with no hidden case left; otherwise
the build stops and says which module could not be stripped. What was removed
is recorded in ``HIDDEN_CASES = [(function, case_label, points), ...]``, which
the pytest plugin reports as "not run". Comments are lost (``ast.unparse``).
"""
from __future__ import annotations

import ast
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


class StudentDistError(click.ClickException):
    """The student distribution cannot be built safely."""


# ----------------------------------------------------------------- the AST transform
def _is_true(node) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _kw(call: ast.Call, name: str):
    for k in call.keywords:
        if k.arg == name:
            return k
    return None


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _hidden_factories(tree: ast.Module) -> set:
    """Module-level functions whose parameter ``hidden`` defaults to True."""
    out = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            pos = a.posonlyargs + a.args
            pairs = list(zip(pos[len(pos) - len(a.defaults):], a.defaults))
            pairs += [(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
            if any(p.arg == "hidden" and _is_true(d) for p, d in pairs):
                out.add(node.name)
    return out


def _is_check_decorator(dec) -> bool:
    return isinstance(dec, ast.Call) and _callee(dec) == "check"


def _names_loaded(tree) -> dict:
    counts: dict = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            counts[n.id] = counts.get(n.id, 0) + 1
    return counts


def _defined_name(stmt):
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return stmt.name
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return None


class _Stripper(ast.NodeTransformer):
    def __init__(self, factories, drop_tests=()):
        self.factories = factories
        self.drop_tests = set(drop_tests)
        self.tables: dict = {}      # module-level table name -> index of its hidden column

    # what counts as a hidden case
    def hidden_call(self, node) -> bool:
        if not isinstance(node, ast.Call):
            return False
        k = _kw(node, "hidden")
        if k is not None:
            return _is_true(k.value)
        return _callee(node) in self.factories and not any(k.arg is None for k in node.keywords)

    def hidden_element(self, node) -> bool:
        if self.hidden_call(node):
            return True
        if isinstance(node, ast.Starred):
            v = node.value
            if self.hidden_call(v):
                return True
            if isinstance(v, (ast.GeneratorExp, ast.ListComp, ast.SetComp)) and self.hidden_call(v.elt):
                return True
        return False

    # removed statements and definitions
    def _visit_def(self, node):
        if node.name in self.drop_tests:
            return None
        for dec in node.decorator_list:
            if _is_check_decorator(dec) and (k := _kw(dec, "hidden")) is not None and _is_true(k.value):
                return None
        return self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_def

    def visit_Expr(self, node):
        v = node.value
        if self.hidden_call(v):
            return None
        if isinstance(v, ast.Call) and _callee(v) in ("append", "extend", "insert", "add") and \
                any(self.hidden_element(a) for a in v.args):
            return None
        return self.generic_visit(node)

    def _loop_like(self, node, body):
        self._note_table(node.target, node.iter, body)
        node = self.generic_visit(node)
        if not node.body:
            if not getattr(node, "orelse", None):
                return None
            node.body = [ast.Pass()]
        return node

    def visit_For(self, node):
        return self._loop_like(node, node.body)

    visit_AsyncFor = visit_For

    def visit_While(self, node):
        node = self.generic_visit(node)
        if not node.body:
            node.body = [ast.Pass()]
        return node

    def visit_If(self, node):
        node = self.generic_visit(node)
        if not node.body:
            node.body = [ast.Pass()]
        return node

    def visit_With(self, node):
        node = self.generic_visit(node)
        if not node.body:
            node.body = [ast.Pass()]
        return node

    # literals and comprehensions
    def _filter_elts(self, node):
        node.elts = [e for e in node.elts if not self.hidden_element(e)]
        return self.generic_visit(node)

    visit_List = visit_Tuple = visit_Set = _filter_elts

    def _comprehension(self, node):
        for gen in node.generators:
            self._note_table(gen.target, gen.iter, [node.elt])
        return self.generic_visit(node)

    visit_ListComp = visit_GeneratorExp = visit_SetComp = _comprehension

    def _note_table(self, target, it, body):
        """``for a, ..., h in TABLE`` whose body passes ``hidden=h``: TABLE's column is the flag."""
        if not (isinstance(target, ast.Tuple) and isinstance(it, ast.Name)):
            return
        flags = {k.value.id for b in body for n in ast.walk(b) if isinstance(n, ast.Call)
                 for k in n.keywords if k.arg == "hidden" and isinstance(k.value, ast.Name)}
        for i, t in enumerate(target.elts):
            if isinstance(t, ast.Name) and t.id in flags:
                self.tables[it.id] = (i, len(target.elts))


def _drop_table_rows(tree, tables) -> None:
    for stmt in tree.body:
        name = _defined_name(stmt)
        if name not in tables or not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            continue
        col, width = tables[name]
        value = stmt.value
        if isinstance(value, (ast.List, ast.Tuple)):
            value.elts = [row for row in value.elts
                          if not (isinstance(row, ast.Tuple) and len(row.elts) == width
                                  and _is_true(row.elts[col]))]


def _drop_dead(tree, before: dict) -> None:
    """Remove module-level definitions that only removed code used."""
    while True:
        now = _names_loaded(tree)
        dead = [s for s in tree.body if (n := _defined_name(s)) and before.get(n) and not now.get(n)]
        if not dead:
            return
        tree.body = [s for s in tree.body if s not in dead]


def strip_source(source: str, drop_tests=()) -> str:
    """``source`` of a check module without its hidden cases (not yet verified)."""
    tree = ast.parse(source)
    before = _names_loaded(tree)
    stripper = _Stripper(_hidden_factories(tree), drop_tests)
    tree = stripper.visit(tree)
    _drop_table_rows(tree, stripper.tables)
    _drop_dead(tree, before)
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


# ----------------------------------------------------------------- verification
def _fingerprint(case) -> str:
    from autograder.reference import call_key

    try:
        return call_key(case.id, case.args, case.kwargs)
    except Exception:  # noqa: BLE001 - an input the codec does not know: compare its repr
        return repr((case.id, case.args, case.kwargs))


def _entries(specs):
    """(test, function, label, points, hidden, options, inputs) of every case, in order."""
    return [(s.test_name, s.function, label, pts, hid, (s.stochastic, s.ffp, s.timeout), _fingerprint(c))
            for s in specs for c, pts, hid, label in s.resolved]


def _exec_stripped(hw, source, path):
    from autograder.spec import REGISTRY

    name = f"{_VERIFY_PREFIX}.{hw}"
    REGISTRY.pop(name, None)
    mod = types.ModuleType(name)
    mod.__file__ = str(path)
    try:
        exec(compile(source, str(path), "exec"), mod.__dict__)
        return mod, list(REGISTRY.get(name, ()))
    finally:
        REGISTRY.pop(name, None)


def package_manifest(hw: str) -> tuple[str, list]:
    """The student ``__init__.py`` of package ``hw`` (with HIDDEN_CASES) and the hidden cases."""
    from autograder import catalog

    pkg = importlib.import_module(f"autograder.checks.{hw}")
    if hasattr(pkg, "HIDDEN_CASES"):
        raise StudentDistError(f"autograder/checks/{hw}/ is a student copy already (HIDDEN_CASES): "
                               "build the student wheel from the instructor's checkout")
    full = catalog.get(hw)
    public_files = {full.files[0]}
    leaked = [f"{s.function}::{r.label}" for s in full.checks for r in s.resolved
              if r.hidden and s.module.endswith(".public")]
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

    pkg = importlib.import_module(f"autograder.checks.{hw}")
    if hasattr(pkg, "__path__"):
        text, _ = package_manifest(hw)
        manifest = types.ModuleType(f"{_VERIFY_PREFIX}.{hw}")
        exec(compile(text, f"autograder/checks/{hw}/__init__.py", "exec"), manifest.__dict__)
        public = importlib.import_module(f"{pkg.__name__}.public")
        return catalog.from_module(hw, public, REGISTRY.get(public.__name__, ()), package=manifest,
                                   files=(public.__file__,))
    text, _ = strip_check_module(hw)
    return catalog.from_module(hw, *_exec_stripped(hw, text, f"autograder/checks/{hw}.py"))


def strip_check_module(hw: str) -> tuple[str, list]:
    """The verified student version of ``autograder/checks/<hw>.py`` and its HIDDEN_CASES."""
    from autograder.spec import REGISTRY

    orig = importlib.import_module(f"autograder.checks.{hw}")
    if hasattr(orig, "HIDDEN_CASES"):
        raise StudentDistError(f"autograder/checks/{hw}.py is already stripped (HIDDEN_CASES): build "
                               "the student wheel from the instructor's checkout, not from a student install")
    path = Path(orig.__file__)
    specs = list(REGISTRY.get(orig.__name__, ()))
    want = [e for e in _entries(specs) if not e[4]]
    hidden_cases = [(s.function, label, pts) for s in specs for _, pts, hid, label in s.resolved if hid]
    source = path.read_text()
    drop: set = set()
    for _ in range(3):  # a second pass removes checks that the first one left without a case
        text = strip_source(source, drop)
        mod, got_specs = _exec_stripped(hw, text, path)
        empty = {s.test_name for s in got_specs if not s.resolved}
        if not empty - drop:
            break
        drop |= empty
    got = _entries(got_specs)
    problems = []
    left = [f"{e[1]}::{e[2]}" for e in got if e[4]]
    if left:
        problems.append(f"hidden cases the transform could not remove: {', '.join(left[:8])}")
    if [e for e in got if not e[4]] != want:
        lost = [f"{e[1]}::{e[2]}" for e in want if e not in got]
        extra = [f"{e[1]}::{e[2]}" for e in got if e not in want]
        problems.append("the public cases changed (inputs, points or order): "
                        f"lost/changed {lost[:8]}, new/changed {extra[:8]}")
    for attr in ("TITLE", "FUNCTIONS"):
        if getattr(mod, attr, None) != getattr(orig, attr, None):
            problems.append(f"{attr} changed")
    if hasattr(orig, "plot") != hasattr(mod, "plot"):
        problems.append("the plot function was lost")
    if "hidden=True" in text:
        problems.append("the text `hidden=True` is still in the module")
    if problems:
        raise StudentDistError(f"cannot strip the hidden checks of autograder/checks/{hw}.py safely: "
                               + "; ".join(problems) + ". Declare its hidden cases with "
                               "Case(..., hidden=True) in a list of cases, or @check(..., hidden=True).")
    rows = "".join(f"    ({f!r}, {label!r}, {pts!r}),\n" for f, label, pts in hidden_cases)
    text += ("\n# Hidden cases removed from this student copy; the plugin reports them as not run,\n"
             "# and the catalog counts their points in the assignment's total.\n"
             f"HIDDEN_CASES = [\n{rows}]\n")
    from autograder import catalog

    full = catalog.get(hw)
    student = catalog.from_module(hw, *_exec_stripped(hw, text, path))
    if abs(student.points - full.points) > 1e-9 or abs(student.public_points - full.public_points) > 1e-9:
        raise StudentDistError(f"the student copy of autograder/checks/{hw}.py would show "
                               f"{student.points:g} points ({student.public_points:g} public) where the "
                               f"course has {full.points:g} ({full.public_points:g} public); fix the "
                               "hidden cases' declarations and build again")
    return text, hidden_cases


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
           or "/submissions/" in n or re.search(r"(^|/)(test_[^/]*|conftest)\.py$", n)]
    with zipfile.ZipFile(whl) as z:
        bad += [n for n in names if re.fullmatch(r"autograder/checks/hw\d+\.py", n)
                and "hidden=True" in z.read(n).decode()]
    bad += [n for n in names if re.fullmatch(r"autograder/checks/hw\d+/hidden\.py", n)]
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
        for hw in catalog.ids():
            pkg_dir = src / "autograder" / "checks" / hw
            if pkg_dir.is_dir():
                text, _ = package_manifest(hw)
                (pkg_dir / "hidden.py").unlink()
                (pkg_dir / "__init__.py").write_text(text)
            else:
                text, _ = strip_check_module(hw)
                (src / "autograder" / "checks" / f"{hw}.py").write_text(text)
        # the mark of a student install: the CLI offers only what works without the
        # instructor's parts (see autograder.catalog.is_student_install)
        (src / "autograder" / "distribution.json").write_text(json.dumps(
            {"kind": "student", "version": meta["project"]["version"]}, indent=1) + "\n")
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
def student_dist(outdir):
    """Build the student wheel into OUTDIR: course + autograder + public fixtures,
    without `solutions` and without the hidden checks."""
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
