"""`hjp log` and `hjp audit` on real temporary git repositories with pinned dates: exact outputs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hjp.cli import app
from hjp.yamlread import parse_text

HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 卸油区静电接地装置失效
    sector: 危险化学品
    level: 一般
    source: 举报
    reporter: 已密封
    found_on: 2026-01-09
    rectification:
      owner: 王某
      deadline: 2026-01-31
"""


class Repo:
    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.root = root
        self.mp = monkeypatch
        for k, v in {"GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn", "GIT_COMMITTER_NAME": "李某",
                     "GIT_COMMITTER_EMAIL": "li@example.cn"}.items():
            monkeypatch.setenv(k, v)
        self.git("init", "-q", "-b", "main")

    def at(self, day: str, who: str = "李某", time: str = "10:00:00+08:00") -> None:
        for k in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
            self.mp.setenv(k, f"{day}T{time}")
        for k in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
            self.mp.setenv(k, who)
        self.day = day  # "today" for the edit commands run meanwhile (hjp(..., today=repo.day))

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True, text=True,
                              env=dict(os.environ)).stdout

    def write(self, rel: str, text: str) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-qm", message)

    def sha(self, rev: str = "HEAD") -> str:
        return self.git("rev-parse", "--short=7", rev).strip()


def hjp(*args: str, today: str | None = None):
    return CliRunner().invoke(app, list(args), env={"HJP_TODAY": today} if today else None, catch_exceptions=False)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    from conftest import TOWN_YAML, sealed_files

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HJP_NO_CACHE", "1")
    monkeypatch.delenv("HJP_LEDGER", raising=False)
    for k in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL"):  # the audit compares dates with CI's clock
        monkeypatch.delenv(k, raising=False)
    r = Repo(tmp_path, monkeypatch)
    r.at("2026-01-05")
    r.write("ledgers/town.yaml", TOWN_YAML)
    r.write("ledgers/villages/hejiapan/village.yaml", "name: 何家畔村\n")
    r.write("ledgers/villages/dazhuang/village.yaml", "name: 大庄村\n")
    r.write("ledgers/villages/hejiapan/hazards.yaml", HAZARDS)
    for rel, text in sealed_files({"YH-2026-0001": "王二小"}).items():
        r.write(f"ledgers/{rel}", text)
    r.commit("建立台账")
    return r


def history(r: Repo) -> dict[str, str]:
    """A record's life: rectified late, closed, edited after closure, moved to another village."""
    shas = {"create": r.sha()}
    r.at("2026-02-15")
    assert hjp("rectify", "YH-2026-0001", "--on", "2026-01-20", "--commit", today=r.day).exit_code == 0
    shas["rectify"] = r.sha()
    r.at("2026-02-20", "赵某")
    assert hjp("close", "YH-2026-0001", "--on", "2026-02-19", "--by", "赵某", "--commit", today=r.day).exit_code == 0
    shas["close"] = r.sha()
    r.at("2026-02-25")
    path = r.root / "ledgers/villages/hejiapan/hazards.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("owner: 王某", "owner: 王五"), encoding="utf-8")
    r.commit("改责任人")
    shas["edit"] = r.sha()
    r.at("2026-03-01")
    r.write("ledgers/villages/dazhuang/hazards.yaml", path.read_text(encoding="utf-8"))
    path.unlink()
    r.commit("移到大庄村")
    shas["move"] = r.sha()
    return shas


def test_log_follows_the_record_from_creation_across_files(repo):
    s = history(repo)
    result = hjp("log", "YH-2026-0001")
    assert result.exit_code == 0
    assert result.stdout == f"""\
YH-2026-0001 的修改历史（5 次提交，从早到晚）：

2026-01-05 10:00  {s['create']}  李某 <li@example.cn>  建立台账
  新建于 ledgers/villages/hejiapan/hazards.yaml
  id: YH-2026-0001
  title: 卸油区静电接地装置失效
  sector: 危险化学品
  level: 一般
  source: 举报
  reporter: （保密）
  found_on: 2026-01-09
  rectification.owner: 王某
  rectification.deadline: 2026-01-31

2026-02-15 10:00  {s['rectify']}  李某 <li@example.cn>  整改完成 YH-2026-0001 卸油区静电接地装置失效
  rectified_on: （无） → 2026-01-20

2026-02-20 10:00  {s['close']}  赵某 <li@example.cn>  销号 YH-2026-0001 卸油区静电接地装置失效
  verified_by: （无） → 赵某
  closed_on: （无） → 2026-02-19

2026-02-25 10:00  {s['edit']}  李某 <li@example.cn>  改责任人
  rectification.owner: 王某 → 王五

2026-03-01 10:00  {s['move']}  李某 <li@example.cn>  移到大庄村
  移动：ledgers/villages/hejiapan/hazards.yaml → ledgers/villages/dazhuang/hazards.yaml
"""
    data = json.loads(hjp("log", "YH-2026-0001", "--json").stdout)
    assert [c["event"] for c in data["commits"]] == ["created", "changed", "changed", "changed", "moved"]
    assert data["commits"][0]["changes"][5] == {"field": "reporter", "old": None, "new": "（保密）"}
    assert data["commits"][2]["author"] == "赵某" and data["commits"][2]["date"] == "2026-02-20T10:00:00+08:00"
    assert data["commits"][4]["from"] == "ledgers/villages/hejiapan/hazards.yaml"


