"""Reporters: diagnostics (and later deadline findings) as text, JSON, GitHub annotations or JUnit.

Chosen by ``--format``; each writes to a text stream. Only this module and ``cli.py`` may use rich,
and only for terminal tables, imported lazily.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable

from hjp.console import ascii_only
from hjp.diagnostics import Diagnostic, Severity
from hjp.messages import part
from hjp.status import CLOSURE_DAYS, FAIL_ON, ITEM_KIND_FIXES, STALE_DAYS, DeadlineState, ItemKind

if TYPE_CHECKING:
    from hjp.audit import AuditResult, Backfill
    from hjp.deadlines import Findings, Item
    from hjp.gitio import Commit
    from hjp.history import Event


def _gh_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def summary_line(diags: list[Diagnostic], files: int, records: int) -> str:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = len(diags) - errors
    if not diags:
        return f"台账检查通过：{files} 个文件、{records} 条记录，没有发现问题。"
    return f"发现 {errors} 个错误、{warnings} 个警告（{files} 个文件、{records} 条记录）。"


def diagnostics_text(diags: Iterable[Diagnostic], out: IO[str]) -> None:
    for d in diags:
        out.write(f"{d}\n")


def diagnostics_json(diags: Iterable[Diagnostic], out: IO[str]) -> None:
    json.dump([d.to_json() for d in diags], out, ensure_ascii=ascii_only(out), indent=2)
    out.write("\n")


def diagnostics_github(diags: Iterable[Diagnostic], out: IO[str]) -> None:
    for d in diags:
        level = "error" if d.severity is Severity.ERROR else "warning"
        out.write(f"::{level} file={_gh_escape(d.path, prop=True)},line={d.line},col={d.col},"
                  f"title={_gh_escape(d.code, prop=True)}::{_gh_escape(d.message)}\n")


DIAGNOSTIC_REPORTERS: dict[str, Callable[[Iterable[Diagnostic], IO[str]], None]] = {
    "text": diagnostics_text,
    "json": diagnostics_json,
    "github": diagnostics_github,
}


# --------------------------------------------------------------------------- history
# `hjp log` (one record's changes) and `hjp audit` (findings in the history).


def show(value: Any) -> str:
    """A field's value as `hjp log` prints it (YAML-like, dates as written)."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _mask(name: str, value: Any) -> Any:
    # 举报人 (issue 11): only `hjp reporter show` ever shows one, never history (whatever a commit
    # once held in clear)
    if value is not None and name.split(".")[-1] == "reporter":
        return "（保密）"
    return value


def _field_line(text: str) -> str:
    # a multi-line value (notes, a title with a line break) stays indented under its field
    return text.replace("\r\n", "\n").replace("\n", "\n    ")


def _local_time(iso: str, tz: str) -> str:
    """An ISO 8601 time with an offset as "YYYY-MM-DD HH:MM" in the ledger's zone."""
    from datetime import datetime

    from hjp.clock import zone

    try:
        return datetime.fromisoformat(iso).astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")
    except ValueError:  # not what git writes for %aI: show it as it is
        return iso


def log_text(rid: str, events: list[Event], out: IO[str], *, tz: str) -> None:
    """`hjp log`: each commit that changed the record (its time in the ledger's zone ``tz``), its
    fields' old → new values."""
    if not events:
        out.write(f"{rid} 还没有任何已提交的修改记录。\n")
        return
    lines = [f"{rid} 的修改历史（{len(events)} 次提交，从早到晚）："]
    for ev in events:
        c = ev.commit
        lines.append("")
        lines.append(f"{_local_time(c.date, tz)}  {c.sha[:7]}  {c.author} <{c.email}>  {c.subject}")
        if ev.kind in ("conflict", "unreadable"):
            why = "含有未解决的合并冲突标记" if ev.kind == "conflict" else "有错误"
            lines.append(f"  {ev.path} 的这一版第 {ev.line} 行{why}，无法读取；下一次修改与这之前的内容比较")
            continue
        if ev.kind in ("created", "first-seen"):
            if ev.kind == "created":
                lines.append(f"  新建于 {ev.path}")
            else:
                lines.append(f"  位于 {ev.path}（浅克隆：本地历史从这次提交开始，更早的修改看不到；"
                             "git fetch --unshallow 可取回全部历史）")
            lines.extend(_field_line(f"  {k}: {show(_mask(k, new))}") for k, _old, new in ev.changes)
            continue
        if ev.kind == "moved":
            lines.append(f"  移动：{ev.other} → {ev.path}")
        elif ev.kind == "deleted":
            lines.append(f"  从 {ev.path} 删除")
        for k, old, new in ev.changes:
            if ev.kind == "deleted":
                continue
            lines.append(_field_line(f"  {k}: {show(_mask(k, old))} → "
                                     f"{show(_mask(k, new))}"))
    out.write("\n".join(lines) + "\n")


