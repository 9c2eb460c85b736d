"""Ledger directory → validated models, with every record's file and line.

``load_ledger`` reads ``town.yaml``, ``tasks.yaml`` and ``villages/<slug>/*.yaml``; each file goes
through ``yamlread`` (bytes → values with marks) and the pydantic models, one record at a time so
that one bad record never hides the others. Problems are returned as diagnostics, never raised;
only a missing ledger directory raises ``LedgerNotFound`` (a usage error, exit 2).
Parsed files are kept in a content-addressed cache (``cache.py``) so unchanged files are not re-read.

Speed (tests/benchmarks/README.md has the figures): a file's records are validated with one
pydantic call and only re-validated one by one when that fails; the cyclic garbage collector is
off during the bulk load; and when the files to parse are large, a second process parses half of
them (``_build_results``). None of this changes a result or a diagnostic.
"""

from __future__ import annotations

import functools
import gc
import os
import pickle
from array import array
import re
import sys
from collections import deque
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from pydantic import BaseModel, ValidationError

from hjp import layout, model as m
from hjp.kinds import BY_PREFIX, BY_STEM, KINDS, TOWN_KINDS, VILLAGE_KINDS, Kind
from hjp.paths import display_path, find_repo_root, ledger_dir_problem  # noqa: F401  (re-exported)
from hjp.diagnostics import Diagnostic, error
from hjp.errors import LedgerNotFound  # noqa: F401  (re-exported: raised by load_ledger)
from hjp.messages import Part, part
from hjp.sealed import reporter_comments
from hjp.schema_errors import date_fields, did_you_mean, odd_values, translate, value_arg
from hjp.yamlread import MDict, MList, Parsed, parse_bytes

if TYPE_CHECKING:
    from hjp.cache import FileCache

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A village's directory name is short pinyin: a 300-character one failed with "File name too long".
SLUG_MAX = 60


def slug_problem(slug: str) -> Part | None:
    """What is wrong with a village directory name (None: nothing), for HJP011 and hjp new village."""
    if not SLUG_RE.match(slug):
        return part("HJP011.chars")
    if len(slug) > SLUG_MAX:
        return part("HJP011.long", length=len(slug), limit=SLUG_MAX)
    return None




class Loc:
    """Where a record stands: display path, 1-based line/col, village slug, its fields' marks.

    ``marks`` maps each field to (key line, key col, value line, value col), 0-based. A Loc read
    from the cache holds them packed (keys, array bytes) and unpacks them on first use: a clean
    ledger never looks at them, and unpickling 15 tuples a record was a third of a warm load.
    ``items``: 1-based positions inside list-valued fields, e.g. ("evidence", 1) or
    ("milestones", 0, "done_on"); None when the record has no such lists (the common case).
    """

    __slots__ = ("path", "line", "col", "village", "_marks", "items")

    def __init__(self, path: str, line: int, col: int, village: str | None,
                 marks: dict[Any, tuple[int, int, int, int]] | tuple[tuple, bytes] | None = None,
                 items: dict[tuple, tuple[int, int]] | None = None):
        self.path, self.line, self.col, self.village = path, line, col, village
        self._marks = {} if marks is None else marks
        self.items = items

    @property
    def marks(self) -> dict[Any, tuple[int, int, int, int]]:
        marks = self._marks
        if marks.__class__ is tuple:
            keys, packed = marks
            numbers = array("i")
            numbers.frombytes(packed)
            it = iter(numbers)
            marks = self._marks = dict(zip(keys, zip(it, it, it, it)))
        return marks  # type: ignore[return-value]

    @marks.setter
    def marks(self, value: dict[Any, tuple[int, int, int, int]]) -> None:
        self._marks = value

    def packed_marks(self) -> tuple[tuple, bytes]:
        """(keys, bytes) form of ``marks``, as the cache stores it."""
        marks = self._marks
        if marks.__class__ is tuple:
            return marks  # type: ignore[return-value]
        return tuple(marks), array("i", chain.from_iterable(marks.values())).tobytes()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Loc):
            return NotImplemented
        return (self.path, self.line, self.col, self.village, self.marks, self.items) == \
            (other.path, other.line, other.col, other.village, other.marks, other.items)

    __hash__ = None  # type: ignore[assignment]  (mutable, as the dataclass it replaces)

    def __repr__(self) -> str:
        return (f"Loc(path={self.path!r}, line={self.line!r}, col={self.col!r}, village={self.village!r}, "
                f"marks={self.marks!r}, items={self.items!r})")

    def field(self, name: str) -> tuple[int, int]:
        """1-based (line, col) of a field's value; the record's own position when absent."""
        mark = self.marks.get(name)
        if mark is None:
            return self.line, self.col
        return mark[2] + 1, mark[3] + 1

    def at(self, *path: str | int) -> tuple[int, int]:
        """1-based (line, col) of a node inside a list-valued field; the field's when unknown."""
        if self.items:
            for n in range(len(path), 1, -1):
                pos = self.items.get(path[:n])
                if pos is not None:
                    return pos
        return self.field(str(path[0]))


