"""Plan documents (实施方案, .txt or .docx) → a draft tasks.yaml and the plan, phases, actions and
people for town.yaml, for the clerk to review (``hjp import plan``).

It knows the shape of a Chinese official plan, not this town: the numbered structure 一、 （一）
1. （1） (also half-width, unpunctuated and OCR-mangled forms), 行动 headings, the closing clause
"（X牵头，Y按职责分工负责）" and the usual deadline phrases. Each judgement it makes (a task split
into its recurring duties, a year taken from the context, an annex item linked to a plan task by
wording) is written as a comment above the record; each time phrase it could not place stays in
``text`` and comes back as a warning with its line (HJP601-HJP604).

Pure: the document's lines in, a ``PlanDraft`` and diagnostics out; ``read_document`` does the I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

from hjp.diagnostics import Diagnostic, error, warning
from hjp.messages import part


class PlanError(Exception):
    """The file cannot be read as a plan: ``message`` for the clerk, ``code`` the exit code."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------------
# Reading: a document is a list of numbered source lines (a .txt line, a Word paragraph or table row)


@dataclass(frozen=True)
class SourceLine:
    no: int  # 1-based line (.txt) or paragraph (.docx) number, as the clerk finds it
    text: str


def read_document(path: Path) -> tuple[list[SourceLine], str]:
    """The document's lines and the unit its numbers count ("行" or "段")."""
    suffix = path.suffix.lower()
    if suffix in (".doc", ".wps", ".rtf"):
        raise PlanError(f"{path} 是旧版 Word/WPS 格式，无法直接读取；请在 Word 或 WPS 中“另存为” .docx 后再导入")
    if suffix == ".pdf":
        raise PlanError(f"{path} 是 PDF；请先转成文字（例如 pdftotext -layout 文件.pdf 文件.txt，或在 WPS 中另存为 .docx）再导入")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(f"找不到文件 {path}；请检查文件名和路径") from None
    except IsADirectoryError:
        raise PlanError(f"{path} 是一个目录，不是方案文件") from None
    except OSError as exc:
        from hjp.diagnostics import os_reason

        raise PlanError(f"无法读取 {path}（{os_reason(exc)}）") from None
    if suffix == ".docx" or raw[:2] == b"PK":
        return _docx_lines(raw, path), "段"
    if suffix not in (".txt", ".text", ".md", ""):
        raise PlanError(f"{path} 不是能读取的方案文件；请提供 .txt 或 .docx 文件")
    return [SourceLine(i, t) for i, t in enumerate(_decode(raw, path).splitlines(), 1)], "行"


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\0" in raw[:4096]:
        raise PlanError(f"{path} 看起来不是文字文件；请提供 .txt 或 .docx 文件")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # Windows Notepad and WPS save Chinese text as GBK; GB18030 is its superset
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise PlanError(f"{path} 既不是 UTF-8 也不是 GBK 编码的文字；请用记事本“另存为”UTF-8 后再导入") from None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(raw: bytes, path: Path) -> list[SourceLine]:
    """Paragraphs and table rows in body order; Word's automatic numbering written out as text."""
    import io
    import zipfile

    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise PlanError("读取 .docx 需要 python-docx；请重新安装 hjp") from None
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise PlanError(f"{path} 不是有效的 .docx 文件（可能已损坏、加了密码，或其实是旧版 .doc）；"
                        "请在 Word 或 WPS 中打开后“另存为” .docx 再导入") from None
    except Exception as exc:  # lxml errors and friends from a damaged package
        raise PlanError(f"{path} 无法作为 .docx 读取（{type(exc).__name__}）；请在 Word 或 WPS 中打开后“另存为” .docx 再导入") from None
    numbering = _Numbering(document)
    lines: list[SourceLine] = []
    no = 0
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            no += 1
            text = numbering.label(child) + _para_text(child)
            for piece in text.split("\n"):
                lines.append(SourceLine(no, piece))
        elif child.tag == _W + "tbl":
            for row_text in _table_rows(child):
                no += 1
                lines.append(SourceLine(no, row_text))
    return lines


def _para_text(p: Any) -> str:
    out = []
    for node in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if node.tag == _W + "t":
            out.append(node.text or "")
        elif node.tag == _W + "tab":
            out.append(" ")
        else:
            out.append("\n")
    return "".join(out)


_TABLE_ROLES = {
    "no": ("序号", "编号"),
    "task": ("任务", "内容", "事项", "措施", "工作"),
    "lead": ("牵头",),
    "owner": ("责任", "单位", "部门", "配合"),
    "due": ("时限", "时间", "期限", "完成"),
}


