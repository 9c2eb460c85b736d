"""The demo ledger: stable for a seed, valid, read back by PyYAML to the intended values, and
covering every state, shape and kind the other commands need to show."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import pytest
import yaml

from hjp import deadlines, demo
from hjp.demo import DATA_END, DemoError, dump_records, generate, intended
from hjp.yamltext import flow, scalar
from hjp.load import load_ledger
from hjp.rules import RuleContext, validate

# The digest of `hjp demo --villages 3 --hazards 60 --seed 7`. Golden files and benchmarks
# elsewhere build on the demo: if this changes, the generator changed, and they must be refreshed.
# Changed on purpose: the demo writes with hjp.yamltext, which leaves "0934-…" phone numbers plain (no
# reader takes them for anything but text); issue 12 added inspections, trainings, classified units and
# the 重大 hazards' basis and supervision (the other records are unchanged).
PINNED_SHA256 = "6acae726998ce688ff65580c2392307c8f32f7b6ac149827d061dee548b582d4"


def _digest(root: Path) -> str:
    """Every file's path and bytes; of the sealed store only the names (age encryption is randomised
    and the demo key is new each time: their content is checked by decrypting, below)."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            rel = p.relative_to(root).as_posix()
            h.update(rel.encode() + b"\0" + (b"" if rel.startswith("sealed/") else p.read_bytes()) + b"\0")
    return h.hexdigest()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ledger"
    generate(root, villages=26, hazards=1300, seed=3)
    return root


def test_output_for_a_seed_is_pinned(tmp_path: Path) -> None:
    generate(tmp_path / "a", villages=3, hazards=60, seed=7)
    generate(tmp_path / "b", villages=3, hazards=60, seed=7)
    generate(tmp_path / "c", villages=3, hazards=60, seed=8)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") == PINNED_SHA256
    assert _digest(tmp_path / "c") != PINNED_SHA256


def test_exact_first_records(tmp_path: Path) -> None:
    generate(tmp_path / "d", villages=3, hazards=60, seed=7)
    village = tmp_path / "d/villages/hejiapan/village.yaml"
    assert village.read_text(encoding="utf-8") == (
        "# hjp demo 示例台账（合成数据，非真实台账）\n"
        "name: 何家畔村\nhead: 陈娟雪\nphone: 0934-4769079\nnotes: 镇政府驻地\n")
    hazards = (tmp_path / "d/villages/hejiapan/hazards.yaml").read_text(encoding="utf-8")
    assert hazards.startswith(
        "# hjp demo 示例台账（合成数据，非真实台账）\n"
        "hazards:\n"
        "  - id: YH-2024-0001\n"
        "    title: 电线私拉乱接\n"
        "    location: 村民院内\n"
        "    sector: 其他\n"
        "    level: 一般\n"
        "    source: 检查\n"
        "    found_on: 2024-06-05\n"
        "    found_by: 朱俊\n"
        "    rectification:\n"
        "      owner: 陈娟雪\n"
        "      measures: 规范线路敷设，加装漏电保护器\n"
        "      deadline: 2024-07-05\n"
        "    rectified_on: 2024-06-26\n"
        "    verified_by: 姚淑\n"
        "    closed_on: 2024-07-01\n"
        "\n"
        "  - id: YH-2024-0002\n")


def test_every_file_reads_back_to_the_intended_values(small: Path) -> None:
    want = intended(villages=26, hazards=1300, seed=3)
    files = sorted(p.relative_to(small).as_posix() for p in small.rglob("*.yaml"))
    assert files == sorted([*want, "town.yaml"])
    for rel, data in want.items():
        with open(small / rel, encoding="utf-8") as fh:
            assert yaml.safe_load(fh) == data, rel


