"""Turns pydantic validation errors into Chinese diagnostics that point at the right YAML line."""

from __future__ import annotations

import difflib
import typing
from datetime import date
from typing import Any, Iterable

from pydantic import BaseModel

from hjp.diagnostics import Diagnostic, error
from hjp.kinds import PREFIXES_TEXT
from hjp.yamlread import BOOL_ODD, DATE_LIKE, FLOAT_ODD, INT_ODD, STR_ODD, MDict, MList, Odd


def _walk(model_cls: type[BaseModel], loc: tuple) -> tuple[list[tuple[str, Any]], Any]:
    """Follow ``loc`` through the models: the (name, FieldInfo) of each field met, and the model
    reached (None when ``loc`` names no field there, or leads past the models)."""
    cls: Any = model_cls
    met: list[tuple[str, Any]] = []
    for part in loc:
        if isinstance(part, int) or cls is None:
            continue
        info = getattr(cls, "model_fields", {}).get(part)
        if info is None:
            return met, None
        met.append((part, info))
        cls = _model_in(info.annotation)
    return met, cls


def field_label(model_cls: type[BaseModel], loc: tuple) -> str:
    """``deadline（定时限）``: the last named field of ``loc`` with its Chinese title."""
    met, _ = _walk(model_cls, loc)
    if not met:
        return "记录"
    part, info = met[-1]
    return f"{part}（{info.title}）" if info.title else str(part)


def _base_types(annotation: Any) -> set[Any]:
    """The scalar types a field holds: through Optional, unions, Annotated, lists (items) and
    dicts (values); a closed set of values (Literal) as ``typing.Literal``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _base_types(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return {typing.Literal}  # a closed set: a value outside it is HJP105 already
    if origin is list:
        return _base_types(typing.get_args(annotation)[0])
    if origin is dict:
        return _base_types(typing.get_args(annotation)[1])
    if origin is not None:  # Union, Optional, X | Y
        return set().union(*(_base_types(arg) for arg in typing.get_args(annotation)))
    return {annotation}


def field_type(model_cls: type[BaseModel], loc: tuple) -> str | None:
    """What the field at ``loc`` holds: "text", "number", "bool" or "date"; None when ``loc`` names
    no field of the model (an unknown key) or a mapping."""
    met, _ = _walk(model_cls, loc)
    if not met or len(met) != sum(isinstance(part, str) for part in loc):
        return None
    types = _base_types(met[-1][1].annotation) - {type(None)}
    if date in types:
        return "date"
    if bool in types:
        return "bool"
    if types & {int, float}:
        return "number"
    if types == {str}:
        return "text"
    return None


def date_fields(models: Iterable[type[BaseModel]]) -> frozenset[str]:
    """The names of every date field of these models and the models inside them."""
    names: set[str] = set()
    seen: set[type] = set()
    todo = list(models)
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for name, info in cls.model_fields.items():
            if date in _base_types(info.annotation):
                names.add(name)
            inner = _model_in(info.annotation)
            if inner is not None:
                todo.append(inner)
    return frozenset(names)


# Which odd values matter in which fields (elsewhere pydantic already refuses them, or every reader agrees).
_ODD_FOR = {"text": {DATE_LIKE, STR_ODD}, "number": {INT_ODD, FLOAT_ODD}, "bool": {BOOL_ODD, STR_ODD}}


def _odd_message(label: str, odd: Odd, kind: str) -> str | None:
    raw, value = odd.raw, odd.value
    quoted = f"请加引号写成 \"{raw}\""
    if kind == "text":
        if odd.tag == DATE_LIKE:
            return f"{label} 的值 {raw} 没有加引号：hjp 把它当作文字，按 YAML 1.1 读取的工具却会读成日期；{quoted}"
        if raw in ("y", "Y", "n", "N"):
            word = "true" if raw in ("y", "Y") else "false"
            return f"{label} 的值 {raw} 没有加引号：hjp 把它当作文字，YAML 1.1 规范却把它定为布尔值 {word}；{quoted}"
        number = int(raw[2:], 8) if raw.startswith("0o") else float(raw)
        return f"{label} 的值 {raw} 没有加引号：hjp 把它当作文字，按 YAML 1.2 读取的工具却会读成数字 {number!r}；{quoted}"
    if kind == "number":
        digits = raw.lstrip("+-")
        if "_" in raw:
            return f"{label} 的值 {raw} 含下划线：hjp 读作 {value!r}，按 YAML 1.2 读取的工具却当作文字；请去掉下划线写成 {value!r}"
        if ":" in raw:
            return f"{label} 的值 {raw} 是 YAML 1.1 的六十进制写法：hjp 读作 {value!r}，按 YAML 1.2 读取的工具却当作文字；请直接写成 {value!r}"
        if digits.startswith("0b"):
            return f"{label} 的值 {raw} 是二进制写法：hjp 读作 {value!r}，按 YAML 1.2 读取的工具却当作文字；请直接写成 {value!r}"
        return (f"{label} 的值 {raw} 以 0 开头：hjp（YAML 1.1）读作八进制数 {value!r}，按 YAML 1.2 读取的工具却读作 "
                f"{int(digits.replace('_', '')) * (-1 if raw.startswith('-') else 1)}；请去掉开头的 0")
    if kind == "bool":
        if odd.tag == STR_ODD and raw not in ("y", "Y", "n", "N"):
            return None  # 1e3 in a true/false field: pydantic refuses it (HJP103)
        word = "true" if value is True or raw in ("y", "Y") else "false"
        return f"{label} 的值 {raw}：hjp 按 YAML 1.1 读作 {word}，按 YAML 1.2 读取的工具却当作文字；请写成 {word}"
    return None


def odd_values(odd: list[Odd], model_cls: type[BaseModel], path: str, *, skip: int = 0,
               record_of: Any = None) -> list[Diagnostic]:
    """HJP108 for values written so that other YAML readers take them differently from hjp, in
    fields where that matters: ``1e3``, ``0o17``, ``y``, ``2026-11-05`` in a text field (hjp: text;
    YAML 1.2: a number; YAML 1.1: a boolean, a date), ``010``, ``1_000``, ``1:30`` in a number field,
    ``yes``/``on`` in a true/false field. ``skip``: leading parts of each path above the model
    (``("hazards", 3)``); ``record_of(path)`` gives the record's ID for the diagnostic."""
    out: list[Diagnostic] = []
    for o in odd:
        loc = o.path[skip:]
        kind = field_type(model_cls, loc)
        if kind is None or o.tag not in _ODD_FOR.get(kind, ()):
            continue
        message = _odd_message(field_label(model_cls, loc), o, kind)
        if message is not None:
            record = record_of(o.path) if record_of is not None else None
            out.append(error("HJP108", message, path, o.line + 1, o.col + 1, record))
    return out


