"""Writing a file so that a reader sees the old bytes or the new, never a mix (stdlib only).

One implementation for every writer in hjp: ledger edits (durable: fsync of the file and of the
rename), reports and charts, and the caches (not durable: losing an entry only costs time).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable


def write_atomic(path: Path, data: bytes, *, durable: bool = False,
                 replace: Callable[[str, Path], None] = os.replace) -> None:
    """Write ``data`` beside ``path`` and rename it over; the temporary file never outlives a failure.

    The new file keeps the mode of the file it replaces (else the mode an ordinary write would give:
    ``mkstemp`` makes 0600). ``replace`` is a seam for tests that inject a failure before the rename.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        try:
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable and hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def write_cache_entry(entry: Path, blob: bytes) -> None:
    """An entry two levels below a cache directory (``.hjp-cache/xx/key``, ``.hjp-cache/results/key``).

    The cache directory ignores itself in git. Raises OSError when it cannot write.
    """
    entry.parent.mkdir(parents=True, exist_ok=True)
    ignore = entry.parent.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# hjp's parse cache: safe to delete\n*\n", encoding="utf-8")
    write_atomic(entry, blob)
