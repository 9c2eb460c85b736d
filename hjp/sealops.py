"""The sealed store's operations (issue 11): ``seal init``, ``reporter show``, ``seal rekey`` and
``seal migrate``, each planned as a list of file writes and then written all or nothing.

Layering: like ``edit`` (it uses the loader and ``sealed``); the CLI gives it the clock and who is
acting (git config) and prints the results. No function here prints, logs or caches an identity:
``show`` returns it to the caller, which prints it after the access line is on disk.

Until the ledger-wide transaction of the edit layer exists, ``write_all`` is the local all-or-
nothing writer: each file is written atomically (temp file + rename) and, when a later one fails,
those already written are put back (or removed when they were new).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from hjp import sealed
from hjp.diagnostics import os_reason
from hjp.files import write_atomic
from hjp.sealed import (ACCESS_LOG, MARKER, RECIPIENTS, SUFFIX, SealError, check_hazard_id, sealed_dir,
                        sealed_path)

Display = Callable[[Path], str]


@dataclass
class Write:
    path: Path
    old: bytes | None  # None: the file is created (and must not exist)
    new: bytes


def _read(path: Path, display: Display, limit: int | None = None) -> bytes | None:
    try:
        if limit is not None and path.stat().st_size > limit:
            raise SealError(f"{display(path)} 大得不正常（{path.stat().st_size} 字节），不是 hjp 写的文件；请核对", 1)
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SealError(f"无法读取 {display(path)}（{os_reason(exc)}）", 2) from None


def write_all(writes: list[Write], repo: Path, display: Display) -> None:
    """Write every file or none (see the module docstring); SealError when anything changed on disk
    since it was planned, a path leads outside the repository, or the OS refuses."""
    for w in writes:
        if not sealed.is_inside(w.path, repo):
            raise SealError(f"{display(w.path)} 经符号链接指向仓库之外；hjp 不向仓库外写入，未写入任何内容", 1)
        if _read(w.path, display) != w.old:
            raise SealError(f"{display(w.path)} 在此期间被修改过，未写入任何内容；请重试", 1)
    done: list[Write] = []
    made: list[Path] = []
    try:
        for w in writes:
            for d in reversed([w.path.parent, *w.path.parent.parents]):
                if not d.exists():
                    d.mkdir()
                    made.append(d)
            write_atomic(w.path, w.new, durable=True)
            done.append(w)
    except BaseException as exc:
        for w in reversed(done):
            try:
                if w.old is None:
                    w.path.unlink()
                else:
                    write_atomic(w.path, w.old, durable=True)
            except OSError:
                pass
        for d in reversed(made):
            try:
                d.rmdir()
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise SealError(f"写入失败（{os_reason(exc)}），未写入任何内容", 1) from None
        raise


def _recipient_names(ledger_root: Path) -> dict[str, str]:
    raw = _read(sealed_dir(ledger_root) / RECIPIENTS, str)
    if raw is None:
        return {}
    try:
        keys, _problems = sealed.parse_recipients(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return {}
    return {r.key: r.name for r in keys}


def check_name(name: str) -> str:
    value = name.strip()
    if not value:
        raise SealError("请用 --name 写明保管人（姓名 单位），例如 --name '王某 应急办'", 2)
    if re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", value):
        raise SealError("--name 须写在一行内，不能含换行或控制字符", 2)
    return value


# ---------------------------------------------------------------------------------------------
# seal init


@dataclass
class Init:
    identity: Path
    public: str
    created: bool  # a new key pair (else the existing key file's public key was added)
    listed: bool  # the key was already a custodian: nothing written
    sealed_count: int  # sealed files the new custodian cannot read until someone runs rekey
    writes: list[Write] = field(default_factory=list)
    key_text: str | None = None


def plan_init(ledger_root: Path, *, name: str, identity: Path | None, now: datetime, display: Display) -> Init:
    name = check_name(name)
    path = Path(os.path.abspath(os.path.expanduser(identity))) if identity is not None \
        else sealed.default_identity_path()
    sealed.check_key_location(path, ledger_root)
    rpath = sealed_dir(ledger_root) / RECIPIENTS
    raw = _read(rpath, display)
    existing = None
    keys: list[sealed.Recipient] = []
    if raw is not None:
        try:
            existing = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SealError(f"{display(rpath)} 不是 UTF-8 编码；请在编辑器中“另存为 UTF-8”", 1) from None
        keys, problems = sealed.parse_recipients(existing)
        bad = [p for p in problems if p.error]
        if bad:
            raise SealError(f"{display(rpath)} 第 {bad[0].line} 行有错误（hjp validate 查看），未作任何修改；请先改正", 1)
    count = len(sealed.scan(ledger_root).ids)
    if path.exists() or path.is_symlink():
        ident = sealed.load_identity(path, ledger_root)
        public, created, key_text = ident.public[0], False, None
    else:
        secret, public = sealed.generate_identity()
        created = True
        key_text = sealed.identity_file_text(
            secret, public, created=now,
            note=f"hjp 举报人信息保管人私钥：{name}\n"
                 "不得放进任何仓库、不得发送给他人；请备份到离线介质（见 docs/sealed.md）。")
    if any(k.key == public for k in keys):
        return Init(path, public, False, True, count)
    new = sealed.recipients_text(existing, public, f"{name} {now.date().isoformat()}").encode("utf-8")
    return Init(path, public, created, False, count, [Write(rpath, raw, new)], key_text)


def apply_init(plan: Init, ledger_root: Path, display: Display) -> None:
    if plan.listed:
        return
    if plan.key_text is not None:
        sealed.write_identity(plan.identity, plan.key_text)
    try:
        write_all(plan.writes, sealed.repository_of(ledger_root), display)
    except BaseException:
        if plan.key_text is not None:  # nothing written: not even the key nobody could use
            plan.identity.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# reporter show


@dataclass
class Shown:
    text: str  # the identity: for the caller to print, nowhere else
    log: Path
    public: str


def show(ledger_root: Path, rid: str, *, identity: Path, reason: str, who: str, now: datetime,
         display: Display) -> Shown:
    """Decrypt one sealed identity and record the access (the log line is on disk before the
    identity is returned: an access that cannot be recorded is refused)."""
    check_hazard_id(rid)
    reason = sealed.check_reason(reason)
    path = sealed_path(ledger_root, rid)
    data = _read(path, display, sealed.SEALED_MAX)
    if data is None:
        raise SealError(f"{rid} 没有密封的举报人信息（{display(path)} 不存在）；请核对编号", 1)
    ident = sealed.load_identity(identity, ledger_root)
    text, used = sealed.unseal(rid, data, ident, display=display(path))
    log = sealed_dir(ledger_root) / ACCESS_LOG
    old = _read(log, display)
    line = sealed.access_line(when=now, who=who, record=rid, key=used,
                              custodian=_recipient_names(ledger_root).get(used, "不在 recipients.txt 中"),
                              reason=reason)
    write_all([Write(log, old, sealed.appended_log(old, line))], sealed.repository_of(ledger_root), display)
    return Shown(text, log, used)


# ---------------------------------------------------------------------------------------------
# seal rekey


@dataclass
class Rekey:
    writes: list[Write]
    count: int
    dropped_self: bool  # the key used is no longer among the recipients


def plan_rekey(ledger_root: Path, *, identity: Path, who: str, now: datetime, display: Display) -> Rekey:
    recipients = sealed.read_recipients(ledger_root, display)
    ident = sealed.load_identity(identity, ledger_root)
    store = sealed.scan(ledger_root)
    writes: list[Write] = []
    failed: list[str] = []
    used_keys: set[str] = set()
    for rid in sorted(store.ids):
        path = sealed_path(ledger_root, rid)
        data = _read(path, display, sealed.SEALED_MAX) or b""
        try:
            text, used = sealed.unseal(rid, data, ident, display=display(path))
        except SealError as exc:
            failed.append(f"{rid}（{exc.message.split('；')[0]}）")
            continue
        used_keys.add(used)
        writes.append(Write(path, data, sealed.seal(rid, text, recipients)))
    if failed:
        raise SealError(f"有 {len(failed)} 个密封文件打不开，未作任何修改：{'；'.join(failed)}。"
                        "请由能打开它们的保管人运行 hjp seal rekey，或从 git 历史恢复损坏的文件", 1)
    log = sealed_dir(ledger_root) / ACCESS_LOG
    old = _read(log, display)
    names = _recipient_names(ledger_root)
    key = ident.public[0] if not used_keys else sorted(used_keys)[0]
    line = sealed.access_line(when=now, who=who, record=f"全部 {len(writes)} 条", key=key,
                              custodian=names.get(key, "不在 recipients.txt 中"),
                              reason=f"{sealed.REKEY_TAG}：按 recipients.txt 重新加密（解密后立即重新加密，未显示）")
    writes.append(Write(log, old, sealed.appended_log(old, line)))
    dropped = not any(r.key in ident.public for r in recipients)
    return Rekey(writes, len(writes) - 1, dropped)


# ---------------------------------------------------------------------------------------------
# seal migrate


@dataclass
class Migration:
    writes: list[Write]  # hazards files (reporter → 已密封) and new sealed files
    moved: list[str]  # hazard IDs whose reporter was sealed
    purge: list[str]  # the texts git history still holds, for git filter-repo's --replace-text
    comments: list[tuple[str, str, int]]  # (hazard id, display path, 1-based line) of comment lines kept
    problems: list[str] = field(default_factory=list)


# `reporter: VALUE` as written in a block or a flow mapping: the value (quoted, or plain up to a
# comment, a comma or a closing brace) with any comment after it on the line.
_REPORTER_TEXT = re.compile(
    r"""reporter:[ \t]+(?P<value>"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^,}\n#]*?)(?P<rest>[ \t]*(?:#[^\n]*)?)(?=[,}\n]|$)""")


