"""The models and the translation of their validation errors (HJP101–HJP107) into Chinese, at the right line."""

from __future__ import annotations

from datetime import date

import pytest

from hjp import model as m

H = "ledger/villages/cun/hazards.yaml"

HAZARD = """\
hazards:
  - id: YH-2024-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2024-05-10
    rectification: {owner: 王某, deadline: 2024-06-30}
"""


def one_file(make_ledger, diagnostics_of, rel: str, text: str) -> list[str]:
    return diagnostics_of(make_ledger({rel: text}))


def test_hjp101_unknown_keys_get_did_you_mean(make_ledger, diagnostics_of):
    text = HAZARD.replace("    rectification: {owner: 王某, deadline: 2024-06-30}\n",
                          "    rectificaton: {owner: 王某, deadline: 2024-06-30}\n    colsed_on: 2024-07-01\n"
                          "    xyz: 1\n")
    text += "  - id: YH-2024-0002\n    title: a\n    sector: 消防\n    level: 一般\n    source: 自查\n" \
            "    found_on: 2024-05-10\n    rectification: {ownr: 王某, deadline: 2024-06-30}\n"
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:2:5: error HJP102: 缺少必填字段 rectification（整改五定）；请补上",
        f"{H}:8:5: error HJP101: 未知字段 rectificaton；是不是要写 rectification？",
        f"{H}:9:5: error HJP101: 未知字段 colsed_on；是不是要写 closed_on？",
        f"{H}:10:5: error HJP101: 未知字段 xyz；允许的字段：id、title、unit、location、sector、level、source、found_on、"
        "found_by、reporter、basis、found_in、rectification、supervision、rectified_on、verified_by、closed_on、evidence、notes、void",
        f"{H}:17:20: error HJP102: 缺少必填字段 owner（定责任人）；请补上",
        f"{H}:17:21: error HJP101: 未知字段 ownr；是不是要写 owner？",
    ]


def test_hjp101_keys_read_as_null_or_numbers(make_ledger, diagnostics_of):
    text = "units:\n  - id: DW-1\n    name: a\n    sector: 工贸\n    principal: b\n    ~: x\n    1: y\n"
    assert one_file(make_ledger, diagnostics_of, "villages/cun/units.yaml", text) == [
        "ledger/villages/cun/units.yaml:6:5: error HJP101: 未知字段：这个键被读成了空值，不是字段名；允许的字段："
        "id、name、sector、principal、phone、since、closed_on、drill_required、inspection_required、credit_code、grade、notes、void",
        "ledger/villages/cun/units.yaml:7:5: error HJP101: 未知字段：这个键被读成了数字 1，不是字段名；允许的字段："
        "id、name、sector、principal、phone、since、closed_on、drill_required、inspection_required、credit_code、grade、notes、void",
    ]


def test_hjp102_missing_required_fields_point_at_the_record(make_ledger, diagnostics_of):
    text = "drills:\n  - id: YL-1\n    kind: 桌面\n"
    assert one_file(make_ledger, diagnostics_of, "villages/cun/drills.yaml", text) == [
        "ledger/villages/cun/drills.yaml:2:5: error HJP102: 缺少必填字段 title（演练名称）；请补上"]


@pytest.mark.parametrize("written, message", [
    ("2025-02-30", "日期 2025-02-30 不存在（月份或日期超出范围）"),
    ("2025-13-01", "日期 2025-13-01 不存在（月份或日期超出范围）"),
    ("2025/3/15", "日期 2025/3/15 格式不对，应写成 YYYY-MM-DD，例如 2025-03-15"),
    ("2025年3月15日", "日期 2025年3月15日 格式不对，应写成 YYYY-MM-DD，例如 2025-03-15"),
    ("2025-3-15", "日期 2025-3-15 格式不对，应写成 YYYY-MM-DD，例如 2025-03-15"),
    ("20250315", "应为日期 YYYY-MM-DD，例如 2025-03-15"),
])
def test_hjp104_bad_dates(make_ledger, diagnostics_of, written, message):
    text = HAZARD.replace("found_on: 2024-05-10", f"found_on: {written}")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:7:15: error HJP104: found_on（发现日期）：{message}"]


