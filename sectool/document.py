"""Parse a SEC document (Markdown, one paragraph per block) into its clause tree, exactly.

A document is a sequence of blocks. Each block keeps its raw text, separators included, so
printing a parsed document gives back its bytes. The first line of a block says what it is:

    # Section M: General          the title (first line of the file)
    ## M6 Party Details           a sub-section heading (appendices: "## 4 Revocation")
    ### Notices                   a topic heading (any heading without a number)
    M6.2 Each Party shall ...     a paragraph (appendices: "4.3", "4.3.1")
    (a) ... / (i) ... / (A) ...   sub-paragraphs, nested below the paragraph
    anything else                 text that belongs to the clause above it
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any, NoReturn

from sectool.errors import MalformedDocument
from sectool.model import DocId, Kind
from sectool.numbering import (
    BARE_NUMBER,
    INSERTION,
    SECTION_NUMBER,
    SUB_TOKEN,
    SubNumber,
    number_parts,
)

TITLE = re.compile(r"# (Section|Schedule|Appendix) ([A-Z]{1,2}|[1-9][0-9]*): (\S.*)")
_HEADING = re.compile(r"(#{2,6})[ \t]+(.*)")
_SUB = re.compile(rf"\(({SUB_TOKEN})\)(?:[ \t]|$)")
# Before insertions and numerals were read, only these tokens were sub-paragraphs; a line
# starting with any other token that continues no list (a "(see)") stays text, as it was.
_STRICT_TOKEN = re.compile(r"[a-z]{1,2}|[A-Z]")
_BARE_PARAGRAPH = rf"\d+{INSERTION}(?:\.\d+{INSERTION})+"

# Levels decide where a clause's text ends: at the next block of the same or a lower level.
TITLE_LEVEL, HEADING_LEVEL, TOPIC_LEVEL, PARAGRAPH_LEVEL = 0, 1, 2, 3
TEXT_LEVEL = 99


class BlockKind(StrEnum):
    """What a block of a document is; the value is the word the JSON output uses."""

    TITLE = "title"  # the document's first line, "# Section M: General"
    HEADING = "heading"  # a numbered heading, "## M1 Scope"
    TOPIC = "topic"  # an unnumbered heading inside a section
    PARAGRAPH = "paragraph"  # a numbered clause, "M1.1 ..."
    SUBPARAGRAPH = "subparagraph"  # a lettered or roman sub-clause, "(a) ..."
    TEXT = "text"  # anything else: notes, tables, glossary entries, unclassified text


# A clause number as comparable parts: "M6.2A" -> ((6, ""), (2, "A")).
Components = tuple[tuple[int, str], ...]


@dataclass(slots=True)
class Block:
    """One block of a document: its exact text and what it is."""

    raw: str
    line: int
    kind: BlockKind
    clause: str | None  # the clause this block starts, or (text blocks) belongs to
    level: int
    label: str = ""  # a heading's title, or the term a glossary entry defines
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.text = block_text(self.raw)


@dataclass
class Document:
    """A parsed document: its id, title and blocks; ``str(doc)`` is the exact source."""

    doc_id: DocId
    title: str
    blocks: list[Block]
    index: dict[str, int] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # derived data
    # (line, message) where a letter/numeral reading of a sub-paragraph was a guess
    ambiguities: list[tuple[int, str]] = field(default_factory=list, compare=False)

    def __str__(self) -> str:
        return "".join(b.raw for b in self.blocks)

    def clauses(self) -> list[str]:
        """Clause ids in document order."""
        return list(self.index)

    def span(self, clause: str) -> tuple[int, int]:
        """Block range [start, end) of a clause with everything below it."""
        start = self.index[clause]
        level = self.blocks[start].level
        end = start + 1
        while end < len(self.blocks) and self.blocks[end].level > level:
            end += 1
        return start, end

    def clause_text(self, clause: str) -> str:
        start, end = self.span(clause)
        return block_text("".join(b.raw for b in self.blocks[start:end])) + "\n"

    def heading_of(self, clause: str) -> str:
        """A clause's own heading (sub-sections) or the term it defines (glossary entries)."""
        i = self.index.get(clause)
        return self.blocks[i].label if i is not None else ""


