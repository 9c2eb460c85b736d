"""View-model sections for what the plan asks the town to prove (issue 12): inspections (方案任务8),
trainings (任务5), units' 分级分类 (任务6), 重大隐患 动态清零, and hazards by source.

Each builder takes the ledger, the villages reported on and the period [since, D], and returns a
plain dataclass the templates read (``hjp report NAME --format json`` prints it; keys in
docs/report-json.md). Counting rules, the same in every report:

- an inspection counts when dated in the period, on or before D, and not voided; 家次 counts
  inspections of a unit (each inspection of a unit is one 家次), 家 counts distinct units;
- a training counts the same way; its 人次 is ``count`` when given, else its named attendees; a
  village's report counts only the named attendees of its own units (a bare ``count`` has no village);
- 负责人培训人次: named attendees who are the principal of the unit they came from (role 主要负责人,
  or the principal's name), as ``deadlines.training_coverage`` decides coverage;
- inspection coverage per quarter and training coverage are ``hjp.deadlines``' rows, in 家;
- 动态清零: 重大 hazards found in the period (not voided); closed = closed (销号) by D; days from
  ``found_on`` to ``closed_on``; open ones (not closed by D, whenever found) with their 督办 level.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any, Sequence

from hjp import deadlines
from hjp import model as m
from hjp.load import Ledger

# The county's names for the ledger's hazard sources (national tallies: 部门检查/企业自查/举报/督查).
SOURCE_LABELS = {"检查": "部门检查", "自查": "企业自查", "举报": "举报", "督查": "督查", "其他": "其他"}
NO_SUPERVISION = "未挂牌"
# Inspection kinds as a sentence names them (主要负责人带队检查781次、部门检查20次 …)
INSPECTION_KIND_LABELS = {"主要负责人带队": "主要负责人带队检查", "镇级督导": "镇级督导检查", "其他": "其他检查"}


def _in(day: date, since: date | None, d: date) -> bool:
    return day <= d and (since is None or day >= since)


# ----------------------------------------------------------------------------- inspections


@dataclass(slots=True)
class QuarterCoverage:
    """主要负责人带队检查 coverage of one calendar quarter, in 家 (units)."""

    quarter: str      # 2026Q3
    label: str        # 2026年第3季度
    owed: int         # units owing it (operating on the quarter's last day, as of D)
    covered: int      # of those, inspected by their principal in the quarter (on or before D)
    current: bool     # the quarter has not ended by D: its count is so far

    JSON_DERIVED = ("missing", "rate")

    @property
    def missing(self) -> int:
        return self.owed - self.covered

    @property
    def rate(self) -> float | None:
        return self.covered / self.owed if self.owed else None


@dataclass(slots=True)
class InspectionVillage:
    village: str
    total: int        # inspections of any kind (次)
    inspections: int  # 家次: inspections of a unit
    leader: int       # of which 主要负责人带队
    hazards: int      # hazards they found (findings)


@dataclass(slots=True)
class InspectionSection:
    """检查企业N家次: inspections in the period, by kind, with the hazards found and quarter coverage."""

    total: int                        # inspections (any kind, with or without a unit)
    unit_visits: int                  # 家次: inspections of a unit
    units: int                        # 家: distinct units inspected
    by_kind: list[tuple[str, int]]    # (kind as a sentence names it, inspections) in the vocabulary's order, zeros left out
    leader: int                       # 主要负责人带队 inspections
    hazards_found: int                # hazards found by inspections (each once: findings or found_in)
    coverage: list[QuarterCoverage]   # per quarter of the period (the last may be under way)
    by_village: list[InspectionVillage]

    JSON_DERIVED = ("owed", "covered", "rate")

    @property
    def owed(self) -> int:
        """家次 owed over the quarters that have ended by D (a unit counts once per quarter)."""
        return sum(c.owed for c in self.coverage if not c.current)

    @property
    def covered(self) -> int:
        return sum(c.covered for c in self.coverage if not c.current)

    @property
    def rate(self) -> float | None:
        return self.covered / self.owed if self.owed else None


def inspection_section(ledger: Ledger, slugs: Sequence[str], *, since: date | None, d: date) -> InspectionSection:
    wanted = set(slugs)
    by_kind: Counter[str] = Counter()
    units: set[str] = set()
    found: set[str] = set()
    rows = []
    total = visits = 0
    for slug in slugs:
        v = ledger.villages[slug]
        row = InspectionVillage(v.name, 0, 0, 0, 0)
        live = {h.id for h in v.hazards if h.void is None}
        mine: set[str] = set()
        for i in v.inspections:
            if i.void is not None or not _in(i.date, since, d):
                continue
            total += 1
            row.total += 1
            by_kind[i.kind] += 1
            if i.unit is not None:
                visits += 1
                row.inspections += 1
                units.add(i.unit)
            if i.kind == m.LEADER_INSPECTION:
                row.leader += 1
            mine.update(f for f in i.findings if f in live)
        for h in v.hazards:
            if h.found_in is not None and h.void is None and _in(h.found_on, since, d):
                mine.add(h.id)
        row.hazards = len(mine)
        found |= mine
        rows.append(row)
    coverage: dict[str, QuarterCoverage] = {}
    start = since or (ledger.town.plan.start if ledger.town else d)
    for r in deadlines.inspection_coverage(ledger, d):
        q = r.quarter
        if r.village not in wanted or not r.owed or q.start > d or q.end < start:
            continue
        c = coverage.get(q.key_suffix)
        if c is None:
            c = coverage[q.key_suffix] = QuarterCoverage(q.key_suffix[1:], q.label, 0, 0, q.end >= d)
        c.owed += 1
        if r.done:
            c.covered += 1
    kinds = [(INSPECTION_KIND_LABELS.get(k, k), by_kind[k]) for k in m.INSPECTION_KINDS if by_kind[k]]
    return InspectionSection(total, visits, len(units), kinds, by_kind[m.LEADER_INSPECTION], len(found),
                             [coverage[k] for k in sorted(coverage)], rows)


# ----------------------------------------------------------------------------- trainings


@dataclass(slots=True)
class TrainingKindRow:
    kind: str
    sessions: int
    person_times: int


@dataclass(slots=True)
class UncoveredUnit:
    """An operating unit whose principal has not been trained within the plan (as of D)."""

    id: str
    name: str
    village: str
    principal: str


@dataclass(slots=True)
class TrainingSection:
    """培训负责人N人次: trainings in the period, and 任务5's coverage of principals over the plan."""

    sessions: int
    person_times: int                 # 人次 (a village's report: its units' named attendees only)
    hours: float                      # 学时 of the sessions counted
    principal_times: int              # named attendees who are their unit's principal (人次)
    by_kind: list[TrainingKindRow]    # in the vocabulary's order, kinds without sessions left out
    owed: int                         # units operating at D (家)
    covered: int                      # of those, principal trained within the plan by D
    uncovered: list[UncoveredUnit]    # the rest, by village then ID

    JSON_DERIVED = ("rate",)

    @property
    def rate(self) -> float | None:
        return self.covered / self.owed if self.owed else None


