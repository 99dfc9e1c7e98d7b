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
    """(assignment, source) of every known submission: a whole file in
    tests/submissions/hwN/, or a slip descriptor of tests/slips/hwN.py
    (materialise either with :func:`materialise`)."""
    import slips

    out = []
    for path in sorted(SUBMISSIONS.glob("hw*/*.py")):
        out.append((path.parent.name, path.stem, path))
    for hw in slips.assignments():
        for s in slips.load(hw):
            out.append((hw, s.id, s))
    ids = [f"{hw}/{stem}" for hw, stem, _ in out]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, f"known submissions named twice (file and slip): {sorted(dup)}"
    out.sort(key=lambda t: (int(t[0][2:]), t[1]))
    return [pytest.param(hw, src, id=f"{hw}/{stem}") for hw, stem, src in out]


def materialise(assignment, source, directory) -> Path:
    """The file of a known submission: ``source`` itself, or a slip written into ``directory``."""
    if isinstance(source, Path):
        return source
    return source.write(assignment, directory)


_SLIP_DIR = None


def known_file(assignment, stem) -> Path:
    """The file of known submission ``assignment/stem``, whole or generated from its slip."""
    global _SLIP_DIR
    path = SUBMISSIONS / assignment / f"{stem}.py"
    if path.exists():
        return path
    import atexit
    import shutil
    import tempfile

    import slips

    found = [s for s in slips.load(assignment) if s.id == stem]
    if not found:
        raise FileNotFoundError(f"no known submission {assignment}/{stem}")
    if _SLIP_DIR is None:
        _SLIP_DIR = Path(tempfile.mkdtemp(prefix="course-slips-"))
        atexit.register(shutil.rmtree, _SLIP_DIR, True)
    d = _SLIP_DIR / assignment
    d.mkdir(exist_ok=True)
    return found[0].write(assignment, d)


def pytest_collection_modifyitems(items):
    """Slow tests first, so that with `-n 2` no long test starts last and runs alone."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("slow") else 1)


def pytest_collection_finish(session):
    """Move what collection built (every test module, torch, scipy, the engine: about
    450,000 objects) out of the cyclic garbage collector's sight (gc.freeze).

    Each in-process grading (`run_checks`) is a pytest session of its own, which ends
    with five full collections (pytest's unraisable-exception plugin); over that heap
    they cost 1 to 2 s of CPU per graded submission, more than most submissions' own
    checks (benchmarks/grading_costs.py, section 3, prints the figures). Nothing frozen
    here is garbage: the collection just before takes that."""
    import gc

    gc.collect()
    gc.freeze()


def pytest_sessionfinish(session):
    """Merge the parts of the known verdicts that workers wrote (COURSE_WRITE_VERDICTS=1)."""
    import verdicts

    if verdicts.WRITE and not hasattr(session.config, "workerinput"):
        verdicts.merge_parts()


def one_score_on_every_path(assignment, rep):
    """`course grade` stores the report's score; `nbgrader autograde` (the
    course's SandboxAutograde) and the notebook's check cells score each
    function's public and hidden check cell by `cell_text`. For every known
    submission both must add up to the same total, function by function."""
    from autograder import catalog
    from autograder.notebook import cell_text

    total = 0.0
    for fn in catalog.get(assignment).functions:
        own = round(sum(r.points for r in rep.ran if r.function == fn), 6)
        cells = sum(cell_text(rep.results, fn, hidden)[1] for hidden in (False, True))
        assert abs(cells - own) < 1e-9, (fn, cells, own)
        total += cells
    assert abs(total - rep.score) < 1e-9, (total, rep.score)
