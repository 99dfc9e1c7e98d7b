"""Do the statistical checks keep their stated false-failure probability?

Each assignment's stochastic checks run on the reference over
COURSE_CALIBRATION_SEEDS grader seeds (default 30, so that the README's test
command stays within about 10 minutes on 2 cores; `course calibrate --all`,
or COURSE_CALIBRATION_SEEDS=200, gives the 200-seed figures). Every check
states ffp <= 1e-4, so over 30 seeds a correct submission fails a given check
with probability <= 3e-3 (2e-2 over 200); a failure here means a threshold is
mis-calibrated.
"""
import os

import pytest

from autograder import catalog
from course.calibrate import calibrate

SEEDS = int(os.environ.get("COURSE_CALIBRATION_SEEDS", "30"))
STOCHASTIC = [a for a in catalog.ids() if catalog.get(a).stochastic]


@pytest.mark.slow
@pytest.mark.parametrize("hw", STOCHASTIC)
def test_reference_passes_statistical_checks_over_many_seeds(hw):
    for c in catalog.get(hw).stochastic:
        assert c.ffp is not None and c.ffp <= 1e-4, f"{hw}.{c.function}: ffp {c.ffp}"
    runs, fails, bad = calibrate(hw, SEEDS)
    assert runs, f"no statistical check of {hw} ran"
    assert all(n == SEEDS for n in runs.values()), runs
    assert not bad, "\n".join(f"{r.id}: {r.message}" for r in bad[:5])