def training_section(ledger: Ledger, slugs: Sequence[str], *, since: date | None, d: date,
                     village: str | None) -> TrainingSection:
    principals = {u.id: u.principal for s in slugs for u in ledger.villages[s].units}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    sessions = person_times = principal_times = 0
    hours = 0.0
    for t in ledger.trainings:
        if t.void is not None or not _in(t.date, since, d):
            continue
        named = [a for a in t.attendees if village is None or a.unit in principals]
        if village is not None and not named:
            continue  # a village's report counts the sessions its units attended
        n = len(named) if village is not None else (t.count if t.count is not None else len(t.attendees))
        sessions += 1
        person_times += n
        hours += t.hours or 0
        principal_times += sum(1 for a in named if a.unit in principals and
                               (a.role == m.PRINCIPAL or a.name == principals[a.unit]))
        row = by_kind[t.kind]
        row[0] += 1
        row[1] += n
    wanted = set(slugs)
    names = {slug: v.name for slug, v in ledger.villages.items()}
    owed = covered = 0
    uncovered = []
    unit_names = {u.id: u.name for s in slugs for u in ledger.villages[s].units}
    for r in deadlines.training_coverage(ledger, d):
        if r.village not in wanted or not r.owed:
            continue
        owed += 1
        if r.trained:
            covered += 1
        else:
            uncovered.append(UncoveredUnit(r.unit, unit_names.get(r.unit, r.name), names[r.village], r.principal))
    kinds = [TrainingKindRow(k, *by_kind[k]) for k in m.TRAINING_KINDS if k in by_kind]
    return TrainingSection(sessions, person_times, hours, principal_times, kinds, owed, covered, uncovered)


