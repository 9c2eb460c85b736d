"""Deadline semantics (DESIGN §4, a contract): what is overdue, due soon, stale or awaiting closure.

Pure date logic over a loaded ledger: every function takes the date ``as_of`` (D) explicitly and
never asks the clock. Anything found, done, held, rectified, closed, opened or progressed after D
has not happened yet as of D, so asking about a past date reproduces the past from today's files.
Voided records count nowhere, whatever their void date: they were entered in error.

The work is one pass over the records (plus the calendar periods of recurring tasks), so it stays
a small fraction of loading the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from hjp.status import (CLOSURE_DAYS, FAIL_ON, STALE_DAYS, DeadlineState, HazardBucket, HazardStatus, ItemKind,
                        TaskStatus)

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.model import Drill, Hazard, Task, Town, Unit

# Items' kinds and the lists they go in are hjp.status's ItemKind and DeadlineState; these are their values.
KINDS = tuple(k.value for k in ItemKind)  # ("hazard", "task", "milestone", "occurrence", "drill", "coverage")
KIND_NAMES = {k.value: k.label for k in ItemKind}  # hazard → 隐患 …
BUCKETS = tuple(s.value for s in DeadlineState)  # ("overdue", "due_soon", "stale", "awaiting_closure")
FAILING = tuple(s.value for s in FAIL_ON["overdue"])  # what `hjp check --fail-on overdue` fails on
EVACUATION = "疏散逃生"
# Record kinds (by file stem) whose items depend on the record alone — not on the town's plan nor on
# other records, as a unit's drill coverage depends on drills: the audit loads only the records a
# commit changed for these (hjp.auditscope). A kind whose deadlines change that must leave this set.
SELF_CONTAINED_KINDS = frozenset({"hazards"})
LEADER_INSPECTION = "主要负责人带队"  # hjp.model's, named here so deadlines need not import pydantic
PRINCIPAL = "主要负责人"
TRAINING_SUFFIX = "@training"  # the key of a unit's 任务5 training coverage: DW-…@training


@dataclass(frozen=True, slots=True)
class Item:
    """One dated obligation that is not done as of D."""

    key: str  # "YH-…", "RW-…#2", "RW-…@2025Q3" / "@2025-07" / "@2025", "DW-…@2025"
    id: str  # the record's id (the unit's id for coverage)
    kind: str  # one of KINDS
    title: str
    village: str | None
    due: date
    days: int  # (as_of - due).days; negative = days left
    lead: list[str]
    path: str | None = field(default=None, compare=False)  # where the record stands, for annotations
    line: int | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "id": self.id, "kind": self.kind, "title": self.title, "village": self.village,
                "due": self.due.isoformat(), "days": self.days, "lead": list(self.lead)}


@dataclass
class Findings:
    as_of: date
    overdue: list[Item] = field(default_factory=list)
    due_soon: list[Item] = field(default_factory=list)
    stale: list[Item] = field(default_factory=list)
    awaiting_closure: list[Item] = field(default_factory=list)

    def buckets(self) -> dict[str, list[Item]]:
        return {name: getattr(self, name) for name in BUCKETS}

    def __len__(self) -> int:
        return sum(len(items) for items in self.buckets().values())

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"as_of": self.as_of.isoformat()}
        for name, items in self.buckets().items():
            out[name] = [i.to_json() for i in sorted(items, key=_order)]
        return out


def _order(item: Item) -> tuple[date, str]:
    return item.due, item.key


@dataclass(frozen=True, slots=True)
class Period:
    """One calendar month, quarter or year of a recurring task."""

    key_suffix: str  # "@2025-07", "@2025Q3", "@2025"
    start: date
    end: date  # the period's last day: its due date
    label: str  # "2025年7月", "2025年第3季度", "2025年"


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Drill coverage of one unit in one calendar year of the plan."""

    village: str
    unit: str  # the unit's id
    name: str
    principal: str
    year: int
    owed: bool  # operating on 31 December of the year (as of D) and drill_required
    held: tuple[str, ...]  # ids of its 疏散逃生 drills held in the year, on or before D

    @property
    def key(self) -> str:
        return f"{self.unit}@{self.year}"

    @property
    def due(self) -> date:
        return date(self.year, 12, 31)


