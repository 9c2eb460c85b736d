"""Domain commands (hjp.edit) through a transaction: other bytes untouched, atomic, validated, IDs distinct."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest
import yaml

from hjp import edit, transaction
from hjp.transaction import Transaction
from hjp.yamltext import BOM, YamlText

AS_OF = date(2026, 11, 28)

HAZARDS = """\
# yaml-language-server: $schema=../../../schemas/hazards.schema.json
# 何家畔村隐患台账：注释、流式映射、引号和空行都要原样保留

hazards:
  # 第一条
  - id: YH-2024-0001   # 重大隐患
    title: '卸油区静电接地装置失效'
    sector: 危险化学品
    level: 重大
    source: 自查
    found_on: 2024-05-10
    basis: 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第十条
    rectification: {owner: 王某, measures: "更换静电接地装置并检测", funds: 3000, deadline: 2024-06-30, contingency: 整改期间停止卸油作业}
    supervision: {level: 县级, since: 2024-05-12}
    notes: >-
      多行备注，
      第二行

  - id: YH-2024-0002
    title: "楼梯间堆放杂物"
    sector: 消防
    level: 一般
    source: 检查
    found_on: 2024-05-11
    rectification:
      owner: 李某   # 村主任
      deadline: 2024-05-20
    rectified_on: 2024-05-19


  - id: YH-2024-0003
    title: 燃气软管老化
    sector: 餐饮燃气
    level: 一般
    source: 举报
    reporter: 已密封
    found_on: 2024-07-01
    rectification:
      owner: 张某
      deadline: 2024-07-15
# 文件结尾的注释
"""

TASKS = """\
tasks:
  - id: RW-hejiapan-1
    title: 阶段目标任务
    milestones:
      - {due: 2024-12-31, what: 完成排查}
      - due: 2025-12-31
        what: 全部整改
  - id: RW-hejiapan-2
    title: 每季度检查
    every: quarter
    occurrences: [{date: 2024-06-15, note: 第二季度检查}]   # 流式列表
  - id: RW-hejiapan-3
    title: 长期宣传
    ongoing: true
    progress:
      - date: 2024-05-10
        note: 召开专题培训会1次
  - id: RW-hejiapan-4
    title: 一次性任务
    deadline: 2024-09-30
"""


def write_ledger(root: Path, files: dict[str, bytes]) -> None:
    from conftest import TOWN_YAML, sealed_files

    (root / "villages" / "hejiapan").mkdir(parents=True)
    (root / "town.yaml").write_text(TOWN_YAML, encoding="utf-8")
    (root / "villages" / "hejiapan" / "village.yaml").write_text("name: 何家畔村\n", encoding="utf-8")
    for rel, data in files.items():
        (root / rel).write_bytes(data)
    if b"reporter: " in files.get("villages/hejiapan/hazards.yaml", b""):  # YH-2024-0003's sealed 举报人
        (root / "sealed").mkdir()
        for rel, text in sealed_files({"YH-2024-0003": "匿名群众"}).items():
            (root / rel).write_text(text, encoding="utf-8")


def encode(text: str, eol: str, bom: bool) -> bytes:
    data = text.replace("\n", eol).encode("utf-8")
    return BOM + data if bom else data


def changed_lines_within(old: bytes, new: bytes, first: int, last: int) -> None:
    """Every line that differs lies inside old lines [first, last] (0-based) or is inserted next to them."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            assert first <= i1 and i2 <= last + 1, (tag, i1, i2, first, last)


def record_span(data: bytes, rid: str, top: str) -> tuple[int, int]:
    doc = YamlText.from_bytes(data, "x")
    node = doc.find_record(top, rid, "x")
    assert node is not None
    return doc.record_lines(node)


def loaded_record(data: bytes, top: str, rid: str) -> dict:
    items = yaml.safe_load(data.decode("utf-8-sig"))[top]
    return next(r for r in items if r["id"] == rid)


