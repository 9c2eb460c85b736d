"""Content-addressed cache of validated record files.

The key is the SHA-256 of the file's bytes plus everything else the result depends on (its kind,
displayed path, village and the code that builds it), so an entry can never be stale: a changed
file or a changed hjp simply misses. The cache lives in ``<ledger>/.hjp-cache/`` (which ignores
itself in git) and is safe to delete at any time; any unreadable entry is treated as a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

from hjp import __version__
from hjp.load import FileResult, read_file, validate_record_file  # noqa: F401  (read_file re-used)
from hjp.yamlread import parse_bytes

CACHE_DIR = ".hjp-cache"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Changes whenever the modules that shape a FileResult change (size and mtime are enough)."""
    here = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for name in ("model.py", "yamlread.py", "schema_errors.py", "load.py", "diagnostics.py", "cache.py"):
        try:
            st = (here / name).stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


class FileCache:
    def __init__(self, ledger_root: Path):
        self.dir = Path(os.environ.get("HJP_CACHE_DIR") or (ledger_root / CACHE_DIR))
        self.enabled = True
        self.hits = 0
        self.misses = 0

    def _key(self, raw: bytes, display: str, kind: str, village: str | None) -> str:
        h = hashlib.sha256(raw)
        h.update(f"\0{kind}\0{display}\0{village}\0{_code_fingerprint()}".encode())
        return h.hexdigest()

    def get_or_build(self, path: Path, display: str, kind: str, village: str | None) -> FileResult:
        try:
            raw = path.read_bytes()
        except OSError:
            return validate_record_file(read_file(path, display), kind, display, village)
        key = self._key(raw, display, kind, village)
        entry = self.dir / key[:2] / key
        if self.enabled:
            try:
                with open(entry, "rb") as f:
                    result = pickle.load(f)
                if isinstance(result, FileResult):
                    self.hits += 1
                    return result
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
                    ValueError, IndexError):
                pass
        self.misses += 1
        result = validate_record_file(parse_bytes(raw, display), kind, display, village)
        self._store(entry, result)
        return result

    def _store(self, entry: Path, result: FileResult) -> None:
        if not self.enabled:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.dir / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# hjp's parse cache: safe to delete\n*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except OSError:
            # A read-only checkout still validates; it just is not faster next time.
            self.enabled = False

    def close(self) -> None:
        pass
