"""Comparison primitives for checks.

Each raises :class:`CheckFailure` with a message a student can act on: what
was expected, what came back, how far off and where, the known slip it looks
like (if any), and what to do next. Modelled on ``numpy.testing``'s
``assert_allclose`` message, with the course's context added by the plugin.
"""
from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from .hints import Slip, generic_hints, name_slips
from .sandbox.codec import Opaque


class CheckFailure(AssertionError):
    """A check's verdict: the submission is wrong (not a grader error).

    ``advice`` is the tail of ``message`` that names a slip or says what to
    change (empty when the check did not mark it); ``body`` is the rest,
    the plain facts. The engine drops the advice when a failing dependency
    is the likely cause (plugin.py).
    """

    def __init__(self, message: str, advice: str = ""):
        super().__init__(message)
        self.message = message
        self.advice = advice if advice and message.endswith(advice) else ""

    @property
    def body(self) -> str:
        if self.advice:
            return self.message[:-len(self.advice)].rstrip()
        cut = [i for i in (self.message.find("This looks like"), self.message.find("Next:")) if i > 0]
        return self.message[:min(cut)].rstrip() if cut else self.message


def fail(message: str, advice: str = "") -> NoReturn:
    """Fail the current check with ``message`` followed by ``advice`` (slip named, next step)."""
    __tracebackhide__ = True
    if advice:
        message = message.rstrip() + (" " if "\n" not in advice[:1] else "") + advice
    raise CheckFailure(message, advice)


def _fmt(x, limit=6):
    if isinstance(x, int) and not isinstance(x, bool) and not _fits_float(x):
        return f"<an integer of about {_digits(x)} digits>"
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=6, threshold=limit, edgeitems=3, linewidth=100):
            return np.array2string(x, separator=", ")
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.10g}"
    return repr(x)[:200]


def _fits_float(n: int) -> bool:
    return abs(n).bit_length() <= 1024 and abs(n) < 2**1024 - 2**970


def _digits(n: int) -> int:
    """Decimal digits of ``n``, without turning a huge int into a string."""
    return max(1, int(abs(n).bit_length() * 0.30103) + 1)


def _type_name(x):
    if isinstance(x, Opaque):
        return f"an object of type {x.type_name}"
    if isinstance(x, np.ndarray):
        return f"an ndarray of shape {x.shape} and dtype {x.dtype}"
    return f"a {type(x).__name__}"


def expect_array(got: Any, shape: Sequence[int] | None = None, name: str = "result",
                 dtype: str | None = "float") -> np.ndarray:
    """``got`` must be an ndarray (of float64 by default) with ``shape``."""
    __tracebackhide__ = True
    if isinstance(got, (list, tuple)) and not isinstance(got, Opaque):
        fail(f"{name} is {_type_name(got)}, expected a NumPy array. "
             "Next: return np.asarray(...) of float64.")
    if not isinstance(got, np.ndarray):
        fail(f"{name} is {_type_name(got)}, expected a NumPy array"
             + (f" of shape {shape}" if shape is not None else "") + ".")
    if got.dtype.kind not in "biufc":
        fail(f"{name} has dtype {got.dtype}, expected float64 numbers.")
    if dtype == "float":
        if got.dtype.kind == "f" and got.dtype.itemsize > 8:
            fail(f"{name} has dtype {got.dtype} (extended precision), expected float64. "
                 "Next: compute in float64 (np.float64).")
        if got.dtype in (np.float32, np.float16):
            fail(f"{name} has dtype {got.dtype}, expected float64: single precision loses "
                 "the digits the check needs. Next: compute in float64 (np.float64, or "
                 "torch.float64 / .double()).")
        if got.dtype.kind == "c":
            fail(f"{name} is complex ({got.dtype}); expected real float64 values.")
    if shape is not None and tuple(got.shape) != tuple(shape):
        msg = f"{name} has shape {got.shape}, expected {tuple(shape)}."
        if got.ndim == len(shape) == 2 and tuple(got.shape[::-1]) == tuple(shape):
            msg += " It looks transposed."
        elif got.ndim == len(shape) == 1 and abs(got.shape[0] - shape[0]) == 1:
            msg += " Off by one: check where your layer index starts and stops (l = 1..L+1?)."
        elif got.size == int(np.prod(shape)):
            msg += " Same number of entries: reshape or squeeze?"
        fail(msg)
    return got


