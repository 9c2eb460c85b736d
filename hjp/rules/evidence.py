"""Rules on evidence paths: relative, inside the repository, and (a warning) present on disk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.paths import escapes, evidence_state  # noqa: F401  (escapes re-exported)

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext


def _paths(record: Any) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """Each evidence path with where it stands: ("evidence", i) or ("progress", i, "evidence", j)."""
    for i, p in enumerate(record.evidence):
        yield ("evidence", i), p
    for name in ("milestones", "occurrences", "progress"):
        # __dict__, not getattr: a Hazard has no such field, and pydantic's __getattr__ raising
        # AttributeError costs ~2 µs a miss (0.5 s over 100,000 hazards).
        for i, entry in enumerate(record.__dict__.get(name) or []):
            for j, p in enumerate(entry.evidence):
                yield (name, i, "evidence", j), p


def _at_item(ledger: Ledger, record: Any, where: tuple[str | int, ...]) -> dict[str, Any]:
    loc = ledger.loc_of(record)
    line, col = loc.at(*where)
    return {"path": loc.path, "line": line, "col": col, "record": record.id}


def check_evidence_paths(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    repo = ledger.repo_root
    repo_resolved = repo.resolve()
    pools: list[Iterable[tuple[str | None, Any]]] = [ledger.hazards(), ledger.drills(), ledger.all_tasks()]
    for pool in pools:
        for _slug, r in pool:
            for where, p in _paths(r):
                state = evidence_state(repo, repo_resolved, p) if ctx.check_files else \
                    ("escapes" if escapes(p) else "ok")
                if state == "escapes":
                    yield error("HJP207", f"佐证材料路径 {p} 须是仓库内的相对路径（例如 evidence/{r.id}/验收单.jpg），"
                                          "不能是绝对路径或用 .. 跳出仓库", **_at_item(ledger, r, where))
                elif state == "outside":
                    yield error("HJP207", f"佐证材料路径 {p} 经符号链接指向仓库之外；请把文件放进仓库",
                                **_at_item(ledger, r, where))
                elif state == "missing":
                    yield warning("HJP208", f"佐证材料 {p} 不存在；请把文件放到仓库的这个位置，或改正路径",
                                  **_at_item(ledger, r, where))


def evidence_states(ledger: Ledger) -> dict[str, str]:
    """Every evidence path of the ledger with its ``evidence_state`` now (for the run cache)."""
    repo = ledger.repo_root
    repo_resolved = repo.resolve()
    out: dict[str, str] = {}
    for pool in (ledger.hazards(), ledger.drills(), ledger.all_tasks()):
        for _slug, r in pool:
            for _where, p in _paths(r):
                if p not in out:
                    out[p] = evidence_state(repo, repo_resolved, p)
    return out
