"""Legal text is sacred: accept-all gives exactly the new text, reject-all exactly the old."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectool.attribution import Author, attribute
from sectool.diff import compare_documents
from sectool.document import parse_document
from sectool.model import DocId
from sectool.render.docx import DocxBuilder, add_block, end_marker, paragraph_texts
from tests.docx_walker import revision_ids, view

DOC = DocId.parse("Appendix AC")
# Words from any script, with tabs and characters XML forbids mixed in.
chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r")
words = st.text(
    alphabet=st.one_of(chars, st.sampled_from("\t\x07\x0c\x00 é中ß")), min_size=0, max_size=40
)
kinds = st.sampled_from(["para", "para", "sub", "text", "move"])


def render(items: list[tuple[str, str]], title: str) -> str:
    """Number the items into a valid appendix (renumbering is part of what gets compared)."""
    out = [f"# Appendix AC: {title}", "## 1 Procedures"]
    n, sub = 0, 0
    for kind, text in items:
        if kind == "sub" and n:
            sub += 1
            out.append(f"({chr(96 + min(sub, 26))}) {text}" if sub <= 26 else f"Text {text}")
        elif kind == "para":
            n, sub = n + 1, 0
            out.append(f"1.{n} {text}")
        elif kind == "move":
            out.append(f"Text that may be moved elsewhere in the document: {text}")
        else:
            out.append(f"Text {text}")
    return "\n\n".join(out) + "\n"


@st.composite
def document_pairs(draw):
    old_items = draw(st.lists(st.tuples(kinds, words), max_size=12))
    new_items = list(old_items)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["reword", "insert", "delete", "move", "first", "last"]))
        at = draw(st.integers(0, max(0, len(new_items))))
        if op == "insert" or not new_items:
            new_items.insert(at, (draw(kinds), draw(words)))
        elif op == "reword":
            kind, _ = new_items[min(at, len(new_items) - 1)]
            new_items[min(at, len(new_items) - 1)] = (kind, draw(words))
        elif op == "delete":
            new_items.pop(min(at, len(new_items) - 1))
        elif op == "move":
            # a long unnumbered paragraph, moved unchanged: compared as a move
            movable = [k for k, (kind, _) in enumerate(new_items) if kind == "move"]
            if movable:
                item = new_items.pop(movable[draw(st.integers(0, len(movable) - 1))])
                new_items.insert(draw(st.integers(0, len(new_items))), item)
        elif op == "first":
            new_items[0] = (new_items[0][0], draw(words))
        else:
            new_items[-1] = (new_items[-1][0], draw(words))
    old_title, new_title = draw(words.map(lambda s: "T" + s)), draw(words.map(lambda s: "T" + s))
    old = (
        draw(st.sampled_from([render(old_items, old_title), None]))
        if not old_items
        else render(old_items, old_title)
    )
    new = None if draw(st.integers(0, 15)) == 0 else render(new_items, new_title)
    return old, new


def redline_bytes(old: str | None, new: str | None) -> tuple[bytes, object, object]:
    old_doc = parse_document(old, DOC) if old is not None else None
    new_doc = parse_document(new, DOC) if new is not None else None
    diff = compare_documents(old_doc, new_doc)
    attribute(diff, Author("SECMP0100", "2017-07-12"))
    builder = DocxBuilder("2017-07-12", "property")
    builder.page_break()
    for item in diff.blocks:
        add_block(builder, item)
    end_marker(builder, "Appendix AC")
    return builder.to_bytes(), old_doc, new_doc


@given(document_pairs())
@settings(max_examples=150, deadline=None)
def test_accept_all_is_new_and_reject_all_is_old(pair):
    old, new = pair
    data, old_doc, new_doc = redline_bytes(old, new)
    assert view(data, accept=True) == paragraph_texts(new_doc)
    assert view(data, accept=False) == paragraph_texts(old_doc)
    ids = revision_ids(data)
    assert len(ids) == len(set(ids)), "every revision id is unique"


def test_the_docx_obeys_the_ooxml_pitfalls():
    old = render([("para", "Keep  two spaces"), ("text", "tab\there"), ("para", "gone")], "A")
    new = render(
        [("para", "Keep  two spaces now"), ("text", "tab\there \x07 bell"), ("sub", "x")], "A"
    )
    data, _, _ = redline_bytes(old, new)
    import io
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for m in re.finditer(r"<w:(t|delText)( [^>]*)?>([^<]*)<", xml):
        assert 'xml:space="preserve"' in (m.group(2) or ""), m.group(0)
        assert "\t" not in m.group(3) and "\n" not in m.group(3)
    assert "<w:tab/>" in xml and "\u2407" in xml  # a tab element, the bell as a picture
    assert re.search(r"<w:ins [^>]*><w:r><w:t", xml) and re.search(
        r"<w:del [^>]*><w:r><w:delText", xml
    )
    # no revision inside another: an insertion's content holds no <w:ins> or <w:del>
    # (the self-closing <w:ins .../> of a paragraph mark has no content)
    for m in re.finditer(r"<w:ins [^>]*(?<!/)>(.*?)</w:ins>", xml, flags=re.S):
        assert "<w:ins " not in m.group(1) and "<w:del " not in m.group(1), m.group(0)
    assert 'w:date="2017-07-12T00:00:00Z"' in xml
    # a paragraph-mark revision comes first in the mark's run properties
    for m in re.finditer(r"<w:pPr>(.*?)</w:pPr>", xml):
        rpr = re.search(r"<w:rPr>(.*?)</w:rPr>", m.group(1))
        if rpr:
            assert re.match(r"<w:(ins|del|moveFrom|moveTo) ", rpr.group(1))


def test_moves_are_generated_and_written_as_moves():
    old = render([("para", "a"), ("move", "one"), ("para", "b"), ("para", "c")], "X")
    new = render([("para", "a"), ("para", "b"), ("para", "c"), ("move", "one")], "X")
    data, old_doc, new_doc = redline_bytes(old, new)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:moveFrom " in xml and "<w:moveTo " in xml
    assert 'w:name="move1"' in xml
    assert view(data, accept=True) == paragraph_texts(new_doc)
    assert view(data, accept=False) == paragraph_texts(old_doc)


def test_same_input_same_bytes():
    old = render([("para", "a b c"), ("text", "d")], "X")
    new = render([("para", "a c"), ("text", "d e")], "X")
    assert redline_bytes(old, new)[0] == redline_bytes(old, new)[0]


# -- independent readers: pandoc (and LibreOffice, in test_publish) ----------------------------

REQUIRE = bool(os.environ.get("SECTOOL_REQUIRE_READERS"))
needs_pandoc = pytest.mark.skipif(
    not shutil.which("pandoc") and not REQUIRE, reason="pandoc is not installed (CI installs it)"
)


def pandoc_text(path: Path, mode: str) -> str:
    """pandoc's plain text of a .docx with every tracked change accepted or rejected."""
    return subprocess.run(
        ["pandoc", f"--track-changes={mode}", str(path), "-t", "plain", "--wrap=none"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pandoc_words(path: Path, mode: str) -> list[str]:
    return pandoc_text(path, mode).split("End of Appendix AC")[0].split()


def expected_words(document) -> list[str]:
    # The title is a Heading 1 (not Word's Title style, which pandoc lifts into metadata).
    return " ".join(paragraph_texts(document)).split() if document else []


@needs_pandoc
@given(document_pairs())
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_pandoc_agrees(tmp_path_factory, pair):
    old, new = pair
    data, old_doc, new_doc = redline_bytes(old, new)
    path = tmp_path_factory.mktemp("pandoc") / "r.docx"
    path.write_bytes(data)
    assert pandoc_words(path, "accept") == expected_words(new_doc)
    assert pandoc_words(path, "reject") == expected_words(old_doc)
