"""The durable results store: one SQLite file (WAL), one row per verdict.

Key: ``(student, assignment, sha256)`` of the exact bytes graded. A verdict
is committed (``synchronous=FULL``) the moment it arrives, so a run killed
with SIGKILL loses at most the submissions that were being graded; a rerun
grades what has no verdict for its current hash and nothing else. Old
verdicts of files that changed stay in the table (an audit trail); exports
use the verdict of each student's current file.

Statuses: ``graded`` (the checks ran), ``timeout`` (the submission went
over the per-submission limit), ``no submission``, and ``error`` (the grader
itself failed: not the student's fault, so it is graded again on the next
run).
"""
from __future__ import annotations

import json
import os
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    student    TEXT NOT NULL,
    assignment TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    file       TEXT,
    status     TEXT NOT NULL,
    score      REAL NOT NULL,
    max_score  REAL NOT NULL,
    record     TEXT NOT NULL,
    run_id     TEXT NOT NULL,
    graded_at  TEXT NOT NULL,
    seconds    REAL,
    PRIMARY KEY (student, assignment, sha256)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id     TEXT PRIMARY KEY,
    assignment TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    executor   TEXT,
    queued     INTEGER,
    committed  INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
    student    TEXT NOT NULL,
    assignment TEXT NOT NULL,
    function   TEXT NOT NULL,
    points     REAL NOT NULL,
    comment    TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS first_seen (
    student    TEXT NOT NULL,
    assignment TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (student, assignment, sha256)
);
CREATE TABLE IF NOT EXISTS settings (
    assignment TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (assignment, key)
);
CREATE TABLE IF NOT EXISTS current (
    student    TEXT NOT NULL,
    assignment TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    timestamp  TEXT,
    notes      TEXT,
    PRIMARY KEY (student, assignment)
);
"""

#: statuses graded again on the next run without being asked
RETRY_ALWAYS = {"error"}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class Store:
    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # private to the grader (SQLite gives the -wal and -shm files the same mode)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600))
        os.chmod(self.path, 0o600)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        have = {row[1] for row in self.db.execute("PRAGMA table_info(current)")}
        for col in ("timestamp", "notes"):         # stores written before these columns
            if col not in have:
                self.db.execute(f"ALTER TABLE current ADD COLUMN {col} TEXT")
        self.run_id = None

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- runs -------------------------------------------------------------------
    def start_run(self, assignment, executor, queued) -> str:
        self.run_id = uuid.uuid4().hex[:12]
        self.db.execute("INSERT INTO runs(run_id, assignment, started_at, executor, queued) "
                        "VALUES (?, ?, ?, ?, ?)", (self.run_id, assignment, now_iso(), executor, queued))
        return self.run_id

    def finish_run(self):
        self.db.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?", (now_iso(), self.run_id))

    # -- verdicts ---------------------------------------------------------------
    def get(self, student, assignment, sha256):
        row = self.db.execute("SELECT record FROM verdicts WHERE student=? AND assignment=? AND sha256=?",
                              (student, assignment, sha256)).fetchone()
        return json.loads(row[0]) if row else None

    def needs_grading(self, student, assignment, sha256, retry=()) -> bool:
        row = self.db.execute("SELECT status FROM verdicts WHERE student=? AND assignment=? AND sha256=?",
                              (student, assignment, sha256)).fetchone()
        return row is None or row[0] in RETRY_ALWAYS or row[0] in retry

    def commit(self, record: dict):
        """Store one verdict durably (one transaction, fsync'd)."""
        r = record
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute(
                "INSERT OR REPLACE INTO verdicts(student, assignment, sha256, file, status, score, "
                "max_score, record, run_id, graded_at, seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (r["student"], r["assignment"], r["sha256"], r.get("file"), r["status"],
                 float(r["score"]), float(r["max_score"]), json.dumps(r, allow_nan=True, default=str),
                 self.run_id or "", r["graded_at"], r.get("seconds")))
            self.db.execute("INSERT OR IGNORE INTO first_seen(student, assignment, sha256, at) VALUES (?,?,?,?)",
                            (r["student"], r["assignment"], r["sha256"], r["graded_at"]))
            if self.run_id:
                self.db.execute("UPDATE runs SET committed = committed + 1 WHERE run_id = ?", (self.run_id,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def rows(self, assignment=None):
        q = "SELECT student, assignment, sha256, status, score, max_score, run_id, graded_at FROM verdicts"
        args = ()
        if assignment:
            q += " WHERE assignment = ?"
            args = (assignment,)
        cols = ("student", "assignment", "sha256", "status", "score", "max_score", "run_id", "graded_at")
        return [dict(zip(cols, row)) for row in self.db.execute(q + " ORDER BY student, graded_at", args)]

    # -- the verdicts the exports were last written from ------------------------
    def set_current(self, assignment, records):
        """Remember which verdict of each student the exports show (``course report``
        and ``course export`` read the same ones later)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM current WHERE assignment = ?", (assignment,))
            self.db.executemany(
                "INSERT INTO current(student, assignment, sha256, timestamp, notes) VALUES (?, ?, ?, ?, ?)",
                [(r["student"], assignment, r["sha256"], r.get("timestamp"), json.dumps(r.get("folder_notes", [])))
                 for r in records])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def current_records(self, assignment):
        """The verdicts of the last export, in the order they were exported (by student)."""
        q = ("SELECT v.record, c.timestamp, c.notes FROM current c JOIN verdicts v ON v.student = c.student AND "
             "v.assignment = c.assignment AND v.sha256 = c.sha256 WHERE c.assignment = ? ORDER BY c.rowid")
        out = []
        for record, stamp, notes in self.db.execute(q, (assignment,)):
            rec = json.loads(record)
            rec["timestamp"] = stamp
            rec["folder_notes"] = json.loads(notes or "[]")
            out.append(rec)
        return out

    # -- the instructor's overrides (``course override``) ------------------------
    def add_override(self, student, assignment, function, points, comment, sha256):
        self.db.execute("INSERT INTO overrides(student, assignment, function, points, comment, sha256, at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (student, assignment, function, float(points), comment, sha256, now_iso()))

    def overrides(self, assignment):
        """{student: {function: (points, comment, sha256)}}: the latest override of each
        function (earlier ones stay in the table as history)."""
        out = {}
        for st, fn, pts, com, sha in self.db.execute(
                "SELECT student, function, points, comment, sha256 FROM overrides WHERE assignment = ? "
                "ORDER BY at, rowid", (assignment,)):
            out.setdefault(st, {})[fn] = (pts, com, sha)
        return out

    # -- when the grader first saw a file; per-assignment settings (the deadline policy) --
    def first_seen(self, assignment):
        """{(student, sha256): the time the grader first stored a verdict for these bytes}."""
        return {(st, sha): at for st, sha, at in self.db.execute(
            "SELECT student, sha256, at FROM first_seen WHERE assignment = ?", (assignment,))}

    def set_setting(self, assignment, key, value):
        self.db.execute("INSERT OR REPLACE INTO settings(assignment, key, value) VALUES (?, ?, ?)",
                        (assignment, key, json.dumps(value)))

    def setting(self, assignment, key, default=None):
        row = self.db.execute("SELECT value FROM settings WHERE assignment = ? AND key = ?",
                              (assignment, key)).fetchone()
        return json.loads(row[0]) if row else default