# ----------------------------------------------------------------------------- units (分级分类)


@dataclass(slots=True)
class UnitSection:
    """分级分类动态管理清单 (任务6): units operating at D by grade."""

    operating: int
    by_grade: list[tuple[str, int]]   # in town.yaml's unit_grades order, then grades outside it
    ungraded: int
    credit_codes: int                 # of the operating units, with a 统一社会信用代码 recorded


def unit_section(ledger: Ledger, slugs: Sequence[str], *, d: date) -> UnitSection:
    vocabulary = list(ledger.town.unit_grades) if ledger.town is not None else list(m.DEFAULT_UNIT_GRADES)
    grades: Counter[str] = Counter()
    operating = ungraded = codes = 0
    for s in slugs:
        for u in ledger.villages[s].units:
            if u.void is not None or not deadlines.operating(u, d, d):
                continue
            operating += 1
            if u.grade is None:
                ungraded += 1
            else:
                grades[u.grade] += 1
            if u.credit_code:
                codes += 1
    order = vocabulary + sorted(g for g in grades if g not in vocabulary)  # HJP253 flags the latter
    return UnitSection(operating, [(g, grades[g]) for g in order], ungraded, codes)


# ----------------------------------------------------------------------------- 重大隐患 动态清零


@dataclass(slots=True)
class MajorYear:
    year: int
    found: int    # 重大 hazards found that year (in the period, by D)
    closed: int   # of those, closed by D
    open: int     # of those, not closed by D


@dataclass(slots=True)
class OpenMajor:
    id: str
    title: str
    village: str
    found_on: date
    days: int                 # open for: D − found_on
    deadline: date
    supervision: str          # the 督办 level: 镇级, 县级, 市级, or 未挂牌
    status: str               # the one wording (整改中, 逾期未整改（N天）, 已整改待验收…)


@dataclass(slots=True)
class MajorSection:
    """动态清零 evidence: how many 重大 hazards were found, how fast they were closed, none open without 督办."""

    found: int
    closed: int
    median_days: float | None         # found_on → closed_on over those closed; None when none is
    max_days: int | None
    by_year: list[MajorYear]
    open: list[OpenMajor]             # not closed at D, whenever found: oldest first
    unsupervised: int                 # of the open ones, without 挂牌督办 at D


def major_section(ledger: Ledger, slugs: Sequence[str], *, since: date | None, d: date,
                  state: Any) -> MajorSection:
    """``state(h, bucket)`` gives a hazard's one wording (viewmodel.hazard_state_label at D)."""
    years: dict[int, MajorYear] = {}
    days: list[int] = []
    found = closed = 0
    opened: list[OpenMajor] = []
    for s in slugs:
        v = ledger.villages[s]
        for h in v.hazards:
            if h.level != "重大":
                continue
            bucket = deadlines.hazard_bucket(h, d)
            if bucket is None:
                continue  # voided, or found after D
            is_closed = h.closed_on is not None and h.closed_on <= d
            if not is_closed:
                sup = h.supervision
                supervised = sup is not None and (sup.since is None or sup.since <= d)
                opened.append(OpenMajor(h.id, h.title, v.name, h.found_on, (d - h.found_on).days,
                                        h.rectification.deadline,
                                        sup.level if supervised and sup is not None else NO_SUPERVISION,
                                        state(h, bucket)))
            if since is not None and h.found_on < since:
                continue
            found += 1
            y = years.setdefault(h.found_on.year, MajorYear(h.found_on.year, 0, 0, 0))
            y.found += 1
            if is_closed:
                assert h.closed_on is not None
                closed += 1
                y.closed += 1
                days.append((h.closed_on - h.found_on).days)
            else:
                y.open += 1
    opened.sort(key=lambda o: (o.found_on, o.id))
    return MajorSection(found, closed, median(days) if days else None, max(days) if days else None,
                        [years[y] for y in sorted(years)], opened,
                        sum(1 for o in opened if o.supervision == NO_SUPERVISION))

