"""Benchmark: `hjp overdue --json` vs `hjp validate` on demo ledgers, and its growth 10k → 100k hazards.

Targets (issue 3), as ratios measured in the same run:
  - on 100,000 hazards, `hjp overdue --json` ≤ 1.2 × `hjp validate` (deadlines add at most 20 %);
  - from 10,000 to 100,000 hazards, `hjp overdue --json` grows no worse than linearly
    (time ratio ≤ 10, i.e. "per-hazard ratio" ≤ 1.0).
Whole processes (what the clerk and CI run), median of --repeat runs after one warm-up run each.
By default both commands use the ledger's parse cache (the normal case); --cold sets HJP_NO_CACHE=1
so every run parses all YAML (slow: ~40 s a run at 100k). The in-process time of
`deadlines.compute` alone is printed too, for the same two sizes.

Run: /tmp/venv/bin/python tests/benchmarks/bench_deadlines.py [--repeat 3] [--cold] [--small 10000] [--large 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HJP = [sys.executable, "-m", "hjp"]
AS_OF = "2026-11-30"
VILLAGES = 12  # the demo default; 100,000 hazards stay under the 10 MB file limit (~3 MB a file)


def run(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    if args[0] == "validate":
        # validate's whole-run cache would answer without doing the work overdue has to do.
        shutil.rmtree(cwd / args[args.index("--ledger") + 1] / ".hjp-cache" / "results", ignore_errors=True)
    t = time.perf_counter()
    proc = subprocess.run([*HJP, *args], cwd=cwd, capture_output=True, env=env)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()}")
    return elapsed


def compute_time(ledger: Path, repeat: int) -> tuple[float, float, int]:
    """(median seconds of deadlines.compute, of load+validate, items found) in this process."""
    from hjp import deadlines
    from hjp.load import load_ledger
    from hjp.rules import RuleContext, validate

    t = time.perf_counter()
    led = load_ledger(ledger, cache=True)
    validate(led, RuleContext(as_of=date.fromisoformat(AS_OF)))
    base = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f = deadlines.compute(led, as_of=date.fromisoformat(AS_OF))
        times.append(time.perf_counter() - t)
    return statistics.median(times), base, len(f)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="no parse cache (HJP_NO_CACHE=1)")
    opts = ap.parse_args()
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("HJP_LEDGER", None)
    if opts.cold:
        env["HJP_NO_CACHE"] = "1"
    else:
        env.pop("HJP_NO_CACHE", None)
    med: dict[tuple[int, str], float] = {}
    inproc: dict[int, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in (opts.small, opts.large):
            name = f"demo{n}"
            t = time.perf_counter()
            subprocess.run([*HJP, "demo", name, "--villages", str(VILLAGES), "--hazards", str(n), "--seed", "1"],
                           cwd=work, check=True, capture_output=True)
            print(f"hjp demo --hazards {n}: {time.perf_counter() - t:.2f} s", flush=True)
            cmds = {"validate": ["validate", "--ledger", name],
                    "overdue --json": ["overdue", "--ledger", name, "--as-of", AS_OF, "--json"]}
            for args in cmds.values():
                run(args, work, env)  # warm-up: fills the parse cache, pages in the libraries
            times: dict[str, list[float]] = {k: [] for k in cmds}
            for _ in range(opts.repeat):
                for label, args in cmds.items():  # interleaved, so drift on a shared machine hits both
                    times[label].append(run(args, work, env))
            for label, ts in times.items():
                med[(n, label)] = statistics.median(ts)
            inproc[n] = compute_time(work / name, opts.repeat)
    cache = "no cache (HJP_NO_CACHE=1)" if opts.cold else "parse cache warm"
    print(f"\nWhole processes, median of {opts.repeat}, {cache}, {VILLAGES} villages:")
    for n in (opts.small, opts.large):
        v, o = med[(n, "validate")], med[(n, "overdue --json")]
        print(f"  {n:>7} hazards: validate {v:6.2f} s   overdue --json {o:6.2f} s   ratio overdue/validate "
              f"{o / v:.3f}  (target ≤ 1.2 at {opts.large})")
    grow = med[(opts.large, "overdue --json")] / med[(opts.small, "overdue --json")]
    size = opts.large / opts.small
    print(f"  overdue --json {opts.small} → {opts.large}: × {grow:.2f} for × {size:.0f} the hazards "
          f"(per-hazard ratio {grow / size:.3f}; target ≤ 1.0)")
    grow_v = med[(opts.large, "validate")] / med[(opts.small, "validate")]
    print(f"  validate       {opts.small} → {opts.large}: × {grow_v:.2f} (for reference)")
    print("\nIn process: deadlines.compute alone vs load + validate (cache warm):")
    for n, (c, base, items) in inproc.items():
        print(f"  {n:>7} hazards: compute {c * 1000:7.1f} ms = {c / base:.3%} of load+validate {base:.2f} s "
              f"({items} items)")
    c_small, c_large = inproc[opts.small][0], inproc[opts.large][0]
    print(f"  compute {opts.small} → {opts.large}: × {c_large / c_small:.2f} (per-hazard ratio "
          f"{c_large / c_small / size:.3f})")


if __name__ == "__main__":
    main()
