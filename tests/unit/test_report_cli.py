"""`hjp report` through the CLI: outputs and where they go, usage errors in Chinese, the town's real ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from hjp.cli import app
from hjp.report import chart as chart_mod

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURE = REPO / "tests" / "report" / "fixture" / "ledger"


def invoke(*args: str):
    return CliRunner().invoke(app, ["report", *args], catch_exceptions=False)


def test_list(here):
    r = invoke("--list", "--ledger", str(FIXTURE))
    assert r.exit_code == 0
    assert r.stdout == (
        "self-check   自查总结报告（整个方案期）（内置）\n"
        "phase        阶段工作总结（--phase 指定阶段）（内置）\n"
        "hazards      隐患排查治理台账（Word 为横向）（内置）\n"
        "overdue      逾期事项督办清单（按责任人分组）（内置）\n")


def test_list_shows_repository_templates(here, make_ledger):
    root = make_ledger({})
    (here / "templates").mkdir()
    (here / "templates" / "overdue.md.j2").write_text("x\n", encoding="utf-8")
    (here / "templates" / "mine.md.j2").write_text("x\n", encoding="utf-8")
    (here / "templates" / "_part.md.j2").write_text("x\n", encoding="utf-8")
    r = invoke("--list", "--ledger", str(root))
    lines = r.stdout.splitlines()
    assert lines[3] == "overdue      逾期事项督办清单（按责任人分组）（本仓库模板（覆盖内置））"
    assert lines[4:] == ["mine         自定义报告（本仓库模板）"]


def test_markdown_to_stdout(here):
    r = invoke("overdue", "--ledger", str(FIXTURE), "--as-of", "2025-06-30")
    assert r.exit_code == 0
    assert r.stdout.startswith("# 测试镇逾期事项督办清单\n")
    assert "| 隐患整改 | YH-3 | 通道堵塞 | 甲村 | 2025年3月1日 | 121 |" in r.stdout
    assert r.stderr == ""


def test_markdown_file_with_chart_next_to_it(here):
    r = invoke("self-check", "--ledger", str(FIXTURE), "--as-of", "2025-06-30", "-o", "报告.md")
    assert r.exit_code == 0
    md = (here / "报告.md").read_text(encoding="utf-8")
    if chart_mod.find_cjk_font():
        png = here / "报告-图表.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "![隐患发现、销号情况和未销号重大隐患](报告-图表.png)" in md
        assert r.stderr == f"已生成 报告.md，图表 {png.relative_to(here)}\n"
    else:
        assert "![" not in md and "中文字体" in r.stderr


def test_docx_default_name_in_current_directory(here):
    r = invoke("hazards", "--ledger", str(FIXTURE), "--as-of", "2025-06-30", "--format", "docx")
    assert r.exit_code == 0
    assert r.stderr.endswith("已生成 隐患排查治理台账-2025-06-30.docx\n")
    doc = Document(str(here / "隐患排查治理台账-2025-06-30.docx"))
    assert doc.paragraphs[0].text == "测试镇隐患排查治理台账"
    # the chart, drawn by a child process while the document was built
    assert len(doc.inline_shapes) == (1 if chart_mod.find_cjk_font() else 0)
    assert sorted(p.name for p in here.iterdir()) == ["隐患排查治理台账-2025-06-30.docx"]  # no temp file left


@pytest.mark.parametrize(("args", "name"), [
    (["self-check"], "自查总结报告-2025-06-30.docx"),
    (["phase", "--phase", "集中攻坚阶段"], "集中攻坚阶段工作总结-2025-06-30.docx"),
    (["overdue"], "逾期事项督办清单-2025-06-30.docx"),
])
def test_default_word_names_are_chinese(here, args, name):
    r = invoke(*args, "--ledger", str(FIXTURE), "--as-of", "2025-06-30", "--format", "docx")
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (0, f"已生成 {name}")
    assert (here / name).read_bytes()[:2] == b"PK"


def test_format_follows_the_output_extension(here):
    r = invoke("overdue", "--ledger", str(FIXTURE), "--as-of", "2025-06-30", "-o", "督办.docx")
    assert r.exit_code == 0 and (here / "督办.docx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(("args", "message"), [
    (["nope"], "hjp: 错误：没有名为 nope 的报告；可用的报告：self-check、phase、hazards、overdue（hjp report --list 查看说明）\n"),
    (["phase"], "hjp: 错误：phase 报告须用 --phase 指定阶段，可选：集中攻坚阶段、治本提升阶段\n"),
    (["phase", "--phase", "攻坚"], "hjp: 错误：town.yaml 中没有名为 攻坚 的阶段；可选：集中攻坚阶段、治本提升阶段\n"),
    (["overdue", "--phase", "集中攻坚阶段"], "hjp: 错误：--phase 只用于 phase 报告，overdue 报告不按阶段划分\n"),
    (["overdue", "--village", "zz"], "hjp: 错误：台账中没有村 zz；--village 可写村目录名或村名，台账中的村：a（甲村）、b（乙村）\n"),
    (["overdue", "--as-of", "2025-02-30"], "hjp: 错误：--as-of 的日期 2025-02-30 无效；请写成 YYYY-MM-DD，例如 2026-12-15\n"),
    (["overdue", "--format", "md", "-o", "x.docx"], "hjp: 错误：输出文件 x.docx 的扩展名与 --format md 不一致\n"),
    (["overdue", "-o", "no/such/dir/x.md"], "hjp: 错误：输出目录 no/such/dir 不存在；请先创建\n"),
    (["overdue", "-o", "/dev/null"], "hjp: 错误：/dev/null 不是普通文件，不能写入报告；请换一个文件名\n"),
    ([], "hjp: 错误：请指定报告名称，例如 hjp report self-check；hjp report --list 列出可用的报告\n"),
])
def test_usage_errors(here, args, message):
    r = invoke(*args, "--ledger", str(FIXTURE))
    assert (r.exit_code, r.stderr, r.stdout) == (2, message, "")


def test_missing_ledger(here):
    r = invoke("overdue", "--ledger", "nowhere")
    assert r.exit_code == 2 and r.stderr.startswith("hjp: 错误：找不到台账目录 nowhere")


def test_broken_user_template_names_file_and_line(here, make_ledger):
    root = make_ledger({})
    (here / "templates").mkdir()
    (here / "templates" / "overdue.md.j2").write_text("# 标题\n\n{{ total }} {{ nosuch.field }}\n", encoding="utf-8")
    r = invoke("overdue", "--ledger", str(root), "--as-of", "2025-06-30")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == (f"hjp: 错误：报告模板出错：{here / 'templates' / 'overdue.md.j2'}:3: "
                        "没有名为 nosuch 的数据项（可用的数据项见内置模板）\n")


def test_user_template_cannot_reach_python(here, make_ledger):
    root = make_ledger({})
    (here / "templates").mkdir()
    (here / "templates" / "evil.md.j2").write_text("{{ town.__class__.__init__.__globals__ }}\n", encoding="utf-8")
    r = invoke("evil", "--ledger", str(root), "--as-of", "2025-06-30")
    assert r.exit_code == 2 and "模板" in r.stderr and "__globals__" not in r.stdout


def test_custom_report_gets_every_view_model(here, make_ledger):
    root = make_ledger({})
    (here / "templates").mkdir()
    (here / "templates" / "mine.md.j2").write_text(
        "# {{ town.name }} {{ summary.tasks.total }} {{ overdue.total }} {{ register.voided }}\n", encoding="utf-8")
    r = invoke("mine", "--ledger", str(root), "--as-of", "2025-06-30")
    assert (r.exit_code, r.stdout) == (0, "# 测试镇 0 0 0\n")


def plan_only(here: Path) -> Path:
    """The shipped plan (town.yaml and tasks.yaml) without any village the clerk has entered since:
    tests check the plan's facts, never that the shipped ledger is empty."""
    root = here / "plan"
    root.mkdir()
    for name in ("town.yaml", "tasks.yaml"):
        (root / name).write_bytes((REPO / "ledgers" / name).read_bytes())
    return root


