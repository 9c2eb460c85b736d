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
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Iterable

from hjp import kinds
from hjp.clock import day_of, zone
from hjp.deadlines import SELF_CONTAINED_KINDS
from hjp.diagnostics import Diagnostic, error, warning
from hjp.history import place_of, top_of
from hjp.messages import Part, part
from hjp.sealed import MARKER as SEALED_MARKER
from hjp.status import DeadlineState

if TYPE_CHECKING:
    from hjp.audit import AuditContext, AuditRule, CommitChange, RecordChange
    from hjp.auditscope import Scope
    from hjp.deadlines import Item

CLOCK_PAST_DAYS = 30  # in CI, a commit pushed for review dated longer ago than this is suspect
CLOCK_FUTURE_DAYS = 1
BACKDATE_DAYS = 7
DEADLINE_FIELDS = re.compile(r"^(rectification\.deadline|deadline|planned_on|milestones\[\d+\]\.due)$")
AUDIT_FREE_FIELDS = {"void", "notes"}  # what may still change on a closed (销号) record
MAJOR = "重大"  # a hazard's level determined under the 判定标准 (HJP510, HJP515)


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
            yield error("HJP501", rc.path, rc.line, 1, rc.id, id=rc.id, title=_title(rc.before))


def check_renumbered(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP502: a record's ID was changed (it disappeared while a record at least half equal to it
    appeared under a new ID). Reports, 督办清单 and commit messages cite IDs: they never change."""
    for rc in change.records:
        if rc.old_id is not None:
            yield error("HJP502", rc.path, rc.line, 1, rc.id, old_id=rc.old_id, id=rc.id)


# Event dates that are no completion: entering today a hazard found last month is not backdating.
NOT_COMPLETIONS = frozenset({"found_on"})


def backdated(change: CommitChange) -> list[tuple[RecordChange, str, date]]:
    """(record, field, date) of each completion date the commit set more than BACKDATE_DAYS before
    its day. Completion dates are the kinds' event dates (``kinds.Kind.future_dates`` and
    ``future_nested``: rectified_on, closed_on, done_on, held_on, a milestone's done_on, an
    occurrence's or a progress entry's date …) except NOT_COMPLETIONS; a list entry counts as set
    when its date was not in the list before (entries may be inserted anywhere, or reordered)."""
    day = change.day
    out: list[tuple[RecordChange, str, date]] = []
    for rc in change.records:
        kind = kinds.of_id(rc.id)
        if rc.after is None or kind is None:
            continue
        before = rc.before or {}
        for name, _label in kind.future_dates:
            new = rc.after.get(name)
            if name not in NOT_COMPLETIONS and new is not None and new != before.get(name):
                out.append((rc, name, _as_date(new)))
        for nested in kind.future_nested:
            had = Counter(_entry_values(before.get(nested.list_field), nested.field))
            for i, entry in enumerate(rc.after.get(nested.list_field) or [], 1):
                value = entry.get(nested.field) if isinstance(entry, dict) else None
                if value is not None and had[value] > 0:
                    had[value] -= 1
                elif value is not None:
                    out.append((rc, f"{nested.list_field}[{i}].{nested.field}", _as_date(value)))
    return [(rc, name, d) for rc, name, d in out if d is not None and (day - d).days > BACKDATE_DAYS]


def _entry_values(entries: Any, name: str) -> list[Any]:
    return [e.get(name) for e in entries or () if isinstance(e, dict) and e.get(name) is not None]


def check_backdated(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP503: a completion date (``backdated``: rectified_on, closed_on, done_on, held_on, the date
    of an occurrence or a progress entry …) set to more than BACKDATE_DAYS before the commit that
    set it: entered after the fact, or backdated.

    A rebase or cherry-pick gives a commit a new committer date and keeps its author date: an entry
    made on the day, rebased a week later (what HJP507's advice and GitHub's "Update branch" do),
    would read as backdated. A date within BACKDATE_DAYS of an author date earlier than the
    commit's own committer date is a warning saying so (HJP503.rebased): an author date can be set by hand, so
    it is listed rather than passed in silence."""
    day = change.day
    authored = _author_day(change, ctx)
    own = day_of(change.commit.ctime, ctx.tz)  # its own committer date: a faked pair of dates moves both
    for rc, name, d in backdated(change):
        if authored is not None and authored < own and 0 <= (authored - d).days <= BACKDATE_DAYS:
            yield warning("HJP503.rebased", rc.path, rc.line, 1, rc.id, id=rc.id, field=name, date=d, day=day,
                          days=(day - d).days, authored=authored)
        else:
            yield error("HJP503", rc.path, rc.line, 1, rc.id, id=rc.id, field=name, date=d, day=day, days=(day - d).days,
                        limit=BACKDATE_DAYS)


