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


# ----------------------------------------------------------------------------- layout on the PDF

def _pdf(docx, tmp_path):
    profile = tmp_path / f"lo-profile-{os.getpid()}"
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx)], capture_output=True, text=True, timeout=300)
    pdf = docx.with_suffix(".pdf")
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    return pdf


def _word(led, name, out, as_of, **kw):
    produced = reports.produce(led, name, as_of=as_of, chart_name="chart.png", **kw)
    reports.write_docx(produced, out, as_of=as_of, chart_name="chart.png")
    return out


@pytest.fixture(scope="module")
def seed1(tmp_path_factory):
    """`hjp demo --seed 1` (12 villages, 600 hazards), the ledger issue 10's page budget is set on."""
    root = tmp_path_factory.mktemp("seed1") / "ledgers"
    generate(root, seed=1)
    return load_ledger(root, cache=False)


def test_self_check_body_fits_ten_pages_and_nothing_breaks(seed1, tmp_path):
    """Title to 落款 in at most 10 pages in LibreOffice, the detail in 附件; no table cell stacks single
    characters or breaks a date or an ID; no page holds only the 落款."""
    _tools()
    from pdf_layout import body_pages, problems

    pdf = _pdf(_word(seed1, "self-check", tmp_path / "自查总结报告.docx", date(2026, 12, 15)), tmp_path)
    assert body_pages(pdf) <= 10
    assert problems(str(pdf), body_max=10, issuer="何家畔镇人民政府") == []


@pytest.mark.parametrize("name", ["hazards", "overdue", "phase"])
def test_other_reports_lay_out_cleanly(name, tmp_path):
    _tools()
    from pdf_layout import problems

    root = tmp_path / "ledgers"
    generate(root, villages=3, hazards=60, seed=7)
    led = load_ledger(root, cache=False)
    kw = {"phase": "集中攻坚阶段"} if name == "phase" else {}
    pdf = _pdf(_word(led, name, tmp_path / f"{name}.docx", AS_OF, **kw), tmp_path)
    assert problems(str(pdf), issuer="何家畔镇人民政府") == []


def test_the_real_plan_with_a_few_villages_lays_out_cleanly(tmp_path):
    """The shipped plan (town.yaml, tasks.yaml) with two villages entered: a self-check report and a
    village's own report."""
    _tools()
    from pathlib import Path

    from pdf_layout import problems

    repo = Path(__file__).resolve().parents[2]
    demo = tmp_path / "demo"
    generate(demo, villages=2, hazards=8, seed=3)
    root = tmp_path / "ledgers"
    shutil.copytree(demo / "villages", root / "villages")
    for name in ("town.yaml", "tasks.yaml"):
        shutil.copy(repo / "ledgers" / name, root / name)
    led = load_ledger(root, cache=False)
    slug = next(iter(led.villages))
    for kw, issuer in (({}, "何家畔镇人民政府"), ({"village": slug}, f"{led.villages[slug].name}村民委员会")):
        pdf = _pdf(_word(led, "self-check", tmp_path / f"sc{len(kw)}.docx", date(2026, 12, 15), **kw), tmp_path)
        assert problems(str(pdf), body_max=10, issuer=issuer) == []


def test_a_report_ending_in_a_table_never_gets_a_blank_last_page(tmp_path):
    """The paragraph a document must end with after its last table fell on a page of its own when the
    table ended at a page's foot (29 rows of this table in LibreOffice here; a range covers font and
    version differences)."""
    _tools()
    from pdf_layout import problems

    from hjp.report import docx_writer

    files = []
    for rows in range(26, 33):
        md = "# 统计表\n\n正文一段。\n\n| 村 | 单位 | 编号 |\n|---|---|---|\n" + "".join(
            f"| 何家畔村 | 单位{i} | DW-{i} |\n" for i in range(rows))
        f = tmp_path / f"t{rows}.docx"
        docx_writer.save_atomic(docx_writer.build(md, title="统计表", as_of=AS_OF), f)
        files.append(f)
    profile = tmp_path / f"lo-profile-{os.getpid()}"
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, files)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for f in files:
        assert problems(str(f.with_suffix(".pdf"))) == [], f.name
