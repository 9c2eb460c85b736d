"""Small path facts shared by the loader, the rules and the run cache (stdlib only, cheap to import)."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath


def display_path(path: Path, root: Path, display_root: str) -> str:
    """Path relative to the current directory, or as given when outside it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else \
            os.path.join(display_root, os.path.relpath(path, root))
    except ValueError:  # another drive on Windows
        return str(path)


def work_tree(path: Path) -> Path | None:
    """The git work tree holding ``path`` (``path`` itself or an ancestor with a ``.git``: a directory,
    or a file in linked work trees and submodules; no git process needed), else None."""
    return next((p for p in (path, *path.parents) if (p / ".git").exists()), None)


def find_repo_root(root: Path) -> Path:
    """The git work tree holding the ledger, else the ledger directory's parent."""
    return work_tree(root) or root.parent


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


def ledger_dir_problem(root: Path, given: str, *, from_env: bool = False) -> str | None:
    """Why ``root`` cannot be the ledger directory, as a usage error's message with the fix; None if it can.

    ``from_env``: the path came from ``HJP_LEDGER`` (then the fix is to change that variable).
    """
    a_file = False
    try:
        st = os.stat(root)
    except FileNotFoundError:
        what = f"找不到台账目录 {given}"
    except NotADirectoryError:
        what = f"找不到台账目录 {given}（路径中有一段是文件，不是目录）"
    except PermissionError:
        what = f"无法进入台账目录 {given}（没有权限）"
    except OSError as exc:
        what = f"无法访问台账目录 {given}（{exc.strerror or exc}）"
    else:
        if stat.S_ISDIR(st.st_mode):
            return None
        a_file = stat.S_ISREG(st.st_mode)
        what = f"{given} 是一个文件，不是台账目录" if a_file else f"{given} 不是目录，不是台账目录"
    if from_env:
        return f"{what}（来自环境变量 HJP_LEDGER）；请把 HJP_LEDGER 改为台账目录（含 town.yaml 的目录，例如 ledgers）或删除它，或用 --ledger 指定"
    if a_file and root.name == "town.yaml":
        return f"{what}；台账目录是 town.yaml 所在的目录：--ledger {os.path.dirname(given) or '.'}"
    return f"{what}；请用 --ledger 指定，或设置环境变量 HJP_LEDGER"


def _key(path: Path) -> str:
    # Windows and macOS compare names without case: ledgers\Town.yaml is ledgers\town.yaml there
    return os.path.normcase(str(path))


def _resolved(path: Path) -> Path:
    """``path`` absolute with every link of its existing part followed (a target may not exist yet)."""
    try:
        return Path(os.path.abspath(path)).resolve()
    except (OSError, RuntimeError):  # a link loop: compare what we have
        return Path(os.path.abspath(path))


def output_problem(target: Path, ledger: Path) -> str | None:
    """Why a report or an export may not be written to ``target``; None when it may.

    Never inside the ledger directory (a report written over town.yaml or a village's hazards.yaml
    destroyed it, and a chart dropped beside it is an unknown file there) nor inside the
    repository's ``.git``: those are the clerk's data, which only the edit commands write (locked,
    validated, atomically). Links are followed, so a link pointing into the ledger is refused too.
    """
    where = _key(_resolved(target))
    home = _resolved(ledger)
    repo = work_tree(home)
    places = [(home, f"台账目录 {ledger}")]
    if repo is not None:
        places.append((repo / ".git", f"git 仓库的 {repo / '.git'} 目录"))
    for folder, what in places:
        if where == _key(folder) or where.startswith(_key(folder).rstrip(os.sep) + os.sep):
            here = _key(_resolved(Path(os.curdir))) + os.sep
            in_ledger = here.startswith(_key(home).rstrip(os.sep) + os.sep)
            suggest = os.path.join(os.path.relpath(home.parent), target.name) if in_ledger else target.name
            return (f"不能把文件写到{what} 里：{target} 会覆盖台账文件或混进台账（台账只由 hjp 的修改命令写入）；"
                    f"未写入任何文件。请写到台账目录之外，例如 -o {suggest}")
    return None
