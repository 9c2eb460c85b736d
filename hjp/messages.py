"""The message catalog: the Chinese wording of every diagnostic hjp emits, keyed by code.

A ``Diagnostic`` carries its code, a catalog key — the code itself, or ``CODE.variant`` where one
code has several wordings — and its arguments as plain data (str, int, float, bool, None, tuples
of these, dates as ISO text). Its message is rendered from ``MESSAGES`` only when it is shown
(``str(d)``, JSON ``message``, GitHub and JUnit output), so the caches store codes and arguments,
and a changed wording takes effect without flushing them.

Templates are ``str.format`` strings over the arguments' names (``{{`` for a literal brace). Two
kinds of argument value are rendered specially:

- a ``Part`` (a key of this catalog with its own arguments) renders its template in place: the
  fragments one message shares with others or chooses between (a did-you-mean hint, a reason);
- a tuple renders its items joined by "、", or by the format spec: ``{items:, }`` joins by ", ".

Keys of fragments are lower-case (``hint.did_you_mean``) or hang under their code (``HJP202.elsewhere``).
Adding a message: docs/development.md ("Messages"). tests/unit/test_codes_documented.py checks that
every key used in hjp/ is here and every key here is used, that the codes emitted, catalogued and
documented in docs/codes.md agree (and its examples read as the templates here), and that no call
passes wording of its own.

Standard library only, and nothing of hjp: the run cache's hit path renders through it.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any

Args = tuple  # ((name, value), ...) in the order given


class Part(tuple):
    """A fragment of a message: a catalog key and its arguments, rendered where it is placed.

    ``Part(key, args)``. A bare tuple subclass, not a dataclass or a NamedTuple: the caches hold
    thousands of parts, and unpickling either of those runs Python code for each one (about a tenth
    of a warm run with 10,000 findings); this one is rebuilt by tuple.__new__ alone."""

    __slots__ = ()

    def __new__(cls, key: str, args: Args = ()) -> Part:
        return tuple.__new__(cls, (key, args))

    def __reduce__(self) -> tuple:
        return (tuple.__new__, (Part, tuple(self)))  # unpickled without calling __new__ above

    key = property(itemgetter(0))
    args = property(itemgetter(1))

    def __repr__(self) -> str:
        return f"Part({self[0]!r}, {self[1]!r})"

    def __format__(self, spec: str) -> str:
        return _fragment(self[0], self[1])

    def __str__(self) -> str:
        return _fragment(self[0], self[1])


class _Seq:
    """A tuple argument while a template is formatted: its items joined by the format spec."""

    __slots__ = ("items",)

    def __init__(self, items: tuple):
        self.items = items

    def __format__(self, spec: str) -> str:
        return (spec or "、").join(format(item) for item in self.items)


_PLAIN = (str, int, float, bool, type(None), Part)


def _plain(value: Any) -> Any:
    """An argument as the catalog stores it: dates as ISO text, lists as tuples; nothing else."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    raise TypeError(f"message argument {value!r} is {type(value).__name__}, not plain data")


def pack(args: dict[str, Any]) -> Args:
    """Keyword arguments as the ``args`` of a Diagnostic or Part (checked to be plain data)."""
    return tuple((name, _plain(value)) for name, value in args.items())


def part(key: str, /, **args: Any) -> Part:
    """The fragment ``key`` of the catalog with ``args``."""
    return Part(key, pack(args))


def map_strings(args: Args, fn: Any) -> Args:
    """``args`` with ``fn`` applied to every text value, inside tuples and Parts too."""
    def one(value: Any) -> Any:
        if isinstance(value, str):
            return fn(value)
        if value.__class__ is tuple:
            return tuple(one(v) for v in value)
        if isinstance(value, Part):
            return Part(value.key, map_strings(value.args, fn))
        return value

    return tuple((name, one(value)) for name, value in args)


def render(key: str, args: Args) -> str:
    """The text of ``key`` with ``args``. Never raises: a key or argument the catalog does not know
    (an entry written by another version of hjp) is shown as its key and arguments."""
    template = MESSAGES.get(key)
    if template is None:
        return _raw(key, args)
    values = {name: _Seq(value) if value.__class__ is tuple else value for name, value in args}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError, TypeError):
        return _raw(key, args)


# Rendered fragments whose arguments are all scalars, by (template, arguments, their types): the
# same hint or field label recurs in thousands of findings (a field's label in each of 10,000 HJP105
# took a tenth of a warm run). Keyed by the template itself, so a changed template is rendered anew;
# by the types too, as 1, 1.0 and True are equal keys but read differently.
_FRAGMENTS: dict[tuple, str] = {}
_SCALARS = frozenset((str, int, float, bool, type(None)))


def _fragment(key: str, args: Args) -> str:
    template = MESSAGES.get(key)
    types = tuple(value.__class__ for _name, value in args)
    if not _SCALARS.issuperset(types):
        return render(key, args)
    cache_key = (template, args, types)
    text = _FRAGMENTS.get(cache_key)
    if text is None:
        if len(_FRAGMENTS) >= 4096:
            _FRAGMENTS.clear()
        text = _FRAGMENTS[cache_key] = render(key, args)
    return text


def _raw(key: str, args: Args) -> str:
    return key + "".join(f" {name}={value!r}" for name, value in args)


_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)")


def fields(key: str) -> frozenset[str]:
    """The argument names the template of ``key`` uses."""
    return frozenset(_FIELD.findall(MESSAGES[key].replace("{{", "")))


@lru_cache(maxsize=1)
def signature() -> str:
    """Changes when a key or the arguments of a template change, not when a wording does: part of
    the caches' keys (a cached diagnostic's arguments must fit the template that renders it)."""
    import hashlib

    h = hashlib.sha256()
    for key in sorted(MESSAGES):
        h.update(f"{key}:{','.join(sorted(fields(key)))}\0".encode())
    return h.hexdigest()[:16]


def codes() -> set[str]:
    """Every diagnostic code of the catalog (HJP001 …)."""
    return {key.partition(".")[0] for key in MESSAGES if key.startswith("HJP")}


# ---------------------------------------------------------------------------------------------
# The catalog. Wording rules (docs/development.md): name the field (`closed_on（销号日期）` style),
# state what is wrong with the actual values, end with the fix after "；"; the ledger's terms
# (隐患、整改、验收、销号、演练、任务、编号、佐证材料、生产经营单位、逾期).