def expect_scalar(got: Any, name: str = "result", integer: bool = False) -> numbers.Real:
    """``got`` must be a real number (Python or NumPy scalar, or a 0-d array)."""
    __tracebackhide__ = True
    if isinstance(got, np.ndarray):
        if got.ndim != 0 and got.size != 1:
            fail(f"{name} is an array of shape {got.shape}, expected a single number.")
        if got.ndim != 0:
            fail(f"{name} is an array of shape {got.shape}, expected a plain number. "
                 "Next: return float(...) (or .item()).")
        got = got[()]
    if isinstance(got, (bool, np.bool_)):
        fail(f"{name} is a bool ({got}), expected a number.")
    if isinstance(got, np.floating) and got.dtype in (np.float32, np.float16):
        fail(f"{name} is {got.dtype}, expected float64. Next: compute in float64.")
    if isinstance(got, np.floating) and got.dtype.itemsize > 8:
        fail(f"{name} is {got.dtype} (extended precision), expected float64. Next: compute in float64.")
    if not isinstance(got, numbers.Real):
        fail(f"{name} is {_type_name(got)}, expected a number.")
    if isinstance(got, int) and not integer and not _fits_float(got):
        fail(f"{name} is an integer of about {_digits(got)} digits, too large for a float64 "
             "(the largest is about 1.8e308). Next: return a float (np.float64) in the range the "
             "quantity can take.")
    if integer and not isinstance(got, numbers.Integral):
        fail(f"{name} is {_type_name(got)} ({got!r}), expected an int.")
    return got


def expect_int(got: Any, name: str = "result", python_int: bool = False) -> numbers.Integral:
    __tracebackhide__ = True
    if python_int and type(got) is not int:
        fail(f"{name} is {_type_name(got)}, expected an exact Python int "
             "(NumPy integers overflow and floats round). Next: use int arithmetic "
             "(math.comb, integer division).")
    return expect_scalar(got, name, integer=True)


def expect_sequence(got: Any, length: int, name: str = "result") -> tuple | list:
    """A tuple (or list) of ``length`` items."""
    __tracebackhide__ = True
    if not isinstance(got, (tuple, list)):
        fail(f"{name} is {_type_name(got)}, expected a tuple of {length} items.")
    if len(got) != length:
        fail(f"{name} has {len(got)} items, expected {length}.")
    return got


def expect_raises(call: Callable[..., Any], exc_type: type[BaseException] | str, *args: Any,
                  slips: Sequence[Slip] = (), **kwargs: Any) -> None:
    """``call(*args, **kwargs)`` must raise ``exc_type`` (by name, in the sandbox).

    A returned value that matches one of ``slips`` (exactly, to 1e-8) names it.
    """
    __tracebackhide__ = True
    from .sandbox.errors import Raised, StudentError

    name = exc_type if isinstance(exc_type, str) else exc_type.__name__
    try:
        value = call(*args, **kwargs)
    except Raised as err:
        if err.exc_type == name:
            return
        fail(f"expected {name}, but your code raised {err.exc_type}: {err.message}")
    except StudentError:
        raise
    hint = name_slips(value, slips) if slips else None
    if hint:
        fail(f"expected {name} to be raised, but it returned {_fmt(value)}. {hint} "
             f"Next: fix that, and `raise {name}(...)` where no valid answer exists.")
    fail(f"expected {name} to be raised, but it returned {_fmt(value)}. "
         f"Next: validate the arguments and `raise {name}(...)`.")