def test_log_of_an_unknown_record(repo):
    result = hjp("log", "YH-2030-0001")
    assert (result.exit_code, result.stdout) == (1, "YH-2030-0001 还没有任何已提交的修改记录。\n")
    as_json = hjp("log", "YH-2030-0001", "--json")
    assert (as_json.exit_code, json.loads(as_json.stdout)) == (1, {"id": "YH-2030-0001", "commits": []})


def test_audit_flags_backdating_and_edits_after_closure(repo):
    s = history(repo)
    result = hjp("audit")
    assert result.exit_code == 1
    assert result.stdout == (
        "ledgers/villages/hejiapan/hazards.yaml:2:1: error HJP503: YH-2026-0001 的 rectified_on 记为 2026-01-20，"
        "比设置它的提交日期 2026-02-15 早 26 天（超过 7 天），疑似事后补记或倒签日期；请核实"
        f"（提交 {s['rectify']}，李某 <li@example.cn>，2026-02-15）\n"
        "ledgers/villages/hejiapan/hazards.yaml:2:1: error HJP505: YH-2026-0001 已于 2026-02-19 销号，"
        "之后又被修改了 rectification.owner；销号后的记录只能作废或补充备注 notes"
        f"（提交 {s['edit']}，李某 <li@example.cn>，2026-02-25）\n"
        "审计发现 2 个问题（检查了 5 个修改台账的提交）。\n")
    since = hjp("audit", "--since", s["edit"], "--format", "json")
    assert (since.exit_code, json.loads(since.stdout)) == (0, {"commits": 1, "findings": [], "backfills": []})


def test_audit_flags_deletion_id_change_and_deadline_moved(repo):
    path = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-02-10")
    repo.write(path, HAZARDS.replace("deadline: 2026-01-31", "deadline: 2026-03-31"))
    repo.commit("延期")
    moved = repo.sha()
    repo.at("2026-02-11", "王五")
    repo.write(path, HAZARDS.replace("YH-2026-0001", "YH-2026-0009"))
    repo.commit("改编号")
    renamed = repo.sha()
    repo.at("2026-02-12")
    repo.write(path, "hazards: []\n")
    repo.commit("删除")
    deleted = repo.sha()
    result = hjp("audit", "--since", "HEAD~3", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file={path},line=2,col=1,title=HJP504::YH-2026-0001 的期限 rectification.deadline 在 2026-01-31 "
        f"已过之后被推迟到 2026-03-31（提交日期 2026-02-10）；期限过后不应改动，逾期应如实反映（提交 {moved}，李某 <li@example.cn>，2026-02-10）",
        f"::error file={path},line=2,col=1,title=HJP502::编号 YH-2026-0001 被改成了 YH-2026-0009；编号一经使用不能更改，"
        f"请恢复原编号（录入错误的记录请作废后另行新建）（提交 {renamed}，王五 <li@example.cn>，2026-02-11）",
        f"::error file={path},line=2,col=1,title=HJP501::YH-2026-0009（卸油区静电接地装置失效）被删除，而不是作废；记录不能删除，请恢复它，"
        f"录入错误时加上 void: {{date: 日期, reason: 原因}}（提交 {deleted}，李某 <li@example.cn>，2026-02-12）",
    ]


def test_voiding_is_not_a_finding_and_bad_since_is_a_usage_error(repo):
    repo.at("2026-01-20")  # before its deadline: nothing overdue is hidden (that is HJP504)
    assert hjp("void", "YH-2026-0001", "--reason", "重复录入", "--commit", today=repo.day).exit_code == 0
    result = hjp("audit", "--since", "HEAD~1")
    assert (result.exit_code, result.stdout) == (0, "审计通过：检查了 1 个修改台账的提交，没有发现问题。\n")
    bad = hjp("audit", "--since", "no-such-branch")
    assert bad.exit_code == 2
    assert bad.stderr == "hjp: 错误：找不到版本 no-such-branch；请给出分支名、标签或提交号（CI 中请先 fetch 基准分支）\n"


