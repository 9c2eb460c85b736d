"""Synthetic demo ledger: realistic, valid and deterministic for a seed (``hjp demo``).

Tests, golden files and benchmarks build on it, so its output for a given seed must stay stable:
``tests/unit/test_demo.py`` pins a digest. Change the generator only on purpose, and then update
the pinned digest and tell whoever keeps golden files built from it.

Dates never depend on today: the data describes the plan period up to ``ANCHOR`` (2026-11-30),
and every date on which something *happened* (found, rectified, closed, held, done, occurrences,
progress) is at most ``DATA_END``, a week earlier, so that ``hjp validate`` run in the last days of
November 2026 does not warn about dates in the future. Which items are overdue is the deadlines
engine's business, as of whatever date it is asked about; the states are shaped so that, as of
``ANCHOR``, every bucket (overdue, due soon, stale, awaiting closure) has members.

YAML is written as text by hjp's one emitter (``hjp.yamltext``, the same the edits use; an order
of magnitude faster than ``yaml.dump``): strings are plain only when neither a YAML 1.1 nor a
YAML 1.2 reader could misread them, else double-quoted, and a test reads every file back with
PyYAML to the intended values.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from hjp import creditcode, sealed
from hjp.deadlines import calendar_periods
from hjp.diagnostics import os_reason
from hjp.kinds import DRILL, HAZARD, INSPECTION, TASK, TRAINING, UNIT
from hjp.paths import work_tree
from hjp.sealed import MARKER
from hjp.yamltext import block_lines, block_mapping

ANCHOR = date(2026, 11, 30)  # the demo data "as of" this day
DATA_END = ANCHOR - timedelta(days=7)  # nothing has happened later than this
PLAN_START = date(2024, 3, 31)
PLAN_END = date(2026, 12, 31)
WORK_START = date(2024, 4, 1)  # first day of 集中攻坚阶段: village records begin here

MAX_VILLAGES = 200
# One village's hazards.yaml holds ~380 bytes a hazard; the loader refuses files over 10 MB.
MAX_HAZARDS_PER_VILLAGE = 20_000

DEFAULT_VILLAGES = 12
DEFAULT_HAZARDS = 600
DEFAULT_SEED = 1


class DemoError(Exception):
    """Bad arguments or an unusable target directory (usage error, exit 2)."""


# --------------------------------------------------------------------------- YAML text

# Mappings written inline, like a clerk would: `void: {date: …, reason: …}`.
_FLOW_KEYS = frozenset({"void", "supervision"})


def dump_records(top: str, records: Iterable[dict[str, Any]], header: str) -> str:
    """A record file (``top:`` then a block list of records), as text."""
    out = [header, f"{top}:\n"]
    empty = True
    for rec in records:
        empty = False
        out.extend(line + "\n" for line in block_lines(rec, 2, flow_keys=_FLOW_KEYS))
        out.append("\n")
    if empty:
        out[-1] = f"{top}: []\n"
    return "".join(out)


def dump_mapping(d: dict[str, Any], header: str) -> str:
    return header + "".join(line + "\n" for line in block_mapping(d, flow_keys=_FLOW_KEYS))


# --------------------------------------------------------------------------- vocabularies

VILLAGES = [
    ("hejiapan", "何家畔村"), ("zhangjuyuan", "张举塬村"), ("huangzhai", "黄寨村"), ("beimao", "北峁村"),
    ("anziping", "安子坪村"), ("maojiayuan", "毛家塬村"), ("wangjiagou", "王家沟村"), ("lijiazhuang", "李家庄村"),
    ("xiaoyuan", "肖塬村"), ("dongzhuang", "东庄村"), ("xigou", "西沟村"), ("nanyuan", "南塬村"),
    ("baimapu", "白马铺村"), ("liujiahe", "刘家河村"), ("zhaojiawan", "赵家湾村"), ("sunjiaping", "孙家坪村"),
    ("majiayuan", "马家塬村"), ("gaojiamao", "高家峁村"), ("chenjiagou", "陈家沟村"), ("yangjiazhuang", "杨家庄村"),
    ("shijiaping", "石家坪村"), ("lujiawan", "路家湾村"), ("fengjiayuan", "冯家塬村"), ("zhoujiazhai", "周家寨村"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈彭吕苏卢蒋蔡贾丁魏薛叶余潘杜夏汪田任姜范石姚谭邹金郝白崔康毛秦史侯孟段雷"
GIVEN = "建国志强海军红梅秀英玉兰文杰振华小平永刚晓东丽娟桂芳国庆明亮俊峰雪艳春燕宏伟淑珍德胜金花宝山彩霞立新爱民兴旺"

# sector -> (weight, unit name patterns, hazards [(title, location, measures)])
SECTORS: dict[str, tuple[int, list[str], list[tuple[str, str, str]]]] = {
    "餐饮燃气": (4, ["{s}家饭馆", "{v}农家乐", "{s}记面馆"], [
        ("液化气钢瓶与灶具间距不足", "后厨", "调整钢瓶位置，与灶具保持1米以上距离"),
        ("未安装可燃气体报警装置", "后厨", "安装可燃气体报警装置并联动切断阀"),
        ("燃气软管老化开裂", "后厨", "更换金属波纹管并检查接口"),
        ("液化气钢瓶存放在地下室", "储藏间", "将钢瓶移出地下室，设置专用气瓶间")]),
    "工贸": (4, ["{v}砖厂", "{s}氏面粉加工厂", "{v}农机修理部"], [
        ("设备传动部位无防护罩", "生产车间", "加装防护罩并张贴警示标志"),
        ("配电柜前未铺绝缘垫", "配电室", "铺设绝缘垫，配电室上锁管理"),
        ("安全出口堆放杂物", "车间出口", "清理杂物，保持安全出口畅通")]),
    "消防": (4, ["{v}便民超市", "{v}小学", "{v}卫生室"], [
        ("疏散通道被占用", "一楼走廊", "清理通道，落实每日防火巡查"),
        ("应急照明损坏", "楼梯间", "更换应急照明灯和疏散指示标志"),
        ("电动自行车在楼道内充电", "楼道", "设置集中充电点，楼道内禁止充电"),
        ("灭火器过期未更换", "营业厅", "更换灭火器并建立检查记录")]),
    "建筑施工": (2, ["{v}安置房项目部", "{s}氏建筑工程队"], [
        ("脚手架连墙件缺失", "外架", "按方案补设连墙件并验收"),
        ("临边防护栏杆不全", "二层楼面", "补齐临边防护栏杆和挡脚板"),
        ("施工用电未做到一机一闸一漏", "配电箱", "整改配电箱，做到一机一闸一漏一箱")]),
    "危险化学品": (1, ["{v}加油站"], [
        ("卸油区静电接地装置失效", "卸油区", "更换静电接地装置并检测"),
        ("油罐区可燃气体报警器未定期检测", "油罐区", "委托有资质单位检测报警器")]),
    "石油天然气": (1, ["{v}天然气集输站"], [
        ("集输管线标志桩缺失", "集输管线", "补设管线标志桩和警示牌")]),
    "城镇燃气": (1, ["{v}液化气供应站"], [
        ("气瓶充装台账不全", "充装区", "完善充装台账，逐瓶登记"),
        ("燃气管道穿越处无保护套管", "管道", "加装保护套管")]),
    "交通运输": (1, ["{v}运输队", "{s}氏货运部"], [
        ("车辆超期未年检", "停车场", "车辆停运，完成年检后恢复运营"),
        ("驾驶员未参加安全教育", "运输队", "组织驾驶员参加安全教育并考核")]),
    "特种设备": (1, ["{v}养殖场锅炉房"], [
        ("锅炉安全阀超期未校验", "锅炉房", "校验安全阀并出具报告"),
        ("叉车司机无证作业", "仓库", "停止无证作业，组织取证")]),
    "粉尘涉爆": (1, ["{s}氏木制品加工厂"], [
        ("除尘系统未设泄爆装置", "除尘器", "加装泄爆装置并做好接地"),
        ("车间积尘未及时清扫", "加工车间", "落实每班清扫制度")]),
    "烟花爆竹": (1, ["{v}烟花爆竹零售点"], [
        ("零售点超量储存", "店面", "清理超量产品，按限量储存"),
        ("店内未设禁火标志", "店面", "设置禁止烟火标志并配备灭火器")]),
    "有限空间": (1, ["{v}污水处理站"], [
        ("有限空间作业未配备检测仪器", "污水井", "配备气体检测仪，先通风、再检测、后作业"),
        ("有限空间未设警示标志", "沼气池", "设置有限空间警示标志")]),
    "文体旅游": (1, ["{v}乡村旅游点"], [
        ("游乐设施未定期检验", "游乐区", "停用设施，检验合格后使用"),
        ("观景步道护栏松动", "观景步道", "加固护栏并设置警示牌")]),
    "水利": (1, ["{v}水库管理站"], [
        ("溢洪道堵塞", "溢洪道", "清理溢洪道，汛前完成疏通")]),
}
# Hazards that belong to no unit: village roads, self-built houses, public places.
PUBLIC_HAZARDS: dict[str, list[tuple[str, str, str]]] = {
    "道路交通": [("急弯路段缺少警示标志", "村道", "设置急弯警示标志和减速带"),
                 ("临水临崖路段无防护栏", "村道", "增设波形护栏")],
    "自建房": [("经营性自建房墙体开裂", "临街门面房", "停止经营，委托鉴定后加固"),
               ("自建房擅自加层", "民房", "拆除违规加层部分")],
    "水利": [("塘坝无安全警示标志", "塘坝", "设置防溺水警示牌")],
    "其他": [("电线私拉乱接", "村民院内", "规范线路敷设，加装漏电保护器")],
}
CONTINGENCY = ["整改期间停止相关作业，设专人看守", "整改期间设置警戒区，落实每日巡查", "整改期间停业整顿，制定应急处置方案"]
REPORTERS = ["匿名群众", "村民", "从业人员"]
# 判定依据 of a 重大 hazard, by sector: (standard, clause numbers that fit it)
_GONGMAO = "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）"
_HUAGONG = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》"
_FIRE = "《重大火灾隐患判定方法》（GB 35181-2017）"
_SPECIAL = "《特种设备重大事故隐患判定准则》（GB 45067-2024）"
BASIS: dict[str, tuple[str, tuple[str, ...]]] = {
    "工贸": (_GONGMAO, ("第四条", "第五条", "第六条")), "粉尘涉爆": (_GONGMAO, ("第十四条",)),
    "有限空间": (_GONGMAO, ("第五条",)), "危险化学品": (_HUAGONG, ("第一条", "第六条", "第十条")),
    "石油天然气": (_HUAGONG, ("第十条", "第十二条")),
    "城镇燃气": ("《城镇燃气经营安全重大隐患判定标准》", ("第三条", "第五条")),
    "餐饮燃气": ("《城镇燃气经营安全重大隐患判定标准》", ("第八条",)),
    "建筑施工": ("《房屋市政工程生产安全重大事故隐患判定标准（2024版）》", ("第六条", "第八条")),
    "消防": (_FIRE, ("5.1.2", "5.2.3", "5.3.4")), "其他": (_FIRE, ("5.3.4",)),
    "烟花爆竹": ("《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》", ("第三条", "第四条")),
    "交通运输": ("《道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）》", ("第三条",)),
    "道路交通": ("《道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）》", ("第四条",)),
    "特种设备": (_SPECIAL, ("4.2", "4.5")), "文体旅游": (_SPECIAL, ("4.9",)),
    "水利": ("《水利工程生产安全重大事故隐患清单指南》", ("第二部分",)),
    "自建房": ("《全国自建房安全专项整治工作方案》（国办发明电〔2022〕10号）", ("二（二）",)),
}
# 分级分类: sectors whose units are 重点 (the rest 一般, a few promoted after an incident or a 重大 hazard)
KEY_SECTORS = frozenset({"危险化学品", "城镇燃气", "粉尘涉爆", "烟花爆竹", "石油天然气", "建筑施工", "有限空间"})
HESHUI = "621024"  # GB/T 2260 code of 合水县, the registering authority's area in a credit code
INSPECTION_SCOPES = ["重大事故隐患排查整治情况", "安全生产责任制和隐患排查制度落实情况", "消防设施和疏散通道",
                     "用电、用气安全和特种设备"]
VOID_REASONS = ["重复录入", "录入错误，不属于本村", "误录，经核实不构成隐患"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _day(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return date.fromordinal(rng.randint(lo.toordinal(), hi.toordinal()))


# --------------------------------------------------------------------------- town

TOWN_YAML = """\
# hjp demo 示例台账（合成数据，非真实台账）。方案、阶段和行动取自何政发〔2024〕100号。
name: 何家畔镇
county: 合水县
timezone: Asia/Shanghai
plan:
  title: 何家畔镇安全生产治本攻坚三年行动实施方案（2024-2026年）
  doc_no: 何政发〔2024〕100号
  issued_on: 2024-03-31
  start: 2024-03-31
  end: 2026-12-31
