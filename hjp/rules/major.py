"""Rules on 重大事故隐患: the 判定依据 and 挂牌督办 the county reads as 动态清零 evidence."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error, warning
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
            yield error("HJP254", "重大隐患须写明判定依据 basis（所依据的判定标准及条款）；"
                                  "请补上，例如 basis: 《工贸企业重大事故隐患判定标准》第四条第（一）项",
                        **_at(ledger, h, "level"))


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
        later = "" if s is None else f"（supervision.since {s.since} 晚于{'今天' if ctx.is_today else '计算日期'}）"
        if days > SUPERVISION_DAYS:
            yield error("HJP255", f"重大隐患发现已 {days} 天仍未挂牌督办{later}，超过了 {SUPERVISION_DAYS} 天；"
                                  "请写明 supervision: {level: 镇级|县级|市级, since: 挂牌日期}",
                        **_at(ledger, h, "supervision" if s is not None else "level"))
        else:
            try:
                due = str(h.found_on + timedelta(days=SUPERVISION_DAYS))
            except OverflowError:  # a hostile 9999-12-3x: say it without the date
                due = f"发现后 {SUPERVISION_DAYS} 天"
            yield warning("HJP255", f"重大隐患尚未挂牌督办{later}；须在 {due} 前挂牌督办，"
                                    "请写明 supervision: {level: 镇级|县级|市级, since: 挂牌日期}",
                          **_at(ledger, h, "supervision" if s is not None else "level"))
