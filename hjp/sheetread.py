"""Reading the clerk's 台账 (.xlsx or .csv) the way clerks make them: find the header row below merged
title rows and a 填报单位/日期 line, map Chinese headers to fields, skip blank, 合计 and sign-off rows,
and read each cell into the field's type. Cells it cannot read are named by their cell reference.

Values come from python-calamine (measured 6-9× faster than openpyxl in a fraction of the memory,
and a sheet formatted down to row 1,000,000 costs it seconds, not minutes: see
tests/benchmarks/bench_xlsx_libs.py). calamine shows a formula without a cached value, or one whose
value is an error, as an empty cell, so such cells are found by a scan of the sheet's XML, done
only when the sheet has formulas or error values at all.

Diagnostics use the spreadsheet's own row numbers: path ``FILE!SHEET``, line = row, col = column
(``sheet_line`` prints ``FILE!SHEET:ROW: error HJP6xx: message``, the message naming the cell).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator
from xml.etree import ElementTree

from hjp.diagnostics import Diagnostic, error
from hjp.messages import Part, pack, part, render
from hjp.sheetcols import COLUMNS, DERIVED, SIGNATURE, Column, Match, header_hint, known_headers, match_header


class SheetError(Exception):
    """The file or sheet cannot be read at all: ``message`` for the clerk, ``code`` the exit code."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.message = message
        self.code = code


def sheet_line(d: Diagnostic) -> str:
    """``FILE!SHEET:ROW: severity CODE: message`` (the message names the cell)."""
    return f"{d.path}:{d.line}: {d.severity.value} {d.code}: {d.message}"


