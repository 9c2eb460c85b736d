"""`hjp new/rectify/close/done/held/void` through the CLI: exact output, refusals write nothing, --commit."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp import cli
from hjp.cli import app

TODAY = date(2026, 11, 28)

HAZARDS = """\
# yaml-language-server: $schema=../../../schemas/hazards.schema.json
hazards:
  - id: YH-2026-0001   # 加油站
    title: 卸油区静电接地装置失效
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-11-30}
"""
DRILLS = "drills:\n  - id: YL-2026-0001\n    title: 消防疏散演练\n    kind: 疏散逃生\n    planned_on: 2026-11-20\n"


@pytest.fixture
def ledger(make_ledger, monkeypatch):
    monkeypatch.setenv("HJP_TODAY", TODAY.isoformat())
    return make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS, "villages/hejiapan/drills.yaml": DRILLS})


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    """The ledger's files (not .hjp-cache/: the lock, caches and temporary files, ignored by git)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".hjp-cache" not in p.relative_to(root).parts}


def test_rectify_then_close_print_the_changed_fields(ledger):
    r = invoke("rectify", "YH-2026-0001", "--on", "2026-11-20", "--ledger", "ledger")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "已写入 ledger/villages/hejiapan/hazards.yaml:3 YH-2026-0001\n  整改完成日期: （无） → 2026-11-20\n"
    r = invoke("close", "YH-2026-0001", "--on", "2026-11-25", "--by", "赵某", "--ledger", "ledger")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ("已写入 ledger/villages/hejiapan/hazards.yaml:3 YH-2026-0001\n"
                        "  验收人: （无） → 赵某\n  销号日期: （无） → 2026-11-25\n")
    assert (ledger / "villages/hejiapan/hazards.yaml").read_text(encoding="utf-8") == HAZARDS + (
        "    rectified_on: 2026-11-20\n    verified_by: 赵某\n    closed_on: 2026-11-25\n")


@pytest.mark.parametrize("args,code,message", [
    (["close", "YH-2026-0009", "--by", "赵某"], 1, "台账中没有编号为 YH-2026-0009 的记录"),
    (["close", "YH-2026-0001", "--on", "2026-11-25"], 2, "销号须写明验收人：--by 验收人姓名"),
    (["close", "YH-2026-0001", "--on", "2026-11-25", "--by", "赵某"], 1,
     "YH-2026-0001 尚未整改完成，不能销号；请先运行 hjp rectify YH-2026-0001 --on 整改完成日期"),
    (["rectify", "YH-2026-0001", "--on", "2026-12-01"], 2,
     "整改完成日期 2026-12-01 晚于今天 2026-11-28；不能登记尚未发生的事，请改正 --on"),
    (["rectify", "YH-2026-0001", "--on", "2026-10-01"], 2,
     "整改完成日期 2026-10-01 早于发现日期 2026-11-01；日期顺序应为 发现 ≤ 整改完成 ≤ 销号"),
    (["rectify", "YH-2026-0001", "--on", "2026/11/20"], 2, "--on 的日期 2026/11/20 无效；请写成 YYYY-MM-DD，例如 2026-12-15"),
    (["rectify", "YL-2026-0001"], 2, "YL-2026-0001 是演练，此命令只用于隐患"),
    (["held", "YL-2026-0001", "--on", "2026-11-20"], 2, "请写明参演人数：--participants 人数，例如 --participants 32"),
    (["void", "YH-2026-0001"], 2, "作废须写明原因：--reason 原因，例如 --reason 重复录入"),
    (["new", "hazard", "--village", "nowhere", "--title", "x"], 2,
     "台账中没有村 nowhere；--village 可写村目录名或村名，台账中的村：hejiapan（hejiapan村）。新建村请用 hjp new village 村代码 --name 村名"),
    (["new", "hazard", "--village", "hejiapan", "--titel", "x"], 2, "不认识的选项 --titel"),
    (["new", "hazard", "--village", "hejiapan", "--title", "x", "--level", "特大"], 2,
     "--level 的值 特大 不在可选范围内"),
    (["new", "village", "He Jia", "--name", "x"], 2, "村代码 He Jia 须为小写 ASCII 字母、数字和 -"),
    (["new", "village", "a" * 300, "--name", "x"], 2, "村代码太长（300 个字符，上限 60）；请用村名拼音，例如 hejiapan"),
    (["rectify", "YH-2026-0001", "--on", "0001-01-01"], 2,
     "--on 的日期 0001-01-01 不合理（须在 1900 年至 2100 年之间）；请核对年份"),
    (["new", "hazard", "--village", "hejiapan", "--title", "楼梯间堆放杂物", "--sector", "消防", "--level", "一般",
      "--source", "自查", "--owner", "王某", "--found-on", "2026-11-05", "--deadline", "2026-11-01"], 1,
     "改动后台账会有 1 个错误，未写入任何内容：\nledger/villages/hejiapan/hazards.yaml:17:7: error HJP204: "
     "整改期限 rectification.deadline 2026-11-01 早于发现日期 found_on 2026-11-05；整改期限不能早于发现日期，请核对这两个日期\n"),
    (["new", "village", "hejiapan", "--name", "x"], 1, "村 hejiapan 已经存在"),
    (["new", "bridge"], 2, "不认识的记录类型 bridge"),
])
def test_bad_input_is_refused_and_nothing_is_written(ledger, args, code, message):
    before = snapshot(ledger)
    r = invoke(*args, "--ledger", "ledger")
    assert r.exit_code == code
    assert r.stdout == ""
    assert r.stderr.startswith("hjp: 错误：" + message), r.stderr
    assert snapshot(ledger) == before


