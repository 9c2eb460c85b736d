"""`hjp show`, `hjp list`, `hjp note`, --village by name, and `hjp new hazard`'s questions and
near-duplicate warning: exact output, in real git repositories in temp dirs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp import cli
from hjp.cli import app

UNITS = """\
units:
  - id: DW-hejiapan-01
    name: 何家畔加油站
    sector: 危险化学品
    principal: 王某
    since: 2020-01-01
  - id: DW-hejiapan-02
    name: 何家畔砖厂
    sector: 工贸
    principal: 赵某
    since: 2020-01-01
    closed_on: 2025-06-30
"""
HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 卸油区静电接地装置失效
    unit: DW-hejiapan-01
    location: 卸油区
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-11-20}
  - id: YH-2026-0002
    title: 配电柜前未铺绝缘垫
    sector: 危险化学品
    level: 一般
    source: 检查
    found_on: 2026-10-01
    rectification: {owner: 王某, deadline: 2026-10-20}
    rectified_on: 2026-10-15
    verified_by: 赵某
    closed_on: 2026-10-18
"""
OTHER = """\
hazards:
  - id: YH-2026-0003
    title: 楼梯间堆放杂物
    sector: 消防
    level: 一般
    source: 检查
    found_on: 2026-11-25
    rectification: {owner: 李某, deadline: 2026-12-03}
"""
TASKS = """\
tasks:
  - id: RW-1
    title: 开展重大事故隐患专项排查整治
    lead: [张志瑞]
    text: 各村、各单位要对照判定标准，全面排查重大事故隐患，建立台账，逐项整改销号。
    deadline: 2026-12-31
  - id: RW-2
    title: 牢固树立安全发展理念
    lead: [张志瑞]
    ongoing: true
    start: 2026-06-01
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn", "GIT_COMMITTER_NAME": "李某",
           "GIT_COMMITTER_EMAIL": "li@example.cn", "GIT_AUTHOR_DATE": "2026-11-02T09:30:00+08:00",
           "GIT_COMMITTER_DATE": "2026-11-02T09:30:00+08:00"}


@pytest.fixture
def ledger(make_ledger):
    root = make_ledger({"villages/hejiapan/village.yaml": "name: 何家畔村\n",
                        "villages/hejiapan/units.yaml": UNITS, "villages/hejiapan/hazards.yaml": HAZARDS,
                        "villages/huangzhai/village.yaml": "name: 黄寨村\n",
                        "villages/huangzhai/hazards.yaml": OTHER, "tasks.yaml": TASKS})
    return root


def git(cwd: Path, *args: str, **env: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV, **env}, check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def repo(ledger, here):
    git(here, "init", "-q", "-b", "main")
    git(here, "add", ".")
    git(here, "commit", "-qm", "建立台账")
    return ledger


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(app, [*args, "--ledger", "ledger"], input=input, catch_exceptions=False)


CLERK = {"GIT_AUTHOR_NAME": "赵某", "GIT_AUTHOR_EMAIL": "z@example.cn", "GIT_COMMITTER_NAME": "赵某",
         "GIT_COMMITTER_EMAIL": "z@example.cn", "GIT_AUTHOR_DATE": "2026-11-21T15:00:00+08:00",
         "GIT_COMMITTER_DATE": "2026-11-21T15:00:00+08:00"}


def as_clerk(monkeypatch):
    for k, v in {**CLERK, "GIT_CONFIG_GLOBAL": os.devnull}.items():
        monkeypatch.setenv(k, v)


# --------------------------------------------------------------------------- hjp show


def test_show_a_hazard_with_its_status_deadline_and_history(repo, monkeypatch):
    as_clerk(monkeypatch)
    r = invoke("show", "YH-2026-0001")
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == """\
YH-2026-0001  卸油区静电接地装置失效
隐患，何家畔村（hejiapan），ledger/villages/hejiapan/hazards.yaml:2
状态：逾期未整改（10天）（截至 2026-11-30）
期限：逾期：隐患 YH-2026-0001 应于 2026-11-20 完成，已逾期 10 天

隐患名称：卸油区静电接地装置失效
所属单位：DW-hejiapan-01 何家畔加油站
隐患部位：卸油区
行业领域：危险化学品
隐患等级：一般
隐患来源：自查
发现日期：2026-11-01
整改五定：
  定责任人：王某
  定时限：2026-11-20