def _table_rows(tbl: Any) -> Iterator[str]:
    """A task table (序号 | 任务 | 牵头/责任 | 时限) as numbered items "N. 任务（牵头，责任，时限）";
    any other table as its cells joined by spaces."""
    rows = []
    for tr in tbl.iter(_W + "tr"):
        cells = []
        for tc in tr.iterchildren(_W + "tc"):
            cells.append("".join(_para_text(p) for p in tc.iter(_W + "p")).strip())
        rows.append(cells)
    if not rows:
        return
    roles: dict[str, int] = {}
    for i, head in enumerate(rows[0]):
        for role, words in _TABLE_ROLES.items():
            if role not in roles and any(w in head for w in words):
                roles[role] = i
                break
    if "task" not in roles:
        for cells in rows:
            yield " ".join(c for c in cells if c)
        return
    for n, cells in enumerate(rows[1:], 1):
        def cell(role: str) -> str:
            i = roles.get(role)
            return cells[i].replace("\n", "") if i is not None and i < len(cells) else ""
        task = cell("task")
        if not task:
            continue
        clause = [c for c in (cell("lead") + ("牵头" if cell("lead") else ""), cell("owner"), cell("due")) if c]
        no = cell("no").rstrip("．.、") or str(n)
        body = task if task.endswith(("。", "；")) else task + "。"
        yield f"{no}. {body}" + (f"（{'，'.join(clause)}）" if clause else "")


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_counting(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


class _Numbering:
    """Word's list numbering, rendered the way Word shows it (decimal and Chinese counting)."""

    def __init__(self, document: Any):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except Exception:  # no numbering part: nothing is auto-numbered
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in numbering.iterchildren(_W + "abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iterchildren(_W + "lvl"):
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                lv[int(lvl.get(_W + "ilvl", "0"))] = (
                    fmt.get(_W + "val") if fmt is not None else "decimal",
                    text.get(_W + "val") if text is not None else "",
                    int(start.get(_W + "val")) if start is not None else 1)
            abstract[an.get(_W + "abstractNumId")] = lv
        for num in numbering.iterchildren(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is not None and ref.get(_W + "val") in abstract:
                self.levels[num.get(_W + "numId")] = abstract[ref.get(_W + "val")]
        try:
            for style in document.styles.element.iterchildren(_W + "style"):
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None:
                    num_id = num_pr.find(_W + "numId")
                    ilvl = num_pr.find(_W + "ilvl")
                    if num_id is not None:
                        self.style_num[style.get(_W + "styleId")] = (
                            num_id.get(_W + "val"), int(ilvl.get(_W + "val")) if ilvl is not None else 0)
        except Exception:  # styles are optional
            pass

    def label(self, p: Any) -> str:
        if not self.levels:
            return ""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        num_id, ilvl = None, 0
        if num_pr is not None:
            nid, lvl = num_pr.find(_W + "numId"), num_pr.find(_W + "ilvl")
            num_id = nid.get(_W + "val") if nid is not None else None
            ilvl = int(lvl.get(_W + "val")) if lvl is not None else 0
        else:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            if style is not None and style.get(_W + "val") in self.style_num:
                num_id, ilvl = self.style_num[style.get(_W + "val")]
        if num_id is None or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        counters = self.counters.setdefault(num_id, [0] * 9)
        ilvl = min(max(ilvl, 0), 8)
        start = levels.get(ilvl, ("decimal", "", 1))[2]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, _ = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        if fmt in ("bullet", "none"):
            return ""

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            value = counters[k] or levels.get(k, ("decimal", "", 1))[2]
            kfmt = levels.get(k, ("decimal", "", 1))[0]
            return _cn_counting(value) if kfmt.startswith(("chinese", "ideograph", "taiwanese")) else str(value)

        return re.sub(r"%([1-9])", render, text)


# ---------------------------------------------------------------------------------------------
# Normalising text for parsing only: same length as the original, so a match's span slices the
# original wording (which is what goes into ``text`` and ``title``).

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_IS_CJK = re.compile(f"[{_CJK}]")
_HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}


def _cjkish(ch: str) -> bool:
    return bool(ch) and (bool(_IS_CJK.match(ch)) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
                         or ch in "“”‘’《》")


def normalize(s: str) -> str:
    """Half-width punctuation in Chinese text and full-width digits to the forms the parser expects;
    letters OCR puts inside numbers (2O24, l0) back to digits. The result has ``len(s)``."""
    out = list(s)
    n = len(s)
    for i, ch in enumerate(s):
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < n else ""
        if "０" <= ch <= "９":
            out[i] = chr(ord(ch) - 0xFEE0)
        elif ch in "()":
            out[i] = _HALF_TO_FULL[ch]
        elif ch in _HALF_TO_FULL and (_cjkish(prev) or _cjkish(nxt)):
            out[i] = _HALF_TO_FULL[ch]
        elif ch == "." and _cjkish(prev) and not prev.isdigit() and (not nxt or nxt.isspace() or _cjkish(nxt)):
            out[i] = "。"
        elif ch in "Oo" and prev.isdigit() and (nxt.isdigit() or nxt in "年月日"):
            out[i] = "0"
        elif ch in "lI|" and (nxt.isdigit() or prev.isdigit()) and not (prev.isalpha() and not _cjkish(prev)) \
                and not (nxt.isalpha() and not _cjkish(nxt)):
            out[i] = "1"
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Structure: numbered items in a tree (一、 > （一） / 一要 > 1. > （1）)

_CN = "一二三四五六七八九十"
_OCR_CN = {"—": "一", "－": "一", "-": "一", "―": "一", "─": "一", "ー": "一", "=": "二", "＝": "二",
           "+": "十", "＋": "十"}
_CN_SLOT = f"[{_CN}—－\\-―─ー=＝+＋]{{1,3}}"
_MARKERS = [
    (1, re.compile(rf"^(?P<n>[{_CN}]{{1,3}})\s*[、，.．。]\s*"), "dot"),
    (1, re.compile(rf"^(?P<n>[{_CN}]{{1,3}})\s+(?=[{_CJK}])"), "space"),
    (2, re.compile(rf"^（\s*(?P<n>{_CN_SLOT})\s*）\s*"), "dot"),
    (2, re.compile(rf"^(?P<n>[{_CN}]{{1,3}})(?=要[{_CJK}])"), "yao"),
    (3, re.compile(r"^(?P<n>[0-9lI|]{1,3})\s*[.．、。，](?![0-9])\s*"), "dot"),
    (3, re.compile(rf"^(?P<n>[0-9]{{1,3}})\s+(?=[{_CJK}])"), "space"),
    (4, re.compile(r"^（\s*(?P<n>[0-9lI]{1,3})\s*）\s*"), "dot"),
    (4, re.compile(r"^(?P<n>[①-⑳])\s*"), "dot"),
]


def cn_number(s: str) -> int | None:
    """一..九十九 (and OCR's 一 look-alikes) as an int; None if it is not a numeral."""
    s = "".join(_OCR_CN.get(c, c) for c in s)
    if not s or any(c not in _CN for c in s):
        return None
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN.index(tens) + 1 if tens else 1
        o = _CN.index(ones) + 1 if ones else 0
        return t * 10 + o if len(tens) <= 1 and len(ones) <= 1 else None
    return _CN.index(s) + 1 if len(s) == 1 else None


def _marker_number(raw: str) -> int | None:
    if raw and "①" <= raw <= "⑳":
        return ord(raw) - ord("①") + 1
    digits = "".join("1" if c in "lI|" else c for c in raw)
    if digits.isdigit():
        return int(digits)
    return cn_number(raw)


@dataclass
class Node:
    """One numbered item (level 1-4) or the document root (level 0) and what is written under it."""

    level: int
    num: int = 0
    style: str = ""
    line: int = 0
    pieces: list[tuple[int, str]] = field(default_factory=list)  # (line, original text) of its own text
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None

    @property
    def text(self) -> str:
        return "".join(t for _, t in self.pieces)

    def line_at(self, offset: int) -> int:
        pos = 0
        for line, t in self.pieces:
            if offset < pos + len(t):
                return line
            pos += len(t)
        return self.pieces[-1][0] if self.pieces else self.line

    def walk(self) -> Iterator["Node"]:
        yield self
        for c in self.children:
            yield from c.walk()


_SIGNATURE = re.compile(rf"[{_CJK}]{{2,24}}(?:人民政府|办事处|委员会|办公室|党委|管理局|管理站)|"
                        r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def build_tree(lines: list[SourceLine]) -> tuple[Node, list[tuple[str, Node]]]:
    """The body's tree and, after a 附件 line, each annex (its title and its own tree)."""
    root = Node(0)
    annexes: list[tuple[str, Node]] = []
    stack = [root]
    last = {1: 0, 2: 0, 3: 0, 4: 0}
    pending_title = False
    for src in lines:
        stripped = src.text.strip()
        if not stripped:
            continue
        norm = normalize(stripped)
        annex = re.match(r"^附\s*件\s*(\d*)\s*[：:]?\s*(.*)$", norm)
        if annex and (annex.group(1) or "：" in norm[:6] or ":" in stripped[:6] or not annex.group(2)):
            root_annex = Node(0, line=src.no)
            title = stripped[annex.start(2):].strip() if annex.group(2) else ""
            annexes.append((title, root_annex))
            stack = [root_annex]
            last = {1: 0, 2: 0, 3: 0, 4: 0}
            pending_title = True
            continue
        if pending_title and annexes:
            title, a_root = annexes[-1]
            if not _match_marker(norm, last, stack):
                # the annex's own title line (or the repeat of the one given on the 附件 line)
                if not title or re.sub(r"\s", "", norm) == re.sub(r"\s", "", normalize(title)):
                    annexes[-1] = (title or stripped, a_root)
                    pending_title = False
                    continue
            pending_title = False
        found = _match_marker(norm, last, stack)
        if found is None:
            # An unnumbered line belongs to the item above it (a hard-wrapped line, a second paragraph,
            # the closing clause on a line of its own); the issuing body and date under the text
            # belong to the document, not to the last item.
            target = (annexes[-1][1] if annexes else root) if _SIGNATURE.fullmatch(norm) else stack[-1]
            target.pieces.append((src.no, stripped))
            continue
        level, num, style, end = found
        while stack[-1].level >= level and len(stack) > 1:
            stack.pop()
        node = Node(level, num, style, src.no, parent=stack[-1])
        body = stripped if style == "yao" else stripped[end:]
        node.pieces.append((src.no, body))
        stack[-1].children.append(node)
        stack.append(node)
        # Deeper counters are kept: plans number tasks on across their 行动 headings (1-4, 5, 6…);
        # a list that restarts at 1 is accepted anyway.
        last[level] = num
    return root, annexes


def _match_marker(norm: str, last: dict[int, int], stack: list[Node]) -> tuple[int, int, str, int] | None:
    for level, pattern, style in _MARKERS:
        m = pattern.match(norm)
        if not m:
            continue
        num = _marker_number(m.group("n"))
        if num is None:
            continue
        if style == "yao" and not any(n.level == 1 for n in stack):
            continue
        expected = last[level] + 1
        # A number out of sequence is prose that happens to start with one ("30 天内…", "12345热线"),
        # except a later number after a punctuated marker (a paragraph lost to OCR).
        if style == "space":  # "2 开展…": only the very next number, never a restart ("1 家企业…")
            ok = num == expected
        else:
            ok = num == expected or num == 1 or (style == "dot" and expected < num <= expected + 2)
        if ok:
            return level, num, style, m.end()
    return None


# ---------------------------------------------------------------------------------------------
# Time phrases

@dataclass
class Phrase:
    kind: str  # date | every | ongoing | vague
    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None  # None with month: the month's end; None with no month: the year's end
    year_offset: int = 0  # 明年底
    period: str | None = None  # every: month | quarter | year, or an unplaceable word
    half: str | None = None
    ranged: bool = False  # 即日起至…

    def resolve(self, year: int | None) -> date | None:
        y = self.year if self.year is not None else (year + self.year_offset if year is not None else None)
        if y is None:
            return None
        try:
            if self.month is None:
                return date(y, 6, 30) if self.half == "上" else date(y, 12, 31)
            if self.day is None:
                return _month_end(y, self.month)
            return date(y, self.month, self.day)
        except ValueError:
            return None


def _month_end(y: int, m: int) -> date:
    return (date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)) - timedelta(days=1)


_S = r"\s*"
_BEFORE = rf"(?:{_S}(?:之前|以前|前))?"
_Y = rf"(?P<y>\d{{4}}){_S}年"
_M = rf"(?P<m>\d{{1,2}}){_S}月"
_D = rf"(?P<d>\d{{1,2}}){_S}[日号]"
_NOYEAR = r"(?<!\d)(?<!\d\s)(?<!\d年)(?<!\d\s年)(?<!\d年\s)"
_TIME_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"即日起{_S}(?:至|到){_S}(?:(?P<y>\d{{4}}){_S}年{_S})?(?:(?P<m>\d{{1,2}}){_S}月{_S}(?:(?P<d>\d{{1,2}}){_S}[日号]|底|末)?|底|末)")),
    ("date", re.compile(rf"{_Y}{_S}{_M}{_S}{_D}{_BEFORE}")),
    ("date", re.compile(rf"{_Y}{_S}{_M}{_S}(?:底|末){_BEFORE}")),
    ("date", re.compile(rf"{_Y}{_S}(?:底|末){_BEFORE}")),
    ("date", re.compile(rf"{_Y}{_S}(?P<h>上|下)半年{_BEFORE}")),
    ("date", re.compile(rf"{_Y}{_S}内")),
    ("date", re.compile(rf"{_NOYEAR}{_M}{_S}{_D}{_BEFORE}")),
    ("date", re.compile(rf"{_NOYEAR}{_M}{_S}(?:底|末){_BEFORE}")),
    ("date", re.compile(rf"(?<![\d\s])(?P<rel>今|本|当|明)?年{_S}(?:底|末)(?:{_S}(?:之前|以前|前))")),
    ("vague", re.compile(rf"{_Y}{_S}{_M}(?!{_S}(?:底|末|\d|至|到|—|－|-|~|～))(?:份)?{_BEFORE}")),
    ("quarter", re.compile(rf"(?:{_Y}{_S})?第{_S}(?P<q>[一二三四1-4]){_S}季度(?:末|底)?{_BEFORE}")),
    ("vague", re.compile(rf"(?:\d{{1,2}}{_S}月{_S})(?:上|中|下)旬{_BEFORE}")),
    ("vague", re.compile(rf"(?<![\d年])(?:上|下)半年{_BEFORE}")),
    ("vague", re.compile(r"(?:\d+|[一二三四五六七八九十两]+)\s*个?\s*(?:工作日|日|天|周|星期|个月)(?:之内|以内|内)")),
    ("every", re.compile(rf"每{_S}(?:个{_S})?(?P<p>半年|季度|季|年度|年|月|周|旬|两年|三年|日|天)")),
    ("ongoing", re.compile(r"长期坚持")),
]
_PERIODS = {"季度": "quarter", "季": "quarter", "年度": "year", "年": "year", "月": "month"}
_PERIOD_WORD = {"quarter": "每季度", "year": "每年", "month": "每月"}


