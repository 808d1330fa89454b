"""The store's named git operations, on a real repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sectool.store import Store, merge_file
from tests.conftest import git


def test_changed_in_worktree_lists_edited_and_untracked_paths_with_spaces_whole(tmp_path: Path):
    store = Store.init(tmp_path)
    (tmp_path / "a b.md").write_text("one\n")
    (tmp_path / "kept.md").write_text("same\n")
    store.commit_all("first")
    (tmp_path / "a b.md").write_text("two\n")
    (tmp_path / "new file.md").write_text("new\n")
    assert store.changed_in_worktree("HEAD") == ["a b.md", "new file.md"]


def test_merge_file_merges_clean_edits_and_counts_conflicts():
    base = "one\ntwo\nthree\n"
    text, conflicts = merge_file(base, "ONE\ntwo\nthree\n", "one\ntwo\nTHREE\n")
    assert (text, conflicts) == ("ONE\ntwo\nTHREE\n", 0)
    text, conflicts = merge_file(base, "uno\ntwo\nthree\n", "eins\ntwo\nthree\n", ("a", "b", "c"))
    assert conflicts == 1 and "<<<<<<< a\nuno\n" in text and ">>>>>>> c\n" in text


def test_refresh_index_clears_a_stat_only_change(tmp_path: Path):
    store = Store.init(tmp_path)
    (tmp_path / "a.md").write_text("one\n")
    store.commit_all("first")
    later = (tmp_path / "a.md").stat().st_mtime + 60
    os.utime(tmp_path / "a.md", (later, later))  # same bytes, new timestamp
    assert git(tmp_path, "diff-files", "--name-only") == "a.md\n"  # git has not looked yet
    store.refresh_index()
    assert git(tmp_path, "diff-files", "--name-only") == ""


def test_git_killed_by_ctrl_c_is_an_interruption_not_a_git_failure(tmp_path):
    """Ctrl-C reaches the git process as well as sectool: that is exit 130, not git-failed."""
    store = Store.init(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        store.git("-c", "alias.die=!kill -INT $PPID", "die")
