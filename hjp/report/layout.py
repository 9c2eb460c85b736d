"""Text measurement for the Word layout: printed widths, words that must not break, title lines.

Pure functions over text (no python-docx), so each rule is tested on its own:

- ``ems``: the printed width of text in ems (a CJK character is one em; Latin letters and digits are
  measured as in DejaVu Serif, which LibreOffice falls back to — wider than the Times New Roman or
  仿宋 half-widths Word uses, so a width that fits there fits in Word and WPS too);
- ``atoms``: the pieces of a cell that must stay on one line — an ID, a date (2026年12月15日), a
  number, a word of up to four Chinese characters (a name, a village, a status), the parts of a
  status such as 逾期未整改 and （12天）;
- ``column_widths``: table columns sized from their content, with those atoms as minimums;
- ``title_lines``: a title broken at word boundaries into balanced lines (GB/T 9704 7.3.1: 梯形或
  菱形, never inside a word, never an hourglass).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

# Full-width: CJK and its punctuation, and the quotation marks, dashes and ellipsis a Chinese font
# sets one em wide (“”‘’—…).
_CJK = re.compile("[\u2014-\u2027\u2030-\u205e\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
                  "\U00020000-\U0003ffff]")
# Advance widths (ems) of printable ASCII in DejaVu Serif, the font LibreOffice substitutes for Times
# New Roman and 仿宋's Latin when they are not installed: the widest the Latin text of a report prints.
_ASCII_EM = dict(zip(
    "".join(chr(c) for c in range(32, 127)),
    (0.318, 0.402, 0.46, 0.838, 0.636, 0.95, 0.89, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.338, 0.318, 0.337,
     0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838,
     0.536, 1.0, 0.722, 0.735, 0.765, 0.802, 0.73, 0.694, 0.799, 0.872, 0.395, 0.401, 0.747, 0.664, 1.024, 0.875,
     0.82, 0.673, 0.82, 0.753, 0.685, 0.667, 0.843, 0.722, 1.028, 0.712, 0.66, 0.695, 0.39, 0.337, 0.39, 0.838,
     0.5, 0.5, 0.596, 0.64, 0.56, 0.64, 0.592, 0.37, 0.64, 0.644, 0.32, 0.31, 0.606, 0.32, 0.948, 0.644, 0.602,
     0.64, 0.64, 0.478, 0.513, 0.402, 0.644, 0.565, 0.856, 0.564, 0.565, 0.527, 0.636, 0.337, 0.636, 0.838)))
# Word, WPS and LibreOffice add space between Chinese and Latin text or digits (autoSpaceDE/DN):
# about a fifth of an em at each change (measured on LibreOffice's PDF: 2.4–2.5 pt at 12 pt).
_AUTOSPACE_EM = 0.22


def char_em(c: str) -> float:
    if _CJK.match(c):
        return 1.0
    return _ASCII_EM.get(c, 0.64)


# Per character: (width in ems, full-width, alphanumeric); filled as characters are met.
_CHARS: dict[str, tuple[float, bool, bool]] = {}
_ALL_WIDE = re.compile(_CJK.pattern + "+")


def _char(c: str) -> tuple[float, bool, bool]:
    wide = bool(_CJK.match(c))
    info = (1.0 if wide else _ASCII_EM.get(c, 0.64), wide, c.isalnum())
    _CHARS[c] = info
    return info


@lru_cache(maxsize=1 << 16)
def ems(text: str) -> float:
    """Printed width of one line of text, in ems (the space Word adds between scripts included).

    Cached: a report measures the same pieces (statuses, names, dates) thousands of times.
    """
    if _ALL_WIDE.fullmatch(text):
        return float(len(text))  # what adding 1.0 per character gives, exactly
    return _ems_from(text, 0.0, None, False)[0]


def _ems_from(text: str, total: float, prev: bool | None, prev_alnum: bool) -> tuple[float, bool | None, bool]:
    """``ems`` continued over ``text`` from the state after a prefix: (total, last full-width, last alnum).

    Left to right, one addition per character (and per script change) as ``ems`` always did, so the
    width of a prefix and then its continuation equals the width of the whole to the last bit.
    """
    get = _CHARS.get
    for c in text:
        w, wide, alnum = get(c) or _char(c)
        total += w
        if prev is not None and wide != prev and (prev_alnum if wide else alnum):
            total += _AUTOSPACE_EM
        prev, prev_alnum = wide, alnum
    return total, prev, prev_alnum


def cell_lines(text: str) -> list[str]:
    """The lines of a table cell's text (``<br>`` or a newline separates them)."""
    return [line for line in re.split(r"<br\s*/?>|\n", text)]


