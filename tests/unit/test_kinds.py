"""The registry of record kinds (hjp.kinds): consistent with the models, and the source of every
other kind table (load, rules, edit, history, schemas, docs)."""

from __future__ import annotations

import re
import typing
from datetime import date
from pathlib import Path

import pytest

from hjp import kinds, model
from hjp.kinds import KINDS

REPO = Path(__file__).resolve().parent.parent.parent


def test_docs_table_is_in_sync():
    text = (REPO / "docs/development.md").read_text(encoding="utf-8")
    table = text.split("<!-- kinds-table -->\n", 1)[1].split("<!-- /kinds-table -->", 1)[0]
    assert table == kinds.docs_table(), "docs/development.md's kinds table is stale; paste:\n" + kinds.docs_table()


def test_names_and_prefixes_are_unique():
    for attr in ("noun", "stem", "top", "prefix", "label", "model", "container"):
        values = [getattr(k, attr) for k in KINDS]
        assert len(values) == len(set(values)), attr
    assert all(k.village or k.town for k in KINDS)


def _annotation(cls, name):
    return cls.model_fields[name].annotation


def _is_list(tp) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is list or any(typing.get_origin(a) is list for a in args)


def _is_date(tp) -> bool:
    if tp is date:
        return True
    return any(_is_date(a) for a in typing.get_args(tp) if a is not type(None))


def _item_model(tp):
    for t in (tp, *typing.get_args(tp)):
        if typing.get_origin(t) is list:
            return typing.get_args(t)[0]
    raise AssertionError(tp)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.noun)
def test_kind_matches_its_models(kind):
    rec, container = kind.model_cls(), kind.container_cls()
    assert list(container.model_fields) == [kind.top]
    assert _item_model(_annotation(container, kind.top)) is rec
    assert model.RECORD_FILES[kind.stem] == (container, kind.top, rec, kind.prefix)
    assert model.SCHEMA_MODELS[kind.stem] is container
    assert re.fullmatch(model.ID_RE, f"{kind.prefix}-2026-0001")
    for name in kind.list_fields:
        assert _is_list(_annotation(rec, name)), name
    for name, label in kind.future_dates:
        assert _is_date(_annotation(rec, name)), name
        assert label
    for nested in kind.future_nested:
        assert _is_date(_annotation(_item_model(_annotation(rec, nested.list_field)), nested.field))
        assert "{n}" in nested.label
    assert kind.evidence == ("evidence" in rec.model_fields)
    for name in kind.evidence_nested:
        assert "evidence" in _item_model(_annotation(rec, name)).model_fields
    assert hasattr(model.IdFormat(), kind.noun), "IdFormat needs a field named by the noun (hjp new numbering)"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.noun)
def test_new_fields_exist_in_the_model(kind):
    for spec in kind.fields:
        cls = kind.model_cls()
        for part in spec.path[:-1]:
            cls = next(a for a in (_annotation(cls, part), *typing.get_args(_annotation(cls, part)))
                       if isinstance(a, type) and hasattr(a, "model_fields"))
        assert spec.path[-1] in cls.model_fields, spec
        if spec.choices:
            assert kinds.vocabulary(spec.choices, None) or spec.choices == "actions", spec
    options = {s.option for s in kind.fields}
    for option, _value, then in kind.required_if:
        assert option in options and set(then) <= options
    assert set(kind.one_of) <= options
    if kind.id_year:
        assert next(s for s in kind.fields if s.option == kind.id_year).type == "date"


def test_record_file_paths():
    assert kinds.stem_of_path("ledgers/villages/cun/hazards.yaml") == "hazards"
    assert kinds.stem_of_path("villages/cun/tasks.yaml") == "tasks"
    assert kinds.stem_of_path("ledgers/tasks.yaml") == "tasks"
    assert kinds.stem_of_path("tasks.yaml") == "tasks"
    assert kinds.stem_of_path("ledgers/hazards.yaml") is None  # hazards live per village only
    assert kinds.stem_of_path("ledgers/villages/cun/village.yaml") is None
    assert kinds.stem_of_path("ledgers/villages/cun/hazards.yaml.txt") is None
    assert kinds.history_patterns(kinds.TASK, "ledgers/") == ["ledgers/villages/*/tasks.yaml", "ledgers/tasks.yaml"]
    assert kinds.history_patterns(kinds.HAZARD, "") == ["villages/*/hazards.yaml"]
    assert kinds.of_id("YH-2024-0001") is kinds.HAZARD and kinds.of_id("XX-1") is None


def test_a_town_level_kind_is_described_by_the_same_fields():
    """A kind that lives only at the town level (trainings.yaml) needs no code beyond its entry."""
    town_only = kinds.Kind(noun="training", stem="trainings", top="trainings", prefix="PX", label="培训",
                           model="Training", container="TrainingsFile", village=False, town=True)
    assert town_only.file(Path("ledgers"), None) == Path("ledgers/trainings.yaml")
    assert kinds.history_patterns(town_only, "ledgers/") == ["ledgers/trainings.yaml"]
    assert kinds.HAZARD.file(Path("ledgers"), "cun") == Path("ledgers/villages/cun/hazards.yaml")


def test_no_other_module_spells_out_the_kind_tables():
    """The tables issue 9 found in five places are gone: the prefixes appear only in the registry."""
    offenders = []
    for path in sorted((REPO / "hjp").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "kinds.py":
            continue
        for pattern in (r'"DW":', r'"YH":', r'"YL":', r'"RW":', r"\(DW\|YH", r'"units", "hazards"'):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(REPO)}: {pattern}")
    assert offenders == []
