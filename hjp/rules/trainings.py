"""Rules on trainings (培训, a town-level ledger): who attended, and how many."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.messages import part
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
            yield error("HJP262", **_at(ledger, t))
        elif t.count is not None and t.count < len(t.attendees):
            yield error("HJP263", **_at(ledger, t, "count"), count=t.count, listed=len(t.attendees))


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
                hint = did_you_mean(a.unit, sorted(units)) or part("HJP264.register")
                yield error("HJP264", **_at(ledger, t, "attendees", n, "unit"), name=a.name, unit=a.unit, hint=hint)
            elif a.role == PRINCIPAL and a.name != u.principal:
                yield warning("HJP266", **_at(ledger, t, "attendees", n, "name"), name=a.name, unit=u.id,
                              unit_name=u.name, principal=u.principal)
