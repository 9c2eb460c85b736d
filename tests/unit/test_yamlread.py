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
        "f.yaml:1:4: error HJP004: 不支持的 YAML 标签 tag:yaml.org,2002:python/object:os.system；请去掉 ! 开头的标签"]
    assert diags(b"a: !!binary aGVsbG8=\n") == [
        "f.yaml:1:4: error HJP004: 不支持的 YAML 标签 tag:yaml.org,2002:binary；请去掉 ! 开头的标签"]
    assert diags(b"a: &x {b: 1}\nc:\n  <<: *x\n") == ["f.yaml:3:3: error HJP004: 不支持合并键 <<；请把内容直接写出来"]
    assert diags(b"? [a]\n: 1\n") == ["f.yaml:1:3: error HJP004: 键必须是简单的文字，不能是列表或映射"]


def test_hjp004_deep_nesting_and_self_reference():
    assert diags(b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n") == [
        "f.yaml:1:1003: error HJP004: 嵌套层次过深；请检查括号 [ { 是否多写了"]
    assert diags(b"a: &a [*a]\n") == ["f.yaml:1:1: error HJP004: 嵌套层次过深，或别名 * 引用了自身；请直接写出内容"]


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
