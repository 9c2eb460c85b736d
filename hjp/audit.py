"""``hjp audit``: each commit that changed the ledger, compared with its parent, through the audit rules.

A commit becomes a ``CommitChange``: the records it created, changed, moved, renumbered or deleted,
each with its value before and after (``RecordChange``). Every rule in ``auditrules.AUDIT_RULES``
looks at it and yields diagnostics — the one ``Diagnostic`` type, its path relative to the
repository — so an audit rule is written like a validation rule. A rule that crashes becomes an
HJP900 diagnostic and the other rules still run. The runner pairs each diagnostic with its commit;
``output.audit_report`` renders them. Every change is compared with the commit's own parent, so
merges and branches need no special care (a merge's own conflict resolutions are not inspected:
the branch commits are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

from hjp.clock import day_of
from hjp.diagnostics import Diagnostic
from hjp.gitio import Commit, Git, GitError, has_commits, iter_log
from hjp.history import diff, flatten, records_in, top_of

Records = dict[str, tuple[dict[str, Any], int]]  # id -> (record, 1-based line) in one file version


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


@dataclass
class CommitChange:
    """What one commit did to the ledger, as the audit rules see it."""

    commit: Commit
    day: date  # the commit's date in the ledger's time zone: the day the checks count from
    records: list[RecordChange]


@dataclass(frozen=True)
class AuditContext:
    tz: str  # the ledger's time zone


AuditRule = Callable[[CommitChange, AuditContext], Iterable[Diagnostic]]


@dataclass
class AuditResult:
    commits: int  # commits that changed the ledger, audited
    findings: list[tuple[Commit, Diagnostic]]  # oldest commit first; each commit's sorted by place


def _similar(a: dict[str, Any], b: dict[str, Any]) -> float:
    fa = {k: v for k, v in flatten(a).items() if k != "id"}
    fb = {k: v for k, v in flatten(b).items() if k != "id"}
    keys = set(fa) | set(fb)
    return sum(1 for k in keys if fa.get(k) == fb.get(k)) / len(keys) if keys else 1.0


def commit_change(git: Git, commit: Commit, tz: str, parsed: dict[tuple[str, str], Records] | None = None
                  ) -> CommitChange:
    """The records ``commit`` changed, each compared with the commit's parent.

    ``parsed`` keeps (blob, path) -> records between calls, so each version is parsed once.
    A record that disappears while a new one very like it appears under another ID was renumbered.
    """
    parsed = {} if parsed is None else parsed

    def records(sha: str, path: str) -> Records:
        key = (sha, path)
        if key not in parsed:
            parsed[key] = records_in(git.blob(sha), path)
        return parsed[key]

    before: dict[str, tuple[dict[str, Any], str, int]] = {}
    after: dict[str, tuple[dict[str, Any], str, int]] = {}
    for old, new, _st, path in commit.changes:
        if not top_of(path):
            continue
        for rid, (rec, line) in records(old, path).items():
            before.setdefault(rid, (rec, path, line))
        for rid, (rec, line) in records(new, path).items():
            after.setdefault(rid, (rec, path, line))
    out: list[RecordChange] = []
    added = [r for r in after if r not in before]
    renamed: dict[str, str] = {}  # new id -> old id
    for rid in (r for r in before if r not in after):
        rec, path, line = before[rid]
        best = max(((_similar(rec, after[n][0]), n) for n in added if n not in renamed), default=(0.0, ""))
        if best[0] >= 0.5:
            renamed[best[1]] = rid
        else:
            out.append(RecordChange(rid, rec, None, path, line))
    for rid, (rec, path, line) in after.items():
        old_id = renamed.get(rid)
        prior = before.get(old_id or rid)
        if prior is not None and prior[0] == rec:
            continue
        out.append(RecordChange(rid, prior[0] if prior else None, rec, path, line, old_id))
    return CommitChange(commit, day_of(commit.ctime, tz), out)


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


def audit(git: Git, prefix: str, since: str | None, tz: str) -> AuditResult:
    """The findings over ``since..HEAD`` (all history without ``since``), oldest commit first."""
    revs = [f"{since}..HEAD"] if since else ["HEAD"]
    if since:
        try:
            git.run("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
        except GitError:
            raise GitError(f"找不到版本 {since}；请给出分支名、标签或提交号（CI 中请先 fetch 基准分支）") from None
    if not has_commits(git):
        return AuditResult(0, [])
    ctx = AuditContext(tz)
    result = AuditResult(0, [])
    # A shallow clone's boundary commits have no parent here to compare with: not audited.
    commits = [c for c in iter_log(git, ["--reverse", *revs], [prefix or "."]) if not c.shallow]
    parsed: dict[tuple[str, str], Records] = {}
    for i in range(0, len(commits), 200):  # read blobs in batches; keep only recent parses in memory
        batch = commits[i:i + 200]
        git.ask([sha for c in batch for ch in c.changes if top_of(ch[3]) for sha in ch[:2]])
        for commit in batch:
            result.commits += 1
            change = commit_change(git, commit, tz, parsed)
            result.findings.extend((commit, d) for d in run_rules(change, ctx))
        git.forget()
        keep = {(ch[1], ch[3]) for ch in batch[-1].changes} if batch else set()
        parsed = {k: v for k, v in parsed.items() if k in keep}
    return result
