"""Small refusals an adversarial tester found: each says what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git, repo_state, run_cli

DESIGNATE = ("designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035")


def test_a_doc_version_without_equals_is_a_usage_error(sample_tree: Path):
    before = repo_state(sample_tree)
    result = run_cli(*DESIGNATE, "--doc-version", "Appendix B", cwd=sample_tree)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error[bad-doc-version]: 'Appendix B' is not DOCUMENT=VERSION")
    assert repo_state(sample_tree) == before


def test_change_set_ids_differing_only_in_case_collide(sample_tree: Path):
    before = repo_state(sample_tree)
    result = run_cli("mod", "new", "secmp0035", "--title", "again", cwd=sample_tree)
    assert result.exit_code == 6, result.stderr
    assert result.stderr.startswith(
        "error[duplicate-change]: a change set SECMP0035 already exists"
    )
    assert repo_state(sample_tree) == before


def test_the_dirty_tree_hint_fits_new_files(sample_tree: Path):
    (sample_tree / "sections/Z.md").write_text("# Section Z: New\n", encoding="utf-8")
    result = run_cli(*DESIGNATE, cwd=sample_tree)
    assert result.exit_code == 6 and "error[dirty-tree]" in result.stderr
    assert "git checkout" not in result.stderr and "remove them" in result.stderr
    git(sample_tree, "add", "sections/Z.md")
    git(sample_tree, "commit", "-qm", "a new section by hand")
    result = run_cli(*DESIGNATE, cwd=sample_tree)
    assert "error[edited-outside-designation]" in result.stderr
    assert "git rm sections/Z.md" in result.stderr and "git checkout" not in result.stderr


def test_the_dirty_tree_hint_for_edits_is_git_checkout(sample_tree: Path):
    with (sample_tree / "sections/C.md").open("a", encoding="utf-8") as stream:
        stream.write("\nAn edit.\n")
    result = run_cli(*DESIGNATE, cwd=sample_tree)
    assert result.exit_code == 6 and "`git checkout -- <path>`" in result.stderr
