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

import copy
import csv
import html
import io
import json
import os
import re
import textwrap
from pathlib import Path

from rich.console import Console

from autograder import catalog
from autograder.report import clean_text, print_report, redact, to_junit

from .gradebook import cell_points
from .records import points_by_function, to_report

#: width of the feedback's text; longer lines are wrapped (HTML wraps them too)
WIDTH = 100


def write_atomic(path: Path, text: str):
    """Write ``text`` to ``path`` under a temporary name, then rename; the file and the
    folders made for it are the grader's only (0600 / 0700)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


# ------------------------------------------------------------------ what students may see
GRADER_FAULT = ("the grader could not grade this submission (a fault of the grader, not of your file); "
                "the course staff grade it again.")


def redact_record(rec, reveal=False):
    """A copy of ``rec`` fit for a student: hidden checks without their inputs and
    expected values (unless ``reveal``, the instructor's explicit choice), and every
    text that came from the student's code cleaned of control characters."""
    out = copy.deepcopy(rec)
    rep = out["report"]
    for t in rep["tests"]:
        if t.get("hidden") and not reveal:
            t["message"] = redact(t.get("message", ""))
            t["call"] = ""
        t["message"] = clean_text(t.get("message", ""))
        t["case"] = clean_text(t.get("case", ""))
    rep["output"] = clean_text(rep.get("output", ""))
    rep["notes"] = [clean_text(n) for n in rep.get("notes", [])]
    out["message"] = clean_text(out.get("message", ""))
    if out.get("status") == "error":      # the grader's fault: its details are for the instructor (the store)
        out["message"] = GRADER_FAULT
        rep["notes"] = [GRADER_FAULT if n == clean_text(rec.get("message", "")) else n for n in rep["notes"]]
    out["hidden_revealed"] = bool(reveal)
    return out


def with_manual(rec, manual=None):
    """``rec`` with the score the gradebook holds: the instructor's ``manual_score`` of a
    cell replaces its autograded points, and extra credit is added. ``auto_score`` keeps
    the autograder's score; ``score_source`` says which one ``score`` is."""
    out = dict(rec)
    out["auto_score"] = rec["score"]
    if not manual:
        out["score_source"] = "autograder"
        return out
    pts = cell_points(rec)
    total = 0.0
    for name, (auto, _) in pts.items():
        total += manual["cells"].get(name, auto)
    total += manual.get("extra_credit", 0.0)
    out["score"] = round(total, 6)
    n = len(manual["cells"])
    parts = [f"manual grade{'s' * (n != 1)} of {n} cell{'s' * (n != 1)}"] if n else []
    if manual.get("extra_credit"):
        parts.append(f"{manual['extra_credit']:g} extra credit")
    out["score_source"] = manual.get("source", "gradebook") + ": autograder + " + " and ".join(parts)
    out["manual_cells"] = dict(manual["cells"])
    if manual.get("comments"):
        out["comments"] = dict(manual["comments"])
    return out


def function_points(rec):
    """{function: (points, max)}: the autograder's, with the gradebook's manual scores of
    the function's cells in place of the autograded ones (what the score adds up)."""
    pts = points_by_function(rec)
    manual = rec.get("manual_cells") or {}
    if not manual:
        return pts
    cells = cell_points(rec)
    out = {}
    for f, (p, m) in pts.items():
        for hidden in (False, True):
            name = f"hidden_{f}" if hidden else f"check_{f}"
            if name in manual and name in cells:
                p += manual[name] - cells[name][0]
        out[f] = (round(p, 6), m)
    return out


# ------------------------------------------------------------------ CSV
def export_csv(records, path, assignment):
    fns = list(catalog.get(assignment).functions)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "assignment", "file", "sha256", "status", "score", "max_score",
                *fns, "graded_at", "seconds", "auto_score", "score_source",
                "submitted_at", "due", "late", "late_hours", "late_penalty_pct"])
    for rec in records:
        pts = function_points(rec)
        w.writerow([_csv_cell(rec["student"]), rec["assignment"], _csv_cell(rec.get("file") or ""),
                    rec["sha256"], rec["status"], f"{rec['score']:g}", f"{rec['max_score']:g}",
                    *(f"{pts[f][0]:g}" if f in pts else "" for f in fns),
                    rec["graded_at"], rec.get("seconds") or "",
                    f"{rec.get('auto_score', rec['score']):g}", rec.get("score_source", "autograder"),
                    *_late_cells(rec.get("late"))])
    return write_atomic(path, buf.getvalue())


