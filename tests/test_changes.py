import json
from pathlib import Path

import pytest

from tests.conftest import edit, git, repo_state, run_cli

ARL_OLD = "falls 12 months after the date"
ARL_NEW = "falls up to 13 months after the date"


def test_record_from_working_tree_then_show_word_redline(sec, sample_tree: Path):
    assert sec("mod", "new", "SECMP0100", "--title", "ARL expiry").exit_code == 0
    edit(sample_tree, "appendices/B.md", ARL_OLD, ARL_NEW)
    result = sec("mod", "record", "SECMP0100")
    assert result.exit_code == 0, result.stderr
    assert "Recorded SECMP0100 against SEC 5.7: Appendix B" in result.stdout
    # the document is back to the designated text, and everything is committed
    assert ARL_OLD in (sample_tree / "appendices/B.md").read_text()
    assert git(sample_tree, "status", "--porcelain") == ""
    assert "SECMP0100: record legal text (Appendix B)" in git(
        sample_tree, "log", "-1", "--format=%s"
    )
    shown = sec("mod", "show", "SECMP0100")
    assert "  4.3 changed" in shown.stdout
    assert "that falls [-12-]{+up to 13+} months after" in shown.stdout
    data = json.loads(sec("mod", "show", "SECMP0100", "--format", "json").stdout)
    clause = data["redline"][0]["clauses"][0]
    assert (clause["clause"], clause["op"]) == ("4.3", "changed")
    assert {"op": "delete", "text": "12"} in clause["segments"]
    assert {"op": "insert", "text": "up to 13"} in clause["segments"]


def make_patch(tmp_path: Path, sample_tree: Path, rel: str, old: str, new: str) -> Path:
    """A patch made elsewhere: a separate clone, edited, `git diff`."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(sample_tree), str(clone))
    edit(clone, rel, old, new)
    patch = tmp_path / "change.patch"
    patch.write_text(git(clone, "diff"))
    return patch


@pytest.fixture
def ten_days(sample_tree: Path, tmp_path: Path) -> Path:
    """A patch made in another clone: Section M6.2's five Working Days become ten."""
    return make_patch(
        tmp_path,
        sample_tree,
        "sections/M.md",
        "within five Working Days of that",
        "within ten Working Days of that",
    )


def test_record_from_patch(sec, sample_tree: Path, ten_days: Path):
    patch = ten_days
    sec("mod", "new", "MP102A", "--title", "Party Details timing")
    result = sec("mod", "record", "MP102A", "--from-patch", str(patch))
    assert result.exit_code == 0, result.stderr
    shown = sec("mod", "show", "MP102A").stdout
    assert "M6.2 changed" in shown and "within [-five-]{+ten+} Working Days" in shown
    assert git(sample_tree, "status", "--porcelain") == ""


def test_record_from_patch_on_stdin(sec, sample_tree: Path, ten_days: Path):
    patch = ten_days
    sec("mod", "new", "DP012", "--title", "Draft")
    result = sec("mod", "record", "DP012", "--from-patch", "-", input=patch.read_text())
    assert result.exit_code == 0, result.stderr


def test_record_from_patch_saved_with_crlf(sec, sample_tree: Path, ten_days: Path):
    saved = ten_days.with_name("saved.patch")
    saved.write_bytes(ten_days.read_bytes().replace(b"\n", b"\r\n"))
    sec("mod", "new", "MP102A", "--title", "Party Details timing")
    result = sec("mod", "record", "MP102A", "--from-patch", str(saved))
    assert result.exit_code == 0, result.stderr
    assert "within [-five-]{+ten+} Working Days" in sec("mod", "show", "MP102A").stdout


