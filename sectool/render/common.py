"""What every renderer shares: a heading's Markdown marker is replaced by a real heading."""

from __future__ import annotations

import re

from sectool.diff import Segment
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


def changed_segments(old: Block, new: Block, segments: list[Segment]) -> list[Segment] | None:
    """The segments of a changed block without the heading marker, or None if the marker
    itself changed (then show the whole text replaced)."""
    mark = old.text[: heading_mark(old)]
    if mark != new.text[: heading_mark(new)]:
        return None
    return strip_chars(segments, len(mark))


def layout_change(item) -> str | None:
    """What a changed block's change is, when the words did not change: "line endings",
    "white space" or "heading marker"; None when words did (or the block is not changed)."""
    if item.old is None or item.new is None or item.old.text == item.new.text:
        return None
    old, new = item.old.text, item.new.text
    if old.replace("\r\n", "\n") == new.replace("\r\n", "\n"):
        return "line endings"
    if shown_text(item.old) == shown_text(item.new) and heading_level(item.old) == heading_level(
        item.new
    ):
        return "heading marker"
    if old.split() == new.split():
        return "white space"
    return None
