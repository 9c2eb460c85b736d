"""Rules on tasks: exactly one shape, and only the fields that shape allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error
from hjp.rules.records import _at

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext

SHAPE_NAMES = {"deadline": "deadline（一次性）", "milestones": "milestones（阶段目标）",
               "every": "every（周期性）", "ongoing": "ongoing（长期坚持）"}


def check_task_shape(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, t in ledger.all_tasks():
        shapes = t.shapes()
        if len(shapes) == 1:
            continue
        if not shapes:
            msg = ("任务须有且只有一种形式：deadline（一次性）、milestones（阶段目标）、every（周期性）、"
                   "ongoing: true（长期坚持）；请补上其中一个")
            yield error("HJP209", msg, **_at(ledger, t))
        else:
            names = "、".join(SHAPE_NAMES[s] for s in shapes)
            yield error("HJP209", f"任务只能有一种形式，现在同时有 {names}；请只保留一个", **_at(ledger, t, shapes[1]))
        if t.milestones is not None and not t.milestones:
            yield error("HJP209", "milestones 为空列表；请列出阶段目标，或改用其他形式", **_at(ledger, t, "milestones"))


def check_task_fields_for_shape(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, t in ledger.all_tasks():
        shape = t.shape
        if shape is None:
            continue
        if t.occurrences and shape != "every":
            yield error("HJP210", "只有周期性任务（every）才有 occurrences（落实记录）；其他任务请用 progress 记录进展",
                        **_at(ledger, t, "occurrences"))
        if t.done_on is not None and shape != "deadline":
            hint = ("阶段目标的完成日期写在各 milestones 项的 done_on 下" if shape == "milestones"
                    else "周期性任务用 occurrences 记录每次落实" if shape == "every" else "长期坚持的任务用 progress 记录进展")
            yield error("HJP211", f"只有一次性任务（deadline）才有 done_on（完成日期）；{hint}", **_at(ledger, t, "done_on"))
        if t.start is not None and shape not in ("every", "ongoing"):
            yield error("HJP211", "start（开始日期）只用于周期性和长期坚持的任务；请删除", **_at(ledger, t, "start"))
        if t.end is not None and shape != "every":
            yield error("HJP211", "end（结束日期）只用于周期性任务；请删除", **_at(ledger, t, "end"))


def check_task_action(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    if ledger.town is None:
        return
    actions = ledger.town.actions
    for _slug, t in ledger.all_tasks():
        if t.action is not None and t.action not in actions:
            known = "、".join(str(k) for k in sorted(actions)) or "（town.yaml 未列出行动）"
            yield error("HJP212", f"action（所属行动）{t.action} 不是方案中的行动编号；可选：{known}",
                        **_at(ledger, t, "action"))


def check_task_period(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, t in ledger.all_tasks():
        if t.start is not None and t.end is not None and t.start > t.end:
            yield error("HJP214", f"开始日期 start {t.start} 晚于结束日期 end {t.end}；请核对", **_at(ledger, t, "start"))
