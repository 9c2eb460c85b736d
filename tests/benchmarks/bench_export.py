"""`hjp export xlsx` against `hjp validate` of the same ledger, as whole processes in one run.

    python tests/benchmarks/bench_export.py [--runs 3] [--hazards 100000]

The ledger is `hjp demo --villages 20 --hazards N --seed 1` (every kind the demo makes); both
commands run cold (no cache), interleaved, median of --runs. Target (issue 13): export ≤ 3× validate
at 100,000 hazards; use a smaller --hazards to look at the shape on a shared machine.

Prints a Markdown row with PASS/FAIL; exit status 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HJP = [sys.executable, "-m", "hjp"]
ENV = {**os.environ, "HJP_NO_CACHE": "1", "HJP_TODAY": "2026-11-30"}


def timed(argv: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(argv)}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hazards", type=int, default=100000)
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "hjp")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        subprocess.run([*HJP, "demo", str(t / "big"), "--villages", "20", "--hazards", str(args.hazards), "--seed", "1"],
                       env=ENV, check=True, capture_output=True)
        exp, val = [], []
        for i in range(args.runs):
            val.append(timed([*HJP, "validate", "--ledger", "big"], t))
            exp.append(timed([*HJP, "export", "xlsx", "--ledger", "big", "-o", f"x{i}.xlsx"], t))
            size = (t / f"x{i}.xlsx").stat().st_size
    s, r = statistics.median(exp), statistics.median(val)
    ratio = s / r
    print("| measurement | s | reference | s | ratio | target | |\n|---|---:|---|---:|---:|---:|---|")
    print(f"| `hjp export xlsx`, {args.hazards:,} hazards ({size / 1e6:.1f} MB) | {s:.2f} | `hjp validate` (cold) "
          f"| {r:.2f} | {ratio:.2f} | ≤ 3 | {'PASS' if ratio <= 3 else '**FAIL**'} |")
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
