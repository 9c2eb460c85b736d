"""The record kinds of a ledger, in one table: everything else derives from it.

A *record kind* is a list of records with IDs (units, hazards, drills, tasks ...): where its file
lives (per village, at the town level, or both), the file's stem and top key, the ID prefix, the
CLI noun and the Chinese name, the pydantic model (by name: this module is imported by ``hjp
--help`` and by the history reader, which must not pay for pydantic), the list fields whose items
get positions (``load.Loc.items``), the event dates that may not lie in the future (HJP217), where
evidence paths sit, and the fields ``hjp new`` accepts. The loader, the rules, the edits, the
history reader, the schema generator, the demo and docs/development.md's table all read it here.

Adding a kind: see docs/development.md, "Adding a record kind". The order of ``KINDS`` is the order
files are read in (and so of ``hjp check --format junit``'s file list): keep new kinds last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FieldSpec:
    """One ``--option`` of ``hjp new KIND``: where its value goes in the record and how to read it."""

    option: str  # as typed after --, e.g. found-on
    path: tuple[str, ...]  # where it goes in the record
    type: str  # str | date | int | float | bool | list | path | milestone | flag
    label: str  # Chinese, for prompts and messages
    required: bool = False
    # A vocabulary: "sectors", "actions" or "unit_grades" (from town.yaml), else the name of a dict in hjp.model
    # (e.g. "HAZARD_LEVELS") whose keys are the allowed values.
    choices: str | None = None
    default_today: bool = False  # absent: today's date (e.g. a hazard's found-on)
    not_future: str | None = None  # the Chinese name of an event date that cannot lie after today


@dataclass(frozen=True)
class NestedDate:
    """Dates inside a list field checked like ``future_dates``: ``label`` takes ``{n}`` (1-based)."""

    list_field: str
    field: str
    label: str


@dataclass(frozen=True)
class Kind:
    noun: str  # CLI noun: hjp new hazard
    stem: str  # file stem: villages/<slug>/hazards.yaml
    top: str  # the file's top key: hazards:
    prefix: str  # ID prefix: YH-...
    label: str  # Chinese name: 隐患
    model: str  # record model's name in hjp.model (resolved lazily)
    container: str  # file model's name in hjp.model (the JSON Schema's root)
    village: bool = True  # a file per village: villages/<slug>/<stem>.yaml
    town: bool = False  # a file at the ledger's top: <ledger>/<stem>.yaml
    # List-valued fields whose items (and their sub-fields) get positions, so rules can point at them.
    list_fields: tuple[str, ...] = ()
    # Event dates that may not lie after today (HJP217): (field, Chinese name).
    future_dates: tuple[tuple[str, str], ...] = ()
    future_nested: tuple[NestedDate, ...] = ()
    # Evidence paths: the record's own `evidence` list, and lists whose items hold `evidence`.
    evidence: bool = False
    evidence_nested: tuple[str, ...] = ()
    # hjp new: the options, which date gives an ID's {year} (else today), and conditional requirements.
    fields: tuple[FieldSpec, ...] = ()
    id_year: str | None = None  # an option of type date
    required_if: tuple[tuple[str, Any, tuple[str, ...]], ...] = ()  # (option, value, options then required)
    one_of: tuple[str, ...] = ()  # at least one of these options; the first is named when none is given
    short_label: str = ""  # where a shorter name reads better (单位); defaults to label

    def model_cls(self) -> Any:
        return getattr(_models(), self.model)

    def container_cls(self) -> Any:
        return getattr(_models(), self.container)

    @property
    def name(self) -> str:
        return self.short_label or self.label

    def file(self, root: Path, village: str | None) -> Path:
        """This kind's file for a village (or the town level when ``village`` is None)."""
        return root / f"{self.stem}.yaml" if village is None else root / "villages" / village / f"{self.stem}.yaml"


# The models are named, not imported: hjp.model builds its tables from this registry (it imports
# this module), and `hjp --help` / `hjp log` must not pay for pydantic. A name is resolved when a
# caller asks for the class, by then hjp.model is importable without a cycle.
MODELS_MODULE = "hjp.model"


def _models() -> Any:
    import importlib

    return importlib.import_module(MODELS_MODULE)


_PATH = "佐证材料路径（可重复）"

