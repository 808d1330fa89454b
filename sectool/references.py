"""Cross-references in the text of the code, found and resolved.

Recognised: "Section F8.6", "Section C2.4(c)", "Section M8 (Suspension, Expulsion and
Withdrawal)" (the heading in brackets is checked), "Sections G3 to G6", "H5.33-5.40",
"Sections J3.2 – J3.13", "Section D" (a whole document), "Appendix B 4.3", "Appendix AC",
"Schedule 11", and in appendices and schedules "paragraph 2.2" (a clause of the same document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sectool.document import Document
from sectool.model import DocId, Kind
from sectool.numbering import INSERTION, SUB_NUMBER

_SUB = rf"(?:{SUB_NUMBER})*"
_PART = rf"\d+{INSERTION}"  # 6, 2A, 1AA, 4ZA
_SECTION_CLAUSE = rf"[A-Z]{_PART}(?:\.{_PART})*{_SUB}"
_BARE_PARAGRAPH = rf"{_PART}(?:\.{_PART})+{_SUB}"
_DASH = r"\s*(?:-|–|—|to)\s*"
_HEADING = r"(?:\s+\((?P<heading>[A-Z][^()]*)\))?"

# One alternation, tried in this order at each position, so overlapping forms cannot both
# match: a section clause ("Sections G3 to G6"), a whole section ("Section D"), an appendix or
# schedule with an optional clause, or a local "paragraph 2.2".
_REFERENCE = re.compile(
    rf"\bSections?\s+(?P<s_clause>{_SECTION_CLAUSE})"
    rf"(?:{_DASH}(?P<s_end>(?:[A-Z])?{_PART}(?:\.{_PART})*{_SUB}))?"
    rf"(?:\s+\((?P<s_heading>[A-Z][^()]*)\))?"
    rf"|\bSections?\s+(?P<d_key>[A-Z])\b(?!\d|\.\d)"
    rf"|\bAppendix\s+(?P<a_key>[A-Z]{{1,2}})\b(?:\s+(?P<a_clause>{_BARE_PARAGRAPH}))?"
    rf"|\bSchedule\s+(?P<h_key>[1-9]\d*)\b(?:\s+(?P<h_clause>{_BARE_PARAGRAPH}))?"
    rf"|\bparagraphs?\s+(?P<p_clause>{_BARE_PARAGRAPH})"
)
_CUES = ("Section", "Appendix", "Schedule", "paragraph")


@dataclass(frozen=True)
class Reference:
    """One cross-reference: where it is, and what it names."""

    source: DocId
    line: int
    source_clause: str | None
    target: DocId
    clause: str | None
    end: str | None  # the last clause of a range
    heading: str | None  # the heading given in brackets, if any
    text: str
    start: int  # offset in the block's text
    stop: int

    def describe(self) -> str:
        return self.text


def extract_references(document: Document) -> list[Reference]:
    """Every cross-reference in a document's text (cached on the document)."""
    cached = document.cache.get("references")
    if cached is None:
        cached = document.cache["references"] = _extract(document)
    return cached


def block_spans(document: Document) -> dict[int, list[tuple[int, int]]]:
    """Where references stand in each block (by block index), from the cached extraction."""
    extract_references(document)
    return document.cache["spans"]


def _extract(document: Document) -> list[Reference]:
    out = []
    spans: dict[int, list[tuple[int, int]]] = {}
    document.cache["spans"] = spans
    for index, block in enumerate(document.blocks):
        text = block.text
        if not index or not any(cue in text for cue in _CUES):
            continue
        taken: list[tuple[int, int]] = []
        spans[index] = taken
        for m in _REFERENCE.finditer(text):
            ref = _reference(m, document, block)
            if ref is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(ref)
            if m.group("s_clause") and m.group(0).startswith("Sections"):
                out += _more(m.end(), document, block, taken)
    return out


_MORE = re.compile(rf"(?:\s*,\s*|\s+and\s+|\s+or\s+)(?P<clause>{_SECTION_CLAUSE})")


def _more(pos: int, document: Document, block, taken: list) -> list[Reference]:
    """The rest of a list: "Sections F3 and F4", "Sections G3, G4 and G5"."""
    out = []
    while (m := _MORE.match(block.text, pos)) is not None:
        clause = m.group("clause")
        line = block.line + block.text.count("\n", 0, m.start())
        out.append(
            Reference(
                document.doc_id,
                line,
                block.clause,
                DocId(Kind.SECTION, clause[0]),
                clause,
                None,
                None,
                clause,
                m.start("clause"),
                m.end(),
            )
        )
        taken.append((m.start(), m.end()))
        pos = m.end()
    return out


def _reference(m: re.Match, document: Document, block) -> Reference | None:
    g = m.groupdict()
    line = block.line + block.text.count("\n", 0, m.start())
    clause = end = heading = None
    if g["s_clause"]:
        clause, end, heading = g["s_clause"], g["s_end"], g["s_heading"]
        target = DocId(Kind.SECTION, clause[0])
        if end and not end[0].isalpha():
            end = clause[0] + end  # "H5.33-5.40": the range keeps its letter
    elif g["d_key"]:
        target = DocId(Kind.SECTION, g["d_key"])
    elif g["a_key"]:
        target, clause = DocId(Kind.APPENDIX, g["a_key"]), g["a_clause"]
    elif g["h_key"]:
        target, clause = DocId(Kind.SCHEDULE, g["h_key"]), g["h_clause"]
    else:
        if document.doc_id.kind is Kind.SECTION:
            return None
        target, clause = document.doc_id, g["p_clause"]
    return Reference(
        document.doc_id,
        line,
        block.clause,
        target,
        clause,
        end,
        heading,
        m.group(0),
        m.start(),
        m.end(),
    )