def cell_ref(row: int, col: int) -> str:
    """1-based row and column → "C12"."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


# ---------------------------------------------------------------------------------------------
# Files and sheets


@dataclass
class RawSheet:
    """A sheet's non-empty rows as (1-based row number, values from column 1), its merged ranges and
    the cells that could not be read."""

    display: str  # FILE!SHEET (FILE for a CSV)
    name: str | None
    rows: list[tuple[int, list[Any]]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col (1-based)
    unreadable: dict[tuple[int, int], Part] = field(default_factory=dict)  # (row, col) -> why (HJP614)
    pictures: set[tuple[int, int]] = field(default_factory=set)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_sheet(path: Path, *, sheet: str | None = None, display: str | None = None,
               want: Any = None) -> RawSheet:
    """Read one sheet of ``path``: ``sheet`` by name, else the first visible sheet for which
    ``want(raw)`` is true (default: the first visible sheet)."""
    shown = display or str(path)
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise SheetError(f"找不到文件 {shown}；请检查文件名和路径") from None
    except IsADirectoryError:
        raise SheetError(f"{shown} 是一个目录，不是表格文件") from None
    except OSError as exc:
        from hjp.diagnostics import os_reason

        raise SheetError(f"无法读取 {shown}（{os_reason(exc)}）") from None
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise SheetError(f"{shown} 是 CSV 文件，只有一个表，不能用 --sheet")
        return _read_csv(path, shown)
    if suffix in (".xls", ".et", ".ods", ".wps", ".numbers"):
        raise SheetError(f"{shown} 是{'旧版 Excel（.xls）' if suffix == '.xls' else '不支持的'}格式；请在 Excel 或 WPS 中"
                         "打开后“另存为” Excel 工作簿（.xlsx）再导入")
    if suffix not in (".xlsx", ".xlsm"):
        raise SheetError(f"{shown} 不是能导入的表格；请提供 .xlsx 或 .csv 文件")
    if head.startswith(_OLE):
        raw = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in raw or "EncryptedPackage".encode("utf-16-le") in raw:
            raise SheetError(f"{shown} 设置了打开密码，无法读取；请在 Excel 或 WPS 中打开，取消密码"
                             "（文件→文档加密/保护工作簿→密码）后另存一份再导入")
        raise SheetError(f"{shown} 其实是旧版 Excel（.xls）文件，只是扩展名为 .xlsx；请在 Excel 或 WPS 中打开后"
                         "“另存为” Excel 工作簿（.xlsx）再导入")
    if not head.startswith(b"PK"):
        raise SheetError(f"{shown} 不是有效的 .xlsx 文件（可能已损坏）；请在 Excel 或 WPS 中打开后另存一份再导入")
    return _read_xlsx(path, shown, sheet, want)


def _read_xlsx(path: Path, shown: str, wanted: str | None, want: Any) -> RawSheet:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency
        raise SheetError("读取 .xlsx 需要 python-calamine；请重新安装 hjp") from None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        metas = wb.sheets_metadata
    except Exception as exc:  # CalamineError, ZipError, XmlError, PasswordError…: all mean "cannot read it"
        if type(exc).__name__ == "PasswordError":
            raise SheetError(f"{shown} 设置了密码，无法读取；请取消密码后另存一份再导入") from None
        raise SheetError(f"{shown} 不是有效的 .xlsx 文件（可能已损坏）；请在 Excel 或 WPS 中打开后另存一份再导入") from None
    names = [m.name for m in metas]
    worksheets = [m.name for m in metas if "WorkSheet" in str(m.typ)]
    visible = [m.name for m in metas if "WorkSheet" in str(m.typ) and str(m.visible).endswith("Visible")]
    if wanted is not None:
        if wanted not in names:
            raise SheetError(f"{shown} 中没有名为“{wanted}”的工作表；有：{'、'.join(names) or '（无）'}")
        candidates = [wanted]
    else:
        candidates = visible or worksheets
        if not candidates:
            raise SheetError(f"{shown} 中没有工作表")
    first: RawSheet | None = None
    for name in candidates:
        raw = _calamine_sheet(wb, path, shown, name)
        if first is None:
            first = raw
        if want is None or wanted is not None or want(raw):
            return raw
    assert first is not None
    return first


def _calamine_sheet(wb: Any, path: Path, shown: str, name: str) -> RawSheet:
    display = f"{shown}!{name}"
    try:
        sheet = wb.get_sheet_by_name(name)
        grid = list(sheet.iter_rows())
        start, end = sheet.start, sheet.end
        merged = sheet.merged_cell_ranges or []
    except Exception:
        raise SheetError(f"{display} 无法读取（文件可能已损坏）；请在 Excel 或 WPS 中打开后另存一份再导入") from None
    rows: list[tuple[int, list[Any]]] = []
    if start is not None and end is not None and grid:
        # iter_rows yields rows from the top of the sheet but columns from the first used one
        row0 = end[0] + 1 - len(grid)
        col0 = end[1] + 1 - len(grid[0])
        pad = [None] * col0
        for i, values in enumerate(grid):
            if any(v not in ("", None) for v in values):
                rows.append((row0 + i + 1, pad + [None if v == "" else v for v in values]))
    raw = RawSheet(display, name, rows,
                   [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in merged])
    for r, values in rows:
        for c, v in enumerate(values, 1):
            if isinstance(v, str) and _DISPIMG.search(v):
                raw.pictures.add((r, c))
                values[c - 1] = None
    unreadable = _unreadable_cells(path, name)
    raw.pictures.update(cell for cell, why in unreadable.items() if why is _PICTURE)
    raw.unreadable = {cell: why for cell, why in unreadable.items() if why is not _PICTURE}
    return raw


_DISPIMG = re.compile(r"^\s*=?\s*(?:_xlfn\.)?DISPIMG\s*\(", re.I)
_PICTURE = part("HJP615.picture")  # _scan_cells' word for a DISPIMG formula without its cached text


def _unreadable_cells(path: Path, sheet: str) -> dict[tuple[int, int], Part]:
    """Cells holding a formula without a cached value, or an error value (#REF!, #N/A…)."""
    out: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as z:
            member = _sheet_part(z, sheet)
            if member is None:
                return out
            with z.open(member) as f:
                for ref, why in _scan_cells(f):
                    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
                    if m:
                        col = 0
                        for ch in m.group(1):
                            col = col * 26 + ord(ch) - 64
                        out[(int(m.group(2)), col)] = why
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        pass  # calamine read the file; a part we cannot find here has no formulas to report
    return out


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rid = None
    for s in wb.iter(f"{{{_NS['m']}}}sheet"):
        if s.get("name") == sheet:
            rid = s.get(f"{{{_NS['r']}}}id")
    if rid is None:
        return None
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{{{_NS['p']}}}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>|<(?:\w+:)?is>", re.S)


def _scan_cells(f: Any, chunk: int = 1 << 22) -> Iterator[tuple[str, str]]:
    """Stream the sheet XML; only chunks that hold a formula or an error value are searched."""
    tail = b""
    while True:
        block = f.read(chunk)
        data = tail + block
        if not block:
            end = len(data)
        else:
            # search up to the last complete cell; keep the rest for the next round
            end = data.rfind(b"</row>")
            end = end + 6 if end >= 0 else 0
        piece, tail = data[:end], data[end:]
        if b"<f" in piece or b"<x:f" in piece or b't="e"' in piece:
            for m in _CELL.finditer(piece):
                attrs, inner = m.group(1), m.group(2) or b""
                ref = _REF.search(attrs)
                if ref is None:
                    continue
                if b't="e"' in attrs:
                    value = re.search(rb"<(?:\w+:)?v>([^<]*)<", inner)
                    shown = value.group(1).decode() if value else ""
                    yield ref.group(1).decode(), part("HJP614.error_value", value=shown) if shown \
                        else part("HJP614.error")
                elif b"<f" in inner or b":f" in inner:
                    if not _HAS_VALUE.search(inner):
                        # WPS's picture in a cell saved without its cached text (by a tool that does
                        # not calculate): a picture all the same, not a formula to fix
                        formula = re.search(rb"<(?:\w+:)?f\b[^>]*>([^<]*)<", inner)
                        if formula and _DISPIMG.search(formula.group(1).decode("utf-8", "replace")):
                            yield ref.group(1).decode(), _PICTURE
                        else:
                            yield ref.group(1).decode(), part("HJP614.formula")
        if not block:
            return
        if len(tail) > 64 * chunk:  # a malformed part with no row ends: stop rather than grow
            return


def _read_csv(path: Path, shown: str) -> RawSheet:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="strict")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:  # Excel on a Chinese Windows saves CSV as GBK; GB18030 is its superset
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise SheetError(f"{shown} 既不是 UTF-8 也不是 GBK 编码；请在 Excel 中“另存为” CSV UTF-8 或 .xlsx 再导入") from None
    if "\0" in text[:4096]:
        raise SheetError(f"{shown} 看起来不是 CSV 文本文件；请提供 .xlsx 或 .csv 文件")
    sample = text[:8192]
    delimiter = ","
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    if counts[","] == 0:
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for i, values in enumerate(reader, 1):
            cells = [v.strip() or None for v in values]
            if any(cells):
                rows.append((i, cells))
    except csv.Error as exc:
        raise SheetError(f"{shown} 第 {reader.line_num} 行无法按 CSV 读取（{exc}）；请检查引号是否成对") from None
    return RawSheet(shown, None, rows)


