"""The sealed-store rules HJP240–HJP248: exact diagnostic lines; none of them ever quotes an identity."""

from __future__ import annotations

from conftest import custodian_key, sealed_files

H = "ledger/villages/cun/hazards.yaml"
R = "ledger/sealed/recipients.txt"

HAZARD = """\
hazards:
  - id: YH-2024-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 举报
    found_on: 2024-05-10
    rectification: {owner: 王某, deadline: 2024-06-30}
"""


def test_hjp240_plaintext_reporter_is_an_error_that_never_quotes_it(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARD + "    reporter: 张三 13800000000 # 住东头\n"})
    got = diagnostics_of(root)
    assert got == [f"{H}:9:15: error HJP240: reporter（举报人）以明文写在台账中，任何能拿到仓库的人都能看到；"
                   "举报人信息只能存放在密封文件中，这里只写 已密封。请运行 hjp seal migrate 把它移入密封存储"]
    assert "张三" not in "".join(got) and "1380" not in "".join(got)


def test_a_number_as_reporter_is_not_echoed_either(make_ledger, diagnostics_of):
    root = make_ledger({"villages/cun/hazards.yaml": HAZARD + "    reporter: 13800000000\n"})
    got = diagnostics_of(root)
    assert len(got) == 1 and "13800000000" not in got[0], got


def test_sealed_hazards_and_files_match(make_ledger, diagnostics_of):
    files = {"villages/cun/hazards.yaml": HAZARD + "    reporter: 已密封\n"
             + HAZARD.replace("hazards:\n", "").replace("0001", "0002")
             + HAZARD.replace("hazards:\n", "").replace("0001", "0003") + "    reporter: 已密封\n",
             **sealed_files({"YH-2024-0001": "甲", "YH-2024-0002": "乙", "YH-2024-0009": "丙"})}
    root = make_ledger(files)
    assert diagnostics_of(root) == [
        "ledger/sealed/YH-2024-0002.age:1:1: error HJP242: 有 YH-2024-0002 的密封举报人信息，但该隐患没有写 "
        "reporter: 已密封；请在该隐患中补上 reporter: 已密封",
        "ledger/sealed/YH-2024-0009.age:1:1: error HJP242: 台账中没有隐患 YH-2024-0009，却有它的密封举报人信息；"
        "请核对文件名，或在台账中恢复这条隐患（记录不能删除，录入错误的请作废）",
        f"{H}:24:15: error HJP241: reporter 为 已密封，但找不到密封文件 ledger/sealed/YH-2024-0003.age；"
        "请从 git 历史恢复该文件，或确认无举报人信息后删除 reporter 这一行",
    ]


def test_recipients_lines(make_ledger, diagnostics_of):
    secret, public = custodian_key()
    broken = public[:-1] + ("q" if public[-1] != "q" else "p")  # one character off: the checksum fails
    text = (f"# 王某 应急办 2026-11-30\n{public}\n\n{public}\n"  # no name above the second: duplicate first
            f"# 李某\n{broken}\n"
            f"# 赵某\n{public} # 赵某\n"
            "  not a key\n"
            f"{secret}\n")
    root = make_ledger({"villages/cun/hazards.yaml": HAZARD, "sealed/recipients.txt": text,
                        "sealed/key.txt": "x"})
    got = diagnostics_of(root)
    assert got == [
        "ledger/sealed/key.txt:1:1: warning HJP247: sealed/ 下不认识的文件 key.txt：这里只放 recipients.txt、access.log 和 "
        "隐患编号.age；请核对——私钥和明文的举报人信息绝不能放进仓库",
        f"{R}:4:1: warning HJP248: 公钥与第 2 行重复；请删除这一行",
        f"{R}:6:1: error HJP243: 这不是有效的 age 公钥（长度或校验位不对，可能抄错或被截断）；"
        "请从保管人的私钥文件中 # public key: 那一行重新复制，或由保管人重新运行 hjp seal init",
        f"{R}:8:63: error HJP243: 公钥后面不能跟其他内容（age 的公钥文件格式不允许行尾注释）；请把注明保管人的 # 注释移到公钥的上一行",
        f"{R}:9:3: error HJP243: 这一行不是 age 公钥（应以 age1 开头，共 62 个字符）；注释行请以 # 开头，其他内容请删除",
        f"{R}:10:1: error HJP244: 这一行是私钥（AGE-SECRET-KEY-…），不是公钥：私钥一旦进入仓库就已泄露；请立即删除这一行，"
        "由该保管人用 hjp seal init 生成新密钥，再由保管人运行 hjp seal rekey，并按 docs/sealed.md 从 git 历史中清除旧私钥",
    ]
    assert secret not in "".join(got)


