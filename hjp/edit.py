"""Round-trip writes: change one record of a ledger file and leave every other byte alone.

A change is planned as text splices on the file as it is (DESIGN §7): the file is composed with
PyYAML to learn where each node starts and ends, and only the lines or spans being changed are
inserted or replaced, in the file's own indentation and line endings (BOM and CRLF kept).
Every scalar hjp writes is quoted whenever a YAML 1.1 reader (PyYAML) or a YAML 1.2 reader
(ruamel, editors) could read it as anything but the intended value.

Before anything is written the whole ledger is validated as it would be after the change (the
real loader and rules run on a temporary copy holding the new bytes); the write itself is atomic
(temporary file in the same directory, fsync, ``os.replace``). Refusals are ``EditError`` with a
Chinese message for the clerk.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hjp import model as m
from hjp.clock import iso_date
from hjp.kinds import BY_NOUN, KINDS, VILLAGE_FIELDS, FieldSpec, vocabulary
from hjp.files import write_atomic
from hjp.diagnostics import Diagnostic, Severity, os_reason
from hjp.yamlread import _VALUE_CONTROL, parse_text, plain as _plain

if TYPE_CHECKING:
    from hjp.load import Ledger

BOM = b"\xef\xbb\xbf"
# libyaml's line breaks: offsets are computed from (line, column) marks, so they must agree.
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")

# By CLI noun, from the registry (hjp.kinds).
KIND_FILE = {k.noun: k.stem for k in KINDS}
KIND_PREFIX = {k.noun: k.prefix for k in KINDS}
PREFIX_KIND = {v: k for k, v in KIND_PREFIX.items()}
KIND_NAME = {**{k.noun: k.label for k in KINDS}, "village": "行政村"}


class EditError(Exception):
    """A refused change: ``message`` is for the clerk, ``code`` the exit code (1 data, 2 usage)."""

    def __init__(self, message: str, code: int = 2, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.diagnostics = diagnostics or []


# ---------------------------------------------------------------------------------------------
# Scalars that read back as meant under YAML 1.1 (PyYAML) and YAML 1.2 (ruamel, editors)

_RESOLVER = yaml.resolver.Resolver()
_YAML12_NON_STR = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
    r"|0o[0-7]+|0x[0-9a-fA-F]+|true|True|TRUE|false|False|FALSE|null|Null|NULL|~"
    r"|[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x85": "\\N",
            "\u2028": "\\L", "\u2029": "\\P", "\0": "\\0"}


def _plain_ok(s: str, flow: bool) -> bool:
    if not s or s != s.strip() or s[0] in _INDICATORS:
        return False
    if any(ch in s for ch in "\n\r\t\x85\u2028\u2029") or _NON_PRINTABLE.search(s):
        return False
    if ": " in s or " #" in s or s.endswith(":"):
        return False
    # PyYAML refuses some ':' inside flow collections, so quote them all there.
    if flow and any(ch in s for ch in ",[]{}:?"):
        return False
    if _YAML12_NON_STR.fullmatch(s):
        return False
    return _RESOLVER.resolve(ScalarNode, s, (True, False)) == "tag:yaml.org,2002:str"


def _double_quoted(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _NON_PRINTABLE.match(ch) or ch == "\ufeff":
            code = ord(ch)
            out.append(f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def scalar(value: Any, *, flow: bool = False) -> str:
    """One scalar as YAML text that PyYAML (1.1) and YAML 1.2 readers both read back as ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        text = repr(value)
        if "e" in text or "E" in text:  # YAML 1.1 floats need a '.' and a signed exponent
            mant, exp = text.lower().split("e")
            text = f"{mant if '.' in mant else mant + '.0'}e{exp if exp[0] in '+-' else '+' + exp}"
        return text
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if _plain_ok(text, flow) else _double_quoted(text)


def flow(value: Any) -> str:
    """A value on one line: scalars, ``{k: v}`` mappings and ``[a, b]`` lists (None entries dropped)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items() if v is not None) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def block_lines(record: dict[str, Any], indent: int) -> list[str]:
    """A new record as block-style lines starting ``- id: ...`` at ``indent`` spaces."""
    lines: list[str] = []

    def emit(mapping: dict[str, Any], pad: str, first: str | None) -> None:
        for i, (key, value) in enumerate((k, v) for k, v in mapping.items() if v is not None and v != []):
            lead = first if (first is not None and i == 0) else pad
            if isinstance(value, dict):
                lines.append(f"{lead}{key}:")
                emit(value, pad + "  ", None)
            elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
                lines.append(f"{lead}{key}:")
                lines.extend(f"{pad}  - {flow(v)}" for v in value)
            elif isinstance(value, list):
                lines.append(f"{lead}{key}: {flow(value)}")
            else:
                lines.append(f"{lead}{key}: {scalar(value)}")

    emit(record, " " * (indent + 2), " " * indent + "- ")
    return lines


def as_parsed(value: Any) -> Any:
    """``value`` as hjp's reader returns it (dates stay text): what a written value must read back as."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_parsed(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [as_parsed(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# The text of one file, with node positions, and splices on it