#: what a seeded function's determinism check advises by default
RNG_ADVICE = ("Next: draw only from np.random.default_rng(seed), never from the global state or an "
              "unseeded generator.")


def _same(a: Any, b: Any, rtol: float, nan_equal: bool = True) -> bool:
    """Equal values (to ``rtol``; 0: exactly), through nested tuples and lists of arrays.

    ``nan_equal``: NaN in the same places counts as equal (the same seed gave
    the same NaN); without it NaN equals nothing.
    """
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        if not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))) or len(a) != len(b):
            return False
        return all(_same(x, y, rtol, nan_equal) for x, y in zip(a, b))
    try:
        x, y = np.asarray(a), np.asarray(b)
        if x.shape != y.shape:
            return False
        floats = x.dtype.kind in "fc" and y.dtype.kind in "fc"
        if rtol == 0 or x.dtype.kind not in "fc" and y.dtype.kind not in "fc":
            return bool(np.array_equal(x, y, equal_nan=floats and nan_equal))
        return bool(np.allclose(x, y, rtol=rtol, atol=0.0, equal_nan=nan_equal))
    except (TypeError, ValueError):
        return bool(a == b)


def expect_reproducible(first: Any, again: Any, what: str = "results", *, advice: str = RNG_ADVICE,
                        rtol: float = 0.0) -> None:
    """Two calls with the same seed must give the same ``what`` (exactly, or to ``rtol``).

    The message is "two calls with the same seed gave different {what}. {advice}".
    """
    __tracebackhide__ = True
    if not _same(first, again, rtol):
        fail(f"two calls with the same seed gave different {what}.", advice=advice)


def expect_seed_used(first: Any, other: Any, what: str = "results", *, message: str | None = None,
                     rtol: float = 0.0) -> None:
    """Another seed must give other ``what``: equal values mean the seed is ignored.

    The message is "seeds differing by 1 gave identical {what}: the seed is ignored
    (or nothing is random)." unless ``message`` replaces it.
    """
    __tracebackhide__ = True
    # NaN equals nothing here: an output of NaN is not "the seed is ignored" (other checks say what it is)
    if _same(first, other, rtol, nan_equal=False):
        fail(message or f"seeds differing by 1 gave identical {what}: the seed is ignored "
                        "(or nothing is random).")


def _as_float_array(x):
    if isinstance(x, np.ndarray):
        return x.astype(np.float64) if x.dtype.kind in "biuf" else x
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        return np.asarray(float(x))
    return None


def close(got: Any, want: Any, rtol: float = 1e-10, atol: float = 0.0, slips: Sequence[Slip] = (),
          name: str = "result", shape_strict: bool = True) -> Any:
    """Elementwise ``|got - want| <= atol + rtol * |want|``, NaN only where want is NaN.

    ``got`` must have the type of ``want``: an ndarray for an ndarray
    (float64 for float), a number for a number. Known wrong answers in
    ``slips`` are named when ``got`` matches one of them.
    """
    __tracebackhide__ = True
    want_arr = np.asarray(want, dtype=np.float64)
    if isinstance(want, np.ndarray):
        got = expect_array(got, want.shape if shape_strict else None, name)
        with np.errstate(all="ignore"):
            g = got.astype(np.float64)
        if g.shape != want_arr.shape:
            try:
                g = np.broadcast_to(g, want_arr.shape)
            except ValueError:
                fail(f"{name} has shape {got.shape}, expected {want_arr.shape}.")
    else:
        got = expect_scalar(got, name)
        with np.errstate(all="ignore"):
            g = np.asarray(float(got))
    bad_nan = np.isnan(g) & ~np.isnan(want_arr)
    bad_inf = np.isinf(g) & ~np.isinf(want_arr)
    if bad_nan.any() or bad_inf.any():
        where = np.argwhere(bad_nan | bad_inf)
        first = tuple(int(i) for i in where[0]) if where.size else ()
        fail(f"{name} contains {'NaN' if bad_nan.any() else 'inf'} "
             f"({int((bad_nan | bad_inf).sum())} entries, first at index {first}), where the "
             f"reference is finite ({_fmt(want_arr[first] if first else want_arr)}). "
             "Next: look for 0/0, log of 0 or overflow (work in logs, or clip).")
    ok, report = _compare(g, want_arr, rtol, atol)
    if ok:
        return got
    lines = [f"{name} differs from the reference beyond rtol={rtol:g}, atol={atol:g}."]
    window = _window(g, want_arr, rtol, atol) if isinstance(want, np.ndarray) else None
    if window is None:
        lines += [f"  expected: {_fmt(want if not isinstance(want, np.ndarray) else want_arr)}",
                  f"  got:      {_fmt(got if not isinstance(got, np.ndarray) else g)}"]
    else:
        lines += window
    lines.append("  " + report)
    hint = name_slips(g, slips, rtol=max(rtol, 1e-8), atol=atol)
    if hint is None:
        hint = generic_hints(g, want_arr)
    if not hint:
        hint = "Next: test your function on a small case you can work out by hand."
    fail("\n".join(lines), advice="\n  " + hint)