# Characters that make a value look right and be wrong: invisible ones pasted from web pages and
# WeChat, full-width forms from the Chinese input method, and Cyrillic or Greek letters that look
# exactly like Latin ones. Named so the clerk can find what cannot be seen.
_INVISIBLE = {
    "\u200b": "零宽空格", "\u200c": "零宽不连字", "\u200d": "零宽连字", "\u2060": "字连接符",
    "\ufeff": "零宽不换行空格（BOM）", "\u00ad": "软连字符", "\u180e": "蒙古文元音分隔符", "\u200e": "从左到右标记",
    "\u200f": "从右到左标记", "\u202a": "方向控制符", "\u202b": "方向控制符", "\u202c": "方向控制符",
    "\u202d": "方向控制符", "\u202e": "方向控制符", "\u2066": "方向控制符", "\u2067": "方向控制符",
    "\u2068": "方向控制符", "\u2069": "方向控制符",
}
_SPACES = {" ": "空格", "\u00a0": "不换行空格", "\u3000": "全角空格", "\t": "制表符"}
_DASHES = {"\u2010": "连字符 ‐", "\u2011": "不换行连字符", "\u2012": "数字破折号", "\u2013": "短破折号 –",
           "\u2014": "破折号 —", "\u2015": "横线 ―", "\u2212": "减号 −", "\ufe63": "小写连字符"}
# Cyrillic and Greek letters that look like Latin ones (the usual homoglyphs)
_LOOKALIKE = dict(zip("АВЕКМНОРСТХУаеорсхуіјѕҮΑΒΕΖΗΙΚΜΝΟΡΤΥΧον", "ABEKMHOPCTXYaeopcxyijsYABEZHIKMNOPTYXov"))