class _Composer(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


@dataclass
class YamlText:
    """A ledger file's text and node tree; edits are collected as (start, end, text) splices."""

    text: str
    bom: bool = False
    eol: str = "\n"
    root: Node | None = None
    starts: list[int] = field(default_factory=list)
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, raw: bytes, display: str) -> "YamlText":
        bom = raw.startswith(BOM)
        try:
            text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EditError(f"{display} 不是 UTF-8 编码；请先运行 hjp validate 查看如何转换", 1) from None
        first = _LINE_BREAK.search(text)
        doc = cls(text, bom, first.group() if first else "\n")
        doc.starts = [0] + [mm.end() for mm in _LINE_BREAK.finditer(text)]
        try:
            doc.root = yaml.compose(text, Loader=_Composer)
        except yaml.YAMLError:
            raise EditError(f"{display} 有 YAML 语法错误，未作任何修改；请先运行 hjp validate 并改正", 1) from None
        return doc

    def to_bytes(self) -> bytes:
        text = self.text
        # Back to front so offsets stay valid; at one position the first edit added comes first.
        ordered = sorted(enumerate(self.edits), key=lambda e: (e[1][0], e[1][1], e[0]), reverse=True)
        for _i, (start, end, new) in ordered:
            text = text[:start] + new + text[end:]
        data = text.encode("utf-8")
        return BOM + data if self.bom else data

    # -- positions
    def off(self, mark: Any) -> int:
        return self.starts[mark.line] + mark.column

    def line_end(self, line: int) -> int:
        """Offset just after ``line``'s line break (the file's end for the last line)."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def _blank(self, line: int) -> bool:
        return not self.text[self.starts[line]:self.line_end(line)].strip()

    def last_line(self, node: Node) -> int:
        """The last line holding ``node``'s own content (not the blank lines or comments after it)."""
        if isinstance(node, MappingNode) and not node.flow_style and node.value:
            return self.last_line(node.value[-1][1])
        if isinstance(node, SequenceNode) and not node.flow_style and node.value:
            return self.last_line(node.value[-1])
        end = node.end_mark
        line = end.line
        if end.column == 0 and line > node.start_mark.line:  # block scalars end at the next line's start
            line -= 1
            while line > node.start_mark.line and self._blank(line):
                line -= 1
        return line

    def insert_lines(self, after_line: int, lines: list[str]) -> None:
        pos = self.line_end(after_line)
        text = "".join(ln + self.eol for ln in lines)
        if pos == len(self.text) and self.text and not _LINE_BREAK.match(self.text[-1]):
            text = self.eol + text[: -len(self.eol)]  # the file had no final newline: keep it so
        self.edits.append((pos, pos, text))

    # -- navigation
    def top_sequence(self, top: str, display: str) -> tuple[MappingNode, ScalarNode, Node] | None:
        root = self.root
        if root is None:
            return None
        if not isinstance(root, MappingNode):
            raise EditError(f"{display} 的顶层不是 {top}: 映射；请先运行 hjp validate 并改正", 1)
        for k, v in root.value:
            if isinstance(k, ScalarNode) and k.value == top:
                return root, k, v
        return None

    def find_record(self, top: str, rid: str, display: str) -> MappingNode | None:
        found = self.top_sequence(top, display)
        if found is None or not isinstance(found[2], SequenceNode):
            return None
        hits = [item for item in found[2].value if isinstance(item, MappingNode)
                and any(isinstance(k, ScalarNode) and k.value == "id" and isinstance(v, ScalarNode) and v.value == rid
                        for k, v in item.value)]
        if len(hits) > 1:
            raise EditError(f"{display} 中编号 {rid} 出现了 {len(hits)} 次；请先改正重复编号（hjp validate）", 1)
        return hits[0] if hits else None

    def record_lines(self, node: MappingNode) -> tuple[int, int]:
        """First and last line (0-based) of a record that is an item of a block sequence."""
        return node.start_mark.line, self.last_line(node)