def test_close_in_the_future_and_out_of_order_is_refused(ledger):
    assert invoke("rectify", "YH-2026-0001", "--on", "2026-11-20", "--ledger", "ledger").exit_code == 0
    before = snapshot(ledger)
    r = invoke("close", "YH-2026-0001", "--on", "2026-11-29", "--by", "赵某", "--ledger", "ledger")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：销号日期 2026-11-29 晚于今天 2026-11-28；不能登记尚未发生的事，请改正 --on\n")
    r = invoke("close", "YH-2026-0001", "--on", "2026-11-19", "--by", "赵某", "--ledger", "ledger")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：销号日期 2026-11-19 早于整改完成日期 2026-11-20；"
                                          "日期顺序应为 发现 ≤ 整改完成 ≤ 销号\n")
    assert snapshot(ledger) == before


def test_missing_required_fields_are_listed_off_a_terminal(ledger):
    before = snapshot(ledger)
    r = invoke("new", "hazard", "--village", "hejiapan", "--title", "楼梯间堆放杂物", "--level", "重大",
               "--ledger", "ledger")
    assert r.exit_code == 2
    assert r.stderr == (
        "hjp: 错误：缺少必填项：--sector（行业领域，可选：道路交通、交通运输、建筑施工、城镇燃气、餐饮燃气、石油天然气、"
        "危险化学品、烟花爆竹、粉尘涉爆、有限空间、工贸、特种设备、消防、自建房、水利、文体旅游、其他）、"
        "--source（隐患来源，可选：自查、检查、举报、督查、其他）、--owner（整改责任人（定责任人））、--deadline（整改期限（定时限））、"
        "--basis（判定依据（重大隐患必填），例如《工贸企业重大事故隐患判定标准》第X条）、--measures（整改措施（定措施，重大隐患必填））、--funds（整改资金，元（定资金，重大隐患必填））、"
        "--contingency（整改期间的防范措施和预案（定预案，重大隐患必填））；请补上这些选项（在终端中运行会逐项询问）\n")
    assert snapshot(ledger) == before


