"""The recorded verdicts of every known submission, to prove a refactor changes none.

``tests/data/known_verdicts.json`` maps each known submission (``hwN/stem``)
to the verdict of each graded case it ran: status, points, and a digest of
the message with its numbers blanked (a message's wording is compared, not
the round-off of the values it quotes, which differs across machines).
``tests/test_known_submissions.py`` compares every run with it.

Refresh it after a deliberate change of verdicts or messages:

    COURSE_WRITE_VERDICTS=1 python -m pytest tests/test_known_submissions.py -n 2

(each worker writes its part next to the file; they are merged at the end
of the session) and commit the JSON with the change that explains it.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent / "data" / "known_verdicts.json"
WRITE = os.environ.get("COURSE_WRITE_VERDICTS") == "1"

#: submissions whose verdicts vary from run to run by design: they draw from
#: an unseeded generator (their header's verdict is still checked)
_UNSEEDED = re.compile(r"default_rng\(\)")


def _blank(message: str) -> str:
    return re.sub(r"[-+]?\d[\d.]*(?:e[-+]?\d+)?", "#", message or "")


def digest(report) -> dict:
    """case id (without the assignment) -> "status points[ message digest]"."""
    out = {}
    for r in report.results:
        text = f"{r.status} {round(float(r.points), 6):g}"
        if r.message:
            text += " " + hashlib.sha256(_blank(r.message).encode()).hexdigest()[:12]
        out[r.id.split("::", 1)[-1]] = text
    return out


def varies(source) -> bool:
    """True for a known submission that is nondeterministic on purpose."""
    text = source.read_text() if isinstance(source, Path) else "".join(n for _, n in source.edits)
    return bool(_UNSEEDED.search(text))


def load() -> dict:
    return json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}


def record(key: str, report) -> None:
    """Write this worker's part (merged by :func:`merge_parts`)."""
    part = SNAPSHOT.with_name(f".part-{os.getpid()}.json")
    data = json.loads(part.read_text()) if part.exists() else {}
    data[key] = digest(report)
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    part.write_text(json.dumps(data, sort_keys=True))


def merge_parts() -> None:
    parts = sorted(SNAPSHOT.parent.glob(".part-*.json"))
    if not parts:
        return
    data = load()
    for p in parts:
        data.update(json.loads(p.read_text()))
        p.unlink()
    SNAPSHOT.write_text("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True, separators=(',', ':'))}"
                                           for k, v in sorted(data.items())) + "\n}\n")


def differences(key: str, report) -> list[str]:
    want = load().get(key)
    if want is None:
        return [f"{key} has no recorded verdicts: record them (see tests/verdicts.py)"]
    got = digest(report)
    out = []
    for test in sorted(set(want) | set(got)):
        if want.get(test) != got.get(test):
            r = next((r for r in report.results if r.id.split("::", 1)[-1] == test), None)
            out.append(f"{test}: recorded {want.get(test)}, now {got.get(test)}"
                       + (f"\n    message now: {r.message[:300]}" if r is not None and r.message else ""))
    return out
