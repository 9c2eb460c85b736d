"""Status vocabulary: what a derived state means (enums) and how the clerk reads it (label tables).

Statuses are derived, never stored (DESIGN §3–§4). Code compares enum members; only the label
tables and the ``*_label`` functions hold the Chinese words, so the register, the 督办清单, the
reports, ``hjp overdue``/``hjp check`` and (later) ``hjp show`` say the same thing the same way.
An overdue hazard, wherever it is shown, reads 逾期未整改（N天）.

Stdlib only: imported by the deadline engine, the reports and the reporters alike.
"""

from __future__ import annotations

from enum import Enum

# The deadline semantics' two spans (DESIGN §4), here so that output can word them without importing
# hjp.deadlines (10 ms on every hjp validate, whose output never computes a deadline).
STALE_DAYS = 90  # an ongoing task with no progress for longer than this is stale
CLOSURE_DAYS = 30  # a rectified hazard not closed within this many days awaits closure (待销号)


class HazardStatus(Enum):
    """A hazard's status as of a date, from its dates alone (DESIGN §3)."""

    RECTIFYING = "rectifying"  # no rectified_on (as of D)
    RECTIFIED = "rectified"    # rectified_on, no closed_on
    CLOSED = "closed"          # closed_on
    VOID = "void"              # entered in error

    @property
    def label(self) -> str:
        return HAZARD_STATUS_LABELS[self]


HAZARD_STATUS_LABELS = {
    HazardStatus.RECTIFYING: "整改中",
    HazardStatus.RECTIFIED: "已整改待验收",
    HazardStatus.CLOSED: "已销号",
    HazardStatus.VOID: "已作废",
}


class HazardBucket(Enum):
    """Where a hazard found by D and not voided stands, status and deadline together.

    Every such hazard is in exactly one bucket; the buckets add up to 累计发现.
    """

    CLOSED = "closed"        # 已销号
    RECTIFIED = "rectified"  # 已整改待验收
    OPEN = "open"            # 整改中, its deadline not passed
    OVERDUE = "overdue"      # 整改中, its deadline passed (deadline < D)

    @property
    def label(self) -> str:
        return HAZARD_BUCKET_LABELS[self]


HAZARD_BUCKET_LABELS = {
    HazardBucket.CLOSED: "已销号",
    HazardBucket.RECTIFIED: "已整改待验收",
    HazardBucket.OPEN: "整改中未逾期",
    HazardBucket.OVERDUE: "逾期未整改",
}


def hazard_label(bucket: HazardBucket, *, days: int = 0, awaiting_days: int = 0) -> str:
    """The one wording of a hazard's state: 整改中, 逾期未整改（N天）, 已整改待验收（超期N天）, 已销号.

    ``days``: days past the rectification deadline (OVERDUE); ``awaiting_days``: days past the
    closure deadline of a rectified hazard (待销号), 0 when it is not late yet.
    """
    if bucket is HazardBucket.OVERDUE:
        return f"逾期未整改（{days}天）"
    if bucket is HazardBucket.OPEN:
        return "整改中"
    if bucket is HazardBucket.RECTIFIED and awaiting_days > 0:
        return f"已整改待验收（超期{awaiting_days}天）"
    return bucket.label


class TaskStatus(Enum):
    """A task's status as of a date (one-off, milestones, recurring or ongoing)."""

    DONE = "done"          # 已完成
    PENDING = "pending"    # 未到期
    OVERDUE = "overdue"    # 已逾期
    ONGOING = "ongoing"    # 长期坚持
    VOID = "void"          # 已作废

    @property
    def label(self) -> str:
        return TASK_STATUS_LABELS[self]


TASK_STATUS_LABELS = {
    TaskStatus.DONE: "已完成",
    TaskStatus.PENDING: "未到期",
    TaskStatus.OVERDUE: "已逾期",
    TaskStatus.ONGOING: "长期坚持",
    TaskStatus.VOID: "已作废",
}
# The order in which counts of tasks are given (a voided task counts nowhere).
TASK_STATUS_ORDER = (TaskStatus.DONE, TaskStatus.PENDING, TaskStatus.OVERDUE, TaskStatus.ONGOING)


