"""A recurring task's period in brackets is one atom of a Word table cell: （2024年第3季度）
was 10.06 ems, over the 10-em limit of a word, so the column was sized without it and the word
processor broke it as （2024年第3季 / 度）."""

from __future__ import annotations

import pytest

from hjp.report.layout import atoms, column_widths, fit_lines, min_ems


@pytest.mark.parametrize("period", ["（2024年第3季度）", "（2024年4月）", "（2024年10月）", "（2025年）"])
def test_a_bracketed_period_is_an_atom(period):
    text = f"每季度召开一次村级安全生产例会{period}"
    assert period in atoms(text)
    assert min_ems(text) >= min_ems(period)
    # the narrowest column this text may get still holds the period on one line
    lines = fit_lines(text, min_ems(text))
    assert any(line.endswith(period) for line in lines)


def test_the_task_column_is_sized_for_the_period():
    rows = [["RW-dongzhuang-5", "每季度召开一次村级安全生产例会（2024年第3季度）", "东庄村", "田彩", "2024年9月30日", "791"]]
    widths = column_widths(rows, 6, total=442.0, font_pt=9.0, padding_pt=10.8)
    assert widths is not None
    assert widths[1] >= (min_ems("（2024年第3季度）") * 9.0 + 10.8)


def test_a_table_without_room_may_wrap_the_period_rather_than_stack_a_word():
    text = "每季度召开一次村级安全生产例会（2026年第3季度）"
    assert min_ems(text, periods=False) < min_ems(text) == min_ems("（2026年第3季度）")
