"""`hjp import xlsx`: a clerk's sheet into the ledger in one transaction; the same sheet twice adds
nothing; conflicts, unknown units, missing columns and unreadable cells refused at their rows;
举报人 sealed; export then import gives back every record of the demo ledger."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from hjp.cli import app

UNITS = """\
units:
  - id: DW-cun-01
    name: 何家畔加油站
    sector: 危险化学品
    principal: 张某
  - id: DW-cun-02
    name: 何家畔饭店
    sector: 餐饮燃气
    principal: 李某
"""

HEADER = ["序号", "隐患内容", "所属单位", "隐患\n部位", "隐患级别", "排查时间", "整改责任人", "整改期限", "整改资金（万元）",
          "整改情况", "整改前照片说明"]
ROWS = [
    [1, "灭火器过期", "何家畔加油站", "便利店", "一般隐患", datetime(2024, 3, 31), "王某", "2024/4/30", None, "已整改", "见附图"],
    [2, "液化气瓶无防倾倒链", "何家畔饭店", "后厨", "一般", "2024.4.3", "赵某", "20240510", None, "整改中"],
    [3, "卸油口无静电接地", " 何家畔加油站 ", "卸油区", "一般隐患", 45385, "王某", "2024年6月30日", 0.3],
]

HAZARDS = """\
# yaml-language-server: $schema=../../../schemas/hazards.schema.json
hazards:
  - id: YH-2024-0001
    title: 灭火器过期
    unit: DW-cun-01
    location: 便利店
    sector: 危险化学品
    level: 一般
    source: 检查
    found_on: 2024-03-31
    rectification:
      owner: 王某
      deadline: 2024-04-30
    notes: 整改前照片说明：见附图
  - id: YH-2024-0002
    title: 液化气瓶无防倾倒链
    unit: DW-cun-02
    location: 后厨
    sector: 餐饮燃气
    level: 一般
    source: 检查
    found_on: 2024-04-03
    rectification:
      owner: 赵某
      deadline: 2024-05-10
  - id: YH-2024-0003
    title: 卸油口无静电接地
    unit: DW-cun-01
    location: 卸油区
    sector: 危险化学品
    level: 一般
    source: 检查
    found_on: 2024-04-03
    rectification:
      owner: 王某
      funds: 3000
      deadline: 2024-06-30
"""

WARNINGS = [
    "台账.xlsx!隐患台账:3: warning HJP618: K3“整改前照片说明”不是台账的字段，这一列的内容已记入备注（notes，写作“列名：内容”）",
    "台账.xlsx!隐患台账:4: warning HJP625: J4 写着“已整改”，但这一行没有整改完成日期，导入后状态为整改中；"
    "请在表中补上整改完成日期（或导入后用 hjp rectify 登记）",
]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def sheet(path: Path, rows: list[list], header: list[str] = HEADER, *, name: str = "隐患台账") -> Path:
    """A village's 台账: merged title, 填报单位 line, header, rows, a sign-off line under a gap."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    ws["A1"] = "何家畔村安全生产隐患排查整治台账"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A2"] = "填报单位：何家畔村（盖章）"
    for i, h in enumerate(header, 1):
        ws.cell(3, i, h)
    r = 3
    for values in rows:
        r += 1
        for i, v in enumerate(values, 1):
            ws.cell(r, i, v)
    ws.cell(r + 2, 1, "填表人：李某        审核人：张某")
    wb.save(path)
    return path


@pytest.fixture
def ledger(make_ledger):
    return make_ledger({"villages/cun/units.yaml": UNITS})


def run(ledger: Path, *extra: str, file: str = "台账.xlsx"):
    return invoke("import", "xlsx", file, "--village", "cun", "--set", "source=检查", "--ledger", str(ledger), *extra)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".hjp-cache" not in p.parts}


