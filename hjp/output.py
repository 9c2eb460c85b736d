"""Reporters: diagnostics (and later deadline findings) as text, JSON, GitHub annotations or JUnit.

Chosen by ``--format``; each writes to a text stream. Only this module and ``cli.py`` may use rich,
and only for terminal tables, imported lazily.
"""

from __future__ import annotations

import json
from typing import IO, Callable, Iterable

from hjp.diagnostics import Diagnostic, Severity


def _gh_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def summary_line(diags: list[Diagnostic], files: int, records: int) -> str:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = len(diags) - errors
    if not diags:
        return f"台账检查通过：{files} 个文件、{records} 条记录，没有发现问题。"
    return f"发现 {errors} 个错误、{warnings} 个警告（{files} 个文件、{records} 条记录）。"


def diagnostics_text(diags: Iterable[Diagnostic], out: IO[str]) -> None:
    for d in diags:
        out.write(f"{d}\n")


def diagnostics_json(diags: Iterable[Diagnostic], out: IO[str]) -> None:
    json.dump([d.to_json() for d in diags], out, ensure_ascii=False, indent=2)
    out.write("\n")


def diagnostics_github(diags: Iterable[Diagnostic], out: IO[str]) -> None:
    for d in diags:
        level = "error" if d.severity is Severity.ERROR else "warning"
        out.write(f"::{level} file={_gh_escape(d.path, prop=True)},line={d.line},col={d.col},"
                  f"title={_gh_escape(d.code, prop=True)}::{_gh_escape(d.message)}\n")


DIAGNOSTIC_REPORTERS: dict[str, Callable[[Iterable[Diagnostic], IO[str]], None]] = {
    "text": diagnostics_text,
    "json": diagnostics_json,
    "github": diagnostics_github,
}
