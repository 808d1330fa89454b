"""Designation integrity: only approved change sets become the code (issue 11).

Each test builds a real git-backed sample tree, breaks one rule the way a user would (a hand
edit, a reset, a hand-approved manifest...), and checks that `designate` refuses with its
documented code and exit status and changes nothing, and that `check` reports it first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import edit, git, repo_state, run_cli
from tests.test_designate import sectool

FIX = "SOS-2017-R1.3"  # a direction in the sample, approved on registration


@pytest.fixture
def at_58(sample_tree: Path) -> Path:
    """The sample tree with SEC 5.8 designated."""
    result = run_cli("designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035",
                     cwd=sample_tree)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return sample_tree


def designate_59(root: Path, *extra: str):
    args = ["designate", "5.9", "--effective", "2017-08-01", *extra]
    if "--change" not in extra:
        args += ["--change", FIX]
    return run_cli(*args, cwd=root)


def refused(root: Path, code: str, status: int, *extra: str) -> str:
    """Designate 5.9; assert it is refused with ``code`` and ``status`` and wrote nothing."""
    before = repo_state(root)
    result = designate_59(root, *extra)
    assert (result.exit_code, result.stderr.split("]")[0]) == (status, f"error[{code}"), (
        result.stderr
    )
    assert "hint:" in result.stderr
    assert repo_state(root) == before
    return result.stderr


def check_rules(root: Path, *args: str) -> set[str]:
    result = run_cli("check", "--format", "json", *args, cwd=root)
    return {f["rule"] for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"}


def test_a_committed_hand_edit_is_refused(at_58: Path):
    edit(at_58, "sections/C.md", "at least once a month", "at least once a year")
    git(at_58, "commit", "-qam", "quick fix")
    err = refused(at_58, "edited-outside-designation", 6)
    assert "Section C differs from SEC 5.8" in err and "sectool mod record" in err


def test_a_git_rm_is_refused(at_58: Path):
    git(at_58, "rm", "-q", "sections/C.md")
    git(at_58, "commit", "-qm", "drop C")
    assert "Section C differs" in refused(at_58, "edited-outside-designation", 6)


def test_a_hand_edited_document_log_is_refused(at_58: Path):
    data = json.loads((at_58 / "register.json").read_text())
    entry = next(d for d in data["documents"] if d["id"] == "Appendix B")
    entry["version"] = "1.9"
    (at_58 / "register.json").write_text(json.dumps(data, indent=2) + "\n")
    git(at_58, "commit", "-qam", "bump B by hand")
    assert "Document Log" in refused(at_58, "edited-outside-designation", 6)


def test_a_designation_missing_from_the_branch_is_refused(at_58: Path):
    git(at_58, "reset", "-q", "--hard", "sec/5.7")
    err = refused(at_58, "lost-designation", 6)
    assert "SEC 5.8 (tag sec/5.8) is not in the history of HEAD" in err
    assert "integrity.lost-designation" in check_rules(at_58)


def test_a_hand_approved_change_set_is_refused(at_58: Path):
    path = at_58 / "modifications/SECMP0041/change.json"
    data = json.loads(path.read_text())
    data["state"] = "approved"
    path.write_text(json.dumps(data, indent=2))
    git(at_58, "commit", "-qam", "approve 41")
    err = refused(at_58, "unsupported-state", 6, "--change", "SECMP0041")
    assert "its history ends" in err
    assert "changes.lifecycle" in check_rules(at_58)


def test_a_history_that_skips_the_lifecycle_is_refused(at_58: Path):
    path = at_58 / "modifications/SECMP0041/change.json"
    data = json.loads(path.read_text())
    data["state"] = "approved"
    data["history"].append({"state": "approved", "date": "2017-07-20", "note": ""})
    path.write_text(json.dumps(data, indent=2))
    git(at_58, "commit", "-qam", "approve 41")
    err = refused(at_58, "unsupported-state", 6, "--change", "SECMP0041")
    assert "which the lifecycle forbids" in err


@pytest.mark.parametrize(
    ("doc_version", "code", "status"),
    [
        ("Appendix ZZ=2.0", "unknown-reference", 3),
        ("Appendix AC=0.1", "bad-doc-version", 2),
        ("Appendix AC=1.1", "bad-doc-version", 2),  # changed text, unchanged number
    ],
)
def test_document_versions_must_increase(at_58: Path, doc_version, code, status):
    refused(at_58, code, status, "--doc-version", doc_version)


@pytest.mark.parametrize("label", ["5.8.0", "5.7.9", "5.8"])
def test_labels_follow_the_version_order(at_58: Path, label):
    before = repo_state(at_58)
    result = run_cli("designate", label, "--effective", "2017-08-01", "--change", FIX, cwd=at_58)
    assert result.exit_code == 6 and "designation-refused" in result.stderr
    assert repo_state(at_58) == before


def test_a_stray_tag_is_named_as_such(at_58: Path):
    git(at_58, "tag", "sec/5.9")
    err = refused(at_58, "designation-refused", 6)
    assert "is not a designation" in err and "git tag -d sec/5.9" in err


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\ufffe", "\uffff"])
def test_control_characters_in_legal_text_are_refused(at_58: Path, char):
    run_cli("mod", "new", "CTL", "--title", "control", "--kind", "direction", cwd=at_58)
    edit(at_58, "sections/C.md", "at least once a month", f"at least{char}once a month")
    result = run_cli("mod", "record", "CTL", cwd=at_58)
    assert result.exit_code == 4 and "error[control-character]" in result.stderr
    assert f"U+{ord(char):04X}" in result.stderr
    # committed by hand instead, it is refused at designation and reported by check
    git(at_58, "commit", "-qam", "paste from Word")
    assert "integrity.control-character" in check_rules(at_58)


@pytest.mark.parametrize("allow_breaks", [True, False])
def test_control_characters_are_exactly_unicode_category_cc(allow_breaks: bool):
    import unicodedata

    from sectool.integrity import control_character

    breaks = "\t\n\r\f" if allow_breaks else ""
    for code in [*range(0x250), 0x2028, 0x2029, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x1F600]:
        char = chr(code)
        # a title allows no line break, so it is one line
        first = "line one\n" if allow_breaks else ""
        found = control_character(f"{first}say {char} here", allow_breaks)
        # a title is one line: it refuses the line and paragraph separators too
        separator = not allow_breaks and unicodedata.category(char) in ("Zl", "Zp")
        xml_cannot = code in (0xFFFE, 0xFFFF)  # noncharacters: not in XML's Char
        wanted = (unicodedata.category(char) == "Cc" and char not in breaks) or separator
        wanted = wanted or xml_cannot
        line = 2 if allow_breaks else 1
        assert found == ((line, f"U+{code:04X}") if wanted else None), hex(code)


def test_control_characters_in_titles_are_refused(at_58: Path):
    for title in ["Fix pasted from Word\x0bsecond line", "two\nlines"]:
        result = run_cli("mod", "new", "CTL", "--title", title, cwd=at_58)
        assert result.exit_code == 4 and "error[control-character]" in result.stderr
    path = at_58 / f"modifications/{FIX}/change.json"
    data = json.loads(path.read_text())
    data["title"] = "pasted\x0bfrom Word"
    path.write_text(json.dumps(data, indent=2))
    git(at_58, "commit", "-qam", "retitle")
    assert "title holds the control character U+000B" in refused(at_58, "control-character", 4)
    assert "integrity.control-character" in check_rules(at_58)


def test_an_approved_change_set_with_check_errors_is_caught_first(at_58: Path):
    run_cli("mod", "new", "GAP", "--title", "gap", "--path", "fast-track", "--date", "2017-08-01",
            cwd=at_58)  # fmt: skip
    edit(at_58, "sections/M.md", "## M7 Disputes", "M6.9 See Section M6.77.\n\n## M7 Disputes")
    assert run_cli("mod", "record", "GAP", cwd=at_58).exit_code == 0
    assert (
        run_cli("mod", "advance", "GAP", "approved", "--date", "2017-08-02", cwd=at_58).exit_code
        == 0
    )
    assert "changes.designated-text" in check_rules(at_58)
    err = refused(at_58, "check-failed", 1, "--change", "GAP")
    assert "M6.77" in err or "gap" in err


def test_a_reference_to_a_document_the_tree_lacks_does_not_block_designation(empty_tree: Path):
    # A tree adopted one document at a time refers to documents it does not hold yet.
    (empty_tree / "sections/A.md").write_text(
        "# Section A: Definitions and Interpretation\n\n## A1 Definitions\n\n"
        "A1.1 The Charges are those payable under Section K3.1.\n",
        encoding="utf-8",
    )
    run_cli("mod", "new", "X1", "--title", "adopt Section A", "--kind", "direction",
            "--date", "2011-01-01", cwd=empty_tree)  # fmt: skip
    assert run_cli("mod", "record", "X1", cwd=empty_tree).exit_code == 0
    result = run_cli("designate", "1.0", "--effective", "2011-01-01", "--change", "X1",
                     cwd=empty_tree)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    found = json.loads(run_cli("check", "--format", "json", cwd=empty_tree).stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in found] == [
        ("references.absent-document", "warning")
    ]


def test_check_changed_since_reports_legal_text_edited_outside_a_change_set(at_58: Path):
    git(at_58, "switch", "-q", "-c", "pr")
    edit(at_58, "sections/C.md", "at least once a month", "at least once a quarter")
    git(at_58, "commit", "-qam", "PR: edit legal text directly")
    result = run_cli("check", "--changed-since", "main", "--format", "github", cwd=at_58)
    assert result.exit_code == 1
    assert "integrity.edited-outside-designation" in result.stdout
    assert "sections/C.md" in result.stdout


def test_check_changed_since_is_quiet_for_a_change_set(at_58: Path):
    git(at_58, "switch", "-q", "-c", "pr")
    run_cli("mod", "new", "PR1", "--title", "quarterly", cwd=at_58)
    edit(at_58, "sections/C.md", "at least once a month", "at least once a quarter")
    assert run_cli("mod", "record", "PR1", cwd=at_58).exit_code == 0
    assert "integrity.edited-outside-designation" not in check_rules(
        at_58, "--changed-since", "main"
    )


def test_a_staged_edit_is_recorded_and_unstaged(at_58: Path):
    run_cli("mod", "new", "STG", "--title", "staged", "--kind", "direction", cwd=at_58)
    edit(at_58, "sections/C.md", "at least once a month", "at least once a quarter")
    git(at_58, "add", "sections/C.md")
    assert run_cli("mod", "record", "STG", cwd=at_58).exit_code == 0
    assert git(at_58, "status", "--porcelain", "--", "sections").strip() == ""
    result = designate_59(at_58, "--change", "STG")
    assert result.exit_code == 0, result.stderr


# -- interruptions, recovery and the lock ------------------------------------------------------

STEPS_BEFORE_COMMIT = ["objects", "journal", "worktree", "refs"]
DESIGNATE_58 = ("designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035")
JOURNAL = ".git/sectool/journal.json"


@pytest.mark.parametrize("step", STEPS_BEFORE_COMMIT)
def test_ctrl_c_before_the_commit_point_changes_nothing(sample_tree: Path, step: str):
    before = repo_state(sample_tree)
    result = sectool(sample_tree, *DESIGNATE_58, env={"SECTOOL_FAULT": f"{step}:int"})
    assert result.returncode == 130, result.stderr
    assert repo_state(sample_tree) == before
    assert not (sample_tree / JOURNAL).exists()


def test_ctrl_c_after_the_commit_point_completes_the_designation(sample_tree: Path):
    result = sectool(sample_tree, *DESIGNATE_58, env={"SECTOOL_FAULT": "cleanup:int"})
    assert result.returncode == 0, result.stderr
    assert "Tagged sec/5.8" in result.stdout
    assert git(sample_tree, "status", "--porcelain") == ""
    assert not (sample_tree / JOURNAL).exists()
    assert sectool(sample_tree, "verify").returncode == 0


@pytest.mark.parametrize("step", ["worktree", "refs", "cleanup"])
def test_recovery_refuses_to_overwrite_edits_made_after_a_crash(sample_tree: Path, step: str):
    killed = sectool(sample_tree, *DESIGNATE_58, env={"SECTOOL_FAULT": f"{step}:kill"})
    assert killed.returncode == -9 and (sample_tree / JOURNAL).exists()
    appendix = sample_tree / "appendices/B.md"
    appendix.write_text(appendix.read_text() + "\n9.9 Typed after the crash.\n")
    blocked = sectool(sample_tree, "ls")
    assert blocked.returncode == 6 and "error[interrupted-write]" in blocked.stderr
    assert "appendices/B.md changed since it stopped" in blocked.stderr
    assert "Typed after the crash" in appendix.read_text()
    assert (sample_tree / JOURNAL).exists()
    # following the hint finishes the recovery
    git(sample_tree, "checkout", "HEAD", "--", "appendices/B.md")
    assert sectool(sample_tree, "ls").returncode == 0
    assert not (sample_tree / JOURNAL).exists()
    assert git(sample_tree, "status", "--porcelain") == ""


def test_a_torn_journal_is_reported_not_a_crash(sample_tree: Path):
    (sample_tree / ".git/sectool").mkdir(exist_ok=True)
    (sample_tree / JOURNAL).write_text('{"old": "ab\x01')
    result = sectool(sample_tree, *DESIGNATE_58)
    assert result.returncode == 6 and "error[interrupted-write]" in result.stderr
    assert "unreadable" in result.stderr and "hint:" in result.stderr


def test_an_empty_lock_file_is_not_taken_over(sample_tree: Path):
    lock = sample_tree / ".git/sectool/lock"
    lock.parent.mkdir(exist_ok=True)
    lock.write_text("")  # as seen between another run's create and write, before this change
    before = repo_state(sample_tree)
    result = sectool(sample_tree, *DESIGNATE_58)
    assert result.returncode == 6 and "error[locked]" in result.stderr
    assert repo_state(sample_tree) == before


def test_a_history_step_without_a_date_is_malformed(sample_tree: Path):
    path = sample_tree / "modifications/SECMP0041/change.json"
    data = json.loads(path.read_text())
    del data["history"][-1]["date"]
    path.write_text(json.dumps(data, indent=2))
    for args in (["mod", "advance", "SECMP0041", "withdrawn"], ["check"]):
        result = sectool(sample_tree, *args)
        assert result.returncode in (1, 4), result.stderr
        assert "error[internal]" not in result.stderr + result.stdout
        assert "has no YYYY-MM-DD date" in result.stderr + result.stdout


# -- identity ----------------------------------------------------------------------------------


def _no_identity_env(home: Path) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    return {**env, "HOME": str(home), "XDG_CONFIG_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}


def _made_by(root: Path) -> tuple[str, str]:
    commit = git(root, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip()
    tagger = git(root, "for-each-ref", "--format=%(taggername) %(taggeremail)", "refs/tags/sec/5.8")
    return commit, tagger.strip()


def test_commits_and_tags_carry_the_users_git_identity(sample_tree: Path, tmp_path: Path):
    git(sample_tree, "config", "user.name", "Ada Designator")
    git(sample_tree, "config", "user.email", "ada@example.invalid")
    env = _no_identity_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "sectool", "-C", str(sample_tree), *DESIGNATE_58],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    commit, tagger = _made_by(sample_tree)
    assert commit == "Ada Designator <ada@example.invalid>|Ada Designator <ada@example.invalid>"
    assert tagger == "Ada Designator <ada@example.invalid>"


def test_sectool_signs_as_itself_only_without_an_identity(sample_tree: Path, tmp_path: Path):
    env = _no_identity_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "sectool", "-C", str(sample_tree), *DESIGNATE_58],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _made_by(sample_tree) == (
        "sectool <sectool@localhost>|sectool <sectool@localhost>",
        "sectool <sectool@localhost>",
    )


# -- errors that misled ------------------------------------------------------------------------


def test_a_deleted_tag_is_named_not_shown_as_every_document_deleted(at_58: Path):
    git(at_58, "tag", "-d", "sec/5.8")
    result = run_cli("diff", "5.7", "5.8", cwd=at_58)
    assert result.exit_code == 3 and "error[unknown-version]" in result.stderr
    assert "its tag sec/5.8 is missing" in result.stderr


def test_a_deleted_register_is_named(sample_tree: Path):
    (sample_tree / "register.json").unlink()
    result = run_cli("ls", cwd=sample_tree)
    assert result.exit_code == 6 and "has SEC folders but no register.json" in result.stderr
    assert "checkout -- register.json" in result.stderr


@pytest.mark.parametrize("target", ["sections/M.md", "register.json", "CHANGELOG.md"])
def test_output_never_overwrites_the_trees_own_files(sample_tree: Path, target: str):
    before = repo_state(sample_tree)
    result = run_cli("export", "5.7", "Section M", "--format", "md", "-o",
                     str(sample_tree / target), cwd=sample_tree)  # fmt: skip
    assert result.exit_code == 4 and "error[bad-output]" in result.stderr
    assert repo_state(sample_tree) == before


def test_init_makes_an_ordinary_folder(tmp_path: Path):
    import os

    umask = os.umask(0o022)
    try:
        assert run_cli("init", str(tmp_path / "sec")).exit_code == 0
    finally:
        os.umask(umask)
    assert (tmp_path / "sec").stat().st_mode & 0o777 == 0o755


def test_word_output_survives_a_control_character_in_a_title():
    from sectool.render.docx import DocxBuilder

    builder = DocxBuilder("2017-07-12", "Appendix ZZ: Test\x01Appendix\x0b")
    builder.paragraph("SEC Clause", [("equal", "1.1 Text.", "", "")])
    assert builder.to_bytes()[:2] == b"PK"


def test_a_lifecycle_step_cannot_be_dated_in_the_future(sample_tree: Path):
    before = repo_state(sample_tree)
    result = run_cli("mod", "advance", "SECMP0041", "initial-report", "--date", "2999-01-01",
                     cwd=sample_tree)  # fmt: skip
    assert result.exit_code == 2 and "error[bad-date]" in result.stderr
    assert "in the future" in result.stderr
    assert repo_state(sample_tree) == before


@pytest.mark.parametrize(("field", "value"), [("version", "five"), ("effective", "soon")])
def test_a_malformed_register_is_reported_as_such(sample_tree: Path, field: str, value: str):
    path = sample_tree / "register.json"
    data = json.loads(path.read_text())
    data["versions"][0][field] = value
    path.write_text(json.dumps(data))
    result = run_cli("versions", cwd=sample_tree)
    assert result.exit_code == 4 and "error[malformed-register]" in result.stderr


def test_verify_calls_a_lost_designation_lost_not_hand_made(at_58: Path):
    git(at_58, "reset", "-q", "--hard", "sec/5.7")
    result = run_cli("verify", cwd=at_58)
    assert result.exit_code == 1
    assert "tag sec/5.8 is a designation this branch's register lacks" in result.stdout
    assert "made by hand" not in result.stdout


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_line_separators_in_titles_are_refused(at_58: Path, char):
    """A separator in a title would start a new line (a fake heading) in CHANGELOG.md."""
    result = run_cli("mod", "new", "SEP", "--title", f"Fix{char}## SEC 9.9", cwd=at_58)
    assert result.exit_code == 4 and "error[control-character]" in result.stderr
    assert f"U+{ord(char):04X}" in result.stderr
    run_cli("mod", "new", "SEP", "--title", "retitle", "--kind", "direction", cwd=at_58)
    edit(at_58, "sections/C.md", "# Section C: Governance", f"# Section C: Governance{char}## 9")
    result = run_cli("mod", "record", "SEP", cwd=at_58)
    assert result.exit_code == 4 and "error[control-character]" in result.stderr
    # committed by hand instead, check reports it
    git(at_58, "commit", "-qam", "retitle by hand")
    assert "integrity.control-character" in check_rules(at_58)
