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
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from hjp.diagnostics import Diagnostic, error

MAX_BYTES = 10 * 1024 * 1024
# C0 controls except tab/LF/CR, DEL, and C1 controls; U+0085 (NEL, a C1 control), U+2028 and U+2029
# would also shift PyYAML's line count, so every later line number would be off.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_SEPARATORS = {"\u2028": "行分隔符", "\u2029": "段分隔符"}
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
    def __init__(self, code: str, message: str, line: int = 0, col: int = 0):
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col


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


def _at(node: Any, code: str, message: str) -> YamlProblem:
    return YamlProblem(code, message, node.start_mark.line, node.start_mark.column)


def _unsupported_tag(node: Any) -> YamlProblem:
    if isinstance(node, ScalarNode) and not node.style and node.value in ("<<", "=") and node.tag in (_MERGE, _VALUE):
        # no tag written: PyYAML gives these two plain values special meanings
        return _at(node, "HJP004", f"{node.value} 在 YAML 1.1 里有特殊含义，不能直接当作文字；"
                                   f"请加引号写成 \"{node.value}\"")
    return _at(node, "HJP004", f"不支持的 YAML 标签 {_short_tag(node.tag)}；请去掉 ! 开头的标签")


def _shown(value: str) -> str:
    """``值 abc``, ``空值``, or a long value cut short with its length."""
    if not value:
        return "空值"
    return f"值 {value[:20]}…（共 {len(value)} 个字符）" if len(value) > 30 else f"值 {value}"


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
        raise _at(node, "HJP004", f"{_shown(value)} 带有标签 !!null，却不是空值；请去掉标签 !!null")
    if tag in (_INT, INT_ODD, _FLOAT, FLOAT_ODD):
        if len(value) > _MAX_NUMBER_CHARS:
            raise _at(node, "HJP004", f"数字 {value[:20]}…（共 {len(value)} 个字符）太长，不是合理的数值；如果是文字（例如证件号、编号），请加引号")
        try:
            if tag == _INT or tag == INT_ODD:
                return _CTOR.construct_yaml_int(node)
            return _CTOR.construct_yaml_float(node)
        except (ValueError, IndexError, OverflowError):
            what = "整数" if tag in (_INT, INT_ODD) else "数字"
            raise _at(node, "HJP004", f"{_shown(value)} 带有标签 {_short_tag(node.tag)}，却不是{what}；"
                                      f"请去掉标签 {_short_tag(node.tag)}") from None
    if tag == _BOOL or tag == BOOL_ODD:
        found = _CTOR.bool_values.get(value.lower())
        if found is None:
            raise _at(node, "HJP004", f"{_shown(value)} 带有标签 !!bool，却不是 true 或 false；请去掉标签 !!bool")
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
            raise YamlProblem("HJP007", "别名（*）展开后的内容过大，疑似“亿笑”攻击文件；请不要用锚点和别名复制大段内容",
                              node.start_mark.line, node.start_mark.column)
        if isinstance(node, ScalarNode):
            tag = node.tag
            if tag == _STR or tag == _TIMESTAMP or tag == DATE_LIKE or tag == STR_ODD:
                # Only double-quoted scalars can smuggle control characters in as escapes ("\a").
                if node.style == '"' and _VALUE_CONTROL.search(node.value):
                    ch = _VALUE_CONTROL.search(node.value).group()
                    what = "非字符" if ch in "\ufffe\uffff" else "控制字符"
                    raise YamlProblem("HJP008", f"文字中含有{what} U+{ord(ch):04X}（转义写法，会损坏 Word 文件）；请删除",
                                      node.start_mark.line, node.start_mark.column)
                return node.value
            return _scalar(node, tag)
        if id(node) in self.open:
            raise _at(node, "HJP004", "别名 * 引用了包含它自己的内容（锚点 & 从这里开始）；请直接写出内容")
        if len(self.path) >= _MAX_DEPTH:  # _build_fast's depth counts the same way
            raise _at(node, "HJP004", f"嵌套层次过深（超过 {_MAX_DEPTH} 层）；请检查括号 [ {{ 和缩进")
        self.open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node)
            if isinstance(node, SequenceNode):
                return self._sequence(node)
        finally:
            self.open.discard(id(node))
        raise YamlProblem("HJP004", "无法识别的 YAML 内容", 0, 0)  # pragma: no cover

    def _mapping(self, node: Any) -> MDict:
        if node.tag != _MAP:
            raise _unsupported_tag(node)
        d = MDict()
        d.line = node.start_mark.line
        d.col = node.start_mark.column
        marks: dict[Any, tuple[int, int, int, int]] = {}
        for knode, vnode in node.value:
            if knode.tag == _MERGE and not knode.style:
                raise _at(knode, "HJP004", "不支持合并键 <<；请把内容直接写出来")
            if not isinstance(knode, ScalarNode):
                raise _at(knode, "HJP004", "键必须是简单的文字，不能是列表或映射")
            key = self.build(knode)
            km = knode.start_mark
            if isinstance(key, bool):
                raise YamlProblem(
                    "HJP010",
                    f"键 {knode.value} 被 YAML 1.1 读成了布尔值 {str(key).lower()}；本格式没有这样的键"
                    "（日期请用 date:），确需此文字时请加引号",
                    km.line, km.column)
            if key in marks:
                first = marks[key][0] + 1
                raise YamlProblem("HJP006", f"键 {knode.value} 重复出现（第 {first} 行已有）；请删除或合并其中一个",
                                  km.line, km.column)
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
        mb = len(raw) / 1024 / 1024
        return None, [error("HJP003", f"文件有 {mb:.1f} MB，超过 10 MB 上限；请按村或按年份拆分成多个文件", display)]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [error("HJP002", "文件是 UTF-16 编码，须为 UTF-8；请转换："
                            f"iconv -f UTF-16 -t UTF-8 '{display}' > tmp.yaml && mv tmp.yaml '{display}'", display)]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line, col = _offset_line(raw, exc.start)
        for enc, name in (("gbk", "GBK"), ("gb18030", "GB18030"), ("big5", "Big5")):
            try:
                raw.decode(enc)
            except UnicodeDecodeError:
                continue
            msg = (f"文件不是 UTF-8 编码，看起来是 {name}（Windows 记事本、WPS 常见）；请转换："
                   f"iconv -f {name} -t UTF-8 '{display}' > tmp.yaml && mv tmp.yaml '{display}'，"
                   "或在编辑器中“另存为 UTF-8”")
            return None, [error("HJP002", msg, display, line + 1, col + 1)]
        return None, [error("HJP002", "文件不是 UTF-8 编码，也无法识别其编码；请在编辑器中“另存为 UTF-8”",
                            display, line + 1, col + 1)]


