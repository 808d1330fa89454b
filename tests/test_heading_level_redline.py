"""A heading whose level changed is a paragraph-style revision, not its words replaced.

In Word the level is the paragraph's style (Heading 1-6, or a body style for a block that is no
heading): a redline records the change as Word does, a ``w:pPrChange`` holding the old style,
attributed to the change set that made it, with the words untouched. Text, JSON, md and HTML
name the change ("heading level 3 -> 4") instead of striking out ``#`` marks. Accept-all gives
the new Markdown and reject-all the old in our own reader, and LibreOffice lists the change and
restores the old level on Reject All; pandoc reads the words (it keeps the new style either way).
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectool.diff import DELETE, EQUAL, INSERT, word_diff
from sectool.model import DocId
from sectool.render.common import strip_marks
from sectool.word.convert import read_views
from sectool.word.markdown import to_markdown
from sectool.word.package import open_package
from tests.chain import Chain
from tests.test_redline_properties import REQUIRE, needs_pandoc

DOC = DocId.parse("Appendix ZZ")
HEAD = "# Appendix ZZ: Test Appendix\n\n## 1 General\n\n"
OLD = (
    HEAD + "### Topic one\n\n1.1 Each Party shall comply.\n\n#### Sub topic\n\n1.2 Text two.\n\n"
    "Plain words here\n\n1.3 Three.\n\n### Heading four old\n\n1.4 Four.\n"
)
NEW = (
    HEAD + "#### Topic one\n\n1.1 Each Party shall comply.\n\nSub topic\n\n1.2 Text two.\n\n"
    "##### Plain words here\n\n1.3 Three.\n\n## Heading four new\n\n1.4 Four.\n"
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def levels(versions: Chain) -> Chain:
    """SEC 1.0 is OLD; X2 makes SEC 2.0, NEW: a topic heading one level down, a heading become
    body text, body text become a heading, and a heading moved up a level with a word changed."""
    versions.add(OLD, whole=True)
    versions.add(NEW, whole=True)
    return versions


def _docx(chain: Chain, tmp_path: Path, old: str = "1.0", new: str = "2.0") -> Path:
    out = tmp_path / f"r-{old}-{new}.docx"
    result = chain.sec("diff", old, new, "Appendix ZZ", "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def _paragraphs(path: Path) -> dict[str, str]:
    """The XML of each paragraph of the body, by its text (accepted)."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    out = {}
    for p in re.findall(r"<w:p>.*?</w:p>", xml):
        text = "".join(re.findall(r"<w:t[^>]*>([^<]*)<", p))
        out[text] = p
    return out


def _restyle(paragraph: str) -> tuple[str, str, str, str]:
    """(new style, old style, author, date) of a paragraph with one paragraph-style revision."""
    m = re.fullmatch(
        r'<w:p><w:pPr><w:pStyle w:val="(\w+)"/>'
        r'<w:pPrChange w:id="\d+" w:author="(\w+)" w:date="([0-9TZ:-]+)">'
        r'<w:pPr><w:pStyle w:val="(\w+)"/></w:pPr></w:pPrChange></w:pPr>.*',
        paragraph,
    )
    assert m, paragraph
    return m.group(1), m.group(4), m.group(2), m.group(3)


def test_a_level_change_is_a_paragraph_style_revision_with_the_words_untouched(levels, tmp_path):
    paragraphs = _paragraphs(_docx(levels, tmp_path))
    when = "2012-01-01T00:00:00Z"
    assert _restyle(paragraphs["Topic one"]) == ("Heading4", "Heading3", "X2", when)
    assert _restyle(paragraphs["Sub topic"]) == ("SECText", "Heading4", "X2", when)
    assert _restyle(paragraphs["Plain words here"]) == ("Heading5", "SECText", "X2", when)
    for text in ("Topic one", "Sub topic", "Plain words here"):
        assert "<w:ins" not in paragraphs[text] and "<w:del" not in paragraphs[text]
    assert "1 General" in paragraphs and "pPrChange" not in paragraphs["1 General"]


def test_words_changed_with_the_level_are_word_revisions_beside_the_style_revision(
    levels, tmp_path
):
    paragraph = _paragraphs(_docx(levels, tmp_path))["Heading four new"]
    assert _restyle(paragraph)[:2] == ("Heading2", "Heading3")
    assert re.findall(r"<w:delText[^>]*>([^<]*)<", paragraph) == ["old"]
    assert re.findall(r"<w:ins\b[^>]*><w:r><w:t[^>]*>([^<]*)<", paragraph) == ["new"]
    assert "#" not in paragraph