_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月|\d{4}年第\d季度|\d{4}年")
# A period in brackets, as the reports name a recurring task's period: （2024年第3季度）, （2024年4月）.
_PERIOD = re.compile(r"[（(]\d{4}年(?:第\d季度|\d{1,2}月(?:\d{1,2}日)?)?[）)]")
_ASCII_RUN = re.compile(r"[!-~]+")
# Break opportunities inside a cell line: before an opening bracket, after a list or clause mark.
_SPLIT = re.compile(r"(?=[（(《“])|(?<=[、，；：）)》”])|\s+")
SHORT_WORD = 4      # a run of at most this many Chinese characters is a word that must not wrap
LONG_TEXT_MIN = 6.0  # a column of running text is never narrower than this (ems): no stacked characters
WORD_EMS = 10.0      # a bracketed or listed piece wider than this may wrap inside (a date within it may not)


def atoms(text: str, *, periods: bool = True) -> list[str]:
    """The unbreakable pieces of a cell: every piece that must print on one line.

    Dates and ASCII runs (IDs, numbers, percentages) are always atoms; so is every piece between
    break opportunities that is at most ``SHORT_WORD`` Chinese characters (plus brackets and
    digits), e.g. 李建国, 东庄村, 整改中, 逾期未整改 is five and may wrap only in a narrow table.
    """
    out: list[str] = []
    for line in cell_lines(text):
        for piece in _SPLIT.split(line):
            if not piece:
                continue
            for m in _DATE.finditer(piece):
                out.append(m.group())
            if periods:  # wider than WORD_EMS with its brackets, and still one atom where the table has room
                out.extend(m.group() for m in _PERIOD.finditer(piece))
            for m in _ASCII_RUN.finditer(_DATE.sub("", piece)):
                out.append(m.group())
            if len(_CJK.findall(piece)) <= SHORT_WORD + 2 and ems(piece) <= WORD_EMS and not _DATE.fullmatch(piece):
                out.append(piece)
    return out


def min_ems(text: str, *, periods: bool = True) -> float:
    """The narrowest a cell's column may be (ems) for this text to wrap only where it may; without
    ``periods``, a bracketed period (（2024年第3季度）) may wrap inside (a table that has no room else)."""
    hard = [ems(a) for a in atoms(text, periods=periods)]
    longest_line = max((ems(line) for line in cell_lines(text)), default=0.0)
    floor = LONG_TEXT_MIN if longest_line > LONG_TEXT_MIN + 2 else 0.0
    return max([floor, *hard])


COMFORT_EMS = 10.0  # running text gets at least this much room before a smaller font size is preferred
SLACK_EMS = 0.3     # room kept free in every cell line
SHORT_FIELD = 8.0   # a column whose longest line is at most this wide is a short field


def measure(cells: Sequence[Sequence[str]], ncols: int, *, periods: bool = True) -> tuple[list[float], list[float]]:
    """Per column: the narrowest it may be and the width of its longest line, in ems (size-independent,
    so a table is measured once whatever sizes are tried). Repeated texts are measured once."""
    need_min = [0.0] * ncols
    need_one = [0.0] * ncols
    for row in cells:
        for i, text in enumerate(row[:ncols]):
            lo, hi = _measure_text(text, periods)
            if lo > need_min[i]:
                need_min[i] = lo
            if hi > need_one[i]:
                need_one[i] = hi
    return need_min, need_one


@lru_cache(maxsize=65536)
def _measure_text(text: str, periods: bool = True) -> tuple[float, float]:
    return min_ems(text, periods=periods), max((ems(line) for line in cell_lines(text)), default=0.0)


