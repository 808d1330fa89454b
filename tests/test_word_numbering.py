"""Word list numbering: each rule of sectool.word.numbering on a synthetic document, and the
shared public fixtures with their expected labels and texts (skipped without ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sectool.word.numbering import letters, roman
from sectool.word.package import open_package
from sectool.word.views import read_view
from tests.word_docs import abstract, docx, lvl, num, p, style

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = SHARED / "fixtures" / "docx"
needs_shared = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared is not beside the repo")

THREE_LEVELS = (lvl(0, "%1."), lvl(1, "%1.%2"), lvl(2, "(%3)", "lowerLetter"))


def labels(tmp_path: Path, body: str, numbering: str = "", styles: str = "", mode="accept"):
    path = tmp_path / "t.docx"
    path.write_bytes(docx(body, numbering, styles))
    return [x.label for x in read_view(open_package(path), mode).paragraphs()]


def test_letters_and_romans_print_as_word_does():
    assert [letters(n) for n in (1, 26, 27, 28, 52, 53)] == ["a", "z", "aa", "bb", "zz", "aaa"]
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1999)] == ["i", "iv", "ix", "xiv", "xl", "mcmxcix"]


def test_rule1_numbering_comes_from_the_style_chain_field_by_field(tmp_path):
    numbering = abstract(0, *THREE_LEVELS) + num(1, 0)
    styles = (
        style("Base", '<w:numPr><w:numId w:val="1"/></w:numPr>')
        + style("Clause", '<w:numPr><w:ilvl w:val="1"/></w:numPr>', based_on="Base")
        + style("Plain", '<w:numPr><w:numId w:val="0"/></w:numPr>', based_on="Base")
    )
    body = (
        p("a", "Base")  # numId from the style, no ilvl anywhere: level 0
        + p("b", "Clause")  # numId from basedOn, ilvl from the style itself
        + p("c", "Clause", num=(None, 2))  # own ilvl, numId still from the chain
        + p("d", "Plain")  # numId 0: not numbered
        + p("e", num=("0", "0"))
    )
    assert labels(tmp_path, body, numbering, styles) == ["1.", "1.1", "(a)", "", ""]


def test_rule1_without_ilvl_the_level_bound_to_the_style_is_used(tmp_path):
    levels = (
        lvl(0, "%1.", extra='<w:pStyle w:val="H1"/>'),
        lvl(1, "%1.%2", extra='<w:pStyle w:val="H2"/>'),
    )
    numbering = abstract(0, *levels) + num(1, 0)
    styles = style("H1") + style("H2")
    body = p("x", "H1", num=("1", None)) + p("y", "H2", num=("1", None))
    assert labels(tmp_path, body, numbering, styles) == ["1.", "1.1"]


def test_rule2_overrides_and_numbering_style_links(tmp_path):
    numbering = (
        abstract(0, lvl(0, "%1)"), extra='<w:styleLink w:val="Legal"/>')
        + abstract(1, extra='<w:numStyleLink w:val="Legal"/>')
        + num(1, 0)
        + num(2, 1)  # through the link: continues abstract 0
        + num(
            3,
            0,
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride>',
        )
        + num(
            4, 0, '<w:lvlOverride w:ilvl="0">' + lvl(0, "[%1]", "upperRoman") + "</w:lvlOverride>"
        )
    )
    styles = style("Legal", '<w:numPr><w:numId w:val="1"/></w:numPr>')
    body = (
        p("a", num=("1", "0"))
        + p("b", num=("2", "0"))
        + p("c", num=("3", "0"))  # restarts at 7 on first use
        + p("d", num=("3", "0"))
        + p("e", num=("4", "0"))  # a replaced level, same counters
    )
    assert labels(tmp_path, body, numbering, styles) == ["1)", "2)", "7)", "8)", "[IX]"]


def test_rule3_counters_belong_to_the_abstract_list(tmp_path):
    numbering = abstract(0, lvl(0, "%1.")) + num(1, 0) + num(2, 0)
    body = p("a", num=("1", "0")) + p("b", num=("2", "0")) + p("c", num=("1", "0"))
    assert labels(tmp_path, body, numbering) == ["1.", "2.", "3."]


def test_rule4_a_level_resets_deeper_levels_unless_lvlrestart_says_otherwise(tmp_path):
    never = lvl(2, "(%3)", "lowerRoman", extra='<w:lvlRestart w:val="0"/>')
    numbering = abstract(0, *THREE_LEVELS) + num(1, 0) + abstract(1, *THREE_LEVELS[:2], never)
    numbering += num(2, 1)
    body = "".join(
        p(t, num=(n, i))
        for t, n, i in [
            ("a", "1", "0"),
            ("b", "1", "1"),
            ("c", "1", "2"),
            ("d", "1", "1"),
            ("e", "1", "2"),
            ("f", "2", "0"),
            ("g", "2", "2"),
            ("h", "2", "0"),
            ("i", "2", "2"),
        ]
    )
    got = labels(tmp_path, body, numbering)
    assert got == ["1.", "1.1", "(a)", "1.2", "(a)", "1.", "(i)", "2.", "(ii)"]


def test_rule5_a_level_used_before_its_parent_counts_the_parent_from_its_start(tmp_path):
    levels = (lvl(0, "%1.", start=5), lvl(1, "%1.%2.", start=2), lvl(2, "%1.%2.%3."))
    numbering = abstract(0, *levels) + num(1, 0)
    body = p("a", num=("1", "2")) + p("b", num=("1", "2")) + p("c", num=("1", "1"))
    assert labels(tmp_path, body, numbering) == ["5.2.1.", "5.2.2.", "5.3."]


def test_rule6_formats_legal_numbering_and_bullets(tmp_path):
    legal = lvl(1, "%1.%2", "lowerRoman", extra="<w:isLgl/>")
    levels = (lvl(0, "Article %1", "upperLetter"), legal)
    numbering = abstract(0, *levels) + num(1, 0)
    numbering += abstract(1, lvl(0, "\uf0b7", "bullet")) + num(2, 1)
    numbering += abstract(2, lvl(0, "%1", "lowerLetter", start=26)) + num(3, 2)
    body = (
        p("a", num=("1", "0"))
        + p("b", num=("1", "1"))
        + p("c", num=("1", "1"))
        + p("d", num=("2", "0"))
        + p("e", num=("3", "0"))
        + p("f", num=("3", "0"))
    )
    assert labels(tmp_path, body, numbering) == ["Article A", "1.1", "1.2", "•", "z", "aa"]


def test_rule7_numbers_are_counted_separately_in_each_view(tmp_path):
    numbering = abstract(0, lvl(0, "%1.")) + num(1, 0)
    inserted = (
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr>'
        '<w:ins w:id="1" w:author="A" w:date="2017-07-01T00:00:00Z"/></w:rPr></w:pPr>'
        '<w:ins w:id="2" w:author="A" w:date="2017-07-01T00:00:00Z"><w:r><w:t>new</w:t></w:r>'
        "</w:ins></w:p>"
    )
    body = p("a", num=("1", "0")) + inserted + p("b", num=("1", "0"))
    assert labels(tmp_path, body, numbering, mode="accept") == ["1.", "2.", "3."]
    assert labels(tmp_path, body, numbering, mode="reject") == ["1.", "2."]


def _expected(name: str, mode: str) -> list:
    return json.loads((FIXTURES / "expected" / f"{name}.{mode}.json").read_text())["paras"]


FIXTURE_NAMES = sorted(f.stem for f in FIXTURES.glob("*.docx")) if FIXTURES.is_dir() else []
# Paragraphs holding a page break (w:br w:type="page"), by fixture
PAGE_BREAKS = {"RP052-Deleted-Para-Mark": [15]}


@needs_shared
@pytest.mark.parametrize("mode", ["accept", "reject"])
@pytest.mark.parametrize("name", FIXTURE_NAMES or ["none"])
def test_shared_fixture_labels_levels_and_texts(name, mode):
    view = read_view(open_package(FIXTURES / f"{name}.docx"), mode)
    got = [[x.label, x.level, x.text] for x in view.paragraphs()]
    # The shared expectations read every break as a line feed. A page break reads as a form
    # feed (as in Word's own text of a document, where it is character 12): RP052 has one, a
    # paragraph of its own.
    assert [n for n, (_, _, text) in enumerate(got) if "\f" in text] == PAGE_BREAKS.get(name, [])
    got = [[label, level, text.replace("\f", "\n")] for label, level, text in got]
    assert got == _expected(name, mode)
