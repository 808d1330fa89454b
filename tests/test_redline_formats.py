"""Every output format shows exactly the change, in its own markup, and nothing invisible."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sectool.render.markdown import escape
from tests.chain import HEAD

_DELIMITERS = re.compile(r"\{\+\+|\+\+\}|\{--|--\}|\{~~|~~\}|~>|\{>>|<<\}|\{==|==\}")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before punctuation


@given(st.text(alphabet="{}+-~<>=\\ a.", max_size=40))
def test_markdown_escape_leaves_no_delimiter_and_renders_the_same_characters(text):
    escaped = escape(text)
    assert not _DELIMITERS.search(escaped)
    assert _UNESCAPE.sub(r"\1", escaped) == text


def test_literal_criticmarkup_in_a_clause_is_escaped_in_the_md_redline(versions):
    versions("1.1 The marker {++y++} is literal text.", "1.1 The marker {++z++} is literal text.")
    out = versions.sec("diff", "1.0", "2.0", "--format", "md").stdout
    line = next(line for line in out.splitlines() if line.startswith("1.1"))
    assert line.startswith(r"1.1 The marker {\++{--y--}{++z++}++\} is literal text.")


def _document_xml(path) -> str:
    import zipfile

    return zipfile.ZipFile(path).read("word/document.xml").decode()


_REVISION = re.compile(r"<w:(?:ins|del|moveFrom|moveTo)\b")
WRAPPED = (
    "1.1 The Party shall pay the Charges\nwithin five Working Days.\n\n1.2 Each Party shall comply."
)


def test_a_line_ending_only_change_has_no_word_revision_and_is_named(versions, tmp_path):
    versions(WRAPPED)
    versions.add(
        (HEAD + WRAPPED + "\n").replace("\n", "\r\n"),
        whole=True,
    )
    out = tmp_path / "r.docx"
    assert (
        versions.sec(
            "diff", "1.0", "2.0", "Appendix ZZ", "--format", "docx", "-o", str(out)
        ).exit_code
        == 0
    )
    assert not _REVISION.search(_document_xml(out))
    text = versions.sec("diff", "1.0", "2.0", "Appendix ZZ").stdout
    assert "line endings only; the words are unchanged" in text
    import json

    clauses = json.loads(versions.sec("diff", "1.0", "2.0", "--format", "json").stdout)
    assert {c["layout_only"] for c in clauses["documents"][0]["clauses"]} == {"line endings"}


def test_a_heading_marker_only_change_has_no_word_revision(versions, tmp_path):
    versions("1.1 Each Party shall comply.")
    versions.add(
        HEAD.replace("## ", "##   ") + "1.1 Each Party shall comply.\n",
        whole=True,
    )
    out = tmp_path / "r.docx"
    assert (
        versions.sec(
            "diff", "1.0", "2.0", "Appendix ZZ", "--format", "docx", "-o", str(out)
        ).exit_code
        == 0
    )
    assert not _REVISION.search(_document_xml(out))
    assert "heading marker only" in versions.sec("diff", "1.0", "2.0", "Appendix ZZ").stdout


def test_a_word_change_beside_a_line_ending_change_shows_only_the_word(versions, tmp_path):
    versions(WRAPPED)
    versions.add(WRAPPED.replace("\n", "\r\n").replace("five", "ten"))
    out = tmp_path / "r.docx"
    assert (
        versions.sec(
            "diff", "1.0", "2.0", "Appendix ZZ", "--format", "docx", "-o", str(out)
        ).exit_code
        == 0
    )
    xml = _document_xml(out)
    assert re.findall(r"<w:delText[^>]*>([^<]*)<", xml) == ["five"]
    assert re.findall(r"<w:ins\b[^>]*><w:r><w:t[^>]*>([^<]*)<", xml) == ["ten"]


def test_every_text_with_spaces_to_keep_is_preserved_the_cover_included(versions, tmp_path):
    versions("1.1 Each  Party shall comply.")
    versions("1.1 Each  Party shall comply  fully. ")
    out = tmp_path / "r.docx"
    assert (
        versions.sec(
            "diff", "1.0", "2.0", "Appendix ZZ", "--format", "docx", "-o", str(out)
        ).exit_code
        == 0
    )
    xml = _document_xml(out)
    texts = re.findall(r"<w:(?:t|delText)( [^>]*)?>([^<]*)<", xml)
    spaced = [(attrs, t) for attrs, t in texts if t != t.strip() or "  " in t]
    assert spaced, "the test needs texts with spaces to keep"
    assert all('xml:space="preserve"' in attrs for attrs, _ in spaced), spaced


def test_the_md_redline_dates_each_change_set_by_its_own_effective_date(versions):
    versions(
        "1.1 The Panel shall meet monthly.",
        "1.1 The Panel shall meet monthly in London.",
        "1.1 The Panel shall meet quarterly in London.",
    )
    out = versions.sec("diff", "1.0", "3.0", "--format", "md").stdout
    assert "{>>X2, effective 2012-01-01; X3, effective 2013-01-01<<}" in out
