"""A view of a Word document as sectool Markdown, with a summary and warnings.

Mapping (see the README's "Importing Word documents"):

- the paragraph in the Title style, or a Heading 1 that names the document ("Appendix ZZ:
  Title", as sectool's exports write it), gives the title line ``# Appendix ZZ: Title``;
- a heading (an outline level, from the paragraph or its style) keeps its level: Heading N
  becomes N+1 ``#`` (capped at 6) under a Title paragraph, and N ``#`` when the title itself
  was the Heading 1; ``## M6 Party Details`` is then a sub-section heading, and a heading
  without a number a topic heading;
- a list paragraph becomes its label as Word prints it, a space, and its text: the parser then
  reads ``M6.2``, ``4.3.1`` as clause paragraphs and ``(a)``, ``(i)`` as sub-paragraphs;
- tables become Markdown tables (merged cells as empty cells), footnotes ``[^N]: text``;
- a page break in a paragraph (``w:br w:type="page"``) is a form feed in its text, as sectool's
  exports write one, except before the words of a heading or a clause (numbered by Word or
  typed): there it starts the paragraph on a new page, layout left out with a warning;
- empty paragraphs, and paragraphs holding only page breaks, separate nothing and are left
  out; table of contents entries (styles "toc 1".."toc 9", "TOC Heading") are dropped with a
  warning; sectool's own "End of ..." marker in its exports, and the cover page of its
  redlines, are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sectool.model import DocId
from sectool.numbering import INSERTION, SUB_NUMBER
from sectool.word.views import Paragraph, Table, View

_TYPED_NUMBER = re.compile(r"\(?(?:[A-Z]?\d+[A-Z]?(?:\.\d+[A-Z]?)*|[a-z]{1,2}|[ivx]+)[.)]?\t")
# A clause or sub-paragraph number at the start of a paragraph's words, as sectool reads one
_CLAUSE_START = re.compile(rf"(?:[A-Z]?\d+{INSERTION}(?:\.\d+{INSERTION})*[.)]?|{SUB_NUMBER})[ \t]")
_END_STYLE = "SEC End"
_COVER_STYLE = "SEC Cover"


@dataclass
class Conversion:
    """A converted document: its Markdown ``text``, the summary counts (paragraphs,
    numbered paragraphs, tables, footnotes) and warnings (one line each)."""

    text: str
    title: str
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _is_title(p: Paragraph) -> bool:
    return p.style_name.lower() == "title" or p.style.lower() == "title"


def _is_toc(p: Paragraph) -> bool:
    return p.style_name.lower().startswith("toc") or p.style.upper().startswith("TOC")


def _starts_page(p: Paragraph) -> bool:
    """Whether page breaks before ``p``'s first words only start it on a new page (layout):
    in a heading or a clause, numbered by Word or typed. Kept as form feeds, they would hide
    the heading or the clause number ("\fM6.2 The Party" is text, not clause M6.2)."""
    if not p.text.startswith("\f"):
        return False
    return p.outline is not None or bool(p.label) or bool(_CLAUSE_START.match(_words(p.text)))


def _words(text: str) -> str:
    return text.lstrip("\f\r\n")


def _body_text(p: Paragraph) -> str:
    text = _words(p.text) if _starts_page(p) else p.text.strip("\r\n")
    if p.label:
        return f"{p.label} {text}"
    return text


def _table(table: Table) -> str:
    width = max((len(row) for row in table.rows), default=0)
    if not width:
        return ""

    def cell(paragraphs: list[Paragraph]) -> str:
        text = "<br>".join(_body_text(p) for p in paragraphs if _body_text(p).strip())
        return text.replace("|", "\\|").replace("\n", "<br>").replace("\t", " ")

    lines = []
    for n, row in enumerate(table.rows):
        cells = [cell(c) for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _cover_end(view: View) -> int:
    """Items before this index are the cover page of a sectool redline (heading, table, note
    in the "SEC Cover" style), not the document's text."""
    for n, item in enumerate(view.items[:8]):
        if isinstance(item, Paragraph) and item.style_name == _COVER_STYLE:
            return n + 1
    return 0


def _title(view: View, doc_id: DocId, start: int) -> tuple[str, int | None, bool]:
    """The title's text, its item index, and whether it was a heading (Heading 1)."""
    prefix = f"{doc_id}:".lower()
    for n, item in enumerate(view.items[start:], start=start):
        if not isinstance(item, Paragraph) or not item.text.strip():
            continue
        text = item.text.strip()
        named = text.lower().startswith(prefix)
        if _is_title(item) or (item.outline == 0 and named):
            title = text[len(prefix) :].strip() if named else text
            return title, n, item.outline == 0
    return "", None, False


def to_markdown(
    view: View, doc_id: DocId, title: str | None = None, fallback: str | None = None
) -> Conversion:
    """Convert ``view`` to the Markdown text of ``doc_id``.

    The title is ``title``, else the Title-style paragraph's text, else ``fallback``; with
    none of them it is empty, and the caller must refuse (there is no title to write).
    """
    skip = _cover_end(view)
    found, title_at, heading_title = _title(view, doc_id, skip)
    # A title in Heading 1 (as sectool's exports have it) puts Heading N at N "#"s; otherwise
    # Heading 1 is the top heading under the title, "##".
    shift = 1 if heading_title else 2
    warnings = []
    if title and found and title.strip() != found:
        warnings.append(f"the Title paragraph {found!r} was replaced by --title")
    title = (title or found or fallback or "").strip()
    blocks = [f"# {doc_id}: {title}"]
    counts: Counter = Counter(paragraphs=0, **{"numbered paragraphs": 0}, tables=0, footnotes=0)
    notes: Counter = Counter(view.notes)
    for n, item in enumerate(view.items):
        if n == title_at or n < skip:
            continue
        if isinstance(item, Table):
            text = _table(item)
            if text:
                blocks.append(text)
                counts["tables"] += 1
            if item.merged:
                notes["merged table cells (written as empty cells)"] += item.merged
            continue
        block = _paragraph(item, counts, notes, shift)
        if block:
            blocks.append(block)
    for number, note in enumerate(view.footnotes, start=1):
        blocks.append(f"[^{number}]: {note}")
        counts["footnotes"] += 1
    for fmt in sorted(view.unknown_formats):
        notes[f"list numbers in format {fmt} (printed as decimal)"] += 1
    warnings += [f"{count} {what}" for what, count in sorted(notes.items()) if count]
    return Conversion("\n\n".join(blocks) + "\n", title, dict(counts), warnings)


def _paragraph(p: Paragraph, counts: Counter, notes: Counter, shift: int) -> str:
    if p.style_name == _END_STYLE and p.text.startswith("End of "):
        return ""  # the closing line of sectool's own exports
    text = _body_text(p)
    if not text.strip():
        return ""
    if _is_toc(p):  # generated by Word from the headings; sectool's exports make their own
        notes["table of contents entries (dropped)"] += 1
        return ""
    counts["paragraphs"] += 1
    if _starts_page(p):
        notes["page breaks before a heading or a clause (layout, left out)"] += 1
    if p.label:
        counts["numbered paragraphs"] += 1
        if _TYPED_NUMBER.match(_words(p.text)):
            notes["paragraphs with both an automatic and a typed number"] += 1
    if p.outline is not None:
        return "#" * max(2, min(p.outline + shift, 6)) + " " + text
    return text
