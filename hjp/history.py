"""Git history as the audit trail: each record's changes (``hjp log``) and what looks wrong (``hjp audit``).

Git does the heavy lifting: ``git log --raw -- FILE`` lists the commits touching a file with the
blob of that file before and after each one, and a single ``git cat-file --batch`` process reads
the blobs while the log is still being written. A record's text is cut out of each blob by its
``- id:`` line and parsed only when that slice changed, so following one record through thousands of
commits parses a handful of slices — usually without PyYAML (``quick_record``), whose import alone
would cost more. ``hjp log`` is held to 3 × ``git log -- FILE`` (tests/benchmarks/bench_history.py).
Every change is compared with the commit's own parent, so merges and branches need no special care
(a merge's own conflict resolutions are not inspected: the branch commits are).
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from hjp import kinds
from hjp.diagnostics import Diagnostic, error

NULL_SHA = "0" * 40
# From the registry of record kinds (stdlib only: hjp log imports no pydantic).
ID_PATTERN = kinds.ID_PATTERN
RECORD_FILE = kinds.RECORD_FILE
BACKDATE_FIELDS = ("rectified_on", "closed_on", "done_on", "held_on")
DEADLINE_FIELDS = re.compile(r"^(rectification\.deadline|deadline|planned_on|milestones\[\d+\]\.due)$")
AUDIT_FREE_FIELDS = {"void", "notes"}  # what may still change on a closed (销号) record
BACKDATE_DAYS = 7
# Variables that move the repository away from <work tree>/.git (then git is asked where things are).
_GIT_DIR_ENV = ("GIT_DIR", "GIT_COMMON_DIR", "GIT_SHALLOW_FILE")


class GitError(Exception):
    """git is missing, the directory is not a repository, or a revision is unknown (exit 2)."""


# ---------------------------------------------------------------------------------------------
# git plumbing


class Git:
    """git processes for one repository: whole commands, streamed commands, and one ``cat-file --batch``.

    Blobs are asked for as soon as their ids are known (``ask``) and read by a background thread,
    so cat-file works while ``git log`` is still walking history (each costs tens of milliseconds
    on a long history); ``blob`` then waits only for what has not arrived yet.
    """

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self._batch: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._answers = threading.Condition()
        self._blobs: dict[str, str | None] = {}  # key (blob id or rev:path) -> text; None: not a blob here
        self._waiting: deque[str] = deque()  # keys asked for and not answered yet, in order
        self._asked: set[str] = set()
        self._ended = False  # cat-file exited: nothing more will be answered
        self._unsent = False  # requests written but still in our buffer
        self._shallow: frozenset[str] | None = None

    def _argv(self, args: tuple[str, ...]) -> list[str]:
        return ["git", "-c", "core.quotePath=false", "-c", "i18n.logOutputEncoding=UTF-8", *args]

    def _popen(self, args: tuple[str, ...], **kw: Any) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(self._argv(args), cwd=self.cwd, env={**os.environ, "LC_ALL": "C"}, **kw)
        except FileNotFoundError:
            raise GitError("找不到 git 命令；请先安装 git") from None

    def run(self, *args: str, check: bool = True) -> str:
        proc = self._popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate()
        if check and proc.returncode != 0:
            raise _failed(err, args)
        return out.decode("utf-8", "replace")

    def lines(self, *args: str) -> Iterator[str]:
        """The output of a git command, line by line as git writes it (GitError if it fails).

        git starts at once, not when the lines are first asked for; iterate them to the end, or
        ``close()`` the iterator, so that the process is reaped.
        """
        return self._lines(self._popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE), args)

    def _lines(self, proc: subprocess.Popen[bytes], args: tuple[str, ...]) -> Iterator[str]:
        assert proc.stdout is not None and proc.stderr is not None
        try:
            for line in proc.stdout:
                yield line.decode("utf-8", "replace")
            err = proc.stderr.read()  # git's messages are short: they cannot fill the pipe first
            if proc.wait() != 0:
                raise _failed(err, args)
        finally:  # also when the caller stops early
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()

    def toplevel(self) -> Path:
        try:
            return Path(self.run("rev-parse", "--show-toplevel").strip())
        except GitError:
            raise GitError(f"{self.cwd} 不在 git 仓库中；修改历史和审计需要用 git 管理台账") from None

    def ask(self, keys: Iterable[str | None], *, now: bool = True) -> None:
        """Queue blobs (ids, or ``rev:path``) for reading without waiting for them.

        ``now=False`` leaves the request in the pipe's buffer (sent when 8 KB have gathered, or when
        an answer is awaited): a write to cat-file for each commit of a long log cost more than the
        reading it overlapped.
        """
        new = [k for k in dict.fromkeys(keys) if k and k != NULL_SHA and "\n" not in k and k not in self._asked]
        if not new:
            if now and self._unsent and self._batch is not None:
                self._send()
            return
        if self._batch is None:
            self._batch = self._popen(("cat-file", "--batch"), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self._ended = False
            self._reader = threading.Thread(target=self._read_answers, args=(self._batch,), daemon=True)
            self._reader.start()
        assert self._batch.stdin is not None
        with self._answers:
            self._asked.update(new)
            self._waiting.extend(new)
        try:
            self._batch.stdin.write("".join(k + "\n" for k in new).encode())
            self._unsent = not now
            if now:
                self._batch.stdin.flush()
        except OSError:  # cat-file died; blob() answers None for what it did not read
            with self._answers:
                self._ended = True
                self._answers.notify_all()

    def _send(self) -> None:
        assert self._batch is not None and self._batch.stdin is not None
        try:
            self._batch.stdin.flush()
        except OSError:
            with self._answers:
                self._ended = True
                self._answers.notify_all()
        self._unsent = False

    def _read_answers(self, batch: subprocess.Popen[bytes]) -> None:
        """Background thread: cat-file's answers, in the order asked, into ``_blobs``."""
        out = batch.stdout
        assert out is not None
        try:
            while True:
                header = out.readline()
                if not header:
                    break
                parts = header.split()  # "<id> <type> <size>", or "<what was asked> missing"
                text = None
                if len(parts) == 3 and parts[2].isdigit():
                    size = int(parts[2])
                    data = out.read(size + 1)
                    if len(data) < size + 1:
                        break
                    text = data[:size].decode("utf-8-sig", "replace")
                with self._answers:
                    self._blobs[self._waiting.popleft()] = text
                    self._answers.notify_all()
        finally:
            with self._answers:
                self._ended = True
                self._answers.notify_all()

    def blob(self, sha: str | None) -> str | None:
        """The text of a blob (None for the null id or a missing object)."""
        if not sha or sha == NULL_SHA or "\n" in sha:
            return None
        if sha not in self._asked:
            self.ask([sha])
        elif self._unsent and sha not in self._blobs:
            self.ask([], now=True)
        with self._answers:
            while sha not in self._blobs and not self._ended:
                self._answers.wait()
            return self._blobs.get(sha)

    def forget(self) -> None:
        """Drop the blobs read so far (audit reads history in batches)."""
        with self._answers:
            self._asked.difference_update(self._blobs)
            self._blobs.clear()

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None and self._batch.stdout is not None
            try:
                self._batch.stdin.close()
            except OSError:
                pass
            self._batch.wait()
            if self._reader is not None:
                self._reader.join()
            self._batch.stdout.close()
            self._batch = self._reader = None
            self._unsent = False
            self._blobs.clear()
            self._waiting.clear()
            self._asked.clear()


