"""The exceptions iam_core raises. Every one is an :class:`IamError`; bad input is also a
:class:`ValueError`, so ``except ValueError`` keeps working in generic code.

Each error has a ``code`` (the stable codes of ``docs/checks.md``) and a ``message``; a
:class:`ParseError` also holds every :class:`~iam_core.Diagnostic` with its location, and a
:class:`RequestError` names the request field at fault.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple


class IamError(Exception):
    """Base class of every iam_core error."""

    code: str = "IAM_ERROR"

    def __init__(self, message: str, payload: Any = None) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> Tuple[Any, ...]:  # picklable across processes
        return (self.__class__, (self.message,))


class ArgumentError(IamError, TypeError, ValueError):
    """An argument iam_core cannot use: an unknown policy type, a policy given as something other
    than text, bytes or a mapping, a flat list where levels of policies are expected. It is both a
    :class:`TypeError` and a :class:`ValueError`, so either ``except`` catches it."""

    code = "INVALID_ARGUMENT"


class ParseError(IamError, ValueError):
    """A policy (or simulation input) could not be read. ``diagnostics`` holds every error, each
    with its code, message, help, path, line and column; ``code`` is the first one's."""

    def __init__(self, message: str, diagnostics: Any = None) -> None:
        super().__init__(message)
        self.diagnostics: List[Any] = list(diagnostics or [])

    @property
    def code(self) -> str:  # type: ignore[override]
        """The code of the first diagnostic (``INVALID_JSON``, ``MISSING_STATEMENT``, …)."""
        return self.diagnostics[0].code if self.diagnostics else "PARSE_ERROR"

    def __reduce__(self) -> Tuple[Any, ...]:
        # Diagnostics pickle themselves, so the copy holds Diagnostic objects again.
        return (self.__class__, (self.message, self.diagnostics))


class RequestError(IamError, ValueError):
    """A request could not be built: an unreadable principal, action or context value, or an
    argument of the wrong type for a request field. ``field`` names the field at fault
    (``principal``, ``resource``, ``context.aws:SourceIp``); ``path`` is the same as a JSON Pointer
    into a request written as in simulation files. A request given as keyword arguments has no
    source text, so there is no line or column."""

    code = "INVALID_SIMULATION"
    help: Optional[str] = None

    def __init__(self, message: str, field: Any = None) -> None:
        super().__init__(message)
        self.field: str = field or ""

    @property
    def path(self) -> str:
        """The field as a JSON Pointer: ``/context/aws:PrincipalTag~1team``."""
        head, _, key = self.field.partition(".")
        parts = [head] + ([key] if key else [])
        return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts if p)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.message, self.field))
