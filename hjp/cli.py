"""Command-line interface: options → one ``hjp.api`` call → reporter → exit code.

Each command parses its options, calls one function of ``hjp.api``, renders the result with a
reporter of ``hjp.output`` and leaves through the application object ``APP`` (``hjp.app``), which
owns every message to the clerk and the exit code; ``with APP.guard():`` turns the library's
refusals into them. Only this module imports typer. Heavy modules (pydantic, yaml, jinja2, docx,
rich.table) are imported inside the command that needs them so that ``hjp --help`` stays fast.
Exit codes (DESIGN §5): 0 clean, 1 findings, 2 usage error or unreadable input.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import typer

from hjp import __version__
from hjp.app import APP
from hjp.kinds import KINDS
from hjp.status import FAIL_ON, ItemKind

if TYPE_CHECKING:
    from datetime import date, datetime

    from hjp.api import Outcome
    from hjp.load import Ledger
    from hjp.report.viewmodel import LeftOut
    from hjp.report.chart import PendingChart
    from hjp.report.reports import OutputPlan
    from hjp.sheetimport import ImportResult

T = TypeVar("T")

app = typer.Typer(
    name="hjp",
    help="何家畔镇安全生产台账工具：隐患、任务、演练台账的检查、逾期提醒和报告。",
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# hjp new's nouns (from the registry of record kinds), with a village too
ITEM_KINDS_HELP = "、".join(f"{k.value} {k.label}" for k in ItemKind)  # hazard 隐患、task 任务 …
NOUNS_HELP = "、".join([*(f"{k.noun}（{k.label}）" for k in KINDS), "village（行政村）"])
LEDGER_HELP = "台账目录（默认取环境变量 HJP_LEDGER，否则 ./ledgers）"
VILLAGE_HELP = "只看一个村：村目录名或村名，例如 hejiapan 或 何家畔村"
AS_OF_HELP = "按哪一天计算，格式 YYYY-MM-DD（默认今天，北京时间）"


class DiagFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def fail(message: str, code: int = 2) -> SystemExit:
    """Print a Chinese error to stderr and return the Exit to raise (``APP.fail``)."""
    return APP.fail(message, code)


def _no_cache() -> bool:
    return bool(os.environ.get("HJP_NO_CACHE"))


def _ledger_dir(path: Path) -> Path:
    """``path`` once it names a ledger directory; a usage error naming the fix otherwise."""
    problem = ledger_problem(path)
    if problem is not None:
        APP.error(problem)
    return path


def ledger_option() -> Path:
    return typer.Option(Path("ledgers"), "--ledger", envvar="HJP_LEDGER", help=LEDGER_HELP, show_default=False)


def parse_as_of(value: Optional[str], option: str = "--as-of") -> "date | None":
    """The date given to ``option`` (None when not given); a usage error when it is not YYYY-MM-DD."""
    if value is None:
        return None
    from hjp.clock import EARLIEST, LATEST, iso_date

    try:
        day = iso_date(value)
    except ValueError:
        raise fail(f"{option} 的日期 {value} 无效；请写成 YYYY-MM-DD，例如 2026-12-15") from None
    if not EARLIEST <= day <= LATEST:
        raise fail(f"{option} 的日期 {value} 不合理（须在 {EARLIEST.year} 年至 {LATEST.year} 年之间）；请核对年份")
    return day


def ledger_problem(path: Path) -> "str | None":
    """Why ``path`` (from --ledger or HJP_LEDGER) is no ledger directory, with the fix; None if it is one."""
    from typer._click.core import ParameterSource
    from typer._click.globals import get_current_context

    from hjp.paths import ledger_dir_problem

    ctx = get_current_context(silent=True)
    from_env = ctx is not None and ctx.get_parameter_source("ledger") is ParameterSource.ENVIRONMENT
    return ledger_dir_problem(path, str(path), from_env=from_env)


def open_ledger(path: Path, *, cache: bool = True) -> "Ledger":
    from hjp import api

    with APP.guard():
        return api.open_ledger(_ledger_dir(path), cache=cache and not _no_cache(), freeze=True)


def resolve_village(ledger: "Ledger", given: Optional[str]) -> Optional[str]:
    """--village (a village's directory name or its Chinese name) as its slug; None stays None."""
    if given is None:
        return None
    from hjp.villages import resolve

    with APP.guard():
        return resolve(ledger.villages, given)


def ledger_tz(ledger: "Ledger") -> str:
    """The time zone the ledger's "today" is reckoned in (``Ledger.timezone``)."""
    return ledger.timezone


def ledger_today(ledger: "Ledger") -> "date":
    from hjp.clock import today

    return today(ledger.timezone)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"hjp {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号并退出"),
) -> None:
    """何家畔镇安全生产台账工具：隐患、任务、演练台账的检查、逾期提醒和报告。"""


@app.command()
def validate(
    ledger: Path = ledger_option(),
    fmt: DiagFormat = typer.Option(DiagFormat.text, "--format", help="输出格式：text、json 或 github"),
) -> None:
    """检查台账的每个文件，一次列出全部问题（文件:行:列: 级别 代码: 说明）。

    有错误时退出码为 1；只有警告时为 0。

    示例：hjp validate --ledger ledgers
    """
    from hjp import api
    from hjp.clock import today
    from hjp.diagnostics import has_errors
    from hjp.output import DIAGNOSTIC_REPORTERS, summary_line

    with APP.guard():
        result = api.validate(_ledger_dir(ledger), clock=today, cache=not _no_cache(), freeze=True)
    DIAGNOSTIC_REPORTERS[fmt.value](result.diagnostics, sys.stdout)
    if fmt is DiagFormat.text:
        APP.line(summary_line(result.diagnostics, result.files, result.records))
    APP.exit(1 if has_errors(result.diagnostics) else 0)


@app.command()
def schemas(
    check: bool = typer.Option(False, "--check", help="只检查 schemas/ 是否过期，不写文件（过期时退出码 1）"),
    out: Optional[Path] = typer.Option(None, "--out", help="输出目录（默认本仓库的 schemas/）"),
) -> None:
    """由数据模型重新生成 schemas/*.schema.json（编辑器据此边输入边检查）。

    示例：hjp schemas --check
    """
    from hjp import schemagen
    from hjp.resources import schemas_dir

    target = out or schemas_dir()
    if check:
        names = schemagen.stale(target)
        for name in names:
            sys.stdout.write(f"{target / name}: 已过期，请运行 hjp schemas 重新生成\n")
        raise typer.Exit(1 if names else 0)
    for name in schemagen.write(target):
        sys.stdout.write(f"已更新 {target / name}\n")


@app.command()
def demo(
    directory: Path = typer.Argument(..., help="要生成的台账目录（须不存在或为空）", show_default=False),
    villages: int = typer.Option(12, "--villages", help="行政村个数（1–200）"),
    hazards: int = typer.Option(600, "--hazards", help="隐患总条数，按村平均分配（每村最多 20000 条）"),
    seed: int = typer.Option(1, "--seed", help="随机种子：同一种子生成的台账完全相同"),
) -> None:
    """生成一套示例台账（合成数据）：村、生产经营单位、各种状态的隐患、演练、任务，可直接试用各命令。

    数据截至 2026-11-30，与今天的日期无关；同一种子每次生成的内容完全相同。

    示例：hjp demo 示例台账
    """
    from functools import partial

    from hjp.demo import DemoError, generate

    here = Path(os.path.abspath(directory))
    real = next((p for p in here.parents if (p / "town.yaml").is_file()), None)
    if real is not None:  # synthetic records next to real ones, one `git add -A` from the history
        raise fail(f"{directory} 在台账 {_shown_path(real)} 里面；示例台账请生成在台账之外，例如 hjp demo 示例台账")
    progress = None
    bar = None
    if sys.stdout.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        progress = partial(bar.advance, bar.add_task("正在生成隐患", total=max(hazards, 1)))
        bar.start()
    try:
        stats = generate(directory, villages=villages, hazards=hazards, seed=seed, progress=progress)
    except DemoError as exc:
        raise fail(str(exc)) from None
    finally:
        if bar is not None:
            bar.stop()
    sys.stdout.write(f"已生成示例台账 {directory}：{stats.villages} 个村、{stats.units} 个生产经营单位、"
                     f"{stats.hazards} 条隐患、{stats.drills} 次演练、{stats.tasks} 项任务、{stats.inspections} 次检查、"
                     f"{stats.trainings} 次培训（种子 {seed}）。\n")
    if stats.key is not None:
        key = _shown_path(stats.key)
        sys.stdout.write(f"{stats.sealed} 条举报隐患的举报人（合成）已密封；演示密钥（一次性，仅供试用）在台账旁边：{key}\n")
    sys.stdout.write(f"试试：hjp overdue --ledger {directory} --as-of 2026-11-30\n")
    if stats.key is not None and stats.first_sealed:
        sys.stdout.write(f"      hjp reporter show {stats.first_sealed} --ledger {directory} --identity {key} --reason 试用\n")