def _failed(stderr: bytes, args: tuple[str, ...]) -> GitError:
    return GitError(stderr.decode("utf-8", "replace").strip() or f"git {args[0]} 失败")


@dataclass
class Commit:
    sha: str
    author: str
    email: str
    date: str  # author date, ISO 8601 with the author's offset
    ctime: int  # committer time, Unix seconds
    subject: str
    root: bool = False  # no parent
    shallow: bool = False  # a shallow clone's boundary: it has parents, but they are not here
    changes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (old sha, new sha, status, path)

    def change(self, path: str) -> tuple[str, str, str, str] | None:
        return next((c for c in self.changes if c[3] == path), None)


_FORMAT = "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%ct%x1f%s"


def shallow_commits(git: Git) -> frozenset[str]:
    """The boundary commits of a shallow clone (empty for a full one).

    git shows such a commit without parents, so its diff claims to add every file: it is where the
    local history starts, not where the records were created.
    """
    if git._shallow is None:
        if (git.cwd / ".git").is_dir() and not any(v in os.environ for v in _GIT_DIR_ENV):
            path = git.cwd / ".git" / "shallow"  # the plain layout: no git process needed to know
        else:  # a linked work tree, a submodule, or GIT_DIR & co.: ask git where the file is
            rel = git.run("rev-parse", "--git-path", "shallow", check=False).strip()
            path = git.cwd / rel if rel else None
        try:
            text = path.read_text(encoding="ascii") if path is not None else ""
        except (OSError, UnicodeDecodeError):
            text = ""
        git._shallow = frozenset(text.split())
    return git._shallow


