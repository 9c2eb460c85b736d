"""Content-addressed cache of validated record files.

The key is the SHA-256 of the file's bytes plus everything else the result depends on (its kind,
displayed path, village, and a fingerprint of the code and libraries that build it), so an entry
can never be stale: a changed file or a changed hjp simply misses. The cache lives in
``<ledger>/.hjp-cache/`` (which ignores itself in git; ``HJP_CACHE_DIR`` moves it) and is safe
to delete at any time; an unreadable or corrupt entry is a miss and is rewritten. After each load
the entries no ledger file referenced are deleted, so the cache holds about one entry per file.

An entry is the pickled FileResult with its Locs flattened to tuples: a file's Locs share path and
village, and rebuilding them is cheaper than unpickling slotted dataclasses one by one
(tests/benchmarks/README.md has the figures). It is stored behind an HMAC tag under this user's
secret (``cachetag.py``) and unpickled only when the tag verifies: whoever can write into the cache
directory cannot make hjp unpickle their bytes. The default directory is used only when it is a real
directory (not a link a repository committed), and pruning deletes only entry-named files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from hjp import __version__, cachetag, messages
from hjp.files import write_cache_entry
from hjp.sealed import MARKER

CACHE_DIR = ".hjp-cache"
# Bump when the entry layout below changes (the code fingerprint would catch it too).
_FORMAT = 5


def write_entry(entry: Path, blob: bytes) -> None:
    """Store ``blob`` (an encoded result) as the entry at ``entry``, tagged; nothing without a key."""
    signed = cachetag.sign(blob)
    if signed is not None:
        write_cache_entry(entry, signed)


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Changes whenever the code that shapes a FileResult changes: our modules (size and mtime are
    enough), and the Python, pydantic and PyYAML versions (pickled models depend on them)."""
    import pydantic
    import yaml

    here = Path(__file__).parent
    # messages.py counts by its keys and their arguments only: entries hold codes and arguments, so a
    # changed wording is shown without rebuilding them.
    h = hashlib.sha256(f"{__version__}\0{_FORMAT}\0{sys.version}\0{pydantic.VERSION}\0{yaml.__version__}"
                       f"\0{messages.signature()}".encode())
    for name in ("kinds.py", "model.py", "yamlread.py", "schema_errors.py", "load.py", "diagnostics.py", "cache.py"):
        try:
            st = (here / name).stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


def _loads_single(blob: bytes | memoryview) -> tuple[Any, Any, list]:
    """A town.yaml / village.yaml entry (stored by ``FileCache.put_single``)."""
    fmt, data, obj, diagnostics = pickle.loads(blob)
    if fmt != -_FORMAT or not isinstance(diagnostics, list):
        raise ValueError("not a single-file entry of this format")
    return data, obj, diagnostics


Codec = tuple[Callable[[Any], bytes], Callable[[memoryview], Any]]


def holds_identity(result: Any) -> bool:
    """Whether a file's result holds a 举报人 in clear (a hazard's ``reporter`` other than 已密封, HJP240):
    such a result is never cached. The cache sits in the ledger folder the clerk copies or zips for
    the county, and an entry outlives the text: after the clerk removes the identity by hand, the
    run cache answers and nothing prunes the entry that holds it."""
    return any(getattr(r, "reporter", None) not in (None, MARKER) for r in getattr(result, "records", ()))


class FileCache:
    """One ledger's cache directory; ``get``/``put`` by key, ``close`` prunes what went unused.

    What an entry holds is the caller's business: ``codec`` is (encode, decode) of a record file's
    result (the loader's ``dump_result``/``load_result``: only it knows a ``Loc``'s packing).
    """

    def __init__(self, ledger_root: Path, codec: Codec):
        self.encode, self.decode = codec
        chosen = os.environ.get("HJP_CACHE_DIR")  # the clerk's own choice may be a link
        self.dir = Path(chosen or (ledger_root / CACHE_DIR))
        self.enabled = (chosen is not None or cachetag.real_dir(self.dir) is not False) \
            and cachetag.secret() is not None
        self.used: set[str] = set()

    def key(self, raw: bytes, stem: str, display: str, village: str | None) -> str:
        h = hashlib.sha256(raw)
        h.update(f"\0{stem}\0{display}\0{village}\0{_code_fingerprint()}".encode())
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / key

    def entry_for(self, key: str) -> Path | None:
        """Where the entry for ``key`` lives (None when the cache is off); marks it as used."""
        if not self.enabled:
            return None
        self.used.add(key)
        return self._path(key)

    def get(self, key: str) -> Any:
        return self._read(key, self.decode)

    def put(self, key: str, result: Any, *, encoded: bytes | None = None) -> None:
        """Store ``result``; ``encoded``: the same already encoded (as a worker process sent it)."""
        if holds_identity(result):
            return
        self._write(key, (lambda: encoded) if encoded is not None else (lambda: self.encode(result)))

    def get_single(self, key: str) -> tuple[Any, Any, list] | None:
        """A town.yaml / village.yaml entry: (data as read, model or None, diagnostics)."""
        return self._read(key, _loads_single)

    def put_single(self, key: str, value: tuple[Any, Any, list]) -> None:
        self._write(key, lambda: pickle.dumps((-_FORMAT, *value), protocol=pickle.HIGHEST_PROTOCOL))

    def _read(self, key: str, decode: Callable[[memoryview], Any]) -> Any:
        self.used.add(key)
        if not self.enabled:
            return None
        try:
            with open(self._path(key), "rb") as f:
                payload = cachetag.verified(f.read())
            # Not ours (forged, foreign, damaged): a miss, never unpickled; the caller rewrites it.
            return None if payload is None else decode(payload)
        except Exception:  # noqa: BLE001 - any corrupt or foreign entry is a miss, rewritten by the caller
            return None

    def _write(self, key: str, blob: Any) -> None:
        self.used.add(key)
        if not self.enabled:
            return
        path = self._path(key)
        if cachetag.real_dir(path.parent) is False:  # a link or a file where our subdirectory goes
            self.enabled = False
            return
        try:
            write_entry(path, blob())
        except OSError:
            # A read-only checkout still validates; it just is not faster next time.
            self.enabled = False

    def prune(self) -> int:
        """Delete entries (and stray temp files) no file of this load referenced; how many."""
        removed = 0
        try:
            with os.scandir(self.dir) as it:
                # never through a link: a committed .hjp-cache/ab -> ~/Documents must not be emptied
                subdirs = [Path(e.path) for e in it if len(e.name) == 2 and cachetag.real_dir(Path(e.path))]
        except OSError:
            return 0
        for sub in subdirs:
            try:
                names = os.listdir(sub)
            except OSError:
                continue
            for name in names:
                if name not in self.used and cachetag.is_key_name(name):
                    try:
                        os.unlink(sub / name)
                        removed += 1
                    except OSError:
                        pass
            try:
                sub.rmdir()  # only succeeds when empty
            except OSError:
                pass
        return removed

    def close(self) -> None:
        if self.enabled and not os.environ.get("HJP_CACHE_DIR"):
            # A shared HJP_CACHE_DIR may serve several ledgers: never prune another's entries.
            self.prune()
