"""`hjp overdue` through the CLI: the clerk's table, the contract JSON, filters, exit codes, and the
default date (today in Beijing, whatever the machine's time zone)."""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp import clock
from hjp.cli import app

from conftest import sealed_files

FILES = {
    "tasks.yaml": """\
tasks:
  - id: RW-8-2
    title: 主要负责人每季度带队检查
    lead: [张志瑞]
    every: quarter
    start: 2026-04-01
    occurrences:
      - {date: 2026-05-01}
  - id: RW-BG-3
    title: 自查总结报告
    deadline: 2026-12-15
""",
    "villages/dongzhuang/village.yaml": "name: 东庄村\n",
    "villages/dongzhuang/units.yaml": """\
units:
  - id: DW-dz-01
    name: 东庄加油站
    sector: 危险化学品
    principal: 孙某
    since: 2026-01-01
""",
    "villages/dongzhuang/hazards.yaml": """\
hazards:
  - id: YH-2026-0001
    title: 卸油区静电接地装置失效
    unit: DW-dz-01
    sector: 危险化学品
    level: 一般
    source: 举报
    reporter: 已密封
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-11-25}
  - id: YH-2026-0002
    title: 急弯路段缺少警示标志
    sector: 道路交通
    level: 一般
    source: 检查
    found_on: 2026-11-20
    rectification: {owner: 李某, deadline: 2026-12-02}
  - id: YH-2026-0003
    title: 电线私拉乱接
    sector: 其他
    level: 一般
    source: 自查
    found_on: 2026-09-20
    rectification: {owner: 赵某, deadline: 2026-10-10}
    rectified_on: 2026-10-01
  - id: YH-2026-0004
    title: 重复录入的隐患
    sector: 其他
    level: 一般
    source: 自查
    found_on: 2026-09-20
    rectification: {owner: 赵某, deadline: 2026-10-10}
    void: {date: 2026-09-21, reason: 重复录入}
""",
    "villages/dongzhuang/drills.yaml": """\
drills:
  - id: YL-2026-0001
    title: 东庄加油站疏散逃生演练
    kind: 疏散逃生
    unit: DW-dz-01
    planned_on: 2026-11-20
    organizer: 孙某
""",
    "villages/dongzhuang/tasks.yaml": """\
tasks:
  - id: RW-dz-1
    title: 常态化开展安全宣传进村入户
    lead: [刘某]
    ongoing: true
    progress:
      - {date: 2026-07-01, note: 入户宣传}
""",
    **sealed_files({"YH-2026-0001": "张三丰"}),
    # every quarter the unit owes (from its opening) inspected: only the items above are due
    "villages/dongzhuang/inspections.yaml": """\
inspections:
  - {id: JC-2026-0001, date: 2026-03-10, unit: DW-dz-01, kind: 主要负责人带队, led_by: 孙某}
  - {id: JC-2026-0002, date: 2026-06-10, unit: DW-dz-01, kind: 主要负责人带队, led_by: 孙某}
  - {id: JC-2026-0003, date: 2026-09-10, unit: DW-dz-01, kind: 主要负责人带队, led_by: 孙某}
""",
}

AS_OF = ["--as-of", "2026-11-30"]


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "160", **(env or {})}, catch_exceptions=False)


@pytest.fixture
def led(make_ledger) -> Path:
    return make_ledger(FILES)


