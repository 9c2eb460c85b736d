"""View-models of the reports: every figure computed, sorted and ready for a template.

Templates hold wording and layout only; everything countable is counted here, from the ledger and
the deadline engine (``hjp.deadlines``), so that each statistic is tested on its own and the reports
agree with ``hjp overdue`` for the same ``as_of``. Nothing here writes prose: text a person must
write comes from the ledger's progress notes, or stays a blank the template marks for the clerk.
``reporter`` (举报人) is never copied into any view-model (DESIGN §7).

Definitions (for a period [start, end] evaluated at D = min(as_of, end)):
- found: hazards found in the period on or before D (voided ones never count);
- rectified / closed: of those, rectified / closed on or before D;
- 整改率 = rectified / found;
- 按期整改率 = rectified on or before their deadline / those whose deadline has passed (deadline < D);
- open 重大 and 存量 (found before 2025-01-01) still open are stock figures at D over all hazards,
  whatever the period: "open" means not closed (销号) by D — 动态清零 counts 销号, not 整改完成.
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

LEGACY_BEFORE = date(2025, 1, 1)  # 存量隐患: found before 2025 (the plan's first full year)
LEVELS = ("一般", "重大")
TASK_STATES = ("已完成", "未到期", "已逾期", "长期坚持")
KIND_LABELS = {
    "hazard": "隐患整改", "task": "任务", "milestone": "阶段目标", "occurrence": "周期性任务",
    "drill": "演练", "coverage": "疏散逃生演练",
}
NO_LEAD = "（未明确责任人）"
OPEN = ("整改中", "已整改待验收")  # hazard_status of a hazard not closed (销号): what 动态清零 counts


def rate(num: int, den: int) -> float | None:
    """num / den, or None when there is nothing to divide (the template prints 无)."""
    return num / den if den else None


# ----------------------------------------------------------------------------- hazards


@dataclass(slots=True)
class HazardStats:
    """One row of a hazard statistics table (a village, a sector, a level, or the total)."""

    label: str
    found: int = 0
    rectified: int = 0
    closed: int = 0
    due_passed: int = 0
    on_time: int = 0
    open_major: int = 0
    legacy_open: int = 0

    @property
    def rectified_rate(self) -> float | None:
        return rate(self.rectified, self.found)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.due_passed)

    @property
    def open(self) -> int:
        return self.found - self.closed


_COUNTS = tuple(f.name for f in fields(HazardStats) if f.name != "label")


def _add_hazard(row: HazardStats, h: m.Hazard, as_of: date, since: date | None) -> None:
    status = deadlines.hazard_status(h, as_of)
    if status is not None and status != "已作废":
        _count(row, h, status, as_of, since)


def _count(row: HazardStats, h: m.Hazard, status: str, as_of: date, since: date | None) -> None:
    """Count a hazard found by ``as_of`` and not voided, whose ``hazard_status`` is ``status``."""
    is_open = status in OPEN
    if is_open and h.level == "重大":
        row.open_major += 1
    if is_open and h.found_on < LEGACY_BEFORE:
        row.legacy_open += 1
    if since is not None and h.found_on < since:
        return
    row.found += 1
    if status in ("已整改待验收", "已销号"):
        row.rectified += 1
    if status == "已销号":
        row.closed += 1
    deadline = h.rectification.deadline
    if deadline < as_of:
        row.due_passed += 1
        if h.rectified_on is not None and h.rectified_on <= deadline:
            row.on_time += 1


def hazard_stats(hazards: Iterable[tuple[str, m.Hazard]], *, as_of: date, since: date | None = None,
                 key: str, labels: Sequence[str] = (), keep_empty: bool = True) -> list[HazardStats]:
    """Hazard statistics grouped by ``key`` ('village' slug, 'sector' or 'level'), then a 合计 row.

    ``labels`` fixes the order of the groups (and, with ``keep_empty``, shows empty ones too);
    groups not in ``labels`` follow in sorted order.
    """
    rows: dict[str, HazardStats] = {lab: HazardStats(lab) for lab in labels}
    for slug, h in hazards:
        group = slug if key == "village" else getattr(h, key)
        row = rows.get(group)
        if row is None:
            row = rows[group] = HazardStats(group)
        _add_hazard(row, h, as_of, since)
    total = _total(rows.values())  # every hazard counts in exactly one row: the total is their sum
    order = {lab: i for i, lab in enumerate(labels)}
    out = sorted(rows.values(), key=lambda r: (order.get(r.label, len(order)), r.label))
    if not keep_empty:
        out = [r for r in out if r.found or r.open_major or r.legacy_open]
    return [*out, total]


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
        if status is None or status == "已作废":
            continue
        p = index.get((h.found_on.year, h.found_on.month))
        if p is not None:
            p.found += 1
        if status == "已销号":
            assert h.closed_on is not None
            p = index.get((h.closed_on.year, h.closed_on.month))
            if p is not None:
                p.closed += 1
        if h.level == "重大":
            majors.append(h)
    for (yy, mm), p in index.items():
        end = min(date(yy, mm, calendar.monthrange(yy, mm)[1]), as_of)
        p.open_major = sum(1 for h in majors if deadlines.hazard_status(h, end) in OPEN)
    return points


# ----------------------------------------------------------------------------- drills


@dataclass(slots=True)
class DrillRow:
    label: str
    per_year: list[int]
    participants: int = 0

    @property
    def total(self) -> int:
        return sum(self.per_year)


@dataclass(slots=True)
class CoverageRow:
    year: int
    owed: int
    covered: int

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
class Note:
    date: date
    text: str


@dataclass(slots=True)
class TaskRow:
    id: str
    title: str
    ref: str | None
    lead: str
    village: str | None
    state: str
    notes: list[Note]
    occurrences: int


@dataclass(slots=True)
class ActionBlock:
    number: int | None      # None: tasks not tied to an action
    name: str
    tasks: list[TaskRow]
    counts: dict[str, int]  # state -> number, in TASK_STATES order

    @property
    def has_notes(self) -> bool:
        return any(t.notes for t in self.tasks)


def _task_row(task: m.Task, town: m.Town, village: str | None, *, as_of: date, since: date | None) -> TaskRow:
    notes = [Note(p.date, p.note) for p in task.progress
             if p.date <= as_of and (since is None or p.date >= since)]
    # Occurrences are counted, not quoted: their notes are mostly "已落实" and would drown the progress notes.
    notes.sort(key=lambda n: n.date)
    occ = sum(1 for o in task.occurrences if o.date <= as_of and (since is None or o.date >= since))
    return TaskRow(task.id, task.title, task.ref, "、".join(task.lead) or NO_LEAD, village,
                   deadlines.task_status(task, town, as_of), notes, occ)


def _id_key(record_id: str) -> tuple:
    # RW-2 before RW-10: compare digit groups as numbers
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in record_id.split("-"))


def task_blocks(ledger: Ledger, *, as_of: date, since: date | None = None,
                village: str | None = None) -> list[ActionBlock]:
    """Tasks grouped by the plan's action (in the plan's order), then those tied to no action."""
    town = ledger.town
    assert town is not None
    groups: dict[int | None, list[TaskRow]] = defaultdict(list)
    for slug, task in ledger.all_tasks():
        if task.void is not None or task.shape is None:
            continue
        if village is not None and slug != village:
            continue  # as in deadlines.compute: a village's report leaves the town's tasks out
        vname = ledger.villages[slug].name if slug else None
        action = task.action if task.action in town.actions else None
        groups[action].append(_task_row(task, town, vname, as_of=as_of, since=since))
    blocks = []
    for number in [*sorted(town.actions), None]:
        rows = sorted(groups.get(number, []), key=lambda r: _id_key(r.id))
        if number is None and not rows:
            continue
        counts = {s: sum(1 for r in rows if r.state == s) for s in TASK_STATES}
        blocks.append(ActionBlock(number, town.actions[number] if number is not None else "其他工作任务",
                                  rows, counts))
    return blocks


# ----------------------------------------------------------------------------- deadline findings


@dataclass(slots=True)
class ItemRow:
    """A deadline finding, with the village's name instead of its slug."""

    key: str
    id: str
    kind: str
    kind_label: str
    title: str
    village: str
    due: date
    days: int
    lead: str


