"""Messages that misled, and output that was cut (issue 8 item 18, the CLI's part): git missing from
PATH, HJP_LEDGER naming a file, IDs cut to "YH-2025" on a narrow terminal or in a file, command
summaries cut to "..." in `hjp --help`. Real processes where the environment is the point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from hjp.cli import app
from hjp.gitio import GIT_MISSING

HAZARDS = """\
hazards:
  - id: YH-2025-000001
    title: 加油站卸油区静电接地装置失效，整改期间停止卸油作业并设置警戒区
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2025-05-10
    rectification: {owner: 欧阳振华, deadline: 2025-06-30}
  - id: YH-2025-000002
    title: 急弯路段缺少警示标志
    sector: 道路交通
    level: 一般
    source: 检查
    found_on: 2026-11-20
    rectification: {owner: 李某, deadline: 2026-12-02}
"""


def hjp(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hjp", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env={**os.environ, "HJP_NO_CACHE": "1", **env})


@pytest.fixture
def ledger(make_ledger) -> Path:
    return make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS})


@pytest.fixture
def repo(ledger: Path, here: Path) -> Path:
    env = {**os.environ, "GIT_AUTHOR_NAME": "文员", "GIT_AUTHOR_EMAIL": "c@example.cn", "GIT_COMMITTER_NAME": "文员",
           "GIT_COMMITTER_EMAIL": "c@example.cn"}
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "台账"]):
        subprocess.run(["git", *argv], cwd=here, check=True, env=env, capture_output=True)
    return ledger


def test_git_missing_is_not_called_a_missing_repository(repo: Path, here: Path) -> None:
    """`--commit` said "不在 git 仓库中" when git itself was not installed."""
    no_git = here / "empty-bin"
    no_git.mkdir()
    hazards = repo / "villages" / "hejiapan" / "hazards.yaml"
    before = hazards.read_bytes()
    for args in (["rectify", "YH-2025-000001", "--on", "2025-06-20", "--commit"], ["log", "YH-2025-000001"],
                 ["audit"]):
        proc = hjp([*args, "--ledger", "ledger"], here, PATH=str(no_git))
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"hjp: 错误：{GIT_MISSING}\n"), args
    assert hazards.read_bytes() == before
    assert "没有安装 git" in GIT_MISSING and "git-scm.com" in GIT_MISSING and "apt install git" in GIT_MISSING


def test_not_a_repository_is_still_said_so(ledger: Path, here: Path) -> None:
    proc = hjp(["rectify", "YH-2025-000001", "--on", "2025-06-20", "--commit", "--ledger", "ledger"], here)
    assert proc.returncode == 2 and "不在 git 仓库中" in proc.stderr and GIT_MISSING not in proc.stderr


FROM_ENV = ("hjp: 错误：{p} 是一个文件，不是台账目录（来自环境变量 HJP_LEDGER）；请把 HJP_LEDGER 改为台账目录"
            "（含 town.yaml 的目录，例如 ledgers）或删除它，或用 --ledger 指定\n")


@pytest.mark.parametrize("args", [["validate"], ["overdue"], ["check"], ["log", "YH-1"], ["audit"],
                                  ["report", "hazards"], ["rectify", "YH-1"], ["new", "hazard"]],
                         ids=lambda args: args[0])
def test_hjp_ledger_naming_a_file(here: Path, args: list[str]) -> None:
    """HJP_LEDGER=/etc/passwd said "找不到台账目录" — it is there, it is a file."""
    (here / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    res = CliRunner().invoke(app, args, env={"HJP_LEDGER": "passwd"}, catch_exceptions=False)
    assert (res.exit_code, res.stdout, res.stderr) == (2, "", FROM_ENV.format(p="passwd"))


def test_ledger_option_naming_a_file_or_a_path_through_one(here: Path) -> None:
    (here / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", "--ledger", "passwd"], catch_exceptions=False)
    assert (res.exit_code, res.stderr) == (
        2, "hjp: 错误：passwd 是一个文件，不是台账目录；请用 --ledger 指定，或设置环境变量 HJP_LEDGER\n")
    res = CliRunner().invoke(app, ["overdue", "--ledger", "passwd/ledgers"], catch_exceptions=False)
    assert res.stderr == ("hjp: 错误：找不到台账目录 passwd/ledgers（路径中有一段是文件，不是目录）；"
                          "请用 --ledger 指定，或设置环境变量 HJP_LEDGER\n")
    res = CliRunner().invoke(app, ["overdue"], env={"HJP_LEDGER": "nowhere"}, catch_exceptions=False)
    assert res.stderr == ("hjp: 错误：找不到台账目录 nowhere（来自环境变量 HJP_LEDGER）；请把 HJP_LEDGER 改为台账目录"
                          "（含 town.yaml 的目录，例如 ledgers）或删除它，或用 --ledger 指定\n")


@pytest.mark.parametrize("columns", ["20", "60", "abc", ""])
def test_ids_and_dates_are_never_cut_in_a_file(ledger: Path, here: Path, columns: str) -> None:
    """COLUMNS=20 (also with output to a file) cut IDs to "YH-2025"."""
    with open(here / "逾期.txt", "w", encoding="utf-8") as f:
        proc = subprocess.run([sys.executable, "-m", "hjp", "overdue", "--ledger", "ledger", "--as-of", "2026-11-30"],
                              cwd=here, stdout=f, stderr=subprocess.PIPE, text=True, timeout=120,
                              env={**os.environ, "HJP_NO_CACHE": "1", "COLUMNS": columns})
    assert proc.returncode == 0, proc.stderr
    text = (here / "逾期.txt").read_text(encoding="utf-8")
    for whole in ("YH-2025-000001", "YH-2025-000002", "2025-06-30", "2026-12-02", "518"):
        assert re.search(rf"(^|\s){whole}(\s|$)", text, re.M), (whole, text)
    # folded, never dropped: every character of the title and the owner, in order
    assert in_order("加油站卸油区静电接地装置失效，整改期间停止卸油作业并设置警戒区", text)
    assert in_order("欧阳振华", text)


def in_order(wanted: str, text: str) -> bool:
    rest = iter(text)
    return all(ch in rest for ch in wanted)


def test_a_narrow_terminal_folds_titles_but_keeps_ids_whole(ledger: Path) -> None:
    res = CliRunner().invoke(app, ["overdue", "--ledger", "ledger", "--as-of", "2026-11-30"], env={"COLUMNS": "20"},
                             catch_exceptions=False)
    lines = res.stdout.splitlines()
    assert any(line.startswith("YH-2025-000001 ") for line in lines)
    assert any(line.startswith("YH-2025-000002 ") for line in lines)


def _first_paragraph(cmd: object) -> str:
    return re.sub(r"\s+", "", (cmd.help or "").strip().split("\n\n", 1)[0])  # type: ignore[attr-defined]


@pytest.mark.parametrize("columns", ["20", "80"])
def test_help_lists_every_command_summary_whole(here: Path, columns: str) -> None:
    """`hjp --help` cut Chinese summaries at the last space, down to "demo  ..." at COLUMNS=20."""
    proc = hjp(["--help"], here, COLUMNS=columns)
    assert proc.returncode == 0
    squeezed = re.sub(r"\s+", "", proc.stdout)
    assert "..." not in proc.stdout.split("命令:", 1)[1]
    for name, cmd in get_command(app).commands.items():  # type: ignore[attr-defined]
        assert name + _first_paragraph(cmd) in squeezed, name


def test_overdue_json_ignores_columns(ledger: Path, here: Path) -> None:
    proc = hjp(["overdue", "--ledger", "ledger", "--as-of", "2026-11-30", "--json"], here, COLUMNS="20")
    assert [i["key"] for i in json.loads(proc.stdout)["overdue"]] == ["YH-2025-000001"]
