"""Where reports and exports may be written: never over the ledger, never over a
report the clerk has filled in (F16). Real git repositories, real files re-opened."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from hjp.cli import app

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURE = REPO / "tests" / "report" / "fixture" / "ledger"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "文员", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "文员",
           "GIT_COMMITTER_EMAIL": "a@b", "GIT_AUTHOR_DATE": "2025-06-30T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2025-06-30T10:00:00+08:00"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(here: Path) -> Path:
    """The report fixture as ``ledgers/`` of a git repository in the current directory, committed."""
    shutil.copytree(FIXTURE, here / "ledgers")
    git(here, "init", "-q")
    git(here, "add", "-A")
    git(here, "commit", "-qm", "init")
    return here


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts and ".hjp-cache" not in p.parts}


@pytest.mark.parametrize(("fmt", "target"), [
    ("md", "ledgers/villages/a/hazards.yaml"),
    ("md", "ledgers/town.yaml"),
    ("json", "ledgers/tasks.yaml"),
    ("docx", "ledgers/villages/a/hazards.yaml"),
    ("md", "ledgers/villages/a/新报告.md"),      # a new file inside: refused as well (and no chart beside it)
    ("docx", ".git/报告.docx"),
])
def test_report_never_writes_into_the_ledger(repo, fmt, target):
    before = snapshot(repo)
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "--format", fmt, "-o", target)
    assert r.exit_code == 2
    assert "hjp: 错误：不能把文件写到" in r.stderr and "未写入任何文件" in r.stderr
    assert f"-o {Path(target).name}" in r.stderr  # the fix: the same name outside the ledger
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == ""


def test_report_refuses_a_link_that_leads_into_the_ledger(repo):
    (repo / "out.md").symlink_to(repo / "ledgers" / "town.yaml")
    before = (repo / "ledgers" / "town.yaml").read_bytes()
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "-o", "out.md", "--force")
    assert r.exit_code == 2 and "不能把文件写到台账目录 ledgers 里" in r.stderr
    assert (repo / "ledgers" / "town.yaml").read_bytes() == before


def test_default_word_name_inside_the_ledger_is_refused(repo, monkeypatch):
    monkeypatch.chdir(repo / "ledgers")
    r = invoke("report", "self-check", "--ledger", ".", "--as-of", "2025-06-30", "--format", "docx")
    assert r.exit_code == 2
    assert "不能把文件写到台账目录 . 里" in r.stderr
    assert f"-o {os.path.join('..', '自查总结报告-2025-06-30.docx')}" in r.stderr
    assert git(repo, "status", "--porcelain") == ""


def test_export_force_never_reaches_into_the_ledger(repo):
    before = snapshot(repo)
    r = invoke("export", "xlsx", "-o", "ledgers/town.yaml", "--force")
    assert r.exit_code == 2 and "不能把文件写到台账目录 ledgers 里" in r.stderr
    assert snapshot(repo) == before
    r = invoke("export", "xlsx", "-o", "台账.xlsx")  # outside: written
    assert r.exit_code == 0 and zipfile.is_zipfile(repo / "台账.xlsx")


def _fill_in(path: Path, text: str) -> None:
    """What the clerk does in WPS: write into the document and save it."""
    doc = Document(str(path))
    doc.add_paragraph(text)
    doc.save(str(path))


def test_rerun_keeps_the_filled_in_word_file(repo):
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "--format", "docx")
    assert r.exit_code == 0, r.stderr
    first = repo / "自查总结报告-2025-06-30.docx"
    _fill_in(first, "文员手写的下一步工作打算")
    filled = first.read_bytes()
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "--format", "docx")
    assert r.exit_code == 0
    assert r.stderr.endswith("hjp: 提示：自查总结报告-2025-06-30.docx 已存在，未覆盖（其中可能有已填写的内容）；"
                             "本次另存为 自查总结报告-2025-06-30（2）.docx\n已生成 自查总结报告-2025-06-30（2）.docx\n")
    assert first.read_bytes() == filled
    assert any(p.text == "文员手写的下一步工作打算" for p in Document(str(first)).paragraphs)
    second = Document(str(repo / "自查总结报告-2025-06-30（2）.docx"))
    assert not any(p.text == "文员手写的下一步工作打算" for p in second.paragraphs)
    assert second.paragraphs[0].text.endswith("自查总结报告")
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "--format", "docx")
    assert r.stderr.endswith("已生成 自查总结报告-2025-06-30（3）.docx\n")
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "--format", "docx", "--force")
    assert r.exit_code == 0 and r.stderr.endswith("已生成 自查总结报告-2025-06-30.docx\n")
    assert not any(p.text == "文员手写的下一步工作打算" for p in Document(str(first)).paragraphs)


@pytest.mark.parametrize("name", ["报告.docx", "报告.md", "报告.json"])
def test_named_output_is_not_overwritten_without_force(repo, name):
    (repo / name).write_bytes(b"clerk's own\n")
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "-o", name)
    assert r.exit_code == 2
    assert r.stderr == (f"hjp: 错误：{name} 已存在，未生成报告（以免覆盖其中已填写或修改的内容）；"
                        "请换一个文件名，或加 --force 覆盖\n")
    assert (repo / name).read_bytes() == b"clerk's own\n"
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "-o", name, "--force")
    assert r.exit_code == 0 and (repo / name).read_bytes() != b"clerk's own\n"


def test_screen_output_needs_no_force(repo):
    r = invoke("report", "self-check", "--as-of", "2025-06-30", "-o", "-")
    assert r.exit_code == 0 and r.stdout.startswith("# ")
