"""What an adversarial review found the audit and the sealed store let through (F3–F8), each
reproduced in a real git repository: the audit must catch it, and hjp's own commands must not
trip it."""

from __future__ import annotations

import shutil

from test_log_audit import HAZARDS, TASKS, findings, hjp, repo  # noqa: F401  (repo: the fixture)
from test_sealed_cli import HAZARD_ARGS, World, sealed_world, world  # noqa: F401  (the fixtures)

SECOND_HAZARD = """\
  - id: YH-2026-0002
    title: 配电箱未上锁
    sector: 消防
    level: 一般
    source: 检查
    found_on: 2026-01-20
    rectification:
      owner: 李某
      deadline: 2026-03-31
"""
ONE_OFF = TASKS + """\
  - id: RW-3
    title: 完成自建房安全隐患整治
    lead: [张志瑞]
    deadline: 2026-03-31
"""


def test_an_overdue_one_off_task_turned_ongoing_is_found(repo):
    """F6: RW-3, overdue since 2026-03-31, made `ongoing: true` becomes merely stale (both fail
    `hjp check`, so comparing the failing sets saw nothing), and a progress note then clears it."""
    repo.at("2026-01-05")
    repo.write("ledgers/tasks.yaml", ONE_OFF)
    repo.commit("任务")
    repo.at("2026-06-01")
    repo.write("ledgers/tasks.yaml", ONE_OFF.replace("    deadline: 2026-03-31\n", "    ongoing: true\n"))
    repo.commit("改为长期坚持")
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        "ledgers/tasks.yaml:13:1: error HJP504: 任务 RW-3「完成自建房安全隐患整治」在提交日期 2026-06-01 已逾期 62 天"
        "（应于 2026-03-31 完成），这次提交改动了 ongoing、deadline，之后它不再算作逾期，但它并没有完成；"
        "期限过后不应改动要求或范围，逾期应如实反映（确属录入错误的，请在合并请求中说明）"]
    repo.at("2026-06-02")
    assert hjp("done", "RW-3", "--on", "2026-06-02", "--note", "开展专项整治", "--commit", today=repo.day).exit_code == 0
    assert findings(hjp("audit", "--since", "HEAD~1")) == []  # the note itself is a real progress entry
    # made ongoing and given a progress note in one commit: still not done
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.write("ledgers/tasks.yaml", ONE_OFF.replace("    deadline: 2026-03-31\n", "    ongoing: true\n"
                                                     "    progress:\n      - {date: 2026-06-01, note: 开展专项整治}\n"))
    repo.commit("改为长期坚持并登记进展")
    assert [f.split(": ")[1] for f in findings(hjp("audit", "--since", "HEAD~1"))] == ["error HJP504"]


def test_an_overdue_task_done_on_time_is_still_fine(repo):
    """The per-state comparison must not turn a real completion into a finding."""
    repo.at("2026-01-05")
    repo.write("ledgers/tasks.yaml", ONE_OFF)
    repo.commit("任务")
    repo.at("2026-06-01")
    assert hjp("done", "RW-3", "--on", "2026-06-01", "--commit", today=repo.day).exit_code == 0
    assert findings(hjp("audit", "--since", "HEAD~1")) == []


MAJOR = """\
  - id: YH-2026-0002
    title: 液氨储罐区未设置泄漏检测报警装置
    sector: 危险化学品
    level: 重大
    source: 检查
    found_on: 2026-01-10
    rectification:
      owner: 刘某
      deadline: 2026-03-31
"""


