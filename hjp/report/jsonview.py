"""A view-model as JSON: ``hjp report NAME --format json`` prints exactly what the report is made from.

Every dataclass field becomes a key of the same name, in declaration order, followed by the
derived figures a class lists in ``JSON_DERIVED`` (rates, totals: computed properties the templates
use). Dates are ISO text, enums their stable English value, (label, number) pairs two-item lists.
The keys are documented in docs/report-json.md; tests/unit/test_report_json.py keeps the two in step.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import date
from enum import Enum
from typing import IO, Any

from hjp.console import ascii_only


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data (dict, list, str, int, float, bool, None)."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in fields(value)}
        for name in getattr(type(value), "JSON_DERIVED", ()):
            out[name] = plain(getattr(value, name))
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not a view-model value: {type(value).__name__}")


def dump(view_model: Any, out: IO[str], *, name: str) -> None:
    """``{"report": NAME, "view_model": {...}}``, indented, non-ASCII kept as written (escaped as
    ``\\uXXXX`` only on a stream that cannot encode every character, such as a GBK console)."""
    json.dump({"report": name, "view_model": plain(view_model)}, out, ensure_ascii=ascii_only(out), indent=2)
    out.write("\n")
