"""YAML as text: the one emitter hjp writes with, and splices on a file that leave every other byte alone.

Knows nothing about ledgers. Two halves:

- **The emitter** (``scalar``, ``flow``, ``block_lines``, ``block_mapping``): values as YAML text
  that PyYAML (YAML 1.1) and YAML 1.2 readers (ruamel, editors) both read back as the value meant.
  A string is written plain only when neither reader could take it for anything else; otherwise
  it is double-quoted. ``hjp demo`` writes whole files with it, the edits write single lines.
- **YamlText**: a file's text with the node tree PyYAML composes for it (or for a slice of it: a
  record's lines, composed in place so every mark is the file's own line and column), and edits
  collected as (start, end, text) splices in the file's own indentation and line endings (BOM and
  CRLF kept). ``to_bytes`` applies them in one pass.

Refusals are ``EditError`` with a Chinese message (a clerk's file that is too unusual to change
safely by machine), ``code`` the exit code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hjp.errors import EditError

__all__ = ["EditError"]  # re-exported: refusals of the text layer and of every change

BOM = b"\xef\xbb\xbf"
# libyaml's line breaks: offsets are computed from (line, column) marks, so they must agree.
LINE_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")


# ---------------------------------------------------------------------------------------------
# The emitter: scalars that read back as meant under YAML 1.1 (PyYAML) and YAML 1.2

_RESOLVER = yaml.resolver.Resolver()
_YAML12_NON_STR = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
    r"|0o[0-7]+|0x[0-9a-fA-F]+|true|True|TRUE|false|False|FALSE|null|Null|NULL|~"
    r"|[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x85": "\\N",
            "\u2028": "\\L", "\u2029": "\\P", "\0": "\\0"}
# Most ledger text starts with a CJK character and holds no indicator: plain in any context, and
# found without the checks below (the demo writes millions of these). A subset of what _plain_ok
# accepts, so it never changes a result: no implicit resolver starts with these characters.
_CJK_PLAIN = re.compile("[\u3400-\u9fff\uff08\u201c\u300a]"
                        "[^\x00-\x1f\x7f-\x9f:#,\\[\\]{}?\"'\\\\\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*")

# IDs (YH-2026-0001, DW-hejiapan-01): letters, then hyphenated parts. Also a subset of what _plain_ok
# accepts (no indicator, space or colon; no YAML 1.1 or 1.2 resolver matches a letter pair and a
# hyphen), found without its checks: an import writes one or two a record.
_ID_PLAIN = re.compile(r"[A-Za-z]{2,}(?:-[A-Za-z0-9]+)+")


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
    if isinstance(value, str):
        if _CJK_PLAIN.fullmatch(value) and value[-1] != " " or _ID_PLAIN.fullmatch(value):
            return value
        return value if _plain_ok(value, flow) else _double_quoted(value)
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
    raise TypeError(f"cannot write {type(value).__name__} as YAML")  # a programming error, not input


def flow(value: Any) -> str:
    """A value on one line: scalars, ``{k: v}`` mappings and ``[a, b]`` lists (None values dropped)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items() if v is not None) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def _emit(mapping: dict[str, Any], pad: str, first: str | None, out: list[str], flow_keys: frozenset[str],
          drop_empty: bool) -> None:
    lead = pad if first is None else first
    for key, value in mapping.items():
        if value is None or drop_empty and (value == [] or value == {}):
            continue
        if isinstance(value, dict) and key not in flow_keys:
            out.append(f"{lead}{key}:")
            _emit(value, pad + "  ", None, out, flow_keys, drop_empty)
        elif isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value):
            out.append(f"{lead}{key}:")
            out.extend(f"{pad}  - {flow(v)}" for v in value)
        elif isinstance(value, (dict, list, tuple)):
            out.append(f"{lead}{key}: {flow(value)}")
        else:
            out.append(f"{lead}{key}: {scalar(value)}")
        lead = pad


def block_lines(record: dict[str, Any], indent: int, *, flow_keys: Iterable[str] = (),
                drop_empty: bool = False) -> list[str]:
    """A record as block-style lines, ``- key: ...`` at ``indent`` spaces (None values left out, and
    empty lists and mappings too with ``drop_empty``).

    Nested mappings are written as blocks unless their key is in ``flow_keys``; lists of mappings
    as one flow mapping per item; other lists and scalars on the key's line.
    """
    out: list[str] = []
    _emit(record, " " * (indent + 2), " " * indent + "- ", out, frozenset(flow_keys), drop_empty)
    return out