def test_a_major_hazard_downgraded_is_found_unless_declared_with_its_basis(repo):
    """F7: 重大 → 一般 passed audit and validate, and the county report lost a 重大隐患. A
    downgrade is an error unless the commit declares it (隐患降级: trailer) and the record's notes
    say on what basis; then it is a listed warning."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-01-12")
    repo.write(hazards, HAZARDS + MAJOR)
    repo.commit("登记重大隐患")
    repo.at("2026-02-01")
    repo.write(hazards, HAZARDS + MAJOR.replace("level: 重大", "level: 一般"))
    repo.commit("更正等级")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 1
    assert findings(result) == [
        f"{hazards}:12:1: error HJP510: YH-2026-0002（液氨储罐区未设置泄漏检测报警装置）的隐患等级由 重大 改为 一般；"
        "重大事故隐患按判定标准认定、单独上报，降为一般须有复核认定的依据：确属误判的，请在这条记录的 notes 中写明依据"
        "（复核单位、文号、日期），并在提交说明的最后一段写一行 隐患降级: 依据；否则请恢复为 重大"]
    repo.git("commit", "--amend", "-q", "-m", "更正等级\n\n隐患降级: 县应急管理局复核意见（县应急〔2026〕5号）")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 1
    assert findings(result) == [
        f"{hazards}:12:1: error HJP510: YH-2026-0002（液氨储罐区未设置泄漏检测报警装置）的隐患等级由 重大 改为 一般，"
        "提交说明声明了降级（县应急管理局复核意见（县应急〔2026〕5号）），但这条记录的 notes 没有写明依据；"
        "请在同一次提交中把复核认定的依据写进 notes"]
    repo.write(hazards, HAZARDS + MAJOR.replace("level: 重大", "level: 一般")
               + "    notes: 2026-01-30 县应急管理局复核（县应急〔2026〕5号）：储量未达临界量，不属于重大事故隐患\n")
    repo.git("add", "-A")
    repo.git("commit", "--amend", "-q", "-m", "更正等级\n\n隐患降级：县应急管理局复核意见（县应急〔2026〕5号）")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 0, result.stdout
    assert findings(result) == [
        f"{hazards}:12:1: warning HJP510: YH-2026-0002（液氨储罐区未设置泄漏检测报警装置）的隐患等级由 重大 改为 一般，"
        "已声明降级：县应急管理局复核意见（县应急〔2026〕5号），依据写在 notes 中；请核对复核认定的文件"]
    # raising a hazard to 重大 is no finding
    repo.at("2026-02-02")
    repo.write(hazards, HAZARDS.replace("level: 一般", "level: 重大") + MAJOR.replace("level: 重大", "level: 一般")
               + "    notes: 2026-01-30 县应急管理局复核（县应急〔2026〕5号）：储量未达临界量，不属于重大事故隐患\n")
    repo.commit("升级")
    assert findings(hjp("audit", "--since", "HEAD~1")) == []


CLOSED_IN_CLEAR = """\
hazards:
  - id: YH-2024-0003
    title: 燃气软管老化
    sector: 消防
    level: 一般
    source: 举报
    found_on: 2024-08-02
    reporter: 明文王五电话13711112222
    rectification: {owner: 村民小组长, deadline: 2024-08-10}
    rectified_on: 2024-08-09
    verified_by: 赵某
    closed_on: 2024-08-12
"""


def test_seal_migrate_is_no_edit_after_closure(world: World):
    """F3: `hjp seal migrate --commit` followed its own HJP240 advice and the audit then failed
    with HJP505 on every closed hazard it migrated, an error the clerk could not fix. The
    reporter → 已密封 change with the sealed file added in the same commit is hjp's own; a hand edit
    of a closed hazard's reporter is still HJP505."""
    w = world
    hz = w.ledger / "villages/hejiapan/hazards.yaml"
    assert w.hjp("seal", "init", "--name", "保管人甲", "--identity", str(w.key("a.txt")), "--commit").returncode == 0
    hz.write_text(CLOSED_IN_CLEAR, encoding="utf-8")
    w.git("add", "-A")
    w.git("commit", "-qm", "录入2024年纸质台账\n\n台账补录: 2024年纸质台账")
    base = w.git("rev-parse", "HEAD").decode().strip()
    r = w.hjp("seal", "migrate", "--commit")
    assert r.returncode == 0, r.stderr
    r = w.hjp("audit", "--since", base)
    assert (r.returncode, r.stdout.splitlines()[-1:]) == (0, ["审计通过：检查了 1 个修改台账的提交，没有发现问题。"]), r.stdout
    # by hand: a closed hazard's reporter replaced by 已密封 with no sealed file added is an edit
    base = w.git("rev-parse", "HEAD").decode().strip()
    hz.write_text(hz.read_text(encoding="utf-8") + CLOSED_IN_CLEAR.split("hazards:\n")[1].replace("0003", "0004"),
                  encoding="utf-8")
    w.git("commit", "-qam", "录入\n\n台账补录: 2024年纸质台账")
    hz.write_text(hz.read_text(encoding="utf-8").replace("明文王五电话13711112222", "已密封"), encoding="utf-8")
    w.git("commit", "-qam", "手工改为已密封")
    r = w.hjp("audit", "--since", base)
    assert r.returncode == 1 and "error HJP505: YH-2024-0004 已于 2024-08-12 销号，之后又被修改了 reporter" in r.stdout, r.stdout