def test_no_custodian_and_an_unnamed_key(make_ledger, diagnostics_of):
    _secret, public = custodian_key()
    root = make_ledger({"villages/cun/hazards.yaml": HAZARD, "sealed/recipients.txt": "# 只有注释\n"})
    assert diagnostics_of(root) == [
        f"{R}:1:1: error HJP245: sealed/recipients.txt 中没有保管人公钥：新的举报人信息无法密封，增删保管人也无从重新加密；"
        "请保管人运行 hjp seal init"]
    (root / "sealed/recipients.txt").write_text(f"{public}\n", encoding="utf-8")
    assert diagnostics_of(root) == [
        f"{R}:1:1: warning HJP246: 这个公钥没有注明保管人；请在它上一行写 # 姓名 单位 日期，例如 # 王某 应急办 2026-11-30"]


def test_validate_cache_notices_a_sealed_file_appearing(make_ledger, monkeypatch):
    """The whole-run cache is keyed on sealed/'s listing too: a stale 'clean' would hide HJP241."""
    from typer.testing import CliRunner

    from hjp.cli import app

    monkeypatch.delenv("HJP_NO_CACHE")
    files = {"villages/cun/hazards.yaml": HAZARD + "    reporter: 已密封\n", **sealed_files({"YH-2024-0001": "甲"})}
    root = make_ledger(files)
    run = lambda: CliRunner().invoke(app, ["validate", "--ledger", str(root)], catch_exceptions=False)  # noqa: E731
    assert run().exit_code == 0
    (root / "sealed/YH-2024-0001.age").unlink()
    assert run().exit_code == 1
    (root / "sealed/recipients.txt").write_text("garbage\n", encoding="utf-8")
    assert "HJP243" in run().stdout


def test_sealer_for_importers(tmp_path):
    import pytest

    from hjp import sealed

    root = tmp_path / "ledger"
    (root / "sealed").mkdir(parents=True)
    with pytest.raises(sealed.SealError, match="请保管人先运行 hjp seal init"):
        sealed.Sealer(tmp_path / "nowhere")
    for rel, text in sealed_files({"YH-2024-0001": "甲"}).items():
        (root / rel).write_text(text, encoding="utf-8")
    sealer = sealed.Sealer(root)
    path, data = sealer.seal("YH-2024-0002", "  乙 13800000000 ")
    assert path == root / "sealed/YH-2024-0002.age" and not path.exists()
    key = tmp_path / "k.txt"
    key.write_text(custodian_key()[0] + "\n", encoding="utf-8")
    key.chmod(0o600)
    assert sealed.unseal("YH-2024-0002", data, sealed.load_identity(key, root), display="x") == \
        ("乙 13800000000", custodian_key()[1])
    with pytest.raises(sealed.SealError, match="已经存在"):
        sealer.seal("YH-2024-0001", "丙")
    with pytest.raises(sealed.SealError, match="不是隐患编号"):
        sealer.seal("../x", "丙")
    with pytest.raises(sealed.SealError) as err:
        sealer.seal("YH-2024-0003", "丁\x00", field="第 5 行 举报人")
    assert err.value.message == "第 5 行 举报人 含有控制字符 U+0000；请删除" and err.value.code == 2


def test_an_unreadable_hazards_file_makes_no_false_hjp242(make_ledger, diagnostics_of):
    """F8: one hazards file that could not be read (GBK here; also hazards.YAML, a Tab, conflict
    markers) gave one HJP242 per sealed reporter of that village, advising to "restore the deleted
    hazard" and check the sealed files' names — a clerk who renames or deletes them destroys
    identities. IDs found in the unreadable file are not reported; any other is, with the reason
    it may not have been found."""
    sealed = HAZARD + "    reporter: 已密封\n"
    files = {"villages/cun/hazards.yaml": (sealed + sealed.replace("hazards:\n", "").replace("0001", "0002")).encode("gbk"),
             "villages/dong/hazards.yaml": sealed.replace("0001", "0005"),
             **sealed_files({"YH-2024-0001": "甲", "YH-2024-0002": "乙", "YH-2024-0005": "丙", "YH-2024-0009": "丁"})}
    got = diagnostics_of(make_ledger(files))
    assert [line.split(": ")[1] for line in got] == ["error HJP242", "error HJP002"], got
    assert got[0] == ("ledger/sealed/YH-2024-0009.age:1:1: error HJP242: 台账中没有隐患 YH-2024-0009，却有它的密封举报人信息，"
                      "但有隐患文件未能读取（见其他错误），它可能在那里；请先改正那些错误再核对，不要改名或删除密封文件")
    # misnamed: hazards.YAML is not read at all (HJP016)
    files["villages/cun/hazards.YAML"] = files.pop("villages/cun/hazards.yaml")
    root = make_ledger(files)
    (root / "villages/cun/hazards.yaml").unlink()
    got = diagnostics_of(root)
    assert [line.split(": ")[1] for line in got] == ["error HJP242", "error HJP016"], got


