"""The Markdown parser of the Word writer: markdown-it-py, with two of its rules replaced by faster
ones that give the very same tokens.

A self-check report on 10,000 hazards is ~5,000 table lines and ~26,000 cells; markdown-it-py spends
most of its time there making tokens (a dataclass with a ``__post_init__``: ~6 µs each, ~120,000 of
them), splitting rows character by character, and running the full inline parser on cells that are
plain text. The replacements:

- ``_inline_fast`` (the core "inline" rule): inline content free of any character an inline rule
  could start on becomes one text token, without the inline parser (and so does each piece of it
  between the ``<br>`` line breaks of a table cell, with an html_inline token for each ``<br>``);
- ``_table_fast`` (the block "table" rule): markdown-it-py's own GFM table rule, step for step, but
  a row without a backslash is split with ``str.split`` (what its escaped split gives then) and the
  tokens are made directly.

``markdown_parser(fast=False)`` is markdown-it-py as it comes; tests/unit/test_report_docx.py
compares both parsers token for token on every golden report and on tricky input. The table rule
is only replaced when the installed markdown-it-py is the one it was written from (4.x, whose
``Token`` has the fields below); otherwise the library's own rule runs.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import markdown_it
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Characters at which markdown-it's inline rules (commonmark + strikethrough, html on) can start
# anything other than plain text. Inline content free of them parses to one text token.
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>&!~\n]")

_TOKEN_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup", "info",
                 "meta", "block", "hidden")
_new = object.__new__


try:  # the table rule's helpers, as the library's rule uses them
    from markdown_it.common.utils import isStrSpace, mdTrim
except ImportError:  # pragma: no cover - another markdown-it-py: keep the library's rule
    isStrSpace = mdTrim = None  # type: ignore[assignment]


def _table_rule_applies() -> bool:
    try:
        major = int(markdown_it.__version__.split(".")[0])
    except ValueError:  # pragma: no cover - an unusual version string: keep the library's rule
        return False
    return (major == 4 and mdTrim is not None
            and tuple(f.name for f in dataclasses.fields(Token)) == _TOKEN_FIELDS)


FAST_TABLES = _table_rule_applies()


def _token(type_: str, tag: str, nesting: int, level: int, block: bool) -> Token:
    """``Token(type_, tag, nesting)`` with its level and block flag, without the dataclass machinery."""
    t = _new(Token)
    t.type = type_
    t.tag = tag
    t.nesting = nesting  # type: ignore[assignment]
    t.attrs = {}
    t.map = None
    t.level = level
    t.children = None
    t.content = ""
    t.markup = ""
    t.info = ""
    t.meta = {}
    t.block = block
    t.hidden = False
    return t


def _inline_fast(state: Any) -> None:
    """markdown-it's core "inline" rule, skipping the inline parser for plain text.

    The result is token-for-token the same (a text token of level 0, as the inline parser makes).
    """
    md = state.md
    special = _INLINE_SPECIAL.search
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        content = token.content
        if content and not special(content):
            text = _token("text", "", 0, 0, False)
            text.content = content
            token.children.append(text)
        elif "<br>" in content and not special(content.replace("<br>", "")):
            # plain text and the line breaks cell_escape writes (the register's cells): a text token
            # per piece and an html_inline token per <br>, as the inline parser makes them
            children = token.children
            pieces = content.split("<br>")
            last = len(pieces) - 1
            for k, piece in enumerate(pieces):
                if piece:
                    text = _token("text", "", 0, 0, False)
                    text.content = piece
                    children.append(text)
                if k < last:
                    br = _token("html_inline", "", 0, 0, False)
                    br.content = "<br>"
                    children.append(br)
        else:
            md.inline.parse(content, md, state.env, token.children)


def _split(string: str) -> list[str]:
    """markdown-it's ``escapedSplit``: a row's cells at unescaped pipes."""
    if "\\" not in string:
        return string.split("|")  # no escapes: every pipe separates
    result: list[str] = []
    pos = 0
    end = len(string)
    escaped = False
    last = 0
    current = ""
    while pos < end:
        ch = string[pos]
        if ch == "|":
            if not escaped:
                result.append(current + string[last:pos])
                current = ""
                last = pos + 1
            else:
                current += string[last:pos - 1]
                last = pos
        escaped = ch == "\\"
        pos += 1
    result.append(current + string[last:])
    return result


_HEADER_CELL = re.compile(r"^:?-+:?$")
MAX_AUTOCOMPLETED_CELLS = 0x10000  # as the library's rule: empty cells a table may add to its rows
_trim = mdTrim


def _line(state: Any, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _table_fast(state: Any, startLine: int, endLine: int, silent: bool) -> bool:  # noqa: N803 - as the library
    """markdown-it-py 4's GFM table rule (rules_block/table.py), the same steps with cheaper tokens."""
    if startLine + 2 > endLine:
        return False
    nextLine = startLine + 1  # noqa: N806
    if state.sCount[nextLine] < state.blkIndent:
        return False
    if state.is_code_block(nextLine):
        return False
    src = state.src
    pos = state.bMarks[nextLine] + state.tShift[nextLine]
    end = state.eMarks[nextLine]
    if pos >= end:
        return False
    first_ch = src[pos]
    pos += 1
    if first_ch not in ("|", "-", ":"):
        return False
    if pos >= end:
        return False
    second_ch = src[pos]
    pos += 1
    if second_ch not in ("|", "-", ":") and not isStrSpace(second_ch):
        return False
    if first_ch == "-" and isStrSpace(second_ch):
        return False
    while pos < end:
        ch = src[pos]
        if ch not in ("|", "-", ":") and not isStrSpace(ch):
            return False
        pos += 1

    columns = _line(state, startLine + 1).split("|")
    aligns = []
    for i in range(len(columns)):
        t = _trim(columns[i])
        if not t:
            if i == 0 or i == len(columns) - 1:
                continue
            return False
        if not _HEADER_CELL.search(t):
            return False
        if t[-1] == ":":
            aligns.append("center" if t[0] == ":" else "right")
        elif t[0] == ":":
            aligns.append("left")
        else:
            aligns.append("")

    lineText = _trim(_line(state, startLine))  # noqa: N806
    if "|" not in lineText:
        return False
    if state.is_code_block(startLine):
        return False
    columns = _split(lineText)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    columnCount = len(columns)  # noqa: N806
    if columnCount == 0 or columnCount != len(aligns):
        return False
    if silent:
        return True

    oldParentType = state.parentType  # noqa: N806
    state.parentType = "table"
    terminatorRules = state.md.block.ruler.getRules("blockquote")  # noqa: N806
    tokens = state.tokens
    push = tokens.append
    level = state.level
    styles = [{"style": "text-align:" + a} if a else None for a in aligns]

    token = _token("table_open", "table", 1, level, True)
    token.map = tableLines = [startLine, 0]  # noqa: N806
    push(token)
    token = _token("thead_open", "thead", 1, level + 1, True)
    token.map = [startLine, startLine + 1]
    push(token)
    token = _token("tr_open", "tr", 1, level + 2, True)
    token.map = [startLine, startLine + 1]
    push(token)
    for i in range(len(columns)):
        token = _token("th_open", "th", 1, level + 3, True)
        if styles[i] is not None:
            token.attrs = dict(styles[i])  # type: ignore[arg-type]
        push(token)
        token = _token("inline", "", 0, level + 4, True)
        token.map = [startLine, startLine + 1]
        token.content = _trim(columns[i])
        token.children = []
        push(token)
        push(_token("th_close", "th", -1, level + 3, True))
    push(_token("tr_close", "tr", -1, level + 2, True))
    push(_token("thead_close", "thead", -1, level + 1, True))

    state.level = level + 1  # where the library's pushes leave it when the terminators are asked
    tbodyLines = None  # noqa: N806
    autocompleted_cells = 0
    nextLine = startLine + 2  # noqa: N806
    while nextLine < endLine:
        if state.sCount[nextLine] < state.blkIndent:
            break
        terminate = False
        for rule in terminatorRules:
            if rule(state, nextLine, endLine, True):
                terminate = True
                break
        if terminate:
            break
        lineText = _trim(_line(state, nextLine))  # noqa: N806
        if not lineText:
            break
        if state.is_code_block(nextLine):
            break
        columns = _split(lineText)
        if columns and columns[0] == "":
            columns.pop(0)
        if columns and columns[-1] == "":
            columns.pop()
        autocompleted_cells += columnCount - len(columns)
        if autocompleted_cells > MAX_AUTOCOMPLETED_CELLS:
            break
        if nextLine == startLine + 2:
            token = _token("tbody_open", "tbody", 1, level + 1, True)
            token.map = tbodyLines = [startLine + 2, 0]  # noqa: N806
            push(token)
            state.level = level + 2
        token = _token("tr_open", "tr", 1, level + 2, True)
        token.map = [nextLine, nextLine + 1]
        push(token)
        have = len(columns)
        for i in range(columnCount):
            token = _token("td_open", "td", 1, level + 3, True)
            if styles[i] is not None:
                token.attrs = dict(styles[i])  # type: ignore[arg-type]
            push(token)
            token = _token("inline", "", 0, level + 4, True)
            token.map = [nextLine, nextLine + 1]
            if i < have and columns[i]:
                token.content = _trim(columns[i])
            token.children = []
            push(token)
            push(_token("td_close", "td", -1, level + 3, True))
        push(_token("tr_close", "tr", -1, level + 2, True))
        nextLine += 1  # noqa: N806

    if tbodyLines:
        push(_token("tbody_close", "tbody", -1, level + 1, True))
        tbodyLines[1] = nextLine
    push(_token("table_close", "table", -1, level, True))
    state.level = level
    tableLines[1] = nextLine
    state.parentType = oldParentType
    state.line = nextLine
    return True


def markdown_parser(*, fast: bool = True) -> MarkdownIt:
    """CommonMark with raw HTML, GFM tables and strikethrough (what the templates write)."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    if fast:
        md.core.ruler.at("inline", _inline_fast)
        if FAST_TABLES:
            md.block.ruler.at("table", _table_fast, {"alt": ["paragraph", "reference"]})
    return md