@pytest.fixture(params=[("\n", False), ("\r\n", False), ("\r\n", True)], ids=["lf", "crlf", "crlf-bom"])
def ledger_files(request, tmp_path):
    eol, bom = request.param
    root = tmp_path / "ledger"
    files = {"villages/hejiapan/hazards.yaml": encode(HAZARDS, eol, bom),
             "villages/hejiapan/tasks.yaml": encode(TASKS, eol, bom)}
    write_ledger(root, files)
    return root, files, eol, bom


def tx(root: Path) -> Transaction:
    return Transaction(root, clock=lambda tz: AS_OF, cache=False)


def run(root: Path, make) -> tuple[bytes, bytes, edit.Change]:
    with tx(root) as t:
        change = t.add(make(t))
        old = change.path.read_bytes() if change.path.exists() else b""
        t.commit()
    return old, change.path.read_bytes(), change


CASES = [
    ("YH-2024-0001", "hazards", lambda t: edit.plan_rectify(t, "YH-2024-0001", on=date(2024, 6, 20)),
     {"rectified_on": date(2024, 6, 20)}),
    ("YH-2024-0002", "hazards",
     lambda t: edit.plan_close(t, "YH-2024-0002", on=date(2024, 5, 25), by="赵某"),
     {"verified_by": "赵某", "closed_on": date(2024, 5, 25)}),
    ("YH-2024-0003", "hazards",
     lambda t: edit.plan_void(t, "YH-2024-0003", reason="no", on=date(2024, 8, 1)),
     {"void": {"date": date(2024, 8, 1), "reason": "no"}}),
    ("RW-hejiapan-2", "tasks",
     lambda t: edit.plan_done(t, "RW-hejiapan-2", on=date(2024, 9, 1), note="on: 010"),
     {"occurrences": [{"date": date(2024, 6, 15), "note": "第二季度检查"}, {"date": date(2024, 9, 1), "note": "on: 010"}]}),
    ("RW-hejiapan-3", "tasks",
     lambda t: edit.plan_done(t, "RW-hejiapan-3", on=date(2024, 9, 1), note="008"),
     {"progress": [{"date": date(2024, 5, 10), "note": "召开专题培训会1次"}, {"date": date(2024, 9, 1), "note": "008"}]}),
    ("RW-hejiapan-4", "tasks",
     lambda t: edit.plan_done(t, "RW-hejiapan-4", on=date(2024, 9, 1), note="1e3"),
     {"done_on": date(2024, 9, 1), "progress": [{"date": date(2024, 9, 1), "note": "1e3"}]}),
]


@pytest.mark.parametrize("rid,top,make,expect", CASES, ids=[c[0] + "-" + next(iter(c[3])) for c in CASES])
def test_change_touches_only_its_record_and_reads_back(ledger_files, rid, top, make, expect):
    root, _files, eol, bom = ledger_files
    old, new, _change = run(root, make)
    first, last = record_span(old, rid, top)
    changed_lines_within(old, new, first, last)
    assert new.startswith(BOM) is bom
    assert new.count(b"\n") == new.count(eol.encode()) if eol == "\r\n" else b"\r" not in new
    before, after = loaded_record(old, top, rid), loaded_record(new, top, rid)
    assert after == {**before, **expect}
    # every other record reads back exactly as before
    others = lambda data: [r for r in yaml.safe_load(data.decode("utf-8-sig"))[top] if r["id"] != rid]  # noqa: E731
    assert others(old) == others(new)


def test_rectify_inserts_in_model_order_exact_text(tmp_path):
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/hazards.yaml": HAZARDS.encode()})
    _old, new, _ = run(root, CASES[0][2])
    assert new.decode() == HAZARDS.replace(
        "since: 2024-05-12}\n",
        "since: 2024-05-12}\n    rectified_on: 2024-06-20\n")