def test_a_clerks_sheet_is_imported(ledger, here):
    sheet(here / "台账.xlsx", ROWS)
    r = run(ledger)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "已导入隐患 3 条：ledger/villages/cun/hazards.yaml；跳过 1 行（落款、签字行 1）\n"
    assert r.stderr.splitlines() == WARNINGS
    assert (ledger / "villages/cun/hazards.yaml").read_text(encoding="utf-8") == HAZARDS
    v = invoke("validate", "--ledger", str(ledger))
    assert (v.exit_code, v.stdout) == (0, "台账检查通过：4 个文件、5 条记录，没有发现问题。\n")


def test_the_same_sheet_twice_adds_nothing(ledger, here):
    sheet(here / "台账.xlsx", ROWS)
    assert run(ledger).exit_code == 0
    before = snapshot(ledger)
    r = run(ledger)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "已导入隐患 0 条：（无）；跳过 4 行（已在台账中 3、落款、签字行 1）\n"
    assert snapshot(ledger) == before


def test_a_row_that_differs_is_a_conflict_and_nothing_is_written(ledger, here):
    sheet(here / "台账.xlsx", ROWS)
    assert run(ledger).exit_code == 0
    before = snapshot(ledger)
    changed = [list(row) for row in ROWS] + [[4, "配电箱无门", "何家畔饭店", "后厨", "一般", "2024-5-1", "赵某", "2024-5-20"]]
    changed[0][7] = "2024/5/31"
    sheet(here / "台账.xlsx", changed)
    r = run(ledger)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        WARNINGS[0],
        "台账.xlsx!隐患台账:4: error HJP620: 第 4 行与台账中已有的 YH-2024-0001 是同一条记录，但内容不同："
        "整改时限 表中为 2024-05-31，台账中为 2024-04-30。导入不修改已有记录：请用 hjp rectify、close 等命令修改台账，"
        "或改正表中这一行",
        WARNINGS[1],
        "hjp: 错误：表中有错误，未导入任何记录；请改正后重新导入"]
    assert snapshot(ledger) == before


def test_validation_of_the_ledger_as_it_would_be_is_told_at_the_row(ledger, here):
    rows = [list(row) for row in ROWS]
    rows[2][4] = "重大隐患"  # a 重大 hazard needs 措施, 资金 and 预案 (HJP203)
    sheet(here / "台账.xlsx", rows)
    before = snapshot(ledger)
    r = run(ledger)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-2:] == [
        "台账.xlsx!隐患台账:6: error HJP203: 重大隐患须落实整改“五定”，缺少：定措施 measures、定预案 contingency；"
        "请在 rectification 下补上（YH-2024-0003）",
        "hjp: 错误：导入后的台账有错误，未导入任何记录；请改正后重新导入"]
    assert snapshot(ledger) == before


def test_a_required_column_missing_names_the_column_and_the_option(ledger, here):
    sheet(here / "台账.xlsx", ROWS)
    r = invoke("import", "xlsx", "台账.xlsx", "--village", "cun", "--ledger", str(ledger))
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        "台账.xlsx!隐患台账:1: error HJP619: 表中没有“隐患来源”列；请在表中加上这一列，或用 --set source=检查 给整张表一个默认值",
        *WARNINGS, "hjp: 错误：表中有错误，未导入任何记录；请改正后重新导入"]
    rows = ROWS + [[4, "路边堆放秸秆", None, "村道", "一般", "2024-5-1", "赵某", "2024-5-20"]]
    sheet(here / "台账.xlsx", rows)
    r = run(ledger)
    assert r.exit_code == 1
    assert "台账.xlsx!隐患台账:7: error HJP619: 第 7 行缺少行业领域；这一行没有所属单位可以推出；请在表中加上“行业领域”列，" \
           "或用 --set sector=… 给默认值" in r.stderr.splitlines()
    assert run(ledger, "--set", "行业领域=消防").exit_code == 0
    assert [h["sector"] for h in yaml.safe_load((ledger / "villages/cun/hazards.yaml").read_text(encoding="utf-8"))
            ["hazards"]] == ["危险化学品", "餐饮燃气", "危险化学品", "消防"]