def item_rows(ledger: Ledger, items: Iterable[Any]) -> list[ItemRow]:
    out = []
    for it in items:
        vname = ledger.villages[it.village].name if it.village in ledger.villages else "镇级"
        out.append(ItemRow(it.key, it.id, it.kind, KIND_LABELS.get(it.kind, it.kind), it.title, vname,
                           it.due, it.days, "、".join(it.lead) or NO_LEAD))
    return out


@dataclass(slots=True)
class VillageCount:
    village: str
    count: int
    major: int
    first_due: date | None


def hazard_counts_by_village(ledger: Ledger, items: Sequence[Any]) -> list[VillageCount]:
    """Hazard findings counted per village (in ledger order), with how many are 重大 and the earliest due."""
    by: dict[str, VillageCount] = {}
    for it in items:
        slug = it.village or ""
        vc = by.get(slug)
        if vc is None:
            vname = ledger.villages[slug].name if slug in ledger.villages else "镇级"
            vc = by[slug] = VillageCount(vname, 0, 0, None)
        vc.count += 1
        rec = ledger.record(it.id)
        if rec is not None and getattr(rec, "level", None) == "重大":
            vc.major += 1
        if vc.first_due is None or it.due < vc.first_due:
            vc.first_due = it.due
    order = {s: i for i, s in enumerate(ledger.villages)}
    return [by[s] for s in sorted(by, key=lambda s: (order.get(s, -1), s))]


