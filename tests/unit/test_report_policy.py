"""`hjp report`'s policy: refusal over a ledger with errors, --allow-errors and its notice, --format json,
Chinese default names, responsibility falling back before （未明确责任人）, and one status vocabulary."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from hjp import deadlines
from hjp.cli import app
from hjp.load import load_ledger
from hjp.report import reports, viewmodel
from hjp.status import DeadlineState, HazardBucket, TaskStatus, hazard_label, task_label

FIXTURE = Path(__file__).resolve().parent.parent / "report" / "fixture" / "ledger"


def invoke(*args: str):
    return CliRunner().invoke(app, ["report", *args], catch_exceptions=False)


@pytest.fixture
def broken(here: Path) -> Path:
    """The fixture ledger with one hazard that fails validation (no rectification.owner)."""
    root = here / "ledger"
    shutil.copytree(FIXTURE, root)
    path = root / "villages" / "b" / "hazards.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - {id: YH-9, title: 坏记录, sector: 消防, level: 一般, source: 自查, found_on: 2025-01-01,\n"
        "     rectification: {deadline: 2025-02-01}}\n"), encoding="utf-8")
    return root


def test_a_ledger_with_errors_is_refused_with_the_errors_listed(broken: Path):
    r = invoke("self-check", "--ledger", str(broken), "--as-of", "2025-06-30", "-o", "x.docx")
    assert r.exit_code == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0].startswith("ledger/villages/b/hazards.yaml:") and " error HJP" in lines[0]
    assert lines[-1].startswith("hjp: 台账有 1 个错误，报告未生成") and "--allow-errors" in lines[-1]
    assert not (broken.parent / "x.docx").exists()


def test_allow_errors_puts_a_notice_on_the_first_page(broken: Path):
    r = invoke("self-check", "--ledger", str(broken), "--as-of", "2025-06-30", "-o", "x.docx", "--allow-errors")
    assert r.exit_code == 0, r.stderr
    paras = [p.text for p in Document(str(broken.parent / "x.docx")).paragraphs if p.text.strip()]
    assert paras[1] == ("【注意：台账尚有错误未改正，1条出错的记录未计入本报告，以下数字不完整；"
                        "请运行 hjp validate 改正后重新生成】")
    md = invoke("overdue", "--ledger", str(broken), "--as-of", "2025-06-30", "--allow-errors").stdout
    assert "【注意：台账尚有错误未改正，1条出错的记录未计入本清单" in md


def test_json_prints_the_view_model(here: Path):
    r = invoke("self-check", "--ledger", str(FIXTURE), "--as-of", "2025-06-30", "--format", "json")
    assert r.exit_code == 0 and r.stderr == ""
    doc = json.loads(r.stdout)
    assert doc["report"] == "self-check"
    vm = doc["view_model"]
    total = vm["hazards"]["total"]
    # the buckets add up to 累计发现, and the derived figures are there too
    assert total["found"] == total["closed"] + total["verifying"] + total["open"] + total["overdue"] == 5
    assert (total["rectified"], total["rectified_rate"]) == (3, 0.6)
    assert vm["tasks"]["counts"] == [["已完成", 1], ["未到期", 1], ["已逾期", 1], ["长期坚持", 1]]
    assert vm["as_of"] == "2025-06-30" and vm["problems"]["total"] == 4
    # the same view-model the Markdown is made from: it is not rendered at all for json
    md = invoke("self-check", "--ledger", str(FIXTURE), "--as-of", "2025-06-30").stdout
    assert f"累计排查发现隐患{total['found']}项" in md
    to_file = invoke("hazards", "--ledger", str(FIXTURE), "--as-of", "2025-06-30", "-o", "台账.json")
    assert to_file.exit_code == 0 and json.loads((here / "台账.json").read_text(encoding="utf-8"))["report"] == "hazards"


def test_responsibility_falls_back_before_no_one(make_ledger):
    root = make_ledger({
        "tasks.yaml": "tasks:\n  - {id: RW-1, title: 报送总结, owners: [应急办], deadline: 2025-01-01}\n",
        "villages/cun/units.yaml": ("units:\n  - {id: DW-cun-1, name: 甲店, sector: 消防, principal: 张三, "
                                    "inspection_required: false}\n"),
        "villages/cun/drills.yaml": ("drills:\n  - {id: YL-1, title: 甲店演练, kind: 桌面, unit: DW-cun-1, "
                                     "planned_on: 2025-01-01}\n  - {id: YL-2, title: 无主演练, kind: 桌面, "
                                     "planned_on: 2025-01-01}\n"),
    })
    led = load_ledger(root, cache=False)
    o = viewmodel.overdue_list(led, as_of=date(2025, 6, 30))
    people = {g.person: sorted(i.id for i in g.items) for g in o.groups}
    # the unit's missed yearly 疏散逃生演练 (DW-cun-1@2024) is its principal's too
    assert people == {"应急办": ["RW-1"], "张三": ["DW-cun-1", "YL-1"], viewmodel.NO_LEAD: ["YL-2"]}
    # hjp overdue --json keeps the contract's lead (empty) for the same items
    assert [i.lead for i in deadlines.compute(led, as_of=date(2025, 6, 30)).overdue if i.kind == "drill"] == [[], []]


def test_one_status_vocabulary():
    assert hazard_label(HazardBucket.OVERDUE, days=12) == "逾期未整改（12天）"
    assert hazard_label(HazardBucket.OPEN, days=-3) == "整改中"
    assert hazard_label(HazardBucket.RECTIFIED, awaiting_days=5) == "已整改待验收（超期5天）"
    assert hazard_label(HazardBucket.RECTIFIED) == "已整改待验收"
    assert [b.label for b in HazardBucket] == ["已销号", "已整改待验收", "整改中未逾期", "逾期未整改"]
    assert task_label(TaskStatus.OVERDUE, missed=3) == "已逾期（3期次）"
    assert task_label(TaskStatus.ONGOING, stale_days=120) == "长期坚持（120天无进展）"


def test_check_and_overdue_say_the_engine_s_day_counts(monkeypatch):
    from hjp import output

    assert f"超过 {deadlines.STALE_DAYS} 天" in output.BUCKET_HINTS[DeadlineState.STALE]
    assert f"超过 {deadlines.CLOSURE_DAYS} 天" in output.BUCKET_HINTS[DeadlineState.AWAITING_CLOSURE]


def test_reports_register_in_a_table():
    assert set(reports.REPORTS) == {"self-check", "phase", "hazards", "overdue"}
    for spec in reports.REPORTS.values():
        assert callable(spec.build) and callable(spec.file_name)
