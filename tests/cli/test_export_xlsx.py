"""`hjp export xlsx`: the demo ledger as a workbook, re-opened by openpyxl, calamine and LibreOffice;
the clerk's own template filled below its header; no 举报人 identity anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hjp.cli import app

AS_OF = "2026-11-30"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ledger"
    from hjp.demo import generate

    generate(root, villages=3, hazards=300, seed=1)
    return root


@pytest.fixture
def exported(demo, here) -> Path:
    r = invoke("export", "xlsx", "--ledger", str(demo), "--as-of", AS_OF, "-o", "台账.xlsx")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ("隐患 300 条；任务 34 条；演练 76 条；单位 24 条；检查 230 条；培训 13 条\n"
                        "已导出 台账.xlsx（统计日 2026-11-30）\n")
    return here / "台账.xlsx"


HAZARD_HEADERS = ("隐患编号", "所属村", "隐患名称", "所属单位", "隐患部位", "行业领域", "隐患等级", "隐患来源", "发现日期",
                  "发现人", "判定依据", "检查编号", "整改责任人", "整改措施", "整改资金（元）", "整改时限", "防范措施和预案", "挂牌督办", "挂牌日期",
                  "整改完成日期", "验收人", "销号日期", "佐证材料", "备注", "作废日期", "作废原因", "状态", "期限状态",
                  "逾期天数")


def test_one_sheet_per_kind_with_chinese_headers_frozen_and_filtered(exported):
    wb = openpyxl.load_workbook(exported)
    assert wb.sheetnames == ["隐患", "任务", "阶段目标", "落实记录", "进展", "演练", "单位", "检查", "培训", "参训人员", "说明"]
    ws = wb["隐患"]
    assert tuple(c.value for c in ws[1]) == HAZARD_HEADERS
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == "A1:AC301"
    assert ws.max_row == 301
    assert [c.value for c in wb["任务"][1]][:4] == ["任务编号", "所属村", "任务名称", "所属行动"]
    assert [c.value for c in wb["阶段目标"][1]] == ["任务编号", "序号", "目标期限", "目标内容", "完成日期", "佐证材料"]
    assert [c.value for c in wb["单位"][1]][:5] == ["单位编号", "所属村", "单位名称", "行业领域", "主要负责人"]


def test_dates_are_date_cells_and_widths_fit_chinese(exported, demo):
    from hjp.load import load_ledger

    led = load_ledger(demo, cache=False)
    first = next(h for _s, h in led.hazards())
    ws = openpyxl.load_workbook(exported)["隐患"]
    row = {h: c for h, c in zip(HAZARD_HEADERS, ws[2])}
    assert row["隐患编号"].value == first.id
    assert row["发现日期"].value == datetime.combine(first.found_on, datetime.min.time())
    assert row["发现日期"].number_format == "yyyy\\-mm\\-dd"
    assert row["隐患名称"].value == first.title
    longest = max(len(h.title) for _s, h in led.hazards())
    assert ws.column_dimensions["C"].width == 2 * longest + 2  # Chinese characters count twice
    assert ws.column_dimensions["A"].width == len(first.id) + 2


def test_status_deadline_state_and_overdue_rows(exported, demo):
    """状态 in the shared wording (逾期未整改（N天）…), 期限状态 as hjp overdue lists it, red and yellow rows."""
    from hjp.deadlines import compute
    from hjp.load import load_ledger

    led = load_ledger(demo, cache=False)
    day = date.fromisoformat(AS_OF)
    found = compute(led, as_of=day)
    overdue = {i.id: i.days for i in found.overdue if i.kind == "hazard"}
    awaiting = {i.id for i in found.awaiting_closure}
    soon = {i.id: -i.days for i in found.due_soon if i.kind == "hazard"}
    ws = openpyxl.load_workbook(exported)["隐患"]
    seen = {"overdue": 0, "awaiting": 0}
    for (_slug, h), cells in zip(led.hazards(), ws.iter_rows(min_row=2)):
        status, state, days = cells[26].value, cells[27].value, cells[28].value
        fill = cells[0].fill.fgColor.rgb if cells[0].fill.fill_type else None
        if h.void is not None:
            assert (status, state, days, fill) == ("已作废", None, None, None)
        elif h.id in overdue:
            seen["overdue"] += 1
            n = overdue[h.id]
            assert (status, state, days, fill) == (f"逾期未整改（{n}天）", "逾期", n, "FFFFC7CE")
        elif h.id in awaiting:
            seen["awaiting"] += 1
            assert status.startswith("已整改待验收（超期") and (state, fill) == ("待销号", "FFFFC7CE")
        elif h.id in soon:
            assert (status, fill) == ("整改中", "FFFFEB9C")
            assert state == f"即将到期（{soon[h.id]}天后）" if soon[h.id] else "即将到期（今天）"
        else:
            assert status in ("已销号", "已整改待验收", "整改中") and (state, days, fill) == (None, None, None)
    assert seen["overdue"] == len(overdue) > 0 and seen["awaiting"] == len(awaiting) > 0


def test_no_reporter_identity_anywhere(exported, demo, tmp_path):
    """Every sealed identity of the demo, decrypted with its key: none is in any cell, nor a 举报人 column."""
    from hjp import sealed

    key = demo.parent / f"{demo.name}.demo-key.txt"
    identity = sealed.load_identity(key, demo)
    names = []
    for f in sorted(sealed.sealed_dir(demo).glob(f"*{sealed.SUFFIX}")):
        text, _ = sealed.unseal(f.name[:-len(sealed.SUFFIX)], f.read_bytes(), identity, display=f.name)
        if "（" in text:  # a person's name, "徐明（合成数据）" (others are "匿名群众", "村民")
            names.append(text.split("（")[0])
    assert names
    # a synthetic 举报人 may share a name with a person the ledger names in the clear (an inspection's
    # participant, a principal): only names found nowhere in the ledger's own files can tell a leak
    clear = "".join(p.read_text(encoding="utf-8") for p in demo.rglob("*.yaml"))
    names = [n for n in names if n not in clear]
    assert names
    wb = openpyxl.load_workbook(exported)
    values = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "举报人" not in [c.value for c in wb["隐患"][1]]
    assert [n for n in names if any(n in v for v in values)] == []


def test_calamine_reads_it_back(exported, demo):
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(exported)).get_sheet_by_name("隐患")
    rows = sheet.to_python()
    assert tuple(rows[0]) == HAZARD_HEADERS
    assert isinstance(rows[1][8], date)


def _calc() -> str | None:
    """soffice, when LibreOffice Calc is installed (the Writer-only package cannot open .xlsx)."""
    soffice = shutil.which("soffice")
    calc = Path(soffice).resolve().parent / "libsclo.so" if soffice else None
    return soffice if calc is not None and calc.exists() else None


def test_libreoffice_opens_it(exported, tmp_path):
    soffice = _calc()
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice Calc is not installed (CI installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice Calc is not installed")
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    'csv:Text - txt - csv (StarCalc):44,34,76', "--outdir", str(out), str(exported)],
                   capture_output=True, timeout=180, check=True)
    lines = (out / "台账.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(HAZARD_HEADERS)
    assert lines[1].startswith("YH-2024-0001,何家畔村,")


def test_one_village(demo, here):
    r = invoke("export", "xlsx", "--ledger", str(demo), "--as-of", AS_OF, "--village", "hejiapan")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.endswith("已导出 何家畔村台账-2026-11-30.xlsx（统计日 2026-11-30）\n")
    ws = openpyxl.load_workbook(here / "何家畔村台账-2026-11-30.xlsx")["隐患"]
    assert {c.value for c in ws["B"][1:]} == {"何家畔村"}


def test_refusals(demo, here):
    r = invoke("export", "xlsx", "--ledger", str(demo), "--village", "nowhere")
    assert r.exit_code == 2 and r.stderr == (
        "hjp: 错误：台账中没有村 nowhere；--village 可写村目录名或村名，台账中的村：hejiapan（何家畔村）、huangzhai（黄寨村）、"
        "zhangjuyuan（张举塬村）\n")
    (here / "x.xlsx").write_bytes(b"keep")
    r = invoke("export", "xlsx", "--ledger", str(demo), "-o", "x.xlsx")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：x.xlsx 已存在；请换一个文件名，或加 --force 覆盖\n")
    assert (here / "x.xlsx").read_bytes() == b"keep"


def test_a_ledger_with_errors_is_not_exported(make_ledger, here):
    root = make_ledger({"villages/cun/hazards.yaml": "hazards:\n  - id: YH-1\n    title: 缺字段\n"})
    r = invoke("export", "xlsx", "--ledger", str(root), "-o", "x.xlsx")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == "ledger/villages/cun/hazards.yaml:2:5: error HJP102: 缺少必填字段 sector（行业领域）；请补上"
    assert r.stderr.endswith("hjp: 错误：台账有 5 处错误，有错误的记录无法导出；请先运行 hjp validate 改正\n")
    assert not (here / "x.xlsx").exists()


def make_template(path: Path) -> None:
    """A county form: merged title, 填报单位/日期 blanks, header, three bordered blank rows, a merged
    sign-off line and a note under it."""
    from openpyxl.styles import Border, Font, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "隐患排查整治台账"
    ws["A1"] = "安全生产隐患排查整治台账"
    ws["A1"].font = Font(size=18, bold=True)
    ws.merge_cells("A1:G1")
    ws["A2"] = "填报单位："
    ws["E2"] = "填报日期："
    for c, h in enumerate(["序号", "隐患名称", "整改责任人", "整改时限", "举报人", "状态", "签字"], 1):
        ws.cell(3, c, h)
    thin = Side(style="thin")
    for r in range(4, 7):
        for c in range(1, 8):
            ws.cell(r, c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A7"] = "填表人：          审核人：          分管领导："
    ws.merge_cells("A7:G7")
    ws.row_dimensions[7].height = 30
    ws["A8"] = "注：本表每月5日前报镇应急办。"
    wb.save(path)


def test_fill_the_clerks_template(demo, here):
    make_template(here / "模板.xlsx")
    before = (here / "模板.xlsx").read_bytes()
    r = invoke("export", "xlsx", "--ledger", str(demo), "--as-of", AS_OF, "--village", "hejiapan",
               "--template", "模板.xlsx", "-o", "填好.xlsx")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == "hjp: 提示：模板“隐患排查整治台账”有举报人列；举报人身份保密，不导出，该列留空\n"
    from hjp.load import load_ledger

    hazards = [h for s, h in load_ledger(demo, cache=False).hazards() if s == "hejiapan"]
    n = len(hazards)
    assert r.stdout == (f"隐患排查整治台账：第 3 行下填入{n}条（未填写的列：签字）\n"
                        "已导出 填好.xlsx（统计日 2026-11-30）\n")
    assert (here / "模板.xlsx").read_bytes() == before  # the template itself is untouched
    ws = openpyxl.load_workbook(here / "填好.xlsx").active
    assert ws["A1"].value == "安全生产隐患排查整治台账" and ws["A1"].font.b and "A1:G1" in [str(m) for m in ws.merged_cells.ranges]
    assert (ws["A2"].value, ws["E2"].value) == ("填报单位：何家畔村", "填报日期：2026年11月30日")
    assert [ws.cell(4 + i, 1).value for i in range(n)] == list(range(1, n + 1))
    assert [ws.cell(4 + i, 2).value for i in range(n)] == [h.title for h in hazards]
    assert ws.cell(4, 4).value == datetime.combine(hazards[0].rectification.deadline, datetime.min.time())
    assert {ws.cell(4 + i, 5).value for i in range(n)} == {None}  # 举报人 stays empty
    assert ws.cell(4 + n - 1, 2).border.left.style == "thin"  # inserted rows take the form's style
    sign = 4 + n
    assert ws.cell(sign, 1).value == "填表人：          审核人：          分管领导："
    assert f"A{sign}:G{sign}" in [str(m) for m in ws.merged_cells.ranges]
    assert ws.row_dimensions[sign].height == 30
    assert ws.cell(sign + 1, 1).value == "注：本表每月5日前报镇应急办。"


def test_a_template_without_a_known_header(demo, here):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便写点什么"
    wb.save(here / "空模板.xlsx")
    r = invoke("export", "xlsx", "--ledger", str(demo), "--template", "空模板.xlsx", "-o", "x.xlsx")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：模板 空模板.xlsx 中没有能认出表头的工作表；"
                                          "表头须含“隐患名称”“整改时限”等列名\n")
    assert not (here / "x.xlsx").exists()
