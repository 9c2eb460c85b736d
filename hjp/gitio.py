"""Git plumbing for the audit trail: git processes, a streamed ``git log --raw``, one ``cat-file --batch``.

Knows nothing of ledgers: ``history`` (a record's changes, ``hjp log``) and ``audit`` (``hjp audit``)
build on it, and the edit commands' ``--commit`` uses ``file_is_clean`` and ``commit_file``.
Standard library only, so ``hjp log`` starts fast.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from hjp.errors import HjpError

from hjp.paths import work_tree

NULL_SHA = "0" * 40
# Variables that move the repository away from <work tree>/.git (then git is asked where things are).
_GIT_DIR_ENV = ("GIT_DIR", "GIT_COMMON_DIR", "GIT_SHALLOW_FILE")


class GitError(HjpError):
    """git is missing, the directory is not a repository, or a revision is unknown (exit 2)."""

    def __init__(self, message: str):
        super().__init__(message, 2)


class GitMissing(GitError):
    """No git program to run: never to be mistaken for "not a repository"."""


GIT_MISSING = ("找不到 git 程序（没有安装 git，或它不在 PATH 中）；修改历史、审计和 --commit 需要 git。请安装 git："
               "Windows 到 https://git-scm.com 下载 Git for Windows，安装时选“Git from the command line and also from "
               "3rd-party software”；Debian/Ubuntu 运行 sudo apt install git。装好后重新打开终端再运行")


def open_repo(ledger: Path) -> tuple[Git, str]:
    """(Git at the work tree holding ``ledger``, the ledger directory relative to it: "" at the top).

    The work tree is where ``.git`` is (a directory, or a file in linked work trees and submodules):
    no git process is needed to find it. GitError when ``ledger`` is in no work tree.
    """
    here = ledger.resolve()
    top = work_tree(here)
    if top is None:
        raise GitError(f"{ledger} 不在 git 仓库中；修改历史和审计需要用 git 管理台账")
    prefix = os.path.relpath(here, top).replace(os.sep, "/")
    return Git(top), "" if prefix == "." else prefix  # pathspecs are relative to the top


class Git:
    """git processes for one repository: whole commands, streamed commands, and one ``cat-file --batch``.

    Blobs are asked for as soon as their ids are known (``ask``) and read by a background thread,
    so cat-file works while ``git log`` is still walking history (each costs tens of milliseconds
    on a long history); ``blob`` then waits only for what has not arrived yet.
    """

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self._batch: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._answers = threading.Condition()
        self._blobs: dict[str, str | None] = {}  # key (blob id or rev:path) -> text; None: not a blob here
        self._waiting: deque[str] = deque()  # keys asked for and not answered yet, in order
        self._asked: set[str] = set()
        self._ended = False  # cat-file exited: nothing more will be answered
        self._unsent = False  # requests written but still in our buffer
        self._shallow: frozenset[str] | None = None

    def _argv(self, args: tuple[str, ...]) -> list[str]:
        return ["git", "-c", "core.quotePath=false", "-c", "i18n.logOutputEncoding=UTF-8", *args]

    def _popen(self, args: tuple[str, ...], **kw: Any) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(self._argv(args), cwd=self.cwd, env={**os.environ, "LC_ALL": "C"}, **kw)
        except FileNotFoundError as exc:
            if exc.filename is not None and Path(os.fsdecode(exc.filename)) == Path(self.cwd):
                raise GitError(f"目录 {self.cwd} 不存在") from None
            raise GitMissing(GIT_MISSING) from None
        except OSError as exc:  # e.g. a git that is not executable
            from hjp.diagnostics import os_reason

            raise GitError(f"无法运行 git（{os_reason(exc)}）；请检查 git 的安装") from None

    def run(self, *args: str, check: bool = True) -> str:
        proc = self._popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate()
        if check and proc.returncode != 0:
            raise _failed(err, args)
        return out.decode("utf-8", "replace")

    def lines(self, *args: str) -> Iterator[str]:
        """The output of a git command, line by line as git writes it (GitError if it fails).

        git starts at once, not when the lines are first asked for; iterate them to the end, or
        ``close()`` the iterator, so that the process is reaped.
        """
        lines = self._lines(self._popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE), args)
        next(lines)  # into its try block: close() reaps git even before the first line is asked for
        return lines

    def _lines(self, proc: subprocess.Popen[bytes], args: tuple[str, ...]) -> Iterator[str]:
        assert proc.stdout is not None and proc.stderr is not None
        try:
            yield ""  # taken by lines()
            for line in proc.stdout:
                yield line.decode("utf-8", "replace")
            err = proc.stderr.read()  # git's messages are short: they cannot fill the pipe first
            if proc.wait() != 0:
                raise _failed(err, args)
        finally:  # also when the caller stops early
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()

    def toplevel(self) -> Path:
        try:
            return Path(self.run("rev-parse", "--show-toplevel").strip())
        except GitMissing:
            raise
        except GitError:
            raise GitError(f"{self.cwd} 不在 git 仓库中；修改历史和审计需要用 git 管理台账") from None

    def ask(self, keys: Iterable[str | None], *, now: bool = True) -> None:
        """Queue blobs (ids, or ``rev:path``) for reading without waiting for them.

        ``now=False`` leaves the request in the pipe's buffer (sent when 8 KB have gathered, or when
        an answer is awaited): a write to cat-file for each commit of a long log cost more than the
        reading it overlapped.
        """
        new = [k for k in dict.fromkeys(keys) if k and k != NULL_SHA and "\n" not in k and k not in self._asked]
        if not new:
            if now and self._unsent and self._batch is not None:
                self._send()
            return
        if self._batch is None:
            self._batch = self._popen(("cat-file", "--batch"), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self._ended = False
            self._reader = threading.Thread(target=self._read_answers, args=(self._batch,), daemon=True)
            self._reader.start()
        assert self._batch.stdin is not None
        with self._answers:
            self._asked.update(new)
            self._waiting.extend(new)
        try:
            self._batch.stdin.write("".join(k + "\n" for k in new).encode())
            self._unsent = not now
            if now:
                self._batch.stdin.flush()
        except OSError:  # cat-file died; blob() answers None for what it did not read
            with self._answers:
                self._ended = True
                self._answers.notify_all()

    def _send(self) -> None:
        assert self._batch is not None and self._batch.stdin is not None
        try:
            self._batch.stdin.flush()
        except OSError:
            with self._answers:
                self._ended = True
                self._answers.notify_all()
        self._unsent = False

    def _read_answers(self, batch: subprocess.Popen[bytes]) -> None:
        """Background thread: cat-file's answers, in the order asked, into ``_blobs``."""
        out = batch.stdout
        assert out is not None
        try:
            while True:
                header = out.readline()
                if not header:
                    break
                parts = header.split()  # "<id> <type> <size>", or "<what was asked> missing"
                text = None
                if len(parts) == 3 and parts[2].isdigit():
                    size = int(parts[2])
                    data = out.read(size + 1)
                    if len(data) < size + 1:
                        break
                    text = data[:size].decode("utf-8-sig", "replace")
                with self._answers:
                    self._blobs[self._waiting.popleft()] = text
                    self._answers.notify_all()
        finally:
            with self._answers:
                self._ended = True
                self._answers.notify_all()

    def blob(self, sha: str | None) -> str | None:
        """The text of a blob (None for the null id or a missing object)."""
        if not sha or sha == NULL_SHA or "\n" in sha:
            return None
        if sha not in self._asked:
            self.ask([sha])
        elif self._unsent and sha not in self._blobs:
            self.ask([], now=True)
        with self._answers:
            while sha not in self._blobs and not self._ended:
                self._answers.wait()
            return self._blobs.get(sha)

    def forget(self) -> None:
        """Drop the blobs read so far (audit reads history in batches)."""
        with self._answers:
            self._asked.difference_update(self._blobs)
            self._blobs.clear()

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None and self._batch.stdout is not None
            try:
                self._batch.stdin.close()
            except OSError:
                pass
            self._batch.wait()
            if self._reader is not None:
                self._reader.join()
            self._batch.stdout.close()
            self._batch = self._reader = None
            self._unsent = False
            self._blobs.clear()
            self._waiting.clear()
            self._asked.clear()


