"""A reader for the plain YAML hjp writes, without PyYAML: ``hjp log`` would spend more importing it.

Records are written in a small, regular subset of YAML (``- key: value`` lines, one level of nested
mappings and lists, flow collections of plain scalars on one line). ``quick_record`` reads that
subset and answers exactly what ``yamlread.parse_text`` (then ``plain``) would; on anything outside
it, it answers None and the caller asks PyYAML. Being sure beats being clever: every doubt is a None.
It cannot share ``yamlread``'s code, which is PyYAML's resolver and composer: importing those is
the cost avoided. tests/unit/test_history_quick.py holds it to PyYAML's answers (demo ledgers,
YAML 1.1 traps, generated text).
"""

from __future__ import annotations

import re
from typing import Any

# Characters PyYAML reads as something other than text (line breaks, BOM, non-printables), tabs and
# lone carriage returns: a slice holding any of them goes to PyYAML. (Written as the few characters
# refused rather than the many accepted: the negated class took 4 ms to compile, on every run.)
_ODD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_LINE = re.compile(r"( *)(- +)?([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?")
_ITEM = re.compile(r"( *)- +(.*)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT = re.compile(r"0|[1-9][0-9]*")
# A digit, then digits and letters only (a 统一社会信用代码, 91621024MA7ABCDE1X): PyYAML 1.1 reads it as
# text unless it is all digits (int) or 0x…/0b… (hex, binary); its floats need a '.', its
# sexagesimals a ':', its timestamps a '-'.
_ALNUM = re.compile(r"[0-9][0-9A-Za-z]*")
# PyYAML 1.1's implicit types, keyed like its resolvers by the first character (hjp keeps dates as text).
_WORDS = {**dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
                **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
                **dict.fromkeys(("null", "Null", "NULL"), None)}
_RESOLVED_FIRST = frozenset("yYnNtTfFoO-+.0123456789<=~")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class _NotQuick(Exception):
    pass


def _plain(text: str, flow: bool) -> Any:
    """A plain scalar's value (comment already removed), as PyYAML's resolver would type it."""
    if not text:
        return None
    first = text[0]
    if first in _INDICATORS or ": " in text or text.endswith(":") or " #" in text:
        raise _NotQuick
    if flow and any(c in text for c in ",[]{}:#"):
        raise _NotQuick
    if first in _RESOLVED_FIRST:
        if text in _WORDS:
            return _WORDS[text]
        if first in "-+.0123456789<=~":
            if _DATE.fullmatch(text):
                return text
            if _INT.fullmatch(text):
                return int(text)
            if _ALNUM.fullmatch(text) and not text.isdigit() and text[:2] not in ("0x", "0b"):
                return text
            raise _NotQuick
    return text


def _value(text: str) -> Any:
    """The value after ``key: `` or ``- `` on one line: a plain or simply quoted scalar, or a flow
    collection of plain scalars on that line."""
    first = text[:1]
    if first in ("'", '"'):
        end = text.find(first, 1)
        rest = text[end + 1:] if end > 0 else "x"
        if end < 0 or "\\" in text[:end] or rest.strip() and not rest.lstrip().startswith("#") or \
                rest and not rest.startswith(" "):
            raise _NotQuick
        return text[1:end]
    if first in ("{", "["):
        close = "}" if first == "{" else "]"
        end = text.find(close)
        rest = text[end + 1:] if end > 0 else "x"
        if end < 0 or rest.strip() and not rest.lstrip().startswith("#") or rest and not rest.startswith(" "):
            raise _NotQuick
        body = text[1:end].strip()
        if first == "[":
            items = [item.strip() for item in body.split(",")] if body else []
            if "" in items:  # [a, ] is ['a'] to PyYAML, [a, , b] an error
                raise _NotQuick
            return [_plain(item, True) for item in items]
        out: dict[str, Any] = {}
        for item in body.split(",") if body else []:
            key, sep, value = item.strip().partition(": ")
            if not sep and item.strip().endswith(":"):
                key, value = item.strip()[:-1], ""
            elif not sep:
                raise _NotQuick
            key = _key(key)
            if key in out:
                raise _NotQuick
            out[key] = _plain(value.strip(), True)
        return out
    cut = text.find(" #")
    return _plain((text[:cut] if cut >= 0 else text).rstrip(" "), False)


def _key(key: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) or key in _WORDS:
        raise _NotQuick
    return key


def quick_record(piece: str) -> dict[str, Any] | None:
    """The record in ``piece`` (one ``- key: value`` block list item), or None when unsure."""
    if "\r" in piece:
        piece = piece.replace("\r\n", "\n")
    if _ODD.search(piece):
        return None
    lines = [ln for ln in piece.split("\n") if ln.strip(" ") and not ln.lstrip(" ").startswith("#")]
    try:
        first = _LINE.fullmatch(lines[0]) if lines else None
        if first is None or first.group(2) is None:
            return None
        indent = len(first.group(1)) + len(first.group(2))  # the record's keys line up with the first
        record: dict[str, Any] = {}
        i = 0
        while i < len(lines):
            mm = _LINE.fullmatch(lines[i]) if i else first
            if mm is None or (i and (mm.group(2) is not None or len(mm.group(1)) != indent)):
                return None
            key = _key(mm.group(3))
            if key in record:
                return None
            text = (mm.group(4) or "").rstrip(" ")
            i += 1
            if text and not text.startswith("#"):
                record[key] = _value(text)
                continue
            # ``key:`` alone: a nested block mapping or block list follows, or the value is null.
            nxt = lines[i] if i < len(lines) else ""
            depth = len(nxt) - len(nxt.lstrip(" "))
            if nxt[depth:depth + 2] == "- " and depth >= indent:
                items = []
                while i < len(lines) and (im := _ITEM.fullmatch(lines[i])) and len(im.group(1)) == depth:
                    items.append(_value(im.group(2).rstrip(" ")))
                    i += 1
                record[key] = items
            elif depth > indent:
                inner: dict[str, Any] = {}
                while i < len(lines) and len(lines[i]) - len(lines[i].lstrip(" ")) > indent:
                    im = _LINE.fullmatch(lines[i])
                    if im is None or im.group(2) is not None or len(im.group(1)) != depth:
                        return None
                    sub = _key(im.group(3))
                    value = (im.group(4) or "").rstrip(" ")
                    if sub in inner or not value or value.startswith("#"):
                        return None  # a second level of nesting, or a null: PyYAML decides
                    inner[sub] = _value(value)
                    i += 1
                record[key] = inner
            else:
                record[key] = None
        return record
    except _NotQuick:
        return None


UNSURE = object()  # top_level_scalar's answer when only PyYAML can tell
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*|[0-9]+):(?: +(.*))?")