# ---------------------------------------------------------------------------------------------
# Finding the table: the header row, its columns, the data rows


@dataclass
class TableColumn:
    index: int  # 1-based spreadsheet column
    header: str  # as written (both rows of a two-row header joined with "/")
    match: Match | None
    hint: str = ""  # what the header says in brackets (元, 万元, 天)

    @property
    def column(self) -> Column | None:
        return self.match.column if self.match else None


@dataclass
class Table:
    raw: RawSheet
    kind: str
    header_rows: tuple[int, ...]
    columns: list[TableColumn]
    rows: list[tuple[int, list[Any]]]  # data rows
    skipped: dict[str, int]  # reason -> count
    meta: dict[str, str]  # 填报单位, 填报日期 … from the lines above the header
    diagnostics: list[Diagnostic]

    def by_path(self) -> dict[tuple[str, ...], TableColumn]:
        return {c.column.path: c for c in self.columns if c.column is not None}


_SUBTOTAL = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计|共\s*计|累\s*计)")
_SIGNOFF = re.compile(r"^\s*(填\s*表\s*人|填\s*报\s*人|制\s*表\s*人|审\s*核\s*人?|审\s*批\s*人?|签\s*字|负\s*责\s*人|"
                      r"单位负责人|主要负责人|分管领导|联\s*系\s*人|联系电话|填\s*报\s*日\s*期|填\s*表\s*日\s*期|"
                      r"日\s*期|注|说\s*明|备\s*注)\s*[：:]")
