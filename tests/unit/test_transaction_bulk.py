"""The transaction's bulk read-back (many records in one file: PyYAML's reading taken from the node
tree hjp's reader composes) against the per-record one (each record's lines loaded by PyYAML):
the same files, the same results and warnings, and the same refusals when the emitter goes wrong."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from hjp import edit, load, transaction, yamltext
from hjp.load import load_ledger
from hjp.transaction import Transaction
from hjp.yamltext import EditError

AS_OF = date(2026, 11, 28)
SMALL = """\
hazards:
  - id: YH-2026-0001
    title: 卸油区静电接地装置失效
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-11-30}
"""


def _big(n: int) -> str:
    rows = [SMALL.rstrip("\n")]
    for i in range(2, n + 2):
        rows.append(f"  - id: YH-2025-{i:04d}\n    title: 第{i}条\n    sector: 消防\n    level: 一般\n    source: 检查\n"
                    f"    found_on: 2025-03-01\n    rectification:\n      owner: 王某\n      deadline: 2025-04-01")
    return "\n".join(rows) + "\n"


def _values(i: int) -> dict:
    # Text that looks like a date, a number, a boolean or a YAML indicator must stay text; dates,
    # amounts and lists keep their types; a few are rectified (more dates, nested).
    titles = ["楼梯间堆放杂物", "2026-01-02", "2026-02-30", "123", "yes", "a: b", "# 注释", "- 列表", "2026-1-2 检查", "null"]
    values = {"title": f"{titles[i % len(titles)]}", "sector": "消防", "level": "一般", "source": "自查",
              "owner": "李某", "deadline": date(2026, 12, 31), "found-on": date(2026, 11, 20)}
    if i % 3 == 0:
        values["notes"] = f"第{i}条：2026-11-20 发现"
    if i % 4 == 0:
        values["funds"] = 1000 + i
    if i % 5 == 0:
        values["location"] = "2026-11-21"
    return values


@pytest.fixture
def root(make_ledger) -> Path:
    return make_ledger({"villages/hejiapan/hazards.yaml": _big(400),  # > FAST_APPEND_MIN_BYTES: appended piece
                        "villages/beimao/hazards.yaml": SMALL.replace("0001", "0500"),  # small: read again whole
                        "villages/xigou/village.yaml": "name: 西沟村\n"})  # no hazards.yaml yet: created


def _run(root: Path, bulk: bool, monkeypatch, *, rectify: bool = True, text_dates: bool = False,
         worker: bool = False) -> tuple[dict, list, dict, int]:
    monkeypatch.setattr(transaction, "BULK_READBACK_MIN", 1 if bulk else 10 ** 9)
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 0 if worker else 10 ** 12)
    monkeypatch.setenv("HJP_JOBS", "2")
    loads = []
    real = transaction._safe_load_text
    monkeypatch.setattr(transaction, "_safe_load_text", lambda text, display: loads.append(1) or real(text, display))
    with Transaction(root, clock=lambda tz: AS_OF, cache=False) as t:
        for i in range(60):
            village = ("hejiapan", "beimao", "xigou")[i % 3]
            change = edit.plan_new(t, "hazard", _values(i), village=village)
            if text_dates:  # a date field holding text: quoted, or PyYAML reads a date where text was meant
                change.record["found_on"] = change.record["found_on"].isoformat()
            t.add(change)
        if rectify:  # a changed record and new ones in one file
            t.add(edit.plan_rectify(t, "YH-2026-0500", on=date(2026, 11, 20)))
        prepared = t.prepare()
        files = {w.path: w.new for w in prepared.files}
        results = {p: (r.records, r.locs, r.diagnostics) for p, r in t._merged.results.items()}
        stamped = set(t._stamps)
        assert root / "villages/hejiapan/hazards.yaml" in t._fast  # only appended to: its new records read alone
    if not worker:  # a worker's stamps stay in the worker
        assert stamped == (set(files) if bulk else set())
    return files, prepared.warnings, results, len(loads)


def test_bulk_and_per_record_read_back_agree(root, monkeypatch):
    bulk = _run(root, True, monkeypatch)
    single = _run(root, False, monkeypatch)
    assert bulk[0] == single[0]
    assert bulk[1] == single[1]
    assert bulk[2] == single[2]
    # PyYAML loads: the rectified record's values before the change (both); per record only: each
    # record of the two files read whole (20 + 1 rectified, 20), the appended piece of the large one
    assert bulk[3] == 1 and single[3] == 1 + 21 + 20 + 1
    for path, data in bulk[0].items():
        path.write_bytes(data)
    disk = load_ledger(root, cache=False)
    assert disk.diagnostics == []
    assert {p: (r.records, r.locs, r.diagnostics) for p, r in disk.results.items()} == bulk[2]
    titles = {h.title for _s, h in disk.hazards()}
    assert {"2026-01-02", "2026-02-30", "123", "yes", "a: b", "# 注释", "- 列表", "null"} <= titles


def _plain_date_text(real):
    def scalar(value, *, flow=False):
        if value == "2026-11-20":
            return value  # PyYAML reads a date here; hjp's reader reads the text it was
        return real(value, flow=flow)
    return scalar


def _quoted_dates(real):
    def scalar(value, *, flow=False):
        if isinstance(value, date):
            return f'"{value.isoformat()}"'  # hjp's reader reads the same text; PyYAML reads text, not a date
        return real(value, flow=flow)
    return scalar


@pytest.mark.parametrize("fault", [_plain_date_text, _quoted_dates], ids=["text-read-as-date", "date-read-as-text"])
@pytest.mark.parametrize(("bulk", "worker"), [(True, False), (False, False), (True, True)],
                         ids=["bulk", "per-record", "bulk-in-a-worker"])
def test_a_record_pyyaml_would_read_otherwise_is_refused_either_way(root, monkeypatch, fault, bulk, worker):
    monkeypatch.setattr(yamltext, "scalar", fault(yamltext.scalar))
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    # Validation passes (hjp reads the text the date field needs, either way): only the read-back sees it.
    with pytest.raises(EditError, match="读回后与预期不符"):
        _run(root, bulk, monkeypatch, rectify=False, text_dates=fault is _plain_date_text, worker=worker)
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_files_read_in_a_worker_give_what_one_process_gives(root, monkeypatch):
    here = []  # the files read in this process (a worker's calls are counted in the worker)
    real = transaction.Transaction._validate_file
    monkeypatch.setattr(transaction.Transaction, "_validate_file", lambda self, path, *a: here.append(path) or
                        real(self, path, *a))
    one = _run(root, True, monkeypatch)
    assert len(here) == 3
    here.clear()
    two = _run(root, True, monkeypatch, worker=True)
    assert len(here) < 3  # the worker read the files read whole (one at least) ...
    # ... but not the one that only gained records (just those are parsed: a worker would send it all back)
    assert root / "villages/hejiapan/hazards.yaml" in here
    assert one[0] == two[0] and one[1] == two[1] and one[2] == two[2]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_a_file_the_worker_refuses_is_refused_as_in_one_process(root, monkeypatch):
    (root / "villages/xigou/hazards.yaml").write_text("hazards:\n  - id: YH-2026-0900\n    title: 仓库\n"
                                                      "    sector: 消防\n    level: 一般\n    source: 自查\n"
                                                      "    found_on: 2026-11-01\n    rectification: {owner: 王某, "
                                                      "deadline: 2026-11-30}\n    notes: 备注\n", encoding="utf-8")
    real = yamltext.scalar
    monkeypatch.setattr(yamltext, "scalar", lambda v, *, flow=False: "\x07" if v == "李某" else real(v, flow=flow))
    seen = []
    for worker in (False, True):
        with pytest.raises(EditError) as exc:
            _run(root, True, monkeypatch, worker=worker)
        seen.append((exc.value.message, exc.value.code, exc.value.diagnostics))
    assert seen[0] == seen[1] and "无法读回" in seen[0][0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_a_worker_that_dies_leaves_its_files_to_this_process(root, monkeypatch):
    monkeypatch.setattr(transaction, "_forked_job", lambda path: os._exit(3))
    one = _run(root, True, monkeypatch)
    two = _run(root, True, monkeypatch, worker=True)
    assert one[0] == two[0] and one[2] == two[2]


@pytest.mark.parametrize(("text", "typed"), [
    ("  - id: A\n    d: 2026-11-20\n    t: '2026-11-20'\n    l: [2026-01-02, x]\n",
     {"id": "A", "d": date(2026, 11, 20), "t": "2026-11-20", "l": [date(2026, 1, 2), "x"]}),
    ("  - id: A\n    d: !!timestamp 2026-11-20\n", {"id": "A", "d": date(2026, 11, 20)}),
    ("  - id: A\n    d: 2026-02-30\n", None),  # PyYAML cannot read it
    ("  - id: A\n    2026-11-20: x\n", None),  # a date as a key: no plain view says it
    ("  - id: A\n  - id: A\n", None),  # the ID twice
    ("  - id: B\n", None),  # not there
])
def test_stamps_give_pyyamls_view_of_a_record(text, typed):
    from hjp.yamlread import parse_text, plain

    stamps = transaction._Stamps("hazards", {"A"})
    got = parse_text("hazards:\n" + text, "x.yaml", visit=stamps.visit)
    assert not got.diagnostics
    record = plain(got.data["hazards"][0])
    before = dict(record)
    assert stamps.typed("A", record) == typed
    assert record == before  # hjp's view is left as it was
    if typed is not None:
        import yaml

        assert yaml.safe_load("hazards:\n" + text)["hazards"][0] == typed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_results_a_worker_sent_are_cached_as_one_process_caches_them(root, monkeypatch):
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("HJP_JOBS", "2")
    with Transaction(root, clock=lambda tz: AS_OF, cache=True) as t:
        for i in range(60):
            t.add(edit.plan_new(t, "hazard", _values(i), village=("hejiapan", "beimao", "xigou")[i % 3]))
        done = t.commit()
        assert t._blobs  # a worker read some of them
        results = {w.path: t._merged.results[w.path] for w in done.files}
    fc = load.result_cache(root)
    for w in done.files:
        kind, village = t._kind_of(w.path)
        hit = fc.get(fc.key(w.path.read_bytes(), kind.stem, w.display, village))
        assert hit is not None
        assert (hit.records, hit.locs, hit.diagnostics) == (results[w.path].records, results[w.path].locs,
                                                             results[w.path].diagnostics)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_output_written_before_the_worker_starts_is_not_written_twice(make_ledger, tmp_path):
    """A piped stdout holds what was printed in its buffer when the worker is forked: said once all the same."""
    import subprocess
    import textwrap

    root = make_ledger({"villages/hejiapan/hazards.yaml": SMALL,
                        "villages/beimao/hazards.yaml": SMALL.replace("0001", "0500")})
    script = textwrap.dedent(f"""
        import os, sys
        from datetime import date
        from pathlib import Path
        from hjp import edit, load
        from hjp.transaction import Transaction
        load.PARALLEL_MIN_BYTES = 0
        os.environ["HJP_JOBS"] = "2"
        print("一次")
        with Transaction(Path({str(root.resolve())!r}), clock=lambda tz: date(2026, 11, 28), cache=False) as t:
            for i in range(4):
                values = {{"title": f"隐患{{i}}", "sector": "消防", "level": "一般", "source": "自查", "owner": "李某",
                          "deadline": date(2026, 12, 31)}}
                t.add(edit.plan_new(t, "hazard", values, village=("hejiapan", "beimao")[i % 2]))
            t.commit()
            assert t._blobs  # the worker read at least one file
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "一次\n"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cyclic_collector_is_off_in_a_transaction_and_back_as_found_after(root, enabled):
    import gc

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with Transaction(root, clock=lambda tz: AS_OF, cache=False) as t:
            assert not gc.isenabled()
            t.add(edit.plan_new(t, "hazard", _values(0), village="xigou"))
            t.commit()
        assert gc.isenabled() is enabled
        with pytest.raises(EditError):  # refused: back as found too
            with Transaction(root, clock=lambda tz: AS_OF, cache=False) as t:
                t.add(edit.plan_rectify(t, "YH-2026-0500", on=date(2027, 1, 1)))  # a date in the future
                t.commit()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
