"""Benchmark `hjp log` and `hjp audit` on a generated repository (run: python tests/benchmarks/bench_history.py).

Issue 5's targets, as ratios measured in the same run:
  - `hjp log ID` ≤ 3 × `git log --format=%H -- FILE` for that record's file (whole processes, median
    of 7), on a repository of 5,000 commits touching 500 records;
  - `hjp audit --since` over 1,000 commits ≤ 30 s, and linear (500 vs 1,000 commits).

The repository models a town ledger as it would really grow, because both sides of the ratio depend
on the shape: git's cost is the number of commits times the trees it opens along FILE's path, ours is
the commits that touched FILE times the size of its versions.
  - Layout as DESIGN §3 and the demo ledger (`hjp demo`): `ledgers/town.yaml`, `ledgers/tasks.yaml`,
    and 24 villages each with village.yaml, units.yaml, hazards.yaml, drills.yaml and tasks.yaml;
    the 500 hazards are the demo's (≈ 21 a village, ≈ 15 lines and 400 bytes each, Chinese text),
    so a village's hazards.yaml ends at ≈ 7 KB. 20–50 villages of 10–25 records is the real range;
    a tree of a few tiny files would flatter git, one huge file would flatter nobody but be unreal.
  - History as the clerk makes it: a hazard is created (appended to its village's file, which is
    created with the first one), then edited in later commits — progress notes, a later deadline,
    supervision, rectified_on, verified_by + closed_on, sometimes void — ending in the demo's final
    state. 5,000 commits over the plan's 2½ years; about 70 % touch one record, the rest 2–4 records
    of the same village (one inspection entered in one sitting). Units, drills and tasks files are
    committed once and stay (they widen the trees git walks, as in a real ledger).
  - The record logged is a typical one: in the village with the median number of commits to its
    hazards.yaml, the hazard with the median number of commits; the busiest village's busiest hazard
    is measured as well.
The repository is measured as fast-import leaves it (one pack whose deltas chain each version of a
file to the previous one: reading 200 versions of a file costs git ~45 ms, more than the log itself),
then repacked as `git gc` packs a history that was committed one by one, or as a clone arrives
(`git repack -a -d -f`: the same reads cost ~3 ms) — the state a clerk's repository is really in —
then with a commit-graph as `git gc` writes it by default (no Bloom filters), then with
`--changed-paths` Bloom filters (which make `git log -- FILE` itself 3–4× faster).
hjp is run as the clerk runs it (the `hjp` script, bytecode cached). Its floor, a Python process that
imports typer, is printed with each ratio: whatever hjp does, it cannot start faster than that.
`--compare REV` measures hjp as committed at REV alongside (before/after a change, same run).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hjp import demo

VILLAGES, HAZARDS, COMMITS = 24, 500, 5000
HJP = [sys.executable, "-m", "hjp"]
RUNS = 7
CLERKS = [("李某", "li@example.cn"), ("张某", "zhang@example.cn"), ("王某", "wang@example.cn")]
PROGRESS = ["已下达整改通知书", "责任人已签收整改通知", "整改措施落实中", "已采购整改所需材料", "复查：尚未整改到位",
            "复查：整改过半", "已约谈生产经营单位主要负责人", "整改方案已报镇应急办"]


def _versions(h: dict[str, Any], fillers: int, rng: random.Random) -> list[dict[str, Any]]:
    """The successive values of one hazard: created bare, then edited towards the demo's final record."""
    later = {"rectified_on", "verified_by", "closed_on", "evidence", "void", "notes", "supervision"}
    cur = {k: v for k, v in h.items() if k not in later}
    cur["rectification"] = dict(h["rectification"])
    out = [dict(cur)]
    if "supervision" in h:
        cur["supervision"] = h["supervision"]
        out.append(dict(cur))
    for i in range(fillers):  # progress notes, now and then a deadline moved or measures filled in
        r = rng.random()
        if r < 0.08:
            rect = dict(cur["rectification"])
            rect["deadline"] = rect["deadline"] + timedelta(days=rng.choice((7, 15, 30)))
            cur["rectification"] = rect
        elif r < 0.12 and "measures" not in cur["rectification"]:
            cur["rectification"] = {**cur["rectification"], "measures": "按要求落实整改措施"}
        else:
            cur["notes"] = f"第{i + 1}次跟踪：{rng.choice(PROGRESS)}"
        out.append(dict(cur))
    cur["rectification"] = dict(h["rectification"])  # the final plan of 五定 as the demo has it
    out.append(dict(cur))  # a commit of its own when a moved deadline is put back (equal versions are dropped below)
    for step in (("rectified_on",), ("verified_by", "closed_on", "evidence"), ("void",)):
        if any(k in h for k in step):
            cur.update({k: h[k] for k in step if k in h})
            out.append(dict(cur))
    if cur.get("notes") != h.get("notes"):
        cur.pop("notes", None)
        if "notes" in h:
            cur["notes"] = h["notes"]
        out.append(dict(cur))
    order = list(h) + [k for k in ("supervision", "notes") if k not in h]  # demo key order, else notes last
    ordered = [{k: v[k] for k in order if k in v} for v in out]
    return [v for i, v in enumerate(ordered) if i == 0 or v != ordered[i - 1]]  # every commit changes something


