"""Text measurement for the Word layout (hjp/report/layout.py): widths, atoms, cell lines, title lines."""

from __future__ import annotations

import pytest

from hjp.report.layout import atoms, ems, fit_lines, min_ems, title_lines, title_tokens

TITLE = "关于《何家畔镇安全生产治本攻坚三年行动实施方案（2024-2026年）》落实情况的自查总结报告"


def test_widths_count_the_space_word_adds_between_scripts():
    assert ems("何家畔村") == 4.0
    # 2026 (4 × 0.636) 年 12 月 15 日, and a fifth of an em at each of the five script changes
    assert ems("2026年12月15日") == pytest.approx(8 * 0.636 + 3 + 5 * 0.22)
    assert ems("“九小场所”") == 6.0  # Chinese quotation marks are full width


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年12月15日", ["2026年12月15日"]),
    ("RW-hejiapan-4", ["RW-hejiapan-4", "RW-hejiapan-4"]),
    ("李建国", ["李建国"]),
    ("已整改<br>待验收", ["已整改", "待验收"]),
    ("逾期未整改（12天）", ["逾期未整改", "12", "（12天）"]),
])
def test_atoms(text, expected):
    assert atoms(text) == expected


def test_running_text_may_wrap_but_not_into_a_stack_of_characters():
    assert min_ems("每季度召开一次村级安全生产例会（何家畔村）") == 6.0  # （何家畔村） and the floor
    assert min_ems("张志瑞、赵辉") == pytest.approx(ems("张志瑞、"))  # a list breaks after 、


@pytest.mark.parametrize(("line", "avail", "expected"), [
    ("已逾期（2期次）", 6.5, ["已逾期", "（2期次）"]),
    ("长期坚持（214天无进展）", 9, ["长期坚持", "（214天无进展）"]),
    ("每月开展一次村级安全隐患排查（2024年4月）", 12, ["每月开展一次村级安全隐患", "排查（2024年4月）"]),
    ("每月开展一次村级安全隐患排查（2024年4月）", 11, ["每月开展一次村级安全隐", "患排查", "（2024年4月）"]),
    ("a b", 0.5, ["a ", "b"]),  # a space at a break stays at the end of the line
    ("整改中", 3, ["整改中"]),
])
def test_fit_lines_never_breaks_inside_a_unit(line, avail, expected):
    assert fit_lines(line, avail) == expected
    assert "".join(fit_lines(line, avail)) == line


def test_title_breaks_at_word_boundaries_into_balanced_lines():
    lines = title_lines(TITLE, width=19.8, names=["何家畔镇"])
    assert lines == ["关于《何家畔镇安全生产治本攻坚", "三年行动实施方案（2024-2026年）》", "落实情况的自查总结报告"]
    widths = [ems(x) for x in lines]
    assert max(widths) <= 19.8 and not (widths[1] < widths[0] and widths[1] < widths[2])  # no hourglass
    # opening brackets stay with what follows, closing ones with what precedes
    assert not any(t.endswith("《") or t.startswith("》") for t in title_tokens(TITLE, ["何家畔镇"]))
    assert title_lines("何家畔镇隐患排查治理台账", width=19.8) == ["何家畔镇隐患排查治理台账"]


def test_chart_has_one_integer_scale_and_no_title():
    from types import SimpleNamespace

    from hjp.report import chart

    font = chart.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font")
    points = [SimpleNamespace(month=f"2025-{m:02d}", found=m % 2, closed=1, open_major=m % 3) for m in range(1, 13)]
    fig = chart.figure(points, font=font)
    assert len(fig.axes) == 1  # no second y axis with its own scale
    ax = fig.axes[0]
    assert ax.get_title() == ""  # the caption 图1 … says what it shows
    ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)  # no 0.5 项


# --- the measuring shortcuts give the very floats of the plain per-character loop -------------------

def _reference_ems(text: str) -> float:
    """``ems`` as first written: one pass, one addition per character and per script change."""
    from hjp.report.layout import _ASCII_EM, _AUTOSPACE_EM, _CJK

    total = 0.0
    prev: bool | None = None
    prev_c = ""
    for c in text:
        wide = bool(_CJK.match(c))
        total += 1.0 if wide else _ASCII_EM.get(c, 0.64)
        if prev is not None and wide != prev and (prev_c if wide else c).isalnum():
            total += _AUTOSPACE_EM
        prev, prev_c = wide, c
    return total


def _reference_fit_lines(line: str, avail: float) -> list[str]:
    """``fit_lines`` as first written: each candidate line measured whole with the reference ``ems``."""
    from hjp.report.layout import _AUTOSPACE_EM, _CLOSE, _OPEN, _UNIT

    avail += 1e-6
    if len(line) * (1 + _AUTOSPACE_EM) <= avail or _reference_ems(line) <= avail:
        return [line]
    units: list[str] = []
    for m in _UNIT.finditer(line):
        u = m.group()
        if units and (u[0] in _CLOSE or units[-1][-1] in _OPEN) and not (len(u) > 1 and u[0] in _OPEN):
            units[-1] += u
        elif units and len(units[-1]) == 1 and units[-1] in _OPEN:
            units[-1] += u
        else:
            units.append(u)
    out: list[str] = []
    cur = ""
    for u in units:
        if u.isspace():
            cur += u
            continue
        if cur and _reference_ems(cur.rstrip() + u) > avail:
            out.append(cur)
            cur = u
        else:
            cur += u
    if cur:
        out.append(cur)
    return out


_CELL_ALPHABET = "何家畔村整改中逾期未验收销号（）()《》“”、，；： 　-_./%0123456789AZaz年月日\t—…·Ⅳ①é𠀀"


def test_ems_and_fit_lines_equal_the_plain_loop_on_report_cells():
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=3000, deadline=None, derandomize=True)
    @given(st.text(alphabet=_CELL_ALPHABET, max_size=40), st.floats(min_value=0.5, max_value=30))
    def check(text, avail):
        assert ems(text) == _reference_ems(text)  # equal floats, not approximately
        assert fit_lines(text, avail) == _reference_fit_lines(text, avail)

    check()
    for text in ("何家畔村", "", "2026年12月15日", "RW-hejiapan-4 已逾期（2期次）", "每月开展一次村级安全隐患排查（2024年4月）"):
        assert ems(text) == _reference_ems(text)
