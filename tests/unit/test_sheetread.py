"""Reading clerks' 台账: header below title rows, synonyms, skipped rows, dates in every form, and
the cells and files it cannot read, each named."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from hjp.sheetcols import COLUMNS, match_header, model_fields
from hjp.sheetread import (CellError, SheetError, cell_ref, convert, locate_table, open_sheet, parse_date,
                           sheet_line)

FIELDS = {k: model_fields(k) for k in COLUMNS}


def table_of(path: Path, kind: str | None = None, sheet: str | None = None):
    return locate_table(open_sheet(path, sheet=sheet, display=path.name), kind=kind, fields=FIELDS)


def xlsx(path: Path, sheet_xml: str, *, name: str = "隐患台账", extra: dict[str, str] | None = None) -> Path:
    """A minimal .xlsx around hand-written sheet XML (inline strings), for what no writer will make:
    formulas without a cached value, error values, a million formatted empty rows."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                   '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                   'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats'
                   '-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   f'officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/>'
                   '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http:'
                   '//schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
                   'sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                   f'schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_xml}</worksheet>')
        for part, text in (extra or {}).items():
            z.writestr(part, text)
    return path


def s(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_XML = ('<row r="1">' + s("A1", "序号") + s("B1", "隐患内容") + s("C1", "整改责任人") + s("D1", "整改期限") + "</row>")


def make_ledger(path: Path) -> Path:
    """A 台账 as a village makes it: merged title, 填报单位/日期 line, header with a line break in a
    name, dates in five forms, a 合计 row, blank rows, a numbered empty row, sign-off lines."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    ws["A1"] = "何家畔村安全生产隐患排查整治台账"
    ws.merge_cells("A1:I1")
    ws["A2"] = "填报单位：何家畔村（盖章）"
    ws["G2"] = "填报日期：2026年11月30日"
    rows = {3: ["序号", "隐患内容", "所属单位", "隐患\n部位", "隐患级别", "排查时间", "整改责任人", "整改期限",
                "整改资金（万元）", "整改情况", "备注"],
            4: [1, "灭火器过期", "何家畔加油站", "便利店", "一般隐患", datetime(2024, 3, 31), "王某", "2024/4/30", 0.03, "已整改"],
            5: [2, "疏散通道堵塞", "何家畔加油站", "二楼", "重大隐患", 45383, "王某", "2024年5月1日", 1.5, "整改中",
                "需县级督办"],
            6: [3, "配电箱无门", "何家畔农机修理部", "车间", "一般", "2024.4.3", "李某", "20240510"],
            8: [4],
            9: [5, "液化气瓶无防倾倒", "何家畔饭店", "后厨", "一般", "2024-4-5", "赵某", "2024-4-20"],
            10: ["合计", "4处"],
            12: ["填表人：李某        审核人：张某"],
            13: ["联系电话：0934-1234567"]}
    for r, values in rows.items():
        for c, v in enumerate(values, 1):
            ws.cell(r, c, v)
    ws["F4"].number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def test_a_village_ledger_as_clerks_make_it(tmp_path):
    t = table_of(make_ledger(tmp_path / "台账.xlsx"))
    assert t.kind == "hazard"
    assert t.header_rows == (3,)
    assert [(c.index, c.column.path if c.column else c.match.derived if c.match else None) for c in t.columns] == [
        (1, "seq"), (2, ("title",)), (3, ("unit",)), (4, ("location",)), (5, ("level",)), (6, ("found_on",)),
        (7, ("rectification", "owner")), (8, ("rectification", "deadline")), (9, ("rectification", "funds")),
        (10, "status"), (11, ("notes",))]
    assert [r for r, _ in t.rows] == [4, 5, 6, 9]
    assert t.skipped == {"只有序号的空行": 1, "合计、小计行": 1, "落款、签字行": 2}
    assert t.meta == {"填报单位": "何家畔村（盖章）", "填报日期": "2026年11月30日"}
    assert t.diagnostics == []
    cols = t.by_path()
    found = [convert(cols[("found_on",)].column, v[5], ref=cell_ref(r, 6)) for r, v in t.rows]
    assert found == [date(2024, 3, 31), date(2024, 4, 1), date(2024, 4, 3), date(2024, 4, 5)]
    due = [convert(cols[("rectification", "deadline")].column, v[7]) for r, v in t.rows]
    assert due == [date(2024, 4, 30), date(2024, 5, 1), date(2024, 5, 10), date(2024, 4, 20)]
    funds = cols[("rectification", "funds")]
    assert funds.hint == "万元"
    assert [convert(funds.column, v[8], hint=funds.hint) for _r, v in t.rows[:2]] == [300, 15000]
    assert [convert(cols[("level",)].column, v[4]) for _r, v in t.rows] == ["一般", "重大", "一般", "一般"]


def test_a_two_row_header_under_a_merged_group(tmp_path):
    import openpyxl

    path = tmp_path / "两行表头.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for ref, text in (("A1", "序号"), ("B1", "存在问题"), ("C1", "整改“五定”"), ("F1", "销号时间"),
                      ("C2", "责任人"), ("D2", "时限"), ("E2", "措施")):
        ws[ref] = text
    for rng in ("A1:A2", "B1:B2", "C1:E1", "F1:F2"):
        ws.merge_cells(rng)
    for c, v in enumerate([1, "消防栓无水", "王某", "2024-5-1", "维修", "2024-5-3"], 1):
        ws.cell(3, c, v)
    wb.save(path)
    t = table_of(path)
    assert t.header_rows == (1, 2)
    assert [(c.header, c.column.path if c.column else None) for c in t.columns if c.column] == [
        ("存在问题", ("title",)), ("责任人", ("rectification", "owner")), ("时限", ("rectification", "deadline")),
        ("措施", ("rectification", "measures")), ("销号时间", ("closed_on",))]
    assert [r for r, _ in t.rows] == [3]


@pytest.mark.parametrize("value,expected", [
    ("2024/3/31", date(2024, 3, 31)), ("2024.3.31", date(2024, 3, 31)), ("2024-3-31", date(2024, 3, 31)),
    ("2024年3月31日", date(2024, 3, 31)), ("20240331", date(2024, 3, 31)), (20240331, date(2024, 3, 31)),
    (45382, date(2024, 3, 31)), (45382.0, date(2024, 3, 31)), (datetime(2024, 3, 31, 9, 30), date(2024, 3, 31)),
    (date(2024, 3, 31), date(2024, 3, 31)), ("２０２４／３／３１", date(2024, 3, 31)), (" 2024-03-31 00:00:00", date(2024, 3, 31)),
])
def test_dates_in_every_form(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value,message", [
    ("2024/2/30", "C5 的日期“2024/2/30”不存在（月份或日期超出范围）；请核对"),
    ("下周一", "C5 的日期“下周一”无法识别；请写成 2024-03-31、2024/3/31 或 2024年3月31日"),
    (12, "C5 的“12”不是日期；请写成 2024-03-31（或设为日期格式）"),
])
def test_dates_that_cannot_be_read_name_the_cell(value, message):
    with pytest.raises(CellError) as e:
        parse_date(value, ref="C5")
    assert str(e.value) == message


def test_a_deadline_in_days_is_a_count():
    assert parse_date(30, days_after=True) == 30
    assert parse_date("7天", days_after=True) == 7
    assert parse_date(45382, days_after=True) == date(2024, 3, 31)


@pytest.mark.parametrize("kind,path,value,expected", [
    ("hazard", ("level",), "重大事故隐患", "重大"), ("hazard", ("level",), " 一般 ", "一般"),
    ("hazard", ("source",), "企业自查", "自查"), ("hazard", ("source",), "12345热线", "举报"),
    ("hazard", ("source",), "县应急局执法检查", "检查"), ("hazard", ("supervision", "level"), "县级挂牌督办", "县级"),
    ("hazard", ("supervision", "level"), "否", None), ("hazard", ("title",), "  —  ", None),
    ("drill", ("kind",), "消防疏散演练", "疏散逃生"), ("drill", ("kind",), "桌面推演", "桌面"),
    ("drill", ("participants",), "35人", 35), ("unit", ("drill_required",), "否", False),
    ("task", ("every",), "每季度", "quarter"), ("task", ("lead",), "张三、李四", ["张三", "李四"]),
    ("unit", ("phone",), 13900001111.0, "13900001111"),
])
def test_values_of_each_type(kind, path, value, expected):
    col = next(c for c in COLUMNS[kind] if c.path == path)
    assert convert(col, value) == expected


def test_a_level_it_does_not_know_says_the_choices():
    col = next(c for c in COLUMNS["hazard"] if c.path == ("level",))
    with pytest.raises(CellError, match="E7 的隐患等级“较大”不认识；请填 一般 或 重大"):
        convert(col, "较大", ref="E7")


@pytest.mark.parametrize("header,path", [
    ("隐患名称", ("title",)), ("存在问题", ("title",)), ("隐患描述", ("title",)), ("整改时限", ("rectification", "deadline")),
    ("完成时限", ("rectification", "deadline")), ("整改期限（天）", ("rectification", "deadline")),
    ("责任人", ("rectification", "owner")), ("整改\n责任人", ("rectification", "owner")), ("隐患级别", ("level",)),
    ("检查日期", ("found_on",)), ("位置", ("location",)), ("单位名称", ("unit",)), ("复查人", ("verified_by",)),
    ("销号时间", ("closed_on",)), ("来源", ("source",)), ("整改资金（元）", ("rectification", "funds")),
    ("*隐患名称", ("title",)),
])
def test_the_usual_synonyms(header, path):
    m = match_header(header, "hazard", FIELDS["hazard"])
    assert m is not None and m.column is not None and m.column.path == path


def test_formulas_without_a_value_and_error_values_are_named(tmp_path):
    path = xlsx(tmp_path / "公式.xlsx", "<sheetData>" + HEADER_XML
                + '<row r="2"><c r="A2"><f>ROW()-1</f></c>' + s("B2", "灭火器过期") + s("C2", "王某")
                + '<c r="D2"><f>DATE(2024,4,30)</f></c></row>'
                + '<row r="3"><c r="A3"><f>ROW()-1</f><v>2</v></c>' + s("B3", "通道堵塞") + s("C3", "王某")
                + '<c r="D3" t="e"><f>#REF!+1</f><v>#REF!</v></c></row></sheetData>')
    raw = open_sheet(path)
    assert {cell: str(why) for cell, why in raw.unreadable.items()} == {(2, 1): "是没有计算结果的公式", (2, 4): "是没有计算结果的公式", (3, 4): "是错误值 #REF!"}


def test_pictures_in_cells_are_found_and_not_read_as_text(tmp_path):
    path = xlsx(tmp_path / "照片.xlsx", "<sheetData>" + HEADER_XML + '<row r="2">' + s("B2", "灭火器过期")
                + s("C2", "王某") + s("D2", "2024-4-30")
                + '<c r="E2" t="str"><f>_xlfn.DISPIMG("ID_0A1B",1)</f><v>=DISPIMG("ID_0A1B",1)</v></c></row></sheetData>')
    raw = open_sheet(path)
    assert raw.pictures == {(2, 5)}
    assert raw.rows[1] == (2, [None, "灭火器过期", "王某", "2024-4-30", None])


def test_merged_cells_spanning_data_rows(tmp_path):
    path = xlsx(tmp_path / "合并.xlsx", "<sheetData>" + HEADER_XML
                + '<row r="2">' + s("B2", "灭火器过期") + s("C2", "王某") + s("D2", "2024-4-30") + "</row>"
                + '<row r="3">' + s("B3", "通道堵塞") + s("D3", "2024-5-30") + "</row>"
                + '</sheetData><mergeCells count="1"><mergeCell ref="C2:C3"/></mergeCells>')
    t = table_of(path)
    assert [sheet_line(d) for d in t.diagnostics] == [
        "合并.xlsx!隐患台账:2: error HJP616: C2:C3 是合并单元格，跨了 2 行数据，只有第一行有值；请取消合并，"
        "把内容填到每一行（WPS：开始→合并居中→拆分并填充内容）"]


def test_a_million_formatted_empty_rows_read_in_seconds(tmp_path):
    """Someone drew borders down to row 1,000,000: the reader does not walk a million rows in Python."""
    empty = "".join(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="B{r}" s="1"/></row>'
                    for r in range(3, 1_000_001))
    path = xlsx(tmp_path / "空行.xlsx", "<sheetData>" + HEADER_XML + '<row r="2">' + s("B2", "灭火器过期")
                + s("C2", "王某") + s("D2", "2024-4-30") + "</row>" + empty + "</sheetData>")
    t = table_of(path)
    assert [r for r, _ in t.rows] == [2]


def test_csv_in_utf8_and_gbk(tmp_path):
    text = "序号,隐患名称,整改责任人,整改时限\n1,灭火器过期,王某,2024/4/30\n\n合计,1处,,\n"
    (tmp_path / "u.csv").write_text(text, encoding="utf-8-sig")
    (tmp_path / "g.csv").write_bytes(text.encode("gbk"))
    for name in ("u.csv", "g.csv"):
        t = table_of(tmp_path / name)
        assert t.raw.display.endswith(name)
        assert [(r, v[1]) for r, v in t.rows] == [(2, "灭火器过期")]
        assert t.skipped == {"合计、小计行": 1}


@pytest.mark.parametrize("name,content,message", [
    ("旧.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "旧.xls 是旧版 Excel（.xls）格式；请在 Excel 或 WPS 中打开后“另存为” Excel 工作簿（.xlsx）再导入"),
    ("改名.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "改名.xlsx 其实是旧版 Excel（.xls）文件，只是扩展名为 .xlsx；"
                                                                    "请在 Excel 或 WPS 中打开后“另存为” Excel 工作簿（.xlsx）再导入"),
    ("密码.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600,
     "密码.xlsx 设置了打开密码，无法读取；请在 Excel 或 WPS 中打开，取消密码（文件→文档加密/保护工作簿→密码）后另存一份再导入"),
    ("坏.xlsx", b"PK\x03\x04broken zip", "坏.xlsx 不是有效的 .xlsx 文件（可能已损坏）；请在 Excel 或 WPS 中打开后另存一份再导入"),
    ("文本.xlsx", b"just text", "文本.xlsx 不是有效的 .xlsx 文件（可能已损坏）；请在 Excel 或 WPS 中打开后另存一份再导入"),
    ("图.png", b"\x89PNG", "图.png 不是能导入的表格；请提供 .xlsx 或 .csv 文件"),
])
def test_files_it_cannot_read(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SheetError) as e:
        open_sheet(tmp_path / name, display=name)
    assert (e.value.message, e.value.code) == (message, 2)


def test_a_missing_sheet_lists_the_sheets(tmp_path):
    path = make_ledger(tmp_path / "台账.xlsx")
    with pytest.raises(SheetError) as e:
        open_sheet(path, sheet="隐患", display="台账.xlsx")
    assert e.value.message == "台账.xlsx 中没有名为“隐患”的工作表；有：隐患台账"


def test_a_header_it_cannot_map_lists_what_it_found_and_knows(tmp_path):
    path = xlsx(tmp_path / "乱.xlsx", '<sheetData><row r="1">' + s("A1", "甲") + s("B1", "乙") + "</row>"
                + '<row r="2">' + s("A2", "1") + s("B2", "2") + "</row></sheetData>")
    with pytest.raises(SheetError) as e:
        table_of(path, kind="hazard")
    msg = e.value.message
    assert msg.startswith("乱.xlsx!隐患台账:1: 找不到表头：前 30 行中没有一行能认出两个以上的列名（第 1 行是：甲、乙）。"
                          "认识的列名有——hazard：隐患编号、隐患名称、所属单位、隐患部位、行业领域、隐患等级、")
    assert msg.endswith("。请把表头改成这些名称之一，或在表头上方删去多余的行")


def test_the_kind_is_recognised_from_the_headers(tmp_path):
    for name, header, kind in (("单位.csv", "单位名称,主要负责人,行业领域,联系电话", "unit"),
                               ("演练.csv", "演练名称,演练类型,实施日期,参演人数", "drill"),
                               ("任务.csv", "任务名称,牵头,完成时限", "task")):
        (tmp_path / name).write_text(header + "\n" + ",".join("x" * len(header.split(","))) + "\n", encoding="utf-8")
        assert table_of(tmp_path / name).kind == kind


def test_two_columns_for_one_field(tmp_path):
    (tmp_path / "重复.csv").write_text("隐患名称,存在问题,整改时限\n甲,乙,2024-1-1\n", encoding="utf-8")
    t = table_of(tmp_path / "重复.csv")
    assert [sheet_line(d) for d in t.diagnostics] == [
        "重复.csv:1: error HJP612: B1“存在问题”和 A1“隐患名称”都是“隐患名称”；请删去或改名其中一列"]
