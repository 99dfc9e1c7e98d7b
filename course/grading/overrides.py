"""The instructor's override of one function's points (``course override``).

An override is kept twice: in the results store (``overrides`` table, with
the comment, the sha256 of the file it was given for and the time: the
audit trail) and in nbgrader's gradebook as the ``manual_score`` of the
function's grade cells (``check_<f>``, then ``hidden_<f>``: the points fill
the public cell up to its maximum, the rest goes to the hidden one), with
the comment as a manual comment on ``check_<f>``. Exports read manual scores
one way only, :func:`course.grading.exports.with_manual`: from the gradebook
when the run writes one (so a later change in formgrader wins), else from the
store's overrides (:func:`manual_from_overrides`).
"""
from __future__ import annotations

import warnings

from .gradebook import _alembic_in_process, cell_name, cell_points, gradebook_url


def function_max(rec, function):
    pts = cell_points(rec)
    return round(sum(pts.get(cell_name(function, h), (0.0, 0.0))[1] for h in (False, True)), 6)


def split_points(rec, function, points):
    """{cell: manual score} for ``points`` given to ``function``: public cell first."""
    pts = cell_points(rec)
    public, hidden = cell_name(function, False), cell_name(function, True)
    out = {}
    left = float(points)
    pub_max = pts.get(public, (0.0, 0.0))[1]
    out[public] = round(min(left, pub_max), 6)
    left = round(left - out[public], 6)
    if hidden in pts:
        out[hidden] = left
    elif left > 1e-9:          # no hidden cell: the public one carries it all
        out[public] = round(out[public] + left, 6)
    return out


def manual_from_overrides(records, overrides):
    """{student: manual} (the gradebook reader's shape) from the store's overrides, for
    runs without a gradebook. An override given for another file is not applied."""
    out = {}
    for rec in records:
        given = overrides.get(rec["student"], {})
        cells, comments = {}, {}
        for fn, (points, comment, sha) in given.items():
            if sha != rec["sha256"]:
                continue
            cells.update(split_points(rec, fn, points))
            if comment:
                comments[fn] = comment
        if cells:
            out[rec["student"]] = {"cells": cells, "extra_credit": 0.0, "comments": comments}
    return out


def write_override(target, assignment, rec, function, points, comment, notebook=None):
    """Set the manual scores (and comment) of ``function``'s cells in the gradebook; the
    student's row must be there (``course grade`` writes it)."""
    from nbgrader.api import Comment, Gradebook, MissingEntry

    notebook = notebook or assignment
    cells = split_points(rec, function, points)
    with warnings.catch_warnings(), _alembic_in_process(), Gradebook(gradebook_url(target)) as gb:
        warnings.simplefilter("ignore")
        try:
            snb = gb.find_submission_notebook(notebook, assignment, rec["student"])
        except MissingEntry:
            raise LookupError(f"the gradebook has no submission of {assignment} by {rec['student']}") from None
        for name, score in cells.items():
            grade = gb.find_grade(name, notebook, assignment, rec["student"])
            grade.manual_score = score
            grade.needs_manual_grade = False
        cell = gb.find_grade_cell(cell_name(function, False), notebook, assignment)
        row = gb.db.query(Comment).filter(Comment.cell_id == cell.id, Comment.notebook_id == snb.id).one_or_none()
        if row is None:
            row = Comment(cell_id=cell.id, notebook=snb)
            gb.db.add(row)
        row.manual_comment = comment
        gb.db.commit()
    return cells


def read_comments(gb, notebook, assignment, student):
    """{function: manual comment} of the ``check_<f>`` cells (what ``write_override`` sets)."""
    from nbgrader.api import Comment, GradeCell

    try:
        snb = gb.find_submission_notebook(notebook, assignment, student)
    except Exception:  # noqa: BLE001 - no submission, no comment
        return {}
    out = {}
    for row in gb.db.query(Comment).filter(Comment.notebook_id == snb.id):
        cell = gb.db.query(GradeCell).filter(GradeCell.id == row.cell_id).one_or_none()
        if cell is not None and row.manual_comment and cell.name.startswith("check_"):
            out[cell.name[len("check_"):]] = row.manual_comment
    return out
