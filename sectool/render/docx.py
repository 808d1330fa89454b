"""Word documents with native tracked changes (the only python-docx user).

Each block of a document becomes one paragraph in a real style: Word's built-in Heading 1-6 for
the Markdown headings, level for level (``# Section M: General`` is Heading 1, ``## M6 Party
Details`` Heading 2, ``### Notices`` Heading 3), so Word's navigation pane, LibreOffice's
Navigator and pandoc see the document's structure; our own clause and sub-paragraph styles for
the rest. Changes are Word revisions: ``w:ins`` and ``w:del`` runs (deleted text in
``w:delText``), paragraph-mark revisions for whole clauses, ``w:moveFrom``/``w:moveTo`` for
moved clauses, ``w:pPrChange`` for a paragraph whose style changed (a heading's level: its
``#`` marks are never words), one id counter for the package, and dates pinned to the
version's effective date. Text is normalised once, by :func:`clean`, both for what is compared
and what is written: carriage returns are dropped, tabs and line breaks become
``w:tab``/``w:br``, a form feed (a page break in plain text, allowed in legal text) becomes a
page break run ``w:br w:type="page"``, which :mod:`sectool.word` reads back as a form feed, and
the other characters XML forbids become their visible control pictures (U+0007 -> U+2407). The
same inputs give the same bytes.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from lxml import etree

from sectool.diff import (
    CHANGED,
    DELETE,
    DELETED,
    EQUAL,
    INSERT,
    INSERTED,
    MOVED_FROM,
    MOVED_TO,
    SAME,
    BlockDiff,
    word_diff,
)
from sectool.document import PARAGRAPH_LEVEL, Block, BlockKind, Document
from sectool.render.common import (
    changed_segments,
    heading_level,
    heading_mark,
    level_change,
    shown_text,
    strip_chars,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Characters XML 1.0 cannot hold, save tab, line feed and form feed, which are written as elements
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
SUB_DEPTHS = 4
HEADING_DEPTHS = 6  # Markdown's heading levels, each Word's built-in "Heading N"
WHOLE_PARAGRAPH_TIME = "T00:30:00Z"

# The WordprocessingML element of an inserted or deleted run.
_REVISION: dict[str, str] = {INSERT: "ins", DELETE: "del"}


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


_SPLIT = re.compile(r"(\t|\n|\f)")
# A piece of text that is an element of its own in a run (see :func:`_run_xml`).
_BREAKS = {"\t": "<w:tab/>", "\n": "<w:br/>", "\f": '<w:br w:type="page"/>'}


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(_clean_value(text)).replace('"', "&quot;")


def _run_xml(text: str, deleted: bool) -> str:
    """One run: text pieces (with space preserved); tabs, line breaks and page breaks (form
    feeds) as elements, which a deleted run holds as they are, as Word writes them."""
    tag = "w:delText" if deleted else "w:t"
    out = ["<w:r>"]
    for piece in _SPLIT.split(text):
        if piece in _BREAKS:
            out.append(_BREAKS[piece])
        elif piece:
            out.append(f'<{tag} xml:space="preserve">{_esc(piece)}</{tag}>')
    out.append("</w:r>")
    return "".join(out)


def clean(text: str) -> str:
    """The text as a Word paragraph holds it (see the module docstring)."""
    text = text.replace("\r", "")
    return _FORBIDDEN.sub(
        lambda m: "\ufffd" if ord(m.group()) > 0xFF else chr(0x2400 + ord(m.group())), text
    )


def _clean_value(text: str) -> str:
    """:func:`clean` for an attribute or a document property, which hold text only: a form
    feed there is its visible control picture (U+240C), as the other forbidden characters."""
    return clean(text).replace("\f", "\u240c")


def display_text(block: Block) -> str:
    return clean(shown_text(block))


def paragraph_texts(document: Document | None) -> list[str]:
    """The paragraphs a document becomes in Word: what accept-all / reject-all must give."""
    return [display_text(b) for b in document.blocks] if document else []


def style_key(block: Block) -> str:
    """The style name of a block's paragraph: a heading's level picks Heading 1-6."""
    level = heading_level(block)
    if level:
        return f"Heading {level}"
    if block.kind is BlockKind.SUBPARAGRAPH:
        depth = min(max(block.level - PARAGRAPH_LEVEL, 1), SUB_DEPTHS)
        return f"SEC Sub-paragraph {depth}"
    if block.kind is BlockKind.PARAGRAPH:
        return "SEC Clause"
    return "SEC Text"


@dataclass
class Mark:
    """A paragraph-mark revision."""

    kind: str  # ins | del | moveFrom | moveTo
    author: str
    date: str
    move: int | None = None


@dataclass(frozen=True)
class StyleChange:
    """A paragraph-property revision (``w:pPrChange``): the paragraph's style before the
    change (a style name, as :func:`style_key` gives it), by whom and on which date."""

    old_style: str
    author: str
    date: str


CORE_PROPERTY_LIMIT = 255
"""Characters a Word core property (title, subject...) may hold; python-docx refuses more."""


def core_property(text: str) -> str:
    """``text`` shortened to fit a core property, ending in an ellipsis when cut. Only the
    property is shortened: the document's own text keeps every character."""
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    return text[: CORE_PROPERTY_LIMIT - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


class DocxBuilder:
    """Builds one .docx: styles, cover, paragraphs with revisions, a pinned package."""

    def __init__(self, date: str, title: str) -> None:
        import datetime as dt

        import docx

        self.document = docx.Document()
        self.date = date
        self._ids = itertools.count(1)
        self._styles()
        props = self.document.core_properties
        pinned = dt.datetime.fromisoformat(date + "T00:00:00")
        props.created = props.modified = pinned
        props.last_printed = pinned
        props.author = props.last_modified_by = "sectool"
        # a title from before control characters were refused must not break the package
        props.title, props.revision, props.comments = core_property(_clean_value(title)), 1, ""
        self.body = self.document.element.body
        self._sect = self.body.find(w("sectPr"))
        self._body: list[str] = []  # the body's XML, spliced in before sectPr when written
        for child in list(self.body):
            if child is not self._sect:
                self.body.remove(child)

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Cm, Pt

        styles = self.document.styles
        self.style_ids = {}
        headings = [f"Heading {n}" for n in range(1, HEADING_DEPTHS + 1)]
        for name in ("Title", "Normal", *headings):
            self.style_ids[name] = styles[name].style_id
        specs = [("SEC Clause", 0), ("SEC Text", 0), ("SEC Cover", 0), ("SEC End", 0)]
        specs += [(f"SEC Sub-paragraph {d}", d) for d in range(1, SUB_DEPTHS + 1)]
        for name, depth in specs:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.paragraph_format.space_after = Pt(6)
            if depth:
                style.paragraph_format.left_indent = Cm(1.0 * depth)
            if name == "SEC End":
                style.font.italic = True
                style.paragraph_format.space_before = Pt(18)
            self.style_ids[name] = style.style_id

    # -- the body, written as XML text ----------------------------------------------------------
    # Paragraphs are written straight as XML strings (escaped here) and spliced into
    # word/document.xml when the package is written: an order of magnitude cheaper than building
    # and re-serialising lxml elements for documents of thousands of paragraphs.
    def _open(self, kind: str, author: str, date: str | None, whole: bool, close: bool) -> str:
        # Whole-paragraph revisions are stamped half an hour after in-paragraph ones, on the
        # same effective date. LibreOffice merges neighbouring revisions by one author made
        # within a few minutes of each other; merging an insertion at a paragraph's end with
        # the next, wholly inserted paragraph would join the two paragraphs on Reject All.
        time = WHOLE_PARAGRAPH_TIME if whole else "T00:00:00Z"
        return (
            f'<w:{kind} w:id="{next(self._ids)}" w:author="{_attr(author or "sectool")}" '
            f'w:date="{date or self.date}{time}"' + ("/>" if close else ">")
        )

    def paragraph(
        self,
        style: str,
        runs: Iterable[tuple[str, str, str, str]],
        mark: Mark | None = None,
        restyled: StyleChange | None = None,
    ) -> None:
        """A paragraph of runs (op, text, author, date); op is equal, insert, delete,
        moveFrom or moveTo. ``restyled``: the paragraph had another style before, recorded
        as a paragraph-property revision (Word's own record of a style change)."""
        out = [f'<w:p><w:pPr><w:pStyle w:val="{self.style_ids[style]}"/>']
        whole = mark is not None
        range_id = None
        if mark is not None:
            out.append("<w:rPr>" + self._open(mark.kind, mark.author, mark.date, True, True))
            out.append("</w:rPr>")
        if restyled is not None:  # last in w:pPr, holding the whole of the old w:pPr
            out.append(self._open("pPrChange", restyled.author, restyled.date, False, False))
            old_id = self.style_ids[restyled.old_style]
            out.append(f'<w:pPr><w:pStyle w:val="{old_id}"/></w:pPr></w:pPrChange>')
        out.append("</w:pPr>")
        if mark is not None and mark.move is not None:
            range_id = next(self._ids)
            out.append(
                f'<w:{mark.kind}RangeStart w:id="{range_id}" w:name="move{mark.move}" '
                f'w:author="{_attr(mark.author)}" w:date="{mark.date}{WHOLE_PARAGRAPH_TIME}"/>'
            )
        for op, text, author, date in runs:
            text = clean(text)
            if not text:
                continue
            if op == EQUAL:
                out.append(_run_xml(text, False))
            else:
                kind = _REVISION.get(op, op)
                out.append(self._open(kind, author, date, whole, False))
                out.append(_run_xml(text, kind == "del"))
                out.append(f"</w:{kind}>")
        if mark is not None and range_id is not None:
            out.append(f'<w:{mark.kind}RangeEnd w:id="{range_id}"/>')
        out.append("</w:p>")
        self._body.append("".join(out))

    def text_paragraph(self, style: str, text: str) -> None:
        self.paragraph(style, [(EQUAL, text, "", "")])

    def cover(self, heading: str, rows: list[tuple[str, str]], note: str) -> None:
        if heading:  # an empty heading would be a blank entry in the navigation pane
            self.text_paragraph("Heading 1", heading)
        table = self.document.add_table(rows=0, cols=2)
        table.style = self.document.styles["Table Grid"]
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        tbl = table._tbl
        for t in tbl.iter(w("t")):  # python-docx preserves leading/trailing spaces only
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        tbl.getparent().remove(tbl)
        self._body.append(etree.tostring(tbl, encoding="unicode"))
        self.text_paragraph("SEC Cover", note)
        self.page_break()

    def page_break(self) -> None:
        self._body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def _splice(self, document_xml: bytes) -> bytes:
        at = document_xml.rfind(b"<w:sectPr")
        return document_xml[:at] + "".join(self._body).encode("utf-8") + document_xml[at:]

    def to_bytes(self) -> bytes:
        """The package, written once with pinned timestamps (see :class:`_PinnedZip`)."""
        out = io.BytesIO()
        try:
            from docx.opc.pkgwriter import PackageWriter

            package = self.document.part.package
            parts = package.parts  # what OpcPackage.save does, minus its own zip writer
            for part in parts:
                part.before_marshal()
            writer = _PinnedZip(out, {"/word/document.xml": self._splice})
            PackageWriter._write_content_types_stream(writer, parts)
            PackageWriter._write_pkg_rels(writer, package.rels)
            # _PinnedZip has PhysPkgWriter's interface; that class's constructor always makes
            # its own zip writer, so it cannot be subclassed.
            PackageWriter._write_parts(cast(Any, writer), parts)
            writer.close()
            return out.getvalue()
        except AttributeError:  # python-docx changed its internals: the slower safe way
            raw = io.BytesIO()
            self.document.save(raw)
            return pin_zip(raw.getvalue(), self._splice)


class _PinnedZip:
    """python-docx's package writer interface, with fixed timestamps and fast compression, so
    equal content gives equal bytes without writing the package twice; ``edits`` rewrite
    named parts on the way."""

    def __init__(self, stream, edits: dict | None = None) -> None:
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._edits = edits or {}

    def write(self, pack_uri, blob: bytes) -> None:
        if str(pack_uri) in self._edits:
            blob = self._edits[str(pack_uri)](blob)
        info = zipfile.ZipInfo(pack_uri.membername, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, blob)

    def close(self) -> None:
        self._zip.close()


def pin_zip(data: bytes, splice=None) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = 0o644 << 16
            blob = source.read(info.filename)
            if splice is not None and info.filename == "word/document.xml":
                blob = splice(blob)
            target.writestr(pinned, blob)
    return out.getvalue()


def _author(item: BlockDiff) -> tuple[str, str]:
    return (item.by[0] if item.by else ""), item.date


def _block_runs(item: BlockDiff, op: str) -> list[tuple[str, str, str, str]]:
    block = item.new_block if op in (INSERT, "moveTo") else item.old_block
    by, date = _author(item)
    if item.segments and item.op in (INSERTED, DELETED):
        segments = strip_chars(item.segments, heading_mark(block))
        return [(op, s.text, s.by or by, s.date or date) for s in segments]
    return [(op, display_text(block), by, date)]


def _changed_runs(item: BlockDiff, by: str, date: str) -> list[tuple[str, str, str, str]]:
    """The runs of a changed block's words; its heading markers are its style (see
    :func:`_restyled`), never text."""
    segments = changed_segments(item.old_block, item.new_block, item.segments)
    return [(s.op, s.text, s.by or by, s.date or date) for s in segments]


def _restyled(item: BlockDiff, by: str, date: str) -> StyleChange | None:
    """The style change of a changed block (a heading's level, a heading become body text
    or the reverse), attributed to the change set that made it; None when the style is
    the same."""
    old = style_key(item.old_block)
    if old == style_key(item.new_block):
        return None
    level = level_change(item)
    if level is not None and level.by:
        by, date = level.by, level.date
    return StyleChange(old, by, date)


def visible_runs(runs: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """Runs (op, text, author, date) without revisions the reader cannot see: where the text
    deleted and the text inserted between two unchanged runs read the same once written
    (line endings, say), both become one unchanged run; otherwise, where they differ once
    written only in part, the written texts are compared again."""
    out: list[tuple[str, str, str, str]] = []
    gap: list[tuple[str, str, str, str]] = []
    for run in [*runs, (EQUAL, "", "", "")]:
        if run[0] != EQUAL:
            gap.append(run)
            continue
        deleted = "".join(r[1] for r in gap if r[0] == DELETE)
        inserted = "".join(r[1] for r in gap if r[0] == INSERT)
        authors = {(r[2], r[3]) for r in gap}
        if gap and clean(deleted) == clean(inserted):
            gap = [(EQUAL, inserted, "", "")]
        elif len(authors) == 1 and (clean(deleted) != deleted or clean(inserted) != inserted):
            # what Word shows is the written text: compare that, so an invisible difference
            # (a carriage return) does not drag the words beside it into the revision
            (by, date) = authors.pop()
            gap = [(s.op, s.text, by, date) for s in word_diff(clean(deleted), clean(inserted))]
        for r in [*gap, run]:
            if out and out[-1][0] == EQUAL == r[0]:
                out[-1] = (EQUAL, out[-1][1] + r[1], "", "")
            elif r[1]:
                out.append(r)
        gap = []
    return out


def add_block(builder: DocxBuilder, item: BlockDiff) -> None:
    """One block of a comparison as a Word paragraph with its revisions."""
    by, date = _author(item)
    if item.op == SAME:
        builder.paragraph(
            style_key(item.new_block), [(EQUAL, display_text(item.new_block), "", "")]
        )
    elif item.op == CHANGED:
        builder.paragraph(
            style_key(item.new_block),
            visible_runs(_changed_runs(item, by, date)),
            restyled=_restyled(item, by, date),
        )
    elif item.op == INSERTED:
        builder.paragraph(
            style_key(item.new_block), _block_runs(item, INSERT), Mark("ins", by, date)
        )
    elif item.op == DELETED:
        builder.paragraph(
            style_key(item.old_block), _block_runs(item, DELETE), Mark("del", by, date)
        )
    elif item.op == MOVED_FROM:
        builder.paragraph(
            style_key(item.old_block),
            _block_runs(item, "moveFrom"),
            Mark("moveFrom", by, date, item.move_id),
        )
    elif item.op == MOVED_TO:
        builder.paragraph(
            style_key(item.new_block),
            _block_runs(item, "moveTo"),
            Mark("moveTo", by, date, item.move_id),
        )


def end_marker(builder: DocxBuilder, name: str) -> None:
    # A closing line keeps every clause off the body's last paragraph, whose mark Word cannot
    # track on its own.
    builder.text_paragraph("SEC End", f"End of {name}")
