"""Every command's help ends with an example line (示例：…) that works when the clerk copies it
(issue 8 item 18: the `hjp void --help` example failed when pasted, for want of quotes).

Commands are found by walking the CLI, so a new command is checked without editing this file.
Each example is (1) written so that cmd.exe, PowerShell and sh read it alike — no single quotes, no
``&&``, no absolute /tmp paths — and parsed by the command's own parser, and (2) run, in the order
the commands are listed, in a small git repository built for them. A new command whose example
needs files of its own gets them from PREPARE below.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from hjp.cli import app

REPO = Path(__file__).resolve().parent.parent.parent

TOWN = """\
name: 测试镇
county: 测试县
plan: {title: 测试方案, doc_no: 测〔2024〕1号, issued_on: 2024-03-31, start: 2024-03-31, end: 2026-12-31}
phases:
  - {name: 集中攻坚阶段, start: 2024-04-01, end: 2025-12-31}
  - {name: 巩固提升阶段, start: 2026-01-01, end: 2026-12-31}
actions:
  1: 安全生产责任落实行动
  5: 生产经营单位整治行动
"""
TASKS = """\
tasks:
  - id: RW-14
    title: 加快淘汰一批不具备安全生产条件的生产经营单位
    action: 5
    lead: [张志瑞]
    milestones:
      - {due: 2024-12-31, what: 建立改造提升一批、整合重组一批、关闭退出一批}
      - {due: 2026-12-31, what: 基本解决“小散乱”问题}
"""
HAZARD = """\
  - id: {id}
    title: {title}
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2024-05-10
    rectification: {{owner: 王某, deadline: 2024-06-30}}
"""
HAZARDS = "hazards:\n" + "".join(HAZARD.format(id=i, title=t) for i, t in (
    ("YH-2024-0001", "卸油区静电接地装置失效"), ("YH-2024-0011", "配电柜前未铺绝缘垫"),
    ("YH-2024-0012", "配电柜前未铺绝缘垫")))
DRILLS = """\
drills:
  - id: YL-2025-0001
    title: 何家畔加油站疏散逃生演练
    kind: 疏散逃生
    planned_on: 2025-06-10
    organizer: 李某
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "文员", "GIT_AUTHOR_EMAIL": "clerk@example.cn", "GIT_COMMITTER_NAME": "文员",
           "GIT_COMMITTER_EMAIL": "clerk@example.cn", "GIT_AUTHOR_DATE": "2026-11-30T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-11-30T10:00:00+08:00"}


def _plan_docx(repo: Path) -> None:
    from docx import Document

    doc = Document()
    for line in (REPO / "tests" / "plan" / "hejiapan-plan.txt").read_text(encoding="utf-8").splitlines():
        doc.add_paragraph(line)
    doc.save(str(repo / "实施方案.docx"))


# Files an example needs besides the ledger, by command path. Add one when a new command's
# example names an input file.
def _sealed_report(repo: Path) -> None:
    """A 举报 hazard whose 举报人 is sealed to the custodian ``hjp seal init``'s example set up."""
    from hjp.sealed import MARKER, Sealer

    ledger = repo / "ledgers"
    with open(ledger / "villages/hejiapan/hazards.yaml", "a", encoding="utf-8") as f:
        f.write(HAZARD.format(id="YH-2024-0003", title="通道堵塞").replace("source: 自查", "source: 举报")
                + f"    reporter: {MARKER}\n")
    path, data = Sealer(ledger).seal("YH-2024-0003", "举报人（示例）")
    path.write_bytes(data)


