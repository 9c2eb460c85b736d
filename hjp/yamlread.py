"""Safe, line-aware YAML reading for ledger files.

PyYAML's C parser composes the node tree (fast); this module builds plain Python values from it
with its own small constructor that keeps every mapping's line/column marks, refuses duplicate
keys and alias bombs, and leaves timestamps as text so that dates are checked (and explained in
Chinese) by the model layer rather than by PyYAML's bare ``ValueError``.
Nothing here constructs arbitrary objects: only str, int, float, bool, None, list and dict.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from hjp.diagnostics import Diagnostic, error
from hjp.messages import Part, part

MAX_BYTES = 10 * 1024 * 1024
# C0 controls except tab/LF/CR, DEL, and C1 controls; U+0085 (NEL, a C1 control), U+2028 and U+2029
# would also shift PyYAML's line count, so every later line number would be off.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_SEPARATORS = {"\u2028": "HJP008.line_separator", "\u2029": "HJP008.paragraph_separator"}
# In a value (only a double-quoted escape can put one there) CR is a control character too: the
# file's CRLF line breaks never reach values, a "\r" escape does. So do the noncharacters U+FFFE and
# U+FFFF (PyYAML refuses them raw, not as "\uFFFE"): XML 1.0 forbids them, so Word files and JUnit
# reports could not hold them.
_VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    pass


# Keep timestamps as text: the model parses them, with a Chinese message for 2025-02-30.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_IMPLICIT = _Loader.yaml_implicit_resolvers
# The fast resolver below relies on SafeLoader's shape: no wildcard and no path resolvers.
assert None not in _IMPLICIT and not getattr(_Loader, "yaml_path_resolvers", None)


def _resolve(self: Any, kind: Any, value: Any, implicit: Any) -> str | None:
    """PyYAML's ``Resolver.resolve`` minus the generality we do not use.

    The C composer calls this Python method for every node (≈ 30 % of composing time in the
    original); this version answers a quoted or CJK-initial scalar with a single dict lookup and
    remembers (up to 50,000 values) what the regexes said about the rest.
    """
    if kind is ScalarNode:
        if implicit[0]:
            resolvers = _IMPLICIT.get(value[:1])
            if resolvers:
                # Keys (title, found_on...) and dates repeat: remember what their regexes said.
                tag = _RESOLVED.get(value)
                if tag is None:
                    tag = _classify(value, resolvers)
                    if len(_RESOLVED) < 50_000:
                        _RESOLVED[value] = tag
                return tag
        return _STR
    if kind is SequenceNode:
        return _SEQ
    return _MAP


def _classify(value: str, resolvers: list) -> str:
    """The tag of a plain scalar whose first character has resolvers.

    Besides PyYAML's own answer, this marks the values other YAML readers take differently
    (``_ODD``): the builders record where they stand, and the loader reports those in fields of
    the type concerned (HJP108). Only values that start like a number, a date or a YAML 1.1 word
    get here, and each distinct value once.
    """
    for rtag, regexp in resolvers:
        if regexp.match(value):
            if rtag == _INT and _INT11.match(value):
                return INT_ODD
            if rtag == _FLOAT and ("_" in value or ":" in value):
                return FLOAT_ODD
            if rtag == _BOOL and value.lower() not in ("true", "false"):
                return BOOL_ODD
            return rtag
    if value[0] in "0123456789+-.":
        if _DATE_RX.match(value):
            return DATE_LIKE
        if _YAML12_NUMBER.fullmatch(value):
            return STR_ODD
    elif value in ("y", "Y", "n", "N"):
        return STR_ODD
    return _STR


_RESOLVED: dict[str, str] = {}


_Loader.resolve = _resolve

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"
# Plain scalars that other YAML readers take differently from PyYAML (never written in a file:
# _classify gives them, the builders turn them into PyYAML's value and record where they stand).
DATE_LIKE = "hjp:date"  # text to hjp (timestamps stay text), a date to YAML 1.1 readers
STR_ODD = "hjp:str-odd"  # text to PyYAML; 1e3, 0o17 are numbers in YAML 1.2, y/n booleans in YAML 1.1
INT_ODD = "hjp:int-odd"  # 010, 0b11, 1_000, 1:30: PyYAML's integers, other numbers or text in YAML 1.2
FLOAT_ODD = "hjp:float-odd"  # 1_000.5, 1:30.5: likewise
BOOL_ODD = "hjp:bool-odd"  # yes, no, on, off: booleans to PyYAML, text in YAML 1.2
_ODD = frozenset((DATE_LIKE, STR_ODD, INT_ODD, FLOAT_ODD, BOOL_ODD))
_DATE_RX = next(rx for tag, rx in yaml.SafeLoader.yaml_implicit_resolvers["2"] if tag == _TIMESTAMP)
_INT11 = re.compile(r"[-+]?0[0-9b_]|[^_:]*[_:]")
_YAML12_NUMBER = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+")
# Beyond this a number is no count of people or yuan but a mistake (or an attack on int()).
_MAX_NUMBER_CHARS = 100


class MDict(dict):
    """A dict that remembers where it and each of its values stand in the file (0-based)."""

    __slots__ = ("line", "col", "marks")

    def mark(self, key: Any) -> tuple[int, int, int, int]:
        """(key line, key col, value line, value col), 0-based; the mapping's start if unknown."""
        return self.marks.get(key, (self.line, self.col, self.line, self.col))