def block_mapping(mapping: dict[str, Any], *, flow_keys: Iterable[str] = ()) -> list[str]:
    """A whole-file mapping (village.yaml) as block-style lines at column 0."""
    out: list[str] = []
    _emit(mapping, "", None, out, frozenset(flow_keys), False)
    return out


def written(value: Any) -> Any:
    """``value`` as the emitter writes it: mappings without their None values."""
    if isinstance(value, dict):
        return {k: written(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [written(v) for v in value]
    return value


def as_parsed(value: Any) -> Any:
    """``written(value)`` as hjp's reader returns it (dates stay text)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_parsed(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [as_parsed(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# The text of one file, with node positions, and splices on it


def _composer() -> type:
    # yamlread's loader (timestamps kept as text, the fast resolver): the same nodes hjp reads.
    from hjp.yamlread import _Loader

    return _Loader


def decode(raw: bytes, display: str) -> tuple[str, bool]:
    """(text, had a BOM); EditError when the bytes are not UTF-8."""
    bom = raw.startswith(BOM)
    try:
        return (raw[3:] if bom else raw).decode("utf-8"), bom
    except UnicodeDecodeError:
        raise EditError(f"{display} 不是 UTF-8 编码；请先运行 hjp validate 查看如何转换", 1) from None


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
    def of_text(cls, text: str, bom: bool = False) -> "YamlText":
        """The text with its line starts, not yet composed."""
        first = LINE_BREAK.search(text)
        doc = cls(text, bom, first.group() if first else "\n")
        doc.starts = [0] + [mm.end() for mm in LINE_BREAK.finditer(text)]
        return doc

    @classmethod
    def from_bytes(cls, raw: bytes, display: str) -> "YamlText":
        """The whole file, composed."""
        text, bom = decode(raw, display)
        doc = cls.of_text(text, bom)
        doc.root = doc.compose(0, len(doc.starts), display)
        return doc

    def compose(self, first: int, end: int, display: str) -> Node | None:
        """The node tree of lines [first, end) composed where they stand: marks are the file's own.

        Composing a record's lines instead of the whole file keeps an edit's cost independent of
        the file's size; the leading line breaks put every mark on the file's own line.
        """
        stop = self.starts[end] if end < len(self.starts) else len(self.text)
        piece = "\n" * first + self.text[self.starts[first]:stop] if first else self.text[:stop]
        try:
            return yaml.compose(piece, Loader=_composer())
        except yaml.composer.ComposerError as exc:
            if first and exc.problem and exc.problem.startswith("found undefined alias"):
                # an alias to an anchor outside the record: valid YAML (validate passes), but an edit
                # through it would change two records at once
                mark = exc.problem_mark
                where = f"第 {mark.line + 1} 行的" if mark is not None else ""
                at = self.starts[mark.line] + mark.column if mark is not None and mark.line < len(self.starts) else 0
                found = re.match(r"\*([^\s,\]}]+)", self.text[at:at + 200])  # libyaml's message has no name
                name = found.group(1) if found else ""
                raise EditError(f"{display} {where}这条记录用了 YAML 别名（*{name}），引用了别处的内容，无法自动修改"
                                "（改动会同时改到别的记录）；未作任何修改。请把别名展开成完整内容后重试", 1) from None
            raise EditError(f"{display} 有 YAML 语法错误，未作任何修改；请先运行 hjp validate 并改正", 1) from None
        except yaml.YAMLError:
            raise EditError(f"{display} 有 YAML 语法错误，未作任何修改；请先运行 hjp validate 并改正", 1) from None

    def fork(self) -> "YamlText":
        """The same text and tree with an empty list of edits (a plan's own splices)."""
        return YamlText(self.text, self.bom, self.eol, self.root, self.starts, [])

    def to_bytes(self, edits: list[tuple[int, int, str]] | None = None) -> bytes:
        """The text with ``edits`` (default: this doc's) applied; at one position the first added comes first."""
        edits = self.edits if edits is None else edits
        text = self.text
        if edits:
            ordered = sorted(enumerate(edits), key=lambda e: (e[1][0], e[1][1], e[0]))
            out, pos = [], 0
            for _i, (start, end, new) in ordered:
                if start < pos:
                    raise EditError("内部错误：同一处被修改了两次（请报告此问题）", 1)
                out.append(text[pos:start])
                out.append(new)
                pos = end
            out.append(text[pos:])
            text = "".join(out)
        data = text.encode("utf-8")
        return BOM + data if self.bom else data

    # -- positions
    def off(self, mark: Any) -> int:
        return self.starts[mark.line] + mark.column

    def line_end(self, line: int) -> int:
        """Offset just after ``line``'s line break (the file's end for the last line)."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line]:self.line_end(line)]

    def blank(self, line: int) -> bool:
        return not self.line_text(line).strip()

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
            while line > node.start_mark.line and self.blank(line):
                line -= 1
        return line

    def insert_lines(self, after_line: int, lines: list[str], edits: list[tuple[int, int, str]] | None = None) -> None:
        pos = self.line_end(after_line)
        text = "".join(ln + self.eol for ln in lines)
        if pos == len(self.text) and self.text and not LINE_BREAK.match(self.text[-1]):
            text = self.eol + text[: -len(self.eol)]  # the file had no final newline: keep it so
        (self.edits if edits is None else edits).append((pos, pos, text))

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
        hits = [item for item in found[2].value if isinstance(item, MappingNode) and record_id(item) == rid]
        if len(hits) > 1:
            raise EditError(f"{display} 中编号 {rid} 出现了 {len(hits)} 次；请先改正重复编号（hjp validate）", 1)
        return hits[0] if hits else None

    def record_lines(self, node: MappingNode) -> tuple[int, int]:
        """First and last line (0-based) of a record that is an item of a block sequence."""
        return node.start_mark.line, self.last_line(node)

    def record_text(self, node: MappingNode) -> str:
        """A block record's lines as text (for reading it back on its own)."""
        first, last = self.record_lines(node)
        return self.text[self.starts[first]:self.line_end(last)]


def record_id(node: Node) -> str | None:
    """The ``id:`` of a composed mapping, when it is a plain scalar."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == "id" and isinstance(v, ScalarNode):
                return v.value
    return None


def get(node: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


Edits = list[tuple[int, int, str]]


def set_field(doc: YamlText, edits: Edits, mapping: MappingNode, key: str, value: Any, order: list[str]) -> None:
    """Set ``key`` of ``mapping`` to ``value`` (written on one line), in place or in model order."""
    text = flow(value) if isinstance(value, (dict, list)) else scalar(value, flow=bool(mapping.flow_style))
    hit = get(mapping, key)
    if hit is not None:
        _k, v = hit
        start, end = doc.off(v.start_mark), doc.off(v.end_mark)
        if _is_null(v) and start == end:  # `key:` with nothing after it
            edits.append((start, end, (" " if doc.text[start - 1:start] == ":" else "") + text))
        elif isinstance(v, ScalarNode) and (not v.style or v.style in "'\"") and v.start_mark.line == v.end_mark.line:
            edits.append((start, end, text))
        else:
            raise EditError(f"{key} 的现有写法过于复杂，无法自动修改；请手工编辑", 1)
        return
    if mapping.flow_style:
        pos = doc.off(mapping.value[-1][1].end_mark) if mapping.value else doc.off(mapping.start_mark) + 1
        edits.append((pos, pos, f"{', ' if mapping.value else ''}{key}: {text}"))
        return
    _insert_key(doc, edits, mapping, key, [f"{key}: {text}"], order)


def _insert_key(doc: YamlText, edits: Edits, mapping: MappingNode, key: str, lines: list[str],
                order: list[str]) -> None:
    """Add ``key``'s ``lines`` (written unindented) to a block mapping that lacks it: after the last
    existing key that comes before ``key`` in the model's order, else at the end."""
    indent = " " * mapping.value[0][0].start_mark.column
    rank = {name: i for i, name in enumerate(order)}
    mine = rank.get(key, len(order))
    before = [v for k, v in mapping.value if rank.get(k.value, len(order)) <= mine]
    anchor = before[-1] if before else mapping.value[-1][1]
    doc.insert_lines(doc.last_line(anchor), [indent + ln for ln in lines], edits)


def append_item(doc: YamlText, edits: Edits, mapping: MappingNode, key: str, item: Any, order: list[str]) -> None:
    """Append ``item`` to the list under ``key`` (creating the list when absent)."""
    hit = get(mapping, key)
    if hit is None or _is_null(hit[1]):
        if mapping.flow_style or not isinstance(item, dict):
            set_field(doc, edits, mapping, key, [item], order)
            return
        if hit is not None:
            raise EditError(f"{key}: 为空值；请手工删除这一行后重试", 1)
        _insert_key(doc, edits, mapping, key, [f"{key}:", f"  - {flow(item)}"], order)
        return
    seq = hit[1]
    if not isinstance(seq, SequenceNode):
        raise EditError(f"{key} 应为列表；请先运行 hjp validate 并改正", 1)
    if seq.flow_style:
        if seq.value:
            pos = doc.off(seq.value[-1].end_mark)
            edits.append((pos, pos, f", {flow(item)}"))
        else:
            pos = doc.off(seq.start_mark) + 1
            edits.append((pos, pos, flow(item)))
        return
    dash = seq.start_mark.column
    doc.insert_lines(doc.last_line(seq), [" " * dash + f"- {flow(item)}"], edits)


@dataclass
class Tail:
    """Where records are appended to a file's top list: the place and the style to follow."""

    after_line: int | None  # insert after this line; None: the file has no list yet (see append_record)
    dash: int  # the column of the list's dashes
    blank_between: bool  # the last two records are separated by a blank line
    flow_list: MappingNode | Node | None = None  # a flow-style list ([...]) to extend instead
    empty_key: ScalarNode | None = None  # `top:` or `top: []` with no records yet
    empty_value: Node | None = None
    end_is_block_scalar: bool = False  # the last record ends with a block scalar (| or >)


def tail_of(doc: YamlText, top: str, display: str) -> Tail:
    """Where ``append_record`` adds records to the (whole-file composed) ``doc``."""
    found = doc.top_sequence(top, display)
    if found is None:
        if doc.root is not None:
            raise EditError(f"{display} 没有顶层键 {top}:；请先运行 hjp validate 并改正", 1)
        return Tail(None, 2, False)
    _root, key, seq = found
    if _is_null(seq) or (isinstance(seq, SequenceNode) and seq.flow_style and not seq.value):
        return Tail(None, key.start_mark.column + 2, False, empty_key=key, empty_value=seq)
    if not isinstance(seq, SequenceNode):
        raise EditError(f"{display} 的 {top}: 下不是记录列表；请先运行 hjp validate 并改正", 1)
    if seq.flow_style:
        return Tail(None, 0, False, flow_list=seq)
    items = seq.value
    return Tail(doc.last_line(seq), seq.start_mark.column,
                len(items) >= 2 and doc.blank(items[-1].start_mark.line - 1),
                end_is_block_scalar=_ends_with_block_scalar(seq))


def _ends_with_block_scalar(node: Node) -> bool:
    while isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
    return isinstance(node, ScalarNode) and node.style in ("|", ">")


def append_record(doc: YamlText, edits: Edits, tail: Tail, top: str, record: dict[str, Any],
                  *, first: bool) -> list[str] | None:
    """Append a new record to the file's ``top:`` list, in the style of the records already there.

    ``first``: no record was appended to this file before in the same change (the list's header
    is written once). Returns the record's own lines when written as a block.
    """
    if tail.flow_list is not None:
        pos = doc.off(tail.flow_list.value[-1].end_mark)
        edits.append((pos, pos, f", {flow(record)}"))
        return None
    lines = block_lines(record, tail.dash)
    if tail.after_line is not None:
        doc.insert_lines(tail.after_line, [""] + lines if tail.blank_between else lines, edits)
        return lines
    if tail.empty_key is not None:  # `top:` or `top: []` → `top:` followed by the records
        if first and not _is_null(tail.empty_value):  # type: ignore[arg-type]
            start, end = doc.off(tail.empty_value.start_mark), doc.off(tail.empty_value.end_mark)  # type: ignore[union-attr]
            while start > 0 and doc.text[start - 1] == " ":
                start -= 1
            edits.append((start, end, ""))
        doc.insert_lines(tail.empty_key.start_mark.line, lines, edits)
        return lines
    head = [f"{top}:"] if first else []
    last = len(doc.starts) - 1
    while last > 0 and doc.blank(last):
        last -= 1
    if doc.text.strip():
        doc.insert_lines(last, head + lines, edits)
    else:
        edits.append((len(doc.text), len(doc.text), "".join(ln + doc.eol for ln in head + lines)))
    return lines