def odd_characters(value: Any) -> str:
    """``；其中第 3 个字符 Н 是西里尔字母（U+041D），不是英文字母 H`` for the first character of
    ``value`` that is invisible, a full-width form, a look-alike letter or an unusual dash; else ""."""
    if not isinstance(value, str):
        return ""
    for i, ch in enumerate(value, 1):
        code = f"U+{ord(ch):04X}"
        where = f"第 {i} 个字符" if i < len(value) else "最后一个字符"
        if ch in _INVISIBLE:
            return f"；其中{where}是看不见的{_INVISIBLE[ch]}（{code}），请删除它（可删掉整个值后重新输入）"
        if ch in _LOOKALIKE:
            import unicodedata

            script = "西里尔字母" if "CYRILLIC" in unicodedata.name(ch, "") else "希腊字母"
            return f"；其中{where} {ch} 是{script}（{code}），不是英文字母 {_LOOKALIKE[ch]}，请用英文输入法重新输入"
        if "\uff01" <= ch <= "\uff5e":
            return f"；其中{where} {ch} 是全角字符（{code}），应为半角 {chr(ord(ch) - 0xFEE0)}，请用英文输入法重新输入"
        if ch in _DASHES:
            return f"；其中{where}是{_DASHES[ch]}（{code}），不是英文连字符 -，请用英文输入法重新输入"
        if ch in _SPACES and (i == 1 or i == len(value) or ch != " "):
            return f"；其中{where}是{_SPACES[ch]}（{code}），请删除"
    return ""


def _plausible(word: str, candidate: str) -> bool:
    # Two-character Chinese words share half their letters by accident (化工 ~ 工贸), so a 0.5
    # similarity only counts when the letters also stand in the same places (一搬 ~ 一般).
    if difflib.SequenceMatcher(None, word, candidate).ratio() >= 0.6:
        return True
    return len(word) == len(candidate) and sum(a == b for a, b in zip(word, candidate)) * 2 >= len(word)


def did_you_mean(word: str, choices: list[str]) -> str:
    """``；是不是要写 X？`` for the closest plausible choice, else an empty string."""
    for close in difflib.get_close_matches(word, choices, n=3, cutoff=0.5):
        if _plausible(word, close):
            return f"；是不是要写 {close}？"
    return ""