def find_phrases(norm: str) -> list[Phrase]:
    """Every time phrase in (normalised) text, left to right, none overlapping."""
    found: list[Phrase] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _TIME_PATTERNS:
        for m in pattern.finditer(norm):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if _inside_title(norm, m.start()):
                continue
            g = m.groupdict()
            ph = Phrase("date" if kind == "range" else kind, m.start(), m.end(), norm[m.start():m.end()])
            if kind == "quarter":
                q = "一二三四".find(g["q"]) + 1 if g["q"] in "一二三四" else int(g["q"])
                ph.kind = "date"
                ph.year = int(g["y"]) if g.get("y") else None
                ph.month = q * 3
            elif kind in ("date", "range"):
                ph.year = int(g["y"]) if g.get("y") else None
                ph.month = int(g["m"]) if g.get("m") else None
                ph.day = int(g["d"]) if g.get("d") else None
                ph.half = g.get("h")
                ph.ranged = kind == "range"
                if ph.half == "上":
                    ph.month, ph.day = 6, 30
                if g.get("rel") == "明":
                    ph.year_offset = 1
                if ph.month is not None and not 1 <= ph.month <= 12:
                    ph.kind = "vague"
                elif ph.day is not None and not 1 <= ph.day <= 31:
                    ph.kind = "vague"
            elif kind == "every":
                ph.period = _PERIODS.get(g["p"], g["p"])
                if ph.period not in _PERIOD_WORD:
                    ph.kind = "vague"
            found.append(ph)
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda p: p.start)


def _inside_title(norm: str, pos: int) -> bool:
    """A date inside 《…》 names a document, not a deadline."""
    return norm.rfind("《", 0, pos) > norm.rfind("》", 0, pos)


# ---------------------------------------------------------------------------------------------
# The draft

@dataclass
class TaskDraft:
    id: str
    title: str
    ref: str | None
    text: str
    action: int | None = None
    lead: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    deadline: date | None = None
    milestones: list[dict[str, Any]] | None = None
    every: str | None = None
    ongoing: bool | None = None
    start: date | None = None
    end: date | None = None
    notes: list[str] = field(default_factory=list)  # judgements, written as comments above the record
    no_time: bool = False  # the plan gives no time at all: recorded as ongoing

    def record(self) -> dict[str, Any]:
        """The task as the ledger holds it, in the order of the shipped tasks.yaml."""
        rec: dict[str, Any] = {"id": self.id, "title": self.title, "action": self.action, "ref": self.ref,
                               "lead": self.lead, "owners": self.owners, "deadline": self.deadline,
                               "milestones": self.milestones, "every": self.every, "ongoing": self.ongoing,
                               "start": self.start, "end": self.end, "text": self.text}
        return {k: v for k, v in rec.items() if v is not None}