# --------------------------------------------------------------------------- periods and status


def _plus(d: date, days: int) -> date:
    """``d + days``, saturating at the calendar's ends (a hostile 9999-12-31 must not crash)."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _period_of(every: str, day: date) -> Period:
    """The calendar period of ``every`` holding ``day``."""
    y = day.year
    if every == "month":
        m0, n, suffix, label = day.month, 1, f"@{y}-{day.month:02d}", f"{y}年{day.month}月"
    elif every == "quarter":
        q = (day.month - 1) // 3 + 1
        m0, n, suffix, label = 3 * q - 2, 3, f"@{y}Q{q}", f"{y}年第{q}季度"
    else:
        m0, n, suffix, label = 1, 12, f"@{y}", f"{y}年"
    ny, nm = _add_months(y, m0, n)
    end = date.max if ny > date.max.year else date(ny, nm, 1) - timedelta(days=1)
    return Period(suffix, date(y, m0, 1), end, label)


def quarter_of(day: date) -> Period:
    """The calendar quarter holding ``day`` (key suffix @2026Q3, label 2026年第3季度)."""
    return _period_of("quarter", day)


def task_window(task: Task, town: Town | None) -> tuple[date | None, date | None]:
    """[start, end] of a recurring or ongoing task: its own, else the plan's."""
    plan = town.plan if town is not None else None
    start = task.start or (plan.start if plan else None)
    end = task.end or (plan.end if plan else None)
    return start, end


def periods(task: Task, town: Town | None) -> list[Period]:
    """The calendar periods of a recurring task that intersect [start, end] (empty otherwise)."""
    if task.every is None:
        return []
    start, end = task_window(task, town)
    if start is None or end is None:
        return []
    return calendar_periods(task.every, start, end)


def calendar_periods(every: str, start: date, end: date) -> list[Period]:
    """The calendar months, quarters or years (``every``) that intersect [start, end], in order."""
    return list(_calendar_periods(every, start, end))


@lru_cache(maxsize=4096)
def _calendar_periods(every: str, start: date, end: date) -> tuple[Period, ...]:
    # Periods are frozen and most units and tasks share their windows (the plan's): a report on
    # 1,600 units asked for the same quarters 2,500 times.
    if start > end:
        return ()
    out = []
    p = _period_of(every, start)
    while p.start <= end:
        out.append(p)
        if p.end == date.max:
            break
        p = _period_of(every, p.end + timedelta(days=1))
    return tuple(out)


def hazard_status(h: Hazard, as_of: date) -> HazardStatus | None:
    """RECTIFYING | RECTIFIED | CLOSED | VOID as of the date; None for a hazard found after it."""
    if h.found_on > as_of:
        return None
    if h.void is not None:
        return HazardStatus.VOID
    if h.closed_on is not None and h.closed_on <= as_of:
        return HazardStatus.CLOSED
    if h.rectified_on is not None and h.rectified_on <= as_of:
        return HazardStatus.RECTIFIED
    return HazardStatus.RECTIFYING


_BUCKET_OF = {HazardStatus.CLOSED: HazardBucket.CLOSED, HazardStatus.RECTIFIED: HazardBucket.RECTIFIED}


def hazard_bucket(h: Hazard, as_of: date) -> HazardBucket | None:
    """Where a hazard stands as of the date (None: found after it, or voided).

    RECTIFYING splits on the deadline exactly as ``compute`` does: overdue when deadline < D.
    """
    status = hazard_status(h, as_of)
    if status is None or status is HazardStatus.VOID:
        return None
    if status is HazardStatus.RECTIFYING:
        return HazardBucket.OVERDUE if h.rectification.deadline < as_of else HazardBucket.OPEN
    return _BUCKET_OF[status]


