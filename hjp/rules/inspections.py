"""Rules on inspections (检查) and their links to hazards; town.yaml's ``coverage_from``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.kinds import KINDS
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


def _not_found(ledger: Ledger, rid: str, want: str, slug: str, candidates: list[str]) -> str:
    """Why ``rid`` is not a ``want`` (隐患/检查) of village ``slug``: another kind, another village, or unknown."""
    loc = ledger.locs.get(rid)
    if loc is not None:
        label = _LABEL.get(rid.split("-", 1)[0], "其他记录")
        if label != want:
            return f"是{label}编号，不是{want}"
        if loc.village == slug:  # the right prefix in another kind's file (HJP218 says so)
            return f"不在{want}台账中（见 {loc.path}:{loc.line}）"
        return f"属于 {loc.village or '镇级'}，不是本村 {slug} 的{want}"
    return f"不存在{did_you_mean(rid, candidates) or f'；请先登记该{want}，或改正编号'}"


def check_inspection_unit(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP259 a 主要负责人带队 inspection names its unit; HJP260 it is led by that unit's principal
    (a warning: the principal may have changed); HJP261 the unit was operating on that day."""
    for slug, v in ledger.villages.items():
        units = {u.id: u for u in v.units}
        for i in v.inspections:
            if i.kind != LEADER or i.void is not None:
                continue
            if i.unit is None:
                yield error("HJP259", "主要负责人带队检查须写明被检查单位 unit（本村生产经营单位编号 DW-…）；请补上",
                            **_at(ledger, i, "kind"))
                continue
            u = units.get(i.unit)
            if u is None:
                continue  # HJP202 says so
            if i.led_by != u.principal:
                yield warning("HJP260", f"带队人 led_by {i.led_by} 不是 {u.id}（{u.name}）登记的主要负责人 {u.principal}；"
                                        "主要负责人带队检查须由主要负责人本人带队；负责人已更换的，请改正 units.yaml 的 principal",
                              **_at(ledger, i, "led_by"))
            if u.since is not None and i.date < u.since:
                yield warning("HJP261", f"检查日期 date {i.date} 时 {u.id}（{u.name}）尚未开业（开业日期 since {u.since}）；"
                                        "请核对日期或单位的开业日期", **_at(ledger, i, "date"))
            elif u.closed_on is not None and i.date >= u.closed_on:
                yield warning("HJP261", f"检查日期 date {i.date} 时 {u.id}（{u.name}）已关闭退出（closed_on {u.closed_on}）；"
                                        "请核对日期或单位的关闭日期", **_at(ledger, i, "date"))


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

    def too_early(h: Any, i: Any, where: dict[str, Any]) -> Iterable[Diagnostic]:
        if h.found_on < i.date and (h.id, i.id) not in early:
            early.add((h.id, i.id))
            yield warning("HJP258", f"隐患 {h.id} 的发现日期 found_on {h.found_on} 早于发现它的检查 {i.id} 的日期 {i.date}；"
                                    "请核对日期", **where)

    for slug, v in ledger.villages.items():
        own = [h.id for h in v.hazards]
        for i in v.inspections:
            for n, fid in enumerate(i.findings):
                found = hazards.get(fid)
                where = _at(ledger, i, "findings", n)
                if found is None or found[0] != slug:
                    yield error("HJP257", f"findings（发现的隐患）中的 {fid} {_not_found(ledger, fid, '隐患', slug, own)}",
                                **where)
                    continue
                h = found[1]
                if h.found_in is not None and h.found_in != i.id and h.found_in in inspections:  # else HJP256
                    yield warning("HJP258", f"隐患 {fid} 列在本检查的 findings 中，但它的 found_in 是 {h.found_in}；"
                                            "请核对，两处应指向同一次检查", **where)
                yield from too_early(h, i, where)
    for slug, h in ledger.hazards():
        if h.found_in is None:
            continue
        found = inspections.get(h.found_in)
        where = _at(ledger, h, "found_in")
        if found is None or found[0] != slug:
            own = [i.id for i in ledger.villages[slug].inspections]
            yield error("HJP256", f"found_in（发现于检查）{h.found_in} {_not_found(ledger, h.found_in, '检查', slug, own)}",
                        **where)
            continue
        yield from too_early(h, found[1], where)


def check_coverage_from(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP265: town.yaml's ``coverage_from`` after the plan's end leaves no quarter to inspect."""
    town = ledger.town
    if town is None or town.coverage_from is None or town.coverage_from <= town.plan.end:
        return
    line, col = locate(ledger.town_data, ("coverage_from",))
    yield warning("HJP265", f"coverage_from（检查覆盖起算日期）{town.coverage_from} 晚于方案截止日期 plan.end {town.plan.end}，"
                            "主要负责人带队检查将不计任何季度；请核对", ledger.display(ledger.root / "town.yaml"),
                  line + 1, col + 1)
