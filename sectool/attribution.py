"""Who changed what: a redline across several versions, composed from its steps word by word.

A comparison across several versions (5.7 -> 5.12) is the end of a chain of steps, one per
change set, each with its author (the change set id) and date (its version's effective date).
Each step is compared on its own, as a one-step redline is
(:func:`~sectool.diff.compare_documents`), and the step comparisons are composed: every word of
the redline carries where it came from.

- a word of the first version that no step touched stays unchanged;
- a word of the first version that a step deleted is shown deleted by that step;
- a word a step inserted is shown inserted by that step, and vanishes if a later step deletes it;
- a clause a step moved is shown removed and inserted by that step (as a move when no other step
  touched it in between), with later edits inside it credited to their own steps.

Nothing is guessed from the two end texts, so a word unchanged between them is never shown as
changed, and the cost is one step comparison per step (each linear in the blocks and the words of
the blocks that step changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sectool.diff import (
    _MOVE_MIN_CHARS,
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
    DocumentDiff,
    Segment,
    compare_documents,
    tokens,
)
from sectool.document import Block, Document

# What a word of the composed redline is: in the first version and kept, in the first version
# and deleted by a step, or inserted by a step (and still there at the end).
_KEPT, _GONE, _NEW = 0, 1, 2

Entry = tuple[str, int, int]  # (token, _KEPT | _GONE | _NEW, step: 1-based, 0 for kept)


@dataclass(frozen=True)
class Author:
    """Who made a step: the change set id (or version label) and its effective date."""

    id: str
    date: str


@dataclass
class _Piece:
    """One paragraph of the composed redline, in reading order.

    ``origin`` is the first version's block it descends from (None: a step inserted it);
    ``entries`` its words, None while no step has touched them; ``inserted``/``removed`` the
    step that inserted the paragraph or removed it (0: none).
    """

    origin: Block | None
    entries: list[Entry] | None = None
    inserted: int = 0
    removed: int = 0

    def words(self) -> list[Entry]:
        if self.entries is None:
            assert self.origin is not None
            self.entries = [(t, _KEPT, 0) for t in tokens(self.origin.text)]
        return self.entries


def attribute(diff: DocumentDiff, author: Author) -> None:
    """Stamp every change of a one-step ``diff`` with the step's ``author`` (in place)."""
    for item in diff.changes:
        item.by, item.date = (author.id,), author.date
        for segment in item.segments:
            if segment.op != EQUAL:
                segment.by, segment.date = author.id, author.date


def compose(documents: Sequence[Document | None], authors: Sequence[Author]) -> DocumentDiff:
    """The redline from ``documents[0]`` to ``documents[-1]``, composed from the steps between.

    ``documents``: the document after each step, the first version first (None where the
    document does not exist); ``authors[s - 1]`` made step ``s`` (``len(documents) - 1`` of
    them). Every changed block and segment carries ``by``/``date``; a block's first author is
    the step that made the paragraph itself (inserted, removed or first changed it).
    """
    if len(documents) != len(authors) + 1:
        raise ValueError("one author per step: len(authors) == len(documents) - 1")
    first = documents[0]
    pieces = [_Piece(b) for b in first.blocks] if first else []
    for step in range(1, len(documents)):
        diff = compare_documents(documents[step - 1], documents[step])
        pieces = _apply(pieces, diff, step)
    return _redline(first, documents[-1], pieces, authors)


def _apply(pieces: list[_Piece], diff: DocumentDiff, step: int) -> list[_Piece]:
    """The pieces after one step, given that step's comparison (its blocks in reading order)."""
    position = {}  # id(block of the step's old version) -> index into pieces
    blocks = iter(diff.old.blocks if diff.old else [])
    for n, piece in enumerate(pieces):
        if not piece.removed:
            position[id(next(blocks))] = n
    out: list[_Piece] = []
    cursor = 0
    for item in diff.blocks:
        if item.op in (INSERTED, MOVED_TO):
            # deletions before insertions where both stand, as Word shows them
            while cursor < len(pieces) and pieces[cursor].removed:
                out.append(pieces[cursor])
                cursor += 1
            assert item.new is not None
            words = [(t, _NEW, step) for t in tokens(item.new.text)]
            out.append(_Piece(None, words, inserted=step))
            continue
        assert item.old is not None
        at = position[id(item.old)]
        out += pieces[cursor:at]
        cursor = max(cursor, at + 1)
        piece = pieces[at]
        if item.op == SAME:
            out.append(piece)
        elif item.op == CHANGED:
            words = _edit(piece.words(), item.segments, step)
            out.append(_Piece(piece.origin, words, piece.inserted))
        elif piece.origin is not None:  # DELETED or MOVED_FROM: the first version's words stay
            words = [(t, _GONE, step) if k == _KEPT else (t, k, s) for t, k, s in piece.words()]
            out.append(_Piece(piece.origin, [e for e in words if e[1] != _NEW], removed=step))
        # else: a paragraph an earlier step inserted, removed again: it vanishes
    out += pieces[cursor:]
    return out


