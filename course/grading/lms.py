"""Gradebook files for learning-management systems, and Gradescope's autograder bundle.

- Canvas: the gradebook CSV its "Import" reads: ``Student, ID, SIS User ID,
  SIS Login ID, Section``, then one column per assignment (here one), and a
  ``Points Possible`` row. Canvas matches rows by ID, SIS User ID or SIS Login
  ID; without a roster the nbgrader student id is written as SIS User ID and
  SIS Login ID (a roster CSV exported from Canvas gives the rest).
- Moodle: "Import grades from CSV": an identifier column (mapped in the
  import form to a user field, e.g. ``ID number`` or ``username``) and the
  grade column, plus an optional feedback column.
- Gradescope: ``autograder.zip`` with ``setup.sh`` (installs the course
  wheel(s) bundled in it, torch from the CPU index) and ``run_autograder``,
  which grades ``/autograder/submission`` with ``course check --all --json``
  in a fresh process and writes ``/autograder/results/results.json`` in
  Gradescope's format (:mod:`course.grading.gradescope_run`).

Every cell that came from a student or a roster is cleaned and protected
against spreadsheet formulas (as the class CSV is).
"""
from __future__ import annotations

import csv
import io
import stat
import zipfile
from pathlib import Path

from .exports import _csv_cell, write_atomic


def read_roster(data: bytes) -> dict:
    """{student id: row} from a CSV with a ``student`` column (other columns kept by name)."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = csv.DictReader(io.StringIO(text))
    cols = {c.strip().lower(): c for c in rows.fieldnames or []}
    key = cols.get("student") or cols.get("student id") or cols.get("login id") or cols.get("sis login id")
    if key is None:
        raise ValueError("the roster needs a `student` column holding the nbgrader student ids (with any of "
                         "Name, ID, SIS User ID, SIS Login ID, Section). Next: add it.")
    out = {}
    for r in rows:
        sid = (r.get(key) or "").strip()
        if sid:
            out[sid] = {k.strip().lower(): (v or "").strip() for k, v in r.items() if k}
    return out


def _score(rec):
    return f"{rec['score']:g}"


def canvas_csv(records, assignment, column=None, roster=None, points=None) -> str:
    roster = roster or {}
    column = column or assignment
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
    top = points if points is not None else max((r["max_score"] for r in records), default=0.0)
    w.writerow(["    Points Possible", "", "", "", "", f"{top:g}"])
    for rec in records:
        if rec.get("invalid_id"):
            continue
        r = roster.get(rec["student"], {})
        w.writerow([_csv_cell(r.get("student name") or r.get("name") or rec["student"]),
                    _csv_cell(r.get("id", "")), _csv_cell(r.get("sis user id") or rec["student"]),
                    _csv_cell(r.get("sis login id") or rec["student"]), _csv_cell(r.get("section", "")),
                    _score(rec)])
    return buf.getvalue()


def moodle_csv(records, assignment, id_column="ID number", column=None, roster=None) -> str:
    roster = roster or {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([id_column, column or assignment, "Feedback"])
    for rec in records:
        if rec.get("invalid_id"):
            continue
        ident = roster.get(rec["student"], {}).get(id_column.lower()) or rec["student"]
        note = f"{rec['score']:g} / {rec['max_score']:g}"
        if rec.get("late") and rec["late"].get("is_late"):
            note += f"; {rec['late']['label']}"
        w.writerow([_csv_cell(ident), _score(rec), _csv_cell(note)])
    return buf.getvalue()


# ------------------------------------------------------------------ Gradescope bundle
SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when the autograder image is built.
# Made by `course export {hw} --to gradescope-bundle`.
set -euo pipefail
apt-get update -qq
apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
# torch from the CPU index (no CUDA download), then the course with its solutions
/autograder/venv/bin/pip install -q --index-url https://download.pytorch.org/whl/cpu torch
/autograder/venv/bin/pip install -q {wheels}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; made by `course export {hw} --to gradescope-bundle`.
# It grades the submission with `course check {hw} FILE --all --json` in a fresh process
# and writes Gradescope's results.json. The folders can be moved for a trial run:
#   GRADESCOPE_SUBMISSION_DIR (default /autograder/submission)
#   GRADESCOPE_RESULTS_DIR    (default /autograder/results)
#   COURSE_PYTHON             (default /autograder/venv/bin/python, else python3)
set -u
PY="${{COURSE_PYTHON:-}}"
if [ -z "$PY" ]; then
    if [ -x /autograder/venv/bin/python ]; then PY=/autograder/venv/bin/python; else PY=python3; fi
fi
SUB="${{GRADESCOPE_SUBMISSION_DIR:-/autograder/submission}}"
RESULTS="${{GRADESCOPE_RESULTS_DIR:-/autograder/results}}"
mkdir -p "$RESULTS"
exec "$PY" -m course.grading.gradescope_run {hw} "$SUB" "$RESULTS/results.json" {reveal}
"""


def _add(zf, name, data, mode=0o644):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def gradescope_bundle(path, assignment, wheels, reveal_hidden=False):
    """Write Gradescope's ``autograder.zip`` to ``path``: setup.sh, run_autograder and the wheels."""
    wheels = [Path(w) for w in wheels]
    names = " ".join(f"/autograder/source/{w.name}" for w in wheels)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        _add(zf, "setup.sh", SETUP_SH.format(hw=assignment, wheels=names), 0o755)
        _add(zf, "run_autograder", RUN_AUTOGRADER.format(
            hw=assignment, reveal="--reveal-hidden" if reveal_hidden else ""), 0o755)
        for w in wheels:
            _add(zf, w.name, w.read_bytes())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def export_lms(records, out, assignment, to, **kw):
    if to == "canvas":
        return write_atomic(Path(out) / f"{assignment}-canvas.csv", canvas_csv(records, assignment, **kw))
    if to == "moodle":
        return write_atomic(Path(out) / f"{assignment}-moodle.csv", moodle_csv(records, assignment, **kw))
    raise ValueError(to)
