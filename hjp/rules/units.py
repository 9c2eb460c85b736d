"""Rules on units' classification: 统一社会信用代码 (GB 32100-2015) and 分级分类."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp import creditcode
from hjp.diagnostics import Diagnostic, error, warning
from hjp.messages import part
from hjp.rules.records import _at
from hjp.schema_errors import did_you_mean

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext


def check_credit_codes(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP250 a code of the wrong structure; HJP251 a wrong check character (naming the right one);
    HJP252 two units (not voided) with one code: one legal entity registered twice."""
    seen: dict[str, str] = {}
    for _slug, u in ledger.units():
        code = u.credit_code
        if code is None:
            continue
        problem = creditcode.problem(code)
        if problem is not None:
            yield error("HJP250", **_at(ledger, u, "credit_code"), code=code, problem=problem)
            continue
        want = creditcode.expected_check(code)
        if want is not None:
            yield error("HJP251", **_at(ledger, u, "credit_code"), code=code, want=want, got=code[17])
            continue
        if u.void is not None:
            continue
        first = seen.setdefault(code, u.id)
        if first != u.id:
            yield warning("HJP252", **_at(ledger, u, "credit_code"), code=code, first=first)


def check_unit_grades(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP253: a grade outside town.yaml's ``unit_grades`` (default 重点、一般)."""
    if ledger.town is None:
        return
    grades = ledger.town.unit_grades
    allowed = set(grades)
    for _slug, u in ledger.units():
        if u.grade is not None and u.grade not in allowed:
            hint = did_you_mean(u.grade, grades) or part("HJP253.choices", grades=grades)
            yield error("HJP253", **_at(ledger, u, "grade"), grade=u.grade, hint=hint)
