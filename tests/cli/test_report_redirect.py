"""`hjp report NAME > 报告.md` on a console that is not UTF-8: Python writes redirected
output in the console's code page (GBK on a Chinese Windows), which turned 王䶮 into 王? in the county's
report without a word. A report redirected to a file or pipe is written as UTF-8 instead; on a terminal
that cannot show a character it degrades to ``?`` and says so, pointing to ``-o``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NAME = "王䶮"  # 䶮 (CJK Ext. A) is outside GBK
HAZARDS = f"""\
hazards:
  - id: YH-2026-0001
    title: 加油站卸油区静电接地失效
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2026-10-01
    rectification: {{owner: {NAME}, deadline: 2026-10-31}}
"""
CONSOLES = {
    "gbk": {"PYTHONIOENCODING": "gbk"},
    "ascii": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""},
}


def env_for(console: str) -> dict[str, str]:
    full = {**os.environ, "HJP_NO_CACHE": "1", **CONSOLES[console]}
    return {k: v for k, v in full.items() if v != ""}


@pytest.fixture
def ledger(make_ledger) -> Path:
    return make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS})


@pytest.mark.parametrize("console", sorted(CONSOLES))
@pytest.mark.parametrize("report", ["hazards", "overdue"])
def test_redirected_report_is_utf8_without_loss(ledger, here, console, report):
    with open(here / "报告.md", "wb") as out:  # what `> 报告.md` hands the process
        proc = subprocess.run([sys.executable, "-m", "hjp", "report", report, "--ledger", str(ledger),
                               "--as-of", "2026-11-30"], cwd=here, env=env_for(console), stdout=out,
                              stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = (here / "报告.md").read_bytes().decode("utf-8")  # strict: every byte is UTF-8
    assert NAME in text and "?" not in text.replace("?<", "")
    assert proc.stderr == b""


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_that_cannot_show_a_character_is_told_to_use_o(ledger, here):
    import pty

    main, child = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "hjp", "report", "hazards", "--ledger", str(ledger),
                               "--as-of", "2026-11-30"], cwd=here, env=env_for("gbk"), stdout=child,
                              stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(child)
        os.close(main)
    assert proc.returncode == 0
    assert proc.stderr.decode("gbk").splitlines()[-1] == (
        "hjp: 提示：有 1 个字符无法用当前控制台的编码（gbk）显示，已显示为 ?；要保存报告请用 -o 文件名（UTF-8，不丢字）")
