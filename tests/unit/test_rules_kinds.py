"""One test per rule of issue 12 (HJP250–HJP266): units' credit codes and grades, 重大 hazards'
判定依据 and 挂牌督办, inspections and their links to hazards, trainings. Exact diagnostic lines."""

from __future__ import annotations

import random
from datetime import date

import pytest

from hjp import creditcode
from hjp.load import load_ledger
from hjp.rules import RuleContext, validate

U = "ledger/villages/cun/units.yaml"
H = "ledger/villages/cun/hazards.yaml"
J = "ledger/villages/cun/inspections.yaml"
P = "ledger/trainings.yaml"

# Synthetic codes of the right structure (9 市场监管, 1 企业, 621024 合水县, a 组织机构代码 MA…),
# their check characters worked out by hand below and by an independent sum in test_check_character.
GOOD = "91621024MAK8PBRN7J"
GOOD2 = "91621024MAYTPLXGXT"


def unit(id: str = "DW-cun-01", principal: str = "李某", **kw: str) -> str:
    extra = "".join(f", {k}: {v}" for k, v in kw.items())
    return f"  - {{id: {id}, name: 何家畔加油站, sector: 危险化学品, principal: {principal}{extra}}}\n"


def units(*rows: str) -> str:
    return "units:\n" + "".join(rows)


def run(make_ledger, diagnostics_of, files: dict[str, str], **kw) -> list[str]:
    return diagnostics_of(make_ledger(files), **kw)


# --------------------------------------------------------------------------- credit codes


def test_check_character_of_the_standard() -> None:
    # GB 32100-2015: weights 3^(i-1) mod 31 for i = 1..17, check value 31 - (sum mod 31), 31 → 0.
    assert creditcode.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    # By hand for 91621024MAK8PBRN7: values 9,1,6,2,1,0,2,4,21(M),10(A),19(K),8,23(P),11(B),25(R),22(N),7
    # weighted sum 9+3+54+54+19+0+32+68+420+290+475+104+184+264+250+660+196 = 3082; 3082 mod 31 = 13;
    # 31 - 13 = 18 → the 18th character of the set, J.
    assert creditcode.check_character("91621024MAK8PBRN7") == "J"
    table = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    rng = random.Random(12)
    for _ in range(200):  # an independent sum over the published weights table
        body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(table) for _ in range(9))
        w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        want = table[(31 - sum(table.index(c) * x for c, x in zip(body, w)) % 31) % 31]
        assert creditcode.check_character(body) == want
        assert creditcode.problem(body + want) is None and creditcode.expected_check(body + want) is None


@pytest.mark.parametrize("code, problem", [
    ("9162102MAK8PBRN7J", "应为 18 位（现为 17 位）"),
    ("91621024mak8PBRN7J", "字母须大写（mak 应写成 MAK）"),
    ("91621024MAK8PBRO7J", "不使用字母 I、O、S、V、Z（现有 O）；多半是数字 1、0、5 或字母 U、数字 2 录错了"),
    ("91621024MAK8PBRN7-", "只能由数字和大写字母组成（现有 '-'）"),
    ("9162A024MAK8PBRN7J", "第 3–8 位是登记管理机关行政区划码，只能是数字（现为 62A024）"),
])
def test_structure_problems(code: str, problem: str) -> None:
    assert str(creditcode.problem(code)) == problem


