"""The pytest plugin that turns check modules into graded runs.

:class:`CoursePlugin` is a plugin *object*: :func:`autograder.runner.run`
builds one around a :class:`~autograder.options.RunOptions` and hands it to
``pytest.main(args, plugins=[plugin])``; the run's options are read from it
(never from pytest's command line) and its results are left on it.

Each collected check item carries a ``graded`` mark (function, case,
points, hidden...). The plugin provides the ``student``, ``ref``,
``grader_seed`` and ``device`` fixtures, deselects hidden checks unless
asked (they are reported as not run), and records one :class:`Result` per
item, with a message in the student's terms instead of a traceback. In a
run with hidden checks, a public case keeps its points only next to a
passing hidden case of the same check (:func:`twin_gate`).
"""
from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from .compare import CheckFailure
from .options import RunOptions
from .reference import GraderSetupError, Reference
from .sandbox import Limits, Sandbox
from .sandbox.errors import LoadFailed, StudentError
from .status import Status
from .student import SandboxStudent, TrustedStudent
from .submission import SubmissionError, load_submission

if TYPE_CHECKING:
    from .catalog import Assignment


@dataclass
class Result:
    """The verdict of one graded case. ``status`` is a :class:`Status` (a word given
    here, e.g. from a stored record, is read with :meth:`Status.of`)."""

    id: str
    function: str
    case: str
    passed: bool | None
    points: float
    max_points: float
    status: Status
    message: str = ""
    hidden: bool = False
    call: str = ""
    duration: float = 0.0
    #: the check (test function) the case belongs to: what the twin gate groups by;
    #: the engine's bookkeeping, not part of the report's JSON
    check: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.status, Status):
            self.status = Status.of(self.status)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("check")
        d["status"] = self.status.value
        if self.hidden and self.status is Status.NOT_RUN:
            d.pop("call")            # a hidden check that did not run shows nothing of itself
        return d


def assignment_of(item: pytest.Item) -> str:
    mod = item.module.__name__ if item.module else ""
    m = re.search(r"(?:^|\.)checks\.(hw\d+)(?:\.|$)", mod) or re.search(r"(hw\d+)", mod.rsplit(".", 1)[-1])
    return m.group(1) if m else "hw"


