"""Rules on 重大事故隐患: the 判定依据 and 挂牌督办 the county reads as 动态清零 evidence."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.messages import part
from hjp.rules.records import _at

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext

MAJOR = "重大"
SUPERVISION_DAYS = 7  # an open 重大 hazard is put under 挂牌督办 within this many days of being found


def check_major_basis(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP254: a 重大 hazard names the standard and clause it was judged by (判定依据)."""
    for _slug, h in ledger.hazards():
        if h.level == MAJOR and h.void is None and not (h.basis or "").strip():
            yield error("HJP254", **_at(ledger, h, "level"))


def check_major_supervision(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP255: a 重大 hazard still open (not closed) as of D and not under 挂牌督办: a warning for
    its first SUPERVISION_DAYS days, an error after. A supervision dated after D has not begun."""
    today = ctx.as_of
    for _slug, h in ledger.hazards():
        if h.level != MAJOR or h.void is not None or h.found_on > today:
            continue
        if h.closed_on is not None and h.closed_on <= today:
            continue
        s = h.supervision
        if s is not None and (s.since is None or s.since <= today):
            continue
        days = (today - h.found_on).days
        later = "" if s is None else part("HJP255.later", since=s.since,
                                          day=part("word.today" if ctx.is_today else "word.as_of"))
        if days > SUPERVISION_DAYS:
            yield error("HJP255", **_at(ledger, h, "supervision" if s is not None else "level"), days=days,
                        later=later, limit=SUPERVISION_DAYS)
        else:
            try:
                due = str(h.found_on + timedelta(days=SUPERVISION_DAYS))
            except OverflowError:  # a hostile 9999-12-3x: say it without the date
                due = part("HJP255.within", days=SUPERVISION_DAYS)
            yield warning("HJP255.due", **_at(ledger, h, "supervision" if s is not None else "level"), later=later,
                          due=due)
