"""hw6 in the GPU profile, in the sandbox: every known submission, one table.

    python benchmarks/gpu_known.py [--device cuda] [--files PATH...]

Grades the source notebook and every known hw6 submission
(tests/submissions/hw6/, correct and wrong) exactly as `course check hw6
FILE --all --device cuda` does (in the sandbox, hidden checks included), and
prints file, expected verdict, score, seconds and whether the verdict is
the expected one. Then the convergence figure of the GPU profile: the
reference's NTK deviation against width up to 2^16 and the fitted slope of
log(deviation) on log(width) (theory: -1/2, (5.44)-(5.45)).
Exit status 1 when any verdict is not the expected one.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from autograder.runner import run_checks  # noqa: E402
from conftest import known_submissions, materialise, parse_expect  # noqa: E402


def grade_all(device, files):
    rows, ok_all = [], True
    for path in files:
        expect_fail, expect_pass, _ = (set(), {"all"}, []) if path.suffix == ".ipynb" \
            else parse_expect(path)
        t0 = time.perf_counter()
        rep = run_checks("hw6", path, hidden=True, device=device)
        secs = time.perf_counter() - t0
        failed = {r.function for r in rep.ran if not r.passed}
        if "all" in expect_pass:
            expected, ok = "full marks", rep.score == rep.max_score > 0 and not rep.grader_errors
        else:
            expected = "fails " + ",".join(sorted(expect_fail))
            ok = bool(expect_fail) and expect_fail <= failed and not rep.grader_errors
        ok_all &= ok
        rows.append((path.name, expected, f"{rep.score:g}/{rep.max_score:g}", secs,
                     "ok" if ok else "UNEXPECTED", rep.isolation))
    width = max(len(r[0]) for r in rows)
    print(f"{'file':{width}}  {'expected':38} {'score':>12} {'s':>6}  verdict")
    for name, expected, score, secs, verdict, _ in rows:
        print(f"{name:{width}}  {expected[:38]:38} {score:>12} {secs:6.1f}  {verdict}")
    print(f"sandbox: {rows[0][5]}")
    return ok_all


def convergence(device, top=16):
    from solutions.hw6 import ntk_deviation

    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 6))
    X /= np.linalg.norm(X, axis=0)
    widths = [2 ** k for k in range(8, top + 1, 2)]
    devs = []
    for w in widths:
        t0 = time.perf_counter()
        devs.append(ntk_deviation(X, 2, w, "relu", 2.0, 4, 0, device=device))
        print(f"width {w:6d}: deviation {devs[-1]:.4e} ({time.perf_counter() - t0:.1f} s)")
    A = np.vstack([np.log(widths), np.ones(len(widths))]).T
    coef, res, *_ = np.linalg.lstsq(A, np.log(devs), rcond=None)
    dof = max(1, len(widths) - 2)
    se = np.sqrt(res[0] / dof / np.sum((np.log(widths) - np.mean(np.log(widths))) ** 2)) if len(res) else 0
    print(f"slope of log deviation on log width: {coef[0]:.3f} +- {se:.3f} (theory -0.5)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cpu", "cuda"])
    p.add_argument("--files", nargs="*", type=Path)
    p.add_argument("--top", type=int, default=16, help="largest width is 2^TOP")
    a = p.parse_args(argv)
    if not a.files:
        import tempfile
        tmp = Path(tempfile.mkdtemp(prefix="gpu-known-"))
        known = [materialise(*p.values, tmp) for p in known_submissions() if p.values[0] == "hw6"]
    files = a.files or [ROOT / "assignments" / "hw6" / "hw6.ipynb", *known]
    ok = grade_all(a.device, files)
    convergence(a.device, a.top)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
