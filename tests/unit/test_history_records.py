"""``history.split_records`` cuts a record file into slices that read exactly as the whole file does.

The audit parses only the slices a commit changed, so whenever the file is cut and every slice reads,
the records must be those PyYAML finds in the whole file: checked on a demo ledger, on every record
file of the test cases, on traps, and on generated files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hjp import demo
from hjp.history import file_records, slice_record, split_records, top_of

sys.path.insert(0, str(Path(__file__).parent))
from test_quickyaml import SCALAR, records as record_texts  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def by_slices(text: str, path: str) -> dict | None:
    """What the audit reads from slices alone (None when it would have to read the whole file)."""
    slices = split_records(text, top_of(path))
    if slices is None:
        return None
    out: dict = {}
    for sl in slices:
        rec = slice_record(sl.text, path)
        if rec is None or not isinstance(rec.get("id"), str):
            return None
        if sl.id is not None:
            assert sl.id == rec["id"], sl
        out.setdefault(rec["id"], (rec, sl.line if sl.id is not None else None))
    return out


def agrees(text: str, path: str = "villages/x/hazards.yaml") -> bool:
    quick = by_slices(text, path)
    if quick is None:
        return True
    whole = file_records(text, path)
    if whole is None:
        return False  # the slices read, the file did not: the audit would miss a broken file
    return {k: v[0] for k, v in quick.items()} == {k: v[0] for k, v in whole.items()} and all(
        line is None or line == whole[k][1] for k, (_r, line) in quick.items())


def test_demo_files_are_cut_and_read_identically(tmp_path):
    root = tmp_path / "demo"
    demo.generate(root, villages=4, hazards=200, seed=5)
    files = [p for p in sorted(root.rglob("*.yaml")) if top_of(p.relative_to(root).as_posix())]
    assert len(files) > 10
    for path in files:
        text, rel = path.read_text(encoding="utf-8"), path.relative_to(root).as_posix()
        assert by_slices(text, rel) is not None, rel  # the writer's layout is always cut
        assert agrees(text, rel), rel


def test_every_record_file_of_the_test_cases():
    for path in sorted((REPO / "tests" / "cases").rglob("*.yaml")):
        rel = path.relative_to(REPO).as_posix()
        if top_of(rel):
            assert agrees(path.read_bytes().decode("utf-8", "replace"), rel), rel


TRAPS = [
    "hazards:\n  - id: YH-1\n    a: &x 1\n  - id: YH-2\n    b: *x\n",  # an alias across records
    "hazards:\n  - id: YH-1\n    a: \"多行\n  - id: YH-2\n    b: 1\"\n",  # a quoted value over an item line
    "hazards:\n  - id: YH-1\n    a: |\n      块\n  - id: YH-2\n",
    "hazards:\n  - id: YH-1\nother: 1\n", "hazards:\n  - id: YH-1\nhazards: []\n", "---\nhazards:\n  - id: YH-1\n",
    "hazards:\n  - id: YH-1\n  - id: YH-1\n    a: 2\n", "hazards:\n- id: YH-1\n- id: YH-2\n", "hazards: []\n",
    "hazards:\n  - id: YH-1\n <<<<<<< HEAD\n", "hazards:\n  - id: YH-1\n<<<<<<< HEAD\n  - id: YH-2\n=======\n",
    "hazards:\n  - id: 'YH-1'\n  - id: \"YH-2\" # c\n  - {id: YH-3}\n  - id: no\n", "hazards:\n  -\n    id: YH-1\n",
    "hazards:\n  - id: YH-1\n    title: a\n  # 注释\n\n  - id: YH-2\n", "# x\n\nhazards:  # y\n  - id: YH-1\n",
    "hazards:\n  - id: YH-1\n    a: 1\n   b: 2\n", "hazards:\n  - id: YH-1\n  - id: YH-2\n\t\n",
    "hazards:\n  - id: YH-1\n    title: \r#\n  - id: YH-2\n",  # a lone CR is a line break to PyYAML
]


def test_traps():
    for text in TRAPS:
        assert agrees(text), text
    assert by_slices(TRAPS[0], "villages/x/hazards.yaml") is None  # the alias cannot be read alone
    assert split_records(TRAPS[3], "hazards") is None and split_records(TRAPS[10], "hazards") is None


@st.composite
def plain_records(draw) -> str:
    """Records as hjp writes them, with odd values here and there."""
    lines = [f"  - id: YH-{draw(st.integers(1, 3))}"]
    for key in draw(st.lists(st.sampled_from(["title", "notes", "found_on", "evidence", "rectification"]),
                             unique=True, max_size=4)):
        if key == "rectification":
            lines += ["    rectification:", f"      owner: {draw(SCALAR)}", "      deadline: 2026-01-31"]
        elif key == "evidence":
            lines.append(f"    evidence: [{draw(SCALAR)}]")
        else:
            lines.append(f"    {key}: {draw(st.one_of(st.sampled_from(['卸油区', '2026-01-31', '王某', '3']), SCALAR))}")
    return "\n".join(lines) + "\n"


@st.composite
def files(draw) -> str:
    head = draw(st.sampled_from(["hazards:\n", "# 注释\nhazards:\n", "hazards:  # 注释\r\n", "hazards: []\n", ""]))
    parts = [head]
    for _ in range(draw(st.integers(0, 4))):
        piece = draw(st.one_of(plain_records(), record_texts().map(
            lambda t: t.replace("YH-1", "YH-2" if len(t) % 2 else "YH-1"))))
        parts.append(piece if piece.endswith("\n") else piece + "\n")
        parts.append(draw(st.sampled_from(["", "", "", "", "\n", "# 注释\n", "  # 注释\n", "other: 1\n", "\t\n", "=======\n"])))
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(files())
def test_generated_files(text):
    assert agrees(text)