def test_revision_ids_stay_unique_with_style_revisions(levels, tmp_path):
    xml = zipfile.ZipFile(_docx(levels, tmp_path)).read("word/document.xml").decode()
    ids = re.findall(r'<w:(?:ins|del|pPrChange|moveFrom|moveTo)\b[^>]* w:id="(\d+)"', xml)
    assert len(ids) == 6 and len(set(ids)) == len(ids)


def test_the_level_change_carries_the_change_set_that_set_the_level_across_versions(
    versions, tmp_path
):
    old = "### Heading four old"
    versions.add(OLD, whole=True)
    versions.add(OLD.replace(old, "### Heading four new"), whole=True)  # X2: the words
    versions.add(OLD.replace(old, "#### Heading four new"), whole=True)  # X3: a level down
    versions.add(OLD.replace(old, "##### Heading four new"), whole=True)  # X4: and another
    paragraph = _paragraphs(_docx(versions, tmp_path, "1.0", "4.0"))["Heading four new"]
    assert _restyle(paragraph) == ("Heading5", "Heading3", "X4", "2014-01-01T00:00:00Z")
    assert re.findall(r'<w:(?:ins|del) w:id="\d+" w:author="(\w+)"', paragraph) == ["X2", "X2"]


def test_our_reader_accepts_the_new_markdown_and_rejects_to_the_old(levels, tmp_path):
    views = read_views(open_package(_docx(levels, tmp_path)), ("accept", "reject"))
    assert to_markdown(views["accept"], DOC).text == NEW
    assert to_markdown(views["reject"], DOC).text == OLD


def test_recording_the_redline_gives_the_change_set_it_shows(levels, tmp_path):
    redline = _docx(levels, tmp_path)
    assert levels.sec("mod", "new", "X9", "--title", "t", "--base", "1.0").exit_code == 0
    result = levels.sec("mod", "record", "X9", "--from-docx", str(redline), "--as", "Appendix ZZ")
    assert result.exit_code == 0, result.stderr
    assert "X2, 2012-01-01T00:00:00Z: 1 del, 4 format, 1 ins" in result.stdout
    patches = levels.root / "modifications"
    assert (patches / "X9/appendices/ZZ.md.diff").read_text() == (
        patches / "X2/appendices/ZZ.md.diff"
    ).read_text()


def test_importing_the_redline_counts_the_style_revisions_and_takes_either_view(levels, tmp_path):
    redline = _docx(levels, tmp_path)
    result = levels.sec("import", str(redline), "--as", "Appendix ZZ")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error[tracked-changes]: {redline.name} has tracked changes (6 revisions)"
    )
    result = levels.sec("import", str(redline), "--as", "Appendix ZZ", "--reject-changes")
    assert result.exit_code == 0, result.stderr
    assert (levels.root / "appendices/ZZ.md").read_text(encoding="utf-8") == OLD


def test_text_redline_names_the_level_change(levels):
    out = levels.sec("diff", "1.0", "2.0", "Appendix ZZ").stdout
    assert out.splitlines()[3:] == [
        "  1 (Topic one) changed  [X2]",
        "    heading level 3 -> 4; the words are unchanged",
        "  1.1 changed  [X2]",
        "    heading level 4 -> body text; the words are unchanged",
        "  1.2 (Plain words here) changed  [X2]",
        "    body text -> heading level 5; the words are unchanged",
        "  1.3 (Heading four new) changed  [X2]",
        "    heading level 3 -> 2",
        "    Heading four [-old-]{+new+}",
    ]


def test_json_redline_has_the_level_beside_the_words(levels):
    data = json.loads(levels.sec("diff", "1.0", "2.0", "--format", "json").stdout)
    clauses = data["documents"][0]["clauses"]
    assert [c["heading_level"] for c in clauses] == [
        {"from": 3, "to": 4},
        {"from": 4, "to": 0},
        {"from": 0, "to": 5},
        {"from": 3, "to": 2},
    ]
    assert [c["layout_only"] for c in clauses] == ["heading level"] * 3 + [None]
    assert clauses[0]["segments"] == [{"op": "equal", "text": "Topic one"}]
    assert clauses[3]["segments"] == [
        {"op": "equal", "text": "Heading four "},
        {"op": "delete", "text": "old", "by": "X2", "date": "2012-01-01"},
        {"op": "insert", "text": "new", "by": "X2", "date": "2012-01-01"},
    ]
    assert clauses[0]["old"] == "### Topic one" and clauses[0]["new"] == "#### Topic one"


