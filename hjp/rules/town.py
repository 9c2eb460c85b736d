"""Rules on town.yaml: the plan's period and its phases, the time zone."""

from __future__ import annotations

import re

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error
from hjp.messages import part
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
        yield error("HJP215.plan", path, **at("plan", "start"), start=plan.start, end=plan.end)
    for i, p in enumerate(town.phases):
        if p.start > p.end:
            yield error("HJP215.phase", path, **at("phases", i, "start"), phase=p.name, start=p.start, end=p.end)
        elif p.start < plan.start or p.end > plan.end:
            yield error("HJP215.phase_outside", path, **at("phases", i), phase=p.name, start=p.start, end=p.end,
                        plan_start=plan.start, plan_end=plan.end)


_CHINA = re.compile(r"beijing|peking|chongqing|chungking|harbin|urumqi|shanghai|prc|china|^\s*(cst|ctt)\s*$"
                    r"|北京|中国|上海|东八", re.I)
_OFFSET = re.compile(r"[+-]\s*\d|\d\s*[区時时]")  # UTC+8, GMT+08:00, +0800, 8区


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
    # Beijing time written the ways people write it: a fuzzy match would answer Asia/Brunei for
    # Asia/Beijing and UTC for UTC+8, and following that moves "today" by up to a day.
    china = _CHINA.search(town.timezone) or _OFFSET.search(town.timezone)
    hint = (None if china else did_you_mean(town.timezone, sorted(available_timezones()))) or part("HJP219.china")
    yield error("HJP219", ledger.display(ledger.root / "town.yaml"), line + 1, col + 1, value=town.timezone, hint=hint)