def test_hjp250_251_252_credit_codes(make_ledger, diagnostics_of):
    text = units(unit(credit_code=GOOD), unit("DW-cun-02", credit_code="91621024MAK8PBRN7K"),
                 unit("DW-cun-03", credit_code="91621024MAK8PBRO7J"),
                 unit("DW-cun-04", credit_code='"916210240012345678"'),
                 unit("DW-cun-05", credit_code=GOOD),
                 unit("DW-cun-06", credit_code=GOOD, void="{date: 2024-05-01, reason: 重复登记}"),
                 unit("DW-cun-07", credit_code=GOOD2))
    assert run(make_ledger, diagnostics_of, {"villages/cun/units.yaml": text}) == [
        f"{U}:3:78: error HJP251: credit_code（统一社会信用代码）91621024MAK8PBRN7K 的校验码不对：按前 17 位计算，"
        "第 18 位应为 J，现为 K；请对照营业执照逐位核对（前 17 位录错一位也会这样）",
        f"{U}:4:78: error HJP250: credit_code（统一社会信用代码）91621024MAK8PBRO7J 不使用字母 I、O、S、V、Z（现有 O）；"
        "多半是数字 1、0、5 或字母 U、数字 2 录错了；请对照营业执照改正",
        f"{U}:5:78: error HJP251: credit_code（统一社会信用代码）916210240012345678 的校验码不对：按前 17 位计算，"
        "第 18 位应为 1，现为 8；请对照营业执照逐位核对（前 17 位录错一位也会这样）",
        f"{U}:6:78: warning HJP252: credit_code（统一社会信用代码）91621024MAK8PBRN7J 与 DW-cun-01 相同；"
        "同一单位不要重复登记，重复的一条请作废（void）",
    ]


def test_an_unquoted_all_digit_code_is_read_as_a_number(make_ledger, diagnostics_of):
    text = units(unit(credit_code="916210240012345671"))
    assert run(make_ledger, diagnostics_of, {"villages/cun/units.yaml": text}) == [
        f"{U}:2:78: error HJP103: credit_code（统一社会信用代码） 应为文字：916210240012345671 被读成了数字 "
        "916210240012345671；请加引号写成 \"916210240012345671\"",
    ]


def test_hjp253_grade_vocabulary(make_ledger, diagnostics_of):
    text = units(unit(grade="重点"), unit("DW-cun-02", grade="一搬"), unit("DW-cun-03", grade="A类"))
    assert run(make_ledger, diagnostics_of, {"villages/cun/units.yaml": text}) == [
        f"{U}:3:72: error HJP253: grade（分级分类）的值 一搬 不在词表中；是不是要写 一般？",
        f"{U}:4:72: error HJP253: grade（分级分类）的值 A类 不在词表中；可选：重点、一般（词表在 town.yaml 的 unit_grades）",
    ]


def test_hjp253_town_vocabulary(make_ledger, diagnostics_of):
    from conftest import TOWN_YAML

    town = TOWN_YAML + "unit_grades: [A类, B类, C类]\n"
    text = units(unit(grade="A类"), unit("DW-cun-02", grade="重点"))
    assert run(make_ledger, diagnostics_of, {"town.yaml": town, "villages/cun/units.yaml": text}) == [
        f"{U}:3:72: error HJP253: grade（分级分类）的值 重点 不在词表中；可选：A类、B类、C类（词表在 town.yaml 的 unit_grades）",
    ]


# --------------------------------------------------------------------------- 重大 hazards

MAJOR = """\
hazards:
  - id: YH-2026-0001
    title: 卸油区静电接地装置失效
    sector: 危险化学品
    level: 重大
    source: 检查
    found_on: {found}
    rectification: {{owner: 王某, measures: 更换, funds: 3000, deadline: 2026-12-30, contingency: 停止卸油}}
"""


def major(found: str = "2026-11-01", *extra: str) -> str:
    return MAJOR.format(found=found) + "".join(f"    {line}\n" for line in extra)


BASIS = "basis: 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第十条"


def test_hjp254_major_hazard_needs_its_basis(make_ledger, diagnostics_of):
    files = {"villages/cun/hazards.yaml": major("2026-11-01", "supervision: {level: 县级, since: 2026-11-02}",
                                                "basis: '  '")}
    assert run(make_ledger, diagnostics_of, files) == [
        f"{H}:5:12: error HJP254: 重大隐患须写明判定依据 basis（所依据的判定标准及条款）；"
        "请补上，例如 basis: 《工贸企业重大事故隐患判定标准》第四条第（一）项",
    ]


