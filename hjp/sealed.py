"""The sealed store of 举报人 identities (DESIGN §3 and §7, issue 11).

A reporter's identity is never in a ledger file: the hazard says ``reporter: 已密封`` and the text
lives only in ``ledgers/sealed/<hazard-id>.age``, an age file (x25519, ASCII-armoured) encrypted to
every custodian's public key in ``ledgers/sealed/recipients.txt``. Sealing needs only the public
keys; reading needs a custodian's private key, kept outside the repository (``~/.hjp/`` by
default, mode 0600). Every decryption appends one line to ``ledgers/sealed/access.log``.

Format choices, each for a reason:

- age via ``pyrage`` (bindings to the Rust ``age`` crate): a reviewed format and implementation,
  readable with the ``age`` command-line tool too (``age -d -i KEY FILE``), so a custodian is never
  locked in to hjp.
- ASCII armour: the files are text, so git's ``core.autocrlf`` on Windows cannot corrupt them
  (age and pyrage both accept armour with CRLF line ends; binary age with CRLF is refused).
- The plaintext starts with ``hjp-reporter/v1 <hazard-id>``: ``reporter show`` refuses a file that
  was renamed or swapped with another hazard's, and it is padded with newlines to a multiple of
  ``PAD`` bytes so that a file's size does not give away how long a name is.
- recipients.txt is exactly age's recipients-file format (one key a line, ``#`` comment lines
  above it naming the custodian), so ``age -R ledgers/sealed/recipients.txt`` works as well.
- identity files are exactly what ``age-keygen`` writes.

This module imports only the standard library at import time: ``pyrage`` is imported by the
functions that encrypt or parse keys, so ``hjp validate`` on a ledger without a sealed store
never loads it.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from hjp.paths import work_tree

MARKER = "已密封"
DIRNAME = "sealed"
RECIPIENTS = "recipients.txt"
ACCESS_LOG = "access.log"
SUFFIX = ".age"
# How access.log's reason column starts for ``hjp seal rekey``, the one command that rewrites sealed
# files: the audit excuses a rewritten sealed file only in a commit that appends such a line (HJP511).
REKEY_TAG = "hjp seal rekey"
HEADER = "hjp-reporter/v1"
PAD = 128
KEY_FILE_MAX = 64 * 1024  # an identity file is ~200 bytes: anything this big is not one
SEALED_MAX = 1024 * 1024  # a sealed identity is ~600 bytes
HAZARD_ID = re.compile(r"YH(-[A-Za-z0-9]+)+")
_PUBLIC = re.compile(r"age1[02-9ac-hj-np-z]{58}")  # bech32 data characters; pyrage checks the sum
_SECRET = re.compile(r"AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}", re.I)
ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
BINARY_MAGIC = b"age-encryption.org/v1\n"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what a text field may not hold (HJP008)
_SURROGATE = re.compile("[\ud800-\udfff]")

ACCESS_HEADER = ("# hjp reporter show 的查阅记录（只追加，不得删改；从不记录举报人身份）\n"
                 "# 时间\t操作人（git 配置）\t隐患编号\t所用密钥（保管人）\t事由\n")
RECIPIENTS_HEADER = ("# 举报人信息保管人的公钥（age X25519），每个公钥一行，上一行用 # 注明保管人。\n"
                     "# 新增保管人：hjp seal init；增删保管人后须由现有保管人运行 hjp seal rekey。\n"
                     "# 这里只能放公钥（age1 开头）；私钥（AGE-SECRET-KEY- 开头）绝不能放进仓库。\n")


class SealError(Exception):
    """A refused sealed-store operation: ``message`` for the clerk, ``code`` the exit code (1 data, 2 usage)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------------
# Where things are


def sealed_dir(ledger_root: Path) -> Path:
    return ledger_root / DIRNAME