UNIT = Kind(
    noun="unit", stem="units", top="units", prefix="DW", label="生产经营单位", short_label="单位",
    model="Unit", container="UnitsFile",
    fields=(
        FieldSpec("name", ("name",), "str", "单位名称", True),
        FieldSpec("sector", ("sector",), "str", "行业领域", True, "sectors"),
        FieldSpec("principal", ("principal",), "str", "主要负责人", True),
        FieldSpec("phone", ("phone",), "str", "联系电话"),
        FieldSpec("since", ("since",), "date", "开业日期"),
        FieldSpec("drill-required", ("drill_required",), "bool", "须开展疏散逃生演练（是/否）"),
        FieldSpec("inspection-required", ("inspection_required",), "bool", "须每季度开展主要负责人带队检查（是/否）"),
        FieldSpec("credit-code", ("credit_code",), "str", "统一社会信用代码（18位）"),
        FieldSpec("grade", ("grade",), "str", "分级分类", False, "unit_grades"),
        FieldSpec("notes", ("notes",), "str", "备注"),
    ),
)

HAZARD = Kind(
    noun="hazard", stem="hazards", top="hazards", prefix="YH", label="隐患", model="Hazard", container="HazardsFile",
    list_fields=("evidence",),
    future_dates=(("found_on", "发现日期"), ("rectified_on", "整改完成日期"), ("closed_on", "销号日期")),
    evidence=True,
    fields=(
        FieldSpec("title", ("title",), "str", "隐患名称", True),
        FieldSpec("unit", ("unit",), "str", "所属单位编号 DW-…"),
        FieldSpec("location", ("location",), "str", "隐患部位"),
        FieldSpec("sector", ("sector",), "str", "行业领域", True, "sectors"),
        FieldSpec("level", ("level",), "str", "隐患等级", True, "HAZARD_LEVELS"),
        FieldSpec("source", ("source",), "str", "隐患来源", True, "HAZARD_SOURCES"),
        FieldSpec("found-on", ("found_on",), "date", "发现日期（默认今天）", default_today=True, not_future="发现日期"),
        FieldSpec("found-by", ("found_by",), "str", "发现人"),
        FieldSpec("reporter", ("reporter",), "str", "举报人（保密）"),
        FieldSpec("basis", ("basis",), "str", "判定依据（重大隐患必填），例如《工贸企业重大事故隐患判定标准》第X条"),
        FieldSpec("found-in", ("found_in",), "str", "发现此隐患的检查编号 JC-…"),
        FieldSpec("owner", ("rectification", "owner"), "str", "整改责任人（定责任人）", True),
        FieldSpec("measures", ("rectification", "measures"), "str", "整改措施（定措施，重大隐患必填）"),
        FieldSpec("funds", ("rectification", "funds"), "float", "整改资金，元（定资金，重大隐患必填）"),
        FieldSpec("deadline", ("rectification", "deadline"), "date", "整改期限（定时限）", True),
        FieldSpec("contingency", ("rectification", "contingency"), "str", "整改期间的防范措施和预案（定预案，重大隐患必填）"),
        FieldSpec("supervision", ("supervision", "level"), "str", "挂牌督办级别", False, "SUPERVISION_LEVELS"),
        FieldSpec("supervision-since", ("supervision", "since"), "date", "挂牌督办日期"),
        FieldSpec("evidence", ("evidence",), "path", _PATH),
        FieldSpec("notes", ("notes",), "str", "备注"),
    ),
    id_year="found-on",
    required_if=(("level", "重大", ("measures", "funds", "contingency", "basis")),),
)

DRILL = Kind(
    noun="drill", stem="drills", top="drills", prefix="YL", label="演练", model="Drill", container="DrillsFile",
    list_fields=("evidence",),
    future_dates=(("held_on", "演练实施日期"),),
    evidence=True,
    fields=(
        FieldSpec("title", ("title",), "str", "演练名称", True),
        FieldSpec("kind", ("kind",), "str", "演练类型", True, "DRILL_KINDS"),
        FieldSpec("unit", ("unit",), "str", "所属单位编号 DW-…"),
        FieldSpec("planned-on", ("planned_on",), "date", "计划日期"),
        FieldSpec("organizer", ("organizer",), "str", "组织者"),
        FieldSpec("scenario", ("scenario",), "str", "演练情景"),
        FieldSpec("evidence", ("evidence",), "path", _PATH),
        FieldSpec("notes", ("notes",), "str", "备注"),
    ),
    id_year="planned-on",
)

