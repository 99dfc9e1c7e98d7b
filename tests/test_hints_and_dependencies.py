"""The engine's hint rules: a slip is named only when the values match it, and
a failing function that the failing one calls is named as the likely cause.

The known-submission test (test_known_submissions.py) checks each file's
EXPECT hint; these tests check what must *not* be said, and the rules
themselves.
"""
import numpy as np
import pytest

from autograder.compare import CheckFailure, close
from autograder.hints import Slip, name_by_mean, name_slips
from autograder.runner import run_checks
from conftest import known_file


def _failures(rep, function):
    return [r for r in rep.ran if r.function == function and not r.passed]


def test_a_slip_is_named_only_when_its_values_match():
    slips = [Slip("A", np.array([1.0, 2.0])), Slip("B", np.array([1.0, 2.5]))]
    assert name_slips(np.array([1.0, 2.0]), slips) == "This looks like: A."
    assert name_slips(np.array([1.0, 2.0 + 1e-3]), slips, rtol=1e-8) is None
    both = name_slips(np.array([1.0, 2.0]), slips + [Slip("C", np.array([1.0, 2.0]))])
    assert "(1) A" in both and "(2) C" in both and "B" not in both


def test_a_sample_names_only_the_means_it_matches():
    x = np.random.default_rng(0).normal(5.0, 1.0, 400)          # se 0.05
    assert "near" in name_by_mean(x, [("near", 5.02), ("far", 5.6)])
    assert "far" not in name_by_mean(x, [("near", 5.02), ("far", 5.6)])
    assert name_by_mean(x, [("far", 5.6)]) is None


def test_close_previews_the_entries_around_the_largest_error():
    want = np.zeros(16)
    want[6:10] = [0.3, 0.8, 0.7, 0.2]
    got = want.copy()
    got[7] = 0.4
    with pytest.raises(CheckFailure) as info:
        close(got, want, rtol=1e-10)
    msg = info.value.message
    assert "around the largest error at index 7" in msg and "0.8" in msg and "0.4" in msg


def test_a_failing_dependency_replaces_the_callers_slip_hints():
    """hw1: fan_in/fan_out swapped in init_variance fails predicted_variances and
    simulate_variances; their messages name init_variance, not a slip of their own."""
    rep = run_checks("hw1", known_file("hw1", "wrong_fans_swapped"), hidden=True,
                     functions=["init_variance", "predicted_variances", "simulate_variances"])
    for fn in ("predicted_variances", "simulate_variances"):
        bad = _failures(rep, fn)
        assert bad, f"{fn} passed"
        for r in bad:
            assert "`init_variance` fails its own checks" in r.message, r.message
            assert "afresh" not in r.message and "This looks like" not in r.message, r.message
    assert all("swapped" in r.message for r in _failures(rep, "init_variance"))


def test_the_dependency_note_does_not_need_the_dependency_selected():
    """A notebook's check cell grades one function: the note must appear there too."""
    rep = run_checks("hw1", known_file("hw1", "wrong_fans_swapped"),
                     functions=["predicted_variances"])
    bad = _failures(rep, "predicted_variances")
    assert bad and all("`init_variance` fails its own checks" in r.message for r in bad)


def test_no_dependency_note_when_the_dependencies_pass():
    rep = run_checks("hw1", known_file("hw1", "wrong_relu_no_half"),
                     functions=["predicted_variances"])
    bad = _failures(rep, "predicted_variances")
    assert bad and not any("fails its own checks" in r.message for r in bad)
    assert any("1/2" in r.message for r in bad)


def test_hw6_ntk_deviation_blames_a_wrong_ntk_kernel():
    rep = run_checks("hw6", known_file("hw6", "wrong_chi_with_phi"), hidden=False,
                     functions=["ntk_deviation"])
    bad = _failures(rep, "ntk_deviation")
    assert bad and all("`ntk_kernel` fails its own checks" in r.message for r in bad)


def test_hw4_gradient_check_blames_the_initialisation_not_phi_prime():
    """W ~ N(0, 1/n^2) (the variance passed as NumPy's scale) moves the first-step
    rates too: the gradient check must not call it a missing phi'(H1)."""
    rep = run_checks("hw4", known_file("hw4", "wrong_init_variance_as_std"),
                     functions=["train_two_layer"])
    bad = _failures(rep, "train_two_layer")
    grad = [r for r in bad if r.case.startswith("gradient/")]
    assert grad and not any("phi'(H1) missing" in r.message for r in grad)
    assert all("initialisation" in r.message for r in grad)
    assert not any("1/(2m)" in r.message for r in bad if r.case != "initial_loss/tanh")


def test_hw3_mp_density_messages_show_the_grid():
    rep = run_checks("hw3", known_file("hw3", "wrong_mp_ratio_on_top"), functions=["mp_density"])
    bad = _failures(rep, "mp_density")
    assert bad and not any("factor 2 missing twice" in r.message for r in bad)
    r = next(r for r in bad if r.case == "ratio_0.25")
    assert r.call.startswith("[") and "0.25" in r.call, r.call
