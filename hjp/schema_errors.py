"""Turns pydantic validation errors into Chinese diagnostics that point at the right YAML line."""

from __future__ import annotations

import difflib
import typing
from datetime import date
from typing import Any, Iterable

from pydantic import BaseModel

from hjp.diagnostics import Diagnostic, error
from hjp.kinds import PREFIXES_TEXT
from hjp.messages import Part, part
from hjp.yamlread import BOOL_ODD, DATE_LIKE, FLOAT_ODD, INT_ODD, STR_ODD, MDict, MList, Odd


def _walk(model_cls: type[BaseModel], loc: tuple) -> tuple[list[tuple[str, Any]], Any]:
    """Follow ``loc`` through the models: the (name, FieldInfo) of each field met, and the model
    reached (None when ``loc`` names no field there, or leads past the models)."""
    cls: Any = model_cls
    met: list[tuple[str, Any]] = []
    for step in loc:
        if isinstance(step, int) or cls is None:
            continue
        info = getattr(cls, "model_fields", {}).get(step)
        if info is None:
            return met, None
        met.append((step, info))
        cls = _model_in(info.annotation)
    return met, cls


def field_label(model_cls: type[BaseModel], loc: tuple) -> Part | str:
    """``deadline（定时限）``: the last named field of ``loc`` with its Chinese title."""
    met, _ = _walk(model_cls, loc)
    if not met:
        return part("field.record")
    name, info = met[-1]
    return part("field.titled", name=name, title=info.title) if info.title else str(name)


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
    if not met or len(met) != sum(isinstance(step, str) for step in loc):
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


def _odd_message(odd: Odd, kind: str) -> tuple[str, dict[str, Any]] | None:
    """(catalog key, arguments) of HJP108 for ``odd`` in a field holding ``kind``; None: no problem."""
    raw, value = odd.raw, odd.value
    if kind == "text":
        if odd.tag == DATE_LIKE:
            return "HJP108.text_date", {"raw": raw}
        if raw in ("y", "Y", "n", "N"):
            return "HJP108.text_bool", {"raw": raw, "word": "true" if raw in ("y", "Y") else "false"}
        number = int(raw[2:], 8) if raw.startswith("0o") else float(raw)
        return "HJP108.text_number", {"raw": raw, "number": repr(number)}
    if kind == "number":
        digits = raw.lstrip("+-")
        if "_" in raw:
            return "HJP108.underscore", {"raw": raw, "value": repr(value)}
        if ":" in raw:
            return "HJP108.sexagesimal", {"raw": raw, "value": repr(value)}
        if digits.startswith("0b"):
            return "HJP108.binary", {"raw": raw, "value": repr(value)}
        return "HJP108.octal", {"raw": raw, "value": repr(value),
                                "decimal": int(digits.replace("_", "")) * (-1 if raw.startswith("-") else 1)}
    if kind == "bool":
        if odd.tag == STR_ODD and raw not in ("y", "Y", "n", "N"):
            return None  # 1e3 in a true/false field: pydantic refuses it (HJP103)
        return "HJP108.bool", {"raw": raw, "word": "true" if value is True or raw in ("y", "Y") else "false"}
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
        found = _odd_message(o, kind)
        if found is not None:
            record = record_of(o.path) if record_of is not None else None
            key, args = found
            out.append(error(key, path, o.line + 1, o.col + 1, record, label=field_label(model_cls, loc), **args))
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


def odd_characters(value: Any) -> Part | str:
    """``；其中第 3 个字符 Н 是西里尔字母（U+041D），不是英文字母 H`` for the first character of
    ``value`` that is invisible, a full-width form, a look-alike letter or an unusual dash; else ""."""
    if not isinstance(value, str):
        return ""
    for i, ch in enumerate(value, 1):
        if ch.isalnum() and ch.isascii() or "\u4e00" <= ch <= "\u9fff":
            continue  # the common case: nothing to say
        code = ord(ch)
        where = part("odd.nth", n=i) if i < len(value) else part("odd.last")
        if ch in _INVISIBLE:
            return part("odd.invisible", where=where, name=_INVISIBLE[ch], code=code)
        if ch in _LOOKALIKE:
            import unicodedata

            script = part("odd.cyrillic") if "CYRILLIC" in unicodedata.name(ch, "") else part("odd.greek")
            return part("odd.lookalike", where=where, char=ch, script=script, code=code, latin=_LOOKALIKE[ch])
        if "\uff01" <= ch <= "\uff5e":
            return part("odd.fullwidth", where=where, char=ch, code=code, half=chr(ord(ch) - 0xFEE0))
        if ch in _DASHES:
            return part("odd.dash", where=where, name=_DASHES[ch], code=code)
        if ch in _SPACES and (i == 1 or i == len(value) or ch != " "):
            return part("odd.space", where=where, name=_SPACES[ch], code=code)
    return ""


def _plausible(word: str, candidate: str) -> bool:
    # Two-character Chinese words share half their letters by accident (化工 ~ 工贸), so a 0.5
    # similarity only counts when the letters also stand in the same places (一搬 ~ 一般).
    if difflib.SequenceMatcher(None, word, candidate).ratio() >= 0.6:
        return True
    return len(word) == len(candidate) and sum(a == b for a, b in zip(word, candidate)) * 2 >= len(word)


def did_you_mean(word: str, choices: list[str]) -> Part | str:
    """``；是不是要写 X？`` for the closest plausible choice, else an empty string."""
    for close in difflib.get_close_matches(word, choices, n=3, cutoff=0.5):
        if _plausible(word, close):
            return part("hint.did_you_mean", word=close)
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
    for step in loc:
        if isinstance(node, MDict) and step in node:
            kl, kc, vl, vc = node.mark(step)
            line, col = (kl, kc) if key else (vl, vc)
            node = node[step]
        elif isinstance(node, MList) and isinstance(step, int) and 0 <= step < len(node):
            line, col = node.marks[step]
            node = node[step]
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


