"""Changing a ledger: many records across many files, checked and written as one.

A ``Transaction`` takes the ledger's lock (``<ledger>/.hjp-cache/lock``, with ``filelock``: an
operating-system lock that works on Windows too and dies with the process), then loads the ledger
**under the lock**, so every check sees what the previous writer left. Domain commands
(``hjp.edit``) return ``Change`` objects computed against the files as the transaction read them;
``add`` stages them (many records, many files; also whole files by bytes and appends, for files
that are not ledger YAML). ``prepare`` validates the ledger as it will be — incrementally: the
files not changed keep what the load found, the changed ones are parsed again (records only
appended to a large file: only the new records), and the rules run on the merged ledger — and
reads every written record back (hjp's reader and PyYAML). ``write`` then puts every file in place
atomically: all temporary files first, then the renames; on a failure the files already renamed
are restored. Temporary files live in ``<ledger>/.hjp-cache/tmp/`` (ignored by git in any
repository: ``.hjp-cache/.gitignore`` is ``*``); a killed run's leftovers are removed by the next.

    with Transaction(root, clock=clock.today) as tx:
        tx.add(edit.plan_rectify(tx, "YH-2024-0001", on=date(2024, 6, 20)))
        done = tx.commit()       # prepare() + write(); EditError (nothing written) on refusal

Refusals are ``EditError`` (``hjp.yamltext``) with a Chinese message and an exit code.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import stat
import sys
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from hjp import kinds
from hjp.diagnostics import Diagnostic, Severity, os_reason
from hjp.files import complete_temp
from hjp.yamltext import EditError, Tail, YamlText, as_parsed, decode, record_id, tail_of, written

if TYPE_CHECKING:
    from hjp.edit import Change
    from hjp.load import FileResult, Ledger

CACHE_DIR = ".hjp-cache"
LOCK_NAME = "lock"
TMP_DIR = "tmp"
DEFAULT_WAIT = 30.0  # seconds a command waits for another one's lock (HJP_LOCK_TIMEOUT overrides)
# Below this size a changed file is always parsed whole; above it, records only appended to it are
# parsed on their own (the rest of the file is what the load found).
FAST_APPEND_MIN_BYTES = 64 * 1024
# From this many changed records in one file on, PyYAML's reading of them is checked on the node
# tree hjp's reader composes anyway (``_Stamps``), not by loading each record's lines through
# PyYAML again (a load per record was most of an import's time). Below it, a PyYAML load per
# record costs little and is the more direct check; tests/unit/test_transaction_bulk.py holds
# the two to the same files and refusals.
BULK_READBACK_MIN = 20
GITIGNORE = "# hjp's cache, lock and temporary files: safe to delete when no hjp is running\n*\n"


def cache_dir(root: Path) -> Path:
    """``<ledger>/.hjp-cache``, created with a ``.gitignore`` that makes git ignore all of it."""
    d = root / CACHE_DIR
    d.mkdir(exist_ok=True)
    ignore = d / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    return d


def wait_from_env() -> float:
    """The lock wait: ``HJP_LOCK_TIMEOUT`` seconds when set (tests), else ``DEFAULT_WAIT``."""
    raw = os.environ.get("HJP_LOCK_TIMEOUT", "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT


def _replace(src: str, dst: Path) -> None:
    # A seam for tests injecting a failure between writing the temporary files and renaming them.
    os.replace(src, dst)


@dataclass
class Expect:
    """What a record must read back as: PyYAML's view (typed) and hjp's reader's (dates as text)."""

    typed: Any
    parsed: Any
    new: bool = False


@dataclass
class Target:
    """An existing record, found and re-checked under the lock, with its place in its file."""

    record: Any  # the model as it stands now (after this transaction's earlier changes)
    kind: kinds.Kind
    path: Path
    display: str
    doc: YamlText
    node: "MappingNode"
    village: str | None


@dataclass
class Written:
    """One file as the transaction will write it."""

    path: Path
    real: Path  # where the bytes go (a symbolic link's target)
    new: bytes
    old: bytes | None  # None: the file is created
    display: str


@dataclass
class Prepared:
    """A transaction that passed every check: what it writes, and the changed records' warnings."""

    files: list[Written]
    warnings: list[Diagnostic]
    notices: list[str] = field(default_factory=list)
    parsed: dict[Path, Any] = field(default_factory=dict)  # changed record files' new data (hjp's reader)

    @property
    def paths(self) -> list[Path]:
        return [w.path for w in self.files]