def plain(value: Any) -> Any:
    """MDict/MList (and nested dicts/lists) as plain dicts and lists, for comparing values."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class MList(list):
    __slots__ = ("line", "col", "marks")


class YamlProblem(Exception):
    """A problem at a node: its message catalog key and arguments, 0-based line/col."""

    def __init__(self, key: str, line: int = 0, col: int = 0, /, **params: Any):
        super().__init__(key)
        self.key, self.line, self.col, self.params = key, line, col, params

    def diagnostic(self, display: str, col: int | None = None) -> Diagnostic:
        return error(self.key, display, self.line + 1, self.col + 1 if col is None else col, **self.params)


@dataclass(frozen=True, slots=True)
class Odd:
    """A plain scalar other YAML readers take differently from PyYAML: where it stands (``path``
    from the document's root, 0-based line/col), as written, and what each reader makes of it."""

    path: tuple
    line: int
    col: int
    raw: str
    tag: str  # DATE_LIKE, STR_ODD, INT_ODD, FLOAT_ODD or BOOL_ODD
    value: Any  # what hjp (PyYAML) reads


@dataclass
class Parsed:
    """What reading one file gives: its data (None when unreadable) and the problems found."""

    data: Any
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str | None = None
    odd: list[Odd] = field(default_factory=list)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _at(node: Any, key: str, /, **params: Any) -> YamlProblem:
    return YamlProblem(key, node.start_mark.line, node.start_mark.column, **params)


def _unsupported_tag(node: Any) -> YamlProblem:
    if isinstance(node, ScalarNode) and not node.style and node.value in ("<<", "=") and node.tag in (_MERGE, _VALUE):
        # no tag written: PyYAML gives these two plain values special meanings
        return _at(node, "HJP004.special_scalar", value=node.value)
    return _at(node, "HJP004.unsupported_tag", tag=_short_tag(node.tag))


def _shown(value: str) -> Part:
    """``值 abc``, ``空值``, or a long value cut short with its length."""
    if not value:
        return part("word.null")
    return part("shown.cut", head=value[:20], length=len(value)) if len(value) > 30 else part("shown.value", value=value)


def _scalar(node: Any, tag: str) -> Any:
    """A scalar node's value as PyYAML's SafeConstructor gives it, or a YamlProblem at the node.

    PyYAML's constructors raise bare KeyError/IndexError/ValueError on an explicit tag that does
    not fit its value (``!!bool foo``, ``!!int ""``) and Python's int() refuses more than 4,300
    digits: each of these is told at the node instead.
    """
    value = node.value
    if tag == _STR or tag == _TIMESTAMP or tag == DATE_LIKE or tag == STR_ODD:
        return value
    if tag == _NULL:
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        raise _at(node, "HJP004.tag_null", shown=_shown(value))
    if tag in (_INT, INT_ODD, _FLOAT, FLOAT_ODD):
        if len(value) > _MAX_NUMBER_CHARS:
            raise _at(node, "HJP004.long_number", head=value[:20], length=len(value))
        try:
            if tag == _INT or tag == INT_ODD:
                return _CTOR.construct_yaml_int(node)
            return _CTOR.construct_yaml_float(node)
        except (ValueError, IndexError, OverflowError):
            key = "HJP004.tag_int" if tag in (_INT, INT_ODD) else "HJP004.tag_float"
            raise _at(node, key, shown=_shown(value), tag=_short_tag(node.tag)) from None
    if tag == _BOOL or tag == BOOL_ODD:
        found = _CTOR.bool_values.get(value.lower())
        if found is None:
            raise _at(node, "HJP004.tag_bool", shown=_shown(value))
        return found
    raise _unsupported_tag(node)


# Its construct_yaml_* methods keep no state: one serves every build.
_CTOR = yaml.constructor.SafeConstructor()
# Deeper than this is no ledger; the builder says so at the node rather than hitting Python's limit.
_MAX_DEPTH = 200


class _Builder:
    """Builds Python values from composed nodes; counts work to stop alias bombs early.

    It also records where the values other YAML readers take differently stand (``odd``), except
    dates under ``date_keys`` (the format's date fields; None: dates are not recorded at all).
    """

    def __init__(self, budget: int, date_keys: frozenset[str] | None = None):
        self.budget = budget
        self.date_keys = date_keys
        self.odd: list[Odd] = []
        self.path: list[Any] = []
        self.open: set[int] = set()  # the collections being built: an alias to one of them is a cycle

    def _note(self, node: Any, slot: Any, value: Any, key: Any = None) -> None:
        tag = node.tag
        if tag in _ODD and not node.style:
            if tag == DATE_LIKE and (self.date_keys is None or key in self.date_keys):
                return
            mark = node.start_mark
            self.odd.append(Odd((*self.path, slot), mark.line, mark.column, node.value, tag, value))

    def build(self, node: Any) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _at(node, "HJP007")
        if isinstance(node, ScalarNode):
            tag = node.tag
            if tag == _STR or tag == _TIMESTAMP or tag == DATE_LIKE or tag == STR_ODD:
                # Only double-quoted scalars can smuggle control characters in as escapes ("\a").
                if node.style == '"' and _VALUE_CONTROL.search(node.value):
                    ch = _VALUE_CONTROL.search(node.value).group()
                    key = "HJP008.escaped_noncharacter" if ch in "\ufffe\uffff" else "HJP008.escaped_control"
                    raise _at(node, key, code=ord(ch))
                return node.value
            return _scalar(node, tag)
        if id(node) in self.open:
            raise _at(node, "HJP004.alias_cycle")
        if len(self.path) >= _MAX_DEPTH:  # _build_fast's depth counts the same way
            raise _at(node, "HJP004.too_deep", limit=_MAX_DEPTH)
        self.open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node)
            if isinstance(node, SequenceNode):
                return self._sequence(node)
        finally:
            self.open.discard(id(node))
        raise YamlProblem("HJP004.unknown")  # pragma: no cover

    def _mapping(self, node: Any) -> MDict:
        if node.tag != _MAP:
            raise _unsupported_tag(node)
        d = MDict()
        d.line = node.start_mark.line
        d.col = node.start_mark.column
        marks: dict[Any, tuple[int, int, int, int]] = {}
        for knode, vnode in node.value:
            if knode.tag == _MERGE and not knode.style:
                raise _at(knode, "HJP004.merge_key")
            if not isinstance(knode, ScalarNode):
                raise _at(knode, "HJP004.complex_key")
            key = self.build(knode)
            km = knode.start_mark
            if isinstance(key, bool):
                raise YamlProblem("HJP010", km.line, km.column, key=knode.value, value=str(key).lower())
            if key in marks:
                raise YamlProblem("HJP006", km.line, km.column, key=knode.value, first=marks[key][0] + 1)
            vm = vnode.start_mark
            self.path.append(key)
            try:
                d[key] = value = self.build(vnode)
            finally:
                self.path.pop()
            if vnode.__class__ is ScalarNode:
                self._note(vnode, key, value, key)
            marks[key] = (km.line, km.column, vm.line, vm.column)
        d.marks = marks
        return d

    def _sequence(self, node: Any) -> MList:
        if node.tag != _SEQ:
            raise _unsupported_tag(node)
        seq = MList()
        seq.line = node.start_mark.line
        seq.col = node.start_mark.column
        seq.marks = [(n.start_mark.line, n.start_mark.column) for n in node.value]
        for i, item in enumerate(node.value):
            self.path.append(i)
            try:
                seq.append(self.build(item))
            finally:
                self.path.pop()
            if item.__class__ is ScalarNode:
                self._note(item, i, seq[-1])
        return seq


