"""The pytest plugin that turns check modules into graded runs.

Options: ``--submission FILE`` (the student's .py/.ipynb), ``--all-checks``
(hidden checks too), ``--grader-seed N``, ``--device cpu|cuda``,
``--trusted MODULE`` (call a trusted module in-process instead of the
sandbox), ``--ref-mode auto|solutions|fixtures|record|verify``.

Each collected check item carries a ``graded`` mark (function, case,
points, hidden...). The plugin provides the ``student``, ``ref``,
``grader_seed`` and ``device`` fixtures, deselects hidden checks unless
asked (they are reported as not run), and records one :class:`Result` per
item, with a message in the student's terms instead of a traceback.
"""
from __future__ import annotations

import importlib
import re
import traceback
from dataclasses import asdict, dataclass

import pytest

from .compare import CheckFailure
from .reference import GraderSetupError, Reference
from .sandbox import Limits, Sandbox
from .sandbox.errors import LoadFailed, StudentError
from .student import SandboxStudent, TrustedStudent
from .submission import load_submission


@dataclass
class Result:
    id: str
    function: str
    case: str
    passed: bool | None
    points: float
    max_points: float
    status: str
    message: str = ""
    hidden: bool = False
    call: str = ""
    duration: float = 0.0

    def to_json(self):
        d = asdict(self)
        d.pop("call")
        return d


def assignment_of(item) -> str:
    mod = item.module.__name__ if item.module else ""
    m = re.search(r"(hw\d+)", mod.rsplit(".", 1)[-1])
    return m.group(1) if m else "hw"


def pytest_addoption(parser):
    g = parser.getgroup("course", "course autograder")
    g.addoption("--submission", default=None, help="student's .py or .ipynb to grade")
    g.addoption("--all-checks", action="store_true", default=False, help="run hidden checks too")
    g.addoption("--grader-seed", type=int, default=0, help="base seed of stochastic checks")
    g.addoption("--device", default="cpu", choices=["cpu", "cuda"], help="device profile")
    g.addoption("--trusted", default=None, help="module to call in-process instead of a sandbox")
    g.addoption("--ref-mode", default="auto", choices=["auto", "solutions", "fixtures", "record", "verify"])
    g.addoption("--call-timeout", type=float, default=None, help="seconds per call (default per check)")
    g.addoption("--sandbox-mask", action="append", default=[], help="extra paths hidden from student code")
    g.addoption("--sandbox-threads", type=int, default=1)
    g.addoption("--grader-seeds", default=None,
                help="START:STOP - run every seeded check once per grader seed (calibration)")
    g.addoption("--hidden-only", action="store_true", default=False,
                help="only the hidden checks (nbgrader's hidden test cells)")
    g.addoption("--stochastic-only", action="store_true", default=False,
                help="only the statistical checks (calibration)")
    g.addoption("--function", action="append", default=[], help="only checks of this graded function")
    g.addoption("--record-to", default=None, help="with --ref-mode record or verify: fixture file to write")


def pytest_configure(config):
    config.addinivalue_line("markers", "graded(function, case, points, hidden, ...): a graded check case")
    for n in range(1, 21):
        config.addinivalue_line("markers", f"hw{n}: checks of assignment hw{n}")
    # our messages replace tracebacks; keep pytest's own formatting cheap
    config.option.tbstyle = "native"
    config._course = CourseState(config)
    config.pluginmanager.register(config._course, "course-state")


