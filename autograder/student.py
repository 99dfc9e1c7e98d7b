"""The student side of a check: ``student.fn(*args)``.

:class:`SandboxStudent` calls the submission in its sandbox.
:class:`TrustedStudent` calls a trusted module in-process (the reference,
for calibrating statistical checks over many seeds); its values take the
same plain-data round trip, so checks see the same types either way.
"""
from __future__ import annotations

import traceback as _tb

from .sandbox import Sandbox, codec
from .sandbox import child as _child
from .sandbox.errors import Missing, NotAttempted, Raised


class _Proxy:
    timeout = None

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)
        return lambda *a, **k: self.call(fn, *a, **k)


class SandboxStudent(_Proxy):
    def __init__(self, sandbox: Sandbox, timeout=None):
        self.sandbox = sandbox
        self.timeout = timeout

    def call(self, fn, *args, **kwargs):
        return self.sandbox.call(fn, *args, timeout=self.timeout, **kwargs)

    def with_timeout(self, timeout):
        return SandboxStudent(self.sandbox, timeout)


class TrustedStudent(_Proxy):
    def __init__(self, module, timeout=None):
        self.module = module
        self.timeout = timeout

    def call(self, fn, *args, **kwargs):
        func = getattr(self.module, fn, None)
        if func is None or not callable(func):
            raise Missing(f"no function `{fn}` is defined in your file")
        args = codec.decode(codec.encode(list(args)))
        kwargs = codec.decode(codec.encode(dict(kwargs)))
        try:
            value = func(*args, **kwargs)
        except NotImplementedError:
            raise NotAttempted(f"`{fn}` still raises NotImplementedError (not attempted)") from None
        except Exception as exc:
            tb = [ln.rstrip() for ln in _tb.format_tb(exc.__traceback__)][-6:]
            raise Raised(f"`{fn}` raised {type(exc).__name__}: {exc}",
                         exc_type=type(exc).__name__, traceback=tb) from None
        return codec.decode(_child.encode(value))

    def with_timeout(self, timeout):
        return TrustedStudent(self.module, timeout)
