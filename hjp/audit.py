"""``hjp audit``: each commit that changed the ledger, compared with its parent, through the audit rules.

A commit becomes a ``CommitChange``: the records it created, changed, moved, renumbered or deleted,
each with its value before and after (``RecordChange``). Every rule in ``auditrules.AUDIT_RULES``
looks at it and yields diagnostics — the one ``Diagnostic`` type, its path relative to the
repository — so an audit rule is written like a validation rule. A rule that crashes becomes an
HJP900 diagnostic and the other rules still run. The runner pairs each diagnostic with its commit;
``output.audit_report`` renders them. Every change is compared with the commit's own parent, so
branches need no special care; a merge is audited for its own changes only, those in none of its
parents (``_merge_own``: a deadline pushed while resolving a conflict), the rest having been
audited in the commits it merges.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from hjp.clock import DEFAULT_TZ, day_of, zone
from hjp.diagnostics import Diagnostic, Severity
from hjp.paths import display_path
from hjp.gitio import NULL_SHA, Commit, Git, GitError, has_commits, iter_log
from hjp.history import (Records, Slice, conflict_line, diff, file_records, flatten, place_of, slice_record, split_records,
                         top_of, unreadable_at)
from hjp.messages import Part, part

if TYPE_CHECKING:
    from hjp.auditscope import Scope, ScopeReader


@dataclass
class RecordChange:
    """One record as a commit left it: ``before`` None when created, ``after`` None when deleted."""

    id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    path: str  # repository-relative: where it stands after the commit (before it, when deleted)
    line: int
    old_id: str | None = None  # the ID it had before the commit, when the commit changed it
    _changes: list[tuple[str, Any, Any]] | None = field(default=None, repr=False)

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) for every field that differs (``history.diff``)."""
        if self._changes is None:
            self._changes = diff(self.before, self.after)
        return self._changes


@dataclass(frozen=True)
class BrokenFile:
    """A record file the commit left unreadable: its records are compared across it, not with it."""

    path: str
    line: int
    problem: Part | None  # the reader's message; None for unresolved merge-conflict markers


@dataclass(frozen=True)
class CommitTime:
    """When a commit was made, as far as history can tell.

    A commit's recorded time is whatever its maker's clock or ``GIT_COMMITTER_DATE`` said; but it
    cannot be older than any commit it builds on. ``floor`` is the latest recorded time among the
    commit and its ancestors (``source`` the commit that has it): the checks count from it.
    """

    ctime: int  # recorded committer time, Unix seconds
    floor: int
    source: str

    @property
    def runs_backwards(self) -> bool:
        return self.floor - self.ctime > DAY


@dataclass
class CommitChange:
    """What one commit did to the ledger, as the audit rules see it."""

    commit: Commit
    day: date  # the day the checks count from: the commit's date (its floor) in the ledger's zone
    records: list[RecordChange]
    broken: list[BrokenFile] = field(default_factory=list)
    time: CommitTime | None = None  # None: not known (a commit outside the audited range)
    trailers: dict[str, str] = field(default_factory=dict)  # what its message declares (``declared``)
    scope_source: Callable[[CommitChange], list[Scope]] | None = field(default=None, repr=False)
    _scopes: list[Scope] | None = field(default=None, repr=False)

    def scopes(self) -> list[Scope]:
        """The ledger just before and after the commit, as far as it could change the deadlines
        (``auditscope``: loaded on first use, only by the rules that need it)."""
        if self._scopes is None:
            self._scopes = self.scope_source(self) if self.scope_source is not None else []
        return self._scopes


@dataclass(frozen=True)
class AuditContext:
    tz: str  # the ledger's time zone
    # a blob's text by id (None for a missing one): for rules on files other than record files
    blob: Callable[[str], str | None] | None = None
    # The run's date in the ledger's zone, for comparing commit dates with the clock: given in CI
    # (where the commits audited were just pushed), None elsewhere.
    clock: date | None = None
    # A directory's files at a commit, name -> blob id (None: not known): for comparing a file
    # with its neighbours (a sealed file copied over another, HJP511)
    tree: Callable[[str, str], dict[str, str]] | None = None
    # The merge base of two commits (None: none): for what a merge dropped of one side (HJP511)
    merge_base: Callable[[str, str], str | None] | None = None


DAY = 86_400


