"""Issue 11's "Must show", end to end in real git repositories: a 举报人 sealed by ``hjp new hazard``
is in no git object, no working file, no cache and no temporary file; ``hjp reporter show`` reads it
with the custodian's key (and records the access), refuses any other key; bad input is refused with
nothing written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import TOWN_YAML

SECRET = "举报人甲"
HJP = [sys.executable, "-m", "hjp"]
HAZARD_ARGS = ["--village", "hejiapan", "--title", "私拉电线", "--sector", "消防", "--level", "一般",
               "--source", "举报", "--owner", "李某", "--deadline", "2026-12-10"]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


class World:
    """A git repository holding ledgers/, a home directory and a temporary directory of its own."""

    def __init__(self, base: Path, monkeypatch: pytest.MonkeyPatch):
        self.base = base
        self.repo = base / "repo"
        self.home = base / "home"
        self.tmp = base / "tmp"
        for d in (self.repo, self.home, self.tmp):
            d.mkdir()
        self.env = {**os.environ, "HOME": str(self.home), "TMPDIR": str(self.tmp), "TEMP": str(self.tmp),
                    "GIT_AUTHOR_NAME": "王某", "GIT_AUTHOR_EMAIL": "wang@example.cn",
                    "GIT_COMMITTER_NAME": "王某", "GIT_COMMITTER_EMAIL": "wang@example.cn",
                    "GIT_CONFIG_GLOBAL": str(base / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
        self.env.pop("HJP_NO_CACHE", None)  # the cache is used, so that it can be searched
        self.env.pop("HJP_LEDGER", None)
        for k, v in self.env.items():  # the same for hjp run in this process (and the git it starts),
            if os.environ.get(k) != v and k not in ("TMPDIR", "TEMP"):  # but tempfile caches its directory
                monkeypatch.setenv(k, v)
        monkeypatch.delenv("HJP_NO_CACHE", raising=False)
        monkeypatch.delenv("HJP_LEDGER", raising=False)
        monkeypatch.chdir(self.repo)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "王某")
        self.git("config", "user.email", "wang@example.cn")
        (self.repo / "ledgers/villages/hejiapan").mkdir(parents=True)
        (self.repo / "ledgers/town.yaml").write_text(TOWN_YAML, encoding="utf-8")
        (self.repo / "ledgers/villages/hejiapan/village.yaml").write_text("name: 何家畔村\n", encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-qm", "建立台账")

    @property
    def ledger(self) -> Path:
        return self.repo / "ledgers"

    def git(self, *args: str, input: bytes | None = None) -> bytes:
        return subprocess.run(["git", *args], cwd=self.repo, env=self.env, check=True, capture_output=True,
                              input=input).stdout

    def hjp(self, *args: str, input: str | None = None, process: bool = False) -> Result:
        """hjp in this process (fast), or in a process of its own (its temporary files are then its own)."""
        if process:
            done = subprocess.run([*HJP, *args], cwd=self.repo, env=self.env, capture_output=True, text=True,
                                  input=input, timeout=120)
            return Result(done.returncode, done.stdout, done.stderr)
        from typer.testing import CliRunner

        from hjp.cli import app

        r = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
        return Result(r.exit_code, r.stdout, r.stderr)

    def key(self, name: str) -> Path:
        return self.home / name


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    return World(tmp_path, monkeypatch)


def all_bytes_under(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in root.rglob("*") if p.is_file() and not p.is_symlink()]


def test_must_show(world: World) -> None:
    def run(*args: str) -> Result:  # each in a process of its own, whose temporary files are searched
        return world.hjp(*args, process=True)

    r = run("seal", "init", "--name", "保管人甲 应急办", "--identity", str(world.key("custodian.txt")), "--commit")
    assert r.returncode == 0, r.stderr
    assert world.key("custodian.txt").stat().st_mode & 0o777 == 0o600
    r = run("new", "hazard", *HAZARD_ARGS, "--reporter", SECRET, "--commit")
    assert r.returncode == 0, r.stderr
    assert SECRET not in r.stdout + r.stderr.replace(f"--reporter {SECRET}", "")
    assert run("validate").returncode == 0  # fills .hjp-cache
    assert (world.ledger / ".hjp-cache").is_dir() or (world.repo / ".hjp-cache").is_dir()
    assert world.git("status", "--porcelain", "--untracked-files=no") == b""

    # no git object, no file in the work tree (caches included), no temporary file holds it
    objects = world.git("rev-list", "--all", "--objects")
    blobs = world.git("cat-file", "--batch", input=b"".join(line.split(b" ")[0] + b"\n"
                                                              for line in objects.splitlines()))
    assert len(blobs) > 1000 and SECRET.encode() not in blobs
    found = [p for p, data in all_bytes_under(world.repo) if SECRET.encode() in data]
    assert found == []
    assert [p for p, data in all_bytes_under(world.tmp) if SECRET.encode() in data] == []
    sealed_file = world.ledger / "sealed/YH-2026-0001.age"
    assert sealed_file.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")

    # the custodian's key reads it, and the access is recorded (never the identity)
    r = run("reporter", "show", "YH-2026-0001", "--identity", str(world.key("custodian.txt")),
                  "--reason", "核实举报内容", "--commit")
    assert (r.returncode, r.stdout) == (0, SECRET + "\n"), r.stderr
    log = (world.ledger / "sealed/access.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 3 and log[0].startswith("# ")
    when, who, rid, key, reason = log[2].split("\t")
    assert (who, rid, reason) == ("王某 <wang@example.cn>", "YH-2026-0001", "核实举报内容")
    # seal init labels the key with the day it ran by the wall clock (not HJP_TODAY)
    assert re.fullmatch(r"age1[0-9a-z]+（保管人甲 应急办 \d{4}-\d{2}-\d{2}）", key), key
    assert when.startswith("20") and when.endswith("+08:00")
    assert SECRET not in "\n".join(log)
    assert world.git("log", "-1", "--format=%s").decode() == "查阅举报人信息 YH-2026-0001\n"

    # another key is refused, and nothing is recorded
    (world.key("other.txt")).write_text(subprocess_key(), encoding="utf-8")
    world.key("other.txt").chmod(0o600)
    before = (world.ledger / "sealed/access.log").read_bytes()
    r = run("reporter", "show", "YH-2026-0001", "--identity", str(world.key("other.txt")), "--reason", "试探")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == (f"hjp: 错误：私钥文件 {world.key('other.txt')} 打不开 YH-2026-0001 的密封信息：它不是加密给这把密钥的"
                        "（不是保管人的私钥，或该保管人是在密封之后才加入、尚未运行 hjp seal rekey）；请换用保管人的私钥\n")
    assert (world.ledger / "sealed/access.log").read_bytes() == before

    # still nowhere in clear after all of that
    objects = world.git("rev-list", "--all", "--objects")
    blobs = world.git("cat-file", "--batch", input=b"".join(line.split(b" ")[0] + b"\n"
                                                              for line in objects.splitlines()))
    assert SECRET.encode() not in blobs
    assert [p for p, data in all_bytes_under(world.repo) if SECRET.encode() in data] == []
    assert [p for p, data in all_bytes_under(world.tmp) if SECRET.encode() in data] == []


def subprocess_key() -> str:
    from hjp.sealed import generate_identity

    secret, public = generate_identity()
    return f"# public key: {public}\n{secret}\n"


def test_interactive_question_does_not_echo_the_reporter(make_ledger, monkeypatch) -> None:
    from typer.testing import CliRunner

    from conftest import sealed_files
    from hjp import cli

    root = make_ledger({"villages/hejiapan/village.yaml": "name: 何家畔村\n", **sealed_files({})})
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    args = [a for a in HAZARD_ARGS if a != "--source" and a != "举报"]
    r = CliRunner().invoke(cli.app, ["new", "hazard", *args, "--ledger", str(root)],
                           input="\n\n举报\n举报人乙 13900000000\n", catch_exceptions=False)  # 部位, 发现日期: defaults
    assert r.exit_code == 0, r.stderr
    assert "举报人（姓名、电话等，保密：输入时不显示；匿名举报直接回车）:" in r.stdout
    assert "举报人乙" not in r.stdout + r.stderr and "reporter: 已密封" in r.stdout
    assert (root / "sealed/YH-2026-0001.age").is_file()


@pytest.fixture
def sealed_world(world: World) -> World:
    assert world.hjp("seal", "init", "--name", "保管人甲", "--identity", str(world.key("a.txt"))).returncode == 0
    assert world.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", SECRET).returncode == 0
    return world


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".hjp-cache" not in p.parts}


@pytest.mark.parametrize("args, code, message", [
    (["YH-2026-0001"], 2, "hjp: 错误：查阅举报人信息须写明事由：--reason 事由，例如 --reason 核实举报内容，联系举报人反馈处理结果\n"),
    (["YH-2026-0001", "--reason", " "], 2,
     "hjp: 错误：查阅举报人信息须写明事由：--reason 事由，例如 --reason 核实举报内容，联系举报人反馈处理结果\n"),
    (["YH-2026-0001", "--reason", "a\tb"], 2, "hjp: 错误：--reason 须写在一行内，不能含换行、制表符等控制字符（U+0009）\n"),
    (["../../etc/passwd", "--reason", "x"], 2,
     "hjp: 错误：编号 ../../etc/passwd 不是隐患编号：应为 YH- 加字母数字，例如 YH-2024-0001\n"),
    (["yh-2026-0001", "--reason", "x"], 2,
     "hjp: 错误：编号 yh-2026-0001 不是隐患编号：应为 YH- 加字母数字，例如 YH-2024-0001；是不是要写 YH-2026-0001？\n"),
    (["YH-2026-0009", "--reason", "x"], 1,
     "hjp: 错误：YH-2026-0009 没有密封的举报人信息（ledgers/sealed/YH-2026-0009.age 不存在）；请核对编号\n"),
])
def test_show_refusals_write_nothing(sealed_world: World, args: list[str], code: int, message: str) -> None:
    before = snapshot(sealed_world.ledger)
    r = sealed_world.hjp("reporter", "show", *args, "--identity", str(sealed_world.key("a.txt")))
    assert (r.returncode, r.stdout, r.stderr) == (code, "", message)
    assert snapshot(sealed_world.ledger) == before


def test_bad_identity_files(sealed_world: World) -> None:
    w = sealed_world
    before = snapshot(w.ledger)

    def show(key: Path) -> subprocess.CompletedProcess[str]:
        return w.hjp("reporter", "show", "YH-2026-0001", "--identity", str(key), "--reason", "核实")

    key = w.key("a.txt")
    key.chmod(0o644)
    r = show(key)
    assert (r.returncode, r.stderr) == (2, f"hjp: 错误：私钥文件 {key} 的权限是 0644，其他用户也能读取；"
                                           f"请先运行 chmod 600 '{key}'（并想一想它是否已被他人复制过）\n")
    key.chmod(0o600)
    inside = w.repo / "key.txt"
    shutil.copy(key, inside)
    r = show(inside)
    assert r.returncode == 2 and f"私钥文件 {inside} 位于仓库 {w.repo} 之内；私钥绝不能放进仓库" in r.stderr
    inside.unlink()
    public = w.key("public.txt")
    public.write_text((w.ledger / "sealed/recipients.txt").read_text(encoding="utf-8"), encoding="utf-8")
    public.chmod(0o600)
    r = show(public)
    assert r.returncode == 2 and "第 6 行是公钥（age1 开头），不是私钥" in r.stderr
    garbage = w.key("garbage.txt")
    garbage.write_text("AGE-SECRET-KEY-1QQQ\n", encoding="utf-8")
    garbage.chmod(0o600)
    r = show(garbage)
    assert r.returncode == 2 and "第 1 行不是 age 私钥（应以 AGE-SECRET-KEY-1 开头，可能抄错或被截断）" in r.stderr
    binary = w.key("binary.txt")
    binary.write_bytes(b"\xff\xfe\x00junk")
    binary.chmod(0o600)
    r = show(binary)
    assert r.returncode == 2 and "不是文本文件，不是 age 私钥文件" in r.stderr
    r = show(w.key("missing.txt"))
    assert r.returncode == 2 and "找不到私钥文件" in r.stderr
    assert snapshot(w.ledger) == before


def test_corrupt_or_swapped_sealed_files(sealed_world: World) -> None:
    w = sealed_world
    assert w.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", "举报人乙").returncode == 0
    sealed_dir = w.ledger / "sealed"
    one, two = sealed_dir / "YH-2026-0001.age", sealed_dir / "YH-2026-0002.age"
    good_one, good_two = one.read_bytes(), two.read_bytes()
    before = (sealed_dir / "access.log").exists()

    def show(rid: str) -> subprocess.CompletedProcess[str]:
        return w.hjp("reporter", "show", rid, "--identity", str(w.key("a.txt")), "--reason", "核实")

    one.write_bytes(good_two)  # swapped: YH-2026-0002's identity under YH-2026-0001's name
    r = show("YH-2026-0001")
    assert (r.returncode, r.stdout) == (1, "")
    assert "中密封的是 YH-2026-0002 的举报人信息，不是 YH-2026-0001 的（文件被改名或调换过）" in r.stderr
    one.write_bytes(good_one[:-40] + good_one[-10:])  # truncated armour
    r = show("YH-2026-0001")
    assert r.returncode == 1 and "已损坏（解密校验失败）" in r.stderr, r.stderr
    one.write_bytes(b"\xe4\xb8\xbe plain text, not age")
    r = show("YH-2026-0001")
    assert r.returncode == 1 and "不是 age 加密文件（已损坏或被替换）" in r.stderr
    assert (sealed_dir / "access.log").exists() == before


def test_seal_init_refusals_and_second_custodian(world: World) -> None:
    inside = world.repo / "keys" / "k.txt"
    r = world.hjp("seal", "init", "--name", "甲", "--identity", str(inside))
    assert r.returncode == 2 and "位于仓库" in r.stderr and not inside.exists()
    assert not (world.ledger / "sealed").exists()
    r = world.hjp("seal", "init", "--name", "甲")  # default: under the home directory
    assert r.returncode == 0, r.stderr
    default = world.home / ".hjp/hjp-custodian-key.txt"
    assert default.stat().st_mode & 0o777 == 0o600 and (default.parent.stat().st_mode & 0o777) == 0o700
    key_text = default.read_text(encoding="utf-8")
    r = world.hjp("seal", "init", "--name", "甲")
    assert (r.returncode, default.read_text(encoding="utf-8")) == (0, key_text)  # never overwritten
    assert "的公钥已在 ledgers/sealed/recipients.txt 中，无需再登记" in r.stdout
    assert world.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", SECRET).returncode == 0
    r = world.hjp("seal", "init", "--name", "乙", "--identity", str(world.key("b.txt")))
    assert r.returncode == 0 and "已有 1 份举报人信息是在此之前密封的，这把新钥匙还打不开" in r.stdout
    r = world.hjp("reporter", "show", "YH-2026-0001", "--identity", str(world.key("b.txt")), "--reason", "x")
    assert r.returncode == 1
    r = world.hjp("seal", "rekey", "--commit")  # by 甲, with the default key
    assert r.returncode == 1 and "有未提交的修改" in r.stderr  # the sealed file is not committed yet
    r = world.hjp("seal", "rekey")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("已按 recipients.txt 重新加密 1 份举报人信息，并记入查阅记录。\n")
    r = world.hjp("reporter", "show", "YH-2026-0001", "--identity", str(world.key("b.txt")), "--reason", "x")
    assert (r.returncode, r.stdout) == (0, SECRET + "\n")
    log = (world.ledger / "sealed/access.log").read_text(encoding="utf-8").splitlines()
    assert [ln.split("\t")[2] for ln in log[2:]] == ["全部 1 条", "YH-2026-0001"]
    assert SECRET not in "\n".join(log)
    # a broken recipients.txt: nothing is sealed, nothing is added to it
    (world.ledger / "sealed/recipients.txt").write_text("age1nonsense\n", encoding="utf-8")
    before = snapshot(world.ledger)
    r = world.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", "丙")
    assert r.returncode == 1 and "recipients.txt 有错误，未作任何修改：第 1 行：这不是有效的 age 公钥" in r.stderr
    r = world.hjp("seal", "init", "--name", "丙", "--identity", str(world.key("c.txt")))
    assert r.returncode == 1 and not world.key("c.txt").exists()
    r = world.hjp("seal", "rekey")
    assert r.returncode == 1
    assert snapshot(world.ledger) == before


def test_rekey_refuses_when_any_file_cannot_be_opened(sealed_world: World) -> None:
    w = sealed_world
    assert w.hjp("new", "hazard", *HAZARD_ARGS, "--reporter", "乙").returncode == 0
    (w.ledger / "sealed/YH-2026-0002.age").write_bytes(b"-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n-----END AGE ENCRYPTED FILE-----\n")
    before = snapshot(w.ledger)
    r = w.hjp("seal", "rekey", "--identity", str(w.key("a.txt")))
    assert r.returncode == 1 and "有 1 个密封文件打不开，未作任何修改：YH-2026-0002" in r.stderr
    assert snapshot(w.ledger) == before


PLAINTEXT = """\
hazards:
  - id: YH-2024-0001
    title: 灭火器过期
    sector: 消防
    level: 一般
    source: 举报
    found_on: 2024-05-10
    reporter: 张三 13800000000   # 住东头，勿外传
    rectification: {owner: 王某, deadline: 2024-06-30}
  - {id: YH-2024-0002, title: 通道堵塞, sector: 消防, level: 一般, source: 举报, reporter: "村民", found_on: 2024-05-11,
     rectification: {owner: 王某, deadline: 2024-06-30}}
  - id: YH-2024-0003
    title: 燃气软管老化
    sector: 消防
    level: 一般
    source: 举报
    found_on: 2024-05-12
    # 举报人电话另见纸质登记簿
    reporter: 13912345678
    rectification: {owner: 村民小组长, deadline: 2024-06-30}
