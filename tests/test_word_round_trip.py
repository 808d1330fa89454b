"""Round trip: `sectool export V DOC --format docx` then `sectool import` gives back DOC's text
byte for byte, for every document of a small generated corpus (benchmarks/make_corpus.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sectool.model import DocId
from tests.conftest import git, run_cli

BENCH = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402

SMALL = ["--words", "30000", "--documents", "24", "--largest", "4000", "--changes", "2"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("round-trip") / "c"
    make_corpus.main([str(root), *SMALL])
    return root


def test_every_corpus_document_survives_export_and_import(corpus, tmp_path):
    paths = sorted(
        p.relative_to(corpus).as_posix()
        for folder in ("sections", "schedules", "appendices")
        for p in (corpus / folder).glob("*.md")
    )
    assert len(paths) == 24
    for rel in paths:
        doc = str(DocId.from_path(rel))
        out = tmp_path / f"{rel.replace('/', '-')}.docx"
        exported = run_cli("export", "1.0", doc, "--format", "docx", "-o", str(out), cwd=corpus)
        assert exported.exit_code == 0, exported.stderr
        original = (corpus / rel).read_bytes()
        (corpus / rel).write_text("# placeholder\n")
        git(corpus, "commit", "-qam", "placeholder")  # import refuses to overwrite edits
        result = run_cli("import", str(out), "--as", doc, cwd=corpus)
        assert result.exit_code == 0, (rel, result.stderr)
        assert (corpus / rel).read_bytes() == original, rel