Event = tuple[float, str, str, dict[str, Any]]  # (time as a fraction of the span, village, id, value)


def _plan(records: list[tuple[str, dict[str, Any]]], born: list[float], fillers: int) -> list[list[Event]]:
    """Every record's versions in time order, grouped into commits of 1–4 records of one village."""
    rng = random.Random(5)
    # Progress edits go to records in proportion to how long they have been open to edits.
    extra = Counter(rng.choices(range(len(records)), [1.02 - b for b in born], k=fillers))
    events: list[Event] = []
    for n, (slug, h) in enumerate(records):
        vs = _versions(h, extra[n], rng)
        times = sorted(born[n] + (1 - born[n]) * rng.random() for _ in vs[1:])
        events.extend((t, slug, h["id"], v) for t, v in zip([born[n], *times], vs))
    events.sort(key=lambda e: e[0])
    queue = deque(events)
    batches = []
    while queue:
        size = 1 if rng.random() < 0.7 else rng.choice((2, 2, 2, 3, 3, 4))
        first = queue.popleft()
        batch = [first]
        for ev in [queue[i] for i in range(min(40, len(queue)))]:  # the same sitting, the same village
            if len(batch) >= size:
                break
            if ev[1] == first[1]:
                batch.append(ev)
        for ev in batch[1:]:
            queue.remove(ev)
        batches.append(batch)
    return batches


