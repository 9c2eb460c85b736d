"""Data-driven cases: tests/cases/valid/<case>/ validate clean; tests/cases/invalid/<case>/ give expected.txt.

Each case dir is a small repository: ``ledger/`` plus whatever its evidence paths name. It is copied
(symlinks kept) into a temp dir so that the repository root is the case dir, not this checkout, and
``hjp validate --ledger ledger`` runs in-process with the copy as the working directory.
``expected.txt`` is the exact output: stdout, then stderr (for usage errors), as the clerk sees it.
Refresh after an intended change with ``pytest tests/unit/test_cases.py --update-goldens`` and
review the diff.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp.cli import app

REPO = Path(__file__).resolve().parent.parent.parent
CASES = REPO / "tests" / "cases"
VALID = sorted(p.name for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p.name for p in (CASES / "invalid").iterdir() if p.is_dir())


def run_case(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    work = tmp_path / src.name
    shutil.copytree(src, work, symlinks=True, ignore=shutil.ignore_patterns("expected.txt"))
    monkeypatch.chdir(work)
    monkeypatch.delenv("HJP_LEDGER", raising=False)
    monkeypatch.setenv("HJP_NO_CACHE", "1")
    result = CliRunner().invoke(app, ["validate", "--ledger", "ledger"], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_there_are_cases():
    assert len(VALID) >= 4 and len(INVALID) >= 30


@pytest.mark.parametrize("name", VALID)
def test_valid_case_is_clean(name, tmp_path, monkeypatch):
    code, out, err = run_case(CASES / "valid" / name, tmp_path, monkeypatch)
    assert (code, err) == (0, "")
    assert out.startswith("台账检查通过：") and out.count("\n") == 1, out


@pytest.mark.parametrize("name", INVALID)
def test_invalid_case_gives_expected_output(name, tmp_path, monkeypatch, update_goldens):
    src = CASES / "invalid" / name
    start = time.perf_counter()
    code, out, err = run_case(src, tmp_path, monkeypatch)
    elapsed = time.perf_counter() - start
    expected_file = src / "expected.txt"
    if update_goldens:
        expected_file.write_text(out + err, encoding="utf-8")
    assert out + err == expected_file.read_text(encoding="utf-8")
    # exit codes (DESIGN §5): 2 for unusable input (message on stderr), 1 for errors, 0 for warnings only
    if err:
        assert (code, out) == (2, "")
    else:
        assert code == (1 if " error HJP" in out else 0)
    assert elapsed < 1.0, f"{name} took {elapsed:.2f} s"  # the alias bomb above all must be refused fast


def test_shipped_ledger_validates_clean(monkeypatch):
    """The town's real ledger (ledgers/), through the same code path as `hjp validate`."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("HJP_LEDGER", raising=False)
    monkeypatch.setenv("HJP_NO_CACHE", "1")  # never write a cache into the checkout from a test
    result = CliRunner().invoke(app, ["validate", "--ledger", "ledgers"], catch_exceptions=False)
    assert result.stderr == ""
    assert result.stdout.startswith("台账检查通过："), result.stdout
    assert result.exit_code == 0
