"""Does the student-repository workflow (examples/student-repo) work when its commands are run
as GitHub Actions would run them: install the course package, `course check hwN --junit`, summary?

The `uses:` steps (checkout, setup-python, upload-artifact) are GitHub's own
and are not run; every `run:` step is, with bash -eo pipefail, the workflow's
env, and GitHub's rule that a failed step skips the following ones unless
they say `if: always()`. The install step installs this checkout (a copy of
its sources) into a private folder, offline, instead of the tagged release.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import known_file

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "student-repo"
WORKFLOW = EXAMPLE / ".github" / "workflows" / "course-check.yml"
PYTEST_INI = "autograder/checks/pytest.ini"


def _sources(dest):
    """The course package's sources, as pip would get them from the repository."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    for pkg in ("course", "autograder", "solutions"):
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def test_workflow_runs_course_check_with_junit(tmp_path):
    wf = yaml.safe_load(WORKFLOW.read_text())
    (job,) = wf["jobs"].values()
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/upload-artifact"]
    runs = [s for s in job["steps"] if "run" in s]
    assert any("pip install" in s["run"] for s in runs)
    assert any("course check" in s["run"] and "--junit" in s["run"] for s in runs)

    repo = tmp_path / "student-repo"
    shutil.copytree(EXAMPLE, repo)
    hw = wf["env"]["ASSIGNMENT"]
    shutil.copy(known_file(hw, "wrong_he_without_2"), repo / f"{hw}.py")
    site = tmp_path / "site"
    summary = tmp_path / "summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.update({k: str(v) for k, v in wf["env"].items()})
    env.update({"COURSE_PACKAGE": str(_sources(tmp_path / "course-src")), "GITHUB_STEP_SUMMARY": str(summary),
                "PIP_TARGET": str(site), "PIP_NO_DEPS": "1", "PIP_NO_INDEX": "1",
                "PIP_NO_BUILD_ISOLATION": "0",   # pip's env spelling of --no-build-isolation
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONPATH": str(site),
                "PATH": f"{site / 'bin'}:{Path(sys.executable).parent}:{env.get('PATH', '')}"})
    failed, codes = False, {}
    for step in runs:
        if failed and "always()" not in str(step.get("if", "")):
            continue
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                           cwd=repo, env={**env, **step.get("env", {})}, capture_output=True, text=True,
                           timeout=300)
        codes[step["name"]] = (r.returncode, r.stdout[-3000:] + r.stderr[-3000:])
        failed = failed or r.returncode != 0

    install, check = codes["Install the course package"], codes["Run the public checks"]
    assert install[0] == 0, install[1]
    assert (site / "bin" / "course").exists() and (site / "course" / "cli.py").exists()
    assert (site / PYTEST_INI).exists()             # package data an installed `course check` needs
    assert check[0] == 1, check[1]                      # a public check fails: the job goes red
    assert "factor 2" in check[1]                       # with course check's own explanation
    assert "/site/" in subprocess.run([sys.executable, "-c", "import course; print(course.__file__)"],
                                      cwd=repo, env=env, capture_output=True, text=True).stdout
    suite = ET.parse(repo / "course-check.xml").getroot().find("testsuite")
    assert int(suite.get("failures")) > 0 and int(suite.get("skipped")) > 0   # hidden checks not run
    text = summary.read_text()
    assert "public checks pass" in text and f"{hw}.init_variance" in text
    assert codes["Summarise the report"][0] == 0
