"""The library behind the commands: one function per thing the clerk asks for.

Each function takes plain values (paths, dates, strings), does the work through the core
modules and returns a result object; it never prints and never exits. The CLI (``hjp.cli``) parses
options, calls one of these, renders the result and chooses the exit code; an importer or another
program calls the same functions. Problems are exceptions carrying a Chinese message and an exit
code: ``EditError`` (a refused change), ``LedgerNotFound`` (no ledger there, a usage error).

Changing records (``new``, ``rectify``, ``close``, ``held``, ``void``, ``done``, ``note``, and ``change``
for any list of ``hjp.edit`` plans) runs one ``hjp.transaction.Transaction``: the lock, the ledger
loaded under it, the checks, the atomic write and (``commit=True``) one git commit of exactly the
files written.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from hjp import runcache
from hjp.errors import EditError, UsageError

if TYPE_CHECKING:
    from hjp.deadlines import Findings
    from hjp.diagnostics import Diagnostic
    from hjp.edit import Change
    from hjp.load import Ledger
    from hjp.output import CheckResult
    from hjp.sheetimport import ImportResult
    from hjp.transaction import Transaction

Clock = Callable[[str], date]  # today's date in a time zone (the CLI passes hjp.clock.today)


# ---------------------------------------------------------------------------------------------
# Reading: validate, overdue, check


def open_ledger(root: Path, *, cache: bool = True, freeze: bool = False) -> Ledger:
    """The ledger at ``root``, loaded (rules not run); LedgerNotFound when there is none."""
    from hjp.load import load_ledger

    return load_ledger(root, cache=cache, freeze=freeze)


@runcache.cached
def validate(root: Path, *, clock: Clock, cache: bool = True, freeze: bool = False) -> runcache.Validated:
    """Every file and rule, as of today in the ledger's zone (answered from the whole-run cache
    when nothing changed: ``runcache.cached``)."""
    from hjp.rules.evidence import evidence_states

    checked = check_ledger(root, as_of=None, clock=clock, cache=cache, freeze=freeze)
    led = checked.ledger
    return runcache.Validated(checked.diagnostics, len(led.files), len(led.loc_by_id) + len(led.duplicates),
                              led.timezone, checked.as_of, evidence_states(led))


@dataclass
class Checked:
    """A loaded ledger validated as of a day."""

    ledger: Ledger
    as_of: date
    diagnostics: list[Diagnostic]

    @property
    def has_errors(self) -> bool:
        from hjp.diagnostics import has_errors

        return has_errors(self.diagnostics)


def check_ledger(root: Path, *, as_of: date | None, clock: Clock, cache: bool = True,
                 freeze: bool = False) -> Checked:
    """Load and validate as of ``as_of`` (default: today in the ledger's zone)."""
    from hjp.history import changed_since_head, line_ages
    from hjp.rules import RuleContext, validate as run_rules

    led = open_ledger(root, cache=cache, freeze=freeze)
    when = as_of or clock(led.timezone)
    # Validated as of the same day: a record dated after it is "not yet", and says so (HJP217).
    # The wording follows what the clerk typed, not the clock: an explicit --as-of that happens to
    # be today still reads as the day asked about, so output never depends on when it runs.
    return Checked(led, when, run_rules(led, RuleContext(as_of=when, is_today=as_of is None, ages=line_ages,
                                                       committed=changed_since_head)))


@dataclass
class Overdue:
    """``hjp overdue``: the checked ledger and, when it has no errors, what is overdue or due."""

    checked: Checked
    findings: Findings | None


def overdue(root: Path, *, as_of: date | None, clock: Clock, within: int = 7, village: str | None = None,
            kinds: set[str] | None = None, cache: bool = True, freeze: bool = False) -> Overdue:
    """The deadline findings as of a day; no findings (None) when the ledger has errors."""
    from hjp.deadlines import compute
    from hjp.villages import resolve

    if within < 0:
        raise UsageError(f"--within 不能为负数（现为 {within}）")
    checked = check_ledger(root, as_of=as_of, clock=clock, cache=cache, freeze=freeze)
    led = checked.ledger
    if village is not None:
        village = resolve(led.villages, village)
    if checked.has_errors:
        return Overdue(checked, None)
    return Overdue(checked, compute(led, as_of=checked.as_of, within=within, village=village, kinds=kinds))


def check(root: Path, *, as_of: date | None, clock: Clock, fail_on: str = "overdue", cache: bool = True,
          freeze: bool = False) -> CheckResult:
    """``hjp check``: validation and deadlines together, judged against ``fail_on``."""
    from hjp.deadlines import compute
    from hjp.output import CheckResult

    checked = check_ledger(root, as_of=as_of, clock=clock, cache=cache, freeze=freeze)
    led = checked.ledger
    return CheckResult(diagnostics=checked.diagnostics, findings=compute(led, as_of=checked.as_of),
                       fail_on=fail_on, files=[led.display(p) for p in led.files])


# ---------------------------------------------------------------------------------------------
# Looking up: show, list


def show(root: Path, rid: str, *, as_of: date | None, clock: Clock, full: bool = False, cache: bool = True,
         freeze: bool = False) -> Any:
    """``hjp show``: one record as the clerk reads it (``hjp.lookup.Shown``); lookup.NotFound
    (exit 1) naming the closest IDs."""
    from hjp import lookup

    led = open_ledger(root, cache=cache, freeze=freeze)
    return lookup.show_record(led, rid, as_of=as_of or clock(led.timezone), full=full)


def list_records(root: Path, kind: str, *, as_of: date | None, clock: Clock, village: str | None = None,
                 status: str | None = None, overdue: bool = False, cache: bool = True, freeze: bool = False) -> Any:
    """``hjp list KIND``: the records of a kind (hjp new's noun, its plural or its Chinese name),
    filtered (``hjp.lookup.Listing``); UsageError for an unknown kind, village or status."""
    from hjp import lookup
    from hjp.villages import resolve

    k = lookup.kind_of_word(kind)  # before reading: a typo needs no ledger
    led = open_ledger(root, cache=cache, freeze=freeze)
    slug = resolve(led.villages, village) if village is not None else None
    return lookup.list_records(led, kind=k, as_of=as_of or clock(led.timezone), village=slug, status=status,
                               overdue=overdue)


# ---------------------------------------------------------------------------------------------
# Changing records


@dataclass
class Outcome:
    """What a change wrote: each record as it now stands, the warnings about them, notices, the commit."""

    written: list[tuple[str, int, str]] = field(default_factory=list)  # (display path, 1-based line, text)
    warnings: list[Diagnostic] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    commit: tuple[str, str] | None = None  # (sha, message)
    changes: list[Change] = field(default_factory=list)
    # Of ``written``, the existing records changed: (index in ``written``, ID, kind's noun, (field,
    # old, new) of each changed field), so the clerk is shown what changed, not the whole record.
    edited: list[tuple[int, str, str, list[tuple[str, Any, Any]]]] = field(default_factory=list)


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
        for n, (c, _line, _text) in enumerate(shown):
            fields = tx.changed_fields(c)
            if fields is not None and c.record_id is not None and c.kind is not None:
                out.edited.append((n, c.record_id, c.kind, fields))
        if git is not None:
            text = message or "\n".join(dict.fromkeys(c.message for c in tx.changes))
            out.commit = (_commit(git, prepared.paths, text, tx), text.splitlines()[0])
    return out


def _clean_for_commit(tx: Transaction, paths: list[Path]) -> Any:
    return require_clean(tx.root, paths, tx.display)


def _commit(git: Any, paths: list[Path], message: str, tx: Transaction) -> str:
    return commit_paths(git, paths, message)


# The one git sequence of every command that commits what it wrote (--commit): the files about to
# be written have no uncommitted edits of their own (checked before writing), then exactly those
# files are committed (others' staged work stays staged, uncommitted).


def require_clean(root: Path, paths: list[Path], display: Callable[[Path], str]) -> Any:
    """The repository's Git (to pass to ``commit_paths``), once no file of ``paths`` has
    uncommitted edits; EditError (exit 1; 2 when there is no repository or no git) otherwise."""
    from hjp import gitio

    git = gitio.Git(root.resolve())
    try:
        git.toplevel()
        lock = _index_lock(git)
        if lock is not None:  # checked before anything is written: else written, then the commit fails
            raise EditError(_LOCKED.format(lock=lock, rm=_rm(lock)) + "；未作任何修改。请确认后重新运行，或不加 --commit", 1)
        for path in paths:
            if path.exists() and not gitio.file_is_clean(git, path):
                raise EditError(f"{display(path)} 有未提交的修改；--commit 只提交本次改动，"
                                "请先提交或撤销那些修改，或不加 --commit", 1)
    except gitio.GitError as exc:
        git.close()
        raise EditError(str(exc), 2) from None
    except BaseException:
        git.close()
        raise
    return git


def commit_paths(git: Any, paths: list[Path], message: str) -> str:
    """Commit exactly ``paths`` with ``message``; the new commit's sha. EditError when git fails
    (the files are written by then: the clerk commits by hand)."""
    from hjp import gitio

    try:
        return gitio.commit_file(git, paths[0], message, *paths[1:])
    except gitio.GitError as exc:
        names = " ".join(_quoted(os.path.relpath(p)) for p in paths)
        by_hand = f"git commit -m {_quoted(message)} -- {names}"
        lock = _index_lock(git)
        if lock is not None and "index.lock" in str(exc):
            raise EditError(f"已写入，但 git 提交失败：{_LOCKED.format(lock=lock, rm=_rm(lock))}；之后手工提交："
                            f"git add -- {names} && {by_hand}", 1) from None
        raise EditError(f"已写入，但 git 提交失败（{exc}）；请手工提交：git add -- {names} && {by_hand}", 1) from None
    finally:
        git.close()


# A lock file a killed git (or an editor, TortoiseGit, an IDE) left behind: git's own message is English.
_LOCKED = ("git 仓库被锁住了：{lock} 存在（之前的 git 操作被中断后留下的，或另一个 git 程序、编辑器、TortoiseGit 正在使用"
           "仓库）。请确认没有 git 在运行，然后删除这个文件（{rm}）")


def _index_lock(git: Any) -> str | None:
    """The repository's index.lock as the clerk would type it, when it exists; else None."""
    from hjp import gitio

    try:
        where = git.run("rev-parse", "--git-path", "index.lock").strip()
    except gitio.GitError:
        return None
    full = Path(git.cwd) / where
    if not full.exists():
        return None
    try:
        return os.path.relpath(full)
    except ValueError:  # another drive on Windows
        return str(full)


def _rm(lock: str) -> str:
    dos = _quoted(lock.replace("/", "\\"))  # cmd's del takes backslashes only
    return f"del {dos}" if os.name == "nt" else f"rm {_quoted(lock)}；Windows 上为 del {dos}"


def _quoted(text: str) -> str:
    return f'"{text}"' if any(c in text for c in " ()（）&;'\"") or not text else text


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


def note(root: Path, rid: str, *, text: str | None, on: date | None = None, evidence: Iterable[str] = (),
         **opts: Any) -> Outcome:
    from hjp import edit

    paths = list(evidence)
    return change(root, lambda tx: [edit.plan_note(tx, rid, text=text, on=on, evidence=paths)], **opts)


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


def import_xlsx(root: Path, path: Path, *, kind: str | None = None, sheets: Iterable[str] = (),
                village: str | None = None, settings: Iterable[str] = (), create_units: bool = False,
                dry_run: bool = False, commit: bool = False, clock: Clock,
                progress: Callable[[str, int], Callable[[int], None] | None] | None = None,
                notify: Callable[[str], None] | None = None, cache: bool = True) -> list[ImportResult]:
    """A clerk's 台账 (.xlsx or .csv) into the ledger: one transaction, all or nothing; rows already in
    the ledger are counted, rows that differ from their record are conflicts (nothing written).

    ``sheets``: the sheets to import together (default: the first recognisable one); one result a
    sheet. ``kind`` is hjp new's noun (None: recognised from the headers); ``settings`` are
    FIELD=VALUE defaults; ``progress(label, total)`` may return an advance function. Refusals:
    ImportRefused (its diagnostics at the sheet's rows), SheetError (an unreadable file), EditError.
    """
    from hjp.sheetimport import run_import

    return run_import(root, path, display=str(path), kind=kind, sheets=list(sheets), village=village,
                      settings=list(settings), create_units=create_units, dry_run=dry_run, commit=commit,
                      clock=clock, change=change, progress=progress, notify=notify, cache=cache)
