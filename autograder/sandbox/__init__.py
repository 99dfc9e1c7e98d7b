"""Running student code in a confined child process."""
from .codec import Opaque
from .errors import (Crashed, LoadFailed, Missing, NotAttempted, Raised, SandboxError,
                     StudentError, TimedOut)
from .runner import Limits, Sandbox

__all__ = ["Sandbox", "Limits", "Opaque", "StudentError", "Missing", "NotAttempted", "Raised",
           "TimedOut", "Crashed", "LoadFailed", "SandboxError"]
