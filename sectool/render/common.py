"""What every renderer shares: a heading's Markdown marker is replaced by a real heading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sectool.diff import CHANGED, DELETE, EQUAL, INSERT, BlockDiff, Segment, SegmentOp
from sectool.document import Block, BlockKind

_HEADING_MARK = re.compile(r"#{1,6}[ \t]+")


def heading_mark(block: Block) -> int:
    """Length of a heading's leading '#' marker, which the output's own heading replaces."""
    if block.kind in (BlockKind.TITLE, BlockKind.HEADING, BlockKind.TOPIC):
        m = _HEADING_MARK.match(block.text)
        return m.end() if m else 0
    return 0


def heading_level(block: Block) -> int:
    """A heading's Markdown level, 1-6 (the number of '#'); 0 for a block that is no heading."""
    if block.kind in (BlockKind.TITLE, BlockKind.HEADING, BlockKind.TOPIC):
        m = _HEADING_MARK.match(block.text)
        return m.group().count("#") if m else 0
    return 0


def shown_text(block: Block) -> str:
    return block.text[heading_mark(block) :]


def strip_chars(segments: list[Segment], count: int) -> list[Segment]:
    """Drop the first ``count`` characters (a heading's marker) from a run of segments."""
    out = []
    for s in segments:
        take = min(count, len(s.text))
        count -= take
        if s.text[take:]:
            out.append(Segment(s.op, s.text[take:], s.by, s.date))
    return out


def strip_marks(segments: list[Segment], old_mark: int, new_mark: int) -> list[Segment]:
    """A changed block's segments without its heading markers: the first ``old_mark``
    characters of the old text and the first ``new_mark`` of the new one (either may be 0,
    for a block that is no heading).

    What is left reads, accepted, as the new block's shown text and, rejected, as the old
    one's: an unchanged character that is marker on one side only is shown inserted (or
    deleted) on the other, attributed to nobody (the caller's block author applies).
    """
    out: list[Segment] = []
    o = n = 0  # characters of the old and of the new text passed so far

    def add(op: SegmentOp, text: str, by: str, date: str) -> None:
        if not text:
            return
        if out and out[-1].op == op and (out[-1].by, out[-1].date) == (by, date):
            out[-1] = Segment(op, out[-1].text + text, by, date)
        else:
            out.append(Segment(op, text, by, date))

    for s in segments:
        size = len(s.text)
        if s.op == DELETE:
            add(DELETE, s.text[max(old_mark - o, 0) :], s.by, s.date)
            o += size
        elif s.op == INSERT:
            add(INSERT, s.text[max(new_mark - n, 0) :], s.by, s.date)
            n += size
        else:
            in_old, in_new = max(old_mark - o, 0), max(new_mark - n, 0)
            both = min(in_old, in_new, size)
            one = min(max(in_old, in_new), size)
            # marker on the old side only: the new side shows it; on the new side only: the old
            add(INSERT if in_old > in_new else DELETE, s.text[both:one], "", "")
            add(EQUAL, s.text[one:], "", "")
            o, n = o + size, n + size
    return out


def changed_segments(old: Block, new: Block, segments: list[Segment]) -> list[Segment]:
    """The segments of a changed block as its output shows it, heading markers left out
    (they become the output's own heading, or the heading-level note)."""
    return strip_marks(segments, heading_mark(old), heading_mark(new))


@dataclass(frozen=True)
class LevelChange:
    """A changed block's heading level: ``old`` and ``new`` are 1-6 for a heading and 0 for
    a block that is no heading; ``by`` and ``date`` are the change set that made the change
    and its effective date (YYYY-MM-DD); ``words_unchanged`` says the shown text is equal."""

    old: int
    new: int
    by: str
    date: str
    words_unchanged: bool

    def describe(self) -> str:
        """``heading level 2 -> 3``, ``heading level 3 -> body text``, ``body text ->
        heading level 3``."""
        if self.old and self.new:
            return f"heading level {self.old} -> {self.new}"
        if self.old:
            return f"heading level {self.old} -> body text"
        return f"body text -> heading level {self.new}"

    def to_json(self) -> dict[str, int]:
        return {"from": self.old, "to": self.new}


def level_change(item: BlockDiff) -> LevelChange | None:
    """The heading-level change of a changed block (``## X`` -> ``### X``, a heading become
    body text or the reverse), or None when its level, or its being no heading, is the same.

    The author is the change set that changed the markers (the last one, when several
    did), else the block's first author.
    """
    if item.op != CHANGED or item.old is None or item.new is None:
        return None
    old, new = heading_level(item.old), heading_level(item.new)
    if old == new:
        return None
    old_mark, new_mark = heading_mark(item.old), heading_mark(item.new)
    dated: list[tuple[str, str]] = []
    o = n = 0
    for s in item.segments:
        if s.op == DELETE:
            if o < old_mark and s.by:
                dated.append((s.date, s.by))
            o += len(s.text)
        elif s.op == INSERT:
            if n < new_mark and s.by:
                dated.append((s.date, s.by))
            n += len(s.text)
        else:
            o, n = o + len(s.text), n + len(s.text)
    date, by = max(dated) if dated else (item.date, item.by[0] if item.by else "")
    return LevelChange(old, new, by, date, shown_text(item.old) == shown_text(item.new))


def layout_change(item) -> str | None:
    """What a changed block's change is, when the words did not change: "line endings",
    "white space", "heading marker" (its spacing) or "heading level" (see
    :func:`level_change`); None when words did (or the block is not changed)."""
    if item.old is None or item.new is None or item.old.text == item.new.text:
        return None
    old, new = item.old.text, item.new.text
    if old.replace("\r\n", "\n") == new.replace("\r\n", "\n"):
        return "line endings"
    if shown_text(item.old) == shown_text(item.new):
        same = heading_level(item.old) == heading_level(item.new)
        return "heading marker" if same else "heading level"
    if old.split() == new.split():
        return "white space"
    return None
