"""Usage errors and help scaffolding reach the clerk in Chinese through hjp.cli.main."""

from __future__ import annotations

import pytest

from hjp.cli import main, usage_message


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["validat"], "hjp: 用法错误：没有命令 validat；是不是要写 validate？\n运行 hjp -h 查看用法。\n"),
        (["validate", "--format", "xml"],
         "hjp: 用法错误：--format 的值 xml 不在可选范围内（text、json、github）\n运行 hjp validate -h 查看用法。\n"),
        (["validate", "--ledger", "x", "a", "b"], "hjp: 用法错误：多余的参数：a b\n运行 hjp validate -h 查看用法。\n"),
        (["overdue", "--within", "x"], "hjp: 用法错误：--within 的值 x 不是整数\n运行 hjp overdue -h 查看用法。\n"),
        (["close"], "hjp: 用法错误：缺少参数 hazard\n运行 hjp close -h 查看用法。\n"),
    ],
)
def test_usage_errors_are_chinese_with_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                                              expected: str) -> None:
    code, out, err = run_main(capsys, *argv)
    assert (code, out, err) == (2, "", expected)


def test_help_scaffolding_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "validate", "-h")
    assert code == 0 and err == ""
    assert out.startswith("用法：hjp validate [OPTIONS]\n")
    assert "选项" in out and "显示本帮助并退出" in out and "[环境变量：HJP_LEDGER]" in out
    assert "Show this message" not in out and "Usage:" not in out


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_new_help_never_cuts_a_record_kind(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                           width: str) -> None:
    # the kind list has no spaces of its own; at 80 columns "training" was printed as "trainin" + "g"
    from hjp.kinds import KINDS
    monkeypatch.setenv("COLUMNS", width)
    code, out, _ = run_main(capsys, "new", "-h")
    assert code == 0
    lines = out.splitlines()
    for noun in [*(k.noun for k in KINDS), "village"]:
        assert any(f"{noun}（" in line for line in lines), noun


def test_bare_hjp_prints_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys)
    assert code == 0 and out.startswith("用法：hjp [OPTIONS] COMMAND") and "命令" in out


def test_unknown_message_shapes_pass_through() -> None:
    assert usage_message("Something new.") == "Something new."


@pytest.mark.parametrize("text", ["20261130", "2026-W48-1", "2026-11-3", "２０２６-11-30", "2026/11/30"])
def test_dates_on_the_command_line_are_yyyy_mm_dd_only(capsys: pytest.CaptureFixture[str], text: str) -> None:
    code, out, err = run_main(capsys, "overdue", "--ledger", "ledgers", "--as-of", text)
    assert (code, out) == (2, "")
    assert err == f"hjp: 错误：--as-of 的日期 {text} 无效；请写成 YYYY-MM-DD，例如 2026-12-15\n"


def test_iso_date_accepts_the_plain_form() -> None:
    from datetime import date

    from hjp.clock import iso_date

    assert iso_date("2024-02-29") == date(2024, 2, 29)
    with pytest.raises(ValueError):
        iso_date("2025-02-29")
