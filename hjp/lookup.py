"""The clerk's lookups: one record as it reads (``hjp show``) and lists of records (``hjp list``).

Values only: each function takes a loaded ledger and an explicit ``as_of`` and returns what to show
— the record's fields with the models' Chinese titles, its derived status in the one wording of
``hjp.status``, its deadline items as ``hjp.deadlines`` computes them (the same items ``hjp overdue``
lists), a summary of its git history (``hjp.history``). ``hjp.output`` renders them. Every record
kind of the registry (``hjp.kinds``) is covered without code of its own: titles, dates and labels
are looked up by field name and in the models. A 举报人 is never in a result: the field reads 已密封.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable

from hjp import kinds
from hjp.errors import HjpError, UsageError

if TYPE_CHECKING:
    from hjp.deadlines import Findings, Item
    from hjp.load import Ledger

SEALED = "已密封"  # what a 举报人 reads as, wherever it is shown (hjp.sealed.MARKER)
NOT_YET_FOUND = "（统计日尚未发现）"

# The words --status takes, per kind (a record's status is one of them, or one of them followed
# by a bracketed detail: 逾期未整改（12天）, 已逾期（2期次）).
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "hazard": ("整改中", "逾期未整改", "已整改待验收", "已销号", "已作废"),
    "task": ("已完成", "未到期", "已逾期", "长期坚持", "已作废"),
    "drill": ("已实施", "未实施", "已作废"),
    "unit": ("在营", "未开业", "已关闭", "已作废"),
}
OTHER_STATUS_WORDS = ("已作废",)  # kinds with no status of their own (inspections, trainings …)

# A record's date in a list: the first of these fields it has (a task: its deadline, else its
# start); a new kind with a `date` needs nothing more.
DATE_FIELDS = ("found_on", "date", "held_on", "planned_on", "deadline", "start", "since")


# How the clerk counts records of a kind: 3 家生产经营单位, 5 次演练 (default 条).
MEASURE = {"unit": "家", "drill": "次", "task": "项", "inspection": "次", "training": "次"}


class NotFound(HjpError):
    """No record with that ID (exit 1), with the closest IDs there are."""


# --------------------------------------------------------------------------- kinds and statuses


def kind_of_word(word: str) -> kinds.Kind:
    """The record kind ``hjp list`` names: hjp new's noun, its plural (the file's stem), or the
    kind's Chinese name; UsageError listing them otherwise."""
    w = word.strip().lower()
    for k in kinds.KINDS:
        if w in (k.noun, f"{k.noun}s", k.stem, k.top) or word.strip() in (k.label, k.name):
            return k
    from hjp.schema_errors import did_you_mean

    names = [w2 for k in kinds.KINDS for w2 in (k.noun, k.stem)]
    known = "、".join(f"{k.stem}（{k.label}）" for k in kinds.KINDS)
    raise UsageError(f"不认识的记录类型 {word}{did_you_mean(word, names) or '；'}可选：{known}")


def status_function(noun: str, ledger: Ledger, as_of: date) -> Callable[[Any], str]:
    """A record's derived status in the one wording of hjp.status (逾期未整改（N天）, 已逾期（N期次）…);
    "" for a kind that has none (an inspection or a training is an event, not a state)."""
    from hjp import deadlines
    from hjp.status import HazardBucket, HazardStatus, TaskStatus, hazard_label, task_label

    town = ledger.town

    def status(r: Any) -> str:
        if r.void is not None:
            return HazardStatus.VOID.label
        if noun == "hazard":
            bucket = deadlines.hazard_bucket(r, as_of)
            if bucket is None:
                return NOT_YET_FOUND
            due = deadlines.closure_due(r)
            late = (as_of - due).days if due is not None and bucket is HazardBucket.RECTIFIED else 0
            return hazard_label(bucket, days=(as_of - r.rectification.deadline).days, awaiting_days=late)
        if noun == "task":
            st = deadlines.task_status(r, town, as_of)
            stale = None
            if st is TaskStatus.ONGOING:
                last, _real = deadlines.last_progress(r, town, as_of)
                if last is not None and (as_of - last).days > deadlines.STALE_DAYS:
                    stale = (as_of - last).days
            return task_label(st, missed=len(deadlines.missed_periods(r, town, as_of)), stale_days=stale)
        if noun == "drill":
            return "已实施" if r.held_on is not None and r.held_on <= as_of else "未实施"
        if noun == "unit":
            if r.closed_on is not None and r.closed_on <= as_of:
                return "已关闭"
            return "未开业" if r.since is not None and r.since > as_of else "在营"
        return ""

    return status