phases:
  - {name: 动员部署阶段, start: 2024-03-31, end: 2024-03-31}
  - {name: 集中攻坚阶段, start: 2024-04-01, end: 2025-12-31}
  - {name: 治本提升阶段, start: 2026-01-01, end: 2026-09-30}
  - {name: 自查总结阶段, start: 2026-10-01, end: 2026-12-31}
actions:
  1: 安全生产责任落实行动
  2: 生产经营单位主要负责人安全教育培训行动
  3: 重大事故隐患判定标准贯彻落实提升行动
  4: 重大事故隐患动态清零行动
  5: 安全科技支撑和工程治理行动
  6: 生产经营单位从业人员安全素质能力提升行动
  7: 生产经营单位安全管理体系建设行动
  8: 安全生产精准执法和帮扶行动
  9: 基层应急能力提升行动
  10: 全民安全素质提升行动
people:
  - {name: 赵宝平, role: 签发人}
  - {name: 张志瑞, role: 牵头领导}
  - {name: 马建昭, role: 牵头领导}
  - {name: 任振基, role: 牵头领导}
  - {name: 赵辉, role: 牵头领导}
"""


def _town_tasks() -> list[dict[str, Any]]:
    d = date.fromisoformat
    quarters = [d(x) for x in ("2024-06-20", "2024-09-18", "2024-12-16", "2025-03-21", "2025-06-19",
                               "2025-12-18", "2026-03-20", "2026-06-18", "2026-09-17")]  # 2025Q3 missed
    return [
        {"id": "RW-1", "title": "牢固树立安全发展理念", "action": 1, "ref": "二（一）1", "lead": ["张志瑞"],
         "owners": ["应急办", "各分管领导"], "ongoing": True,
         "progress": [{"date": d("2024-05-10"), "note": "召开安全生产专题培训会1次，参训58人"},
                      {"date": d("2025-06-12"), "note": "组织镇村干部专题学习"},
                      {"date": d("2026-09-25"), "note": "开展领导干部安全管理能力培训"}]},
        {"id": "RW-8-2", "title": "生产经营单位主要负责人每季度带队检查至少1次", "action": 4, "ref": "二（四）8",
         "lead": ["张志瑞"], "owners": ["各分管领导"], "every": "quarter", "start": WORK_START,
         "occurrences": [{"date": q, "note": "汇总各单位主要负责人带队检查记录"} for q in quarters]},
        {"id": "RW-8-3", "title": "生产经营单位主要负责人每年至少组织开展1次疏散逃生演练", "action": 4,
         "ref": "二（四）8", "lead": ["张志瑞"], "owners": ["各分管领导"], "every": "year", "start": WORK_START,
         "occurrences": [{"date": d("2024-11-28"), "note": "汇总全镇疏散逃生演练开展情况"},
                         {"date": d("2025-11-26"), "note": "汇总全镇疏散逃生演练开展情况"}]},
        {"id": "RW-10", "title": "建立健全重大事故隐患统计分析机制和督办制度", "action": 4, "ref": "二（四）10",
         "lead": ["张志瑞"], "owners": ["应急办"], "deadline": d("2024-12-31"), "done_on": d("2024-12-20")},
        {"id": "RW-14", "title": "加快淘汰一批不具备安全生产条件的生产经营单位", "action": 5, "ref": "二（五）14",
         "lead": ["张志瑞"], "owners": ["各分管领导"],
         "milestones": [{"due": d("2024-12-31"), "what": "建立改造提升一批、整合重组一批、关闭退出一批",
                         "done_on": d("2024-12-26")},
                        {"due": d("2025-12-31"), "what": "推动变型拖拉机全部淘汰退出"},
                        {"due": d("2026-12-31"), "what": "基本解决“小散乱”问题"}]},
        {"id": "RW-16", "title": "着力整治群众身边的突出安全隐患", "action": 5, "ref": "二（五）16",
         "lead": ["张志瑞", "赵辉"], "owners": ["各分管领导"], "deadline": d("2025-12-31")},
        {"id": "RW-27", "title": "建立应急预案演练机制", "action": 9, "ref": "二（九）27", "lead": ["张志瑞"],
         "owners": ["应急办"], "every": "month", "start": d("2026-01-01"), "end": d("2026-12-31"),
         "occurrences": [{"date": date(2026, m, 25), "note": "检查各村演练计划落实情况"}
                         for m in range(1, 11) if m != 4]},
        {"id": "RW-2024-1", "title": "印发《何家畔镇安全生产治本攻坚三年行动实施方案（2024-2026年）》方案",
         "ref": "附件1", "lead": [], "owners": ["应急办"], "deadline": d("2024-04-02"), "done_on": d("2024-03-31")},
        {"id": "RW-BG-1", "title": "集中攻坚阶段工作总结", "ref": "四（五）", "lead": [], "owners": ["应急办"],
         "deadline": d("2025-12-15"), "done_on": d("2025-12-12")},
        {"id": "RW-BG-2", "title": "治本提升阶段工作总结", "ref": "四（五）", "lead": [], "owners": ["应急办"],
         "deadline": d("2026-09-15"), "done_on": d("2026-09-14")},
        {"id": "RW-BG-3", "title": "自查总结报告", "ref": "四（五）", "lead": [], "owners": ["应急办"],
         "deadline": d("2026-12-15")},
        {"id": "RW-BG-9", "title": "自查总结报告（重复录入）", "ref": "四（五）", "lead": [], "owners": ["应急办"],
         "deadline": d("2026-12-15"), "void": {"date": d("2026-10-09"), "reason": "重复录入，以 RW-BG-3 为准"}},
    ]


# --------------------------------------------------------------------------- villages


@dataclass
class DemoStats:
    villages: int = 0
    units: int = 0
    hazards: int = 0
    drills: int = 0
    tasks: int = 0
    inspections: int = 0
    trainings: int = 0
    files: list[Path] = field(default_factory=list)
    sealed: int = 0  # synthetic 举报人 sealed to the demo key
    first_sealed: str | None = None  # one of their hazard IDs, for the example command
    key: Path | None = None  # the throwaway demo key, beside the ledger


@dataclass
class _Counters:
    hazard: dict[int, int] = field(default_factory=dict)
    drill: dict[int, int] = field(default_factory=dict)
    inspection: dict[int, int] = field(default_factory=dict)

    def next(self, table: dict[int, int], year: int) -> int:
        table[year] = table.get(year, 0) + 1
        return table[year]


def _village_names(n: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        slug, name = VILLAGES[i % len(VILLAGES)]
        k = i // len(VILLAGES)
        out.append((slug, name) if k == 0 else (f"{slug}{k + 1}", f"{name[:-1]}{k + 1}组"))
    return out


def _sector_table() -> tuple[list[str], list[int]]:
    names = list(SECTORS)
    return names, [SECTORS[s][0] for s in names]


def _units(rng: random.Random, slug: str, vname: str, count: int) -> list[dict[str, Any]]:
    names, weights = _sector_table()
    short = vname[:-1]
    units: list[dict[str, Any]] = []
    used: set[str] = set()
    for i in range(count):
        sector = rng.choices(names, weights)[0]
        pattern = rng.choice(SECTORS[sector][1])
        name = pattern.format(v=short, s=rng.choice(SURNAMES))
        if name in used:
            name = f"{name}{i + 1}号"
        used.add(name)
        u: dict[str, Any] = {"id": f"DW-{slug}-{i + 1:02d}", "name": name, "sector": sector,
                             "principal": _person(rng)}
        if rng.random() < 0.7:
            u["phone"] = f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
        r = rng.random()
        if r < 0.65:
            u["since"] = _day(rng, date(2008, 1, 1), date(2024, 3, 1))
        elif r < 0.92:
            u["since"] = _day(rng, WORK_START, date(2026, 6, 30))
        start = max(u.get("since", WORK_START), WORK_START) + timedelta(days=30)
        if start < DATA_END and rng.random() < 0.08:
            u["closed_on"] = _day(rng, start, DATA_END)
            u["notes"] = "已关闭退出"
        if sector in ("水利", "石油天然气") and rng.random() < 0.5:
            u["drill_required"] = False
        units.append(u)
    if count >= 4 and rng.random() < 0.35:  # a unit registered twice, then voided
        dup = dict(units[0])
        dup["id"] = f"DW-{slug}-{count + 1:02d}"
        dup.pop("notes", None)
        dup["void"] = {"date": _day(rng, WORK_START, DATA_END), "reason": f"重复登记，以 {units[0]['id']} 为准"}
        units.append(dup)
    return units


_UNIT_ORDER = ("id", "name", "sector", "principal", "phone", "since", "closed_on", "drill_required",
               "inspection_required", "credit_code", "grade", "notes", "void")
_HAZARD_ORDER = ("id", "title", "unit", "location", "sector", "level", "source", "found_on", "found_by", "reporter",
                 "basis", "found_in", "rectification", "supervision", "rectified_on", "verified_by", "closed_on",
                 "evidence", "notes", "void")


def _ordered(d: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {k: d[k] for k in order if k in d}


def credit_code(rng: random.Random, kind: str = "1") -> str:
    """A synthetic 统一社会信用代码 of the right structure: 9 (市场监管) + kind + 合水县's area code +
    a 组织机构代码 with its GB 11714 check character + the GB 32100 check character."""
    chars = creditcode.CHARSET
    body = "MA" + "".join(rng.choice(chars) for _ in range(6))
    value = {c: int(c, 36) for c in chars}  # GB 11714 values: digits, then A=10 … Z=35
    r = 11 - sum(value[c] * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    first17 = "9" + kind + HESHUI + body + ("X" if r == 10 else "0" if r == 11 else str(r))
    return first17 + creditcode.check_character(first17)


def _classify(rng: random.Random, units: list[dict[str, Any]]) -> None:
    """分级分类, credit codes and inspection duty for the demo's units (a generator of their own, so
    the rest of the demo is what it was before units were classified)."""
    for u in units:
        if u.get("void") is not None:
            continue  # a duplicate registration: it keeps the fields it was copied with
        if u["sector"] == "水利":
            u["inspection_required"] = False  # a public water works, not a 生产经营单位 owing 任务8's checks
        u["credit_code"] = credit_code(rng, "2" if u["name"].endswith(("饭馆", "面馆", "农家乐", "超市", "零售点")) else "1")
        u["grade"] = "重点" if u["sector"] in KEY_SECTORS or rng.random() < 0.1 else "一般"
    for i, u in enumerate(units):
        if u.get("void") is not None:  # the copy of an earlier unit (_units): same licence, same class
            first = next(x for x in units if x["name"] == u["name"] and x.get("void") is None)
            u.update({k: first[k] for k in ("inspection_required", "credit_code", "grade") if k in first})
        units[i] = _ordered(u, _UNIT_ORDER)


def _major_details(rng: random.Random, hazards: list[dict[str, Any]]) -> None:
    """判定依据 for every 重大 hazard, and 挂牌督办 for every one still open (动态清零)."""
    for h in hazards:
        if h["level"] != "重大" or h.get("void") is not None:
            continue
        standard, clauses = BASIS[h["sector"]]
        h["basis"] = standard + rng.choice(clauses)
        if "supervision" not in h and "closed_on" not in h:
            f = h["found_on"]
            h["supervision"] = {"level": rng.choice(("镇级", "县级", "县级", "市级")),
                                "since": min(f + timedelta(days=rng.randint(0, 6)), DATA_END)}


def _quarters(u: dict[str, Any]) -> list[Any]:
    """The quarters a unit owes a 主要负责人带队 inspection (DESIGN §4, as the deadlines engine reckons)."""
    start = max(PLAN_START, u.get("since", PLAN_START))
    out = []
    for q in calendar_periods("quarter", start, PLAN_END):
        if q.start >= start and q.end <= PLAN_END and _operating(u, q.end):
            out.append(q)
    return out


def _inspections(rng: random.Random, units: list[dict[str, Any]], hazards: list[dict[str, Any]], cadres: list[str],
                 counters: _Counters) -> list[dict[str, Any]]:
    """Quarterly 主要负责人带队 inspections (a few quarters missed, the last one not yet made by some),
    department and joint inspections where 检查 hazards were found, and the town's 督导; each hazard an
    inspection found gets ``found_in``."""
    live = [h for h in hazards if h.get("void") is None and "unit" in h]
    by_unit_day: dict[tuple[str, date], dict[str, list[dict[str, Any]]]] = {}
    own_days: dict[str, list[date]] = {}  # unit -> days its own 自查 found hazards, in order
    for h in live:
        by_unit_day.setdefault((h["unit"], h["found_on"]), {}).setdefault(h["source"], []).append(h)
        if h["source"] == "自查":
            own_days.setdefault(h["unit"], []).append(h["found_on"])
    made: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for u in units:
        if u.get("void") is not None or u.get("inspection_required") is False:
            continue
        for q in _quarters(u):
            lo = max(q.start, u.get("since", q.start))
            hi = min(q.end, DATA_END)
            if lo > hi or rng.random() < (0.5 if q.end > DATA_END else 0.06):
                continue  # a missed quarter (or, for the current one, not made yet)
            own = [d for d in own_days.get(u["id"], ()) if lo <= d <= hi]  # hazards are generated in date order
            day = own[0] if own else _day(rng, lo, hi)
            found = by_unit_day.get((u["id"], day), {}).get("自查", [])
            rec: dict[str, Any] = {"date": day, "unit": u["id"], "kind": "主要负责人带队", "led_by": u["principal"],
                                   "participants": [_person(rng) for _ in range(rng.randint(1, 3))],
                                   "scope": rng.choice(INSPECTION_SCOPES)}
            made.append((rec, found))
    for (uid, day), by in sorted(by_unit_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if "检查" in by and rng.random() < 0.3:
            rec = {"date": day, "unit": uid, "kind": rng.choice(("部门检查", "部门检查", "联合检查")),
                   "led_by": rng.choice(cadres), "participants": [rng.choice(cadres)],
                   "scope": rng.choice(INSPECTION_SCOPES)}
            made.append((rec, by["检查"]))
    for year in (2024, 2025, 2026):
        for _ in range(2):
            day = _day(rng, max(WORK_START, date(year, 1, 1)), min(date(year, 12, 31), DATA_END))
            made.append(({"date": day, "kind": "镇级督导", "led_by": rng.choice(cadres),
                          "participants": rng.sample(cadres, 2), "scope": "督导检查村级隐患排查整治和台账建立情况"}, []))
    made.sort(key=lambda m: m[0]["date"])
    out = []
    for rec, found in made:
        d = rec["date"]
        rec = {"id": f"JC-{d.year}-{counters.next(counters.inspection, d.year):04d}", **rec}
        if found:
            rec["findings"] = [h["id"] for h in found]
            for h in found:
                h["found_in"] = rec["id"]
        out.append(rec)
    return out


PRINCIPAL_TRAININGS = [  # (date, topic, organizer, hours)
    (date(2024, 5, 21), "生产经营单位主要负责人安全生产责任和重大事故隐患判定标准培训", "镇应急办", 4),
    (date(2024, 11, 14), "主要负责人安全生产知识和管理能力培训", "县应急管理局", 8),
    (date(2025, 5, 20), "重大事故隐患判定标准和“五定”整改培训", "镇应急办", 4),
    (date(2025, 10, 23), "主要负责人安全生产法律法规培训", "县应急管理局", 8),
    (date(2026, 4, 16), "治本攻坚三年行动主要负责人专题培训", "镇应急办", 4),
    (date(2026, 9, 24), "主要负责人带队检查和隐患排查整治培训", "镇应急办", 4),
]
OTHER_TRAININGS = [  # (date, topic, kind, organizer, hours, 人次 range)
    (date(2024, 7, 9), "安全生产管理人员隐患排查治理培训", "安全管理人员", "镇应急办", 4, (30, 80)),
    (date(2024, 12, 5), "冬春火灾防控消防安全培训", "消防", "县消防救援大队", 2, (80, 200)),
    (date(2025, 3, 27), "从业人员岗位安全和应急处置培训", "从业人员", "镇应急办", 3, (100, 300)),
    (date(2025, 8, 12), "有限空间作业和粉尘防爆专题培训", "安全管理人员", "县应急管理局", 4, (20, 60)),
    (date(2026, 3, 18), "村组干部和网格员安全生产知识培训", "其他", "镇应急办", 3, (40, 120)),
    (date(2026, 6, 16), "安全生产月从业人员安全素质培训", "从业人员", "镇应急办", 2, (120, 400)),
]


def _trainings(rng: random.Random, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Town-level trainings: principals' sessions (most principals trained at least once, some not
    yet: 任务5's coverage is below 100 %), and sessions counted in 人次 only."""
    live = [u for u in units if u.get("void") is None]
    recs: list[dict[str, Any]] = []
    for day, topic, organizer, hours in PRINCIPAL_TRAININGS:
        attendees = [{"unit": u["id"], "name": u["principal"], "role": "主要负责人"}
                     for u in live if _operating(u, day) and rng.random() < 0.35]
        recs.append({"date": day, "topic": topic, "kind": "主要负责人", "organizer": organizer, "hours": hours,
                     "attendees": attendees})
    for day, topic, kind, organizer, hours, (lo, hi) in OTHER_TRAININGS:
        recs.append({"date": day, "topic": topic, "kind": kind, "organizer": organizer, "hours": hours,
                     "count": rng.randint(lo, hi)})
    recs.sort(key=lambda r: r["date"])
    seqs: dict[int, int] = {}
    out = []
    for r in recs:
        y = r["date"].year
        seqs[y] = seqs.get(y, 0) + 1
        out.append({"id": f"PX-{y}-{seqs[y]:03d}", **r})
    dup = next(r for r in out if r["kind"] == "消防")
    y = dup["date"].year
    seqs[y] += 1
    out.append({**dup, "id": f"PX-{y}-{seqs[y]:03d}",
                "void": {"date": dup["date"] + timedelta(days=2), "reason": f"重复录入，以 {dup['id']} 为准"}})
    return out