def test_the_change_sets_own_json_has_the_level_too(levels):
    data = json.loads(levels.sec("mod", "show", "X2", "--format", "json").stdout)
    [document] = data["redline"]
    assert document["clauses"][0]["heading_level"] == {"from": 3, "to": 4}
    assert document["clauses"][0]["segments"] == [{"op": "equal", "text": "Topic one"}]


def test_json_of_a_clause_whose_level_is_the_same_says_so(versions):
    versions("1.1 The Panel shall meet.", "1.1 The Panel shall meet monthly.")
    data = json.loads(versions.sec("diff", "1.0", "2.0", "--format", "json").stdout)
    assert [c["heading_level"] for c in data["documents"][0]["clauses"]] == [None]


def test_md_redline_writes_the_new_level_and_names_the_change(levels):
    out = levels.sec("diff", "1.0", "2.0", "--format", "md").stdout
    lines = [line for line in out.splitlines() if "heading level" in line]
    assert lines == [
        "#### Topic one{>>heading level 3 -> 4; X2, effective 2012-01-01<<}",
        "Sub topic{>>heading level 4 -> body text; X2, effective 2012-01-01<<}",
        "##### Plain words here{>>body text -> heading level 5; X2, effective 2012-01-01<<}",
        "## Heading four {--old--}{++new++}{>>heading level 3 -> 2; X2, effective 2012-01-01<<}",
    ]


def test_html_redline_names_the_level_change_and_strikes_no_marks(levels):
    out = levels.sec("diff", "1.0", "2.0", "--format", "html").stdout
    assert re.search(
        r'<p class="topic changed" id="[\w-]+">Topic one <span class="meta level" '
        r'title="X2, effective 2012-01-01">\[heading level 3 -&gt; 4\]</span></p>',
        out,
    )
    assert "<td>changed (body text -&gt; heading level 5)</td>" in out
    assert not re.search(r"<(ins|del)[^>]*>[^<]*#", out)


@given(
    st.sampled_from(["", "## ", "### ", "####\t", "#  "]),
    st.sampled_from(["", "## ", "### ", "##### ", "# "]),
    st.text(alphabet="#ab ", max_size=8),
    st.text(alphabet="#ab ", max_size=8),
)
def test_stripping_the_marks_leaves_exactly_the_shown_texts(old_mark, new_mark, old, new):
    segments = strip_marks(word_diff(old_mark + old, new_mark + new), len(old_mark), len(new_mark))
    assert "".join(s.text for s in segments if s.op in (EQUAL, INSERT)) == new
    assert "".join(s.text for s in segments if s.op in (EQUAL, DELETE)) == old