def test_hjp254_not_for_general_or_void(make_ledger, diagnostics_of):
    text = major("2026-11-01", "void: {date: 2026-11-02, reason: 重复录入}") + \
        major("2026-11-01").replace("hazards:\n", "").replace("YH-2026-0001", "YH-2026-0002").replace("重大", "一般")
    assert run(make_ledger, diagnostics_of, {"villages/cun/hazards.yaml": text}) == []


@pytest.mark.parametrize("found, extra, expected", [
    ("2026-11-21", (), "warning HJP255: 重大隐患尚未挂牌督办；须在 2026-11-28 前挂牌督办，"
                       "请写明 supervision: {level: 镇级|县级|市级, since: 挂牌日期}"),
    ("2026-11-20", (), "error HJP255: 重大隐患发现已 8 天仍未挂牌督办，超过了 7 天；"
                       "请写明 supervision: {level: 镇级|县级|市级, since: 挂牌日期}"),
    ("2026-11-01", ("supervision: {level: 县级, since: 2026-11-29}",),
     "error HJP255: 重大隐患发现已 27 天仍未挂牌督办（supervision.since 2026-11-29 晚于今天），超过了 7 天；"
     "请写明 supervision: {level: 镇级|县级|市级, since: 挂牌日期}"),
])
def test_hjp255_open_major_hazard_needs_supervision(make_ledger, diagnostics_of, found, extra, expected):
    files = {"villages/cun/hazards.yaml": major(found, BASIS, *extra)}
    line = "10:18" if extra else "5:12"
    got = [d for d in run(make_ledger, diagnostics_of, files) if "HJP217" not in d]
    assert got == [f"{H}:{line}: {expected}"]


@pytest.mark.parametrize("extra", [
    ("supervision: {level: 县级}",),
    ("supervision: {level: 县级, since: 2026-11-28}",),
    ("rectified_on: 2026-11-10", "verified_by: 赵某", "closed_on: 2026-11-20"),  # closed: 清零
    ("void: {date: 2026-11-02, reason: 重复录入}",),
])
def test_hjp255_supervised_closed_or_void_is_fine(make_ledger, diagnostics_of, extra):
    files = {"villages/cun/hazards.yaml": major("2026-11-01", BASIS, *extra)}
    assert run(make_ledger, diagnostics_of, files) == []


def test_hjp255_follows_the_day_asked_about(make_ledger, diagnostics_of):
    files = {"villages/cun/hazards.yaml": major("2026-11-01", BASIS, "rectified_on: 2026-11-10",
                                                "verified_by: 赵某", "closed_on: 2026-11-20")}
    # as of a day before its closure it was open, and past its 7 days
    assert run(make_ledger, diagnostics_of, files, as_of=date(2026, 11, 19)) == [
        f"{H}:5:12: error HJP255: 重大隐患发现已 18 天仍未挂牌督办，超过了 7 天；"
        "请写明 supervision: {level: 镇级|县级|市级, since: 挂牌日期}",
        f"{H}:12:16: warning HJP217: 销号日期 closed_on 2026-11-20 晚于今天 2026-11-19，可能是笔误；在那天之前不计入统计",
    ]


# --------------------------------------------------------------------------- inspections

HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 安全出口堆放杂物
    unit: DW-cun-01
    sector: 工贸
    level: 一般
    source: 自查
    found_on: 2026-05-10
    found_in: JC-2026-0001
    rectification: {owner: 李某, deadline: 2026-05-20}
  - id: YH-2026-0002
    title: 配电柜前未铺绝缘垫
    sector: 工贸
    level: 一般
    source: 检查
    found_on: 2026-05-10
    rectification: {owner: 李某, deadline: 2026-05-20}
