"""The message catalog (hjp/messages.py): diagnostics carry a key and plain arguments, rendered when
shown; the caches hold codes and arguments, so a changed wording needs no cache flush."""

from __future__ import annotations

import ast
import os
import pickle
import shutil
import subprocess
import sys
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


def test_parts_unpickle_as_parts_and_render_by_their_own_types(catalog: dict[str, str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts are tuples underneath (cheap to unpickle) but stay Parts; a rendered fragment is reused
    only for the same template and the same types of arguments (1, 1.0 and True are equal keys)."""
    parts = [part("TEST.hint", word=1), part("TEST.hint", word=1.0), part("TEST.hint", word=True)]
    back = pickle.loads(pickle.dumps(parts))
    assert [type(p) for p in back] == [Part] * 3 and back == parts
    assert [str(p) for p in back] == ["；是不是 1？", "；是不是 1.0？", "；是不是 True？"]
    assert render("TEST.args", (("value", 1), ("when", ("a", "b")), ("n", 2), ("hint", back[1]))) == \
        "值 1 在 a、b，共 2.0 项；是不是 1.0？"
    monkeypatch.setitem(MESSAGES, "TEST.hint", "（{word}？）")
    assert str(back[0]) == "（1？）"  # a changed template is rendered anew


def test_signature_follows_keys_and_arguments_not_wording(monkeypatch: pytest.MonkeyPatch) -> None:
    before = messages.signature()
    messages.signature.cache_clear()
    monkeypatch.setitem(MESSAGES, "HJP213", MESSAGES["HJP213"].replace("请核对", "请再核对一遍"))
    assert messages.signature() == before
    messages.signature.cache_clear()
    monkeypatch.setitem(MESSAGES, "HJP213", MESSAGES["HJP213"] + "{extra}")
    assert messages.signature() != before
    messages.signature.cache_clear()


def test_the_catalog_imports_nothing_of_hjp() -> None:
    """The run cache's hit path renders through it: standard library only."""
    tree = ast.parse((REPO / "hjp" / "messages.py").read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {"__future__", "re", "dataclasses", "datetime", "functools", "typing", "hashlib", "operator"}


# --------------------------------------------------------------------------- caches hold codes and arguments

BAD = """\
hazards:
  - id: YH-2026-0001
    title: 灭火器过期
    sector: 消防
    level: 特大
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-12-31}
  - id: YH-2026-0002
    title: 通道堵塞
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-12-31}
    evidence: [evidence/YH-2026-0002/照片.jpg]
"""

# Runs hjp validate from the package copy on PYTHONPATH; says how many files were parsed and
# whether the models were imported (not on a whole-run cache hit).
RUN = """\
import sys
sys.argv = ["hjp", "validate", "--ledger", "ledger"]
import hjp.yamlread as yamlread  # before hjp.load, which takes parse_bytes from it
parsed = []
real = yamlread.parse_bytes
def counting(raw, display, **kw):
    parsed.append(display)
    return real(raw, display, **kw)
yamlread.parse_bytes = counting
from hjp.cli import main
try:
    main()
except SystemExit:
    pass
print("PARSED", len(parsed), "MODELS", "hjp.model" in sys.modules and "pydantic" in sys.modules)
"""


def test_a_changed_wording_shows_without_flushing_either_cache(make_ledger, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Edit a template in hjp/messages.py: the next run is still answered from the whole-run cache,
    and (after an unrelated ledger change) from the per-file cache, in the new wording."""
    root = make_ledger({"villages/hejiapan/hazards.yaml": BAD})
    (root.parent / ".git").mkdir()
    pkg = tmp_path / "lib" / "hjp"
    shutil.copytree(REPO / "hjp", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(pkg.parent), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("HJP_NO_CACHE", None)

    def run() -> tuple[list[str], str]:
        proc = subprocess.run([sys.executable, "-c", RUN], cwd=root.parent, env=env, capture_output=True,
                              text=True, timeout=120)
        lines = proc.stdout.splitlines()
        assert lines[-1].startswith("PARSED"), proc.stdout + proc.stderr
        return lines[:-1], lines[-1]

    first, stats = run()
    assert stats == "PARSED 3 MODELS True"
    assert [line.split(": ", 2)[1] for line in first[:2]] == ["error HJP105", "warning HJP208"]
    assert "level（隐患等级） 的值 特大 不在允许的范围内" in first[0] and "不存在；请把文件放到仓库的这个位置" in first[1]

    catalog = pkg / "messages.py"
    text = catalog.read_text(encoding="utf-8")
    for old, new in (("不在允许的范围内（", "超出了可选的值（"), ("不存在；请把文件放到仓库的这个位置，或改正路径", "找不到（改过的说法）")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    catalog.write_text(text, encoding="utf-8")

    second, stats = run()
    assert stats == "PARSED 0 MODELS False"  # the whole-run cache answered
    assert second == [first[0].replace("不在允许的范围内（", "超出了可选的值（"),
                      first[1].replace("不存在；请把文件放到仓库的这个位置，或改正路径", "找不到（改过的说法）"), *first[2:]]

    (root / "villages" / "xinzhuang").mkdir()
    (root / "villages" / "xinzhuang" / "village.yaml").write_text("name: 新庄村\n", encoding="utf-8")
    third, stats = run()
    assert stats == "PARSED 1 MODELS True"  # only the new village.yaml: the others came from the per-file cache
    assert third[:2] == second[:2]
