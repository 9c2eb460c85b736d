"""Refusals that carry a message for the clerk and an exit code (stdlib only: cheap to import anywhere).

The library raises them; the application (``hjp.app``) prints the message and exits with the code.
Other modules' errors with a ``message`` and a ``code`` are handled alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hjp.diagnostics import Diagnostic


class HjpError(Exception):
    """A refusal: ``message`` for the clerk, ``code`` the exit code (1 data, 2 usage or unreadable
    input), ``diagnostics`` the validation errors behind it, when there are any."""

    def __init__(self, message: str, code: int = 2, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.diagnostics = diagnostics or []


class EditError(HjpError):
    """A refused change of the ledger (nothing was written)."""


class UsageError(HjpError):
    """An option that does not fit the ledger (e.g. --village naming no village): exit 2."""


class LedgerNotFound(HjpError):
    """The ledger directory or its town.yaml does not exist (usage error, exit 2)."""

    def __init__(self, message: str):
        super().__init__(message, 2)