def test_missing_fields_are_prompted_on_a_terminal(ledger, monkeypatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    r = invoke("new", "hazard", "--village", "hejiapan", "--title", "楼梯间堆放杂物", "--ledger", "ledger",
               input="\n\n消费\n消防\n一般\n检查\n李某\n2026-12-10\n")  # 部位 and 发现日期: the defaults
    assert r.exit_code == 0, r.stderr
    assert "hjp: 行业领域的值 消费 不在可选范围内" in r.stderr  # the field as asked, not the option (F17)
    assert r.stdout.endswith(
        "已写入 ledger/villages/hejiapan/hazards.yaml:10\n- id: YH-2026-0002\n  title: 楼梯间堆放杂物\n  sector: 消防\n"
        "  level: 一般\n  source: 检查\n  found_on: 2026-11-28\n  rectification:\n    owner: 李某\n"
        "    deadline: 2026-12-10\n")


def test_two_new_records_in_sequence_get_distinct_ids(ledger):
    args = ["new", "drill", "--village", "hejiapan", "--title", "桌面推演", "--kind", "桌面", "--ledger", "ledger"]
    first, second = invoke(*args), invoke(*args)
    assert first.stdout.splitlines()[1] == "- id: YL-2026-0002"
    assert second.stdout.splitlines()[1] == "- id: YL-2026-0003"


def test_new_village_then_unit_and_town_task(ledger):
    r = invoke("new", "village", "dazhuang", "--name", "大庄村", "--ledger", "ledger")
    assert r.stdout == ("已写入 ledger/villages/dazhuang/village.yaml:1\n"
                        "# yaml-language-server: $schema=../../../schemas/village.schema.json\nname: 大庄村\n")
    r = invoke("new", "unit", "--village", "dazhuang", "--name", "大庄加油站", "--sector", "危险化学品",
               "--principal", "刘某", "--phone", "0934-1234567", "--ledger", "ledger")
    assert r.exit_code == 0, r.stderr
    assert (ledger / "villages/dazhuang/units.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../schemas/units.schema.json\nunits:\n  - id: DW-dazhuang-01\n"
        "    name: 大庄加油站\n    sector: 危险化学品\n    principal: 刘某\n    phone: 0934-1234567\n")
    r = invoke("new", "task", "--title", "冬季专项检查", "--milestone", "2026-12-15:完成排查", "--lead", "张三、李四",
               "--ledger", "ledger")
    assert r.stdout == ("已写入 ledger/tasks.yaml:3\n- id: RW-1\n  title: 冬季专项检查\n  lead: [张三, 李四]\n"
                        "  milestones:\n    - {due: 2026-12-15, what: 完成排查}\n")


def test_held_and_void(ledger):
    r = invoke("held", "YL-2026-0001", "--on", "2026-11-21", "--participants", "32", "--ledger", "ledger")
    assert r.exit_code == 0, r.stderr
    r = invoke("void", "YL-2026-0001", "--reason", "重复录入: 以 YL-2026-0002 为准", "--ledger", "ledger")
    assert r.stdout == ("已写入 ledger/villages/hejiapan/drills.yaml:2 YL-2026-0001\n"
                        "  作废.作废日期: （无） → 2026-11-28\n  作废.作废原因: （无） → 重复录入: 以 YL-2026-0002 为准\n")
    r = invoke("held", "YL-2026-0001", "--on", "2026-11-21", "--participants", "32", "--ledger", "ledger")
    assert (r.exit_code, r.stderr) == (1, "hjp: 错误：YL-2026-0001 已于 2026-11-28 作废（重复录入: 以 YL-2026-0002 为准），不能再修改\n")


def test_reporter_is_sealed_never_written_nor_printed(ledger, tmp_path):
    from conftest import custodian_key, sealed_files

    from hjp import sealed

    for rel, text in sealed_files({}).items():
        (ledger / rel).parent.mkdir(parents=True, exist_ok=True)
        (ledger / rel).write_text(text, encoding="utf-8")
    r = invoke("new", "hazard", "--village", "hejiapan", "--title", "私拉电线", "--sector", "消防", "--level", "一般",
               "--source", "举报", "--reporter", "王二小 13800000000", "--owner", "李某", "--deadline", "2026-12-10",
               "--ledger", "ledger")
    assert r.exit_code == 0, r.stderr
    assert "王二小" not in r.stdout + r.stderr and "  reporter: 已密封\n" in r.stdout
    assert "命令行中的举报人会留在终端的历史记录里" in r.stderr
    text = (ledger / "villages/hejiapan/hazards.yaml").read_text(encoding="utf-8")
    assert "王二小" not in text and "reporter: 已密封" in text
    key = tmp_path / "key.txt"
    key.write_text(custodian_key()[0] + "\n", encoding="utf-8")
    key.chmod(0o600)
    data = (ledger / "sealed/YH-2026-0002.age").read_bytes()
    assert data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert sealed.unseal("YH-2026-0002", data, sealed.load_identity(key, ledger), display="x")[0] == "王二小 13800000000"


def test_reporter_from_standard_input_and_refusals(ledger):
    args = ["new", "hazard", "--village", "hejiapan", "--title", "私拉电线", "--sector", "消防", "--level", "一般",
            "--owner", "李某", "--deadline", "2026-12-10", "--ledger", "ledger"]
    before = snapshot(ledger)
    r = invoke(*args, "--source", "举报", "--reporter", "-", input="张三\n")
    assert (r.exit_code, r.stderr) == (1, "hjp: 错误：还没有举报人信息的保管人（ledger/sealed/recipients.txt 不存在）；"
                                          "请保管人先运行 hjp seal init\n")
    r = invoke(*args, "--source", "自查", "--reporter", "张三")
    assert r.exit_code == 2 and "张三" not in r.stderr.replace("--reporter 张三", "")
    assert r.stderr.endswith("hjp: 错误：只有来源为 举报 的隐患才写举报人；请去掉 --reporter，或写 --source 举报\n")
    assert snapshot(ledger) == before
    from conftest import sealed_files

    for rel, text in sealed_files({}).items():
        (ledger / rel).parent.mkdir(parents=True, exist_ok=True)
        (ledger / rel).write_text(text, encoding="utf-8")
    r = invoke(*args, "--source", "举报", "--reporter", "-", input="张三\x07\n")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：--reporter 含有控制字符 U+0007；请删除\n")
    r = invoke(*args, "--source", "举报", "--reporter", "-", input="  张三 13900000000\n")
    assert r.exit_code == 0, r.stderr
    assert (ledger / "sealed/YH-2026-0002.age").is_file() and "张三" not in r.stdout + r.stderr
    r = invoke(*args, "--source", "举报")  # not a terminal: no question; an anonymous 举报
    assert r.exit_code == 0 and "reporter" not in r.stdout


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn",
           "GIT_COMMITTER_NAME": "李某", "GIT_COMMITTER_EMAIL": "li@example.cn",
           "GIT_AUTHOR_DATE": "2026-11-28T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-11-28T10:00:00+08:00"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def test_commit_records_exactly_that_change(ledger, monkeypatch):
    repo = ledger.resolve().parent
    for k, v in {"GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn", "GIT_COMMITTER_NAME": "李某",
                 "GIT_COMMITTER_EMAIL": "li@example.cn"}.items():
        monkeypatch.setenv(k, v)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    (repo / "other.txt").write_text("someone else's staged work\n", encoding="utf-8")
    git(repo, "add", "other.txt")
    r = invoke("rectify", "YH-2026-0001", "--on", "2026-11-20", "--commit", "--ledger", "ledger")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[-1].endswith(" 整改完成 YH-2026-0001 卸油区静电接地装置失效")
    assert git(repo, "log", "-1", "--format=%s").strip() == "整改完成 YH-2026-0001 卸油区静电接地装置失效"
    assert git(repo, "show", "--stat", "--format=", "HEAD").split("|")[0].strip() == "ledger/villages/hejiapan/hazards.yaml"
    assert git(repo, "status", "--porcelain").splitlines() == ["A  other.txt"]
    # a file with someone's uncommitted edits is not committed over them
    path = ledger / "villages/hejiapan/drills.yaml"
    path.write_text(DRILLS + "# 手工修改\n", encoding="utf-8")
    r = invoke("held", "YL-2026-0001", "--on", "2026-11-21", "--participants", "3", "--commit", "--ledger", "ledger")
    assert r.exit_code == 1
    assert r.stderr.startswith("hjp: 错误：ledger/villages/hejiapan/drills.yaml 有未提交的修改")
    assert path.read_text(encoding="utf-8") == DRILLS + "# 手工修改\n"


@pytest.mark.parametrize("extra,message", [
    (["--title", "bad\x07title"], "--title 含有控制字符 U+0007；请删除"),
    (["--found-on", "2026-11-29"], "发现日期 2026-11-29 晚于今天 2026-11-28；不能登记尚未发生的事，请改正 --found-on"),
    (["--funds", "-5"], "--funds 应为非负数字，而不是 -5"),
])
def test_hostile_field_values_are_refused(ledger, extra, message):
    before = snapshot(ledger)
    base = {"--title": "t", "--sector": "消防", "--level": "一般", "--source": "自查", "--owner": "王某",
            "--deadline": "2026-12-01"}
    base.update(dict(zip(extra[::2], extra[1::2])))
    args = [x for kv in base.items() for x in kv]
    r = invoke("new", "hazard", "--village", "hejiapan", *args, "--ledger", "ledger")
    assert (r.exit_code, r.stderr) == (2, f"hjp: 错误：{message}\n")
    assert snapshot(ledger) == before


def test_evidence_outside_the_repository_is_refused_by_the_rules(ledger):
    before = snapshot(ledger)
    r = invoke("new", "hazard", "--village", "hejiapan", "--title", "t", "--sector", "消防", "--level", "一般",
               "--source", "自查", "--owner", "王某", "--deadline", "2026-12-01", "--evidence", "/etc/passwd",
               "--ledger", "ledger")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        "hjp: 错误：改动后台账会有 1 个错误，未写入任何内容：",
        "ledger/villages/hejiapan/hazards.yaml:19:16: error HJP207: 佐证材料路径 /etc/passwd 须是仓库内的相对路径"
        "（例如 evidence/YH-2026-0002/验收单.jpg），不能是绝对路径或用 .. 跳出仓库"]
    assert snapshot(ledger) == before


