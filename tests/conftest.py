"""Shared pytest fixtures: small ledgers written into a temp dir, and validating them.

Kept small and generic on purpose; other areas' tests add their fixtures here too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parent.parent

# A fixed "today" for rules that compare against it: tests never ask the clock.
AS_OF = date(2026, 11, 28)

TOWN_YAML = """\
name: 测试镇
county: 测试县
plan: {title: 测试方案, doc_no: 测〔2024〕1号, issued_on: 2024-03-31, start: 2024-03-31, end: 2026-12-31}
phases:
  - {name: 集中攻坚阶段, start: 2024-04-01, end: 2025-12-31}
actions:
  1: 安全生产责任落实行动
  2: 隐患排查整治行动
"""


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test, and every hjp process it starts, sees the same "today" whatever the machine's
    clock says (the suite went red on the day a wording switched to its "today" form)."""
    monkeypatch.setenv("HJP_TODAY", "2026-11-30")


@pytest.fixture(autouse=True)
def _private_cache_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """hjp's per-user cache key (hjp/cachetag.py) lives in a temp dir for the whole run, never in the
    tester's home; subprocesses inherit it."""
    monkeypatch.setenv("HJP_CACHE_KEY_DIR", str(tmp_path_factory.getbasetemp() / "hjp-cache-key"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files (expected.txt ...) from the current output instead of comparing")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in ``tmp_path``: chdir there, no ``HJP_LEDGER`` from outside, no cache (tests see fresh runs)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HJP_LEDGER", raising=False)
    monkeypatch.setenv("HJP_NO_CACHE", "1")
    return tmp_path


@pytest.fixture
def make_ledger(here: Path) -> Callable[..., Path]:
    """Write a ledger under ``tmp_path/ledger`` and chdir to ``tmp_path``; returns ``Path("ledger")``.

    ``files`` maps paths inside the ledger to text (UTF-8) or bytes; ``town.yaml`` defaults to
    TOWN_YAML (pass ``town=None`` to leave it out). A village dir named in ``files`` gets a
    ``village.yaml`` unless ``files`` gives one (or maps it to None: no file).
    """
    tmp_path = here

    def make(files: dict[str, str | bytes | None] | None = None, *, town: str | None = TOWN_YAML) -> Path:
        root = tmp_path / "ledger"
        root.mkdir(exist_ok=True)
        files = dict(files or {})
        if town is not None:
            files.setdefault("town.yaml", town)
        for rel in list(files):
            parts = Path(rel).parts
            if len(parts) >= 3 and parts[0] == "villages":
                files.setdefault(f"villages/{parts[1]}/village.yaml", f"name: {parts[1]}村\n")
        for rel, content in files.items():
            if content is None:
                continue
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return Path("ledger")

    return make


@pytest.fixture
def diagnostics_of() -> Callable[..., list[str]]:
    """Load (without cache) and validate a ledger as of AS_OF; the diagnostics as text lines."""

    def run(root: Path, *, as_of: date = AS_OF, check_files: bool = True) -> list[str]:
        from hjp.load import load_ledger
        from hjp.rules import RuleContext, validate

        ledger = load_ledger(root, cache=False)
        return [str(d) for d in validate(ledger, RuleContext(as_of=as_of, check_files=check_files))]

    return run


# --------------------------------------------------------------------------- the sealed 举报人 store

_CUSTODIAN: list[tuple[str, str]] = []  # (private, public), made once per test session


def custodian_key() -> tuple[str, str]:
    """A custodian key pair for this test session (generated: no private key lives in the repository)."""
    if not _CUSTODIAN:
        from hjp.sealed import generate_identity

        _CUSTODIAN.append(generate_identity())
    return _CUSTODIAN[0]


def sealed_files(identities: dict[str, str]) -> dict[str, str]:
    """Files for ``make_ledger``: recipients.txt with the session's custodian, and each hazard's
    identity sealed to it (``{"YH-2026-0001": "张三丰"}``)."""
    from hjp import sealed

    public = custodian_key()[1]
    keys = [sealed.Recipient(public, "测试保管人", 1)]
    out = {"sealed/recipients.txt": sealed.recipients_text(None, public, "测试保管人 应急办 2026-11-30")}
    for rid, text in identities.items():
        out[f"sealed/{rid}.age"] = sealed.seal(rid, text, keys).decode("ascii")
    return out
