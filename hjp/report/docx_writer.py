"""Word writer: the rendered Markdown → a .docx laid out after GB/T 9704-2012 (党政机关公文格式).

Content is written once, by the templates, as Markdown; this module walks markdown-it-py's tokens and
builds the document with python-docx, applying the layout:

- A4; margins top 37 mm, bottom 35, left 28, right 26 (landscape: the same page turned, for wide tables);
- body 仿宋_GB2312 (font table fallback 仿宋) 16 pt (三号), fixed line spacing 28.9 pt (22 lines a page),
  first line indented two characters;
- ``#`` title: 方正小标宋简体 (fallback 宋体) 22 pt (二号), centred;
- ``##`` 一、 黑体, ``###`` （一） 楷体_GB2312 (fallback 楷体), ``####`` 1. 仿宋 bold — all 16 pt;
- footer "— N —" (a PAGE field) in 宋体 14 pt (四号), odd pages right and even pages left, one character in;
- tables: header row repeated on every page (``w:tblHeader``), header bold and centred;
- every font set for East Asian text (``w:eastAsia``) as well as Latin (``w:ascii``/``w:hAnsi``).

Markers the templates may use (HTML comments, invisible in Markdown):

- ``<!-- 居中 -->`` centres the next paragraph; ``<!-- 主送 -->`` sets it flush left (主送机关, 居左顶格);
- ``<!-- 附件说明 -->``: the next paragraph is the 附件说明 (7.3.4: 附件：1.…, later lines under the first
  item's text);
- ``<!-- 落款 -->`` starts the signature block (issuing body and date), right-aligned and kept on one
  page with the text above it (7.3.5: never a page holding the 落款 alone);
- ``<!-- 附件 -->`` starts an attachment on a new page; its first paragraph (附件1) is set in 3号黑体
  top left, one line above the attachment's title (7.3.7);
- ``<!-- 分页 -->`` a page break.

Text ``【请填写：……】`` and ``【注意：……】`` is highlighted so the clerk sees what is left to do.
Titles are broken at word boundaries into balanced lines (``layout.title_lines``); table columns are
sized from their content (``layout.column_widths``) in a fixed layout with ``w:gridCol`` and cell
widths (WPS ignores ``tblW``), numbers right-aligned, rows never split across pages, the header row
repeated; a table too wide for its atoms at 小四 is set in 五号, then 小五.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from docx import Document
from lxml import etree
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from hjp.files import write_atomic
from hjp.report.layout import (COMFORT_EMS, SLACK_EMS, cell_lines, column_widths, ems, fit_lines, measure,
                               title_lines)
from hjp.report.mdparse import markdown_parser

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# Font-table fallbacks: Word and LibreOffice use altName when the named font is not installed.
FALLBACKS = {BODY_FONT: "仿宋", TITLE_FONT: "宋体", H2_FONT: "楷体", H1_FONT: "SimHei"}
# PANOSE of the fonts they fall back to (from the Windows fonts: 仿宋, 宋体, 楷体, 黑体): Word and WPS
# use them to pick a like font when neither the name nor the altName is installed.
PANOSE = {BODY_FONT: "02010609060101010101", TITLE_FONT: "02010600030101010101",
          H2_FONT: "02010609060101010101", H1_FONT: "02010609060101010101"}
LATIN_FONT = "Times New Roman"
BODY_PT = 16
LINE_PT = 28.9
TITLE_PT = 22
PAGE_PT = 14
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BLANK = re.compile(r"(【(?:请填写|注意)[^】]*】)")
JC_CENTER = '<w:jc w:val="center"/>'
JC_RIGHT = '<w:jc w:val="right"/>'
BR = re.compile(r"<br\s*/?>", re.I)
# XML 1.0 cannot carry these; the loader already refuses them (HJP008), this is the last guard.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STYLE_TABLE = "表格文字"
TABLE_SIZES = {12.0: STYLE_TABLE, 10.5: "表格文字五号", 9.0: "表格文字小五"}
STYLE_SIGN = "落款"
STYLE_ADDRESSEE = "主送机关"
STYLE_ANNEX_NOTE = "附件说明"
STYLE_ANNEX_MARK = "附件标识"

Progress = Callable[[str], None]


def _set_fonts(rpr_owner: Any, east_asia: str, latin: str | None = None) -> None:
    """Set w:rFonts on a style or run: Latin and East Asian, dropping theme fonts that would win."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    lat = latin or east_asia
    fonts.set(qn("w:ascii"), lat)
    fonts.set(qn("w:hAnsi"), lat)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), lat)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc: Any, name: str, *, base: str | None = "Normal", font: str = BODY_FONT, size: float = BODY_PT,
           bold: bool = False, align: Any = None, indent_chars: float | None = 2, line: float | None = LINE_PT,
           outline: int | None = None) -> Any:
    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base:
            st.base_style = styles[base]
    st.hidden = False
    st.quick_style = True
    _set_fonts(st.element, font, LATIN_FONT if font == BODY_FONT else font)
    f = st.font
    f.size = Pt(size)
    f.bold = bold
    f.italic = False
    f.color.rgb = RGBColor(0, 0, 0)
    pf = st.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.first_line_indent = Pt(size * indent_chars) if indent_chars else Pt(0)
    if align is not None:
        pf.alignment = align
    ppr = st.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:outlineLvl"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.append(lvl)
    rpr = st.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern", "w:u"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    return st


