"""`sectool mod record ID --from-docx FILE --as DOC`: a drafter's Word redline recorded as a
change set's edit, checked against the change set's base."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from sectool.demo import run_demo
from tests.conftest import git, run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return run_demo(tmp_path_factory.mktemp("word") / "demo", lambda _line: None)


def _redline(demo: Path, tmp: Path) -> Path:
    out = tmp / "b-redline.docx"
    result = run_cli(
        "diff", "5.7", "5.8", "Appendix B", "--format", "docx", "-o", str(out), cwd=demo
    )
    assert result.exit_code == 0, result.stderr
    return out


def test_a_redline_records_exactly_the_change_it_shows(demo, tmp_path):
    redline = _redline(demo, tmp_path)
    assert (
        run_cli("mod", "new", "DP101", "--title", "ARL", "--base", "5.7", cwd=demo).exit_code == 0
    )
    result = run_cli(
        "mod", "record", "DP101", "--from-docx", str(redline), "--as", "Appendix B", cwd=demo
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Recorded DP101 against SEC 5.7: Appendix B, from the Word redline b-redline.docx",
        "  SECMP0035, 2017-07-12T00:00:00Z: 1 del, 1 ins",
        "  SECMP0035, 2017-07-12T00:30:00Z: 2 ins",
    ]
    ours = demo / "modifications" / "DP101" / "appendices" / "B.md.diff"
    theirs = demo / "modifications" / "SECMP0035" / "appendices" / "B.md.diff"
    assert ours.read_text() == theirs.read_text()
    record = json.loads((demo / "modifications" / "DP101" / "change.json").read_text())
    [provenance] = record["provenance"]
    assert provenance["document"] == "Appendix B" and provenance["source"] == "b-redline.docx"
    assert {r["author"] for r in provenance["revisions"]} == {"SECMP0035"}
    assert git(demo, "status", "--porcelain") == ""


def test_a_redline_on_another_version_is_refused_naming_clauses_and_version(demo, tmp_path):
    redline = _redline(demo, tmp_path)
    assert run_cli("mod", "new", "DP102", "--title", "ARL", cwd=demo).exit_code == 0
    head = git(demo, "rev-parse", "HEAD")
    result = run_cli(
        "mod", "record", "DP102", "--from-docx", str(redline), "--as", "Appendix B", cwd=demo
    )
    assert result.exit_code == 5
    first, hint = result.stderr.splitlines()
    assert first == (
        "error[redline-mismatch]: b-redline.docx: its original text (changes rejected) is not "
        "Appendix B at SEC 5.9; first differences: 4.3, 4.3.3"
    )
    assert "drafted against SEC 5.7" in hint
    assert git(demo, "rev-parse", "HEAD") == head


def _edited_export(demo: Path, tmp: Path) -> Path:
    """A clean export of Appendix B at 5.9 with one word inserted as a Word revision."""
    out = tmp / "b.docx"
    assert (
        run_cli(
            "export", "5.9", "Appendix B", "--format", "docx", "-o", str(out), cwd=demo
        ).exit_code
        == 0
    )
    source = zipfile.ZipFile(out)
    xml = source.read("word/document.xml").decode()
    old = "shall publish in the SMKI repository:"
    assert old in xml
    xml = xml.replace(
        old,
        'shall publish</w:t></w:r><w:ins w:id="900" w:author="Jane Drafter" '
        'w:date="2026-01-05T10:00:00Z"><w:r><w:t xml:space="preserve"> promptly</w:t></w:r>'
        '</w:ins><w:r><w:t xml:space="preserve"> in the SMKI repository:',
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = xml.encode() if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info, data)
    edited = tmp / "b-edited.docx"
    edited.write_bytes(buffer.getvalue())
    return edited


def test_a_word_edit_of_a_clean_export_becomes_the_change(demo, tmp_path):
    edited = _edited_export(demo, tmp_path)
    assert run_cli("mod", "new", "DP103", "--title", "Promptly", cwd=demo).exit_code == 0
    result = run_cli(
        "mod", "record", "DP103", "--from-docx", str(edited), "--as", "Appendix B", cwd=demo
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "  Jane Drafter, 2026-01-05T10:00:00Z: 1 ins"
    diff = (demo / "modifications" / "DP103" / "appendices" / "B.md.diff").read_text()
    assert "\n-2.1 The DCC shall publish in the SMKI repository:\n" in diff
    assert "\n+2.1 The DCC shall publish promptly in the SMKI repository:\n" in diff
    changed = [x for x in diff.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]
    assert len(changed) == 2


def test_from_docx_needs_as(demo, tmp_path):
    result = run_cli("mod", "record", "DP103", "--from-docx", "x.docx", cwd=demo)
    assert result.exit_code == 2