# Said of every problem with a backslash escape (HJP004)
_BACKSLASH = "；含反斜杠 \\ 的文字（例如 Windows 路径）请改用单引号 '…'，或把 \\ 写成 \\\\"

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ HJP0xx reading files, the ledger's layout
    "HJP001": "无法读取文件（{reason}）",
    # reading one file (hjp/yamlread.py)
    "HJP002.utf16": "文件是 UTF-16 编码，须为 UTF-8；请转换：iconv -f UTF-16 -t UTF-8 '{file}' > tmp.yaml && mv tmp.yaml '{file}'",
    "HJP002.guessed": "文件不是 UTF-8 编码，看起来是 {encoding}（Windows 记事本、WPS 常见）；请转换："
                      "iconv -f {encoding} -t UTF-8 '{file}' > tmp.yaml && mv tmp.yaml '{file}'，或在编辑器中“另存为 UTF-8”",
    "HJP002.unknown": "文件不是 UTF-8 编码，也无法识别其编码；请在编辑器中“另存为 UTF-8”",
    "HJP003": "文件有 {mb:.1f} MB，超过 10 MB 上限；请按村或按年份拆分成多个文件",
    "HJP004.special_scalar": "{value} 在 YAML 1.1 里有特殊含义，不能直接当作文字；请加引号写成 \"{value}\"",
    "HJP004.unsupported_tag": "不支持的 YAML 标签 {tag}；请去掉 ! 开头的标签",
    "HJP004.tag_null": "{shown} 带有标签 !!null，却不是空值；请去掉标签 !!null",
    "HJP004.long_number": "数字 {head}…（共 {length} 个字符）太长，不是合理的数值；如果是文字（例如证件号、编号），请加引号",
    "HJP004.tag_int": "{shown} 带有标签 {tag}，却不是整数；请去掉标签 {tag}",
    "HJP004.tag_float": "{shown} 带有标签 {tag}，却不是数字；请去掉标签 {tag}",
    "HJP004.tag_bool": "{shown} 带有标签 !!bool，却不是 true 或 false；请去掉标签 !!bool",
    "shown.value": "值 {value}",
    "shown.cut": "值 {head}…（共 {length} 个字符）",
    "HJP004.alias_cycle": "别名 * 引用了包含它自己的内容（锚点 & 从这里开始）；请直接写出内容",
    "HJP004.too_deep": "嵌套层次过深（超过 {limit} 层）；请检查括号 [ {{ 和缩进",
    "HJP004.deep_or_cycle": "嵌套层次过深，或别名 * 引用了自身；请直接写出内容",
    "HJP004.unknown": "无法识别的 YAML 内容",
    "HJP004.merge_key": "不支持合并键 <<；请把内容直接写出来",
    "HJP004.complex_key": "键必须是简单的文字，不能是列表或映射",
    "HJP004.fullwidth_colon": "键 {key} 后面用了全角冒号“：”，YAML 不认；请改成半角冒号加空格“{key}: ”（切换到英文输入法输入）",
    "HJP004.quote_then_text": "引号闭合后同一行还有别的内容：引号只能括住整个值；如果引号是文字的一部分，"
                              "请用另一种引号括住整个值，例如 '“三合一”场所' 或 '\"三合一\"场所'",
    "HJP004.bad_start": "值不能以 {char} 开头；请给整个值加引号",
    "HJP004.other": "YAML 语法错误（{problem}）；请检查这一行及上一行的缩进、冒号和引号",
    # PyYAML's problems (yamlread._PROBLEMS); {context} is HJP004.from_line when it started on another line
    "HJP004.from_line": "（相关内容从第 {line_no} 行开始）",
    "HJP004.duplicate_anchor": "锚点名重复；请换一个名字{context}",
    "HJP004.undefined_alias": "别名 * 指向不存在的锚点 &；请检查拼写{context}",
    "HJP004.open_bracket": "方括号 [ 没有闭合，或列表项之间缺少逗号{context}",
    "HJP004.open_brace": "花括号 {{ 没有闭合，或项之间缺少逗号{context}",
    "HJP004.unexpected_end": "文件在引号或括号闭合之前就结束了；请补上 \" ' ] 或 }}{context}",
    "HJP004.colon_space": "这里不能出现冒号加空格“: ”；如果是文字内容，请给整个值加引号{context}",
    "HJP004.missing_colon": "缺少冒号“:”，或上一行的引号没有闭合{context}",
    "HJP004.block_end": "缩进不一致；同一层的键和列表项 - 要左对齐{context}",
    "HJP004.documents": "文件里有多个 YAML 文档（---）；一个文件只能有一个{context}",
    "HJP004.expected_key": "缩进不一致，或上一行缺少冒号“:”；同一层的键要左对齐{context}",
    "HJP004.nesting": "嵌套层次过深；请检查括号 [ {{ 是否多写了{context}",
    "HJP004.dash_indent": "缩进不一致：同一列表的各项“- ”要左对齐，属于一项的内容要比它的“- ”缩进得更多{context}",
    "HJP004.node_content": "这里应当是一个值，却是别的符号；请检查是否多写或少写了 , [ ] {{ }} - 等符号，文字内容请加引号{context}",
    "HJP004.block_sequence": "这里不能开始“- ”列表：列表项要从下一行开始并缩进（或写成 [甲, 乙]）；"
                             "文字以 - 开头时请加引号{context}",
    "HJP004.question_mark": "这里不能出现“? ”；文字以 ? 开头时请加引号{context}",
    "HJP004.document_start": "文件的内容在前面已经完整结束（顶层只能有一个映射），这里多出了内容；"
                             "请检查这一行的缩进，或删除多余的内容{context}",
    "HJP004.document_indicator": "引号里的一行以 --- 或 ... 开头，被当作了文档分隔符；"
                                 "请把引号里的文字写在一行，或改用 | 块文字{context}",
    "HJP004.colon_in_text": "这里的冒号“:”不能直接写在文字中；请给整个值加引号{context}",
    "HJP004.escape": "双引号里有无效的反斜杠转义" + _BACKSLASH + "{context}",
    "HJP004.hex": "双引号里的 \\x、\\u、\\U 后面须是十六进制数字" + _BACKSLASH + "{context}",
    "HJP004.unicode_escape": "双引号里的 \\u 或 \\U 转义不是有效的字符" + _BACKSLASH + "{context}",
    "HJP004.indentation_zero": "块文字标记 | 或 > 后面的缩进数字不能是 0；请删除这个 0{context}",
    "HJP004.block_scalar": "块文字标记 | 或 > 后面只能跟缩进数字、+ 或 -；文字内容请从下一行开始，并比键多缩进{context}",
    "HJP004.directive": "以 % 开头的行是 YAML 指令，台账文件不用；请删除这一行（文字以 % 开头时请加引号）{context}",
    "HJP004.tag": "不支持的 YAML 标签写法（! 开头）；请去掉标签，文字以 ! 开头时请加引号{context}",
    "HJP004.anchor": "& 后面缺少锚点名（字母或数字）；文字以 & 开头时请加引号{context}",
    "HJP004.alias": "* 后面缺少别名（字母或数字）；文字以 * 开头时请加引号{context}",
    "HJP004.anchor_name": "& 或 * 后面缺少名字（字母或数字）；文字以 & 或 * 开头时请加引号{context}",
    "HJP004.trailing": "这一行在值的后面还有多余的内容（例如引号闭合后又写了文字）；请把整个值放进引号，或删除多余的内容{context}",
    "HJP004.whitespace": "这里缺少空格；请检查这一行的写法，文字内容请加引号{context}",
    "HJP005": "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格{context}",
    "HJP006": "键 {key} 重复出现（第 {first} 行已有）；请删除或合并其中一个",
    "HJP007": "别名（*）展开后的内容过大，疑似“亿笑”攻击文件；请不要用锚点和别名复制大段内容",
    "HJP008.control": "第 {line_no} 行含有控制字符 U+{code:04X}（会损坏 Word 文件）；请删除",
    "HJP008.line_separator": "第 {line_no} 行含有 Unicode 行分隔符 U+{code:04X}（看不见；YAML 把它当作换行，"
                             "其后的行号都会错位）；请删除，需要换行时直接换行",
    "HJP008.paragraph_separator": "第 {line_no} 行含有 Unicode 段分隔符 U+{code:04X}（看不见；YAML 把它当作换行，"
                                  "其后的行号都会错位）；请删除，需要换行时直接换行",
    "HJP008.escaped_control": "文字中含有控制字符 U+{code:04X}（转义写法，会损坏 Word 文件）；请删除",
    "HJP008.escaped_noncharacter": "文字中含有非字符 U+{code:04X}（转义写法，会损坏 Word 文件）；请删除",
    "HJP008.unacceptable": "文件含有不可见的控制字符；请删除{context}",
    "HJP010": "键 {key} 被 YAML 1.1 读成了布尔值 {value}；本格式没有这样的键（日期请用 date:），确需此文字时请加引号",
    "HJP015": "这里是 git 合并冲突标记 {marker}：这个文件合并时发生了冲突，还没有解决{where}；请打开文件，"
              "在 <<<<<<< 与 ======= 之间（本方的改动）和 ======= 与 >>>>>>> 之间（对方的改动）选定正确的内容，"
              "删除这三种标记行，然后 git add 该文件并 git commit（放弃这次合并：git merge --abort）",
    "HJP015.where": "（冲突标记在第 {first} 行，以及第 {others} 行{more}）",
    # the ledger's layout (hjp/load.py)
    "HJP009.top_not_mapping": "文件顶层应为映射 {top}:，而不是{found}；请在第一行写 {top}: 并把记录缩进写在它下面",
    "HJP009.records_not_list": "{top}: 下应为记录列表（每条以 - 开头），而不是{found}",
    "HJP009.record_not_mapping": "第 {n} 条记录应为“键: 值”映射，而不是{found}",
    "HJP009.empty": "文件是空的；请按 ledgers/README.md 填写",
    "HJP009.not_mapping": "文件顶层应为“键: 值”映射，而不是{found}",
    "found.list": "列表",
    "found.mapping": "映射",
    "found.scalar": "单个值 {value}",
    "found.scalar_cut": "单个值 {value}…",
    "HJP011": "村目录名 {slug} {problem}；请重命名目录",
    "HJP011.chars": "须为小写 ASCII 字母、数字和 -（例如拼音 hejiapan）",
    "HJP011.long": "太长（{length} 个字符，上限 {limit}）；请改用简短的拼音，例如 hejiapan",
    "HJP012": "村目录 {slug} 缺少 village.yaml；请创建并写上 name: 村名",
    "HJP013": "不认识的文件 {name}，不会被读取；村目录只放 {files}",
    "HJP014": "{name} 是指向仓库之外的符号链接，不会被读取；请把文件本身放进仓库",
    # files that look like ledger files but are not read (hjp/layout.py)
    "HJP016.not_regular": "{target}.yaml 是{what}，不是普通文件，里面的记录没有被读取；请换成普通的 YAML 文件 {target}.yaml",
    "HJP016.misnamed": "文件 {name} 看起来是台账文件 {target}.yaml，但不会被读取（{why}），其中的记录不计入任何检查和统计；{fix}",
    "HJP016.case": "文件 {name} 须为 {target}.yaml（{why}）：这台电脑上能读到，"
                   "但在区分大小写的系统上（CI、其他人的检出）读不到；{fix}",
    "HJP016.merge": "已有 {target}.yaml：如果 {name} 中有需要登记的记录，请并入 {target}.yaml；"
                    "如果只是备份或副本，请删除或移出台账目录（每个版本都已保存在 git 历史中）",
    "HJP016.rename": "请改名：git mv {old} {new}",
    "HJP016.villages_dir": "{name} 看起来是村目录 villages/，但不会被读取，其中各村的记录不计入任何检查和统计；"
                           "请改名：git mv {old} {new}",
    "HJP016.villages_not_dir": "villages 是{what}，不是目录，各村的记录没有被读取；请换成目录",
    "HJP016.villages_file": "villages 是文件，不是目录，各村的记录没有被读取；请把它换成目录，每个村一个子目录（villages/<村代码>/）",
    "HJP016.misplaced": "文件 {name} 不在村目录里，不会被读取，其中的记录不计入任何检查和统计；"
                        "{stem}.yaml 要放在各村自己的目录 villages/<村代码>/ 下，请移过去",
    "HJP016.village_not_dir": "村目录 {name} 是{what}，不是目录，这个村的记录没有被读取；请换成目录",
    "what.dir": "目录",
    "what.file": "普通文件",
    "what.fifo": "命名管道（FIFO）",
    "what.socket": "套接字",
    "what.device": "设备文件",
    "what.dangling": "指向不存在位置的符号链接",
    "what.missing": "不存在",
    "what.unreadable": "无法访问（{reason}）",
    "why.spaces": "文件名前后有空格",
    "why.txt": "多了扩展名 .txt（记事本保存时请把“保存类型”选为“所有文件”）",
    "why.yml": "扩展名须为 .yaml，不是 .yml",
    "why.no_extension": "没有扩展名 .yaml",
    "why.extension_twice": "扩展名重复",
    "why.copy": "这是复制出来的副本",
    "why.not_ascii": "文件名须用英文",
    "why.spelling": "拼写应为 {target}",
    "why.fullwidth": "文件名里有全角字符",
    "why.case": "文件名须全部小写",
    "why.other": "文件名不对",

    # ------------------------------------------------------------------ HJP1xx one record against its model
    # (hjp/schema_errors.py; {label} is the field with its title from the model, e.g. deadline（定时限）)
    "HJP101": "未知字段 {name}{hint}",
    "HJP101.allowed": "；允许的字段：{fields}",
    "HJP101.top": "未知的顶层键 {name}{hint}",
    "HJP101.only_top": "；此文件只能有 {top}:",
    "HJP101.key_not_text": "未知字段：这个键被读成了{what}，不是字段名；允许的字段：{fields}",
    "HJP102": "缺少必填字段 {label}；请补上",
    "HJP103.action_key": "{label} 的键 {value} 应为整数编号，例如 1: 安全生产责任落实行动",
    "HJP103.finite": "{label} 应为有限的数字（现为 {value}）",
    "HJP103.text_bool": "{label} 应为文字：YAML 1.1 把 {raw} 读成了布尔值 {word}；请加引号写成 \"{raw}\"",
    "HJP103.text_null": "{label} 应为文字：{raw} 被读成了空值；请填写内容，或加引号",
    "HJP103.text_number": "{label} 应为文字：{raw} 被读成了数字 {value}；请加引号写成 \"{raw}\"",
    "HJP103.text": "{label} 应为文字",
    "HJP103.int": "{label} 应为整数（现为 {value}）",
    "HJP103.number": "{label} 应为数字（现为 {value}）",
    "HJP103.bool": "{label} 应为 true 或 false（现为 {value}）",
    "HJP103.list": "{label} 应为列表，例如 [甲, 乙]，或每行写一个“- 项”",
    "HJP103.mapping": "{label} 应为“键: 值”形式的映射",
    "HJP103.other": "{label}：{problem}",
    "HJP104.impossible": "{label}：日期 {value} 不存在（月份或日期超出范围）",
    "HJP104.range": "{label}：日期 {value} 不合理（须在 {earliest} 年至 {latest} 年之间）；请核对年份",
    "HJP104.fullwidth": "{label}：日期 {value} 用了全角数字或符号；请用半角（英文输入法）写成 {fixed}",
    "HJP104.format": "{label}：日期 {value} 格式不对，应写成 YYYY-MM-DD，例如 2025-03-15{hint}",
    "HJP104.type": "{label}：应为日期 YYYY-MM-DD，例如 2025-03-15",
    "HJP105": "{label} 的值 {value} 不在允许的范围内（{expected}）{hint}",
    "HJP106": "编号 {value} 格式不对：应为类别前缀 {prefixes} 加 - 和字母数字，"
              "例如 YH-2024-0001、RW-14、DW-hejiapan-03{hint}",
    "HJP107": "{label} 不能为负数（现为 {value}）",
    "HJP107.too_large": "{label} 为 {value}，超过 {limit}，不像真实的数字；请核对（是否多输了 0）",
    "HJP108.text_date": "{label} 的值 {raw} 没有加引号：hjp 把它当作文字，按 YAML 1.1 读取的工具却会读成日期；"
                        "请加引号写成 \"{raw}\"",
    "HJP108.text_bool": "{label} 的值 {raw} 没有加引号：hjp 把它当作文字，YAML 1.1 规范却把它定为布尔值 {word}；"
                        "请加引号写成 \"{raw}\"",
    "HJP108.text_number": "{label} 的值 {raw} 没有加引号：hjp 把它当作文字，按 YAML 1.2 读取的工具却会读成数字 {number}；"
                          "请加引号写成 \"{raw}\"",
    "HJP108.underscore": "{label} 的值 {raw} 含下划线：hjp 读作 {value}，按 YAML 1.2 读取的工具却当作文字；"
                         "请去掉下划线写成 {value}",
    "HJP108.sexagesimal": "{label} 的值 {raw} 是 YAML 1.1 的六十进制写法：hjp 读作 {value}，"
                          "按 YAML 1.2 读取的工具却当作文字；请直接写成 {value}",
    "HJP108.binary": "{label} 的值 {raw} 是二进制写法：hjp 读作 {value}，按 YAML 1.2 读取的工具却当作文字；请直接写成 {value}",
    "HJP108.octal": "{label} 的值 {raw} 以 0 开头：hjp（YAML 1.1）读作八进制数 {value}，按 YAML 1.2 读取的工具却读作 "
                    "{decimal}；请去掉开头的 0",
    "HJP108.bool": "{label} 的值 {raw}：hjp 按 YAML 1.1 读作 {word}，按 YAML 1.2 读取的工具却当作文字；请写成 {word}",
    "HJP109.id": "{label} 太长（{length} 个字符，上限 {limit}）；编号请用类别前缀加年份和序号，例如 YH-2024-0001",
    "HJP109.name": "{label} 太长（{length} 个字符，上限 {limit}）；名称请简要概括，详细情况写在 notes（备注）里",
    "HJP109.text": "{label} 太长（{length} 个字符，上限 {limit}）；请精简，原始材料作为佐证材料（evidence）另存文件",
    # a character that looks right and is wrong (appended to HJP104-HJP106)
    "odd.nth": "第 {n} 个字符",
    "odd.last": "最后一个字符",
    "odd.invisible": "；其中{where}是看不见的{name}（U+{code:04X}），请删除它（可删掉整个值后重新输入）",
    "odd.lookalike": "；其中{where} {char} 是{script}（U+{code:04X}），不是英文字母 {latin}，请用英文输入法重新输入",
    "odd.cyrillic": "西里尔字母",
    "odd.greek": "希腊字母",
    "odd.fullwidth": "；其中{where} {char} 是全角字符（U+{code:04X}），应为半角 {half}，请用英文输入法重新输入",
    "odd.dash": "；其中{where}是{name}（U+{code:04X}），不是英文连字符 -，请用英文输入法重新输入",
    "odd.space": "；其中{where}是{name}（U+{code:04X}），请删除",

    # ------------------------------------------------------------------ HJP2xx rules (hjp/rules/)
    "HJP201": "编号 {id} 重复：{first_path}:{first_line} 已经用过；编号须在整个台账中唯一，请改用新编号",
    "HJP201.sealed": "编号 {id} 重复：{first_path}:{first_line} 已经用过；编号须在整个台账中唯一，请改用新编号。"
                     "这个编号有密封的举报人信息 {sealed}：两条都是举报隐患时，两份密封文件只能留下一份，另一条的举报人只在 git 历史中，"
                     "请保管人用 git log --all -- {sealed} 找回另一份，新编号的那条由保管人重新密封",
    "HJP201.case": "编号 {id} 与 {other} 只差字母大小写，两条都有密封的举报人信息：在 Windows 和 macOS 上 {file} 与另一份是同一个文件，"
                   "检出时只剩一份，密封第二份时会覆盖第一份；请改用新编号（编号中的字母一律大写）",
    "HJP202": "unit（所属单位）{unit} 不是本村 {village} 的生产经营单位{elsewhere}{hint}",
    "HJP202.elsewhere": "（它属于 {village}）",
    "HJP202.register": "；请先在本村 units.yaml 登记该单位",
    "HJP203": "重大隐患须落实整改“五定”，缺少：{missing}；请在 rectification 下补上",
    "HJP203.measures": "定措施 measures",
    "HJP203.funds": "定资金 funds",
    "HJP203.contingency": "定预案 contingency",
    "HJP204.deadline": "整改期限 rectification.deadline {deadline} 早于发现日期 found_on {found_on}；"
                       "整改期限不能早于发现日期，请核对这两个日期",
    "HJP204.rectified": "整改完成日期 rectified_on {rectified_on} 早于发现日期 found_on {found_on}；"
                        "日期顺序应为 发现 ≤ 整改完成 ≤ 销号",
    "HJP204.closed_before_rectified": "销号日期 closed_on {closed_on} 早于整改完成日期 rectified_on {rectified_on}；"
                                      "日期顺序应为 发现 ≤ 整改完成 ≤ 销号",
    "HJP204.closed_before_found": "销号日期 closed_on {closed_on} 早于发现日期 found_on {found_on}；"
                                  "日期顺序应为 发现 ≤ 整改完成 ≤ 销号",
    "HJP205.unrectified": "已填销号日期 closed_on，但没有整改完成日期 rectified_on；须先整改、验收，再销号",
    "HJP205.unverified": "已填销号日期 closed_on，但没有验收人 verified_by；销号前须经验收，请填写验收人",
    "HJP206": "只有来源为 举报 的隐患才填写 reporter（举报人），此隐患来源为 {source}；"
              "请删除 reporter 或把 source 改为 举报",
    "HJP207.escapes": "佐证材料路径 {evidence} 须是仓库内的相对路径（例如 evidence/{id}/验收单.jpg），"
                      "不能是绝对路径或用 .. 跳出仓库",
    "HJP207.outside": "佐证材料路径 {evidence} 经符号链接指向仓库之外；请把文件放进仓库",
    "HJP208": "佐证材料 {evidence} 不存在；请把文件放到仓库的这个位置，或改正路径",
    "HJP209.none": "任务须有且只有一种形式：deadline（一次性）、milestones（阶段目标）、every（周期性）、"
                   "ongoing: true（长期坚持）；请补上其中一个",
    "HJP209.several": "任务只能有一种形式，现在同时有 {shapes}；请只保留一个",
    "HJP209.empty_milestones": "milestones 为空列表；请列出阶段目标，或改用其他形式",
    "task.shape.deadline": "deadline（一次性）",
    "task.shape.milestones": "milestones（阶段目标）",
    "task.shape.every": "every（周期性）",
    "task.shape.ongoing": "ongoing（长期坚持）",
    "HJP210": "只有周期性任务（every）才有 occurrences（落实记录）；其他任务请用 progress 记录进展",
    "HJP211.done_on.milestones": "只有一次性任务（deadline）才有 done_on（完成日期）；"
                                 "阶段目标的完成日期写在各 milestones 项的 done_on 下",
    "HJP211.done_on.every": "只有一次性任务（deadline）才有 done_on（完成日期）；周期性任务用 occurrences 记录每次落实",
    "HJP211.done_on.ongoing": "只有一次性任务（deadline）才有 done_on（完成日期）；长期坚持的任务用 progress 记录进展",
    "HJP211.start": "start（开始日期）只用于周期性和长期坚持的任务；请删除",
    "HJP211.end": "end（结束日期）只用于周期性任务；请删除",
    "HJP212": "action（所属行动）{action} 不是方案中的行动编号；可选：{known}",
    "HJP212.none": "（town.yaml 未列出行动）",
    "HJP213": "关闭退出日期 closed_on {closed_on} 早于开业日期 since {since}；请核对",
    "HJP214": "开始日期 start {start} 晚于结束日期 end {end}；请核对",
    "HJP215.plan": "方案起始日期 plan.start {start} 晚于截止日期 plan.end {end}；请核对",
    "HJP215.phase": "阶段 {phase} 的开始日期 start {start} 晚于结束日期 end {end}；请核对",
    "HJP215.phase_outside": "阶段 {phase}（{start} 至 {end}）超出了方案期限 {plan_start} 至 {plan_end}；"
                            "请核对阶段日期或 plan 的 start、end",
    "HJP216": "sector（行业领域）的值 {value} 不在词表中{hint}",
    "HJP217.today": "{what} {date} 晚于今天 {today}，可能是笔误；在那天之前不计入统计",
    "HJP217.as_of": "{what} {date} 晚于计算日期 {as_of}（--as-of），按该日计算时不计入统计",
    "HJP217.field": "{label} {field}",
    "HJP218": "{kind}的编号应以 {prefix}- 开头（现为 {id}，{other}的前缀）；请改正编号或把记录移到对应文件",
    "HJP218.other": "其他",
    "HJP219": "时区 timezone 的值 {value} 不是有效的时区名称{hint}",
    "HJP219.china": "；中国大陆请写 Asia/Shanghai",
    "HJP220": "{field} 的第 {n} 项“{item}”中有“{mark}”，会被当作一个人（一项）；请拆成 {count} 项：[{parts:, }]",
    "HJP221": "上次提交（HEAD）中的{kind} {ids}{more} 现在台账中找不到了（共 {count} 条）；记录不能删除，"
              "录错的记录请用 hjp void 作废。请用 git diff -- {file} 查看改动，把删掉的记录恢复",
    "HJP221.more": " 等",
    "HJP221.emptied": "文件{state}，而上次提交（HEAD）中它有 {count} 条{kind}记录，报告会少算这些记录；记录不能删除。"
                      "若是误清空或误删（编辑器崩溃、同步冲突、另存为到别处），请运行 git checkout -- {file} 恢复",
    "HJP221.empty": "现在没有任何记录",
    "HJP221.deleted": "已被删除",
    "HJP222": "文件是空的（没有 {top}: 这一行），其中没有任何{kind}记录；若是误清空（编辑器崩溃、同步冲突），"
              "请从备份或 git 恢复；若这个村确实还没有{kind}记录，请写一行 {top}: [] 或删除这个文件",

    # HJP240-HJP249 the sealed 举报人 store (hjp/rules/sealed.py, hjp/sealed.py)
    "HJP240": "reporter（举报人）以明文写在台账中，任何能拿到仓库的人都能看到；"
              "举报人信息只能存放在密封文件中，这里只写 已密封。请运行 hjp seal migrate 把它移入密封存储",
    "HJP240.comment": "reporter（举报人）这一行写了注释：注释会随台账进入 git 历史，任何能拿到仓库的人都能看到，举报人信息不能写在这里；"
                      "请删除这条注释（已经提交过的，请按 docs/sealed.md 从 git 历史中清除）",
    "HJP241": "reporter 为 已密封，但找不到密封文件 {file}；"
              "请从 git 历史恢复该文件，或确认无举报人信息后删除 reporter 这一行",
    "HJP242.unmarked": "有 {id} 的密封举报人信息，但该隐患没有写 reporter: 已密封；请在该隐患中补上 reporter: 已密封",
    "HJP242.no_record": "台账中没有隐患 {id}，却有它的密封举报人信息；请核对文件名，"
                        "或在台账中恢复这条隐患（记录不能删除，录入错误的请作废）",
    "HJP242.unread": "台账中没有隐患 {id}，却有它的密封举报人信息，但有隐患文件未能读取（见其他错误），它可能在那里；"
                     "请先改正那些错误再核对，不要改名或删除密封文件",
    "HJP243.encoding": "recipients.txt 不是 UTF-8 编码；请在编辑器中“另存为 UTF-8”",
    "HJP243.trailing": "公钥后面不能跟其他内容（age 的公钥文件格式不允许行尾注释）；"
                       "请把注明保管人的 # 注释移到公钥的上一行",
    "HJP243.invalid_key": "这不是有效的 age 公钥（长度或校验位不对，可能抄错或被截断）；"
                          "请从保管人的私钥文件中 # public key: 那一行重新复制，或由保管人重新运行 hjp seal init",
    "HJP243.not_key": "这一行不是 age 公钥（应以 age1 开头，共 62 个字符）；注释行请以 # 开头，其他内容请删除",
    "HJP244": "这一行是私钥（AGE-SECRET-KEY-…），不是公钥：私钥一旦进入仓库就已泄露；请立即删除这一行，"
              "由该保管人用 hjp seal init 生成新密钥，再由保管人运行 hjp seal rekey，"
              "并按 docs/sealed.md 从 git 历史中清除旧私钥",
    "HJP245": "sealed/recipients.txt 中没有保管人公钥：新的举报人信息无法密封，"
              "增删保管人也无从重新加密；请保管人运行 hjp seal init",
    "HJP246": "这个公钥没有注明保管人；请在它上一行写 # 姓名 单位 日期，例如 # 王某 应急办 2026-11-30",
    "HJP247": "sealed/ 下不认识的文件 {name}：这里只放 recipients.txt、access.log 和 "
              "隐患编号.age；请核对——私钥和明文的举报人信息绝不能放进仓库",
    "HJP248": "公钥与第 {first} 行重复；请删除这一行",

    # HJP250-HJP279 units' codes and grades, 重大 hazards, inspections, trainings
    # (hjp/rules/units.py, major.py, inspections.py, trainings.py; hjp/creditcode.py)
    "HJP250": "credit_code（统一社会信用代码）{code} {problem}；请对照营业执照改正",
    "HJP250.length": "应为 {want} 位（现为 {length} 位）",
    "HJP250.lower": "字母须大写（{lower} 应写成 {upper}）",
    "HJP250.unused": "不使用字母 {never}（现有 {found}）；多半是数字 1、0、5 或字母 U、数字 2 录错了",
    "HJP250.other": "只能由数字和大写字母组成（现有 {found}）",
    "HJP250.region": "第 3–8 位是登记管理机关行政区划码，只能是数字（现为 {region}）",
    "HJP251": "credit_code（统一社会信用代码）{code} 的校验码不对：按前 17 位计算，第 18 位应为 {want}，"
              "现为 {got}；请对照营业执照逐位核对（前 17 位录错一位也会这样）",
    "HJP252": "credit_code（统一社会信用代码）{code} 与 {first} 相同；同一单位不要重复登记，重复的一条请作废（void）",
    "HJP253": "grade（分级分类）的值 {grade} 不在词表中{hint}",
    "HJP253.choices": "；可选：{grades}（词表在 town.yaml 的 unit_grades）",
    "HJP254": "重大隐患须写明判定依据 basis（所依据的判定标准及条款）；"
              "请补上，例如 basis: 《工贸企业重大事故隐患判定标准》第四条第（一）项",
    "HJP255": "重大隐患发现已 {days} 天仍未挂牌督办{later}，超过了 {limit} 天；"
              "请写明 supervision: {{level: 镇级|县级|市级, since: 挂牌日期}}",
    "HJP255.due": "重大隐患尚未挂牌督办{later}；须在 {due} 前挂牌督办，"
                  "请写明 supervision: {{level: 镇级|县级|市级, since: 挂牌日期}}",
    "HJP255.later": "（supervision.since {since} 晚于{day}）",
    "HJP255.within": "发现后 {days} 天",
    "HJP256": "found_in（发现于检查）{id} {why}",
    "HJP257": "findings（发现的隐患）中的 {id} {why}",
    # why an ID is not a 隐患/检查 of the village (HJP256, HJP257)
    "HJP256.other_kind": "是{label}编号，不是{want}",
    "HJP256.other_file": "不在{want}台账中（见 {file}:{line_no}）",
    "HJP256.other_village": "属于 {village}，不是本村 {slug} 的{want}",
    "HJP256.unknown": "不存在{hint}",
    "HJP256.register": "；请先登记该{want}，或改正编号",
    "word.other_record": "其他记录",
    "word.today": "今天",
    "word.as_of": "计算日期",
    "HJP258.found_in": "隐患 {id} 列在本检查的 findings 中，但它的 found_in 是 {found_in}；请核对，两处应指向同一次检查",
    "HJP258.early": "隐患 {id} 的发现日期 found_on {found_on} 早于发现它的检查 {inspection} 的日期 {date}；请核对日期",
    "HJP259": "主要负责人带队检查须写明被检查单位 unit（本村生产经营单位编号 DW-…）；请补上",
    "HJP260": "带队人 led_by {led_by} 不是 {unit}（{name}）登记的主要负责人 {principal}；"
              "主要负责人带队检查须由主要负责人本人带队；负责人已更换的，请改正 units.yaml 的 principal",
    "HJP261.not_open": "检查日期 date {date} 时 {unit}（{name}）尚未开业（开业日期 since {since}）；请核对日期或单位的开业日期",
    "HJP261.closed": "检查日期 date {date} 时 {unit}（{name}）已关闭退出（closed_on {closed_on}）；请核对日期或单位的关闭日期",
    "HJP262": "培训须逐人登记参训人员 attendees（unit 单位编号、name 姓名、role 身份），或写明参训人次 count；请补上其一",
    "HJP263": "参训人次 count {count} 少于逐人登记的参训人员 {listed} 人；count 是总人次（含已登记姓名的人），请改正",
    "HJP264": "参训人员 {name} 的 unit（所在单位）{unit} 不是已登记的生产经营单位{hint}",
    "HJP264.register": "；请先在所属村的 units.yaml 登记该单位，或改正编号",
    "HJP265": "coverage_from（检查覆盖起算日期）{coverage_from} 晚于方案截止日期 plan.end {end}，"
              "主要负责人带队检查将不计任何季度；请核对",
    "HJP266": "参训人员 {name} 登记为 {unit}（{unit_name}）的主要负责人，但该单位登记的主要负责人是 {principal}；"
              "请核对姓名，负责人已更换的请改正 units.yaml 的 principal",
    # ------------------------------------------------------------------ HJP5xx the audit of git history
    # (hjp/auditrules.py, hjp/sealaudit.py); the reporter appends the commit (audit.commit)
    "HJP501": "{id}（{title}）被删除，而不是作废；记录不能删除，请恢复它，录入错误时加上 void: {{date: 日期, reason: 原因}}",
    "HJP502": "编号 {old_id} 被改成了 {id}；编号一经使用不能更改，请恢复原编号（录入错误的记录请作废后另行新建）",
    "HJP503": "{id} 的 {field} 记为 {date}，比设置它的提交日期 {day} 早 {days} 天（超过 {limit} 天），疑似事后补记或倒签日期；请核实",
    "HJP503.rebased": "{id} 的 {field} 记为 {date}，比提交日期 {day} 早 {days} 天；这次提交是变基（rebase）或摘取（cherry-pick）过来的，"
                      "作者日期是 {authored}，按作者日期不算倒签；请核实",
    "HJP503.hidden": "{kind} {key}「{title}」在提交日期 {day} {state}，这次提交{what}，之后它算作已完成，"
                     "但完成日期早于提交日期 {limit} 天以上，疑似事后补记或倒签；请核实",
    "HJP504": "{id} 的期限 {field} 在 {old} 已过之后被推迟到 {new}（提交日期 {day}）；期限过后不应改动，逾期应如实反映",
    "HJP504.hidden": "{kind} {key}「{title}」在提交日期 {day} {state}，这次提交{what}，之后它不再算作逾期，但它并没有完成；"
                     "期限过后不应改动要求或范围，逾期应如实反映（确属录入错误的，请在合并请求中说明）",
    "audit.state.overdue": "已逾期 {days} 天（应于 {due} 完成）",
    "audit.state.stale": "已超过 {limit} 天没有进展记录（应于 {due} 前更新）",
    "audit.state.awaiting_closure": "整改完成已超过 {limit} 天仍未销号（应于 {due} 前销号）",
    "audit.what.voided": "作废了这条记录",
    "audit.what.changed": "改动了 {parts:，}",
    "audit.what.record": "{id} 的 {fields}",
    "audit.what.added": "新增了 {id}",
    "audit.what.town": "town.yaml 的 {fields}",
    "audit.what.nothing": "的修改",
    "audit.fields": "{names}{more}",
    "HJP505": "{id} 已于 {closed_on} 销号，之后又被修改了 {fields}；销号后的记录只能作废或补充备注 notes",
    "HJP506": "这次提交记录的提交日期 {own} 比它之前的提交 {source}（{floor}）还早 {days} 天，日期顺序颠倒："
              "提交日期被改动过（例如设置了 GIT_COMMITTER_DATE）或电脑时钟不准；倒签和延期按 {floor} 检查；"
              "请核对电脑的日期和时钟，并在合并请求中说明",
    "HJP507.future": "提交日期 {own} 比本次检查的日期 {clock} 晚 {days} 天：提交时电脑的日期不对，或提交日期被改动过；"
                     "请核对电脑的日期和时钟，再用 git rebase --ignore-date 重新提交这些修改",
    "HJP507.past": "提交日期 {own} 比本次检查的日期 {clock} 早 {days} 天（超过 {limit} 天）："
                   "合并请求中的提交应是新近做的，提交日期可能被改动过（例如设置了 GIT_COMMITTER_DATE）；"
                   "如确是早先做的修改，请变基到最新的基础分支（git rebase）后重新推送",
    "HJP508": "{file} 提交时含有未解决的合并冲突标记（第 {line_no} 行）；这一版无法读取，其中的记录不作比较，"
              "之后解决冲突的提交与冲突之前的版本比较；请确认冲突已解决（hjp validate 通过）",
    "HJP509": "{file} 提交时无法读取（{problem}）；这一版的记录不作比较，之后改好的提交与出错之前的版本比较；"
              "请确认文件已改好（hjp validate 通过）",
    "HJP509.not_records": "顶层应为 {top}: 下的记录列表",
    "HJP510": "{id}（{title}）的隐患等级由 重大 改为 {new}；重大事故隐患按判定标准认定、单独上报，降为一般须有复核认定的依据："
              "确属误判的，请在这条记录的 notes 中写明依据（复核单位、文号、日期），并在提交说明的最后一段写一行 隐患降级: 依据；"
              "否则请恢复为 重大",
    "HJP510.no_notes": "{id}（{title}）的隐患等级由 重大 改为 {new}，提交说明声明了降级（{declared}），但这条记录的 notes "
                       "没有写明依据；请在同一次提交中把复核认定的依据写进 notes",
    "HJP510.declared": "{id}（{title}）的隐患等级由 重大 改为 {new}，已声明降级：{declared}，依据写在 notes 中；请核对复核认定的文件",
    "HJP513": "{id} 已登记的 {field} 由 {old} 改为 {new}（相差 {days} 天）；完成日期登记之后不应改动，改动会改变逾期、待销号等的计算；"
              "确属录入错误的，请在 notes 中写明更正的原因和依据，并在合并请求中说明",
    "HJP513.small": "{id} 已登记的 {field} 由 {old} 改为 {new}（相差 {days} 天，在 {limit} 天以内，作为提示）；请核实",
    "HJP514": "{id} 已于 {held_on} 实施，之后又被修改了 {fields}；已实施的演练、培训、检查只能补充备注 notes、佐证材料 evidence 或作废；"
              "确属录入错误的，请在 notes 中写明更正的原因和依据，并在合并请求中说明",
    "HJP515": "{id} 的期限 {field} 在到期之前由 {old} 推迟到 {new}（提交日期 {day}）；一再推迟的期限永远不会逾期，请核实延期的依据",
    "HJP515.major": "{id} 的期限 {field} 在到期之前由 {old} 推迟到 {new}（提交日期 {day}）；重大事故隐患的整改期限属于批准的“五定”方案，"
                    "不能自行推迟：确经批准延期的，请在 notes 中写明批准文件，并在提交说明的最后一段写一行 延期批准: 文号；否则请恢复原期限",
    "HJP515.approved": "{id} 的期限 {field} 在到期之前由 {old} 推迟到 {new}（提交日期 {day}），已声明延期批准：{approved}；请核对批准文件",
    "HJP511": "{file}（{id} 的密封举报人信息）被改写了，而这次提交不是 hjp seal rekey（access.log 中没有追加重新加密的记录）："
              "原来的举报人信息可能已被替换；请从 git 历史恢复：{restore}；增删保管人后请用 hjp seal rekey 重新加密",
    "HJP511.copy": "{file} 与 {other} 内容完全相同：每份密封文件都是单独加密的，不会有两份相同，这一份是复制来的，"
                   "{id} 原来的举报人信息已不在当前版本中；请从 git 历史恢复：{restore}",
    "HJP511.copy_new": "{file} 与 {other} 内容完全相同：每份密封文件都是单独加密的，不会有两份相同，这一份是复制来的，"
                       "不是 {id} 的举报人信息；请删除它，用 hjp new hazard --reporter 或 hjp seal migrate 密封 {id} 的举报人",
    "HJP511.merge": "合并时丢掉了另一边（{side}）新增或改动的密封文件 {file}：两边各自登记了编号为 {id} 的举报隐患时常见"
                    "（两台电脑、两个分支分配了同一个编号），那一边的举报人信息已不在当前版本中；请用 git show {side}:{file} > 另存文件 "
                    "取回它，把那条隐患改用新编号后由保管人重新密封（hjp reporter show 读出，hjp new hazard --reporter 登记）",
    "HJP512": "recipients.txt 新增了保管人公钥 {key}（注明为“{name}”）：持有对应私钥的人今后能打开所有新密封的举报人信息，"
              "下次 hjp seal rekey 之后连同以前的也能打开；注明的姓名是随手写的文字，不能证明是谁的钥匙。确是新保管人的，"
              "请当面或电话与本人核对公钥，并在提交说明的最后一段写一行 新增保管人: 姓名（hjp seal init --commit 会自动写上）；"
              "否则请删除这一行，并检查此后密封的举报人信息是否已经泄露",
    "HJP512.declared": "recipients.txt 新增了保管人公钥 {key}（注明为“{name}”），提交说明声明：新增保管人 {declared}；"
                       "请与本人核对公钥无误",
    "HJP520": "{id} 的 reporter（举报人）以明文提交进了仓库；举报人信息只能密封保存。请运行 hjp seal migrate 密封它，"
              "并按它的提示从 git 历史中清除旧值（合并请求尚未合并时，直接改写这个分支的提交即可）",
    "HJP520.comment": "reporter（举报人）这一行的注释随这次提交进入了仓库，注释中可能写有举报人信息，git 会永远记住它；"
                      "请删除这条注释，并按 docs/sealed.md 从 git 历史中清除（合并请求尚未合并时，直接改写这个分支的提交即可）",
    "HJP521": "{file} 不是 age 加密文件：密封存储中的文件必须是加密的，这样提交的内容可能是明文的举报人信息；"
              "请撤销这次提交中的该文件，用 hjp new hazard --reporter 或 hjp seal migrate 密封，并按 docs/sealed.md 清除历史",
    "HJP522": "提交了 age 私钥（AGE-SECRET-KEY-…）：它从此已经泄露。请删除该文件，由该保管人重新运行 hjp seal init "
              "换用新密钥、删去 recipients.txt 中旧公钥，再运行 hjp seal rekey，并按 docs/sealed.md 从 git 历史中清除",
    "HJP523.deleted": "查阅记录 access.log 被删除；查阅记录只能追加，请从 git 历史恢复",
    "HJP523.edited": "查阅记录 access.log 中已有的记录被删改；查阅记录只能在末尾追加，请从 git 历史恢复被删改的行",
    "HJP524": "{id} 的密封举报人信息被删除；举报人信息不能删除（记录作废时也要保留），"
              "请从 git 历史恢复：git checkout {sha}~1 -- {file}",

    # ------------------------------------------------------------------ HJP6xx import and export
    # hjp import plan (hjp/plandoc.py): warnings on lines of the plan document
    "HJP601.phase": "阶段“{name}”的起止日期“{text}”无法识别；请在 town.yaml 的 phases 中手工填写",
    "HJP601.mismatch": "{id}：正文中的“{phrase}”（{date}）与括号中的时限不一致，按括号中的时限记录；请核对",
    "HJP601.vague": "{id}：“{phrase}”无法换算成日期，保留在 text 中；请核对",
    "HJP601.no_year": "{id}：“{phrase}”不知是哪一年，未换算；请核对",
    "HJP601.unplaced": "“{phrase}”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
    "HJP602": "{id}：“{before}{phrase}…”是推动、督促其他单位按期落实，未作为本任务的周期（记为长期坚持）；"
              "各单位的落实请逐单位登记（如演练的年度覆盖）",
    "HJP603": "没有找到任何任务条目（“1.”“（一）”等编号下带“牵头”“负责”或完成时限的条目）；"
              "请确认这是实施方案的正文（.docx 或 .txt），扫描件请先识别成文字",
    "HJP604": "未能从方案中识别{what}，town.yaml 草稿中写了【请填写…】；请照原文补上",
    "plan.field.title": "方案名称",
    "plan.field.doc_no": "文号",
    "plan.field.issued_on": "印发日期",
    "plan.field.start": "方案起始日期",
    "plan.field.end": "方案截止日期",
    "plan.field.town": "镇（乡）名",
    "plan.field.county": "所属县",
    # reading a 台账 sheet (hjp/sheetread.py): placed at FILE!SHEET:ROW, the message names the cell
    "HJP612": "{cell}“{header}”和 {other_cell}“{other_header}”都是“{column}”；请删去或改名其中一列",
    # reading a clerk's 台账 (hjp/sheetread.py: cells HJP617.*; hjp/sheetimport.py)
    "HJP614": "{cell}（{label}）{why}，读不出内容；请在 Excel 或WPS 中打开，确认公式能算出结果后保存"
              "（或“复制→选择性粘贴→数值”）再导入",
    "HJP614.formula": "是没有计算结果的公式",
    "HJP614.error_value": "是错误值 {value}",
    "HJP614.error": "是错误值",
    "HJP615": "{cell}（{label}）是嵌入单元格的图片（WPS DISPIMG），不能导入；请把照片另存为文件，"
              "放进仓库的 evidence/ 目录，在佐证材料中写上路径",
    "HJP615.picture": "是嵌入单元格的图片",
    "HJP617.level": "{ref} 的隐患等级“{value}”不认识；请填 一般 或 重大（一般隐患、重大隐患也可以）",
    "HJP617.source": "{ref} 的隐患来源“{value}”不认识；请填 自查、检查、举报、督查 或 其他",
    "HJP617.supervision": "{ref} 的挂牌督办“{value}”不认识；请填 镇级、县级 或 市级（未挂牌留空）",
    "HJP617.drill_kind": "{ref} 的演练类型“{value}”不认识；请填 疏散逃生、桌面、专项 或 综合",
    "HJP617.every": "{ref} 的周期“{value}”不认识；请填 每月、每季度 或 每年",
    "HJP617.inspection_kind": "{ref} 的检查类型“{value}”不认识；请填 {options}",
    "HJP617.training_kind": "{ref} 的培训类型“{value}”不认识；请填 {options}",
    "HJP617.bool": "{ref} 应填 是 或 否，现在是“{value}”",
    "HJP617.date_bool": "{ref} 应填日期，现在是 {value}",
    "HJP617.not_date": "{ref} 的“{value}”不是日期；请写成 2024-03-31（或设为日期格式）",
    "HJP617.no_such_date": "{ref} 的日期“{value}”不存在（月份或日期超出范围）；请核对",
    "HJP617.date_format": "{ref} 的日期“{value}”无法识别；请写成 2024-03-31、2024/3/31 或 2024年3月31日",
    "HJP617.number_bool": "{ref} 应填数字，现在是 {value}",
    "HJP617.number": "{ref} 应填数字，现在是“{value}”",
    "HJP617.integer": "{ref} 应填整数，现在是“{value}”",
    "HJP617.id": "{cell} 的编号“{value}”不是{label}编号（应以 {prefix}- 开头）；留空则由 hjp 编号",
    "HJP617.days": "{cell} 的整改时限是天数（{days}天），但这一行没有发现日期，算不出期限；请补上发现日期",
    "HJP618": "{cell}“{name}”不是台账的字段，这一列的内容已记入备注（notes，写作“列名：内容”）",
    "HJP618.serial": "{cell}“{header}”是序号（纯数字），不是台账编号，按序号处理；编号由 hjp 分配",
    "HJP619": "表中没有“{name}”列{why}；请在表中加上这一列，或用 --set {field}={example} 给整张表一个默认值",
    "HJP619.no_unit_sector": "，行里也没有登记过的所属单位可以推出",
    "HJP619.row": "第 {row} 行缺少{name}；{fix}",
    "HJP619.fill": "请在表中填写",
    "HJP619.no_unit": "这一行没有所属单位可以推出；请在表中加上“{name}”列，或用 --set {field}=… 给默认值",
    "HJP620": "第 {row} 行与台账中已有的 {id} 是同一条记录，但内容不同：{diffs:；}{more}。"
              "导入不修改已有记录：请用 hjp rectify、close 等命令修改台账，或改正表中这一行",
    "HJP620.unit": "所属单位 表中为“{text}”（台账中没有），台账中为 {theirs}",
    "HJP620.field": "{name} 表中为 {mine}，台账中为 {theirs}",
    "HJP620.children": "{attr} 与台账中不同",
    "HJP620.empty": "（空）",
    "HJP620.other_kind": "第 {row} 行的编号 {id} 已被另一类记录使用；请改正编号或留空",
    "HJP620.other_village": "第 {row} 行的编号 {id} 已是{where}的记录；同一编号不能用于两个村。请核对编号或所属村",
    "HJP620.repeated": "第 {row} 行的编号 {id} 与第 {first} 行重复；请改正其中一个",
    "HJP620.parent": "{cell} 的{parent} {id} 不在“{sheet}”表中",
    "HJP621": "第 {row} 行不知道属于哪个村；请用 --village 指定，或在表中加“所属村”列",
    "HJP621.unknown": "{cell} 的村“{village}”不在台账中；台账中的村：{listing}（新村请先用 hjp new village 建立）",
    "HJP621.village": "{name}（{slug}）",
    "HJP621.none": "（还没有村）",
    "HJP621.mismatch": "{cell} 的村“{village}”与 --village {given} 不符；请去掉 --village（按表中的村导入），或只导入这个村的行",
    "HJP622": "第 {row} 行与第 {first} 行完全相同（{key}），只导入第一行",
    "HJP623": "{cell} 的单位“{unit}”不在本村的生产经营单位中（{hint}）；请改成已登记的名称，或加 --create-units 同时新建这些单位",
    "HJP623.close": "相近的有：{names}",
    "HJP623.names": "本村的单位有：{names}",
    "HJP623.no_units": "本村还没有登记单位",
    "HJP623.other_village": "{cell} 的单位 {unit} 属于另一个村；请核对",
    "HJP624": "第 {row} 行有举报人，但隐患来源不是“举报”；请核对来源，或删去举报人",
    "HJP625": "{cell} 写着“{said}”，但这一行没有整改完成日期，导入后状态为整改中；请在表中补上整改完成日期（或导入后用 hjp rectify 登记）",
    # a finding of the ledger after an import, placed at the sheet's row: the record it is about
    "import.record": "（{id}）",
    "word.more": "……",
    "HJP616": "{first}:{last} 是合并单元格，跨了 {rows} 行数据，只有第一行有值；请取消合并，"
              "把内容填到每一行（WPS：开始→合并居中→拆分并填充内容）",

    # HJP900: a bug in hjp
    "HJP900": "检查 {rule} 出错（hjp 程序缺陷，请报告）：{file}:{line_no}",

    # ------------------------------------------------------------------ fragments shared by several codes
    "hint.did_you_mean": "；是不是要写 {word}？",
    "hint.choices": "；可选：{choices}",
    "word.town_level": "镇级",
    "word.null": "空值",
    "word.number": "数字 {value}",
    "word.here": "这里",
    "word.etc": "等",
    "field.titled": "{name}（{title}）",
    "field.record": "记录",

    # Notes the audit appends to a finding's message (Diagnostic.notes)
    "audit.backfill.declared": "（已声明补录：{declared}）",
    "audit.backfill.created": "（建立台账时录入，视为补录）",
    "audit.commit": "（提交 {sha}，{author} <{email}>，{day}）",
}