def closure_due(h: Hazard) -> date | None:
    """The day by which a rectified hazard should be closed (待销号 after it); None if not rectified."""
    return _plus(h.rectified_on, CLOSURE_DAYS) if h.rectified_on is not None else None


def _done(d: date | None, as_of: date) -> bool:
    return d is not None and d <= as_of


def _period_start(every: str, day: date) -> date:
    """The first day of the calendar period of ``every`` holding ``day`` (``_period_of(...).start``)."""
    if every == "month":
        return date(day.year, day.month, 1)
    if every == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _period_done(task: Task, as_of: date) -> set[date]:
    """Starts of the periods that have an occurrence dated inside them and on or before D."""
    every = task.every
    assert every is not None
    return {_period_start(every, o.date) for o in task.occurrences if o.date <= as_of}


def task_status(task: Task, town: Town | None, as_of: date) -> TaskStatus:
    """DONE | PENDING | OVERDUE | ONGOING | VOID (已完成 | 未到期 | 已逾期 | 长期坚持 | 已作废), as of the date.

    Milestones: 已逾期 if any milestone is overdue, 已完成 when all are done. Recurring: 已逾期 if a
    past period was missed, 已完成 when every period up to the end is done, else 未到期.
    """
    if task.void is not None:
        return TaskStatus.VOID
    shapes = task.shapes()
    shape = shapes[0] if shapes else None  # an invalid multi-shape task: first shape wins
    if shape == "ongoing" or shape is None:
        return TaskStatus.ONGOING if shape == "ongoing" else TaskStatus.PENDING
    if shape == "deadline":
        assert task.deadline is not None
        if _done(task.done_on, as_of):
            return TaskStatus.DONE
        return TaskStatus.OVERDUE if task.deadline < as_of else TaskStatus.PENDING
    if shape == "milestones":
        ms = task.milestones or []
        if any(not _done(m.done_on, as_of) and m.due < as_of for m in ms):
            return TaskStatus.OVERDUE
        return TaskStatus.DONE if all(_done(m.done_on, as_of) for m in ms) else TaskStatus.PENDING
    done = _period_done(task, as_of)
    ps = periods(task, town)
    if any(p.end < as_of and p.start not in done for p in ps):
        return TaskStatus.OVERDUE
    return TaskStatus.DONE if all(p.start in done for p in ps) else TaskStatus.PENDING


def missed_periods(task: Task, town: Town | None, as_of: date) -> list[Period]:
    """The periods of a recurring task that ended before D with no occurrence in them (its 逾期期次)."""
    if task.every is None or task.void is not None:
        return []
    done = _period_done(task, as_of)
    return [p for p in periods(task, town) if p.end < as_of and p.start not in done]


def last_progress(task: Task, town: Town | None, as_of: date) -> tuple[date | None, bool]:
    """(the date an ongoing task's staleness counts from, whether that is a real progress entry).

    The latest progress dated ≤ D; else the task's start; else the plan's start (DESIGN §4).
    """
    dates = [e.date for e in task.progress if e.date <= as_of]
    if dates:
        return max(dates), True
    return task.start or (town.plan.start if town is not None else None), False


# --------------------------------------------------------------------------- coverage


def operating(u: Unit, day: date, as_of: date) -> bool:
    """Whether the unit is operating on ``day``, as far as is known on ``as_of``."""
    if u.since is not None and (u.since > day or u.since > as_of):
        return False  # not yet open on that day, or its opening has not happened as of D
    return not (u.closed_on is not None and u.closed_on <= day and u.closed_on <= as_of)


