"""The chart's bars and 累计发现 reconcile: a 存量 hazard found before the plan counted
in 累计排查发现 (597) but not in the monthly bars (596), with nothing saying why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from hjp.cli import app

FIXTURE = Path(__file__).resolve().parent.parent / "report" / "fixture" / "ledger"
OLD = ("  - {id: YH-2023-1, title: 存量隐患, sector: 消防, level: 重大, source: 自查, found_on: 2023-06-01,"
       " basis: 判定标准第三条, rectification: {owner: 丁, measures: 整改, funds: 100, deadline: 2023-12-31,"
       " contingency: 停用}, supervision: {level: 县级, since: 2023-06-02}}\n")


def run(name: str, *args: str):
    return CliRunner().invoke(app, ["report", name, "--ledger", "ledger", "--as-of", "2025-06-30", *args],
                              catch_exceptions=False)


def test_pre_plan_hazards_are_named_under_the_chart(here):
    shutil.copytree(FIXTURE, here / "ledger")
    path = here / "ledger" / "villages" / "b" / "hazards.yaml"
    path.write_text(path.read_text(encoding="utf-8") + OLD, encoding="utf-8")
    for name, key in (("self-check", lambda vm: vm["hazards"]), ("hazards", lambda vm: vm)):
        vm = json.loads(run(name, "--format", "json").stdout)["view_model"]
        part = key(vm)
        bars = sum(p["found"] for p in part["months"])
        assert part["before_chart"] == 1 and bars + 1 == part["total"]["found"]
        md = run(name).stdout
        if "![" in md:  # the caption is there when the chart is (a CJK font is installed)
            assert ("图1 各月发现、销号隐患数和月末未销号重大隐患数（项）（另有方案实施前发现的存量隐患1项，"
                    "计入累计发现，未列入图中）") in md


def test_no_note_when_everything_is_in_the_chart(here):
    vm = json.loads(CliRunner().invoke(app, ["report", "self-check", "--ledger", str(FIXTURE), "--as-of",
                                             "2025-06-30", "--format", "json"]).stdout)["view_model"]
    assert vm["hazards"]["before_chart"] == 0
    assert sum(p["found"] for p in vm["hazards"]["months"]) == vm["hazards"]["total"]["found"]