def _late_cells(late):
    if not late:
        return ["", "", "", "", ""]
    return [late["submitted"], late["due"], "yes" if late["is_late"] else "no",
            f"{late['late_seconds'] / 3600:.2f}", f"{late['penalty_pct']:g}"]


def _csv_cell(text):
    """No formula injection when the CSV is opened in a spreadsheet."""
    text = clean_text(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# ------------------------------------------------------------------ feedback
def _next_step(rec):
    name = rec.get("file") or f"{rec['assignment']}.ipynb"
    return (f"Next: fix the first failing function and check it with `course check {rec['assignment']} "
            f"{name}` (add -k NAME to run only its checks) before you submit again.")


def _score_line(rec):
    line = f"{rec['score']:g} / {rec['max_score']:g}"
    if rec.get("score_source", "autograder") != "autograder":
        line += f" ({rec['score_source']}; the autograder gave {rec.get('auto_score', rec['score']):g})"
    return line


def render_feedback(rec):
    """(plain text, html body) of ``course check``'s report for this record; for a
    submission that could not be graded, the reason and the score only."""
    con = Console(record=True, file=io.StringIO(), width=WIDTH, force_terminal=True, color_system="truecolor")
    if rec["status"] == "graded":
        print_report(to_report(rec), console=con, next_step=_next_step(rec))
    else:
        con.print(f"{rec['assignment']}: {rec['student']}", style="bold", highlight=False, markup=False)
        con.print(rec["message"], style="red", highlight=False, markup=False)
        for note in rec["report"].get("notes", [])[1:]:
            con.print(f"note: {note}", style="yellow", highlight=False, markup=False)
        con.print(f"\nScore: {rec['score']:g} / {rec['max_score']:g}", style="bold", markup=False)
    if rec.get("score_source", "autograder") != "autograder":
        con.print(f"Final score, with the instructor's grading: {_score_line(rec)}", style="bold",
                  markup=False, highlight=False)
    for note in rec.get("folder_notes") or []:
        con.print(f"note: {clean_text(note)}", style="yellow", markup=False, highlight=False)
    if rec.get("late"):
        late = rec["late"]
        con.print(f"Submitted {late['submitted']} ({late['source']}), due {late['due']}: {late['label']}",
                  style="yellow" if late["is_late"] else None, markup=False, highlight=False)
        for note in late.get("notes", []):
            con.print(f"note: {note}", style="dim", markup=False, highlight=False)
    for fn, comment in (rec.get("comments") or {}).items():
        con.print(f"Instructor's comment on {fn}: {clean_text(comment)}", markup=False, highlight=False)
    if rec["status"] == "graded" and not rec.get("hidden_revealed") and \
            any(t.get("hidden") and not t["passed"] for t in rec["report"]["tests"]):
        con.print("Hidden checks show what failed and the hint, not their inputs or expected values.",
                  style="dim", markup=False, highlight=False)
    text = con.export_text(clear=False)
    body = con.export_html(inline_styles=True, clear=True, code_format="{code}")
    return wrap(text), body


def wrap(text, width=WIDTH):
    """Lines longer than ``width`` wrapped, with the line's indentation kept."""
    out = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line.rstrip())
            continue
        indent = line[:len(line) - len(line.lstrip())][:width // 2]
        out.extend(textwrap.wrap(line.strip(), width, initial_indent=indent, subsequent_indent=indent + "  ",
                                 break_long_words=True, break_on_hyphens=False, replace_whitespace=False)
                   or [""])
    return "\n".join(out)


def _meta(rec):
    meta = [("student", rec["student"]), ("assignment", rec["assignment"]),
            ("file", rec.get("file") or "(none)"), ("sha256", rec["sha256"]),
            ("graded", rec["graded_at"]), ("status", rec["status"]), ("score", _score_line(rec))]
    if rec.get("late"):
        meta.append(("submitted", f"{rec['late']['submitted']} ({rec['late']['source']}); due "
                                  f"{rec['late']['due']}: {rec['late']['label']}"))
    return meta


def _fence(text):
    """A code fence longer than any run of backticks in ``text`` (so it cannot be closed from inside)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def feedback_markdown(rec, text):
    fence = _fence(text)
    head = [f"# {rec['assignment']}: feedback for {rec['student']}", ""]
    head += [f"- {k}: `{clean_text(v).replace('`', chr(39))}`" if k not in ("score",) else f"- {k}: **{v}**"
             for k, v in _meta(rec)]
    return "\n".join(head) + "\n\n" + fence + "text\n" + text.rstrip() + "\n" + fence + "\n"


HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 60em; }}
table.meta td {{ padding: 0.1em 1em 0.1em 0; vertical-align: top; }}
table.fns td, table.fns th {{ border-bottom: 1px solid #ddd; padding: 0.2em 0.8em; text-align: left; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
li.fail {{ margin-bottom: 0.8em; }} .slip {{ background: #fff3a0; font-weight: bold; }}
pre.msg {{ white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.3em 0; font-size: 0.9em; }}
.ok {{ color: #2e7d32; }} .bad {{ color: #c62828; }}
pre.report {{ white-space: pre-wrap; overflow-wrap: anywhere; font-family: Menlo, Consolas, monospace;
             font-size: 0.9em; background: #fafafa; padding: 1em; border: 1px solid #ddd; }}
</style>
</head>
<body>
<h1>{title}</h1>
<table class="meta">
{meta}
</table>
{summary}
<h2>Full report</h2>
<pre class="report"><code>{body}</code></pre>
</body>
</html>
"""


def feedback_html(rec, body):
    e = lambda v: html.escape(clean_text(v), quote=True)  # noqa: E731
    rows = "\n".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in _meta(rec))
    return HTML_PAGE.format(title=e(f"{rec['assignment']}: feedback for {rec['student']}"), meta=rows,
                            summary=feedback_summary_html(rec), body=body)


