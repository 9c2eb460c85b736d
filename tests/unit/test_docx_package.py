"""The Word file's package carries nothing of python-docx's template that misleads:
no blank-page thumbnail (Explorer and WPS previewed every report as an empty sheet), no app.xml
statistics of an empty page ("Microsoft Macintosh Word", 1 page, 0 words)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from typer.testing import CliRunner

from hjp.cli import app

FIXTURE = Path(__file__).resolve().parent.parent / "report" / "fixture" / "ledger"


def test_no_thumbnail_and_no_false_statistics(here):
    r = CliRunner().invoke(app, ["report", "self-check", "--ledger", str(FIXTURE), "--as-of", "2025-06-30",
                                 "-o", "x.docx"], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    with zipfile.ZipFile(here / "x.docx") as z:
        names = z.namelist()
        rels = z.read("_rels/.rels").decode()
        app_xml = z.read("docProps/app.xml").decode()
    assert not any("thumbnail" in n for n in names) and "thumbnail" not in rels
    assert "<Application>hjp</Application>" in app_xml
    assert not any(word in app_xml for word in ("Macintosh", "<Pages>", "<Words>", "<Characters>"))
    doc = Document(str(here / "x.docx"))  # still a document python-docx (and so Word) opens
    assert doc.paragraphs[0].text.endswith("自查总结报告")
    assert doc.core_properties.title.endswith("自查总结报告")