def test_an_unknown_unit_lists_close_names_or_is_created(ledger, here):
    rows = [list(row) for row in ROWS]
    rows[0][2] = "何家畔加油占"
    rows[1][2] = "何家畔农家乐"
    sheet(here / "台账.xlsx", rows)
    r = run(ledger, "--set", "sector=消防")
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines == [
        WARNINGS[0],
        "台账.xlsx!隐患台账:4: error HJP623: C4 的单位“何家畔加油占”不在本村的生产经营单位中（相近的有：何家畔加油站）；"
        "请改成已登记的名称，或加 --create-units 同时新建这些单位",
        WARNINGS[1],
        "台账.xlsx!隐患台账:5: error HJP623: C5 的单位“何家畔农家乐”不在本村的生产经营单位中（本村的单位有：何家畔加油站、"
        "何家畔饭店）；请改成已登记的名称，或加 --create-units 同时新建这些单位",
        "hjp: 错误：表中有错误，未导入任何记录；请改正后重新导入"]
    rows[0][2] = "何家畔加油站"
    sheet(here / "台账.xlsx", rows)
    r = run(ledger, "--set", "sector=消防", "--create-units")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == "已新建生产经营单位 DW-cun-03 何家畔农家乐（第5行）：主要负责人写作“待补充”，请补全"
    units = yaml.safe_load((ledger / "villages/cun/units.yaml").read_text(encoding="utf-8"))["units"]
    assert units[-1] == {"id": "DW-cun-03", "name": "何家畔农家乐", "sector": "消防", "principal": "待补充",
                         "notes": "由 hjp import 按隐患台账新建，主要负责人等请补全"}
    hazards = yaml.safe_load((ledger / "villages/cun/hazards.yaml").read_text(encoding="utf-8"))["hazards"]
    assert hazards[1]["unit"] == "DW-cun-03"


def test_cells_it_cannot_read_are_named_and_nothing_is_written(ledger, here):
    rows = [list(row) for row in ROWS]
    rows[0][5] = "2024/13/01"
    rows[1][4] = "较大"
    rows[2][7] = "=DATE(2024,6,30)"  # openpyxl saves a formula without its value
    sheet(here / "台账.xlsx", rows)
    before = snapshot(ledger)
    r = run(ledger)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        "台账.xlsx!隐患台账:3: warning HJP618: K3“整改前照片说明”不是台账的字段，这一列的内容已记入备注（notes，写作“列名：内容”）",
        "台账.xlsx!隐患台账:4: error HJP617: F4 的日期“2024/13/01”不存在（月份或日期超出范围）；请核对",
        WARNINGS[1],
        "台账.xlsx!隐患台账:5: error HJP617: E5 的隐患等级“较大”不认识；请填 一般 或 重大（一般隐患、重大隐患也可以）",
        "台账.xlsx!隐患台账:6: error HJP614: H6（整改期限）是没有计算结果的公式，读不出内容；请在 Excel 或WPS 中打开，"
        "确认公式能算出结果后保存（或“复制→选择性粘贴→数值”）再导入",
        "hjp: 错误：表中有错误，未导入任何记录；请改正后重新导入"]
    assert snapshot(ledger) == before


def test_dry_run_lists_and_writes_nothing(ledger, here):
    sheet(here / "台账.xlsx", ROWS)
    before = snapshot(ledger)
    r = run(ledger, "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ("  第4行 → YH-2024-0001 灭火器过期\n  第5行 → YH-2024-0002 液化气瓶无防倾倒链\n"
                        "  第6行 → YH-2024-0003 卸油口无静电接地\n"
                        "将导入隐患 3 条：ledger/villages/cun/hazards.yaml；跳过 1 行（落款、签字行 1）。未写入（--dry-run）\n")
    assert snapshot(ledger) == before