def _failed(stderr: bytes, args: tuple[str, ...]) -> GitError:
    return GitError(stderr.decode("utf-8", "replace").strip() or f"git {args[0]} 失败")


@dataclass
class Commit:
    sha: str
    author: str
    email: str
    date: str  # author date, ISO 8601 with the author's offset
    ctime: int  # committer time, Unix seconds
    subject: str
    parents: tuple[str, ...] = ()
    shallow: bool = False  # a shallow clone's boundary: it has parents, but they are not here
    changes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (old sha, new sha, status, path)

    @property
    def root(self) -> bool:
        return not self.parents

    def change(self, path: str) -> tuple[str, str, str, str] | None:
        return next((c for c in self.changes if c[3] == path), None)


_FORMAT = "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%ct%x1f%s"


def shallow_commits(git: Git) -> frozenset[str]:
    """The boundary commits of a shallow clone (empty for a full one).

    git shows such a commit without parents, so its diff claims to add every file: it is where the
    local history starts, not where the records were created.
    """
    if git._shallow is None:
        if (git.cwd / ".git").is_dir() and not any(v in os.environ for v in _GIT_DIR_ENV):
            path = git.cwd / ".git" / "shallow"  # the plain layout: no git process needed to know
        else:  # a linked work tree, a submodule, or GIT_DIR & co.: ask git where the file is
            rel = git.run("rev-parse", "--git-path", "shallow", check=False).strip()
            path = git.cwd / rel if rel else None
        try:
            text = path.read_text(encoding="ascii") if path is not None else ""
        except (OSError, UnicodeDecodeError):
            text = ""
        git._shallow = frozenset(text.split())
    return git._shallow