def purge_lines(texts: list[str]) -> str:
    """git filter-repo's --replace-text file: each ``reporter: VALUE`` text (longest first, so a
    value with its comment goes before the bare value) becomes ``reporter: 已密封`` everywhere in
    history. Only the key-and-value text is replaced, so a common word used as a reporter
    (村民, 匿名群众) is not removed from the rest of the ledger."""
    lines = ["# hjp seal migrate：供 git filter-repo --replace-text 使用。此文件含明文举报人信息：用后立即删除。"]
    for t in sorted(set(texts), key=lambda x: (-len(x), x)):
        lines.append(f"literal:{t}==>reporter: {MARKER}")
    return "\n".join(lines) + "\n"


def history_texts(git: Any, prefix: str) -> list[str]:
    """Every ``reporter: VALUE`` text ever added under the ledger, on any branch (not 已密封)."""
    out: list[str] = []
    pathspec = [prefix] if prefix else ["."]
    for line in git.lines("log", "--all", "-p", "--no-color", "--no-ext-diff", "-G", "reporter:", "--format=",
                          "--", *pathspec):
        if not line.startswith("+") or line.startswith("+++"):
            continue
        for m in _REPORTER_TEXT.finditer(line[1:].rstrip("\r\n")):
            value = m.group("value").strip()
            if value and value != MARKER:
                out.append(f"reporter: {m.group('value')}{m.group('rest')}".rstrip())
                if m.group("rest").strip():
                    out.append(f"reporter: {m.group('value')}".rstrip())
    return out