def _operating(u: dict[str, Any], day: date) -> bool:
    return u.get("void") is None and u.get("since", date.min) <= day and \
        ("closed_on" not in u or u["closed_on"] > day)


def _hazards(rng: random.Random, vname: str, count: int, units: list[dict[str, Any]], head: str,
             cadres: list[str], counters: _Counters, identities: dict[str, str]) -> list[dict[str, Any]]:
    lo, hi = WORK_START.toordinal(), DATA_END.toordinal()
    # Recent months carry more open hazards, as in a live ledger.
    found = sorted(date.fromordinal(min(hi, lo + int((hi - lo + 1) * rng.random() ** 0.8))) for _ in range(count))
    live_units = [u for u in units if u.get("void") is None]
    public = list(PUBLIC_HAZARDS)
    out: list[dict[str, Any]] = []
    rand, choice = rng.random, rng.choice
    for f in found:
        unit = choice(live_units) if live_units and rand() < 0.8 else None
        if unit is not None and not _operating(unit, f):
            unit = None
        if unit is not None:
            sector = unit["sector"]
            title, location, measures = choice(SECTORS[sector][2])
        else:
            sector = choice(public)
            title, location, measures = choice(PUBLIC_HAZARDS[sector])
        major = rand() < 0.06
        h: dict[str, Any] = {"id": f"YH-{f.year}-{counters.next(counters.hazard, f.year):04d}", "title": title}
        if unit is not None:
            h["unit"] = unit["id"]
        h["location"] = location
        h["sector"] = sector
        h["level"] = "重大" if major else "一般"
        r = rand()
        source = "自查" if r < 0.45 else "检查" if r < 0.72 else "举报" if r < 0.82 else "督查" if r < 0.93 else "其他"
        h["source"] = source
        h["found_on"] = f
        if rand() < 0.6:
            h["found_by"] = choice(cadres)
        if source == "举报":  # the ledger says 已密封; the (synthetic) identity goes to the sealed store
            identities[h["id"]] = choice(REPORTERS) if rand() < 0.5 else f"{_person(rng)}（合成数据）"
            h["reporter"] = MARKER
        owner = unit["principal"] if unit is not None else head
        limit = choice((15, 30, 60, 90, 120)) if major else choice((3, 7, 10, 15, 15, 30, 30, 45))
        deadline = f + timedelta(days=limit)
        rect: dict[str, Any] = {"owner": owner}
        if major or rand() < 0.4:
            rect["measures"] = measures
        if major or rand() < 0.2:
            rect["funds"] = rng.randint(5, 5000) * 100 if major else rng.randint(1, 50) * 100
        rect["deadline"] = deadline
        if major:
            rect["contingency"] = choice(CONTINGENCY)
        h["rectification"] = rect
        if major and rand() < 0.7:
            lvl = choice(("镇级", "县级", "县级", "市级"))
            h["supervision"] = {"level": lvl, "since": min(f + timedelta(days=rng.randint(0, 5)), DATA_END)}
        age = (DATA_END - f).days
        r = rand()
        p_closed, p_rectified = (0.93, 0.04) if age > 180 else (0.7, 0.12) if age > 45 else (0.25, 0.25)
        if rand() < 0.012:
            h["void"] = {"date": min(f + timedelta(days=rng.randint(0, 10)), DATA_END), "reason": choice(VOID_REASONS)}
        elif r < p_closed + p_rectified:
            late = rand() < 0.12
            took = rng.randint(limit + 1, limit + 40) if late else rng.randint(0, limit)
            rectified = min(f + timedelta(days=took), DATA_END)
            h["rectified_on"] = rectified
            if r < p_closed:
                h["verified_by"] = choice(cadres)
                h["closed_on"] = min(rectified + timedelta(days=rng.randint(0, 20)), DATA_END)
        if rand() < 0.05:
            h["notes"] = "已纳入村级隐患排查台账，定期回头看"
        out.append(h)
    return out


