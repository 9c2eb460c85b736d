"""The report pipeline: ledger → view-model → Markdown (one rendering) → Markdown, Word or JSON.

``REPORTS`` is the table of built-in reports (as ``output.CHECK_REPORTERS`` is of reporters): each
``ReportSpec`` says how to build its view-model, its default file name and its layout, so nothing
here branches on a report's name. A ledger repository's ``templates/NAME.md.j2`` overrides a
built-in report or adds one of its own (which gets every view-model in its context).

The policy of ``hjp report`` lives here too, so the command itself only parses options:
``plan_output`` (format from -o's extension, refusals, chart file names), ``default_target``
(Chinese default file names), ``ledger_check`` (a ledger with validation errors is refused unless
``--allow-errors``; then the report says on its first page how many records were left out).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from hjp.files import write_atomic
from hjp.load import Ledger
from hjp.report import render, viewmodel
from hjp.report.chart import NO_FONT, PendingChart

if TYPE_CHECKING:
    from hjp.diagnostics import Diagnostic

Progress = Callable[[str], None]
FORMATS = ("md", "docx", "json")


class ReportError(Exception):
    """A usage problem (unknown report, phase or village; broken town.yaml; bad -o): Chinese message, exit 2."""


class LedgerHasErrors(Exception):
    """The ledger has validation errors and the clerk did not pass --allow-errors (exit 1)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} errors")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Request:
    """What is asked of a report's view-model builder."""

    as_of: date
    phase: Any = None            # the town's Phase (resolved), for phase summaries
    village: str | None = None   # a village's slug
    left_out: int = 0            # records not counted because of validation errors
    on_months: Callable[[list[viewmodel.MonthPoint]], None] | None = None


def _self_check(ledger: Ledger, rq: Request) -> Any:
    return viewmodel.summary(ledger, as_of=rq.as_of, village=rq.village, on_months=rq.on_months,
                             left_out=rq.left_out)


def _phase(ledger: Ledger, rq: Request) -> Any:
    return viewmodel.summary(ledger, as_of=rq.as_of, phase=rq.phase, village=rq.village, on_months=rq.on_months,
                             left_out=rq.left_out)


def _register(ledger: Ledger, rq: Request) -> Any:
    return viewmodel.register(ledger, as_of=rq.as_of, village=rq.village, left_out=rq.left_out)


def _overdue(ledger: Ledger, rq: Request) -> Any:
    return viewmodel.overdue_list(ledger, as_of=rq.as_of, village=rq.village, left_out=rq.left_out)


def _everything(ledger: Ledger, rq: Request) -> Any:
    """A repository's own report gets every view-model."""
    summary = _self_check(ledger, rq)
    return {"town": summary.town, "as_of": rq.as_of, "summary": summary,
            "register": _register(ledger, Request(rq.as_of, village=rq.village, left_out=rq.left_out)),
            "overdue": _overdue(ledger, Request(rq.as_of, village=rq.village, left_out=rq.left_out))}


def _months(vm: Any) -> list[viewmodel.MonthPoint]:
    if isinstance(vm, viewmodel.Summary):
        return vm.hazards.months
    if isinstance(vm, viewmodel.Register):
        return vm.months
    if isinstance(vm, dict) and "summary" in vm:
        return vm["summary"].hazards.months
    return []


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str                                       # what --list says
    build: Callable[[Ledger, Request], Any]          # the view-model
    file_name: Callable[[Request], str]              # the default file name (no extension)
    landscape: bool = False
    chart: bool = False
    needs_phase: bool = False


def _named(stem: str) -> Callable[[Request], str]:
    return lambda rq: f"{stem}-{rq.as_of.isoformat()}"


REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in (
    ReportSpec("self-check", "自查总结报告（整个方案期）", _self_check, _named("自查总结报告"), chart=True),
    ReportSpec("phase", "阶段工作总结（--phase 指定阶段）", _phase,
               lambda rq: f"{rq.phase.name}工作总结-{rq.as_of.isoformat()}", chart=True, needs_phase=True),
    ReportSpec("hazards", "隐患排查治理台账（Word 为横向）", _register, _named("隐患排查治理台账"),
               landscape=True, chart=True),
    ReportSpec("overdue", "逾期事项督办清单（按责任人分组）", _overdue, _named("逾期事项督办清单")),
)}


def _custom(name: str) -> ReportSpec:
    return ReportSpec(name, name, _everything, _named(name), chart=True)