def test_shallow_clone_boundary_is_not_audited_nor_called_a_creation(repo, tmp_path, monkeypatch):
    """A depth-1 clone shows its first commit without parents, as if it added every record: auditing
    that as new data flagged every completion date of the ledger as backdated; then it was skipped,
    and `hjp audit` said 审计通过：检查了 0 个提交 with exit 0 (issue 8 item 12). Too little history is
    an error; a range the clone holds whole is audited."""
    history(repo)
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    monkeypatch.chdir(clone)
    result = hjp("audit")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"hjp: 错误：历史不完整：这是浅克隆（shallow clone），提交 {repo.sha()} 之前的历史不在本地，无法审计"
        "（它会被当成新建了所有记录，删除和改动都看不到）；CI 中请在 actions/checkout 设 fetch-depth: 0，"
        "本地请先运行 git fetch --unshallow\n")
    log = hjp("log", "YH-2026-0001")
    assert log.exit_code == 0
    assert log.stdout.splitlines()[2:5] == [
        f"2026-03-01 10:00  {repo.sha()}  李某 <li@example.cn>  移到大庄村",
        "  位于 ledgers/villages/dazhuang/hazards.yaml（浅克隆：本地历史从这次提交开始，更早的修改看不到；"
        "git fetch --unshallow 可取回全部历史）",
        "  id: YH-2026-0001",
    ]
    data = json.loads(hjp("log", "YH-2026-0001", "--json").stdout)
    assert [c["event"] for c in data["commits"]] == ["first-seen"]
    deeper = tmp_path / "deeper"
    repo.git("clone", "-q", "--depth", "3", f"file://{repo.root}", str(deeper))
    monkeypatch.chdir(deeper)
    in_range = hjp("audit", "--since", "HEAD~1")
    assert (in_range.exit_code, in_range.stdout) == (0, "审计通过：检查了 1 个修改台账的提交，没有发现问题。\n")
    whole = hjp("audit", "--since", "HEAD~2")  # HEAD~2 is the clone's first commit: its children are audited
    assert (whole.exit_code, [line.split(": ")[1] for line in whole.stdout.splitlines()[:-1]]) == (1, ["error HJP505"])
    assert hjp("audit").exit_code == 2


def test_workflow_fetches_whole_history_for_every_job_that_audits():
    """actions/checkout fetches one commit by default: hjp audit then has no history to read."""
    import yaml

    workflow = yaml.safe_load((Path(__file__).resolve().parents[2] / ".github/workflows/ledger.yml").read_text("utf-8"))
    auditing = 0
    for name, job in workflow["jobs"].items():
        steps = job["steps"]
        if not any("hjp audit" in str(step.get("run", "")) for step in steps):
            continue
        auditing += 1
        checkout = [step for step in steps if str(step.get("uses", "")).startswith("actions/checkout")]
        assert checkout and all(step.get("with", {}).get("fetch-depth") == 0 for step in checkout), name
    assert auditing >= 1


def test_log_in_a_repository_without_commits(tmp_path, monkeypatch):
    """git's own 'does not have any commits yet' (English) used to be the answer, with exit 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HJP_LEDGER", raising=False)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "ledgers").mkdir()
    result = hjp("log", "YH-2026-0001")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "YH-2026-0001 还没有任何已提交的修改记录。\n", "")


def test_log_refuses_a_malformed_id_before_it_reaches_git(repo):
    """The ID is passed to git grep: '-O<cmd>' would be read as git's open-in-pager option."""
    bad = hjp("log", "--", "-Otouch pwned")
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert bad.stderr == ("hjp: 错误：编号 -Otouch pwned 格式不对：应为类别前缀 DW（单位）、YH（隐患）、YL（演练）、"
                          "RW（任务）、JC（检查）、PX（培训）加 - 和字母数字，例如 YH-2024-0001\n")
    lower = hjp("log", "yh-2026-0001")
    assert lower.exit_code == 2 and lower.stderr.endswith("例如 YH-2024-0001；是不是要写 YH-2026-0001？\n")
    assert not (repo.root / "pwned").exists()


def test_log_indents_multi_line_values(repo):
    repo.at("2026-01-06")
    path = repo.root / "ledgers/villages/hejiapan/hazards.yaml"
    path.write_text(HAZARDS + "    notes: \"第一行\\n第二行\"\n", encoding="utf-8")
    repo.commit("备注")
    result = hjp("log", "YH-2026-0001")
    assert result.stdout.endswith("  notes: （无） → 第一行\n    第二行\n")


def test_id_pattern_matches_the_model():
    from hjp import history, model

    assert model.ID_RE == f"^{history.ID_PATTERN.pattern}$"


SECOND = """\
  - id: YH-2026-0002
    title: 配电箱未上锁
    sector: 工贸
    level: 一般
    source: 自查
    found_on: 2026-01-10
    rectification:
      owner: 张某
      deadline: 2026-02-28
"""


