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


def complete_temp(path: Path, data: bytes, *, folder: Path | None = None, suffix: str = ".tmp",
                  durable: bool = False) -> str:
    """A temporary file holding all of ``data``, named after ``path`` in ``folder`` (default: beside
    it), ready to be renamed over ``path``; never left behind when this fails.

    It has the mode of the file it will replace (else the mode an ordinary write would give:
    ``mkstemp`` makes 0600); ``durable`` fsyncs its bytes."""
    fd, tmp = tempfile.mkstemp(dir=folder if folder is not None else path.parent, prefix=f".{path.name}.",
                               suffix=suffix)
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
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def write_atomic(path: Path, data: bytes, *, durable: bool = False,
                 replace: Callable[[str, Path], None] = os.replace) -> None:
    """Write ``data`` beside ``path`` and rename it over; the temporary file never outlives a failure
    (``complete_temp`` makes it). ``replace`` is a seam for tests that inject a failure before the rename.
    """
    tmp = complete_temp(path, data, durable=durable)
    try:
        replace(tmp, path)
    except BaseException:
        _unlink(tmp)
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