def _held_by_unit(ledger: Ledger, as_of: date) -> dict[tuple[str, str], dict[int, list[str]]]:
    """(village, unit id) -> year -> ids of 疏散逃生 drills held that year, on or before D."""
    out: dict[tuple[str, str], dict[int, list[str]]] = {}
    for slug, d in ledger.drills():
        if d.void is None and d.kind == EVACUATION and d.unit is not None and _done(d.held_on, as_of):
            assert d.held_on is not None
            out.setdefault((slug, d.unit), {}).setdefault(d.held_on.year, []).append(d.id)
    return out


def coverage(ledger: Ledger, as_of: date) -> list[CoverageRow]:
    """Per (village, unit, year of the plan): whether a 疏散逃生 drill is owed, and which were held.

    Voided units are left out; a unit not operating on 31 December of a year (as far as is known
    on D), or exempt with ``drill_required: false``, gets a row with ``owed`` False.
    """
    return [row for row, _unit in _coverage_rows(ledger, as_of)]


def _coverage_rows(ledger: Ledger, as_of: date, done_by: date | None = None) -> Iterable[tuple[CoverageRow, Unit]]:
    town = ledger.town
    if town is None:
        return
    years = range(town.plan.start.year, town.plan.end.year + 1)
    held = _held_by_unit(ledger, as_of if done_by is None else done_by)
    for slug, u in ledger.units():
        if u.void is not None:
            continue
        by_year = held.get((slug, u.id), {})
        for y in years:
            owed = u.drill_required and operating(u, date(y, 12, 31), as_of)
            yield CoverageRow(slug, u.id, u.name, u.principal, y, owed, tuple(by_year.get(y, ()))), u


# --------------------------------------------------------------------------- inspection coverage


@dataclass(frozen=True, slots=True)
class InspectionRow:
    """One unit's 主要负责人带队 inspection in one calendar quarter (DESIGN §4)."""

    village: str
    unit: str  # the unit's id
    name: str
    principal: str
    quarter: Period
    owed: bool  # operating on the quarter's last day (as of D) and inspection_required
    done: tuple[str, ...]  # ids of its 主要负责人带队 inspections dated in the quarter, on or before D

    @property
    def key(self) -> str:
        return self.unit + self.quarter.key_suffix

    @property
    def due(self) -> date:
        return self.quarter.end


def coverage_start(town: Town, u: Unit) -> date:
    """The latest of the plan's start, the unit's ``since`` and town.yaml's ``coverage_from``:
    quarters starting before it are not owed."""
    start = town.plan.start
    for d in (u.since, town.coverage_from):
        if d is not None and d > start:
            start = d
    return start


def unit_quarters(town: Town, u: Unit) -> list[Period]:
    """The calendar quarters that start on or after ``coverage_start`` and end on or before the
    plan's end: the quarters a unit can owe (whether it is operating then is ``operating``'s)."""
    start = coverage_start(town, u)
    first = _period_of("quarter", start)
    if first.start < start:  # a quarter already under way when coverage starts is not owed
        if first.end >= town.plan.end:
            return []
        start = first.end + timedelta(days=1)
    end = town.plan.end
    return [q for q in calendar_periods("quarter", start, end) if q.end <= end]


def _inspected(ledger: Ledger, as_of: date) -> dict[tuple[str, str], dict[date, list[str]]]:
    """(village, unit id) -> quarter's first day -> ids of its 主要负责人带队 inspections dated in it, ≤ D."""
    out: dict[tuple[str, str], dict[date, list[str]]] = {}
    for slug, v in ledger.villages.items():
        for i in v.inspections:
            if i.void is None and i.kind == LEADER_INSPECTION and i.unit is not None and i.date <= as_of:
                out.setdefault((slug, i.unit), {}).setdefault(_period_start("quarter", i.date), []).append(i.id)
    return out


