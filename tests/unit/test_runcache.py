"""The whole-run cache of `hjp validate`: same answer as a fresh run, never stale, light on a hit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp import runcache
from hjp.cli import app

HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-12-31}
    evidence: [evidence/YH-2026-0001/照片.jpg]
"""


@pytest.fixture
def ledger(make_ledger, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS})
    (root.parent / ".git").mkdir()  # the repository root for evidence paths
    monkeypatch.delenv("HJP_NO_CACHE", raising=False)
    monkeypatch.setattr("hjp.clock.today", lambda tz="Asia/Shanghai", now=None: date(2026, 11, 28))
    return root


def validate(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["validate", "--ledger", "ledger", *args], catch_exceptions=False)
    return res.exit_code, res.stdout


def entries(root: Path) -> list[Path]:
    d = root / ".hjp-cache" / runcache.SUBDIR
    return sorted(d.iterdir()) if d.is_dir() else []


MISSING = ("ledger/villages/hejiapan/hazards.yaml:9:16: warning HJP208: 佐证材料 evidence/YH-2026-0001/照片.jpg 不存在；"
           "请把文件放到仓库的这个位置，或改正路径\n")


def test_second_run_is_answered_from_the_cache_with_identical_output(ledger: Path) -> None:
    first = validate()
    assert first == (0, MISSING + "发现 0 个错误、1 个警告（3 个文件、1 条记录）。\n")
    assert len(entries(ledger)) == 1
    key = runcache.ledger_key(ledger, "ledger")
    assert key is not None and runcache.lookup(ledger, key, lambda tz: date(2026, 11, 28)) is not None
    assert validate() == first
    assert validate("--format", "json")[1].count('"HJP208"') == 1


def test_evidence_appearing_on_disk_is_a_miss(ledger: Path) -> None:
    validate()
    photo = ledger.parent / "evidence" / "YH-2026-0001" / "照片.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"jpg")
    assert validate() == (0, "台账检查通过：3 个文件、1 条记录，没有发现问题。\n")
    photo.unlink()
    assert validate()[1].startswith(MISSING)


def test_changed_file_new_file_and_new_village_are_misses(ledger: Path) -> None:
    validate()
    hz = ledger / "villages" / "hejiapan" / "hazards.yaml"
    hz.write_text(HAZARDS.replace("level: 一般", "level: 一搬"), encoding="utf-8")
    code, out = validate()
    assert code == 1 and "HJP105" in out
    hz.write_text(HAZARDS, encoding="utf-8")
    (ledger / "villages" / "hejiapan" / "hazard.yaml").write_text("", encoding="utf-8")
    assert "HJP016" in validate()[1]
    (ledger / "villages" / "xincun").mkdir()
    assert "HJP012" in validate()[1]


def test_a_new_name_at_the_top_is_a_miss(ledger: Path) -> None:
    """HJP016 looks at the ledger's top directory too, so its names are part of the key."""
    assert validate()[0] == 0
    (ledger / "Tasks.yaml").write_text("tasks: []\n", encoding="utf-8")
    assert "ledger/Tasks.yaml:1:1: error HJP016" in validate()[1]


def test_another_day_is_a_miss(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validate()
    key = runcache.ledger_key(ledger, "ledger")
    assert key is not None
    assert runcache.lookup(ledger, key, lambda tz: date(2026, 11, 29)) is None


def test_working_directory_is_part_of_the_key(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validate()
    monkeypatch.chdir(ledger)
    res = CliRunner().invoke(app, ["validate", "--ledger", "."], catch_exceptions=False)
    assert res.stdout.startswith("villages/hejiapan/hazards.yaml:9:16: warning HJP208")


def test_corrupt_entry_is_a_miss_and_is_replaced(ledger: Path) -> None:
    first = validate()
    (entry,) = entries(ledger)
    entry.write_bytes(b"not a pickle")
    assert validate() == first
    assert entry.read_bytes() != b"not a pickle"


def test_no_cache_env_writes_nothing(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HJP_NO_CACHE", "1")
    validate()
    assert entries(ledger) == []


def test_a_hit_imports_neither_pydantic_nor_the_models(ledger: Path) -> None:
    code = ("import sys, runpy; sys.argv = ['hjp', 'validate', '--ledger', 'ledger']\n"
            "try:\n    runpy.run_module('hjp', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml') or m == 'hjp.model'))")
    env = {k: v for k, v in os.environ.items() if k != "HJP_NO_CACHE"}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
            for _ in range(2)]
    assert runs[0].stdout.splitlines()[-1] != "[]"  # the first computes (and stores)
    assert runs[1].stdout.splitlines()[-1] == "[]"  # the second is a hit
    assert runs[0].stdout.splitlines()[:-1] == runs[1].stdout.splitlines()[:-1]


def test_arguments_shared_in_an_entry_keep_their_types(ledger: Path) -> None:
    """Equal (name, value) pairs are written once per entry; 1, 1.0 and True are equal in Python
    but read differently, so each comes back as it went in."""
    from hjp.diagnostics import warning
    from hjp.messages import part

    diags = [warning("HJP213", "a.yaml", n, 1, closed_on=value, since=part("hint.did_you_mean", word=value))
             for n, value in enumerate((1, 1.0, True, 1, "1"), start=1)]
    key = runcache.ledger_key(ledger, "ledger")
    runcache.store(ledger, key, timezone="Asia/Shanghai", day=date(2026, 11, 28), diagnostics=diags, files=1,
                   records=1, evidence={})
    back, _files, _records = runcache.lookup(ledger, key, lambda tz: date(2026, 11, 28))
    assert back == diags
    assert [type(dict(d.args)["closed_on"]) for d in back] == [int, float, bool, int, str]
    assert [d.message.split("；")[0] for d in back] == [d.message.split("；")[0] for d in diags]
    assert "closed_on 1.0 " in back[1].message and "closed_on True " in back[2].message


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs need privileges or do not exist")
def test_a_file_replaced_by_a_link_or_a_fifo_is_a_miss(ledger: Path, tmp_path: Path,
                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    """F20: a hazards file replaced by a link to a copy outside the repository (which the loader
    refuses to read, HJP014) was answered "台账检查通过" from the cache: the key followed the link
    to the same bytes. A dangling link and a FIFO gave the same key as each other too."""
    assert validate()[0] == 0
    hz = ledger / "villages" / "hejiapan" / "hazards.yaml"
    outside = tmp_path_factory.mktemp("outside") / "hz.yaml"  # out of the repository
    outside.write_bytes(hz.read_bytes())
    hz.unlink()
    hz.symlink_to(outside)
    fresh = CliRunner().invoke(app, ["validate", "--ledger", "ledger"], env={"HJP_NO_CACHE": "1"})
    assert "HJP014" in fresh.stdout
    assert validate() == (fresh.exit_code, fresh.stdout)
    hz.unlink()
    hz.symlink_to(tmp_path / "nowhere.yaml")
    dangling = validate()
    hz.unlink()
    os.mkfifo(hz)
    fresh = CliRunner().invoke(app, ["validate", "--ledger", "ledger"], env={"HJP_NO_CACHE": "1"})
    assert validate() == (fresh.exit_code, fresh.stdout) != dangling
