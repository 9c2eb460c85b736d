"""Rules on tasks: exactly one shape, and only the fields that shape allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error
from hjp.messages import part
from hjp.rules.records import _at

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext

SHAPE_NAMES = {"deadline": part("task.shape.deadline"), "milestones": part("task.shape.milestones"),
               "every": part("task.shape.every"), "ongoing": part("task.shape.ongoing")}
_DONE_ON = {"milestones": "HJP211.done_on.milestones", "every": "HJP211.done_on.every", "ongoing": "HJP211.done_on.ongoing"}


def check_task_shape(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, t in ledger.all_tasks():
        shapes = t.shapes()
        if len(shapes) == 1:
            continue
        if not shapes:
            yield error("HJP209.none", **_at(ledger, t))
        else:
            yield error("HJP209.several", **_at(ledger, t, shapes[1]), shapes=[SHAPE_NAMES[s] for s in shapes])
        if t.milestones is not None and not t.milestones:
            yield error("HJP209.empty_milestones", **_at(ledger, t, "milestones"))


def check_task_fields_for_shape(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, t in ledger.all_tasks():
        shape = t.shape
        if shape is None:
            continue
        if t.occurrences and shape != "every":
            yield error("HJP210", **_at(ledger, t, "occurrences"))
        if t.done_on is not None and shape != "deadline":
            yield error(_DONE_ON[shape], **_at(ledger, t, "done_on"))
        if t.start is not None and shape not in ("every", "ongoing"):
            yield error("HJP211.start", **_at(ledger, t, "start"))
        if t.end is not None and shape != "every":
            yield error("HJP211.end", **_at(ledger, t, "end"))


def check_task_action(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    if ledger.town is None:
        return
    actions = ledger.town.actions
    for _slug, t in ledger.all_tasks():
        if t.action is not None and t.action not in actions:
            known = tuple(sorted(actions)) or part("HJP212.none")
            yield error("HJP212", **_at(ledger, t, "action"), action=t.action, known=known)


def check_task_period(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    for _slug, t in ledger.all_tasks():
        if t.start is not None and t.end is not None and t.start > t.end:
            yield error("HJP214", **_at(ledger, t, "start"), start=t.start, end=t.end)