def test_a_sealed_file_overwritten_is_found_and_rekey_is_not(sealed_world: World):
    """F4: copying one sealed file over another passed validate and audit; the reporter of the
    overwritten hazard was gone from HEAD and nobody knew until a custodian opened it. A sealed
    file whose bytes change outside `hjp seal rekey`, or equal to another sealed file, is HJP511."""
    from conftest import custodian_key

    from hjp import sealed

    w = sealed_world
    assert w.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", "举报人乙").returncode == 0
    w.git("add", "-A")
    w.git("commit", "-qm", "台账")
    store = w.ledger / "sealed"
    base = w.git("rev-parse", "HEAD").decode().strip()
    shutil.copyfile(store / "YH-2026-0002.age", store / "YH-2026-0001.age")
    w.git("commit", "-qam", "更新")
    assert w.hjp("validate").returncode == 0  # nothing a listing can tell
    r = w.hjp("audit", "--since", base)
    sha = w.git("rev-parse", "--short=7", "HEAD").decode().strip()
    assert r.returncode == 1
    assert findings(r) == [
        "ledgers/sealed/YH-2026-0001.age:1:1: error HJP511: ledgers/sealed/YH-2026-0001.age 与 ledgers/sealed/YH-2026-0002.age "
        "内容完全相同：每份密封文件都是单独加密的，不会有两份相同，这一份是复制来的，YH-2026-0001 原来的举报人信息已不在当前版本中；"
        f"请从 git 历史恢复：git checkout {sha}~1 -- ledgers/sealed/YH-2026-0001.age"]
    # rewritten with another identity sealed by hand (as the age tool or a script would)
    w.git("reset", "-q", "--hard", base)
    keys = [sealed.Recipient(custodian_key()[1], "x", 1)] + sealed.read_recipients(w.ledger, str)
    (store / "YH-2026-0001.age").write_bytes(sealed.seal("YH-2026-0001", "冒名者", keys))
    w.git("commit", "-qam", "重新密封")
    r = w.hjp("audit", "--since", base)
    sha = w.git("rev-parse", "--short=7", "HEAD").decode().strip()
    assert findings(r) == [
        "ledgers/sealed/YH-2026-0001.age:1:1: error HJP511: ledgers/sealed/YH-2026-0001.age（YH-2026-0001 的密封举报人信息）"
        "被改写了，而这次提交不是 hjp seal rekey（access.log 中没有追加重新加密的记录）：原来的举报人信息可能已被替换；"
        f"请从 git 历史恢复：git checkout {sha}~1 -- ledgers/sealed/YH-2026-0001.age；增删保管人后请用 hjp seal rekey 重新加密"]
    # hjp seal rekey rewrites every sealed file: no finding
    w.git("reset", "-q", "--hard", base)
    r = w.hjp("seal", "rekey", "--identity", str(w.key("a.txt")), "--commit")
    assert r.returncode == 0, r.stderr
    r = w.hjp("audit", "--since", base)
    assert (r.returncode, r.stdout.splitlines()[-1:]) == (0, ["审计通过：检查了 1 个修改台账的提交，没有发现问题。"]), r.stdout


