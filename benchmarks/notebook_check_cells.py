"""What a slow exploratory cell costs the check cells of a notebook run in Jupyter.

    python benchmarks/notebook_check_cells.py [--assignment hw1] [--sleep 20]

Builds the assignment's reference notebook (the source notebook without the
solution markers) with one added exploratory cell that sleeps SLEEP seconds
(a student's slow experiment, not marked as one), and runs it top to bottom
in a real Jupyter kernel (nbclient), one run each:

  1. without ``JPY_SESSION_NAME``: each check cell grades the kernel's input
     history so far, so the slow cell runs again in the sandbox for every
     function (what every check cell did before they read the saved notebook);
  2. with ``JPY_SESSION_NAME`` naming the file, as jupyter_server sets it:
     the first check cell grades the saved notebook as a whole and the
     others reuse that verdict.

Prints the wall time of each run, the ratio, and the points the check cells
returned (the same in both runs).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def reference_notebook(hw, sleep):
    from course.build import notebook_text

    nb = json.loads(notebook_text(hw))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            src = "".join(cell["source"])
            cell["source"] = "\n".join(ln for ln in src.splitlines() if "### " not in ln)
        elif "course:skip" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = "pass"   # the marked experiments are skipped by the grader anyway
    nb["cells"].insert(2, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "id": "slow", "source": f"import time\ntime.sleep({sleep})  # a slow exploration\n"})
    return nb


def run(path, session):
    import nbformat
    from nbclient import NotebookClient

    if session:
        os.environ["JPY_SESSION_NAME"] = str(path)
    else:
        os.environ.pop("JPY_SESSION_NAME", None)
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    dt = time.perf_counter() - t0
    points = 0.0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result":
                points += float(out["data"]["text/plain"])
    return dt, points


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--assignment", default="hw1")
    ap.add_argument("--sleep", type=float, default=20.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{args.assignment}.ipynb"
        path.write_text(json.dumps(reference_notebook(args.assignment, args.sleep)))
        print(f"{args.assignment} reference notebook + one {args.sleep:g} s exploratory cell; "
              f"load average {os.getloadavg()[0]:.1f}")
        before, p1 = run(path, session=False)
        print(f"check cells grade the history, per cell:        {before:7.1f} s  ({p1:g} points)", flush=True)
        after, p2 = run(path, session=True)
        print(f"check cells grade the saved notebook, once:      {after:7.1f} s  ({p2:g} points)")
        print(f"ratio: {before / after:.1f}x; same points: {abs(p1 - p2) < 1e-9}")


if __name__ == "__main__":
    main()