def get(node: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def set_field(doc: YamlText, mapping: MappingNode, key: str, value: Any, order: list[str]) -> None:
    """Set ``key`` of ``mapping`` to ``value`` (written on one line), in place or in model order."""
    text = flow(value) if isinstance(value, (dict, list)) else scalar(value, flow=bool(mapping.flow_style))
    hit = get(mapping, key)
    if hit is not None:
        _k, v = hit
        start, end = doc.off(v.start_mark), doc.off(v.end_mark)
        if _is_null(v) and start == end:  # `key:` with nothing after it
            doc.edits.append((start, end, (" " if doc.text[start - 1:start] == ":" else "") + text))
        elif isinstance(v, ScalarNode) and (not v.style or v.style in "'\"") and v.start_mark.line == v.end_mark.line:
            doc.edits.append((start, end, text))
        else:
            raise EditError(f"{key} 的现有写法过于复杂，无法自动修改；请手工编辑", 1)
        return
    if mapping.flow_style:
        pos = doc.off(mapping.value[-1][1].end_mark) if mapping.value else doc.off(mapping.start_mark) + 1
        doc.edits.append((pos, pos, f"{', ' if mapping.value else ''}{key}: {text}"))
        return
    _insert_key(doc, mapping, key, [f"{key}: {text}"], order)


def _insert_key(doc: YamlText, mapping: MappingNode, key: str, lines: list[str], order: list[str]) -> None:
    """Add ``key``'s ``lines`` (written unindented) to a block mapping that lacks it: after the last
    existing key that comes before ``key`` in the model's order, else at the end."""
    indent = " " * mapping.value[0][0].start_mark.column
    rank = {name: i for i, name in enumerate(order)}
    mine = rank.get(key, len(order))
    before = [v for k, v in mapping.value if rank.get(k.value, len(order)) <= mine]
    anchor = before[-1] if before else mapping.value[-1][1]
    doc.insert_lines(doc.last_line(anchor), [indent + ln for ln in lines])


def append_item(doc: YamlText, mapping: MappingNode, key: str, item: Any, order: list[str]) -> None:
    """Append ``item`` to the list under ``key`` (creating the list when absent)."""
    hit = get(mapping, key)
    if hit is None or _is_null(hit[1]):
        if mapping.flow_style or not isinstance(item, dict):
            set_field(doc, mapping, key, [item], order)
            return
        if hit is not None:
            raise EditError(f"{key}: 为空值；请手工删除这一行后重试", 1)
        _insert_key(doc, mapping, key, [f"{key}:", f"  - {flow(item)}"], order)
        return
    seq = hit[1]
    if not isinstance(seq, SequenceNode):
        raise EditError(f"{key} 应为列表；请先运行 hjp validate 并改正", 1)
    if seq.flow_style:
        if seq.value:
            pos = doc.off(seq.value[-1].end_mark)
            doc.edits.append((pos, pos, f", {flow(item)}"))
        else:
            pos = doc.off(seq.start_mark) + 1
            doc.edits.append((pos, pos, flow(item)))
        return
    dash = seq.start_mark.column
    doc.insert_lines(doc.last_line(seq), [" " * dash + f"- {flow(item)}"])


def append_record(doc: YamlText, top: str, record: dict[str, Any], display: str) -> None:
    """Append a new record to the file's ``top:`` list, in the style of the records already there."""
    found = doc.top_sequence(top, display)
    if found is None:
        if doc.root is not None:
            raise EditError(f"{display} 没有顶层键 {top}:；请先运行 hjp validate 并改正", 1)
        last = len(doc.starts) - 1
        while last > 0 and doc._blank(last):
            last -= 1
        if doc.text.strip():
            doc.insert_lines(last, [f"{top}:", *block_lines(record, 2)])
        else:
            doc.edits.append((len(doc.text), len(doc.text),
                              "".join(ln + doc.eol for ln in [f"{top}:", *block_lines(record, 2)])))
        return
    _root, key, seq = found
    if _is_null(seq) or (isinstance(seq, SequenceNode) and seq.flow_style and not seq.value):
        if not _is_null(seq):  # `top: []` → `top:` followed by the record
            start, end = doc.off(seq.start_mark), doc.off(seq.end_mark)
            while start > 0 and doc.text[start - 1] == " ":
                start -= 1
            doc.edits.append((start, end, ""))
        doc.insert_lines(key.start_mark.line, block_lines(record, key.start_mark.column + 2))
        return
    if not isinstance(seq, SequenceNode):
        raise EditError(f"{display} 的 {top}: 下不是记录列表；请先运行 hjp validate 并改正", 1)
    if seq.flow_style:
        pos = doc.off(seq.value[-1].end_mark)
        doc.edits.append((pos, pos, f", {flow(record)}"))
        return
    dash = seq.start_mark.column
    last = doc.last_line(seq)
    lines = block_lines(record, dash)
    # Keep the file's rhythm: a blank line between records when the last two are separated by one.
    items = seq.value
    if len(items) >= 2 and doc._blank(items[-1].start_mark.line - 1):
        lines = [""] + lines
    doc.insert_lines(last, lines)


# ---------------------------------------------------------------------------------------------
# Planned changes


@dataclass
class Change:
    """One file's new bytes, what they are for, and how to say it in a commit."""

    path: Path
    old: bytes | None  # None: the file is created
    new: bytes
    record_id: str
    kind: str
    top: str | None  # the record list's key (None for village.yaml)
    message: str  # standard commit message, e.g. 销号 YH-2024-0001 卸油区静电接地装置失效
    expected: dict[str, Any] | None = None  # the record as it must read back
    # sealed identities written with it, all or nothing: hazard id -> armoured age bytes, to be
    # created as sealed/<id>.age (never over an existing file)
    sealed: dict[str, bytes] = field(default_factory=dict)


def field_order(kind: str) -> list[str]:
    return list(BY_NOUN[kind].model_cls().model_fields)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EditError(f"无法读取 {path}（{os_reason(exc)}）", 2) from None


def find(ledger: Ledger, rid: str, *, kinds: tuple[str, ...] | None = None) -> tuple[Any, Path, str]:
    """The record with ID ``rid``: (model, file path, kind); EditError when unknown or of the wrong kind."""
    rec = ledger.record(rid)
    if rec is None:
        if rid in {d[0] for d in ledger.duplicates}:
            raise EditError(f"编号 {rid} 在台账中重复出现；请先改正（hjp validate）", 1)
        raise EditError(f"台账中没有编号为 {rid} 的记录（若该记录有错误未能读取，请先运行 hjp validate）", 1)
    kind = PREFIX_KIND.get(rid.split("-", 1)[0], "")
    if kinds and kind not in kinds:
        want = "或".join(KIND_NAME[k] for k in kinds)
        raise EditError(f"{rid} 是{KIND_NAME.get(kind, '记录')}，此命令只用于{want}", 2)
    loc = ledger.loc_of(rec)
    base = ledger.root if loc.village is None else ledger.root / "villages" / loc.village
    return rec, base / f"{KIND_FILE[kind]}.yaml", kind


def _modify(ledger: Ledger, rid: str, kinds: tuple[str, ...], message: str,
            edit: Callable[[YamlText, MappingNode, Any, dict[str, Any]], None]) -> Change:
    """Plan a change to an existing record: ``edit`` splices ``doc`` and updates ``expected``."""
    rec, path, kind = find(ledger, rid, kinds=kinds)
    if rec.void is not None:
        raise EditError(f"{rid} 已于 {rec.void.date} 作废（{rec.void.reason}），不能再修改", 1)
    display = ledger.display(path)
    raw = _read(path)
    if raw is None:
        raise EditError(f"找不到文件 {display}", 2)
    doc = YamlText.from_bytes(raw, display)
    top = KIND_FILE[kind]
    node = doc.find_record(top, rid, display)
    if node is None:
        raise EditError(f"{display} 中找不到 {rid}；请先运行 hjp validate", 1)
    parsed = parse_text(doc.text, display).data
    expected = next(r for r in parsed[top] if isinstance(r, dict) and r.get("id") == rid)
    expected = _plain(expected)
    edit(doc, node, rec, expected)
    title = getattr(rec, "title", None) or getattr(rec, "name", "")
    return Change(path, raw, doc.to_bytes(), rid, kind, top, f"{message} {rid} {title}".rstrip(), expected)


def _not_future(what: str, on: date, today: date, option: str = "--on") -> None:
    if on > today:
        raise EditError(f"{what} {on} 晚于今天 {today}；不能登记尚未发生的事，请改正 {option}", 2)


def plan_rectify(ledger: Ledger, rid: str, *, on: date, today: date) -> Change:
    def edit(doc: YamlText, node: MappingNode, h: m.Hazard, exp: dict[str, Any]) -> None:
        if h.rectified_on is not None:
            raise EditError(f"{rid} 已于 {h.rectified_on} 整改完成；如需更正请手工编辑并说明原因", 1)
        _not_future("整改完成日期", on, today)
        if on < h.found_on:
            raise EditError(f"整改完成日期 {on} 早于发现日期 {h.found_on}；日期顺序应为 发现 ≤ 整改完成 ≤ 销号", 2)
        set_field(doc, node, "rectified_on", on, field_order("hazard"))
        exp["rectified_on"] = on.isoformat()

    return _modify(ledger, rid, ("hazard",), "整改完成", edit)


def plan_close(ledger: Ledger, rid: str, *, on: date, by: str, today: date) -> Change:
    check_text("--by", by)

    def edit(doc: YamlText, node: MappingNode, h: m.Hazard, exp: dict[str, Any]) -> None:
        if h.closed_on is not None:
            raise EditError(f"{rid} 已于 {h.closed_on} 销号", 1)
        if h.rectified_on is None:
            raise EditError(f"{rid} 尚未整改完成，不能销号；请先运行 hjp rectify {rid} --on 整改完成日期", 1)
        _not_future("销号日期", on, today)
        if on < h.rectified_on:
            raise EditError(f"销号日期 {on} 早于整改完成日期 {h.rectified_on}；日期顺序应为 发现 ≤ 整改完成 ≤ 销号", 2)
        if not by.strip():
            raise EditError("销号须写明验收人：--by 验收人姓名", 2)
        order = field_order("hazard")
        if h.verified_by != by:
            set_field(doc, node, "verified_by", by, order)
            exp["verified_by"] = by
        set_field(doc, node, "closed_on", on, order)
        exp["closed_on"] = on.isoformat()

    return _modify(ledger, rid, ("hazard",), "销号", edit)


def plan_held(ledger: Ledger, rid: str, *, on: date, participants: int, today: date) -> Change:
    def edit(doc: YamlText, node: MappingNode, d: m.Drill, exp: dict[str, Any]) -> None:
        if d.held_on is not None:
            raise EditError(f"{rid} 已于 {d.held_on} 实施", 1)
        _not_future("演练实施日期", on, today)
        if participants < 0:
            raise EditError("参演人数 --participants 不能为负数", 2)
        order = field_order("drill")
        set_field(doc, node, "held_on", on, order)
        set_field(doc, node, "participants", participants, order)
        exp["held_on"], exp["participants"] = on.isoformat(), participants

    return _modify(ledger, rid, ("drill",), "完成演练", edit)


def plan_void(ledger: Ledger, rid: str, *, reason: str, on: date, today: date) -> Change:
    check_text("--reason", reason)

    def edit(doc: YamlText, node: MappingNode, r: Any, exp: dict[str, Any]) -> None:
        if r.void is not None:
            raise EditError(f"{rid} 已于 {r.void.date} 作废（{r.void.reason}）", 1)
        if not reason.strip():
            raise EditError("作废须写明原因：--reason 原因，例如 --reason 重复录入", 2)
        _not_future("作废日期", on, today)
        value = {"date": on, "reason": reason}
        set_field(doc, node, "void", value, field_order(PREFIX_KIND[rid.split("-", 1)[0]]))
        exp["void"] = as_parsed(value)

    return _modify(ledger, rid, tuple(KIND_FILE), "作废", edit)


def plan_done(ledger: Ledger, rid: str, *, on: date, today: date, milestone: int | None = None,
              note: str | None = None, evidence: list[str] | None = None) -> Change:
    evidence = list(evidence or [])
    if note is not None:
        check_text("--note", note)
    for p in evidence:
        check_text("--evidence", p)
    rec, _p, _k = find(ledger, rid, kinds=("task",))
    shape = rec.shape
    verb = {"deadline": "完成任务", "milestones": "完成阶段目标", "every": "落实任务", "ongoing": "任务进展"}.get(shape or "", "")

    def edit(doc: YamlText, node: MappingNode, t: m.Task, exp: dict[str, Any]) -> None:
        _not_future("完成日期", on, today)
        order = field_order("task")

        def note_progress() -> None:  # --note beside a done_on: the task's progress log gets it
            if note:
                entry = {"date": on, "note": note}
                append_item(doc, node, "progress", entry, order)
                exp.setdefault("progress", []).append(as_parsed(entry))

        if shape is None:
            raise EditError(f"{rid} 的任务形式有误（deadline、milestones、every、ongoing 须有且只有一个）；请先运行 hjp validate", 1)
        if milestone is not None and shape != "milestones":
            raise EditError(f"{rid} 没有阶段目标，不能用 --milestone", 2)
        if shape == "deadline":
            if t.done_on is not None:
                raise EditError(f"{rid} 已于 {t.done_on} 完成", 1)
            set_field(doc, node, "done_on", on, order)
            exp["done_on"] = on.isoformat()
            note_progress()
            for p in evidence:
                append_item(doc, node, "evidence", p, order)
                exp.setdefault("evidence", []).append(p)
        elif shape == "milestones":
            ms = t.milestones or []
            if milestone is None:
                listing = "；".join(f"{i + 1}. {x.what}（{x.due}{'，已完成' if x.done_on else ''}）" for i, x in enumerate(ms))
                raise EditError(f"{rid} 有 {len(ms)} 个阶段目标，请用 --milestone 序号 指明完成的是哪一个：{listing}", 2)
            if not 1 <= milestone <= len(ms):
                raise EditError(f"{rid} 只有 {len(ms)} 个阶段目标，没有第 {milestone} 个", 2)
            if ms[milestone - 1].done_on is not None:
                raise EditError(f"{rid} 的第 {milestone} 个阶段目标已于 {ms[milestone - 1].done_on} 完成", 1)
            ms_node = get(node, "milestones")[1]  # type: ignore[index]
            item = ms_node.value[milestone - 1]
            sub_order = list(m.Milestone.model_fields)
            set_field(doc, item, "done_on", on, sub_order)
            exp["milestones"][milestone - 1]["done_on"] = on.isoformat()
            for p in evidence:
                append_item(doc, item, "evidence", p, sub_order)
                exp["milestones"][milestone - 1].setdefault("evidence", []).append(p)
            note_progress()
        else:
            if shape == "ongoing" and not note:
                raise EditError(f"{rid} 是长期坚持的任务，请用 --note 写明这次的进展，例如 --note 召开专题培训会1次", 2)
            entry = {"date": on, "note": note, "evidence": evidence or None}
            name = "occurrences" if shape == "every" else "progress"
            append_item(doc, node, name, entry, order)
            exp.setdefault(name, []).append(as_parsed(entry))

    return _modify(ledger, rid, ("task",), verb, edit)


# ---------------------------------------------------------------------------------------------
# New records: field options, IDs, files


FIELDS: dict[str, list[FieldSpec]] = {**{k.noun: list(k.fields) for k in KINDS}, "village": list(VILLAGE_FIELDS)}


def choices(spec: FieldSpec, ledger: Ledger) -> list[str]:
    return vocabulary(spec.choices, ledger.town)


def describe(spec: FieldSpec, ledger: Ledger) -> str:
    opts = choices(spec, ledger)
    extra = f"，可选：{'、'.join(opts)}" if opts and spec.choices != "actions" else ""
    return f"--{spec.option}（{spec.label}{extra}）"


def parse_field_args(kind: str, args: list[str]) -> dict[str, list[str]]:
    """``--title X --lead A --lead B --ongoing`` → {option: [raw values]}; unknown options refused."""
    specs = {s.option: s for s in FIELDS[kind]}
    for s in FIELDS[kind]:
        specs.setdefault(s.option.replace("-", "_"), s)
    out: dict[str, list[str]] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            raise EditError(f"多余的参数 {arg}；字段请写成 --字段 值，例如 --title 卸油区静电接地装置失效", 2)
        name, eq, value = arg[2:].partition("=")
        spec = specs.get(name)
        if spec is None:
            from hjp.schema_errors import did_you_mean

            known = [s.option for s in FIELDS[kind]]
            hint = did_you_mean(name, known) or f"；{KIND_NAME[kind]}可用的字段：" + "、".join(f"--{k}" for k in known)
            raise EditError(f"不认识的选项 --{name}{hint}", 2)
        if spec.type == "flag":
            if eq:
                raise EditError(f"--{spec.option} 不带值", 2)
            out.setdefault(spec.option, []).append("true")
            i += 1
            continue
        if not eq:
            if i + 1 >= len(args):
                raise EditError(f"--{spec.option} 后面缺少值（{spec.label}）", 2)
            value = args[i + 1]
            i += 1
        out.setdefault(spec.option, []).append(value)
        i += 1
    for opt, values in out.items():
        spec = specs[opt]
        if len(values) > 1 and spec.type not in ("list", "path", "milestone"):
            raise EditError(f"--{opt} 只能给一次", 2)
    return out


def field_values(kind: str, args: list[str], ledger: Ledger) -> dict[str, Any]:
    """The typed value of each field option in ``args`` (``parse_field_args``, then ``convert``)."""
    specs = {s.option: s for s in FIELDS[kind]}
    return {opt: convert(specs[opt], given, ledger) for opt, given in parse_field_args(kind, args).items()}


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(option: str, value: str) -> None:
    """Refuse text the ledger may not hold, before anything is planned (every free-text option).

    Control characters other than newline and tab corrupt Word files and are refused by the reader
    (HJP008); lone surrogates are how Python passes on command-line bytes that are not UTF-8.
    """
    if _SURROGATE.search(value):
        raise EditError(f"{option} 含有无法识别的字符（输入的文字不是 UTF-8 编码）；"
                        "请把终端设为 UTF-8（例如 export LANG=zh_CN.UTF-8）后重新输入", 2)
    bad = _VALUE_CONTROL.search(value)
    if bad:
        raise EditError(f"{option} 含有控制字符 U+{ord(bad.group()):04X}；请删除", 2)


def convert(spec: FieldSpec, raw: list[str], ledger: Ledger) -> Any:
    """The typed value of one option; EditError with a Chinese hint when it does not fit."""
    first = raw[0].strip()
    for r in raw:
        check_text(f"--{spec.option}", r)
    opts = choices(spec, ledger)
    if spec.type == "str":
        if not first:
            raise EditError(f"--{spec.option}（{spec.label}）不能为空", 2)
        if opts and spec.choices != "actions" and first not in opts:
            from hjp.schema_errors import did_you_mean

            raise EditError(f"--{spec.option} 的值 {first} 不在可选范围内{did_you_mean(first, opts) or '；'}"
                            f"可选：{'、'.join(opts)}", 2)
        return first
    if spec.type == "date":
        try:
            return iso_date(first)
        except ValueError:
            raise EditError(f"--{spec.option} 的日期 {first} 无效；请写成 YYYY-MM-DD，例如 2026-12-15", 2) from None
    if spec.type in ("int", "float"):
        try:
            num = float(first)
        except ValueError:
            num = float("nan")
        if num != num or num in (float("inf"), float("-inf")) or num < 0:
            raise EditError(f"--{spec.option} 应为非负数字，而不是 {first}", 2)
        if spec.type == "int" or num.is_integer():
            if spec.type == "int" and not num.is_integer():
                raise EditError(f"--{spec.option} 应为整数，而不是 {first}", 2)
            return int(num)
        return num
    if spec.type == "bool":
        table = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False}
        if first.lower() not in table:
            raise EditError(f"--{spec.option} 应为 是 或 否，而不是 {first}", 2)
        return table[first.lower()]
    if spec.type == "flag":
        return True
    if spec.type == "path":
        return [r.strip() for r in raw if r.strip()]
    if spec.type == "list":
        return [p.strip() for r in raw for p in re.split(r"[、,，]", r) if p.strip()]
    if spec.type == "milestone":
        out = []
        for r in raw:
            due, sep, what = r.partition(":")
            if not sep:
                due, sep, what = r.partition("：")
            try:
                d = iso_date(due.strip())
            except ValueError:
                raise EditError(f"--milestone 应写成 期限:内容，例如 2026-06-30:完成排查（现为 {r}）", 2) from None
            if not what.strip():
                raise EditError(f"--milestone {r} 缺少目标内容", 2)
            out.append({"due": d, "what": what.strip()})
        return out
    raise AssertionError(spec.type)  # pragma: no cover


