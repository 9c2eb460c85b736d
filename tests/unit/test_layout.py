"""HJP016: a file that looks like a ledger file but would not be read is an error naming the file and
the name it should have (issue 8 item 5); the names come from the record-kind registry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hjp import layout
from hjp.kinds import VILLAGE_FILES

HAZARDS = """\
hazards:
  - id: YH-2024-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 自查
    found_on: 2024-05-10
    rectification: {owner: 王某, deadline: 2024-06-30}
"""

WHY_TXT = "多了扩展名 .txt（记事本保存时请把“保存类型”选为“所有文件”）"


def _rename(name: str, why: str, target: str = "hazards") -> str:
    return (f"ledger/villages/cun/{name}:1:1: error HJP016: 文件 {name} 看起来是台账文件 {target}.yaml，但不会被读取"
            f"（{why}），其中的记录不计入任何检查和统计；请改名：git mv 'ledger/villages/cun/{name}' "
            f"'ledger/villages/cun/{target}.yaml'")


@pytest.mark.parametrize("name, why", [
    ("hazards.YAML", "文件名须全部小写"),
    ("Hazards.yaml", "文件名须全部小写"),
    ("hazards.yaml.txt", WHY_TXT),
    ("hazards.txt", WHY_TXT),
    ("hazards.yaml ", "文件名前后有空格"),
    ("hazards.yml", "扩展名须为 .yaml，不是 .yml"),
    ("hazards", "没有扩展名 .yaml"),
    ("hazards - 副本.yaml", "这是复制出来的副本"),
    ("hazards (1).yaml", "这是复制出来的副本"),
    ("隐患.yaml", "文件名须用英文"),
    ("2024年隐患台账.yml", "扩展名须为 .yaml，不是 .yml、文件名须用英文"),
    ("hazard.yaml", "拼写应为 hazards"),
    ("ｈａｚａｒｄｓ.yaml", "文件名里有全角字符"),
])
def test_a_misnamed_hazards_file_is_an_error_naming_the_right_name(make_ledger, diagnostics_of, name, why):
    root = make_ledger({f"villages/cun/{name}": HAZARDS})
    assert diagnostics_of(root) == [_rename(name, why)]


def test_a_copy_next_to_the_real_file_says_merge_or_move_it_away(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARDS, "villages/cun/hazards - 副本.yaml": HAZARDS})
    assert diagnostics_of(root) == [
        "ledger/villages/cun/hazards - 副本.yaml:1:1: error HJP016: 文件 hazards - 副本.yaml 看起来是台账文件 hazards.yaml，"
        "但不会被读取（这是复制出来的副本），其中的记录不计入任何检查和统计；已有 hazards.yaml：如果 hazards - 副本.yaml "
        "中有需要登记的记录，请并入 hazards.yaml；如果只是备份或副本，请删除或移出台账目录（每个版本都已保存在 git 历史中）",
    ]


def test_an_unknown_name_with_a_kinds_top_key_is_recognised_by_its_content(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/新建文本文档.txt": "# 从 Excel 复制\n" + HAZARDS,
                        "villages/cun/notes.yaml": "contacts: [张三]\n", "villages/cun/说明.txt": "隐患台账的说明\n"})
    assert diagnostics_of(root) == [
        "ledger/villages/cun/notes.yaml:1:1: warning HJP013: 不认识的文件 notes.yaml，不会被读取；"
        "村目录只放 village.yaml、units.yaml、hazards.yaml、drills.yaml、tasks.yaml、inspections.yaml",
        _rename("新建文本文档.txt", WHY_TXT + "、文件名须用英文"),
    ]


@pytest.mark.parametrize("make, what", [
    (lambda p: p.mkdir(), "目录"),
    (lambda p: os.mkfifo(p), "命名管道（FIFO）"),
    (lambda p: p.symlink_to("gone.yaml"), "指向不存在位置的符号链接"),
])
def test_a_hazards_yaml_that_is_not_a_regular_file_is_an_error(make_ledger, diagnostics_of, make, what):
    root = make_ledger({"villages/cun/units.yaml": "units: []\n"})
    make(root / "villages" / "cun" / "hazards.yaml")
    assert diagnostics_of(root) == [
        f"ledger/villages/cun/hazards.yaml:1:1: error HJP016: hazards.yaml 是{what}，不是普通文件，里面的记录没有被读取；"
        "请换成普通的 YAML 文件 hazards.yaml",
    ]


def test_the_top_directory_misnamed_files_and_villages_dir(make_ledger, diagnostics_of):
    root = make_ledger({"Tasks.yaml": "tasks: []\n", "hazards.yaml": HAZARDS, "Villages/cun/village.yaml": "name: 村\n"})
    assert diagnostics_of(root) == [
        "ledger/Tasks.yaml:1:1: error HJP016: 文件 Tasks.yaml 看起来是台账文件 tasks.yaml，但不会被读取（文件名须全部小写），"
        "其中的记录不计入任何检查和统计；请改名：git mv 'ledger/Tasks.yaml' 'ledger/tasks.yaml'",
        "ledger/Villages:1:1: error HJP016: Villages 看起来是村目录 villages/，但不会被读取，其中各村的记录不计入任何检查和统计；"
        "请改名：git mv 'ledger/Villages' 'ledger/villages'",
        "ledger/hazards.yaml:1:1: error HJP016: 文件 hazards.yaml 不在村目录里，不会被读取，其中的记录不计入任何检查和统计；"
        "hazards.yaml 要放在各村自己的目录 villages/<村代码>/ 下，请移过去",
    ]


def test_inside_villages_a_stray_file_and_a_dangling_village_link(make_ledger, diagnostics_of):
    root = make_ledger({"villages/hazards.yaml": HAZARDS, "villages/README.md": "各村目录\n"})
    (root / "villages" / "hejiapan").symlink_to("nowhere")
    assert diagnostics_of(root) == [
        "ledger/villages/hazards.yaml:1:1: error HJP016: 文件 hazards.yaml 不在村目录里，不会被读取，其中的记录不计入任何检查和统计；"
        "hazards.yaml 要放在各村自己的目录 villages/<村代码>/ 下，请移过去",
        "ledger/villages/hejiapan:1:1: error HJP016: 村目录 hejiapan 是指向不存在位置的符号链接，不是目录，这个村的记录没有被读取；"
        "请换成目录",
    ]


def test_ordinary_neighbours_are_left_alone(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARDS, "villages/cun/hazards.yaml.bak": HAZARDS,
                        "villages/cun/隐患照片.jpg": b"\xff\xd8", "villages/cun/隐患排查说明.txt": "说明\n",
                        "README.md": "台账\n", "villages/cun/.hazards.yaml.swp": b"x",
                        # folders named like a ledger file are photo folders, not ledger files
                        "villages/cun/hazards/照片.jpg": b"\xff\xd8", "tasks/附件.pdf": b"%PDF"})
    assert diagnostics_of(root) == []


def test_every_kind_in_the_registry_is_covered():
    """New kinds (inspections, trainings …) get the same protection without touching layout.py."""
    for stem in VILLAGE_FILES:
        assert layout.resembles(f"{stem.capitalize()}.yaml", VILLAGE_FILES) == stem
        assert layout.resembles(f"{stem}.yaml.txt", VILLAGE_FILES) == stem
    for stem in layout.TOWN_FILES:
        assert layout.resembles(f"{stem} - 副本.yaml", layout.TOWN_FILES) == stem


def test_validate_fails_instead_of_counting_zero(make_ledger, tmp_path: Path):
    import subprocess
    import sys

    make_ledger({"villages/cun/hazards.yaml.txt": HAZARDS})
    proc = subprocess.run([sys.executable, "-m", "hjp", "validate", "--ledger", "ledger"], capture_output=True,
                          text=True, cwd=tmp_path)
    assert proc.returncode == 1
    assert "HJP016" in proc.stdout and "台账检查通过" not in proc.stdout