@pytest.mark.parametrize("args,message", [
    (["void", "YL-2026-0001", "--reason", "重复\x07录入"], "--reason 含有控制字符 U+0007；请删除"),
    (["close", "YH-2026-0001", "--by", "赵\x1b某"], "--by 含有控制字符 U+001B；请删除"),
    (["done", "RW-1", "--note", "开会\x00"], "--note 含有控制字符 U+0000；请删除"),
    (["done", "RW-1", "--evidence", "evidence/\x85x.pdf"], "--evidence 含有控制字符 U+0085；请删除"),
    (["new", "hazard", "--village", "hejiapan", "--title", "a\rb"], "--title 含有控制字符 U+000D；请删除"),
    # bytes that are not UTF-8 reach Python's argv as lone surrogates
    (["void", "YL-2026-0001", "--reason", "重复\udcff"],
     "--reason 含有无法识别的字符（输入的文字不是 UTF-8 编码）；请把终端设为 UTF-8（例如 export LANG=zh_CN.UTF-8）后重新输入"),
    (["new", "hazard", "--village", "hejiapan", "--title", "a\udcb0b"],
     "--title 含有无法识别的字符（输入的文字不是 UTF-8 编码）；请把终端设为 UTF-8（例如 export LANG=zh_CN.UTF-8）后重新输入"),
])
def test_every_free_text_option_is_checked_up_front(ledger, args, message):
    """void/close/done used to let these through to the read-back check: exit 1 with 'written text
    cannot be read back … check the indentation' (or a YAML escape error), the clerk's typo unnamed."""
    (ledger / "tasks.yaml").write_text("tasks:\n  - {id: RW-1, title: 例会, ongoing: true}\n", encoding="utf-8")
    before = snapshot(ledger)
    r = invoke(*args, "--ledger", "ledger")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"hjp: 错误：{message}\n")
    assert snapshot(ledger) == before