def test_renaming_the_ledger_directory_hides_no_deletion_and_cuts_no_log(repo):
    """`git mv ledgers 台账数据` with a record deleted in the same commit: the audit looked only under
    the new name (every record created there, the deletion unseen) and `hjp log` began at the rename."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-01-06")
    repo.write(hazards, HAZARDS + SECOND)
    repo.commit("新增配电箱隐患")
    repo.at("2026-01-07")
    repo.git("mv", "ledgers", "ledger-data")
    repo.write("ledger-data/villages/hejiapan/hazards.yaml", HAZARDS)
    repo.commit("台账目录改名")
    renamed = repo.sha()
    result = hjp("audit", "--ledger", "ledger-data")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{hazards}:12:1: error HJP501: YH-2026-0002（配电箱未上锁）被删除，而不是作废；记录不能删除，请恢复它，"
        f"录入错误时加上 void: {{date: 日期, reason: 原因}}（提交 {renamed}，李某 <li@example.cn>，2026-01-07）\n"
        "审计发现 1 个问题（检查了 3 个修改台账的提交）。\n")
    log = hjp("log", "YH-2026-0001", "--ledger", "ledger-data")
    assert [line for line in log.stdout.splitlines() if line.startswith(("2026", "  新建", "  移动"))] == [
        f"2026-01-05 10:00  {repo.sha('HEAD~2')}  李某 <li@example.cn>  建立台账",
        f"  新建于 {hazards}",
        f"2026-01-07 10:00  {renamed}  李某 <li@example.cn>  台账目录改名",
        f"  移动：{hazards} → ledger-data/villages/hejiapan/hazards.yaml",
    ]
    gone = hjp("log", "YH-2026-0002", "--ledger", "ledger-data", "--json")
    assert [(c["event"], c["path"]) for c in json.loads(gone.stdout)["commits"]] == [
        ("created", hazards), ("deleted", hazards)]


def test_a_committed_merge_conflict_is_named_and_hides_nothing(repo):
    """A merge committed with its conflict markers: the audit reported every record of the file
    deleted, and `hjp log` showed a version cut off at the marker as valid."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.git("checkout", "-qb", "other")
    repo.at("2026-01-06", "王五")
    repo.write(hazards, HAZARDS + "    location: 卸油区西侧\n")
    repo.commit("西侧")
    repo.git("checkout", "-q", "main")
    repo.at("2026-01-07")
    repo.write(hazards, HAZARDS + "    location: 卸油区东侧\n")
    repo.commit("东侧")
    repo.at("2026-01-08")
    merge = subprocess.run(["git", "merge", "-q", "other"], cwd=repo.root, capture_output=True, env=dict(os.environ))
    assert merge.returncode == 1  # a conflict
    repo.commit("合并")
    merged = repo.sha()
    repo.at("2026-01-09")
    repo.write(hazards, HAZARDS + "    location: 卸油区西侧\n")
    repo.commit("解决冲突")
    fixed = repo.sha()
    result = hjp("audit")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{hazards}:12:1: warning HJP508: {hazards} 提交时含有未解决的合并冲突标记（第 12 行）；这一版无法读取，"
        "其中的记录不作比较，之后解决冲突的提交与冲突之前的版本比较；请确认冲突已解决（hjp validate 通过）"
        f"（提交 {merged}，李某 <li@example.cn>，2026-01-08）\n"
        "审计通过：检查了 5 个修改台账的提交，没有发现问题；另有 1 个提示（见上）。\n")
    log = hjp("log", "YH-2026-0001")
    assert log.stdout.split("\n\n")[4:] == [
        f"2026-01-08 10:00  {merged}  李某 <li@example.cn>  合并\n"
        f"  {hazards} 的这一版第 12 行含有未解决的合并冲突标记，无法读取；下一次修改与这之前的内容比较",
        f"2026-01-09 10:00  {fixed}  李某 <li@example.cn>  解决冲突\n  location: 卸油区东侧 → 卸油区西侧\n"]
    data = json.loads(hjp("log", "YH-2026-0001", "--json").stdout)
    assert [(c["event"], c.get("line")) for c in data["commits"]] == [
        ("created", None), ("changed", None), ("changed", None), ("conflict", 12), ("changed", None)]