_BLANK_RUN = re.compile(r"\n(?:[ \t\r\f\v]*\n)+")


def split_blocks(text: str, kind: Kind) -> list[tuple[int, str]]:
    """Split source text into (first line number, raw text) blocks, losing nothing.

    A block starts only after a run of blank lines (lines of nothing but spaces count as
    blank), which stay with the block before them: a line break inside a paragraph is a hard
    wrap, even when the next line starts with a clause number or a reference ("F8.6 shall").
    ``kind`` is kept for callers; the rule is the same for every kind of document. Works on
    offsets into ``text``, so nothing is copied but the blocks.
    """
    content_end = len(text.rstrip())
    if not content_end:
        return []
    cut_set = {0, len(text)}
    cut_set.update(
        m.end()
        for m in _BLANK_RUN.finditer(text, 0, content_end + 1)
        if m.start() > 0 and m.end() < content_end
    )
    cuts = sorted(cut_set)
    blocks: list[tuple[int, str]] = []
    line = 1
    for x, y in zip(cuts, cuts[1:], strict=False):
        blocks.append((line, text[x:y]))
        line += text.count("\n", x, y)
    return blocks


class _Parser:
    """Walks the blocks once, keeping the open clause chain to number and check each one."""

    def __init__(
        self,
        doc_id: DocId,
        path: str,
        raw_blocks: list[tuple[int, str]] | Callable[[], list[tuple[int, str]]] = list,
        base: int = 0,
    ) -> None:
        self.doc_id = doc_id
        self.path = path
        # The blocks from position ``base`` on (or a function that splits them when first
        # asked), to look at the sub-paragraphs after an (i) that could be either.
        self._raw_blocks = raw_blocks
        self.base = base
        self.ambiguities: list[tuple[int, str]] = []
        self.index: dict[str, int] = {}
        self.lines: dict[str, int] = {}
        self.heading: tuple[str, Components] | None = None  # (clause, components)
        self.paragraphs: dict[Components, str] = {}  # clause by components, under the heading
        self.last_child: dict[str, tuple[int, str]] = {}  # parent clause -> last child's part
        self.anchor: str | None = None  # the paragraph that sub-paragraphs hang from
        self.anchor_level = PARAGRAPH_LEVEL
        self.subs: list[tuple[SubNumber, str, int]] = []  # (number, clause, level), open chain
        self.current: str | None = None
        number = (
            rf"{doc_id.key}\d+{INSERTION}(?:\.\d+{INSERTION})+"
            if doc_id.kind is Kind.SECTION
            else _BARE_PARAGRAPH
        )
        self.paragraph_re = re.compile(rf"({number})(?:[ \t]|$)")

    @property
    def raw_blocks(self) -> list[tuple[int, str]]:
        if callable(self._raw_blocks):
            self._raw_blocks = self._raw_blocks()
        return self._raw_blocks

    def fail(self, message: str, line: int, hint: str, clause: str | None = None) -> NoReturn:
        raise MalformedDocument(message, hint, path=self.path, line=line, clause=clause)

    def register(self, clause: str, position: int, line: int) -> None:
        if clause in self.index:
            self.fail(
                f"duplicate clause {clause} (first at line {self.lines[clause]})",
                line,
                "renumber one of them, or insert with a letter suffix (N4A)",
                clause,
            )
        self.index[clause] = position
        self.lines[clause] = line
        self.current = clause

    def order(self, parent: str, comps: Components, clause: str, line: int) -> None:
        prev = self.last_child.get(parent)
        if prev is not None and comps[-1] <= prev:
            self.fail(
                f"clause {clause} is out of order",
                line,
                "clauses must be numbered in ascending order",
                clause,
            )
        self.last_child[parent] = comps[-1]