def test_kind_and_sheet_options(ledger, here):
    sheet(here / "台账.xlsx", ROWS)
    assert run(ledger, "--kind", "hazards", "--dry-run").exit_code == 0
    assert run(ledger, "--kind", "隐患", "--dry-run").exit_code == 0
    r = run(ledger, "--kind", "accidents")
    from hjp import kinds

    known = "、".join(k.noun for k in kinds.KINDS)
    assert (r.exit_code, r.stderr) == (2, f"hjp: 错误：--kind accidents 不认识；可用：{known}\n")
    r = run(ledger, "--sheet", "Sheet2")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：台账.xlsx 中没有名为“Sheet2”的工作表；有：隐患台账\n")
    r = run(ledger, "--kind", "drill")
    assert r.exit_code == 2 and r.stderr.startswith("hjp: 错误：台账.xlsx!隐患台账:3: 找不到表头")


def test_a_gbk_csv(ledger, here):
    text = "隐患名称,所属单位,隐患等级,发现日期,整改责任人,整改时限\n灭火器过期,何家畔加油站,一般,2024/3/31,王某,2024/4/30\n"
    (here / "台账.csv").write_bytes(text.encode("gbk"))
    r = run(ledger, file="台账.csv")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "已导入隐患 1 条：ledger/villages/cun/hazards.yaml\n"


def test_commit(ledger, here):
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    import os

    os.environ.update(env)
    subprocess.run(["git", "init", "-q"], cwd=here, check=True)
    subprocess.run(["git", "add", "-A"], cwd=here, check=True)
    subprocess.run(["git", "commit", "-qm", "start"], cwd=here, check=True)
    sheet(here / "台账.xlsx", ROWS)
    r = run(ledger, "--commit")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[-1].endswith(" 导入隐患：台账.xlsx")
    log = subprocess.run(["git", "log", "--format=%s", "--name-only", "-1"], cwd=here, capture_output=True, text=True).stdout
    assert log.split() == ["导入隐患：台账.xlsx", "ledger/villages/cun/hazards.yaml"]


def test_reporter_goes_straight_into_the_sealed_store(ledger, here):
    from hjp import sealed

    secret, public = sealed.generate_identity()
    key = here / "key.txt"
    sealed.write_identity(key, sealed.identity_file_text(secret, public, created=datetime(2026, 11, 30), note="测试"))
    (ledger / "sealed").mkdir()
    (ledger / "sealed" / sealed.RECIPIENTS).write_text(sealed.recipients_text(None, public, "保管人"), encoding="utf-8")
    identity = "王举报 13900001111"
    header = ["隐患名称", "所属单位", "隐患等级", "隐患来源", "发现日期", "整改责任人", "整改时限", "举报人"]
    sheet(here / "台账.xlsx", [["夜间非法储存液化气", "何家畔饭店", "一般", "群众举报", "2024-5-1", "赵某", "2024-5-10", identity]],
          header)
    r = invoke("import", "xlsx", "台账.xlsx", "--village", "cun", "--ledger", str(ledger))
    assert r.exit_code == 0, r.stderr
    assert identity not in r.stdout + r.stderr
    hazard = yaml.safe_load((ledger / "villages/cun/hazards.yaml").read_text(encoding="utf-8"))["hazards"][0]
    assert (hazard["source"], hazard["reporter"]) == ("举报", "已密封")
    store = ledger / "sealed" / "YH-2024-0001.age"
    text, _ = sealed.unseal("YH-2024-0001", store.read_bytes(), sealed.load_identity(key, ledger), display="x")
    assert text == identity
    for path in here.rglob("*"):
        if path.is_file() and path.suffix not in (".xlsx",):
            assert "王举报".encode() not in path.read_bytes(), path


def test_reporter_without_custodians_is_refused(ledger, here):
    header = ["隐患名称", "所属单位", "隐患等级", "隐患来源", "发现日期", "整改责任人", "整改时限", "举报人"]
    sheet(here / "台账.xlsx", [["夜间非法储存液化气", "何家畔饭店", "一般", "举报", "2024-5-1", "赵某", "2024-5-10", "某人"]], header)
    before = snapshot(ledger)
    r = invoke("import", "xlsx", "台账.xlsx", "--village", "cun", "--ledger", str(ledger))
    assert r.exit_code == 1
    assert r.stderr == ("hjp: 错误：表中有举报人，需要密封：还没有举报人信息的保管人（ledger/sealed/recipients.txt 不存在）；"
                        "请保管人先运行 hjp seal init\n")
    assert snapshot(ledger) == before


