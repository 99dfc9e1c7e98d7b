"""The verdict of one graded case: a closed set of statuses.

``Status`` is a ``str`` enum, so reports, JSON and the gradebook keep the
plain words (``"passed"``, ``"grader error"``); code asks the enum what a
status means instead of comparing text.
"""
from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"                  # a wrong value, or a broken promise of the assignment
    RAISED = "raised"                  # the student's code raised
    MISSING = "missing"                # the function is not defined
    NOT_ATTEMPTED = "not attempted"    # the stub still raises NotImplementedError
    TIMEOUT = "timeout"
    CRASHED = "crashed"                # the sandbox child died
    NOT_LOADED = "not loaded"          # the submission could not be loaded
    ERROR = "error"                    # another error of the student's code
    NOT_RUN = "not run"                # hidden, or deselected
    NO_SUBMISSION = "no submission"    # nothing to grade: every case of a class record is this
    SKIPPED = "skipped"                # the check skipped itself (pytest.skip): it judged nothing
    GRADER_ERROR = "grader error"      # the grader's fault: never the student's score
    SETUP_ERROR = "setup error"        # the grader cannot run as asked (no reference, stale fixtures)

    def __str__(self) -> str:
        return self.value

    @property
    def grader_side(self) -> bool:
        """The grader's fault, not the student's: the score must not count it."""
        return self in (Status.GRADER_ERROR, Status.SETUP_ERROR)

    @property
    def ran(self) -> bool:
        """The case counts in the score and its maximum (everything but "not run")."""
        return self is not Status.NOT_RUN

    @property
    def judged(self) -> bool:
        """The verdict says something about the student's code: it ran, and was neither
        skipped nor stopped by the grader's own fault."""
        return self.ran and self is not Status.SKIPPED and not self.grader_side

    @classmethod
    def of(cls, value: object) -> Status:
        """The status of a word, also for records written before a status was added."""
        try:
            return cls(str(value))
        except ValueError:
            return cls.ERROR