TABLE = """\
截至 2026-11-30：逾期 3 项、即将到期 1 项、长期未更新 1 项、待销号 1 项。

逾期（已过期限仍未完成）
编号            类型       事项                                        村       到期日       逾期天数   责任人
──────────────────────────────────────────────────────────────────────────────────────────────────────────────
RW-8-2@2026Q3   周期任务   主要负责人每季度带队检查（2026年第3季度）   镇级     2026-09-30         61   张志瑞
YL-2026-0001    演练       东庄加油站疏散逃生演练                      东庄村   2026-11-20         10   孙某
YH-2026-0001    隐患       卸油区静电接地装置失效                      东庄村   2026-11-25          5   王某
逾期共 3 项（隐患 1、周期任务 1、演练 1），最久的 RW-8-2@2026Q3 已逾期 61 天。

即将到期（7 天内到期）
编号           类型   事项                   村       到期日       剩余天数   责任人
────────────────────────────────────────────────────────────────────────────────────
YH-2026-0002   隐患   急弯路段缺少警示标志   东庄村   2026-12-02          2   李某
7 天内到期共 1 项（隐患 1）。

长期未更新（长期坚持的任务超过 90 天没有进展记录）
编号      类型   事项                         村       到期日       逾期天数   责任人
─────────────────────────────────────────────────────────────────────────────────────
RW-dz-1   任务   常态化开展安全宣传进村入户   东庄村   2026-09-29         62   刘某
长期未更新共 1 项：请记录最新进展。

待销号（整改完成超过 30 天仍未验收销号）
编号           类型   事项           村       到期日       逾期天数   责任人
────────────────────────────────────────────────────────────────────────────
YH-2026-0003   隐患   电线私拉乱接   东庄村   2026-10-31         30   赵某
待销号共 1 项：请尽快组织验收并销号。
"""


def test_table(led: Path) -> None:
    res = invoke("overdue", "--ledger", str(led), *AS_OF)
    assert res.exit_code == 0
    assert res.stdout == TABLE
    assert res.stderr == ""


def test_columns_line_up_in_display_cells(led: Path) -> None:
    from rich.cells import cell_len

    lines = invoke("overdue", "--ledger", str(led), *AS_OF).stdout.splitlines()
    head, rows = lines[3], lines[5:8]
    # every row's due date starts in the same display column as its header, CJK counted double
    col = cell_len(head[:head.index("到期日")])
    for row in rows:
        due = re.search(r"\d{4}-\d{2}-\d{2}", row)
        assert due is not None and cell_len(row[:due.start()]) == col


def test_narrow_terminal_wraps_but_keeps_every_item(led: Path) -> None:
    res = invoke("overdue", "--ledger", str(led), *AS_OF, env={"COLUMNS": "60"})
    assert res.exit_code == 0
    assert all(key in res.stdout for key in ("RW-8-2@2026Q3", "YL-2026-0001", "YH-2026-0001", "YH-2026-0002"))
    assert max(len(line) for line in res.stdout.splitlines()) <= 60


EXPECTED_JSON = {
    "as_of": "2026-11-30",
    "overdue": [
        {"key": "RW-8-2@2026Q3", "id": "RW-8-2", "kind": "occurrence", "title": "主要负责人每季度带队检查（2026年第3季度）",
         "village": None, "due": "2026-09-30", "days": 61, "lead": ["张志瑞"]},
        {"key": "YL-2026-0001", "id": "YL-2026-0001", "kind": "drill", "title": "东庄加油站疏散逃生演练",
         "village": "dongzhuang", "due": "2026-11-20", "days": 10, "lead": ["孙某"]},
        {"key": "YH-2026-0001", "id": "YH-2026-0001", "kind": "hazard", "title": "卸油区静电接地装置失效",
         "village": "dongzhuang", "due": "2026-11-25", "days": 5, "lead": ["王某"]},
    ],
    "due_soon": [
        {"key": "YH-2026-0002", "id": "YH-2026-0002", "kind": "hazard", "title": "急弯路段缺少警示标志",
         "village": "dongzhuang", "due": "2026-12-02", "days": -2, "lead": ["李某"]},
    ],
    "stale": [
        {"key": "RW-dz-1", "id": "RW-dz-1", "kind": "task", "title": "常态化开展安全宣传进村入户",
         "village": "dongzhuang", "due": "2026-09-29", "days": 62, "lead": ["刘某"]},
    ],
    "awaiting_closure": [
        {"key": "YH-2026-0003", "id": "YH-2026-0003", "kind": "hazard", "title": "电线私拉乱接",
         "village": "dongzhuang", "due": "2026-10-31", "days": 30, "lead": ["赵某"]},
    ],
}