def status_matches(label: str, word: str) -> bool:
    """--status 逾期未整改 matches 逾期未整改（12天）; 整改中 does not match 逾期未整改."""
    return label == word or label.startswith(word + "（")


def status_words(kind: kinds.Kind) -> tuple[str, ...]:
    return STATUS_WORDS.get(kind.noun, OTHER_STATUS_WORDS)


# --------------------------------------------------------------------------- titles, dates, labels


def title_of(record: Any, unit_names: dict[str, str] | None = None) -> str:
    """What a record is called: its title, name or topic; an inspection by its unit and kind."""
    for name in ("title", "name", "topic"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    unit = getattr(record, "unit", None)
    what = str(getattr(record, "kind", "") or "")
    if unit:
        return f"{(unit_names or {}).get(unit, unit)}{f'（{what}）' if what else ''}"
    return what


def title_header(kind: kinds.Kind) -> str:
    """The heading of ``title_of``'s column: the model's title of the field it reads (隐患名称,
    单位名称, 培训主题; an inspection's 被检查单位)."""
    fields = kind.model_cls().model_fields
    for name in ("title", "name", "topic", "unit"):
        if name in fields:
            return fields[name].title or name
    return "名称"


def date_of(record: Any) -> date | None:
    for name in DATE_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, date):
            return value
    ms = getattr(record, "milestones", None)
    return ms[-1].due if ms else None