"""


def test_a_clean_inspection(make_ledger, diagnostics_of):
    files = {"villages/cun/units.yaml": units(unit(since="2020-01-01")), "villages/cun/hazards.yaml": HAZARDS,
             "villages/cun/inspections.yaml": "inspections:\n  - {id: JC-2026-0001, date: 2026-05-10, unit: DW-cun-01,"
                                              " kind: 主要负责人带队, led_by: 李某, findings: [YH-2026-0001]}\n"}
    assert run(make_ledger, diagnostics_of, files) == []


def test_hjp202_inspection_unit_of_the_village(make_ledger, diagnostics_of):
    files = {"villages/cun/units.yaml": units(unit()),
             "villages/cun/inspections.yaml": "inspections:\n  - {id: JC-1, date: 2026-05-10, unit: DW-cun-1,"
                                              " kind: 部门检查, led_by: 王某}\n"}
    assert run(make_ledger, diagnostics_of, files) == [
        f"{J}:2:40: error HJP202: unit（所属单位）DW-cun-1 不是本村 cun 的生产经营单位；是不是要写 DW-cun-01？"]


def test_hjp259_260_261_leader_inspections(make_ledger, diagnostics_of):
    files = {
        "villages/cun/units.yaml": units(unit(since="2026-03-01"), unit("DW-cun-02", closed_on="2026-04-01")),
        "villages/cun/inspections.yaml": """\
inspections:
  - {id: JC-1, date: 2026-05-10, kind: 主要负责人带队, led_by: 李某}
  - {id: JC-2, date: 2026-05-10, unit: DW-cun-01, kind: 主要负责人带队, led_by: 王某}
  - {id: JC-3, date: 2026-02-28, unit: DW-cun-01, kind: 主要负责人带队, led_by: 李某}
  - {id: JC-4, date: 2026-04-01, unit: DW-cun-02, kind: 主要负责人带队, led_by: 李某}
  - {id: JC-5, date: 2026-02-28, unit: DW-cun-01, kind: 部门检查, led_by: 王某}
  - {id: JC-6, date: 2026-02-28, kind: 主要负责人带队, led_by: 王某, void: {date: 2026-03-01, reason: 错录}}
""",
    }
    assert run(make_ledger, diagnostics_of, files) == [
        f"{J}:2:40: error HJP259: 主要负责人带队检查须写明被检查单位 unit（本村生产经营单位编号 DW-…）；请补上",
        f"{J}:3:74: warning HJP260: 带队人 led_by 王某 不是 DW-cun-01（何家畔加油站）登记的主要负责人 李某；"
        "主要负责人带队检查须由主要负责人本人带队；负责人已更换的，请改正 units.yaml 的 principal",
        f"{J}:4:22: warning HJP261: 检查日期 date 2026-02-28 时 DW-cun-01（何家畔加油站）尚未开业（开业日期 since 2026-03-01）；"
        "请核对日期或单位的开业日期",
        f"{J}:5:22: warning HJP261: 检查日期 date 2026-04-01 时 DW-cun-02（何家畔加油站）已关闭退出（closed_on 2026-04-01）；"
        "请核对日期或单位的关闭日期",
    ]


def test_hjp256_257_258_links_between_inspections_and_hazards(make_ledger, diagnostics_of):
    files = {
        "villages/cun/units.yaml": units(unit()),
        "villages/cun/hazards.yaml": HAZARDS.replace("found_in: JC-2026-0001", "found_in: JC-2026-0002") + """\
  - id: YH-2026-0003
    title: 急弯路段缺少警示标志
    sector: 道路交通
    level: 一般
    source: 检查
    found_on: 2026-05-01
    found_in: JC-2026-0001
    rectification: {owner: 李某, deadline: 2026-05-20}
  - id: YH-2026-0004
    title: 电线私拉乱接
    sector: 其他
    level: 一般
    source: 检查
    found_on: 2026-05-11
    found_in: JC-2026-0009
    rectification: {owner: 李某, deadline: 2026-05-20}
  - id: YH-2026-0005
    title: 电线私拉乱接
    sector: 其他
    level: 一般
    source: 检查
    found_on: 2026-05-11
    found_in: DW-cun-01
    rectification: {owner: 李某, deadline: 2026-05-20}
""",
        "villages/cun/inspections.yaml": """\