def missing(kind: str, values: dict[str, Any]) -> list[FieldSpec]:
    """Required options not given (the 重大 hazard's 五定 included)."""
    out = [s for s in FIELDS[kind] if s.required and s.option not in values]
    k = BY_NOUN.get(kind)
    if k is None:
        return out
    for option, value, then in k.required_if:
        if values.get(option) == value:
            out += [s for s in FIELDS[kind] if s.option in then and s.option not in values]
    if k.one_of and not any(o in values for o in k.one_of):
        out.append(next(s for s in FIELDS[kind] if s.option == k.one_of[0]))
    return out


def next_id(ledger: Ledger, kind: str, *, year: int, village: str | None) -> str:
    """The next free ID of ``kind`` under town.yaml's id_format (sequence per year and village)."""
    fmt = getattr(ledger.town.id_format if ledger.town else m.IdFormat(), kind)
    if village is None:
        fmt = re.sub(r"-?\{village\}", "", fmt)  # town-level tasks: RW-{village}-{seq} → RW-{seq}
    parts = re.split(r"(\{[a-z]+(?::[^}]*)?\})", fmt)
    rx = ""
    for part in parts:
        name = re.fullmatch(r"\{([a-z]+)(?::([^}]*))?\}", part)
        if not name:
            rx += re.escape(part)
            continue
        # Only zero-padding to a sane width: town.yaml is data, and '{seq:0999999999d}' asked
        # str.format for a gigabyte.
        if name.group(2) is not None and (name.group(1) != "seq" or not re.fullmatch(r"0[1-9]d?", name.group(2))):
            raise EditError(f"town.yaml 的 id_format.{kind} 中 {part} 的写法不支持；序号写 {{seq}} 或补零到固定位数，"
                            f"例如 {{seq:04d}}（1–9 位），{{year}}、{{village}} 不带格式", 1)
        if name.group(1) == "seq":
            rx += r"(?P<seq>\d+)"
        elif name.group(1) == "year":
            rx += str(year)
        elif name.group(1) == "village":
            rx += re.escape(village or "")
        else:
            raise EditError(f"town.yaml 的 id_format.{kind} 中有不认识的占位符 {part}；只能用 {{year}}、{{village}}、{{seq}}", 1)
    if "(?P<seq>" not in rx:
        raise EditError(f"town.yaml 的 id_format.{kind} 须含 {{seq}}（序号）", 1)
    pattern = re.compile(rx)
    used = [int(mm.group("seq")) for rid in [*ledger.locs, *(d[0] for d in ledger.duplicates)]
            if (mm := pattern.fullmatch(rid))]
    seq = max(used, default=0) + 1
    try:
        new = fmt.format(year=year, village=village or "", seq=seq)
    except (ValueError, KeyError, IndexError):
        raise EditError(f"town.yaml 的 id_format.{kind} 写法有误：{fmt}", 1) from None
    if not re.fullmatch(m.ID_RE, new) or new in ledger.locs:
        raise EditError(f"按 town.yaml 的 id_format.{kind} 生成的编号 {new} 不合规或已被占用；请检查编号样式", 1)
    return new


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