def test_add_and_remove_documents(sec, sample_tree: Path):
    sec(
        "mod",
        "new",
        "SoS-2017-AE",
        "--kind",
        "direction",
        "--path",
        "designation",
        "--title",
        "Designate Appendix AE",
    )
    (sample_tree / "appendices/AE.md").write_text(
        "# Appendix AE: Threshold Anomaly Detection Procedures\n\n## 1 Introduction\n\n"
        "1.1 This Appendix AE sets out how anomalies are detected.\n"
    )
    (sample_tree / "schedules/11.md").unlink()
    assert sec("mod", "record", "SoS-2017-AE").exit_code == 0
    data = json.loads(sec("mod", "list", "--json").stdout)
    change = next(c for c in data if c["id"] == "SoS-2017-AE")
    assert change["state"] == "approved" and change["kind"] == "direction"
    assert change["document_changes"] == {
        "Appendix AE": {"op": "add", "version": "1.0"},
        "Schedule 11": {"op": "remove"},
    }
    assert not (sample_tree / "appendices/AE.md").exists()
    assert (sample_tree / "schedules/11.md").exists()
    shown = sec("mod", "show", "SoS-2017-AE").stdout
    assert "Appendix AE (add, to version 1.0)" in shown and "Schedule 11 (remove)" in shown


def test_mod_check_reports_the_sample_conflict(sec):
    result = sec("mod", "check")
    assert result.exit_code == 1
    assert "conflict: SECMP0041 and SECMP0042 both change Section F8.6(a)" in result.stdout
    data = json.loads(sec("mod", "check", "--json").stdout)
    assert data["not_applying"] == []
    assert [(c["changes"], c["document"], c["clause"]) for c in data["conflicts"]] == [
        (["SECMP0041", "SECMP0042"], "Section F", "F8.6(a)")
    ]


def test_mod_check_named_change_sets_clean(sec):
    result = sec("mod", "check", "SECMP0035", "SECMP0039")
    assert result.exit_code == 0, result.stdout
    assert "2 change set(s) checked against SEC 5.7: 0 conflict(s), 0 not applying" in result.stdout


def test_conflict_in_a_glossary_entry_names_the_term(sec, sample_tree: Path):
    sec("mod", "new", "SECMP0043", "--title", "Other Party Details change")
    edit(
        sample_tree,
        "sections/A.md",
        "the information listed in Section M6.3.",
        "the information listed in Section M6.3 and in the register.",
    )
    sec("mod", "record", "SECMP0043")
    data = json.loads(sec("mod", "check", "SECMP0039", "SECMP0043", "--json").stdout)
    messages = [c["message"] for c in data["conflicts"]]
    assert "SECMP0039 and SECMP0043 both change Section A1.1 (Party Details)" in messages


def test_lifecycle_advance_and_refusal(sec):
    result = sec("mod", "advance", "SECMP0041", "initial-report", "--date", "2017-07-20")
    assert result.exit_code == 0 and "SECMP0041 is now initial-report" in result.stdout
    result = sec("mod", "advance", "SECMP0041", "approved")
    assert result.exit_code == 6
    assert "cannot go from initial-report to approved" in result.stderr
    assert "allowed next: refinement, report-phase, raised, withdrawn" in result.stderr
    assert sec("mod", "advance", "SECMP0041", "implemented").exit_code == 6
    unknown = sec("mod", "advance", "SECMP0041", "finished")
    assert unknown.exit_code == 6 and "not a lifecycle state" in unknown.stderr


def test_fast_track_may_be_approved_directly(sec):
    sec("mod", "new", "SECMP0050", "--title", "Fix a cross-reference", "--path", "fast-track")
    assert sec("mod", "advance", "SECMP0050", "approved").exit_code == 0


def test_mod_list_filters_by_state(sec):
    data = json.loads(sec("mod", "list", "--state", "approved", "--json").stdout)
    assert [c["id"] for c in data] == ["SECMP0035", "SOS-2017-R1.3"]
    for key in ("id", "title", "kind", "state", "base", "documents"):
        assert key in data[0]


# -- bad input: a one-line error with a hint, a documented exit code, nothing written ----------


def assert_refused(sec, sample_tree, args, code, fragment, input=None):
    before = repo_state(sample_tree)
    result = sec(*args, input=input)
    assert result.exit_code == code, (result.stdout, result.stderr)
    first = result.stderr.splitlines()[0]
    assert first.startswith("error[") and fragment in first, result.stderr
    assert "  hint: " in result.stderr
    assert "Traceback" not in result.stderr
    assert repo_state(sample_tree) == before