def test_milestone_done_in_flow_mapping_exact_text(tmp_path):
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/tasks.yaml": TASKS.encode()})
    _old, new, _ = run(root, lambda t: edit.plan_done(t, "RW-hejiapan-1", on=date(2024, 12, 20),
                                                        milestone=1, evidence=["evidence/RW/总结.pdf"]))
    assert new.decode() == TASKS.replace(
        "{due: 2024-12-31, what: 完成排查}",
        "{due: 2024-12-31, what: 完成排查, done_on: 2024-12-20, evidence: [evidence/RW/总结.pdf]}")
    _old, new2, _ = run(root, lambda t: edit.plan_done(t, "RW-hejiapan-1", on=date(2025, 1, 2),
                                                         milestone=2))
    assert new2.decode() == new.decode().replace("        what: 全部整改\n",
                                                 "        what: 全部整改\n        done_on: 2025-01-02\n")


def test_new_record_appended_with_the_files_rhythm_and_distinct_ids(ledger_files):
    root, _files, eol, bom = ledger_files
    values = {"title": "yes", "sector": "消防", "level": "一般", "source": "自查", "owner": "~",
              "deadline": date(2026, 12, 31), "found-on": date(2026, 11, 20), "notes": "a: b # c"}
    old, new, change = run(root, lambda t: edit.plan_new(t, "hazard", dict(values), village="hejiapan"))
    assert change.record_id == "YH-2026-0001"
    tail = "# 文件结尾的注释\n"
    expected = HAZARDS.replace(tail, "\n  - id: YH-2026-0001\n    title: \"yes\"\n    sector: 消防\n    level: 一般\n"
                               "    source: 自查\n    found_on: 2026-11-20\n    rectification:\n"
                               "      owner: \"~\"\n      deadline: 2026-12-31\n    notes: \"a: b # c\"\n" + tail)
    assert new == encode(expected, eol, bom)
    rec = loaded_record(new, "hazards", "YH-2026-0001")
    assert rec["title"] == "yes" and rec["rectification"]["owner"] == "~" and rec["notes"] == "a: b # c"
    _o, _n, second = run(root, lambda t: edit.plan_new(t, "hazard", dict(values), village="hejiapan"))
    assert second.record_id == "YH-2026-0002"


def test_new_file_is_created_with_the_schema_modeline(tmp_path):
    root = tmp_path / "ledger"
    write_ledger(root, {})
    _o, new, change = run(root, lambda t: edit.plan_new(
        t, "drill", {"title": "消防疏散演练", "kind": "疏散逃生", "planned-on": date(2026, 12, 1)},
        village="hejiapan"))
    assert change.path == root / "villages" / "hejiapan" / "drills.yaml"
    assert new.decode() == ("# yaml-language-server: $schema=../../../schemas/drills.schema.json\n"
                            "drills:\n  - id: YL-2026-0001\n    title: 消防疏散演练\n    kind: 疏散逃生\n"
                            "    planned_on: 2026-12-01\n")


def test_town_level_task_continues_the_numbering(tmp_path):
    root = tmp_path / "ledger"
    write_ledger(root, {"tasks.yaml": b"tasks:\n  - {id: RW-7, title: a, ongoing: true}\n  - id: RW-2024-1\n"
                                      b"    title: b\n    ongoing: true\n"})
    with tx(root) as t:
        change = edit.plan_new(t, "task", {"title": "c", "deadline": date(2026, 12, 1)}, village=None)
    assert change.record_id == "RW-8"


def test_invalid_result_is_refused_and_nothing_written(tmp_path):
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/hazards.yaml": HAZARDS.encode()})
    with tx(root) as t, pytest.raises(edit.EditError) as exc:
        t.add(edit.plan_new(t, "hazard", {"title": "t", "sector": "消防", "level": "一般", "source": "自查",
                                          "owner": "o", "deadline": date(2026, 12, 1), "unit": "DW-nowhere-01"},
                            village="hejiapan"))
        t.commit()
    assert exc.value.code == 1
    assert [d.code for d in exc.value.diagnostics] == ["HJP202"]
    assert exc.value.diagnostics[0].path == f"{root}/villages/hejiapan/hazards.yaml"
    assert (root / "villages/hejiapan/hazards.yaml").read_bytes() == HAZARDS.encode()