# --------------------------------------------------------------------------- where the output goes


@dataclass(frozen=True)
class OutputPlan:
    fmt: str                   # md | docx | json
    target: Path | None        # None: the screen (md, json), or the default name (docx, decided later)
    chart_name: str | None     # the chart's file name (docx: inside the document; md: beside the file)


def plan_output(name: str, fmt: str | None, output: Path | None, *, ledger: Path | None = None,
                force: bool = False) -> OutputPlan:
    """The format (``--format``, else -o's extension, else md) and the checks on -o, before any work.

    -o is refused inside the ledger directory (``paths.output_problem``), and over an existing file
    unless ``force``: the clerk fills a report's 【请填写】 parts in WPS, and regenerating it the same
    day must not wipe that writing out.
    """
    if output is not None and str(output) == "-":  # the usual spelling of "to the screen"
        if fmt == "docx":
            raise ReportError("Word 文件不能输出到屏幕；请用 -o 文件名.docx")
        output = None
    if fmt is None:
        suffix = output.suffix.lower() if output is not None else ""
        fmt = {".docx": "docx", ".json": "json"}.get(suffix, "md")
    elif output is not None and output.suffix.lower() in (".md", ".docx", ".json") and \
            output.suffix.lower()[1:] != fmt:
        raise ReportError(f"输出文件 {output} 的扩展名与 --format {fmt} 不一致")
    if output is not None:
        if output.is_dir():
            raise ReportError(f"{output} 是目录；-o 请写文件名，例如 {output / (name + '.' + fmt)}")
        if not output.parent.is_dir():
            raise ReportError(f"输出目录 {output.parent} 不存在；请先创建")
        if output.exists() and not output.is_file():
            # the file is written beside and renamed over: never over a device, pipe or socket
            raise ReportError(f"{output} 不是普通文件，不能写入报告；请换一个文件名")
        _check_place(output, ledger)
        if output.exists() and not force:
            raise ReportError(f"{output} 已存在，未生成报告（以免覆盖其中已填写或修改的内容）；"
                              f"请换一个文件名，或加 --force 覆盖")
    chart = None
    if fmt == "docx":
        chart = "chart.png"
    elif fmt == "md" and output is not None:
        chart = f"{output.stem}-图表.png"
    return OutputPlan(fmt, output, chart)


def _check_place(target: Path, ledger: Path | None) -> None:
    from hjp.paths import output_problem

    problem = output_problem(target, ledger) if ledger is not None else None
    if problem is not None:
        raise ReportError(problem)


def check_day(ledger: Ledger, day: date) -> None:
    """A report as of a day before the plan began has nothing to report (1999-01-01 rendered a report
    of an empty town): a usage error naming the plan's start."""
    from hjp.report.render import cn_date

    town = ledger.town
    if town is not None and day < town.plan.start:
        raise ReportError(f"--as-of {day.isoformat()} 早于方案实施日期 {cn_date(town.plan.start)}，这一天还没有可报告的内容；"
                          f"请写方案实施之后的日期，例如 --as-of {min(town.plan.end, max(town.plan.start, day)).isoformat()}")


def default_target(ledger: Ledger, name: str, plan: OutputPlan, *, as_of: date, phase: str | None,
                   force: bool = False) -> tuple[Path | None, Path | None]:
    """-o, else for Word a Chinese name in the current directory (自查总结报告-2026-12-15.docx).

    When that name is taken (the clerk may have filled it in since), the next free one,
    自查总结报告-2026-12-15（2）.docx, unless ``force``: the clerk did not name a file, so hjp
    never overwrites one it did not ask about. (Full-width brackets: ASCII ones are special in
    the shells the clerk would type the name into.) Returns (the target, the existing file left alone).
    """
    if plan.target is not None or plan.fmt != "docx":
        return plan.target, None
    spec = REPORTS.get(name) or _custom(name)
    stem = spec.file_name(Request(as_of, phase=find_phase(ledger, phase) if spec.needs_phase else None))
    target = Path(stem + ".docx")
    _check_place(target, ledger.root)
    first, n = target, 1
    while not force and (target.exists() or target.is_symlink()):
        n += 1
        target = Path(f"{stem}（{n}）.docx")
    return target, (first if target != first else None)


