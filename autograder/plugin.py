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
import inspect
import re
from dataclasses import asdict, dataclass

import pytest

from .compare import CheckFailure
from .reference import GraderSetupError, Reference
from .sandbox import Limits, Sandbox
from .sandbox.errors import LoadFailed, StudentError
from .status import Status
from .student import SandboxStudent, TrustedStudent
from .submission import SubmissionError, load_submission


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
        if self.hidden and self.status == "not run":
            d.pop("call")            # a hidden check that did not run shows nothing of itself
        return d


def assignment_of(item) -> str:
    mod = item.module.__name__ if item.module else ""
    m = re.search(r"(?:^|\.)checks\.(hw\d+)(?:\.|$)", mod) or re.search(r"(hw\d+)", mod.rsplit(".", 1)[-1])
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
    g.addoption("--sandbox-gpu-fraction", type=float, default=0.5,
                help="share of the GPU's memory a GPU run may take")
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
        self.confinement: dict = {}
        self._probed: dict = {}

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
        from . import catalog

        for a in dict.fromkeys(modules.values()):
            for function, label, pts in catalog.get(a).hidden_cut:
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
            or getattr(item.module, "CALL_TIMEOUT", None) or _assignment(item).call_timeout
        trusted = cfg.getoption("trusted")
        if trusted:
            return _Watched(TrustedStudent(importlib.import_module(trusted), timeout), item)
        if self.sandbox_error is not None:
            raise self.sandbox_error.with_traceback(None)
        if self.sandbox is None:
            path = cfg.getoption("submission")
            if not path:
                raise GraderSetupError("no --submission given")
            try:
                sub = load_submission(path)
            except SubmissionError as exc:     # the student's file, not the grader
                self.sandbox_error = LoadFailed(f"your file could not be read: {exc}")
                raise self.sandbox_error.with_traceback(None) from None
            self.load_notes = list(sub.notes)
            limits = Limits(threads=cfg.getoption("sandbox_threads"),
                            gpu_memory_fraction=cfg.getoption("sandbox_gpu_fraction"))
            self.sandbox = Sandbox(sub.cells, limits=limits, mask=cfg.getoption("sandbox_mask"),
                                   device=cfg.getoption("device"))
            try:
                self.sandbox.start()
            except LoadFailed as exc:
                self.sandbox_error = exc
                raise
            self.isolation = self.sandbox.isolation
            self.confinement = self.sandbox.confinement.to_json()
            for n in self.sandbox.load_report.notes:
                text = n.get("message", "")
                if n.get("kind") == "stub":
                    continue
                tb = n.get("traceback") or []
                if n.get("kind") == "syntax":  # the child's message repeats the cell's name
                    text = (f"line {n.get('line')}: syntax error: {text.rsplit(' (', 1)[0]}; nothing in "
                            "this cell was defined") + (f"\n    {n['text'].strip()}" if n.get("text") else "")
                self.load_notes.append(f"{n.get('cell', '')}: {text}" + ("\n" + "\n".join(tb) if tb else ""))
        return _Watched(SandboxStudent(self.sandbox, timeout), item)

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
            status, message = describe_failure(exc, call.excinfo, getattr(item, "_course_values", None))
            if rep.skipped:
                status, message = "skipped", str(getattr(exc, "msg", exc))
            elif status in ("failed", "raised"):
                message = self._blame_dependencies(item, mark.kwargs["function"], exc, message)
            res = self._result(item, False, 0.0, status, message, rep.duration)
            self.results.append(res)
            if rep.failed:
                rep.longrepr = f"{res.id}: {res.call}\n{message}"

    # -- a failing function that the failing one calls ----------------------------
    def _blame_dependencies(self, item, function, exc, message):
        """The message of a failed check of ``function``, when a function it calls fails too.

        A check module declares once ``DEPENDS = {function: (graded functions it
        calls, as the reference does)}``. When a check of ``function`` fails and
        one of those (or theirs, transitively) fails its own deterministic
        checks on this submission, that failure is the likely cause: the
        message keeps its facts, drops the advice (a slip named for correct
        code would send the student to change it) and says so. The
        dependencies are probed by running their checks here, whatever was
        selected, so one check cell of a notebook says the same.
        """
        deps = _dependencies(dict(_assignment(item).depends), function)
        if not deps:
            return message
        # an unwritten dependency explains a check that raised (NameError,
        # NotImplementedError from inside), not a wrong value
        failing = [d for d in deps if self._function_fails(item, d) == "wrong"
                   or (self._function_fails(item, d) == "missing" and not isinstance(exc, CheckFailure))]
        if not failing:
            return message
        names = ", ".join(f"`{d}`" for d in failing)
        body = exc.body if isinstance(exc, CheckFailure) else message
        one = len(failing) == 1
        return (f"{body}\n  Your {names} {'fails its' if one else 'fail their'} own checks, and "
                f"`{function}` is meant to call {'it' if one else 'them'}: that is the likely cause "
                f"of this failure, not necessarily `{function}` itself. Next: fix {names} first, "
                f"then run this check again.")

    def _function_fails(self, item, function):
        """False, "wrong" (a check fails) or "missing" (not written) for a dependency."""
        if function in self._probed:
            return self._probed[function]
        self._probed[function] = False        # no cycles
        specs = [s for s in _assignment(item).checks if s.function == function and not s.stochastic]
        hidden_ok = self.config.getoption("all_checks")
        student, ref = self.student_for(item), self.ref_for(item)
        seed = self.config.getoption("grader_seed")
        fails = False
        from .sandbox.errors import Missing, NotAttempted
        for spec in specs:
            params = inspect.signature(spec.fn).parameters
            for case, _, hidden, _ in spec.resolved:
                if hidden and not hidden_ok:
                    continue
                kwargs = {"student": student, "ref": ref, "case": case, "grader_seed": seed,
                          "device": self.config.getoption("device")}
                try:
                    spec.fn(**{k: v for k, v in kwargs.items() if k in params})
                except (Missing, NotAttempted):
                    fails = "missing"
                except (CheckFailure, StudentError, AssertionError):
                    fails = "wrong"
                except Exception:  # noqa: BLE001 - a probe must never turn into a grader error
                    continue
                if fails:
                    break
            if fails:
                break
        self._probed[function] = fails
        return fails

    def pytest_sessionfinish(self, session):
        if self.sandbox is not None:
            self.sandbox.stop()
        if self.config.getoption("ref_mode") in ("record", "verify"):
            for ref in self.refs.values():
                ref.save(self.config.getoption("record_to"))


