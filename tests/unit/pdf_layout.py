"""Layout checks on the PDF LibreOffice makes of a report (used by test_report_pdf.py and by .ci/run).

Reads the word boxes of ``pdftotext -bbox-layout`` and finds what a county reader would notice:

- a column of single characters stacked in a table cell (a name or word broken one character a line);
- a date or an ID broken across lines (2024年4 / 月, RW-hejiapan- / 4);
- a page holding only the 落款 (the signature without any text above it);
- a blank page (nothing but its page number: the paragraph closing a last table spilled over);
- the body (title to 落款) longer than allowed: the body ends on the page before the one that opens
  with 附件1.

Run: python tests/unit/pdf_layout.py REPORT.pdf [--body-max 10] [--issuer 何家畔镇人民政府]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass

NS = "{http://www.w3.org/1999/xhtml}"
_CJK1 = re.compile(r"^[\u3400-\u9fff]$")
_DATE_HEAD = re.compile(r"(\d{4}年(\d{1,2}(月(\d{1,2})?)?)?|\d{4})$")
_DATE_TAIL = re.compile(r"^(\d{1,2}[月日]|[月日年])")
_ID_HEAD = re.compile(r"[A-Z]{2}-[A-Za-z0-9-]*$")
_ID_START = re.compile(r"^[A-Z]{2}-")
TABLE_LINE = 17.0  # a line shorter than this (points) is table text (小四 and smaller); body text is 三号


@dataclass(frozen=True)
class Line:
    page: int
    x: float
    y: float
    bottom: float
    text: str


def lines_of(pdf: str) -> tuple[list[Line], int]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, text=True,
                         check=True).stdout
    xml = xml[xml.index("<html"):]
    root = ET.fromstring(xml)
    out = []
    pages = root.iter(f"{NS}page")
    n = 0
    for n, page in enumerate(pages, 1):
        for line in page.iter(f"{NS}line"):
            words = [w.text or "" for w in line.iter(f"{NS}word")]
            out.append(Line(n, float(line.get("xMin")), float(line.get("yMin")), float(line.get("yMax")),
                            "".join(words)))
    return out, n


def _below(lines: list[Line]) -> list[tuple[Line, Line]]:
    """Pairs (a line, the next line under it starting at the same x on the same page)."""
    by_col: dict[tuple[int, int], list[Line]] = {}
    for ln in lines:
        by_col.setdefault((ln.page, round(ln.x)), []).append(ln)
    pairs = []
    for col in by_col.values():
        col.sort(key=lambda ln: ln.y)
        for a, b in zip(col, col[1:]):
            if 0 < b.y - a.bottom < (a.bottom - a.y) * 0.6:  # the next line of the same paragraph or cell
                pairs.append((a, b))
    return pairs


def problems(pdf: str, *, body_max: int | None = None, issuer: str | None = None) -> list[str]:
    lines, pages = lines_of(pdf)
    found = []
    for a, b in _below(lines):
        if a.bottom - a.y > TABLE_LINE:
            continue  # running text may break anywhere a Chinese line may
        if _CJK1.match(a.text) and _CJK1.match(b.text):
            found.append(f"第{a.page}页：单字竖排（{a.text}/{b.text}）")
        if _DATE_HEAD.search(a.text) and _DATE_TAIL.match(b.text):
            found.append(f"第{a.page}页：日期断行（{a.text[-8:]}/{b.text[:4]}）")
        # the next row's own ID also starts under this one: only a remainder is a broken ID
        if _ID_HEAD.search(a.text) and re.fullmatch(r"[A-Za-z0-9-]+", b.text) and not _ID_START.match(b.text):
            found.append(f"第{a.page}页：编号断行（{a.text[-12:]}/{b.text[:6]}）")
    for p in range(1, pages + 1):
        if not any(ln.page == p and not re.fullmatch(r"—\s*\d+\s*—", ln.text) for ln in lines):
            found.append(f"第{p}页是空白页")
    if issuer:
        for p in range(1, pages + 1):
            texts = [ln.text for ln in lines if ln.page == p and not re.fullmatch(r"—\s*\d+\s*—", ln.text)]
            if texts and issuer in texts[0] and len(texts) <= 2:
                found.append(f"第{p}页只有落款")
    if body_max is not None:
        annex = next((ln.page for ln in lines if ln.text.strip() == "附件1"), pages + 1)
        if annex - 1 > body_max:
            found.append(f"正文{annex - 1}页，超过{body_max}页")
    return found


def body_pages(pdf: str) -> int:
    lines, pages = lines_of(pdf)
    return next((ln.page for ln in lines if ln.text.strip() == "附件1"), pages + 1) - 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf")
    ap.add_argument("--body-max", type=int)
    ap.add_argument("--issuer")
    opts = ap.parse_args()
    found = problems(opts.pdf, body_max=opts.body_max, issuer=opts.issuer)
    for f in found:
        print(f)
    print(f"{opts.pdf}: 正文{body_pages(opts.pdf)}页；{len(found)}处版式问题")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