def test_validates_clean(small: Path) -> None:
    ledger = load_ledger(small, cache=False)
    # Clean even for a "today" a week before the demo's anchor date: nothing happened later.
    assert [str(d) for d in validate(ledger, RuleContext(as_of=DATA_END))] == []
    assert len(ledger.villages) == 26
    assert sum(1 for _ in ledger.hazards()) == 1300
    # villages past the 24 named ones get a numbered slug and name
    assert ledger.villages["hejiapan2"].village.name == "何家畔2组"


def test_covers_every_state_shape_and_kind(small: Path) -> None:
    led = load_ledger(small, cache=False)
    hazards = [h for _, h in led.hazards()]
    live = [h for h in hazards if h.void is None]

    def state(h):  # the §3 derivation, independent of the deadlines engine
        return "已作废" if h.void else "已销号" if h.closed_on else "已整改待验收" if h.rectified_on else "整改中"

    states = {(h.level, state(h)) for h in hazards}
    for level in ("一般", "重大"):
        for st in ("整改中", "已整改待验收", "已销号"):
            assert (level, st) in states
    assert any(h.void for h in hazards)
    assert {h.source for h in live} == {"自查", "检查", "举报", "督查", "其他"}
    assert all((h.reporter is not None) == (h.source == "举报") for h in hazards)
    assert {h.reporter for h in hazards} == {None, "已密封"}
    assert {h.supervision.level for h in live if h.supervision} == {"镇级", "县级", "市级"}
    assert all(h.rectification.measures and h.rectification.contingency for h in live if h.level == "重大")
    # overdue, and awaiting closure (rectified > 30 days before the anchor, not closed)
    assert any(h.rectified_on is None and h.rectification.deadline < demo.ANCHOR for h in live)
    assert any(h.rectified_on is None and h.rectification.deadline >= demo.ANCHOR for h in live)
    assert any(h.closed_on is None and h.rectified_on and (demo.ANCHOR - h.rectified_on).days > 30 for h in live)
    sectors = {h.sector for h in hazards} | {u.sector for _, u in led.units()}
    assert sectors <= set(led.town.sectors) and len(sectors) >= 14
    drills = [d for _, d in led.drills()]
    assert {d.kind for d in drills} == {"疏散逃生", "桌面", "专项", "综合"}
    assert any(d.void for d in drills)
    assert any(d.held_on is None and d.planned_on and d.planned_on < demo.ANCHOR for d in drills)
    tasks = [t for _, t in led.all_tasks()]
    assert {t.shape for t in tasks} == {"deadline", "milestones", "every", "ongoing"}
    assert {t.every for t in tasks if t.every} == {"month", "quarter", "year"}
    assert any(t.void for t in tasks)
    units = [u for _, u in led.units()]
    assert any(u.void for u in units) and any(u.closed_on for u in units)
    assert any(not u.drill_required for u in units)
    # units classified, with valid credit codes (the rules say so: test_validates_clean)
    live_units = [u for u in units if u.void is None]
    assert all(u.credit_code and u.grade for u in live_units)
    assert {u.grade for u in live_units} == {"重点", "一般"} and any(not u.inspection_required for u in units)
    assert len({u.credit_code for u in live_units}) == len(live_units)
    # every 重大 hazard has its 判定依据; the open ones are all under 挂牌督办 (动态清零)
    assert all(h.basis for h in live if h.level == "重大")
    assert all(h.supervision for h in live if h.level == "重大" and h.closed_on is None)
    # inspections of every kind, linked both ways to the hazards they found; some quarters missed
    inspections = [i for v in led.villages.values() for i in v.inspections]
    assert {i.kind for i in inspections} == {"主要负责人带队", "部门检查", "联合检查", "镇级督导"}
    by_id = {h.id: h for h in hazards}
    linked = [(i, f) for i in inspections for f in i.findings]
    assert linked and all(by_id[f].found_in == i.id for i, f in linked)
    assert {h.source for h in hazards if h.found_in} == {"自查", "检查"}
    rows = deadlines.inspection_coverage(led, demo.ANCHOR)
    past = [r for r in rows if r.owed and r.due < demo.ANCHOR]
    missed = [r for r in past if not r.done]
    assert past and 0 < len(missed) < len(past) / 5
    # trainings: principals' sessions by name, others in 人次; coverage below 100 %
    trainings = led.trainings
    assert {t.kind for t in trainings} == {"主要负责人", "安全管理人员", "从业人员", "消防", "其他"}
    assert any(t.void for t in trainings) and all(t.attendees or t.count for t in trainings)
    covered = [r for r in deadlines.training_coverage(led, demo.ANCHOR) if r.owed]
    assert 0.6 < sum(1 for r in covered if r.trained) / len(covered) < 1
    # nothing has happened after DATA_END, whatever the seed
    happened = [h.found_on for h in hazards] + [h.rectified_on for h in hazards if h.rectified_on] + \
        [d.held_on for d in drills if d.held_on] + [o.date for t in tasks for o in t.occurrences + t.progress] + \
        [i.date for i in inspections] + [t.date for t in trainings] + \
        [h.supervision.since for h in hazards if h.supervision and h.supervision.since]
    assert max(happened) <= DATA_END