def _font_table(doc: Any) -> None:
    """Declare fallbacks (altName) for the GB fonts, which ordinary computers often lack."""
    part = next((p for p in doc.part.package.parts if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:  # pragma: no cover - python-docx's default template has one
        return
    root = parse_xml(part.blob)
    for name, alt in FALLBACKS.items():
        # charset 86 = GB2312; the signature's code-page bit 18 (0x00040000) is GB2312 too.
        font = parse_xml(f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                         f'<w:panose1 w:val="{PANOSE[name]}"/><w:charset w:val="86"/><w:family w:val="modern"/>'
                         f'<w:pitch w:val="fixed"/><w:sig w:usb0="00000001" w:usb1="080E0000" w:usb2="00000010" '
                         f'w:usb3="00000000" w:csb0="00040000" w:csb1="00000000"/></w:font>')
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph: Any) -> None:
    """"— N —" with N a PAGE field, 宋体 14 pt."""
    def run(text: str | None = None, fld: str | None = None, instr: str | None = None) -> None:
        r = paragraph.add_run(text or "")
        _set_fonts(r._r, PAGE_NUMBER_FONT)
        r.font.size = Pt(PAGE_PT)
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _setup(doc: Any, *, landscape: bool, table_pt: float) -> None:
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        # The portrait margins turned with the page: 订口 and 天头 swap sides.
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)   # 页码位于版心下边缘之下约7 mm

    normal = _style(doc, "Normal", base=None, indent_chars=2)
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    # Document defaults too, so text outside our styles (e.g. in user-made tables) is Chinese-aware.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attr), None)
            fonts.set(qn("w:ascii"), LATIN_FONT)
            fonts.set(qn("w:hAnsi"), LATIN_FONT)
            fonts.set(qn("w:eastAsia"), BODY_FONT)
    _style(doc, "Title", font=TITLE_FONT, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=None,
           line=35, outline=None).paragraph_format.space_after = Pt(LINE_PT)
    for level, font, bold in ((1, H1_FONT, False), (2, H2_FONT, False), (3, BODY_FONT, True)):
        st = _style(doc, f"Heading {level}", font=font, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    outline=level - 1)
        st.paragraph_format.keep_with_next = True
    for level in range(4, 7):
        _style(doc, f"Heading {level}", font=BODY_FONT, bold=True, outline=level - 1)
    for size, name in TABLE_SIZES.items():
        _style(doc, name, font=BODY_FONT, size=size, indent_chars=None, line=None)
    # 7.3.5.2: 发文机关署名 and 成文日期 right-aligned, two characters in from the right edge
    _style(doc, STYLE_SIGN, font=BODY_FONT, indent_chars=None,
           align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.right_indent = Pt(BODY_PT * 2)
    _style(doc, STYLE_ADDRESSEE, font=BODY_FONT, indent_chars=None, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    note = _style(doc, STYLE_ANNEX_NOTE, font=BODY_FONT, indent_chars=None, align=WD_ALIGN_PARAGRAPH.LEFT)
    # 附件：1.… two characters in; later lines under the first item (附件： is three characters wide)
    note.paragraph_format.left_indent = Pt(BODY_PT * 5)
    note.paragraph_format.first_line_indent = Pt(-BODY_PT * 3)
    note.paragraph_format.keep_with_next = True
    note.paragraph_format.space_before = Pt(LINE_PT)  # 正文下空一行 (7.3.4)
    mark = _style(doc, STYLE_ANNEX_MARK, font=H1_FONT, indent_chars=None, align=WD_ALIGN_PARAGRAPH.LEFT)
    mark.paragraph_format.page_break_before = True
    mark.paragraph_format.space_after = Pt(LINE_PT)  # the title goes on the third line (7.3.7)
    mark.paragraph_format.keep_with_next = True
    _style(doc, "Caption", font=BODY_FONT, size=table_pt, indent_chars=None, align=WD_ALIGN_PARAGRAPH.CENTER,
           line=None)
    for name in ("Footer", "Header"):
        _style(doc, name, font=PAGE_NUMBER_FONT, size=PAGE_PT, indent_chars=None, line=None)

    # GB/T 9704 §7.5: odd page numbers right, even left, each one character in from the edge.
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(PAGE_PT)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(PAGE_PT)
    _page_number(even)
    _font_table(doc)


def _text_xml(text: str, bold: bool, italic: bool) -> str:
    out = []
    for part in BLANK.split(CONTROL.sub("", text)):
        if not part:
            continue
        rpr = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/>" if italic else "")
        if BLANK.fullmatch(part):
            rpr += '<w:highlight w:val="yellow"/>'
        out.append(f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
    return "".join(out)


_EMU_PER_PT = 12700
_CELL_PADDING_PT = 11.5  # Word's default cell margins (2 × 5.4 pt) and a little air
_PLAIN_TOKENS = ("text", "softbreak", "hardbreak")
SHORT_TABLE = 8  # rows


def _plain(children: list[Any]) -> str:
    """A cell's text as printed (line breaks as <br>), for measuring."""
    out = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type in ("hardbreak", "softbreak") or tok.type == "html_inline" and BR.fullmatch(tok.content.strip()):
            out.append("<br>")
        elif tok.type == "html_inline":
            out.append(tok.content)
        elif tok.children:
            out.append(_plain(tok.children))
    return "".join(out)


class _Builder:
    def __init__(self, doc: Any, *, images: Any, base_dir: Path | None, progress: Progress | None,
                 text_width: int, table_sizes: tuple[float, ...], names: tuple[str, ...] = ()) -> None:
        self.doc = doc
        self.images = images
        self.base_dir = base_dir
        self.progress = progress
        self.text_width = text_width
        self.table_sizes = table_sizes
        self.names = names
        self.center_next = False
        self.flush_next = False
        self.annex_note_next = False
        self.annex_mark_next = False
        self.signing = False
        self.list_stack: list[str] = []
        self.quote = 0
        self.deferred: list[tuple[Any, Any]] = []
        self.last_body: Any = None  # the last paragraph (or table's spacer) before a 落款
        self.last_table_rows: Any = None
        self.style_ids = {st.name: st.style_id for st in doc.styles if st.type == WD_STYLE_TYPE.PARAGRAPH}
        self.shared: dict[tuple[str, ...], tuple[list[float], list[float]]] = {}
        self.cells: dict[tuple[str, float, bool], str] = {}  # cell_xml of plain cells

    def add_paragraph(self, style: str) -> Any:
        """A body paragraph in ``style``, without python-docx's per-call scan of every style."""
        p = self.doc.add_paragraph()
        self.set_style(p, style)
        return p

    def set_style(self, paragraph: Any, style: str) -> None:
        paragraph._p.get_or_add_pPr().style = self.style_ids[style]

    # -- inline
    def inline(self, paragraph: Any, children: list[Any], *, bold: bool = False) -> None:
        strong = em = 0
        for tok in children:
            t = tok.type
            if t == "text" or t == "code_inline":
                self.text(paragraph, tok.content, bold=bold or strong > 0, italic=em > 0)
            elif t == "softbreak":
                continue  # Chinese text joins lines without a space
            elif t == "hardbreak":
                paragraph.add_run().add_break()
            elif t == "strong_open":
                strong += 1
            elif t == "strong_close":
                strong -= 1
            elif t == "em_open":
                em += 1
            elif t == "em_close":
                em -= 1
            elif t == "html_inline":
                if BR.fullmatch(tok.content.strip()):
                    paragraph.add_run().add_break()
                else:
                    self.text(paragraph, tok.content, bold=bold, italic=False)
            elif t == "image":
                self.picture(paragraph, tok)
            elif tok.children:
                self.inline(paragraph, tok.children, bold=bold)

    def text(self, paragraph: Any, content: str, *, bold: bool, italic: bool) -> None:
        for part in BLANK.split(CONTROL.sub("", content)):
            if not part:
                continue
            run = paragraph.add_run(part)
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if BLANK.fullmatch(part):
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def picture(self, paragraph: Any, tok: Any) -> None:
        # filled in after the rest of the document: the chart may still be being drawn
        self.deferred.append((paragraph, tok))

    def place_pictures(self) -> None:
        for paragraph, tok in self.deferred:
            self.place_picture(paragraph, tok)

    def place_picture(self, paragraph: Any, tok: Any) -> None:
        src = tok.attrs.get("src", "")
        data = self.images.get(src)
        if data is None and self.base_dir is not None:
            path = (self.base_dir / src).resolve()
            if path.is_relative_to(self.base_dir.resolve()) and path.is_file():
                data = path.read_bytes()
        if data is None:
            self.text(paragraph, f"[图片 {src} 缺失]", bold=False, italic=False)
            return
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = None
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.keep_with_next = True  # the picture stays with its caption (图1 …)
        paragraph.add_run().add_picture(io.BytesIO(data), width=min(self.text_width, Mm(150)))

    # -- blocks
    def title(self, children: list[Any]) -> Any:
        """The document's or an attachment's title, broken at word boundaries into balanced lines."""
        p = self.add_paragraph("Title")
        text = _plain(children)
        if "<br>" in text or any(t.type not in ("text", "softbreak") for t in children):
            self.inline(p, children)
            return p
        width = self.text_width / _EMU_PER_PT / TITLE_PT - 0.3
        for k, line in enumerate(title_lines(text, width=width, names=self.names)):
            if k:
                p.add_run().add_break()
            self.text(p, line, bold=False, italic=False)
        return p

    def paragraph(self, children: list[Any], style: str | None = None) -> Any:
        if style is None:
            style = "Normal"
            if self.signing:
                style = STYLE_SIGN
            elif self.flush_next:
                style = STYLE_ADDRESSEE
            elif self.annex_note_next:
                style = STYLE_ANNEX_NOTE
            elif self.annex_mark_next:
                style = STYLE_ANNEX_MARK
        self.flush_next = self.annex_note_next = self.annex_mark_next = False
        if style == STYLE_ANNEX_NOTE and self.last_body is not None:
            self.last_body.paragraph_format.keep_with_next = True  # the 附件说明 follows the text on its page
        p = self.add_paragraph(style)
        if self.center_next:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            self.center_next = False
        if self.list_stack or self.quote:
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.left_indent = Pt(BODY_PT * 2 * (len(self.list_stack) + self.quote))
        self.inline(p, children)
        if style == STYLE_SIGN and self.signing_first:
            p.paragraph_format.keep_with_next = True  # 署名 with its 成文日期
            p.paragraph_format.space_before = Pt(LINE_PT)  # 正文（或附件说明）下空一行 (7.3.5.2)
            self.signing_first = False
        if style not in (STYLE_SIGN, STYLE_ANNEX_MARK):
            self.last_body = p
            self.last_table_rows = None
        return p

    signing_first = False

    def start_signature(self) -> None:
        """落款 follows: the text above it stays on its page (7.3.5 — no page holds only the 落款)."""
        self.signing = True
        self.signing_first = True
        if self.last_body is not None:
            self.last_body.paragraph_format.keep_with_next = True
        if self.last_table_rows is not None:
            for tr in self.last_table_rows:
                for ppr in tr.iter(qn("w:pPr")):
                    if ppr.find(qn("w:keepNext")) is None:
                        ppr.insert(1, OxmlElement("w:keepNext"))

    def table(self, header: list[Any], rows: list[list[Any]], aligns: list[str | None]) -> None:
        ncols = max([len(header), *(len(r) for r in rows)]) if header or rows else 0
        if ncols == 0:
            return
        texts = [[_plain(c.children or []) for c in r[:ncols]] for r in [header, *rows]]
        key = tuple(texts[0])
        shared = self.shared.get(key) if len(key) == ncols else None
        total = self.text_width / _EMU_PER_PT
        widths, size = None, self.table_sizes[-1]
        # A family of tables with one header (the 督办清单's) is sized as one, so they come out alike;
        # when together they do not fit, each is sized on its own.
        for measured, long_table in ((shared, True), (measure(texts, ncols), len(rows) > SHORT_TABLE)):
            if measured is None:
                continue
            widths, size = _fit(measured, ncols, total, self.table_sizes, long_table)
            if widths is not None:
                break
        if widths is None:  # a bracketed period may wrap inside rather than a short word stack
            widths, size = _fit(measure(texts, ncols, periods=False), ncols, total, self.table_sizes,
                                len(rows) > SHORT_TABLE)
        if widths is None:  # no size keeps every atom whole: the minimums, scaled down to the width
            lo = [(max(n, 1.0) + SLACK_EMS) * size + _CELL_PADDING_PT for n in measure(texts, ncols)[0]]
            widths = [w * total / sum(lo) for w in lo]
        twips = [int(w * 20) for w in widths]
        # Rows are written as one XML string and parsed once: building them cell by cell through
        # python-docx costs ~0.7 ms a row, which a 10,000-hazard register cannot afford.
        style = TABLE_SIZES[size]
        sid = escape(self.style_ids[style], {'"': "&quot;"})
        numeric = [a == "right" for a in aligns] + [False] * (ncols - len(aligns))
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
        parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{self.table_style}"/>'
                 f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
                 '<w:tblLayout w:type="fixed"/>'
                 '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                 'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
                 f"<w:tblGrid>{grid}</w:tblGrid>"]
        tcw = [f'<w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>' for w in twips]
        # The header row and the first body row keep with the next row: a heading (kept with the
        # table) never ends a page with the header and a single row under it.
        head_ppr = f'<w:pPr><w:pStyle w:val="{sid}"/><w:keepNext/>{JC_CENTER}</w:pPr>'
        ppr = [f'<w:pPr><w:pStyle w:val="{sid}"/>{JC_RIGHT if numeric[j] else ""}</w:pPr>' for j in range(ncols)]
        first_ppr = [f'<w:pPr><w:pStyle w:val="{sid}"/><w:keepNext/>{JC_RIGHT if numeric[j] else ""}</w:pPr>'
                     for j in range(ncols)]
        n = len(rows) + 1
        # Lines are broken here, at the places layout.fit_lines allows, so that the word processor
        # (which may break between any two Chinese characters) never splits a date, an ID or （2期次）.
        avail = [(w - _CELL_PADDING_PT) / size - SLACK_EMS for w in widths]
        for i, cells in enumerate([header, *rows]):
            head = i == 0
            parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if head
                         else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            row_texts = texts[i]
            for j in range(ncols):
                runs = self.cell_xml(cells[j].children or [], avail[j], bold=head, plain=row_texts[j]) \
                    if j < len(cells) else ""
                cell_ppr = head_ppr if head else first_ppr[j] if i == 1 and n > 2 else ppr[j]
                parts.append(f"<w:tc>{tcw[j]}<w:p>{cell_ppr}{runs}</w:p></w:tc>")
            parts.append("</w:tr>")
            if self.progress is not None and i and i % 2000 == 0:
                self.progress(f"正在写入 Word 表格（{i}/{n - 1} 行）")
        parts.append("</w:tbl>")
        tbl = parse_xml("".join(parts))
        body = self.doc.element.body
        body.insert(len(body) - 1, tbl)  # before the final sectPr
        # A paragraph after a table keeps two tables apart and gives the caption room.
        spacer = self.add_paragraph(style)
        self.last_body = spacer
        self.last_table_rows = list(tbl.iterchildren(qn("w:tr")))[-2:]

    @property
    def table_style(self) -> str:
        return self.doc.styles["Table Grid"].style_id

    def cell_xml(self, children: list[Any], avail: float, *, bold: bool, plain: str | None = None) -> str:
        """A cell's runs, its plain text broken into lines that fit ``avail`` ems.

        ``plain`` is ``_plain(children)`` when the caller has it. A plain cell's XML depends on its
        text, width and weight alone, so a text met again in its column (a village, a status, a
        date) is laid out once.
        """
        if not all(t.type in _PLAIN_TOKENS or t.type == "html_inline" and BR.fullmatch(t.content.strip())
                   for t in children):
            return self.runs_xml(children, bold=bold)
        if plain is None:
            plain = _plain(children)
        key = (plain, avail, bold)
        xml = self.cells.get(key)
        if xml is None:
            lines = [piece for line in cell_lines(plain) for piece in fit_lines(line, avail)]
            xml = self.cells[key] = "<w:r><w:br/></w:r>".join(_text_xml(line, bold, False) for line in lines)
        return xml

    def runs_xml(self, children: list[Any], *, bold: bool = False) -> str:
        """The runs of one table cell as WordprocessingML text (same rules as ``inline``)."""
        out: list[str] = []
        strong = em = 0
        for tok in children:
            t = tok.type
            if t == "text" or t == "code_inline":
                out.append(_text_xml(tok.content, bold or strong > 0, em > 0))
            elif t == "hardbreak" or t == "html_inline" and BR.fullmatch(tok.content.strip()):
                out.append("<w:r><w:br/></w:r>")
            elif t == "html_inline":
                out.append(_text_xml(tok.content, bold, False))
            elif t == "strong_open":
                strong += 1
            elif t == "strong_close":
                strong -= 1
            elif t == "em_open":
                em += 1
            elif t == "em_close":
                em -= 1
            elif t == "image":
                out.append(_text_xml(f"[图片 {tok.attrs.get('src', '')}]", False, False))
            elif tok.children:
                out.append(self.runs_xml(tok.children, bold=bold))
        return "".join(out)

    def run(self, tokens: list[Any]) -> None:
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            t = tok.type
            if t == "heading_open":
                level = int(tok.tag[1])
                if level == 1:
                    self.title(tokens[i + 1].children or [])
                else:
                    p = self.add_paragraph(f"Heading {min(level - 1, 6)}")
                    self.inline(p, tokens[i + 1].children or [])
                i += 3
                continue
            if t == "paragraph_open":
                self.paragraph(tokens[i + 1].children or [])
                i += 3
                continue
            if t == "table_open":
                header, rows, aligns, j = _table_at(tokens, i)
                self.table(header, rows, aligns)
                i = j + 1
                continue
            if t == "html_block":
                content = tok.content.strip()
                if "<!-- 落款 -->" in content:
                    self.start_signature()
                elif "<!-- 居中 -->" in content:
                    self.center_next = True
                elif "<!-- 主送 -->" in content:
                    self.flush_next = True
                elif "<!-- 附件说明 -->" in content:
                    self.annex_note_next = True
                elif "<!-- 附件 -->" in content:
                    self.signing = False
                    self.annex_mark_next = True
                elif "<!-- 分页 -->" in content:
                    self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                elif not content.startswith("<!--"):
                    p = self.add_paragraph("Normal")
                    self.text(p, tok.content.rstrip("\n"), bold=False, italic=False)
            elif t in ("bullet_list_open", "ordered_list_open"):
                self.list_stack.append(t)
            elif t in ("bullet_list_close", "ordered_list_close"):
                self.list_stack.pop()
            elif t == "list_item_open":
                marker = f"{tok.info}." if self.list_stack and self.list_stack[-1] == "ordered_list_open" else "●"
                # the item's first paragraph carries the marker
                k = i + 1
                if k + 1 < n and tokens[k].type == "paragraph_open":
                    p = self.paragraph([])
                    self.text(p, marker + " ", bold=False, italic=False)
                    self.inline(p, tokens[k + 1].children or [])
                    i = k + 3
                    continue
            elif t == "blockquote_open":
                self.quote += 1
            elif t == "blockquote_close":
                self.quote -= 1
            elif t in ("fence", "code_block"):
                for line in tok.content.rstrip("\n").split("\n"):
                    p = self.add_paragraph(STYLE_TABLE)
                    self.text(p, line, bold=False, italic=False)
            i += 1


def _table_at(tokens: list[Any], i: int) -> tuple[list[Any], list[list[Any]], list[str | None], int]:
    """The table opening at token ``i``: header cells, body rows, column alignments, its closing index."""
    j = i + 1
    header: list[Any] = []
    rows: list[list[Any]] = []
    aligns: list[str | None] = []
    current: list[Any] | None = None
    in_head = False
    while tokens[j].type != "table_close":
        tt = tokens[j].type
        if tt == "thead_open":
            in_head = True
        elif tt == "thead_close":
            in_head = False
        elif tt == "th_open":
            style = (tokens[j].attrs or {}).get("style", "")
            aligns.append("right" if "right" in str(style) else None)
        elif tt == "tr_open":
            current = []
        elif tt == "tr_close":
            if in_head:
                header = current or []
            else:
                rows.append(current or [])
        elif tt == "inline" and current is not None:
            current.append(tokens[j])
        j += 1
    return header, rows, aligns, j


def _shared_measures(tokens: list[Any]) -> dict[tuple[str, ...], tuple[list[float], list[float]]]:
    """Tables with the same header (the 督办清单's one per person) are measured together, so that they
    come out alike: same size, same column widths."""
    texts: dict[tuple[str, ...], list[list[str]]] = {}
    count: dict[tuple[str, ...], int] = {}
    for i, tok in enumerate(tokens):
        if tok.type != "table_open":
            continue
        header, rows, _aligns, _j = _table_at(tokens, i)
        key = tuple(_plain(c.children or []) for c in header)
        count[key] = count.get(key, 0) + 1
        texts.setdefault(key, []).extend([[_plain(c.children or []) for c in r] for r in [header, *rows]])
    return {k: measure(v, len(k)) for k, v in texts.items() if count[k] > 1}


def _fit(measured: tuple[list[float], list[float]], ncols: int, total: float, sizes: tuple[float, ...],
         long_table: bool) -> tuple[list[float] | None, float]:
    """(widths, size): the largest size at which running text still gets room (long tables only),
    else the largest at which no atom wraps; (None, smallest size) when none."""
    for comfort in ((COMFORT_EMS, 0.0) if long_table else (0.0,)):
        for size in sizes:
            widths = column_widths(measured, ncols, total=total, font_pt=size, padding_pt=_CELL_PADDING_PT,
                                   comfort=comfort)
            if widths is not None:
                return widths, size
    return None, sizes[-1]


def build(markdown: str, *, title: str, as_of: date, landscape: bool = False,
          images: Any = None, base_dir: Path | None = None,
          progress: Progress | None = None, names: Sequence[str] = ()) -> Any:
    """The python-docx Document for ``markdown``.

    ``names`` (the town's, villages', phases') are words a title line may break before or after.
    """
    doc = Document()
    table_sizes = (10.5, 9.0) if landscape else (12.0, 10.5, 9.0)
    _setup(doc, landscape=landscape, table_pt=table_sizes[0])
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    cp = doc.core_properties
    cp.title = title
    cp.author = ""
    cp.last_modified_by = ""
    cp.comments = ""
    cp.keywords = ""
    cp.subject = ""
    # fixed stamps: the same ledger and as_of give the same document
    stamp = datetime(as_of.year, as_of.month, as_of.day)
    cp.created = cp.modified = stamp
    cp.last_printed = stamp
    cp.revision = 1
    _drop_template_leftovers(doc)
    tokens = markdown_parser().parse(markdown)
    if progress is not None:
        progress("正在生成 Word 文档")
    builder = _Builder(doc, images=images or {}, base_dir=base_dir, progress=progress, text_width=text_width,
                       table_sizes=table_sizes, names=tuple(names))
    builder.shared = _shared_measures(tokens)
    builder.run(tokens)
    builder.place_pictures()
    _shrink_closing_spacer(doc)
    return doc


_APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            b"<Application>hjp</Application><DocSecurity>0</DocSecurity></Properties>")


def _drop_template_leftovers(doc: Any) -> None:
    """python-docx's default template carries a blank page as docProps/thumbnail.jpeg (Explorer and
    WPS previewed every report as an empty sheet) and app.xml statistics of that empty page ("Microsoft
    Macintosh Word", 1 page, 0 words): the thumbnail goes, the statistics are left for Word and WPS
    to count when they open the file."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML


def _shrink_closing_spacer(doc: Any) -> None:
    """A document ending in a table ends in the empty paragraph after it (a body must end in one):
    at full size it spilled onto a page of its own, blank but numbered, when the table ended near the
    foot of a page. It is made 1 pt high with no spacing and its mark hidden."""
    body = doc.element.body
    last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1]
    prev = last.getprevious()
    if last.tag != qn("w:p") or prev is None or prev.tag != qn("w:tbl") or "".join(last.itertext()).strip():
        return
    p = Paragraph(last, doc._body)
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    fmt.keep_with_next = None
    ppr = p._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")  # the paragraph mark's run properties: last in pPr but for sectPr/pPrChange
    ppr.append(rpr)
    for tag, attrs in (("w:vanish", {}), ("w:sz", {"w:val": "2"}), ("w:szCs", {"w:val": "2"})):
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        rpr.append(el)


def save_atomic(doc: Any, path: Path) -> None:
    """Write next to the target, then rename: a failure never leaves half a file behind."""
    buf = io.BytesIO()
    doc.save(buf)
    write_atomic(Path(path), buf.getvalue())
