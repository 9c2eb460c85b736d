"""Whole-run cache of ``hjp validate``: an unchanged ledger is answered without reading it again.

The per-file cache (``cache.py``) saves parsing; this one saves everything else too — importing
pydantic and the models, unpickling records and running the rules — which is most of the time
for a small ledger and of a warm run on a large one. So that an answer can never be stale, the
key covers everything the output depends on:

- the bytes of every file the loader reads, and the names in every directory it lists (also
  ``sealed/``, whose listing and recipients.txt the sealed-store rules read);
- the ledger path as given, the working directory and the repository root (displayed paths);
- hjp's own code (size and mtime of every module) and the Python and library versions;

and an entry also records the date it was computed for (the ledger's "today") and the state of
every evidence path on disk (present, missing, outside), both re-checked on every hit.
Entries are tagged with this user's secret (``cachetag.py``) and unpickled only when the tag
verifies, so nobody else's bytes — a committed ``.hjp-cache/``, a shared folder — are unpickled or
taken for an answer.
This module imports only the standard library and ``hjp.diagnostics``: the hit path stays light.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
import sys
from dataclasses import dataclass, field
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Callable

from hjp import __version__, cachetag, messages
from hjp.diagnostics import Diagnostic, Severity
from hjp.files import write_cache_entry
from hjp.paths import evidence_state, find_repo_root

_FORMAT = 2
_CATALOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "messages.py")
_KEEP = 8  # results kept per ledger (one per recent day or working directory)
SUBDIR = "results"  # inside .hjp-cache; FileCache.prune only touches its two-letter subdirs


@dataclass
class Validated:
    """What ``hjp validate`` reports: the diagnostics and how much was read; with what a cached
    answer is checked against on a hit (the zone and day it was computed for, evidence states)."""

    diagnostics: list[Diagnostic]
    files: int
    records: int
    timezone: str = ""
    day: date | None = None
    evidence: dict[str, str] = field(default_factory=dict)


def cached(run: Callable[..., Validated]) -> Callable[..., Validated]:
    """Wrap a validation the way beancount's cache decorator wraps ``_load``: an unchanged ledger is
    answered from the whole-run cache; otherwise ``run`` does the work and its answer is stored
    (only if nothing changed on disk meanwhile: then the key differs). ``run(root, *, clock,
    cache, ...)``: ``clock(timezone)`` is today in the ledger's zone; ``cache=False`` bypasses."""

    @functools.wraps(run)
    def wrapper(root: Path, *, clock: Callable[[str], date], cache: bool = True, **kw: Any) -> Validated:
        if not cache or not (root / "town.yaml").is_file():
            return run(root, clock=clock, cache=cache, **kw)
        key = ledger_key(root, str(root))
        hit = lookup(root, key, clock) if key else None
        if hit is not None:
            return Validated(*hit)
        result = run(root, clock=clock, cache=cache, **kw)
        if key is not None and result.day is not None and ledger_key(root, str(root)) == key:
            store(root, key, timezone=result.timezone, day=result.day, diagnostics=result.diagnostics,
                  files=result.files, records=result.records, evidence=result.evidence)
        return result

    return wrapper


