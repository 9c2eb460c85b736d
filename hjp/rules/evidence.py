"""Rules on evidence paths: relative, inside the repository, and (a warning) present on disk."""

from __future__ import annotations

import os
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.rules.records import _at

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext


def _paths(record: Any) -> Iterable[tuple[str, str]]:
    for p in record.evidence:
        yield "evidence", p
    for name in ("milestones", "occurrences", "progress"):
        for entry in getattr(record, name, None) or []:
            for p in entry.evidence:
                yield name, p


def escapes(path: str) -> bool:
    """True when a ledger-supplied path is absolute or climbs out of the repository."""
    if not path or "\0" in path:
        return True
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute() or PureWindowsPath(path).drive:
        return True
    norm = os.path.normpath(path.replace("\\", "/"))
    return norm == ".." or norm.startswith("../") or norm.startswith("/")


def check_evidence_paths(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    repo = ledger.repo_root
    repo_resolved = repo.resolve()
    pools: list[Iterable[tuple[str | None, Any]]] = [ledger.hazards(), ledger.drills(), ledger.all_tasks()]
    for pool in pools:
        for _slug, r in pool:
            for fld, p in _paths(r):
                if escapes(p):
                    yield error("HJP207", f"佐证材料路径 {p} 须是仓库内的相对路径（例如 evidence/{r.id}/验收单.jpg），"
                                          "不能是绝对路径或用 .. 跳出仓库", **_at(ledger, r, fld))
                    continue
                if not ctx.check_files:
                    continue
                target = repo / p
                try:
                    inside = target.resolve().is_relative_to(repo_resolved)
                except OSError:
                    inside = False
                if not inside:
                    yield error("HJP207", f"佐证材料路径 {p} 经符号链接指向仓库之外；请把文件放进仓库",
                                **_at(ledger, r, fld))
                elif not target.exists():
                    yield warning("HJP208", f"佐证材料 {p} 不存在；请把文件放到仓库的这个位置，或改正路径",
                                  **_at(ledger, r, fld))
