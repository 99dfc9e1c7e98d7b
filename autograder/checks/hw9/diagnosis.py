"""Hint wording shared by hw9's statistical checks (the known wrong answers' values are
hidden helpers in ``slipgen.py``, reached as ``ref.slipgen.name(...)``)."""

from collections.abc import Sequence

import numpy as np

from autograder.api import name_by_mean


def named_by_mean(sample: np.ndarray, candidates: Sequence[tuple[str, float]]) -> str:
    """"This looks like: ... " (with a trailing space) when the sample's mean fits one of the
    candidates' means within 5 standard errors, else ""."""
    text = name_by_mean(sample, candidates, z=5.0)
    return (text + " ") if text else ""