def test_a_deadline_pushed_inside_a_merge_is_found(repo):
    """F13: a merge's own changes (in neither parent: an "evil merge") were not audited, so a
    deadline pushed while resolving a merge passed. What the merge takes from either parent was
    audited in that parent's commits and is no finding."""
    import os
    import subprocess

    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-01-20")
    repo.write(hazards, HAZARDS + SECOND_HAZARD)
    repo.commit("新增")
    base = repo.sha()
    repo.git("checkout", "-qb", "x")
    repo.at("2026-02-05", "王五")
    repo.write(hazards, HAZARDS + SECOND_HAZARD + "    location: 配电室\n")
    repo.commit("补地点")
    repo.git("checkout", "-q", "main")
    repo.at("2026-02-06")
    repo.write("ledgers/villages/dazhuang/hazards.yaml", HAZARDS.replace("0001", "0003"))
    repo.commit("大庄村")
    repo.at("2026-02-10")
    subprocess.run(["git", "merge", "-q", "--no-commit", "x"], cwd=repo.root, check=True, capture_output=True,
                   env=dict(os.environ))
    path = repo.root / hazards
    path.write_text(path.read_text(encoding="utf-8").replace("deadline: 2026-01-31", "deadline: 2026-03-31"),
                    encoding="utf-8")
    repo.commit("Merge branch x")
    result = hjp("audit", "--since", base)
    assert result.exit_code == 1
    assert findings(result) == [
        f"{hazards}:2:1: error HJP504: YH-2026-0001 的期限 rectification.deadline 在 2026-01-31 已过之后被推迟到 2026-03-31"
        "（提交日期 2026-02-10）；期限过后不应改动，逾期应如实反映"]
    # the same merge without the edit: nothing of its own
    repo.git("reset", "-q", "--hard", "HEAD~1")
    subprocess.run(["git", "merge", "-q", "--no-edit", "x"], cwd=repo.root, check=True, capture_output=True,
                   env=dict(os.environ))
    assert hjp("audit", "--since", base).exit_code == 0


def test_a_comment_on_the_reporter_line_is_found_by_the_audit(repo):
    """F23: the comment never reaches a record, so HJP520 (which compares records) saw nothing."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-01-06")
    repo.write(hazards, HAZARDS.replace("reporter: 已密封", "reporter: 已密封  # 举报人张三 电话13800001111"))
    repo.commit("补充")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 1
    assert findings(result) == [
        f"{hazards}:7:20: error HJP520: reporter（举报人）这一行的注释随这次提交进入了仓库，注释中可能写有举报人信息，"
        "git 会永远记住它；请删除这条注释，并按 docs/sealed.md 从 git 历史中清除（合并请求尚未合并时，直接改写这个分支的提交即可）"]
    assert "张三" not in result.stdout and "1380" not in result.stdout
    repo.at("2026-01-07")  # a later commit that leaves the comment as it was adds nothing
    repo.write("ledgers/villages/hejiapan/hazards.yaml",
               (repo.root / hazards).read_text(encoding="utf-8").replace("owner: 王某", "owner: 王五"))
    repo.commit("改责任人")
    assert findings(hjp("audit", "--since", "HEAD~1")) == []


def test_a_custodian_key_added_is_always_listed_and_an_error_unless_declared(sealed_world: World):
    """F19: anyone who can commit appended their own key to recipients.txt, labelled as the real
    custodian; validate and audit stayed silent and every later 举报人 was readable by them."""
    from hjp.sealed import generate_identity

    w = sealed_world
    w.git("add", "-A")
    w.git("commit", "-qm", "台账")
    base = w.git("rev-parse", "HEAD").decode().strip()
    r = w.hjp("seal", "init", "--name", "保管人乙", "--identity", str(w.key("b.txt")), "--commit")
    assert r.returncode == 0, r.stderr
    r = w.hjp("audit", "--since", base)
    public_b = w.key("b.txt").read_text(encoding="utf-8").split("public key: ")[1].split()[0]
    shown_b = f"{public_b[:12]}…{public_b[-6:]}"
    assert r.returncode == 0, r.stdout
    lines = (w.ledger / "sealed/recipients.txt").read_text(encoding="utf-8").splitlines()
    line = lines.index(public_b) + 1
    label = lines[line - 2].lstrip("# ")  # seal init's: the name and the day it ran (the clock's, not HJP_TODAY)
    assert label.startswith("保管人乙 ")
    assert findings(r) == [
        f"ledgers/sealed/recipients.txt:{line}:1: warning HJP512: recipients.txt 新增了保管人公钥 {shown_b}（注明为“{label}"
        f"”），提交说明声明：新增保管人 保管人乙；请与本人核对公钥无误"], r.stdout
    base = w.git("rev-parse", "HEAD").decode().strip()
    evil = generate_identity()[1]
    with open(w.ledger / "sealed/recipients.txt", "a", encoding="utf-8") as f:
        f.write(f"\n# 王某 应急办\n{evil}\n")
    w.git("commit", "-qam", "更新配置")
    r = w.hjp("audit", "--since", base)
    assert r.returncode == 1
    lines = [line for line in r.stdout.splitlines() if " HJP512: " in line]
    assert len(lines) == 1 and lines[0].startswith("ledgers/sealed/recipients.txt:") and " error HJP512: " in lines[0]
    assert f"{evil[:12]}…{evil[-6:]}（注明为“王某 应急办”）" in lines[0] and "新增保管人: 姓名" in lines[0]


def test_a_back_fill_excuses_only_the_records_it_copies_in(repo):
    """F15: the 台账补录 trailer turned the backdated rectification of a hazard the ledger already
    showed overdue into a notice; it excuses dates of records the commit created only."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-02-20")
    repo.write(hazards, HAZARDS + "    rectified_on: 2026-01-30\n")
    repo.commit("整改登记\n\n台账补录: 纸质台账")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 1
    assert [f.split(": ")[1] for f in findings(result) if " HJP" in f] == ["error HJP503"]
    assert "（已声明补录：" not in result.stdout