def column_widths(cells: Sequence[Sequence[str]] | tuple[list[float], list[float]], ncols: int, *, total: float,
                  font_pt: float, padding_pt: float, comfort: float = 0.0) -> list[float] | None:
    """Column widths in points summing to ``total``, or None when the atoms cannot fit at all
    (or, with ``comfort`` ems, when running text would get less room than that: try a smaller size).

    ``cells`` are the table's texts, or their ``measure``.
    Each column gets at least its widest atom (so no ID, date, name or short word wraps), then the
    room left goes first to short fields that do not fit on one line yet, smallest shortfall first;
    running text shares the rest in proportion to what it lacks.
    """
    if isinstance(cells, tuple):
        need_min, need_one = cells
    else:
        need_min, need_one = measure(cells, ncols)
    # SLACK_EMS on top: the cell's lines are broken for the width less that slack (``fit_lines``), so
    # rounding in the word processor never pushes the last character of an atom onto a line of its own.
    lo = [(max(n, 1.0) + SLACK_EMS) * font_pt + padding_pt for n in need_min]
    hi = [(max(n, 1.0) + SLACK_EMS) * font_pt + padding_pt for n in need_one]
    if sum(lo) > total + 0.01:
        return None
    if comfort and sum(max(a, min(b, comfort * font_pt + padding_pt)) for a, b in zip(lo, hi)) > total + 0.01:
        return None
    widths = list(lo)
    spare = total - sum(widths)
    # Short fields (names, places, statuses: one line of at most SHORT_FIELD ems) get one line first,
    # smallest shortfall first; running text shares the rest.
    for i in sorted(range(ncols), key=lambda k: hi[k] - lo[k]):
        gap = hi[i] - widths[i]
        if 0 < gap <= spare and hi[i] <= SHORT_FIELD * font_pt + padding_pt:
            widths[i] += gap
            spare -= gap
    if spare > 0:
        short = [i for i in range(ncols) if widths[i] < hi[i]]
        if short:  # running text shares what is left, in proportion to what it still lacks
            lack = {i: hi[i] - widths[i] for i in short}
            s = sum(lack.values())
            for i in short:
                widths[i] += spare * lack[i] / s
        else:  # everything fits: spread the room alike
            s = sum(widths)
            widths = [w + spare * w / s for w in widths]
    return widths


# --------------------------------------------------------------------------- titles

# Words that a title may be broken before or after; names from the ledger are added per document.
LEXICON = (
    "关于", "印发", "安全生产", "治本攻坚", "三年行动", "行动", "实施方案", "方案", "落实情况", "情况",
    "自查总结报告", "自查总结", "总结报告", "报告", "工作总结", "总结", "隐患排查治理台账", "隐患排查治理",
    "台账", "逾期事项督办清单", "逾期事项", "督办清单", "清单", "人民政府", "通知", "各项任务", "落实情况表",
    "统计表", "开展情况", "需完成事项", "下一步", "逾期未完成事项", "应急演练", "工作", "专项整治",
)
_OPEN = "《（(“‘〔【"
_CLOSE = "》）)”’〕】、，。；：！？"
_NO_START = "的之了和与及" + _CLOSE


def title_tokens(text: str, names: Iterable[str] = ()) -> list[str]:
    """``text`` cut into pieces a line may break between (forward maximum matching on the lexicon).

    Characters matching no word stay glued to their neighbours, so an unknown word is never split;
    a short bracketed group (（2024-2026年）) is one piece.
    """
    words = sorted({*LEXICON, *(n for n in names if n)}, key=len, reverse=True)
    pieces: list[tuple[str, bool]] = []  # (text, may break after it)
    i = 0
    while i < len(text):
        c = text[i]
        if c in "（(":
            j = text.find("）" if c == "（" else ")", i)
            if j != -1 and j - i <= 12:
                pieces.append((text[i:j + 1], True))
                i = j + 1
                continue
        word = next((w for w in words if text.startswith(w, i)), None)
        if word is not None:
            pieces.append((word, True))
            i += len(word)
            continue
        if _ASCII_RUN.match(text, i):
            run = _ASCII_RUN.match(text, i).group()  # type: ignore[union-attr]
            pieces.append((run, False))
            i += len(run)
            continue
        pieces.append((c, c in _CLOSE))
        i += 1
    # Glue: a piece that may not end a line, or one that may not start one, joins its neighbour.
    tokens: list[str] = []
    breakable_after: list[bool] = []
    for piece, brk in pieces:
        glue = bool(tokens) and (not breakable_after[-1] or tokens[-1][-1] in _OPEN or piece[0] in _NO_START)
        if glue:
            tokens[-1] += piece
            breakable_after[-1] = brk
        else:
            tokens.append(piece)
            breakable_after.append(brk)
    return tokens


