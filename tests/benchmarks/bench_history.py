"""Benchmark `hjp log` and `hjp audit` on a generated repository (run: python tests/benchmarks/bench_history.py).

Builds, with one `git fast-import`, a ledger of 20 villages × 25 hazards (500 records) and 5,000
commits, each changing one record. Prints medians and the ratios the issue sets targets for:
  - `hjp log ID` ≤ 3 × `git log --format=%H -- FILE` (whole processes, same run), with and without
    commit-graph Bloom filters;
  - `hjp audit --since` over 1,000 commits ≤ 30 s, and linear (500 vs 1,000 commits).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VILLAGES, PER_VILLAGE, COMMITS = 20, 25, 5000
HJP = [sys.executable, "-m", "hjp"]
TOWN = """\
name: 测试镇
county: 测试县
plan: {title: 测试方案, doc_no: 测〔2024〕1号, issued_on: 2024-03-31, start: 2024-03-31, end: 2026-12-31}
"""


def hazard(rid: str, n: int, rev: int) -> str:
    return (f"  - id: {rid}\n    title: 隐患{n}\n    sector: 消防\n    level: 一般\n    source: 自查\n"
            f"    found_on: 2025-01-01\n    rectification:\n      owner: 责任人{n}\n      deadline: 2026-06-30\n"
            f"    notes: 第{rev}次修改\n")


def build(repo: Path) -> str:
    rng = random.Random(5)
    revs = {(v, i): 0 for v in range(VILLAGES) for i in range(PER_VILLAGE)}

    def file_text(v: int) -> str:
        return "hazards:\n" + "\n".join(hazard(f"YH-2025-{v * PER_VILLAGE + i + 1:04d}", v * PER_VILLAGE + i,
                                               revs[(v, i)]) for i in range(PER_VILLAGE))

    out: list[bytes] = []

    def blob(path: str, text: str) -> None:
        data = text.encode()
        out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    t0 = 1_700_000_000
    for c in range(COMMITS):
        msg = "初始化台账".encode() if c == 0 else f"修改 {c}".encode()
        out.append(f"commit refs/heads/main\nmark :{c + 1}\nauthor 李某 <li@example.cn> {t0 + c * 3600} +0800\n"
                   f"committer 李某 <li@example.cn> {t0 + c * 3600} +0800\ndata {len(msg)}\n".encode() + msg + b"\n")
        if c == 0:
            blob("ledgers/town.yaml", TOWN)
            for v in range(VILLAGES):
                blob(f"ledgers/villages/v{v}/village.yaml", f"name: 村{v}\n")
                blob(f"ledgers/villages/v{v}/hazards.yaml", file_text(v))
        else:
            v, i = rng.randrange(VILLAGES), rng.randrange(PER_VILLAGE)
            revs[(v, i)] += 1
            blob(f"ledgers/villages/v{v}/hazards.yaml", file_text(v))
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(out), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    return "YH-2025-0001"


def median_time(cmd: list[str], cwd: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="hjp-bench-history-"))
    try:
        t = time.perf_counter()
        rid = build(tmp / "repo")
        repo = tmp / "repo"
        print(f"generated {COMMITS} commits, {VILLAGES * PER_VILLAGE} records in {time.perf_counter() - t:.1f} s")
        file = "ledgers/villages/v0/hazards.yaml"
        out = subprocess.run([*HJP, "log", rid], cwd=repo, capture_output=True, text=True).stdout
        print(f"hjp log {rid}: {out.count(chr(10) + chr(10))} commits listed")
        for label in ("no commit-graph", "commit-graph with Bloom filters"):
            if label.startswith("commit-graph"):
                subprocess.run(["git", "commit-graph", "write", "--reachable", "--changed-paths"], cwd=repo, check=True,
                               capture_output=True)
            ref = median_time(["git", "log", "--format=%H", "--", file], repo)
            mine = median_time([*HJP, "log", rid], repo)
            start = median_time([sys.executable, "-c", "import hjp.cli"], repo)
            print(f"[{label}] git log -- FILE {ref * 1000:.0f} ms; hjp log {mine * 1000:.0f} ms "
                  f"(ratio {mine / ref:.2f}, target ≤ 3); of which interpreter+import hjp.cli {start * 1000:.0f} ms")
        a500 = median_time([*HJP, "audit", "--since", "HEAD~500"], repo, runs=3)
        a1000 = median_time([*HJP, "audit", "--since", "HEAD~1000"], repo, runs=3)
        print(f"hjp audit --since HEAD~500 {a500:.2f} s; HEAD~1000 {a1000:.2f} s (target ≤ 30 s); "
              f"1000/500 ratio {a1000 / a500:.2f} (linear ≈ 2)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
