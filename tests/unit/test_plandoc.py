"""Plan documents → draft tasks: the shipped plan reproduces the hand-made ledger; variants in other
punctuation, OCR slips, another number of actions and Word files read the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hjp.plandoc import (SourceLine, build_tree, find_phrases, normalize, parse_plan, read_document, tasks_yaml,
                         town_yaml)

REPO = Path(__file__).resolve().parent.parent.parent
PLANS = REPO / "tests" / "plan"
SEED = PLANS / "hejiapan-plan.txt"

# What the comparison looks at: everything the hand transcription decided from the plan's text.
# (done_on, progress, occurrences… are the clerk's later entries, never the plan's.)
COMPARED = ["title", "action", "ref", "lead", "owners", "text", "deadline", "milestones", "every", "ongoing",
            "start", "end"]


def draft_of(path: Path):
    lines, unit = read_document(path)
    return parse_plan(lines, path=path.name)


def written_tasks(draft) -> list[dict]:
    """The draft as written and read back by PyYAML (the ledger's reader)."""
    return yaml.safe_load(tasks_yaml(draft, source="x", include_town=True))["tasks"]


def differences(expected: list[dict], produced: list[dict]) -> list[str]:
    """Every difference between two task lists, one line each (IDs missing or extra, then field by field)."""
    exp = {t["id"]: t for t in expected}
    got = {t["id"]: t for t in produced}
    out = [f"{i}: missing" for i in exp if i not in got] + [f"{i}: extra" for i in got if i not in exp]
    for i, e in exp.items():
        if i not in got:
            continue
        for key in COMPARED:
            a, b = e.get(key), got[i].get(key)
            if key in ("lead", "owners"):
                a, b = a or [], b or []
            if a != b:
                out.append(f"{i}.{key}: {a!r} != {b!r}")
    return out


# The one place the hand transcription paraphrased: task 8 split into its mechanism and its two
# recurring duties, each titled with a summary written by hand. The importer makes the same split
# (IDs, shapes, start dates, texts), but titles each part with the plan's own clause.
ACCEPTED = [
    "RW-8-1.title: '进一步健全完善生产经营单位重大事故隐患自查自改常态化机制（常态化机制）' != "
    "'进一步健全完善生产经营单位重大事故隐患自查自改常态化机制'",
    "RW-8-2.title: '进一步健全完善生产经营单位重大事故隐患自查自改常态化机制（主要负责人每季度带队检查至少1次）' != "
    "'进一步健全完善生产经营单位重大事故隐患自查自改常态化机制（生产经营单位主要负责人每季度带队对本单位重大事故隐患排查整治情况至少开展1次检查）'",
    "RW-8-3.title: '进一步健全完善生产经营单位重大事故隐患自查自改常态化机制（主要负责人每年至少组织开展1次疏散逃生演练）' != "
    "'进一步健全完善生产经营单位重大事故隐患自查自改常态化机制（每年至少组织开展1次疏散逃生演练）'",
]


def test_the_shipped_plan_reproduces_the_hand_made_tasks():
    draft, _ = draft_of(SEED)
    hand = yaml.safe_load((REPO / "ledgers" / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    # The plan's transcriptions are the records with a plan reference; tasks the clerk adds later are not.
    hand = [t for t in hand if t.get("ref")]
    assert len(hand) == 40
    assert differences(hand, written_tasks(draft)) == ACCEPTED


def test_the_shipped_plan_reproduces_town_yaml():
    draft, _ = draft_of(SEED)
    made = yaml.safe_load(town_yaml(draft, source="x"))
    hand = yaml.safe_load((REPO / "ledgers" / "town.yaml").read_text(encoding="utf-8"))
    for key in ("name", "county", "plan", "phases", "actions", "people"):
        assert made[key] == hand[key], key


def test_the_shipped_plan_lists_what_it_did_not_place():
    _, diags = draft_of(SEED)
    assert [str(d) for d in diags] == [
        "hejiapan-plan.txt:33:1: warning HJP601: “2024年底前”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
        "hejiapan-plan.txt:33:1: warning HJP601: “2025年底前”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
        "hejiapan-plan.txt:33:1: warning HJP601: “2026年底前”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
        "hejiapan-plan.txt:73:1: warning HJP602: RW-19：“推动生产经营单位每年…”是推动、督促其他单位按期落实，"
        "未作为本任务的周期（记为长期坚持）；各单位的落实请逐单位登记（如演练的年度覆盖）",
    ]


def test_the_draft_says_why_beside_each_judgement():
    draft, _ = draft_of(SEED)
    text = tasks_yaml(draft, source="方案.txt", include_town=False)
    assert "  # 原文含2项周期性要求，拆为 RW-8-1（其余要求）、RW-8-2（每季度）、RW-8-3（每年）\n  - id: RW-8-1\n" in text
    assert "  # 方案 2024-03-31 印发，周期自 2024-04-01 起计\n  - id: RW-8-2\n" in text
    assert ("  # “4月2日前”按 2024-04-02 记录（年份取自清单标题 2024年）\n  - id: RW-2024-1\n") in text
    assert ("  # 内容与方案 二（五）16 着力整治群众身边的突出安全隐患 相近，所属行动记为 5\n  - id: RW-2024-3\n") in text
    assert "# 原文未写完成时限的任务按长期坚持（ongoing: true）记录：RW-1、RW-2、" in text


OCR_EXPECTED = [
    {"id": "RW-1", "title": "建立隐患排查台账", "action": 1, "ref": "二（一）1", "lead": ["王小明"], "owners": ["镇应急办"],
     "ongoing": True,
     "text": "建立隐患排查台账.全面摸清辖区内餐饮场所、瓶装液化气供应站底数,建立台账,实行动态管理.(王小明牵头,镇应急办负责)"},
    {"id": "RW-2", "title": "开展燃气安全专项整治", "action": 1, "ref": "二（一）2", "lead": ["李四", "王小明"],
     "owners": ["各村"],
     "milestones": [{"due": date(2025, 6, 30), "what": "完成餐饮场所燃气报警装置安装"},
                    {"due": date(2025, 12, 31), "what": "完成老旧管道改造"}],
     "text": "开展燃气安全专项整治 2O25年6月底前完成餐饮场所燃气报警装置安装,2025年底前完成老旧管道改造。"
             "(李四、王小明牵头,各村按职责分工负责)"},
    {"id": "RW-3", "title": "每月开展一次燃气安全宣传", "action": 2, "ref": "二（二）3", "lead": ["王小明"],
     "owners": ["各村"], "every": "month",
     "text": "每月开展一次燃气安全宣传。各村每月组织开展燃气安全宣传活动不少于1次,执行标准: GB 55009-2021。(王小明牵头,各村负责)"},
    {"id": "RW-4", "title": "加强联合执法检查", "action": 2, "ref": "二（二）4", "lead": ["王小明"],
     "owners": ["镇综合执法队"], "ongoing": True,
     "text": "加强联合执法检查.每半年至少开展1次联合执法检查,对发现的问题督促整改.(王小明牵头,镇综合执法队负责)"},
]


def test_half_width_punctuation_and_ocr_slips():
    """(一) and (—) for （一）, "l." for "1.", a space for the lost 。, "4，" for "4.", 2O25 for 2025,
    a paragraph broken over two lines, [2025] for 〔2025〕; the text keeps the document's own characters."""
    draft, diags = draft_of(PLANS / "ocr-halfwidth.txt")
    assert written_tasks(draft) == OCR_EXPECTED
    assert draft.actions == {1: "隐患排查整治行动", 2: "宣传教育行动"}
    assert (draft.doc_no, draft.issued_on, draft.start, draft.end, draft.town, draft.county) == (
        "石政发〔2025〕8号", date(2025, 2, 28), date(2025, 3, 1), date(2025, 12, 31), "石门镇", None)
    assert [(p.name, p.start, p.end) for p in draft.phases] == [
        ("部署阶段", date(2025, 3, 1), date(2025, 3, 31)), ("整治阶段", date(2025, 4, 1), date(2025, 11, 30)),
        ("总结阶段", date(2025, 12, 1), date(2025, 12, 31))]
    assert [str(d) for d in diags] == [
        "ocr-halfwidth.txt:1:1: warning HJP604: 未能从方案中识别所属县，town.yaml 草稿中写了【请填写…】；请照原文补上",
        "ocr-halfwidth.txt:11:1: warning HJP601: “2O25年底前”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
        "ocr-halfwidth.txt:19:1: warning HJP601: RW-4：“每半年”无法换算成日期，保留在 text 中；请核对",
    ]


def test_eight_actions_another_town_other_clause_styles():
    draft, diags = draft_of(PLANS / "eight-actions.txt")
    assert draft.actions == {1: "安全责任落实行动", 2: "重大事故隐患排查整治行动", 3: "主要负责人培训行动",
                             4: "消防安全整治行动", 5: "强化安全科技支撑", 6: "道路交通安全整治行动",
                             7: "应急能力提升行动", 8: "全民安全素质提升行动"}
    assert (draft.title, draft.doc_no, draft.issued_on, draft.start, draft.end, draft.town) == (
        "王家岔乡安全生产治本攻坚三年行动实施方案（2024—2026年）", None, date(2024, 4, 8), date(2024, 4, 8),
        date(2026, 12, 31), "王家岔乡")
    assert [(p.name, p.start, p.end) for p in draft.phases] == [
        ("动员部署阶段", date(2024, 4, 8), date(2024, 4, 30)),
        ("集中攻坚阶段", date(2024, 5, 1), date(2025, 12, 31)),
        ("巩固提升阶段", date(2026, 1, 1), date(2026, 12, 31))]
    shapes = {t.id: (t.lead, t.owners, {k: v for k, v in t.record().items()
                                        if k in ("deadline", "milestones", "every", "ongoing", "start")})
              for t in draft.tasks}
    assert shapes == {
        "RW-1": (["刘建国"], ["乡应急管理站", "各村"], {"ongoing": True}),
        "RW-2": (["刘建国"], ["乡应急管理站"], {"milestones": [{"due": date(2024, 6, 30), "what": "建立完善"},
                                                         {"due": date(2025, 6, 30), "what": "实现动态更新"}]}),
        "RW-3": (["陈志强"], ["乡市场监管所"], {"deadline": date(2024, 12, 31)}),  # 即日起至2024年12月底
        "RW-4": (["刘建国"], ["乡应急管理站"], {"every": "quarter", "start": date(2024, 4, 9)}),
        "RW-5": ([], [], {"ongoing": True}),  # （长期坚持）
        "RW-6": (["陈志强"], ["乡经发办"], {"deadline": date(2025, 6, 30)}),  # 2025年上半年
        "RW-7": (["陈志强"], ["乡交管站", "各村"], {"deadline": date(2025, 9, 30)}),  # 2025年第三季度
        "RW-8-1": (["刘建国"], ["乡应急管理站"], {"ongoing": True}),
        "RW-8-2": (["刘建国"], ["乡应急管理站"], {"every": "year", "start": date(2024, 4, 9)}),
        "RW-9": (["刘建国"], ["各村"], {"ongoing": True}),
        "RW-2024-1": ([], ["乡应急管理站"], {"deadline": date(2024, 6, 30)}),  # 年度清单：6月底前
        "RW-2024-2": ([], ["各村"], {"deadline": date(2024, 9, 30)}),
        "RW-BG-1": ([], ["乡应急管理站"], {"every": "year", "start": date(2024, 4, 9)}),  # 每年12月20日前报送
        "RW-BG-2": ([], ["乡应急管理站"], {"deadline": date(2026, 11, 30)}),
    }
    # annex items whose wording no plan task shares get no action (no guessing from a few common words)
    assert [t.action for t in draft.tasks if t.id.startswith("RW-2024")] == [None, None]
    assert [t.title for t in draft.tasks if t.id.startswith("RW-BG")] == ["年度工作总结", "三年行动总结报告"]
    assert [str(d) for d in diags] == [
        "eight-actions.txt:1:1: warning HJP604: 未能从方案中识别文号，town.yaml 草稿中写了【请填写…】；请照原文补上",
        "eight-actions.txt:1:1: warning HJP604: 未能从方案中识别所属县，town.yaml 草稿中写了【请填写…】；请照原文补上",
        "eight-actions.txt:7:1: warning HJP601: “2026年底”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
    ]
    assert "  5: 强化安全科技支撑  # 标题不以“行动”结尾，请核对\n" in town_yaml(draft, source="x")


def make_docx(path: Path) -> None:
    """A plan as Word makes it: automatic list numbering, a soft line break, the annex as a table."""
    import docx

    d = docx.Document()
    d.add_paragraph("杨庄镇安全生产隐患排查治理实施方案")
    d.add_paragraph("为进一步加强安全生产工作，制定本方案。")
    d.add_paragraph("一、重点任务")
    d.add_paragraph("（一）开展隐患排查行动")
    d.add_paragraph("全面排查生产经营单位隐患。2025年9月底前完成全镇生产经营单位全覆盖排查。（赵一牵头，镇安监站负责）",
                    style="List Number")
    p = d.add_paragraph("建立隐患整改台账。", style="List Number")
    p.add_run().add_break()
    p.add_run("对排查出的隐患实行台账式管理。（赵一牵头，各村负责）")
    d.add_paragraph("（二）开展宣传培训行动")
    d.add_paragraph("每季度开展一次安全培训。（钱二牵头，镇安监站负责）", style="List Number")
    d.add_paragraph("二、实施步骤")
    d.add_paragraph("（一）排查阶段（2025年7月至9月）。全面排查。")
    d.add_paragraph("（二）整改阶段（2025年10月至12月）。集中整改。")
    d.add_paragraph("杨庄镇人民政府")
    d.add_paragraph("2025年6月20日")
    d.add_paragraph("附件：2025年重点工作任务清单")
    table = d.add_table(rows=3, cols=4)
    for r, row in enumerate([("序号", "工作任务", "责任单位", "完成时限"),
                             ("1", "召开全镇安全生产工作会议", "镇安监站", "7月15日前"),
                             ("2", "完成燃气用户安全检查", "各村", "10月底前")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(str(path))


def test_a_word_file_with_automatic_numbering_and_a_task_table(tmp_path):
    path = tmp_path / "方案.docx"
    make_docx(path)
    draft, diags = draft_of(path)
    assert [(t.id, t.title, t.ref, t.lead, t.owners, t.deadline, t.every, t.ongoing) for t in draft.tasks] == [
        ("RW-1", "全面排查生产经营单位隐患", "一（一）1", ["赵一"], ["镇安监站"], date(2025, 9, 30), None, None),
        ("RW-2", "建立隐患整改台账", "一（一）2", ["赵一"], ["各村"], None, None, True),
        ("RW-3", "每季度开展一次安全培训", "一（二）3", ["钱二"], ["镇安监站"], None, "quarter", None),
        ("RW-2025-1", "召开全镇安全生产工作会议", "附件1", [], ["镇安监站"], date(2025, 7, 15), None, None),
        ("RW-2025-2", "完成燃气用户安全检查", "附件2", [], ["各村"], date(2025, 10, 31), None, None),
    ]
    assert draft.tasks[1].text == "建立隐患整改台账。对排查出的隐患实行台账式管理。（赵一牵头，各村负责）"
    assert (draft.title, draft.issued_on, draft.start, draft.end, draft.town) == (
        "杨庄镇安全生产隐患排查治理实施方案", date(2025, 6, 20), date(2025, 7, 1), date(2025, 12, 31), "杨庄镇")
    assert [d.code for d in diags] == ["HJP604", "HJP604"]


def test_prose_that_is_no_plan_is_refused():
    lines = [SourceLine(1, "会议纪要"), SourceLine(2, "今天开会讨论了安全生产工作，大家发言踊跃。")]
    draft, diags = parse_plan(lines, path="纪要.txt")
    assert draft.tasks == []
    assert [str(d) for d in diags] == [
        "纪要.txt:1:1: error HJP603: 没有找到任何任务条目（“1.”“（一）”等编号下带“牵头”“负责”或完成时限的条目）；"
        "请确认这是实施方案的正文（.docx 或 .txt），扫描件请先识别成文字"]


@pytest.mark.parametrize("doc", ["hejiapan-plan.txt", "ocr-halfwidth.txt", "eight-actions.txt"])
def test_what_is_written_reads_back_as_the_draft(doc):
    """The project's emitter quotes what needs quoting (``执行标准: GB…``): PyYAML reads every value back."""
    draft, _ = draft_of(PLANS / doc)
    read = written_tasks(draft)
    assert read == [{k: v for k, v in t.record().items() if v != []} for t in draft.tasks]
    town = yaml.safe_load(town_yaml(draft, source="x"))
    assert town["actions"] == draft.actions and len(town["phases"]) == len(draft.phases)


# -- the pieces ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,year,expected", [
    ("2024年底前建立", None, ("date", date(2024, 12, 31))),
    ("2024 年 底前", None, ("date", date(2024, 12, 31))),
    ("2025年3月底前完成", None, ("date", date(2025, 3, 31))),
    ("2026年12月15日前，报送", None, ("date", date(2026, 12, 15))),
    ("（4月2日前完成）", 2024, ("date", date(2024, 4, 2))),
    ("12月底前完成", 2024, ("date", date(2024, 12, 31))),
    ("2月底前", 2024, ("date", date(2024, 2, 29))),
    ("年底前实现", 2025, ("date", date(2025, 12, 31))),
    ("明年底前完成", 2025, ("date", date(2026, 12, 31))),
    ("每年12月20日前", 2024, ("every", None)),
    ("2025年上半年完成", None, ("date", date(2025, 6, 30))),
    ("2025年第三季度完成", None, ("date", date(2025, 9, 30))),
    ("即日起至2024年12月底", None, ("date", date(2024, 12, 31))),
    ("即日起至6月", 2024, ("date", date(2024, 6, 30))),
    ("每季度带队", None, ("every", None)),
    ("每年至少1次", None, ("every", None)),
    ("每月开展", None, ("every", None)),
    ("每半年至少1次", None, ("vague", None)),
    ("每周", None, ("vague", None)),
    ("2024年6月完成", None, ("vague", None)),
    ("10个工作日内", None, ("vague", None)),
    ("长期坚持", None, ("ongoing", None)),
])
def test_time_phrases(text, year, expected):
    found = find_phrases(normalize(text))
    assert found, text
    ph = found[0]
    assert (ph.kind, ph.resolve(year) if ph.kind == "date" else None) == expected


@pytest.mark.parametrize("text", ["印发《安全生产条例（2024年修订）》", "12345政务服务热线", "全国安全生产月", "年度任务清单"])
def test_no_time_phrase(text):
    assert find_phrases(normalize(text)) == []


def test_a_year_in_the_text_governs_the_dates_after_it():
    lines = ["二、重点任务", "（一）开展整治行动",
             "1. 整治燃气隐患。2025年6月底前完成排查，12月底前完成整改。（张三牵头，各村负责）"]
    draft, _ = parse_plan([SourceLine(i, t) for i, t in enumerate(lines, 1)], path="x.txt")
    assert draft.tasks[0].milestones == [{"due": date(2025, 6, 30), "what": "完成排查"},
                                         {"due": date(2025, 12, 31), "what": "完成整改"}]
    assert draft.tasks[0].notes == ["“12月底前”按 2025-12-31 记录（年份取自前文 2025年）"]


def test_structure_markers_in_their_many_forms():
    lines = ["一，总体要求", "二 重点任务", "(—)开展整治行动", "l.第一项。（甲牵头）", "2、第二项。（甲牵头）",
             "3．第三项。（甲牵头）", "12345热线要畅通。", "4 第四项。（甲牵头）", "30 天内完成整改。", "（二）开展宣传行动",
             "5. 第五项（1）细则一；（2）细则二。（甲牵头）"]
    root, annexes = build_tree([SourceLine(i, t) for i, t in enumerate(lines, 1)])
    assert annexes == []
    assert [(n.level, n.num) for n in root.children] == [(1, 1), (1, 2)]
    actions = root.children[1].children
    assert [(n.level, n.num) for n in actions] == [(2, 1), (2, 2)]
    assert [(n.num, n.text) for n in actions[0].children] == [
        (1, "第一项。（甲牵头）"), (2, "第二项。（甲牵头）"), (3, "第三项。（甲牵头）12345热线要畅通。"),
        (4, "第四项。（甲牵头）30 天内完成整改。")]
    assert [n.num for n in actions[1].children] == [5]


@given(st.text(alphabet=st.sampled_from(list("()（）,.;:!?lIOo0123456789０１年月日一二 abc，。甲乙\n")), max_size=40))
def test_normalize_keeps_every_offset(text):
    assert len(normalize(text)) == len(text)