@dataclass
class PhaseDraft:
    name: str
    start: date
    end: date
    source: str  # the heading as written, kept beside the phase as a comment


@dataclass
class PlanDraft:
    title: str | None = None
    doc_no: str | None = None
    issued_on: date | None = None
    start: date | None = None
    end: date | None = None
    start_note: str = ""
    end_note: str = ""
    town: str | None = None
    county: str | None = None
    signer: str | None = None
    phases: list[PhaseDraft] = field(default_factory=list)
    actions: dict[int, str] = field(default_factory=dict)
    tasks: list[TaskDraft] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)


# The draft's town.yaml fields HJP604 names when the plan does not give them
_PLAN_FIELDS = {"title": part("plan.field.title"), "doc_no": part("plan.field.doc_no"),
                "issued_on": part("plan.field.issued_on"), "start": part("plan.field.start"),
                "end": part("plan.field.end"), "town": part("plan.field.town"), "county": part("plan.field.county")}


@dataclass
class _Ctx:
    path: str
    draft: PlanDraft
    diagnostics: list[Diagnostic] = field(default_factory=list)
    used: set[tuple[int, int]] = field(default_factory=set)  # (id(node), phrase start) placed somewhere

    def warn(self, key: str, line: int, /, **args: Any) -> None:
        self.diagnostics.append(warning(key, self.path, line, 1, **args))


def parse_plan(lines: list[SourceLine], *, path: str) -> tuple[PlanDraft, list[Diagnostic]]:
    """The draft of a plan's lines, and the diagnostics (HJP601-HJP604) for the clerk to review."""
    root, annexes = build_tree(lines)
    ctx = _Ctx(path, PlanDraft())
    _metadata(root, lines, ctx)
    sections = [n for n in root.children if n.level == 1]
    task_sections = [s for s in sections if _is_task_section(s)]
    if not task_sections:
        task_sections = [s for s in sections if _count_clauses(s) >= 2][:1]
    _phases(root, ctx)
    _plan_period(root, ctx)
    plan_tasks = _plan_tasks(task_sections, ctx)
    reports = _reports([s for s in sections if s not in task_sections], ctx)
    annex_tasks = _annex_tasks(annexes, plan_tasks, ctx)
    tasks = plan_tasks + annex_tasks + reports
    if not tasks:
        ctx.diagnostics.append(error("HJP603", path, 1, 1))
    _abbreviate_owners(tasks)
    _dedupe_ids(tasks)
    ctx.draft.tasks = tasks
    ctx.draft.people = _people(ctx.draft)
    for s in sections:
        if s not in task_sections:
            _report_unplaced(s, ctx)
    d = ctx.draft
    for name in _PLAN_FIELDS:
        if getattr(d, name) is None and tasks:
            ctx.warn("HJP604", 1, what=_PLAN_FIELDS[name])
    ctx.diagnostics.sort(key=lambda x: (x.line, x.code))
    return ctx.draft, ctx.diagnostics


# -- plan metadata ---------------------------------------------------------------------------

def _metadata(root: Node, lines: list[SourceLine], ctx: _Ctx) -> None:
    d = ctx.draft
    pre = [(no, normalize(t)) for no, t in root.pieces]
    joined = "\n".join(t.strip() for _, t in root.pieces)
    m = re.search(r"([\u4e00-\u9fff]{1,10})\s*[〔\[［【（(]\s*(\d{4})\s*[〕\]］】）)]\s*(\d{1,4})\s*号", joined)
    if m:
        d.doc_no = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    m = re.search(r"签\s*发\s*人\s*[：:]\s*([\u4e00-\u9fff]{2,4})", joined)
    if m:
        d.signer = m.group(1)
    for _, t in pre:
        dm = re.fullmatch(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*", t)
        if dm:
            try:
                d.issued_on = date(int(dm.group(1)), int(dm.group(2)), int(dm.group(3)))
            except ValueError:
                continue
            break
    if d.issued_on is None:  # a plan without a cover notice is dated at its end (before any annex)
        for src in reversed(lines):
            dm = re.fullmatch(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*", normalize(src.text))
            if dm:
                try:
                    d.issued_on = date(int(dm.group(1)), int(dm.group(2)), int(dm.group(3)))
                    break
                except ValueError:
                    continue
    flat = "".join(t.strip() for _, t in root.pieces)  # a title may be broken over lines
    m = re.search(r"关于印发\s*《(.+?)》", normalize(flat))
    if m:
        d.title = flat[m.start(1):m.end(1)].strip()
    else:
        # no cover notice: the title is the lines naming a 方案 before the first paragraph
        heads = []
        for _, t in root.pieces:
            s = t.strip()
            if len(s) > 40 or s.endswith(("。", "：")):
                if heads:
                    break
                continue
            heads.append(s)
        cand = "".join(heads)
        mm = re.search(r"[\u4e00-\u9fff（）()\d\-—－]*(?:方案|计划|意见)(?:（[^）]*）)?", cand)
        if mm:
            d.title = mm.group(0)
    m = re.search(r"([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道))(?:人民政府|办事处|党委)", joined) or re.search(
        r"^\s*([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道))(?:人民政府|办事处)\s*$", "\n".join(s.text for s in lines), re.M)
    if m:
        d.town = m.group(1)
    elif d.title:  # no issuing body on the page: the plan is named after its town
        m = re.match(r"([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道))(?!办)", d.title)
        d.town = m.group(1) if m else None
    full = "\n".join(s.text for s in lines)
    m = re.search(r"([\u4e00-\u9fff]{2,4}?县)(?:安全生产委员会|人民政府|安委会|委员会|应急管理局)", full)
    if m:
        d.county = m.group(1)


# -- sections ---------------------------------------------------------------------------------

def _heading(node: Node) -> str:
    norm = normalize(node.text)
    m = re.search(r"[。！？；：]", norm)
    head = node.text[:m.start()] if m else node.text
    return head.strip().rstrip("，,、 ")


def _is_task_section(section: Node) -> bool:
    head = _heading(section)
    return ("任务" in head or "行动" in head) and not any(w in head for w in ("保障", "要求", "步骤", "目标"))


def _count_clauses(section: Node) -> int:
    return sum(1 for n in section.walk() if n.level >= 2 and _closing_clause(n.text)[1] is not None)


def _ref(node: Node) -> str:
    parts = []
    for n in _ancestry(node):
        if n.level == 1:
            parts.append(_cn_counting(n.num))
        elif n.level == 2:
            parts.append(f"（{_cn_counting(n.num)}）")
        elif n.level == 3:
            parts.append(str(n.num))
        elif n.level == 4:
            parts.append(f"（{n.num}）")
    if node.level == 3 and not any(n.level == 2 for n in _ancestry(node)) and parts:
        parts.insert(len(parts) - 1, "、")
    return "".join(parts)


def _ancestry(node: Node) -> list[Node]:
    chain = []
    n: Node | None = node
    while n is not None and n.level > 0:
        chain.append(n)
        n = n.parent
    return chain[::-1]


# -- phases and the plan's period ---------------------------------------------------------------

_RANGE_SIDE = r"(即日起|(?:\d{4}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号]|\s*(?:底|末|初|上旬|中旬|下旬))?|\d{4}\s*年\s*(?:底|末))"
_RANGE = re.compile(rf"{_RANGE_SIDE}\s*(?:至|到|—+|－|-|~|～)\s*{_RANGE_SIDE}")
_SINGLE = re.compile(r"((?:\d{4}\s*年\s*)?\d{1,2}\s*月)(?:\s*(?:底|末)?\s*(?:前|以前|之前)?)")


def _side(text: str, year: int | None, *, end: bool) -> tuple[date | None, int | None]:
    """One side of a range: its date (first or last day of a month) and the year it used."""
    t = re.sub(r"\s", "", text)
    if t == "即日起":
        return None, year
    m = re.fullmatch(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})[日号]|(底|末)|初|上旬|中旬|下旬)?", t)
    if not m:
        return None, year
    y = int(m.group(1)) if m.group(1) else year
    if y is None:
        return None, year
    if m.group(2) is None:
        return (date(y, 12, 31) if end else date(y, 1, 1)), y
    mo = int(m.group(2))
    if not 1 <= mo <= 12:
        return None, year
    try:
        if m.group(3):
            return date(y, mo, int(m.group(3))), y
    except ValueError:
        return None, year
    return (_month_end(y, mo) if end else date(y, mo, 1)), y


