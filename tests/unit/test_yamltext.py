"""The one YAML emitter (hjp.yamltext): every scalar reads back as meant under YAML 1.1 and 1.2, and
splices leave every other byte alone."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hjp import yamltext
from hjp.yamltext import YamlText, block_lines, scalar


TRICKY = ["no", "No", "on", "off", "y", "n", "yes", "010", "008", "0o17", "0x1F", "1e3", "1_000", "3.14", ".inf",
          "~", "null", "", " lead", "trail ", "a: b", "a #b", "#x", "- x", "-x", "[a]", "{a}", "a,b", "*x", "&a",
          "!t", "|", ">", "'q", '"q', "%x", "@x", "`x", "2024-01-01", "2024-1-1 10:00", "1:20", "=", "<<",
          "line\nbreak", "tab\there", "中文：冒号", "x:", "?", "\u2028", "\x85", "12:30", "true", "FALSE", "Null"]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_scalars_read_back_as_text(text):
    for context in ("k: {}", "k: [{}]", "k: {{a: {}}}"):
        flow = context != "k: {}"
        doc = context.format(scalar(text, flow=flow))
        loaded = yaml.safe_load(doc)["k"]
        value = loaded if not flow else (loaded[0] if isinstance(loaded, list) else loaded["a"])
        assert value == text, doc


def test_tricky_scalars_read_back_under_yaml_12():
    from ruamel.yaml import YAML

    reader = YAML(typ="safe", pure=True)
    for text in TRICKY:
        assert reader.load("k: " + scalar(text))["k"] == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_any_text_reads_back(text):
    assert yaml.safe_load("k: " + scalar(text))["k"] == text
    assert yaml.safe_load("k: [" + scalar(text, flow=True) + "]")["k"] == [text]


@pytest.mark.parametrize("value", [0, 7, 3000, 2.5, 1e20, 1e-5, True, False, date(2024, 2, 29)])
def test_other_scalars_read_back(value):
    assert yaml.safe_load("k: " + scalar(value))["k"] == value




def test_cjk_fast_path_agrees_with_the_full_check():
    """The shortcut for CJK-initial text never changes what the full check would say."""
    for text in ["何家畔村", "卸油区静电接地装置失效", "中文：冒号", "（一）说明", "“引号”开头", "《方案》", "中文?问号",
                 "中文 #注释", "中文:冒号", "中文,逗号", "中文 ", "中\u2028文", "中\x85文", "中\ufeff文"]:
        fast = scalar(text)
        assert fast == (text if yamltext._plain_ok(text, False) else yamltext._double_quoted(text)), text
        assert yaml.safe_load("k: " + fast)["k"] == text


def test_block_lines_flow_keys_and_empty_lists():
    rec = {"id": "YH-1", "title": "t", "rectification": {"owner": "王某", "deadline": date(2024, 6, 30)},
           "void": {"date": date(2024, 7, 1), "reason": "重复"}, "lead": [], "notes": None,
           "milestones": [{"due": date(2024, 1, 1), "what": "a", "done_on": None}]}
    assert block_lines(rec, 2, flow_keys={"void"}) == [
        "  - id: YH-1", "    title: t", "    rectification:", "      owner: 王某", "      deadline: 2024-06-30",
        "    void: {date: 2024-07-01, reason: 重复}", "    lead: []", "    milestones:",
        "      - {due: 2024-01-01, what: a}"]


def test_to_bytes_applies_many_splices_in_one_pass():
    doc = YamlText.of_text("a: 1\nb: 2\n")
    edits = [(doc.line_end(1), doc.line_end(1), f"c{i}: {i}\n") for i in range(3)] + [(3, 4, "9")]
    assert doc.to_bytes(edits) == b"a: 9\nb: 2\nc0: 0\nc1: 1\nc2: 2\n"
    with pytest.raises(yamltext.EditError):
        doc.to_bytes([(0, 4, "x"), (2, 3, "y")])  # overlapping: a bug, never a silent mix


def test_composing_a_slice_keeps_the_files_marks():
    text = "hazards:\n  - id: A\n    title: a\n\n  - id: B\n    title: b\n"
    doc = YamlText.of_text(text)
    root = doc.compose(4, len(doc.starts), "x")
    item = root.value[0]
    assert yamltext.record_id(item) == "B"
    assert (item.start_mark.line, item.start_mark.column) == (4, 4)
    assert doc.text[doc.off(item.value[1][1].start_mark):].startswith("b\n")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(yamltext._ID_PLAIN, fullmatch=True))
def test_the_id_shortcut_writes_plain_only_what_the_full_checks_allow(text):
    """IDs skip _plain_ok's checks: every text the shortcut takes must pass them, in block and flow
    context, and read back as itself in YAML 1.1."""
    assert yamltext._plain_ok(text, False) and yamltext._plain_ok(text, True)
    assert scalar(text) == text and yaml.safe_load(f"a: {text}") == {"a": text}
