"""Diffs cut lines where git does (at \\n only), so stored diffs apply with `git apply` and
patches made by `git diff` record, whatever other line-like characters the text holds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sectool.changes.patch import apply_patch, make_diff, parse_patch, split_lines
from sectool.errors import BadPatch

# Characters that str.splitlines() treats as line ends but git keeps inside a line.
ODD_BREAKS = "\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029"
PATH = "appendices/ZZ.md"

lines = st.text(alphabet=st.sampled_from("ab " + ODD_BREAKS), max_size=12)
texts = st.lists(lines, max_size=8).map("\n".join) | st.lists(lines, max_size=8).map(
    lambda ls: "".join(line + "\n" for line in ls)
)


def test_split_lines_cuts_only_at_newline() -> None:
    assert split_lines("a\x0cb\u2028c\rd\ne\n") == ["a\x0cb\u2028c\rd\n", "e\n"]
    assert split_lines("a\nb") == ["a\n", "b"]
    assert split_lines("") == []
    assert "".join(split_lines("x\r\n\x85y")) == "x\r\n\x85y"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("git-apply")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "appendices").mkdir()
    return root


def _git(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, input=data, capture_output=True)


@given(texts, texts)
@settings(max_examples=40, deadline=None)
def test_stored_diff_applies_with_git_apply(repo: Path, old: str, new: str) -> None:
    assume(old != new)
    target = repo / PATH
    target.write_bytes(old.encode("utf-8"))
    diff = make_diff(PATH, old, new).encode("utf-8")
    proc = _git(repo, "apply", "-", data=diff)
    assert proc.returncode == 0, proc.stderr.decode()
    assert target.read_bytes() == new.encode("utf-8")


@given(texts, texts)
@settings(max_examples=40, deadline=None)
def test_git_diff_applies_with_sectool(repo: Path, old: str, new: str) -> None:
    assume(old != new)
    (repo / "old.md").write_bytes(old.encode("utf-8"))
    (repo / "new.md").write_bytes(new.encode("utf-8"))
    proc = _git(repo, "diff", "--no-index", "--no-color", "old.md", "new.md")
    patch = proc.stdout.decode("utf-8")
    patch = patch.replace("a/old.md", f"a/{PATH}").replace("b/new.md", f"b/{PATH}")
    (fp,) = parse_patch(patch)
    assert apply_patch(fp, old) == new


def test_crlf_saved_patch_reads_as_git_wrote_it() -> None:
    old, new = "# Appendix ZZ: T\n\n1.1 a\r\n", "# Appendix ZZ: T\n\n1.1 b\r\n"
    saved = make_diff(PATH, old, new).replace("\n", "\r\n")
    (fp,) = parse_patch(saved)
    assert apply_patch(fp, old) == new


def test_patch_with_mixed_line_endings_is_refused_naming_them() -> None:
    diff = make_diff(PATH, "a\nb\n", "a\nc\n")
    mixed = diff.replace("\n", "\r\n", 3)  # headers saved with CRLF, the hunk with LF
    with pytest.raises(BadPatch, match="CRLF and LF line endings"):
        parse_patch(mixed)


def test_a_removed_line_like_a_header_in_a_crlf_document_is_content() -> None:
    old, new = "x\n-- a\r\n++ b\r\n", "x\n"
    (fp,) = parse_patch(make_diff(PATH, old, new))
    assert apply_patch(fp, old) == new
