"""View-models of the reports: every figure computed, sorted and ready for a template.

Templates hold wording and layout only; everything countable is counted here, from the ledger and
the deadline engine (``hjp.deadlines``), so that each statistic is tested on its own and the reports
agree with ``hjp overdue`` for the same ``as_of``. Nothing here writes prose: text a person must
write comes from the ledger's progress notes, or stays a blank the template marks for the clerk.
``reporter`` (举报人) is never copied into any view-model (DESIGN §7). A view-model holds plain
values only (dataclasses, enums, dates, numbers, text): ``hjp report NAME --format json`` prints it
as it is (``jsonview``; keys in docs/report-json.md).

Definitions (for a period [start, end] evaluated at D = min(as_of, end)):
- found: hazards found in the period on or before D (voided ones never count);
- each found hazard is in exactly one bucket (``status.HazardBucket``): 已销号, 已整改待验收,
  整改中未逾期, 逾期未整改 (deadline < D, as ``hjp overdue``); the four add up to found;
- rectified (已整改) = 已销号 + 已整改待验收; 整改率 = rectified / found;
- 按期整改率 = rectified on or before their deadline / those whose deadline has passed (deadline < D);
- open 重大 and 存量 (found before 2025-01-01) still open are stock figures at D over all hazards,
  whatever the period: "open" means not closed (销号) by D — 动态清零 counts 销号, not 整改完成;
- a task counts once, under its status; a recurring task's missed calendar periods are 期次;
- drill coverage is counted per year in 家 (units), never 家次.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from hjp import deadlines
from hjp import model as m
from hjp.load import Ledger
from hjp.report import sections
from hjp.status import (TASK_STATUS_ORDER, HazardBucket, HazardStatus, TaskStatus, hazard_label,
                        task_label)

LEGACY_BEFORE = date(2025, 1, 1)  # 存量隐患: found before 2025 (the plan's first full year)
LEVELS = ("一般", "重大")
KIND_LABELS = {
    "hazard": "隐患整改", "task": "任务", "milestone": "阶段目标", "occurrence": "周期性任务",
    "drill": "演练", "coverage": "疏散逃生演练", "inspection": "主要负责人带队检查", "training": "主要负责人培训",
}
NO_LEAD = "（未明确责任人）"
TOWN_LEVEL = "镇级"
TASK_KINDS = ("task", "milestone", "occurrence")


def rate(num: int, den: int) -> float | None:
    """num / den, or None when there is nothing to divide (the template prints 无)."""
    return num / den if den else None


def _id_key(record_id: str) -> tuple:
    # RW-2 before RW-10: compare digit groups as numbers
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in record_id.split("-"))


# ----------------------------------------------------------------------------- header


@dataclass(slots=True)
class PhaseInfo:
    name: str
    start: date
    end: date


@dataclass(slots=True)
class PlanInfo:
    title: str
    doc_no: str
    issued_on: date
    start: date
    end: date


@dataclass(slots=True)
class TownInfo:
    name: str
    county: str
    issuer: str  # who signs (落款): the town's people's government


def town_info(town: m.Town) -> TownInfo:
    return TownInfo(town.name, town.county, f"{town.name}人民政府")


def plan_info(town: m.Town) -> PlanInfo:
    p = town.plan
    return PlanInfo(p.title, p.doc_no, p.issued_on, p.start, p.end)


def phase_info(phase: m.Phase) -> PhaseInfo:
    return PhaseInfo(phase.name, phase.start, phase.end)


# ----------------------------------------------------------------------------- hazards


@dataclass(slots=True)
class HazardStats:
    """One row of a hazard statistics table (a village, a sector, a level, or the total)."""

    label: str
    found: int = 0
    closed: int = 0       # 已销号
    verifying: int = 0    # 已整改待验收
    open: int = 0         # 整改中未逾期
    overdue: int = 0      # 逾期未整改
    due_passed: int = 0   # deadline < D: the denominator of 按期整改率
    on_time: int = 0      # of those, rectified on or before the deadline
    open_major: int = 0   # stock at D: 重大 not closed
    legacy_open: int = 0  # stock at D: found before LEGACY_BEFORE, not closed

    JSON_DERIVED = ("rectified", "rectified_rate", "on_time_rate")

    @property
    def rectified(self) -> int:
        """已整改: closed or rectified awaiting verification."""
        return self.closed + self.verifying

    @property
    def rectified_rate(self) -> float | None:
        return rate(self.rectified, self.found)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.due_passed)

    def buckets(self) -> list[tuple[str, int]]:
        """(label, count) of the four buckets, in the order reports give them."""
        return [(HazardBucket.CLOSED.label, self.closed), (HazardBucket.RECTIFIED.label, self.verifying),
                (HazardBucket.OPEN.label, self.open), (HazardBucket.OVERDUE.label, self.overdue)]


_COUNTS = tuple(f.name for f in fields(HazardStats) if f.name != "label")
_BUCKET_FIELD = {HazardBucket.CLOSED: "closed", HazardBucket.RECTIFIED: "verifying", HazardBucket.OPEN: "open",
                 HazardBucket.OVERDUE: "overdue"}


def _count(row: HazardStats, h: m.Hazard, bucket: HazardBucket, as_of: date, since: date | None) -> None:
    """Count a hazard found by ``as_of`` and not voided, standing in ``bucket`` at ``as_of``."""
    is_open = bucket is not HazardBucket.CLOSED
    if is_open and h.level == "重大":
        row.open_major += 1
    if is_open and h.found_on < LEGACY_BEFORE:
        row.legacy_open += 1
    if since is not None and h.found_on < since:
        return
    row.found += 1
    name = _BUCKET_FIELD[bucket]
    setattr(row, name, getattr(row, name) + 1)
    deadline = h.rectification.deadline
    if deadline < as_of:
        row.due_passed += 1
        if h.rectified_on is not None and h.rectified_on <= deadline:
            row.on_time += 1


def hazard_stats(hazards: Iterable[tuple[str, m.Hazard]], *, as_of: date, since: date | None = None,
                 key: str, labels: Sequence[str] = (), keep_empty: bool = True,
                 buckets: Sequence[HazardBucket | None] | None = None) -> list[HazardStats]:
    """Hazard statistics grouped by ``key`` ('village' slug, 'sector' or 'level'), then a 合计 row.

    ``labels`` fixes the order of the groups (and, with ``keep_empty``, shows empty ones too);
    groups not in ``labels`` follow in sorted order. ``buckets``: ``deadlines.hazard_bucket`` of each
    hazard as of ``as_of``, in order, when the caller has them (a report groups the same hazards
    four ways).
    """
    rows: dict[str, HazardStats] = {lab: HazardStats(lab) for lab in labels}
    if buckets is None:
        triples = ((slug, h, deadlines.hazard_bucket(h, as_of)) for slug, h in hazards)
    else:
        triples = ((slug, h, b) for (slug, h), b in zip(hazards, buckets, strict=True))
    for slug, h, bucket in triples:
        if bucket is None:
            continue
        group = slug if key == "village" else getattr(h, key)
        row = rows.get(group)
        if row is None:
            row = rows[group] = HazardStats(group)
        _count(row, h, bucket, as_of, since)
    total = _total(rows.values())  # every hazard counts in exactly one row: the total is their sum
    order = {lab: i for i, lab in enumerate(labels)}
    out = sorted(rows.values(), key=lambda r: (order.get(r.label, len(order)), r.label))
    if not keep_empty:
        out = [r for r in out if r.found or r.open_major or r.legacy_open]
    return [*out, total]


def source_stats(hazards: Iterable[tuple[str, m.Hazard]], *, as_of: date, since: date | None = None,
                 buckets: Sequence[HazardBucket | None] | None = None) -> list[HazardStats]:
    """Hazard statistics by source, labelled as county tallies name them (部门检查, 企业自查 …), then 合计."""
    rows = hazard_stats(hazards, as_of=as_of, since=since, key="source", labels=list(sections.SOURCE_LABELS),
                        buckets=buckets)
    for r in rows[:-1]:
        r.label = sections.SOURCE_LABELS.get(r.label, r.label)
    return rows


def _total(rows: Iterable[HazardStats]) -> HazardStats:
    """A 合计 row: the sum of ``rows``, which must not count any hazard twice."""
    rows = list(rows)
    total = HazardStats("合计")
    for name in _COUNTS:
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return total


@dataclass(slots=True)
class MonthPoint:
    month: str          # YYYY-MM
    found: int = 0
    closed: int = 0
    open_major: int = 0  # at the end of the month (or at D for the last one)


def before_chart(found: int, months: Sequence[MonthPoint]) -> int:
    """Hazards counted in 累计发现 that the chart's bars leave out: found before its first month (the
    plan's start), 存量 entered from paper. The caption says so, so that the figures reconcile."""
    return max(found - sum(p.found for p in months), 0) if months else 0


