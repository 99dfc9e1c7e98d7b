"""autograder.options: a run's options, typed and checked when built."""
from pathlib import Path

import pytest

from autograder.options import RefMode, RunOptions


def test_defaults_and_normalised_types():
    o = RunOptions("hw1", submission="x/hw1.py", mask=[Path("/a"), "/b"], functions=["f", "g"],
                   call_timeout=2, gpu_memory_fraction=None, ref_mode="record", record_to="out.json")
    assert o.submission == Path("x/hw1.py") and isinstance(o.submission, Path)
    assert o.mask == ("/a", "/b") and o.functions == ("f", "g")
    assert o.call_timeout == 2.0 and isinstance(o.call_timeout, float)
    assert o.gpu_memory_fraction == 0.5
    assert o.ref_mode is RefMode.RECORD and o.ref_mode.records and not RefMode.AUTO.records
    assert o.record_to == Path("out.json")
    assert o.device == "cpu" and o.threads == 1 and o.grader_seed == 0 and o.quiet
    assert o.label == "x/hw1.py" and RunOptions("hw1", trusted="solutions.hw1").label == "solutions.hw1"


def test_frozen_and_comparable():
    o = RunOptions("hw1", functions=("f",))
    with pytest.raises(AttributeError):
        o.device = "cuda"  # type: ignore[misc]
    assert o == RunOptions("hw1", functions=["f"]) and hash(o) == hash(RunOptions("hw1", functions=["f"]))


def test_hidden_only_implies_the_hidden_checks_run():
    assert not RunOptions("hw1").all_checks
    assert RunOptions("hw1", hidden=True).all_checks
    assert RunOptions("hw1", hidden_only=True).all_checks


@pytest.mark.parametrize("kwargs, words", [
    ({"device": "tpu"}, "unknown device 'tpu'; pass one of: cpu, cuda"),
    ({"ref_mode": "live"}, "unknown reference mode 'live'; pass one of: auto, solutions, fixtures"),
    ({"call_timeout": -1}, "call_timeout is seconds above 0"),
    ({"call_timeout": 0}, "call_timeout is seconds above 0"),
    ({"threads": 0}, "threads must be at least 1"),
    ({"threads": 1.5}, "threads must be an integer"),
    ({"grader_seed": "3"}, "grader_seed must be an integer"),
    ({"grader_seed": True}, "grader_seed must be an integer"),
    ({"grader_seeds": (5, 5)}, "grader_seeds (5, 5) is empty"),
    ({"grader_seeds": 7}, "grader_seeds is a (start, stop) pair"),
    ({"gpu_memory_fraction": 1.5}, "gpu_memory_fraction is a share"),
    ({"gpu_memory_fraction": 0}, "gpu_memory_fraction is a share"),
    ({"functions": "init_variance"}, "functions takes a list of names, not one string"),
    ({"mask": 3}, "mask takes a list of names, not int"),
    ({"keyword": 3}, "keyword is a pytest -k expression"),
    ({"submission": "a.py", "trusted": "solutions.hw1"}, "not both"),
])
def test_nonsense_is_a_clear_value_error(kwargs, words):
    with pytest.raises(ValueError) as info:
        RunOptions("hw1", **kwargs)
    assert words in str(info.value)
    assert "pass" in str(info.value)      # says what to do instead


def test_an_empty_assignment_is_refused():
    with pytest.raises(ValueError, match="assignment must be an assignment id"):
        RunOptions("")


def test_calibration_seed_range_is_kept_as_ints():
    assert RunOptions("hw1", grader_seeds=[3, 10]).grader_seeds == (3, 10)
