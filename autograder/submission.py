"""Reading a submission (.py or .ipynb) into the code cells the sandbox runs."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: cells with this tag are experiments or plots: the grader does not run them
SKIP_TAGS = {"course:skip", "skip-grading", "grader:skip"}
#: first line of experiment cells (kept when a student's tool drops the tags)
EXPERIMENT_MARK = "# Experiment: the grader skips this cell."


_MAGIC = re.compile(r"^\s*(%|!)")
#: the largest submission read (a notebook with its plots is a few MB)
MAX_BYTES = 32 << 20


class SubmissionError(Exception):
    """The file cannot be read as a submission (a usage error, exit code 2)."""


@dataclass
class Submission:
    """The code the sandbox runs: one ``{"filename": label, "source": text}`` per cell, and notes
    on what was skipped (IPython magics)."""

    path: Path
    cells: list[dict[str, str]]
    notes: list[str] = field(default_factory=list)


def _strip_magics(source: str, label: str, notes: list[str]) -> str:
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        notes.append(f"{label}: cell magic `{lines[0].strip()}` - cell skipped")
        return ""
    out = []
    for ln in lines:
        if _MAGIC.match(ln):
            notes.append(f"{label}: IPython line `{ln.strip()[:60]}` skipped")
            indent = ln[: len(ln) - len(ln.lstrip())]
            out.append(f"{indent}pass  # skipped by the grader: {ln.strip()[:40]}")
        else:
            out.append(ln)
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def is_check_cell(cell: dict[str, Any]) -> bool:
    meta = cell.get("metadata")
    nb = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(nb, dict) and bool(nb.get("grade")) and not nb.get("solution")


def _cell_label(name: str, cell: dict[str, Any], src: str, k: int) -> str:
    """How the student finds a cell in Jupyter: its ``In [n]`` if it ran, and its first line."""
    first = next((ln.strip() for ln in src.splitlines() if ln.strip()), "")
    if len(first) > 50:
        first = first[:47] + "..."
    count = cell.get("execution_count")
    where = f"In [{count}]" if isinstance(count, int) and not isinstance(count, bool) else f"code cell {k}"
    return f"{name}, {where} `{first}`" if first else f"{name}, {where}"


def _kind(value: object) -> str:
    return {bool: "true or false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def _malformed(path: Path, what: str) -> SubmissionError:
    return SubmissionError(f"{path} is not a valid Jupyter notebook: {what}. Open it in Jupyter and "
                           "save it again (File > Save), or give the .py file instead")


def _notebook_cells(path: Path, text: str) -> list[dict[str, Any]]:
    try:
        nb = json.loads(text)
    except RecursionError:
        raise _malformed(path, "its JSON is nested far too deeply") from None
    except ValueError as exc:
        raise _malformed(path, f"it is not JSON ({exc})") from None
    if not isinstance(nb, dict):
        raise _malformed(path, f"it holds {_kind(nb)}, not a notebook object")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise _malformed(path, "it has no list of cells" if cells is None
                         else f"its 'cells' is {_kind(cells)}, not a list")
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            raise _malformed(path, f"cell {i} is {_kind(cell)}, not a cell object")
        src = cell.get("source", "")
        if not (isinstance(src, str) or (isinstance(src, list) and all(isinstance(x, str) for x in src))):
            raise _malformed(path, f"the source of cell {i} is neither text nor a list of lines")
        meta = cell.get("metadata", {})
        if not isinstance(meta, dict):
            raise _malformed(path, f"the metadata of cell {i} is not an object")
        tags = meta.get("tags", [])
        if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
            raise _malformed(path, f"the tags of cell {i} are not a list of names")
        if not isinstance(meta.get("nbgrader", {}), dict):
            raise _malformed(path, f"the nbgrader metadata of cell {i} is not an object")
    return cells


def load_submission(path: str | os.PathLike[str]) -> Submission:
    """The code cells of ``path`` (.py: one cell; .ipynb: its code cells the grader runs).

    Raises :class:`SubmissionError`, with what to do next, for a file that cannot be read as one.
    """
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"no such file: {path}; check the name, or give the path of your .ipynb or .py file")
    if path.is_dir():
        raise SubmissionError(f"{path} is a folder; give the .py or .ipynb file")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SubmissionError(f"{path} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_BYTES:
        raise SubmissionError(f"{path.name} is larger than {MAX_BYTES >> 20} MiB; clear the notebook's "
                              "outputs (Edit > Clear All Outputs), save and try again")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SubmissionError(f"{path} is not a UTF-8 text file; give your .ipynb or .py file") from None
    if path.suffix == ".py":
        return Submission(path, [{"filename": path.name, "source": text}])
    if path.suffix != ".ipynb":
        raise SubmissionError(f"{path}: expected a .py or .ipynb file; give your notebook or Python file")
    raw_cells = _notebook_cells(path, text)
    cells, notes, labels = [], [], set()
    k = 0
    for cell in raw_cells:
        if cell.get("cell_type") != "code":
            continue
        k += 1
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        if tags & SKIP_TAGS or is_check_cell(cell) or not src.strip() \
                or src.lstrip().startswith(EXPERIMENT_MARK):
            continue
        label = _cell_label(path.name, cell, src, k)
        if label in labels:  # the name must be unique: tracebacks and notes are keyed by it
            label = f"{label} (code cell {k})"
        labels.add(label)
        cells.append({"filename": label, "source": _strip_magics(src, label, notes)})
    return Submission(path, cells, notes)


# ------------------------------------------------------------ which file to grade
#: the kinds of file graded, in order of preference
SUFFIXES = (".ipynb", ".py")
_ASSIGNMENT_NAME = re.compile(r"hw\d+")


@dataclass
class FileChoice:
    """Which file of a folder is an assignment's submission (see :func:`choose_file`)."""

    file: Path | None
    candidates: list[Path]
    #: when ``file`` is None: the several files of one kind, none with the assignment's name
    clash: list[Path] = field(default_factory=list)
    #: when ``file`` is None: files named for another assignment (``hw1.ipynb`` beside hw3's)
    others: list[Path] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """Why this file (empty when it bears the assignment's own name)."""
        if self.file is None or _ASSIGNMENT_NAME.fullmatch(self.file.stem):
            return ""
        kind = "notebook" if self.file.suffix == ".ipynb" else ".py file"
        return f"the only {kind} here"

    def problem(self, assignment: str, where: str) -> str:
        """Why nothing was chosen, for a message (``where``: "in this folder", ...)."""
        if self.clash:
            suffix = self.clash[0].suffix
            return (f"several {suffix} files {where} ({', '.join(p.name for p in self.clash)}) and "
                    f"none named {assignment}{suffix}")
        if self.others:
            return (f"no {assignment}.ipynb or {assignment}.py {where}, only "
                    f"{', '.join(p.name for p in self.others)}, named for another assignment")
        return f"no .ipynb or .py file {where}"


def choose_file(folder: str | os.PathLike[str], assignment: str) -> FileChoice:
    """The submission of ``assignment`` in ``folder``: one rule for every command.

    In this order: ``<hw>.ipynb``, ``<hw>.py``, the only ``.ipynb``, the only
    ``.py``; hidden files and files named for another assignment
    (``hw1.ipynb`` when grading hw3) are never taken. Several candidates of
    the preferred kind and none with the assignment's name: nothing is chosen
    (:attr:`FileChoice.clash`), so the caller asks instead of guessing.
    """
    folder = Path(folder)
    cands = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith("."))
    names = {p.name: p for p in cands}
    for pref in (f"{assignment}.ipynb", f"{assignment}.py"):
        if pref in names:
            return FileChoice(names[pref], cands)
    others = [p for p in cands if _ASSIGNMENT_NAME.fullmatch(p.stem)]
    for suffix in SUFFIXES:
        same = [p for p in cands if p.suffix == suffix and p not in others]
        if len(same) == 1:
            return FileChoice(same[0], cands)
        if len(same) > 1:
            return FileChoice(None, cands, clash=same)
    return FileChoice(None, cands, others=others)
