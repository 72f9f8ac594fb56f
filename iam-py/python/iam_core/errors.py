"""The exceptions iam_core raises. Every one is an :class:`IamError`; bad input is also a
:class:`ValueError`, so ``except ValueError`` keeps working in generic code."""

from __future__ import annotations

from typing import Any, List


class IamError(Exception):
    """Base class of every iam_core error."""

    def __init__(self, message: str, payload: Any = None) -> None:
        super().__init__(message)
        self.message = message


class ParseError(IamError, ValueError):
    """A policy (or simulation input) could not be read. ``diagnostics`` holds every error, each
    with its code, message, help, path, line and column."""

    def __init__(self, message: str, diagnostics: Any = None) -> None:
        super().__init__(message)
        self.diagnostics: List[Any] = list(diagnostics or [])

    def __reduce__(self):  # picklable across processes
        return (self.__class__, (self.message, [d.to_json() for d in self.diagnostics]))


class RequestError(IamError, ValueError):
    """A request could not be built: an unreadable principal, action or context value.
    ``field`` names the request field at fault."""

    def __init__(self, message: str, field: Any = None) -> None:
        super().__init__(message)
        self.field: str = field or ""

    def __reduce__(self):
        return (self.__class__, (self.message, self.field))
