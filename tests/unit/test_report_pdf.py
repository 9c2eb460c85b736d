"""A generated .docx opens in LibreOffice: converted to PDF headless, its text holds the title and key figures.

Skipped when LibreOffice (soffice) or pdftotext is missing — except under CI (CI=true), where .ci/run
installs them (libreoffice-writer-nogui, poppler-utils, fonts-noto-cjk) and a skip would hide a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import pytest

from hjp.demo import generate
from hjp.load import load_ledger
from hjp.report import reports, viewmodel
from hjp.report.render import percent

AS_OF = date(2026, 11, 30)


def _tools() -> None:
    missing = [t for t in ("soffice", "pdftotext", "pdffonts") if shutil.which(t) is None]
    if not missing:
        return
    message = (f"未找到 {'、'.join(missing)}：apt-get install -y --no-install-recommends "
               "libreoffice-writer-nogui poppler-utils fonts-noto-cjk")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true 但 {message}")
    pytest.skip(message)


def test_docx_converts_to_pdf_with_title_and_figures(tmp_path):
    _tools()
    root = tmp_path / "ledgers"
    generate(root, villages=3, hazards=60, seed=7)
    led = load_ledger(root, cache=False)
    produced = reports.produce(led, "self-check", as_of=AS_OF, chart_name="chart.png")
    docx = tmp_path / "自查总结报告.docx"
    reports.write_docx(produced, docx, as_of=AS_OF, chart_name="chart.png")
    profile = tmp_path / f"lo-profile-{os.getpid()}"
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx)], capture_output=True, text=True, timeout=180)
    pdf = docx.with_suffix(".pdf")
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())  # line wrapping may split a title anywhere
    vm = viewmodel.summary(led, as_of=AS_OF)
    h = vm.hazards.total
    assert "落实情况的自查总结报告" in flat
    assert f"累计排查发现隐患{h.found}项" in flat
    assert f"整改率{percent(h.rectified_rate)}" in flat
    assert "一、基本情况" in flat and "四、下一步工作打算" in flat
    assert "—1—" in flat  # the page-number field was evaluated
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts, fonts  # Chinese glyphs came from a CJK font, not boxes