def _yaml11(value: Any, raw: str | None) -> tuple[str, dict[str, Any]]:
    """HJP103 for a text field YAML 1.1 read as a boolean, a null or a number."""
    shown = raw if raw is not None else ("" if value is None else str(value))  # never Python's "None"
    if isinstance(value, bool):
        return "HJP103.text_bool", {"raw": shown, "word": str(value).lower()}
    if value is None:
        return "HJP103.text_null", {"raw": shown or part("word.here")}
    return "HJP103.text_number", {"raw": shown, "value": repr(value)}


def value_arg(value: Any) -> Any:
    """A value read from YAML as a message argument: scalars as they are, anything else as text."""
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


# pydantic error types -> catalog keys (their values shown as Python writes them)
_TYPE_ERRORS = {"int_type": "HJP103.int", "int_parsing": "HJP103.int", "int_from_float": "HJP103.int",
                "float_type": "HJP103.number", "float_parsing": "HJP103.number",
                "bool_type": "HJP103.bool", "bool_parsing": "HJP103.bool"}
_DATE_ERRORS = {"hjp_date_impossible": "HJP104.impossible", "hjp_date_range": "HJP104.range",
                "hjp_date_fullwidth": "HJP104.fullwidth", "hjp_date_format": "HJP104.format",
                "hjp_date_type": "HJP104.type"}


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
            hint = did_you_mean(str(name), allowed) or part("HJP101.allowed", fields=allowed)
            out.append(error("HJP101", path, line + 1, col + 1, record, name=name, hint=hint))
            continue
        if etype == "invalid_key":
            # a YAML key read as null (~) or a number: pydantic's loc holds str(key), so find it by value
            node = _node_at(data, prefix + loc[:-1])
            line, col = locate(data, prefix + loc[:-1])
            if isinstance(node, MDict) and value in node.marks:
                line, col = node.mark(value)[:2]
            allowed = _allowed_fields(model_cls, loc[:-1])
            what = part("word.null") if value is None else part("word.number", value=repr(value))
            out.append(error("HJP101.key_not_text", path, line + 1, col + 1, record, what=what, fields=allowed))
            continue
        if loc and loc[-1] == "[key]":
            # a mapping key of the wrong type, e.g. actions: {一: ...}; point at the key itself
            line, col = locate(data, full[:-1], key=True)
            out.append(error("HJP103.action_key", path, line + 1, col + 1, record, label=label, value=value_arg(value)))
            continue
        line, col = locate(data, full)
        if name == "reporter" and value is not None:
            # 举报人 (issue 11): whatever is wrong with it, its value is never echoed; any value but
            # the marker is a plaintext identity, the same finding as the rule's (hjp/rules/sealed.py)
            out.append(error("HJP240", path, line + 1, col + 1, record))
            continue
        key, args = _explain(etype, err, name, value, text, line, col)
        out.append(error(key, path, line + 1, col + 1, record, label=label, **args))
    return out


def _explain(etype: str, err: dict, name: Any, value: Any, text: str | None, line: int, col: int) -> tuple[str, dict[str, Any]]:
    """(catalog key, arguments besides the field's label) for one pydantic error of a field."""
    if etype == "missing":
        return "HJP102", {}
    if etype in _DATE_ERRORS:
        ctx = err.get("ctx") or {}
        args = {k: value_arg(ctx[k]) for k in ("value", "earliest", "latest", "fixed") if k in ctx}
        if etype == "hjp_date_format":
            args["hint"] = odd_characters(value)
        elif etype == "hjp_date_type":
            args.pop("value", None)
        return _DATE_ERRORS[etype], args
    if etype == "literal_error":
        expected = [str(v) for v in (err.get("ctx") or {}).get("expected", "").replace("'", "").split(" or ")]
        expected = [e.strip() for each in expected for e in each.split(",") if e.strip()]
        return "HJP105", {"value": value_arg(value), "expected": expected,
                          "hint": odd_characters(value) or did_you_mean(str(value), expected)}
    if etype == "string_pattern_mismatch":
        return "HJP106", {"value": value_arg(value), "prefixes": PREFIXES_TEXT, "hint": odd_characters(value)}
    if etype == "string_too_long":
        limit = (err.get("ctx") or {}).get("max_length")
        key = ("HJP109.id" if name == "id" else "HJP109.name" if limit is not None and limit < 1000
               else "HJP109.text")
        return key, {"length": len(value), "limit": limit}
    if etype == "finite_number":
        return "HJP103.finite", {"value": repr(value)}
    if etype in ("greater_than_equal", "greater_than"):
        return "HJP107", {"value": value_arg(value)}
    if etype in ("less_than_equal", "less_than"):
        ctx = err.get("ctx") or {}
        return "HJP107.too_large", {"value": value_arg(value), "limit": ctx.get("le", ctx.get("lt"))}
    if etype == "string_type" and (isinstance(value, (bool, int, float)) or value is None):
        return _yaml11(value, _raw_token(text, line, col))
    if etype == "string_type":
        return "HJP103.text", {}
    if etype in _TYPE_ERRORS:
        return _TYPE_ERRORS[etype], {"value": repr(value)}
    if etype == "list_type":
        return "HJP103.list", {}
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        return "HJP103.mapping", {}
    return "HJP103.other", {"problem": err["msg"]}  # pydantic's own words: a type this table does not know