def test_real_town_ledger_self_check(here):
    """The town's plan with no villages yet: zero counts, and the clerk's blanks are clearly marked."""
    r = invoke("self-check", "--ledger", str(plan_only(here)), "--as-of", "2026-12-15")
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    assert md.startswith("# 关于《何家畔镇安全生产治本攻坚三年行动实施方案（2024-2026年）》落实情况的自查总结报告\n")
    assert "截至2026年12月15日，全镇共有行政村0个、在营生产经营单位0家。【请注意：台账中尚未录入行政村" in md
    assert "累计台账中尚无隐患记录。" in md and "整改率" not in md.split("## 二、")[0]
    assert md.count("【请填写：本项的主要做法和成效（台账中尚无进展记录）】") == 11
    # the report itself (RW-BG-3, owners: [应急办], no lead) is never work still to do, nor unowned
    assert "| RW-BG-3 | 自查总结报告 | 应急办 | 即本报告 |" in md
    assert "RW-BG-3" not in md.split("# 逾期未完成事项清单")[1]
    assert "| RW-BG-1 | 集中攻坚阶段工作总结 | 应急办 | 已逾期 |" in md  # owners stand in for a missing lead
    # the 落款 closes the body; the detail follows in 附件, announced above the 落款
    assert "附件：1.各项任务落实情况表\\\n2." in md
    assert "<!-- 落款 -->\n何家畔镇人民政府\n\n2026年12月15日\n\n<!-- 附件 -->\n附件1\n\n# 各项任务落实情况表\n" in md


