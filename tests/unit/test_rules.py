"""One test per validation rule (HJP2xx) and per loader check (HJP0xx): exact diagnostic lines."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from hjp.diagnostics import Severity
from hjp.load import load_ledger
from hjp.rules import RULES, RuleContext, run_rules

AS_OF = date(2026, 11, 28)  # the same fixed "today" as conftest.AS_OF

H = "ledger/villages/cun/hazards.yaml"
T = "ledger/tasks.yaml"

# A complete, valid 一般 hazard; tests append or change one field at a time.
HAZARD = """\
hazards:
  - id: YH-2024-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2024-05-10
    rectification: {owner: 王某, deadline: 2024-06-30}
"""

UNITS = """\
units:
  - id: DW-cun-01
    name: 何家畔加油站
    sector: 危险化学品
    principal: 李某
"""


def hazards(*extra: str) -> str:
    return HAZARD + "".join(f"    {line}\n" for line in extra)


def tasks(body: str) -> str:
    return "tasks:\n" + body


def test_minimal_ledger_is_clean(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards(), "villages/cun/units.yaml": UNITS,
                        "tasks.yaml": tasks("  - {id: RW-1, title: 培训, deadline: 2024-12-31}\n")})
    assert diagnostics_of(root) == []


def test_hjp201_duplicate_ids_across_villages(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards(), "villages/zhen/hazards.yaml": hazards()})
    assert diagnostics_of(root) == [
        "ledger/villages/zhen/hazards.yaml:2:5: error HJP201: 编号 YH-2024-0001 重复："
        "ledger/villages/cun/hazards.yaml:2 已经用过；编号须在整个台账中唯一，请改用新编号",
    ]


def _git(cwd: Path, *args: str, when: str = "2026-11-01T10:00:00+08:00") -> None:
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "文员",
           "GIT_AUTHOR_EMAIL": "clerk@example.org", "GIT_COMMITTER_NAME": "文员", "GIT_COMMITTER_EMAIL": "clerk@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_hjp201_blames_the_newer_record_by_git_history(make_ledger, tmp_path):
    """The original lives in zhen (read second); the copy added later in cun (read first) is the one
    to renumber. Blaming the original made the clerk renumber it, which audit flags (HJP502)."""
    from typer.testing import CliRunner

    from hjp.cli import app

    root = make_ledger({"villages/zhen/hazards.yaml": hazards(), "villages/cun/village.yaml": "name: 村\n"})
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "原有台账")
    (root / "villages" / "cun" / "hazards.yaml").write_text(hazards(), encoding="utf-8")
    expected = ("ledger/villages/cun/hazards.yaml:2:5: error HJP201: 编号 YH-2024-0001 重复："
                "ledger/villages/zhen/hazards.yaml:2 已经用过；编号须在整个台账中唯一，请改用新编号\n")
    result = CliRunner().invoke(app, ["validate", "--ledger", "ledger"], catch_exceptions=False)
    assert result.stdout.splitlines()[0] + "\n" == expected  # not committed yet: newest
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "新增隐患", when="2026-11-20T10:00:00+08:00")
    result = CliRunner().invoke(app, ["validate", "--ledger", "ledger"], catch_exceptions=False)
    assert result.stdout.splitlines()[0] + "\n" == expected  # committed later
    # hjp check blames the same record
    result = CliRunner().invoke(app, ["check", "--ledger", "ledger", "--as-of", "2024-05-20"], catch_exceptions=False)
    assert expected.strip() in result.stdout


def test_hjp201_line_ages_from_git(tmp_path):
    from hjp.history import line_ages

    (tmp_path / "a.yaml").write_text("x\ny\n", encoding="utf-8")
    assert line_ages([("a.yaml", 1)]) in ([None], [float("inf")])  # no repository here (or an outer one)
    _git(tmp_path, "init", "-q")
    assert line_ages([(str(tmp_path / "a.yaml"), 1)]) == [float("inf")]  # untracked
    _git(tmp_path, "add", "a.yaml")
    _git(tmp_path, "commit", "-qm", "a", when="2026-11-01T10:00:00+08:00")
    (tmp_path / "a.yaml").write_text("x\nz\n", encoding="utf-8")
    assert line_ages([(str(tmp_path / "a.yaml"), 1), (str(tmp_path / "a.yaml"), 2)]) == [1793498400.0, float("inf")]


def test_hjp202_unit_must_be_in_the_same_village(make_ledger, diagnostics_of):
    root = make_ledger({
        "villages/cun/hazards.yaml": hazards("unit: DW-zhen-01"),
        "villages/cun/units.yaml": UNITS,
        "villages/zhen/units.yaml": UNITS.replace("DW-cun-01", "DW-zhen-01"),
        "villages/zhen/drills.yaml": "drills:\n  - {id: YL-1, title: 疏散演练, kind: 疏散逃生, unit: DW-zhen-1}\n",
    })
    assert diagnostics_of(root) == [
        f"{H}:9:11: error HJP202: unit（所属单位）DW-zhen-01 不是本村 cun 的生产经营单位（它属于 zhen）"
        "；是不是要写 DW-cun-01？",
        "ledger/villages/zhen/drills.yaml:2:47: error HJP202: unit（所属单位）DW-zhen-1 不是本村 zhen 的生产经营单位"
        "；是不是要写 DW-zhen-01？",
    ]


def test_hjp202_unknown_unit_without_close_match(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards("unit: DW-xyz")})
    assert diagnostics_of(root) == [
        f"{H}:9:11: error HJP202: unit（所属单位）DW-xyz 不是本村 cun 的生产经营单位；请先在本村 units.yaml 登记该单位",
    ]


def test_hjp203_major_hazard_needs_all_five_measures(make_ledger, diagnostics_of):
    text = hazards("basis: 《工贸企业重大事故隐患判定标准》第四条", "supervision: {level: 镇级, since: 2024-05-11}").replace(
        "level: 一般", "level: 重大").replace(
        "{owner: 王某, deadline: 2024-06-30}", "{owner: 王某, deadline: 2024-06-30, funds: 0}")
    root = make_ledger({"villages/cun/hazards.yaml": text})
    assert diagnostics_of(root) == [
        f"{H}:8:20: error HJP203: 重大隐患须落实整改“五定”，缺少：定措施 measures、定预案 contingency"
        "；请在 rectification 下补上",
    ]


def test_hjp203_general_hazard_needs_only_owner_and_deadline(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards()})
    assert diagnostics_of(root) == []


def test_hjp203_voided_major_hazard_is_not_checked(make_ledger, diagnostics_of):
    text = hazards("void: {date: 2024-05-11, reason: 重复录入}").replace("level: 一般", "level: 重大")
    root = make_ledger({"villages/cun/hazards.yaml": text})
    assert diagnostics_of(root) == []


def test_hjp204_date_order(make_ledger, diagnostics_of):
    text = hazards("rectified_on: 2024-05-01", "verified_by: 赵某", "closed_on: 2024-04-30")
    text += hazards("verified_by: 赵某", "rectified_on: 2024-05-20", "closed_on: 2024-05-02").replace(
        "hazards:\n", "").replace("YH-2024-0001", "YH-2024-0002")
    root = make_ledger({"villages/cun/hazards.yaml": text})
    assert diagnostics_of(root) == [
        f"{H}:9:19: error HJP204: 整改完成日期 rectified_on 2024-05-01 早于发现日期 found_on 2024-05-10；"
        "日期顺序应为 发现 ≤ 整改完成 ≤ 销号",
        f"{H}:11:16: error HJP204: 销号日期 closed_on 2024-04-30 早于整改完成日期 rectified_on 2024-05-01；"
        "日期顺序应为 发现 ≤ 整改完成 ≤ 销号",
        f"{H}:21:16: error HJP204: 销号日期 closed_on 2024-05-02 早于整改完成日期 rectified_on 2024-05-20；"
        "日期顺序应为 发现 ≤ 整改完成 ≤ 销号",
    ]


def test_hjp204_closed_before_found(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards("verified_by: 赵某", "closed_on: 2024-05-01")})
    assert diagnostics_of(root) == [
        f"{H}:10:16: error HJP204: 销号日期 closed_on 2024-05-01 早于发现日期 found_on 2024-05-10；"
        "日期顺序应为 发现 ≤ 整改完成 ≤ 销号",
        f"{H}:10:16: error HJP205: 已填销号日期 closed_on，但没有整改完成日期 rectified_on；须先整改、验收，再销号",
    ]


def test_hjp205_closed_without_rectified_on_or_verified_by(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards("closed_on: 2024-06-25")})
    assert diagnostics_of(root) == [
        f"{H}:9:16: error HJP205: 已填销号日期 closed_on，但没有整改完成日期 rectified_on；须先整改、验收，再销号",
        f"{H}:9:16: error HJP205: 已填销号日期 closed_on，但没有验收人 verified_by；销号前须经验收，请填写验收人",
    ]


def test_hjp205_complete_closure_is_clean(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards(
        "rectified_on: 2024-06-20", "verified_by: 赵某", "closed_on: 2024-06-25")})
    assert diagnostics_of(root) == []


def test_hjp206_reporter_only_with_source_report(make_ledger, diagnostics_of):
    from conftest import sealed_files

    bad = hazards("reporter: 已密封")
    good = bad.replace("source: 自查", "source: 举报").replace("hazards:\n", "").replace("0001", "0002")
    root = make_ledger({"villages/cun/hazards.yaml": bad + good,
                        **sealed_files({"YH-2024-0001": "匿名群众", "YH-2024-0002": "匿名群众"})})
    assert diagnostics_of(root) == [
        f"{H}:9:15: error HJP206: 只有来源为 举报 的隐患才填写 reporter（举报人），此隐患来源为 自查；"
        "请删除 reporter 或把 source 改为 举报",
    ]


def test_hjp207_evidence_paths_escaping_the_repository(make_ledger, diagnostics_of, tmp_path):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "ok.jpg").write_bytes(b"jpg")
    os.symlink("/etc", tmp_path / "evidence" / "out")
    root = make_ledger({"villages/cun/hazards.yaml": hazards(
        "evidence:", "  - evidence/ok.jpg", "  - ../secret.jpg", "  - /etc/passwd", "  - evidence/out/passwd",
        "  - evidence/../../x.jpg", "  - 'C:\\Users\\a.jpg'")})
    assert diagnostics_of(root) == [
        f"{H}:11:9: error HJP207: 佐证材料路径 ../secret.jpg 须是仓库内的相对路径（例如 evidence/YH-2024-0001/验收单.jpg），"
        "不能是绝对路径或用 .. 跳出仓库",
        f"{H}:12:9: error HJP207: 佐证材料路径 /etc/passwd 须是仓库内的相对路径（例如 evidence/YH-2024-0001/验收单.jpg），"
        "不能是绝对路径或用 .. 跳出仓库",
        f"{H}:13:9: error HJP207: 佐证材料路径 evidence/out/passwd 经符号链接指向仓库之外；请把文件放进仓库",
        f"{H}:14:9: error HJP207: 佐证材料路径 evidence/../../x.jpg 须是仓库内的相对路径（例如 evidence/YH-2024-0001/验收单.jpg），"
        "不能是绝对路径或用 .. 跳出仓库",
        f"{H}:15:9: error HJP207: 佐证材料路径 C:\\Users\\a.jpg 须是仓库内的相对路径（例如 evidence/YH-2024-0001/验收单.jpg），"
        "不能是绝对路径或用 .. 跳出仓库",
    ]


def test_hjp208_missing_evidence_is_a_warning_at_the_item_line(make_ledger, diagnostics_of):
    root = make_ledger({"tasks.yaml": tasks(
        "  - id: RW-1\n    title: 培训\n    ongoing: true\n    progress:\n"
        "      - date: 2024-05-10\n        note: 召开专题培训会1次\n        evidence: [a.jpg, evidence/b.jpg]\n")})
    assert diagnostics_of(root) == [
        f"{T}:8:20: warning HJP208: 佐证材料 a.jpg 不存在；请把文件放到仓库的这个位置，或改正路径",
        f"{T}:8:27: warning HJP208: 佐证材料 evidence/b.jpg 不存在；请把文件放到仓库的这个位置，或改正路径",
    ]
    # without the file check (e.g. a quick pre-commit run) only escaping paths matter
    assert diagnostics_of(root, check_files=False) == []


def test_hjp209_task_with_zero_or_two_shapes(make_ledger, diagnostics_of):
    root = make_ledger({"tasks.yaml": tasks(
        "  - {id: RW-1, title: 无形式}\n"
        "  - {id: RW-2, title: 两种形式, deadline: 2024-12-31, every: quarter}\n"
        "  - {id: RW-3, title: 空阶段目标, milestones: [], ongoing: true}\n"
        "  - {id: RW-4, title: 非长期, ongoing: false}\n")})
    assert diagnostics_of(root) == [
        f"{T}:2:5: error HJP209: 任务须有且只有一种形式：deadline（一次性）、milestones（阶段目标）、every（周期性）、"
        "ongoing: true（长期坚持）；请补上其中一个",
        f"{T}:3:58: error HJP209: 任务只能有一种形式，现在同时有 deadline（一次性）、every（周期性）；请只保留一个",
        f"{T}:4:42: error HJP209: milestones 为空列表；请列出阶段目标，或改用其他形式",
        f"{T}:4:55: error HJP209: 任务只能有一种形式，现在同时有 milestones（阶段目标）、ongoing（长期坚持）；请只保留一个",
        f"{T}:5:5: error HJP209: 任务须有且只有一种形式：deadline（一次性）、milestones（阶段目标）、every（周期性）、"
        "ongoing: true（长期坚持）；请补上其中一个",
    ]


def test_hjp210_occurrences_only_on_recurring_tasks(make_ledger, diagnostics_of):
    root = make_ledger({"tasks.yaml": tasks(
        "  - id: RW-1\n    title: 一次性\n    deadline: 2024-12-31\n    occurrences: [{date: 2024-06-01}]\n"
        "  - id: RW-2\n    title: 每季度\n    every: quarter\n    occurrences: [{date: 2024-06-01}]\n")})
    assert diagnostics_of(root) == [
        f"{T}:5:18: error HJP210: 只有周期性任务（every）才有 occurrences（落实记录）；其他任务请用 progress 记录进展",
    ]


def test_hjp211_fields_that_do_not_fit_the_shape(make_ledger, diagnostics_of):
    root = make_ledger({"tasks.yaml": tasks(
        "  - {id: RW-1, title: a, ongoing: true, done_on: 2024-05-01, end: 2025-01-01}\n"
        "  - {id: RW-2, title: b, every: year, done_on: 2024-05-01}\n"
        "  - {id: RW-3, title: c, milestones: [{due: 2024-12-31, what: x}], done_on: 2024-05-01}\n"
        "  - {id: RW-4, title: d, deadline: 2024-12-31, start: 2024-05-01}\n")})
    assert diagnostics_of(root) == [
        f"{T}:2:50: error HJP211: 只有一次性任务（deadline）才有 done_on（完成日期）；长期坚持的任务用 progress 记录进展",
        f"{T}:2:67: error HJP211: end（结束日期）只用于周期性任务；请删除",
        f"{T}:3:48: error HJP211: 只有一次性任务（deadline）才有 done_on（完成日期）；周期性任务用 occurrences 记录每次落实",
        f"{T}:4:77: error HJP211: 只有一次性任务（deadline）才有 done_on（完成日期）；"
        "阶段目标的完成日期写在各 milestones 项的 done_on 下",
        f"{T}:5:55: error HJP211: start（开始日期）只用于周期性和长期坚持的任务；请删除",
    ]


def test_hjp212_action_must_be_one_of_the_towns(make_ledger, diagnostics_of):
    root = make_ledger({"tasks.yaml": tasks("  - {id: RW-1, title: a, ongoing: true, action: 11}\n"
                                            "  - {id: RW-2, title: b, ongoing: true, action: 2}\n")})
    assert diagnostics_of(root) == [
        f"{T}:2:49: error HJP212: action（所属行动）11 不是方案中的行动编号；可选：1、2",
    ]


def test_hjp213_unit_closed_before_it_opened(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/units.yaml": UNITS + "    since: 2020-05-01\n    closed_on: 2019-12-31\n"})
    assert diagnostics_of(root) == [
        "ledger/villages/cun/units.yaml:7:16: error HJP213: 关闭退出日期 closed_on 2019-12-31 早于开业日期 since "
        "2020-05-01；请核对",
    ]


def test_hjp214_recurring_start_after_end(make_ledger, diagnostics_of):
    root = make_ledger({"tasks.yaml": tasks(
        "  - {id: RW-1, title: a, every: month, start: 2025-01-01, end: 2024-12-31}\n")})
    assert diagnostics_of(root) == [
        f"{T}:2:47: error HJP214: 开始日期 start 2025-01-01 晚于结束日期 end 2024-12-31；请核对",
    ]


def test_hjp215_phases_inside_the_plan(make_ledger, diagnostics_of):
    town = """\