def _assignment(item):
    from . import catalog

    return catalog.get(assignment_of(item))


def _dependencies(graph, function):
    """The graded functions ``function`` calls, transitively, from the assignment's DEPENDS."""
    out, todo = [], list(graph.get(function, ()))
    while todo:
        d = todo.pop(0)
        if d != function and d not in out:
            out.append(d)
            todo.extend(graph.get(d, ()))
    return out


def _keyword_matches(expr, *names):
    """``-k EXPR`` on a case that is not a pytest item: substrings of its names, as pytest does."""
    try:
        from _pytest.mark.expression import Expression

        return Expression.compile(expr).evaluate(
            lambda sub, /, **kw: not kw and any(sub.lower() in n.lower() for n in names))
    except Exception:  # noqa: BLE001 - pytest's private API changed: do not filter
        return True


class Undigestible(StudentError):
    """What the submission sent back cannot be read as a value (nested too deeply...)."""

    status = "failed"


class _Watched:
    """The ``student`` fixture: calls go through, and each returned value is
    remembered on the test item, so that a check that cannot digest it (a huge
    int, deep nesting, an odd dtype) fails the student's check, not the grader."""

    def __init__(self, inner, item):
        self._inner = inner
        self._item = item
        self.timeout = inner.timeout

    def call(self, fn, *args, **kwargs):
        try:
            value = self._inner.call(fn, *args, **kwargs)
        except StudentError:
            raise
        except (RecursionError, MemoryError, OverflowError) as exc:
            raise Undigestible(f"`{fn}` returned a value the grader cannot read "
                               f"({type(exc).__name__}: nested too deeply or too large). Next: return "
                               "plain numbers or a NumPy array of float64.") from None
        values = self._item.__dict__.setdefault("_course_values", [])
        values.append((fn, value))
        return value

    def with_timeout(self, timeout):
        return _Watched(self._inner.with_timeout(timeout), self._item)

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)
        return lambda *a, **k: self.call(fn, *a, **k)


