"""Parsing in worker processes gives exactly the single-process result, and survives a dead worker."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hjp import demo, load
from hjp.load import load_ledger
from test_cache import BAD_HAZARD, snapshot  # same directory (pytest puts it on sys.path)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HJP_CACHE_DIR", raising=False)
    monkeypatch.delenv("HJP_JOBS", raising=False)
    demo.generate(tmp_path / "ledger", villages=4, hazards=200, seed=5)
    hz = sorted((tmp_path / "ledger" / "villages").glob("*/hazards.yaml"))[-1]
    hz.write_text(hz.read_text(encoding="utf-8") + BAD_HAZARD, encoding="utf-8")
    return Path("ledger")


@pytest.fixture
def force_workers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Use a worker for any ledger; returns a directory where each worker job leaves its pid."""
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("HJP_JOBS", "2")
    pids = tmp_path / "pids"
    pids.mkdir()
    real = load._worker_job

    def recording(*args: object) -> bytes:
        (pids / f"{os.getpid()}-{os.urandom(4).hex()}").touch()
        return real(*args)  # type: ignore[arg-type]

    _stand_in(monkeypatch, recording)
    return pids


def _stand_in(monkeypatch: pytest.MonkeyPatch, func: object) -> None:
    """Replace load._worker_job so that the pool can still send it to a worker by name."""
    func.__module__, func.__qualname__ = "hjp.load", "_worker_job"  # type: ignore[attr-defined]
    monkeypatch.setattr(load, "_worker_job", func)


def test_small_ledgers_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HJP_JOBS", raising=False)
    assert load._workers_for(load.PARALLEL_MIN_BYTES - 1, 20) == 0
    assert load._workers_for(10 * load.PARALLEL_MIN_BYTES, 1) == 0
    monkeypatch.setenv("HJP_JOBS", "1")
    assert load._workers_for(10 * load.PARALLEL_MIN_BYTES, 20) == 0
    monkeypatch.setenv("HJP_JOBS", "3")
    assert load._workers_for(10 * load.PARALLEL_MIN_BYTES, 20) == 2


@pytest.mark.parametrize("use_cache", [False, True])
def test_workers_give_the_single_process_result(ledger: Path, force_workers: Path, use_cache: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HJP_JOBS", "1")
    single = snapshot(load_ledger(ledger, cache=False))
    monkeypatch.setenv("HJP_JOBS", "2")
    parallel = snapshot(load_ledger(ledger, cache=use_cache))
    assert {p.name.split("-")[0] for p in force_workers.iterdir()} - {str(os.getpid())}, "no worker ran"
    assert parallel == single
    assert any(d.severity.value == "error" for d in parallel["diagnostics"])
    if use_cache:  # entries the workers wrote are read back to the same result
        assert snapshot(load_ledger(ledger)) == single


def test_a_dead_worker_is_replaced_by_this_process(ledger: Path, force_workers: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    single = snapshot(load_ledger(ledger, cache=False))
    main_pid = os.getpid()

    def dying(*args: object) -> bytes:
        if os.getpid() != main_pid:
            (force_workers / f"died-{os.getpid()}").touch()
            os._exit(3)
        raise AssertionError("worker job run in the main process")

    _stand_in(monkeypatch, dying)
    assert snapshot(load_ledger(ledger, cache=True)) == single
    assert any(p.name.startswith("died-") for p in force_workers.iterdir())


def test_a_garbage_hjp_jobs_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HJP_JOBS", "two")
    cpus = len(os.sched_getaffinity(0))
    assert load._workers_for(10 * load.PARALLEL_MIN_BYTES, 20) == min(20, cpus) - 1


def test_no_multiprocessing_means_one_process(ledger: Path, force_workers: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HJP_JOBS", "1")
    single = snapshot(load_ledger(ledger, cache=False))
    monkeypatch.setenv("HJP_JOBS", "2")

    def no_pool(workers: int) -> None:
        raise OSError("no /dev/shm")

    monkeypatch.setattr(load, "_pool", no_pool)
    assert snapshot(load_ledger(ledger, cache=True)) == single
    assert not list(force_workers.iterdir())


def test_workers_with_an_unwritable_cache(ledger: Path, force_workers: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HJP_JOBS", "1")
    single = snapshot(load_ledger(ledger, cache=False))
    monkeypatch.setenv("HJP_JOBS", "2")
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("HJP_CACHE_DIR", str(blocker / "cache"))
    assert snapshot(load_ledger(ledger)) == single
    assert {p.name.split("-")[0] for p in force_workers.iterdir()} - {str(os.getpid())}, "no worker ran"