def list_item_marks(item: MDict, list_fields: tuple[str, ...]) -> dict[tuple, tuple[int, int]] | None:
    """Positions of the items of a record's list fields (the kind's ``list_fields``: evidence, milestones...)."""
    out: dict[tuple, tuple[int, int]] = {}
    for key in list_fields:  # a few lookups per record: cheap even for 100,000 hazards
        value = item.get(key)
        if not isinstance(value, MList):
            continue
        for i, (line, col) in enumerate(value.marks):
            out[(key, i)] = (line + 1, col + 1)
            entry = value[i]
            if isinstance(entry, MDict):
                for sub, sub_value in entry.items():
                    _, _, vl, vc = entry.mark(sub)
                    out[(key, i, sub)] = (vl + 1, vc + 1)
                    if isinstance(sub_value, MList):
                        for j, (sl, sc) in enumerate(sub_value.marks):
                            out[(key, i, sub, j)] = (sl + 1, sc + 1)
    return out or None


@dataclass(slots=True)
class FileResult:
    """One record file, validated: the good records, where each stands, and the problems."""

    records: list[Any] = field(default_factory=list)
    locs: list[Loc] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class VillageLedger:
    """One village: its village.yaml and a list of records per village-level kind (``hjp.kinds``),
    as an attribute named by the kind's stem (``v.hazards``)."""

    # the kinds of the first release, typed for the rules' sake; every kind gets its list in __init__
    units: list[m.Unit]
    hazards: list[m.Hazard]
    drills: list[m.Drill]
    tasks: list[m.Task]
    inspections: list[m.Inspection]

    def __init__(self, slug: str, village: m.Village | None = None) -> None:
        self.slug = slug
        self.village = village
        for kind in VILLAGE_KINDS:
            setattr(self, kind.stem, [])

    @property
    def name(self) -> str:
        return self.village.name if self.village else self.slug

    def pool(self, kind: Kind) -> list[Any]:
        return getattr(self, kind.stem)

    def __repr__(self) -> str:
        return f"VillageLedger({self.slug!r})"


