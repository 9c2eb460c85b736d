"""A record's life in git: its value in each version of the ledger files, and ``hjp log``.

Git does the heavy lifting: ``git log --raw -- FILE`` lists the commits touching a file with the
blob of that file before and after each one, and a single ``git cat-file --batch`` process reads
the blobs while the log is still being written (``gitio``). A record's text is cut out of each blob
by its ``- id:`` line and parsed only when that slice changed, so following one record through
thousands of commits parses a handful of slices — usually without PyYAML (``quickyaml``), whose
import alone would cost more. ``hjp log`` is held to 3 × ``git log -- FILE``
(tests/benchmarks/bench_history.py). Its text and JSON forms are written by ``output``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from hjp import kinds
from hjp.gitio import Commit, Git, GitError, has_commits, iter_log
from hjp.messages import Part, part
from hjp.quickyaml import quick_record

# From the registry of record kinds (stdlib only: hjp log imports no pydantic).
ID_PATTERN = kinds.ID_PATTERN
RECORD_FILE = kinds.RECORD_FILE


# ---------------------------------------------------------------------------------------------
# Records inside blobs


def top_of(path: str) -> str | None:
    stem = kinds.stem_of_path(path)
    return kinds.BY_STEM[stem].top if stem is not None else None


def place_of(path: str) -> tuple[str, str | None, kinds.Kind] | None:
    """(ledger directory, village or None for the town level, kind) of a record file's path."""
    mm = RECORD_FILE.search(path)
    if mm is None:
        return None
    village = None if mm.group("town") else path.split("/")[-2]
    return path[:mm.start()], village, kinds.BY_STEM[mm.group("town") or mm.group("village")]


Records = dict[str, tuple[dict[str, Any], int]]  # id -> (record, 1-based line) in one version of a file


def records_in(text: str | None, path: str) -> Records:
    """{id: (record, 1-based line)} of one version of a record file; {} when unreadable."""
    return file_records(text, path) or {}


def file_records(text: str | None, path: str) -> Records | None:
    """{id: (record, 1-based line)} of one version of a record file (the first of a duplicated ID);
    None when the file cannot be read as a record file (a YAML error, a top level that is not
    ``top: [records]``); {} for no file."""
    if text is None:
        return {}
    from hjp.yamlread import parse_text, plain as _plain  # PyYAML only when a whole file must be read

    top = top_of(path)
    parsed = parse_text(text, path)
    data = parsed.data
    if parsed.diagnostics or not (data is None or isinstance(data, dict) and isinstance(data.get(top), (list, type(None)))):
        return None
    out: Records = {}
    for item in (data or {}).get(top) or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.setdefault(item["id"], (_plain(item), item.line + 1))
    return out


_CONFLICT = re.compile(r"^(?:<{7}|>{7}|\|{7})(?: |\r?$)|^={7}\r?$", re.M)


def conflict_line(text: str | None) -> int | None:
    """The 1-based line of the first merge-conflict marker (``<<<<<<<``, ``=======``, ``>>>>>>>``,
    ``|||||||``) in a version of a file, or None: git leaves them when a merge is not resolved."""
    if not text or ("<<<<<<<" not in text and "=======" not in text and ">>>>>>>" not in text):
        return None
    mm = _CONFLICT.search(text)
    return text.count("\n", 0, mm.start()) + 1 if mm else None


def resolve_conflicts(text: str, side: str) -> str:
    """``text`` with every conflict resolved to one ``side`` ("ours": between ``<<<<<<<`` and
    ``|||||||``/``=======``; "theirs": between ``=======`` and ``>>>>>>>``), markers removed."""
    out = []
    keep = True  # outside a conflict every line is kept
    for line in text.splitlines(keepends=True):
        marker = _CONFLICT.match(line)
        if marker is None:
            if keep:
                out.append(line)
            continue
        mark = line[:7]
        if mark == "<<<<<<<":
            keep = side == "ours"
        elif mark == "|||||||":
            keep = False  # the common ancestor's lines (diff3 style)
        elif mark == "=======":
            keep = side == "theirs"
        else:
            keep = True
    return "".join(out)


def unreadable_at(text: str, path: str) -> tuple[int, Part]:
    """(line, why) of a version of a record file that cannot be read (``file_records`` is None)."""
    from hjp.yamlread import parse_text

    parsed = parse_text(text, path)
    if parsed.diagnostics:
        d = parsed.diagnostics[0]
        return d.line, Part(d.key, d.args)
    return 1, part("HJP509.not_records", top=top_of(path))


@dataclass(frozen=True)
class Slice:
    """One record's lines in a record file: from its ``- `` line up to the next record's."""

    text: str
    line: int  # 1-based, of the ``- `` line
    id: str | None  # as its first line spells it (None when that line is not ``- id: ID``)


