"""Throughput of `course grade` against `nbgrader autograde` on the same submissions.

    python benchmarks/grade_throughput.py [--n 60] [--assignment hw1] [--keep DIR]

Builds N student notebooks of the assignment from its known submissions
(tests/submissions/hwN: correct ones, wrong ones with one slip each, and
every fifth one broken: a syntax error, an ImportError at the top, a missing
function, a function left as the release stub), in an nbgrader course folder
released from the course's own notebook (built as `course build` does, then
`nbgrader generate_assignment`, with the course's nbgrader_config.py). Experiment cells are emptied, which only
helps nbgrader (course grade skips them anyway).

Then, one run each, wall time including each command's start-up:
  1. `course grade hwN submitted --workers 1`
  2. `course grade hwN submitted --workers 2`      (fresh results folder)
  3. `nbgrader autograde hwN`                       (the course's config:
     no kernel; each notebook is graded once in the sandbox, like one
     `course grade` worker, and nbgrader writes the gradebook)
and prints the times, the ratios, and whether both gave every student the
same score. Not a test: minutes on a 2-core machine.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BROKEN = ["syntax error", "import error", "missing function", "stub left"]


def break_code(code: str, kind: str, functions) -> str:
    if kind == "syntax error":
        return code.replace(f"def {functions[-1]}(", f"def {functions[-1]}((", 1)
    if kind == "import error":
        return "import numpy_but_misspelled as np\n" + code
    if kind == "missing function":
        return code.replace(f"def {functions[2]}(", f"def _unused_{functions[2]}(", 1)
    if kind == "stub left":
        return code + (f"\n\ndef {functions[0]}(*args, **kwargs):\n"
                       "    # YOUR CODE HERE\n    raise NotImplementedError()\n")
    raise ValueError(kind)


def make_submissions(hw, n):
    from autograder import catalog

    functions = list(catalog.get(hw).functions)
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import known_submissions, materialise

    tmp = Path(tempfile.mkdtemp(prefix="throughput-known-"))
    known = [materialise(*p.values, tmp) for p in known_submissions() if p.values[0] == hw]
    subs = []
    for i in range(n):
        src = known[i % len(known)]
        code = src.read_text()
        kind = src.stem
        if i % 5 == 4:
            b = BROKEN[(i // 5) % len(BROKEN)]
            code, kind = break_code(code, b, functions), f"{kind} + {b}"
        subs.append((f"student{i:03d}", f"# submission of student{i:03d}\n{code}", kind))
    return subs


def fill(release_nb: Path, code: str) -> str:
    """The student's notebook: their code in the first solution cell, the others emptied."""
    nb = json.loads(release_nb.read_text())
    first = True
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        if cell["cell_type"] == "code" and meta.get("nbgrader", {}).get("solution"):
            cell["source"] = code if first else "# (written in the first cell)\n"
            first = False
        elif "course:skip" in meta.get("tags", []):
            cell["source"] = "pass"
    return json.dumps(nb)


def timed(cmd, cwd, log):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    log.write_text(proc.stdout + "\n" + proc.stderr)
    return dt, proc.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--assignment", default="hw1")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    hw, n = args.assignment, args.n
    work = args.keep or Path(tempfile.mkdtemp(prefix="grade-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    from course.release import nbgrader, write_config

    nbdir = work / "nbgrader-course"
    shutil.rmtree(nbdir, ignore_errors=True)
    (nbdir / "source" / hw).mkdir(parents=True)
    write_config(nbdir)
    from course.build import notebook_text

    (nbdir / "source" / hw / f"{hw}.ipynb").write_text(notebook_text(hw))
    t0 = time.perf_counter()
    nbgrader(nbdir, "generate_assignment", hw, "--force")
    print(f"setup: nbgrader generate_assignment {time.perf_counter() - t0:.1f} s (not counted)")
    release = nbdir / "release" / hw / f"{hw}.ipynb"
    subs = make_submissions(hw, n)
    for student, code, _ in subs:
        d = nbdir / "submitted" / student / hw
        d.mkdir(parents=True)
        (d / f"{hw}.ipynb").write_text(fill(release, code))
    kinds = {}
    for _, _, k in subs:
        k = "broken" if "+" in k else k.split("_")[0]
        kinds[k] = kinds.get(k, 0) + 1
    print(f"{n} notebooks of {hw}: " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")

    times, scores = {}, {}
    for w in (1, 2):
        cdir = work / f"course-grade-{w}"
        shutil.rmtree(cdir, ignore_errors=True)
        shutil.copytree(nbdir / "submitted", cdir / "submitted")
        dt, rc = timed([sys.executable, "-m", "course.cli", "grade", hw, "submitted", "--workers", str(w),
                        "--no-progress"], cdir, work / f"course-grade-{w}.log")
        times[f"course grade, {w} worker{'s' * (w > 1)}"] = dt
        print(f"course grade --workers {w}: {dt:7.1f} s  ({dt / n:.2f} s per submission, exit {rc})",
              flush=True)
        with open(cdir / "grades" / hw / f"{hw}.csv") as f:
            scores[w] = {r["student"]: float(r["score"]) for r in csv.DictReader(f)}
    dt, rc = timed([sys.executable, "-m", "nbgrader", "autograde", hw, "--force"], nbdir,
                   work / "nbgrader-autograde.log")
    times["nbgrader autograde"] = dt
    print(f"nbgrader autograde:        {dt:7.1f} s  ({dt / n:.2f} s per submission, exit {rc})", flush=True)
    from nbgrader.api import Gradebook, MissingEntry

    nb_scores = {}
    with Gradebook(f"sqlite:///{nbdir / 'gradebook.db'}") as gb:
        for student, _, _ in subs:
            try:
                nb_scores[student] = gb.find_submission(hw, student).score
            except MissingEntry:
                nb_scores[student] = None

    nbt = times["nbgrader autograde"]
    print("\n| grader | wall s | s / submission | nbgrader / this |")
    print("|---|---:|---:|---:|")
    for name, dt in times.items():
        print(f"| {name} | {dt:.1f} | {dt / n:.2f} | {nbt / dt:.1f}x |")
    same12 = sum(abs(scores[1][s] - scores[2][s]) < 1e-9 for s in scores[1])
    agree = sum(nb_scores[s] is not None and abs(nb_scores[s] - scores[2][s]) < 1e-6 for s in scores[2])
    print(f"\nsame score with 1 and 2 workers: {same12}/{n}; course grade = nbgrader autograde: {agree}/{n}")
    for s in sorted(scores[2]):
        if nb_scores[s] is None or abs(nb_scores[s] - scores[2][s]) > 1e-6:
            kind = next(k for st, _, k in subs if st == s)
            print(f"  {s} ({kind}): course grade {scores[2][s]:g}, nbgrader {nb_scores[s]}")
    print(f"work folder: {work}" + ("" if args.keep else " (delete when done)"))


if __name__ == "__main__":
    main()
