"""Writing verdicts into nbgrader's gradebook (``nbgrader.api.Gradebook``).

The gradebook gets the layout of the release notebook that ``course build``
writes and ``nbgrader generate_assignment`` records: notebook ``hwN`` with,
per graded function, the grade cell ``check_<function>`` (its public checks)
and, when it has hidden checks, ``hidden_<function>``. Cells, the
assignment and students are created when missing, so ``course grade`` works
with or without a prior ``nbgrader generate_assignment``, and its scores sit
in the same cells ``nbgrader autograde`` would fill. Each cell's
``auto_score`` is the points of its checks; a ``manual_score`` set in
formgrader is left alone (nbgrader prefers it) and read back, so the exports
show it too. ``nbgrader export`` and
formgrader then see the scores like nbgrader's own.
"""
from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path

from autograder import scoring


def gradebook_url(target) -> str:
    text = str(target)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


def cell_name(function, hidden) -> str:
    """The grade cell of a function's public or hidden checks (course/build.py's ids)."""
    return f"hidden_{function}" if hidden else f"check_{function}"


def cell_points(rec):
    """{cell name: (points, max points)} over every check of the record."""
    return scoring.subtotals(rec["report"]["tests"], lambda t: cell_name(t["function"], t.get("hidden", False)),
                             max_of_all=True)


@contextlib.contextmanager
def _alembic_in_process():
    """nbgrader stamps a new gradebook with ``alembic heads`` run as a program found on
    PATH, which is missing when ``course`` is run without its venv activated (then
    every write dies on 'alembic'). Ask alembic's Python API in this interpreter instead."""
    import nbgrader.api as api

    def heads():
        from alembic.script import ScriptDirectory
        from nbgrader.dbutil import ALEMBIC_DIR

        return ScriptDirectory(ALEMBIC_DIR).get_current_head()

    saved = api.get_alembic_version
    api.get_alembic_version = heads
    try:
        yield
    finally:
        api.get_alembic_version = saved


def _new_private_file(target):
    """A gradebook file this run creates is the instructor's only (mode 0600)."""
    if "://" in str(target):
        return
    path = Path(target)
    if not path.exists() and not path.is_symlink():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))


def _write_one(gb, rec, notebook, assignment, maxima, Grade, MissingEntry):
    gb.update_or_create_student(rec["student"])
    kwargs = {"timestamp": rec["timestamp"]} if rec.get("timestamp") else {}
    gb.update_or_create_submission(assignment, rec["student"], **kwargs)
    snb = gb.find_submission_notebook(notebook, assignment, rec["student"])
    pts = cell_points(rec)
    manual, extra = {}, 0.0
    for name in maxima:
        try:
            grade = gb.find_grade(name, notebook, assignment, rec["student"])
        except MissingEntry:  # the cell was added after the submission was made
            grade = Grade(cell_id=gb.find_grade_cell(name, notebook, assignment).id, notebook=snb)
            gb.db.add(grade)
        grade.auto_score = pts.get(name, (0.0, 0.0))[0]
        grade.needs_manual_grade = False
        if grade.manual_score is not None:
            manual[name] = float(grade.manual_score)
        extra += float(grade.extra_credit or 0.0)
    gb.db.commit()
    from .overrides import read_comments

    comments = read_comments(gb, notebook, assignment, rec["student"])
    return {"cells": manual, "extra_credit": extra, "comments": comments} if manual or extra or comments \
        else None


def write_gradebook(records, target, assignment, notebook=None):
    """Put every record's points into the gradebook at ``target`` (a path or a URL).

    Each student's write is isolated: one that fails (bad data, a locked
    row) is rolled back as far as nbgrader allows (its own helpers commit
    the student's row and submission as they create them) and reported,
    and the others are still written. Returns ``(url, [(student, why)], {student: manual})``,
    where ``manual`` holds the ``manual_score`` of every cell the instructor
    graded by hand (nbgrader prefers it to ``auto_score``) and the extra
    credit, so that every export shows the score the gradebook holds.
    """
    from nbgrader.api import Grade, Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    notebook = notebook or assignment
    records = [r for r in records if not r.get("invalid_id")]
    maxima = {}
    for rec in records:
        for name, (_, m) in cell_points(rec).items():
            maxima[name] = max(maxima.get(name, 0.0), m)
    errors, manual = [], {}
    if not records:
        return gradebook_url(target), errors, manual
    _new_private_file(target)
    with warnings.catch_warnings(), _alembic_in_process(), Gradebook(gradebook_url(target)) as gb:
        # nbgrader 0.9's add_submission trips SQLAlchemy 2's autoflush warnings; harmless
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_assignment(assignment)
        gb.update_or_create_notebook(notebook, assignment)
        for name, m in maxima.items():
            gb.update_or_create_grade_cell(name, notebook, assignment, max_score=m, cell_type="code")
        for rec in records:
            try:
                got = _write_one(gb, rec, notebook, assignment, maxima, Grade, MissingEntry)
            except Exception as exc:  # noqa: BLE001 - this student's write only
                gb.db.rollback()
                first = (str(exc).splitlines() or [""])[0][:200]
                errors.append((rec["student"], f"{type(exc).__name__}: {first}"))
                continue
            if got:
                manual[rec["student"]] = got
    return gradebook_url(target), errors, manual


def read_manual(target, assignment, notebook=None):
    """{student: {"cells": {cell: manual_score}, "extra_credit": x}} as the gradebook at
    ``target`` holds them now (read only; what :func:`write_gradebook` returns as ``manual``),
    for commands that rebuild a page from the store without grading."""
    from nbgrader.api import Gradebook, MissingEntry

    notebook = notebook or assignment
    out = {}
    if "://" not in str(target) and not Path(target).is_file():
        return out
    with warnings.catch_warnings(), _alembic_in_process(), Gradebook(gradebook_url(target)) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return out
        for sub in gb.assignment_submissions(assignment):
            manual, extra = {}, 0.0
            for nb in sub.notebooks:
                if nb.name != notebook:
                    continue
                for grade in nb.grades:
                    if grade.manual_score is not None:
                        manual[grade.name] = float(grade.manual_score)
                    extra += float(grade.extra_credit or 0.0)
            from .overrides import read_comments

            comments = read_comments(gb, notebook, assignment, sub.student.id)
            if manual or extra or comments:
                out[sub.student.id] = {"cells": manual, "extra_credit": extra, "comments": comments}
    return out
