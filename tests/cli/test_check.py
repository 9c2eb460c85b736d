"""`hjp check` through the CLI: validation and deadlines in one run, for CI — every format, the
--fail-on levels and the exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp.cli import app
from test_overdue import FILES  # the same small ledger: 3 overdue, 1 due soon, 1 stale, 1 awaiting closure

AS_OF = ["--as-of", "2026-11-30"]
H = "ledger/villages/dongzhuang/hazards.yaml"

MESSAGES = [
    ("ledger/tasks.yaml", 2, "逾期", "RW-8-2@2026Q3",
     "周期任务 RW-8-2@2026Q3「主要负责人每季度带队检查（2026年第3季度）」应于 2026-09-30 完成，已逾期 61 天（责任人：张志瑞）；"
     "落实后在 occurrences 下记一条（date: 落实日期）"),
    ("ledger/villages/dongzhuang/drills.yaml", 2, "逾期", "YL-2026-0001",
     "演练 YL-2026-0001「东庄加油站疏散逃生演练」应于 2026-11-20 完成，已逾期 10 天（责任人：孙某）；实施后填写 held_on"),
    (H, 2, "逾期", "YH-2026-0001",
     "隐患 YH-2026-0001「卸油区静电接地装置失效」应于 2026-11-25 完成，已逾期 5 天（责任人：王某）；整改完成后填写 rectified_on"),
    (H, 11, "即将到期", "YH-2026-0002", "隐患 YH-2026-0002「急弯路段缺少警示标志」应于 2026-12-02 完成，还剩 2 天（责任人：李某）"),
    ("ledger/villages/dongzhuang/tasks.yaml", 2, "长期未更新", "RW-dz-1",
     "任务 RW-dz-1「常态化开展安全宣传进村入户」已超过 90 天没有进展记录，应于 2026-09-29 前更新，已超过 62 天（责任人：刘某）；"
     "请在 progress 下记录最新进展（date、note）"),
    (H, 18, "待销号", "YH-2026-0003",
     "隐患 YH-2026-0003「电线私拉乱接」整改完成已超过 30 天仍未销号，应于 2026-10-31 前验收销号，已超过 30 天（责任人：赵某）；"
     "请组织验收并填写 verified_by 和 closed_on"),
]
COUNTS = "逾期 3 项、即将到期 1 项、长期未更新 1 项、待销号 1 项"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={"GITHUB_ACTIONS": None, **(env or {})}, catch_exceptions=False)


@pytest.fixture
def led(make_ledger) -> Path:
    return make_ledger(FILES)


def text_lines(failing: set[str]) -> str:
    return "".join(f"{p}:{line}:1: {'error' if b in failing else 'warning'} {b}: {msg}\n"
                   for p, line, b, _key, msg in MESSAGES)


LATE = {"逾期", "长期未更新", "待销号"}


def tally(failing: set[str], *, errors: int = 0, warnings: int = 0) -> str:
    """The summary's counts: every line printed above it, deadline lines by the level they were printed at."""
    late_e = sum(1 for _p, _l, b, _k, _m in MESSAGES if b in failing)
    late_w = len(MESSAGES) - late_e
    return (f"{errors + late_e} 个错误、{warnings + late_w} 个警告（台账格式 {errors} 个错误、{warnings} 个警告；"
            f"期限 {late_e} 个错误、{late_w} 个警告）")


@pytest.mark.parametrize("fail_on, failing, code, verdict", [
    ([], LATE, 1, "检查未通过（--fail-on overdue"),
    (["--fail-on", "overdue"], LATE, 1, "检查未通过（--fail-on overdue"),
    (["--fail-on", "error"], set(), 0, "检查通过（--fail-on error"),
    (["--fail-on", "due-soon"], LATE | {"即将到期"}, 1, "检查未通过（--fail-on due-soon"),
])
def test_text(led: Path, fail_on: list[str], failing: set[str], code: int, verdict: str) -> None:
    res = invoke("check", "--ledger", str(led), *AS_OF, *fail_on)
    assert res.exit_code == code
    assert res.stdout == text_lines(failing) + f"{verdict}，截至 2026-11-30）：{tally(failing)}；{COUNTS}。\n"