def inspection_coverage(ledger: Ledger, as_of: date) -> list[InspectionRow]:
    """Per (village, unit, quarter it can owe): whether a 主要负责人带队 inspection is owed, and which
    were made. Voided units and units with ``inspection_required: false`` are left out."""
    return [row for row, _unit in _inspection_rows(ledger, as_of)]


def _inspection_rows(ledger: Ledger, as_of: date, until: date | None = None, done_by: date | None = None
                     ) -> Iterable[tuple[InspectionRow, Unit]]:
    town = ledger.town
    if town is None:
        return
    done = _inspected(ledger, as_of if done_by is None else done_by)
    for slug, u in ledger.units():
        if u.void is not None or not u.inspection_required:
            continue
        by_quarter = done.get((slug, u.id), {})
        for q in unit_quarters(town, u):
            if until is not None and q.start > until:
                break  # quarters are in order: later ones end later still
            yield InspectionRow(slug, u.id, u.name, u.principal, q, operating(u, q.end, as_of),
                                tuple(by_quarter.get(q.start, ()))), u


# --------------------------------------------------------------------------- training coverage (任务5)


@dataclass(frozen=True, slots=True)
class TrainingRow:
    """Whether one unit's principal has been trained within the plan (方案任务5)."""

    village: str
    unit: str
    name: str
    principal: str
    owed: bool  # operating on D (on the plan's last day once the plan has ended), as of D
    trained: tuple[str, ...]  # ids of trainings within the plan, on or before D, its principal attended

    @property
    def key(self) -> str:
        return self.unit + TRAINING_SUFFIX


def training_coverage(ledger: Ledger, as_of: date) -> list[TrainingRow]:
    """Per unit (voided ones left out): owed, and the trainings its principal attended.

    An attendee is the unit's principal when listed with that unit and either the role 主要负责人 or
    the principal's name. Trainings outside the plan's period, after D, or voided do not count.
    """
    return [row for row, _unit in _training_rows(ledger, as_of)]


def _training_rows(ledger: Ledger, as_of: date, done_by: date | None = None
                   ) -> Iterable[tuple[TrainingRow, Unit]]:
    town = ledger.town
    if town is None:
        return
    plan = town.plan
    counted = as_of if done_by is None else done_by  # trainings count up to this day
    attended: dict[str, list[tuple[str, str | None, str]]] = {}  # unit id -> (name, role, training id)
    for t in ledger.trainings:
        if t.void is not None or t.date > counted or not plan.start <= t.date <= plan.end:
            continue
        for a in t.attendees:
            if a.unit is not None:
                attended.setdefault(a.unit, []).append((a.name, a.role, t.id))
    day = min(as_of, plan.end)
    for slug, u in ledger.units():
        if u.void is not None:
            continue
        trained = tuple(dict.fromkeys(tid for name, role, tid in attended.get(u.id, ())
                                      if role == PRINCIPAL or name == u.principal))
        yield TrainingRow(slug, u.id, u.name, u.principal, operating(u, day, as_of), trained), u


# --------------------------------------------------------------------------- compute


class _Sink:
    """Sorts items into buckets as they are found; keeps the filters in one place."""

    def __init__(self, ledger: Ledger, as_of: date, within: int, village: str | None, kinds: set[str] | None,
                 done_by: date | None = None):
        self.ledger = ledger
        self.as_of = as_of
        self.done_by = as_of if done_by is None else min(done_by, as_of)  # completions count up to this day
        self.soon = _plus(as_of, within)
        self.village = village
        self.kinds = kinds
        self.findings = Findings(as_of)
        self._where = ledger.loc_by_record

    def wants(self, kind: str, village: str | None) -> bool:
        return (self.kinds is None or kind in self.kinds) and (self.village is None or village == self.village)

    def _item(self, key: str, rid: str, kind: str, title: str, village: str | None, due: date,
              lead: list[str], record: Any) -> Item:
        loc = self._where.get(id(record))
        return Item(key, rid, kind, title, village, due, (self.as_of - due).days, lead,
                    loc.path if loc else None, loc.line if loc else None)

    def due(self, key: str, rid: str, kind: str, title: str, village: str | None, due: date,
            lead: list[str], record: Any) -> None:
        """An obligation not done as of D: overdue, due soon, or (further off) not listed."""
        if due < self.as_of:
            self.findings.overdue.append(self._item(key, rid, kind, title, village, due, lead, record))
        elif due <= self.soon:
            self.findings.due_soon.append(self._item(key, rid, kind, title, village, due, lead, record))

    def late(self, bucket: list[Item], key: str, rid: str, kind: str, title: str, village: str | None,
             due: date, lead: list[str], record: Any) -> None:
        if due < self.as_of:
            bucket.append(self._item(key, rid, kind, title, village, due, lead, record))


