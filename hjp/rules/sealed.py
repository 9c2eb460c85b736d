"""Rules on the sealed 举报人 store (issue 11): no identity in clear, each sealed file matched by
its hazard and each ``已密封`` hazard by its file, recipients.txt holding only public keys.

They look at one directory listing and recipients.txt, never at a sealed file's content, so
they cost next to nothing (``ledger.sealed`` can be set by a caller that validates a planned
change, with the sealed files it is about to add).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.schema_errors import PLAINTEXT_REPORTER
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
                yield error("HJP240", PLAINTEXT_REPORTER, **_at(ledger, h, "reporter"))
                continue
            marked.add(h.id)
            if h.id not in store.ids:
                yield error("HJP241", f"reporter 为 {MARKER}，但找不到密封文件 {store.display(h.id + SUFFIX)}；"
                                      "请从 git 历史恢复该文件，或确认无举报人信息后删除 reporter 这一行",
                            **_at(ledger, h, "reporter"))
    for rid in sorted(store.ids - marked):
        if rid in ledger.locs:  # sealed names are hazard IDs (sealed.scan): this is the hazard
            msg = (f"有 {rid} 的密封举报人信息，但该隐患没有写 reporter: {MARKER}；"
                   f"请在该隐患中补上 reporter: {MARKER}")
        else:
            msg = (f"台账中没有隐患 {rid}，却有它的密封举报人信息；请核对文件名，"
                   "或在台账中恢复这条隐患（记录不能删除，录入错误的请作废）")
        yield error("HJP242", msg, store.display(rid + SUFFIX), 1, 1, rid)


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
            yield error("HJP243", "recipients.txt 不是 UTF-8 编码；请在编辑器中“另存为 UTF-8”", path)
            return
        keys, problems = parse_recipients(text)
        for p in problems:
            make = error if p.error else warning
            yield make(p.code, p.message, path, p.line, p.col)
    if not keys and (store.ids or store.recipients is not None):
        yield error("HJP245", "sealed/recipients.txt 中没有保管人公钥：新的举报人信息无法密封，"
                              "增删保管人也无从重新加密；请保管人运行 hjp seal init",
                    path if store.recipients is not None else store.display_dir)
    for name in store.unknown:
        yield warning("HJP247", f"sealed/ 下不认识的文件 {name}：这里只放 recipients.txt、access.log 和 "
                                f"隐患编号{SUFFIX}；请核对——私钥和明文的举报人信息绝不能放进仓库",
                      store.display(name))
