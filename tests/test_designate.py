import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sectool.demo import run_demo
from tests.conftest import edit, git, repo_state, run_cli


@pytest.fixture
def demo_tree(tmp_path: Path) -> Path:
    return run_demo(tmp_path / "demo", lambda _line: None)


def sectool(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed command in a separate process (for kills and races)."""
    return subprocess.run(
        [sys.executable, "-m", "sectool", "-C", str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_point_in_time_after_the_demo(demo_tree: Path):
    def show(at):
        return run_cli("show", "Appendix B 4.3", "--at", at, cwd=demo_tree).stdout

    assert "expiry date that falls 12 months after" in show("2017-07-01")
    assert "expiry date that falls up to 13 months after" in show("2017-07-15")
    assert "expiry date that falls up to 13 months after" in show("5.8")
    assert "falls 12 months" in show("5.7")
    early = run_cli("show", "M6.2", "--at", "2017-01-01", cwd=demo_tree)
    assert early.exit_code == 3 and "no version of the code was in force" in early.stderr


def test_versions_json_after_the_demo(demo_tree: Path):
    data = json.loads(run_cli("versions", "--json", cwd=demo_tree).stdout)
    assert [(v["version"], v["effective"]) for v in data] == [
        ("5.7", "2017-05-25"),
        ("5.8", "2017-07-12"),
        ("5.9", "2017-07-21"),
    ]
    latest = data[-1]
    assert latest["documents"]["Appendix AC"] == "1.2"
    assert latest["documents"]["Appendix AD"] == "1.1"
    assert data[1]["documents"]["Appendix B"] == "1.4"
    assert [c["id"] for c in data[1]["changes"]] == ["SECMP0035"]
    for v in data:
        assert v["tag"] == f"sec/{v['version']}"
        assert git(demo_tree, "rev-parse", f"sec/{v['version']}^{{commit}}").strip() == v["commit"]


def test_history_names_the_change_set(demo_tree: Path):
    result = run_cli("history", "Appendix B", cwd=demo_tree)
    assert "SEC 5.8" in result.stdout and "SECMP0035" in result.stdout
    data = json.loads(run_cli("history", "Appendix B 4.3", "--json", cwd=demo_tree).stdout)
    assert [(e["version"], e["what"]) for e in data] == [("5.7", "added"), ("5.8", "changed")]
    assert data[1]["changes"][0]["id"] == "SECMP0035"
    unchanged = json.loads(run_cli("history", "M6.2", "--json", cwd=demo_tree).stdout)
    assert [e["version"] for e in unchanged] == ["5.7"]


def test_demo_leaves_pending_change_sets(demo_tree: Path):
    data = json.loads(run_cli("mod", "list", "--json", cwd=demo_tree).stdout)
    states = {c["id"]: c["state"] for c in data}
    assert states["SECMP0035"] == "implemented" and states["SOS-2017-R1.3"] == "implemented"
    assert states["SECMP0039"] == "refinement" and states["SECMP0006"] == "consultation"
    assert git(demo_tree, "status", "--porcelain") == ""


def test_changelog_and_tag_carry_the_record(demo_tree: Path):
    changelog = (demo_tree / "CHANGELOG.md").read_text()
    assert changelog.index("## SEC 5.9") < changelog.index("## SEC 5.8")
    assert "- Appendix B: 1.3 -> 1.4" in changelog
    message = git(demo_tree, "tag", "-l", "--format=%(contents)", "sec/5.8")
    assert "SECMP0035" in message and "sectool-record: " in message


def test_verify_passes_then_catches_a_moved_tag(demo_tree: Path):
    assert run_cli("verify", cwd=demo_tree).exit_code == 0
    message = git(demo_tree, "tag", "-l", "--format=%(contents)", "sec/5.8")
    git(demo_tree, "tag", "-f", "-a", "sec/5.8", "sec/5.9", "-m", message)
    result = run_cli("verify", cwd=demo_tree)
    assert result.exit_code == 1
    assert "history.moved-tag" in result.stdout


def test_verify_catches_a_deleted_tag_and_an_edit_outside_designation(demo_tree: Path):
    git(demo_tree, "tag", "-d", "sec/5.7")
    edit(demo_tree, "sections/M.md", "within five Working Days", "within six Working Days")
    git(demo_tree, "commit", "-qam", "quiet edit")
    data = json.loads(run_cli("verify", "--json", cwd=demo_tree).stdout)
    rules = {f["rule"] for f in data["findings"]}
    assert {"history.missing-tag", "history.edited-outside-designation"} <= rules
    edited = next(f for f in data["findings"] if f["rule"] == "history.edited-outside-designation")
    assert edited["path"] == "sections/M.md"


def test_drafted_on_5_7_still_applies_after_5_8_changed_the_same_document(sample_tree: Path):
    def run(*args):
        return run_cli(*args, cwd=sample_tree)

    run("mod", "new", "SECMP0060", "--title", "Profile changes", "--path", "fast-track")
    edit(
        sample_tree,
        "appendices/B.md",
        "without first consulting Parties",
        "without first consulting Parties and the SMKI PMA",
    )
    assert run("mod", "record", "SECMP0060").exit_code == 0
    assert (
        run("designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035").exit_code == 0
    )
    check = run("mod", "check", "SECMP0060", "--json")
    assert check.exit_code == 0, check.stdout
    run("mod", "advance", "SECMP0060", "approved")
    result = run("designate", "5.9", "--effective", "2017-07-21", "--change", "SECMP0060")
    assert result.exit_code == 0, result.stderr
    text = (sample_tree / "appendices/B.md").read_text()
    assert "falls up to 13 months after" in text and "and the SMKI PMA" in text
    assert "Appendix B: 1.4 -> 1.5" in result.stdout.replace("  ", "")


def test_rebase_clean_and_conflicting(sample_tree: Path):
    def run(*args):
        return run_cli(*args, cwd=sample_tree)

    run("mod", "new", "SECMP0061", "--title", "Touches 4.3 too")
    edit(sample_tree, "appendices/B.md", "falls 12 months after", "falls 14 months after")
    run("mod", "record", "SECMP0061")
    assert (
        run("designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035").exit_code == 0
    )
    check = json.loads(run("mod", "check", "SECMP0061", "SECMP0039", "--json").stdout)
    assert [n["id"] for n in check["not_applying"]] == ["SECMP0061"]
    assert run("mod", "rebase", "SECMP0039").exit_code == 0  # touches other documents
    assert json.loads(run("mod", "list", "--json").stdout)[2]["base"] == "5.8"
    result = run("mod", "rebase", "SECMP0061")
    assert result.exit_code == 5
    assert "conflicts with SEC 5.8 in Appendix B" in result.stderr
    assert "sectool mod record SECMP0061" in result.stderr
    text = (sample_tree / "appendices/B.md").read_text()
    assert "<<<<<<< SEC 5.8" in text
    assert run("mod", "record", "SECMP0061").exit_code == 4  # markers still there
    resolved = (
        text.split("<<<<<<< SEC 5.8\n")[0] + "4.3 The Organisation certification "
        "authority shall issue a new Organisation ARL at least once in every period of 12 "
        "months, and each Organisation ARL shall state an expiry date that falls 14 months "
        "after the date on which it was issued.\n" + text.split(">>>>>>> change set\n")[1]
    )
    (sample_tree / "appendices/B.md").write_text(resolved)
    assert run("mod", "record", "SECMP0061").exit_code == 0
    assert run("mod", "check", "SECMP0061").exit_code == 0
    assert git(sample_tree, "status", "--porcelain") == ""


def test_dry_run_writes_nothing(sample_tree: Path):
    before = repo_state(sample_tree)
    result = run_cli("designate", "5.8", "--effective", "2017-07-12", "--dry-run", cwd=sample_tree)
    assert result.exit_code == 0
    assert "Would designate SEC 5.8" in result.stdout
    assert "Appendix B: 1.3 -> 1.4 (1 changed, 1 inserted)" in result.stdout
    assert "Appendix AC: 1.1 -> 1.2" in result.stdout  # the direction is approved too
    assert repo_state(sample_tree) == before


def test_doc_version_option_and_same_day(sample_tree: Path):
    result = run_cli(
        "designate",
        "5.8",
        "--effective",
        "2017-05-25",
        "--change",
        "SECMP0035",
        "--doc-version",
        "Appendix B=2.0",
        cwd=sample_tree,
    )
    assert result.exit_code == 0, result.stderr
    assert "Appendix B: 1.3 -> 2.0" in result.stdout
    assert "Appendix S: 1.1 -> 1.2" in result.stdout


@pytest.mark.parametrize(
    "args,code,fragment",
    [
        (["5.7", "--effective", "2017-07-12"], 6, "already designated"),
        (["5.6", "--effective", "2017-07-12"], 6, "not after the latest version, 5.7"),
        (["5.10", "--effective", "2017-07-12", "--change", "SECMP0039"], 6, "not approved"),
        (["5.8", "--effective", "2017-05-01"], 6, "before SEC 5.7"),
        (["5.8", "--effective", "12/07/2017"], 2, "not a date"),
        (["five", "--effective", "2017-07-12"], 2, "not a version label"),
        (["5.8", "--effective", "2017-07-12", "--change", "NOPE"], 3, "no change set NOPE"),
        (
            ["5.8", "--effective", "2017-07-12", "--doc-version", "Appendix AC"],
            2,
            "DOCUMENT=VERSION",
        ),
    ],
)
def test_refusals_leave_everything_as_it_was(sample_tree: Path, args, code, fragment):
    before = repo_state(sample_tree)
    result = run_cli("designate", *args, cwd=sample_tree)
    assert result.exit_code == code, result.stderr
    assert fragment in result.stderr.splitlines()[0]
    assert repo_state(sample_tree) == before


def test_label_not_greater_than_the_last(demo_tree: Path):
    result = run_cli("designate", "5.8.1", "--effective", "2017-08-01", cwd=demo_tree)
    assert result.exit_code == 6 and "not after the latest version, 5.9" in result.stderr


def test_conflicting_change_sets_refuse_the_whole_designation(sample_tree: Path):
    for change in ("SECMP0041", "SECMP0042"):
        run_cli("mod", "advance", change, "initial-report", cwd=sample_tree)
        run_cli("mod", "advance", change, "report-phase", cwd=sample_tree)
        run_cli("mod", "advance", change, "consultation", cwd=sample_tree)
        run_cli("mod", "advance", change, "change-board", cwd=sample_tree)
        run_cli("mod", "advance", change, "approved", cwd=sample_tree)
    before = repo_state(sample_tree)
    result = run_cli("designate", "5.8", "--effective", "2017-07-12", cwd=sample_tree)
    assert result.exit_code == 5
    assert "does not apply to SEC 5.8" in result.stderr and "Section F" in result.stderr
    assert repo_state(sample_tree) == before


@pytest.mark.parametrize(
    "dirt",
    [
        "sections/M.md",
        "modifications/SECMP0039/change.json",
        "register.json",
        "modifications/NEW/change.json",
    ],
)
def test_dirty_tree_is_refused(sample_tree: Path, dirt: str):
    path = sample_tree / dirt
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((path.read_text() if path.exists() else "") + "\n")
    before = repo_state(sample_tree)
    result = run_cli("designate", "5.8", "--effective", "2017-07-12", cwd=sample_tree)
    assert result.exit_code == 6
    assert "uncommitted changes" in result.stderr and dirt in result.stderr
    assert repo_state(sample_tree) == before


STEPS_BEFORE_COMMIT = ["objects", "journal", "worktree", "refs"]


@pytest.mark.parametrize("step", STEPS_BEFORE_COMMIT)
def test_injected_failure_at_every_step_changes_nothing(sample_tree: Path, step: str):
    before = repo_state(sample_tree)
    result = sectool(
        sample_tree, "designate", "5.8", "--effective", "2017-07-12", env={"SECTOOL_FAULT": step}
    )
    assert result.returncode != 0
    assert f"injected fault at step '{step}'" in result.stderr
    assert repo_state(sample_tree) == before
    assert not (sample_tree / ".git/sectool/journal.json").exists()


@pytest.mark.parametrize("step", STEPS_BEFORE_COMMIT)
def test_killed_before_the_commit_point_is_undone(sample_tree: Path, step: str):
    before = repo_state(sample_tree)
    result = sectool(
        sample_tree,
        "designate",
        "5.8",
        "--effective",
        "2017-07-12",
        env={"SECTOOL_FAULT": f"{step}:kill"},
    )
    assert result.returncode == -9
    assert sectool(sample_tree, "versions").returncode == 0  # any command recovers
    assert repo_state(sample_tree) == before


def test_killed_after_the_commit_point_is_completed(sample_tree: Path, tmp_path: Path):
    result = sectool(
        sample_tree,
        "designate",
        "5.8",
        "--effective",
        "2017-07-12",
        env={"SECTOOL_FAULT": "cleanup:kill"},
    )
    assert result.returncode == -9
    listed = sectool(sample_tree, "versions")
    assert "SEC 5.8" in listed.stdout
    assert git(sample_tree, "status", "--porcelain") == ""
    assert sectool(sample_tree, "verify").returncode == 0
    # the same as a designation that was never interrupted
    clean = run_demo(tmp_path / "clean", lambda _l: None)
    assert (clean / "appendices/B.md").read_text() == (sample_tree / "appendices/B.md").read_text()


def slow_designation(root: Path, step: str, wait_for: str) -> subprocess.Popen:
    """Designate 5.8 in another process, held for two seconds at ``step``; return once the
    file ``wait_for`` (under .git/sectool) exists, or after five seconds."""
    env = {"SECTOOL_FAULT": f"{step}:sleep", "SECTOOL_FAULT_SLEEP": "2"}
    slow = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sectool",
            "-C",
            str(root),
            "designate",
            "5.8",
            "--effective",
            "2017-07-12",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    for _ in range(250):
        if (root / ".git/sectool" / wait_for).exists():
            break
        time.sleep(0.02)
    return slow


def test_two_designations_racing_one_wins(sample_tree: Path):
    slow = slow_designation(sample_tree, "worktree", "lock")
    fast = sectool(sample_tree, "designate", "5.8", "--effective", "2017-07-12")
    out, err = slow.communicate(timeout=60)
    assert slow.returncode == 0, err
    assert fast.returncode == 6 and "error[locked]" in fast.stderr
    assert git(sample_tree, "tag", "-l").split() == ["sec/5.7", "sec/5.8"]
    assert sectool(sample_tree, "verify").returncode == 0
    again = sectool(sample_tree, "designate", "5.8", "--effective", "2017-07-12")
    assert again.returncode == 6 and "already designated" in again.stderr


def test_stale_lock_of_a_dead_process_is_taken_over(sample_tree: Path):
    lock = sample_tree / ".git/sectool/lock"
    lock.parent.mkdir(exist_ok=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    lock.write_text(str(dead.pid))
    result = run_cli(
        "designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035", cwd=sample_tree
    )
    assert result.exit_code == 0, result.stderr


def test_designating_a_new_appendix_and_a_removed_schedule(sample_tree: Path):
    def run(*args):
        return run_cli(*args, cwd=sample_tree)

    run(
        "mod",
        "new",
        "SoS-AE",
        "--kind",
        "direction",
        "--path",
        "designation",
        "--title",
        "Designate Appendix AE; retire Schedule 11",
    )
    (sample_tree / "appendices/AE.md").write_text(
        "# Appendix AE: Threshold Anomaly Detection Procedures\n\n## 1 Introduction\n\n"
        "1.1 This Appendix AE sets out how anomalies are detected under Section G.\n"
    )
    (sample_tree / "schedules/11.md").unlink()
    assert run("mod", "record", "SoS-AE").exit_code == 0
    result = run("designate", "5.8", "--effective", "2017-07-12", "--change", "SoS-AE")
    assert result.exit_code == 0, result.stderr
    assert "Schedule 11: removed (was 1.0)" in result.stdout
    assert "Appendix AE: new, 1.0" in result.stdout
    assert not (sample_tree / "schedules/11.md").exists()
    docs = {d["id"]: d["version"] for d in json.loads(run("ls", "--json").stdout)}
    assert docs["Appendix AE"] == "1.0" and "Schedule 11" not in docs
    assert run("verify").exit_code == 0
    check = json.loads(run("check", "--format", "json").stdout)
    assert check["summary"]["errors"] == 0, check["findings"]
    history = json.loads(run("history", "Schedule 11", "--json").stdout)
    assert [(h["version"], h["what"], [c["id"] for c in h["changes"]]) for h in history] == [
        ("5.7", "added", []),
        ("5.8", "removed", ["SoS-AE"]),
    ]
    change = json.loads((sample_tree / "modifications/SoS-AE/change.json").read_text())
    dates = [h["date"] for h in change["history"]]
    assert dates == sorted(dates) and change["history"][-1]["state"] == "implemented"
    assert "effective 2017-07-12" in change["history"][-1]["note"]


def test_reading_during_a_designation_is_not_refused(sample_tree: Path):
    slow = slow_designation(sample_tree, "refs", "journal.json")
    assert (sample_tree / ".git/sectool/journal.json").exists()
    reader = sectool(sample_tree, "ls")
    assert reader.returncode == 0, reader.stderr
    slow.communicate(timeout=60)
    assert slow.returncode == 0
    assert "SEC 5.8" in sectool(sample_tree, "versions").stdout