def test_duplicate_id(sec, sample_tree):
    assert_refused(
        sec, sample_tree, ["mod", "new", "SECMP0035", "--title", "again"], 6, "already exists"
    )


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "x-", "a..b", "x y", "x" * 80])
def test_bad_ids(sec, sample_tree, bad_id):
    assert_refused(
        sec, sample_tree, ["mod", "new", bad_id, "--title", "t"], 4, "not a valid change set id"
    )


def test_unknown_state_filter(sec, sample_tree):
    assert_refused(sec, sample_tree, ["mod", "list", "--state", "done"], 6, "not a lifecycle state")


def test_malformed_manifest(sec, sample_tree):
    path = sample_tree / "modifications/SECMP0039/change.json"
    path.write_text(path.read_text().replace('"state": "refinement"', '"state": "pondering"'))
    git(sample_tree, "commit", "-qam", "break it")
    assert_refused(sec, sample_tree, ["mod", "show", "SECMP0039"], 4, "state 'pondering'")
    path.write_text("{not json")
    assert_refused(sec, sample_tree, ["mod", "list"], 4, "not a valid change set manifest")


@pytest.mark.parametrize("command", [["mod", "show", "SECMP0039"], ["check"]])
def test_a_base_that_is_a_json_number_is_a_malformed_manifest(sec, sample_tree, command):
    """5.10 written as a number reads as 5.1: a label is a string (it was exit 70)."""
    path = sample_tree / "modifications/SECMP0039/change.json"
    data = json.loads(path.read_text())
    data["base"] = 5.7
    path.write_text(json.dumps(data))
    git(sample_tree, "commit", "-qam", "base as a number")
    result = sec(*command)
    assert "internal" not in result.stderr
    if command[0] == "check":
        assert result.exit_code == 1 and "is not a version label (a string)" in result.stdout
    else:
        assert result.exit_code == 4 and "is not a version label (a string)" in result.stderr


@pytest.mark.parametrize(
    "patch,code,fragment",
    [
        (
            "--- a/appendices/ZZ.md\n+++ b/appendices/ZZ.md\n@@ -1 +1 @@\n-x\n+y\n",
            5,
            "Appendix ZZ is not in SEC 5.7",
        ),
        ("--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-x\n+y\n", 4, "outside the tree"),
        ("--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-x\n+y\n", 4, "outside the tree"),
        ("--- a/notes.txt\n+++ b/notes.txt\n@@ -1 +1 @@\n-x\n+y\n", 4, "not a SEC document"),
        ("diff --git a/sections/M.md b/sections/M.md\nGIT binary patch\nliteral 0\n", 4, "binary"),
        (
            "--- a/sections/M.md\n+++ b/sections/M.md\n@@ -1 +1 @@\n-# Section M: Generic\n"
            "+# Section M: Gen\n",
            5,
            "does not match the patch",
        ),
        (
            "--- a/sections/M.md\n+++ b/sections/M.md\n@@ -1,3 +1,3 @@\n-# Section M: General\n",
            4,
            "shorter than its header",
        ),
        ("just some text\n", 4, "no file differences"),
    ],
)
def test_bad_patches(sec, sample_tree, tmp_path, patch, code, fragment):
    file = tmp_path / "bad.patch"
    file.write_text(patch)
    assert_refused(
        sec, sample_tree, ["mod", "record", "SECMP0041", "--from-patch", str(file)], code, fragment
    )


def test_non_utf8_patch(sec, sample_tree, tmp_path):
    file = tmp_path / "bad.patch"
    file.write_bytes(b"--- a/sections/M.md\n+++ b/sections/M.md\n@@ -1 +1 @@\n-x\n+caf\xe9\n")
    assert_refused(
        sec, sample_tree, ["mod", "record", "SECMP0041", "--from-patch", str(file)], 4, "not UTF-8"
    )


