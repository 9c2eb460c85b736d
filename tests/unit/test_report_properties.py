"""Invariants of the self-check view-model over generated ledgers and random as-of dates (hypothesis).

The ledgers are those of the deadline engine's property tests (test_deadlines_properties.py).
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from test_deadlines_properties import build, dates, raw_ledgers

from hjp import deadlines
from hjp.report import viewmodel
from hjp.status import HazardBucket, TaskStatus


@settings(max_examples=40, deadline=None)
@given(raw_ledgers(), dates)
def test_each_hazard_in_exactly_one_bucket_and_the_buckets_add_up(raw: dict, d: date) -> None:
    led = build(raw)
    s = viewmodel.summary(led, as_of=d)
    counted = [h for _, h in led.hazards() if h.void is None and h.found_on <= s.date]
    buckets = [deadlines.hazard_bucket(h, s.date) for h in counted]
    assert None not in buckets
    for rows in (s.hazards.by_level, s.hazards.by_village, s.hazards.by_sector):
        for r in rows:
            assert r.closed + r.verifying + r.open + r.overdue == r.found
    t = s.hazards.total
    assert t.found == len(counted)
    assert (t.closed, t.verifying, t.open, t.overdue) == tuple(
        sum(1 for b in buckets if b is k) for k in
        (HazardBucket.CLOSED, HazardBucket.RECTIFIED, HazardBucket.OPEN, HazardBucket.OVERDUE))
    # the same hazards as hjp overdue, for the same date
    f = deadlines.compute(led, as_of=s.date)
    assert t.overdue == s.problems.hazards == sum(1 for it in f.overdue if it.kind == "hazard")
    assert s.problems.awaiting == len(f.awaiting_closure)
    # every hazard still being rectified and not overdue is work still to do, whatever its deadline
    assert s.upcoming.hazards == t.open


@settings(max_examples=40, deadline=None)
@given(raw_ledgers(), dates)
def test_tasks_counted_once_and_periods_as_qici(raw: dict, d: date) -> None:
    led = build(raw)
    s = viewmodel.summary(led, as_of=d)
    rows = [t for a in s.tasks.actions for t in a.tasks]
    valid = [t for _, t in led.all_tasks() if t.void is None and t.shape is not None]
    assert len(rows) == len({r.id for r in rows}) == len(valid) == s.tasks.total
    assert sum(n for _, n in s.tasks.counts) == s.tasks.total
    overdue = {r.id for r in rows if r.status is TaskStatus.OVERDUE}
    f = deadlines.compute(led, as_of=s.date)
    late = [it for it in f.overdue if it.kind in ("task", "milestone", "occurrence")]
    # a task is overdue exactly when hjp overdue lists something of it; it is counted once
    assert overdue == {it.id for it in late} and s.problems.tasks.tasks == len(overdue)
    assert s.tasks.missed_periods == s.problems.tasks.periods == sum(1 for it in late if it.kind == "occurrence")
    assert s.problems.total == len(f.overdue) + len(f.stale) + len(f.awaiting_closure)


@settings(max_examples=30, deadline=None)
@given(raw_ledgers(), dates)
def test_coverage_is_counted_in_units_per_year(raw: dict, d: date) -> None:
    led = build(raw)
    s = viewmodel.summary(led, as_of=d)
    f = deadlines.compute(led, as_of=s.date)
    missed = [it for it in f.overdue if it.kind == "coverage"]
    assert sum(c.units for c in s.problems.coverage) == len(missed)
    for c in s.problems.coverage:  # one unit counts once in a year: 家, never 家次
        ids = [it.id for it in missed if it.due.year == c.year]
        assert len(ids) == len(set(ids)) == c.units
    for c in s.drills.coverage:
        assert 0 <= c.covered <= c.owed and c.missing == c.owed - c.covered


@settings(max_examples=40, deadline=None)
@given(raw_ledgers(), dates, st.sampled_from(["a", "b"]))
def test_a_village_report_is_that_village_s_part(raw: dict, d: date, slug: str) -> None:
    led = build(raw)
    whole = viewmodel.summary(led, as_of=d)
    one = viewmodel.summary(led, as_of=d, village=slug)
    row = next(r for r in whole.hazards.by_village if r.label == led.villages[slug].name)
    assert (one.hazards.total.found, one.hazards.total.overdue) == (row.found, row.overdue)
    f = deadlines.compute(led, as_of=one.date, village=slug)
    assert one.problems.total == len(f.overdue) + len(f.stale) + len(f.awaiting_closure)