"""


def test_migrate_validate_audit_and_purge(world: World) -> None:
    w = world
    hz = w.ledger / "villages/hejiapan/hazards.yaml"
    hz.write_text(PLAINTEXT.replace("张三 13800000000", "张三"), encoding="utf-8")
    w.git("add", "-A")
    w.git("commit", "-qm", "录入举报隐患")
    hz.write_text(PLAINTEXT, encoding="utf-8")
    w.git("commit", "-qam", "补电话")
    r = w.hjp("validate")
    assert r.returncode == 1
    assert [ln.split(": error ")[1][:6] for ln in r.stdout.splitlines() if ": error " in ln] == ["HJP240"] * 3
    assert "张三" not in r.stdout and "13912345678" not in r.stdout
    r = w.hjp("audit")
    assert r.returncode == 1 and r.stdout.count("HJP520") == 4, r.stdout  # 3 added, then the phone added
    assert "张三" not in r.stdout and "13912345678" not in r.stdout
    r = w.hjp("seal", "migrate")  # no custodian yet
    assert r.returncode == 1 and "请保管人先运行 hjp seal init" in r.stderr
    assert w.hjp("seal", "init", "--name", "保管人甲", "--identity", str(w.key("a.txt")), "--commit").returncode == 0
    r = migrated = w.hjp("seal", "migrate", "--commit")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("已把 3 条隐患的举报人移入密封存储：YH-2024-0001、YH-2024-0002、YH-2024-0003\n"
                               "提示：ledgers/villages/hejiapan/hazards.yaml:18 是 YH-2024-0003 记录中的注释行；")
    assert "git filter-repo --replace-text" in r.stdout and "hjp 不会替你改写历史。" in r.stdout
    text = hz.read_text(encoding="utf-8")
    assert text == (PLAINTEXT.replace("张三 13800000000   # 住东头，勿外传", "已密封")
                    .replace('reporter: "村民"', "reporter: 已密封").replace("reporter: 13912345678", "reporter: 已密封"))
    assert w.git("status", "--porcelain", "--untracked-files=no") == b""
    assert w.hjp("validate").returncode == 0
    for rid, who in [("YH-2024-0001", "张三 13800000000"), ("YH-2024-0002", "村民"), ("YH-2024-0003", "13912345678")]:
        r = w.hjp("reporter", "show", rid, "--identity", str(w.key("a.txt")), "--reason", "核对迁移")
        assert (r.returncode, r.stdout) == (0, who + "\n")
    purge, = (w.home / ".hjp").glob("purge-repo-*.txt")
    assert purge.stat().st_mode & 0o777 == 0o600
    lines = purge.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [  # every text ever committed, and the file's current one (longest first)
        "literal:reporter: 张三 13800000000   # 住东头，勿外传==>reporter: 已密封",
        "literal:reporter: 张三   # 住东头，勿外传==>reporter: 已密封",
        "literal:reporter: 张三 13800000000==>reporter: 已密封",
        "literal:reporter: 13912345678==>reporter: 已密封",
        'literal:reporter: "村民"==>reporter: 已密封',
        "literal:reporter: 张三==>reporter: 已密封",
    ]
    assert f"       git filter-repo --replace-text '{purge}'\n" in migrated.stdout
    # nothing left to migrate: said so, and the purge advice is repeated (history still holds them)
    r = w.hjp("seal", "migrate")
    assert r.returncode == 0 and r.stdout.startswith("台账中没有明文的举报人。\n") and "git filter-repo" in r.stdout
    again = sorted((w.home / ".hjp").glob("purge-repo-*.txt"))
    assert len(again) == 2 and again[1].read_text(encoding="utf-8") == purge.read_text(encoding="utf-8")
    if shutil.which("git-filter-repo") is None:
        pytest.skip("git-filter-repo is not installed: the purge itself is not run")
    clone = w.base / "clone"
    subprocess.run(["git", "clone", "-q", "--no-local", str(w.repo), str(clone)], check=True, env=w.env)
    subprocess.run(["git", "filter-repo", "--replace-text", str(purge)], cwd=clone, check=True, env=w.env,
                   capture_output=True)
    objects = subprocess.run(["git", "rev-list", "--all", "--objects"], cwd=clone, check=True, env=w.env,
                             capture_output=True).stdout
    blobs = subprocess.run(["git", "cat-file", "--batch"], cwd=clone, check=True, env=w.env, capture_output=True,
                           input=b"".join(ln.split(b" ")[0] + b"\n" for ln in objects.splitlines())).stdout
    for value in ("张三", "13800000000", "13912345678", "住东头"):
        assert value.encode() not in blobs, value
    assert "村民小组长".encode() in blobs  # a common word used as a reporter is only removed as one


@pytest.mark.skipif(shutil.which("age") is None, reason="the age command-line tool is not installed")
def test_age_tool_reads_our_files_and_writes_files_we_read(sealed_world: World) -> None:
    w = sealed_world
    out = subprocess.run(["age", "-d", "-i", str(w.key("a.txt")), str(w.ledger / "sealed/YH-2026-0001.age")],
                         capture_output=True, check=True).stdout.decode("utf-8")
    assert out.rstrip("\n") == f"hjp-reporter/v1 YH-2026-0001\n{SECRET}"
    assert len(out.encode()) % 128 == 0  # padded: the size says nothing about the name's length
    # a file encrypted by the age tool to recipients.txt (a custodian without hjp at hand)
    (w.ledger / "sealed/YH-2026-0001.age").write_bytes(subprocess.run(
        ["age", "-a", "-R", str(w.ledger / "sealed/recipients.txt")], input="举报人丙".encode(),
        capture_output=True, check=True).stdout)
    r = w.hjp("reporter", "show", "YH-2026-0001", "--identity", str(w.key("a.txt")), "--reason", "核实")
    assert (r.returncode, r.stdout) == (0, "举报人丙\n")


def test_audit_flags_what_a_commit_must_never_do_to_the_sealed_store(sealed_world: World) -> None:
    w = sealed_world
    assert w.hjp("reporter", "show", "YH-2026-0001", "--identity", str(w.key("a.txt")), "--reason", "一").returncode == 0
    assert w.hjp("reporter", "show", "YH-2026-0001", "--identity", str(w.key("a.txt")), "--reason", "二").returncode == 0
    w.git("add", "-A")
    w.git("commit", "-qm", "台账")
    assert w.hjp("audit").returncode == 0
    base = w.git("rev-parse", "HEAD").decode().strip()
    sealed_dir = w.ledger / "sealed"
    (sealed_dir / "YH-2026-0005.age").write_text("举报人丁 13700000000\n", encoding="utf-8")  # "sealed" by hand
    secret = w.key("a.txt").read_text(encoding="utf-8").splitlines()[-1]
    with open(sealed_dir / "recipients.txt", "a", encoding="utf-8") as f:
        f.write(f"{secret}\n")  # a private key pasted where the public one belongs
    log = (sealed_dir / "access.log").read_text(encoding="utf-8").splitlines(keepends=True)
    (sealed_dir / "access.log").write_text("".join(log[:2] + log[3:]), encoding="utf-8")  # an access erased
    w.git("add", "-A")
    w.git("commit", "-qm", "手工修改")
    w.git("rm", "-q", str(sealed_dir / "YH-2026-0001.age"))
    w.git("commit", "-qm", "删除")
    r = w.hjp("audit", "--since", base)
    assert r.returncode == 1
    codes = sorted(line.split(" error ")[1][:6] for line in r.stdout.splitlines() if " error HJP" in line)
    assert codes == ["HJP521", "HJP522", "HJP523", "HJP524"], r.stdout
    assert "ledgers/sealed/access.log:3:1: error HJP523: " in r.stdout
    assert "ledgers/sealed/recipients.txt:7:1: error HJP522: " in r.stdout
    for leak in ("举报人丁", "13700000000", secret, SECRET):
        assert leak not in r.stdout + r.stderr


def test_moving_the_ledger_directory_is_not_a_deleted_sealed_file(sealed_world: World) -> None:
    """Regression: history is read without rename detection, so `git mv ledgers …` showed every
    sealed file as deleted (HJP524)."""
    w = sealed_world
    assert w.hjp("reporter", "show", "YH-2026-0001", "--identity", str(w.key("a.txt")), "--reason", "一").returncode == 0
    w.git("add", "-A")
    w.git("commit", "-qm", "台账")
    base = w.git("rev-parse", "HEAD").decode().strip()
    w.git("mv", "ledgers", "台账")
    w.git("commit", "-qm", "改名")
    r = w.hjp("audit", "--since", base, "--ledger", "台账")
    assert (r.returncode, r.stdout.splitlines()[-1:]) == (0, ["审计通过：检查了 1 个修改台账的提交，没有发现问题。"]), r.stdout
    log = w.repo / "台账/sealed/access.log"
    log.write_text("".join(log.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    w.git("mv", "台账", "ledgers")
    w.git("commit", "-qam", "改回并删去查阅记录")
    r = w.hjp("audit", "--since", base)
    assert r.returncode == 1 and "error HJP523: " in r.stdout and "HJP524" not in r.stdout, r.stdout


def test_no_custodian_is_said_before_the_question(make_ledger, monkeypatch) -> None:
    from typer.testing import CliRunner

    from hjp import cli

    root = make_ledger({"villages/hejiapan/village.yaml": "name: 何家畔村\n"})
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    r = CliRunner().invoke(cli.app, ["new", "hazard", *HAZARD_ARGS, "--ledger", str(root)], input="举报人乙\n",
                           catch_exceptions=False)
    assert r.exit_code == 1 and "举报人（姓名" not in r.stdout
    assert r.stderr == ("hjp: 错误：还没有举报人信息的保管人（ledger/sealed/recipients.txt 不存在）；"
                        "请保管人先运行 hjp seal init\n")
    assert not (root / "villages/hejiapan/hazards.yaml").exists()


def test_migrating_a_demo_ledger_written_the_old_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo ledger as the first release wrote it (reporters in clear): validate refuses it,
    migrate seals every one, and each decrypts to the value the ledger held."""
    from typer.testing import CliRunner
    from yaml.nodes import ScalarNode

    from hjp import demo, sealed
    from hjp import yamltext as edit
    from hjp.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    stats = demo.generate(tmp_path / "d", villages=3, hazards=120, seed=2)
    ident = sealed.load_identity(stats.key, tmp_path / "d")
    held: dict[str, str] = {}
    original = {p: p.read_bytes() for p in sorted((tmp_path / "d/villages").glob("*/hazards.yaml"))}
    for path in sorted((tmp_path / "d/villages").glob("*/hazards.yaml")):  # back to the old format
        doc = edit.YamlText.from_bytes(path.read_bytes(), str(path))
        for item in doc.top_sequence("hazards", "x")[2].value:
            hit = edit.get(item, "reporter")
            if hit is None:
                continue
            rid = edit.get(item, "id")[1].value
            sealed_file = tmp_path / f"d/sealed/{rid}.age"
            held[rid] = sealed.unseal(rid, sealed_file.read_bytes(), ident, display=rid)[0]
            sealed_file.unlink()
            assert isinstance(hit[1], ScalarNode)
            doc.edits.append((doc.off(hit[1].start_mark), doc.off(hit[1].end_mark), edit.scalar(held[rid])))
        path.write_bytes(doc.to_bytes())
    assert len(held) == stats.sealed >= 5
    run = lambda *a: CliRunner().invoke(app, list(a), catch_exceptions=False)  # noqa: E731
    before = run("validate", "--ledger", "d")
    assert before.exit_code == 1 and before.stdout.count(" error HJP240: ") == len(held)
    assert not any(v in before.stdout for v in held.values())
    r = run("seal", "migrate", "--ledger", "d")
    assert r.exit_code == 0 and r.stdout.startswith(f"已把 {len(held)} 条隐患的举报人移入密封存储：")
    assert run("validate", "--ledger", "d").exit_code == 0
    assert {rid: sealed.unseal(rid, (tmp_path / f"d/sealed/{rid}.age").read_bytes(), ident, display=rid)[0]
            for rid in held} == held
    # the migrated files are byte for byte what the demo writes today
    assert {p: p.read_bytes() for p in sorted((tmp_path / "d/villages").glob("*/hazards.yaml"))} == original