@dataclass
class Ledger:
    root: Path
    repo_root: Path
    display_root: str
    town: m.Town | None
    town_data: Any = None  # town.yaml as read (MDict with marks), so town rules can point at a phase's line
    tasks: list[m.Task] = field(default_factory=list)
    trainings: list[m.Training] = field(default_factory=list)
    villages: dict[str, VillageLedger] = field(default_factory=dict)
    loc_by_id: dict[str, Loc] = field(default_factory=dict)  # record ID -> where its first record stands
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    duplicates: list[tuple[str, Loc, Loc]] = field(default_factory=list)  # (id, again, first)
    # id(record object) -> Loc: exact even when two records share an ID (use ``loc_of``)
    loc_by_record: dict[int, Loc] = field(default_factory=dict)
    # The sealed store (sealed.Scan) as the rules see it; None: read ledgers/sealed/ when first asked.
    sealed: Any = None
    # What each file gave, by path: record files' FileResults, town/village files' (data, model,
    # diagnostics), and (with keep_sources) the bytes read. A transaction reuses them.
    results: dict[Path, FileResult] = field(default_factory=dict, repr=False)
    singles: dict[Path, tuple[Any, Any, list[Diagnostic]]] = field(default_factory=dict, repr=False)
    sources: dict[Path, bytes] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for kind in TOWN_KINDS:  # town-level records (tasks.yaml ...): a list per kind, named by its stem
            if not hasattr(self, kind.stem):
                setattr(self, kind.stem, [])

    def pool(self, kind: Kind, village: str | None) -> list[Any]:
        """The list holding ``kind``'s records of ``village`` (None: the town level)."""
        return getattr(self if village is None else self.villages[village], kind.stem)

    def records_of(self, kind: Kind) -> Iterator[tuple[str | None, Any]]:
        """(village slug or None, record) of every record of ``kind``, town level first."""
        if kind.town:
            for r in getattr(self, kind.stem):
                yield None, r
        if kind.village:
            for slug, v in self.villages.items():
                for r in getattr(v, kind.stem):
                    yield slug, r

    def loc_of(self, record: Any) -> Loc:
        return self.loc_by_record[id(record)]

    @property
    def timezone(self) -> str:
        """The zone the ledger's "today" is reckoned in: town.yaml's, else Beijing time (the one
        place it is read for a loaded ledger; ``clock.ledger_timezone`` reads it without loading)."""
        from hjp.clock import DEFAULT_TZ

        return self.town.timezone if self.town else DEFAULT_TZ

    def display(self, path: Path) -> str:
        return display_path(path, self.root, self.display_root)

    def hazards(self) -> Iterator[tuple[str, m.Hazard]]:
        for slug, v in self.villages.items():
            for h in v.hazards:
                yield slug, h

    def drills(self) -> Iterator[tuple[str, m.Drill]]:
        for slug, v in self.villages.items():
            for d in v.drills:
                yield slug, d

    def units(self) -> Iterator[tuple[str, m.Unit]]:
        for slug, v in self.villages.items():
            for u in v.units:
                yield slug, u

    def all_tasks(self) -> Iterator[tuple[str | None, m.Task]]:
        for t in self.tasks:
            yield None, t
        for slug, v in self.villages.items():
            for t in v.tasks:
                yield slug, t

    def record(self, record_id: str) -> Any:
        """The record with this ID (voided ones included), or None."""
        loc = self.loc_by_id.get(record_id)
        if loc is None:
            return None
        # The prefix's kind first; a record filed under another kind's prefix (HJP218) is still found.
        kind = BY_PREFIX.get(record_id.split("-", 1)[0])
        level = [k for k in KINDS if (k.village if loc.village is not None else k.town)]
        for k in sorted(level, key=lambda k: k is not kind):
            for r in self.pool(k, loc.village):
                if r.id == record_id and self.loc_by_record.get(id(r), loc) is loc:
                    return r
        return None


def _validate_one(cls: type[BaseModel], item: Any, display: str, text: str | None,
                  prefix: tuple, record: str | None) -> tuple[Any, list[Diagnostic]]:
    try:
        return cls.model_validate(item), []
    except ValidationError as exc:
        return None, translate(exc.errors(include_url=False), cls, item, display, record, text, prefix=prefix)


def validate_record_file(parsed: Parsed, stem: str, display: str, village: str | None) -> FileResult:
    """Validated records of one units/hazards/drills/tasks file."""
    result = FileResult(diagnostics=list(parsed.diagnostics))
    data = parsed.data
    if data is None:
        return result
    top = m.RECORD_FILES[stem][1]
    if not isinstance(data, MDict):
        result.diagnostics.append(error("HJP009.top_not_mapping", display, getattr(data, "line", 0) + 1, 1, top=top,
                                        found=_kind_of(data)))
        return result
    for key in data:
        if key != top:
            kl, kc, _, _ = data.mark(key)
            hint = did_you_mean(str(key), [top]) or part("HJP101.only_top", top=top)
            result.diagnostics.append(error("HJP101.top", display, kl + 1, kc + 1, name=value_arg(key), hint=hint))
    items = data.get(top)
    if items is None:
        return result
    if not isinstance(items, list):
        _, _, vl, vc = data.mark(top)
        result.diagnostics.append(error("HJP009.records_not_list", display, vl + 1, vc + 1, top=top,
                                        found=_kind_of(items)))
        return result
    found = validate_items(items, stem, display, village, parsed.text)
    result.records, result.locs = found.records, found.locs
    result.diagnostics.extend(found.diagnostics)
    if parsed.odd:
        result.diagnostics.extend(_odd_in_records(parsed, m.RECORD_FILES[stem][2], top, items, display))
    if stem == "hazards" and parsed.text is not None and "reporter:" in parsed.text:
        result.diagnostics.extend(_reporter_comments(parsed.text, display))
    return result


