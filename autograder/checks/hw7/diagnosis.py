"""Comparing hw7's flow times: NaN, 0 and inf where the theory puts them, then the values."""
import numpy as np

from autograder.api import close, expect_array, expect_scalar, fail

from autograder.checks.hw7.theory import unreachable_reason


def _arr(x):
    return np.asarray(x, dtype=np.float64)


def unwrap_scalar(got, want):
    """For scalar inputs accept a 0-d array (np.vectorize returns one). The
    sandbox's transport turns 0-d arrays into shape (1,), so a size-1 array is
    taken as the number it holds when the reference returned a number."""
    if not isinstance(want, np.ndarray) and isinstance(got, np.ndarray) and got.size == 1:
        return got.reshape(())[()]
    return got


def compare_times(got, want, s, u0, uf, rtol, slips=(), name="t"):
    """Flow times: NaN where uf is unreachable, 0 at uf == u0, inf (or NaN) at
    uf == s, then an elementwise comparison, with a pointed message for each."""
    __tracebackhide__ = True
    w = _arr(want)
    got = unwrap_scalar(got, want)
    if isinstance(want, np.ndarray):
        g = expect_array(got, w.shape, name).astype(np.float64).copy()
    else:
        g = np.array(float(expect_scalar(got, name)))
    S, U0, UF = (np.broadcast_to(_arr(x), w.shape) for x in (s, u0, uf))
    at = lambda mask: tuple(int(i) for i in np.argwhere(mask)[0])  # noqa: E731
    where = lambda i: f"s={S[i]:.6g}, u0={U0[i]:.6g}, uf={UF[i]:.6g}"  # noqa: E731
    bad = np.isnan(w) & ~np.isnan(g)
    if bad.any():
        i = at(bad)
        fail(f"{name} at {where(i)} is {g[i]:.6g}, but uf is not reachable from u0: "
             f"{unreachable_reason(S[i], U0[i], UF[i])}. Next: return nan when uf does not lie "
             "between u0 and s (see 'Which end points can a mode reach?').")
    limit = np.isposinf(w)
    bad = limit & ~(np.isposinf(g) | np.isnan(g))
    if bad.any():
        i = at(bad)
        fail(f"{name} at {where(i)} is {g[i]:.6g}: uf = s is approached only as t -> infinity. "
             "Next: return inf there (nan is accepted too).")
    g[limit] = np.inf
    bad = (w == 0) & (g != 0)
    if bad.any():
        i = at(bad)
        fail(f"{name} at {where(i)} is {g[i]:.6g}, expected 0.0: going from u0 to uf = u0 takes no "
             "time" + (" (0/0 at u0 = 0 or u0 = s gives nan: treat uf == u0 first)"
                       if np.isnan(g[i]) else "") + ".")
    close(g if isinstance(want, np.ndarray) else float(g), want, rtol=rtol, slips=slips, name=name)