def test_a_merge_that_drops_one_sides_sealed_file_is_found(sealed_world: World):
    """F11: two copies of the ledger register a 举报 hazard each under the same new ID; the merge
    conflicts on the sealed file (add/add) and keeping one side loses the other's 举报人, while
    validate and audit said nothing of it."""
    import subprocess

    w = sealed_world
    (w.ledger / "villages/xigou").mkdir()
    (w.ledger / "villages/xigou/village.yaml").write_text("name: 西沟村\n", encoding="utf-8")
    w.git("add", "-A")
    w.git("commit", "-qm", "台账")
    base = w.git("rev-parse", "HEAD").decode().strip()
    w.git("checkout", "-qb", "c")
    args = [a if a != "hejiapan" else "xigou" for a in HAZARD_ARGS]
    assert w.hjp("new", "hazard", *args, "--reporter", "举报人甲", "--commit").returncode == 0
    side = w.git("rev-parse", "--short=7", "HEAD").decode().strip()
    w.git("checkout", "-q", "main")
    assert w.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", "举报人乙", "--commit").returncode == 0
    merge = subprocess.run(["git", "merge", "-q", "c", "-m", "merge"], cwd=w.repo, env=w.env, capture_output=True)
    assert merge.returncode == 1  # the add/add conflict on ledgers/sealed/YH-2026-0002.age
    w.git("checkout", "--ours", "ledgers/sealed/YH-2026-0002.age")
    w.git("add", "-A")
    w.git("commit", "-qm", "合并")
    r = w.hjp("audit", "--since", base)
    assert r.returncode == 1
    assert [f for f in findings(r) if "HJP511" in f] == [
        f"ledgers/sealed/YH-2026-0002.age:1:1: error HJP511: 合并时丢掉了另一边（{side}）新增或改动的密封文件 "
        "ledgers/sealed/YH-2026-0002.age：两边各自登记了编号为 YH-2026-0002 的举报隐患时常见（两台电脑、两个分支分配了同一个编号），"
        f"那一边的举报人信息已不在当前版本中；请用 git show {side}:ledgers/sealed/YH-2026-0002.age > 另存文件 取回它，"
        "把那条隐患改用新编号后由保管人重新密封（hjp reporter show 读出，hjp new hazard --reporter 登记）"]
    assert "举报人甲" not in r.stdout and "举报人乙" not in r.stdout


