"""Transactions (hjp.transaction): many records across files at once, IDs inside the lock,
incremental validation equal to a full load, refuse-or-keep, atomic writes, no temp file git sees."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from hjp import edit, transaction
from hjp.edit import Change
from hjp.load import load_ledger
from hjp.transaction import Transaction
from hjp.yamltext import EditError

AS_OF = date(2026, 11, 28)
HAZARDS = """\
hazards:
  - id: YH-2026-0001
    title: 卸油区静电接地装置失效
    sector: 危险化学品
    level: 一般
    source: 自查
    found_on: 2026-11-01
    rectification: {owner: 王某, deadline: 2026-11-30}
"""
NEW = {"title": "楼梯间堆放杂物", "sector": "消防", "level": "一般", "source": "自查", "owner": "李某",
       "deadline": date(2026, 12, 31), "found-on": date(2026, 11, 20)}


@pytest.fixture
def root(make_ledger) -> Path:
    return make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS,
                        "villages/beimao/village.yaml": "name: 北峁村\n"})


def tx(root: Path, **kw) -> Transaction:
    return Transaction(root, clock=lambda tz: AS_OF, cache=False, **kw)


def test_two_plans_in_one_transaction_get_distinct_ids(root):
    with tx(root) as t:
        first = edit.plan_new(t, "hazard", NEW, village="hejiapan")
        second = edit.plan_new(t, "hazard", NEW, village="hejiapan")  # planned before the first is added
        t.add(first)
        t.add(second)
        t.commit()
    assert (first.record_id, second.record_id) == ("YH-2026-0002", "YH-2026-0003")
    led = load_ledger(root, cache=False)
    assert [h.id for h in led.villages["hejiapan"].hazards] == ["YH-2026-0001", "YH-2026-0002", "YH-2026-0003"]


def test_many_records_across_files_and_kinds_in_one_transaction(root):
    with tx(root) as t:
        for i in range(120):
            t.add(edit.plan_new(t, "hazard", {**NEW, "title": f"隐患{i}"}, village="hejiapan" if i % 2 else "beimao"))
        t.add(edit.plan_new(t, "task", {"title": "冬季专项检查", "deadline": date(2026, 12, 15)}, village=None))
        t.add(edit.plan_new(t, "unit", {"name": "北峁加油站", "sector": "危险化学品", "principal": "刘某"},
                            village="beimao"))
        t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
        done = t.commit()
    assert sorted(str(w.path.relative_to(root)) for w in done.files) == [
        "tasks.yaml", "villages/beimao/hazards.yaml", "villages/beimao/units.yaml", "villages/hejiapan/hazards.yaml"]
    led = load_ledger(root, cache=False)
    assert led.diagnostics == []
    ids = [h.id for _s, h in led.hazards()]
    assert len(ids) == len(set(ids)) == 121
    assert ids[0] == "YH-2026-0002" and max(ids) == "YH-2026-0121"  # beimao's first is YH-2026-0002
    assert led.villages["hejiapan"].hazards[0].rectified_on == date(2026, 11, 20)
    assert [t.id for t in led.tasks] == ["RW-1"] and [u.id for u in led.villages["beimao"].units] == ["DW-beimao-01"]


def test_two_changes_of_one_record_in_one_transaction(root):
    """close sees the rectified_on staged before it; the two inserted lines come out in order."""
    with tx(root) as t:
        t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
        t.add(edit.plan_close(t, "YH-2026-0001", on=date(2026, 11, 25), by="赵某"))
        with pytest.raises(EditError, match="已于 2026-11-20 整改完成"):
            edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 21))
        t.commit()
    assert (root / "villages/hejiapan/hazards.yaml").read_text(encoding="utf-8") == HAZARDS + (
        "    rectified_on: 2026-11-20\n    verified_by: 赵某\n    closed_on: 2026-11-25\n")


def _big_hazards(n: int, *, tail: str = "") -> str:
    rows = [HAZARDS.rstrip("\n")]
    for i in range(2, n + 2):
        rows.append(f"\n  - id: YH-2025-{i:04d}\n    title: 第{i}条\n    sector: 消防\n    level: 一般\n    source: 检查\n"
                    f"    found_on: 2025-03-01\n    evidence: [a/{i}.jpg]\n"
                    f"    rectification:\n      owner: 王某\n      deadline: 2025-04-01")
    return "\n".join(rows) + "\n" + tail


@pytest.mark.parametrize("tail", ["", "# 文件结尾的注释\n", "    notes: |\n      多行\n      备注\n"],
                         ids=["plain", "comment", "block-scalar"])
def test_appending_to_a_large_file_parses_only_the_new_records_and_agrees_with_a_full_load(
        make_ledger, monkeypatch, tail):
    root = make_ledger({"villages/hejiapan/hazards.yaml": _big_hazards(400, tail=tail)})
    path = root / "villages/hejiapan/hazards.yaml"
    results = {}
    for mode, threshold in (("fast", 0), ("full", 10 ** 12)):
        monkeypatch.setattr(transaction, "FAST_APPEND_MIN_BYTES", threshold)
        with tx(root) as t:
            for i in range(30):
                t.add(edit.plan_new(t, "hazard", {**NEW, "title": f"新增{i}", "notes": "a: b"}, village="hejiapan"))
            prepared = t.prepare()
            results[mode] = (t._merged.results[path], prepared.files[0].new, path in t._fast)
    fast, full = results["fast"], results["full"]
    assert fast[2] is (tail != "    notes: |\n      多行\n      备注\n") and full[2] is False
    assert fast[1] == full[1]
    written = full[1]
    path.write_bytes(written)
    disk = load_ledger(root, cache=False).results[path]
    for got in (fast[0], full[0]):
        assert got.records == disk.records
        assert got.locs == disk.locs
        assert got.diagnostics == disk.diagnostics


def test_close_refuses_another_verifier_and_keeps_the_same_one(make_ledger):
    root = make_ledger({"villages/hejiapan/hazards.yaml": HAZARDS.replace(
        "    rectification: {owner: 王某, deadline: 2026-11-30}\n",
        "    rectification: {owner: 王某, deadline: 2026-11-30}\n    rectified_on: 2026-11-20\n    verified_by: 李某\n")})
    before = (root / "villages/hejiapan/hazards.yaml").read_bytes()
    with tx(root) as t, pytest.raises(EditError) as exc:
        t.add(edit.plan_close(t, "YH-2026-0001", on=date(2026, 11, 25), by="张某"))
    assert exc.value.code == 1
    assert exc.value.message == ("YH-2026-0001 的验收人已登记为 李某，与 --by 张某 不同，未写入任何内容；"
                                 "如确由 李某 验收，请改用 --by 李某；如需更正验收人，请手工编辑并说明原因")
    assert (root / "villages/hejiapan/hazards.yaml").read_bytes() == before
    with tx(root) as t:
        t.add(edit.plan_close(t, "YH-2026-0001", on=date(2026, 11, 25), by="李某"))
        t.commit()
    text = (root / "villages/hejiapan/hazards.yaml").read_text(encoding="utf-8")
    assert text.count("verified_by") == 1 and text.endswith("    verified_by: 李某\n    closed_on: 2026-11-25\n")


def test_a_read_only_ledger_file_is_not_replaced(root):
    path = root / "villages/hejiapan/hazards.yaml"
    path.chmod(0o444)
    try:
        with tx(root) as t, pytest.raises(EditError) as exc:
            t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
            t.commit()
        assert exc.value.code == 1
        assert exc.value.message == ("ledger/villages/hejiapan/hazards.yaml 是只读文件，未写入任何内容；如确需修改，请先取消只读"
                                     "（chmod u+w ledger/villages/hejiapan/hazards.yaml，或在 Windows 文件属性中取消“只读”）")
        assert path.read_text(encoding="utf-8") == HAZARDS
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
    finally:
        path.chmod(0o644)


def test_a_symlinked_ledger_file_inside_the_repository_keeps_its_link(root):
    """The file the link points to is written, the link stays (a plain file would split the copies)."""
    real = root / "shared" / "hejiapan-hazards.yaml"
    real.parent.mkdir()
    link = root / "villages/hejiapan/hazards.yaml"
    real.write_text(HAZARDS, encoding="utf-8")
    link.unlink()
    link.symlink_to(Path("../../shared/hejiapan-hazards.yaml"))
    with tx(root) as t:
        t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
        done = t.commit()
    assert link.is_symlink() and os.readlink(link) == "../../shared/hejiapan-hazards.yaml"
    assert real.read_text(encoding="utf-8") == HAZARDS + "    rectified_on: 2026-11-20\n"
    assert done.notices == ["ledger/villages/hejiapan/hazards.yaml 是符号链接，已写入它指向的文件 "
                            "ledger/shared/hejiapan-hazards.yaml（链接保持不变）"]


def test_whole_files_and_appends_go_in_the_same_transaction(root):
    """What the sealed-reporter store and the import need: files that are not ledger YAML, given
    whole by bytes (created only if absent, when asked) or grown at their end, with record changes."""
    extra = root / "attachments"
    with tx(root) as t:
        t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
        t.add(Change(extra / "YH-2026-0001.bin", "附件", data=b"\x00\xff binary", create=True))
        t.add(Change(extra / "access.log", "记录", append="2026-11-28 李某 YH-2026-0001 核实\n".encode()))
        t.add(Change(extra / "access.log", "记录", append=b"second\n"))
        t.commit()
    assert (extra / "YH-2026-0001.bin").read_bytes() == b"\x00\xff binary"
    assert (extra / "access.log").read_text(encoding="utf-8") == "2026-11-28 李某 YH-2026-0001 核实\nsecond\n"
    with tx(root) as t:
        t.add(Change(extra / "access.log", "记录", append=b"third\n"))
        t.commit()
    assert (extra / "access.log").read_text(encoding="utf-8").endswith("second\nthird\n")
    with tx(root) as t, pytest.raises(EditError) as exc:
        t.add(Change(extra / "access.log", "记录", append=b"fourth\n"))
        t.add(Change(extra / "YH-2026-0001.bin", "附件", data=b"other", create=True))
        t.commit()
    assert exc.value.message == ("ledger/attachments/YH-2026-0001.bin 已经存在；hjp 不覆盖它，未写入任何内容。"
                                 "请先运行 hjp validate 核对")
    assert (extra / "access.log").read_text(encoding="utf-8").endswith("third\n")  # all or nothing


def test_a_failed_rename_restores_the_files_already_renamed(root, monkeypatch):
    path = root / "villages/hejiapan/hazards.yaml"
    calls = []

    def second_fails(src: str, dst: Path) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        os.replace(src, dst)

    monkeypatch.setattr(transaction, "_replace", second_fails)
    with tx(root) as t, pytest.raises(EditError) as exc:
        t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
        t.add(edit.plan_new(t, "hazard", NEW, village="beimao"))
        t.commit()
    assert exc.value.message == "写入 ledger/villages/beimao/hazards.yaml 失败（磁盘空间不足），原文件未改动"
    assert path.read_text(encoding="utf-8") == HAZARDS  # renamed first, then put back
    assert not (root / "villages/beimao/hazards.yaml").exists()
    assert list((root / ".hjp-cache/tmp").iterdir()) == []


def test_a_file_changed_by_another_program_meanwhile_is_not_overwritten(root):
    path = root / "villages/hejiapan/hazards.yaml"
    with tx(root) as t, pytest.raises(EditError, match="在此期间被其他程序修改过，未写入任何内容"):
        t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
        t.prepare()
        path.write_text(HAZARDS + "# 记事本里改的\n", encoding="utf-8")
        t.write()
    assert path.read_text(encoding="utf-8") == HAZARDS + "# 记事本里改的\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_nothing_a_commit_could_pick_up_and_stale_temp_files_are_removed(root, monkeypatch):
    """A killed run left `.hazards.yaml.*.tmp` (a full copy, reporters included) for `git add -A`."""
    repo = root.resolve().parent
    for k, v in {"GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn", "GIT_COMMITTER_NAME": "李某",
                 "GIT_COMMITTER_EMAIL": "li@example.cn"}.items():
        monkeypatch.setenv(k, v)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    # what a kill -9 between writing and renaming leaves: old-style beside the file, new-style in .hjp-cache
    stale_old = root / "villages/hejiapan/.hazards.yaml.k3j4h5.tmp"
    stale_old.write_text(HAZARDS, encoding="utf-8")
    os.utime(stale_old, (1_700_000_000, 1_700_000_000))  # long ago (a fresh one may be another writer's)
    fresh = root / "villages/hejiapan/.hazards.yaml.a1b2c3.tmp"
    fresh.write_text(HAZARDS, encoding="utf-8")
    (root / ".hjp-cache/tmp").mkdir(parents=True)
    stale_new = root / ".hjp-cache/tmp/.hazards.yaml.x1y2.hjp-tmp"
    stale_new.write_text(HAZARDS, encoding="utf-8")
    with tx(root) as t:
        t.add(edit.plan_rectify(t, "YH-2026-0001", on=date(2026, 11, 20)))
        t.commit()
    assert not stale_old.exists() and not stale_new.exists() and fresh.exists()
    fresh.unlink()
    status = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert status == [" M ledger/villages/hejiapan/hazards.yaml"]
    assert (root / ".hjp-cache/lock").exists()  # ignored: the folder's own .gitignore is `*`
    assert git(repo, "check-ignore", "ledger/.hjp-cache/lock", "ledger/.hjp-cache/.gitignore").split() == [
        "ledger/.hjp-cache/lock", "ledger/.hjp-cache/.gitignore"]


# -- the lock, from other processes ---------------------------------------------------------------

HOLD = """\
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def _hold(root: Path, seconds: float) -> subprocess.Popen:
    (root / ".hjp-cache").mkdir(exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root / ".hjp-cache/lock"), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    proc.stdout.close()
    return proc


