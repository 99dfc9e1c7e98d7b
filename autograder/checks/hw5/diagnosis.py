"""Reading hw5's returned values."""
import math

import numpy as np

from autograder.api import expect_int, expect_scalar


def returned_number(got, name, integer=False):
    """A returned scalar: a Python or NumPy number (np.float64 from np.mean, np.int64 from
    np.argmax) or a one-element array (earlier sandbox codecs delivered NumPy scalars with
    shape (1,)). With ``integer``, a float with an integer value (np.ceil's result) is
    accepted as that integer."""
    if isinstance(got, np.ndarray) and got.shape in ((), (1,)) and got.dtype.kind in "biuf":
        got = got.reshape(())[()]
    if not integer:
        return expect_scalar(got, name)
    got = expect_scalar(got, name)
    if isinstance(got, (float, np.floating)) and math.isfinite(got) and float(got).is_integer():
        got = int(got)  # a count computed with np.ceil is still the right count
    return expect_int(got, name)