TASK = Kind(
    noun="task", stem="tasks", top="tasks", prefix="RW", label="任务", model="Task", container="TasksFile",
    village=True, town=True,
    list_fields=("evidence", "milestones", "occurrences", "progress", "lead", "owners"),
    future_dates=(("done_on", "完成日期"),),
    future_nested=(NestedDate("milestones", "done_on", "第 {n} 个阶段目标的完成日期 done_on"),
                   NestedDate("occurrences", "date", "第 {n} 条落实记录的日期 date"),
                   NestedDate("progress", "date", "第 {n} 条进展记录的日期 date")),
    evidence=True,
    evidence_nested=("milestones", "occurrences", "progress"),
    fields=(
        FieldSpec("title", ("title",), "str", "任务名称", True),
        FieldSpec("action", ("action",), "int", "所属行动编号", False, "actions"),
        FieldSpec("ref", ("ref",), "str", "方案条目"),
        FieldSpec("lead", ("lead",), "list", "牵头人（可重复，或用、分隔）"),
        FieldSpec("owners", ("owners",), "list", "责任单位或人（可重复，或用、分隔）"),
        FieldSpec("text", ("text",), "str", "方案原文"),
        FieldSpec("deadline", ("deadline",), "date", "完成期限（一次性任务）"),
        FieldSpec("milestone", ("milestones",), "milestone", "阶段目标 期限:内容（可重复），例如 2026-06-30:完成排查"),
        FieldSpec("every", ("every",), "str", "周期（周期性任务）", False, "RECURRENCE"),
        FieldSpec("ongoing", ("ongoing",), "flag", "长期坚持（不带值）"),
        FieldSpec("start", ("start",), "date", "开始日期（周期性、长期任务）"),
        FieldSpec("end", ("end",), "date", "结束日期（周期性任务）"),
        FieldSpec("evidence", ("evidence",), "path", _PATH),
        FieldSpec("notes", ("notes",), "str", "备注"),
    ),
    one_of=("deadline", "milestone", "every", "ongoing"),
)

INSPECTION = Kind(
    noun="inspection", stem="inspections", top="inspections", prefix="JC", label="检查", model="Inspection",
    container="InspectionsFile",
    list_fields=("evidence", "findings", "participants"),
    future_dates=(("date", "检查日期"),),
    evidence=True,
    fields=(
        FieldSpec("date", ("date",), "date", "检查日期（默认今天）", default_today=True, not_future="检查日期"),
        FieldSpec("unit", ("unit",), "str", "被检查单位编号 DW-…（主要负责人带队检查必填）"),
        FieldSpec("kind", ("kind",), "str", "检查类型", True, "INSPECTION_KINDS"),
        FieldSpec("led-by", ("led_by",), "str", "带队人", True),
        FieldSpec("participants", ("participants",), "list", "参加检查人员（可重复，或用、分隔）"),
        FieldSpec("scope", ("scope",), "str", "检查内容"),
        FieldSpec("findings", ("findings",), "list", "发现的隐患编号 YH-…（可重复，或用、分隔）"),
        FieldSpec("notes", ("notes",), "str", "备注"),
        FieldSpec("evidence", ("evidence",), "path", _PATH),
    ),
    id_year="date",
    required_if=(("kind", "主要负责人带队", ("unit",)),),
)

TRAINING = Kind(
    noun="training", stem="trainings", top="trainings", prefix="PX", label="培训", model="Training",
    container="TrainingsFile", village=False, town=True,
    list_fields=("evidence", "attendees"),
    future_dates=(("date", "培训日期"),),
    evidence=True,
    fields=(
        FieldSpec("date", ("date",), "date", "培训日期（默认今天）", default_today=True, not_future="培训日期"),
        FieldSpec("topic", ("topic",), "str", "培训主题", True),
        FieldSpec("kind", ("kind",), "str", "培训类型", True, "TRAINING_KINDS"),
        FieldSpec("organizer", ("organizer",), "str", "组织单位", True),
        FieldSpec("hours", ("hours",), "float", "学时（小时）"),
        FieldSpec("count", ("count",), "int", "参训人次（未逐人登记时填写）"),
        FieldSpec("notes", ("notes",), "str", "备注"),
        FieldSpec("evidence", ("evidence",), "path", _PATH),
    ),
    id_year="date",
)

