"""Jinja rendering of report templates into Markdown, in a sandbox.

Every template, built-in or the ledger repository's own (``<repo>/templates/NAME.md.j2``, which
overrides the built-in one), renders in a sandbox with ``StrictUndefined`` (``sandbox.py``): no
access to Python internals, templates only from regular files in the two template folders (no
links), and bounds on size, time and memory. A template error or an exceeded bound becomes
``TemplateError`` whose Chinese message names the template file and line.

Filters escape ledger text for Markdown so that ``< & > | * _ #``, line breaks and long titles come
out as written in both formats: ``md`` for running text, ``cell`` for table cells.
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2

from hjp.report.sandbox import Budget, BoundedSandbox, FolderLoader, LimitExceeded, RefusedFile
from hjp.resources import templates_dir

SUFFIX = ".md.j2"
CN_DIGITS = "〇一二三四五六七八九"

# ASCII punctuation that means something to CommonMark/GFM inline parsing; backslash-escaping any
# ASCII punctuation is always allowed, so escaping these keeps the text literal.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
# Block starts that would turn a line into a heading, list, quote, rule or code block.
_BLOCK_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


class TemplateError(Exception):
    """A template could not be found, parsed or rendered (message in Chinese, with file and line)."""


def cn_date(value: date | None, empty: str = "") -> str:
    """2026-12-15 → 2026年12月15日 (GB/T 9704: dates written in full, months and days without zeros)."""
    if value is None:
        return empty
    return f"{value.year}年{value.month}月{value.day}日"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for 一、 and （一） headings)."""
    if n < 0 or n >= 100:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_month(value: date) -> str:
    """2024-04-10 → 2024年4月."""
    return f"{value.year}年{value.month}月"


def cn_span(start: date, end: date, *, months: bool = False) -> str:
    """A date range as a report writes it: one date when it is one day (一天的阶段), else A至B.

    ``months``: to the month (2024年4月至2026年9月; one month reads once).
    """
    fmt = cn_month if months else cn_date
    first, last = fmt(start), fmt(end)
    return first if first == last else f"{first}至{last}"


def counts(pairs: Any, unit: str = "项", sep: str = "、") -> str:
    """(label, number) pairs as 已完成22项、未到期15项, leaving out the zeros (a report does not say 0项)."""
    return sep.join(f"{label}{n}{unit}" for label, n in pairs if n)


def percent(value: float | None, empty: str = "无") -> str:
    """0.8765 → 87.7%; None (nothing to divide) → 无."""
    if value is None:
        return empty
    # half up, as people round (87.65% → 87.7%), from the float's shortest decimal form
    pct = (Decimal(repr(float(value))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}%"


def yuan(value: float | None, empty: str = "") -> str:
    if value is None:
        return empty
    return f"{value:,.0f}元" if value == int(value) else f"{value:,.2f}元"


def _clean(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def md_escape(value: Any) -> str:
    """Ledger text for a Markdown paragraph: specials escaped, line breaks kept as hard breaks."""
    lines = []
    for line in _clean(value).split("\n"):
        line = _INLINE.sub(r"\\\1", line)
        line = _BLOCK_START.sub(lambda mt: mt.group(1) + "\\" + mt.group(2) if len(mt.group(2)) == 1
                                else mt.group(1) + mt.group(2)[:-1] + "\\" + mt.group(2)[-1], line)
        lines.append(line.strip() if line.strip() else "")
    # A backslash at the end of a line is a hard break in CommonMark.
    return "\\\n".join(x for x in lines if x)


def cell_escape(value: Any, empty: str = "") -> str:
    """Ledger text for a pipe-table cell: specials escaped, line breaks as <br> (the only raw HTML we emit)."""
    text = _clean(value)
    if not text.strip():
        return empty
    return "<br>".join(_INLINE.sub(r"\\\1", line).strip() for line in text.split("\n") if line.strip())


def make_environment(extra_dir: Path | None = None, *, budget: Budget | None = None) -> BoundedSandbox:
    """The sandbox (``sandbox.py``): the repository's own templates first, then the built-in ones.

    Templates are read only as regular files under their folder, never through a link; the
    repository's folder is taken whenever it exists at all, so that a ``templates`` that is itself a
    link is refused aloud rather than skipped.
    """
    budget = budget or Budget()
    loaders: list[jinja2.BaseLoader] = []
    if extra_dir is not None and os.path.lexists(extra_dir):
        loaders.append(FolderLoader(extra_dir, own=True, budget=budget))
    loaders.append(FolderLoader(templates_dir(), own=False, budget=budget))
    env = BoundedSandbox(
        loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined, autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, budget=budget,
    )
    env.filters.update(md=md_escape, cell=cell_escape, cn_date=cn_date, cn_number=cn_number, cn_month=cn_month,
                       cn_span=cn_span, counts=counts, percent=percent, yuan=yuan)
    return env


def template_source(name: str, extra_dir: Path | None) -> Path | None:
    """The file ``NAME.md.j2`` resolves to (the repository's own first), or None."""
    for d in ([extra_dir] if extra_dir is not None else []) + [templates_dir()]:
        p = d / f"{name}{SUFFIX}"
        if p.is_file():
            return p
    return None


def _error_line(exc: BaseException, filename: str | None) -> int | None:
    """The template line an exception was raised from (jinja2 rewrites its traceback to point there)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno
    line = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if filename is not None and code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _explain(exc: BaseException) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        missing = re.search(r"'([^']+)' is undefined", str(exc))
        attr = re.search(r"has no attribute '([^']+)'", str(exc))
        if missing:
            return f"没有名为 {missing.group(1)} 的数据项（可用的数据项见内置模板）"
        if attr:
            return f"数据项没有 {attr.group(1)} 这一项（可用的数据项见内置模板）"
        return f"用到了不存在的数据项（{exc}）"
    if isinstance(exc, (LimitExceeded, RefusedFile)):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "模板占用的内存过多，已停止；请检查模板中的循环"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板试图访问不允许的内部属性（{exc}）；报告模板只能使用报告数据"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"找不到被引用的模板 {exc.name}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板语法错误：{exc.message}"
    return f"渲染出错（{type(exc).__name__}: {exc}）"


def render(name: str, context: dict[str, Any], *, extra_dir: Path | None = None) -> str:
    """Render ``NAME.md.j2`` with ``context``; raise TemplateError naming the file and line."""
    budget = Budget()
    env = make_environment(extra_dir, budget=budget)
    source = template_source(name, extra_dir)
    shown = str(source) if source else f"{name}{SUFFIX}"
    try:
        template = env.get_template(f"{name}{SUFFIX}")
        try:  # streamed, so that the output limit holds as it grows (what Template.render does, counted)
            return budget.stream(template.root_render_func(template.new_context(context)))
        except Exception:
            env.handle_exception()  # re-raises with the traceback pointing at template lines
    except jinja2.TemplateNotFound as exc:
        if exc.name == f"{name}{SUFFIX}":
            raise TemplateError(f"找不到报告模板 {name}{SUFFIX}") from None
        raise TemplateError(f"{shown}: {_explain(exc)}") from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, MemoryError) as exc:
        filename = getattr(exc, "filename", None) or (str(source) if source else None)
        line = _error_line(exc, filename)
        where = f"{filename or shown}:{line}" if line else (filename or shown)
        raise TemplateError(f"{where}: {_explain(exc)}") from None
    except RecursionError:
        raise TemplateError(f"{shown}: 模板递归过深（是否互相 include？）") from None