def log_json(rid: str, events: list[Event], out: IO[str], *, tz: str) -> None:
    """`hjp log --json`: {"id", "commits": [{commit, date, author, email, message, event, path, from, changes}]};
    ``date`` as git gives it (ISO 8601 with the author's offset); ``line`` too for a version that
    cannot be read (event ``conflict`` or ``unreadable``)."""
    doc = {"id": rid, "commits": [{
        "commit": ev.commit.sha, "date": ev.commit.date, "author": ev.commit.author, "email": ev.commit.email,
        "message": ev.commit.subject, "event": ev.kind, "path": ev.path, "from": ev.other if ev.kind == "moved" else None,
        "changes": [{"field": k, "old": _mask(k, o), "new": _mask(k, n)}
                    for k, o, n in ev.changes],
        **({"line": ev.line} if ev.line is not None else {}),
    } for ev in events]}
    json.dump(doc, out, ensure_ascii=ascii_only(out), indent=2)
    out.write("\n")


def _in_commit(d: Diagnostic, c: Commit, tz: str, display: Callable[[str], str]) -> Diagnostic:
    """An audit diagnostic as shown: its path displayed, its message followed by the commit (dated
    in the ledger's zone, like every date of the message)."""
    from hjp.clock import day_of

    return d.noted(part("audit.commit", sha=c.sha[:7], author=c.author, email=c.email, day=day_of(c.ctime, tz)),
                   path=display(d.path))


def _backfill_line(b: Backfill, tz: str) -> str:
    from hjp.clock import day_of

    c = b.commit
    what = f"声明“台账补录：{b.declared}”" if b.declared is not None else "建立台账，视为补录"
    return (f"补录：提交 {c.sha[:7]}（{c.author} <{c.email}>，{day_of(c.ctime, tz)}）{what}，"
            f"其中 {b.notices} 项倒签日期作为提示列出，不算问题")


def audit_report(result: AuditResult, out: IO[str], *, fmt: str, display: Callable[[str], str]) -> None:
    """`hjp audit`: JSON with each finding's commit, or the findings as diagnostics (text adds the
    declared back-fills and a verdict line). ``display`` turns a repository-relative path into the
    path shown."""
    if fmt == "json":
        json.dump({"commits": result.commits, "findings": [{
            "code": d.code, "severity": d.severity.value, "record": d.record, "path": display(d.path), "line": d.line,
            "message": d.message, "commit": c.sha, "author": c.author, "email": c.email, "date": c.date,
            "subject": c.subject,
        } for c, d in result.findings], "backfills": [{
            "commit": b.commit.sha, "author": b.commit.author, "email": b.commit.email, "date": b.commit.date,
            "subject": b.commit.subject, "declared": b.declared, "notices": b.notices,
        } for b in result.backfills]}, out, ensure_ascii=ascii_only(out), indent=2)
        out.write("\n")
        return
    DIAGNOSTIC_REPORTERS[fmt]([_in_commit(d, c, result.tz, display) for c, d in result.findings], out)
    if fmt == "github":
        for b in result.backfills:
            out.write(f"::notice title={_gh_escape('台账补录', prop=True)}::{_gh_escape(_backfill_line(b, result.tz))}\n")
    if fmt == "text":
        for b in result.backfills:
            out.write(_backfill_line(b, result.tz) + "。\n")
        errors = sum(1 for _c, d in result.findings if d.severity is Severity.ERROR)
        notes = len(result.findings) - errors
        if errors:
            more = f"，另有 {notes} 个提示" if notes else ""
            out.write(f"审计发现 {errors} 个问题（检查了 {result.commits} 个修改台账的提交）{more}。\n")
        else:
            more = f"；另有 {notes} 个提示（见上）" if notes else ""
            out.write(f"审计通过：检查了 {result.commits} 个修改台账的提交，没有发现问题{more}。\n")