def _shown_path(path: Path) -> str:
    """``path`` relative to the current directory when it is below it, else as given."""
    from hjp.paths import display_path

    return display_path(path, path.parent, str(path.parent))


class ReportFormat(str, Enum):
    md = "md"
    docx = "docx"
    json = "json"


@app.command()
def report(
    name: Optional[str] = typer.Argument(None, help="报告名称：self-check、phase、hazards、overdue 或本仓库模板名",
                                         show_default=False),
    ledger: Path = ledger_option(),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP, show_default=False),
    fmt: Optional[ReportFormat] = typer.Option(None, "--format", show_default=False,
                                               help="md（Markdown）、docx（Word）或 json（报告所用的全部数据）；"
                                                    "默认按 -o 的扩展名，否则 md"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", show_default=False,
                                          help="输出文件（md、json 默认输出到屏幕；docx 默认写到当前目录，"
                                               "如 自查总结报告-2026-12-15.docx）"),
    phase: Optional[str] = typer.Option(None, "--phase", help="phase 报告的阶段名称，例如 集中攻坚阶段",
                                        show_default=False),
    village: Optional[str] = typer.Option(None, "--village", help=VILLAGE_HELP,
                                          show_default=False),
    allow_errors: bool = typer.Option(False, "--allow-errors",
                                      help="台账有错误时仍生成报告（首页注明未计入的记录数）；默认拒绝生成"),
    force: bool = typer.Option(False, "--force", help="-o 指定的文件已存在时覆盖（默认不覆盖：其中可能有已填写的内容）；"
                                                      "不加 -o 的 Word 报告遇到同名文件时另存为 …（2）.docx"),
    list_: bool = typer.Option(False, "--list", help="列出可用的报告并退出"),
) -> None:
    """由台账生成报告（Markdown、Word 或 JSON）：自查总结报告、阶段总结、隐患台账、逾期督办清单。

    Word 文件按 GB/T 9704-2012 排版（A4、仿宋三号、页码“— 1 —”，明细列为附件）。台账有错误时不生成
    （退出码 1），除非加 --allow-errors。本仓库 templates/NAME.md.j2 可覆盖内置模板。

    示例：hjp report self-check --as-of 2026-12-15 --format docx -o 自查总结报告.docx
    """
    from hjp.report import reports as rp

    if list_:
        led = open_ledger(ledger) if ledger.is_dir() else None
        for rname, title, where in rp.available(led):
            sys.stdout.write(f"{rname:<12} {title}（{where}）\n")
        raise typer.Exit(0)
    if not name:
        raise fail("请指定报告名称，例如 hjp report self-check；hjp report --list 列出可用的报告")
    day = parse_as_of(as_of)
    try:
        plan = rp.plan_output(name, fmt.value if fmt else None, output, ledger=ledger, force=force)
    except rp.ReportError as exc:
        raise fail(str(exc)) from None
    from hjp.report.chart import PendingChart  # light: the heavy imports come after it has started

    # The chart process starts now, importing matplotlib while we read the ledger.
    pending = PendingChart() if plan.chart_name is not None else None
    try:
        led = open_ledger(ledger)
        village = resolve_village(led, village)
        day = day or ledger_today(led)
        left_out = rp.ledger_check(led, as_of=day, allow_errors=allow_errors)
    except BaseException as exc:
        if pending is not None:
            pending.cancel()
        if isinstance(exc, rp.LedgerHasErrors):
            _refuse_report(exc)
        raise
    _write_report(led, name, plan, day=day, phase=phase, village=village, left_out=left_out, pending=pending,
                  force=force)


def _refuse_report(exc: "Exception") -> None:
    from hjp.output import diagnostics_text

    diags = getattr(exc, "diagnostics")
    diagnostics_text(diags, sys.stderr)
    sys.stderr.write(f"hjp: 台账有 {len(diags)} 个错误，报告未生成：出错的记录不会计入报告，数字将不完整。"
                     "请按上面的提示改正（hjp validate 可单独检查），或加 --allow-errors 生成注明不完整的报告\n")
    raise typer.Exit(1)


def _write_report(led: "Ledger", name: str, plan: "OutputPlan", *, day: "date", phase: Optional[str],
                  village: Optional[str], left_out: "LeftOut", pending: "PendingChart | None", force: bool = False) -> None:
    """Produce the report and write it where ``plan`` says, with progress on a terminal."""
    from hjp.diagnostics import os_reason
    from hjp.report import reports as rp

    status = None
    say = None
    if sys.stderr.isatty():
        from rich.console import Console

        status = Console(stderr=True, markup=False, highlight=False).status("正在读取台账")
        status.start()
        say = status.update
    target = kept = None
    try:
        rp.check_day(led, day)
        target, kept = rp.default_target(led, name, plan, as_of=day, phase=phase, force=force)
        if plan.fmt == "json":
            _report_json(led, name, target, day=day, phase=phase, village=village, left_out=left_out)
            return
        produced = rp.produce(led, name, as_of=day, phase=phase, village=village, chart_name=plan.chart_name,
                              progress=say, background=pending, left_out=left_out)
        chart = None
        if plan.fmt == "docx":
            assert target is not None
            rp.write_docx(produced, target, as_of=day, chart_name=plan.chart_name, progress=say)
        elif target is not None:
            chart = rp.write_markdown(produced, target, plan.chart_name)
        else:
            from hjp.console import write_document

            lost = write_document(sys.stdout, produced.markdown)
            if lost:
                produced.notices.append(f"有 {lost} 个字符无法用当前控制台的编码（{sys.stdout.encoding}）显示，"
                                        "已显示为 ?；要保存报告请用 -o 文件名（UTF-8，不丢字）")
    except rp.ReportError as exc:
        if pending is not None:  # refused before the chart was taken (the default name's place)
            pending.cancel()
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"无法写入 {target}（{os_reason(exc)}）") from None
    finally:
        if status is not None:
            status.stop()
    for notice in produced.notices:
        sys.stderr.write(f"hjp: 提示：{notice}\n")
    if kept is not None:
        sys.stderr.write(f"hjp: 提示：{kept} 已存在，未覆盖（其中可能有已填写的内容）；本次另存为 {target}\n")
    if target is not None:
        sys.stderr.write(f"已生成 {target}{f'，图表 {chart}' if chart else ''}\n")


def _report_json(led: "Ledger", name: str, target: "Path | None", *, day: "date", phase: Optional[str],
                 village: Optional[str], left_out: "LeftOut") -> None:
    import io

    from hjp.report import jsonview, reports as rp

    vm = rp.view_model(led, name, as_of=day, phase=phase, village=village, left_out=left_out)
    if target is None:
        jsonview.dump(vm, sys.stdout, name=name)
        return
    buf = io.StringIO()
    jsonview.dump(vm, buf, name=name)
    rp.write_atomic(target, buf.getvalue().encode("utf-8"))
    sys.stderr.write(f"已生成 {target}\n")


# --- Changing the ledger (issue 5): new, rectify, close, done, held, void -----------------------

COMMIT_HELP = "改完后用 git 提交这一处修改（只提交这个文件，附标准说明）"
ON_HELP = "日期 YYYY-MM-DD（默认今天，北京时间）"


def _interactive() -> bool:
    return sys.stdin.isatty()


def _changed(run: "Callable[..., Outcome]", ledger: Path, *args: object, on: Optional[str] = None,
             commit: bool = False, **kw: object) -> None:
    """Run one change of ``hjp.api`` on the ledger, print what was written; exit 1/2 on a refusal."""
    from hjp.clock import today
    from hjp.transaction import wait_from_env

    day = parse_as_of(on, "--on")
    with APP.guard():
        out = run(_ledger_dir(ledger), *args, **kw, **({"on": day} if on is not None else {}), clock=today,
                  commit=commit, notify=APP.wait, wait=wait_from_env(), cache=not _no_cache())
    APP.diagnostics(out.warnings)
    for notice in out.notices:
        APP.notice(notice)
    _print_written(out)
    if out.commit is not None:
        APP.line(f"已提交 {out.commit[0][:7]} {out.commit[1]}")


def _print_written(out: "Outcome") -> None:
    """A new record whole; of a changed one only its changed fields (字段: 旧值 → 新值), never
    again the whole record with the plan's text."""
    from hjp.kinds import BY_NOUN
    from hjp.lookup import field_label
    from hjp.output import changed_text

    edited = {n: (rid, noun, fields) for n, rid, noun, fields in out.edited}
    seen = set()
    for n, (display, line, text) in enumerate(out.written):
        if n not in edited:
            APP.line(f"已写入 {display}:{line}\n{text}")
            continue
        rid, noun, fields = edited[n]
        if rid in seen:  # two changes of one record in one transaction: its fields are shown once
            continue
        seen.add(rid)
        kind = BY_NOUN.get(noun)
        changed_text(rid, display, line, fields, (lambda key: field_label(kind, key)) if kind else str, sys.stdout)


