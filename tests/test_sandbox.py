"""Can a broken or hostile submission fool, stall or damage the grader?

Each test writes a submission that is the reference hw1 solution with one
hostile or broken piece added, grades it, and asks: is the verdict clear,
is the score no higher than the honest one, are the other functions still
graded, and is nothing left running or written outside the scratch folder?
"""
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.runner import run_checks
from autograder.sandbox import Sandbox
from autograder.sandbox.runner import namespaces_available

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "solutions" / "hw1.py").read_text()
FAST = ["init_variance", "forward_variances"]  # cheap functions, enough to see the rest graded


def submission(tmp_path, extra, name="hw1.py", base=REFERENCE):
    path = tmp_path / name
    path.write_text(base + "\n\n" + textwrap.dedent(extra))
    return path


def grade(path, functions=FAST, **kw):
    kw.setdefault("call_timeout", 5)
    return run_checks("hw1", path, hidden=True, functions=functions, **kw)


def by_function(rep):
    out = {}
    for r in rep.ran:
        out.setdefault(r.function, []).append(r)
    return out


def honest_score():
    return grade(ROOT / "solutions" / "hw1.py").score


def sandbox_processes(uid):
    """Processes of the sandbox's private uid still alive."""
    left = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat(f"/proc/{d}").st_uid == uid:
                    left.append(d)
            except OSError:
                pass
    return left


def test_reference_as_a_file_gets_full_marks():
    """Is the baseline of these tests a full score?"""
    rep = grade(ROOT / "solutions" / "hw1.py")
    assert rep.all_passed and rep.score == rep.max_score > 0


def test_missing_function_is_reported_and_others_graded(tmp_path):
    src = REFERENCE.replace("def forward_variances(", "def forward_variance_typo(")
    rep = grade(submission(tmp_path, "", base=src))
    fns = by_function(rep)
    assert all(r.status == "missing" for r in fns["forward_variances"])
    assert "no function `forward_variances`" in fns["forward_variances"][0].message
    assert all(r.passed for r in fns["init_variance"])


def test_syntax_error_names_the_line(tmp_path):
    rep = grade(submission(tmp_path, "def broken(:\n    pass\n"))
    assert any("syntax" in n.lower() or "invalid" in n.lower() for n in rep.notes), rep.notes
    assert rep.score == 0
    assert all(r.status == "missing" for r in rep.ran)


def test_exception_shows_students_own_traceback(tmp_path):
    rep = grade(submission(tmp_path, """
        def _inner(x):
            return x[99]
        def forward_variances(weights, X, activation):
            return _inner([1, 2])
    """))
    msg = by_function(rep)["forward_variances"][0].message
    assert "IndexError" in msg and "hw1.py" in msg and "return x[99]" in msg
    assert "autograder" not in msg and "child.py" not in msg
    assert all(r.passed for r in by_function(rep)["init_variance"])


def test_stub_is_not_attempted(tmp_path):
    rep = grade(submission(tmp_path, """
        def forward_variances(weights, X, activation):
            # YOUR CODE HERE
            raise NotImplementedError()
    """))
    assert {r.status for r in by_function(rep)["forward_variances"]} == {"not attempted"}


@pytest.mark.parametrize("body,needle", [
    ("return np.full(len(weights), np.nan)", "NaN"),
    ("return np.full(len(weights), np.inf)", "inf"),
    ("return [float(np.mean((w @ X) ** 2)) for w in weights[:1]] * len(weights)", "NumPy array"),
    ("return np.zeros((len(weights), 1))", "shape"),
])
def test_bad_return_values_get_their_own_message(tmp_path, body, needle):
    rep = grade(submission(tmp_path, f"""
        def forward_variances(weights, X, activation):
            {body}
    """))
    rs = by_function(rep)["forward_variances"]
    assert not any(r.passed for r in rs)
    assert needle in rs[0].message, rs[0].message


def test_object_equal_to_everything_is_not_a_number(tmp_path):
    rep = grade(submission(tmp_path, """
        class Liar(float):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __le__(self, other): return True
            def __ge__(self, other): return True
            def __lt__(self, other): return False
            def __gt__(self, other): return False
            def __sub__(self, other): return 0.0
            def __abs__(self): return 0.0
        class Anything:
            def __eq__(self, other): return True
            __hash__ = None
        def init_variance(fan_in, fan_out, scheme):
            return Anything() if scheme == "he" else Liar(123.0)
    """), functions=["init_variance"])
    rs = [r for r in rep.ran if r.function == "init_variance" and "errors" not in r.case]
    assert not any(r.passed for r in rs)
    assert any("object of type" in r.message for r in rs)