def feedback_summary_html(rec):
    """What a student reads first: points per function, then each failed check with
    why and the named slip highlighted. ``rec`` is already redacted (hidden checks
    carry no inputs or expected values) unless the instructor revealed them."""
    from .classpage import slips_of

    e = lambda v: html.escape(clean_text(v), quote=True)  # noqa: E731
    if rec["status"] != "graded":
        return f'<p class="bad">{e(rec.get("message", ""))}</p>'
    pts = function_points(rec)
    rows = "".join(
        f'<tr><td><code>{e(f)}</code></td><td class="num">{p:g} / {m:g}</td>'
        f'<td class="{"ok" if p >= m - 1e-9 else "bad"}">{"all checks passed" if p >= m - 1e-9 else "lost points"}'
        "</td></tr>" for f, (p, m) in pts.items())
    parts = ['<h2>By function</h2><table class="fns"><tr><th>function</th><th>points</th><th></th></tr>'
             + rows + "</table>"]
    if rec.get("score_source", "autograder") != "autograder":
        parts.append(f"<p><b>Final score: {e(_score_line(rec))}</b></p>")
    for fn, comment in (rec.get("comments") or {}).items():
        parts.append(f'<p class="comment">Instructor\'s comment on <code>{e(fn)}</code>: {e(comment)}</p>')
    failed = [t for t in rec["report"]["tests"] if not t["passed"] and t["status"] != "not run"]
    if not failed:
        parts.append('<p class="ok">Every check passed.</p>')
        return "\n".join(parts)
    parts.append(f"<h2>What failed and why ({len(failed)} check{'s' * (len(failed) != 1)})</h2><ul>")
    for t in failed:
        hidden = " (hidden check: what failed and the hint, without its inputs or expected values)" \
            if t.get("hidden") and not rec.get("hidden_revealed") else (" (hidden)" if t.get("hidden") else "")
        slips = "".join(f'<div>This looks like: <span class="slip">{e(s)}</span></div>'
                        for s in slips_of(t.get("message", "")))
        call = f"<div>inputs: <code>{e(t['call'])}</code></div>" if t.get("call") else ""
        parts.append(f'<li class="fail"><code>{e(t["function"])} :: {e(t["case"])}</code>{e(hidden)}'
                     f' <span class="bad">{t["points"]:g} / {t["max_points"]:g}</span>{call}'
                     f'<pre class="msg">{e(t.get("message", ""))}</pre>{slips}</li>')
    parts.append("</ul>")
    return "\n".join(parts)


