"""Command-line interface: options → core call → reporter → exit code.

Only this module imports typer. Heavy modules (pydantic, yaml, jinja2, docx, rich.table) are
imported inside the command that needs them so that ``hjp --help`` stays fast.
Exit codes (DESIGN §5): 0 clean, 1 findings, 2 usage error or unreadable input.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from hjp import __version__

if TYPE_CHECKING:
    from datetime import date

    from hjp.load import Ledger

app = typer.Typer(
    name="hjp",
    help="何家畔镇安全生产台账工具：隐患、任务、演练台账的检查、逾期提醒和报告。",
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

LEDGER_HELP = "台账目录（默认取环境变量 HJP_LEDGER，否则 ./ledgers）"
AS_OF_HELP = "按哪一天计算，格式 YYYY-MM-DD（默认今天，北京时间）"


class DiagFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print a Chinese error to stderr and return the Exit to raise."""
    sys.stderr.write(f"hjp: 错误：{message}\n")
    return typer.Exit(code)


def ledger_option() -> Path:
    return typer.Option(Path("ledgers"), "--ledger", envvar="HJP_LEDGER", help=LEDGER_HELP, show_default=False)


def parse_as_of(value: Optional[str]) -> "date | None":
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of 的日期 {value} 无效；请写成 YYYY-MM-DD，例如 2026-12-15") from None


def open_ledger(path: Path, *, cache: bool = True) -> "Ledger":
    from hjp.load import LedgerNotFound, load_ledger

    try:
        return load_ledger(path, cache=cache and not os.environ.get("HJP_NO_CACHE"))
    except LedgerNotFound as exc:
        raise fail(str(exc)) from None