def month_series(hazards: Sequence[m.Hazard], *, start: date, as_of: date) -> list[MonthPoint]:
    """Hazards found and closed per month from ``start``'s month to ``as_of``'s, and open 重大 at each month's end."""
    if start > as_of:
        return []
    points: list[MonthPoint] = []
    index: dict[tuple[int, int], MonthPoint] = {}
    y, mo = start.year, start.month
    while (y, mo) <= (as_of.year, as_of.month):
        p = MonthPoint(f"{y:04d}-{mo:02d}")
        points.append(p)
        index[(y, mo)] = p
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    majors = []
    for h in hazards:
        status = deadlines.hazard_status(h, as_of)
        if status is None or status is HazardStatus.VOID:
            continue
        p = index.get((h.found_on.year, h.found_on.month))
        if p is not None:
            p.found += 1
        if status is HazardStatus.CLOSED:
            assert h.closed_on is not None
            p = index.get((h.closed_on.year, h.closed_on.month))
            if p is not None:
                p.closed += 1
        if h.level == "重大":
            majors.append(h)
    for (yy, mm), p in index.items():
        end = min(date(yy, mm, calendar.monthrange(yy, mm)[1]), as_of)
        p.open_major = sum(1 for h in majors if deadlines.hazard_status(h, end) in _NOT_CLOSED)
    return points


_NOT_CLOSED = (HazardStatus.RECTIFYING, HazardStatus.RECTIFIED)


# ----------------------------------------------------------------------------- drills


@dataclass(slots=True)
class DrillRow:
    label: str
    per_year: list[int]
    participants: int = 0

    JSON_DERIVED = ("total",)

    @property
    def total(self) -> int:
        return sum(self.per_year)


@dataclass(slots=True)
class CoverageRow:
    """疏散逃生演练 coverage in one calendar year, in 家 (units)."""

    year: int
    owed: int
    covered: int

    JSON_DERIVED = ("missing", "rate")

    @property
    def rate(self) -> float | None:
        return rate(self.covered, self.owed)

    @property
    def missing(self) -> int:
        return self.owed - self.covered


