"""Build a "wheel attack" submission: graded functions that only call helpers
copied from the student wheel's check module.

A file ``tests/hostile/wheel_hwN.py`` names the helpers it copies (``COPY``)
and defines the graded functions by calling them, with nothing of its own
beyond glue (unpacking, a seeded normal draw around an exact mean, the
contract's argument errors). ``assemble`` takes the student copy of the
check package ``autograder/checks/hwN/`` (what ``course student-dist`` ships:
every file but ``hidden.py`` and ``slipgen.py``), copies its
import lines and the named top-level definitions that it still holds, and
prepends them to the attack file. A helper the wheel does not hold is simply
missing: the graded functions that call it raise ``NameError``.

``raise_everywhere`` is the baseline: every graded function raises
``ValueError`` (which earns the points of the "rejects bad input" checks).
"""
from __future__ import annotations

import ast
import functools
import importlib
import re
import runpy
from pathlib import Path

HERE = Path(__file__).resolve().parent


def attack_path(hw: str) -> Path:
    return HERE / f"wheel_{hw}.py"


@functools.lru_cache(maxsize=None)
def wheel_source(hw: str) -> str:
    """The check package's modules as the student wheel ships them, one after the other."""
    from course.student_dist import is_hidden_file

    pkg = Path(importlib.import_module(f"autograder.checks.{hw}").__file__).parent
    return "\n\n".join(p.read_text() for p in sorted(pkg.glob("*.py")) if not is_hidden_file(p.name))


def copied(hw: str, source: str | None = None) -> tuple[str, list[str]]:
    """(the copied imports and helper definitions, the helper names the wheel lacks)."""
    source = wheel_source(hw) if source is None else source
    names = runpy.run_path(str(attack_path(hw)), run_name="_wheel_attack_names")["COPY"]
    tree = ast.parse(source)
    imports, picked, defined = [], [], set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mod = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            relative = isinstance(node, ast.ImportFrom) and node.level > 0   # a sibling module: pasted too
            if not relative and not (mod or "").startswith(("autograder", "__future__")):
                imports.append(ast.unparse(node))
            continue
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names_here = {node.name}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names_here = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        else:
            continue
        if names_here & set(names):
            picked.append(ast.unparse(node))   # in the module's order (a name may be assigned twice)
            defined |= names_here
    missing = [n for n in names if n not in defined]
    text = "\n".join(imports) + "\n\n" + "\n\n".join(picked) + "\n"
    return text, missing


def assemble(hw: str, out: Path, source: str | None = None) -> list[str]:
    """Write the attack submission for ``hw`` to ``out``; return the helpers it could not copy."""
    text, missing = copied(hw, source)
    body = attack_path(hw).read_text()
    Path(out).write_text("# helpers copied from the student wheel's check module\n" + text
                         + "\n\n# the attack\n" + body)
    return missing


def as_if_shipped(hw: str) -> str:
    """The wheel's module as it was while it shipped the hidden helpers: its source followed
    by that of ``autograder/checks/hwN/slipgen.py`` with the names they had there (a
    leading underscore). The positive control of tests/test_wheel_attacks.py."""
    hidden = importlib.import_module(f"autograder.checks.{hw}.slipgen")
    # its imports of the public module's names are dropped: the public module comes first
    text = re.sub(r"(?m)^from (\.public|autograder\.checks\.hw\d+(\.public)?) import .*$", "",
                  Path(hidden.__file__).read_text())
    names = [n.name for n in ast.parse(text).body
             if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    if names:
        text = re.sub(r"\b(%s)\b" % "|".join(map(re.escape, names)), r"_\1", text)
    return wheel_source(hw) + "\n" + text


def raise_everywhere(hw: str, out: Path) -> None:
    from autograder import catalog

    functions = catalog.get(hw).functions
    Path(out).write_text("".join(f"def {f}(*args, **kwargs):\n    raise ValueError('not implemented')\n\n\n"
                                 for f in functions))


def score(hw: str, path: Path) -> tuple[float, float, float]:
    """(score, hidden checks' share of it, total) with the hidden checks."""
    from autograder.runner import run_checks

    rep = run_checks(hw, path, hidden=True)
    hidden = sum(r.points for r in rep.results if getattr(r, "hidden", False))
    return rep.score, hidden, rep.max_score


if __name__ == "__main__":
    import sys
    import tempfile

    for hw in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as d:
            a, b = Path(d) / "attack.py", Path(d) / "raises.py"
            missing = assemble(hw, a)
            raise_everywhere(hw, b)
            print(hw, "attack", score(hw, a), "raises", score(hw, b), "missing", missing, flush=True)