def _major(ledger: Ledger, items: Iterable[Any]) -> list[Any]:
    return [it for it in items if getattr(ledger.record(it.id), "level", None) == "重大"]


@dataclass(slots=True)
class Problems:
    """三、存在的问题: what is overdue, missed or stale at D."""

    tasks: list[ItemRow]              # overdue tasks, milestones and recurring periods
    hazards: list[VillageCount]       # overdue hazard rectifications per village
    hazards_total: int
    major_hazards: list[ItemRow]      # overdue 重大 hazards, one by one
    drills: list[ItemRow]             # planned drills not held
    coverage: list[VillageCount]      # units that missed their yearly 疏散逃生 drill, per village
    coverage_total: int
    stale: list[ItemRow]              # ongoing tasks with no progress for 90 days
    awaiting: list[VillageCount]      # rectified > 30 days ago, not closed
    awaiting_total: int

    @property
    def total(self) -> int:
        return (len(self.tasks) + self.hazards_total + len(self.drills) + self.coverage_total
                + len(self.stale) + self.awaiting_total)


@dataclass(slots=True)
class Upcoming:
    """四、下一步工作打算: open items and their due dates, from D to the horizon."""

    horizon: date
    tasks: list[ItemRow]              # tasks, milestones, recurring periods, planned drills
    hazards: list[VillageCount]       # open hazards still within their deadline, per village
    hazards_total: int
    major_hazards: list[ItemRow]
    coverage: list[VillageCount]      # units still owing this year's 疏散逃生 drill
    coverage_total: int


TASK_KINDS = ("task", "milestone", "occurrence")


