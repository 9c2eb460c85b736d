"""Issue 12's report figures (hjp/report/sections.py and their places in the view-models and
templates): inspections (检查企业N家次, quarter coverage), trainings (培训负责人N人次, 任务5 coverage),
分级分类, 重大隐患 动态清零 and hazards by source. Every expected figure is worked out by hand from
LEDGER below, as of D = 2026-07-10 unless said otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from hjp import deadlines
from hjp.load import load_ledger
from hjp.report import reports, sections, viewmodel

D = date(2026, 7, 10)

UNITS = """\
units:
  - {id: DW-a-1, name: 甲加油站, sector: 危险化学品, principal: 张三, since: 2026-01-01, grade: 重点,
     credit_code: 91621024MAK8PBRN7J}
  - {id: DW-a-2, name: 甲面馆, sector: 餐饮燃气, principal: 李四, since: 2026-01-01, grade: 一般}
  - {id: DW-a-3, name: 甲超市, sector: 消防, principal: 王五, since: 2026-01-01}
  - {id: DW-a-4, name: 甲砖厂, sector: 工贸, principal: 赵六, since: 2026-01-01, closed_on: 2026-05-01, grade: 重点}
  - {id: DW-a-5, name: 重复登记, sector: 工贸, principal: 赵六, grade: 重点, void: {date: 2026-01-02, reason: 重复}}
"""

HAZARDS = """\
hazards:
  - {id: YH-1, title: 静电接地失效, unit: DW-a-1, sector: 危险化学品, level: 重大, source: 检查, found_on: 2026-02-10,
     found_in: JC-2, basis: 判定标准第十条, rectification: {owner: 张三, measures: 更换, funds: 1, deadline: 2026-03-10,
     contingency: 停用}, supervision: {level: 县级, since: 2026-02-11}, rectified_on: 2026-03-01, verified_by: 丁,
     closed_on: 2026-03-12}
  - {id: YH-2, title: 钢瓶间距不足, unit: DW-a-2, sector: 餐饮燃气, level: 重大, source: 自查, found_on: 2026-04-01,
     basis: 判定标准第八条, rectification: {owner: 李四, measures: 调整, funds: 1, deadline: 2026-05-01,
     contingency: 停用}, supervision: {level: 镇级, since: 2026-04-02}, rectified_on: 2026-04-20, verified_by: 丁,
     closed_on: 2026-05-01}
  - {id: YH-3, title: 疏散通道堵塞, unit: DW-a-3, sector: 消防, level: 重大, source: 举报, found_on: 2026-07-05,
     basis: 重大火灾隐患判定方法, rectification: {owner: 王五, measures: 清理, funds: 1, deadline: 2026-08-01,
     contingency: 停业}}
  - {id: YH-4, title: 配电柜无绝缘垫, unit: DW-a-4, sector: 工贸, level: 重大, source: 督查, found_on: 2025-12-01,
     basis: 判定标准第四条, rectification: {owner: 赵六, measures: 铺垫, funds: 1, deadline: 2026-01-01,
     contingency: 停产}, supervision: {level: 市级, since: 2026-07-20}}
  - {id: YH-5, title: 灭火器过期, unit: DW-a-3, sector: 消防, level: 一般, source: 检查, found_on: 2026-05-15,
     rectification: {owner: 王五, deadline: 2026-06-15}, rectified_on: 2026-06-01}
  - {id: YH-6, title: 重复录入, unit: DW-a-3, sector: 消防, level: 重大, source: 检查, found_on: 2026-05-15,
     rectification: {owner: 王五, deadline: 2026-06-15}, void: {date: 2026-05-16, reason: 重复录入}}
"""

INSPECTIONS = """\
inspections:
  - {id: JC-1, date: 2026-01-20, unit: DW-a-1, kind: 主要负责人带队, led_by: 张三}
  - {id: JC-2, date: 2026-02-10, unit: DW-a-1, kind: 部门检查, led_by: 镇安监员}
  - {id: JC-3, date: 2026-03-05, unit: DW-a-2, kind: 主要负责人带队, led_by: 李四}
  - {id: JC-4, date: 2026-03-06, unit: DW-a-3, kind: 主要负责人带队, led_by: 王五}
  - {id: JC-5, date: 2026-04-02, unit: DW-a-1, kind: 主要负责人带队, led_by: 张三}
  - {id: JC-6, date: 2026-05-15, unit: DW-a-3, kind: 联合检查, led_by: 镇安监员, findings: [YH-5, YH-6]}
  - {id: JC-7, date: 2026-06-20, kind: 镇级督导, led_by: 镇长}
  - {id: JC-8, date: 2026-07-02, unit: DW-a-1, kind: 主要负责人带队, led_by: 张三}
  - {id: JC-9, date: 2026-07-08, unit: DW-a-2, kind: 主要负责人带队, led_by: 李四, void: {date: 2026-07-09, reason: 错录}}
  - {id: JC-10, date: 2026-07-20, unit: DW-a-2, kind: 主要负责人带队, led_by: 李四}
