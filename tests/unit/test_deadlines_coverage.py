"""DESIGN §4 for inspections and trainings: 主要负责人带队 inspection coverage per calendar quarter
(方案任务8) and principals' training coverage (方案任务5), boundary by boundary (table-driven), with
the same rigour as drill coverage in test_deadlines.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hjp import model as m
from hjp.deadlines import compute, inspection_coverage, training_coverage, unit_quarters
from hjp.load import Ledger, VillageLedger

PLAN = {"title": "测试方案", "doc_no": "测〔2024〕1号", "issued_on": "2024-03-31", "start": "2024-03-31",
        "end": "2026-12-31"}


def ledger(*, units: list[dict], inspections: list[dict] = (), trainings: list[dict] = (),
           plan: dict | None = None, **town: Any) -> Ledger:
    t = m.Town.model_validate({"name": "测试镇", "county": "测试县", "plan": {**PLAN, **(plan or {})}, **town})
    led = Ledger(root=Path("x"), repo_root=Path("."), display_root="x", town=t)
    led.trainings = [m.Training.model_validate(x) for x in trainings]
    v = VillageLedger("cun")
    v.units = [m.Unit.model_validate(u) for u in units]
    v.inspections = [m.Inspection.model_validate(i) for i in inspections]
    led.villages["cun"] = v
    return led


def unit(id: str = "DW-c-1", **kw: Any) -> dict:
    return {"id": id, "name": "东庄加油站", "sector": "危险化学品", "principal": "孙某", **kw}


def jc(id: str, day: str, unit_id: str = "DW-c-1", kind: str = "主要负责人带队", **kw: Any) -> dict:
    return {"id": id, "date": day, "unit": unit_id, "kind": kind, "led_by": "孙某", **kw}


def summary(led: Ledger, as_of: date, kind: str) -> dict[str, list[tuple[str, int]]]:
    f = compute(led, as_of=as_of, kinds={kind})
    return {name: [(i.key, i.days) for i in items] for name, items in f.buckets().items() if items}


VOID = {"date": "2024-07-01", "reason": "重复录入"}

INSPECTION_CASES = [
    # case, as of, unit fields, inspections, town fields (coverage_from, plan), expected
    ("a plan starting 2024-03-31 owes from 2024Q2", date(2024, 7, 1), {}, [], {},
     {"overdue": [("DW-c-1@2024Q2", 1)]}),
    ("the quarter's last day is not overdue", date(2024, 6, 30), {}, [], {}, {"due_soon": [("DW-c-1@2024Q2", 0)]}),
    ("due soon a week before the quarter ends", date(2024, 6, 23), {}, [], {},
     {"due_soon": [("DW-c-1@2024Q2", -7)]}),
    ("not listed eight days before", date(2024, 6, 22), {}, [], {}, {}),
    ("inspected on the quarter's last day", date(2024, 7, 1), {}, [jc("JC-1", "2024-06-30")], {}, {}),
    ("inspected on the quarter's first day", date(2024, 7, 1), {}, [jc("JC-1", "2024-04-01")], {}, {}),
    ("inspected the day before the quarter does not count", date(2024, 7, 1), {}, [jc("JC-1", "2024-03-31")], {},
     {"overdue": [("DW-c-1@2024Q2", 1)]}),
    ("inspected the day after the quarter does not count", date(2024, 7, 2), {}, [jc("JC-1", "2024-07-01")], {},
     {"overdue": [("DW-c-1@2024Q2", 2)]}),
    ("an inspection dated after D has not happened yet", date(2024, 6, 29), {}, [jc("JC-1", "2024-06-30")], {},
     {"due_soon": [("DW-c-1@2024Q2", -1)]}),
    ("a 部门检查 does not count", date(2024, 7, 1), {}, [jc("JC-1", "2024-05-01", kind="部门检查")], {},
     {"overdue": [("DW-c-1@2024Q2", 1)]}),
    ("another unit's inspection does not count", date(2024, 7, 1), {}, [jc("JC-1", "2024-05-01", "DW-c-2")], {},
     {"overdue": [("DW-c-1@2024Q2", 1)]}),
    ("a voided inspection does not count", date(2024, 7, 1), {}, [jc("JC-1", "2024-05-01", void=VOID)], {},
     {"overdue": [("DW-c-1@2024Q2", 1)]}),
    ("two inspections in a quarter: one item less, not negative", date(2024, 10, 1), {},
     [jc("JC-1", "2024-05-01"), jc("JC-2", "2024-06-01")], {}, {"overdue": [("DW-c-1@2024Q3", 1)]}),
    ("opened mid-quarter: owes from the next quarter", date(2025, 7, 1), {"since": "2025-02-15"}, [], {},
     {"overdue": [("DW-c-1@2025Q2", 1)]}),
    ("opened on a quarter's first day: owes that quarter", date(2025, 7, 1), {"since": "2025-04-01"}, [], {},
     {"overdue": [("DW-c-1@2025Q2", 1)]}),
    ("opened on a quarter's second day: owes from the next", date(2025, 10, 1), {"since": "2025-04-02"}, [], {},
     {"overdue": [("DW-c-1@2025Q3", 1)]}),
    ("closed on the quarter's last day: does not owe it", date(2024, 10, 1),
     {"since": "2024-01-01", "closed_on": "2024-09-30"}, [], {}, {"overdue": [("DW-c-1@2024Q2", 93)]}),
    ("closed the day after: owes the quarter", date(2024, 10, 2),
     {"since": "2024-01-01", "closed_on": "2024-10-01"}, [], {},
     {"overdue": [("DW-c-1@2024Q2", 94), ("DW-c-1@2024Q3", 2)]}),
    ("closed mid-quarter: owes the quarters before only", date(2025, 1, 1), {"closed_on": "2024-11-15"}, [], {},
     {"overdue": [("DW-c-1@2024Q2", 185), ("DW-c-1@2024Q3", 93)]}),
    ("a closure after D has not happened yet", date(2024, 9, 29), {"closed_on": "2024-09-30"}, [], {},
     {"overdue": [("DW-c-1@2024Q2", 91)], "due_soon": [("DW-c-1@2024Q3", -1)]}),
    ("once opened, the quarter is owed", date(2024, 10, 1), {"since": "2024-07-01"}, [], {},
     {"overdue": [("DW-c-1@2024Q3", 1)]}),
    ("coverage_from on a quarter's first day", date(2025, 10, 1), {}, [], {"coverage_from": "2025-07-01"},
     {"overdue": [("DW-c-1@2025Q3", 1)]}),
    ("coverage_from mid-quarter: from the next quarter", date(2026, 1, 1), {}, [], {"coverage_from": "2025-07-02"},
     {"overdue": [("DW-c-1@2025Q4", 1)]}),
    ("the later of since and coverage_from wins", date(2025, 7, 1), {"since": "2025-02-15"}, [],
     {"coverage_from": "2024-04-01"}, {"overdue": [("DW-c-1@2025Q2", 1)]}),
    ("coverage_from before the plan changes nothing", date(2024, 7, 1), {}, [], {"coverage_from": "2023-01-01"},
     {"overdue": [("DW-c-1@2024Q2", 1)]}),
    ("coverage_from after the plan: nothing owed", date(2027, 6, 1), {}, [], {"coverage_from": "2027-01-01"}, {}),
    ("the plan's last quarter ends on its end: owed", date(2027, 1, 1), {"since": "2026-10-01"}, [], {},
     {"overdue": [("DW-c-1@2026Q4", 1)]}),
    ("a quarter ending after the plan's end is not owed", date(2027, 1, 1), {"since": "2026-07-01"}, [],
     {"plan": {"end": "2026-11-30"}}, {"overdue": [("DW-c-1@2026Q3", 93)]}),
    ("inspection_required: false", date(2027, 1, 1), {"inspection_required": False}, [], {}, {}),
    ("a voided unit", date(2027, 1, 1), {"void": {"date": "2024-05-01", "reason": "重复登记"}}, [], {}, {}),
]


@pytest.mark.parametrize("case, as_of, fields, inspections, town, expected", INSPECTION_CASES,
                         ids=[c[0] for c in INSPECTION_CASES])
def test_inspection_boundaries(case: str, as_of: date, fields: dict, inspections: list, town: dict,
                               expected: dict) -> None:
    units = [unit(**fields), unit("DW-c-2", since="2024-01-01", inspection_required=False)]
    assert summary(ledger(units=units, inspections=inspections, **town), as_of, "inspection") == expected


def test_an_opening_after_d_has_not_happened_yet() -> None:
    def listed(since: str) -> list[str]:
        f = compute(ledger(units=[unit(since=since)]), as_of=date(2024, 6, 30), within=400, kinds={"inspection"})
        return [i.key for i in f.due_soon]

    assert listed("2024-07-01") == []  # opens tomorrow: owes nothing yet, as far as D knows
    assert listed("2024-06-30") == ["DW-c-1@2024Q3", "DW-c-1@2024Q4", "DW-c-1@2025Q1", "DW-c-1@2025Q2"]


def test_every_quarter_of_the_plan() -> None:
    led = ledger(units=[unit()])
    keys = [(i.key, i.due.isoformat()) for i in compute(led, as_of=date(2027, 1, 1), kinds={"inspection"}).overdue]
    assert keys == [(f"DW-c-1@{y}Q{q}", d) for y, q, d in [
        (2024, 2, "2024-06-30"), (2024, 3, "2024-09-30"), (2024, 4, "2024-12-31"), (2025, 1, "2025-03-31"),
        (2025, 2, "2025-06-30"), (2025, 3, "2025-09-30"), (2025, 4, "2025-12-31"), (2026, 1, "2026-03-31"),
        (2026, 2, "2026-06-30"), (2026, 3, "2026-09-30"), (2026, 4, "2026-12-31")]]


def test_inspection_item_and_rows() -> None:
    led = ledger(units=[unit(since="2026-01-01")], inspections=[jc("JC-1", "2026-02-01"), jc("JC-2", "2026-03-31"),
                                                               jc("JC-3", "2026-05-01", kind="部门检查")])
    f = compute(led, as_of=date(2026, 7, 3))
    assert [i.to_json() for i in f.overdue] == [{
        "key": "DW-c-1@2026Q2", "id": "DW-c-1", "kind": "inspection",
        "title": "东庄加油站2026年第2季度主要负责人带队检查", "village": "cun", "due": "2026-06-30", "days": 3,
        "lead": ["孙某"]}]
    rows = inspection_coverage(led, date(2026, 7, 3))
    assert [(r.key, r.owed, r.done, r.due) for r in rows] == [
        ("DW-c-1@2026Q1", True, ("JC-1", "JC-2"), date(2026, 3, 31)),
        ("DW-c-1@2026Q2", True, (), date(2026, 6, 30)),
        ("DW-c-1@2026Q3", True, (), date(2026, 9, 30)),
        ("DW-c-1@2026Q4", True, (), date(2026, 12, 31)),
    ]
    # a closure known on D: later quarters are listed but not owed
    led.villages["cun"].units[0].closed_on = date(2026, 8, 1)
    assert [(r.key, r.owed) for r in inspection_coverage(led, date(2026, 8, 2))][2:] == [
        ("DW-c-1@2026Q3", False), ("DW-c-1@2026Q4", False)]


def test_village_and_kind_filters() -> None:
    led = ledger(units=[unit()])
    assert len(compute(led, as_of=date(2024, 7, 1), village="other").overdue) == 0
    assert len(compute(led, as_of=date(2024, 7, 1), village="cun", kinds={"inspection"}).overdue) == 1
    assert len(compute(led, as_of=date(2024, 7, 1), kinds={"hazard"}).overdue) == 0


def test_unit_quarters_at_the_plans_last_quarter() -> None:
    town = m.Town.model_validate({"name": "镇", "county": "县", "plan": {**PLAN, "end": "2100-12-31"}})
    u = m.Unit.model_validate(unit(since="2100-10-01"))
    assert [q.key_suffix for q in unit_quarters(town, u)] == ["@2100Q4"]
    u = m.Unit.model_validate(unit(since="2100-10-02"))
    assert unit_quarters(town, u) == []
    led = ledger(units=[unit(since="2100-10-01")], plan={"end": "2100-12-31"})
    assert [i.key for i in compute(led, as_of=date(2100, 12, 31), within=10**9, kinds={"inspection"}).due_soon] == [
        "DW-c-1@2100Q4"]


# --------------------------------------------------------------------------- training coverage (任务5)


def px(id: str, day: str, *attendees: dict, **kw: Any) -> dict:
    return {"id": id, "date": day, "topic": "主要负责人安全培训", "kind": "主要负责人", "organizer": "镇应急办",
            "attendees": list(attendees), **kw}


def att(name: str = "孙某", unit_id: str = "DW-c-1", role: str | None = "主要负责人") -> dict:
    return {"unit": unit_id, "name": name, **({"role": role} if role else {})}


TRAINING_CASES = [
    # case, as of, unit fields, trainings, expected
    ("not listed before the plan's last week", date(2026, 12, 23), {}, [], {}),
    ("due soon in the plan's last week", date(2026, 12, 24), {}, [], {"due_soon": [("DW-c-1@training", -7)]}),
    ("the plan's last day is not overdue", date(2026, 12, 31), {}, [], {"due_soon": [("DW-c-1@training", 0)]}),
    ("overdue once the plan has ended", date(2027, 1, 1), {}, [], {"overdue": [("DW-c-1@training", 1)]}),
    ("trained as 主要负责人", date(2027, 1, 1), {}, [px("PX-1", "2025-05-01", att("别人"))], {}),
    ("trained by name, no role given", date(2027, 1, 1), {}, [px("PX-1", "2025-05-01", att(role=None))], {}),
    ("someone else of the unit does not count", date(2027, 1, 1), {},
     [px("PX-1", "2025-05-01", att("别人", role="安全管理人员"))], {"overdue": [("DW-c-1@training", 1)]}),
    ("the principal of another unit does not count", date(2027, 1, 1), {},
     [px("PX-1", "2025-05-01", att(unit_id="DW-c-2"))], {"overdue": [("DW-c-1@training", 1)]}),
    ("a count without names covers nobody", date(2027, 1, 1), {}, [px("PX-1", "2025-05-01", count=40)],
     {"overdue": [("DW-c-1@training", 1)]}),
    ("on the plan's first day counts", date(2027, 1, 1), {}, [px("PX-1", "2024-03-31", att())], {}),
    ("before the plan does not count", date(2027, 1, 1), {}, [px("PX-1", "2024-03-30", att())],
     {"overdue": [("DW-c-1@training", 1)]}),
    ("on the plan's last day counts", date(2027, 1, 1), {}, [px("PX-1", "2026-12-31", att())], {}),
    ("after the plan does not count", date(2027, 1, 2), {}, [px("PX-1", "2027-01-01", att())],
     {"overdue": [("DW-c-1@training", 2)]}),
    ("a training dated after D has not happened yet", date(2026, 12, 30), {}, [px("PX-1", "2026-12-31", att())],
     {"due_soon": [("DW-c-1@training", -1)]}),
    ("a voided training does not count", date(2027, 1, 1), {},
     [px("PX-1", "2025-05-01", att(), void={"date": "2025-05-02", "reason": "重复录入"})],
     {"overdue": [("DW-c-1@training", 1)]}),
    ("closed before the plan's end: not owed", date(2027, 1, 1), {"closed_on": "2026-12-31"}, [], {}),
    ("closed after the plan's end: owed", date(2027, 1, 2), {"closed_on": "2027-01-01"}, [],
     {"overdue": [("DW-c-1@training", 2)]}),
    ("a closure after D has not happened yet", date(2026, 12, 28), {"closed_on": "2026-12-30"}, [],
     {"due_soon": [("DW-c-1@training", -3)]}),
    ("an opening after D has not happened yet", date(2026, 12, 28), {"since": "2026-12-30"}, [], {}),
    ("a voided unit", date(2027, 1, 1), {"void": {"date": "2024-05-01", "reason": "重复登记"}}, [], {}),
]


@pytest.mark.parametrize("case, as_of, fields, trainings, expected", TRAINING_CASES,
                         ids=[c[0] for c in TRAINING_CASES])
def test_training_boundaries(case: str, as_of: date, fields: dict, trainings: list, expected: dict) -> None:
    assert summary(ledger(units=[unit(**fields)], trainings=trainings), as_of, "training") == expected


def test_training_rows_and_item() -> None:
    units = [unit(), unit("DW-c-2", name="东庄小学", principal="钱某"), unit("DW-c-3", since="2026-12-01"),
             unit("DW-c-4", closed_on="2025-01-01")]
    trainings = [px("PX-1", "2024-05-01", att(), att("钱某", "DW-c-2", role=None)),
                 px("PX-2", "2025-05-01", att(), att("赵某", "DW-c-2", role="从业人员"))]
    led = ledger(units=units, trainings=trainings)
    rows = training_coverage(led, date(2026, 11, 30))
    assert [(r.key, r.owed, r.trained) for r in rows] == [
        ("DW-c-1@training", True, ("PX-1", "PX-2")),
        ("DW-c-2@training", True, ("PX-1",)),
        ("DW-c-3@training", False, ()),  # opens after D
        ("DW-c-4@training", False, ()),  # closed
    ]
    f = compute(led, as_of=date(2027, 1, 5))
    assert [i.to_json() for i in f.overdue if i.kind == "training"] == [{
        "key": "DW-c-3@training", "id": "DW-c-3", "kind": "training", "title": "东庄加油站主要负责人安全培训",
        "village": "cun", "due": "2026-12-31", "days": 5, "lead": ["孙某"]}]


def test_done_by_counts_only_inspections_and_trainings_dated_up_to_it() -> None:
    """The audit asks what was owed as of D with only completions up to another day counted."""
    led = ledger(units=[unit(since="2026-01-01")], inspections=[jc("JC-1", "2026-03-20"), jc("JC-2", "2026-06-20")],
                 trainings=[px("PX-1", "2026-12-20", att())])
    end = date(2027, 1, 5)
    assert summary(led, end, "inspection") == {"overdue": [("DW-c-1@2026Q3", 97), ("DW-c-1@2026Q4", 5)]}
    f = compute(led, as_of=end, kinds={"inspection", "training"}, done_by=date(2026, 6, 1))
    assert [(i.key, i.days) for i in f.overdue] == [
        ("DW-c-1@2026Q2", 189), ("DW-c-1@2026Q3", 97), ("DW-c-1@2026Q4", 5), ("DW-c-1@training", 5)]
    assert compute(led, as_of=end, kinds={"training"}).overdue == []