def compute(ledger: Ledger, *, as_of: date, within: int = 7, village: str | None = None,
            kinds: set[str] | None = None, done_by: date | None = None) -> Findings:
    """Everything overdue, due within ``within`` days, stale or awaiting closure as of ``as_of``.

    ``village`` keeps only that village's items (town-level tasks have none); ``kinds`` keeps only
    items of those kinds. Each list is sorted by due date, then key. ``done_by`` (at most D, the
    default) counts only the completions dated on or before it — rectified, closed, done, held,
    occurrences, progress — while everything else is still as of D: the audit asks whether an
    item that stopped being overdue was done, and when (hjp.auditrules.check_overdue_hidden).
    """
    if within < 0:
        raise ValueError("within must be >= 0")
    sink = _Sink(ledger, as_of, within, village, kinds, done_by)
    _hazards(sink, ledger.hazards())
    _tasks(sink, ledger.all_tasks(), ledger.town)
    _drills(sink, ledger.drills())
    if kinds is None or "coverage" in kinds:
        _coverage(sink, ledger)
    if kinds is None or "inspection" in kinds:
        _inspections(sink, ledger)
    if kinds is None or "training" in kinds:
        _trainings(sink, ledger)
    f = sink.findings
    for items in f.buckets().values():
        items.sort(key=_order)
    return f


def _hazards(sink: _Sink, hazards: Iterable[tuple[str, Hazard]]) -> None:
    if sink.kinds is not None and "hazard" not in sink.kinds:
        return
    as_of, done_by = sink.as_of, sink.done_by
    awaiting = sink.findings.awaiting_closure
    only = sink.village
    for slug, h in hazards:
        if only is not None and slug != only:
            continue
        if h.void is not None or h.found_on > as_of:
            continue
        rect = h.rectified_on
        if rect is None or rect > done_by:
            r = h.rectification
            sink.due(h.id, h.id, "hazard", h.title, slug, r.deadline, [r.owner], h)
        elif h.closed_on is None or h.closed_on > done_by:
            # rectified (as of D) but not closed: 待销号 once more than CLOSURE_DAYS have passed
            sink.late(awaiting, h.id, h.id, "hazard", h.title, slug, _plus(rect, CLOSURE_DAYS),
                      [h.rectification.owner], h)


def _tasks(sink: _Sink, tasks: Iterable[tuple[str | None, Task]], town: Town | None) -> None:
    done_by = sink.done_by
    for slug, t in tasks:
        if t.void is not None:
            continue
        shapes = t.shapes()
        if len(shapes) != 1:
            continue  # invalid (HJP209): its deadlines are not defined
        shape = shapes[0]
        lead = list(t.lead)
        if shape == "deadline":
            if sink.wants("task", slug) and not _done(t.done_on, done_by):
                assert t.deadline is not None
                sink.due(t.id, t.id, "task", t.title, slug, t.deadline, lead, t)
        elif shape == "milestones":
            if sink.wants("milestone", slug):
                for n, m in enumerate(t.milestones or [], 1):
                    if not _done(m.done_on, done_by):
                        sink.due(f"{t.id}#{n}", t.id, "milestone", f"{t.title}：{m.what}", slug, m.due, lead, t)
        elif shape == "every":
            if sink.wants("occurrence", slug):
                done = _period_done(t, done_by)
                for p in periods(t, town):
                    if p.start > sink.soon:
                        break  # periods are in order: later ones end later still
                    if p.start not in done:
                        sink.due(t.id + p.key_suffix, t.id, "occurrence", f"{t.title}（{p.label}）", slug,
                                 p.end, lead, t)
        elif sink.wants("task", slug):  # ongoing: never overdue, stale after STALE_DAYS without progress
            last, _ = last_progress(t, town, done_by)
            if last is not None:
                sink.late(sink.findings.stale, t.id, t.id, "task", t.title, slug, _plus(last, STALE_DAYS), lead, t)