def test_export_then_import_reproduces_every_kind(here):
    """The demo ledger exported, then imported sheet by sheet into a ledger with only its town and
    villages: every record comes back equal (the 举报人 aside: identities are never exported)."""
    from hjp import kinds
    from hjp.demo import generate
    from hjp.load import load_ledger
    from hjp.sheetcols import SHEET_NAMES

    generate(here / "D", villages=2, hazards=60, seed=3)
    assert invoke("export", "xlsx", "--ledger", "D", "-o", "all.xlsx").exit_code == 0
    new = here / "L"
    (new / "villages").mkdir(parents=True)
    (new / "town.yaml").write_bytes((here / "D/town.yaml").read_bytes())
    for v in (here / "D/villages").iterdir():
        (new / "villages" / v.name).mkdir()
        (new / "villages" / v.name / "village.yaml").write_bytes((v / "village.yaml").read_bytes())
    # every kind hjp knows (inspections and trainings too, once they are kinds); what others refer to
    # first (a hazard's unit, the inspection it was found in)
    sheets = [SHEET_NAMES[k] for k in ("unit", "inspection", "training", "hazard", "drill", "task")
              if k in kinds.BY_NOUN]
    assert len(sheets) == len(kinds.KINDS)
    # units first (the other sheets name them); the rest in one run, as they refer to each other
    # (an inspection's findings are hazards, a hazard was found in an inspection)
    r = invoke("import", "xlsx", "all.xlsx", "--sheet", sheets[0], "--ledger", "L")
    assert r.exit_code == 0, r.stderr
    rest = [a for name in sheets[1:] for a in ("--sheet", name)]
    r = invoke("import", "xlsx", "all.xlsx", *rest, "--ledger", "L")
    assert r.exit_code == 0, r.stderr
    assert [line.split(" ")[0] for line in r.stdout.splitlines()] == [f"已导入{kinds.BY_NOUN[k].label}" for k in (
        "inspection", "training", "hazard", "drill", "task") if k in kinds.BY_NOUN]
    a, b = load_ledger(here / "D", cache=False), load_ledger(new, cache=False)
    for kind in kinds.KINDS:
        want = {r.id: (slug, r.model_dump(exclude={"reporter"})) for slug, r in a.records_of(kind)}
        got = {r.id: (slug, r.model_dump(exclude={"reporter"})) for slug, r in b.records_of(kind)}
        assert want and got == want, kind.noun
    assert any(r.void for k in kinds.KINDS for _s, r in a.records_of(k))  # voided records round-trip too
    # and again: nothing new
    for name in sheets:
        r = invoke("import", "xlsx", "all.xlsx", "--sheet", name, "--ledger", "L")
        assert r.exit_code == 0 and "导入" in r.stdout and " 0 条" in r.stdout, (name, r.stdout, r.stderr)


def test_rows_alike_in_their_key_are_two_records_and_a_pasted_row_is_one(ledger, here):
    """Two 灭火器过期 the same day at the same station (different 责任人) are two hazards; a row pasted
    twice is one. Imported again, the sheet adds nothing: alike rows pair off with their records in order."""
    alike = [1, "灭火器过期", "何家畔加油站", "便利店", "一般", "2024-5-1", "王某", "2024-5-20"]
    other = [2, "灭火器过期", "何家畔加油站", "便利店", "一般", "2024-5-1", "赵某", "2024-5-20"]
    sheet(here / "台账.xlsx", [alike, other, list(alike)], HEADER[:8])
    r = run(ledger)
    assert r.exit_code == 0, r.stderr
    assert r.stderr == "台账.xlsx!隐患台账:6: warning HJP622: 第 6 行与第 4 行完全相同（2024-05-01 灭火器过期），只导入第一行\n"
    hazards = yaml.safe_load((ledger / "villages/cun/hazards.yaml").read_text(encoding="utf-8"))["hazards"]
    assert [h["rectification"]["owner"] for h in hazards] == ["王某", "赵某"]
    before = snapshot(ledger)
    r = run(ledger)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "已导入隐患 0 条：（无）；跳过 3 行（已在台账中 2、落款、签字行 1）\n"
    assert snapshot(ledger) == before