def modeline(kind_file: str, depth: int) -> str:
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{kind_file}.schema.json"


def check_target(ledger: Ledger, kind: str, village: str | None) -> None:
    """Refuse a missing or unknown --village before asking the clerk for anything."""
    if kind == "village":
        if village is not None:
            raise EditError("新建行政村不用 --village；请写成 hjp new village 村代码 --name 村名", 2)
        return
    k = BY_NOUN[kind]
    if not k.town and village is None:
        raise EditError(f"新增{k.label}须指明所属村：--village 村代码", 2)
    if not k.village and village is not None:
        raise EditError(f"{k.label}是镇级记录，不用 --village；请去掉 --village {village}", 2)
    if village is not None and village not in ledger.villages:
        known = "、".join(ledger.villages) or "（还没有任何村）"
        raise EditError(f"村 {village} 不存在；已有的村：{known}。新建村请用 hjp new village {village} --name 村名", 2)


def plan_new(ledger: Ledger, kind: str, values: dict[str, Any], *, village: str | None, today: date) -> Change:
    """A new hazard, task, drill or unit appended to its village's (or the town's) file."""
    check_target(ledger, kind, village)
    k = BY_NOUN[kind]
    for spec in k.fields:
        if spec.default_today:
            values.setdefault(spec.option, today)
        if spec.not_future and spec.option in values:  # refused like every other date of an event
            _not_future(spec.not_future, values[spec.option], today, f"--{spec.option}")
    record: dict[str, Any] = {}
    for spec in FIELDS[kind]:  # the model's field order, so the record reads like the others
        if spec.option in values:
            _set_path(record, spec.path, values[spec.option])
    year = today.year
    if k.id_year and values.get(k.id_year):
        year = values[k.id_year].year
    rid = next_id(ledger, kind, year=year, village=village)
    record = {"id": rid, **record}
    record = _in_model_order(record, k.model_cls())
    top = k.top
    path = k.file(ledger.root, village)
    display = ledger.display(path)
    raw = _read(path)
    if raw is None:
        doc = YamlText(modeline(top, 1 if village is None else 3) + "\n")
        doc.starts = [0, len(doc.text)]
    else:
        doc = YamlText.from_bytes(raw, display)
    append_record(doc, top, record, display)
    title = record.get("title") or record.get("name") or ""
    return Change(path, raw, doc.to_bytes(), rid, kind, top, f"新增{KIND_NAME[kind]} {rid} {title}".rstrip(),
                  as_parsed(record))


