"""What does each confinement cost? Sandbox start and one call, per mode, in one run.

    python benchmarks/sandbox_modes.py          # as root: root-ns, plain, none,
                                                # and userns/plain as a plain user
    python benchmarks/sandbox_modes.py --child  # (internal) one mode, JSON out

For every mode this machine allows (see docs/security.md): the median start
of a sandbox that loads the hw1 reference, and the median round trip of a call
with scalar and with array arguments; each as a ratio to ``none`` (rlimits
only, the cheapest, which no class is graded with), measured in the same run.
Then `course check hw1 <notebook> --all` end to end (target: 2.5 s here).
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(n_start=7, n_call=200):
    import numpy as np

    from autograder.sandbox import Sandbox

    src = (ROOT / "solutions" / "hw1.py").read_text()
    starts = []
    for _ in range(n_start):
        t0 = time.perf_counter()
        sb = Sandbox([{"filename": "hw1.py", "source": src}])
        sb.start()
        starts.append(time.perf_counter() - t0)
        label = sb.isolation
        sb.stop()
    sb = Sandbox([{"filename": "hw1.py", "source": src}])
    sb.start()
    X = np.ones((10, 10))
    t0 = time.perf_counter()
    for _ in range(n_call):
        sb.call("init_variance", 3, 7, "he")
    scalar = (time.perf_counter() - t0) / n_call
    t0 = time.perf_counter()
    for _ in range(n_call):
        sb.call("forward_variances", [X, X], X, "relu")
    arrays = (time.perf_counter() - t0) / n_call
    sb.stop()
    return {"start": statistics.median(starts), "scalar": scalar, "arrays": arrays, "label": label}


def run_mode(mode, unprivileged=False):
    argv = [sys.executable, str(Path(__file__).resolve()), "--child"]
    if unprivileged:
        argv = [sys.executable, str(ROOT / "tests" / "run_unprivileged.py"), "--",
                "env", f"COURSE_SANDBOX_MODE={mode}", *argv]
    r = subprocess.run(argv, capture_output=True, text=True,
                       env=dict(os.environ, COURSE_SANDBOX_MODE=mode), cwd=ROOT)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    if "--child" in sys.argv:
        print(json.dumps(measure()))
        return
    from autograder.sandbox import modes

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rows = [(m, False) for m in modes.available() if m != "userns"] + [("none", False)]
    if os.geteuid() == 0:
        rows += [("userns", True), ("plain", True)]
    elif "userns" in modes.available():
        rows.insert(0, ("userns", False))
    results = {}
    for mode, unpriv in rows:
        results[(mode, unpriv)] = run_mode(mode, unpriv)
    base = results.get(("none", False))
    print(f"{'mode':16} {'start ms':>9} {'x none':>7} {'call ms':>8} {'x none':>7} "
          f"{'arrays ms':>10} {'x none':>7}  confinement")
    for (mode, unpriv), r in results.items():
        name = mode + (" (user)" if unpriv else "")
        if r is None:
            print(f"{name:16} unavailable")
            continue
        ratio = (lambda k: r[k] / base[k]) if base else (lambda k: float("nan"))
        print(f"{name:16} {r['start'] * 1e3:9.0f} {ratio('start'):7.2f} {r['scalar'] * 1e3:8.3f} "
              f"{ratio('scalar'):7.2f} {r['arrays'] * 1e3:10.3f} {ratio('arrays'):7.2f}  {r['label']}")
    nb = ROOT / "assignments" / "hw1" / "hw1.ipynb"
    walls = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "course.cli", "check", "hw1", str(nb), "--all", "--json"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        walls.append(time.perf_counter() - t0)
    print(f"course check hw1 --all: {statistics.median(walls):.2f} s wall (median of 3; target 2.5 s)")


if __name__ == "__main__":
    main()