def ledger_today(ledger: "Ledger") -> "date":
    from hjp.clock import DEFAULT_TZ, today

    return today(ledger.town.timezone if ledger.town else DEFAULT_TZ)


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
    from hjp.output import DIAGNOSTIC_REPORTERS, summary_line
    from hjp.rules import RuleContext, validate as run_validation

    led = open_ledger(ledger)
    diags = run_validation(led, RuleContext(as_of=ledger_today(led)))
    DIAGNOSTIC_REPORTERS[fmt.value](diags, sys.stdout)
    if fmt is DiagFormat.text:
        records = len(led.locs) + len(led.duplicates)
        sys.stdout.write(summary_line(diags, len(led.files), records) + "\n")
    raise typer.Exit(1 if any(d.severity.value == "error" for d in diags) else 0)


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

    示例：hjp demo /tmp/demo && hjp overdue --ledger /tmp/demo
    """
    from hjp.demo import DemoError, generate

    progress = None
    bar = None
    if sys.stdout.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("正在生成隐患", total=max(hazards, 1))

        def progress(n: int) -> None:
            bar.advance(task, n)

        bar.start()
    try:
        stats = generate(directory, villages=villages, hazards=hazards, seed=seed, progress=progress)
    except DemoError as exc:
        raise fail(str(exc)) from None
    finally:
        if bar is not None:
            bar.stop()
    sys.stdout.write(f"已生成示例台账 {directory}：{stats.villages} 个村、{stats.units} 个生产经营单位、"
                     f"{stats.hazards} 条隐患、{stats.drills} 次演练、{stats.tasks} 项任务（种子 {seed}）。\n"
                     f"试试：hjp overdue --ledger {directory} --as-of 2026-11-30\n")


class ReportFormat(str, Enum):
    md = "md"
    docx = "docx"


@app.command()
def report(
    name: Optional[str] = typer.Argument(None, help="报告名称：self-check、phase、hazards、overdue 或本仓库模板名",
                                         show_default=False),
    ledger: Path = ledger_option(),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP, show_default=False),
    fmt: Optional[ReportFormat] = typer.Option(None, "--format", show_default=False,
                                               help="md（Markdown）或 docx（Word）；默认按 -o 的扩展名，否则 md"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", show_default=False,
                                          help="输出文件（md 默认输出到屏幕；docx 默认写到当前目录 报告名-日期.docx）"),
    phase: Optional[str] = typer.Option(None, "--phase", help="phase 报告的阶段名称，例如 集中攻坚阶段",
                                        show_default=False),
    village: Optional[str] = typer.Option(None, "--village", help="只统计一个村（村目录名，例如 hejiapan）",
                                          show_default=False),
    list_: bool = typer.Option(False, "--list", help="列出可用的报告并退出"),
) -> None:
    """由台账生成报告（Markdown 或 Word）：自查总结报告、阶段总结、隐患台账、逾期督办清单。

    Word 文件按 GB/T 9704-2012 排版（A4、仿宋三号、页码“— 1 —”）。本仓库 templates/NAME.md.j2
    可覆盖内置模板。图表另存为 PNG（写到 -o 文件旁边）并嵌入 Word。

    示例：hjp report self-check --as-of 2026-12-15 --format docx -o 自查总结报告.docx
    """
    from hjp.report.reports import ReportError, available, produce, write_docx, write_text_atomic

    if list_:
        led = open_ledger(ledger) if ledger.is_dir() else None
        for rname, title, where in available(led):
            sys.stdout.write(f"{rname:<12} {title}（{where}）\n")
        raise typer.Exit(0)
    if not name:
        raise fail("请指定报告名称，例如 hjp report self-check；hjp report --list 列出可用的报告")
    day = parse_as_of(as_of)
    fmt = fmt if fmt is not None or output is not None else ReportFormat.md
    if output is not None:
        suffix = output.suffix.lower()
        if fmt is None:
            fmt = ReportFormat.docx if suffix == ".docx" else ReportFormat.md
        elif suffix in (".md", ".docx") and suffix[1:] != fmt.value:
            raise fail(f"输出文件 {output} 的扩展名与 --format {fmt.value} 不一致")
        if output.is_dir():
            raise fail(f"{output} 是目录；-o 请写文件名，例如 {output / (name + '.' + fmt.value)}")
        if not output.parent.is_dir():
            raise fail(f"输出目录 {output.parent} 不存在；请先创建")
    assert fmt is not None
    led = open_ledger(ledger)
    day = day or ledger_today(led)
    errors = sum(1 for d in led.diagnostics if d.severity.value == "error")
    if errors:
        sys.stderr.write(f"hjp: 提示：台账有 {errors} 个错误，出错的记录未计入报告；运行 hjp validate 查看\n")

    target = output
    if fmt is ReportFormat.docx and target is None:
        target = Path(f"{name}-{day.isoformat()}.docx")
    chart_name = None
    if fmt is ReportFormat.docx:
        chart_name = "chart.png"
    elif target is not None:
        chart_name = f"{target.stem}-图表.png"

    status = None
    say = None
    if sys.stderr.isatty():
        from rich.console import Console

        status = Console(stderr=True, markup=False, highlight=False).status("正在读取台账")
        status.start()

        def say(message: str) -> None:
            status.update(message)

    try:
        produced = produce(led, name, as_of=day, phase=phase, village=village, chart_name=chart_name, progress=say)
        if fmt is ReportFormat.docx:
            assert target is not None
            write_docx(produced, target, as_of=day, chart_name=chart_name, progress=say)
        elif target is not None:
            if produced.chart_png is not None and chart_name is not None:
                write_text_atomic(target.parent / chart_name, produced.chart_png)
            write_text_atomic(target, produced.markdown.encode("utf-8"))
        else:
            sys.stdout.write(produced.markdown)
    except ReportError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"无法写入 {target}（{exc.strerror or exc}）") from None
    finally:
        if status is not None:
            status.stop()
    for notice in produced.notices:
        sys.stderr.write(f"hjp: 提示：{notice}\n")
    if target is not None:
        extra = ""
        if fmt is ReportFormat.md and produced.chart_png is not None:
            extra = f"，图表 {target.parent / chart_name}"
        sys.stderr.write(f"已生成 {target}{extra}\n")


def main() -> None:
    """Entry point: never shows a traceback to the clerk (HJP_DEBUG=1 shows it to a developer)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("hjp: 已中断\n")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last line of defence
        if os.environ.get("HJP_DEBUG"):
            raise
        sys.stderr.write(f"hjp: 内部错误（{type(exc).__name__}: {exc}）。请设置 HJP_DEBUG=1 重试并报告此问题。\n")
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
