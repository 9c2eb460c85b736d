"""Small things a clerk meets: a report as of a day before the plan, an ID typed in
lower case on a phone keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp.cli import app

FIXTURE = Path(__file__).resolve().parent.parent / "report" / "fixture" / "ledger"
HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-11-20}
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["md", "json", "docx"])
def test_a_report_before_the_plan_began_is_refused(here, fmt):
    r = run("report", "self-check", "--ledger", str(FIXTURE), "--as-of", "1999-01-01", "--format", fmt,
            *(["-o", "x.docx"] if fmt == "docx" else []))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == ("hjp: 错误：--as-of 1999-01-01 早于方案实施日期 2024年3月31日，这一天还没有可报告的内容；"
                        "请写方案实施之后的日期，例如 --as-of 2024-03-31\n")
    assert not (here / "x.docx").exists()
    assert run("report", "self-check", "--ledger", str(FIXTURE), "--as-of", "2024-03-31").exit_code == 0


def test_an_id_in_lower_case_gets_the_upper_case_one(make_ledger, here):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARDS})
    r = run("rectify", "yh-2026-0001", "--ledger", str(root), "--on", "2026-11-19")
    assert r.exit_code == 1
    assert r.stderr == "hjp: 错误：台账中没有编号为 yh-2026-0001 的记录；是不是要写 YH-2026-0001？（编号中的字母要大写）\n"
    assert (here / "ledger/villages/cun/hazards.yaml").read_text(encoding="utf-8") == HAZARDS


@pytest.mark.skipif(__import__("os").name == "nt", reason="POSIX permission bits")
def test_chmod_is_advised_only_for_a_file_that_holds_a_key(tmp_path, here):
    from conftest import custodian_key

    from hjp.sealed import SealError, load_identity

    other = tmp_path / "passwd"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    other.chmod(0o644)
    with pytest.raises(SealError) as caught:
        load_identity(other, here / "ledger")
    assert "chmod 600" not in caught.value.message and "不是 age 私钥" in caught.value.message
    key = tmp_path / "key.txt"
    key.write_text(custodian_key()[0] + "\n", encoding="utf-8")
    key.chmod(0o644)
    with pytest.raises(SealError) as caught:
        load_identity(key, here / "ledger")
    assert f"请先运行 chmod 600 '{key}'" in caught.value.message


def test_a_demo_inside_a_real_ledger_is_refused(make_ledger, here):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARDS})
    r = run("demo", str(root / "villages" / "shiyan"))
    assert r.exit_code == 2
    assert r.stderr == "hjp: 错误：ledger/villages/shiyan 在台账 ledger 里面；示例台账请生成在台账之外，例如 hjp demo 示例台账\n"
    assert not (here / "ledger" / "villages" / "shiyan").exists()


def test_a_report_source_without_a_reporter_is_said_to_be_anonymous(make_ledger, here):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARDS})
    r = run("new", "hazard", "--ledger", str(root), "--village", "cun", "--title", "举报的隐患", "--sector", "消防",
            "--level", "一般", "--source", "举报", "--owner", "李某", "--deadline", "2026-12-10")
    assert r.exit_code == 0, r.stderr
    assert ("hjp: 提示：没有输入举报人，按匿名举报登记；要密封保存举报人，请加 --reporter -（从标准输入读入）"
            "或在终端中按提示输入\n") in r.stderr
    assert "reporter" not in (here / "ledger/villages/cun/hazards.yaml").read_text(encoding="utf-8")
