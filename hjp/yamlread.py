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
# C0 controls except tab/LF/CR, DEL, and C1 controls (U+0085 NEL would also shift PyYAML's line count).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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
                    tag = _STR
                    for rtag, regexp in resolvers:
                        if regexp.match(value):
                            tag = rtag
                            break
                    if len(_RESOLVED) < 50_000:
                        _RESOLVED[value] = tag
                return tag
        return _STR
    if kind is SequenceNode:
        return _SEQ
    return _MAP


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


@dataclass
class Parsed:
    """What reading one file gives: its data (None when unreadable) and the problems found."""

    data: Any
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str | None = None


def _unsupported_tag(node: Any) -> YamlProblem:
    return YamlProblem("HJP004", f"不支持的 YAML 标签 {node.tag}；请去掉 ! 开头的标签", node.start_mark.line,
                       node.start_mark.column)


# Its construct_yaml_* methods keep no state: one serves every build.
_CTOR = yaml.constructor.SafeConstructor()


class _Builder:
    """Builds Python values from composed nodes; counts work to stop alias bombs early."""

    def __init__(self, budget: int):
        self.budget = budget

    def build(self, node: Any) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem("HJP007", "别名（*）展开后的内容过大，疑似“亿笑”攻击文件；请不要用锚点和别名复制大段内容",
                              node.start_mark.line, node.start_mark.column)
        if isinstance(node, ScalarNode):
            tag = node.tag
            if tag == _STR or tag == _TIMESTAMP:
                # Only double-quoted scalars can smuggle control characters in as escapes ("\a").
                if node.style == '"' and _VALUE_CONTROL.search(node.value):
                    ch = _VALUE_CONTROL.search(node.value).group()
                    what = "非字符" if ch in "\ufffe\uffff" else "控制字符"
                    raise YamlProblem("HJP008", f"文字中含有{what} U+{ord(ch):04X}（转义写法，会损坏 Word 文件）；请删除",
                                      node.start_mark.line, node.start_mark.column)
                return node.value
            if tag == _INT:
                return _CTOR.construct_yaml_int(node)
            if tag == _BOOL:
                return _CTOR.construct_yaml_bool(node)
            if tag == _NULL:
                return None
            if tag == _FLOAT:
                return _CTOR.construct_yaml_float(node)
            raise _unsupported_tag(node)
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                raise _unsupported_tag(node)
            d = MDict()
            d.line = node.start_mark.line
            d.col = node.start_mark.column
            marks: dict[Any, tuple[int, int, int, int]] = {}
            for knode, vnode in node.value:
                if knode.tag == "tag:yaml.org,2002:merge":
                    raise YamlProblem("HJP004", "不支持合并键 <<；请把内容直接写出来",
                                      knode.start_mark.line, knode.start_mark.column)
                if not isinstance(knode, ScalarNode):
                    raise YamlProblem("HJP004", "键必须是简单的文字，不能是列表或映射",
                                      knode.start_mark.line, knode.start_mark.column)
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
                d[key] = self.build(vnode)
                marks[key] = (km.line, km.column, vm.line, vm.column)
            d.marks = marks
            return d
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                raise _unsupported_tag(node)
            seq = MList()
            seq.line = node.start_mark.line
            seq.col = node.start_mark.column
            seq.marks = [(n.start_mark.line, n.start_mark.column) for n in node.value]
            seq.extend(self.build(n) for n in node.value)
            return seq
        raise YamlProblem("HJP004", "无法识别的 YAML 内容", 0, 0)  # pragma: no cover


class _Slow(Exception):
    """The fast builder met something unusual: let ``_Builder`` redo the file and explain it."""


def _fast_scalar(node: Any) -> Any:
    tag = node.tag
    if tag == _STR or tag == _TIMESTAMP:
        if node.style == '"' and _VALUE_CONTROL.search(node.value):
            raise _Slow
        return node.value
    if tag == _INT:
        return _CTOR.construct_yaml_int(node)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _CTOR.construct_yaml_bool(node)
    if tag == _FLOAT:
        return _CTOR.construct_yaml_float(node)
    raise _Slow


