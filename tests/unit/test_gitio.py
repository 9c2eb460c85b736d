"""hjp.gitio (git plumbing) on real repositories: blobs read in the background, streamed logs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hjp import gitio

ENV = {"GIT_AUTHOR_NAME": "李某", "GIT_AUTHOR_EMAIL": "li@example.cn", "GIT_COMMITTER_NAME": "李某",
       "GIT_COMMITTER_EMAIL": "li@example.cn", "GIT_AUTHOR_DATE": "2026-01-05T10:00:00+08:00",
       "GIT_COMMITTER_DATE": "2026-01-05T10:00:00+08:00"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, **ENV}).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.yaml").write_text("hazards: []\n", encoding="utf-8")
    (tmp_path / "b c.yaml").write_text("名称: 何家畔\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "一")
    (tmp_path / "a.yaml").write_text("hazards:\n  - id: YH-1\n", encoding="utf-8")
    git(tmp_path, "commit", "-qam", "二")
    return tmp_path


def test_blobs_are_answered_in_order_whatever_was_asked(repo):
    g = gitio.Git(repo)
    try:
        first = git(repo, "rev-parse", "HEAD~1:a.yaml").strip()
        g.ask(["HEAD:a.yaml", "HEAD:no-such.yaml", "HEAD:b c.yaml", first, None, gitio.NULL_SHA, "x\ny"])
        assert g.blob("HEAD:b c.yaml") == "名称: 何家畔\n"  # a path with a space, UTF-8
        assert g.blob("HEAD:no-such.yaml") is None  # 'missing' does not shift the answers after it
        assert g.blob(first) == "hazards: []\n"
        assert g.blob("HEAD:a.yaml") == "hazards:\n  - id: YH-1\n"
        assert g.blob("x\ny") is None and g.blob(gitio.NULL_SHA) is None and g.blob(None) is None
        g.forget()  # audit drops what it read; asking again reads it again
        assert g.blob(first) == "hazards: []\n"
    finally:
        g.close()
    assert g.blob("HEAD:a.yaml") == "hazards:\n  - id: YH-1\n"  # a closed Git starts a new cat-file
    g.close()


def test_streamed_log_stops_early_and_reports_git_errors(repo):
    g = gitio.Git(repo)
    commits = gitio.iter_log(g, ["HEAD"], ["a.yaml"])
    newest = next(commits)
    assert (newest.subject, [c[3] for c in newest.changes]) == ("二", ["a.yaml"])
    commits.close()  # the caller stopped: git is killed and its pipes closed (no ResourceWarning)
    full = list(gitio.iter_log(g, ["HEAD"], ["a.yaml"], full_diff=True))
    assert [(c.subject, c.root, [ch[3] for ch in c.changes]) for c in full] == [
        ("二", False, ["a.yaml"]), ("一", True, ["a.yaml", "b c.yaml"])]
    with pytest.raises(gitio.GitError, match="bad revision .no-such-rev."):
        list(gitio.iter_log(g, ["no-such-rev"], ["a.yaml"]))


def test_a_root_commit_shows_its_files_whatever_log_showroot_says(repo):
    """hjp log found no creation for records added by the first commit where log.showRoot is off."""
    git(repo, "config", "log.showRoot", "false")
    root = list(gitio.iter_log(gitio.Git(repo), ["HEAD"], ["b c.yaml"]))
    assert [(c.subject, [ch[3] for ch in c.changes]) for c in root] == [("一", ["b c.yaml"])]


def test_shallow_boundary_found_with_and_without_asking_git(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    boundary = frozenset([git(clone, "rev-parse", "HEAD").strip()])
    assert gitio.shallow_commits(gitio.Git(clone)) == boundary  # read from .git/shallow directly
    linked = tmp_path / "linked"
    git(clone, "worktree", "add", "-q", "--detach", str(linked))
    assert (linked / ".git").is_file()
    assert gitio.shallow_commits(gitio.Git(linked)) == boundary  # git says where the file is
    assert gitio.shallow_commits(gitio.Git(repo)) == frozenset()


def test_lines_closed_before_the_first_line_reaps_git(repo):
    """The audit starts a log of commit dates early and may stop before reading it (a shallow clone
    is refused): closing it must still reap git (a ResourceWarning, an error under pytest's filters)."""
    g = gitio.Git(repo)
    lines = g.lines("log", "--format=%H", "HEAD")
    lines.close()
    assert list(g.lines("log", "--format=%s", "HEAD")) == ["二\n", "一\n"]