def test_the_audit_runs_on_pushes_too(tmp_path):
    """F14: the audit job ran on pull requests only; a clerk who pushes straight to main (the
    README's own workflow) was never audited. Its step, run as GitHub would on a push: the pushed
    range; after a force-push or for a new branch (no usable `before`): the whole history."""
    import os
    import subprocess
    from pathlib import Path

    import yaml

    workflow = yaml.safe_load((Path(__file__).resolve().parents[2] / ".github/workflows/ledger.yml").read_text("utf-8"))
    job = workflow["jobs"]["audit"]
    assert "push" in job["if"] and "pull_request" in job["if"]
    step = next(s for s in job["steps"] if "hjp audit" in str(s.get("run", "")))
    repo = tmp_path / "r"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a",
           "GIT_COMMITTER_EMAIL": "a@b"}
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "1"], ["commit", "-q", "--allow-empty", "-m", "2"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    before = subprocess.run(["git", "rev-parse", "HEAD~1"], cwd=repo, capture_output=True, text=True).stdout.strip()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "hjp").write_text('#!/bin/sh\necho "$@"\n', encoding="utf-8")
    (bindir / "hjp").chmod(0o755)

    def run(event: str, before_sha: str) -> str:
        return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True, check=True,
                              env={**env, "PATH": f"{bindir}:{env['PATH']}", "EVENT": event, "BASE_REF": "main",
                                   "BEFORE": before_sha}).stdout.strip()

    assert run("push", before) == f"audit --ledger ledgers --since {before} --format github"
    assert run("push", "0" * 40) == "audit --ledger ledgers --format github"
    assert run("push", "1234567" * 5 + "89abc") == "audit --ledger ledgers --format github"  # force-pushed away
    assert run("pull_request", "") == "audit --ledger ledgers --since origin/main --format github"


def test_renumbering_one_of_a_duplicated_id_is_no_id_change(repo):
    """F12: two copies of the ledger gave one new ID twice; validate (HJP201) says to give one a
    new ID, and the audit then said HJP502 "restore the original ID". A record renumbered while
    another record keeps the old ID ends a duplicate; renumbering a record whose ID then appears
    nowhere is still HJP502."""
    import os
    import subprocess

    repo.at("2026-01-20")
    repo.git("checkout", "-qb", "x")
    repo.write("ledgers/villages/dazhuang/hazards.yaml", "hazards:\n" + SECOND_HAZARD)
    repo.commit("大庄村")
    repo.git("checkout", "-q", "main")
    repo.write("ledgers/villages/hejiapan/hazards.yaml", HAZARDS + SECOND_HAZARD.replace("配电箱未上锁", "消防通道堵塞"))
    repo.commit("何家畔村")
    subprocess.run(["git", "merge", "-q", "--no-edit", "x"], cwd=repo.root, check=True, capture_output=True,
                   env=dict(os.environ))
    assert " HJP201" in hjp("validate").stdout
    repo.at("2026-01-21")
    dz = repo.root / "ledgers/villages/dazhuang/hazards.yaml"
    dz.write_text(dz.read_text(encoding="utf-8").replace("YH-2026-0002", "YH-2026-0003"), encoding="utf-8")
    repo.commit("改正重复编号")
    assert findings(hjp("audit", "--since", "HEAD~1")) == []
    assert hjp("validate").exit_code == 0
    repo.at("2026-01-22")  # a plain renumbering is still one
    dz.write_text(dz.read_text(encoding="utf-8").replace("YH-2026-0003", "YH-2026-0004"), encoding="utf-8")
    repo.commit("又改编号")
    assert [f.split(": ")[1] for f in findings(hjp("audit", "--since", "HEAD~1"))] == ["error HJP502"]