def ledger_check(ledger: Ledger, *, as_of: date, allow_errors: bool) -> viewmodel.LeftOut:
    """Validate the ledger as of the report's date; refuse (``LedgerHasErrors``) when it has errors.

    With ``allow_errors``: what the report leaves out, for the notice on its first page — the
    records that failed to load, counted per file as the IDs written in it less the records read
    (a file that could not be read at all loses every record in it, and is named), and the records
    gone since the last commit (HJP221).
    """
    from hjp.diagnostics import Severity
    from hjp.history import changed_since_head
    from hjp.rules import RuleContext, validate

    # records gone since the last commit (an emptied file) are an error here too: the report
    # would count a whole village less without a word
    diags = validate(ledger, RuleContext(as_of=as_of, is_today=False, committed=changed_since_head))
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if not errors:
        return viewmodel.LeftOut()
    if not allow_errors:
        raise LedgerHasErrors(errors)
    return left_out(ledger, errors)


def _label(ledger: Ledger, display: str) -> str:
    """北峁村隐患台账, 镇级任务台账: a record file as the clerk names it."""
    from hjp.kinds import BY_STEM, RECORD_FILE

    mm = RECORD_FILE.search(display.replace("\\", "/"))
    if mm is None:
        return display
    kind = BY_STEM[mm.group("town") or mm.group("village")].name
    village = ledger.villages.get(display.replace("\\", "/").split("/")[-2]) if mm.group("village") else None
    return f"{village.name if village is not None else '镇级'}{kind}台账"


def left_out(ledger: Ledger, errors: list[Diagnostic]) -> viewmodel.LeftOut:
    """What errors leave out of a report (see ``ledger_check``)."""
    from hjp.rules.files import ids_in, unreadable

    loaded = {id(d) for d in ledger.diagnostics}
    bad: dict[str, set[Any]] = {}
    for d in errors:
        if id(d) in loaded:
            bad.setdefault(d.path, set()).add(d.record or d.line)
    records, files, uncounted = 0, [], False
    for path, result in ledger.results.items():
        display = ledger.display(path)
        if display not in bad:
            continue
        try:
            written = len(ids_in(path.read_bytes().decode("utf-8", "replace")))
        except OSError:
            written = 0
        if unreadable(result):
            files.append(viewmodel.UnreadFile(display, _label(ledger, display), written or None))
            uncounted = uncounted or not written
            records += written
        else:
            records += max(written - len(result.records), len(bad[display]))
    for d in errors:  # records gone since the last commit: the rule counted them
        if d.code == "HJP221":
            count = dict(d.args).get("count")
            records += count if isinstance(count, int) else 0
            if d.key == "HJP221.emptied":
                files.append(viewmodel.UnreadFile(d.path, _label(ledger, d.path), count, emptied=True))
    if not records and not files:  # errors of the rules only: the records are counted, but flawed
        records = len(errors)
    return viewmodel.LeftOut(records, tuple(sorted(files, key=lambda f: f.path)), uncounted)


# --------------------------------------------------------------------------- producing


@dataclass
class Produced:
    markdown: str
    title: str
    landscape: bool
    view_model: Any = None
    chart_png: bytes | None = None
    notices: list[str] = field(default_factory=list)
    pending: "PendingChart | None" = None
    rerender: Callable[[], str] | None = None
    names: list[str] = field(default_factory=list)  # proper names a title may break around

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
    if isinstance(vm, dict):
        return dict(vm)
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


def spec_for(ledger: Ledger, name: str, *, phase: str | None, village: str | None) -> ReportSpec:
    """The report asked for, after the usage checks (ReportError)."""
    if ledger.town is None:
        raise ReportError("town.yaml 有错误，无法生成报告；请先运行 hjp validate 并按提示修正")
    if name not in REPORTS and render.template_source(name, user_templates_dir(ledger)) is None:
        names = "、".join(n for n, _, _ in available(ledger))
        raise ReportError(f"没有名为 {name} 的报告；可用的报告：{names}（hjp report --list 查看说明）")
    if village is not None and village not in ledger.villages:
        names = "、".join(ledger.villages) or "（台账中还没有村）"
        raise ReportError(f"台账中没有村 {village}；可选：{names}")
    spec = REPORTS.get(name) or _custom(name)
    if phase is not None and not spec.needs_phase:
        raise ReportError(f"--phase 只用于 phase 报告，{name} 报告不按阶段划分")
    return spec


