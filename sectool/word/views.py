"""The accept and reject views of a Word body, from one walk each.

Accept view: ``w:del`` and ``w:moveFrom`` content is dropped; a deleted paragraph mark joins its
paragraph to the next one. Reject view: ``w:ins`` and ``w:moveTo`` content is dropped, an
inserted paragraph mark joins, and paragraph properties (numbering included) come from
``w:pPrChange``. Inserted and deleted table rows and cells follow the same rule. List numbers
are counted as each view's paragraphs come, so a paragraph that is not there takes no number.
Field results are read as Word cached them; instructions are never evaluated. A page break in
a run (``w:br w:type="page"``) is a form feed, as sectool's exports write one; a line or column
break is a line feed; ``w:lastRenderedPageBreak`` (where Word last laid a page out) is no text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from sectool.errors import BadWordFile
from sectool.word.numbering import _BULLETS, Numbering, Styles, read_styles
from sectool.word.package import Package, w

ACCEPT, REJECT = "accept", "reject"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NUMBER_FIELDS = re.compile(r"\s*(LISTNUM|AUTONUMLGL|AUTONUMOUT|AUTONUM|SEQ)\b", re.I)
_REVISIONS = ("ins", "del", "moveFrom", "moveTo")
_OFF = ("0", "false", "off", "none")

# Tags, precomputed once: the walk compares element tags millions of times on big documents.
P, R, T, DEL_TEXT, TAB, BR, CR = (w(t) for t in ("p", "r", "t", "delText", "tab", "br", "cr"))
INS, DEL, MOVE_FROM, MOVE_TO = (w(t) for t in _REVISIONS)
TBL, TR, TC, SDT, SDT_CONTENT = (w(t) for t in ("tbl", "tr", "tc", "sdt", "sdtContent"))
PPR, RPR, FLD_CHAR, INSTR, FLD_SIMPLE = (
    w(t) for t in ("pPr", "rPr", "fldChar", "instrText", "fldSimple")
)
HYPERLINK, SMART_TAG, CUSTOM_XML = w("hyperlink"), w("smartTag"), w("customXml")
BR_TYPE = w("type")
FOOTNOTE_REF, SYM, NB_HYPHEN = w("footnoteReference"), w("sym"), w("noBreakHyphen")
ALTERNATE = f"{{{MC_NS}}}AlternateContent"
TXBX = w("txbxContent")
_CONTAINERS = {HYPERLINK, SMART_TAG, CUSTOM_XML, w("dir"), w("bdo"), SDT_CONTENT}


@dataclass(slots=True)
class Paragraph:
    """One paragraph of a view: its list label (empty if none), list level (None if not
    numbered), label suffix, text, style id and name, and outline level (None if body text)."""

    text: str
    label: str = ""
    level: int | None = None
    suffix: str = "tab"
    style: str = ""
    style_name: str = ""
    outline: int | None = None


@dataclass
class Table:
    """Rows of cells; each cell is its paragraphs. ``merged`` counts cells spanned or merged."""

    rows: list[list[list[Paragraph]]] = field(default_factory=list)
    merged: int = 0


@dataclass(slots=True)
class Revision:
    """A Word revision's kind (ins, del, moveFrom, moveTo, format), author and date."""

    kind: str
    author: str
    date: str


@dataclass
class View:
    """One view of a document: body items (paragraphs and tables) in order, footnotes by
    their reference number, and what the walk noticed (``notes``: kind -> count)."""

    mode: str
    items: list[Paragraph | Table] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    revisions: dict[str, Revision] = field(default_factory=dict)
    unknown_formats: set[str] = field(default_factory=set)

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph in document order, table cells' included."""
        out: list[Paragraph] = []
        for item in self.items:
            if isinstance(item, Table):
                for row in item.rows:
                    for cell in row:
                        out.extend(cell)
            else:
                out.append(item)
        return out


def _on(element: etree._Element | None) -> bool:
    return element is not None and element.get(w("val"), "true") not in _OFF