def plan_new_village(ledger: Ledger, slug: str, values: dict[str, Any]) -> Change:
    from hjp.load import SLUG_MAX, SLUG_RE

    if not SLUG_RE.match(slug):
        raise EditError(f"村代码 {slug} 须为小写 ASCII 字母、数字和 -（一般用村名拼音，例如 hejiapan）", 2)
    if len(slug) > SLUG_MAX:
        raise EditError(f"村代码太长（{len(slug)} 个字符，上限 {SLUG_MAX}）；请用村名拼音，例如 hejiapan", 2)
    vdir = ledger.root / "villages" / slug
    # A folder without village.yaml (made by hand, which validate then asks to complete) is taken over.
    if vdir.exists() and (not vdir.is_dir() or (vdir / "village.yaml").exists()):
        raise EditError(f"村 {slug} 已经存在（{ledger.display(vdir)}）", 1)
    record = {s.path[0]: values[s.option] for s in FIELDS["village"] if s.option in values}
    lines = [modeline("village", 3)] + [f"{k}: {scalar(v)}" for k, v in record.items()]
    path = ledger.root / "villages" / slug / "village.yaml"
    return Change(path, None, ("\n".join(lines) + "\n").encode("utf-8"), slug, "village", None,
                  f"新增行政村 {slug} {record.get('name', '')}".rstrip(), as_parsed(record))


