"""`hjp import plan`: files written only when asked and only when whole, a draft that validates,
clear refusals for what is not a plan."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from hjp.cli import app

REPO = Path(__file__).resolve().parent.parent.parent
SEED = REPO / "tests" / "plan" / "hejiapan-plan.txt"

SEED_REPORT = [
    "方案.txt:33:1: warning HJP601: “2024年底前”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
    "方案.txt:33:1: warning HJP601: “2025年底前”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
    "方案.txt:33:1: warning HJP601: “2026年底前”不在任务条目中，未生成任务；如需跟踪请手工添加任务",
    "方案.txt:73:1: warning HJP602: RW-19：“推动生产经营单位每年…”是推动、督促其他单位按期落实，"
    "未作为本任务的周期（记为长期坚持）；各单位的落实请逐单位登记（如演练的年度覆盖）",
    "已识别 40 项任务（方案正文 31、附件清单 6、报送 3），10 项行动，4 个阶段；4 处请核对（见上）。",
]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def plan(here: Path) -> Path:
    shutil.copy(SEED, here / "方案.txt")
    return Path("方案.txt")


def test_writes_both_drafts_and_they_validate(plan, here):
    (here / "draft").mkdir()
    r = invoke("import", "plan", str(plan), "-o", "draft/tasks.yaml", "--town", "draft/town.yaml")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert r.stderr.splitlines() == SEED_REPORT + ["已写入 draft/tasks.yaml", "已写入 draft/town.yaml"]
    tasks = (here / "draft/tasks.yaml").read_text(encoding="utf-8")
    assert tasks.startswith("# yaml-language-server: $schema=../schemas/tasks.schema.json\n"
                            "# 草稿：由 hjp import plan 从 方案.txt 生成，请逐条对照原文核对后再并入 ledgers/tasks.yaml。\n")
    assert "plan:" not in tasks  # the town parts went to --town
    v = invoke("validate", "--ledger", "draft")
    assert (v.exit_code, v.stdout) == (0, "台账检查通过：2 个文件、40 条记录，没有发现问题。\n")


def test_without_output_the_draft_goes_to_stdout_with_the_town_parts_as_comments(plan):
    r = invoke("import", "plan", str(plan))
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines() == SEED_REPORT
    data = yaml.safe_load(r.stdout)
    assert len(data["tasks"]) == 40
    assert "# 以下内容请并入 town.yaml（也可用 --town 文件 直接生成 town.yaml 草稿）：\n#   plan:\n" in r.stdout
    assert "#   phases:\n#     - {name: 动员部署阶段, start: 2024-03-31, end: 2024-03-31}" in r.stdout
    assert "#   actions:\n#     1: 安全生产责任落实行动\n" in r.stdout


def test_an_existing_file_is_kept_unless_force(plan, here):
    (here / "tasks.yaml").write_text("tasks: []\n", encoding="utf-8")
    r = invoke("import", "plan", str(plan), "-o", "tasks.yaml")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：tasks.yaml 已存在；请换一个文件名，或加 --force 覆盖\n")
    assert (here / "tasks.yaml").read_text(encoding="utf-8") == "tasks: []\n"
    r = invoke("import", "plan", str(plan), "-o", "tasks.yaml", "--force")
    assert r.exit_code == 0
    assert len(yaml.safe_load((here / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]) == 40


def test_a_gbk_text_file_reads_like_utf8(plan, here):
    (here / "gbk.txt").write_bytes((here / plan).read_text(encoding="utf-8").encode("gbk"))
    a = invoke("import", "plan", str(plan))
    b = invoke("import", "plan", "gbk.txt")
    assert b.exit_code == 0
    assert b.stdout == a.stdout.replace("方案.txt", "gbk.txt")


def test_a_word_file(here):
    import docx

    d = docx.Document()
    for text in ("杨庄镇安全生产实施方案", "一、重点任务", "（一）开展隐患排查行动"):
        d.add_paragraph(text)
    d.add_paragraph("全面排查隐患。2025年9月底前完成。（赵一牵头，镇安监站负责）", style="List Number")
    d.add_paragraph("建立整改台账。（赵一牵头，各村负责）", style="List Number")
    d.add_paragraph("每年6月底前报送排查情况（赵一牵头，镇安监站负责）", style="List Number")
    d.save(str(here / "方案.docx"))
    r = invoke("import", "plan", "方案.docx", "-o", "tasks.yaml")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines()[-2:] == [
        "已识别 3 项任务（方案正文 3、附件清单 0、报送 0），1 项行动，0 个阶段；5 处请核对（见上）。"
        "（.docx 的“行”指第几段，表格每行算一段）",
        "已写入 tasks.yaml"]
    assert [(t["id"], t.get("deadline"), t.get("every")) for t in
            yaml.safe_load((here / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]] == [
        ("RW-1", date(2025, 9, 30), None), ("RW-2", None, None), ("RW-3", None, "year")]


def test_a_word_file_that_is_no_plan_writes_nothing(here):
    import docx

    d = docx.Document()
    d.add_paragraph("会议纪要")
    d.add_paragraph("今天开会讨论了安全生产工作。")
    d.save(str(here / "纪要.docx"))
    r = invoke("import", "plan", "纪要.docx", "-o", "tasks.yaml", "--town", "town.yaml")
    assert r.exit_code == 1
    assert r.stderr == (
        "纪要.docx:1:1: error HJP603: 没有找到任何任务条目（“1.”“（一）”等编号下带“牵头”“负责”或完成时限的条目）；"
        "请确认这是实施方案的正文（.docx 或 .txt），扫描件请先识别成文字\n未生成任何文件。\n")
    assert sorted(p.name for p in here.iterdir()) == ["纪要.docx"]


@pytest.mark.parametrize("name,content,message", [
    ("旧方案.doc", b"\xd0\xcf\x11\xe0whatever", "旧方案.doc 是旧版 Word/WPS 格式，无法直接读取；请在 Word 或 WPS 中“另存为” .docx 后再导入"),
    ("坏.docx", b"PK\x03\x04 not really a zip", "坏.docx 不是有效的 .docx 文件（可能已损坏、加了密码，或其实是旧版 .doc）；"
                                                "请在 Word 或 WPS 中打开后“另存为” .docx 再导入"),
    ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "加密.docx 不是有效的 .docx 文件（可能已损坏、加了密码，"
                                                                     "或其实是旧版 .doc）；请在 Word 或 WPS 中打开后“另存为” .docx 再导入"),
    ("扫描.pdf", b"%PDF-1.4", "扫描.pdf 是 PDF；请先转成文字（例如 pdftotext -layout 文件.pdf 文件.txt，或在 WPS 中另存为 .docx）再导入"),
    ("图.png", b"\x89PNG\r\n", "图.png 不是能读取的方案文件；请提供 .txt 或 .docx 文件"),
    ("乱码.txt", b"\xff\x00\x01\x02" * 10, "乱码.txt 看起来不是文字文件；请提供 .txt 或 .docx 文件"),
])
def test_unreadable_files_are_refused_with_the_fix(here, name, content, message):
    (here / name).write_bytes(content)
    r = invoke("import", "plan", name, "-o", "tasks.yaml")
    assert (r.exit_code, r.stderr) == (2, f"hjp: 错误：{message}\n")
    assert not (here / "tasks.yaml").exists()


def test_missing_file_and_missing_directory(plan):
    r = invoke("import", "plan", "没有.txt")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：找不到文件 没有.txt；请检查文件名和路径\n")
    r = invoke("import", "plan", str(plan), "-o", "nowhere/tasks.yaml")
    assert (r.exit_code, r.stderr) == (2, "hjp: 错误：nowhere/tasks.yaml 所在的目录不存在；请先建好目录\n")