def drills_by_village(ledger: Ledger, slugs: Sequence[str], years: Sequence[int], *, as_of: date,
                      since: date | None = None) -> list[DrillRow]:
    """Drills held (on or before ``as_of``, not voided) per village and calendar year, then 合计."""
    col = {y: i for i, y in enumerate(years)}
    rows = []
    total = DrillRow("合计", [0] * len(years))
    for slug in slugs:
        row = DrillRow(ledger.villages[slug].name, [0] * len(years))
        for d in ledger.villages[slug].drills:
            if d.void is not None or d.held_on is None or d.held_on > as_of:
                continue
            if since is not None and d.held_on < since or d.held_on.year not in col:
                continue
            for r in (row, total):
                r.per_year[col[d.held_on.year]] += 1
                r.participants += d.participants or 0
        rows.append(row)
    return [*rows, total]


def coverage_by_year(ledger: Ledger, slugs: Sequence[str], *, as_of: date) -> list[CoverageRow]:
    """Per plan year: units owing a 疏散逃生 drill, and how many held one (on or before ``as_of``)."""
    wanted = set(slugs)
    per: dict[int, CoverageRow] = {}
    for row in deadlines.coverage(ledger, as_of):
        if row.village not in wanted or not row.owed:
            continue
        c = per.setdefault(row.year, CoverageRow(row.year, 0, 0))
        c.owed += 1
        if row.held:
            c.covered += 1
    return [per[y] for y in sorted(per)]


# ----------------------------------------------------------------------------- tasks


@dataclass(slots=True)
class NoteSummary:
    """Progress notes of the same wording, summarised: the date range and how many times.

    A note written once reads as itself with its date; one written 156 times by 12 villages reads
    once, with its first and last date and the count.
    """

    text: str
    first: date
    last: date
    count: int
    villages: int  # how many villages wrote it (0: town-level tasks only)


@dataclass(slots=True)
class TaskRow:
    id: str
    title: str
    ref: str | None
    lead: str
    village: str | None
    status: TaskStatus
    label: str          # the status as shown: 已逾期（3期次）, 长期坚持（120天无进展）…
    occurrences: int    # recurring: how many times done (on or before D)
    missed: int         # recurring: periods missed (期次)
    is_self: bool       # this task is the report itself


@dataclass(slots=True)
class ActionBlock:
    number: int | None      # None: tasks not tied to an action
    name: str
    tasks: list[TaskRow]
    counts: list[tuple[str, int]]  # (status label, number) in TASK_STATUS_ORDER
    notes: list[NoteSummary]       # its tasks' progress notes, summarised, in date order


def _summarise_notes(entries: list[tuple[date, str, str | None]]) -> list[NoteSummary]:
    """(date, text, village slug) → one NoteSummary per distinct text, ordered by first date."""
    by_text: dict[str, NoteSummary] = {}
    villages: dict[str, set[str]] = defaultdict(set)
    for day, text, slug in entries:
        key = text.strip()
        s = by_text.get(key)
        if s is None:
            by_text[key] = NoteSummary(key, day, day, 1, 0)
        else:
            s.first, s.last, s.count = min(s.first, day), max(s.last, day), s.count + 1
        if slug is not None:
            villages[key].add(slug)
    for key, s in by_text.items():
        s.villages = len(villages[key])
    return sorted(by_text.values(), key=lambda s: (s.first, s.text))


def _task_row(task: m.Task, town: m.Town, village: str | None, lead: str, *, as_of: date,
              since: date | None, is_self: bool) -> TaskRow:
    status = deadlines.task_status(task, town, as_of)
    occ = sum(1 for o in task.occurrences if o.date <= as_of and (since is None or o.date >= since))
    missed = len(deadlines.missed_periods(task, town, as_of))
    stale_days = None
    if status is TaskStatus.ONGOING:
        last, _real = deadlines.last_progress(task, town, as_of)
        if last is not None and (as_of - last).days > deadlines.STALE_DAYS:
            stale_days = (as_of - last).days
    return TaskRow(task.id, task.title, task.ref, lead, village, status,
                   task_label(status, missed=missed, stale_days=stale_days), occ, missed, is_self)


def task_blocks(ledger: Ledger, *, as_of: date, since: date | None = None, village: str | None = None,
                is_self: Callable[[str | None, m.Task], bool] = lambda _s, _t: False) -> list[ActionBlock]:
    """Tasks grouped by the plan's action (in the plan's order), then those tied to no action."""
    town = ledger.town
    assert town is not None
    groups: dict[int | None, list[TaskRow]] = defaultdict(list)
    notes: dict[int | None, list[tuple[date, str, str | None]]] = defaultdict(list)
    for slug, task in ledger.all_tasks():
        if task.void is not None or task.shape is None:
            continue
        if village is not None and slug != village:
            continue  # as in deadlines.compute: a village's report leaves the town's tasks out
        vname = ledger.villages[slug].name if slug else None
        action = task.action if task.action in town.actions else None
        lead = "、".join(task.lead or task.owners) or NO_LEAD
        groups[action].append(_task_row(task, town, vname, lead, as_of=as_of, since=since,
                                        is_self=is_self(slug, task)))
        # Occurrences are counted, not quoted: their notes are mostly "已落实" and would drown the progress notes.
        notes[action].extend((p.date, p.note, slug) for p in task.progress
                             if p.date <= as_of and (since is None or p.date >= since) and p.note.strip())
    blocks = []
    for number in [*sorted(town.actions), None]:
        rows = sorted(groups.get(number, []), key=lambda r: _id_key(r.id))
        if number is None and not rows:
            continue
        counts = [(s.label, sum(1 for r in rows if r.status is s)) for s in TASK_STATUS_ORDER]
        blocks.append(ActionBlock(number, town.actions[number] if number is not None else "其他工作任务",
                                  rows, counts, _summarise_notes(notes.get(number, []))))
    return blocks