def build(repo: Path) -> tuple[str, str, str, str, dict[str, int]]:
    """Write the repository; return (typical id, its file, busiest id, its file, commits per hazards file)."""
    data = demo.intended(villages=VILLAGES, hazards=HAZARDS, seed=1)
    final: dict[str, list[dict[str, Any]]] = {}  # village slug -> its hazards, in file order
    static: dict[str, str] = {"ledgers/town.yaml": demo.TOWN_YAML}
    for rel, value in data.items():
        if rel.endswith("village.yaml"):
            static[f"ledgers/{rel}"] = demo.dump_mapping(value, demo.HEADER)
            continue
        (top, body), = value.items()
        if top == "hazards":
            final[rel.split("/")[1]] = body
        else:
            static[f"ledgers/{rel}"] = demo.dump_records(top, body, demo.HEADER)

    records = [(slug, h) for slug, hs in final.items() for h in hs]
    day0, day1 = date(2024, 4, 1).toordinal(), date(2026, 11, 23).toordinal()
    born = [(h["found_on"].toordinal() - day0) / (day1 - day0 + 1) for _s, h in records]  # entered when found
    # Enough progress edits to make COMMITS - 1 commits after the initial one: the fewest that reach
    # at least that many (a few multi-record commits are then split to land on the number exactly).
    lo, hi = 0, 4 * COMMITS
    while hi - lo > 10:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if len(_plan(records, born, mid)) <= COMMITS - 1 else (lo, mid)
    batches = _plan(records, born, lo)
    while len(batches) < COMMITS - 1:
        i = max(i for i, b in enumerate(batches) if len(b) > 1)
        batches[i:i + 1] = [batches[i][:1], batches[i][1:]]

    current: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # slug -> id -> value (created so far)
    per_file: Counter[str] = Counter()
    touched: Counter[str] = Counter()
    out: list[bytes] = []
    t_start = 1_711_929_600  # 2024-04-01 00:00 UTC; ≈ 5 commits a day to 2026-11
    span = (day1 - day0 + 1) * 86_400  # the same scale as `born`: a hazard is entered on the day it is found

    last = [t_start]

    def commit(c: int, at: float, message: str, files: dict[str, str]) -> None:
        """Commit ``c`` at fraction ``at`` of the span (never before the previous one)."""
        who, mail = CLERKS[c % 7 % 3]
        when = last[0] = max(last[0] + 60, t_start + int(span * at) + 3600)
        msg = message.encode()
        out.append(f"commit refs/heads/main\nmark :{c + 1}\nauthor {who} <{mail}> {when} +0800\n"
                   f"committer {who} <{mail}> {when} +0800\ndata {len(msg)}\n".encode() + msg + b"\n")
        for path, text in files.items():
            body = text.encode()
            out.append(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")

    commit(0, 0.0, "建立台账：镇、村、生产经营单位、演练和任务", static)
    for c, batch in enumerate(batches, start=1):
        slug = batch[0][1]
        words = []
        for _t, _s, rid, value in batch:
            words.append(("新建隐患" if rid not in current[slug] else "更新") + f" {rid}")
            current[slug][rid] = value
            touched[rid] += 1
        order = [h for h in final[slug] if h["id"] in current[slug]]
        text = demo.dump_records("hazards", [current[slug][h["id"]] for h in order], demo.HEADER)
        per_file[slug] += 1
        commit(c, batch[0][0], "；".join(words) if len(words) == 1 else f"{slug} 隐患台账：" + "；".join(words),
               {f"ledgers/villages/{slug}/hazards.yaml": text})
    made = len(batches) + 1
    assert made == COMMITS and current == {s: {h["id"]: h for h in hs} for s, hs in final.items()}

    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(out), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)

    def pick(slug: str, median: bool) -> str:
        ids = sorted((touched[h["id"]], h["id"]) for h in final[slug])
        return ids[len(ids) // 2][1] if median else ids[-1][1]

    ranked = sorted((n, s) for s, n in per_file.items())
    typical, busiest = ranked[len(ranked) // 2][1], ranked[-1][1]
    return (pick(typical, True), f"ledgers/villages/{typical}/hazards.yaml", pick(busiest, False),
            f"ledgers/villages/{busiest}/hazards.yaml", {"commits": made, "typical": per_file[typical],
                                                          "busiest": per_file[busiest]})


# Python writes no bytecode under PYTHONDONTWRITEBYTECODE (set in some sandboxes): every run would
# then compile each hjp module changed since its .pyc was last written (history.py alone: 8 ms).
# An installed hjp has its bytecode (pip compiles it), so the measured runs may write it, after a
# warm-up run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_time(cmd: list[str], cwd: Path, runs: int = RUNS, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or ENV)
        times.append(time.perf_counter() - t)
    return statistics.median(times[1:])  # the first run is the warm-up


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", metavar="REV", help="also measure hjp as committed at REV (e.g. before a change)")
    args = ap.parse_args()
    script = Path(sys.executable).with_name("hjp")  # what the clerk types; else python -m hjp
    hjp = [str(script)] if script.exists() else HJP
    tmp = Path(tempfile.mkdtemp(prefix="hjp-bench-history-"))
    try:
        variants = [("hjp", ENV)]
        if args.compare:
            old = tmp / "old"
            old.mkdir()
            tar = subprocess.run(["git", "archive", args.compare, "hjp"], cwd=Path(__file__).resolve().parents[2],
                                 check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=tar, check=True)
            variants.append((f"hjp@{args.compare}", {**ENV, "PYTHONPATH": str(old)}))
        t = time.perf_counter()
        repo = tmp / "repo"
        rid, file, big_rid, big_file, counts = build(repo)
        print(f"generated {counts['commits']} commits, {HAZARDS} hazards in {VILLAGES} villages "
              f"in {time.perf_counter() - t:.1f} s")
        for r, f, what in ((rid, file, "typical"), (big_rid, big_file, "busiest")):
            outs = {name: subprocess.run([*hjp, "log", r], cwd=repo, capture_output=True, env=env).stdout
                    for name, env in variants}
            n = subprocess.run(["git", "log", "--format=%H", "--", f], cwd=repo, capture_output=True,
                               text=True).stdout.count("\n")
            listed = outs["hjp"].count(b"\n\n")
            print(f"{what}: hjp log {r}: {listed} commits listed"
                  f"{'' if len(set(outs.values())) == 1 else ' (OUTPUTS DIFFER between versions)'}; "
                  f"{f}: {n} commits, {len((repo / f).read_bytes())} bytes")
        states = (
            ("pack as fast-import wrote it (naive delta chains), no commit-graph", None),
            # git gc packs a history committed one by one with fresh deltas, as a clone also arrives:
            # reading a file's versions is then ~10x cheaper than from fast-import's chains.
            ("repacked as git gc packs a real history (repack -a -d -f), no commit-graph",
             ["git", "repack", "-q", "-a", "-d", "-f"]),
            ("repacked, commit-graph as git gc writes it", ["git", "commit-graph", "write", "--reachable"]),
            ("repacked, commit-graph with Bloom filters", ["git", "commit-graph", "write", "--reachable",
                                                          "--changed-paths"]))
        floor = median_time([sys.executable, "-c", "import typer"], repo)
        print(f"start-up floor: python -c 'import typer' {floor * 1000:.0f} ms "
              f"(python -c pass {median_time([sys.executable, '-c', 'pass'], repo) * 1000:.0f} ms; "
              f"hjp up to the log command, with a missing --ledger: "
              f"{median_time([*hjp, 'log', rid, '--ledger', str(tmp / 'none')], repo) * 1000:.0f} ms)")
        for label, setup in states:
            if setup:
                subprocess.run(setup, cwd=repo, check=True, capture_output=True)
            print(f"[{label}]")
            for r, f, what in ((rid, file, "typical"), (big_rid, big_file, "busiest")):
                ref = median_time(["git", "log", "--format=%H", "--", f], repo)
                line = f"  {what:8} git log -- FILE {ref * 1000:4.0f} ms"
                for name, env in variants:
                    mine = median_time([*hjp, "log", r], repo, env=env)
                    line += (f" | {name} {mine * 1000:4.0f} ms: ratio {mine / ref:.2f}, "
                             f"{(mine - floor) / ref:.2f} above the floor")
                print(line)
        print(f"  (target: ratio ≤ 3; the floor alone is {floor / ref:.2f} × git log -- FILE in the last state)")
        a500 = median_time([*hjp, "audit", "--since", "HEAD~500"], repo, runs=3)
        a1000 = median_time([*hjp, "audit", "--since", "HEAD~1000"], repo, runs=3)
        print(f"hjp audit --since HEAD~500 {a500:.2f} s; HEAD~1000 {a1000:.2f} s (target ≤ 30 s); "
              f"1000/500 ratio {a1000 / a500:.2f} (linear ≈ 2)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