class _Slow(Exception):
    """The fast builder met something unusual: let ``_Builder`` redo the file and explain it."""


def _fast_scalar(node: Any) -> Any:
    tag = node.tag
    if tag == _STR or tag == _TIMESTAMP:
        if node.style == '"' and _VALUE_CONTROL.search(node.value):
            raise _Slow
        return node.value
    if tag == _INT or tag == _NULL or tag == _BOOL or tag == _FLOAT:
        return _scalar(node, tag)  # a YamlProblem sends the file to _Builder, which explains it
    raise _Slow


def _build_fast(root: Any, budget: int, date_keys: frozenset[str] | None = None) -> Any:
    """The common case of ``_Builder.build``, about 1.5 x faster; raises ``_Slow`` on anything unusual.

    It returns exactly what ``_Builder`` would, and never explains a problem itself: every
    irregularity (unknown tag, merge key, non-scalar or boolean key, duplicate key, escaped control
    character, exhausted budget, unconvertible number) is left to ``_Builder`` so that speed can
    never change a diagnostic. The budget counts the same nodes as ``_Builder`` (each visit of a
    node, aliases expanded), only in bulk per collection. Likewise any value ``_Builder`` would
    record in ``odd`` (only dates outside ``date_keys`` are common enough to be checked inline).
    """
    # Plain or single-quoted str scalars (nearly every value) are taken inline without a call.
    scalar_node, mapping_node, str_tag, date_tag = ScalarNode, MappingNode, _STR, DATE_LIKE
    # Dates are recorded (so seen here) only outside date_keys; with no date_keys, never.
    dates_anywhere = date_keys is None
    date_keys = date_keys or frozenset()
    left = budget - 1
    max_depth = _MAX_DEPTH
    # Equal text values share one str object (sectors, levels, names, units repeat thousands of
    # times): less memory, and the cache's pickles store each once (a faster warm load).
    same = {}.setdefault

    def build(node: Any, depth: int) -> Any:
        nonlocal left
        cls = node.__class__
        if cls is mapping_node:
            if node.tag != _MAP or depth >= max_depth:
                raise _Slow
            pairs = node.value
            left -= 2 * len(pairs)
            if left < 0:
                raise _Slow
            sm = node.start_mark
            d = MDict()
            d.line = sm.line
            d.col = sm.column
            marks: dict[Any, tuple[int, int, int, int]] = {}
            for knode, vnode in pairs:
                if knode.__class__ is not scalar_node:
                    raise _Slow
                if knode.tag == str_tag and knode.style != '"':
                    key = knode.value
                else:
                    key = _fast_scalar(knode)
                    if key is True or key is False:
                        raise _Slow
                if key in marks:
                    raise _Slow
                km = knode.start_mark
                vm = vnode.start_mark
                if vnode.__class__ is scalar_node:
                    vtag = vnode.tag
                    if vtag == str_tag and vnode.style != '"':
                        value = vnode.value
                        d[key] = same(value, value)
                    elif vtag == date_tag and (dates_anywhere or key in date_keys):
                        value = vnode.value
                        d[key] = same(value, value)
                    else:
                        d[key] = _fast_scalar(vnode)
                else:
                    d[key] = build(vnode, depth + 1)
                marks[key] = (km.line, km.column, vm.line, vm.column)
            d.marks = marks
            return d
        if cls is SequenceNode:
            if node.tag != _SEQ or depth >= max_depth:
                raise _Slow
            items = node.value
            left -= len(items)
            if left < 0:
                raise _Slow
            sm = node.start_mark
            seq = MList()
            seq.line = sm.line
            seq.col = sm.column
            positions = []
            for item in items:
                im = item.start_mark
                positions.append((im.line, im.column))
                if item.__class__ is scalar_node:
                    if item.tag == str_tag and item.style != '"' or item.tag == date_tag and dates_anywhere:
                        value = item.value
                        seq.append(same(value, value))
                    else:
                        seq.append(_fast_scalar(item))
                else:
                    seq.append(build(item, depth + 1))
            seq.marks = positions
            return seq
        if cls is scalar_node:
            return _fast_scalar(node)
        raise _Slow

    if left < 0:
        raise _Slow
    return build(root, 0)


