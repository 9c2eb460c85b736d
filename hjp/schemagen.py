"""JSON Schemas for editors, generated from the models (never edited by hand).

``hjp schemas`` rewrites ``schemas/*.schema.json``; ``hjp schemas --check`` (and a test) fails when
they are stale. Ledger files point at them with ``# yaml-language-server: $schema=...``.
"""

from __future__ import annotations

import json
from pathlib import Path

from hjp.model import SCHEMA_MODELS


def render_all() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, cls in SCHEMA_MODELS.items():
        schema = cls.model_json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                  "$id": f"{name}.schema.json", **schema}
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return out


def write(directory: Path) -> list[str]:
    """Write every schema; return the names that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in render_all().items():
        target = directory / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def stale(directory: Path) -> list[str]:
    return [name for name, text in render_all().items()
            if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text]