def problems(ledger: Ledger, findings: Any) -> Problems:
    overdue = findings.overdue
    hz = [it for it in overdue if it.kind == "hazard"]
    cov = [it for it in overdue if it.kind == "coverage"]
    return Problems(
        tasks=item_rows(ledger, [it for it in overdue if it.kind in TASK_KINDS]),
        hazards=hazard_counts_by_village(ledger, hz), hazards_total=len(hz),
        major_hazards=item_rows(ledger, _major(ledger, hz)),
        drills=item_rows(ledger, [it for it in overdue if it.kind == "drill"]),
        coverage=hazard_counts_by_village(ledger, cov), coverage_total=len(cov),
        stale=item_rows(ledger, findings.stale),
        awaiting=hazard_counts_by_village(ledger, findings.awaiting_closure),
        awaiting_total=len(findings.awaiting_closure),
    )


def upcoming(ledger: Ledger, findings: Any, horizon: date) -> Upcoming:
    soon = findings.due_soon
    hz = [it for it in soon if it.kind == "hazard"]
    cov = [it for it in soon if it.kind == "coverage"]
    return Upcoming(
        horizon=horizon,
        tasks=item_rows(ledger, [it for it in soon if it.kind in (*TASK_KINDS, "drill")]),
        hazards=hazard_counts_by_village(ledger, hz), hazards_total=len(hz),
        major_hazards=item_rows(ledger, _major(ledger, hz)),
        coverage=hazard_counts_by_village(ledger, cov), coverage_total=len(cov),
    )


# ----------------------------------------------------------------------------- the reports


@dataclass(slots=True)
class Basics:
    """一、基本情况: the key counts at D."""

    villages: int
    units: int
    hazards: HazardStats          # the 合计 row
    major_found: int
    drills_held: int
    participants: int
    tasks: int
    task_counts: dict[str, int]


@dataclass
class Summary:
    """自查总结报告 (whole plan) or 阶段工作总结 (one phase)."""

    town: m.Town
    plan: m.Plan
    as_of: date                   # the date asked for
    date: date                    # D: the date figures are taken at (as_of, or the phase's end)
    start: date                   # the period reported on
    end: date
    phase: m.Phase | None
    village: str | None           # the village's name when limited to one
    basics: Basics
    actions: list[ActionBlock]
    by_village: list[HazardStats]
    by_sector: list[HazardStats]
    by_level: list[HazardStats]
    drill_years: list[int]
    drills: list[DrillRow]
    coverage: list[CoverageRow]
    months: list[MonthPoint]
    problems: Problems
    upcoming: Upcoming
    chart: str | None = None      # file name of the chart image, set by the writer when there is one


def _slugs(ledger: Ledger, village: str | None) -> list[str]:
    return [village] if village is not None else list(ledger.villages)


def summary(ledger: Ledger, *, as_of: date, phase: m.Phase | None = None, village: str | None = None,
            on_months: Callable[[list[MonthPoint]], None] | None = None) -> Summary:
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
    by_village = hazard_stats(hazards, as_of=d, since=since, key="village", labels=slugs)
    for row in by_village[:-1]:
        row.label = ledger.villages[row.label].name
    by_sector = hazard_stats(hazards, as_of=d, since=since, key="sector", labels=town.sectors, keep_empty=False)
    by_level = hazard_stats(hazards, as_of=d, since=since, key="level", labels=LEVELS)
    years = list(range(start.year, d.year + 1)) if start <= d else []
    drills = drills_by_village(ledger, slugs, years, as_of=d, since=since)
    coverage = [c for c in coverage_by_year(ledger, slugs, as_of=d) if c.year in years]
    actions = task_blocks(ledger, as_of=d, since=since, village=village)
    task_counts = {s: sum(b.counts[s] for b in actions) for s in TASK_STATES}
    horizon = max(plan.end, d)
    # One pass: ``within`` only widens due_soon; overdue, stale and awaiting_closure do not depend on it.
    ahead = deadlines.compute(ledger, as_of=d, within=(horizon - d).days, village=village)
    units = sum(1 for s in slugs for u in ledger.villages[s].units if u.void is None and deadlines.operating(u, d, d))
    basics = Basics(
        villages=len(slugs), units=units, hazards=by_level[-1],
        major_found=next(r.found for r in by_level if r.label == "重大"),
        drills_held=drills[-1].total, participants=drills[-1].participants,
        tasks=sum(len(b.tasks) for b in actions), task_counts=task_counts,
    )
    return Summary(
        town=town, plan=plan, as_of=as_of, date=d, start=start, end=end, phase=phase,
        village=ledger.villages[village].name if village else None, basics=basics, actions=actions,
        by_village=by_village, by_sector=by_sector, by_level=by_level, drill_years=years, drills=drills,
        coverage=coverage, months=months,
        problems=problems(ledger, ahead), upcoming=upcoming(ledger, ahead, horizon),
    )


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
    status: str


