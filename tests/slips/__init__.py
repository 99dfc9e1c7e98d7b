"""Known-wrong submissions described once, as edits of a correct file.

A realistic slip differs from a correct submission in a line or two. Each
one is a :class:`KnownSlip` in ``tests/slips/hwN.py``: an id, one sentence
saying what the mistake is, what the grader must conclude (functions that
must fail, functions that must still pass, substrings the failure messages
must contain), and how to produce it: text edits of the reference
``solutions/hwN.py`` or of a correct alternative in
``tests/submissions/hwN/``. The test materialises the file at test time.

Whole files stay in ``tests/submissions/`` only for correct alternatives,
hostile submissions and rewrites spread over many places.
"""
from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


class SlipError(ValueError):
    """A descriptor that no longer applies to its base (the base changed)."""


@dataclass(frozen=True)
class KnownSlip:
    id: str
    what: str
    fail: tuple[str, ...]
    passes: tuple[str, ...]
    hints: tuple[str, ...]
    edits: tuple[tuple[str, str], ...]
    base: str = "solutions"

    def base_path(self, assignment: str, root: Path = ROOT) -> Path:
        if self.base == "solutions":
            return root / "solutions" / f"{assignment}.py"
        return root / "tests" / "submissions" / assignment / f"{self.base}.py"

    def source(self, assignment: str, root: Path = ROOT) -> str:
        """The submission's text: the header, then the base with every edit applied."""
        text = without_docstring(without_header(self.base_path(assignment, root).read_text()))
        for old, new in self.edits:
            n = text.count(old)
            if n != 1:
                raise SlipError(f"{assignment}/{self.id}: the text to replace occurs {n} times in "
                                f"{self.base_path(assignment, root).name} (must be once): {old[:120]!r}")
            text = text.replace(old, new)
        head = [f"# {self.what}", f"# EXPECT: fail {', '.join(self.fail)}"]
        if self.passes:
            head.append(f"# EXPECT: pass {', '.join(self.passes)}")
        head += [f'# EXPECT: hint "{h}"' for h in self.hints]
        return "\n".join(head) + "\n" + text

    def write(self, assignment: str, directory: Path, root: Path = ROOT) -> Path:
        path = Path(directory) / f"{self.id}.py"
        path.write_text(self.source(assignment, root))
        return path


def _names(v) -> tuple[str, ...]:
    if isinstance(v, str):
        v = v.split(",")
    return tuple(x.strip() for x in v if x.strip())


def slip(id: str, what: str, *, fail, passes=(), hints=(), edits, base: str = "solutions") -> KnownSlip:
    """One known-wrong submission: ``edits`` are ``(old, new)`` text pairs, each ``old`` unique."""
    if not edits:
        raise SlipError(f"{id}: a slip needs at least one edit")
    if isinstance(hints, str):
        hints = (hints,)
    return KnownSlip(id, what, _names(fail), _names(passes), tuple(hints),
                     tuple((str(o), str(n)) for o, n in edits), base)


def without_header(text: str) -> str:
    """``text`` without its leading comment lines (a known submission's EXPECT header)."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[i:])


def without_docstring(text: str) -> str:
    """``text`` without its module docstring and the blank lines after it."""
    body = ast.parse(text).body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        lines = text.splitlines(keepends=True)
        text = "".join(lines[body[0].end_lineno:]).lstrip("\n")
    return text


def load(assignment: str) -> list[KnownSlip]:
    try:
        mod = importlib.import_module(f"slips.{assignment}")
    except ModuleNotFoundError as exc:
        if exc.name == f"slips.{assignment}":
            return []
        raise
    return list(mod.SLIPS)


def assignments() -> list[str]:
    return sorted((p.stem for p in Path(__file__).parent.glob("hw*.py")), key=lambda s: int(s[2:]))
