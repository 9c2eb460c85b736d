"""Template rendering: the escaping filters, the sandbox, template errors with file and line, overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from hjp.report import render

HOSTILE = '<b>加粗</b> & "引号" \'单引号\' | 竖线 *星号* _下划线_ # 井号 [链接](http://x) `代码` \\反斜杠'


def inline_text(markdown: str) -> str:
    """What a CommonMark reader shows for one paragraph: text with hard breaks as newlines."""
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(markdown)
    out = []
    for tok in tokens:
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type == "hardbreak":
                out.append("\n")
            elif child.type not in ("softbreak",):
                out.append(f"<{child.type}>")
    return "".join(out)


def test_md_escape_keeps_every_character_literal():
    assert inline_text(render.md_escape(HOSTILE)) == HOSTILE


@pytest.mark.parametrize("text", ["# 不是标题", "- 不是列表", "+ 不是列表", "1. 不是编号", "> 不是引用",
                                  "第一行\n===", "第一行\n---", "    四个空格"])
def test_md_escape_block_starts(text):
    assert inline_text(render.md_escape(text)) == text.replace("    ", "")


def test_md_escape_line_breaks_are_hard_breaks():
    assert render.md_escape("第一行\r\n第二行\n\n第三行") == "第一行\\\n第二行\\\n第三行"
    assert inline_text(render.md_escape("第一行\n第二行")) == "第一行\n第二行"


def test_cell_escape_stays_in_its_cell():
    md = f"| a | b |\n|---|---|\n| {render.cell_escape(HOSTILE + chr(10) + '第二行')} | x |\n"
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(md)
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 4
    body = cells[2].children
    text = "".join(c.content if c.type == "text" else "\n" if c.content == "<br>" else "?" for c in body
                   if c.type in ("text", "html_inline", "code_inline"))
    assert text == HOSTILE.replace("`代码`", "`代码`") + "\n第二行"
    assert cells[3].content == "x"
    assert render.cell_escape(None, "—") == "—" and render.cell_escape("  \n ") == ""


def test_number_and_date_filters():
    assert render.cn_date(date(2026, 12, 5)) == "2026年12月5日"
    assert render.cn_date(None, "—") == "—"
    assert [render.cn_number(n) for n in (1, 9, 10, 11, 12, 20, 21, 99)] == [
        "一", "九", "十", "十一", "十二", "二十", "二十一", "九十九"]
    assert render.percent(0.8765) == "87.7%" and render.percent(None) == "无" and render.percent(1) == "100.0%"
    assert render.yuan(3000) == "3,000元" and render.yuan(12.5) == "12.50元" and render.yuan(None) == ""


def test_repository_template_overrides_builtin(tmp_path: Path):
    (tmp_path / "overdue.md.j2").write_text("# 自定义 {{ n }}\n", encoding="utf-8")
    assert render.render("overdue", {"n": 3}, extra_dir=tmp_path) == "# 自定义 3\n"
    assert render.template_source("overdue", tmp_path) == tmp_path / "overdue.md.j2"
    assert render.template_source("overdue", None) == render.templates_dir() / "overdue.md.j2"


def test_undefined_names_the_template_and_line(tmp_path: Path):
    (tmp_path / "x.md.j2").write_text("第一行\n第二行 {{ missing }}\n", encoding="utf-8")
    with pytest.raises(render.TemplateError) as exc:
        render.render("x", {}, extra_dir=tmp_path)
    assert str(exc.value) == f"{tmp_path / 'x.md.j2'}:2: 没有名为 missing 的数据项（可用的数据项见内置模板）"


def test_syntax_error_names_the_template_and_line(tmp_path: Path):
    (tmp_path / "x.md.j2").write_text("一\n二\n{% if %}\n", encoding="utf-8")
    with pytest.raises(render.TemplateError) as exc:
        render.render("x", {}, extra_dir=tmp_path)
    assert str(exc.value).startswith(f"{tmp_path / 'x.md.j2'}:3: 模板语法错误：")


@pytest.mark.parametrize("source", [
    "{{ town.__class__.__mro__ }}",
    "{{ town.__init__.__globals__ }}",
    "{{ ''.__class__.__subclasses__() }}",
])
def test_sandbox_refuses_python_internals(tmp_path: Path, source: str):
    (tmp_path / "x.md.j2").write_text("标题\n" + source + "\n", encoding="utf-8")
    with pytest.raises(render.TemplateError) as exc:
        render.render("x", {"town": object()}, extra_dir=tmp_path)
    message = str(exc.value)
    assert message.startswith(f"{tmp_path / 'x.md.j2'}:2: ")
    assert "不允许" in message or "不存在" in message or "没有" in message


def test_no_file_system_outside_the_template_folders(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    tdir = tmp_path / "templates"
    tdir.mkdir()
    (tdir / "x.md.j2").write_text('{% include "../secret.txt" %}\n', encoding="utf-8")
    with pytest.raises(render.TemplateError) as exc:
        render.render("x", {}, extra_dir=tdir)
    assert "找不到被引用的模板 ../secret.txt" in str(exc.value)


def test_missing_template():
    with pytest.raises(render.TemplateError, match="找不到报告模板 nope.md.j2"):
        render.render("nope", {})