def test_failure_between_temp_write_and_rename_leaves_original(tmp_path, monkeypatch):
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/hazards.yaml": HAZARDS.encode()})
    seen = []

    def boom(src: str, dst: Path) -> None:
        seen.append(Path(src).read_bytes())
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(transaction, "_replace", boom)
    with tx(root) as t, pytest.raises(edit.EditError) as exc:
        t.add(CASES[0][2](t))
        new = t.prepare().files[0].new
        t.write()
    assert "原文件未改动" in exc.value.message
    assert seen == [new]  # the temporary file was complete when the rename failed
    assert (root / "villages/hejiapan/hazards.yaml").read_bytes() == HAZARDS.encode()
    assert sorted(p.name for p in (root / "villages/hejiapan").iterdir()) == ["hazards.yaml", "village.yaml"]
    assert list((root / ".hjp-cache/tmp").iterdir()) == []


def test_failed_new_village_leaves_no_folder_behind(tmp_path, monkeypatch):
    """The village folder was created before the write; left empty it made the ledger invalid
    (HJP012) and `hjp new village` then refused the retry as 'already exists'."""
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/hazards.yaml": HAZARDS.encode()})

    def boom(src: str, dst: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(transaction, "_replace", boom)
    with tx(root) as t, pytest.raises(edit.EditError) as exc:
        t.add(edit.plan_new_village(t, "dazhuang", {"name": "大庄村"}))
        t.commit()
    assert exc.value.message == f"写入 {root}/villages/dazhuang/village.yaml 失败（磁盘空间不足），原文件未改动"
    assert sorted(p.name for p in (root / "villages").iterdir()) == ["hejiapan"]


def test_new_village_completes_a_folder_made_by_hand(tmp_path):
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/hazards.yaml": HAZARDS.encode()})
    (root / "villages/dazhuang").mkdir()  # validate says: HJP012, create village.yaml
    with tx(root) as t:
        t.add(edit.plan_new_village(t, "dazhuang", {"name": "大庄村"}))
        t.commit()
    assert (root / "villages/dazhuang/village.yaml").read_text(encoding="utf-8").splitlines()[1] == "name: 大庄村"
    with tx(root) as t, pytest.raises(edit.EditError, match="村 dazhuang 已经存在"):
        edit.plan_new_village(t, "dazhuang", {"name": "大庄村"})


@pytest.mark.parametrize("fmt", ["YH-{seq:0999999999d}", "YH-{seq:>9}", "YH-{year:x}-{seq}", "YH-{seq:,}"])
def test_id_format_refuses_format_specs_beyond_zero_padding(tmp_path, fmt):
    """town.yaml is data: '{seq:0999999999d}' made str.format build a gigabyte (MemoryError, 内部错误)."""
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/hazards.yaml": HAZARDS.encode()})
    town = (root / "town.yaml").read_text(encoding="utf-8")
    (root / "town.yaml").write_text(town + f"id_format:\n  hazard: '{fmt}'\n", encoding="utf-8")
    with tx(root) as t, pytest.raises(edit.EditError) as exc:
        t.allocate_id("hazard", year=2026, village="hejiapan")
    part = fmt.split("-")[-1] if fmt != "YH-{year:x}-{seq}" else "{year:x}"
    assert exc.value.message == (f"town.yaml 的 id_format.hazard 中 {part} 的写法不支持；序号写 {{seq}} 或补零到固定位数，"
                                 "例如 {seq:04d}（1–9 位），{year}、{village} 不带格式")


def test_id_format_zero_padding_still_works(tmp_path):
    root = tmp_path / "ledger"
    write_ledger(root, {"villages/hejiapan/hazards.yaml": HAZARDS.encode()})
    town = (root / "town.yaml").read_text(encoding="utf-8")
    (root / "town.yaml").write_text(town + "id_format:\n  hazard: 'YH-{year}-{seq:06}'\n", encoding="utf-8")
    with tx(root) as t:
        assert t.allocate_id("hazard", year=2026, village="hejiapan") == "YH-2026-000001"
        assert t.allocate_id("hazard", year=2026, village="hejiapan") == "YH-2026-000002"
