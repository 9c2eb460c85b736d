"""The library behind the commands: one function per thing the clerk asks for.

Each function takes plain values (paths, dates, strings), does the work through the core
modules and returns a result object; it never prints and never exits. The CLI (``hjp.cli``) parses
options, calls one of these, renders the result and chooses the exit code; an importer or another
program calls the same functions. Problems are exceptions carrying a Chinese message and an exit
code: ``EditError`` (a refused change), ``LedgerNotFound`` (no ledger there, a usage error).

Changing records (``new``, ``rectify``, ``close``, ``held``, ``void``, ``done``, and ``change``
for any list of ``hjp.edit`` plans) runs one ``hjp.transaction.Transaction``: the lock, the ledger
loaded under it, the checks, the atomic write and (``commit=True``) one git commit of exactly the
files written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from hjp.yamltext import EditError

if TYPE_CHECKING:
    from hjp.diagnostics import Diagnostic
    from hjp.edit import Change
    from hjp.transaction import Transaction

Clock = Callable[[str], date]  # today's date in a time zone (the CLI passes hjp.clock.today)


@dataclass
class Outcome:
    """What a change wrote: each record as it now stands, the warnings about them, notices, the commit."""

    written: list[tuple[str, int, str]] = field(default_factory=list)  # (display path, 1-based line, text)
    warnings: list[Diagnostic] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    commit: tuple[str, str] | None = None  # (sha, message)
    changes: list[Change] = field(default_factory=list)


def change(root: Path, plans: Callable[[Transaction], Iterable[Change]], *, clock: Clock, commit: bool = False,
           message: str | None = None, notify: Callable[[str], None] | None = None, wait: float | None = None,
           cache: bool = True, show: bool = True) -> Outcome:
    """Apply the changes ``plans(tx)`` returns, all or nothing; with ``commit``, commit exactly those files.

    ``message`` is the commit message (default: the changes' own, one per line). ``show``: fill
    ``Outcome.written`` with each record as it now stands (an import of hundreds can do without).
    """
    from hjp.transaction import Transaction

    with Transaction(root, clock=clock, notify=notify, wait=wait, cache=cache) as tx:
        for planned in plans(tx):
            tx.add(planned)
        if not tx.changes:
            return Outcome()
        prepared = tx.prepare()
        git = _clean_for_commit(tx, prepared.paths) if commit else None
        try:
            tx.write()
        except BaseException:
            if git is not None:
                git.close()
            raise
        shown = tx.written_records() if show else []
        out = Outcome([(tx.display(c.path), line, text) for c, line, text in shown],
                      prepared.warnings, prepared.notices, None, list(tx.changes))
        if git is not None:
            text = message or "\n".join(dict.fromkeys(c.message for c in tx.changes))
            out.commit = (_commit(git, prepared.paths, text, tx), text.splitlines()[0])
    return out


def _clean_for_commit(tx: Transaction, paths: list[Path]) -> Any:
    """The repository's Git, once every file about to be written has no uncommitted edits of its own
    (checked under the lock, before anything is written)."""
    from hjp import gitio

    git = gitio.Git(tx.root)
    try:
        git.toplevel()
        for path in paths:
            if path.exists() and not gitio.file_is_clean(git, path):
                raise EditError(f"{tx.display(path)} 有未提交的修改；--commit 只提交本次改动，"
                                "请先提交或撤销那些修改，或不加 --commit", 1)
    except gitio.GitError as exc:
        git.close()
        raise EditError(str(exc), 2) from None
    except BaseException:
        git.close()
        raise
    return git


def _commit(git: Any, paths: list[Path], message: str, tx: Transaction) -> str:
    """Commit exactly ``paths`` (others' staged work stays staged, uncommitted); the new commit's sha."""
    from hjp import gitio

    try:
        return gitio.commit_file(git, paths[0], message, *paths[1:])
    except gitio.GitError as exc:
        raise EditError(f"已写入，但 git 提交失败（{exc}）；请手工提交", 1) from None
    finally:
        git.close()


# ---------------------------------------------------------------------------------------------
# One function per command


def rectify(root: Path, rid: str, *, on: date | None = None, **opts: Any) -> Outcome:
    from hjp import edit

    return change(root, lambda tx: [edit.plan_rectify(tx, rid, on=on)], **opts)


def close(root: Path, rid: str, *, by: str | None, on: date | None = None, **opts: Any) -> Outcome:
    from hjp import edit

    who = edit.verifier(by)  # before waiting for the lock: a usage error needs no ledger
    return change(root, lambda tx: [edit.plan_close(tx, rid, on=on, by=who)], **opts)


def held(root: Path, rid: str, *, participants: int | None, on: date | None = None, **opts: Any) -> Outcome:
    from hjp import edit

    count = edit.head_count(participants)
    return change(root, lambda tx: [edit.plan_held(tx, rid, on=on, participants=count)], **opts)


def void(root: Path, rid: str, *, reason: str | None, on: date | None = None, **opts: Any) -> Outcome:
    from hjp import edit

    why = edit.void_reason(reason)
    return change(root, lambda tx: [edit.plan_void(tx, rid, reason=why, on=on)], **opts)


def done(root: Path, rid: str, *, on: date | None = None, milestone: int | None = None, note: str | None = None,
         evidence: Iterable[str] = (), **opts: Any) -> Outcome:
    from hjp import edit

    paths = list(evidence)
    return change(root, lambda tx: [edit.plan_done(tx, rid, on=on, milestone=milestone, note=note,
                                                   evidence=paths)], **opts)


def new(root: Path, noun: str, values: dict[str, Any], *, village: str | None = None,
        reporter: tuple[str, Any] | None = None, **opts: Any) -> Outcome:
    """A new record (``values`` typed, by option name), numbered inside the lock.

    ``reporter``: (identity text, custodians' recipients) of a new hazard's 举报人, sealed in the same
    transaction as ``sealed/<id>.age`` (``values`` then says ``reporter: 已密封``).
    """
    from hjp import edit

    def plans(tx: Transaction) -> list[Change]:
        record = edit.plan_new(tx, noun, values, village=village)
        if reporter is None:
            return [record]
        return [record, edit.plan_sealed(tx, record.record_id or "", *reporter)]

    return change(root, plans, **opts)


def new_village(root: Path, slug: str, values: dict[str, Any], **opts: Any) -> Outcome:
    from hjp import edit

    return change(root, lambda tx: [edit.plan_new_village(tx, slug, values)], **opts)