def _drills(sink: _Sink, drills: Iterable[tuple[str, Drill]]) -> None:
    if sink.kinds is not None and "drill" not in sink.kinds:
        return
    for slug, d in drills:
        if d.void is not None or d.planned_on is None or _done(d.held_on, sink.done_by):
            continue
        if sink.village is not None and slug != sink.village:
            continue
        sink.due(d.id, d.id, "drill", d.title, slug, d.planned_on, [d.organizer] if d.organizer else [], d)


def _coverage(sink: _Sink, ledger: Ledger) -> None:
    for row, u in _coverage_rows(ledger, sink.as_of, sink.done_by):
        if row.owed and not row.held and sink.wants("coverage", row.village):
            sink.due(row.key, row.unit, "coverage", f"{row.name}{row.year}年度疏散逃生演练", row.village, row.due,
                     [row.principal], u)


def _inspections(sink: _Sink, ledger: Ledger) -> None:
    for row, u in _inspection_rows(ledger, sink.as_of, until=sink.soon, done_by=sink.done_by):
        if row.owed and not row.done and sink.wants("inspection", row.village):
            sink.due(row.key, row.unit, "inspection", f"{row.name}{row.quarter.label}主要负责人带队检查", row.village,
                     row.due, [row.principal], u)


def _trainings(sink: _Sink, ledger: Ledger) -> None:
    town = ledger.town
    if town is None or town.plan.end > sink.soon:
        return  # owed by the plan's end: nothing to list before the last week of the plan
    for row, u in _training_rows(ledger, sink.as_of, done_by=sink.done_by):
        if row.owed and not row.trained and sink.wants("training", row.village):
            sink.due(row.key, row.unit, "training", f"{row.name}主要负责人安全培训", row.village, town.plan.end,
                     [row.principal], u)


# --------------------------------------------------------------------------- responsibility


def record_index(ledger: Ledger) -> dict[str, Any]:
    """ID → record for every unit, hazard, drill and task (the first of a duplicated ID wins)."""
    out: dict[str, Any] = {}
    for pool in (ledger.units(), ledger.hazards(), ledger.drills(), ledger.all_tasks()):
        for _slug, r in pool:
            out.setdefault(r.id, r)
    return out


def responsible(item: Item, records: dict[str, Any]) -> list[str]:
    """Who answers for an item, for reports: its ``lead`` (DESIGN §5), else the task's ``owners``,
    else the principal of the unit the record belongs to, else the drill's organizer; [] when none.

    ``overdue --json`` keeps the contract's ``lead``; the reports and the 督办清单 use this, so a
    task with only ``owners: [应急办]`` or a drill with no organizer is not 无人负责.
    """
    if item.lead:
        return list(item.lead)
    record = records.get(item.id)
    if record is None:
        return []
    owners = getattr(record, "owners", None)
    if owners:
        return list(owners)
    unit = records.get(getattr(record, "unit", None) or "")
    if unit is not None and getattr(unit, "principal", None):
        return [unit.principal]
    organizer = getattr(record, "organizer", None)
    return [organizer] if organizer else []
