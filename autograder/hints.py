"""Naming the slip behind a wrong answer.

A check passes known wrong answers as :class:`Slip` records (computed from
the reference with the slip reproduced, e.g. fan_in and fan_out swapped).
When none matches, :func:`generic_hints` looks for patterns that are common
whatever the function: a constant factor, a flipped sign, a transpose, an
off-by-one shift along the first axis.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Slip:
    """A known wrong answer: ``value`` is what a submission with the slip returns."""

    description: str
    value: object


def name_slips(got: Any, slips: Iterable[Slip], rtol: float = 1e-8, atol: float = 0.0) -> str | None:
    """The hint naming the slips whose values ``got`` matches within (rtol, atol), else None.

    The course's rule for every hint that names a slip: a slip is named only
    when the student's values match that slip's values within the check's
    tolerance. When several slips give the same values on this input, all of
    them are named (the input cannot tell them apart); when none matches, the
    caller's generic message stands.
    """
    found = [s.description for s in slips if matches(got, s.value, rtol=rtol, atol=atol)]
    found = list(dict.fromkeys(found))
    if not found:
        return None
    if len(found) == 1:
        return f"This looks like: {found[0]}."
    return ("This looks like one of these slips (they give the same values here): "
            + "; ".join(f"({i}) {t}" for i, t in enumerate(found, 1)) + ".")


def name_by_mean(sample: Any, candidates: Iterable[tuple[str, float]], z: float = 4.0) -> str | None:
    """The rule above for a random sample: name the candidates whose mean it matches.

    ``candidates`` are (description, mean of a submission with that slip).
    A candidate matches when it lies within ``z`` standard errors of the
    sample's mean, the standard error taken from the sample's own spread (a
    submission with that slip fails to be named with probability about
    2 * norm.sf(z), 6e-5 at z = 4, and a far-off mean is never named).
    """
    x = np.asarray(sample, dtype=np.float64).ravel()
    if x.size < 2 or not np.all(np.isfinite(x)):
        return None
    mean, se = float(x.mean()), float(x.std(ddof=1)) / np.sqrt(x.size)
    found = [(t, mu) for t, mu in candidates
             if np.isfinite(mu) and abs(mean - mu) <= z * se + 1e-9 * abs(mu)]
    if not found:
        return None
    text = "; ".join(f"({i}) {t} (that would give mean {mu:.6g})" for i, (t, mu) in enumerate(found, 1))
    if len(found) == 1:
        text = text[4:]
    return ("This looks like: " if len(found) == 1 else
            "This looks like one of these slips (their means agree with yours): ") + text + "."


def matches(got: Any, value: Any, rtol: float = 1e-8, atol: float = 0.0) -> bool:
    try:
        v = np.asarray(value, dtype=np.float64)
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if g.shape != v.shape:
        return False
    with np.errstate(all="ignore"):
        near = np.isfinite(v) & (np.abs(g - v) <= atol + rtol * np.abs(v))
        return bool(np.all(near | (np.isnan(g) & np.isnan(v)) | (np.isinf(v) & (g == v))))


_FACTORS = [
    (2.0, "Your values are exactly twice the reference: a factor 2 too many (e.g. 2/n where 1/n belongs, or a ReLU's 1/2 dropped)."),
    (0.5, "Your values are exactly half the reference: a factor 2 missing (e.g. He's 2/fan_in, or the 2 in a variance)."),
    (-1.0, "Your values have the right size but the wrong sign."),
    (4.0, "Your values are 4 times the reference: a factor 2 squared?"),
    (0.25, "Your values are a quarter of the reference: a factor 2 missing twice, or squared?"),
    (np.sqrt(2), "Your values are sqrt(2) times the reference: a standard deviation used where a variance belongs, or the reverse?"),
    (1 / np.sqrt(2), "Your values are 1/sqrt(2) times the reference: a standard deviation used where a variance belongs, or the reverse?"),
]


def generic_hints(got: Any, want: Any) -> str | None:
    g = np.asarray(got, dtype=np.float64)
    w = np.asarray(want, dtype=np.float64)
    if g.shape == w.shape and g.size:
        with np.errstate(all="ignore"):
            mask = np.abs(w) > 1e-300
            if mask.any():
                ratio = g[mask] / w[mask]
                if np.all(np.isfinite(ratio)):
                    r0 = np.median(ratio)
                    if np.allclose(ratio, r0, rtol=1e-6, atol=0) and abs(r0 - 1.0) > 1e-4:
                        for c, text in _FACTORS:
                            if np.isclose(r0, c, rtol=1e-6):
                                return text
                        if g.size > 1:  # one number is always "a constant times" another
                            return (f"Your values are the reference times a constant {r0:.6g}: "
                                    "a missing or extra normalisation factor?")
        if g.ndim == 2 and g.shape[0] == g.shape[1] and matches(g.T, w, 1e-8):
            return "Your matrix is the transpose of the expected one."
        if g.ndim == 1 and g.size > 2 and (matches(g[1:], w[:-1], 1e-8) or matches(g[:-1], w[1:], 1e-8)):
            return "Your sequence is the expected one shifted by one place: an off-by-one in the layer or step index."
    return None