AuditRule = Callable[[CommitChange, AuditContext], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Backfill:
    """A commit that copies older records in (from a paper ledger): its backdated dates are notices."""

    commit: Commit
    declared: str | None  # what its ``台账补录:`` trailer says; None: the commit that created the ledger
    notices: int  # findings it turned into notices


@dataclass
class AuditResult:
    commits: int  # commits that changed the ledger, audited
    findings: list[tuple[Commit, Diagnostic]]  # oldest commit first; each commit's sorted by place
    tz: str = DEFAULT_TZ  # the ledger's time zone, which dates are shown in
    backfills: list[Backfill] = field(default_factory=list)  # declared back-fills among the commits audited
    top: Path = field(default_factory=Path)  # the repository's work tree: findings' paths are relative to it

    def display(self, path: str) -> str:
        """A finding's path as the clerk's commands show paths (relative to the current directory)."""
        return display_path(self.top / path, self.top, str(self.top))


def _similar(a: dict[str, Any], b: dict[str, Any]) -> float:
    fa = {k: v for k, v in flatten(a).items() if k != "id"}
    fb = {k: v for k, v in flatten(b).items() if k != "id"}
    keys = set(fa) | set(fb)
    return sum(1 for k in keys if fa.get(k) == fb.get(k)) / len(keys) if keys else 1.0


class Versions:
    """Record files' versions as the audit reads them, each blob read once.

    Most commits change one or two records of a file: both versions are cut into record slices
    (``history.split_records``) and only the slices that differ are parsed, usually without PyYAML
    (``quickyaml``). A file laid out otherwise, or a slice that does not read alone, is parsed whole.
    """

    def __init__(self, git: Git):
        self.git = git
        self._slices: dict[str, list[Slice] | None] = {}  # blob -> its slices (None: another layout)
        self._records: dict[str, dict[str, Any] | None] = {}  # slice text -> the record it holds
        self._whole: dict[str, Records | None] = {}  # blob -> the whole file's records

    def forget(self, keep: set[str]) -> None:
        """Drop what was read, except the blobs in ``keep`` (audit reads history in batches)."""
        self._slices = {k: v for k, v in self._slices.items() if k in keep}
        self._whole = {k: v for k, v in self._whole.items() if k in keep}
        kept = {sl.text for v in self._slices.values() for sl in v or ()}
        self._records = {k: v for k, v in self._records.items() if k in kept}

    def _split(self, blob: str, path: str) -> list[Slice] | None:
        if blob not in self._slices:
            text = self.git.blob(blob)
            self._slices[blob] = [] if text is None else split_records(text, top_of(path) or "")
        return self._slices[blob]

    def _read(self, slices: Iterable[Slice], path: str) -> Records | None:
        out: Records = {}
        for sl in slices:
            if sl.text not in self._records:
                self._records[sl.text] = slice_record(sl.text, path)
            rec = self._records[sl.text]
            rid = rec.get("id") if rec is not None else None
            if not isinstance(rid, str):
                return None  # only the whole file can say what this slice is
            out.setdefault(rid, (rec, sl.line))
        return out

    def whole(self, blob: str, path: str) -> Records | None:
        if blob not in self._whole:
            self._whole[blob] = file_records(self.git.blob(blob), path)
        return self._whole[blob]

    def ids(self, blob: str, path: str) -> set[str]:
        """Every record ID in a version of a file."""
        slices = self._split(blob, path)
        if slices is not None and all(sl.id for sl in slices):
            return {sl.id for sl in slices if sl.id}
        return set(self.whole(blob, path) or {})

    def change(self, old: str, new: str, path: str, parent: str | None) -> tuple[Records, Records] | BrokenFile:
        """(records only in the old version, records only in the new one) of one file — a record in
        both with the same text is in neither — or the new version's problem when it cannot be read.
        An old version that cannot be read is replaced by the last one before it that can
        (``parent``: the commit whose version ``old`` is)."""
        text = self.git.blob(new)
        line = conflict_line(text)
        if line is not None:
            return BrokenFile(path, line, None)
        so, sn = self._split(old, path), self._split(new, path)
        if so is not None and sn is not None:
            gone, came = _unmatched(so, sn), _unmatched(sn, so)
            before, after = self._read(gone, path), self._read(came, path)
            if before is not None and after is not None:
                return before, after
        now = self.whole(new, path)
        if now is None:
            assert text is not None
            return BrokenFile(path, *unreadable_at(text, path))
        was = self.whole(old, path)
        if was is None and parent is not None:
            was = self.whole(self.last_good(path, parent), path)
        return was or {}, now

    def last_good(self, path: str, rev: str) -> str:
        """The newest version of ``path`` at or before ``rev`` (along first parents) that reads;
        the null blob when there is none."""
        log = iter_log(self.git, ["--first-parent", rev], [path])
        try:
            for commit in log:
                ch = commit.change(path)
                if ch is None:
                    continue
                if ch[1] == NULL_SHA:
                    break
                if conflict_line(self.git.blob(ch[1])) is None and self.whole(ch[1], path) is not None:
                    return ch[1]
        finally:
            log.close()
        return NULL_SHA


def _unmatched(these: list[Slice], others: list[Slice]) -> list[Slice]:
    left = Counter(sl.text for sl in others)
    out = []
    for sl in these:
        if left[sl.text]:
            left[sl.text] -= 1
        else:
            out.append(sl)
    return out


def tree_of(git: Git, rev: str, path: str) -> dict[str, str]:
    """The files directly in directory ``path`` at ``rev``: name -> blob id ({} when there is none)."""
    out: dict[str, str] = {}
    for entry in git.run("ls-tree", "-z", f"{rev}:{path}", check=False).split("\0"):
        meta, _tab, name = entry.partition("\t")
        parts = meta.split()
        if name and len(parts) == 3 and parts[1] == "blob":
            out[name] = parts[2]
    return out


def commit_times(git: Git, revs: list[str]) -> Iterator[str]:
    """Start listing every commit of ``revs`` (and the commits just outside it) with its parents and
    time, for ``floors``: the whole history of the range, not only the commits that changed the
    ledger, since a commit's floor comes through its ancestors whatever they changed."""
    # Parents before children; --boundary adds the range's excluded parents (marked "-") first.
    return git.lines("log", "--boundary", "--reverse", "--date-order", "--format=%m %H %P %ct", *revs)


def floors(lines: Iterable[str], *, until: int | None = None) -> dict[str, CommitTime]:
    """Each commit's ``CommitTime`` from ``commit_times``' lines. A commit dated after ``until`` (a
    Unix time: the end of the run's day) raises no floor: its clock was wrong, not its children's."""
    times: dict[str, CommitTime] = {}
    for line in lines:
        mark, sha, *rest = line.split()
        ctime = int(rest[-1])
        best = CommitTime(ctime, ctime, sha)
        for parent in rest[:-1] if mark != "-" else ():
            t = times.get(parent)
            if t is not None and t.floor > best.floor and (until is None or t.floor <= until):
                best = CommitTime(ctime, t.floor, t.source)
        times[sha] = best
    return times


class _Scopes:
    """``CommitChange.scope_source`` for one audit: the models' machinery is imported only when a
    rule first asks (``hjp audit`` over commits that change no deadline never loads pydantic)."""

    def __init__(self, versions: Versions):
        self.versions = versions
        self.reader: ScopeReader | None = None

    def __call__(self, change: CommitChange) -> list[Scope]:
        if self.reader is None:
            from hjp.auditscope import ScopeReader

            self.reader = ScopeReader(self.versions)
        return self.reader.scopes(change)

    def forget(self) -> None:
        if self.reader is not None:
            self.reader.forget()


def commit_change(versions: Versions, commit: Commit, tz: str, time: CommitTime | None = None) -> CommitChange:
    """The records ``commit`` changed, each compared with the commit's parent.

    A record that disappears while a new one very like it appears under another ID was renumbered;
    one that disappears from a file but is still in another of the commit's files was not deleted.
    """
    before: dict[str, tuple[dict[str, Any], str, int]] = {}
    after: dict[str, tuple[dict[str, Any], str, int]] = {}
    broken: list[BrokenFile] = []
    files = [(old, new, path) for old, new, _st, path in commit.changes if top_of(path)]
    parent = commit.parents[0] if commit.parents else None
    bases: dict[str, str] = {}  # a merge's other parents -> their merge base with the first
    for old, new, path in files:
        found = versions.change(old, new, path, parent)
        if isinstance(found, BrokenFile):
            broken.append(found)
            continue
        gone, came = found
        if len(commit.parents) > 1:  # a merge: only its own changes (the rest was audited in its parents)
            gone, came = _merge_own(versions, commit, path, new, gone, came, bases)
        for rid, (rec, line) in gone.items():
            before.setdefault(rid, (rec, path, line))
        for rid, (rec, line) in came.items():
            after.setdefault(rid, (rec, path, line))
    files = [f for f in files if f[2] not in {b.path for b in broken}]
    still: set[str] = set()  # IDs the commit's files hold after it, and before it
    was: set[str] = set()
    if any(r not in after for r in before) or any(r not in before for r in after):
        for old, new, path in files:
            still |= versions.ids(new, path)
            was |= versions.ids(old, path)
    out: list[RecordChange] = []
    added = [r for r in after if r not in before and r not in was]
    renamed: dict[str, str] = {}  # new id -> old id
    duplicate: dict[str, str] = {}  # new id -> the old id it had besides another record
    for rid in (r for r in before if r not in after and r not in still):
        rec, path, line = before[rid]
        best = max(((_similar(rec, after[n][0]), n) for n in added if n not in renamed and n not in duplicate),
                   default=(0.0, ""))
        if best[0] >= 0.5 and _held_elsewhere(versions.git, commit.sha, path, rid):
            # The ID stays on another record: this one was renumbered to end a duplicate ID (two
            # copies of the ledger gave one ID twice; HJP201 asks for a new ID): no renumbering.
            duplicate[best[1]] = rid
        elif best[0] >= 0.5:
            renamed[best[1]] = rid
        else:
            out.append(RecordChange(rid, rec, None, path, line))
    for rid, (rec, path, line) in after.items():
        old_id = renamed.get(rid)
        prior = before.get(old_id or duplicate.get(rid) or rid)
        if prior is not None and prior[0] == rec or prior is None and rid in was:
            continue
        out.append(RecordChange(rid, prior[0] if prior else None, rec, path, line, old_id))
    return CommitChange(commit, day_of(time.floor if time else commit.ctime, tz), out, broken, time)


def _held_elsewhere(git: Git, sha: str, path: str, rid: str) -> bool:
    """Whether a record with ID ``rid`` is in the ledger at ``sha`` (any record file under the
    ledger directory of ``path``). Asked only of a record that looks renumbered: rare."""
    where = place_of(path)
    root = where[0] if where is not None else ""
    pattern = rf"(^|[-{{ ,])id:[ ]*['\"]?{re.escape(rid)}['\"]?([ ,}}]|$)"
    found = git.run("grep", "-l", "-E", "-e", pattern, sha, "--", f"{root}/" if root else ".", check=False)
    return bool(found.strip())


def _merge_own(versions: Versions, commit: Commit, path: str, new: str, gone: Records, came: Records,
               bases: dict[str, str]) -> tuple[Records, Records]:
    """(gone, came) of one file of a merge, less what the merge took from another parent.

    The merge is compared with its first parent. A record that differs from it is the merge's
    own change (an "evil merge": a deadline pushed while resolving a conflict), unless it is as
    some other parent left it and that parent had changed it since the merge base: then it was
    audited in that parent's commits. Taking a parent's side of a record that parent never touched
    reverts the first parent's change, which is the merge's own again.
    """
    git = versions.git
    excused: set[str] = set()
    ids = set(gone) | set(came)
    for other in commit.parents[1:]:
        if other not in bases:
            bases[other] = git.run("merge-base", commit.parents[0], other, check=False).strip() or NULL_SHA
        theirs = versions.whole(f"{other}:{path}", path) or {}
        base = versions.whole(f"{bases[other]}:{path}", path) or {} if bases[other] != NULL_SHA else {}
        for rid in ids - excused:
            mine = came.get(rid, (None,))[0]
            if (theirs.get(rid) or (None,))[0] == mine and (base.get(rid) or (None,))[0] != mine:
                excused.add(rid)
    return ({k: v for k, v in gone.items() if k not in excused}, {k: v for k, v in came.items() if k not in excused})


def run_rules(change: CommitChange, ctx: AuditContext, rules: list[AuditRule] | None = None) -> list[Diagnostic]:
    """Every audit rule's diagnostics for one commit, sorted by place (a crash is an HJP900)."""
    from hjp.auditrules import AUDIT_RULES
    from hjp.rules import rule_crashed

    out: list[Diagnostic] = []
    for rule in AUDIT_RULES if rules is None else rules:
        try:
            out.extend(rule(change, ctx))
        except Exception as exc:  # a bug in one rule must not hide the others' findings
            where = next((c[3] for c in change.commit.changes), ".")
            out.append(rule_crashed(rule.__name__, exc, where))
    return sorted(out, key=lambda d: d.sort_key)


def _as_backfill(result: AuditResult, change: CommitChange, declared: str | None, diags: list[Diagnostic]
                 ) -> list[Diagnostic]:
    """A declared back-fill's BACKFILL_CODES findings as notices (warnings), and the declaration listed.

    Only what the back-fill copies in is excused: a date set on a record the commit created, and a
    late completion found by ``check_overdue_hidden`` when the commit created records only. A
    backdated completion of a record the ledger already held (an overdue hazard "rectified" last
    week, with the trailer added) stays an error: that record was never on paper only."""
    commit = change.commit
    created = {rc.id for rc in change.records if rc.before is None and rc.after is not None}
    only_new = all(rc.before is None for rc in change.records)
    note = part("audit.backfill.declared", declared=declared) if declared is not None else part("audit.backfill.created")

    def excused(d: Diagnostic) -> bool:
        return d.code in BACKFILL_CODES and (d.record in created if (d.key or d.code) == d.code else only_new)

    out = [d.noted(note, severity=Severity.WARNING) if excused(d) else d for d in diags]
    notices = sum(1 for d in diags if excused(d))
    if declared is not None or notices:  # every declaration is listed; the ledger's creation when it matters
        result.backfills.append(Backfill(commit, declared, notices))
    return out


def ledger_paths(git: Git, prefix: str, revs: list[str]) -> tuple[list[str], set[str]]:
    """(``prefix`` and every name the ledger directory had before in ``revs``, newest first; the
    commits in ``revs`` that created the ledger).

    A directory renamed in git is a commit that deletes its files and adds them under the new name;
    auditing only the new name would see every record created there, and miss a record deleted in
    the same commit. The rename is found where ``town.yaml`` appeared under a name while the same
    commit removed a ``town.yaml`` elsewhere; where none was removed, the ledger was created.
    """
    names = [prefix]
    todo = [prefix]
    created: set[str] = set()
    while todo:
        name = todo.pop()
        for line in git.lines("log", "--format=%H %P", "--diff-filter=A", "--no-renames", *revs, "--",
                              f"{name}/town.yaml" if name else "town.yaml"):
            sha, *parents = line.split()
            gone = git.run("diff-tree", "-r", "--no-renames", "--diff-filter=D", "--name-only", "-z", parents[0], sha,
                           "--", ":(glob)**/town.yaml") if parents else ""
            olds = [path.rpartition("/")[0] for path in gone.split("\0") if path]
            if not olds:
                created.add(sha)
            for old in olds:
                if old not in names:
                    names.append(old)
                    todo.append(old)
    return names, created


BACKFILL_CODES = frozenset({"HJP503"})  # what a declared back-fill turns into notices
# What a commit may declare in its message (a trailer's name -> what the rules call it):
TRAILERS = {"台账补录": "backfill",  # a paper ledger copied in: its backdated dates are notices (HJP503)
            "隐患降级": "downgrade",  # a 重大 hazard re-assessed, on the basis the trailer names (HJP510)
            "新增保管人": "custodian",  # a key added to sealed/recipients.txt, and whose (HJP512)
            "延期批准": "extension"}  # a 重大 hazard's deadline pushed on an approval (HJP515)
_TRAILER = re.compile(rf"^({'|'.join(TRAILERS)})[ \t]*[:：][ \t\u3000]*(\S.*?)[ \t\u3000]*$", re.M)


def backfills(git: Git, revs: list[str]) -> Iterator[str]:
    """Start listing the messages of the commits in ``revs`` that may declare something (a
    back-fill, a downgrade), for ``declared``; git's own --grep picks them, so a long history costs little."""
    return git.lines("log", "--fixed-strings", *(f"--grep={name}" for name in TRAILERS), "--format=%x1e%H%n%B", *revs)


def declared(lines: Iterable[str]) -> dict[str, dict[str, str]]:
    """Commit -> what it declares (``TRAILERS``' values -> the text): trailers such as ``台账补录:
    2025年纸质台账`` or ``隐患降级: 县应急局复核意见`` (ASCII or full-width colon) in the message's last
    paragraph, as git writes trailers; the first of each name counts."""
    out: dict[str, dict[str, str]] = {}
    messages: dict[str, list[str]] = {}
    sha = ""
    for line in lines:
        if line.startswith("\x1e"):
            sha = line[1:].strip()
            messages[sha] = []
        elif sha:
            messages[sha].append(line)
    for sha, body in messages.items():
        last = "".join(body).strip().replace("\r\n", "\n").split("\n\n")[-1]
        for mm in _TRAILER.finditer(last):
            out.setdefault(sha, {}).setdefault(TRAILERS[mm.group(1)], mm.group(2))
    return out


def audit_ledger(ledger: Path, *, since: str | None, clock: Callable[[str], date], ci: bool) -> AuditResult:
    """``hjp audit`` of the ledger at ``ledger``: ``audit`` in its repository, in its zone, with
    ``clock`` (today in a zone) as the run's date. GitError (exit 2) when it cannot be done."""
    from hjp.clock import ledger_timezone
    from hjp.gitio import open_repo

    git, prefix = open_repo(ledger)
    tz = ledger_timezone(ledger)
    try:
        result = audit(git, prefix, since, tz, today=clock(tz), ci=ci)
    finally:
        git.close()
    result.top = git.cwd
    return result


def audit(git: Git, prefix: str, since: str | None, tz: str, *, today: date | None = None, ci: bool = False
          ) -> AuditResult:
    """The findings over ``since..HEAD`` (all history without ``since``), oldest commit first.

    ``today`` (the run's date in the ledger's zone) bounds commit dates: a commit dated after it
    does not make its descendants look backdated. With ``ci`` and ``since``, commits dated far
    from ``today`` are findings too (HJP507): in CI, the commits audited were just pushed.
    GitError when ``since`` is unknown, or when the history to audit is cut short by a shallow clone
    (its first commit would look as if it created every record).
    """
    revs = [f"{since}..HEAD"] if since else ["HEAD"]
    if since:
        try:
            git.run("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
        except GitError:
            raise GitError(f"找不到版本 {since}；请给出分支名、标签或提交号（CI 中请先 fetch 基准分支）") from None
    if not has_commits(git):
        return AuditResult(0, [], tz)
    ctx = AuditContext(tz, git.blob, today if ci and since else None, tree=lambda rev, path: tree_of(git, rev, path),
                       merge_base=lambda a, b: git.run("merge-base", a, b, check=False).strip() or None)
    result = AuditResult(0, [], tz)
    timeline = commit_times(git, revs)  # git walks the dates while the ledger's history is read
    messages = backfills(git, revs)
    try:
        names, created = ledger_paths(git, prefix, revs)
        paths = [p or "." for p in names]
        # Merges are listed with their first parent's diff: enough to see a committed conflict.
        commits = list(iter_log(git, ["--reverse", "--diff-merges=first-parent", *revs], paths))
        cut = next((c for c in commits if c.shallow), None)
        if cut is not None:
            raise GitError(f"历史不完整：这是浅克隆（shallow clone），提交 {cut.sha[:7]} 之前的历史不在本地，无法审计"
                           "（它会被当成新建了所有记录，删除和改动都看不到）；CI 中请在 actions/checkout 设 fetch-depth: 0，"
                           "本地请先运行 git fetch --unshallow")
        until = None
        if today is not None:
            until = int(datetime.combine(today + timedelta(days=2), datetime.min.time(), zone(tz)).timestamp())
        times = floors(timeline, until=until)
        trailers = declared(messages)
        declarations: dict[str, str | None] = {**dict.fromkeys(created),
                                               **{sha: t["backfill"] for sha, t in trailers.items() if "backfill" in t}}
    finally:
        timeline.close()  # type: ignore[attr-defined]  (generators: reap git when stopped early)
        messages.close()  # type: ignore[attr-defined]
    versions = Versions(git)
    scopes = _Scopes(versions)
    for i in range(0, len(commits), 200):  # read blobs in batches; keep only recent parses in memory
        batch = commits[i:i + 200]
        git.ask([sha for c in batch for ch in c.changes if top_of(ch[3]) for sha in ch[:2]])
        for commit in batch:
            result.commits += 1
            change = commit_change(versions, commit, tz, times.get(commit.sha))
            change.scope_source = scopes
            change.trailers = trailers.get(commit.sha, {})
            diags = run_rules(change, ctx)
            if commit.sha in declarations:
                diags = _as_backfill(result, change, declarations[commit.sha], diags)
            result.findings.extend((commit, d) for d in diags)
        git.forget()
        versions.forget({ch[1] for ch in batch[-1].changes})
        scopes.forget()
    return result
