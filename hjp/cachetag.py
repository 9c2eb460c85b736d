"""Cache entries vouched for by this user's secret key: an entry is unpickled only if its tag verifies.

Both caches (``cache.py`` per file, ``runcache.py`` per run) hold pickles, because pydantic models
unpickle faster than anything else rebuilds them; but unpickling runs code. Anyone who can write
a file into a cache directory — a repository that commits a ``.hjp-cache/``, a colleague on a
shared folder — could otherwise run code in the clerk's session, or plant a "validation passed"
answer. So every entry starts with an HMAC-SHA256 of the rest under a per-user secret, and a
reader that cannot verify the tag treats the entry as a miss without looking inside.

The secret (32 random bytes) lives in the user's own cache directory, outside every repository:
``%LOCALAPPDATA%\\hjp\\cache-key`` on Windows, ``~/Library/Caches/hjp/cache-key`` on macOS, else
``$XDG_CACHE_HOME/hjp/cache-key`` (``~/.cache``), or in ``$HJP_CACHE_KEY_DIR``. It is created 0600
in a 0700 directory; on POSIX a key file that others could read or that someone else owns is
replaced. Losing it only costs one cold run. Without a usable secret (no writable home) the caches
are off, never unverified.

Stdlib only: the whole-run cache's hit path must stay light.
"""

from __future__ import annotations

import hmac
import os
import stat
import sys
from pathlib import Path

KEY_NAME = "cache-key"
TAG_SIZE = 32  # bytes of HMAC-SHA256
_KEY_SIZE = 32

_key: bytes | None = None
_key_dir: Path | None = None  # the directory _key was read from (tests move it through the env)


def key_dir() -> Path:
    """Where this user's secret lives (outside any repository); ``HJP_CACHE_KEY_DIR`` moves it."""
    chosen = os.environ.get("HJP_CACHE_KEY_DIR")
    if chosen:
        return Path(chosen)
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hjp"


def _read_key(path: Path) -> bytes | None:
    """The key in ``path`` if it is a private regular file of ours holding exactly a key, else None."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != _KEY_SIZE:
            return None
        if os.name != "nt" and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
            return None  # readable by others, or planted by someone else: not a secret
        data = os.read(fd, _KEY_SIZE + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == _KEY_SIZE else None


def _create_key(folder: Path) -> None:
    """Write a fresh key and publish it whole (a reader never sees a half-written key)."""
    import secrets  # only when there is no key yet: the hit path of the run cache stays light
    import tempfile

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{KEY_NAME}.", suffix=".tmp")  # 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(_KEY_SIZE))
        target = folder / KEY_NAME
        try:
            os.link(tmp, target)  # fails if another process published one first: keep theirs
        except FileExistsError:
            if _read_key(target) is None:  # an unusable key file (wrong mode, owner or size): replace it
                os.replace(tmp, target)
        except OSError:  # no hard links here (some file systems): last writer wins, which is harmless
            os.replace(tmp, target)
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def secret() -> bytes | None:
    """This user's cache key (created on first use); None when it cannot be had (caching is then off)."""
    global _key, _key_dir
    folder = key_dir()
    if _key is not None and _key_dir == folder:
        return _key
    path = folder / KEY_NAME
    key = _read_key(path)
    if key is None:
        try:
            _create_key(folder)
        except OSError:
            return None
        key = _read_key(path)
    if key is not None:
        _key, _key_dir = key, folder
    return key


def sign(blob: bytes) -> bytes | None:
    """``blob`` with its tag in front, as an entry is stored; None when there is no key (do not store)."""
    key = secret()
    if key is None:
        return None
    return hmac.digest(key, blob, "sha256") + blob


def verified(entry: bytes) -> bytes | None:
    """The payload of a stored entry if its tag is ours, else None (a miss: never unpickle it)."""
    key = secret()
    if key is None or len(entry) < TAG_SIZE:
        return None
    payload = memoryview(entry)[TAG_SIZE:]
    if not hmac.compare_digest(hmac.digest(key, payload, "sha256"), entry[:TAG_SIZE]):
        return None
    return payload


def is_key_name(name: str) -> bool:
    """Whether ``name`` is a cache entry's name (a SHA-256 in hex) or one of its temporary files.

    The caches delete only such names: pruning can never remove a file hjp did not write, wherever
    a directory turns out to point.
    """
    if name.startswith(".") and name.endswith(".tmp"):
        name = name[1:].split(".", 1)[0]
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def real_dir(path: Path) -> bool | None:
    """True: a directory and not a link to one; None: nothing there yet; False: anything else.

    A cache directory is written and pruned only when it is real: a repository could commit
    ``.hjp-cache`` (or a subdirectory of it) as a link into the clerk's home.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return False
    if getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0):
        return False  # a Windows junction or symbolic link
    return stat.S_ISDIR(st.st_mode)
