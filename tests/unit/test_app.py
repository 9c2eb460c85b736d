"""The application object and the thin CLI over hjp.api: one place for messages and exit codes,
commands short enough to read, a library that leaves the process as it found it."""

from __future__ import annotations

import ast
import gc
from datetime import date
from pathlib import Path

import pytest

from hjp import api, load
from hjp.app import APP, Exit
from hjp.errors import EditError, LedgerNotFound, UsageError

REPO = Path(__file__).resolve().parent.parent.parent
CLI_MODULES = ["hjp/cli.py", "hjp/cliargs.py", "hjp/app.py"]
MAX_LINES = 60


@pytest.mark.parametrize("module", CLI_MODULES)
def test_no_cli_function_is_over_60_lines(module):
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    long = [f"{n.name} ({n.end_lineno - n.lineno + 1} lines, line {n.lineno})" for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > MAX_LINES]
    assert long == [], f"{module}: move the work into hjp.api (or a helper) and keep the command thin"


@pytest.mark.parametrize("command", ["validate", "overdue", "check", "rectify", "close", "done", "held", "void",
                                     "import_xlsx"])
def test_these_commands_are_one_api_call(command):
    """Each parses its options, calls one hjp.api function, renders and exits (sqlite-utils' shape)."""
    tree = ast.parse((REPO / "hjp/cli.py").read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == command)
    text = ast.unparse(fn)
    assert "api." in text
    for low_level in ("load_ledger", "RuleContext", "Transaction(", "runcache.", "compute("):
        assert low_level not in text, (command, low_level)


def test_guard_turns_refusals_into_messages_and_exit_codes(capsys):
    class SealLike(Exception):  # another area's error: a message and a code, not an HjpError
        def __init__(self) -> None:
            self.message, self.code = "保管人公钥不对", 1

    for exc, code, text in [(EditError("已于 2026-11-20 销号", 1), 1, "hjp: 错误：已于 2026-11-20 销号\n"),
                            (UsageError("--within 不能为负数"), 2, "hjp: 错误：--within 不能为负数\n"),
                            (LedgerNotFound("找不到台账目录 x"), 2, "hjp: 错误：找不到台账目录 x\n"),
                            (SealLike(), 1, "hjp: 错误：保管人公钥不对\n")]:
        with pytest.raises(Exit) as out, APP.guard():
            raise exc
        assert out.value.code == code
        assert capsys.readouterr().err == text
    with pytest.raises(ZeroDivisionError), APP.guard():  # a bug is not a refusal: it goes on
        1 / 0


def test_load_ledger_leaves_the_garbage_collector_as_it_found_it(make_ledger, monkeypatch):
    """It called gc.freeze() on every large ledger and never undid it (a library must not)."""
    root = make_ledger({"villages/cun/hazards.yaml": "hazards: []\n"})
    monkeypatch.setattr(load, "_FREEZE_MIN_RECORDS", 0)
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    load.load_ledger(root, cache=False)
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)
    try:  # the CLI may ask for it (a short-lived process)
        load.load_ledger(root, cache=False, freeze=True)
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_api_functions_return_results_and_never_print(make_ledger, capsys):
    root = make_ledger({"villages/cun/hazards.yaml": (
        "hazards:\n  - id: YH-2026-0001\n    title: t\n    sector: 消防\n    level: 一般\n    source: 自查\n"
        "    found_on: 2026-11-01\n    rectification: {owner: 王某, deadline: 2026-11-20}\n")})
    clock = lambda tz: date(2026, 11, 28)  # noqa: E731
    result = api.validate(root, clock=clock, cache=False)
    assert (result.diagnostics, result.files, result.records) == ([], 3, 1)
    late = api.overdue(root, as_of=None, clock=clock)
    assert [i.key for i in late.findings.overdue] == ["YH-2026-0001"]
    assert api.check(root, as_of=None, clock=clock).failed
    out = api.rectify(root, "YH-2026-0001", on=date(2026, 11, 21), clock=clock, cache=False)
    assert out.written[0][1:] == (2, "- id: YH-2026-0001\n  title: t\n  sector: 消防\n  level: 一般\n  source: 自查\n"
                                     "  found_on: 2026-11-01\n  rectification: {owner: 王某, deadline: 2026-11-20}\n"
                                     "  rectified_on: 2026-11-21")
    with pytest.raises(UsageError, match="台账中没有村 nowhere"):
        api.overdue(root, as_of=None, clock=clock, village="nowhere")
    assert capsys.readouterr() == ("", "")