def test_hjp105_enum_typos_get_did_you_mean(make_ledger, diagnostics_of):
    text = HAZARD.replace("level: 一般", "level: 重大隐患").replace("source: 自查", "source: 群众")
    text += "    supervision: {level: 县}\n"
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:5:12: error HJP105: level（隐患等级） 的值 重大隐患 不在允许的范围内（一般、重大）；是不是要写 重大？",
        f"{H}:6:13: error HJP105: source（隐患来源） 的值 群众 不在允许的范围内（自查、检查、举报、督查、其他）",
        f"{H}:9:26: error HJP105: level（督办级别） 的值 县 不在允许的范围内（镇级、县级、市级）；是不是要写 县级？",
    ]
    tasks = "tasks:\n  - {id: RW-1, title: a, every: quartr}\n"
    drills = "drills:\n  - {id: YL-1, title: a, kind: 疏散}\n"
    out = diagnostics_of(make_ledger({"tasks.yaml": tasks, "villages/cun/drills.yaml": drills}))
    assert "ledger/tasks.yaml:2:33: error HJP105: every（周期） 的值 quartr 不在允许的范围内（month、quarter、year）" \
           "；是不是要写 quarter？" in out
    assert "ledger/villages/cun/drills.yaml:2:32: error HJP105: kind（演练类型） 的值 疏散 不在允许的范围内" \
           "（疏散逃生、桌面、专项、综合）；是不是要写 疏散逃生？" in out


@pytest.mark.parametrize("rid", ["YH2024-1", "YH-", "yh-1", "YH-2024-00 1", "XX-1", "YH-2024_1"])
def test_hjp106_id_format(make_ledger, diagnostics_of, rid):
    text = HAZARD.replace("id: YH-2024-0001", f"id: '{rid}'")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:2:9: error HJP106: 编号 {rid} 格式不对：应为类别前缀 DW/YH/YL/RW/JC/PX 加 - 和字母数字，"
        "例如 YH-2024-0001、RW-14、DW-hejiapan-03"]


def test_hjp107_negative_numbers(make_ledger, diagnostics_of):
    drills = "drills:\n  - {id: YL-1, title: a, kind: 桌面, participants: -3}\n"
    text = HAZARD.replace("{owner: 王某, deadline: 2024-06-30}", "{owner: 王某, deadline: 2024-06-30, funds: -100}")
    out = diagnostics_of(make_ledger({"villages/cun/drills.yaml": drills, "villages/cun/hazards.yaml": text}))
    assert out == [
        "ledger/villages/cun/drills.yaml:2:50: error HJP107: participants（参演人数） 不能为负数（现为 -3）",
        f"{H}:8:61: error HJP107: funds（定资金） 不能为负数（现为 -100）",
    ]


def test_hjp103_yaml11_surprises_in_values(make_ledger, diagnostics_of):
    text = ("units:\n  - id: DW-1\n    name: 0012\n    sector: 工贸\n    principal: no\n    phone: 012345\n"
            "    notes: ~\n    drill_required: 是\n")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/units.yaml", text) == [
        "ledger/villages/cun/units.yaml:3:11: error HJP103: name（单位名称） 应为文字：0012 被读成了数字 10；请加引号写成 \"0012\"",
        "ledger/villages/cun/units.yaml:5:16: error HJP103: principal（主要负责人） 应为文字：YAML 1.1 把 no 读成了布尔值 false；"
        "请加引号写成 \"no\"",
        "ledger/villages/cun/units.yaml:6:12: error HJP103: phone（联系电话） 应为文字：012345 被读成了数字 5349；"
        "请加引号写成 \"012345\"",
        "ledger/villages/cun/units.yaml:8:21: error HJP103: drill_required（须开展疏散逃生演练） 应为 true 或 false（现为 '是'）",
    ]


def test_hjp103_wrong_types(make_ledger, diagnostics_of):
    tasks = ("tasks:\n  - id: RW-1\n    title: [a]\n    action: 一\n    lead: 张三\n    every: year\n"
             "    occurrences: 2024-06-01\n  - id: RW-2\n    title: b\n    ongoing: true\n    progress:\n      - 进展\n")
    assert diagnostics_of(make_ledger({"tasks.yaml": tasks})) == [
        "ledger/tasks.yaml:3:12: error HJP103: title（任务名称） 应为文字",
        "ledger/tasks.yaml:4:13: error HJP103: action（所属行动） 应为整数（现为 '一'）",
        "ledger/tasks.yaml:5:11: error HJP103: lead（牵头） 应为列表，例如 [甲, 乙]，或每行写一个“- 项”",
        "ledger/tasks.yaml:7:18: error HJP103: occurrences（落实记录） 应为列表，例如 [甲, 乙]，或每行写一个“- 项”",
        "ledger/tasks.yaml:12:9: error HJP103: progress（进展） 应为“键: 值”形式的映射",
    ]