def _drills(rng: random.Random, vname: str, units: list[dict[str, Any]], head: str, cadres: list[str],
            counters: _Counters) -> list[dict[str, Any]]:
    pending: list[tuple[date, dict[str, Any]]] = []
    for year in (2024, 2025, 2026):
        first = date(year, 5, 1) if year == 2024 else date(year, 3, 1)
        for u in units:
            if u.get("drill_required") is False or not _operating(u, date(year, 12, 31)):
                continue
            planned = _day(rng, first, date(year, 12, 10))
            d: dict[str, Any] = {"title": f"{u['name']}疏散逃生演练", "kind": "疏散逃生", "unit": u["id"],
                                 "planned_on": planned}
            held = planned + timedelta(days=rng.randint(-5, 12))
            if held <= DATA_END and held.year == year and rng.random() < 0.88:
                d["held_on"] = held
                d["participants"] = rng.randint(6, 120)
            d["organizer"] = u["principal"]
            d["scenario"] = rng.choice(("模拟营业场所起火，组织人员疏散", "模拟燃气泄漏，切断气源并疏散", "模拟地震，组织人员避险撤离"))
            pending.append((planned, d))
        for kind, title, scenario in (("桌面", "防汛应急桌面推演", "模拟强降雨引发山洪，推演转移群众流程"),
                                      ("专项", "森林草原火灾专项演练", "模拟山林起火，组织扑救和人员撤离"),
                                      ("综合", "地质灾害综合应急演练", "模拟滑坡威胁村民住房，综合演练预警、转移和安置")):
            if rng.random() < 0.6:
                planned = _day(rng, first, date(year, 11, 30))
                d = {"title": f"{vname}{title}", "kind": kind, "planned_on": planned}
                if planned <= DATA_END and rng.random() < 0.85:
                    d["held_on"] = min(planned + timedelta(days=rng.randint(0, 7)), DATA_END)
                    d["participants"] = rng.randint(15, 300)
                d["organizer"] = rng.choice((head, *cadres[:2]))
                d["scenario"] = scenario
                if "held_on" in d and rng.random() < 0.5:
                    d["findings"] = "部分群众对转移路线不熟悉，需加强宣传"
                pending.append((planned, d))
    pending.sort(key=lambda p: p[0])
    out = []
    for planned, d in pending:
        d = {"id": f"YL-{planned.year}-{counters.next(counters.drill, planned.year):04d}", **d}
        out.append(d)
    if out and rng.random() < 0.3:
        src = out[0]
        out.append({**src, "id": f"YL-{src['planned_on'].year}-{counters.next(counters.drill, src['planned_on'].year):04d}",
                    "void": {"date": min(src["planned_on"] + timedelta(days=3), DATA_END),
                             "reason": f"重复录入，以 {src['id']} 为准"}})
    return out