def has_commits(git: Git) -> bool:
    return bool(git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def iter_log(git: Git, revs: list[str], paths: list[str], *, full_diff: bool = False) -> Iterator[Commit]:
    """Commits (newest first unless --reverse) with their raw changes under ``paths`` (all their
    changes with ``full_diff``), each yielded as soon as git has written it; git starts at once."""
    # --root: a root commit's files are its changes even where log.showRoot is off.
    lines = git.lines("log", "--raw", "--root", "--no-renames", "--no-abbrev", _FORMAT,
                      *(["--full-diff"] if full_diff else []), *revs, "--", *paths)
    return _commits(lines, shallow_commits(git))


def _commits(lines: Iterator[str], shallow: frozenset[str]) -> Iterator[Commit]:
    commit: Commit | None = None
    for line in lines:
        if line.startswith("\x1e"):
            if commit is not None:
                yield commit
            sha, parents, author, email, adate, ctime, subject = line[1:].rstrip("\n").split("\x1f", 6)
            commit = Commit(sha, author, email, adate, int(ctime), subject, tuple(parents.split()),
                            shallow=sha in shallow)
        elif line.startswith(":") and commit is not None:
            meta, _, path = line.rstrip("\n").partition("\t")
            parts = meta.split()
            commit.changes.append((parts[2], parts[3], parts[4], path))
    if commit is not None:
        yield commit


# ---------------------------------------------------------------------------------------------
# --commit


def file_is_clean(git: Git, path: Path) -> bool:
    return not git.run("status", "--porcelain", "--", str(path.resolve())).strip()


def commit_file(git: Git, path: Path, message: str, *also: Path) -> str:
    """Commit exactly ``path`` (and ``also``: e.g. a sealed file written with it); others' staged
    work stays staged, uncommitted."""
    full = [str(p.resolve()) for p in (path, *also)]
    git.run("add", "--", *full)
    git.run("commit", "-q", "-m", message, "--", *full)
    return git.run("rev-parse", "HEAD").strip()
