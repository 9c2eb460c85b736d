"""schemas/ are generated from the models, in sync, fully described in Chinese; ledger files point at them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hjp import schemagen
from hjp.model import SCHEMA_MODELS
from hjp.resources import schemas_dir

REPO = Path(__file__).resolve().parent.parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\s*$")
SCHEMA_FILES = sorted(p.name for p in (REPO / "schemas").glob("*.schema.json"))


def test_schemas_are_in_sync_with_the_models():
    assert schemas_dir() == REPO / "schemas"
    assert schemagen.stale(REPO / "schemas") == [], "schemas/ is stale: run `hjp schemas` and commit the result"
    assert SCHEMA_FILES == sorted(f"{name}.schema.json" for name in SCHEMA_MODELS)


def _properties(schema: dict) -> list[tuple[str, str, dict]]:
    out = []
    for model_name, model in [("(top)", schema), *schema.get("$defs", {}).items()]:
        for field, prop in model.get("properties", {}).items():
            out.append((model_name, field, prop))
    return out


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_field_has_a_chinese_title_and_description(name):
    schema = json.loads((REPO / "schemas" / name).read_text(encoding="utf-8"))
    props = _properties(schema)
    assert props
    for model_name, field, prop in props:
        assert CJK.search(prop.get("title", "")), f"{name} {model_name}.{field} has no Chinese title"
        assert CJK.search(prop.get("description", "")), f"{name} {model_name}.{field} has no Chinese description"
    for model_name, model in schema.get("$defs", {}).items():
        assert CJK.search(model.get("description", "")), f"{name} {model_name} has no Chinese description"


def _enums(node: object) -> list[dict]:
    if isinstance(node, dict):
        found = [node] if "enum" in node else []
        return found + [e for v in node.values() for e in _enums(v)]
    if isinstance(node, list):
        return [e for v in node for e in _enums(v)]
    return []


def test_every_enum_value_is_described_in_chinese():
    seen = 0
    for name in SCHEMA_FILES:
        schema = json.loads((REPO / "schemas" / name).read_text(encoding="utf-8"))
        for enum in _enums(schema):
            seen += 1
            descriptions = enum.get("enumDescriptions", [])
            assert len(descriptions) == len(enum["enum"]), f"{name}: {enum['enum']}"
            assert all(CJK.search(d) for d in descriptions), f"{name}: {descriptions}"
            assert enum.get("markdownEnumDescriptions") == descriptions
    assert seen >= 5  # hazard level and source, supervision level, drill kind, task recurrence


def _ledger_files() -> list[Path]:
    return sorted(p for p in (REPO / "ledgers").rglob("*.yaml") if ".hjp-cache" not in p.parts)


def test_there_is_a_shipped_ledger():
    names = [p.name for p in _ledger_files()]
    assert "town.yaml" in names and "tasks.yaml" in names


@pytest.mark.parametrize("path", _ledger_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_ledger_files_start_with_the_schema_modeline(path):
    first = path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()[0]
    match = MODELINE.match(first)
    assert match, f"{path.relative_to(REPO)} must start with # yaml-language-server: $schema=..."
    target = (path.parent / match.group(1)).resolve()
    assert target.is_file(), f"{match.group(1)} does not exist"
    assert target.parent == (REPO / "schemas").resolve()
    assert target.name == f"{path.stem}.schema.json"


def test_ledgers_readme_documents_every_field_of_every_file():
    """ledgers/README.md's field reference names every field of every file (nested ones too)."""
    import typing

    from hjp import model

    text = (REPO / "ledgers" / "README.md").read_text(encoding="utf-8")
    sections = {s.split("（", 1)[0].strip(): s for s in text.split("\n### ")[1:]}

    def fields(cls, seen=()):
        for name, info in cls.model_fields.items():
            yield name
            for arg in (info.annotation, *typing.get_args(info.annotation),
                        *(a for t in typing.get_args(info.annotation) for a in typing.get_args(t))):
                if isinstance(arg, type) and hasattr(arg, "model_fields") and arg not in seen:
                    yield from fields(arg, (*seen, cls))

    missing = []
    for stem, cls in model.SCHEMA_MODELS.items():
        section = sections.get(f"{stem}.yaml")
        assert section is not None, f"no section ### {stem}.yaml"
        record = model.RECORD_FILES[stem][2] if stem in model.RECORD_FILES else cls
        missing += [f"{stem}.{name}" for name in fields(record) if f"`{name}`" not in section]
    assert missing == []