@needs_pandoc
def test_pandoc_reads_the_words_both_ways_and_the_new_levels(levels, tmp_path):
    path = _docx(levels, tmp_path)

    def pandoc(mode: str, to: str) -> list[str]:
        out = subprocess.run(
            ["pandoc", f"--track-changes={mode}", str(path), "-t", to, "--wrap=none"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        body = out.split("End of Appendix ZZ")[0]  # after the title, which the cover names too
        return body.rsplit("Appendix ZZ: Test Appendix", 1)[1].split()

    def words(text: str) -> list[str]:
        return text.split("# Appendix ZZ: Test Appendix", 1)[1].replace("#", "").split()

    assert pandoc("accept", "plain") == words(NEW)
    assert pandoc("reject", "plain") == words(OLD)
    # pandoc keeps a paragraph's new style on reject too: only the accepted levels are its own
    assert pandoc("accept", "gfm") == NEW.split("# Appendix ZZ: Test Appendix", 1)[1].split()


def _outline(markdown: str) -> list[list]:
    """[outline level, text] of each block, as LibreOffice's Navigator sees the paragraphs
    (a heading's level, 0 for body text)."""
    blocks = markdown.strip().split("\n\n")
    return [[len(b) - len(b.lstrip("#")), b.lstrip("#").strip()] for b in blocks if b.strip()]


def _needs_libreoffice() -> None:
    from tests.test_libreoffice import _has_uno

    if not _has_uno() and not REQUIRE:
        pytest.skip("LibreOffice's UNO bridge (python3-uno) is not installed; CI installs it")


def test_libreoffice_lists_the_style_revisions_and_restores_the_old_levels(levels, tmp_path):
    from tests.test_libreoffice import libreoffice

    _needs_libreoffice()
    path = _docx(levels, tmp_path)
    listed = sorted(libreoffice("redlines", [path])[str(path)])
    words = [["Delete", "X2", "2012-01-01"], ["Insert", "X2", "2012-01-01"]]
    assert listed == words + [["ParagraphFormat", "X2", "2012-01-01"]] * 4

    def outline(mode: str) -> list[list]:
        shown = libreoffice(mode, [path])[str(path)]
        start = shown.index([1, "Appendix ZZ: Test Appendix"])
        return shown[start : shown.index([0, "End of Appendix ZZ"])]

    assert outline("accept-outline") == _outline(NEW)
    assert outline("reject-outline") == _outline(OLD)


# -- random documents: levels changed, headings become body text and back, words changed -------

VOCAB = st.sampled_from("Party Panel shall notify the Authority within Working Days".split())
PHRASES = st.lists(VOCAB, min_size=1, max_size=5).map(" ".join)
ITEMS = st.tuples(st.sampled_from(["topic", "topic", "para", "text"]), st.integers(2, 6), PHRASES)


def _appendix(items: list[tuple[str, int, str]]) -> str:
    """A valid Appendix AC holding ``items``: topic headings at their level, numbered clauses,
    unnumbered text."""
    out, n = ["# Appendix AC: Levels", "## 1 Procedures"], 0
    for kind, level, words in items:
        if kind == "topic":
            out.append("#" * level + " " + words)
        elif kind == "para":
            n += 1
            out.append(f"1.{n} {words}")
        else:
            out.append(words)
    return "\n\n".join(out) + "\n"


@st.composite
def releveled(draw) -> tuple[str, str]:
    old = draw(st.lists(ITEMS, min_size=1, max_size=10))
    new = list(old)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(new) - 1))
        kind, level, words = new[at]
        edit = draw(st.sampled_from(["level", "level", "kind", "words", "insert", "delete"]))
        if edit == "level" and kind == "topic":
            new[at] = (kind, draw(st.integers(2, 6)), words)
        elif edit == "kind" and kind != "para":
            new[at] = ("text" if kind == "topic" else "topic", level, words)
        elif edit == "words":
            new[at] = (kind, level, draw(PHRASES))
        elif edit == "insert":
            new.insert(at, draw(ITEMS))
        elif edit == "delete" and len(new) > 1:
            new.pop(at)
    return _appendix(old), _appendix(new)


@given(releveled())
@settings(max_examples=60, deadline=None)
def test_random_level_changes_accept_to_the_new_markdown_and_reject_to_the_old(
    tmp_path_factory, pair
):
    from tests.test_redline_properties import redline_bytes

    old, new = pair
    path = tmp_path_factory.mktemp("levels") / "r.docx"
    path.write_bytes(redline_bytes(old, new)[0])
    views = read_views(open_package(path), ("accept", "reject"))
    doc = DocId.parse("Appendix AC")
    assert to_markdown(views["accept"], doc).text == new
    assert to_markdown(views["reject"], doc).text == old


@given(st.lists(releveled(), min_size=6, max_size=6))
@settings(max_examples=1, deadline=None, derandomize=True)
def test_libreoffice_accepts_and_rejects_random_level_changes(tmp_path_factory, pairs):
    from tests.test_libreoffice import libreoffice
    from tests.test_redline_properties import redline_bytes

    _needs_libreoffice()
    folder = tmp_path_factory.mktemp("lo-levels")
    paths = []
    for n, (old, new) in enumerate(pairs):
        paths.append(folder / f"r{n}.docx")
        paths[-1].write_bytes(redline_bytes(old, new)[0])
    for mode, side in (("accept-outline", 1), ("reject-outline", 0)):
        shown = libreoffice(mode, paths)
        for path, pair in zip(paths, pairs, strict=True):
            body = shown[str(path)]
            start = body.index([1, "Appendix AC: Levels"])
            assert body[start : body.index([0, "End of Appendix AC"])] == _outline(pair[side])
