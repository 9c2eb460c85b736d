"""Two clerks at once (issue 8, items 1-2): pairs of hjp processes changing the same record, and
concurrent `hjp new`, in one real git repository. Every refusal is clean (Chinese, exit 1, no
traceback) and nothing a process reported as written is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hjp.load import load_ledger

ROUNDS = 50


def _hazard(rid: str, extra: str = "") -> str:
    return (f"  - id: {rid}\n    title: 隐患{rid[-4:]}\n    sector: 消防\n    level: 一般\n    source: 检查\n"
            f"    found_on: 2026-11-01\n    rectification: {{owner: 王某, deadline: 2026-11-30}}\n{extra}")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(make_ledger, monkeypatch) -> Path:
    hazards = "hazards:\n" + "".join(_hazard(f"YH-2026-{i:04d}") for i in range(1, ROUNDS + 1))
    hazards += "".join(_hazard(f"YH-2025-{i:04d}", "    rectified_on: 2026-11-10\n") for i in range(1, ROUNDS + 1))
    drills = "drills:\n" + "".join(f"  - {{id: YL-2026-{i:04d}, title: 疏散演练{i}, kind: 疏散逃生, planned_on: 2026-11-10}}\n"
                                   for i in range(1, ROUNDS + 1))
    root = make_ledger({"villages/hejiapan/hazards.yaml": hazards, "villages/hejiapan/drills.yaml": drills})
    repo = root.resolve().parent
    for k, v in {"GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn", "GIT_COMMITTER_NAME": "李某",
                 "GIT_COMMITTER_EMAIL": "li@example.cn", "HJP_LOCK_TIMEOUT": "60", "HJP_TODAY": "2026-11-28"}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("HJP_NO_CACHE")  # as the clerk runs it: with the cache
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    return repo


def _pair(r: int) -> tuple[list[str], list[str]]:
    h, rectified, d = f"YH-2026-{r + 1:04d}", f"YH-2025-{r + 1:04d}", f"YL-2026-{r + 1:04d}"
    new = ["new", "hazard", "--village", "hejiapan", "--title", f"新隐患{r}", "--sector", "消防", "--level", "一般",
           "--source", "自查", "--owner", "王某", "--deadline", "2026-12-31"]
    return [  # type: ignore[return-value]
        (["rectify", h, "--on", "2026-11-20"], ["rectify", h, "--on", "2026-11-21"]),
        (["close", rectified, "--on", "2026-11-25", "--by", "张某"], ["close", rectified, "--on", "2026-11-26", "--by", "李某"]),
        (["close", rectified, "--on", "2026-11-25", "--by", "赵某"], ["void", rectified, "--reason", "重复录入"]),
        (["held", d, "--on", "2026-11-20", "--participants", "10"], ["held", d, "--on", "2026-11-21", "--participants", "20"]),
        (new, [*new[:5], f"另一新隐患{r}", *new[6:]]),
    ][r % 5]


def _run_both(repo: Path, a: list[str], b: list[str]) -> list[subprocess.CompletedProcess]:
    """Both commands at the same instant, each in its own process (forked from this one where the
    platform allows: the same CLI, without paying Python's start-up a hundred times)."""
    if not hasattr(os, "fork"):
        return _run_both_spawned(repo, a, b)
    children = []
    for n, args in enumerate((a, b)):
        out, err = repo / f".out{n}", repo / f".err{n}"
        pid = os.fork()
        if pid == 0:  # the child: hjp's real entry point, its own lock, its own git process
            code = 70
            try:
                os.chdir(repo)
                sys.stdout = open(out, "w", encoding="utf-8")
                sys.stderr = open(err, "w", encoding="utf-8")
                from hjp.cli import main

                try:
                    main([*args, "--ledger", "ledger", "--commit"])
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append((args, pid, out, err))
    results = []
    for args, pid, out, err in children:
        _pid, status = os.waitpid(pid, 0)
        results.append(subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(status),
                                                   out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")))
        out.unlink()
        err.unlink()
    return results


def _run_both_spawned(repo: Path, a: list[str], b: list[str]) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-m", "hjp", *args, "--ledger", "ledger", "--commit"], cwd=repo,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in (a, b)]
    out = []
    for args, p in zip((a, b), procs):
        stdout, stderr = p.communicate(timeout=120)
        out.append(subprocess.CompletedProcess(args, p.returncode, stdout, stderr))
    return out


def _check_written(led, args: list[str], stdout: str) -> None:
    """What a successful command printed as written is in the ledger now."""
    verb, rid = args[0], args[1]
    if verb == "new":
        rid = stdout.splitlines()[1].removeprefix("- id: ")
    rec = led.record(rid)
    assert rec is not None, (args, stdout)
    opt = dict(zip(args[2::2], args[3::2]))
    if verb == "rectify":
        assert str(rec.rectified_on) == opt["--on"]
    elif verb == "close":
        assert (str(rec.closed_on), rec.verified_by) == (opt["--on"], opt["--by"])
    elif verb == "void":
        assert rec.void is not None and rec.void.reason == opt["--reason"]
    elif verb == "held":
        assert (str(rec.held_on), rec.participants) == (opt["--on"], int(opt["--participants"]))
    else:
        assert rec.title == opt["--title"]


def test_two_clerks_at_once_lose_nothing_and_refuse_cleanly(repo):
    root = repo / "ledger"
    commits = 1
    outcomes: dict[str, int] = {}
    for r in range(ROUNDS):
        a, b = _pair(r)
        results = _run_both(repo, a, b)
        for res in results:
            assert res.returncode in (0, 1), (res.args, res.stderr)
            assert "Traceback" not in res.stderr and "内部错误" not in res.stderr, res.stderr
            assert all(line.startswith("hjp: ") for line in res.stderr.splitlines()), res.stderr
            if res.returncode == 1:
                assert res.stdout == "" and "hjp: 错误：" in res.stderr, res.stderr
        led = load_ledger(root, cache=False)
        assert led.diagnostics == []
        wins = [res for res in results if res.returncode == 0]
        for res in wins:
            _check_written(led, list(res.args), res.stdout)
        if r % 5 in (0, 1, 3):  # the same field of the same record: exactly one clerk's value stands
            assert len(wins) == 1, [res.stderr for res in results]
        elif r % 5 == 4:  # two new records: both, with different IDs
            assert len(wins) == 2
            assert wins[0].stdout.splitlines()[1] != wins[1].stdout.splitlines()[1]
        else:  # close and void: void after close is fine; close after void is refused
            assert len(wins) >= 1
        commits += len(wins)
        key = f"{r % 5}:{len(wins)}"
        outcomes[key] = outcomes.get(key, 0) + 1
    assert int(_git(repo, "rev-list", "--count", "HEAD")) == commits
    assert _git(repo, "status", "--porcelain", "--untracked-files=all") == ""  # no temp file, lock or cache
    hazards = load_ledger(root, cache=False).villages["hejiapan"].hazards
    assert len(hazards) == 2 * ROUNDS + 2 * (ROUNDS // 5)
    assert len({h.id for h in hazards}) == len(hazards)
    assert os.listdir(root / ".hjp-cache" / "tmp") == []