class _Walker:
    """Walks the body once for one view, carrying list counters and field state."""

    def __init__(self, package: Package, styles: Styles, mode: str) -> None:
        self.mode = mode
        self.name = package.name
        self.styles = styles
        self.numbering = Numbering(package.numbering, styles)
        self.view = View(mode)
        self.drop = (DEL, MOVE_FROM) if mode == ACCEPT else (INS, MOVE_TO)
        self.keep = (INS, MOVE_TO) if mode == ACCEPT else (DEL, MOVE_FROM)
        self.fields: list[list] = []  # [instruction parts, in result?]
        self.footnote_ids: dict[str, int] = {}
        self.notes = self.view.notes

    # -- provenance -----------------------------------------------------------------------------
    def revision(self, element: etree._Element, kind: str) -> None:
        key = f"{kind}:{element.get(w('id'), '')}"
        if key not in self.view.revisions:
            self.view.revisions[key] = Revision(
                kind, element.get(w("author"), ""), element.get(w("date"), "")
            )

    # -- blocks ---------------------------------------------------------------------------------
    def blocks(self, parent: etree._Element, out: list) -> None:
        """Paragraphs and tables of a container (body, cell, content control) into ``out``."""
        pending: list[str] | None = None  # text of paragraphs joined into the next one
        for child in parent:
            tag = child.tag
            if tag == P:
                pending = self.paragraph(child, out, pending)
            elif tag == TBL:
                self._flush(pending, out)
                pending = None
                out.append(self.table(child))
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.blocks(content, out)
            elif tag in (CUSTOM_XML, INS, DEL, MOVE_FROM, MOVE_TO):
                if tag in self.drop:
                    continue
                self.blocks(child, out)
            elif tag == ALTERNATE:
                branch = child[0] if len(child) else None
                if branch is not None:
                    self.blocks(branch, out)
        self._flush(pending, out)

    def _flush(self, pending: list[str] | None, out: list) -> None:
        if pending:  # a container's last paragraph lost its mark: keep its text on its own
            out.append(Paragraph("".join(pending)))
        return None

    def paragraph(self, p: etree._Element, out: list, pending: list[str] | None):
        ppr = p.find(PPR)
        props = ppr
        joins = False
        if ppr is not None:
            change = ppr.find(w("pPrChange"))
            if change is not None:
                self.notes["paragraph-property revisions"] += 1
                self.revision(change, "format")
                if self.mode == REJECT:
                    props = change.find(PPR)
            rpr = ppr.find(RPR)
            if rpr is not None:
                for mark in rpr:
                    if mark.tag in (INS, DEL, MOVE_FROM, MOVE_TO):
                        self.revision(mark, etree.QName(mark).localname)
                        joins = joins or mark.tag in self.drop
        parts = pending if pending is not None else []
        self.inline(p, parts, False)
        if joins:
            return parts
        out.append(self.make(props, "".join(parts)))
        return None

    def make(self, ppr: etree._Element | None, text: str) -> Paragraph:
        style = num_id = ilvl = None
        outline = None
        if ppr is not None:
            pstyle = ppr.find(w("pStyle"))
            style = pstyle.get(w("val")) if pstyle is not None else None
            numpr = ppr.find(w("numPr"))
            if numpr is not None:
                n, i = numpr.find(w("numId")), numpr.find(w("ilvl"))
                num_id = n.get(w("val")) if n is not None else None
                ilvl = i.get(w("val")) if i is not None else None
            level = ppr.find(w("outlineLvl"))
            if level is not None:
                outline = int(level.get(w("val"), "9") or 9)
        style = style or self.styles.default
        if outline is None:
            outline = self.styles.outline(style)
        para = Paragraph(text, style=style or "", style_name=self.styles.name(style))
        para.outline = outline if outline is not None and outline < 9 else None
        numbered = self.numbering.resolve(style, num_id, ilvl)
        if numbered is not None:
            try:
                para.label, para.suffix = self.numbering.next_label(*numbered)
            except BadWordFile as exc:
                raise BadWordFile(
                    f"{self.name}: {exc.message}", f"{exc.hint}; the paragraph: {_quote(text)}"
                ) from None
            para.level = numbered[1]
        return para

    def table(self, tbl: etree._Element) -> Table:
        table = Table()
        for tr in tbl.iter(TR):
            parent = tr.getparent()
            if parent is not tbl and (parent is None or parent.getparent() is not tbl):
                continue  # a nested table's row: read with its own table
            trpr = tr.find(w("trPr"))
            if self._dropped(trpr):
                continue
            row: list[list[Paragraph]] = []
            for tc in tr.iter(TC):
                if tc.getparent() is not tr:
                    continue
                tcpr = tc.find(w("tcPr"))
                if self._dropped(tcpr, cell=True):
                    continue
                cell: list[Paragraph | Table] = []
                self.blocks(tc, cell)
                row.append([c for c in cell if isinstance(c, Paragraph)])
                if any(isinstance(c, Table) for c in cell):
                    self.notes["nested tables flattened"] += 1
                    for c in cell:
                        if isinstance(c, Table):
                            row[-1].extend(p for r in c.rows for cl in r for p in cl)
                span = tcpr.find(w("gridSpan")) if tcpr is not None else None
                extra = int(span.get(w("val"), "1")) - 1 if span is not None else 0
                merge = tcpr.find(w("vMerge")) if tcpr is not None else None
                if merge is not None and merge.get(w("val"), "continue") == "continue":
                    table.merged += 1
                for _ in range(max(extra, 0)):
                    row.append([])
                    table.merged += 1
            table.rows.append(row)
        return table

    def _dropped(self, props: etree._Element | None, cell: bool = False) -> bool:
        if props is None:
            return False
        ins_tag, del_tag = (w("cellIns"), w("cellDel")) if cell else (INS, DEL)
        for tag, kind in ((ins_tag, "ins"), (del_tag, "del")):
            mark = props.find(tag)
            if mark is not None:
                self.revision(mark, kind)
                if (kind == "del") == (self.mode == ACCEPT):
                    return True
        return False

    # -- runs -----------------------------------------------------------------------------------
    def inline(self, parent: etree._Element, out: list[str], deleted: bool) -> None:
        for child in parent:
            tag = child.tag
            if tag == R:
                self.run(child, out, deleted)
            elif tag in (INS, DEL, MOVE_FROM, MOVE_TO):
                self.revision(child, etree.QName(child).localname)
                if tag not in self.drop:
                    self.inline(child, out, tag in (DEL, MOVE_FROM))
            elif tag in _CONTAINERS:
                self.inline(child, out, deleted)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.inline(content, out, deleted)
            elif tag == FLD_SIMPLE:
                self._instruction(child.get(w("instr"), ""))
                self.inline(child, out, deleted)
            elif tag == ALTERNATE:
                if len(child):
                    self.inline(child[0], out, deleted)

    def run(self, r: etree._Element, out: list[str], deleted: bool) -> None:
        rpr = r.find(RPR)
        if rpr is not None and len(rpr):
            if self._formatting(rpr):
                return
        hiding = any(not result for _, result in self.fields)
        for child in r:
            tag = child.tag
            if tag == T or tag == DEL_TEXT:
                if not hiding and (tag == T or deleted):
                    out.append(child.text or "")
            elif tag == TAB:
                if not hiding:
                    out.append("\t")
            elif tag == BR or tag == CR:
                if not hiding:  # a page break is a form feed; line and column breaks a line feed
                    out.append("\f" if child.get(BR_TYPE) == "page" else "\n")
            elif tag == FLD_CHAR:
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    self.fields.append([[], False])
                elif kind == "separate" and self.fields:
                    self.fields[-1][1] = True
                    self._instruction("".join(self.fields[-1][0]))
                    self.fields[-1][0] = []
                elif kind == "end" and self.fields:
                    instruction, _ = self.fields.pop()
                    self._instruction("".join(instruction))
                hiding = any(not result for _, result in self.fields)
            elif tag == INSTR or tag == w("delInstrText"):
                if self.fields:
                    self.fields[-1][0].append(child.text or "")
            elif tag == NB_HYPHEN:
                if not hiding:
                    out.append("-")
            elif tag == SYM:
                if not hiding:
                    out.append(_symbol(child.get(w("char"), "")))
            elif tag == FOOTNOTE_REF:
                out.append(self._footnote(child.get(w("id"), "")))
            elif tag == ALTERNATE or tag == w("drawing") or tag == w("pict"):
                if next(child.iter(TXBX), None) is not None:
                    self.notes["text boxes (not imported)"] += 1

    def _formatting(self, rpr: etree._Element) -> bool:
        """Note formatting that matters; True when the run is hidden (and so dropped)."""
        change = rpr.find(w("rPrChange"))
        if change is not None:
            self.notes["formatting-only revisions"] += 1
            self.revision(change, "format")
        if _on(rpr.find(w("strike"))) or _on(rpr.find(w("dstrike"))):
            self.notes["struck-through runs (formatting, not revisions)"] += 1
        colour = rpr.find(w("color"))
        if (
            colour is not None
            and colour.get(w("val"), "auto").lower() not in ("auto", "000000")
            and colour.get(w("themeColor")) is None
        ):
            self.notes["coloured runs (formatting, not revisions)"] += 1
        if _on(rpr.find(w("vanish"))):
            self.notes["hidden text runs (dropped)"] += 1
            return True
        return False

    def _instruction(self, text: str) -> None:
        m = _NUMBER_FIELDS.match(text)
        if m:
            self.notes[f"{m.group(1).upper()} fields (numbers with no stored text)"] += 1

    def _footnote(self, note_id: str) -> str:
        if note_id not in self.footnote_ids:
            self.footnote_ids[note_id] = len(self.footnote_ids) + 1
        return f"[^{self.footnote_ids[note_id]}]"