# ---------------------------------------------------------------------------------------------
# Checking and writing


def verify_readback(change: Change) -> None:
    """The new bytes must read back (hjp's reader) to the intended record, the rest unchanged."""
    display = str(change.path)
    new = parse_text(change.new.decode("utf-8-sig"), display)
    if new.diagnostics:
        raise EditError("写出的内容无法读回，未写入：" + "；".join(d.message for d in new.diagnostics), 1)
    if new.data is None:
        raise EditError(f"内部错误：写出的 {display} 无法读回，未写入（请报告此问题）", 1)
    if change.top is None:
        got: Any = new.data
        want: Any = change.expected
    else:
        old_items = []
        if change.old is not None:
            old = parse_text(change.old.decode("utf-8-sig"), display).data
            old_items = list(old.get(change.top) or []) if isinstance(old, dict) else []
        items = list(new.data.get(change.top) or [])
        mine = [r for r in items if isinstance(r, dict) and r.get("id") == change.record_id]
        others = [r for r in items if not (isinstance(r, dict) and r.get("id") == change.record_id)]
        old_others = [r for r in old_items if not (isinstance(r, dict) and r.get("id") == change.record_id)]
        got = (mine, others)
        want = ([change.expected], old_others)
    if _plain(got) != _plain(want):
        raise EditError(f"内部错误：写出的 {display} 读回后与预期不符，未写入（请报告此问题）", 1)


def check(ledger: Ledger, change: Change, *, as_of: date) -> list[Diagnostic]:
    """Validate the whole ledger as it would be after ``change`` (the real loader and rules)."""
    from hjp.load import load_ledger
    from hjp.rules import RuleContext, validate
    from hjp.rules.sealed import sealed_scan

    verify_readback(change)
    root = ledger.root
    with tempfile.TemporaryDirectory(prefix="hjp-check-") as tmp:
        troot = Path(tmp) / "ledger"
        troot.mkdir()
        mapping: dict[str, str] = {}

        def copy(src: Path) -> None:
            dst = troot / src.relative_to(root)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)

        for name in ("town.yaml", "tasks.yaml"):
            if (root / name).is_file():
                copy(root / name)
        vdir = root / "villages"
        if vdir.is_dir():
            for d in vdir.iterdir():
                if d.is_dir():
                    (troot / "villages" / d.name).mkdir(parents=True, exist_ok=True)
                    for f in d.iterdir():
                        if f.suffix in (".yaml", ".yml") and f.is_file():
                            copy(f)
        target = troot / change.path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(change.new)
        cand = load_ledger(troot, cache=False, display_root=ledger.display_root)
        cand.repo_root = ledger.repo_root  # evidence paths resolve against the real repository
        # the real sealed store, with the sealed files this change adds
        cand.sealed = sealed_scan(ledger).with_ids(change.sealed)
        diags = validate(cand, RuleContext(as_of=as_of))
        paths = [*cand.files, *(troot / "villages").glob("*"), troot]
        for p in paths:
            mapping[cand.display(p)] = ledger.display(root / p.relative_to(troot)) if p != troot else ledger.display_root
    out = []
    for d in diags:
        msg = d.message
        for tmp_disp, real in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
            msg = msg.replace(tmp_disp, real)
        out.append(dataclasses.replace(d, path=mapping.get(d.path, d.path), message=msg))
    return out


def errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity is Severity.ERROR]