_META = re.compile(r"(填\s*报\s*单\s*位|单\s*位(?:名称)?|填\s*报\s*日\s*期|填\s*表\s*日\s*期|日\s*期|填\s*表\s*人|填\s*报\s*人)"
                   r"\s*[：:]\s*([^：:]*?)(?=\s{2,}|\s*(?:填|单位|日期|$))")
HEADER_SCAN = 30  # rows searched for the header


def locate_table(raw: RawSheet, *, kind: str | None, fields: dict[str, set[tuple[str, ...]] | None]) -> Table:
    """The header row (two rows when the first groups the second), its columns mapped for ``kind``
    (recognised from the headers when None), and the data rows below it.

    ``fields`` gives, per kind, the field paths its record model has (None: every column)."""
    kinds = [kind] if kind else [k for k in COLUMNS if k in fields]
    best: tuple[int, int, str] | None = None  # (score, -position, kind)
    scan = raw.rows[:HEADER_SCAN]
    for pos, (_r, values) in enumerate(scan):
        for k in kinds:
            score = _score(values, k, fields.get(k))
            if score >= 2 and (best is None or (score, -pos) > best[:2]):
                best = (score, -pos, k)
    if best is None:
        raise _no_header(raw, kind, fields)
    pos = -best[1]
    if kind is None:
        chosen = _choose_kind(scan[pos][1], kinds, fields)
        if isinstance(chosen, list):
            names = "、".join(f"--kind {k}" for k in chosen)
            raise SheetError(f"{raw.display}:{scan[pos][0]}: 从表头认不出这是哪一类台账（可能是：{names}）；请用 --kind 指定", 2)
        kind = chosen
    fk = fields.get(kind)
    header_row, header_values = scan[pos]
    header_rows = [header_row]
    texts = [_text(v) for v in header_values]
    # A two-row header: the lower row names the parts of a merged group above it ("整改“五定”" over
    # "责任人/时限/措施"); the best-scoring row may be either of the two.
    if pos > 0 and scan[pos - 1][0] == header_row - 1 and _groups(raw, header_row - 1) \
            and not _looks_like_data(scan[pos - 1][1]):
        pos -= 1
        header_row, header_values = scan[pos]
        header_rows = [header_row]
        texts = [_text(v) for v in header_values]
    if pos + 1 < len(scan):
        below_row, below = scan[pos + 1]
        if below_row == header_row + 1 and not _looks_like_data(below) and (
                _score(below, kind, fk) >= 2 or (_groups(raw, header_row) and _score(below, kind, fk) >= 1)):
            header_rows.append(below_row)
            width = max(len(texts), len(below))
            texts = texts + [""] * (width - len(texts))
            merged_top = _merged_fill(raw, header_row, texts)
            joined = []
            for i in range(width):
                top = merged_top[i]
                sub = _text(below[i]) if i < len(below) else ""
                joined.append(sub if sub and (match_header(sub, kind, fk) or not top) else
                              (top if not sub else f"{top}/{sub}"))
            texts = joined
    columns: list[TableColumn] = []
    diags: list[Diagnostic] = []
    seen: dict[tuple[str, ...], TableColumn] = {}
    for i, text in enumerate(texts, 1):
        if not text:
            continue
        part = text.split("/")[-1]
        m = match_header(part, kind, fk) or match_header(text.replace("/", ""), kind, fk)
        col = TableColumn(i, text, m, header_hint(part))
        if m is not None and m.column is not None:
            if m.column.path in seen:
                other = seen[m.column.path]
                diags.append(error("HJP612", raw.display, header_rows[-1], i, cell=cell_ref(header_rows[-1], i),
                                   header=text, other_cell=cell_ref(header_rows[-1], other.index),
                                   other_header=other.header, column=m.column.header))
                col = TableColumn(i, text, None, col.hint)
            else:
                seen[m.column.path] = col
        columns.append(col)
    meta = _meta(raw.rows[:pos])
    last_header = header_rows[-1]
    data, skipped = _data_rows(raw, columns, last_header)
    diags.extend(_merged_problems(raw, last_header, columns))
    return Table(raw, kind, tuple(header_rows), columns, data, skipped, meta, diags)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _score(values: list[Any], kind: str, fk: set[tuple[str, ...]] | None) -> int:
    n = 0
    for v in values:
        if isinstance(v, str) and len(v) <= 40:
            m = match_header(v, kind, fk)
            if m is not None and m.column is not None:
                n += 1
    return n


