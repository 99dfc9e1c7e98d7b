"""autograder.runner: options -> pytest's own argv; a run's results, in notebook order."""
import pytest

from autograder import catalog
from autograder.options import RunOptions
from autograder.plugin import Result
from autograder.runner import _ordered, check_files, pytest_args, run, run_checks
from autograder.status import Status

#: the run's own options, which travel in the plugin object and never on pytest's command line
OURS = ("--submission", "--all-checks", "--grader-seed", "--grader-seeds", "--device", "--trusted",
        "--ref-mode", "--call-timeout", "--sandbox-mask", "--sandbox-threads", "--sandbox-gpu-fraction",
        "--hidden-only", "--stochastic-only", "--function", "--record-to")


def test_argv_carries_only_pytests_own_things():
    o = RunOptions("hw1", submission="s.py", hidden=True, hidden_only=True, stochastic_only=True,
                   functions=("init_variance",), grader_seed=7, grader_seeds=(0, 3), device="cpu",
                   ref_mode="verify", call_timeout=3, mask=("/m",), threads=2, gpu_memory_fraction=0.25,
                   record_to="r.json", keyword="glorot and not he", exitfirst=True)
    args = pytest_args(o)
    assert not [a for a in args if a.startswith(OURS)]
    assert args[:len(check_files("hw1"))] == [str(f) for f in check_files("hw1")]
    assert args[args.index("-k") + 1] == "glorot and not he" and "-x" in args
    assert args[args.index("-c") + 1].endswith("pytest.ini") and "--rootdir" in args and "--noconftest" in args
    assert "no:terminal" in args and "no:cacheprovider" in args


def test_argv_without_selection_has_no_k_or_x():
    args = pytest_args(RunOptions("hw1", quiet=False))
    assert "-k" not in args and "-x" not in args and "no:terminal" not in args


def test_run_checks_checks_its_options_before_running():
    with pytest.raises(ValueError, match="unknown device"):
        run_checks("hw1", "x.py", device="gpu")
    with pytest.raises(KeyError):
        run(RunOptions("hw99", trusted="solutions.hw1"))


def _r(function, case):
    return Result(id=f"hw1::{function}::{case}", function=function, case=case, passed=True, points=1.0,
                  max_points=1.0, status=Status.PASSED)


def test_results_come_in_notebook_order_then_declaration_order():
    info = catalog.get("hw1")
    first, second = info.functions[0], info.functions[1]
    cases = [r.label for c in info.checks if c.function == first for r in c.resolved]
    shuffled = [_r(second, "x"), _r(first, cases[-1]), _r("not_a_function", "z"), _r(first, cases[0])]
    ordered = _ordered("hw1", shuffled)
    assert [(r.function, r.case) for r in ordered] == \
        [(first, cases[0]), (first, cases[-1]), (second, "x"), ("not_a_function", "z")]


def test_a_trusted_run_reports_on_the_plugin_instance():
    rep = run(RunOptions("hw1", trusted="solutions.hw1", functions=("init_variance",)))
    assert rep.results and all(isinstance(r.status, Status) for r in rep.results)
    assert {r.function for r in rep.results} == {"init_variance"}
    public = [r for r in rep.results if not r.hidden]
    assert public and all(r.status is Status.PASSED for r in public)
    assert all(r.status is Status.NOT_RUN for r in rep.results if r.hidden)
    assert rep.submission == "solutions.hw1" and rep.exit_status == 0
    assert rep.to_json()["tests"][0]["status"] == "passed"


def test_no_submission_and_no_trusted_module_is_a_setup_error():
    rep = run(RunOptions("hw1", functions=("init_variance",)))
    assert rep.ran and all(r.status is Status.SETUP_ERROR for r in rep.ran)
    assert rep.setup_errors == rep.ran
    assert "no submission given" in rep.ran[0].message
