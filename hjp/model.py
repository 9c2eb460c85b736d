"""Pydantic models of the ledger format (DESIGN.md §3, a contract).

Every field carries a Chinese title and description: the JSON Schemas in ``schemas/`` are
generated from these models and editors show them to the clerk while typing.
Status and deadlines are derived elsewhere, never stored here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from hjp.clock import EARLIEST, LATEST

from hjp.kinds import ID_RE, KINDS

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits only (\d also takes ２０２４)

DEFAULT_SECTORS = [
    "道路交通", "交通运输", "建筑施工", "城镇燃气", "餐饮燃气", "石油天然气", "危险化学品", "烟花爆竹",
    "粉尘涉爆", "有限空间", "工贸", "特种设备", "消防", "自建房", "水利", "文体旅游", "其他",
]

HAZARD_LEVELS = {"一般": "一般事故隐患", "重大": "重大事故隐患：台账式管理、清单式销号，整改须落实“五定”"}
HAZARD_SOURCES = {"自查": "单位或村组自查发现", "检查": "镇、县检查发现", "举报": "群众或从业人员举报（举报人保密）",
                  "督查": "上级督查发现", "其他": "其他来源"}
SUPERVISION_LEVELS = {"镇级": "镇级挂牌督办", "县级": "县级挂牌督办", "市级": "市级挂牌督办"}
DRILL_KINDS = {"疏散逃生": "疏散逃生演练（每个生产经营单位每年至少1次）", "桌面": "桌面演练",
               "专项": "专项演练", "综合": "综合演练"}
RECURRENCE = {"month": "每月", "quarter": "每季度", "year": "每年"}
# The 分级分类 vocabulary when town.yaml gives no unit_grades.
DEFAULT_UNIT_GRADES = ["重点", "一般"]
LEADER_INSPECTION = "主要负责人带队"  # the kind that counts for inspection coverage (方案任务8)
INSPECTION_KINDS = {LEADER_INSPECTION: "生产经营单位主要负责人带队检查本单位重大事故隐患排查整治情况（每季度至少1次）",
                    "部门检查": "镇、县有关部门的执法或检查", "镇级督导": "镇党委、政府的督导检查",
                    "联合检查": "多部门联合检查", "其他": "其他检查"}
PRINCIPAL = "主要负责人"  # the attendee role (and training kind) that counts for 任务5's coverage
TRAINING_KINDS = {PRINCIPAL: "生产经营单位主要负责人安全教育培训", "安全管理人员": "安全生产管理人员培训",
                  "从业人员": "从业人员安全素质培训", "消防": "消防安全培训", "其他": "其他培训"}
ATTENDEE_ROLES = {PRINCIPAL: "生产经营单位主要负责人", "安全管理人员": "安全生产管理人员",
                  "从业人员": "从业人员", "其他": "村组干部、网格员等其他人员"}


def _parse_date(value: Any, _earliest: date = EARLIEST, _latest: date = LATEST) -> Any:
    # Dates reach us as text (the loader keeps YAML timestamps unparsed) so that
    # 2025-02-30 or 2025/3/15 become a Chinese diagnostic instead of a bare ValueError: each error
    # type below is worded by the message catalog (HJP104.*, via schema_errors), not by its text here.
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        v = value.strip()
        if _ISO_DATE.match(v):
            try:
                d = date.fromisoformat(v)
            except ValueError:
                raise PydanticCustomError("hjp_date_impossible", "no such date: {value}", {"value": v}) from None
            if not _earliest <= d <= _latest:
                raise PydanticCustomError("hjp_date_range", "date {value} not within {earliest}-{latest}",
                                          {"value": v, "earliest": EARLIEST.year, "latest": LATEST.year})
            return d
        import unicodedata

        ascii_form = unicodedata.normalize("NFKC", v)
        if ascii_form != v and _ISO_DATE.match(ascii_form):
            raise PydanticCustomError("hjp_date_fullwidth", "full-width date {value} ({fixed})",
                                      {"value": v, "fixed": ascii_form})
        raise PydanticCustomError("hjp_date_format", "not YYYY-MM-DD: {value}", {"value": v})
    raise PydanticCustomError("hjp_date_type", "not a date", {"value": value})


Date = Annotated[date, BeforeValidator(_parse_date),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]


# A drill's participants or a training's count above this is a typo (an extra 0, a pasted phone
# number), not a township's drill: it would go straight into the report's 人次 totals.
COUNT_MAX = 100_000


def _text(title: str, description: str = "", **kw: Any) -> Any:
    return Field(title=title, description=description or title, **kw)


# Plausibility bounds on text (HJP109): a 300,000-character title validated and then hung Word
# and LibreOffice for minutes. Names and titles are one line; notes, measures and the plan's
# wording (its longest paragraph is 1,107 characters) may be long, but not a book.
NAME_MAX = 500
TEXT_MAX = 10_000


def _name(title: str, description: str = "", **kw: Any) -> Any:
    """A one-line text field: a name, a title, a person."""
    return _text(title, description, max_length=NAME_MAX, **kw)


def _enum(values: dict[str, str]) -> Any:
    """A closed set of Chinese values, each described for the editor."""
    lit = Literal[tuple(values)]  # type: ignore[valid-type]
    schema = {"type": "string", "enum": list(values),
              "enumDescriptions": list(values.values()),
              "markdownEnumDescriptions": list(values.values())}
    return Annotated[lit, WithJsonSchema(schema)]


Level = _enum(HAZARD_LEVELS)
Source = _enum(HAZARD_SOURCES)
SupervisionLevel = _enum(SUPERVISION_LEVELS)
DrillKind = _enum(DRILL_KINDS)
Every = _enum(RECURRENCE)
InspectionKind = _enum(INSPECTION_KINDS)
TrainingKind = _enum(TRAINING_KINDS)
AttendeeRole = _enum(ATTENDEE_ROLES)
# Bounded: an ID names files too (ledgers/sealed/<ID>.age), and a 300-character one is no ID.
ID_MAX = 60
RecordId = Annotated[str, Field(pattern=ID_RE, max_length=ID_MAX)]
# Checked by a rule (HJP250/HJP251, with the expected check character), not here: the schema's
# pattern only lets an editor flag a wrong length or a letter the code never uses.
CreditCode = Annotated[str, WithJsonSchema(
    {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"})]
Paths = list[str]


class _Model(BaseModel):
    # defer_build: a model's validator is built when first used, so `hjp validate` on a ledger
    # without villages never pays for Hazard/Unit/Drill (tests/benchmarks/bench_startup.py).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=False, str_max_length=TEXT_MAX,
                              validate_default=False, revalidate_instances="never", defer_build=True)


class Void(_Model):
    """作废：录入错误的记录不删除，写明作废日期和原因，之后不再计入任何统计。"""

    date: Date = _text("作废日期")
    reason: str = _text("作废原因", "为什么作废，例如：重复录入")


class Plan(_Model):
    """本镇执行的行动方案。"""

    title: str = _name("方案名称")
    doc_no: str = _text("文号", "例如 何政发〔2024〕100号")
    issued_on: Date = _text("印发日期")
    start: Date = _text("起始日期")
    end: Date = _text("截止日期")


class Phase(_Model):
    """方案的工作阶段。"""

    name: str = _name("阶段名称", "例如 集中攻坚阶段")
    start: Date = _text("阶段开始日期")
    end: Date = _text("阶段结束日期")


class Person(_Model):
    """方案中点名的人员。"""

    name: str = _name("姓名")
    role: str | None = _text("职务或分工", default=None)


class IdFormat(_Model):
    """新建记录时编号的样式（hjp new 用）。"""

    hazard: str = _text("隐患编号样式", "{year} 为发现年份，{seq:04d} 为该年序号", default="YH-{year}-{seq:04d}")
    task: str = _text("任务编号样式", default="RW-{village}-{seq}")
    drill: str = _text("演练编号样式", default="YL-{year}-{seq:04d}")
    unit: str = _text("单位编号样式", default="DW-{village}-{seq:02d}")
    inspection: str = _text("检查编号样式", "{year} 为检查年份", default="JC-{year}-{seq:04d}")
    training: str = _text("培训编号样式", "{year} 为培训年份", default="PX-{year}-{seq:03d}")


class Town(_Model):
    """town.yaml：本镇、方案、阶段、行动和人员。"""

    name: str = _name("镇名", "例如 何家畔镇")
    county: str = _text("所属县", "例如 合水县")
    timezone: str = _text("时区", "计算“今天”所用的时区", default="Asia/Shanghai")
    plan: Plan = _text("行动方案")
    phases: list[Phase] = _text("工作阶段", default_factory=list)
    actions: dict[int, str] = _text("行动", "方案的各项行动，编号: 名称（例如十大行动）", default_factory=dict)
    people: list[Person] = _text("人员", default_factory=list)
    sectors: list[str] = _text("行业领域", "行业领域词表；记录的 sector 必须取其中之一",
                               default_factory=lambda: list(DEFAULT_SECTORS))
    id_format: IdFormat = _text("编号样式", default_factory=IdFormat)
    coverage_from: Date | None = _text(
        "检查覆盖起算日期", "主要负责人带队检查只计在此日期当天或之后开始的季度（例如 2025-07-01 起计第3季度）；"
        "方案中途才开始登记检查时填写，改晚会在审计中报告", default=None)
    unit_grades: list[str] = _text("单位分级分类", "生产经营单位 grade 的取值词表",
                                   default_factory=lambda: list(DEFAULT_UNIT_GRADES))


class Village(_Model):
    """village.yaml：一个行政村。"""

    name: str = _name("村名", "例如 何家畔村")
    head: str | None = _name("村负责人", default=None)
    phone: str | None = _text("联系电话", "请加引号，例如 \"0934-1234567\"", default=None)
    notes: str | None = _text("备注", default=None)


class Unit(_Model):
    """生产经营单位。"""

    id: RecordId = _text("单位编号", "DW- 开头，例如 DW-hejiapan-01")
    name: str = _name("单位名称")
    sector: str = _text("行业领域", "取 town.yaml 行业领域词表中的值")
    principal: str = _name("主要负责人")
    phone: str | None = _text("联系电话", "请加引号", default=None)
    since: Date | None = _text("开业日期", default=None)
    closed_on: Date | None = _text("关闭退出日期", default=None)
    drill_required: bool = _text("须开展疏散逃生演练", "默认 true：每年至少1次疏散逃生演练", default=True)
    inspection_required: bool = _text("须开展主要负责人带队检查", "默认 true：主要负责人每季度至少带队检查1次",
                                      default=True)
    credit_code: CreditCode | None = _text("统一社会信用代码", "营业执照上的18位代码，最后一位是校验码（GB 32100-2015）；"
                                                        "全是数字时请加引号", default=None)
    grade: str | None = _text("分级分类", "取 town.yaml unit_grades 中的值（默认 重点、一般）", default=None)
    notes: str | None = _text("备注", default=None)
    void: Void | None = _text("作废", default=None)


class Rectification(_Model):
    """整改“五定”：定责任人、定措施、定资金、定时限、定预案。"""

    owner: str = _name("定责任人", "整改责任人（所有隐患必填）")
    measures: str | None = _text("定措施", "整改措施（重大隐患必填）", default=None)
    funds: float | None = _text("定资金", "整改资金，单位：元（重大隐患必填）", default=None, ge=0, allow_inf_nan=False)
    deadline: Date = _text("定时限", "整改期限（所有隐患必填）")
    contingency: str | None = _text("定预案", "整改期间的防范措施和应急预案（重大隐患必填）", default=None)


class Supervision(_Model):
    """挂牌督办。"""

    level: SupervisionLevel = _text("督办级别")
    since: Date | None = _text("挂牌日期", default=None)


class Hazard(_Model):
    """事故隐患。状态由日期推出：无整改完成日期为整改中；有整改完成无销号为已整改待验收；有销号为已销号。"""

    id: RecordId = _text("隐患编号", "YH- 开头，例如 YH-2024-0001")
    title: str = _name("隐患名称")
    unit: str | None = _text("所属单位", "本村生产经营单位的编号 DW-…", default=None)
    location: str | None = _name("隐患部位", default=None)
    sector: str = _text("行业领域", "取 town.yaml 行业领域词表中的值")
    level: Level = _text("隐患等级", "一般 或 重大")
    source: Source = _text("隐患来源")
    found_on: Date = _text("发现日期")
    found_by: str | None = _name("发现人", default=None)
    reporter: str | None = _text("举报人", "仅来源为举报时填写；保密，不出现在任何报告和输出中", default=None)
    basis: str | None = _text("判定依据", "重大隐患必填：所依据的标准及条款，例如《工贸企业重大事故隐患判定标准》第X条",
                              default=None)
    found_in: str | None = _text("发现于检查", "发现此隐患的检查记录编号 JC-…", default=None)
    rectification: Rectification = _text("整改五定")
    supervision: Supervision | None = _text("挂牌督办", default=None)
    rectified_on: Date | None = _text("整改完成日期", default=None)
    verified_by: str | None = _name("验收人", "销号前必填", default=None)
    closed_on: Date | None = _text("销号日期", default=None)
    evidence: Paths = _text("佐证材料", "相对于仓库根目录的文件路径", default_factory=list)
    notes: str | None = _text("备注", default=None)
    void: Void | None = _text("作废", default=None)


class Milestone(_Model):
    """任务的阶段目标。"""

    due: Date = _text("目标期限")
    what: str = _text("目标内容")
    done_on: Date | None = _text("完成日期", default=None)
    evidence: Paths = _text("佐证材料", default_factory=list)


class Occurrence(_Model):
    """周期性任务的一次落实。"""

    date: Date = _text("落实日期")
    note: str | None = _text("落实情况", default=None)
    evidence: Paths = _text("佐证材料", default_factory=list)


class Progress(_Model):
    """任务进展记录。"""

    date: Date = _text("日期")
    note: str = _text("进展情况", "例如：召开专题培训会1次，参训58人")
    evidence: Paths = _text("佐证材料", default_factory=list)


class Task(_Model):
    """工作任务：deadline（一次性）、milestones（分阶段目标）、every（周期性）、ongoing（长期坚持）四者选一。"""

    id: RecordId = _text("任务编号", "RW- 开头，例如 RW-14")
    title: str = _name("任务名称")
    action: int | None = _text("所属行动", "方案行动的编号（town.yaml actions）", default=None)
    ref: str | None = _name("方案条目", "例如 二（五）14", default=None)
    lead: list[str] = _text("牵头", default_factory=list)
    owners: list[str] = _text("责任", default_factory=list)
    text: str | None = _text("方案原文", default=None)
    deadline: Date | None = _text("完成期限", "一次性任务", default=None)
    milestones: list[Milestone] | None = _text("阶段目标", default=None)
    every: Every | None = _text("周期", "month 每月 | quarter 每季度 | year 每年", default=None)
    ongoing: bool | None = _text("长期坚持", default=None)
    start: Date | None = _text("开始日期", "周期性和长期任务（默认方案开始日期）", default=None)
    end: Date | None = _text("结束日期", "周期性任务（默认方案截止日期）", default=None)
    done_on: Date | None = _text("完成日期", "仅一次性任务", default=None)
    occurrences: list[Occurrence] = _text("落实记录", "仅周期性任务：每次落实的日期", default_factory=list)
    progress: list[Progress] = _text("进展", default_factory=list)
    evidence: Paths = _text("佐证材料", default_factory=list)
    notes: str | None = _text("备注", default=None)
    void: Void | None = _text("作废", default=None)

    @property
    def shape(self) -> str | None:
        shapes = self.shapes()
        return shapes[0] if len(shapes) == 1 else None

    def shapes(self) -> list[str]:
        found = []
        if self.deadline is not None:
            found.append("deadline")
        if self.milestones is not None:
            found.append("milestones")
        if self.every is not None:
            found.append("every")
        if self.ongoing:
            found.append("ongoing")
        return found


class Drill(_Model):
    """应急演练。"""

    id: RecordId = _text("演练编号", "YL- 开头，例如 YL-2025-0001")
    title: str = _name("演练名称")
    kind: DrillKind = _text("演练类型", "疏散逃生 | 桌面 | 专项 | 综合")
    unit: str | None = _text("所属单位", "本村生产经营单位的编号 DW-…", default=None)
    planned_on: Date | None = _text("计划日期", default=None)
    held_on: Date | None = _text("实施日期", default=None)
    participants: int | None = _text("参演人数", default=None, ge=0, le=COUNT_MAX)
    organizer: str | None = _name("组织者", default=None)
    scenario: str | None = _text("演练情景", default=None)
    findings: str | None = _text("发现的问题", default=None)
    evidence: Paths = _text("佐证材料", default_factory=list)
    notes: str | None = _text("备注", default=None)
    void: Void | None = _text("作废", default=None)


class Inspection(_Model):
    """安全检查。主要负责人带队检查：生产经营单位主要负责人每季度至少带队检查本单位1次（方案任务8）。"""

    id: RecordId = _text("检查编号", "JC- 开头，例如 JC-2025-0001")
    date: Date = _text("检查日期")
    unit: str | None = _text("被检查单位", "本村生产经营单位的编号 DW-…（主要负责人带队检查必填）", default=None)
    kind: InspectionKind = _text("检查类型", "主要负责人带队 | 部门检查 | 镇级督导 | 联合检查 | 其他")
    led_by: str = _text("带队人", "主要负责人带队检查填该单位主要负责人的姓名")
    participants: list[str] = _text("参加检查人员", "姓名列表", default_factory=list)
    scope: str | None = _text("检查内容", "例如 重大事故隐患排查整治情况", default=None)
    findings: list[RecordId] = _text("发现的隐患", "本次检查发现的隐患编号 YH-…（须已登记）", default_factory=list)
    notes: str | None = _text("备注", default=None)
    evidence: Paths = _text("佐证材料", "相对于仓库根目录的文件路径", default_factory=list)
    void: Void | None = _text("作废", default=None)


class Attendee(_Model):
    """一名参训人员。"""

    unit: str | None = _text("所在单位", "生产经营单位编号 DW-…（村组干部等可不填）", default=None)
    name: str = _text("姓名")
    role: AttendeeRole | None = _text("身份", "主要负责人 | 安全管理人员 | 从业人员 | 其他", default=None)


class Training(_Model):
    """安全教育培训（镇级台账）。主要负责人培训全覆盖：每个在营生产经营单位的主要负责人在方案期内至少参训1次（方案任务5）。"""

    id: RecordId = _text("培训编号", "PX- 开头，例如 PX-2025-001")
    date: Date = _text("培训日期")
    topic: str = _text("培训主题")
    kind: TrainingKind = _text("培训类型", "主要负责人 | 安全管理人员 | 从业人员 | 消防 | 其他")
    organizer: str = _text("组织单位", "例如 镇应急办、县应急管理局")
    hours: float | None = _text("学时", "培训时长，小时", default=None, ge=0, allow_inf_nan=False)
    attendees: list[Attendee] = _text("参训人员", "逐人登记：所在单位、姓名、身份", default_factory=list)
    count: int | None = _text("参训人次", "未逐人登记姓名时填写总人次；与 attendees 同时填写时为总人次（含已登记的人）",
                              default=None, ge=0, le=COUNT_MAX)
    notes: str | None = _text("备注", default=None)
    evidence: Paths = _text("佐证材料", "相对于仓库根目录的文件路径，例如签到表、照片", default_factory=list)
    void: Void | None = _text("作废", default=None)


class TasksFile(_Model):
    """tasks.yaml：工作任务。"""

    tasks: list[Task] = _text("任务", default_factory=list)


class UnitsFile(_Model):
    """units.yaml：生产经营单位。"""

    units: list[Unit] = _text("生产经营单位", default_factory=list)


class HazardsFile(_Model):
    """hazards.yaml：事故隐患台账。"""

    hazards: list[Hazard] = _text("隐患", default_factory=list)


class DrillsFile(_Model):
    """drills.yaml：应急演练。"""

    drills: list[Drill] = _text("演练", default_factory=list)


class InspectionsFile(_Model):
    """inspections.yaml：安全检查记录。"""

    inspections: list[Inspection] = _text("检查", default_factory=list)


class TrainingsFile(_Model):
    """trainings.yaml：安全教育培训记录（镇级）。"""

    trainings: list[Training] = _text("培训", default_factory=list)


# file stem -> (container model, top key, record model, ID prefix), from the registry (hjp.kinds)
RECORD_FILES: dict[str, tuple[type[_Model], str, type[_Model], str]] = {
    k.stem: (globals()[k.container], k.top, globals()[k.model], k.prefix) for k in KINDS}

SCHEMA_MODELS: dict[str, type[_Model]] = {
    "town": Town,
    "village": Village,
    **{k.stem: globals()[k.container] for k in KINDS},
}