修改历史：2026-11-02 09:30 李某 新建；共 1 次提交（详见 hjp log YH-2026-0001）
"""
    assert invoke("rectify", "YH-2026-0001", "--on", "2026-11-21", "--commit").exit_code == 0
    r = invoke("show", "YH-2026-0001", "--as-of", "2026-11-25")
    lines = r.stdout.splitlines()
    assert lines[2:4] == ["状态：已整改待验收（截至 2026-11-25）",
                          "期限：截至 2026-11-25 没有逾期、即将到期、长期未更新或待销号的事项"]
    assert lines[-1] == ("修改历史：2026-11-02 09:30 李某 新建；最后修改 2026-11-21 15:00 赵某"
                         "（整改完成 YH-2026-0001 卸油区静电接地装置失效）；共 2 次提交（详见 hjp log YH-2026-0001）")


def test_show_a_task_gives_the_plans_text_only_with_full(repo):
    r = invoke("show", "RW-1")
    assert r.stdout.splitlines()[5:] == [
        "任务名称：开展重大事故隐患专项排查整治", "牵头：张志瑞", "完成期限：2026-12-31", "方案原文：（共 37 字，加 --full 显示）",
        "", "修改历史：2026-11-02 09:30 李某 新建；共 1 次提交（详见 hjp log RW-1）"]
    r = invoke("show", "RW-1", "--full")
    assert "方案原文：各村、各单位要对照判定标准，全面排查重大事故隐患，建立台账，逐项整改销号。" in r.stdout.splitlines()
    data = json.loads(invoke("show", "RW-1", "--json").stdout)
    assert "text" not in data["record"]
    assert json.loads(invoke("show", "RW-1", "--json", "--full").stdout)["record"]["text"].startswith("各村")


def test_show_an_ongoing_task_and_a_unit_say_what_hjp_overdue_says(repo):
    r = invoke("show", "RW-2")
    assert r.stdout.splitlines()[2:4] == [
        "状态：长期坚持（182天无进展）（截至 2026-11-30）",
        "期限：长期未更新：超过 90 天没有进展记录，应于 2026-08-30 前更新，已超过 92 天"]
    r = invoke("show", "DW-hejiapan-02")  # closed on 2025-06-30: what it owed before stays owed
    assert r.stdout.splitlines()[2:9] == [
        "状态：已关闭（截至 2026-11-30）", "期限（5 项）：",
        "  逾期：带队检查 DW-hejiapan-02@2024Q2 应于 2024-06-30 完成，已逾期 883 天",
        "  逾期：带队检查 DW-hejiapan-02@2024Q3 应于 2024-09-30 完成，已逾期 791 天",
        "  逾期：演练覆盖 DW-hejiapan-02@2024 应于 2024-12-31 完成，已逾期 699 天",
        "  逾期：带队检查 DW-hejiapan-02@2024Q4 应于 2024-12-31 完成，已逾期 699 天",
        "  逾期：带队检查 DW-hejiapan-02@2025Q1 应于 2025-03-31 完成，已逾期 609 天"]
    overdue = json.loads(CliRunner().invoke(app, ["overdue", "--json", "--ledger", "ledger"]).stdout)
    assert [i["key"] for i in overdue["overdue"] if i["id"] == "DW-hejiapan-02"] == [
        "DW-hejiapan-02@2024Q2", "DW-hejiapan-02@2024Q3", "DW-hejiapan-02@2024", "DW-hejiapan-02@2024Q4",
        "DW-hejiapan-02@2025Q1"]


def test_show_json(repo):
    r = invoke("show", "YH-2026-0003", "--json")
    assert json.loads(r.stdout) == {
        "id": "YH-2026-0003", "kind": "hazard", "village": "huangzhai", "path": "ledger/villages/huangzhai/hazards.yaml",
        "line": 2, "as_of": "2026-11-30", "title": "楼梯间堆放杂物", "status": "整改中",
        "deadlines": [{"state": "due_soon", "key": "YH-2026-0003", "id": "YH-2026-0003", "kind": "hazard",
                       "title": "楼梯间堆放杂物", "village": "huangzhai", "due": "2026-12-03", "days": -3,
                       "lead": ["李某"]}],
        "record": {"id": "YH-2026-0003", "title": "楼梯间堆放杂物", "sector": "消防", "level": "一般", "source": "检查",
                   "found_on": "2026-11-25", "rectification": {"owner": "李某", "deadline": "2026-12-03"}},
        "history": {"commits": 1, "note": None, "last": None,
                    "created": {"date": "2026-11-02T09:30:00+08:00", "author": "李某", "message": "建立台账"}}}


def test_show_an_unknown_id_names_the_closest_and_exits_1(repo):
    r = invoke("show", "YH-2026-01")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr == ("hjp: 错误：台账中没有编号为 YH-2026-01 的记录；最接近的编号：YH-2026-0001、YH-2026-0003、"
                        "YH-2026-0002（若该记录有错误未能读取，请先运行 hjp validate）\n")
    assert invoke("show", "yh-2026-0003").exit_code == 0  # the ID as typed in lower case is found


def test_show_never_shows_a_reporter(make_ledger, here):
    # even a ledger that (wrongly) holds a 举报人 in clear: hjp show says 已密封 and nothing else
    make_ledger({"villages/hejiapan/hazards.yaml": OTHER.replace("YH-2026-0003", "YH-2026-0009").replace(
        "    source: 检查\n", "    source: 举报\n    reporter: 张三 13900000000  # 张三的电话\n")})
    for args in (["show", "YH-2026-0009"], ["show", "YH-2026-0009", "--json"], ["list", "hazards", "--json"]):
        r = invoke(*args)
        assert r.exit_code == 0 and "张三" not in r.stdout + r.stderr and "1390000" not in r.stdout + r.stderr
    assert "举报人：已密封" in invoke("show", "YH-2026-0009").stdout.splitlines()
    assert invoke("show", "YH-2026-0009").stdout.splitlines()[-1] == (
        "修改历史：无（ledger 不在 git 仓库中；修改历史和审计需要用 git 管理台账）")


# --------------------------------------------------------------------------- hjp list

HAZARD_LIST = """\
编号          村        隐患名称                日期        状态
YH-2026-0001  何家畔村  卸油区静电接地装置失效  2026-11-01  逾期未整改（10天）
YH-2026-0002  何家畔村  配电柜前未铺绝缘垫      2026-10-01  已销号
YH-2026-0003  黄寨村    楼梯间堆放杂物          2026-11-25  整改中
共 3 条隐患（截至 2026-11-30）。
"""


@pytest.mark.parametrize("word", ["hazards", "hazard", "隐患", "HAZARDS"])
def test_list_takes_the_noun_its_plural_or_the_chinese_name(ledger, word, monkeypatch):
    monkeypatch.setenv("COLUMNS", "20")  # piped or narrow: lines are never cut
    r = invoke("list", word)
    assert (r.exit_code, r.stdout, r.stderr) == (0, HAZARD_LIST, "")


@pytest.mark.parametrize("args, out", [
    (["--village", "何家畔"], HAZARD_LIST.splitlines()[:3] + ["共 2 条隐患（截至 2026-11-30）。"]),
    (["--village", "黄寨村"], ["编号          村      隐患名称        日期        状态",
        "YH-2026-0003  黄寨村  楼梯间堆放杂物  2026-11-25  整改中", "共 1 条隐患（截至 2026-11-30）。"]),
    (["--status", "逾期未整改"], HAZARD_LIST.splitlines()[:2] + ["共 1 条隐患（截至 2026-11-30）。"]),
    (["--overdue"], HAZARD_LIST.splitlines()[:2] + ["共 1 条隐患（截至 2026-11-30）。"]),
    (["--status", "整改中", "--as-of", "2026-09-30"], ["截至 2026-09-30：没有符合条件的隐患。"]),
    (["--status", "整改中", "--as-of", "2026-10-14"], [
        "编号          村        隐患名称            日期        状态", "YH-2026-0002  何家畔村  配电柜前未铺绝缘垫  2026-10-01  整改中",
        "共 1 条隐患（截至 2026-10-14）。"]),
])
def test_list_filters(ledger, args, out):
    r = invoke("list", "hazards", *args)
    assert (r.exit_code, r.stdout.splitlines(), r.stderr) == (0, out, "")


def test_list_units_tasks_and_json(ledger):
    assert invoke("list", "units", "--overdue").stdout == """\
