"""Public checks from inside a notebook (the check cells of release notebooks).

``check_cell("hw1", "init_variance")`` grades the functions defined in the
running notebook: it writes their source to a temporary file and runs the
public checks of that function on it in the sandbox, exactly as
``course check`` does, then prints the verdicts. It raises ``AssertionError``
when a check fails, so nbgrader marks the cell as failed.
"""
from __future__ import annotations

import inspect
import sys
import tempfile
import types
from pathlib import Path

from .runner import run_checks


def _namespace_source(ns) -> str:
    """The source of the notebook's code so far (IPython keeps the cell inputs)."""
    cells = ns.get("In") or ns.get("_ih")
    if isinstance(cells, list) and any(cells):
        return "\n\n".join(c for c in cells if c and "check_cell(" not in c)
    parts = []
    for name, obj in ns.items():
        if isinstance(obj, types.FunctionType) and obj.__module__ == "__main__":
            try:
                parts.append(inspect.getsource(obj))
            except (OSError, TypeError):
                pass
    return "\n\n".join(parts)


def check_cell(assignment, function, namespace=None, hidden=False):
    ns = namespace if namespace is not None else vars(sys.modules["__main__"])
    source = _namespace_source(ns)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{assignment}_cells.py"
        path.write_text(source)
        report = run_checks(assignment, path, functions=[function], hidden=hidden)
    failed = [r for r in report.ran if not r.passed]
    for r in report.results:
        mark = "ok  " if r.passed else ("--  " if r.status == "not run" else "FAIL")
        print(f"{mark} {r.function} :: {r.case}")
        if r.passed is False:
            print("     " + r.message.replace("\n", "\n     "))
    hidden_n = len(report.not_run)
    if failed:
        raise AssertionError(f"{len(failed)} public check(s) of {function} failed (see above)")
    print(f"public checks of {function} passed"
          + (f" ({hidden_n} hidden checks run at grading time)" if hidden_n else ""))
