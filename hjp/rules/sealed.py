"""Rules on the sealed 举报人 store (issue 11): no identity in clear, each sealed file matched by
its hazard and each ``已密封`` hazard by its file, recipients.txt holding only public keys.

They look at one directory listing and recipients.txt, never at a sealed file's content, so
they cost next to nothing (``ledger.sealed`` can be set by a caller that validates a planned
change, with the sealed files it is about to add).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, Severity, error, warning
from hjp.sealed import MARKER, RECIPIENTS, SUFFIX, Scan, parse_recipients, scan

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext


def sealed_scan(ledger: Ledger) -> Scan:
    if ledger.sealed is None:
        ledger.sealed = scan(ledger.root, ledger.display(ledger.root / "sealed"))
    return ledger.sealed


def _at(ledger: Ledger, record, name: str) -> dict:
    loc = ledger.loc_of(record)
    line, col = loc.field(name)
    return {"path": loc.path, "line": line, "col": col, "record": record.id}


def check_sealed_reporters(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP240 a reporter in clear, HJP241 已密封 without its file, HJP242 a file without its hazard."""
    store = sealed_scan(ledger)
    marked: set[str] = set()
    # A plain loop over the villages' lists: this runs on every validate, and the hazards() generator
    # with a set of every ID cost 12 ms at 10,000 hazards against 0.7 ms for this.
    for v in ledger.villages.values():
        for h in v.hazards:
            if h.reporter is None:
                continue
            if h.reporter != MARKER:
                # Never quote the value: this line goes to terminals and CI logs.
                yield error("HJP240", **_at(ledger, h, "reporter"))
                continue
            marked.add(h.id)
            if h.id not in store.ids:
                yield error("HJP241", **_at(ledger, h, "reporter"), file=store.display(h.id + SUFFIX))
    folded: dict[str, str] = {}
    for rid in sorted(marked):  # 举报 hazards only: a handful, so this costs nothing
        other = folded.setdefault(rid.casefold(), rid)
        if other != rid:
            loc = ledger.loc_by_id[rid]
            yield error("HJP201.case", loc.path, loc.line, loc.col, rid, id=rid, other=other,
                        file=store.display(rid + SUFFIX))
    unmatched = sorted(store.ids - marked)
    unread = _unread_hazards(ledger) if unmatched else None
    for rid in unmatched:
        # sealed names are hazard IDs (sealed.scan): a known ID is the hazard
        if rid in ledger.loc_by_id:
            key = "HJP242.unmarked"
        elif unread is None:
            key = "HJP242.no_record"
        elif rid.encode("ascii", "replace") in unread:
            continue  # in a hazards file that could not be read: its error says what to fix first
        else:
            key = "HJP242.unread"
        yield error(key, store.display(rid + SUFFIX), 1, 1, rid, id=rid)


def _unread_hazards(ledger: Ledger) -> bytes | None:
    """The bytes of every village hazards file with an error of its own (unreadable: another
    encoding, hazards.YAML, a Tab, conflict markers; or a record that did not validate), joined;
    None when there is none. A sealed file whose hazard is not in the ledger may be in one of them,
    and telling the clerk to restore the hazard or check the sealed files' names would be wrong:
    renaming or deleting them destroys identities. Only asked when a sealed file has no hazard."""
    failed = {d.path for d in ledger.diagnostics if d.severity is Severity.ERROR}
    if not failed:
        return None
    found: list[bytes] = []
    villages = ledger.root / "villages"
    try:
        folders = [e for e in villages.iterdir() if e.is_dir()]
    except OSError:
        return None
    for folder in folders:
        try:
            entries = [e for e in folder.iterdir() if e.name.lower().startswith("hazards")]
        except OSError:
            continue
        for entry in entries:
            if ledger.display(entry) not in failed:
                continue
            try:
                found.append(entry.read_bytes())
            except OSError:
                found.append(b"")  # unreadable even as bytes: still a file that was not read
    return b"\n".join(found) if found else None


def check_recipients(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    """HJP243–HJP248: recipients.txt holds only custodians' public keys, and there is at least one
    while anything is sealed; HJP247 a stray file under sealed/."""
    store = sealed_scan(ledger)
    if not store.exists:
        return
    path = store.display(RECIPIENTS)
    keys = []
    if store.recipients is not None:
        try:
            text = store.recipients.decode("utf-8-sig")
        except UnicodeDecodeError:
            yield error("HJP243.encoding", path)
            return
        keys, problems = parse_recipients(text)
        for p in problems:
            make = error if p.error else warning
            yield make(p.key, path, p.line, p.col, **dict(p.args))
    if not keys and (store.ids or store.recipients is not None):
        yield error("HJP245", path if store.recipients is not None else store.display_dir)
    for name in store.unknown:
        yield warning("HJP247", store.display(name), name=name)