def _reporter_comments(text: str, display: str) -> list[Diagnostic]:
    """HJP240 for a comment on a line that holds ``reporter: 已密封`` (``sealed.reporter_comments``)."""
    return [error("HJP240.comment", display, line, col) for line, col in reporter_comments(text)]


def validate_items(items: MList, stem: str, display: str, village: str | None, text: str | None) -> FileResult:
    """The records of a list (a file's top list, or the records a transaction appends to one)."""
    result = FileResult()
    _container, _top, rec_cls, _prefix = m.RECORD_FILES[stem]
    list_fields = BY_STEM[stem].list_fields
    if len(items) >= _BULK_MIN and all(item.__class__ is MDict for item in items):
        # One pydantic call for the whole list (no per-record Python overhead); a file with any
        # invalid record falls through to the loop below, which explains each one.
        try:
            records = _list_adapter(rec_cls).validate_python(items)
        except ValidationError:
            pass
        else:
            result.records = records
            result.locs = [Loc(display, item.line + 1, item.col + 1, village, item.marks,
                               list_item_marks(item, list_fields)) for item in items]
            return result
    for i, item in enumerate(items):
        line, col = items.marks[i]
        if not isinstance(item, MDict):
            result.diagnostics.append(error("HJP009.record_not_mapping", display, line + 1, col + 1, n=i + 1,
                                            found=_kind_of(item)))
            continue
        rid = item.get("id") if isinstance(item.get("id"), str) else None
        rec, diags = _validate_one(rec_cls, item, display, text, (), rid)
        result.diagnostics.extend(diags)
        if rec is not None:
            result.records.append(rec)
            result.locs.append(Loc(display, item.line + 1, item.col + 1, village, item.marks,
                                   list_item_marks(item, list_fields)))
    return result


def validate_appended(parsed: Parsed, stem: str, display: str, village: str | None) -> FileResult:
    """Records appended to a file, read on their own where they stand (a list at the top of
    ``parsed``): what ``validate_record_file`` says of them within the whole file."""
    found = validate_items(parsed.data, stem, display, village, parsed.text)
    if parsed.odd:
        import dataclasses

        top, rec_cls = m.RECORD_FILES[stem][1], m.RECORD_FILES[stem][2]
        odd = [dataclasses.replace(o, path=(top, *o.path)) for o in parsed.odd]
        found.diagnostics.extend(_odd_in_records(dataclasses.replace(parsed, odd=odd), rec_cls, top,
                                                 parsed.data, display))
    return found


def _odd_in_records(parsed: Parsed, rec_cls: type[BaseModel], top: str, items: list, display: str) -> list[Diagnostic]:
    """HJP108 for the values of a record file that other YAML readers take differently (rare: only
    files holding such a value get here)."""
    def record_of(path: tuple) -> str | None:
        rid = items[path[1]].get("id") if isinstance(items[path[1]], dict) else None
        return rid if isinstance(rid, str) else None

    odd = [o for o in parsed.odd if len(o.path) > 2 and o.path[0] == top and isinstance(o.path[1], int)]
    return odd_values(odd, rec_cls, display, skip=2, record_of=record_of)


@functools.cache
def date_keys() -> frozenset[str]:
    """Every date field's name in the format: a plain date-looking value under any other key is
    text to hjp but a date to other YAML readers (HJP108)."""
    return date_fields(m.SCHEMA_MODELS.values())


# Below this many records the adapter's one-off construction (a few ms) is not paid back.
_BULK_MIN = 200
_ADAPTERS: dict[type, Any] = {}


def _list_adapter(cls: type[BaseModel]) -> Any:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(list[cls])  # type: ignore[valid-type]
    return adapter


