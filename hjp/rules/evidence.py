"""Rules on evidence paths: relative, inside the repository, and (a warning) present on disk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.kinds import KINDS
from hjp.paths import escapes, evidence_state
from hjp.rules.records import _at

if TYPE_CHECKING:
    from hjp.load import Ledger
    from hjp.rules import RuleContext


def _evidence(ledger: Ledger) -> Iterable[tuple[Any, tuple[str | int, ...], str]]:
    """Each evidence path of every kind that has them (``hjp.kinds``: hazards, drills, tasks), with its
    record and where it stands in it: ("evidence", i) or ("progress", i, "evidence", j)."""
    for kind in KINDS:
        if not kind.evidence:
            continue
        nested = kind.evidence_nested
        for _slug, record in ledger.records_of(kind):
            for i, p in enumerate(record.evidence):
                yield record, ("evidence", i), p
            for name in nested:
                for i, entry in enumerate(record.__dict__[name] or ()):
                    for j, p in enumerate(entry.evidence):
                        yield record, (name, i, "evidence", j), p


def check_evidence_paths(ledger: Ledger, ctx: RuleContext) -> Iterable[Diagnostic]:
    repo = ledger.repo_root
    repo_resolved = repo.resolve()
    for r, where, p in _evidence(ledger):
        state = evidence_state(repo, repo_resolved, p) if ctx.check_files else ("escapes" if escapes(p) else "ok")
        if state == "escapes":
            yield error("HJP207.escapes", **_at(ledger, r, *where), evidence=p, id=r.id)
        elif state == "outside":
            yield error("HJP207.outside", **_at(ledger, r, *where), evidence=p)
        elif state == "missing":
            yield warning("HJP208", **_at(ledger, r, *where), evidence=p)


def evidence_states(ledger: Ledger) -> dict[str, str]:
    """Every evidence path of the ledger with its ``evidence_state`` now (for the run cache)."""
    repo = ledger.repo_root
    repo_resolved = repo.resolve()
    out: dict[str, str] = {}
    for _r, _where, p in _evidence(ledger):
        if p not in out:
            out[p] = evidence_state(repo, repo_resolved, p)
    return out