#: exceptions a check raises when a returned value is not what it can digest
_VALUE_ERRORS = (ArithmeticError, RecursionError, MemoryError, ValueError, TypeError, AttributeError,
                 IndexError, KeyError)


def odd_value(value, depth=0, budget=None) -> str:
    """Why ``value`` (decoded from a submission) is not plain numeric data, or ""."""
    import numbers

    import numpy as np

    from .sandbox.codec import Opaque

    budget = budget if budget is not None else [10_000]
    budget[0] -= 1
    if budget[0] < 0:
        return ""
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return "" if abs(value).bit_length() <= 1000 else \
            f"an integer of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    if isinstance(value, (float, np.floating)):
        return "" if np.dtype(type(value)).itemsize <= 8 else f"a {np.dtype(type(value))} number"
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        kind, size = value.dtype.kind, value.dtype.itemsize
        if kind == "c" or (kind == "f" and size > 8) or kind not in "biuf":
            return f"{'an array' if isinstance(value, np.ndarray) else 'a number'} of dtype {value.dtype}"
        return ""
    if isinstance(value, numbers.Number):
        return f"a {type(value).__name__}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple, dict)):
        if depth >= 4:
            return f"a {type(value).__name__} nested more than 4 levels deep"
        items = value.values() if isinstance(value, dict) else value
        for v in items:
            why = odd_value(v, depth + 1, budget)
            if why:
                return why if depth else f"a {type(value).__name__} holding {why}"
    return ""


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\\/\s'\"():]+)+[\\/]([^\\/\s'\"():]+)")


def _no_paths(text: str) -> str:
    """A grader-side message without the grader's install paths (file names kept)."""
    return _PATH.sub(lambda m: m.group(1), str(text))


def describe_failure(exc, excinfo, values=None):
    """(status, message) of a failed check: the student's words, no grader traceback or path."""
    if isinstance(exc, CheckFailure):
        return "failed", exc.message
    if isinstance(exc, StudentError):
        return exc.status, exc.describe()
    if isinstance(exc, GraderSetupError):
        return Status.SETUP_ERROR, _no_paths(str(exc))
    if isinstance(exc, AssertionError):
        return "failed", str(exc) or "assertion failed"
    name = type(exc).__name__ if exc is not None else "Error"
    if values and isinstance(exc, _VALUE_ERRORS):
        odd = ""
        for fn, v in values:
            try:
                odd = odd_value(v)
            except RecursionError:
                odd = "a value nested too deeply"
            if odd:
                break
        if odd or isinstance(exc, (OverflowError, RecursionError, MemoryError)):
            what = odd or "a value out of the range the check can handle"
            return "failed", (f"`{fn}` returned {what}, which the check cannot compare with the "
                              f"reference ({name}). Next: return what the assignment asks for: plain "
                              "float64 numbers, or NumPy arrays of float64, of a sensible size.")
    where = ""
    if exc is not None and exc.__traceback__ is not None:
        import traceback as _tb

        last = _tb.extract_tb(exc.__traceback__)[-1]
        where = f" in {last.filename.replace(chr(92), '/').rsplit('/', 1)[-1]}, line {last.lineno}"
    text = _no_paths(str(exc))[:300] if exc is not None else ""
    return Status.GRADER_ERROR, (f"the check itself failed ({name}{': ' + text if text else ''}{where}). "
                            "This is a problem of the grader, not of your code: tell the course staff.")


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