class Transaction:
    """One locked, validated, atomic change of a ledger (see the module docstring)."""

    def __init__(self, root: Path | str, *, clock: Callable[[str], date], wait: float | None = None,
                 notify: Callable[[str], None] | None = None, cache: bool = True):
        self.root = Path(root)
        self.clock = clock
        self.wait = wait_from_env() if wait is None else wait
        self.notify = notify or (lambda message: None)
        self.cache = cache
        self.ledger: Ledger = None  # type: ignore[assignment]  (set on entering)
        self.today: date = None  # type: ignore[assignment]
        self.changes: list[Change] = []
        self._lock: Any = None
        self._gc = False  # the cyclic collector was on when the transaction began (see __enter__)
        self._disk: dict[Path, bytes | None] = {}
        self._docs: dict[Path, YamlText] = {}
        # Splices by file: inside existing records, and new records appended. Kept apart so that at
        # one position (a record ending the file) the record's own lines come before new records.
        self._edits: dict[Path, list[tuple[int, int, str]]] = {}
        self._appended: dict[Path, list[tuple[int, int, str]]] = {}
        self._data: dict[Path, bytes] = {}
        self._appends: dict[Path, list[bytes]] = {}
        self._create: set[Path] = set()  # files that must not exist yet (a sealed identity)
        self._expect: dict[tuple[Path, str], Expect] = {}
        self._before: dict[tuple[Path, str], Any] = {}  # existing records' values before their first edit
        self._nodes: dict[tuple[Path, str], Any] = {}
        self._tails: dict[Path, Tail] = {}
        self._added: dict[Path, list[str]] = {}  # new records' IDs by file, in order
        self._modified: set[Path] = set()  # files with edits inside existing records
        self._ids: set[str] = set()
        self._seq: dict[str, int] = {}
        self._prepared: Prepared | None = None
        self._composed: set[Path] = set()
        self._fast: dict[Path, tuple[str, Any]] = {}  # appended text and what it reads as, by file
        self._stamps: dict[Path, _Stamps] = {}  # bulk read-back: PyYAML's timestamps by record, by file
        self._kinds: dict[Path, Any] = {}
        self._blobs: dict[Path, bytes] = {}  # FileResults a worker sent, as it encoded them
        self._wanted: dict[Path, set[str]] | None = None  # changed records' IDs by file (prepare)
        self._merged: Ledger | None = None
        self._shown: dict[Path, str] = {}

    # -- lock and load -----------------------------------------------------------------------

    def __enter__(self) -> "Transaction":
        from hjp.load import Files, LedgerNotFound, load_ledger

        if not self.root.is_dir() or not (self.root / "town.yaml").is_file():
            load_ledger(self.root, cache=False)  # raises LedgerNotFound with the usual message
            raise LedgerNotFound(str(self.root))  # pragma: no cover
        self._lock = self._acquire()
        # The loaded ledger, the staged records and the ledger as it will be are millions of objects
        # in no cycle: the cyclic collector would traverse them again and again (as load_ledger
        # found; at 30,000 hazards 0.6 s of the rules went to it). Off for the transaction's life,
        # back as it was found on leaving.
        self._gc = gc.isenabled()
        gc.disable()
        try:
            self._remove_stale()
            self.ledger = load_ledger(self.root, cache=self.cache, files=Files(keep=True))
            self.today = self.clock(self.ledger.timezone)
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self._release()

    def _acquire(self) -> Any:
        return acquire(self.root, wait=self.wait, notify=self.notify)

    def _release(self) -> None:
        if self._gc:
            gc.enable()
            self._gc = False
        if self._lock is not None:
            try:
                self._lock.release()
            finally:
                self._lock = None

    def _show(self, path: Path) -> str:
        return _show(self.root, path)

    def _remove_stale(self) -> None:
        """Temporary files of a run that was killed (we hold the lock: no one else is writing)."""
        tmp = self.root / CACHE_DIR / TMP_DIR
        if tmp.is_dir():
            for entry in tmp.iterdir():
                try:
                    entry.unlink()
                except OSError:
                    pass
        # Older versions wrote `.hazards.yaml.XXXX.tmp` beside the file: a full copy git could pick up.
        # Only a minute old or more: a writer that does not take the lock may be using one right now.
        stale = re.compile(r"\.(?:[a-z]+\.yaml)\.[A-Za-z0-9_]+\.tmp$|\.[^/]+\.hjp-tmp$")
        now = time.time()
        for folder in [self.root, *sorted((self.root / "villages").glob("*/"))]:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                if stale.match(name):
                    try:
                        if now - os.lstat(folder / name).st_mtime >= 60:
                            os.unlink(folder / name)
                    except OSError:
                        pass

    # -- reading -------------------------------------------------------------------------------

    def display(self, path: Path) -> str:
        shown = self._shown.get(path)
        if shown is None:  # display_path resolves the path and the working directory: worth keeping
            shown = self._shown[path] = self.ledger.display(path)
        return shown

    def read(self, path: Path) -> bytes | None:
        """``path``'s bytes as this transaction found them (the load's copy when it read the file)."""
        if path in self.ledger.sources:
            return self.ledger.sources[path]
        if path not in self._disk:
            try:
                self._disk[path] = path.read_bytes()
            except FileNotFoundError:
                self._disk[path] = None
            except OSError as exc:
                raise EditError(f"无法读取 {self.display(path)}（{os_reason(exc)}）", 2) from None
        return self._disk[path]

    def doc(self, path: Path) -> YamlText:
        """The file's text (not composed until needed); a new record file starts with its modeline."""
        doc = self._docs.get(path)
        if doc is None:
            raw = self.read(path)
            if raw is None:
                stem = path.stem
                depth = 1 if path.parent == self.root else 3
                doc = YamlText.of_text(f"# yaml-language-server: $schema={'../' * depth}schemas/{stem}.schema.json\n")
            else:
                text, bom = decode(raw, self.display(path))
                doc = YamlText.of_text(text, bom)
            self._docs[path] = doc
        return doc

    def _whole(self, path: Path) -> YamlText:
        doc = self.doc(path)
        if path not in self._composed:
            doc.root = doc.compose(0, len(doc.starts), self.display(path))
            self._composed.add(path)
        return doc

    def _record_node(self, path: Path, rid: str, line: int) -> Any:
        """The record's mapping node: its own lines composed in place (the whole file as a fallback)."""
        key = (path, rid)
        node = self._nodes.get(key)
        if node is not None:
            return node
        doc = self.doc(path)
        display = self.display(path)
        result = self.ledger.results.get(path)
        later = [loc.line for loc in (result.locs if result else []) if loc.line > line]
        first, end = line - 1, (min(later) - 1 if later else len(doc.starts))
        from yaml.nodes import MappingNode, SequenceNode

        root = doc.compose(first, end, display) if end > first else None
        if isinstance(root, SequenceNode) and not root.flow_style and len(root.value) == 1:
            root = root.value[0]
        if not (isinstance(root, MappingNode) and record_id(root) == rid):
            whole = self._whole(path)
            root = whole.find_record(self._top(path), rid, display)
            if root is None:
                raise EditError(f"{display} 中找不到 {rid}；请先运行 hjp validate", 1)
        self._nodes[key] = root
        return root

    def _top(self, path: Path) -> str:
        kind = self._kind_of(path)
        assert kind is not None
        return kind[0].top

    def _kind_of(self, path: Path) -> tuple[kinds.Kind, str | None] | None:
        """(kind, village) of a ledger record file; None for any other file."""
        found = self._kinds.get(path, False)  # asked for every staged record: worth keeping
        if found is False:
            found = self._kinds[path] = self._find_kind(path)
        return found

    def _find_kind(self, path: Path) -> tuple[kinds.Kind, str | None] | None:
        try:
            rel = path.relative_to(self.root).parts
        except ValueError:
            return None
        if len(rel) == 1 and rel[0].endswith(".yaml"):
            kind = kinds.BY_STEM.get(rel[0][:-5])
            return (kind, None) if kind is not None and kind.town else None
        if len(rel) == 3 and rel[0] == "villages" and rel[2].endswith(".yaml"):
            kind = kinds.BY_STEM.get(rel[2][:-5])
            return (kind, rel[1]) if kind is not None and kind.village else None
        return None

    def target(self, rid: str, nouns: tuple[str, ...] | None = None) -> Target:
        """The existing record ``rid`` (of one of ``nouns``), as it stands now; EditError otherwise."""
        led = self.ledger
        rec = led.record(rid)
        if rec is None:
            if rid in {d[0] for d in led.duplicates}:
                raise EditError(f"编号 {rid} 在台账中重复出现；请先改正（hjp validate）", 1)
            upper = rid.strip().upper()
            if upper != rid and led.record(upper) is not None:  # typed on a phone keyboard: yh-2024-0089
                raise EditError(f"台账中没有编号为 {rid} 的记录；是不是要写 {upper}？（编号中的字母要大写）", 1)
            raise EditError(f"台账中没有编号为 {rid} 的记录（若该记录有错误未能读取，请先运行 hjp validate）", 1)
        kind = kinds.of_id(rid)
        if nouns and (kind is None or kind.noun not in nouns):
            want = "或".join(kinds.BY_NOUN[n].label for n in nouns)
            raise EditError(f"{rid} 是{kind.label if kind else '记录'}，此命令只用于{want}", 2)
        assert kind is not None
        loc = led.loc_of(rec)
        path = kind.file(self.root, loc.village)
        node = self._record_node(path, rid, loc.line)
        expect = self._expect.get((path, rid))
        if expect is not None:  # changed earlier in this transaction: check against that
            rec = kind.model_cls().model_validate(expect.parsed)
        return Target(rec, kind, path, self.display(path), self.doc(path), node, loc.village)

    # -- IDs -------------------------------------------------------------------------------------

    def allocate_id(self, noun: str, *, year: int, village: str | None) -> str:
        """The next free ID of ``noun`` under town.yaml's id_format, reserved in this transaction.

        Counted from the ledger loaded under the lock and the IDs this transaction already gave
        out, so two new records of one transaction, and two ``hjp new`` at once, never share one.
        """
        from hjp import model as m

        town = self.ledger.town
        fmt = getattr(town.id_format if town else m.IdFormat(), noun)
        if village is None:
            fmt = re.sub(r"-?\{village\}", "", fmt)  # town-level tasks: RW-{village}-{seq} → RW-{seq}
        pattern = _id_pattern(fmt, noun, year, village)
        seq = self._seq.get(pattern.pattern)
        if seq is None:
            led = self.ledger
            seq = max((int(mm.group("seq")) for rid in [*led.loc_by_id, *(d[0] for d in led.duplicates)]
                       if (mm := pattern.fullmatch(rid))), default=0)
        seq += 1
        try:
            new = fmt.format(year=year, village=village or "", seq=seq)
        except (ValueError, KeyError, IndexError):
            raise EditError(f"town.yaml 的 id_format.{noun} 写法有误：{fmt}", 1) from None
        if not re.fullmatch(kinds.ID_RE, new) or new in self.ledger.loc_by_id or new in self._ids:
            raise EditError(f"按 town.yaml 的 id_format.{noun} 生成的编号 {new} 不合规或已被占用；请检查编号样式", 1)
        self._seq[pattern.pattern] = seq
        self._ids.add(new)
        return new

    # -- staging ---------------------------------------------------------------------------------

    def add(self, change: "Change") -> "Change":
        """Stage ``change`` (nothing is written before ``write``)."""
        if self._prepared is not None:
            raise EditError("内部错误：事务已检查完毕，不能再添加修改（请报告此问题）", 1)
        path = change.path
        if change.record is not None:
            self._add_record(change)
        if change.edits:
            if path in self._data:
                raise EditError(f"内部错误：{self.display(path)} 在同一事务中既被整体替换又被修改（请报告此问题）", 1)
            assert change.record_id is not None
            self._edits.setdefault(path, []).extend(change.edits)
            self._modified.add(path)
            expect = self._expectation(path, change.record_id)
            if not expect.new:
                import copy

                self._before.setdefault((path, change.record_id), copy.deepcopy(expect.parsed))
            for op in change.ops:
                _apply_op(expect.typed, op, written)
                _apply_op(expect.parsed, op, as_parsed)
        if change.data is not None:
            if path in self._data or path in self._edits or path in self._appended:
                raise EditError(f"内部错误：{self.display(path)} 在同一事务中被写了两次（请报告此问题）", 1)
            if change.expected is not None and self._kind_of(path) is not None:
                raise EditError("内部错误：整体写入的记录文件不能带 expected（请改用新记录或修改记录；请报告此问题）", 1)
            self._data[path] = change.data
            if change.create:
                self._create.add(path)
            if change.expected is not None and change.record_id is not None:
                self._expect[(path, change.record_id)] = Expect(written(change.expected), as_parsed(change.expected),
                                                                True)
        if change.append is not None:
            self._appends.setdefault(path, []).append(change.append)
        self.changes.append(change)
        return change

    def _add_record(self, change: "Change") -> None:
        path = change.path
        rid = change.record_id
        assert rid is not None and change.record is not None
        if path in self._data:
            raise EditError(f"内部错误：{self.display(path)} 在同一事务中既被整体替换又被修改（请报告此问题）", 1)
        found = self._kind_of(path)
        if found is None:
            raise EditError(f"内部错误：{self.display(path)} 不是记录文件（请报告此问题）", 1)
        kind = found[0]
        from hjp.yamltext import append_record

        doc = self.doc(path)
        tail = self._tails.get(path)
        if tail is None:
            tail = self._tails[path] = self._tail_of(path, kind.top)
        edits = self._appended.setdefault(path, [])
        append_record(doc, edits, tail, kind.top, change.record, first=path not in self._added)
        self._added.setdefault(path, []).append(rid)
        self._expect[(path, rid)] = Expect(*_views(change.record), True)

    def _tail_of(self, path: Path, top: str) -> Tail:
        """Where new records go: from the last record's own lines when the load found the file clean
        (no need to compose a large file), else from the whole file."""
        from yaml.nodes import MappingNode, SequenceNode

        doc = self.doc(path)
        result = self.ledger.results.get(path)
        if result is not None and result.locs and not result.diagnostics and self.read(path) is not None:
            last = max(loc.line for loc in result.locs)
            root = doc.compose(last - 1, len(doc.starts), self.display(path))
            if (isinstance(root, SequenceNode) and not root.flow_style and len(root.value) == 1
                    and isinstance(root.value[0], MappingNode) and not root.value[0].flow_style):
                from hjp.yamltext import _ends_with_block_scalar

                return Tail(doc.last_line(root), root.start_mark.column,
                            len(result.locs) >= 2 and doc.blank(last - 2),
                            end_is_block_scalar=_ends_with_block_scalar(root))
        if self.read(path) is None:
            return tail_of(doc, top, self.display(path))
        return tail_of(self._whole(path), top, self.display(path))

    def _expectation(self, path: Path, rid: str) -> Expect:
        """The record's values before this transaction's edits, read from its own lines."""
        expect = self._expect.get((path, rid))
        if expect is None:
            node = self._nodes[(path, rid)]
            doc = self.doc(path)
            first, last = doc.record_lines(node)
            expect = Expect(*_read_record(doc, first, last + 1, rid, self._top(path), self.display(path)))
            self._expect[(path, rid)] = expect
        return expect

    # -- checking ------------------------------------------------------------------------------

    def prepare(self) -> Prepared:
        """Validate the ledger as the staged changes leave it and read every written record back.

        EditError (nothing written) when the changed ledger has errors or a record would not read
        back exactly as meant. Returns what ``write`` will write and the changed records' warnings.
        """
        from hjp.load import Files, load_ledger
        from hjp.rules import RuleContext, validate

        if self._prepared is not None:
            return self._prepared
        self._wanted = None
        files: list[Written] = []
        new_bytes: dict[Path, bytes] = {}
        notices: list[str] = []
        for path in self._paths():
            if path in self._create and os.path.lexists(path):
                raise EditError(f"{self.display(path)} 已经存在；hjp 不覆盖它，未写入任何内容。请先运行 hjp validate 核对", 1)
            old = self.read(path)
            if path in self._data:
                data = self._data[path]
            elif path in self._edits or path in self._appended:
                data = self.doc(path).to_bytes(self._edits.get(path, []) + self._appended.get(path, []))
            else:
                data = old or b""
            for extra in self._appends.get(path, []):
                data += extra
            new_bytes[path] = data
            real = self._writable(path, notices)
            files.append(Written(path, real, data, old, self.display(path)))
        given = {p: r for p, r in self.ledger.results.items() if p not in new_bytes}
        parsed: dict[Path, Any] = {}
        jobs = [p for p in new_bytes if self._kind_of(p) is not None and (p in self._edits or p in self._appended)]
        checked = self._validate_files(jobs, new_bytes)
        for path in jobs:  # the first file's refusal, as when they are read one by one
            result, data_parsed, failure = checked[path]
            if failure is not None and failure[0] == "read":
                raise EditError(*failure[1:])
            given[path], parsed[path] = result, (None if data_parsed is _ELSEWHERE else data_parsed)
        singles = {p: s for p, s in self.ledger.singles.items() if p not in new_bytes}
        merged = load_ledger(self.root, cache=False, display_root=self.ledger.display_root,
                             files=Files(overlay=new_bytes, given=given, given_singles=singles))
        merged.repo_root = self.ledger.repo_root
        merged.sealed = _sealed_view(self.ledger, new_bytes)
        diags = validate(merged, RuleContext(as_of=self.today))
        bad = [d for d in diags if d.severity is Severity.ERROR]
        if bad:
            raise self._refusal(bad)
        self._check_readback(new_bytes, merged, parsed, {p: c[2] for p, c in checked.items() if c[1] is _ELSEWHERE})
        changed = {rid for (_p, rid) in self._expect}
        warnings = [d for d in diags if d.severity is Severity.WARNING and d.record in changed]
        self._merged = merged
        self._prepared = Prepared(files, warnings, notices, parsed)
        return self._prepared

    def _paths(self) -> list[Path]:
        seen: dict[Path, None] = {}
        for change in self.changes:
            seen.setdefault(change.path, None)
        return list(seen)

    def _writable(self, path: Path, notices: list[str]) -> Path:
        """Where ``path``'s bytes go; EditError for a file hjp must not or cannot replace."""
        display = self.display(path)
        real = Path(os.path.realpath(path))
        repo = Path(os.path.realpath(self.ledger.repo_root))
        # DESIGN §7: nothing is written outside the repository, also not through a symbolic link.
        if not real.is_relative_to(repo):
            raise EditError(f"{display} 经符号链接指向仓库之外（{real}）；hjp 不向仓库外写入，"
                            "未写入任何内容。请把该文件放进仓库本身", 1)
        if os.path.islink(path):
            # Keep the link and write the file it points to (inside the repository, checked above):
            # replacing the link with a plain file would silently split the two copies.
            notices.append(f"{display} 是符号链接，已写入它指向的文件 {self._show(real)}（链接保持不变）")
        try:
            st = os.stat(real)
        except FileNotFoundError:
            return real
        except OSError as exc:
            raise EditError(f"无法读取 {display}（{os_reason(exc)}），未写入任何内容", 1) from None
        if not stat.S_ISREG(st.st_mode):
            raise EditError(f"{display} 不是普通文件，未写入任何内容；请检查该路径", 1)
        if not st.st_mode & stat.S_IWUSR:
            # Renaming over a read-only file works on Linux: the clerk (or a colleague) made it
            # read-only on purpose, so it is not replaced.
            raise EditError(f"{display} 是只读文件，未写入任何内容；如确需修改，请先取消只读"
                            f"（chmod u+w {display}，或在 Windows 文件属性中取消“只读”）", 1)
        return real

    def _appended_only(self, path: Path, data: bytes) -> bool:
        """Whether ``path`` only gains records after its last one, in a file large enough that
        reading just those pays (``_validate_file``'s fast path)."""
        from hjp.yamlread import MAX_BYTES

        old = self.ledger.results.get(path)
        tail = self._tails.get(path)
        raw = self.read(path)
        if (old is None or raw is None or len(raw) < FAST_APPEND_MIN_BYTES or path in self._modified or tail is None
                or tail.after_line is None or tail.end_is_block_scalar or old.diagnostics or len(data) > MAX_BYTES):
            return False
        doc = self.doc(path)
        return doc.text.endswith(("\n", "\r")) and all(
            s == e == doc.line_end(tail.after_line) for s, e, _n in self._appended.get(path, []))

    def _validate_file(self, path: Path, kind: kinds.Kind, village: str | None,
                       data: bytes) -> tuple["FileResult", Any]:
        """The changed file's FileResult and its data as hjp reads it (None on the fast path)."""
        from hjp.load import FileResult, date_keys, validate_appended, validate_record_file
        from hjp.yamlread import MList, parse_bytes, parse_text

        display = self.display(path)
        old = self.ledger.results.get(path)
        tail = self._tails.get(path)
        if self._wanted is None:
            self._wanted = {}
            for (p, rid) in self._expect:
                self._wanted.setdefault(p, set()).add(rid)
        wanted = self._wanted.get(path, set())
        stamps = _Stamps(kind.top, wanted) if len(wanted) >= BULK_READBACK_MIN else None
        if self._appended_only(path, data):
            # Only records appended after the last one: parse just them, where they stand.
            assert old is not None and tail is not None and tail.after_line is not None
            inserted = "".join(new for _s, _e, new in self._appended[path])
            piece = "\n" * (tail.after_line + 1) + inserted
            got = parse_text(piece, display, date_keys=date_keys(), visit=stamps and stamps.visit)
            if not got.diagnostics and isinstance(got.data, MList):
                added = validate_appended(got, kind.stem, display, village)
                self._fast[path] = (piece, got.data)
                if stamps is not None:
                    self._stamps[path] = stamps
                return FileResult(old.records + added.records, old.locs + added.locs,
                                  old.diagnostics + added.diagnostics), None
        if stamps is not None:
            stamps = _Stamps(kind.top, wanted)  # the appended piece's visit above did not count
        parsed = parse_bytes(data, display, date_keys=date_keys(), visit=stamps and stamps.visit)
        if parsed.diagnostics and not (old is not None and old.diagnostics):
            raise EditError("写出的内容无法读回，未写入：" + "；".join(d.message for d in parsed.diagnostics), 1)
        if stamps is not None and stamps.visited:
            self._stamps[path] = stamps
        return validate_record_file(parsed, kind.stem, display, village), parsed.data

    def _refusal(self, bad: list[Diagnostic]) -> EditError:
        """Say whether the errors come from this change or were in the ledger already."""
        from hjp.rules import RuleContext, validate

        before = {_problem(d) for d in validate(self.ledger, RuleContext(as_of=self.today))
                  if d.severity is Severity.ERROR}
        new = [d for d in bad if _problem(d) not in before]
        old = len(bad) - len(new)
        if not new:
            return EditError(f"台账本来就有 {old} 个错误（与本次修改无关），须先改正才能修改；未写入任何内容：", 1, bad)
        more = f"（另有 {old} 个原有错误，hjp validate 查看）" if old else ""
        return EditError(f"改动后台账会有 {len(new)} 个错误{more}，未写入任何内容：", 1, new)

    def _validate_files(self, paths: list[Path], new_bytes: dict[Path, bytes]) -> dict[Path, tuple[Any, Any, Any]]:
        """``_validate_file`` of each changed record file: path → (FileResult, data, failure).

        ``failure``: None, or ("read", message, code, diagnostics) for a file that cannot be
        written as it is (``_validate_file``'s refusal). Above ``load.PARALLEL_MIN_BYTES`` of them,
        on Linux, a forked worker (as for ``hjp validate``) takes the largest files, reading each
        back there too (``_readback``: its data does not cross over, ``_ELSEWHERE`` stands for it,
        and ``failure`` may be ("back", message, code, diagnostics), raised after the rules as here).
        """
        from hjp import load

        out: dict[Path, tuple[Any, Any, Any]] = {}

        def here(path: Path) -> None:
            found = self._kind_of(path)
            assert found is not None
            try:
                result, data = self._validate_file(path, found[0], found[1], new_bytes[path])
            except EditError as exc:
                out[path] = (None, None, ("read", exc.message, exc.code, exc.diagnostics))
                return
            out[path] = (result, data, None)

        # Files that only gain records are read here: just those records are parsed, and a worker
        # would send back the whole file's result.
        whole = [p for p in paths if not self._appended_only(p, new_bytes[p])]
        workers = 0
        if sys.platform.startswith("linux"):  # a worker must inherit this transaction: fork only
            workers = min(1, load._workers_for(sum(len(new_bytes[p]) for p in whole), len(whole)))
        pool = None
        if workers:
            global _FORKED
            _FORKED = (self, new_bytes)
            try:
                pool = load._pool(workers)
            except Exception:  # no working multiprocessing here: one process it is
                pool = None
        if pool is None:
            for path in paths:
                here(path)
            return out
        for path in paths:
            if path not in whole:
                here(path)
        # Largest first to the worker, one queued ahead; this process reads the smallest meanwhile.
        pending = deque(sorted(whole, key=lambda p: -len(new_bytes[p])))
        running: dict[Any, Path] = {}
        retry: list[Path] = []
        try:
            with pool:
                while pending or running:
                    while pending and len(running) < 2:
                        try:
                            fut = pool.submit(_forked_job, str(pending[0]))
                        except Exception:  # the pool broke: this process does the rest
                            break
                        running[fut] = pending.popleft()
                    if pending:
                        here(pending.pop())
                    for fut in [f for f in running if f.done() or not pending]:
                        path = running.pop(fut)
                        try:
                            blob, failure = fut.result()
                            out[path] = (load.load_result(blob) if blob is not None else None, _ELSEWHERE, failure)
                            if blob is not None:
                                self._blobs[path] = blob  # also the cache entry's content
                        except Exception:  # the worker died (killed, out of memory): read it here
                            retry.append(path)
        finally:
            _FORKED = None
        for path in retry:
            here(path)
        return out

    def _forked(self, path: Path, new_bytes: dict[Path, bytes]) -> tuple[bytes | None, Any]:
        """In the worker: one file's FileResult (serialised) and what reading it back found."""
        from hjp.load import dump_result

        found = self._kind_of(path)
        assert found is not None
        try:
            result, data = self._validate_file(path, found[0], found[1], new_bytes[path])
        except EditError as exc:
            return None, ("read", exc.message, exc.code, exc.diagnostics)
        expects = {rid: e for (p, rid), e in self._expect.items() if p == path}
        try:
            self._readback(path, expects, new_bytes[path], result, data)
        except EditError as exc:
            return dump_result(result), ("back", exc.message, exc.code, exc.diagnostics)
        return dump_result(result), None

    def _check_readback(self, new_bytes: dict[Path, bytes], merged: "Ledger", parsed: dict[Path, Any],
                        elsewhere: dict[Path, Any]) -> None:
        """Every changed record reads back (hjp's reader and PyYAML) as meant; nothing else changed.
        ``elsewhere``: the files a worker read back, with what it found."""
        by_path: dict[Path, dict[str, Expect]] = {}
        for (path, rid), expect in self._expect.items():
            by_path.setdefault(path, {})[rid] = expect
        for path, expects in by_path.items():
            if path in elsewhere:
                if elsewhere[path] is not None:
                    raise EditError(*elsewhere[path][1:])
                continue
            display = self.display(path)
            data = new_bytes[path]
            if self._kind_of(path) is None:  # village.yaml and the like: small, read whole
                _same(display, _load_plain(data, display), [e.parsed for e in expects.values()],
                      _safe_load(data, display), [e.typed for e in expects.values()])
                continue
            self._readback(path, expects, data, merged.results[path], parsed.get(path))

    def _readback(self, path: Path, expects: dict[str, Expect], data: bytes, now: "FileResult",
                  data_parsed: Any) -> None:
        """``_check_readback`` of one record file: ``now`` its FileResult, ``data_parsed`` hjp's
        reading of it (None when only the appended records were read)."""
        display = self.display(path)
        found = self._kind_of(path)
        assert found is not None
        kind = found[0]
        fast = self._fast.get(path)
        if fast is not None:
            piece, items = fast
            got = {item.get("id"): item for item in items if isinstance(item, dict)}
            stamps = self._stamps.get(path)
            if stamps is not None:
                typed = {rid: stamps.typed(rid, got.get(rid)) for rid in expects}
            else:
                typed = {r.get("id"): r for r in (_safe_load_text(piece, display) or []) if isinstance(r, dict)}
            for rid, expect in expects.items():
                _same(display, got.get(rid), expect.parsed, typed.get(rid), expect.typed)
            return
        items = data_parsed.get(kind.top) if isinstance(data_parsed, dict) else None
        if not isinstance(items, list):
            raise _broken(display)
        text, _bom = decode(data, display)
        doc = YamlText.of_text(text)
        marks = items.marks  # type: ignore[attr-defined]
        where: dict[Any, int] = {}
        for i, item in enumerate(items):
            rid = item.get("id") if isinstance(item, dict) else None
            where[rid] = -1 if rid in where else i  # -1: the ID stands twice
        stamps = self._stamps.get(path)
        for rid, expect in expects.items():
            i = where.get(rid, -1)
            if i < 0:
                raise _broken(display)
            got = items[i]
            if stamps is not None:
                typed = stamps.typed(rid, got)
            else:
                first = marks[i][0]
                end = marks[i + 1][0] if i + 1 < len(marks) else len(doc.starts)
                typed = None
                if end > first:
                    typed = _pick(_safe_load_text(_lines(doc, first, end), display), rid, kind.top)
                if typed is None:
                    typed = _pick(_safe_load_text(text, display), rid, kind.top)
            _same(display, got, expect.parsed, typed, expect.typed)
        # The other records read back as before (their models, built from hjp's reading).
        old = self.ledger.results.get(path)
        if old is not None:
            before = {r.id: r for r in old.records}
            after = {r.id: r for r in now.records}
            if set(after) != set(before) | set(expects) or len(now.records) != len(old.records) + sum(
                    1 for e in expects.values() if e.new):
                raise _broken(display)
            if any(after[rid] != rec for rid, rec in before.items() if rid not in expects):
                raise _broken(display)

    # -- writing ---------------------------------------------------------------------------------

    def write(self) -> Prepared:
        """Write every staged file atomically (temporary files first, then the renames)."""
        prepared = self.prepare()
        for w in prepared.files:
            try:
                now: bytes | None = w.path.read_bytes()
            except FileNotFoundError:
                now = None
            except OSError as exc:
                raise EditError(f"无法读取 {w.display}（{os_reason(exc)}），未写入任何内容", 1) from None
            if now != w.old:
                raise EditError(f"{w.display} 在此期间被其他程序修改过，未写入任何内容；请重试", 1)
        _write_all(prepared.files, self.root / CACHE_DIR / TMP_DIR)
        self._store_cache(prepared)
        return prepared

    def commit(self) -> Prepared:
        """``prepare`` and ``write``."""
        self.prepare()
        return self.write()

    def _store_cache(self, prepared: Prepared) -> None:
        """Put the changed record files' results in the per-file cache: the next validate is warm."""
        if not self.cache:
            return
        from hjp.load import result_cache

        fc = result_cache(self.root)
        for w in prepared.files:
            found = self._kind_of(w.path)
            result = self._merged.results.get(w.path)
            if found is None or result is None:
                continue
            try:
                fc.put(fc.key(w.new, found[0].stem, w.display, found[1]), result,
                       encoded=self._blobs.get(w.path))
            except Exception:  # noqa: BLE001 - the cache only saves time
                pass

    def changed_fields(self, change: "Change") -> list[tuple[str, Any, Any]] | None:
        """(field, old, new) of an existing record's values this transaction changed (fields
        flattened as ``hjp log`` names them: progress[3].note); None for a new record or a file."""
        from hjp.history import diff

        if change.record_id is None or (change.path, change.record_id) not in self._before:
            return None
        return diff(self._before[(change.path, change.record_id)], self._expect[(change.path, change.record_id)].parsed)

    def written_records(self) -> list[tuple[Change, int, str]]:
        """(change, 1-based line, text) of each changed record as it now stands, the 举报人 masked."""
        from hjp.edit import shown_record

        out = []
        assert self._prepared is not None and self._merged is not None
        by_path = {w.path: w for w in self._prepared.files}
        docs: dict[Path, Any] = {}
        for change in self.changes:
            if change.record_id is None or change.kind is None or change.path not in by_path:
                continue
            line, text = shown_record(by_path[change.path].new, change, self._merged, self.display(change.path), docs)
            out.append((change, line, text))
        return out


