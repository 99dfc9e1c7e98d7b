"""The course's grading engine: sandboxed calls, tolerance checks, pytest plugin, reports."""
__version__ = "0.1.0"