def has_commits(git: Git) -> bool:
    return bool(git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def iter_log(git: Git, revs: list[str], paths: list[str], *, full_diff: bool = False) -> Iterator[Commit]:
    """Commits (newest first unless --reverse) with their raw changes under ``paths`` (all their
    changes with ``full_diff``), each yielded as soon as git has written it; git starts at once."""
    # --root: a root commit's files are its changes even where log.showRoot is off.
    lines = git.lines("log", "--raw", "--root", "--no-renames", "--no-abbrev", _FORMAT,
                      *(["--full-diff"] if full_diff else []), *revs, "--", *paths)
    return _commits(lines, shallow_commits(git))


def _commits(lines: Iterator[str], shallow: frozenset[str]) -> Iterator[Commit]:
    commit: Commit | None = None
    for line in lines:
        if line.startswith("\x1e"):
            if commit is not None:
                yield commit
            sha, parents, author, email, adate, ctime, subject = line[1:].rstrip("\n").split("\x1f", 6)
            commit = Commit(sha, author, email, adate, int(ctime), subject, root=not parents.strip(),
                            shallow=sha in shallow)
        elif line.startswith(":") and commit is not None:
            meta, _, path = line.rstrip("\n").partition("\t")
            parts = meta.split()
            commit.changes.append((parts[2], parts[3], parts[4], path))
    if commit is not None:
        yield commit


def commit_date(ctime: int, tz: str) -> date:
    """The day a commit was made, in the ledger's time zone."""
    try:
        from zoneinfo import ZoneInfo

        zone: Any = ZoneInfo(tz)
    except Exception:  # no tz database: China has had no DST since 1991
        zone = timezone(timedelta(hours=8))
    return datetime.fromtimestamp(ctime, zone).date()


# ---------------------------------------------------------------------------------------------
# Records inside blobs


def top_of(path: str) -> str | None:
    stem = kinds.stem_of_path(path)
    return kinds.BY_STEM[stem].top if stem is not None else None


def records_in(text: str | None, path: str) -> dict[str, tuple[dict[str, Any], int]]:
    """{id: (record, 1-based line)} of one version of a record file; {} when unreadable."""
    if text is None:
        return {}
    from hjp.yamlread import parse_text, plain as _plain  # PyYAML only when a whole file must be read

    top = top_of(path)
    data = parse_text(text, path).data
    if not isinstance(data, dict) or not isinstance(data.get(top), list):
        return {}
    out: dict[str, tuple[dict[str, Any], int]] = {}
    for item in data[top]:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.setdefault(item["id"], (_plain(item), item.line + 1))
    return out


# ---------------------------------------------------------------------------------------------
# Reading a record's slice without PyYAML
#
# Importing PyYAML costs more than reading every version of a record in a typical ``hjp log``, and
# records are written in a small, regular subset of YAML. ``quick_record`` reads that subset and
# answers exactly what ``parse_text`` (then ``_plain``) would; on anything outside it, it answers
# None and the caller asks PyYAML. Being sure beats being clever: every doubt is a None.

# Characters PyYAML reads as something other than text (line breaks, BOM, non-printables), tabs and
# lone carriage returns: a slice holding any of them goes to PyYAML. (Written as the few characters
# refused rather than the many accepted: the negated class took 4 ms to compile, on every run.)
_QUICK_ODD = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_QUICK_LINE = re.compile(r"( *)(- +)?([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?")
_QUICK_ITEM = re.compile(r"( *)- +(.*)")
_QUICK_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUICK_INT = re.compile(r"0|[1-9][0-9]*")
# PyYAML 1.1's implicit types, keyed like its resolvers by the first character (hjp keeps dates as text).
_QUICK_WORDS = {**dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
                **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
                **dict.fromkeys(("null", "Null", "NULL"), None)}
_QUICK_RESOLVED_FIRST = frozenset("yYnNtTfFoO-+.0123456789<=~")
_QUICK_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class _NotQuick(Exception):
    pass


def _quick_plain(text: str, flow: bool) -> Any:
    """A plain scalar's value (comment already removed), as PyYAML's resolver would type it."""
    if not text:
        return None
    first = text[0]
    if first in _QUICK_INDICATORS or ": " in text or text.endswith(":") or " #" in text:
        raise _NotQuick
    if flow and any(c in text for c in ",[]{}:#"):
        raise _NotQuick
    if first in _QUICK_RESOLVED_FIRST:
        if text in _QUICK_WORDS:
            return _QUICK_WORDS[text]
        if first in "-+.0123456789<=~":
            if _QUICK_DATE.fullmatch(text):
                return text
            if _QUICK_INT.fullmatch(text):
                return int(text)
            raise _NotQuick
    return text


def _quick_value(text: str) -> Any:
    """The value after ``key: `` or ``- `` on one line: a plain or simply quoted scalar, or a flow
    collection of plain scalars on that line."""
    first = text[:1]
    if first in ("'", '"'):
        end = text.find(first, 1)
        rest = text[end + 1:] if end > 0 else "x"
        if end < 0 or "\\" in text[:end] or rest.strip() and not rest.lstrip().startswith("#") or \
                rest and not rest.startswith(" "):
            raise _NotQuick
        return text[1:end]
    if first in ("{", "["):
        close = "}" if first == "{" else "]"
        end = text.find(close)
        rest = text[end + 1:] if end > 0 else "x"
        if end < 0 or rest.strip() and not rest.lstrip().startswith("#") or rest and not rest.startswith(" "):
            raise _NotQuick
        body = text[1:end].strip()
        if first == "[":
            items = [item.strip() for item in body.split(",")] if body else []
            if "" in items:  # [a, ] is ['a'] to PyYAML, [a, , b] an error
                raise _NotQuick
            return [_quick_plain(item, True) for item in items]
        out: dict[str, Any] = {}
        for item in body.split(",") if body else []:
            key, sep, value = item.strip().partition(": ")
            if not sep and item.strip().endswith(":"):
                key, value = item.strip()[:-1], ""
            elif not sep:
                raise _NotQuick
            key = _quick_key(key)
            if key in out:
                raise _NotQuick
            out[key] = _quick_plain(value.strip(), True)
        return out
    cut = text.find(" #")
    return _quick_plain((text[:cut] if cut >= 0 else text).rstrip(" "), False)


def _quick_key(key: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) or key in _QUICK_WORDS:
        raise _NotQuick
    return key


def quick_record(piece: str) -> dict[str, Any] | None:
    """The record in ``piece`` (one ``- key: value`` block list item), or None when unsure."""
    if "\r" in piece:
        piece = piece.replace("\r\n", "\n")
    if _QUICK_ODD.search(piece):
        return None
    lines = [ln for ln in piece.split("\n") if ln.strip(" ") and not ln.lstrip(" ").startswith("#")]
    try:
        first = _QUICK_LINE.fullmatch(lines[0]) if lines else None
        if first is None or first.group(2) is None:
            return None
        indent = len(first.group(1)) + len(first.group(2))  # the record's keys line up with the first
        record: dict[str, Any] = {}
        i = 0
        while i < len(lines):
            mm = _QUICK_LINE.fullmatch(lines[i]) if i else first
            if mm is None or (i and (mm.group(2) is not None or len(mm.group(1)) != indent)):
                return None
            key = _quick_key(mm.group(3))
            if key in record:
                return None
            text = (mm.group(4) or "").rstrip(" ")
            i += 1
            if text and not text.startswith("#"):
                record[key] = _quick_value(text)
                continue
            # ``key:`` alone: a nested block mapping or block list follows, or the value is null.
            nxt = lines[i] if i < len(lines) else ""
            depth = len(nxt) - len(nxt.lstrip(" "))
            if nxt[depth:depth + 2] == "- " and depth >= indent:
                items = []
                while i < len(lines) and (im := _QUICK_ITEM.fullmatch(lines[i])) and len(im.group(1)) == depth:
                    items.append(_quick_value(im.group(2).rstrip(" ")))
                    i += 1
                record[key] = items
            elif depth > indent:
                inner: dict[str, Any] = {}
                while i < len(lines) and len(lines[i]) - len(lines[i].lstrip(" ")) > indent:
                    im = _QUICK_LINE.fullmatch(lines[i])
                    if im is None or im.group(2) is not None or len(im.group(1)) != depth:
                        return None
                    sub = _quick_key(im.group(3))
                    value = (im.group(4) or "").rstrip(" ")
                    if sub in inner or not value or value.startswith("#"):
                        return None  # a second level of nesting, or a null: PyYAML decides
                    inner[sub] = _quick_value(value)
                    i += 1
                record[key] = inner
            else:
                record[key] = None
        return record
    except _NotQuick:
        return None


class RecordReader:
    """One record's value in many blobs, parsing only the slices that differ."""

    def __init__(self, git: Git, rid: str):
        self.git = git
        self.rid = rid
        self._line = re.compile(r"^([ ]*)-[ ]+id:[ ]*(['\"]?)" + re.escape(rid) + r"\2[ ]*(?:#[^\n]*)?\r?$", re.M)
        self._slices: dict[str, Any] = {}
        self._by_blob: dict[str | None, Any] = {}

    def slice(self, text: str) -> str | None:
        # The first line that is this record's ``- id:`` line: only lines holding the ID can be
        # (several times faster than searching the whole text with the pattern).
        mm = None
        at = text.find(self.rid)
        while at >= 0 and mm is None:
            mm = self._line.match(text, text.rfind("\n", 0, at) + 1)
            end = text.find("\n", at)
            at = text.find(self.rid, end) if end >= 0 else -1
        if mm is None:
            return None
        indent = len(mm.group(1))
        # Only look as far as the next line that is not indented deeper (usually the next record).
        nxt = re.compile(r"\n[ ]{0,%d}[^ \r\n]" % indent).search(text, mm.end())
        lines = text[mm.start():nxt.start() + 1 if nxt else len(text)].splitlines(keepends=True)
        end = 1
        while end < len(lines):
            ln = lines[end]
            body = ln.strip()
            if body and len(ln) - len(ln.lstrip(" ")) <= indent:
                break
            end += 1
        while end > 1 and not lines[end - 1].strip():
            end -= 1
        return "".join(lines[:end])

    def get(self, sha: str | None, path: str) -> dict[str, Any] | None:
        if sha in self._by_blob:
            return self._by_blob[sha]
        found = self._get(sha, path)
        if sha is not None:
            self._by_blob[sha] = found
        return found

    def _get(self, sha: str | None, path: str) -> dict[str, Any] | None:
        text = self.git.blob(sha)
        if text is None or self.rid not in text:
            return None
        piece = self.slice(text)
        if piece is not None:
            if piece in self._slices:
                return self._slices[piece]
            quick = quick_record(piece)
            if quick is not None and quick.get("id") == self.rid:
                self._slices[piece] = quick
                return quick
            from hjp.yamlread import parse_text, plain as _plain

            data = parse_text(piece, path).data
            if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict) and data[0].get("id") == self.rid:
                self._slices[piece] = _plain(data[0])
                return self._slices[piece]
        found = records_in(text, path).get(self.rid)  # unusual layout: read the whole file
        return found[0] if found else None


