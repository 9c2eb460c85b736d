"""Each report statistic on its own, against a hand-written ledger whose figures are worked out by hand.

The ledger is tests/report/fixture/ledger (see its town.yaml); D = 2025-06-30 unless said otherwise.
"""

from __future__ import annotations

from dataclasses import astuple
from datetime import date
from pathlib import Path

import pytest

from hjp import deadlines
from hjp.load import load_ledger
from hjp.report import viewmodel as vm
from hjp.status import HazardBucket

FIXTURE = Path(__file__).resolve().parent.parent / "report" / "fixture" / "ledger"
D = date(2025, 6, 30)


@pytest.fixture(scope="module")
def ledger():
    led = load_ledger(FIXTURE, cache=False)
    assert [d for d in led.diagnostics if d.severity.value == "error"] == []
    return led


def row(stats, label):
    return next(r for r in stats if r.label == label)


def counts(r):
    return (r.found, r.rectified, r.closed, r.due_passed, r.on_time, r.open_major, r.legacy_open)


def test_hazard_stats_by_level(ledger):
    stats = vm.hazard_stats(ledger.hazards(), as_of=D, key="level", labels=vm.LEVELS)
    assert [r.label for r in stats] == ["一般", "重大", "合计"]
    # 一般: YH-1 (closed on time), YH-3 (overdue), YH-4 (deadline not passed); YH-5 void, YH-6 after D
    assert counts(row(stats, "一般")) == (3, 1, 1, 2, 1, 0, 0)
    # 重大: YH-2 (rectified late, not closed, found 2024: 存量), YH-7 (closed, on time)
    assert counts(row(stats, "重大")) == (2, 2, 1, 2, 1, 1, 1)
    total = row(stats, "合计")
    assert counts(total) == (5, 3, 2, 4, 2, 1, 1)
    assert total.rectified_rate == pytest.approx(3 / 5)
    assert total.on_time_rate == pytest.approx(2 / 4)


def test_hazard_stats_by_village_keeps_empty_labels_in_order(ledger):
    stats = vm.hazard_stats(ledger.hazards(), as_of=D, key="village", labels=["b", "a", "c"])
    assert [r.label for r in stats] == ["b", "a", "c", "合计"]
    assert counts(row(stats, "a")) == (4, 2, 1, 3, 1, 1, 1)
    assert counts(row(stats, "b")) == (1, 1, 1, 1, 1, 0, 0)
    assert counts(row(stats, "c")) == (0, 0, 0, 0, 0, 0, 0)
    assert row(stats, "c").rectified_rate is None and row(stats, "c").on_time_rate is None


def test_hazard_stats_by_sector_drops_empty_groups(ledger):
    stats = vm.hazard_stats(ledger.hazards(), as_of=D, key="sector", labels=ledger.town.sectors, keep_empty=False)
    assert [r.label for r in stats] == ["危险化学品", "消防", "合计"]
    assert counts(row(stats, "消防")) == (4, 2, 2, 3, 2, 0, 0)


def test_hazard_stats_since_limits_found_but_not_the_stock(ledger):
    # From 2025-01-01: YH-3, YH-4, YH-7 are found in the period; YH-2 (2024) is still open stock.
    total = vm.hazard_stats(ledger.hazards(), as_of=D, since=date(2025, 1, 1), key="level")[-1]
    assert counts(total) == (3, 1, 1, 2, 1, 1, 1)


def test_hazard_stats_earlier_as_of_undoes_later_events(ledger):
    # On 2024-07-15 YH-2 is not rectified yet and its deadline has passed; YH-1 is closed.
    total = vm.hazard_stats(ledger.hazards(), as_of=date(2024, 7, 15), key="level")[-1]
    assert counts(total) == (2, 1, 1, 2, 1, 1, 1)


def test_month_series(ledger):
    hazards = [h for _, h in ledger.hazards()]
    points = vm.month_series(hazards, start=date(2024, 3, 31), as_of=D)
    assert [p.month for p in points][:3] == ["2024-03", "2024-04", "2024-05"] and points[-1].month == "2025-06"
    assert len(points) == 16
    found = {p.month: p.found for p in points if p.found}
    closed = {p.month: p.closed for p in points if p.closed}
    assert found == {"2024-05": 1, "2024-06": 1, "2025-02": 1, "2025-03": 1, "2025-06": 1}
    assert closed == {"2024-05": 1, "2025-04": 1}
    majors = {p.month: p.open_major for p in points}
    assert majors["2024-05"] == 0 and majors["2024-06"] == 1 and majors["2025-02"] == 1
    assert majors["2025-03"] == 2 and majors["2025-04"] == 1 and majors["2025-06"] == 1
    assert vm.month_series(hazards, start=date(2026, 1, 1), as_of=D) == []