编号            村        单位名称      日期        状态
DW-hejiapan-01  何家畔村  何家畔加油站  2020-01-01  在营
DW-hejiapan-02  何家畔村  何家畔砖厂    2020-01-01  已关闭
共 2 家生产经营单位（截至 2026-11-30）。
"""
    assert json.loads(invoke("list", "tasks", "--json").stdout) == {"as_of": "2026-11-30", "kind": "task", "records": [
        {"id": "RW-1", "kind": "task", "village": None, "title": "开展重大事故隐患专项排查整治", "date": "2026-12-31",
         "status": "未到期"},
        {"id": "RW-2", "kind": "task", "village": None, "title": "牢固树立安全发展理念", "date": "2026-06-01",
         "status": "长期坚持（182天无进展）"}]}
    assert invoke("list", "drills").stdout == "截至 2026-11-30：没有符合条件的演练。\n"


@pytest.mark.parametrize("args, message", [
    (["list", "hazzards"], "不认识的记录类型 hazzards；是不是要写 hazards？可选：units（生产经营单位）、hazards（隐患）、"
                           "drills（演练）、tasks（任务）、inspections（检查）、trainings（培训）"),
    (["list", "hazards", "--status", "逾期"], "--status 的值 逾期 不是隐患的状态；可选：整改中、逾期未整改、已整改待验收、已销号、已作废"),
    (["list", "hazards", "--village", "东庄"], "台账中没有村 东庄；--village 可写村目录名或村名，台账中的村：hejiapan（何家畔村）、"
                                             "huangzhai（黄寨村）"),
    (["list", "tasks", "--village", "hejiapan"], None),
])
def test_list_usage_errors_exit_2(ledger, args, message):
    r = invoke(*args)
    if message is None:  # tasks exist per village too: a village's tasks (none here)
        assert (r.exit_code, r.stdout) == (0, "截至 2026-11-30：没有符合条件的任务。\n")
        return
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"hjp: 错误：{message}\n")


# --------------------------------------------------------------------------- hjp note, changed fields


def test_note_adds_progress_to_a_one_off_task_without_completing_it(repo, here, monkeypatch):
    as_clerk(monkeypatch)
    (here / "evidence").mkdir()
    (here / "evidence" / "纪要.pdf").write_bytes(b"%PDF")
    r = invoke("note", "RW-1", "--on", "2026-11-20", "召开专题会议部署排查", "--evidence", "evidence/纪要.pdf", "--commit")
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == ("已写入 ledger/tasks.yaml:2 RW-1\n"
                        "  进展[1].日期: （无） → 2026-11-20\n  进展[1].进展情况: （无） → 召开专题会议部署排查\n"
                        "  进展[1].佐证材料: （无） → [evidence/纪要.pdf]\n"
                        f"已提交 {git(here, 'rev-parse', 'HEAD')[:7]} 任务进展 RW-1 开展重大事故隐患专项排查整治\n")
    assert (here / "ledger/tasks.yaml").read_text(encoding="utf-8") == TASKS.replace(
        "    deadline: 2026-12-31\n", "    deadline: 2026-12-31\n    progress:\n"
        "      - {date: 2026-11-20, note: 召开专题会议部署排查, evidence: [evidence/纪要.pdf]}\n", 1)
    shown = invoke("show", "RW-1").stdout.splitlines()
    assert shown[2] == "状态：未到期（截至 2026-11-30）"  # not done
    assert shown[5:13] == ["任务名称：开展重大事故隐患专项排查整治", "牵头：张志瑞", "完成期限：2026-12-31", "进展：",
                           "  1. 日期：2026-11-20", "     进展情况：召开专题会议部署排查", "     佐证材料：evidence/纪要.pdf",
                           "方案原文：（共 37 字，加 --full 显示）"]
    assert shown[-1] == ("修改历史：2026-11-02 09:30 李某 新建；最后修改 2026-11-21 15:00 赵某"
                         "（任务进展 RW-1 开展重大事故隐患专项排查整治）；共 2 次提交（详见 hjp log RW-1）")
    assert git(here, "status", "--porcelain", "ledger") == ""


def test_note_refusals_write_nothing(ledger, here):
    before = (here / "ledger/tasks.yaml").read_bytes()
    for args, code, message in [
        (["note", "RW-1", "--on", "2026-12-01", "x"], 2, "进展日期 2026-12-01 晚于今天 2026-11-30；不能登记尚未发生的事，请改正 --on"),
        (["note", "YH-2026-0001", "x"], 2, "YH-2026-0001 是隐患，此命令只用于任务"),
        (["note", "RW-1", "  "], 2, "请写明这次的进展，例如 hjp note RW-14 --on 2026-11-20 召开专题会议部署排查"),
        (["note", "RW-9", "x"], 1, "台账中没有编号为 RW-9 的记录（若该记录有错误未能读取，请先运行 hjp validate）"),
    ]:
        r = invoke(*args)
        assert (r.exit_code, r.stdout, r.stderr) == (code, "", f"hjp: 错误：{message}\n")
    assert (here / "ledger/tasks.yaml").read_bytes() == before


def test_an_ongoing_task_note_then_show_is_no_longer_stale(ledger):
    assert invoke("note", "RW-2", "--on", "2026-11-29", "走访企业3家").exit_code == 0
    assert invoke("show", "RW-2").stdout.splitlines()[2:4] == [
        "状态：长期坚持（截至 2026-11-30）", "期限：截至 2026-11-30 没有逾期、即将到期、长期未更新或待销号的事项"]


# --------------------------------------------------------------------------- --village by name


@pytest.mark.parametrize("name", ["何家畔村", "何家畔", "HEJIAPAN"])
def test_village_by_its_chinese_name_everywhere(ledger, here, name):
    by_slug = CliRunner().invoke(app, ["overdue", "--village", "hejiapan", "--json", "--ledger", "ledger"]).stdout
    r = CliRunner().invoke(app, ["overdue", "--village", name, "--json", "--ledger", "ledger"])
    assert (r.exit_code, r.stdout) == (0, by_slug)
    r = CliRunner().invoke(app, ["report", "hazards", "--village", name, "--ledger", "ledger"])
    assert r.exit_code == 0 and "卸油区静电接地装置失效" in r.stdout and "楼梯间堆放杂物" not in r.stdout
    r = invoke("new", "drill", "--village", name, "--title", "桌面推演", "--kind", "桌面")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("已写入 ledger/villages/hejiapan/drills.yaml:3\n- id: YL-2026-0001\n")
    (here / "台账.csv").write_text("隐患名称,所属单位,隐患等级,发现日期,整改责任人,整改时限\n"
                                   "灭火器过期,何家畔加油站,一般,2026/11/3,王某,2026/12/30\n", encoding="utf-8")
    r = invoke("import", "xlsx", "台账.csv", "--village", name, "--set", "sector=危险化学品", "--set", "source=自查")
    assert (r.exit_code, r.stdout) == (0, "已导入隐患 1 条：ledger/villages/hejiapan/hazards.yaml\n"), r.stderr
    r = invoke("import", "xlsx", "台账.csv", "--village", "东庄", "--set", "sector=危险化学品", "--set", "source=自查")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：台账中没有村 东庄；--village 可写村目录名或村名，台账中的村：hejiapan（何家畔村）、"
                                          "huangzhai（黄寨村）\n")


# --------------------------------------------------------------------------- hjp new hazard: questions, near duplicates

NEW = ["new", "hazard", "--village", "hejiapan", "--sector", "危险化学品", "--level", "一般", "--source", "自查",
       "--owner", "王某", "--deadline", "2026-12-10"]


def test_a_near_duplicate_is_warned_about_and_written_when_not_on_a_terminal(ledger, here):
    r = invoke(*NEW, "--title", "卸油区 静电接地失效", "--unit", "DW-hejiapan-01", "--found-on", "2026-11-01")
    assert r.exit_code == 0
    assert r.stderr == ("hjp: 警告：本村 2026-11-01 已登记相似的隐患（同一单位、同一天、名称相近）："
                        "YH-2026-0001「卸油区静电接地装置失效」；请确认不是重复录入\n")
    assert "- id: YH-2026-0004" in r.stdout
    # another day, another unit or another title: no warning
    for extra in (["--title", "卸油区静电接地失效", "--unit", "DW-hejiapan-01", "--found-on", "2026-11-02"],
                  ["--title", "卸油区静电接地失效", "--found-on", "2026-11-01"],
                  ["--title", "卸油区消防器材过期", "--unit", "DW-hejiapan-01", "--found-on", "2026-11-01"]):
        r = invoke(*NEW, *extra)
        assert (r.exit_code, r.stderr) == (0, "")


def test_a_near_duplicate_on_a_terminal_is_confirmed(ledger, here, monkeypatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    before = (here / "ledger/villages/hejiapan/hazards.yaml").read_bytes()
    r = invoke(*NEW, "--title", "卸油区静电接地装置失效。", "--unit", "DW-hejiapan-01", "--found-on", "2026-11-01",
               input="n\n")
    assert r.exit_code == 1 and "已写入" not in r.stdout  # (the test runner echoes the typed answer on stdout)
    assert r.stderr == ("hjp: 警告：本村 2026-11-01 已登记相似的隐患（同一单位、同一天、名称相近）："
                        "YH-2026-0001「卸油区静电接地装置失效」；请确认不是重复录入\n"
                        "仍要新增这条隐患吗？ [y/N]:hjp: 错误：未写入任何内容\n")
    assert (here / "ledger/villages/hejiapan/hazards.yaml").read_bytes() == before
    r = invoke(*NEW, "--title", "卸油区静电接地装置失效。", "--unit", "DW-hejiapan-01", "--found-on", "2026-11-01",
               input="y\n")
    assert r.exit_code == 0 and "- id: YH-2026-0004" in r.stdout


def test_new_hazard_on_a_terminal_asks_unit_location_date_and_the_five_measures(ledger, here, monkeypatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    asked = []
    real = cli.typer.prompt

    def prompt(text, **kw):
        asked.append((text, kw.get("default")))
        return real(text, **kw)

    monkeypatch.setattr(cli.typer, "prompt", prompt)
    answers = ["油罐区防雷接地失效", "何家畔砖厂", "1", "油罐区", "2026/11/29", "", "危险化学品", "重大", "自查",
               "《危险化学品企业重大事故隐患判定标准》第一条", "更换接地装置", "5000", "停止卸油作业", "王某", "2026-12-20"]
    r = invoke("new", "hazard", "--village", "何家畔村", input="".join(a + "\n" for a in answers))
    assert r.exit_code == 0, r.stderr
    # asked by their Chinese names, never by the option the clerk did not type
    assert [(t.split("（")[0].split("：")[0], d) for t, d in asked] == [
        ("隐患名称", None), ("所属单位编号 DW-…", ""), ("所属单位编号 DW-…", ""), ("隐患部位", ""),
        ("发现日期", "2026-11-30"), ("发现日期", "2026-11-30"), ("行业领域", None), ("隐患等级", None),
        ("隐患来源", None), ("判定依据", None), ("整改措施", None), ("整改资金，元", None),
        ("整改期间的防范措施和预案", None), ("整改责任人", None), ("整改期限", None)]
    assert asked[1][0] == "所属单位编号 DW-…：1. DW-hejiapan-01 何家畔加油站（填序号、编号或名称，没有所属单位直接回车）"
    assert asked[4][0] == "发现日期（默认今天）（格式 YYYY-MM-DD）"
    assert "hjp: 本村没有单位 何家畔砖厂；请填列表中的序号、单位编号或名称，没有所属单位直接回车" in r.stderr
    assert "hjp: 发现日期（默认今天）的日期 2026/11/29 无效；请写成 YYYY-MM-DD，例如 2026-12-15；请重新输入" in r.stderr
    assert r.stdout.endswith(
        "- id: YH-2026-0004\n  title: 油罐区防雷接地失效\n  unit: DW-hejiapan-01\n  location: 油罐区\n  sector: 危险化学品\n"
        "  level: 重大\n  source: 自查\n  found_on: 2026-11-30\n  basis: 《危险化学品企业重大事故隐患判定标准》第一条\n"
        "  rectification:\n    owner: 王某\n"
        "    measures: 更换接地装置\n    funds: 5000\n    deadline: 2026-12-20\n    contingency: 停止卸油作业\n")


INSPECTIONS = """\
inspections:
  - id: JC-2026-0001
    date: 2026-11-05
    unit: DW-hejiapan-01
    kind: 主要负责人带队
    led_by: 王某
    participants: [李某, 张某]
    findings: [YH-2026-0001]
  - id: JC-2026-0002
    date: 2026-11-10
    kind: 镇级督导
    led_by: 张志瑞
