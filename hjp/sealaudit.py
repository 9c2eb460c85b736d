"""Audit rules of the sealed 举报人 store (HJP520–HJP524, issue 11), registered in
``auditrules.AUDIT_RULES``: what a commit must never do to the confidentiality of a 举报人.

CI runs ``hjp audit --since <base>`` on every merge request, so a hand edit that puts an identity
in clear, a private key, or a damaged or rewritten access log is caught before it is merged. No
message quotes an identity or a key. The rules that look at file content read the blobs through
``ctx.blob`` (sealed files are small; other files are read only when they are text-like and under
the ledger directory, which holds no evidence files).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error
from hjp.sealed import MARKER, looks_like_age

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


SEALED_AUDIT_RULES = [check_plaintext_reporter, check_sealed_files, check_private_key]
