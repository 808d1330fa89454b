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

_SUB = r"(?:\((?:[a-z]{1,2}|[ivxlc]+|[A-Z])\))*"
_SECTION_CLAUSE = rf"[A-Z]\d+[A-Z]?(?:\.\d+[A-Z]?)*{_SUB}"
_BARE_CLAUSE = rf"\d+[A-Z]?(?:\.\d+[A-Z]?)*{_SUB}"
_DASH = r"\s*(?:-|–|—|to)\s*"
_HEADING = r"(?:\s+\((?P<heading>[A-Z][^()]*)\))?"

_PATTERNS = [
    ("section", re.compile(
        rf"\bSections?\s+(?P<clause>{_SECTION_CLAUSE})"
        rf"(?:{_DASH}(?P<end>(?:[A-Z])?\d+[A-Z]?(?:\.\d+[A-Z]?)*{_SUB}))?{_HEADING}")),
    ("section-doc", re.compile(r"\bSections?\s+(?P<key>[A-Z])\b(?!\d|\.\d)")),
    ("appendix", re.compile(
        rf"\bAppendix\s+(?P<key>[A-Z]{{1,2}})\b(?:\s+(?P<clause>\d+(?:\.\d+[A-Z]?)+{_SUB}))?")),
    ("schedule", re.compile(
        rf"\bSchedule\s+(?P<key>[1-9]\d*)\b(?:\s+(?P<clause>\d+(?:\.\d+[A-Z]?)+{_SUB}))?")),
    ("paragraph", re.compile(rf"\bparagraphs?\s+(?P<clause>\d+(?:\.\d+[A-Z]?)+{_SUB})")),
]


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
    """Every cross-reference in a document's text (headings and titles included)."""
    out = []
    for block in document.blocks[1:]:
        text = block.text
        taken: list[tuple[int, int]] = []
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                ref = _reference(kind, m, document, block)
                if ref is not None:
                    taken.append((m.start(), m.end()))
                    out.append(ref)
                    if kind == "section" and m.group(0).startswith("Sections"):
                        out += _more(m.end(), document, block, taken)
    out.sort(key=lambda r: (r.line, r.start))
    return out


_MORE = re.compile(rf"(?:\s*,\s*|\s+and\s+|\s+or\s+)(?P<clause>{_SECTION_CLAUSE})")


def _more(pos: int, document: Document, block, taken: list) -> list[Reference]:
    """The rest of a list: "Sections F3 and F4", "Sections G3, G4 and G5"."""
    out = []
    while (m := _MORE.match(block.text, pos)) is not None:
        ref = _reference("section", m, document, block)
        out.append(Reference(ref.source, ref.line, ref.source_clause, ref.target, ref.clause,
                             None, None, m.group("clause"), m.start("clause"), m.end()))
        taken.append((m.start(), m.end()))
        pos = m.end()
    return out


def _reference(kind: str, m: re.Match, document: Document, block) -> Reference | None:
    groups = m.groupdict()
    line = block.line + block.text.count("\n", 0, m.start())
    clause, end, heading = groups.get("clause"), groups.get("end"), groups.get("heading")
    if kind == "section":
        target = DocId(Kind.SECTION, clause[0])
        if end and not end[0].isalpha():
            end = clause[0] + end  # "H5.33-5.40": the range keeps its letter
    elif kind == "section-doc":
        target = DocId(Kind.SECTION, groups["key"])
    elif kind == "appendix":
        target = DocId(Kind.APPENDIX, groups["key"])
    elif kind == "schedule":
        target = DocId(Kind.SCHEDULE, groups["key"])
    else:
        if document.doc_id.kind is Kind.SECTION:
            return None
        target = document.doc_id
    return Reference(document.doc_id, line, block.clause, target, clause, end, heading,
                     m.group(0), m.start(), m.end())


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Where references (with any heading in brackets) stand in a text."""
    spans = []
    for _kind, pattern in _PATTERNS:
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return spans
