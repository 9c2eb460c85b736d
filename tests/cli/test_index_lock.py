"""A stale .git/index.lock (left by a killed git, an editor, TortoiseGit) and --commit:
refused before anything is written, in Chinese, with the fix; git's English text was all the clerk got,
after the ledger had been written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp import api, gitio
from hjp.cli import app
from hjp.errors import EditError

HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-11-20}
"""
LOCKED = ("hjp: 错误：git 仓库被锁住了：.git/index.lock 存在（之前的 git 操作被中断后留下的，或另一个 git 程序、编辑器、"
          "TortoiseGit 正在使用仓库）。请确认没有 git 在运行，然后删除这个文件（rm .git/index.lock；"
          "Windows 上为 del .git\\index.lock）")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "文员", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "文员",
           "GIT_COMMITTER_EMAIL": "a@b"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(here: Path, make_ledger) -> Path:
    make_ledger({"villages/cun/hazards.yaml": HAZARDS})
    git(here, "init", "-q")
    git(here, "config", "user.name", "文员")
    git(here, "config", "user.email", "a@b")
    git(here, "add", "-A")
    git(here, "commit", "-qm", "init")
    return here


@pytest.mark.skipif(os.name == "nt", reason="the message's first command is del on Windows")
def test_a_stale_lock_refuses_before_writing(repo):
    (repo / ".git" / "index.lock").touch()
    before = (repo / "ledger/villages/cun/hazards.yaml").read_bytes()
    r = CliRunner().invoke(app, ["rectify", "YH-2026-0001", "--ledger", "ledger", "--on", "2026-11-29", "--commit"],
                           catch_exceptions=False)
    assert r.exit_code == 1
    assert r.stderr == LOCKED + "；未作任何修改。请确认后重新运行，或不加 --commit\n"
    assert (repo / "ledger/villages/cun/hazards.yaml").read_bytes() == before
    (repo / ".git" / "index.lock").unlink()  # the fix
    r = CliRunner().invoke(app, ["rectify", "YH-2026-0001", "--ledger", "ledger", "--on", "2026-11-29", "--commit"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.skipif(os.name == "nt", reason="the message's first command is del on Windows")
def test_a_lock_that_appears_while_writing_gives_the_commit_to_type(repo):
    path = repo / "ledger/villages/cun/hazards.yaml"
    path.write_text(HAZARDS + "    rectified_on: 2026-11-29\n", encoding="utf-8")
    (repo / ".git" / "index.lock").touch()
    with pytest.raises(EditError) as caught:
        api.commit_paths(gitio.Git(repo), [path], "整改完成 YH-2026-0001")
    assert "hjp: 错误：" + caught.value.message == (
        LOCKED.replace("hjp: 错误：", "hjp: 错误：已写入，但 git 提交失败：") +
        "；之后手工提交：git add -- ledger/villages/cun/hazards.yaml && "
        "git commit -m \"整改完成 YH-2026-0001\" -- ledger/villages/cun/hazards.yaml")
