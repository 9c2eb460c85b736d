"""Rules on town.yaml: the plan's period and its phases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext


def check_plan_and_phases(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    town = ledger.town
    if town is None:
        return
    path = ledger.display(ledger.root / "town.yaml")
    plan = town.plan
    if plan.start > plan.end:
        yield error("HJP215", f"方案起始日期 {plan.start} 晚于截止日期 {plan.end}；请检查 plan.start 和 plan.end", path)
    for p in town.phases:
        if p.start > p.end:
            yield error("HJP215", f"阶段 {p.name} 的开始日期 {p.start} 晚于结束日期 {p.end}", path)
        elif p.start < plan.start or p.end > plan.end:
            yield error("HJP215", f"阶段 {p.name}（{p.start} 至 {p.end}）超出了方案期限 {plan.start} 至 {plan.end}；"
                                  "请核对阶段日期", path)