def test_records_lost_while_resolving_a_conflict_are_found(repo):
    """Conflict markers committed in an ordinary commit (a cherry-pick or stash gone wrong), then
    "resolved" by dropping a record: compared with the version before the markers, not with them."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-01-06")
    repo.write(hazards, HAZARDS + SECOND)
    repo.commit("新增配电箱隐患")
    repo.at("2026-01-07")
    repo.write(hazards, HAZARDS + "<<<<<<< HEAD\n" + SECOND + "=======\n>>>>>>> stash\n")
    repo.commit("恢复暂存的修改")
    broken = repo.sha()
    repo.at("2026-01-08")
    repo.write(hazards, HAZARDS)
    repo.commit("去掉冲突标记")
    dropped = repo.sha()
    result = hjp("audit", "--since", "HEAD~2")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{hazards}:12:1: warning HJP508: {hazards} 提交时含有未解决的合并冲突标记（第 12 行）；这一版无法读取，"
        "其中的记录不作比较，之后解决冲突的提交与冲突之前的版本比较；请确认冲突已解决（hjp validate 通过）"
        f"（提交 {broken}，李某 <li@example.cn>，2026-01-07）",
        f"{hazards}:12:1: error HJP501: YH-2026-0002（配电箱未上锁）被删除，而不是作废；记录不能删除，请恢复它，"
        f"录入错误时加上 void: {{date: 日期, reason: 原因}}（提交 {dropped}，李某 <li@example.cn>，2026-01-08）",
        "审计发现 1 个问题（检查了 2 个修改台账的提交），另有 1 个提示。",
    ]
    assert [c["event"] for c in json.loads(hjp("log", "YH-2026-0002", "--json").stdout)["commits"]] == [
        "created", "conflict", "deleted"]
    assert [c["event"] for c in json.loads(hjp("log", "YH-2026-0001", "--json").stdout)["commits"]] == ["created"]


def test_commit_dates_are_told_in_the_ledgers_zone(repo):
    """A commit made at 02:00 Beijing time by a machine on UTC: the message said 提交日期 2026-02-15
    (Beijing) and then （提交 …，2026-02-14） (the author's UTC offset); `hjp log` printed 18:00."""
    repo.at("2026-02-14", time="18:00:00+00:00")
    path = repo.root / "ledgers/villages/hejiapan/hazards.yaml"
    path.write_text(HAZARDS + "    rectified_on: 2026-01-20\n", encoding="utf-8")
    repo.commit("整改完成")
    sha = repo.sha()
    result = hjp("audit", "--since", "HEAD~1")
    assert result.stdout.splitlines()[0] == (
        "ledgers/villages/hejiapan/hazards.yaml:2:1: error HJP503: YH-2026-0001 的 rectified_on 记为 2026-01-20，"
        "比设置它的提交日期 2026-02-15 早 26 天（超过 7 天），疑似事后补记或倒签日期；请核实"
        f"（提交 {sha}，李某 <li@example.cn>，2026-02-15）")
    assert hjp("log", "YH-2026-0001").stdout.splitlines()[-2] == f"2026-02-15 02:00  {sha}  李某 <li@example.cn>  整改完成"
    town = repo.root / "ledgers/town.yaml"
    town.write_text(town.read_text(encoding="utf-8") + "timezone: UTC\n", encoding="utf-8")
    assert hjp("log", "YH-2026-0001").stdout.splitlines()[-2] == f"2026-02-14 18:00  {sha}  李某 <li@example.cn>  整改完成"
    assert "比设置它的提交日期 2026-02-14 早 25 天" in hjp("audit", "--since", "HEAD~1").stdout


def test_a_file_committed_unreadable_is_named_not_taken_as_emptied(repo):
    """A YAML error committed and fixed the next day: every record of the file was reported deleted
    (HJP501), then the fix was audited as creating them all again (their dates as backdated)."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-02-10")
    bad = HAZARDS.replace("    level: 一般\n", "   level: 一般\n") + "    rectified_on: 2026-02-09\n"
    repo.write(hazards, bad)
    repo.commit("整改完成")
    broken = repo.sha()
    problem = parse_text(bad, hazards).diagnostics[0]
    repo.at("2026-02-12")
    repo.write(hazards, HAZARDS + "    rectified_on: 2026-02-09\n")
    repo.commit("改正缩进")
    result = hjp("audit", "--since", "HEAD~2")
    assert (result.exit_code, result.stdout.splitlines()) == (0, [
        f"{hazards}:{problem.line}:1: warning HJP509: {hazards} 提交时无法读取（{problem.message}）；"
        "这一版的记录不作比较，之后改好的提交与出错之前的版本比较；请确认文件已改好（hjp validate 通过）"
        f"（提交 {broken}，李某 <li@example.cn>，2026-02-10）",
        "审计通过：检查了 2 个修改台账的提交，没有发现问题；另有 1 个提示（见上）。"])


def test_a_backdated_commit_date_defeats_no_check(repo):
    """GIT_COMMITTER_DATE set 40 days before the parent commit: the completion date looked 2 days
    old and the deadline not yet passed, so neither HJP503 nor HJP504 fired (issue 8 item 9)."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-03-01")
    repo.write(hazards, HAZARDS + "    location: 卸油区\n")
    repo.commit("补充部位")
    parent = repo.sha()
    repo.at("2026-01-20")
    repo.write(hazards, HAZARDS.replace("deadline: 2026-01-31", "deadline: 2026-04-30")
               + "    location: 卸油区\n    rectified_on: 2026-01-18\n")
    repo.commit("整改完成")
    sha = repo.sha()
    result = hjp("audit", "--since", "HEAD~2")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{hazards}:1:1: error HJP506: 这次提交记录的提交日期 2026-01-20 比它之前的提交 {parent}（2026-03-01）还早 40 天，"
        "日期顺序颠倒：提交日期被改动过（例如设置了 GIT_COMMITTER_DATE）或电脑时钟不准；倒签和延期按 2026-03-01 检查；"
        f"请核对电脑的日期和时钟，并在合并请求中说明（提交 {sha}，李某 <li@example.cn>，2026-01-20）",
        f"{hazards}:2:1: error HJP503: YH-2026-0001 的 rectified_on 记为 2026-01-18，比设置它的提交日期 2026-03-01 早 42 天"
        f"（超过 7 天），疑似事后补记或倒签日期；请核实（提交 {sha}，李某 <li@example.cn>，2026-01-20）",
        f"{hazards}:2:1: error HJP504: YH-2026-0001 的期限 rectification.deadline 在 2026-01-31 已过之后被推迟到 2026-04-30"
        f"（提交日期 2026-03-01）；期限过后不应改动，逾期应如实反映（提交 {sha}，李某 <li@example.cn>，2026-01-20）",
        "审计发现 3 个问题（检查了 2 个修改台账的提交）。",
    ]