def top_level_scalar(text: str, key: str) -> Any:
    """The value of the top-level ``key`` of a block-mapping document (None when absent or null), or
    ``UNSURE``.

    For every document ``yamlread`` reads, an answer other than UNSURE is its answer. It answers only
    when each line is complete on its own (``key: value``, ``- value`` or ``key:`` opening a nested
    block, values as ``quick_record`` reads them): then no line at column 0 can belong to a
    multi-line value, so those lines are exactly the top-level keys. (A document yamlread refuses,
    say for a duplicate key deep inside, may still get an answer: callers use it where that is
    harmless, like the time zone ``hjp log`` prints dates in.)
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _ODD.search(text):
        return UNSURE
    found: Any = None
    seen: set[str] = set()
    open_block = False  # the last top-level key had no value on its line: indented lines may follow
    try:
        for line in text.split("\n"):
            body = line.lstrip(" ")
            if not body or body.startswith("#"):
                continue
            if len(body) == len(line):  # column 0: a top-level key
                mm = _KEY_LINE.fullmatch(line)
                if mm is None or mm.group(1) in seen or mm.group(1) in _WORDS:
                    return UNSURE
                seen.add(mm.group(1))
                value = (mm.group(2) or "").rstrip(" ")
                open_block = not value or value.startswith("#")
                scalar = UNSURE if open_block else _value(value)  # every value is checked, not only key's
                if mm.group(1) == key:
                    found = scalar  # a nested value is not a scalar: UNSURE
                continue
            if not open_block:  # an indented line after "key: value": a continuation of the value
                return UNSURE
            rest, item = body, False
            while rest == "-" or rest.startswith("- "):
                rest, item = rest[2:].lstrip(" "), True
            if not rest:
                continue  # "-" alone: a nested block or a null follows
            mm = _KEY_LINE.fullmatch(rest)
            if mm is not None:
                if not mm.group(1).isdigit():
                    _key(mm.group(1))
                value = (mm.group(2) or "").rstrip(" ")
                if value and not value.startswith("#"):
                    _value(value)
            elif item:
                _value(rest)
            else:
                return UNSURE  # a bare line: a continuation of a multi-line value
    except _NotQuick:
        return UNSURE
    return found