def test_a_comment_on_the_reporter_line_is_hjp240(make_ledger, diagnostics_of):
    """F23: `reporter: 已密封  # 举报人张三 电话…` passed validate and audit: the name went into git
    history for good. A comment on a line holding `reporter:` 已密封 is an error that never quotes it;
    a comment elsewhere, a '#' inside quotes, or a plaintext value (HJP240 already) add nothing."""
    files = {"villages/cun/hazards.yaml":
             HAZARD + "    reporter: 已密封  # 举报人张三 电话13800001111\n"
             + HAZARD.replace("hazards:\n", "").replace("0001", "0002").replace("灭火器过期", "'灭火器 #3 过期'")
             + "    reporter: '已密封'   # 见纸质登记簿\n"
             + "  - {id: YH-2024-0003, title: 通道堵塞, sector: 消防, level: 一般, source: 举报, reporter: 已密封, "
               "found_on: 2024-05-11, rectification: {owner: 王某, deadline: 2024-06-30}}  # 李四\n"
             + HAZARD.replace("hazards:\n", "").replace("0001", "0004") + "    # 举报人另见登记簿\n    reporter: 已密封\n",
             **sealed_files({"YH-2024-0001": "甲", "YH-2024-0002": "乙", "YH-2024-0003": "丙", "YH-2024-0004": "丁"})}
    got = diagnostics_of(make_ledger(files))
    message = ("reporter（举报人）这一行写了注释：注释会随台账进入 git 历史，任何能拿到仓库的人都能看到，举报人信息不能写在这里；"
               "请删除这条注释（已经提交过的，请按 docs/sealed.md 从 git 历史中清除）")
    assert got == [f"{H}:9:20: error HJP240: {message}", f"{H}:17:23: error HJP240: {message}",
                   f"{H}:18:160: error HJP240: {message}"]
    assert not [line for line in got if "张三" in line or "1380" in line or "李四" in line]


def test_a_duplicated_id_with_a_sealed_file_says_a_reporter_may_be_lost(make_ledger, diagnostics_of):
    """F11: two copies of the ledger gave one ID to two 举报 hazards; one sealed file survived the
    merge. Validate said only "duplicate ID"; it now says where the other 举报人 is."""
    sealed = HAZARD + "    reporter: 已密封\n"
    files = {"villages/cun/hazards.yaml": sealed, "villages/dong/hazards.yaml": sealed.replace("灭火器过期", "通道堵塞"),
             **sealed_files({"YH-2024-0001": "甲"})}
    got = diagnostics_of(make_ledger(files))
    assert got == [
        "ledger/villages/dong/hazards.yaml:2:5: error HJP201: 编号 YH-2024-0001 重复：ledger/villages/cun/hazards.yaml:2 已经用过；"
        "编号须在整个台账中唯一，请改用新编号。这个编号有密封的举报人信息 ledger/sealed/YH-2024-0001.age：两条都是举报隐患时，"
        "两份密封文件只能留下一份，另一条的举报人只在 git 历史中，请保管人用 git log --all -- ledger/sealed/YH-2024-0001.age 找回另一份，"
        "新编号的那条由保管人重新密封"]


def test_sealed_hazard_ids_differing_in_case_only_are_hjp201(make_ledger, diagnostics_of):
    """F29: YH-2026-abc and YH-2026-ABC were both accepted; on Windows and macOS their sealed files
    are one file, and sealing the second overwrote the first 举报人."""
    sealed = HAZARD + "    reporter: 已密封\n"
    files = {"villages/cun/hazards.yaml": sealed.replace("YH-2024-0001", "YH-2026-abc")
             + sealed.replace("hazards:\n", "").replace("YH-2024-0001", "YH-2026-ABC"),
             **sealed_files({"YH-2026-abc": "甲", "YH-2026-ABC": "乙"})}
    got = diagnostics_of(make_ledger(files))
    assert got == [
        f"{H}:2:5: error HJP201: 编号 YH-2026-abc 与 YH-2026-ABC 只差字母大小写，两条都有密封的举报人信息：在 Windows 和 macOS 上 "
        "ledger/sealed/YH-2026-abc.age 与另一份是同一个文件，检出时只剩一份，密封第二份时会覆盖第一份；请改用新编号（编号中的字母一律大写）"]
