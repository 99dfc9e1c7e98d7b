"""Finding the submissions of one assignment in nbgrader's layout.

``submitted/<student>/<hw>/`` holds what ``nbgrader collect`` (or a copy by
hand) put there. The graded file is, in this order of preference:
``<hw>.ipynb``, ``<hw>.py``, the only ``.ipynb``, the only ``.py``. A
folder with none of them, or with several candidates and neither name, gets
a verdict of its own ("no submission" / "ambiguous"), so nobody vanishes
from the gradebook without a word.

The class folder is written by students, so it is read as hostile input:

- every folder and file under ``submitted/`` is opened relative to its
  parent's descriptor with ``O_NOFOLLOW`` and checked with ``fstat``: only
  real folders and regular files are read, never through a symbolic link
  (a link to another student's notebook, to the instructor's source or to
  ``/proc/self/mem`` is not graded), never a FIFO or a device;
- a read is bounded (:data:`MAX_FILE_BYTES`, :data:`MAX_STAMP_BYTES`);
- a student folder whose name cannot be a student id (a newline, bytes
  that are not UTF-8, a leading dash) gets a verdict under a safe label;
- ``timestamp.txt`` is parsed, normalised to UTC and checked (not in the
  future); a bad one becomes a note on that student, never a crash.

Anything odd is that student's verdict ("no submission", with the reason);
it never stops the class.

Every submission is keyed by ``(student, assignment, sha256 of the bytes)``:
the worker receives those exact bytes, so the grade always belongs to the
hash it is stored under, even if the file changes while grading runs.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from autograder.submission import _ASSIGNMENT_NAME

SUFFIXES = (".ipynb", ".py")
#: largest submission file read (a notebook with its plots is a few MB)
def _max_file_bytes(default=32 << 20) -> int:
    try:
        return max(1, int(os.environ.get("COURSE_GRADE_MAX_FILE_BYTES", default)))
    except ValueError:
        return default


MAX_FILE_BYTES = _max_file_bytes()
#: largest timestamp.txt read
MAX_STAMP_BYTES = 256
#: how far in the future a timestamp may lie (clock skew between machines)
STAMP_SKEW = timedelta(hours=24)

_O_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_O_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_NOCTTY", 0)
#: a student id: printable, no slash or space, not starting with '-' or '.'
_STUDENT_ID = re.compile(r"^[^\W][\w.@+-]{0,127}$")
#: a file name we read: the same, plus spaces and parentheses ("hw1 (2).ipynb")
_FILE_NAME = re.compile(r"^[^\W][\w.@+ (),-]{0,199}$")


class Unreadable(Exception):
    """A path in a class folder that is not read (a link, a FIFO, too large...)."""


@dataclass
class Submission:
    student: str
    assignment: str
    folder: Path
    file: Path | None = None          # None: nothing gradable in the folder
    sha256: str = ""
    problem: str = ""                 # why there is nothing to grade
    timestamp: str | None = None      # nbgrader's timestamp.txt, validated, ISO 8601 UTC
    candidates: list = field(default_factory=list)
    notes: list = field(default_factory=list)     # said in the student's feedback
    valid_id: bool = True             # False: the folder's name is not a student id

    @property
    def gradable(self) -> bool:
        return self.file is not None

    def content(self) -> bytes:
        """The file's bytes, read again the same safe way (no link, bounded)."""
        return read_regular(self.file)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kind_of(mode) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _why(exc: OSError, what: str) -> str:
    if exc.errno == errno.ELOOP:
        return f"{what} is a symbolic link; only real files and folders are graded"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{what} cannot be read (permission denied)"
    if exc.errno == errno.ENOTDIR:
        return f"{what} is not a folder"
    if exc.errno == errno.ENOENT:
        return f"{what} has disappeared"
    return f"{what} cannot be read ({os.strerror(exc.errno or 0) or type(exc).__name__})"


