"""Class-scale grading (``course grade``): nbgrader's layout in, verdicts out.

- :mod:`.discover`: ``submitted/<student>/<hw>/`` -> submissions keyed by sha256
- :mod:`.worker`: one submission in its own process, under a deadline
- :mod:`.executors`: a local pool, or a ``dask.distributed`` cluster
- :mod:`.store`: the durable SQLite (WAL) verdict store
- :mod:`.records`: verdict records <-> the engine's ``Report``
- :mod:`.exports`, :mod:`.gradebook`: CSV, JUnit, Gradescope, feedback, nbgrader
- :mod:`.batch`: :func:`grade_class`, which ties them together
"""
from .batch import DEFAULT_TIMEOUT, GradeError, Options, Summary, grade_class

__all__ = ["DEFAULT_TIMEOUT", "GradeError", "Options", "Summary", "grade_class"]