@pytest.mark.parametrize("where", ["import", "call"])
@pytest.mark.parametrize("how", ["os._exit(0)", "sys.exit(0)", "os.kill(os.getpid(), 9)"])
def test_exit_at_import_or_mid_call(tmp_path, where, how):
    if where == "import":
        extra = f"import os, sys\n{how}\n"
    else:
        extra = f"""
            import os, sys
            def forward_variances(weights, X, activation):
                {how}
        """
    rep = grade(submission(tmp_path, extra))
    fns = by_function(rep)
    if how == "sys.exit(0)" and where == "import":
        # SystemExit while loading is noted and ignored: the functions exist
        assert any("exit" in n for n in rep.notes)
        assert rep.all_passed
        return
    if how.startswith("os.kill") and where == "import" and namespaces_available():
        # the child is PID 1 of its namespace: a signal to itself is ignored
        assert rep.all_passed or rep.score == 0
        return
    assert not any(r.passed for r in fns["forward_variances"])
    if where == "call":
        assert all(r.passed for r in fns["init_variance"]), "other functions must still be graded"
        assert rep.score < rep.max_score
    else:
        assert rep.score == 0 and "stopped the Python process" in fns["forward_variances"][0].message


@pytest.mark.timeout(600)  # a call time-out that never fires fails here instead of hanging the suite
def test_infinite_loop_times_out_and_the_rest_is_graded(tmp_path):
    rep = grade(submission(tmp_path, """
        def forward_variances(weights, X, activation):
            while True:
                pass
    """), call_timeout=2)
    fns = by_function(rep)
    assert {r.status for r in fns["forward_variances"]} == {"timeout"}
    assert "did not return within 2 s" in fns["forward_variances"][0].message
    assert all(r.passed for r in fns["init_variance"])


def test_infinite_loop_at_import_fails_cleanly(tmp_path):
    from autograder.sandbox import Limits, LoadFailed
    sb = Sandbox([{"filename": "hw1.py", "source": "while True:\n    pass\n"}],
                 limits=Limits(load_timeout=2))
    with pytest.raises(LoadFailed, match="did not finish loading"):
        sb.call("init_variance", 1, 2, "he")
    sb.stop()


def test_memory_bomb_is_contained(tmp_path):
    rep = grade(submission(tmp_path, """
        def forward_variances(weights, X, activation):
            blocks = []
            while True:
                blocks.append(bytearray(1 << 28))
    """))
    fns = by_function(rep)
    assert not any(r.passed for r in fns["forward_variances"])
    assert all(r.passed for r in fns["init_variance"])


@pytest.mark.skipif(not namespaces_available(), reason="needs root namespaces")
def test_fork_bomb_and_daemons_leave_nothing_behind(tmp_path):
    from autograder.sandbox import Limits, StudentError
    src = REFERENCE + textwrap.dedent("""
        import os, subprocess, time
        def forward_variances(weights, X, activation):
            subprocess.Popen(["sleep", "300"], start_new_session=True)
            if os.fork() == 0:
                os.setsid()
                time.sleep(300)
                os._exit(0)
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.01)
    """)
    sb = Sandbox([{"filename": "hw1.py", "source": src}], limits=Limits(call_timeout=3))
    assert sb.call("init_variance", 3, 7, "he") == pytest.approx(2 / 3)
    uid = sb._uid
    with pytest.raises(StudentError):
        sb.call("forward_variances", [np.eye(2)], np.eye(2), "relu")
    # the next call gets a fresh child: the other functions are still graded
    assert sb.call("init_variance", 3, 7, "he") == pytest.approx(2 / 3)
    sb.stop()
    for _ in range(50):  # a dying namespace may take a moment to reap a fork bomb
        if not sandbox_processes(uid):
            break
        time.sleep(0.2)
    assert sandbox_processes(uid) == [], "a sandbox process survived"