# (text in PyYAML's problem or context, code, message) in the order tried; libyaml's problems are
# listed in full (strings of its scanner and parser) so that no English reaches the clerk.
_BACKSLASH = "；含反斜杠 \\ 的文字（例如 Windows 路径）请改用单引号 '…'，或把 \\ 写成 \\\\"
_DIRECTIVE = "以 % 开头的行是 YAML 指令，台账文件不用；请删除这一行（文字以 % 开头时请加引号）"
_TAG = "不支持的 YAML 标签写法（! 开头）；请去掉标签，文字以 ! 开头时请加引号"
_PROBLEMS = [
    ("found duplicate anchor", "HJP004", "锚点名重复；请换一个名字"),
    ("found undefined alias", "HJP004", "别名 * 指向不存在的锚点 &；请检查拼写"),
    ("expected ',' or ']'", "HJP004", "方括号 [ 没有闭合，或列表项之间缺少逗号"),
    ("expected ',' or '}'", "HJP004", "花括号 { 没有闭合，或项之间缺少逗号"),
    ("found unexpected end of stream", "HJP004", "文件在引号或括号闭合之前就结束了；请补上 \" ' ] 或 }"),
    ("mapping values are not allowed", "HJP004",
     "这里不能出现冒号加空格“: ”；如果是文字内容，请给整个值加引号"),
    ("could not find expected ':'", "HJP004", "缺少冒号“:”，或上一行的引号没有闭合"),
    ("expected <block end>, but found", "HJP004", "缩进不一致；同一层的键和列表项 - 要左对齐"),
    ("expected a single document", "HJP004", "文件里有多个 YAML 文档（---）；一个文件只能有一个"),
    ("found unacceptable character", "HJP008", "文件含有不可见的控制字符；请删除"),
    ("control characters are not allowed", "HJP008", "文件含有不可见的控制字符；请删除"),
    ("invalid Unicode character", "HJP008", "文件含有不可见的控制字符；请删除"),
    ("found a tab character", "HJP005", "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格"),
    ("did not find expected key", "HJP004", "缩进不一致，或上一行缺少冒号“:”；同一层的键要左对齐"),
    ("exceeded maximum nesting depth", "HJP004", "嵌套层次过深；请检查括号 [ { 是否多写了"),
    ("did not find expected '-' indicator", "HJP004",
     "缩进不一致：同一列表的各项“- ”要左对齐，属于一项的内容要比它的“- ”缩进得更多"),
    ("did not find expected node content", "HJP004",
     "这里应当是一个值，却是别的符号；请检查是否多写或少写了 , [ ] { } - 等符号，文字内容请加引号"),
    ("block sequence entries are not allowed", "HJP004",
     "这里不能开始“- ”列表：列表项要从下一行开始并缩进（或写成 [甲, 乙]）；文字以 - 开头时请加引号"),
    ("mapping keys are not allowed", "HJP004", "这里不能出现“? ”；文字以 ? 开头时请加引号"),
    ("did not find expected <document start>", "HJP004",
     "文件的内容在前面已经完整结束（顶层只能有一个映射），这里多出了内容；请检查这一行的缩进，或删除多余的内容"),
    ("found unexpected document indicator", "HJP004",
     "引号里的一行以 --- 或 ... 开头，被当作了文档分隔符；请把引号里的文字写在一行，或改用 | 块文字"),
    ("found unexpected ':'", "HJP004", "这里的冒号“:”不能直接写在文字中；请给整个值加引号"),
    ("found unknown escape character", "HJP004", "双引号里有无效的反斜杠转义" + _BACKSLASH),
    ("did not find expected hexdecimal number", "HJP004", "双引号里的 \\x、\\u、\\U 后面须是十六进制数字" + _BACKSLASH),
    ("found invalid Unicode character escape code", "HJP004", "双引号里的 \\u 或 \\U 转义不是有效的字符" + _BACKSLASH),
    ("found an indentation indicator equal to 0", "HJP004", "块文字标记 | 或 > 后面的缩进数字不能是 0；请删除这个 0"),
    ("while scanning a block scalar", "HJP004",
     "块文字标记 | 或 > 后面只能跟缩进数字、+ 或 -；文字内容请从下一行开始，并比键多缩进"),
    ("directive", "HJP004", _DIRECTIVE),
    ("version number", "HJP004", _DIRECTIVE),
    ("incompatible YAML document", "HJP004", _DIRECTIVE),
    ("%YAML", "HJP004", _DIRECTIVE),
    ("%TAG", "HJP004", _DIRECTIVE),
    ("tag", "HJP004", _TAG),
    ("URI", "HJP004", _TAG),
    ("did not find the expected '>'", "HJP004", _TAG),
    ("found unexpected non-alphabetical character", "HJP004", _TAG),
    ("did not find expected '!'", "HJP004", _TAG),
    ("digit or '.' character", "HJP004", _DIRECTIVE),
    ("while scanning an anchor", "HJP004", "& 后面缺少锚点名（字母或数字）；文字以 & 开头时请加引号"),
    ("while scanning an alias", "HJP004", "* 后面缺少别名（字母或数字）；文字以 * 开头时请加引号"),
    ("alphabetic or numeric character", "HJP004", "& 或 * 后面缺少名字（字母或数字）；文字以 & 或 * 开头时请加引号"),
    ("did not find expected comment or line break", "HJP004",
     "这一行在值的后面还有多余的内容（例如引号闭合后又写了文字）；请把整个值放进引号，或删除多余的内容"),
    ("did not find expected whitespace", "HJP004", "这里缺少空格；请检查这一行的写法，文字内容请加引号"),
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


def _fullwidth_message(key: str) -> str:
    return f"键 {key} 后面用了全角冒号“：”，YAML 不认；请改成半角冒号加空格“{key}: ”（切换到英文输入法输入）"


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
    others = "、".join(str(n + 1) for n, _ in markers[1:6]) + ("等" if len(markers) > 6 else "")
    where = f"（冲突标记在第 {line + 1} 行，以及第 {others} 行）" if others else ""
    return YamlProblem(
        "HJP015",
        f"这里是 git 合并冲突标记 {marker}：这个文件合并时发生了冲突，还没有解决{where}；请打开文件，在 <<<<<<< 与 ======= "
        "之间（本方的改动）和 ======= 与 >>>>>>> 之间（对方的改动）选定正确的内容，删除这三种标记行，"
        "然后 git add 该文件并 git commit（放弃这次合并：git merge --abort）",
        line, 0)


def _explain(exc: yaml.YAMLError, source: str) -> tuple[str, str, int, int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line, mark.column) if mark is not None else (0, 0)
    ctx = getattr(exc, "context_mark", None)
    first = min(line, ctx.line) if ctx is not None else max(line - 1, 0)
    for key_line, key_col, key in _fullwidth_keys(source, first, line):
        return "HJP004", _fullwidth_message(key), key_line, key_col
    text = str(exc)
    if "did not find expected key" in text and mark is not None:
        before = source[:mark.index].rstrip(" ")
        if before.endswith(('"', "'")) and "\n" not in source[len(before):mark.index]:
            # title: "三合一"场所违规住人 — the quotes were meant as part of the text
            return ("HJP004", "引号闭合后同一行还有别的内容：引号只能括住整个值；如果引号是文字的一部分，"
                              "请用另一种引号括住整个值，例如 '“三合一”场所' 或 '\"三合一\"场所'", line, col)
    if "cannot start any token" in text and mark is not None:
        ch = source[mark.index] if mark.index < len(source) else ""
        if ch == "\t":
            return "HJP005", "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格", line, col
        return "HJP004", f"值不能以 {ch} 开头；请给整个值加引号", line, col
    for needle, code, msg in _PROBLEMS:
        if needle in text:
            if ctx is not None and ctx.line != line:
                msg = f"{msg}（相关内容从第 {ctx.line + 1} 行开始）"
            return code, msg, line, col
    problem = getattr(exc, "problem", None) or text.splitlines()[0]
    return "HJP004", f"YAML 语法错误（{problem}）；请检查这一行及上一行的缩进、冒号和引号", line, col


def parse_text(text: str, display: str, *, date_keys: frozenset[str] | None = None) -> Parsed:
    """Text to MDict/MList values with marks; problems as diagnostics, never exceptions.

    ``date_keys``: the keys whose plain date values are expected; a date-looking plain value
    anywhere else is recorded in ``Parsed.odd`` (None: dates are not recorded).
    """
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start())
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        ch = m.group()
        if ch in _SEPARATORS:
            msg = (f"第 {line + 1} 行含有 Unicode {_SEPARATORS[ch]} U+{ord(ch):04X}（看不见；YAML 把它当作换行，"
                   "其后的行号都会错位）；请删除，需要换行时直接换行")
        else:
            msg = f"第 {line + 1} 行含有控制字符 U+{ord(ch):04X}（会损坏 Word 文件）；请删除"
        return Parsed(None, [error("HJP008", msg, display, line + 1, col + 1)], text)
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
                    raise YamlProblem("HJP004", _fullwidth_message(key), line, col)
    except YamlProblem as p:
        p = _merge_conflict(text) or p
        return Parsed(None, [error(p.code, p.message, display, p.line + 1, p.col + 1)], text)
    except yaml.YAMLError as exc:
        conflict = _merge_conflict(text)
        if conflict is not None:
            return Parsed(None, [error(conflict.code, conflict.message, display, conflict.line + 1, 1)], text)
        code, msg, line, col = _explain(exc, text)
        return Parsed(None, [error(code, msg, display, line + 1, col + 1)], text)
    except RecursionError:  # not expected: _Builder stops at _MAX_DEPTH first
        return Parsed(None, [error("HJP004", "嵌套层次过深，或别名 * 引用了自身；请直接写出内容", display)], text)
    finally:
        loader.dispose()
        if gc_was_enabled:
            gc.enable()
    return Parsed(data, [], text, odd)


def parse_bytes(raw: bytes, display: str, *, date_keys: frozenset[str] | None = None) -> Parsed:
    text, diags = decode(raw, display)
    if text is None:
        return Parsed(None, diags)
    return parse_text(text, display, date_keys=date_keys)
