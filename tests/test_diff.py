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


@given(old=text, new=text)
@settings(max_examples=100)
def test_more_distinct_words_than_characters_still_rebuild_both_texts(old, new):
    """Over a million distinct words would not fit the character encoding of the C++ diff
    (it raised ValueError: chr() arg not in range); the change is then shown replaced."""
    limit = diff_module._MAX_DISTINCT
    diff_module._MAX_DISTINCT = 3
    try:
        segments = word_diff(old, new)
    finally:
        diff_module._MAX_DISTINCT = limit
    assert "".join(s.text for s in segments if s.op in (EQUAL, DELETE)) == old
    assert "".join(s.text for s in segments if s.op in (EQUAL, INSERT)) == new


def test_words_not_characters():
    segments = word_diff("falls 12 months after", "falls up to 13 months after")
    changed = [(s.op, s.text) for s in segments if s.op != EQUAL]
    assert changed == [(DELETE, "12"), (INSERT, "up to 13")]


# The partial parse (only the sub-sections around differences) must compare exactly as the
# full parse does, for every changed clause.

from sectool.diff import changed_spans, compare_documents  # noqa: E402
from sectool.document import change_windows, parse_document  # noqa: E402
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
    partial = _changes(compare_documents(old_doc, new_doc, ops))
    if old is not None and new is not None:
        _check_windows(old, new, doc_id, full)
    return _changes(full), partial


def _check_windows(old: str, new: str, doc_id: DocId, full) -> None:
    """Only the blocks around each difference (text and json listings): with the text between
    the windows, rejecting every change gives the old text and accepting them the new, to the
    character, and every block is classified as the full parse classifies it, on its line."""
    old_doc, new_doc, ops = _parse_changed(doc_id, old, new, windows_only=True)
    windowed = compare_documents(old_doc, new_doc, ops)
    windows = change_windows(old, new, changed_spans(old, new), doc_id)
    for side, text, doc, bounds in (
        ("old", old, full.old, [(w[0], w[1]) for w in windows]),
        ("new", new, full.new, [(w[2], w[3]) for w in windows]),
    ):
        kept = [getattr(b, side) for b in windowed.blocks if getattr(b, side) is not None]
        gaps = [
            text[end:start] for (_, end), (start, _) in zip([(0, 0), *bounds], bounds, strict=False)
        ]
        rebuilt, k = "", 0
        for gap, (_, end) in zip(gaps, bounds, strict=True):
            rebuilt += gap
            while k < len(kept) and len(rebuilt) < end:
                rebuilt += kept[k].raw
                k += 1
        rebuilt += text[bounds[-1][1] :] if bounds else text
        assert rebuilt == text and k == len(kept)
        by_line = {b.line: (b.kind, b.clause, b.label, b.text) for b in doc.blocks}
        assert all(by_line[b.line] == (b.kind, b.clause, b.label, b.text) for b in kept)
    assert (new_doc.title, len(windowed.changes) > 0) == (full.new.title, len(full.changes) > 0)


@given(document_pairs())
@settings(max_examples=300, deadline=None)
def test_partial_parse_compares_like_the_full_parse(pair):
    full, partial = _both(*pair, DocId.parse("Appendix AC"))
    assert partial == full


plain_words = st.text(alphabet="ab \t\x0c:;", min_size=1, max_size=12)
block_kinds = st.sampled_from(["para", "para", "sub", "text", "topic", "blank"])


def _render_parts(parts: list[list[tuple[str, str]]]) -> str:
    out = ["# Appendix AC: Title"]
    for k, items in enumerate(parts, start=1):
        out.append(f"## {k} Part {k}")
        n = sub = 0
        anchored = False  # a topic heading ends the paragraph sub-paragraphs hang from
        for kind, text in items:
            if kind == "para" or (kind == "sub" and not anchored):
                n, sub, anchored = n + 1, 0, True
                out.append(f"{k}.{n} {text}")
            elif kind == "sub":
                sub += 1
                out.append(f"({chr(96 + min(sub, 26))}) {text}")
            elif kind == "topic":
                anchored = False
                out.append(f"### {text.strip() or 'Topic'}")
            elif kind == "blank":
                out.append(" \t")
            else:
                out.append(f"Text {text}")
    return "\n\n".join(out) + "\n"


@st.composite
def sectioned_pairs(draw):
    """Documents of several sub-sections, edited in a few places: several windows, some of
    them merging, edits next to headings, in the first and in the last sub-section."""
    parts = draw(st.lists(st.lists(st.tuples(block_kinds, plain_words), max_size=6), max_size=5))
    new = [list(items) for items in parts]
    for _ in range(draw(st.integers(0, 4))):
        if not new:
            break
        k = draw(st.integers(0, len(new) - 1))
        at = draw(st.integers(0, len(new[k])))
        op = draw(st.sampled_from(["reword", "insert", "delete", "drop part", "add part"]))
        if op == "insert" or not new[k]:
            new[k].insert(at, (draw(block_kinds), draw(plain_words)))
        elif op == "reword":
            kind, _ = new[k][min(at, len(new[k]) - 1)]
            new[k][min(at, len(new[k]) - 1)] = (kind, draw(plain_words))
        elif op == "delete":
            new[k].pop(min(at, len(new[k]) - 1))
        elif op == "drop part":
            new.pop(k)
        else:
            new.insert(k, [("para", "added")])
    return _render_parts(parts), _render_parts(new)


@given(sectioned_pairs())
@settings(max_examples=300, deadline=None)
def test_windows_compare_like_the_full_parse(pair):
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