def parse_document(text: str, doc_id: DocId, path: str | None = None) -> Document:
    """Parse ``text`` as the document ``doc_id``; raise MalformedDocument with file:line."""
    path = path or doc_id.path
    raw_blocks = split_blocks(text, doc_id.kind)
    p = _Parser(doc_id, path, raw_blocks)
    if text.startswith("\ufeff"):
        p.fail(
            "the file starts with a byte order mark (BOM, U+FEFF) before the title",
            1,
            "save the file as UTF-8 without a byte order mark (BOM)",
        )
    if not raw_blocks:
        p.fail("the document is empty", 1, f"start it with a title line: # {doc_id}: Title")
    first_line, first_raw = raw_blocks[0]
    title_line = first_raw.partition("\n")[0].rstrip("\r")
    if "\r" in title_line:
        _cr_line_endings(p, 1)
    m = TITLE.fullmatch(title_line)
    if first_line != 1 or not m:
        p.fail(
            "the first line is not the document's title",
            1,
            f"start the file with: # {doc_id}: Title",
        )
    if (m.group(1).lower(), m.group(2)) != (doc_id.kind.value, doc_id.key):
        p.fail(
            f"the title names {m.group(1)} {m.group(2)}, but this file is {doc_id}",
            1,
            f"rename the file or change the title to: # {doc_id}: {m.group(3)}",
        )
    blocks = [Block(first_raw, 1, BlockKind.TITLE, None, TITLE_LEVEL, m.group(3).strip())]
    for line, raw in raw_blocks[1:]:
        blocks.append(_classify(p, raw, line, len(blocks)))
    return Document(doc_id, m.group(3).strip(), blocks, p.index, ambiguities=p.ambiguities)


def _cr_line_endings(p: _Parser, line: int) -> NoReturn:
    # A title or heading is one line: a carriage return inside it means the file ends its
    # lines with CR alone (old Mac), and the whole file would read as one line.
    p.fail(
        "a title or heading line holds a carriage return (CR): the file seems to end its "
        "lines with CR alone",
        line,
        "save the file with LF (or CRLF) line endings",
    )


def _classify(p: _Parser, raw: str, line: int, position: int) -> Block:
    first = raw.partition("\n")[0].rstrip("\r")
    section = p.doc_id.kind is Kind.SECTION
    if first.startswith("#") and "\r" in first:
        _cr_line_endings(p, line)
    h = _HEADING.fullmatch(first) if first.startswith("#") else None
    if h:
        hm = _numbered_heading(h, p.doc_id)
        if hm:
            return _heading(p, raw, line, position, hm.group(1), (hm.group(2) or "").strip())
        p.anchor, p.subs = None, []
        return Block(raw, line, BlockKind.TOPIC, p.current, TOPIC_LEVEL, h.group(2).strip())
    pm = p.paragraph_re.match(first)
    if pm:
        return _paragraph(p, raw, line, position, pm.group(1))
    sm = _SUB.match(first) if first.startswith("(") else None
    if sm:
        return _subparagraph(p, raw, line, position, sm.group(1))
    label = _defined_term(first) if section and first[:1] in _TERM_START else ""
    return Block(raw, line, BlockKind.TEXT, p.current, TEXT_LEVEL, label)


def _numbered_heading(h: re.Match[str], doc_id: DocId) -> re.Match[str] | None:
    """The number and title of a sub-section heading ("## M6 Party Details"), or None for a
    topic heading. Sub-section headings reset the parser's numbering state."""
    section = doc_id.kind is Kind.SECTION
    number_re = SECTION_NUMBER if section else BARE_NUMBER
    hm = re.fullmatch(rf"({number_re})(?:[ \t]+(.*))?", h.group(2))
    if hm and len(h.group(1)) == 2 and (not section or hm.group(1)[0] == doc_id.key):
        return hm
    return None


def _starts_subsection(raw: str, doc_id: DocId) -> bool:
    first = raw.partition("\n")[0].rstrip("\r")
    h = _HEADING.fullmatch(first) if first.startswith("##") else None
    return bool(h and _numbered_heading(h, doc_id))


def _heading(p: _Parser, raw: str, line: int, position: int, number: str, title: str) -> Block:
    comps = number_parts(number)
    p.register(number, position, line)
    if p.heading is not None and comps <= p.heading[1]:
        p.fail(
            f"heading {number} is out of order (it follows {p.heading[0]})",
            line,
            "sub-section headings must be numbered in ascending order",
            number,
        )
    p.heading = (number, comps)
    p.paragraphs = {comps: number}
    p.anchor, p.subs = None, []
    return Block(raw, line, BlockKind.HEADING, number, HEADING_LEVEL, title)


