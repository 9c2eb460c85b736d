"""Turns pydantic validation errors into Chinese diagnostics that point at the right YAML line."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from hjp.diagnostics import Diagnostic, error
from hjp.kinds import PREFIXES_TEXT
from hjp.yamlread import MDict, MList


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
            code, msg = "HJP104", f"{label}：{err['msg']}"
        elif etype == "literal_error":
            expected = [str(v) for v in (err.get("ctx") or {}).get("expected", "").replace("'", "").split(" or ")]
            expected = [e.strip() for part in expected for e in part.split(",") if e.strip()]
            code = "HJP105"
            msg = f"{label} 的值 {value} 不在允许的范围内（{'、'.join(expected)}）{did_you_mean(str(value), expected)}"
        elif etype == "string_pattern_mismatch":
            code, msg = "HJP106", (f"编号 {value} 格式不对：应为类别前缀 {PREFIXES_TEXT} 加 - 和字母数字，"
                                   "例如 YH-2024-0001、RW-14、DW-hejiapan-03")
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
