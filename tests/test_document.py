import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectool.document import parse_document
from sectool.errors import MalformedDocument
from sectool.model import DocId
from sectool.seed import sample_documents

SAMPLE = {p: t for p, t in sample_documents().items() if DocId.from_path(p)}


def test_sample_has_the_documents_the_issue_names():
    assert {
        "sections/A.md",
        "sections/D.md",
        "sections/F.md",
        "sections/G.md",
        "sections/M.md",
        "appendices/B.md",
        "appendices/S.md",
        "appendices/AC.md",
        "appendices/AD.md",
    } <= set(SAMPLE)


@pytest.mark.parametrize("path", sorted(SAMPLE))
def test_every_sample_document_round_trips(path):
    text = SAMPLE[path]
    document = parse_document(text, DocId.from_path(path))
    assert str(document) == text
    assert document.clauses(), "every sample document has clauses"


def doc(text: str, ref: str = "Section M"):
    return parse_document(text, DocId.parse(ref))


def test_clause_tree_of_a_section():
    d = doc(
        "# Section M: General\n\n## M6 Party Details\n\nM6.1 Intro:\n\n(a) one;\n\n(b) two:\n\n"
        "(i) x; and\n\n(ii) y;\n\n(c) three.\n\nM6.2 Keep up to date.\n\n## M6A Inserted\n\n"
        "M6A.1 New.\n"
    )
    assert d.clauses() == [
        "M6",
        "M6.1",
        "M6.1(a)",
        "M6.1(b)",
        "M6.1(b)(i)",
        "M6.1(b)(ii)",
        "M6.1(c)",
        "M6.2",
        "M6A",
        "M6A.1",
    ]
    assert d.clause_text("M6.1(b)") == "(b) two:\n\n(i) x; and\n\n(ii) y;\n"
    assert d.heading_of("M6") == "Party Details"


def test_letter_i_after_h_is_a_letter_not_a_numeral():
    body = "".join(f"\n({c}) item;\n" for c in "abcdefghij")
    d = doc("# Section M: General\n\n## M1 X\n\nM1.1 List:\n" + body)
    assert "M1.1(i)" in d.clauses() and "M1.1(j)" in d.clauses()
    assert "M1.1(h)(i)" not in d.clauses()


def test_appendix_bare_numbering_nests_by_dots():
    d = doc(
        "# Appendix B: Policy\n\n## 4 Life-Cycle\n\n4.3 ARL.\n\n4.3.1 More.\n\n(a) sub.\n\n"
        "4.4 Next.\n",
        "Appendix B",
    )
    assert d.clauses() == ["4", "4.3", "4.3.1", "4.3.1(a)", "4.4"]
    assert d.clause_text("4.3") == "4.3 ARL.\n\n4.3.1 More.\n\n(a) sub.\n"


def test_hard_wrapped_markdown_keeps_paragraphs_together():
    text = (
        "# Section M: General\n\n## M1 Commencement\n\nM1.1 This Code has effect\nfrom the "
        "date\non which it was designated.\n\n(a) a wrapped\n    sub-paragraph;\n\n(b) and more.\n"
    )
    d = doc(text)
    assert str(d) == text
    assert d.clause_text("M1.1(a)") == "(a) a wrapped\n    sub-paragraph;\n"


def test_crlf_and_trailing_spaces_survive():
    text = "# Section M: General\r\n\r\n## M1 X\r\n\r\nM1.1 Text.  \r\n"
    assert str(doc(text)) == text


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("", 1, "empty"),
        ("Section M: General\n", 1, "title"),
        ("# Appendix B: Wrong\n", 1, "names Appendix B"),
        ("# Section M: G\n\n## M1 A\n\nM1.1 a\n\nM1.1 b\n", 7, "duplicate clause M1.1"),
        ("# Section M: G\n\n## M1 A\n\nM1.2 a\n\nM1.1 b\n", 7, "out of order"),
        ("# Section M: G\n\n## M2 A\n\n## M1 B\n", 5, "out of order"),
        ("# Section M: G\n\n## M1 A\n\nM2.1 a\n", 5, "not under its heading"),
        ("# Section M: G\n\n## M1 A\n\nM1.1 a\n\n(a) x\n\n(c) y\n", 9, "out of order"),
        ("# Section M: G\n\n## M1 A\n\n(a) x\n", 5, "no numbered paragraph"),
    ],
)
def test_malformed_documents_name_the_line(text, line, fragment):
    with pytest.raises(MalformedDocument) as info:
        doc(text)
    assert info.value.line == line
    assert fragment in info.value.message
    assert info.value.hint


text_lines = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(st.lists(text_lines, max_size=12))
def test_any_body_text_round_trips(lines):
    text = "# Appendix AC: Procedures\n" + "\n".join(lines)
    try:
        d = parse_document(text, DocId.parse("Appendix AC"))
    except MalformedDocument:
        return  # random numbering may be out of order; that is reported, not mangled
    assert str(d) == text