def build_values(node: Any, budget: int, date_keys: frozenset[str] | None = None) -> tuple[Any, list[Odd]]:
    """Composed node → (values with marks, odd values); ``YamlProblem`` when bad."""
    try:
        return _build_fast(node, budget, date_keys), []
    except (_Slow, YamlProblem, RecursionError):
        builder = _Builder(budget, date_keys)
        return builder.build(node), builder.odd


def _offset_line(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset), offset - line_start


def decode(raw: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text: UTF-8 (a BOM is fine); anything else gets a message naming the encoding."""
    if len(raw) > MAX_BYTES:
        return None, [error("HJP003", display, mb=len(raw) / 1024 / 1024)]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [error("HJP002.utf16", display, file=display)]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line, col = _offset_line(raw, exc.start)
        for enc, name in (("gbk", "GBK"), ("gb18030", "GB18030"), ("big5", "Big5")):
            try:
                raw.decode(enc)
            except UnicodeDecodeError:
                continue
            return None, [error("HJP002.guessed", display, line + 1, col + 1, encoding=name, file=display)]
        return None, [error("HJP002.unknown", display, line + 1, col + 1)]


# (text in PyYAML's problem or context, catalog key) in the order tried; libyaml's problems are
# listed in full (strings of its scanner and parser) so that no English reaches the clerk.
_PROBLEMS = [
    ("found duplicate anchor", "HJP004.duplicate_anchor"),
    ("found undefined alias", "HJP004.undefined_alias"),
    ("expected ',' or ']'", "HJP004.open_bracket"),
    ("expected ',' or '}'", "HJP004.open_brace"),
    ("found unexpected end of stream", "HJP004.unexpected_end"),
    ("mapping values are not allowed", "HJP004.colon_space"),
    ("could not find expected ':'", "HJP004.missing_colon"),
    ("expected <block end>, but found", "HJP004.block_end"),
    ("expected a single document", "HJP004.documents"),
    ("found unacceptable character", "HJP008.unacceptable"),
    ("control characters are not allowed", "HJP008.unacceptable"),
    ("invalid Unicode character", "HJP008.unacceptable"),
    ("found a tab character", "HJP005"),
    ("did not find expected key", "HJP004.expected_key"),
    ("exceeded maximum nesting depth", "HJP004.nesting"),
    ("did not find expected '-' indicator", "HJP004.dash_indent"),
    ("did not find expected node content", "HJP004.node_content"),
    ("block sequence entries are not allowed", "HJP004.block_sequence"),
    ("mapping keys are not allowed", "HJP004.question_mark"),
    ("did not find expected <document start>", "HJP004.document_start"),
    ("found unexpected document indicator", "HJP004.document_indicator"),
    ("found unexpected ':'", "HJP004.colon_in_text"),
    ("found unknown escape character", "HJP004.escape"),
    ("did not find expected hexdecimal number", "HJP004.hex"),
    ("found invalid Unicode character escape code", "HJP004.unicode_escape"),
    ("found an indentation indicator equal to 0", "HJP004.indentation_zero"),
    ("while scanning a block scalar", "HJP004.block_scalar"),
    ("directive", "HJP004.directive"),
    ("version number", "HJP004.directive"),
    ("incompatible YAML document", "HJP004.directive"),
    ("%YAML", "HJP004.directive"),
    ("%TAG", "HJP004.directive"),
    ("tag", "HJP004.tag"),
    ("URI", "HJP004.tag"),
    ("did not find the expected '>'", "HJP004.tag"),
    ("found unexpected non-alphabetical character", "HJP004.tag"),
    ("did not find expected '!'", "HJP004.tag"),
    ("digit or '.' character", "HJP004.directive"),
    ("while scanning an anchor", "HJP004.anchor"),
    ("while scanning an alias", "HJP004.alias"),
    ("alphabetic or numeric character", "HJP004.anchor_name"),
    ("did not find expected comment or line break", "HJP004.trailing"),
    ("did not find expected whitespace", "HJP004.whitespace"),
]

# A key typed with the Chinese input method: "title：" instead of "title: ".
_FULLWIDTH_COLON = "："
_FW_KEY = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*")


def _fullwidth_keys(text: str, first: int = 0, last: int | None = None) -> list[tuple[int, int, str]]:
    """(0-based line, col of the colon, key) of lines from ``first`` to ``last`` that start with a
    key followed by a full-width colon. Costs one search when the file has no full-width colon."""
    found: list[tuple[int, int, str]] = []
    at = text.find(_FULLWIDTH_COLON)
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        m = _FW_KEY.fullmatch(text, line_start, at)
        if m is not None:
            line = text.count("\n", 0, line_start)
            if line >= first and (last is None or line <= last):
                found.append((line, at - line_start, m.group(1)))
        at = text.find(_FULLWIDTH_COLON, at + 1)
    return found


def _plain_spanning(root: Any, lines: set[int]) -> tuple[int, int, str] | None:
    """Where a key typed with a full-width colon was swallowed into a plain scalar: the text
    parsed, but ``title: 隐患`` followed by ``notes：备注`` made one title "隐患 notes：备注".

    ``lines`` are the candidate lines (from ``_fullwidth_keys``); the answer is the first such line
    inside a plain scalar that continues from an earlier line, or that stands alone as a mapping
    value or the whole document on a line of its own."""
    stack: list[tuple[Any, int]] = [(root, -1)]
    seen: set[int] = set()
    best: int | None = None
    while stack:
        node, key_line = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if node.style:
                continue
            first, last = node.start_mark.line, node.end_mark.line
            for line in lines:
                if first < line <= last or line == first and key_line != first:
                    best = line if best is None else min(best, line)
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                stack.append((v, k.start_mark.line))
        elif isinstance(node, SequenceNode):
            stack.extend((item, item.start_mark.line) for item in node.value)
    return best


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?:[ \t].*)?\r?$", re.M)


def _merge_conflict(text: str) -> YamlProblem | None:
    """HJP015 when the file holds git's conflict markers (only asked once the file failed to parse:
    a marker at the start of a line never makes valid ledger YAML)."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return None
    markers = [(text.count("\n", 0, m.start()), m.group(1)) for m in _CONFLICT.finditer(text)]
    if not any(marker[0] in "<>" for _, marker in markers):
        return None
    line, marker = markers[0]
    others = [n + 1 for n, _ in markers[1:6]]
    where = part("HJP015.where", first=line + 1, others=others, more=part("word.etc") if len(markers) > 6 else "") \
        if others else ""
    return YamlProblem("HJP015", line, 0, marker=marker, where=where)


