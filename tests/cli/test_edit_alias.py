"""An edit of a record that uses a YAML alias to another record's anchor: refused, as
before (it would change two records), but saying why — it said "YAML 语法错误" and sent the clerk to
a validate that passes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from hjp.cli import app

HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: &r {owner: 王某, deadline: 2026-11-20}
  - id: YH-2026-0002
    title: 疏散通道堵塞
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2026-11-02
    rectification: *r
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_edit_through_an_alias_says_so(make_ledger, here: Path):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARDS})
    assert run("validate", "--ledger", str(root)).exit_code == 0
    before = (here / "ledger/villages/cun/hazards.yaml").read_bytes()
    r = run("rectify", "YH-2026-0002", "--ledger", str(root), "--on", "2026-11-20")
    assert r.exit_code == 1
    assert r.stderr == ("hjp: 错误：ledger/villages/cun/hazards.yaml 第 15 行的这条记录用了 YAML 别名（*r），引用了别处的内容，"
                        "无法自动修改（改动会同时改到别的记录）；未作任何修改。请把别名展开成完整内容后重试\n")
    assert (here / "ledger/villages/cun/hazards.yaml").read_bytes() == before
    # the record holding the anchor is edited as before
    r = run("rectify", "YH-2026-0001", "--ledger", str(root), "--on", "2026-11-19")
    assert r.exit_code == 0, r.stderr
