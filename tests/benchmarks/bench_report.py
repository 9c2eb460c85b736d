"""Benchmark: `hjp report self-check --format docx` vs `hjp validate` on a 10,000-hazard demo ledger.

Target (issue 4): report ≤ 3 × validate, both whole processes, measured in the same run.
Run: /tmp/venv/bin/python tests/benchmarks/bench_report.py [--hazards 10000] [--repeat 5]
Both commands use the ledger's per-file parse cache (the normal case); one warm-up run of each fills it.
validate's whole-run cache (.hjp-cache/results) is cleared before each validate run: a report has no
such cache, and comparing against a cached answer would compare against no work at all. The cached
validate is printed too, for information.
Also timed: the hazards register (every row in a landscape Word table), for information.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HJP = [sys.executable, "-m", "hjp"]


def run(args: list[str], cwd: Path, *, fresh_validate: bool = True) -> float:
    if fresh_validate and args[0] == "validate":
        shutil.rmtree(cwd / "ledgers" / ".hjp-cache" / "results", ignore_errors=True)
    t = time.perf_counter()
    proc = subprocess.run([*HJP, *args], cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hazards", type=int, default=10_000)
    ap.add_argument("--villages", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run([*HJP, "demo", "ledgers", "--villages", str(opts.villages), "--hazards", str(opts.hazards),
                        "--seed", "1"], cwd=work, check=True, capture_output=True)
        cmds = {
            "validate": ["validate", "--ledger", "ledgers"],
            "report self-check docx": ["report", "self-check", "--ledger", "ledgers", "--as-of", "2026-11-30",
                                       "--format", "docx", "-o", "sc.docx", "--force"],
            "report self-check md": ["report", "self-check", "--ledger", "ledgers", "--as-of", "2026-11-30"],
            "report hazards docx": ["report", "hazards", "--ledger", "ledgers", "--as-of", "2026-11-30",
                                    "--format", "docx", "-o", "hz.docx", "--force"],
        }
        for args in cmds.values():
            run(args, work)  # warm-up: fills the parse cache, pages in the libraries
        times: dict[str, list[float]] = {k: [] for k in cmds}
        times["validate (run cache hit)"] = []
        for _ in range(opts.repeat):
            for name, args in cmds.items():
                times[name].append(run(args, work))
            times["validate (run cache hit)"].append(run(cmds["validate"], work, fresh_validate=False))
        med = {k: statistics.median(v) for k, v in times.items()}
        base = med["validate"]
        print(f"{opts.hazards} hazards in {opts.villages} villages, median of {opts.repeat} (whole processes):")
        for name, t in med.items():
            print(f"  {name:<24} {t:6.2f} s   {t / base:5.2f} × validate")
        ratio = med["report self-check docx"] / base
        print(f"self-check docx / validate = {ratio:.2f} (target ≤ 3): {'OK' if ratio <= 3 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