# --- Bad files as clerks send them, made by the tools that make them (openpyxl; LibreOffice for the
# .xls; the encrypted file was encrypted by msoffcrypto-tool as Excel's "encrypt with password" does).

DATA = Path(__file__).parent / "data"


def _merged(path: Path) -> None:
    sheet(path, ROWS)
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("G4:G5")  # one 整改责任人 written once for two hazards
    wb.save(path)


def _picture(path: Path) -> None:
    rows = [list(row) for row in ROWS]
    rows[1] += [None] * (11 - len(rows[1]))
    rows[1][10] = '=_xlfn.DISPIMG("ID_0A1B2C",1)'  # WPS's picture in a cell, as openpyxl saves a formula
    sheet(path, rows)


def _no_header(path: Path) -> None:
    sheet(path, [[1, "灭火器过期", "何家畔加油站"]], header=["甲", "乙", "丙"])


def _truncated(path: Path) -> None:
    sheet(path, ROWS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _encrypted(path: Path) -> None:
    path.write_bytes((DATA / "加密台账.xlsx").read_bytes())


def _xls(path: Path) -> None:
    """A real .xls: the sheet saved by LibreOffice in Excel 97-2003 format."""
    soffice = shutil.which("soffice")
    if soffice is None or not (Path(soffice).resolve().parent / "libsclo.so").exists():
        pytest.skip("LibreOffice Calc is not installed")
    made = sheet(path.parent / "源.xlsx", ROWS)
    subprocess.run([soffice, f"-env:UserInstallation=file://{path.parent}/profile", "--headless", "--convert-to",
                    "xls", "--outdir", str(path.parent), str(made)], check=True, capture_output=True, timeout=120)
    (path.parent / "源.xls").rename(path)


SHEET_ROWS = [
    "台账.xlsx!隐患台账:3: warning HJP618: K3“整改前照片说明”不是台账的字段，这一列的内容已记入备注（notes，写作“列名：内容”）",
    "台账.xlsx!隐患台账:4: warning HJP625: J4 写着“已整改”，但这一行没有整改完成日期，导入后状态为整改中；"
    "请在表中补上整改完成日期（或导入后用 hjp rectify 登记）",
]
REOPEN = "请在 Excel 或 WPS 中打开"

BAD_FILES = {
    "merged": (_merged, (), "台账.xlsx", 1, [
        SHEET_ROWS[0],
        "台账.xlsx!隐患台账:4: error HJP616: G4:G5 是合并单元格，跨了 2 行数据，只有第一行有值；请取消合并，"
        "把内容填到每一行（WPS：开始→合并居中→拆分并填充内容）",
        SHEET_ROWS[1],  # and not "第 5 行缺少整改责任人" as well: the merge is the one thing to fix
        "hjp: 错误：表中有错误，未导入任何记录；请改正后重新导入"]),
    "no_header": (_no_header, (), "台账.xlsx", 2, [
        "hjp: 错误：台账.xlsx!隐患台账:3: 找不到表头：前 30 行中没有一行能认出两个以上的列名（第 3 行是：甲、乙、丙）。"
        "认识的列名有——hazard：隐患编号、隐患名称、所属单位、"]),
    "missing_sheet": (lambda p: sheet(p, ROWS), ("--sheet", "隐患"), "台账.xlsx", 2, [
        "hjp: 错误：台账.xlsx 中没有名为“隐患”的工作表；有：隐患台账"]),
    "truncated": (_truncated, (), "台账.xlsx", 2, [
        f"hjp: 错误：台账.xlsx 不是有效的 .xlsx 文件（可能已损坏）；{REOPEN}后另存一份再导入"]),
    "encrypted": (_encrypted, (), "台账.xlsx", 2, [
        f"hjp: 错误：台账.xlsx 设置了打开密码，无法读取；{REOPEN}，取消密码（文件→文档加密/保护工作簿→密码）后另存一份再导入"]),
    "xls": (_xls, (), "台账.xls", 2, [
        f"hjp: 错误：台账.xls 是旧版 Excel（.xls）格式；{REOPEN}后“另存为” Excel 工作簿（.xlsx）再导入"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_named_and_nothing_is_written(ledger, here, case):
    make, extra, name, code, expected = BAD_FILES[case]
    make(here / name)
    before = snapshot(ledger)
    r = run(ledger, *extra, file=name)
    assert (r.exit_code, r.stdout) == (code, "")
    lines = r.stderr.splitlines()
    assert len(lines) == len(expected)
    for got, want in zip(lines, expected):
        assert got.startswith(want), (got, want)  # the header case's list of known names is long
    assert snapshot(ledger) == before


def test_a_picture_without_its_cached_text_is_a_picture_not_a_broken_formula(ledger, here):
    """openpyxl (like other tools that do not calculate) saves WPS's =DISPIMG() without its value."""
    _picture(here / "台账.xlsx")
    r = run(ledger)
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines() == SHEET_ROWS + [
        "台账.xlsx!隐患台账:5: warning HJP615: K5（整改前照片说明）是嵌入单元格的图片（WPS DISPIMG），不能导入；"
        "请把照片另存为文件，放进仓库的 evidence/ 目录，在佐证材料中写上路径"]
    assert "DISPIMG" not in (ledger / "villages/cun/hazards.yaml").read_text(encoding="utf-8")


def _stderr_on_a_terminal(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run hjp with stderr on a pseudo-terminal (stdout piped); what the terminal showed."""
    import os
    import pty
    import sys
    import threading

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "hjp", *argv], cwd=cwd, stdout=subprocess.PIPE, stderr=slave,
                            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
    os.close(slave)
    shown = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    proc.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(master)
    return proc.returncode, shown.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_progress_bar_on_a_terminal_and_none_when_piped(here):
    from hjp.demo import generate

    generate(here / "D", villages=2, hazards=2400, seed=5)
    code, shown = _stderr_on_a_terminal(["export", "xlsx", "--ledger", "D", "-o", "tty.xlsx"], here)
    assert code == 0 and "正在导出" in shown, shown
    piped = subprocess.run([sys.executable, "-m", "hjp", "export", "xlsx", "--ledger", "D", "-o", "pipe.xlsx"],
                           cwd=here, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    # the demo ledger without its hazards (nor the sealed 举报人 that belong to them)
    shutil.copytree(here / "D", here / "L", ignore=lambda _d, names: [n for n in names if n in ("hazards.yaml", "sealed")])
    code, shown = _stderr_on_a_terminal(["import", "xlsx", "pipe.xlsx", "--sheet", "隐患", "--ledger", "L",
                                         "--dry-run"], here)
    assert code == 0 and "正在检查" in shown, shown  # piped: the same isatty test as export's, checked above


def _cache_entries(root: Path) -> list[Path]:
    return [p for p in (root / ".hjp-cache").rglob("*") if p.is_file() and p.parent.name != "tmp"
            and p.name not in ("lock", ".gitignore")]


def test_the_cache_is_left_alone_under_hjp_no_cache_as_by_every_command(ledger, here, monkeypatch):
    sheet(here / "台账.xlsx", ROWS)
    assert run(ledger).exit_code == 0  # `here` sets HJP_NO_CACHE
    assert _cache_entries(ledger) == []
    (ledger / "villages/cun/hazards.yaml").unlink()
    monkeypatch.delenv("HJP_NO_CACHE")
    assert run(ledger).exit_code == 0
    assert _cache_entries(ledger)  # the changed files' results: the next validate is warm
