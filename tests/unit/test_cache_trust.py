"""The caches trust only what this user's hjp wrote: a planted entry is never unpickled or taken for an
answer, a cache directory that is a link is neither written nor pruned through, and the per-user key
is private (issue 8 item 16)."""

from __future__ import annotations

import os
import pickle
import stat
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hjp import cache, cachetag, demo, load, runcache
from hjp.cli import app
from hjp.load import load_ledger

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and symbolic links")


class Planted:
    """Unpickling this runs code: it creates the directory ``marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HJP_CACHE_DIR", raising=False)
    monkeypatch.delenv("HJP_NO_CACHE", raising=False)
    demo.generate(tmp_path / "ledger", villages=2, hazards=20, seed=5)
    return Path("ledger")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = load.parse_bytes

    def counting(raw: bytes, display: str, **kw: Any) -> Any:
        seen.append(display)
        return real(raw, display, **kw)

    monkeypatch.setattr(load, "parse_bytes", counting)
    return seen


def file_entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / cache.CACHE_DIR).glob("??/*") if p.is_file())


def validate() -> tuple[int, str]:
    res = CliRunner().invoke(app, ["validate", "--ledger", "ledger"], catch_exceptions=False)
    return res.exit_code, res.stdout


def test_a_planted_file_entry_is_never_unpickled(ledger: Path, tmp_path: Path, parses: list[str]) -> None:
    cold = load_ledger(ledger)
    entries = file_entries(ledger)
    assert entries and parses
    marker = tmp_path / "pwned"
    for entry in entries:  # the exact names hjp will look up, holding someone else's pickle
        entry.write_bytes(pickle.dumps(Planted(marker)))
    parses.clear()
    warm = load_ledger(ledger)
    assert not marker.exists()
    assert sorted(parses) == sorted(cold.display(p) for p in cold.files)  # every planted entry was a miss
    assert warm.diagnostics == cold.diagnostics and sorted(warm.loc_by_id) == sorted(cold.loc_by_id)
    assert all(cachetag.verified(e.read_bytes()) is not None for e in file_entries(ledger))  # rewritten, ours


def test_an_entry_tagged_with_another_users_key_is_a_miss(ledger: Path, tmp_path: Path, parses: list[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HJP_CACHE_KEY_DIR", str(tmp_path / "colleague"))
    load_ledger(ledger)  # a colleague's hjp fills a shared cache
    monkeypatch.setenv("HJP_CACHE_KEY_DIR", str(tmp_path / "clerk"))
    parses.clear()
    load_ledger(ledger)
    assert len(parses) == len(file_entries(ledger)) > 0


def test_a_planted_run_answer_is_neither_unpickled_nor_believed(ledger: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    hazards = ledger / "villages" / "hejiapan" / "hazards.yaml"
    hazards.write_text(hazards.read_text(encoding="utf-8").replace("level: 一般", "level: 特大", 1), encoding="utf-8")
    monkeypatch.setattr("hjp.clock.today", lambda tz="Asia/Shanghai", now=None: date(2026, 11, 30))
    first = validate()
    assert first[0] == 1 and "HJP1" in first[1]
    (entry,) = (ledger / cache.CACHE_DIR / runcache.SUBDIR).iterdir()
    # "passed": what someone who wants the errors hidden would plant under the key hjp computes
    entry.write_bytes(pickle.dumps((1, "Asia/Shanghai", "2026-11-30", [], 9, 99, {})))
    assert validate() == first
    entry.write_bytes(pickle.dumps(Planted(tmp_path / "pwned")))
    assert validate() == first
    assert not (tmp_path / "pwned").exists()


@posix_only
def test_a_linked_cache_subdirectory_is_neither_written_nor_pruned(ledger: Path, tmp_path: Path) -> None:
    victim = tmp_path / "Documents"
    victim.mkdir()
    (victim / "工作总结.docx").write_bytes(b"precious")
    (victim / ("ab" * 32)).write_bytes(b"looks like an entry")
    load_ledger(ledger)
    cache_dir = ledger / cache.CACHE_DIR
    for sub in [d for d in cache_dir.iterdir() if len(d.name) == 2]:  # as a hostile repository would commit
        for f in sub.iterdir():
            f.unlink()
        sub.rmdir()
        sub.symlink_to(victim)
    (cache_dir / "zz").symlink_to(victim)
    load_ledger(ledger)
    assert sorted(p.name for p in victim.iterdir()) == sorted(["工作总结.docx", "ab" * 32])


@posix_only
def test_a_linked_cache_directory_is_not_used(ledger: Path, tmp_path: Path, parses: list[str]) -> None:
    home = tmp_path / "home"
    (home / "go").mkdir(parents=True)
    (home / "go" / "notes.txt").write_text("mine", encoding="utf-8")
    (ledger / cache.CACHE_DIR).symlink_to(home)
    load_ledger(ledger)
    load_ledger(ledger)
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == ["go", "go/notes.txt"]
    assert len(parses) == 2 * len(load_ledger(ledger, cache=False).files)  # no cache at all, not a broken one


@posix_only
def test_a_linked_results_directory_is_not_pruned(ledger: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hjp.clock.today", lambda tz="Asia/Shanghai", now=None: date(2026, 11, 30))
    victim = tmp_path / "photos"
    victim.mkdir()
    names = [f"{i:02d}.jpg" for i in range(12)] + [f"{i:064x}" for i in range(12)]
    for i, name in enumerate(names):
        (victim / name).write_bytes(b"x")
        os.utime(victim / name, (1_000_000 + i, 1_000_000 + i))
    (ledger / cache.CACHE_DIR).mkdir()
    (ledger / cache.CACHE_DIR / runcache.SUBDIR).symlink_to(victim)
    validate()
    assert sorted(p.name for p in victim.iterdir()) == sorted(names)


def test_pruning_deletes_only_entry_names(ledger: Path) -> None:
    load_ledger(ledger)
    sub = next(d for d in (ledger / cache.CACHE_DIR).iterdir() if len(d.name) == 2)
    (sub / "readme.txt").write_text("not hjp's", encoding="utf-8")
    stale = sub / ("0" * 64)
    stale.write_bytes(b"old entry")
    load_ledger(ledger)
    assert (sub / "readme.txt").exists() and not stale.exists()


@posix_only
def test_the_key_is_private_and_outside_the_repository(ledger: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HJP_CACHE_KEY_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_ledger(ledger)
    key = tmp_path / "xdg" / "hjp" / cachetag.KEY_NAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert key.stat().st_size == 32
    assert not any(p.name == cachetag.KEY_NAME for p in ledger.rglob("*"))
    assert not any(p.name.startswith(f".{cachetag.KEY_NAME}") for p in key.parent.iterdir())  # no temp left


@posix_only
def test_a_key_others_can_read_is_replaced(ledger: Path, tmp_path: Path, parses: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HJP_CACHE_KEY_DIR", str(tmp_path / "keys"))
    load_ledger(ledger)
    key = tmp_path / "keys" / cachetag.KEY_NAME
    old = key.read_bytes()
    key.chmod(0o644)  # anyone on the machine could forge entries with it
    monkeypatch.setattr(cachetag, "_key", None)  # a new process
    parses.clear()
    load_ledger(ledger)
    assert key.read_bytes() != old and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert parses  # entries tagged with the exposed key are no longer trusted


def test_without_a_key_nothing_is_cached(ledger: Path, tmp_path: Path, parses: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("HJP_CACHE_KEY_DIR", str(blocker / "hjp"))
    monkeypatch.setattr(cachetag, "_key", None)
    assert cachetag.secret() is None
    assert validate()[0] == 0
    load_ledger(ledger)
    assert not (ledger / cache.CACHE_DIR).exists()
    assert len(parses) == 2 * len(load_ledger(ledger, cache=False).files)


def test_a_worker_written_entry_verifies(ledger: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    """Entries written by the parallel parser's worker processes carry the same tag."""
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setenv("HJP_JOBS", "2")
    cold = load_ledger(ledger)
    parses.clear()
    warm = load_ledger(ledger)
    assert parses == [] and warm.diagnostics == cold.diagnostics
    assert all(cachetag.verified(e.read_bytes()) is not None for e in file_entries(ledger))


@pytest.mark.skipif(sys.platform != "win32", reason="Windows key location")
def test_windows_key_lives_in_local_app_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HJP_CACHE_KEY_DIR")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    assert cachetag.key_dir() == tmp_path / "hjp"