inspections:
  - id: JC-2026-0001
    date: 2026-05-10
    unit: DW-cun-01
    kind: 部门检查
    led_by: 王某
    findings: [YH-2026-0001, YH-2026-0002, YH-2026-0003, YH-2026-0009, DW-cun-01, YH-2026-0100]
  - {id: JC-2026-0002, date: 2026-05-10, kind: 镇级督导, led_by: 王某}
""",
        "villages/zhen/hazards.yaml": HAZARDS.replace("YH-2026-0001", "YH-2026-0100").replace(
            "YH-2026-0002", "YH-2026-0101").replace("    unit: DW-cun-01\n", "").replace(
            "found_in: JC-2026-0001", "found_in: JC-2026-0002"),
    }
    assert run(make_ledger, diagnostics_of, files) == [
        f"{H}:32:15: error HJP256: found_in（发现于检查）JC-2026-0009 不存在；是不是要写 JC-2026-0002？",
        f"{H}:40:15: error HJP256: found_in（发现于检查）DW-cun-01 是生产经营单位编号，不是检查",
        f"{J}:7:16: warning HJP258: 隐患 YH-2026-0001 列在本检查的 findings 中，但它的 found_in 是 JC-2026-0002；"
        "请核对，两处应指向同一次检查",
        # found before the inspection that found it: said once, at the first of the two links
        f"{J}:7:44: warning HJP258: 隐患 YH-2026-0003 的发现日期 found_on 2026-05-01 早于发现它的检查 JC-2026-0001 的日期 "
        "2026-05-10；请核对日期",
        f"{J}:7:58: error HJP257: findings（发现的隐患）中的 YH-2026-0009 不存在；是不是要写 YH-2026-0005？",
        f"{J}:7:72: error HJP257: findings（发现的隐患）中的 DW-cun-01 是生产经营单位编号，不是隐患",
        f"{J}:7:83: error HJP257: findings（发现的隐患）中的 YH-2026-0100 属于 zhen，不是本村 cun 的隐患",
        "ledger/villages/zhen/hazards.yaml:8:15: error HJP256: found_in（发现于检查）JC-2026-0002 属于 cun，"
        "不是本村 zhen 的检查",
    ]


def test_hjp106_findings_must_be_ids(make_ledger, diagnostics_of):
    files = {"villages/cun/inspections.yaml": "inspections:\n  - {id: JC-1, date: 2026-05-10, kind: 部门检查, led_by: 王某,"
                                              " findings: [YH 1]}\n"}
    assert run(make_ledger, diagnostics_of, files) == [
        f"{J}:2:69: error HJP106: 编号 YH 1 格式不对：应为类别前缀 DW/YH/YL/RW/JC/PX 加 - 和字母数字，"
        "例如 YH-2024-0001、RW-14、DW-hejiapan-03"]


def test_hjp265_coverage_from_after_the_plan(make_ledger, diagnostics_of):
    from conftest import TOWN_YAML

    assert run(make_ledger, diagnostics_of, {"town.yaml": TOWN_YAML + "coverage_from: 2027-01-01\n"}) == [
        "ledger/town.yaml:9:16: warning HJP265: coverage_from（检查覆盖起算日期）2027-01-01 晚于方案截止日期 plan.end "
        "2026-12-31，主要负责人带队检查将不计任何季度；请核对"]
    assert run(make_ledger, diagnostics_of, {"town.yaml": TOWN_YAML + "coverage_from: 2026-12-31\n"}) == []


def test_hjp217_inspection_and_training_dates_in_the_future(make_ledger, diagnostics_of):
    files = {"villages/cun/inspections.yaml": "inspections:\n  - {id: JC-1, date: 2026-12-01, kind: 部门检查, led_by: 王某}\n",
             "trainings.yaml": "trainings:\n  - {id: PX-1, date: 2026-12-01, topic: 培训, kind: 消防, organizer: 镇应急办,"
                               " count: 30}\n"}
    assert run(make_ledger, diagnostics_of, files) == [
        f"{P}:2:22: warning HJP217: 培训日期 date 2026-12-01 晚于今天 2026-11-28，可能是笔误；在那天之前不计入统计",
        f"{J}:2:22: warning HJP217: 检查日期 date 2026-12-01 晚于今天 2026-11-28，可能是笔误；在那天之前不计入统计",
    ]


# --------------------------------------------------------------------------- trainings

TRAININGS = """\
trainings:
  - id: PX-2026-001
    date: 2026-04-16
    topic: 主要负责人专题培训
    kind: 主要负责人
    organizer: 镇应急办
    hours: 4
    attendees:
      - {unit: DW-cun-01, name: 李某, role: 主要负责人}
      - {unit: DW-cun-1, name: 王某, role: 主要负责人}
      - {unit: DW-cun-02, name: 张某, role: 主要负责人}
      - {unit: DW-cun-02, name: 钱某, role: 安全管理人员}
      - {name: 村主任赵某, role: 其他}
    count: 4
  - {id: PX-2026-002, date: 2026-05-16, topic: 消防培训, kind: 消防, organizer: 县消防救援大队}
  - {id: PX-2026-003, date: 2026-05-16, topic: 消防培训, kind: 消防, organizer: 县消防救援大队, count: 0,
     void: {date: 2026-05-17, reason: 重复录入}}
  - {id: PX-2026-004, date: 2026-06-16, topic: 从业人员培训, kind: 从业人员, organizer: 镇应急办, hours: -2, count: 80}