def _paragraph(p: _Parser, raw: str, line: int, position: int, number: str) -> Block:
    comps = number_parts(number)
    parent_comps = comps[:-1]
    parent = p.paragraphs.get(parent_comps)
    while parent is None and len(parent_comps) > 1:
        parent_comps = parent_comps[:-1]
        parent = p.paragraphs.get(parent_comps)
    if parent is None:
        if p.heading is not None:
            p.fail(
                f"clause {number} is not under its heading (it follows {p.heading[0]})",
                line,
                "move it under its sub-section heading, or fix its number",
                number,
            )
        parent = ""
    p.register(number, position, line)
    p.order(parent, comps, number, line)
    p.paragraphs[comps] = number
    level = PARAGRAPH_LEVEL + len(comps) - 2
    p.anchor, p.anchor_level, p.subs = number, level, []
    return Block(raw, line, BlockKind.PARAGRAPH, number, level)


def _subparagraph(p: _Parser, raw: str, line: int, position: int, token: str) -> Block:
    if p.anchor is None:
        if not _STRICT_TOKEN.fullmatch(token):
            return Block(raw, line, BlockKind.TEXT, p.current, TEXT_LEVEL)
        p.fail(
            f"sub-paragraph ({token}) has no numbered paragraph above it",
            line,
            "put it below the paragraph it belongs to",
        )
    options = _readings([n for n, _, _ in p.subs], token)
    if not options:
        if not _STRICT_TOKEN.fullmatch(token):
            return Block(raw, line, BlockKind.TEXT, p.current, TEXT_LEVEL)
        where = p.subs[-1][1] if p.subs else p.anchor
        p.fail(
            f"sub-paragraph ({token}) is out of order after {where}",
            line,
            "number sub-paragraphs (a), (b), ... then (i), (ii), ... then (A), (B), ... then "
            "(I), (II), ...; insert with a letter: (aa) after (a), (za) after (z)",
            where,
        )
    depth, number = options[0]
    if len(options) > 1:
        depth, number = _resolve(p, options, position, line, token)
    parent = p.subs[depth - 1][1] if depth else p.anchor
    level = p.subs[depth - 1][2] + 1 if depth else p.anchor_level + 1
    del p.subs[depth:]
    clause = f"{parent}{number}"
    p.register(clause, position, line)
    p.subs.append((number, clause, level))
    return Block(raw, line, BlockKind.SUBPARAGRAPH, clause, level)


def _readings(chain: list[SubNumber], token: str) -> list[tuple[int, SubNumber]]:
    """Where ``token`` can go below the open ``chain``, as (depth, number): continuing an
    open list, deepest first, then opening a list one level down."""
    out = []
    for depth in range(len(chain) - 1, -1, -1):
        number = chain[depth].successors().get(token)
        if number is not None:
            out.append((depth, number))
    first = SubNumber.first(token)
    if first is not None and all(n.style != first.style for n in chain):
        out.append((len(chain), first))
    return out


def _resolve(
    p: _Parser, options: list[tuple[int, SubNumber]], position: int, line: int, token: str
) -> tuple[int, SubNumber]:
    """Choose between readings of an ambiguous token ((i) after (h): the letter, or a first
    numeral) by the sub-paragraphs that follow it: the reading under which they all number
    correctly wins. If both do, the first reading stays and the document records the guess
    for ``check``."""
    chain = [n for n, _, _ in p.subs]
    after = _following_tokens(p, position)
    fits = [o for o in options if _numbers_correctly(chain[: o[0]] + [o[1]], after)]
    if len(fits) == 1:
        return fits[0]
    depth, number = options[0]
    if fits:
        where = p.subs[depth - 1][1] if depth else p.anchor
        others = " or ".join(_describe(n) for _, n in options[1:])
        p.ambiguities.append(
            (line, f"({token}) under {where} is read as {_describe(number)}; it could be {others}")
        )
    return depth, number


def _numbers_correctly(chain: list[SubNumber], tokens: list[str]) -> bool:
    """Whether ``tokens`` all find a place after ``chain``, under some reading of each."""
    for at, token in enumerate(tokens):
        options = _readings(chain, token)
        if len(options) > 1:
            rest = tokens[at + 1 :]
            return any(_numbers_correctly(chain[:d] + [n], rest) for d, n in options)
        if options:
            depth, number = options[0]
            chain = chain[:depth] + [number]
        elif _STRICT_TOKEN.fullmatch(token):
            return False
        # else a "(see)" line: text, as the parser reads it
    return True