def _hjp(*args: str, timeout: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HJP_LOCK_TIMEOUT": timeout}
    return subprocess.run([sys.executable, "-m", "hjp", *args], capture_output=True, text=True, env=env, timeout=60)


def test_a_command_waiting_for_the_lock_says_so_and_gives_up_cleanly(root):
    holder = _hold(root, 30)
    try:
        r = _hjp("rectify", "YH-2026-0001", "--on", "2026-11-20", "--ledger", "ledger", timeout="1")
    finally:
        holder.kill()
        holder.wait()
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr.splitlines() == [
        "hjp: 正在等待另一个 hjp 命令写完台账（最多等 1 秒）…",
        "hjp: 错误：等了 1 秒，台账仍被另一个 hjp 命令占用，未写入任何内容；请稍后重试。若确认没有其他 hjp 命令在运行，"
        "请检查锁文件 ledger/.hjp-cache/lock"]
    assert (root / "villages/hejiapan/hazards.yaml").read_text(encoding="utf-8") == HAZARDS


def test_a_command_waiting_for_the_lock_goes_on_when_it_is_released(root):
    holder = _hold(root, 60)
    env = {**os.environ, "HJP_LOCK_TIMEOUT": "60"}
    proc = subprocess.Popen([sys.executable, "-m", "hjp", "rectify", "YH-2026-0001", "--on", "2026-11-20",
                             "--ledger", "ledger"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    waiting = proc.stderr.readline()  # it says so while it waits ...
    holder.kill()  # ... and goes on once the other writer is done
    holder.wait()
    out, err = proc.communicate(timeout=60)
    assert (waiting, err, proc.returncode) == ("hjp: 正在等待另一个 hjp 命令写完台账（最多等 60 秒）…\n", "", 0)
    assert out == "已写入 ledger/villages/hejiapan/hazards.yaml:2 YH-2026-0001\n  整改完成日期: （无） → 2026-11-20\n"
    assert (root / "villages/hejiapan/hazards.yaml").read_text(encoding="utf-8").endswith("rectified_on: 2026-11-20\n")


def test_a_killed_holder_does_not_leave_the_ledger_locked(root):
    holder = _hold(root, 30)
    holder.kill()  # like kill -9: the operating system drops the lock with the process
    holder.wait()
    r = _hjp("rectify", "YH-2026-0001", "--on", "2026-11-20", "--ledger", "ledger", timeout="1")
    assert (r.returncode, r.stderr) == (0, "")


def test_interactive_new_prompts_without_holding_the_lock(root, monkeypatch):
    """A clerk at a prompt held the ledger lock: colleagues' edits hung with no message."""
    from filelock import FileLock, Timeout
    from typer.testing import CliRunner

    from hjp import cli

    free = []

    def prompt(text: str, **kw: object) -> str:
        lock = FileLock(str(root / ".hjp-cache/lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            free.append(False)
        else:
            free.append(True)
            lock.release()
        return {"行业领域": "消防", "隐患等级": "一般", "隐患来源": "检查", "整改责任人": "李某"}.get(
            next((k for k in ("行业领域", "隐患等级", "隐患来源", "整改责任人") if k in text), ""),
            "" if "隐患部位" in text or "发现日期" in text else "2026-12-10")

    (root / ".hjp-cache").mkdir(exist_ok=True)
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(cli.typer, "prompt", prompt)
    r = CliRunner().invoke(cli.app, ["new", "hazard", "--village", "hejiapan", "--title", "楼梯间堆放杂物",
                                     "--ledger", "ledger"], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    assert free == [True] * 7  # 部位 and 发现日期 too
    assert "- id: YH-2026-0002" in r.stdout
