"""Properties of the deadlines engine over random ledgers (hypothesis)."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hjp import model as m
from hjp.deadlines import BUCKETS, compute, hazard_status, task_status
from hjp.status import HazardStatus, TaskStatus
from hjp.load import Ledger, VillageLedger

LO, HI = date(2024, 1, 1), date(2027, 3, 1)
dates = st.dates(min_value=LO, max_value=HI)
maybe = lambda s: st.none() | s  # noqa: E731
voids = maybe(st.just({"date": date(2024, 6, 1), "reason": "错录"}))
TOWN = m.Town.model_validate({"name": "测试镇", "county": "测试县", "plan": {
    "title": "方案", "doc_no": "1号", "issued_on": "2024-03-31", "start": "2024-03-31", "end": "2026-12-31"}})


@st.composite
def hazards(draw: Any) -> dict:
    found = draw(dates)
    rect = draw(maybe(st.integers(0, 200).map(lambda n: found + timedelta(days=n))))
    closed = draw(maybe(st.integers(0, 60).map(lambda n: rect + timedelta(days=n)))) if rect else None
    return {"title": "隐患", "sector": "工贸", "level": "一般", "source": "自查", "found_on": found,
            "rectification": {"owner": draw(st.sampled_from(["王某", "李某"])),
                              "deadline": found + timedelta(days=draw(st.integers(0, 120)))},
            "rectified_on": rect, "closed_on": closed, "verified_by": "赵某" if closed else None, "void": draw(voids)}


@st.composite
def tasks(draw: Any) -> dict:
    shape = draw(st.sampled_from(["deadline", "milestones", "every", "ongoing"]))
    t: dict[str, Any] = {"title": "任务", "lead": ["张某"], "void": draw(voids)}
    if shape == "deadline":
        t.update(deadline=draw(dates), done_on=draw(maybe(dates)))
    elif shape == "milestones":
        t["milestones"] = draw(st.lists(st.fixed_dictionaries(
            {"due": dates, "what": st.just("目标"), "done_on": maybe(dates)}), min_size=1, max_size=3))
    elif shape == "every":
        t.update(every=draw(st.sampled_from(["month", "quarter", "year"])), start=draw(maybe(dates)),
                 end=draw(maybe(dates)),
                 occurrences=[{"date": d} for d in draw(st.lists(dates, max_size=8))])
    else:
        t.update(ongoing=True, start=draw(maybe(dates)),
                 progress=[{"date": d, "note": "进展"} for d in draw(st.lists(dates, max_size=4))])
    return t


@st.composite
def units(draw: Any) -> dict:
    return {"name": "单位", "sector": "工贸", "principal": "孙某", "since": draw(maybe(dates)),
            "closed_on": draw(maybe(dates)), "drill_required": draw(st.booleans()), "void": draw(voids)}


@st.composite
def drills(draw: Any) -> dict:
    return {"title": "演练", "kind": draw(st.sampled_from(["疏散逃生", "疏散逃生", "桌面", "综合"])),
            "unit": draw(st.sampled_from(["DW-a-1", "DW-a-2", "DW-b-1", None])),
            "planned_on": draw(maybe(dates)), "held_on": draw(maybe(dates)), "organizer": "周某",
            "void": draw(voids)}


@st.composite
def raw_ledgers(draw: Any) -> dict:
    out: dict[str, Any] = {"town_tasks": [{**t, "id": f"RW-{i}"} for i, t in
                                          enumerate(draw(st.lists(tasks(), max_size=3)))]}
    for v in ("a", "b"):
        out[v] = {kind: [{**r, "id": f"{prefix}-{v}-{i + 1}"} for i, r in enumerate(draw(st.lists(strategy, **size)))]
                  for kind, prefix, strategy, size in (
                      ("hazards", "YH", hazards(), {"max_size": 6}), ("tasks", "RW", tasks(), {"max_size": 3}),
                      ("units", "DW", units(), {"min_size": 1, "max_size": 2}),
                      ("drills", "YL", drills(), {"max_size": 4}))}
    return out


def build(raw: dict) -> Ledger:
    led = Ledger(root=Path("x"), repo_root=Path("."), display_root="x", town=TOWN)

    def clean(d: dict) -> dict:
        return {k: v for k, v in d.items() if v is not None}

    led.tasks = [m.Task.model_validate(clean(t)) for t in raw["town_tasks"]]
    for v in ("a", "b"):
        vl = VillageLedger(v)
        r = raw[v]
        vl.hazards = [m.Hazard.model_validate(clean(h)) for h in r["hazards"]]
        vl.tasks = [m.Task.model_validate(clean(t)) for t in r["tasks"]]
        vl.units = [m.Unit.model_validate(clean(u)) for u in r["units"]]
        vl.drills = [m.Drill.model_validate(clean(d)) for d in r["drills"]]
        led.villages[v] = vl
    return led


def as_of_only(raw: dict, d: date) -> dict:
    """The same ledger with everything that happened after ``d`` taken out."""
    raw = copy.deepcopy(raw)

    def upto(x: date | None) -> date | None:
        return x if x is not None and x <= d else None

    for t in raw["town_tasks"] + raw["a"]["tasks"] + raw["b"]["tasks"]:
        if "done_on" in t:
            t["done_on"] = upto(t["done_on"])
        for ms in t.get("milestones") or []:
            ms["done_on"] = upto(ms["done_on"])
        for name in ("occurrences", "progress"):
            if name in t:
                t[name] = [e for e in t[name] if e["date"] <= d]
    for v in ("a", "b"):
        r = raw[v]
        r["hazards"] = [h for h in r["hazards"] if h["found_on"] <= d]
        for h in r["hazards"]:
            h["rectified_on"], h["closed_on"] = upto(h["rectified_on"]), upto(h["closed_on"])
            h["verified_by"] = "赵某" if h["closed_on"] else None
        for u in r["units"]:
            u["closed_on"] = upto(u["closed_on"])
            if u["since"] is not None and u["since"] > d:
                u["void"] = {"date": d, "reason": "尚未开业"}  # not open yet: it does not exist as of d
        for dr in r["drills"]:
            dr["held_on"] = upto(dr["held_on"])
    return raw


@settings(max_examples=150, deadline=None)
@given(raw_ledgers(), dates, st.integers(0, 40))
def test_nothing_after_d_changes_the_answer_as_of_d(raw: dict, d: date, within: int) -> None:
    full = compute(build(raw), as_of=d, within=within).to_json()
    past = compute(build(as_of_only(raw, d)), as_of=d, within=within).to_json()
    assert full == past


@settings(max_examples=150, deadline=None)
@given(raw_ledgers(), dates, st.integers(0, 40))
def test_bucket_invariants(raw: dict, d: date, within: int) -> None:
    led = build(raw)
    f = compute(led, as_of=d, within=within)
    keys = [i.key for b in BUCKETS for i in getattr(f, b)]
    assert len(keys) == len(set(keys))
    for name in BUCKETS:
        items = getattr(f, name)
        assert items == sorted(items, key=lambda i: (i.due, i.key))
        for i in items:
            assert i.days == (d - i.due).days
            if name == "due_soon":
                assert -within <= i.days <= 0
            else:
                assert i.days > 0
    assert {i.kind for i in f.stale} <= {"task"}
    assert {i.kind for i in f.awaiting_closure} <= {"hazard"}
    # voided records never appear
    voided = {r.id for _, r in [*led.hazards(), *led.all_tasks(), *led.units(), *led.drills()] if r.void}
    assert not voided & {i.id for b in BUCKETS for i in getattr(f, b)}
    # statuses agree with the buckets
    by_id = {h.id: h for _, h in led.hazards()}
    for i in f.overdue + f.due_soon:
        if i.kind == "hazard":
            assert hazard_status(by_id[i.id], d) is HazardStatus.RECTIFYING
        if i.kind == "task" and i in f.overdue:
            assert task_status(next(t for _, t in led.all_tasks() if t.id == i.id), TOWN, d) is TaskStatus.OVERDUE
    for i in f.awaiting_closure:
        assert hazard_status(by_id[i.id], d) is HazardStatus.RECTIFIED


@settings(max_examples=100, deadline=None)
@given(raw_ledgers(), dates, st.integers(0, 20), st.integers(0, 20))
def test_a_longer_window_only_adds_due_soon_items(raw: dict, d: date, a: int, b: int) -> None:
    led = build(raw)
    narrow, wide = compute(led, as_of=d, within=min(a, b)), compute(led, as_of=d, within=max(a, b))
    assert (narrow.overdue, narrow.stale, narrow.awaiting_closure) == (wide.overdue, wide.stale, wide.awaiting_closure)
    assert {i.key for i in narrow.due_soon} <= {i.key for i in wide.due_soon}
    assert [i for i in wide.due_soon if i.days >= -min(a, b)] == narrow.due_soon


@settings(max_examples=100, deadline=None)
@given(raw_ledgers(), dates)
def test_filters_partition_the_answer(raw: dict, d: date) -> None:
    led = build(raw)
    whole = compute(led, as_of=d, within=10)
    for name in BUCKETS:
        items = getattr(whole, name)
        by_village = [i for v in ("a", "b") for i in getattr(compute(led, as_of=d, within=10, village=v), name)]
        assert sorted(by_village, key=lambda i: i.key) == sorted([i for i in items if i.village], key=lambda i: i.key)
        kinds = {i.kind for i in items}
        for k in kinds:
            assert getattr(compute(led, as_of=d, within=10, kinds={k}), name) == [i for i in items if i.kind == k]
