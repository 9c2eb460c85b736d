"""Record files emptied, deleted or cut since the last commit (HJP221) and blank record files
(HJP222): a 0-byte or `hazards: []` village file passed validate and check while
every report dropped the village's records. Real git repositories in temp directories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp.cli import app

H = "ledger/villages/cun/hazards.yaml"
H2 = "ledger/villages/xin/hazards.yaml"


def hazard(n: int, found_on: str = "2024-05-10") -> str:
    return (f"  - id: YH-2024-{n:04d}\n    title: 灭火器过期{n}\n    sector: 消防\n    level: 一般\n    source: 自查\n"
            f"    found_on: {found_on}\n    rectification: {{owner: 王某, deadline: 2024-06-30}}\n")


SEVEN = "hazards:\n" + "".join(hazard(n) for n in range(1, 8))


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "文员", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "文员",
           "GIT_COMMITTER_EMAIL": "a@b", "GIT_AUTHOR_DATE": "2026-11-20T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-11-20T10:00:00+08:00"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(here: Path, make_ledger) -> Path:
    make_ledger({"villages/cun/hazards.yaml": SEVEN, "villages/xin/village.yaml": "name: 新村\n"})
    git(here, "init", "-q")
    git(here, "add", "-A")
    git(here, "commit", "-qm", "init")
    return here


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


EMPTIED = ("ledger/villages/cun/hazards.yaml:1:1: error HJP221: 文件现在没有任何记录，而上次提交（HEAD）中它有 7 条隐患记录，"
           "报告会少算这些记录；记录不能删除。若是误清空或误删（编辑器崩溃、同步冲突、另存为到别处），"
           "请运行 git checkout -- ledger/villages/cun/hazards.yaml 恢复")


@pytest.mark.parametrize("content", [b"", b"\r\n", "hazards:\n".encode(), "hazards: []\n".encode(),
                                     "# 台账\nhazards: []\n".encode()])
def test_an_emptied_file_is_an_error_naming_what_it_held(repo, content):
    (repo / H).write_bytes(content)
    r = run("validate", "--ledger", "ledger")
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0] == EMPTIED
    assert run("check", "--ledger", "ledger", "--fail-on", "error").exit_code == 1
    rep = run("report", "self-check", "--ledger", "ledger", "--as-of", "2026-11-30")
    assert rep.exit_code == 1 and EMPTIED in rep.stderr and rep.stdout == ""
    git(repo, "checkout", "--", H)  # the fix the message gives
    assert run("validate", "--ledger", "ledger").exit_code == 0


def test_a_deleted_file_is_an_error(repo):
    (repo / H).unlink()
    r = run("validate", "--ledger", "ledger")
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0] == EMPTIED.replace("文件现在没有任何记录", "文件已被删除")


def test_records_cut_out_of_a_file_are_named(repo):
    (repo / H).write_text("hazards:\n" + hazard(1) + hazard(3), encoding="utf-8")
    r = run("validate", "--ledger", "ledger")
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0] == (
        "ledger/villages/cun/hazards.yaml:1:1: error HJP221: 上次提交（HEAD）中的隐患 YH-2024-0002、YH-2024-0004、"
        "YH-2024-0005、YH-2024-0006、YH-2024-0007 现在台账中找不到了（共 5 条）；记录不能删除，录错的记录请用 hjp void 作废。"
        "请用 git diff -- ledger/villages/cun/hazards.yaml 查看改动，把删掉的记录恢复")
    (repo / H).write_text("hazards:\n" + hazard(1), encoding="utf-8")
    assert "YH-2024-0006 等 现在台账中找不到了（共 6 条）" in run("validate", "--ledger", "ledger").stdout


def test_records_moved_or_broken_are_not_gone(repo):
    # moved to another village's file: still in the ledger
    (repo / H).write_text("hazards:\n" + "".join(hazard(n) for n in range(1, 7)), encoding="utf-8")
    (repo / H2).write_text("hazards:\n" + hazard(7), encoding="utf-8")
    assert run("validate", "--ledger", "ledger").stdout.startswith("台账检查通过")
    # a record with a field error is not loaded, but it is still there: only the field error is said
    (repo / H).write_text(SEVEN.replace("found_on: 2024-05-10", "found_on: 2024-02-30", 1), encoding="utf-8")
    r = run("validate", "--ledger", "ledger")
    assert r.exit_code == 1 and "HJP221" not in r.stdout and "2024-02-30" in r.stdout
    # a file that no longer reads at all (a Tab typed in WPS): its read error, no HJP221 on top
    (repo / H).write_text(SEVEN.replace("    title: 灭火器过期1\n", "\ttitle: 灭火器过期1\n"), encoding="utf-8")
    r = run("validate", "--ledger", "ledger")
    assert r.exit_code == 1 and "HJP005" in r.stdout and "HJP221" not in r.stdout


def test_voiding_is_the_way_and_committed_changes_are_the_audit_s(repo):
    (repo / H).write_text(SEVEN.replace("    found_on: 2024-05-10\n", "    found_on: 2024-05-10\n    void: {date: 2026-11-20, reason: 重复录入}\n", 1),
                          encoding="utf-8")
    assert run("validate", "--ledger", "ledger").exit_code == 0


def test_a_new_village_without_records_is_fine_and_a_blank_file_is_a_warning(repo):
    (repo / H2).write_text("hazards: []\n", encoding="utf-8")
    assert run("validate", "--ledger", "ledger").stdout.startswith("台账检查通过")
    (repo / H2).write_bytes(b"")
    r = run("validate", "--ledger", "ledger")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == (
        "ledger/villages/xin/hazards.yaml:1:1: warning HJP222: 文件是空的（没有 hazards: 这一行），其中没有任何隐患记录；"
        "若是误清空（编辑器崩溃、同步冲突），请从备份或 git 恢复；若这个村确实还没有隐患记录，请写一行 hazards: [] 或删除这个文件")


def test_without_git_a_blank_file_is_still_a_warning(make_ledger):
    root = make_ledger({"villages/cun/hazards.yaml": "# 只有注释\n\n", "villages/cun/drills.yaml": "drills: []\n"})
    r = run("validate", "--ledger", str(root))
    assert r.exit_code == 0
    assert [line.split(": warning ")[1][:6] for line in r.stdout.splitlines()[:-1]] == ["HJP222"]
