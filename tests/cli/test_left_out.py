"""`hjp report --allow-errors`: the first page says how many records are left out, and names a file
left out whole (one Tab dropped a village's 48 hazards under a notice of "1条出错的记录").
Real .docx files re-opened, a real git repository for a file emptied since the last commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from hjp.cli import app

FIXTURE = Path(__file__).resolve().parent.parent / "report" / "fixture" / "ledger"
A = "villages/a/hazards.yaml"  # 甲村, 6 hazards


@pytest.fixture
def ledger(here: Path) -> Path:
    shutil.copytree(FIXTURE, here / "ledger")
    return here / "ledger"


def report(*args: str):
    return CliRunner().invoke(app, ["report", "self-check", "--ledger", "ledger", "--as-of", "2025-06-30",
                                    "--allow-errors", *args], catch_exceptions=False)


def first_page_notice(path: Path) -> str:
    return next(p.text for p in Document(str(path)).paragraphs if p.text.startswith("【注意"))


def found(md: str) -> str:
    return next(line for line in md.splitlines() if "累计排查发现隐患" in line).split("累计排查发现隐患")[1][:3]


@pytest.mark.parametrize("breakage", [
    lambda s: s.replace("    title: 静电接地失效\n", "\ttitle: 静电接地失效\n").encode(),        # a Tab typed in WPS
    lambda s: s.replace("    title: 静电接地失效\n", '    title: "静电\\v接地失效"\n').encode(),  # a control character
    lambda s: s.encode("gbk"),                                                                 # saved as GBK
])
def test_a_file_dropped_whole_is_named_with_its_records(ledger, breakage):
    path = ledger / A
    text = path.read_text(encoding="utf-8")
    path.write_bytes(breakage(text))
    r = report("-o", "x.docx")
    assert r.exit_code == 0, r.stderr
    assert first_page_notice(ledger.parent / "x.docx") == (
        "【注意：台账尚有错误未改正，甲村隐患台账（ledger/villages/a/hazards.yaml）整个文件未能读取（其中6条记录）；"
        "共6条记录未计入本报告，以下数字不完整；请运行 hjp validate 改正后重新生成】")
    vm = json.loads(report("--format", "json").stdout)["view_model"]
    assert vm["left_out"] == 6 and vm["left_out_uncounted"] is False
    assert vm["unread_files"] == [{"path": "ledger/villages/a/hazards.yaml", "label": "甲村隐患台账", "records": 6,
                                   "emptied": False}]
    assert vm["hazards"]["total"]["found"] == 1  # what is left: 乙村's one hazard


def test_records_that_cannot_be_counted_make_it_a_lower_bound(ledger):
    path = ledger / A
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    md = report().stdout
    assert md.splitlines()[2] == (
        "【注意：台账尚有错误未改正，甲村隐患台账（ledger/villages/a/hazards.yaml）整个文件未能读取（记录数无法统计）；"
        "共至少0条记录未计入本报告，以下数字不完整；请运行 hjp validate 改正后重新生成】")


def test_one_bad_record_among_good_ones_keeps_the_short_notice(ledger):
    path = ledger / A
    path.write_text(path.read_text(encoding="utf-8").replace("found_on: 2024-06-01", "found_on: 2024-06-31", 1),
                    encoding="utf-8")
    md = report().stdout
    assert md.splitlines()[2] == ("【注意：台账尚有错误未改正，1条出错的记录未计入本报告，以下数字不完整；"
                                  "请运行 hjp validate 改正后重新生成】")
    assert found(md).startswith("4项")  # 5 found by 2025-06-30, the broken one left out


def test_a_file_emptied_since_the_last_commit_is_named(ledger):
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a",
           "GIT_COMMITTER_EMAIL": "a@b"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=ledger.parent, env=env, check=True, capture_output=True)
    (ledger / A).write_bytes(b"")
    r = report("-o", "x.docx")
    assert r.exit_code == 0, r.stderr
    assert first_page_notice(ledger.parent / "x.docx") == (
        "【注意：台账尚有错误未改正，甲村隐患台账（ledger/villages/a/hazards.yaml）已被清空或删除（上次提交中有6条记录）；"
        "共6条记录未计入本报告，以下数字不完整；请运行 hjp validate 改正后重新生成】")