def _planned(make: "Callable[[], T]") -> "T":
    with APP.guard():
        return make()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def new(
    ctx: typer.Context,
    # A space after each 、: the help formatter wraps only at spaces and cut "training" in two otherwise.
    kind: str = typer.Argument(..., help=f"记录类型：{NOUNS_HELP.replace('、', '、 ')}", show_default=False),
    village: Optional[str] = typer.Option(None, "--village", help="所属村（村目录名或村名，例如 hejiapan 或 何家畔村）；镇级任务不写", show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """新增一条记录：自动编号，追加到对应文件，写入前检查整个台账。

    字段用 --字段 值 给出，例如隐患：--title --sector --level --source --found-on（默认今天）
    --owner --deadline，重大隐患另需 --measures --funds --contingency；任务：--title 加
    --deadline、--milestone 期限:内容、--every 或 --ongoing 之一；演练：--title --kind；
    单位：--name --sector --principal；行政村：hjp new village 村代码 --name 村名。
    在终端中运行时会逐项询问缺少的必填项。

    示例：hjp new hazard --village hejiapan --title 卸油区静电接地装置失效 --sector 危险化学品 --level 一般 --source 自查 --owner 王某 --deadline 2026-12-31
    """
    from hjp import api, cliargs, edit

    if kind not in cliargs.FIELDS:
        raise fail(f"不认识的记录类型 {kind}；可选：{NOUNS_HELP}")
    args = list(ctx.args)
    slug = args.pop(0) if kind == "village" and args and not args[0].startswith("-") else None
    # Asking comes first, without the lock (a clerk at a prompt must not hold up colleagues):
    # the ledger read here only supplies the vocabularies; the write re-reads it under the lock.
    led = open_ledger(ledger)
    village = _planned(lambda: edit.check_target(led, kind, village))
    values = _planned(lambda: cliargs.field_values(kind, args, led))
    lacking = cliargs.missing(kind, values)
    if lacking and not _interactive():
        names = "、".join(cliargs.describe(s, led) for s in lacking)
        raise fail(f"缺少必填项：{names}；请补上这些选项（在终端中运行会逐项询问）")
    asked: set[str] = set()
    while lacking and (spec := cliargs.next_question(kind, values, asked)) is not None:
        asked.add(spec.option)
        _ask(spec, values, led, village, required=spec in cliargs.missing(kind, values))
    if kind == "hazard":
        _near_duplicates(led, village, values)
    if kind == "village":
        if slug is None:
            raise fail("请写出村代码，例如 hjp new village hejiapan --name 何家畔村")
        _changed(api.new_village, ledger, slug, values, commit=commit)
    else:
        secret = _reporter(led, values) if kind == "hazard" else None
        _changed(api.new, ledger, kind, values, village=village, reporter=secret, commit=commit)
        if secret is not None:
            _sealed_to(led.root)


def _sealed_to(root: Path) -> None:
    """Who can open what was just sealed: recipients.txt's names, each with its key shortened. The
    names are free text and anyone who can commit can add a key (HJP512): the clerk who sees a
    stranger here tells the custodians before more is sealed."""
    from hjp.sealed import SealError, read_recipients

    try:
        keys = read_recipients(root, _display(root))
    except SealError:
        return
    names = "、".join(f"{r.name or '（未注明）'}（{r.key[:12]}…{r.key[-6:]}）" for r in keys)
    APP.line(f"举报人已密封，能打开它的保管人：{names}；名单不对的，请立即告诉保管人")


def _ask(spec: "Any", values: dict, led: "Ledger", village: Optional[str], *, required: bool) -> None:
    """Ask for one field on the terminal until the answer reads; an optional one may be left empty."""
    from hjp import cliargs, edit

    units = cliargs.village_units(led, village) if spec.option == "unit" else []
    if spec.option == "unit" and not units:
        return  # nothing to choose from: the hazard belongs to no unit
    text = cliargs.prompt_label(spec, led)
    default: Any = None if required else ""
    if units:
        listing = "；".join(f"{n}. {uid} {name}" for n, (uid, name) in enumerate(units, 1))
        text = f"{text}：{listing}（填序号、编号或名称，没有所属单位直接回车）"
    elif spec.type == "date":
        text = f"{text}（格式 YYYY-MM-DD）"
        if spec.default_today:
            from hjp.clock import today

            default = today(led.timezone).isoformat()
    elif not required:
        text = f"{text}（可不填，直接回车）"
    while True:
        answer = typer.prompt(text, default=default, show_default=bool(default), prompt_suffix="：")
        if not answer.strip() and not required:
            return
        try:
            values[spec.option] = cliargs.unit_answer(answer, units) if units else cliargs.convert(spec, [answer], led)
            return
        except edit.EditError as exc:  # said of the field as it was asked, not of an option never typed
            sys.stderr.write(f"hjp: {exc.message.replace(f'--{spec.option} ', spec.label)}；请重新输入\n")


def _near_duplicates(led: "Ledger", village: Optional[str], values: dict) -> None:
    """A hazard like one already there (same unit, same day, similar title) is said before it is
    written: on a terminal the clerk confirms, otherwise a warning and it is written all the same."""
    from hjp.clock import today
    from hjp.lookup import near_duplicates

    if village is None or "title" not in values:
        return
    found_on = values.get("found-on") or today(led.timezone)
    same = near_duplicates(led, village, title=values["title"], unit=values.get("unit"), found_on=found_on)
    if not same:
        return
    names = "、".join(f"{h.id}「{h.title}」" for h in same)
    APP.say(f"hjp: 警告：本村 {found_on} 已登记相似的隐患（同一单位、同一天、名称相近）：{names}；请确认不是重复录入")
    if _interactive() and not typer.confirm("仍要新增这条隐患吗？", default=False, err=True):
        APP.error("未写入任何内容", 1)


def _reporter(led: "Ledger", values: dict) -> "tuple[str, list] | None":
    """The 举报人 of a new hazard, to be sealed (never written into the ledger): from --reporter
    (``-`` reads standard input), else asked without echo in a terminal when the source is 举报.
    ``values['reporter']`` becomes the marker 已密封. None for no reporter (anonymous)."""
    from hjp import sealed

    given = values.pop("reporter", None)
    if given == "-":
        given = sys.stdin.read()
    elif given is not None:
        sys.stderr.write("hjp: 提示：命令行中的举报人会留在终端的历史记录里；以后可以不写 --reporter，"
                         "按提示输入（不显示），或用 --reporter - 从标准输入读入\n")
    ask = given is None and values.get("source") == "举报" and _interactive()
    if given is None and not ask:
        if values.get("source") == "举报":  # a script that forgot --reporter - loses the identity silently
            sys.stderr.write("hjp: 提示：没有输入举报人，按匿名举报登记；要密封保存举报人，请加 --reporter -"
                             "（从标准输入读入）或在终端中按提示输入\n")
        return None
    if values.get("source") != "举报":
        raise fail("只有来源为 举报 的隐患才写举报人；请去掉 --reporter，或写 --source 举报")
    try:
        # before the question: nobody types an identity only to be told it cannot be sealed
        recipients = sealed.read_recipients(led.root, led.display)
        if ask:
            given = typer.prompt("举报人（姓名、电话等，保密：输入时不显示；匿名举报直接回车）", default="",
                                 hide_input=True, show_default=False) or None
            if given is None:
                return None
        assert given is not None
        text = sealed.clean_identity_text(given)
    except sealed.SealError as exc:
        raise fail(exc.message, exc.code) from None
    values["reporter"] = sealed.MARKER
    return text, recipients


@app.command()
def rectify(
    hazard: str = typer.Argument(..., help="隐患编号，例如 YH-2024-0001", show_default=False),
    on: Optional[str] = typer.Option(None, "--on", help=ON_HELP, show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """登记隐患整改完成（写入 rectified_on）。

    示例：hjp rectify YH-2024-0001 --on 2024-06-20 --commit
    """
    from hjp import api

    _changed(api.rectify, ledger, hazard, on=on, commit=commit)


@app.command()
def close(
    hazard: str = typer.Argument(..., help="隐患编号，例如 YH-2024-0001", show_default=False),
    on: Optional[str] = typer.Option(None, "--on", help=ON_HELP, show_default=False),
    by: Optional[str] = typer.Option(None, "--by", help="验收人姓名（必填）", show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """隐患验收销号（写入 verified_by 和 closed_on）；须先整改完成，日期不能早于整改完成日期。

    示例：hjp close YH-2024-0001 --on 2024-06-25 --by 赵某 --commit
    """
    from hjp import api

    _changed(api.close, ledger, hazard, on=on, by=by, commit=commit)


@app.command()
def done(
    task: str = typer.Argument(..., help="任务编号，例如 RW-14", show_default=False),
    on: Optional[str] = typer.Option(None, "--on", help=ON_HELP, show_default=False),
    milestone: Optional[int] = typer.Option(None, "--milestone", help="完成的是第几个阶段目标（从 1 数）",
                                            show_default=False),
    note: Optional[str] = typer.Option(None, "--note", help="落实或进展情况（长期坚持的任务必填）", show_default=False),
    evidence: list[str] = typer.Option([], "--evidence", help="佐证材料路径（相对仓库根目录，可重复）",
                                       show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """登记任务落实：一次性任务写 done_on；阶段目标写该目标的 done_on；周期性任务追加一次落实记录；
    长期坚持的任务追加一条进展。

    示例：hjp done RW-14 --milestone 1 --on 2024-12-20 --evidence evidence/RW-14/总结.pdf
    """
    from hjp import api

    _changed(api.done, ledger, task, on=on, milestone=milestone, note=note, evidence=evidence, commit=commit)


@app.command()
def note(
    task: str = typer.Argument(..., help="任务编号，例如 RW-14", show_default=False),
    text: str = typer.Argument(..., help="进展情况，例如 召开专题会议部署排查", show_default=False),
    on: Optional[str] = typer.Option(None, "--on", help=ON_HELP, show_default=False),
    evidence: list[str] = typer.Option([], "--evidence", help="佐证材料路径（相对仓库根目录，可重复）",
                                       show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """给任务记一条进展（progress），任何任务都可以，一次性任务也可以；不算完成（完成用 hjp done）。

    示例：hjp note RW-14 --on 2024-12-10 召开专题会议部署排查 --evidence evidence/RW-14/会议纪要.pdf
    """
    from hjp import api

    _changed(api.note, ledger, task, text=text, on=on, evidence=evidence, commit=commit)


@app.command()
def held(
    drill: str = typer.Argument(..., help="演练编号，例如 YL-2025-0001", show_default=False),
    on: Optional[str] = typer.Option(None, "--on", help=ON_HELP, show_default=False),
    participants: Optional[int] = typer.Option(None, "--participants", help="参演人数（必填）", show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """登记演练已实施（写入 held_on 和 participants）。

    示例：hjp held YL-2025-0001 --on 2025-06-15 --participants 32
    """
    from hjp import api

    _changed(api.held, ledger, drill, on=on, participants=participants, commit=commit)


@app.command()
def void(
    record: str = typer.Argument(..., help="记录编号，例如 YH-2024-0001", show_default=False),
    reason: Optional[str] = typer.Option(None, "--reason", help="作废原因（必填），例如 重复录入", show_default=False),
    on: Optional[str] = typer.Option(None, "--on", help=ON_HELP, show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """作废一条录入错误的记录（记录不删除，加上 void: {date, reason}，之后不计入任何统计）。

    示例：hjp void YH-2024-0012 --reason "重复录入，以 YH-2024-0011 为准"
    """
    from hjp import api

    _changed(api.void, ledger, record, on=on, reason=reason, commit=commit)


# --- Lookups (issue 12): show, list ---------------------------------------------------------------


@app.command()
def show(
    record: str = typer.Argument(..., help="记录编号，例如 YH-2024-0001", show_default=False),
    full: bool = typer.Option(False, "--full", help="同时显示任务的方案原文（text）"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP, show_default=False),
    ledger: Path = ledger_option(),
    json_: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """查看一条记录：各字段（中文名称）、状态和期限（与 hjp overdue 一致）、修改历史摘要。

    任务的方案原文较长，加 --full 才显示。举报人一律显示为“已密封”。编号不存在时列出最接近的编号，退出码 1。

    示例：hjp show YH-2024-0001
    """
    from hjp import api
    from hjp.clock import today
    from hjp.output import show_json, show_text

    day = parse_as_of(as_of)
    with APP.guard():
        shown = api.show(_ledger_dir(ledger), record, as_of=day, clock=today, full=full, cache=not _no_cache(),
                         freeze=True)
    (show_json if json_ else show_text)(shown, sys.stdout)


@app.command("list")
def list_(
    kind: str = typer.Argument(..., show_default=False,
                               help="记录类型：" + "、".join(f"{k.stem}（{k.label}）" for k in KINDS) + "，单复数均可"),
    village: Optional[str] = typer.Option(None, "--village", help=VILLAGE_HELP, show_default=False),
    status: Optional[str] = typer.Option(None, "--status", show_default=False,
                                         help="只列某种状态，例如 逾期未整改、已整改待验收、已逾期、长期坚持、已作废"),
    overdue_: bool = typer.Option(False, "--overdue", help="只列有逾期事项的记录（与 hjp overdue 的“逾期”一致）"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP, show_default=False),
    ledger: Path = ledger_option(),
    json_: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """列出一类记录，每条一行：编号、村、名称、日期、状态（输出到文件或管道时也不截断）。

    示例：hjp list hazards --village 何家畔村 --status 逾期未整改
    """
    from hjp import api
    from hjp.clock import today
    from hjp.output import list_json, list_text

    day = parse_as_of(as_of)
    with APP.guard():
        listing = api.list_records(_ledger_dir(ledger), kind, as_of=day, clock=today, village=village, status=status,
                                   overdue=overdue_, cache=not _no_cache(), freeze=True)
    if listing.unreadable:
        APP.notice(f"台账有 {listing.unreadable} 个错误，有错误的记录未列出；请运行 hjp validate 查看")
    (list_json if json_ else list_text)(listing, sys.stdout)


# --- History and audit (issue 5): log, audit ----------------------------------------------------


@app.command()
def log(
    record: str = typer.Argument(..., help="记录编号，例如 YH-2024-0001", show_default=False),
    ledger: Path = ledger_option(),
    json_: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """一条记录的修改历史（来自 git）：每次提交的日期、作者、说明和逐字段的变化（字段: 旧值 → 新值），
    从新建开始；记录在村之间移动时也跟得上。

    示例：hjp log YH-2024-0001
    """
    from hjp.history import ledger_log
    from hjp.output import log_json, log_text

    with APP.guard():
        found = ledger_log(_ledger_dir(ledger), record)
    (log_json if json_ else log_text)(record, found.events, sys.stdout, tz=found.tz)
    APP.exit(0 if found.events else 1)  # text or JSON alike: a record with no history is not found


@app.command()
def audit(
    since: Optional[str] = typer.Option(None, "--since", help="只审计此版本之后的提交，例如 origin/main（默认全部历史）",
                                        show_default=False),
    ledger: Path = ledger_option(),
    fmt: DiagFormat = typer.Option(DiagFormat.text, "--format", help="输出格式：text、json 或 github"),
) -> None:
    """审计 git 历史：记录被删除而非作废、编号被改、完成日期比提交早 7 天以上（倒签）、
    逾期事项被推迟期限或以其他改动消除、销号后又被修改、提交日期顺序颠倒（CI 中还核对提交日期与当天相差是否太远）。

    发现问题时退出码为 1；浅克隆等历史不完整时为 2。

    示例：hjp audit --since origin/main --format github
    """
    from hjp.audit import audit_ledger
    from hjp.clock import in_ci, today
    from hjp.diagnostics import has_errors
    from hjp.output import audit_report

    with APP.guard():
        result = audit_ledger(_ledger_dir(ledger), since=since, clock=today, ci=in_ci())
    audit_report(result, sys.stdout, fmt=fmt.value, display=result.display)
    APP.exit(1 if has_errors([d for _c, d in result.findings]) else 0)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    junit = "junit"


# --fail-on's values are hjp.status.FAIL_ON's names (error, overdue, due-soon)
FailOn = Enum("FailOn", {name.replace("-", "_"): name for name in FAIL_ON}, type=str)  # type: ignore[misc]


@app.command()
def overdue(
    ledger: Path = ledger_option(),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP, show_default=False),
    within: int = typer.Option(7, "--within", help="列出多少天内到期的事项（默认 7）", show_default=False),
    village: Optional[str] = typer.Option(None, "--village", help=VILLAGE_HELP,
                                          show_default=False),
    kind: Optional[list[str]] = typer.Option(None, "--kind", show_default=False,
                                             help=f"只看一类事项，可重复：{ITEM_KINDS_HELP}"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON（供脚本和其他程序使用）"),
) -> None:
    """列出逾期、即将到期、长期未更新和待销号的事项（隐患、任务、演练）。

    台账有错误时先列出错误（退出码 1）；否则只是清单，退出码 0。

    示例：hjp overdue --within 14 --village hejiapan
    """
    from hjp import api
    from hjp.clock import today
    from hjp.output import diagnostics_text, findings_json, findings_table

    day = parse_as_of(as_of)
    kinds = _overdue_kinds(kind)
    with APP.guard():
        result = api.overdue(_ledger_dir(ledger), as_of=day, clock=today, within=within, village=village,
                             kinds=kinds, cache=not _no_cache(), freeze=True)
    if result.findings is None:
        diagnostics_text(result.checked.diagnostics, sys.stderr)
        APP.wait("台账有错误，期限无法可靠计算；请先按上面的提示改正（hjp validate 可单独检查）")
        APP.exit(1)
    if as_json:
        findings_json(result.findings, sys.stdout)
    else:
        names = {slug: v.name for slug, v in result.checked.ledger.villages.items()}
        findings_table(result.findings, sys.stdout, villages=names, within=within, width=_table_width())


def _overdue_kinds(given: Optional[list[str]]) -> "set[str] | None":
    """--kind values (English or Chinese names) as deadline kinds; a usage error for others."""
    from hjp.deadlines import KIND_NAMES
    from hjp.schema_errors import did_you_mean

    if not given:
        return None
    by_name = {v: k for k, v in KIND_NAMES.items()}
    kinds = set()
    for k in given:
        if k not in KIND_NAMES and k not in by_name:
            choices = "、".join(f"{k2}（{v}）" for k2, v in KIND_NAMES.items())
            APP.error(f"--kind 的值 {k} 不认识{did_you_mean(k, list(KIND_NAMES)) or '；'}可选：{choices}")
        kinds.add(by_name.get(k, k))
    return kinds


def _table_width() -> "int | None":
    """Off a terminal: COLUMNS if it is a sensible number, else 160 (no cell is ever cut either way)."""
    if sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    return int(columns) if columns.isdigit() and int(columns) >= 20 else 160


@app.command()
def check(
    ledger: Path = ledger_option(),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP, show_default=False),
    fail_on: FailOn = typer.Option(FailOn.overdue, "--fail-on",
                                   help="何时算不通过（退出码 1）：error 仅台账错误；overdue 另加逾期、长期未更新、"
                                        "待销号；due-soon 另加 7 天内到期"),
    fmt: Optional[CheckFormat] = typer.Option(None, "--format", show_default=False,
                                              help="输出格式：text、json、github（GitHub 注释）或 junit（GitLab、"
                                                   "Jenkins 测试报告）；在 GitHub Actions 中默认 github，否则 text"),
) -> None:
    """一次完成台账检查和期限检查，供 CI 使用（推送、合并请求、每日定时）。

    退出码：0 通过；1 有错误或达到 --fail-on 的期限问题；2 用法错误或台账无法读取。

    示例：hjp check --fail-on overdue --format junit > hjp-report.xml
    """
    from hjp import api
    from hjp.clock import today
    from hjp.output import CHECK_REPORTERS

    if fmt is None:
        fmt = CheckFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.text
    day = parse_as_of(as_of)
    with APP.guard():
        result = api.check(_ledger_dir(ledger), as_of=day, clock=today, fail_on=fail_on.value,
                           cache=not _no_cache(), freeze=True)
    CHECK_REPORTERS[fmt.value](result, sys.stdout)
    APP.exit(1 if result.failed else 0)


# --- The sealed 举报人 store (issue 11): seal init / migrate / rekey, reporter show ----------------

seal_app = typer.Typer(name="seal", help="举报人信息的密封存储：设立保管人、迁移明文、重新加密。",
                       no_args_is_help=True, rich_markup_mode=None, add_completion=False)
reporter_app = typer.Typer(name="reporter", help="举报人信息（保密）：只有保管人用私钥才能查阅，每次查阅都有记录。",
                           no_args_is_help=True, rich_markup_mode=None, add_completion=False)
app.add_typer(seal_app)
app.add_typer(reporter_app)
IDENTITY_HELP = "保管人的私钥文件（默认 ~/.hjp/hjp-custodian-key.txt；必须在仓库之外，权限 600）"


def _sealed_ledger(ledger: Path) -> Path:
    if not (ledger / "town.yaml").is_file():
        raise fail(f"找不到台账目录 {ledger}（或其中没有 town.yaml）；请用 --ledger 指定，或设置环境变量 HJP_LEDGER")
    return ledger


def _display(ledger: Path) -> "Callable[[Path], str]":
    from hjp.paths import display_path

    return lambda p: display_path(p, ledger, str(ledger))


def _now(ledger: Path) -> "datetime":
    """Now, in the ledger's time zone (access.log's times read as the clerk's clock)."""
    from datetime import datetime

    from hjp.clock import ledger_timezone, zone

    return datetime.now(zone(ledger_timezone(ledger)))


def _who(ledger: Path) -> str:
    """Who is acting, as git knows them (user.name <user.email>); the system account otherwise."""
    from hjp.gitio import Git, GitError

    name = email = ""
    try:
        git = Git(ledger.resolve())
        name = git.run("config", "user.name", check=False).strip()
        email = git.run("config", "user.email", check=False).strip()
    except (GitError, OSError):
        pass
    if not name:
        import getpass

        try:
            name = f"{getpass.getuser()}（系统用户；未设置 git config user.name）"
        except Exception:  # no user name in the environment at all
            name = "（未知：未设置 git config user.name）"
    return f"{name} <{email}>" if email else name


def _sealed_commit(ledger: Path, paths: "list[Path]", message: str) -> str:
    """Commit exactly ``paths`` (``_require_clean`` checked them first): ``api.commit_paths``."""
    from hjp import api

    with APP.guard():
        return api.commit_paths(api.require_clean(ledger, [], _display(ledger)), paths, message)


def _require_clean(ledger: Path, paths: "list[Path]") -> None:
    from hjp import api

    with APP.guard():
        api.require_clean(ledger, paths, _display(ledger)).close()


@seal_app.command("init")
def seal_init(
    name: Optional[str] = typer.Option(None, "--name", help="保管人，例如 '王某 应急办'（默认取 git config user.name）",
                                       show_default=False),
    identity: Optional[Path] = typer.Option(None, "--identity", help="私钥写到这个文件（默认 ~/.hjp/hjp-custodian-key.txt）",
                                            show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help="用 git 提交 recipients.txt 的这一处修改"),
) -> None:
    """设立举报人信息的保管人：生成一对密钥，私钥写到仓库之外（权限 600），公钥加进
    ledgers/sealed/recipients.txt。已有私钥文件时沿用它，只登记公钥。

    私钥一旦丢失，加密给它的举报人信息就再也打不开；请按提示备份。

    示例：hjp seal init --name 王某
    """
    from hjp import sealops
    from hjp.sealed import RECIPIENTS, SealError, sealed_dir

    root = _sealed_ledger(ledger)
    shown = _display(root)
    who = name if name is not None else _who(root).split(" <")[0].split("（")[0]
    try:
        plan = sealops.plan_init(root, name=who, identity=identity, now=_now(root), display=shown)
        if plan.listed:
            sys.stdout.write(f"{plan.identity} 的公钥已在 {shown(sealed_dir(root) / RECIPIENTS)} 中，无需再登记。\n")
            raise typer.Exit(0)
        if commit:
            _require_clean(root, [w.path for w in plan.writes])
        sealops.apply_init(plan, root, shown)
    except SealError as exc:
        raise fail(exc.message, exc.code) from None
    rpath = sealed_dir(root) / RECIPIENTS
    out = sys.stdout
    if plan.created:
        out.write(f"已生成保管人私钥：{plan.identity}（权限 600）\n")
    else:
        out.write(f"沿用已有的私钥：{plan.identity}\n")
    out.write(f"已把公钥 {plan.public}（{who}）加入 {shown(rpath)}\n\n"
              "请务必备份私钥文件（见 docs/sealed.md）：\n"
              f"  - 把 {plan.identity} 复制到离线介质（加密U盘或刻盘），封存于保密柜；不要放进任何仓库、网盘或聊天工具。\n"
              "  - 私钥丢失，加密给它的举报人信息就永远打不开（这是设计使然，没有后门）；\n"
              "    所以最好再设一名保管人：在另一人的电脑上运行 hjp seal init，再由现有保管人运行 hjp seal rekey。\n"
              "  - 私钥泄露或保管人离任：删去 recipients.txt 中的公钥，由其他保管人运行 hjp seal rekey。\n")
    if plan.sealed_count:
        out.write(f"注意：已有 {plan.sealed_count} 份举报人信息是在此之前密封的，这把新钥匙还打不开；"
                  f"请现有保管人运行 hjp seal rekey --identity 其私钥文件。\n")
    if commit:
        sha = _sealed_commit(root, [rpath], f"登记举报人信息保管人 {who}\n\n新增保管人: {who}")
        out.write(f"已提交 {sha[:7]}\n")
    else:
        out.write(f"请提交：git add {shown(rpath)} && git commit -m '登记举报人信息保管人'\n")


@reporter_app.command("show")
def reporter_show(
    hazard: str = typer.Argument(..., help="隐患编号，例如 YH-2024-0001", show_default=False),
    identity: Optional[Path] = typer.Option(None, "--identity", help=IDENTITY_HELP, show_default=False),
    reason: Optional[str] = typer.Option(None, "--reason", help="查阅事由（必填，记入查阅记录）", show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help="用 git 提交这条查阅记录（access.log）"),
) -> None:
    """查阅一条举报隐患的举报人信息（解密后显示）。须用保管人的私钥，并写明事由；
    每次查阅都在 ledgers/sealed/access.log 记一行（时间、操作人、编号、所用密钥、事由，不含举报人信息）。

    示例：hjp reporter show YH-2024-0003 --identity ~/.hjp/hjp-custodian-key.txt --reason 核实举报内容
    """
    from hjp import sealops
    from hjp.sealed import ACCESS_LOG, SealError, check_hazard_id, check_reason, default_identity_path, sealed_dir

    root = _sealed_ledger(ledger)
    shown = _display(root)
    try:
        check_hazard_id(hazard)
        check_reason(reason)
        key = Path(os.path.expanduser(identity)) if identity is not None else default_identity_path()
        if identity is None and not key.exists():
            raise SealError(f"请用 --identity 指定保管人的私钥文件（默认位置 {key} 没有私钥）", 2)
        log = sealed_dir(root) / ACCESS_LOG
        from hjp.transaction import locked

        with locked(root, notify=APP.wait):
            got = sealops.show(root, hazard, identity=key, reason=reason or "", who=_who(root), now=_now(root),
                               display=shown)
    except SealError as exc:
        raise fail(exc.message, exc.code) from None
    sys.stdout.write(got.text + "\n")
    sys.stderr.write(f"hjp: 以上为保密的举报人信息，仅供 {reason.strip() if reason else ''} 使用，勿转发、勿截屏；"
                     f"本次查阅已记入 {shown(log)}\n")
    if commit:
        sha = _sealed_commit(root, [log], f"查阅举报人信息 {hazard}")
        sys.stderr.write(f"已提交 {sha[:7]}\n")


@seal_app.command("rekey")
def seal_rekey(
    identity: Optional[Path] = typer.Option(None, "--identity", help=IDENTITY_HELP, show_default=False),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help="用 git 提交重新加密的文件和查阅记录"),
) -> None:
    """按 recipients.txt 中现有的保管人，把全部密封文件重新加密（增删保管人之后运行）。
    须由一名现有保管人用自己的私钥运行；记入 access.log。全部成功才写入，任何一份打不开就不改动。

    示例：hjp seal rekey --identity ~/.hjp/hjp-custodian-key.txt --commit
    """
    from hjp import sealops
    from hjp.sealed import SealError, default_identity_path, repository_of

    root = _sealed_ledger(ledger)
    shown = _display(root)
    key = Path(os.path.expanduser(identity)) if identity is not None else default_identity_path()
    try:
        from hjp.transaction import locked

        with locked(root, notify=APP.wait):
            plan = sealops.plan_rekey(root, identity=key, who=_who(root), now=_now(root), display=shown)
            if not plan.count:
                sys.stdout.write("还没有密封的举报人信息，无需重新加密。\n")
                raise typer.Exit(0)
            paths = [w.path for w in plan.writes]
            if commit:
                _require_clean(root, paths)
            sealops.write_all(plan.writes, repository_of(root), shown)
    except SealError as exc:
        raise fail(exc.message, exc.code) from None
    sys.stdout.write(f"已按 recipients.txt 重新加密 {plan.count} 份举报人信息，并记入查阅记录。\n")
    if plan.dropped_self:
        sys.stdout.write("注意：你所用的私钥已不在 recipients.txt 中，今后打不开这些文件了。\n")
    sys.stdout.write("提醒：git 历史中的旧密文仍可被被移除的保管人的私钥打开；私钥泄露时，还须按 docs/sealed.md 清除历史。\n")
    if commit:
        sha = _sealed_commit(root, paths, f"重新加密举报人信息（{plan.count} 份）")
        sys.stdout.write(f"已提交 {sha[:7]}\n")


@seal_app.command("migrate")
def seal_migrate(
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help="用 git 提交迁移（改动的隐患文件和新的密封文件）"),
) -> None:
    """把台账中每个明文的举报人（reporter）移入密封存储，改为 已密封。只需公钥，不需要私钥。

    旧值仍留在 git 历史中：命令会写出清除历史所需的文件（在仓库之外）和 git filter-repo 命令，
    但不会自己改写历史。

    示例：hjp seal migrate --commit
    """
    from hjp import sealops
    from hjp.sealed import SealError, repository_of
    from hjp.transaction import locked

    root = _sealed_ledger(ledger)
    shown = _display(root)
    led = open_ledger(root)
    now = _now(root)
    try:
        with locked(root, notify=APP.wait):
            plan = sealops.plan_migration(led, display=shown)
            if plan.problems:
                sys.stderr.write("hjp: 错误：以下问题须先改正，未作任何修改：\n")
                for p in plan.problems:
                    sys.stderr.write(f"  {p}\n")
                raise typer.Exit(1)
            paths = [w.path for w in plan.writes]
            if commit and paths:
                _require_clean(root, paths)
            sealops.write_all(plan.writes, repository_of(root), shown)
    except SealError as exc:
        raise fail(exc.message, exc.code) from None
    out = sys.stdout
    if plan.moved:
        out.write(f"已把 {len(plan.moved)} 条隐患的举报人移入密封存储：{'、'.join(plan.moved)}\n")
    else:
        out.write("台账中没有明文的举报人。\n")
    for rid, where, line in plan.comments:
        out.write(f"提示：{where}:{line} 是 {rid} 记录中的注释行；注释不会被密封，若含举报人信息请手工删除\n")
    if commit and plan.moved:
        sha = _sealed_commit(root, paths, f"密封举报人信息（{len(plan.moved)} 条，hjp seal migrate）")
        out.write(f"已提交 {sha[:7]}\n")
    _history_still_holds(root, plan, now)


def _history_still_holds(root: Path, plan: "Any", now: "datetime") -> None:
    """After a migration: what git history still holds (on every branch), with what the working
    files held, goes to a replace-text file outside the repository, and how to purge it."""
    from hjp import sealops
    from hjp.gitio import GitError, open_repo
    from hjp.sealed import SealError, repository_of

    out = sys.stdout
    texts = list(plan.purge)
    try:
        git, prefix = open_repo(root)
    except GitError:  # not a repository: no history to purge
        raise typer.Exit(0) from None
    try:
        texts += sealops.history_texts(git, prefix)
    except GitError:
        pass
    repo = repository_of(root)
    if not texts:
        raise typer.Exit(0)
    target = sealops.purge_file_path(repo, now)
    try:
        target = sealops.write_purge_file(target, sealops.purge_lines(texts), root)
    except SealError as exc:
        raise fail(exc.message, exc.code) from None
    out.write(
        "\n警告：旧的明文举报人仍留在 git 历史中（以及每一个克隆、镜像和备份里）。\n"
        f"清除历史所需的替换清单已写到仓库之外：{target}（权限 600；其中含明文举报人信息，用完立即删除）。\n"
        "清除方法（改写全部历史；所有人的提交号都会改变，每个人都须重新克隆，远程仓库须强制推送）：\n"
        f"  1. 先提交本次迁移，备份整个仓库；\n"
        f"  2. 在仓库的一个全新克隆中运行（需要 git-filter-repo）：\n"
        f"       git filter-repo --replace-text '{target}'\n"
        "  3. 核对无误后强制推送：git push --force --all && git push --force --tags，并通知所有人重新克隆；\n"
        f"  4. 删除 {target}。\n"
        "hjp 不会替你改写历史。\n")


# --- Import and export (issue 13): import plan ---------------------------------------------------

import_app = typer.Typer(name="import", help="导入：Excel/CSV 台账，或把实施方案转成任务草稿。", no_args_is_help=True,
                         rich_markup_mode=None, add_completion=False)
app.add_typer(import_app)


@import_app.command("plan")
def import_plan(
    file: Path = typer.Argument(..., help="实施方案文件（.docx 或 .txt）", show_default=False),
    output: Optional[Path] = typer.Option(None, "-o", "--output", show_default=False,
                                          help="任务草稿写到这个文件（默认输出到屏幕）"),
    town: Optional[Path] = typer.Option(None, "--town", show_default=False,
                                        help="另把 town.yaml 草稿（方案、阶段、行动、人员）写到这个文件"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖"),
) -> None:
    """把实施方案（Word 或文字文件）转成任务草稿 tasks.yaml，核对后再并入台账。

    识别编号（一、（一）1.（1））、行动标题、牵头和责任、完成时限（2024年底前、12月底前、每季度、
    长期坚持……）和工作阶段。无法换算的时限留在原文中，逐条列在屏幕上（文件:行）。

    示例：hjp import plan 实施方案.docx -o tasks-草稿.yaml --town town-草稿.yaml
    """
    from hjp.diagnostics import has_errors
    from hjp.plandoc import PlanError, parse_plan, read_document, tasks_yaml, town_yaml

    for target in (output, town):
        if target is not None and target.exists() and not force:
            raise fail(f"{target} 已存在；请换一个文件名，或加 --force 覆盖")
        if target is not None and not target.parent.is_dir():
            raise fail(f"{target} 所在的目录不存在；请先建好目录")
    if output is not None and town is not None and output.resolve() == town.resolve():
        raise fail("-o 和 --town 是同一个文件；请分别指定")
    try:
        lines, unit = read_document(file)
    except PlanError as exc:
        raise fail(exc.message, exc.code) from None
    draft, diags = parse_plan(lines, path=str(file))
    for d in diags:
        sys.stderr.write(f"{d}\n")
    if has_errors(diags):
        sys.stderr.write("未生成任何文件。\n")
        raise typer.Exit(1)
    source = file.name
    tasks_text = tasks_yaml(draft, source=source, include_town=town is None)
    if output is None:
        sys.stdout.write(tasks_text)
    _write_text(output, tasks_text)
    if town is not None:
        _write_text(town, town_yaml(draft, source=source))
    kinds = {"附件": sum(1 for t in draft.tasks if (t.ref or "").startswith("附件")),
             "报送": sum(1 for t in draft.tasks if t.id.startswith("RW-BG-"))}
    plan_tasks = len(draft.tasks) - sum(kinds.values())
    sys.stderr.write(f"已识别 {len(draft.tasks)} 项任务（方案正文 {plan_tasks}、附件清单 {kinds['附件']}、报送 {kinds['报送']}），"
                     f"{len(draft.actions)} 项行动，{len(draft.phases)} 个阶段"
                     + (f"；{len(diags)} 处请核对（见上）" if diags else "") + "。"
                     + ("（.docx 的“行”指第几段，表格每行算一段）" if unit == "段" and diags else "") + "\n")
    for target in (output, town):
        if target is not None:
            sys.stderr.write(f"已写入 {target}\n")


@import_app.command("xlsx")
def import_xlsx(
    file: Path = typer.Argument(..., help="台账文件（.xlsx 或 .csv）", show_default=False),
    village: Optional[str] = typer.Option(None, "--village", show_default=False,
                                          help="导入到哪个村（村目录名或村名，例如 hejiapan 或 何家畔村）；表中有“所属村”列时可不写"),
    kind: Optional[str] = typer.Option(None, "--kind", show_default=False,
                                       help="记录类型：hazard、unit、drill、task（也可写复数）；默认按表头认出"),
    sheets: list[str] = typer.Option([], "--sheet", show_default=False,
                                     help="工作表名称（默认第一个认得出表头的表）；可重复，几个表一次导入（记录可互相引用）"),
    settings: list[str] = typer.Option([], "--set", show_default=False,
                                       help="整张表的默认值 字段=值（可重复），例如 --set sector=消防 --set source=检查"),
    create_units: bool = typer.Option(False, "--create-units", help="表中有本村还没登记的单位时一并新建"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并列出将导入的记录，不写入"),
    ledger: Path = ledger_option(),
    commit: bool = typer.Option(False, "--commit", help=COMMIT_HELP),
) -> None:
    """把 Excel 或 CSV 台账导入台账：认出表头（标题行、填报单位行之下），逐行检查，编号后一次写入。

    任何一行有错就什么也不写，问题写成“文件!工作表:行号: …”（Excel 左侧的行号）。已在台账中的行
    （编号相同，或单位、发现日期、隐患名称、部位相同）跳过并计数；内容不同的报告为冲突，不改动台账。
    举报人列直接密封，不以明文写入任何地方。

    示例：hjp import xlsx 何家畔村隐患台账.xlsx --village hejiapan --set source=检查 --dry-run
    """
    from hjp import api
    from hjp.clock import today
    from hjp.sheetimport import ImportRefused

    noun = _kind_noun(kind) if kind is not None else None
    problem = ledger_problem(ledger)
    if problem is not None:
        APP.error(problem)
    bar = _LazyBar()
    with APP.guard():  # an unreadable file, a refused transaction: message and exit code
        try:
            results = api.import_xlsx(ledger, file, kind=noun, sheets=sheets, village=village, settings=settings,
                                      create_units=create_units, dry_run=dry_run, commit=commit, clock=today,
                                      notify=APP.wait, progress=bar.start, cache=not _no_cache())
        except ImportRefused as exc:  # the rows' problems first, at their rows; then what happened
            bar.stop()
            _sheet_diagnostics(exc.diagnostics, file)
            APP.error(exc.message + ("；请改正后重新导入" if exc.diagnostics else ""), exc.code)
        finally:
            bar.stop()
    for result in results:
        _sheet_diagnostics(result.warnings, file)
    for result in results:
        _import_report(result)


def _kind_noun(kind: str) -> str:
    """--kind as hjp new's noun: the noun itself, its plural (the file's stem) or the Chinese name."""
    from hjp import kinds

    nouns = {k.noun: k.noun for k in kinds.KINDS}
    nouns.update({k.stem: k.noun for k in kinds.KINDS})
    nouns.update({k.label: k.noun for k in kinds.KINDS})
    noun = nouns.get(kind.strip().lower()) or nouns.get(kind.strip())
    if noun is None:
        APP.error(f"--kind {kind} 不认识；可用：{'、'.join(k.noun for k in kinds.KINDS)}")
    return noun


def _sheet_diagnostics(diags: "list", file: Path) -> None:
    """A sheet's problems as FILE!SHEET:ROW (the cell named in the message); the ledger's as usual."""
    from hjp.sheetread import sheet_line

    for d in diags:
        APP.say(sheet_line(d) if "!" in d.path or d.path == str(file) else str(d))


def _import_report(r: "ImportResult") -> None:
    from hjp import kinds

    label = kinds.BY_NOUN[r.kind].label
    if r.dry_run:
        for cand, rid in r.added:
            title = cand.record.get("title") or cand.record.get("name") or cand.record.get("topic") or ""
            APP.line(f"  第{cand.row}行 → {rid} {title}")
    for rid, name, rows in r.units:
        more = "等" if len(rows) > 5 else ""
        APP.line(f"{'将新建' if r.dry_run else '已新建'}生产经营单位 {rid} {name}"
                 f"（第{'、'.join(map(str, rows[:5]))}{more}行）：主要负责人写作“待补充”，请补全")
    skipped = dict(r.skipped)
    if r.present:
        skipped = {"已在台账中": len(r.present), **skipped}
    line = f"{'将导入' if r.dry_run else '已导入'}{label} {len(r.added)} 条：{'、'.join(r.files) or '（无）'}"
    if skipped:
        line += f"；跳过 {sum(skipped.values())} 行（" + "、".join(f"{k} {v}" for k, v in skipped.items()) + "）"
    if r.dry_run:
        line += "。未写入（--dry-run）"
    APP.line(line)
    if r.commit is not None:
        APP.line(f"已提交 {r.commit[0][:7]} {r.commit[1]}")


export_app = typer.Typer(name="export", help="导出：把台账导出为 Excel。", no_args_is_help=True,
                         rich_markup_mode=None, add_completion=False)
app.add_typer(export_app)


@export_app.command("xlsx")
def export_xlsx(
    output: Optional[Path] = typer.Option(None, "-o", "--output", show_default=False,
                                          help="输出文件（默认当前目录 镇名台账-日期.xlsx）"),
    ledger: Path = ledger_option(),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP, show_default=False),
    village: Optional[str] = typer.Option(None, "--village", help=VILLAGE_HELP,
                                          show_default=False),
    template: Optional[Path] = typer.Option(None, "--template", show_default=False,
                                            help="填入自己的 Excel 模板：在表头下方逐行填写，保留标题、格式和落款"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖"),
) -> None:
    """把台账导出为 Excel：隐患、任务、演练、单位（及检查、培训）各一个工作表。

    表头为中文，日期为 Excel 日期，首行冻结、可筛选；“状态”“期限状态”按统计日计算，逾期的行标红、
    7天内到期的标黄。举报人身份不导出。用 --template 时按表头名称填入自己的模板。

    示例：hjp export xlsx --village hejiapan -o 何家畔村台账.xlsx
    """
    from hjp.diagnostics import Severity, os_reason
    from hjp.sheetwrite import TemplateError, about_rows, export_sheets, fill_template, write_workbook

    led = open_ledger(ledger)
    day = parse_as_of(as_of) or ledger_today(led)
    village = resolve_village(led, village)
    broken = [d for d in led.diagnostics if d.severity is Severity.ERROR]
    if broken:
        for d in broken[:20]:
            sys.stderr.write(f"{d}\n")
        raise fail(f"台账有 {len(broken)} 处错误，有错误的记录无法导出；请先运行 hjp validate 改正", 1)
    name = (led.villages[village].name if village else (led.town.name if led.town else "")) or "安全生产"
    target = output or Path(f"{name}台账-{day.isoformat()}.xlsx")
    from hjp.paths import output_problem

    problem = output_problem(target, ledger)  # --force or not: never over the ledger's own files
    if problem is not None:
        raise fail(problem)
    if target.exists() and not force:
        raise fail(f"{target} 已存在；请换一个文件名，或加 --force 覆盖")
    if not target.parent.is_dir():
        raise fail(f"{target} 所在的目录不存在；请先建好目录")
    sheets = export_sheets(led, as_of=day, village=village)
    try:
        if template is not None:
            filled = fill_template(template, target, sheets, as_of=day,
                                   village_name=led.villages[village].name if village else None)
            for f in filled:
                sys.stdout.write(f"{f.sheet}：第 {f.header_row} 行下填入{f.rows}条"
                                 + (f"（未填写的列：{'、'.join(f.unmatched)}）" if f.unmatched else "") + "\n")
                if f.reporter:
                    sys.stderr.write(f"hjp: 提示：模板“{f.sheet}”有举报人列；举报人身份保密，不导出，该列留空\n")
        else:
            total = sum(s.count for s in sheets)
            with _progress_bar("正在导出", total) as advance:
                write_workbook(target, sheets, about=about_rows(led, day, village, sheets), progress=advance)
            sys.stdout.write("；".join(f"{s.name} {s.count} 条" for s in sheets if "." not in s.kind) + "\n")
    except TemplateError as exc:
        raise fail(exc.message) from None
    except OSError as exc:
        raise fail(f"无法写入 {target}（{os_reason(exc)}）") from None
    sys.stdout.write(f"已导出 {target}（统计日 {day.isoformat()}）\n")


class _LazyBar:
    """A progress bar on stderr, started by the work itself once it knows how much there is
    (``start(label, total)`` returns the advance function); nothing when stderr is not a terminal."""

    def __init__(self) -> None:
        self.bar: "object | None" = None

    def start(self, label: str, total: int) -> "Callable[[int], None] | None":
        self.stop()
        if not sys.stderr.isatty() or total < 2000:
            return None
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(transient=True, console=Console(stderr=True))
        task = bar.add_task(label, total=total)
        bar.start()
        self.bar = bar
        return lambda n: bar.advance(task, n)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()  # type: ignore[attr-defined]
            self.bar = None


class _progress_bar:
    """A progress bar on stderr when it is a terminal; nothing when piped."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.bar = label, total, None

    def __enter__(self) -> "Callable[[int], None] | None":
        if not sys.stderr.isatty() or self.total < 2000:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(transient=True, console=Console(stderr=True))
        task = self.bar.add_task(self.label, total=self.total)
        self.bar.start()
        bar = self.bar
        return lambda n: bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _write_text(target: Optional[Path], text: str) -> None:
    if target is None:
        return
    from hjp.diagnostics import os_reason
    from hjp.files import write_atomic

    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        raise fail(f"无法写入 {target}（{os_reason(exc)}）") from None


# --- Chinese for typer's own words --------------------------------------------------------
# typer (pinned <0.29, which vendors click) prints its help scaffolding and usage errors in
# English; the clerk reads Chinese. Help words go through typer.core's gettext alias and two
# small hooks; usage errors are caught in main() and rephrased.
_HELP_WORDS = {
    "Arguments": "参数", "Options": "选项", "Commands": "命令", "required": "必填",
    "Aborted!": "已中断", "Missing command.": "缺少命令。", "(dynamic)": "（动态）",
}


def _zh(message: str) -> str:
    if message.startswith("env var: "):
        return "环境变量：" + message[len("env var: "):]
    if message.startswith("default: "):
        return "默认：" + message[len("default: "):]
    return _HELP_WORDS.get(message, message)


def _localise_typer() -> None:
    import typer.core as tcore
    from typer._click import decorators, formatting

    tcore._ = _zh  # type: ignore[attr-defined]
    write_usage = formatting.HelpFormatter.write_usage

    def zh_usage(self, prog: str, args: str = "", prefix: "str | None" = None) -> None:  # type: ignore[no-untyped-def]
        write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = zh_usage  # type: ignore[method-assign]
    help_option = decorators.help_option

    def zh_help_option(param_decls: list[str]):  # type: ignore[no-untyped-def]
        add = help_option(param_decls)

        def apply(cmd):  # type: ignore[no-untyped-def]
            cmd = add(cmd)
            cmd.params[-1].help = "显示本帮助并退出"
            return cmd

        return apply

    decorators.help_option = zh_help_option  # type: ignore[assignment]

    from typer._click import core as ccore

    def whole_short_help(self, limit: int = 45) -> str:  # type: ignore[no-untyped-def]
        # click cuts a command's summary at a space to fit the terminal; Chinese has no spaces, so
        # `hjp --help` showed "demo  ..." on a narrow terminal. The first paragraph whole instead
        # (the help formatter wraps it).
        if self.short_help:
            return " ".join(self.short_help.split())
        text = ""
        for line in (self.help or "").strip().split("\n\n", 1)[0].splitlines():
            line = line.strip()
            text += (" " if text and text[-1].isascii() and line[:1].isascii() else "") + line
        return text

    ccore.Command.get_short_help_str = whole_short_help  # type: ignore[method-assign]


_localise_typer()

_USAGE_PATTERNS = [
    (r"^No such option: (\S+?)(?:\s+Did you mean (\S+?)\?)?$", lambda m: f"没有选项 {m[1]}" + (f"；是不是要写 {m[2]}？" if m[2] else "")),
    (r"^No such option: (\S+?)\s+\(Possible options: (.*)\)$", lambda m: f"没有选项 {m[1]}；可能是：{m[2]}"),
    (r"^Missing argument '(.+?)'\.(.*)$", lambda m: f"缺少参数 {m[1]}{m[2]}"),
    (r"^Missing option '(.+?)'\.(.*)$", lambda m: f"缺少选项 {m[1]}{m[2]}"),
    (r"^Missing parameter: (.+)$", lambda m: f"缺少参数 {m[1]}"),
    (r"^Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$", lambda m: f"多余的参数：{m[1]}"),
    (r"^No such command '(.+?)'\.(?:\s*Did you mean '(.+?)'\?)?$",
     lambda m: f"没有命令 {m[1]}" + (f"；是不是要写 {m[2]}？" if m[2] else "；可用的命令见 hjp -h")),
    (r"^Option '(.+?)' requires (.+)\.$", lambda m: f"选项 {m[1]} 后面要跟一个值"),
    (r"^Invalid value for '(.+?)': '(.*?)' is not one of (.*)\.$",
     lambda m: f"{m[1]} 的值 {m[2]} 不在可选范围内（{m[3].replace(chr(39), '').replace(', ', '、')}）"),
    (r"^Invalid value for '(.+?)': '(.*?)' is not a valid int(?:eger)?\.$", lambda m: f"{m[1]} 的值 {m[2]} 不是整数"),
    (r"^Invalid value for '(.+?)': (.*)$", lambda m: f"{m[1]} 的值无效：{m[2]}"),
    (r"^Missing command\.$", lambda m: "缺少命令"),
]


def usage_message(message: str) -> str:
    """click's English usage error, in Chinese (unknown shapes pass through unchanged)."""
    import re

    for pattern, render in _USAGE_PATTERNS:
        m = re.match(pattern, message.strip(), re.S)
        if m:
            return render(m)
    return message


def main(argv: "list[str] | None" = None) -> None:
    """Entry point: never shows a traceback to the clerk (HJP_DEBUG=1 shows it to a developer)."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    from typer.exceptions import Abort

    from hjp.clock import TODAY_ENV, pinned_today
    from hjp.console import prepare_streams

    prepare_streams()  # a GBK or ASCII console gets "?" for what it cannot show, never a crash
    try:
        pinned_today()
    except ValueError:
        sys.stderr.write(f"hjp: 错误：环境变量 {TODAY_ENV}={os.environ.get(TODAY_ENV)!r} 不是 YYYY-MM-DD 格式的日期；"
                         f"请改正或删除该变量（它指定“今天”，供测试和重现某日的检查使用）\n")
        sys.exit(2)
    try:
        rc = app(args=argv, prog_name="hjp", standalone_mode=False)
    except NoArgsIsHelpError as exc:  # bare `hjp`: the help text is the message
        sys.stdout.write(exc.format_message() + "\n")
        sys.exit(0)
    except UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "hjp"
        sys.stderr.write(f"hjp: 用法错误：{usage_message(exc.format_message())}\n运行 {command} -h 查看用法。\n")
        sys.exit(2)
    except ClickException as exc:
        sys.stderr.write(f"hjp: 错误：{exc.format_message()}\n")
        sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
    except (KeyboardInterrupt, Abort):
        sys.stderr.write("hjp: 已中断\n")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last line of defence
        from hjp.errors import EditError

        if isinstance(exc, EditError):  # a refusal no command caught (e.g. the lock of a seal command)
            sys.stderr.write(f"hjp: 错误：{exc.message}\n")
            sys.exit(exc.code)
        if os.environ.get("HJP_DEBUG"):
            raise
        sys.stderr.write(f"hjp: 内部错误（{type(exc).__name__}: {exc}）。请设置 HJP_DEBUG=1 重试并报告此问题。\n")
        sys.exit(2)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