def validate_single(parsed: Parsed, cls: type[BaseModel], display: str) -> tuple[Any, list[Diagnostic]]:
    """town.yaml / village.yaml: one mapping."""
    diags = list(parsed.diagnostics)
    data = parsed.data
    if data is None:
        if not diags:
            diags.append(error("HJP009.empty", display))
        return None, diags
    if not isinstance(data, MDict):
        diags.append(error("HJP009.not_mapping", display, getattr(data, "line", 0) + 1, 1, found=_kind_of(data)))
        return None, diags
    obj, more = _validate_one(cls, data, display, parsed.text, (), None)
    if parsed.odd:
        more += odd_values(parsed.odd, cls, display)
    return obj, diags + more


def _kind_of(value: Any) -> Part:
    """What was found where records (or a mapping) were expected."""
    if isinstance(value, list):
        return part("found.list")
    if isinstance(value, dict):
        return part("found.mapping")
    if value is None:
        return part("word.null")
    shown = repr(value)
    return part("found.scalar_cut", value=shown[:60]) if len(shown) > 60 else part("found.scalar", value=shown)


def read_file(path: Path, display: str) -> Parsed:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Parsed(None, [error("HJP001", display, reason=exc.strerror)])
    return parse_bytes(raw, display, date_keys=date_keys())


def _outside(ledger: Ledger, path: Path) -> bool:
    """True when ``path`` (through any symbolic link) lies outside the ledger's repository: such a
    file is never read (DESIGN §7: no path reaches outside the repository)."""
    try:
        return not path.resolve().is_relative_to(ledger.repo_root.resolve())
    except (OSError, RuntimeError):  # a link loop
        return True


def _outside_diagnostic(ledger: Ledger, path: Path) -> Diagnostic:
    return error("HJP014", ledger.display(path), name=path.name)


class Files:
    """What a load reads: the disk, or the disk as a transaction will leave it.

    ``overlay`` holds files' contents that replace (or add to) what is on disk; ``given`` holds
    record files' results already known (an unchanged file of an earlier load, or one the
    transaction validated itself); ``keep`` keeps every file's bytes in ``Ledger.sources``.
    """

    def __init__(self, overlay: dict[Path, bytes] | None = None, given: dict[Path, FileResult] | None = None,
                 given_singles: dict[Path, tuple[Any, Any, list[Diagnostic]]] | None = None, keep: bool = False):
        self.overlay = overlay or {}
        self.given = given or {}
        self.given_singles = given_singles or {}
        self.keep = keep
        self._dirs: dict[Path, set[str]] = {}
        for path in self.overlay:
            for parent in path.parents:
                self._dirs.setdefault(parent, set()).add(path.name if parent == path.parent else "")

    def is_file(self, path: Path) -> bool:
        return path in self.overlay or path.is_file()

    def is_dir(self, path: Path) -> bool:
        return path in self._dirs or path.is_dir()

    def read(self, path: Path) -> bytes:
        data = self.overlay.get(path)
        return path.read_bytes() if data is None else data

    def subdirs(self, path: Path) -> list[Path]:
        """The folders in ``path`` (on disk, or holding an overlay file), sorted."""
        found = {p for p in path.iterdir() if p.is_dir()} if path.is_dir() else set()
        found |= {d for d in self._dirs if d.parent == path}
        return sorted(found)



_DISK = Files()


def _village_dirs(root: Path, files: Files = _DISK) -> list[Path]:
    vdir = root / "villages"
    if not files.is_dir(vdir):
        return []
    return [p for p in files.subdirs(vdir) if not p.name.startswith(".")]


# ---------------------------------------------------------------------------------------------
# A FileResult as bytes: what a cache entry holds and what a worker process sends back. Here, not in
# cache.py, because only this module knows a Loc's packing (the cache stores what it is given).

# Bump when the layout below changes (the cache's code fingerprint would catch it too).
_RESULT_FORMAT = 4