def _phases(root: Node, ctx: _Ctx) -> None:
    d = ctx.draft
    year = d.issued_on.year if d.issued_on else None
    prev_end: date | None = None
    for node in root.walk():
        if node.level != 2 or node.style == "yao":
            continue
        norm = normalize(node.text)
        m = re.match(r"\s*([^。；，（]{2,24}?阶段)\s*[（：]?\s*(.*)", norm)
        if not m:
            continue
        name = node.text[m.start(1):m.end(1)].strip()
        rest = m.group(2)
        if rest.startswith(("：",)):
            rest = rest[1:]
        rng = _RANGE.match(rest.strip())
        start = end = None
        if rng:
            first, second = rng.group(1), rng.group(2)
            if re.sub(r"\s", "", first) == "即日起":
                start = d.issued_on
                y = year
            else:
                start, y = _side(first, year if prev_end is None else prev_end.year, end=False)
            end, _ = _side(second, y if y is not None else year, end=True)
            if start is not None and end is not None and end < start and not re.search(r"\d{4}\s*年", second):
                end, _ = _side(second, (y or start.year) + 1, end=True)
        else:
            single = _SINGLE.match(rest.strip())
            if not single:
                continue
            ref_year = prev_end.year if prev_end else year
            end, _ = _side(single.group(1), ref_year, end=True)
            start = prev_end + timedelta(days=1) if prev_end else d.issued_on
        if start is None or end is None:
            ctx.warn("HJP601.phase", node.line, name=name, text=rest[:30])
            continue
        d.phases.append(PhaseDraft(name, start, end, _heading(node)))
        heading_end = len(_heading(node)) + 1
        for ph in find_phrases(norm):
            if ph.start < heading_end:  # the range itself; a deadline in the phase's text is still reported
                ctx.used.add((id(node), ph.start))
        prev_end = end


def _plan_period(root: Node, ctx: _Ctx) -> None:
    d = ctx.draft
    for node in root.walk():
        if node.level == 0:
            continue
        norm = normalize(node.text)
        for ph in find_phrases(norm):
            if ph.ranged and node.level == 1 and d.end is None:
                end = ph.resolve(d.issued_on.year if d.issued_on else None)
                if end is not None:
                    d.end = end
                    d.end_note = node.text[ph.start:ph.end]
                    ctx.used.add((id(node), ph.start))
    if d.issued_on is not None and any("即日起" in normalize(n.text) for n in root.walk() if n.level):
        d.start = d.issued_on
        d.start_note = "即日起"
    if d.start is None and d.phases:
        d.start = d.phases[0].start
    if d.end is None and d.phases:
        d.end = max(p.end for p in d.phases)
    if (d.start is None or d.end is None) and d.title:
        m = re.search(r"(\d{4})\s*[-－—–~～至到]\s*(\d{4})\s*年", normalize(d.title))
        if m:
            d.start = d.start or date(int(m.group(1)), 1, 1)
            d.end = d.end or date(int(m.group(2)), 12, 31)
    if d.start is None and d.issued_on is not None:
        d.start = d.issued_on
    for p in d.phases:
        if d.start is not None and p.start < d.start <= p.end:
            p.source += f"；方案 {d.start} 起实施"
            p.start = d.start


# -- tasks ------------------------------------------------------------------------------------

_CLAUSE_WORDS = ("牵头", "负责", "配合", "完成", "前", "坚持", "责任", "单位", "每")


def _closing_clause(text: str) -> tuple[str, str | None, int]:
    """(body, clause, clause start): the final parenthesised clause naming who and when, if any."""
    norm = normalize(text)
    end = len(norm.rstrip("。.； \u3000"))
    if end == 0 or norm[end - 1] != "）":
        return text, None, len(text)
    depth = 0
    for i in range(end - 1, -1, -1):
        if norm[i] == "）":
            depth += 1
        elif norm[i] == "（":
            depth -= 1
            if depth == 0:
                inner = norm[i + 1:end - 1]
                if any(w in inner for w in _CLAUSE_WORDS) or find_phrases(inner):
                    return text[:i].rstrip(), text[i + 1:end - 1], i + 1
                return text, None, len(text)
    return text, None, len(text)


def _split_top(s: str) -> list[tuple[int, str]]:
    """Split on ， ； at parenthesis depth 0; each part with its offset."""
    parts, depth, start = [], 0, 0
    norm = normalize(s)
    for i, ch in enumerate(norm):
        if ch in "（《":
            depth += 1
        elif ch in "）》":
            depth -= 1
        elif ch in "，；" and depth == 0:
            parts.append((start, s[start:i]))
            start = i + 1
    parts.append((start, s[start:]))
    return [(o, p) for o, p in parts if p.strip()]


def _names(s: str) -> list[str]:
    s = normalize(s).strip()
    s = re.sub(r"^(由|请)", "", s)
    s = re.sub(r"(?:按照?(?:各自)?职责(?:分工)?|分别|共同|具体)?(?:负责|配合|落实|实施|参与|承办|办理)$", "", s)
    parts = re.split(r"[、，/／]|以及|及|(?<=[\u4e00-\u9fff])和(?=各)", s)
    return [p.strip() for p in parts if p.strip()]


@dataclass
class _Clause:
    lead: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)


def _parse_clause(clause: str) -> _Clause:
    out = _Clause()
    for offset, part in _split_top(clause):
        norm = normalize(part).strip()
        phrases = find_phrases(normalize(part))
        kv = re.match(r"^(牵头|责任|配合|协办|参与)(?:单位|部门|领导|人)?\s*[：:]\s*(.+)$", norm)
        if kv:
            (out.lead if kv.group(1) == "牵头" else out.owners).extend(_names(kv.group(2)))
            continue
        if "牵头" in norm:
            before, _, after = norm.partition("牵头")
            out.lead.extend(_names(before))
            if after.strip():
                out.owners.extend(_names(after))
            continue
        if phrases:
            for ph in phrases:
                out.phrases.append(replace(ph, start=ph.start + offset, end=ph.end + offset))
            rest = normalize(part)
            for ph in phrases:
                rest = rest.replace(ph.text, "")
            rest = re.sub(r"(完成|开展|实施|落实)$", "", rest.strip())
            if rest and len(rest) <= 30:
                out.owners.extend(_names(rest))
            continue
        if len(norm) <= 30:
            out.owners.extend(_names(norm))
    return out