def _build_fast(root: Any, budget: int) -> Any:
    """The common case of ``_Builder.build``, about 1.5 x faster; raises ``_Slow`` on anything unusual.

    It returns exactly what ``_Builder`` would, and never explains a problem itself: every
    irregularity (unknown tag, merge key, non-scalar or boolean key, duplicate key, escaped control
    character, exhausted budget, unconvertible number) is left to ``_Builder`` so that speed can
    never change a diagnostic. The budget counts the same nodes as ``_Builder`` (each visit of a
    node, aliases expanded), only in bulk per collection.
    """
    # Plain or single-quoted str scalars (nearly every value) are taken inline without a call.
    scalar_node, mapping_node, str_tag = ScalarNode, MappingNode, _STR
    left = budget - 1
    # Equal text values share one str object (sectors, levels, names, units repeat thousands of
    # times): less memory, and the cache's pickles store each once (a faster warm load).
    same = {}.setdefault

    def build(node: Any) -> Any:
        nonlocal left
        cls = node.__class__
        if cls is mapping_node:
            if node.tag != _MAP:
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
                    if vnode.tag == str_tag and vnode.style != '"':
                        value = vnode.value
                        d[key] = same(value, value)
                    else:
                        d[key] = _fast_scalar(vnode)
                else:
                    d[key] = build(vnode)
                marks[key] = (km.line, km.column, vm.line, vm.column)
            d.marks = marks
            return d
        if cls is SequenceNode:
            if node.tag != _SEQ:
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
                    if item.tag == str_tag and item.style != '"':
                        value = item.value
                        seq.append(same(value, value))
                    else:
                        seq.append(_fast_scalar(item))
                else:
                    seq.append(build(item))
            seq.marks = positions
            return seq
        if cls is scalar_node:
            return _fast_scalar(node)
        raise _Slow

    if left < 0:
        raise _Slow
    return build(root)


def build_values(node: Any, budget: int) -> Any:
    """Composed node → values with marks; ``YamlProblem`` (or PyYAML's own errors) when bad."""
    try:
        return _build_fast(node, budget)
    except (_Slow, ValueError, OverflowError, RecursionError):
        return _Builder(budget).build(node)


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
    ("found a tab character", "HJP005", "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格"),
    ("did not find expected key", "HJP004", "缩进不一致，或上一行缺少冒号“:”；同一层的键要左对齐"),
    ("exceeded maximum nesting depth", "HJP004", "嵌套层次过深；请检查括号 [ { 是否多写了"),
]


def _explain(exc: yaml.YAMLError, source: str) -> tuple[str, str, int, int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line, mark.column) if mark is not None else (0, 0)
    text = str(exc)
    if "cannot start any token" in text and mark is not None:
        ch = source[mark.index] if mark.index < len(source) else ""
        if ch == "\t":
            return "HJP005", "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格", line, col
        return "HJP004", f"值不能以 {ch} 开头；请给整个值加引号", line, col
    for needle, code, msg in _PROBLEMS:
        if needle in text:
            ctx = getattr(exc, "context_mark", None)
            if ctx is not None and ctx.line != line:
                msg = f"{msg}（相关内容从第 {ctx.line + 1} 行开始）"
            return code, msg, line, col
    problem = getattr(exc, "problem", None) or text.splitlines()[0]
    return "HJP004", f"YAML 语法错误（{problem}）；请检查这一行及上一行的缩进、冒号和引号", line, col


def parse_text(text: str, display: str) -> Parsed:
    """Text to MDict/MList values with marks; problems as diagnostics, never exceptions."""
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start())
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        return Parsed(None, [error("HJP008", f"第 {line + 1} 行含有控制字符 U+{ord(m.group()):04X}（会损坏 Word 文件）；请删除",
                                   display, line + 1, col + 1)], text)
    loader = _Loader(text)
    # Composing allocates millions of nodes and marks that form no cycles: the cyclic collector
    # only slows it down (measured 3.5 x on a 2 MB file).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None, [], text)
        data = build_values(node, len(text) + 1000)
    except YamlProblem as p:
        return Parsed(None, [error(p.code, p.message, display, p.line + 1, p.col + 1)], text)
    except yaml.YAMLError as exc:
        code, msg, line, col = _explain(exc, text)
        return Parsed(None, [error(code, msg, display, line + 1, col + 1)], text)
    except (ValueError, OverflowError) as exc:  # e.g. a number PyYAML cannot convert
        return Parsed(None, [error("HJP004", f"无法读取的值（{exc}）；请加引号", display)], text)
    except RecursionError:
        return Parsed(None, [error("HJP004", "嵌套层次过深，或别名 * 引用了自身；请直接写出内容", display)], text)
    finally:
        loader.dispose()
        if gc_was_enabled:
            gc.enable()
    return Parsed(data, [], text)


def parse_bytes(raw: bytes, display: str) -> Parsed:
    text, diags = decode(raw, display)
    if text is None:
        return Parsed(None, diags)
    return parse_text(text, display)
