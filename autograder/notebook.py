"""Checks from inside a notebook: the check cells of the release notebooks.

``check_cell("hw1", "init_variance")`` grades the code run so far in this
notebook: the kernel's input history is written to a scratch notebook and
graded in the sandbox exactly as ``course check`` grades a file, for the
checks of that one function. It prints the verdicts and returns the points
earned, which nbgrader reads as the cell's partial credit. It never raises
and never writes to stderr, so a warning cannot cost points (nbgrader scores
any cell with stderr output as 0) and feedback shows our messages, not
tracebacks. Hidden checks (``hidden=True``, nbgrader's hidden test cells)
print no inputs and no expected values.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import sys
import tempfile
import warnings
from pathlib import Path

from .reference import solutions_available
from .report import plural, redact  # noqa: F401 - redact: the one redaction, re-exported
from .runner import run_checks

from .submission import EXPERIMENT_MARK


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


#: (assignment, function, hash of the history) -> Report, so that the public
#: and the hidden cell of a function, which see the same code, run once
_CACHE: dict = {}


def _report(assignment, function, sources, want_hidden):
    key = (assignment, function, hashlib.sha256("\0".join(sources).encode()).hexdigest())
    rep = _CACHE.get(key)
    if rep is not None and (rep.hidden_ran or not want_hidden):
        return rep
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{assignment}.ipynb"
        path.write_text(_as_notebook(sources))
        rep = run_checks(assignment, path, functions=[function],
                         hidden=want_hidden or solutions_available(assignment))
    rep.hidden_ran = want_hidden or solutions_available(assignment)
    _CACHE.clear()
    _CACHE[key] = rep
    return rep


def check_cell(assignment, function, namespace=None, hidden=False):
    ns = namespace if namespace is not None else vars(sys.modules["__main__"])
    sources = _history(ns)
    out = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stderr(out):
        warnings.simplefilter("ignore")
        try:
            full = _report(assignment, function, sources, hidden)
        except Exception as exc:  # a grader problem must not cost points silently
            print(f"the checks of {function} could not run: {type(exc).__name__}: {exc}")
            return 0.0
    report = copy.copy(full)
    report.results = [r for r in full.results if r.hidden == hidden]
    label = "hidden" if hidden else "public"
    for r in report.ran:
        mark = "ok  " if r.passed else "FAIL"
        print(f"{mark} {r.function} :: {r.case}")
        if not r.passed:
            msg = redact(r.message) if hidden else r.message
            print("     " + msg.replace("\n", "\n     "))
    n_hidden = sum(1 for r in full.results if r.hidden)
    if report.ran and report.all_passed:
        extra = f" ({plural(n_hidden, 'hidden check')} run at grading time)" if n_hidden and not hidden else ""
        print(f"{label} checks of {function} passed{extra}")
    elif not report.ran:
        print(f"no {label} checks of {function} ran")
    return float(report.score)