def test_in_ci_commit_dates_far_from_the_runs_clock_are_findings(repo, monkeypatch):
    """In CI the commits of a merge request were just pushed: one dated months ago or in the future
    had its date set by hand or by a wrong clock. A future-dated commit does not make the honest
    commits after it look backdated."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.git("checkout", "-qb", "request")
    repo.at("2026-02-01")
    repo.write(hazards, HAZARDS + "    location: 卸油区\n")
    repo.commit("补充部位")
    old = repo.sha()
    repo.at("2027-06-01")
    repo.write(hazards, HAZARDS + "    location: 卸油区东侧\n")
    repo.commit("改部位")
    future = repo.sha()
    repo.at("2026-11-29")
    repo.write(hazards, HAZARDS + "    location: 卸油区东侧\n    rectified_on: 2026-11-28\n")
    repo.commit("整改完成")
    assert hjp("audit", "--since", "main").exit_code == 0  # on a clerk's computer: no clock to compare with
    monkeypatch.setenv("CI", "true")
    result = hjp("audit", "--since", "main")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{hazards}:1:1: error HJP507: 提交日期 2026-02-01 比本次检查的日期 2026-11-30 早 302 天（超过 30 天）："
        "合并请求中的提交应是新近做的，提交日期可能被改动过（例如设置了 GIT_COMMITTER_DATE）；"
        f"如确是早先做的修改，请变基到最新的基础分支（git rebase）后重新推送（提交 {old}，李某 <li@example.cn>，2026-02-01）",
        f"{hazards}:1:1: error HJP507: 提交日期 2027-06-01 比本次检查的日期 2026-11-30 晚 183 天：提交时电脑的日期不对，"
        "或提交日期被改动过；请核对电脑的日期和时钟，再用 git rebase --ignore-date 重新提交这些修改"
        f"（提交 {future}，李某 <li@example.cn>，2027-06-01）",
        "审计发现 2 个问题（检查了 3 个修改台账的提交）。",
    ]
    assert hjp("audit").exit_code == 0  # the whole history is not compared with today's clock


TASKS = """\
tasks:
  - id: RW-1
    title: 每季度开展一次安全检查
    lead: [张志瑞]
    every: quarter
    start: 2026-01-01
    end: 2026-12-31
  - id: RW-2
    title: 长期坚持隐患排查
    lead: [马建昭]
    ongoing: true
    start: 2025-06-01
"""
UNITS = """\
units:
  - id: DW-hejiapan-01
    name: 何家畔加油站
    sector: 危险化学品
    principal: 刘某