def _choose_kind(values: list[Any], kinds: list[str], fields: dict[str, Any]) -> str | list[str]:
    scores = {}
    for k in kinds:
        paths = {m.column.path for v in values if isinstance(v, str)
                 for m in [match_header(v, k, fields.get(k))] if m and m.column}
        scores[k] = (len(paths & SIGNATURE[k]), len(paths))
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return [k for k, s in ranked if s == ranked[0][1]]
    return ranked[0][0]


def _groups(raw: RawSheet, row: int) -> bool:
    """Whether a row has merged header cells: one spanning into the row below, or a group across columns."""
    return any(r0 == row and (r1 > r0 or c1 > c0) for r0, c0, r1, c1 in raw.merged)


def _looks_like_data(values: list[Any]) -> bool:
    return any(isinstance(v, (int, float, date)) and not isinstance(v, bool) for v in values if v is not None)


def _merged_fill(raw: RawSheet, row: int, texts: list[str]) -> list[str]:
    """A header row with each horizontally merged cell's text copied across its range."""
    out = list(texts)
    for r0, c0, r1, c1 in raw.merged:
        if r0 <= row <= r1 and c0 - 1 < len(out):
            for c in range(c0, min(c1, len(out)) + 1):
                if not out[c - 1]:
                    out[c - 1] = out[c0 - 1]
    return out