# In reading order (per village: units, hazards, drills, tasks, inspections). New kinds go last.
KINDS: tuple[Kind, ...] = (UNIT, HAZARD, DRILL, TASK, INSPECTION, TRAINING)

# village.yaml is not a record kind (no ID, one per village), but `hjp new village` takes fields too.
VILLAGE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", ("name",), "str", "村名，例如 何家畔村", True),
    FieldSpec("head", ("head",), "str", "村负责人"),
    FieldSpec("phone", ("phone",), "str", "联系电话"),
    FieldSpec("notes", ("notes",), "str", "备注"),
)

BY_NOUN: dict[str, Kind] = {k.noun: k for k in KINDS}
BY_STEM: dict[str, Kind] = {k.stem: k for k in KINDS}
BY_PREFIX: dict[str, Kind] = {k.prefix: k for k in KINDS}
VILLAGE_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS if k.village)
TOWN_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS if k.town)
# The files of a village directory, as the clerk sees them listed.
VILLAGE_FILES: tuple[str, ...] = ("village", *(k.stem for k in VILLAGE_KINDS))

# An ID: a kind's prefix, then one or more '-'-separated groups of ASCII letters and digits.
ID_BODY = "(" + "|".join(k.prefix for k in KINDS) + r")(-[A-Za-z0-9]+)+"
ID_RE = f"^{ID_BODY}$"
ID_PATTERN = re.compile(ID_BODY)
PREFIXES_TEXT = "/".join(k.prefix for k in KINDS)  # DW/YH/YL/RW, for messages

# A record file's path (POSIX, relative to anything): group "town" or "village" holds the stem.
RECORD_FILE = re.compile(
    r"(?:^|/)(?:(?P<town>" + "|".join(re.escape(k.stem) for k in TOWN_KINDS) + r")\.yaml"
    r"|villages/[^/]+/(?P<village>" + "|".join(re.escape(k.stem) for k in VILLAGE_KINDS) + r")\.yaml)$")


def of_id(record_id: str) -> Kind | None:
    """The kind an ID's prefix names (None for an unknown prefix)."""
    return BY_PREFIX.get(record_id.split("-", 1)[0])


def stem_of_path(path: str) -> str | None:
    """The kind's stem of a record file's path (``ledgers/villages/x/hazards.yaml`` → hazards)."""
    mm = RECORD_FILE.search(path)
    if not mm:
        return None
    return mm.group("town") or mm.group("village")


def history_patterns(kind: Kind, pathspec: str) -> list[str]:
    """git pathspecs of every file that may hold records of ``kind`` under ``pathspec`` ("" or "dir/")."""
    out = [f"{pathspec}villages/*/{kind.stem}.yaml"] if kind.village else []
    if kind.town:
        out.append(f"{pathspec}{kind.stem}.yaml")
    return out


def vocabulary(name: str | None, town: Any) -> list[str]:
    """The allowed values of a FieldSpec's ``choices`` ([] when it has none)."""
    if not name:
        return []
    if name == "sectors":
        return list(town.sectors) if town is not None else list(_models().DEFAULT_SECTORS)
    if name == "actions":
        return [str(k) for k in sorted(town.actions)] if town is not None else []
    if name == "unit_grades":
        return list(town.unit_grades) if town is not None else list(_models().DEFAULT_UNIT_GRADES)
    return list(getattr(_models(), name))


def docs_table() -> str:
    """The Markdown table of kinds in docs/development.md (a test keeps it in sync)."""
    rows = ["| noun | file | top key | prefix | name | model | list fields | future dates |",
            "|---|---|---|---|---|---|---|---|"]
    for k in KINDS:
        where = " and ".join(w for w, on in ((f"villages/<slug>/{k.stem}.yaml", k.village),
                                             (f"{k.stem}.yaml", k.town)) if on)
        dates = ", ".join([f for f, _ in k.future_dates] + [f"{n.list_field}[].{n.field}" for n in k.future_nested])
        rows.append(f"| {k.noun} | {where} | `{k.top}:` | {k.prefix} | {k.label} | {k.model} | "
                    f"{', '.join(k.list_fields) or '—'} | {dates or '—'} |")
    return "\n".join(rows) + "\n"
