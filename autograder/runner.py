"""Running an assignment's checks on one submission, in-process, via pytest."""
from __future__ import annotations

import contextlib
import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import catalog
from . import scoring
from .plugin import Result
from .status import Status


@dataclass
class Report:
    assignment: str
    submission: str
    results: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    output: str = ""
    isolation: str = ""
    confinement: dict = field(default_factory=dict)
    seconds: float = 0.0
    exit_status: int = 0
    hidden_ran: bool = False

    @property
    def ran(self):
        return scoring.ran(self.results)

    @property
    def score(self):
        return scoring.score(self.results)

    @property
    def max_score(self):
        return scoring.max_score(self.results)

    @property
    def not_run(self):
        return [r for r in self.results if r.status == "not run"]

    @property
    def all_passed(self):
        return bool(self.ran) and all(r.passed for r in self.ran)

    @property
    def grader_errors(self):
        return [r for r in self.results if Status.of(r.status).grader_side]

    def to_json(self):
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


def check_files(assignment) -> list[Path]:
    """The files of ``assignment``'s checks that pytest runs (public first, then hidden)."""
    return [Path(f) for f in catalog.get(assignment).files]


@contextlib.contextmanager
def _clean_pytest_env():
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


def run_checks(assignment: str, submission: str | os.PathLike[str] | None = None, *, hidden: bool = False,
               keyword: str | None = None, grader_seed: int = 0, device: str = "cpu",
               trusted: str | None = None, ref_mode: str = "auto", exitfirst: bool = False,
               mask: tuple[str, ...] | list[str] = (), threads: int = 1, call_timeout: float | None = None,
               quiet: bool = True, record_to: str | os.PathLike[str] | None = None,
               functions: tuple[str, ...] | list[str] = (),
               grader_seeds: tuple[int, int] | None = None, stochastic_only: bool = False,
               hidden_only: bool = False, gpu_memory_fraction: float | None = None) -> Report:
    """Grade ``submission`` (a path) on ``assignment``'s checks; return a :class:`Report`.

    ``trusted`` names a module to call in-process instead of sandboxing a file
    (used to run the reference itself, e.g. when calibrating).
    """
    catalog.get(assignment)  # raises KeyError for an unknown assignment
    args = [*map(str, check_files(assignment)), "--noconftest", "-p", "no:cacheprovider",
            "-p", "no:randomly", "-c", str(CHECKS_DIR / "pytest.ini"), "--rootdir", str(CHECKS_DIR),
            "--grader-seed", str(grader_seed), "--device", device, "--ref-mode", ref_mode,
            "--sandbox-threads", str(threads), "-W", "ignore::DeprecationWarning"]
    if quiet:
        args += ["-p", "no:terminal"]
    if submission is not None:
        args += ["--submission", str(submission)]
    if trusted:
        args += ["--trusted", trusted]
    if hidden:
        args.append("--all-checks")
    if keyword:
        args += ["-k", keyword]
    if exitfirst:
        args.append("-x")
    if call_timeout:
        args += ["--call-timeout", str(call_timeout)]
    if gpu_memory_fraction:
        args += ["--sandbox-gpu-fraction", str(gpu_memory_fraction)]
    if hidden_only:
        args += ["--hidden-only", "--all-checks"]
    if stochastic_only:
        args.append("--stochastic-only")
    if grader_seeds:
        args += ["--grader-seeds", f"{grader_seeds[0]}:{grader_seeds[1]}"]
    for f in functions:
        args += ["--function", f]
    if record_to:
        args += ["--record-to", str(record_to)]
    for m in mask:
        args += ["--sandbox-mask", str(m)]
    holder = _Holder()
    t0 = time.perf_counter()
    sink = io.StringIO()
    with _clean_pytest_env(), contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
        code = pytest.main(args, plugins=["autograder.plugin", holder])
    state = holder.state
    rep = Report(assignment, str(submission or trusted or ""), seconds=time.perf_counter() - t0)
    if state is not None:
        rep.results = _ordered(assignment, state.results)
        rep.notes = list(state.load_notes)
        rep.isolation = state.isolation
        rep.confinement = dict(getattr(state, "confinement", {}) or {})
        if state.sandbox is not None:
            rep.output = state.sandbox.student_output()
    rep.exit_status = int(code)
    return rep


def _ordered(assignment, results):
    """Results in notebook order of the functions, cases in declaration order."""
    info = catalog.get(assignment)
    order = {name: i for i, name in enumerate(info.functions)}
    case_order = {}
    for c in info.checks:
        for r in c.resolved:
            case_order[(c.function, r.label)] = len(case_order)
    return sorted(results, key=lambda r: (order.get(r.function, len(order)),
                                          case_order.get((r.function, r.case), len(case_order))))


class _Holder:
    state = None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config):
        self.state = getattr(config, "_course", None)


__all__ = ["Report", "Result", "run_checks"]
