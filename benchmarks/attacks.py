"""What a submission that implements nothing scores at grading time.

    python benchmarks/attacks.py [hw1 hw2 ...] [--json FILE]

For each assignment (default: every one in the catalog), grades with the
hidden checks (`run_checks(hw, path, hidden=True)`, as `course grade` does)
two submissions of tests/hostile/attacks.py:

  raise     every graded function raises NotImplementedError
  replay    every graded function returns the public fixtures' recorded
            reference value for its call (autograder/fixtures/hwN.json, which
            the student package ships), and raises for any other call

and prints their scores, the limit (raise + 5% of the assignment's total, the
bound the replay must stay under) and the totals; then the same two with
ValueError for NotImplementedError (which passes the "rejects bad input"
checks: a replay that raises ValueError for what it has not recorded). Not a test
(tests/test_attacks.py asserts the bound); about a minute per assignment on a
2-core machine.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "hostile")]

import attacks  # noqa: E402

from autograder import catalog  # noqa: E402
from autograder.runner import run_checks  # noqa: E402

SHARE = 0.05   # the replay may score at most raise-everywhere + 5% of the total


def measure(hw, directory, exception="NotImplementedError"):
    out = {}
    for kind in attacks.KINDS:
        rep = run_checks(hw, attacks.write(hw, kind, directory, exception), hidden=True)
        out[kind] = rep.score
        out["max"] = rep.max_score
    out["limit"] = round(out["raise_everywhere"] + SHARE * out["max"], 6)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("assignments", nargs="*", default=None)
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)
    hws = args.assignments or list(catalog.ids())
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for exception in ("NotImplementedError", "ValueError"):
            print(f"raising {exception}:")
            print(f"{'':6} {'raise':>8} {'replay':>8} {'limit':>8} {'total':>8}  {'':4} {'sec':>5}")
            rows = {}
            for hw in hws:
                t0 = time.perf_counter()
                r = rows[hw] = measure(hw, d, exception)
                flag = "OVER" if r["fixture_replay"] > r["limit"] + 1e-9 else "ok"
                print(f"{hw:6} {r['raise_everywhere']:8.2f} {r['fixture_replay']:8.2f} {r['limit']:8.2f} "
                      f"{r['max']:8.2f}  {flag:4} {time.perf_counter() - t0:5.0f}", flush=True)
            tot = {k: round(sum(r[k] for r in rows.values()), 6)
                   for k in ("raise_everywhere", "fixture_replay", "limit", "max")}
            print(f"{'total':6} {tot['raise_everywhere']:8.2f} {tot['fixture_replay']:8.2f} {tot['limit']:8.2f} "
                  f"{tot['max']:8.2f}  {'OVER' if tot['fixture_replay'] > tot['limit'] + 1e-9 else 'ok'}\n")
            out[exception] = {"assignments": rows, "total": tot}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
