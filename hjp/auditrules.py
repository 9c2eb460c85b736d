"""The audit rules: what a commit must not do to the ledger (HJP501–HJP519).

Each rule is a plain function ``(change, ctx) -> Iterable[Diagnostic]`` over one commit's
``audit.CommitChange`` and listed in ``AUDIT_RULES``, like the validation rules in ``rules.RULES``.
Its docstring says what it flags and why. Place a diagnostic at the record it concerns
(``rc.path``, ``rc.line``: repository-relative, the runner leaves display to ``output``); the
message is Chinese, names the record and field, and ends with the fix after ``；`` — the commit
(hash, author, date) is added by the reporter, so do not repeat it. Count days from ``change.day``
(the commit's date in the ledger's zone), never from the clock.

Adding a rule: write the function here (or in a module of its own imported here), append it to
``AUDIT_RULES``, take the next free code of the audit range, document it in docs/codes.md with an
example and the fix, and test it on a real repository (tests/cli/test_log_audit.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable

from hjp.clock import day_of
from hjp.diagnostics import Diagnostic, error, warning
from hjp.history import top_of

if TYPE_CHECKING:
    from hjp.audit import AuditContext, AuditRule, CommitChange

BACKDATE_FIELDS = ("rectified_on", "closed_on", "done_on", "held_on")
CLOCK_PAST_DAYS = 30  # in CI, a commit pushed for review dated longer ago than this is suspect
CLOCK_FUTURE_DAYS = 1
BACKDATE_DAYS = 7
DEADLINE_FIELDS = re.compile(r"^(rectification\.deadline|deadline|planned_on|milestones\[\d+\]\.due)$")
AUDIT_FREE_FIELDS = {"void", "notes"}  # what may still change on a closed (销号) record


def _as_date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def _title(rec: dict[str, Any]) -> str:
    return str(rec.get("title") or rec.get("name") or "")


def check_deleted(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP501: a record was deleted. Records are never deleted; one entered in error is voided, so
    that it stays in the ledger (and in reports' reconciliations) with the reason."""
    for rc in change.records:
        if rc.after is None and rc.before is not None:
            yield error("HJP501", f"{rc.id}（{_title(rc.before)}）被删除，而不是作废；记录不能删除，请恢复它，"
                                  "录入错误时加上 void: {date: 日期, reason: 原因}", rc.path, rc.line, 1, rc.id)


def check_renumbered(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP502: a record's ID was changed (it disappeared while a record at least half equal to it
    appeared under a new ID). Reports, 督办清单 and commit messages cite IDs: they never change."""
    for rc in change.records:
        if rc.old_id is not None:
            yield error("HJP502", f"编号 {rc.old_id} 被改成了 {rc.id}；编号一经使用不能更改，请恢复原编号"
                                  "（录入错误的记录请作废后另行新建）", rc.path, rc.line, 1, rc.id)


def check_backdated(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP503: a completion date (rectified_on, closed_on, done_on, held_on) set to more than
    BACKDATE_DAYS before the commit that set it: entered after the fact, or backdated."""
    day = change.day
    for rc in change.records:
        if rc.after is None:
            continue
        for name, _old, new in rc.changes:
            if name.split(".")[-1] in BACKDATE_FIELDS and new is not None:
                d = _as_date(new)
                if d is not None and (day - d).days > BACKDATE_DAYS:
                    yield error("HJP503", f"{rc.id} 的 {name} 记为 {d}，比设置它的提交日期 {day} 早 {(day - d).days} 天"
                                          f"（超过 {BACKDATE_DAYS} 天），疑似事后补记或倒签日期；请核实",
                                rc.path, rc.line, 1, rc.id)


