"""What ``course grade`` writes from the stored verdicts.

Every export is rebuilt from the store (never from memory), written to a
temporary file and renamed into place, so a rerun after a crash produces
complete files and a reader never sees half of one.

- ``<hw>.csv``: one row per student, with the points of every function;
- ``junit.xml``: one test suite per student (``autograder.report.to_junit``);
- ``gradescope/<student>/results.json``: Gradescope's autograder format;
- ``feedback/<student>/<hw>.md`` and ``.html``: the report ``course check``
  prints, word for word (same ``print_report``);
- nbgrader's gradebook: see :mod:`course.grading.gradebook`.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from rich.console import Console

from autograder import catalog
from autograder.report import print_report, to_junit

from .records import points_by_function, to_report


def write_atomic(path: Path, text: str):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def export_csv(records, path, assignment):
    fns = list(catalog.get(assignment).functions)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "assignment", "file", "sha256", "status", "score", "max_score",
                *fns, "graded_at", "seconds"])
    for rec in records:
        pts = points_by_function(rec)
        w.writerow([rec["student"], rec["assignment"], rec.get("file") or "", rec["sha256"], rec["status"],
                    f"{rec['score']:g}", f"{rec['max_score']:g}",
                    *(f"{pts[f][0]:g}" if f in pts else "" for f in fns),
                    rec["graded_at"], rec.get("seconds") or ""])
    return write_atomic(path, buf.getvalue())


def render_feedback(rec):
    """(plain text, html) of ``course check``'s report for this record; for a
    submission that could not be graded, the reason and the score only."""
    con = Console(record=True, file=io.StringIO(), width=110, force_terminal=True, color_system="truecolor")
    if rec["status"] == "graded":
        print_report(to_report(rec), console=con)
    else:
        con.print(f"{rec['assignment']}: {rec['student']}", style="bold")
        con.print(rec["message"], style="red", highlight=False)
        con.print(f"\nScore: {rec['score']:g} / {rec['max_score']:g}", style="bold")
    text = con.export_text(clear=False)
    html = con.export_html(inline_styles=True, clear=True)
    return text, html


def feedback_markdown(rec, text):
    head = [f"# {rec['assignment']}: feedback for {rec['student']}", "",
            f"- file: `{rec.get('file') or '(none)'}` (sha256 `{rec['sha256'][:16]}`)",
            f"- graded: {rec['graded_at']}",
            f"- score: **{rec['score']:g} / {rec['max_score']:g}**", ""]
    return "\n".join(head) + "```text\n" + text.rstrip() + "\n```\n"


def export_feedback(records, outdir):
    paths = []
    for rec in records:
        text, html = render_feedback(rec)
        base = Path(outdir) / rec["student"] / rec["assignment"]
        paths.append(write_atomic(base.with_suffix(".md"), feedback_markdown(rec, text)))
        paths.append(write_atomic(base.with_suffix(".html"), html))
    return paths


def gradescope_json(rec) -> dict:
    tests = []
    for t in rec["report"]["tests"]:
        if t["status"] == "not run":
            continue
        tests.append({"name": f"{t['function']} :: {t['case']}", "number": t["id"],
                      "score": t["points"], "max_score": t["max_points"],
                      "status": "passed" if t["passed"] else "failed",
                      "output": t["message"],
                      "visibility": "after_due_date" if t.get("hidden") else "visible"})
    summary = f"{rec['assignment']}: {rec['score']:g} / {rec['max_score']:g}"
    if rec["status"] != "graded":
        summary += f"\n{rec['message']}"
    return {"score": rec["score"], "execution_time": rec.get("seconds") or 0.0, "output": summary,
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def export_gradescope(records, outdir):
    return [write_atomic(Path(outdir) / rec["student"] / "results.json",
                         json.dumps(gradescope_json(rec), indent=1, allow_nan=False) + "\n")
            for rec in records]


def export_junit(records, path):
    return write_atomic(path, to_junit([to_report(r) for r in records]))