_ID_LINE = re.compile(r" *- +id: *(['\"]?)(%s)\1 *(?:#.*)?\r?$" % kinds.ID_BODY, re.M)


_CONTENT = re.compile(r"^( *)([^ #\r\n])", re.M)  # a line's first character that is not a blank or a comment
_STRAYS: dict[int, re.Pattern[str]] = {}
_LONE_CR = re.compile(r"\r(?!\n)")


def _strays(indent: int) -> re.Pattern[str]:
    """Lines at ``indent`` or less that are not ``- `` items at ``indent``, blank lines or comments."""
    if indent not in _STRAYS:
        _STRAYS[indent] = re.compile(r"^(?! {%d}-(?: |\r?$)) {0,%d}[^ #\r\n]" % (indent, indent), re.M)
    return _STRAYS[indent]


def split_records(text: str, top: str) -> list[Slice] | None:
    """The record slices of a file laid out as hjp and editors write it — comments and blank lines,
    ``top:``, then ``- `` items all at one indentation, every other line indented deeper — in file
    order; None for any other layout (then only PyYAML can tell what the records are).

    Cutting text this way never changes a value: a slice parses to the item the whole file holds,
    except where items share anchors, which fails the slice's parse (and the caller reads the file).
    A few regular expressions over the whole text, not a loop over its lines: the audit splits
    every version of every file it reads.
    """
    if "\r" in text and _LONE_CR.search(text):
        return None  # PyYAML counts a lone CR as a line break: the slices' line numbers would differ
    first = _CONTENT.search(text)
    if first is None:
        return []
    head = re.compile(r"%s:[ ]*(\[\][ ]*)?(?:#[^\n]*)?\r?(?:\n|$)" % re.escape(top)).match(text, first.start())
    if head is None or first.group(1):
        return None
    body = head.end()
    item = _CONTENT.search(text, body)
    if item is None:
        return []
    indent = len(item.group(1))
    if head.group(1) is not None or item.group(2) != "-" or _strays(indent).search(text, body):
        return None
    starts = [mm.start() for mm in re.finditer(r"^ {%d}-(?: |\r?$)" % indent, text[body:], re.M)]
    out = []
    line = text.count("\n", 0, body) + 1
    for n, at in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(text) - body
        piece = text[body + at:body + end]
        if n:
            line += text.count("\n", body + starts[n - 1], body + at)
        else:
            line += text.count("\n", body, body + at)
        out.append(Slice(piece, line, _slice_id(piece)))
    return out


_NEXT_CONTENT = re.compile(r"\n( *)[^ \r\n#]")


def _slice_id(piece: str) -> str | None:
    """The ID a slice's first line gives, unless a deeper line may continue it (``- id: YH-1`` then
    ``    续行`` is the ID "YH-1 续行")."""
    mm = _ID_LINE.match(piece)
    if mm is None:
        return None
    nxt = _NEXT_CONTENT.search(piece, mm.end())
    if nxt is not None and len(nxt.group(1)) > piece.index("id:"):
        return None
    return mm.group(2)


def slice_record(piece: str, path: str) -> dict[str, Any] | None:
    """The record a slice holds (quickly when ``quickyaml`` is sure, else by PyYAML); None when the
    slice alone is not one readable mapping."""
    quick = quick_record(piece)
    if quick is not None:
        return quick
    from hjp.yamlread import parse_text, plain as _plain

    data = parse_text(piece, path).data
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict):
        return _plain(data[0])
    return None


@dataclass(frozen=True)
class Unreadable:
    """A version of a file that cannot be read where a record is: merge-conflict markers, a YAML error."""

    line: int
    conflict: bool


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

    def get(self, sha: str | None, path: str) -> dict[str, Any] | Unreadable | None:
        """The record in a version of ``path`` (None when it is not there, ``Unreadable`` when that
        version cannot be read where the record is)."""
        if sha in self._by_blob:
            return self._by_blob[sha]
        found = self._get(sha, path)
        if sha is not None:
            self._by_blob[sha] = found
        return found

    def _get(self, sha: str | None, path: str) -> dict[str, Any] | Unreadable | None:
        text = self.git.blob(sha)
        if text is None or self.rid not in text:
            return None
        line = conflict_line(text)
        if line is None:
            return self._value(text, path)
        # An unresolved merge: the record is known only if both sides agree on it.
        ours, theirs = (self._value(resolve_conflicts(text, side), path) for side in ("ours", "theirs"))
        return ours if ours == theirs and not isinstance(ours, Unreadable) else Unreadable(line, conflict=True)

    def _value(self, text: str, path: str) -> dict[str, Any] | Unreadable | None:
        piece = self.slice(text)
        if piece is not None:
            if piece in self._slices:
                return self._slices[piece]
            found = slice_record(piece, path)
            if found is not None and found.get("id") == self.rid:
                self._slices[piece] = found
                return found
        whole = file_records(text, path)  # an unusual layout: read the whole file
        if whole is None:
            return Unreadable(unreadable_at(text, path)[0], conflict=False)
        return whole[self.rid][0] if self.rid in whole else None


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
    kind: str  # created | first-seen | changed | moved | deleted | conflict | unreadable
    changes: list[tuple[str, Any, Any]]
    other: str | None = None  # moved from / to
    line: int | None = None  # conflict, unreadable: where in the file