# ---------------------------------------------------------------------------------------------
# Helpers


def _show(root: Path, path: Path) -> str:
    from hjp.paths import display_path

    return display_path(path, root, str(root))


def acquire(root: Path, *, wait: float | None = None, notify: Callable[[str], None] | None = None) -> Any:
    """The ledger's lock (a ``filelock.FileLock``, held): at once, or after saying so through
    ``notify`` and waiting at most ``wait`` seconds; EditError (exit 1) when it stays taken."""
    from filelock import FileLock, Timeout

    wait = wait_from_env() if wait is None else wait
    try:
        lock = FileLock(str(cache_dir(root) / LOCK_NAME))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if notify is not None:
                notify(f"正在等待另一个 hjp 命令写完台账（最多等 {wait:g} 秒）…")
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise EditError(f"等了 {wait:g} 秒，台账仍被另一个 hjp 命令占用，未写入任何内容；请稍后重试。"
                                f"若确认没有其他 hjp 命令在运行，请检查锁文件 "
                                f"{_show(root, root / CACHE_DIR / LOCK_NAME)}", 1) from None
    except OSError as exc:
        raise EditError(f"无法在 {_show(root, root / CACHE_DIR)} 建立锁文件（{os_reason(exc)}），"
                        "未写入任何内容；台账目录须可写", 1) from None
    return lock