def _edit(entries: list[Entry], segments: list[Segment], step: int) -> list[Entry]:
    """One step's word-level edit of a paragraph applied to its composed words."""
    out: list[Entry] = []
    k = 0
    for segment in segments:
        if segment.op == INSERT:
            while k < len(entries) and entries[k][1] == _GONE:
                out.append(entries[k])
                k += 1
            out += [(t, _NEW, step) for t in tokens(segment.text)]
            continue
        for token in tokens(segment.text):
            while entries[k][1] == _GONE:
                out.append(entries[k])
                k += 1
            entry = entries[k]
            k += 1
            if entry[0] != token:  # pragma: no cover - the step's diff is of this very text
                raise AssertionError(f"composition out of step at {token!r} ({entry[0]!r})")
            if segment.op == EQUAL:
                out.append(entry)
            elif entry[1] == _KEPT:
                out.append((entry[0], _GONE, step))
            # else: inserted by an earlier step and deleted by this one: it vanishes
    out += entries[k:]
    return out


def _redline(
    first: Document | None,
    last: Document | None,
    pieces: list[_Piece],
    authors: Sequence[Author],
) -> DocumentDiff:
    out: list[BlockDiff] = []
    blocks = iter(last.blocks if last else [])
    for piece in pieces:
        if piece.removed:
            segments = _segments(piece.words(), authors)
            item = BlockDiff(DELETED, piece.origin, None, segments)
            out.append(_stamped(item, piece.removed, authors))
            continue
        block = next(blocks)
        if piece.origin is None:
            segments = _segments(piece.words(), authors)
            item = BlockDiff(INSERTED, None, block, segments)
            out.append(_stamped(item, piece.inserted, authors))
            continue
        segments = _segments(piece.words(), authors) if piece.entries is not None else []
        if all(s.op == EQUAL for s in segments):
            out.append(BlockDiff(SAME, piece.origin, block))
        else:
            out.append(_stamped(BlockDiff(CHANGED, piece.origin, block, segments), 0, authors))
    _moves(out)
    return DocumentDiff(first, last, out)


def _segments(entries: list[Entry], authors: Sequence[Author]) -> list[Segment]:
    """Runs of words with one operation and one author; a deletion and an insertion of the
    same text in the same place (deleted by one step, put back by a later one) is no change."""
    runs: list[Segment] = []
    for token, kind, step in entries:
        op = EQUAL if kind == _KEPT else DELETE if kind == _GONE else INSERT
        by, date = (authors[step - 1].id, authors[step - 1].date) if step else ("", "")
        last = runs[-1] if runs else None
        if last is not None and last.op == op and last.by == by:
            last.text += token
        else:
            runs.append(Segment(op, token, by, date))
    return _cancel_restored(runs)


def _cancel_restored(runs: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    gap: list[Segment] = []
    for run in [*runs, Segment(EQUAL, "")]:
        if run.op != EQUAL:
            gap.append(run)
            continue
        deleted = "".join(s.text for s in gap if s.op == DELETE)
        inserted = "".join(s.text for s in gap if s.op == INSERT)
        if gap and deleted == inserted:
            gap = [Segment(EQUAL, deleted)]
        for s in [*gap, run]:
            if out and out[-1].op == EQUAL == s.op:
                out[-1].text += s.text
            elif s.text:
                out.append(s)
        gap = []
    return out


def _stamped(item: BlockDiff, primary: int, authors: Sequence[Author]) -> BlockDiff:
    """``by``: the step that made the paragraph itself first, then every other author."""
    ids = [s.by for s in item.segments if s.op != EQUAL]
    dates = {s.by: s.date for s in item.segments if s.op != EQUAL}
    if primary:
        ids.insert(0, authors[primary - 1].id)
        dates[authors[primary - 1].id] = authors[primary - 1].date
    item.by = tuple(dict.fromkeys(ids))
    item.date = dates[item.by[0]] if item.by else ""
    return item


def _moves(blocks: list[BlockDiff]) -> None:
    """A paragraph one step removed and inserted elsewhere, untouched by any other step, is
    shown as that step's move."""
    inserted: dict[tuple[str, tuple[str, ...]], list[BlockDiff]] = {}
    for item in blocks:
        if item.op == INSERTED and len(item.by) == 1 and item.new is not None:
            inserted.setdefault((item.new.text, item.by), []).append(item)
    move = 0
    for item in blocks:
        if item.op != DELETED or len(item.by) != 1 or item.old is None:
            continue
        targets = inserted.get((item.old.text, item.by))
        if not targets or len(item.old.text) < _MOVE_MIN_CHARS:
            continue
        target = targets.pop(0)
        move += 1
        item.op, item.move_id = MOVED_FROM, move
        target.op, target.move_id = MOVED_TO, move
