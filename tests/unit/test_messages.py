"""The message catalog (hjp/messages.py): diagnostics carry a key and plain arguments, rendered when
shown; the caches hold codes and arguments, so a changed wording needs no cache flush."""

from __future__ import annotations

import ast
import pickle
from datetime import date
from pathlib import Path

import pytest

from hjp import messages
from hjp.diagnostics import Diagnostic, Severity, error, warning
from hjp.messages import MESSAGES, Part, part, render

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The catalog, with test entries that vanish after the test."""
    for key, template in {"TEST.plain": "没有参数", "TEST.args": "值 {value} 在 {when}，共 {n:.1f} 项{hint}",
                          "TEST.list": "缺少：{items}；或者 [{items:, }]", "TEST.hint": "；是不是 {word}？",
                          "TEST.brace": "写成 {{date: 日期}}，值 {value}"}.items():
        monkeypatch.setitem(MESSAGES, key, template)
    return MESSAGES


def test_render_formats_arguments_parts_and_tuples(catalog: dict[str, str]) -> None:
    assert render("TEST.plain", ()) == "没有参数"
    hint = part("TEST.hint", word="一般")
    args = messages.pack({"value": "一搬", "when": date(2026, 2, 3), "n": 2, "hint": hint})
    assert args == (("value", "一搬"), ("when", "2026-02-03"), ("n", 2), ("hint", Part("TEST.hint", (("word", "一般"),))))
    assert render("TEST.args", args) == "值 一搬 在 2026-02-03，共 2.0 项；是不是 一般？"
    items = messages.pack({"items": ["甲", part("TEST.plain"), 3]})
    assert render("TEST.list", items) == "缺少：甲、没有参数、3；或者 [甲, 没有参数, 3]"
    assert render("TEST.brace", (("value", 1),)) == "写成 {date: 日期}，值 1"
    assert f"{hint}" == str(hint) == "；是不是 一般？"


def test_rendering_never_raises(catalog: dict[str, str]) -> None:
    """An entry written by another version of hjp (unknown key, missing argument) still shows."""
    assert render("TEST.nothing", (("value", 1),)) == "TEST.nothing value=1"
    assert render("TEST.args", (("value", 1),)) == "TEST.args value=1"


def test_arguments_are_plain_data() -> None:
    with pytest.raises(TypeError, match="not plain data"):
        messages.pack({"path": Path("a")})
    with pytest.raises(TypeError, match="not plain data"):
        error("HJP208", "a.yaml", evidence=object())
    # dates become ISO text, lists tuples: what the caches store is str/int/float/bool/None
    d = error("HJP213", "a.yaml", 3, 5, "DW-1", closed_on=date(2024, 1, 2), since=date(2025, 1, 1))
    assert d.args == (("closed_on", "2024-01-02"), ("since", "2025-01-01"))


def test_a_diagnostic_renders_its_message_when_shown(catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    d = error("HJP213", "v/units.yaml", 3, 5, "DW-1", closed_on=date(2024, 1, 2), since=date(2025, 1, 1))
    assert (d.code, d.key, d.severity, d.path, d.line, d.col, d.record) == (
        "HJP213", "HJP213", Severity.ERROR, "v/units.yaml", 3, 5, "DW-1")
    assert str(d) == ("v/units.yaml:3:5: error HJP213: 关闭退出日期 closed_on 2024-01-02 早于开业日期 since 2025-01-01；"
                      "请核对")
    assert d.to_json()["message"] == d.message
    monkeypatch.setitem(MESSAGES, "HJP213", "新的说法：{since} 之后才能 {closed_on}")
    assert d.message == "新的说法：2025-01-01 之后才能 2024-01-02"
    w = warning("HJP204.deadline", path="a.yaml", line=2, col=1, record=None, deadline="2024-01-01", found_on="2024-02-01")
    assert (w.code, w.key, w.severity) == ("HJP204", "HJP204.deadline", Severity.WARNING)


def test_line_breaks_are_escaped_and_long_messages_cut(catalog: dict[str, str]) -> None:
    d = error("TEST.args", "a\nb.yaml", value="一\n二", when="x", n=1, hint="")
    assert d.path == "a\\nb.yaml" and d.message == "值 一\\n二 在 x，共 1.0 项"
    long = error("TEST.args", "a.yaml", value="字" * 5000, when="x", n=1, hint="")
    assert len(long.message) < 1000 and "中间省略" in long.message and long.message.endswith("在 x，共 1.0 项")


def test_notes_follow_the_message_and_count_in_equality(catalog: dict[str, str]) -> None:
    d = error("TEST.plain", "a.yaml")
    noted = d.noted(part("audit.backfill.created"), severity=Severity.WARNING)
    assert noted.message == "没有参数（建立台账时录入，视为补录）" and noted.severity is Severity.WARNING
    assert noted != d and len({d, d, noted}) == 2


def test_a_diagnostic_pickles_as_codes_and_arguments(catalog: dict[str, str]) -> None:
    d = error("HJP216", "a.yaml", 2, 3, "DW-1", value="化工", hint=part("hint.did_you_mean", word="工贸"))
    blob = pickle.dumps(d)
    assert "是不是".encode() not in blob and "行业领域".encode() not in blob  # no rendered wording stored
    assert pickle.loads(blob) == d


def test_the_catalog_imports_nothing_of_hjp() -> None:
    """The run cache's hit path renders through it: standard library only."""
    tree = ast.parse((REPO / "hjp" / "messages.py").read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {"__future__", "re", "dataclasses", "datetime", "functools", "typing", "hashlib"}