def task_label(status: TaskStatus, *, missed: int = 0, stale_days: int | None = None) -> str:
    """已完成 | 未到期 | 已逾期 | 已逾期（N期次） | 长期坚持 | 长期坚持（超过N天无进展） | 已作废.

    ``missed``: the recurring periods missed (期次); ``stale_days``: the days an ongoing task has
    gone without progress beyond the allowed interval (None: not stale).
    """
    if status is TaskStatus.OVERDUE and missed:
        return f"已逾期（{missed}期次）"
    if status is TaskStatus.ONGOING and stale_days is not None:
        return f"长期坚持（{stale_days}天无进展）"
    return status.label


class DeadlineState(Enum):
    """The four lists of ``hjp overdue`` (DESIGN §5): an obligation not done as of D."""

    OVERDUE = "overdue"                    # past its due date
    DUE_SOON = "due_soon"                  # due within --within days
    STALE = "stale"                        # an ongoing task without progress for too long
    AWAITING_CLOSURE = "awaiting_closure"  # a hazard rectified long ago and not closed

    @property
    def label(self) -> str:
        return DEADLINE_STATE_LABELS[self]


DEADLINE_STATE_LABELS = {
    DeadlineState.OVERDUE: "逾期",
    DeadlineState.DUE_SOON: "即将到期",
    DeadlineState.STALE: "长期未更新",
    DeadlineState.AWAITING_CLOSURE: "待销号",
}

# `hjp check --fail-on X`: the lists that fail the run (exit 1) besides validation errors. The audit
# (HJP504) holds a commit to the same lists as --fail-on overdue.
FAIL_ON: dict[str, tuple[DeadlineState, ...]] = {
    "error": (),
    "overdue": (DeadlineState.OVERDUE, DeadlineState.STALE, DeadlineState.AWAITING_CLOSURE),
    "due-soon": (DeadlineState.OVERDUE, DeadlineState.STALE, DeadlineState.AWAITING_CLOSURE, DeadlineState.DUE_SOON),
}


class ItemKind(Enum):
    """What a deadline item is: ``kind`` in ``hjp overdue --json`` (DESIGN §5), ``--kind``'s values."""

    HAZARD = "hazard"          # its rectification deadline
    TASK = "task"              # a one-off task's deadline (or an ongoing task gone stale)
    MILESTONE = "milestone"    # one dated target of a task
    OCCURRENCE = "occurrence"  # one period of a recurring task
    DRILL = "drill"            # a planned drill
    COVERAGE = "coverage"      # a unit's yearly 疏散逃生演练
    INSPECTION = "inspection"  # a unit's 主要负责人带队检查 due in its quarter
    TRAINING = "training"      # a unit's 主要负责人 safety training due by the plan's end

    @property
    def label(self) -> str:
        return ITEM_KIND_LABELS[self]


ITEM_KIND_LABELS = {
    ItemKind.HAZARD: "隐患",
    ItemKind.TASK: "任务",
    ItemKind.MILESTONE: "阶段目标",
    ItemKind.OCCURRENCE: "周期任务",
    ItemKind.DRILL: "演练",
    ItemKind.COVERAGE: "演练覆盖",
    ItemKind.INSPECTION: "带队检查",
    ItemKind.TRAINING: "负责人培训",
}
# What to do about an item of each kind once it is due (hjp check's messages)
ITEM_KIND_FIXES = {
    ItemKind.HAZARD: "整改完成后填写 rectified_on",
    ItemKind.TASK: "完成后填写 done_on",
    ItemKind.MILESTONE: "完成后在该阶段目标下填写 done_on",
    ItemKind.OCCURRENCE: "落实后在 occurrences 下记一条（date: 落实日期）",
    ItemKind.DRILL: "实施后填写 held_on",
    ItemKind.COVERAGE: "组织一次疏散逃生演练，登记到本村 drills.yaml（kind: 疏散逃生，unit: 单位编号）",
    ItemKind.INSPECTION: "主要负责人带队检查后，登记到本村 inspections.yaml（kind: 主要负责人带队，unit: 单位编号）",
    ItemKind.TRAINING: "组织主要负责人参加安全培训，登记到 trainings.yaml 的 attendees（unit、name、role: 主要负责人）",
}