def _open_dir(name, dir_fd=None, what="") -> int:
    try:
        return os.open(name, _O_DIR, dir_fd=dir_fd)
    except OSError as exc:
        raise Unreadable(_why(exc, what or str(name))) from None


def _read_fd(fd, limit, what) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable(f"{what} is {kind_of(st.st_mode)}; only regular files are graded")
    if st.st_size > limit:
        raise Unreadable(f"{what} is {st.st_size / 2**20:.1f} MiB, more than the "
                         f"{limit / 2**20:.1f} MiB the grader reads")
    chunks, left = [], limit + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise Unreadable(f"{what} is larger than the {limit / 2**20:.1f} MiB the grader reads")
    return data


def read_at(dir_fd, name, limit=MAX_FILE_BYTES, what=None) -> bytes:
    """Read ``name`` in the folder ``dir_fd``: a regular file, not through a link, at most ``limit`` bytes."""
    what = what or name
    try:
        fd = os.open(name, _O_FILE, dir_fd=dir_fd)
    except OSError as exc:
        raise Unreadable(_why(exc, what)) from None
    try:
        return _read_fd(fd, limit, what)
    except OSError as exc:
        raise Unreadable(_why(exc, what)) from None
    finally:
        os.close(fd)


def read_regular(path, limit=MAX_FILE_BYTES) -> bytes:
    """Read ``submitted/<student>/<hw>/<file>`` without following a link at any of the last three levels."""
    path = Path(path)
    hw_dir, student_dir = path.parent, path.parent.parent
    top = os.open(student_dir.parent, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    fds = [top]
    try:
        fds.append(_open_dir(student_dir.name, top, f"the folder of {student_dir.name!r}"))
        fds.append(_open_dir(hw_dir.name, fds[-1], f"{student_dir.name}/{hw_dir.name}"))
        return read_at(fds[-1], path.name, limit, path.name)
    finally:
        for fd in fds:
            os.close(fd)


def _entries(dir_fd):
    """[(name, lstat mode)] of a folder given by descriptor, sorted by name."""
    out = []
    with os.scandir(dir_fd) as it:
        for e in it:
            try:
                out.append((e.name, e.stat(follow_symlinks=False).st_mode))
            except OSError:
                continue
    return sorted(out)


def valid_name(name: str, pattern=_STUDENT_ID) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:           # bytes that are not UTF-8 (surrogate escapes)
        return False
    return bool(pattern.match(name)) and name not in (".", "..")


def shown(name: str) -> str:
    """A file or folder name as it may be printed: escaped, bounded."""
    if not valid_name(name, _FILE_NAME):
        raw = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        name = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in raw)
    return name if len(name) <= 80 else name[:77] + "..."


def invalid_label(name: str) -> str:
    """The store's key for a folder whose name is not a student id."""
    raw = name.encode("utf-8", "surrogateescape")
    return f"invalid-folder-{hashlib.sha256(raw).hexdigest()[:12]}"