def _title(body: str) -> str:
    norm = normalize(body)
    m = re.search(r"[。！？；：]", norm)
    end = m.start() if m else len(norm)
    # OCR often turns the heading's 。 into a space: a space between two Chinese characters ends it too
    sp = re.search(rf"(?<=[{_CJK}])\s+(?=[{_CJK}]|\d{{4}}\s*年)", norm[:end])
    if sp:
        end = sp.start()
    if end > 40:  # an annex item often runs on: its title is the first clause
        comma = norm.find("，", 0, end)
        if comma > 0:
            end = comma
    title = body[:end]
    title = re.sub(rf"(?<=[{_CJK}\d])\s+(?=[{_CJK}\d])", "", title)
    return title.strip().rstrip("，,、。 ")


_PUSH = re.compile(r"(推动|督促|引导|鼓励|指导|帮助|要求|支持|倡导)")


def _clause_of(norm: str, pos: int) -> tuple[int, int]:
    """The span of the ，-clause around ``pos``."""
    a = max(norm.rfind(c, 0, pos) for c in "，。；：") + 1
    ends = [i for i in (norm.find(c, pos) for c in "，。；") if i >= 0]
    return a, (min(ends) if ends else len(norm))


def _sentence_of(norm: str, pos: int) -> tuple[int, int]:
    a = max(norm.rfind(c, 0, pos) for c in "。；！？") + 1
    ends = [i for i in (norm.find(c, pos) for c in "。；！？") if i >= 0]
    return a, (min(ends) + 1 if ends else len(norm))


def _plan_tasks(sections: list[Node], ctx: _Ctx) -> list[TaskDraft]:
    d = ctx.draft
    items: list[tuple[Node, int | None]] = []
    for section in sections:
        groups = [c for c in section.children if c.level == 2]
        for g in groups:
            subs = [c for c in g.children if c.level == 3]
            if subs:
                head = _heading(g)
                name = re.sub(r"^(深入|全面|持续|扎实|集中|组织|广泛|大力)?开展", "", head)
                d.actions[g.num] = name
                items.extend((s, g.num) for s in subs)
            else:
                items.append((g, None))
        items.extend((c, None) for c in section.children if c.level == 3)
    numbers = [n.num for n, _ in items if n.level == 3]
    restart = len(numbers) != len(set(numbers))
    out: list[TaskDraft] = []
    for node, action in items:
        if node.level == 3:
            tid = f"RW-{action}-{node.num}" if restart and action else f"RW-{node.num}"
        else:
            tid = f"RW-{node.num}"
        out.extend(_task(node, tid, action, ctx, year=None))
    return out


def _full_text(node: Node) -> tuple[str, list[tuple[Node, int]]]:
    """The item's text with its sub-items (（1）…) run on, and where each node's text starts."""
    spans: list[tuple[Node, int]] = []
    text = ""
    for n in node.walk():
        prefix = f"（{n.num}）" if n is not node and n.level == 4 else ""
        spans.append((n, len(text) + len(prefix)))
        text += prefix + n.text
    return text, spans


def _line_of(spans: list[tuple[Node, int]], offset: int) -> int:
    node, base = spans[0]
    for n, b in spans:
        if b <= offset:
            node, base = n, b
    return node.line_at(offset - base)


def _task(node: Node, tid: str, action: int | None, ctx: _Ctx, *, year: int | None,
          annex: bool = False) -> list[TaskDraft]:
    d = ctx.draft
    text, spans = _full_text(node)
    body, clause_text, clause_at = _closing_clause(text)
    clause = _parse_clause(clause_text) if clause_text is not None else _Clause()
    norm_body = normalize(body)
    title = _title(body)
    ref = _ref(node) if not annex else None
    base = TaskDraft(tid, title, ref, text.strip(), action, clause.lead, clause.owners)
    context_year = year if year is not None else (d.start.year if d.start else d.issued_on.year if d.issued_on else None)

    def line(offset: int) -> int:
        return _line_of(spans, offset)

    def resolve(ph: Phrase, before: list[Phrase]) -> tuple[date | None, str]:
        if ph.year is not None:
            return ph.resolve(None), ""
        explicit = [p.year for p in before if p.year is not None]
        if explicit:
            return ph.resolve(explicit[-1]), f"年份取自前文 {explicit[-1]}年"
        if context_year is None:
            return None, ""
        why = (f"年份取自清单标题 {context_year}年" if year is not None
               else f"年份取自方案起始年 {context_year}年")
        return ph.resolve(context_year), why

    body_phrases = find_phrases(norm_body)
    if clause.phrases:  # the closing clause says when; the body's own phrases must agree with it
        tasks = _shape_from(base, clause.phrases, normalize(clause_text or ""), resolve, ctx,
                            lambda o: line(clause_at + o), clause=True)
        due = {tasks.deadline} if tasks.deadline else {m["due"] for m in tasks.milestones or []}
        for ph in body_phrases:
            if ph.kind == "date":
                when, _ = resolve(ph, [p for p in body_phrases if p.start < ph.start])
                if when is not None and when not in due:
                    ctx.warn("HJP601.mismatch", line(ph.start), id=tid, phrase=ph.text, date=when)
            elif ph.kind == "vague":
                ctx.warn("HJP601.vague", line(ph.start), id=tid, phrase=ph.text)
        return [tasks]

    recurring = [p for p in body_phrases if p.kind == "every"]
    # "每年6月底前报送": a date without a year right after the period is the day within each period
    # (the period's own end counts), not a one-off deadline.
    for p in recurring:
        for q in body_phrases:
            if q.kind == "date" and q.year is None and 0 <= q.start - p.end <= 2:
                body_phrases.remove(q)
                base.notes.append(f"原文“{_excerpt(body, p.start, q.end)}”：按周期的最后一天计期限")
    own = []
    for p in recurring:
        a, _ = _clause_of(norm_body, p.start)
        if _PUSH.search(norm_body[a:p.start]):
            ctx.warn("HJP602", line(p.start), id=tid, before=norm_body[a:p.start], phrase=p.text)
            base.notes.append(f"原文“{_excerpt(body, a, p.end)}”是推动其他单位{_PERIOD_WORD[p.period]}落实，"
                              "未作为本任务的周期")
        else:
            own.append(p)
    others = [p for p in body_phrases if p.kind != "every"]
    title_end = len(title)
    if own and not [p for p in others if p.kind == "date"] and own[0].start <= title_end + 1 \
            and len({p.period for p in own}) == 1:
        # "每月开展一次宣传。各村每月…": the task itself recurs; the body only restates the period
        base.every = own[0].period
        _recurring_start(base, ctx)
        _warn_vague(others, tid, line, ctx)
        return [base]
    main = _shape_from(base, others, norm_body, resolve, ctx, line, clause=False)
    if not own:
        return [main]
    # The item holds recurring duties besides its main work: one task for the main work (its own
    # shape) and one per recurring duty, so each period is owed and counted on its own.
    main.id = f"{tid}-1"
    main.notes.append(f"原文含{len(own)}项周期性要求，拆为 {tid}-1（其余要求）"
                      + "".join(f"、{tid}-{i}（{_PERIOD_WORD[p.period]}）" for i, p in enumerate(own, 2)))
    out = [main]
    for i, p in enumerate(own, 2):
        a, b = _clause_of(norm_body, p.start)
        sa, sb = _sentence_of(norm_body, p.start)
        duty = body[a:b].strip().rstrip("，。；")
        sub = TaskDraft(f"{tid}-{i}", f"{title}（{duty}）", base.ref, body[sa:sb].strip(), base.action,
                        list(base.lead), list(base.owners))
        sub.every = p.period
        _recurring_start(sub, ctx)
        out.append(sub)
    return out


def _excerpt(text: str, a: int, b: int) -> str:
    return text[a:b].strip("，。； ")