def test_drills_by_village_and_year(ledger):
    rows = vm.drills_by_village(ledger, ["a", "b"], [2024, 2025], as_of=D)
    assert [(r.label, r.per_year, r.total, r.participants) for r in rows] == [
        ("甲村", [1, 0], 1, 30), ("乙村", [0, 1], 1, 20), ("合计", [1, 1], 2, 50)]
    # YL-3 (2025-05-05) has not happened as of 2025-05-01
    rows = vm.drills_by_village(ledger, ["a", "b"], [2024, 2025], as_of=date(2025, 5, 1))
    assert rows[-1].per_year == [1, 0]


def test_coverage_by_year(ledger):
    rows = vm.coverage_by_year(ledger, ["a", "b"], as_of=D)
    # DW-a-1 owes every plan year (held in 2024 only); DW-a-2 is exempt (drill_required: false)
    assert [astuple(r) for r in rows] == [(2024, 1, 1), (2025, 1, 0), (2026, 1, 0)]
    assert rows[0].rate == 1.0 and rows[1].rate == 0.0 and rows[1].missing == 1
    assert vm.coverage_by_year(ledger, ["b"], as_of=D) == []


def test_task_blocks_by_action_and_state(ledger):
    blocks = vm.task_blocks(ledger, as_of=D)
    assert [(b.number, b.name, [t.id for t in b.tasks]) for b in blocks] == [
        (1, "责任落实行动", ["RW-1", "RW-2"]), (2, "宣传教育行动", ["RW-3"]), (None, "其他工作任务", ["RW-4"])]
    assert [t.label for t in blocks[0].tasks] == ["已完成", "已逾期"]
    assert blocks[0].counts == [("已完成", 1), ("未到期", 0), ("已逾期", 1), ("长期坚持", 0)]
    assert blocks[0].tasks[1].lead == "甲、乙"
    # progress after D is not yet written
    assert [(n.first, n.last, n.count, n.text) for n in blocks[1].notes] == [
        (date(2025, 5, 1), date(2025, 5, 1), 1, "召开宣传会1次")]
    assert blocks[1].notes and not blocks[0].notes
    assert blocks[2].tasks[0].lead == vm.NO_LEAD and blocks[2].tasks[0].label == "未到期"
    # a village's report leaves the town's tasks out, as deadlines.compute does
    assert [b.tasks for b in vm.task_blocks(ledger, as_of=D, village="a")] == [[], []]


def test_summary_problems_agree_with_deadline_engine(ledger):
    s = vm.summary(ledger, as_of=D)
    f = deadlines.compute(ledger, as_of=D)
    assert [r.key for r in s.problems.tasks.items] == ["RW-2"]
    assert s.problems.hazards == 1 == sum(1 for it in f.overdue if it.kind == "hazard")
    assert [(v.village, v.count, v.major) for v in s.problems.hazards_by_village] == [("甲村", 1, 0)]
    assert [r.key for r in s.problems.drills] == ["YL-2"]
    assert s.problems.awaiting == 1 and s.problems.awaiting_by_village[0].major == 1
    assert s.problems.total == len(f.overdue) + len(f.stale) + len(f.awaiting_closure) == 4
    assert s.problems.tasks.items[0].days == 91 and s.problems.tasks.items[0].village == "镇级"


def test_summary_basics_and_upcoming(ledger):
    s = vm.summary(ledger, as_of=D)
    assert (s.scope.villages, s.scope.units, s.hazards.major.found, s.drills.held, s.drills.participants,
            s.tasks.total) == (2, 2, 2, 2, 50, 4)
    assert s.tasks.counts == [("已完成", 1), ("未到期", 1), ("已逾期", 1), ("长期坚持", 1)]
    assert s.drills.years == [2024, 2025] and [c.year for c in s.drills.coverage] == [2024, 2025]
    # up to the plan's end: RW-4 (2025-12-15), YH-4 (2025-07-15), DW-a-1's drill for 2025 (2026's is
    # due after the horizon's year? no: the horizon is the plan's end, so 2025 and 2026 both fall in it)
    assert [r.key for r in s.upcoming.tasks] == ["RW-4"]
    assert s.upcoming.hazards == 1 and [(c.year, c.units) for c in s.upcoming.coverage] == [(2025, 1), (2026, 1)]
    assert s.upcoming.horizon == date(2026, 12, 31)