class CourseState:
    def __init__(self, config):
        self.config = config
        self.results: list[Result] = []
        self.sandbox = None
        self.sandbox_error = None
        self.refs: dict[str, Reference] = {}
        self.load_notes: list = []
        self.isolation = ""

    # -- collection ---------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items):
        keep, drop, modules = [], [], {}
        only = set(config.getoption("function") or ())
        for item in items:
            mark = item.get_closest_marker("graded")
            if mark is None:
                keep.append(item)
                continue
            modules.setdefault(item.module, assignment_of(item))
            if (only and mark.kwargs["function"] not in only) or \
                    (config.getoption("stochastic_only") and not mark.kwargs.get("stochastic")) or \
                    (config.getoption("hidden_only") and not mark.kwargs.get("hidden")):
                drop.append(item)
                continue
            item.add_marker(getattr(pytest.mark, assignment_of(item)))
            if mark.kwargs.get("hidden") and not config.getoption("all_checks"):
                drop.append(item)
                self.results.append(self._result(item, None, 0.0, "not run",
                                                 "hidden check: runs at grading time"))
            else:
                keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
        # A student install's check modules have their hidden cases cut out
        # (course/student_dist.py) and list them in HIDDEN_CASES: report them too.
        kw = config.getoption("keyword")
        for mod, a in modules.items():
            for function, label, pts in getattr(mod, "HIDDEN_CASES", ()):
                if (only and function not in only) or (kw and not _keyword_matches(kw, function, label)):
                    continue
                self.results.append(Result(id=f"{a}::{function}::{label}", function=function, case=label,
                                           passed=None, points=0.0, max_points=pts, status="not run",
                                           message="hidden check: runs at grading time", hidden=True))

    def _result(self, item, passed, points, status, message, duration=0.0):
        m = item.get_closest_marker("graded").kwargs
        a = assignment_of(item)
        return Result(id=f"{a}::{m['function']}::{m['case']}", function=m["function"],
                      case=m["case"], passed=passed, points=points, max_points=m["points"],
                      status=status, message=message, hidden=m["hidden"], call=m.get("call", ""),
                      duration=duration)

    # -- student and reference ----------------------------------------------
    def student_for(self, item):
        cfg = self.config
        mark = item.get_closest_marker("graded")
        timeout = cfg.getoption("call_timeout") or (mark.kwargs.get("timeout") if mark else None) \
            or getattr(item.module, "CALL_TIMEOUT", None)
        trusted = cfg.getoption("trusted")
        if trusted:
            return TrustedStudent(importlib.import_module(trusted), timeout)
        if self.sandbox_error is not None:
            raise self.sandbox_error.with_traceback(None)
        if self.sandbox is None:
            path = cfg.getoption("submission")
            if not path:
                raise GraderSetupError("no --submission given")
            sub = load_submission(path)
            self.load_notes = list(sub.notes)
            limits = Limits(threads=cfg.getoption("sandbox_threads"))
            self.sandbox = Sandbox(sub.cells, limits=limits, mask=cfg.getoption("sandbox_mask"))
            try:
                self.sandbox.start()
            except LoadFailed as exc:
                self.sandbox_error = exc
                raise
            self.isolation = self.sandbox.isolation
            for n in self.sandbox.load_report.notes:
                text = n.get("message", "")
                if n.get("kind") == "stub":
                    continue
                tb = n.get("traceback") or []
                self.load_notes.append(f"{n.get('cell', '')}: {text}" + ("\n" + "\n".join(tb) if tb else ""))
        return SandboxStudent(self.sandbox, timeout)

    def ref_for(self, item):
        a = assignment_of(item)
        if a not in self.refs:
            self.refs[a] = Reference(a, self.config.getoption("ref_mode"))
        return self.refs[a]

    # -- results --------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        rep = outcome.get_result()
        mark = item.get_closest_marker("graded")
        if mark is None:
            return
        if rep.when == "call" or (rep.when == "setup" and rep.failed):
            if rep.passed:
                self.results.append(self._result(item, True, mark.kwargs["points"], "passed", "",
                                                 rep.duration))
                return
            exc = call.excinfo.value if call.excinfo else None
            status, message = describe_failure(exc, call.excinfo)
            if rep.skipped:
                status, message = "skipped", str(getattr(exc, "msg", exc))
            res = self._result(item, False, 0.0, status, message, rep.duration)
            self.results.append(res)
            if rep.failed:
                rep.longrepr = f"{res.id}: {res.call}\n{message}"

    def pytest_sessionfinish(self, session):
        if self.sandbox is not None:
            self.sandbox.stop()
        if self.config.getoption("ref_mode") in ("record", "verify"):
            for ref in self.refs.values():
                ref.save(self.config.getoption("record_to"))


def _keyword_matches(expr, *names):
    """``-k EXPR`` on a case that is not a pytest item: substrings of its names, as pytest does."""
    try:
        from _pytest.mark.expression import Expression

        return Expression.compile(expr).evaluate(
            lambda sub, /, **kw: not kw and any(sub.lower() in n.lower() for n in names))
    except Exception:  # noqa: BLE001 - pytest's private API changed: do not filter
        return True


def describe_failure(exc, excinfo):
    if isinstance(exc, CheckFailure):
        return "failed", exc.message
    if isinstance(exc, StudentError):
        return exc.status, exc.describe()
    if isinstance(exc, GraderSetupError):
        return "grader error", str(exc)
    if isinstance(exc, AssertionError):
        return "failed", str(exc) or "assertion failed"
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:]) if exc else ""
    return "grader error", (f"the check itself failed ({type(exc).__name__}: {exc}). This is a "
                            f"bug in the grader, not in your code: tell the course staff.\n{tb}")


@pytest.fixture
def student(request):
    return request.config._course.student_for(request.node)


@pytest.fixture
def ref(request):
    return request.config._course.ref_for(request.node)


def pytest_generate_tests(metafunc):
    spec = metafunc.config.getoption("grader_seeds")
    if spec and "grader_seed" in metafunc.fixturenames:
        start, stop = (int(x) for x in spec.split(":"))
        metafunc.parametrize("grader_seed", range(start, stop), ids=lambda s: f"seed{s}")


@pytest.fixture
def grader_seed(request):
    return getattr(request, "param", request.config.getoption("grader_seed"))


@pytest.fixture
def device(request):
    return request.config.getoption("device")
