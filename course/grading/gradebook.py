"""Writing verdicts into nbgrader's gradebook (``nbgrader.api.Gradebook``).

The assignment, its notebook (named like the assignment: ``hw1``) and one
grade cell per graded function (``check_<function>``, the ids of the release
notebook's check cells) are created or updated as needed, with the maximum
of each cell set to the function's points over all checks, hidden ones
included, since that is what ``course grade`` awards. Each student gets a
submission whose grade cells carry the function's points as ``auto_score``;
a ``manual_score`` set in formgrader is left alone (nbgrader prefers it).
``nbgrader export`` and formgrader then see the scores like nbgrader's own.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from .records import points_by_function


def gradebook_url(target) -> str:
    text = str(target)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


def _max_points(records):
    """{function: max points}, from a record whose checks all ran."""
    best = {}
    for rec in records:
        for fn, (_, m) in points_by_function(rec).items():
            best[fn] = max(best.get(fn, 0.0), m)
    return best


def write_gradebook(records, target, assignment, notebook=None):
    """Put every record's per-function points into the gradebook at ``target``."""
    from nbgrader.api import Grade, Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    notebook = notebook or assignment
    maxima = _max_points(records)
    with warnings.catch_warnings(), Gradebook(gradebook_url(target)) as gb:
        # nbgrader 0.9's add_submission trips SQLAlchemy 2's autoflush warnings; harmless
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_assignment(assignment)
        gb.update_or_create_notebook(notebook, assignment)
        for fn, m in maxima.items():
            gb.update_or_create_grade_cell(f"check_{fn}", notebook, assignment,
                                           max_score=m, cell_type="code")
        for rec in records:
            gb.update_or_create_student(rec["student"])
            kwargs = {"timestamp": rec["timestamp"]} if rec.get("timestamp") else {}
            gb.update_or_create_submission(assignment, rec["student"], **kwargs)
            snb = gb.find_submission_notebook(notebook, assignment, rec["student"])
            pts = points_by_function(rec)
            for fn in maxima:
                try:
                    grade = gb.find_grade(f"check_{fn}", notebook, assignment, rec["student"])
                except MissingEntry:  # the cell was added after the submission was made
                    cell = gb.find_grade_cell(f"check_{fn}", notebook, assignment)
                    grade = Grade(cell_id=cell.id, notebook=snb)
                    gb.db.add(grade)
                grade.auto_score = pts.get(fn, (0.0, 0.0))[0]
                grade.needs_manual_grade = False
            gb.db.commit()
    return gradebook_url(target)