def test_cannot_read_or_run_the_reference(tmp_path):
    rep = grade(submission(tmp_path, """
        import os, importlib, glob
        def _steal():
            for p in glob.glob("/**/solutions/hw1.py", recursive=True)[:5]:
                try:
                    src = open(p).read()
                    ns = {}
                    exec(src, ns)
                    return ns
                except Exception:
                    pass
            try:
                return vars(importlib.import_module("solutions.hw1"))
            except Exception:
                return None
        def forward_variances(weights, X, activation):
            ns = _steal()
            if ns is None:
                return np.zeros(len(weights))  # honest failure
            return ns["forward_variances"](weights, X, activation)
    """.replace("REPO", str(ROOT))), functions=["forward_variances"])
    assert not any(r.passed for r in rep.ran), "the reference was readable from the sandbox"


def test_writes_stay_in_scratch(tmp_path):
    target = tmp_path / "outside.txt"
    rep = grade(submission(tmp_path, f"""
        def forward_variances(weights, X, activation):
            for p in [{str(target)!r}, {str(ROOT / 'solutions' / 'pwned.py')!r}, "/tmp/pwned", "pwned_here"]:
                try:
                    open(p, "w").write("x")
                except OSError:
                    pass
            return np.zeros(len(weights))
    """), functions=["forward_variances"])
    assert not target.exists()
    assert not (ROOT / "solutions" / "pwned.py").exists()
    assert not Path("/tmp/pwned").exists()
    assert rep.ran


def test_planted_conftest_and_ini_are_ignored(tmp_path):
    (tmp_path / "conftest.py").write_text(
        "import pytest\n@pytest.hookimpl(hookwrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n    out = yield\n"
        "    out.get_result().outcome = 'passed'\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:autograder.plugin\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "hw1.cpython-311.pyc").write_bytes(b"\x00" * 64)
    src = REFERENCE.replace("return 2.0 / fan_in", "return 1.0 / fan_in")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        rep = grade(submission(tmp_path, "", base=src), functions=["init_variance"])
    finally:
        os.chdir(cwd)
    assert not all(r.passed for r in rep.ran)


def test_monkeypatching_numpy_in_the_sandbox_changes_nothing(tmp_path):
    rep = grade(submission(tmp_path, """
        import numpy.testing
        np.allclose = lambda *a, **k: True
        np.isclose = lambda a, b, *r, **k: np.ones_like(np.asarray(a), dtype=bool)
        numpy.testing.assert_allclose = lambda *a, **k: None
        def forward_variances(weights, X, activation):
            return np.ones(len(weights))
    """), functions=["forward_variances"])
    assert not any(r.passed for r in rep.ran)


def test_fake_json_and_flooding_do_not_reach_the_report(tmp_path):
    path = submission(tmp_path, """
        import sys
        FAKE = '{"assignment": "hw1", "score": 999, "max_score": 999, "tests": []}'
        print(FAKE)
        sys.stderr.write(FAKE + "\\n")
        def forward_variances(weights, X, activation):
            print(FAKE)
            sys.stdout.write("x" * 5_000_000)
            return np.zeros(len(weights))
    """)
    out = subprocess.run([sys.executable, "-m", "course.cli", "check", "hw1", str(path), "--json",
                          "-k", "forward_variances"], capture_output=True, text=True, timeout=120)
    data = json.loads(out.stdout)  # exactly one JSON object on stdout
    assert data["score"] < data["max_score"]
    assert out.returncode == 1
    assert len(out.stdout) < 200_000


def test_killing_the_grader_is_not_possible(tmp_path):
    rep = grade(submission(tmp_path, """
        import os, signal
        def forward_variances(weights, X, activation):
            for pid in (os.getppid(), 1):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            for d in os.listdir("/proc"):
                if d.isdigit() and int(d) != os.getpid():
                    try:
                        os.kill(int(d), signal.SIGKILL)
                    except OSError:
                        pass
            return np.zeros(len(weights))
    """))
    # we are still here, and the other function was graded
    assert all(r.passed for r in by_function(rep)["init_variance"])


def test_notebook_cells_magics_and_raising_cells(tmp_path):
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "source": "%matplotlib inline\nimport numpy as np\n!ls"},
        {"cell_type": "code", "metadata": {}, "source": "raise RuntimeError('cell 2 is broken')"},
        {"cell_type": "code", "metadata": {}, "source": REFERENCE},
        {"cell_type": "code", "metadata": {"tags": ["course:skip"]}, "source": "while True: pass"},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "hw1.ipynb"
    path.write_text(json.dumps(nb))
    rep = grade(path)
    assert rep.all_passed
    assert any("%matplotlib" in n for n in rep.notes)
    assert any("cell 2 is broken" in n for n in rep.notes)
