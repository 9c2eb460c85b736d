"""Small path facts shared by the loader, the rules and the run cache (stdlib only, cheap to import)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath


def display_path(path: Path, root: Path, display_root: str) -> str:
    """Path relative to the current directory, or as given when outside it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else \
            os.path.join(display_root, os.path.relpath(path, root))
    except ValueError:  # another drive on Windows
        return str(path)


def find_repo_root(root: Path) -> Path:
    """The git work tree holding the ledger, else the ledger directory's parent."""
    for p in [root, *root.parents]:
        if (p / ".git").exists():
            return p
    return root.parent


def escapes(path: str) -> bool:
    """True when a ledger-supplied path is absolute or climbs out of the repository."""
    if not path or "\0" in path:
        return True
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute() or PureWindowsPath(path).drive:
        return True
    norm = os.path.normpath(path.replace("\\", "/"))
    return norm == ".." or norm.startswith("../") or norm.startswith("/")


def evidence_state(repo: Path, repo_resolved: Path, path: str) -> str:
    """What the file system says of an evidence path: escapes | outside (via a link) | missing | ok."""
    if escapes(path):
        return "escapes"
    target = repo / path
    try:
        inside = target.resolve().is_relative_to(repo_resolved)
    except OSError:
        inside = False
    if not inside:
        return "outside"
    return "ok" if target.exists() else "missing"
