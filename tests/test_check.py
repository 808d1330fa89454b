"""`sectool check`: every rule fires on a planted defect, in every output format."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from tests.conftest import edit, git, run_cli


def line_of(root: Path, rel: str, needle: str) -> int:
    for n, line in enumerate((root / rel).read_text().splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {rel}")


def run(root: Path, *args: str):
    result = run_cli(*args, cwd=root)
    assert result.exit_code in (0, 1), result.stderr
    return result


def approve(root: Path, change: str) -> None:
    for state in ("initial-report", "report-phase", "consultation", "change-board", "approved"):
        run(root, "mod", "advance", change, state)


def test_the_sample_checks_clean_but_for_the_deliberate_conflict(sample_tree):
    result = run_cli("check", "--format", "json", cwd=sample_tree)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [
        ("changes.conflict", "warning")
    ]
    assert data["summary"] == {"errors": 0, "warnings": 1, "documents": 11, "change_sets": 6}
    assert run_cli("check", "--fail-on", "warning", cwd=sample_tree).exit_code == 1


# Each defect: (plant it, then the expected rule, severity, path, line needle, clause).
def parse_error(root):
    edit(root, "sections/M.md", "M6.4 The Code Administrator", "M6.3 The Code Administrator")
    return (
        "structure.parse",
        "error",
        "sections/M.md",
        ("sections/M.md", "M6.3 The Code Admin"),
        "M6.3",
    )


def gap(root):
    edit(root, "appendices/AD.md", "5.2 A User that receives", "5.3 A User that receives")
    return "structure.gap", "error", "appendices/AD.md", ("appendices/AD.md", "5.3 A User"), "5.3"


def stray_heading(root):
    edit(root, "sections/M.md", "## M7 Disputes", "## L9 Stray\n\n## M7 Disputes")
    return "structure.heading", "error", "sections/M.md", ("sections/M.md", "## L9 Stray"), None


def missing_file(root):
    (root / "schedules/11.md").unlink()
    return "structure.log-missing-file", "error", "register.json", None, None


def extra_file(root):
    (root / "appendices/ZZ.md").write_text("# Appendix ZZ: Stray\n\n## 1 X\n\n1.1 Text.\n")
    return (
        "structure.log-extra-file",
        "error",
        "appendices/ZZ.md",
        ("appendices/ZZ.md", "# Appendix ZZ"),
        None,
    )


def retitled(root):
    edit(
        root,
        "appendices/S.md",
        "# Appendix S: DCCKI Certificate Policy",
        "# Appendix S: DCCKI Policy",
    )
    return (
        "structure.log-title",
        "error",
        "appendices/S.md",
        ("appendices/S.md", "# Appendix S"),
        None,
    )


def unresolved(root):
    edit(
        root,
        "sections/M.md",
        "failure to comply with Section M6.2.",
        "failure to comply with Section M6.9.",
    )
    return "references.unresolved", "error", "sections/M.md", ("sections/M.md", "M6.9."), "M6.4"


def absent_document(root):
    # A tree may hold part of the code: a reference to a document it lacks is a warning.
    edit(
        root,
        "sections/M.md",
        "failure to comply with Section M6.2.",
        "failure to comply with Section K3.1.",
    )
    return (
        "references.absent-document",
        "warning",
        "sections/M.md",
        ("sections/M.md", "K3.1."),
        "M6.4",
    )


def wrong_heading(root):
    edit(
        root,
        "sections/G.md",
        "Section M8 (Suspension, Expulsion and Withdrawal)",
        "Section M8 (Suspension and Expulsion)",
    )
    return (
        "references.heading",
        "error",
        "sections/G.md",
        ("sections/G.md", "(Suspension and"),
        "G6.3",
    )


def backwards(root):
    edit(root, "sections/G.md", "set out in Sections G3 to G6.", "set out in Sections G6 to G3.")
    return "references.range", "error", "sections/G.md", ("sections/G.md", "G6 to G3"), "G1.1"


def bad_pointer(root):
    edit(root, "sections/A.md", "in Section D6.1.", "in Section D6.2.")
    return "terms.pointer", "error", "sections/A.md", ("sections/A.md", '"Change Board"'), "A1.1"


def unused_term(root):
    edit(
        root,
        "sections/A.md",
        '"Working Day" means',
        '"Widget" means a small device.\n\n"Working Day" means',
    )
    return "terms.unused", "warning", "sections/A.md", ("sections/A.md", '"Widget"'), "A1.1"


def undefined_phrase(root):
    edit(
        root,
        "sections/M.md",
        "M5.1 Any notice under this Code",
        "M5.1 Any notice the Grand Council sends under this Code",
    )
    return "terms.undefined", "warning", "sections/M.md", ("sections/M.md", "Grand Council"), "M5.1"


def bad_manifest(root):
    (root / "modifications/SECMP0039/change.json").write_text("{broken")
    return "changes.manifest", "error", "modifications/SECMP0039/change.json", None, None


def lifecycle(root):
    path = root / "modifications/SECMP0041/change.json"
    path.write_text(path.read_text().replace('"state": "raised"', '"state": "consultation"', 1))
    return "changes.lifecycle", "error", "modifications/SECMP0041/change.json", None, None


def approved_conflict(root):
    approve(root, "SECMP0041")
    approve(root, "SECMP0042")
    return "changes.conflict", "error", "modifications/SECMP0042/change.json", None, "F8.6(a)"


def not_applying(root):
    approve(root, "SECMP0042")
    run(root, "designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0042")
    return "changes.not-applying", "error", "modifications/SECMP0041/change.json", None, None


def moved_tag(root):
    run(root, "designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035")
    message = git(root, "tag", "-l", "--format=%(contents)", "sec/5.8")
    git(root, "tag", "-f", "-a", "sec/5.8", "sec/5.7", "-m", message)
    return "history.moved-tag", "error", "register.json", None, None


def impact(root):
    run(root, "mod", "new", "SECMP0099", "--title", "Withdraw the fault rule")
    text = (root / "sections/F.md").read_text()
    start = text.index("F8.6 Where a Communications Hub")
    end = text.index("F8.7 The DCC shall report")
    (root / "sections/F.md").write_text(text[:start] + text[end:])
    run(root, "mod", "record", "SECMP0099")
    return "impact.reference", "warning", "modifications/SECMP0099/change.json", None, "3.3"


DEFECTS = [
    parse_error,
    gap,
    stray_heading,
    missing_file,
    extra_file,
    retitled,
    unresolved,
    absent_document,
    wrong_heading,
    backwards,
    bad_pointer,
    unused_term,
    undefined_phrase,
    bad_manifest,
    lifecycle,
    approved_conflict,
    not_applying,
    moved_tag,
    impact,
]


@pytest.mark.parametrize("plant", DEFECTS, ids=[d.__name__ for d in DEFECTS])
def test_each_rule_fires_where_the_defect_is(sample_tree, plant):
    rule, severity, path, line_at, clause = plant(sample_tree)
    line = line_of(sample_tree, *line_at) if line_at else None
    result = run_cli("check", "--format", "json", cwd=sample_tree)
    data = json.loads(result.stdout)
    hits = [f for f in data["findings"] if f["rule"] == rule]
    assert hits, data["findings"]
    f = hits[0]
    assert (f["severity"], f["path"]) == (severity, path)
    if line is not None:
        assert f["line"] == line
    if clause is not None:
        assert f["clause"] == clause
    assert f["message"] and f["hint"]
    assert result.exit_code == (1 if severity == "error" else 0)

    text = run_cli("check", cwd=sample_tree).stdout
    assert f"{severity}[{rule}]" in text and path in text
    github = run_cli("check", "--format", "github", cwd=sample_tree).stdout
    expected = f"::{severity} file={path}" + (f",line={line}" if line else "") + f",title={rule}::"
    assert expected in github
    junit = run_cli("check", "--format", "junit", "--fail-on", "warning", cwd=sample_tree).stdout
    suite = ET.fromstring(junit).find("testsuite")
    cases = [
        c
        for c in suite.iter("testcase")
        if c.get("classname") == path and c.get("name").startswith(rule)
    ]
    assert cases and cases[0].find("failure") is not None
    assert int(suite.get("failures")) >= 1


def test_impact_names_the_reference(sample_tree):
    impact(sample_tree)
    data = json.loads(run_cli("check", "--format", "json", cwd=sample_tree).stdout)
    messages = [f["message"] for f in data["findings"] if f["rule"] == "impact.reference"]
    assert (
        "SECMP0099 deletes or renumbers Section F8.6, which Appendix AC 3.3 refers to "
        "(appendices/AC.md:29)" in messages
    )


GITHUB_COMMAND = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::.*$")


def test_github_lines_are_workflow_commands(sample_tree):
    undefined_phrase(sample_tree)
    unresolved(sample_tree)
    lines = run_cli("check", "--format", "github", cwd=sample_tree).stdout.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) >= 3
    for line in commands:
        assert GITHUB_COMMAND.match(line), line
    assert lines[-1].endswith("change set(s)")


def test_junit_of_a_clean_tree_is_one_passing_case(demo_like_tree):
    junit = run_cli("check", "--format", "junit", cwd=demo_like_tree).stdout
    root = ET.fromstring(junit)
    suite = root.find("testsuite")
    assert suite.get("failures") == "0"


@pytest.fixture
def demo_like_tree(sample_tree):
    # drop the deliberate conflict, so nothing at all is found
    git(sample_tree, "rm", "-rq", "modifications/SECMP0042")
    git(sample_tree, "commit", "-qm", "drop the draft")
    return sample_tree


def test_targets_and_changed_since_limit_the_findings(sample_tree):
    unresolved(sample_tree)
    edit(sample_tree, "appendices/AD.md", "5.2 A User that receives", "5.3 A User that receives")
    only_ad = json.loads(
        run_cli("check", "appendices/AD.md", "--format", "json", cwd=sample_tree).stdout
    )
    assert {f["path"] for f in only_ad["findings"]} == {"appendices/AD.md"}
    by_ref = json.loads(run_cli("check", "Section M", "--format", "json", cwd=sample_tree).stdout)
    assert {f["path"] for f in by_ref["findings"]} == {"sections/M.md"}
    git(sample_tree, "add", "-A")
    git(sample_tree, "commit", "-qm", "edits")
    since = json.loads(
        run_cli("check", "--changed-since", "HEAD~1", "--format", "json", cwd=sample_tree).stdout
    )
    paths = {f["path"] for f in since["findings"]}
    assert {"sections/M.md", "appendices/AD.md"} <= paths
    assert "modifications/SECMP0042/change.json" not in paths
    bad = run_cli("check", "--changed-since", "no-such-rev", cwd=sample_tree)
    assert bad.exit_code == 3 and "no-such-rev" in bad.stderr


def test_usage_errors_exit_2(sample_tree):
    assert run_cli("check", "--format", "xml", cwd=sample_tree).exit_code == 2
    assert run_cli("check", "--fail-on", "info", cwd=sample_tree).exit_code == 2


def test_the_shipped_ci_files_are_valid():
    root = Path(__file__).parent.parent
    hooks = (root / ".pre-commit-hooks.yaml").read_text()
    assert "id: sectool-check" in hooks and "entry: sectool check" in hooks
    workflow = (root / "examples/github-actions/sec-check.yml").read_text()
    assert re.search(r"sectool check .*--format github", workflow)
    assert (
        "actions/upload-artifact" in workflow and "sectool diff working working --with" in workflow
    )
    assert yaml.safe_load(hooks)[0]["id"] == "sectool-check"
    assert "check" in yaml.safe_load(workflow)["jobs"]


def test_every_rule_id_is_documented():
    root = Path(__file__).parent.parent
    source = "\n".join(p.read_text() for p in (root / "sectool").rglob("*.py"))
    rules = set(
        re.findall(r'"((?:structure|references|terms|changes|history|impact)\.[a-z-]+)"', source)
    )
    assert len(rules) >= 20
    readme = (root / "README.md").read_text()
    assert sorted(r for r in rules if f"`{r}`" not in readme) == []


def test_a_document_that_does_not_parse_is_reported_once(sample_tree):
    # References into it and terms used only in it are unknown, not absent or unused.
    path = sample_tree / "sections/M.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    data = json.loads(run_cli("check", "--format", "json", cwd=sample_tree).stdout)
    rules = {f["rule"] for f in data["findings"]}
    assert "structure.parse" in rules
    assert not rules & {"references.absent-document", "references.unresolved", "terms.unused"}