def test_a_completion_date_moved_after_it_was_set_is_found(repo):
    """F30: moving an existing rectified_on forward to "yesterday" took a hazard out of 待销号
    (rectified more than 30 days ago, never closed): HJP503 looks backwards only, and the change
    counted as a completion just registered. A completion date already set that changes is a
    finding: an error when it moves by more than 7 days, a warning (a typo put right) otherwise."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-01-21")
    assert hjp("rectify", "YH-2026-0001", "--on", "2026-01-20", "--commit", today=repo.day).exit_code == 0
    repo.at("2026-03-10")
    path = repo.root / hazards
    path.write_text(path.read_text(encoding="utf-8").replace("rectified_on: 2026-01-20", "rectified_on: 2026-03-09"),
                    encoding="utf-8")
    repo.commit("更正")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 1
    assert findings(result) == [
        f"{hazards}:2:1: error HJP513: YH-2026-0001 已登记的 rectified_on 由 2026-01-20 改为 2026-03-09（相差 48 天）；"
        "完成日期登记之后不应改动，改动会改变逾期、待销号等的计算；确属录入错误的，"
        "请在 notes 中写明更正的原因和依据，并在合并请求中说明"]
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.at("2026-01-23")  # a typo put right two days later
    path.write_text(path.read_text(encoding="utf-8").replace("rectified_on: 2026-01-20", "rectified_on: 2026-01-21"),
                    encoding="utf-8")
    repo.commit("更正日期")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 0
    assert findings(result) == [
        f"{hazards}:2:1: warning HJP513: YH-2026-0001 已登记的 rectified_on 由 2026-01-20 改为 2026-01-21（相差 1 天，"
        "在 7 天以内，作为提示）；请核实"]


DRILLS = """\
drills:
  - id: YL-2026-01
    title: 加油站疏散逃生演练
    kind: 疏散逃生
    unit: DW-hejiapan-01
    held_on: 2026-01-10
    participants: 35