name: 测试镇
county: 测试县
plan:
  title: 测试方案
  doc_no: 测〔2024〕1号
  issued_on: 2024-03-31
  start: 2024-03-31
  end: 2026-12-31
phases:
  - {name: 动员部署阶段, start: 2024-03-31, end: 2024-03-31}
  - {name: 集中攻坚阶段, start: 2024-03-01, end: 2025-12-31}
  - name: 自查总结阶段
    start: 2026-12-31
    end: 2026-10-01
"""
    root = make_ledger(town=town)
    assert diagnostics_of(root) == [
        "ledger/town.yaml:11:5: error HJP215: 阶段 集中攻坚阶段（2024-03-01 至 2025-12-31）超出了方案期限 "
        "2024-03-31 至 2026-12-31；请核对阶段日期或 plan 的 start、end",
        "ledger/town.yaml:13:12: error HJP215: 阶段 自查总结阶段 的开始日期 start 2026-12-31 晚于结束日期 end "
        "2026-10-01；请核对",
    ]


def test_hjp215_plan_start_after_end(make_ledger, diagnostics_of):
    root = make_ledger(town=TOWN_PLAN_REVERSED)
    assert diagnostics_of(root) == [
        "ledger/town.yaml:3:70: error HJP215: 方案起始日期 plan.start 2026-12-31 晚于截止日期 plan.end 2024-03-31；请核对",
    ]


TOWN_PLAN_REVERSED = """\
name: 测试镇
county: 测试县
plan: {title: 测试方案, doc_no: 测〔2024〕1号, issued_on: 2024-03-31, start: 2026-12-31, end: 2024-03-31}
"""


def test_hjp219_unknown_timezone(make_ledger, diagnostics_of):
    """Unchecked, a typo made the clock fall back to UTC: "today" a day behind Beijing until 08:00."""
    from conftest import TOWN_YAML

    root = make_ledger(town=TOWN_YAML + "timezone: Asia/Shangai\n")
    assert diagnostics_of(root) == [
        "ledger/town.yaml:9:11: error HJP219: 时区 timezone 的值 Asia/Shangai 不是有效的时区名称；是不是要写 Asia/Shanghai？",
    ]
    for bad in ("北京时间", "../../etc/passwd", "''"):
        root = make_ledger(town=TOWN_YAML + f"timezone: {bad}\n")
        shown = "" if bad == "''" else bad
        assert diagnostics_of(root) == [
            f"ledger/town.yaml:9:11: error HJP219: 时区 timezone 的值 {shown} 不是有效的时区名称；中国大陆请写 Asia/Shanghai",
        ]
    root = make_ledger(town=TOWN_YAML + "timezone: Asia/Urumqi\n")
    assert diagnostics_of(root) == []


def test_hjp216_sector_typo_gets_did_you_mean(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards().replace("sector: 消防", "sector: 消防安全"),
                        "villages/cun/units.yaml": UNITS.replace("危险化学品", "矿山")})
    out = diagnostics_of(root)
    assert out[0] == f"{H}:4:13: error HJP216: sector（行业领域）的值 消防安全 不在词表中；是不是要写 消防？"
    assert out[1].startswith("ledger/villages/cun/units.yaml:4:13: error HJP216: sector（行业领域）的值 矿山 不在词表中；"
                             "可选：道路交通、交通运输、建筑施工、")
    assert len(out) == 2


def test_hjp216_town_can_narrow_the_sectors(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards()}, town=TOWN_PLAN_OK + "sectors: [工贸]\n")
    assert diagnostics_of(root) == [
        f"{H}:4:13: error HJP216: sector（行业领域）的值 消防 不在词表中；可选：工贸",
    ]


TOWN_PLAN_OK = TOWN_PLAN_REVERSED.replace("start: 2026-12-31, end: 2024-03-31", "start: 2024-03-31, end: 2026-12-31")


def test_hjp217_dates_after_today_are_warnings(make_ledger, diagnostics_of):
    root = make_ledger({
        "villages/cun/hazards.yaml": hazards().replace("found_on: 2024-05-10", "found_on: 2026-12-01")
                                              .replace("deadline: 2024-06-30", "deadline: 2026-12-31"),
        "tasks.yaml": tasks(
            "  - id: RW-1\n    title: a\n    milestones:\n      - {due: 2026-12-31, what: x, done_on: 2026-12-02}\n"
            "  - id: RW-2\n    title: b\n    every: year\n    occurrences:\n      - {date: 2024-12-01}\n"
            "      - {date: 2026-12-03}\n"
            "  - {id: RW-3, title: c, ongoing: true, progress: [{date: 2027-01-01, note: 计划}]}\n"),
    })
    assert diagnostics_of(root, as_of=date(2026, 11, 28)) == [
        f"{T}:5:45: warning HJP217: 第 1 个阶段目标的完成日期 done_on 2026-12-02 晚于今天 2026-11-28，可能是笔误；"
        "在那天之前不计入统计",
        f"{T}:11:16: warning HJP217: 第 2 条落实记录的日期 date 2026-12-03 晚于今天 2026-11-28，可能是笔误；在那天之前不计入统计",
        f"{T}:12:59: warning HJP217: 第 1 条进展记录的日期 date 2027-01-01 晚于今天 2026-11-28，可能是笔误；在那天之前不计入统计",
        f"{H}:7:15: warning HJP217: 发现日期 found_on 2026-12-01 晚于今天 2026-11-28，可能是笔误；在那天之前不计入统计",
    ]
    # as of a later day the same ledger is clean
    assert diagnostics_of(root, as_of=date(2027, 1, 1)) == []


def test_hjp218_id_prefix_must_match_the_file(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": hazards().replace("YH-2024-0001", "YL-2024-0001"),
                        "tasks.yaml": tasks("  - {id: DW-1, title: a, ongoing: true}\n")})
    assert diagnostics_of(root) == [
        f"{T}:2:10: error HJP218: 任务的编号应以 RW- 开头（现为 DW-1，生产经营单位的前缀）；请改正编号或把记录移到对应文件",
        f"{H}:2:9: error HJP218: 隐患的编号应以 YH- 开头（现为 YL-2024-0001，演练的前缀）；请改正编号或把记录移到对应文件",
    ]


def test_hjp900_a_crashing_rule_becomes_a_diagnostic_and_others_still_run(make_ledger):
    root = make_ledger({"villages/cun/hazards.yaml": hazards("closed_on: 2024-06-25", "rectified_on: 2024-06-20",
                                                             "verified_by: 赵某")})
    ledger = load_ledger(root, cache=False)

    def broken_rule(ledger, ctx):
        yield from ()
        raise KeyError("boom")

    diags = run_rules(ledger, RuleContext(as_of=AS_OF), [broken_rule, *RULES])
    assert len(diags) == 1
    d = diags[0]
    assert (d.code, d.severity, d.path, d.line) == ("HJP900", Severity.ERROR, "ledger", 1)
    assert d.message.startswith("检查 broken_rule 出错（hjp 程序缺陷，请报告）：")
    assert d.message.endswith(f"{Path(__file__).name}:{broken_rule.__code__.co_firstlineno + 2}")


# --- loader checks on the ledger's layout (HJP001, HJP009, HJP011–HJP013, top-level HJP101) ---

def test_hjp001_unreadable_file(tmp_path):
    from hjp.load import read_file

    parsed = read_file(tmp_path, "ledger/hazards.yaml")  # a directory: read_bytes raises OSError
    assert parsed.data is None
    [d] = parsed.diagnostics
    assert str(d).startswith("ledger/hazards.yaml:1:1: error HJP001: 无法读取文件（")


def test_hjp009_top_level_list_and_wrong_shapes(make_ledger, diagnostics_of):
    root = make_ledger({
        "villages/cun/hazards.yaml": "- id: YH-1\n  title: x\n",
        "villages/cun/drills.yaml": "drills: {id: YL-1}\n",
        "villages/cun/units.yaml": "units:\n  - DW-1\n  - [a]\n",
        "villages/zhen/village.yaml": "- 何家畔村\n",
        "villages/cun2/village.yaml": "# 只有注释\n",
    })
    assert diagnostics_of(root) == [
        "ledger/villages/cun/drills.yaml:1:9: error HJP009: drills: 下应为记录列表（每条以 - 开头），而不是映射",
        "ledger/villages/cun/hazards.yaml:1:1: error HJP009: 文件顶层应为映射 hazards:，而不是列表；"
        "请在第一行写 hazards: 并把记录缩进写在它下面",
        "ledger/villages/cun/units.yaml:2:5: error HJP009: 第 1 条记录应为“键: 值”映射，而不是单个值 'DW-1'",
        "ledger/villages/cun/units.yaml:3:5: error HJP009: 第 2 条记录应为“键: 值”映射，而不是列表",
        "ledger/villages/cun2/village.yaml:1:1: error HJP009: 文件是空的；请按 ledgers/README.md 填写",
        "ledger/villages/zhen/village.yaml:1:1: error HJP009: 文件顶层应为“键: 值”映射，而不是列表",
    ]


def test_hjp101_unknown_top_level_key(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": "hazard:\n  - id: YH-1\nnotes: x\n"})
    assert diagnostics_of(root) == [
        f"{H}:1:1: error HJP101: 未知的顶层键 hazard；是不是要写 hazards？",
        f"{H}:3:1: error HJP101: 未知的顶层键 notes；此文件只能有 hazards:",
    ]


def test_hjp011_village_slug_must_be_ascii(make_ledger, diagnostics_of):
    root = make_ledger({"villages/何家畔/village.yaml": "name: 何家畔村\n", "villages/Cun/village.yaml": "name: 村\n"})
    assert diagnostics_of(root) == [
        "ledger/villages/Cun:1:1: error HJP011: 村目录名 Cun 须为小写 ASCII 字母、数字和 -（例如拼音 hejiapan）；请重命名目录",
        "ledger/villages/何家畔:1:1: error HJP011: 村目录名 何家畔 须为小写 ASCII 字母、数字和 -（例如拼音 hejiapan）；请重命名目录",
    ]
    long = "a" * 61
    root = make_ledger({f"villages/{long}/village.yaml": "name: 村\n"})
    assert [d for d in diagnostics_of(root) if long in d] == [
        f"ledger/villages/{long}:1:1: error HJP011: 村目录名 {long} 太长（61 个字符，上限 60）；请改用简短的拼音，"
        "例如 hejiapan；请重命名目录"]


def test_hjp012_village_dir_without_village_yaml(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/village.yaml": None, "villages/cun/hazards.yaml": hazards()})
    assert diagnostics_of(root) == [
        "ledger/villages/cun:1:1: error HJP012: 村目录 cun 缺少 village.yaml；请创建并写上 name: 村名",
    ]


def test_hjp013_unknown_file_in_village_dir(make_ledger, diagnostics_of):
    # look-alikes of ledger files (hazard.yaml, drills.yml) are errors since issue 8: see test_layout.py
    root = make_ledger({"villages/cun/backup.yaml": "contacts: [张三]\n", "villages/cun/notes.yml": "a: 1\n",
                        "villages/cun/notes.txt": "随手记\n"})
    assert diagnostics_of(root) == [
        "ledger/villages/cun/backup.yaml:1:1: warning HJP013: 不认识的文件 backup.yaml，不会被读取"
        "；村目录只放 village.yaml、units.yaml、hazards.yaml、drills.yaml、tasks.yaml、inspections.yaml",
        "ledger/villages/cun/notes.yml:1:1: warning HJP013: 不认识的文件 notes.yml，不会被读取"
        "；村目录只放 village.yaml、units.yaml、hazards.yaml、drills.yaml、tasks.yaml、inspections.yaml",
    ]


def test_hjp217_names_the_as_of_day_when_it_is_not_today(make_ledger) -> None:
    from hjp.load import load_ledger
    from hjp.rules import RuleContext, run_rules
    from hjp.rules.records import check_future_dates

    make_ledger({"villages/a/drills.yaml": "drills:\n  - {id: YL-1, title: 演练, kind: 桌面, held_on: 2026-12-01}\n"})
    led = load_ledger("ledger", cache=False)
    got = [str(d) for d in run_rules(led, RuleContext(as_of=AS_OF, is_today=False), [check_future_dates])]
    assert got == ["ledger/villages/a/drills.yaml:2:46: warning HJP217: 演练实施日期 held_on 2026-12-01 "
                   "晚于计算日期 2026-11-28（--as-of），按该日计算时不计入统计"]


def test_hjp204_rectification_deadline_before_discovery(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARD.replace("found_on: 2024-05-10", "found_on: 2024-07-05")})
    assert diagnostics_of(root) == [
        f"{H}:8:20: error HJP204: 整改期限 rectification.deadline 2024-06-30 早于发现日期 found_on 2024-07-05"
        "；整改期限不能早于发现日期，请核对这两个日期"]
    # the same day is fine (rectified at once)
    root = make_ledger({"villages/cun/hazards.yaml": HAZARD.replace("found_on: 2024-05-10", "found_on: 2024-06-30")})
    assert diagnostics_of(root) == []


def test_hjp220_names_joined_with_chinese_punctuation_in_a_list(make_ledger, diagnostics_of):
    root = make_ledger({"tasks.yaml": tasks(
        "  - {id: RW-1, title: a, ongoing: true, lead: [张志瑞，赵辉], owners: [应急办、派出所, 各分管领导]}\n"
        "  - id: RW-2\n    title: b\n    ongoing: true\n    lead:\n      - 马建昭\n      - 张志瑞, 任振基\n")})
    assert diagnostics_of(root) == [
        f"{T}:2:48: warning HJP220: lead（牵头） 的第 1 项“张志瑞，赵辉”中有“，”，会被当作一个人（一项）；"
        "请拆成 2 项：[张志瑞, 赵辉]",
        f"{T}:2:66: warning HJP220: owners（责任） 的第 1 项“应急办、派出所”中有“、”，会被当作一个人（一项）；"
        "请拆成 2 项：[应急办, 派出所]",
        f"{T}:8:9: warning HJP220: lead（牵头） 的第 2 项“张志瑞, 任振基”中有“,”，会被当作一个人（一项）；"
        "请拆成 2 项：[张志瑞, 任振基]",
    ]
