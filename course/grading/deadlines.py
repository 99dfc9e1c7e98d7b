"""Deadlines: a due date, per-student extensions, late flags and an optional penalty.

The policy (``--due``, ``--extensions FILE.csv``, ``--late-penalty PCT``) is
saved in the results store by ``course grade``, so every later export
(``course report``, ``course override``, ``course export``) applies the same
one. When a submission was made is taken, in this order, from:

1. nbgrader's exchange ``timestamp.txt`` (parsed and checked by
   :mod:`.discover`: one in the future or before 2000 is refused and becomes
   a note), but never later than the time the grader first saw the file;
2. else the collection time: when the grader first saw these exact bytes
   (the verdict's ``graded_at``), an upper bound the student cannot set.

The penalty is ``PCT`` percent of the score per started day late, capped at
100%; it applies to the final score (after the gradebook's manual grades).
The points per function stay the points earned, so the CSV's ``late_penalty``
column says how much was taken off.
"""
from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timedelta, timezone

EXTENSION_HELP = ("a CSV with a header: `student` and either `due` (an ISO 8601 date and time) or `hours` "
                  "or `days` (added to --due)")


class DeadlineError(ValueError):
    """A bad --due, extensions file or penalty (the message says what to do)."""


def parse_when(text, what="--due") -> datetime:
    s = str(text).strip()
    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise DeadlineError(f"{what} {s!r} is not an ISO 8601 date and time (e.g. 2026-12-01T23:59:00+01:00). "
                            "Next: give it in that form.") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc)


def read_extensions(data: bytes, due: datetime | None) -> dict:
    """{student: ISO due date} from an extensions CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DeadlineError("the extensions file is not UTF-8 text. Next: save it as UTF-8 CSV.") from None
    rows = csv.DictReader(io.StringIO(text))
    cols = {c.strip().lower(): c for c in (rows.fieldnames or [])}
    if "student" not in cols or not ({"due", "hours", "days"} & set(cols)):
        raise DeadlineError(f"the extensions file must be {EXTENSION_HELP}; its header is "
                            f"{', '.join(rows.fieldnames or []) or 'empty'}. Next: fix the header.")
    out = {}
    for n, row in enumerate(rows, start=2):
        student = (row.get(cols["student"]) or "").strip()
        if not student:
            continue
        try:
            if "due" in cols and (row.get(cols["due"]) or "").strip():
                when = parse_when(row[cols["due"]], f"line {n}'s due")
            else:
                key = "hours" if "hours" in cols else "days"
                amount = float(row.get(cols[key]) or "")
                if not math.isfinite(amount) or amount < 0:
                    raise ValueError
                if due is None:
                    raise DeadlineError(f"line {n} gives {key}, which extend --due; give --due too.")
                when = due + timedelta(hours=amount if key == "hours" else 24 * amount)
        except ValueError as exc:
            if isinstance(exc, DeadlineError):
                raise
            raise DeadlineError(f"line {n} of the extensions file has no valid due, hours or days "
                                f"for {student!r}. Next: fix that line.") from None
        out[student] = when.isoformat()
    return out


def make_policy(due=None, extensions=None, late_penalty=None) -> dict | None:
    if due is None and not extensions:
        if late_penalty:
            raise DeadlineError("--late-penalty needs --due. Next: give the due date.")
        return None
    if late_penalty is not None and not (0 <= late_penalty <= 100):
        raise DeadlineError(f"--late-penalty is a percentage per started day (0-100), not {late_penalty:g}.")
    return {"due": due.isoformat() if due else None, "extensions": dict(extensions or {}),
            "penalty_pct_per_day": float(late_penalty or 0.0)}


def _utc(iso):
    t = datetime.fromisoformat(str(iso))
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def lateness(rec, policy, first_seen=None) -> dict | None:
    """The late flag of one record under ``policy`` (None when there is no deadline)."""
    if not policy:
        return None
    due = policy["extensions"].get(rec["student"]) or policy.get("due")
    if not due:
        return None
    due_t = _utc(due)
    seen = _utc(first_seen or rec["graded_at"])
    notes = []
    if rec.get("timestamp"):
        when, source = _utc(rec["timestamp"]), "nbgrader timestamp"
        if when > seen:
            notes.append("the timestamp is later than the grader first saw the file; that time was used")
            when, source = seen, "collection time"
    else:
        when, source = seen, "collection time"
        if rec.get("status") != "no submission":
            notes.append("no nbgrader timestamp: the time the grader first saw the file was used")
    late_s = max(0.0, (when - due_t).total_seconds())
    days = math.ceil(late_s / 86400) if late_s > 0 else 0
    pct = min(100.0, days * policy.get("penalty_pct_per_day", 0.0))
    if rec.get("status") == "no submission":
        late_s, days, pct = 0.0, 0, 0.0
    label = "on time" if not late_s else f"late by {_span(late_s)}" + (f" (-{pct:g}%)" if pct else "")
    return {"submitted": when.isoformat(timespec="seconds"), "source": source,
            "due": due_t.isoformat(timespec="seconds"), "extended": rec["student"] in policy["extensions"],
            "late_seconds": round(late_s, 3), "days_late": days, "penalty_pct": pct, "label": label,
            "is_late": late_s > 0, "notes": notes}


def _span(seconds):
    d, rest = divmod(int(seconds), 86400)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    return " ".join(p for p in (f"{d} d" if d else "", f"{h} h" if h else "", f"{m} min" if m or not (d or h)
                                else "") if p)


def with_late(rec, policy, first_seen=None):
    """``rec`` with its ``late`` flag and, when a penalty applies, the reduced score."""
    late = lateness(rec, policy, first_seen)
    if late is None:
        return rec
    out = dict(rec)
    out["late"] = late
    if late["penalty_pct"]:
        out["score_before_penalty"] = rec["score"]
        out["score"] = round(rec["score"] * (1 - late["penalty_pct"] / 100.0), 6)
        out["score_source"] = rec.get("score_source", "autograder") + f"; late penalty {late['penalty_pct']:g}%"
    return out


def policy_from_cli(due, extensions_path, late_penalty):
    """``course grade``'s options -> the policy to save (None: keep the stored one; ``{}``
    with ``--due none``: drop it). Raises DeadlineError with what to do."""
    if due is not None and str(due).strip().lower() == "none":
        return {}
    if due is None and extensions_path is None and late_penalty is None:
        return None
    when = parse_when(due) if due is not None else None
    ext = {}
    if extensions_path is not None:
        with open(extensions_path, "rb") as fh:
            ext = read_extensions(fh.read(1 << 20), when)
    return make_policy(when, ext, late_penalty)