def export_feedback(records, outdir, nbgrader_root=None, secrets=None):
    """``outdir/<student>/<hw>.md`` and ``.html``; with ``nbgrader_root`` (the course's
    ``feedback/`` folder) the same page also as ``<student>/<hw>/<hw>.html`` with the
    ``timestamp.txt`` and ``submission_secret.txt`` that ``nbgrader release_feedback``
    reads (the secret collected with the submission, or a fresh one when it has none,
    so that the release does not stop at that student)."""
    paths = []
    secrets = secrets or {}
    for rec in records:
        text, body = render_feedback(rec)
        page = feedback_html(rec, body)
        base = Path(outdir) / rec["student"] / rec["assignment"]
        paths.append(write_atomic(base.with_suffix(".md"), feedback_markdown(rec, text)))
        paths.append(write_atomic(base.with_suffix(".html"), page))
        if nbgrader_root is not None and not rec.get("invalid_id"):
            folder = Path(nbgrader_root) / rec["student"] / rec["assignment"]
            paths.append(write_atomic(folder / f"{rec['assignment']}.html", page))
            write_atomic(folder / "timestamp.txt", _nbgrader_time(rec.get("timestamp") or rec["graded_at"]))
            secret = secrets.get(rec["student"]) or _kept_secret(folder) or secrets_token()
            write_atomic(folder / "submission_secret.txt", secret)
    return paths


def _kept_secret(folder):
    """The secret an earlier export wrote here (so rewriting the exports keeps it)."""
    try:
        fd = os.open(Path(folder) / "submission_secret.txt", os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        text = fh.read(256).decode("ascii", "replace").strip()
    return text if re.fullmatch(r"[A-Za-z0-9+/=_-]{1,128}", text) else None


def secrets_token():
    import secrets as _secrets

    return _secrets.token_hex(16)


def _nbgrader_time(iso):
    """nbgrader's timestamp format (``YYYY-MM-DD HH:MM:SS.ffffff UTC``)."""
    from datetime import datetime, timezone

    try:
        t = datetime.fromisoformat(str(iso))
    except ValueError:
        t = datetime.now(timezone.utc)
    t = (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)   # nbgrader: UTC
    return t.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


# ------------------------------------------------------------------ Gradescope, JUnit
def gradescope_json(rec) -> dict:
    tests = []
    for t in rec["report"]["tests"]:
        if t["status"] == "not run":
            continue
        out = t["message"]
        if t.get("call") and (not t.get("hidden") or rec.get("hidden_revealed")):
            out = f"inputs: {t['call']}\n{out}"
        tests.append({"name": f"{t['function']} :: {t['case']}", "number": t["id"],
                      "score": t["points"], "max_score": t["max_points"],
                      "status": "passed" if t["passed"] else "failed",
                      "output": out, "output_format": "text",
                      "visibility": "after_due_date" if t.get("hidden") else "visible"})
    summary = f"{rec['assignment']}: {_score_line(rec)}"
    if rec.get("late"):
        summary += f"\nsubmitted {rec['late']['submitted']}, due {rec['late']['due']}: {rec['late']['label']}"
    if rec["status"] != "graded":
        summary += f"\n{rec['message']}"
    return {"score": rec["score"], "execution_time": rec.get("seconds") or 0.0, "output": summary,
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def export_gradescope(records, outdir):
    return [write_atomic(Path(outdir) / rec["student"] / "results.json",
                         json.dumps(gradescope_json(rec), indent=1, allow_nan=False) + "\n")
            for rec in records]


def export_junit(records, path):
    props = [{"score": f"{r['score']:g}", "max_score": f"{r['max_score']:g}",
              "score_source": r.get("score_source", "autograder"),
              **({"late": r["late"]["label"]} if r.get("late") else {})} for r in records]
    return write_atomic(path, to_junit([to_report(r) for r in records], properties=props))
