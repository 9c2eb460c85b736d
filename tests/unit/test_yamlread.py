"""The YAML reader: every load-time code (HJP002–HJP008, HJP010) with its exact message, and what is accepted."""

from __future__ import annotations

import time

import pytest

from hjp.yamlread import MAX_BYTES, MDict, parse_bytes


def diags(raw: bytes) -> list[str]:
    parsed = parse_bytes(raw, "f.yaml")
    assert parsed.data is None or not parsed.diagnostics
    return [str(d) for d in parsed.diagnostics]


def test_values_keep_marks_and_dates_stay_text():
    parsed = parse_bytes(b"hazards:\n  - id: YH-1\n    found_on: 2024-05-10\n    funds: 3000\n", "f.yaml")
    assert parsed.diagnostics == []
    rec = parsed.data["hazards"][0]
    assert rec == {"id": "YH-1", "found_on": "2024-05-10", "funds": 3000}
    assert isinstance(rec, MDict) and (rec.line, rec.col) == (1, 4)
    assert rec.mark("found_on") == (2, 4, 2, 14)
    assert parsed.data["hazards"].marks == [(1, 4)]


def test_bom_and_crlf_are_accepted():
    parsed = parse_bytes(b"\xef\xbb\xbfname: \xe4\xbd\x95\xe5\xae\xb6\xe7\x95\x94\xe6\x9d\x91\r\nhead: x\r\n", "f.yaml")
    assert parsed.diagnostics == []
    assert parsed.data == {"name": "何家畔村", "head": "x"}
    assert parsed.data.mark("head") == (1, 0, 1, 6)


def test_empty_and_comment_only_files_are_empty_not_errors():
    assert parse_bytes(b"", "f.yaml").data is None
    assert diags(b"# yaml-language-server: $schema=../schemas/town.schema.json\n") == []


def test_hjp002_gbk_names_the_encoding_and_the_iconv_command():
    raw = "name: 何家畔村\nhead: 张三\n".encode("gbk")
    assert diags(raw) == [
        "f.yaml:1:7: error HJP002: 文件不是 UTF-8 编码，看起来是 GBK（Windows 记事本、WPS 常见）；请转换："
        "iconv -f GBK -t UTF-8 'f.yaml' > tmp.yaml && mv tmp.yaml 'f.yaml'，或在编辑器中“另存为 UTF-8”",
    ]


def test_hjp002_utf16_and_unknown_encodings():
    assert diags("name: x\n".encode("utf-16")) == [
        "f.yaml:1:1: error HJP002: 文件是 UTF-16 编码，须为 UTF-8；请转换："
        "iconv -f UTF-16 -t UTF-8 'f.yaml' > tmp.yaml && mv tmp.yaml 'f.yaml'",
    ]
    assert diags(b"a: 1\nname: caf\xe9\n") == [
        "f.yaml:2:10: error HJP002: 文件不是 UTF-8 编码，也无法识别其编码；请在编辑器中“另存为 UTF-8”",
    ]


