"""Rules on trainings (培训, a town-level ledger): who attended, and how many."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.rules.records import _at
from hjp.schema_errors import did_you_mean

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext

PRINCIPAL = "主要负责人"


def check_training_attendance(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP262 a training lists its attendees or gives a count (人次); HJP263 the count is not less
    than the attendees listed by name."""
    for t in ledger.trainings:
        if not t.attendees and t.count is None:
            yield error("HJP262", "培训须逐人登记参训人员 attendees（unit 单位编号、name 姓名、role 身份），"
                                  "或写明参训人次 count；请补上其一", **_at(ledger, t))
        elif t.count is not None and t.count < len(t.attendees):
            yield error("HJP263", f"参训人次 count {t.count} 少于逐人登记的参训人员 {len(t.attendees)} 人；"
                                  "count 是总人次（含已登记姓名的人），请改正", **_at(ledger, t, "count"))


def check_attendee_units(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP264 an attendee's unit is a registered unit; HJP266 (warning) an attendee listed as a
    unit's 主要负责人 under another name than the principal the unit registers."""
    if not any(t.attendees for t in ledger.trainings):
        return
    units = {u.id: u for _slug, u in ledger.units()}
    for t in ledger.trainings:
        for n, a in enumerate(t.attendees):
            if a.unit is None:
                continue
            u = units.get(a.unit)
            if u is None:
                hint = did_you_mean(a.unit, sorted(units)) or "；请先在所属村的 units.yaml 登记该单位，或改正编号"
                yield error("HJP264", f"参训人员 {a.name} 的 unit（所在单位）{a.unit} 不是已登记的生产经营单位{hint}",
                            **_at(ledger, t, "attendees", n, "unit"))
            elif a.role == PRINCIPAL and a.name != u.principal:
                yield warning("HJP266", f"参训人员 {a.name} 登记为 {u.id}（{u.name}）的主要负责人，但该单位登记的主要负责人是 "
                                        f"{u.principal}；请核对姓名，负责人已更换的请改正 units.yaml 的 principal",
                              **_at(ledger, t, "attendees", n, "name"))