_EVERY = {"month": ("每月开展一次村级安全隐患排查", 12),
          "quarter": ("每季度召开一次村级安全生产例会", 4),
          "year": ("每年开展一次全村安全生产培训", 1)}


def _tasks(rng: random.Random, slug: str, vname: str, index: int, head: str, cadres: list[str]) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    n = 0

    def new_id() -> str:
        nonlocal n
        n += 1
        return f"RW-{slug}-{n}"

    # one-off: done on time, and one coming due near the anchor
    dl = _day(rng, date(2024, 6, 1), date(2025, 12, 31))
    tasks.append({"id": new_id(), "title": f"完成{vname}“九小场所”消防安全隐患排查建档", "action": 5,
                  "lead": [head], "owners": ["村两委"], "deadline": dl,
                  **({"done_on": dl - timedelta(days=rng.randint(0, 20))} if rng.random() < 0.8 else {})})
    tasks.append({"id": new_id(), "title": f"报送{vname}安全生产治本攻坚三年行动自查报告", "lead": [head],
                  "owners": ["村两委"], "deadline": ANCHOR + timedelta(days=rng.randint(-3, 12))})
    # milestones
    ms = [{"due": date(2024, 12, 31), "what": "完成经营性自建房摸底排查"},
          {"due": date(2025, 12, 31), "what": "存在安全隐患的自建房整治完成一半"},
          {"due": date(2026, 12, 31), "what": "存在安全隐患的自建房整治全覆盖"}]
    for m in ms:
        if m["due"] < DATA_END and rng.random() < 0.8:
            m["done_on"] = m["due"] - timedelta(days=rng.randint(0, 40))
    tasks.append({"id": new_id(), "title": f"{vname}自建房安全专项整治", "action": 5, "lead": [head],
                  "owners": ["村两委", "网格员"], "milestones": ms})
    # recurring: every village has one of each rhythm, one of them on a narrower window
    for k, every in enumerate(("month", "quarter", "year")):
        title, _ = _EVERY[every]
        t: dict[str, Any] = {"id": new_id(), "title": title, "action": 9 if every == "year" else 4,
                             "lead": [head], "owners": [rng.choice(cadres)], "every": every}
        # Always an explicit start: by default a recurring task starts with the plan (2024-03-31),
        # which would owe the March 2024 period of a task that really began in April.
        start, end = WORK_START, PLAN_END
        if (index + k) % 3 == 0:
            start = date(2024, rng.choice((5, 7, 8)), 15)
        t["start"] = start
        if every == "month" and index % 2 == 1:
            end = date(2026, 6, 30)
            t["end"] = end
        occ = []
        for p in calendar_periods(every, start, end):
            lo = max(p.start, start)
            hi = min(p.end, end, DATA_END)
            if lo > hi or rng.random() < 0.07:
                continue
            occ.append({"date": _day(rng, lo, hi), "note": "已落实"})
        t["occurrences"] = occ
        tasks.append(t)
    # ongoing, with progress; some villages let it go stale
    prog = []
    day = WORK_START + timedelta(days=rng.randint(10, 60))
    stop = DATA_END - timedelta(days=rng.choice((20, 60, 100, 150)))
    while day <= stop:
        prog.append({"date": day, "note": "入户开展安全宣传，发放明白卡"})
        day += timedelta(days=rng.randint(40, 95))
    tasks.append({"id": new_id(), "title": "常态化开展安全生产宣传进村入户", "action": 10, "lead": [head],
                  "owners": ["网格员"], "ongoing": True, "progress": prog})
    if index % 5 == 2:
        tasks.append({"id": new_id(), "title": "每月开展一次村级安全隐患排查（重复录入）", "lead": [head],
                      "every": "month", "void": {"date": date(2024, 5, 6), "reason": f"重复录入，以 RW-{slug}-4 为准"}})
    return tasks