def flatten(record: dict[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    """``rectification.deadline``, ``milestones[2].done_on``… → value; lists of scalars stay whole."""
    out: dict[str, Any] = {}
    for key, value in (record or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            for i, v in enumerate(value):
                if isinstance(v, dict):
                    out.update(flatten(v, f"{name}[{i + 1}]."))
                else:
                    out[f"{name}[{i + 1}]"] = v
        else:
            out[name] = value
    return out


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    a, b = flatten(old), flatten(new)
    keys = list(b) + [k for k in a if k not in b]
    return [(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


# ---------------------------------------------------------------------------------------------
# hjp log


@dataclass
class Event:
    commit: Commit
    path: str
    kind: str  # created | changed | moved | deleted
    changes: list[tuple[str, Any, Any]]
    other: str | None = None  # moved from / to


def _file_log(git: Git, path: str, rev: str, also: Iterable[str] = ()) -> list[Commit]:
    """The commits that changed ``path``, from ``rev`` back, with all their changes; cat-file starts
    reading the file's versions as soon as each commit arrives (and ``also`` while git starts)."""
    commits = []
    log = iter_log(git, [rev], [path], full_diff=True)
    git.ask(also)
    for commit in log:
        ch = commit.change(path)
        if ch is not None:
            git.ask(ch[:2], now=False)
        commits.append(commit)
    return commits


def _worktree_candidates(top: Path, pathspec: str, kind: kinds.Kind | None, rid: str) -> list[str]:
    base = top / pathspec if pathspec else top
    files = sorted((base / "villages").glob(f"*/{kind.stem}.yaml")) if kind and kind.village else []
    if kind and kind.town:
        files.insert(0, base / f"{kind.stem}.yaml")
    needle = rid.encode()
    out = []
    for f in files:
        try:
            if needle in f.read_bytes():
                out.append(f.relative_to(top).as_posix())
        except OSError:
            continue
    return out


def check_id(rid: str) -> None:
    """GitError (a usage error) unless ``rid`` is a well-formed record ID: it becomes part of git
    arguments and patterns, and an ID that cannot exist has no history to show."""
    if ID_PATTERN.fullmatch(rid):
        return
    hint = f"；是不是要写 {rid.upper()}？" if ID_PATTERN.fullmatch(rid.upper()) else ""
    raise GitError(f"编号 {rid} 格式不对：应为类别前缀 YH（隐患）、RW（任务）、YL（演练）、DW（单位）加 - 和字母数字，"
                   f"例如 YH-2024-0001{hint}")


def record_log(git: Git, rid: str, prefix: str) -> list[Event]:
    """Every commit that changed record ``rid``, oldest first, following it between files."""
    check_id(rid)
    reader = RecordReader(git, rid)
    pathspec = f"{prefix}/" if prefix else ""
    kind = kinds.of_id(rid)
    patterns = kinds.history_patterns(kind, pathspec) if kind else []
    starts: list[tuple[str, str]] = []
    logs: dict[tuple[str, str], list[Commit]] = {}
    # Where it is now: a scan of the checked-out files (cheaper than git grep), confirmed in HEAD.
    candidates = _worktree_candidates(git.cwd, pathspec, kind, rid)
    if candidates:
        # Read HEAD's versions while the first file's history is walked (it is usually the only one).
        heads = [f"HEAD:{path}" for path in candidates]
        try:
            logs[(candidates[-1], "HEAD")] = _file_log(git, candidates[-1], "HEAD", also=heads)
        except GitError:
            pass  # e.g. no commits yet: the checks below say what to do
        git.ask(heads)
    for path in candidates:
        if reader.get(f"HEAD:{path}", path) is not None:
            starts.append((path, "HEAD"))
    if not starts:
        if not has_commits(git):  # a fresh repository: nothing committed, so no history yet
            return []
        grep = git.run("grep", "-l", "-F", rid, "HEAD", "--", *patterns, check=False)
        for line in grep.splitlines():
            path = line.split(":", 1)[1]
            if reader.get(f"HEAD:{path}", path) is not None:
                starts.append((path, "HEAD"))
    if not starts:  # deleted since: start from the newest commit whose diff mentions it
        for commit in iter_log(git, ["-S", rid, "-n", "20"], patterns):
            for old, new, _st, path in commit.changes:
                if reader.get(old, path) is not None and reader.get(new, path) is None:
                    starts.append((path, commit.sha))
            if starts:
                break
    events: dict[str, Event] = {}
    order: list[str] = []
    todo = list(starts)
    walked: set[tuple[str, str]] = set()
    while todo:
        path, rev = todo.pop()
        if (path, rev) in walked:
            continue
        walked.add((path, rev))
        commits = logs.pop((path, rev)) if (path, rev) in logs else _file_log(git, path, rev)
        for commit in commits:
            ch = commit.change(path)
            if ch is None:
                continue
            old, new = reader.get(ch[0], path), reader.get(ch[1], path)
            if old == new or commit.sha in events:
                continue
            kind, other, before, after = "changed", None, old, new
            if (old is None or new is None) and not commit.root:
                # Moved between files? The commit's other record files (the log lists all its changes).
                for o_old, o_new, _st, o_path in commit.changes:
                    if o_path == path or not o_path.startswith(pathspec) or not top_of(o_path):
                        continue
                    o_before, o_after = reader.get(o_old, o_path), reader.get(o_new, o_path)
                    if old is None and o_before is not None and o_after is None:
                        kind, other, before = "moved", o_path, o_before
                        todo.append((o_path, f"{commit.sha}^"))
                        break
                    if new is None and o_before is None and o_after is not None:
                        kind, other, after = "moved", o_path, o_after
                        break
                else:
                    kind = "created" if old is None else "deleted"
            elif old is None or new is None:
                kind = "created" if old is None else "deleted"
            if commit.shallow and kind == "created":
                kind = "first-seen"  # the clone's history starts here; the record is older
            if kind == "moved" and new is None:  # report a move once, as arriving at its new file
                events[commit.sha] = Event(commit, other or path, "moved", diff(before, after), path)
            elif kind == "moved":
                events[commit.sha] = Event(commit, path, "moved", diff(before, after), other)
            else:
                events[commit.sha] = Event(commit, path, kind, diff(before, after))
            order.append(commit.sha)
    ranked = sorted(range(len(order)), key=lambda i: (events[order[i]].commit.ctime, -i))
    return [events[order[i]] for i in ranked]


def show(value: Any) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _mask(name: str, value: Any, include_confidential: bool) -> Any:
    if value is not None and not include_confidential and name.split(".")[-1] == "reporter":
        return "（保密）"
    return value


def _field_line(text: str) -> str:
    # a multi-line value (notes, a title with a line break) stays indented under its field
    return text.replace("\r\n", "\n").replace("\n", "\n    ")


def log_text(rid: str, events: list[Event], *, include_confidential: bool = False) -> str:
    if not events:
        return f"{rid} 还没有任何已提交的修改记录。\n"
    lines = [f"{rid} 的修改历史（{len(events)} 次提交，从早到晚）："]
    for ev in events:
        c = ev.commit
        lines.append("")
        lines.append(f"{c.date[:10]} {c.date[11:16]}  {c.sha[:7]}  {c.author} <{c.email}>  {c.subject}")
        if ev.kind in ("created", "first-seen"):
            if ev.kind == "created":
                lines.append(f"  新建于 {ev.path}")
            else:
                lines.append(f"  位于 {ev.path}（浅克隆：本地历史从这次提交开始，更早的修改看不到；"
                             "git fetch --unshallow 可取回全部历史）")
            lines.extend(_field_line(f"  {k}: {show(_mask(k, new, include_confidential))}") for k, _old, new in ev.changes)
            continue
        if ev.kind == "moved":
            lines.append(f"  移动：{ev.other} → {ev.path}")
        elif ev.kind == "deleted":
            lines.append(f"  从 {ev.path} 删除")
        for k, old, new in ev.changes:
            if ev.kind == "deleted":
                continue
            lines.append(_field_line(f"  {k}: {show(_mask(k, old, include_confidential))} → "
                                     f"{show(_mask(k, new, include_confidential))}"))
    return "\n".join(lines) + "\n"


def log_json(rid: str, events: list[Event], *, include_confidential: bool = False) -> dict[str, Any]:
    return {"id": rid, "commits": [{
        "commit": ev.commit.sha, "date": ev.commit.date, "author": ev.commit.author, "email": ev.commit.email,
        "message": ev.commit.subject, "event": ev.kind, "path": ev.path, "from": ev.other if ev.kind == "moved" else None,
        "changes": [{"field": k, "old": _mask(k, o, include_confidential), "new": _mask(k, n, include_confidential)}
                    for k, o, n in ev.changes],
    } for ev in events]}


# ---------------------------------------------------------------------------------------------
# hjp audit


@dataclass
class Finding:
    code: str
    record: str
    path: str  # repository-relative
    line: int
    message: str
    commit: Commit

    def diagnostic(self, display: str) -> Diagnostic:
        c = self.commit
        return error(self.code, f"{self.message}（提交 {c.sha[:7]}，{c.author} <{c.email}>，{c.date[:10]}）",
                     display, self.line, 1, self.record)

    def to_json(self, display: str) -> dict[str, Any]:
        return {"code": self.code, "record": self.record, "path": display, "line": self.line,
                "message": self.message, "commit": self.commit.sha, "author": self.commit.author,
                "email": self.commit.email, "date": self.commit.date, "subject": self.commit.subject}


def _as_date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def _similar(a: dict[str, Any], b: dict[str, Any]) -> float:
    fa = {k: v for k, v in flatten(a).items() if k != "id"}
    fb = {k: v for k, v in flatten(b).items() if k != "id"}
    keys = set(fa) | set(fb)
    return sum(1 for k in keys if fa.get(k) == fb.get(k)) / len(keys) if keys else 1.0


def _title(rec: dict[str, Any]) -> str:
    return str(rec.get("title") or rec.get("name") or "")


def audit_commit(git: Git, commit: Commit, tz: str,
                 parsed: dict[tuple[str, str], dict[str, tuple[dict[str, Any], int]]] | None = None) -> list[Finding]:
    """The findings of one commit, each record compared with the commit's parent."""
    parsed = {} if parsed is None else parsed  # (blob, path) -> records: each version is parsed once

    def records(sha: str, path: str) -> dict[str, tuple[dict[str, Any], int]]:
        key = (sha, path)
        if key not in parsed:
            parsed[key] = records_in(git.blob(sha), path)
        return parsed[key]

    before: dict[str, tuple[dict[str, Any], str, int]] = {}
    after: dict[str, tuple[dict[str, Any], str, int]] = {}
    for old, new, _st, path in commit.changes:
        if not top_of(path):
            continue
        for rid, (rec, line) in records(old, path).items():
            before.setdefault(rid, (rec, path, line))
        for rid, (rec, line) in records(new, path).items():
            after.setdefault(rid, (rec, path, line))
    day = commit_date(commit.ctime, tz)
    found: list[Finding] = []
    removed = [r for r in before if r not in after]
    added = [r for r in after if r not in before]
    renamed: dict[str, str] = {}  # new id -> old id
    for rid in removed:
        rec, path, line = before[rid]
        best = max(((_similar(rec, after[n][0]), n) for n in added if n not in renamed), default=(0.0, ""))
        if best[0] >= 0.5:
            renamed[best[1]] = rid
            n_rec, n_path, n_line = after[best[1]]
            found.append(Finding("HJP502", best[1], n_path, n_line,
                                 f"编号 {rid} 被改成了 {best[1]}；编号一经使用不能更改，请恢复原编号"
                                 "（录入错误的记录请作废后另行新建）", commit))
        else:
            found.append(Finding("HJP501", rid, path, line,
                                 f"{rid}（{_title(rec)}）被删除，而不是作废；记录不能删除，请恢复它，"
                                 "录入错误时加上 void: {date: 日期, reason: 原因}", commit))
    for rid, (rec, path, line) in after.items():
        prior = before.get(renamed.get(rid, rid))
        old_rec = prior[0] if prior else None
        if old_rec == rec:
            continue
        changes = diff(old_rec, rec)
        for name, old, new in changes:
            leaf = name.split(".")[-1]
            if leaf in BACKDATE_FIELDS and new is not None:
                d = _as_date(new)
                if d is not None and (day - d).days > BACKDATE_DAYS:
                    found.append(Finding("HJP503", rid, path, line,
                                         f"{rid} 的 {name} 记为 {d}，比设置它的提交日期 {day} 早 {(day - d).days} 天"
                                         f"（超过 {BACKDATE_DAYS} 天），疑似事后补记或倒签日期；请核实", commit))
            if DEADLINE_FIELDS.match(name) and old is not None and new is not None:
                d_old, d_new = _as_date(old), _as_date(new)
                if d_old is not None and d_new is not None and d_old < day and d_new > d_old:
                    found.append(Finding("HJP504", rid, path, line,
                                         f"{rid} 的期限 {name} 在 {d_old} 已过之后被推迟到 {d_new}（提交日期 {day}）；"
                                         "期限过后不应改动，逾期应如实反映", commit))
        if old_rec is not None and old_rec.get("closed_on") is not None and rid.startswith("YH"):
            edited = [name for name, _o, _n in changes if name.split(".")[0].split("[")[0] not in AUDIT_FREE_FIELDS]
            if edited:
                found.append(Finding("HJP505", rid, path, line,
                                     f"{rid} 已于 {old_rec['closed_on']} 销号，之后又被修改了 {'、'.join(edited)}；"
                                     "销号后的记录只能作废或补充备注 notes", commit))
    return found


def audit(git: Git, prefix: str, since: str | None, tz: str) -> tuple[list[Finding], int]:
    """Findings over ``since..HEAD`` (all history without ``since``), oldest commit first."""
    revs = [f"{since}..HEAD"] if since else ["HEAD"]
    if since:
        try:
            git.run("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
        except GitError:
            raise GitError(f"找不到版本 {since}；请给出分支名、标签或提交号（CI 中请先 fetch 基准分支）") from None
    if not has_commits(git):
        return [], 0
    findings: list[Finding] = []
    count = 0
    # A shallow clone's boundary commits have no parent here to compare with: not audited.
    commits = [c for c in iter_log(git, ["--reverse", *revs], [prefix or "."]) if not c.shallow]
    parsed: dict[tuple[str, str], dict[str, tuple[dict[str, Any], int]]] = {}
    for i in range(0, len(commits), 200):  # read blobs in batches; keep only recent parses in memory
        batch = commits[i:i + 200]
        git.ask([sha for c in batch for ch in c.changes if top_of(ch[3]) for sha in ch[:2]])
        for commit in batch:
            count += 1
            findings.extend(audit_commit(git, commit, tz, parsed))
        git.forget()
        keep = {(ch[1], ch[3]) for ch in batch[-1].changes} if batch else set()
        parsed = {k: v for k, v in parsed.items() if k in keep}
    return findings, count


# ---------------------------------------------------------------------------------------------
# --commit


def file_is_clean(git: Git, path: Path) -> bool:
    return not git.run("status", "--porcelain", "--", str(path.resolve())).strip()


def commit_file(git: Git, path: Path, message: str) -> str:
    """Commit exactly ``path`` (others' staged work stays staged, uncommitted)."""
    full = str(path.resolve())
    git.run("add", "--", full)
    git.run("commit", "-q", "-m", message, "--", full)
    return git.run("rev-parse", "HEAD").strip()
