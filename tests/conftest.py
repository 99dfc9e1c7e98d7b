"""Shared helpers of the project's own tests."""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"


def parse_expect(path):
    """The `# EXPECT:` header of a known submission."""
    fail, pas, hints = set(), set(), []
    for line in Path(path).read_text().splitlines()[:15]:
        m = re.match(r"#\s*EXPECT:\s*(fail|pass|hint)\s+(.*)$", line.strip())
        if not m:
            continue
        kind, rest = m.groups()
        if kind == "hint":
            hints.append(rest.strip().strip('"'))
        else:
            names = {x.strip() for x in rest.split(",") if x.strip()}
            (fail if kind == "fail" else pas).update(names)
    return fail, pas, hints


def known_submissions():
    out = []
    for path in sorted(SUBMISSIONS.glob("hw*/*.py")):
        out.append(pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.stem}"))
    return out


def pytest_collection_modifyitems(items):
    """Slow tests first, so that with `-n 2` no long test starts last and runs alone."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("slow") else 1)
