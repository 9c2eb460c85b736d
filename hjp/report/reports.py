"""The report pipeline: ledger → view-model → Markdown (one rendering) → Markdown file or Word file.

``REPORTS`` lists the built-in reports; a ledger repository's ``templates/NAME.md.j2`` overrides a
built-in one or adds a report of its own (which gets every view-model in its context).
The CLI calls ``produce`` and only chooses where the result goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Callable

from hjp.files import write_atomic
from hjp.load import Ledger
from hjp.report import render, viewmodel
from hjp.report.chart import CHART_TITLE, NO_FONT, PendingChart

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    landscape: bool = False
    chart: bool = False
    needs_phase: bool = False


REPORTS: dict[str, ReportSpec] = {
    "self-check": ReportSpec("self-check", "自查总结报告（整个方案期）", chart=True),
    "phase": ReportSpec("phase", "阶段工作总结（--phase 指定阶段）", chart=True, needs_phase=True),
    "hazards": ReportSpec("hazards", "隐患排查治理台账（Word 为横向）", landscape=True, chart=True),
    "overdue": ReportSpec("overdue", "逾期事项督办清单（按责任人分组）"),
}


class ReportError(Exception):
    """A usage problem (unknown report, phase or village; broken town.yaml): Chinese message, exit 2."""


@dataclass
class Produced:
    markdown: str
    title: str
    landscape: bool
    chart_png: bytes | None = None
    notices: list[str] = field(default_factory=list)
    pending: "PendingChart | None" = None
    rerender: Callable[[], str] | None = None

    def finish(self) -> bool:
        """Wait for a chart drawn in the background; without one, the Markdown no longer links it.

        Returns whether the Markdown changed.
        """
        if self.pending is None:
            return False
        self.chart_png = self.pending.result(self.notices)
        self.pending = None
        if self.chart_png is None and self.rerender is not None:
            self.markdown = self.rerender()
            return True
        return False


def user_templates_dir(ledger: Ledger) -> Path | None:
    """The repository's own templates/, unless it is the built-in folder itself (hjp's own checkout)."""
    from hjp.resources import templates_dir

    own = ledger.repo_root / "templates"
    try:
        if own.resolve() == templates_dir().resolve():
            return None
    except OSError:  # pragma: no cover - unreadable path: treat as absent
        return None
    return own


def available(ledger: Ledger | None) -> list[tuple[str, str, str]]:
    """(name, description, where) of every report: built-ins, then the repository's own."""
    own_dir = user_templates_dir(ledger) if ledger is not None else None
    own = set()
    if own_dir is not None and own_dir.is_dir():
        own = {p.name[: -len(render.SUFFIX)] for p in own_dir.glob(f"*{render.SUFFIX}") if not p.name.startswith("_")}
    out = []
    for name, spec in REPORTS.items():
        out.append((name, spec.title, "本仓库模板（覆盖内置）" if name in own else "内置"))
    for name in sorted(own - set(REPORTS)):
        out.append((name, "自定义报告", "本仓库模板"))
    return out


def _context(vm: Any) -> dict[str, Any]:
    # shallow: the template sees the view-model's fields as top-level names
    return {f.name: getattr(vm, f.name) for f in fields(vm)}


def find_phase(ledger: Ledger, name: str | None) -> Any:
    town = ledger.town
    assert town is not None
    names = "、".join(p.name for p in town.phases) or "（town.yaml 中没有 phases）"
    if not name:
        raise ReportError(f"phase 报告须用 --phase 指定阶段，可选：{names}")
    for p in town.phases:
        if p.name == name:
            return p
    raise ReportError(f"town.yaml 中没有名为 {name} 的阶段；可选：{names}")


def produce(ledger: Ledger, name: str, *, as_of: date, phase: str | None = None, village: str | None = None,
            chart_name: str | None = None, progress: Progress | None = None,
            background: PendingChart | None = None) -> Produced:
    """Render report ``name``; with ``chart_name`` the chart is drawn and linked under that name.

    ``background`` is a chart process already started (the CLI's choice): the chart is drawn there, in
    parallel with the rest; it is cancelled when the report has no chart, or on any error.
    """
    try:
        produced = _produce(ledger, name, as_of=as_of, phase=phase, village=village, chart_name=chart_name,
                            progress=progress, background=background)
    except BaseException:
        if background is not None:
            background.cancel()
        raise
    if background is not None and produced.pending is None:
        background.cancel()
    return produced