def check_deadline_moved(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP504: a deadline (rectification.deadline, deadline, planned_on, a milestone's due) moved
    later after it had passed: that hides the overdue."""
    day = change.day
    for rc in change.records:
        if rc.after is None:
            continue
        for name, old, new in rc.changes:
            if DEADLINE_FIELDS.match(name) and old is not None and new is not None:
                d_old, d_new = _as_date(old), _as_date(new)
                if d_old is not None and d_new is not None and d_old < day and d_new > d_old:
                    yield error("HJP504", f"{rc.id} 的期限 {name} 在 {d_old} 已过之后被推迟到 {d_new}（提交日期 {day}）；"
                                          "期限过后不应改动，逾期应如实反映", rc.path, rc.line, 1, rc.id)


def check_closed_edited(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP505: a closed (销号) hazard was edited other than by voiding it or adding to its notes."""
    for rc in change.records:
        old = rc.before
        if old is None or rc.after is None or old.get("closed_on") is None or not rc.id.startswith("YH"):
            continue
        edited = [name for name, _o, _n in rc.changes if name.split(".")[0].split("[")[0] not in AUDIT_FREE_FIELDS]
        if edited:
            yield error("HJP505", f"{rc.id} 已于 {old['closed_on']} 销号，之后又被修改了 {'、'.join(edited)}；"
                                  "销号后的记录只能作废或补充备注 notes", rc.path, rc.line, 1, rc.id)


def check_unreadable(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP508 (unresolved merge-conflict markers) and HJP509 (any other reason): the commit left a
    record file that cannot be read. Its records are not compared in this commit: the next commit
    that makes the file readable is compared with the last readable version before it, so nothing
    deleted or changed in between escapes. A warning: the break itself hides nothing."""
    for b in change.broken:
        if b.problem is None:
            yield warning("HJP508", f"{b.path} 提交时含有未解决的合并冲突标记（第 {b.line} 行）；这一版无法读取，其中的记录"
                                    "不作比较，之后解决冲突的提交与冲突之前的版本比较；请确认冲突已解决（hjp validate 通过）",
                          b.path, b.line)
        else:
            yield warning("HJP509", f"{b.path} 提交时无法读取（{b.problem}）；这一版的记录不作比较，之后改好的提交与"
                                    "出错之前的版本比较；请确认文件已改好（hjp validate 通过）", b.path, b.line)


def _commit_place(change: CommitChange) -> str:
    """Where a finding about the commit itself is shown: the first ledger file it changed."""
    paths = [ch[3] for ch in change.commit.changes]
    return next((p for p in paths if top_of(p)), paths[0] if paths else ".")


def check_dates_backwards(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP506: the commit's recorded date is more than a day before a commit it builds on, which is
    impossible: the date was set by hand (``GIT_COMMITTER_DATE``) or the maker's clock was wrong.
    The other checks count from the later date (``change.day``), so a backdated commit cannot hide
    backdated entries or extended deadlines."""
    t = change.time
    if t is None or not t.runs_backwards:
        return
    own, floor = day_of(t.ctime, ctx.tz), day_of(t.floor, ctx.tz)
    yield error("HJP506", f"这次提交记录的提交日期 {own} 比它之前的提交 {t.source[:7]}（{floor}）还早 {(floor - own).days} 天，"
                          "日期顺序颠倒：提交日期被改动过（例如设置了 GIT_COMMITTER_DATE）或电脑时钟不准；"
                          f"倒签和延期按 {floor} 检查；请核对电脑的日期和时钟，并在合并请求中说明", _commit_place(change))


def check_commit_clock(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP507 (in CI, auditing a merge request's commits): a commit dated more than
    CLOCK_FUTURE_DAYS after the run's date, or more than CLOCK_PAST_DAYS before it. Commits pushed
    for review were just made; a date far from the CI machine's clock was set by hand or by a
    wrong clock, and would shift what the backdating and deadline checks count from."""
    if ctx.clock is None:
        return
    own = day_of(change.commit.ctime, ctx.tz)
    ahead = (own - ctx.clock).days
    if ahead > CLOCK_FUTURE_DAYS:
        yield error("HJP507", f"提交日期 {own} 比本次检查的日期 {ctx.clock} 晚 {ahead} 天：提交时电脑的日期不对，"
                              "或提交日期被改动过；请核对电脑的日期和时钟，再用 git rebase --ignore-date 重新提交这些修改",
                    _commit_place(change))
    elif -ahead > CLOCK_PAST_DAYS:
        yield error("HJP507", f"提交日期 {own} 比本次检查的日期 {ctx.clock} 早 {-ahead} 天（超过 {CLOCK_PAST_DAYS} 天）："
                              "合并请求中的提交应是新近做的，提交日期可能被改动过（例如设置了 GIT_COMMITTER_DATE）；"
                              "如确是早先做的修改，请变基到最新的基础分支（git rebase）后重新推送", _commit_place(change))


from hjp.sealaudit import SEALED_AUDIT_RULES  # noqa: E402  (HJP520-HJP524: the sealed 举报人 store)

AUDIT_RULES: list[AuditRule] = [
    check_deleted,
    check_renumbered,
    check_backdated,
    check_deadline_moved,
    check_closed_edited,
    check_unreadable,
    check_dates_backwards,
    check_commit_clock,
    *SEALED_AUDIT_RULES,
]