# --------------------------------------------------------------------------- deadline findings
# `hjp overdue` (a table for the clerk) and `hjp check` (validation + deadlines for CI).

# The lists (DeadlineState) and item kinds (ItemKind) are named once, in hjp.status; Findings and
# Items carry their values (the JSON contract's strings).
BUCKET_NAMES = {s.value: s.label for s in DeadlineState}
# The day counts come from the deadline engine, which defines them (DESIGN §4).
BUCKET_HINTS = {DeadlineState.OVERDUE: "已过期限仍未完成", DeadlineState.DUE_SOON: "{within} 天内到期",
                DeadlineState.STALE: f"长期坚持的任务超过 {STALE_DAYS} 天没有进展记录",
                DeadlineState.AWAITING_CLOSURE: f"整改完成超过 {CLOSURE_DAYS} 天仍未验收销号"}
FAIL_ON_BUCKETS = {name: tuple(s.value for s in states) for name, states in FAIL_ON.items()}


def _kind_name(kind: str) -> str:
    try:
        return ItemKind(kind).label
    except ValueError:  # a kind this table does not know yet: its own name
        return kind


def _fix(kind: str) -> str:
    try:
        return ITEM_KIND_FIXES[ItemKind(kind)]
    except (ValueError, KeyError):
        return "完成后登记"


def _lead(item: Item) -> str:
    return "、".join(item.lead) or "—"


def finding_message(bucket: str, item: Item) -> str:
    """One finding as a Chinese sentence with the fix (for check's text, GitHub and JUnit output)."""
    what = f"{_kind_name(item.kind)} {item.key}「{item.title}」"
    who = f"（责任人：{_lead(item)}）"
    state = DeadlineState(bucket)
    if state is DeadlineState.OVERDUE:
        return f"{what}应于 {item.due} 完成，已逾期 {item.days} 天{who}；{_fix(item.kind)}"
    if state is DeadlineState.DUE_SOON:
        left = "今天到期" if item.days == 0 else f"还剩 {-item.days} 天"
        return f"{what}应于 {item.due} 完成，{left}{who}"
    if state is DeadlineState.STALE:
        return (f"{what}已超过 {STALE_DAYS} 天没有进展记录，应于 {item.due} 前更新，已超过 {item.days} 天{who}；"
                "请在 progress 下记录最新进展（date、note）")
    return (f"{what}整改完成已超过 {CLOSURE_DAYS} 天仍未销号，应于 {item.due} 前验收销号，已超过 {item.days} 天{who}；"
            "请组织验收并填写 verified_by 和 closed_on")


def findings_counts(findings: Findings) -> str:
    return "、".join(f"{BUCKET_NAMES[b]} {len(items)} 项" for b, items in findings.buckets().items())


def findings_table(findings: Findings, out: IO[str], *, villages: dict[str, str], within: int,
                   width: int | None = None) -> None:
    """`hjp overdue`: one table per non-empty bucket, each followed by a one-line summary.

    ``villages`` maps slugs to village names; ``width`` None lets rich measure the terminal.
    Wide (CJK) characters are measured by rich, so the columns line up in a terminal. IDs, dates
    and day counts are never cut: narrower than they need (COLUMNS=20, a phone-sized terminal),
    rich would print "YH-2025", so the lines get longer than the screen instead and wrap there.
    """
    from rich.console import Console

    tty = out.isatty()
    # Off a terminal, render into a buffer and strip rich's cell padding from line ends, so files
    # and CI logs carry no trailing blanks.
    sink: IO[str] = out if tty else io.StringIO()
    parts, need = _findings_tables(findings, villages, within)
    options = dict(markup=False, highlight=False, emoji=False, color_system="auto" if tty else None, soft_wrap=False)
    if width is None:
        width = Console(file=sink, **options).width  # type: ignore[arg-type]
    console = Console(file=sink, width=max(width, need), **options)  # type: ignore[arg-type]
    for part in parts:
        console.print(part)
    if not tty:
        out.write("".join(line.rstrip() + "\n" for line in sink.getvalue().splitlines()))  # type: ignore[attr-defined]


