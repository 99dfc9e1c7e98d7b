"""Finding the submissions of one assignment in nbgrader's layout.

``submitted/<student>/<hw>/`` holds what ``nbgrader collect`` (or a copy by
hand) put there. The graded file is, in this order of preference:
``<hw>.ipynb``, ``<hw>.py``, the only ``.ipynb``, the only ``.py``. A
folder with none of them, or with several candidates and neither name, gets
a verdict of its own ("no submission" / "ambiguous"), so nobody vanishes
from the gradebook without a word.

Every submission is keyed by ``(student, assignment, sha256 of the bytes)``:
the worker receives those exact bytes, so the grade always belongs to the
hash it is stored under, even if the file changes while grading runs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".ipynb", ".py")


@dataclass
class Submission:
    student: str
    assignment: str
    folder: Path
    file: Path | None = None          # None: nothing gradable in the folder
    sha256: str = ""
    problem: str = ""                 # why there is nothing to grade
    timestamp: str | None = None      # nbgrader's timestamp.txt, if any
    candidates: list = field(default_factory=list)

    @property
    def gradable(self) -> bool:
        return self.file is not None

    def content(self) -> bytes:
        return self.file.read_bytes()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def choose_file(folder: Path, assignment: str):
    """(file or None, candidates, problem) for one submission folder."""
    cands = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith("."))
    names = {p.name: p for p in cands}
    for pref in (f"{assignment}.ipynb", f"{assignment}.py"):
        if pref in names:
            return names[pref], cands, ""
    for suffix in SUFFIXES:
        same = [p for p in cands if p.suffix == suffix]
        if len(same) == 1:
            return same[0], cands, ""
        if len(same) > 1:
            listing = ", ".join(p.name for p in same)
            return None, cands, (f"several {suffix} files ({listing}) and none named "
                                 f"{assignment}{suffix}; rename the one to grade to "
                                 f"{assignment}{suffix} and grade again")
    return None, cands, (f"no .ipynb or .py file in submitted/{folder.parent.name}/{assignment}/; "
                         "the student submitted nothing gradable")


def find_submissions(submitted: Path, assignment: str, students=None):
    """Every ``submitted/<student>/<assignment>/`` folder, sorted by student id."""
    submitted = Path(submitted)
    if not submitted.is_dir():
        raise FileNotFoundError(f"{submitted} is not a folder (expected nbgrader's "
                                f"submitted/<student>/{assignment}/ layout)")
    only = set(students or ())
    out = []
    for sdir in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        folder = sdir / assignment
        if not folder.is_dir() or (only and sdir.name not in only):
            continue
        file, cands, problem = choose_file(folder, assignment)
        sub = Submission(sdir.name, assignment, folder, file, problem=problem, candidates=cands)
        stamp = folder / "timestamp.txt"
        if stamp.is_file():
            sub.timestamp = stamp.read_text().strip() or None
        if file is not None:
            sub.sha256 = sha256_bytes(file.read_bytes())
        else:
            # The verdict "nothing to grade" is keyed by the listing: it is
            # revisited as soon as the folder's content changes.
            listing = "\n".join(f"{p.name}:{sha256_bytes(p.read_bytes())}" for p in cands)
            sub.sha256 = sha256_bytes(("empty\n" + listing).encode())
        out.append(sub)
    return out
