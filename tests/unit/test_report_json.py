"""`--format json`: every key printed is documented in docs/report-json.md, and the totals reconcile
with `hjp overdue --json` for the same date."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from hjp import deadlines
from hjp.demo import generate
from hjp.load import load_ledger
from hjp.report import jsonview, reports

DOC = (Path(__file__).resolve().parents[2] / "docs" / "report-json.md").read_text(encoding="utf-8")
AS_OF = date(2026, 12, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("json") / "ledgers"
    generate(root, villages=3, hazards=60, seed=7)
    return load_ledger(root, cache=False)


def keys(value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            keys(v, out)
    elif isinstance(value, list):
        for v in value:
            keys(v, out)
    return out


@pytest.mark.parametrize("name", ["self-check", "phase", "hazards", "overdue"])
def test_every_key_is_documented(demo, name):
    vm = reports.view_model(demo, name, as_of=AS_OF, phase="集中攻坚阶段" if name == "phase" else None)
    buf = io.StringIO()
    jsonview.dump(vm, buf, name=name)
    printed = keys(json.loads(buf.getvalue()), set())
    documented = set(re.findall(r"`([a-z_]+)`", DOC))
    assert printed - documented == set()


def test_totals_reconcile_with_hjp_overdue(demo):
    vm = reports.view_model(demo, "self-check", as_of=AS_OF)
    f = deadlines.compute(demo, as_of=AS_OF)
    own = set(vm.self_tasks)
    assert vm.problems.total == sum(1 for it in [*f.overdue, *f.stale, *f.awaiting_closure] if it.id not in own)
    assert vm.problems.hazards == vm.hazards.total.overdue == sum(1 for it in f.overdue if it.kind == "hazard")
    o = reports.view_model(demo, "overdue", as_of=AS_OF)
    assert o.total == len(f.overdue)
