"""A small streaming .xlsx writer for ``hjp export xlsx``: rows go straight into the zip, one sheet
after another, so memory stays flat whatever the ledger's size.

Why not a library: measured on the same rows (tests/benchmarks/bench_xlsx_libs.py), xlsxwriter, the
fastest of them, spends ~7× as long per row as this writer (its per-cell Python work), which would
put the export of the 100,000-hazard demo ledger at ~4× `hjp validate` against a target of 3×.
What it writes is the plain subset every reader handles (Excel, WPS, LibreOffice, openpyxl,
calamine all read it back in the tests): inline strings, numbers, dates as serial numbers with a
date format, a handful of cell styles, column widths, a frozen header and an autofilter.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

EPOCH = date(1899, 12, 30).toordinal()

# Cell styles (indices into cellXfs below): plain, date, wrapped text; the same three for an overdue
# row (red fill) and for a row due soon (yellow fill); the header.
PLAIN, DATE, WRAP, HEADER = 0, 1, 2, 9
TONES = {None: 0, "overdue": 3, "soon": 6}  # added to PLAIN/DATE/WRAP

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
<font><b/><sz val="11"/><name val="宋体"/><family val="2"/><charset val="134"/></font></fonts>\
<fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFFFEB9C"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>\
<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="10">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>\
<xf numFmtId="164" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>\
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1"/>\
<xf numFmtId="164" fontId="0" fillId="4" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>\
<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_LETTERS = [column_letter(i) for i in range(1, 257)]
# Characters XML 1.0 cannot hold; the ledger refuses them (HJP008), so this is belt and braces.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Excel reads "_x0041_" in a string as an escape: a literal one is itself escaped (_x005F_).
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _xml(s: str) -> str:
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "_x" in s:
        s = _EXCEL_ESCAPE.sub(r"_x005F_\1", s)
    if _ILLEGAL.search(s):
        s = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
    return s


def text_width(s: str) -> int:
    """Display width in Excel's character units: a Chinese character is about two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


@dataclass
class Column:
    header: str
    width: float  # in characters
    wrap: bool = False  # long text: wrapped, top-aligned


