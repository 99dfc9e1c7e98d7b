"""autograder.student: the student side of a check, and why a function is missing."""
import types

import numpy as np
import pytest

from autograder.sandbox.errors import Missing, NotAttempted, Raised
from autograder.student import TrustedStudent, explain_missing


def _module(**fns):
    m = types.ModuleType("sub")
    m.__dict__.update(fns)
    return m


def _stub():
    raise NotImplementedError


def test_a_trusted_module_is_called_with_plain_data_both_ways():
    seen = {}

    def f(x, scale=1):
        seen["x"] = x
        return (x * scale, [1, 2])

    s = TrustedStudent(_module(f=f), timeout=3)
    out = s.f(np.arange(3.0), scale=2)
    assert isinstance(out, tuple) and np.array_equal(out[0], [0.0, 2.0, 4.0]) and out[1] == [1, 2]
    assert isinstance(seen["x"], np.ndarray) and np.array_equal(seen["x"], [0.0, 1.0, 2.0])
    assert s.with_timeout(5).timeout == 5 and s.timeout == 3


def test_missing_stub_and_raising_functions_are_the_students_errors():
    s = TrustedStudent(_module(g=_stub, h=lambda: 1 / 0, k=3))
    with pytest.raises(Missing):
        s.f()
    with pytest.raises(Missing):      # not callable
        s.k()
    with pytest.raises(NotAttempted):
        s.g()
    with pytest.raises(Raised, match="ZeroDivisionError"):
        s.h()
    with pytest.raises(AttributeError):
        s._private


def test_explain_missing_names_a_close_definition():
    text = explain_missing("init_variance", defined=["init_varience", "helper"])
    assert "Did you mean `init_varience`?" in text and "rename yours" in text


def test_explain_missing_points_at_the_cell_that_broke():
    cells = [{"filename": "hw1.ipynb, In [2]", "source": "def init_variance(n):\n    return (\n"}]
    notes = [{"kind": "syntax", "cell": "hw1.ipynb, In [2]", "line": 2, "message": "'(' was never closed (x)",
              "text": "    return ("}]
    text = explain_missing("init_variance", notes=notes, cells=cells)
    assert text.startswith("`init_variance` is not defined: the cell that defines it has a syntax error")
    assert "hw1.ipynb, In [2], line 2" in text and "Next:" in text


def test_explain_missing_otherwise_says_what_to_write():
    assert "Next: write `def f(...)`" in explain_missing("f", defined=["zzz"])