def _allowed_fields(model_cls: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the (sub)model at ``loc`` (the path to the unknown key's parent)."""
    _, cls = _walk(model_cls, loc)
    return list(getattr(cls, "model_fields", {}) or [])


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def locate(data: Any, loc: tuple, *, key: bool = False) -> tuple[int, int]:
    """0-based (line, col) of the node at ``loc`` inside ``data``; the deepest existing parent if absent."""
    line, col = getattr(data, "line", 0), getattr(data, "col", 0)
    node = data
    for part in loc:
        if isinstance(node, MDict) and part in node:
            kl, kc, vl, vc = node.mark(part)
            line, col = (kl, kc) if key else (vl, vc)
            node = node[part]
        elif isinstance(node, MList) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.marks[part]
            node = node[part]
        else:
            break
    return line, col


def _node_at(data: Any, loc: tuple) -> Any:
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _raw_token(text: str | None, line: int, col: int) -> str | None:
    if text is None:
        return None
    lines = text.splitlines()
    if line >= len(lines):
        return None
    rest = lines[line][col:]
    token = rest.split(" #", 1)[0].strip().rstrip(",]}").strip()
    return token or None


def _yaml11_hint(value: Any, raw: str | None) -> str:
    shown = raw if raw is not None else str(value)
    if isinstance(value, bool):
        return f"YAML 1.1 把 {shown} 读成了布尔值 {str(value).lower()}；请加引号写成 \"{shown}\""
    if value is None:
        return f"{shown or '这里'} 被读成了空值；请填写内容，或加引号"
    return f"{shown} 被读成了数字 {value!r}；请加引号写成 \"{shown}\""


PLAINTEXT_REPORTER = ("reporter（举报人）以明文写在台账中，任何能拿到仓库的人都能看到；"
                      "举报人信息只能存放在密封文件中，这里只写 已密封。请运行 hjp seal migrate 把它移入密封存储")


def translate(exc_errors: list[dict], model_cls: type[BaseModel], data: Any, path: str,
              record: str | None, text: str | None, *, prefix: tuple = ()) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err in exc_errors:
        loc = tuple(err["loc"])
        etype = err["type"]
        name = next((p for p in reversed(loc) if isinstance(p, str)), None)
        label = field_label(model_cls, loc)
        value = err.get("input")
        full = prefix + loc
        if etype == "extra_forbidden":
            line, col = locate(data, full, key=True)
            allowed = _allowed_fields(model_cls, loc[:-1])
            hint = did_you_mean(str(name), allowed)
            msg = f"未知字段 {name}{hint or '；允许的字段：' + '、'.join(allowed)}"
            out.append(error("HJP101", msg, path, line + 1, col + 1, record))
            continue
        if etype == "invalid_key":
            # a YAML key read as null (~) or a number: pydantic's loc holds str(key), so find it by value
            node = _node_at(data, prefix + loc[:-1])
            line, col = locate(data, prefix + loc[:-1])
            if isinstance(node, MDict) and value in node.marks:
                line, col = node.mark(value)[:2]
            allowed = _allowed_fields(model_cls, loc[:-1])
            what = "空值" if value is None else f"数字 {value!r}"
            msg = f"未知字段：这个键被读成了{what}，不是字段名；允许的字段：{'、'.join(allowed)}"
            out.append(error("HJP101", msg, path, line + 1, col + 1, record))
            continue
        if loc and loc[-1] == "[key]":
            # a mapping key of the wrong type, e.g. actions: {一: ...}; point at the key itself
            line, col = locate(data, full[:-1], key=True)
            out.append(error("HJP103", f"{label} 的键 {value} 应为整数编号，例如 1: 安全生产责任落实行动",
                             path, line + 1, col + 1, record))
            continue
        line, col = locate(data, full)
        if etype == "missing":
            code, msg = "HJP102", f"缺少必填字段 {label}；请补上"
        elif etype.startswith("hjp_date"):
            hint = odd_characters(value) if etype == "hjp_date_format" else ""
            code, msg = "HJP104", f"{label}：{err['msg']}{hint}"
        elif etype == "literal_error":
            expected = [str(v) for v in (err.get("ctx") or {}).get("expected", "").replace("'", "").split(" or ")]
            expected = [e.strip() for part in expected for e in part.split(",") if e.strip()]
            code = "HJP105"
            msg = (f"{label} 的值 {value} 不在允许的范围内（{'、'.join(expected)}）"
                   f"{odd_characters(value) or did_you_mean(str(value), expected)}")
        elif etype == "string_pattern_mismatch":
            code, msg = "HJP106", (f"编号 {value} 格式不对：应为类别前缀 {PREFIXES_TEXT} 加 - 和字母数字，"
                                   f"例如 YH-2024-0001、RW-14、DW-hejiapan-03{odd_characters(value)}")
        elif etype == "string_too_long":
            limit = (err.get("ctx") or {}).get("max_length")
            fix = ("编号请用类别前缀加年份和序号，例如 YH-2024-0001" if name == "id"
                   else "名称请简要概括，详细情况写在 notes（备注）里" if limit is not None and limit < 1000
                   else "请精简，原始材料作为佐证材料（evidence）另存文件")
            code, msg = "HJP109", f"{label} 太长（{len(value)} 个字符，上限 {limit}）；{fix}"
        elif etype == "finite_number":
            code, msg = "HJP103", f"{label} 应为有限的数字（现为 {value!r}）"
        elif etype in ("greater_than_equal", "greater_than"):
            code, msg = "HJP107", f"{label} 不能为负数（现为 {value}）"
        elif etype == "string_type" and (isinstance(value, (bool, int, float)) or value is None):
            code, msg = "HJP103", f"{label} 应为文字：{_yaml11_hint(value, _raw_token(text, line, col))}"
        elif etype == "string_type":
            code, msg = "HJP103", f"{label} 应为文字"
        elif etype in ("int_type", "int_parsing", "int_from_float"):
            code, msg = "HJP103", f"{label} 应为整数（现为 {value!r}）"
        elif etype in ("float_type", "float_parsing"):
            code, msg = "HJP103", f"{label} 应为数字（现为 {value!r}）"
        elif etype in ("bool_type", "bool_parsing"):
            code, msg = "HJP103", f"{label} 应为 true 或 false（现为 {value!r}）"
        elif etype == "list_type":
            code, msg = "HJP103", f"{label} 应为列表，例如 [甲, 乙]，或每行写一个“- 项”"
        elif etype in ("model_type", "dict_type", "model_attributes_type"):
            code, msg = "HJP103", f"{label} 应为“键: 值”形式的映射"
        else:
            code, msg = "HJP103", f"{label}：{err['msg']}"
        if name == "reporter" and value is not None:
            # 举报人 (issue 11): whatever is wrong with it, its value is never echoed; any value but
            # the marker is a plaintext identity, the same finding as the rule's (hjp/rules/sealed.py)
            code, msg = "HJP240", PLAINTEXT_REPORTER
        out.append(error(code, msg, path, line + 1, col + 1, record))
    return out