@contextmanager
def locked(root: Path, *, wait: float | None = None, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Only the ledger's lock, for a writer that does not (yet) go through a Transaction."""
    lock = acquire(root, wait=wait, notify=notify)
    try:
        yield
    finally:
        lock.release()


def _sealed_view(base: "Ledger", staged: dict[Path, bytes]) -> Any:
    """The sealed 举报人 store as the rules should see it: what is on disk plus the staged files."""
    from hjp.rules.sealed import sealed_scan
    from hjp.sealed import HAZARD_ID, RECIPIENTS, SUFFIX, sealed_dir

    folder = sealed_dir(base.root)
    ids = [p.name[:-len(SUFFIX)] for p in staged
           if p.parent == folder and p.name.endswith(SUFFIX) and HAZARD_ID.fullmatch(p.name[:-len(SUFFIX)])]
    view = sealed_scan(base).with_ids(ids) if ids or folder / RECIPIENTS in staged else sealed_scan(base)
    if folder / RECIPIENTS in staged:
        view.recipients = staged[folder / RECIPIENTS]
    return view


@functools.lru_cache(maxsize=256)  # one per (format, year, village): an import asks for each row
def _id_pattern(fmt: str, noun: str, year: int, village: str | None) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z]+(?::[^}]*)?\})", fmt)
    rx = ""
    for part in parts:
        name = re.fullmatch(r"\{([a-z]+)(?::([^}]*))?\}", part)
        if not name:
            rx += re.escape(part)
            continue
        # Only zero-padding to a sane width: town.yaml is data, and '{seq:0999999999d}' asked
        # str.format for a gigabyte.
        if name.group(2) is not None and (name.group(1) != "seq" or not re.fullmatch(r"0[1-9]d?", name.group(2))):
            raise EditError(f"town.yaml 的 id_format.{noun} 中 {part} 的写法不支持；序号写 {{seq}} 或补零到固定位数，"
                            f"例如 {{seq:04d}}（1–9 位），{{year}}、{{village}} 不带格式", 1)
        if name.group(1) == "seq":
            rx += r"(?P<seq>\d+)"
        elif name.group(1) == "year":
            rx += str(year)
        elif name.group(1) == "village":
            rx += re.escape(village or "")
        else:
            raise EditError(f"town.yaml 的 id_format.{noun} 中有不认识的占位符 {part}；只能用 {{year}}、{{village}}、{{seq}}", 1)
    if "(?P<seq>" not in rx:
        raise EditError(f"town.yaml 的 id_format.{noun} 须含 {{seq}}（序号）", 1)
    return re.compile(rx)