class Sheet:
    """One worksheet being written: header first, then rows, then ``close``."""

    def __init__(self, book: "Workbook", index: int, name: str, columns: Sequence[Column], *,
                 freeze_cols: int | None = 1, autofilter: bool = True):
        self.book = book
        self.index = index
        self.name = name
        self.columns = list(columns)
        self.autofilter = autofilter
        self.rows = 1
        self._f = book._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        # freeze_cols: the header row and that many columns stay in view (0: the header row only;
        # None: nothing frozen)
        if freeze_cols is None:
            pane = ""
        elif freeze_cols:
            pane = (f'<pane xSplit="{freeze_cols}" ySplit="1" topLeftCell="{_LETTERS[freeze_cols]}2" '
                    'activePane="bottomRight" state="frozen"/><selection pane="bottomRight"/>')
        else:
            pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft"/>')
        cols = "".join(f'<col min="{i}" max="{i}" width="{c.width:.1f}" customWidth="1"/>'
                       for i, c in enumerate(self.columns, 1))
        head = "".join(f'<c r="{_LETTERS[i]}1" s="{HEADER}" t="inlineStr"><is><t>{_xml(c.header)}</t></is></c>'
                       for i, c in enumerate(self.columns))
        self._buf: list[str] = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheetViews><sheetView {"tabSelected=" + chr(34) + "1" + chr(34) + " " if index == 1 else ""}'
            f'workbookViewId="0">{pane}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            f'<row r="1">{head}</row>']
        self._wrap = [c.wrap for c in self.columns]

    def row(self, values: Iterable[Any], tone: str | None = None) -> None:
        """One data row; ``tone`` "overdue" or "soon" fills it red or yellow."""
        self.rows += 1
        r = self.rows
        shift = TONES[tone]
        cells = []
        for i, v in enumerate(values):
            if v is None or v == "":
                if shift:
                    cells.append(f'<c r="{_LETTERS[i]}{r}" s="{PLAIN + shift}"/>')
                continue
            ref = f"{_LETTERS[i]}{r}"
            if isinstance(v, str):
                style = (WRAP if self._wrap[i] or "\n" in v else PLAIN) + shift
                space = ' xml:space="preserve"' if v[:1].isspace() or v[-1:].isspace() or "\n" in v else ""
                s_attr = f' s="{style}"' if style else ""
                cells.append(f'<c r="{ref}"{s_attr} t="inlineStr"><is><t{space}>{_xml(v)}</t></is></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}" s="{PLAIN + shift}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                s_attr = f' s="{PLAIN + shift}"' if shift else ""
                cells.append(f'<c r="{ref}"{s_attr}><v>{v!r}</v></c>')
            elif isinstance(v, (date, datetime)):
                day = v.date() if isinstance(v, datetime) else v
                cells.append(f'<c r="{ref}" s="{DATE + shift}"><v>{day.toordinal() - EPOCH}</v></c>')
            else:
                text = str(v)
                cells.append(f'<c r="{ref}" s="{PLAIN + shift}" t="inlineStr"><is><t>{_xml(text)}</t></is></c>')
        self._buf.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(self._buf) >= 500:
            self._flush()

    def _flush(self) -> None:
        self._f.write("".join(self._buf).encode("utf-8"))
        self._buf = []

    def close(self) -> None:
        last = _LETTERS[max(len(self.columns), 1) - 1]
        self._buf.append("</sheetData>")
        if self.autofilter and self.columns:
            self._buf.append(f'<autoFilter ref="A1:{last}{max(self.rows, 1)}"/>')
        self._buf.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                         '<pageSetup paperSize="9" orientation="landscape"/></worksheet>')
        self._flush()
        self._f.close()

    @property
    def filter_range(self) -> str:
        last = _LETTERS[max(len(self.columns), 1) - 1]
        return f"'{self.name.replace(chr(39), chr(39) * 2)}'!$A$1:${last}${max(self.rows, 1)}"


class Workbook:
    """Written to a temporary file beside ``path`` and renamed over it on ``close`` (never half a file)."""

    def __init__(self, path: Path, *, compresslevel: int = 1):
        self.path = path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        self._tmp = Path(tmp)
        self._zip = zipfile.ZipFile(self._tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.sheets: list[Sheet] = []
        self._open: Sheet | None = None

    def sheet(self, name: str, columns: Sequence[Column], **kw: Any) -> Sheet:
        if self._open is not None:
            self._open.close()
        s = Sheet(self, len(self.sheets) + 1, _sheet_name(name), columns, **kw)
        self.sheets.append(s)
        self._open = s
        return s

    def close(self) -> None:
        try:
            if self._open is not None:
                self._open.close()
                self._open = None
            self._finish()
            self._zip.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        try:
            self._zip.close()
        except Exception:  # already broken: the temp file goes anyway
            pass
        try:
            self._tmp.unlink()
        except OSError:
            pass

    def _finish(self) -> None:
        z = self._zip
        n = len(self.sheets)
        sheets = "".join(f'<sheet name="{_xml(s.name)}" sheetId="{s.index}" r:id="rId{s.index}"/>' for s in self.sheets)
        names = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">'
                        f'{_xml(s.filter_range)}</definedName>' for s in self.sheets if s.autofilter and s.columns)
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.styles+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                             f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
                   + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
                     'core-properties+xml"/>'
                   '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'extended-properties+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                   'metadata/core-properties" Target="docProps/core.xml"/>'
                   f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
                   '</Relationships>')
        z.writestr("docProps/core.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                   'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>hjp</dc:creator>'
                   '</cp:coreProperties>')
        z.writestr("docProps/app.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                   '<Application>hjp</Application></Properties>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                   f'<sheets>{sheets}</sheets>' + (f"<definedNames>{names}</definedNames>" if names else "")
                   + "</workbook>")
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, n + 1))
                   + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", _STYLES)


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, not starting or ending with '."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31]
    return clean or "Sheet"