def test_hjp103_town_actions_and_funds(make_ledger, diagnostics_of):
    town = ("name: 测试镇\ncounty: 测试县\n"
            "plan: {title: 方案, doc_no: 1号, issued_on: 2024-03-31, start: 2024-03-31, end: 2026-12-31}\n"
            "actions:\n  一: 安全生产责任落实行动\n")
    text = HAZARD.replace("{owner: 王某, deadline: 2024-06-30}", "{owner: 王某, deadline: 2024-06-30, funds: .nan}")
    out = diagnostics_of(make_ledger({"villages/cun/hazards.yaml": text}, town=town))
    assert out == [
        "ledger/town.yaml:5:3: error HJP103: actions（行动） 的键 一 应为整数编号，例如 1: 安全生产责任落实行动",
        f"{H}:8:61: error HJP103: funds（定资金） 应为有限的数字（现为 nan）",
    ]


def test_a_bad_record_does_not_hide_the_others(make_ledger, diagnostics_of):
    text = HAZARD + HAZARD.replace("hazards:\n", "").replace("0001", "0002").replace("level: 一般", "level: x")
    text += HAZARD.replace("hazards:\n", "").replace("0001", "0003").replace("source: 自查", "source: y")
    out = diagnostics_of(make_ledger({"villages/cun/hazards.yaml": text}))
    assert [line.split(": error ")[0] for line in out] == [f"{H}:12:12", f"{H}:20:13"]


def test_task_shapes():
    t = m.Task.model_validate({"id": "RW-1", "title": "a", "every": "quarter"})
    assert (t.shape, t.shapes()) == ("every", ["every"])
    t = m.Task.model_validate({"id": "RW-1", "title": "a", "deadline": "2024-04-02", "ongoing": True})
    assert (t.shape, t.shapes()) == (None, ["deadline", "ongoing"])
    t = m.Task.model_validate({"id": "RW-1", "title": "a", "ongoing": False})
    assert (t.shape, t.shapes()) == (None, [])
    assert m.Task.model_validate({"id": "RW-1", "title": "a", "deadline": "2024-04-02"}).deadline == date(2024, 4, 2)


def test_defaults():
    town = m.Town.model_validate({"name": "a", "county": "b", "plan": {
        "title": "t", "doc_no": "d", "issued_on": "2024-03-31", "start": "2024-03-31", "end": "2026-12-31"}})
    assert town.timezone == "Asia/Shanghai"
    assert town.sectors == m.DEFAULT_SECTORS and town.sectors is not m.DEFAULT_SECTORS
    assert town.id_format.hazard == "YH-{year}-{seq:04d}"
    unit = m.Unit.model_validate({"id": "DW-1", "name": "a", "sector": "工贸", "principal": "b"})
    assert unit.drill_required is True


# --------------------------------------------------------------------------- issue 8 items 8, 17, 18

@pytest.mark.parametrize("written, message", [
    ("２０２４-０４-０９", "日期 ２０２４-０４-０９ 用了全角数字或符号；请用半角（英文输入法）写成 2024-04-09"),
    ("2024－04－09", "日期 2024－04－09 用了全角数字或符号；请用半角（英文输入法）写成 2024-04-09"),
    ("0001-01-01", "日期 0001-01-01 不合理（须在 1900 年至 2100 年之间）；请核对年份"),
    ("2924-05-10", "日期 2924-05-10 不合理（须在 1900 年至 2100 年之间）；请核对年份"),
    ("'2024-05-10\u200b'", "日期 2024-05-10\u200b 格式不对，应写成 YYYY-MM-DD，例如 2025-03-15"
                           "；其中最后一个字符是看不见的零宽空格（U+200B），请删除它（可删掉整个值后重新输入）"),
])
def test_hjp104_full_width_invisible_and_implausible_dates(make_ledger, diagnostics_of, written, message):
    text = HAZARD.replace("found_on: 2024-05-10", f"found_on: {written}")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:7:15: error HJP104: found_on（发现日期）：{message}"]