def _recurring_start(task: TaskDraft, ctx: _Ctx) -> None:
    d = ctx.draft
    if d.start is not None and d.start_note == "即日起":
        # "即日起": the issue day itself cannot owe a period's work; count from the next day
        task.start = d.start + timedelta(days=1)
        task.notes.append(f"方案 {d.start} 印发，周期自 {task.start} 起计")


def _warn_vague(phrases: list[Phrase], tid: str, line: Any, ctx: _Ctx) -> None:
    for ph in phrases:
        if ph.kind == "vague":
            ctx.warn("HJP601.vague", line(ph.start), id=tid, phrase=ph.text)


def _shape_from(task: TaskDraft, phrases: list[Phrase], norm: str, resolve: Any, ctx: _Ctx, line: Any,
                *, clause: bool) -> TaskDraft:
    dated: list[tuple[Phrase, date]] = []
    for i, ph in enumerate(phrases):
        if ph.kind == "ongoing":
            task.ongoing = True
            if clause:
                return task
        elif ph.kind == "every":
            if clause and task.every is None:
                task.every = ph.period
        elif ph.kind == "vague":
            ctx.warn("HJP601.vague", line(ph.start), id=task.id, phrase=ph.text)
        elif ph.kind == "date":
            when, why = resolve(ph, phrases[:i])
            if when is None:
                ctx.warn("HJP601.no_year", line(ph.start), id=task.id, phrase=ph.text)
                continue
            if why:
                task.notes.append(f"“{ph.text}”按 {when} 记录（{why}）")
            if ph.ranged and task.every is None and not clause:
                task.notes.append(f"“{ph.text}”：期限取其截止日 {when}")
            dated.append((ph, when))
    if task.every is not None:
        task.ongoing = None
        _recurring_start(task, ctx)
        if dated:
            task.end = max(w for _, w in dated)
        return task
    if task.ongoing and not dated:
        return task
    distinct = sorted({w for _, w in dated})
    if not distinct:
        task.ongoing = True
        task.no_time = not phrases
        return task
    task.ongoing = None
    if len(distinct) == 1:
        task.deadline = distinct[0]
        return task
    task.milestones = []
    for k, (ph, when) in enumerate(dated):
        nxt = dated[k + 1][0].start if k + 1 < len(dated) else len(norm)
        stop = min([i for i in (norm.find(c, ph.end) for c in "。；") if i >= 0] + [nxt])
        what = norm[ph.end:stop].strip("，、：；。 ")
        if not what:  # the date closes its clause: "完成摸排（2024年6月底前）"
            a = max(norm.rfind(c, 0, ph.start) for c in "，。；：") + 1
            what = norm[a:ph.start].strip("，、：；。（ ")
        what = _orig_slice(task.text, norm, what)
        same = [m for m in task.milestones if m["due"] == when]
        if same:
            same[0]["what"] += "；" + what
        else:
            task.milestones.append({"due": when, "what": what or task.title})
    task.milestones.sort(key=lambda m: m["due"])
    return task


def _orig_slice(original: str, norm: str, piece: str) -> str:
    """``piece`` (found in normalised text) in the original's wording."""
    on = normalize(original)
    i = on.find(piece)
    return original[i:i + len(piece)] if i >= 0 else piece


# -- reports to the county (保障措施: "于…前报送…") --------------------------------------------

def _reports(sections: list[Node], ctx: _Ctx) -> list[TaskDraft]:
    out: list[TaskDraft] = []
    for section in sections:
        for node in section.walk():
            if node.level < 2:
                continue
            norm = normalize(node.text)
            if not re.search(r"报送|上报|报县|提交", norm):
                continue
            subject = re.search(rf"([{_CJK}]{{2,24}})(?:要|应当|须|需|负责)(?:及时|按时|定期|按要求)?"
                                rf"(?:于[^，。；]{{0,20}}?)?(?:报送|上报|提交)", norm)
            owners = []
            if subject:
                s = subject.group(1)
                s = s[max(s.rfind("，"), s.rfind("。")) + 1:]
                owners = [node.text[subject.start(1) + (len(subject.group(1)) - len(s)):subject.end(1)].strip()]
            for a, clause in _split_semicolons(norm):
                found = find_phrases(clause)
                phrases = [p for p in found if p.kind == "date"]
                every = [p for p in found if p.kind == "every"]
                if not phrases and not every:
                    continue
                # the verb whose object the dates govern: the first one after the last date
                verb = re.compile(r"(报送|上报|提交)").search(clause, (phrases or every)[-1].end)
                if not verb:
                    continue
                obj = clause[verb.end():].strip("，。；： ")
                obj = re.sub(r"^(至|到|给)?[县市区][^，。；]{0,10}?(?=[\u4e00-\u9fff]{2,}(报告|总结|情况|方案))", "", obj)
                if not obj:
                    continue
                for p in found:
                    ctx.used.add((id(node), a + p.start))

                def report(title: str) -> TaskDraft:
                    t = TaskDraft(f"RW-BG-{len(out) + 1}", _orig_slice(node.text, norm, title), _ref(node),
                                  node.text.strip(), None, [], list(owners))
                    out.append(t)
                    return t

                if every:  # "每年12月20日前报送年度工作总结": a report owed every period
                    t = report(obj)
                    t.every = every[0].period
                    _recurring_start(t, ctx)
                    t.notes.append(f"原文“{clause[every[0].start:verb.start()].strip('，')}”：每期报送一次，"
                                   "按周期的最后一天计期限")
                    continue
                names = _objects(obj, len(phrases) if "分别" in clause else 1)
                if len(names) != len(phrases):
                    names = [obj] * len(phrases) if len(phrases) > 1 and "分别" not in clause else names
                for ph, name in zip(phrases, names):
                    when = ph.resolve(ctx.draft.start.year if ctx.draft.start else None)
                    if when is None:
                        continue
                    report(name).deadline = when
    return out


