"""Audit rules of the sealed 举报人 store (HJP520–HJP524; HJP511 from the audit range, the sealed one
being full; issue 11), registered in ``auditrules.AUDIT_RULES``: what a commit must never do to the
confidentiality of a 举报人.

CI runs ``hjp audit --since <base>`` on every merge request, so a hand edit that puts an identity
in clear, a private key, or a damaged or rewritten access log is caught before it is merged. No
message quotes an identity or a key. The rules that look at file content read the blobs through
``ctx.blob`` (sealed files are small; other files are read only when they are text-like and under
the ledger directory, which holds no evidence files).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.history import place_of
from hjp.sealed import (ACCESS_LOG, MARKER, RECIPIENTS, REKEY_TAG, SUFFIX, looks_like_age, parse_recipients,
                        reporter_comments)

if TYPE_CHECKING:
    from hjp.audit import AuditContext, CommitChange

SEALED_FILE = re.compile(r"(?:^|/)sealed/(?P<name>[^/]+)$")
_SECRET = re.compile(r"AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{20,}", re.I)
_TEXT_LIKE = (".txt", ".yaml", ".yml", ".log", ".md", ".age", ".key", ".json", ".csv")
NULL = "0" * 40


def check_plaintext_reporter(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP520: a commit wrote a hazard's ``reporter`` as anything but 已密封 — an identity in clear,
    which git keeps for ever once it is pushed."""
    for rc in change.records:
        after = rc.after
        if after is None:
            continue
        value = after.get("reporter")
        if value is None or value == MARKER:
            continue
        if rc.before is not None and rc.before.get("reporter") == value:
            continue  # there before (flagged at the commit that added it), not added here
        yield error("HJP520", rc.path, rc.line, 1, rc.id, id=rc.id)


