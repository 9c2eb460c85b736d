"""The record an edit command echoes holds nothing confidential: every comment in the record and any
reporter value other than 已密封 are masked (issue 11: `reporter: X # 举报人X，电话…` was printed)."""

from __future__ import annotations

from hjp import edit
from hjp.yamltext import YamlText

RAW = """\
hazards:
  - id: YH-1
    title: 标题 # 举报人张三电话
    # 举报人李四 13800000000
    notes: |
      # 这是正文，不是注释
      行二
    reporter: 王五 # 王五的电话
    found_on: 2024-01-01
  - {id: YH-2, title: "a # b", reporter: 赵六, notes: x}  # 评论
  - id: YH-3
    reporter: |
      多行
      身份
    title: x
  - id: YH-4
    reporter: 已密封   # 张三 13900000000
""".encode()


def echo(rid: str) -> tuple[int, str]:
    doc = YamlText.from_bytes(RAW, "h.yaml")
    node = doc.find_record("hazards", rid, "h.yaml")
    first, last = doc.record_lines(node)
    return first + 1, edit._masked(doc, node, first, last)


def test_comments_and_reporters_are_masked_in_every_layout() -> None:
    assert echo("YH-1") == (2, "- id: YH-1\n  title: 标题 #（注释不显示）\n  #（注释不显示）\n  notes: |\n"
                               "    # 这是正文，不是注释\n    行二\n  reporter: （保密，不显示） #（注释不显示）\n"
                               "  found_on: 2024-01-01")
    assert echo("YH-2") == (10, '- {id: YH-2, title: "a # b", reporter: （保密，不显示）, notes: x}  #（注释不显示）')
    assert echo("YH-3") == (11, "- id: YH-3\n  reporter: （保密，不显示）\n  title: x")
    assert echo("YH-4") == (16, "- id: YH-4\n  reporter: 已密封   #（注释不显示）")
    for leak in ("张三", "李四", "王五", "赵六", "多行", "1380", "1390", "评论"):
        assert all(leak not in echo(rid)[1] for rid in ("YH-1", "YH-2", "YH-3", "YH-4")), leak
