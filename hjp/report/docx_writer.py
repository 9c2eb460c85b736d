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

Markers the templates may use (HTML comments, invisible in Markdown): ``<!-- 居中 -->`` centres the
next paragraph; ``<!-- 落款 -->`` starts the signature block (issuing body and date), right-aligned.
Text ``【请填写：……】`` is highlighted so the clerk sees what is left to write.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from docx import Document
from lxml import etree
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from markdown_it import MarkdownIt
from markdown_it.token import Token

from hjp.files import write_atomic

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# Font-table fallbacks: Word and LibreOffice use altName when the named font is not installed.
FALLBACKS = {BODY_FONT: "仿宋", TITLE_FONT: "宋体", H2_FONT: "楷体", H1_FONT: "SimHei"}
LATIN_FONT = "Times New Roman"
BODY_PT = 16
LINE_PT = 28.9
TITLE_PT = 22
PAGE_PT = 14
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BLANK = re.compile(r"(【请填写[^】]*】)")
JC_CENTER = '<w:jc w:val="center"/>'
BR = re.compile(r"<br\s*/?>", re.I)
# XML 1.0 cannot carry these; the loader already refuses them (HJP008), this is the last guard.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STYLE_TABLE = "表格文字"
STYLE_SIGN = "落款"

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
        font = parse_xml(f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                         f'<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>')
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
    _style(doc, STYLE_TABLE, font=BODY_FONT, size=table_pt, indent_chars=None, line=None)
    _style(doc, STYLE_SIGN, font=BODY_FONT, indent_chars=None, align=WD_ALIGN_PARAGRAPH.RIGHT)
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


_WIDE = re.compile("[\u2e81-\U0010ffff]")


def _ems(text: str) -> float:
    """Printed width of the longest line in ems: a CJK character is one em; digits and small letters
    about 0.6 em, capitals 0.7 (fallback fonts vary, so the guess errs on the wide side)."""
    return max((len(line) * 0.6 + len(_WIDE.findall(line)) * 0.4 + sum(c.isupper() for c in line) * 0.1
                for line in text.split("<br>")), default=0.0)


_EMU_PER_PT = 12700
_CELL_PADDING_PT = 14.0  # Word's default cell margins (2 × 5.4 pt) and a little air
_NO_WRAP_EMS = 10.0  # a column whose longest text is at most this wide is kept on one line if it can be


def column_widths(cells: list[list[str]], ncols: int, *, total: int, font_pt: float) -> list[int]:
    """Column widths (EMU) summing to about ``total``.

    Short columns (编号, 日期, 状态) get room for their longest text, so an ID never breaks across
    lines; long columns share what is left in proportion to their longest line (capped, so one long
    title does not starve the others). A wide register has too many short columns for that: there
    only the first column (the ID) is kept whole and the others share the rest in proportion.
    """
    longest = [0.0] * ncols
    for row in cells:
        for i, text in enumerate(row):
            longest[i] = max(longest[i], _ems(text))
    need = [(max(ems, 2.0) * font_pt + _CELL_PADDING_PT) * _EMU_PER_PT for ems in longest]
    if sum(need) <= total:  # everything fits on one line: share the spare room alike
        return [int(total * n / sum(need)) for n in need]
    fixed = [i for i in range(ncols) if longest[i] <= _NO_WRAP_EMS]
    if total - sum(need[i] for i in fixed) < total * 0.4:
        fixed = [0] if longest[0] <= _NO_WRAP_EMS and need[0] < total * 0.25 else []
    rest = total - sum(need[i] for i in fixed)
    flex = [i for i in range(ncols) if i not in fixed]
    weights = {i: min(longest[i], 28.0) + (0.0 if len(fixed) > 1 else 2.0) for i in flex}
    return [int(need[i]) if i in fixed else int(rest * weights[i] / sum(weights.values())) for i in range(ncols)]