def check_reporter_comments(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP520: a comment written on a ``reporter: 已密封`` line of a hazards file (``sealed.
    reporter_comments``): where a clerk jots the name, and the records the other rules compare
    hold no comments. Only lines the commit added are told: one not in the parent's version."""
    for old, new, status, path in change.commit.changes:
        if status.startswith("D") or not path.endswith("hazards.yaml"):
            continue
        text = _blob(ctx, new)
        if text is None or "#" not in text or "reporter:" not in text:
            continue
        found = reporter_comments(text)
        if not found:
            continue
        lines = text.split("\n")
        before = _blob(ctx, old) or ""
        had = {before.split("\n")[n - 1] for n, _c in reporter_comments(before)} if "reporter:" in before else set()
        for line, col in found:
            if lines[line - 1] not in had:
                yield error("HJP520.comment", path, line, col)


def _blob(ctx: AuditContext, sha: str) -> str | None:
    reader = getattr(ctx, "blob", None)
    if reader is None or not sha or sha == NULL:
        return None
    return reader(sha)


def check_sealed_files(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP521: a sealed file written that is not age-encrypted (possibly an identity in clear);
    HJP524: a sealed identity deleted (it can then only be found in history); HJP523: access.log
    changed other than by adding lines at its end, or deleted (every access must stay recorded)."""
    sealed_changes = [(old, new, status, path, m.group("name")) for old, new, status, path in change.commit.changes
                      if (m := SEALED_FILE.search(path))]
    # A moved ledger directory shows as deletions plus additions (history is read without rename
    # detection): a file deleted here and added under another path in the same commit was moved.
    added = {name: new for _old, new, status, _path, name in sealed_changes if status.startswith("A")}
    for old, new, status, path, name in sealed_changes:
        if status.startswith("D") and name in added:
            if name != "access.log":
                continue
            status, new = "M", added[name]
        elif status.startswith("A") and name == "access.log" and any(
                s.startswith("D") and n == name for _o, _n, s, _p, n in sealed_changes):
            continue  # compared above, as the other half of the move
        if name.endswith(".age"):
            rid = name[:-4]
            if status.startswith("D"):
                yield error("HJP524", path, 1, 1, rid, id=rid, sha=change.commit.sha[:7], file=path)
                continue
            text = _blob(ctx, new)
            if text is not None and not looks_like_age(text.encode("utf-8", "replace")):
                yield error("HJP521", path, 1, 1, rid, file=path)
        elif name == "access.log":
            if status.startswith("D"):
                yield error("HJP523.deleted", path, 1, 1)
                continue
            before, after = _blob(ctx, old), _blob(ctx, new)
            if before is not None and after is not None:
                b, a = before.replace("\r\n", "\n"), after.replace("\r\n", "\n")
                if not a.startswith(b.rstrip("\n")):
                    line = next((i + 1 for i, (x, y) in enumerate(zip(b.splitlines(), a.splitlines())) if x != y),
                                min(len(b.splitlines()), len(a.splitlines())) + 1)
                    yield error("HJP523.edited", path, line, 1)


def check_sealed_rewritten(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP511: a sealed file that another one was copied over, or rewritten outside ``hjp seal
    rekey``. Every sealed file is encrypted on its own (age draws a fresh file key), so two equal
    ones mean a copy; and only rekey rewrites an existing one, appending its line to access.log in
    the same commit. Either way the hazard's real 举报人 is gone from the current version, which no
    listing shows (validate passes) until a custodian opens the file. No key is needed: blob ids
    and access.log's added lines tell."""
    ages = [(old, new, status, path) for old, new, status, path in change.commit.changes
            if not status.startswith("D") and path.endswith(SUFFIX) and SEALED_FILE.search(path)]
    if not ages:
        return
    moved = {SEALED_FILE.search(p).group("name") for _o, _n, st, p in change.commit.changes  # type: ignore[union-attr]
             if st.startswith("D") and SEALED_FILE.search(p)}
    folders: dict[str, tuple[dict[str, list[str]], bool]] = {}
    for old, new, status, path in ages:
        folder, _slash, name = path.rpartition("/")
        if folder not in folders:
            listing = ctx.tree(change.commit.sha, folder) if getattr(ctx, "tree", None) is not None else {}
            by_blob: dict[str, list[str]] = {}
            for other, blob in listing.items():
                if other.endswith(SUFFIX):
                    by_blob.setdefault(blob, []).append(other)
            folders[folder] = (by_blob, _rekeyed(change, ctx, f"{folder}/{ACCESS_LOG}" if folder else ACCESS_LOG))
        by_blob, rekeyed = folders[folder]
        rid = name[:-len(SUFFIX)]
        twins = sorted(n for n in by_blob.get(new, ()) if n != name)
        restore = f"git checkout {change.commit.sha[:7]}~1 -- {path}"
        if twins:
            other = f"{folder}/{twins[0]}" if folder else twins[0]
            if status.startswith("A") and name not in moved:
                yield error("HJP511.copy_new", path, 1, 1, rid, file=path, other=other, id=rid)
            else:
                yield error("HJP511.copy", path, 1, 1, rid, file=path, other=other, id=rid, restore=restore)
        elif status.startswith("M") and not rekeyed:
            yield error("HJP511", path, 1, 1, rid, file=path, id=rid, restore=restore)


def check_sealed_dropped_in_merge(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP511: a merge that dropped a sealed file one side had added or changed. Two copies of the
    ledger (two branches, the town's and a village's laptop) allocate the same new ID; merging
    them conflicts on ``sealed/<ID>.age`` (add/add), and keeping one side's file loses the other
    side's 举报人 without a word — the merge equals its first parent there, so nothing else sees
    it. Compared by blob id over each sealed folder the merge's ledger holds; no key needed."""
    commit = change.commit
    tree, base_of = getattr(ctx, "tree", None), getattr(ctx, "merge_base", None)
    if len(commit.parents) < 2 or tree is None or base_of is None:
        return
    folders = set()
    for _o, _n, _s, path in commit.changes:
        if SEALED_FILE.search(path):
            folders.add(path.rpartition("/")[0])
        elif (where := place_of(path)) is not None:
            folders.add(f"{where[0]}/sealed" if where[0] else "sealed")
    for folder in sorted(folders):
        merged = tree(commit.sha, folder)
        for other in commit.parents[1:]:
            base = base_of(commit.parents[0], other)
            theirs = tree(other, folder)
            before = tree(base, folder) if base else {}
            for name, blob in sorted(theirs.items()):
                if not name.endswith(SUFFIX) or merged.get(name) == blob or before.get(name) == blob:
                    continue  # the merge kept it, or that side never changed it
                path = f"{folder}/{name}" if folder else name
                yield error("HJP511.merge", path, 1, 1, name[:-len(SUFFIX)], file=path, id=name[:-len(SUFFIX)],
                            side=other[:7])


def _rekeyed(change: CommitChange, ctx: AuditContext, log_path: str) -> bool:
    """Whether the commit appends an ``hjp seal rekey`` line to the access.log at ``log_path``."""
    for old, new, status, path in change.commit.changes:
        if path != log_path or status.startswith("D"):
            continue
        before, after = (_blob(ctx, old) or "").replace("\r\n", "\n"), (_blob(ctx, new) or "").replace("\r\n", "\n")
        added = after[len(before.rstrip("\n")):] if after.startswith(before.rstrip("\n")) else after
        return any(line.split("\t")[-1].startswith(REKEY_TAG) for line in added.splitlines())
    return False


def check_custodian_added(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP512: a public key added to a recipients.txt that already held keys. Whoever holds its
    private key reads every 举报人 sealed from then on (and all earlier ones after the next rekey),
    and the comment naming it is free text: anyone who can commit could add their own key under a
    custodian's name. Every addition is listed; it is an error unless the commit declares it
    (trailer ``新增保管人: 姓名``, which ``hjp seal init --commit`` writes), then a warning, so that
    the reviewer of every merge request sees it either way. The first keys (recipients.txt created,
    or the ledger's creation) set the store up and are no finding; a key removed is not either."""
    declared = change.trailers.get("custodian")
    for old, new, status, path in change.commit.changes:
        if status.startswith(("A", "D")) or not path.endswith(f"sealed/{RECIPIENTS}"):
            continue
        before, after = _blob(ctx, old), _blob(ctx, new)
        if before is None or after is None:
            continue
        had = {r.key for r in parse_recipients(before.lstrip("\ufeff"))[0]}
        if not had:
            continue
        for r in parse_recipients(after.lstrip("\ufeff"))[0]:
            if r.key in had:
                continue
            args = {"key": f"{r.key[:12]}…{r.key[-6:]}", "name": r.name or "—"}
            if declared is None:
                yield error("HJP512", path, r.line, 1, **args)
            else:
                yield warning("HJP512.declared", path, r.line, 1, declared=declared, **args)


def check_private_key(change: CommitChange, ctx: AuditContext) -> Iterable[Diagnostic]:
    """HJP522: an age private key (AGE-SECRET-KEY-1…) committed under the ledger: it is compromised
    from that moment, and every identity sealed to it can be read by whoever has the history."""
    for _old, new, status, path in change.commit.changes:
        if status.startswith("D") or not path.lower().endswith(_TEXT_LIKE) and "." in path.rsplit("/", 1)[-1]:
            continue
        text = _blob(ctx, new)
        if text is None:
            continue
        hit = _SECRET.search(text)
        if hit:
            line = text.count("\n", 0, hit.start()) + 1
            yield error("HJP522", path, line, 1)


SEALED_AUDIT_RULES = [check_plaintext_reporter, check_reporter_comments, check_sealed_files, check_sealed_rewritten,
                      check_sealed_dropped_in_merge, check_custodian_added, check_private_key]