def dump_result(result: FileResult) -> bytes:
    """A FileResult as bytes (what an entry holds, and what a worker process sends back)."""
    locs = result.locs
    shared = (locs[0].path, locs[0].village) if locs else (None, None)
    if all((loc.path, loc.village) == shared for loc in locs):
        # Most records of a file share one key order: store each order once, marks as bytes.
        orders: dict[tuple, int] = {}
        flat = []
        for loc in locs:
            keys, packed = loc.packed_marks()
            flat.append((loc.line, loc.col, orders.setdefault(keys, len(orders)), packed, loc.items))
        flat.append(tuple(orders))  # the key orders, by index
        state: tuple = (_RESULT_FORMAT, result.records, result.diagnostics, shared, flat)
    else:  # not produced by validate_record_file today; kept correct anyway
        state = (_RESULT_FORMAT, result.records, result.diagnostics, None, locs)
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def load_result(blob: bytes | memoryview) -> FileResult:
    """The inverse of ``dump_result``; raises (ValueError, pickle errors...) on anything malformed."""
    fmt, records, diagnostics, shared, flat = pickle.loads(blob)
    if fmt != _RESULT_FORMAT or not isinstance(records, list) or len(records) != len(flat) - (shared is not None):
        raise ValueError("not a cache entry of this format")
    if shared is None:
        locs = flat
    else:
        path, village = shared
        orders = flat.pop()
        locs = [Loc(path, line, col, village, (orders[k], packed), items) for line, col, k, packed, items in flat]
    return FileResult(records, locs, diagnostics)



def result_cache(root: Path) -> "FileCache":
    """The per-file cache of the ledger at ``root``, storing FileResults."""
    from hjp.cache import FileCache

    return FileCache(root, (dump_result, load_result))


# A record file job: (path, display path, file stem, village slug or None).
Job = tuple[Path, str, str, "str | None"]
# Parse in a second process only when the files to parse add up to this much: below it, starting
# a process costs more than it saves (a fork is ~10 ms, a spawn ~300 ms on this machine).
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
_FREEZE_MIN_RECORDS = 10_000


def _parse_job(raw: bytes, display: str, stem: str, village: str | None) -> FileResult:
    return validate_record_file(parse_bytes(raw, display, date_keys=date_keys()), stem, display, village)


def _worker_job(raw: bytes, display: str, stem: str, village: str | None, entry: str | None) -> bytes:
    """Runs in a worker process: the serialised FileResult (also stored in the cache when asked)."""
    from hjp import cache

    gc.disable()  # a short-lived worker: see load_ledger
    result = _parse_job(raw, display, stem, village)
    blob = dump_result(result)
    if entry is not None and not cache.holds_identity(result):
        try:
            cache.write_entry(Path(entry), blob)
        except OSError:  # an unwritable cache only costs speed (this process then tells nobody)
            pass
    return blob


def _pool(workers: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork starts a worker in ~10 ms with every module already imported; elsewhere spawn.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))


def _workers_for(total_bytes: int, files: int) -> int:
    if files < 2 or total_bytes < PARALLEL_MIN_BYTES * (1 if sys.platform.startswith("linux") else 8):
        return 0
    jobs = os.environ.get("HJP_JOBS", "")  # for benchmarks and debugging: HJP_JOBS=1 stays single-process
    if jobs.strip().isdigit():
        return max(0, min(files, int(jobs) - 1))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, min(files, cpus) - 1)


