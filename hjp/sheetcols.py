"""The columns of a 台账 sheet, per record kind: the header hjp writes on export and the headers
clerks use for the same field (synonyms), read back on import.

One table serves both directions, so an exported sheet always imports again. The synonyms are the
column names of the county's and the office's own 台账 templates and of published ones (隐患排查
治理台账 annexes such as DB37/T 4085-2020's: 排查时间/部位/隐患描述/隐患级别/治理措施/治理时限/
责任人/验收人/验收时间…). A column whose field the record model does not have (yet) is simply not
used, so kinds and fields added later start working here without a change.

Imported by the reader and the writer, never on ``hjp --help``; only ``model_fields`` touches
the models (pydantic).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

# How a cell's text becomes a field's value (hjp.sheetread.convert):
#   text, date, float, int, bool, list (、-separated), paths (one per line or 、), id,
#   level / source / supervision / drill_kind / every / training_kind / inspection_kind (vocabularies),
#   unit (a unit's name or ID in the same village), money (yuan; a header saying 万元 multiplies)


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # where the value goes in the record: ("rectification", "deadline")
    header: str  # written on export
    type: str = "text"
    synonyms: tuple[str, ...] = ()  # other names clerks give the column (compared after normalising)
    width: int = 12  # export column width in characters (Chinese characters count as two)


# Columns every export carries beside the record's fields; import recognises and skips them
# (they are derived, never stored: DESIGN §3).
DERIVED = {
    "village": ("所属村", ("村名", "行政村", "村", "所在村")),
    "status": ("状态", ("整改状态", "整改情况", "完成情况", "是否整改", "当前状态", "处理状态", "任务状态", "演练状态")),
    "deadline_state": ("期限状态", ("逾期情况", "是否逾期")),
    "days": ("逾期天数", ("超期天数", "逾期（天）")),
    "seq": ("序号", ("编码序号", "No", "NO", "No.", "序")),
}

_ID = ("编号", "记录编号", "台账编号", "ID")

COLUMNS: dict[str, tuple[Column, ...]] = {
    "hazard": (
        Column(("id",), "隐患编号", "id", _ID + ("隐患编码",), 14),
        Column(("title",), "隐患名称", "text", ("隐患内容", "隐患描述", "存在问题", "存在的问题", "问题描述", "隐患情况",
                                             "主要问题", "隐患问题", "隐患具体情况", "发现的问题", "事故隐患", "隐患",
                                             "隐患排查情况", "检查发现问题", "安全隐患"), 30),
        Column(("unit",), "所属单位", "unit", ("单位名称", "企业名称", "生产经营单位", "被检查单位", "隐患单位", "单位",
                                            "企业（单位）名称", "场所名称", "存在隐患单位"), 20),
        Column(("location",), "隐患部位", "text", ("位置", "部位", "隐患位置", "具体位置", "隐患地点", "排查部位", "地点",
                                                 "排查场所", "部位或场所", "具体部位"), 14),
        Column(("sector",), "行业领域", "text", ("行业", "所属行业", "领域", "行业类别", "所属领域", "行业分类"), 12),
        Column(("level",), "隐患等级", "level", ("隐患级别", "级别", "等级", "隐患分级", "隐患等级（一般/重大）"), 10),
        Column(("source",), "隐患来源", "source", ("来源", "发现方式", "发现途径", "排查方式", "隐患发现方式"), 10),
        Column(("found_on",), "发现日期", "date", ("排查时间", "发现时间", "检查日期", "排查日期", "检查时间", "登记日期",
                                                "登记时间", "发现日", "排查（检查）时间"), 12),
        Column(("found_by",), "发现人", "text", ("排查人", "检查人", "检查人员", "排查人员", "发现人员"), 10),
        Column(("basis",), "判定依据", "text", ("重大隐患判定依据", "依据", "判定标准"), 24),
        Column(("found_in",), "检查编号", "id", ("来自检查", "检查记录编号"), 14),
        Column(("rectification", "owner"), "整改责任人", "text", ("责任人", "整改负责人", "整改责任人员", "治理责任人",
                                                               "定责任人", "隐患整改责任人", "整改责任单位及责任人"), 10),
        Column(("rectification", "measures"), "整改措施", "text", ("治理措施", "整改方案", "定措施", "整改措施及方案",
                                                               "治理方案", "整改要求", "措施"), 24),
        Column(("rectification", "funds"), "整改资金（元）", "money", ("整改资金", "资金", "治理资金", "投入资金", "定资金",
                                                                 "整改投入资金", "整改经费"), 12),
        Column(("rectification", "deadline"), "整改时限", "date", ("整改期限", "完成时限", "限期整改时间", "计划完成时间",
                                                               "整改完成时限", "定时限", "治理时限", "整改时间",
                                                               "要求完成时间", "限改日期", "期限", "时限"), 12),
        Column(("rectification", "contingency"), "防范措施和预案", "text", ("应急预案", "防范措施", "整改期间防范措施",
                                                                        "预案", "定预案", "应急措施", "临时防范措施",
                                                                        "安全防范措施"), 24),
        Column(("supervision", "level"), "挂牌督办", "supervision", ("督办级别", "挂牌督办级别", "是否挂牌督办"), 10),
        Column(("supervision", "since"), "挂牌日期", "date", ("督办日期", "挂牌督办日期"), 12),
        Column(("rectified_on",), "整改完成日期", "date", ("整改完成时间", "实际完成时间", "整改日期", "完成整改时间",
                                                       "实际整改完成时间", "治理完成时间"), 12),
        Column(("verified_by",), "验收人", "text", ("复查人", "复核人", "验收责任人", "验收人员", "复查人员", "定复查人"), 10),
        Column(("closed_on",), "销号日期", "date", ("销号时间", "验收时间", "验收日期", "复查时间", "复查日期", "销号"), 12),
        Column(("reporter",), "举报人", "reporter", ("举报人姓名", "举报人信息", "举报人及联系方式"), 10),
        Column(("evidence",), "佐证材料", "paths", ("附件", "佐证", "证明材料", "照片"), 24),
        Column(("notes",), "备注", "text", ("说明", "备注说明"), 20),
    ),
    "unit": (
        Column(("id",), "单位编号", "id", _ID, 16),
        Column(("name",), "单位名称", "text", ("企业名称", "生产经营单位", "生产经营单位名称", "单位", "名称", "企业（单位）名称",
                                            "场所名称"), 24),
        Column(("sector",), "行业领域", "text", ("行业", "所属行业", "领域", "行业类别", "所属领域"), 12),
        Column(("principal",), "主要负责人", "text", ("负责人", "法定代表人", "法人", "法人代表", "单位负责人",
                                                 "主要负责人姓名"), 10),
        Column(("phone",), "联系电话", "phone", ("电话", "联系方式", "手机", "手机号", "负责人电话"), 14),
        Column(("since",), "开业日期", "date", ("成立日期", "成立时间", "开业时间", "投产日期"), 12),
        Column(("closed_on",), "关闭日期", "date", ("关闭退出日期", "停业日期", "注销日期"), 12),
        Column(("credit_code",), "统一社会信用代码", "text", ("信用代码", "社会信用代码", "统一信用代码"), 20),
        Column(("grade",), "分级分类", "text", ("类别", "分级", "分类", "管理类别", "风险等级"), 10),
        Column(("drill_required",), "须开展疏散逃生演练", "bool", ("须演练",), 10),
        Column(("inspection_required",), "须主要负责人带队检查", "bool", ("须检查",), 10),
        Column(("notes",), "备注", "text", ("说明",), 20),
    ),
    "drill": (
        Column(("id",), "演练编号", "id", _ID, 14),
        Column(("title",), "演练名称", "text", ("演练项目", "演练内容", "演练主题", "演练科目", "名称"), 24),
        Column(("kind",), "演练类型", "drill_kind", ("演练形式", "类型", "形式", "演练方式"), 10),
        Column(("unit",), "所属单位", "unit", ("单位名称", "企业名称", "组织单位", "演练单位", "单位"), 20),
        Column(("planned_on",), "计划日期", "date", ("计划时间", "计划演练时间", "拟演练时间"), 12),
        Column(("held_on",), "实施日期", "date", ("演练日期", "演练时间", "实施时间", "开展时间", "开展日期"), 12),
        Column(("participants",), "参演人数", "int", ("参加人数", "参与人数", "人数", "参演人员数"), 8),
        Column(("organizer",), "组织者", "text", ("组织人", "负责人", "组织单位负责人", "演练负责人"), 10),
        Column(("scenario",), "演练情景", "text", ("情景", "演练场景", "场景"), 24),
        Column(("findings",), "发现的问题", "text", ("存在问题", "演练评估", "问题", "评估意见"), 24),
        Column(("evidence",), "佐证材料", "paths", ("附件", "照片"), 24),
        Column(("notes",), "备注", "text", ("说明",), 20),
    ),
    "task": (
        Column(("id",), "任务编号", "id", _ID, 12),
        Column(("title",), "任务名称", "text", ("工作任务", "任务内容", "重点任务", "任务", "工作内容", "事项", "工作事项"), 30),
        Column(("action",), "所属行动", "int", ("行动", "行动编号"), 8),
        Column(("ref",), "方案条目", "text", ("条目", "方案条款"), 10),
        Column(("lead",), "牵头", "list", ("牵头领导", "牵头人", "牵头单位", "牵头部门"), 12),
        Column(("owners",), "责任", "list", ("责任单位", "责任人", "责任部门", "配合单位"), 16),
        Column(("deadline",), "完成期限", "date", ("完成时限", "时限", "完成时间", "截止日期", "期限"), 12),
        Column(("every",), "周期", "every", ("频次", "频率"), 8),
        Column(("ongoing",), "长期坚持", "bool", (), 8),
        Column(("start",), "开始日期", "date", ("开始时间",), 12),
        Column(("end",), "结束日期", "date", ("结束时间",), 12),
        Column(("done_on",), "完成日期", "date", ("实际完成时间", "实际完成日期"), 12),
        Column(("text",), "方案原文", "text", ("原文", "具体要求", "任务要求"), 40),
        Column(("evidence",), "佐证材料", "paths", ("附件",), 24),
        Column(("notes",), "备注", "text", ("说明",), 20),
    ),
    "inspection": (
        Column(("id",), "检查编号", "id", _ID, 14),
        Column(("date",), "检查日期", "date", ("检查时间", "日期", "时间"), 12),
        Column(("unit",), "被检查单位", "unit", ("单位名称", "企业名称", "检查单位", "所属单位", "单位"), 20),
        Column(("kind",), "检查类型", "inspection_kind", ("检查方式", "类型", "检查形式"), 12),
        Column(("led_by",), "带队人", "text", ("带队领导", "带队负责人", "检查组长", "组长"), 10),
        Column(("participants",), "参加人员", "list", ("检查人员", "参检人员", "检查组成员"), 16),
        Column(("scope",), "检查内容", "text", ("检查范围", "检查事项", "检查项目"), 24),
        Column(("findings",), "发现隐患编号", "list", ("发现隐患", "隐患编号"), 20),
        Column(("evidence",), "佐证材料", "paths", ("附件", "照片"), 24),
        Column(("notes",), "备注", "text", ("说明", "检查情况"), 20),
    ),
    "training": (
        Column(("id",), "培训编号", "id", _ID, 14),
        Column(("date",), "培训日期", "date", ("培训时间", "日期", "时间"), 12),
        Column(("topic",), "培训主题", "text", ("培训内容", "主题", "培训名称", "培训项目"), 24),
        Column(("kind",), "培训类型", "training_kind", ("培训对象", "类型", "培训类别"), 12),
        Column(("organizer",), "组织单位", "text", ("组织者", "主办单位", "培训单位", "承办单位"), 14),
        Column(("hours",), "学时", "float", ("培训学时", "课时", "时长（小时）"), 8),
        Column(("count",), "参训人次", "int", ("参训人数", "培训人数", "人数", "人次"), 8),
        Column(("evidence",), "佐证材料", "paths", ("附件", "照片"), 24),
        Column(("notes",), "备注", "text", ("说明",), 20),
    ),
}

# Every kind: a record entered in error is voided, never deleted (DESIGN §3).
VOID = (Column(("void", "date"), "作废日期", "date", ("作废时间",), 12),
        Column(("void", "reason"), "作废原因", "text", ("作废理由",), 16))
COLUMNS = {kind: cols + VOID for kind, cols in COLUMNS.items()}

# Chinese names of the kinds as sheet names (export) and as words in a sheet's title (import).
SHEET_NAMES = {"hazard": "隐患", "task": "任务", "drill": "演练", "unit": "单位", "inspection": "检查", "training": "培训"}
KIND_ORDER = ("hazard", "task", "drill", "unit", "inspection", "training")

# Columns whose presence says which kind a sheet holds (a sheet of units also has 行业领域…).
SIGNATURE = {
    "hazard": {("title",), ("rectification", "deadline"), ("rectification", "owner"), ("level",)},
    "unit": {("name",), ("principal",)},
    "drill": {("kind",), ("held_on",), ("participants",), ("planned_on",)},
    "task": {("title",), ("deadline",), ("lead",), ("every",)},
    "inspection": {("led_by",), ("date",), ("kind",), ("scope",)},
    "training": {("topic",), ("hours",), ("count",), ("date",)},
}


def normalize_header(text: str) -> str:
    """A header as compared: NFKC, no whitespace or line breaks, no required-marks, no bracketed
    hint (“整改资金（元）” → “整改资金”; the hint is read separately)."""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s)
    s = s.strip("*※★:：")
    s = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】", "", s)
    return s


def header_hint(text: str) -> str:
    """What a header says in brackets (“整改资金（万元）” → “万元”)."""
    s = unicodedata.normalize("NFKC", str(text))
    found = re.findall(r"\(([^()]*)\)|\[([^\[\]]*)\]|【([^【】]*)】", s)
    return "".join("".join(g) for g in found)


@dataclass(frozen=True)
class Match:
    kind: str
    column: Column | None  # None: a derived column (状态, 序号…), recognised and skipped
    derived: str | None = None


def _index() -> dict[str, dict[str, Column]]:
    out: dict[str, dict[str, Column]] = {}
    for kind, cols in COLUMNS.items():
        names: dict[str, Column] = {}
        for col in cols:
            for name in (col.header, *col.synonyms):
                names.setdefault(normalize_header(name), col)
        out[kind] = names
    return out


_INDEX = _index()
_DERIVED_INDEX = {normalize_header(n): key for key, (h, syn) in DERIVED.items() for n in (h, *syn)}


def match_header(text: str, kind: str, fields: Iterable[tuple[str, ...]] | None = None) -> Match | None:
    """The column a header names for ``kind`` (exactly, else the longest known name it contains);
    ``fields`` limits it to the paths the record model has."""
    key = normalize_header(text)
    if not key:
        return None
    allowed = set(fields) if fields is not None else None
    names = _INDEX.get(kind, {})

    def ok(col: Column) -> bool:
        return allowed is None or col.path in allowed

    if key in names and ok(names[key]):
        return Match(kind, names[key])
    if key in _DERIVED_INDEX:
        return Match(kind, None, _DERIVED_INDEX[key])
    # "隐患整改责任人", "整改资金合计": the longest known name inside the header, if it is most of it
    best: tuple[int, Column] | None = None
    for name, col in names.items():
        if len(name) >= 2 and name in key and ok(col) and 2 * len(name) >= len(key):
            if best is None or len(name) > best[0]:
                best = (len(name), col)
    return Match(kind, best[1]) if best else None


def known_headers(kind: str, fields: Iterable[tuple[str, ...]] | None = None) -> list[str]:
    """The export header of each usable column of ``kind`` (for messages listing what hjp knows)."""
    allowed = set(fields) if fields is not None else None
    return [c.header for c in COLUMNS.get(kind, ()) if allowed is None or c.path in allowed]


def model_fields(kind_noun: str) -> set[tuple[str, ...]] | None:
    """The field paths a kind's record model has (nested one level for rectification/supervision)."""
    from hjp import kinds

    k = kinds.BY_NOUN.get(kind_noun)
    if k is None:
        return None
    model = k.model_cls()
    out: set[tuple[str, ...]] = set()
    for name, info in model.model_fields.items():
        out.add((name,))
        sub = _submodel(info.annotation)
        if sub is not None:
            out.update((name, s) for s in sub.model_fields)
    return out


def _submodel(annotation: object) -> type | None:
    from typing import get_args

    from pydantic import BaseModel

    for cand in (annotation, *get_args(annotation)):
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
    return None