def test_progress_reports_every_hazard(tmp_path: Path) -> None:
    seen: list[int] = []
    stats = generate(tmp_path / "p", villages=4, hazards=41, seed=1, progress=seen.append)
    assert seen == [11, 10, 10, 10] and stats.hazards == 41 and stats.villages == 4


@pytest.mark.parametrize("kwargs, message", [
    ({"villages": 0}, "--villages 应在 1 到 200 之间（现为 0）"),
    ({"villages": 201}, "--villages 应在 1 到 200 之间（现为 201）"),
    ({"hazards": -1}, "--hazards 不能为负数（现为 -1）"),
    ({"villages": 2, "hazards": 40_001},
     "每个村最多 20000 条隐患（单个台账文件不能超过 10 MB）；40001 条隐患请至少用 --villages 3"),
])
def test_bad_arguments(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(DemoError) as exc:
        generate(tmp_path / "x", **kwargs)
    assert str(exc.value) == message
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_non_empty_directory_and_leaves_it_alone(tmp_path: Path) -> None:
    target = tmp_path / "t"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    with pytest.raises(DemoError, match="已存在且不是空目录"):
        generate(target)
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    empty = tmp_path / "e"
    empty.mkdir()
    generate(empty, villages=1, hazards=3)
    assert (empty / "town.yaml").is_file()


def test_all_or_nothing_when_interrupted(tmp_path: Path) -> None:
    def boom(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(tmp_path / "i", villages=2, hazards=4, progress=boom)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("value, text", [
    ("何家畔村", "何家畔村"),
    ("“九小场所”排查", "“九小场所”排查"),
    ("quarter", "quarter"),
    ("no", '"no"'), ("on", '"on"'), ("y", '"y"'), ("null", '"null"'),
    ("010", '"010"'), ("0934-1234567", "0934-1234567"), ("2024-03-01", '"2024-03-01"'),
    ("重复录入: 见上", '"重复录入: 见上"'), ("甲, 乙", "甲, 乙"), ("井#1", "井#1"),
    ("- 开头", '"- 开头"'), ("尾随空格 ", '"尾随空格 "'), ("两行\n文字", '"两行\\n文字"'),
    ("DW-hejiapan-01", "DW-hejiapan-01"), (True, "true"), (12, "12"), (date(2024, 2, 29), "2024-02-29"),
])
def test_scalar_quoting_reads_back(value: object, text: str) -> None:
    """The demo writes with hjp's one emitter (hjp.yamltext): plain only where no reader could misread it."""
    assert scalar(value) == text
    assert yaml.safe_load(f"k: {text}\n") == {"k": value}
    assert yaml.safe_load(f"k: {flow([value])}\n") == {"k": [value]}


def test_empty_record_file_is_an_empty_list() -> None:
    assert dump_records("hazards", [], "# h\n") == "# h\nhazards: []\n"
    assert yaml.safe_load(dump_records("hazards", [], "# h\n")) == {"hazards": []}


def test_cli_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from hjp.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["demo", "d", "--villages", "3", "--hazards", "60", "--seed", "7"],
                        catch_exceptions=False)
    assert res.exit_code == 0
    assert res.stdout == ("已生成示例台账 d：3 个村、23 个生产经营单位、60 条隐患、76 次演练、34 项任务、182 次检查、13 次培训（种子 7）。\n"
                          "3 条举报隐患的举报人（合成）已密封；演示密钥（一次性，仅供试用）在台账旁边：d.demo-key.txt\n"
                          "试试：hjp overdue --ledger d --as-of 2026-11-30\n"
                          "      hjp reporter show YH-2024-0005 --ledger d --identity d.demo-key.txt --reason 试用\n")
    assert _digest(tmp_path / "d") == PINNED_SHA256
    res = runner.invoke(app, ["demo", "d"], catch_exceptions=False)
    assert res.exit_code == 2
    assert res.stderr == "hjp: 错误：d 已存在且不是空目录；请换一个目录，或先删除它\n"
    res = runner.invoke(app, ["demo", "e", "--villages", "x"], catch_exceptions=False)
    assert res.exit_code == 2 and not (tmp_path / "e").exists()


def test_synthetic_reporters_are_sealed_to_a_throwaway_key_beside_the_ledger(tmp_path: Path) -> None:
    from hjp import sealed

    stats = generate(tmp_path / "s", villages=3, hazards=60, seed=7)
    key = tmp_path / "s.demo-key.txt"
    assert stats.key == key and stats.sealed == 3
    assert key.stat().st_mode & 0o777 == 0o600
    text = key.read_text(encoding="utf-8")
    assert "# hjp demo 演示密钥：只能打开示例台账" in text and "切勿用于真实台账" in text
    ident = sealed.load_identity(key, tmp_path / "s")
    data = intended(villages=3, hazards=60, seed=7)
    marked = sorted(h["id"] for rel, d in data.items() if rel.endswith("hazards.yaml") for h in d["hazards"]
                    if h.get("reporter") == sealed.MARKER)
    assert sorted(p.stem for p in (tmp_path / "s/sealed").glob("*.age")) == marked
    opened = [sealed.unseal(rid, (tmp_path / f"s/sealed/{rid}.age").read_bytes(), ident, display=rid)[0]
              for rid in marked]
    assert opened == ["丁国（合成数据）", "曹兰宏（合成数据）", "匿名群众"]
    # the plaintext is nowhere in the ledger's files
    for p in (tmp_path / "s").rglob("*"):
        if p.is_file():
            assert not any(o.encode() in p.read_bytes() for o in opened), p


def test_demo_key_never_lands_inside_a_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    stats = generate(tmp_path / "repo" / "ledgers", villages=1, hazards=20, seed=1)
    assert stats.key == tmp_path / "repo-ledgers.demo-key.txt" and stats.key.is_file()
    assert not list((tmp_path / "repo").glob("*.demo-key.txt"))


def test_demo_never_overwrites_a_file_that_is_not_its_key(tmp_path: Path) -> None:
    (tmp_path / "k.demo-key.txt").write_text("# 我的私钥\nAGE-SECRET-KEY-1...\n", encoding="utf-8")
    with pytest.raises(DemoError, match="不是 hjp demo 的演示密钥"):
        generate(tmp_path / "k", villages=1, hazards=5)
    assert not (tmp_path / "k").exists()
    assert (tmp_path / "k.demo-key.txt").read_text(encoding="utf-8").startswith("# 我的私钥")
    generate(tmp_path / "j", villages=1, hazards=20)
    old = (tmp_path / "j.demo-key.txt").read_text(encoding="utf-8")
    import shutil

    shutil.rmtree(tmp_path / "j")
    generate(tmp_path / "j", villages=1, hazards=20)  # a new demo replaces its own old key
    assert (tmp_path / "j.demo-key.txt").read_text(encoding="utf-8") != old
