"""Points, added up in one place.

A score is the sum of the points of the cases that ran (a hidden case that
did not run counts neither in the score nor in the maximum), rounded to six
decimals so that the same results give the same number on every path:
``Report.score``, the notebook's check cells, the gradebook's records and
Gradescope's ``results.json``. Results may be :class:`~autograder.plugin.Result`
objects or their JSON dictionaries.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple, TypeVar

from .status import Status

K = TypeVar("K", bound=Hashable)


class Total(NamedTuple):
    """Points earned and points at stake (``score, max_score = total`` works too)."""

    points: float
    max_points: float


def _get(r: Any, key: str) -> Any:
    return r[key] if isinstance(r, dict) else getattr(r, key)


def ran(results: Iterable[Any]) -> list[Any]:
    """The results of cases that ran."""
    return [r for r in results if Status.of(_get(r, "status")).ran]


def score(results: Iterable[Any]) -> float:
    """Points earned by the cases that ran."""
    return round(sum(float(_get(r, "points")) for r in ran(results)), 6)


def max_score(results: Iterable[Any]) -> float:
    """Points at stake in the cases that ran."""
    return round(sum(float(_get(r, "max_points")) for r in ran(results)), 6)


def total(results: Iterable[Any]) -> Total:
    """:func:`score` and :func:`max_score` of the same results."""
    results = list(results)
    return Total(score(results), max_score(results))


def subtotals(results: Iterable[Any], key: Callable[[Any], K], *, max_of_all: bool = False) -> dict[K, Total]:
    """{``key(result)``: its group's :class:`Total`}, groups in order of first appearance.

    ``max_of_all``: the maximum counts the cases that did not run too (a
    notebook grade cell is worth all its cases' points, run or not).
    """
    groups: dict[K, list[Any]] = {}
    for r in results:
        groups.setdefault(key(r), []).append(r)
    return {k: Total(score(g), round(sum(float(_get(r, "max_points")) for r in g), 6) if max_of_all
                     else max_score(g)) for k, g in groups.items()}