@pytest.mark.parametrize("as_of, fail_on, code", [
    ("2026-04-01", "overdue", 1),   # the ongoing task without progress is stale since 2024-06-29
    ("2026-07-03", "overdue", 0),   # nothing late; nothing due within 7 days
    ("2026-07-03", "due-soon", 0),
    ("2026-11-16", "overdue", 1),
    ("2026-09-28", "overdue", 0),   # RW-8-2's third quarter is due in 2 days: due soon only
    ("2026-09-28", "due-soon", 1),
])
def test_exit_codes_follow_fail_on(led: Path, as_of: str, fail_on: str, code: int) -> None:
    res = invoke("check", "--ledger", str(led), "--as-of", as_of, "--fail-on", fail_on, "--format", "json")
    assert res.exit_code == code
    assert json.loads(res.stdout)["ok"] is (code == 0)


def test_github_annotations_at_each_record(led: Path) -> None:
    res = invoke("check", "--ledger", str(led), *AS_OF, "--format", "github")
    assert res.exit_code == 1
    want = "".join(f"::{'error' if b in LATE else 'warning'} file={p},line={line},title={b} {key}::{msg}\n"
                   for p, line, b, key, msg in MESSAGES)
    assert res.stdout == want + f"检查未通过（--fail-on overdue，截至 2026-11-30）：{tally(LATE)}；{COUNTS}。\n"


def test_github_is_the_default_on_github_actions(led: Path) -> None:
    auto = invoke("check", "--ledger", str(led), *AS_OF, env={"GITHUB_ACTIONS": "true"})
    explicit = invoke("check", "--ledger", str(led), *AS_OF, "--format", "github")
    assert auto.stdout == explicit.stdout and auto.stdout.startswith("::error file=ledger/tasks.yaml,line=2,")
    text = invoke("check", "--ledger", str(led), *AS_OF, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert text.stdout.startswith("ledger/tasks.yaml:2:1: error 逾期: ")
    other = invoke("check", "--ledger", str(led), *AS_OF, env={"GITHUB_ACTIONS": "false"})
    assert other.stdout == text.stdout


def test_github_escapes_properties_and_newlines(make_ledger) -> None:
    files = dict(FILES)
    files["villages/dongzhuang/hazards.yaml"] = files["villages/dongzhuang/hazards.yaml"].replace(
        "title: 急弯路段缺少警示标志", 'title: "急弯: 50%\\n路段"')
    res = invoke("check", "--ledger", str(make_ledger(files)), *AS_OF, "--format", "github")
    line = next(x for x in res.stdout.splitlines() if "YH-2026-0002" in x)
    assert line == ("::warning file=ledger/villages/dongzhuang/hazards.yaml,line=11,title=即将到期 YH-2026-0002::"
                    "隐患 YH-2026-0002「急弯: 50%25%0A路段」应于 2026-12-02 完成，还剩 2 天（责任人：李某）")


def test_json(led: Path) -> None:
    from test_overdue import EXPECTED_JSON

    res = invoke("check", "--ledger", str(led), *AS_OF, "--format", "json")
    assert res.exit_code == 1
    assert json.loads(res.stdout) == {"ok": False, "fail_on": "overdue", "diagnostics": [], "deadlines": EXPECTED_JSON}


def test_junit(led: Path) -> None:
    res = invoke("check", "--ledger", str(led), *AS_OF, "--format", "junit")
    assert res.exit_code == 1
    assert res.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hjp check" tests="14" '
                                 'failures="5" errors="0">\n')
    root = ET.fromstring(res.stdout)
    files, deadlines = root.findall("testsuite")
    assert files.attrib == {"name": "台账检查", "tests": "8", "failures": "0", "errors": "0"}
    assert [c.get("name") for c in files] == [
        "ledger/town.yaml", "ledger/tasks.yaml", "ledger/villages/dongzhuang/village.yaml",
        "ledger/villages/dongzhuang/units.yaml", H, "ledger/villages/dongzhuang/drills.yaml",
        "ledger/villages/dongzhuang/tasks.yaml", "ledger/villages/dongzhuang/inspections.yaml"]
    assert deadlines.attrib == {"name": "期限", "tests": "6", "failures": "5", "errors": "0"}
    got = []
    for case in deadlines:
        failure = case.find("failure")
        out = case.find("system-out")
        got.append((case.get("file"), int(case.get("line")), case.get("classname"), case.get("name").split()[0],
                    failure.get("message") if failure is not None else out.text))
        if failure is not None:
            assert failure.text == failure.get("message")
    assert got == [(p, line, f"期限.{b}", key, msg) for p, line, b, key, msg in MESSAGES]


