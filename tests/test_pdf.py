"""`--format pdf`: LibreOffice headless converts our own .docx, bounded in time, writing nothing
on failure. Two real conversions (an export and a two-document redline); the failure paths use
a stand-in soffice on PATH, so they run everywhere and cost no LibreOffice start.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from sectool.demo import run_demo
from tests.conftest import run_cli
from tests.test_publish import REQUIRE

needs_libreoffice = pytest.mark.skipif(
    not shutil.which("soffice") and not REQUIRE,
    reason="LibreOffice is not installed (CI installs it)",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return run_demo(tmp_path_factory.mktemp("pdf") / "demo", lambda _line: None)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """A temporary folder of its own, to see that a run leaves nothing behind in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def pdf_words(data: bytes) -> tuple[int, str]:
    """Page count, and the text with all white space removed (PDF text extraction breaks lines
    and may drop the space between a deleted and an inserted word)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", "", text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_libreoffice
def test_export_pdf_is_a_real_pdf_with_the_clause_text(demo, tmp_path, private_tmp):
    out = tmp_path / "out" / "b.pdf"
    result = run_cli("export", "5.9", "Appendix B", "--format", "pdf", "-o", str(out), cwd=demo)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote {out}\n"
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pages, words = pdf_words(data)
    assert pages >= 2
    assert squeeze("Appendix B: Organisation Certificate Policy") in words
    assert squeeze("4.3.3 The expiry period of the Organisation ARL is aligned") in words
    assert squeeze("an expiry date that falls up to 13 months after") in words
    assert [p.name for p in out.parent.iterdir()] == ["b.pdf"]  # no temporary file left
    assert list(private_tmp.iterdir()) == []  # the private profile and work folder are gone


@needs_libreoffice
def test_diff_pdf_shows_the_tracked_changes_one_file_per_document(demo, tmp_path):
    folder = tmp_path / "redlines"
    result = run_cli("diff", "5.7", "5.8", "--format", "pdf", "-o", str(folder), cwd=demo)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["Appendix-B_SEC-5.7_SEC-5.8.pdf", "Appendix-S_SEC-5.7_SEC-5.8.pdf"]
    _, words = pdf_words((folder / names[0]).read_bytes())
    # the cover, then the redline with the deleted "12" and the inserted "up to 13" both shown
    assert squeeze("Tracked changes: Appendix B") in words
    assert squeeze("an expiry date that falls 12 up to 13 months after") in words
    _, words = pdf_words((folder / names[1]).read_bytes())
    assert squeeze("Tracked changes: Appendix S") in words


# -- failures, with a stand-in for LibreOffice -------------------------------------------------


def bin_with(tmp_path: Path, soffice: str | None) -> str:
    """A PATH holding git and, if given, a shell script named soffice (and nothing else)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "git").symlink_to(shutil.which("git"))
    if soffice is not None:
        script = folder / "soffice"
        script.write_text("#!/bin/sh\n" + soffice)
        script.chmod(0o755)
    return str(folder)


def assert_refused(result, code: str, exit_code: int, *wanted: str) -> None:
    assert result.exit_code == exit_code, result.stderr
    first, hint = result.stderr.splitlines()
    assert first.startswith(f"error[{code}]: "), first
    assert hint.startswith("  hint: ")
    for text in wanted:
        assert text in first
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", [["export", "5.9"], ["diff", "5.7", "5.8"]])
def test_without_libreoffice_a_clear_error_and_nothing_written(
    demo, tmp_path, monkeypatch, command
):
    monkeypatch.setenv("PATH", bin_with(tmp_path, None))
    monkeypatch.delenv("SECTOOL_SOFFICE", raising=False)
    out = tmp_path / "out.pdf"
    result = run_cli(*command, "--format", "pdf", "-o", str(out), cwd=demo)
    assert_refused(result, "libreoffice-missing", 69, "soffice is not on PATH")
    assert "apt-get install libreoffice-writer-nogui" in result.stderr
    assert not out.exists()


def test_sectool_soffice_naming_no_program(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SECTOOL_SOFFICE", str(tmp_path / "no-such-soffice"))
    result = run_cli("export", "5.9", "--format", "pdf", "-o", str(tmp_path / "x.pdf"), cwd=demo)
    assert_refused(result, "libreoffice-missing", 69, "no-such-soffice")


def _gone(pid: int) -> bool:
    """True when the process has ended (a zombie waiting for its parent counts as ended)."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
        except FileNotFoundError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_timeout_stops_libreoffice_and_its_children_and_writes_nothing(
    demo, tmp_path, monkeypatch, private_tmp
):
    pids = tmp_path / "pids"
    # like soffice, a launcher that starts the real worker as a child, here one that hangs
    script = f'{shutil.which("sleep")} 600 &\necho "$$ $!" > "{pids}"\nwait\n'
    monkeypatch.setenv("PATH", bin_with(tmp_path, script))
    monkeypatch.delenv("SECTOOL_SOFFICE", raising=False)
    monkeypatch.setenv("SECTOOL_PDF_TIMEOUT", "2")
    folder = tmp_path / "redlines"
    result = run_cli("diff", "5.7", "5.8", "--format", "pdf", "-o", str(folder), cwd=demo)
    assert_refused(result, "pdf-timeout", 69, "within 2 s")
    assert not folder.exists()
    launcher, worker = map(int, pids.read_text().split())
    try:
        assert _gone(launcher) and _gone(worker)
    finally:
        if not _gone(worker):  # only when the test fails: leave no stray process either
            os.kill(worker, 9)
    assert list(private_tmp.iterdir()) == []


def test_libreoffice_error_is_reported_and_nothing_written(
    demo, tmp_path, monkeypatch, private_tmp
):
    args = tmp_path / "args"
    # LibreOffice reports a file it cannot load on its output, and still exits 0
    script = (
        f'for a in "$@"; do echo "$a"; done > "{args}"\n'
        'echo "Warning: failed to launch javaldx"\n'
        'echo "Error: source file could not be loaded"\n'
    )
    monkeypatch.setenv("PATH", bin_with(tmp_path, script))
    monkeypatch.delenv("SECTOOL_SOFFICE", raising=False)
    out = tmp_path / "sec.pdf"
    result = run_cli("export", "5.9", "--format", "pdf", "-o", str(out), cwd=demo)
    assert_refused(result, "pdf-failed", 69, "Error: source file could not be loaded")
    assert not out.exists()
    # headless, with a user profile of its own in the temporary folder, since removed
    argv = args.read_text().splitlines()
    assert "--headless" in argv
    assert argv[argv.index("--convert-to") + 1] == "pdf:writer_pdf_Export"
    profiles = [a for a in argv if a.startswith("-env:UserInstallation=")]
    assert len(profiles) == 1
    assert profiles[0].startswith(f"-env:UserInstallation={private_tmp.as_uri()}/sectool-pdf-")
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf", "nan", "1e9", "86401"])
def test_a_bad_timeout_is_a_usage_error(demo, tmp_path, monkeypatch, value):
    monkeypatch.setenv("PATH", bin_with(tmp_path, "exit 0\n"))
    monkeypatch.setenv("SECTOOL_PDF_TIMEOUT", value)
    result = run_cli("export", "5.9", "--format", "pdf", "-o", str(tmp_path / "x.pdf"), cwd=demo)
    assert_refused(result, "bad-timeout", 2, "SECTOOL_PDF_TIMEOUT")