"""


def test_a_held_drill_edited_long_after_is_found(repo):
    """F25: every held drill's participants ×10 passed the audit and the report's 参演人次 grew
    tenfold. A drill or training held more than 7 days before a commit that changes it (other than
    notes, evidence or voiding it) is HJP514, as a closed hazard is HJP505."""
    from test_log_audit import UNITS

    drills = "ledgers/villages/hejiapan/drills.yaml"
    repo.at("2026-01-12")
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS)
    repo.write(drills, DRILLS)
    repo.commit("演练")
    repo.at("2026-01-14")  # corrected within a week of the drill: no finding
    repo.write(drills, DRILLS.replace("participants: 35", "participants: 36"))
    repo.commit("更正人数")
    assert findings(hjp("audit", "--since", "HEAD~1")) == []
    repo.at("2026-02-20")
    repo.write(drills, DRILLS.replace("participants: 35", "participants: 360")
               + "    notes: 补充照片\n    evidence: [evidence/YL-2026-01/签到表.jpg]\n")
    repo.commit("更正参演人数")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 1
    assert findings(result) == [
        f"{drills}:2:1: error HJP514: YL-2026-01 已于 2026-01-10 实施，之后又被修改了 participants；已实施的演练、培训、检查"
        "只能补充备注 notes、佐证材料 evidence 或作废；确属录入错误的，请在 notes 中写明更正的原因和依据，并在合并请求中说明"]
    repo.at("2026-02-21")  # notes and evidence alone are fine
    repo.write(drills, DRILLS.replace("participants: 35", "participants: 360")
               + "    notes: 补充照片和签到表\n    evidence: [evidence/YL-2026-01/签到表.jpg, evidence/YL-2026-01/照片.jpg]\n")
    repo.commit("补充佐证材料")
    assert findings(hjp("audit", "--since", "HEAD~1")) == []


def test_a_rebased_entry_is_not_taken_for_backdating(repo):
    """F22: a rectification entered on the day it was done, rebased a week and a half later (what
    HJP507 and GitHub's "Update branch" do), failed CI as HJP503 倒签: only the committer date
    moves in a rebase. A date within 7 days of the commit's author date, in a commit whose author
    date is earlier than its committer date, is a warning that says so; the rest is unchanged."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.git("checkout", "-qb", "work")
    repo.at("2026-02-05")
    assert hjp("rectify", "YH-2026-0001", "--on", "2026-02-05", "--commit", today=repo.day).exit_code == 0
    repo.git("checkout", "-q", "main")
    repo.at("2026-02-10")
    repo.write("ledgers/villages/dazhuang/hazards.yaml", HAZARDS.replace("0001", "0003"))
    repo.commit("大庄村")
    repo.git("checkout", "-q", "work")
    repo.mp.setenv("GIT_COMMITTER_DATE", "2026-02-16T10:00:00+08:00")
    repo.mp.delenv("GIT_AUTHOR_DATE")
    repo.git("rebase", "-q", "main")
    result = hjp("audit", "--since", "main")
    assert result.exit_code == 0, result.stdout
    assert findings(result) == [
        f"{hazards}:2:1: warning HJP503: YH-2026-0001 的 rectified_on 记为 2026-02-05，比提交日期 2026-02-16 早 11 天；"
        "这次提交是变基（rebase）或摘取（cherry-pick）过来的，作者日期是 2026-02-05，按作者日期不算倒签；请核实"]


def test_new_hazard_says_whom_the_reporter_is_sealed_to(sealed_world: World):
    """F19: `hjp new --source 举报` sealed to whatever keys recipients.txt held, without a word: a
    key slipped in under a custodian's name went unseen. The clerk now reads the names and keys."""
    w = sealed_world
    public = w.key("a.txt").read_text(encoding="utf-8").split("public key: ")[1].split()[0]
    lines = (w.ledger / "sealed/recipients.txt").read_text(encoding="utf-8").splitlines()
    label = lines[lines.index(public) - 1].lstrip("# ")
    r = w.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", "举报人丙")
    assert r.returncode == 0, r.stderr
    assert label.startswith("保管人甲 ")
    assert r.stdout.splitlines()[-1] == (f"举报人已密封，能打开它的保管人：{label}（{public[:12]}…{public[-6:]}）；"
                                         "名单不对的，请立即告诉保管人")
    assert "举报人丙" not in r.stdout + r.stderr


def test_a_deadline_pushed_before_it_is_due_is_listed(repo):
    """F34: pushing a deadline a week, the day before each due date, never made anything overdue
    and the audit said nothing. Every extension is listed (warning); a 重大隐患's, part of its
    approved 五定 plan, is an error unless the commit declares the approval (延期批准: 文号)."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-01-12")
    repo.write(hazards, HAZARDS + MAJOR)
    repo.commit("登记")
    repo.at("2026-01-30")
    repo.write(hazards, (HAZARDS + MAJOR).replace("deadline: 2026-01-31", "deadline: 2026-02-07")
               .replace("deadline: 2026-03-31", "deadline: 2026-04-07"))
    repo.commit("调整期限")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 1
    assert findings(result) == [
        f"{hazards}:2:1: warning HJP515: YH-2026-0001 的期限 rectification.deadline 在到期之前由 2026-01-31 推迟到 2026-02-07"
        "（提交日期 2026-01-30）；一再推迟的期限永远不会逾期，请核实延期的依据",
        f"{hazards}:12:1: error HJP515: YH-2026-0002 的期限 rectification.deadline 在到期之前由 2026-03-31 推迟到 2026-04-07"
        "（提交日期 2026-01-30）；重大事故隐患的整改期限属于批准的“五定”方案，不能自行推迟：确经批准延期的，请在 notes 中写明"
        "批准文件，并在提交说明的最后一段写一行 延期批准: 文号；否则请恢复原期限"]
    repo.git("commit", "--amend", "-q", "-m", "调整期限\n\n延期批准: 县安委办〔2026〕3号")
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 0
    assert [f.split(": ")[1] for f in findings(result)] == ["warning HJP515", "warning HJP515"]
    assert "已声明延期批准：县安委办〔2026〕3号" in result.stdout