"""
TRAININGS = """\
trainings:
  - id: PX-2026-001
    date: 2026-10-20
    topic: 重大事故隐患判定标准培训
    kind: 主要负责人
    organizer: 镇应急办
    hours: 4
    attendees:
      - {unit: DW-hejiapan-01, name: 王某, role: 主要负责人}
      - {name: 刘某}
"""


def test_inspections_and_trainings_are_listed_and_shown_like_any_kind(make_ledger, here):
    make_ledger({"villages/hejiapan/village.yaml": "name: 何家畔村\n", "villages/hejiapan/units.yaml": UNITS,
                 "villages/hejiapan/hazards.yaml": HAZARDS, "villages/hejiapan/inspections.yaml": INSPECTIONS,
                 "trainings.yaml": TRAININGS})
    assert invoke("list", "inspections", "--village", "何家畔村").stdout == """\
编号          村        被检查单位                      日期        状态
JC-2026-0001  何家畔村  何家畔加油站（主要负责人带队）  2026-11-05  —
JC-2026-0002  何家畔村  镇级督导                        2026-11-10  —
共 2 次检查（截至 2026-11-30）。
"""
    assert invoke("list", "培训").stdout == """\
编号         村    培训主题                  日期        状态
PX-2026-001  镇级  重大事故隐患判定标准培训  2026-10-20  —
共 1 次培训（截至 2026-11-30）。
"""
    assert invoke("show", "JC-2026-0001").stdout == """\