class _Builder:
    def __init__(self, doc: Any, *, images: Any, base_dir: Path | None, progress: Progress | None,
                 text_width: int, table_pt: float) -> None:
        self.doc = doc
        self.images = images
        self.base_dir = base_dir
        self.progress = progress
        self.text_width = text_width
        self.table_pt = table_pt
        self.center_next = False
        self.signing = False
        self.list_stack: list[str] = []
        self.quote = 0
        self.deferred: list[tuple[Any, Any]] = []
        self.style_ids = {st.name: st.style_id for st in doc.styles if st.type == WD_STYLE_TYPE.PARAGRAPH}

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
        paragraph.add_run().add_picture(io.BytesIO(data), width=min(self.text_width, Mm(160)))

    # -- blocks
    def paragraph(self, children: list[Any], style: str | None = None) -> Any:
        if style is None:
            style = STYLE_SIGN if self.signing else "Normal"
        p = self.add_paragraph(style)
        if self.center_next:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            self.center_next = False
        if self.list_stack or self.quote:
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.left_indent = Pt(BODY_PT * 2 * (len(self.list_stack) + self.quote))
        self.inline(p, children)
        return p

    def table(self, header: list[Any], rows: list[list[Any]]) -> None:
        ncols = max([len(header), *(len(r) for r in rows)]) if header or rows else 0
        if ncols == 0:
            return
        widths = column_widths([[c.content for c in r[:ncols]] for r in [header, *rows[:200]]], ncols,
                               total=self.text_width, font_pt=self.table_pt)
        table = self.doc.add_table(rows=0, cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for gc, w in zip(table._tbl.tblGrid.gridCol_lst, widths):
            gc.w = w
        # Rows are written as one XML string and parsed once: building them cell by cell through
        # python-docx costs ~0.7 ms a row, which a 10,000-hazard register cannot afford.
        sid = escape(self.style_ids[STYLE_TABLE], {'"': "&quot;"})
        tcw = [f'<w:tcPr><w:tcW w:w="{w // 635}" w:type="dxa"/></w:tcPr>' for w in widths]
        parts = [f'<w:tbl {nsdecls("w")}>']
        n = len(rows) + 1
        for i, cells in enumerate([header, *rows]):
            head = i == 0
            parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if head else "<w:tr>")
            ppr = f'<w:pPr><w:pStyle w:val="{sid}"/>{JC_CENTER if head else ""}</w:pPr>'
            for j in range(ncols):
                runs = self.runs_xml(cells[j].children or [], bold=head) if j < len(cells) else ""
                parts.append(f"<w:tc>{tcw[j]}<w:p>{ppr}{runs}</w:p></w:tc>")
            parts.append("</w:tr>")
            if self.progress is not None and i and i % 2000 == 0:
                self.progress(f"正在写入 Word 表格（{i}/{n - 1} 行）")
        parts.append("</w:tbl>")
        tbl = table._tbl
        for tr in list(parse_xml("".join(parts))):
            tbl.append(tr)
        # A paragraph after a table keeps two tables apart and gives the caption room.
        self.add_paragraph(STYLE_TABLE)

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
                style = "Title" if level == 1 else f"Heading {min(level - 1, 6)}"
                p = self.add_paragraph(style)
                self.inline(p, tokens[i + 1].children or [])
                i += 3
                continue
            if t == "paragraph_open":
                self.paragraph(tokens[i + 1].children or [])
                i += 3
                continue
            if t == "table_open":
                j = i + 1
                header: list[Any] = []
                rows: list[list[Any]] = []
                current: list[Any] | None = None
                in_head = False
                while tokens[j].type != "table_close":
                    tt = tokens[j].type
                    if tt == "thead_open":
                        in_head = True
                    elif tt == "thead_close":
                        in_head = False
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
                self.table(header, rows)
                i = j + 1
                continue
            if t == "html_block":
                content = tok.content.strip()
                if "<!-- 落款 -->" in content:
                    self.signing = True
                elif "<!-- 居中 -->" in content:
                    self.center_next = True
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


# Characters at which markdown-it's inline rules (commonmark + strikethrough, html on) can start
# anything other than plain text. Inline content free of them parses to one text token.
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>&!~\n]")


def _inline_fast(state: Any) -> None:
    """markdown-it's core "inline" rule, skipping the inline parser for plain text.

    A self-check report on 10,000 hazards has thousands of table cells, nearly all plain; the
    full inline parser on each costs ~0.25 s. The result is token-for-token the same
    (tests/unit/test_report_docx.py compares both parsers on every golden report).
    """
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        content = token.content
        if content and not _INLINE_SPECIAL.search(content):
            text = Token("text", "", 0)
            text.content = content
            token.children.append(text)
        else:
            md.inline.parse(content, md, state.env, token.children)


def markdown_parser(*, fast: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    if fast:
        md.core.ruler.at("inline", _inline_fast)
    return md


def build(markdown: str, *, title: str, as_of: date, landscape: bool = False,
          images: Any = None, base_dir: Path | None = None,
          progress: Progress | None = None) -> Any:
    """The python-docx Document for ``markdown``."""
    doc = Document()
    table_pt = 10.5 if landscape else 12
    _setup(doc, landscape=landscape, table_pt=table_pt)
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
    tokens = markdown_parser().parse(markdown)
    if progress is not None:
        progress("正在生成 Word 文档")
    builder = _Builder(doc, images=images or {}, base_dir=base_dir, progress=progress, text_width=text_width,
                       table_pt=table_pt)
    builder.run(tokens)
    builder.place_pictures()
    return doc


def save_atomic(doc: Any, path: Path) -> None:
    """Write next to the target, then rename: a failure never leaves half a file behind."""
    buf = io.BytesIO()
    doc.save(buf)
    write_atomic(Path(path), buf.getvalue())
