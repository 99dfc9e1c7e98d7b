"""What the Gradescope bundle's ``run_autograder`` runs: grade one submission folder
with ``course check ASSIGNMENT FILE --all --json`` in a fresh process and write
Gradescope's ``results.json`` (the same format as ``course grade``'s Gradescope
export, hidden checks redacted unless ``--reveal-hidden``).

    python -m course.grading.gradescope_run hw1 /autograder/submission /autograder/results/results.json

The file is chosen as ``course grade`` chooses it (``hw1.ipynb``, ``hw1.py``,
the only notebook, the only ``.py``; never a link). It always writes a
results.json, with 0 points and the reason when nothing could be graded, and
exits 0 (Gradescope shows the reason to the student).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from autograder import scoring

from .exports import gradescope_json, redact_record, write_atomic
from .records import placeholder_tests
from .store import now_iso

TIMEOUT = float(os.environ.get("COURSE_GRADESCOPE_TIMEOUT", "1800"))


def _record(assignment, file, status, report, message=""):
    data = Path(file).read_bytes() if file else b""
    return {"student": "submission", "assignment": assignment, "file": Path(file).name if file else None,
            "sha256": hashlib.sha256(data).hexdigest(), "status": status, "message": message,
            "graded_at": now_iso(), "seconds": report.get("seconds"), "report": report,
            "score": scoring.score(report["tests"]),
            "max_score": scoring.max_score(report["tests"])}


def _failed(assignment, file, status, message):
    rep = {"assignment": assignment, "tests": placeholder_tests(assignment, status, message),
           "notes": [message], "output": "", "isolation": "", "seconds": 0.0}
    return _record(assignment, file, status, rep, message)


def grade_folder(assignment, folder, timeout=TIMEOUT):
    from .discover import Unreadable, choose_file

    try:
        file, _, problem = choose_file(folder, assignment)
    except (OSError, Unreadable) as exc:
        return _failed(assignment, None, "no submission", f"the submission folder could not be read: {exc}")
    if file is None:
        if problem.startswith("no .ipynb or .py file"):
            problem = (f"no .ipynb or .py file in your submission. Next: upload {assignment}.ipynb "
                       f"(or {assignment}.py) and submit again")
        return _failed(assignment, None, "no submission", problem)
    cmd = [sys.executable, "-m", "course.cli", "check", assignment, str(file), "--all", "--json"]
    try:
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return _failed(assignment, file, "timeout", f"grading took longer than {timeout:g} s and was stopped")
    try:
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        why = (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return _failed(assignment, file, "error",
                       f"the autograder could not grade this submission ({why}); tell the course staff")
    report.setdefault("output", "")
    return _record(assignment, file, "graded", report)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    reveal = "--reveal-hidden" in argv
    argv = [a for a in argv if a != "--reveal-hidden"]
    if len(argv) != 3:
        print("usage: python -m course.grading.gradescope_run ASSIGNMENT SUBMISSION_DIR RESULTS_JSON "
              "[--reveal-hidden]", file=sys.stderr)
        return 2
    assignment, folder, results = argv
    rec = grade_folder(assignment, Path(folder))
    shown = redact_record(rec, reveal=reveal)
    out = gradescope_json(shown)
    write_atomic(Path(results), json.dumps(out, indent=1, allow_nan=False) + "\n")
    os.chmod(results, 0o644)          # Gradescope's harness reads it as another user
    print(f"{assignment}: {rec['score']:g} / {rec['max_score']:g} ({rec['status']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