def title_lines(text: str, *, width: float, names: Iterable[str] = ()) -> list[str]:
    """The title in as few lines of at most ``width`` ems as its words allow, balanced.

    Among the breaks with that many lines, the one whose longest line is shortest wins; ties go to
    a trapezoid or diamond (no line shorter than both its neighbours: no hourglass).
    A title whose words cannot fit (a single word wider than a line) is left to the word processor.
    """
    if ems(text) <= width:
        return [text]
    tokens = title_tokens(text, names)
    w = [ems(t) for t in tokens]
    n = len(tokens)
    best: tuple[tuple, list[str]] | None = None
    for lines in range(2, min(n, 6) + 1):
        if n > 48:
            break  # too many ways to cut: greedy lines below
        for cut in _cuts(n, lines):
            bounds = [0, *cut, n]
            widths = [sum(w[a:b]) for a, b in zip(bounds, bounds[1:])]
            if max(widths) > width:
                continue
            hourglass = any(widths[k] < widths[k - 1] and widths[k] < widths[k + 1] for k in range(1, len(widths) - 1))
            score = (max(widths) - min(widths), hourglass, -widths[0])
            text_lines = ["".join(tokens[a:b]) for a, b in zip(bounds, bounds[1:])]
            if best is None or (hourglass, score[0], score[2]) < (best[0][1], best[0][0], best[0][2]):
                best = (score, text_lines)
        if best is not None:
            return best[1]
    return _greedy(tokens, w, width) if max(w, default=0) <= width else [text]


def _greedy(tokens: list[str], w: list[float], width: float) -> list[str]:
    out: list[str] = []
    line, used = "", 0.0
    for t, tw in zip(tokens, w):
        if line and used + tw > width:
            out.append(line)
            line, used = "", 0.0
        line += t
        used += tw
    return [*out, line] if line else out


def _cuts(n: int, lines: int) -> Iterable[tuple[int, ...]]:
    """Every way to cut n tokens into ``lines`` non-empty lines (titles are short: a few dozen tokens)."""
    from itertools import combinations

    return combinations(range(1, n), lines - 1)


# --------------------------------------------------------------------------- cell lines

_UNIT = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{4}年|[!-~]+"  # dates, ASCII runs (IDs, numbers)
    r"|[（(〔【“《][^（）()〔〕【】“”《》]{0,10}[）)〕】”》]"        # a short bracketed group
    r"|.", re.S)


def fit_lines(line: str, avail: float) -> list[str]:
    """One line of a cell broken into lines of at most ``avail`` ems, never inside a unit.

    Units are dates, ASCII runs (IDs, numbers), short bracketed groups (（2期次）, （何家畔村）) and
    single characters; closing punctuation stays with what precedes it, opening with what follows.
    The word processor would otherwise break anywhere between two Chinese characters — inside
    （2期 / 次） or 2024年4 / 月. A unit wider than ``avail`` gets a line of its own.
    """
    avail += 1e-6  # widths come from sums of the same figures: do not lose a line to rounding
    if len(line) * (1 + _AUTOSPACE_EM) <= avail or ems(line) <= avail:
        return [line]
    units: list[str] = []
    for m in _UNIT.finditer(line):
        u = m.group()
        if units and (u[0] in _CLOSE or units[-1][-1] in _OPEN) and not (len(u) > 1 and u[0] in _OPEN):
            units[-1] += u
        elif units and len(units[-1]) == 1 and units[-1] in _OPEN:
            units[-1] += u
        else:
            units.append(u)
    out: list[str] = []
    cur = ""
    # The width of cur.rstrip() + u is ems() of it, continued from the state after cur.rstrip()
    # (kept by text): the same additions in the same order, without measuring the line again per unit.
    states: dict[str, tuple[float, bool | None, bool]] = {"": (0.0, None, False)}
    for u in units:
        if u.isspace():  # a space at a break stays at the end of the line, as a word processor keeps it
            cur += u
            continue
        if not cur:
            cur = u
            continue
        head = cur.rstrip()
        state = states.get(head)
        if state is None:
            state = states[head] = _ems_from(head, 0.0, None, False)
        after = _ems_from(u, *state)
        if after[0] > avail:
            out.append(cur)
            cur = u
        else:
            cur += u
            states[head + u] = after
    if cur:
        out.append(cur)
    return out