"""


def test_hjp262_263_264_266_trainings(make_ledger, diagnostics_of):
    files = {"trainings.yaml": TRAININGS, "villages/cun/units.yaml": units(unit(), unit("DW-cun-02", principal="钱某"))}
    assert run(make_ledger, diagnostics_of, files) == [
        f"{P}:10:16: error HJP264: 参训人员 王某 的 unit（所在单位）DW-cun-1 不是已登记的生产经营单位；是不是要写 DW-cun-01？",
        f"{P}:11:33: warning HJP266: 参训人员 张某 登记为 DW-cun-02（何家畔加油站）的主要负责人，但该单位登记的主要负责人是 钱某；"
        "请核对姓名，负责人已更换的请改正 units.yaml 的 principal",
        f"{P}:14:12: error HJP263: 参训人次 count 4 少于逐人登记的参训人员 5 人；count 是总人次（含已登记姓名的人），请改正",
        f"{P}:15:5: error HJP262: 培训须逐人登记参训人员 attendees（unit 单位编号、name 姓名、role 身份），"
        "或写明参训人次 count；请补上其一",
        f"{P}:18:92: error HJP107: hours（学时） 不能为负数（现为 -2）",
    ]


def test_hjp105_training_and_attendee_vocabularies(make_ledger, diagnostics_of):
    text = ("trainings:\n  - {id: PX-1, date: 2026-04-16, topic: 培训, kind: 负责人, organizer: 镇应急办,\n"
            "     attendees: [{unit: DW-cun-01, name: 李某, role: 负责人}]}\n")
    assert run(make_ledger, diagnostics_of, {"trainings.yaml": text}) == [
        f"{P}:2:51: error HJP105: kind（培训类型） 的值 负责人 不在允许的范围内（主要负责人、安全管理人员、从业人员、消防、其他）"
        "；是不是要写 主要负责人？",
        f"{P}:3:52: error HJP105: role（身份） 的值 负责人 不在允许的范围内（主要负责人、安全管理人员、从业人员、其他）"
        "；是不是要写 主要负责人？",
    ]


def test_every_code_of_this_range_is_documented():
    import re
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent.parent
    used = set()
    for path in (repo / "hjp").rglob("*.py"):
        used |= set(re.findall(r'"(HJP2[5-7]\d)[".]', path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^### (HJP2[5-7]\d) ", (repo / "docs/codes.md").read_text(encoding="utf-8"), re.M))
    assert used and used == documented