def test_errors_already_in_the_ledger_are_not_blamed_on_the_change(ledger):
    """'改动后台账会有 N 个错误' was said of errors in another file that the change did not touch."""
    (ledger / "villages/hejiapan/units.yaml").write_text("units:\n  - id: DW-hejiapan-01\n", encoding="utf-8")
    before = snapshot(ledger)
    r = invoke("rectify", "YH-2026-0001", "--on", "2026-11-20", "--ledger", "ledger")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.splitlines()[0] == "hjp: 错误：台账本来就有 3 个错误（与本次修改无关），须先改正才能修改；未写入任何内容："
    assert len(r.stderr.splitlines()) == 4 and "units.yaml:2:5: error HJP102" in r.stderr
    r = invoke("new", "hazard", "--village", "hejiapan", "--title", "t", "--sector", "消防", "--level", "一般",
               "--source", "自查", "--owner", "王某", "--deadline", "2026-12-01", "--unit", "DW-nowhere-01",
               "--ledger", "ledger")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == "hjp: 错误：改动后台账会有 1 个错误（另有 3 个原有错误，hjp validate 查看），未写入任何内容："
    assert [line.split(" error ")[1][:6] for line in r.stderr.splitlines()[1:]] == ["HJP202"]
    assert snapshot(ledger) == before