def _meta(rows: list[tuple[int, list[Any]]]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for _r, values in rows:
        line = "  ".join(_text(v) for v in values if v is not None)
        for m in _META.finditer(line):
            key = re.sub(r"\s", "", m.group(1))
            key = {"单位": "填报单位", "单位名称": "填报单位", "填表日期": "填报日期", "日期": "填报日期",
                   "填报人": "填表人"}.get(key, key)
            if m.group(2).strip():
                meta.setdefault(key, m.group(2).strip())
    return meta


def _data_rows(raw: RawSheet, columns: list[TableColumn], header: int) -> tuple[list[tuple[int, list[Any]]], dict[str, int]]:
    skipped: dict[str, int] = {}
    data: list[tuple[int, list[Any]]] = []
    fields_at = [c.index for c in columns if c.column is not None]
    seq_at = {c.index for c in columns if c.match is not None and c.match.derived == "seq"}
    for r, values in raw.rows:
        if r <= header:
            continue
        first = next((_text(v) for v in values if v not in (None, "")), "")
        texts = [_text(v) for v in values[:4]]
        if any(_SUBTOTAL.match(t) for t in texts if t):
            skipped["合计、小计行"] = skipped.get("合计、小计行", 0) + 1
            continue
        filled = [i for i, v in enumerate(values, 1) if v not in (None, "")]
        if _SIGNOFF.match(first) and len([i for i in filled if i in fields_at]) <= 2:
            skipped["落款、签字行"] = skipped.get("落款、签字行", 0) + 1
            continue
        if filled and all(i in seq_at for i in filled):
            skipped["只有序号的空行"] = skipped.get("只有序号的空行", 0) + 1
            continue
        data.append((r, values))
    return data, skipped


def _merged_problems(raw: RawSheet, header: int, columns: list[TableColumn]) -> list[Diagnostic]:
    used = {c.index for c in columns if c.column is not None}
    out = []
    for r0, c0, r1, c1 in raw.merged:
        if r1 > header and r1 > r0 and any(c in used for c in range(c0, c1 + 1)) and r0 > header:
            out.append(error("HJP616", raw.display, r0, c0, first=cell_ref(r0, c0), last=cell_ref(r1, c1),
                             rows=r1 - r0 + 1))
    return out


def _no_header(raw: RawSheet, kind: str | None, fields: dict[str, Any]) -> SheetError:
    first = next(((r, v) for r, v in raw.rows[:HEADER_SCAN] if sum(1 for x in v if x not in (None, "")) >= 2),
                 raw.rows[0] if raw.rows else None)
    if first is None:
        return SheetError(f"{raw.display} 是空表，没有可导入的内容", 2)
    found = "、".join(_text(v) for v in first[1] if v not in (None, ""))[:200]
    kinds = [kind] if kind else list(COLUMNS)
    known = "；".join(f"{k}：{'、'.join(known_headers(k, fields.get(k)))}" for k in kinds if k in fields)
    return SheetError(f"{raw.display}:{first[0]}: 找不到表头：前 {HEADER_SCAN} 行中没有一行能认出两个以上的列名"
                      f"（第 {first[0]} 行是：{found}）。认识的列名有——{known}。"
                      "请把表头改成这些名称之一，或在表头上方删去多余的行", 2)


# ---------------------------------------------------------------------------------------------
# Cells into values


class CellError(ValueError):
    """A cell that cannot become the field's value: a catalog key (HJP617.*) and its arguments;
    ``str()`` is the message, saying why and how to fix it."""

    def __init__(self, key: str, /, **args: Any) -> None:
        super().__init__(key)
        self.key, self.arguments = key, args

    def __str__(self) -> str:
        return render(self.key, pack(self.arguments))


_LEVELS = {"一般": "一般", "重大": "重大"}
_SOURCES = {
    "自查": ("自查", "企业自查", "单位自查", "自检", "自查自纠", "自行排查", "日常排查", "企业排查"),
    "检查": ("检查", "部门检查", "执法检查", "镇检查", "县检查", "乡镇检查", "督导检查", "专项检查", "联合检查",
             "安全检查", "日常检查", "监督检查", "镇级检查", "县级检查"),
    "举报": ("举报", "群众举报", "投诉举报", "12345", "热线", "举报投诉", "职工举报"),
    "督查": ("督查", "上级督查", "巡查", "暗访", "明查暗访", "督察"),
    "其他": ("其他", "其它"),
}
_SUPERVISION = {"镇级": ("镇级", "镇", "乡级", "乡镇级", "镇级挂牌督办"), "县级": ("县级", "县", "县级挂牌督办"),
                "市级": ("市级", "市", "市级挂牌督办")}
_DRILL_KINDS = {"疏散逃生": ("疏散逃生", "疏散", "逃生", "消防疏散", "应急疏散", "疏散演练", "逃生演练"),
                "桌面": ("桌面", "桌面推演", "桌面演练"), "专项": ("专项", "专项演练", "单项"),
                "综合": ("综合", "综合演练", "实战", "实战演练")}
_EVERY = {"month": ("每月", "月", "month", "按月"), "quarter": ("每季度", "季度", "每季", "quarter", "按季度"),
          "year": ("每年", "年", "每年度", "年度", "year", "按年")}
_TRUE = {"是", "√", "✓", "y", "yes", "true", "1", "需要", "须", "要"}
_FALSE = {"否", "×", "✗", "n", "no", "false", "0", "不需要", "不须", "无需", "免"}
_EMPTY = {"", "无", "/", "-", "—", "——", "－", "暂无", "不涉及"}


def _vocab(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    t = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    for value, names in table.items():
        if t in names:
            return value
    for value, names in table.items():
        if any(n in t for n in names if len(n) >= 2):
            return value
    return None


def is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() in _EMPTY)


def convert(col: Column, value: Any, *, hint: str = "", ref: str = "", vocab: dict[str, list[str]] | None = None) -> Any:
    """A cell's value as the field wants it (None for an empty cell); CellError says what is wrong."""
    if is_empty(value):
        return None
    t = col.type
    if t == "date":
        return parse_date(value, ref=ref, days_after=("天" in hint))
    if t in ("text", "unit", "reporter", "phone"):
        s = _text(value) if not isinstance(value, (date, datetime)) else _date_text(value)
        return s.strip() or None
    if t == "id":
        return _text(value).strip()
    if t == "level":
        s = re.sub(r"\s|事故|隐患", "", _text(value))
        if s in _LEVELS:
            return _LEVELS[s]
        raise CellError("HJP617.level", ref=ref, value=_text(value))
    if t == "source":
        v = _vocab(_text(value), _SOURCES)
        if v is None:
            raise CellError("HJP617.source", ref=ref, value=_text(value))
        return v
    if t == "supervision":
        s = _text(value)
        if s in _FALSE or s in ("未挂牌", "不挂牌", "未督办"):
            return None
        v = _vocab(s, _SUPERVISION)
        if v is None:
            raise CellError("HJP617.supervision", ref=ref, value=s)
        return v
    if t == "drill_kind":
        v = _vocab(_text(value), _DRILL_KINDS)
        if v is None:
            raise CellError("HJP617.drill_kind", ref=ref, value=_text(value))
        return v
    if t == "every":
        v = _vocab(_text(value), _EVERY)
        if v is None:
            raise CellError("HJP617.every", ref=ref, value=_text(value))
        return v
    if t in ("inspection_kind", "training_kind"):
        s = _text(value)
        options = (vocab or {}).get(t, [])
        for o in options:
            if s == o or (len(o) >= 2 and o in s):
                return o
        raise CellError("HJP617.inspection_kind" if t == "inspection_kind" else "HJP617.training_kind", ref=ref,
                        value=s, options=options)
    if t == "bool":
        s = _text(value).lower()
        if isinstance(value, bool):
            return value
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        raise CellError("HJP617.bool", ref=ref, value=_text(value))
    if t in ("int", "float", "money"):
        return parse_number(value, ref=ref, integer=(t == "int"), wan=("万" in hint))
    if t == "list":
        return [p for p in (x.strip() for x in re.split(r"[、，,;；/\n]", _text(value))) if p]
    if t == "paths":
        return [p for p in (x.strip() for x in re.split(r"[\n；;、]", _text(value))) if p]
    return _text(value)


def _date_text(v: date | datetime) -> str:
    return v.date().isoformat() if isinstance(v, datetime) else v.isoformat()


_DATE_TEXT = [
    re.compile(r"^(\d{4})\s*[-/.．。、]\s*(\d{1,2})\s*[-/.．。、]\s*(\d{1,2})(?:\s*日)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any, *, ref: str = "", days_after: bool = False) -> date | int:
    """Excel dates, serial numbers, and text 2024/3/31, 2024.3.31, 2024-3-31, 2024年3月31日, 20240331.

    With ``days_after`` (a header such as 整改时限（天）) a small number is a count of days, returned
    as an int for the caller to add to the found date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("HJP617.date_bool", ref=ref, value="TRUE" if value else "FALSE")
    if isinstance(value, (int, float)):
        n = float(value)
        if days_after and 0 <= n <= 3660 and n.is_integer():
            return int(n)
        if 19000000 <= n <= 21001231 and n.is_integer():  # 20240331 typed as a number
            return parse_date(str(int(n)), ref=ref)
        if 20000 <= n <= 80000:  # Excel serial day numbers 1954-2119
            return EXCEL_EPOCH + timedelta(days=int(n))
        raise CellError("HJP617.not_date", ref=ref, value=_text(value))
    s = unicodedata.normalize("NFKC", str(value)).strip()
    if days_after:
        m = re.fullmatch(r"(\d{1,4})\s*天?", s)
        if m:
            return int(m.group(1))
    for pattern in _DATE_TEXT:
        m = pattern.match(s)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellError("HJP617.no_such_date", ref=ref, value=str(value)) from None
    raise CellError("HJP617.date_format", ref=ref, value=str(value))


def parse_number(value: Any, *, ref: str = "", integer: bool = False, wan: bool = False) -> float | int:
    if isinstance(value, bool):
        raise CellError("HJP617.number_bool", ref=ref, value="TRUE" if value else "FALSE")
    if isinstance(value, (int, float)):
        n = float(value)
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(万元|万|元|人次|人|名|次|小时|学时|课时|h)?", s)
        if not m:
            raise CellError("HJP617.number", ref=ref, value=str(value))
        n = float(m.group(1))
        if m.group(2) in ("万元", "万"):
            n *= 10000
            wan = False
    if wan:
        n *= 10000
    if n != n or n in (float("inf"), float("-inf")):
        raise CellError("HJP617.number", ref=ref, value=str(value))
    if integer:
        if not n.is_integer():
            raise CellError("HJP617.integer", ref=ref, value=_text(value))
        return int(n)
    return int(n) if n.is_integer() else round(n, 2)


def derived_columns() -> dict[str, str]:
    """The derived columns' export headers by key (状态, 期限状态 …)."""
    return {k: v[0] for k, v in DERIVED.items()}