def view_model(ledger: Ledger, name: str, *, as_of: date, phase: str | None = None, village: str | None = None,
               left_out: int | viewmodel.LeftOut = 0) -> Any:
    """The view-model every figure of report ``name`` comes from (what --format json prints)."""
    spec = spec_for(ledger, name, phase=phase, village=village)
    lost = _left_out(left_out)
    rq = Request(as_of, find_phase(ledger, phase) if spec.needs_phase else None, village, lost.records)
    with collector_paused():
        return _noting(spec.build(ledger, rq), lost)


def _left_out(left_out: int | viewmodel.LeftOut) -> viewmodel.LeftOut:
    return left_out if isinstance(left_out, viewmodel.LeftOut) else viewmodel.LeftOut(left_out)


def _noting(vm: Any, lost: viewmodel.LeftOut) -> Any:
    """The files left out whole, on the view-model(s) whose first page says what is missing."""
    for one in (vm.values() if isinstance(vm, dict) else [vm]):
        if hasattr(one, "unread_files"):
            one.unread_files = list(lost.files)
            one.left_out_uncounted = lost.uncounted
    return vm


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while, as it was afterwards (what ``load_ledger`` does).

    Making a report allocates hundreds of thousands of objects that are freed by reference counting
    (view-model rows, Markdown tokens, XML strings); with the collector on, each generation-2 pass
    traverses all of them again: half of the time of parsing a 10,000-hazard register's Markdown.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def produce(ledger: Ledger, name: str, *, as_of: date, phase: str | None = None, village: str | None = None,
            chart_name: str | None = None, progress: Progress | None = None,
            background: PendingChart | None = None, left_out: int | viewmodel.LeftOut = 0) -> Produced:
    """Render report ``name``; with ``chart_name`` the chart is drawn and linked under that name.

    ``background`` is a chart process already started (the CLI's choice): the chart is drawn there, in
    parallel with the rest; it is cancelled when the report has no chart, or on any error.
    """
    try:
        with collector_paused():
            produced = _produce(ledger, name, as_of=as_of, phase=phase, village=village, chart_name=chart_name,
                                progress=progress, background=background, left_out=left_out)
    except BaseException:
        if background is not None:
            background.cancel()
        raise
    if background is not None and produced.pending is None:
        background.cancel()
    return produced


def _produce(ledger: Ledger, name: str, *, as_of: date, phase: str | None, village: str | None,
             chart_name: str | None, progress: Progress | None, background: PendingChart | None,
             left_out: int | viewmodel.LeftOut) -> Produced:
    spec = spec_for(ledger, name, phase=phase, village=village)
    say = progress or (lambda _msg: None)
    say("正在计算统计数据")
    early = None
    if background is not None and chart_name is not None and spec.chart:
        early = partial(_send_early, background)
    lost = _left_out(left_out)
    rq = Request(as_of, find_phase(ledger, phase) if spec.needs_phase else None, village, lost.records, early)
    vm = _noting(spec.build(ledger, rq), lost)
    months = _months(vm) if spec.chart else []
    produced = Produced("", spec.title, spec.landscape, view_model=vm,
                        names=[ledger.town.name, *(v.name for v in ledger.villages.values()),  # type: ignore[union-attr]
                               *(ph.name for ph in ledger.town.phases)])  # type: ignore[union-attr]
    chart = None
    pending = None
    if chart_name is not None and _worth_drawing(months):
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
    context = _context(vm)
    context["chart"] = chart
    extra = user_templates_dir(ledger)
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
    return chart.render_png(months, font=font)


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
                                 as_of=as_of, landscape=produced.landscape, images=Images(), progress=progress,
                                 names=produced.names)

    with collector_paused():
        markdown = produced.markdown
        doc = build()
        if produced.markdown != markdown:  # the chart failed: build again without its figure and caption
            doc = build()
        if progress is not None:
            progress("正在保存 Word 文件")
        docx_writer.save_atomic(doc, path)


def write_markdown(produced: Produced, target: Path, chart_name: str | None) -> Path | None:
    """The Markdown file, and its chart beside it (written first); the chart's path, if any."""
    from hjp.diagnostics import os_reason

    produced.finish()
    chart = None
    if produced.chart_png is not None and chart_name is not None:
        chart = target.parent / chart_name
        try:
            write_atomic(chart, produced.chart_png)
        except OSError as exc:
            raise ReportError(f"无法写入图表 {chart}（{os_reason(exc)}），报告未写出") from None
    write_atomic(target, produced.markdown.encode("utf-8"))
    return chart


def _first_heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip().replace("\\", "").replace("<br>", "")
    return None
