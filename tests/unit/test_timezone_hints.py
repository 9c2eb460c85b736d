"""HJP219's fix for Beijing time written the ways people write it: a fuzzy match
answered Asia/Brunei for Asia/Beijing and UTC for UTC+8 — following that moves "today" by hours."""

from __future__ import annotations

import pytest
from conftest import TOWN_YAML


@pytest.mark.parametrize("value", ["Asia/Beijing", "Beijing", "Beijing Time", "UTC+8", "GMT+8", "utc+08:00",
                                   "+0800", "CST", "PRC?", "China/Beijing", "东八区", "北京时间"])
def test_beijing_time_is_pointed_to_asia_shanghai(make_ledger, diagnostics_of, value):
    root = make_ledger(town=TOWN_YAML + f"timezone: '{value}'\n")
    assert diagnostics_of(root) == [
        f"ledger/town.yaml:9:11: error HJP219: 时区 timezone 的值 {value} 不是有效的时区名称；中国大陆请写 Asia/Shanghai"]


@pytest.mark.parametrize(("value", "meant"), [("Asia/Shangai", "Asia/Shanghai"), ("Europe/Berlinn", "Europe/Berlin")])
def test_other_typos_keep_their_did_you_mean(make_ledger, diagnostics_of, value, meant):
    root = make_ledger(town=TOWN_YAML + f"timezone: {value}\n")
    assert diagnostics_of(root) == [
        f"ledger/town.yaml:9:11: error HJP219: 时区 timezone 的值 {value} 不是有效的时区名称；是不是要写 {meant}？"]


def test_an_empty_value_never_shows_python_s_none(make_ledger, diagnostics_of):
    root = make_ledger(town=TOWN_YAML + "timezone:\n")
    assert diagnostics_of(root) == [
        "ledger/town.yaml:9:10: error HJP103: timezone（时区） 应为文字：这里 被读成了空值；请填写内容，或加引号"]