class CoursePlugin:
    """One graded run: its options, its sandbox and reference, and its results.

    Register it with ``pytest.main(args, plugins=[CoursePlugin(options)])``;
    after the run, :attr:`results`, :attr:`load_notes`, :attr:`isolation`,
    :attr:`confinement` and :attr:`student_output` hold what it found.
    """

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.results: list[Result] = []
        self.sandbox: Sandbox | None = None
        self.sandbox_error: BaseException | None = None
        self.refs: dict[str, Reference] = {}
        self.load_notes: list[str] = []
        self.isolation = ""
        self.confinement: dict[str, Any] = {}
        self.student_output = ""
        self._probed: dict[str, str | bool] = {}
        self._items: dict[int, pytest.Item] = {}  # id(result of a passed case) -> its item, for the twin gate

    # -- pytest's configuration -----------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "graded(function, case, points, hidden, ...): a graded check case")
        for n in range(1, 21):
            config.addinivalue_line("markers", f"hw{n}: checks of assignment hw{n}")
        # our messages replace tracebacks; keep pytest's own formatting cheap
        config.option.tbstyle = "native"

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        seeds = self.options.grader_seeds
        if seeds and "grader_seed" in metafunc.fixturenames:
            metafunc.parametrize("grader_seed", range(*seeds), ids=lambda s: f"seed{s}")

    # -- fixtures -------------------------------------------------------------
    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> Any:
        return self.student_for(request.node)

    @pytest.fixture
    def ref(self, request: pytest.FixtureRequest) -> Reference:
        return self.ref_for(request.node)

    @pytest.fixture
    def grader_seed(self, request: pytest.FixtureRequest) -> int:
        return getattr(request, "param", self.options.grader_seed)

    @pytest.fixture
    def device(self) -> str:
        return self.options.device

    # -- collection ---------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        opts = self.options
        keep, drop, modules = [], [], {}
        only = set(opts.functions)
        for item in items:
            mark = item.get_closest_marker("graded")
            if mark is None:
                keep.append(item)
                continue
            modules.setdefault(item.module, assignment_of(item))
            if (only and mark.kwargs["function"] not in only) or \
                    (opts.stochastic_only and not mark.kwargs.get("stochastic")) or \
                    (opts.hidden_only and not mark.kwargs.get("hidden")):
                drop.append(item)
                continue
            item.add_marker(getattr(pytest.mark, assignment_of(item)))
            if mark.kwargs.get("hidden") and not opts.all_checks:
                drop.append(item)
                self.results.append(self._result(item, None, 0.0, Status.NOT_RUN,
                                                 "hidden check: runs at grading time"))
            else:
                keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
        # A student install's check modules have their hidden cases cut out
        # (course/student_dist.py) and list them in HIDDEN_CASES: report them too.
        kw = opts.keyword
        from . import catalog

        for a in dict.fromkeys(modules.values()):
            for cut in catalog.get(a).hidden_cut:
                if (only and cut.function not in only) or (kw and not _keyword_matches(kw, cut.function, cut.case)):
                    continue
                self.results.append(Result(id=f"{a}::{cut.function}::{cut.case}", function=cut.function,
                                           case=cut.case, passed=None, points=0.0, max_points=cut.points,
                                           status=Status.NOT_RUN,
                                           message="hidden check: runs at grading time", hidden=True))

    def _result(self, item: pytest.Item, passed: bool | None, points: float, status: Status, message: str,
                duration: float = 0.0) -> Result:
        m = item.get_closest_marker("graded").kwargs
        a = assignment_of(item)
        return Result(id=f"{a}::{m['function']}::{m['case']}", function=m["function"],
                      case=m["case"], passed=passed, points=points, max_points=m["points"],
                      status=status, message=message, hidden=m["hidden"], call=m.get("call", ""),
                      duration=duration, check=getattr(item, "originalname", "") or item.name)

    # -- student and reference ----------------------------------------------
    def student_for(self, item: pytest.Item) -> _Watched:
        opts = self.options
        mark = item.get_closest_marker("graded")
        timeout = opts.call_timeout or (mark.kwargs.get("timeout") if mark else None) \
            or getattr(item.module, "CALL_TIMEOUT", None) or _assignment(item).call_timeout
        trusted = opts.trusted
        if trusted:
            return _Watched(TrustedStudent(importlib.import_module(trusted), timeout), item)
        if self.sandbox_error is not None:
            raise self.sandbox_error.with_traceback(None)
        if self.sandbox is None:
            path = opts.submission
            if not path:
                raise GraderSetupError("no submission given: pass run_checks(assignment, PATH), or trusted=MODULE")
            try:
                sub = load_submission(path)
            except SubmissionError as exc:     # the student's file, not the grader
                self.sandbox_error = LoadFailed(f"your file could not be read: {exc}")
                raise self.sandbox_error.with_traceback(None) from None
            self.load_notes = list(sub.notes)
            limits = Limits(threads=opts.threads, gpu_memory_fraction=opts.gpu_memory_fraction)
            self.sandbox = Sandbox(sub.cells, limits=limits, mask=list(opts.mask), device=opts.device)
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

    def ref_for(self, item: pytest.Item) -> Reference:
        a = assignment_of(item)
        if a not in self.refs:
            self.refs[a] = Reference(a, self.options.ref_mode.value)
        return self.refs[a]

    # -- results --------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]):
        outcome = yield
        rep = outcome.get_result()
        mark = item.get_closest_marker("graded")
        if mark is None:
            return
        if rep.when == "call" or (rep.when == "setup" and rep.failed):
            if rep.passed:
                res = self._result(item, True, mark.kwargs["points"], Status.PASSED, "", rep.duration)
                self.results.append(res)
                self._items[id(res)] = item
                return
            exc = call.excinfo.value if call.excinfo else None
            status, message = describe_failure(exc, call.excinfo, getattr(item, "_course_values", None))
            if rep.skipped:
                status, message = Status.SKIPPED, str(getattr(exc, "msg", exc))
            elif status in (Status.FAILED, Status.RAISED):
                message = self._blame_dependencies(item, mark.kwargs["function"], exc, message)
            res = self._result(item, False, 0.0, status, message, rep.duration)
            self.results.append(res)
            if rep.failed:
                rep.longrepr = f"{res.id}: {res.call}\n{message}"

    # -- a failing function that the failing one calls ----------------------------
    def _blame_dependencies(self, item: pytest.Item, function: str, exc: BaseException | None,
                            message: str) -> str:
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

    def _function_fails(self, item: pytest.Item, function: str) -> str | bool:
        """False, "wrong" (a check fails) or "missing" (not written) for a dependency."""
        if function in self._probed:
            return self._probed[function]
        self._probed[function] = False        # no cycles
        specs = [s for s in _assignment(item).checks if s.function == function and not s.stochastic]
        hidden_ok = self.options.all_checks
        student, ref = self.student_for(item), self.ref_for(item)
        seed = self.options.grader_seed
        fails = False
        from .sandbox.errors import Missing, NotAttempted
        for spec in specs:
            params = inspect.signature(spec.fn).parameters
            for r in spec.resolved:
                if r.hidden and not hidden_ok:
                    continue
                kwargs = {"student": student, "ref": ref, "case": r.case, "grader_seed": seed,
                          "device": self.options.device}
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

    def _explain_gated(self, result: Result, text: str) -> str | None:
        """A gated case's message naming a failing dependency (as for any failure), or None."""
        item = self._items.get(id(result))
        if item is None:
            return None
        try:
            blamed = self._blame_dependencies(item, result.function, None, text)
        except Exception:  # noqa: BLE001 - the probe failing must not turn into a grader error
            return None
        return blamed if blamed != text else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.options.all_checks and not self.options.grader_seeds:
            twin_gate(self.results, self._explain_gated)
        if self.sandbox is not None:
            self.sandbox.stop()
            self.student_output = self.sandbox.student_output()
        if self.options.ref_mode.records:
            for ref in self.refs.values():
                ref.save(self.options.record_to)