def _code_fingerprint(h: Any) -> None:
    here = Path(__file__).parent
    # The wording of messages is not part of an answer (entries hold codes and arguments, rendered
    # when shown): messages.py counts only by its keys and their arguments.
    h.update(f"{__version__}\0{_FORMAT}\0{sys.version}\0{messages.signature()}\0".encode())
    for folder in (here, here / "rules"):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py") and entry.path != _CATALOG:
                st = entry.stat()
                h.update(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    for lib in ("pydantic", "pydantic_core", "yaml"):
        spec = find_spec(lib)
        origin = spec.origin if spec is not None else None
        if origin:
            st = os.stat(origin)
            h.update(f"{origin}:{st.st_size}:{st.st_mtime_ns}\0".encode())


def _feed_file(h: Any, path: Path) -> None:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:  # unreadable: let the real run say so
        h.update(f"!{path}:{exc.errno}\0".encode())
        return
    h.update(f"{path.name}:{len(data)}\0".encode())
    h.update(data)


def _kind(entry: os.DirEntry) -> str:
    """What an entry is, as the loader tells them apart: a link (and where it points) is not the
    file it reaches (HJP014: a link out of the repository is not read), nor a FIFO a dangling link.
    The directory entry's type, no stat, for the usual file or folder."""
    if entry.is_symlink():
        return f"L{os.readlink(entry.path)}:{entry.is_dir()}:{entry.is_file()}"
    if entry.is_file(follow_symlinks=False):
        return "f"
    if entry.is_dir(follow_symlinks=False):
        return "d"
    return f"o{stat.S_IFMT(entry.stat(follow_symlinks=False).st_mode)}"


def ledger_key(root: Path, display_root: str) -> str | None:
    """The key for this ledger as it is on disk now; None when it cannot be computed (no cache)."""
    h = hashlib.sha256()
    try:
        _code_fingerprint(h)
        resolved = root.resolve()
        h.update(f"{resolved}\0{display_root}\0{Path.cwd().resolve()}\0{find_repo_root(resolved)}\0".encode())
        for name in ("town.yaml", "tasks.yaml"):
            if (root / name).is_file():
                _feed_file(h, root / name)
        # names at the top too: a "Tasks.yaml" or "villages - 副本" appearing there is an error (HJP016)
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            if not entry.name.startswith("."):  # .hjp-cache itself comes and goes; dot names are never read
                h.update(f"R{entry.name}:{_kind(entry)}\0".encode())
        vdir = root / "villages"
        if vdir.is_dir():
            for village in sorted(os.scandir(vdir), key=lambda e: e.name):
                h.update(f"V{village.name}:{_kind(village)}\0".encode())
                if not village.is_dir():
                    continue
                for entry in sorted(os.scandir(village.path), key=lambda e: e.name):
                    h.update(f"F{entry.name}:{_kind(entry)}\0".encode())
                    if entry.is_file():
                        _feed_file(h, Path(entry.path))
        sealed = root / "sealed"  # the sealed-store rules read its listing and recipients.txt
        if sealed.is_dir():
            # Names only, in one update (a DirEntry and an update per name cost 2.6 µs each: +10 % on
            # a warm validate with 10,000 sealed files); the folder's mtime changes whenever an entry
            # is added, removed or replaced, e.g. a file by a folder of the same name.
            names = sorted(os.listdir(sealed))
            h.update(f"S{os.stat(sealed).st_mtime_ns}\0{chr(0).join(names)}\0".encode())
            if "recipients.txt" in names:
                _feed_file(h, sealed / "recipients.txt")
    except OSError:
        return None
    return h.hexdigest()


def _entry(root: Path, key: str) -> Path:
    base = Path(os.environ.get("HJP_CACHE_DIR") or (root / ".hjp-cache"))
    return base / SUBDIR / key


def lookup(root: Path, key: str, today_for: Any) -> tuple[list[Diagnostic], int, int] | None:
    """(diagnostics, files, records) of an earlier identical run, or None.

    ``today_for(timezone)`` gives today's date in the ledger's zone (the caller owns the clock).
    """
    try:
        with open(_entry(root, key), "rb") as f:
            payload = cachetag.verified(f.read())
        if payload is None:  # not written by this user's hjp: never unpickled
            return None
        fmt, tz, day, diags, files, records, evidence = pickle.loads(payload)
        if fmt != _FORMAT or today_for(tz) != date.fromisoformat(day):
            return None
        repo = find_repo_root(root.resolve())
        repo_resolved = repo.resolve()
        for path, state in evidence.items():
            if evidence_state(repo, repo_resolved, path) != state:
                return None
        return [Diagnostic(c, Severity(s), p, ln, col, r, k, a, n) for c, s, p, ln, col, r, k, a, n in diags], files, records
    except Exception:  # noqa: BLE001 - a missing, corrupt or foreign entry is simply a miss
        return None


def _shared(args: tuple, seen: dict[str, Any]) -> tuple:
    """``args`` with each (name, value) pair replaced by an equal one met before, so that pickle
    writes and reads it once: the same label, value list or hint recurs in thousands of findings
    (10,000 alike made the entry 6 times slower to read than one holding the rendered text).
    Keyed by repr, which tells 1, 1.0 and True apart where == does not."""
    return tuple(seen.setdefault(repr(pair), pair) for pair in args)


def store(root: Path, key: str, *, timezone: str, day: date, diagnostics: list[Diagnostic], files: int,
          records: int, evidence: dict[str, str]) -> None:
    """Save a run's answer; best effort (a read-only checkout just does not get faster)."""
    target = _entry(root, key)
    if not os.environ.get("HJP_CACHE_DIR") and cachetag.real_dir(target.parent.parent) is False:
        return  # .hjp-cache is a link (or a file) a repository committed: write nothing through it
    if cachetag.real_dir(target.parent) is False:
        return
    seen: dict[str, Any] = {}
    blob = cachetag.sign(pickle.dumps((_FORMAT, timezone, day.isoformat(),
                                       [(d.code, d.severity.value, d.path, d.line, d.col, d.record, d.key,
                                         _shared(d.args, seen), d.notes) for d in diagnostics],
                                       files, records, evidence), protocol=pickle.HIGHEST_PROTOCOL))
    if blob is None:  # no key: no cache
        return
    try:
        write_cache_entry(target, blob)
        with os.scandir(target.parent) as it:  # only our own entries, never through a link
            ours = [e for e in it if cachetag.is_key_name(e.name) and e.is_file(follow_symlinks=False)]
        ours.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime, reverse=True)
        for old in ours[_KEEP:]:
            os.unlink(old.path)
    except OSError:
        pass
