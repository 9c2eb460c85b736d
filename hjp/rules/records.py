"""Rules on units, hazards and drills: identity, references, 五定, dates and confidentiality."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.kinds import BY_PREFIX, KINDS, VILLAGE_KINDS
from hjp.messages import Part, part
from hjp.schema_errors import did_you_mean, field_label

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext

KIND_NAME = {k.prefix: k.label for k in KINDS}  # DW → 生产经营单位 …


def _at(ledger: Ledger, record: Any, *where: str | int) -> dict[str, Any]:
    """Keyword arguments placing a diagnostic at ``record``'s field, or a node inside a list-valued
    field (``Loc.at``), or the record itself."""
    loc = ledger.loc_of(record)
    line, col = loc.at(*where) if where else (loc.line, loc.col)
    return {"path": loc.path, "line": line, "col": col, "record": record.id}


def check_duplicate_ids(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """The newer of two records with one ID is the one to renumber: by when each line entered git
    history (``ctx.ages``; uncommitted lines are the newest), else by reading order. Blaming the
    original would make the clerk renumber it, which the audit then flags as an ID change."""
    groups: dict[str, list[Any]] = {}
    for rid, again, first in ledger.duplicates:
        groups.setdefault(rid, [first]).append(again)
    if not groups:
        return
    ages: dict[int, float] = {}
    if ctx.ages is not None:
        spots = [loc for locs in groups.values() for loc in locs]
        for loc, age in zip(spots, ctx.ages([(loc.path, loc.line) for loc in spots])):
            if age is not None:
                ages[id(loc)] = age
    store = None
    for rid, locs in groups.items():
        if all(id(loc) in ages for loc in locs):  # oldest first; a tie keeps reading order
            locs = sorted(locs, key=lambda loc: ages[id(loc)])
        first, *newer = locs
        if store is None and rid.startswith("YH-"):
            from hjp.rules.sealed import sealed_scan

            store = sealed_scan(ledger)
        # Two 举报 hazards given one ID by two copies of the ledger share one sealed file name: a
        # merge kept one of the two files, and the other 举报人 is only in history (audit HJP511).
        held = store is not None and rid in store.ids
        key, extra = ("HJP201.sealed", {"sealed": store.display(rid + ".age")}) if held else ("HJP201", {})
        for again in newer:
            yield error(key, again.path, again.line, again.col, rid, id=rid, first_path=first.path,
                        first_line=first.line, **extra)


def check_id_prefix(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for kind in KINDS:
        prefix = kind.prefix
        for _slug, r in ledger.records_of(kind):
            if not r.id.startswith(prefix + "-"):
                other = BY_PREFIX.get(r.id.split("-", 1)[0])
                yield error("HJP218", **_at(ledger, r, "id"), kind=kind.label, prefix=prefix, id=r.id,
                            other=other.label if other else part("HJP218.other"))


def check_sectors(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    if ledger.town is None:
        return
    allowed = ledger.town.sectors
    allowed_set = set(allowed)
    for pool in (ledger.units(), ledger.hazards()):
        for _slug, r in pool:
            if r.sector not in allowed_set:
                hint = did_you_mean(r.sector, allowed) or part("hint.choices", choices=allowed)
                yield error("HJP216", **_at(ledger, r, "sector"), value=r.sector, hint=hint)


def check_unit_refs(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    # every village-level kind whose records name a unit (hazards, drills, inspections ...)
    referring = [k for k in VILLAGE_KINDS if "unit" in k.model_cls().model_fields]
    for slug, v in ledger.villages.items():
        ids = {u.id for u in v.units}
        for r in [r for k in referring for r in v.pool(k)]:
            if r.unit is not None and r.unit not in ids:
                where = ledger.loc_by_id.get(r.unit)
                extra = part("HJP202.elsewhere", village=where.village or part("word.town_level")) if where else ""
                hint = did_you_mean(r.unit, sorted(ids)) or part("HJP202.register")
                yield error("HJP202", **_at(ledger, r, "unit"), unit=r.unit, village=slug, elsewhere=extra, hint=hint)


def check_hazard_five_measures(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    labels = {"measures": part("HJP203.measures"), "funds": part("HJP203.funds"),
              "contingency": part("HJP203.contingency")}
    for _slug, h in ledger.hazards():
        if h.level != "重大" or h.void is not None:
            continue
        missing = [labels[k] for k in labels if getattr(h.rectification, k) in (None, "")]
        if missing:
            yield error("HJP203", **_at(ledger, h, "rectification"), missing=missing)


def check_hazard_dates(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, h in ledger.hazards():
        deadline = h.rectification.deadline
        if deadline < h.found_on:
            yield error("HJP204.deadline", **_at(ledger, h, "rectification"), deadline=deadline, found_on=h.found_on)
        if h.rectified_on is not None and h.rectified_on < h.found_on:
            yield error("HJP204.rectified", **_at(ledger, h, "rectified_on"), rectified_on=h.rectified_on,
                        found_on=h.found_on)
        if h.closed_on is not None and h.rectified_on is not None and h.closed_on < h.rectified_on:
            yield error("HJP204.closed_before_rectified", **_at(ledger, h, "closed_on"), closed_on=h.closed_on,
                        rectified_on=h.rectified_on)
        elif h.closed_on is not None and h.closed_on < h.found_on:
            yield error("HJP204.closed_before_found", **_at(ledger, h, "closed_on"), closed_on=h.closed_on,
                        found_on=h.found_on)


def check_hazard_closure(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, h in ledger.hazards():
        if h.closed_on is None:
            continue
        if h.rectified_on is None:
            yield error("HJP205.unrectified", **_at(ledger, h, "closed_on"))
        if not h.verified_by:
            yield error("HJP205.unverified", **_at(ledger, h, "closed_on"))


def check_reporter(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, h in ledger.hazards():
        if h.reporter is not None and h.source != "举报":
            yield error("HJP206", **_at(ledger, h, "reporter"), source=h.source)


def check_unit_dates(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, u in ledger.units():
        if u.since is not None and u.closed_on is not None and u.closed_on < u.since:
            yield error("HJP213", **_at(ledger, u, "closed_on"), closed_on=u.closed_on, since=u.since)


def check_future_dates(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """Event dates after today (each kind's ``future_dates`` and ``future_nested`` in hjp.kinds).

    By the file a record is in, not its ID prefix: a hazard mistakenly numbered YL-... is still a
    hazard (HJP218)."""
    today = ctx.as_of
    for kind in KINDS:
        if not (kind.future_dates or kind.future_nested):
            continue
        for _slug, r in ledger.records_of(kind):
            fields = r.__dict__
            for fld, label in kind.future_dates:
                d = fields[fld]
                if d is not None and d > today:
                    loc = ledger.loc_of(r)
                    yield _future(loc, r.id, part("HJP217.field", label=label, field=fld), d, ctx, loc.field(fld))
            for nested in kind.future_nested:
                for i, entry in enumerate(fields[nested.list_field] or ()):
                    d = entry.__dict__[nested.field]
                    if d is not None and d > today:
                        loc = ledger.loc_of(r)
                        yield _future(loc, r.id, nested.label.format(n=i + 1), d, ctx,
                                      loc.at(nested.list_field, i, nested.field))


def _future(loc: Any, rid: str, what: Part | str, d: date, ctx: RuleContext, pos: tuple[int, int]) -> Diagnostic:
    """``what``: the date's name, as the registry gives it (nested dates) or a HJP217.field part."""
    if ctx.is_today:
        return warning("HJP217.today", loc.path, pos[0], pos[1], rid, what=what, date=d, today=ctx.as_of)
    return warning("HJP217.as_of", loc.path, pos[0], pos[1], rid, what=what, date=d, as_of=ctx.as_of)


# What the clerk types between two names when a list is meant: the CLI splits on these already.
_NAME_SEPARATORS = re.compile("[，、；;,]")


def check_name_lists(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """``lead: [张志瑞，赵辉]`` is one person called "张志瑞，赵辉" (the 督办清单 then has that heading):
    a warning with the list written out. The lists are each kind's ``list`` fields in hjp.kinds."""
    for kind in KINDS:
        lists = [spec.path[0] for spec in kind.fields if spec.type == "list" and len(spec.path) == 1]
        if not lists:
            continue
        model = kind.model_cls()
        for _slug, r in ledger.records_of(kind):
            fields = r.__dict__
            for name in lists:
                for i, item in enumerate(fields.get(name) or ()):
                    if not isinstance(item, str) or not _NAME_SEPARATORS.search(item):
                        continue
                    parts = [p.strip() for p in _NAME_SEPARATORS.split(item) if p.strip()]
                    if len(parts) < 2:
                        continue
                    mark = _NAME_SEPARATORS.search(item).group()
                    yield warning("HJP220", **_at(ledger, r, name, i), field=field_label(model, (name,)), n=i + 1,
                                  item=item, mark=mark, count=len(parts), parts=parts)