def test_failed_record_keeps_the_drafters_edits(sec, sample_tree):
    edit(sample_tree, "sections/M.md", "M6.4 The Code Administrator", "M6.2 The Code Administrator")
    edit(sample_tree, "appendices/B.md", ARL_OLD, ARL_NEW)
    before = repo_state(sample_tree)
    result = sec("mod", "record", "SECMP0041")
    assert result.exit_code == 4
    assert result.stderr.startswith("error[malformed-document]: sections/M.md:")
    assert repo_state(sample_tree) == before  # both edits still there, nothing committed


def test_record_with_nothing_edited(sec, sample_tree):
    assert_refused(
        sec, sample_tree, ["mod", "record", "SECMP0041"], 6, "no document differs from SEC 5.7"
    )


def test_unknown_change_set(sec, sample_tree):
    assert_refused(sec, sample_tree, ["mod", "show", "SECMP0040"], 3, "no change set SECMP0040")


def test_a_whole_code_can_be_brought_into_an_empty_tree(empty_tree: Path):
    def run(*args):
        return run_cli(*args, cwd=empty_tree)

    result = run(
        "mod",
        "new",
        "SEC-1.0",
        "--kind",
        "direction",
        "--path",
        "designation",
        "--title",
        "The code as first designated",
    )
    assert result.exit_code == 0 and "based on SEC (empty)" in result.stdout
    (empty_tree / "sections/A.md").write_text(
        "# Section A: Definitions\n\n## A1 Definitions\n\nA1.1 Words mean what they say.\n"
    )
    (empty_tree / "appendices/B.md").write_text("# Appendix B: Policy\n\n## 1 Intro\n\n1.1 Hi.\n")
    assert run("mod", "record", "SEC-1.0").exit_code == 0
    assert not (empty_tree / "sections/A.md").exists()
    data = json.loads(run("mod", "list", "--json").stdout)[0]
    assert data["base"] is None
    assert data["document_changes"] == {
        "Section A": {"op": "add", "version": "1.0"},
        "Appendix B": {"op": "add", "version": "1.0"},
    }


def test_record_refuses_a_non_utf8_edit(sec, sample_tree):
    path = sample_tree / "sections/M.md"
    path.write_bytes(path.read_bytes() + b"\nM8.5 caf\xe9\n")
    assert_refused(sec, sample_tree, ["mod", "record", "SECMP0041"], 4, "not UTF-8")


def test_edit_then_record_replaces_the_change_set_text(sec, sample_tree):
    result = sec("mod", "edit", "SECMP0039")
    assert result.exit_code == 0, result.stderr
    m = (sample_tree / "sections/M.md").read_text()
    assert "at least once in each year" in m  # the change set's text is in the working tree
    # keep the Section M edit and extend it; put Section A back as designated
    edit(sample_tree, "sections/M.md", "at least once in each year", "at least twice in each year")
    git(sample_tree, "checkout", "--", "sections/A.md")
    assert sec("mod", "record", "SECMP0039").exit_code == 0
    data = next(
        c for c in json.loads(sec("mod", "list", "--json").stdout) if c["id"] == "SECMP0039"
    )
    assert data["documents"] == ["Section M"]
    assert "at least twice in each year" in sec("mod", "show", "SECMP0039").stdout
    assert not (sample_tree / "modifications/SECMP0039/sections/A.md.diff").exists()
    assert git(sample_tree, "status", "--porcelain") == ""


def test_abort_gives_up_the_draft(sec, sample_tree):
    before = (sample_tree / "modifications/SECMP0039/sections/M.md.diff").read_text()
    sec("mod", "edit", "SECMP0039")
    edit(sample_tree, "sections/M.md", "at least once in each year", "weekly")
    other = sec("mod", "edit", "SECMP0006")
    assert other.exit_code == 6 and "already being drafted" in other.stderr
    assert sec("mod", "record", "SECMP0006").exit_code == 6
    result = sec("mod", "abort")
    assert result.exit_code == 0 and "Stopped drafting SECMP0039" in result.stdout
    assert git(sample_tree, "status", "--porcelain") == ""
    assert (sample_tree / "modifications/SECMP0039/sections/M.md.diff").read_text() == before
    assert sec("mod", "abort").exit_code == 6