def test_json_is_exactly_the_contract_object(led: Path) -> None:
    res = invoke("overdue", "--ledger", str(led), *AS_OF, "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout) == EXPECTED_JSON
    assert list(json.loads(res.stdout)) == ["as_of", "overdue", "due_soon", "stale", "awaiting_closure"]
    assert "主要负责人" in res.stdout  # Chinese stays readable, not \\u escapes


@pytest.mark.parametrize("args, keys", [
    (["--within", "15"], ["RW-8-2@2026Q3", "YL-2026-0001", "YH-2026-0001", "YH-2026-0002", "RW-BG-3", "RW-dz-1",
                          "YH-2026-0003"]),
    (["--within", "0"], ["RW-8-2@2026Q3", "YL-2026-0001", "YH-2026-0001", "RW-dz-1", "YH-2026-0003"]),
    (["--kind", "hazard"], ["YH-2026-0001", "YH-2026-0002", "YH-2026-0003"]),
    (["--kind", "隐患", "--kind", "drill"], ["YL-2026-0001", "YH-2026-0001", "YH-2026-0002", "YH-2026-0003"]),
    (["--kind", "occurrence"], ["RW-8-2@2026Q3"]),
    (["--village", "dongzhuang"], ["YL-2026-0001", "YH-2026-0001", "YH-2026-0002", "RW-dz-1", "YH-2026-0003"]),
    (["--village", "dongzhuang", "--kind", "task"], ["RW-dz-1"]),
    # as of 2026-06-01 the July progress has not happened: stale since the plan's start
    (["--as-of", "2026-06-01"], ["RW-dz-1"]),
    (["--as-of", "2026-07-03"], []),
    (["--as-of", "2026-10-03"], ["RW-8-2@2026Q3", "RW-dz-1"]),
])
def test_filters(led: Path, args: list[str], keys: list[str]) -> None:
    res = invoke("overdue", "--ledger", str(led), *AS_OF, *args, "--json")
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert [i["key"] for b in ("overdue", "due_soon", "stale", "awaiting_closure") for i in out[b]] == keys


def test_nothing_to_report(led: Path) -> None:
    res = invoke("overdue", "--ledger", str(led), "--as-of", "2026-04-01", "--kind", "hazard")
    assert (res.exit_code, res.stdout) == (0, "截至 2026-04-01：没有逾期、7 天内到期、长期未更新或待销号的事项。\n")


def test_reporter_and_voided_records_never_shown(led: Path) -> None:
    for args in ([], ["--json"], ["--within", "400"]):
        out = invoke("overdue", "--ledger", str(led), *AS_OF, *args).stdout
        assert "张三丰" not in out and "YH-2026-0004" not in out and "重复录入" not in out


@pytest.mark.parametrize("args, message", [
    (["--kind", "hazards"], "hjp: 错误：--kind 的值 hazards 不认识；是不是要写 hazard？可选：hazard（隐患）、task（任务）、"
                            "milestone（阶段目标）、occurrence（周期任务）、drill（演练）、coverage（演练覆盖）、"
                            "inspection（带队检查）、training（负责人培训）\n"),
    (["--village", "dongzhaung"], "hjp: 错误：台账中没有村 dongzhaung；是不是要写 dongzhuang？--village 可写村目录名或村名，"
                                  "台账中的村：dongzhuang（东庄村）\n"),
    (["--village", "xyz"], "hjp: 错误：台账中没有村 xyz；--village 可写村目录名或村名，台账中的村：dongzhuang（东庄村）\n"),
    (["--within", "-1"], "hjp: 错误：--within 不能为负数（现为 -1）\n"),
    (["--as-of", "2026-02-30"], "hjp: 错误：--as-of 的日期 2026-02-30 无效；请写成 YYYY-MM-DD，例如 2026-12-15\n"),
    (["--as-of", "明天"], "hjp: 错误：--as-of 的日期 明天 无效；请写成 YYYY-MM-DD，例如 2026-12-15\n"),
    # issue 8 item 17: a report once said "（2024年3月31日至1年1月1日）"
    (["--as-of", "0001-01-01"], "hjp: 错误：--as-of 的日期 0001-01-01 不合理（须在 1900 年至 2100 年之间）；请核对年份\n"),
    (["--as-of", "2101-01-01"], "hjp: 错误：--as-of 的日期 2101-01-01 不合理（须在 1900 年至 2100 年之间）；请核对年份\n"),
])
def test_usage_errors_exit_2(led: Path, args: list[str], message: str) -> None:
    res = invoke("overdue", "--ledger", str(led), *args)
    assert (res.exit_code, res.stdout, res.stderr) == (2, "", message)


def test_missing_ledger_exits_2(make_ledger) -> None:
    res = invoke("overdue", "--ledger", "nowhere")
    assert res.exit_code == 2
    assert res.stderr == "hjp: 错误：找不到台账目录 nowhere；请用 --ledger 指定，或设置环境变量 HJP_LEDGER\n"


def test_invalid_ledger_prints_diagnostics_and_exits_1(make_ledger) -> None:
    files = dict(FILES)
    files["villages/dongzhuang/hazards.yaml"] = files["villages/dongzhuang/hazards.yaml"].replace(
        "source: 检查", "source: 自查\n    reporter: 李四")
    led = make_ledger(files)
    for args in ([], ["--json"]):
        res = invoke("overdue", "--ledger", str(led), *AS_OF, *args)
        assert res.exit_code == 1
        assert res.stdout == ""
        assert res.stderr == (
            "ledger/villages/dongzhuang/hazards.yaml:16:15: error HJP206: 只有来源为 举报 的隐患才填写 reporter（举报人），"
            "此隐患来源为 自查；请删除 reporter 或把 source 改为 举报\n"
            "ledger/villages/dongzhuang/hazards.yaml:16:15: error HJP240: reporter（举报人）以明文写在台账中，"
            "任何能拿到仓库的人都能看到；举报人信息只能存放在密封文件中，这里只写 已密封。请运行 hjp seal migrate 把它移入密封存储\n"
            "hjp: 台账有错误，期限无法可靠计算；请先按上面的提示改正（hjp validate 可单独检查）\n")


# --------------------------------------------------------------------------- "today" is Beijing's

LATE_EVENING_UTC = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)  # 04:00 on the 29th in Beijing