def test_hjp105_and_hjp106_name_the_invisible_or_look_alike_character(make_ledger, diagnostics_of):
    text = (HAZARD.replace("id: YH-2024-0001", "id: YН-2024-0001")  # a Cyrillic Н
            .replace("level: 一般", "level: '一般\u200b'"))
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:2:9: error HJP106: 编号 YН-2024-0001 格式不对：应为类别前缀 DW/YH/YL/RW/JC/PX 加 - 和字母数字，"
        "例如 YH-2024-0001、RW-14、DW-hejiapan-03；其中第 2 个字符 Н 是西里尔字母（U+041D），不是英文字母 H，"
        "请用英文输入法重新输入",
        f"{H}:5:12: error HJP105: level（隐患等级） 的值 一般\u200b 不在允许的范围内（一般、重大）"
        "；其中最后一个字符是看不见的零宽空格（U+200B），请删除它（可删掉整个值后重新输入）",
    ]
    text = HAZARD.replace("id: YH-2024-0001", "id: YH－2024-0001")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text)[0].endswith(
        "；其中第 3 个字符 － 是全角字符（U+FF0D），应为半角 -，请用英文输入法重新输入")


@pytest.mark.parametrize("field, written, message", [
    ("title", "1e3", "title（隐患名称） 的值 1e3 没有加引号：hjp 把它当作文字，按 YAML 1.2 读取的工具却会读成数字 1000.0"
                     "；请加引号写成 \"1e3\""),
    ("title", "0o17", "title（隐患名称） 的值 0o17 没有加引号：hjp 把它当作文字，按 YAML 1.2 读取的工具却会读成数字 15"
                      "；请加引号写成 \"0o17\""),
    ("location", "2026-11-05", "location（隐患部位） 的值 2026-11-05 没有加引号：hjp 把它当作文字，按 YAML 1.1 "
                               "读取的工具却会读成日期；请加引号写成 \"2026-11-05\""),
    ("found_by", "y", "found_by（发现人） 的值 y 没有加引号：hjp 把它当作文字，YAML 1.1 规范却把它定为布尔值 true"
                      "；请加引号写成 \"y\""),
    ("notes", "N", "notes（备注） 的值 N 没有加引号：hjp 把它当作文字，YAML 1.1 规范却把它定为布尔值 false"
                   "；请加引号写成 \"N\""),
])
def test_hjp108_yaml12_surprises_in_text_fields(make_ledger, diagnostics_of, field, written, message):
    text = HAZARD + f"    {field}: {written}\n" if field != "title" else HAZARD.replace("title: 灭火器过期",
                                                                                            f"title: {written}")
    line, col = (3, 12) if field == "title" else (9, len(field) + 7)
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:{line}:{col}: error HJP108: {message}"]
    # quoted, it is what it says for every reader
    quoted = text.replace(f": {written}\n", f": '{written}'\n")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", quoted) == []


def test_hjp108_in_number_true_false_and_list_fields(make_ledger, diagnostics_of):
    units = "units:\n  - {id: DW-1, name: a, sector: 工贸, principal: b, drill_required: no}\n"
    drills = "drills:\n  - {id: YL-1, title: a, kind: 桌面, participants: 010}\n"
    tasks = "tasks:\n  - {id: RW-1, title: a, ongoing: true, lead: [张三, 2026-11-05], action: 1_0}\n"
    out = diagnostics_of(make_ledger({"villages/cun/units.yaml": units, "villages/cun/drills.yaml": drills,
                                      "tasks.yaml": tasks}), check_files=False)
    assert [d for d in out if "HJP108" in d] == [
        "ledger/tasks.yaml:2:52: error HJP108: lead（牵头） 的值 2026-11-05 没有加引号：hjp 把它当作文字，按 YAML 1.1 "
        "读取的工具却会读成日期；请加引号写成 \"2026-11-05\"",
        "ledger/tasks.yaml:2:73: error HJP108: action（所属行动） 的值 1_0 含下划线：hjp 读作 10，按 YAML 1.2 读取的工具"
        "却当作文字；请去掉下划线写成 10",
        "ledger/villages/cun/drills.yaml:2:50: error HJP108: participants（参演人数） 的值 010 以 0 开头：hjp（YAML 1.1）"
        "读作八进制数 8，按 YAML 1.2 读取的工具却读作 10；请去掉开头的 0",
        "ledger/villages/cun/units.yaml:2:67: error HJP108: drill_required（须开展疏散逃生演练） 的值 no：hjp 按 YAML 1.1 "
        "读作 false，按 YAML 1.2 读取的工具却当作文字；请写成 false",
    ]


