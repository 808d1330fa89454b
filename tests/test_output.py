"""`-o` never replaces what is not a regular file, and `-o -` is standard output."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from sectool.errors import OutputError
from sectool.output import write_output
from tests.conftest import edit

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def _drain(fifo: Path, into: list[bytes], keep: bool = True) -> threading.Thread:
    """A reader at the other end of a FIFO (it keeps the bytes, or hangs up at once)."""

    def read() -> None:
        with open(fifo, "rb") as stream:
            if keep:
                into.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_fifo_is_written_through_not_replaced(tmp_path, sec):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    result = sec("export", "5.7", "Appendix S", "--format", "md", "-o", str(fifo))
    reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert "Wrote" not in result.stdout  # the bytes went to whoever reads the pipe
    assert got[0].startswith(b"# Appendix S")
    assert fifo.is_fifo()


def test_a_symlink_to_a_fifo_stays_a_symlink(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    assert write_output(link, b"clause text\n") is False
    reader.join(10)
    assert got == [b"clause text\n"]
    assert link.is_symlink() and fifo.is_fifo()


def test_a_symlink_to_a_regular_file_replaces_the_target_and_keeps_the_link(tmp_path, sec):
    target = tmp_path / "real.md"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    result = sec("export", "5.7", "Appendix S", "--format", "md", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote {link}\n"
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("# Appendix S")
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md", "sec"]


def test_a_special_file_that_refuses_the_bytes_is_bad_output(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = _drain(fifo, [], keep=False)  # hangs up without reading: EPIPE
    with pytest.raises(OutputError, match="cannot write"):
        write_output(fifo, b"x" * (1 << 20))
    reader.join(10)
    assert fifo.is_fifo()


def test_dash_is_standard_output(sec, sample_tree, tmp_path):
    result = sec("export", "5.7", "Appendix S", "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Appendix S") and "Wrote" not in result.stdout
    assert not (sample_tree / "-").exists()
    edit(sample_tree, "appendices/S.md", "ten Working Days of", "five Working Days of")
    result = sec("diff", "5.7", "working", "Appendix S", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("{") and not (sample_tree / "-").exists()


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_permissions_open_would_give(tmp_path, mask):
    """Published redlines are readable as the umask allows, not private like a temporary file;
    a replaced file keeps its own permissions."""
    old = os.umask(mask)
    try:
        target = tmp_path / "new.txt"
        write_output(target, b"x")
        assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
        kept = tmp_path / "kept.txt"
        kept.write_bytes(b"old")
        kept.chmod(0o640)
        write_output(kept, b"new")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_bytes() == b"new"
    finally:
        os.umask(old)
