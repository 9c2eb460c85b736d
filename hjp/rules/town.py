"""Rules on town.yaml: the plan's period and its phases, the time zone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error
from hjp.schema_errors import locate

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext


def check_plan_and_phases(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    town = ledger.town
    if town is None:
        return
    path = ledger.display(ledger.root / "town.yaml")
    data = ledger.town_data

    def at(*loc: str | int) -> dict[str, int]:
        # town.yaml validated, so every node named here exists in the data read from it
        line, col = locate(data, loc)
        return {"line": line + 1, "col": col + 1}

    plan = town.plan
    if plan.start > plan.end:
        yield error("HJP215", f"方案起始日期 plan.start {plan.start} 晚于截止日期 plan.end {plan.end}；请核对",
                    path, **at("plan", "start"))
    for i, p in enumerate(town.phases):
        if p.start > p.end:
            yield error("HJP215", f"阶段 {p.name} 的开始日期 start {p.start} 晚于结束日期 end {p.end}；请核对",
                        path, **at("phases", i, "start"))
        elif p.start < plan.start or p.end > plan.end:
            yield error("HJP215", f"阶段 {p.name}（{p.start} 至 {p.end}）超出了方案期限 {plan.start} 至 {plan.end}；"
                                  "请核对阶段日期或 plan 的 start、end", path, **at("phases", i))


def check_timezone(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """A mistyped zone would silently make "today" UTC's date (the clock's fallback), a day behind
    Beijing until 08:00."""
    town = ledger.town
    if town is None or "timezone" not in ledger.town_data:
        return
    try:
        from zoneinfo import ZoneInfo, available_timezones

        ZoneInfo("UTC")
    except Exception:  # no time zone database on this machine: nothing to check against
        return
    try:
        ZoneInfo(town.timezone)
        return
    except Exception:  # ValueError, ZoneInfoNotFoundError, IsADirectoryError…: all mean "not a zone"
        pass
    from hjp.schema_errors import did_you_mean

    line, col = locate(ledger.town_data, ("timezone",))
    hint = did_you_mean(town.timezone, sorted(available_timezones())) or "；中国大陆请写 Asia/Shanghai"
    yield error("HJP219", f"时区 timezone 的值 {town.timezone} 不是有效的时区名称{hint}",
                ledger.display(ledger.root / "town.yaml"), line + 1, col + 1)