"""

TRAININGS = """\
trainings:
  - id: PX-1
    date: 2026-03-20
    topic: 主要负责人培训
    kind: 主要负责人
    organizer: 镇应急办
    hours: 4
    attendees:
      - {unit: DW-a-1, name: 张三, role: 主要负责人}
      - {unit: DW-a-2, name: 李四}
      - {unit: DW-a-3, name: 钱七, role: 安全管理人员}
      - {unit: DW-b-1, name: 孙八, role: 主要负责人}
  - {id: PX-2, date: 2026-06-01, topic: 消防培训, kind: 消防, organizer: 县消防救援大队, hours: 2.5, count: 60}
  - {id: PX-3, date: 2026-06-02, topic: 消防培训, kind: 消防, organizer: 县消防救援大队, count: 60,
     void: {date: 2026-06-03, reason: 重复录入}}
  - {id: PX-4, date: 2026-08-01, topic: 主要负责人培训, kind: 主要负责人, organizer: 镇应急办,
     attendees: [{unit: DW-a-3, name: 王五, role: 主要负责人}]}
"""


@pytest.fixture
def led(make_ledger):
    root = make_ledger({
        "villages/a/village.yaml": "name: 甲村\n", "villages/a/units.yaml": UNITS,
        "villages/a/hazards.yaml": HAZARDS, "villages/a/inspections.yaml": INSPECTIONS,
        "villages/b/village.yaml": "name: 乙村\n",
        "villages/b/units.yaml": "units:\n  - {id: DW-b-1, name: 乙店, sector: 消防, principal: 孙八, since: 2026-01-01}\n",
        "trainings.yaml": TRAININGS,
    })
    return load_ledger(root, cache=False)


def test_inspections(led):
    s = sections.inspection_section(led, ["a", "b"], since=None, d=D)
    # JC-1..8 count (JC-9 voided, JC-10 after D); 7 of a unit (JC-7 has none), units a-1, a-2, a-3
    assert (s.total, s.unit_visits, s.units, s.leader) == (8, 7, 3, 5)
    assert s.by_kind == [("主要负责人带队检查", 5), ("部门检查", 1), ("镇级督导检查", 1), ("联合检查", 1)]
    assert s.hazards_found == 2  # YH-1 (found_in JC-2), YH-5 (JC-6's findings); YH-6 is void
    # Q1: a-1..a-4 and b-1 owe (all opened 2026-01-01); inspected a-1, a-2, a-3.
    # Q2: a-4 closed on 2026-05-01 does not owe; a-1 inspected (JC-5). Q3 (to D): a-1 (JC-8).
    assert [(c.quarter, c.owed, c.covered, c.missing, c.current) for c in s.coverage] == [
        ("2026Q1", 5, 3, 2, False), ("2026Q2", 4, 1, 3, False), ("2026Q3", 4, 1, 3, True)]
    assert (s.owed, s.covered) == (9, 4) and s.rate == pytest.approx(4 / 9)
    assert [(v.village, v.total, v.inspections, v.leader, v.hazards) for v in s.by_village] == [
        ("甲村", 8, 7, 5, 2), ("乙村", 0, 0, 0, 0)]
    # a phase from 2026-04-01 counts JC-5, JC-6, JC-7, JC-8 and the quarters from Q2
    p = sections.inspection_section(led, ["a"], since=date(2026, 4, 1), d=D)
    assert (p.total, p.unit_visits, p.hazards_found) == (4, 3, 1)
    assert [c.quarter for c in p.coverage] == ["2026Q2", "2026Q3"]


def test_trainings(led):
    s = sections.training_section(led, ["a", "b"], since=None, d=D, village=None)
    # PX-1 (4 named), PX-2 (count 60); PX-3 void; PX-4 after D
    assert (s.sessions, s.person_times, s.hours) == (2, 64, 6.5)
    # principals: 张三 (role), 李四 (by name), 孙八 (role); 钱七 is not a-3's principal
    assert s.principal_times == 3
    assert [(k.kind, k.sessions, k.person_times) for k in s.by_kind] == [("主要负责人", 1, 4), ("消防", 1, 60)]
    # operating at D: a-1, a-2, a-3, b-1 (a-4 closed, a-5 void); a-3 not yet trained (PX-4 is after D)
    assert (s.owed, s.covered) == (4, 3)
    assert [(u.id, u.name, u.village, u.principal) for u in s.uncovered] == [("DW-a-3", "甲超市", "甲村", "王五")]
    v = sections.training_section(led, ["a"], since=None, d=D, village="a")
    # a village counts only its units' named attendees: PX-1's three of 甲村, not the bare count of PX-2
    assert (v.sessions, v.person_times, v.principal_times, v.owed, v.covered) == (1, 3, 2, 3, 2)


def test_units(led):
    s = sections.unit_section(led, ["a", "b"], d=D)
    assert (s.operating, s.by_grade, s.ungraded, s.credit_codes) == (4, [("重点", 1), ("一般", 1)], 2, 1)


def test_majors(led):
    state = lambda h, b: viewmodel.hazard_state_label(h, b, D)  # noqa: E731
    s = sections.major_section(led, ["a"], since=None, d=D, state=state)
    # found: YH-1, YH-2 (2026, closed in 30 and 30 days), YH-3 (2026, open), YH-4 (2025, open); YH-6 void
    assert (s.found, s.closed, s.median_days, s.max_days) == (4, 2, 30, 30)
    assert [(y.year, y.found, y.closed, y.open) for y in s.by_year] == [(2025, 1, 0, 1), (2026, 3, 2, 1)]
    assert [(o.id, o.days, o.supervision, o.status) for o in s.open] == [
        ("YH-4", 221, "未挂牌", "逾期未整改（190天）"),  # its supervision begins after D
        ("YH-3", 5, "未挂牌", "整改中")]
    assert s.unsupervised == 2
    later = sections.major_section(led, ["a"], since=date(2026, 1, 1), d=date(2026, 7, 25), state=state)
    # a period from 2026 leaves YH-4's finding out, but it is still open stock, now under 督办
    assert (later.found, [(o.id, o.supervision) for o in later.open]) == (3, [("YH-4", "市级"), ("YH-3", "未挂牌")])


def test_hazards_by_source(led):
    rows = viewmodel.source_stats(led.hazards(), as_of=D)
    assert [(r.label, r.found) for r in rows] == [("部门检查", 2), ("企业自查", 1), ("举报", 1), ("督查", 1),
                                                  ("其他", 0), ("合计", 5)]


def test_problems_reconcile_with_the_deadline_engine(led):
    vm = reports.view_model(led, "self-check", as_of=date(2027, 1, 5))
    assert vm.date == date(2026, 12, 31)  # the report's figures are taken at the plan's end at the latest
    f = deadlines.compute(led, as_of=vm.date)
    assert vm.problems.total == len(f.overdue) + len(f.stale) + len(f.awaiting_closure)
    insp = [it for it in f.overdue if it.kind == "inspection"]
    assert sum(q.units for q in vm.problems.inspections) == len(insp) == len(vm.problems.inspection_items)
    assert vm.problems.inspection_units == len({it.id for it in insp})
    # every principal trained by the plan's end (a-3 by PX-4); before that, a-3 is still to be trained
    assert vm.problems.trainings == [] and vm.upcoming.trainings == 0 and vm.trainings.uncovered == []
    before = reports.view_model(led, "self-check", as_of=D)
    assert before.problems.trainings == [] and before.upcoming.trainings == 1
    assert [(v.village, v.count) for v in before.upcoming.trainings_by_village] == [("甲村", 1)]


def test_the_report_says_it(led):
    md = reports.produce(led, "self-check", as_of=D).markdown
    assert "累计检查生产经营单位7家次，组织安全教育培训2期、64人次，其中培训生产经营单位主要负责人3人次。" in md
    assert ("累计开展各类安全检查8次，检查生产经营单位7家次（3家），其中主要负责人带队检查5次、部门检查1次、"
            "镇级督导检查1次、联合检查1次；检查发现隐患2项。") in md
    assert "已结束的2个季度应检查9家次、已检查4家次，覆盖率44.4%" in md
    # 安全教育培训: the principals among all attendees (3) differ from the 主要负责人 sessions' 4 人次, so
    # both are said; with equal figures the second is left out (the goldens: it only repeated the first)
    assert ("其中主要负责人培训1期4人次、消防培训1期60人次；各类培训中参训的生产经营单位主要负责人共3人次。"
            in md)
    # 附件4 totals reconcile with the body: 8 inspections, 7 家次, 5 带队, 2 hazards; quarters ended 9/4
    assert "| 甲村 | 8 | 7 | 5 | 2 |\n| 乙村 | 0 | 0 | 0 | 0 |\n| 合计 | 8 | 7 | 5 | 2 |\n" in md
    assert "| 已结束季度合计 | 9 | 4 | 5 | 44.4% |\n" in md
    assert ("重大隐患动态清零情况：累计发现重大隐患4项（2025年1项、2026年3项），已销号2项，从发现到销号用时中位数30天、"
            "最长30天。截至2026年7月10日，未销号的重大隐患2项，其中2项尚未挂牌督办，逐项如下：") in md
    assert "）部分重大隐患尚未挂牌督办\n\n截至2026年7月10日，2项未销号的重大隐患尚未挂牌督办。" in md
    assert "在营生产经营单位4家中，主要负责人已参加培训的3家，覆盖率75.0%，尚未参加培训的1家" in md
    assert "其中重点1家、一般1家；尚未分级分类的2家；已登记统一社会信用代码的1家。" in md
    assert "按隐患来源统计，部门检查2项、企业自查1项、举报1项、督查1项；其中经登记的检查发现2项。" in md
    register = reports.produce(led, "hazards", as_of=D).markdown
    assert ("检查生产经营单位7家次（其中主要负责人带队检查5次），检查发现隐患2项。组织安全教育培训2期、64人次，"
            "其中培训生产经营单位主要负责人3人次。") in register
    overdue = reports.produce(led, "overdue", as_of=D).markdown
    assert "其中隐患整改1项、主要负责人带队检查5项。" in overdue
    assert "| 主要负责人带队检查 | DW-a-3 | 甲超市2026年第2季度主要负责人带队检查 | 甲村 | 2026年6月30日 | 10 |" in overdue


def test_the_annexes_name_the_units(led):
    # 附件 lists of units say which units (village, name, ID, principal), not counts per village; the
    # hazards still open are listed one by one
    md = reports.produce(led, "self-check", as_of=D).markdown
    nxt = md[md.index("# 下一步需完成事项清单"):]
    # 2026Q3 (due 2026-09-30): a-2, a-3 and b-1 not yet inspected by their principal (a-1: JC-8)
    assert ("## 三、尚未开展2026年第3季度主要负责人带队检查的生产经营单位（3家）\n\n| 村 | 单位 | 编号 | 主要负责人 |\n"
            "|---|---|---|---|\n| 甲村 | 甲面馆 | DW-a-2 | 李四 |\n| 甲村 | 甲超市 | DW-a-3 | 王五 |\n"
            "| 乙村 | 乙店 | DW-b-1 | 孙八 |\n") in nxt
    assert "| 甲村 | 甲超市 | DW-a-3 | 王五 |\n" in nxt[nxt.index("主要负责人尚未参加安全培训的生产经营单位（1家）"):]
    assert ("## 一、整改中未逾期的隐患（1项，其中重大隐患1项）\n\n| 编号 | 事项 | 村 | 责任人 | 整改期限 | 剩余<br>天数 |\n"
            "|---|---|---|---|---|---:|\n| YH-3 | 疏散通道堵塞 | 甲村 | 王五 | 2026年8月1日 | 22 |\n") in nxt


def test_annex_1_numbers_the_actions_as_the_body_does(tmp_path):
    # the body numbers every action of the plan （一）…（十一）, empty ones too; 附件1 lists only those with
    # tasks and renumbered them 一、二、…, so （四）重大事故隐患动态清零行动 was 附件1's 二
    import re

    from hjp.demo import generate

    generate(tmp_path / "demo", villages=3, hazards=60, seed=7)
    md = reports.produce(load_ledger(tmp_path / "demo", cache=False), "self-check", as_of=D).markdown
    body = md[md.index("## 二、主要做法和成效"):md.index("## 三、")]
    annex = md[md.index("# 各项任务落实情况表"):md.index("# 隐患排查治理情况统计表")]
    numbered = re.findall(r"^### （(.+?)）(.+)$", body, re.M)
    listed = re.findall(r"^## （(.+?)）(.+)$", annex, re.M)
    assert listed and set(listed) <= set(numbered)
    assert len(listed) < len(numbered) and listed[1] != numbered[1]  # numbers are skipped, as in the body
