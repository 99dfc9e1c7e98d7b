"""The student side of a check: ``student.fn(*args)``.

:class:`SandboxStudent` calls the submission in its sandbox.
:class:`TrustedStudent` calls a trusted module in-process (the reference,
for calibrating statistical checks over many seeds); its values take the
same plain-data round trip, so checks see the same types either way.
"""
from __future__ import annotations

import difflib
import re
import traceback as _tb
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from .sandbox import Sandbox, codec
from .sandbox import child as _child
from .sandbox.errors import Missing, NotAttempted, Raised


class _Proxy:
    """``student.fn(*args)`` is ``student.call("fn", *args)``."""

    timeout: float | None = None

    def call(self, fn: str, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def __getattr__(self, fn: str) -> Callable[..., Any]:
        if fn.startswith("_"):
            raise AttributeError(fn)
        return lambda *a, **k: self.call(fn, *a, **k)


class SandboxStudent(_Proxy):
    def __init__(self, sandbox: Sandbox, timeout: float | None = None) -> None:
        self.sandbox = sandbox
        self.timeout = timeout

    def call(self, fn: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.sandbox.call(fn, *args, timeout=self.timeout, **kwargs)
        except Missing as exc:
            report = getattr(self.sandbox, "load_report", None)
            raise Missing(explain_missing(fn, getattr(report, "defined", ()), getattr(report, "notes", ()),
                                          getattr(self.sandbox, "cells", ()),
                                          exc.message)) from None

    def with_timeout(self, timeout: float | None) -> SandboxStudent:
        return SandboxStudent(self.sandbox, timeout)


def explain_missing(fn: str, defined: Iterable[str] = (), notes: Iterable[Any] = (), cells: Iterable[Any] = (),
                    message: str | None = None) -> str:
    """Why ``fn`` is not there, in the student's terms.

    A cell that did not compile or raised while loading, and which has
    ``def fn``, is named with its line; a defined name close to ``fn``
    (difflib) is offered as "did you mean".
    """
    lines = [message or f"no function `{fn}` is defined in your file"]
    defs = re.compile(rf"^\s*(async\s+)?def\s+{re.escape(fn)}\s*\(", re.M)
    sources = {c.get("filename"): c.get("source", "") for c in cells if isinstance(c, dict)}
    broken = [n for n in notes if isinstance(n, dict) and n.get("kind") in ("syntax", "raised")]
    culprit = next((n for n in broken if defs.search(sources.get(n.get("cell"), ""))), None)
    if culprit is not None:
        where = f"{culprit.get('cell')}" + (f", line {culprit['line']}" if culprit.get("line") else "")
        if culprit.get("kind") == "syntax":
            lines = [f"`{fn}` is not defined: the cell that defines it has a syntax error, so Python "
                     f"ran none of it: {where}: {culprit.get('message', '').rsplit(' (', 1)[0]}"
                     + (f"\n    {culprit['text'].strip()}" if culprit.get("text") else ""),
                     "Next: fix that line (and run the cell), then check again."]
        else:
            lines = [f"`{fn}` is not defined: the cell that defines it stopped with an error before "
                     f"reaching it: {where}: {culprit.get('message', '')}",
                     "Next: make that cell run without an error, then check again."]
        return "\n".join(lines)
    public = [d for d in defined if not str(d).startswith("_")]
    close = difflib.get_close_matches(fn, public, n=1, cutoff=0.75) or \
        [d for d in public if d.lower() == fn.lower()]
    if close:
        lines.append(f"Did you mean `{close[0]}`? The grader calls the function by the name `{fn}`: "
                     "rename yours.")
        return "\n".join(lines)
    syntax = [n for n in broken if n.get("kind") == "syntax"]
    if syntax:
        n = syntax[0]
        lines.append(f"Note: {n.get('cell')} has a syntax error (line {n.get('line')}), so nothing in "
                     "that cell was defined; fix it first.")
    else:
        lines.append(f"Next: write `def {fn}(...)` as the assignment asks, with exactly that name.")
    return "\n".join(lines)


class TrustedStudent(_Proxy):
    def __init__(self, module: ModuleType, timeout: float | None = None) -> None:
        self.module = module
        self.timeout = timeout

    def call(self, fn: str, *args: Any, **kwargs: Any) -> Any:
        func = getattr(self.module, fn, None)
        if func is None or not callable(func):
            raise Missing(f"no function `{fn}` is defined in your file")
        args = codec.decode(codec.encode(list(args)))
        kwargs = codec.decode(codec.encode(dict(kwargs)))
        try:
            value = func(*args, **kwargs)
        except NotImplementedError:
            raise NotAttempted(f"`{fn}` still raises NotImplementedError (not attempted)") from None
        except Exception as exc:
            tb = [ln.rstrip() for ln in _tb.format_tb(exc.__traceback__)][-6:]
            raise Raised(f"`{fn}` raised {type(exc).__name__}: {exc}",
                         exc_type=type(exc).__name__, traceback=tb) from None
        return codec.decode(_child.encode(value))

    def with_timeout(self, timeout: float | None) -> TrustedStudent:
        return TrustedStudent(self.module, timeout)