def _apply_op(record: dict[str, Any], op: tuple[str, tuple[Any, ...], Any], view: Callable[[Any], Any]) -> None:
    """Apply ("set" | "append", path, value) to a record's values in one view."""
    action, path, value = op
    target: Any = record
    for key in path[:-1]:
        target = target[key]
    last = path[-1]
    if action == "set":
        target[last] = view(value)
    else:
        existing = target.get(last) if isinstance(target, dict) else target[last]
        if existing is None:
            target[last] = [view(value)]
        else:
            existing.append(view(value))


def _problem(d: Diagnostic) -> tuple[str, str, str | None, str]:
    # lines shift when a record is inserted: a problem is the same one if all but its place agree
    return d.code, d.path, d.record, re.sub(r":\d+(?=\D|$)", "", d.message)


# A file read back in a worker: its data stays there (``Transaction._validate_files``).
_ELSEWHERE = object()
# The transaction a forked worker inherits (set only while its pool runs).
_FORKED: tuple[Transaction, dict[Path, bytes]] | None = None


def _forked_job(path: str) -> tuple[bytes | None, Any]:
    gc.disable()  # a short-lived worker, as load's
    assert _FORKED is not None
    tx, new_bytes = _FORKED
    return tx._forked(Path(path), new_bytes)


