"""hjp.villages (one reading of --village) and hjp.lookup's pieces that need no ledger."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hjp.errors import UsageError
from hjp.lookup import kind_of_word, normalised, similar_titles, status_matches
from hjp.villages import resolve

VILLAGES = {"hejiapan": SimpleNamespace(name="何家畔村"), "huangzhai": SimpleNamespace(name="黄寨村"),
            "dazhuang": SimpleNamespace(name="大庄村"), "dazhuang2": SimpleNamespace(name="大庄")}


@pytest.mark.parametrize("given, slug", [
    ("hejiapan", "hejiapan"), ("何家畔村", "hejiapan"), ("何家畔", "hejiapan"), ("HeJiaPan", "hejiapan"),
    ("ｈｅｊｉａｐａｎ", "hejiapan"), (" 黄寨村 ", "huangzhai"), ("大庄村", "dazhuang"), ("大庄", "dazhuang2")])
def test_a_village_by_slug_or_name(given, slug):
    assert resolve(VILLAGES, given) == slug


@pytest.mark.parametrize("given, message", [
    ("何家", "台账中没有村 何家；是不是要写 何家畔村？--village 可写村目录名或村名，台账中的村：dazhuang（大庄村）、dazhuang2（大庄）、"
            "hejiapan（何家畔村）、huangzhai（黄寨村）"),
    ("hejiapn", "台账中没有村 hejiapn；是不是要写 hejiapan？--village 可写村目录名或村名，台账中的村：dazhuang（大庄村）、"
                "dazhuang2（大庄）、hejiapan（何家畔村）、huangzhai（黄寨村）"),
    ("", "--village 不能为空；台账中的村：dazhuang（大庄村）、dazhuang2（大庄）、hejiapan（何家畔村）、huangzhai（黄寨村）"),
])
def test_no_such_village_lists_them(given, message):
    with pytest.raises(UsageError) as caught:
        resolve(VILLAGES, given)
    assert (caught.value.message, caught.value.code) == (message, 2)


def test_two_villages_of_one_name_are_refused():
    with pytest.raises(UsageError) as caught:
        resolve({"a": SimpleNamespace(name="新村"), "b": SimpleNamespace(name="新村")}, "新村")
    assert caught.value.message == "--village 新村 对应多个村：a、b；请改用村目录名"


@pytest.mark.parametrize("a, b, same", [
    ("卸油区静电接地装置失效", "卸油区静电接地失效", True),        # 7 of 10 and 8 pairs shared
    ("楼梯间 堆放杂物。", "楼梯间堆放杂物", True),               # spaces and punctuation do not count
    ("ＡＢＣ仓库", "abc仓库", True),                            # full width and case do not count
    ("液化气钢瓶存放在地下室", "液化气钢瓶存放在地下室内", True),
    ("安全出口堆放杂物", "楼梯间堆放杂物", False),               # 3 of 7 and 6 pairs
    ("卸油区静电接地装置失效", "卸油区消防器材过期", False),
    ("", "楼梯间堆放杂物", False),
])
def test_similar_titles(a, b, same):
    assert similar_titles(a, b) is same and similar_titles(b, a) is same


def test_normalised():
    assert normalised("  楼梯间，堆放 杂物！\n") == "楼梯间堆放杂物"


@pytest.mark.parametrize("word, noun", [("hazard", "hazard"), ("hazards", "hazard"), ("隐患", "hazard"),
                                        ("Units", "unit"), ("单位", "unit"), ("生产经营单位", "unit"),
                                        ("tasks", "task"), ("drill", "drill")])
def test_kind_of_word(word, noun):
    assert kind_of_word(word).noun == noun


def test_status_matches_a_word_with_its_detail_only():
    assert status_matches("逾期未整改（12天）", "逾期未整改") and status_matches("整改中", "整改中")
    assert not status_matches("逾期未整改（12天）", "整改中") and not status_matches("已逾期（2期次）", "逾期")
