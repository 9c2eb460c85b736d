"""The audit rules as ordinary rules: a table of documented functions, run in isolation (HJP900)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from hjp import auditrules
from hjp.audit import AuditContext, CommitChange, RecordChange, run_rules
from hjp.gitio import Commit

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "codes.md").read_text(encoding="utf-8")


def a_commit() -> CommitChange:
    commit = Commit("a" * 40, "李某", "li@example.cn", "2026-02-15T10:00:00+08:00", 1_771_120_800, "整改", ("b" * 40,),
                    changes=[("c" * 40, "d" * 40, "M", "ledgers/villages/x/hazards.yaml")])
    before = {"id": "YH-1", "title": "电线私拉乱接", "rectification": {"owner": "王某", "deadline": "2026-01-31"}}
    after = {**before, "rectified_on": "2026-01-20"}
    return CommitChange(commit, date(2026, 2, 15), [RecordChange("YH-1", before, after, "ledgers/villages/x/hazards.yaml", 2)])


def test_every_audit_rule_is_documented_with_its_codes():
    for rule in auditrules.AUDIT_RULES:
        doc = rule.__doc__ or ""
        codes = re.findall(r"HJP5\d\d", doc)
        assert codes, f"{rule.__name__}: its docstring names no code"
        for code in codes:
            assert f"### {code} " in DOCS, f"{code} ({rule.__name__}) is not documented in docs/codes.md"


def test_a_crashing_audit_rule_is_an_hjp900_and_the_others_still_run():
    def check_broken(change, ctx):
        raise KeyError("x")

    diags = run_rules(a_commit(), AuditContext("Asia/Shanghai"), [check_broken, *auditrules.AUDIT_RULES])
    assert [d.code for d in diags] == ["HJP900", "HJP503"]
    assert diags[0].path == "ledgers/villages/x/hazards.yaml"
    assert re.fullmatch(r"检查 check_broken 出错（hjp 程序缺陷，请报告）：.*tests/unit/test_audit\.py:\d+", diags[0].message)
    assert (diags[1].path, diags[1].line, diags[1].record) == ("ledgers/villages/x/hazards.yaml", 2, "YH-1")
