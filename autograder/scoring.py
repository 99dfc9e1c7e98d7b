"""Points, added up in one place.

A score is the sum of the points of the cases that ran (a hidden case that
did not run counts neither in the score nor in the maximum), rounded to six
decimals so that the same results give the same number on every path:
``Report.score``, the notebook's check cells, the gradebook's records and
Gradescope's ``results.json``. Results may be :class:`~autograder.plugin.Result`
objects or their JSON dictionaries.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .status import Status


def _get(r: Any, key: str):
    return r[key] if isinstance(r, dict) else getattr(r, key)


def ran(results: Iterable[Any]) -> list:
    """The results of cases that ran."""
    return [r for r in results if Status.of(_get(r, "status")).ran]


def score(results: Iterable[Any]) -> float:
    """Points earned by the cases that ran."""
    return round(sum(float(_get(r, "points")) for r in ran(results)), 6)


def max_score(results: Iterable[Any]) -> float:
    """Points at stake in the cases that ran."""
    return round(sum(float(_get(r, "max_points")) for r in ran(results)), 6)