HEADER = "# hjp demo 示例台账（合成数据，非真实台账）\n"


def generate(root: Path | str, *, villages: int = DEFAULT_VILLAGES, hazards: int = DEFAULT_HAZARDS,
             seed: int = DEFAULT_SEED, progress: Callable[[int], None] | None = None) -> DemoStats:
    """Write a demo ledger into ``root`` (which must not exist or be empty); atomic: all or nothing.

    ``progress`` is called with the number of hazards just written.
    """
    root = Path(root)
    if not 1 <= villages <= MAX_VILLAGES:
        raise DemoError(f"--villages 应在 1 到 {MAX_VILLAGES} 之间（现为 {villages}）")
    if hazards < 0:
        raise DemoError(f"--hazards 不能为负数（现为 {hazards}）")
    per_village = -(-hazards // villages)
    if per_village > MAX_HAZARDS_PER_VILLAGE:
        need = -(-hazards // MAX_HAZARDS_PER_VILLAGE)
        raise DemoError(f"每个村最多 {MAX_HAZARDS_PER_VILLAGE} 条隐患（单个台账文件不能超过 10 MB）；"
                        f"{hazards} 条隐患请至少用 --villages {need}")
    if root.exists() and not root.is_dir():
        raise DemoError(f"{root} 是已有的文件，不是目录；请换一个目录名")
    if root.exists() and any(root.iterdir()):
        raise DemoError(f"{root} 已存在且不是空目录；请换一个目录，或先删除它")
    parent = root.resolve().parent
    if not parent.is_dir():
        raise DemoError(f"上级目录 {parent} 不存在；请先创建")
    key = demo_key_path(root)
    if (key.exists() or key.is_symlink()) and not _is_demo_key(key):
        raise DemoError(f"{key} 已存在且不是 hjp demo 的演示密钥；hjp 不覆盖它，请换一个目录名")
    secret, public = sealed.generate_identity()
    tmp = parent / f".{root.name}.hjp-demo-{os.getpid()}"
    wrote_key = False
    try:
        stats = _write(tmp, villages=villages, hazards=hazards, seed=seed, progress=progress, public=public)
        if key.exists() or key.is_symlink():
            key.unlink()  # an earlier demo's throwaway key (checked above): its ledger is gone
        sealed.write_identity(key, sealed.identity_file_text(
            secret, public, created=datetime.now(timezone.utc),
            note=f"{DEMO_KEY_MARK}：只能打开示例台账 {root.resolve()} 中合成的举报人信息。\n"
                 "仅供试用，随时可以删除；切勿用于真实台账（真实台账的保管人请运行 hjp seal init）。"))
        wrote_key = True
        if root.exists():
            root.rmdir()
        os.replace(tmp, root)
    except (OSError, sealed.SealError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if wrote_key:
            key.unlink(missing_ok=True)
        reason = exc.message if isinstance(exc, sealed.SealError) else os_reason(exc)
        raise DemoError(f"无法写入 {root}（{reason}）") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if wrote_key:
            key.unlink(missing_ok=True)
        raise
    stats.files = [root / p.relative_to(tmp) for p in stats.files]
    stats.key = key
    return stats


DEMO_KEY_MARK = "hjp demo 演示密钥"


def demo_key_path(root: Path) -> Path:
    """Where the demo's throwaway private key goes: beside the demo ledger, never inside a repository
    (a ledger made inside a git work tree gets its key beside the work tree instead)."""
    real = Path(os.path.realpath(root))
    top = work_tree(real.parent)
    if top is not None:
        return top.parent / f"{top.name}-{real.name}.demo-key.txt"
    return real.parent / f"{real.name}.demo-key.txt"


def _is_demo_key(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return f"# {DEMO_KEY_MARK}" in head


def _write(root: Path, *, villages: int, hazards: int, seed: int,
           progress: Callable[[int], None] | None, public: str) -> DemoStats:
    stats = DemoStats()
    root.mkdir()
    identities: dict[str, str] = {}
    for rel, data in _files(villages=villages, hazards=hazards, seed=seed, identities=identities):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel == "town.yaml":
            text = TOWN_YAML
        elif rel.endswith("/village.yaml"):
            text = dump_mapping(data, HEADER)
            stats.villages += 1
        else:
            (top, records), = data.items()
            text = dump_records(top, records, HEADER)
            setattr(stats, top, getattr(stats, top) + len(records))
            if top == "hazards" and progress is not None:
                progress(len(records))
        path.write_text(text, encoding="utf-8", newline="\n")
        stats.files.append(path)
    store = sealed.sealed_dir(root)
    store.mkdir()
    (store / sealed.RECIPIENTS).write_text(
        sealed.recipients_text(None, public, f"演示保管人（{DEMO_KEY_MARK}，仅供试用）"), encoding="utf-8", newline="\n")
    keys = [sealed.Recipient(public, "", 0)]
    for rid, text in identities.items():
        (store / f"{rid}{sealed.SUFFIX}").write_bytes(sealed.seal(rid, text, keys))
    stats.sealed = len(identities)
    stats.first_sealed = min(identities, default=None)
    return stats


def _files(*, villages: int, hazards: int, seed: int,
           identities: dict[str, str] | None = None) -> Iterable[tuple[str, Any]]:
    """(relative path, data) of every demo file, in writing order; town.yaml's data is None.
    The synthetic 举报人 of each 举报 hazard is put into ``identities`` (hazard ID → text)."""
    identities = {} if identities is None else identities
    yield "town.yaml", None
    yield f"{TASK.stem}.yaml", {TASK.top: _town_tasks()}
    counters = _Counters()
    all_units: list[dict[str, Any]] = []
    base, extra = divmod(hazards, villages)
    for i, (slug, vname) in enumerate(_village_names(villages)):
        # One generator per village: adding villages leaves the earlier ones' people, units and
        # dates alone (IDs are numbered across the town, so those shift with hazard counts).
        rng = random.Random(f"{seed}:{i}")
        head = _person(rng)
        cadres = [_person(rng) for _ in range(6)]
        village: dict[str, Any] = {"name": vname, "head": head,
                                   "phone": f"0934-{rng.randint(0, 9_999_999):07d}"}
        if i == 0:
            village["notes"] = "镇政府驻地"
        yield f"villages/{slug}/village.yaml", village
        count = base + (1 if i < extra else 0)
        units = _units(rng, slug, vname, 5 + rng.randint(0, 6) + count // 150)
        # What came with inspections and trainings draws on a generator of its own, so the
        # units, hazards, drills and tasks are the ones the demo made before.
        xrng = random.Random(f"{seed}:{i}:inspections")
        _classify(xrng, units)
        all_units.extend(units)
        hazards_ = _hazards(rng, vname, count, units, head, cadres, counters, identities)
        _major_details(xrng, hazards_)
        inspections = _inspections(xrng, units, hazards_, cadres, counters)
        vdir = f"villages/{slug}"
        yield f"{vdir}/{UNIT.stem}.yaml", {UNIT.top: units}
        yield f"{vdir}/{HAZARD.stem}.yaml", {HAZARD.top: [_ordered(h, _HAZARD_ORDER) for h in hazards_]}
        yield f"{vdir}/{DRILL.stem}.yaml", {DRILL.top: _drills(rng, vname, units, head, cadres, counters)}
        yield f"{vdir}/{TASK.stem}.yaml", {TASK.top: _tasks(rng, slug, vname, i, head, cadres)}
        yield f"{vdir}/{INSPECTION.stem}.yaml", {INSPECTION.top: inspections}
    yield f"{TRAINING.stem}.yaml", {TRAINING.top: _trainings(random.Random(f"{seed}:trainings"), all_units)}


def intended(*, villages: int = DEFAULT_VILLAGES, hazards: int = DEFAULT_HAZARDS,
             seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The values each demo file is meant to hold (relative path → data), for round-trip tests."""
    return {rel: data for rel, data in _files(villages=villages, hazards=hazards, seed=seed) if data is not None}
