"""Word documents with native tracked changes (the only python-docx user).

Each block of a document becomes one paragraph in a real style (Title, Heading 1, Heading 2,
clause and sub-paragraph styles). Changes are Word revisions: ``w:ins`` and ``w:del`` runs (deleted
text in ``w:delText``), paragraph-mark revisions for whole clauses, ``w:moveFrom``/``w:moveTo``
for moved clauses, one id counter for the package, and dates pinned to the version's effective
date. Text is normalised once, by :func:`clean`, both for what is compared and what is written:
carriage returns are dropped, tabs and line breaks become ``w:tab``/``w:br``, and characters
XML forbids become their visible control pictures (U+0007 -> U+2407). The same inputs give the
same bytes.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

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
)
from sectool.document import PARAGRAPH_LEVEL, Block, Document
from sectool.render.common import changed_segments, heading_mark, shown_text, strip_chars

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SUB_DEPTHS = 4
WHOLE_PARAGRAPH_TIME = "T00:30:00Z"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def clean(text: str) -> str:
    """The text as a Word paragraph holds it (see the module docstring)."""
    text = text.replace("\r", "")
    return _FORBIDDEN.sub(
        lambda m: "\ufffd" if ord(m.group()) > 0xFF else chr(0x2400 + ord(m.group())), text
    )


def display_text(block: Block) -> str:
    return clean(shown_text(block))


def paragraph_texts(document: Document | None) -> list[str]:
    """The paragraphs a document becomes in Word: what accept-all / reject-all must give."""
    return [display_text(b) for b in document.blocks] if document else []


def style_key(block: Block) -> str:
    if block.kind == "title":
        return "Title"
    if block.kind == "heading":
        return "Heading 1"
    if block.kind == "topic":
        return "Heading 2"
    if block.kind == "subparagraph":
        depth = min(max(block.level - PARAGRAPH_LEVEL, 1), SUB_DEPTHS)
        return f"SEC Sub-paragraph {depth}"
    if block.kind == "paragraph":
        return "SEC Clause"
    return "SEC Text"


@dataclass
class Mark:
    """A paragraph-mark revision."""

    kind: str  # ins | del | moveFrom | moveTo
    author: str
    date: str
    move: int | None = None


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
        props.title, props.revision, props.comments = title, 1, ""
        self.body = self.document.element.body
        self._sect = self.body.find(w("sectPr"))
        for child in list(self.body):
            if child is not self._sect:
                self.body.remove(child)

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Cm, Pt

        styles = self.document.styles
        self.style_ids = {}
        for name in ("Title", "Heading 1", "Heading 2", "Normal"):
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

    # -- revisions -----------------------------------------------------------------------------
    def _revision(
        self, parent, kind: str, author: str, date: str | None = None, whole: bool = False
    ):
        # Whole-paragraph revisions are stamped half an hour after in-paragraph ones, on the
        # same effective date. LibreOffice merges neighbouring revisions by one author made
        # within a few minutes of each other; merging an insertion at a paragraph's end with
        # the next, wholly inserted paragraph would join the two paragraphs on Reject All.
        time = WHOLE_PARAGRAPH_TIME if whole else "T00:00:00Z"
        return etree.SubElement(
            parent,
            w(kind),
            {
                w("id"): str(next(self._ids)),
                w("author"): author or "sectool",
                w("date"): (date or self.date) + time,
            },
        )

    def _run(self, parent, text: str, deleted: bool = False) -> None:
        run = etree.SubElement(parent, w("r"))
        for piece in re.split(r"(\t|\n)", text):
            if piece == "\t":
                etree.SubElement(run, w("tab"))
            elif piece == "\n":
                etree.SubElement(run, w("br"))
            elif piece:
                node = etree.SubElement(run, w("delText" if deleted else "t"))
                node.text = piece
                node.set(XML_SPACE, "preserve")

    def paragraph(
        self, style: str, runs: Iterable[tuple[str, str, str, str]], mark: Mark | None = None
    ) -> None:
        """A paragraph of runs (op, text, author, date); op is equal, insert, delete,
        moveFrom or moveTo."""
        p = etree.Element(w("p"))
        ppr = etree.SubElement(p, w("pPr"))
        etree.SubElement(ppr, w("pStyle"), {w("val"): self.style_ids[style]})
        whole = mark is not None
        if mark is not None:
            rpr = etree.SubElement(ppr, w("rPr"))
            self._revision(rpr, mark.kind, mark.author, mark.date, whole)
            if mark.move is not None:
                range_id = str(next(self._ids))
                etree.SubElement(
                    p,
                    w(f"{mark.kind}RangeStart"),
                    {
                        w("id"): range_id,
                        w("name"): f"move{mark.move}",
                        w("author"): mark.author,
                        w("date"): mark.date + WHOLE_PARAGRAPH_TIME,
                    },
                )
        for op, text, author, date in runs:
            text = clean(text)
            if not text:
                continue
            if op == EQUAL:
                self._run(p, text)
            else:
                kind = {INSERT: "ins", DELETE: "del"}.get(op, op)
                container = self._revision(p, kind, author, date, whole)
                self._run(container, text, deleted=kind == "del")
        if mark is not None and mark.move is not None:
            etree.SubElement(p, w(f"{mark.kind}RangeEnd"), {w("id"): range_id})
        self._add(p)

    def text_paragraph(self, style: str, text: str, bold: bool = False) -> None:
        self.paragraph(style, [(EQUAL, text, "", "")])
        if bold:
            for run in self._sect.getprevious().iter(w("r")):
                rpr = etree.Element(w("rPr"))
                etree.SubElement(rpr, w("b"))
                run.insert(0, rpr)

    def cover(self, heading: str, rows: list[tuple[str, str]], note: str) -> None:
        self.text_paragraph("Heading 1", heading)
        table = self.document.add_table(rows=0, cols=2)
        table.style = self.document.styles["Table Grid"]
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        self.text_paragraph("SEC Cover", note)
        self.page_break()

    def page_break(self) -> None:
        p = etree.Element(w("p"))
        etree.SubElement(etree.SubElement(p, w("r")), w("br"), {w("type"): "page"})
        self._add(p)

    def _add(self, element) -> None:
        self._sect.addprevious(element)  # the section properties close the body

    def to_bytes(self) -> bytes:
        """The package, written once with pinned timestamps (see :class:`_PinnedZip`)."""
        out = io.BytesIO()
        try:
            from docx.opc.pkgwriter import PackageWriter

            package = self.document.part.package
            parts = package.parts  # what OpcPackage.save does, minus its own zip writer
            for part in parts:
                part.before_marshal()
            writer = _PinnedZip(out)
            PackageWriter._write_content_types_stream(writer, parts)
            PackageWriter._write_pkg_rels(writer, package.rels)
            PackageWriter._write_parts(writer, parts)
            writer.close()
            return out.getvalue()
        except AttributeError:  # python-docx changed its internals: the slower safe way
            raw = io.BytesIO()
            self.document.save(raw)
            return pin_zip(raw.getvalue())


class _PinnedZip:
    """python-docx's package writer interface, with fixed timestamps and fast compression, so
    equal content gives equal bytes without writing the package twice."""

    def __init__(self, stream) -> None:
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1)

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, blob)

    def close(self) -> None:
        self._zip.close()


def pin_zip(data: bytes) -> bytes:
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
            target.writestr(pinned, source.read(info.filename))
    return out.getvalue()


def _author(item: BlockDiff) -> tuple[str, str]:
    return (item.by[0] if item.by else ""), item.date


def _block_runs(item: BlockDiff, op: str) -> list[tuple[str, str, str, str]]:
    block = item.new if op in (INSERT, "moveTo") else item.old
    by, date = _author(item)
    if item.segments and item.op in (INSERTED, DELETED):
        segments = strip_chars(item.segments, heading_mark(block))
        return [(op, s.text, s.by or by, s.date or date) for s in segments]
    return [(op, display_text(block), by, date)]


def add_block(builder: DocxBuilder, item: BlockDiff) -> None:
    """One block of a comparison as a Word paragraph with its revisions."""
    by, date = _author(item)
    if item.op == SAME:
        builder.paragraph(style_key(item.new), [(EQUAL, display_text(item.new), "", "")])
    elif item.op == CHANGED:
        segments = changed_segments(item.old, item.new, item.segments)
        if segments is not None:
            runs = [(s.op, s.text, s.by or by, s.date or date) for s in segments]
        else:  # the heading marker itself changed: show the whole text replaced
            runs = [
                (DELETE, display_text(item.old), by, date),
                (INSERT, display_text(item.new), by, date),
            ]
        builder.paragraph(style_key(item.new), runs)
    elif item.op == INSERTED:
        builder.paragraph(style_key(item.new), _block_runs(item, INSERT), Mark("ins", by, date))
    elif item.op == DELETED:
        builder.paragraph(style_key(item.old), _block_runs(item, DELETE), Mark("del", by, date))
    elif item.op == MOVED_FROM:
        builder.paragraph(
            style_key(item.old),
            _block_runs(item, "moveFrom"),
            Mark("moveFrom", by, date, item.move_id),
        )
    elif item.op == MOVED_TO:
        builder.paragraph(
            style_key(item.new), _block_runs(item, "moveTo"), Mark("moveTo", by, date, item.move_id)
        )


def end_marker(builder: DocxBuilder, name: str) -> None:
    # A closing line keeps every clause off the body's last paragraph, whose mark Word cannot
    # track on its own.
    builder.text_paragraph("SEC End", f"End of {name}")