def check_hazard_id(rid: str) -> str:
    """``rid`` if it is a hazard ID (it becomes a file name: nothing else may reach the path)."""
    if not HAZARD_ID.fullmatch(rid):
        hint = f"；是不是要写 {rid.upper()}？" if HAZARD_ID.fullmatch(rid.upper()) else ""
        raise SealError(f"编号 {rid} 不是隐患编号：应为 YH- 加字母数字，例如 YH-2024-0001{hint}", 2)
    return rid


def sealed_path(ledger_root: Path, rid: str) -> Path:
    return sealed_dir(ledger_root) / f"{check_hazard_id(rid)}{SUFFIX}"


def repository_of(ledger_root: Path) -> Path:
    """The git work tree holding the ledger (resolved), else the ledger directory itself."""
    here = Path(os.path.realpath(ledger_root))
    return work_tree(here) or here


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (through any symbolic link, also of a file not yet made) lies under ``root``."""
    real = Path(os.path.realpath(path))
    try:
        return real.is_relative_to(Path(os.path.realpath(root)))
    except ValueError:  # another drive on Windows
        return False


def default_identity_path() -> Path:
    """Where ``seal init`` puts the custodian's private key unless told otherwise."""
    return Path.home() / ".hjp" / "hjp-custodian-key.txt"


# ---------------------------------------------------------------------------------------------
# recipients.txt


@dataclass(frozen=True)
class Recipient:
    key: str  # age1...
    name: str  # the custodian, from the comment line(s) above the key ("" when none)
    line: int  # 1-based


@dataclass(frozen=True)
class Problem:
    """Something wrong in recipients.txt; ``rules/sealed.py`` turns it into a diagnostic."""

    key: str  # in the message catalog (hjp.messages)
    error: bool
    line: int
    col: int
    args: tuple = ()

    @property
    def code(self) -> str:
        return self.key.partition(".")[0]

    @property
    def message(self) -> str:
        from hjp.messages import render

        return render(self.key, self.args)