def _replace(src: str, dst: Path) -> None:
    # A seam for tests injecting a failure between writing the temporary file and renaming it.
    os.replace(src, dst)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` durably and atomically (``files.write_atomic``).

    Folders it had to create are removed again when the write fails: a bare ``villages/<slug>/``
    left behind would make the ledger invalid (HJP012).
    """
    made = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, durable=True, replace=lambda src, dst: _replace(src, dst))
    except BaseException:
        _remove_dirs(made)
        raise


def _remove_dirs(made: list[Path]) -> None:
    for d in made:  # deepest first; only folders this write created, and only while empty
        try:
            d.rmdir()
        except OSError:
            break


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Serialise hjp's writes to one ledger (two ``hjp new`` at once must not share an ID)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the clerk works alone there
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def apply(ledger: Ledger, change: Change, *, as_of: date) -> list[Diagnostic]:
    """Check, then write ``change``; returns the warnings. EditError (nothing written) on errors."""
    # DESIGN §7: nothing is written outside the repository, also not through a symbolic link
    # (a villages/<slug> linking elsewhere would otherwise receive the file).
    real = Path(os.path.realpath(change.path))
    repo = Path(os.path.realpath(ledger.repo_root))
    if not real.is_relative_to(repo):
        raise EditError(f"{ledger.display(change.path)} 经符号链接指向仓库之外（{real}）；hjp 不向仓库外写入，"
                        "未写入任何内容。请把该村的文件放进仓库本身", 1)
    diags = check(ledger, change, as_of=as_of)
    bad = errors(diags)
    if bad:
        raise _refusal(ledger, bad, as_of=as_of)
    current = _read(change.path)
    if current != change.old:
        raise EditError(f"{ledger.display(change.path)} 在此期间被修改过，未写入；请重试", 1)
    made = _create_sealed(ledger, change)
    try:
        atomic_write(change.path, change.new)
    except OSError as exc:
        _remove_files(made)
        raise EditError(f"写入 {ledger.display(change.path)} 失败（{os_reason(exc)}），原文件未改动", 1) from None
    except BaseException:
        _remove_files(made)
        raise
    # Only the changed record's warnings: the ledger's other warnings were there before and are
    # validate's to list, not news about this change.
    return [d for d in diags if d.severity is Severity.WARNING and d.record == change.record_id]


def _create_sealed(ledger: Ledger, change: Change) -> list[Path]:
    """Create the change's sealed files before its ledger file (a sealed file without its hazard is
    harmless and removed again on failure; a 已密封 hazard without its file would lose the identity)."""
    from hjp import sealed

    made: list[Path] = []
    try:
        for rid, data in change.sealed.items():
            path = sealed.sealed_path(ledger.root, rid)
            if path.exists() or path.is_symlink():
                raise EditError(f"{ledger.display(path)} 已经存在；hjp 不覆盖已密封的举报人信息。"
                                "请先运行 hjp validate 核对", 1)
            if not sealed.is_inside(path, ledger.repo_root):
                raise EditError(f"{ledger.display(path)} 经符号链接指向仓库之外；hjp 不向仓库外写入，未写入任何内容", 1)
            made.extend(d for d in (path.parent,) if not d.exists())
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data, durable=True)
            made.append(path)
    except OSError as exc:
        _remove_files(made)
        raise EditError(f"写入密封文件失败（{os_reason(exc)}），未写入任何内容", 1) from None
    except BaseException:
        _remove_files(made)
        raise
    return made


def _remove_files(paths: list[Path]) -> None:
    for p in reversed(paths):
        try:
            p.rmdir() if p.is_dir() else p.unlink()
        except OSError:
            pass


def _problem(d: Diagnostic) -> tuple[str, str, str | None, str]:
    # lines shift when a record is inserted: a problem is the same one if all but its place agree
    return d.code, d.path, d.record, re.sub(r":\d+(?=\D|$)", "", d.message)


def _refusal(ledger: Ledger, bad: list[Diagnostic], *, as_of: date) -> EditError:
    """Say whether the errors come from this change or were in the ledger already."""
    from hjp.rules import RuleContext, validate

    before = {_problem(d) for d in errors(validate(ledger, RuleContext(as_of=as_of)))}
    new = [d for d in bad if _problem(d) not in before]
    old = len(bad) - len(new)
    if not new:
        return EditError(f"台账本来就有 {old} 个错误（与本次修改无关），须先改正才能修改；未写入任何内容：", 1, bad)
    more = f"（另有 {old} 个原有错误，hjp validate 查看）" if old else ""
    return EditError(f"改动后台账会有 {len(new)} 个错误{more}，未写入任何内容：", 1, new)


HIDDEN = "（保密，不显示）"
HIDDEN_COMMENT = "#（注释不显示）"


def _scalar_spans(doc: YamlText, node: Node) -> list[tuple[int, int]]:
    """Offsets of every scalar (keys and values, quotes included) inside ``node``."""
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


def _comment_spans(doc: YamlText, node: MappingNode, first: int, last: int) -> list[tuple[int, int]]:
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


def written_record(change: Change) -> tuple[int, str]:
    """(1-based line, text) of the record as it now stands in the file, with nothing confidential:
    a reporter other than 已密封 is masked, and so is every comment in the record (a comment such
    as ``reporter: 已密封  # 举报人张三，电话…`` would otherwise be echoed to the screen)."""
    from hjp.sealed import MARKER

    text = change.new.decode("utf-8-sig")
    if change.top is None:
        return 1, text.rstrip("\n")
    doc = YamlText.from_bytes(change.new, str(change.path))
    node = doc.find_record(change.top, change.record_id, str(change.path))
    assert node is not None
    first, last = doc.record_lines(node)
    hit = get(node, "reporter")
    edits = [(a, b, HIDDEN_COMMENT) for a, b in _comment_spans(doc, node, first, last)]
    if hit is not None and not (isinstance(hit[1], ScalarNode) and hit[1].value == MARKER and not hit[1].style):
        value = hit[1]
        a, b = doc.off(value.start_mark), doc.off(value.end_mark)
        block = isinstance(value, ScalarNode) and value.style in ("|", ">")
        edits = [e for e in edits if not a <= e[0] < b]  # a comment inside the masked value goes with it
        edits.append((a, b, HIDDEN + (doc.eol if block and value.end_mark.column == 0 else "")))
    if edits:
        doc.edits = edits
        text = doc.to_bytes().decode("utf-8-sig")
        doc = YamlText.from_bytes(text.encode("utf-8"), str(change.path))
        node = doc.find_record(change.top, change.record_id, str(change.path))
        assert node is not None
        first, last = doc.record_lines(node)
    lines = [doc.text[doc.starts[i]:doc.line_end(i)].rstrip("\r\n") for i in range(first, last + 1)]
    cut = min(len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip())
    col = node.start_mark.column
    cut = min(cut, max(col - 2, 0))
    return first + 1, "\n".join(ln[cut:] for ln in lines)