def _build_results(jobs: list[Job], fc: "FileCache | None", files: Files = _DISK,
                   sources: dict[Path, bytes] | None = None) -> dict[Path, FileResult]:
    """Every record file's FileResult: given, from the cache, or parsed here and in worker processes."""
    out: dict[Path, FileResult] = {}
    misses: list[tuple[Job, bytes, str | None]] = []
    for job in jobs:
        path, display, stem, village = job
        known = files.given.get(path)
        if known is not None:
            out[path] = known
            continue
        try:
            raw = files.read(path)
            if sources is not None:
                sources[path] = raw
        except OSError:
            out[path] = validate_record_file(read_file(path, display), stem, display, village)
            continue
        key = None
        if fc is not None:
            key = fc.key(raw, stem, display, village)
            hit = fc.get(key)
            if hit is not None:
                out[path] = hit
                continue
        misses.append((job, raw, key))
    workers = _workers_for(sum(len(raw) for _, raw, _ in misses), len(misses))
    pool = None
    if workers:
        try:
            pool = _pool(workers)
        except Exception:  # no working multiprocessing here (e.g. no /dev/shm): one process it is
            pool = None
    if pool is None:
        for (path, display, stem, village), raw, key in misses:
            out[path] = result = _parse_job(raw, display, stem, village)
            if fc is not None and key is not None:
                fc.put(key, result)
        return out
    # Largest first; the workers keep one file queued each and this process parses the rest
    # itself, so nothing waits and only the workers' share is serialised across processes.
    pending = deque(sorted(misses, key=lambda miss: -len(miss[1])))
    running: dict[Any, Path] = {}
    retry: list[Path] = []
    broken = False
    with pool:
        while pending or running:
            while pending and len(running) < 2 * workers and not broken:
                (path, display, stem, village), raw, key = pending[0]
                entry = fc.entry_for(key) if fc is not None and key is not None else None
                try:
                    fut = pool.submit(_worker_job, raw, display, stem, village, None if entry is None else str(entry))
                except Exception:  # the pool broke (a worker died): this process does the rest
                    broken = True
                    break
                pending.popleft()
                running[fut] = path
            if pending:
                (path, display, stem, village), raw, key = pending.pop()
                out[path] = result = _parse_job(raw, display, stem, village)
                if fc is not None and key is not None:
                    fc.put(key, result)
            for fut in [f for f in running if f.done() or not pending]:
                path = running.pop(fut)
                try:
                    out[path] = load_result(fut.result())
                except Exception:  # a worker died (killed, out of memory): parse it here instead
                    retry.append(path)
    for (path, display, stem, village), raw, key in misses:
        if path in retry:
            out[path] = result = _parse_job(raw, display, stem, village)
            if fc is not None and key is not None:
                fc.put(key, result)
    return out


def _single_file(path: Path, display: str, cls: type[BaseModel], fc: "FileCache | None",
                 files: Files = _DISK, sources: dict[Path, bytes] | None = None) -> tuple[Any, Any, list[Diagnostic]]:
    """town.yaml / village.yaml: (data as read, model or None, diagnostics), cached like record files.

    Caching these too means a run on an unchanged ledger builds no pydantic validator at all
    (the first one costs ~50 ms: pydantic scans every installed package for plugins).
    """
    known = files.given_singles.get(path)
    if known is not None:
        return known
    try:
        raw = files.read(path)
        if sources is not None:
            sources[path] = raw
    except OSError:
        parsed = read_file(path, display)
        return (parsed.data, *validate_single(parsed, cls, display))
    key = fc.key(raw, cls.__name__, display, None) if fc is not None else None
    if key is not None:
        hit = fc.get_single(key)
        if hit is not None:
            return hit
    parsed = parse_bytes(raw, display, date_keys=date_keys())
    obj, diags = validate_single(parsed, cls, display)
    if key is not None:
        fc.put_single(key, (parsed.data, obj, diags))
    return parsed.data, obj, diags


def _record_jobs(ledger: Ledger, files: Files = _DISK) -> list[Job]:
    """The record files load_ledger will read, in its order (``hjp.kinds.KINDS``'s)."""
    root = ledger.root
    jobs: list[Job] = []
    for kind in TOWN_KINDS:
        path = root / f"{kind.stem}.yaml"
        if files.is_file(path) and not _outside(ledger, path):
            jobs.append((path, ledger.display(path), kind.stem, None))
    for vdir in _village_dirs(root, files):
        if _outside(ledger, vdir):
            continue
        for kind in VILLAGE_KINDS:
            path = vdir / f"{kind.stem}.yaml"
            if files.is_file(path) and not _outside(ledger, path):
                jobs.append((path, ledger.display(path), kind.stem, vdir.name))
    return jobs


def load_ledger(root: Path | str, *, cache: bool = True, display_root: str | None = None,
                files: Files | None = None, freeze: bool = False) -> Ledger:
    """Read and validate the whole ledger (rules are run separately, see ``hjp.rules``).

    ``files`` (default: the disk as it is) lets a transaction load the ledger as its changes will
    leave it, reusing what an earlier load found for the files it does not change. The process is
    left as it was found, unless ``freeze``: a short-lived command (the CLI) may ask to have a large
    ledger moved out of the garbage collector's sight (``gc.freeze``), which a library must not do.
    """
    # The bulk load allocates millions of objects and frees none in cycles: the cyclic collector
    # would only traverse them again and again (measured 13.7 s → 7.7 s at 100,000 hazards).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        ledger = _load(root, cache, display_root, files or _DISK)
    finally:
        if gc_was_enabled:
            gc.enable()
    if freeze and gc_was_enabled and len(ledger.loc_by_record) >= _FREEZE_MIN_RECORDS:
        # Move the loaded ledger out of the collector's sight: otherwise the first collections
        # after the load traverse all of it (0.75 s at 100,000 hazards). Small ledgers (and
        # tests) are left alone.
        gc.freeze()
    return ledger


