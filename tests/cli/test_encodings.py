"""Output on consoles that are not UTF-8, and machine formats that stay parseable (issue 8 item 14).

Real `hjp` processes under the encodings a clerk's machine really has: a Chinese Windows console
redirected to a file writes GBK (here: ``PYTHONIOENCODING=gbk``), an ASCII locale (``LC_ALL=C``
without Python's UTF-8 coercion). GBK has 王 but neither 䶮 nor 😀. Text degrades to ``?``; JSON
and JUnit XML stay lossless and parseable; a report's Markdown redirected is written as UTF-8;
nothing crashes.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from hjp.deadlines import Findings, Item
from hjp.diagnostics import error
from hjp.output import CheckResult, check_junit

NAME = "王䶮😀"  # 䶮 (CJK Ext. A) and the emoji are outside GBK
TITLE = f"{NAME}加油站卸油区静电接地失效"
HAZARDS = f"""\
hazards:
  - id: YH-2026-0001
    title: {TITLE}
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2026-10-01
    rectification: {{owner: {NAME}, deadline: 2026-10-31}}
"""

GBK = {"PYTHONIOENCODING": "gbk"}
ASCII = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}
CONSOLES = {"gbk": (GBK, "gbk"), "ascii": (ASCII, "ascii")}


def hjp(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    full = {**os.environ, "HJP_NO_CACHE": "1", **env}
    full = {k: v for k, v in full.items() if v != ""}
    return subprocess.run([sys.executable, "-m", "hjp", *args], cwd=cwd, env=full, capture_output=True, timeout=120)


@pytest.fixture
def ledger(make_ledger) -> Path:
    return make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS})


def ok(proc: subprocess.CompletedProcess[bytes], code: int) -> None:
    assert b"Traceback" not in proc.stderr and "内部错误".encode("gbk") not in proc.stderr, proc.stderr
    assert proc.returncode == code, proc.stderr


@pytest.mark.parametrize("console", sorted(CONSOLES))
def test_text_output_degrades_instead_of_crashing(ledger: Path, here: Path, console: str) -> None:
    env, enc = CONSOLES[console]
    shown = TITLE.encode(enc, "replace").decode(enc)  # 王??加油站… in GBK, all ? in ASCII
    assert shown.count("?") >= 2
    for args, code in ((["overdue", "--ledger", "ledger"], 0), (["check", "--ledger", "ledger"], 1),
                       (["check", "--ledger", "ledger", "--format", "github"], 1)):
        proc = hjp(args, env, here)
        ok(proc, code)
        out = proc.stdout.decode(enc)
        assert "YH-2026-0001" in out and shown[:4] in out, (args, out)
    # a report is a document: redirected (a pipe here), it is written as UTF-8, every character kept
    # (tests/cli/test_report_redirect.py)
    proc = hjp(["report", "hazards", "--ledger", "ledger", "-o", "-"], env, here)
    ok(proc, 0)
    assert TITLE in proc.stdout.decode("utf-8")


@pytest.mark.parametrize("console", sorted(CONSOLES))
def test_json_stays_lossless(ledger: Path, here: Path, console: str) -> None:
    env, enc = CONSOLES[console]
    proc = hjp(["overdue", "--ledger", "ledger", "--json"], env, here)
    ok(proc, 0)
    doc = json.loads(proc.stdout.decode(enc))
    assert [(i["title"], i["lead"]) for i in doc["overdue"]] == [(TITLE, [NAME])]
    proc = hjp(["check", "--ledger", "ledger", "--format", "json"], env, here)
    ok(proc, 1)
    assert json.loads(proc.stdout.decode(enc))["deadlines"]["overdue"][0]["title"] == TITLE
    proc = hjp(["report", "hazards", "--ledger", "ledger", "--format", "json"], env, here)
    ok(proc, 0)
    assert TITLE in json.dumps(json.loads(proc.stdout.decode(enc)), ensure_ascii=False)


@pytest.mark.parametrize("console", sorted(CONSOLES))
def test_junit_stays_lossless_and_true_to_its_declaration(ledger: Path, here: Path, console: str) -> None:
    env, _ = CONSOLES[console]
    proc = hjp(["check", "--ledger", "ledger", "--format", "junit"], env, here)
    ok(proc, 1)
    assert proc.stdout.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(proc.stdout)  # parsed as the UTF-8 it declares
    (case,) = [c for c in root.iter("testcase") if c.get("classname", "").startswith("期限")]
    assert case.get("name") == f"YH-2026-0001 {TITLE}"


@pytest.mark.parametrize("console", sorted(CONSOLES))
def test_validate_and_errors_on_stderr_degrade(make_ledger, here: Path, console: str) -> None:
    env, enc = CONSOLES[console]
    make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS.replace("sector: 危险化学品", f"sector: {NAME}")})
    proc = hjp(["validate", "--ledger", "ledger"], env, here)
    ok(proc, 1)
    assert "HJP" in proc.stdout.decode(enc)
    proc = hjp(["overdue", "--ledger", "ledger"], env, here)  # the diagnostics go to stderr here
    ok(proc, 1)
    assert "HJP" in proc.stderr.decode(enc) and NAME.encode(enc, "replace").decode(enc) in proc.stderr.decode(enc)
    proc = hjp(["validate", "--ledger", "ledger", "--format", "json"], env, here)
    ok(proc, 1)
    assert any(NAME in d["message"] for d in json.loads(proc.stdout.decode(enc)))


def test_log_degrades(ledger: Path, here: Path) -> None:
    git = {"GIT_AUTHOR_NAME": NAME, "GIT_AUTHOR_EMAIL": "w@example.cn", "GIT_COMMITTER_NAME": NAME,
           "GIT_COMMITTER_EMAIL": "w@example.cn", "GIT_AUTHOR_DATE": "2026-11-01T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-11-01T10:00:00+08:00"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", f"录入{NAME}"]):
        subprocess.run(["git", *cmd], cwd=here, check=True, env={**os.environ, **git})
    proc = hjp(["log", "YH-2026-0001", "--ledger", "ledger"], GBK, here)
    ok(proc, 0)
    assert "王??" in proc.stdout.decode("gbk")
    proc = hjp(["log", "YH-2026-0001", "--ledger", "ledger", "--json"], GBK, here)
    ok(proc, 0)
    assert json.loads(proc.stdout.decode("gbk"))["commits"][0]["author"] == NAME


def test_junit_replaces_what_xml_cannot_hold(here: Path) -> None:
    """Names the reader cannot refuse — a village folder whose name is not UTF-8 (a surrogate), a
    control character in a file name — still make a report GitLab and Jenkins can parse."""
    odd = "villages/\udcba\udcce/hazards.yaml"
    diags = [error("HJP011", odd, slug="\udcba\udcce\x01", problem="不合规\ufffe")]
    item = Item(key="YH-1", id="YH-1", kind="hazard", title="坏\x1b标题\ufffe", village=None,
                due=date(2026, 11, 1), days=29, lead=[])
    findings = Findings(as_of=date(2026, 11, 30), overdue=[item])
    buf = io.StringIO()
    check_junit(CheckResult(diagnostics=diags, findings=findings, fail_on="overdue", files=[odd]), buf)
    root = ET.fromstring(buf.getvalue().encode("utf-8"))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == ["villages/\\uDCBA\\uDCCE/hazards.yaml", "YH-1 坏\\u001B标题\\uFFFE"]
    assert "\\u0001 不合规\\uFFFE" in root.find(".//failure").text  # type: ignore[union-attr]


def test_reader_refuses_noncharacter_escapes(make_ledger, here: Path) -> None:
    """`title: "\\uFFFE"` validated clean, then broke Word files and the JUnit report."""
    make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS.replace(f"title: {TITLE}", 'title: "灯\\uFFFE"')})
    proc = hjp(["validate", "--ledger", "ledger"], {}, here)
    assert proc.returncode == 1
    assert proc.stdout.decode() == (
        "ledger/villages/hejiapan/hazards.yaml:3:12: error HJP008: 文字中含有非字符 U+FFFE（转义写法，会损坏 Word 文件）；"
        "请删除\n发现 1 个错误、0 个警告（3 个文件、0 条记录）。\n")
