"""DESIGN §4 deadline semantics, boundary by boundary (table-driven)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from hjp import model as m
from hjp.deadlines import (Findings, Item, compute, coverage, hazard_status, periods, task_status)
from hjp.load import Ledger, VillageLedger

D = date(2026, 6, 15)
PLAN = {"title": "测试方案", "doc_no": "测〔2024〕1号", "issued_on": "2024-03-31", "start": "2024-03-31",
        "end": "2026-12-31"}


def iso(d: date, days: int = 0) -> str:
    return (d + timedelta(days=days)).isoformat()


def town(**plan: str) -> m.Town:
    return m.Town.model_validate({"name": "测试镇", "county": "测试县", "plan": {**PLAN, **plan}})


def ledger(*, hazards: list[dict] = (), tasks: list[dict] = (), town_tasks: list[dict] = (),
           units: list[dict] = (), drills: list[dict] = (), plan: dict | None = None) -> Ledger:
    led = Ledger(root=Path("x"), repo_root=Path("."), display_root="x", town=town(**(plan or {})))
    led.tasks = [m.Task.model_validate(t) for t in town_tasks]
    v = VillageLedger("cun")
    v.hazards = [m.Hazard.model_validate(h) for h in hazards]
    v.tasks = [m.Task.model_validate(t) for t in tasks]
    v.units = [m.Unit.model_validate(u) for u in units]
    v.drills = [m.Drill.model_validate(d) for d in drills]
    led.villages["cun"] = v
    return led


def hazard(id: str = "YH-1", *, deadline: str, found_on: str = "2024-05-01", **kw: Any) -> dict:
    return {"id": id, "title": "配电柜前未铺绝缘垫", "sector": "工贸", "level": "一般", "source": "自查",
            "found_on": found_on, "rectification": {"owner": "王某", "deadline": deadline}, **kw}


def summary(f: Findings) -> dict[str, list[tuple[str, int]]]:
    """Bucket -> [(key, days)], the part every boundary test looks at."""
    return {name: [(i.key, i.days) for i in items] for name, items in f.buckets().items() if items}


# --------------------------------------------------------------------------- hazards

HAZARD_CASES = [
    # (case, hazard fields, expected buckets)
    ("due today is not overdue", {"deadline": iso(D)}, {"due_soon": [("YH-1", 0)]}),
    ("due yesterday", {"deadline": iso(D, -1)}, {"overdue": [("YH-1", 1)]}),
    ("due D+7 (within)", {"deadline": iso(D, 7)}, {"due_soon": [("YH-1", -7)]}),
    ("due D+8 not listed", {"deadline": iso(D, 8)}, {}),
    ("rectified on D", {"deadline": iso(D, -5), "rectified_on": iso(D)}, {}),
    ("rectified after D", {"deadline": iso(D, -5), "rectified_on": iso(D, 1)}, {"overdue": [("YH-1", 5)]}),
    ("found after D", {"deadline": iso(D, 3), "found_on": iso(D, 1)}, {}),
    ("found after D, long overdue deadline", {"deadline": iso(D, -3), "found_on": iso(D, 1)}, {}),
    ("found on D", {"deadline": iso(D, 3), "found_on": iso(D)}, {"due_soon": [("YH-1", -3)]}),
    ("voided", {"deadline": iso(D, -5), "void": {"date": iso(D, -1), "reason": "重复录入"}}, {}),
    ("voided after D still counts nowhere", {"deadline": iso(D, -5), "void": {"date": iso(D, 9), "reason": "错录"}},
     {}),
    ("rectified 30 days before D", {"deadline": iso(D, -40), "rectified_on": iso(D, -30)}, {}),
    ("rectified 31 days before D", {"deadline": iso(D, -40), "rectified_on": iso(D, -31)},
     {"awaiting_closure": [("YH-1", 1)]}),
    ("rectified 31 days before, closed on D",
     {"deadline": iso(D, -40), "rectified_on": iso(D, -31), "closed_on": iso(D), "verified_by": "赵某"}, {}),
    ("rectified 31 days before, closed after D",
     {"deadline": iso(D, -40), "rectified_on": iso(D, -31), "closed_on": iso(D, 1), "verified_by": "赵某"},
     {"awaiting_closure": [("YH-1", 1)]}),
    ("rectified late is not overdue", {"deadline": iso(D, -60), "rectified_on": iso(D, -10)}, {}),
]


@pytest.mark.parametrize("case, fields, expected", HAZARD_CASES, ids=[c[0] for c in HAZARD_CASES])
def test_hazard_boundaries(case: str, fields: dict, expected: dict) -> None:
    assert summary(compute(ledger(hazards=[hazard(**fields)]), as_of=D)) == expected


def test_awaiting_closure_item() -> None:
    f = compute(ledger(hazards=[hazard(deadline=iso(D, -40), rectified_on=iso(D, -31))]), as_of=D)
    assert f.awaiting_closure == [Item("YH-1", "YH-1", "hazard", "配电柜前未铺绝缘垫", "cun", D - timedelta(days=1), 1,
                                       ["王某"])]


@pytest.mark.parametrize("fields, status", [
    ({"deadline": iso(D)}, "整改中"),
    ({"deadline": iso(D), "rectified_on": iso(D, 1)}, "整改中"),
    ({"deadline": iso(D), "rectified_on": iso(D)}, "已整改待验收"),
    ({"deadline": iso(D), "rectified_on": iso(D, -2), "closed_on": iso(D, 1), "verified_by": "赵某"}, "已整改待验收"),
    ({"deadline": iso(D), "rectified_on": iso(D, -2), "closed_on": iso(D), "verified_by": "赵某"}, "已销号"),
    ({"deadline": iso(D), "void": {"date": iso(D), "reason": "错录"}}, "已作废"),
    ({"deadline": iso(D), "found_on": iso(D, 1)}, None),
    ({"deadline": iso(D), "found_on": iso(D, 1), "void": {"date": iso(D), "reason": "错录"}}, None),
])
def test_hazard_status(fields: dict, status: str | None) -> None:
    got = hazard_status(m.Hazard.model_validate(hazard(**fields)), D)
    assert (got.label if got is not None else None) == status


# --------------------------------------------------------------------------- one-off tasks and milestones

def task(id: str = "RW-c-1", **kw: Any) -> dict:
    return {"id": id, "title": "排查九小场所", "lead": ["李某"], **kw}


TASK_CASES = [
    ("deadline today", {"deadline": iso(D)}, {"due_soon": [("RW-c-1", 0)]}),
    ("deadline yesterday", {"deadline": iso(D, -1)}, {"overdue": [("RW-c-1", 1)]}),
    ("deadline D+7", {"deadline": iso(D, 7)}, {"due_soon": [("RW-c-1", -7)]}),
    ("deadline D+8", {"deadline": iso(D, 8)}, {}),
    ("done on D", {"deadline": iso(D, -3), "done_on": iso(D)}, {}),
    ("done after D", {"deadline": iso(D, -3), "done_on": iso(D, 1)}, {"overdue": [("RW-c-1", 3)]}),
    ("done early", {"deadline": iso(D, 3), "done_on": iso(D, -100)}, {}),
    ("voided", {"deadline": iso(D, -3), "void": {"date": iso(D), "reason": "重复"}}, {}),
    ("milestones", {"milestones": [{"due": iso(D, -10), "what": "摸底", "done_on": iso(D, -11)},
                                   {"due": iso(D, -1), "what": "整治一半"},
                                   {"due": iso(D), "what": "验收", "done_on": iso(D, 1)},
                                   {"due": iso(D, 8), "what": "全覆盖"}]},
     {"overdue": [("RW-c-1#2", 1)], "due_soon": [("RW-c-1#3", 0)]}),
    ("milestone done after its due", {"milestones": [{"due": iso(D, -10), "what": "摸底", "done_on": iso(D, -1)}]},
     {}),
    ("voided milestones", {"milestones": [{"due": iso(D, -10), "what": "摸底"}],
                           "void": {"date": iso(D), "reason": "重复"}}, {}),
]


@pytest.mark.parametrize("case, fields, expected", TASK_CASES, ids=[c[0] for c in TASK_CASES])
def test_task_boundaries(case: str, fields: dict, expected: dict) -> None:
    assert summary(compute(ledger(tasks=[task(**fields)]), as_of=D)) == expected


def test_milestone_item() -> None:
    f = compute(ledger(tasks=[task(milestones=[{"due": iso(D, -1), "what": "整治一半"}])]), as_of=D)
    assert [i.to_json() for i in f.overdue] == [{
        "key": "RW-c-1#1", "id": "RW-c-1", "kind": "milestone", "title": "排查九小场所：整治一半", "village": "cun",
        "due": iso(D, -1), "days": 1, "lead": ["李某"]}]


# --------------------------------------------------------------------------- recurring periods

PERIOD_CASES = [
    # (case, task fields, plan override, expected (key suffix, start, end) list)
    ("quarters of the whole plan", {"every": "quarter"}, {},
     [("@2024Q1", "2024-01-01", "2024-03-31")] + [(f"@{y}Q{q}", None, None) for y, q in
                                                   [(2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3),
                                                    (2025, 4), (2026, 1), (2026, 2), (2026, 3)]]
     + [("@2026Q4", "2026-10-01", "2026-12-31")]),
    ("months crossing the task's own start and end", {"every": "month", "start": "2025-01-31", "end": "2025-03-01"},
     {}, [("@2025-01", "2025-01-01", "2025-01-31"), ("@2025-02", "2025-02-01", "2025-02-28"),
          ("@2025-03", "2025-03-01", "2025-03-31")]),
    ("leap February", {"every": "month", "start": "2024-02-29", "end": "2024-03-01"}, {},
     [("@2024-02", "2024-02-01", "2024-02-29"), ("@2024-03", "2024-03-01", "2024-03-31")]),
    ("years from a mid-year start", {"every": "year", "start": "2024-04-01"}, {},
     [("@2024", "2024-01-01", "2024-12-31"), ("@2025", "2025-01-01", "2025-12-31"),
      ("@2026", "2026-01-01", "2026-12-31")]),
    ("quarter from a start mid-quarter", {"every": "quarter", "start": "2025-08-15", "end": "2025-10-01"}, {},
     [("@2025Q3", "2025-07-01", "2025-09-30"), ("@2025Q4", "2025-10-01", "2025-12-31")]),
    ("plan end mid-month", {"every": "month", "start": "2026-11-01"}, {"end": "2026-12-15"},
     [("@2026-11", "2026-11-01", "2026-11-30"), ("@2026-12", "2026-12-01", "2026-12-31")]),
    ("plan start on the last day of a quarter", {"every": "quarter", "end": "2024-04-01"}, {},
     [("@2024Q1", "2024-01-01", "2024-03-31"), ("@2024Q2", "2024-04-01", "2024-06-30")]),
    ("single day", {"every": "year", "start": "2025-12-31", "end": "2025-12-31"}, {},
     [("@2025", "2025-01-01", "2025-12-31")]),
    ("start after end", {"every": "month", "start": "2025-05-01", "end": "2025-04-30"}, {}, []),
]


@pytest.mark.parametrize("case, fields, plan, expected", PERIOD_CASES, ids=[c[0] for c in PERIOD_CASES])
def test_periods(case: str, fields: dict, plan: dict, expected: list) -> None:
    t = m.Task.model_validate(task(**fields))
    got = periods(t, town(**plan))
    assert [p.key_suffix for p in got] == [e[0] for e in expected]
    for p, (_, start, end) in zip(got, expected):
        if start is not None:
            assert (p.start.isoformat(), p.end.isoformat()) == (start, end)
    # periods tile the calendar: each starts the day after the previous one ends
    assert all(b.start == a.end + timedelta(days=1) for a, b in zip(got, got[1:]))


def test_period_labels() -> None:
    labels = [p.label for p in periods(m.Task.model_validate(task(every="quarter", start="2025-11-01",
                                                                     end="2026-01-01")), town())]
    assert labels == ["2025年第4季度", "2026年第1季度"]
    assert [p.label for p in periods(m.Task.model_validate(task(every="month", start="2025-12-01",
                                                                   end="2025-12-01")), town())] == ["2025年12月"]


RECURRING_CASES = [
    # as of, task fields, expected
    ("period ends today", date(2025, 9, 30), {"every": "quarter", "start": "2025-07-01", "end": "2025-09-30"},
     {"due_soon": [("RW-c-1@2025Q3", 0)]}),
    ("period ended yesterday", date(2025, 10, 1), {"every": "quarter", "start": "2025-07-01", "end": "2025-09-30"},
     {"overdue": [("RW-c-1@2025Q3", 1)]}),
    ("done inside the period", date(2025, 10, 1), {"every": "quarter", "start": "2025-07-01", "end": "2025-09-30",
                                                   "occurrences": [{"date": "2025-07-01"}]}, {}),
    ("occurrence in the next period does not count", date(2025, 10, 2),
     {"every": "quarter", "start": "2025-07-01", "end": "2025-12-31", "occurrences": [{"date": "2025-10-01"}]},
     {"overdue": [("RW-c-1@2025Q3", 2)]}),
    ("occurrence after D does not count yet", date(2025, 9, 28),
     {"every": "month", "start": "2025-09-01", "end": "2025-09-30", "occurrences": [{"date": "2025-09-29"}]},
     {"due_soon": [("RW-c-1@2025-09", -2)]}),
    ("occurrence inside the calendar period but before start", date(2025, 8, 1),
     {"every": "month", "start": "2025-07-20", "end": "2025-07-31", "occurrences": [{"date": "2025-07-02"}]}, {}),
    ("leap day is the due date", date(2024, 3, 1), {"every": "month", "start": "2024-02-10", "end": "2024-02-20"},
     {"overdue": [("RW-c-1@2024-02", 1)]}),
    ("leap day: due soon on 2024-02-22", date(2024, 2, 22), {"every": "month", "start": "2024-02-10",
                                                             "end": "2024-02-20"},
     {"due_soon": [("RW-c-1@2024-02", -7)]}),
    ("only periods up to D+N listed", date(2025, 3, 25), {"every": "month", "start": "2025-01-01",
                                                         "end": "2025-12-31", "occurrences": [{"date": "2025-01-05"}]},
     {"overdue": [("RW-c-1@2025-02", 25)], "due_soon": [("RW-c-1@2025-03", -6)]}),
    ("yearly: first year owed from the plan start", date(2025, 1, 1), {"every": "year"},
     {"overdue": [("RW-c-1@2024", 1)]}),
    ("task ended: no later periods", date(2026, 12, 31), {"every": "year", "start": "2024-01-01",
                                                          "end": "2024-12-31", "occurrences": [{"date": "2024-06-01"}]},
     {}),
]


@pytest.mark.parametrize("case, as_of, fields, expected", RECURRING_CASES, ids=[c[0] for c in RECURRING_CASES])
def test_recurring_boundaries(case: str, as_of: date, fields: dict, expected: dict) -> None:
    assert summary(compute(ledger(tasks=[task(**fields)]), as_of=as_of)) == expected


def test_recurring_item_fields() -> None:
    f = compute(ledger(town_tasks=[task("RW-8-2", every="quarter", start="2024-04-01")]), as_of=date(2024, 7, 3))
    assert [i.to_json() for i in f.overdue] == [{
        "key": "RW-8-2@2024Q2", "id": "RW-8-2", "kind": "occurrence", "title": "排查九小场所（2024年第2季度）",
        "village": None, "due": "2024-06-30", "days": 3, "lead": ["李某"]}]


STATUS_CASES = [
    ({"deadline": iso(D)}, "未到期"),
    ({"deadline": iso(D, -1)}, "已逾期"),
    ({"deadline": iso(D, -1), "done_on": iso(D)}, "已完成"),
    ({"deadline": iso(D, -1), "done_on": iso(D, 1)}, "已逾期"),
    ({"ongoing": True}, "长期坚持"),
    ({"ongoing": True, "void": {"date": iso(D), "reason": "重复"}}, "已作废"),
    ({"milestones": [{"due": iso(D, -1), "what": "a", "done_on": iso(D)}, {"due": iso(D, 5), "what": "b"}]}, "未到期"),
    ({"milestones": [{"due": iso(D, -1), "what": "a"}, {"due": iso(D, 5), "what": "b", "done_on": iso(D)}]}, "已逾期"),
    ({"milestones": [{"due": iso(D, 9), "what": "a", "done_on": iso(D)}]}, "已完成"),
    ({"every": "month", "start": iso(D, -5), "end": iso(D, -5)}, "未到期"),  # its June period is due 06-30
    ({"every": "month", "start": "2026-05-01", "end": "2026-05-31"}, "已逾期"),
    ({"every": "month", "start": "2026-05-01", "end": "2026-06-30", "occurrences": [{"date": "2026-05-31"}]}, "未到期"),
    ({"every": "month", "start": "2026-05-01", "end": "2026-06-30",
      "occurrences": [{"date": "2026-05-31"}, {"date": iso(D)}]}, "已完成"),
    ({"every": "month", "start": "2026-05-01", "end": "2026-06-30",
      "occurrences": [{"date": "2026-05-31"}, {"date": iso(D, 1)}]}, "未到期"),
]


@pytest.mark.parametrize("fields, status", STATUS_CASES)
def test_task_status(fields: dict, status: str) -> None:
    assert task_status(m.Task.model_validate(task(**fields)), town(), D).label == status


# --------------------------------------------------------------------------- ongoing tasks: stale

STALE_CASES = [
    ("progress 90 days before D", {"progress": [{"date": iso(D, -90), "note": "宣传"}]}, {}),
    ("progress 91 days before D", {"progress": [{"date": iso(D, -91), "note": "宣传"}]},
     {"stale": [("RW-c-1", 1)]}),
    ("progress after D does not count", {"progress": [{"date": iso(D, -91), "note": "a"},
                                                      {"date": iso(D, 1), "note": "b"}]}, {"stale": [("RW-c-1", 1)]}),
    ("latest progress counts, not the first", {"progress": [{"date": iso(D, -10), "note": "a"},
                                                            {"date": iso(D, -200), "note": "b"}]}, {}),
    ("no progress: its start, 91 days", {"start": iso(D, -91)}, {"stale": [("RW-c-1", 1)]}),
    ("no progress: its start, 90 days", {"start": iso(D, -90)}, {}),
    ("no progress, no start: the plan's start", {}, {"stale": [("RW-c-1", (D - date(2024, 3, 31)).days - 90)]}),
    ("start after D", {"start": iso(D, 30)}, {}),
    ("voided", {"void": {"date": iso(D), "reason": "重复"}}, {}),
]


@pytest.mark.parametrize("case, fields, expected", STALE_CASES, ids=[c[0] for c in STALE_CASES])
def test_stale_boundaries(case: str, fields: dict, expected: dict) -> None:
    assert summary(compute(ledger(tasks=[task(ongoing=True, **fields)]), as_of=D)) == expected


def test_stale_item_due_is_last_plus_90() -> None:
    f = compute(ledger(tasks=[task(ongoing=True, progress=[{"date": "2026-03-01", "note": "a"}])]), as_of=D)
    assert f.stale[0].due == date(2026, 5, 30) and f.stale[0].kind == "task"


# --------------------------------------------------------------------------- drills

DRILL_CASES = [
    ("planned yesterday, not held", {"planned_on": iso(D, -1)}, {"overdue": [("YL-1", 1)]}),
    ("planned today", {"planned_on": iso(D)}, {"due_soon": [("YL-1", 0)]}),
    ("planned D+8", {"planned_on": iso(D, 8)}, {}),
    ("held on D", {"planned_on": iso(D, -1), "held_on": iso(D)}, {}),
    ("held after D", {"planned_on": iso(D, -1), "held_on": iso(D, 1)}, {"overdue": [("YL-1", 1)]}),
    ("never planned", {"held_on": iso(D, 1)}, {}),
    ("voided", {"planned_on": iso(D, -1), "void": {"date": iso(D), "reason": "取消"}}, {}),
]


@pytest.mark.parametrize("case, fields, expected", DRILL_CASES, ids=[c[0] for c in DRILL_CASES])
def test_drill_boundaries(case: str, fields: dict, expected: dict) -> None:
    d = {"id": "YL-1", "title": "防汛桌面推演", "kind": "桌面", "organizer": "周某", **fields}
    assert summary(compute(ledger(drills=[d]), as_of=D)) == expected


# --------------------------------------------------------------------------- drill coverage


def unit(id: str = "DW-c-1", **kw: Any) -> dict:
    return {"id": id, "name": "东庄加油站", "sector": "危险化学品", "principal": "孙某", **kw}


def evac(id: str, held_on: str, unit_id: str = "DW-c-1", kind: str = "疏散逃生", **kw: Any) -> dict:
    return {"id": id, "title": "疏散逃生演练", "kind": kind, "unit": unit_id, "held_on": held_on, **kw}


COVERAGE_CASES = [
    # case, as of, unit fields, drills, expected coverage keys in overdue / due soon
    ("owes every plan year", date(2027, 1, 1), {}, [],
     {"overdue": [("DW-c-1@2024", 731), ("DW-c-1@2025", 366), ("DW-c-1@2026", 1)]}),
    ("due soon on Dec 24 (D+7 = Dec 31)", date(2026, 12, 24), {"since": "2026-01-01"}, [],
     {"due_soon": [("DW-c-1@2026", -7)]}),
    ("not listed on Dec 23", date(2026, 12, 23), {"since": "2026-01-01"}, [], {}),
    ("since 31 December: owes that year", date(2026, 1, 1), {"since": "2025-12-31"}, [],
     {"overdue": [("DW-c-1@2025", 1)]}),
    ("since 1 January: owes from that year", date(2026, 1, 1), {"since": "2026-01-01"}, [], {}),
    ("closed 31 December: does not owe that year", date(2026, 1, 1), {"since": "2024-06-01",
                                                                     "closed_on": "2025-12-31"},
     [], {"overdue": [("DW-c-1@2024", 366)]}),
    ("closed 1 January: owes the year before", date(2026, 1, 2), {"since": "2024-06-01", "closed_on": "2026-01-01"},
     [], {"overdue": [("DW-c-1@2024", 367), ("DW-c-1@2025", 2)]}),
    ("closure after D has not happened yet", date(2026, 12, 28), {"since": "2026-01-01", "closed_on": "2026-12-30"},
     [], {"due_soon": [("DW-c-1@2026", -3)]}),
    ("opening after D has not happened yet", date(2026, 12, 28), {"since": "2026-12-30"}, [], {}),
    ("held in the year", date(2026, 1, 1), {"since": "2025-06-01"}, [evac("YL-1", "2025-12-31")], {}),
    ("held after D does not count yet", date(2025, 12, 30), {"since": "2025-06-01"},
     [evac("YL-1", "2025-12-31")], {"due_soon": [("DW-c-1@2025", -1)]}),
    ("held the next year does not count", date(2026, 1, 2), {"since": "2025-06-01"},
     [evac("YL-1", "2026-01-01")], {"overdue": [("DW-c-1@2025", 2)]}),
    ("other kinds do not count", date(2026, 1, 1), {"since": "2025-06-01"},
     [evac("YL-1", "2025-05-01", kind="综合")], {"overdue": [("DW-c-1@2025", 1)]}),
    ("a voided drill does not count", date(2026, 1, 1), {"since": "2025-06-01"},
     [evac("YL-1", "2025-07-01", void={"date": "2025-07-02", "reason": "错录"})], {"overdue": [("DW-c-1@2025", 1)]}),
    ("another unit's drill does not count", date(2026, 1, 1), {"since": "2025-06-01"},
     [evac("YL-1", "2025-07-01", unit_id="DW-c-2")], {"overdue": [("DW-c-1@2025", 1)]}),
    ("drill not required", date(2027, 1, 1), {"drill_required": False}, [], {}),
    ("voided unit", date(2027, 1, 1), {"void": {"date": "2024-05-01", "reason": "重复登记"}}, [], {}),
]


@pytest.mark.parametrize("case, as_of, fields, drills, expected", COVERAGE_CASES, ids=[c[0] for c in COVERAGE_CASES])
def test_coverage_boundaries(case: str, as_of: date, fields: dict, drills: list, expected: dict) -> None:
    units = [unit(**fields), unit("DW-c-2", since="2024-01-01", drill_required=False)]
    # drill coverage alone: the same units owe inspections and trainings too (tested below)
    assert summary(compute(ledger(units=units, drills=drills), as_of=as_of, kinds={"coverage"})) == expected


def test_coverage_rows_and_item() -> None:
    led = ledger(units=[unit(since="2025-03-01")], drills=[evac("YL-1", "2025-05-01"), evac("YL-2", "2025-09-01"),
                                                          evac("YL-3", "2026-09-01")])
    rows = coverage(led, date(2026, 6, 1))
    assert [(r.key, r.owed, r.held, r.due) for r in rows] == [
        ("DW-c-1@2024", False, (), date(2024, 12, 31)),
        ("DW-c-1@2025", True, ("YL-1", "YL-2"), date(2025, 12, 31)),
        ("DW-c-1@2026", True, (), date(2026, 12, 31)),
    ]
    assert coverage(led, date(2026, 12, 25))[-1].held == ("YL-3",)
    assert len(compute(led, as_of=date(2026, 12, 25), kinds={"coverage"})) == 0
    led.villages["cun"].drills.pop()
    f = compute(led, as_of=date(2026, 12, 25), kinds={"coverage"})
    assert [i.to_json() for i in f.due_soon] == [{
        "key": "DW-c-1@2026", "id": "DW-c-1", "kind": "coverage", "title": "东庄加油站2026年度疏散逃生演练",
        "village": "cun", "due": "2026-12-31", "days": -6, "lead": ["孙某"]}]


# --------------------------------------------------------------------------- the whole answer


def mixed() -> Ledger:
    return ledger(
        hazards=[hazard("YH-2", deadline=iso(D, -3)), hazard("YH-1", deadline=iso(D, -3)),
                 hazard("YH-3", deadline=iso(D, 2)), hazard("YH-4", deadline=iso(D, -90), rectified_on=iso(D, -40))],
        tasks=[task("RW-c-1", deadline=iso(D, -5)), task("RW-c-2", ongoing=True, start="2025-01-01")],
        town_tasks=[task("RW-9", deadline=iso(D, 1), lead=[])],
        drills=[{"id": "YL-1", "title": "桌面推演", "kind": "桌面", "planned_on": iso(D, -3)}],
    )


def test_json_is_the_contract_object_sorted_by_due_then_key() -> None:
    out = compute(mixed(), as_of=D).to_json()
    assert list(out) == ["as_of", "overdue", "due_soon", "stale", "awaiting_closure"]
    assert out["as_of"] == "2026-06-15"
    assert [(i["key"], i["due"], i["days"]) for i in out["overdue"]] == [
        ("RW-c-1", "2026-06-10", 5), ("YH-1", "2026-06-12", 3), ("YH-2", "2026-06-12", 3), ("YL-1", "2026-06-12", 3)]
    assert [i["key"] for i in out["due_soon"]] == ["RW-9", "YH-3"]
    assert out["due_soon"][0] == {"key": "RW-9", "id": "RW-9", "kind": "task", "title": "排查九小场所",
                                  "village": None, "due": "2026-06-16", "days": -1, "lead": []}
    assert out["overdue"][-1]["lead"] == []  # a drill without organizer
    assert [i["key"] for i in out["stale"]] == ["RW-c-2"]
    assert [i["key"] for i in out["awaiting_closure"]] == ["YH-4"]
    assert all(set(i) == {"key", "id", "kind", "title", "village", "due", "days", "lead"}
               for b in ("overdue", "due_soon", "stale", "awaiting_closure") for i in out[b])


@pytest.mark.parametrize("kw, keys", [
    ({"village": "cun"}, ["RW-c-1", "YH-1", "YH-2", "YL-1", "YH-3", "RW-c-2", "YH-4"]),
    ({"village": "other"}, []),
    ({"kinds": {"hazard"}}, ["YH-1", "YH-2", "YH-3", "YH-4"]),
    ({"kinds": {"task"}}, ["RW-c-1", "RW-9", "RW-c-2"]),
    ({"kinds": {"drill", "task"}, "village": "cun"}, ["RW-c-1", "YL-1", "RW-c-2"]),
    ({"within": 0}, ["RW-c-1", "YH-1", "YH-2", "YL-1", "RW-c-2", "YH-4"]),
    ({"within": 2}, ["RW-c-1", "YH-1", "YH-2", "YL-1", "RW-9", "YH-3", "RW-c-2", "YH-4"]),
])
def test_filters(kw: dict, keys: list[str]) -> None:
    f = compute(mixed(), as_of=D, **kw)
    assert [i.key for items in f.buckets().values() for i in items] == keys


def test_negative_within_is_refused() -> None:
    with pytest.raises(ValueError):
        compute(mixed(), as_of=D, within=-1)


def test_calendar_ends_do_not_crash() -> None:
    # Ledger text outside 1900-2100 is refused (HJP104); date objects reach the pure date logic as
    # they are, and it must hold up to Python's calendar ends.
    end = date.max
    led = ledger(plan={"end": end},
                 hazards=[hazard(deadline=end, found_on=end - timedelta(1), rectified_on=end - timedelta(1))],
                 tasks=[task("RW-c-1", every="month", start=date(9999, 11, 15)),
                        task("RW-c-2", ongoing=True, progress=[{"date": end - timedelta(1), "note": "a"}]),
                        task("RW-c-3", every="year", start=date(9999, 1, 1), occurrences=[{"date": end}])])
    f = compute(led, as_of=end, within=10**9)
    assert summary(f) == {"overdue": [("RW-c-1@9999-11", 31)], "due_soon": [("RW-c-1@9999-12", 0)]}
    assert [p.key_suffix for p in periods(led.villages["cun"].tasks[0], led.town)] == ["@9999-11", "@9999-12"]
    assert summary(compute(ledger(hazards=[hazard(deadline=date.min, found_on=date.min)]),
                           as_of=date.min, within=10**9)) == {"due_soon": [("YH-1", 0)]}


def test_done_by_counts_only_completions_dated_up_to_it():
    """The audit asks what a ledger owes as of D when only completions up to another day count."""
    led = ledger(
        hazards=[hazard("YH-1", deadline=iso(D, -20), rectified_on=iso(D, -2)),
                 hazard("YH-2", deadline=iso(D, -90), rectified_on=iso(D, -60), closed_on=iso(D, -1))],
        tasks=[{"id": "RW-1", "title": "季度检查", "every": "quarter", "start": "2026-01-01", "end": "2026-12-31",
                "occurrences": [{"date": iso(D, -100)}, {"date": iso(D, -3)}]},
               {"id": "RW-2", "title": "长期", "ongoing": True, "start": "2025-01-01", "progress": [{"date": iso(D, -1), "note": "巡查"}]}],
        units=[{"id": "DW-1", "name": "加油站", "sector": "危险化学品", "principal": "张某",
                "inspection_required": False}],  # inspections with done_by: test_deadlines_coverage.py
        drills=[{"id": "YL-1", "title": "疏散", "kind": "疏散逃生", "unit": "DW-1", "held_on": "2025-12-30"}])
    assert summary(compute(led, as_of=D, within=0, done_by=D)) == summary(compute(led, as_of=D, within=0)) == {
        "overdue": [("DW-1@2024", 531)]}
    # completions of the last 8 days do not count; a unit's opening, a task's start and so on still do
    assert summary(compute(led, as_of=D, within=0, done_by=D - timedelta(days=8))) == {
        "overdue": [("DW-1@2024", 531), ("YH-1", 20)], "stale": [("RW-2", 440)], "awaiting_closure": [("YH-2", 30)]}
    assert summary(compute(led, as_of=D, within=0, done_by=date.min)) == {
        "overdue": [("DW-1@2024", 531), ("DW-1@2025", 166), ("YH-2", 90), ("RW-1@2026Q1", 76), ("YH-1", 20)],
        "stale": [("RW-2", 440)]}