def test_hjp108_date_fields_and_enums_are_not_flagged(make_ledger, diagnostics_of):
    """Dates in date fields are what they look like; an enum's bad value is HJP105 alone."""
    text = HAZARD.replace("source: 自查", "source: y")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:6:13: error HJP105: source（隐患来源） 的值 y 不在允许的范围内（自查、检查、举报、督查、其他）"]


def test_date_fields_are_the_models_date_fields_and_no_text_field_shares_a_name():
    """The reader treats a date-looking value under these keys as expected (fast path); a name that
    is a date field in one model and text in another would hide HJP108 there."""
    from hjp.load import date_keys
    from hjp.schema_errors import field_type

    assert date_keys() == {"closed_on", "coverage_from", "date", "deadline", "done_on", "due", "end", "found_on",
                           "held_on", "issued_on", "planned_on", "rectified_on", "since", "start"}
    clashes = [(cls.__name__, name) for cls in m.SCHEMA_MODELS.values() for name in cls.model_fields
               if name in date_keys() and field_type(cls, (name,)) != "date"]
    assert clashes == []


def test_hjp109_overlong_text(make_ledger, diagnostics_of):
    text = HAZARD.replace("title: 灭火器过期", "title: " + "长" * 300_000) + "    notes: " + "x" * 10_001 + "\n"
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:3:12: error HJP109: title（隐患名称） 太长（300000 个字符，上限 500）；名称请简要概括，详细情况写在 notes（备注）里",
        f"{H}:9:12: error HJP109: notes（备注） 太长（10001 个字符，上限 10000）；请精简，原始材料作为佐证材料（evidence）另存文件",
    ]
    # the bounds themselves are fine
    ok = HAZARD.replace("title: 灭火器过期", "title: " + "长" * 500) + "    notes: " + "x" * 10_000 + "\n"
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", ok) == []


def test_a_key_or_value_with_a_line_break_stays_on_one_diagnostic_line(make_ledger, diagnostics_of):
    """A key "title\\nx" split one HJP101 over two lines of `path:line:col: ...` output."""
    text = HAZARD + '    "note\\nx": 1\n' + "    supervision: {level: \"县级\\n\"}\n"
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:9:5: error HJP101: 未知字段 note\\nx；是不是要写 notes？",
        f"{H}:10:26: error HJP105: level（督办级别） 的值 县级\\n 不在允许的范围内（镇级、县级、市级）；是不是要写 县级？",
    ]


def test_hjp109_an_id_is_bounded_too(make_ledger, diagnostics_of):
    """An ID names files (ledgers/sealed/<ID>.age): 300 characters failed with "File name too long"."""
    rid = "YH-" + "1" * 297
    text = HAZARD.replace("id: YH-2024-0001", f"id: {rid}")
    assert one_file(make_ledger, diagnostics_of, "villages/cun/hazards.yaml", text) == [
        f"{H}:2:9: error HJP109: id（隐患编号） 太长（300 个字符，上限 60）；编号请用类别前缀加年份和序号，例如 YH-2024-0001"]


def test_hjp107_implausibly_large_counts(make_ledger, diagnostics_of):
    """F10: `hjp held … --participants 99999999999999999999` was accepted and the report said
    参演100000000000000021706人次. A drill's participants and a training's count are bounded."""
    drills = ("drills:\n  - {id: YL-1, title: a, kind: 桌面, participants: 99999999999999999999}\n"
              "  - {id: YL-2, title: b, kind: 桌面, participants: 100000}\n")
    out = diagnostics_of(make_ledger({"villages/cun/drills.yaml": drills}))
    assert out == ["ledger/villages/cun/drills.yaml:2:50: error HJP107: participants（参演人数） 为 99999999999999999999，"
                   "超过 100000，不像真实的数字；请核对（是否多输了 0）"]
