"""The ledger as the deadlines see it just before and just after one commit, in part.

Only what the commit could change is loaded (a ``Scope``: one village, or the town level): a
hazard's deadlines depend on the hazard alone, so a commit that edits hazards loads just those
hazards; any other kind (units, drills, tasks, and kinds added later) may owe or settle something
together with the rest of its village — a drill covers a unit's year — so the village's files of
those kinds are loaded whole, with town.yaml (the plan's period, ``coverage_from``). A commit that
changes town.yaml loads every village. The audit rule that looks for overdue work a change made
disappear (``auditrules.check_overdue_hidden``) runs ``deadlines.compute`` on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hjp import kinds
from hjp.deadlines import SELF_CONTAINED_KINDS
from hjp.history import diff, place_of
from hjp.load import Ledger, Loc, VillageLedger

if TYPE_CHECKING:
    from hjp.audit import CommitChange, Versions
    from hjp.kinds import Kind



@dataclass
class Scope:
    """One village (or the town level, ``village`` None) of one ledger directory, before and after."""

    root: str  # the ledger directory, repository-relative ("" at the top)
    village: str | None
    before: Ledger
    after: Ledger
    invalid: set[str] = field(default_factory=set)  # IDs not valid on one side: not judged
    places: dict[str, tuple[str, int]] = field(default_factory=dict)  # ID -> (path, line) after
    town_changes: list[str] = field(default_factory=list)  # town.yaml's fields the commit changed


def _join(root: str, rel: str) -> str:
    return f"{root}/{rel}" if root else rel


class ScopeReader:
    """Builds the scopes of commits, keeping models and towns already validated."""

    def __init__(self, versions: Versions):
        self.versions = versions
        self.git = versions.git
        self._models: dict[int, tuple[dict[str, Any], Any]] = {}  # id(record dict) -> (it, model or None)
        self._towns: dict[str | None, tuple[Any, Any]] = {}  # town.yaml's text -> (data, Town or None)

    def forget(self) -> None:
        self._models.clear()

    def _model(self, kind: Kind, rec: dict[str, Any]) -> Any:
        hit = self._models.get(id(rec))
        if hit is None or hit[0] is not rec:
            from pydantic import ValidationError

            try:
                model = kind.model_cls().model_validate(rec)
            except ValidationError:
                model = None
            hit = self._models[id(rec)] = (rec, model)  # the dict is kept: its id cannot be reused
        return hit[1]

    def _town(self, rev: str, root: str) -> tuple[Any, Any]:
        text = self.git.blob(f"{rev}:{_join(root, 'town.yaml')}")
        if text not in self._towns:
            from hjp.model import Town
            from hjp.yamlread import parse_text, plain

            data = plain(parse_text(text, "town.yaml").data) if text is not None else None
            try:
                town = Town.model_validate(data) if isinstance(data, dict) else None
            except ValueError:  # pydantic's ValidationError
                town = None
            self._towns[text] = (data, town)
        return self._towns[text]

    def scopes(self, change: CommitChange) -> list[Scope]:
        """The scopes of ``change``'s commit (none for a merge, whose changes are its branch's)."""
        commit = change.commit
        if len(commit.parents) != 1:
            return []
        parent = commit.parents[0]
        broken = {b.path for b in change.broken}
        blobs = {path: (old, new) for old, new, _st, path in commit.changes if path not in broken}
        wanted: dict[tuple[str, str | None], bool] = {}  # scope -> whether it needs more than hazards
        for path in blobs:
            where = place_of(path)
            if where is not None:
                root, village, kind = where
                wanted[(root, village)] = wanted.get((root, village), False) or kind.stem not in SELF_CONTAINED_KINDS
        towns_changed = {p[:-len("town.yaml")].rstrip("/") for p in blobs if p == "town.yaml" or p.endswith("/town.yaml")}
        for root in towns_changed:
            for village in self._villages(commit.sha, parent, root):
                wanted[(root, village)] = True
            wanted[(root, None)] = True
        out = []
        for (root, village), whole in wanted.items():
            scope = self._scope(change, parent, root, village, whole, blobs)
            if scope is not None:
                out.append(scope)
        return out

    def _villages(self, sha: str, parent: str, root: str) -> set[str]:
        names: set[str] = set()
        for rev in (parent, sha):
            listing = self.git.run("ls-tree", "--name-only", "-z", f"{rev}:{_join(root, 'villages')}", check=False)
            names.update(n for n in listing.split("\0") if n)
        return names

    def _scope(self, change: CommitChange, parent: str, root: str, village: str | None, whole: bool,
               blobs: dict[str, tuple[str, str]]) -> Scope | None:
        sides: dict[str, Any] = {}
        town_changes: list[str] = []
        if whole:
            (old_data, town_before), (new_data, town_after) = self._town(parent, root), self._town(change.commit.sha, root)
            if town_before is None or town_after is None:
                return None  # an unreadable town.yaml: the plan's period is unknown (validation says why)
            town_changes = [name for name, _o, _n in diff(old_data, new_data)]
        else:
            town_before = town_after = None
        scope = Scope(root, village, Ledger(Path(root or "."), Path("."), root or ".", town_before),
                      Ledger(Path(root or "."), Path("."), root or ".", town_after), town_changes=town_changes)
        if village is not None:
            scope.before.villages[village] = VillageLedger(village)
            scope.after.villages[village] = VillageLedger(village)
        level = kinds.VILLAGE_KINDS if village is not None else kinds.TOWN_KINDS
        for kind in level if whole else ():
            if kind.stem in SELF_CONTAINED_KINDS:
                continue
            path = _join(root, f"villages/{village}/{kind.stem}.yaml" if village is not None else f"{kind.stem}.yaml")
            old, new = blobs.get(path, (f"{change.commit.sha}:{path}",) * 2)
            sides = {"before": self.versions.whole(old, path), "after": self.versions.whole(new, path)}
            if sides["before"] is None or sides["after"] is None:
                return None  # a file that cannot be read on one side: nothing to compare
            for side, records in sides.items():
                for rid, (rec, line) in records.items():
                    self._add(scope, side, kind, rid, rec, path, line)
        for rc in change.records:  # the self-contained kinds: only the records the commit changed
            where = place_of(rc.path)
            if where is None or where[:2] != (root, village) or where[2].stem not in SELF_CONTAINED_KINDS:
                continue
            if rc.before is not None and rc.old_id is None:
                self._add(scope, "before", where[2], rc.id, rc.before, rc.path, rc.line)
            if rc.after is not None:
                self._add(scope, "after", where[2], rc.id, rc.after, rc.path, rc.line)
        return scope

    def _add(self, scope: Scope, side: str, kind: Kind, rid: str, rec: dict[str, Any], path: str, line: int) -> None:
        model = self._model(kind, rec)
        if model is None:
            scope.invalid.add(rid)
            return
        ledger = scope.before if side == "before" else scope.after
        ledger.pool(kind, scope.village).append(model)
        ledger.loc_by_record[id(model)] = Loc(path, line, 1, scope.village)
        if side == "after":
            scope.places.setdefault(rid, (path, line))
