"""What one grading run is asked to do: :class:`RunOptions`, typed and checked once.

:func:`autograder.runner.run_checks` builds one and hands it to pytest inside
the plugin object (:class:`autograder.plugin.CoursePlugin`); nothing of it
travels through pytest's command line, which carries only pytest's own
arguments (files, ``-c``, ``--rootdir``, ``-p``, ``-k``, ``-x``, ``-W``).
A nonsensical option (an unknown device or reference mode, a negative
timeout, a seed range that is empty) raises :class:`ValueError` here, before
anything runs, with what to pass instead.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Literal

Device = Literal["cpu", "cuda"]
DEVICES: tuple[str, ...] = ("cpu", "cuda")


class RefMode(str, Enum):
    """Where the checks' reference values come from (see :class:`autograder.reference.Reference`)."""

    AUTO = "auto"              # the solutions if installed, else the recorded fixtures
    SOLUTIONS = "solutions"    # call the reference live
    FIXTURES = "fixtures"      # replay the recorded public calls
    RECORD = "record"          # call live and record every call (``record_to``)
    VERIFY = "verify"          # replay where recorded, record the rest (freshness check)

    def __str__(self) -> str:
        return self.value

    @property
    def records(self) -> bool:
        """The run writes the reference calls it made to ``record_to`` at the end."""
        return self in (RefMode.RECORD, RefMode.VERIFY)


def _names(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, (str, bytes, os.PathLike)):
        raise ValueError(f"{what} takes a list of names, not one string ({value!r}); "
                         f"pass [{str(value)!r}]")
    try:
        return tuple(str(os.fspath(v)) if isinstance(v, os.PathLike) else str(v) for v in value)  # type: ignore[union-attr]
    except TypeError:
        raise ValueError(f"{what} takes a list of names, not {type(value).__name__}; pass a list") from None


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer, not {value!r}; pass a whole number")
    return value


@dataclass(frozen=True)
class RunOptions:
    """Everything a grading run of one assignment depends on.

    ``submission`` (a .py or .ipynb) is graded in the sandbox; ``trusted``
    instead names a module called in-process (the reference, when recording
    fixtures or calibrating). ``hidden`` runs the hidden checks too;
    ``hidden_only`` runs only them (nbgrader's hidden cells), ``stochastic_only``
    only the statistical ones, ``functions`` only those of the named graded
    functions, ``keyword`` only those matching a pytest ``-k`` expression.
    ``grader_seeds=(start, stop)`` runs every seeded check once per seed
    (calibration). ``call_timeout`` overrides each check's per-call seconds.
    ``mask``: paths hidden from the student's code; ``threads`` and
    ``gpu_memory_fraction``: the sandbox's share of the machine.
    ``record_to``: with ``ref_mode`` record or verify, the fixture file to write.
    """

    assignment: str
    submission: Path | None = None
    trusted: str | None = None
    hidden: bool = False
    hidden_only: bool = False
    stochastic_only: bool = False
    functions: tuple[str, ...] = ()
    keyword: str | None = None
    exitfirst: bool = False
    grader_seed: int = 0
    grader_seeds: tuple[int, int] | None = None
    device: Device = "cpu"
    ref_mode: RefMode = RefMode.AUTO
    call_timeout: float | None = None
    mask: tuple[str, ...] = ()
    threads: int = 1
    gpu_memory_fraction: float = 0.5
    record_to: Path | None = None
    quiet: bool = True

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        if not isinstance(self.assignment, str) or not self.assignment:
            raise ValueError(f"assignment must be an assignment id, not {self.assignment!r}; pass e.g. 'hw1'")
        if self.submission is not None:
            put("submission", Path(self.submission))
        if self.trusted is not None and not isinstance(self.trusted, str):
            raise ValueError(f"trusted names a module, not {self.trusted!r}; pass e.g. 'solutions.hw1'")
        if self.submission is not None and self.trusted:
            raise ValueError("give a submission to grade in the sandbox or a trusted module to call "
                             "in-process, not both; pass one of them")
        if self.device not in DEVICES:
            raise ValueError(f"unknown device {self.device!r}; pass one of: {', '.join(DEVICES)}")
        try:
            put("ref_mode", RefMode(self.ref_mode))
        except ValueError:
            raise ValueError(f"unknown reference mode {self.ref_mode!r}; pass one of: "
                             f"{', '.join(m.value for m in RefMode)}") from None
        put("grader_seed", _int(self.grader_seed, "grader_seed"))
        if self.grader_seeds is not None:
            try:
                start, stop = self.grader_seeds
            except (TypeError, ValueError):
                raise ValueError(f"grader_seeds is a (start, stop) pair, not {self.grader_seeds!r}; "
                                 "pass e.g. (0, 200)") from None
            start, stop = _int(start, "grader_seeds' start"), _int(stop, "grader_seeds' stop")
            if stop <= start:
                raise ValueError(f"grader_seeds ({start}, {stop}) is empty; pass a stop above the start")
            put("grader_seeds", (start, stop))
        if self.call_timeout is not None:
            if isinstance(self.call_timeout, bool) or not isinstance(self.call_timeout, (int, float)) \
                    or not self.call_timeout > 0:
                raise ValueError(f"call_timeout is seconds above 0, not {self.call_timeout!r}; pass a "
                                 "positive number, or None for each check's own")
            put("call_timeout", float(self.call_timeout))
        put("threads", _int(self.threads, "threads"))
        if self.threads < 1:
            raise ValueError(f"threads must be at least 1, not {self.threads}; pass 1 or more")
        if self.gpu_memory_fraction is None:
            put("gpu_memory_fraction", 0.5)
        if isinstance(self.gpu_memory_fraction, bool) or not isinstance(self.gpu_memory_fraction, (int, float)) \
                or not 0 < self.gpu_memory_fraction <= 1:
            raise ValueError(f"gpu_memory_fraction is a share of the GPU's memory in (0, 1], not "
                             f"{self.gpu_memory_fraction!r}; pass e.g. 0.5")
        put("gpu_memory_fraction", float(self.gpu_memory_fraction))
        put("functions", _names(self.functions, "functions"))
        put("mask", _names(self.mask, "mask"))
        if self.keyword is not None and not isinstance(self.keyword, str):
            raise ValueError(f"keyword is a pytest -k expression (a string), not {self.keyword!r}; "
                             "pass e.g. 'init_variance'")
        put("keyword", self.keyword or None)
        if self.record_to is not None:
            put("record_to", Path(self.record_to))

    @property
    def all_checks(self) -> bool:
        """The hidden checks run (asked for, or the only ones asked for)."""
        return self.hidden or self.hidden_only

    @property
    def label(self) -> str:
        """What is graded, as a report names it."""
        return str(self.submission or self.trusted or "")