def _symbol(code: str) -> str:
    try:
        char = chr(int(code, 16))
    except ValueError:
        return ""
    if 0xF000 <= ord(char) <= 0xF0FF:
        return _BULLETS.get(char, chr(ord(char) - 0xF000))
    return char


def read_view(package: Package, mode: str, styles: Styles | None = None) -> View:
    """The accept (``"accept"``) or reject (``"reject"``) view of a package's body and its
    footnotes, in one walk."""
    styles = styles or read_styles(package.styles)
    walker = _Walker(package, styles, mode)
    body = package.document.find(w("body"))
    if body is not None:
        walker.blocks(body, walker.view.items)
    walker.view.footnotes = _footnotes(walker, package)
    walker.view.unknown_formats = walker.numbering.unknown_formats
    return walker.view


def _footnotes(walker: _Walker, package: Package) -> list[str]:
    if package.footnotes is None or not walker.footnote_ids:
        return []
    by_id = {
        n.get(w("id"), ""): n
        for n in package.footnotes.findall(w("footnote"))
        if n.get(w("type")) in (None, "normal")
    }
    texts = []
    for note_id in list(walker.footnote_ids):
        note = by_id.get(note_id)
        paragraphs: list = []
        if note is not None:
            walker.blocks(note, paragraphs)
        text = " ".join(p.text.strip() for p in paragraphs if isinstance(p, Paragraph))
        texts.append(text.strip())
    return texts


def has_revisions(package: Package) -> bool:
    """Whether the body holds any revision that can change text (insertions, deletions,
    moves, paragraph-property changes, inserted or deleted rows and cells)."""
    wanted = {INS, DEL, MOVE_FROM, MOVE_TO, w("pPrChange"), w("cellIns"), w("cellDel")}
    return any(True for _ in package.document.iter(*wanted))


def _quote(text: str, width: int = 40) -> str:
    """``text`` on one printable line, cut to ``width`` characters, quoted: for messages."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if not flat:
        return "(an empty paragraph)"
    return f'"{flat[:width]}…"' if len(flat) > width else f'"{flat}"'
