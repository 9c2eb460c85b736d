"""``quickyaml`` reads a record's slice, or a top-level scalar, exactly as PyYAML (``parse_text``) does, or declines.

``hjp log`` trusts it to skip importing PyYAML, so any answer it gives must be PyYAML's answer:
checked on every record of a demo ledger, every town.yaml in the repository, hand-picked YAML 1.1
traps, and generated text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hjp import demo, gitio, history, quickyaml
from hjp.yamlread import parse_text, plain


def by_yaml(piece: str) -> dict | None:
    data = parse_text(piece, "x.yaml").data
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict):
        return plain(data[0])
    return None


def agrees(piece: str) -> bool:
    """Either quick_record declines, or it says what PyYAML says."""
    quick = quickyaml.quick_record(piece)
    return quick is None or quick == by_yaml(piece) and type_tree(quick) == type_tree(by_yaml(piece))


def type_tree(value):
    if isinstance(value, dict):
        return {k: type_tree(v) for k, v in value.items()}, list(value)
    if isinstance(value, list):
        return [type_tree(v) for v in value]
    return type(value)


def test_every_demo_record_is_read_quickly_and_identically(tmp_path):
    root = tmp_path / "demo"
    demo.generate(root, villages=6, hazards=300, seed=3)
    count = 0
    for path in sorted(root.rglob("*.yaml")):
        text, rel = path.read_text(encoding="utf-8"), path.relative_to(root).as_posix()
        for rid in history.records_in(text, rel):
            piece = history.RecordReader(gitio.Git(tmp_path), rid).slice(text)
            assert piece is not None
            quick = quickyaml.quick_record(piece)
            assert quick is not None, piece  # the writer's own layout never needs PyYAML
            assert (quick, type_tree(quick)) == (by_yaml(piece), type_tree(by_yaml(piece)))
            count += 1
    assert count > 400


TRAPS = [
    # YAML 1.1 words, numbers and dates as hjp reads them
    "  - id: YH-1\n    a: on\n    b: No\n    c: 'no'\n    d: null\n    e: ~\n    f: 010\n    g: 0x1F\n",
    "  - id: YH-1\n    a: 2024-05-10\n    b: 2024-5-10\n    c: 3000\n    d: 3.5\n    e: -1\n    f: 1_000\n    g: 1:30\n",
    "  - id: YH-1\n    a: yes please\n    b: Off-site\n    c: nullable\n    d: .inf\n    e: <<\n    f: =\n",
    # comments, quotes, colons and hashes
    "  - id: YH-1  # 备注\n    a: 文字 # 注释\n    b: 文字#不是注释\n    c: \"引号 # 里\"  # 外\n    d: 'x'y\n",
    "  - id: YH-1\n    a: 时间: 下午\n    b: 结尾:\n    c: a:b\n    d: \"转义\\t\"\n    e: 'it''s'\n    f: \"a\"b\n",
    # flow collections
    "  - id: YH-1\n    a: {level: 县级, since: 2024-05-12}\n    b: [x, y]\n    c: []\n    d: {}\n    e: [a, ]\n",
    "  - id: YH-1\n    a: {k}\n    b: {k: }\n    c: [a: b]\n    d: [[a]]\n    e: {k: v, k: w}\n    f: [a #b]\n",
    # nesting, lists at the key's indentation, null values, blank and comment lines
    "  - id: YH-1\n    a:\n      b: 1\n      c: 文字\n    d:\n    - x\n    - {y: 1}\n    e:\n\n    # 注释\n    f: 完\n",
    "  - id: YH-1\n    a:\n      b:\n        c: 1\n    d:\n      - \n    e:\n        - x\n        - y\n",
    "  - id: YH-1\n    a: 第一行\n      第二行\n    b: 完\n",
    "  - id: YH-1\n    a: 第一行\n      # 注释\n    b: 完\n",
    "  - id: YH-1\n    a: |\n      块\n    b: >\n      折\n",
    # odd keys and layouts
    "  - id: YH-1\n    on: x\n", "  - id: YH-1\n    y: x\n", "  - id: YH-1\n    a: 1\n    a: 2\n",
    "  - id: YH-1\n    \"a\": 1\n", "  - id: YH-1\n   a: 1\n", "  - id: YH-1\n    a:1\n", "-   id: YH-1\n    a: 1\n",
    "  - id: YH-1\n    a: &x 1\n    b: *x\n", "  - id: YH-1\n    a: !!str 1\n", "  - id: YH-1\n    a: @x\n",
    # line ends and invisible characters
    "  - id: YH-1\r\n    a: 1\r\n", "  - id: YH-1\r    a: 1\n", "  - id: YH-1\n    a: x\ty\n",
    "  - id: YH-1\n    a: x\x85y\n", "  - id: YH-1\n    a: x\u2028y\n", "  - id: YH-1\n    a: \ufeffx\n",
    "  - id: YH-1\n    a: x\x07\n", "  - id: YH-1\n    a: \U0001F600\n",
]


def test_yaml_traps():
    for piece in TRAPS:
        assert agrees(piece), piece
    # and the plain ones are really read without PyYAML
    assert quickyaml.quick_record(TRAPS[-1]) == {"id": "YH-1", "a": "\U0001F600"}
    assert quickyaml.quick_record(TRAPS[7]) == {"id": "YH-1", "a": {"b": 1, "c": "文字"}, "d": ["x", {"y": 1}],
                                              "e": None, "f": "完"}
    assert quickyaml.quick_record(TRAPS[0]) is None  # 010 is octal to YAML 1.1: PyYAML decides


@pytest.mark.parametrize("value", ["91621024MA7ABCDE1X", "92621024MA9DWCFK1X", "12A", "1e3", "0o17", "0xfF", "0b101",
                                   "0x1G", "0b12", "123", "0123", "1E10", "9z"])
def test_digit_led_codes_agree_with_pyyaml(value):
    """A credit code starts with a digit and holds letters: text to PyYAML 1.1, read without it."""
    piece = f"  - id: DW-1\n    credit_code: {value}\n"
    assert agrees(piece)
    quick = quickyaml.quick_record(piece)
    if value[0] == "9" and len(value) == 18:
        assert quick == {"id": "DW-1", "credit_code": value}


SCALAR = st.one_of(
    st.sampled_from(["卸油区", "王某", "DW-x-01", "evidence/a b.jpg", "2026-01-31", "300", "true", "整改完成（复查）",
                     "见附件[1]", "a,b", "x: y", "", "第1次跟踪：已下达整改通知书"]),
    st.text(alphabet="ab 文0123456789-/（）：", max_size=8),
    st.sampled_from(["on", "Off", "yes", "null", "~", "010", "0", "7", "1_0", "2024-05-10", "2024-5-1", "3.0", "-1",
                     "a: b", "a:", "a #b", "a#b", "'q'", "\"q\"", "\"a\\\"b\"", "[a]", "{a: b}", "[a, ]", "- x", "",
                     "卸油区", "DW-x-01", "ok"]),
    st.text(alphabet="ab 文:#,-'\"[]{}!&*|>%@`?~=<.\\\t\r\n\x85\u2028\ufeff0123456789onNyY", max_size=12),
)
KEY = st.sampled_from(["title", "notes", "owner", "due", "title", "notes", "on", "y", "a1", "_k", "1k", "k k", "id"])


@st.composite
def records(draw) -> str:
    indent = " " * draw(st.integers(0, 3))
    lines = [f"{indent}-{' ' * draw(st.integers(1, 3))}id: YH-1"]
    inner = indent + " " * (len(lines[0]) - len(indent) - len("id: YH-1"))
    for _ in range(draw(st.integers(0, 5))):
        key, shape = draw(KEY), draw(st.integers(0, 6))
        if shape <= 2:
            lines.append(f"{inner}{key}: {draw(SCALAR)}")
        elif shape == 3:  # flow collection
            items = draw(st.lists(SCALAR, max_size=3))
            lines.append(f"{inner}{key}: [{', '.join(items)}]" if draw(st.booleans()) else
                         f"{inner}{key}: {{{', '.join(f'{draw(KEY)}: {v}' for v in items)}}}")
        elif shape == 4:  # nested mapping
            lines.append(f"{inner}{key}:")
            deeper = inner + " " * draw(st.integers(0, 3))
            lines.extend(f"{deeper}{draw(KEY)}: {draw(SCALAR)}" for _ in range(draw(st.integers(0, 2))))
        elif shape == 5:  # block list
            lines.append(f"{inner}{key}:")
            deeper = inner + " " * draw(st.integers(0, 3))
            lines.extend(f"{deeper}- {draw(SCALAR)}" for _ in range(draw(st.integers(0, 2))))
        else:
            lines.append(draw(st.sampled_from(["", "   ", f"{inner}# 注释", f"{inner}  续行", "\t"])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@settings(max_examples=400, deadline=None)
@given(records())
def test_generated_records(piece):
    assert agrees(piece)


def test_hjp_log_does_not_import_yaml_for_ordinary_records(tmp_path):
    """The point of quick_record: measured, importing PyYAML is 10–20 ms of a ~100 ms hjp log."""
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env={"GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn", "GIT_COMMITTER_NAME": "李某",
                            "GIT_COMMITTER_EMAIL": "li@example.cn", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})

    git("init", "-q", "-b", "main")
    hazards = tmp_path / "ledgers/villages/hejiapan/hazards.yaml"
    hazards.parent.mkdir(parents=True)
    hazards.write_text("hazards:\n  - id: YH-2026-0001\n    title: 电线私拉乱接\n    rectification:\n      owner: 王某\n"
                       "      deadline: 2026-01-31\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "新建")
    hazards.write_text(hazards.read_text(encoding="utf-8") + "    evidence: [evidence/a.jpg]\n", encoding="utf-8")
    git("commit", "-qam", "证据")
    code = ("import sys\nfrom hjp import cli\ntry:\n    cli.main(['log', 'YH-2026-0001'])\nexcept SystemExit:\n    pass\n"
            "print('yaml' in sys.modules, 'pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert out.endswith("  evidence: （无） → [evidence/a.jpg]\nFalse False\n")


# ------------------------------------------------------------------ top-level scalars (town.yaml's timezone)


def by_yaml_top(text: str, key: str):
    data = parse_text(text, "town.yaml").data
    if data is None:
        return "unreadable"
    return plain(data).get(key) if isinstance(data, dict) else "not a mapping"


def top_agrees(text: str, key: str = "timezone") -> bool:
    quick = quickyaml.top_level_scalar(text, key)
    if quick is quickyaml.UNSURE:
        return True
    answer = by_yaml_top(text, key)
    return answer == "unreadable" or (quick == answer and type(quick) is type(answer))


def test_every_town_yaml_in_the_repository():
    root = Path(__file__).resolve().parents[2]
    towns = [root / "ledgers/town.yaml", *sorted((root / "tests").rglob("town.yaml"))]
    sure = 0
    for path in towns:
        text = path.read_bytes().decode("utf-8", "replace")
        for key in ("timezone", "name", "county", "plan", "sectors"):
            assert top_agrees(text, key), (path, key)
        sure += quickyaml.top_level_scalar(text, "timezone") is not quickyaml.UNSURE
    assert quickyaml.top_level_scalar(towns[0].read_text(encoding="utf-8"), "timezone") == "Asia/Shanghai"
    assert sure > len(towns) // 2  # the usual layouts are read without PyYAML


TOP_TRAPS = [
    "name: 镇\ntimezone: UTC\n", "timezone: 'UTC'  # 注释\n", "timezone: \"Asia/Shanghai\"\n", "timezone:\n",
    "timezone: no\n", "timezone: 8\n", "timezone: ~\n", "timezone: [UTC]\n",
    "name: \"多行\ntimezone: UTC\"\n", "name: 多行\n  timezone: UTC\n", "name: a\n  - x\ntimezone: UTC\n",
    "plan:\n  title: |\n    块\ntimezone: UTC\n", "plan:\n  title: \"x\ntimezone: UTC\"\n", "timezone: UTC\ntimezone: X\n",
    "---\ntimezone: UTC\n", "{timezone: UTC}\n", "- timezone: UTC\n", "on: 1\ntimezone: UTC\n",
    "plan: {start: 2024-03-31,\n  end: 2026-12-31}\ntimezone: UTC\n", "timezone: Asia/Shanghai\t\n",
    "actions:\n  1: 行动\n  2: 另一\ntimezone: UTC\n", "people:\n  - {name: 张, role: 牵头}\n  -\n    name: 李\ntimezone: UTC\n",
    "plan:\n  a: 1\n  a: 2\ntimezone: UTC\n", "timezone: UTC # x\r\nname: y\r\n", "\ufefftimezone: UTC\n",
    "plan:\n  title: abc\n    def\ntimezone: UTC\n", "plan:\n  title: abc\n    - def\ntimezone: UTC\n",
]


def test_top_level_traps():
    for text in TOP_TRAPS:
        assert top_agrees(text), text
    assert quickyaml.top_level_scalar(TOP_TRAPS[0], "timezone") == "UTC"
    assert quickyaml.top_level_scalar(TOP_TRAPS[1], "timezone") == "UTC"
    assert quickyaml.top_level_scalar("name: 镇\n", "timezone") is None
    assert quickyaml.top_level_scalar(TOP_TRAPS[8], "timezone") is quickyaml.UNSURE  # inside a quoted value


TOP_LINE = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["timezone", "name", "plan", "on", "1", "t z"]), SCALAR),
    st.builds(lambda k: f"{k}:", st.sampled_from(["timezone", "plan", "phases", "actions"])),
    st.builds(lambda i, v: f"{' ' * i}{v}", st.integers(1, 4), st.one_of(
        SCALAR, st.builds(lambda v: f"- {v}", SCALAR), st.builds(lambda k, v: f"{k}: {v}", KEY, SCALAR),
        st.builds(lambda k, v: f"- {k}: {v}", KEY, SCALAR), st.just("-"), st.just("# 注释"))),
    st.sampled_from(["", "# 注释", "---", "timezone: UTC", "  timezone: UTC"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TOP_LINE, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_generated_top_levels(lines, end):
    assert top_agrees(end.join(lines) + end)


def test_ledger_timezone_reads_town_yaml_like_the_loader(tmp_path):
    from hjp.clock import DEFAULT_TZ, ledger_timezone

    (tmp_path / ".git").mkdir()  # the repository root: town.yaml must be inside it
    ledger = tmp_path / "ledgers"
    ledger.mkdir()
    assert ledger_timezone(ledger) == DEFAULT_TZ  # no town.yaml
    for text, zone in [("timezone: Europe/Berlin\n", "Europe/Berlin"), ("name: 镇\n", DEFAULT_TZ),
                       ("timezone: 8\n", DEFAULT_TZ), ("name: \"a\nb\"\ntimezone: UTC\n", "UTC"),  # via PyYAML
                       ("timezone: [UTC\n", DEFAULT_TZ)]:
        (ledger / "town.yaml").write_text(text, encoding="utf-8")
        assert ledger_timezone(ledger) == zone, text
    (ledger / "town.yaml").write_bytes("timezone: 欧洲\n".encode("gbk"))
    assert ledger_timezone(ledger) == DEFAULT_TZ  # not UTF-8: the loader reads nothing from it