def test_only_the_changed_records_warnings_are_shown(ledger):
    """Every write used to repeat all of the ledger's warnings (e.g. each missing evidence file)."""
    (ledger / "tasks.yaml").write_text(
        "tasks:\n  - {id: RW-1, title: 例会, ongoing: true, evidence: [e/old.pdf]}\n"
        "  - {id: RW-2, title: 培训, ongoing: true}\n", encoding="utf-8")
    r = invoke("done", "RW-2", "--note", "培训1次", "--evidence", "e/new.pdf", "--on", "2026-11-20", "--ledger", "ledger")
    assert r.exit_code == 0
    assert r.stderr == ("ledger/tasks.yaml:3:95: warning HJP208: 佐证材料 e/new.pdf 不存在；"
                        "请把文件放到仓库的这个位置，或改正路径\n")


def test_enum_typo_message_reads_cleanly(ledger):
    r = invoke("new", "hazard", "--village", "hejiapan", "--title", "t", "--level", "一半", "--ledger", "ledger")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：--level 的值 一半 不在可选范围内；是不是要写 一般？可选：一般、重大\n")


def test_ledgers_readme_new_examples_for_inspections_and_trainings_work(make_ledger, monkeypatch):
    # ledgers/README.md's `hjp new inspection/training` lines, copied as the clerk would (the training
    # line lacked --count and was refused with HJP262)
    monkeypatch.setenv("HJP_TODAY", TODAY.isoformat())
    units = "units:\n  - {id: DW-hejiapan-01, name: 何家畔加油站, sector: 危险化学品, principal: 李建国}\n"
    root = make_ledger({"villages/hejiapan/units.yaml": units})
    readme = (Path(__file__).parents[2] / "ledgers/README.md").read_text(encoding="utf-8")
    lines = [ln.split("#")[0].split() for ln in readme.splitlines()
             if ln.startswith(("hjp new inspection", "hjp new training"))]
    assert len(lines) == 2
    for argv in lines:
        r = invoke(*argv[1:], "--ledger", str(root))
        assert r.exit_code == 0, r.stderr
        assert r.stderr == ""  # no warning either: 李建国 is DW-hejiapan-01's principal
    assert "JC-2026-0001" in (root / "villages/hejiapan/inspections.yaml").read_text(encoding="utf-8")
    assert "count: 45" in (root / "trainings.yaml").read_text(encoding="utf-8")
