"""Which Excel libraries hjp uses, by measurement: read a 台账, write a hazard export, survive a
sheet of a million empty formatted rows. Each library runs in its own process (median of --runs
wall times, peak RSS of the process); ratios are to the fastest reader / writer of the same run.

    python tests/benchmarks/bench_xlsx_libs.py [--runs 3] [--rows 10000] [--export-rows 10000] [--empty-rows 1000000]

Readers (the 台账 has merged title rows, a 填报单位 line, a header, --rows data rows with real date
cells and text dates, a sign-off line):
  - calamine: python-calamine, values + merged ranges (what import needs)
  - openpyxl read-only: values only (no merged ranges in this mode)
  - openpyxl read-only twice: values, then formulas (to name formula cells without a cached value)
  - openpyxl full load: values + merged ranges
Writers (--export-rows hazards, 20 columns, date cells, bold frozen header, autofilter, widths,
every tenth row filled as overdue):
  - xlsxwriter, xlsxwriter constant_memory, openpyxl, openpyxl write-only, and hjp's own streaming
    writer (hjp.xlsxout), which the export uses because of this table
Not a pass/fail benchmark: it prints the table the choice in the report is made from.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADERS = ["序号", "隐患名称", "所属单位", "隐患部位", "行业领域", "隐患等级", "隐患来源", "排查时间", "整改责任人",
           "整改措施", "整改资金（元）", "整改时限", "验收人", "销号时间", "备注"]


def make_ledger(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("隐患台账")
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, len(HEADERS) - 1, "何家畔镇安全生产隐患排查整治台账", title)
    ws.write(1, 0, "填报单位：何家畔村（盖章）")
    ws.write(1, 10, "填报日期：2026年11月30日")
    ws.write_row(2, 0, HEADERS)
    start = date(2024, 4, 1)
    for i in range(rows):
        r = 3 + i
        found = start + timedelta(days=i % 900)
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, f"第{i}处灭火器压力不足，需更换")
        ws.write_string(r, 2, f"何家畔第{i % 40}加油站")
        ws.write_string(r, 3, "卸油区")
        ws.write_string(r, 4, "危险化学品")
        ws.write_string(r, 5, "重大隐患" if i % 50 == 0 else "一般隐患")
        ws.write_string(r, 6, "自查")
        if i % 3:
            ws.write_datetime(r, 7, found, day)
        else:
            ws.write_string(r, 7, f"{found.year}.{found.month}.{found.day}")
        ws.write_string(r, 8, "王某")
        ws.write_string(r, 9, "更换灭火器")
        ws.write_number(r, 10, 300)
        ws.write_datetime(r, 11, found + timedelta(days=30), day)
        ws.write_string(r, 12, "赵某")
        ws.write_datetime(r, 13, found + timedelta(days=40), day)
    ws.write(3 + rows, 0, "填表人：李某        审核人：张某")
    wb.close()


def make_empty_rows(path: Path, rows: int) -> None:
    """A sheet someone formatted down to row N: five records, then N rows of styled empty cells."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("隐患台账")
    border = wb.add_format({"border": 1})
    ws.write_row(0, 0, HEADERS[:6])
    for r in range(1, 6):
        ws.write_row(r, 0, [r, "灭火器过期", "加油站", "卸油区", "消防", "一般隐患"])
    for r in range(6, rows):
        ws.set_row(r, 15, border)
        ws.write_blank(r, 0, None, border)
        ws.write_blank(r, 1, None, border)
    wb.close()