def _window(g, w, rtol, atol, width=7):
    """Lines showing the entries around the largest error of a long 1-d array (None: show it all).

    A summarised preview ([0., 0., 0., ..., 0.]) shows only the ends, which
    say nothing when the error sits in the middle (a density that is 0 at
    both ends, a curve that differs inside).
    """
    if g.ndim == 0 or g.ndim > 2 or (g.ndim == 1 and g.size <= width) or (g.ndim == 2 and g.size <= 36):
        return None
    with np.errstate(all="ignore"):
        err = np.abs(g - w)
        bad = ~(err <= atol + rtol * np.abs(w)) & ~(np.isnan(g) & np.isnan(w))
    err = np.where(bad & np.isfinite(err), err, 0.0)
    idx = np.unravel_index(int(np.argmax(err)), err.shape)
    i = idx[-1]
    n = g.shape[-1]
    lo = max(0, min(i - width // 2, n - width))
    hi = min(lo + width, n)
    if g.ndim == 1:
        where = f"entries {lo}..{hi - 1} of {n}, around the largest error at index {i}"
        rows = (w[lo:hi], g[lo:hi])
    else:
        where = (f"row {idx[0]} of {g.shape[0]}, columns {lo}..{hi - 1} of {n}, around the "
                 f"largest error at index {tuple(int(k) for k in idx)}")
        rows = (w[idx[0], lo:hi], g[idx[0], lo:hi])
    return [f"  expected [{where}]: {_fmt(rows[0], limit=width)}",
            f"  got      [{where}]: {_fmt(rows[1], limit=width)}"]


def _compare(g, w, rtol, atol):
    with np.errstate(all="ignore"):
        both_nan = np.isnan(g) & np.isnan(w)
        same_inf = np.isinf(g) & np.isinf(w) & (np.sign(g) == np.sign(w))
        err = np.abs(g - w)
        tol = atol + rtol * np.abs(w)
        # an infinite reference is matched only by the same infinity (inf <= inf + rtol inf
        # would accept any value there)
        bad = ~(both_nan | same_inf | (np.isfinite(w) & (err <= tol)))
    if not bad.any():
        return True, ""
    err = np.where(bad, err, 0.0)
    idx = np.unravel_index(int(np.nanargmax(err)), err.shape) if err.ndim else ()
    with np.errstate(all="ignore"):
        rel = err / np.abs(w)
    rel = np.where(bad & np.isfinite(rel), rel, 0.0)
    msg = (f"mismatch in {int(bad.sum())} of {bad.size} entries; max abs error "
           f"{float(err[idx]):.3g}" + (f" at index {tuple(int(i) for i in idx)}" if idx else "")
           + f", max rel error {float(np.max(rel)):.3g}")
    return False, msg


__all__ = ["CheckFailure", "Slip", "fail", "close", "expect_array", "expect_scalar",
           "expect_int", "expect_sequence", "expect_raises"]