def _load(root: Path | str, cache: bool, display_root: str | None, files: Files) -> Ledger:
    given = str(root)
    root = Path(root)
    problem = ledger_dir_problem(root, given)
    if problem is not None:
        raise LedgerNotFound(problem)
    town_path = root / "town.yaml"
    if not files.is_file(town_path):
        raise LedgerNotFound(f"{given} 里没有 town.yaml，不是台账目录；请用 --ledger 指定台账目录")
    ledger = Ledger(root=root, repo_root=find_repo_root(root.resolve()), display_root=display_root or given,
                    town=None)
    fc = result_cache(root) if cache else None
    sources = ledger.sources if files.keep else None

    def single(path: Path, cls: type[BaseModel]) -> tuple[Any, Any, list[Diagnostic]]:
        found = ledger.singles[path] = _single_file(path, ledger.display(path), cls, fc, files, sources)
        return found

    if _outside(ledger, town_path):
        ledger.diagnostics.append(_outside_diagnostic(ledger, town_path))
    else:
        ledger.town_data, ledger.town, diags = single(town_path, m.Town)
        ledger.diagnostics.extend(diags)
    ledger.files.append(town_path)

    ledger.diagnostics.extend(layout.root_entries(root, ledger.display))
    results = _build_results(_record_jobs(ledger, files), fc, files, sources)

    def record_file(path: Path, stem: str, village: str | None) -> FileResult:
        ledger.files.append(path)
        found = results.get(path)
        if found is None:
            display = ledger.display(path)  # appeared since _record_jobs looked: read it now
            found = validate_record_file(read_file(path, display), stem, display, village)
        ledger.results[path] = found
        return found

    def absorb(res: FileResult, into: list[Any]) -> None:
        ledger.diagnostics.extend(res.diagnostics)
        into.extend(res.records)
        for rec, loc in zip(res.records, res.locs):
            ledger.loc_by_record[id(rec)] = loc
            first = ledger.loc_by_id.setdefault(rec.id, loc)
            if first is not loc:
                ledger.duplicates.append((rec.id, loc, first))

    for kind in TOWN_KINDS:
        path = root / f"{kind.stem}.yaml"
        if files.is_file(path):
            if _outside(ledger, path):
                ledger.diagnostics.append(_outside_diagnostic(ledger, path))
            else:
                absorb(record_file(path, kind.stem, None), ledger.pool(kind, None))

    for vdir in _village_dirs(root, files):
        slug = vdir.name
        if _outside(ledger, vdir):
            ledger.diagnostics.append(_outside_diagnostic(ledger, vdir))
            continue
        vl = VillageLedger(slug)
        ledger.villages[slug] = vl
        problem = slug_problem(slug)
        if problem is not None:
            ledger.diagnostics.append(error("HJP011", ledger.display(vdir), slug=slug, problem=problem))
        vfile = vdir / "village.yaml"
        if files.is_file(vfile) and _outside(ledger, vfile):
            ledger.diagnostics.append(_outside_diagnostic(ledger, vfile))
        elif files.is_file(vfile):
            ledger.files.append(vfile)
            _, vl.village, diags = single(vfile, m.Village)
            ledger.diagnostics.extend(diags)
        else:
            ledger.diagnostics.append(error("HJP012", ledger.display(vdir), slug=slug))
        # names on disk only: what a transaction adds is named by hjp itself
        ledger.diagnostics.extend(layout.village_entries(vdir, ledger.display))
        for kind in VILLAGE_KINDS:
            path = vdir / f"{kind.stem}.yaml"
            if files.is_file(path) and _outside(ledger, path):
                ledger.diagnostics.append(_outside_diagnostic(ledger, path))
            elif files.is_file(path):
                absorb(record_file(path, kind.stem, slug), vl.pool(kind))
    if fc is not None:
        fc.close()
    return ledger