def plan_migration(ledger: Any, *, display: Display) -> Migration:
    """Every plaintext reporter of the ledger's hazards files (read as YAML text: also records
    that do not validate) moved into the sealed store; the files' other bytes unchanged."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    from hjp.yamltext import EditError, YamlText, get
    from hjp.yamlread import parse_text, plain

    root: Path = ledger.root
    vdir = root / "villages"
    files = sorted(vdir.glob("*/hazards.yaml")) if vdir.is_dir() else []
    store = sealed.scan(root)
    writes: list[Write] = []
    sealed_new: dict[str, str] = {}
    moved: list[str] = []
    purge: list[str] = []
    comments: list[tuple[str, str, int]] = []
    problems: list[str] = []
    for path in files:
        shown = display(path)
        raw = path.read_bytes()
        try:
            doc = YamlText.from_bytes(raw, shown)
            found = doc.top_sequence("hazards", shown)
        except EditError as exc:
            if b"reporter" in raw:
                problems.append(f"{shown}：{exc.message}")
            continue
        if found is None or not isinstance(found[2], SequenceNode):
            continue
        mine: list[str] = []
        for item in found[2].value:
            if not isinstance(item, MappingNode):
                continue
            hit = get(item, "reporter")
            if hit is None:
                continue
            value = hit[1]
            if isinstance(value, ScalarNode) and value.value == MARKER and not value.style:
                continue
            if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
                continue
            id_hit = get(item, "id")
            rid = id_hit[1].value if id_hit and isinstance(id_hit[1], ScalarNode) else None
            line = value.start_mark.line + 1
            if rid is None or not sealed.HAZARD_ID.fullmatch(rid):
                problems.append(f"{shown}:{line}：这条隐患的编号缺失或不合规，无法命名密封文件；请先改正编号（hjp validate）")
                continue
            if rid in sealed_new or rid in store.ids:
                problems.append(f"{shown}:{line}：{rid} 已有密封的举报人信息（或编号重复），同时又有明文；"
                                f"请核对：用 hjp reporter show {rid} 查看密封的内容，确认后手工删除明文那一行")
                continue
            start, end = doc.off(value.start_mark), doc.off(value.end_mark)
            source = doc.text[start:end]
            if isinstance(value, ScalarNode):
                text = value.value
            else:
                text = source
            text = text.strip()
            # a comment after the value on its last line goes too (a block scalar ends at the start
            # of the next line: a comment after its | is inside the value already)
            tail_end = end
            if value.end_mark.column:
                rest = doc.text[end:doc.line_end(value.end_mark.line)].rstrip("\r\n")
                if re.fullmatch(r"[ \t]+#.*", rest):
                    tail_end = end + len(rest)
            block = isinstance(value, ScalarNode) and value.style in ("|", ">")
            replacement = MARKER + (doc.eol if block and value.end_mark.column == 0 else "")
            first_line = doc.text[doc.starts[value.start_mark.line]:doc.line_end(value.start_mark.line)].rstrip("\r\n")
            for m in _REPORTER_TEXT.finditer(first_line):
                purge.append(f"reporter: {m.group('value')}{m.group('rest')}".rstrip())
                purge.append(f"reporter: {m.group('value')}".rstrip())
            if not text:
                problems.append(f"{shown}:{line}：{rid} 的 reporter 是空的；没有举报人信息的（匿名举报），请删去 reporter 这一行")
                continue
            try:
                text = sealed.clean_identity_text(text, f"{rid} 的 reporter")
            except SealError as exc:
                problems.append(f"{shown}:{line}：{exc.message}")
                continue
            doc.edits.append((start, tail_end, replacement))
            sealed_new[rid] = text
            mine.append(rid)
            first, last = doc.record_lines(item)
            for n in range(first, last + 1):
                if doc.text[doc.starts[n]:doc.line_end(n)].lstrip().startswith("#"):
                    comments.append((rid, shown, n + 1))
        if mine:
            new = doc.to_bytes()
            _verify(raw, new, shown, parse_text, plain)
            writes.append(Write(path, raw, new))
            moved.extend(mine)
    if problems:
        return Migration([], [], purge, comments, problems)
    if sealed_new:
        recipients = sealed.read_recipients(root, display)
        for rid in sorted(sealed_new):
            writes.append(Write(sealed_path(root, rid), None, sealed.seal(rid, sealed_new[rid], recipients)))
    return Migration(writes, sorted(moved), purge, comments)


def _verify(old: bytes, new: bytes, shown: str, parse_text: Any, plain: Any) -> None:
    """The migrated file reads back to the old records with each moved reporter now 已密封."""
    before = plain(parse_text(old.decode("utf-8-sig"), shown).data)
    after = plain(parse_text(new.decode("utf-8-sig"), shown).data)
    want = before
    for rec in want.get("hazards") or []:
        if isinstance(rec, dict) and rec.get("reporter") not in (None, MARKER):
            rec["reporter"] = MARKER
    if after != want:
        raise SealError(f"内部错误：迁移后的 {shown} 读回后与预期不符，未写入任何内容（请报告此问题）", 1)


def purge_file_path(repo: Path, now: datetime) -> Path:
    """Where the replace-text file goes: under the user's home, never inside the repository (it holds
    the identities in clear) and never in the temporary directory."""
    return Path.home() / ".hjp" / f"purge-{repo.name}-{now.strftime('%Y%m%d-%H%M%S')}.txt"


def write_purge_file(path: Path, text: str, ledger_root: Path) -> Path:
    """Create the replace-text file (0600, a new file: ``-2``, ``-3`` … when the name is taken)."""
    if sealed.is_inside(path, sealed.repository_of(ledger_root)):
        raise SealError(f"清除用的文件 {path} 会落在仓库之内；请把 HOME 设到仓库之外后重试", 2)
    for n in range(1, 100):
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        if target.exists() or target.is_symlink():
            continue
        try:
            sealed.write_identity(target, text)  # the same care as a key: 0600, created, never overwritten
        except SealError as exc:
            if target.exists():
                continue
            raise SealError(exc.message.split("；")[0].replace("私钥文件", "清除用的文件"), 2) from None
        return target
    raise SealError(f"{path.parent} 中同名的清除用文件太多；请先删除用过的", 2)


def sealed_files(plan: Migration) -> list[Path]:
    return [w.path for w in plan.writes if w.path.name.endswith(SUFFIX)]