def _sub_model(annotation: Any) -> Any:
    """The pydantic model inside ``X``, ``X | None`` or ``list[X]`` (None when there is none)."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _sub_model(arg)
        if found is not None:
            return found
    return None


def labelled(data: Any, cls: Any) -> Any:
    """A record's plain values as [(key, Chinese title, value)], nested models and lists of them
    labelled alike (a list of models: a list of such lists)."""
    if not isinstance(data, dict) or cls is None:
        return data
    out = []
    for key, value in data.items():
        info = cls.model_fields.get(key)
        title = (info.title if info is not None else None) or key
        sub = _sub_model(info.annotation) if info is not None else None
        if sub is not None and isinstance(value, list):
            value = [labelled(v, sub) for v in value]
        elif sub is not None:
            value = labelled(value, sub)
        out.append((key, title, value))
    return out


def plain_record(record: Any) -> dict[str, Any]:
    """The fields the ledger gives (as written, dates as YYYY-MM-DD), the 举报人 as 已密封."""
    data = record.model_dump(mode="json", exclude_unset=True)
    if data.get("reporter") is not None:
        data["reporter"] = SEALED
    return data


# --------------------------------------------------------------------------- hjp list


@dataclass
class Row:
    id: str
    kind: str  # the kind's noun
    village: str | None
    village_name: str
    title: str
    date: date | None
    status: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "village": self.village, "title": self.title,
                "date": self.date.isoformat() if self.date else None, "status": self.status}


@dataclass
class Listing:
    kind: kinds.Kind
    as_of: date
    rows: list[Row]
    unreadable: int = 0  # errors of the ledger's files: records that could not be read are missing


def list_records(ledger: Ledger, *, kind: kinds.Kind, as_of: date, village: str | None = None,
                 status: str | None = None, overdue: bool = False) -> Listing:
    """The records of ``kind`` (a village's, with ``village``: a slug), in file order, with their
    status as of ``as_of``; ``status`` keeps those whose status reads so, ``overdue`` those with an
    item overdue as of ``as_of`` (hjp overdue's 逾期 list: a unit's missed coverage counts)."""
    from hjp.diagnostics import Severity

    if status is not None and status not in status_words(kind):
        words = "、".join(status_words(kind))
        raise UsageError(f"--status 的值 {status} 不是{kind.label}的状态；可选：{words}")
    if village is not None and not kind.village:
        raise UsageError(f"{kind.label}是镇级记录，不分村；请去掉 --village")
    late: set[str] | None = None
    if overdue:
        from hjp.deadlines import compute

        late = {i.id for i in compute(ledger, as_of=as_of, within=0, village=village).overdue}
    status_of = status_function(kind.noun, ledger, as_of)
    units = {u.id: u.name for _s, u in ledger.units()}
    rows = []
    for slug, r in ledger.records_of(kind):
        if village is not None and slug != village:
            continue
        if late is not None and r.id not in late:
            continue
        label = status_of(r)
        if status is not None and not status_matches(label, status):
            continue
        name = ledger.villages[slug].name if slug is not None else "镇级"
        rows.append(Row(r.id, kind.noun, slug, name, title_of(r, units), date_of(r), label))
    broken = sum(1 for d in ledger.diagnostics if d.severity is Severity.ERROR)
    return Listing(kind, as_of, rows, broken)


# --------------------------------------------------------------------------- hjp show


@dataclass
class HistorySummary:
    """A record's git history in brief: the first and the last commit that touched it."""

    commits: int
    created: tuple[str, str, str] | None  # (ISO time, author, subject) of the first
    last: tuple[str, str, str] | None  # of the last (None when there is one commit)
    tz: str
    note: str | None = None  # why there is no history (not a repository, git missing …)


@dataclass
class Shown:
    id: str
    kind: kinds.Kind
    village: str | None
    village_name: str
    path: str
    line: int
    as_of: date
    title: str
    status: str
    items: list[tuple[str, Item]]  # (bucket of hjp overdue, item) about this record
    fields: list[tuple[str, str, Any]]  # labelled(plain_record)
    text_chars: int | None  # the plan's text (a task's `text`) when left out; None when shown or absent
    history: HistorySummary | None
    record: dict[str, Any] = field(default_factory=dict)  # plain values, for --json


def closest_ids(ledger: Ledger, rid: str, n: int = 5) -> list[str]:
    up = rid.strip().upper()
    same = up.split("-")[0]
    ids = sorted(ledger.loc_by_id, key=lambda i: i.split("-")[0] != same)  # the same kind first
    close = difflib.get_close_matches(up, ids, n=len(ids), cutoff=0.6)
    close = sorted(close, key=lambda i: i.split("-")[0] != same)[:n]
    if len(close) < n:  # YH-2024-12 for YH-2024-0012: same kind and digits
        digits = "".join(c for c in up if c.isdigit()).lstrip("0")
        more = [i for i in ids if i.split("-")[0] == up.split("-")[0] and digits
                and "".join(c for c in i if c.isdigit()).lstrip("0").endswith(digits)]
        close += [i for i in sorted(more) if i not in close][: n - len(close)]
    return close


def find(ledger: Ledger, rid: str) -> tuple[str, Any]:
    """(the ID as the ledger spells it, the record); NotFound (exit 1) naming the closest IDs."""
    for candidate in dict.fromkeys((rid, rid.strip(), rid.strip().upper())):
        record = ledger.record(candidate)
        if record is not None:
            return candidate, record
    close = closest_ids(ledger, rid)
    if rid.strip() in {d[0] for d in ledger.duplicates}:
        raise NotFound(f"编号 {rid} 在台账中重复出现；请先改正（hjp validate）", 1)
    hint = f"；最接近的编号：{'、'.join(close)}" if close else ""
    raise NotFound(f"台账中没有编号为 {rid} 的记录{hint}（若该记录有错误未能读取，请先运行 hjp validate）", 1)


def history_summary(ledger: Ledger, rid: str) -> HistorySummary:
    from hjp.gitio import GitError
    from hjp.history import ledger_log

    try:
        log = ledger_log(ledger.root, rid)
    except GitError as exc:
        return HistorySummary(0, None, None, ledger.timezone, str(exc))
    events = log.events
    if not events:
        return HistorySummary(0, None, None, log.tz, None)
    first, last = events[0].commit, events[-1].commit
    return HistorySummary(len(events), (first.date, first.author, first.subject),
                          (last.date, last.author, last.subject) if len(events) > 1 else None, log.tz)


def deadline_items(ledger: Ledger, rid: str, village: str | None, as_of: date) -> list[tuple[str, Item]]:
    """What ``hjp overdue --as-of`` says about the record (a unit: its coverage too), by bucket."""
    from hjp.deadlines import compute

    findings: Findings = compute(ledger, as_of=as_of, village=village)
    return [(bucket, item) for bucket, items in findings.buckets().items() for item in items if item.id == rid]


def show_record(ledger: Ledger, rid: str, *, as_of: date, full: bool = False, history: bool = True) -> Shown:
    """One record as the clerk reads it, as of ``as_of`` (NotFound with the closest IDs)."""
    rid, record = find(ledger, rid)
    kind = kinds.of_id(rid)
    loc = ledger.loc_of(record)
    for k in kinds.KINDS:  # the kind whose list holds it (an ID under another prefix still shows)
        if (k.village if loc.village is not None else k.town) and any(r is record for r in ledger.pool(k, loc.village)):
            kind = k
            break
    assert kind is not None
    data = plain_record(record)
    text_chars = None
    if not full and data.get("text"):
        text_chars = len(data.pop("text"))
    slug = loc.village
    units = {u.id: u.name for _s, u in ledger.units()}
    return Shown(
        id=rid, kind=kind, village=slug, village_name=ledger.villages[slug].name if slug else "镇级",
        path=ledger.display(kind.file(ledger.root, slug)), line=loc.line, as_of=as_of,
        title=title_of(record, units), status=status_function(kind.noun, ledger, as_of)(record),
        items=deadline_items(ledger, rid, slug, as_of) if record.void is None else [],
        fields=[(key, title, f"{value} {units[value]}" if key == "unit" and value in units else value)
                for key, title, value in labelled(data, kind.model_cls())], text_chars=text_chars,
        history=history_summary(ledger, rid) if history else None, record=data)



def field_label(kind: kinds.Kind, key: str) -> str:
    """A flattened field name (hjp.history.flatten: rectification.deadline, progress[3].note) in
    the models' Chinese titles: 整改五定.定时限, 进展[3].进展情况; unknown parts stay as written."""
    import re

    cls: Any = kind.model_cls()
    out = []
    for part in key.split("."):
        m = re.fullmatch(r"(\w+)(\[\d+\])?", part)
        info = cls.model_fields.get(m.group(1)) if m and cls is not None else None
        if info is None:
            out.append(part)
            cls = None
            continue
        out.append((info.title or m.group(1)) + (m.group(2) or ""))
        cls = _sub_model(info.annotation)
    return ".".join(out)


# --------------------------------------------------------------------------- near-duplicate hazards

SIMILAR = 0.7  # character-bigram Dice coefficient from which two titles count as the same hazard


def normalised(text: str) -> str:
    """A title as compared: full-width folded (NFKC), case folded, spaces and punctuation dropped
    (“楼梯间 堆放杂物。” and “楼梯间堆放杂物” are one title)."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold()
                   if unicodedata.category(c)[0] not in "PZSC")


def _bigrams(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(len(text) - 1)] or [text]


def similar_titles(a: str, b: str) -> bool:
    """Whether two titles name the same thing: equal once normalised, or sharing most of their
    character pairs (Chinese has no spaces to split words at; pairs of characters are the usual
    unit, and 卸油区静电接地装置失效 / 卸油区静电接地失效 share 7 of their 10 and 8 pairs)."""
    x, y = normalised(a), normalised(b)
    if not x or not y:
        return False
    if x == y:
        return True
    from collections import Counter

    p, q = Counter(_bigrams(x)), Counter(_bigrams(y))
    common = sum((p & q).values())
    return 2 * common / (sum(p.values()) + sum(q.values())) >= SIMILAR


def near_duplicates(ledger: Ledger, village: str, *, title: str, unit: str | None, found_on: date) -> list[Any]:
    """The village's hazards (not voided) found the same day at the same unit (or both at none)
    with a similar title: likely the same hazard entered twice."""
    if village not in ledger.villages:
        return []
    return [h for h in ledger.villages[village].hazards
            if h.void is None and h.found_on == found_on and h.unit == unit and similar_titles(h.title, title)]