def _explain(exc: yaml.YAMLError, source: str) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line, mark.column) if mark is not None else (0, 0)
    ctx = getattr(exc, "context_mark", None)
    first = min(line, ctx.line) if ctx is not None else max(line - 1, 0)
    for key_line, key_col, key in _fullwidth_keys(source, first, line):
        return YamlProblem("HJP004.fullwidth_colon", key_line, key_col, key=key)
    text = str(exc)
    if "did not find expected key" in text and mark is not None:
        before = source[:mark.index].rstrip(" ")
        if before.endswith(('"', "'")) and "\n" not in source[len(before):mark.index]:
            # title: "三合一"场所违规住人 — the quotes were meant as part of the text
            return YamlProblem("HJP004.quote_then_text", line, col)
    if "cannot start any token" in text and mark is not None:
        ch = source[mark.index] if mark.index < len(source) else ""
        if ch == "\t":
            return YamlProblem("HJP005", line, col, context="")
        return YamlProblem("HJP004.bad_start", line, col, char=ch)
    for needle, key in _PROBLEMS:
        if needle in text:
            context = part("HJP004.from_line", line_no=ctx.line + 1) if ctx is not None and ctx.line != line else ""
            return YamlProblem(key, line, col, context=context)
    problem = getattr(exc, "problem", None) or text.splitlines()[0]
    return YamlProblem("HJP004.other", line, col, problem=problem)