class _Stamps:
    """PyYAML's reading of many records, taken from the node tree hjp's reader composed.

    hjp's reader resolves plain scalars with PyYAML's own rules except one: it leaves timestamps
    as text (``yamlread``: they are tagged ``DATE_LIKE``; an explicit ``!!timestamp`` keeps its
    tag). So PyYAML reads a record as hjp's reader does, with each such scalar turned into what
    PyYAML's timestamp constructor makes of it. ``visit`` (``yamlread.parse_text``'s hook) notes
    where those scalars stand in the wanted records; ``typed`` builds PyYAML's view of a record
    from hjp's. A record with a timestamp as a mapping key (hjp reads text, PyYAML a date) or whose
    ID stands twice has no view: the read-back refuses it.
    """

    def __init__(self, top: str, wanted: set[str]):
        self.top = top
        self.wanted = wanted
        self.found: dict[str, dict[tuple[Any, ...], Any] | None] = {}
        self.visited = False

    def visit(self, root: Any) -> None:
        self.visited = True
        items = root
        if isinstance(root, MappingNode):
            items = next((v for k, v in root.value if k.value == self.top), None)
        if not isinstance(items, SequenceNode):
            return
        wanted, found = self.wanted, self.found
        for item in items.value:
            rid = record_id(item)
            if rid in wanted:
                if rid in found:
                    found[rid] = None
                    continue
                at: dict[tuple[Any, ...], Any] | None = {}
                found[rid] = at if _timestamps(item, (), at) else None

    def typed(self, rid: str, got: Any) -> Any:
        """PyYAML's view of record ``rid`` given hjp's reading of it; None when there is none."""
        if rid not in self.found:
            return None
        at = self.found[rid]
        if at is None or not isinstance(got, dict):
            return None
        out = dict(got)  # copied along each path: ``got`` is compared as it is
        copied = {id(out)}
        for path, value in at.items():
            target = out
            for key in path[:-1]:
                child = target[key]
                if id(child) not in copied:
                    child = target[key] = dict(child) if isinstance(child, dict) else list(child)
                    copied.add(id(child))
                target = child
            target[path[-1]] = value
        return out