def test_user_template_that_is_a_link_is_not_read(here, make_ledger, tmp_path_factory):
    """jinja2 follows symbolic links: a hostile repository's templates/self-check.md.j2 → a private
    file would have put that file into the report (and overrides the built-in self-check). A link
    within the repository is refused too: it can point at a ledger file (reporter names) or .git/config."""
    root = make_ledger({})
    secret = tmp_path_factory.mktemp("home") / "id_rsa"
    secret.write_text("PRIVATE KEY\n", encoding="utf-8")
    (here / "templates").mkdir()
    (here / "templates" / "self-check.md.j2").symlink_to(secret)
    (here / "templates" / "inc.md.j2").write_text("# 标题\n{% include 'self-check.md.j2' %}\n", encoding="utf-8")
    (here / "templates" / "inside.md.j2").symlink_to(here / "templates" / "inc.md.j2")
    r = invoke("self-check", "--ledger", str(root), "--as-of", "2025-06-30")
    assert (r.exit_code, r.stdout) == (2, "")
    link = here / "templates" / "self-check.md.j2"
    assert r.stderr == (f"hjp: 错误：报告模板出错：{link}: 模板 templates/self-check.md.j2 是指向 {secret} 的符号链接，"
                        "不予读取（模板只从 templates/ 下的普通文件读取）；请把模板文件本身放进 templates/ 目录\n")
    included = invoke("inc", "--ledger", str(root), "--as-of", "2025-06-30")
    assert included.exit_code == 2 and "PRIVATE" not in included.stdout
    assert included.stderr.startswith(f"hjp: 错误：报告模板出错：{here / 'templates' / 'inc.md.j2'}:2: "
                                      "模板 templates/self-check.md.j2 是指向")
    inside = invoke("inside", "--ledger", str(root), "--as-of", "2025-06-30")
    assert inside.exit_code == 2 and "模板 templates/inside.md.j2 是指向" in inside.stderr
    link.unlink()
    link.symlink_to(root / "town.yaml")  # a link within the repository: a ledger file as a template
    inner = invoke("self-check", "--ledger", str(root), "--as-of", "2025-06-30")
    assert (inner.exit_code, inner.stdout) == (2, "") and "符号链接，不予读取" in inner.stderr


def test_dash_means_the_screen_for_markdown_and_is_refused_for_word(here):
    to_screen = invoke("overdue", "--ledger", str(FIXTURE), "--as-of", "2026-11-30")
    dash = invoke("overdue", "--ledger", str(FIXTURE), "--as-of", "2026-11-30", "-o", "-")
    assert dash.exit_code == 0 and dash.stdout == to_screen.stdout and dash.stdout.startswith("# ")
    assert not (here / "-").exists()
    word = invoke("overdue", "--ledger", str(FIXTURE), "-o", "-", "--format", "docx")
    assert word.exit_code == 2 and word.stderr == "hjp: 错误：Word 文件不能输出到屏幕；请用 -o 文件名.docx\n"
