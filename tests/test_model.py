import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectool.errors import BadReference, BadVersion
from sectool.model import ClauseRef, DocId, Kind, Version

section_keys = st.sampled_from(string.ascii_uppercase)
# Bounded, cheap strategies (sampled_from, not from_regex) keep data generation fast however
# loaded the machine is, so no health check needs suppressing.
letters = st.sampled_from(string.ascii_uppercase)
appendix_keys = st.one_of(letters, st.tuples(letters, letters).map("".join))
schedule_keys = st.integers(1, 99).map(str)
number = st.integers(1, 40).map(str)
suffix = st.sampled_from(["", "A", "B"])
subparas = st.lists(st.sampled_from(["(a)", "(b)", "(z)", "(i)", "(iv)", "(A)"]), max_size=3)


@st.composite
def clause_refs(draw):
    kind = draw(st.sampled_from(list(Kind)))
    key = draw(
        {Kind.SECTION: section_keys, Kind.SCHEDULE: schedule_keys, Kind.APPENDIX: appendix_keys}[
            kind
        ]
    )
    doc = DocId(kind, key)
    if draw(st.booleans()):
        return ClauseRef(doc, None)
    parts = [draw(number) + draw(suffix) for _ in range(draw(st.integers(1, 3)))]
    head = key if kind is Kind.SECTION else ""
    if kind is not Kind.SECTION and len(parts) == 1:
        parts.append(draw(number))
    return ClauseRef(doc, head + ".".join(parts) + "".join(draw(subparas)))


@given(clause_refs())
def test_clause_reference_round_trips(ref):
    assert ClauseRef.parse(str(ref)) == ref


@given(st.lists(st.integers(0, 300), min_size=2, max_size=4))
def test_version_round_trips_and_orders_by_component(parts):
    version = Version(tuple(parts))
    assert Version.parse(str(version)) == version
    assert version < version.next_minor()


def test_version_comparison_is_numeric():
    assert Version.parse("5.10") > Version.parse("5.9")
    assert Version.parse("27.0") > Version.parse("5.10")


@pytest.mark.parametrize("text", ["5", "5.", "v5.8", "5.08", "", "a.b"])
def test_bad_versions_are_refused(text):
    with pytest.raises(BadVersion):
        Version.parse(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("M6.2", "M6.2"),
        ("section m6.2(a)", "Section M6.2(a)"),
        ("Appendix B 4.3", "Appendix B 4.3"),
        ("appendix ac 2.2(b)", "Appendix AC 2.2(b)"),
        ("AC", "AC"),
        ("Schedule 11", "Schedule 11"),
        ("L14.10(a)(i)", "L14.10(a)(i)"),
        ("  Section   M  ", "Section M"),
    ],
)
def test_natural_spellings(text, expected):
    assert str(ClauseRef.parse(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Section",
        "Section 12",
        "Appendix ABC",
        "M6.2 extra",
        "Schedule X",
        "6.2",
        "Appendix B 4..3",
    ],
)
def test_bad_references_are_refused(text):
    with pytest.raises(BadReference):
        ClauseRef.parse(text)


def test_documents_sort_sections_schedules_then_appendices_shorter_first():
    ids = [
        DocId.parse(s)
        for s in [
            "Appendix AA",
            "Appendix Z",
            "Schedule 11",
            "Schedule 2",
            "Section M",
            "Section A",
            "Appendix B",
        ]
    ]
    assert [str(d) for d in sorted(ids)] == [
        "Section A",
        "Section M",
        "Schedule 2",
        "Schedule 11",
        "Appendix B",
        "Appendix Z",
        "Appendix AA",
    ]


def test_doc_paths():
    assert DocId.parse("appendix ac").path == "appendices/AC.md"
    assert DocId.from_path("schedules/11.md") == DocId(Kind.SCHEDULE, "11")
    assert DocId.from_path("notes/x.md") is None