READERS = {
    "calamine": """
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(PATH)
sheet = wb.get_sheet_by_name(wb.sheet_names[0])
merged = sheet.merged_cell_ranges
n = sum(1 for row in sheet.iter_rows())
""",
    "openpyxl read-only": """
import openpyxl
wb = openpyxl.load_workbook(PATH, read_only=True, data_only=True)
n = sum(1 for row in wb.worksheets[0].iter_rows(values_only=True))
""",
    "openpyxl read-only ×2 (values, formulas)": """
import openpyxl
for data_only in (True, False):
    wb = openpyxl.load_workbook(PATH, read_only=True, data_only=data_only)
    n = sum(1 for row in wb.worksheets[0].iter_rows(values_only=True))
""",
    "openpyxl full load": """
import openpyxl
wb = openpyxl.load_workbook(PATH, data_only=True)
ws = wb.worksheets[0]
merged = list(ws.merged_cells.ranges)
n = sum(1 for row in ws.iter_rows(values_only=True))
""",
}

WRITE_DATA = """
from datetime import date, timedelta
HEAD = ["编号", "隐患名称", "所属单位", "隐患部位", "行业领域", "隐患等级", "隐患来源", "发现日期", "发现人", "整改责任人",
        "整改措施", "整改资金（元）", "整改时限", "整改完成日期", "验收人", "销号日期", "挂牌督办", "状态", "期限状态", "备注"]
def rows():
    start = date(2024, 4, 1)
    for i in range(N):
        found = start + timedelta(days=i % 900)
        yield [f"YH-2024-{i:06d}", f"第{i}处灭火器压力不足", f"何家畔第{i % 40}加油站", "卸油区", "消防",
               "一般", "自查", found, "李某", "王某", "更换灭火器", 300.0, found + timedelta(days=30),
               found + timedelta(days=35), "赵某", found + timedelta(days=40), None, "已销号",
               "逾期" if i % 10 == 0 else "", None]
"""

WRITERS = {
    "xlsxwriter": WRITE_DATA + """
import xlsxwriter
wb = xlsxwriter.Workbook(PATH)
ws = wb.add_worksheet("隐患")
head = wb.add_format({"bold": True}); day = wb.add_format({"num_format": "yyyy-mm-dd"})
late = wb.add_format({"bg_color": "#FFC7CE"}); late_day = wb.add_format({"bg_color": "#FFC7CE", "num_format": "yyyy-mm-dd"})
ws.write_row(0, 0, HEAD, head)
for r, row in enumerate(rows(), 1):
    overdue = row[18] == "逾期"
    for c, v in enumerate(row):
        if v is None:
            continue
        if isinstance(v, date):
            ws.write_datetime(r, c, v, late_day if overdue else day)
        else:
            ws.write(r, c, v, late if overdue else None)
ws.freeze_panes(1, 0); ws.autofilter(0, 0, N, len(HEAD) - 1)
for c in range(len(HEAD)):
    ws.set_column(c, c, 14)
wb.close()
""",
    "openpyxl": WRITE_DATA + """
import openpyxl
from openpyxl.styles import Font, PatternFill
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "隐患"
ws.append(HEAD)
for cell in ws[1]:
    cell.font = Font(bold=True)
fill = PatternFill("solid", fgColor="FFC7CE")
for r, row in enumerate(rows(), 2):
    ws.append(row)
    for c, v in enumerate(row, 1):
        if isinstance(v, date):
            ws.cell(r, c).number_format = "yyyy-mm-dd"
    if row[18] == "逾期":
        for cell in ws[r]:
            cell.fill = fill
ws.freeze_panes = "A2"; ws.auto_filter.ref = ws.dimensions
for c in range(1, len(HEAD) + 1):
    ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 14
wb.save(PATH)
""",
    "openpyxl write-only": WRITE_DATA + """
import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
wb = openpyxl.Workbook(write_only=True); ws = wb.create_sheet("隐患")
ws.freeze_panes = "A2"; ws.auto_filter.ref = f"A1:T{N + 1}"
for c in range(1, len(HEAD) + 1):
    ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 14
bold = Font(bold=True); fill = PatternFill("solid", fgColor="FFC7CE")
def cell(v, overdue=False, font=None):
    x = WriteOnlyCell(ws, value=v)
    if isinstance(v, date):
        x.number_format = "yyyy-mm-dd"
    if overdue:
        x.fill = fill
    if font:
        x.font = font
    return x
ws.append([cell(h, font=bold) for h in HEAD])
for row in rows():
    ws.append([cell(v, row[18] == "逾期") for v in row])
wb.save(PATH)
""",
}
WRITERS["hjp.xlsxout (streaming, no library)"] = WRITE_DATA + """
from pathlib import Path
from hjp.xlsxout import Column, Workbook
wb = Workbook(Path(PATH))
ws = wb.sheet("隐患", [Column(h, 14) for h in HEAD])
for row in rows():
    ws.row(row, "overdue" if row[18] == "逾期" else None)
wb.close()
"""
WRITERS["xlsxwriter constant_memory"] = WRITERS["xlsxwriter"].replace(
    "xlsxwriter.Workbook(PATH)", "xlsxwriter.Workbook(PATH, {'constant_memory': True})")

