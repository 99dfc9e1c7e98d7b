"""Writing verdicts into nbgrader's gradebook (``nbgrader.api.Gradebook``).

The gradebook gets the layout of the release notebook that ``course build``
writes and ``nbgrader generate_assignment`` records: notebook ``hwN`` with,
per graded function, the grade cell ``check_<function>`` (its public checks)
and, when it has hidden checks, ``hidden_<function>``. Cells, the
assignment and students are created when missing, so ``course grade`` works
with or without a prior ``nbgrader generate_assignment``, and its scores sit
in the same cells ``nbgrader autograde`` would fill. Each cell's
``auto_score`` is the points of its checks; a ``manual_score`` set in
formgrader is left alone (nbgrader prefers it). ``nbgrader export`` and
formgrader then see the scores like nbgrader's own.
"""
from __future__ import annotations

import warnings
from pathlib import Path


def gradebook_url(target) -> str:
    text = str(target)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


def cell_name(function, hidden) -> str:
    """The grade cell of a function's public or hidden checks (course/build.py's ids)."""
    return f"hidden_{function}" if hidden else f"check_{function}"


def cell_points(rec):
    """{cell name: (points, max points)} over every check of the record."""
    out = {}
    for t in rec["report"]["tests"]:
        name = cell_name(t["function"], t.get("hidden", False))
        p, m = out.get(name, (0.0, 0.0))
        out[name] = (p + (t["points"] if t["status"] != "not run" else 0.0), m + t["max_points"])
    return {k: (round(p, 6), round(m, 6)) for k, (p, m) in out.items()}


def write_gradebook(records, target, assignment, notebook=None):
    """Put every record's points into the gradebook at ``target`` (a path or a URL)."""
    from nbgrader.api import Grade, Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    notebook = notebook or assignment
    maxima = {}
    for rec in records:
        for name, (_, m) in cell_points(rec).items():
            maxima[name] = max(maxima.get(name, 0.0), m)
    with warnings.catch_warnings(), Gradebook(gradebook_url(target)) as gb:
        # nbgrader 0.9's add_submission trips SQLAlchemy 2's autoflush warnings; harmless
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_assignment(assignment)
        gb.update_or_create_notebook(notebook, assignment)
        for name, m in maxima.items():
            gb.update_or_create_grade_cell(name, notebook, assignment, max_score=m, cell_type="code")
        for rec in records:
            gb.update_or_create_student(rec["student"])
            kwargs = {"timestamp": rec["timestamp"]} if rec.get("timestamp") else {}
            gb.update_or_create_submission(assignment, rec["student"], **kwargs)
            snb = gb.find_submission_notebook(notebook, assignment, rec["student"])
            pts = cell_points(rec)
            for name in maxima:
                try:
                    grade = gb.find_grade(name, notebook, assignment, rec["student"])
                except MissingEntry:  # the cell was added after the submission was made
                    grade = Grade(cell_id=gb.find_grade_cell(name, notebook, assignment).id, notebook=snb)
                    gb.db.add(grade)
                grade.auto_score = pts.get(name, (0.0, 0.0))[0]
                grade.needs_manual_grade = False
            gb.db.commit()
    return gradebook_url(target)