def parse_text(text: str, display: str, *, date_keys: frozenset[str] | None = None,
               visit: Callable[[Any], None] | None = None) -> Parsed:
    """Text to MDict/MList values with marks; problems as diagnostics, never exceptions.

    ``date_keys``: the keys whose plain date values are expected; a date-looking plain value
    anywhere else is recorded in ``Parsed.odd`` (None: dates are not recorded).
    ``visit``: called with the composed root node once the values are built (a caller that wants
    something of the node tree, such as the scalars' tags, without composing the text again).
    """
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start())
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        ch = m.group()
        key = _SEPARATORS.get(ch, "HJP008.control")
        return Parsed(None, [error(key, display, line + 1, col + 1, line_no=line + 1, code=ord(ch))], text)
    loader = _Loader(text)
    # Composing allocates millions of nodes and marks that form no cycles: the cyclic collector
    # only slows it down (measured 3.5 x on a 2 MB file).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None, [], text)
        data, odd = build_values(node, len(text) + 1000, date_keys)
        if _FULLWIDTH_COLON in text:
            candidates = _fullwidth_keys(text)
            if candidates:
                line = _plain_spanning(node, {c[0] for c in candidates})
                if line is not None:
                    _, col, key = next(c for c in candidates if c[0] == line)
                    raise YamlProblem("HJP004.fullwidth_colon", line, col, key=key)
        if visit is not None:
            visit(node)
    except YamlProblem as p:
        p = _merge_conflict(text) or p
        return Parsed(None, [p.diagnostic(display)], text)
    except yaml.YAMLError as exc:
        conflict = _merge_conflict(text)
        if conflict is not None:
            return Parsed(None, [conflict.diagnostic(display, col=1)], text)
        return Parsed(None, [_explain(exc, text).diagnostic(display)], text)
    except RecursionError:  # not expected: _Builder stops at _MAX_DEPTH first
        return Parsed(None, [error("HJP004.deep_or_cycle", display)], text)
    finally:
        loader.dispose()
        if gc_was_enabled:
            gc.enable()
    return Parsed(data, [], text, odd)


def parse_bytes(raw: bytes, display: str, *, date_keys: frozenset[str] | None = None,
                visit: Callable[[Any], None] | None = None) -> Parsed:
    text, diags = decode(raw, display)
    if text is None:
        return Parsed(None, diags)
    return parse_text(text, display, date_keys=date_keys, visit=visit)