def _file_log(git: Git, path: str, rev: str, also: Iterable[str] = ()) -> list[Commit]:
    """The commits that changed ``path``, from ``rev`` back, with all their changes; cat-file starts
    reading the file's versions as soon as each commit arrives (and ``also`` while git starts)."""
    commits = []
    # Merges with their first parent's diff: a merge committed with conflict markers shows there.
    log = iter_log(git, ["--diff-merges=first-parent", rev], [path], full_diff=True)
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
    prefixes = "、".join(f"{k.prefix}（{k.name}）" for k in kinds.KINDS)
    raise GitError(f"编号 {rid} 格式不对：应为类别前缀 {prefixes}加 - 和字母数字，例如 YH-2024-0001{hint}")


@dataclass
class Log:
    """``hjp log``: a record's events, and the ledger's zone to tell their times in."""

    events: list[Event]
    tz: str


def ledger_log(ledger: Path, rid: str) -> Log:
    """The history of record ``rid`` of the ledger at ``ledger`` (GitError, exit 2: not in a
    repository, a malformed ID, git missing). Not through ``hjp.api``, whose imports (the run
    cache's hashing) cost more than a whole ``hjp log``."""
    from hjp.clock import ledger_timezone
    from hjp.gitio import open_repo

    git, prefix = open_repo(ledger)
    try:
        return Log(record_log(git, rid, prefix), ledger_timezone(ledger))
    finally:
        git.close()


def record_log(git: Git, rid: str, prefix: str) -> list[Event]:
    """Every commit that changed record ``rid``, oldest first, following it between files (also
    into and out of other ledger directories: a renamed one, say)."""
    check_id(rid)
    reader = RecordReader(git, rid)
    starts, logs = _starts(git, reader, rid, f"{prefix}/" if prefix else "")
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
        for commit, old, new in _versions(reader, commits, path):
            if commit.sha in events:
                continue
            event = _event(reader, commit, path, old, new, todo)
            if event is not None:
                events[commit.sha] = event
                order.append(commit.sha)
    ranked = sorted(range(len(order)), key=lambda i: (events[order[i]].commit.ctime, -i))
    return [events[order[i]] for i in ranked]


def _starts(git: Git, reader: RecordReader, rid: str, pathspec: str
            ) -> tuple[list[tuple[str, str]], dict[tuple[str, str], list[Commit]]]:
    """Where to start following the record: [(path, rev)], and any file logs already read."""
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
    if starts:
        return starts, logs
    if not has_commits(git):  # a fresh repository: nothing committed, so no history yet
        return [], logs
    grep = git.run("grep", "-l", "-F", rid, "HEAD", "--", *patterns, check=False)
    for line in grep.splitlines():
        path = line.split(":", 1)[1]
        if reader.get(f"HEAD:{path}", path) is not None:
            starts.append((path, "HEAD"))
    # Deleted since: start from the newest commit whose diff mentions it, in this ledger directory
    # or, failing that, in any (the directory may have been renamed in the same commit).
    anywhere = [f":(glob)**/{p}" for p in kinds.history_patterns(kind, "")] if kind else []
    for where in (patterns, anywhere):
        if starts or not where:
            break
        for commit in iter_log(git, ["-S", rid, "-n", "20"], where):
            for old, new, _st, path in commit.changes:
                if reader.get(old, path) is not None and reader.get(new, path) is None:
                    starts.append((path, commit.sha))
            if starts:
                break
    return starts, logs


def _present(value: Any) -> bool:
    return value is not None and not isinstance(value, Unreadable)


def _versions(reader: RecordReader, commits: list[Commit], path: str) -> list[tuple[Commit, Any, Any]]:
    """(commit, record before, record after) for each commit that changed ``path``, newest first.

    A version that cannot be read (an unresolved merge, a YAML error) is shown where it was
    committed; the commit after it is compared with the last version before it that could be read.
    """
    out = []
    last: Any = None
    for commit in reversed(commits):  # oldest first, remembering the last readable value
        ch = commit.change(path)
        if ch is None:
            continue
        old, new = reader.get(ch[0], path), reader.get(ch[1], path)
        if isinstance(old, Unreadable):
            old = last
        else:
            last = old
        if not isinstance(new, Unreadable):
            last = new
        if len(commit.parents) < 2 or isinstance(new, Unreadable):
            out.append((commit, old, new))  # a merge's changes are its branch's: shown there, unless unreadable
    return out[::-1]