def _findings_tables(findings: Findings, villages: dict[str, str], within: int) -> tuple[list[Any], int]:
    """What to print, and the width below which a never-wrapped column would be cut."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    total = len(findings)
    if total == 0:
        return [f"截至 {findings.as_of}：没有逾期、{within} 天内到期、长期未更新或待销号的事项。"], 0
    parts: list[Any] = [f"截至 {findings.as_of}：{findings_counts(findings)}。"]
    need = 0
    for bucket, items in findings.buckets().items():
        if not items:
            continue
        soon = DeadlineState(bucket) is DeadlineState.DUE_SOON
        hint = BUCKET_HINTS[DeadlineState(bucket)].format(within=within)
        days_head = "剩余天数" if soon else "逾期天数"
        table = Table(title=f"{BUCKET_NAMES[bucket]}（{hint}）", title_justify="left", box=box.SIMPLE_HEAD,
                      show_edge=False, pad_edge=False)
        rows = []
        for i in items:
            days = -i.days if soon else i.days
            village = villages.get(i.village, i.village) if i.village else "镇级"
            rows.append((i.key, _kind_name(i.kind), i.title, village, i.due.isoformat(), str(days), _lead(i)))
        whole = -3  # the never-wrapped columns whole, one CJK character for each folding one, 3 between columns
        for n, (name, justify) in enumerate((("编号", "left"), ("类型", "left"), ("事项", "left"), ("村", "left"),
                                             ("到期日", "left"), (days_head, "right"), ("责任人", "left"))):
            # fold, never cut: long CJK titles have no spaces to wrap at, and every character counts
            keep = name in ("编号", "到期日", days_head)
            table.add_column(name, justify=justify, no_wrap=keep, overflow="fold")  # type: ignore[arg-type]
            whole += 3 + (max(cell_len(name), *(cell_len(r[n]) for r in rows)) if keep else 2)
        for row in rows:
            table.add_row(*row)
        need = max(need, whole)
        parts += ["", table, _bucket_summary(bucket, items, within)]
    return parts, need


def _bucket_summary(bucket: str, items: list[Item], within: int) -> str:
    counts = {k.value: sum(1 for i in items if i.kind == k.value) for k in ItemKind}
    parts = "、".join(f"{_kind_name(k)} {n}" for k, n in counts.items() if n)
    state = DeadlineState(bucket)
    if state is DeadlineState.OVERDUE:
        worst = max(items, key=lambda i: i.days)
        return f"逾期共 {len(items)} 项（{parts}），最久的 {worst.key} 已逾期 {worst.days} 天。"
    if state is DeadlineState.DUE_SOON:
        today = sum(1 for i in items if i.days == 0)
        return f"{within} 天内到期共 {len(items)} 项（{parts}）" + (f"，其中今天到期 {today} 项。" if today else "。")
    if state is DeadlineState.STALE:
        return f"长期未更新共 {len(items)} 项：请记录最新进展。"
    return f"待销号共 {len(items)} 项：请尽快组织验收并销号。"


def findings_json(findings: Findings, out: IO[str]) -> None:
    """`hjp overdue --json`: exactly the contract object (DESIGN §5), one item a line.

    Written item by item with the C encoder: ``json.dump(indent=...)`` falls back to the pure-Python
    encoder, which alone cost 5 % of the whole command on a 100,000-hazard ledger.
    """
    doc = findings.to_json()
    escape = ascii_only(out)
    out.write('{\n  "as_of": ' + json.dumps(doc["as_of"]))
    for name, items in doc.items():
        if name == "as_of":
            continue
        out.write(f',\n  "{name}": [')
        out.write(",".join("\n    " + json.dumps(i, ensure_ascii=escape) for i in items))
        out.write("\n  ]" if items else "]")
    out.write("\n}\n")


@dataclass
class CheckResult:
    """What `hjp check` found: diagnostics, deadline findings, and the verdict for ``fail_on``."""

    diagnostics: list[Diagnostic]
    findings: Findings
    fail_on: str  # error | overdue | due-soon
    files: list[str]  # every ledger file read (display paths), for per-file reports

    def failing(self, bucket: str) -> bool:
        return bucket in FAIL_ON_BUCKETS[self.fail_on]

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def failed(self) -> bool:
        return self.errors > 0 or any(self.failing(b) and items for b, items in self.findings.buckets().items())

    def summary(self) -> str:
        """The verdict, counting exactly the lines printed above it: each deadline finding is printed
        as an error when its list fails the run (--fail-on), else as a warning."""
        warnings = len(self.diagnostics) - self.errors
        late_errors = sum(len(items) for b, items in self.findings.buckets().items() if self.failing(b))
        late_warnings = len(self.findings) - late_errors
        verdict = "未通过" if self.failed else "通过"
        return (f"检查{verdict}（--fail-on {self.fail_on}，截至 {self.findings.as_of}）："
                f"{self.errors + late_errors} 个错误、{warnings + late_warnings} 个警告"
                f"（台账格式 {self.errors} 个错误、{warnings} 个警告；期限 {late_errors} 个错误、{late_warnings} 个警告）；"
                f"{findings_counts(self.findings)}。")


def _located(result: CheckResult) -> Iterable[tuple[str, Item]]:
    for bucket, items in result.findings.buckets().items():
        for i in items:
            yield bucket, i


def check_text(result: CheckResult, out: IO[str]) -> None:
    diagnostics_text(result.diagnostics, out)
    for bucket, i in _located(result):
        where = f"{i.path}:{i.line}:1: " if i.path else ""
        level = "error" if result.failing(bucket) else "warning"
        out.write(f"{where}{level} {BUCKET_NAMES[bucket]}: {finding_message(bucket, i)}\n")
    out.write(result.summary() + "\n")


def check_json(result: CheckResult, out: IO[str]) -> None:
    doc = {"ok": not result.failed, "fail_on": result.fail_on,
           "diagnostics": [d.to_json() for d in result.diagnostics], "deadlines": result.findings.to_json()}
    json.dump(doc, out, ensure_ascii=ascii_only(out), indent=2)
    out.write("\n")


def check_github(result: CheckResult, out: IO[str]) -> None:
    diagnostics_github(result.diagnostics, out)
    for bucket, i in _located(result):
        level = "error" if result.failing(bucket) else "warning"
        where = f"file={_gh_escape(i.path, prop=True)},line={i.line}," if i.path else ""
        title = _gh_escape(f"{BUCKET_NAMES[bucket]} {i.key}", prop=True)
        out.write(f"::{level} {where}title={title}::{_gh_escape(finding_message(bucket, i))}\n")
    out.write(result.summary() + "\n")


def check_junit(result: CheckResult, out: IO[str]) -> None:
    """JUnit XML as GitLab and Jenkins read it: one test case per ledger file (validation) and one
    per deadline finding; failures carry the Chinese messages."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="hjp check")
    by_file: dict[str, list[Diagnostic]] = {p: [] for p in result.files}
    for d in result.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    suite = ET.SubElement(root, "testsuite", name="台账检查")
    failures = 0
    for path, diags in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="台账检查", name=path, time="0")
        errors = [d for d in diags if d.severity is Severity.ERROR]
        if errors:
            failures += 1
            fail = ET.SubElement(case, "failure", type="error", message=f"{len(errors)} 个错误")
            fail.text = "\n".join(str(d) for d in errors)
        warnings = [d for d in diags if d.severity is not Severity.ERROR]
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join(str(d) for d in warnings)
    suite.set("tests", str(len(by_file)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    dsuite = ET.SubElement(root, "testsuite", name="期限")
    dfail = 0
    count = 0
    for bucket, i in _located(result):
        count += 1
        case = ET.SubElement(dsuite, "testcase", classname=f"期限.{BUCKET_NAMES[bucket]}",
                             name=f"{i.key} {i.title}", time="0")
        if i.path:
            case.set("file", i.path)
            case.set("line", str(i.line))
        message = finding_message(bucket, i)
        if result.failing(bucket):
            dfail += 1
            ET.SubElement(case, "failure", type=bucket, message=message).text = message
        else:
            ET.SubElement(case, "system-out").text = message
    if count == 0:
        ET.SubElement(dsuite, "testcase", classname="期限", name=f"截至 {result.findings.as_of} 没有需要提醒的事项",
                      time="0")
        count = 1
    dsuite.set("tests", str(count))
    dsuite.set("failures", str(dfail))
    dsuite.set("errors", "0")
    root.set("tests", str(len(by_file) + count))
    root.set("failures", str(failures + dfail))
    root.set("errors", "0")
    ET.indent(root)
    xml = _XML_FORBIDDEN.sub(_visible, ET.tostring(root, encoding="unicode"))
    if ascii_only(out):
        # A GBK or ASCII stream: character references keep every character and the declaration true.
        xml = xml.encode("ascii", "xmlcharrefreplace").decode("ascii")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(xml)
    out.write("\n")


# Characters XML 1.0 does not allow at all, not even as a character reference (GitLab and Jenkins
# refuse the whole report): C0 controls but tab and line breaks, surrogates (a file name that is not
# UTF-8), U+FFFE and U+FFFF. ElementTree writes them as they are.
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04X}"  # written as the YAML escape that would produce it


CHECK_REPORTERS: dict[str, Callable[[CheckResult, IO[str]], None]] = {
    "text": check_text,
    "json": check_json,
    "github": check_github,
    "junit": check_junit,
}


# --------------------------------------------------------------------------- lookups
# `hjp show` (one record), `hjp list` (a kind's records), and what an edit changed.


def cell_width(text: str) -> int:
    """Columns a text takes on a terminal (CJK and full-width characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_width(text))


def list_text(listing: Any, out: IO[str]) -> None:
    """`hjp list`: a header and one line per record (编号、村、名称、日期、状态), columns aligned, never
    cut (a line is as long as its cells; a terminal wraps it), then the count."""
    kind = listing.kind
    if not listing.rows:
        out.write(f"截至 {listing.as_of}：没有符合条件的{kind.label}。\n")
        return
    from hjp.lookup import title_header

    head = ("编号", "村", title_header(kind), "日期", "状态")
    rows = [(r.id, r.village_name, r.title.replace("\n", " "), r.date.isoformat() if r.date else "—", r.status or "—")
            for r in listing.rows]
    widths = [max(cell_width(x) for x in col) for col in zip(head, *rows)]
    for row in (head, *rows):
        out.write("  ".join(_pad(c, w) for c, w in zip(row[:-1], widths)) + "  " + row[-1] + "\n")
    from hjp.lookup import MEASURE

    out.write(f"共 {len(rows)} {MEASURE.get(kind.noun, '条')}{kind.label}（截至 {listing.as_of}）。\n")


def list_json(listing: Any, out: IO[str]) -> None:
    """`hjp list --json`: {"as_of", "kind", "records": [{id, kind, village, title, date, status}]}."""
    escape = ascii_only(out)
    out.write('{\n  "as_of": ' + json.dumps(listing.as_of.isoformat()) + ',\n  "kind": '
              + json.dumps(listing.kind.noun) + ',\n  "records": [')
    out.write(",".join("\n    " + json.dumps(r.to_json(), ensure_ascii=escape) for r in listing.rows))
    out.write("\n  ]\n}\n" if listing.rows else "]\n}\n")


def _item_line(bucket: str, item: Item) -> str:
    """One deadline item of the record shown (its title is the record's: only what is particular)."""
    detail = ""
    if item.kind == "occurrence":
        detail = item.title[item.title.rfind("（"):]  # （2025年第3季度）
    elif item.kind == "milestone":
        detail = f"（{item.title.split('：', 1)[-1]}）"
    what = f"{_kind_name(item.kind)} {item.key}{detail} "
    if bucket == "overdue":
        return f"{BUCKET_NAMES[bucket]}：{what}应于 {item.due} 完成，已逾期 {item.days} 天"
    if bucket == "due_soon":
        return f"{BUCKET_NAMES[bucket]}：{what}应于 {item.due} 完成，" + (
            "今天到期" if item.days == 0 else f"还剩 {-item.days} 天")
    if bucket == "stale":
        return f"{BUCKET_NAMES[bucket]}：超过 {STALE_DAYS} 天没有进展记录，应于 {item.due} 前更新，已超过 {item.days} 天"
    return f"{BUCKET_NAMES[bucket]}：整改完成超过 {CLOSURE_DAYS} 天仍未销号，应于 {item.due} 前验收销号，已超过 {item.days} 天"


def _value_lines(label: str, value: Any, indent: str) -> list[str]:
    """``label：value`` lines; a nested record indented under its label, a list of them numbered."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        lines = [f"{indent}{label}："]
        for n, sub in enumerate(value, 1):
            mark = f"  {n}. "  # the entry's fields line up under its first one
            inner = [ln for key, title, v in sub for ln in _value_lines(title, v, indent + " " * len(mark))]
            if inner:
                inner[0] = indent + mark + inner[0].lstrip()
            lines += inner
        return lines
    if isinstance(value, list) and value and isinstance(value[0], tuple):  # a nested record
        return [f"{indent}{label}：", *(ln for key, title, v in value for ln in _value_lines(title, v, indent + "  "))]
    if isinstance(value, list):
        text = "、".join(show(v) for v in value) or "（无）"
    elif isinstance(value, bool):
        text = "是" if value else "否"
    else:
        text = show(value)
    return [f"{indent}{label}：" + text.replace("\r\n", "\n").replace("\n", "\n" + indent + "  ")]


def _when(iso: str, tz: str) -> str:
    return _local_time(iso, tz)


def show_text(shown: Any, out: IO[str]) -> None:
    """`hjp show`: the record as the clerk reads it — what and where, status and deadlines as of
    the day, every field under its Chinese name, the history in brief."""
    k = shown.kind
    lines = [f"{shown.id}  {shown.title}",
             f"{k.label}，{shown.village_name}" + (f"（{shown.village}）" if shown.village else "")
             + f"，{shown.path}:{shown.line}"]
    if shown.status:
        lines.append(f"状态：{shown.status}（截至 {shown.as_of}）")
    if len(shown.items) == 1:
        lines.append(f"期限：{_item_line(*shown.items[0])}")
    elif shown.items:  # a unit's coverage, a task's milestones or periods: one a line
        lines += [f"期限（{len(shown.items)} 项）：", *(f"  {_item_line(b, i)}" for b, i in shown.items)]
    elif k.noun in ("hazard", "task", "drill", "unit") and shown.status != "已作废":
        lines.append(f"期限：截至 {shown.as_of} 没有逾期、即将到期、长期未更新或待销号的事项")
    lines.append("")
    for key, title, value in shown.fields:
        if key == "id":
            continue
        lines += _value_lines(title, value, "")
    if shown.text_chars:
        lines.append(f"方案原文：（共 {shown.text_chars} 字，加 --full 显示）")
    h = shown.history
    if h is not None:
        lines.append("")
        if h.note:
            lines.append(f"修改历史：无（{h.note}）")
        elif not h.commits:
            lines.append("修改历史：尚未提交到 git")
        else:
            created = h.created
            text = f"修改历史：{_when(created[0], h.tz)} {created[1]} 新建"
            if h.last is not None:
                text += f"；最后修改 {_when(h.last[0], h.tz)} {h.last[1]}（{h.last[2]}）"
            lines.append(text + f"；共 {h.commits} 次提交（详见 hjp log {shown.id}）")
    out.write("\n".join(lines) + "\n")


def show_json(shown: Any, out: IO[str]) -> None:
    """`hjp show --json`: {"id", "kind", "village", "path", "line", "as_of", "status", "deadlines":
    [{"state", ITEM…}], "record": {field: value} (text only with --full), "history"}."""
    h = shown.history
    history = None
    if h is not None:
        history = {"commits": h.commits, "note": h.note,
                   "created": {"date": h.created[0], "author": h.created[1], "message": h.created[2]} if h.created else None,
                   "last": {"date": h.last[0], "author": h.last[1], "message": h.last[2]} if h.last else None}
    doc = {"id": shown.id, "kind": shown.kind.noun, "village": shown.village, "path": shown.path, "line": shown.line,
           "as_of": shown.as_of.isoformat(), "title": shown.title, "status": shown.status,
           "deadlines": [{"state": b, **i.to_json()} for b, i in shown.items],
           "record": shown.record, "history": history}
    json.dump(doc, out, ensure_ascii=ascii_only(out), indent=2)
    out.write("\n")


def changed_text(rid: str, display: str, line: int, changes: list[tuple[str, Any, Any]],
                 label: Callable[[str], str], out: IO[str]) -> None:
    """After an edit: ``已写入 FILE:LINE ID`` and one ``字段: 旧值 → 新值`` line per changed field
    (``label``: a flattened field name such as progress[3].note in Chinese)."""
    out.write(f"已写入 {display}:{line} {rid}\n")
    for key, old, new in changes:
        name = label(key)
        out.write(_field_line(f"  {name}: {show(_mask(key, old))} → {show(_mask(key, new))}") + "\n")
