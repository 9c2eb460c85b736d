"""Rules on inspections (检查) and their links to hazards; town.yaml's ``coverage_from``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.kinds import BY_PREFIX, KINDS
from hjp.messages import Part, part
from hjp.rules.records import _at
from hjp.schema_errors import did_you_mean, locate

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.model import Hazard, Inspection
    from hjp.rules import RuleContext

LEADER = "主要负责人带队"
_LABEL = {k.prefix: k.label for k in KINDS}


def _hazards_by_id(ledger: Ledger) -> dict[str, tuple[str, Hazard]]:
    return {h.id: (slug, h) for slug, h in ledger.hazards()}


def _inspections_by_id(ledger: Ledger) -> dict[str, tuple[str, Inspection]]:
    return {i.id: (slug, i) for slug, v in ledger.villages.items() for i in v.inspections}


def _not_found(ledger: Ledger, rid: str, prefix: str, slug: str, candidates: list[str]) -> Part:
    """Why ``rid`` is not a record of the kind ``prefix`` (YH 隐患, JC 检查) of village ``slug``:
    another kind, another village, or unknown."""
    want = BY_PREFIX[prefix].label
    loc = ledger.loc_by_id.get(rid)
    if loc is not None:
        label = _LABEL.get(rid.split("-", 1)[0])
        if label != want:
            return part("HJP256.other_kind", label=label or part("word.other_record"), want=want)
        if loc.village == slug:  # the right prefix in another kind's file (HJP218 says so)
            return part("HJP256.other_file", want=want, file=loc.path, line_no=loc.line)
        return part("HJP256.other_village", village=loc.village or part("word.town_level"), slug=slug, want=want)
    return part("HJP256.unknown", hint=did_you_mean(rid, candidates) or part("HJP256.register", want=want))


def check_inspection_unit(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP259 a 主要负责人带队 inspection names its unit; HJP260 it is led by that unit's principal
    (a warning: the principal may have changed); HJP261 the unit was operating on that day."""
    for slug, v in ledger.villages.items():
        units = {u.id: u for u in v.units}
        for i in v.inspections:
            if i.kind != LEADER or i.void is not None:
                continue
            if i.unit is None:
                yield error("HJP259", **_at(ledger, i, "kind"))
                continue
            u = units.get(i.unit)
            if u is None:
                continue  # HJP202 says so
            if i.led_by != u.principal:
                yield warning("HJP260", **_at(ledger, i, "led_by"), led_by=i.led_by, unit=u.id, name=u.name,
                              principal=u.principal)
            if u.since is not None and i.date < u.since:
                yield warning("HJP261.not_open", **_at(ledger, i, "date"), date=i.date, unit=u.id, name=u.name,
                              since=u.since)
            elif u.closed_on is not None and i.date >= u.closed_on:
                yield warning("HJP261.closed", **_at(ledger, i, "date"), date=i.date, unit=u.id, name=u.name,
                              closed_on=u.closed_on)


def check_inspection_links(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP257 an inspection's ``findings`` are hazards of its village; HJP256 a hazard's
    ``found_in`` is an inspection of its village; HJP258 (warning) the two directions agree and a
    hazard is not found before the inspection that found it."""
    if not any(v.inspections for v in ledger.villages.values()) and \
            not any(h.found_in for _s, h in ledger.hazards()):
        return
    hazards = _hazards_by_id(ledger)
    inspections = _inspections_by_id(ledger)
    early: set[tuple[str, str]] = set()  # (hazard, inspection) pairs already warned about

    # Places (_at: a YAML location lookup) are worked out only for a finding, never per link: the
    # demo's 100k ledger has tens of thousands of links and next to no findings.
    def too_early(h: Any, i: Any, *where: Any) -> Iterable[Diagnostic]:
        if h.found_on < i.date and (h.id, i.id) not in early:
            early.add((h.id, i.id))
            yield warning("HJP258.early", **_at(ledger, *where), id=h.id, found_on=h.found_on,
                          inspection=i.id, date=i.date)

    for slug, v in ledger.villages.items():
        for i in v.inspections:
            for n, fid in enumerate(i.findings):
                found = hazards.get(fid)
                if found is None or found[0] != slug:
                    own = [h.id for h in v.hazards]
                    yield error("HJP257", **_at(ledger, i, "findings", n), id=fid,
                                why=_not_found(ledger, fid, "YH", slug, own))
                    continue
                h = found[1]
                if h.found_in is not None and h.found_in != i.id and h.found_in in inspections:  # else HJP256
                    yield warning("HJP258.found_in", **_at(ledger, i, "findings", n), id=fid, found_in=h.found_in)
                yield from too_early(h, i, i, "findings", n)
    for slug, h in ledger.hazards():
        if h.found_in is None:
            continue
        found = inspections.get(h.found_in)
        if found is None or found[0] != slug:
            own = [i.id for i in ledger.villages[slug].inspections]
            yield error("HJP256", **_at(ledger, h, "found_in"), id=h.found_in,
                        why=_not_found(ledger, h.found_in, "JC", slug, own))
            continue
        yield from too_early(h, found[1], h, "found_in")


def check_coverage_from(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP265: town.yaml's ``coverage_from`` after the plan's end leaves no quarter to inspect."""
    town = ledger.town
    if town is None or town.coverage_from is None or town.coverage_from <= town.plan.end:
        return
    line, col = locate(ledger.town_data, ("coverage_from",))
    yield warning("HJP265", ledger.display(ledger.root / "town.yaml"), line + 1, col + 1,
                  coverage_from=town.coverage_from, end=town.plan.end)