@dataclass(slots=True)
class VillageHazards:
    slug: str
    name: str
    rows: list[HazardRow]
    stats: HazardStats


@dataclass
class Register:
    """隐患排查治理台账: every hazard found by D, per village."""

    town: m.Town
    as_of: date
    village: str | None
    villages: list[VillageHazards]
    voided: int
    total: HazardStats
    months: list[MonthPoint]
    chart: str | None = None


def _upto(d: date | None, as_of: date) -> date | None:
    return d if d is not None and d <= as_of else None


def register(ledger: Ledger, *, as_of: date, village: str | None = None) -> Register:
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
            status = deadlines.hazard_status(h, as_of)
            if status is None:
                continue
            if status == "已作废":
                voided += 1
                continue
            everything.append(h)
            _count(stats, h, status, as_of, None)
            r = h.rectification
            rows.append(HazardRow(
                id=h.id, title=h.title, location=h.location, unit=units.get(h.unit or "", h.unit),
                sector=h.sector, level=h.level, source=h.source, found_on=h.found_on,
                five=Rectify(r.owner, r.measures, r.funds, r.deadline, r.contingency),
                supervision=h.supervision.level if h.supervision else None,
                rectified_on=_upto(h.rectified_on, as_of),
                verified_by=h.verified_by if _upto(h.closed_on, as_of) else None,
                closed_on=_upto(h.closed_on, as_of), status=status,
            ))
        blocks.append(VillageHazards(slug, vl.name, rows, stats))
    return Register(town, as_of, ledger.villages[village].name if village else None, blocks, voided,
                    _total(b.stats for b in blocks), month_series(everything, start=town.plan.start, as_of=as_of))


@dataclass(slots=True)
class PersonGroup:
    person: str
    items: list[ItemRow]

    @property
    def max_days(self) -> int:
        return max(i.days for i in self.items)


@dataclass
class OverdueList:
    """逾期事项督办清单: overdue items per responsible person, most overdue first."""

    town: m.Town
    as_of: date
    village: str | None
    total: int
    by_kind: list[tuple[str, int]]
    groups: list[PersonGroup] = field(default_factory=list)


def overdue_list(ledger: Ledger, *, as_of: date, village: str | None = None) -> OverdueList:
    """An item with several leads appears under each of them; ``total`` counts it once."""
    town = ledger.town
    assert town is not None
    items = deadlines.compute(ledger, as_of=as_of, village=village).overdue
    rows = item_rows(ledger, items)
    per: dict[str, list[ItemRow]] = defaultdict(list)
    for it, row in zip(items, rows):
        for person in it.lead or [NO_LEAD]:
            per[person].append(row)
    groups = [PersonGroup(p, sorted(v, key=lambda r: (-r.days, _id_key(r.id), r.key)))
              for p, v in per.items()]
    groups.sort(key=lambda g: (g.person == NO_LEAD, -len(g.items), -g.max_days, g.person))
    kinds = [(label, sum(1 for it in items if it.kind == k)) for k, label in KIND_LABELS.items()]
    return OverdueList(town, as_of, ledger.villages[village].name if village else None, len(items),
                       [(lab, n) for lab, n in kinds if n], groups)