def test_junit_failures_per_file_for_validation_errors(make_ledger) -> None:
    files = dict(FILES)
    files["villages/dongzhuang/hazards.yaml"] = files["villages/dongzhuang/hazards.yaml"].replace(
        "source: 检查", "source: 自查\n    reporter: 李四")
    files["villages/dongzhuang/drills.yaml"] += "    held_on: 2027-01-05\n"
    res = invoke("check", "--ledger", str(make_ledger(files)), *AS_OF, "--format", "junit", "--fail-on", "error")
    assert res.exit_code == 1
    suite = ET.fromstring(res.stdout).find("testsuite")
    assert suite.get("failures") == "1"
    bad = next(c for c in suite if c.get("name") == H)
    assert bad.find("failure").get("message") == "2 个错误"
    assert bad.find("failure").text == (
        f"{H}:16:15: error HJP206: 只有来源为 举报 的隐患才填写 reporter（举报人），此隐患来源为 自查；"
        "请删除 reporter 或把 source 改为 举报\n"
        f"{H}:16:15: error HJP240: reporter（举报人）以明文写在台账中，任何能拿到仓库的人都能看到；"
        "举报人信息只能存放在密封文件中，这里只写 已密封。请运行 hjp seal migrate 把它移入密封存储")
    drills = next(c for c in suite if c.get("name") == "ledger/villages/dongzhuang/drills.yaml")
    assert drills.find("failure") is None
    assert drills.find("system-out").text == (
        "ledger/villages/dongzhuang/drills.yaml:8:14: warning HJP217: 演练实施日期 held_on 2027-01-05 "
        "晚于计算日期 2026-11-30（--as-of），按该日计算时不计入统计")


def test_validation_errors_fail_at_every_level(make_ledger) -> None:
    files = dict(FILES)
    files["villages/dongzhuang/units.yaml"] = files["villages/dongzhuang/units.yaml"].replace("危险化学品", "危化品")
    led = make_ledger(files)
    for level in ("error", "overdue", "due-soon"):
        res = invoke("check", "--ledger", str(led), *AS_OF, "--fail-on", level)
        assert res.exit_code == 1
        assert res.stdout.startswith("ledger/villages/dongzhuang/units.yaml:4:13: error HJP216: ")
        assert "（台账格式 1 个错误、0 个警告；" in res.stdout.splitlines()[-1]


def test_reporter_never_in_any_format(led: Path) -> None:
    for fmt in ("text", "json", "github", "junit"):
        out = invoke("check", "--ledger", str(led), *AS_OF, "--format", fmt, "--fail-on", "due-soon").stdout
        assert "张三丰" not in out and "YH-2026-0004" not in out


@pytest.mark.parametrize("args, code, err", [
    (["--ledger", "nowhere"], 2, "hjp: 错误：找不到台账目录 nowhere；请用 --ledger 指定，或设置环境变量 HJP_LEDGER\n"),
    (["--ledger", "ledger", "--as-of", "2026-13-01"], 2,
     "hjp: 错误：--as-of 的日期 2026-13-01 无效；请写成 YYYY-MM-DD，例如 2026-12-15\n"),
])
def test_usage_errors(led: Path, args: list[str], code: int, err: str) -> None:
    res = invoke("check", *args)
    assert (res.exit_code, res.stdout, res.stderr) == (code, "", err)


def test_bad_option_values_exit_2(led: Path) -> None:
    for args in (["--fail-on", "warning"], ["--format", "xml"]):
        res = invoke("check", "--ledger", str(led), *args)
        assert res.exit_code == 2


REPO = Path(__file__).resolve().parent.parent.parent


def test_shipped_ci_files() -> None:
    import yaml

    wf = yaml.safe_load((REPO / ".github/workflows/ledger.yml").read_text(encoding="utf-8"))
    on = wf.get("on", wf.get(True))  # PyYAML (YAML 1.1) reads the key `on` as True; GitHub does not
    assert set(on) >= {"push", "pull_request", "schedule"}
    assert on["schedule"] == [{"cron": "30 0 * * *"}]  # 00:30 UTC is 08:30 in Beijing
    runs = [s.get("run", "") for s in wf["jobs"]["check"]["steps"]]
    assert "python -m pip install ." in runs
    assert any(r.startswith("hjp check --ledger ledgers ") for r in runs)
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["entry"], h["language"], h["pass_filenames"]) for h in hooks] == [
        ("hjp-validate", "hjp validate", "python", False)]