def _split_semicolons(norm: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for i, ch in enumerate(norm):
        if ch in "；。":
            out.append((start, norm[start:i]))
            start = i + 1
    out.append((start, norm[start:]))
    return out


def _objects(obj: str, k: int) -> list[str]:
    """"集中攻坚阶段、治本提升阶段工作总结" with k=2 → both with the shared "工作总结"."""
    parts = [p for p in obj.split("、") if p]
    if k <= 1 or len(parts) != k:
        return [obj] if k <= 1 else parts
    first, last = parts[0], parts[-1]
    for n in range(min(len(first), 4), 1, -1):
        tail = first[-n:]
        i = last.rfind(tail)
        if i >= 0 and i + n < len(last):
            suffix = last[i + n:]
            return [p + suffix for p in parts[:-1]] + [last]
    return parts


# -- annexes (年度重点工作任务清单) -------------------------------------------------------------

def _annex_tasks(annexes: list[tuple[str, Node]], plan_tasks: list[TaskDraft], ctx: _Ctx) -> list[TaskDraft]:
    out: list[TaskDraft] = []
    index = _Similarity(plan_tasks, ignore=ctx.draft.title or "")
    for k, (title, root) in enumerate(annexes, 1):
        items = [n for n in root.walk() if n.level >= 2 and not any(c.level > n.level for c in n.children)
                 and n.level == max((x.level for x in root.walk()), default=0)]
        if not items:
            continue
        ym = re.search(r"(\d{4})\s*年", normalize(title))
        year = int(ym.group(1)) if ym else None
        if not re.search(r"任务|清单|事项|分工|计划", title) and not any(
                _closing_clause(n.text)[1] for n in items):
            continue
        prefix = f"RW-{year}" if year else (f"RW-FJ{k}" if len(annexes) > 1 else "RW-FJ")
        for n in items:
            ref = f"附件{n.num}" if len(annexes) == 1 else f"附件{k}-{n.num}"
            made = _task(n, f"{prefix}-{n.num}", None, ctx, year=year, annex=True)
            for t in made:
                t.ref = ref
                match = index.best(_closing_clause(t.text)[0])
                if match is not None:
                    t.action = match.action
                    t.notes.append(f"内容与方案 {match.ref} {match.title} 相近，所属行动记为 {match.action}")
            out.extend(made)
    return out


class _Similarity:
    """Which plan task an annex item restates: the longest run of wording they share (at least
    ``MIN_RUN`` Chinese characters, the plan's own name masked out, since it is quoted everywhere)."""

    MIN_RUN = 8

    def __init__(self, tasks: list[TaskDraft], *, ignore: str):
        self.ignore = self._chars(ignore)
        self.tasks = [t for t in tasks if t.action is not None]
        self.texts = [self._masked(_closing_clause(t.text)[0], "\x02") for t in self.tasks]

    @staticmethod
    def _chars(text: str) -> str:
        return re.sub(rf"[^{_CJK}]", "", unicodedata.normalize("NFKC", text))

    def _masked(self, text: str, sentinel: str) -> str:
        s = self._chars(text)
        if not self.ignore:
            return s
        from difflib import SequenceMatcher

        blocks = SequenceMatcher(None, s, self.ignore, autojunk=False).get_matching_blocks()
        out = list(s)
        for blk in blocks:
            if blk.size >= 4:
                out[blk.a:blk.a + blk.size] = [sentinel] * blk.size
        return "".join(out)

    def best(self, text: str) -> TaskDraft | None:
        from difflib import SequenceMatcher

        item = self._masked(text, "\x01")
        runs = sorted(((SequenceMatcher(None, item, t, autojunk=False)
                        .find_longest_match(0, len(item), 0, len(t)).size, -i) for i, t in enumerate(self.texts)),
                      reverse=True)
        if not runs or runs[0][0] < self.MIN_RUN:
            return None
        if len(runs) > 1 and runs[1][0] == runs[0][0]:
            return None  # two tasks share the wording equally: leave it to the clerk
        return self.tasks[-runs[0][1]]


# -- tidying ----------------------------------------------------------------------------------

def _abbreviate_owners(tasks: list[TaskDraft]) -> None:
    """A body's full name written where the plan elsewhere uses its short form (镇社会治理和应急管理
    办公室 → 应急办) becomes the short form, so one body has one name in the ledger."""
    short = {n for t in tasks for n in t.owners + t.lead if 2 <= len(n) <= 5 and not n.startswith("各")}

    def abbreviation(name: str) -> str:
        if len(name) < 6:
            return name
        for s in sorted(short, key=len):
            if _subsequence(s, name) and s[-1] in name[-3:] and s[0] in name:
                return s
        return name

    for t in tasks:
        t.owners = list(dict.fromkeys(abbreviation(n) for n in t.owners))


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _dedupe_ids(tasks: list[TaskDraft]) -> None:
    seen: Counter[str] = Counter()
    for t in tasks:
        seen[t.id] += 1
        if seen[t.id] > 1:
            t.notes.append(f"编号 {t.id} 与前文重复，改为 {t.id}-{seen[t.id]}")
            t.id = f"{t.id}-{seen[t.id]}"


_ORG_END = tuple("办局委村组所站队室部会院校司处科股镇乡县市") + ("领导", "单位", "中心", "企业", "部门")


def _people(d: PlanDraft) -> list[tuple[str, str]]:
    people: dict[str, str] = {}
    if d.signer:
        people[d.signer] = "签发人"
    for t in d.tasks:
        for name in t.lead:
            if re.fullmatch(rf"[{_CJK}]{{2,4}}", name) and not name.endswith(_ORG_END) and not name.startswith("各"):
                people.setdefault(name, "牵头领导")
    return list(people.items())


def _report_unplaced(section: Node, ctx: _Ctx) -> None:
    for node in section.walk():
        norm = normalize(node.text)
        for ph in find_phrases(norm):
            if (id(node), ph.start) in ctx.used or ph.kind == "ongoing":
                continue
            ctx.warn("HJP601.unplaced", node.line_at(ph.start), phrase=node.text[ph.start:ph.end])


# ---------------------------------------------------------------------------------------------
# Writing the draft: the project's emitter (quoting that PyYAML and YAML 1.2 both read back)

def tasks_yaml(draft: PlanDraft, *, source: str, include_town: bool) -> str:
    from hjp.yamltext import block_lines

    out = ["# yaml-language-server: $schema=../schemas/tasks.schema.json",
           f"# 草稿：由 hjp import plan 从 {source} 生成，请逐条对照原文核对后再并入 ledgers/tasks.yaml。"]
    if draft.title:
        out.append(f"# 来源：{draft.doc_no + '《' if draft.doc_no else '《'}{draft.title}》")
    defaulted = [t.id for t in draft.tasks if t.no_time]
    if defaulted:
        out.append("# 原文未写完成时限的任务按长期坚持（ongoing: true）记录：" + "、".join(defaulted) + "。")
    if include_town:
        out.append("# 以下内容请并入 town.yaml（也可用 --town 文件 直接生成 town.yaml 草稿）：")
        out.extend("#   " + line for line in town_lines(draft, full=False))
    out.append("tasks:")
    for i, t in enumerate(draft.tasks):
        if i:
            out.append("")
        out.extend(f"  # {note}" for note in t.notes)
        out.extend(block_lines(t.record(), 2, drop_empty=True))
    return "\n".join(out) + "\n"


def town_lines(draft: PlanDraft, *, full: bool) -> list[str]:
    from hjp.yamltext import flow, scalar

    lines: list[str] = []
    if full:
        lines.append(f"name: {scalar(draft.town or '【请填写镇名】')}")
        lines.append(f"county: {scalar(draft.county or '【请填写所属县】')}")
    plan = {"title": draft.title or "【请填写方案名称】", "doc_no": draft.doc_no or "【请填写文号】",
            "issued_on": draft.issued_on, "start": draft.start, "end": draft.end}
    lines.append("plan:")
    for key, value in plan.items():
        note = {"start": draft.start_note and f"  # 原文“{draft.start_note}”：印发日",
                "end": draft.end_note and f"  # 原文“{draft.end_note}”"}.get(key) or ""
        lines.append(f"  {key}: {scalar(value) if value is not None else '【请填写 YYYY-MM-DD】'}{note}")
    if draft.phases:
        lines.append("phases:")
        for p in draft.phases:
            lines.append(f"  - {flow({'name': p.name, 'start': p.start, 'end': p.end})}  # 原文：{p.source}")
    if draft.actions:
        lines.append("actions:")
        lines.extend(f"  {k}: {scalar(v)}" + ("" if v.endswith("行动") else "  # 标题不以“行动”结尾，请核对")
                     for k, v in sorted(draft.actions.items()))
    if draft.people:
        lines.append("people:")
        lines.extend(f"  - {flow({'name': n, 'role': r})}" for n, r in draft.people)
    return lines


def town_yaml(draft: PlanDraft, *, source: str) -> str:
    head = ["# yaml-language-server: $schema=../schemas/town.schema.json",
            f"# 草稿：由 hjp import plan 从 {source} 生成，请核对后再并入 ledgers/town.yaml。"]
    return "\n".join(head + town_lines(draft, full=True)) + "\n"
