"""Running student code in a confined child process."""
from .codec import Opaque
from .errors import (Crashed, LoadFailed, Missing, NotAttempted, Raised, SandboxError,
                     StudentError, TimedOut)
from .runner import Confinement, Limits, Sandbox, probe_confinement

__all__ = ["Sandbox", "Limits", "Confinement", "probe_confinement", "Opaque", "StudentError", "Missing", "NotAttempted", "Raised",
           "TimedOut", "Crashed", "LoadFailed", "SandboxError"]
