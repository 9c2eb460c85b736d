"""Cross-cutting hostile-input checks found by the QA pass: what the clerk sees when the system says no.

Each test names the mistake or attack, the exact Chinese answer, and that nothing was half-written.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp.cli import app
from hjp.diagnostics import os_reason
from hjp.report import chart as chart_mod

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURE = REPO / "tests" / "report" / "fixture" / "ledger"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_os_errors_are_explained_in_chinese():
    """The OS's own words ('Read-only file system', 'Is a directory') reached the clerk."""
    assert [os_reason(OSError(n, "English")) for n in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EISDIR,
                                                         errno.ENOENT)] == [
        "磁盘空间不足", "所在的文件系统是只读的", "没有权限", "这是一个目录", "文件或目录不存在"]
    assert os_reason(OSError(errno.EPROTO, "Protocol error")) == "系统错误 EPROTO：Protocol error"
    assert os_reason(OSError("no errno")) == "系统错误：no errno"


@pytest.mark.skipif(chart_mod.find_cjk_font() is None, reason="no CJK font: no chart is written")
def test_report_names_the_chart_when_the_chart_cannot_be_written(here):
    """The chart is written next to the report first; its failure was reported as the report's."""
    (here / "报告-图表.png").mkdir()
    r = invoke("report", "self-check", "--ledger", str(FIXTURE), "--as-of", "2025-06-30", "-o", "报告.md")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "hjp: 错误：无法写入图表 报告-图表.png（这是一个目录），报告未写出\n"
    assert sorted(p.name for p in here.iterdir()) == ["报告-图表.png"]


def test_demo_onto_an_existing_file(here):
    (here / "notes.txt").write_text("留着\n", encoding="utf-8")
    r = invoke("demo", "notes.txt", "--villages", "1", "--hazards", "1")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：notes.txt 是已有的文件，不是目录；请换一个目录名\n")
    assert (here / "notes.txt").read_text(encoding="utf-8") == "留着\n"


def test_no_write_through_a_village_folder_linking_outside_the_repository(make_ledger, tmp_path_factory, monkeypatch):
    """`rectify` wrote into the link's target; `new hazard` would have created a file there."""
    outside = tmp_path_factory.mktemp("elsewhere")
    hazards = ("hazards:\n  - id: YH-2026-0777\n    title: 外部\n    sector: 消防\n    level: 一般\n    source: 自查\n"
               "    found_on: 2026-11-01\n    rectification: {owner: 王某, deadline: 2026-11-02}\n")
    (outside / "village.yaml").write_text("name: 外村\n", encoding="utf-8")
    (outside / "hazards.yaml").write_text(hazards, encoding="utf-8")
    root = make_ledger({"villages/hejiapan/village.yaml": "name: 何家畔村\n"})
    (root / "villages" / "waicun").symlink_to(outside)
    monkeypatch.setenv("HJP_TODAY", "2026-11-28")
    # The linked village is not read at all (HJP014), so its records are unknown to every command.
    r = invoke("validate", "--ledger", str(root))
    assert (r.exit_code, r.stdout.splitlines()[0]) == (
        1, "ledger/villages/waicun:1:1: error HJP014: waicun 是指向仓库之外的符号链接，不会被读取；请把文件本身放进仓库")
    r = invoke("rectify", "YH-2026-0777", "--on", "2026-11-03", "--ledger", str(root))
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr == "hjp: 错误：台账中没有编号为 YH-2026-0777 的记录（若该记录有错误未能读取，请先运行 hjp validate）\n"
    r = invoke("new", "drill", "--village", "waicun", "--title", "演练", "--kind", "桌面", "--ledger", str(root))
    assert r.exit_code == 2 and r.stderr.startswith("hjp: 错误：台账中没有村 waicun；")
    assert (outside / "hazards.yaml").read_text(encoding="utf-8") == hazards
    assert sorted(p.name for p in outside.iterdir()) == ["hazards.yaml", "village.yaml"]