"""


def findings(result) -> list[str]:
    """`path:line:col: level CODE: message（提交 …）` lines as (location, code, message without the commit)."""
    return [line.split("（提交 ")[0] for line in result.stdout.splitlines()[:-1]]


def test_overdue_work_hidden_by_any_field_is_found(repo):
    """Issue 8 item 10: only a deadline moved later was caught. A recurring task's start moved
    later, drill_required: false on a unit, voiding an overdue hazard all made overdue items
    disappear unremarked."""
    repo.at("2026-01-05")
    repo.write("ledgers/tasks.yaml", TASKS)
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS)
    repo.commit("任务和单位")
    repo.at("2026-04-10")
    repo.write("ledgers/tasks.yaml", TASKS.replace("start: 2026-01-01", "start: 2026-04-01"))
    repo.commit("改开始日期")
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        "ledgers/tasks.yaml:2:1: error HJP504: 周期任务 RW-1@2026Q1「每季度开展一次安全检查（2026年第1季度）」在提交日期 "
        "2026-04-10 已逾期 10 天（应于 2026-03-31 完成），这次提交改动了 start，之后它不再算作逾期，但它并没有完成；"
        "期限过后不应改动要求或范围，逾期应如实反映（确属录入错误的，请在合并请求中说明）"]
    repo.at("2026-04-11")
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS + "    drill_required: false\n")
    repo.commit("免演练")
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        f"ledgers/villages/hejiapan/units.yaml:2:1: error HJP504: 演练覆盖 DW-hejiapan-01@{year}「何家畔加油站{year}年度疏散逃生演练」"
        f"在提交日期 2026-04-11 已逾期 {days} 天（应于 {year}-12-31 完成），这次提交改动了 drill_required，之后它不再算作逾期，"
        "但它并没有完成；期限过后不应改动要求或范围，逾期应如实反映（确属录入错误的，请在合并请求中说明）"
        for year, days in ((2024, 466), (2025, 101))]
    repo.at("2026-04-12")
    assert hjp("void", "YH-2026-0001", "--reason", "重复录入", "--commit", today=repo.day).exit_code == 0
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        "ledgers/villages/hejiapan/hazards.yaml:2:1: error HJP504: 隐患 YH-2026-0001「卸油区静电接地装置失效」在提交日期 "
        "2026-04-12 已逾期 71 天（应于 2026-01-31 完成），这次提交作废了这条记录，之后它不再算作逾期，但它并没有完成；"
        "期限过后不应改动要求或范围，逾期应如实反映（确属录入错误的，请在合并请求中说明）"]


def test_backdated_occurrences_and_progress_are_found(repo):
    """Issue 8 item 10: a quarterly inspection entered three weeks late, dated in the quarter it
    missed, and a progress entry backdated to keep an ongoing task from going stale."""
    repo.at("2026-01-05")
    repo.write("ledgers/tasks.yaml", TASKS)
    repo.commit("任务")
    repo.at("2026-04-20")
    repo.write("ledgers/tasks.yaml", TASKS.replace("    end: 2026-12-31\n", "    end: 2026-12-31\n"
                                                   "    occurrences:\n      - {date: 2026-03-28, note: 检查了加油站}\n")
               + "    progress:\n      - {date: 2026-01-10, note: 排查 3 处}\n")
    repo.commit("补记")
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        "ledgers/tasks.yaml:2:1: error HJP503: RW-1 的 occurrences[1].date 记为 2026-03-28，比设置它的提交日期 2026-04-20 早 "
        "23 天（超过 7 天），疑似事后补记或倒签日期；请核实",
        "ledgers/tasks.yaml:10:1: error HJP503: RW-2 的 progress[1].date 记为 2026-01-10，比设置它的提交日期 2026-04-20 早 "
        "100 天（超过 7 天），疑似事后补记或倒签日期；请核实"]
    repo.at("2026-04-21")  # entries inserted before the others, or reordered, are not new
    repo.write("ledgers/tasks.yaml", TASKS.replace("    end: 2026-12-31\n", "    end: 2026-12-31\n"
                                                   "    occurrences:\n      - {date: 2026-04-21, note: 二季度检查}\n"
                                                   "      - {date: 2026-03-28, note: 检查了加油站}\n")
               + "    progress:\n      - {date: 2026-01-10, note: 排查 3 处}\n")
    repo.commit("二季度检查")
    assert findings(hjp("audit", "--since", "HEAD~1")) == []


def test_moving_the_plans_start_later_hides_coverage(repo):
    """town.yaml is audited too: the plan's period decides which years a unit owes a drill (and,
    with coverage_from, which quarters an inspection)."""
    repo.at("2026-01-05")
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS)
    repo.commit("单位")
    repo.at("2026-02-01")
    town = repo.root / "ledgers/town.yaml"
    town.write_text(town.read_text(encoding="utf-8").replace("start: 2024-03-31", "start: 2025-01-01"), encoding="utf-8")
    repo.commit("方案开始日期")
    hidden = "这次提交改动了 town.yaml 的 plan.start，之后它不再算作逾期，但它并没有完成；期限过后不应改动要求或范围，" \
             "逾期应如实反映（确属录入错误的，请在合并请求中说明）"
    at = "ledgers/villages/hejiapan/units.yaml:2:1: error HJP504: "
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        *(f"{at}带队检查 DW-hejiapan-01@2024Q{q}「何家畔加油站2024年第{q}季度主要负责人带队检查」在提交日期 2026-02-01 "
          f"已逾期 {days} 天（应于 {due} 完成），{hidden}"
          for q, days, due in ((2, 581, "2024-06-30"), (3, 489, "2024-09-30"), (4, 397, "2024-12-31"))),
        f"{at}演练覆盖 DW-hejiapan-01@2024「何家畔加油站2024年度疏散逃生演练」在提交日期 2026-02-01 已逾期 397 天"
        f"（应于 2024-12-31 完成），{hidden}"]


def test_a_late_completion_by_another_field_is_found(repo):
    """A table-top drill held last June relabelled 疏散逃生 in February settles the unit's 2025
    drill: no completion date was set (no HJP503), yet the overdue item is gone."""
    repo.at("2026-01-05")
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS)
    drills = ("drills:\n  - id: YL-2025-01\n    title: 加油站演练\n    kind: 桌面\n    unit: DW-hejiapan-01\n"
              "    held_on: 2025-06-01\n")
    repo.write("ledgers/villages/hejiapan/drills.yaml", drills)
    repo.commit("单位和演练")
    repo.at("2026-02-01")
    repo.write("ledgers/villages/hejiapan/drills.yaml", drills.replace("kind: 桌面", "kind: 疏散逃生"))
    repo.commit("改演练类型")
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        "ledgers/villages/hejiapan/drills.yaml:2:1: error HJP514: YL-2025-01 已于 2025-06-01 实施，之后又被修改了 kind；"
        "已实施的演练、培训、检查只能补充备注 notes、佐证材料 evidence 或作废；确属录入错误的，请在 notes 中写明更正的原因和依据，"
        "并在合并请求中说明",
        "ledgers/villages/hejiapan/units.yaml:2:1: error HJP503: 演练覆盖 DW-hejiapan-01@2025「何家畔加油站2025年度疏散逃生演练」"
        "在提交日期 2026-02-01 已逾期 32 天（应于 2025-12-31 完成），这次提交改动了 YL-2025-01 的 kind，之后它算作已完成，"
        "但完成日期早于提交日期 7 天以上，疑似事后补记或倒签；请核实"]


PAPER = """\
  - id: YH-2025-0031
    title: 液化气钢瓶与灶具间距不足
    sector: 餐饮燃气
    level: 一般
    source: 检查
    found_on: 2025-05-06
    rectification:
      owner: 陈某
      deadline: 2025-05-20
    rectified_on: 2025-05-18
    verified_by: 赵某
    closed_on: 2025-05-25