def _event(reader: RecordReader, commit: Commit, path: str, old: Any, new: Any,
           todo: list[tuple[str, str]]) -> Event | None:
    """What ``commit`` did to the record in ``path`` (None: nothing); a move out of another file
    adds that file's history to ``todo``."""
    if old == new:
        return None
    if isinstance(new, Unreadable):
        return Event(commit, path, "conflict" if new.conflict else "unreadable", [], line=new.line)
    kind, other, before, after = "changed", None, old, new
    if (old is None or new is None) and not commit.root:
        # Moved between files? The commit's other record files (the log lists all its changes),
        # in any ledger directory: renaming the directory moves every record.
        for o_old, o_new, _st, o_path in commit.changes:
            if o_path == path or not top_of(o_path):
                continue
            o_before, o_after = reader.get(o_old, o_path), reader.get(o_new, o_path)
            if old is None and _present(o_before) and o_after is None:
                kind, other, before = "moved", o_path, o_before
                todo.append((o_path, f"{commit.sha}^"))
                break
            if new is None and o_before is None and _present(o_after):
                kind, other, after = "moved", o_path, o_after
                break
        else:
            kind = "created" if old is None else "deleted"
    elif old is None or new is None:
        kind = "created" if old is None else "deleted"
    if commit.shallow and kind == "created":
        kind = "first-seen"  # the clone's history starts here; the record is older
    if kind == "moved" and new is None:  # report a move once, as arriving at its new file
        return Event(commit, other or path, "moved", diff(before, after), path)
    if kind == "moved":
        return Event(commit, path, "moved", diff(before, after), other)
    return Event(commit, path, kind, diff(before, after))


# ---------------------------------------------------------------------------------------------
# When lines entered the history (validate's HJP201 asks which of two records is the newer)

_MAX_BLAMES = 50  # more duplicates than this: reading order decides (validate stays fast)


def line_ages(spots: list[tuple[str, int]]) -> list[float | None]:
    """For each (path, 1-based line): the committer time of the commit that last changed that line
    (``git blame``), +inf for a line not committed yet (or in an untracked file), None when git
    cannot say (no repository, no git, too many spots). One short git process per spot."""
    if len(spots) > _MAX_BLAMES:
        return [None] * len(spots)
    out: list[float | None] = []
    for path, line in spots:
        full = Path(path).resolve()
        git = Git(full.parent)
        try:
            if git.run("rev-parse", "--is-inside-work-tree", check=False).strip() != "true":
                out.append(None)
                continue
            text = git.run("blame", "--porcelain", "-L", f"{line},{line}", "--", full.name, check=False)
        except GitError:  # no git at all
            out.append(None)
            continue
        sha = text.split(" ", 1)[0]
        stamp = next((row.split(" ", 1)[1] for row in text.splitlines() if row.startswith("committer-time ")), None)
        if not text or set(sha) == {"0"}:  # an untracked file (git blame refuses it), or a changed line
            out.append(float("inf"))
        elif stamp is not None and stamp.strip().isdigit():
            out.append(float(stamp))
        else:
            out.append(None)
    return out


# ---------------------------------------------------------------------------------------------
# What the last commit held (validate's HJP221 asks which records are gone since HEAD)


def changed_since_head(root: Path) -> dict[Path, str]:
    """The ledger's record files whose working copy differs from the repository's HEAD (changed or
    deleted), with their text in HEAD; files HEAD does not have are left out. Empty when the ledger
    is in no repository, there is no commit yet or git is missing. Two short git processes, only
    when something differs: ``git diff --name-only HEAD`` and one ``cat-file --batch``."""
    from hjp.paths import work_tree

    here = root.resolve()
    top = work_tree(here)
    if top is None:
        return {}
    git = Git(top)
    try:
        prefix = os.path.relpath(here, top).replace(os.sep, "/")
        listed = git.run("diff", "--name-only", "--no-renames", "-z", "HEAD", "--", prefix, check=False)
        names = [n for n in listed.split("\0") if n and RECORD_FILE.search(n)]
        if not names:
            return {}
        git.ask([f"HEAD:{n}" for n in names])
        texts = {top / n: git.blob(f"HEAD:{n}") for n in names}
    except GitError:  # git missing or unusable: nothing to compare with
        return {}
    finally:
        git.close()
    return {path: text for path, text in texts.items() if text is not None}
