"""Does the package work on every Python it declares (requires-python, classifiers)?

CI runs the whole suite on its own Python and a smoke test on the others
(.ci/run). These tests guard what a newer Python has and an older one lacks
from any Python.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_commands_start_without_tomllib():
    """Python 3.10 has no tomllib: every `course` command must still start (and list)."""
    code = ("import sys; sys.modules['tomllib'] = None\n"   # import tomllib now raises ImportError
            "from course.cli import main\n"
            "main(['list'])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "hw1" in proc.stdout


def test_tomli_is_declared_where_tomllib_is_missing():
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'"tomli[^"]*;\s*python_version\s*<\s*\'3\.11\'"', text), \
        "course/student_dist.py reads TOML with tomli before Python 3.11: declare it"


def test_declared_pythons_agree():
    """The classifiers list the oldest Python requires-python allows, and nothing older."""
    text = (ROOT / "pyproject.toml").read_text()
    oldest = re.search(r'^requires-python\s*=\s*">=(3\.\d+)"', text, re.M).group(1)
    listed = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)
    assert oldest in listed
    assert all(tuple(map(int, v.split("."))) >= tuple(map(int, oldest.split("."))) for v in listed)
