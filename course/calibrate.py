"""Calibration: run every statistical check on the reference over many grader seeds.

A correct submission must fail a statistical check with probability at most
its stated ``ffp``. Running the reference as the student over N grader seeds
counts the failures; with ffp <= 1e-4 and N = 200, any failure at all is a
sign of a mis-calibrated threshold (the chance of one or more is <= 2 %).
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

import click

from autograder import catalog
from autograder.runner import run_checks


def calibrate(assignment, seeds=200, start=0):
    """Returns (runs per check, failures per check, failing results)."""
    info = catalog.get(assignment)
    if not info.stochastic:
        return Counter(), Counter(), []
    rep = run_checks(assignment, trusted=f"solutions.{assignment}", hidden=True,
                     grader_seeds=(start, start + seeds), stochastic_only=True)
    runs, fails = Counter(), Counter()
    bad = []
    for r in rep.ran:
        key = f"{r.function}::{r.case}"
        runs[key] += 1
        if not r.passed:
            fails[key] += 1
            bad.append(r)
    return runs, fails, bad


def calibrate_all(*, assignments: Sequence[str], seeds: int = 200) -> int:
    """``course calibrate``: count each statistical check's failures on the reference; exit 1 if any."""
    total_fail = 0
    for a in assignments:
        t0 = time.perf_counter()
        runs, fails, bad = calibrate(a, seeds)
        for key in sorted(runs):
            click.echo(f"{a} {key}: {fails[key]} failures in {runs[key]} seeds")
        for r in bad[:5]:
            click.echo(f"  {r.id}: {r.message.splitlines()[0][:200]}")
        total_fail += sum(fails.values())
        click.echo(f"{a}: {sum(runs.values())} runs, {sum(fails.values())} failures, "
                   f"{time.perf_counter() - t0:.1f} s")
    return 1 if total_fail else 0
