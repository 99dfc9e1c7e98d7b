"""What can go wrong when the grader calls a student's function."""
from __future__ import annotations


class SandboxError(Exception):
    """The grader could not run the sandbox at all (a setup problem, not the student's)."""


class StudentError(Exception):
    """A call into the student's code did not return a value.

    ``status`` is the short verdict shown in reports; ``message`` says what
    happened in the student's terms; ``traceback`` holds the student's own
    frames only.
    """

    status = "error"

    def __init__(self, message: str, *, exc_type: str = "", traceback=None):
        super().__init__(message)
        self.message = message
        self.exc_type = exc_type
        self.traceback = list(traceback or [])

    def describe(self) -> str:
        lines = [self.message]
        if self.traceback:
            lines.append("Your code, innermost call last:")
            lines.extend(self.traceback)
        return "\n".join(lines)


class Missing(StudentError):
    status = "missing"


class NotAttempted(StudentError):
    status = "not attempted"


class Raised(StudentError):
    status = "raised"


class TimedOut(StudentError):
    status = "timeout"


class Crashed(StudentError):
    status = "crashed"


class LoadFailed(StudentError):
    status = "not loaded"