@pytest.fixture
def los_angeles(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_clock_today_is_the_ledger_zone_date(los_angeles) -> None:
    assert datetime.now().astimezone().utcoffset() != datetime.now(timezone.utc).utcoffset()  # TZ took effect
    assert LATE_EVENING_UTC.astimezone().date() == date(2026, 11, 28)  # the machine's own date
    assert clock.today(now=LATE_EVENING_UTC) == date(2026, 11, 29)
    assert clock.today("Asia/Shanghai", now=LATE_EVENING_UTC) == date(2026, 11, 29)
    assert clock.today("America/Los_Angeles", now=LATE_EVENING_UTC) == date(2026, 11, 28)


def test_default_as_of_is_beijing_today(led: Path, los_angeles, monkeypatch: pytest.MonkeyPatch) -> None:
    real = clock.today
    monkeypatch.setattr(clock, "today", lambda tz=clock.DEFAULT_TZ, now=None: real(tz, now=LATE_EVENING_UTC))
    out = json.loads(invoke("overdue", "--ledger", str(led), "--json").stdout)
    assert out["as_of"] == "2026-11-29"
    assert [i["key"] for i in out["due_soon"]] == ["YH-2026-0002"]
    assert [i["days"] for i in out["overdue"]] == [60, 9, 4]


def test_hjp_today_pins_the_clock_and_a_bad_value_is_a_usage_error(led: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("HJP_TODAY", "2026-12-15")
    assert clock.today() == date(2026, 12, 15)
    assert clock.today(now=LATE_EVENING_UTC) == date(2026, 11, 29)  # an explicit instant is not overridden
    assert json.loads(invoke("overdue", "--ledger", str(led), "--json").stdout)["as_of"] == "2026-12-15"
    from hjp.cli import main

    monkeypatch.setenv("HJP_TODAY", "20261215")
    with pytest.raises(SystemExit) as exc:
        main(["overdue", "--ledger", str(led)])
    assert exc.value.code == 2
    assert capsys.readouterr().err == (
        "hjp: 错误：环境变量 HJP_TODAY='20261215' 不是 YYYY-MM-DD 格式的日期；"
        "请改正或删除该变量（它指定“今天”，供测试和重现某日的检查使用）\n")