def _describe(number: SubNumber) -> str:
    kind = "numeral" if "roman" in number.style else "letter"
    return f"the {kind} {number}"


def _following_tokens(p: _Parser, position: int) -> list[str]:
    """The tokens of the sub-paragraphs after ``position``, up to the next numbered block."""
    out = []
    for _, raw in p.raw_blocks[position - p.base + 1 :]:
        first = raw.partition("\n")[0].rstrip("\r")
        if first.startswith("#") or p.paragraph_re.match(first):
            break
        sm = _SUB.match(first) if first.startswith("(") else None
        if sm:
            out.append(sm.group(1))
    return out


_TERM_START = set('"“*_ ')
_TERM = re.compile(r'["“]([^"”]+)["”] (?:means|has the meaning|shall have the meaning)')


def _defined_term(first_line: str) -> str:
    m = _TERM.match(first_line.lstrip("*_ "))
    return m.group(1) if m else ""


def block_text(raw: str) -> str:
    """A block's content without its separating blank lines (as :attr:`Block.text`).

    Lines of nothing but spaces after the content separate blocks: they are not text of the
    clause above, so removing their spaces changes no clause."""
    text = raw.rstrip("\r\n")
    cut = text.rfind("\n")
    while cut >= 0 and not text[cut + 1 :].strip(" \t\r\f\v"):
        text = text[:cut].rstrip("\r\n")
        cut = text.rfind("\n")
    return "" if not text or text.isspace() else text


def _unclassified(raw: str, line: int, text: str | None) -> Block:
    """A block left as text (its kind and clause unknown), built without re-deriving its text."""
    block = Block.__new__(Block)
    block.raw, block.line, block.kind, block.clause = raw, line, BlockKind.TEXT, None
    block.level, block.label = TEXT_LEVEL, ""
    block.text = block_text(raw) if text is None else text
    return block


def parse_partial(
    text: str,
    doc_id: DocId,
    indexes: set[int],
    raw_blocks: list[tuple[int, str]] | None = None,
    texts: list[str] | None = None,
) -> Document:
    """Parse only the sub-sections that hold the blocks at ``indexes``.

    Clause ids depend only on the blocks since the last numbered sub-section heading, which
    resets the parser's numbering state, so those windows classify exactly as a full parse
    would. The other blocks keep their text but stay unclassified (kind "text", no clause).
    For text already validated (a designated version): nothing here checks numbering.
    """
    raw_blocks = raw_blocks if raw_blocks is not None else split_blocks(text, doc_id.kind)
    full = parse_document  # the first block must be a valid title either way
    if not raw_blocks:
        return full(text, doc_id)
    starts = [
        i
        for i, (_, raw) in enumerate(raw_blocks)
        if i and raw.startswith("##") and _starts_subsection(raw, doc_id)
    ]
    windows: set[int] = set()
    for index in indexes:
        first = max((s for s in starts if s <= index), default=1)
        windows.add(first)
    title_doc = full(raw_blocks[0][1], doc_id)
    blocks: list[Block] = [title_doc.blocks[0]]
    blocks += [
        _unclassified(raw, line, texts[k] if texts else None)
        for k, (line, raw) in enumerate(raw_blocks[1:], start=1)
    ]
    index_map: dict[str, int] = {}
    bounds = sorted(set(starts) | {1})
    for first in sorted(windows):
        stop = next((b for b in bounds if b > first), len(raw_blocks))
        p = _Parser(doc_id, doc_id.path, raw_blocks)
        for k in range(first, stop):
            line, raw = raw_blocks[k]
            blocks[k] = _classify(p, raw, line, k)
        index_map.update(p.index)
    return Document(doc_id, title_doc.title, blocks, index_map)


Span = tuple[int, int, int, int]  # (old_start, old_end, new_start, new_end), offsets


