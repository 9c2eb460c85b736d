"""Report templates are bounded (issue 8 item 15): a repository's own template cannot run for ever,
build gigabytes, or read a file through a link. Each hostile template runs in a child process with a
time-out and an address-space limit, so that without the bounds the test fails instead of hanging
the suite or exhausting the machine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hjp.report import render, sandbox

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX links, FIFOs and rlimits")

CHILD = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from pathlib import Path
from hjp.report import render
if len(sys.argv) > 2:  # a smaller memory bound, so that the test does not need a gigabyte
    from hjp.report import sandbox
    sandbox.MAX_GROWTH = int(sys.argv[2])
try:
    out = render.render("x", {"hazards": list(range(1000))}, extra_dir=Path(sys.argv[1]))
    print("RENDERED", len(out))
except render.TemplateError as exc:
    print("REFUSED", exc)
"""


def child(tmp_path: Path, source: str, seconds: str = "2", timeout: float = 60, *extra: str) -> str:
    """Render ``source`` as the repository's x.md.j2 in a child; its last line of output."""
    tdir = tmp_path / "templates"
    tdir.mkdir(exist_ok=True)
    (tdir / "x.md.j2").write_text(source, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tdir), *extra], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "HJP_TEMPLATE_SECONDS": seconds})
    lines = proc.stdout.strip().splitlines()
    assert lines, proc.stderr[-2000:]
    return lines[-1].replace(str(tdir / "x.md.j2"), "x.md.j2")


TIME = "模板运行超过 2 秒仍未完成（多重循环？），已停止；请简化模板中的循环，确需更长时间时设置环境变量 HJP_TEMPLATE_SECONDS（秒）"


@posix_only
@pytest.mark.parametrize("source", [
    "标题\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    "标题\n{% for a in hazards %}{% for b in hazards %}{% for c in hazards %}{% endfor %}{% endfor %}{% endfor %}\n",
    "标题\n{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}\n",
], ids=["nested-range", "nested-data", "binary-recursion"])
def test_endless_loops_stop_after_the_time_limit(tmp_path: Path, source: str) -> None:
    assert child(tmp_path, source) == f"REFUSED x.md.j2:2: {TIME}"


@posix_only
@pytest.mark.parametrize("source,message", [
    ('{{ "x" * 10**10 }}', "模板要生成的文字或列表过大（10,000,000,000 个字符或项"),
    ('{{ lipsum(10**6) }}', "lipsum 最多生成 100 段、每段最多 1000 个词，已停止"),
    ('{{ 7 ** 100000000 }}', "模板中的数过大"),
    ('{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
     "模板要生成的文字或列表过大（33,554,432 个字符或项，上限 16,777,216）"),
    ('{% set ns = namespace(s=["x"]) %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
     "模板要生成的文字或列表过大（33,554,432 个字符或项，上限 16,777,216）"),
    ('{{ "{:>10000000000}".format(1) }}', "模板要生成的文字或列表过大"),
    ('{{ "%10000000000d" % 1 }}', "模板要生成的文字或列表过大"),
    ('{{ "%*d" % (10**9, 1) }}', "% 格式的宽度不能用 * 指定"),
    ('{{ "x"|center(10**10) }}', "模板要生成的文字或列表过大"),
    ('{{ "x".ljust(10**10) }}', "模板要生成的文字或列表过大"),
    ('{{ "a\\nb"|indent(10**9) }}', "模板要生成的文字或列表过大"),
    ('{{ range(3)|batch(10**10, "x")|list }}', "模板要生成的文字或列表过大"),
    ('{{ ("x" * 10**6)|replace("x", "y" * 100) }}', "模板要生成的文字或列表过大"),
    ('{{ ("x" * 10**6).replace("x", "y" * 100) }}', "模板要生成的文字或列表过大"),
    ('{{ range(100000)|join("x" * 1000) }}', "模板要生成的文字或列表过大"),
    ('{{ ("x" * 10**6).translate({120: "y" * 100}) }}', "模板中不能使用 translate"),
    ('{% set big = "x" * 10000 %}{% for i in range(100000) %}{{ big }}{% endfor %}',
     "报告超过 6710 万个字符，已停止；请检查模板中的循环"),
    ('{% macro m() %}{% set big = "x" * 10000 %}{% for i in range(100000) %}{{ big }}{% endfor %}{% endmacro %}'
     '{{ m()|length }}', "模板要生成的一段内容超过 6710 万个字符（1,000,000,000），已停止"),
    ('{% set xs = [] %}{% for i in range(100000) %}{% set _ = xs.extend(range(100000)) %}{% endfor %}',
     "模板要生成的文字或列表过大"),
], ids=["mul", "lipsum", "pow", "concat-doubling", "list-doubling", "format-width", "percent-width",
        "percent-star", "center", "ljust", "indent", "batch", "replace-filter", "replace-method", "join",
        "translate", "output", "macro-output", "extend"])
def test_what_would_build_gigabytes_is_refused_at_once(tmp_path: Path, source: str, message: str) -> None:
    result = child(tmp_path, "标题\n" + source + "\n", seconds="100", timeout=30)
    # the whole output has no one line to blame
    assert result.startswith("REFUSED x.md.j2: " if "报告超过" in message else "REFUSED x.md.j2:2: "), result
    assert message in result, result