def test_hjp003_file_over_10_mb_is_refused_without_parsing(tmp_path):
    big = tmp_path / "hazards.yaml"
    big.write_bytes((b"# " + b"x" * 97 + b"\n") * (MAX_BYTES // 100 + 1))  # 10,485,800 bytes
    assert big.stat().st_size > MAX_BYTES
    start = time.perf_counter()
    out = diags(big.read_bytes())
    assert time.perf_counter() - start < 1.0
    assert out == ["f.yaml:1:1: error HJP003: 文件有 10.0 MB，超过 10 MB 上限；请按村或按年份拆分成多个文件"]


def test_hjp004_syntax_errors_name_the_line_and_fix():
    assert diags(b"a: [1, 2\nb: 3\n") == [
        "f.yaml:2:2: error HJP004: 方括号 [ 没有闭合，或列表项之间缺少逗号（相关内容从第 1 行开始）"]
    assert diags(b"a: {x: 1\n") == ["f.yaml:2:1: error HJP004: 花括号 { 没有闭合，或项之间缺少逗号（相关内容从第 1 行开始）"]
    assert diags(b'a: "abc\n') == [
        "f.yaml:2:1: error HJP004: 文件在引号或括号闭合之前就结束了；请补上 \" ' ] 或 }（相关内容从第 1 行开始）"]
    assert diags(b"title: a: b\n") == [
        "f.yaml:1:9: error HJP004: 这里不能出现冒号加空格“: ”；如果是文字内容，请给整个值加引号"]
    assert diags(b"title: @x\n") == ["f.yaml:1:8: error HJP004: 值不能以 @ 开头；请给整个值加引号"]
    assert diags(b"a:\n  b: 1\n c: 2\n") == [
        "f.yaml:3:2: error HJP004: 缩进不一致，或上一行缺少冒号“:”；同一层的键要左对齐（相关内容从第 1 行开始）"]
    assert diags(b"a: 1\n---\nb: 2\n") == [
        "f.yaml:2:1: error HJP004: 文件里有多个 YAML 文档（---）；一个文件只能有一个（相关内容从第 1 行开始）"]
    assert diags(b"a: *x\n") == ["f.yaml:1:4: error HJP004: 别名 * 指向不存在的锚点 &；请检查拼写"]
    assert diags(b"a: &x 1\nb: &x 2\n") == ["f.yaml:2:4: error HJP004: 锚点名重复；请换一个名字（相关内容从第 1 行开始）"]


def test_hjp004_tags_merge_keys_and_complex_keys_are_refused():
    assert diags(b"a: !!python/object:os.system x\n") == [
        "f.yaml:1:4: error HJP004: 不支持的 YAML 标签 !!python/object:os.system；请去掉 ! 开头的标签"]
    assert diags(b"a: !!binary aGVsbG8=\n") == [
        "f.yaml:1:4: error HJP004: 不支持的 YAML 标签 !!binary；请去掉 ! 开头的标签"]
    assert diags(b"a: &x {b: 1}\nc:\n  <<: *x\n") == ["f.yaml:3:3: error HJP004: 不支持合并键 <<；请把内容直接写出来"]
    assert diags(b"? [a]\n: 1\n") == ["f.yaml:1:3: error HJP004: 键必须是简单的文字，不能是列表或映射"]


def test_hjp004_deep_nesting_and_self_reference():
    assert diags(b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n") == [
        "f.yaml:1:1003: error HJP004: 嵌套层次过深；请检查括号 [ { 是否多写了"]
    # at the anchor's line, not 1:1 (it was a RecursionError caught around the whole file)
    assert diags(b"a: 1\nb: &a [*a]\n") == [
        "f.yaml:2:4: error HJP004: 别名 * 引用了包含它自己的内容（锚点 & 从这里开始）；请直接写出内容"]
    assert diags(b"a: 1\nb: &a {c: [x, *a]}\n") == [
        "f.yaml:2:4: error HJP004: 别名 * 引用了包含它自己的内容（锚点 & 从这里开始）；请直接写出内容"]
    # deep but acyclic nesting that libyaml accepts stops at the builder's bound, at its node
    assert diags(b"a:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 5)) + b"b: " + b"[" * 250 + b"]" * 250 + b"\n") == [
        "f.yaml:6:203: error HJP004: 嵌套层次过深（超过 200 层）；请检查括号 [ { 和缩进"]


def test_hjp005_tabs():
    assert diags(b"a:\n\tb: 1\n") == [
        "f.yaml:2:1: error HJP005: 这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格"]
    assert diags(b"a: 1\n\tb: 2\n") == [
        "f.yaml:2:1: error HJP005: 这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格（相关内容从第 1 行开始）"]


def test_hjp006_duplicate_keys():
    assert diags(b"hazards:\n  - id: YH-1\n    title: a\n    title: b\n") == [
        "f.yaml:4:5: error HJP006: 键 title 重复出现（第 3 行已有）；请删除或合并其中一个"]


def _bomb(levels: int) -> bytes:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def test_hjp007_alias_bomb_is_refused_fast():
    raw = _bomb(10)  # 9**10 ≈ 3.5 billion strings if expanded
    start = time.perf_counter()
    out = diags(raw)
    elapsed = time.perf_counter() - start
    assert out == ["f.yaml:1:28: error HJP007: 别名（*）展开后的内容过大，疑似“亿笑”攻击文件；请不要用锚点和别名复制大段内容"]
    assert elapsed < 1.0


def test_a_few_honest_aliases_are_fine():
    parsed = parse_bytes("a: &p [张三, 李四]\nb: *p\n".encode(), "f.yaml")
    assert parsed.diagnostics == [] and parsed.data == {"a": ["张三", "李四"], "b": ["张三", "李四"]}


@pytest.mark.parametrize("raw, code_point, col", [
    (b"title: a\x07b\n", "0007", 9), (b"title: a\x7fb\n", "007F", 9), ("title: a\u0085b\n".encode(), "0085", 9),
    (b"title: a\x00b\n", "0000", 9),
])
def test_hjp008_control_characters(raw, code_point, col):
    assert diags(raw) == [f"f.yaml:1:{col}: error HJP008: 第 1 行含有控制字符 U+{code_point}（会损坏 Word 文件）；请删除"]


def test_hjp008_control_characters_written_as_escapes():
    assert diags(b'notes: "a\\ab"\n') == [
        "f.yaml:1:8: error HJP008: 文字中含有控制字符 U+0007（转义写法，会损坏 Word 文件）；请删除"]
    # newline and tab escapes are ordinary text
    assert parse_bytes(b'notes: "a\\nb\\tc"\n', "f.yaml").data == {"notes": "a\nb\tc"}


def test_hjp010_yaml11_boolean_words_as_keys():
    assert diags(b"occurrences:\n  - on: 2024-06-15\n") == [
        "f.yaml:2:5: error HJP010: 键 on 被 YAML 1.1 读成了布尔值 true；本格式没有这样的键（日期请用 date:），确需此文字时请加引号"]
    assert diags(b"no: 1\n") == [
        "f.yaml:1:1: error HJP010: 键 no 被 YAML 1.1 读成了布尔值 false；本格式没有这样的键（日期请用 date:），确需此文字时请加引号"]
    assert parse_bytes(b"'on': 1\n", "f.yaml").data == {"on": 1}


def test_yaml11_scalars_are_read_as_pyyaml_reads_them():
    # the model layer explains these (HJP103); the reader must not silently "fix" them
    parsed = parse_bytes(b"a: no\nb: 0012\nc: 010\nd: 2024/3/31\ne: ~\nf: 1e3\n", "f.yaml")
    assert parsed.data == {"a": False, "b": 10, "c": 8, "d": "2024/3/31", "e": None, "f": "1e3"}


def test_hjp008_carriage_return_escape_in_a_value():
    """A "\\r" escape put a CR into the text (HJP008 let it through); CRLF line breaks never do."""
    assert diags(b'notes: "a\\rb"\n') == [
        "f.yaml:1:8: error HJP008: 文字中含有控制字符 U+000D（转义写法，会损坏 Word 文件）；请删除"]
    crlf = b'a: "x\r\n  y"\r\nb: "x\\\r\n  y"\r\nc: "x\r\n\r\n  y"\r\nd: |\r\n  x\r\n  y\r\n'
    assert parse_bytes(crlf, "f.yaml").data == {"a": "x y", "b": "xy", "c": "x\ny", "d": "x\ny\n"}


# --------------------------------------------------------------------------- issue 8 item 13
# Found by running the official yaml-test-suite (tests/tools/yaml_test_suite.py) and probes through
# `hjp validate`: each was an internal error (KeyError, IndexError, ValueError) or a 1:1 position.

@pytest.mark.parametrize("value, message", [
    ("!!bool foo", "值 foo 带有标签 !!bool，却不是 true 或 false；请去掉标签 !!bool"),
    ('!!int ""', "空值 带有标签 !!int，却不是整数；请去掉标签 !!int"),
    ("!!int", "空值 带有标签 !!int，却不是整数；请去掉标签 !!int"),
    ('!!float ""', "空值 带有标签 !!float，却不是数字；请去掉标签 !!float"),
    ("!!int abc", "值 abc 带有标签 !!int，却不是整数；请去掉标签 !!int"),
    ("!!float abc", "值 abc 带有标签 !!float，却不是数字；请去掉标签 !!float"),
    ("!!null foo", "值 foo 带有标签 !!null，却不是空值；请去掉标签 !!null"),
    ("1" * 5000, "数字 11111111111111111111…（共 5000 个字符）太长，不是合理的数值；如果是文字（例如证件号、编号），请加引号"),
    (":".join(["59"] * 3000), "数字 59:59:59:59:59:59:59…（共 8999 个字符）太长，不是合理的数值；如果是文字（例如证件号、编号），请加引号"),
])
def test_hjp004_constructor_failures_are_told_at_their_node(value, message):
    raw = f"hazards:\n  - id: YH-1\n    title: {value}\n".encode()
    assert diags(raw) == [f"f.yaml:3:12: error HJP004: {message}"]
    # the same deeper down: always the node's own line
    assert diags(f"a: 1\nb:\n  - x\n  - c: {value}\n".encode()) == [f"f.yaml:4:8: error HJP004: {message}"]


def test_hjp004_a_tag_on_a_key():
    assert diags(b"a: 1\n!!int title: x\n") == ["f.yaml:2:1: error HJP004: 值 title 带有标签 !!int，却不是整数；请去掉标签 !!int"]
    assert diags(b"a: 1\n!!bool foo: x\n") == [
        "f.yaml:2:1: error HJP004: 值 foo 带有标签 !!bool，却不是 true 或 false；请去掉标签 !!bool"]
    assert diags(b"a: 1\n!foo b: x\n") == ["f.yaml:2:1: error HJP004: 不支持的 YAML 标签 !foo；请去掉 ! 开头的标签"]
    assert parse_bytes(b"!!str a: 1\n", "f.yaml").data == {"a": 1}  # a standard tag that fits is fine


def test_hjp004_plain_merge_and_value_words_say_quote_them():
    assert diags(b"a: 1\nb: <<\n") == ['f.yaml:2:4: error HJP004: << 在 YAML 1.1 里有特殊含义，不能直接当作文字；请加引号写成 "<<"']
    assert diags(b"a: 1\nb: [=]\n") == ['f.yaml:2:5: error HJP004: = 在 YAML 1.1 里有特殊含义，不能直接当作文字；请加引号写成 "="']
    assert parse_bytes(b"a: '<<'\nb: \"=\"\n", "f.yaml").data == {"a": "<<", "b": "="}


@pytest.mark.parametrize("ch, name", [("\u2028", "行分隔符"), ("\u2029", "段分隔符")])
def test_hjp008_unicode_line_separators_are_refused_like_nel(ch, name):
    """PyYAML counts them as line breaks: every later line number was off by one."""
    assert diags(f"a: 1\nb: x{ch}y\nc: [\n".encode()) == [
        f"f.yaml:2:5: error HJP008: 第 2 行含有 Unicode {name} U+{ord(ch):04X}（看不见；YAML 把它当作换行，"
        "其后的行号都会错位）；请删除，需要换行时直接换行"]


CONFLICT = (
    "hazards:\n  - id: YH-1\n<<<<<<< HEAD\n    title: 灭火器过期\n=======\n    title: 灭火器已过期\n>>>>>>> origin/main\n"
    "  - id: YH-2\n")


def test_hjp015_merge_conflict_markers_at_the_markers_line():
    assert diags(CONFLICT.encode()) == [
        "f.yaml:3:1: error HJP015: 这里是 git 合并冲突标记 <<<<<<<：这个文件合并时发生了冲突，还没有解决（冲突标记在第 3 行，"
        "以及第 5、7 行）；请打开文件，在 <<<<<<< 与 ======= 之间（本方的改动）和 ======= 与 >>>>>>> 之间（对方的改动）"
        "选定正确的内容，删除这三种标记行，然后 git add 该文件并 git commit（放弃这次合并：git merge --abort）"]
    # diff3 style and CRLF line ends are conflicts too; a row of = in a text value is not
    diff3 = CONFLICT.replace("=======\n", "||||||| base\n    title: 灭火器\n=======\n").replace("\n", "\r\n")
    assert [d[:33] for d in diags(diff3.encode())] == ["f.yaml:3:1: error HJP015: 这里是 git"]
    assert parse_bytes("notes: |\n  =======\n  分隔线\n".encode(), "f.yaml").diagnostics == []


def test_hjp004_full_width_colon_after_a_key():
    msg = "键 {k} 后面用了全角冒号“：”，YAML 不认；请改成半角冒号加空格“{k}: ”（切换到英文输入法输入）"
    # a syntax error somewhere after it: named at the colon instead
    assert diags("hazards:\n  - id: YH-1\n    title：灭火器过期\n    level: 一般\n".encode()) == [
        "f.yaml:3:10: error HJP004: " + msg.format(k="title")]
    # no syntax error at all: the line was swallowed into the value above it
    assert diags("hazards:\n  - id: YH-1\n    title: 灭火器过期\n    notes：已更换\n".encode()) == [
        "f.yaml:4:10: error HJP004: " + msg.format(k="notes")]
    assert diags("name：何家畔村\n".encode()) == ["f.yaml:1:5: error HJP004: " + msg.format(k="name")]
    assert diags("rectification:\n  owner：王某\n".encode()) == ["f.yaml:2:8: error HJP004: " + msg.format(k="owner")]
    # text that merely contains a full-width colon is fine
    for ok in ("notes: |\n  Note：更换\n", "notes: 备注：已更换\n", "owners:\n  - A组：张三\n", "notes: 'a\n  b：c'\n"):
        assert parse_bytes(ok.encode(), "f.yaml").diagnostics == [], ok


@pytest.mark.parametrize("raw, message", [
    (b"hazards:\n  - id: YH-1\n   - id: YH-2\n", "缩进不一致：同一列表的各项“- ”要左对齐，属于一项的内容要比它的“- ”缩进得更多（相关内容从第 2 行开始）"),
    (b"a: - x\n", "这里不能开始“- ”列表：列表项要从下一行开始并缩进（或写成 [甲, 乙]）；文字以 - 开头时请加引号"),
    (b"[a]\nb: 1\n", "文件的内容在前面已经完整结束（顶层只能有一个映射），这里多出了内容；请检查这一行的缩进，或删除多余的内容"),
    (b'a: "C:\\path"\n', "双引号里有无效的反斜杠转义；含反斜杠 \\ 的文字（例如 Windows 路径）请改用单引号 '…'，或把 \\ 写成 \\\\"),
    (b"%YAML 1.1\n%YAML 1.1\n---\na: 1\n", "以 % 开头的行是 YAML 指令，台账文件不用；请删除这一行（文字以 % 开头时请加引号）"),
    (b"a: |0\n  x\n", "块文字标记 | 或 > 后面的缩进数字不能是 0；请删除这个 0"),
    (b"a: &\n", "& 后面缺少锚点名（字母或数字）；文字以 & 开头时请加引号"),
    (b"a: !<x\n", "不支持的 YAML 标签写法（! 开头）；请去掉标签，文字以 ! 开头时请加引号"),
    (b'a: 1\ntitle: "x" y\n', "引号闭合后同一行还有别的内容：引号只能括住整个值；如果引号是文字的一部分，"
                              "请用另一种引号括住整个值，例如 '“三合一”场所' 或 '\"三合一\"场所'"),
    ("title: '三合一'场所违规住人\n".encode(), "引号闭合后同一行还有别的内容"),
    (b"a: |x\n  y\n", "块文字标记 | 或 > 后面只能跟缩进数字、+ 或 -；文字内容请从下一行开始，并比键多缩进"),
])
def test_pyyamls_english_messages_are_told_in_chinese(raw, message):
    out = diags(raw)
    assert len(out) == 1 and "error HJP004: " + message in out[0]


def test_every_libyaml_problem_has_a_chinese_message():
    """libyaml's scanner and parser problems (its strings), each matched by _PROBLEMS."""
    from hjp.yamlread import _PROBLEMS

    problems = [
        "block sequence entries are not allowed in this context", "could not find expected ':'",
        "could not find expected directive name", "did not find URI escaped octet", "did not find expected '!'",
        "did not find expected ',' or ']'", "did not find expected ',' or '}'", "did not find expected '-' indicator",
        "did not find expected <document start>", "did not find expected alphabetic or numeric character",
        "did not find expected comment or line break", "did not find expected digit or '.' character",
        "did not find expected hexdecimal number", "did not find expected key", "did not find expected node content",
        "did not find expected tag URI", "did not find expected version number", "did not find expected whitespace",
        "did not find expected whitespace or line break", "did not find the expected '>'",
        "found a tab character that violates indentation",
        "found a tab character where an indentation space is expected", "found an indentation indicator equal to 0",
        "found duplicate %TAG directive", "found duplicate %YAML directive", "found extremely long version number",
        "found incompatible YAML document", "found invalid Unicode character escape code", "found undefined tag handle",
        "found unexpected ':'", "found unexpected document indicator", "found unexpected end of stream",
        "found unexpected non-alphabetical character", "found unknown directive name", "found unknown escape character",
        "incompatible %YAML directive", "mapping keys are not allowed in this context",
        "mapping values are not allowed in this context", "control characters are not allowed",
        "exceeded maximum nesting depth", "found duplicate anchor", "found undefined alias",
        "expected a single document in the stream",
    ]
    assert [p for p in problems if not any(needle in p for needle, _key in _PROBLEMS)] == []


def test_plain_values_other_readers_take_differently_are_recorded():
    from hjp.yamlread import BOOL_ODD, DATE_LIKE, INT_ODD, STR_ODD

    raw = b"a: 1e3\nb: 0o17\nc: y\nd: 2026-11-05\ne: 010\nf: yes\ng: '1e3'\nh: [2026-11-05]\ndate: 2026-11-05\n"
    parsed = parse_bytes(raw, "f.yaml", date_keys=frozenset({"date"}))
    assert parsed.diagnostics == []
    assert parsed.data == {"a": "1e3", "b": "0o17", "c": "y", "d": "2026-11-05", "e": 8, "f": True, "g": "1e3",
                           "h": ["2026-11-05"], "date": "2026-11-05"}
    assert [(o.path, o.line, o.col, o.raw, o.tag, o.value) for o in parsed.odd] == [
        (("a",), 0, 3, "1e3", STR_ODD, "1e3"), (("b",), 1, 3, "0o17", STR_ODD, "0o17"), (("c",), 2, 3, "y", STR_ODD, "y"),
        (("d",), 3, 3, "2026-11-05", DATE_LIKE, "2026-11-05"), (("e",), 4, 3, "010", INT_ODD, 8),
        (("f",), 5, 3, "yes", BOOL_ODD, True), (("h", 0), 7, 4, "2026-11-05", DATE_LIKE, "2026-11-05")]
    # dates are not recorded at all when the caller names no date keys (history, edit)
    assert [o.raw for o in parse_bytes(raw, "f.yaml").odd] == ["1e3", "0o17", "y", "010", "yes"]
