"""Refusals that carry a message for the clerk and an exit code (stdlib only: cheap to import anywhere)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hjp.diagnostics import Diagnostic


class EditError(Exception):
    """A refused change: ``message`` is for the clerk, ``code`` the exit code (1 data, 2 usage);
    ``diagnostics``: the validation errors that refused it, when there are any."""

    def __init__(self, message: str, code: int = 2, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.diagnostics = diagnostics or []
