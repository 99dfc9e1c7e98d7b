"""Reading a submission (.py or .ipynb) into the code cells the sandbox runs."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

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
    path: Path
    cells: list
    notes: list = field(default_factory=list)


def _strip_magics(source: str, label: str, notes: list) -> str:
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


def is_check_cell(cell) -> bool:
    meta = cell.get("metadata")
    nb = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(nb, dict) and bool(nb.get("grade")) and not nb.get("solution")


def load_submission(path) -> Submission:
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"no such file: {path}")
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
        raise SubmissionError(f"{path} is not a UTF-8 text file") from None
    if path.suffix == ".py":
        return Submission(path, [{"filename": path.name, "source": text}])
    if path.suffix != ".ipynb":
        raise SubmissionError(f"{path}: expected a .py or .ipynb file")
    try:
        nb = json.loads(text)
        raw_cells = nb["cells"]
    except RecursionError:
        raise SubmissionError(f"{path.name} is not a notebook: its JSON is nested far too deeply. "
                              "Next: save the notebook again from Jupyter") from None
    except (ValueError, KeyError, TypeError):
        raise SubmissionError(f"{path} is not a valid notebook (JSON with a 'cells' list)") from None
    if not isinstance(raw_cells, list):
        raise SubmissionError(f"{path.name} is not a valid notebook: 'cells' is not a list. "
                              "Next: save the notebook again from Jupyter")
    cells, notes = [], []
    k = 0
    for cell in raw_cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        k += 1
        label = f"{path.name} [cell {k}]"
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(x for x in src if isinstance(x, str))
        elif not isinstance(src, str):
            continue
        meta = cell.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        tags = meta.get("tags")
        tags = {t for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()
        if tags & SKIP_TAGS or is_check_cell(cell) or not src.strip() \
                or src.lstrip().startswith(EXPERIMENT_MARK):
            continue
        cells.append({"filename": label, "source": _strip_magics(src, label, notes)})
    return Submission(path, cells, notes)