def _decode(raw: bytes, display: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SealError(f"{display} 不是 UTF-8 编码；请在编辑器中“另存为 UTF-8”", 1) from None


def valid_public_key(text: str) -> bool:
    """Whether ``text`` is an age X25519 public key (checksum included)."""
    if not _PUBLIC.fullmatch(text):
        return False
    from pyrage import RecipientError, x25519

    try:
        x25519.Recipient.from_str(text)
    except RecipientError:
        return False
    return True


def parse_recipients(text: str) -> tuple[list[Recipient], list[Problem]]:
    """The keys in recipients.txt and what is wrong with its lines. The file is age's own
    recipients format (so ``age -R`` reads it): blank lines, ``#`` comment lines, one key a line."""
    out: list[Recipient] = []
    problems: list[Problem] = []
    comments: list[str] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            comments = []
            continue
        if line.startswith("#"):
            comments.append(line.lstrip("#").strip())
            continue
        col = len(raw) - len(raw.lstrip()) + 1
        secret = _SECRET.search(line)
        if secret:
            # Said without echoing the key: the message may end up in a CI log.
            problems.append(Problem("HJP244", True, n, col + secret.start()))
            comments = []
            continue
        first = line.split()[0]
        if valid_public_key(line):
            if line in seen:
                problems.append(Problem("HJP248", False, n, col, (("first", seen[line]),)))
            else:
                seen[line] = n
                name = "；".join(c for c in comments if c)
                out.append(Recipient(line, name, n))
                if not name:
                    problems.append(Problem("HJP246", False, n, col))
        elif valid_public_key(first):
            problems.append(Problem("HJP243.trailing", True, n, col + len(first)))
        elif first.startswith("age1"):
            problems.append(Problem("HJP243.invalid_key", True, n, col))
        else:
            problems.append(Problem("HJP243.not_key", True, n, col))
        comments = []
    return out, problems


def read_recipients(ledger_root: Path, display: Callable[[Path], str] = str) -> list[Recipient]:
    """The custodians' keys, for sealing. SealError when there are none or any line is not a key:
    sealing to a partial list would lock a custodian out without anyone noticing."""
    path = sealed_dir(ledger_root) / RECIPIENTS
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SealError(f"还没有举报人信息的保管人（{display(path)} 不存在）；请保管人先运行 hjp seal init", 1) from None
    except OSError as exc:
        from hjp.diagnostics import os_reason

        raise SealError(f"无法读取 {display(path)}（{os_reason(exc)}）", 2) from None
    keys, problems = parse_recipients(_decode(raw, display(path)))
    bad = [p for p in problems if p.error]
    if bad:
        listing = "；".join(f"第 {p.line} 行：{p.message}" for p in bad)
        raise SealError(f"{display(path)} 有错误，未作任何修改：{listing}", 1)
    if not keys:
        raise SealError(f"{display(path)} 中没有任何公钥；请保管人先运行 hjp seal init", 1)
    return keys


def recipients_text(existing: str | None, key: str, name: str) -> str:
    """recipients.txt with one more custodian appended (header added to a new file)."""
    text = existing if existing is not None else RECIPIENTS_HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{text}\n# {name}\n{key}\n"


# ---------------------------------------------------------------------------------------------
# Sealing and unsealing


def clean_identity_text(text: str, option: str = "--reporter") -> str:
    """The identity as it will be sealed (stripped); SealError for text a ledger field may not hold.
    Messages never quote the text."""
    if _SURROGATE.search(text):
        raise SealError(f"{option} 含有无法识别的字符（输入的文字不是 UTF-8 编码）；"
                        "请把终端设为 UTF-8（例如 export LANG=zh_CN.UTF-8）后重新输入", 2)
    value = text.strip()
    bad = _CONTROL.search(value.replace("\r\n", "\n"))
    if bad:
        raise SealError(f"{option} 含有控制字符 U+{ord(bad.group()):04X}；请删除", 2)
    if not value:
        raise SealError(f"{option}（举报人）不能为空；匿名举报请不写 {option}", 2)
    return value.replace("\r\n", "\n")


def seal(rid: str, text: str, recipients: Iterable[Recipient]) -> bytes:
    """The armoured age file holding ``text`` as the identity of hazard ``rid``."""
    import pyrage
    from pyrage import x25519

    body = f"{HEADER} {check_hazard_id(rid)}\n{text}\n".encode("utf-8")
    body += b"\n" * (-len(body) % PAD)
    keys = [x25519.Recipient.from_str(r.key) for r in recipients]
    if not keys:
        raise SealError("没有保管人公钥，无法密封；请保管人先运行 hjp seal init", 1)
    return pyrage.encrypt(body, keys, armored=True)


def looks_like_age(data: bytes) -> bool:
    """An age file by its first bytes (armoured or binary); nothing else may sit under sealed/."""
    return data.lstrip(b"\xef\xbb\xbf").lstrip().startswith(ARMOR_BEGIN) or data.startswith(BINARY_MAGIC)


@dataclass
class Identity:
    """A custodian's private key(s), read from an identity file."""

    path: Path
    keys: list[Any]  # pyrage x25519.Identity
    public: list[str]


def unseal(rid: str, data: bytes, identity: Identity, *, display: str) -> tuple[str, str]:
    """(identity text, public key that opened it). SealError (exit 1) for a wrong key, a damaged
    file, or a file that belongs to another hazard; the messages never hold the identity."""
    import pyrage

    if not looks_like_age(data):
        raise SealError(f"{display} 不是 age 加密文件（已损坏或被替换）；请从 git 历史恢复：git log -- {display}", 1)
    body = None
    used = ""
    damaged = False
    for key, public in zip(identity.keys, identity.public):
        try:
            body = pyrage.decrypt(data, [key])
        except pyrage.DecryptError as exc:
            # pyrage says "No matching keys found" when no stanza opens with this key; anything
            # else (a bad MAC, a truncated payload, an invalid header) is a damaged file.
            if "no matching keys" not in str(exc).lower():
                damaged = True
            continue
        used = public
        break
    if body is None:
        if damaged:
            raise SealError(f"{display} 已损坏（解密校验失败）；请从 git 历史恢复：git log -- {display}", 1)
        raise SealError(f"私钥文件 {identity.path} 打不开 {rid} 的密封信息：它不是加密给这把密钥的"
                        "（不是保管人的私钥，或该保管人是在密封之后才加入、尚未运行 hjp seal rekey）；"
                        "请换用保管人的私钥", 1)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SealError(f"{display} 解密后的内容不是 UTF-8 文本（不是 hjp 密封的文件）", 1) from None
    first, sep, rest = text.partition("\n")
    if first.startswith(HEADER + " "):
        owner = first[len(HEADER) + 1:].strip()
        if owner != rid:
            raise SealError(f"{display} 中密封的是 {owner} 的举报人信息，不是 {rid} 的（文件被改名或调换过）；"
                            f"请从 git 历史核对：git log -- {display}", 1)
        text = rest
    return text.rstrip("\n"), used


class Sealer:
    """Seals many identities to one ledger's custodians (recipients.txt read once): for importers.

    ``Sealer(ledger_root).seal(rid, text)`` returns ``(path, bytes)``: the sealed file to create, in
    the same all-or-nothing write as the record saying ``reporter: 已密封`` (``MARKER``). The text is
    checked like ``--reporter`` (SealError, never quoting it); a path that exists already is refused
    (a sealed identity is never overwritten). Nothing is written here.
    """

    def __init__(self, ledger_root: Path, display: Callable[[Path], str] = str):
        self.root = ledger_root
        self.recipients = read_recipients(ledger_root, display)
        self.display = display

    def seal(self, rid: str, text: str, *, field: str = "举报人") -> tuple[Path, bytes]:
        path = sealed_path(self.root, rid)
        if path.exists() or path.is_symlink():
            raise SealError(f"{self.display(path)} 已经存在；密封的举报人信息不会被覆盖", 1)
        return path, seal(rid, clean_identity_text(text, field), self.recipients)


# ---------------------------------------------------------------------------------------------
# Identity (private key) files


def generate_identity() -> tuple[str, str]:
    """(private key text, public key) of a new x25519 key pair."""
    from pyrage import x25519

    ident = x25519.Identity.generate()
    return str(ident), str(ident.to_public())


def identity_file_text(secret: str, public: str, *, created: datetime, note: str) -> str:
    """What ``age-keygen`` writes (so ``age -d -i FILE`` reads it), plus our note lines."""
    lines = [f"# created: {created.isoformat(timespec='seconds')}", f"# public key: {public}"]
    lines += [f"# {ln}" for ln in note.splitlines()]
    return "\n".join(lines + [secret]) + "\n"


def check_key_location(path: Path, ledger_root: Path) -> None:
    """A private key never lives inside the repository (or, outside git, the ledger directory)."""
    repo = repository_of(ledger_root)
    if is_inside(path, repo) or is_inside(path, ledger_root):
        raise SealError(f"私钥文件 {path} 位于仓库 {repo} 之内；私钥绝不能放进仓库（一旦提交就无法收回）。"
                        f"请放到仓库之外，例如默认位置 {default_identity_path()}", 2)


def write_identity(path: Path, text: str) -> None:
    """Create the key file with mode 0600 (its folder 0700 when made here); never overwrite one.

    Windows has no such modes: the file inherits the ACL of its folder (under the user profile:
    the user, SYSTEM and Administrators only), and ``icacls`` then removes the inherited entries
    so only the current user keeps access. A failure there is reported, not fatal.
    """
    from hjp.diagnostics import os_reason

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        raise SealError(f"{path} 已经存在；hjp 从不覆盖私钥文件（覆盖即丢失）。请用 --identity 指定另一个文件名", 2) from None
    except OSError as exc:
        raise SealError(f"无法创建私钥文件 {path}（{os_reason(exc)}）", 2) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    if os.name == "nt":  # pragma: no cover - Windows only
        _restrict_windows_acl(path)


def _restrict_windows_acl(path: Path) -> None:  # pragma: no cover - Windows only
    import getpass
    import subprocess

    try:
        subprocess.run(["icacls", str(path), "/inheritance:r", "/grant:r", f"{getpass.getuser()}:F"],
                       check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        import sys

        sys.stderr.write(f"hjp: 提示：未能收紧 {path} 的访问权限（icacls 失败）；它继承所在文件夹的权限，"
                         "请确认只有本人能读取该文件夹\n")


def load_identity(path: Path, ledger_root: Path) -> Identity:
    """A custodian's identity file, refused (SealError, exit 2) when it is inside the repository,
    readable by others (POSIX), too big, not text, or holds no age private key."""
    from hjp.diagnostics import os_reason

    path = Path(os.path.expanduser(path))  # cmd.exe leaves ~ to us
    if path.exists() or path.is_symlink():
        check_key_location(path, ledger_root)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SealError(f"找不到私钥文件 {path}；请用 --identity 指定保管人的私钥文件", 2) from None
    except OSError as exc:
        raise SealError(f"无法读取私钥文件 {path}（{os_reason(exc)}）", 2) from None
    if not stat.S_ISREG(st.st_mode):
        raise SealError(f"{path} 不是普通文件；--identity 应指向保管人的私钥文件", 2)
    if st.st_size > KEY_FILE_MAX:
        raise SealError(f"{path} 有 {st.st_size} 字节，不是私钥文件（私钥文件只有几行）；请检查 --identity", 2)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SealError(f"无法读取私钥文件 {path}（{os_reason(exc)}）", 2) from None
    # POSIX: like ssh, a key others can read is refused. Windows reports no such bits (see write_identity).
    # Only a file that holds a key is told to chmod: /etc/passwd or recipients.txt is the wrong file.
    if os.name != "nt" and st.st_mode & 0o077 and re.search(rb"(?mi)^\s*AGE-SECRET-KEY-1", raw):
        raise SealError(f"私钥文件 {path} 的权限是 {stat.S_IMODE(st.st_mode):04o}，其他用户也能读取；"
                        f"请先运行 chmod 600 '{path}'（并想一想它是否已被他人复制过）", 2)
    if looks_like_age(raw):
        raise SealError(f"{path} 是加密的文件（例如用口令保护的私钥），hjp 不能直接使用；"
                        f"请先用 age -d 解密到仓库之外的文件，权限设为 600", 2)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SealError(f"{path} 不是文本文件，不是 age 私钥文件；请检查 --identity", 2) from None
    from pyrage import IdentityError, x25519

    keys, public = [], []
    for n, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("age1"):
            raise SealError(f"{path} 第 {n} 行是公钥（age1 开头），不是私钥；--identity 要的是保管人的私钥文件"
                            "（AGE-SECRET-KEY- 开头的那一行所在的文件）", 2)
        try:
            key = x25519.Identity.from_str(line)
        except IdentityError:
            raise SealError(f"{path} 第 {n} 行不是 age 私钥（应以 AGE-SECRET-KEY-1 开头，可能抄错或被截断）；"
                            "请检查 --identity", 2) from None
        keys.append(key)
        public.append(str(key.to_public()))
    if not keys:
        raise SealError(f"{path} 中没有 age 私钥（AGE-SECRET-KEY-1…）；请检查 --identity", 2)
    return Identity(path, keys, public)


# ---------------------------------------------------------------------------------------------
# access.log


def check_reason(reason: str | None) -> str:
    """The --reason of a decryption, one line of plain text (it goes into a tab-separated log)."""
    if reason is None or not reason.strip():
        raise SealError("查阅举报人信息须写明事由：--reason 事由，例如 --reason 核实举报内容，联系举报人反馈处理结果", 2)
    value = reason.strip()
    if _SURROGATE.search(value):
        raise SealError("--reason 含有无法识别的字符（不是 UTF-8）；请把终端设为 UTF-8 后重新输入", 2)
    bad = re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", value)
    if bad:
        raise SealError(f"--reason 须写在一行内，不能含换行、制表符等控制字符（U+{ord(bad.group()):04X}）", 2)
    return value


def reporter_comments(text: str) -> list[tuple[int, int]]:
    """(line, column), 1-based, of each comment on a line that holds ``reporter: 已密封`` — where a
    clerk naturally jots the name beside the marker, and which git keeps for ever (HJP240 in
    validation, HJP520 in the audit). Any other value is HJP240 itself, and migrate drops a comment
    after it. A ``#`` counts when a blank precedes it outside quotes, as YAML reads a comment. Only
    the lines holding ``reporter:`` are looked at, so this costs next to nothing."""
    out: list[tuple[int, int]] = []
    at, line_no, counted = text.find("reporter:"), 1, 0
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if "#" not in line[:at - start]:  # not itself inside a comment
            col = _comment_col(line, at - start + len("reporter:"))
            value = line[at - start + len("reporter:"):col].split(",")[0].split("}")[0].strip().strip("'\"")
            if col is not None and value == MARKER:
                line_no += text.count("\n", counted, start)
                counted = start
                out.append((line_no, col + 1))
        at = text.find("reporter:", end)
    return out


def _comment_col(line: str, pos: int) -> int | None:
    """Where a YAML comment starts in ``line`` after ``pos`` (0-based), skipping quoted text."""
    quote = ""
    for i in range(pos, len(line)):
        ch = line[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'" and (i == pos or line[i - 1] in " \t:,[{"):
            quote = ch
        elif ch == "#" and line[i - 1] in " \t":
            return i
    return None


def access_line(*, when: datetime, who: str, record: str, key: str, custodian: str, reason: str) -> str:
    """One line of access.log. It never holds the identity: only who opened which record, with
    which key, when and why."""
    def cell(text: str) -> str:
        return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text)

    used = f"{key}（{custodian}）" if custodian else key
    return "\t".join(cell(c) for c in (when.isoformat(timespec="seconds"), who, record, used, reason)) + "\n"


def appended_log(existing: bytes | None, line: str) -> bytes:
    """access.log's new bytes: the old ones untouched, then ``line`` (a header on a new file)."""
    old = existing if existing is not None else ACCESS_HEADER.encode("utf-8")
    if old and not old.endswith(b"\n"):
        old += b"\n"
    return old + line.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# What validate looks at (cheap: one directory listing and recipients.txt)


@dataclass
class Scan:
    """The sealed store as the rules see it (no file is decrypted or read, except recipients.txt)."""

    exists: bool = False
    ids: set[str] = field(default_factory=set)  # hazard IDs with a sealed file
    unknown: list[str] = field(default_factory=list)  # other names under sealed/
    recipients: bytes | None = None
    display_dir: str = DIRNAME

    def display(self, name: str) -> str:
        return os.path.join(self.display_dir, name)

    def with_ids(self, more: Iterable[str]) -> "Scan":
        return Scan(self.exists or bool(more), self.ids | set(more), list(self.unknown), self.recipients,
                    self.display_dir)


def scan(ledger_root: Path, display_dir: str | None = None) -> Scan:
    d = sealed_dir(ledger_root)
    out = Scan(display_dir=display_dir if display_dir is not None else str(d))
    try:
        entries = list(os.scandir(d))
    except (FileNotFoundError, NotADirectoryError):
        return out
    except OSError:
        return out
    out.exists = True
    for e in entries:
        name = e.name
        if name.endswith(SUFFIX) and HAZARD_ID.fullmatch(name[:-len(SUFFIX)]) and e.is_file():
            out.ids.add(name[:-len(SUFFIX)])
        elif name == RECIPIENTS and e.is_file():
            try:
                out.recipients = Path(e.path).read_bytes()
            except OSError:
                out.recipients = b""
        elif name == ACCESS_LOG and e.is_file():
            continue
        else:
            out.unknown.append(name)
    out.unknown.sort()
    return out
