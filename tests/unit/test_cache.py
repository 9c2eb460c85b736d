"""The parsed-ledger cache: a warm load gives exactly the cold load's result, and the cache is never
stale, safe to delete, git-ignored, robust to corrupt entries and pruned of unused entries."""

from __future__ import annotations

import os
import pickle
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hjp import cache, demo, load
from hjp.load import load_ledger

BAD_HAZARD = """\
  - id: YH-2025-9001
    title: 坏记录
    sector: 消防
    level: 特大
    source: 检查
    found_on: 2025-02-30
    rectification: {owner: 张三, deadline: 2025-03-01}
"""


def snapshot(led: load.Ledger) -> dict[str, Any]:
    """Everything a load produces, in comparable form."""
    def loc(lc: load.Loc) -> tuple:
        return (lc.path, lc.line, lc.col, lc.village, dict(lc.marks), lc.items)

    records = [(slug, type(r).__name__, r.model_dump(), r.model_fields_set, loc(led.loc_of(r)))
               for it in (led.all_tasks(), led.units(), led.hazards(), led.drills()) for slug, r in it]
    return {
        "town": led.town.model_dump() if led.town else None,
        "town_data": (dict(led.town_data), led.town_data.marks) if led.town_data is not None else None,
        "villages": {s: (v.village.model_dump() if v.village else None) for s, v in led.villages.items()},
        "records": records,
        "loc_by_id": {k: loc(v) for k, v in led.loc_by_id.items()},
        "diagnostics": led.diagnostics,
        "duplicates": [(i, loc(a), loc(b)) for i, a, b in led.duplicates],
        "files": led.files,
    }


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small demo ledger with one invalid hazard appended to a village (so diagnostics exist)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HJP_CACHE_DIR", raising=False)
    demo.generate(tmp_path / "ledger", villages=3, hazards=60, seed=3)
    hz = sorted((tmp_path / "ledger" / "villages").glob("*/hazards.yaml"))[0]
    hz.write_text(hz.read_text(encoding="utf-8") + BAD_HAZARD, encoding="utf-8")
    return Path("ledger")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display paths the loader actually parsed (cache misses)."""
    seen: list[str] = []
    real = load.parse_bytes

    def counting(raw: bytes, display: str, **kw: Any) -> Any:
        seen.append(display)
        return real(raw, display, **kw)

    monkeypatch.setattr(load, "parse_bytes", counting)
    return seen


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / cache.CACHE_DIR).glob("??/*") if p.is_file())


def test_warm_load_equals_cold_load_and_parses_nothing(ledger: Path, parses: list[str]) -> None:
    cold = snapshot(load_ledger(ledger, cache=False))
    n_files = len(parses)
    assert n_files == 3 * 6 + 3  # town, tasks, trainings, and six files a village
    assert any(d.severity.value == "error" for d in cold["diagnostics"])
    parses.clear()
    first = snapshot(load_ledger(ledger))
    assert len(parses) == n_files and first == cold
    parses.clear()
    warm = snapshot(load_ledger(ledger))
    assert parses == [] and warm == cold
    assert len(entries(ledger)) == n_files


def test_a_changed_file_is_reparsed_even_with_the_same_size_and_mtime(ledger: Path, parses: list[str]) -> None:
    load_ledger(ledger)
    hz = sorted(ledger.glob("villages/*/hazards.yaml"))[1]
    st = hz.stat()
    text = hz.read_text(encoding="utf-8")
    changed = text.replace("level: 一般", "level: 重大", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    hz.write_text(changed, encoding="utf-8")
    os.utime(hz, ns=(st.st_atime_ns, st.st_mtime_ns))
    parses.clear()
    warm = snapshot(load_ledger(ledger))
    assert parses == [str(hz)]
    assert warm == snapshot(load_ledger(ledger, cache=False))


def test_a_code_change_misses(ledger: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    load_ledger(ledger)
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: "another-hjp")
    parses.clear()
    load_ledger(ledger)
    assert len(parses) == 21  # every file again
    assert len(entries(ledger)) == 21  # and the old build's entries are pruned


def test_the_fingerprint_names_our_modules_and_library_versions() -> None:
    cache._code_fingerprint.cache_clear()
    before = cache._code_fingerprint()
    model_py = Path(cache.__file__).with_name("model.py")
    st = model_py.stat()
    try:
        os.utime(model_py, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        cache._code_fingerprint.cache_clear()
        assert cache._code_fingerprint() != before
    finally:
        os.utime(model_py, ns=(st.st_atime_ns, st.st_mtime_ns))
        cache._code_fingerprint.cache_clear()
    assert cache._code_fingerprint() == before


def test_deleting_the_cache_is_safe(ledger: Path) -> None:
    cold = snapshot(load_ledger(ledger, cache=False))
    load_ledger(ledger)
    import shutil

    shutil.rmtree(ledger / cache.CACHE_DIR)
    assert snapshot(load_ledger(ledger)) == cold
    for entry in entries(ledger)[::2]:  # half of it
        entry.unlink()
    assert snapshot(load_ledger(ledger)) == cold


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign pickle", "wrong format"])
def test_a_corrupt_entry_is_a_miss_and_is_rewritten(ledger: Path, parses: list[str], damage: str) -> None:
    cold = snapshot(load_ledger(ledger, cache=False))
    load_ledger(ledger)
    for entry in entries(ledger):
        blob = entry.read_bytes()
        entry.write_bytes({
            "garbage": b"\x00not a pickle\xff" * 3,
            "truncated": blob[: len(blob) // 2],
            "empty": b"",
            "foreign pickle": pickle.dumps({"hazards": []}),
            "wrong format": pickle.dumps((99, [], [], None, [])),
        }[damage])
    parses.clear()
    assert snapshot(load_ledger(ledger)) == cold
    assert len(parses) == 21
    parses.clear()
    assert snapshot(load_ledger(ledger)) == cold
    assert parses == []


def test_unused_entries_are_pruned(ledger: Path) -> None:
    load_ledger(ledger)
    stray = ledger / cache.CACHE_DIR / "zz"
    stray.mkdir()
    (stray / ("0" * 64)).write_bytes(b"old")
    hz = sorted(ledger.glob("villages/*/hazards.yaml"))[0]
    for i in range(3):  # three edits: still one entry for the file
        hz.write_text(hz.read_text(encoding="utf-8") + f"# edit {i}\n", encoding="utf-8")
        load_ledger(ledger)
    assert len(entries(ledger)) == 21
    assert not stray.exists()


def test_cache_is_git_ignored(ledger: Path) -> None:
    subprocess.run(["git", "init", "-q", str(ledger)], check=True)
    load_ledger(ledger)
    assert (ledger / cache.CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    status = subprocess.run(["git", "-C", str(ledger), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status and cache.CACHE_DIR not in status


def test_an_unwritable_cache_still_loads(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = ledger.parent / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("HJP_CACHE_DIR", str(blocker / "cache"))
    assert snapshot(load_ledger(ledger)) == snapshot(load_ledger(ledger, cache=False))


def test_a_shared_cache_dir_is_not_pruned(ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared-cache"
    monkeypatch.setenv("HJP_CACHE_DIR", str(shared))
    other = tmp_path / "other"
    demo.generate(other, villages=1, hazards=5, seed=9)
    load_ledger(other)
    n_other = len(list(shared.glob("??/*")))
    load_ledger(ledger)
    assert len(list(shared.glob("??/*"))) == n_other + 21


def test_dumps_loads_round_trip_keeps_every_loc_field(ledger: Path) -> None:
    led = load_ledger(ledger, cache=False)
    from hjp.yamlread import parse_bytes

    path = sorted(ledger.glob("villages/*/tasks.yaml"))[0]
    res = load.validate_record_file(parse_bytes(path.read_bytes(), str(path)), "tasks", str(path), "x")
    back = load.load_result(load.dump_result(res))
    assert back.records == res.records and back.diagnostics == res.diagnostics
    assert [(a.path, a.line, a.col, a.village, a.marks, a.items) for a in back.locs] == \
           [(a.path, a.line, a.col, a.village, a.marks, a.items) for a in res.locs]
    assert led.town is not None


def test_a_plaintext_reporter_is_never_written_to_the_cache(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F5: a 举报人 written in clear by hand, then reverted: the parsed file (with the identity) stayed
    in ledgers/.hjp-cache, which the clerk zips for the county, because reverting hits the run
    cache and nothing prunes the entry. A file holding a reporter in clear is never cached."""
    from typer.testing import CliRunner

    from hjp.cli import app

    monkeypatch.delenv("HJP_NO_CACHE", raising=False)
    hz = sorted((ledger / "villages").glob("*/hazards.yaml"))[1]
    clean = hz.read_text(encoding="utf-8")
    run = CliRunner()
    assert "HJP240" not in run.invoke(app, ["validate", "--ledger", str(ledger)]).stdout  # (the fixture's bad hazard fails)
    hz.write_text(clean.replace("    source: 自查\n", "    source: 举报\n    reporter: 第二明文赵六\n", 1), encoding="utf-8")
    assert "第二明文赵六" in hz.read_text(encoding="utf-8")
    result = run.invoke(app, ["validate", "--ledger", str(ledger)])
    assert "HJP240" in result.stdout
    run.invoke(app, ["overdue", "--ledger", str(ledger)])
    hz.write_text(clean, encoding="utf-8")
    assert "HJP240" not in run.invoke(app, ["validate", "--ledger", str(ledger)]).stdout
    stored = [p for p in (ledger / cache.CACHE_DIR).rglob("*") if p.is_file()]
    assert stored and not [p for p in stored if "第二明文赵六".encode() in p.read_bytes()]
    # and the file is still read from the cache once it holds no identity
    assert load_ledger(ledger).diagnostics == load_ledger(ledger, cache=False).diagnostics
    # parsed by worker processes, which write their entries themselves
    import shutil

    shutil.rmtree(ledger / cache.CACHE_DIR)
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("HJP_JOBS", "3")
    hz.write_text(clean.replace("    source: 自查\n", "    source: 举报\n    reporter: 第二明文赵六\n", 1), encoding="utf-8")
    assert load._workers_for(10**6, 10) == 2
    load_ledger(ledger)
    stored = [p for p in (ledger / cache.CACHE_DIR).rglob("*") if p.is_file()]
    assert len(stored) > 10 and not [p for p in stored if "第二明文赵六".encode() in p.read_bytes()]