def change_windows(old: str, new: str, spans: list[Span], doc_id: DocId) -> list[Span]:
    """The regions of two versions that hold their differences, aligned, for
    :func:`parse_windows`: ``spans`` (from :func:`sectool.diff.changed_spans`) widened back to
    the numbered paragraph or sub-section heading before them (or the start of the text),
    from which a fresh parser classifies as the full parse does, and on to the next block
    boundary after them.

    Each window starts and ends where a block starts in both versions, because the text
    around it is the same in both; windows that would touch are merged.
    """
    old_end = len(old.rstrip())
    windows: list[Span] = []
    k = 0
    while k < len(spans):
        a1, a2, b1, b2 = spans[k]
        o1 = _reset_point(old, a1, doc_id)
        n1 = b1 - (a1 - o1)
        o2 = _block_end(old, a2, old_end)
        while k + 1 < len(spans) and o2 >= spans[k + 1][0]:  # reaches the next span: take it
            k += 1
            a2, b2 = spans[k][1], spans[k][3]
            o2 = _block_end(old, a2, old_end)
        n2 = len(new) if o2 == len(old) else b2 + (o2 - a2)
        if windows and o1 <= windows[-1][1]:
            o1, _, n1, _ = windows.pop()
        windows.append((o1, o2, n1, n2))
        k += 1
    return windows


def _reset_point(text: str, at: int, doc_id: DocId) -> int:
    """Where the last block wholly before ``at`` that a fresh parser classifies as the full
    parse does starts: a numbered paragraph or a numbered sub-section heading (0: none).

    A paragraph's clause is its own number, and it ends the sub-paragraph chain above it, so
    the blocks after it classify the same with no state; only the checks of numbering, which
    designated text has passed, need what came before.
    """
    paragraph_re = _Parser(doc_id, doc_id.path).paragraph_re
    eol = text.rfind("\n", 0, at)  # lines wholly before ``at`` end at or before this
    while eol > 0:
        start = text.rfind("\n", 0, eol) + 1
        line = text[start:eol].rstrip("\r")
        if start and (line[:1].isdigit() or line.startswith(("#", doc_id.key))):
            numbered = (
                _starts_subsection(line, doc_id)
                if line.startswith("##")
                else bool(paragraph_re.match(line))
            )
            if numbered and _block_starts(text, start):
                return start
        eol = start - 1
    return 0


def _block_starts(text: str, start: int) -> bool:
    """Whether split_blocks cuts the text at ``start``, the start of a line after the first."""
    before = text.rfind("\n", 0, start - 1)
    # a blank line before it, itself after a line of content
    return before > 0 and not text[before + 1 : start - 1].strip(" \t\r\f\v")


def _split_from(text: str, start: int, kind: Kind) -> list[tuple[int, str]]:
    return split_blocks(text[start:], kind)


def _block_end(text: str, at: int, content_end: int) -> int:
    """The first block boundary after a run of blank lines at or after ``at``."""
    m = _BLANK_RUN.search(text, at)
    return m.end() if m and m.end() < content_end else len(text)


def parse_windows(
    text: str, doc_id: DocId, windows: list[tuple[int, int]]
) -> tuple[Document, list[int]]:
    """Only the blocks inside ``windows`` (``(start, end)`` offsets from
    :func:`change_windows`), classified as a full parse would classify them, with the number
    of blocks in each window. The document's title comes from its first line.

    For text already validated (a designated version): nothing here checks numbering across
    windows, and the blocks between windows are left out.
    """
    first = text.find("\n")
    title = parse_document(text[: first + 1] if first >= 0 else text, doc_id).title
    blocks: list[Block] = []
    index: dict[str, int] = {}
    sizes: list[int] = []
    line, at = 1, 0
    for start, end in windows:
        line += text.count("\n", at, start)
        at = start
        raw_blocks = split_blocks(text[start:end], doc_id.kind)
        # an (i) near the window's end is read by what follows it, which may lie beyond
        rest = partial(_split_from, text, start, doc_id.kind)  # sliced only when asked
        p = _Parser(doc_id, doc_id.path, rest, base=len(blocks))
        for k, (n, raw) in enumerate(raw_blocks):
            if start == 0 and k == 0:
                blocks.append(parse_document(raw, doc_id).blocks[0])
            else:
                blocks.append(_classify(p, raw, line + n - 1, len(blocks)))
        index.update(p.index)
        sizes.append(len(raw_blocks))
    return Document(doc_id, title, blocks, index), sizes
