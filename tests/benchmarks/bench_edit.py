"""Edit benchmark: `hjp rectify` and a 1,000-record transaction against `hjp validate` after a one-file change.

Generates `hjp demo DIR --villages 20 --hazards 100000 --seed 1` in a temp dir (``--hazards N`` for
a smaller look), warms the cache with one `hjp validate`, then times as whole processes, interleaved
and median of ``--runs``, in one run:

- reference: `hjp validate` after one village's hazards.yaml changed (a comment appended: that file
  misses the per-file cache, the others hit; the whole-run cache misses);
- `hjp rectify ID --on DATE` of an open hazard (another village each run);
- one transaction adding 1,000 new hazards (``hjp.api.change`` with 1,000 ``edit.plan_new``),
  spread over every village, and all into one village.

Targets (issue 9): rectify ≤ 2 × the reference; the 1,000-record batch ≤ 3 × the reference.
Prints a table (measurement, reference, ratio, target, PASS/FAIL); exit status 1 if any fails.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

BATCH = """\
import sys
from datetime import date
from pathlib import Path
from hjp import api, edit
from hjp.clock import today

root, villages, tag = Path(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
values = {"title": "", "sector": "消防", "level": "一般", "source": "自查", "owner": "王某",
          "deadline": date(2026, 12, 31), "found-on": date(2026, 11, 20)}

def plans(tx):
    for i in range(1000):
        yield edit.plan_new(tx, "hazard", {**values, "title": f"批量导入{tag}-{i}"}, village=villages[i % len(villages)])

out = api.change(root, plans, clock=today, show=False)  # an import reports a summary
assert len(out.changes) == 1000, len(out.changes)
"""


def run(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd[:4])} ... exited with {proc.returncode}:\n{proc.stderr.decode()[-2000:]}")
    return elapsed


def hjp_cmd() -> list[str]:
    script = Path(sys.executable).with_name("hjp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hjp"]


def open_hazards(path: Path) -> list[str]:
    """IDs of the file's hazards with no rectified_on and not voided (found in the text)."""
    out = []
    for block in re.split(r"\n(?=  - id: )", path.read_text(encoding="utf-8")):
        m = re.match(r"\s*- id: (YH-\S+)", block)
        if m and "rectified_on:" not in block and "void:" not in block and "found_on: 2026" not in block:
            out.append(m.group(1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hazards", type=int, default=100_000)
    ap.add_argument("--villages", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="generate into this directory and keep it")
    args = ap.parse_args()

    compileall.compile_dir(REPO / "hjp", quiet=1)
    work = Path(args.keep or tempfile.mkdtemp(prefix="hjp-bench-edit-"))
    work.mkdir(parents=True, exist_ok=True)
    ledger = work / "ledger"
    env = {k: v for k, v in os.environ.items() if k not in ("HJP_NO_CACHE", "HJP_CACHE_DIR", "HJP_JOBS")}
    env["HJP_TODAY"] = "2026-11-30"
    try:
        if not ledger.exists():
            subprocess.run([*hjp_cmd(), "demo", str(ledger), "--villages", str(args.villages), "--hazards",
                            str(args.hazards), "--seed", "1"], stdout=subprocess.DEVNULL, check=True)
        villages = sorted(p.name for p in (ledger / "villages").iterdir() if p.is_dir())
        validate = [*hjp_cmd(), "validate", "--ledger", str(ledger)]
        run(validate, env, ok=(0, 1))  # warm the per-file cache
        ref, rectify, spread, one = [], [], [], []
        for i in range(args.runs):  # interleaved, so that a busy machine slows all alike
            changed = ledger / "villages" / villages[i % len(villages)] / "hazards.yaml"
            with open(changed, "a", encoding="utf-8") as f:
                f.write(f"# bench {i}\n")
            ref.append(run(validate, env, ok=(0, 1)))
            target = ledger / "villages" / villages[(i + 1) % len(villages)] / "hazards.yaml"
            rid = open_hazards(target)[0]
            rectify.append(run([*hjp_cmd(), "rectify", rid, "--on", "2026-11-28", "--ledger", str(ledger)], env))
            spread.append(run([sys.executable, "-c", BATCH, str(ledger), ",".join(villages), f"s{i}"], env))
            one.append(run([sys.executable, "-c", BATCH, str(ledger), villages[(i + 2) % len(villages)], f"o{i}"],
                           env))
        ref_s, rect_s, spread_s, one_s = (statistics.median(x) for x in (ref, rectify, spread, one))
        files = list(ledger.rglob("*.yaml"))
        size = sum(p.stat().st_size for p in files)
        print(f"{args.hazards} hazards in {args.villages} villages: {len(files)} files, {size / 1e6:.1f} MB; "
              f"median of {args.runs} runs; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
        rows = [
            ("rectify (one record)", rect_s, 2.0),
            ("1,000 new, all villages", spread_s, 3.0),
            ("1,000 new, one village", one_s, 3.0),
        ]
        print(f"{'measurement':26} {'s':>7}  {'reference':26} {'s':>7} {'ratio':>6} {'target':>7}  result")
        ok = True
        for name, value, target in rows:
            ratio = value / ref_s
            passed = ratio <= target
            ok &= passed
            print(f"{name:26} {value:7.2f}  {'validate after 1 file':26} {ref_s:7.2f} {ratio:6.2f} "
                  f"{'≤ ' + str(target):>7}  {'PASS' if passed else 'FAIL'}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