"""


def test_a_declared_paper_back_fill_lists_notices_instead_of_failing(repo):
    """Issue 8 item 11: copying the 2025 paper ledger in failed CI with one HJP503 per date and no
    way to say so; a `台账补录:` trailer turns those into listed notices, and nothing else."""
    hazards = "ledgers/villages/hejiapan/hazards.yaml"
    repo.at("2026-02-10")
    repo.write(hazards, HAZARDS + PAPER)
    repo.commit("录入2025年纸质台账的隐患")
    plain = hjp("audit", "--since", "HEAD~1")
    assert (plain.exit_code, [line.split(": ")[1] for line in plain.stdout.splitlines()[:-1]]) == (
        1, ["error HJP503", "error HJP503"])
    repo.git("commit", "--amend", "-q", "-m", "录入2025年纸质台账的隐患\n\n台账补录：2025年纸质台账（何家畔村）")
    sha = repo.sha()
    result = hjp("audit", "--since", "HEAD~1")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{hazards}:12:1: warning HJP503: YH-2025-0031 的 closed_on 记为 2025-05-25，比设置它的提交日期 2026-02-10 早 261 天"
        "（超过 7 天），疑似事后补记或倒签日期；请核实（已声明补录：2025年纸质台账（何家畔村））"
        f"（提交 {sha}，李某 <li@example.cn>，2026-02-10）",
        f"{hazards}:12:1: warning HJP503: YH-2025-0031 的 rectified_on 记为 2025-05-18，比设置它的提交日期 2026-02-10 早 268 天"
        "（超过 7 天），疑似事后补记或倒签日期；请核实（已声明补录：2025年纸质台账（何家畔村））"
        f"（提交 {sha}，李某 <li@example.cn>，2026-02-10）",
        f"补录：提交 {sha}（李某 <li@example.cn>，2026-02-10）声明“台账补录：2025年纸质台账（何家畔村）”，"
        "其中 2 项倒签日期作为提示列出，不算问题。",
        "审计通过：检查了 1 个修改台账的提交，没有发现问题；另有 2 个提示（见上）。",
    ]
    data = json.loads(hjp("audit", "--since", "HEAD~1", "--format", "json").stdout)
    assert [f["severity"] for f in data["findings"]] == ["warning", "warning"]
    assert data["backfills"] == [{"commit": repo.git("rev-parse", "HEAD").strip(), "author": "李某", "email": "li@example.cn",
                                  "date": "2026-02-10T10:00:00+08:00", "subject": "录入2025年纸质台账的隐患",
                                  "declared": "2025年纸质台账（何家畔村）", "notices": 2}]
    github = hjp("audit", "--since", "HEAD~1", "--format", "github").stdout.splitlines()
    assert github[-1] == (f"::notice title=台账补录::补录：提交 {sha}（李某 <li@example.cn>，2026-02-10）"
                          "声明“台账补录：2025年纸质台账（何家畔村）”，其中 2 项倒签日期作为提示列出，不算问题")
    # A back-fill excuses dates only: a record deleted in the same commit still fails.
    repo.at("2026-02-11")
    repo.write(hazards, PAPER.join(["hazards:\n", ""]))
    repo.commit("补录\n\n台账补录: 2025年纸质台账")
    again = hjp("audit", "--since", "HEAD~1")
    assert again.exit_code == 1 and " error HJP501: YH-2026-0001" in again.stdout


def test_the_commit_that_creates_the_ledger_is_a_back_fill(tmp_path, monkeypatch):
    """A ledger begun by importing the paper ledger gave dozens of HJP503 on a plain `hjp audit`."""
    from conftest import TOWN_YAML

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HJP_NO_CACHE", "1")
    for k in ("HJP_LEDGER", "CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL"):
        monkeypatch.delenv(k, raising=False)
    r = Repo(tmp_path, monkeypatch)
    r.at("2026-01-05")
    r.write("ledgers/town.yaml", TOWN_YAML)
    r.write("ledgers/villages/hejiapan/village.yaml", "name: 何家畔村\n")
    r.write("ledgers/villages/hejiapan/hazards.yaml", "hazards:\n" + PAPER)
    r.commit("建立台账")
    result = hjp("audit")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:] == [
        f"补录：提交 {r.sha()}（李某 <li@example.cn>，2026-01-05）建立台账，视为补录，其中 2 项倒签日期作为提示列出，不算问题。",
        "审计通过：检查了 1 个修改台账的提交，没有发现问题；另有 2 个提示（见上）。"]
    assert result.stdout.splitlines()[0].endswith("（建立台账时录入，视为补录）（提交 " + r.sha() + "，李某 <li@example.cn>，2026-01-05）")


def test_log_never_shows_a_reporter_once_committed_in_clear(repo):
    """Issue 11: only `hjp reporter show` shows a 举报人; `hjp log` had --include-confidential,
    which printed whatever a commit once held in clear."""
    path = repo.root / "ledgers/villages/hejiapan/hazards.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reporter: 已密封", "reporter: 王二小"), encoding="utf-8")
    repo.commit("手工写入举报人")
    for args in ([], ["--json"]):
        result = hjp("log", "YH-2026-0001", *args)
        assert result.exit_code == 0 and "王二小" not in result.stdout and "（保密）" in result.stdout
    assert hjp("log", "YH-2026-0001", "--include-confidential").exit_code == 2