# ----------------------------------------------------------------------------- deadline findings


@dataclass(slots=True)
class ItemRow:
    """A deadline finding as reports show it: the village's name, the responsible person(s)."""

    key: str
    id: str
    kind: str
    kind_label: str
    title: str
    village: str
    due: date
    days: int
    lead: str
    major: bool  # a 重大 hazard


class Rows:
    """Builds ItemRows: the record index and village names looked up once, not per item."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.records = deadlines.record_index(ledger)
        self.names = {slug: v.name for slug, v in ledger.villages.items()}

    def village(self, slug: str | None) -> str:
        return self.names.get(slug or "", TOWN_LEVEL)

    def is_major(self, item: Any) -> bool:
        return item.kind == "hazard" and getattr(self.records.get(item.id), "level", None) == "重大"

    def lead(self, item: Any) -> list[str]:
        return deadlines.responsible(item, self.records)

    def row(self, item: Any) -> ItemRow:
        return ItemRow(item.key, item.id, item.kind, KIND_LABELS.get(item.kind, item.kind), item.title,
                       self.village(item.village), item.due, item.days, "、".join(self.lead(item)) or NO_LEAD,
                       self.is_major(item))

    def rows(self, items: Iterable[Any]) -> list[ItemRow]:
        return [self.row(it) for it in items]


@dataclass(slots=True)
class VillageCount:
    village: str
    count: int
    major: int
    first_due: date | None


def counts_by_village(rows: Rows, items: Sequence[Any]) -> list[VillageCount]:
    """Findings counted per village (in ledger order), with how many are 重大 and the earliest due."""
    by: dict[str, VillageCount] = {}
    for it in items:
        slug = it.village or ""
        vc = by.get(slug)
        if vc is None:
            vc = by[slug] = VillageCount(rows.village(it.village), 0, 0, None)
        vc.count += 1
        if rows.is_major(it):
            vc.major += 1
        if vc.first_due is None or it.due < vc.first_due:
            vc.first_due = it.due
    order = {s: i for i, s in enumerate(rows.ledger.villages)}
    return [by[s] for s in sorted(by, key=lambda s: (order.get(s, -1), s))]


@dataclass(slots=True)
class UnitRow:
    """A unit that owes something (a year's 疏散逃生演练, a quarter's 带队检查, its principal's training):
    the county asks which units, not only how many per village."""

    id: str
    name: str
    village: str
    principal: str
    due: date
    days: int          # days overdue at D (negative: days left)


def unit_rows(rows: Rows, items: Sequence[Any]) -> list[UnitRow]:
    """Unit findings (coverage, inspection, training) as UnitRows, by village (ledger order) then ID."""
    order = {s: i for i, s in enumerate(rows.ledger.villages)}
    out = []
    for it in sorted(items, key=lambda it: (order.get(it.village or "", -1), _id_key(it.id))):
        unit = rows.records.get(it.id)
        out.append(UnitRow(it.id, getattr(unit, "name", None) or it.title, rows.village(it.village),
                           "、".join(rows.lead(it)) or NO_LEAD, it.due, it.days))
    return out


@dataclass(slots=True)
class YearUnits:
    """Units that owe a year's 疏散逃生演练 and have not held it, per village (in 家) and one by one."""

    year: int
    units: int
    by_village: list[VillageCount]
    items: list[UnitRow]


def coverage_years(rows: Rows, items: Sequence[Any]) -> list[YearUnits]:
    per: dict[int, list[Any]] = defaultdict(list)
    for it in items:
        per[it.due.year].append(it)
    return [YearUnits(y, len(per[y]), counts_by_village(rows, per[y]), unit_rows(rows, per[y])) for y in sorted(per)]


@dataclass(slots=True)
class QuarterUnits:
    """Units that owe a quarter's 主要负责人带队检查 and have not made it, per village (in 家) and one by one."""

    quarter: str       # 2026Q3
    label: str         # 2026年第3季度
    units: int
    by_village: list[VillageCount]
    items: list[UnitRow]


def quarter_units(rows: Rows, items: Sequence[Any]) -> list[QuarterUnits]:
    """Inspection coverage findings (kind ``inspection``) grouped by their quarter, oldest first."""
    per: dict[date, list[Any]] = defaultdict(list)
    for it in items:
        per[it.due].append(it)
    out = []
    for due in sorted(per):
        q = deadlines.quarter_of(due)
        out.append(QuarterUnits(q.key_suffix[1:], q.label, len(per[due]), counts_by_village(rows, per[due]),
                                unit_rows(rows, per[due])))
    return out


@dataclass(slots=True)
class StaleRow:
    """An ongoing (长期坚持) task without progress for longer than deadlines.STALE_DAYS."""

    id: str
    title: str
    village: str
    lead: str
    last: date | None  # its latest progress entry; None: none recorded yet (counted from its start)
    days: int          # days since ``last`` (or since the start it is counted from)


@dataclass(slots=True)
class TaskProblems:
    """Tasks past their due dates, counted once each, with the periods and milestones behind them."""

    tasks: int            # tasks with at least one overdue item (each counted once)
    one_off: int          # one-off tasks overdue
    milestone_tasks: int  # tasks with overdue milestones
    milestones: int       # overdue milestones
    recurring_tasks: int  # recurring tasks with missed periods
    periods: int          # missed periods (期次)
    items: list[ItemRow]  # every overdue task, milestone and period, by due date


def task_problems(rows: Rows, items: Sequence[Any]) -> TaskProblems:
    kinds = {"task": set(), "milestone": set(), "occurrence": set()}
    for it in items:
        kinds[it.kind].add(it.id)
    return TaskProblems(
        tasks=len(set().union(*kinds.values())), one_off=len(kinds["task"]),
        milestone_tasks=len(kinds["milestone"]), milestones=sum(1 for it in items if it.kind == "milestone"),
        recurring_tasks=len(kinds["occurrence"]), periods=sum(1 for it in items if it.kind == "occurrence"),
        items=rows.rows(items))


@dataclass(slots=True)
class Problems:
    """三、存在的问题: what is overdue, missed or stale at D (the report's own task left out)."""

    tasks: TaskProblems
    hazards: int                      # 逾期未整改
    hazards_major: list[ItemRow]      # of which 重大, one by one
    hazards_by_village: list[VillageCount]
    hazard_items: list[ItemRow]       # every overdue hazard (附件)
    drills: list[ItemRow]             # planned drills not held
    coverage: list[YearUnits]         # units that missed a past year's 疏散逃生演练, per year (家)
    stale: list[StaleRow]
    stale_never: int                  # of which with no progress recorded at all
    awaiting: int                     # rectified > CLOSURE_DAYS ago, not closed
    awaiting_by_village: list[VillageCount]
    awaiting_items: list[ItemRow]
    inspections: list[QuarterUnits]   # units that missed a past quarter's 主要负责人带队检查, per quarter (家)
    inspection_units: int             # distinct units with at least one missed quarter (家)
    inspection_items: list[ItemRow]   # every missed unit-quarter (家次), by due date (附件)
    trainings: list[ItemRow]          # units whose principal was not trained within the plan (after its end)
    trainings_by_village: list[VillageCount]

    JSON_DERIVED = ("total",)

    @property
    def total(self) -> int:
        """Every item of ``hjp overdue``'s overdue, stale and awaiting_closure lists (less the report itself)."""
        return (len(self.tasks.items) + self.hazards + len(self.drills) + sum(c.units for c in self.coverage)
                + len(self.stale) + self.awaiting + sum(q.units for q in self.inspections) + len(self.trainings))


@dataclass(slots=True)
class Upcoming:
    """四、下一步工作打算: what is still open at D and when it falls due, up to the horizon."""

    horizon: date
    tasks: list[ItemRow]              # tasks, milestones, recurring periods, planned drills due by the horizon
    hazards: int                      # every hazard 整改中未逾期, whatever its deadline
    hazards_major: int
    hazards_after: int                # of which due after the horizon (the plan's end)
    hazards_by_village: list[VillageCount]
    hazard_items: list[ItemRow]       # every hazard 整改中未逾期, by deadline (附件)
    coverage: list[YearUnits]         # units still owing the current year's 疏散逃生演练 (家)
    inspections: list[QuarterUnits]   # units still owing a quarter's 主要负责人带队检查 due by the horizon (家)
    trainings: int                    # units whose principal is still to be trained within the plan (家)
    trainings_by_village: list[VillageCount]
    training_items: list[UnitRow]     # those units one by one (附件)


def _stale_rows(rows: Rows, items: Sequence[Any], town: m.Town, as_of: date) -> list[StaleRow]:
    out = []
    for it in items:
        task = rows.records.get(it.id)
        last, real = deadlines.last_progress(task, town, as_of) if task is not None else (None, False)
        days = (as_of - last).days if last is not None else it.days + deadlines.STALE_DAYS
        out.append(StaleRow(it.id, it.title, rows.village(it.village), "、".join(rows.lead(it)) or NO_LEAD,
                            last if real else None, days))
    return out


def problems(rows: Rows, findings: deadlines.Findings, town: m.Town, skip: set[str]) -> Problems:
    overdue = [it for it in findings.overdue if it.id not in skip]
    hz = [it for it in overdue if it.kind == "hazard"]
    stale = _stale_rows(rows, [it for it in findings.stale if it.id not in skip], town, findings.as_of)
    return Problems(
        tasks=task_problems(rows, [it for it in overdue if it.kind in TASK_KINDS]),
        hazards=len(hz), hazards_major=[r for r in rows.rows(hz) if r.major],
        hazards_by_village=counts_by_village(rows, hz), hazard_items=rows.rows(hz),
        drills=rows.rows([it for it in overdue if it.kind == "drill"]),
        coverage=coverage_years(rows, [it for it in overdue if it.kind == "coverage"]),
        stale=stale, stale_never=sum(1 for s in stale if s.last is None),
        awaiting=len(findings.awaiting_closure), awaiting_by_village=counts_by_village(rows, findings.awaiting_closure),
        awaiting_items=rows.rows(findings.awaiting_closure),
        inspections=quarter_units(rows, [it for it in overdue if it.kind == "inspection"]),
        inspection_units=len({it.id for it in overdue if it.kind == "inspection"}),
        inspection_items=rows.rows([it for it in overdue if it.kind == "inspection"]),
        trainings=rows.rows(trained := [it for it in overdue if it.kind == "training"]),
        trainings_by_village=counts_by_village(rows, trained),
    )


def upcoming(rows: Rows, findings: deadlines.Findings, open_hazards: list[Any], horizon: date,
             skip: set[str]) -> Upcoming:
    soon = [it for it in findings.due_soon if it.id not in skip]
    return Upcoming(
        horizon=horizon,
        tasks=rows.rows([it for it in soon if it.kind in (*TASK_KINDS, "drill")]),
        hazards=len(open_hazards), hazards_major=sum(1 for it in open_hazards if rows.is_major(it)),
        hazards_after=sum(1 for it in open_hazards if it.due > horizon),
        hazards_by_village=counts_by_village(rows, open_hazards),
        hazard_items=rows.rows(open_hazards),
        coverage=coverage_years(rows, [it for it in soon if it.kind == "coverage"]),
        inspections=quarter_units(rows, [it for it in soon if it.kind == "inspection"]),
        trainings=len(untrained := [it for it in soon if it.kind == "training"]),
        trainings_by_village=counts_by_village(rows, untrained),
        training_items=unit_rows(rows, untrained),
    )


# ----------------------------------------------------------------------------- the reports


@dataclass(slots=True)
class Scope:
    """What the report covers at D."""

    villages: int         # 行政村
    units: int            # 在营生产经营单位 (operating at D, not voided)
    village: str | None   # the village's name when the report is one village's


@dataclass(slots=True)
class HazardSection:
    """隐患排查治理: buckets, rates, the three breakdowns and the monthly series."""

    total: HazardStats            # the 合计 row (buckets, rates, stock)
    major: HazardStats            # the 重大 row
    by_level: list[HazardStats]
    by_village: list[HazardStats]
    by_sector: list[HazardStats]
    by_source: list[HazardStats]  # 部门检查/企业自查/举报/督查/其他 (the county's names for the sources)
    months: list[MonthPoint]
    majors: sections.MajorSection  # 重大隐患 动态清零
    before_chart: int = 0          # counted in total.found but found before the chart's first month (存量)


@dataclass(slots=True)
class TaskSection:
    total: int
    counts: list[tuple[str, int]]  # (status label, number) in TASK_STATUS_ORDER; each task once
    recurring_overdue: int         # recurring tasks with missed periods
    missed_periods: int            # their missed periods (期次)
    actions: list[ActionBlock]


@dataclass(slots=True)
class DrillSection:
    held: int
    participants: int
    years: list[int]
    by_village: list[DrillRow]
    coverage: list[CoverageRow]


@dataclass(slots=True)
class Attachment:
    number: int
    title: str


@dataclass(frozen=True)
class UnreadFile:
    """A ledger file the report could not read at all (--allow-errors): its records are all missing."""

    path: str                 # as hjp validate shows it
    label: str                # 北峁村隐患台账
    records: int | None       # how many records it holds (IDs in its text); None: cannot be counted
    emptied: bool = False     # emptied or deleted since the last commit (HJP221), not unreadable


@dataclass(frozen=True)
class LeftOut:
    """What a report made with --allow-errors leaves out: records in all, and the files dropped whole."""

    records: int = 0
    files: tuple[UnreadFile, ...] = ()
    uncounted: bool = False   # some file's records could not be counted: ``records`` is a lower bound


@dataclass
class Summary:
    """自查总结报告 (whole plan) or 阶段工作总结 (one phase): the body's figures and the 附件's tables.

    Sections are separate dataclasses so that a new one (issue 12: inspections, trainings, unit
    grades) is a new field and a new template part, without touching these.
    """

    report: str                   # self-check | phase
    town: TownInfo
    plan: PlanInfo
    phases: list[PhaseInfo]
    as_of: date                   # the date asked for
    date: date                    # D: the date figures are taken at (as_of, or the phase's end)
    start: date                   # the period reported on
    end: date
    phase: PhaseInfo | None
    scope: Scope
    hazards: HazardSection
    tasks: TaskSection
    drills: DrillSection
    inspections: sections.InspectionSection
    trainings: sections.TrainingSection
    units: sections.UnitSection
    problems: Problems
    upcoming: Upcoming
    self_tasks: list[str]         # the report's own task(s): never listed as outstanding work
    attachments: list[Attachment]
    issuer: str                   # who signs (落款): the town's government, or the village's committee
    left_out: int = 0             # records not counted because of validation errors (--allow-errors)
    unread_files: list[UnreadFile] = field(default_factory=list)  # files left out whole (--allow-errors)
    left_out_uncounted: bool = False  # some of them could not be counted: left_out is a lower bound
    stale_days: int = deadlines.STALE_DAYS      # an ongoing task without progress this long is 长期未更新
    closure_days: int = deadlines.CLOSURE_DAYS  # a rectified hazard not closed this long is 待销号


def _slugs(ledger: Ledger, village: str | None) -> list[str]:
    return [village] if village is not None else list(ledger.villages)


def self_task_matcher(report: str, *, phase: m.Phase | None, village: str | None
                      ) -> Callable[[str | None, m.Task], bool]:
    """Which task is the report being written (so that it never lists itself as work to do).

    The ledger format has no field for it: the town's 自查总结报告 task is the town-level task whose
    title names 自查总结报告; a village's, that village's task naming 自查 and 报告; a phase summary's,
    the task naming the phase and 总结.
    """
    def match(slug: str | None, task: m.Task) -> bool:
        if slug != village:
            return False
        t = task.title
        if report == "phase":
            return phase is not None and phase.name in t and "总结" in t
        if village is None:
            return "自查总结报告" in t
        return "自查" in t and "报告" in t

    return match


ATTACHMENTS = ("各项任务落实情况表", "隐患排查治理情况统计表", "应急演练开展情况统计表",
               "检查和培训情况统计表", "逾期未完成事项清单", "下一步需完成事项清单")


def summary(ledger: Ledger, *, as_of: date, phase: m.Phase | None = None, village: str | None = None,
            on_months: Callable[[list[MonthPoint]], None] | None = None, left_out: int = 0) -> Summary:
    """The view-model of the self-check report (whole plan) or of one phase's summary.

    ``on_months`` gets the chart's monthly series as soon as it is known, before the rest is computed
    (the CLI draws the chart in another process meanwhile).
    """
    town = ledger.town
    assert town is not None
    plan = town.plan
    start, end = (phase.start, phase.end) if phase else (plan.start, plan.end)
    d = min(as_of, end)
    # A phase counts what happened in it; the whole-plan report counts everything up to D,
    # including 存量 found before the plan began.
    since = phase.start if phase else None
    slugs = _slugs(ledger, village)
    hazards = [(s, h) for s in slugs for h in ledger.villages[s].hazards]
    months = month_series([h for _, h in hazards], start=start, as_of=d)
    if on_months is not None:
        on_months(months)
    buckets = [deadlines.hazard_bucket(h, d) for _, h in hazards]
    by_village = hazard_stats(hazards, as_of=d, since=since, key="village", labels=slugs, buckets=buckets)
    for row in by_village[:-1]:
        row.label = ledger.villages[row.label].name
    by_sector = hazard_stats(hazards, as_of=d, since=since, key="sector", labels=town.sectors, keep_empty=False,
                             buckets=buckets)
    by_level = hazard_stats(hazards, as_of=d, since=since, key="level", labels=LEVELS, buckets=buckets)
    by_source = source_stats(hazards, as_of=d, since=since, buckets=buckets)
    years = list(range(start.year, d.year + 1)) if start <= d else []
    drills = drills_by_village(ledger, slugs, years, as_of=d, since=since)
    coverage = [c for c in coverage_by_year(ledger, slugs, as_of=d) if c.year in years]

    report = "phase" if phase else "self-check"
    is_self = self_task_matcher(report, phase=phase, village=village)
    actions = task_blocks(ledger, as_of=d, since=since, village=village, is_self=is_self)
    all_rows = [t for b in actions for t in b.tasks]
    skip = {t.id for t in all_rows if t.is_self}

    horizon = max(plan.end, d)
    # One pass: ``within`` only widens due_soon; overdue, stale and awaiting_closure do not depend on it.
    ahead = deadlines.compute(ledger, as_of=d, within=(horizon - d).days, village=village)
    rows = Rows(ledger)
    open_hazards = [deadlines.Item(h.id, h.id, "hazard", h.title, s, h.rectification.deadline,
                                   (d - h.rectification.deadline).days, [h.rectification.owner])
                    for (s, h), b in zip(hazards, buckets) if b is HazardBucket.OPEN]
    open_hazards.sort(key=lambda it: (it.due, it.key))
    units = sum(1 for s in slugs for u in ledger.villages[s].units if u.void is None and deadlines.operating(u, d, d))
    prob = problems(rows, ahead, town, skip)
    return Summary(
        report=report, town=town_info(town), plan=plan_info(town), phases=[phase_info(p) for p in town.phases],
        as_of=as_of, date=d, start=start, end=end, phase=phase_info(phase) if phase else None,
        scope=Scope(len(slugs), units, ledger.villages[village].name if village else None),
        hazards=HazardSection(total=by_level[-1], major=next(r for r in by_level if r.label == "重大"),
                              by_level=by_level, by_village=by_village, by_sector=by_sector, by_source=by_source,
                              months=months, majors=sections.major_section(
                                  ledger, slugs, since=since, d=d,
                                  state=lambda h, b: hazard_state_label(h, b, d)),
                              before_chart=before_chart(by_level[-1].found, months)),
        tasks=TaskSection(total=len(all_rows),
                          counts=[(s.label, sum(1 for t in all_rows if t.status is s)) for s in TASK_STATUS_ORDER],
                          recurring_overdue=prob.tasks.recurring_tasks, missed_periods=prob.tasks.periods,
                          actions=actions),
        drills=DrillSection(held=drills[-1].total, participants=drills[-1].participants, years=years,
                            by_village=drills, coverage=coverage),
        inspections=sections.inspection_section(ledger, slugs, since=since, d=d),
        trainings=sections.training_section(ledger, slugs, since=since, d=d, village=village),
        units=sections.unit_section(ledger, slugs, d=d),
        problems=prob, upcoming=upcoming(rows, ahead, open_hazards, horizon, skip),
        self_tasks=sorted(skip, key=_id_key),
        attachments=[Attachment(i, t) for i, t in enumerate(ATTACHMENTS, 1)],
        issuer=f"{ledger.villages[village].name}村民委员会" if village else town_info(town).issuer,
        left_out=left_out,
    )


# ----------------------------------------------------------------------------- 隐患排查治理台账


@dataclass(slots=True)
class Rectify:
    """整改“五定” as the register shows it."""

    owner: str
    measures: str | None
    funds: float | None
    deadline: date
    contingency: str | None


@dataclass(slots=True)
class HazardRow:
    id: str
    title: str
    location: str | None
    unit: str | None              # the unit's name when known
    sector: str
    level: str
    source: str
    found_on: date
    five: Rectify
    supervision: str | None
    rectified_on: date | None     # only when on or before D
    verified_by: str | None
    closed_on: date | None
    bucket: HazardBucket
    status: str                   # the one wording: 整改中, 逾期未整改（N天）, 已整改待验收, 已销号…


@dataclass(slots=True)
class VillageHazards:
    slug: str
    name: str
    rows: list[HazardRow]
    stats: HazardStats


@dataclass
class Register:
    """隐患排查治理台账: every hazard found by D, per village."""

    town: TownInfo
    as_of: date
    village: str | None
    villages: list[VillageHazards]
    voided: int
    total: HazardStats
    months: list[MonthPoint]
    by_source: list[HazardStats]               # 部门检查/企业自查/举报/督查/其他, then 合计
    majors: sections.MajorSection              # 重大隐患 动态清零
    inspections: sections.InspectionSection    # 检查企业N家次 (and the hazards they found)
    trainings: sections.TrainingSection        # 培训N次、N人次，其中负责人N人次
    before_chart: int = 0                      # found before the chart's first month (存量), not in its bars
    left_out: int = 0
    unread_files: list[UnreadFile] = field(default_factory=list)
    left_out_uncounted: bool = False


def _upto(d: date | None, as_of: date) -> date | None:
    return d if d is not None and d <= as_of else None


def hazard_state_label(h: m.Hazard, bucket: HazardBucket, as_of: date) -> str:
    """The register's, the 督办清单's and the report's wording of one hazard's state at ``as_of``."""
    due = deadlines.closure_due(h)
    return hazard_label(bucket, days=(as_of - h.rectification.deadline).days,
                        awaiting_days=(as_of - due).days if due is not None and bucket is HazardBucket.RECTIFIED
                        else 0)


def register(ledger: Ledger, *, as_of: date, village: str | None = None, left_out: int = 0) -> Register:
    town = ledger.town
    assert town is not None
    blocks = []
    voided = 0
    everything = []
    for slug in _slugs(ledger, village):
        vl = ledger.villages[slug]
        units = {u.id: u.name for u in vl.units}
        rows = []
        stats = HazardStats("合计")
        for h in sorted(vl.hazards, key=lambda h: (h.found_on, _id_key(h.id))):
            if h.found_on > as_of:
                continue
            bucket = deadlines.hazard_bucket(h, as_of)
            if bucket is None:
                voided += 1
                continue
            everything.append(h)
            _count(stats, h, bucket, as_of, None)
            r = h.rectification
            rows.append(HazardRow(
                id=h.id, title=h.title, location=h.location, unit=units.get(h.unit or "", h.unit),
                sector=h.sector, level=h.level, source=h.source, found_on=h.found_on,
                five=Rectify(r.owner, r.measures, r.funds, r.deadline, r.contingency),
                supervision=h.supervision.level if h.supervision else None,
                rectified_on=_upto(h.rectified_on, as_of),
                verified_by=h.verified_by if _upto(h.closed_on, as_of) else None,
                closed_on=_upto(h.closed_on, as_of), bucket=bucket,
                status=hazard_state_label(h, bucket, as_of),
            ))
        blocks.append(VillageHazards(slug, vl.name, rows, stats))
    slugs = _slugs(ledger, village)
    hazards = [(slug, h) for slug in slugs for h in ledger.villages[slug].hazards]
    total = _total(b.stats for b in blocks)
    months = month_series(everything, start=town.plan.start, as_of=as_of)
    return Register(
        town=town_info(town), as_of=as_of, village=ledger.villages[village].name if village else None,
        villages=blocks, voided=voided, total=total, before_chart=before_chart(total.found, months),
        months=months,
        by_source=source_stats(hazards, as_of=as_of),
        majors=sections.major_section(ledger, slugs, since=None, d=as_of,
                                      state=lambda h, b: hazard_state_label(h, b, as_of)),
        inspections=sections.inspection_section(ledger, slugs, since=None, d=as_of),
        trainings=sections.training_section(ledger, slugs, since=None, d=as_of, village=village),
        left_out=left_out)


# ----------------------------------------------------------------------------- 逾期事项督办清单


@dataclass(slots=True)
class PersonGroup:
    person: str
    items: list[ItemRow]

    JSON_DERIVED = ("max_days",)

    @property
    def max_days(self) -> int:
        return max(i.days for i in self.items)


@dataclass
class OverdueList:
    """逾期事项督办清单: overdue items per responsible person, most overdue first."""

    town: TownInfo
    as_of: date
    village: str | None
    total: int
    by_kind: list[tuple[str, int]]
    groups: list[PersonGroup] = field(default_factory=list)
    left_out: int = 0
    unread_files: list[UnreadFile] = field(default_factory=list)
    left_out_uncounted: bool = False


def overdue_list(ledger: Ledger, *, as_of: date, village: str | None = None, left_out: int = 0) -> OverdueList:
    """An item with several responsible persons appears under each of them; ``total`` counts it once.

    Responsibility falls back as in ``deadlines.responsible`` (lead → owners → the unit's principal
    → the drill's organizer) before 未明确责任人.
    """
    town = ledger.town
    assert town is not None
    items = deadlines.compute(ledger, as_of=as_of, village=village).overdue
    rows = Rows(ledger)
    per: dict[str, list[ItemRow]] = defaultdict(list)
    for it in items:
        row = rows.row(it)
        for person in rows.lead(it) or [NO_LEAD]:
            per[person].append(row)
    groups = [PersonGroup(p, sorted(v, key=lambda r: (-r.days, _id_key(r.id), r.key)))
              for p, v in per.items()]
    groups.sort(key=lambda g: (g.person == NO_LEAD, -len(g.items), -g.max_days, g.person))
    kinds = [(label, sum(1 for it in items if it.kind == k)) for k, label in KIND_LABELS.items()]
    return OverdueList(town_info(town), as_of, ledger.villages[village].name if village else None, len(items),
                       [(lab, n) for lab, n in kinds if n], groups, left_out)
