"""The word diff is exact on both diff-match-patch engines (the C++ port and the pure one)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectool import diff as diff_module
from sectool.diff import DELETE, EQUAL, INSERT, diff_sequences, word_diff

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)


@pytest.fixture(params=["fast", "pure"])
def engine(request, monkeypatch):
    if request.param == "pure":
        monkeypatch.setenv("SECTOOL_PURE_DMP", "1")
    elif diff_module._fast() is None:
        pytest.skip("fast-diff-match-patch is not installed")
    return request.param


@given(old=text, new=text)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_word_diff_rebuilds_both_texts(engine, old, new):
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op in (EQUAL, DELETE)) == old
    assert "".join(s.text for s in segments if s.op in (EQUAL, INSERT)) == new


@given(
    st.lists(st.sampled_from(["a", "b", "c", "é", "\U0001f600"]), max_size=30),
    st.lists(st.sampled_from(["a", "b", "c", "é", "\U0001f600"]), max_size=30),
)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_item_diff_accounts_for_every_item(engine, old, new):
    ops = diff_sequences(old, new)
    assert sum(n for op, n in ops if op != INSERT) == len(old)
    assert sum(n for op, n in ops if op != DELETE) == len(new)


def test_words_not_characters():
    segments = word_diff("falls 12 months after", "falls up to 13 months after")
    changed = [(s.op, s.text) for s in segments if s.op != EQUAL]
    assert changed == [(DELETE, "12"), (INSERT, "up to 13")]


# The partial parse (only the sub-sections around differences) must compare exactly as the
# full parse does, for every changed clause.

from sectool.diff import compare_documents  # noqa: E402
from sectool.document import parse_document  # noqa: E402
from sectool.model import DocId  # noqa: E402
from sectool.redline import _parse_changed  # noqa: E402
from tests.test_redline_properties import document_pairs  # noqa: E402


def _changes(diff):
    return [
        (c.op, c.clause, c.label, c.old_text, c.new_text, [(s.op, s.text) for s in c.segments])
        for c in diff.changes
    ]


def _both(old: str | None, new: str | None, doc_id: DocId):
    full = compare_documents(
        parse_document(old, doc_id) if old is not None else None,
        parse_document(new, doc_id) if new is not None else None,
    )
    old_doc, new_doc, ops = _parse_changed(doc_id, old, new)
    return _changes(full), _changes(compare_documents(old_doc, new_doc, ops))


@given(document_pairs())
@settings(max_examples=300, deadline=None)
def test_partial_parse_compares_like_the_full_parse(pair):
    full, partial = _both(*pair, DocId.parse("Appendix AC"))
    assert partial == full


SECTION = """# Section M: General

## M1 First

M1.1 Intro text:
(a) one;
(b) two:
(i) deep;
(ii) deeper.

Some unnumbered text under M1.1.

### A topic heading

M1.2 After the topic.

## L9 Not a sub-section of M (a topic heading)

Text after it.

M1.3 Still under M1.

## M2 Second\r
\r
M2.1 Carriage returns.\r
\r
(a) sub;\r
"""


@pytest.mark.parametrize(
    "old,new",
    [
        ("deep;", "deeper still;"),
        ("Some unnumbered text", "Other unnumbered text"),
        ("Text after it.", "Text after it, changed."),
        ("M1.2 After the topic.", "M1.2 After the topic, changed."),
        ("(a) sub;", "(a) sub, changed;"),
        ("## M2 Second", "## M2 Renamed"),
    ],
)
def test_partial_parse_on_section_structure(old, new):
    assert SECTION.count(old) == 1
    full, partial = _both(SECTION, SECTION.replace(old, new), DocId.parse("Section M"))
    assert partial == full and full
