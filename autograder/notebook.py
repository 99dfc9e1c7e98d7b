"""Checks from inside a notebook: the check cells of the release notebooks.

``check_cell("hw1", "init_variance")`` grades the notebook in the sandbox
exactly as ``course check`` grades a file. When Jupyter names the
notebook's file and the saved file defines every function the kernel has
run the same way, the saved notebook is graded as a whole (so a function
defined in a later cell counts, as it does for ``course grade``), once for
all check cells until the file changes. Otherwise (unsaved edits, no
Jupyter server) the kernel's input history so far, without experiment
cells, is graded for the checks of that one function. It prints the verdicts and returns the points
earned, which nbgrader reads as the cell's partial credit. It never raises
and never writes to stderr, so a warning cannot cost points (nbgrader scores
any cell with stderr output as 0) and feedback shows our messages, not
tracebacks. Hidden checks (``hidden=True``, nbgrader's hidden test cells)
print no inputs and no expected values.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import scoring
from .reference import solutions_available
from .report import plural, redact  # noqa: F401 - redact: the one redaction, re-exported
from .runner import Report, run_checks
from .status import Status

from .submission import EXPERIMENT_MARK, SubmissionError, load_submission

if TYPE_CHECKING:
    from .plugin import Result


def _history(ns):
    cells = ns.get("In") or ns.get("_ih") or []
    out = []
    for c in cells:
        if not c or "check_cell(" in c or c.lstrip().startswith(EXPERIMENT_MARK):
            continue
        out.append(c)
    return out


def _as_notebook(sources) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [],
              "execution_count": None} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _saved_notebook(ns, assignment):
    """The notebook file this kernel runs, when Jupyter names it and it is ``assignment``'s.

    jupyter_server gives the kernel the notebook's path (``JPY_SESSION_NAME``,
    which ipykernel also puts in ``__session__``); a path that is not a
    notebook holding this assignment's check cells is ignored.
    """
    name = ns.get("__session__") or os.environ.get("JPY_SESSION_NAME")
    if not isinstance(name, str) or not name.endswith(".ipynb"):
        return None
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if f"check_cell({assignment!r}" not in text and f'check_cell(\\"{assignment}\\"' not in text:
        return None
    return path


def _definitions(sources):
    """{name: ast dump} of the top-level functions and classes, the last definition winning."""
    out = {}
    for src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out[node.name] = ast.dump(node)
    return out


def _saved_agrees(path, history):
    """Does the saved notebook define every function the kernel ran the same way?"""
    try:
        cells = load_submission(path).cells
    except SubmissionError:
        return False
    saved = _definitions(c["source"] for c in cells)
    ran = _definitions(history)
    return all(saved.get(name) == dump for name, dump in ran.items())


#: (assignment, what is graded, its hash) -> Report. In "notebook" mode one
#: report holds every function's verdicts, so all check cells of a Run All
#: share one grading run; in "history" mode the public and the hidden cell
#: of a function, which see the same code, share one.
_CACHE: dict[tuple[str, str, str], Report] = {}

SAVE_NOTE = ("(graded the cells run so far: the saved notebook differs from them. Save the notebook "
             "and run this cell again to grade the notebook as a whole, as the grader does.)")


def _grade(key: tuple[str, str, str], want_hidden: bool, write: Callable[[Path], object],
           functions: Sequence[str]) -> Report:
    rep = _CACHE.get(key)
    if rep is not None and (rep.hidden_ran or not want_hidden):
        return rep
    hidden = want_hidden or solutions_available(key[0])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{key[0]}.ipynb"
        write(path)
        rep = run_checks(key[0], path, functions=functions, hidden=hidden)
    rep.hidden_ran = hidden
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = rep
    return rep


def _report(assignment: str, function: str, ns: dict[str, Any], want_hidden: bool) -> tuple[Report, str]:
    """The engine's report for this check cell, and a note to print (or "")."""
    history = _history(ns)
    saved = _saved_notebook(ns, assignment)
    if saved is not None and _saved_agrees(saved, history):
        # the notebook as a whole, as `course grade` and nbgrader see it: a
        # function defined in a later cell counts, and the history is not re-run per cell
        data = saved.read_bytes()
        key = (assignment, "notebook", hashlib.sha256(data).hexdigest())
        return _grade(key, want_hidden, lambda p: p.write_bytes(data), ()), ""
    key = (assignment, f"history:{function}", hashlib.sha256("\0".join(history).encode()).hexdigest())
    rep = _grade(key, want_hidden, lambda p: p.write_text(_as_notebook(history)), [function])
    return rep, (SAVE_NOTE if saved is not None else "")


def cell_text(results: Iterable[Result], function: str, hidden: bool) -> tuple[str, float]:
    """What the check cell of ``function`` prints, and the points it returns.

    ``results``: the engine's results for the assignment (any functions).
    The public cell (``hidden=False``) shows the public checks' verdicts in
    full; the hidden cell shows the hidden checks' verdicts redacted. Shared
    by :func:`check_cell` and the course's nbgrader preprocessor, so the
    feedback reads the same whichever path graded the notebook.
    """
    mine = [r for r in results if r.function == function]
    shown = [r for r in mine if r.hidden == hidden and r.status is not Status.NOT_RUN]
    lines = []
    label = "hidden" if hidden else "public"
    for r in shown:
        mark = "ok  " if r.passed else "FAIL"
        lines.append(f"{mark} {r.function} :: {r.case}")
        if not r.passed:
            msg = redact(r.message) if hidden else r.message
            lines.append("     " + msg.replace("\n", "\n     "))
    n_hidden = sum(1 for r in mine if r.hidden)
    if shown and all(r.passed for r in shown):
        extra = f" ({plural(n_hidden, 'hidden check')} run at grading time)" if n_hidden and not hidden else ""
        lines.append(f"{label} checks of {function} passed{extra}")
    elif not shown:
        lines.append(f"no {label} checks of {function} ran")
    return "\n".join(lines) + "\n", scoring.score(shown)


def check_cell(assignment: str, function: str, namespace: dict[str, Any] | None = None,
               hidden: bool = False) -> float:
    ns = namespace if namespace is not None else vars(sys.modules["__main__"])
    out = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stderr(out):
        warnings.simplefilter("ignore")
        try:
            full, note = _report(assignment, function, ns, hidden)
        except Exception as exc:  # a grader problem must not cost points silently
            print(f"the checks of {function} could not run: {type(exc).__name__}: {exc}")
            return 0.0
    text, score = cell_text(full.results, function, hidden)
    if note:
        print(note)
    print(text, end="")
    return score