def test_phase_summary_is_limited_to_the_phase(ledger):
    phase = ledger.town.phases[1]  # 治本提升阶段, not begun on D
    s = vm.summary(ledger, as_of=D, phase=phase)
    assert s.date == D and s.drills.years == [] and s.hazards.months == []
    assert s.hazards.total.found == 0 and s.hazards.total.open_major == 1
    later = vm.summary(ledger, as_of=date(2027, 1, 1), phase=ledger.town.phases[0])
    assert later.date == date(2025, 12, 31)


def test_register_rows_and_confidentiality(ledger):
    r = vm.register(ledger, as_of=D)
    assert [(v.name, [x.id for x in v.rows]) for v in r.villages] == [
        ("甲村", ["YH-1", "YH-2", "YH-3", "YH-4"]), ("乙村", ["YH-7"])]
    assert r.voided == 1
    yh2 = r.villages[0].rows[1]
    assert (yh2.status, yh2.unit, yh2.five.funds, yh2.closed_on, yh2.verified_by) == (
        "已整改待验收（超期303天）", "甲加油站", 3000, None, None)
    # one wording everywhere: an overdue hazard says so, with its days (as hjp overdue counts them)
    yh3 = r.villages[0].rows[2]
    assert (yh3.bucket, yh3.status) == (HazardBucket.OVERDUE, "逾期未整改（121天）")
    assert [x.status for x in r.villages[0].rows][3] == "整改中"
    assert "reporter" not in vm.HazardRow.__slots__
    assert "reporter" not in repr(r)
    # on 2024-05-22 YH-1 is rectified but not yet closed, so its 验收人 is not shown yet
    early = vm.register(ledger, as_of=date(2024, 5, 22)).villages[0].rows[0]
    assert (early.status, early.rectified_on, early.closed_on, early.verified_by) == (
        "已整改待验收", date(2024, 5, 20), None, None)


def test_overdue_list_groups_by_person(ledger):
    o = vm.overdue_list(ledger, as_of=D)
    assert o.total == 3 == len(deadlines.compute(ledger, as_of=D).overdue)
    assert [(g.person, [i.key for i in g.items], g.max_days) for g in o.groups] == [
        ("丁", ["YH-3"], 121), ("乙", ["RW-2"], 91), ("甲", ["RW-2"], 91), ("丙", ["YL-2"], 60)]
    assert o.by_kind == [("隐患整改", 1), ("任务", 1), ("演练", 1)]
    assert vm.overdue_list(ledger, as_of=D, village="b").total == 0


def test_rate_and_id_order():
    assert vm.rate(1, 0) is None and vm.rate(1, 4) == 0.25
    assert sorted(["RW-10", "RW-2", "RW-2024-1", "RW-BG-1"], key=vm._id_key) == ["RW-2", "RW-10", "RW-2024-1",
                                                                                  "RW-BG-1"]


def test_hazard_stats_with_the_callers_buckets_equal_those_it_computes(tmp_path):
    from hjp.demo import generate

    generate(tmp_path / "ledgers", villages=3, hazards=300, seed=3)
    led = load_ledger(tmp_path / "ledgers", cache=False)
    hazards = [(s, h) for s, v in led.villages.items() for h in v.hazards]
    for as_of, since in ((date(2025, 6, 30), None), (date(2026, 11, 30), date(2025, 1, 1))):
        buckets = [deadlines.hazard_bucket(h, as_of) for _, h in hazards]
        assert len(set(buckets)) > 3  # several buckets, and hazards found after the day (None)
        for key in ("village", "sector", "level"):
            assert vm.hazard_stats(hazards, as_of=as_of, since=since, key=key, buckets=buckets) == \
                vm.hazard_stats(hazards, as_of=as_of, since=since, key=key)
        assert vm.source_stats(hazards, as_of=as_of, since=since, buckets=buckets) == \
            vm.source_stats(hazards, as_of=as_of, since=since)
        with pytest.raises(ValueError):  # buckets out of step with the hazards are refused, not misread
            vm.hazard_stats(hazards, as_of=as_of, key="level", buckets=buckets[:-1])
