"""Verdict records: what the store keeps for one submission, and back to a Report.

A record is plain JSON: the student, the file and its sha256, a status, the
score, and the engine's report (``Report.to_json()`` plus what the student's
code printed). Exports rebuild an :class:`autograder.runner.Report` from it,
so feedback and JUnit come from the same code as ``course check``.

A submission that produced no report (timed out, nothing submitted, grader
failure) gets every check case of the assignment at 0 points with one clear
message, so all students have the same rows and the same maximum.
"""
from __future__ import annotations

from autograder import catalog
from autograder import scoring
from autograder.plugin import Result
from autograder.status import Status
from autograder.runner import Report

from .store import now_iso


def placeholder_tests(assignment, status, message):
    info = catalog.get(assignment)
    out = []
    for c in info.checks:
        for r in c.resolved:
            out.append(Result(id=f"{assignment}::{c.function}::{r.label}", function=c.function, case=r.label,
                              passed=False, points=0.0, max_points=r.points, status=status,
                              message=message, hidden=r.hidden).to_json())
    return out


def make_record(sub, task, result) -> dict:
    """The stored verdict of ``sub`` (a discover.Submission) from a worker's ``result``."""
    status = result["status"]
    rec = {"student": sub.student, "assignment": sub.assignment,
           "file": sub.file.name if sub.file else None, "sha256": task["sha256"],
           "timestamp": sub.timestamp, "worker": result.get("worker", ""),
           "seconds": result.get("seconds"), "graded_at": now_iso(), "message": result.get("message", "")}
    if not getattr(sub, "valid_id", True):
        rec["invalid_id"] = True          # not a student id: kept out of the gradebook
    if status == "graded":
        rep = dict(result["report"])
        rep["output"] = result.get("output", "")
        grader_errors = [t for t in rep["tests"] if Status.of(t["status"]).grader_side]
        if result.get("exit_status") not in (0, 1) or grader_errors or not rep["tests"]:
            status = "error"
            first = (grader_errors[0]["message"] if grader_errors
                     else f"pytest exit status {result.get('exit_status')}")
            rec["message"] = f"the grader could not grade this submission: {first}"
    else:
        short = f"not graded ({status}): see the note above"
        rep = {"assignment": sub.assignment, "tests": placeholder_tests(sub.assignment, status, short),
               "notes": [rec["message"]], "output": "", "isolation": "",
               "seconds": result.get("seconds") or 0.0}
    rec["status"] = status
    extra = list(getattr(sub, "notes", ()) or ())
    if extra:
        rep["notes"] = [*rep.get("notes", []), *extra]
    rec["report"] = rep
    rec["score"] = scoring.score(rep["tests"])
    rec["max_score"] = scoring.max_score(rep["tests"])
    return rec


def no_submission_record(sub) -> dict:
    return make_record(sub, {"sha256": sub.sha256},
                       {"status": "no submission", "message": sub.problem, "seconds": 0.0})


def to_report(rec) -> Report:
    """The engine's Report for a stored record (for print_report / to_junit)."""
    r = rec["report"]
    results = [Result(**{k: t[k] for k in ("id", "function", "case", "passed", "points", "max_points",
                                            "status", "message", "hidden", "call", "duration") if k in t})
               for t in r["tests"]]
    label = rec["student"] + (f"/{rec['file']}" if rec.get("file") else "")
    return Report(rec["assignment"], label, results=results, notes=list(r.get("notes", [])),
                  output=r.get("output", ""), isolation=r.get("isolation", ""),
                  seconds=float(r.get("seconds") or 0.0))


def points_by_function(rec):
    """{function: (points, max_points)} over the checks that ran, in notebook order."""
    return scoring.subtotals(scoring.ran(rec["report"]["tests"]), lambda t: t["function"])
