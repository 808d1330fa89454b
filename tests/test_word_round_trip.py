"""Round trip: `sectool export V DOC --format docx` then `sectool import` gives back DOC's text
byte for byte, for every document of a small generated corpus (benchmarks/make_corpus.py)."""

from __future__ import annotations

import sys
import zipfile
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


# A form feed (a page break in plain text) is legal text: in a clause, at a clause's end, in a
# sub-paragraph, after a heading's words and in a text block.
FORM_FEEDS = (
    "# Appendix ZZ: Test Appendix\n\n## 1 General\f\n\n"
    "1.1 The Party shall pay\fthe Charges within five Working Days.\n\n"
    "1.2 Each Party shall comply:\f\n\n(a) with this\f\fAppendix; and\n\n(b) with the Code.\n\n"
    "Text\fbetween clauses.\n"
)


def test_a_form_feed_survives_export_and_import_as_a_word_page_break(versions, tmp_path):
    versions.add(FORM_FEEDS, whole=True)
    root = versions.root
    out = tmp_path / "zz.docx"
    exported = run_cli("export", "1.0", "Appendix ZZ", "--format", "docx", "-o", str(out), cwd=root)
    assert exported.exit_code == 0, exported.stderr
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert xml.count('<w:br w:type="page"/>') == FORM_FEEDS.count("\f")
    assert "\u240c" not in xml  # not the visible symbol for a form feed
    path = root / "appendices" / "ZZ.md"
    original = path.read_bytes()
    path.write_text("# placeholder\n")
    git(root, "commit", "-qam", "placeholder")
    result = run_cli("import", str(out), "--as", "Appendix ZZ", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == original