JC-2026-0001  何家畔加油站（主要负责人带队）
检查，何家畔村（hejiapan），ledger/villages/hejiapan/inspections.yaml:2

检查日期：2026-11-05
被检查单位：DW-hejiapan-01 何家畔加油站
检查类型：主要负责人带队
带队人：王某
参加检查人员：李某、张某
发现的隐患：YH-2026-0001

修改历史：无（ledger 不在 git 仓库中；修改历史和审计需要用 git 管理台账）
"""
    assert invoke("show", "PX-2026-001").stdout.splitlines()[:13] == [
        "PX-2026-001  重大事故隐患判定标准培训", "培训，镇级，ledger/trainings.yaml:2", "",
        "培训日期：2026-10-20", "培训主题：重大事故隐患判定标准培训", "培训类型：主要负责人", "组织单位：镇应急办",
        "学时：4.0", "参训人员：", "  1. 所在单位：DW-hejiapan-01", "     姓名：王某", "     身份：主要负责人",
        "  2. 姓名：刘某"]
    assert invoke("list", "inspections", "--status", "已作废").stdout == "截至 2026-11-30：没有符合条件的检查。\n"
    r = invoke("list", "trainings", "--village", "hejiapan")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：培训是镇级记录，不分村；请去掉 --village\n")


def test_a_voided_record_and_a_ledger_with_errors(ledger, here):
    assert invoke("void", "YH-2026-0003", "--on", "2026-11-29", "--reason", "重复录入").exit_code == 0
    shown = invoke("show", "YH-2026-0003").stdout.splitlines()
    assert shown[2:4] == ["状态：已作废（截至 2026-11-30）", ""]
    assert shown[-5:] == ["作废：", "  作废日期：2026-11-29", "  作废原因：重复录入", "",
                          "修改历史：无（ledger 不在 git 仓库中；修改历史和审计需要用 git 管理台账）"]
    r = invoke("list", "hazards", "--status", "已作废")
    assert r.stdout.splitlines()[1:] == ["YH-2026-0003  黄寨村  楼梯间堆放杂物  2026-11-25  已作废",
                                         "共 1 条隐患（截至 2026-11-30）。"]
    # a file that cannot be read: its records are missing from the list, and the clerk is told so
    (here / "ledger/villages/huangzhai/hazards.yaml").write_text("hazards:\n  - id: YH-2026-0003\n    title: [\n",
                                                                 encoding="utf-8")
    r = invoke("list", "hazards")
    assert r.exit_code == 0
    assert r.stderr == "hjp: 提示：台账有 1 个错误，有错误的记录未列出；请运行 hjp validate 查看\n"
    assert r.stdout.splitlines()[-1] == "共 2 条隐患（截至 2026-11-30）。"