_STAMP_TAGS = frozenset(("hjp:date", "tag:yaml.org,2002:timestamp"))  # yamlread.DATE_LIKE, PyYAML's own
_STAMP_MEMO: dict[str, Any] = {}


def _timestamps(node: Any, path: tuple[Any, ...], at: dict[tuple[Any, ...], Any]) -> bool:
    """Record in ``at`` (path → value) each scalar under ``node`` PyYAML reads as a timestamp;
    False when one is a mapping key (no plain view can say it) or PyYAML cannot read one."""
    cls = node.__class__
    if cls is ScalarNode:
        if node.tag in _STAMP_TAGS:
            value = _stamp(node)
            if value is None:
                return False
            at[path] = value
        return True
    if cls is MappingNode:
        for k, v in node.value:  # a record's scalars, inline: this runs for every record of an import
            if k.__class__ is not ScalarNode or k.tag in _STAMP_TAGS:
                return False
            if v.__class__ is ScalarNode:
                if v.tag in _STAMP_TAGS:
                    value = _stamp(v)
                    if value is None:
                        return False
                    at[(*path, k.value)] = value
            elif not _timestamps(v, (*path, k.value), at):
                return False
        return True
    if cls is SequenceNode:
        return all(_timestamps(item, (*path, i), at) for i, item in enumerate(node.value))
    return True


