"""``--plots DIR``: the student's curves drawn over the reference's.

Each check module may define ``plot(student, ref, outdir)``; the student's
functions are called in the sandbox, as in the checks.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from autograder.reference import Reference
from autograder.sandbox import Sandbox, StudentError
from autograder.student import SandboxStudent, TrustedStudent
from autograder.submission import load_submission


def draw(assignment, path, outdir):
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    from autograder import catalog

    plot = catalog.plot_function(assignment)
    if plot is None:
        return []
    ref = Reference(assignment)
    if path is None:
        return plot(TrustedStudent(importlib.import_module(f"solutions.{assignment}")), ref, str(outdir))
    sub = load_submission(path)
    with Sandbox(sub.cells) as sb:
        try:
            return plot(SandboxStudent(sb, timeout=60), ref, str(outdir))
        except StudentError as exc:
            print(f"no plot: {exc.message}", file=sys.stderr)
            return []
