"""Running an assignment's checks on one submission, in-process, via pytest."""
from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import catalog
from . import scoring
from .options import RefMode, RunOptions
from .plugin import CoursePlugin, Result
from .status import Status


@dataclass
class Report:
    assignment: str
    submission: str
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    output: str = ""
    isolation: str = ""
    confinement: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    exit_status: int = 0
    hidden_ran: bool = False

    @property
    def ran(self) -> list[Result]:
        return scoring.ran(self.results)

    @property
    def score(self) -> float:
        return scoring.score(self.results)

    @property
    def max_score(self) -> float:
        return scoring.max_score(self.results)

    @property
    def not_run(self) -> list[Result]:
        return [r for r in self.results if r.status is Status.NOT_RUN]

    @property
    def all_passed(self) -> bool:
        return bool(self.ran) and all(r.passed for r in self.ran)

    @property
    def grader_errors(self) -> list[Result]:
        return [r for r in self.results if r.status.grader_side]

    @property
    def setup_errors(self) -> list[Result]:
        """Cases the grader could not run as asked (no reference, stale fixtures)."""
        return [r for r in self.results if r.status is Status.SETUP_ERROR]

    def to_json(self) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [r.to_json() for r in self.results],
            "hidden_not_run": len(self.not_run),
            "notes": self.notes,
            "isolation": self.isolation,
            "confinement": self.confinement,
            "seconds": round(self.seconds, 3),
        }


CHECKS_DIR = Path(__file__).with_name("checks")


def check_files(assignment: str) -> list[Path]:
    """The files of ``assignment``'s checks that pytest runs (public first, then hidden)."""
    return [Path(f) for f in catalog.get(assignment).files]


@contextlib.contextmanager
def _clean_pytest_env() -> Iterator[None]:
    """No PYTEST_ADDOPTS / PYTEST_PLUGINS / plugin autoload from the environment."""
    saved = {k: os.environ.pop(k) for k in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS") if k in os.environ}
    old = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        os.environ.update(saved)
        if old is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = old


def pytest_args(options: RunOptions) -> list[str]:
    """pytest's own command line for a run: the check files, the grader's ini and rootdir,
    plugins off, ``-k``/``-x``, warnings. The run's options travel in the plugin object."""
    # no:unraisableexception: that plugin ends every session with five full garbage
    # collections, ~1 s of CPU per graded submission in a process with torch loaded
    # (benchmarks/grading_costs.py); a grading run reports nothing of it anyway
    args = [*map(str, check_files(options.assignment)), "--noconftest", "-p", "no:cacheprovider",
            "-p", "no:unraisableexception", "-p", "no:randomly", "-c", str(CHECKS_DIR / "pytest.ini"), "--rootdir", str(CHECKS_DIR),
            "-W", "ignore::DeprecationWarning"]
    if options.quiet:
        args += ["-p", "no:terminal"]
    if options.keyword:
        args += ["-k", options.keyword]
    if options.exitfirst:
        args.append("-x")
    return args


def run_checks(assignment: str, submission: str | os.PathLike[str] | None = None, *, hidden: bool = False,
               keyword: str | None = None, grader_seed: int = 0, device: str = "cpu",
               trusted: str | None = None, ref_mode: str | RefMode = "auto", exitfirst: bool = False,
               mask: Sequence[str | os.PathLike[str]] = (), threads: int = 1, call_timeout: float | None = None,
               quiet: bool = True, record_to: str | os.PathLike[str] | None = None,
               functions: Sequence[str] = (),
               grader_seeds: tuple[int, int] | None = None, stochastic_only: bool = False,
               hidden_only: bool = False, gpu_memory_fraction: float | None = None) -> Report:
    """Grade ``submission`` (a path) on ``assignment``'s checks; return a :class:`Report`.

    ``trusted`` names a module to call in-process instead of sandboxing a file
    (used to run the reference itself, e.g. when calibrating). The keywords are
    those of :class:`~autograder.options.RunOptions`, which checks them
    (``ValueError`` for nonsense); :func:`run` takes one directly.
    """
    return run(RunOptions(
        assignment=assignment, submission=None if submission is None else Path(submission), trusted=trusted,
        hidden=hidden, hidden_only=hidden_only, stochastic_only=stochastic_only, functions=tuple(functions),
        keyword=keyword, exitfirst=exitfirst, grader_seed=grader_seed, grader_seeds=grader_seeds,
        device=device, ref_mode=ref_mode, call_timeout=call_timeout or None,  # type: ignore[arg-type]
        mask=tuple(mask), threads=threads, gpu_memory_fraction=gpu_memory_fraction,  # type: ignore[arg-type]
        record_to=None if record_to is None else Path(record_to), quiet=quiet))


def run(options: RunOptions) -> Report:
    """Run the checks ``options`` describe, in-process through pytest; return a :class:`Report`."""
    catalog.get(options.assignment)  # raises KeyError for an unknown assignment
    plugin = CoursePlugin(options)
    t0 = time.perf_counter()
    sink = io.StringIO()
    with _clean_pytest_env(), contextlib.redirect_stdout(sink) if options.quiet else contextlib.nullcontext():
        code = pytest.main(pytest_args(options), plugins=[plugin])
    rep = Report(options.assignment, options.label, seconds=time.perf_counter() - t0)
    rep.results = _ordered(options.assignment, plugin.results)
    rep.notes = list(plugin.load_notes)
    rep.isolation = plugin.isolation
    rep.confinement = dict(plugin.confinement)
    rep.output = plugin.student_output
    rep.exit_status = int(code)
    return rep


def _ordered(assignment: str, results: Iterable[Result]) -> list[Result]:
    """Results in notebook order of the functions, cases in declaration order."""
    info = catalog.get(assignment)
    order = {name: i for i, name in enumerate(info.functions)}
    case_order = {}
    for c in info.checks:
        for r in c.resolved:
            case_order[(c.function, r.label)] = len(case_order)
    return sorted(results, key=lambda r: (order.get(r.function, len(order)),
                                          case_order.get((r.function, r.case), len(case_order))))


__all__ = ["Report", "Result", "RunOptions", "pytest_args", "run", "run_checks"]
