"""Record files as a whole: records gone since the last commit (HJP221), a blank record file (HJP222).

An emptied file is the commonest way a Windows clerk loses data (WPS or Notepad crashed while
saving, a OneDrive conflict, 另存为 to the wrong place and copied back): the file still parses,
holds no record, and every report silently counts a whole village less. The audit sees it only
once committed (HJP501); these rules see it in the working copy, before the commit and before a
report is made from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Generator, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.kinds import BY_STEM, stem_of_path
from hjp.load import FileResult, Ledger
from hjp.messages import part

if TYPE_CHECKING:
    from hjp.rules import RuleContext

# An ``id:`` key where a record's ID stands (block or flow style); read from text, not parsed, so
# that a file which no longer parses (or a record that fails validation) still counts its IDs.
_ID_KEY = re.compile(r"""^[ \t]*(?:-[ \t]+)*\{?[ \t]*id[ \t]*:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9_-]*)""", re.M)
_SHOWN = 5  # IDs named in one message


def ids_in(text: str) -> list[str]:
    """The record IDs written in a record file's text, in order, each once."""
    return list(dict.fromkeys(_ID_KEY.findall(text)))


def unreadable(result: FileResult) -> bool:
    """A record file that gave nothing because it could not be read as a whole (encoding, a Tab,
    a syntax error, a control character ...: the HJP0xx reading codes), not one emptied."""
    return not result.records and any(d.code.startswith("HJP0") for d in result.diagnostics)


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return None


def check_record_files(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP221 for records gone since the last commit, else HJP222 for a blank record file."""
    flagged = yield from _records_kept(ledger, ctx)
    yield from _blank_files(ledger, flagged)


def _records_kept(ledger: Ledger, ctx: RuleContext) -> Generator[Diagnostic, None, set[Path]]:
    """HJP221: records the last commit had that are nowhere in the working copy now — a file
    emptied or deleted by accident, or records cut out of it. Records are never deleted (DESIGN §3);
    one entered in error is voided. ``ctx.committed`` (given by the caller: git is not the rules'
    business) names the record files that differ from HEAD with their text there; without it
    (no repository, an edit's own validation) nothing is compared. Returns the files flagged."""
    flagged: set[Path] = set()
    changed = ctx.committed(ledger.root) if ctx.committed is not None else None
    if not changed:
        return flagged
    base = ledger.root.resolve()
    files: dict[Path, tuple[str, str | None]] = {}
    present = set(ledger.loc_by_id)
    for full, before in changed.items():
        try:
            path = ledger.root / full.relative_to(base)
        except ValueError:
            continue
        result = ledger.results.get(path)
        if result is not None and unreadable(result):
            present.update(ids_in(before))  # unreadable (its read error says so), not emptied
            continue
        now = _read(path) if path.is_file() else None
        files[path] = (before, now)
        if now is not None:  # records that failed validation are still there
            present.update(ids_in(now))
    for path, (before, now) in sorted(files.items()):
        stem = stem_of_path(path.as_posix())
        if stem is None:
            continue
        kind = BY_STEM[stem].name
        had = ids_in(before)
        gone = [rid for rid in had if rid not in present]
        if not gone:
            continue
        flagged.add(path)
        display = ledger.display(path)
        if now is None or not ids_in(now):
            state = part("HJP221.deleted") if now is None else part("HJP221.empty")
            yield error("HJP221.emptied", display, state=state, count=len(had), kind=kind, file=display)
        else:
            yield error("HJP221", display, kind=kind, ids=tuple(gone[:_SHOWN]),
                        more=part("HJP221.more") if len(gone) > _SHOWN else "", count=len(gone), file=display)
    return flagged


def _blank_files(ledger: Ledger, flagged: set[Path]) -> Iterable[Diagnostic]:
    """HJP222 (warning): a record file with nothing in it, not even its top key (0 bytes, blanks or
    comments only) — what a crashed save leaves. ``hazards: []`` says "no records yet" and is fine."""
    for path, result in ledger.results.items():
        if result.records or result.diagnostics or path in flagged:
            continue
        text = _read(path)
        if text is None or any(line.strip() and not line.lstrip().startswith("#")
                               for line in text.lstrip("\ufeff").splitlines()):
            continue
        stem = stem_of_path(path.as_posix())
        if stem is None:
            continue
        kind = BY_STEM[stem]
        yield warning("HJP222", ledger.display(path), top=kind.top, kind=kind.name)
