"""``course submit``: check a submission in a fresh process and zip it with the check log.

    course submit hw1               # hw1.ipynb (or hw1.py, as `course check` chooses)
    course submit hw1 path/to/hw1.ipynb --out DIR

The checks run in a new Python process (``course check ASSIGNMENT FILE
--json``), from the file as saved on disk, never from the state of a running
kernel: the score in the zip is the score the file earns. The zip
(``ASSIGNMENT-submission.zip``) holds the file, ``check-log.txt`` (the report
``course check`` prints), ``check.json`` and ``MANIFEST.json`` (the file's
sha256, the time, the Python, OS and course versions). Upload the zip, or the
notebook alone, where your course says; the staff grade it again with the
hidden checks.
"""
from __future__ import annotations

import hashlib
import io
import json
import platform
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import click


def _log_text(assignment, label, report_json):
    from rich.console import Console

    from autograder.report import print_report
    from course.grading.records import to_report

    rec = {"student": label, "assignment": assignment, "file": None, "report": report_json}
    con = Console(record=True, file=io.StringIO(), width=100, color_system=None)
    print_report(to_report(rec), console=con)
    return con.export_text()


def kernel_order_notes(data: bytes, filename: str) -> list[str]:
    """Warnings that a notebook's saved outputs (its check cells' results) may come from kernel
    state that the saved code no longer produces: cells run out of order, or code cells never
    run above cells that were."""
    if not filename.endswith(".ipynb"):
        return []
    try:
        nb = json.loads(data.decode("utf-8", errors="replace"))
        counts = [c.get("execution_count") for c in nb.get("cells", [])
                  if isinstance(c, dict) and c.get("cell_type") == "code"]
    except (ValueError, AttributeError, RecursionError):
        return []
    ran = [n for n in counts if isinstance(n, int)]
    notes = []
    if any(b <= a for a, b in zip(ran, ran[1:])):
        notes.append("the notebook's cells were run out of order, so the results its check cells show may "
                     "come from an older version of your code (this check ran the saved file afresh)")
    last_run = max((i for i, n in enumerate(counts) if isinstance(n, int)), default=-1)
    if any(n is None for n in counts[:last_run]):
        notes.append("some code cells above the last one you ran were never run in the saved kernel session")
    return notes


@click.command("submit")
@click.argument("assignment")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the zip [default: the file's folder].")
@click.option("--timeout", type=float, default=1800, show_default=True, help="Seconds the checks may take.")
def submit(**kwargs):
    """Run ASSIGNMENT's checks on PATH in a fresh process and zip PATH with the check log."""
    sys.exit(submit_file(**kwargs))


def submit_file(*, assignment, path, out, timeout) -> int:
    """`course submit` (see :func:`submit`); returns the exit status."""
    from autograder import catalog
    from course.check import default_submission

    if assignment not in catalog.ids():
        raise click.UsageError(f"unknown assignment {assignment!r}; known: {', '.join(catalog.ids())}")
    path = path or default_submission(assignment)
    if not path.is_file():
        raise click.UsageError(f"{path} is not a file. Next: give your notebook, e.g. course submit {assignment} "
                               f"{assignment}.ipynb")
    data = path.read_bytes()
    cmd = [sys.executable, "-m", "course.cli", "check", assignment, str(path.resolve()), "--json"]
    click.echo(f"checking {path.name} in a fresh process ...", err=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=path.resolve().parent)
    except subprocess.TimeoutExpired:
        raise click.ClickException(f"the checks took longer than {timeout:g} s. Next: look for an endless loop "
                                   f"with `course check {assignment} {path}`, or raise --timeout.") from None
    try:
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        why = (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]
        raise click.ClickException(f"the checks could not run on {path.name}: {why}. Next: run "
                                   f"`course check {assignment} {path}` and fix what it says.") from None
    if hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(data).digest():
        raise click.ClickException(f"{path.name} changed while it was checked. Next: save it and submit again.")
    log = _log_text(assignment, path.name, report)
    notes = kernel_order_notes(data, path.name)
    try:
        from importlib.metadata import version

        course_version = version("dltheory-course")
    except Exception:  # noqa: BLE001 - run from a checkout without metadata
        course_version = "unknown"

    manifest = {"assignment": assignment, "file": path.name, "sha256": hashlib.sha256(data).hexdigest(),
                "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "score": report.get("score"), "max_score": report.get("max_score"),
                "hidden_not_run": report.get("hidden_not_run"),
                "python": platform.python_version(), "os": platform.platform(),
                "course": course_version, "command": f"course check {assignment} {path.name} --json",
                "notes": notes}
    dest = (out or path.resolve().parent) / f"{assignment}-submission.zip"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(path.name, data)
        zf.writestr("check-log.txt", log)
        zf.writestr("check.json", json.dumps(report, indent=1, allow_nan=True) + "\n")
        zf.writestr("MANIFEST.json", json.dumps(manifest, indent=1) + "\n")
    tmp.replace(dest)
    click.echo(log, nl=False)
    for note in notes:
        click.echo(f"warning: {note}. Next: Restart & Run All, check the results, save, then submit.", err=True)
    click.echo(f"submission: {dest}")
    click.echo(f"Next: upload {dest.name} (or {path.name}) where your course collects {assignment}; the staff "
               "also run the hidden checks.", err=True)
    return 0