def _village_sheet(repo: Path) -> None:
    """A village's hazard 台账 as the office keeps it in Excel."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["何家畔村隐患排查整治台账"])
    ws.append(["序号", "隐患内容", "隐患部位", "行业领域", "隐患级别", "排查时间", "整改责任人", "整改期限"])
    ws.append([1, "灭火器过期", "便利店", "消防", "一般隐患", "2024/5/12", "王某", "2024/5/30"])
    wb.save(repo / "何家畔村隐患台账.xlsx")


PREPARE: dict[str, Callable[[Path], None]] = {
    "import plan": _plan_docx,
    "import xlsx": _village_sheet,
    "reporter show": _sealed_report,
}
# Commands that report findings with exit code 1 on this ledger (deadlines passed, dates entered
# long after they happened): their examples must parse and run, not come out clean.
FINDINGS_ALLOWED = {"audit", "check"}


def commands(group: object = None, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, object]]:
    group = group if group is not None else get_command(app)
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        path = (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from commands(cmd, path)
        else:
            yield " ".join(path), cmd


def example_of(cmd: object) -> str:
    lines = [line.strip() for line in (cmd.help or "").splitlines() if "示例：" in line]  # type: ignore[attr-defined]
    assert len(lines) == 1, f"one example line (示例：hjp …) in the help, found {lines}"
    return lines[0].split("示例：", 1)[1]


def split(example: str) -> tuple[list[str], str | None]:
    """argv after "hjp", and the file stdout is redirected to (``> FILE``), if any."""
    words = shlex.split(example)
    target = None
    if ">" in words:
        i = words.index(">")
        target = words[i + 1]
        words = words[:i] + words[i + 2:]
    assert words[0] == "hjp"
    return words[1:], target


ALL = list(commands())


def test_every_command_has_one_example() -> None:
    assert len(ALL) >= 15
    for path, cmd in ALL:
        example = example_of(cmd)
        assert example.startswith(f"hjp {path}"), (path, example)


@pytest.mark.parametrize("path,cmd", ALL, ids=[p for p, _ in ALL])
def test_example_reads_alike_in_every_shell_and_parses(path: str, cmd: object) -> None:
    example = example_of(cmd)
    # cmd.exe does not treat '…' as quotes, Windows PowerShell 5.1 has no &&, and /tmp is not Windows
    assert "'" not in example and "&&" not in example and ";" not in example and "/tmp" not in example, example
    args, _ = split(example)
    sub = args[len(path.split()):]
    ctx = cmd.make_context(f"hjp {path}", list(sub))  # type: ignore[attr-defined]  # raises UsageError
    assert not ctx.args or ctx.allow_extra_args, ctx.args


@pytest.fixture
def workspace(here: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with ``ledgers/`` holding the records the examples name."""
    files = {"town.yaml": TOWN, "tasks.yaml": TASKS, "villages/hejiapan/village.yaml": "name: 何家畔村\n",
             "villages/hejiapan/hazards.yaml": HAZARDS, "villages/hejiapan/drills.yaml": DRILLS}
    for rel, text in files.items():
        (here / "ledgers" / rel).parent.mkdir(parents=True, exist_ok=True)
        (here / "ledgers" / rel).write_text(text, encoding="utf-8")
    (here / "evidence" / "RW-14").mkdir(parents=True)
    (here / "evidence" / "RW-14" / "总结.pdf").write_bytes(b"%PDF-1.4\n")
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(here.parent / f"{here.name}-home"))  # hjp seal init's key: outside the repo
    git = shutil.which("git")
    assert git is not None
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "台账"],
                 ["update-ref", "refs/remotes/origin/main", "HEAD"]):
        subprocess.run([git, *argv], cwd=here, check=True, capture_output=True)
    return here


def test_every_example_runs(workspace: Path) -> None:
    git = shutil.which("git")
    assert git is not None
    for path, cmd in ALL:
        if path in PREPARE:
            PREPARE[path](workspace)
        args, target = split(example_of(cmd))
        res = CliRunner().invoke(app, args, catch_exceptions=False)
        allowed = (0, 1) if path in FINDINGS_ALLOWED else (0,)
        assert res.exit_code in allowed, (
            f"`hjp {' '.join(args)}` exited {res.exit_code}:\n{res.stdout}{res.stderr}\n"
            f"(an example that needs an input file gets it from PREPARE in {Path(__file__).name})")
        if target is not None:
            (workspace / target).write_text(res.stdout, encoding="utf-8")
        # the next example starts from a clean tree, as after the clerk commits
        subprocess.run([git, "add", "-A"], cwd=workspace, check=True)
        subprocess.run([git, "commit", "-qm", f"示例 {path}", "--allow-empty"], cwd=workspace, check=True)
    assert (workspace / "hjp-report.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert (workspace / "自查总结报告.docx").is_file() and (workspace / "tasks-草稿.yaml").is_file()
    assert (workspace / "示例台账" / "town.yaml").is_file()