def choose_file(folder, assignment: str, dir_fd=None):
    """(file or None, candidates, problem) for one submission folder.

    Only regular files (``lstat``) are candidates; a link, FIFO or device
    with a submission's name is refused with the reason, so it is never
    read and never silently replaced by another file.
    """
    folder = Path(folder)
    own = dir_fd is None
    if own:
        dir_fd = _open_dir(folder, what=str(folder))
    try:
        entries = _entries(dir_fd)
    finally:
        if own:
            os.close(dir_fd)
    regular, odd = [], {}
    for name, mode in entries:
        if name.startswith(".") or os.path.splitext(name)[1] not in SUFFIXES:
            continue
        if not stat.S_ISREG(mode):
            odd[name] = kind_of(mode)
        elif not valid_name(name, _FILE_NAME):
            odd[name] = "named with characters the grader does not accept (newlines, non-UTF-8 bytes, a leading dash)"
        else:
            regular.append(name)
    cands = [folder / n for n in regular]
    prefs = (f"{assignment}.ipynb", f"{assignment}.py")
    for pref in prefs:
        if pref in odd:
            return None, cands, (f"{pref} is {odd[pref]}; only regular files are graded. Next: "
                                 f"submit the file itself as {pref}")
        if pref in regular:
            return folder / pref, cands, ""
    # as `course check` (autograder.submission.choose_file): a file named for
    # another assignment (hw1.ipynb when grading hw3) is never taken
    regular = [n for n in regular if not _ASSIGNMENT_NAME.fullmatch(os.path.splitext(n)[0])]
    odd = {n: k for n, k in odd.items() if not _ASSIGNMENT_NAME.fullmatch(os.path.splitext(n)[0])}
    for suffix in SUFFIXES:
        same = [n for n in regular if n.endswith(suffix)]
        odd_same = [n for n in odd if n.endswith(suffix)]
        if len(same) == 1 and not odd_same:
            return folder / same[0], cands, ""
        if len(same) + len(odd_same) > 1 or (odd_same and not same):
            if odd_same and not same and len(odd_same) == 1:
                n = odd_same[0]
                return None, cands, (f"{shown(n)} is {odd[n]}; only regular files are graded. "
                                     f"Next: submit the file itself as {assignment}{suffix}")
            listing = ", ".join(shown(n) for n in same + odd_same)
            return None, cands, (f"several {suffix} files ({listing}) and none named "
                                 f"{assignment}{suffix}; rename the one to grade to "
                                 f"{assignment}{suffix} and grade again")
    return None, cands, (f"no .ipynb or .py file in submitted/{shown(folder.parent.name)}/{assignment}/; "
                         "the student submitted nothing gradable")


def parse_timestamp(text: str, now: datetime | None = None):
    """(ISO 8601 UTC string or None, note or ""): nbgrader's timestamp.txt, checked."""
    now = now or datetime.now(timezone.utc)
    s = text.strip()
    if not s or len(s) > 64 or "\n" in s or not s.isprintable():
        return None, "timestamp.txt does not hold one date; it was ignored"
    ts = None
    try:
        ts = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        parts = s.split(" ")
        if len(parts) == 3:       # nbgrader's "2026-12-01 10:00:00.000000 UTC" / "... +0100"
            try:
                ts = datetime.fromisoformat(" ".join(parts[:2]))
                tz = parts[2]
                if tz.upper() in ("UTC", "GMT", "Z"):
                    ts = ts.replace(tzinfo=timezone.utc)
                elif re.fullmatch(r"[+-]\d{4}", tz):
                    off = timedelta(hours=int(tz[1:3]), minutes=int(tz[3:]))
                    ts = ts.replace(tzinfo=timezone(off if tz[0] == "+" else -off))
                else:
                    ts = None
            except ValueError:
                ts = None
    if ts is None:
        return None, ("timestamp.txt is not a date the grader reads (ISO 8601, e.g. "
                      "2026-12-01 10:00:00 UTC); it was ignored")
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)      # nbgrader writes UTC
    ts = ts.astimezone(timezone.utc)
    if ts.year < 2000:
        return None, "timestamp.txt holds a date before 2000; it was ignored"
    if ts > now + STAMP_SKEW:
        return None, "timestamp.txt holds a date in the future; it was ignored"
    return ts.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds"), ""


def _invalid(student_name, assignment, folder, why) -> Submission:
    label = student_name if valid_name(student_name) else invalid_label(student_name)
    sub = Submission(label, assignment, folder, problem=why, valid_id=valid_name(student_name))
    sub.sha256 = sha256_bytes(f"unreadable\n{why}".encode())
    return sub