@posix_only
def test_memory_growth_is_bounded(tmp_path: Path) -> None:
    if sandbox._memory() is None:
        pytest.skip("no cheap memory reading here")
    source = ("标题\n{% set xs = [] %}{% for i in range(100000) %}{% for j in range(100000) %}"
              "{% set _ = xs.append(\"x\" * 1000 ~ j) %}{% endfor %}{% endfor %}\n")
    result = child(tmp_path, source, "100", 60, str(64 << 20))
    assert re.fullmatch(r"REFUSED x\.md\.j2:2: 模板运行占用的内存增加了 \d+ MB，超过 64 MB，已停止；请检查模板中的循环", result), result


def test_reasonable_templates_are_untouched(tmp_path: Path) -> None:
    source = ('{% set ns = namespace(n=0) %}{% for h in hazards %}{% set ns.n = ns.n + h %}{% endfor %}'
              '{{ ns.n }} {{ "ab" * 3 }} {{ "{:>6}".format(7) }} {{ "%05d" % 42 }} {{ [1, 2] + [3] }} '
              '{{ hazards[:3]|join("、") }} {{ "x"|center(5) }}| {{ hazards[:4]|sum }} {{ 2 ** 10 }} '
              '{{ lipsum(1, false, 5, 10)|length > 0 }}'
              '{% set xs = [] %}{% set _ = xs.append(1) %}{% set _ = xs.extend([2, 3]) %} {{ xs }}\n')
    (tmp_path / "x.md.j2").write_text(source, encoding="utf-8")
    assert render.render("x", {"hazards": list(range(1000))}, extra_dir=tmp_path) == (
        '499500 ababab      7 00042 [1, 2, 3] 0、1、2   x  | 6 1024 True [1, 2, 3]\n')


def test_built_in_templates_have_no_time_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HJP_TEMPLATE_SECONDS", "0.000001")
    from datetime import date

    from hjp.load import load_ledger
    from hjp.report import reports

    led = load_ledger(Path(__file__).resolve().parents[1] / "report" / "fixture" / "ledger")
    produced = reports.produce(led, "hazards", as_of=date(2025, 6, 30), phase=None, village=None)
    assert produced.markdown.startswith("# ")
    # the same limit stops the repository's own template as soon as it loops
    (tmp_path / "x.md.j2").write_text("{% for i in range(10) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                                      encoding="utf-8")
    with pytest.raises(render.TemplateError, match="模板运行超过 1e-06 秒仍未完成"):
        render.render("x", {}, extra_dir=tmp_path)


# --- where templates come from ------------------------------------------------------------------

@posix_only
def test_a_templates_folder_that_is_a_link_is_refused_aloud(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "overdue.md.j2").write_text("{{ secret }}", encoding="utf-8")
    (tmp_path / "templates").symlink_to(elsewhere)
    with pytest.raises(render.TemplateError, match=f"templates 目录是指向 {elsewhere} 的符号链接，不予读取"):
        render.render("overdue", {}, extra_dir=tmp_path / "templates")


@posix_only
def test_a_fifo_named_like_a_template_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.md.j2")
    result = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip().endswith("模板 templates/x.md.j2 不是普通文件，不予读取")


def test_a_huge_or_garbled_template_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.md.j2").write_bytes(b"#" * (sandbox.MAX_TEMPLATE_BYTES + 1))
    with pytest.raises(render.TemplateError, match="超过 1 MB 上限，不予读取"):
        render.render("x", {}, extra_dir=tmp_path)
    (tmp_path / "x.md.j2").write_bytes("标题 {{ n }}".encode("gbk"))
    with pytest.raises(render.TemplateError, match="模板 templates/x.md.j2 不是 UTF-8 编码"):
        render.render("x", {}, extra_dir=tmp_path)


@posix_only
def test_an_include_through_a_linked_subfolder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "part.md.j2").write_text("机密", encoding="utf-8")
    tdir = tmp_path / "templates"
    tdir.mkdir()
    (tdir / "sub").symlink_to(tmp_path / "real")
    (tdir / "x.md.j2").write_text('标题\n{% include "sub/part.md.j2" %}\n', encoding="utf-8")
    with pytest.raises(render.TemplateError, match="模板 templates/sub 是指向 .* 的符号链接，不予读取"):
        render.render("x", {}, extra_dir=tdir)


@posix_only
def test_the_cli_says_so_with_exit_code_2(here: Path, make_ledger) -> None:
    root = make_ledger({})
    (here / "templates").mkdir()
    (here / "templates" / "loop.md.j2").write_text(
        "# 循环\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "hjp", "report", "loop", "--ledger", str(root)], cwd=here,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "HJP_TEMPLATE_SECONDS": "1"})
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (f"hjp: 错误：报告模板出错：{here / 'templates' / 'loop.md.j2'}:2: 模板运行超过 1 秒仍未完成"
                           "（多重循环？），已停止；请简化模板中的循环，确需更长时间时设置环境变量 HJP_TEMPLATE_SECONDS（秒）\n")
