"""`hjp import xlsx` against `hjp validate` of the ledger it leaves, as whole processes in one run.

    python tests/benchmarks/bench_import.py [--runs 3] [--rows 10000]

The sheet is the demo's hazards (`hjp demo --villages 20`, enough hazards for --rows) as a village
office keeps them: no ID column, 所属村, unit names, real dates, a title row; 举报 and voided ones
left out (a 举报人 is sealed, not in a sheet). The first --rows of them are imported into a ledger
holding only the town, the villages and their units (a fresh copy each run), then `hjp validate`
(cold, no cache) runs on the result. Target: import ≤ 3× that validate.

Prints a Markdown row with PASS/FAIL; exit status 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HJP = [sys.executable, "-m", "hjp"]
ENV = {**os.environ, "HJP_NO_CACHE": "1", "HJP_TODAY": "2026-11-30"}
HEAD = ["序号", "所属村", "隐患名称", "所属单位", "隐患部位", "行业领域", "隐患等级", "隐患来源", "排查时间", "发现人",
        "整改责任人", "整改措施", "整改资金（元）", "整改期限", "防范措施和预案", "整改完成时间", "验收人", "销号时间", "判定依据", "挂牌督办", "挂牌日期", "备注"]


def timed(argv: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(argv)}")
    return elapsed


def clerk_sheet(ledger: Path, out: Path, rows: int) -> int:
    """Up to ``rows`` of the demo's hazards as a village office keeps them; how many were written."""
    sys.path.insert(0, str(REPO))
    from hjp.load import load_ledger
    from hjp.xlsxout import Column, Workbook

    led = load_ledger(ledger, cache=False)
    names = {u.id: u.name for _s, u in led.units()}
    villages = {slug: v.name for slug, v in led.villages.items()}
    wb = Workbook(out)
    ws = wb.sheet("隐患台账", [Column(h, 12) for h in HEAD])
    n = 0
    for slug, h in led.hazards():
        if h.void is not None or h.source == "举报":
            continue
        if n == rows:
            break
        n += 1
        r = h.rectification
        sup = h.supervision  # 重大 hazards need their basis and 挂牌督办 (HJP254/HJP255)
        ws.row([n, villages[slug], h.title, names.get(h.unit, None) if h.unit else None, h.location, h.sector, h.level,
                h.source, h.found_on, h.found_by, r.owner, r.measures, r.funds, r.deadline, r.contingency,
                h.rectified_on, h.verified_by, h.closed_on, h.basis, sup.level if sup else None,
                sup.since if sup else None, h.notes])
    wb.close()
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=10000)
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "hjp")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        # about 89 % of the demo's hazards are neither 举报 nor voided
        hazards = int(args.rows / 0.85) + 20
        subprocess.run([*HJP, "demo", str(t / "src"), "--villages", "20", "--hazards", str(hazards), "--seed", "1"],
                       env=ENV, check=True, capture_output=True)
        n = clerk_sheet(t / "src", t / "台账.xlsx", args.rows)
        base = t / "base"
        (base / "villages").mkdir(parents=True)
        shutil.copy(t / "src" / "town.yaml", base / "town.yaml")
        for v in (t / "src" / "villages").iterdir():
            (base / "villages" / v.name).mkdir()
            for name in ("village.yaml", "units.yaml"):
                if (v / name).exists():
                    shutil.copy(v / name, base / "villages" / v.name / name)
        imp, val = [], []
        for i in range(args.runs):
            work = t / f"L{i}"
            shutil.copytree(base, work)
            imp.append(timed([*HJP, "import", "xlsx", "台账.xlsx", "--ledger", work.name], t))
            val.append(timed([*HJP, "validate", "--ledger", work.name], t))
    s, r = statistics.median(imp), statistics.median(val)
    ratio = s / r
    print("| measurement | s | reference | s | ratio | target | |\n|---|---:|---|---:|---:|---:|---|")
    print(f"| `hjp import xlsx`, {n:,} rows | {s:.2f} | `hjp validate` of the result (cold) | {r:.2f} | {ratio:.2f} "
          f"| ≤ 3 | {'PASS' if ratio <= 3 else '**FAIL**'} |")
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