#: verdicts that judged the student's code (a hidden case that was skipped, did
#: not run or hit a grader error says nothing about it)
_JUDGED = frozenset(s for s in Status if s.judged)


def twin_gate(results: list[Result],
              explain: Callable[[Result, str], str | None] | None = None) -> list[Result]:
    """Withdraw the points of public cases whose check fails on every hidden input.

    In a run with hidden checks, a public case that passed keeps its points
    only if at least one hidden case of the same check (same graded function,
    same check declaration, i.e. the same aspect) passed too. A check with no
    hidden case, or whose hidden cases did not run (deselected, skipped, a
    grader error), is not gated. A gated case becomes a failure with 0 points
    and says why. This is what makes the public reference values that ship
    with the student package (autograder/fixtures/) worthless for grading: a
    file that returns them for the published inputs passes the public cases
    and nothing else. ``explain(result, text)``, if given, may return the
    message with more said (the engine names a failing dependency), else
    None. Changes ``results`` in place; returns the gated ones.
    """
    groups: dict = {}
    for r in results:
        if r.hidden and r.check and Status.of(r.status) in _JUDGED:
            groups.setdefault((r.function, r.check), []).append(r)
    gated = []
    for r in results:
        twins = groups.get((r.function, r.check)) if not r.hidden and r.passed else None
        if not twins or any(t.passed for t in twins):
            continue
        n = len(twins)
        r.passed, r.points, r.status = False, 0.0, Status.FAILED
        text = (f"passes on the published input, but this check of `{r.function}` fails on "
                f"{'its hidden input' if n == 1 else f'all {n} of its hidden inputs'} (see the hidden "
                "results of the same check). A public case earns its points only when the same check "
                "also passes on at least one input that was not published: a result right on the "
                "published inputs only (where a slip may cancel out, or values looked up) does not "
                f"show that `{r.function}` works.")
        r.message = (explain(r, text) if explain else None) or \
            (f"{text} Next: fix what the hidden results of this check point to, and test "
             f"`{r.function}` on inputs of your own, not only the published ones.")
        gated.append(r)
    return gated


def _assignment(item: pytest.Item) -> Assignment:
    from . import catalog

    return catalog.get(assignment_of(item))


def _dependencies(graph: dict[str, Iterable[str]], function: str) -> list[str]:
    """The graded functions ``function`` calls, transitively, from the assignment's DEPENDS."""
    out, todo = [], list(graph.get(function, ()))
    while todo:
        d = todo.pop(0)
        if d != function and d not in out:
            out.append(d)
            todo.extend(graph.get(d, ()))
    return out


def _keyword_matches(expr: str, *names: str) -> bool:
    """``-k EXPR`` on a case that is not a pytest item: substrings of its names, as pytest does."""
    try:
        from _pytest.mark.expression import Expression

        return Expression.compile(expr).evaluate(
            lambda sub, /, **kw: not kw and any(sub.lower() in n.lower() for n in names))
    except Exception:  # noqa: BLE001 - pytest's private API changed: do not filter
        return True


class Undigestible(StudentError):
    """What the submission sent back cannot be read as a value (nested too deeply...)."""

    status = Status.FAILED


class _Watched:
    """The ``student`` fixture: calls go through, and each returned value is
    remembered on the test item, so that a check that cannot digest it (a huge
    int, deep nesting, an odd dtype) fails the student's check, not the grader."""

    def __init__(self, inner: SandboxStudent | TrustedStudent | _Watched, item: pytest.Item) -> None:
        self._inner = inner
        self._item = item
        self.timeout = inner.timeout

    def call(self, fn: str, *args: Any, **kwargs: Any) -> Any:
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

    def with_timeout(self, timeout: float | None) -> _Watched:
        return _Watched(self._inner.with_timeout(timeout), self._item)

    def __getattr__(self, fn: str) -> Callable[..., Any]:
        if fn.startswith("_"):
            raise AttributeError(fn)
        return lambda *a, **k: self.call(fn, *a, **k)


#: exceptions a check raises when a returned value is not what it can digest
_VALUE_ERRORS = (ArithmeticError, RecursionError, MemoryError, ValueError, TypeError, AttributeError,
                 IndexError, KeyError)


def odd_value(value: object, depth: int = 0, budget: list[int] | None = None) -> str:
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


def describe_failure(exc: BaseException | None, excinfo: object = None,
                     values: Iterable[tuple[str, Any]] | None = None) -> tuple[Status, str]:
    """(status, message) of a failed check: the student's words, no grader traceback or path."""
    if isinstance(exc, CheckFailure):
        return Status.FAILED, exc.message
    if isinstance(exc, StudentError):
        return Status.of(exc.status), exc.describe()
    if isinstance(exc, GraderSetupError):
        return Status.SETUP_ERROR, _no_paths(str(exc))
    if isinstance(exc, AssertionError):
        return Status.FAILED, str(exc) or "assertion failed"
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
            return Status.FAILED, (f"`{fn}` returned {what}, which the check cannot compare with the "
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