def _author_day(change: CommitChange, ctx: AuditContext) -> date | None:
    """The commit's author date, as a day in the ledger's zone (None when it does not read)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(change.commit.date).astimezone(zone(ctx.tz)).date()
    except (ValueError, TypeError):
        return None


def completion_moves(change: CommitChange) -> list[tuple[RecordChange, str, date, date]]:
    """(record, field, old, new) of each completion date (``backdated``'s fields) the record had
    before the commit and that the commit changed to another date. A list entry's date counts as
    changed when the list lost a date and gained another (paired in order)."""
    out: list[tuple[RecordChange, str, date, date]] = []
    for rc in change.records:
        kind = kinds.of_id(rc.id)
        if rc.after is None or rc.before is None or kind is None:
            continue
        for name, _label in kind.future_dates:
            old, new = _as_date(rc.before.get(name)), _as_date(rc.after.get(name))
            if name not in NOT_COMPLETIONS and old is not None and new is not None and old != new:
                out.append((rc, name, old, new))
        for nested in kind.future_nested:
            had = Counter(_entry_values(rc.before.get(nested.list_field), nested.field))
            has = Counter(_entry_values(rc.after.get(nested.list_field), nested.field))
            lost, gained = sorted((had - has).elements(), key=str), sorted((has - had).elements(), key=str)
            for old_v, new_v in zip(lost, gained):
                old, new = _as_date(old_v), _as_date(new_v)
                if old is not None and new is not None:
                    out.append((rc, f"{nested.list_field}[].{nested.field}", old, new))
    return out


def check_completion_moved(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP513: a completion date already registered (rectified_on, closed_on, done_on, held_on, an
    occurrence's or a progress entry's date …) changed to another date. Moving it later hides what
    it made owed (a hazard rectified long ago and never closed leaves 待销号 when its rectified_on
    becomes yesterday; HJP503 looks backwards only, and the change looked like a completion just
    registered); moving it earlier is HJP503's when far enough. More than BACKDATE_DAYS either way
    is an error; less is a typo put right, a warning (listed)."""
    for rc, name, old, new in completion_moves(change):
        days = abs((new - old).days)
        if days > BACKDATE_DAYS:
            yield error("HJP513", rc.path, rc.line, 1, rc.id, id=rc.id, field=name, old=old, new=new, days=days)
        else:
            yield warning("HJP513.small", rc.path, rc.line, 1, rc.id, id=rc.id, field=name, old=old, new=new, days=days,
                          limit=BACKDATE_DAYS)


def _deadline_moves(rc: RecordChange, day: date) -> list[tuple[str, date, date]]:
    """(field, old, new) of each deadline of the record moved later after it had passed by ``day``."""
    out = []
    for name, old, new in rc.changes if rc.after is not None else ():
        if DEADLINE_FIELDS.match(name) and old is not None and new is not None:
            d_old, d_new = _as_date(old), _as_date(new)
            if d_old is not None and d_new is not None and d_old < day and d_new > d_old:
                out.append((name, d_old, d_new))
    return out


def check_deadline_moved(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP504: a deadline (rectification.deadline, deadline, planned_on, a milestone's due) moved
    later after it had passed: that hides the overdue. (Any other way of hiding overdue work is
    ``check_overdue_hidden``'s.)"""
    for rc in change.records:
        for name, d_old, d_new in _deadline_moves(rc, change.day):
            yield error("HJP504", rc.path, rc.line, 1, rc.id, id=rc.id, field=name, old=d_old, new=d_new, day=change.day)


def check_deadline_extended(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP515: a deadline moved later before it was due (after, it is HJP504). Pushed a week the
    day before each due date, a hazard is never overdue and the county sees 整改中未逾期: every
    extension is listed (a warning). A 重大 hazard's rectification deadline is part of its approved
    五定 plan: its extension is an error unless the commit declares the approval (trailer
    ``延期批准: 文号``), then a warning naming it."""
    day = change.day
    approved = change.trailers.get("extension")
    for rc in change.records:
        if rc.before is None or rc.after is None:
            continue
        for name, old, new in rc.changes:
            if not DEADLINE_FIELDS.match(name):
                continue
            d_old, d_new = _as_date(old), _as_date(new)
            if d_old is None or d_new is None or d_new <= d_old or d_old < day:
                continue
            args = {"id": rc.id, "field": name, "old": d_old, "new": d_new, "day": day}
            major = rc.before.get("level") == MAJOR and name == "rectification.deadline"
            if major and approved is None:
                yield error("HJP515.major", rc.path, rc.line, 1, rc.id, **args)
            elif major:
                yield warning("HJP515.approved", rc.path, rc.line, 1, rc.id, approved=approved, **args)
            else:
                yield warning("HJP515", rc.path, rc.line, 1, rc.id, **args)


def _failing(ledger: Any, day: date, done_by: date | None = None) -> dict[str, tuple[str, Item]]:
    from hjp.deadlines import FAILING, compute

    found = compute(ledger, as_of=day, within=0, done_by=done_by)
    return {i.key: (bucket, i) for bucket in FAILING for i in getattr(found, bucket)}


def check_overdue_hidden(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP504: an item that was overdue (or stale, or awaiting closure: what ``hjp check`` fails on)
    as of the commit's day is not after it, and was not done — whatever field did it: a recurring
    task's start moved later, ``drill_required: false``, an overdue record voided, a unit's
    ``closed_on``, a hazard's ``found_on``, town.yaml's plan or ``coverage_from`` … An overdue item
    that is only stale after the commit has left too (``_left``: an overdue one-off task made
    ``ongoing: true``, which one progress note then clears). The deadlines
    (``hjp.deadlines``) are computed on the ledger just before and just after the commit
    (``CommitChange.scopes``). An item that went away because a completion was recorded is fine
    when that completion is dated within BACKDATE_DAYS of the commit; an older one is backdating:
    check_backdated's when the commit set that date itself, else this rule's, as HJP503 too (say a
    drill's kind changed to 疏散逃生 long after it was held). A deadline moved later is told by
    check_deadline_moved."""
    if not _may_hide(change):
        return
    day = change.day
    timely = day - timedelta(days=BACKDATE_DAYS + 1)
    told_late = {place_of(rc.path)[:2] for rc, _n, _d in backdated(change) if place_of(rc.path)}
    moved: set[str] | None = None
    for scope in change.scopes():
        after = _failing(scope.after, day)
        gone = {key: found for key, found in _failing(scope.before, day).items() if _left(found[0], after.get(key))}
        if not gone:
            continue
        undone = _failing(scope.after, day, date.min)  # as if nothing had been completed
        recent: dict[str, Any] | None = None
        for key, (bucket, item) in sorted(gone.items()):
            if item.id in scope.invalid or item.id not in scope.places:
                continue  # deleted, renumbered or invalid: HJP501, HJP502 or validation say so
            late = False
            if _still(bucket, undone.get(key)):  # a completion took it away: when is it dated?
                recent = _failing(scope.after, day, timely) if recent is None else recent
                if _still(bucket, recent.get(key)) or (scope.root, scope.village) in told_late:
                    continue
                late = True
            else:
                moved = {rc.id for rc in change.records if _deadline_moves(rc, day)} if moved is None else moved
                if item.id in moved:
                    continue
            path, line = scope.places[item.id]
            # a completion dated long before the commit is backdating, whichever field made it count
            yield error("HJP503.hidden" if late else "HJP504.hidden", path, line, 1, item.id,
                        **_hidden(change, scope, bucket, item))


# How much an item in each failing state owes: an overdue item that becomes only stale or awaiting
# closure has had its missed deadline taken away (a one-off task overdue for months made
# ``ongoing: true`` is merely stale, and one progress note then clears it).
_WEIGHT = {DeadlineState.OVERDUE.value: 2, DeadlineState.STALE.value: 1, DeadlineState.AWAITING_CLOSURE.value: 1}


def _left(bucket: str, now: tuple[str, Item] | None) -> bool:
    """Whether an item in ``bucket`` before the commit owes less after it (fails no more, or
    fails for less); comparing the failing items alone missed overdue → stale, both failing."""
    return now is None or _WEIGHT[now[0]] < _WEIGHT[bucket]


def _still(bucket: str, found: tuple[str, Item] | None) -> bool:
    """Whether ``found`` (the item computed some other way) owes at least what ``bucket`` did."""
    return found is not None and _WEIGHT[found[0]] >= _WEIGHT[bucket]


def _may_hide(change: CommitChange) -> bool:
    """False when the commit only adds records whose deadlines depend on themselves alone (new
    hazards): nothing that was overdue can have gone. Saves loading models for most such commits."""
    if any(p == "town.yaml" or p.endswith("/town.yaml") for _o, _n, _s, p in change.commit.changes):
        return True
    for rc in change.records:
        where = place_of(rc.path)
        if rc.before is not None or where is None or where[2].stem not in SELF_CONTAINED_KINDS:
            return True
    return False


def _hidden(change: CommitChange, scope: Scope, bucket: str, item: Item) -> dict[str, Any]:
    """The arguments of HJP503.hidden / HJP504.hidden: the item, its state then, what the commit did."""
    from hjp.deadlines import CLOSURE_DAYS, KIND_NAMES, STALE_DAYS

    state, limit = {DeadlineState.OVERDUE: ("audit.state.overdue", None),
                    DeadlineState.STALE: ("audit.state.stale", STALE_DAYS),
                    DeadlineState.AWAITING_CLOSURE: ("audit.state.awaiting_closure", CLOSURE_DAYS)}[DeadlineState(bucket)]
    return {"kind": KIND_NAMES.get(item.kind, item.kind), "key": item.key, "title": item.title, "day": change.day,
            "state": part(state, days=item.days, due=item.due, limit=limit),
            "what": _what_changed(change, scope, item.id), "limit": BACKDATE_DAYS}


def _what_changed(change: CommitChange, scope: Scope, rid: str) -> Part:
    """What the commit did that the item depends on, in a few words."""
    own = next((rc for rc in change.records if rc.id == rid and rc.after is not None), None)
    if own is not None:
        if own.after.get("void") is not None and (own.before or {}).get("void") is None:
            return part("audit.what.voided")
        return part("audit.what.changed", parts=[_fields(own)])
    others = [rc for rc in change.records if place_of(rc.path) and place_of(rc.path)[:2] == (scope.root, scope.village)]
    parts = [part("audit.what.record", id=rc.id, fields=_fields(rc)) if rc.before is not None
             else part("audit.what.added", id=rc.id) for rc in others[:3]]
    if scope.town_changes:
        parts.append(part("audit.what.town", fields=scope.town_changes[:5]))
    return part("audit.what.changed", parts=parts) if parts else part("audit.what.nothing")


def _fields(rc: RecordChange) -> Part:
    names = [name for name, _o, _n in rc.changes]
    return part("audit.fields", names=names[:5], more=part("word.etc") if len(names) > 5 else "")


def check_closed_edited(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP505: a closed (销号) hazard was edited other than by voiding it or adding to its notes.
    Sealing its reporter is no edit: ``reporter`` becoming 已密封 while the same commit adds the
    hazard's sealed file (what ``hjp seal migrate`` does, following HJP240's advice) — nearly
    every old 举报 record is closed, and the clerk could not have fixed the finding."""
    sealed: set[str] | None = None
    for rc in change.records:
        old = rc.before
        if old is None or rc.after is None or old.get("closed_on") is None or not rc.id.startswith("YH"):
            continue
        edited = [name for name, _o, _n in rc.changes if name.split(".")[0].split("[")[0] not in AUDIT_FREE_FIELDS]
        if "reporter" in edited and rc.after.get("reporter") == SEALED_MARKER:
            sealed = _sealed_added(change) if sealed is None else sealed
            where = place_of(rc.path)
            if where is not None and _join(where[0], f"sealed/{rc.id}.age") in sealed:
                edited.remove("reporter")
        if edited:
            yield error("HJP505", rc.path, rc.line, 1, rc.id, id=rc.id, closed_on=str(old["closed_on"]), fields=edited)


def check_downgraded(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP510: a hazard's level changed from 重大 to anything else. A 重大事故隐患 is determined
    under the 判定标准 and reported to the county on its own (挂牌督办, the report's 重大 figures
    and its list of overdue 重大隐患): lowering it is what an inspector looks for first. It stands
    only as a declared re-assessment: the commit's message ends with a trailer ``隐患降级: 依据``
    and the record's notes gain the basis in the same commit; then it is a warning, listed, so
    the audit still shows every downgrade. Raising a level is no finding."""
    declared = change.trailers.get("downgrade")
    for rc in change.records:
        before, after = rc.before, rc.after
        if before is None or after is None or before.get("level") != MAJOR or after.get("level") == MAJOR:
            continue
        if not rc.id.startswith("YH"):
            continue
        args = {"id": rc.id, "title": _title(after), "new": str(after.get("level") or "—")}
        notes = after.get("notes")
        if declared is None:
            yield error("HJP510", rc.path, rc.line, 1, rc.id, **args)
        elif not notes or notes == before.get("notes"):
            yield error("HJP510.no_notes", rc.path, rc.line, 1, rc.id, declared=declared, **args)
        else:
            yield warning("HJP510.declared", rc.path, rc.line, 1, rc.id, declared=declared, **args)


def _sealed_added(change: CommitChange) -> set[str]:
    """The sealed files (``…/sealed/<ID>.age``) the commit added."""
    return {path for _o, _n, status, path in change.commit.changes
            if status.startswith("A") and path.endswith(".age") and "sealed/" in path}


def _join(root: str, rel: str) -> str:
    return f"{root}/{rel}" if root else rel


# The date a drill, an inspection or a training was held, by the kind's file stem, and what may
# still change on one held long ago (HJP514): what is added to the record, not what it says happened.
HELD_ON = {"drills": "held_on", "inspections": "date", "trainings": "date"}
HELD_FREE_FIELDS = {"void", "notes", "evidence", "findings"}  # findings: an inspection's hazards, linked as entered


def check_held_edited(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP514: a drill, inspection or training held more than BACKDATE_DAYS before the commit was
    edited other than by voiding it or adding notes, evidence or the hazards an inspection found:
    participants ×10 on every held drill passed the audit and the report's 人次 grew tenfold.
    The held date itself is HJP513's. Like a closed hazard (HJP505), what happened stays as
    entered; an honest correction is explained in notes and the merge request."""
    for rc in change.records:
        kind = kinds.of_id(rc.id)
        name = HELD_ON.get(kind.stem) if kind is not None else None
        if name is None or rc.before is None or rc.after is None:
            continue
        held = _as_date(rc.before.get(name))
        if held is None or (change.day - held).days <= BACKDATE_DAYS:
            continue
        edited = [f for f, _o, _n in rc.changes if f.split(".")[0].split("[")[0] not in HELD_FREE_FIELDS | {name}]
        if edited:
            yield error("HJP514", rc.path, rc.line, 1, rc.id, id=rc.id, held_on=held, fields=edited)


def check_unreadable(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP508 (unresolved merge-conflict markers) and HJP509 (any other reason): the commit left a
    record file that cannot be read. Its records are not compared in this commit: the next commit
    that makes the file readable is compared with the last readable version before it, so nothing
    deleted or changed in between escapes. A warning: the break itself hides nothing."""
    for b in change.broken:
        if b.problem is None:
            yield warning("HJP508", b.path, b.line, file=b.path, line_no=b.line)
        else:
            yield warning("HJP509", b.path, b.line, file=b.path, problem=b.problem)


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
    yield error("HJP506", _commit_place(change), own=own, source=t.source[:7], floor=floor, days=(floor - own).days)


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
        yield error("HJP507.future", _commit_place(change), own=own, clock=ctx.clock, days=ahead)
    elif -ahead > CLOCK_PAST_DAYS:
        yield error("HJP507.past", _commit_place(change), own=own, clock=ctx.clock, days=-ahead, limit=CLOCK_PAST_DAYS)


from hjp.sealaudit import SEALED_AUDIT_RULES  # noqa: E402  (HJP520-HJP524: the sealed 举报人 store)

AUDIT_RULES: list[AuditRule] = [
    check_deleted,
    check_renumbered,
    check_backdated,
    check_deadline_moved,
    check_deadline_extended,
    check_overdue_hidden,
    check_closed_edited,
    check_downgraded,
    check_completion_moved,
    check_held_edited,
    check_unreadable,
    check_dates_backwards,
    check_commit_clock,
    *SEALED_AUDIT_RULES,
]