WRAP = """
import resource, sys
PATH = sys.argv[1]; N = int(sys.argv[2])
{body}
sys.stdout.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def generate(maker: str, path: Path, rows: int) -> None:
    """Input files are made in a child process: Linux keeps a process's peak RSS across fork and
    exec, so a parent that grew while writing them would inflate every child's figure."""
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import {Path(__file__).stem} as b; " \
           f"b.{maker}(__import__('pathlib').Path(sys.argv[1]), int(sys.argv[2]))"
    subprocess.run([sys.executable, "-c", code, str(path), str(rows)], check=True)


def run(body: str, path: Path, n: int, runs: int, timeout: float) -> tuple[float, float] | None:
    times, rss = [], []
    for _ in range(runs):
        t = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-c", WRAP.format(body=body), str(path), str(n)],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        times.append(time.perf_counter() - t)
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            return None
        rss.append(int(proc.stdout) / 1024)
    return statistics.median(times), max(rss)


def table(title: str, results: dict[str, tuple[float, float] | None], timeout: float) -> list[dict]:
    done = {k: v for k, v in results.items() if v is not None}
    best = min(t for t, _ in done.values())
    print(f"\n### {title}\n\n| library | s | × fastest | peak RSS MB |\n|---|---:|---:|---:|")
    out = []
    for name, res in results.items():
        if res is None:
            print(f"| {name} | > {timeout:.0f} (stopped) | | |")
            out.append({"library": name, "seconds": None})
            continue
        t, rss = res
        print(f"| {name} | {t:.2f} | {t / best:.2f} | {rss:.0f} |")
        out.append({"library": name, "seconds": round(t, 3), "ratio": round(t / best, 2), "rss_mb": round(rss)})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--export-rows", type=int, default=10000)
    ap.add_argument("--empty-rows", type=int, default=1000000)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    report: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "台账.xlsx"
        generate("make_ledger", ledger, args.rows)
        results = {name: run(body, ledger, args.rows, args.runs, args.timeout) for name, body in READERS.items()}
        report["read"] = table(f"Reading a {args.rows:,}-row 台账 ({ledger.stat().st_size / 1e6:.1f} MB)", results,
                               args.timeout)
        out = Path(tmp) / "export.xlsx"
        results = {name: run(body, out, args.export_rows, args.runs, args.timeout) for name, body in WRITERS.items()}
        report["write"] = table(f"Writing {args.export_rows:,} hazards × 20 columns", results, args.timeout)
        if args.empty_rows:
            empty = Path(tmp) / "空行.xlsx"
            generate("make_empty_rows", empty, args.empty_rows)
            results = {name: run(READERS[name], empty, 0, 1, args.timeout)
                       for name in ("calamine", "openpyxl read-only")}
            report["empty"] = table(f"Reading 5 rows + {args.empty_rows:,} empty formatted rows "
                                    f"({empty.stat().st_size / 1e6:.1f} MB)", results, args.timeout)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
