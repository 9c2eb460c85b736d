"""Golden Markdown for every built-in report on a fixed demo ledger and a fixed --as-of.

Refresh (after checking the difference is intended) with: pytest tests/unit/test_report_golden.py --update-goldens
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hjp.demo import generate
from hjp.load import load_ledger
from hjp.report import reports

GOLDEN = Path(__file__).resolve().parent.parent / "report"
AS_OF = date(2026, 11, 30)
CASES = [
    ("self-check", {}),
    ("phase", {"phase": "集中攻坚阶段"}),
    ("hazards", {}),
    ("overdue", {}),
    ("self-check", {"village": "huangzhai"}),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("golden") / "ledgers"
    generate(root, villages=3, hazards=60, seed=7)
    return load_ledger(root, cache=False)


@pytest.mark.parametrize(("name", "kw"), CASES, ids=[f"{n}-{'-'.join(k.values()) or 'all'}" for n, k in CASES])
def test_golden(demo, update_goldens, name, kw):
    produced = reports.produce(demo, name, as_of=AS_OF, **kw)
    path = GOLDEN / f"{name}{''.join('-' + v for v in kw.values())}.md"
    if update_goldens:
        path.write_text(produced.markdown, encoding="utf-8")
    assert produced.markdown == path.read_text(encoding="utf-8")