def _produce(ledger: Ledger, name: str, *, as_of: date, phase: str | None = None, village: str | None = None,
            chart_name: str | None = None, progress: Progress | None = None,
            background: PendingChart | None = None) -> Produced:
    if ledger.town is None:
        raise ReportError("town.yaml 有错误，无法生成报告；请先运行 hjp validate 并按提示修正")
    extra = user_templates_dir(ledger)
    if name not in REPORTS and render.template_source(name, extra) is None:
        names = "、".join(n for n, _, _ in available(ledger))
        raise ReportError(f"没有名为 {name} 的报告；可用的报告：{names}（hjp report --list 查看说明）")
    if village is not None and village not in ledger.villages:
        names = "、".join(ledger.villages) or "（台账中还没有村）"
        raise ReportError(f"台账中没有村 {village}；可选：{names}")
    spec = REPORTS.get(name, ReportSpec(name, name, chart=True))
    if phase is not None and not spec.needs_phase:
        raise ReportError(f"--phase 只用于 phase 报告，{name} 报告不按阶段划分")
    say = progress or (lambda _msg: None)
    say("正在计算统计数据")
    context: dict[str, Any]
    months: list[viewmodel.MonthPoint]
    early = None
    if background is not None and chart_name is not None and spec.chart:
        early = partial(_send_early, background)
    if name == "self-check":
        vm: Any = viewmodel.summary(ledger, as_of=as_of, village=village, on_months=early)
        context, months = _context(vm), vm.months
    elif name == "phase":
        vm = viewmodel.summary(ledger, as_of=as_of, phase=find_phase(ledger, phase), village=village,
                               on_months=early)
        context, months = _context(vm), vm.months
    elif name == "hazards":
        vm = viewmodel.register(ledger, as_of=as_of, village=village)
        context, months = _context(vm), vm.months
    elif name == "overdue":
        vm = viewmodel.overdue_list(ledger, as_of=as_of, village=village)
        context, months = _context(vm), []
    else:
        summary = viewmodel.summary(ledger, as_of=as_of, village=village)
        context = {"town": ledger.town, "as_of": as_of, "summary": summary,
                   "register": viewmodel.register(ledger, as_of=as_of, village=village),
                   "overdue": viewmodel.overdue_list(ledger, as_of=as_of, village=village)}
        months = summary.months
    produced = Produced("", spec.title, spec.landscape)
    chart = None
    pending = None
    if chart_name is not None and spec.chart and _worth_drawing(months):
        if background is not None:
            # drawn by a child process (matplotlib costs ~0.5 s to import) while we template and build
            pending = background
            if not pending.sent:
                pending.send(months)
            chart = chart_name
        else:
            say("正在绘制图表")
            png = chart_png(months, produced.notices)
            if png is not None:
                produced.chart_png = png
                chart = chart_name
    context["chart"] = chart
    context["issuer"] = f"{ledger.town.name}人民政府"
    say("正在套用模板")
    produced.markdown = _render(name, context, extra)
    if pending is not None:
        produced.pending = pending
        produced.rerender = lambda: _render(name, {**context, "chart": None}, extra)
    return produced


def _send_early(chart: PendingChart, points: list[viewmodel.MonthPoint]) -> None:
    if _worth_drawing(points):  # the child draws while the rest of the figures are computed
        chart.send(points)


def _worth_drawing(months: list[viewmodel.MonthPoint]) -> bool:
    """A chart of nothing but zeros (a ledger with no hazards yet) tells the reader nothing."""
    return any(p.found or p.closed or p.open_major for p in months)


def _render(name: str, context: dict[str, Any], extra: Path | None) -> str:
    try:
        return render.render(name, context, extra_dir=extra)
    except render.TemplateError as exc:
        raise ReportError(f"报告模板出错：{exc}") from None


def chart_png(months: list[viewmodel.MonthPoint], notices: list[str]) -> bytes | None:
    """The chart, or None with a notice when matplotlib or a CJK font is missing."""
    try:
        from hjp.report import chart
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        notices.append("未安装 matplotlib，报告中不含图表")
        return None
    try:
        font = chart.find_cjk_font()
    except ImportError:  # pragma: no cover
        notices.append("未安装 matplotlib，报告中不含图表")
        return None
    if font is None:
        notices.append(NO_FONT)
        return None
    return chart.render_png(months, title=CHART_TITLE, font=font)


def write_docx(produced: Produced, path: Path, *, as_of: date, chart_name: str | None,
               progress: Progress | None = None) -> None:
    from hjp.report import docx_writer

    class Images:
        """The chart, waited for only when the document is otherwise built (pictures go in last)."""

        def get(self, src: str) -> bytes | None:
            produced.finish()
            return produced.chart_png if src == chart_name else None

    def build() -> Any:
        return docx_writer.build(produced.markdown, title=_first_heading(produced.markdown) or produced.title,
                                 as_of=as_of, landscape=produced.landscape, images=Images(), progress=progress)

    markdown = produced.markdown
    doc = build()
    if produced.markdown != markdown:  # the chart failed: build again without its figure and caption
        doc = build()
    if progress is not None:
        progress("正在保存 Word 文件")
    docx_writer.save_atomic(doc, path)


def _first_heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip().replace("\\", "")
    return None


def write_text_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, data)
