"""Benchmark: what the sealed 举报人 store (issue 11) costs on the paths that were already measured.

On a demo ledger (--hazards N, default 10,000; about a tenth of the hazards are 举报, each with a
sealed file), in one process, medians of --repeat runs, each figure against a reference measured
in the same run:
  - the two sealed-store rules vs all validation rules (the rules' share of a cold `hjp validate`);
  - validate's run-cache key (the whole of a warm `hjp validate` but unpickling) with the sealed/
    directory vs the same ledger with sealed/ moved away;
  - sealing the demo's synthetic reporters vs writing the rest of the demo ledger;
  - one `reporter show` decryption (pyrage, armoured age) in microseconds, for the record.
Targets: the rules' and the key's added share stays under the 10 % the brief allows.

Run: .venv/bin/python tests/benchmarks/bench_sealed.py [--hazards 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

from hjp import demo, runcache, sealed  # noqa: E402
from hjp.load import load_ledger  # noqa: E402
from hjp.rules import RULES, RuleContext, run_rules  # noqa: E402
from hjp.rules import sealed as sealed_rules  # noqa: E402


def median(fn, repeat: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hazards", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        t = time.perf_counter()
        stats = demo.generate(root, villages=12, hazards=opts.hazards, seed=1)
        total = time.perf_counter() - t
        print(f"demo --hazards {opts.hazards}: {stats.sealed} sealed reporters")

        public = sealed.read_recipients(root)[0]
        texts = {p.stem: "某某（合成数据）" for p in (root / "sealed").glob("*.age")}
        t = time.perf_counter()
        for rid, text in texts.items():
            sealed.seal(rid, text, [public])
        sealing = time.perf_counter() - t
        print(f"  sealing alone {sealing:.2f} s of demo's {total:.2f} s: {sealing / total:.2f}x "
              "(write time of the .age files not included)")

        from datetime import date

        ctx = RuleContext(as_of=date(2026, 11, 30))
        led = load_ledger(root, cache=False)
        mine = [sealed_rules.check_sealed_reporters, sealed_rules.check_recipients]
        others = [r for r in RULES if r not in mine]

        def fresh(rules):
            led.sealed = None  # each run lists sealed/ again, as a cold validate does
            run_rules(led, ctx, rules)

        t_all = median(lambda: fresh(RULES), opts.repeat)
        t_mine = median(lambda: fresh(mine), opts.repeat)
        t_load = median(lambda: load_ledger(root, cache=False), max(1, opts.repeat // 2))
        print(f"  sealed rules {t_mine * 1000:.1f} ms vs all rules {t_all * 1000:.1f} ms: {t_mine / t_all:.3f}x; "
              f"vs load + rules {t_load + t_all:.2f} s: {t_mine / (t_load + t_all):.4f}x")

        # with and without sealed/, alternately (the machine's load drifts between runs)
        with_s, without = [], []
        for _ in range(opts.repeat * 3):
            # CPU time: on a shared machine wall time of a 20 ms call is mostly other processes
            with_s.append(median(lambda: runcache.ledger_key(root, str(root)), 3, time.process_time))
            (root / "sealed").rename(Path(tmp) / "sealed-aside")
            without.append(median(lambda: runcache.ledger_key(root, str(root)), 3, time.process_time))
            (Path(tmp) / "sealed-aside").rename(root / "sealed")
        t_key, t_key0 = statistics.median(with_s), statistics.median(without)
        print(f"  run-cache key (CPU) {t_key * 1000:.1f} ms with sealed/ vs {t_key0 * 1000:.1f} ms without: "
              f"{t_key / t_key0:.3f}x")

        key = Path(tmp) / "demo.demo-key.txt"
        ident = sealed.load_identity(key, root)
        rid = sorted(texts)[0]
        data = (root / "sealed" / f"{rid}.age").read_bytes()
        t_open = median(lambda: sealed.unseal(rid, data, ident, display=rid), max(opts.repeat, 50))
        print(f"  one unseal {t_open * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
