"""What check modules import: declarations, comparisons, statistics."""
from . import stats
from .compare import (CheckFailure, close, expect_array, expect_int, expect_raises, expect_reproducible,
                      expect_scalar, expect_seed_used, expect_sequence, fail)
from .hints import Slip, name_by_mean, name_slips
from .plotting import figure
from .sandbox.codec import Opaque
from .sandbox.errors import Raised, StudentError
from .spec import Case, case_input, check, hidden_cases, rejects

__all__ = ["check", "case_input", "hidden_cases", "rejects", "Case", "expect_reproducible", "expect_seed_used", "figure", "close", "expect_array", "expect_scalar", "expect_int",
           "expect_sequence", "expect_raises", "fail", "Slip", "stats", "Opaque",
           "CheckFailure", "StudentError", "Raised", "name_slips", "name_by_mean"]
