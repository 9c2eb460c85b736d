"""`hjp validate` and `hjp schemas --check` through the CLI: formats, exit codes, env var, version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp import __version__
from hjp.cli import app

REPO = Path(__file__).resolve().parent.parent.parent
CASES = REPO / "tests" / "cases"

BAD_LINE = ("ledger/villages/cun/hazards.yaml:9:15: error HJP206: 只有来源为 举报 的隐患才填写 reporter（举报人），"
            "此隐患来源为 自查；请删除 reporter 或把 source 改为 举报")
MISSING = ("ledger/villages/cun/hazards.yaml:14:9: warning HJP208: 佐证材料 evidence/missing.jpg 不存在；"
           "请把文件放到仓库的这个位置，或改正路径")


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def case_dir(tmp_path, monkeypatch):
    """Copy a case into tmp (its own repository root) and chdir there."""
    monkeypatch.delenv("HJP_LEDGER", raising=False)
    monkeypatch.setenv("HJP_NO_CACHE", "1")

    def copy(kind: str, name: str) -> Path:
        work = tmp_path / name
        shutil.copytree(CASES / kind / name, work, symlinks=True, ignore=shutil.ignore_patterns("expected.txt"))
        monkeypatch.chdir(work)
        return work

    return copy


def test_text_format_and_exit_1(case_dir):
    case_dir("invalid", "reporter-without-report")
    result = invoke("validate", "--ledger", "ledger")
    assert result.exit_code == 1
    assert result.stdout == BAD_LINE + "\n发现 1 个错误、0 个警告（3 个文件、1 条记录）。\n"
    assert result.stderr == ""


def test_json_format(case_dir):
    case_dir("invalid", "reporter-without-report")
    result = invoke("validate", "--ledger", "ledger", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "path": "ledger/villages/cun/hazards.yaml", "line": 9, "col": 15, "severity": "error", "code": "HJP206",
        "message": "只有来源为 举报 的隐患才填写 reporter（举报人），此隐患来源为 自查；请删除 reporter 或把 source 改为 举报",
        "record": "YH-2024-0001",
    }]
    # Chinese stays readable in the JSON text itself
    assert "举报人" in result.stdout


def test_json_format_clean_is_an_empty_list(case_dir):
    case_dir("valid", "full")
    result = invoke("validate", "--ledger", "ledger", "--format", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_github_format_escapes_and_warnings_exit_0(case_dir):
    case_dir("invalid", "unknown-file")
    (Path("ledger/villages/cun/hazard.yaml")).unlink()  # HJP016, an error since issue 8: warnings only here
    result = invoke("validate", "--ledger", "ledger", "--format", "github")
    assert result.exit_code == 0  # warnings only
    assert result.stdout == (
        "::warning file=ledger/villages/cun/notes.yaml,line=1,col=1,title=HJP013::不认识的文件 notes.yaml，不会被读取"
        "；村目录只放 village.yaml、units.yaml、hazards.yaml、drills.yaml、tasks.yaml、inspections.yaml\n")


def test_github_format_errors(case_dir):
    case_dir("invalid", "evidence-escape")
    result = invoke("validate", "--ledger", "ledger", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("::error file=ledger/villages/cun/hazards.yaml,line=11,col=9,title=HJP207::佐证材料路径 ../outside.jpg")
    assert lines[3] == "::warning file=ledger/villages/cun/hazards.yaml,line=14,col=9,title=HJP208::" + MISSING.split("HJP208: ")[1]


def test_clean_ledger_exit_0(case_dir):
    case_dir("valid", "full")
    result = invoke("validate", "--ledger", "ledger")
    assert result.exit_code == 0
    assert result.stdout == "台账检查通过：9 个文件、12 条记录，没有发现问题。\n"


def test_default_ledger_is_dot_ledgers(case_dir, tmp_path):
    work = case_dir("valid", "minimal")
    (work / "ledger").rename(work / "ledgers")
    result = invoke("validate")
    assert (result.exit_code, result.stdout) == (0, "台账检查通过：1 个文件、0 条记录，没有发现问题。\n")


def test_hjp_ledger_env_var(case_dir, tmp_path):
    work = case_dir("invalid", "reporter-without-report")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import os
    os.chdir(elsewhere)
    result = invoke("validate", env={"HJP_LEDGER": str(work / "ledger")})
    assert result.exit_code == 1
    # outside the current directory the path is shown as given
    assert result.stdout.splitlines()[0] == BAD_LINE.replace("ledger/villages", f"{work}/ledger/villages")
    # --ledger wins over the environment
    os.chdir(work)
    result = invoke("validate", "--ledger", "nope", env={"HJP_LEDGER": str(work / "ledger")})
    assert result.exit_code == 2


def test_missing_ledger_dir_exit_2_in_chinese(case_dir):
    case_dir("valid", "minimal")
    result = invoke("validate", "--ledger", "no-such-dir")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "hjp: 错误：找不到台账目录 no-such-dir；请用 --ledger 指定，或设置环境变量 HJP_LEDGER\n"


def test_a_file_instead_of_a_dir_exit_2(case_dir):
    case_dir("valid", "minimal")
    result = invoke("validate", "--ledger", "ledger/town.yaml")
    assert result.exit_code == 2
    assert result.stderr == "hjp: 错误：ledger/town.yaml 是一个文件，不是台账目录；台账目录是 town.yaml 所在的目录：--ledger ledger\n"


def test_bad_format_is_a_usage_error(case_dir):
    case_dir("valid", "minimal")
    result = invoke("validate", "--ledger", "ledger", "--format", "xml")
    assert result.exit_code == 2
    assert "xml" in result.stderr and result.stdout == ""


def test_version():
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, f"hjp {__version__}\n")


def test_validate_help_is_chinese():
    result = invoke("validate", "--help")
    assert result.exit_code == 0
    assert "检查台账的每个文件" in result.stdout and "示例：hjp validate --ledger ledgers" in result.stdout


def test_schemas_check_passes_on_the_checkout():
    result = invoke("schemas", "--check")
    assert (result.exit_code, result.stdout) == (0, "")


def test_schemas_check_fails_on_stale_and_regenerates(tmp_path):
    out = tmp_path / "schemas"
    result = invoke("schemas", "--check", "--out", str(out))
    assert result.exit_code == 1
    assert f"{out}/town.schema.json: 已过期，请运行 hjp schemas 重新生成\n" in result.stdout
    result = invoke("schemas", "--out", str(out))
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in (REPO / "schemas").glob("*.json"))
    for p in out.iterdir():
        assert p.read_text(encoding="utf-8") == (REPO / "schemas" / p.name).read_text(encoding="utf-8")
    (out / "units.schema.json").write_text("{}", encoding="utf-8")
    result = invoke("schemas", "--check", "--out", str(out))
    assert (result.exit_code, result.stdout) == (1, f"{out}/units.schema.json: 已过期，请运行 hjp schemas 重新生成\n")