def _stamp(node: Any) -> Any:
    """What PyYAML's timestamp constructor makes of a scalar; None when it cannot (2025-02-30)."""
    value = _STAMP_MEMO.get(node.value)
    if value is None:
        from hjp.yamlread import _CTOR

        try:
            value = _CTOR.construct_yaml_timestamp(node)
        except ValueError:
            return None
        if len(_STAMP_MEMO) < 10_000:  # dates repeat: found_on, deadline...
            _STAMP_MEMO[node.value] = value
    return value


def _views(value: Any) -> tuple[Any, Any]:
    """(``written(value)``, ``as_parsed(value)``) in one pass (an import stages thousands)."""
    if isinstance(value, dict):
        typed, parsed = {}, {}
        for k, v in value.items():
            if v is not None:
                typed[k], parsed[k] = _views(v)
        return typed, parsed
    if isinstance(value, (list, tuple)):
        pairs = [_views(v) for v in value]
        return [t for t, _p in pairs], [p for _t, p in pairs]
    if isinstance(value, date):
        return value, value.isoformat()
    return value, value


def _lines(doc: YamlText, first: int, end: int) -> str:
    stop = doc.starts[end] if end < len(doc.starts) else len(doc.text)
    return "\n" * first + doc.text[doc.starts[first]:stop]


def _read_record(doc: YamlText, first: int, end: int, rid: str, top: str, display: str) -> tuple[Any, Any]:
    """(PyYAML's values, hjp's reader's values) of a record, read from its own lines (whole file
    as a fallback)."""
    from hjp.yamlread import parse_text, plain

    piece = _lines(doc, first, end)
    typed = _pick(_safe_load_text(piece, display), rid, top)
    got = parse_text(piece, display)
    parsed = _pick(plain(got.data), rid, top) if not got.diagnostics else None
    if typed is None or parsed is None:
        typed = _pick(_safe_load_text(doc.text, display), rid, top)
        got = parse_text(doc.text, display)
        parsed = _pick(plain(got.data), rid, top) if not got.diagnostics else None
        if typed is None or parsed is None:
            raise EditError(f"{display} 中的 {rid} 无法单独读取；请先运行 hjp validate", 1)
    return typed, parsed


def _pick(data: Any, rid: str, top: str) -> Any:
    """The record ``rid`` in what a piece of a file reads as: a record, a list of them, or the file."""
    if isinstance(data, dict) and top in data:
        data = data[top]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return None
    hits = [r for r in data if isinstance(r, dict) and r.get("id") == rid]
    return hits[0] if len(hits) == 1 else None


def _safe_load_text(text: str, display: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError):
        raise _broken(display) from None


def _safe_load(data: bytes, display: str) -> Any:
    return _safe_load_text(decode(data, display)[0], display)


def _load_plain(data: bytes, display: str) -> Any:
    from hjp.yamlread import parse_bytes, plain

    got = parse_bytes(data, display)
    if got.diagnostics:
        raise EditError("写出的内容无法读回，未写入：" + "；".join(d.message for d in got.diagnostics), 1)
    return plain(got.data)


def _same(display: str, got: Any, want: Any, got_typed: Any, want_typed: Any) -> None:
    # hjp's reader gives MDict/MList: dict and list subclasses that compare by content, as plain ones
    if isinstance(want, list):  # a whole small file: each expected value must be it
        if any(got != w for w in want) or any(got_typed != w for w in want_typed):
            raise _broken(display)
        return
    if got != want or got_typed != want_typed:
        raise _broken(display)


def _broken(display: str) -> EditError:
    return EditError(f"内部错误：写出的 {display} 读回后与预期不符，未写入（请报告此问题）", 1)


def _write_all(files: list[Written], tmp_dir: Path) -> None:
    """Temporary files for all, then the renames; on any failure, undo the renames done."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    made_dirs: list[Path] = []
    temps: list[tuple[Written, str]] = []
    try:
        for w in files:
            for d in [w.real.parent, *w.real.parent.parents]:
                if d.exists():
                    break
                made_dirs.append(d)
            w.real.parent.mkdir(parents=True, exist_ok=True)
            temps.append((w, _temp(w.real, w.new, tmp_dir)))
    except OSError as exc:
        _discard(temps, made_dirs)
        where = temps[-1][0].display if len(temps) == len(files) else files[len(temps)].display
        raise EditError(f"写入 {where} 失败（{os_reason(exc)}），原文件未改动", 1) from None
    except BaseException:
        _discard(temps, made_dirs)
        raise
    done: list[Written] = []
    try:
        for w, tmp in temps:
            _replace(tmp, w.real)
            done.append(w)
    except BaseException as exc:
        failed = next(w for w, _t in temps if w not in done)
        undone = _undo(done, tmp_dir)
        _discard([(w, t) for w, t in temps if w not in done], made_dirs)
        if isinstance(exc, OSError):
            if undone:
                raise EditError(f"写入 {failed.display} 失败（{os_reason(exc)}），原文件未改动", 1) from None
            raise EditError(f"写入 {failed.display} 失败（{os_reason(exc)}）；已写入的文件未能全部恢复，"
                            "请用 git diff 检查", 1) from None
        raise
    for d in {w.real.parent for w in files}:
        _fsync_dir(d)


def _temp(real: Path, data: bytes, tmp_dir: Path) -> str:
    """A complete, fsynced temporary file with ``real``'s mode, on ``real``'s file system."""
    folder = tmp_dir
    try:
        if os.stat(tmp_dir).st_dev != os.stat(real.parent).st_dev:
            folder = real.parent  # a rename cannot cross file systems
    except OSError:
        folder = real.parent
    return complete_temp(real, data, folder=folder, suffix=".hjp-tmp", durable=True)


def _discard(temps: list[tuple[Written, str]], made_dirs: list[Path]) -> None:
    for _w, tmp in temps:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    for d in made_dirs:  # deepest first; only folders this write created, and only while empty
        try:
            d.rmdir()
        except OSError:
            break


def _undo(done: list[Written], tmp_dir: Path) -> bool:
    """Put back what the files held before (delete the ones created); True when all went back."""
    ok = True
    for w in reversed(done):
        try:
            if w.old is None:
                os.unlink(w.real)
            else:
                os.replace(_temp(w.real, w.old, tmp_dir), w.real)
        except OSError:
            ok = False
    return ok


def _fsync_dir(d: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

