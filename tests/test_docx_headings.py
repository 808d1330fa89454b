"""Clean .docx exports carry the document's structure in Word's built-in heading styles.

A Markdown heading of level N becomes a paragraph in "Heading N", so Word's navigation pane,
pandoc and LibreOffice's Navigator all see the title, the sub-sections and the topic headings;
every paragraph's text stays exactly what the redline readers compare.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from sectool.model import DocId
from sectool.render.docx import paragraph_texts
from sectool.tree import Tree
from tests.conftest import edit, run_cli
from tests.test_publish import REQUIRE

TOPICS = (
    "## M5 Notices\n\n### Service of notices\n\n#### By electronic means\n\n"
    "##### Addresses\n\n###### Updating an address\n\n"
)


@pytest.fixture
def exported(sample_tree: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Section M of the working tree, with topic headings of every level, exported as .docx."""
    edit(sample_tree, "sections/M.md", "## M5 Notices\n\n", TOPICS)
    out = tmp_path / "M.docx"
    result = run_cli("export", "working", "Section M", "-o", str(out), cwd=sample_tree)
    assert result.exit_code == 0, result.stderr
    return sample_tree, out


def test_headings_use_word_heading_styles_level_for_level(exported):
    _, path = exported
    document = docx.Document(str(path))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [(s, t) for s, t in styled if s.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Section M: General")
    assert ("Heading 2", "M6 Party Details") in headings
    notices = headings.index(("Heading 2", "M5 Notices"))
    assert headings[notices + 1 : notices + 6] == [
        ("Heading 3", "Service of notices"),
        ("Heading 4", "By electronic means"),
        ("Heading 5", "Addresses"),
        ("Heading 6", "Updating an address"),
        ("Heading 2", "M6 Party Details"),
    ]
    assert all(s == "Heading 2" for s, t in headings[1:] if t[:1] == "M" and t[1:2].isdigit())
    assert not [s for s, _ in styled if s == "Title"]  # a single document has no front page


def test_heading_styles_are_word_built_ins_with_outline_levels(exported):
    _, path = exported
    styles = docx.Document(str(path)).styles
    for level in range(1, 7):
        style = styles[f"Heading {level}"]
        assert style.builtin
        outline = style.element.xpath("w:pPr/w:outlineLvl/@w:val")
        assert outline == [str(level - 1)]


def test_paragraph_texts_are_unchanged(exported):
    root, path = exported
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    want = paragraph_texts(Tree(root).snapshot("working").document(DocId.parse("Section M")))
    assert texts[: len(want)] == want
    assert texts[len(want)] == "End of Section M"


@pytest.mark.skipif(not shutil.which("pandoc") and not REQUIRE, reason="pandoc is not installed")
def test_pandoc_reads_the_headings_as_markdown_headings(exported):
    root, path = exported
    markdown = subprocess.run(
        ["pandoc", str(path), "-t", "gfm", "--wrap=none"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    source = (root / "sections/M.md").read_text(encoding="utf-8")
    assert headings == [line for line in source.splitlines() if line.startswith("#")]


def test_whole_code_export_keeps_documents_under_its_title(sample_tree, tmp_path):
    out = tmp_path / "sec.docx"
    assert run_cli("export", "working", "-o", str(out), cwd=sample_tree).exit_code == 0
    paragraphs = docx.Document(io.BytesIO(out.read_bytes())).paragraphs
    assert [p.style.name for p in paragraphs[:1]] == ["Title"]
    titles = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert titles[:2] == ["Contents", "Document Log"] and "" not in titles
    assert (
        "Section M: General" in titles
        and "Appendix AC: Inventory Enrolment and Withdrawal Procedures" in titles
    )


def test_libreoffice_navigator_sees_the_headings(exported):
    from tests.test_libreoffice import _has_uno, libreoffice

    if not _has_uno() and not REQUIRE:
        pytest.skip("LibreOffice's UNO bridge (python3-uno) is not installed; CI installs it")
    root, path = exported
    levels = libreoffice("outline", [path])[str(path)]
    source = (root / "sections/M.md").read_text(encoding="utf-8")
    want = [
        [len(mark), text]
        for mark, _, text in (line.partition(" ") for line in source.splitlines())
        if mark and set(mark) == {"#"}
    ]
    assert [[level, text] for level, text in levels if level] == want
