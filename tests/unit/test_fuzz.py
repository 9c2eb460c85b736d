"""No input makes a traceback: arbitrary bytes, and YAML-ish text from ledger fragments, in any ledger file.

The loader must return diagnostics (never raise), and `hjp validate` must end with exit 0, 1 or 2 and
no traceback. Kept to a few dozen examples each so the whole module stays well under 20 s.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hjp.cli import app
from hjp.load import load_ledger
from hjp.rules import RuleContext, validate

TOWN = ("name: 测试镇\ncounty: 测试县\n"
        "plan: {title: 方案, doc_no: 1号, issued_on: 2024-03-31, start: 2024-03-31, end: 2026-12-31}\n"
        "phases:\n  - {name: 阶段, start: 2024-04-01, end: 2025-12-31}\nactions:\n  1: 行动\n")
TARGETS = ["town.yaml", "tasks.yaml", "villages/cun/village.yaml", "villages/cun/units.yaml",
           "villages/cun/hazards.yaml", "villages/cun/drills.yaml", "villages/cun/tasks.yaml"]

KEYS = ["id", "title", "unit", "sector", "level", "source", "found_on", "reporter", "rectification", "owner",
        "measures", "funds", "deadline", "contingency", "rectified_on", "verified_by", "closed_on", "evidence",
        "void", "date", "reason", "milestones", "due", "what", "done_on", "every", "ongoing", "start", "end",
        "occurrences", "progress", "note", "kind", "held_on", "participants", "name", "plan", "phases", "actions",
        "hazards", "tasks", "units", "drills", "since", "on", "no", "<<", "? x", "1", "~"]
VALUES = ["YH-2024-0001", "RW-1", "DW-cun-01", "YL-1", "重大", "一般", "举报", "疏散逃生", "quarter", "true", "no",
          "0012", "2025-02-30", "2025/3/15", "2025年3月15日", "2024-05-10", "9999-12-31", "-1", "1e400", ".nan",
          "[a, b", "{x: 1}", "[]", "{}", "&a [x]", "*a", "*b", "!!python/object x", "'quoted'", '"\\a"', "|",
          "../x.jpg", "/etc/passwd", "C:\\x", "\t", "", "~", "-", "消防", "工贸", "evidence/a.jpg"]


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Text made of ledger-like keys and values at random indents: mostly near-valid, often broken."""
    lines = []
    for _ in range(draw(st.integers(1, 25))):
        indent = " " * draw(st.sampled_from([0, 2, 4, 6, 1, 3]))
        dash = draw(st.sampled_from(["", "- ", "  - "]))
        key = draw(st.sampled_from(KEYS))
        value = draw(st.sampled_from(VALUES))
        lines.append(f"{indent}{dash}{key}: {value}" if draw(st.booleans()) else f"{indent}{dash}{value}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


def check_no_crash(tmp_path: Path, target: str, content: bytes) -> None:
    root = tmp_path / "ledger"
    (root / "villages" / "cun").mkdir(parents=True, exist_ok=True)
    (root / "town.yaml").write_text(TOWN, encoding="utf-8")
    (root / "villages" / "cun" / "village.yaml").write_text("name: 村\n", encoding="utf-8")
    for name in TARGETS[1:]:
        p = root / name
        if p.name != "village.yaml" and p.exists():
            p.unlink()
    (root / target).write_bytes(content)
    ledger = load_ledger(root, cache=False)
    diags = validate(ledger, RuleContext(as_of=date(2026, 11, 28)))
    for d in diags:
        assert d.code != "HJP900", str(d)  # a rule crashed: that is a bug even though it is caught
        assert d.line >= 1 and d.col >= 1 and d.message


SETTINGS = dict(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings(**SETTINGS)
@given(target=st.sampled_from(TARGETS), content=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_loader(tmp_path, target, content):
    check_no_crash(tmp_path, target, content)


@settings(**SETTINGS)
@given(target=st.sampled_from(TARGETS), text=yamlish())
def test_yamlish_text_never_crashes_the_loader(tmp_path, target, text):
    check_no_crash(tmp_path, target, text.encode("utf-8"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS),
       content=st.one_of(st.binary(max_size=200), yamlish().map(lambda t: t.encode("utf-8"))))
def test_validate_command_never_shows_a_traceback(tmp_path, monkeypatch, target, content):
    check_dir = tmp_path / "cli"
    check_dir.mkdir(exist_ok=True)
    monkeypatch.chdir(check_dir)
    monkeypatch.setenv("HJP_NO_CACHE", "1")
    monkeypatch.delenv("HJP_LEDGER", raising=False)
    root = check_dir / "ledger"
    for name in TARGETS:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / "town.yaml").write_text(TOWN, encoding="utf-8")
    (root / "villages" / "cun" / "village.yaml").write_text("name: 村\n", encoding="utf-8")
    (root / target).write_bytes(content)
    result = CliRunner().invoke(app, ["validate", "--ledger", "ledger"], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.stdout + result.stderr
    assert "内部错误" not in result.stderr


# The fast builder must answer exactly what the exact one would, or step aside (issue 8: new checks
# — tags that do not fit their value, odd plain values, nesting depth, cycles — went into both).
ODD_VALUES = ["1e3", "0o17", "y", "N", "010", "1_000", "1:30", "0b11", "yes", "Off", "2026-11-05", "!!int abc",
              "!!bool foo", "!!int", "<<", "=", "1" * 120, "&c [*c]", "[[[[[[x]]]]]]", "'2026-11-05'"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(KEYS[:30] + ["x", "y", "notes"]),
                                   st.sampled_from(VALUES * 4 + ODD_VALUES)), min_size=1, max_size=6),
                min_size=1, max_size=5),
       st.sampled_from([None, frozenset({"date", "found_on", "deadline"})]))
def test_fast_builder_agrees_with_the_exact_one(records, date_keys):
    import yaml

    from hjp.yamlread import YamlProblem, _Builder, _build_fast, _Loader, _Slow

    lines = ["items:"]
    for pairs in records:  # a list of records, as in every record file
        for i, (key, value) in enumerate(dict(pairs).items()):
            lines.append(f"  {'- ' if i == 0 else '  '}{key}: {value}")
    text = "\n".join(lines) + "\n"
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
    budget = len(text) + 1000
    try:
        fast = _build_fast(node, budget, date_keys)
    except (_Slow, YamlProblem, RecursionError):
        return  # the exact builder redoes the file
    exact = _Builder(budget, date_keys)
    assert tree(exact.build(node)) == tree(fast)
    assert exact.odd == []  # anything worth recording must have sent the fast builder aside


def tree(value):
    """Values with their marks and types, for comparing two builds exactly."""
    if isinstance(value, dict):
        return ("map", value.line, value.col, dict(value.marks), [(k, tree(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", value.line, value.col, list(value.marks), [tree(v) for v in value])
    return (type(value).__name__, value)