def student_folders(submitted: Path):
    """[(name, lstat mode)] of the entries of ``submitted`` that stand for students."""
    fd = os.open(submitted, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        return [(n, m) for n, m in _entries(fd)
                if not n.startswith(".") and (stat.S_ISDIR(m) or stat.S_ISLNK(m))]
    finally:
        os.close(fd)


def find_submissions(submitted: Path, assignment: str, students=None):
    """Every ``submitted/<student>/<assignment>/`` folder, sorted by student id."""
    submitted = Path(submitted)
    if not submitted.is_dir():
        raise FileNotFoundError(f"{submitted} is not a folder (expected nbgrader's "
                                f"submitted/<student>/{assignment}/ layout)")
    only = set(students or ())
    out = []
    top = os.open(submitted, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for name, mode in student_folders(submitted):
            if only and name not in only:
                continue
            folder = submitted / name / assignment
            shown_name = shown(name)
            if not valid_name(name):
                out.append(_invalid(name, assignment, folder, (
                    f"the folder submitted/{shown_name}/ is not named like a student id (a newline, "
                    "a space, bytes that are not UTF-8 or a leading '-' or '.'); it was not graded. "
                    "Next: rename it to the student's id and grade again")))
                continue
            if stat.S_ISLNK(mode):
                out.append(_invalid(name, assignment, folder, (
                    f"submitted/{name} is a symbolic link; only real folders are graded. "
                    "Next: collect the student's files into a folder of their own")))
                continue
            sub = _one(top, name, assignment, folder)
            if sub is not None:
                out.append(sub)
    finally:
        os.close(top)
    return sorted(out, key=lambda s: s.student)


def _one(top, name, assignment, folder):
    try:
        sfd = _open_dir(name, top, f"submitted/{name}")
    except Unreadable as exc:
        return _invalid(name, assignment, folder, f"{exc}; it was not graded")
    try:
        try:
            st = os.lstat(assignment, dir_fd=sfd)
        except FileNotFoundError:
            return None           # this student has no folder for this assignment
        except OSError as exc:
            return _invalid(name, assignment, folder, _why(exc, f"submitted/{name}/{assignment}"))
        if not stat.S_ISDIR(st.st_mode):
            return _invalid(name, assignment, folder, (
                f"submitted/{name}/{assignment} is {kind_of(st.st_mode)}; only real folders are "
                "graded. Next: collect the student's files into that folder"))
        try:
            hfd = _open_dir(assignment, sfd, f"submitted/{name}/{assignment}")
        except Unreadable as exc:
            return _invalid(name, assignment, folder, str(exc))
        try:
            return _read_submission(hfd, name, assignment, folder)
        finally:
            os.close(hfd)
    finally:
        os.close(sfd)


def _read_submission(hfd, name, assignment, folder):
    try:
        file, cands, problem = choose_file(folder, assignment, dir_fd=hfd)
    except OSError as exc:
        return _invalid(name, assignment, folder, _why(exc, f"submitted/{name}/{assignment}"))
    sub = Submission(name, assignment, folder, file, problem=problem, candidates=cands)
    try:
        raw = read_at(hfd, "timestamp.txt", MAX_STAMP_BYTES, "timestamp.txt")
    except Unreadable as exc:
        if "disappeared" not in str(exc):
            sub.notes.append(f"{exc}; it was ignored")
    else:
        text = raw.decode("utf-8", "replace")
        sub.timestamp, note = parse_timestamp(text)
        if note:
            sub.notes.append(note)
    if file is not None:
        try:
            sub.sha256 = sha256_bytes(read_at(hfd, file.name, MAX_FILE_BYTES, file.name))
        except Unreadable as exc:
            sub.file, sub.problem = None, f"{exc}; it was not graded"
    if sub.file is None:
        # The verdict "nothing to grade" is keyed by the listing and the reason:
        # it is revisited as soon as the folder's content changes.
        parts = []
        for p in cands:
            try:
                parts.append(f"{p.name}:{sha256_bytes(read_at(hfd, p.name, MAX_FILE_BYTES))}")
            except Unreadable as exc:
                parts.append(f"{p.name}:{exc}")
        sub.sha256 = sha256_bytes(("empty\n" + sub.problem + "\n" + "\n".join(parts)).encode())
    return sub
