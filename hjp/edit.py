"""Domain commands: what each change of a record means, as a ``Change`` a transaction applies.

Each ``plan_*`` function takes an open ``hjp.transaction.Transaction`` (the ledger loaded under its
lock, today's date, the files as read) and returns a ``Change``: splices on the record's own lines
plus the operations they perform on its values (so the transaction can check that it reads back
as meant), or a new record for its kind's file, or a whole file's bytes. They check the record as
it stands now — another clerk's change has already landed when the lock was granted — and refuse
with ``EditError`` (a Chinese message, exit code 1 for the data, 2 for the command line).
Nothing here writes, locks or validates the ledger: that is the transaction's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from hjp.kinds import BY_NOUN, KINDS, Kind
from hjp.yamlread import _VALUE_CONTROL
from hjp.yamltext import (BOM, EditError, Edits, YamlText, append_item, block_mapping, get, record_id,
                          set_field)

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.transaction import Target, Transaction

__all__ = ["BOM", "Change", "EditError", "plan_close", "plan_done", "plan_held", "plan_new", "plan_new_village",
           "plan_note", "plan_rectify", "plan_void"]

Op = tuple[str, tuple[Any, ...], Any]  # ("set" | "append", path inside the record, value)


@dataclass
class Change:
    """One change a transaction applies to one file; ``message`` is its line in a commit message.

    A record change carries ``edits`` (splices on the file as the transaction read it) and ``ops``
    (what they do to the record's values); a new record carries ``record`` (appended to its kind's
    file by the transaction); any file may be given whole (``data``, with ``expected`` values when
    it is YAML hjp reads) or grow at its end (``append``, e.g. a log).
    """

    path: Path
    message: str
    record_id: str | None = None
    kind: str | None = None  # the kind's noun, "village", or None for a file that holds no record
    edits: Edits = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    record: dict[str, Any] | None = None
    data: bytes | None = None
    expected: dict[str, Any] | None = None
    append: bytes | None = None
    create: bool = False  # ``data`` makes a new file: refused when one is there already


# ---------------------------------------------------------------------------------------------
# Checks of what the clerk typed (the same for every caller: CLI, import, tests)

_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(option: str, value: str) -> None:
    """Refuse text the ledger may not hold (every free-text value, before anything is planned).

    Control characters other than newline and tab corrupt Word files and are refused by the reader
    (HJP008); lone surrogates are how Python passes on command-line bytes that are not UTF-8.
    """
    if _SURROGATE.search(value):
        raise EditError(f"{option} 含有无法识别的字符（输入的文字不是 UTF-8 编码）；"
                        "请把终端设为 UTF-8（例如 export LANG=zh_CN.UTF-8）后重新输入", 2)
    bad = _VALUE_CONTROL.search(value)
    if bad:
        raise EditError(f"{option} 含有控制字符 U+{ord(bad.group()):04X}；请删除", 2)


def verifier(by: str | None) -> str:
    """``--by`` of ``hjp close``: required, checked, stripped."""
    if by is not None:
        check_text("--by", by)
    if not by or not by.strip():
        raise EditError("销号须写明验收人：--by 验收人姓名，例如 --by 赵某", 2)
    return by.strip()


def void_reason(reason: str | None) -> str:
    """``--reason`` of ``hjp void``: required, checked, stripped."""
    if reason is not None:
        check_text("--reason", reason)
    if not reason or not reason.strip():
        raise EditError("作废须写明原因：--reason 原因，例如 --reason 重复录入", 2)
    return reason.strip()


def head_count(participants: int | None) -> int:
    """``--participants`` of ``hjp held``: required, not negative."""
    if participants is None:
        raise EditError("请写明参演人数：--participants 人数，例如 --participants 32", 2)
    if participants < 0:
        raise EditError("参演人数 --participants 不能为负数", 2)
    return participants


def _not_future(what: str, on: date, today: date, option: str = "--on") -> None:
    if on > today:
        raise EditError(f"{what} {on} 晚于今天 {today}；不能登记尚未发生的事，请改正 {option}", 2)


# ---------------------------------------------------------------------------------------------
# Changes to existing records


def field_order(kind: Kind | str) -> list[str]:
    kind = BY_NOUN[kind] if isinstance(kind, str) else kind
    return list(kind.model_cls().model_fields)


Edit = Callable[["Target", Edits, list[Op]], None]


def _modify(tx: Transaction, rid: str, nouns: tuple[str, ...] | None, verb: str, edit: Edit) -> Change:
    """A change of an existing record: ``edit`` adds splices and the operations they perform."""
    target = tx.target(rid, nouns)
    rec = target.record
    if rec.void is not None:
        raise EditError(f"{rid} 已于 {rec.void.date} 作废（{rec.void.reason}），不能再修改", 1)
    edits: Edits = []
    ops: list[Op] = []
    edit(target, edits, ops)
    title = getattr(rec, "title", None) or getattr(rec, "name", "")
    return Change(target.path, f"{verb} {rid} {title}".rstrip(), rid, target.kind.noun, edits, ops)


def _set(t: Target, edits: Edits, ops: list[Op], key: str, value: Any) -> None:
    set_field(t.doc, edits, t.node, key, value, field_order(t.kind))
    ops.append(("set", (key,), value))


def plan_rectify(tx: Transaction, rid: str, *, on: date | None = None) -> Change:
    """整改完成: ``rectified_on``."""
    day = on or tx.today

    def edit(t: Target, edits: Edits, ops: list[Op]) -> None:
        h = t.record
        if h.rectified_on is not None:
            raise EditError(f"{rid} 已于 {h.rectified_on} 整改完成；如需更正请手工编辑并说明原因", 1)
        _not_future("整改完成日期", day, tx.today)
        if day < h.found_on:
            raise EditError(f"整改完成日期 {day} 早于发现日期 {h.found_on}；日期顺序应为 发现 ≤ 整改完成 ≤ 销号", 2)
        _set(t, edits, ops, "rectified_on", day)

    return _modify(tx, rid, ("hazard",), "整改完成", edit)


def plan_close(tx: Transaction, rid: str, *, on: date | None = None, by: str | None) -> Change:
    """验收销号: ``verified_by`` (kept when the same, refused when another's) and ``closed_on``."""
    who = verifier(by)
    day = on or tx.today

    def edit(t: Target, edits: Edits, ops: list[Op]) -> None:
        h = t.record
        if h.closed_on is not None:
            raise EditError(f"{rid} 已于 {h.closed_on} 销号", 1)
        if h.rectified_on is None:
            raise EditError(f"{rid} 尚未整改完成，不能销号；请先运行 hjp rectify {rid} --on 整改完成日期", 1)
        _not_future("销号日期", day, tx.today)
        if day < h.rectified_on:
            raise EditError(f"销号日期 {day} 早于整改完成日期 {h.rectified_on}；日期顺序应为 发现 ≤ 整改完成 ≤ 销号", 2)
        if h.verified_by and h.verified_by != who:
            # Silently replacing another verifier would rewrite who signed the 验收: refused.
            raise EditError(f"{rid} 的验收人已登记为 {h.verified_by}，与 --by {who} 不同，未写入任何内容；"
                            f"如确由 {h.verified_by} 验收，请改用 --by {h.verified_by}；如需更正验收人，请手工编辑并说明原因", 1)
        if h.verified_by != who:
            _set(t, edits, ops, "verified_by", who)
        _set(t, edits, ops, "closed_on", day)

    return _modify(tx, rid, ("hazard",), "销号", edit)


def plan_held(tx: Transaction, rid: str, *, on: date | None = None, participants: int | None) -> Change:
    """演练已实施: ``held_on`` and ``participants``."""
    count = head_count(participants)
    day = on or tx.today

    def edit(t: Target, edits: Edits, ops: list[Op]) -> None:
        d = t.record
        if d.held_on is not None:
            raise EditError(f"{rid} 已于 {d.held_on} 实施", 1)
        _not_future("演练实施日期", day, tx.today)
        _set(t, edits, ops, "held_on", day)
        _set(t, edits, ops, "participants", count)

    return _modify(tx, rid, ("drill",), "完成演练", edit)


def plan_void(tx: Transaction, rid: str, *, reason: str | None, on: date | None = None) -> Change:
    """作废: ``void: {date, reason}`` (the record stays, and counts nowhere)."""
    why = void_reason(reason)
    day = on or tx.today

    def edit(t: Target, edits: Edits, ops: list[Op]) -> None:
        _not_future("作废日期", day, tx.today)
        _set(t, edits, ops, "void", {"date": day, "reason": why})

    return _modify(tx, rid, None, "作废", edit)


def plan_done(tx: Transaction, rid: str, *, on: date | None = None, milestone: int | None = None,
              note: str | None = None, evidence: list[str] | tuple[str, ...] = ()) -> Change:
    """任务落实: done_on (one-off), a milestone's done_on, an occurrence (recurring) or progress (ongoing)."""
    paths = list(evidence)
    if note is not None:
        check_text("--note", note)
    for p in paths:
        check_text("--evidence", p)
    day = on or tx.today
    shape = tx.target(rid, ("task",)).record.shape
    verb = {"deadline": "完成任务", "milestones": "完成阶段目标", "every": "落实任务", "ongoing": "任务进展"}.get(shape or "", "")

    def edit(t: Target, edits: Edits, ops: list[Op]) -> None:
        _not_future("完成日期", day, tx.today)
        task = t.record
        order = field_order(t.kind)

        def append(node: Any, path: tuple[Any, ...], item: Any, item_order: list[str]) -> None:
            append_item(t.doc, edits, node, path[-1], item, item_order)
            ops.append(("append", path, item))

        def note_progress() -> None:  # --note beside a done_on: the task's progress log gets it
            if note:
                append(t.node, ("progress",), {"date": day, "note": note}, order)

        if shape is None:
            raise EditError(f"{rid} 的任务形式有误（deadline、milestones、every、ongoing 须有且只有一个）；请先运行 hjp validate", 1)
        if milestone is not None and shape != "milestones":
            raise EditError(f"{rid} 没有阶段目标，不能用 --milestone", 2)
        if shape == "deadline":
            if task.done_on is not None:
                raise EditError(f"{rid} 已于 {task.done_on} 完成", 1)
            _set(t, edits, ops, "done_on", day)
            note_progress()
            for p in paths:
                append(t.node, ("evidence",), p, order)
        elif shape == "milestones":
            ms = task.milestones or []
            if milestone is None:
                listing = "；".join(f"{i + 1}. {x.what}（{x.due}{'，已完成' if x.done_on else ''}）" for i, x in enumerate(ms))
                raise EditError(f"{rid} 有 {len(ms)} 个阶段目标，请用 --milestone 序号 指明完成的是哪一个：{listing}", 2)
            if not 1 <= milestone <= len(ms):
                raise EditError(f"{rid} 只有 {len(ms)} 个阶段目标，没有第 {milestone} 个", 2)
            if ms[milestone - 1].done_on is not None:
                raise EditError(f"{rid} 的第 {milestone} 个阶段目标已于 {ms[milestone - 1].done_on} 完成", 1)
            from hjp.model import Milestone

            item = get(t.node, "milestones")[1].value[milestone - 1]  # type: ignore[index]
            sub_order = list(Milestone.model_fields)
            set_field(t.doc, edits, item, "done_on", day, sub_order)
            ops.append(("set", ("milestones", milestone - 1, "done_on"), day))
            for p in paths:
                append(item, ("milestones", milestone - 1, "evidence"), p, sub_order)
            note_progress()
        else:
            if shape == "ongoing" and not note:
                raise EditError(f"{rid} 是长期坚持的任务，请用 --note 写明这次的进展，例如 --note 召开专题培训会1次", 2)
            name = "occurrences" if shape == "every" else "progress"
            append(t.node, (name,), {"date": day, "note": note, "evidence": paths or None}, order)

    return _modify(tx, rid, ("task",), verb, edit)


def plan_note(tx: Transaction, rid: str, *, text: str | None, on: date | None = None,
              evidence: list[str] | tuple[str, ...] = ()) -> Change:
    """任务进展: a progress entry {date, note, evidence} on a task of any shape; completes nothing
    (``plan_done`` does), so a one-off task can record how it is going before it is done."""
    if text is not None:
        check_text("进展内容", text)
    if not text or not text.strip():
        raise EditError("请写明这次的进展，例如 hjp note RW-14 --on 2026-11-20 召开专题会议部署排查", 2)
    paths = list(evidence)
    for p in paths:
        check_text("--evidence", p)
    day = on or tx.today
    note = text.strip()

    def edit(t: Target, edits: Edits, ops: list[Op]) -> None:
        _not_future("进展日期", day, tx.today)
        item = {"date": day, "note": note, "evidence": paths or None}
        append_item(t.doc, edits, t.node, "progress", item, field_order(t.kind))
        ops.append(("append", ("progress",), item))

    return _modify(tx, rid, ("task",), "任务进展", edit)


# ---------------------------------------------------------------------------------------------
# New records


def check_target(ledger: Ledger, noun: str, village: str | None) -> str | None:
    """The village's slug (--village may give its name, hjp.villages); a missing, unknown or
    superfluous --village refused before asking the clerk for anything."""
    if noun == "village":
        if village is not None:
            raise EditError("新建行政村不用 --village；请写成 hjp new village 村代码 --name 村名", 2)
        return None
    k = BY_NOUN[noun]
    if not k.town and village is None:
        raise EditError(f"新增{k.label}须指明所属村：--village 村代码", 2)
    if not k.village and village is not None:
        raise EditError(f"{k.label}是镇级记录，不用 --village；请去掉 --village {village}", 2)
    if village is not None and village not in ledger.villages:
        from hjp.errors import UsageError
        from hjp.villages import resolve

        try:
            return resolve(ledger.villages, village)
        except UsageError as exc:
            raise EditError(f"{exc.message}。新建村请用 hjp new village 村代码 --name 村名", 2) from None
    return village


def _set_path(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        record = record.setdefault(key, {})
    record[path[-1]] = value


def _in_model_order(record: dict[str, Any], cls: Any) -> dict[str, Any]:
    """``record`` with its keys (and a sub-model's keys) in the model's field order."""
    import typing

    fields = cls.model_fields
    order = list(fields)
    out = dict(sorted(record.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    for key, value in out.items():
        if isinstance(value, dict) and key in fields:
            sub = [a for a in (fields[key].annotation, *typing.get_args(fields[key].annotation))
                   if isinstance(a, type) and hasattr(a, "model_fields")]
            if sub:
                out[key] = _in_model_order(value, sub[0])
    return out


def plan_new(tx: Transaction, noun: str, values: dict[str, Any], *, village: str | None) -> Change:
    """A new record of ``noun`` (typed ``values`` by option name), numbered inside the lock."""
    check_target(tx.ledger, noun, village)
    k = BY_NOUN[noun]
    values = dict(values)
    for spec in k.fields:
        if spec.default_today:
            values.setdefault(spec.option, tx.today)
        if spec.not_future and spec.option in values:  # refused like every other date of an event
            _not_future(spec.not_future, values[spec.option], tx.today, f"--{spec.option}")
    record: dict[str, Any] = {}
    for spec in k.fields:  # the model's field order, so the record reads like the others
        value = values.get(spec.option)
        if value is not None and value != []:
            _set_path(record, spec.path, value)
    year = tx.today.year
    if k.id_year and values.get(k.id_year):
        year = values[k.id_year].year
    rid = tx.allocate_id(noun, year=year, village=village)
    record = _in_model_order({"id": rid, **record}, k.model_cls())
    title = record.get("title") or record.get("name") or ""
    return Change(k.file(tx.root, village), f"新增{k.label} {rid} {title}".rstrip(), rid, noun, record=record)


def plan_sealed(tx: Transaction, rid: str, identity: str, recipients: Any) -> Change:
    """A new hazard's 举报人, sealed to the custodians as ``sealed/<rid>.age`` (never over an existing
    file); added to the same transaction as the hazard, so neither lands without the other."""
    from hjp import sealed

    try:
        data = sealed.seal(rid, identity, recipients)
    except sealed.SealError as exc:
        raise EditError(exc.message, exc.code) from None
    return Change(sealed.sealed_path(tx.root, rid), f"密封举报人 {rid}", rid, None, data=data, create=True)


def plan_new_village(tx: Transaction, slug: str, values: dict[str, Any]) -> Change:
    """A new village: ``villages/<slug>/village.yaml`` (a folder made by hand without it is completed)."""
    from hjp.kinds import VILLAGE_FIELDS
    from hjp.load import SLUG_MAX, SLUG_RE

    if not SLUG_RE.match(slug):
        raise EditError(f"村代码 {slug} 须为小写 ASCII 字母、数字和 -（一般用村名拼音，例如 hejiapan）", 2)
    if len(slug) > SLUG_MAX:
        raise EditError(f"村代码太长（{len(slug)} 个字符，上限 {SLUG_MAX}）；请用村名拼音，例如 hejiapan", 2)
    vdir = tx.root / "villages" / slug
    if vdir.exists() and (not vdir.is_dir() or (vdir / "village.yaml").exists()):
        raise EditError(f"村 {slug} 已经存在（{tx.display(vdir)}）", 1)
    record = {s.path[0]: values[s.option] for s in VILLAGE_FIELDS if s.option in values}
    lines = ["# yaml-language-server: $schema=../../../schemas/village.schema.json", *block_mapping(record)]
    return Change(vdir / "village.yaml", f"新增行政村 {slug} {record.get('name', '')}".rstrip(), slug, "village",
                  data=("\n".join(lines) + "\n").encode("utf-8"), expected=record)


# ---------------------------------------------------------------------------------------------
# Showing what was written


def shown_record(new: bytes, change: Change, ledger: Ledger, display: str,
                 memo: dict[Path, Any] | None = None) -> tuple[int, str]:
    """(1-based line, text) of ``change``'s record as it stands in ``new``, the 举报人 masked.

    ``memo`` keeps each file's text and record lines between calls (a batch shows many records of
    one file)."""
    memo = {} if memo is None else memo
    if change.kind == "village" or change.record_id is None:
        return 1, new.decode("utf-8-sig").rstrip("\n")
    known = memo.get(change.path)
    if known is None:
        doc = YamlText.of_text(new.decode("utf-8-sig"))
        result = ledger.results.get(change.path)
        lines: list[int] = sorted(loc.line for loc in result.locs) if result is not None else []
        where: dict[str, list[int]] = {}
        if result is not None:
            for rec, loc in zip(result.records, result.locs):
                where.setdefault(rec.id, []).append(loc.line)
        known = memo[change.path] = (doc, lines, where)
    doc, lines, where = known
    node = None
    mine = where.get(change.record_id, [])
    if len(mine) == 1:
        from bisect import bisect_right

        from yaml.nodes import SequenceNode

        later = lines[bisect_right(lines, mine[0]):]
        root = doc.compose(mine[0] - 1, later[0] - 1 if later else len(doc.starts), display)
        if isinstance(root, SequenceNode) and len(root.value) == 1:
            root = root.value[0]
        node = root if record_id(root) == change.record_id else None
    if node is None:
        doc = YamlText.from_bytes(new, display)
        kind = next(k for k in KINDS if k.noun == change.kind)
        node = doc.find_record(kind.top, change.record_id, display)
    assert node is not None
    first, last = doc.record_lines(node)
    return first + 1, _masked(doc, node, first, last)


HIDDEN = "（保密，不显示）"
HIDDEN_COMMENT = "#（注释不显示）"


def _masked(doc: YamlText, node: Any, first: int, last: int) -> str:
    """The record's lines with nothing confidential: a reporter other than 已密封 is masked, and so is
    every comment in the record (``reporter: 已密封  # 举报人张三，电话…`` would otherwise be echoed)."""
    from yaml.nodes import ScalarNode

    from hjp.sealed import MARKER

    edits = [(a, b, HIDDEN_COMMENT) for a, b in _comment_spans(doc, node, first, last)]
    hit = get(node, "reporter")
    if hit is not None and not (isinstance(hit[1], ScalarNode) and hit[1].value == MARKER and not hit[1].style):
        value = hit[1]
        a, b = doc.off(value.start_mark), doc.off(value.end_mark)
        block = isinstance(value, ScalarNode) and value.style in ("|", ">")
        edits = [e for e in edits if not a <= e[0] < b]  # a comment inside the masked value goes with it
        edits.append((a, b, HIDDEN + (doc.eol if block and value.end_mark.column == 0 else "")))
    start, stop = doc.starts[first], doc.line_end(last)
    region = doc.text[start:stop]
    for a, b, new in sorted(edits, reverse=True):  # all inside the record's lines
        region = region[:a - start] + new + region[b - start:]
    body = region.rstrip("\r\n").splitlines()
    cut = min(len(ln) - len(ln.lstrip(" ")) for ln in body if ln.strip())
    cut = min(cut, max(node.start_mark.column - 2, 0))
    return "\n".join(ln[cut:] for ln in body)


def _scalar_spans(doc: YamlText, node: Any) -> list[tuple[int, int]]:
    """Offsets of every scalar (keys and values, quotes included) inside ``node``."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    out: list[tuple[int, int]] = []
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, ScalarNode):
            out.append((doc.off(n.start_mark), doc.off(n.end_mark)))
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                todo.extend((k, v))
        elif isinstance(n, SequenceNode):
            todo.extend(n.value)
    return sorted(out)


def _comment_spans(doc: YamlText, node: Any, first: int, last: int) -> list[tuple[int, int]]:
    """(start, end) of every comment on lines ``first``..``last``: a ``#`` outside any scalar, at
    the start of a line or after a blank, up to the end of its line."""
    spans = _scalar_spans(doc, node)
    out = []
    for line in range(first, last + 1):
        start, end = doc.starts[line], doc.line_end(line)
        body = doc.text[start:end].rstrip("\r\n\x85\u2028\u2029")
        pos = 0
        while True:
            pos = body.find("#", pos)
            if pos < 0:
                break
            at = start + pos
            inside = any(a <= at < b for a, b in spans)
            if not inside and (pos == 0 or body[pos - 1] in " \t"):
                out.append((at, start + len(body)))
                break
            pos += 1
    return out
