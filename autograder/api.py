"""What check modules import: declarations, comparisons, statistics."""
from . import stats
from .compare import (CheckFailure, close, expect_array, expect_int, expect_raises,
                      expect_scalar, expect_sequence, fail)
from .hints import Slip
from .sandbox.codec import Opaque
from .sandbox.errors import StudentError
from .spec import Case, check

__all__ = ["check", "Case", "close", "expect_array", "expect_scalar", "expect_int",
           "expect_sequence", "expect_raises", "fail", "Slip", "stats", "Opaque",
           "CheckFailure", "StudentError"]
