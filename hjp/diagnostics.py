"""The one diagnostic type: every problem hjp finds is a value of this type.

Loading and rules return lists of these; reporters in ``output.py`` print them.
Codes are stable (documented in docs/codes.md) because users grep and filter by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    path: str
    line: int = 1  # 1-based
    col: int = 1  # 1-based
    record: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value} {self.code}: {self.message}"

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "record": self.record,
        }

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.code, self.message)


def error(code: str, message: str, path: str, line: int = 1, col: int = 1, record: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, path, line, col, record)


def warning(code: str, message: str, path: str, line: int = 1, col: int = 1, record: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, path, line, col, record)


def has_errors(diags: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diags)
